/**
 * @module talent/talent-radar
 * The Talent Radar: signals (ArtistSignalsEngine), scores, the refresh that scores every artist
 * of the universe as of a date and writes the owned tables, calibration of the breakout model,
 * and the RadarAggregator on top. Reads sources only through its gateway (MIG, Scenes via
 * `ScenesAdapter`, CMG, Fusion, Coverage, RCF, IdentityKernel, workspaces); writes only the
 * `talent_radar_*` tables; never triggers an action.
 */
import type { Cache } from '../core/cache/cache.js';
import type { Clock } from '../core/clock.js';
import { SceneRadarError } from '../core/errors.js';
import { createDeadline } from '../core/gateway/deadline.js';
import type { SourceGateway } from '../core/gateway/gateway.js';
import { listUniverse } from '../core/gateway/universe.js';
import { requireDate } from '../core/validation.js';
import type { SceneRadarConfig } from '../config.js';
import type { TalentStores } from '../stores/specs.js';
import type { TalentArtistRow, TalentMicrogenreRow, TalentSceneRow } from '../stores/tables.js';
import { fitBreakoutModel, type BreakoutModel, type CalibrationOptions, type CalibrationResult } from './calibrate.js';
import { featureTable } from './feature-table.js';
import { extractFeatures } from './features.js';
import type { TalentModelConfig } from './model-config.js';
import { RadarAggregator } from './radar-aggregator.js';
import { artistRow } from './rows.js';
import { breakoutVector, fitPeerStats, modelVersion, scoreTable, type PeerStats, type ScoreTable } from './scoring.js';
import { TalentModelConfigSchema } from './model-config.js';
import { ArtistSignalsEngine } from './signals-engine.js';
import type { ArtistFeatures, ArtistSignals } from './signals-types.js';
import type { TalentRefreshReport } from './types.js';

/** Dependencies of {@link TalentRadar}. */
export interface TalentRadarDeps {
  /** The owned tables. */
  readonly stores: TalentStores;
  /** Gateway over the Talent Radar's sources. */
  readonly gateway: SourceGateway;
  /** Resolved configuration. */
  readonly config: SceneRadarConfig;
  /** Clock. */
  readonly clock: Clock;
  /** Cache for pulses, profiles and top lists (TTLs per the seed). */
  readonly cache: Cache<unknown>;
}

/** A scored set of artists, as of one instant. */
export interface ScoredArtists {
  /** The as-of instant. */
  readonly asOf: string;
  /** Features per artist, in the order asked. */
  readonly features: readonly ArtistFeatures[];
  /** Scores, row `i` = `features[i]` (NaN momentum / breakout: insufficient data). */
  readonly scores: ScoreTable;
  /** The peer statistics momentum was normalised with. */
  readonly peers: PeerStats;
  /** The signals gathered, per artist. */
  readonly signals: ReadonlyMap<string, ArtistSignals>;
}

/** One labelled example for {@link TalentRadar.calibrate}. */
export interface LabelledOutcome {
  /** The artist. */
  readonly artistSlug: string;
  /** The instant the inputs are taken as of. */
  readonly asOf: Date;
  /** Whether the named event happened within the horizon after `asOf`. */
  readonly label: boolean;
}

const CHUNK = 1_000;
const DEFAULT_MODEL = TalentModelConfigSchema.parse({});

/**
 * The Talent Radar.
 * @example
 * ```ts
 * await radar.refresh();
 * const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 20 });
 * ```
 */
export class TalentRadar {
  /** Signal gathering (the seed's `ArtistSignalsEngine`). */
  readonly signals: ArtistSignalsEngine;
  /** Global pulse, profiles, top lists, workspace recommendations (the seed's `RadarAggregator`). */
  readonly aggregator: RadarAggregator;
  readonly #deps: TalentRadarDeps;
  #model: TalentModelConfig;
  #peers: PeerStats | null = null;
  #refreshedAsOf: string | null = null;

  constructor(deps: TalentRadarDeps) {
    this.#deps = deps;
    this.#model = deps.config.talent.model;
    this.signals = new ArtistSignalsEngine(deps);
    this.aggregator = new RadarAggregator({ ...deps, signals: this.signals, radar: this });
  }

  /** The scoring policy in use (the configured one, with a calibrated breakout model if set). */
  get model(): TalentModelConfig {
    return this.#model;
  }

  /** Peer statistics of the last refresh, or null before the first. */
  get peers(): PeerStats | null {
    return this.#peers;
  }

  /** As-of instant of the last refresh (ISO), or null. */
  get refreshedAsOf(): string | null {
    return this.#refreshedAsOf;
  }

  /** Version string of the policy in use (see {@link modelVersion}). */
  get modelVersion(): string {
    return modelVersion(this.#model, DEFAULT_MODEL);
  }

  /** The breakout model in use. */
  breakoutModel(): BreakoutModel {
    return { intercept: this.#model.breakoutIntercept, weights: { ...this.#model.breakoutWeights } };
  }

  /** Replaces the breakout model (e.g. one fitted by {@link TalentRadar.calibrate} and persisted by the host). Clears cached results. */
  setBreakoutModel(model: BreakoutModel): void {
    const parsed = TalentModelConfigSchema.safeParse({ ...this.#model, breakoutIntercept: model?.intercept, breakoutWeights: { ...this.#model.breakoutWeights, ...(model?.weights ?? {}) } });
    if (!parsed.success) {
      throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'Invalid breakout model', { details: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) });
    }
    this.#model = parsed.data;
    void this.aggregator.clearCache();
  }

  /**
   * Gathers signals and scores `artistSlugs` as of `asOf`, normalising momentum against
   * `population` (default: the peers of the last refresh when it was as of the same instant,
   * else the artists themselves). Writes nothing: for backtests, calibration and what-if questions.
   */
  async scoreArtists(artistSlugs: readonly string[], options: { asOf?: Date; population?: readonly string[]; signal?: AbortSignal } = {}): Promise<ScoredArtists> {
    const asOf = requireDate(options.asOf, 'asOf', new Date(this.#deps.clock.now()), 'TALENT_VALIDATION_ERROR');
    const wanted = [...new Set(artistSlugs)];
    const population = options.population ? [...new Set([...options.population, ...wanted])] : wanted;
    const { features, signals } = await this.#featuresOf(population, asOf, options.signal);
    // The last refresh's peers only when they are as of the same instant: others would leak.
    const samePeers = options.population === undefined && this.#peers !== null && this.#refreshedAsOf === asOf.toISOString();
    const peers = samePeers ? this.#peers! : fitPeerStats(featureTable(features), this.#model);
    const index = new Map(features.map((f, i) => [f.artistSlug, i]));
    const picked = wanted.map((s) => features[index.get(s)!]!);
    const table = featureTable(picked);
    return { asOf: asOf.toISOString(), features: picked, scores: scoreTable(table, peers, this.#model), peers, signals: new Map(wanted.map((s) => [s, signals.get(s)!])) };
  }

  /**
   * Refits the breakout weights on labelled history (`TALENT_INSUFFICIENT_DATA` with fewer than 10
   * examples or a single outcome), applies them, and returns the fit. Inputs are computed exactly
   * as scoring does, as of each example's instant; `population` gives the peers per instant.
   */
  async calibrate(examples: readonly LabelledOutcome[], options: CalibrationOptions & { population?: (asOf: Date) => readonly string[] } = {}): Promise<CalibrationResult> {
    const byInstant = new Map<number, LabelledOutcome[]>();
    for (const e of examples) {
      const t = requireDate(e.asOf, 'asOf', new Date(), 'TALENT_VALIDATION_ERROR').getTime();
      (byInstant.get(t) ?? byInstant.set(t, []).get(t)!).push(e);
    }
    const rows: { inputs: number[]; label: boolean }[] = [];
    for (const [t, group] of byInstant) {
      const asOf = new Date(t);
      const scored = await this.scoreArtists(
        group.map((e) => e.artistSlug),
        { asOf, ...(options.population ? { population: options.population(asOf) } : {}) },
      );
      const table = featureTable(scored.features);
      const labels = new Map(group.map((e) => [e.artistSlug, e.label]));
      scored.features.forEach((f, i) => {
        const m = scored.scores.momentum[i]!;
        if (!Number.isNaN(m)) rows.push({ inputs: breakoutVector(table, i, m), label: labels.get(f.artistSlug)! });
      });
    }
    const fit = fitBreakoutModel(rows, options);
    this.setBreakoutModel(fit);
    return fit;
  }

  /**
   * Scores every artist of the MIG universe as of `asOf` (default now) and writes
   * `talent_radar_artists` and the scene and microgenre roll-ups. An artist whose sources answered
   * with no activity evidence loses its row; one whose activity reads failed (timeout, error)
   * keeps its previous row: a failing source never erases data. When the universe cannot be
   * walked, nothing changes; when `signal` aborts, it rejects with `TALENT_TIMEOUT` and nothing
   * is written.
   */
  async refresh(asOf?: Date, options: { signal?: AbortSignal } = {}): Promise<TalentRefreshReport> {
    const started = performance.now();
    const at = requireDate(asOf, 'asOf', new Date(this.#deps.clock.now()), 'TALENT_VALIDATION_ERROR');
    const { stores, gateway, clock } = this.#deps;
    const deadline = createDeadline(Infinity, options.signal);
    const universe = await listUniverse(gateway, at, deadline);
    deadline.dispose();
    const reads = { ok: 0, missing: 0, timeout: 0, error: 0, absent: 0 };
    if (options.signal?.aborted) throw this.#aborted(options.signal);
    if (universe.status !== 'ok') {
      return { asOf: at.toISOString(), universe: universe.status, artists: 0, scored: 0, insufficient: 0, kept: 0, reads, durationMs: Math.round(performance.now() - started) };
    }
    const slugs = universe.artists.map((a) => a.slug);
    const { features, signals } = await this.#featuresOf(slugs, at, options.signal);
    for (const s of signals.values()) for (const r of Object.values(s.reads)) reads[r.status]++;
    const table = featureTable(features);
    const peers = fitPeerStats(table, this.#model);
    const scores = scoreTable(table, peers, this.#model);
    const nowIso = new Date(clock.now()).toISOString();
    const version = this.modelVersion;
    const rows: TalentArtistRow[] = [];
    const gone: { artist_slug: string }[] = [];
    let kept = 0;
    const failed = (s: ArtistSignals | undefined): boolean =>
      s !== undefined && [s.reads.engagement, s.reads.events].some((r) => r.status === 'timeout' || r.status === 'error');
    features.forEach((f, i) => {
      if (!Number.isNaN(scores.momentum[i]!)) {
        rows.push(artistRow(f, { momentum: scores.momentum[i]!, breakout: scores.breakout[i]!, risk: scores.risk[i]!, confidence: scores.confidence[i]! }, nowIso, version));
      } else if (failed(signals.get(f.artistSlug))) kept++;
      else gone.push({ artist_slug: f.artistSlug });
    });
    // Artists that left the universe lose their record too.
    const known = new Set(slugs);
    for (const r of await stores.talent_radar_artists.scan()) if (!known.has(r.artist_slug)) gone.push({ artist_slug: r.artist_slug });
    // Scene heat for the roll-up, as of the refresh's instant, read before anything is written.
    const heats = await this.aggregator.sceneHeats([...new Set(rows.map((r) => r.scene_slug).filter((s): s is string => s !== null))], at, options.signal);
    if (options.signal?.aborted) throw this.#aborted(options.signal);
    for (let i = 0; i < rows.length; i += CHUNK) await stores.talent_radar_artists.upsert(rows.slice(i, i + CHUNK));
    if (gone.length) await stores.talent_radar_artists.delete(gone);
    await this.#writeRollups(await stores.talent_radar_artists.scan(), nowIso, heats);
    // Peers fitted while the activity sources were down would be empty: keep the previous ones.
    const enough = Object.values(peers.overall).some((st) => st.n >= this.#model.minBandPeers);
    if (enough || this.#peers === null) this.#peers = peers;
    this.#refreshedAsOf = at.toISOString();
    await this.aggregator.clearCache();
    return { asOf: at.toISOString(), universe: 'ok', artists: slugs.length, scored: rows.length, insufficient: features.length - rows.length - kept, kept, reads, durationMs: Math.round(performance.now() - started) };
  }

  #aborted(signal: AbortSignal): SceneRadarError {
    return new SceneRadarError('TALENT_TIMEOUT', 'Talent Radar work was aborted before it finished; nothing was written', { cause: signal.reason });
  }

  async #featuresOf(slugs: readonly string[], asOf: Date, signal?: AbortSignal): Promise<{ features: ArtistFeatures[]; signals: Map<string, ArtistSignals> }> {
    const features: ArtistFeatures[] = [];
    const signals = new Map<string, ArtistSignals>();
    for (let i = 0; i < slugs.length; i += CHUNK) {
      if (signal?.aborted) throw this.#aborted(signal);
      const batch = await this.signals.batchAggregateSignals(slugs.slice(i, i + CHUNK), { asOf, ...(signal ? { signal } : {}) });
      // Reads cut short by the caller's abort are not evidence of anything: stop here.
      if (signal?.aborted) throw this.#aborted(signal);
      for (const s of batch.values()) {
        signals.set(s.artistSlug, s);
        features.push(extractFeatures(s, this.#model));
      }
    }
    return { features, signals };
  }

  async #writeRollups(rows: readonly Readonly<TalentArtistRow>[], nowIso: string, heats: ReadonlyMap<string, number>): Promise<void> {
    const scenes = new Map<string, { n: number; m: number; b: number }>();
    const genres = new Map<string, { n: number; m: number }>();
    for (const r of rows) {
      if (r.scene_slug) {
        const s = scenes.get(r.scene_slug) ?? { n: 0, m: 0, b: 0 };
        s.n++;
        s.m += r.momentum;
        s.b += r.breakout_score;
        scenes.set(r.scene_slug, s);
      }
      for (const g of r.microgenres) {
        const s = genres.get(g) ?? { n: 0, m: 0 };
        s.n++;
        s.m += r.momentum;
        genres.set(g, s);
      }
    }
    const sceneRows: TalentSceneRow[] = [...scenes].map(([scene_slug, s]) => ({ scene_slug, artist_count: s.n, avg_momentum: s.m / s.n, avg_breakout: s.b / s.n, heat: heats.get(scene_slug) ?? null, updated_at: nowIso }));
    const genreRows: TalentMicrogenreRow[] = [...genres].map(([microgenre_slug, s]) => ({ microgenre_slug, artist_count: s.n, avg_momentum: s.m / s.n, updated_at: nowIso }));
    const { stores } = this.#deps;
    // Roll-ups are rebuilt whole: a scene with no tracked artist left has no row.
    await stores.talent_radar_scenes.deleteWhere({});
    await stores.talent_radar_microgenres.deleteWhere({});
    for (let i = 0; i < sceneRows.length; i += CHUNK) await stores.talent_radar_scenes.upsert(sceneRows.slice(i, i + CHUNK));
    for (let i = 0; i < genreRows.length; i += CHUNK) await stores.talent_radar_microgenres.upsert(genreRows.slice(i, i + CHUNK));
  }

  /** Releases cached results. */
  async close(): Promise<void> {
    await this.aggregator.clearCache();
  }
}

/**
 * @module talent/radar-aggregator
 * `RadarAggregator` (the seed's class): the global pulse and artist profiles in the seed's shapes,
 * top lists, workspace recommendations and `clearCache`, cached per the seed's TTLs with
 * single-flight and grace from the core cache, each under its deadline.
 */
import { z } from 'zod';
import type { Cache, LastGoodOptions } from '../core/cache/cache.js';
import type { Clock } from '../core/clock.js';
import { Lifecycle } from '../core/lifecycle.js';
import type { SourceName } from '../contracts/sources.js';
import { failureReason } from '../core/describe-error.js';
import { SceneRadarError, isSceneRadarError, isStoreFailure } from '../core/errors.js';
import { createDeadline, untilAborted, type Deadline } from '../core/gateway/deadline.js';
import type { SourceGateway } from '../core/gateway/gateway.js';
import { topK } from '../core/features/stats.js';
import { isArrayValue, readOptionKeys, requireDate, requireSlug } from '../core/validation.js';
import {
  ArtistProfileRequestSchema,
  GlobalPulseRequestSchema,
  hasOption,
  optionsOf,
  SlugParamsRequestSchema,
  TopArtistsRequestSchema,
  validateRequest,
  WorkspaceIdRequestSchema,
  WorkspaceRecommendationsRequestSchema,
  withinCap,
} from '../core/requests.js';
import { ScenePulseSummarySchema } from '../contracts/payloads.js';
import type { SceneRadarConfig } from '../config.js';
import type { TalentStores } from '../stores/specs.js';
import { atomically } from '../stores/staged.js';
import type { TalentArtistRow } from '../stores/tables.js';
import { featureTable } from './feature-table.js';
import { extractFeatures } from './features.js';
import { opportunitiesOf, risksOf } from './profile-items.js';
import { artistRow, pulseArtist, trajectoryOf } from './rows.js';
import { explainRow, priorPeerStats, type PeerStats } from './scoring.js';
import { withUnrankedTerms, withUnregisteredTerms, type HostFeatureSpec } from './host-features.js';
import type { TalentModelConfig } from './model-config.js';
import type { ArtistSignalsEngine } from './signals-engine.js';
import { similarArtists, type SimilarArtistsResult } from './similar.js';
import type {
  ArtistProfile,
  ArtistScores,
  GlobalPulse,
  HotScene,
  LastRefreshAttempt,
  TalentRefreshReport,
  TopArtists,
  TopCategory,
  WorkspaceRecommendations,
} from './types.js';
import { rankForWorkspace, workspaceRegions } from './workspace.js';

/** Dependencies of {@link RadarAggregator}. */
export interface RadarAggregatorDeps {
  /** Owned tables. */
  readonly stores: TalentStores;
  /** Gateway over the Talent Radar's sources. */
  readonly gateway: SourceGateway;
  /** Resolved configuration. */
  readonly config: SceneRadarConfig;
  /** Clock. */
  readonly clock: Clock;
  /** Cache. */
  readonly cache: Cache<unknown>;
  /** Signal gathering. */
  readonly signals: ArtistSignalsEngine;
  /** The radar (model, peers, refresh). */
  readonly radar: AggregatorRadarView;
  /** Open/closed flag shared with the other parts of the radar (calls after `close()` reject with `RADAR_CLOSED`). @default a flag of its own */
  readonly lifecycle?: Lifecycle;
}

/**
 * What the aggregator reads of the Talent Radar that owns it (a `TalentRadar` is one). An
 * interface rather than the class, so the two modules do not import each other.
 */
export interface AggregatorRadarView {
  /** The model the scores use. */
  readonly model: TalentModelConfig;
  /** The host features registered. */
  readonly hostFeatures: readonly HostFeatureSpec[];
  /** Peer statistics of the last refresh (`null` before the first). */
  readonly peers: PeerStats | null;
  /** When the last refresh ran (`null` before the first). */
  readonly refreshedAsOf: string | null;
  /** The last refresh tried, whether or not it could walk the universe (null before one). */
  readonly lastRefreshAttempt: LastRefreshAttempt | null;
  /** Of the artists with a failed read in the last refresh, how many kept their previous record. */
  readonly lastRefreshFailedKept: number;
  /** See `TalentRadar.lastRefreshFailedUnscored`. */
  readonly lastRefreshFailedUnscored: number | null;
  /** See `TalentRadar.lastRefreshFailedScored`. */
  readonly lastRefreshFailedScored: number | null;
  /** Per source, the artists whose read failed in the last refresh (empty before one). */
  readonly lastRefreshFailedReads: Readonly<Partial<Record<SourceName, number>>>;
  /** Per host feature that failed for some artists in the last refresh, how many. */
  readonly lastRefreshFailedHostFeatures: Readonly<Record<string, number>>;
  /** The recorded artists missing from the universe of the last refresh (their records are kept for a while). */
  readonly lastRefreshAbsent: ReadonlyMap<string, number>;
  /** The model version stamped on the records. */
  readonly modelVersion: string;
  /** Recomputes every artist's record. */
  refresh(asOf?: Date): Promise<TalentRefreshReport>;
  /** Reads the stored state (applied model, last refresh's peers) once, before `model`, `peers` or `modelVersion` are used. */
  loadState(options?: { readonly force?: boolean }): Promise<void>;
}

/** Options of {@link RadarAggregator.buildGlobalPulse}. */
export interface GlobalPulseOptions {
  /** Bypass the cache. @default false */
  readonly skipCache?: boolean;
  /** Artists per list, 1-100. @default 20 */
  readonly limit?: number;
}

/** Options of {@link RadarAggregator.buildArtistProfile}. */
export interface ArtistProfileOptions {
  /** Bypass the cache. @default false */
  readonly skipCache?: boolean;
}

/** Query of {@link RadarAggregator.getTopArtists}. */
export interface TopArtistsQuery {
  /** `rising`, `breakout` or `risk`. */
  readonly category: TopCategory;
  /** 1-100. @default 20 */
  readonly limit?: number;
  /** Bypass the cache. @default false */
  readonly skipCache?: boolean;
}

/** Query of {@link RadarAggregator.getWorkspaceRecommendations}. */
export interface WorkspaceRecommendationsQuery {
  /** 1-100. @default 20 */
  readonly limit?: number;
}

const CATEGORIES: readonly TopCategory[] = ['rising', 'breakout', 'risk'];

/**
 * The last good value of a result built from the artist records (a global pulse, a top list) as
 * the fallback when the records cannot be read (`STORE_UNAVAILABLE`): every value computed is kept,
 * and served marked stale, `records` of its records counted in `meta.stale` with a note saying why.
 */
function staleOnStoreFailure<T extends { readonly meta: GlobalPulse['meta'] }>(
  records: (value: T) => number,
  now: () => Date,
): LastGoodOptions<unknown> {
  return {
    keep: () => true,
    serve: (value, error) => {
      if (!isStoreFailure(error)) return undefined;
      const last = value as T;
      const { meta } = last;
      return {
        ...last,
        meta: {
          ...meta,
          degraded: [
            ...meta.degraded,
            `the artist records cannot be read (${failureReason(error)}): this is the last good result (records as of ${meta.asOf ?? 'no refresh'}), served at ${now().toISOString()}`,
          ],
          stale: {
            records: Math.max(meta.stale.records, records(last)),
            oldestAsOf: meta.stale.oldestAsOf ?? meta.asOf,
          },
        },
      } satisfies T;
    },
  };
}

/** Most artists one {@link RadarAggregator.getArtistScores} call reads. */
const MAX_SCORE_READ = 10_000;
const HottestSchema = z.union([
  z.array(ScenePulseSummarySchema),
  z.object({ scenes: z.array(ScenePulseSummarySchema), unranked: z.number().int().nonnegative() }),
]);

/** The radar's state a result's `meta` describes, as read at one instant. */
type RefreshState = {
  readonly refreshed: AggregatorRadarView['refreshedAsOf'];
  readonly attempt: AggregatorRadarView['lastRefreshAttempt'];
  readonly failedReads: AggregatorRadarView['lastRefreshFailedReads'];
  readonly failedHostFeatures: AggregatorRadarView['lastRefreshFailedHostFeatures'];
  readonly failedKept: number;
  readonly failedUnscored: number | null;
  readonly failedScored: number | null;
  readonly absent: AggregatorRadarView['lastRefreshAbsent'];
  readonly modelVersion: string;
};

/**
 * Whether `rows` hold a record newer than the refresh `known` (any record when none is known).
 * Most records are of the known refresh: the same text, no parse (a pulse reads them all).
 */
function newerThan(rows: readonly Readonly<TalentArtistRow>[], known: string | null): boolean {
  if (known === null) return rows.length > 0;
  const knownMs = Date.parse(known);
  return rows.some((r) => r.as_of !== known && Date.parse(r.as_of) > knownMs);
}

/**
 * Whether `rows` may be of a refresh this radar has not read: newer than the one it knows, or
 * scored with a model other than the one it holds (another instance applied a model and refreshed
 * again as of the same instant; or this one applied a model since, and the state read again says so).
 */
function unknownRefresh(rows: readonly Readonly<TalentArtistRow>[], known: string | null, version: string): boolean {
  return newerThan(rows, known) || rows.some((r) => r.model_version !== version);
}

/**
 * The aggregator.
 * @example
 * ```ts
 * const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 20 });
 * const profile = await radar.talent.aggregator.buildArtistProfile('artist-a');
 * ```
 */
export class RadarAggregator {
  readonly #d: RadarAggregatorDeps;
  readonly #life: Lifecycle;
  #lazy: Promise<unknown> | undefined;
  /** Profiles built on a degraded scene pulse (their `scene` item says so): cached as degraded. */
  readonly #onDegradedScene = new WeakSet<object>();

  /**
   * Engines come from {@link createSceneRadar}, which builds their internal parts (the source
   * gateway, the caches, the shared lifecycle); constructing one by hand is not supported.
   * @internal
   */
  constructor(deps: RadarAggregatorDeps) {
    this.#d = deps;
    this.#life = deps.lifecycle ?? new Lifecycle();
  }

  #now(): Date {
    return new Date(this.#d.clock.now());
  }

  /** Runs `work` under a fresh deadline; `TALENT_TIMEOUT` if it passes first. */
  async #withDeadline<T>(ms: number, what: string, work: (d: Deadline) => Promise<T>): Promise<T> {
    const deadline = createDeadline(ms);
    try {
      return await untilAborted(
        work(deadline),
        deadline.signal,
        () => new SceneRadarError('TALENT_TIMEOUT', `${what} did not finish within ${ms} ms`),
      );
    } finally {
      deadline.dispose();
    }
  }

  /** A validated `limit` within `talent.maxArtistsPerQuery` (over it, when asked for: `TALENT_INVALID_PARAMS`). */
  #capped(limit: number, input: unknown): number {
    const cap = this.#d.config.talent.maxArtistsPerQuery;
    return withinCap('talent', limit, hasOption(input, 'limit'), cap, 'talent.maxArtistsPerQuery');
  }

  /**
   * Every current record, and the state of the refresh they are from ({@link #stateOf}); before
   * the first refresh, runs one (one for all concurrent callers; each caller stops waiting at its
   * own deadline, and the refresh goes on for the others).
   */
  async #rows(deadline: Deadline): Promise<{ rows: readonly Readonly<TalentArtistRow>[]; state: RefreshState }> {
    await this.#d.radar.loadState();
    const before = this.#refreshState();
    let rows = await this.#d.stores.talent_radar_artists.scan();
    if (rows.length === 0 && this.#d.radar.refreshedAsOf === null) {
      this.#lazy ??= this.#d.radar.refresh().finally(() => {
        this.#lazy = undefined;
      });
      await untilAborted(this.#lazy, deadline.signal);
      rows = await this.#d.stores.talent_radar_artists.scan();
      await this.#catchUp(rows);
      return { rows, state: this.#refreshState() };
    }
    return { rows, state: await this.#stateOf(rows, before) };
  }

  /**
   * The state that describes `rows`, read after `before` was taken: `before` itself, unless the
   * rows hold records newer than its refresh (a refresh landed before the read, here or in another
   * instance: then the state now, read again from the stores if need be). Taken after the read, a
   * refresh that landed while it was in flight labelled the previous refresh's records with its
   * own instant (and called them kept because a source failed). One pass over the rows when they
   * are of the refresh known (the refresh instant only moves forward).
   */
  async #stateOf(rows: readonly Readonly<TalentArtistRow>[], before: RefreshState): Promise<RefreshState> {
    if (!unknownRefresh(rows, before.refreshed, before.modelVersion)) return before;
    await this.#catchUp(rows);
    return this.#refreshState();
  }

  /**
   * Reads the stored state again when `rows` hold records newer than the refresh this radar knows,
   * or scored with another model: another instance over the same stores refreshed since, and the
   * meta (its instant, failed reads, model) must describe the refresh the records are from, not the
   * one this radar read before.
   */
  async #catchUp(rows: readonly Readonly<TalentArtistRow>[]): Promise<void> {
    const radar = this.#d.radar;
    if (unknownRefresh(rows, radar.refreshedAsOf, radar.modelVersion)) await radar.loadState({ force: true });
  }

  /**
   * What {@link #meta} reads of the radar's state: taken with the rows ({@link #rows}), so a
   * refresh that commits while a result is built does not label the previous refresh's rows.
   */
  #refreshState(): RefreshState {
    const radar = this.#d.radar;
    return {
      refreshed: radar.refreshedAsOf,
      attempt: radar.lastRefreshAttempt,
      failedReads: radar.lastRefreshFailedReads,
      failedHostFeatures: radar.lastRefreshFailedHostFeatures,
      failedKept: radar.lastRefreshFailedKept,
      failedUnscored: radar.lastRefreshFailedUnscored,
      failedScored: radar.lastRefreshFailedScored,
      absent: radar.lastRefreshAbsent,
      modelVersion: radar.modelVersion,
    };
  }

  /**
   * Provenance and degradation of a result built from `rows`: records kept from an earlier refresh
   * (a source failed for them since) and the sources whose reads failed in the last refresh, as
   * counts and as notes in `degraded` (so a degraded result is cached briefly).
   */
  #meta(degraded: string[], rows: readonly Readonly<TalentArtistRow>[], state: RefreshState): GlobalPulse['meta'] {
    const { refreshed, attempt } = state;
    // Records older than the last refresh committed are stale, and older than a later one that
    // could not read the artist universe (it rescored nothing). A refresh that read the universe
    // and has not committed (still running, or failed) has stored nothing to be stale against.
    const latest = Math.max(
      refreshed === null ? -Infinity : Date.parse(refreshed),
      attempt === null || attempt.universe === 'ok' ? -Infinity : Date.parse(attempt.asOf),
    );
    const at = Number.isFinite(latest) ? latest : Number.NaN;
    let records = 0;
    let missing = 0;
    let oldest = Infinity;
    for (const r of rows) {
      const t = Date.parse(r.as_of);
      if (t < at) {
        records++;
        if (state.absent.has(r.artist_slug)) missing++;
        if (t < oldest) oldest = t;
      }
    }
    const oldestAsOf = records > 0 ? new Date(oldest).toISOString() : null;
    const failedReads = state.failedReads;
    const notes = [...degraded];
    // A failed walk is the last refresh only while no later refresh has committed (here, or in
    // another instance over the same stores).
    const unwalked = attempt !== null && attempt.universe !== 'ok' && Date.parse(attempt.asOf) === at;
    if (unwalked)
      notes.push(
        `the last refresh (as of ${attempt.asOf}) could not read the artist universe (${attempt.universe}: ${attempt.reason ?? 'no reason given'}): nothing was rescored`,
      );
    if (records > 0) {
      // Why each is kept: its artist was missing from the universe of the last refresh, or the
      // last refresh could not rescore it (a failed read, or a universe it could not walk).
      const why = [
        ...(missing > 0 ? [`${missing} because the artist was missing from MIG's artist list in a later refresh`] : []),
        ...(records > missing
          ? [
              `${records - missing} because ${unwalked ? 'the last refresh could not read the artist universe' : 'a source failed for them in a later refresh'}`,
            ]
          : []),
      ];
      notes.push(
        `${records} of ${rows.length} records are kept from an earlier refresh (the oldest as of ${oldestAsOf}): ${why.join('; ')}`,
      );
    }
    for (const [source, n] of Object.entries(failedReads))
      notes.push(`${source}: reads failed for ${n} artists in the last refresh`);
    for (const [name, n] of Object.entries(state.failedHostFeatures))
      notes.push(
        `host feature ${name}: failed for ${n} artists in the last refresh (its term counted as missing in their breakout scores)`,
      );
    if (Object.keys(failedReads).length > 0) {
      const keptOld = state.failedKept;
      const { failedUnscored: none, failedScored: scored } = state;
      notes.push(
        none === null || scored === null
          ? // A refresh recorded before these were counted.
            `of the artists with a failed read, ${keptOld} kept their record from an earlier refresh; any others were scored with the failed signals unknown (lower confidence)`
          : `of the ${keptOld + none + scored} artists with a failed read, ${keptOld} kept their record from an earlier refresh, ${none} had none and could not be scored (no record: not counted in these results), and ${scored} were scored with the failed signals unknown (lower confidence)`,
      );
    }
    return {
      asOf: refreshed,
      model_version: state.modelVersion,
      degraded: notes,
      stale: { records, oldestAsOf },
      failedReads,
    };
  }

  #qualifies(category: TopCategory): (r: Readonly<TalentArtistRow>) => number {
    const t = this.#d.config.talent.thresholds;
    if (category === 'rising') return (r) => (r.momentum >= t.momentum.rising ? r.momentum : Number.NaN);
    if (category === 'breakout') return (r) => (r.breakout_score >= t.breakout.medium ? r.breakout_score : Number.NaN);
    return (r) => (r.risk_score >= t.risk.medium ? r.risk_score : Number.NaN);
  }

  /** The hottest scenes from the Scenes Engine (through `ScenesAdapter`), or a note of why not. */
  async #hottest(limit: number, deadline: Deadline, degraded: string[]): Promise<HotScene[]> {
    const got = await this.#d.gateway.call(
      'scenes',
      'listHottestScenes',
      HottestSchema,
      (s, o) => s.listHottestScenes({ limit }, o),
      { asOf: this.#now(), deadline },
    );
    // Aborted by a close(), not failed by the Scenes Engine.
    this.#life.assertOpen('buildGlobalPulse');
    if (got.status !== 'ok') {
      degraded.push(`hottestScenes: scenes source ${got.status}`);
      return [];
    }
    const listed = Array.isArray(got.value) ? got.value : got.value.scenes;
    const unranked = Array.isArray(got.value) ? 0 : got.value.unranked;
    if (unranked > 0)
      degraded.push(
        `hottestScenes: ${unranked} ${unranked === 1 ? 'scene was' : 'scenes were'} left out, ${unranked === 1 ? 'its' : 'their'} heat unknown (a scene source failed, or no refresh has placed artists in ${unranked === 1 ? 'it' : 'them'})`,
      );
    else if (listed.length === 0)
      degraded.push('hottestScenes: no scene has a pulse (is the scene catalog empty? call importCatalog())');
    const shown = listed.slice(0, limit);
    // A heat computed with a source missing or failing is shown with that said.
    const partial = shown.filter((p) => p.status === 'degraded').map((p) => p.sceneSlug);
    if (partial.length)
      degraded.push(
        `hottestScenes: the heat of ${partial.length === 1 ? 'scene' : 'scenes'} ${partial.join(', ')} was computed with a scene source failing or late, or is a last good one served stale`,
      );
    return shown.map((p) => ({
      scene_slug: p.sceneSlug,
      heat: p.heat,
      growth: p.growth,
      stage: p.stage,
      as_of: p.asOf,
    }));
  }

  /**
   * Heat of each scene as of `asOf` from the Scenes Engine (for the scene roll-up, which asks for
   * every scene: no `maxScenesPerQuery` cap); unknown scenes are left out. A list that is not of
   * slugs, or an `asOf` that is not a valid date, is `TALENT_VALIDATION_ERROR`.
   */
  async sceneHeats(sceneSlugs: readonly string[], asOf: Date, signal?: AbortSignal): Promise<Map<string, number>> {
    this.#life.assertOpen('sceneHeats');
    if (!isArrayValue(sceneSlugs))
      throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'sceneSlugs must be an array of scene slugs', {
        details: [{ code: 'invalid_type', path: ['sceneSlugs'], message: 'Expected an array' }],
      });
    for (const [i, s] of sceneSlugs.entries()) requireSlug(s, `sceneSlugs.${i}`, 'TALENT_VALIDATION_ERROR');
    const at = requireDate(asOf === undefined ? null : asOf, 'asOf', new Date(Number.NaN), 'TALENT_VALIDATION_ERROR');
    if (sceneSlugs.length === 0) return new Map();
    const deadline = createDeadline(this.#d.config.talent.globalPulseTimeoutMs, signal);
    try {
      const got = await this.#d.gateway.batch('scenes', 'getScenePulses', sceneSlugs, { asOf: at, deadline });
      const out = new Map<string, number>();
      for (const [slug, o] of got) if (o.status === 'ok') out.set(slug, o.value.heat);
      return out;
    } finally {
      deadline.dispose();
    }
  }

  /**
   * The global pulse (seed section 4): top rising artists, breakout candidates and artists at
   * risk (top-K over the tracked records, no full sort), the hottest scenes, and the summary.
   * Accepts the seed's `buildGlobalPulse(skipCache)` form too. Cached `talent.globalPulseTtlMs`.
   * When the records cannot be read (`STORE_UNAVAILABLE`), the last good pulse marked stale
   * (`meta.stale`, a note in `meta.degraded`); without one, the error (503).
   */
  async buildGlobalPulse(options: GlobalPulseOptions | boolean = {}): Promise<GlobalPulse> {
    this.#life.assertOpen('buildGlobalPulse');
    const request = validateRequest('talent', [GlobalPulseRequestSchema, optionsOf(options)]);
    const { skipCache } = request;
    const limit = this.#capped(request.limit, options);
    const c = this.#d.config;
    return this.#d.cache.getOrCompute(
      `pulse:${limit}`,
      () =>
        this.#withDeadline(c.talent.globalPulseTimeoutMs, 'The global pulse', async (deadline) => {
          const degraded: string[] = [];
          const { rows, state } = await this.#rows(deadline);
          const lists = CATEGORIES.map((cat) => topK(rows, limit, this.#qualifies(cat)).map(pulseArtist));
          let m = 0;
          let highB = 0;
          let highR = 0;
          for (const r of rows) {
            m += r.momentum;
            if (r.breakout_score >= c.talent.thresholds.breakout.high) highB++;
            if (r.risk_score >= c.talent.thresholds.risk.high) highR++;
          }
          if (rows.length === 0)
            degraded.push('no artist records: the MIG universe could not be read, or no artist had enough evidence');
          const hottestScenes = await this.#hottest(Math.min(limit, c.talent.maxScenesPerQuery), deadline, degraded);
          return {
            timestamp: this.#now().toISOString(),
            topRisingArtists: lists[0]!,
            topBreakoutCandidates: lists[1]!,
            artistsAtRisk: lists[2]!,
            hottestScenes,
            summary: {
              totalArtistsTracked: rows.length,
              avgMomentum: rows.length ? Math.round((m / rows.length) * 10) / 10 : 0,
              highBreakoutCount: highB,
              highRiskCount: highR,
            },
            meta: this.#meta(degraded, rows, state),
          } satisfies GlobalPulse;
        }),
      {
        skipCache,
        ttlMs: (v) => ((v as GlobalPulse).meta.degraded.length ? c.scenes.degradedTtlMs : c.talent.globalPulseTtlMs),
        graceMs: (v) => ((v as GlobalPulse).meta.degraded.length ? 0 : c.cache.staleGraceMs),
        lastGood: staleOnStoreFailure<GlobalPulse>(
          (p) => p.summary.totalArtistsTracked,
          () => this.#now(),
        ),
      },
    ) as Promise<GlobalPulse>;
  }

  /**
   * An artist's profile (seed section 4) with the explanation of each score: signals are read
   * fresh as of now and scored against the peers of the last refresh. `TALENT_ARTIST_NOT_FOUND`
   * when MIG does not know the artist, `TALENT_INSUFFICIENT_DATA` without activity evidence.
   * Accepts the seed's `buildArtistProfile(slug, skipCache)` form too. Cached `talent.artistProfileTtlMs`.
   */
  async buildArtistProfile(artistSlug: string, options: ArtistProfileOptions | boolean = {}): Promise<ArtistProfile> {
    this.#life.assertOpen('buildArtistProfile');
    const { slug, skipCache } = validateRequest(
      'talent',
      [SlugParamsRequestSchema, { slug: artistSlug }],
      [ArtistProfileRequestSchema, optionsOf(options)],
    );
    const c = this.#d.config;
    const failed = (s: { readonly status: string }): boolean => s.status === 'timeout' || s.status === 'error';
    const degraded = (v: unknown): boolean => {
      const e = (v as ArtistProfile).explanation;
      return (
        Object.values(e.sources).some(failed) ||
        Object.values(e.hostFeatures ?? {}).some(failed) ||
        e.similarSound !== undefined ||
        this.#onDegradedScene.has(v as object)
      );
    };
    return this.#d.cache.getOrCompute(
      `profile:${slug}`,
      () =>
        this.#withDeadline(c.talent.signalTimeoutMs, `The profile of ${slug}`, (deadline) =>
          this.#profile(slug, deadline),
        ),
      // A degraded profile is kept briefly and never served stale.
      {
        skipCache,
        ttlMs: (v) => (degraded(v) ? c.scenes.degradedTtlMs : c.talent.artistProfileTtlMs),
        graceMs: (v) => (degraded(v) ? 0 : c.cache.staleGraceMs),
      },
    ) as Promise<ArtistProfile>;
  }

  async #profile(slug: string, deadline: Deadline): Promise<ArtistProfile> {
    const { radar, config } = this.#d;
    await radar.loadState();
    // The artist's own record tells whether another instance over these stores refreshed since
    // this one read the state: its peers are the ones to score against, as on that instance.
    await this.#catchUp(await this.#d.stores.talent_radar_artists.getMany([{ artist_slug: slug }]));
    // One snapshot of what scores it, taken before the reads: a model applied or a refresh landing
    // while they are in flight must not stamp this profile with a version or peers it was not
    // scored with.
    const model = radar.model;
    const modelVersion = radar.modelVersion;
    const storedPeers = radar.peers;
    const hostFeatures = radar.hostFeatures;
    // Reads stop at 90% of the profile's deadline, so the reads that did finish still make a
    // (degraded) profile instead of the whole call timing out with them.
    const aggregated = withUnregisteredTerms(
      await this.#d.signals.aggregateArtistSignals(slug, {
        asOf: this.#now(),
        signal: deadline.signal,
        timeoutMs: Math.floor(deadline.remaining() * 0.9),
      }),
      model,
    );
    // A weighed feature the kept peers do not rank (the last refresh ran without it) counts for
    // nothing until the next refresh: said so, as that feature's error, never an `ok` that adds nothing.
    const signals = storedPeers
      ? withUnrankedTerms(aggregated, model, hostFeatures, storedPeers.relative.host)
      : aggregated;
    // Closed while the reads were in flight: they were aborted by the close, not failed by their
    // sources, so the answer is RADAR_CLOSED (never a false "sources unavailable").
    this.#life.assertOpen('buildArtistProfile');
    const features = extractFeatures(signals, model);
    const peers = storedPeers ?? priorPeerStats(model);
    const scores = explainRow(featureTable([features], hostFeatures), 0, peers, model);
    if (Number.isNaN(scores.breakout)) {
      const cut = [signals.reads.engagement, signals.reads.events].some((r) => r.status === 'timeout');
      if (cut) throw new SceneRadarError('TALENT_TIMEOUT', `The activity sources did not answer in time for ${slug}`);
      // A failed source is not an absence of evidence: say the sources failed, not "not enough data".
      const failed = [signals.reads.engagement, signals.reads.events].filter((r) => r.status === 'error');
      if (failed.length > 0) {
        throw new SceneRadarError(
          'SOURCES_UNAVAILABLE',
          `The activity sources failed for ${slug}: ${(['engagement', 'events'] as const).map((r) => `${r} ${signals.reads[r].status}`).join(', ')}`,
          {
            details: Object.entries(signals.reads).map(([read, o]) => ({ read, status: o.status })),
          },
        );
      }
      throw new SceneRadarError(
        'TALENT_INSUFFICIENT_DATA',
        `Not enough evidence to score ${slug}: no known engagement day (Fusion) and no event (RCF) in the last ${model.historyDays} days`,
        {
          details: Object.entries(signals.reads).map(([read, o]) => ({ read, status: o.status })),
        },
      );
    }
    const artist = artistRow(features, scores, this.#now().toISOString(), modelVersion);
    const similar = await similarArtists(
      this.#d,
      { ...signals, sceneSlug: features.sceneSlug, microgenres: features.microgenres },
      config.talent.similarArtists,
      deadline,
    ).catch((e: unknown): SimilarArtistsResult => {
      if (isSceneRadarError(e)) throw e;
      return { artists: [], soundRead: null };
    });
    const sceneDegraded = signals.scenePulse?.status === 'degraded';
    const profile: ArtistProfile = {
      artist,
      opportunities: opportunitiesOf(features, scores, config, sceneDegraded),
      risks: risksOf(scores, features),
      similarArtists: similar.artists,
      trajectory: trajectoryOf(artist, config),
      explanation: {
        asOf: signals.asOf,
        model_version: artist.model_version,
        confidence: artist.confidence,
        sources: signals.reads,
        ...(Object.keys(signals.host).length > 0
          ? {
              hostFeatures: Object.fromEntries(
                Object.entries(signals.host).map(([name, o]) => [
                  name,
                  o.reason === undefined ? { status: o.status } : { status: o.status, reason: o.reason },
                ]),
              ),
            }
          : {}),
        ...(similar.soundRead ? { similarSound: similar.soundRead } : {}),
        momentum: {
          score: artist.momentum,
          peers: storedPeers ? 'population' : 'prior',
          signals: scores.momentumSignals,
        },
        breakout: {
          score: artist.breakout_score,
          event: model.breakout.event,
          horizonDays: model.breakout.horizonDays,
          intercept: model.breakout.intercept,
          peers: peers.relative.activity.events || peers.relative.activity.engagement ? 'population' : 'prior',
          signals: scores.breakoutSignals,
        },
        risk: { score: artist.risk_score, signals: scores.riskSignals },
      },
    };
    if (sceneDegraded) this.#onDegradedScene.add(profile);
    return profile;
  }

  /**
   * Top artists of a category (`rising`, `breakout`, `risk`; limit 1-100), from the tracked records.
   * When the records cannot be read (`STORE_UNAVAILABLE`), the last good list marked stale as the
   * global pulse is; without one, the error (503).
   */
  async getTopArtists(query: TopArtistsQuery): Promise<TopArtists> {
    this.#life.assertOpen('getTopArtists');
    const request = validateRequest('talent', [TopArtistsRequestSchema, query]);
    const { category, skipCache } = request;
    const limit = this.#capped(request.limit, query);
    const c = this.#d.config;
    return this.#d.cache.getOrCompute(
      `top:${category}:${limit}`,
      () =>
        this.#withDeadline(c.talent.globalPulseTimeoutMs, 'The top list', async (deadline) => {
          const { rows, state } = await this.#rows(deadline);
          const score = this.#qualifies(category);
          let total = 0;
          for (const r of rows) if (!Number.isNaN(score(r))) total++;
          return {
            category,
            artists: topK(rows, limit, score).map(pulseArtist),
            total,
            meta: this.#meta(rows.length ? [] : ['no artist records'], rows, state),
          } satisfies TopArtists;
        }),
      {
        skipCache,
        ttlMs: (v) => ((v as TopArtists).meta.degraded.length ? c.scenes.degradedTtlMs : c.talent.globalPulseTtlMs),
        graceMs: (v) => ((v as TopArtists).meta.degraded.length ? 0 : c.cache.staleGraceMs),
        lastGood: staleOnStoreFailure<TopArtists>(
          (t) => Math.max(t.total, t.artists.length),
          () => this.#now(),
        ),
      },
    ) as Promise<TopArtists>;
  }

  /**
   * Recommendations for a workspace (its id a UUID; limit 1-100): tracked artists off its roster,
   * ranked by fit x quality x region factor, written to `talent_radar_recommendations`. Home regions
   * are read from MIG best candidate first until the top `limit` is settled; those that could not be
   * read are named in `meta.degraded`. A malformed id is `TALENT_VALIDATION_ERROR`; an unknown
   * workspace or no workspace source `TALENT_INVALID_PARAMS`; `RADAR_CLOSED` when the radar is
   * closed during the call.
   */
  async getWorkspaceRecommendations(
    workspaceId: string,
    query: WorkspaceRecommendationsQuery = {},
  ): Promise<WorkspaceRecommendations> {
    this.#life.assertOpen('getWorkspaceRecommendations');
    const request = validateRequest(
      'talent',
      [WorkspaceIdRequestSchema, { workspaceId }],
      [WorkspaceRecommendationsRequestSchema, query],
    );
    const limit = this.#capped(request.limit, query);
    const { gateway, stores, config } = this.#d;
    return this.#withDeadline(config.talent.globalPulseTimeoutMs, 'Workspace recommendations', async (deadline) => {
      const asOf = this.#now();
      // UUIDs are case-insensitive: the source is asked for the canonical (lowercase) form.
      const id = workspaceId.toLowerCase();
      const got = await gateway.one('workspaces', 'getWorkspaces', id, { asOf, deadline });
      // Aborted by a close(), not failed by the workspace source.
      this.#life.assertOpen('getWorkspaceRecommendations');
      if (got.status === 'timeout')
        throw new SceneRadarError('TALENT_TIMEOUT', 'The workspace source did not answer in time');
      if (got.status === 'absent')
        throw new SceneRadarError(
          'TALENT_INVALID_PARAMS',
          'Workspace recommendations need a workspace source; none is configured',
        );
      if (got.status === 'missing')
        throw new SceneRadarError('TALENT_INVALID_PARAMS', `Workspace not found: ${workspaceId}`);
      // A failing source is not an SDK bug: 503 with the kind of failure, never a 500. The
      // source's own text (an address, a password, a path) stays in the error's cause: the
      // message is what an HTTP client reads.
      if (got.status !== 'ok')
        throw new SceneRadarError('SOURCES_UNAVAILABLE', `The workspace source failed (${got.reason})`, {
          cause: got.message,
        });
      const ws = got.value;
      if (ws.id.toLowerCase() !== id)
        throw new SceneRadarError('SOURCES_UNAVAILABLE', 'The workspace source answered with another workspace');
      const { rows, state } = await this.#rows(deadline);
      const th = {
        breakoutMedium: config.talent.thresholds.breakout.medium,
        momentumRising: config.talent.thresholds.momentum.rising,
      };
      // The candidates best first by their score before the region factor (which only lowers a
      // score): home regions are read from MIG page by page until no unread candidate could still
      // enter the top `limit`, so the list is the one every region known would give.
      const candidates = rankForWorkspace(rows, ws, rows.length, () => undefined, th);
      const regions = new Map<string, string>();
      const unread: string[] = [];
      // No region named (none, or only `unknown` and blanks): no ranking depends on a home region.
      let read = workspaceRegions(ws).size === 0 ? candidates.length : 0;
      let ranked = candidates.slice(0, limit);
      while (read < candidates.length) {
        const page = candidates.slice(read, read + limit * 3).map((c) => c.row.artist_slug);
        const records = await gateway.batch('mig', 'getArtists', page, { asOf, deadline });
        this.#life.assertOpen('getWorkspaceRecommendations');
        for (const slug of page) {
          const o = records.get(slug);
          if (o?.status === 'ok') regions.set(slug, o.value.homeRegion);
          else if (o?.status !== 'missing') unread.push(slug);
        }
        read += page.length;
        ranked = rankForWorkspace(
          candidates.slice(0, read).map((c) => c.row),
          ws,
          limit,
          (slug) => regions.get(slug),
          th,
        );
        const next = candidates[read];
        if (next === undefined || (ranked.length === limit && ranked[limit - 1]!.score > next.score)) break;
        if (deadline.signal.aborted) break;
      }
      const created_at = asOf.toISOString();
      // The caller has been answered TALENT_TIMEOUT once the deadline passed: write nothing then.
      if (deadline.signal.aborted)
        throw new SceneRadarError('TALENT_TIMEOUT', 'Workspace recommendations did not finish in time');
      // The previous ranking is replaced, never lost: the delete and the write land together.
      await atomically(stores, async (tx) => {
        // Under the id asked for, lowercase: the source may answer it in either case.
        await tx.talent_radar_recommendations.deleteWhere({ workspace_id: id });
        if (ranked.length)
          await tx.talent_radar_recommendations.upsert(
            ranked.map((r, i) => ({
              workspace_id: id,
              artist_slug: r.row.artist_slug,
              rank: i + 1,
              score: Math.min(1, r.score),
              reasons: r.reasons.slice(0, 16),
              created_at,
            })),
          );
      });
      return {
        workspace_id: id,
        recommendations: ranked.map((r, i) => ({
          ...pulseArtist(r.row),
          rank: i + 1,
          score: r.score,
          reasons: r.reasons,
        })),
        created_at,
        meta: this.#meta(
          [
            ...(rows.length ? [] : ['no artist records']),
            // Ranked as if inside the workspace's regions: say so wherever their scores are shown.
            ...(unread.length
              ? [
                  `mig: home regions could not be read for ${unread.length} candidates (${unread.slice(0, 5).join(', ')}${unread.length > 5 ? ', ...' : ''}): they are ranked as if inside the workspace's regions`,
                ]
              : []),
          ],
          ranked.map((r) => r.row),
          state,
        ),
      };
    });
  }

  /**
   * The stored records of the artists asked for (up to 10,000 slugs; duplicates once), as the last
   * refresh wrote them, scores unrounded, in the order asked; artists without a record are listed
   * in `missing`. Never triggers a refresh or a source read. `TALENT_VALIDATION_ERROR` for a bad slug.
   * To score artists afresh (reading the sources, as of any instant, writing nothing), use
   * `radar.talent.scoreArtists` instead.
   * @example
   * ```ts
   * const { artists, missing } = await radar.talent.aggregator.getArtistScores(['artist-a', 'artist-b']);
   * artists[0]?.breakout_score; // as computed, not rounded
   * ```
   */
  async getArtistScores(artistSlugs: readonly string[]): Promise<ArtistScores> {
    this.#life.assertOpen('getArtistScores');
    if (!isArrayValue(artistSlugs))
      throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'artistSlugs must be an array of slugs');
    if (artistSlugs.length > MAX_SCORE_READ)
      throw new SceneRadarError(
        'TALENT_VALIDATION_ERROR',
        `At most ${MAX_SCORE_READ} artists per read (got ${artistSlugs.length})`,
        { details: [{ code: 'too_big', path: ['artistSlugs'], message: `Expected at most ${MAX_SCORE_READ} slugs` }] },
      );
    const slugs = [
      // Array.from visits the holes of a sparse array (map skips them and keeps the hole).
      ...new Set(Array.from(artistSlugs, (s, i) => requireSlug(s, `artistSlugs.${i}`, 'TALENT_VALIDATION_ERROR'))),
    ];
    await this.#d.radar.loadState();
    const before = this.#refreshState();
    const rows = await this.#d.stores.talent_radar_artists.getMany(slugs.map((artist_slug) => ({ artist_slug })));
    const state = await this.#stateOf(rows, before);
    const bySlug = new Map(rows.map((r) => [r.artist_slug, r]));
    return {
      artists: slugs.filter((s) => bySlug.has(s)).map((s) => bySlug.get(s)!),
      missing: slugs.filter((s) => !bySlug.has(s)),
      meta: this.#meta(
        state.refreshed === null && rows.length === 0 ? ['no refresh yet: no artist has a record'] : [],
        rows,
        state,
      ),
    };
  }

  /**
   * Forgets one artist's cached profile, or (without a slug) every cached result. Forgetting
   * everything also forgets the last good pulses and top lists (served, marked stale, when the
   * records cannot be read) unless `options.keepLastGood` (a refresh keeps them).
   */
  async clearCache(artistSlug?: string, options: { readonly keepLastGood?: boolean } = {}): Promise<void> {
    const { keepLastGood } = readOptionKeys(options, ['keepLastGood'], 'clearCache options', 'TALENT_VALIDATION_ERROR');
    if (artistSlug === undefined) return this.#d.cache.clear({ keepLastGood: keepLastGood === true });
    const slug = requireSlug(artistSlug, 'slug', 'TALENT_VALIDATION_ERROR');
    await this.#d.cache.delete(`profile:${slug}`);
  }
}

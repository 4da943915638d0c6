/**
 * @module scenes/engine
 * The Scenes Engine: catalog, memberships, ScenePulse, trends, relationships and
 * recommendations over the MIG, CMG and Fusion sources, writing only its own tables.
 */
import { Cache } from '../core/cache/cache.js';
import type { Clock } from '../core/clock.js';
import { createDeadline, type Deadline } from '../core/gateway/deadline.js';
import { yieldSlice } from '../core/yield.js';
import { Lifecycle } from '../core/lifecycle.js';
import {
  checkRefreshInstant,
  isRefreshConflict,
  MAX_REFRESH_ATTEMPTS,
  refreshConflict,
  OneAtATime,
  CONFLICT_RETRY_LOG,
} from '../core/refresh-order.js';
import type { SourceGateway } from '../core/gateway/gateway.js';
import type { ItemOutcome } from '../core/gateway/outcome.js';
import type { ArtistNetwork } from '../contracts/payloads.js';
import { SceneRadarError } from '../core/errors.js';
import type { PhaseProgress, ProgressOptions } from '../core/observe/progress.js';
import { ProgressTracker } from '../core/observe/progress.js';
import { RefreshRun, SILENT_OBSERVER, type RadarObserver } from '../core/observe/refresh-run.js';
import { addDays, dayOf, dayStart, daysBetween, DAY_MS, lastCompleteDay } from '../core/time.js';
import { memoryScenesStores } from '../stores/memory-table.js';
import { stageStores } from '../stores/staged.js';
import type { SceneRadarConfig } from '../config.js';
import type { ScenesStores } from '../stores/specs.js';
import type { MicrogenreRow, SceneMembershipRow, SceneRow } from '../stores/tables.js';
import {
  EMPTY_CATALOG_NOTE,
  getMicrogenre,
  getScene,
  importCatalog,
  listMicrogenres,
  listScenes,
  validateCatalog,
  type CatalogImportResult,
  type CatalogInput,
  type ListScenesQuery,
} from './catalog.js';
import { buildSoundMap } from './membership-math.js';
import {
  refreshMemberships,
  type KnownTastemakers,
  type MembershipMisses,
  type MembershipReport,
} from './memberships.js';
import { recommendScenes, type RecommendationsQuery, type SceneRecommendations } from './recommendations.js';
import { computeRelationships, getRelatedScenes, type RelatedScene } from './relationships.js';
import { onLaterMemberships, publishRefreshPulses, tablesChanged, withdrawRefreshPulses } from './refresh-pulses.js';
import { awaitingKeys, readScenesState, refreshStateRow, type ScenesRefreshState } from './scenes-state.js';
import { lessThanTheHostHas, ScenePulse } from './scene-pulse.js';
import { getSceneTrends, trendRowOf, type SceneTrends } from './trends.js';
import type { Page, ScenePulseSnapshot as Pulse } from './types.js';
import { readKeysOnce, requireDate, requireInt } from './validation.js';
import { hasOption, ListMembershipsRequestSchema, validateRequest, withinCap } from '../core/requests.js';

/** Relationship rows written per upsert of a refresh (the event loop gets its turn between them). */
const RELATIONSHIP_WRITE_ROWS = 2_000;

/** A replay kept in the replay cache, and whether it may be kept (built with every source healthy). */
interface Replay {
  readonly state: SceneState;
  readonly keep: boolean;
}

/** What {@link ScenesEngine.refresh} computed and wrote. */
interface RefreshWrites {
  readonly memberships: MembershipReport;
  readonly relationships: number;
  readonly snapshots: number;
  /** Scenes in the catalog. */
  readonly scenes: number;
  /** The pulses the snapshots were taken from (as of the refresh's instant, over its memberships). */
  readonly pulses: readonly Pulse[];
}

/**
 * The state a refresh as of `at` leaves: its instant; the memberships' (`placed`: the instant
 * its pass read the universe as of, `at`, and the artists it could not place; null when it could
 * not read the universe, which keeps the earlier memberships and what `latest`, the state it
 * replaces, says of them); and the scenes `latest` had awaiting a refresh, less those its pass
 * `scored`.
 */
function nextState(
  at: Date,
  placed: { readonly membershipsMs: number; readonly unplaced: number } | null,
  latest: ScenesRefreshState,
  scored: ReadonlySet<string>,
): ScenesRefreshState {
  const awaiting = new Set([...latest.awaiting].filter((slug) => !scored.has(slug)));
  const memberships = placed ?? { membershipsMs: latest.membershipsMs, unplaced: latest.unplaced };
  return { asOfMs: at.getTime(), ...memberships, awaiting, stored: true };
}

/**
 * Writes the state a refresh leaves (`next`, over `latest`, the state it read where it writes):
 * its `last-refresh` row, and the deletion of the awaiting rows of the scenes it placed. The rows an
 * import wrote meanwhile for other scenes stay (neither rewrites the other's rows).
 */
async function writeState(
  stores: ScenesStores,
  next: ScenesRefreshState,
  latest: ScenesRefreshState,
  nowIso: string,
): Promise<void> {
  await stores.scenes_state.upsert([refreshStateRow(next.asOfMs!, next.membershipsMs, next.unplaced, nowIso)]);
  const placed = [...latest.awaiting].filter((slug) => !next.awaiting.has(slug));
  if (placed.length > 0) await stores.scenes_state.delete(awaitingKeys(placed));
}

/** Whether two refresh states say the same. */
function sameState(a: ScenesRefreshState, b: ScenesRefreshState): boolean {
  if (
    a.asOfMs !== b.asOfMs ||
    a.membershipsMs !== b.membershipsMs ||
    a.unplaced !== b.unplaced ||
    a.awaiting.size !== b.awaiting.size
  )
    return false;
  for (const slug of a.awaiting) if (!b.awaiting.has(slug)) return false;
  return true;
}

/** Longest span one `backfillTrends` call replays (ten years). */
export const MAX_BACKFILL_DAYS = 3660;

/** The engine's tables and pulse as of some instant (see {@link ScenesEngine.stateAsOf}). */
export interface SceneState {
  /** Tables to read: the live ones, or scratch tables replayed as of the instant's day. */
  readonly stores: ScenesStores;
  /** A pulse over those tables. */
  readonly pulse: ScenePulse;
  /** True when these are the live tables. */
  readonly live: boolean;
  /** The instant the live memberships were computed as of, epoch ms ({@link ScenesEngine.refreshedAsOf} gives it as ISO 8601). */
  readonly refreshedAsOf: number | null;
}

/** What a refresh did. */
export interface ScenesRefreshReport {
  /** As-of instant (ISO). */
  readonly asOf: string;
  /** Membership refresh. */
  readonly memberships: MembershipReport;
  /** Relationship rows written. */
  readonly relationships: number;
  /** Trend snapshots written (one per scene with a pulse). */
  readonly snapshots: number;
  /** What the host should know about this refresh, such as an empty scene catalog (`importCatalog()` never called); empty when nothing is amiss. */
  readonly warnings: readonly string[];
}

/** What {@link ScenesEngine.backfillTrends} did. */
export interface BackfillReport {
  /** Days replayed. */
  days: number;
  /** Trend snapshots written. */
  snapshots: number;
  /**
   * Days written no snapshot: their replayed memberships lost artists to failed reads (MIG or CMG)
   * or the universe could not be walked, and a trend row, permanent, must not be built without
   * them. A later backfill over those days writes them once the sources answer.
   */
  skippedDays: number;
}

/** What the engine needs. */
export interface ScenesEngineDeps {
  /** Its own tables. */
  readonly stores: ScenesStores;
  /** The source gateway (reads MIG, CMG and Fusion only). */
  readonly gateway: SourceGateway;
  /** Resolved configuration. */
  readonly config: SceneRadarConfig;
  /** The clock. */
  readonly clock: Clock;
  /** The pulse cache; one is created when absent. */
  readonly cache?: Cache<unknown>;
  /**
   * Cache of memberships replayed as of past days ({@link ScenesEngine.stateAsOf}); its values hold
   * scratch tables, so it must have a store of its own, never a shared one. A small one is created when absent.
   */
  readonly replayCache?: Cache<unknown>;
  /** Open/closed flag shared with the other parts of the radar (calls after `close()` reject with `RADAR_CLOSED`). @default a flag of its own */
  readonly lifecycle?: Lifecycle;
  /** The radar's logger, progress callback and step counters. @default silent */
  readonly observer?: RadarObserver;
}

/** The day membershipEveryDays counts from in a backfill. */
const EPOCH_DAY = '1970-01-01';

/**
 * The Scenes Engine.
 * @example
 * ```ts
 * const radar = createSceneRadar({ sources: world.sources });
 * await radar.scenes.importCatalog(world.catalog);
 * await radar.refresh();
 * const hottest = await radar.scenes.pulse.getGlobalPulse();
 * ```
 */
export class ScenesEngine {
  /** The seed's ScenePulse. */
  readonly pulse: ScenePulse;
  readonly #d: ScenesEngineDeps;
  readonly #life: Lifecycle;
  /** This engine's refreshes, one at a time. */
  readonly #refreshes = new OneAtATime();
  readonly #cache: Cache<unknown>;
  /** Hysteresis state of the live memberships (see `scenes.membership.leaveAfterRefreshes`). */
  readonly #misses: MembershipMisses = new Map();
  /** The tastemakers of each artist's last MIG read that answered (kept for a read that fails). */
  #tastemakers: KnownTastemakers = new Map();
  /**
   * The instant of the memberships the refresh that left `#tastemakers` computed (undefined before
   * one): a refresh over other memberships (another instance's since, or none) starts from none.
   */
  #tastemakersAsOf: number | null | undefined;
  /** Replays by day: `{ state, keep }`, so a replay built while a source failed is used once, not kept. */
  readonly #replays: Cache<unknown>;
  /**
   * Not a cache: the engine's own state (its `scenes_state` row: the last refresh's instants and
   * the scenes awaiting one), read from its table once because a previous process may have written
   * it, and replaced by its own next refresh and imports. It has no TTL, and counting every adapter
   * call's read of it as a hit would drown the hit rates of real results.
   */
  #state: Promise<ScenesRefreshState> | undefined;
  /** The last state read or written (what a pulse's `awaitsRefresh` compares its memberships to). */
  #known: ScenesRefreshState | undefined;
  /** Per source, the artists whose membership read failed in the last refresh (see lastRefreshFailedReads). */
  #failedReads: Readonly<Partial<Record<'mig' | 'cmg', number>>> = {};
  /** The network reads of the refresh under way (its membership pass), as of its instant. */
  #refreshReads:
    | { readonly asOfMs: number; readonly networks: ReadonlyMap<string, ItemOutcome<ArtistNetwork>> }
    | undefined;
  /** What the refresh's pulses take instead of reading MIG again: its own reads, as of the same instant. */
  readonly #knownNetworks = (asOfMs: number): ReadonlyMap<string, ItemOutcome<ArtistNetwork>> | undefined =>
    this.#refreshReads?.asOfMs === asOfMs ? this.#refreshReads.networks : undefined;
  /** Bumped by every catalog import: a refresh that overlapped one does not publish its pulses. */
  #catalogGeneration = 0;
  /** Refreshes that committed (see `#committed`): a recommendation compares it across its computation. */
  #refreshCommits = 0;

  /**
   * Engines come from {@link createSceneRadar}, which builds their internal parts (the source
   * gateway, the caches, the shared lifecycle); constructing one by hand is not supported.
   * @internal
   */
  constructor(deps: ScenesEngineDeps) {
    this.#d = deps;
    this.#life = deps.lifecycle ?? new Lifecycle();
    this.#cache =
      deps.cache ??
      new Cache({
        ttlMs: deps.config.scenes.scenePulseTtlMs,
        graceMs: deps.config.cache.staleGraceMs,
        maxEntries: deps.config.cache.maxEntries,
        clock: deps.clock,
        namespace: 'scenes:',
        freezeValues: true,
      });
    this.#replays =
      deps.replayCache ??
      new Cache({ ttlMs: Number.POSITIVE_INFINITY, maxEntries: 4, clock: deps.clock, namespace: 'scenes-replays:' });
    this.pulse = new ScenePulse({
      stores: deps.stores,
      gateway: deps.gateway,
      config: deps.config,
      clock: deps.clock,
      cache: this.#cache,
      // Checked against the state table at each computation: another instance may have refreshed
      // or imported a scene since (one scan of a small table; the pulse's reads dwarf it).
      membershipsAsOf: (seenMs) => this.#refreshedAsOfMs(seenMs, true),
      lifecycle: this.#life,
      knownNetworks: this.#knownNetworks,
      // Scenes imported since the memberships it reads were computed (the state row says which).
      awaitsRefresh: (slug, membershipsAsOf) =>
        this.#known !== undefined && this.#known.membershipsMs === membershipsAsOf && this.#known.awaiting.has(slug),
      // Artists the refresh that computed them could not place (the state row says how many).
      unplaced: (membershipsAsOf) =>
        this.#known !== undefined && this.#known.membershipsMs === membershipsAsOf ? this.#known.unplaced : 0,
    });
    onLaterMemberships(this, (seenMs) => this.#refreshedAsOfMs(seenMs));
  }

  /**
   * Imports scenes and microgenres (validated; all or nothing). Once imported, cached pulses
   * (scene, regional, global), replays and stored recommendations computed over the previous
   * catalog are dropped: a renamed scene, or one moved to another region, is not served as it was.
   * Runs one at a time with this engine's refreshes: an import called while a refresh
   * runs waits for it (a refresh reads the catalog more than once, and must read one catalog).
   */
  async importCatalog(input: CatalogInput): Promise<CatalogImportResult> {
    this.#life.assertOpen('importCatalog');
    // A malformed catalog is refused at once, not after the refresh it would wait for (the checks
    // against the stored catalog run in turn; the rows are validated again there, from the input).
    validateCatalog(input, new Date(this.#d.clock.now()).toISOString());
    return this.#refreshes.run(
      () => this.#importCatalog(input),
      undefined,
      undefined,
      this.#life.stop('importCatalog'),
    );
  }

  async #importCatalog(input: CatalogInput): Promise<CatalogImportResult> {
    this.#life.assertOpen('importCatalog');
    // Scenes may come or go: pulses computed over the previous catalog are not served for it.
    this.#catalogGeneration++;
    withdrawRefreshPulses(this);
    // Scenes new to the catalog have no memberships until a refresh scores them: the import
    // records them in `scenes_state` with the catalog rows, for every instance and a restart.
    const { newScenes, ...result } = await importCatalog(this.#d.stores, input, this.#d.clock);
    if (newScenes.length > 0) {
      this.#state = undefined;
      this.#known = undefined;
    }
    // Once more now the write has landed: work that started during the import (after the first
    // step, before the write) read the previous catalog, and must not store or publish over it.
    this.#catalogGeneration++;
    withdrawRefreshPulses(this);
    // A pulse carries its scene's name and region, a regional pulse its region's scenes, a replay a
    // copy of the catalog: all over the old one. Last good pulses stay (served only marked stale).
    await this.#replays.clear();
    await this.pulse.clearCache(undefined, { keepLastGood: true });
    tablesChanged(this);
    return result;
  }

  /** Lists scenes (region filter, limit 1-100, offset). */
  async listScenes(query: ListScenesQuery = {}): Promise<Page<SceneRow>> {
    this.#life.assertOpen('listScenes');
    return this.#life.untilClosed(listScenes(this.#d.stores, query, this.#d.config), 'listScenes');
  }

  /** One scene or `SCENES_NOT_FOUND`. */
  async getScene(slug: string): Promise<SceneRow> {
    this.#life.assertOpen('getScene');
    return this.#life.untilClosed(getScene(this.#d.stores, slug), 'getScene');
  }

  /** Lists microgenres. */
  async listMicrogenres(
    query: { readonly limit?: number; readonly offset?: number } = {},
  ): Promise<Page<MicrogenreRow>> {
    this.#life.assertOpen('listMicrogenres');
    return this.#life.untilClosed(listMicrogenres(this.#d.stores, query), 'listMicrogenres');
  }

  /** One microgenre or `MICROGENRE_NOT_FOUND`. */
  async getMicrogenre(slug: string): Promise<MicrogenreRow> {
    this.#life.assertOpen('getMicrogenre');
    return this.#life.untilClosed(getMicrogenre(this.#d.stores, slug), 'getMicrogenre');
  }

  /** Memberships of a scene or of an artist, strongest first (limit 1-10,000, default 100). */
  async listMemberships(
    input: {
      readonly sceneSlug?: string;
      readonly artistSlug?: string;
      readonly limit?: number;
      readonly offset?: number;
    } = {},
  ): Promise<Page<SceneMembershipRow>> {
    this.#life.assertOpen('listMemberships');
    const query = validateRequest('scenes', [ListMembershipsRequestSchema, input]);
    const { offset } = query;
    const cap = this.#d.config.scenes.maxMembershipsPerQuery;
    const limit = withinCap('scenes', query.limit, hasOption(input, 'limit'), cap, 'scenes.maxMembershipsPerQuery');
    const where: { scene_slug?: string; artist_slug?: string } = {};
    if (query.sceneSlug !== undefined) {
      where.scene_slug = (await this.getScene(query.sceneSlug)).slug;
    }
    if (query.artistSlug !== undefined) where.artist_slug = query.artistSlug;
    const t = this.#d.stores.scene_memberships;
    const [items, total] = await this.#life.untilClosed(
      Promise.all([
        t.scan({ where, orderBy: { column: 'confidence', direction: 'desc' }, offset, limit }),
        t.count(where),
      ]),
      'listMemberships',
    );
    return { items, total, limit, offset };
  }

  /** Trends of a scene over 1-365 days (default 30) ending now. */
  async getSceneTrends(slug: string, query: { readonly days?: number } = {}): Promise<SceneTrends> {
    this.#life.assertOpen('getSceneTrends');
    return this.#life.untilClosed(getSceneTrends(this.#d.stores, slug, query, this.#d.clock.now()), 'getSceneTrends');
  }

  /** Scenes related to a scene, strongest first. */
  async getRelatedScenes(slug: string, query: { readonly limit?: number } = {}): Promise<RelatedScene[]> {
    this.#life.assertOpen('getRelatedScenes');
    return this.#life.untilClosed(
      getRelatedScenes(this.#d.stores, slug, query, this.#d.config.scenes.maxScenesPerQuery),
      'getRelatedScenes',
    );
  }

  /** Scenes for an artist (fit x heat), or the scenes most worth watching. */
  async recommendScenes(query: RecommendationsQuery = {}): Promise<SceneRecommendations> {
    this.#life.assertOpen('recommendScenes');
    const deadline = createDeadline(this.#d.config.scenes.globalPulseTimeoutMs);
    const [catalog, commits] = [this.#catalogGeneration, this.#refreshCommits];
    try {
      return await this.#life.untilClosed(
        recommendScenes(
          {
            stores: this.#d.stores,
            gateway: this.#d.gateway,
            config: this.#d.config,
            nowMs: this.#d.clock.now(),
            deadline,
            unchanged: () => catalog === this.#catalogGeneration && commits === this.#refreshCommits,
            pulses: async () => (await this.pulse.allPulses()).flatMap((i) => (i.pulse ? [i.pulse] : [])),
          },
          query,
        ),
        'recommendScenes',
      );
    } finally {
      deadline.dispose();
    }
  }

  /**
   * Refuses, before anything is written, a refresh as of `at` that this engine would refuse (an
   * instant before its last refresh's, or too far ahead: `SCENES_INVALID_PARAMS`):
   * `radar.refresh()` checks both engines before either writes.
   * @internal
   */
  async checkRefresh(at: Date): Promise<void> {
    this.#life.assertOpen('refresh');
    // Read as the refresh reads it (a state row this version cannot read is the refresh's to replace).
    const state = await readScenesState(this.#d.stores, 'rows');
    checkRefreshInstant('SCENES_INVALID_PARAMS', at, this.#d.clock.now(), state.asOfMs);
  }

  /**
   * Recomputes memberships and relationships as of `asOf` (default now), stores a trend snapshot
   * of every scene, and drops cached pulses. When the stores offer a `transaction` (both shipped
   * stores do), everything is computed first and the writes land in one transaction: a reader
   * never sees half a refresh, and a refresh that fails leaves the previous one as it was.
   * Refreshes run one at a time (a call made during one starts after it), and an instant before
   * the last refresh's is refused with `SCENES_INVALID_PARAMS`, nothing written.
   *
   * Its steps (`memberships`, `relationships`, `trends`, and `commit` with a transaction) are
   * traced on the `scene-radar:refresh` channel and reported to `options.onProgress` (task
   * `refresh`, phases `scenes.<step>`): docs/observability.md.
   *
   * `options.signal` gives up the wait for another refresh: aborted before this one starts, it
   * rejects at once with `SCENES_TIMEOUT` and nothing is written. A refresh once started runs
   * to its end.
   */
  async refresh(
    asOf?: Date,
    options: ProgressOptions & { readonly signal?: AbortSignal } = {},
  ): Promise<ScenesRefreshReport> {
    this.#life.assertOpen('refresh');
    const at = requireDate(asOf, 'asOf', new Date(this.#d.clock.now()), 'SCENES_VALIDATION_ERROR');
    const { onProgress, signal } = readKeysOnce(
      options ?? {},
      ['onProgress', 'signal'],
      'refresh',
      'SCENES_VALIDATION_ERROR',
    );
    if (signal !== undefined && !(signal instanceof AbortSignal))
      throw new SceneRadarError('SCENES_VALIDATION_ERROR', 'signal must be an AbortSignal', {
        details: [{ code: 'invalid_type', path: ['signal'], message: 'Expected an AbortSignal' }],
      });
    const aborted = () =>
      new SceneRadarError('SCENES_TIMEOUT', 'Scenes refresh was aborted before it began; nothing was written', {
        cause: signal?.reason,
      });
    // One refresh at a time: two would interleave their reads and writes of the same tables.
    return this.#refreshes.run(
      async () => {
        // Another instance may commit a refresh while this one computes: this one is then computed
        // again over it (its writes were computed over tables that are gone), a few times at most.
        for (let attempt = 1; ; attempt++) {
          this.#life.assertOpen('refresh');
          // Read again: another instance over the same stores may have refreshed since this one did.
          this.#state = undefined;
          let basis: ScenesRefreshState;
          let asOfRun: Date;
          try {
            // Bounded by close() and the signal: a stalled table must not hold the refresh (nothing
            // is written yet). A state row this version cannot read is replaced: the refresh starts
            // from the rows.
            basis = await this.#life.untilStopped(
              readScenesState(this.#d.stores, 'rows'),
              'refresh',
              signal as AbortSignal | undefined,
              aborted,
            );
            asOfRun = checkRefreshInstant('SCENES_INVALID_PARAMS', at, this.#d.clock.now(), basis.asOfMs);
          } catch (error) {
            // A refresh that fails before it starts (the stores down, its instant refused) is logged too.
            new RefreshRun(this.#d.observer ?? SILENT_OBSERVER, 'scenes', at, undefined).failed(error);
            throw error;
          }
          try {
            return await this.#observedRefresh(
              asOfRun,
              basis,
              attempt >= MAX_REFRESH_ATTEMPTS,
              onProgress as ProgressOptions['onProgress'],
            );
          } catch (error) {
            if (!isRefreshConflict(error) || attempt >= MAX_REFRESH_ATTEMPTS) throw error;
          }
        }
      },
      signal,
      () =>
        new SceneRadarError(
          'SCENES_TIMEOUT',
          'Scenes refresh was aborted while it waited for another refresh to end; nothing was written',
          { cause: signal?.reason },
        ),
      this.#life.stop('refresh'),
    );
  }

  async #observedRefresh(
    at: Date,
    basis: ScenesRefreshState,
    last: boolean,
    onProgress: ProgressOptions['onProgress'],
  ): Promise<ScenesRefreshReport> {
    const run = new RefreshRun(
      this.#d.observer ?? SILENT_OBSERVER,
      'scenes',
      at,
      onProgress as ProgressOptions['onProgress'],
    );
    try {
      const report = await this.#refresh(at, basis, run);
      if (report.warnings.length > 0 || report.memberships.kept > 0)
        run.degraded(
          {
            universe: report.memberships.universe,
            kept: report.memberships.kept,
            sources: report.memberships.sources,
            warnings: report.warnings,
          },
          'Scenes Engine refresh degraded: see its warnings; artists whose reads failed kept their memberships',
        );
      run.finished({
        artists: report.memberships.artists,
        memberships: report.memberships.memberships,
        relationships: report.relationships,
        snapshots: report.snapshots,
      });
      return report;
    } catch (error) {
      // A conflict computed again is no failure: logged as one only past the last attempt.
      if (last || !isRefreshConflict(error)) run.failed(error);
      else run.logger.log('info', { engine: 'scenes', asOf: at.toISOString() }, CONFLICT_RETRY_LOG);
      throw error;
    }
  }

  async #refresh(at: Date, basis: ScenesRefreshState, run: RefreshRun): Promise<ScenesRefreshReport> {
    const deadline = createDeadline(this.#d.config.scenes.globalPulseTimeoutMs * 5);
    // Worked on as a copy, kept only once this refresh's state row is written: a refresh that
    // fails leaves them as they were. Those of a refresh over other memberships than the stored
    // ones (another instance refreshed since) would be older than the reads behind the stored rows.
    const tastemakers: KnownTastemakers =
      this.#tastemakersAsOf === basis.membershipsMs ? new Map(this.#tastemakers) : new Map();
    const keepTastemakers = (state: ScenesRefreshState): void => {
      this.#tastemakers = tastemakers;
      this.#tastemakersAsOf = state.membershipsMs;
    };
    // The tables are about to change: the last refresh's pulses no longer stand for them.
    withdrawRefreshPulses(this);
    const catalog = this.#catalogGeneration;
    try {
      const nowIso = new Date(this.#d.clock.now()).toISOString();
      const live = this.#d.stores;
      let written: RefreshWrites;
      // The state row this refresh writes (with the memberships, in the same transaction when there is one).
      let committed: ScenesRefreshState | undefined;
      const transaction = live.transaction?.bind(live);
      if (transaction) {
        // Everything is computed against a stage (the live tables with this refresh's writes, seen
        // only here), then the writes land in one transaction: a reader never sees half a refresh,
        // and a refresh that fails (or a process killed mid-way) leaves the previous one whole.
        const stage = stageStores(live);
        const misses = new Map(this.#misses);
        // The memberships the stage holds: the basis's until this refresh's pass, once it has read
        // the universe, computes its own (their instant and the artists it could not place).
        let stagedPlaced: { readonly membershipsMs: number; readonly unplaced: number } | null = null;
        let stagedScored: ReadonlySet<string> = new Set();
        const pulse = new ScenePulse({
          stores: stage.stores,
          gateway: this.#d.gateway,
          config: this.#d.config,
          clock: this.#d.clock,
          // pulsesAsOf is never cached: this cache stays empty (as a replay's, see #scratch).
          cache: new Cache<unknown>({ ttlMs: 1, clock: this.#d.clock, maxEntries: 16 }),
          // Known without a read: the basis's, or this refresh's once its pass has staged them.
          membershipsAsOf: () => Promise.resolve(stagedPlaced?.membershipsMs ?? basis.membershipsMs),
          lifecycle: this.#life,
          knownNetworks: this.#knownNetworks,
          // The staged memberships have scored the scenes this refresh read.
          awaitsRefresh: (slug) => basis.awaiting.has(slug) && !stagedScored.has(slug),
          unplaced: () => stagedPlaced?.unplaced ?? basis.unplaced,
        });
        // Staged: nothing is written until the commit, so a close() while a table read stalls ends
        // the refresh at once (RADAR_CLOSED) without waiting for the read.
        written = await this.#life.untilClosed(
          this.#refreshWrites(
            stage.stores,
            pulse,
            at,
            nowIso,
            deadline,
            misses,
            tastemakers,
            async (report, scored) => {
              // A pass that read the universe computed the memberships as of `at` (even where it
              // placed nobody); one that could not kept the basis's.
              if (report.universe === 'ok') stagedPlaced = { membershipsMs: at.getTime(), unplaced: report.lost };
              stagedScored = scored;
            },
            run,
          ),
          'refresh',
        );
        let conflict: unknown;
        try {
          // A conflict ends the step without failing it (nothing was written; computed again).
          await run.phase('commit', () =>
            transaction(async (tx) => {
              // A radar closed while this refresh computed writes nothing: the host has let go of
              // it (and of its stores, maybe), and half its reads failed with the closed gateway.
              this.#life.assertOpen('refresh');
              // Checked again where it is written: another instance may have refreshed meanwhile.
              const latest = await readScenesState(tx, 'rows');
              checkRefreshInstant('SCENES_INVALID_PARAMS', at, this.#d.clock.now(), latest.asOfMs);
              // Computed over the memberships as of `basis`: another instance's refresh committed
              // since would be overwritten as if it never ran (or, a little older, moved back).
              if (latest.membershipsMs !== basis.membershipsMs)
                throw refreshConflict('SCENES_INVALID_PARAMS', at, latest.membershipsMs);
              await stage.writeTo(tx);
              // Scenes imported since (here or by another instance) await the next refresh.
              const next = nextState(at, stagedPlaced, latest, stagedScored);
              await writeState(tx, next, latest, nowIso);
              committed = next;
            }).catch((error: unknown) => {
              if (!isRefreshConflict(error)) throw error;
              conflict = error;
            }),
          );
        } finally {
          stage.close();
        }
        if (conflict !== undefined) throw conflict;
        this.#misses.clear();
        for (const [k, v] of misses) this.#misses.set(k, v);
        if (committed !== undefined) keepTastemakers(committed);
        this.#committed();
      } else {
        written = await this.#refreshWrites(
          live,
          this.pulse,
          at,
          nowIso,
          deadline,
          this.#misses,
          tastemakers,
          async (report, scored) => {
            // The memberships just written are what the snapshots must see: the state row says
            // they are as of `at` (written now, table by table like the rest without a transaction).
            const latest = await readScenesState(live, 'rows');
            const next = nextState(
              at,
              report.universe === 'ok' ? { membershipsMs: at.getTime(), unplaced: report.lost } : null,
              latest,
              scored,
            );
            await writeState(live, next, latest, nowIso);
            committed = next;
            keepTastemakers(next);
            this.#adopt(next);
            await this.#replays.clear();
            this.#committed();
          },
          run,
        );
      }
      await this.#replays.clear();
      const { memberships, relationships, snapshots, scenes, pulses } = written;
      // The state this refresh wrote (not read again: the Talent Radar's refresh asks next).
      if (committed !== undefined) this.#adopt(committed);
      else this.#state = undefined;
      await this.pulse.clearCache(undefined, { keepLastGood: true });
      // The snapshots' pulses are those of these memberships as of `at`: the ScenesAdapter serves
      // them to a reader asking as of `at` (the Talent Radar's refresh) instead of computing them again.
      if (catalog === this.#catalogGeneration) publishRefreshPulses(this, at.getTime(), pulses);
      const failedReads: Partial<Record<'mig' | 'cmg', number>> = {};
      for (const name of ['mig', 'cmg'] as const) {
        const n = memberships.sources[name].error + memberships.sources[name].timeout;
        if (n > 0) failedReads[name] = n;
      }
      this.#failedReads = failedReads;
      const warnings: string[] = [];
      if (scenes === 0) warnings.push(EMPTY_CATALOG_NOTE);
      // Artists placed as before because a read failed (those with nothing to keep are said below).
      if (memberships.kept > memberships.lost)
        warnings.push(
          `${memberships.kept - memberships.lost} artists kept their memberships from an earlier refresh: their MIG or CMG read failed (${Object.entries(
            failedReads,
          )
            .map(([source, n]) => `${source} ${n}`)
            .join(', ')}).`,
        );
      // Trend rows are written from healthy pulses only: say how many scenes got none today.
      const held = scenes - snapshots;
      if (memberships.lost > 0)
        warnings.push(
          `No trend snapshot was written for ${lastCompleteDay(at.getTime())}: ${memberships.lost} artists could not be placed (their MIG or CMG read failed and they had no earlier memberships to keep), so the scenes would be counted without them; a later refresh or backfill can fill the day.`,
        );
      else if (held > 0)
        warnings.push(
          `${held} of ${scenes} scenes wrote no trend snapshot for ${lastCompleteDay(at.getTime())}: their pulse was degraded (a source failed for some members) or unavailable (heat unknown); a later backfill can fill the day.`,
        );
      if (memberships.universe !== 'ok')
        warnings.push(
          `The MIG artist universe could not be read (${memberships.universe}${memberships.universeReason ? `: ${memberships.universeReason}` : ''}): memberships were kept as they were.`,
        );
      return { asOf: at.toISOString(), memberships, relationships, snapshots, warnings };
    } finally {
      deadline.dispose();
    }
  }

  /** Takes `state` as the engine's, without reading it back (a refresh wrote it, or a check read it). */
  #adopt(state: ScenesRefreshState): void {
    this.#state = Promise.resolve(state);
    this.#known = state;
  }

  /** A refresh committed (its memberships, or its state row without a transaction). */
  #committed(): void {
    this.#refreshCommits++;
    // What was remembered over the tables before this commit (the adapter's pulses as of an
    // instant, which a refresh as of the same instant would otherwise leave in place) is dropped.
    tablesChanged(this);
  }

  /**
   * A refresh's computations and writes on `stores` (the live tables, or a stage): memberships,
   * relationships, a trend snapshot per scene (through `pulse`, which must read `stores`), and the
   * recommendations cache emptied.
   */
  async #refreshWrites(
    stores: ScenesStores,
    pulse: ScenePulse,
    at: Date,
    nowIso: string,
    deadline: Deadline,
    misses: MembershipMisses,
    tastemakers: KnownTastemakers,
    afterMemberships: (report: MembershipReport, scored: ReadonlySet<string>) => Promise<void>,
    run: RefreshRun,
  ): Promise<RefreshWrites> {
    // Every artist's network is read for the memberships; the snapshots' pulses need the members'
    // networks as of the same instant, and take them from here rather than reading MIG again.
    const networkReads = new Map<string, ItemOutcome<ArtistNetwork>>();
    // The scenes the pass scored; none when it could not read the universe (nothing was placed).
    let read: readonly string[] = [];
    const memberships = await run.phase(
      'memberships',
      async (scope) => {
        const report = await refreshMemberships(
          {
            stores,
            gateway: this.#d.gateway,
            config: this.#d.config,
            nowIso,
            misses,
            tastemakers,
            networkReads,
            count: scope.count,
            scored: (slugs) => (read = slugs),
          },
          at,
          deadline,
        );
        scope.artists(report.artists);
        return report;
      },
      true,
    );
    await afterMemberships(memberships, new Set(memberships.universe === 'ok' ? read : []));
    this.#refreshReads = { asOfMs: at.getTime(), networks: networkReads };
    try {
      return await this.#afterMemberships(stores, pulse, at, nowIso, memberships, run);
    } finally {
      this.#refreshReads = undefined;
    }
  }

  /** The rest of a refresh's writes, once its memberships are written: relationships, snapshots. */
  async #afterMemberships(
    stores: ScenesStores,
    pulse: ScenePulse,
    at: Date,
    nowIso: string,
    memberships: MembershipReport,
    run: RefreshRun,
  ): Promise<RefreshWrites> {
    // Closed meanwhile: the reads below would fail on the closed gateway and write partial trends.
    this.#life.assertOpen('refresh');
    const scenes = await stores.scenes.scan();
    // Without the universe (MIG down) there are no circles: keep the relationships we have.
    const relationships = await run.phase('relationships', async () => {
      if (memberships.universe !== 'ok') return 0;
      const rels = await computeRelationships(
        scenes,
        await stores.scene_memberships.scan(),
        memberships.circles,
        buildSoundMap(await stores.microgenres.scan()),
        this.#d.config.scenes.relationships,
        nowIso,
      );
      await stores.scene_relationships.deleteWhere({});
      // In parts, the event loop's turn between them: 800 scenes make 24,000 rows, each validated.
      for (let i = 0; i < rels.length; i += RELATIONSHIP_WRITE_ROWS) {
        const pause = yieldSlice();
        if (pause) await pause;
        await stores.scene_relationships.upsert(rels.slice(i, i + RELATIONSHIP_WRITE_ROWS));
      }
      return rels.length;
    });
    const pulses: Pulse[] = [];
    const snapshots = await run.phase(
      'trends',
      async (scope) => {
        // Trend rows are permanent: none from memberships that lost artists to failed reads with
        // nothing to keep (a backfill day skips them too); the pulses are computed all the same.
        const n = await this.#snapshot(
          pulse,
          scenes.map((s) => s.slug),
          at,
          stores,
          pulses,
          scope.count(scenes.length),
          memberships.lost === 0,
        );
        await stores.scene_recommendations_cache.deleteWhere({});
        return n;
      },
      true,
    );
    return { memberships, relationships, snapshots, scenes: scenes.length, pulses };
  }

  /**
   * Replays history: one trend snapshot per scene per day from `from` to `to` (inclusive days),
   * recomputing memberships as of every `membershipEveryDays`-th day of the calendar (days since
   * 1970-01-01; the first day replayed uses the last such day on or before it) in fresh scratch
   * tables (live memberships are not touched), so a day's row depends on the day alone, not on the
   * range asked. Nothing after each replayed day is read for it. A day a row already holds for a
   * scene (a refresh's, an earlier backfill's) is kept: a backfill fills, it never rewrites.
   */
  async backfillTrends(options: {
    readonly from: Date | string;
    readonly to?: Date | string;
    readonly membershipEveryDays?: number;
    /** Progress of the replay: task `backfill`, phase `days`, one item per day replayed. */
    readonly onProgress?: ProgressOptions['onProgress'];
  }): Promise<BackfillReport> {
    this.#life.assertOpen('backfillTrends');
    if (options === null || typeof options !== 'object') {
      throw new SceneRadarError('SCENES_VALIDATION_ERROR', 'backfillTrends needs a from date', {
        details: [{ code: 'invalid_type', path: ['from'], message: 'Required' }],
      });
    }
    // Each option read once: a getter or a proxy's trap that throws is a validation error, not the host's exception.
    const asked = readKeysOnce(
      options,
      ['from', 'to', 'membershipEveryDays', 'onProgress'],
      'backfillTrends',
      'SCENES_VALIDATION_ERROR',
    );
    if (asked.from === undefined) {
      throw new SceneRadarError('SCENES_VALIDATION_ERROR', 'backfillTrends needs a from date', {
        details: [{ code: 'invalid_type', path: ['from'], message: 'Required' }],
      });
    }
    const from = requireDate(asked.from, 'from', new Date(Number.NaN), 'SCENES_VALIDATION_ERROR');
    const toAsked = requireDate(asked.to, 'to', new Date(this.#d.clock.now() - DAY_MS), 'SCENES_VALIDATION_ERROR');
    // An unfinished day has no snapshot yet: stop at the last complete day.
    const to = new Date(Math.min(toAsked.getTime(), dayStart(lastCompleteDay(this.#d.clock.now()))));
    const every = requireInt(
      asked.membershipEveryDays,
      'membershipEveryDays',
      { min: 1, max: 365, default: 7 },
      'SCENES_VALIDATION_ERROR',
    );
    const first = dayOf(from.getTime());
    const last = dayOf(to.getTime());
    // By instant, not as text: a day after year 9999 (`+010000-01-01`) sorts before `2026-...`.
    if (dayStart(first) > dayStart(last))
      throw new SceneRadarError('SCENES_INVALID_PARAMS', `from (${first}) must not be after to (${last})`, {
        details: [{ code: 'invalid_range', path: ['from'], message: 'from is after to' }],
      });
    if (daysBetween(first, last) >= MAX_BACKFILL_DAYS) {
      throw new SceneRadarError('SCENES_INVALID_PARAMS', `At most ${MAX_BACKFILL_DAYS} days per backfill`, {
        details: [{ code: 'too_big', path: ['from'], message: `At most ${MAX_BACKFILL_DAYS} days` }],
      });
    }
    // The replay runs on scratch tables: live memberships are never touched, only trends written.
    let replay = await this.#scratch();
    const scenes = (await this.#life.untilClosed(this.#d.stores.scenes.scan(), 'backfillTrends')).map((s) => s.slug);
    const observer = this.#d.observer ?? SILENT_OBSERVER;
    const started = globalThis.performance.now();
    const progress = new ProgressTracker('backfill', {
      callbacks: [observer.onProgress, asked.onProgress as ProgressOptions['onProgress']],
    }).phase('days', daysBetween(first, last) + 1);
    let days = 0;
    let snapshots = 0;
    let skippedDays = 0;
    // Whether the last replayed memberships are whole (no artist lost to a failed read).
    let whole = true;
    try {
      for (let d = first; d <= last; d = addDays(d, 1), days++) {
        // The snapshot of day d is taken at the midnight that ends it: d is then the last complete day.
        const at = new Date(dayStart(d) + DAY_MS);
        const pause = yieldSlice();
        if (pause) await pause;
        // Checked every day: after close() the replay would otherwise read the sources for the
        // day's memberships and write the trend table for every day left.
        this.#life.assertOpen('backfillTrends');
        // On the calendar's schedule, from empty tables (no state carried from the days before):
        // the same memberships for a day whatever day the call started on.
        const offset = ((daysBetween(EPOCH_DAY, d) % every) + every) % every;
        if (days === 0 || offset === 0) {
          if (days > 0) replay = await this.#scratch();
          const asOf = new Date(dayStart(addDays(d, -offset)) + DAY_MS);
          const misses: MembershipMisses = new Map();
          // Each wait on the tables bounded by close() (RADAR_CLOSED at once); a day being written
          // may still land (each day's snapshot is whole, and a backfill run again rewrites it).
          const report = await this.#life.untilClosed(this.#refreshInto(replay.stores, asOf, misses), 'backfillTrends');
          // A replay starts from empty tables: an artist whose reads failed has no earlier
          // memberships to keep, so its scenes would be counted without it.
          whole = report.universe === 'ok' && report.kept === 0;
        }
        if (whole)
          snapshots += await this.#life.untilClosed(
            this.#snapshot(replay.pulse, scenes, at, undefined, undefined, undefined, true, true),
            'backfillTrends',
          );
        else skippedDays++;
        progress.advance();
      }
      await this.pulse.clearCache(undefined, { keepLastGood: true });
    } catch (error) {
      observer.logger.log(
        'error',
        {
          task: 'backfill',
          from: first,
          to: last,
          days,
          durationMs: Math.round(performance.now() - started),
          err: error,
        },
        'trend backfill failed',
      );
      throw error;
    }
    progress.finish();
    observer.logger.log(
      'info',
      {
        task: 'backfill',
        from: first,
        to: last,
        days,
        snapshots,
        skippedDays,
        durationMs: Math.round(globalThis.performance.now() - started),
      },
      'trend backfill finished',
    );
    return { days, snapshots, skippedDays };
  }

  /**
   * The engine's state as of `asOf`, for readers that must not see later data (the ScenesAdapter,
   * backtests): the live tables when they were refreshed at or before `asOf`, otherwise
   * memberships replayed into scratch tables as of the start of `asOf`'s day (never after it).
   * Replays are kept in a small LRU, so a backtest pays once per cutoff day.
   */
  async stateAsOf(asOf: Date): Promise<SceneState> {
    this.#life.assertOpen('stateAsOf');
    // The validated copy's instant, read once: a Date subclass's own getTime is never asked.
    const asOfMs = requireDate(asOf, 'asOf', new Date(Number.NaN), 'SCENES_VALIDATION_ERROR').getTime();
    // Checked against the state table: another instance over the same stores may have refreshed
    // since (an artist its refresh removed leaves no row that could say so).
    const refreshed = await this.#refreshedAsOfMs(undefined, true);
    if (refreshed === null || refreshed <= asOfMs)
      return { stores: this.#d.stores, pulse: this.pulse, live: true, refreshedAsOf: refreshed };
    const day = dayOf(asOfMs);
    // Concurrent readers of one day share one replay (single-flight); a failed one is not kept.
    const replay = (await this.#replays.getOrCompute(
      day,
      async () => {
        const scratch = await this.#scratch();
        const report = await this.#refreshInto(scratch.stores, new Date(dayStart(day)));
        const state: SceneState = { ...scratch, live: false, refreshedAsOf: refreshed };
        return { state, keep: report.universe === 'ok' && report.kept === 0 };
      },
      // A replay built while a source failed is used once but not kept.
      { ttlMs: (r) => ((r as Replay).keep ? Number.POSITIVE_INFINITY : 0), graceMs: 0 },
    )) as Replay;
    return replay.state;
  }

  /**
   * Per source (`mig`, `cmg`), the artists whose membership read failed or timed out in the last
   * refresh this engine ran (empty before one): those artists kept their earlier memberships, or
   * were placed in no scene. The health route reports them beside the Talent Radar's.
   */
  get lastRefreshFailedReads(): Readonly<Partial<Record<'mig' | 'cmg', number>>> {
    return this.#failedReads;
  }

  /**
   * The instant the live memberships were computed as of (the last refresh, ISO 8601, as every
   * report's `asOf` and `TalentRadar.refreshedAsOf`), or null before any. Read from the table once
   * (it may hold a previous process's refresh), then again only after this engine's next refresh
   * (another instance's later refresh is seen then).
   * @example
   * ```ts
   * await radar.scenes.refreshedAsOf(); // '2026-11-25T00:00:00.000Z'
   * ```
   */
  async refreshedAsOf(): Promise<string | null> {
    this.#life.assertOpen('refreshedAsOf');
    const at = await this.#refreshedAsOfMs();
    return at === null ? null : new Date(at).toISOString();
  }

  /** {@link ScenesEngine.refreshedAsOf} in epoch ms (see {@link ScenesEngine.#stateNow}). */
  async #refreshedAsOfMs(seenMs?: number, check = false): Promise<number | null> {
    return (await this.#stateNow(seenMs, check)).membershipsMs;
  }

  /**
   * The engine's refresh state (`scenes_state`, see scenes/scenes-state). Read from the table once
   * (it may hold a previous process's refresh), then again after this engine's next refresh or
   * import, when a reader has seen a membership row of a later refresh (`seenMs`, its `as_of`:
   * another instance over the same stores refreshed), or when `check` asks: one read of the state
   * row, which tells another instance's refresh whatever rows it left (stores written before the
   * row existed are not read again for it: their state is two ordered scans, and every
   * ScenesAdapter call asks).
   */
  async #stateNow(seenMs?: number, check = false): Promise<ScenesRefreshState> {
    this.#life.assertOpen('refreshedAsOf');
    if ((seenMs !== undefined || check) && this.#state) {
      const known = this.#state;
      const was = await known.catch(() => null);
      if (this.#state === known) {
        if (was === null || (seenMs !== undefined && (was.membershipsMs === null || was.membershipsMs < seenMs)))
          this.#state = undefined;
        else if (check) {
          // One scan of the small state table (the membership rows are not read again for stores
          // without a `last-refresh` row: only a refresh changes them, and it writes the row).
          // Bounded by close(): a stalled table must not hold a read after it (RADAR_CLOSED).
          const now = await this.#life.untilClosed(readScenesState(this.#d.stores, 'throw', was), 'stateAsOf');
          if (this.#state === known && !sameState(now, was)) {
            this.#adopt(now);
            // Another instance refreshed or imported: what was remembered over the tables is dropped.
            tablesChanged(this);
          }
        }
      }
    }
    this.#state ??= readScenesState(this.#d.stores);
    const pending = this.#state;
    // Any store's wait ends with RADAR_CLOSED at close(): a stalled table must not hold a call.
    pending.catch(() => undefined);
    try {
      const state = await this.#life.untilClosed(pending, 'refreshedAsOf');
      if (this.#state === pending) {
        this.#known = state;
        // "Never refreshed" is not kept: another radar over the same stores may refresh at any time
        // (and reading an empty table again costs nothing).
        if (state.asOfMs === null) this.#state = undefined;
      }
      return state;
    } catch (e) {
      if (this.#state === pending) this.#state = undefined;
      throw e;
    }
  }

  /** Scratch in-memory tables with the live catalog, and a pulse over them. */
  async #scratch(): Promise<{ stores: ScenesStores; pulse: ScenePulse }> {
    const stores = memoryScenesStores();
    await stores.microgenres.upsert(await this.#d.stores.microgenres.scan());
    await stores.scenes.upsert(await this.#d.stores.scenes.scan());
    // ScenePulse needs a cache, but a replay only calls pulsesAsOf, which is never cached: this one
    // stays empty, so it is not one of the radar's named caches.
    const cache = new Cache<unknown>({ ttlMs: 1, clock: this.#d.clock, maxEntries: 16 });
    return {
      stores,
      // The engine's lifecycle: a replay's pulses read after close() reject with RADAR_CLOSED too.
      pulse: new ScenePulse({
        stores,
        gateway: this.#d.gateway,
        config: this.#d.config,
        clock: this.#d.clock,
        cache,
        lifecycle: this.#life,
      }),
    };
  }

  /**
   * Memberships as of `at` in scratch `stores` (a replay), and their state row when the pass read
   * the universe: the replay's pulses then know its memberships were computed, even where nobody
   * was placed (an empty scene, not an unknown one). A replay that lost artists to failed reads has
   * nothing earlier to keep them from: the row counts them, so its pulses are degraded and a scene
   * it placed nobody in is unknown.
   */
  async #refreshInto(stores: ScenesStores, at: Date, misses: MembershipMisses = new Map()): Promise<MembershipReport> {
    const deadline = createDeadline(this.#d.config.scenes.globalPulseTimeoutMs * 5);
    try {
      const nowIso = new Date(this.#d.clock.now()).toISOString();
      const report = await refreshMemberships(
        // A replay starts from nothing known: no tastemakers kept from another day.
        { stores, gateway: this.#d.gateway, config: this.#d.config, nowIso, misses, tastemakers: new Map() },
        at,
        deadline,
      );
      if (report.universe === 'ok')
        await stores.scenes_state.upsert([refreshStateRow(at.getTime(), at.getTime(), report.lost, nowIso)]);
      return report;
    } finally {
      deadline.dispose();
    }
  }

  /** Releases the engine's caches; later calls reject with `RADAR_CLOSED`. */
  async close(): Promise<void> {
    this.#life.close();
    withdrawRefreshPulses(this);
    await this.#cache.close();
    await this.#replays.close();
  }

  async #snapshot(
    pulse: ScenePulse,
    slugs: readonly string[],
    at: Date,
    stores: ScenesStores = this.#d.stores,
    computed?: Pulse[],
    progress?: PhaseProgress,
    write = true,
    onlyMissing = false,
  ): Promise<number> {
    const max = this.#d.config.scenes.maxScenesPerQuery;
    let n = 0;
    for (let i = 0; i < slugs.length; i += max) {
      const deadline = createDeadline(this.#d.config.scenes.globalPulseTimeoutMs);
      try {
        const items = await pulse.pulsesAsOf(slugs.slice(i, i + max), at, deadline);
        for (const x of items.values()) if (x.pulse) computed?.push(x.pulse as Pulse);
        // Trend rows are permanent: only pulses computed with every source the host has healthy
        // are written (a source the host does not have, Fusion say, is its standing configuration:
        // its scenes would otherwise never get a row).
        let rows = [...items.values()].flatMap((x) =>
          x.pulse && !lessThanTheHostHas(x.pulse as Pulse) ? [trendRowOf(x.pulse as Pulse)] : [],
        );
        // A backfill fills days: a row a refresh (or an earlier backfill) wrote stays as it is.
        if (onlyMissing && rows.length > 0) {
          const held = new Set(
            (await stores.scene_trends.scan({ where: { day: rows[0]!.day } })).map((r) => r.scene_slug),
          );
          rows = rows.filter((r) => !held.has(r.scene_slug));
        }
        if (write) {
          await stores.scene_trends.upsert(rows);
          n += rows.length;
        }
        progress?.advance(Math.min(max, slugs.length - i));
      } finally {
        deadline.dispose();
      }
    }
    return n;
  }
}

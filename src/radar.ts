/**
 * @module radar
 * One entry point: `createSceneRadar` wires the engines over the host's sources, stores, cache and
 * clock. The Scenes Engine sees MIG, CMG and Fusion; the Talent Radar sees every source, and reads
 * scenes only through the Scenes Engine's `ScenesAdapter`. Both share one gateway, so a source's
 * concurrency limit holds across engines.
 */
import { deepFreezeAll } from './core/freeze.js';
import type { CacheEvent } from './core/cache/cache.js';
import { CacheGroup, type CacheGroupStats } from './core/cache/cache-group.js';
import type { CacheStore } from './core/cache/cache-store.js';
import { guardedClock, systemClock, type Clock } from './core/clock.js';
import { callHook } from './core/hooks.js';
import { Lifecycle } from './core/lifecycle.js';
import { channels, traced, type RefreshContext } from './core/observe/channels.js';
import { safeLogger, type SafeLogger, type SceneRadarLogger } from './core/observe/logger.js';
import type { ProgressCallback, ProgressOptions } from './core/observe/progress.js';
import { asOfText, type RadarObserver } from './core/observe/refresh-run.js';
import { OperationStats, type RefreshStats, type SourceCallStats } from './core/observe/stats.js';
import { createSourceGateway, type SourceCallEvent } from './core/gateway/gateway.js';
import { scopedGateway } from './core/gateway/scoped.js';
import { SOURCE_NAMES, type SceneRadarSources, type ScenesAdapter } from './contracts/sources.js';
import { describeError } from './core/describe-error.js';
import { isSceneRadarError, SceneRadarError } from './core/errors.js';
import { requireDate, requireOptions } from './core/validation.js';
import { SDK_VERSION } from './version.js';
import { resolveConfig, type SceneRadarConfig, type SceneRadarConfigInput } from './config.js';
import { ScenesEngine, type ScenesRefreshReport } from './scenes/engine.js';
import { onTablesChange } from './scenes/refresh-pulses.js';
import { scenesAdapterFor } from './scenes/scenes-adapter.js';
import { memoryScenesStores, memoryTalentStores } from './stores/memory-table.js';
import { SCENES_TABLES, TALENT_TABLES, type ScenesStores, type TalentStores } from './stores/specs.js';
import type { HostFeature } from './talent/host-features.js';
import { readOnlyTalentRadar, type ReadOnlyTalentRadar } from './talent/read-only.js';
import { TalentRadar } from './talent/talent-radar.js';
import type { TalentRefreshReport } from './talent/types.js';

export type { CacheEvent } from './core/cache/cache.js';
export type { CacheGroupStats, CacheNamespaceStats } from './core/cache/cache-group.js';

/** Owned tables of the engines, in {@link SceneRadarOptions.stores}. */
export interface SceneRadarStoreOptions {
  /** The Scenes Engine's tables. @default in-memory tables */
  readonly scenes?: ScenesStores;
  /** The Talent Radar's tables. @default in-memory tables */
  readonly talent?: TalentStores;
}

/** Cache settings, in {@link SceneRadarOptions.cache}. */
export interface SceneRadarCacheOptions {
  /**
   * Cache store shared by the engines (keys are namespaced). For several instances of one radar,
   * the Redis tier of `scene-radar/adapters/redis` (`createRedisCacheTier`): L1 in process, L2 in
   * Redis, deletes and refreshes reach every instance, one computation per key across instances;
   * its health shows in `stats().cache.store`. The radar never closes a host's store.
   * @default an in-memory LRU per engine
   */
  readonly store?: CacheStore<unknown>;
}

/** What {@link SceneRadar.refresh} did, by engine. */
export interface SceneRadarRefreshReport {
  /** The Scenes Engine's refresh. */
  scenes: ScenesRefreshReport;
  /** The Talent Radar's refresh (after the Scenes Engine's, so it reads fresh memberships). */
  talent: TalentRefreshReport;
}

/** Options of {@link createSceneRadar}. */
export interface SceneRadarOptions {
  /** The host's read-only sources (any may be missing). */
  readonly sources: SceneRadarSources;
  /** Owned tables. @default in-memory tables */
  readonly stores?: SceneRadarStoreOptions;
  /** The cache: `{ store }`, a cache store shared by the engines (keys are namespaced). @default an in-memory LRU per engine */
  readonly cache?: SceneRadarCacheOptions;
  /** Configuration overrides (validated; an invalid one throws `CONFIG_INVALID`). */
  readonly config?: SceneRadarConfigInput;
  /** The clock. @default the system clock */
  readonly clock?: Clock;
  /** Receives one event per source call (counts and timings, no ids). */
  readonly onSourceCall?: (event: SourceCallEvent) => void;
  /**
   * Receives the caches' events: a background refresh of a stale entry that failed (the stale
   * value was served), a cache store that threw (the value was computed, or not stored). For logs:
   * events carry the key; counters for metrics are in {@link SceneRadar.stats}. A hook that throws
   * or rejects is ignored.
   */
  readonly onCacheEvent?: (event: CacheEvent) => void;
  /** The host's own signals for the breakout model (see `HostFeature`; checked here: `CONFIG_INVALID`). @default [] */
  readonly hostFeatures?: readonly HostFeature[];
  /**
   * A pino-compatible logger (pino itself, or any object with `info`, `warn` and `error` taking
   * `(object, message)`; `child` is used when present). `info`: a refresh started and finished,
   * with its duration and each step's; a backfill or calibration finished. `warn`: degradation (a
   * source call that failed, at most once a minute per source, method and outcome; a refresh that
   * kept previous data or could not walk the universe; a stale value served because its refresh
   * failed; a cache store that threw). `error`: a refresh, backfill or calibration that threw.
   * Records carry counts, durations and bounded names, never an artist or scene id. A logger that
   * throws is ignored. @default silent
   * @example
   * ```ts
   * import pino from 'pino';
   * const radar = createSceneRadar({ sources, logger: pino() });
   * ```
   */
  readonly logger?: SceneRadarLogger;
  /**
   * Receives the progress of every long call of this radar (`radar.refresh()`, the engines'
   * refreshes, `scenes.backfillTrends()`, `talent.calibrate()`): `{ task, phase, done, total,
   * rate, etaMs }`, throttled (the first and last message of each phase, at most one every 250 ms
   * between), `done` never going down within a phase. Each of those calls also takes an
   * `onProgress` of its own, for one call. Called synchronously; one that throws is ignored.
   * The same messages go to the `scene-radar:progress` diagnostics channel. @default none
   */
  readonly onProgress?: ProgressCallback;
}

/** What {@link SceneRadar.stats} reports. */
export interface SceneRadarStats {
  /** Every cache of the radar: totals, overall hit rate, and the same counters per namespace. */
  readonly cache: CacheGroupStats;
  /**
   * Source calls by `source.method` (`fusion.getEngagement`): calls, keys asked, calls by how they
   * ended, and a latency histogram. Names of sources and methods only, never keys.
   */
  readonly sources: Readonly<Record<string, SourceCallStats>>;
  /**
   * Refreshes through {@link SceneRadar.refresh}, by engine (`radar`, `scenes`, `talent`): count,
   * failures, durations; and each step of the engines' refreshes by `engine.step`
   * (`scenes.memberships`, `talent.features`, ...), whichever call ran it.
   */
  readonly refresh: Readonly<Record<string, RefreshStats>>;
}

/** A wired radar. */
export interface SceneRadar {
  /** The resolved configuration. */
  readonly config: SceneRadarConfig;
  /** The clock the radar reads "now" from (the one given, or the system clock): `/api/health`'s `checkedAt` too. */
  readonly clock: Clock;
  /** The Scenes Engine. */
  readonly scenes: ScenesEngine;
  /** The Scenes Engine as a `ScenesAdapter` (what the Talent Radar reads). */
  readonly scenesAdapter: ScenesAdapter;
  /** The Talent Radar: `talent.signals` (ArtistSignalsEngine), `talent.aggregator` (RadarAggregator). */
  readonly talent: TalentRadar;
  /** A read-only view of the Talent Radar for another product (A&R Radar). */
  readonly readOnly: ReadOnlyTalentRadar;
  /**
   * Recomputes, as of `asOf` (default now): the Scenes Engine's memberships, relationships and
   * trend snapshots, then every artist's Talent Radar record. `options.onProgress` receives this
   * refresh's progress (task `refresh`, phases `scenes.memberships`, ..., `talent.features`, ...);
   * each step is also traced on the `scene-radar:refresh` channel (docs/observability.md).
   * Each engine runs its refreshes one at a time, and refuses (`SCENES_INVALID_PARAMS`,
   * `TALENT_INVALID_PARAMS`) an instant before its last refresh's: the tables hold the state as of
   * that refresh, and an earlier one would mix two instants in them. Both checks run before either
   * engine writes. `options.signal` aborts the refresh (`TALENT_TIMEOUT`): checked before the
   * Scenes Engine starts, while either engine waits for a refresh before it to end, and passed
   * to the Talent Radar's refresh (a Scenes refresh, once started, runs to its end).
   * The two engines commit one after the other, not together: between the two commits (and after
   * a Talent refresh that fails, or a `close()` during it, which rejects `RADAR_CLOSED` with the
   * Scenes part written) readers see the scenes of the new instant beside the artist records of
   * the previous one (tests/review/hostile-review-119.test.ts, expected failures). A catalog import
   * waits for a Scenes refresh in flight.
   * @example
   * ```ts
   * await radar.refresh(undefined, {
   *   onProgress: ({ phase, done, total, etaMs }) => console.error(`${phase} ${done}/${total} eta ${etaMs ?? '?'} ms`),
   * });
   * ```
   */
  refresh(asOf?: Date, options?: ProgressOptions & { readonly signal?: AbortSignal }): Promise<SceneRadarRefreshReport>;
  /**
   * Counters of every cache of the radar since it was created: hits, misses, stale serves (within
   * grace), fallbacks (last good value after a failed computation), evictions, entries held and
   * the hit rate, `(hits + stale) / (hits + stale + misses)`, overall and per namespace:
   * `scenes` (scene, regional and global scene pulses), `talent` (global pulse, artist profiles,
   * top lists), `scenes-as-of` (pulses as of past instants, as the Talent Radar reads them) and
   * `scenes-replays` (memberships replayed as of past days). Namespaces are kinds of results,
   * never artists or scenes, so the numbers are safe to export as metrics. Cheap: no I/O; each in-process cache reports its size from its LRU (at most its bound).
   * @example
   * ```ts
   * const radar = createSceneRadar({ sources: world.sources });
   * setInterval(() => {
   *   const { cache } = radar.stats();
   *   metrics.gauge('scene_radar.cache.hit_rate', cache.hitRate ?? 0);
   *   for (const [namespace, s] of Object.entries(cache.namespaces))
   *     metrics.gauge('scene_radar.cache.hit_rate', s.hitRate ?? 0, { namespace });
   * }, 60_000).unref();
   * ```
   */
  stats(): SceneRadarStats;
  /** Aborts source calls in flight and releases caches. */
  close(): Promise<void>;
}

/**
 * Runs one engine's refresh (or the radar's), counted in `operations` and traced on the refresh
 * channel when anyone listens.
 */
function timedRefresh<T>(
  operations: OperationStats,
  engine: RefreshContext['engine'],
  at: Date,
  work: () => Promise<T>,
  logger?: SafeLogger,
): Promise<T> {
  const started = performance.now();
  // An invalid instant is the engine's to refuse (with its code): the context must not throw first.
  const context: RefreshContext = { engine, phase: 'all', asOf: asOfText(at) };
  logger?.log('info', { engine, asOf: context.asOf }, 'refresh started');
  return traced(channels.refresh, context, async () => {
    let ok = false;
    try {
      const report = await work();
      ok = true;
      // Where each report keeps it: the Talent Radar's at its top, the Scenes Engine's in its
      // memberships, the radar's in its Talent part.
      const r = report as {
        artists?: unknown;
        memberships?: { artists?: unknown };
        talent?: { artists?: unknown };
      };
      const artists = r.artists ?? r.memberships?.artists ?? r.talent?.artists;
      if (typeof artists === 'number') context.artists = artists;
      return report;
    } catch (error) {
      logger?.log(
        'error',
        { engine, asOf: context.asOf, durationMs: Math.round(performance.now() - started), err: error },
        'refresh failed',
      );
      throw error;
    } finally {
      const ms = performance.now() - started;
      context.durationMs = ms;
      operations.refresh(engine, ms, ok);
      if (ok) logger?.log('info', { engine, asOf: context.asOf, durationMs: Math.round(ms) }, 'refresh finished');
    }
  });
}

/** Source-call failures logged per `source.method:outcome`: at most one warning a minute each. */
const SOURCE_WARN_INTERVAL_MS = 60_000;

/** Logs failing source calls at `warn`, each kind at most once a minute with the count since. */
function sourceFailureLogger(logger: SafeLogger): (event: SourceCallEvent) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (event) => {
    if (event.result === 'ok') return;
    const key = `${event.source}.${event.method}:${event.result}`;
    const now = performance.now();
    const seen = last.get(key);
    if (seen && now - seen.at < SOURCE_WARN_INTERVAL_MS) {
      seen.suppressed++;
      return;
    }
    last.set(key, { at: now, suppressed: 0 });
    logger.log(
      'warn',
      {
        source: event.source,
        method: event.method,
        result: event.result,
        keys: event.keys,
        durationMs: Math.round(event.durationMs),
        ...(seen ? { since: seen.suppressed } : {}),
      },
      `source call failed (${event.result})${seen ? `; ${seen.suppressed} more like it in the last minute` : ''}`,
    );
  };
}

/** An error as logs may show it: its SDK code, else its type; never its message (it may name an artist or a scene). */
function errorKind(error: unknown): { readonly type: string; readonly code?: string } {
  try {
    if (isSceneRadarError(error)) return { type: 'SceneRadarError', code: error.code };
    return { type: error instanceof Error ? error.name : typeof error };
  } catch {
    return { type: 'unreadable' };
  }
}

/** Logs the caches' events at `warn`: a stale value served because its refresh failed, a store that threw. */
function cacheEventLogger(logger: SafeLogger): (event: CacheEvent) => void {
  return (event) =>
    logger.log(
      'warn',
      // A failed background refresh: the error's code or type, not its message or stack (the
      // engines' messages name the artist or scene, and log records never carry them). A store's
      // own error is the host's infrastructure speaking (a refused connection): logged as it is.
      {
        namespace: event.namespace,
        event: event.type,
        err: event.type === 'refresh_error' ? errorKind(event.error) : event.error,
      },
      event.type === 'refresh_error'
        ? 'stale value served: its background refresh failed'
        : 'cache store failed: the value was computed (or not stored) without it',
    );
}

/** Whether `v` is a plain object a host could mean as options: not null, not an array, not a primitive. */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Source slots a host may fill: the read-only sources, `scenes` (ignored: see createSceneRadar) and `workspaces`. */
const SOURCE_SLOTS: ReadonlySet<string> = new Set<string>([...SOURCE_NAMES, 'scenes', 'workspaces']);

/** Methods every table of a store set must have (the `Table` contract). */
const TABLE_METHODS = ['get', 'getMany', 'upsert', 'delete', 'deleteWhere', 'scan', 'count'] as const;

/** Members a {@link CacheStore} must have (the others are optional). */
const CACHE_STORE_METHODS = ['get', 'set', 'delete', 'clear', 'size', 'close'] as const;

/** Optional members of a {@link CacheStore}: absent, or functions (the cache calls each when present). */
const CACHE_STORE_OPTIONAL = ['bytes', 'onInvalidate', 'coordinate', 'health'] as const;

/**
 * Checks the shape of {@link createSceneRadar}'s options, `CONFIG_INVALID` naming the first bad
 * field: a wrong value there would otherwise crash later with a raw TypeError, or be ignored (a
 * misspelt source slot would leave the source absent). Options that cannot be read (a getter that
 * throws, a revoked proxy) are `CONFIG_INVALID` too, as `resolveConfig` does for the configuration.
 */
function checkRadarOptions(options: unknown): asserts options is SceneRadarOptions {
  try {
    checkRadarShape(options);
  } catch (error) {
    if (isSceneRadarError(error)) throw error;
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `createSceneRadar: options cannot be read (${describeError(error, { name: false })})`,
      { details: [{ path: ['options'], message: 'The options cannot be read' }], cause: error },
    );
  }
}

/** {@link checkRadarOptions} without the guard for options that throw when read. */
function checkRadarShape(options: unknown): asserts options is SceneRadarOptions {
  const bad = (path: string, message: string): SceneRadarError =>
    new SceneRadarError('CONFIG_INVALID', `createSceneRadar: ${path} ${message}`, {
      details: [{ path: path.split('.'), message }],
    });
  /** `value` at `path` is an object with every method of `methods`, else CONFIG_INVALID naming the missing ones. */
  const requireMethods = (value: unknown, methods: readonly string[], path: string, what: string, lead = ''): void => {
    const missing = isObject(value) ? methods.filter((m) => typeof value[m] !== 'function') : [];
    if (!isObject(value) || missing.length > 0)
      throw bad(
        path,
        `must be ${what} (${lead}${methods.join(', ')}${missing.length > 0 ? `; missing ${missing.join(', ')}` : ''})`,
      );
  };
  if (!isObject(options))
    throw bad('options', 'must be an object with the sources ({ sources: { mig, fusion, ... } })');
  const { sources, stores, cache, clock } = options;
  if (!isObject(sources)) throw bad('sources', 'must be an object of source adapters (an empty object: none)');
  for (const [name, adapter] of Object.entries(sources)) {
    if (!SOURCE_SLOTS.has(name))
      throw bad(`sources.${name}`, `is not a source (sources: ${[...SOURCE_SLOTS].join(', ')})`);
    if (adapter !== undefined && !isObject(adapter))
      throw bad(`sources.${name}`, 'must be an adapter object (leave it out when the source is absent)');
  }
  if (stores !== undefined) {
    if (!isObject(stores)) throw bad('stores', 'must be an object ({ scenes?, talent? })');
    // Other keys are allowed: a store module's result (PostgreSQL's holds its pool and schema) is passed as it is.
    for (const [name, tables] of [
      ['scenes', SCENES_TABLES],
      ['talent', TALENT_TABLES],
    ] as const) {
      const set = stores[name];
      if (set === undefined) continue;
      if (!isObject(set)) throw bad(`stores.${name}`, 'must be a store set (its tables)');
      // A missing table, or one without a method, would be a raw TypeError at the first refresh.
      for (const table of Object.keys(tables))
        requireMethods(set[table], TABLE_METHODS, `stores.${name}.${table}`, 'a table');
      if (set.transaction !== undefined && typeof set.transaction !== 'function')
        throw bad(`stores.${name}.transaction`, 'must be a function');
    }
  }
  if (cache !== undefined) {
    if (!isObject(cache)) throw bad('cache', 'must be an object ({ store? })');
    // A store missing a method would throw a raw TypeError at the first cached read, or in stats().
    if (cache.store !== undefined) {
      requireMethods(cache.store, CACHE_STORE_METHODS, 'cache.store', 'a CacheStore', 'an object with ');
      // A member present but not callable would fail every cached read (coordinate) or the construction (onInvalidate).
      const store = cache.store as Record<string, unknown>;
      for (const member of CACHE_STORE_OPTIONAL)
        if (store[member] !== undefined && typeof store[member] !== 'function')
          throw bad(`cache.store.${member}`, 'must be a function (or left out)');
    }
  }
  if (clock !== undefined) {
    // Asked once here: a clock that does not tell epoch ms fails every read with a raw RangeError later.
    let now: unknown;
    try {
      now = isObject(clock) && typeof clock.now === 'function' ? (clock.now as () => unknown).call(clock) : undefined;
    } catch (error) {
      throw bad('clock', `must be a Clock: its now() threw (${describeError(error, { name: false })})`);
    }
    // The range the engines' guard accepts (what a Date holds): a clock past it would fail every read.
    if (typeof now !== 'number' || !(Math.abs(now) <= 8.64e15))
      throw bad('clock', 'must be a Clock (an object with now(): epoch ms a Date holds, a finite number)');
  }
  if (options.logger !== undefined && options.logger !== null && !isObject(options.logger))
    throw bad('logger', 'must be a pino-compatible logger object (info, warn, error...)');
  for (const hook of ['onSourceCall', 'onCacheEvent', 'onProgress'] as const)
    if (options[hook] !== undefined && typeof options[hook] !== 'function') throw bad(hook, 'must be a function');
  // Read here, inside the guard, so a getter that throws is CONFIG_INVALID rather than a raw error below.
  void options.config;
  void options.hostFeatures;
}

/** How often a radar removes cache entries past their grace (the seed's "every 5 minutes"). */
const CACHE_SWEEP_MS = 5 * 60_000;

/**
 * Creates a radar over the host's sources.
 * @example
 * ```ts
 * import { createSceneRadar } from 'scene-radar';
 * import { createDemoWorld } from 'scene-radar/adapters/memory';
 *
 * const world = createDemoWorld();
 * const radar = createSceneRadar({ sources: world.sources });
 * await radar.scenes.importCatalog(world.catalog);
 * await radar.refresh();
 * console.log((await radar.scenes.pulse.getGlobalPulse()).hottest.map((p) => p.scene_slug));
 * await radar.close();
 * ```
 */
export function createSceneRadar(options: SceneRadarOptions): SceneRadar {
  checkRadarOptions(options);
  // Frozen all through: it is handed out (`radar.config`, to read-only products too), and the
  // engines read it live, so an edit through it would change the host's caps and lifetimes.
  const config = deepFreezeAll(resolveConfig(options.config));
  // The host's clock as given (`radar.clock`); the engines read it through a guard, so a clock that
  // breaks after this check (throws, answers NaN) fails a read with CONFIG_INVALID, not a raw error.
  const hostClock = options.clock ?? systemClock;
  const clock = options.clock === undefined ? systemClock : guardedClock(options.clock);
  const logger = safeLogger(options.logger);
  const onCacheEvent = options.onCacheEvent;
  const logCacheEvent = logger.enabled ? cacheEventLogger(logger) : undefined;
  // Every memo of the radar is a cache of this group: one clock, one bound, one event hook, and
  // their counters summed for stats(). Only results that mean the same to every instance use the
  // host's shared store; the others hold live objects or this process's state.
  const caches = new CacheGroup({
    clock,
    maxEntries: config.cache.maxEntries,
    storeTimeoutMs: config.cache.storeTimeoutMs,
    ...(options.cache?.store ? { store: options.cache.store } : {}),
    // Values shared with other instances are keyed by version: a rolling deploy never serves one
    // instance's value, in its version's shape, from another.
    sharedTag: SDK_VERSION,
    ...(onCacheEvent || logCacheEvent
      ? {
          onEvent: (event: CacheEvent) => {
            callHook(logCacheEvent, event);
            callHook(onCacheEvent, event);
          },
        }
      : {}),
  });
  // The seed's "cache cleanup every 5 minutes (automatic)": entries past their grace, which are
  // never served again, leave the caches' own stores (expiry itself is checked on every read; the
  // LRU bound caps the memory meanwhile). Unref'd: it never keeps a host's process alive.
  // A sweep that fails (a host clock broken since: CONFIG_INVALID) waits for the next one: thrown
  // from a timer, it would end the host's process.
  const sweeper = setInterval(() => {
    try {
      caches.sweep();
    } catch (error) {
      logger.log('warn', { err: error }, 'scene-radar: the cache sweep failed; the next one tries again');
    }
  }, CACHE_SWEEP_MS);
  sweeper.unref();
  // One gateway, so each source's concurrency limit holds across both engines. The host's
  // \`sources.scenes\` is not used here: the Talent Radar reads this radar's own Scenes Engine.
  const { scenes: _hostScenes, ...hostSources } = options.sources;
  let scenesAdapterRef: ScenesAdapter | undefined;
  const lazyScenes: ScenesAdapter = {
    getMemberships: (slugs, o) => scenesAdapterRef!.getMemberships(slugs, o),
    getScenePulses: (slugs, o) => scenesAdapterRef!.getScenePulses(slugs, o),
    listHottestScenes: (q, o) => scenesAdapterRef!.listHottestScenes(q, o),
  };
  // Every source call is counted for stats() and handed to the host's hook.
  const operations = new OperationStats();
  const onSourceCall = options.onSourceCall;
  const logSourceCall = logger.enabled ? sourceFailureLogger(logger) : undefined;
  const observer: RadarObserver = {
    logger,
    onProgress: options.onProgress,
    phaseDone: (engine, phase, ms, ok) => operations.refresh(`${engine}.${phase}`, ms, ok),
  };
  const gateway = createSourceGateway({
    sources: { ...hostSources, scenes: lazyScenes },
    config,
    clock,
    onEvent: (event) => {
      operations.sourceCall(event.source, event.method, event.keys, event.result, event.durationMs);
      callHook(logSourceCall, event);
      callHook(onSourceCall, event);
    },
  });
  // The Scenes Engine reads MIG, CMG and Fusion only (seed section 3): its view sees nothing else.
  const scenesGateway = scopedGateway(gateway, ['mig', 'cmg', 'fusion'], config);
  const cache = caches.cache<unknown>('scenes', {
    ttlMs: config.scenes.scenePulseTtlMs,
    graceMs: config.cache.staleGraceMs,
    shared: true,
    // Results shared by every caller (the HTTP kit, the read-only facade, the host's own code).
    freezeValues: true,
  });
  // Values hold scratch tables: a few, local.
  const replayCache = caches.cache<unknown>('scenes-replays', { ttlMs: Number.POSITIVE_INFINITY, maxEntries: 4 });
  // Keys name this engine's refresh instant: local.
  // Frozen: one reader's edit of a pulse summary must not reach the next (the Talent Radar).
  const asOfCache = caches.cache<unknown>('scenes-as-of', { ttlMs: Number.POSITIVE_INFINITY, freezeValues: true });
  // One open/closed flag for every part: after close(), every call rejects with RADAR_CLOSED.
  const lifecycle = new Lifecycle();
  const scenes = new ScenesEngine({
    stores: options.stores?.scenes ?? memoryScenesStores(),
    gateway: scenesGateway,
    config,
    clock,
    cache,
    replayCache,
    lifecycle,
    observer,
  });
  const scenesAdapter = scenesAdapterFor(scenes, { config, clock, cache: asOfCache });
  scenesAdapterRef = scenesAdapter;
  const talentCache = caches.cache<unknown>('talent', {
    ttlMs: config.talent.globalPulseTtlMs,
    graceMs: config.cache.staleGraceMs,
    shared: true,
    // Results shared by every caller (the HTTP kit, the read-only facade, the host's own code).
    freezeValues: true,
  });
  const talent = new TalentRadar({
    stores: options.stores?.talent ?? memoryTalentStores(),
    gateway,
    config,
    clock,
    cache: talentCache,
    hostFeatures: options.hostFeatures ?? [],
    lifecycle,
    observer,
  });
  const readOnly = readOnlyTalentRadar(talent.aggregator);
  // The Talent pulse shows the hottest scenes, a profile its scene's pulse: when the Scenes
  // Engine's tables change (a scenes refresh, a catalog import) they are forgotten with the scene
  // pulses (their last good values stay), as the Talent Radar's own refresh forgets them.
  const stopWatchingScenes = onTablesChange(scenes, () => {
    if (!closed) talent.aggregator.clearCache(undefined, { keepLastGood: true }).catch(() => undefined);
  });
  let closed = false;
  return {
    config,
    clock: hostClock,
    scenes,
    scenesAdapter,
    talent,
    readOnly,
    async refresh(asOf, refreshOptions) {
      // One copy of the instant, taken before any await: a caller reusing its Date cannot move the
      // second engine's. Checked inside the timed run, so that a refused refresh is counted and traced.
      // The label is the instant the engines will refresh as of (text and epoch numbers read as
      // `requireDate` reads them), or invalid for one they refuse.
      let label: Date;
      // Without an instant given, a clock that fails (CONFIG_INVALID through its guard) is the
      // refresh's error, not an invalid asOf the caller never passed.
      let clockFailure: unknown;
      try {
        label =
          asOf === undefined
            ? new Date(clock.now())
            : requireDate(asOf, 'asOf', new Date(Number.NaN), 'SCENES_VALIDATION_ERROR');
      } catch (error) {
        label = new Date(Number.NaN);
        if (asOf === undefined) clockFailure = error;
      }
      const given = asOf === undefined || !Number.isNaN(label.getTime()) ? label : asOf;
      return timedRefresh(
        operations,
        'radar',
        label,
        async () => {
          // A closed radar says so first, whatever its clock does.
          if (clockFailure !== undefined) {
            lifecycle.assertOpen('refresh');
            throw clockFailure;
          }
          const at = requireDate(given, 'asOf', label, 'SCENES_VALIDATION_ERROR');
          // The options read once, refused as the engines refuse them.
          const o = requireOptions(refreshOptions, 'options', 'SCENES_VALIDATION_ERROR');
          let onProgress: unknown;
          let signal: unknown;
          try {
            ({ onProgress, signal } = o as { onProgress?: unknown; signal?: unknown });
          } catch {
            throw new SceneRadarError('SCENES_VALIDATION_ERROR', 'refresh: the options cannot be read', {
              details: [{ code: 'invalid_type', path: ['options'], message: 'The options cannot be read' }],
            });
          }
          if (signal !== undefined && !(signal instanceof AbortSignal))
            throw new SceneRadarError('SCENES_VALIDATION_ERROR', 'signal must be an AbortSignal', {
              details: [{ code: 'invalid_type', path: ['signal'], message: 'Expected an AbortSignal' }],
            });
          const per = onProgress ? { onProgress: onProgress as ProgressOptions['onProgress'] } : {};
          // What either engine would refuse (its instant, an aborted signal) is refused before
          // the Scenes Engine writes anything.
          // Each bounded by the signal and close(): a stalled table must not hold the refresh.
          await lifecycle.untilStopped(
            scenes.checkRefresh(at),
            'refresh',
            signal,
            () =>
              new SceneRadarError('TALENT_TIMEOUT', 'The refresh was aborted before it began; nothing was written', {
                cause: signal?.reason,
              }),
          );
          await talent.checkRefresh(at, signal);
          // The signal also ends the Scenes Engine's wait for a refresh before it (its code is
          // this call's, TALENT_TIMEOUT, as for an abort anywhere else before the writes).
          const scenesReport = await timedRefresh(operations, 'scenes', at, () =>
            scenes.refresh(at, signal ? { ...per, signal } : per).catch((error: unknown) => {
              if (isSceneRadarError(error) && error.code === 'SCENES_TIMEOUT' && signal?.aborted)
                throw new SceneRadarError(
                  'TALENT_TIMEOUT',
                  `The refresh was aborted before the Scenes Engine wrote anything (${error.message}); nothing was written`,
                  { cause: signal.reason },
                );
              throw error;
            }),
          );
          const talentReport = await timedRefresh(operations, 'talent', at, () =>
            talent.refresh(at, signal ? { ...per, signal } : per),
          );
          return { scenes: scenesReport, talent: talentReport };
        },
        logger.enabled ? logger : undefined,
      );
    },
    stats: () => ({ cache: caches.stats(), sources: operations.sources(), refresh: operations.refreshes() }),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      stopWatchingScenes();
      lifecycle.close();
      gateway.close();
      scenesGateway.close();
      // Together: each waits at most cache.storeTimeoutMs on a host's cache store that stalls.
      await Promise.all([scenes.close(), talent.close(), caches.close()]);
    },
  };
}

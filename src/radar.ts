/**
 * @module radar
 * One entry point: `createSceneRadar` wires the engines over the host's sources, stores, cache and
 * clock. The Scenes Engine sees MIG, CMG and Fusion; the Talent Radar sees every source, and reads
 * scenes only through the Scenes Engine's `ScenesAdapter`. Both share one gateway, so a source's
 * concurrency limit holds across engines.
 */
import type { CacheEvent } from './core/cache/cache.js';
import { CacheGroup, type CacheGroupStats } from './core/cache/cache-group.js';
import type { CacheStore } from './core/cache/cache-store.js';
import { systemClock, type Clock } from './core/clock.js';
import { callHook } from './core/hooks.js';
import { Lifecycle } from './core/lifecycle.js';
import { channels, traced, type RefreshContext } from './core/observe/channels.js';
import { OperationStats, type RefreshStats, type SourceCallStats } from './core/observe/stats.js';
import { createSourceGateway, type SourceCallEvent } from './core/gateway/gateway.js';
import { scopedGateway } from './core/gateway/scoped.js';
import type { SceneRadarSources, ScenesAdapter } from './contracts/sources.js';
import { resolveConfig, type SceneRadarConfig, type SceneRadarConfigInput } from './config.js';
import { ScenesEngine, type ScenesRefreshReport } from './scenes/engine.js';
import { scenesAdapterFor } from './scenes/scenes-adapter.js';
import { memoryScenesStores, memoryTalentStores } from './stores/memory-table.js';
import type { ScenesStores, TalentStores } from './stores/specs.js';
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
  /** Cache store shared by the engines (keys are namespaced). @default an in-memory LRU per engine */
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
  /** Refreshes through {@link SceneRadar.refresh}, by engine (`radar`, `scenes`, `talent`): count, failures, durations. */
  readonly refresh: Readonly<Record<string, RefreshStats>>;
}

/** A wired radar. */
export interface SceneRadar {
  /** The resolved configuration. */
  readonly config: SceneRadarConfig;
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
   * trend snapshots, then every artist's Talent Radar record.
   */
  refresh(asOf?: Date): Promise<SceneRadarRefreshReport>;
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
): Promise<T> {
  const started = performance.now();
  // An invalid instant is the engine's to refuse (with its code): the context must not throw first.
  const context: RefreshContext = {
    engine,
    phase: 'all',
    asOf: at instanceof Date && !Number.isNaN(at.getTime()) ? at.toISOString() : 'invalid',
  };
  return traced(channels.refresh, context, async () => {
    let ok = false;
    try {
      const report = await work();
      ok = true;
      const artists = (report as { artists?: unknown }).artists;
      if (typeof artists === 'number') context.artists = artists;
      return report;
    } finally {
      const ms = performance.now() - started;
      context.durationMs = ms;
      operations.refresh(engine, ms, ok);
    }
  });
}

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
  const config = resolveConfig(options.config);
  const clock = options.clock ?? systemClock;
  // Every memo of the radar is a cache of this group: one clock, one bound, one event hook, and
  // their counters summed for stats(). Only results that mean the same to every instance use the
  // host's shared store; the others hold live objects or this process's state.
  const caches = new CacheGroup({
    clock,
    maxEntries: config.cache.maxEntries,
    ...(options.cache?.store ? { store: options.cache.store } : {}),
    ...(options.onCacheEvent ? { onEvent: options.onCacheEvent } : {}),
  });
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
  const gateway = createSourceGateway({
    sources: { ...hostSources, scenes: lazyScenes },
    config,
    clock,
    onEvent: (event) => {
      operations.sourceCall(event.source, event.method, event.keys, event.result, event.durationMs);
      callHook(onSourceCall, event);
    },
  });
  // The Scenes Engine reads MIG, CMG and Fusion only (seed section 3): its view sees nothing else.
  const scenesGateway = scopedGateway(gateway, ['mig', 'cmg', 'fusion'], config);
  const cache = caches.cache<unknown>('scenes', {
    ttlMs: config.scenes.scenePulseTtlMs,
    graceMs: config.cache.staleGraceMs,
    shared: true,
  });
  // Values hold scratch tables: a few, local.
  const replayCache = caches.cache<unknown>('scenes-replays', { ttlMs: Number.POSITIVE_INFINITY, maxEntries: 4 });
  // Keys name this engine's refresh instant: local.
  const asOfCache = caches.cache<unknown>('scenes-as-of', { ttlMs: Number.POSITIVE_INFINITY });
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
  });
  const scenesAdapter = scenesAdapterFor(scenes, { config, clock, cache: asOfCache });
  scenesAdapterRef = scenesAdapter;
  const talentCache = caches.cache<unknown>('talent', {
    ttlMs: config.talent.globalPulseTtlMs,
    graceMs: config.cache.staleGraceMs,
    shared: true,
  });
  const talent = new TalentRadar({
    stores: options.stores?.talent ?? memoryTalentStores(),
    gateway,
    config,
    clock,
    cache: talentCache,
    hostFeatures: options.hostFeatures ?? [],
    lifecycle,
  });
  const readOnly = readOnlyTalentRadar(talent.aggregator);
  let closed = false;
  return {
    config,
    scenes,
    scenesAdapter,
    talent,
    readOnly,
    async refresh(asOf) {
      const at = asOf ?? new Date(clock.now());
      return timedRefresh(operations, 'radar', at, async () => {
        const scenesReport = await timedRefresh(operations, 'scenes', at, () => scenes.refresh(at));
        const talentReport = await timedRefresh(operations, 'talent', at, () => talent.refresh(at));
        return { scenes: scenesReport, talent: talentReport };
      });
    },
    stats: () => ({ cache: caches.stats(), sources: operations.sources(), refresh: operations.refreshes() }),
    async close() {
      if (closed) return;
      closed = true;
      lifecycle.close();
      gateway.close();
      scenesGateway.close();
      await scenes.close();
      await talent.close();
      await caches.close();
    },
  };
}

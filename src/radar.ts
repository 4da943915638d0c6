/**
 * @module radar
 * One entry point: `createSceneRadar` wires the engines over the host's sources, stores, cache and
 * clock. The Talent Radar joins in a later release, reading scenes only through `ScenesAdapter`.
 */
import { Cache } from './core/cache/cache.js';
import type { CacheStore } from './core/cache/cache-store.js';
import { systemClock, type Clock } from './core/clock.js';
import { createSourceGateway, type SourceCallEvent } from './core/gateway/gateway.js';
import type { SceneRadarSources, ScenesAdapter } from './contracts/sources.js';
import { resolveConfig, type SceneRadarConfig, type SceneRadarConfigInput } from './config.js';
import { ScenesEngine, type ScenesRefreshReport } from './scenes/engine.js';
import { scenesAdapterFor } from './scenes/scenes-adapter.js';
import { memoryScenesStores } from './stores/memory-table.js';
import type { ScenesStores } from './stores/specs.js';

/** Owned tables of the engines, in {@link SceneRadarOptions.stores}. */
export interface SceneRadarStoreOptions {
  /** The Scenes Engine's tables. @default in-memory tables */
  readonly scenes?: ScenesStores;
}

/** Cache settings, in {@link SceneRadarOptions.cache}. */
export interface SceneRadarCacheOptions {
  /** Cache store shared by the engines (keys are namespaced). @default an in-memory LRU per engine */
  readonly store?: CacheStore<unknown>;
}

/** What {@link SceneRadar.refresh} did, by engine. */
export interface SceneRadarRefreshReport {
  /** The Scenes Engine's refresh. */
  scenes: ScenesRefreshReport;
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
}

/** A wired radar. */
export interface SceneRadar {
  /** The resolved configuration. */
  readonly config: SceneRadarConfig;
  /** The Scenes Engine. */
  readonly scenes: ScenesEngine;
  /** The Scenes Engine as a `ScenesAdapter` (what the Talent Radar reads). */
  readonly scenesAdapter: ScenesAdapter;
  /** Recomputes memberships, relationships and trend snapshots as of `asOf` (default now). */
  refresh(asOf?: Date): Promise<SceneRadarRefreshReport>;
  /** Aborts source calls in flight and releases caches. */
  close(): Promise<void>;
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
  // The Scenes Engine reads MIG, CMG and Fusion only (seed section 3): its gateway sees nothing else.
  const { mig, cmg, fusion } = options.sources;
  const gateway = createSourceGateway({ sources: { mig, cmg, fusion }, config, clock, onEvent: options.onSourceCall });
  const cache = new Cache<unknown>({ ttlMs: config.scenes.scenePulseTtlMs, graceMs: config.cache.staleGraceMs, maxEntries: config.cache.maxEntries, clock, namespace: 'scenes:', ...(options.cache?.store ? { store: options.cache.store } : {}) });
  const scenes = new ScenesEngine({ stores: options.stores?.scenes ?? memoryScenesStores(), gateway, config, clock, cache });
  const scenesAdapter = scenesAdapterFor(scenes, { config, clock });
  let closed = false;
  return {
    config,
    scenes,
    scenesAdapter,
    async refresh(asOf) {
      return { scenes: await scenes.refresh(asOf) };
    },
    async close() {
      if (closed) return;
      closed = true;
      gateway.close();
      await scenes.close();
    },
  };
}

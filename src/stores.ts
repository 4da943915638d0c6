/**
 * @module scene-radar/stores
 * The storage contracts behind a radar, for a host that keeps state in its own database or cache:
 * the owned tables (`scenes_*`, `talent_radar_*`: their specs, row schemas and the `Table`
 * interface a store implements), the in-memory tables the embedded default uses, and the cache
 * store contract (`CacheStore`, with the in-process LRU default), the radar's cache and store options
 * and the parts of `radar.stats()`. `scene-radar/testing` runs a
 * store through the conformance suites.
 * @example
 * ```ts
 * import { createSceneRadar } from 'scene-radar';
 * import { memoryScenesStores, memoryTalentStores } from 'scene-radar/stores';
 * const radar = createSceneRadar({ sources, stores: { scenes: memoryScenesStores(), talent: memoryTalentStores() } });
 * ```
 */
export * from './stores/table.js';
export * from './stores/tables.js';
export * from './stores/specs.js';
export * from './stores/memory-table.js';
export {
  lruCacheStore,
  type CacheEntry,
  type CacheStore,
  type CoordinateOptions,
  type LruCacheStoreOptions,
  type MaybePromise,
} from './core/cache/cache-store.js';
export type { CacheGroupStats, CacheNamespaceStats } from './core/cache/cache-group.js';
export type { CacheStats } from './core/cache/cache.js';
export type { SceneRadarCacheOptions, SceneRadarStoreOptions } from './radar.js';

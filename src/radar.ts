/**
 * @module radar
 * One entry point: `createSceneRadar` wires the engines over the host's sources, stores, cache and
 * clock. The Scenes Engine sees MIG, CMG and Fusion; the Talent Radar sees every source, and reads
 * scenes only through the Scenes Engine's `ScenesAdapter`. Both share one gateway, so a source's
 * concurrency limit holds across engines.
 */
import { Cache } from './core/cache/cache.js';
import type { CacheStore } from './core/cache/cache-store.js';
import { systemClock, type Clock } from './core/clock.js';
import { Lifecycle } from './core/lifecycle.js';
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

/** Owned tables of the engines, in {@link SceneRadarOptions.stores}. */
export interface SceneRadarStoreOptions {
  /** The Scenes Engine's tables. @default in-memory tables */
  readonly scenes?: ScenesStores;
  /** The Talent Radar's tables. @default in-memory tables */
  readonly talent?: TalentStores;
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
  /** The host's own signals for the breakout model (see `HostFeature`; checked here: `CONFIG_INVALID`). @default [] */
  readonly hostFeatures?: readonly HostFeature[];
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
  const sharedStore = options.cache?.store ? { store: options.cache.store } : {};
  // One gateway, so each source's concurrency limit holds across both engines. The host's
  // \`sources.scenes\` is not used here: the Talent Radar reads this radar's own Scenes Engine.
  const { scenes: _hostScenes, ...hostSources } = options.sources;
  let scenesAdapterRef: ScenesAdapter | undefined;
  const lazyScenes: ScenesAdapter = {
    getMemberships: (slugs, o) => scenesAdapterRef!.getMemberships(slugs, o),
    getScenePulses: (slugs, o) => scenesAdapterRef!.getScenePulses(slugs, o),
    listHottestScenes: (q, o) => scenesAdapterRef!.listHottestScenes(q, o),
  };
  const gateway = createSourceGateway({
    sources: { ...hostSources, scenes: lazyScenes },
    config,
    clock,
    onEvent: options.onSourceCall,
  });
  // The Scenes Engine reads MIG, CMG and Fusion only (seed section 3): its view sees nothing else.
  const scenesGateway = scopedGateway(gateway, ['mig', 'cmg', 'fusion'], config);
  const cache = new Cache<unknown>({
    ttlMs: config.scenes.scenePulseTtlMs,
    graceMs: config.cache.staleGraceMs,
    maxEntries: config.cache.maxEntries,
    clock,
    namespace: 'scenes:',
    ...sharedStore,
  });
  // One open/closed flag for every part: after close(), every call rejects with RADAR_CLOSED.
  const lifecycle = new Lifecycle();
  const scenes = new ScenesEngine({
    stores: options.stores?.scenes ?? memoryScenesStores(),
    gateway: scenesGateway,
    config,
    clock,
    cache,
    lifecycle,
  });
  const scenesAdapter = scenesAdapterFor(scenes, { config, clock });
  scenesAdapterRef = scenesAdapter;
  const talentCache = new Cache<unknown>({
    ttlMs: config.talent.globalPulseTtlMs,
    graceMs: config.cache.staleGraceMs,
    maxEntries: config.cache.maxEntries,
    clock,
    namespace: 'talent:',
    ...sharedStore,
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
      const scenesReport = await scenes.refresh(at);
      return { scenes: scenesReport, talent: await talent.refresh(at) };
    },
    async close() {
      if (closed) return;
      closed = true;
      lifecycle.close();
      gateway.close();
      scenesGateway.close();
      await scenes.close();
      await talent.close();
      await talentCache.close();
    },
  };
}

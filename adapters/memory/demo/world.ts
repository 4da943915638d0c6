/**
 * @module adapters/memory/demo/world
 * `createDemoWorld`: a deterministic, seeded world of scenes and artists that exercises every
 * source contract, with its ground truth. Building it computes only the catalog, the scene heat
 * curves and the pools; artist headers are computed on first use, the collaboration graph on the
 * first history, and full histories on demand (kept in a bounded LRU).
 */
import type { ScenePulseSummary, Workspace } from '../../../src/contracts/payloads.js';
import type { SceneRadarSources } from '../../../src/contracts/sources.js';
import { BoundedLru } from '../../../src/core/cache/bounded-lru.js';
import { deepFreeze } from '../../../src/core/freeze.js';
import { addDays, dayStart, lastCompleteDay, daysBetween } from '../../../src/core/time.js';
import type { MicrogenreRow, SceneRow } from '../../../src/stores/tables.js';
import type { ArtistHistory, MemoryDataset } from '../dataset.js';
import { createMemorySources } from '../sources.js';
import { createArtistHeaders } from './artist-headers.js';
import { artistRecord, renderHistory } from './artist-history.js';
import { simulateArtist, type ArtistSim } from './artist-sim.js';
import { buildCatalog } from './catalog.js';
import { slugOf, type WorldContext } from './context.js';
import { createNameGenerator } from './names.js';
import { buildCollaborationGraph, type CollaborationGraph } from './network.js';
import { resolveDemoWorldOptions, type DemoWorldOptions } from './options.js';
import { buildPools } from './pools.js';
import { heatAt, simulateSceneHeat, stageAt } from './scene-heat.js';
import { createTruth, type DemoTruth } from './truth.js';
import { buildWorkspaces } from './workspaces.js';

/** What a demo world reports about its own laziness (for tests and benchmarks). */
export interface DemoWorldStats {
  /** Artist headers computed so far. */
  readonly headersComputed: number;
  /** Bytes held by the header arrays. */
  readonly headerBytes: number;
  /** Artist simulations run so far (histories and truths). */
  readonly simulations: number;
  /** Full histories rendered so far. */
  readonly historiesGenerated: number;
  /** Histories currently in the LRU. */
  readonly historiesCached: number;
  /** Whether the collaboration graph has been built. */
  readonly networkBuilt: boolean;
  /** Collaborations in the graph (0 until built). */
  readonly collaborations: number;
}

/** A demo world: sources, the dataset they serve, the ground truth, catalog and workspaces. */
export interface DemoWorld {
  /** Every source contract, over {@link DemoWorld.dataset}. */
  readonly sources: Required<SceneRadarSources>;
  /** The dataset the sources serve. */
  readonly dataset: MemoryDataset;
  /** Ground truth. */
  readonly truth: DemoTruth;
  /** Scene and microgenre rows (`updated_at` = the world's start instant). */
  readonly catalog: {
    /** `scenes` rows, in catalog order (`indie-uk-brighton` first). */
    readonly scenes: readonly SceneRow[];
    /** `microgenres` rows of every microgenre the scenes use. */
    readonly microgenres: readonly MicrogenreRow[];
  };
  /** Three workspaces with focus scenes, microgenres, regions and a roster. */
  readonly workspaces: readonly Workspace[];
  /** The resolved parameters of the world. */
  readonly info: {
    /** World seed. */
    readonly seed: number;
    /** Number of artists. */
    readonly artists: number;
    /** First day of the window, `YYYY-MM-DD` (`end - days + 1`). */
    readonly start: string;
    /** Last day of the window, `YYYY-MM-DD`. */
    readonly end: string;
    /** Days in the window. */
    readonly days: number;
  };
  /** Laziness counters. */
  stats(): DemoWorldStats;
}

/**
 * Creates a deterministic demo world. Same options, byte-identical data.
 * @example
 * ```ts
 * const world = createDemoWorld({ seed: 42, artists: 300, end: '2025-06-30' });
 * const asOf = new Date('2025-06-01T00:00:00Z');
 * const signal = new AbortController().signal;
 * const page = await world.sources.mig.listArtists({ limit: 10 }, { asOf, signal });
 * const slugs = page.items.map((a) => a.slug);
 * const engagement = await world.sources.fusion.getEngagement(slugs, { asOf, signal, from: new Date('2025-03-01T00:00:00Z') });
 * world.truth.summary().careers.breakout; // how many artists were steered to break out
 * ```
 */
export function createDemoWorld(options: DemoWorldOptions = {}): DemoWorld {
  const o = resolveDemoWorldOptions(options);
  const start = addDays(o.end, -(o.days - 1));
  const startMs = dayStart(start);
  const updatedAt = new Date(startMs).toISOString();
  const catalog = buildCatalog(o.scenes, updatedAt);
  const heat = catalog.scenes.map((s) => simulateSceneHeat(o.seed, s.index, o.days));
  const headers = createArtistHeaders({ seed: o.seed, size: o.artists, days: o.days, scenes: catalog.scenes, heat });
  let graph: CollaborationGraph | undefined;
  const ctx: WorldContext = {
    seed: o.seed,
    size: o.artists,
    days: o.days,
    start,
    end: o.end,
    startMs,
    startDow: new Date(startMs).getUTCDay(),
    catalog,
    heat,
    headers,
    pools: buildPools(o.seed, catalog.scenes),
    names: createNameGenerator(o.seed),
    network: () => (graph ??= buildCollaborationGraph(o.seed, headers, catalog.scenes.length, o.days)),
  };

  let simulations = 0;
  let historiesGenerated = 0;
  const simulate = (i: number): ArtistSim => {
    simulations++;
    return simulateArtist(ctx, i);
  };
  // Exactly `historyCacheSize` at most (quick-lru, used before, kept up to twice its bound).
  const histories = new BoundedLru<number, ArtistHistory>({ maxSize: o.historyCacheSize });
  const history = (i: number): ArtistHistory => {
    const hit = histories.get(i);
    if (hit) return hit;
    // Frozen: the sources hand out its parts, and a caller's edit must not change later answers.
    const h = deepFreeze(renderHistory(ctx, simulate(i)));
    historiesGenerated++;
    histories.set(i, h);
    return h;
  };

  let slugList: string[] | undefined;
  let slugIndex: Map<string, number> | undefined;
  const slugs = (): string[] => {
    slugList ??= Object.freeze(Array.from({ length: o.artists }, (_, i) => slugOf(ctx, i))) as string[];
    return slugList;
  };
  const indexOf = (slug: string): number | undefined => {
    slugIndex ??= new Map(slugs().map((s, i) => [s, i]));
    return slugIndex.get(slug);
  };

  const workspaces = deepFreeze(buildWorkspaces(ctx));
  const workspaceById = new Map(workspaces.map((w) => [w.id.toLowerCase(), w]));

  const dataset: MemoryDataset = {
    artistSlugs: () => slugs(),
    artistRecord(slug) {
      const i = indexOf(slug);
      return i === undefined ? undefined : artistRecord(ctx, i);
    },
    artistHistory(slug) {
      const i = indexOf(slug);
      return i === undefined ? undefined : history(i);
    },
    sceneSlugs: () => catalog.scenes.map((s) => s.slug),
    scenePulse(sceneSlug, asOf) {
      const s = catalog.sceneIndex.get(sceneSlug);
      const asOfMs = asOf.getTime();
      if (s === undefined || !Number.isFinite(asOfMs)) return undefined;
      const t = Math.min(o.days - 1, daysBetween(start, lastCompleteDay(asOfMs)));
      if (t < 0) return undefined;
      const curve = heat[s]!;
      const now = heatAt(curve, t);
      const before = heatAt(curve, t - 30);
      const pulse: ScenePulseSummary = {
        sceneSlug,
        heat: now,
        growth: Math.round((now / before - 1) * 10_000) / 10_000,
        stage: stageAt(curve, t),
        asOf: asOf.toISOString(),
      };
      return pulse;
    },
    workspace: (id) => workspaceById.get(id.toLowerCase()),
  };

  return {
    sources: createMemorySources(dataset),
    dataset,
    truth: createTruth(ctx, simulate, indexOf),
    catalog: { scenes: catalog.sceneRows, microgenres: catalog.microgenreRows },
    workspaces,
    info: { seed: o.seed, artists: o.artists, start, end: o.end, days: o.days },
    stats: () => ({
      headersComputed: headers.computed(),
      headerBytes: headers.bytes,
      simulations,
      historiesGenerated,
      historiesCached: histories.size,
      networkBuilt: graph !== undefined,
      collaborations: graph?.edges ?? 0,
    }),
  };
}

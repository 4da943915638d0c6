/**
 * @module scenes/scene-pulse
 * ScenePulse (the seed's class): pulses of one scene, of a batch, of a region and of the whole
 * catalog, cached per the seed's TTLs with single-flight and grace from the core cache.
 *
 * Scenes asked for in the same tick are computed together: their members are read from each
 * source in one gateway batch (split only by the source's own batch size), so a batch-capable
 * source is called about once for 100 scenes, and a per-item source is kept at its concurrency
 * limit. The batch shares one deadline; when it passes, the scenes that finished are returned and
 * the others are marked `timeout` (or `stale`, with the last good pulse).
 */
import type { EngagementSeries, ArtistNetwork } from '../contracts/payloads.js';
import type { SourceName } from '../contracts/sources.js';
import type { Cache } from '../core/cache/cache.js';
import { describeError, failureReason } from '../core/describe-error.js';
import { Lifecycle } from '../core/lifecycle.js';
import type { Clock } from '../core/clock.js';
import { SceneRadarError, isSceneRadarError, isStoreFailure } from '../core/errors.js';
import { topK } from '../core/features/stats.js';
import { parseInstant } from '../core/time.js';
import { createDeadline, untilAborted, type Deadline } from '../core/gateway/deadline.js';
import type { SourceGateway } from '../core/gateway/gateway.js';
import { countOutcomes, type ItemOutcome } from '../core/gateway/outcome.js';
import { createLimit } from '../core/limit.js';
import { yieldSlice } from '../core/yield.js';
import type { SceneRadarConfig } from '../config.js';
import type { ScenesStores } from '../stores/specs.js';
import { computePulse, type PulseMember } from './pulse-math.js';
import type { SceneBatchItem, ScenePulseSnapshot as Pulse } from './types.js';
import type { GlobalScenePulse, GlobalScenePulseSummary, RegionalScenePulse, SceneRegionCount } from './schemas.js';
import { EMPTY_CATALOG_NOTE } from './catalog.js';
import { readScenesState } from './scenes-state.js';
import { readOptionKeys, requireSlug } from './validation.js';
import {
  GlobalScenePulseRequestSchema,
  hasOption,
  optionsOf,
  RegionalPulseRequestSchema,
  RegionParamsRequestSchema,
  SceneSlugsRequestSchema,
  ScenePulseRequestSchema,
  SlugParamsRequestSchema,
  validateRequest,
  withinCap,
} from '../core/requests.js';

// The result types are inferred from their schemas (scenes/schemas); re-exported here, where they were declared.

export type { GlobalScenePulse, GlobalScenePulseSummary, RegionalScenePulse };

/**
 * Whether a pulse's heat was computed with less than the host's sources can give: a read failed or
 * was late, memberships were never computed, the refresh behind them could not place some artists
 * (the pulse's status says so), or it is a last good pulse served stale. A source the
 * host does not have is its standing configuration, not a degradation (the Talent Radar notes its
 * own failures the same way); the pulse's own `sources` say which were absent. What a pulse's
 * `status` and the ScenesAdapter's summaries call degraded (with a stale pulse), and what keeps a
 * refresh from writing a trend row.
 */
export function lessThanTheHostHas(p: Pulse): boolean {
  if (p.stale !== undefined || p.memberships_as_of === null || p.status === 'degraded') return true;
  for (const counts of Object.values(p.sources)) if (counts && counts.error + counts.timeout > 0) return true;
  return false;
}

/** What the pulse needs from its host engine. */
export interface ScenePulseDeps {
  /** The Scenes Engine's tables. */
  readonly stores: ScenesStores;
  /** The source gateway. */
  readonly gateway: SourceGateway;
  /** Resolved configuration. */
  readonly config: SceneRadarConfig;
  /** Clock ("now" is the as-of of live pulses). */
  readonly clock: Clock;
  /** Cache for pulses (single-flight, grace) and each scene's last good pulse (the fallback when a computation fails). */
  readonly cache: Cache<unknown>;
  /**
   * As-of instant of the membership refresh the stored memberships come from (epoch ms), or null
   * when they were never computed. Given `seenMs`, the `as_of` of a membership row just read: a
   * value it remembered from before that instant is stale (another instance over the same stores
   * refreshed since) and is read again. @default the state row's (`stores.scenes_state`), or in
   * stores without one the latest `as_of` in `stores.scene_memberships`
   */
  readonly membershipsAsOf?: (seenMs?: number) => Promise<number | null>;
  /** Open/closed flag shared with the other parts of the radar (calls after `close()` reject with `RADAR_CLOSED`). @default a flag of its own */
  readonly lifecycle?: Lifecycle;
  /**
   * Network reads (MIG) already made as of an instant, by artist, or undefined: a refresh reads
   * every artist's network for its memberships, then its snapshots need the same members' networks
   * as of the same instant. Outcomes `ok` and `missing` are taken instead of reading again.
   * @default none
   */
  readonly knownNetworks?: (asOfMs: number) => ReadonlyMap<string, ItemOutcome<ArtistNetwork>> | undefined;
  /**
   * Whether a scene was imported after the membership refresh the stored memberships come from
   * (as of `membershipsAsOfMs`; no refresh has placed artists in it yet): its heat is unknown, not
   * that of an empty scene.
   * @default none is
   */
  readonly awaitsRefresh?: (sceneSlug: string, membershipsAsOfMs: number) => boolean;
  /**
   * How many artists the membership refresh the stored memberships come from (as of
   * `membershipsAsOfMs`) could not place: their MIG or CMG read failed and they had no earlier
   * memberships to keep, so any scene may be missing members. Above 0, every pulse over those
   * memberships is `degraded`, and a scene with no member left is `unavailable` (its heat unknown).
   * @default the state row's (`stores.scenes_state`) when it is of those memberships, else 0
   */
  readonly unplaced?: (membershipsAsOfMs: number) => number;
}

/** The catalog's regions by code (code-unit order, as the API orders slugs), each with its number of scenes. */
function regionCounts(rows: readonly { readonly region: string }[]): SceneRegionCount[] {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.region, (counts.get(row.region) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([region, scenes]) => ({ region, scenes }));
}

class PulseFailure extends Error {
  constructor(
    readonly status: 'timeout' | 'error' | 'unavailable' | 'not_found',
    message: string,
    /** The SDK's error behind an `error` (a store that cannot be reached): what `getScenePulse` rejects with. */
    readonly error?: SceneRadarError,
  ) {
    super(message);
  }
}

/** A failure of the computation of a pulse (its tables, a bug) as a {@link PulseFailure}, keeping the SDK's own error. */
function pulseFailureOf(e: unknown): PulseFailure {
  if (e instanceof PulseFailure) return e;
  // An SDK error that is not a 500 (STORE_UNAVAILABLE, RADAR_CLOSED...) passes through as it is.
  // Its message is client-safe; any other error's (a driver's, naming a table) is not shown.
  // CONFIG_INVALID (a host clock broken since the radar was made) is the host's to see too.
  if (isSceneRadarError(e))
    return new PulseFailure(
      'error',
      failureReason(e),
      e.httpStatus !== 500 || e.code === 'CONFIG_INVALID' ? e : undefined,
    );
  return new PulseFailure('error', 'Pulse computation failed: an unexpected error');
}

interface Pending {
  /** One settle-once slot per scene of this tick, resolved as soon as that scene is done. */
  readonly slots: Map<
    string,
    { readonly promise: Promise<Pulse | PulseFailure>; resolve(r: Pulse | PulseFailure): void }
  >;
  /** The longest time any caller of this tick still had, ms: the computation's own deadline. */
  remainingMs: number;
}

/**
 * The seed's ScenePulse.
 * @example
 * ```ts
 * const pulse = await radar.scenes.pulse.getScenePulse('indie-uk-brighton');
 * const batch = await radar.scenes.pulse.batchProcessScenes(['indie-uk-brighton', 'rap-uk-london']);
 * radar.scenes.pulse.clearCache('indie-uk-brighton');
 * ```
 */
export class ScenePulse {
  readonly #d: ScenePulseDeps;
  readonly #life: Lifecycle;
  /**
   * Scenes asked for in this tick, computed together. Not a cache: it lives one microtask and
   * batches the misses of the pulse cache into one read of each source.
   */
  #pending: Pending | undefined;
  /**
   * Regional pulses built from a scene pulse that was not fresh (a batch item other than `ok`: a
   * cached pulse past `scenePulseTtlMs`, served in its grace, carries no `stale` mark of its own):
   * cached as degraded, as the global pulse built from the same items is, and never kept as last good.
   */
  readonly #notFresh = new WeakSet<object>();

  /**
   * Engines come from {@link createSceneRadar}, which builds their internal parts (the source
   * gateway, the caches, the shared lifecycle); constructing one by hand is not supported.
   * @internal
   */
  constructor(deps: ScenePulseDeps) {
    this.#d = deps;
    this.#life = deps.lifecycle ?? new Lifecycle();
  }

  /**
   * The pulse of one scene, now. When computing it fails (its sources, its deadline, or the
   * engine's tables), the scene's last good pulse, marked `stale` with why. Without one:
   * `SCENES_TIMEOUT`, `SOURCES_UNAVAILABLE`, or `STORE_UNAVAILABLE` when the tables cannot be read
   * (all but the timeout 503). `SCENES_NOT_FOUND`, `SCENES_VALIDATION_ERROR` for the request.
   * `options` may be the seed's `skipCache` boolean: `getScenePulse(slug, true)` is `getScenePulse(slug, { skipCache: true })`.
   */
  async getScenePulse(slug: string, options: { readonly skipCache?: boolean } | boolean = {}): Promise<Pulse> {
    this.#life.assertOpen('getScenePulse');
    const { slug: s, skipCache } = validateRequest(
      'scenes',
      [SlugParamsRequestSchema, { slug }],
      [ScenePulseRequestSchema, optionsOf(options)],
    );
    const errors = new Map<string, SceneRadarError>();
    const [item] = await this.#withDeadline('getScenePulse', this.#d.config.scenes.scenePulseTimeoutMs, (d) =>
      this.#batch([s], skipCache, d, errors),
    );
    // A fresh pulse, or the last good one marked `stale` (with why) when computing it failed.
    if (item!.pulse) return item!.pulse;
    if (item!.status === 'not_found') throw new SceneRadarError('SCENES_NOT_FOUND', `Scene not found: ${s}`);
    if (item!.status === 'timeout') throw new SceneRadarError('SCENES_TIMEOUT', `Scene pulse timed out: ${s}`);
    if (item!.status === 'unavailable')
      throw new SceneRadarError('SOURCES_UNAVAILABLE', item!.message ?? `Scene heat unknown: ${s}`);
    // The SDK's own error (the engine's tables cannot be read: STORE_UNAVAILABLE, 503) as it is.
    const error = errors.get(s);
    if (error) throw error;
    throw new SceneRadarError('SCENES_INTERNAL_ERROR', `Scene pulse failed: ${s}`, { cause: item!.message });
  }

  /**
   * Pulses of up to `scenes.maxScenesPerQuery` scenes, in the order asked, each marked ok / stale /
   * timeout / error / not_found. Never rejects for a failing source; a deadline returns what finished.
   * `input` may be the seed's `skipCache` boolean. More slugs than the host's cap is `SCENES_INVALID_PARAMS`.
   */
  async batchProcessScenes(
    slugs: readonly string[],
    input: { readonly skipCache?: boolean } | boolean = {},
  ): Promise<SceneBatchItem[]> {
    this.#life.assertOpen('batchProcessScenes');
    const max = this.#d.config.scenes.maxScenesPerQuery;
    // The cap before the schema: it walks every index, and an array with a huge length and no
    // entries (`a.length = 2 ** 32 - 1`) would have it report billions of holes until the heap ran out.
    let count = 0;
    try {
      if (Array.isArray(slugs)) count = slugs.length;
    } catch {
      // A revoked proxy: the schema reports it.
    }
    if (count > max)
      throw new SceneRadarError('SCENES_INVALID_PARAMS', `At most ${max} scenes per query, got ${count}`);
    const options = validateRequest(
      'scenes',
      [SceneSlugsRequestSchema, { slugs }],
      [ScenePulseRequestSchema, optionsOf(input)],
    );
    const valid = options.slugs;
    return this.#withDeadline('batchProcessScenes', this.#d.config.scenes.globalPulseTimeoutMs, (d) =>
      this.#batch(valid, options.skipCache ?? false, d),
    );
  }

  /** A list's `limit` within `scenes.maxScenesPerQuery` (see {@link withinCap}). */
  #sceneCap(limit: number, input: unknown): number {
    const cap = this.#d.config.scenes.maxScenesPerQuery;
    return withinCap('scenes', limit, hasOption(optionsOf(input), 'limit'), cap, 'scenes.maxScenesPerQuery');
  }

  /**
   * Scenes of a region ranked by heat (limit 1-100, default 20). `SCENES_NOT_FOUND` for a region without scenes.
   * `input` may be the seed's `skipCache` boolean.
   */
  async getRegionalPulse(
    region: string,
    input: { readonly limit?: number; readonly skipCache?: boolean } | boolean = {},
  ): Promise<RegionalScenePulse> {
    this.#life.assertOpen('getRegionalPulse');
    const options = validateRequest(
      'scenes',
      [RegionParamsRequestSchema, { region }],
      [RegionalPulseRequestSchema, optionsOf(input)],
    );
    const limit = this.#sceneCap(options.limit, input);
    const compute = async (): Promise<RegionalScenePulse> => {
      // Every scene of the region is ranked (a region may hold more than one batch of scenes).
      const items = await this.#pulsesOf(async (d) => {
        const scenes = await this.#catalogRead(this.#d.stores.scenes.scan({ where: { region } }), d);
        if (scenes.length === 0) throw new SceneRadarError('SCENES_NOT_FOUND', `No scenes in region: ${region}`);
        return scenes.map((s) => s.slug);
      }, options.skipCache ?? false);
      const regional: RegionalScenePulse = {
        region,
        asOf: new Date(this.#d.clock.now()).toISOString(),
        scenes: topK(
          items.flatMap((i) => (i.pulse ? [i.pulse] : [])),
          limit,
          (p) => p.heat,
        ),
        unavailable: items.filter((i) => !i.pulse),
      };
      if (items.some((i) => i.status !== 'ok')) this.#notFresh.add(regional);
      return regional;
    };
    return this.#d.cache.getOrCompute(`region:${region}:${limit}`, compute, {
      skipCache: options.skipCache ?? false,
      ttlMs: (v) => {
        const r = v as RegionalScenePulse;
        // A stale scene (its last good pulse, status `ok`, or a pulse past its lifetime) is
        // degraded too: kept briefly.
        return this.#notFresh.has(r) ||
          r.unavailable.length ||
          r.scenes.some((p) => p.status !== 'ok' || p.stale !== undefined)
          ? this.#d.config.scenes.degradedTtlMs
          : this.#d.config.scenes.globalPulseTtlMs;
      },
      graceMs: 0,
      // The tables cannot be read: the region's last good pulse, every scene in it marked stale.
      lastGood: {
        keep: (v) => {
          const r = v as RegionalScenePulse;
          return (
            !this.#notFresh.has(r) &&
            r.unavailable.length === 0 &&
            r.scenes.length > 0 &&
            r.scenes.every((p) => p.stale === undefined)
          );
        },
        serve: (v, e) => {
          if (!isStoreFailure(e)) return undefined;
          const r = v as RegionalScenePulse;
          const mark = this.#staleMark(failureReason(e));
          return { ...r, scenes: r.scenes.map((p) => ({ ...p, stale: mark })) } satisfies RegionalScenePulse;
        },
      },
    }) as Promise<RegionalScenePulse>;
  }

  /**
   * Hottest, fastest-growing and cooling scenes of the whole catalog (limit 1-100 per list, default 10).
   * `input` may be the seed's `skipCache` boolean: `getGlobalPulse(true)` is `getGlobalPulse({ skipCache: true })`.
   * The scenes' view; the Talent Radar's global pulse (artists) is `radar.talent.aggregator.buildGlobalPulse`,
   * which `radar.readOnly.getGlobalPulse` also answers.
   */
  async getGlobalPulse(
    input: { readonly limit?: number; readonly skipCache?: boolean } | boolean = {},
  ): Promise<GlobalScenePulse> {
    this.#life.assertOpen('getGlobalPulse');
    const options = validateRequest('scenes', [GlobalScenePulseRequestSchema, optionsOf(input)]);
    const limit = this.#sceneCap(options.limit, input);
    const compute = async (): Promise<GlobalScenePulse> => {
      let regions: SceneRegionCount[] = [];
      const items = await this.#pulsesOf(async (d) => {
        const rows = await this.#catalogRead(this.#d.stores.scenes.scan(), d);
        regions = regionCounts(rows);
        return rows.map((s) => s.slug);
      }, options.skipCache ?? false);
      const pulses = items.flatMap((i) => (i.pulse ? [i.pulse] : []));
      const count = (s: SceneBatchItem['status']): number => items.filter((i) => i.status === s).length;
      const notes: string[] = [];
      if (items.length === 0) notes.push(EMPTY_CATALOG_NOTE);
      const unknown = count('unavailable');
      if (unknown > 0)
        notes.push(
          `${unknown} of ${items.length} scenes are left out: their heat is unknown (Fusion failed for every member, the scene was imported after the last refresh, or the last refresh placed nobody in it while it could not place some artists at all; and no earlier pulse is kept).`,
        );
      const stale = count('stale');
      if (stale > 0)
        notes.push(`${stale} of ${items.length} scenes show their last good pulse (stale; see each pulse's asOf).`);
      return {
        timestamp: new Date(this.#d.clock.now()).toISOString(),
        asOf: new Date(this.#d.clock.now()).toISOString(),
        hottest: topK(pulses, limit, (p) => p.heat),
        fastestGrowing: topK(
          pulses.filter((p) => p.growth > 0),
          limit,
          (p) => p.growth,
        ),
        cooling: topK(
          pulses.filter((p) => p.stage === 'cooling'),
          limit,
          (p) => -p.growth,
        ),
        summary: {
          scenes: items.length,
          ok: count('ok'),
          stale: count('stale'),
          timeout: count('timeout'),
          error: count('error'),
          unavailable: count('unavailable'),
          degraded: pulses.filter((p) => p.status !== 'ok').length,
        },
        regions,
        notes,
      };
    };
    return this.#d.cache.getOrCompute(`global:${limit}`, compute, {
      skipCache: options.skipCache ?? false,
      ttlMs: (v) => {
        const g = (v as GlobalScenePulse).summary;
        return g.ok < g.scenes || g.degraded > 0
          ? this.#d.config.scenes.degradedTtlMs
          : this.#d.config.scenes.globalPulseTtlMs;
      },
      graceMs: 0,
      // The catalog cannot be read: the last good lists (every scene's pulse fresh when they were
      // computed), each pulse marked stale, counted stale, and a note saying why.
      lastGood: {
        keep: (v) => {
          const g = (v as GlobalScenePulse).summary;
          return g.scenes > 0 && g.ok === g.scenes;
        },
        serve: (v, e) => (isStoreFailure(e) ? this.#staleGlobal(v as GlobalScenePulse, failureReason(e)) : undefined),
      },
    }) as Promise<GlobalScenePulse>;
  }

  /**
   * Pulses of every scene of the catalog, in groups of `scenes.maxScenesPerQuery` computed
   * `scenes.batchConcurrency` at a time, all under one deadline (`scenes.globalPulseTimeoutMs`).
   * `input` may be the seed's `skipCache` boolean.
   */
  async allPulses(input: { readonly skipCache?: boolean } | boolean = {}): Promise<SceneBatchItem[]> {
    this.#life.assertOpen('allPulses');
    const options = validateRequest('scenes', [ScenePulseRequestSchema, optionsOf(input)]);
    return this.#pulsesOf(
      async (d) => (await this.#catalogRead(this.#d.stores.scenes.scan(), d)).map((s) => s.slug),
      options.skipCache ?? false,
    );
  }

  /**
   * One item per slug `list` gives, in groups of `scenes.maxScenesPerQuery`, all under the global
   * pulse's deadline: the read of the catalog that lists them too (a stalled table must not hold the
   * call past it).
   */
  #pulsesOf(list: (deadline: Deadline) => Promise<readonly string[]>, skipCache: boolean): Promise<SceneBatchItem[]> {
    const max = this.#d.config.scenes.maxScenesPerQuery;
    const limitGroups = createLimit(this.#d.config.scenes.batchConcurrency);
    return this.#withDeadline('allPulses', this.#d.config.scenes.globalPulseTimeoutMs, async (d) => {
      const all = await list(d);
      const groups: string[][] = [];
      for (let i = 0; i < all.length; i += max) groups.push(all.slice(i, i + max));
      return (
        await Promise.all(
          groups.map((g) =>
            limitGroups(async () => {
              const pause = yieldSlice();
              if (pause) await pause;
              return this.#batch(g, skipCache, d);
            }),
          ),
        )
      ).flat();
    });
  }

  /**
   * A read of the `scenes` table, bounded by `deadline`: `STORE_UNAVAILABLE` when the table has not
   * answered by then (the read is left to finish on its own), as a store that fails.
   */
  #catalogRead<T>(read: Promise<T>, deadline: Deadline): Promise<T> {
    return untilAborted(
      read,
      deadline.signal,
      () =>
        new SceneRadarError(
          'STORE_UNAVAILABLE',
          `The scenes table did not answer within the ${this.#d.config.scenes.globalPulseTimeoutMs} ms of scenes.globalPulseTimeoutMs`,
        ),
    );
  }

  /**
   * Forgets the cached pulse of one scene (and the regional and global pulses), or everything.
   * Forgetting everything also forgets each scene's last good pulse (what is served, `stale`, when
   * a later computation fails) unless `options.keepLastGood` (a refresh keeps them: a refresh in
   * which Fusion failed must not erase the fallback).
   */
  async clearCache(slug?: string, options: { readonly keepLastGood?: boolean } = {}): Promise<void> {
    const { keepLastGood } = readOptionKeys(options, ['keepLastGood'], 'clearCache options', 'SCENES_VALIDATION_ERROR');
    if (slug === undefined) {
      await this.#d.cache.clear({ keepLastGood: keepLastGood === true });
      return;
    }
    // One scene's entry goes; its last good pulse stays (the fallback is not a cached answer).
    await this.#d.cache.delete(`pulse:${requireSlug(slug, 'slug', 'SCENES_VALIDATION_ERROR')}`, {
      keepLastGood: true,
    });
    // Regional and global pulses include this scene: they go too (their fallbacks stay).
    await this.#d.cache.clearPrefix('region:', { keepLastGood: true });
    await this.#d.cache.clearPrefix('global:', { keepLastGood: true });
  }

  /**
   * Pulses as of any instant, uncached (for trends, backfills and the ScenesAdapter). Never rejects
   * for a failing source: each scene comes back with its status.
   * @internal The Scenes Engine's adapter reads through it, with the deadline of its caller.
   */
  async pulsesAsOf(slugs: readonly string[], asOf: Date, deadline: Deadline): Promise<Map<string, SceneBatchItem>> {
    this.#life.assertOpen('pulsesAsOf');
    const results = await this.#compute([...new Set(slugs)], asOf, deadline);
    // Closed meanwhile: the reads were aborted (see #withDeadline).
    this.#life.assertOpen('pulsesAsOf');
    return new Map(
      [...results].map(
        ([slug, r]) =>
          [
            slug,
            r === undefined
              ? { slug, status: 'error', message: 'No result' }
              : r instanceof PulseFailure
                ? { slug, status: r.status, message: r.message }
                : { slug, status: 'ok', pulse: r },
          ] as const,
      ),
    );
  }

  async #membershipsAsOf(seenMs?: number): Promise<number | null> {
    if (this.#d.membershipsAsOf) return this.#d.membershipsAsOf(seenMs);
    return (await readScenesState(this.#d.stores)).membershipsMs;
  }

  /** The artists the membership refresh as of `membershipsAsOfMs` could not place (see {@link ScenePulseDeps.unplaced}). */
  async #unplaced(membershipsAsOfMs: number): Promise<number> {
    if (this.#d.unplaced) return this.#d.unplaced(membershipsAsOfMs);
    const state = await readScenesState(this.#d.stores);
    return state.membershipsMs === membershipsAsOfMs ? state.unplaced : 0;
  }

  /** The `stale` mark of a last good pulse served now because computing it failed for `reason`. */
  #staleMark(reason: string): NonNullable<Pulse['stale']> {
    return { reason, at: new Date(this.#d.clock.now()).toISOString() };
  }

  /** The last good global pulse, served because the catalog cannot be read: every pulse in it marked. */
  #staleGlobal(g: GlobalScenePulse, reason: string): GlobalScenePulse {
    const stale = this.#staleMark(reason);
    const mark = (list: GlobalScenePulse['hottest']): GlobalScenePulse['hottest'] => list.map((p) => ({ ...p, stale }));
    return {
      ...g,
      hottest: mark(g.hottest),
      fastestGrowing: mark(g.fastestGrowing),
      cooling: mark(g.cooling),
      summary: { ...g.summary, ok: 0, stale: g.summary.scenes },
      notes: [
        ...g.notes,
        `The scene catalog cannot be read (${reason}): these are the last good pulses, computed at ${g.timestamp}; each is marked stale.`,
      ],
    };
  }

  /**
   * `work` under a deadline of `ms`. A radar closed while it ran rejects the call `what` with
   * `RADAR_CLOSED`: its reads were aborted, and what they left (members "failed", a heat of 0)
   * is no answer.
   */
  async #withDeadline<T>(what: string, ms: number, work: (deadline: Deadline) => Promise<T>): Promise<T> {
    const deadline = createDeadline(ms);
    try {
      const result = await work(deadline);
      this.#life.assertOpen(what);
      return result;
    } finally {
      deadline.dispose();
    }
  }

  /**
   * One item per slug: a fresh pulse, the last good one marked stale when computing it failed, or
   * the failure. `errors` collects the SDK's own errors behind failures (a store that cannot be read).
   */
  async #batch(
    slugs: readonly string[],
    skipCache: boolean,
    deadline: Deadline,
    errors?: Map<string, SceneRadarError>,
  ): Promise<SceneBatchItem[]> {
    const c = this.#d.config.scenes;
    const degraded = (v: unknown): boolean => (v as Pulse).status !== 'ok';
    // Any failure but "no such scene" falls back to the scene's last good pulse (kept by #load),
    // marked stale with why: Fusion down, the deadline, or the engine's tables unreachable.
    const lastGood = {
      // Set by #load for a pulse computed here; this keeps one another instance computed, read
      // from a cache store they share, as it would keep its own.
      keep: (v: unknown): boolean => (v as Pulse).status === 'ok' && (v as Pulse).stale === undefined,
      serve: (last: unknown, e: unknown): unknown => {
        const failure = pulseFailureOf(e);
        return failure.status === 'not_found'
          ? undefined
          : { ...(last as Pulse), stale: this.#staleMark(failure.message) };
      },
    };
    return Promise.all(
      slugs.map(async (slug): Promise<SceneBatchItem> => {
        try {
          const pulse = (await this.#d.cache.getOrCompute(`pulse:${slug}`, () => this.#load(slug, deadline), {
            skipCache,
            ttlMs: (v) => (degraded(v) ? c.degradedTtlMs : c.scenePulseTtlMs),
            // A degraded pulse is not served past its short TTL: the next caller recomputes.
            graceMs: (v) => (degraded(v) ? 0 : this.#d.config.cache.staleGraceMs),
            lastGood,
          })) as Pulse;
          if (pulse.stale) return { slug, status: 'stale', pulse, message: pulse.stale.reason };
          // Past its TTL from the instant it ends, as the cache counts it (fresh while now < expiry).
          const age = this.#d.clock.now() - Date.parse(pulse.updated_at);
          return {
            slug,
            status: age >= c.scenePulseTtlMs || (degraded(pulse) && age >= c.degradedTtlMs) ? 'stale' : 'ok',
            pulse,
          };
        } catch (e) {
          const failure = pulseFailureOf(e);
          if (failure.status === 'not_found') return { slug, status: 'not_found', message: failure.message };
          if (failure.error) errors?.set(slug, failure.error);
          return { slug, status: failure.status, message: failure.message };
        }
      }),
    );
  }

  /**
   * Joins the scenes asked for in this tick into one computation. The computation has its own
   * deadline (the longest any caller still has); each caller stops waiting at its own deadline.
   */
  #load(slug: string, deadline: Deadline): Promise<Pulse> {
    if (!this.#pending) {
      const pending: Pending = { slots: new Map(), remainingMs: 0 };
      this.#pending = pending;
      queueMicrotask(() => {
        this.#pending = undefined;
        const own = createDeadline(pending.remainingMs);
        const deliver = (s: string, r: Pulse | PulseFailure | undefined): void =>
          pending.slots.get(s)?.resolve(r ?? new PulseFailure('error', 'No result'));
        let now: Date;
        try {
          now = new Date(this.#d.clock.now());
        } catch (e) {
          // A clock that throws (CONFIG_INVALID through the radar's guard) fails the tick's scenes,
          // answered to their callers; thrown here, in a microtask, it would end the host process.
          own.dispose();
          const failure = pulseFailureOf(e);
          for (const s of pending.slots.keys()) deliver(s, failure);
          return;
        }
        this.#compute([...pending.slots.keys()], now, own, deliver)
          .then(
            (m) => {
              for (const s of pending.slots.keys()) deliver(s, m.get(s));
            },
            // The tables could not be read (or a bug): every scene of the tick fails with the SDK's
            // error kept, so getScenePulse answers it (STORE_UNAVAILABLE), not an internal error.
            (e: unknown) => {
              const failure = pulseFailureOf(e);
              for (const s of pending.slots.keys()) deliver(s, failure);
            },
          )
          .finally(() => own.dispose());
      });
    }
    const pending = this.#pending;
    pending.remainingMs = Math.max(pending.remainingMs, deadline.remaining());
    let slot = pending.slots.get(slug);
    if (!slot) {
      let settled = false;
      let resolveSlot!: (r: Pulse | PulseFailure) => void;
      const promise = new Promise<Pulse | PulseFailure>((r) => (resolveSlot = r));
      slot = {
        promise,
        resolve: (r) => {
          if (settled) return;
          settled = true;
          resolveSlot(r);
        },
      };
      pending.slots.set(slug, slot);
    }
    const result = slot.promise.then((r) => {
      if (r instanceof PulseFailure) throw r;
      // Set here, not by the cache: a pulse that lands after its caller's deadline still counts.
      if (r.status === 'ok') this.#d.cache.setLastGood(`pulse:${slug}`, r);
      return r;
    });
    return untilAborted(
      result,
      deadline.signal,
      () => new PulseFailure('timeout', `Deadline passed before ${slug} was computed`),
    );
  }

  async #compute(
    slugs: readonly string[],
    asOf: Date,
    deadline: Deadline,
    onResult?: (slug: string, result: Pulse | PulseFailure) => void,
  ): Promise<Map<string, Pulse | PulseFailure>> {
    const { stores, gateway, config } = this.#d;
    const results = new Map<string, Pulse | PulseFailure>();
    // Every result is reported as soon as it is known, so callers need not wait for the slowest scene.
    const out = {
      set: (slug: string, r: Pulse | PulseFailure): void => {
        results.set(slug, r);
        onResult?.(slug, r);
      },
      get: (slug: string): Pulse | PulseFailure | undefined => results.get(slug),
    };
    const [scenes, knownAsOfMs] = await Promise.all([
      stores.scenes.getMany(slugs.map((slug) => ({ slug }))),
      this.#membershipsAsOf(),
    ]);
    const bySlug = new Map(scenes.map((s) => [s.slug, s]));
    const asOfMs = asOf.getTime();
    const found = slugs.filter((slug) => bySlug.has(slug));
    for (const slug of slugs)
      if (!bySlug.has(slug)) out.set(slug, new PulseFailure('not_found', `Scene not found: ${slug}`));
    const memberLists = await Promise.all(
      found.map((slug) =>
        // The seed's safety limit, 10,000 memberships per query: a pulse counts the strongest
        // `maxMembershipsPerQuery` members of a scene (docs/scenes.md).
        stores.scene_memberships.scan({
          where: { scene_slug: slug },
          orderBy: { column: 'confidence', direction: 'desc' },
          limit: config.scenes.maxMembershipsPerQuery,
        }),
      ),
    );
    const membersOf = new Map<string, PulseMember[]>(
      found.map((slug, i) => [slug, memberLists[i]!.filter((r) => parseInstant(r.joined_at) <= asOfMs)]),
    );
    // Rows from a refresh later than the one known (another instance over the same stores ran
    // it): the pulse is labelled with the refresh its members come from, read again.
    const newest = newestAsOf(memberLists);
    const membershipsAsOfMs =
      newest !== null && (knownAsOfMs === null || newest > knownAsOfMs)
        ? await this.#membershipsAsOf(newest)
        : knownAsOfMs;
    const unplaced = membershipsAsOfMs === null ? 0 : await this.#unplaced(membershipsAsOfMs);

    // Each scene's pulse is computed as soon as both reads of all its members have settled, while
    // the calls for other scenes are still in flight (the per-item case hides the maths behind them).
    const engagement = new Map<string, ItemOutcome<EngagementSeries>>();
    const networks = new Map<string, ItemOutcome<ArtistNetwork>>();
    const waiting = new Map<string, number>();
    const scenesOf = new Map<string, string[]>();
    for (const [slug, members] of membersOf) {
      waiting.set(slug, 2 * members.length);
      for (const m of members) {
        const list = scenesOf.get(m.artist_slug);
        if (list) list.push(slug);
        else scenesOf.set(m.artist_slug, [slug]);
      }
    }
    const nowMs = this.#d.clock.now();
    const finish = (slug: string): void => {
      waiting.delete(slug);
      const members = membersOf.get(slug)!;
      const e = new Map<string, EngagementSeries>();
      const n = new Map<string, ArtistNetwork>();
      const eAll: ItemOutcome<unknown>[] = [];
      const nAll: ItemOutcome<unknown>[] = [];
      let cut = false;
      for (const m of members) {
        const eo = engagement.get(m.artist_slug)!;
        const no = networks.get(m.artist_slug)!;
        eAll.push(eo);
        nAll.push(no);
        if (eo.status === 'ok') e.set(m.artist_slug, eo.value);
        if (no.status === 'ok') n.set(m.artist_slug, no.value);
        if (
          (eo.status === 'timeout' && eo.reason === 'deadline') ||
          (no.status === 'timeout' && no.reason === 'deadline')
        )
          cut = true;
      }
      if (cut) {
        out.set(slug, new PulseFailure('timeout', `Deadline passed before the members of ${slug} were read`));
        return;
      }
      const scene = bySlug.get(slug)!;
      const sources: Partial<Record<SourceName, ReturnType<typeof countOutcomes>>> = {
        fusion: countOutcomes(eAll),
        mig: countOutcomes(nAll),
      };
      // Heat rests on members' engagement: when Fusion failed for every member, the heat is
      // unknown, not the heat of a scene where nobody did anything. The caller serves the last
      // good pulse (stale, with its own asOf) or says the scene is unavailable.
      const f = sources.fusion!;
      // Without memberships (no refresh yet, or none could read MIG and CMG) nobody is known to be
      // in the scene: its heat is unknown too, not 0.
      if (membershipsAsOfMs === null) {
        out.set(
          slug,
          new PulseFailure(
            'unavailable',
            `Heat of ${slug} unknown: scene memberships were never computed (no refresh yet, or no refresh could read the artist universe)`,
          ),
        );
        return;
      }
      // A scene imported since the memberships were computed has none yet: unknown, not empty.
      if (this.#d.awaitsRefresh?.(slug, membershipsAsOfMs)) {
        out.set(
          slug,
          new PulseFailure(
            'unavailable',
            `Heat of ${slug} unknown: the scene was imported after the last refresh, which has not yet placed artists in it (call refresh())`,
          ),
        );
        return;
      }
      // Nobody is in the scene, and the refresh that placed its members could not place some
      // artists at all: the scene may be one of theirs, so its heat is unknown, not 0.
      if (members.length === 0 && unplaced > 0) {
        out.set(
          slug,
          new PulseFailure(
            'unavailable',
            `Heat of ${slug} unknown: the refresh that computed the memberships could not place ${unplaced} artists (their MIG or CMG read failed, with no earlier memberships to keep), and placed nobody in this scene`,
          ),
        );
        return;
      }
      if (members.length > 0 && f.ok === 0 && f.error + f.timeout > 0) {
        out.set(
          slug,
          new PulseFailure(
            'unavailable',
            `Heat of ${slug} unknown: Fusion engagement failed for all ${members.length} members (${f.error} error, ${f.timeout} timeout)`,
          ),
        );
        return;
      }
      try {
        out.set(
          slug,
          computePulse(
            {
              scene: { slug, name: scene.name, region: scene.region, microgenres: scene.microgenres },
              members,
              engagement: e,
              networks: n,
              sources,
              asOfMs,
              nowMs,
              membershipsAsOfMs,
              unplaced,
            },
            config.scenes.pulse,
          ),
        );
      } catch (err) {
        out.set(slug, new PulseFailure('error', `Pulse computation failed for ${slug}: ${describeError(err)}`));
      }
    };
    const settle =
      <T>(into: Map<string, ItemOutcome<T>>) =>
      (keys: readonly string[], outcomes: ReadonlyMap<string, ItemOutcome<unknown>>): void => {
        for (const k of keys) {
          into.set(k, outcomes.get(k) as ItemOutcome<T>);
          for (const slug of scenesOf.get(k) ?? []) {
            const left = (waiting.get(slug) ?? 0) - 1;
            waiting.set(slug, left);
            if (left === 0) finish(slug);
          }
        }
      };
    for (const [slug, left] of waiting) if (left === 0) finish(slug);

    // Members in scene order, so that a deadline cuts whole scenes rather than a bit of each.
    const keys = [...scenesOf.keys()];
    // Networks this instant's reads already answered (a refresh's membership pass) are not read again.
    const known = this.#d.knownNetworks?.(asOfMs);
    let networkKeys = keys;
    if (known) {
      const reused: string[] = [];
      networkKeys = [];
      for (const k of keys) {
        const o = known.get(k);
        if (o && (o.status === 'ok' || o.status === 'missing')) reused.push(k);
        else networkKeys.push(k);
      }
      if (reused.length) settle(networks)(reused, known);
    }
    const w = config.scenes.pulse.windowDays;
    // Two reads per member: engagement (Fusion; its paid series also tells campaign activity) and
    // the network (MIG). One read per source keeps a per-item source at one wave per 10 scenes.
    const [eAll, nAll] = await Promise.all([
      gateway.batch('fusion', 'getEngagement', keys, {
        asOf,
        from: new Date(asOfMs - (3 * w + 2) * 86_400_000),
        deadline,
        batchSize: 100,
        onSettled: settle(engagement),
      }),
      gateway.batch('mig', 'getNetworks', networkKeys, {
        asOf,
        deadline,
        batchSize: 100,
        onSettled: settle(networks),
      }),
    ]);
    // Sources the host did not configure answer without calls: settle what is left from the results.
    for (const [slug] of [...waiting]) {
      for (const m of membersOf.get(slug)!) {
        if (!engagement.has(m.artist_slug)) engagement.set(m.artist_slug, eAll.get(m.artist_slug)!);
        if (!networks.has(m.artist_slug)) networks.set(m.artist_slug, nAll.get(m.artist_slug)!);
      }
      finish(slug);
    }
    return new Map(slugs.map((slug) => [slug, out.get(slug)!]));
  }
}

/** The latest `as_of` of the rows (epoch ms), or null for none: one parse per distinct text (a refresh writes one). */
export function newestAsOf(lists: ReadonlyArray<ReadonlyArray<{ readonly as_of: string }>>): number | null {
  let newest: number | null = null;
  let text: string | undefined;
  for (const rows of lists)
    for (const r of rows) {
      if (r.as_of === text) continue;
      text = r.as_of;
      const at = parseInstant(text);
      if (newest === null || at > newest) newest = at;
    }
  return newest;
}

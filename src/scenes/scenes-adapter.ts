/**
 * @module scenes/scenes-adapter
 * The Scenes Engine offered through the `ScenesAdapter` contract, so the Talent Radar reads it
 * exactly as it would read a remote scenes service (and never imports the engine).
 *
 * As-of is honoured: memberships and pulses come from the engine's state as of the instant asked
 * for (`ScenesEngine.stateAsOf`), and pulses are computed exactly as of that instant.
 */
import type { SceneMembership, ScenePulseSummary } from '../contracts/payloads.js';
import type { ScenesAdapter } from '../contracts/sources.js';
import { Cache } from '../core/cache/cache.js';
import type { Clock } from '../core/clock.js';
import { createDeadline, untilAborted } from '../core/gateway/deadline.js';
import { topK } from '../core/features/stats.js';
import { parseInstant } from '../core/time.js';
import type { SceneRadarConfig } from '../config.js';
import type { SceneState, ScenesEngine } from './engine.js';
import { onTablesChange, refreshPulseOf, sawLaterMemberships, tablesGeneration } from './refresh-pulses.js';
import { lessThanTheHostHas, newestAsOf } from './scene-pulse.js';
import type { ScenePulseSnapshot } from './types.js';

const summary = (p: ScenePulseSnapshot): ScenePulseSummary => ({
  sceneSlug: p.scene_slug,
  heat: p.heat,
  growth: p.growth,
  stage: p.stage,
  asOf: p.asOf,
  status: lessThanTheHostHas(p) ? 'degraded' : 'ok',
});

/**
 * A `ScenesAdapter` over an engine.
 * @example
 * ```ts
 * const scenes = scenesAdapterFor(radar.scenes, { config: radar.config, clock });
 * ```
 */
export function scenesAdapterFor(
  engine: ScenesEngine,
  deps: {
    readonly config: SceneRadarConfig;
    readonly clock: Clock;
    /**
     * Where pulses computed as of an instant are remembered (give it a store of its own: keys name
     * this engine's refresh). @default a cache of `cache.maxEntries`
     */
    readonly cache?: Cache<unknown>;
  },
): ScenesAdapter {
  const max = deps.config.scenes.maxScenesPerQuery;
  // Pulses computed exactly as of the instant asked, remembered per (refresh, instant, scene): a
  // reader such as the Talent Radar asks many times with one as-of during a run. A pulse as of a
  // past instant over one refresh's memberships never changes: it is kept until evicted (no TTL).
  const memo =
    deps.cache ??
    new Cache<unknown>({
      ttlMs: Number.POSITIVE_INFINITY,
      maxEntries: deps.config.cache.maxEntries,
      clock: deps.clock,
      namespace: 'scenes-as-of:',
      // One reader's edit of a summary must not reach the next.
      freezeValues: true,
    });

  // Remembered over the tables as they were, keyed by their generation too (a refresh as of the
  // same instant would give the same keys; a catalog import changes every pulse): the old
  // generation's entries are dropped once the tables change.
  onTablesChange(engine, () => {
    void memo.clear().catch(() => undefined);
  });

  // Pulses being computed, per (refresh, instant, scene): the Talent Radar's batches run side by
  // side and ask for the same scenes at the same instant; the memo above only holds finished ones,
  // so each batch used to compute them all again. A joiner takes the pulse only when it is one the
  // memo keeps (every source healthy); otherwise it computes its own, as before.
  const inflight = new Map<string, Promise<ScenePulseSummary | undefined>>();

  /** Pulses of `slugs` (computed in groups of `max`), in the order asked; ok summaries also go to `done`. */
  const compute = async (
    state: SceneState,
    stamp: string,
    slugs: readonly string[],
    asOf: Date,
    signal: AbortSignal,
    into: Map<string, ScenePulseSummary>,
    done: Map<string, ScenePulseSummary>,
  ): Promise<void> => {
    for (let i = 0; i < slugs.length; i += max) {
      signal.throwIfAborted();
      // The caller's signal ends the work too, not only its wait.
      const deadline = createDeadline(deps.config.scenes.globalPulseTimeoutMs, signal);
      try {
        for (const item of (await state.pulse.pulsesAsOf(slugs.slice(i, i + max), asOf, deadline)).values()) {
          if (!item.pulse) continue;
          const s = summary(item.pulse);
          // Only pulses computed with every source healthy are remembered.
          if (item.pulse.status === 'ok') {
            await memo.set(stamp + item.slug, s, { ttlMs: Number.POSITIVE_INFINITY });
            done.set(item.slug, s);
          }
          into.set(item.slug, s);
        }
      } finally {
        deadline.dispose();
      }
    }
  };

  /**
   * Pulses as of `asOf`. Over the live tables, the engine's state is asked again afterwards: when
   * the pulses found rows of a later refresh than the engine knew (another instance over the same
   * stores ran it), the live tables may be later than `asOf`, and the state as of `asOf` decides.
   */
  const pulses = async (slugs: readonly string[], asOf: Date, signal: AbortSignal): Promise<ScenePulseSummary[]> => {
    // A replay of a past day may take a while: the caller can stop waiting; the replay is kept.
    const state: SceneState = await untilAborted(engine.stateAsOf(asOf), signal);
    const out = await pulsesOver(state, slugs, asOf, signal);
    if (!state.live) return out;
    const now: SceneState = await untilAborted(engine.stateAsOf(asOf), signal);
    return now.live && now.refreshedAsOf === state.refreshedAsOf ? out : pulsesOver(now, slugs, asOf, signal);
  };

  const pulsesOver = async (
    state: SceneState,
    slugs: readonly string[],
    asOf: Date,
    signal: AbortSignal,
  ): Promise<ScenePulseSummary[]> => {
    const stamp = `${state.refreshedAsOf ?? 'none'}|${tablesGeneration(engine)}|${asOf.getTime()}|`;
    const asked = [...new Set(slugs)];
    const hits = new Map<string, ScenePulseSummary>();
    const missing: string[] = [];
    for (const slug of asked) {
      const hit = (await memo.get(stamp + slug)) as ScenePulseSummary | undefined;
      if (hit) hits.set(slug, hit);
      else missing.push(slug);
    }
    // What is not remembered yet, by the order asked: the pulses the engine's refresh has just
    // computed as of this very instant over these very memberships, pulses another caller is
    // computing, and the ones computed here.
    const found = new Map<string, ScenePulseSummary>();
    const mine: string[] = [];
    const joined: Array<[string, Promise<ScenePulseSummary | undefined>]> = [];
    for (const slug of missing) {
      const fresh = state.live ? refreshPulseOf(engine, state.refreshedAsOf, asOf.getTime(), slug) : undefined;
      if (fresh) {
        const s = summary(fresh);
        await memo.set(stamp + slug, s, { ttlMs: Number.POSITIVE_INFINITY });
        found.set(slug, s);
        continue;
      }
      const flight = inflight.get(stamp + slug);
      if (flight) joined.push([slug, flight]);
      else mine.push(slug);
    }
    const settle = new Map<string, (s: ScenePulseSummary | undefined) => void>();
    for (const slug of mine) {
      const flight = new Promise<ScenePulseSummary | undefined>((resolve) => settle.set(slug, resolve));
      inflight.set(stamp + slug, flight);
    }
    const done = new Map<string, ScenePulseSummary>();
    try {
      await compute(state, stamp, mine, asOf, signal, found, done);
    } finally {
      for (const [slug, resolve] of settle) {
        inflight.delete(stamp + slug);
        resolve(done.get(slug));
      }
    }
    const again: string[] = [];
    for (const [slug, flight] of joined) {
      const s = await untilAborted(flight, signal);
      if (s) found.set(slug, s);
      else again.push(slug);
    }
    if (again.length) await compute(state, stamp, again, asOf, signal, found, done);
    signal.throwIfAborted();
    // In the order asked, whatever was remembered before: equal heats then rank the same for every
    // reader (the remembered pulses came first, and a reader that had read some scenes ranked them apart).
    const out: ScenePulseSummary[] = [];
    for (const slug of asked) {
      const s = hits.get(slug) ?? found.get(slug);
      if (s) out.push(s);
    }
    return out;
  };

  return {
    async getMemberships(artistSlugs, { asOf, signal }) {
      signal.throwIfAborted();
      const read = async (state: SceneState) => {
        const out = new Map<string, SceneMembership[]>();
        /** Every row read, for the latest refresh they come from. */
        const lists: (readonly { readonly as_of: string }[])[] = [];
        for (const slug of new Set(artistSlugs)) {
          // Aborted (the caller has already been answered): the rest is not read.
          signal.throwIfAborted();
          const all = await state.stores.scene_memberships.scan({
            where: { artist_slug: slug },
            orderBy: { column: 'confidence', direction: 'desc' },
          });
          lists.push(all);
          // Every membership known at `asOf` (an artist is in as many scenes as it fits).
          const rows = all.filter((r) => parseInstant(r.joined_at) <= asOf.getTime());
          if (rows.length)
            out.set(
              slug,
              rows.map((r) => ({ sceneSlug: r.scene_slug, confidence: r.confidence, microgenres: [...r.microgenres] })),
            );
        }
        return { out, newest: newestAsOf(lists) };
      };
      const state = await untilAborted(engine.stateAsOf(asOf), signal);
      // A table that stalls does not hold the call past its signal (docs/adapters.md, rule 3).
      const got = await untilAborted(read(state), signal);
      // Rows of a later refresh than the engine knew (another instance over the same stores ran
      // it): the live tables may be later than `asOf`; read from the state as of `asOf` now.
      if (state.live && got.newest !== null && (state.refreshedAsOf === null || got.newest > state.refreshedAsOf)) {
        await sawLaterMemberships(engine, got.newest);
        return (await untilAborted(read(await untilAborted(engine.stateAsOf(asOf), signal)), signal)).out;
      }
      return got.out;
    },
    async getScenePulses(sceneSlugs, { asOf, signal }) {
      signal.throwIfAborted();
      return new Map((await untilAborted(pulses(sceneSlugs, asOf, signal), signal)).map((p) => [p.sceneSlug, p]));
    },
    async listHottestScenes({ limit }, { asOf, signal }) {
      signal.throwIfAborted();
      const all: string[] = [];
      // Pages no larger than the host's cap: a page of 100 over a lower `scenes.maxScenesPerQuery`
      // is refused (SCENES_INVALID_PARAMS), and every hottest-scenes read failed with it.
      const size = Math.min(100, max);
      for (let offset = 0; ; offset += size) {
        const page = await untilAborted(engine.listScenes({ limit: size, offset }), signal);
        all.push(...page.items.map((s) => s.slug));
        if (offset + size >= page.total) break;
      }
      const known = await untilAborted(pulses(all, asOf, signal), signal);
      const scenes = topK(known, limit, (p) => p.heat);
      // Scenes whose heat is unknown are not ranked, and said to be missing.
      return known.length < all.length ? { scenes, unranked: all.length - known.length } : scenes;
    },
  };
}

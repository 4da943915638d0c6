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
import type { ScenePulseSnapshot } from './types.js';

const summary = (p: ScenePulseSnapshot): ScenePulseSummary => ({
  sceneSlug: p.scene_slug,
  heat: p.heat,
  growth: p.growth,
  stage: p.stage,
  asOf: p.asOf,
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
    });

  const pulses = async (slugs: readonly string[], asOf: Date, signal: AbortSignal): Promise<ScenePulseSummary[]> => {
    // A replay of a past day may take a while: the caller can stop waiting; the replay is kept.
    const state: SceneState = await untilAborted(engine.stateAsOf(asOf), signal);
    const stamp = `${state.refreshedAsOf ?? 'none'}|${asOf.getTime()}|`;
    const out: ScenePulseSummary[] = [];
    const missing: string[] = [];
    for (const slug of slugs) {
      const hit = (await memo.get(stamp + slug)) as ScenePulseSummary | undefined;
      if (hit) out.push(hit);
      else missing.push(slug);
    }
    for (let i = 0; i < missing.length; i += max) {
      signal.throwIfAborted();
      // The caller's signal ends the work too, not only its wait.
      const deadline = createDeadline(deps.config.scenes.globalPulseTimeoutMs, signal);
      try {
        for (const item of (await state.pulse.pulsesAsOf(missing.slice(i, i + max), asOf, deadline)).values()) {
          if (!item.pulse) continue;
          const s = summary(item.pulse);
          // Only pulses computed with every source healthy are remembered.
          if (item.pulse.status === 'ok') await memo.set(stamp + item.slug, s, { ttlMs: Number.POSITIVE_INFINITY });
          out.push(s);
        }
      } finally {
        deadline.dispose();
      }
    }
    signal.throwIfAborted();
    return out;
  };

  return {
    async getMemberships(artistSlugs, { asOf, signal }) {
      signal.throwIfAborted();
      const state = await untilAborted(engine.stateAsOf(asOf), signal);
      const out = new Map<string, SceneMembership[]>();
      for (const slug of new Set(artistSlugs)) {
        const rows = (
          await state.stores.scene_memberships.scan({
            where: { artist_slug: slug },
            orderBy: { column: 'confidence', direction: 'desc' },
            limit: 64,
          })
        ).filter((r) => parseInstant(r.joined_at) <= asOf.getTime());
        if (rows.length)
          out.set(
            slug,
            rows.map((r) => ({ sceneSlug: r.scene_slug, confidence: r.confidence, microgenres: [...r.microgenres] })),
          );
      }
      return out;
    },
    async getScenePulses(sceneSlugs, { asOf, signal }) {
      signal.throwIfAborted();
      return new Map((await pulses([...new Set(sceneSlugs)], asOf, signal)).map((p) => [p.sceneSlug, p]));
    },
    async listHottestScenes({ limit }, { asOf, signal }) {
      signal.throwIfAborted();
      const all: string[] = [];
      for (let offset = 0; ; offset += 100) {
        const page = await engine.listScenes({ limit: 100, offset });
        all.push(...page.items.map((s) => s.slug));
        if (offset + 100 >= page.total) break;
      }
      return topK(await pulses(all, asOf, signal), limit, (p) => p.heat);
    },
  };
}

/**
 * @module scenes/scenes-adapter
 * The Scenes Engine offered through the `ScenesAdapter` contract, so the Talent Radar reads it
 * exactly as it would read a remote scenes service (and never imports the engine).
 */
import type { SceneMembership, ScenePulseSummary } from '../contracts/payloads.js';
import type { ScenesAdapter } from '../contracts/sources.js';
import type { Clock } from '../core/clock.js';
import { createDeadline } from '../core/gateway/deadline.js';
import { topK } from '../core/features/stats.js';
import type { SceneRadarConfig } from '../config.js';
import type { ScenesEngine } from './engine.js';
import type { ScenePulseSnapshot } from './types.js';

const summary = (p: ScenePulseSnapshot): ScenePulseSummary => ({ sceneSlug: p.scene_slug, heat: p.heat, growth: p.growth, stage: p.stage, asOf: p.asOf });

/**
 * A `ScenesAdapter` over an engine. Near "now" (within the pulse TTL) it serves the engine's
 * cached live pulses; at other instants it computes pulses as of that instant.
 * @example
 * ```ts
 * const scenes = scenesAdapterFor(radar.scenes, { config: radar.config, clock });
 * ```
 */
export function scenesAdapterFor(engine: ScenesEngine, deps: { readonly config: SceneRadarConfig; readonly clock: Clock }): ScenesAdapter {
  const live = (asOf: Date): boolean => Math.abs(asOf.getTime() - deps.clock.now()) <= deps.config.scenes.scenePulseTtlMs;
  const pulses = async (slugs: readonly string[], asOf: Date): Promise<ScenePulseSnapshot[]> => {
    const out: ScenePulseSnapshot[] = [];
    const max = deps.config.scenes.maxScenesPerQuery;
    for (let i = 0; i < slugs.length; i += max) {
      const chunk = slugs.slice(i, i + max);
      if (live(asOf)) {
        for (const item of await engine.pulse.batchProcessScenes(chunk)) if (item.pulse) out.push(item.pulse);
      } else {
        const deadline = createDeadline(deps.config.scenes.globalPulseTimeoutMs);
        try {
          for (const item of (await engine.pulse.pulsesAsOf(chunk, asOf, deadline)).values()) if (item.pulse) out.push(item.pulse);
        } finally {
          deadline.dispose();
        }
      }
    }
    return out;
  };
  return {
    async getMemberships(artistSlugs, { asOf, signal }) {
      signal.throwIfAborted();
      const out = new Map<string, SceneMembership[]>();
      for (const slug of new Set(artistSlugs)) {
        const rows = (await engine.listMemberships({ artistSlug: slug, limit: 64 })).items.filter((r) => Date.parse(r.joined_at) <= asOf.getTime());
        if (rows.length) out.set(slug, rows.map((r) => ({ sceneSlug: r.scene_slug, confidence: r.confidence, microgenres: [...r.microgenres] })));
      }
      return out;
    },
    async getScenePulses(sceneSlugs, { asOf, signal }) {
      signal.throwIfAborted();
      const unique = [...new Set(sceneSlugs)];
      return new Map((await pulses(unique, asOf)).map((p) => [p.scene_slug, summary(p)]));
    },
    async listHottestScenes({ limit }, { asOf, signal }) {
      signal.throwIfAborted();
      if (live(asOf)) return (await engine.pulse.getGlobalPulse({ limit })).hottest.map(summary);
      const all: string[] = [];
      for (let offset = 0; ; offset += 100) {
        const page = await engine.listScenes({ limit: 100, offset });
        all.push(...page.items.map((s) => s.slug));
        if (offset + 100 >= page.total) break;
      }
      return topK(await pulses(all, asOf), limit, (p) => p.heat).map(summary);
    },
  };
}

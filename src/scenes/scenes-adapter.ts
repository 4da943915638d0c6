/**
 * @module scenes/scenes-adapter
 * The Scenes Engine offered through the `ScenesAdapter` contract, so the Talent Radar reads it
 * exactly as it would read a remote scenes service (and never imports the engine).
 *
 * As-of is honoured: memberships and pulses come from the engine's state as of the instant asked
 * for (`ScenesEngine.stateAsOf`), and a cached live pulse is served only when it was computed as
 * of an instant not after the one asked for.
 */
import type { SceneMembership, ScenePulseSummary } from '../contracts/payloads.js';
import type { ScenesAdapter } from '../contracts/sources.js';
import type { Clock } from '../core/clock.js';
import { createDeadline } from '../core/gateway/deadline.js';
import { topK } from '../core/features/stats.js';
import { parseInstant } from '../core/time.js';
import type { SceneRadarConfig } from '../config.js';
import type { SceneState, ScenesEngine } from './engine.js';
import type { ScenePulseSnapshot } from './types.js';

const summary = (p: ScenePulseSnapshot): ScenePulseSummary => ({ sceneSlug: p.scene_slug, heat: p.heat, growth: p.growth, stage: p.stage, asOf: p.asOf });

/**
 * A `ScenesAdapter` over an engine.
 * @example
 * ```ts
 * const scenes = scenesAdapterFor(radar.scenes, { config: radar.config, clock });
 * ```
 */
export function scenesAdapterFor(engine: ScenesEngine, deps: { readonly config: SceneRadarConfig; readonly clock: Clock }): ScenesAdapter {
  const max = deps.config.scenes.maxScenesPerQuery;

  /** Pulses of `slugs` as of `asOf`, from cached live pulses where they are not newer than asked. */
  const pulses = async (slugs: readonly string[], asOf: Date, signal: AbortSignal): Promise<ScenePulseSnapshot[]> => {
    const state: SceneState = await engine.stateAsOf(asOf);
    const nearNow = Math.abs(asOf.getTime() - deps.clock.now()) <= deps.config.scenes.scenePulseTtlMs;
    const out: ScenePulseSnapshot[] = [];
    for (let i = 0; i < slugs.length; i += max) {
      signal.throwIfAborted();
      const chunk = slugs.slice(i, i + max);
      let missing: string[] = chunk;
      if (state.live && nearNow) {
        missing = [];
        for (const item of await state.pulse.batchProcessScenes(chunk)) {
          if (item.pulse && parseInstant(item.pulse.asOf) <= asOf.getTime()) out.push(item.pulse);
          else if (item.status !== 'not_found') missing.push(item.slug);
        }
      }
      if (missing.length === 0) continue;
      const deadline = createDeadline(deps.config.scenes.globalPulseTimeoutMs);
      try {
        for (const item of (await state.pulse.pulsesAsOf(missing, asOf, deadline)).values()) if (item.pulse) out.push(item.pulse);
      } finally {
        deadline.dispose();
      }
    }
    return out;
  };

  return {
    async getMemberships(artistSlugs, { asOf, signal }) {
      signal.throwIfAborted();
      const state = await engine.stateAsOf(asOf);
      const out = new Map<string, SceneMembership[]>();
      for (const slug of new Set(artistSlugs)) {
        const rows = (await state.stores.scene_memberships.scan({ where: { artist_slug: slug }, orderBy: { column: 'confidence', direction: 'desc' }, limit: 64 })).filter(
          (r) => parseInstant(r.joined_at) <= asOf.getTime(),
        );
        if (rows.length) out.set(slug, rows.map((r) => ({ sceneSlug: r.scene_slug, confidence: r.confidence, microgenres: [...r.microgenres] })));
      }
      return out;
    },
    async getScenePulses(sceneSlugs, { asOf, signal }) {
      signal.throwIfAborted();
      return new Map((await pulses([...new Set(sceneSlugs)], asOf, signal)).map((p) => [p.scene_slug, summary(p)]));
    },
    async listHottestScenes({ limit }, { asOf, signal }) {
      signal.throwIfAborted();
      const all: string[] = [];
      for (let offset = 0; ; offset += 100) {
        const page = await engine.listScenes({ limit: 100, offset });
        all.push(...page.items.map((s) => s.slug));
        if (offset + 100 >= page.total) break;
      }
      return topK(await pulses(all, asOf, signal), limit, (p) => p.heat).map(summary);
    },
  };
}

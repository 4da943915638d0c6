/**
 * @module adapters/memory/demo/scene-heat
 * The latent heat of each scene over time: a lifecycle bump (a scene emerges, grows, peaks and
 * cools around a peak day that may fall before, inside or after the window) plus a slow
 * mean-reverting random walk. Heat drives member growth, debuts and tipping (a network effect),
 * and the scene pulse the sources serve. The stage is the lifecycle phase: emerging (more than
 * 1.2 widths before the peak), growing, peaking (within 0.4 widths of it), cooling (after).
 */
import type { SceneStage } from '../../../src/contracts/payloads.js';
import { Rng, hashSeed } from './rng.js';

/** Days simulated before the window, so that 30-day growth and stages exist from day 0. */
export const HEAT_LEAD_DAYS = 60;

/** Stage codes stored per day (index into this list). */
export const STAGES: readonly SceneStage[] = ['emerging', 'growing', 'peaking', 'cooling'];

/** One scene's latent heat, days `-HEAT_LEAD_DAYS .. days-1` (index `t + HEAT_LEAD_DAYS`). */
export interface SceneHeatCurve {
  /** Heat 0-100 per day. */
  readonly heat: Float32Array;
  /** Stage code per day (see {@link STAGES}). */
  readonly stage: Uint8Array;
  /** Latent lifecycle parameters, for the ground truth. */
  readonly params: {
    readonly base: number;
    readonly amplitude: number;
    readonly peakDay: number;
    readonly width: number;
  };
}

/**
 * Simulates one scene's heat over `days` days (plus the lead).
 * @example
 * ```ts
 * const curve = simulateSceneHeat(42, 0, 400);
 * curve.heat[HEAT_LEAD_DAYS]; // heat on the world's first day
 * ```
 */
export function simulateSceneHeat(seed: number, sceneIndex: number, days: number): SceneHeatCurve {
  const rng = new Rng(hashSeed(seed, 'scene-heat', sceneIndex));
  const base = rng.range(12, 40);
  const amplitude = rng.range(20, 58);
  const peakDay = Math.round(rng.range(-220, days + 220));
  const width = rng.range(80, 280);
  const n = days + HEAT_LEAD_DAYS;
  const heat = new Float32Array(n);
  let walk = rng.normal(0, 4);
  for (let i = 0; i < n; i++) {
    const t = i - HEAT_LEAD_DAYS;
    walk = 0.98 * walk + rng.normal(0, 0.8);
    const z = (t - peakDay) / width;
    const h = Math.min(99, Math.max(1, base + amplitude * Math.exp(-0.5 * z * z) + walk));
    heat[i] = Math.round(h * 10) / 10;
  }
  // The stage is the latent lifecycle phase (position against the peak, in widths), not a reading
  // of the noisy heat: the Scenes Engine has to infer it from data.
  const stage = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const z = (i - HEAT_LEAD_DAYS - peakDay) / width;
    stage[i] = z < -1.2 ? 0 : z < -0.4 ? 1 : z <= 0.4 ? 2 : 3;
  }
  return { heat, stage, params: { base, amplitude, peakDay, width } };
}

/** Heat of a curve on day index `t` (clamped to the simulated range). */
export function heatAt(curve: SceneHeatCurve, t: number): number {
  const i = Math.min(curve.heat.length - 1, Math.max(0, t + HEAT_LEAD_DAYS));
  return curve.heat[i]!;
}

/** Stage of a curve on day index `t` (clamped to the simulated range). */
export function stageAt(curve: SceneHeatCurve, t: number): SceneStage {
  const i = Math.min(curve.stage.length - 1, Math.max(0, t + HEAT_LEAD_DAYS));
  return STAGES[curve.stage[i]!]!;
}

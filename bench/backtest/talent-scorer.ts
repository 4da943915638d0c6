/**
 * @module bench/backtest/talent-scorer
 * The Talent Radar's breakout score as a backtest scorer. A standalone Talent Radar reads the
 * world's sources exactly as a host's would (through the gateway, as of each cutoff); `fit`
 * calibrates the breakout weights on the training cutoffs' labels with `radar.calibrate()`, and
 * `score` ranks each cutoff's candidates by `breakout_score`, momentum normalised against the
 * world's universe at that cutoff. No label of a scored cutoff is ever seen.
 */
import {
  Cache,
  TalentRadar,
  createSourceGateway,
  memoryTalentStores,
  resolveConfig,
  systemClock,
  type BreakoutModel,
  type SceneRadarConfigInput,
} from 'scene-radar';
import type { BacktestScorer, BacktestWorld } from './scorer.js';

/** Options of {@link createTalentScorer}. */
export interface TalentScorerOptions {
  /** Configuration overrides for the radar under test. */
  readonly config?: SceneRadarConfigInput;
  /** L2 penalty of the calibration. @default 1 */
  readonly l2?: number;
  /** Calibrate on the training cutoffs (else the configured default weights are scored). @default true */
  readonly calibrate?: boolean;
  /** Name in the report. @default 'breakout' */
  readonly name?: string;
}

function radarOver(world: BacktestWorld, config: SceneRadarConfigInput | undefined): { radar: TalentRadar; close: () => void } {
  const resolved = resolveConfig(config);
  const gateway = createSourceGateway({ sources: world.sources, config: resolved });
  const cache = new Cache<unknown>({ ttlMs: resolved.talent.globalPulseTtlMs, maxEntries: 1_000 });
  const radar = new TalentRadar({ stores: memoryTalentStores(), gateway, config: resolved, clock: systemClock, cache });
  return { radar, close: () => gateway.close() };
}

/**
 * The breakout scorer.
 * @example
 * ```ts
 * const result = await runBacktest(suite, { breakout: createTalentScorer() });
 * ```
 */
export function createTalentScorer(options: TalentScorerOptions = {}): BacktestScorer {
  let model: BreakoutModel | null = null;
  return {
    name: options.name ?? 'breakout',
    description: options.calibrate === false ? 'Talent Radar breakout_score, default weights' : 'Talent Radar breakout_score, weights calibrated on the training cutoffs (radar.calibrate)',
    probabilistic: true,
    async fit(world, train) {
      if (options.calibrate === false) return;
      const { radar, close } = radarOver(world, options.config);
      try {
        const examples = train.flatMap((c) => c.candidates.map((artistSlug) => ({ artistSlug, asOf: c.asOf, label: c.labels.get(artistSlug) === true })));
        const fit = await radar.calibrate(examples, { l2: options.l2 ?? 1, population: (asOf) => world.universe(asOf) });
        model = { intercept: fit.intercept, weights: fit.weights };
        if (process.env.BACKTEST_DEBUG) console.error(JSON.stringify(fit));
      } finally {
        close();
      }
    },
    async score(world, cutoff) {
      const { radar, close } = radarOver(world, options.config);
      try {
        if (model) radar.setBreakoutModel(model);
        const scored = await radar.scoreArtists(cutoff.candidates, { asOf: cutoff.asOf, population: world.universe(cutoff.asOf) });
        return new Map(scored.features.map((f, i) => [f.artistSlug, scored.scores.breakout[i]!]));
      } finally {
        close();
      }
    },
  };
}

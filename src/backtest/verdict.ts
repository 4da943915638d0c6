/**
 * @module backtest/verdict
 * Judges the scorer under test against a target: a floor on its mean AUC, and every baseline beaten.
 */
import type { ScorerResult, Verdict } from './result.js';
import type { BacktestTarget } from './types.js';

const SPAN = { train: 'training', test: 'test', all: 'all' } as const;

/**
 * The verdict: mean AUC on the target split at least `minMeanAuc` and above every baseline's mean
 * AUC on the same split.
 * @example
 * ```ts
 * judge(result.scorer!, result.baselines, { split: 'test', minMeanAuc: 0.75 }).text;
 * ```
 */
export function judge(model: ScorerResult, baselines: readonly ScorerResult[], target: BacktestTarget): Verdict {
  const span = SPAN[target.split];
  if (!model.splits)
    return { met: false, text: `Target not met: the scorer under test failed (${model.error ?? 'no result'}).` };
  const own = model.splits[target.split].meanAuc;
  if (own === null) return { met: false, text: `Target not met: no ${span} cutoff has a defined AUC.` };
  const best = baselines
    .map((b) => ({ name: b.name, auc: b.splits?.[target.split].meanAuc ?? null }))
    .filter((b): b is { name: string; auc: number } => b.auc !== null)
    .sort((a, b) => b.auc - a.auc)[0];
  const fmt = (x: number): string => x.toFixed(3);
  const aboveFloor = own >= target.minMeanAuc;
  const aboveBaselines = best === undefined || own > best.auc;
  const vsBest = best ? `the best baseline (${best.name}) reaches ${fmt(best.auc)}` : 'no baseline has a result';
  if (aboveFloor && aboveBaselines)
    return {
      met: true,
      text: `Target met: mean AUC ${fmt(own)} on the ${span} cutoffs (>= ${target.minMeanAuc}); ${vsBest}.`,
    };
  const why = [!aboveFloor ? `below ${target.minMeanAuc}` : null, !aboveBaselines ? 'not above every baseline' : null]
    .filter(Boolean)
    .join(' and ');
  return { met: false, text: `Target NOT met: mean AUC ${fmt(own)} on the ${span} cutoffs is ${why}; ${vsBest}.` };
}

/**
 * @module backtest/verdict
 * Judges the scorer under test against a target: a floor on its mean AUC, and every baseline beaten.
 */
import type { ScorerResult, SplitSummary, Verdict } from './result.js';
import type { BacktestTarget } from './types.js';

const SPAN = { train: 'training', test: 'test', all: 'all' } as const;

/** Why the scorer under test has no mean AUC on a split it has figures for. */
function noFigure(split: SplitSummary, span: string): string {
  if (split.cutoffs === 0) return `there is no ${span} cutoff`;
  // Older results lack pAtKSkipped: their P@k was never skipped.
  if ((split.pAtKSkipped ?? 0) >= split.cutoffs)
    return `the scorer under test scored no candidate at any ${span} cutoff`;
  return `no ${span} cutoff has a defined AUC (each lacks a positive, a negative or a scored candidate)`;
}

/**
 * The verdict: mean AUC on the target split at least `minMeanAuc` and above every baseline's mean
 * AUC on the same split. When the scorer under test has no mean AUC there (it failed, it scored no
 * candidate, no cutoff has both outcomes), the target is not judged: `judged` false, `met` false,
 * and the text says why. A baseline without a mean AUC is left out of the comparison.
 * @example
 * ```ts
 * judge(result.scorer!, result.baselines, { split: 'test', minMeanAuc: 0.75 }).text;
 * ```
 */
export function judge(model: ScorerResult, baselines: readonly ScorerResult[], target: BacktestTarget): Verdict {
  const span = SPAN[target.split];
  const notJudged = (why: string): Verdict => ({ met: false, judged: false, text: `Target not judged: ${why}.` });
  if (!model.splits) return notJudged(`the scorer under test failed (${model.error ?? 'no result'})`);
  const split = model.splits[target.split];
  const own = split.meanAuc;
  if (own === null) return notJudged(noFigure(split, span));
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
      judged: true,
      text: `Target met: mean AUC ${fmt(own)} on the ${span} cutoffs (>= ${target.minMeanAuc}); ${vsBest}.`,
    };
  const why = [!aboveFloor ? `below ${target.minMeanAuc}` : null, !aboveBaselines ? 'not above every baseline' : null]
    .filter(Boolean)
    .join(' and ');
  return {
    met: false,
    judged: true,
    text: `Target NOT met: mean AUC ${fmt(own)} on the ${span} cutoffs is ${why}; ${vsBest}.`,
  };
}

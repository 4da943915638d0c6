/**
 * @module backtest/verdict
 * Judges the scorer under test against a target: a floor on its mean AUC, and every baseline beaten.
 */
import type { CutoffScore, ScorerResult, SplitSummary, Verdict } from './result.js';
import type { BacktestTarget } from './types.js';

const SPAN = { train: 'training', test: 'test', all: 'all' } as const;

/** Why the scorer under test has no mean AUC on a split it has figures for. */
function noFigure(split: SplitSummary, span: string): string {
  if (split.cutoffs === 0) return `there is no ${span} cutoff`;
  // Nobody to rank is the candidates' doing, not the scorer's.
  if (split.candidates === 0) return `no ${span} cutoff has a candidate`;
  // Older results lack pAtKSkipped: their P@k was never skipped.
  if ((split.pAtKSkipped ?? 0) >= split.cutoffs)
    return `the scorer under test scored no candidate at any ${span} cutoff`;
  return `no ${span} cutoff has a defined AUC (each lacks a positive, a negative or a scored candidate)`;
}

/** Which cutoffs of a result split a per-cutoff figure belongs to. */
function inSplit(split: BacktestTarget['split']): (c: CutoffScore) => boolean {
  return (c) => c.split === split;
}

/** The model's and a baseline's mean AUC over the cutoffs of the split where both have one. */
interface Paired {
  readonly name: string;
  /** The baseline's own mean AUC on the split (every cutoff where it has one). */
  readonly own: number;
  /** The model's mean over the shared cutoffs. */
  readonly model: number;
  /** The baseline's mean over the shared cutoffs. */
  readonly baseline: number;
  /** Shared cutoffs. */
  readonly cutoffs: number;
  /** Whether the shared cutoffs are every cutoff either has an AUC at. */
  readonly complete: boolean;
}

function paired(model: ScorerResult, baseline: ScorerResult, target: BacktestTarget): Paired | null {
  const own = baseline.splits?.[target.split].meanAuc ?? null;
  if (own === null) return null;
  const keep = target.split === 'all' ? () => true : inSplit(target.split);
  const modelAuc = new Map<string, number>();
  for (const c of model.perCutoff) if (keep(c) && c.auc !== null) modelAuc.set(c.asOf, c.auc);
  let m = 0;
  let b = 0;
  let n = 0;
  let baselineDefined = 0;
  for (const c of baseline.perCutoff) {
    if (!keep(c) || c.auc === null) continue;
    baselineDefined++;
    const mine = modelAuc.get(c.asOf);
    if (mine === undefined) continue;
    m += mine;
    b += c.auc;
    n++;
  }
  // Results without per-cutoff figures (hand-built, or written by an older version) compare means.
  if (baseline.perCutoff.length === 0 || model.perCutoff.length === 0) {
    const mean = model.splits?.[target.split].meanAuc ?? null;
    return mean === null ? null : { name: baseline.name, own, model: mean, baseline: own, cutoffs: 0, complete: true };
  }
  // No cutoff where both have an AUC: the own means are compared, as before pairing (never left out).
  if (n === 0) {
    const mean = model.splits?.[target.split].meanAuc ?? null;
    return mean === null ? null : { name: baseline.name, own, model: mean, baseline: own, cutoffs: 0, complete: true };
  }
  return {
    name: baseline.name,
    own,
    model: m / n,
    baseline: b / n,
    cutoffs: n,
    complete: n === baselineDefined && n === modelAuc.size,
  };
}

/** How far apart two mean AUCs may be and still count as equal (the rounding of a sum of a few AUCs). */
const MEAN_TOLERANCE = 1e-12;

/**
 * The verdict: mean AUC on the target split at least `minMeanAuc` and above every baseline's mean
 * AUC on the same split (means within 1e-12 of each other, float rounding, count as equal). When the scorer under test has no mean AUC there (it failed, it scored no
 * candidate, no cutoff has both outcomes), the target is not judged: `judged` false, `met` false,
 * and the text says why. A baseline without a mean AUC is left out of the comparison. Each baseline
 * is compared over the cutoffs where both it and the scorer under test have an AUC, so a scorer that
 * left a hard cutoff unscored is not judged against a baseline's mean that includes it; the text
 * gives those paired means when they cover fewer cutoffs than either scorer's own.
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
  const fmt = (x: number): string => x.toFixed(3);
  const pairs = baselines.map((b) => paired(model, b, target)).filter((p): p is Paired => p !== null);
  const best = [...pairs].sort((a, b) => b.own - a.own)[0];
  // Means within rounding of each other are equal: AUCs of 7/10, 8/10 and 9/10 average to
  // 0.7999999999999999 in floating point (not the floor 0.8), and 0.1 + 0.2 + 0.3 "beat" the same
  // three AUCs summed the other way round.
  const beaten = pairs.filter((p) => p.model <= p.baseline + MEAN_TOLERANCE);
  const aboveFloor = own >= target.minMeanAuc - MEAN_TOLERANCE;
  const aboveBaselines = beaten.length === 0;
  const describe = (p: Paired): string =>
    p.complete
      ? `the best baseline (${p.name}) reaches ${fmt(p.own)}`
      : `the best baseline (${p.name}) reaches ${fmt(p.own)}; over the ${p.cutoffs} ${span} cutoff(s) where both have an AUC, ${fmt(p.model)} against its ${fmt(p.baseline)}`;
  const vsBest = best ? describe(best) : 'no baseline has a result';
  if (aboveFloor && aboveBaselines)
    return {
      met: true,
      judged: true,
      text: `Target met: mean AUC ${fmt(own)} on the ${span} cutoffs (>= ${target.minMeanAuc}); ${vsBest}.`,
    };
  const unbeaten = beaten.find((p) => !p.complete && p !== best);
  const why = [!aboveFloor ? `below ${target.minMeanAuc}` : null, !aboveBaselines ? 'not above every baseline' : null]
    .filter(Boolean)
    .join(' and ');
  const extra = unbeaten
    ? `; over the ${unbeaten.cutoffs} ${span} cutoff(s) where both have an AUC, ${fmt(unbeaten.model)} against ${unbeaten.name}'s ${fmt(unbeaten.baseline)}`
    : '';
  return {
    met: false,
    judged: true,
    text: `Target NOT met: mean AUC ${fmt(own)} on the ${span} cutoffs is ${why}; ${vsBest}${extra}.`,
  };
}

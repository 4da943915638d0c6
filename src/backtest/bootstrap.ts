/**
 * @module backtest/bootstrap
 * Bootstrap intervals of the split figures, resampling whole cutoffs, with a seeded PRNG so the
 * intervals are the same run to run.
 */
import { BacktestError } from './errors.js';
import { mulberry32 } from '../core/random.js';
import { auc, compareAsc, hasScore, precisionAtK, type RankedCutoff } from './metrics.js';

/** A percentile interval, `[low, high]`; null when the statistic was never defined. */
export type Interval = readonly [number, number] | null;

/** Bootstrap 95% intervals of the split figures. */
export interface SplitIntervals {
  /** Interval of the mean AUC. */
  readonly meanAuc: Interval;
  /** Interval of the mean precision@k. */
  readonly meanPAtK: Interval;
  /** Interval of the pooled average precision. */
  readonly pooledAp: Interval;
  /** Resamples drawn. */
  readonly resamples: number;
  /** PRNG seed. */
  readonly seed: number;
}

function percentileInterval(values: number[], level: number): Interval {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const at = (q: number): number => values[Math.min(values.length - 1, Math.max(0, Math.floor(q * values.length)))]!;
  const tail = (1 - level) / 2;
  return [at(tail), at(1 - tail)];
}

/**
 * Average precision of a pooled multiset: item `i` (taken in `order`, indices sorted by score,
 * best first) counts `weights[cutoffOf[i]]` times. The same as `averagePrecision` (metrics.ts) on the
 * concatenated copies, without building or sorting them: what makes thousands of resamples cheap.
 * Null, like it, without a positive or without a scored item among the copies.
 * @example
 * ```ts
 * weightedAveragePrecision([0, 1], [2, 1], [true, false], [0, 1], [2, 1]); // 1
 * ```
 */
export function weightedAveragePrecision(
  order: readonly number[],
  scores: readonly number[],
  labels: readonly boolean[],
  cutoffOf: readonly number[],
  weights: readonly number[],
): number | null {
  let totalPositives = 0;
  let scored = false;
  for (const i of order) {
    const w = weights[cutoffOf[i]!]!;
    if (labels[i]) totalPositives += w;
    if (w > 0 && hasScore(scores[i]!)) scored = true;
  }
  if (totalPositives === 0 || !scored) return null;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  for (let g = 0; g < order.length; ) {
    let h = g;
    let groupPositives = 0;
    let groupNegatives = 0;
    while (h < order.length && compareAsc(scores[order[h]!]!, scores[order[g]!]!) === 0) {
      const i = order[h]!;
      const w = weights[cutoffOf[i]!]!;
      if (labels[i]) groupPositives += w;
      else groupNegatives += w;
      h++;
    }
    tp += groupPositives;
    fp += groupNegatives;
    if (groupPositives > 0) ap += (groupPositives / totalPositives) * (tp / (tp + fp));
    g = h;
  }
  return ap;
}

/**
 * The most resamples a bootstrap draws (50 times the default): the draws run without a pause, so a
 * larger count would hold the event loop for minutes.
 */
export const MAX_RESAMPLES = 100_000;

/** Options of {@link bootstrapIntervals}. */
export interface BootstrapOptions {
  /** Resamples drawn: a whole number from 0 to {@link MAX_RESAMPLES}. @default 2000 */
  readonly resamples?: number;
  /** PRNG seed, a whole number >= 0. @default 20240601 */
  readonly seed?: number;
  /** Coverage of the interval, above 0 and below 1. @default 0.95 */
  readonly level?: number;
  /** The k of precision@k. @default 10 */
  readonly k?: number;
}

/**
 * Percentile bootstrap intervals, resampling whole cutoffs with replacement (candidates of one
 * cutoff are not independent, cutoffs nearly are). Per-cutoff AUC and precision are computed once;
 * pooled AP is recomputed on each resample's pooled candidates (as weights on one sorted pool).
 * A cutoff whose AUC or precision is undefined is left out of that mean in every resample, as in
 * `splitFigures`; a resample in which a figure is never defined adds nothing to its interval.
 * @example
 * ```ts
 * bootstrapIntervals(cutoffs, { resamples: 2000, seed: 7 }).meanAuc; // [0.61, 0.74]
 * ```
 */
export function bootstrapIntervals(cutoffs: readonly RankedCutoff[], options: BootstrapOptions = {}): SplitIntervals {
  const resamples = options.resamples ?? 2000;
  const seed = options.seed ?? 20_240_601;
  const k = options.k ?? 10;
  if (!Number.isInteger(k) || k < 1)
    throw new BacktestError('BACKTEST_INVALID_OPTIONS', `k must be an integer >= 1, got ${String(k)}`);
  if (!Number.isInteger(resamples) || resamples < 0 || resamples > MAX_RESAMPLES)
    throw new BacktestError(
      'BACKTEST_INVALID_OPTIONS',
      `resamples must be an integer from 0 to ${MAX_RESAMPLES}, got ${String(resamples)}`,
    );
  if (!Number.isInteger(seed) || seed < 0)
    throw new BacktestError('BACKTEST_INVALID_OPTIONS', `seed must be an integer >= 0, got ${String(seed)}`);
  const level = options.level ?? 0.95;
  if (typeof level !== 'number' || !(level > 0 && level < 1))
    throw new BacktestError(
      'BACKTEST_INVALID_OPTIONS',
      `level must be a number above 0 and below 1, got ${String(level)}`,
    );
  const n = cutoffs.length;
  const aucs = cutoffs.map((c) => auc(c.scores, c.labels));
  const precisions = cutoffs.map((c) => precisionAtK(c.scores, c.labels, k));
  const scores = cutoffs.flatMap((c) => c.scores);
  const labels = cutoffs.flatMap((c) => c.labels);
  const cutoffOf = cutoffs.flatMap((c, j) => c.scores.map(() => j));
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => compareAsc(scores[b]!, scores[a]!));
  const rand = mulberry32(seed);
  const meanAucs: number[] = [];
  const meanPs: number[] = [];
  const aps: number[] = [];
  const weights = new Array<number>(n).fill(0);
  if (n > 0) {
    for (let r = 0; r < resamples; r++) {
      weights.fill(0);
      let aucSum = 0;
      let aucN = 0;
      let pSum = 0;
      let pN = 0;
      for (let i = 0; i < n; i++) {
        const j = Math.floor(rand() * n);
        weights[j]!++;
        const a = aucs[j]!;
        if (a !== null) {
          aucSum += a;
          aucN++;
        }
        const p = precisions[j]!;
        if (p !== null) {
          pSum += p;
          pN++;
        }
      }
      if (aucN > 0) meanAucs.push(aucSum / aucN);
      if (pN > 0) meanPs.push(pSum / pN);
      const ap = weightedAveragePrecision(order, scores, labels, cutoffOf, weights);
      if (ap !== null) aps.push(ap);
    }
  }
  return {
    meanAuc: percentileInterval(meanAucs, level),
    meanPAtK: percentileInterval(meanPs, level),
    pooledAp: percentileInterval(aps, level),
    resamples,
    seed,
  };
}

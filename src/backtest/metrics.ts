/**
 * @module backtest/metrics
 * Ranking metrics, pure (bootstrap intervals and calibration have their own modules). Scores are
 * "higher = more likely"; a missing score is passed as `-Infinity` so it ranks last (tied with the
 * other missing ones). Ties are handled the way an unbiased random tie-break would be on average,
 * so a metric never depends on the order candidates happen to be listed in. A ranking in which no
 * candidate has a score measured nothing: every metric of it is null (undefined), never the figure
 * an all-tied ranking would give by construction (an AUC of 0.5, a precision at the base rate).
 */
import { BacktestError } from './errors.js';

/**
 * Whether a score is a score: not missing (`-Infinity`, NaN). `+Infinity` ranks first and counts.
 * @example
 * ```ts
 * hasScore(0); // true
 * hasScore(-Infinity); // false
 * ```
 */
export function hasScore(score: number): boolean {
  return score > -Infinity;
}

/** Whether any candidate of a ranking has a score (see {@link hasScore}). */
const anyScored = (scores: readonly number[]): boolean => scores.some(hasScore);

/** Refuses scores and labels that are not index-aligned lists of the same length (`BACKTEST_INVALID_OPTIONS`). */
function checkRanking(scores: readonly number[], labels: readonly boolean[]): void {
  if (!Array.isArray(scores) || !Array.isArray(labels) || scores.length !== labels.length)
    throw new BacktestError(
      'BACKTEST_INVALID_OPTIONS',
      `scores and labels must be lists of the same length (got ${Array.isArray(scores) ? scores.length : typeof scores} and ${Array.isArray(labels) ? labels.length : typeof labels})`,
    );
}

/** The scores and labels of one cutoff, index-aligned. */
export interface RankedCutoff {
  /** Score per candidate, higher = more likely; `-Infinity` for a missing score. */
  readonly scores: readonly number[];
  /** Label per candidate. */
  readonly labels: readonly boolean[];
}

/**
 * Area under the ROC curve by the Mann-Whitney U statistic, ties counted one half (average ranks).
 * NaN ranks as `-Infinity` (see {@link compareAsc}): tied with the missing scores. Returns null
 * when there is no positive or no negative, or when no candidate has a score (every one missing):
 * the AUC is undefined there. Lists of different lengths are refused (`BACKTEST_INVALID_OPTIONS`).
 * @example
 * ```ts
 * auc([3, 2, 1], [true, false, false]); // 1
 * auc([1, 1], [true, false]); // 0.5
 * auc([1, -Infinity], [true, false]); // 1: the missing score ranks last
 * auc([-Infinity, Number.NaN], [true, false]); // null: nothing was scored
 * ```
 */
export function auc(scores: readonly number[], labels: readonly boolean[]): number | null {
  checkRanking(scores, labels);
  const n = scores.length;
  if (!anyScored(scores)) return null;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => compareAsc(scores[a]!, scores[b]!));
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    // Tied as the sort has them (compareAsc): NaN ties -Infinity and NaN, which === would not.
    while (j + 1 < n && compareAsc(scores[order[j + 1]!]!, scores[order[i]!]!) === 0) j++;
    // Ranks i+1..j+1 share their average: that is what counts a tie as one half.
    const avg = (i + 1 + j + 1) / 2;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!]) {
        positives++;
        rankSum += avg;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Ascending order of scores with `-Infinity` first; NaN is treated as `-Infinity`.
 * @example
 * ```ts
 * [2, Number.NaN, 1].sort(compareAsc); // [NaN, 1, 2]
 * ```
 */
export function compareAsc(a: number, b: number): number {
  const x = Number.isNaN(a) ? -Infinity : a;
  const y = Number.isNaN(b) ? -Infinity : b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Precision among the `k` best-scored candidates (k capped at the number of candidates). When the
 * k-th place is tied, the tied group fills the remaining places pro rata: the expected precision
 * under a random tie-break. Null when there is no candidate or no candidate has a score (every
 * one missing): nothing was ranked. A ranking without a positive has precision 0. Lists of
 * different lengths, or a `k` that is not an integer >= 1, are refused (`BACKTEST_INVALID_OPTIONS`).
 * @example
 * ```ts
 * precisionAtK([0.9, 0.8, 0.1], [true, false, true], 2); // 0.5
 * precisionAtK([1, 1, 1, 1], [true, false, false, false], 2); // 0.25
 * precisionAtK([], [], 10); // null
 * precisionAtK([-Infinity, -Infinity], [true, false], 1); // null: nothing was scored
 * ```
 */
export function precisionAtK(scores: readonly number[], labels: readonly boolean[], k: number): number | null {
  checkRanking(scores, labels);
  // A k-th place that is not a whole place would tie every candidate with it.
  if (!Number.isInteger(k) || k < 1)
    throw new BacktestError('BACKTEST_INVALID_OPTIONS', `k must be an integer >= 1, got ${String(k)}`);
  const n = scores.length;
  const m = Math.min(k, n);
  if (!anyScored(scores)) return null;
  if (m <= 0) return 0;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => compareAsc(scores[b]!, scores[a]!));
  const kth = scores[order[m - 1]!]!;
  let hits = 0;
  let taken = 0;
  let tiedCount = 0;
  let tiedHits = 0;
  for (const i of order) {
    const s = scores[i]!;
    if (compareAsc(s, kth) > 0) {
      taken++;
      if (labels[i]) hits++;
    } else if (compareAsc(s, kth) === 0) {
      tiedCount++;
      if (labels[i]) tiedHits++;
    }
  }
  hits += ((m - taken) * tiedHits) / tiedCount;
  return hits / m;
}

/**
 * Average precision (area under the precision-recall step curve), with each group of tied
 * scores taken as one threshold, as scikit-learn's `average_precision_score` does. Null when
 * there is no positive or no candidate has a score (every one missing). Lists of different
 * lengths are refused (`BACKTEST_INVALID_OPTIONS`).
 * @example
 * ```ts
 * averagePrecision([3, 2, 1], [true, false, true]); // (1 + 2/3) / 2
 * averagePrecision([-Infinity, -Infinity], [true, false]); // null: nothing was scored
 * ```
 */
export function averagePrecision(scores: readonly number[], labels: readonly boolean[]): number | null {
  checkRanking(scores, labels);
  const n = scores.length;
  const totalPositives = labels.filter(Boolean).length;
  if (totalPositives === 0 || !anyScored(scores)) return null;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => compareAsc(scores[b]!, scores[a]!));
  let tp = 0;
  let fp = 0;
  let ap = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    let groupPositives = 0;
    while (j < n && compareAsc(scores[order[j]!]!, scores[order[i]!]!) === 0) {
      if (labels[order[j]!]) groupPositives++;
      j++;
    }
    tp += groupPositives;
    fp += j - i - groupPositives;
    ap += (groupPositives / totalPositives) * (tp / (tp + fp));
    i = j;
  }
  return ap;
}

/** The per-split figures the bootstrap resamples. */
export interface SplitFigures {
  /** Mean AUC over the cutoffs where it is defined, or null if none. */
  readonly meanAuc: number | null;
  /**
   * Cutoffs whose AUC was undefined and left out of the mean: no positive, no negative, or no
   * candidate scored.
   */
  readonly aucSkipped: number;
  /**
   * Mean precision@k over the cutoffs where it is defined (a cutoff with no positive counts as 0),
   * or null if none.
   */
  readonly meanPAtK: number | null;
  /**
   * Cutoffs whose precision@k was undefined and left out of the mean: no candidate, or no
   * candidate scored. Results written before this field existed lack it (read it as 0: their
   * means counted every cutoff).
   */
  readonly pAtKSkipped: number;
  /**
   * Average precision of all cutoffs' candidates pooled (those left unscored rank last), or null
   * without positives or without a single scored candidate.
   */
  readonly pooledAp: number | null;
}

const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/**
 * Mean AUC, mean precision@k (k = 10 unless given) and pooled average precision of a set of
 * cutoffs. A cutoff where a metric is undefined (null) is left out of its mean and counted.
 * @example
 * ```ts
 * splitFigures([{ scores: [2, 1], labels: [true, false] }]).meanAuc; // 1
 * splitFigures([{ scores: [-Infinity, -Infinity], labels: [true, false] }]).pAtKSkipped; // 1
 * ```
 */
export function splitFigures(cutoffs: readonly RankedCutoff[], k = 10): SplitFigures {
  const aucs: number[] = [];
  const precisions: number[] = [];
  let aucSkipped = 0;
  let pAtKSkipped = 0;
  for (const c of cutoffs) {
    const a = auc(c.scores, c.labels);
    if (a === null) aucSkipped++;
    else aucs.push(a);
    const p = precisionAtK(c.scores, c.labels, k);
    if (p === null) pAtKSkipped++;
    else precisions.push(p);
  }
  return {
    meanAuc: mean(aucs),
    aucSkipped,
    meanPAtK: mean(precisions),
    pAtKSkipped,
    pooledAp: averagePrecision(
      cutoffs.flatMap((c) => c.scores),
      cutoffs.flatMap((c) => c.labels),
    ),
  };
}

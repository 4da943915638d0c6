/**
 * @module backtest/calibration
 * Calibration of scores that are probabilities: reliability bins, Brier score, expected
 * calibration error.
 */
import { BacktestError } from './errors.js';
import { describeValue } from './validate.js';

/** The most reliability bins {@link calibration} draws. */
const MAX_CALIBRATION_BINS = 1000;

/** One reliability bin. */
export interface ReliabilityBin {
  /** Lower edge of the predicted probability. */
  readonly from: number;
  /** Upper edge (the last bin includes 1). */
  readonly to: number;
  /** Predictions in the bin. */
  readonly count: number;
  /** Mean predicted probability, null for an empty bin. */
  readonly meanPredicted: number | null;
  /** Observed positive rate, null for an empty bin. */
  readonly observedRate: number | null;
}

/** Calibration of probabilistic scores. */
export interface Calibration {
  /** Ten equal-width bins over [0, 1]. */
  readonly bins: readonly ReliabilityBin[];
  /** Mean squared error of the probabilities; null over zero predictions (there is nothing to measure). */
  readonly brier: number | null;
  /** Expected calibration error: bin-weighted mean of |observed - predicted|; null over zero predictions. */
  readonly ece: number | null;
  /** Predictions counted. */
  readonly count: number;
  /** Predictions outside [0, 1] that were clamped. */
  readonly clamped: number;
}

/**
 * Reliability bins, Brier score and expected calibration error of probabilities. Values outside
 * [0, 1] are clamped (and counted); missing ones (`-Infinity`, NaN) count as 0. Over zero
 * predictions the Brier score and the ECE are null (the bins are empty). The two lists
 * must have the same length and `binCount` must be an integer from 1 to 1000, or it throws a
 * `BACKTEST_INVALID_OPTIONS` {@link BacktestError}.
 * @example
 * ```ts
 * calibration([0.05, 0.95], [false, true]).brier; // 0.0025
 * calibration([], []).brier; // null
 * calibration([0.05, 0.95], [false, true], 0); // throws: binCount must be an integer in 1-1000
 * ```
 */
export function calibration(probabilities: readonly number[], labels: readonly boolean[], binCount = 10): Calibration {
  if (typeof binCount !== 'number' || !Number.isInteger(binCount) || binCount < 1 || binCount > MAX_CALIBRATION_BINS)
    throw new BacktestError(
      'BACKTEST_INVALID_OPTIONS',
      `calibration: binCount must be an integer in 1-${MAX_CALIBRATION_BINS}, got ${describeValue(binCount)}`,
    );
  if (!Array.isArray(probabilities) || !Array.isArray(labels) || probabilities.length !== labels.length)
    throw new BacktestError(
      'BACKTEST_INVALID_OPTIONS',
      `calibration: probabilities and labels must be arrays of the same length, got ${
        Array.isArray(probabilities) && Array.isArray(labels)
          ? `lengths ${probabilities.length} and ${labels.length}`
          : `${describeValue(probabilities)} and ${describeValue(labels)}`
      }`,
    );
  const counts = new Array<number>(binCount).fill(0);
  const sumP = new Array<number>(binCount).fill(0);
  const sumY = new Array<number>(binCount).fill(0);
  let brier = 0;
  let clamped = 0;
  const n = probabilities.length;
  for (let i = 0; i < n; i++) {
    const raw = probabilities[i]!;
    const finite = Number.isFinite(raw) ? raw : 0;
    const p = Math.min(1, Math.max(0, finite));
    if (p !== raw) clamped++;
    const y = labels[i] ? 1 : 0;
    // Against the very edges the bins report (`from` = b / binCount): the product alone put
    // 0.3 * 3 = 0.8999999999999999 in the 0.9-1.0 bin and 0.29 in the bin below it (x 100).
    let b = Math.min(binCount - 1, Math.floor(p * binCount));
    if (b > 0 && p < b / binCount) b--;
    else if (b < binCount - 1 && p >= (b + 1) / binCount) b++;
    counts[b]!++;
    sumP[b]! += p;
    sumY[b]! += y;
    brier += (p - y) ** 2;
  }
  let ece = 0;
  const bins = counts.map((c, b) => {
    const meanPredicted = c ? sumP[b]! / c : null;
    const observedRate = c ? sumY[b]! / c : null;
    if (c) ece += (c / n) * Math.abs(observedRate! - meanPredicted!);
    return { from: b / binCount, to: (b + 1) / binCount, count: c, meanPredicted, observedRate };
  });
  return { bins, brier: n ? brier / n : null, ece: n ? ece : null, count: n, clamped };
}

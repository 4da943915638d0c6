/**
 * @module talent/calibrate
 * Refits the breakout model on labelled history: an L2-regularised logistic regression solved by
 * Newton's method (13 parameters: a closed system, no optimiser dependency). Pure.
 */
import { SceneRadarError } from '../core/errors.js';
import { BREAKOUT_FEATURES, type BreakoutFeature } from './model-config.js';

/** One labelled example: the breakout inputs of an artist as of a date, and whether the event followed. */
export interface CalibrationExample {
  /** Normalised inputs, in `BREAKOUT_FEATURES` order. */
  readonly inputs: readonly number[];
  /** Whether the named event happened within the horizon. */
  readonly label: boolean;
}

/** A fitted breakout model. */
export interface BreakoutModel {
  /** Intercept (log-odds). */
  readonly intercept: number;
  /** One weight per input. */
  readonly weights: Readonly<Record<BreakoutFeature, number>>;
}

/** What {@link fitBreakoutModel} returns. */
export interface CalibrationResult extends BreakoutModel {
  /** Examples used. */
  readonly examples: number;
  /** Positive examples. */
  readonly positives: number;
  /** Mean log-loss on the examples after fitting. */
  readonly logLoss: number;
  /** Newton iterations run. */
  readonly iterations: number;
}

/** Options of {@link fitBreakoutModel}. */
export interface CalibrationOptions {
  /** L2 penalty on the weights (not the intercept). @default 1 */
  readonly l2?: number;
  /** Inputs to leave out (their weight is fixed at 0). @default [] */
  readonly exclude?: readonly BreakoutFeature[];
}

/** Solves `A x = b` in place (Gaussian elimination with partial pivoting). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(A[r]![col]!) > Math.abs(A[piv]![col]!)) piv = r;
    [A[col], A[piv]] = [A[piv]!, A[col]!];
    [b[col], b[piv]] = [b[piv]!, b[col]!];
    const d = A[col]![col]!;
    if (Math.abs(d) < 1e-12) continue;
    for (let r = col + 1; r < n; r++) {
      const f = A[r]![col]! / d;
      if (f === 0) continue;
      for (let k = col; k < n; k++) A[r]![k]! -= f * A[col]![k]!;
      b[r]! -= f * b[col]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= A[r]![k]! * x[k]!;
    x[r] = Math.abs(A[r]![r]!) < 1e-12 ? 0 : s / A[r]![r]!;
  }
  return x;
}

/**
 * Fits the breakout weights on labelled examples. Needs at least 10 examples with both labels
 * present, else `TALENT_INSUFFICIENT_DATA`.
 * @example
 * ```ts
 * const model = fitBreakoutModel(examples, { l2: 1 });
 * radar.talent.setBreakoutModel(model);
 * ```
 */
export function fitBreakoutModel(examples: readonly CalibrationExample[], options: CalibrationOptions = {}): CalibrationResult {
  const positives = examples.filter((e) => e.label).length;
  if (examples.length < 10 || positives === 0 || positives === examples.length) {
    throw new SceneRadarError('TALENT_INSUFFICIENT_DATA', `Calibration needs at least 10 examples with both outcomes (got ${examples.length}, ${positives} positive)`);
  }
  const l2 = options.l2 ?? 1;
  if (typeof l2 !== 'number' || !Number.isFinite(l2) || l2 < 0) {
    throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'l2 must be a finite number >= 0', { details: [{ code: 'invalid_value', path: ['l2'], message: 'Expected a finite number >= 0' }] });
  }
  const exclude = new Set(options.exclude ?? []);
  const active = BREAKOUT_FEATURES.map((f, j) => [f, j] as const).filter(([f]) => !exclude.has(f));
  const p = active.length + 1; // intercept first
  const rows = examples.map((e) => [1, ...active.map(([, j]) => (Number.isFinite(e.inputs[j]) ? e.inputs[j]! : 0))]);
  const y = examples.map((e) => (e.label ? 1 : 0));
  // Start at the base rate: Newton converges in a handful of steps from there.
  let beta = new Array<number>(p).fill(0);
  beta[0] = Math.log(positives / (examples.length - positives));
  let iterations = 0;
  for (; iterations < 50; iterations++) {
    const grad = new Array<number>(p).fill(0);
    const H = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let i = 0; i < rows.length; i++) {
      const x = rows[i]!;
      let eta = 0;
      for (let k = 0; k < p; k++) eta += beta[k]! * x[k]!;
      const mu = 1 / (1 + Math.exp(-eta));
      const w = Math.max(1e-9, mu * (1 - mu));
      for (let k = 0; k < p; k++) {
        grad[k]! += (y[i]! - mu) * x[k]!;
        for (let m = k; m < p; m++) H[k]![m]! += w * x[k]! * x[m]!;
      }
    }
    for (let k = 0; k < p; k++) for (let m = 0; m < k; m++) H[k]![m] = H[m]![k]!;
    for (let k = 1; k < p; k++) {
      grad[k]! -= l2 * beta[k]!;
      H[k]![k]! += l2;
    }
    const step = solve(H, grad);
    let change = 0;
    beta = beta.map((b, k) => {
      change = Math.max(change, Math.abs(step[k]!));
      return b + step[k]!;
    });
    if (change < 1e-8) break;
  }
  let loss = 0;
  for (let i = 0; i < rows.length; i++) {
    let eta = 0;
    for (let k = 0; k < p; k++) eta += beta[k]! * rows[i]![k]!;
    const mu = Math.min(1 - 1e-12, Math.max(1e-12, 1 / (1 + Math.exp(-eta))));
    loss -= y[i]! ? Math.log(mu) : Math.log(1 - mu);
  }
  const weights = Object.fromEntries(BREAKOUT_FEATURES.map((f) => [f, 0])) as Record<BreakoutFeature, number>;
  active.forEach(([f], k) => {
    weights[f] = beta[k + 1]!;
  });
  return { intercept: beta[0]!, weights, examples: examples.length, positives, logLoss: loss / rows.length, iterations: Math.min(iterations + 1, 50) };
}

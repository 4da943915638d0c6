/**
 * @module talent/calibrate
 * Fits a breakout model on labelled history and says how well it holds out of time: an
 * L2-regularised logistic regression on standardised inputs (Newton's method with a line search:
 * a small closed system, no optimiser dependency), the penalty chosen by time-ordered
 * cross-validation (each fold trains on the past and is scored on the period after it), and
 * Platt scaling fitted on those out-of-time predictions and folded into the weights, so the
 * probabilities stay honest where the model was overconfident. Pure: it returns a model and its
 * validation; applying the model is the caller's choice.
 */
import { isArrayValue } from '../core/validation.js';
import { describeError } from '../core/describe-error.js';
import { isSceneRadarError, SceneRadarError } from '../core/errors.js';
import { ProgressTracker, type ProgressCallback } from '../core/observe/progress.js';
import {
  BREAKOUT_INPUTS,
  BreakoutModelSchema,
  HostFeatureNameSchema,
  type BreakoutInput,
  type BreakoutModel,
  type BreakoutTerm,
} from './breakout-model.js';

/** One labelled example: an artist's breakout inputs as of an instant, and whether the event followed. */
export interface CalibrationExample {
  /** Normalised inputs by name (built-in and host features); NaN or absent means no value. */
  readonly inputs: Readonly<Record<string, number>>;
  /** Whether the event happened within the horizon. */
  readonly label: boolean;
  /** The instant the inputs are as of (epoch ms): folds are cut in time. */
  readonly time: number;
  /** Weight of the example (to give pooled data sets an equal say). @default 1 */
  readonly weight?: number;
}

/** Options of {@link fitBreakoutModel}. */
export interface CalibrationOptions {
  /**
   * The L2 penalty on standardised weights (relative to the number of examples), or the
   * candidates to choose from by time-ordered cross-validation. @default {@link DEFAULT_L2_GRID}
   */
  readonly l2?: number | readonly number[];
  /** Time-ordered folds. @default 4 */
  readonly folds?: number;
  /** Inputs to leave out (weight 0). @default [] */
  readonly exclude?: readonly string[];
  /** Recalibrate with Platt scaling on the out-of-time predictions (needs 20 positives in them). @default true */
  readonly recalibrate?: boolean;
  /** What the labels mean, stored in the model and shown in explanations. @default 'the labelled event' */
  readonly event?: string;
  /**
   * Horizon of the labels, days: stored in the model, and when given, each fold's training
   * examples are purged of those whose label window (instant + horizon) reaches past the start of
   * the period it is validated on (their labels would reveal it). @default 182 (stored; no purge unless given)
   */
  readonly horizonDays?: number;
  /** Provenance text stored in the model. @default 'calibrate() on the host's labelled history' */
  readonly fittedOn?: string;
  /** Newton iterations per fit. @default 100 */
  readonly maxIterations?: number;
  /**
   * Signs the weights must keep, by input name: `1` (never negative), `-1` (never positive). A
   * weight the data would give the other sign is set to 0 (the input is dropped and the rest
   * refitted, one at a time). Priors that keep an explanation readable: more growth should never
   * lower the probability. @default {} (free)
   */
  readonly signs?: Readonly<Record<string, 1 | -1>>;
  /**
   * Progress of the fit: task `calibrate`, phase `fit`, one item per penalty cross-validated and
   * one for the final fit (the same messages go to the `scene-radar:progress` channel). A
   * callback that throws is ignored. @default none
   */
  readonly onProgress?: ProgressCallback;
}

/**
 * The signs the published default model keeps (its monotone priors): more activity, growth,
 * presence, reach, network, press or scene heat never lowers the breakout probability, a longer
 * career never raises it. A fit without them can give an input the other sign through its
 * correlation with the others (the charts give quarterly growth a small negative weight), which
 * reads as nonsense in an explanation and does not carry over. Pass them as `signs` to keep a
 * host's own fit readable the same way.
 */
export const MONOTONE_BREAKOUT_SIGNS: Readonly<Record<BreakoutInput, 1 | -1>> = Object.freeze({
  level_now: 1,
  level_month: 1,
  growth_month: 1,
  growth_quarter: 1,
  acceleration: 1,
  peak: 1,
  staying_power: 1,
  staying_year: 1,
  presence_year: 1,
  recency: 1,
  career_age: -1,
  breadth: 1,
  spread: 1,
  new_collaborators: 1,
  new_tastemakers: 1,
  press: 1,
  scene_heat: 1,
});

/** Penalties tried by default (per example, on standardised inputs). */
export const DEFAULT_L2_GRID: readonly number[] = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1];

/** One reliability bin. */
export interface ReliabilityBin {
  /** Lower edge of predicted probability. */
  readonly from: number;
  /** Upper edge. */
  readonly to: number;
  /** Predictions in the bin (weighted). */
  readonly count: number;
  /** Mean predicted probability, null when empty. */
  readonly predicted: number | null;
  /** Observed rate, null when empty. */
  readonly observed: number | null;
}

/** Out-of-time figures of a set of predictions. */
export interface OutOfTimeFigures {
  /** Examples scored out of time. */
  readonly examples: number;
  /** Positives among them. */
  readonly positives: number;
  /** Mean AUC over the instants with both outcomes (null when none). */
  readonly meanAuc: number | null;
  /** Mean log-loss (weighted). */
  readonly logLoss: number;
  /** Brier score (weighted). */
  readonly brier: number;
  /** Reliability in ten bins of predicted probability. */
  readonly bins: readonly ReliabilityBin[];
}

/** One time-ordered fold at the chosen penalty. */
export interface CalibrationFold {
  /** Last training instant (ISO). */
  readonly trainUntil: string;
  /** First and last validation instants (ISO). */
  readonly validate: readonly [string, string];
  /** Validation examples and positives. */
  readonly examples: number;
  /** Positives among them. */
  readonly positives: number;
  /** Validation log-loss. */
  readonly logLoss: number;
  /** Validation mean AUC over instants (null when undefined). */
  readonly meanAuc: number | null;
}

/** How the fit was validated. */
export interface CalibrationValidation {
  /** The penalty chosen. */
  readonly l2: number;
  /** Every penalty tried: mean validation log-loss and mean AUC over the folds. */
  readonly grid: readonly {
    /** The penalty. */
    readonly l2: number;
    /** Mean validation log-loss over the folds; null when no fold could be formed (see `validated`). */
    readonly logLoss: number | null;
    /** Mean validation AUC over the folds (null when undefined). */
    readonly meanAuc: number | null;
  }[];
  /** The folds at the chosen penalty. */
  readonly folds: readonly CalibrationFold[];
  /** Out-of-time predictions of the fold models (each trained on the past only), before recalibration. */
  readonly outOfTime: OutOfTimeFigures | null;
  /** Platt scaling fitted on those predictions (`p = logistic(slope x logit + offset)`) and folded into the weights, or null. */
  readonly recalibration: {
    /** Multiplies the fold models' log-odds. */
    readonly slope: number;
    /** Added to the log-odds after the slope. */
    readonly offset: number;
  } | null;
  /** The same out-of-time predictions after recalibration (in-sample for the two Platt parameters). */
  readonly recalibrated: OutOfTimeFigures | null;
  /** Whether the final fit converged. */
  readonly converged: boolean;
  /** Newton iterations of the final fit. */
  readonly iterations: number;
  /**
   * Whether anything was validated out of time: false when no fold could be formed (a single
   * instant, too few outcomes per period), in which case the penalty is the grid's largest,
   * `outOfTime` is null and every `grid` entry's `logLoss` and `meanAuc` are null.
   */
  readonly validated: boolean;
}

/** What {@link fitBreakoutModel} returns. */
export interface CalibrationResult {
  /** The fitted model, ready for `setBreakoutModel()` or `config.talent.model.breakout`. */
  readonly model: BreakoutModel;
  /** Out-of-time validation. */
  readonly validation: CalibrationValidation;
  /** Examples used. */
  readonly examples: number;
  /** Positive examples. */
  readonly positives: number;
  /** Mean log-loss on the examples after fitting (in-sample). */
  readonly logLoss: number;
}

/** Solves `A x = b` in place (Gaussian elimination with partial pivoting); singular directions get 0. */
function solve(A: Float64Array[], b: Float64Array): Float64Array {
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
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= A[r]![k]! * x[k]!;
    x[r] = Math.abs(A[r]![r]!) < 1e-12 ? 0 : s / A[r]![r]!;
  }
  return x;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
/** log(1 + e^z) without overflow. */
const softplus = (z: number): number => (z > 30 ? z : z < -30 ? Math.exp(z) : Math.log1p(Math.exp(z)));

/** A design matrix: rows of standardised inputs (intercept column first), labels, weights. */
interface Design {
  readonly rows: Float64Array[];
  readonly y: Float64Array;
  readonly w: Float64Array;
}

interface Fit {
  readonly beta: Float64Array;
  readonly converged: boolean;
  readonly iterations: number;
}

/** Penalised weighted logistic regression by Newton's method with a backtracking line search. */
function newton(d: Design, l2: number, maxIterations: number, start?: Float64Array): Fit {
  const p = d.rows[0]?.length ?? 1;
  const n = d.rows.length;
  let wsum = 0;
  let ysum = 0;
  for (let i = 0; i < n; i++) {
    wsum += d.w[i]!;
    ysum += d.w[i]! * d.y[i]!;
  }
  const lambda = l2 * wsum;
  const beta = start ? Float64Array.from(start) : new Float64Array(p);
  if (!start) beta[0] = Math.log(Math.max(1e-9, ysum) / Math.max(1e-9, wsum - ysum));
  const objective = (b: Float64Array): number => {
    let o = 0;
    for (let i = 0; i < n; i++) {
      const x = d.rows[i]!;
      let eta = 0;
      for (let k = 0; k < p; k++) eta += b[k]! * x[k]!;
      o += d.w[i]! * (softplus(eta) - d.y[i]! * eta);
    }
    for (let k = 1; k < p; k++) o += 0.5 * lambda * b[k]! * b[k]!;
    return o;
  };
  let current = objective(beta);
  for (let it = 0; it < maxIterations; it++) {
    const grad = new Float64Array(p);
    const H = Array.from({ length: p }, () => new Float64Array(p));
    for (let i = 0; i < n; i++) {
      const x = d.rows[i]!;
      let eta = 0;
      for (let k = 0; k < p; k++) eta += beta[k]! * x[k]!;
      const mu = sigmoid(eta);
      const wi = d.w[i]!;
      const h = wi * Math.max(1e-12, mu * (1 - mu));
      const r = wi * (d.y[i]! - mu);
      for (let k = 0; k < p; k++) {
        const xk = x[k]!;
        if (xk === 0) continue;
        grad[k]! += r * xk;
        const Hk = H[k]!;
        for (let m = k; m < p; m++) Hk[m]! += h * xk * x[m]!;
      }
    }
    for (let k = 0; k < p; k++) for (let m = 0; m < k; m++) H[k]![m] = H[m]![k]!;
    for (let k = 1; k < p; k++) {
      grad[k]! -= lambda * beta[k]!;
      H[k]![k]! += lambda;
    }
    const step = solve(H, grad);
    let t = 1;
    let next = beta;
    let value = current;
    let descended = false;
    for (; t > 1e-8; t /= 2) {
      next = beta.map((b, k) => b + t * step[k]!);
      value = objective(next);
      if (value <= current + 1e-12) {
        descended = true;
        break;
      }
    }
    // No step along Newton's direction lowers the objective: numerically stuck, not converged.
    if (!descended) return { beta, converged: false, iterations: it + 1 };
    let change = 0;
    for (let k = 0; k < p; k++) change = Math.max(change, Math.abs(next[k]! - beta[k]!));
    beta.set(next);
    current = value;
    if (change < 1e-9) return { beta, converged: true, iterations: it + 1 };
  }
  return { beta, converged: false, iterations: maxIterations };
}

/** A design with the columns whose `keep` entry is 0 zeroed (the intercept column is kept). */
function masked(d: Design, keep: Uint8Array): Design {
  return { rows: d.rows.map((r) => r.map((v, k) => (k === 0 || keep[k - 1] ? v : 0))), y: d.y, w: d.w };
}

/**
 * {@link newton} under sign constraints (`signs[k]`: 0 free, 1 non-negative, -1 non-positive, per
 * input column): fit, drop the input that breaks its sign the most (its weight 0), refit, until
 * none does. Backward elimination: each refit has one input fewer, so it ends.
 */
function constrained(d: Design, l2: number, maxIterations: number, signs: Int8Array): Fit {
  const keep = new Uint8Array(signs.length).fill(1);
  let fit = newton(d, l2, maxIterations);
  if (!signs.some((x) => x !== 0)) return fit;
  for (;;) {
    let worst = -1;
    let by = 0;
    for (let k = 0; k < signs.length; k++) {
      const b = fit.beta[k + 1]!;
      const bad = keep[k] && signs[k] !== 0 && b * signs[k]! < 0 ? Math.abs(b) : 0;
      if (bad > by) {
        by = bad;
        worst = k;
      }
    }
    if (worst < 0) return fit;
    keep[worst] = 0;
    fit = newton(masked(d, keep), l2, maxIterations);
    fit.beta[worst + 1] = 0;
  }
}

/**
 * The offset `b` that makes `sigmoid(a (beta . x) + b)` match the examples' weighted rate of
 * positives (the intercept's score equation), from `start`, by Newton's method in one dimension.
 */
function refitOffset(d: Design, beta: Float64Array, a: number, start: number, maxIterations: number): number {
  const z = d.rows.map((row) => {
    let eta = 0;
    for (let k = 0; k < row.length; k++) eta += beta[k]! * row[k]!;
    return a * eta;
  });
  let b = start;
  for (let it = 0; it < maxIterations; it++) {
    let g = 0;
    let h = 0;
    for (let i = 0; i < z.length; i++) {
      const mu = sigmoid(z[i]! + b);
      g += d.w[i]! * (d.y[i]! - mu);
      h += d.w[i]! * Math.max(1e-12, mu * (1 - mu));
    }
    const step = g / h;
    b += Math.max(-5, Math.min(5, step));
    if (Math.abs(step) < 1e-10) break;
  }
  return b;
}

/** Mid-rank AUC of scores against labels (null without both outcomes). */
function aucOf(scores: readonly number[], labels: readonly boolean[]): number | null {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const mid = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++)
      if (labels[idx[k]!]) {
        pos++;
        rankSum += mid;
      }
    i = j + 1;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * Mean AUC over instants: each instant's examples ranked among themselves (an instant without
 * both outcomes is left out); null when no instant has both. Internal: the default model's fit
 * (bench/backtest/fit-defaults.ts) scores its penalty candidates with it too.
 * @example
 * ```ts
 * meanAucByTime([1, 1, 2, 2], [0.9, 0.1, 0.2, 0.8], [true, false, false, true]); // 1
 * ```
 */
export function meanAucByTime(
  times: readonly number[],
  scores: readonly number[],
  labels: readonly boolean[],
): number | null {
  const groups = new Map<number, number[]>();
  for (const [i, t] of times.entries()) {
    const group = groups.get(t);
    if (group) group.push(i);
    else groups.set(t, [i]);
  }
  const aucs: number[] = [];
  for (const g of groups.values()) {
    const a = aucOf(
      g.map((i) => scores[i]!),
      g.map((i) => labels[i]!),
    );
    if (a !== null) aucs.push(a);
  }
  return aucs.length ? aucs.reduce((s, x) => s + x, 0) / aucs.length : null;
}

/**
 * Out-of-time figures from log-odds: the log-loss as the folds compute it (`softplus(z) - y z`, no
 * cap on a confidently wrong prediction) and the AUC ranked by the log-odds (probabilities that
 * round to 1 would tie); Brier and bins on the probabilities.
 */
function figures(times: number[], logits: number[], labels: boolean[], weights: number[]): OutOfTimeFigures {
  let wsum = 0;
  let ll = 0;
  let brier = 0;
  const bins = Array.from({ length: 10 }, (_, b) => ({ from: b / 10, to: (b + 1) / 10, w: 0, p: 0, y: 0 }));
  logits.forEach((z, i) => {
    const w = weights[i]!;
    const y = labels[i] ? 1 : 0;
    const p = sigmoid(z);
    wsum += w;
    ll += w * (softplus(z) - y * z);
    brier += w * (p - y) ** 2;
    const bin = bins[Math.min(9, Math.floor(p * 10))]!;
    bin.w += w;
    bin.p += w * p;
    bin.y += w * y;
  });
  return {
    examples: logits.length,
    positives: labels.filter(Boolean).length,
    meanAuc: meanAucByTime(times, logits, labels),
    logLoss: wsum ? ll / wsum : 0,
    brier: wsum ? brier / wsum : 0,
    bins: bins.map((b) => ({
      from: b.from,
      to: b.to,
      count: b.w,
      predicted: b.w ? b.p / b.w : null,
      observed: b.w ? b.y / b.w : null,
    })),
  };
}

/** Largest absolute instant a `Date` can hold (ms): an example's `time` must be one. */
const MAX_TIME_MS = 8.64e15;

/** The fit's options, checked, with the defaults that shape the work applied. */
interface CheckedCalibrationOptions {
  /** The penalties to cross-validate. */
  readonly grid: readonly number[];
  /** Time-ordered folds. */
  readonly folds: number;
  /** Newton iterations per fit. */
  readonly maxIterations: number;
}

/** A `TALENT_VALIDATION_ERROR` naming the bad field. */
const invalid = (path: string, message: string): SceneRadarError =>
  new SceneRadarError('TALENT_VALIDATION_ERROR', `${path}: ${message}`, {
    details: [{ code: 'invalid_value', path: [path], message }],
  });

/**
 * Whether a value is a usable example weight: a number from 1e-9 to 1e9 (or absent, which the
 * caller checks). Internal: `TalentRadar.calibrationExamples` checks its outcomes' weights with it.
 * @example
 * ```ts
 * isCalibrationWeight(2); // true
 * isCalibrationWeight(Number.NaN); // false
 * ```
 */
export function isCalibrationWeight(value: unknown): boolean {
  return typeof value === 'number' && value >= 1e-9 && value <= 1e9;
}

/**
 * Checks the options of {@link fitBreakoutModel}: throws `TALENT_VALIDATION_ERROR` naming the
 * first bad one. `TalentRadar.calibrate` calls it before reading any source, so a bad penalty is
 * refused before minutes of reads rather than after. Internal.
 * @example
 * ```ts
 * checkCalibrationOptions({ l2: -1 }); // throws: l2: Expected a finite number >= 0, or a non-empty list of them
 * ```
 */
export function checkCalibrationOptions(options: CalibrationOptions): CheckedCalibrationOptions {
  try {
    return checkOptions(options);
  } catch (e) {
    if (isSceneRadarError(e)) throw e;
    // A getter or proxy that throws while the options are read: the options are unusable.
    throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'options: they could not be read', {
      details: [{ code: 'invalid_value', path: ['options'], message: describeError(e, { name: false }) }],
      cause: e,
    });
  }
}

function checkOptions(options: CalibrationOptions): CheckedCalibrationOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw invalid('options', 'Expected an object');
  if (
    options.exclude !== undefined &&
    (!Array.isArray(options.exclude) || !options.exclude.every((n) => typeof n === 'string'))
  )
    throw invalid('exclude', 'Expected a list of input names');
  const grid = options.l2 === undefined ? DEFAULT_L2_GRID : typeof options.l2 === 'number' ? [options.l2] : options.l2;
  if (
    !Array.isArray(grid) ||
    grid.length === 0 ||
    grid.some((x) => typeof x !== 'number' || !Number.isFinite(x) || x < 0)
  )
    throw invalid('l2', 'Expected a finite number >= 0, or a non-empty list of them');
  const folds = options.folds ?? 4;
  if (!Number.isInteger(folds) || folds < 1 || folds > 20) throw invalid('folds', 'Expected an integer in 1-20');
  const maxIterations = options.maxIterations ?? 100;
  if (
    options.event !== undefined &&
    (typeof options.event !== 'string' || options.event.length < 1 || options.event.length > 512)
  )
    throw invalid('event', 'Expected a string of 1-512 characters');
  if (
    options.horizonDays !== undefined &&
    !(Number.isInteger(options.horizonDays) && options.horizonDays >= 1 && options.horizonDays <= 3650)
  )
    throw invalid('horizonDays', 'Expected an integer in 1-3650');
  if (
    options.fittedOn !== undefined &&
    (typeof options.fittedOn !== 'string' || options.fittedOn.length < 1 || options.fittedOn.length > 2000)
  )
    throw invalid('fittedOn', 'Expected a string of 1-2000 characters');
  if (
    options.signs !== undefined &&
    (typeof options.signs !== 'object' ||
      options.signs === null ||
      // An array's indexes would be taken for input names ('0', '1', ...), and a Map's or a Date's
      // entries are no own properties: its signs would be ignored without a word.
      (Object.getPrototypeOf(options.signs) !== Object.prototype && Object.getPrototypeOf(options.signs) !== null) ||
      Object.values(options.signs).some((v) => v !== 1 && v !== -1))
  ) {
    throw invalid('signs', 'Expected an object of input name -> 1 or -1');
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1 || maxIterations > 1000)
    throw invalid('maxIterations', 'Expected an integer in 1-1000');
  // A string such as 'no' is truthy: it would recalibrate against the caller's intent.
  if (options.recalibrate !== undefined && typeof options.recalibrate !== 'boolean')
    throw invalid('recalibrate', 'Expected true or false');
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function')
    throw invalid('onProgress', 'Expected a function');
  return { grid, folds, maxIterations };
}

/** Refuses an example that is not one, naming its index in the caller's order. */
function checkExamples(examples: readonly CalibrationExample[]): void {
  for (let i = 0; i < examples.length; i++) {
    const e = examples[i];
    if (
      typeof e !== 'object' ||
      e === null ||
      typeof e.label !== 'boolean' ||
      typeof e.time !== 'number' ||
      // An instant in ms that a Date can hold: the folds report their instants as ISO dates.
      !(Math.abs(e.time) <= MAX_TIME_MS) ||
      typeof e.inputs !== 'object' ||
      e.inputs === null
    ) {
      throw invalid(`examples.${i}`, 'Expected { inputs, label: boolean, time: finite number }');
    }
    if (e.weight !== undefined && !isCalibrationWeight(e.weight))
      throw invalid(`examples.${i}.weight`, 'Expected a number in 1e-9 to 1e9');
  }
}

/**
 * An example's inputs as text, keys sorted, each value as the fit reads it (a finite number, or no
 * value): the last tie-break of {@link canonicalOrder}. Never a JSON of the caller's values (a
 * BigInt or a cycle threw a raw TypeError).
 */
function inputsKey(e: CalibrationExample): string {
  return Object.keys(e.inputs)
    .sort()
    .map((k) => {
      const v: unknown = e.inputs[k];
      // The name escaped, so that no two different inputs give one key (a name holding "=" or NUL
      // read as a name and a value); names without "\\", "=" or NUL are kept as they are.
      const name = k.replaceAll('\\', '\\\\').replaceAll('=', '\\=').replaceAll('\u0000', '\\0');
      return `${name}=${typeof v === 'number' && Number.isFinite(v) ? String(v) : '-'}`;
    })
    .join('\u0000');
}

/** The examples in one order whatever order they came in: by time, label, weight, then inputs. */
function canonicalOrder(examples: readonly CalibrationExample[]): CalibrationExample[] {
  const keys = new Map<CalibrationExample, string>();
  const key = (e: CalibrationExample): string => {
    const known = keys.get(e);
    if (known !== undefined) return known;
    const k = inputsKey(e);
    keys.set(e, k);
    return k;
  };
  return [...examples].sort(
    (a, b) =>
      a.time - b.time ||
      Number(a.label) - Number(b.label) ||
      (a.weight ?? 1) - (b.weight ?? 1) ||
      (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0),
  );
}

/**
 * Fits a breakout model on labelled examples. Needs at least 10 examples with both outcomes, else
 * `TALENT_INSUFFICIENT_DATA` (as is a fit whose terms fall outside a model's bounds); a non-finite
 * input is a missing value; bad options are `TALENT_VALIDATION_ERROR`.
 * @example
 * ```ts
 * const { model, validation } = fitBreakoutModel(examples);
 * validation.outOfTime?.meanAuc; // how it ranked on periods it was not fitted on
 * await radar.talent.setBreakoutModel(model);
 * ```
 */
export function fitBreakoutModel(
  examples: readonly CalibrationExample[],
  options: CalibrationOptions = {},
): CalibrationResult {
  if (!isArrayValue(examples)) throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'examples must be an array');
  // Checked in the caller's order (errors name its indexes), then fitted in one canonical order:
  // the same examples read in another order give the same model, bit for bit.
  checkExamples(examples);
  return fitInOrder(canonicalOrder(examples), options);
}

/** {@link fitBreakoutModel} over examples already checked and in canonical order. */
function fitInOrder(examples: readonly CalibrationExample[], options: CalibrationOptions): CalibrationResult {
  const { grid, folds, maxIterations } = checkCalibrationOptions(options);
  // A loop, not forEach: forEach skips the holes of a sparse array, which then crash the fit.
  const positives = examples.filter((e) => e.label).length;
  if (examples.length < 10 || positives === 0 || positives === examples.length) {
    throw new SceneRadarError(
      'TALENT_INSUFFICIENT_DATA',
      `Calibration needs at least 10 examples with both outcomes (got ${examples.length}, ${positives} positive)`,
    );
  }

  // Inputs: every name seen, minus exclusions; centre = weighted mean where present, scale =
  // weighted standard deviation. A constant or never-present input gets weight 0.
  const exclude = new Set(options.exclude ?? []);
  // The built-in inputs in their order, then the others sorted: the column order (and so the
  // rounding of the solve) never depends on the key order of an example's inputs (jsonb, the
  // order host features were registered in).
  const builtInName = new Set<string>(BREAKOUT_INPUTS);
  const others = [...new Set(examples.flatMap((e) => Object.keys(e.inputs)))].filter((n) => !builtInName.has(n)).sort();
  const names = [...BREAKOUT_INPUTS, ...others].filter((n) => !exclude.has(n));
  // A name that cannot be a host input would only surface after the fit, as "out of bounds".
  const badName = names.find((n) => !builtInName.has(n) && !HostFeatureNameSchema.safeParse(n).success);
  if (badName !== undefined)
    throw invalid(
      'inputs',
      `${JSON.stringify(badName.slice(0, 80))} is neither a built-in input nor a valid host feature name; exclude it or rename it`,
    );
  const value = (e: CalibrationExample, n: string): number => {
    const v = e.inputs[n];
    return typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
  };
  const wOf = (e: CalibrationExample): number => e.weight ?? 1;
  /**
   * The centre (weighted mean where present) and scale (weighted standard deviation) of every
   * input over `list`, the inputs that vary there (the others get weight 0) and their signs.
   * Each fold standardises with its own training rows: statistics over every example would let
   * a fold's fit see the periods after it (a missing value filled with an all-time mean, the
   * penalty in units set partly by the future), so its validation would not be out of time.
   */
  const standardise = (list: readonly CalibrationExample[]) => {
    const center = new Map<string, number>();
    const scale = new Map<string, number>();
    for (const n of names) {
      let sw = 0;
      let sx = 0;
      for (const e of list) {
        const v = value(e, n);
        if (!Number.isNaN(v)) {
          sw += wOf(e);
          sx += wOf(e) * v;
        }
      }
      const mean = sw ? sx / sw : 0;
      let ss = 0;
      for (const e of list) {
        const v = value(e, n);
        if (!Number.isNaN(v)) ss += wOf(e) * (v - mean) ** 2;
      }
      const sd = sw ? Math.sqrt(ss / sw) : 0;
      // Values so large that their mean or spread overflows (beyond about 1e154) would give the
      // input weight 0 in silence: refused, to be rescaled.
      // Well-formed examples the fit cannot use, like a fit out of the model's bounds.
      if (!Number.isFinite(mean) || !Number.isFinite(sd))
        throw new SceneRadarError(
          'TALENT_INSUFFICIENT_DATA',
          `inputs.${n}: its values are too large to fit (their spread overflows); exclude it or rescale it`,
          { details: [{ code: 'custom', path: ['inputs', n], message: 'Its values are too large to fit' }] },
        );
      center.set(n, mean);
      scale.set(n, sd);
    }
    const active = names.filter((n) => scale.get(n)! > 1e-9);
    const signs = Int8Array.from(active, (n) => options.signs?.[n] ?? 0);
    const totalW = list.reduce((sum, e) => sum + wOf(e), 0);
    return { center, scale, active, signs, norm: list.length / totalW };
  };
  type Standard = ReturnType<typeof standardise>;
  const whole = standardise(examples);
  const { center, scale, active, signs } = whole;
  /** `list` standardised by `std`, weights scaled by `norm` (a mean weight of 1 over what `norm` was taken on). */
  const design = (std: Standard, list: readonly CalibrationExample[], norm = std.norm): Design => ({
    rows: list.map((e) =>
      Float64Array.from([
        1,
        ...std.active.map((n) => {
          const v = value(e, n);
          return Number.isNaN(v) ? 0 : (v - std.center.get(n)!) / std.scale.get(n)!;
        }),
      ]),
    ),
    y: Float64Array.from(list, (e) => (e.label ? 1 : 0)),
    w: Float64Array.from(list, (e) => wOf(e) * norm),
  });
  const logitOf = (beta: Float64Array, row: Float64Array): number => {
    let z = 0;
    for (let k = 0; k < row.length; k++) z += beta[k]! * row[k]!;
    return z;
  };

  // Time-ordered folds: instants in order, cut into folds + 1 blocks of about equal size; fold f
  // trains on blocks 0..f-1 and validates on block f.
  const ordered = [...examples].sort((a, b) => a.time - b.time);
  const times = [...new Set(ordered.map((e) => e.time))];
  const blocks: number[][] = [];
  {
    let b = 0;
    let count = 0;
    const per = ordered.length / (folds + 1);
    const blockOf = new Map<number, number>();
    const sizes = new Map<number, number>();
    for (const e of ordered) sizes.set(e.time, (sizes.get(e.time) ?? 0) + 1);
    for (const [j, t] of times.entries()) {
      // A new block once the current one is full, or when the instants left are only as many as
      // the blocks still empty: every block gets an instant when there are enough instants (two
      // instants of 100 and 101 examples are two blocks, not one).
      if (b < folds && j > 0 && (count >= per * (b + 1) || times.length - j <= folds - b)) b++;
      blockOf.set(t, b);
      count += sizes.get(t)!;
    }
    for (let k = 0; k <= folds; k++) blocks.push([]);
    for (const t of times) blocks[blockOf.get(t)!]!.push(t);
  }
  const byTime = new Map<number, CalibrationExample[]>();
  for (const e of ordered) (byTime.get(e.time) ?? byTime.set(e.time, []).get(e.time)!).push(e);
  const foldData = [] as { train: CalibrationExample[]; valid: CalibrationExample[]; std: Standard }[];
  const purgeMs = options.horizonDays === undefined ? 0 : options.horizonDays * 86_400_000;
  for (let f = 1; f <= folds; f++) {
    const validFrom = blocks[f]![0];
    if (validFrom === undefined) continue;
    // Training labels must not reach into the validated period (purged by the label horizon).
    const train = blocks
      .slice(0, f)
      .flat()
      .filter((t) => t + purgeMs <= validFrom)
      .flatMap((t) => byTime.get(t)!);
    const valid = blocks[f]!.flatMap((t) => byTime.get(t)!);
    const tp = train.filter((e) => e.label).length;
    if (valid.length && tp > 0 && tp < train.length) foldData.push({ train, valid, std: standardise(train) });
  }

  interface Scored {
    readonly logLoss: number;
    readonly meanAuc: number | null;
    readonly oof: { time: number; logit: number; label: boolean; weight: number }[];
    readonly folds: CalibrationFold[];
  }
  const crossValidate = (l2: number): Scored => {
    const oof: Scored['oof'] = [];
    const out: CalibrationFold[] = [];
    let ll = 0;
    let wsum = 0;
    const aucs: number[] = [];
    for (const { train, valid, std } of foldData) {
      const fit = constrained(design(std, train), l2, maxIterations, std.signs);
      // Validation rows weighed as over every example (a constant factor): the folds' losses pool alike.
      const dv = design(std, valid, whole.norm);
      let fll = 0;
      let fw = 0;
      const logits: number[] = [];
      dv.rows.forEach((row, i) => {
        const z = logitOf(fit.beta, row);
        logits.push(z);
        const w = dv.w[i]!;
        fll += w * (softplus(z) - dv.y[i]! * z);
        fw += w;
        oof.push({ time: valid[i]!.time, logit: z, label: valid[i]!.label, weight: w });
      });
      const auc = meanAucByTime(
        valid.map((e) => e.time),
        logits,
        valid.map((e) => e.label),
      );
      if (auc !== null) aucs.push(auc);
      ll += fll;
      wsum += fw;
      out.push({
        trainUntil: new Date(train[train.length - 1]!.time).toISOString(),
        validate: [new Date(valid[0]!.time).toISOString(), new Date(valid[valid.length - 1]!.time).toISOString()],
        examples: valid.length,
        positives: valid.filter((e) => e.label).length,
        logLoss: fw ? fll / fw : 0,
        meanAuc: auc,
      });
    }
    return {
      logLoss: wsum ? ll / wsum : Number.POSITIVE_INFINITY,
      meanAuc: aucs.length ? aucs.reduce((s, x) => s + x, 0) / aucs.length : null,
      oof,
      folds: out,
    };
  };

  const progress = new ProgressTracker('calibrate', { callbacks: [options.onProgress] }).phase('fit', grid.length + 1);
  const tried = grid.map((l2) => {
    const cv = foldData.length ? crossValidate(l2) : null;
    progress.advance();
    return { l2, cv };
  });
  // The smallest mean validation log-loss; ties (within 1e-12 of the smallest) go to the larger
  // penalty, the simpler model. The smallest first, then the band: a pairwise walk with a band is
  // not transitive, and its choice depended on the order of the candidates.
  const lossOf = (t: (typeof tried)[number]): number => t.cv?.logLoss ?? Number.POSITIVE_INFINITY;
  const smallest = Math.min(...tried.map(lossOf));
  const best = tried.filter((t) => lossOf(t) <= smallest + 1e-12).reduce((a, b) => (b.l2 > a.l2 ? b : a));
  const l2 = best.l2;
  const cv = best.cv;

  // Platt scaling on the out-of-time logits: p = sigmoid(a z + b).
  let recalibration: { slope: number; offset: number } | null = null;
  // Positives counted by their weight, in examples of the mean weight: 100 rows of positives that
  // carry almost none of the weight are no outcome to fit a slope on, not a hundred.
  let pw = 0;
  let allW = 0;
  for (const o of cv?.oof ?? []) {
    allW += o.weight;
    if (o.label) pw += o.weight;
  }
  const oofPositives = allW > 0 && cv ? pw / (allW / cv.oof.length) : 0;
  const oofRows = cv ? cv.oof.filter((o) => o.label).length : 0;
  if ((options.recalibrate ?? true) && cv && oofPositives >= 20 && oofRows < cv.oof.length) {
    const platt = newton(
      {
        rows: cv.oof.map((o) => Float64Array.from([1, o.logit])),
        y: Float64Array.from(cv.oof, (o) => (o.label ? 1 : 0)),
        w: Float64Array.from(cv.oof, (o) => o.weight),
      },
      0,
      maxIterations,
    );
    const [offset, slope] = [platt.beta[0]!, platt.beta[1]!];
    // A slope <= 0 would reverse the ranking: the folds are too noisy to recalibrate on. A fit
    // that did not converge has no optimum (out-of-time predictions separated perfectly: the
    // slope grows with every iteration): the model would depend on the iteration cap.
    if (platt.converged && slope > 0 && Number.isFinite(offset)) recalibration = { slope, offset };
  }

  const all = design(whole, examples);
  const fit = constrained(all, l2, maxIterations, signs);
  progress.finish();
  const a = recalibration?.slope ?? 1;
  // Platt's slope comes from the folds' models, its offset from their intercepts; applied to the
  // final model, the offset would be scaled with an intercept of another fit (each fold's base
  // rate differs). So the intercept is refitted on every example with the recalibrated slope held:
  // the mean predicted probability equals the observed rate, as the final fit's own does.
  const b = recalibration ? refitOffset(all, fit.beta, a, recalibration.offset, maxIterations) : 0;
  const terms: Record<string, BreakoutTerm> = {};
  for (const n of names) terms[n] = { weight: 0, center: center.get(n)! };
  active.forEach((n, k) => {
    terms[n] = { weight: (a * fit.beta[k + 1]!) / scale.get(n)!, center: center.get(n)! };
  });
  let loss = 0;
  all.rows.forEach((row, i) => {
    const z = a * logitOf(fit.beta, row) + b;
    loss += all.w[i]! * (softplus(z) - all.y[i]! * z);
  });
  const builtIn = new Set<string>(BREAKOUT_INPUTS);
  const parsed = BreakoutModelSchema.safeParse({
    intercept: a * fit.beta[0]! + b,
    inputs: Object.fromEntries(BREAKOUT_INPUTS.map((n) => [n, terms[n] ?? { weight: 0, center: 0 }])) as Record<
      BreakoutInput,
      BreakoutTerm
    >,
    hostInputs: Object.fromEntries(Object.entries(terms).filter(([n]) => !builtIn.has(n))),
    event: options.event ?? 'the labelled event',
    horizonDays: options.horizonDays ?? 182,
    provenance: {
      fittedOn: options.fittedOn ?? "calibrate() on the host's labelled history",
      examples: examples.length,
      positives,
      l2,
      recalibrated: recalibration !== null,
    },
  });
  if (!parsed.success) {
    // Finite inputs can still give a term past the model's bounds (an input with a near-zero spread).
    throw new SceneRadarError(
      'TALENT_INSUFFICIENT_DATA',
      `The fitted model is out of bounds (${parsed.error.issues[0]?.path.join('.') ?? 'model'}: ${parsed.error.issues[0]?.message ?? 'invalid'}): an input is (nearly) constant or its values are too large; exclude it or rescale it`,
      {
        details: parsed.error.issues.map((i) => ({ code: i.code, path: i.path.map(String), message: i.message })),
      },
    );
  }
  const model = parsed.data;
  const oofFigures = (shift: (z: number) => number): OutOfTimeFigures | null =>
    cv?.oof.length
      ? figures(
          cv.oof.map((o) => o.time),
          cv.oof.map((o) => shift(o.logit)),
          cv.oof.map((o) => o.label),
          cv.oof.map((o) => o.weight),
        )
      : null;
  return {
    model,
    validation: {
      l2,
      // Without a fold there is no validation log-loss: null, as setBreakoutModel stores it (JSON has no NaN).
      grid: tried.map((t) => ({ l2: t.l2, logLoss: t.cv?.logLoss ?? null, meanAuc: t.cv?.meanAuc ?? null })),
      folds: cv?.folds ?? [],
      outOfTime: oofFigures((z) => z),
      recalibration,
      recalibrated: recalibration ? oofFigures((z) => recalibration!.slope * z + recalibration!.offset) : null,
      converged: fit.converged,
      iterations: fit.iterations,
      validated: cv !== null && cv.folds.length > 0,
    },
    examples: examples.length,
    positives,
    logLoss: loss / all.rows.length,
  };
}

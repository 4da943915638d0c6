/**
 * @module backtest/result
 * What {@link runBacktest} returns: plain, JSON-safe data (instants as ISO strings), so a result
 * can be written, read back and rendered again ({@link backtestJson}, {@link parseBacktestJson},
 * {@link backtestMarkdown}).
 */
import type { SplitIntervals } from './bootstrap.js';
import type { Calibration } from './calibration.js';
import type { SplitFigures } from './metrics.js';
import type { BacktestReference, BacktestSplit, BacktestTarget } from './types.js';

/** The format tag of a result, checked when one is read back. */
export const BACKTEST_RESULT_FORMAT = 'scene-radar-backtest/1';

/** A split of the result: the two halves and all cutoffs together. */
export type ResultSplit = BacktestSplit | 'all';

/** The result splits, in report order. */
export const RESULT_SPLITS: readonly ResultSplit[] = ['train', 'test', 'all'];

/** One cutoff as recorded in a result. */
export interface CutoffInfo {
  /** The cutoff instant, ISO. */
  readonly asOf: string;
  /** Its half of the split. */
  readonly split: BacktestSplit;
  /** Candidates ranked. */
  readonly candidates: number;
  /** Candidates whose label is true. */
  readonly positives: number;
  /** Peers in the population. */
  readonly population: number;
  /** A training cutoff left out of `fit` because its label horizon reaches past the fit limit. */
  readonly purged: boolean;
}

/** One scorer's figures at one cutoff. */
export interface CutoffScore {
  /** The cutoff instant, ISO. */
  readonly asOf: string;
  /** Its half of the split. */
  readonly split: BacktestSplit;
  /** AUC, null when undefined (no positive, no negative, or no candidate scored). */
  readonly auc: number | null;
  /** Precision@k, null when undefined (no candidate, or no candidate scored); 0 without a positive. */
  readonly pAtK: number | null;
  /** Candidates the scorer left unscored (ranked last). */
  readonly unscored: number;
}

/** One scorer's figures over one split. */
export interface SplitSummary extends SplitFigures {
  /** Cutoffs in the split. */
  readonly cutoffs: number;
  /** Candidates over all its cutoffs. */
  readonly candidates: number;
  /** Positives over all its cutoffs. */
  readonly positives: number;
  /** Positives / candidates, null without candidates. */
  readonly baseRate: number | null;
  /** Bootstrap 95% intervals. */
  readonly intervals: SplitIntervals;
  /** Calibration, for probabilistic scorers only. */
  readonly calibration: Calibration | null;
}

/** Candidates a scorer left unscored, over all cutoffs. */
export interface UnscoredSummary {
  /** How many (candidate, cutoff) pairs. */
  readonly total: number;
  /** Counts by the reason the scorer gave (`no score returned` when it gave none). */
  readonly reasons: Readonly<Record<string, number>>;
}

/** One scorer's result. */
export interface ScorerResult {
  /** Scorer name. */
  readonly name: string;
  /** Its description, if given. */
  readonly description: string | null;
  /** The model under test, or a baseline. */
  readonly role: 'model' | 'baseline';
  /** Whether its scores are probabilities. */
  readonly probabilistic: boolean;
  /** The error that stopped it (it threw, or returned something unusable), or null. */
  readonly error: string | null;
  /** Time spent in `fit`, ms. */
  readonly fitMs: number;
  /** Time spent in `score` over all cutoffs, ms. */
  readonly scoreMs: number;
  /** Figures per cutoff (empty after an error). */
  readonly perCutoff: readonly CutoffScore[];
  /** Unscored candidates and why. */
  readonly unscored: UnscoredSummary;
  /**
   * Candidates scored although something they are scored from failed (the scorer's
   * `ScoredCandidates.degraded`), over all cutoffs, by what failed: their figures count them as
   * scored. A `{ total: 0, reasons: {} }` when none (and after an error). Results written before
   * it was counted lack it: the writers then name none.
   */
  readonly degraded: UnscoredSummary;
  /** Figures per split, null after an error. */
  readonly splits: Readonly<Record<ResultSplit, SplitSummary>> | null;
}

/** What `fit` was given. */
export interface FitWindow {
  /** The latest instant `fit` could read, ISO. */
  readonly limit: string;
  /** Training cutoffs handed to `fit`. */
  readonly cutoffs: number;
  /** Training cutoffs purged (their label horizon reaches past the limit), ISO. */
  readonly purged: readonly string[];
}

/** The verdict on the target. */
export interface Verdict {
  /** Whether the target is met: true only when it was judged and met. */
  readonly met: boolean;
  /**
   * Whether the target could be judged: false when the scorer under test has no mean AUC on the
   * target split (it failed, it scored no candidate there, the split has no cutoff, or no cutoff
   * has both outcomes), and then `met` is false and `text` says "Target not judged" and why.
   * Results written before this field existed lack it.
   */
  readonly judged: boolean;
  /** One plain sentence. */
  readonly text: string;
}

/** Everything one backtest produced. */
export interface BacktestResult {
  /** {@link BACKTEST_RESULT_FORMAT}. */
  readonly format: typeof BACKTEST_RESULT_FORMAT;
  /** Name (file-safe). */
  readonly name: string;
  /** Report heading. */
  readonly title: string;
  /** When it started, ISO (the `now` option's answer). */
  readonly runAt: string;
  /** Wall time of the whole run (plus `setupMs`), ms. */
  readonly runtimeMs: number;
  /** The label horizon, days. */
  readonly horizonDays: number;
  /** The k of precision@k. */
  readonly k: number;
  /** Parameters, as JSON keeps them. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Method paragraphs (Markdown). */
  readonly method: readonly string[];
  /** The cutoffs. */
  readonly cutoffs: readonly CutoffInfo[];
  /** What `fit` was given. */
  readonly fit: FitWindow;
  /** The model under test, or null in a run of baselines only. */
  readonly scorer: ScorerResult | null;
  /** The baselines, in the order given. */
  readonly baselines: readonly ScorerResult[];
  /** The target, if any. */
  readonly target: BacktestTarget | null;
  /** Verdict on the target, null without a target or without a scorer under test (see {@link Verdict.judged}). */
  readonly verdict: Verdict | null;
  /** Published figures to reproduce, or null. */
  readonly reference: BacktestReference | null;
}

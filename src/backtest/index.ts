/**
 * @module scene-radar/backtest
 * The public backtest harness: replay a host's own history at cutoffs, rank candidates with the
 * scorer under test and the host's baselines from what the sources knew at each cutoff, and
 * measure the rankings against what happened next (AUC, precision@k, pooled average precision
 * with bootstrap intervals, calibration). As-of is enforced by construction: every callback and
 * scorer reads the sources through a guard that refuses, records and fails the run on any read
 * past its limit. Results are plain data, written as Markdown or JSON text by the caller.
 */
export { runBacktest } from './run-backtest.js';
export type {
  BacktestCutoffSpec,
  BacktestLabels,
  BacktestOptions,
  BacktestReference,
  BacktestRun,
  BacktestScorer,
  BacktestScores,
  BacktestSplit,
  BacktestTarget,
  CandidatesContext,
  CutoffContext,
  FitContext,
  FitCutoff,
  LabelsContext,
  MaybePromise,
  PopulationContext,
  ReferenceCounts,
  ReferenceFigures,
  ScoreContext,
  ScoredCandidates,
} from './types.js';
export {
  BACKTEST_RESULT_FORMAT,
  RESULT_SPLITS,
  type BacktestResult,
  type CutoffInfo,
  type CutoffScore,
  type FitWindow,
  type ResultSplit,
  type ScorerResult,
  type SplitSummary,
  type UnscoredSummary,
  type Verdict,
} from './result.js';
export { BacktestError, isBacktestError, type BacktestErrorCode, type LookaheadViolation } from './errors.js';
export { createLookaheadGuard, violationText, type GuardScope, type LookaheadGuard } from './guard.js';
export { judge } from './verdict.js';
export {
  auc,
  averagePrecision,
  compareAsc,
  precisionAtK,
  splitFigures,
  type RankedCutoff,
  type SplitFigures,
} from './metrics.js';
// The package's one seeded PRNG, public here for benchmarks and tests that need the same draws.
export { mulberry32 } from '../core/random.js';
export {
  bootstrapIntervals,
  MAX_RESAMPLES,
  weightedAveragePrecision,
  type BootstrapOptions,
  type Interval,
  type SplitIntervals,
} from './bootstrap.js';
export { calibration, type Calibration, type ReliabilityBin } from './calibration.js';
export {
  backtestJson,
  backtestSummary,
  parseBacktestJson,
  type BacktestSummary,
  type BacktestWindows,
  type WindowFigures,
  type WindowSummary,
} from './json.js';
export { backtestConsoleTable, backtestMarkdown, type BacktestMarkdownOptions } from './markdown.js';
export { talentScorer, type TalentScorerOptions } from './talent-scorer.js';
// Fitting the breakout model on a host's labelled history (`TalentRadar.calibrate` and the
// `fit` step of a backtest): the options, the examples and the validation figures it reports.
export type {
  CalibrationExample,
  CalibrationFold,
  CalibrationOptions,
  CalibrationValidation,
  OutOfTimeFigures,
  ReliabilityBin as CalibrationReliabilityBin,
} from '../talent/calibrate.js';
export type {
  AppliedBreakoutModel,
  ArtistScore,
  CalibrationData,
  CalibrationDataOptions,
  LabelledOutcome,
  ScoredArtists,
  SetBreakoutModelOptions,
} from '../talent/talent-radar.js';
export { DEFAULT_L2_GRID, fitBreakoutModel, MONOTONE_BREAKOUT_SIGNS } from '../talent/calibrate.js';
// The `onProgress` option of runBacktest (and of calibration): the messages it receives.
export type { ProgressCallback, ProgressMessage } from '../core/observe/progress.js';

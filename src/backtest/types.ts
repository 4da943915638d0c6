/**
 * @module backtest/types
 * What a host hands {@link runBacktest}: its sources, its cutoffs, callbacks that say who to rank
 * and what happened, and the scorers to compare. Every callback and scorer receives the sources
 * through a view that refuses reads past the instant it may see (see the `sources` field of each
 * context for its limit).
 */
import type { SceneRadarSources } from '../contracts/sources.js';
import type { ProgressCallback } from '../core/observe/progress.js';

/** A value, or a promise of it: every callback may be synchronous or not. */
export type MaybePromise<T> = T | Promise<T>;

/** The two halves of a time split. */
export type BacktestSplit = 'train' | 'test';

/** One cutoff: the instant scores are computed as of, and its half of the split. */
export interface BacktestCutoffSpec {
  /** The instant T; nothing later may be read when ranking at T. */
  readonly asOf: Date;
  /** `train` cutoffs may be fitted on; `test` cutoffs are only scored. All train cutoffs come first. */
  readonly split: BacktestSplit;
}

/** What every per-cutoff callback receives. */
export interface CutoffContext {
  /** The cutoff instant T (a copy). */
  readonly asOf: Date;
  /** Its half of the split. */
  readonly split: BacktestSplit;
  /** The host's sources, each call refused past T (labels: past T + horizon). */
  readonly sources: SceneRadarSources;
  /** Aborts when the run's `signal` does; pass it to every source call. */
  readonly signal: AbortSignal;
}

/** What the `candidates` callback receives: sources guarded at T. */
export type CandidatesContext = CutoffContext;

/** What the `population` callback receives: sources guarded at T, and the candidates. */
export interface PopulationContext extends CutoffContext {
  /** The candidates already chosen at T. */
  readonly candidates: readonly string[];
}

/** What the `labels` callback receives: sources guarded at T + horizon. */
export interface LabelsContext extends CutoffContext {
  /** The end of the label horizon, T + `horizonDays`: the limit of `sources` here. */
  readonly until: Date;
  /** The candidates to label, every one of them. */
  readonly candidates: readonly string[];
}

/** Labels per candidate: true when the outcome happened within the horizon. */
export type BacktestLabels = ReadonlyMap<string, boolean> | Readonly<Record<string, boolean>>;

/**
 * One {@link runBacktest} call, as the scorers' contexts name it: the same frozen object in the
 * `fit` and every `score` of one run, a new object in each run. A scorer object shared by several
 * runs (two running at once, say) keeps what it learnt in `fit` per run, keyed by this (a
 * `WeakMap`), rather than in one variable the other run would overwrite.
 * @example
 * ```ts
 * const models = new WeakMap<object, Model>();
 * const scorer: BacktestScorer = {
 *   name: 'fitted',
 *   fit: (ctx) => void models.set(ctx.run ?? scorer, train(ctx.cutoffs)),
 *   score: (ctx) => predict(models.get(ctx.run ?? scorer)!, ctx.candidates),
 * };
 * ```
 */
export interface BacktestRun {
  /** The run's `name` option. */
  readonly name: string;
}

/** What a scorer's `score` receives at one cutoff: no labels, sources guarded at T. */
export interface ScoreContext {
  /** The cutoff instant T. */
  readonly asOf: Date;
  /** Its half of the split. */
  readonly split: BacktestSplit;
  /** The host's sources, each call refused past T. */
  readonly sources: SceneRadarSources;
  /** Who to rank (frozen). */
  readonly candidates: readonly string[];
  /** Peers for relative signals at T (frozen): the `population` callback's answer, else the candidates. */
  readonly population: readonly string[];
  /** Aborts when the run's `signal` does. */
  readonly signal: AbortSignal;
  /** The run this cutoff belongs to (the object its `fit` received); absent in a context built by hand. */
  readonly run?: BacktestRun;
}

/** A training cutoff as `fit` receives it: labels included. */
export interface FitCutoff {
  /** The cutoff instant T. */
  readonly asOf: Date;
  /** The candidates at T (frozen). */
  readonly candidates: readonly string[];
  /** Peers at T (frozen). */
  readonly population: readonly string[];
  /** The label of every candidate (a copy: changing it changes nothing in the run). */
  readonly labels: ReadonlyMap<string, boolean>;
}

/** What a scorer's `fit` receives: the training cutoffs it may learn from. */
export interface FitContext {
  /**
   * The training cutoffs whose label horizon ends at or before `limit`, oldest first. Those whose
   * horizon reaches past it are purged (their labels would reveal the test window).
   */
  readonly cutoffs: readonly FitCutoff[];
  /** The training cutoffs left out of `cutoffs` because T + horizon is past `limit`. */
  readonly purged: readonly Date[];
  /** The host's sources, each call refused past `limit`. */
  readonly sources: SceneRadarSources;
  /** The first test cutoff (without test cutoffs: the last cutoff plus the horizon). */
  readonly limit: Date;
  /** The label horizon, days. */
  readonly horizonDays: number;
  /** Aborts when the run's `signal` does. */
  readonly signal: AbortSignal;
  /** The run being fitted (the object its every `score` receives); absent in a context built by hand. */
  readonly run?: BacktestRun;
}

/** Scores with the reasons some candidates were left unscored. */
export interface ScoredCandidates {
  /** Score per candidate, higher = more likely. */
  readonly scores: ReadonlyMap<string, number> | Readonly<Record<string, number>>;
  /** Why a candidate has no score (`insufficient data`, `no chart history`...); counted in the result. */
  readonly unscored?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /**
   * Candidates scored all the same although something they are scored from failed (a source read
   * that errored or timed out), with what failed (`network: error`); counted in the result and
   * named under its tables, so figures moved by an outage say so. Ranked by their score as usual.
   * An entry whose reason is blank or not a string counts as `no reason given`.
   */
  readonly degraded?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
}

/** What `score` returns: a map of scores, or scores with reasons for the unscored. */
export type BacktestScores = ReadonlyMap<string, number> | ScoredCandidates;

/**
 * A ranking model: the one under test (for instance the Talent Radar's breakout score) or a
 * baseline. A candidate left without a finite score ranks below every scored one; at a cutoff
 * where it scores no candidate at all, its AUC and precision@k there are null (left out of its
 * means and counted).
 * @example
 * ```ts
 * const eventCount: BacktestScorer = {
 *   name: 'event-count-30d',
 *   description: 'real-time feed events in the last 30 days',
 *   async score({ asOf, sources, candidates, signal }) {
 *     const from = new Date(asOf.getTime() - 30 * DAY_MS);
 *     const events = await sources.rcf!.getEvents(candidates, { asOf, from, signal });
 *     return new Map(candidates.map((slug) => [slug, events.get(slug)?.length ?? 0]));
 *   },
 * };
 * ```
 */
export interface BacktestScorer {
  /** Name in tables, and the key in the JSON summary (unique within a run). */
  readonly name: string;
  /** One line on what the score is, for the report. */
  readonly description?: string;
  /** True when scores are probabilities of the label (0-1): the result then has calibration. */
  readonly probabilistic?: boolean;
  /** Learns from the training cutoffs (called once, before any `score`). */
  fit?(context: FitContext): MaybePromise<void>;
  /** Scores the candidates of one cutoff. */
  score(context: ScoreContext): MaybePromise<BacktestScores>;
}

/** The target the scorer under test is judged against. */
export interface BacktestTarget {
  /** The split judged. */
  readonly split: BacktestSplit | 'all';
  /** Lowest acceptable mean AUC on it (the scorer must also beat every baseline's). */
  readonly minMeanAuc: number;
}

/** Published figures of one scorer on one split. */
export interface ReferenceFigures {
  /** Mean AUC. */
  readonly auc?: number;
  /** Mean precision@k. */
  readonly pAtK?: number;
}

/** Published candidates and positives per cutoff (means over a split's cutoffs). */
export interface ReferenceCounts {
  /** Candidates per cutoff. */
  readonly candidates?: number;
  /** Positives per cutoff. */
  readonly positives?: number;
}

/** Published figures the run should reproduce (for instance, a protocol's baselines). */
export interface BacktestReference {
  /** Where the figures come from. */
  readonly source: string;
  /** Figures by scorer name, then by split. */
  readonly figures: Readonly<Record<string, Readonly<Partial<Record<BacktestSplit | 'all', ReferenceFigures>>>>>;
  /** Published candidates and positives per cutoff, by split. */
  readonly perCutoff?: Readonly<Partial<Record<BacktestSplit | 'all', ReferenceCounts>>>;
  /** What explains the differences that remain (Markdown). */
  readonly note?: string;
}

/**
 * Everything {@link runBacktest} needs. The callbacks are the host's protocol: who is a candidate
 * at T, who are the peers, and what happened after T.
 */
export interface BacktestOptions {
  /** File-safe name (letters, digits, `.`, `_`, `-`), for result files. */
  readonly name: string;
  /** Heading in the report. @default name */
  readonly title?: string;
  /** The host's read-only sources, answering as of any instant. */
  readonly sources: SceneRadarSources;
  /** The cutoffs, strictly increasing, every `train` one before every `test` one. */
  readonly cutoffs: readonly BacktestCutoffSpec[];
  /**
   * Days after T in which the outcome counts; labels may read up to T + this. Positive, and small
   * enough that every cutoff's T + this is a valid Date.
   */
  readonly horizonDays: number;
  /** Who to rank at T: artist slugs, no duplicates. Sources guarded at T. */
  readonly candidates: (context: CandidatesContext) => MaybePromise<readonly string[]>;
  /** Whether each candidate had the outcome within the horizon. Sources guarded at T + horizon. */
  readonly labels: (context: LabelsContext) => MaybePromise<BacktestLabels>;
  /** Peers for relative signals at T. Sources guarded at T. @default the candidates */
  readonly population?: (context: PopulationContext) => MaybePromise<readonly string[]>;
  /** The model under test; null or absent for a run of baselines only. */
  readonly scorer?: BacktestScorer | null;
  /** The host's baselines. @default [] */
  readonly baselines?: readonly BacktestScorer[];
  /** The k of precision@k. @default 10 */
  readonly k?: number;
  /** Bootstrap resamples for the 95% intervals, a whole number from 0 to 100,000 (`MAX_RESAMPLES`). @default 2000 */
  readonly resamples?: number;
  /** Bootstrap seed. @default 20240601 */
  readonly seed?: number;
  /** Target for the scorer under test (gives a verdict). @default none */
  readonly target?: BacktestTarget | null;
  /**
   * Published figures to reproduce (adds a reproduction table): `source` a string, each figure a
   * finite number or absent, `note` a string; recorded as JSON keeps it. Anything else is refused
   * up front (`BACKTEST_INVALID_OPTIONS`). @default none
   */
  readonly reference?: BacktestReference | null;
  /**
   * Parameters recorded in the result (protocol, mapping choices), as JSON keeps them (a copy):
   * plain JSON data, or the run is refused up front (`BACKTEST_INVALID_OPTIONS`: a cycle, a
   * BigInt). @default {}
   */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** The method, as Markdown paragraphs (an array of strings), for the report. @default [] */
  readonly method?: readonly string[];
  /** Time already spent building the sources, ms (finite, >= 0), added to `runtimeMs`. @default 0 */
  readonly setupMs?: number;
  /** Progress lines. A callback that throws is ignored. @default none */
  readonly log?: (line: string) => void;
  /**
   * Progress as counts: task `backtest`, phase `cutoffs` (the callbacks asked about each cutoff),
   * then one phase per scorer, named after it (its fit, if any, then each cutoff scored); the
   * first and last message of each phase, at most one every 250 ms between, `done` never going
   * down. The same messages go to the `scene-radar:progress` diagnostics channel. A callback that
   * throws is ignored. @default none
   */
  readonly onProgress?: ProgressCallback;
  /**
   * Clock for `runAt`: called once, as the run starts, and must return a valid Date (else
   * `BACKTEST_INVALID_OPTIONS`, before anything runs). @default the system clock
   */
  readonly now?: () => Date;
  /** Aborts the run (passed on to every context). @default never */
  readonly signal?: AbortSignal;
}

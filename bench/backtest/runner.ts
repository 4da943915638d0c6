/**
 * @module bench/backtest/runner
 * Runs scorers over a suite's cutoffs and measures them. The runner is where the time split is
 * enforced: `fit` receives copies of the training cutoffs only, over a world that refuses reads
 * past the last training cutoff plus the horizon; `score` receives a cutoff with no labels, over a
 * world that refuses reads past that cutoff.
 */
import { performance } from 'node:perf_hooks';
import { guardWorld } from './guard.js';
import { bootstrapIntervals, type SplitIntervals } from './bootstrap.js';
import { calibration, type Calibration } from './calibration.js';
import { auc, precisionAtK, splitFigures, type RankedCutoff, type SplitFigures } from './metrics.js';
import type { BacktestCutoff, BacktestReference, BacktestScorer, BacktestSplit, BacktestSuite, ScoringCutoff } from './scorer.js';

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
}

/** One scorer's figures at one cutoff. */
export interface CutoffScore {
  /** The cutoff instant, ISO. */
  readonly asOf: string;
  /** Its half of the split. */
  readonly split: BacktestSplit;
  /** AUC, null when undefined (no positive or no negative). */
  readonly auc: number | null;
  /** Precision@10. */
  readonly pAt10: number;
  /** Candidates the scorer left unscored (ranked last). */
  readonly missing: number;
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

/** One scorer's result. */
export interface ScorerResult {
  /** Scorer name. */
  readonly name: string;
  /** Its description, if given. */
  readonly description: string | null;
  /** The breakout score under test, or a baseline. */
  readonly role: 'breakout' | 'baseline';
  /** Whether its scores are probabilities. */
  readonly probabilistic: boolean;
  /** The error that stopped it, or null. */
  readonly error: string | null;
  /** Time spent in `fit`, ms. */
  readonly fitMs: number;
  /** Time spent in `score` over all cutoffs, ms. */
  readonly scoreMs: number;
  /** Figures per cutoff (empty after an error). */
  readonly perCutoff: readonly CutoffScore[];
  /** Figures per split, null after an error. */
  readonly splits: Readonly<Record<ResultSplit, SplitSummary>> | null;
}

/** The target the breakout score is judged against. */
export interface BacktestTarget {
  /** The split judged. */
  readonly split: BacktestSplit;
  /** Lowest acceptable mean AUC on it. */
  readonly minMeanAuc: number;
}

/** The verdict on the target. */
export interface Verdict {
  /** Whether the target is met. */
  readonly met: boolean;
  /** One plain sentence. */
  readonly text: string;
}

/** Everything one backtest produced (written to `bench/backtests/<name>.json`). */
export interface BacktestResult {
  /** Suite name. */
  readonly name: string;
  /** Report heading. */
  readonly title: string;
  /** When it ran, ISO. */
  readonly runAt: string;
  /** Wall time of the whole run (world build included when the caller passes it), ms. */
  readonly runtimeMs: number;
  /** Suite parameters. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Method paragraphs (Markdown). */
  readonly method: readonly string[];
  /** The cutoffs. */
  readonly cutoffs: readonly CutoffInfo[];
  /** The breakout score, or null when no breakout scorer was provided. */
  readonly breakout: ScorerResult | null;
  /** The baselines. */
  readonly baselines: readonly ScorerResult[];
  /** Target, if the suite has one. */
  readonly target: BacktestTarget | null;
  /** Verdict on the target, null without a target or without a breakout score. */
  readonly verdict: Verdict | null;
  /** Published figures the baselines are compared with, or null. */
  readonly reference: BacktestReference | null;
}

/** Options of {@link runBacktest}. */
export interface RunBacktestOptions {
  /** The breakout score under test, if available. */
  readonly breakout?: BacktestScorer | null;
  /** Scorers run as baselines. @default the suite's baselines */
  readonly baselines?: readonly BacktestScorer[];
  /** The target to judge the breakout score against. */
  readonly target?: BacktestTarget | null;
  /** Bootstrap resamples. @default 2000 */
  readonly resamples?: number;
  /** Bootstrap seed. @default 20240601 */
  readonly seed?: number;
  /** Time already spent building the suite, ms, added to `runtimeMs`. @default 0 */
  readonly setupMs?: number;
  /** Progress lines (to stderr in the CLI). */
  readonly log?: (line: string) => void;
  /** Clock for `runAt`. */
  readonly now?: () => Date;
}

const DAY_MS = 86_400_000;

/** A frozen copy of a cutoff without its labels: all `score` may see. */
function stripLabels(c: BacktestCutoff): ScoringCutoff {
  return Object.freeze({ asOf: new Date(c.asOf.getTime()), split: c.split, candidates: Object.freeze([...c.candidates]) });
}

/** A frozen copy, so a scorer cannot alter the runner's labels. */
function copyCutoff(c: BacktestCutoff): BacktestCutoff {
  return Object.freeze({ ...stripLabels(c), labels: new Map(c.labels) });
}

const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/**
 * Runs one scorer over a suite: fit on the training cutoffs, score every cutoff, measure.
 * @example
 * ```ts
 * const result = await runScorer(suite, bestRankScorer(), 'baseline');
 * result.splits?.test.meanAuc;
 * ```
 */
export async function runScorer(suite: BacktestSuite, scorer: BacktestScorer, role: 'breakout' | 'baseline', options: RunBacktestOptions = {}): Promise<ScorerResult> {
  const train = suite.cutoffs.filter((c) => c.split === 'train');
  const base = { name: scorer.name, description: scorer.description ?? null, role, probabilistic: scorer.probabilistic === true };
  let fitMs = 0;
  let scoreMs = 0;
  const ranked: RankedCutoff[] = [];
  const perCutoff: CutoffScore[] = [];
  try {
    if (scorer.fit) {
      const lastTrain = Math.max(...train.map((c) => c.asOf.getTime()));
      // Training labels already reveal up to the last training cutoff plus the horizon; nothing
      // later (the test period proper) may be read while fitting.
      const limit = new Date(Number.isFinite(lastTrain) ? lastTrain + suite.horizonDays * DAY_MS : -8.64e15);
      const t0 = performance.now();
      await scorer.fit(guardWorld(suite.world, limit), Object.freeze(train.map(copyCutoff)));
      fitMs = performance.now() - t0;
    }
    for (const cutoff of suite.cutoffs) {
      const t0 = performance.now();
      const scores = await scorer.score(guardWorld(suite.world, cutoff.asOf), stripLabels(cutoff));
      scoreMs += performance.now() - t0;
      let missing = 0;
      const values = cutoff.candidates.map((slug) => {
        const s = scores.get(slug);
        if (s === undefined || !Number.isFinite(s)) {
          missing++;
          return -Infinity;
        }
        return s;
      });
      const labels = cutoff.candidates.map((slug) => cutoff.labels.get(slug) === true);
      ranked.push({ scores: values, labels });
      perCutoff.push({ asOf: cutoff.asOf.toISOString(), split: cutoff.split, auc: auc(values, labels), pAt10: precisionAtK(values, labels, 10), missing });
    }
  } catch (e) {
    return { ...base, error: errorText(e), fitMs, scoreMs, perCutoff: [], splits: null };
  }
  const summarise = (split: ResultSplit): SplitSummary => {
    const picked = ranked.filter((_, i) => split === 'all' || suite.cutoffs[i]!.split === split);
    const candidates = picked.reduce((n, c) => n + c.labels.length, 0);
    const positives = picked.reduce((n, c) => n + c.labels.filter(Boolean).length, 0);
    return {
      ...splitFigures(picked),
      cutoffs: picked.length,
      candidates,
      positives,
      baseRate: candidates ? positives / candidates : null,
      intervals: bootstrapIntervals(picked, { resamples: options.resamples ?? 2000, seed: options.seed ?? 20_240_601 }),
      calibration: scorer.probabilistic ? calibration(picked.flatMap((c) => c.scores), picked.flatMap((c) => c.labels)) : null,
    };
  };
  return { ...base, error: null, fitMs, scoreMs, perCutoff, splits: { train: summarise('train'), test: summarise('test'), all: summarise('all') } };
}

/**
 * Judges the breakout score: mean AUC on the target split at least `minMeanAuc` and above every
 * baseline's mean AUC on the same split.
 */
export function judge(breakout: ScorerResult, baselines: readonly ScorerResult[], target: BacktestTarget): Verdict {
  const span = target.split === 'test' ? 'test' : 'training';
  if (!breakout.splits) return { met: false, text: `Target not met: the breakout score failed (${breakout.error ?? 'no result'}).` };
  const own = breakout.splits[target.split].meanAuc;
  if (own === null) return { met: false, text: `Target not met: no ${span} cutoff has a defined AUC.` };
  const best = baselines
    .map((b) => ({ name: b.name, auc: b.splits?.[target.split].meanAuc ?? null }))
    .filter((b): b is { name: string; auc: number } => b.auc !== null)
    .sort((a, b) => b.auc - a.auc)[0];
  const fmt = (x: number): string => x.toFixed(3);
  const aboveFloor = own >= target.minMeanAuc;
  const aboveBaselines = best === undefined || own > best.auc;
  const vsBest = best ? `the best baseline (${best.name}) reaches ${fmt(best.auc)}` : 'no baseline has a result';
  if (aboveFloor && aboveBaselines) return { met: true, text: `Target met: mean AUC ${fmt(own)} on the ${span} cutoffs (>= ${target.minMeanAuc}); ${vsBest}.` };
  const why = [!aboveFloor ? `below ${target.minMeanAuc}` : null, !aboveBaselines ? 'not above every baseline' : null].filter(Boolean).join(' and ');
  return { met: false, text: `Target NOT met: mean AUC ${fmt(own)} on the ${span} cutoffs is ${why}; ${vsBest}.` };
}

/**
 * Runs a whole suite: every baseline and, if given, the breakout score.
 * @example
 * ```ts
 * const result = await runBacktest(suite, { breakout: createTalentScorer(), target: { split: 'test', minMeanAuc: 0.75 } });
 * ```
 */
export async function runBacktest(suite: BacktestSuite, options: RunBacktestOptions = {}): Promise<BacktestResult> {
  const t0 = performance.now();
  const log = options.log ?? (() => {});
  const baselines: ScorerResult[] = [];
  for (const scorer of options.baselines ?? suite.baselines) {
    log(`${suite.name}: ${scorer.name}...`);
    baselines.push(await runScorer(suite, scorer, 'baseline', options));
  }
  let breakout: ScorerResult | null = null;
  if (options.breakout) {
    log(`${suite.name}: ${options.breakout.name} (breakout)...`);
    breakout = await runScorer(suite, options.breakout, 'breakout', options);
  }
  const target = options.target ?? null;
  return {
    name: suite.name,
    title: suite.title,
    runAt: (options.now?.() ?? new Date()).toISOString(),
    runtimeMs: Math.round((options.setupMs ?? 0) + performance.now() - t0),
    parameters: suite.parameters,
    method: suite.method,
    cutoffs: suite.cutoffs.map((c) => ({ asOf: c.asOf.toISOString(), split: c.split, candidates: c.candidates.length, positives: c.candidates.filter((s) => c.labels.get(s) === true).length })),
    breakout,
    baselines,
    target,
    verdict: breakout && target ? judge(breakout, baselines, target) : null,
    reference: suite.reference ?? null,
  };
}

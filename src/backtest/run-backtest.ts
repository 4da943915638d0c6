/**
 * @module backtest/run-backtest
 * The harness. It enforces the time split by construction: at each cutoff T the `candidates` and
 * `population` callbacks and every `score` see the sources only up to T, and `labels` up to
 * T + horizon; `fit` sees them up to the first test cutoff, and gets only the training cutoffs
 * whose label horizon ends by then. A read past a limit is refused and recorded, and any recorded
 * refusal voids the whole run, whoever caught it.
 */
import type { SceneRadarSources } from '../contracts/sources.js';
import { describeError } from '../core/describe-error.js';
import { ProgressTracker } from '../core/observe/progress.js';
import { bootstrapIntervals } from './bootstrap.js';
import { calibration } from './calibration.js';
import { BacktestError } from './errors.js';
import { createLookaheadGuard, violationText, type GuardScope, type LookaheadGuard } from './guard.js';
import { auc, precisionAtK, splitFigures, type RankedCutoff } from './metrics.js';
import {
  BACKTEST_RESULT_FORMAT,
  type BacktestResult,
  type CutoffScore,
  type ResultSplit,
  type ScorerResult,
  type SplitSummary,
} from './result.js';
import type { BacktestCutoffSpec, BacktestOptions, BacktestRun, BacktestScorer, FitCutoff } from './types.js';
import {
  checkLabels,
  checkSlugList,
  horizonEnd,
  normaliseScores,
  planBacktest,
  type BacktestPlan,
} from './validate.js';
import { judge } from './verdict.js';

/** A cutoff with everything the callbacks said about it. */
interface ResolvedCutoff {
  readonly spec: BacktestCutoffSpec;
  readonly iso: string;
  readonly candidates: readonly string[];
  readonly population: readonly string[];
  readonly labels: ReadonlyMap<string, boolean>;
  readonly purged: boolean;
}

/** What every scorer run shares. */
interface RunState {
  readonly plan: BacktestPlan;
  readonly cutoffs: readonly ResolvedCutoff[];
  readonly sources: SceneRadarSources;
  readonly guard: LookaheadGuard;
  readonly fitLimit: Date;
  readonly horizonDays: number;
  readonly signal: AbortSignal;
  readonly progress: ProgressTracker;
  /** This run's identity, handed to every fit and score. */
  readonly run: BacktestRun;
}

const errorText = (e: unknown): string => describeError(e);
const now = (): number => globalThis.performance.now();

/**
 * `use` with a view of the sources for one call, closed once that call has settled (answered,
 * failed or abandoned on abort): a view kept for later refuses every read (docs/backtesting.md).
 * A call that failed closes it as failed: its own reads still queued are refused without voiding
 * the run, since a failed call's figures are discarded (a scorer fails alone).
 */
async function withView<T>(
  guard: LookaheadGuard,
  sources: SceneRadarSources,
  limit: Date,
  scope: GuardScope,
  use: (view: SceneRadarSources) => Promise<T>,
): Promise<T> {
  const view = guard.view(sources, limit, scope);
  let outcome: 'settled' | 'failed' = 'failed';
  try {
    const out = await use(view);
    outcome = 'settled';
    return out;
  } finally {
    guard.close(view, outcome);
  }
}

/** Throws when the guard recorded any refused read: the run is void, whoever swallowed the refusal. */
function assertNoLookahead(guard: LookaheadGuard): void {
  const v = guard.violations;
  if (v.length === 0) return;
  const more = v.length > 1 ? ` (and ${v.length - 1} more refused read${v.length > 2 ? 's' : ''})` : '';
  throw new BacktestError('BACKTEST_LOOKAHEAD', `lookahead: ${violationText(v[0]!)}${more}; the backtest is void`, {
    details: [...v],
  });
}

/**
 * `work`, or a rejection with the signal's reason as soon as `signal` aborts: a host callback that
 * ignores the signal (or never settles) cannot hold an aborted run. Its late outcome is ignored.
 */
function abortable<T>(work: () => T | Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const stop = (): void => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    Promise.resolve()
      .then(work)
      .then(
        (value) => {
          signal.removeEventListener('abort', stop);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', stop);
          reject(error);
        },
      );
  });
}

/**
 * Runs a host callback; a throw becomes `BACKTEST_CALLBACK_FAILED` unless a refused read explains
 * it. When the run's signal aborts, the run stops at once with the signal's reason.
 */
async function callback<T>(
  guard: LookaheadGuard,
  what: string,
  iso: string,
  run: () => T | Promise<T>,
  signal: AbortSignal,
): Promise<T> {
  let out: T;
  try {
    out = await abortable(run, signal);
  } catch (e) {
    assertNoLookahead(guard);
    if (signal.aborted) throw signal.reason;
    // A BacktestError of the host's own (a parse of its files) is still its callback's failure.
    throw new BacktestError('BACKTEST_CALLBACK_FAILED', `${what} at cutoff ${iso} threw: ${errorText(e)}`, {
      cause: e,
    });
  }
  assertNoLookahead(guard);
  return out;
}

/**
 * Checks a callback's answer. Reading it runs the host's code too (an index getter, a Proxy, a
 * Map whose `get` throws): a throw there is the callback's failure, `BACKTEST_CALLBACK_FAILED`,
 * even a {@link BacktestError} of the host's own (a getter that parses a file with the harness's
 * helpers), while an unusable value is `BACKTEST_INVALID_INPUT`: only the refusals `check` makes
 * through its `refuse` pass unchanged.
 */
function readAnswer<T>(what: string, iso: string, check: (refuse: (message: string) => BacktestError) => T): T {
  const refusals = new WeakSet<object>();
  const refuse = (message: string): BacktestError => {
    const e = new BacktestError('BACKTEST_INVALID_INPUT', message);
    refusals.add(e);
    return e;
  };
  try {
    return check(refuse);
  } catch (e) {
    if (typeof e === 'object' && e !== null && refusals.has(e)) throw e;
    throw new BacktestError(
      'BACKTEST_CALLBACK_FAILED',
      `${what} at cutoff ${iso}: reading its answer threw: ${errorText(e)}`,
      { cause: e },
    );
  }
}

/** Asks the callbacks about every cutoff, checking each answer. */
async function resolveCutoffs(
  options: BacktestOptions,
  plan: BacktestPlan,
  guard: LookaheadGuard,
  fitLimit: Date,
  signal: AbortSignal,
  tracker: ProgressTracker,
): Promise<ResolvedCutoff[]> {
  const out: ResolvedCutoff[] = [];
  const progress = tracker.phase('cutoffs', plan.cutoffs.length);
  for (const spec of plan.cutoffs) {
    signal.throwIfAborted();
    const iso = spec.asOf.toISOString();
    /** `use` with a view limited to the cutoff, for `call`, closed once it settles. */
    const at = <T>(call: string, use: (view: SceneRadarSources) => Promise<T>): Promise<T> =>
      withView(guard, options.sources, spec.asOf, { call, cutoff: iso }, use);
    const base = { split: spec.split, signal };
    const rawCandidates = await at('candidates', (sources) =>
      callback(
        guard,
        'candidates',
        iso,
        () => options.candidates({ ...base, asOf: new Date(spec.asOf.getTime()), sources }),
        signal,
      ),
    );
    const candidates = readAnswer('candidates', iso, (refuse) =>
      checkSlugList(rawCandidates, `candidates at cutoff ${iso}`, 'refuse', refuse),
    );
    let population = candidates;
    if (options.population) {
      const rawPopulation = await at('population', (sources) =>
        callback(
          guard,
          'population',
          iso,
          () => options.population!({ ...base, asOf: new Date(spec.asOf.getTime()), sources, candidates }),
          signal,
        ),
      );
      population = readAnswer('population', iso, (refuse) =>
        checkSlugList(rawPopulation, `population at cutoff ${iso}`, 'drop', refuse),
      );
    }
    const until = horizonEnd(spec.asOf, options.horizonDays);
    const rawLabels = await withView(guard, options.sources, until, { call: 'labels', cutoff: iso }, (sources) =>
      callback(
        guard,
        'labels',
        iso,
        () =>
          options.labels({
            ...base,
            asOf: new Date(spec.asOf.getTime()),
            until: new Date(until.getTime()),
            sources,
            candidates,
          }),
        signal,
      ),
    );
    const labels = readAnswer('labels', iso, (refuse) =>
      checkLabels(rawLabels, candidates, `labels at cutoff ${iso}`, refuse),
    );
    // Written so that an Invalid Date (NaN, refused by planBacktest anyway) purges rather than keeps.
    const purged = spec.split === 'train' && plan.firstTest >= 0 && !(until.getTime() <= fitLimit.getTime());
    out.push({ spec, iso, candidates, population, labels, purged });
    progress.advance();
  }
  progress.finish();
  return out;
}

/** Per-split figures of one scorer. */
function summarise(
  state: RunState,
  scorer: BacktestScorer,
  ranked: readonly RankedCutoff[],
  split: ResultSplit,
): SplitSummary {
  const picked = ranked.filter((_, i) => split === 'all' || state.cutoffs[i]!.spec.split === split);
  const candidates = picked.reduce((n, c) => n + c.labels.length, 0);
  const positives = picked.reduce((n, c) => n + c.labels.filter(Boolean).length, 0);
  return {
    ...splitFigures(picked, state.plan.k),
    cutoffs: picked.length,
    candidates,
    positives,
    baseRate: candidates ? positives / candidates : null,
    intervals: bootstrapIntervals(picked, { resamples: state.plan.resamples, seed: state.plan.seed, k: state.plan.k }),
    // Over the predictions made: an unscored candidate (ranked last as -Infinity) predicted
    // nothing, so it is neither a prediction of 0 nor a value "outside [0, 1]" to clamp.
    calibration: scorer.probabilistic ? calibrationOfScored(picked) : null,
  };
}

/** {@link calibration} of the candidates that were scored (a finite score), with their labels. */
function calibrationOfScored(picked: readonly RankedCutoff[]): ReturnType<typeof calibration> {
  const probabilities: number[] = [];
  const labels: boolean[] = [];
  for (const c of picked)
    for (let i = 0; i < c.scores.length; i++)
      if (Number.isFinite(c.scores[i])) {
        probabilities.push(c.scores[i]!);
        labels.push(c.labels[i]!);
      }
  return calibration(probabilities, labels);
}

/** The training cutoffs `fit` may learn from, as frozen copies. */
function fitCutoffs(state: RunState): FitCutoff[] {
  return state.cutoffs
    .filter((c) => c.spec.split === 'train' && !c.purged)
    .map((c) =>
      Object.freeze({
        asOf: new Date(c.spec.asOf.getTime()),
        candidates: c.candidates,
        population: c.population,
        labels: new Map(c.labels),
      }),
    );
}

/** Fits (if it can) and scores one scorer over every cutoff. Rejects only on a refused read or an aborted run. */
async function runScorer(state: RunState, scorer: BacktestScorer, role: ScorerResult['role']): Promise<ScorerResult> {
  const { guard, signal } = state;
  const base = {
    name: scorer.name,
    description: scorer.description ?? null,
    role,
    probabilistic: scorer.probabilistic === true,
  };
  let fitMs = 0;
  let scoreMs = 0;
  // Prototype-less: a host's reason may be any text, `__proto__` included.
  const reasons = Object.create(null) as Record<string, number>;
  let unscoredTotal = 0;
  // Candidates scored despite a failed read, by what failed (prototype-less, as `reasons`).
  const degradedReasons = Object.create(null) as Record<string, number>;
  let degradedTotal = 0;
  const ranked: RankedCutoff[] = [];
  const perCutoff: CutoffScore[] = [];
  // The scorer's name is the host's, one per scorer: a bounded name, not an id.
  const progress = state.progress.phase(scorer.name, state.cutoffs.length + (scorer.fit ? 1 : 0));
  const failed = (e: unknown): ScorerResult => {
    // A scorer that fails is done: its phase ends where the run moves on.
    progress.finish();
    assertNoLookahead(guard);
    return {
      ...base,
      error: errorText(e),
      fitMs,
      scoreMs,
      perCutoff: [],
      unscored: { total: 0, reasons: {} },
      degraded: { total: 0, reasons: {} },
      splits: null,
    };
  };
  if (scorer.fit) {
    const call = `scorer "${scorer.name}" fit`;
    const t0 = now();
    try {
      const purged = state.cutoffs.filter((c) => c.purged).map((c) => new Date(c.spec.asOf.getTime()));
      await withView(guard, state.sources, state.fitLimit, { call, cutoff: null }, (sources) =>
        abortable(
          () =>
            scorer.fit!({
              cutoffs: Object.freeze(fitCutoffs(state)),
              purged: Object.freeze(purged),
              sources,
              limit: new Date(state.fitLimit.getTime()),
              horizonDays: state.horizonDays,
              signal,
              run: state.run,
            }),
          signal,
        ),
      );
    } catch (e) {
      fitMs = now() - t0;
      // An aborted run stops; it is not this scorer's failure.
      if (signal.aborted) throw signal.reason;
      return failed(e);
    }
    fitMs = now() - t0;
    assertNoLookahead(guard);
    progress.advance();
  }
  for (const cutoff of state.cutoffs) {
    signal.throwIfAborted();
    const t0 = now();
    let answer: ReturnType<typeof normaliseScores>;
    try {
      const scope = { call: `scorer "${scorer.name}" score`, cutoff: cutoff.iso };
      const raw = await withView(guard, state.sources, cutoff.spec.asOf, scope, (sources) =>
        abortable(
          () =>
            scorer.score({
              asOf: new Date(cutoff.spec.asOf.getTime()),
              split: cutoff.spec.split,
              sources,
              candidates: cutoff.candidates,
              population: cutoff.population,
              signal,
              run: state.run,
            }),
          signal,
        ),
      );
      answer = normaliseScores(raw);
    } catch (e) {
      scoreMs += now() - t0;
      if (signal.aborted) throw signal.reason;
      return failed(e);
    }
    scoreMs += now() - t0;
    assertNoLookahead(guard);
    let unscored = 0;
    const found = Object.create(null) as Record<string, number>;
    const failedFor = Object.create(null) as Record<string, number>;
    let degraded = 0;
    let values: number[];
    try {
      // Read inside the guard: a Map whose `get` throws, or a getter on `scores` or `unscored`
      // that throws, fails this scorer alone, like a `score()` that throws.
      values = cutoff.candidates.map((slug) => {
        const s = answer.get(slug);
        if (typeof s === 'number' && Number.isFinite(s)) {
          const what = answer.degraded(slug);
          if (what !== undefined) {
            degraded++;
            failedFor[what] = (failedFor[what] ?? 0) + 1;
          }
          return s;
        }
        unscored++;
        const reason =
          answer.reason(slug) ??
          (s === undefined
            ? 'no score returned'
            : `not a finite number (${typeof s === 'number' ? String(s) : typeof s})`);
        found[reason] = (found[reason] ?? 0) + 1;
        // Unscored candidates rank below every scored one.
        return -Infinity;
      });
    } catch (e) {
      return failed(e);
    }
    for (const [reason, n] of Object.entries(found)) reasons[reason] = (reasons[reason] ?? 0) + n;
    unscoredTotal += unscored;
    for (const [what, n] of Object.entries(failedFor)) degradedReasons[what] = (degradedReasons[what] ?? 0) + n;
    degradedTotal += degraded;
    const labels = cutoff.candidates.map((slug) => cutoff.labels.get(slug) === true);
    ranked.push({ scores: values, labels });
    perCutoff.push({
      asOf: cutoff.iso,
      split: cutoff.spec.split,
      auc: auc(values, labels),
      pAtK: precisionAtK(values, labels, state.plan.k),
      unscored,
    });
    progress.advance();
  }
  progress.finish();
  const splits = {
    train: summarise(state, scorer, ranked, 'train'),
    test: summarise(state, scorer, ranked, 'test'),
    all: summarise(state, scorer, ranked, 'all'),
  };
  return {
    ...base,
    error: null,
    fitMs,
    scoreMs,
    perCutoff,
    unscored: { total: unscoredTotal, reasons },
    degraded: { total: degradedTotal, reasons: degradedReasons },
    splits,
  };
}

/**
 * Runs a backtest: asks the callbacks who the candidates are and what happened at each cutoff,
 * fits the scorers on the training cutoffs, scores every cutoff and measures the rankings (AUC,
 * precision@k, pooled average precision with bootstrap intervals, calibration for probabilistic
 * scorers), comparing the scorer under test with the baselines.
 *
 * Rejects with a {@link BacktestError} when the options are unusable or a callback answers
 * something unusable (before any scorer runs), when a callback throws, and when anything read a
 * source past its limit. A scorer that throws fails alone: its result carries the error.
 * @example
 * ```ts
 * const result = await runBacktest({
 *   name: 'my-label',
 *   sources,
 *   cutoffs: [{ asOf: new Date('2024-01-01T00:00:00Z'), split: 'train' }, { asOf: new Date('2024-07-01T00:00:00Z'), split: 'test' }],
 *   horizonDays: 90,
 *   candidates: ({ asOf, sources, signal }) => rosterAt(asOf, sources, signal),
 *   labels: ({ asOf, until, candidates, sources, signal }) => brokeOutBetween(asOf, until, candidates, sources, signal),
 *   baselines: [eventCount],
 * });
 * console.log(backtestMarkdown(result));
 * ```
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const t0 = now();
  const plan = planBacktest(options);
  const hostLog = options.log;
  // Progress lines are a courtesy: a log callback that throws is ignored, like onProgress.
  const log = (line: string): void => {
    try {
      hostLog?.(line);
    } catch {
      // ignored
    }
  };
  const signal = options.signal ?? new AbortController().signal;
  const guard = createLookaheadGuard();
  const last = plan.cutoffs[plan.cutoffs.length - 1]!;
  // fit may read up to the first test cutoff; without one there is nothing later to protect.
  const fitLimit =
    plan.firstTest >= 0 ? plan.cutoffs[plan.firstTest]!.asOf : horizonEnd(last.asOf, options.horizonDays);
  log(`${options.name}: ${plan.cutoffs.length} cutoffs...`);
  const progress = new ProgressTracker('backtest', { callbacks: [options.onProgress] });
  const cutoffs = await resolveCutoffs(options, plan, guard, fitLimit, signal, progress);
  const state: RunState = {
    plan,
    cutoffs,
    sources: options.sources,
    guard,
    fitLimit,
    horizonDays: options.horizonDays,
    signal,
    progress,
    run: Object.freeze({ name: options.name }),
  };
  const baselines: ScorerResult[] = [];
  for (const b of plan.baselines) {
    log(`${options.name}: ${b.name}...`);
    baselines.push(await runScorer(state, b, 'baseline'));
  }
  let model: ScorerResult | null = null;
  if (plan.scorer) {
    log(`${options.name}: ${plan.scorer.name} (under test)...`);
    model = await runScorer(state, plan.scorer, 'model');
  }
  // A reader may have fired a read without awaiting it: check once more before reporting.
  assertNoLookahead(guard);
  return {
    format: BACKTEST_RESULT_FORMAT,
    name: options.name,
    title: options.title ?? options.name,
    runAt: plan.runAt,
    runtimeMs: Math.round(plan.setupMs + now() - t0),
    horizonDays: options.horizonDays,
    k: plan.k,
    parameters: plan.parameters,
    method: [...plan.method],
    cutoffs: cutoffs.map((c) => ({
      asOf: c.iso,
      split: c.spec.split,
      candidates: c.candidates.length,
      positives: c.candidates.filter((s) => c.labels.get(s) === true).length,
      population: c.population.length,
      purged: c.purged,
    })),
    fit: {
      limit: fitLimit.toISOString(),
      cutoffs: cutoffs.filter((c) => c.spec.split === 'train' && !c.purged).length,
      purged: cutoffs.filter((c) => c.purged).map((c) => c.iso),
    },
    scorer: model,
    baselines,
    target: plan.target,
    verdict: model && plan.target ? judge(model, baselines, plan.target) : null,
    reference: plan.reference,
  };
}

/**
 * @module backtest/json
 * Results as JSON: the full result ({@link backtestJson}, read back with
 * {@link parseBacktestJson}) and the compact per-window summary ({@link backtestSummary}), whose
 * shape `npm run backtest -- --json <file>` has always written.
 */
import { z } from 'zod';
import { BacktestError } from './errors.js';
import { BACKTEST_RESULT_FORMAT, type BacktestResult, type SplitSummary } from './result.js';

/** One scorer's figures in the summary. */
export interface WindowFigures {
  /** Mean AUC over the window's cutoffs (null when never defined). */
  readonly auc: number | null;
  /** Pooled average precision of the window's candidates (null without positives). */
  readonly pooled_ap: number | null;
  /** Mean precision@k over the window's cutoffs, keyed `p_at_10` for the default k = 10. */
  readonly [precisionAtK: `p_at_${number}`]: number | null;
}

/** One window (split) of the summary. */
export interface WindowSummary {
  /** The scorer under test, null in a run of baselines only (or when it failed). */
  readonly breakout: WindowFigures | null;
  /** Baselines by name (a failed baseline is left out). */
  readonly baselines: Readonly<Record<string, WindowFigures>>;
}

/** The two windows of the summary. */
export interface BacktestWindows {
  /** The training cutoffs. */
  readonly train: WindowSummary;
  /** The test cutoffs. */
  readonly test: WindowSummary;
}

/** The summary: `{ windows: { train, test } }`. */
export interface BacktestSummary {
  /** The training and test windows. */
  readonly windows: BacktestWindows;
}

const figures = (s: SplitSummary, k: number): WindowFigures => ({
  auc: s.meanAuc,
  [`p_at_${k}`]: s.meanPAtK,
  pooled_ap: s.pooledAp,
});

/**
 * The compact summary, per window: the scorer under test under `breakout` and each baseline by
 * name, with mean AUC, mean precision@k (`p_at_10`) and pooled average precision.
 * @example
 * ```ts
 * backtestSummary(result).windows.test.baselines['best-rank-8w']?.auc;
 * ```
 */
export function backtestSummary(result: BacktestResult): BacktestSummary {
  checkBacktestResult(result);
  const window = (split: 'train' | 'test'): WindowSummary => ({
    breakout: result.scorer?.splits ? figures(result.scorer.splits[split], result.k) : null,
    baselines: Object.fromEntries(
      result.baselines.flatMap((b) => (b.splits ? [[b.name, figures(b.splits[split], result.k)] as const] : [])),
    ),
  });
  return { windows: { train: window('train'), test: window('test') } };
}

/**
 * The full result as JSON text (two-space indent, final newline): write it where you keep results.
 * @example
 * ```ts
 * writeFileSync(`results/${result.name}.json`, backtestJson(result));
 * ```
 */
export function backtestJson(result: BacktestResult): string {
  checkBacktestResult(result);
  try {
    return `${JSON.stringify(result, null, 2)}\n`;
  } catch (e) {
    // A cycle, a bigint or a getter that throws in a field the check does not read.
    throw new BacktestError(
      'BACKTEST_INVALID_INPUT',
      `not a backtest result: it cannot be written as JSON (${e instanceof Error ? e.message : String(e)})`,
      { cause: e },
    );
  }
}

/**
 * Reads a result written by {@link backtestJson}. Throws a `BACKTEST_INVALID_INPUT`
 * {@link BacktestError} for text that is not one (not JSON, another format, a missing field).
 * @example
 * ```ts
 * const again = parseBacktestJson(readFileSync('results/my-label.json', 'utf8'));
 * backtestMarkdown(again);
 * ```
 */
export function parseBacktestJson(text: string): BacktestResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new BacktestError(
      'BACKTEST_INVALID_INPUT',
      `not a backtest result: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
  return checkBacktestResult(parsed);
}

/**
 * `value` as a result the writers can read ({@link backtestMarkdown}, {@link backtestSummary},
 * {@link backtestJson}, {@link parseBacktestJson}), or a `BACKTEST_INVALID_INPUT`
 * {@link BacktestError}: never a `TypeError` from reading something that is not one.
 * @internal
 */
export function checkBacktestResult(value: unknown): BacktestResult {
  // Every read of `value` goes through `read`: a getter or a proxy's trap that throws is this error too.
  const read = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      throw new BacktestError('BACKTEST_INVALID_INPUT', 'not a backtest result: it cannot be read', { cause: e });
    }
  };
  const r = value as Partial<Record<keyof BacktestResult, unknown>>;
  if (typeof value !== 'object' || value === null || read(() => r.format) !== BACKTEST_RESULT_FORMAT)
    throw new BacktestError(
      'BACKTEST_INVALID_INPUT',
      `not a backtest result: "format" is not "${BACKTEST_RESULT_FORMAT}"`,
    );
  const [missing, checked] = read(
    () =>
      [
        (['name', 'title', 'runAt', 'cutoffs', 'baselines', 'fit', 'method', 'parameters'] as const).filter(
          (k) => r[k] === undefined,
        ),
        ResultShape.safeParse(value),
      ] as const,
  );
  if (missing.length)
    throw new BacktestError(
      'BACKTEST_INVALID_INPUT',
      `not a backtest result: missing or malformed ${missing.join(', ')}`,
    );
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new BacktestError(
      'BACKTEST_INVALID_INPUT',
      `not a backtest result: ${issue.path.length ? issue.path.join('.') : 'the result'}: ${issue.message}`,
    );
  }
  return value as BacktestResult;
}

// What `backtestMarkdown` and `backtestSummary` read of a result, checked before they read it (a
// field they do not read may be anything; the result is returned as parsed, not as reshaped).
const num = z.number();
const numOrNull = z.number().nullable();
const interval = z.tuple([num, num]).nullable();
const split = z.enum(['train', 'test']);
const SplitShape = z.looseObject({
  meanAuc: numOrNull,
  aucSkipped: num,
  meanPAtK: numOrNull,
  pooledAp: numOrNull,
  cutoffs: num,
  candidates: num,
  positives: num,
  baseRate: numOrNull,
  intervals: z.looseObject({ meanAuc: interval, meanPAtK: interval, pooledAp: interval }),
  calibration: z
    .looseObject({
      bins: z.array(
        z.looseObject({ from: num, to: num, count: num, meanPredicted: numOrNull, observedRate: numOrNull }),
      ),
      brier: numOrNull,
      ece: numOrNull,
      count: num,
      clamped: num,
    })
    .nullable(),
});
const ScorerShape = z.looseObject({
  name: z.string(),
  role: z.enum(['model', 'baseline']),
  probabilistic: z.boolean(),
  error: z.string().nullable(),
  perCutoff: z.array(z.looseObject({ asOf: z.string(), split, auc: numOrNull, pAtK: numOrNull, unscored: num })),
  unscored: z.looseObject({ total: num, reasons: z.record(z.string(), num) }),
  // Absent from results written before it was counted (the writers then name none).
  degraded: z.looseObject({ total: num, reasons: z.record(z.string(), num) }).optional(),
  splits: z.looseObject({ train: SplitShape, test: SplitShape, all: SplitShape }).nullable(),
});
const ResultShape = z.looseObject({
  name: z.string(),
  title: z.string(),
  runAt: z.string(),
  runtimeMs: num,
  horizonDays: num,
  k: z.number().int().min(1),
  parameters: z.record(z.string(), z.unknown()),
  method: z.array(z.string()),
  cutoffs: z.array(
    z.looseObject({
      asOf: z.string(),
      split,
      candidates: num,
      positives: num,
      population: num,
      purged: z.boolean(),
    }),
  ),
  fit: z.looseObject({ limit: z.string(), cutoffs: num, purged: z.array(z.string()) }),
  scorer: ScorerShape.nullable(),
  baselines: z.array(ScorerShape),
  target: z.looseObject({ split: z.enum(['train', 'test', 'all']), minMeanAuc: num }).nullable(),
  // Results written before `judged` existed lack it (docs/backtesting.md).
  verdict: z.looseObject({ met: z.boolean(), judged: z.boolean().optional(), text: z.string() }).nullable(),
  reference: z
    .looseObject({
      source: z.string(),
      figures: z.record(
        z.string(),
        z.record(z.string(), z.looseObject({ auc: z.number().optional(), pAtK: z.number().optional() })),
      ),
      perCutoff: z
        .record(z.string(), z.looseObject({ candidates: z.number().optional(), positives: z.number().optional() }))
        .optional(),
    })
    .nullable(),
});

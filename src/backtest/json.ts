/**
 * @module backtest/json
 * Results as JSON: the full result ({@link backtestJson}, read back with
 * {@link parseBacktestJson}) and the compact per-window summary ({@link backtestSummary}), whose
 * shape `npm run backtest -- --json <file>` has always written.
 */
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
  return `${JSON.stringify(result, null, 2)}\n`;
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
  const r = parsed as Partial<Record<keyof BacktestResult, unknown>>;
  if (typeof parsed !== 'object' || parsed === null || r.format !== BACKTEST_RESULT_FORMAT) {
    throw new BacktestError(
      'BACKTEST_INVALID_INPUT',
      `not a backtest result: "format" is not "${BACKTEST_RESULT_FORMAT}"`,
    );
  }
  const missing = (['name', 'title', 'runAt', 'cutoffs', 'baselines', 'fit', 'method', 'parameters'] as const).filter(
    (k) => r[k] === undefined,
  );
  if (missing.length || !Array.isArray(r.cutoffs) || !Array.isArray(r.baselines) || typeof r.name !== 'string') {
    throw new BacktestError(
      'BACKTEST_INVALID_INPUT',
      `not a backtest result: missing or malformed ${missing.length ? missing.join(', ') : 'name, cutoffs or baselines'}`,
    );
  }
  return parsed as BacktestResult;
}

/**
 * @module backtest/errors
 * The harness's one error class. Not a `SceneRadarError`: its codes carry HTTP statuses
 * and are published in the API's OpenAPI document, while a backtest is a development-time run
 * that never answers a request. Like `SceneRadarError` it has a stable `code`, `details` and a
 * brand check that survives duplicated package copies.
 */

/**
 * Why a backtest refused to run or stopped:
 * - `BACKTEST_INVALID_OPTIONS`: the options are unusable (cutoffs unsorted, duplicated, sparse,
 *   train and test windows overlapping, a bad horizon or one that takes a cutoff past the range of
 *   Date, duplicate scorer names, `parameters` or `reference` that JSON cannot hold, a `now` that
 *   gives no valid Date, an option whose getter throws...); nothing was run. Also `calibration`
 *   given a bin count that is not an integer from 1 to 1000.
 * - `BACKTEST_INVALID_INPUT`: a `candidates`, `population` or `labels` callback returned
 *   something unusable (a non-string candidate or a hole, a label that is not a boolean); no
 *   scorer was run.
 * - `BACKTEST_CALLBACK_FAILED`: a `candidates`, `population` or `labels` callback threw, or
 *   reading its answer did (an index getter, a Proxy).
 * - `BACKTEST_LOOKAHEAD`: something read a source past the instant it may see. The whole run
 *   fails, even when the refusal was caught and swallowed by the reader.
 */
export type BacktestErrorCode =
  | 'BACKTEST_INVALID_OPTIONS'
  | 'BACKTEST_INVALID_INPUT'
  | 'BACKTEST_CALLBACK_FAILED'
  | 'BACKTEST_LOOKAHEAD';

const BRAND = Symbol.for('scene-radar.backtest-error');

/**
 * A refused or failed backtest. `details` holds structured context: for `BACKTEST_LOOKAHEAD`, the
 * list of {@link LookaheadViolation}s.
 * @example
 * ```ts
 * try {
 *   await runBacktest(options);
 * } catch (e) {
 *   if (isBacktestError(e) && e.code === 'BACKTEST_LOOKAHEAD') console.error(e.message);
 * }
 * ```
 */
export class BacktestError extends Error {
  /** The stable error code. */
  readonly code: BacktestErrorCode;
  /** Structured details, if any. */
  readonly details: unknown;

  constructor(code: BacktestErrorCode, message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BacktestError';
    this.code = code;
    this.details = options.details;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * Brand check for {@link BacktestError}, safe across duplicated package copies.
 * @example
 * ```ts
 * const refused = await runBacktest(options).catch((e: unknown) => (isBacktestError(e) ? e.code : null));
 * ```
 */
export function isBacktestError(value: unknown): value is BacktestError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** One read refused because it asked past its limit, as the guard recorded it. */
export interface LookaheadViolation {
  /** Who read: `candidates`, `labels`, `population`, `scorer "name" fit`, `scorer "name" score`. */
  readonly call: string;
  /** The cutoff the call was made for (ISO), or null for `fit`. */
  readonly cutoff: string | null;
  /** The source method read, `rcf.getEvents`. */
  readonly method: string;
  /** The `asOf` it asked for (ISO), or a description when it was not a valid Date. */
  readonly asOf: string;
  /** The latest `asOf` it was allowed (ISO). */
  readonly limit: string;
  /**
   * True when the read came through the view after the call it was handed to had settled (a view
   * kept for later): refused whatever its `asOf`. Absent for a read past the limit.
   */
  readonly late?: true;
}

/**
 * @module core/refresh-order
 * The order of an engine's refreshes: one at a time (a queue of async steps, each started when
 * the previous one has settled), and never as of an instant before the last refresh's (the
 * tables hold the state as of that refresh; an earlier one would mix two instants in them).
 */
import { SceneRadarError } from './errors.js';

/**
 * A queue of async steps run one at a time, in call order.
 * @internal
 */
export class OneAtATime {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `step` once every step queued before it has settled; resolves or rejects as it does. */
  run<T>(step: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(step, step);
    // The queue goes on whether this step fulfils or rejects.
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/**
 * The error for a refresh asked as of `at`, before the last refresh's instant `lastMs`.
 * @internal
 */
export function refreshBeforeLast(
  code: 'SCENES_INVALID_PARAMS' | 'TALENT_INVALID_PARAMS',
  at: Date,
  lastMs: number,
): SceneRadarError {
  const last = new Date(lastMs).toISOString();
  return new SceneRadarError(
    code,
    `Cannot refresh as of ${at.toISOString()}: the last refresh was as of ${last}, and the tables hold the state as of then (refresh as of that instant or later; for history, use a backfill or a backtest)`,
    { details: { asOf: at.toISOString(), lastRefreshAsOf: last } },
  );
}

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
 * How far apart two clocks may be: a refresh up to this much ahead of the radar's clock, or behind
 * the last refresh's instant (another instance's clock), is still taken.
 */
export const REFRESH_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Throws when a refresh may not run as of `at`: past the radar's clock (`nowMs`) by more than
 * {@link REFRESH_CLOCK_SKEW_MS} (the sources know nothing of the future, so every artist would look
 * inactive and lose its record, and later refreshes would be refused), or before the last refresh's
 * instant `lastMs` by more than the same (the tables hold the state as of then; an earlier refresh
 * would mix two instants in them).
 * @internal
 */
export function checkRefreshInstant(
  code: 'SCENES_INVALID_PARAMS' | 'TALENT_INVALID_PARAMS',
  at: Date,
  nowMs: number,
  lastMs: number | null,
): void {
  const asOf = at.toISOString();
  if (at.getTime() > nowMs + REFRESH_CLOCK_SKEW_MS)
    throw new SceneRadarError(
      code,
      `Cannot refresh as of ${asOf}: it is after the radar's clock (${new Date(nowMs).toISOString()}), and the sources know nothing of the future`,
      { details: { asOf, now: new Date(nowMs).toISOString() } },
    );
  if (lastMs !== null && at.getTime() < lastMs - REFRESH_CLOCK_SKEW_MS) {
    const last = new Date(lastMs).toISOString();
    throw new SceneRadarError(
      code,
      `Cannot refresh as of ${asOf}: the last refresh was as of ${last}, and the tables hold the state as of then (refresh as of that instant or later; for history, use a backfill or a backtest)`,
      { details: { asOf, lastRefreshAsOf: last } },
    );
  }
}

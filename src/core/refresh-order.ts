/**
 * @module core/refresh-order
 * The order of an engine's refreshes: one at a time (a queue of async steps, each started when
 * the previous one has settled), and never as of an instant before the last refresh's (the
 * tables hold the state as of that refresh; an earlier one would mix two instants in them).
 */
import { SceneRadarError } from './errors.js';
import { onAbort } from './gateway/deadline.js';

/**
 * A queue of async steps run one at a time, in call order.
 * @internal
 */
export class OneAtATime {
  #tail: Promise<unknown> = Promise.resolve();

  /**
   * Runs `step` once every step queued before it has settled; resolves or rejects as it does.
   * With `signal`: when it aborts before `step` has started, the call rejects at once with
   * `aborted()` and `step` never runs (a caller with a deadline does not wait out the queue);
   * once `step` has started, its outcome is the call's (the step watches the signal itself).
   * `closing` is a second such stop (the radar's close(), rejecting with its own reason).
   */
  run<T>(
    step: () => Promise<T>,
    signal?: AbortSignal,
    aborted?: () => unknown,
    closing?: { readonly signal: AbortSignal; readonly reason: () => unknown },
  ): Promise<T> {
    let started = false;
    let gaveUp = false;
    const start = (): Promise<T> => {
      if (gaveUp || signal?.aborted) return Promise.reject(aborted ? aborted() : signal?.reason);
      if (closing?.signal.aborted) return Promise.reject(closing.reason());
      started = true;
      return step();
    };
    const result = this.#tail.then(start, start);
    // The queue goes on whether this step fulfils or rejects.
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    if (!signal && !closing) return result;
    return new Promise<T>((resolve, reject) => {
      // One listener per signal however many calls wait on it (a host's shutdown signal passed to
      // every refresh): a listener per queued call warned of a leak on the host's process at 11.
      const stop = (reason: () => unknown): void => {
        if (started || gaveUp) return;
        gaveUp = true;
        reject(reason());
      };
      const offs = [
        ...(signal ? [onAbort(signal, () => stop(aborted ?? (() => signal.reason)))] : []),
        ...(closing ? [onAbort(closing.signal, () => stop(closing.reason))] : []),
      ];
      const unsubscribe = (): void => {
        for (const off of offs) off();
      };
      result.then(
        (value) => {
          unsubscribe();
          resolve(value);
        },
        (error: unknown) => {
          unsubscribe();
          reject(error);
        },
      );
    });
  }
}

/**
 * How far apart two clocks may be: a refresh up to this much ahead of the radar's clock, or behind
 * the last refresh's instant (another instance's clock), is still taken.
 */
export const REFRESH_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The instant a refresh asked as of `at` runs as of, or why it may not run. Refused: `at` past the
 * radar's clock (`nowMs`) by more than {@link REFRESH_CLOCK_SKEW_MS} (the sources know nothing of
 * the future, so every artist would look inactive and lose its record), or before the last
 * refresh's instant `lastMs` by more than the same (the tables hold the state as of then; an
 * earlier refresh would mix two instants in them). Within the skew before the last refresh
 * (another instance's clock a little behind), the refresh runs as of the last refresh's instant,
 * so refreshes never step back, not even a few minutes at a time.
 * @internal
 */
export function checkRefreshInstant(
  code: 'SCENES_INVALID_PARAMS' | 'TALENT_INVALID_PARAMS',
  at: Date,
  nowMs: number,
  lastMs: number | null,
): Date {
  const asOf = at.toISOString();
  if (at.getTime() > nowMs + REFRESH_CLOCK_SKEW_MS)
    throw new SceneRadarError(
      code,
      `Cannot refresh as of ${asOf}: it is after the radar's clock (${new Date(nowMs).toISOString()}), and the sources know nothing of the future`,
      { details: { asOf, now: new Date(nowMs).toISOString() } },
    );
  if (lastMs === null || at.getTime() >= lastMs) return at;
  const last = new Date(lastMs).toISOString();
  if (at.getTime() < lastMs - REFRESH_CLOCK_SKEW_MS)
    throw new SceneRadarError(
      code,
      `Cannot refresh as of ${asOf}: the last refresh was as of ${last}${code === 'SCENES_INVALID_PARAMS' ? ' (or a trend backfill ran through then)' : ''}, and the tables hold the state as of then (refresh as of that instant or later; for history, use a backfill or a backtest)`,
      { details: { asOf, lastRefreshAsOf: last } },
    );
  return new Date(lastMs);
}

/** How many times a refresh is computed when other instances keep committing refreshes meanwhile. @internal */
export const MAX_REFRESH_ATTEMPTS = 3;

/** The `info` log message of a refresh attempt that met a conflict and is computed again. @internal */
export const CONFLICT_RETRY_LOG = "refresh met another instance's refresh: computed again";

const CONFLICTS = new WeakSet<object>();

/**
 * The error of a refresh whose writes were computed over tables another instance's refresh has
 * replaced since (committed as of `lastMs`), or with a breakout model applied or reset since
 * (`model`: the version stored now): nothing of it is written. Its engine computes it again (see
 * {@link MAX_REFRESH_ATTEMPTS}); past the last attempt the caller gets it.
 * @internal
 */
export function refreshConflict(
  code: 'SCENES_INVALID_PARAMS' | 'TALENT_INVALID_PARAMS',
  at: Date,
  lastMs: number | null,
  model?: string,
): SceneRadarError {
  const last = lastMs === null ? null : new Date(lastMs).toISOString();
  const why =
    model === undefined
      ? `another instance committed a refresh (as of ${last})`
      : `the breakout model was applied or reset (now ${model})`;
  const error = new SceneRadarError(
    code,
    `Refresh as of ${at.toISOString()} not written: ${why} while it was computed, ${MAX_REFRESH_ATTEMPTS} times; refresh again`,
    {
      details: {
        asOf: at.toISOString(),
        lastRefreshAsOf: last,
        ...(model === undefined ? {} : { modelVersion: model }),
      },
    },
  );
  CONFLICTS.add(error);
  return error;
}

/** Whether `error` is a {@link refreshConflict}. @internal */
export function isRefreshConflict(error: unknown): boolean {
  return typeof error === 'object' && error !== null && CONFLICTS.has(error);
}

/**
 * @module core/gateway/deadline
 * A deadline shared by a whole batch: one AbortSignal that fires when the time is up or when a
 * parent signal aborts. Timers are unref'd (they never keep a process alive) and cleared on
 * dispose; they are ordinary `setTimeout`s so fake timers drive them in tests.
 */

/** Why a deadline's signal aborted. */
export type DeadlineReason = 'deadline' | 'aborted';

/** A point in time by which work must finish. */
export interface Deadline {
  /** Aborts when the deadline passes or the parent aborts. */
  readonly signal: AbortSignal;
  /** Epoch ms at which it expires (`Infinity` for none). */
  readonly expiresAt: number;
  /** Milliseconds left (0 when passed). */
  remaining(): number;
  /** Why it aborted, once it has. */
  reason(): DeadlineReason | undefined;
  /** Clears the timer; call when the work is done. */
  dispose(): void;
}

/** An error that marks a deadline or timeout (its `name` is `TimeoutError`, as the platform's). */
export function timeoutError(message: string): Error {
  const e = new Error(message);
  e.name = 'TimeoutError';
  return e;
}

/** Starts a timer that is unref'd where the runtime supports it. */
export function unrefTimer(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
  const timer = setTimeout(fn, ms);
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/**
 * Creates a deadline `ms` from now (or none, for `Infinity`), chained to `parent`.
 * @example
 * ```ts
 * const deadline = createDeadline(120_000, request.signal);
 * try { await work(deadline.signal); } finally { deadline.dispose(); }
 * ```
 */
export function createDeadline(ms: number, parent?: AbortSignal): Deadline {
  if (!(ms >= 0)) throw new RangeError('deadline must be >= 0 ms');
  const controller = new AbortController();
  const start = Date.now();
  const expiresAt = start + ms;
  let why: DeadlineReason | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: (() => void) | undefined;
  const dispose = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    unsubscribe?.();
    unsubscribe = undefined;
  };
  // Through onAbort: many deadlines chained to one long-lived parent share a single listener on it.
  if (parent) {
    unsubscribe = onAbort(parent, () => {
      why ??= 'aborted';
      controller.abort(parent.reason);
      dispose();
    });
  }
  if (!controller.signal.aborted && Number.isFinite(ms)) {
    timer = unrefTimer(() => {
      why ??= 'deadline';
      controller.abort(timeoutError(`Deadline of ${ms} ms passed`));
      dispose();
    }, ms);
  }
  return {
    signal: controller.signal,
    expiresAt,
    remaining: () => (controller.signal.aborted ? 0 : Math.max(0, expiresAt - Date.now())),
    reason: () => why,
    dispose,
  };
}

const subscribers = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Runs `fn` once when `signal` aborts (at once if it already has); returns an unsubscribe.
 * Many subscribers share one listener per signal, so a deadline shared by thousands of queued
 * calls does not pile listeners on the signal.
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  if (signal.aborted) {
    fn();
    return () => undefined;
  }
  let set = subscribers.get(signal);
  if (!set) {
    const fresh = new Set<() => void>();
    subscribers.set(signal, fresh);
    set = fresh;
    signal.addEventListener(
      'abort',
      () => {
        subscribers.delete(signal);
        for (const cb of fresh) cb();
      },
      { once: true },
    );
  }
  const own = set;
  own.add(fn);
  return () => {
    own.delete(fn);
  };
}

/**
 * `work`'s result, or a rejection with `reason()` as soon as `signal` aborts (whichever comes
 * first). The work itself is not cancelled: it may finish and be reused by others.
 * @example
 * ```ts
 * const value = await untilAborted(sharedComputation, request.signal);
 * ```
 */
export function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal,
  reason: () => unknown = () => signal.reason,
): Promise<T> {
  if (signal.aborted) {
    // Attach a handler so an abandoned work's failure is not reported as unhandled.
    work.catch(() => undefined);
    return Promise.reject(reason());
  }
  return new Promise<T>((resolve, reject) => {
    const off = onAbort(signal, () => reject(reason()));
    work.then(
      (v) => {
        off();
        resolve(v);
      },
      (e: unknown) => {
        off();
        reject(e);
      },
    );
  });
}

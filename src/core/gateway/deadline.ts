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
 * Creates a deadline `ms` from now (or none, for `Infinity`), chained to `parent` (or to each of
 * a list of parents: the first to abort ends it; undefined entries are none).
 * @example
 * ```ts
 * const deadline = createDeadline(120_000, request.signal);
 * try { await work(deadline.signal); } finally { deadline.dispose(); }
 * ```
 */
export function createDeadline(ms: number, parent?: AbortSignal | readonly (AbortSignal | undefined)[]): Deadline {
  const parents =
    parent === undefined
      ? []
      : parent instanceof AbortSignal
        ? [parent]
        : parent.filter((p): p is AbortSignal => p !== undefined);
  return deadlineOver(ms, parents, true);
}

/**
 * A deadline `ms` from now chained to every signal of `parents` (internal: the source gateway's
 * per-call timeout, under the caller's deadline and the gateway's close). When a parent aborts,
 * its signal aborts with the platform's own `AbortError` (as `AbortController.abort()` with no
 * reason gives), not with the parent's reason. One signal fewer per batch than chaining to a
 * signal that combines the parents: Node keeps every `AbortSignal` it creates through at least
 * one young-generation collection (about 400 bytes promoted each), and a refresh made two per
 * source call.
 */
export function createChainedDeadline(
  ms: number,
  parents: readonly AbortSignal[],
  onEnd?: (why: DeadlineReason) => void,
): Deadline {
  return deadlineOver(ms, parents, false, onEnd);
}

/**
 * The deadline of {@link createDeadline} and {@link createChainedDeadline}: `passReason` says
 * whether its signal aborts with a parent's reason; `onEnd` is called once its signal has
 * aborted (after the signal's own listeners), without a listener on that signal.
 */
function deadlineOver(
  ms: number,
  parents: readonly AbortSignal[],
  passReason: boolean,
  onEnd?: (why: DeadlineReason) => void,
): Deadline {
  if (!(ms >= 0)) throw new RangeError('deadline must be >= 0 ms');
  const controller = new AbortController();
  const start = Date.now();
  const expiresAt = start + ms;
  let why: DeadlineReason | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: Array<() => void> | undefined;
  const dispose = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (unsubscribe) for (const off of unsubscribe) off();
    unsubscribe = undefined;
  };
  // Through onAbort: many deadlines chained to one long-lived parent share a single listener on it.
  for (const parent of parents) {
    if (controller.signal.aborted) break;
    const off = onAbort(parent, () => {
      why ??= 'aborted';
      if (passReason) controller.abort(parent.reason);
      else controller.abort();
      dispose();
      onEnd?.(why);
    });
    // A parent already aborted has called back (and disposed) inside onAbort: nothing to keep.
    if (!controller.signal.aborted) {
      unsubscribe ??= [];
      unsubscribe.push(off);
    }
  }
  if (!controller.signal.aborted && Number.isFinite(ms)) {
    timer = unrefTimer(() => {
      why ??= 'deadline';
      controller.abort(timeoutError(`Deadline of ${ms} ms passed`));
      dispose();
      onEnd?.(why);
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

/**
 * @module core/timeout
 * The one bound on a wait: a promise that settles as `work` does, or rejects with what `late`
 * makes once `ms` have passed. Used by the route deadlines, the waits on a host's own hooks, and
 * the Redis and BullMQ adapters' commands.
 */

/** The longest delay a Node timer holds (2^31 - 1 ms, about 24.8 days): a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `work`'s outcome, or a rejection with `late()` after `ms` (the timer is cleared when `work`
 * settles first; `work` goes on, its outcome after the bound ignored). One promise rather than a
 * race of two and a `finally`: the route deadline runs it for every request. `unref` (default
 * true) lets the process exit while only this timer is pending.
 * @internal
 */
export function settleWithin<T>(work: Promise<T>, ms: number, late: () => unknown, unref = true): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // A bound past the longest timer Node keeps (about 24.8 days) is that longest timer, not 1 ms.
    const timer = setTimeout(() => reject(late()), Math.min(ms, MAX_TIMER_MS));
    if (unref) (timer as { unref?: () => void }).unref?.();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

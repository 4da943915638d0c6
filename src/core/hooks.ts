/**
 * @module core/hooks
 * Calls a host's hook so that nothing it does can break the caller: a synchronous throw is
 * swallowed, and so is the rejection of a hook that returns a promise (an `async` metrics push
 * that fails would otherwise be an unhandled rejection, which ends a Node process). Hooks are
 * typed to return `void`, which TypeScript lets an `async` function satisfy.
 */

/**
 * Runs `hook(...args)` if there is one; never throws and never leaves a rejection unhandled.
 * @example
 * ```ts
 * callHook(options.onEvent, event);
 * ```
 */
export function callHook<A extends unknown[]>(hook: ((...args: A) => unknown) | undefined, ...args: A): void {
  if (hook === undefined) return;
  try {
    const result: unknown = hook(...args);
    if (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function') {
      (result as PromiseLike<unknown>).then(undefined, () => undefined);
    }
  } catch {
    // A faulty hook must not break the work it observes.
  }
}

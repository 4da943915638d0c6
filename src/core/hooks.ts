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
    handleRejection(hook(...args));
  } catch {
    // A faulty hook must not break the work it observes.
  }
}

/**
 * When a hook's answer `value` is a promise (any thenable), gives it a rejection handler, so that
 * its rejection is never unhandled, and says so; false for any other value. Never throws: a `then`
 * that throws (a revoked proxy) is not a promise.
 * @example
 * ```ts
 * if (handleRejection(hookResult)) return newRequestId(); // an async hook's promise is not an id
 * ```
 */
export function handleRejection(value: unknown): boolean {
  try {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
    if (typeof (value as { then?: unknown }).then !== 'function') return false;
    (value as PromiseLike<unknown>).then(undefined, () => undefined);
    return true;
  } catch {
    return false;
  }
}

/**
 * @module api/skip-cache
 * Who may bypass the engines' caches with `skipCache=true`: nobody, unless the host allows it. A
 * bypass recomputes from the sources (hundreds of source reads per request), so an open one lets
 * any caller multiply the load on the host's systems.
 */
import { settleWithin } from '../core/timeout.js';

/**
 * How long the API waits for a host's own hook (`allowSkipCache`, a rate limiter's `consume`)
 * before it gives up on it: a hook that never settles must not hold a request forever.
 */
export const HOST_HOOK_TIMEOUT_MS = 5_000;

/**
 * `value` once it settles, or a rejection naming `what` after `timeoutMs` (the timer is cleared
 * when the value comes first).
 * @internal
 */
export function settledWithin<T>(value: T | Promise<T>, what: string, timeoutMs = HOST_HOOK_TIMEOUT_MS): Promise<T> {
  if (typeof (value as { then?: unknown } | null)?.then !== 'function') return Promise.resolve(value);
  return settleWithin(
    Promise.resolve(value),
    timeoutMs,
    () => new Error(`${what} did not answer within ${timeoutMs} ms`),
  );
}

/**
 * The query with `skipCache` turned off unless `allowed` says yes. `allowed` is asked only when
 * the query asks for a bypass; when it throws, rejects or does not answer within
 * {@link HOST_HOOK_TIMEOUT_MS}, the bypass is refused and `report` gets the cause.
 * @internal
 */
export async function applySkipCachePolicy(
  query: Record<string, unknown>,
  allowed: boolean | (() => boolean | Promise<boolean>) | undefined,
  report: (error: unknown) => void,
): Promise<Record<string, unknown>> {
  if (query.skipCache !== true || allowed === true) return query;
  let yes = false;
  if (typeof allowed === 'function') {
    try {
      yes = (await settledWithin(allowed(), 'allowSkipCache')) === true;
    } catch (error) {
      report(error);
    }
  }
  return yes ? query : { ...query, skipCache: false };
}

/**
 * @module api/skip-cache
 * Who may bypass the engines' caches with `skipCache=true`: nobody, unless the host allows it. A
 * bypass recomputes from the sources (hundreds of source reads per request), so an open one lets
 * any caller multiply the load on the host's systems.
 */

/**
 * The query with `skipCache` turned off unless `allowed` says yes. `allowed` is asked only when
 * the query asks for a bypass; when it throws or rejects, the bypass is refused and `report` gets
 * the cause.
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
      yes = (await allowed()) === true;
    } catch (error) {
      report(error);
    }
  }
  return yes ? query : { ...query, skipCache: false };
}

/**
 * @module adapters/node/base-path
 * Which requests the Express and Fastify glue take: those whose path is the base path or below it.
 */

/**
 * `basePath` without a trailing slash, or a `TypeError` when it is not `''` or a path starting
 * with `/` (the same rule as `createFetchHandler`'s `basePath`).
 */
export function normaliseBasePath(basePath: string): string {
  if (typeof basePath !== 'string' || (basePath !== '' && !/^\/[A-Za-z0-9._~\-/]*$/.test(basePath))) {
    throw new TypeError(`basePath must be '' or start with '/' and hold only URL path characters, got ${JSON.stringify(basePath)}`);
  }
  return basePath.endsWith('/') ? basePath.slice(0, -1) : basePath;
}

/** True when the path of `url` (a request target, `/api/x?y`) is `base` or below it. */
export function isUnder(url: string, base: string): boolean {
  if (base === '') return true;
  let end = url.length;
  const q = url.indexOf('?');
  if (q >= 0) end = q;
  const hash = url.indexOf('#');
  if (hash >= 0 && hash < end) end = hash;
  const path = url.slice(0, end);
  return path === base || path.startsWith(`${base}/`);
}

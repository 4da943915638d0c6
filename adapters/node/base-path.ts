/**
 * @module adapters/node/base-path
 * Which requests the Express and Fastify glue take: those whose path is the base path or below it.
 */

export { normaliseBasePath } from '../../src/api/index.js';

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

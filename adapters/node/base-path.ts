/**
 * @module adapters/node/base-path
 * Which requests the Express and Fastify glue take: those whose path is the base path or below it.
 */

import { pathOf } from '../../src/core/request-target.js';

export { normaliseBasePath } from '../../src/api/index.js';

/**
 * True when the path of `url` (a request target: `/api/x?y`, or absolute-form
 * `http://host/api/x`, which a server must accept) is `base` or below it.
 */
export function isUnder(url: string, base: string): boolean {
  if (base === '') return true;
  const path = pathOf(url);
  return path === base || path.startsWith(`${base}/`);
}

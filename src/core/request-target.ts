/**
 * @module core/request-target
 * The path of an HTTP request target, shared by the HTTP kit and the framework glue.
 */

/**
 * The path of a request target: origin-form (`/a?b`) as it is, absolute-form without its origin.
 */
export function pathOf(target: string): string {
  let start = 0;
  if (target.charCodeAt(0) !== 47 /* / */) {
    const scheme = target.indexOf('://');
    if (scheme >= 0) {
      start = target.indexOf('/', scheme + 3);
      if (start < 0) return '';
    }
  }
  let end = target.indexOf('?', start);
  if (end < 0) end = target.length;
  const hash = target.indexOf('#', start);
  if (hash >= 0 && hash < end) end = hash;
  return target.slice(start, end);
}

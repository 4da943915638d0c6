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
      // The authority ends at the first `/`, `?` or `#`: a `/` in the query (`http://host?next=/api`)
      // is not the path's. URL parsers end it at a `\` too (read as `/`), so the path starts there.
      let i = scheme + 3;
      while (i < target.length) {
        const c = target.charCodeAt(i);
        if (c === 47 /* / */ || c === 92 /* \ */ || c === 63 /* ? */ || c === 35 /* # */) break;
        i++;
      }
      const c = target.charCodeAt(i);
      if (i === target.length || (c !== 47 && c !== 92)) return '';
      start = i;
    }
  }
  let end = target.indexOf('?', start);
  if (end < 0) end = target.length;
  const hash = target.indexOf('#', start);
  if (hash >= 0 && hash < end) end = hash;
  return target.slice(start, end);
}

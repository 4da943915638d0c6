/**
 * @module api/paths
 * Which request paths the API refuses before routing: those a URL parser or a proxy would rewrite
 * (`.` and `..` segments, literal or percent-encoded) and those that could be read two ways (an
 * encoded slash). The fetch handler answers them with a 404 `ROUTE_NOT_FOUND`, never a normalised
 * route.
 */
import { pathOf } from '../core/request-target.js';

/** A segment the URL standard treats as `.` or `..`: one or two dots, each literal or `%2e`. */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;
const ENCODED_SLASH = /%2f/i;
/** Tab and newlines: the URL standard deletes them anywhere in a URL (`.%09.` is `..`). */
const TAB_OR_NEWLINE = /[\t\n\r]/g;
const SEPARATOR = /[/\\]/;

/**
 * True when the path of `target` (a path, a request target `/api/x?y`, or an absolute URL) holds a
 * `.` or `..` segment, in any mix of literal and percent-encoded dots (`.`, `%2e`, `.%2E`,
 * `%2e%2e`), with segments split at `/` and at `\` (which URL parsers read as `/`) after tabs and
 * newlines are dropped (as URL parsers do), an encoded slash (`%2F`, `%2f`) or a backslash
 * (read as `/` by URL parsers, by no proxy rule) anywhere in it.
 * The query and the fragment are not looked at.
 *
 * The fetch handler refuses such paths with a 404 `ROUTE_NOT_FOUND` rather than resolving them, so
 * `/api/scenes/x/../../talent/pulse` can never reach the Talent pulse through a proxy, a rewrite
 * rule or an access list that matched it as a Scenes path.
 * @param target - The path or request target as the client sent it.
 * @example
 * ```ts
 * isAmbiguousPath('/api/scenes/x/../../talent/pulse'); // true
 * isAmbiguousPath('/api/scenes/a%2Fb');                // true
 * isAmbiguousPath('/api\\talent\\pulse');              // true
 * isAmbiguousPath('/api/scenes/indie-uk-brighton?x=..'); // false: the query is not the path
 * ```
 */
export function isAmbiguousPath(target: string): boolean {
  let path = pathOf(target);
  // Most paths have neither a dot, a percent sign nor a separator a parser could rewrite.
  if (
    path.indexOf('.') < 0 &&
    path.indexOf('%') < 0 &&
    path.indexOf('\\') < 0 &&
    path.indexOf('\t') < 0 &&
    path.indexOf('\n') < 0 &&
    path.indexOf('\r') < 0
  )
    return false;
  // A `\` is read as `/` by URL parsers (`/api\talent\pulse` is `/api/talent/pulse`) but by no
  // proxy rule or access list matching `/api/talent/*`: the path spells another route than it reaches.
  if (ENCODED_SLASH.test(path) || path.indexOf('\\') >= 0) return true;
  path = path.replace(TAB_OR_NEWLINE, '');
  for (const segment of path.split(SEPARATOR))
    if (segment.length > 0 && segment.length <= 6 && DOT_SEGMENT.test(segment)) return true;
  return false;
}

/**
 * @module core/mask-internals
 * Masks what a text may hold of a host's internals before it is shown to a client: secrets written
 * as `key=value`, credentials in headers and bearer tokens, URLs, `user@host` parts, IP addresses
 * and `host:port` pairs. Used by the health report's reasons and by every description of a
 * source's failure (read outcomes, notes), which the API serves as client-safe.
 */

/** A time of day, `H:MM:SS` or `HH:MM:SS` (an ISO instant's, a log prefix's `[10:15:00]`), or a duration. */
const CLOCK_TIME = /^\[?\d{1,2}:\d{2}:\d{2}\]?$/;

/**
 * `text` with secrets and addresses masked (`<secret>`, `<url>`, `<address>`). The caller cuts
 * long texts first (some masks take time that grows faster than the text).
 * @example
 * ```ts
 * maskInternals('GET https://api.example.com?token=abc failed'); // 'GET <url> failed'
 * maskInternals('connect ECONNREFUSED redis-primary:6379'); // 'connect ECONNREFUSED <address>'
 * ```
 */
export function maskInternals(text: string): string {
  return (
    text
      // Credentials in HTTP headers: `Authorization: Basic <b64>` (any scheme), cookies.
      .replace(/\b((?:proxy-)?authorization)\s*[=:]\s*(?:[a-z][\w-]*\s+)?[^\s;,&]+/gi, '$1: <secret>')
      .replace(/\b(set-cookie|cookie)\s*:.*/gi, '$1: <secret>')
      // Secrets written as key=value (libpq's `password=...`, ADO's `Password=...;`, a token), a
      // key with a prefix or suffix too (`PGPASSWORD=`, `client_secret=`, `access_token=`,
      // `SECRET_KEY=`), or quoted as in JSON (`"password":"..."`); not a word that only ends in one
      // (`bypass:`, `OAuth:`).
      .replace(
        /\b((?:(?:[a-z0-9]+[_-])+|pg)?(?:password|passwd|pwd|passphrase|pass|secret|token|api[_-]?key|requirepass|auth)(?:[_-][a-z0-9]+)*)["']?\s*[=:]\s*("[^"]*"|'[^']*'|[^\s;,&]+)/gi,
        '$1=<secret>',
      )
      .replace(/\bBearer\s+\S+/gi, 'Bearer <secret>')
      // Basic or Digest credentials outside a header: base64-like (a digit, `+`, `/` or `=`), not a word.
      .replace(/\b(Basic|Digest)\s+(?=[A-Za-z0-9._~+/=-]*[0-9+/=])[A-Za-z0-9._~+/=-]{8,}/g, '$1 <secret>')
      .replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')
      .replace(/\S+@\S+/g, '<address>')
      .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<address>')
      // IPv6 (three or more groups), never a clock time (`10:15:00` of an ISO instant).
      .replace(/\[?[0-9a-f]*:[0-9a-f:]+\]?(?::\d+)?/gi, (m) =>
        m.split(':').length > 2 && !CLOCK_TIME.test(m) ? '<address>' : m,
      )
      .replace(/\b[a-z0-9-]+(?:\.[a-z0-9-]+)+:\d+\b/gi, '<address>')
      // A one-label host and its port (`redis-primary:6379`, a service name under Docker or
      // Kubernetes; `localhost:5432`): a name starting with a letter, a port of 2 to 5 digits.
      .replace(/\b[a-z][a-z0-9-]*:\d{2,5}\b/gi, '<address>')
      .replace(/\blocalhost\b/gi, '<address>')
  );
}

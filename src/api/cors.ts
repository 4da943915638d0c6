/**
 * @module api/cors
 * Cross-origin resource sharing for the fetch handler, off unless the host turns it on: which
 * origins may read the API from a browser, the preflight answer, and the headers added to every
 * response.
 */
import type { ApiRequestLike } from './light.js';

/**
 * CORS of `createFetchHandler` (its `cors` option). Off when the option is absent: no CORS header
 * is sent and a preflight `OPTIONS` gets the usual 405.
 * @example
 * ```ts
 * const cors: CorsOptions = { origin: ['https://radar.example.com', 'http://localhost:5173'], maxAge: 3600 };
 * const handler = createFetchHandler(radar, { cors });
 * ```
 */
export interface CorsOptions {
  /**
   * The origins whose pages may read the API: `'*'` for any page (answered with
   * `Access-Control-Allow-Origin: *`), a list of origins (`https://radar.example.com`; each is
   * compared as `scheme://host[:port]`, so a trailing slash or path in the list is ignored), or a
   * function of the request's `Origin` header and the request that returns true to allow it.
   */
  readonly origin: '*' | readonly string[] | ((origin: string, request: Request) => boolean);
  /**
   * Request headers a preflight allows (`Access-Control-Allow-Headers`).
   * @default the headers the preflight asks for (its `Access-Control-Request-Headers`)
   */
  readonly allowHeaders?: readonly string[];
  /**
   * Response headers a page's script may read (`Access-Control-Expose-Headers`).
   * @default ['x-request-id', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after']
   */
  readonly exposeHeaders?: readonly string[];
  /** How long a browser may reuse a preflight answer, in seconds (`Access-Control-Max-Age`). @default 600 */
  readonly maxAge?: number;
  /**
   * Let pages send credentials (cookies, HTTP authentication) with `Access-Control-Allow-Credentials: true`.
   * Not allowed with `origin: '*'` (browsers refuse it): a `TypeError` when the handler is created.
   * @default false
   */
  readonly credentials?: boolean;
}

/** The CORS rules of one handler, ready to answer requests. */
export interface CorsPolicy {
  /** True for a CORS preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`. */
  isPreflight(request: ApiRequestLike): boolean;
  /** The headers of the 204 answer to a preflight (no `Access-Control-Allow-*` for an origin not allowed). */
  preflightHeaders(request: ApiRequestLike): Record<string, string>;
  /** The headers to add to the answer of any other request (none when nothing depends on the origin). */
  responseHeaders(request: ApiRequestLike): Record<string, string> | undefined;
}

const DEFAULT_EXPOSE = ['x-request-id', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after'];
const DEFAULT_MAX_AGE_S = 600;
const ALLOWED_METHODS = 'GET, HEAD';
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function originOfEntry(entry: unknown): string {
  if (typeof entry === 'string') {
    try {
      const url = new URL(entry);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    } catch {
      // reported below
    }
  }
  throw new TypeError(
    `cors.origin entries must be http(s) origins such as 'https://radar.example.com', got ${JSON.stringify(entry)}`,
  );
}

function headerList(
  value: readonly string[] | undefined,
  fallback: readonly string[] | undefined,
  name: string,
): string | undefined {
  const list = value ?? fallback;
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || list.some((h) => typeof h !== 'string' || !HEADER_NAME.test(h)))
    throw new TypeError(`cors.${name} must be a list of header names, got ${JSON.stringify(list)}`);
  return list.join(', ');
}

/**
 * The CORS rules of `options`, checked once (a `TypeError` names a bad option).
 * @internal
 */
export function createCorsPolicy(options: CorsOptions): CorsPolicy {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('cors must be an object such as { origin: [...] }');
  const { origin } = options;
  const credentials = options.credentials === true;
  const maxAge = options.maxAge ?? DEFAULT_MAX_AGE_S;
  if (!Number.isInteger(maxAge) || maxAge < 0)
    throw new TypeError(`cors.maxAge must be a whole number of seconds, got ${String(options.maxAge)}`);
  const allowHeaders = headerList(options.allowHeaders, undefined, 'allowHeaders');
  const exposeHeaders = headerList(options.exposeHeaders, DEFAULT_EXPOSE, 'exposeHeaders');
  // With credentials, browsers read '*' as a header named '*', not as every header: refused as origin '*' is.
  for (const [name, list] of [
    ['allowHeaders', allowHeaders],
    ['exposeHeaders', exposeHeaders],
  ] as const)
    if (credentials && list?.split(', ').includes('*'))
      throw new TypeError(`cors.credentials cannot be combined with ${name} '*': list the headers`);
  let allows: (value: string, request: ApiRequestLike) => boolean;
  const any = origin === '*';
  if (any) {
    if (credentials) throw new TypeError("cors.credentials cannot be combined with origin '*': list the origins");
    allows = () => true;
  } else if (Array.isArray(origin)) {
    const set = new Set((origin as readonly unknown[]).map(originOfEntry));
    allows = (value) => set.has(value);
  } else if (typeof origin === 'function') {
    allows = (value, request) => origin(value, request.request()) === true;
  } else {
    throw new TypeError(`cors.origin must be '*', a list of origins or a function, got ${JSON.stringify(origin)}`);
  }

  /** The allowed `Origin` of a request, or null. */
  const allowedOrigin = (request: ApiRequestLike): string | null => {
    const value = request.header('origin');
    if (value === null) return null;
    return allows(value, request) ? value : null;
  };

  return {
    isPreflight(request) {
      return (
        request.method === 'OPTIONS' &&
        request.header('origin') !== null &&
        request.header('access-control-request-method') !== null
      );
    },
    preflightHeaders(request) {
      const headers: Record<string, string> = {};
      // The answer depends on the origin unless every origin gets '*'; on the requested headers when they are echoed.
      const vary = [
        ...(any ? [] : ['Origin']),
        ...(allowHeaders === undefined ? ['Access-Control-Request-Headers'] : []),
      ];
      if (vary.length) headers.vary = vary.join(', ');
      const value = allowedOrigin(request);
      if (value === null) return headers;
      headers['access-control-allow-origin'] = any ? '*' : value;
      headers['access-control-allow-methods'] = ALLOWED_METHODS;
      const requested = request.header('access-control-request-headers');
      const allowed = allowHeaders ?? requested ?? '';
      if (allowed !== '') headers['access-control-allow-headers'] = allowed;
      headers['access-control-max-age'] = String(maxAge);
      if (credentials) headers['access-control-allow-credentials'] = 'true';
      return headers;
    },
    responseHeaders(request) {
      if (any) {
        const headers: Record<string, string> = { 'access-control-allow-origin': '*' };
        if (exposeHeaders) headers['access-control-expose-headers'] = exposeHeaders;
        return headers;
      }
      const value = allowedOrigin(request);
      if (value === null) return { vary: 'Origin' };
      const headers: Record<string, string> = { 'access-control-allow-origin': value, vary: 'Origin' };
      if (exposeHeaders) headers['access-control-expose-headers'] = exposeHeaders;
      if (credentials) headers['access-control-allow-credentials'] = 'true';
      return headers;
    },
  };
}

/**
 * @module api/handler-options
 * The public types of `createFetchHandler`: its options, the context the glue passes with each
 * request, and the handler's own type.
 */
import type { CorsOptions } from './cors.js';
import type { HealthOptions } from './health.js';
import type { ApiStats } from './http-stats.js';
import type { OperationsOptions } from './operations.js';
import type { RateLimiter } from './rate-limit.js';
import type { RouteId } from './routes.js';

/** What the host's glue knows about a request beyond the `Request` itself. */
export interface HandlerContext {
  /** The client's address (the Node glue passes the socket's remote address). */
  readonly clientAddress?: string;
  /**
   * The request target as the client sent it (`/api/scenes/x/../y?z`), before a URL parser
   * resolved its `.` and `..` segments (a `Request`'s URL is always resolved). The handler refuses
   * a path with such segments with a 404 `ROUTE_NOT_FOUND`; without this it can only see the
   * resolved URL. The Node glue passes `req.url` (Express: `req.originalUrl`); on another host,
   * pass the raw target when the platform exposes it. @default none (only the URL is checked)
   */
  readonly rawUrl?: string;
}

/**
 * Whether a request may bypass the cache with `skipCache=true`: `true` for every caller, or a
 * function of the request, the glue's context and the route (asked only for requests that ask
 * for a bypass).
 * @example
 * ```ts
 * // Only callers with the operator key may force a recomputation.
 * const allowSkipCache: AllowSkipCache = (request) => request.headers.get('x-operator-key') === process.env.OPERATOR_KEY;
 * ```
 */
export type AllowSkipCache =
  | boolean
  | ((request: Request, context: HandlerContext, route: RouteId) => boolean | Promise<boolean>);

/** Rate limiting of {@link createFetchHandler}. */
export interface RateLimitOptions {
  /**
   * The limiter (see `createMemoryRateLimiter`). One that throws, answers a malformed decision or
   * does not answer within 5 s fails the request with the family's 500 (`*_INTERNAL_ERROR`), its
   * cause to `onError`: a request is never held by it.
   */
  readonly limiter: RateLimiter;
  /**
   * The client key of a request. @default the context's `clientAddress`, else one shared key.
   * (Trust `x-forwarded-for` only behind a proxy you control: pass a key function that reads it.)
   * Synchronous: an object (a Promise from an async function) fails the request with the
   * family's 500 (`*_INTERNAL_ERROR`), its cause to `onError`, rather than counting every request
   * under a key of its own; another primitive than a string is counted under its text.
   */
  readonly key?: (request: Request, context: HandlerContext) => string;
}

/** Options of {@link createFetchHandler}. */
export interface FetchHandlerOptions extends Omit<OperationsOptions, 'allowSkipCache'> {
  /** Where the routes live. @default '/api' */
  readonly basePath?: string;
  /** Rate limiting; off when absent. */
  readonly rateLimit?: RateLimitOptions;
  /**
   * Who may bypass the cache with `skipCache=true` on the pulse, profile and top-list routes: `true`
   * for every caller, or a function that decides per request (asked only when the query asks for a
   * bypass; one that throws, rejects or does not answer within 5 s refuses it, and its cause goes
   * to `onError`). When the
   * bypass is not allowed, `skipCache=true` is ignored: the request gets the same 200 as without
   * it, served from the cache when the cache holds the answer; it is not refused, so clients that
   * send it keep working. A bypass recomputes from the sources (hundreds of source reads per
   * request), so keep it for trusted callers. A read-only backend (`readOnlyApiBackend`) ignores
   * `skipCache` whatever this says. A value that is not a boolean (`skipCache=yes`) is a 400 either way.
   * @default false (nobody: `skipCache=true` is ignored)
   */
  readonly allowSkipCache?: AllowSkipCache;
  /**
   * Cross-origin resource sharing, for pages on other origins that call the API from a browser.
   * When on, a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) on a path
   * the API serves gets a 204 with `Access-Control-Allow-Origin`, `-Methods` (`GET, HEAD`),
   * `-Headers` and `-Max-Age` (for an origin not allowed: a 204 without them, which the browser
   * refuses), preflights are not counted by the rate limiter, and every other answer carries
   * `Access-Control-Allow-Origin` and `Access-Control-Expose-Headers` for an allowed origin, and
   * `Vary: Origin` whenever the answer depends on the origin (always, unless `origin` is `'*'`).
   * @default off: no CORS header is sent and a preflight gets the usual 405
   */
  readonly cors?: CorsOptions;
  /**
   * The id of a request. An id that cannot be sent in a header (not a string, or, once the spaces
   * and line ends at its ends are trimmed as a header trims them, empty, longer than 256
   * characters, or holding anything but printable ASCII: a CR or LF inside, a NUL, a non-ASCII
   * letter) is replaced by a random UUID. @default the incoming `x-request-id` when it is 1-128 characters
   * of `[A-Za-z0-9._-]`, else a random UUID
   */
  readonly requestId?: (request: Request) => string;
  /** Serve the OpenAPI document at `<basePath>/openapi.json`. @default true */
  readonly openapi?: boolean;
  /**
   * Serve `<basePath>/health` (sources, stores, cache tiers; 503 only when the radar cannot answer
   * at all), or `false` to leave it out. It is answered before the rate limiter, so a load
   * balancer's probes never use a client's allowance. Malformed options (sources that are not a
   * list of source names, a reporter without `health()`, a deadline that is not a positive number)
   * are a `TypeError` when the handler is made. @default {} (on, with the radar's own checks)
   */
  readonly health?: HealthOptions | false;
}

/** The API as a web-standard function. */
export type FetchHandler = (request: Request, context?: HandlerContext) => Promise<Response>;

/**
 * What `createFetchHandler` returns: a {@link FetchHandler} that also counts what it answered.
 * @example
 * ```ts
 * const api = createFetchHandler(radar);
 * setInterval(() => metrics.push(api.stats()), 60_000);
 * ```
 */
export interface ApiFetchHandler extends FetchHandler {
  /**
   * Answers since the handler was created: by status, by envelope error code, and their latency
   * (cheap: counters and copies, no I/O). The counts are this handler's own: a radar served by
   * two handlers has two sets.
   */
  stats(): ApiStats;
}

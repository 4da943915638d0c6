/**
 * @module api/handler
 * `createFetchHandler`: the whole API as one web-standard `(Request) => Promise<Response>`, which
 * Node (through `scene-radar/adapters/node`), Hono, Next.js route handlers, Bun, Deno and workers
 * mount as they are. Unknown paths get a 404 and wrong methods a 405 in the same envelope; every
 * response carries an `x-request-id`; a 500 shows only that id (the cause goes to `onError`); each
 * route has a deadline; an optional rate limiter answers 429 with `Retry-After` and `RateLimit-*`.
 * Paths with `.` or `..` segments or an encoded slash are a 404, never resolved; `skipCache=true`
 * is ignored unless `allowSkipCache` allows it; CORS is off unless `cors` is given.
 */
import { resolveConfig } from '../config.js';
import { callHook } from '../core/hooks.js';
import type { SceneRadar } from '../radar.js';
import { fail, failure, type ApiResult } from './envelope.js';
import { createOpenApiDocument } from './openapi.js';
import {
  apiBackendOf,
  FAMILY_CODES,
  INVALID_REQUEST_MESSAGE,
  newRequestId,
  normaliseBasePath,
  parseRequest,
  requestIdFrom,
  routeTimeoutMs,
  runRoute,
  type OperationsOptions,
} from './operations.js';
import { createCorsPolicy, type CorsOptions } from './cors.js';
import { isAmbiguousPath } from './paths.js';
import { rateLimitHeaders, type RateLimiter } from './rate-limit.js';
import { applySkipCachePolicy } from './skip-cache.js';
import { clip } from './text.js';
import { createRouteMatcher, ROUTES, type ApiBackend, type RouteFamily, type RouteId } from './routes.js';

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
  /** The limiter (see `createMemoryRateLimiter`). */
  readonly limiter: RateLimiter;
  /**
   * The client key of a request. @default the context's `clientAddress`, else one shared key.
   * (Trust `x-forwarded-for` only behind a proxy you control: pass a key function that reads it.)
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
   * bypass; one that throws or rejects refuses it, and its cause goes to `onError`). When the
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
   * The id of a request. @default the incoming `x-request-id` when it is 1-128 characters of
   * `[A-Za-z0-9._-]`, else a random UUID
   */
  readonly requestId?: (request: Request) => string;
  /** Serve the OpenAPI document at `<basePath>/openapi.json`. @default true */
  readonly openapi?: boolean;
}

/** The API as a web-standard function. */
export type FetchHandler = (request: Request, context?: HandlerContext) => Promise<Response>;

const JSON_TYPE = 'application/json; charset=utf-8';

function defaultRequestId(request: Request): string {
  return requestIdFrom(request.headers.get('x-request-id'));
}

/** Path and query of an absolute URL without a full URL parse (`Request` has already normalised it). */
function splitUrl(url: string): { path: string; search: string } {
  const scheme = url.indexOf('://');
  let start = url.indexOf('/', scheme < 0 ? 0 : scheme + 3);
  if (start < 0) start = url.length;
  let end = url.indexOf('#', start);
  if (end < 0) end = url.length;
  const q = url.indexOf('?', start);
  if (q >= 0 && q < end) return { path: url.slice(start, q) || '/', search: url.slice(q + 1, end) };
  return { path: url.slice(start, end) || '/', search: '' };
}

/**
 * The API as a web-standard handler.
 * @example
 * ```ts
 * import { createSceneRadar } from 'scene-radar';
 * import { createFetchHandler } from 'scene-radar/api';
 *
 * const handler = createFetchHandler(radar, { onError: (e, { requestId }) => log.error(requestId, e) });
 * const res = await handler(new Request('http://localhost/api/talent/pulse?limit=20'));
 * ```
 */
export function createFetchHandler(target: SceneRadar | ApiBackend, options: FetchHandlerOptions = {}): FetchHandler {
  const backend = apiBackendOf(target);
  const config = backend.config ?? resolveConfig();
  const base = normaliseBasePath(options.basePath ?? '/api');
  // Only the routes of the engines the backend has: the others are unknown paths (404), before
  // any validation, and are left out of the OpenAPI document.
  const routes = ROUTES.filter((r) => (r.family === 'scenes' ? backend.scenes : backend.talent) !== undefined);
  const matcher = createRouteMatcher(routes);
  const timeouts = new Map<RouteId, number>(routes.map((r) => [r.id, routeTimeoutMs(r, config, options.timeoutMs)]));
  const requestIdOf = options.requestId ?? defaultRequestId;
  const openapiPath = options.openapi === false ? null : `${base}/openapi.json`;
  let openapiBody: string | undefined;
  const onError = options.onError;
  const cors = options.cors === undefined ? null : createCorsPolicy(options.cors);
  const allowSkipCache = options.allowSkipCache;
  // The hook must not break the response, whether it throws or (async) rejects.
  const report = (error: unknown, route: RouteId | null, requestId: string): void =>
    callHook(onError, error, { route, requestId });

  return async (request, context = {}) => {
    let requestId = '';
    // HEAD is answered as GET without a body (RFC 9110), so `curl -I` and monitors work.
    const head = request.method === 'HEAD';
    let corsHeaders: Record<string, string> | undefined;
    const respond = (result: ApiResult, id: string, extra: Record<string, string> | undefined): Response => {
      const headers: Record<string, string> = {
        'content-type': JSON_TYPE,
        'x-request-id': id,
        ...extra,
        ...result.headers,
        ...corsHeaders,
      };
      const body = JSON.stringify(result.body);
      return new Response(head ? null : body, { status: result.status, headers });
    };
    let family: RouteFamily = 'scenes';
    try {
      requestId = requestIdOf(request);
      const { path, search } = splitUrl(request.url);
      family = path.startsWith(`${base}/talent`) ? 'talent' : 'scenes';
      const preflight = cors?.isPreflight(request) === true;
      if (cors !== null && !preflight) corsHeaders = cors.responseHeaders(request);
      // Dot segments and encoded slashes are refused, never resolved: `/api/scenes/x/../../talent/pulse`
      // must not reach a route that a proxy or an access rule in front took for another.
      const raw = context.rawUrl;
      if (isAmbiguousPath(path) || (raw !== undefined && isAmbiguousPath(raw))) {
        return respond(
          failure(
            'ROUTE_NOT_FOUND',
            `No route: ${clip(raw === undefined ? path : raw.split('?')[0]!)} (paths with . or .. segments or an encoded slash are not resolved)`,
          ),
          requestId,
          undefined,
        );
      }
      if (path !== base && !path.startsWith(`${base}/`)) {
        return respond(failure('ROUTE_NOT_FOUND', `No route: ${clip(path)}`), requestId, undefined);
      }
      if (preflight) {
        // A preflight is answered for the paths the API serves, before the rate limiter (browsers
        // cache the answer for maxAge); any other path is the usual 404.
        const below = path.slice(base.length) || '/';
        const served =
          (openapiPath !== null && (path === openapiPath || path === `${openapiPath}/`)) ||
          matcher.match('GET', below).kind !== 'none';
        if (!served) return respond(failure('ROUTE_NOT_FOUND', `No route: ${clip(path)}`), requestId, undefined);
        return new Response(null, {
          status: 204,
          headers: { 'x-request-id': requestId, ...cors.preflightHeaders(request) },
        });
      }
      let limitHeaders: Record<string, string> | undefined;
      if (options.rateLimit) {
        const key = options.rateLimit.key
          ? options.rateLimit.key(request, context)
          : (context.clientAddress ?? 'shared');
        const decision = await options.rateLimit.limiter.consume(key);
        limitHeaders = rateLimitHeaders(decision);
        if (!decision.allowed) {
          return respond(
            failure(FAMILY_CODES[family].rateLimited, 'Too many requests; retry after the time in Retry-After'),
            requestId,
            limitHeaders,
          );
        }
      }
      const method = head ? 'GET' : request.method;
      if (openapiPath !== null && (path === openapiPath || path === `${openapiPath}/`)) {
        if (method !== 'GET')
          return respond(
            failure('METHOD_NOT_ALLOWED', `Method ${clip(method)} not allowed`, undefined, { allow: 'GET, HEAD' }),
            requestId,
            limitHeaders,
          );
        openapiBody ??= JSON.stringify(createOpenApiDocument({ basePath: base, routes }));
        return new Response(head ? null : openapiBody, {
          status: 200,
          headers: { 'content-type': JSON_TYPE, 'x-request-id': requestId, ...limitHeaders, ...corsHeaders },
        });
      }
      const match = matcher.match(method, path.slice(base.length) || '/');
      if (match.kind === 'none')
        return respond(failure('ROUTE_NOT_FOUND', `No route: ${clip(path)}`), requestId, limitHeaders);
      if (match.kind === 'method') {
        return respond(
          failure('METHOD_NOT_ALLOWED', `Method ${clip(method)} not allowed on ${clip(path)}`, undefined, {
            allow: [...match.allow, ...(match.allow.includes('GET') ? ['HEAD'] : [])].join(', '),
          }),
          requestId,
          limitHeaders,
        );
      }
      if (match.kind === 'bad-encoding') {
        // Report the query's issues too, as for any other bad path parameter.
        const issues: unknown[] = [
          { code: 'invalid_format', path: [match.param], message: 'Malformed percent-encoding' },
        ];
        const query = parseRequest({ ...match.spec, params: null }, undefined, new URLSearchParams(search));
        if (!query.ok && query.result.body.ok === false && Array.isArray(query.result.body.error.details))
          issues.push(...(query.result.body.error.details as unknown[]));
        return respond(
          failure(FAMILY_CODES[match.spec.family].validation, INVALID_REQUEST_MESSAGE, issues),
          requestId,
          limitHeaders,
        );
      }
      const parsed = parseRequest(match.spec, match.params, new URLSearchParams(search));
      if (!parsed.ok) return respond(parsed.result, requestId, limitHeaders);
      const spec = match.spec;
      const id = requestId;
      const query =
        parsed.query.skipCache !== true
          ? parsed.query
          : await applySkipCachePolicy(
              parsed.query,
              typeof allowSkipCache === 'function' ? () => allowSkipCache(request, context, spec.id) : allowSkipCache,
              (error) => report(error, spec.id, id),
            );
      const result = await runRoute(
        backend,
        spec,
        { params: parsed.params, query },
        { timeoutMs: timeouts.get(spec.id)!, requestId, ...(onError ? { onError } : {}) },
      );
      return respond(result, requestId, limitHeaders);
    } catch (error) {
      // Only a bug or an unserialisable payload gets here: answer a clean 500, report the cause.
      requestId ||= newRequestId();
      report(error, null, requestId);
      return new Response(JSON.stringify(fail(FAMILY_CODES[family].internal, 'Internal error', { requestId })), {
        status: 500,
        headers: { 'content-type': JSON_TYPE, 'x-request-id': requestId, ...corsHeaders },
      });
    }
  };
}

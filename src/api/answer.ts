/**
 * @module api/answer
 * The fetch handler's work, on the light types of `api/light`: a request as the handler reads it
 * in, status, headers and body bytes out. `createFetchHandler` wraps it in `Request` -> `Response`;
 * the Node glue calls it as it is. What it answers is described on `createFetchHandler`.
 *
 * Every answer is counted (status, error code, latency) for `handler.stats()`, and, only while
 * someone subscribes, traced on the `scene-radar:http` channel with its route template. With
 * nobody subscribed the cost is one check and two clock reads per request: no object is made.
 */
import { resolveConfig } from '../config.js';
import { SOURCE_NAMES } from '../contracts/sources.js';
import { SceneRadarError } from '../core/errors.js';
import { callHook, handleRejection } from '../core/hooks.js';
import { requireOptions } from '../core/validation.js';
import { channels, type HttpRequestContext, listened, traced } from '../core/observe/channels.js';
import type { SceneRadar } from '../radar.js';
import { createCorsPolicy } from './cors.js';
import { fail, failure, type ApiResult } from './envelope.js';
import type { FetchHandlerOptions, HandlerContext } from './handler-options.js';
import { checkHealth } from './health.js';
import { ApiStatsRecorder, methodLabel, routeTemplate, UNMATCHED_ROUTE } from './http-stats.js';
import type { ApiAnswer, ApiRequestLike, LightHandler } from './light.js';
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
} from './operations.js';
import { isAmbiguousPath } from './paths.js';
import { rateLimitHeaders } from './rate-limit.js';
import {
  createRouteMatcher,
  ROUTES,
  type ApiBackend,
  type RouteFamily,
  type RouteId,
  type RouteSpec,
} from './routes.js';
import { bodyOf, servesCachedValues } from './serialise.js';
import { applySkipCachePolicy, settledWithin } from './skip-cache.js';
import { clip } from './text.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const encoder = new TextEncoder();
/** The monotonic clock of the latencies (every runtime the core supports has `performance`). */
const perf: { now(): number } = globalThis.performance ?? Date;

/** The envelope's error code of `result`, if it is an error. */
const codeOf = (result: ApiResult): string | undefined => (result.body.ok ? undefined : result.body.error.code);

/**
 * Most validated requests a handler remembers: a warm route is asked with the same few query
 * strings again and again, and matching and validating one costs as much as the rest of a cached
 * answer. The oldest is forgotten first.
 */
const MAX_REMEMBERED_REQUESTS = 512;

/**
 * What a host's `requestId` may return, once the whitespace a header value loses at its ends is
 * trimmed: 1-256 printable ASCII characters, so it is sent as it is in the header and the body.
 */
const HOST_REQUEST_ID = /^[\x21-\x7e](?:[\x20-\x7e]{0,254}[\x21-\x7e])?$/;

/**
 * The id a host's `requestId` option gave, with the whitespace at its ends trimmed (as `Headers`
 * trims it), when it can be sent as the `x-request-id` header; else a random UUID. A number,
 * an empty string or text with a CR or LF inside must not turn every answer into a thrown
 * `Headers` error (fetch) or a 500 (Node).
 */
function hostRequestId(id: unknown): string {
  if (typeof id !== 'string') {
    // An async hook's promise is not an id; its rejection must not end the process unhandled.
    handleRejection(id);
    return newRequestId();
  }
  // Trimmed once, here: the header and a 500's `details.requestId` then name one id.
  const trimmed = id.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  return HOST_REQUEST_ID.test(trimmed) ? trimmed : newRequestId();
}

/**
 * Checks the `health` option when the handler is made, as `basePath` and `cors` are: a list of
 * sources given as text (`'mig'` would list `m`, `i` and `g`), a reporter that is not an object
 * with `health()`, or a deadline that is not a positive number would otherwise fail or mislead
 * every health request. Throws a `TypeError` naming the field.
 */
function checkHealthOption(health: unknown): void {
  if (health === undefined || health === false) return;
  if (typeof health !== 'object' || health === null)
    throw new TypeError('health must be false or an object such as { sources: [...] }');
  const h = health as Record<string, unknown>;
  if (h.sources !== undefined) {
    if (!Array.isArray(h.sources) || !h.sources.every((n) => (SOURCE_NAMES as readonly unknown[]).includes(n)))
      throw new TypeError(`health.sources must be a list of source names (${SOURCE_NAMES.join(', ')})`);
  }
  for (const field of ['stores', 'caches'] as const) {
    const list = h[field];
    if (list === undefined) continue;
    if (
      !Array.isArray(list) ||
      !list.every(
        (r) => typeof r === 'object' && r !== null && typeof (r as { health?: unknown }).health === 'function',
      )
    )
      throw new TypeError(`health.${field} must be a list of objects with a health() method`);
  }
  if (h.timeoutMs !== undefined && !(typeof h.timeoutMs === 'number' && h.timeoutMs > 0 && h.timeoutMs <= 2 ** 31 - 1))
    throw new TypeError('health.timeoutMs must be a positive number of milliseconds');
}

/** A request that matched a route and passed its schemas, as the route runs it. */
interface ValidRequest {
  readonly spec: RouteSpec;
  readonly params: Readonly<Record<string, unknown>>;
  readonly query: Readonly<Record<string, unknown>>;
}

/** The answer for `result`: the envelope with the headers every answer has. */
function answerOf(
  result: ApiResult,
  requestId: string,
  extra: Record<string, string> | undefined,
  corsHeaders: Record<string, string> | undefined,
  head: boolean,
  cached = false,
): ApiAnswer {
  const headers: Record<string, string> = {
    'content-type': JSON_TYPE,
    // Never kept by a shared cache: an answer may be degraded or stale (or a 404 of an artist the
    // next refresh adds), and a 200 without freshness is one a CDN keeps for a time it guesses
    // (RFC 9111 4.2.2); the radar caches on its own, for the TTLs its config gives.
    'cache-control': 'no-store',
    'x-request-id': requestId,
    ...extra,
    ...result.headers,
    ...corsHeaders,
  };
  // Written for HEAD too: an answer that cannot be written is a 500 whatever the method.
  const body = bodyOf(result, cached);
  if (head) headers['content-length'] = String(byteLength(body));
  return { status: result.status, headers, body: head ? null : body };
}

/**
 * Bytes of a body as it is sent (UTF-8): the `Content-Length` of a HEAD, which has no body but the
 * headers of its GET.
 */
function byteLength(body: string | Uint8Array): number {
  return typeof body === 'string' ? encoder.encode(body).byteLength : body.byteLength;
}

/** Path and query of an absolute URL without a full URL parse (it has been normalised already). */
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
 * The handler's work for `target` under `options`, as a {@link LightHandler}, counting every
 * answer into `stats`.
 * @internal
 */
export function createLightHandler(
  target: SceneRadar | ApiBackend,
  options: FetchHandlerOptions = {},
  stats: ApiStatsRecorder = new ApiStatsRecorder(),
): LightHandler {
  if (target === null || typeof target !== 'object')
    throw new SceneRadarError(
      'CONFIG_INVALID',
      'createFetchHandler needs a radar (createSceneRadar) or an ApiBackend',
      {
        details: [{ code: 'invalid_type', path: ['target'], message: 'Expected an object' }],
      },
    );
  options = requireOptions(options, 'options', 'CONFIG_INVALID');
  const backend = apiBackendOf(target);
  const config = backend.config ?? resolveConfig();
  const base = normaliseBasePath(options.basePath ?? '/api');
  // Only the routes of the engines the backend has: the others are unknown paths (404), before
  // any validation, and are left out of the OpenAPI document.
  const routes = ROUTES.filter((r) => (r.family === 'scenes' ? backend.scenes : backend.talent) !== undefined);
  const matcher = createRouteMatcher(routes);
  const timeouts = new Map<RouteId, number>(routes.map((r) => [r.id, routeTimeoutMs(r, config, options.timeoutMs)]));
  const requestIdOption = options.requestId;
  const openapiPath = options.openapi === false ? null : `${base}/openapi.json`;
  checkHealthOption(options.health);
  const healthOptions = options.health === false ? null : (options.health ?? {});
  const healthPath = healthOptions === null ? null : `${base}/health`;
  let openapiBody: Uint8Array | undefined;
  const onError = options.onError;
  const cors = options.cors === undefined ? null : createCorsPolicy(options.cors);
  const allowSkipCache = options.allowSkipCache;
  const rateLimit = options.rateLimit;
  // Requests that matched a route and passed its schemas, by method, path and query (the
  // parameters and query are frozen: they are shared by every request with the same target).
  const valid = new Map<string, ValidRequest>();
  const remember = (key: string, request: ValidRequest): void => {
    if (valid.size >= MAX_REMEMBERED_REQUESTS) valid.delete(valid.keys().next().value!);
    valid.set(key, request);
  };
  // The hook must not break the response, whether it throws or (async) rejects.
  const report = (error: unknown, route: RouteId | null, requestId: string): void =>
    callHook(onError, error, { route, requestId });
  // Route templates for the http channel: `/api/scenes/:slug`, never a path with its ids.
  const templates = new Map<RouteId, string>(routes.map((r) => [r.id, routeTemplate(base, r.path)]));

  /**
   * The route template a request goes to, for the http channel (asked only while it is listened
   * to). Never throws: a request or context the handler cannot read is `unmatched` here and
   * answered by the handler's own checks (a 400, or the clean 500), as when nobody listens.
   */
  const routeOf = (request: ApiRequestLike, context: HandlerContext): string => {
    try {
      return templateOf(request, context);
    } catch {
      return UNMATCHED_ROUTE;
    }
  };
  const templateOf = (request: ApiRequestLike, context: HandlerContext): string => {
    const { path } = splitUrl(request.url);
    if (isAmbiguousPath(path) || (context.rawUrl !== undefined && isAmbiguousPath(context.rawUrl)))
      return UNMATCHED_ROUTE;
    if (path !== base && !path.startsWith(`${base}/`)) return UNMATCHED_ROUTE;
    if (healthPath !== null && (path === healthPath || path === `${healthPath}/`)) return healthPath;
    if (openapiPath !== null && (path === openapiPath || path === `${openapiPath}/`)) return openapiPath;
    // Every route is a GET: a match for GET names the route of a 405 (wrong method) too.
    const match = matcher.match('GET', path.slice(base.length) || '/');
    return match.kind === 'route' || match.kind === 'bad-encoding' ? templates.get(match.spec.id)! : UNMATCHED_ROUTE;
  };

  /** Counts `answer` (and fills the traced context's end fields when traced); returns it. */
  const finish = (
    answer: ApiAnswer,
    code: string | undefined,
    t0: number,
    trace: HttpRequestContext | undefined,
  ): ApiAnswer => {
    const ms = perf.now() - t0;
    stats.record(answer.status, code, ms);
    if (trace !== undefined) {
      trace.status = answer.status;
      if (code !== undefined) trace.code = code;
      trace.durationMs = ms;
    }
    return answer;
  };

  /** Runs a valid request: the skip-cache policy, the route under its deadline, the answer. */
  const run = async (
    { spec, params, query: asked }: ValidRequest,
    request: ApiRequestLike,
    context: HandlerContext,
    requestId: string,
    limitHeaders: Record<string, string> | undefined,
    corsHeaders: Record<string, string> | undefined,
    head: boolean,
    t0: number,
    trace: HttpRequestContext | undefined,
  ): Promise<ApiAnswer> => {
    const query =
      asked.skipCache !== true
        ? asked
        : await applySkipCachePolicy(
            asked,
            typeof allowSkipCache === 'function'
              ? () => allowSkipCache(request.request(), context, spec.id)
              : allowSkipCache,
            (error) => report(error, spec.id, requestId),
          );
    const result = await runRoute(
      backend,
      spec,
      { params, query },
      { timeoutMs: timeouts.get(spec.id)!, requestId, ...(onError ? { onError } : {}) },
    );
    return finish(
      answerOf(result, requestId, limitHeaders, corsHeaders, head, servesCachedValues(spec.id, query.skipCache)),
      codeOf(result),
      t0,
      trace,
    );
  };

  /** One request; `trace` is its http channel context, only when someone listens. */
  const handle = async (
    request: ApiRequestLike,
    context: HandlerContext,
    trace: HttpRequestContext | undefined,
  ): Promise<ApiAnswer> => {
    const t0 = perf.now();
    let requestId = '';
    // HEAD is answered as GET without a body (RFC 9110), so `curl -I` and monitors work.
    const head = request.method === 'HEAD';
    let corsHeaders: Record<string, string> | undefined;
    const respond = (result: ApiResult, id: string, extra: Record<string, string> | undefined): ApiAnswer =>
      finish(answerOf(result, id, extra, corsHeaders, head, false), codeOf(result), t0, trace);
    let family: RouteFamily = 'scenes';
    // The limiter's headers once it has counted the request: every answer after that carries them, a 500 too.
    let limitHeaders: Record<string, string> | undefined;
    /** The matched route, for a failure after matching (an unserialisable payload). */
    let routeId: RouteId | null = null;
    try {
      const { path, search } = splitUrl(request.url);
      // By path segment: `/api/talent-scout` is an unknown path of no family, answered as the Scenes'.
      // Before the host's hooks (CORS origin, requestId): a 500 from one on a Talent route is a TALENT_* one.
      family = path === `${base}/talent` || path.startsWith(`${base}/talent/`) ? 'talent' : 'scenes';
      // CORS first: a 500 from the host's requestId hook below still reaches the page that asked.
      const preflight = cors?.isPreflight(request) === true;
      if (cors !== null && !preflight) corsHeaders = cors.responseHeaders(request);
      requestId = requestIdOption
        ? hostRequestId(requestIdOption(request.request()))
        : requestIdFrom(request.header('x-request-id'));
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
          (healthPath !== null && (path === healthPath || path === `${healthPath}/`)) ||
          matcher.match('GET', below).kind !== 'none';
        if (!served) return respond(failure('ROUTE_NOT_FOUND', `No route: ${clip(path)}`), requestId, undefined);
        return finish(
          { status: 204, headers: { 'x-request-id': requestId, ...cors.preflightHeaders(request) }, body: null },
          undefined,
          t0,
          trace,
        );
      }
      // Health before the rate limiter: a load balancer's probes never use up a client's allowance.
      if (healthPath !== null && healthOptions !== null && (path === healthPath || path === `${healthPath}/`)) {
        const method = head ? 'GET' : request.method;
        if (method !== 'GET')
          return respond(
            failure('METHOD_NOT_ALLOWED', `Method ${clip(method)} not allowed`, undefined, { allow: 'GET, HEAD' }),
            requestId,
            undefined,
          );
        return respond(await checkHealth(target, healthOptions), requestId, undefined);
      }
      if (rateLimit) {
        const key: unknown = rateLimit.key
          ? rateLimit.key(request.request(), context)
          : (context.clientAddress ?? 'shared');
        // An object (a Promise from an async hook) would be a fresh key per request: every request
        // its own window, the limit off without a word. A failure of the hook (500). A primitive
        // (undefined, a number) is counted under its text, as before.
        if ((typeof key === 'object' && key !== null) || typeof key === 'function') {
          handleRejection(key);
          throw new TypeError(
            `rateLimit.key must return a string, got ${typeof key === 'function' ? 'a function' : 'an object'}`,
          );
        }
        // A limiter that never answers is a failed one (the 500 below), not a request held forever.
        const decision = await settledWithin(
          rateLimit.limiter.consume(typeof key === 'string' ? key : String(key)),
          'the rate limiter',
        );
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
        openapiBody ??= encoder.encode(
          JSON.stringify(createOpenApiDocument({ basePath: base, routes, health: healthPath !== null, openapi: true })),
        );
        return finish(
          {
            status: 200,
            headers: {
              'content-type': JSON_TYPE,
              // Like every answer of a route: a host's build can change the document behind one URL.
              'cache-control': 'no-store',
              'x-request-id': requestId,
              ...limitHeaders,
              ...corsHeaders,
              ...(head ? { 'content-length': String(openapiBody.byteLength) } : {}),
            },
            body: head ? null : openapiBody,
          },
          undefined,
          t0,
          trace,
        );
      }
      const below = path.slice(base.length) || '/';
      const key = `${method} ${below}?${search}`;
      const known = valid.get(key);
      if (known !== undefined) {
        routeId = known.spec.id;
        return await run(known, request, context, requestId, limitHeaders, corsHeaders, head, t0, trace);
      }
      const match = matcher.match(method, below);
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
      const validRequest: ValidRequest = {
        spec: match.spec,
        params: Object.freeze(parsed.params),
        query: Object.freeze(parsed.query),
      };
      remember(key, validRequest);
      routeId = validRequest.spec.id;
      return await run(validRequest, request, context, requestId, limitHeaders, corsHeaders, head, t0, trace);
    } catch (error) {
      // Only a bug or an unserialisable payload gets here: answer a clean 500, report the cause.
      requestId ||= newRequestId();
      report(error, routeId, requestId);
      const code = FAMILY_CODES[family].internal;
      const body = JSON.stringify(fail(code, 'Internal error', { requestId }));
      return finish(
        {
          status: 500,
          headers: {
            'content-type': JSON_TYPE,
            'cache-control': 'no-store',
            'x-request-id': requestId,
            ...limitHeaders,
            ...corsHeaders,
            ...(head ? { 'content-length': String(byteLength(body)) } : {}),
          },
          body: head ? null : body,
        },
        code,
        t0,
        trace,
      );
    }
  };

  return (request: ApiRequestLike, context: HandlerContext = {}): Promise<ApiAnswer> => {
    // Nobody listening: no context is made, the request runs as it is.
    if (!listened(channels.http)) return handle(request, context, undefined);
    const trace: HttpRequestContext = { method: methodLabel(request.method), route: routeOf(request, context) };
    return traced(channels.http, trace, () => handle(request, context, trace));
  };
}

/**
 * @module api/handler
 * `createFetchHandler`: the whole API as one web-standard `(Request) => Promise<Response>`, which
 * Node (through `scene-radar/adapters/node`), Hono, Next.js route handlers, Bun, Deno and workers
 * mount as they are. Unknown paths get a 404 and wrong methods a 405 in the same envelope; every
 * response carries an `x-request-id`; a 500 shows only that id (the cause goes to `onError`); each
 * route has a deadline; an optional rate limiter answers 429 with `Retry-After` and `RateLimit-*`.
 * Paths with `.` or `..` segments or an encoded slash are a 404, never resolved; `skipCache=true`
 * is ignored unless `allowSkipCache` allows it; CORS is off unless `cors` is given. The handler
 * counts its answers (`handler.stats()`) and traces them on the `scene-radar:http` channel while
 * someone listens.
 */
import type { SceneRadar } from '../radar.js';
import { createLightHandler } from './answer.js';
import type { ApiFetchHandler, FetchHandler, FetchHandlerOptions } from './handler-options.js';
import { ApiStatsRecorder } from './http-stats.js';
import { LIGHT_HANDLER, requestLikeOf, responseOf } from './light.js';
import type { ApiBackend } from './routes.js';

export type { ApiStats } from './http-stats.js';
export type {
  AllowSkipCache,
  ApiFetchHandler,
  FetchHandler,
  FetchHandlerOptions,
  HandlerContext,
  RateLimitOptions,
} from './handler-options.js';

/**
 * The API as a web-standard handler. The JSON of a cached answer (a pulse, a profile, a top list)
 * is written once per cached value and its bytes reused on every hit, so the values the engines
 * return must not be modified in place (the engines' caches already share them). Mounted with
 * `scene-radar/adapters/node`, GET and HEAD skip the `Request` and `Response` objects (same bytes).
 *
 * `handler.stats()` counts what it answered: by status, by envelope error code, and a latency
 * histogram (docs/operations.md). Each request is also published on the `scene-radar:http`
 * tracing channel (method, route template, status, code, duration) while someone subscribes,
 * which is how `scene-radar/otel` makes spans and metrics of it.
 * @example
 * ```ts
 * import { createSceneRadar } from 'scene-radar';
 * import { createFetchHandler } from 'scene-radar/api';
 *
 * const handler = createFetchHandler(radar, { onError: (e, { requestId }) => log.error(requestId, e) });
 * const res = await handler(new Request('http://localhost/api/talent/pulse?limit=20'));
 * handler.stats().statuses; // { '200': 1 }
 * ```
 */
export function createFetchHandler(
  target: SceneRadar | ApiBackend,
  options: FetchHandlerOptions = {},
): ApiFetchHandler {
  const stats = new ApiStatsRecorder();
  const light = createLightHandler(target, options, stats);
  const handler: FetchHandler = async (request, context = {}) =>
    responseOf(await light(requestLikeOf(request), context));
  // The Node glue answers through the light form directly, without a Request or a Response.
  Object.defineProperty(handler, LIGHT_HANDLER, { value: light });
  return Object.assign(handler, { stats: () => stats.snapshot() });
}

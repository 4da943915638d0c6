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
import type { SceneRadar } from '../radar.js';
import { createLightHandler } from './answer.js';
import type { FetchHandler, FetchHandlerOptions } from './handler-options.js';
import { LIGHT_HANDLER, requestLikeOf, responseOf } from './light.js';
import type { ApiBackend } from './routes.js';

export type {
  AllowSkipCache,
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
  const light = createLightHandler(target, options);
  const handler: FetchHandler = async (request, context = {}) =>
    responseOf(await light(requestLikeOf(request), context));
  // The Node glue answers through the light form directly, without a Request or a Response.
  Object.defineProperty(handler, LIGHT_HANDLER, { value: light });
  return handler;
}

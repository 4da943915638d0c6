/**
 * @module api/light
 * The fetch handler's light path, for glue that can answer without web objects (the Node glue):
 * what the handler reads of a request ({@link ApiRequestLike}: method, URL, a header by name, the
 * standard `Request` only when a host's callback needs one) and what it answers
 * ({@link ApiAnswer}: status, headers, body bytes). A `Request`, its `Headers` and `AbortSignal`,
 * a `Response` and its body stream cost more than the rest of a cached answer; a handler made by
 * `createFetchHandler` carries its light form under {@link LIGHT_HANDLER}, and the glue calls that
 * when it finds it. Not part of the public entry: the glue finds it by a registered symbol, and
 * `adapters/node/light.ts` mirrors these types (a type test keeps the two the same).
 */
import { SceneRadarError } from '../core/errors.js';

/**
 * What the handler reads of a request.
 * @internal
 */
export interface ApiRequestLike {
  /** The method, upper case (`GET`). */
  readonly method: string;
  /** The absolute URL, as a `Request`'s `url` would be (`http://localhost/api/scenes?limit=20`). */
  readonly url: string;
  /** A header's value by its lower-case name (repeated headers joined with `, `), or null. */
  header(name: string): string | null;
  /** The request as a standard `Request`, made when first asked (for the host's callbacks). */
  request(): Request;
}

/**
 * The handler's answer before it becomes a `Response`: the glue writes it as it is.
 * @internal
 */
export interface ApiAnswer {
  /** The HTTP status. */
  readonly status: number;
  /** Response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The body: UTF-8 bytes (shared with other answers: never modify them), a string, or null for
   * none (HEAD, a preflight).
   */
  readonly body: Uint8Array | string | null;
}

/**
 * The light form of a fetch handler.
 * @internal
 */
export type LightHandler = (
  request: ApiRequestLike,
  context: { readonly clientAddress?: string; readonly rawUrl?: string },
) => Promise<ApiAnswer>;

/**
 * The property of a handler made by `createFetchHandler` that holds its {@link LightHandler}. A
 * registered symbol, so that the glue finds it across copies of the package (ESM and CommonJS);
 * the version in its name changes whenever these types do.
 * @internal
 */
export const LIGHT_HANDLER: unique symbol = Symbol.for('scene-radar.api.light-handler/1');

/** A `Request` as an {@link ApiRequestLike}: what the handler reads of a standard request. */
class WebRequestLike implements ApiRequestLike {
  readonly #request: Request;
  constructor(request: Request) {
    this.#request = request;
  }
  get method(): string {
    return this.#request.method;
  }
  get url(): string {
    return this.#request.url;
  }
  header(name: string): string | null {
    return this.#request.headers.get(name);
  }
  request(): Request {
    return this.#request;
  }
}

/**
 * `request` as the handler reads it.
 * @internal
 */
export function requestLikeOf(request: Request): ApiRequestLike {
  // Not `instanceof Request`: a host's Request may come from another realm or another fetch.
  if (request === null || typeof request !== 'object')
    throw new SceneRadarError('CONFIG_INVALID', 'the fetch handler takes a Request (the Fetch API’s)', {
      details: [{ code: 'invalid_type', path: ['request'], message: 'Expected a Request' }],
    });
  return new WebRequestLike(request);
}

/**
 * A `Response` for an answer.
 * @internal
 */
export function responseOf(answer: ApiAnswer): Response {
  // A Response copies bytes it is given, so a shared body cannot be changed through it.
  return new Response(answer.body as BodyInit | null, { status: answer.status, headers: answer.headers });
}

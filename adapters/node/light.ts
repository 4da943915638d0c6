/**
 * @module adapters/node/light
 * The light path of the Node glue: a GET or HEAD for a handler made by `createFetchHandler` is
 * answered through the handler's light form (see `src/api/light.ts`), without a web `Request`,
 * `Headers`, `AbortSignal`, `Response` or body stream, which cost more than the rest of a cached
 * answer. The handler reads the method, the URL and headers straight from the Node request; a
 * standard `Request` (with a signal that fires when the client leaves) is made only if one of the
 * host's callbacks asks for it. The answer's status, headers and body are written as they are, in
 * the order and form `sendWebResponse` would write the same `Response`, so the bytes on the wire do
 * not change. Any other handler or request goes the standard way.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAmbiguousPath } from '../../src/api/index.js';
import { onClientGone } from './client-gone.js';
import { DEFAULT_ORIGIN, originOf, toWebRequest } from './request.js';

// The types below mirror src/api/light.ts, which the glue cannot import (only the public entry);
// tests/adapters/node-light.test-d.ts checks that they are the same.

/** What the handler reads of a request. */
export interface ApiRequestLike {
  readonly method: string;
  readonly url: string;
  header(name: string): string | null;
  request(): Request;
}

/** The handler's answer, before it becomes a `Response`. */
export interface ApiAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | string | null;
}

/** The light form of a fetch handler. */
export type LightHandler = (
  request: ApiRequestLike,
  context: { readonly clientAddress?: string; readonly rawUrl?: string },
) => Promise<ApiAnswer>;

const LIGHT_HANDLER = Symbol.for('scene-radar.api.light-handler/1');

/** The light form of `handler`, when it has one (a handler made by `createFetchHandler`). */
export function lightHandlerOf(handler: unknown): LightHandler | undefined {
  const light = (handler as { [LIGHT_HANDLER]?: unknown } | null)?.[LIGHT_HANDLER];
  return typeof light === 'function' ? (light as LightHandler) : undefined;
}

/**
 * Request targets whose URL a parser gives back unchanged: a path and query of unreserved
 * characters, sub-delimiters (but `'`, which a query percent-encodes), `:`, `@`, `/`, `?` and
 * percent-escapes. Any other target (absolute-form, `*`, spaces, quotes, non-ASCII, `\`, a
 * fragment) goes the standard way, where the `Request` normalises it.
 */
const PLAIN_TARGET = /^\/[\w\-.~!$&()*+,;=:@%/?]*$/;

/** Origins resolved from the configured strings (a host has one or a few). */
const origins = new Map<string, string>();
const MAX_ORIGINS = 64;

function resolvedOrigin(configured: string): string {
  let origin = origins.get(configured);
  if (origin === undefined) {
    origin = originOf(configured);
    if (origins.size < MAX_ORIGINS) origins.set(configured, origin);
  }
  return origin;
}

/** The options the light request needs (those of the glue). */
export interface LightRequestOptions {
  /** See `NodeRequestOptions.origin`. */
  readonly origin?: string | ((req: IncomingMessage) => string);
}

/** A Node request as the handler reads it; the `Request` is made on first use. */
class NodeRequestLike implements ApiRequestLike {
  readonly method: string;
  readonly url: string;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #options: LightRequestOptions;
  readonly #target: string;
  #request: Request | undefined;

  constructor(
    req: IncomingMessage,
    res: ServerResponse,
    options: LightRequestOptions,
    method: string,
    origin: string,
    target: string,
  ) {
    this.method = method;
    this.url = `${origin}${target}`;
    this.#req = req;
    this.#res = res;
    this.#options = options;
    this.#target = target;
  }

  header(name: string): string | null {
    const value = this.#req.headers[name];
    if (value === undefined) return null;
    // As `Headers` gives a header that was appended more than once.
    return typeof value === 'string' ? value : value.join(', ');
  }

  request(): Request {
    if (this.#request) return this.#request;
    // The signal fires when the client leaves before the answer is sent (at once if it has gone).
    const abort = new AbortController();
    // Its response's `close` or its connection's (a pipelined request queued behind another hears
    // only the latter); at once when the client has already gone.
    onClientGone(this.#res, () => abort.abort());
    this.#request = toWebRequest(this.#req, {
      ...(this.#options.origin === undefined ? {} : { origin: this.#options.origin }),
      url: this.#target,
      signal: abort.signal,
    });
    return this.#request;
  }
}

/**
 * The request as the light path reads it, or undefined when it must go the standard way: a method
 * other than GET and HEAD, or a target whose URL a parser would rewrite. Throws what the
 * configured origin throws (a bad origin, a throwing origin function), as `toWebRequest` would.
 */
export function lightRequestOf(
  req: IncomingMessage,
  res: ServerResponse,
  options: LightRequestOptions,
  url: string | undefined,
): ApiRequestLike | undefined {
  const method = req.method;
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  const target = url ?? req.url;
  if (target === undefined || !PLAIN_TARGET.test(target) || isAmbiguousPath(target)) return undefined;
  const configured = typeof options.origin === 'function' ? options.origin(req) : (options.origin ?? DEFAULT_ORIGIN);
  return new NodeRequestLike(req, res, options, method, resolvedOrigin(configured), target);
}

/** True for the whitespace `Headers` trims from the ends of a value (tab, line feed, carriage return, space). */
const isHttpWhitespace = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

/** A header value as `Headers` would hold it: without whitespace at its ends. */
function headerValue(value: string): string {
  if (value.length === 0) return value;
  if (!isHttpWhitespace(value.charCodeAt(0)) && !isHttpWhitespace(value.charCodeAt(value.length - 1))) return value;
  return value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
}

/**
 * The headers of `answer` in the order a `Headers` object lists them (sorted by name), with the
 * values it would hold.
 */
export function answerHeaders(answer: ApiAnswer): [string, string][] {
  const names = Object.keys(answer.headers).sort();
  return names.map((name) => [name, headerValue(answer.headers[name]!)]);
}

/**
 * Writes `answer` on `res` as `sendWebResponse` writes the same `Response`: status, headers in
 * `Headers` order, then the body in one piece (Node adds its `Content-Length`), or no body.
 * Throws when a header cannot be sent (before anything is written).
 */
export function writeAnswer(res: ServerResponse, answer: ApiAnswer): void {
  const headers = answerHeaders(answer);
  let set = 0;
  try {
    for (const [name, value] of headers) {
      res.setHeader(name, value);
      set++;
    }
  } catch (error) {
    // Leave `res` as it was, for the caller's 500.
    for (let i = 0; i < set; i++) res.removeHeader(headers[i]![0]);
    throw error;
  }
  res.statusCode = answer.status;
  if (answer.body === null) res.end();
  else {
    // Node adds the length for HTTP/1.1 only: an HTTP/1.0 client gets it too, as HEAD announces
    // (written as Node writes it, so the bytes of both paths stay the same).
    if (res.req?.httpVersion === '1.0' && !res.hasHeader('content-length'))
      res.setHeader('Content-Length', Buffer.byteLength(answer.body));
    res.end(answer.body);
  }
}

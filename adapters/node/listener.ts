/**
 * @module adapters/node/listener
 * `toNodeListener`: a fetch handler as a `node:http` request listener, and the request cycle the
 * Express and Fastify glue share. Whatever goes wrong, the client gets an answer: a handler that
 * rejects (or a request a `Request` cannot represent) is a 500 in the API's envelope.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FAMILY_CODES, fail, requestIdFrom, type HandlerContext } from '../../src/api/index.js';
import { type ApiRequestLike, type LightHandler, lightHandlerOf, lightRequestOf, writeAnswer } from './light.js';
import { originOf, toWebRequest, type NodeRequestOptions } from './request.js';
import { onClientGone } from './client-gone.js';
import { sendWebResponse } from './response.js';

/**
 * What `onError` learns about a failure of the glue or the handler (the client sees only the id).
 * @example
 * ```ts
 * toNodeListener(handler, { onError: (error, { requestId, req }) => log.error({ requestId, url: req.url }, error) });
 * ```
 */
export interface NodeErrorContext {
  /** The request id sent to the client with the 500 (`x-request-id`, `details.requestId`). */
  readonly requestId: string;
  /** The Node request that failed. */
  readonly req: IncomingMessage;
}

/**
 * Options of {@link toNodeListener}, `expressMiddleware` and `fastifyPlugin`.
 * @example
 * ```ts
 * const options: NodeListenerOptions = { origin: 'https://radar.example.com', onError: (e, { requestId }) => console.error(requestId, e) };
 * ```
 */
export interface NodeListenerOptions {
  /** Origin of the request URLs (see {@link NodeRequestOptions.origin}). @default 'http://localhost' */
  readonly origin?: NodeRequestOptions['origin'];
  /**
   * Called with the cause when the handler rejects, a request cannot be represented, or a
   * response body fails midway (a throwing hook is ignored). @default none
   */
  readonly onError?: (error: unknown, context: NodeErrorContext) => void;
}

/**
 * What the glue calls: a web-standard handler. `createFetchHandler`'s result is one; so is any
 * `(request) => Response` of the host's own (the context carries the client's address).
 * @example
 * ```ts
 * const api = createFetchHandler(radar);
 * const withHealth: WebHandler = (request, context) =>
 *   new URL(request.url).pathname === '/health' ? new Response('ok') : api(request, context);
 * ```
 */
export type WebHandler = (request: Request, context: HandlerContext) => Response | Promise<Response>;

/**
 * A Node request listener, as `createServer` takes it.
 * @example
 * ```ts
 * const listener: NodeListener = toNodeListener(handler);
 * createServer(listener).listen(8787);
 * ```
 */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
const JSON_TYPE = 'application/json; charset=utf-8';

/** The request id for a 500 of the glue: the client's own when it is safe to echo, else a new one. */
function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return requestIdFrom(typeof incoming === 'string' ? incoming : undefined);
}

/** Checks a configured origin once, when the glue is built, rather than on every request. */
export function checkOrigin(options: NodeListenerOptions): void {
  if (typeof options.origin === 'string') originOf(options.origin);
}

/** An answer the glue makes itself: status, headers and the serialised envelope. */
export interface GlueAnswer {
  /** The HTTP status. */
  readonly status: number;
  /** Response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The envelope as JSON. */
  readonly body: string;
}

/**
 * The 405 for a method the Fetch standard forbids in a `Request` (TRACE, CONNECT, TRACK), or
 * undefined for any other method. The API only reads, so these are a 405 like any other method it
 * does not serve, not the 500 that building a `Request` for them would end in.
 * @internal
 */
export function forbiddenMethodAnswer(req: IncomingMessage): GlueAnswer | undefined {
  if (!FORBIDDEN_METHODS.has((req.method ?? '').toUpperCase())) return undefined;
  const body = JSON.stringify(fail('METHOD_NOT_ALLOWED', `Method ${(req.method ?? '').slice(0, 16)} not allowed`));
  return {
    status: 405,
    headers: {
      'content-type': JSON_TYPE,
      'content-length': String(Buffer.byteLength(body)),
      allow: 'GET, HEAD',
      'x-request-id': requestIdOf(req),
    },
    body,
  };
}

/**
 * The 400 for a request with more than one `Host` line (RFC 9112 section 3.2: a server must answer
 * it 400), or undefined. Node keeps the first `Host` only, while a proxy in front may have routed on
 * another: such a request is refused, not served. The connection closes after the answer.
 * @internal
 */
export function repeatedHostAnswer(req: IncomingMessage): GlueAnswer | undefined {
  const raw = req.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host') hosts++;
  if (hosts < 2) return undefined;
  const path = (req.url ?? '').split('?', 1)[0]!;
  const family = /(?:^|\/)talent(?:\/|$)/.test(path) ? 'talent' : 'scenes';
  const body = JSON.stringify(fail(FAMILY_CODES[family].validation, 'A request must have one Host header'));
  return {
    status: 400,
    headers: {
      'content-type': JSON_TYPE,
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
      'x-request-id': requestIdOf(req),
    },
    body,
  };
}

/** A 500 answer of the glue: status, headers and the serialised envelope. */
export interface InternalErrorAnswer extends GlueAnswer {
  /** Always 500. */
  readonly status: 500;
}

/**
 * Reports `error` to `onError` (a hook that throws or rejects is ignored) and returns the API's 500 envelope for
 * it, with the request id the client sees.
 * @internal
 */
export function answerInternalError(
  req: IncomingMessage,
  error: unknown,
  options: NodeListenerOptions,
): InternalErrorAnswer {
  const requestId = requestIdOf(req);
  try {
    const result: unknown = options.onError?.(error, { requestId, req });
    // An async hook that rejects is contained too: an unhandled rejection ends a Node process.
    if (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function')
      (result as PromiseLike<unknown>).then(undefined, () => undefined);
  } catch {
    // ignored: the hook must not stop the answer
  }
  const body = JSON.stringify(fail('SCENES_INTERNAL_ERROR', 'Internal error', { requestId }));
  return {
    status: 500,
    headers: {
      'content-type': JSON_TYPE,
      'content-length': String(Buffer.byteLength(body)),
      'x-request-id': requestId,
    },
    body,
  };
}

/** Writes the 500 envelope to `res`, unless the response has already started. */
function writeInternalError(
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  options: NodeListenerOptions,
): void {
  const answer = answerInternalError(req, error, options);
  if (res.headersSent || res.writableEnded || res.destroyed) {
    // Too late for a status: a half-sent body must not pass for a whole one.
    if (!res.writableEnded) res.destroy();
    return;
  }
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.end(answer.body);
}

/**
 * Whether the request's connection is already gone: requests a client pipelined and then reset
 * are still parsed from what it sent, before the socket hears the reset (not yet `destroyed`, but
 * its peer unknown: a TCP socket with a local address and no remote one). None is served (no
 * answer could reach the client), so they cost nothing, and none reaches a rate limiter without
 * its address: every such request was counted under the one key shared by clients without an
 * address. A Unix socket has neither address, and is served as before.
 * @internal
 */
export function clientLeft(req: IncomingMessage): boolean {
  const socket = req.socket;
  if (!socket) return false;
  return socket.destroyed || (socket.remoteAddress === undefined && socket.localAddress !== undefined);
}

/**
 * What the handler learns beyond the `Request`: the client's address, and the request target as
 * the client sent it (`rawUrl`), before the URL parser resolved its dot segments, so the API can
 * refuse them.
 * @internal
 */
export function contextOf(req: IncomingMessage, rawUrl: string | undefined): HandlerContext {
  // Built field by field rather than spread: this runs for every request.
  const context: { clientAddress?: string; rawUrl?: string } = {};
  const remote = req.socket?.remoteAddress;
  if (remote !== undefined) context.clientAddress = remote;
  if (rawUrl !== undefined) context.rawUrl = rawUrl;
  return context;
}

/**
 * One request through `handler`: a `Request` from `req` (`url` in place of `req.url` when given,
 * with a signal that fires when the client leaves), the client's address as context, the
 * `Response` written to `res`. A GET or HEAD for a handler made by `createFetchHandler` takes the
 * light path instead (`light.ts`: the same answer without a `Request` or a `Response`). Never rejects.
 * @internal
 */
export async function serveNodeRequest(
  handler: WebHandler,
  req: IncomingMessage,
  res: ServerResponse,
  options: NodeListenerOptions,
  url?: string,
): Promise<void> {
  if (clientLeft(req)) {
    res.destroy();
    return;
  }
  const twoHosts = repeatedHostAnswer(req);
  if (twoHosts !== undefined) {
    res.shouldKeepAlive = false;
    res.writeHead(twoHosts.status, twoHosts.headers);
    res.end(req.method === 'HEAD' ? undefined : twoHosts.body);
    return;
  }
  const light = lightHandlerOf(handler);
  if (light !== undefined) {
    let request: ApiRequestLike | undefined;
    try {
      request = lightRequestOf(req, res, options, url);
    } catch (error) {
      writeInternalError(req, res, error, options);
      return;
    }
    if (request !== undefined) return serveLight(light, request, req, res, options, url);
  }
  const abort = new AbortController();
  // The SDK's own handler reads no body: none is attached, and Node discards it after the answer.
  const withBody = light === undefined;
  // Whether a body was handed to the handler's Request (only then can it be left unread).
  let attached = false;
  // Its response's `close` or its connection's: a pipelined request queued behind another hears
  // only the latter when its client leaves.
  const stopListening = onClientGone(res, () => abort.abort());
  try {
    const refused = forbiddenMethodAnswer(req);
    if (refused !== undefined) {
      res.writeHead(refused.status, refused.headers);
      res.end(refused.body);
      return;
    }
    const request = toWebRequest(req, {
      ...(options.origin === undefined ? {} : { origin: options.origin }),
      ...(url === undefined ? {} : { url }),
      signal: abort.signal,
      ...(withBody ? {} : { body: false }),
    });
    attached = request.body !== null;
    const context = contextOf(req, url ?? req.url);
    const response = await handler(request, context);
    if (abort.signal.aborted) {
      await response.body?.cancel().catch(() => {});
      return;
    }
    if (attached) closeIfUnread(req, res);
    await sendWebResponse(res, response);
  } catch (error) {
    if (!abort.signal.aborted) {
      if (attached) closeIfUnread(req, res);
      writeInternalError(req, res, error, options);
    }
  } finally {
    stopListening();
  }
}

/**
 * Closes the connection after this answer when a host handler did not read the request's body to
 * its end: the body was handed to a web `Request` (so Node no longer discards it), and a body
 * larger than the stream's buffer left unread would hold the socket paused, so that the next
 * request on a keep-alive connection was never parsed. The Fastify glue uses it too.
 * @internal
 */
export function closeIfUnread(req: IncomingMessage, res: ServerResponse): void {
  if (!req.complete && !res.headersSent) res.shouldKeepAlive = false;
}

/**
 * One GET or HEAD through the light form of a handler made by `createFetchHandler` (see
 * `light.ts`): the same answer as the standard way, without a `Request` or a `Response`. When the
 * client has gone before the answer, nothing is written. Never rejects.
 */
async function serveLight(
  light: LightHandler,
  request: ApiRequestLike,
  req: IncomingMessage,
  res: ServerResponse,
  options: NodeListenerOptions,
  url: string | undefined,
): Promise<void> {
  try {
    const answer = await light(request, contextOf(req, url ?? req.url));
    if (res.destroyed || res.writableEnded) return;
    writeAnswer(res, answer);
  } catch (error) {
    if (!res.destroyed) writeInternalError(req, res, error, options);
  }
}

/**
 * A fetch handler as a `node:http` listener. Each request becomes a web `Request` (URL origin from
 * `options.origin`, not the `Host` header), the handler gets `{ clientAddress }` from the socket
 * and `{ rawUrl }` (`req.url`, so it can refuse `..` segments the `Request`'s URL has resolved),
 * and its `Response` is streamed back. The listener never throws and never leaves a request
 * hanging: when the handler rejects, the client gets a 500
 * `{ ok: false, error: { code: 'SCENES_INTERNAL_ERROR', message: 'Internal error', details: { requestId } } }`
 * and `onError` the cause. A client that disconnects aborts the request's `signal`.
 *
 * For a handler made by `createFetchHandler`, a GET or HEAD skips the web objects: the handler
 * reads the method, URL and headers from `req`, its answer is written to `res` as it is (the same
 * bytes), and a `Request` with its `signal` is made only if one of the handler's callbacks
 * (`requestId`, `rateLimit.key`, `allowSkipCache`, a CORS origin function) asks for it.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createFetchHandler } from 'scene-radar/api';
 * import { toNodeListener } from 'scene-radar/adapters/node';
 *
 * const server = createServer(toNodeListener(createFetchHandler(radar), { onError: console.error }));
 * server.listen(8787, '127.0.0.1');
 * ```
 */
export function toNodeListener(handler: WebHandler, options: NodeListenerOptions = {}): NodeListener {
  checkOrigin(options);
  return (req, res) => {
    void serveNodeRequest(handler, req, res, options);
  };
}

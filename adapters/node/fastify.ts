/**
 * @module adapters/node/fastify
 * `fastifyPlugin`: the API as a Fastify (4 or 5) plugin. Fastify is not a dependency: the types
 * below are the few members the plugin uses, which Fastify's own objects have.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { normaliseBasePath } from './base-path.js';
import {
  answerInternalError,
  checkOrigin,
  clientLeft,
  closeIfUnread,
  contextOf,
  forbiddenMethodAnswer,
  type GlueAnswer,
  repeatedHostAnswer,
  type NodeListenerOptions,
  type WebHandler,
} from './listener.js';
import {
  type ApiAnswer,
  type ApiRequestLike,
  answerHeaders,
  type LightHandler,
  lightHandlerOf,
  lightRequestOf,
} from './light.js';
import { toWebRequest } from './request.js';
import { onClientGone } from './client-gone.js';

/**
 * The part of a Fastify request the plugin reads.
 * @example
 * ```ts
 * const raw = (request satisfies FastifyLikeRequest).raw; // a FastifyRequest is one
 * ```
 */
export interface FastifyLikeRequest {
  /** The Node request. */
  readonly raw: IncomingMessage;
}

/**
 * The part of a Fastify reply the plugin uses.
 * @example
 * ```ts
 * reply.code(200).header('content-type', 'text/plain').send(Buffer.from('ok')); // a FastifyReply is one
 * ```
 */
export interface FastifyLikeReply {
  /** The Node response. */
  readonly raw: ServerResponse;
  /** Sets the status code. */
  code(statusCode: number): FastifyLikeReply;
  /** Sets a header (an array sends it once per value). */
  header(name: string, value: string | readonly string[]): FastifyLikeReply;
  /** Sends the body and ends the reply. */
  send(payload?: Buffer): FastifyLikeReply;
  /** A header set so far. */
  getHeader?(name: string): unknown;
  /** Removes a header set so far. */
  removeHeader?(name: string): FastifyLikeReply;
}

/**
 * A route handler as the plugin registers it.
 * @example
 * ```ts
 * const route: FastifyLikeHandler = async (request, reply) => reply.code(204).send();
 * ```
 */
export type FastifyLikeHandler = (request: FastifyLikeRequest, reply: FastifyLikeReply) => Promise<FastifyLikeReply>;

/**
 * A body parser as Fastify calls it: `done(null)` leaves the body unread.
 * @example
 * ```ts
 * const leaveUnread: FastifyLikeBodyParser = (_request, _payload, done) => done(null);
 * ```
 */
export type FastifyLikeBodyParser = (
  request: unknown,
  payload: IncomingMessage,
  done: (error: Error | null, body?: unknown) => void,
) => void;

/**
 * The part of a Fastify instance the plugin uses.
 * @example
 * ```ts
 * await fastifyPlugin(handler)(app satisfies FastifyLikeInstance); // what app.register does
 * ```
 */
export interface FastifyLikeInstance {
  /** Registers `handler` for every method Fastify supports on `path`. */
  all(path: string, handler: FastifyLikeHandler): unknown;
  /** Drops the body parsers of the plugin's scope (Fastify's encapsulation keeps the app's own). */
  removeAllContentTypeParsers?(): void;
  /** Adds a body parser to the plugin's scope. */
  addContentTypeParser?(contentType: string, parser: FastifyLikeBodyParser): void;
  /** Adds an `onSend` hook to the plugin's scope (it runs after the app's own). */
  addHook?(
    name: 'onSend',
    hook: (request: FastifyLikeRequest, reply: FastifyLikeReply, payload: unknown) => Promise<unknown>,
  ): void;
}

/**
 * Options of {@link fastifyPlugin}.
 * @example
 * ```ts
 * await app.register(fastifyPlugin(createFetchHandler(radar, { basePath: '/v1/api' }), { basePath: '/api' }), { prefix: '/v1' });
 * ```
 */
export interface FastifyPluginOptions extends NodeListenerOptions {
  /**
   * The path the plugin registers its routes at, below the `prefix` it is registered with (if any).
   * The handler sees the full path, so its own `basePath` is that prefix plus this one
   * (`register(fastifyPlugin(createFetchHandler(radar, { basePath: '/v1/api' })), { prefix: '/v1' })`).
   * @default '/api'
   */
  readonly basePath?: string;
}

/**
 * A Fastify plugin (register it without `fastify-plugin`, so its body parsers stay in its scope).
 * @example
 * ```ts
 * const plugin: FastifyLikePlugin = fastifyPlugin(handler);
 * await app.register(plugin);
 * ```
 */
export type FastifyLikePlugin = (fastify: FastifyLikeInstance) => Promise<void>;

/**
 * A response body read whole, cancelled when `signal` aborts (the client left): a host handler's
 * endless or slow stream is not pulled for nobody. Rejects once cancelled. With `maxPieces`, a
 * body of more pieces is cancelled there and gives `undefined` (a HEAD's: its length is that of a
 * body of one piece, as the Node glue gives it; a stream that goes on is not waited for).
 */
async function bodyOf(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  maxPieces = Number.POSITIVE_INFINITY,
): Promise<Buffer | undefined> {
  const reader = body.getReader();
  const cancel = (): void => void reader.cancel().catch(() => undefined);
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', cancel, { once: true });
  try {
    const chunks: Uint8Array[] = [];
    for (;;) {
      const step = await reader.read();
      if (signal.aborted) throw new Error('The client left before the response was read');
      if (step.done) return Buffer.concat(chunks);
      if (chunks.length === maxPieces) {
        cancel();
        return undefined;
      }
      chunks.push(step.value);
    }
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}

/** Headers of a web `Response` for `reply.header`, every `set-cookie` kept apart. */
function copyHeaders(reply: FastifyLikeReply, response: Response): void {
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') reply.header(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) reply.header('set-cookie', cookies);
}

/** Sends an answer the glue made itself through `reply`. */
function sendGlueAnswer(reply: FastifyLikeReply, { status, headers, body }: GlueAnswer): FastifyLikeReply {
  reply.code(status);
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  return reply.send(Buffer.from(body));
}

/** Answers the 500 envelope for `error` through `reply` (and reports it to `onError`). */
function sendInternalError(
  reply: FastifyLikeReply,
  req: IncomingMessage,
  error: unknown,
  options: NodeListenerOptions,
): FastifyLikeReply {
  return sendGlueAnswer(reply, answerInternalError(req, error, options));
}

/**
 * A GET or HEAD through the light form of a handler made by `createFetchHandler` (see `light.ts`):
 * the same reply as the standard way (status, headers in `Headers` order, the body as one buffer),
 * without a `Request` or a `Response`.
 */
async function serveLight(
  light: LightHandler,
  incoming: ApiRequestLike,
  req: IncomingMessage,
  reply: FastifyLikeReply,
  options: NodeListenerOptions,
): Promise<FastifyLikeReply> {
  let answer: ApiAnswer;
  try {
    answer = await light(incoming, contextOf(req, req.url));
  } catch (error) {
    if (reply.raw.destroyed) return reply.code(500).send();
    return sendInternalError(reply, req, error, options);
  }
  reply.code(answer.status);
  for (const [name, value] of answerHeaders(answer)) reply.header(name, value);
  const body = answer.body;
  if (body === null) return reply.send();
  // A copy of shared bytes: the payload goes through the host's onSend hooks, which may change it.
  return reply.send(Buffer.from(body));
}

/**
 * The API as a Fastify plugin: `basePath` and everything below it (`fastify.all(basePath)` and
 * `fastify.all(basePath + '/*')`) go to the handler, which answers every one of them (a 404 or 405
 * envelope included). Within the plugin's scope, Fastify's body parsers are replaced by one that
 * leaves the body unread, so any content type (or broken JSON) reaches the handler, which gets the
 * raw request stream. The answer goes out through `reply` (status, headers, several `set-cookie`
 * kept apart, the body as one buffer with its length), so Fastify's hooks and logging see it. A
 * handler that rejects is answered with the 500 envelope and reported to `onError`.
 *
 * Fastify's own checks run before the handler, and the plugin does not override them (answering
 * earlier would skip the host's own hooks): a method Fastify does not route (`PURGE`, `PROPFIND`,
 * `LINK`) gets Fastify's 404, not the API's 405 envelope; a body with a malformed `Content-Type`
 * (`text`, `/json`) gets Fastify's 415, and a `QUERY` without one Fastify's 400. A HEAD is
 * answered without its body being read past its first piece (an endless feed is not waited for).
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createFetchHandler } from 'scene-radar/api';
 * import { fastifyPlugin } from 'scene-radar/adapters/node';
 *
 * const app = Fastify();
 * await app.register(fastifyPlugin(createFetchHandler(radar)));   // serves /api/...
 * await app.listen({ port: 8787, host: '127.0.0.1' });
 * ```
 */
export function fastifyPlugin(handler: WebHandler, options: FastifyPluginOptions = {}): FastifyLikePlugin {
  /** Requests whose host body has no content type (Fastify adds one to a buffer; the hook takes it off). */
  const untyped = new WeakSet<IncomingMessage>();
  const base = normaliseBasePath(options.basePath ?? '/api');
  checkOrigin(options);
  const light = lightHandlerOf(handler);
  const route: FastifyLikeHandler = async (request, reply) => {
    const req = request.raw;
    const res = reply.raw;
    // A client already gone (a reset after pipelined requests) is not served (see clientLeft):
    // 499, "client closed request", for the host's logs; nothing reaches the client.
    if (clientLeft(req)) return reply.code(499).send();
    const twoHosts = repeatedHostAnswer(req);
    if (twoHosts !== undefined) return sendGlueAnswer(reply, twoHosts);
    if (light !== undefined) {
      let incoming: ApiRequestLike | undefined;
      try {
        incoming = lightRequestOf(req, res, options, undefined);
      } catch (error) {
        return sendInternalError(reply, req, error, options);
      }
      if (incoming !== undefined) return serveLight(light, incoming, req, reply, options);
    }
    const refused = forbiddenMethodAnswer(req);
    if (refused !== undefined) return sendGlueAnswer(reply, refused);
    const abort = new AbortController();
    // Its response's `close` or its connection's: a pipelined request queued behind another hears
    // only the latter when its client leaves (see onClientGone).
    const stopListening = onClientGone(res, () => abort.abort());
    try {
      // The SDK's own handler reads no body: none is attached, and Node discards it after the answer.
      const webRequest = toWebRequest(req, {
        ...(options.origin === undefined ? {} : { origin: options.origin }),
        signal: abort.signal,
        ...(light === undefined ? {} : { body: false }),
      });
      const response = await handler(webRequest, contextOf(req, req.url));
      const head = req.method === 'HEAD';
      const body = response.body === null ? undefined : await bodyOf(response.body, abort.signal, head ? 1 : undefined);
      reply.code(response.status);
      copyHeaders(reply, response);
      // A host handler that left the body unread: the connection closes after this answer (an
      // unread body past the stream's buffer holds the socket, and the next request was never read).
      if (webRequest.body !== null) closeIfUnread(req, res);
      if (head) {
        // No body goes out: the length a GET would carry, where known (RFC 9110 9.3.2).
        if (body !== undefined && !response.headers.has('content-length'))
          reply.header('content-length', String(body.length));
        return reply.send();
      }
      if (body === undefined) return reply.send();
      // Fastify gives a buffer without a type `application/octet-stream`: taken off again by the
      // plugin's onSend hook (after the app's hooks, which see the buffer as for any body).
      if (!response.headers.has('content-type')) untyped.add(req);
      return reply.send(body);
    } catch (error) {
      // The client has gone: nobody reads the answer, and the failure is most likely the abort.
      if (abort.signal.aborted) return reply.code(500).send();
      return sendInternalError(reply, req, error, options);
    } finally {
      stopListening();
    }
  };
  return async (fastify) => {
    fastify.removeAllContentTypeParsers?.();
    fastify.addContentTypeParser?.('*', (_request, _payload, done) => done(null));
    fastify.addHook?.('onSend', async (request, reply, payload) => {
      // Only Fastify's own default: a type an app hook chose, or Fastify's error answer's, stays.
      if (untyped.delete(request.raw) && reply.getHeader?.('content-type') === 'application/octet-stream')
        reply.removeHeader?.('content-type');
      return payload;
    });
    fastify.all(base === '' ? '/' : base, route);
    fastify.all(`${base}/*`, route);
  };
}

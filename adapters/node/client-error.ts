/**
 * @module adapters/node/client-error
 * `handleClientErrors(server)`: a `node:http` server's malformed requests answered as Node answers
 * them by default (400, 431, 408; then the connection closes), but only after the answers still
 * owed on that connection have been written.
 *
 * Why: the API answers asynchronously. A client that pipelines a valid request and a malformed one
 * in one packet has the parser reach the malformed one before the valid one's answer has started,
 * and Node's default handling then writes its 400 first: the client reads it as the answer to its
 * valid request. Every request of the server is counted (not only the API's), so a host's own
 * route on the same server is waited for too.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';

/** The answers still owed on one connection, and an error answer waiting for them. */
interface Connection {
  readonly owed: Set<ServerResponse>;
  failed: boolean;
  waiting: string | undefined;
}

const connections = new WeakMap<Duplex, Connection>();

function connectionOf(socket: Duplex): Connection {
  let c = connections.get(socket);
  if (c === undefined) {
    c = { owed: new Set(), failed: false, waiting: undefined };
    connections.set(socket, c);
  }
  return c;
}

/** Counts `res` as owed on its connection until it closes (written or abandoned). */
function owe(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket;
  const connection = connectionOf(socket);
  connection.owed.add(res);
  res.once('close', () => {
    connection.owed.delete(res);
    if (connection.owed.size === 0 && connection.waiting !== undefined) {
      const text = connection.waiting;
      connection.waiting = undefined;
      answerAndClose(socket, text);
    }
  });
}

/** What Node's default `clientError` handling writes for `code`. */
function answerFor(code: unknown): string {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n';
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 'HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\n\r\n';
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n';
    default:
      return 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';
  }
}

function answerAndClose(socket: Duplex, text: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(text, () => socket.destroy());
}

/** The `clientError` listener: one answer per connection, after what it still owes. */
function onClientError(error: Error, socket: Duplex): void {
  const c = connectionOf(socket);
  // The parser keeps failing on what follows the malformed request: one answer per connection.
  if (c.failed) return;
  c.failed = true;
  const code = (error as { code?: unknown }).code;
  const text = answerFor(code);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  // A request whose head came but whose body never did (Node's request timeout) is the one owed:
  // its answer waits for that body, so the 408 goes now, as Node's default does, unless an answer
  // has started (it would land inside it): then the connection is closed without a word.
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    if ([...c.owed].some((res) => res.headersSent)) socket.destroy();
    else answerAndClose(socket, text);
    return;
  }
  if (c.owed.size > 0) c.waiting = text;
  else answerAndClose(socket, text);
}

/**
 * Installs on `server` the handling of requests Node cannot parse: each is answered as Node's
 * default does (400; 431 for headers too large; 413 for chunk extensions too large) and its
 * connection closed, but after every answer still owed on that connection (any request of the
 * server, the API's or a host route's) has been written, never in place of one or inside one. A
 * request timeout (a request whose body never came) is a 408 at once, as Node's default, or a
 * close without a word when an answer has already started. A connection that can no longer be written to is closed at once.
 * It replaces the server's `clientError` handling: listeners already there (Fastify's own, for one:
 * pass `app.server`) are removed. Call it once per server, before it listens; it returns `server`.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { handleClientErrors, toNodeListener } from 'scene-radar/adapters/node';
 *
 * const server = handleClientErrors(createServer(toNodeListener(handler)));
 * server.listen(8787, '127.0.0.1');
 * ```
 */
export function handleClientErrors<S extends Server | HttpsServer>(server: S): S {
  // First among the request listeners: a response is owed from the moment its request is read.
  server.prependListener('request', owe);
  // The server's answer to a malformed request becomes this one: a listener already there (Fastify
  // installs its own, which writes its 400 at once) would still answer in place of a valid request.
  server.removeAllListeners('clientError');
  server.on('clientError', onClientError);
  return server;
}

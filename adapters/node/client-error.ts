/**
 * @module adapters/node/client-error
 * A `clientError` listener for a `node:http` server whose requests go through this glue: a
 * malformed request is answered as Node answers it by default (400, 431, 408; then the connection
 * closes), but only after the answers still owed on its connection have been written.
 *
 * Why: the glue answers asynchronously. A client that pipelines a valid request and a malformed one
 * in one packet has the parser reach the malformed one before the valid one's answer has started,
 * and Node's default handling then writes its 400 first: the client reads it as the answer to its
 * valid request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** The answers still owed on one connection, and an error answer waiting for them. */
interface Connection {
  open: number;
  failed: boolean;
  waiting: string | undefined;
}

const connections = new WeakMap<Duplex, Connection>();

/**
 * Counts `res` as owed on its connection until it closes (written or abandoned). Called by the
 * glue for every request it serves.
 * @internal
 */
export function owe(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket;
  let c = connections.get(socket);
  if (c === undefined) {
    c = { open: 0, failed: false, waiting: undefined };
    connections.set(socket, c);
  }
  const connection = c;
  connection.open++;
  res.once('close', () => {
    connection.open--;
    if (connection.open === 0 && connection.waiting !== undefined) {
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

/**
 * A `clientError` listener: a malformed request (or a request timeout) is answered as Node's
 * default does (400; 431 for headers too large; 408 for a timeout) and the connection closed, but
 * after every answer the glue still owes on that connection has been written, never in place of
 * one. A connection that can no longer be written to is closed at once.
 * @param error - The error Node reports (its `code` picks the status).
 * @param socket - The client's connection.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { clientErrorListener, toNodeListener } from 'scene-radar/adapters/node';
 *
 * const server = createServer(toNodeListener(handler));
 * server.on('clientError', clientErrorListener);
 * ```
 */
export function clientErrorListener(error: Error, socket: Duplex): void {
  let c = connections.get(socket);
  if (c === undefined) {
    c = { open: 0, failed: false, waiting: undefined };
    connections.set(socket, c);
  }
  // The parser keeps failing on what follows the malformed request: one answer per connection.
  if (c.failed) return;
  c.failed = true;
  const text = answerFor((error as { code?: unknown }).code);
  if (c.open > 0 && socket.writable) c.waiting = text;
  else answerAndClose(socket, text);
}

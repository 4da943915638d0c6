/**
 * @module adapters/node/response
 * `sendWebResponse`: writes a web `Response` to a Node `ServerResponse`, streaming its body with
 * backpressure, and stops quietly (cancelling the body) when the client goes away.
 */
import type { ServerResponse } from 'node:http';
import { onClientGone } from './client-gone.js';

const noop = (): void => {};

/** Resolves on the next turn of the event loop: after every microtask already queued. */
const nextTurn = (): Promise<'later'> => new Promise((resolve) => setImmediate(resolve, 'later'));

/** Resolves when `res` can take more data, or its client has gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    let stop = noop;
    const done = (): void => {
      res.off('drain', done);
      stop();
      resolve();
    };
    res.once('drain', done);
    stop = onClientGone(res, done);
  });
}

/** Status and headers of `response` onto `res`; every `set-cookie` stays a header of its own. */
function writeHead(res: ServerResponse, response: Response): void {
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader('set-cookie', cookies);
}

/**
 * A read of a response body as the Fetch standard allows it: done, or a `Uint8Array` chunk. Any
 * other chunk (a string, an object) is a TypeError: it failed the response (a 500 before anything
 * is written, a cut connection after) rather than being dropped into an empty 200.
 */
function bytesOf(step: ReadableStreamReadResult<unknown>): ReadableStreamReadResult<Uint8Array> {
  if (!step.done && !(step.value instanceof Uint8Array)) throw new TypeError('Response body chunk is not a Uint8Array');
  return step as ReadableStreamReadResult<Uint8Array>;
}

/**
 * Sends `response` on `res`: status, status text, headers (several `set-cookie` headers kept
 * apart), then the body. A body that ends with its first chunk (any `Response` built from a string
 * or a buffer) goes out in one write with a `Content-Length`; a longer stream is written chunk by
 * chunk with backpressure (`Transfer-Encoding: chunked`).
 *
 * Resolves once the body is handed to Node, or as soon as the client disconnects (the body is then
 * cancelled and nothing more is written: no unhandled `error` event). Rejects only when the body
 * stream fails: before anything is written (`res` is left untouched, so the caller can still answer
 * a 500), or midway (the connection is destroyed, since a truncated body must not look complete).
 * When `res` has already started or ended, the body is cancelled and nothing is sent.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { sendWebResponse } from 'scene-radar/adapters/node';
 *
 * createServer((req, res) => {
 *   void sendWebResponse(res, Response.json({ ok: true, data: 'hello', error: null }));
 * });
 * ```
 */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = response.body;
  if (res.headersSent || res.writableEnded || res.destroyed) {
    await body?.cancel().catch(noop);
    return;
  }
  if (body === null) {
    writeHead(res, response);
    res.end();
    return;
  }
  const reader = body.getReader();
  // Listening before the first chunk is read: a client that leaves while a slow body has not
  // produced it yet cancels the body as well.
  let closed = false;
  // Its own `close`, or its connection's (a pipelined response queued behind another gets none).
  const stopListening = onClientGone(res, () => {
    closed = true;
    reader.cancel().catch(noop);
  });
  // A write racing a disconnect must not surface as an unhandled 'error' event.
  res.on('error', noop);
  // The first chunk is read before anything is written: a body that fails at once leaves `res`
  // untouched for the caller's 500.
  let step: ReadableStreamReadResult<Uint8Array>;
  try {
    step = bytesOf(await reader.read());
  } catch (error) {
    stopListening();
    reader.cancel(error).catch(noop);
    reader.releaseLock();
    throw error;
  }
  if (closed) {
    stopListening();
    return;
  }
  try {
    writeHead(res, response);
    if (step.done) {
      res.end();
      return;
    }
    let pending: Uint8Array = step.value;
    for (;;) {
      const read = reader.read();
      // A body that is already complete ends within the current turn: send it in one piece.
      const next = await Promise.race([read, nextTurn()]);
      if (next !== 'later') step = bytesOf(next);
      else {
        if (closed) return;
        // A HEAD gets no body: a stream that goes on (an event feed) would hold its headers back
        // until it ended, and the connection's next request with them.
        if (res.req?.method === 'HEAD') {
          reader.cancel().catch(noop);
          res.end();
          return;
        }
        if (!res.write(pending)) await drained(res);
        pending = new Uint8Array(0);
        step = bytesOf(await read);
      }
      if (closed) return;
      if (step.done) {
        // Node adds the length to a one-piece body for an HTTP/1.1 GET only: HTTP/1.0 gets it too,
        // and a HEAD the length its GET carries (RFC 9110 9.3.2).
        if (
          !res.headersSent &&
          (res.req?.httpVersion === '1.0' || res.req?.method === 'HEAD') &&
          !res.hasHeader('content-length')
        )
          res.setHeader('Content-Length', pending.byteLength);
        res.end(pending.byteLength ? pending : undefined);
        return;
      }
      if (pending.byteLength && !res.write(pending)) await drained(res);
      if (closed) return;
      pending = step.value;
    }
  } catch (error) {
    // Headers may be out already: a truncated body must not look like a whole one.
    if (!closed) res.destroy(error instanceof Error ? error : new Error(String(error)));
    reader.cancel(error).catch(noop);
    throw error;
  } finally {
    stopListening();
  }
}

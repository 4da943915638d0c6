/**
 * Hostile review (38) of the HTTP glue a host mounts: `adapters/node` (toNodeListener,
 * sendWebResponse, the light path, expressMiddleware, fastifyPlugin) and the request-target
 * parsing they share (`src/core/request-target.ts`). Real servers on port 0 of 127.0.0.1, closed
 * after each test. Every test here fails on the code it was written against.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createFetchHandler } from '../../src/api/index.js';
import { pathOf } from '../../src/core/request-target.js';
import { expressMiddleware, fastifyPlugin, sendWebResponse, toNodeListener } from '../../adapters/node/index.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function serve(listener: RequestListener): Promise<number> {
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

/**
 * Writes `raw` on a new TCP connection and returns what the server sent before it closed the
 * connection, or before `waitMs` (then the socket is destroyed).
 */
function rawHttp(port: number, raw: string | Buffer[], waitMs = 1_500): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(port, '127.0.0.1', () => {
      for (const piece of typeof raw === 'string' ? [raw] : raw) socket.write(piece);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(text);
    }, waitMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

const headOf = (raw: string): string => raw.slice(0, raw.indexOf('\r\n\r\n'));
const bodyOfRaw = (raw: string): string => raw.slice(raw.indexOf('\r\n\r\n') + 4);
const statusOf = (raw: string): number => Number(raw.split(' ')[1]);
const contentLength = (raw: string): string | undefined => /\r\ncontent-length: *(\d+)/i.exec(headOf(raw))?.[1];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('request targets: the path of an absolute-form target', () => {
  it('FAULT: expressMiddleware passes `GET http://host?next=/api/...` (path /) on to the app, as it does `http://host/?next=...`', async () => {
    // RFC 3986 section 3.3: the authority ends at the first `/`, `?` or `#`; `http://host?q` has
    // an empty path (the resource `/`), and its query `next=/api/talent/pulse` is no path at all.
    const app = express();
    app.use(expressMiddleware(createFetchHandler({})));
    app.get('/', (_req, res) => {
      res.type('text/plain').send('host page');
    });
    const port = await serve(app as unknown as RequestListener);
    const ask = (target: string): Promise<string> =>
      rawHttp(port, `GET ${target} HTTP/1.1\r\nHost: host\r\nConnection: close\r\n\r\n`);
    // The same resource, with and without the `/` an absolute-form target may leave out.
    const withSlash = await ask('http://host/?next=/api/talent/pulse');
    expect(bodyOfRaw(withSlash)).toBe('host page');
    const withoutSlash = await ask('http://host?next=/api/talent/pulse');
    expect(statusOf(withoutSlash)).toBe(200);
    expect(bodyOfRaw(withoutSlash)).toBe('host page');
    // The root cause: pathOf reads the query as the path.
    expect(pathOf('http://host?next=/api/talent/pulse')).not.toBe('/api/talent/pulse');
  });
});

describe('sendWebResponse', () => {
  it('FAULT: a HEAD answered with a one-piece body announces the Content-Length its GET carries', async () => {
    // Its doc: "A body that ends with its first chunk ... goes out in one write with a
    // Content-Length"; RFC 9110 9.3.2: a HEAD gets the header fields of its GET.
    const port = await serve((_req, res) => {
      void sendWebResponse(res, new Response('hello world', { headers: { 'content-type': 'text/plain' } }));
    });
    const get = await rawHttp(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const head = await rawHttp(port, 'HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(contentLength(get)).toBe('11');
    expect(bodyOfRaw(head)).toBe('');
    expect(contentLength(head)).toBe('11');
  });

  it('FAULT: a body stream of text chunks (not bytes) is not sent as an empty 200', async () => {
    // The Fetch standard reads a body of non-Uint8Array chunks as a TypeError
    // (`await response.text()` rejects); sendWebResponse skips such chunks and answers
    // `200, Content-Length: 0`: the host's content is lost without an error anywhere.
    const handler = (): Response =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue('hello ');
            controller.enqueue('world');
            controller.close();
          },
        }),
      );
    const port = await serve(toNodeListener(handler));
    const raw = await rawHttp(port, 'GET /api/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    // Either the text arrives whole, or the failure is a failure (the glue's 500 envelope).
    const delivered = statusOf(raw) === 200 && bodyOfRaw(raw).includes('hello world');
    const refused = statusOf(raw) === 500;
    expect(
      delivered || refused,
      `answered ${statusOf(raw)}, Content-Length ${String(contentLength(raw))}, body ${JSON.stringify(bodyOfRaw(raw))}`,
    ).toBe(true);
  });
});

describe('the glue’s own onError hook', () => {
  it('FAULT: an async onError that rejects is contained (no unhandled rejection, which ends a Node process)', async () => {
    // docs/reliability.md: host hooks (`onError` named) "that throw, or return a promise that
    // rejects, are contained (`callHook`) ... never leaves an unhandled rejection". The glue calls
    // its `onError` in a try/catch only; the handler's own `onError` goes through callHook.
    const unhandled: unknown[] = [];
    const saved = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    const capture = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', capture);
    try {
      const port = await serve(
        toNodeListener(
          async () => {
            throw new Error('host handler bug');
          },
          {
            onError: async () => {
              throw new Error('log sink down');
            },
          },
        ),
      );
      const raw = await rawHttp(port, 'GET /api/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      expect(statusOf(raw)).toBe(500);
      await sleep(30);
    } finally {
      process.off('unhandledRejection', capture);
      for (const listener of saved) process.on('unhandledRejection', listener);
    }
    expect(unhandled.map((r) => (r instanceof Error ? r.message : String(r)))).toEqual([]);
  });
});

describe('clients that leave', () => {
  it('FAULT: under fastifyPlugin, a client that leaves cancels a host handler’s response body', async () => {
    // toNodeListener (sendWebResponse) cancels the body when the client goes; the Fastify glue
    // buffers the body with `response.arrayBuffer()` and never cancels it, so a streaming body
    // is read for good after the client has gone (the signal aborts, the body does not stop).
    let cancelled = false;
    let stopped = false;
    let pulls = 0;
    const handler = (): Response =>
      new Response(
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (stopped) return controller.close();
            pulls++;
            await sleep(2);
            controller.enqueue(new Uint8Array(16));
          },
          cancel() {
            cancelled = true;
          },
        }),
      );
    const app = Fastify();
    await app.register(fastifyPlugin(handler));
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const port = (app.server.address() as AddressInfo).port;
      const socket = connect(port, '127.0.0.1', () => socket.write('GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n'));
      socket.on('error', () => {});
      await sleep(40);
      socket.destroy();
      await sleep(50);
      const after = pulls;
      await sleep(50);
      expect({ cancelled, pulledAfterLeaving: pulls > after }).toEqual({ cancelled: true, pulledAfterLeaving: false });
    } finally {
      // Stop the stream whatever the glue did, so the test leaves nothing running.
      stopped = true;
      await app.close();
    }
  });
});

describe('request bodies the API never reads', () => {
  it('FAULT: a POST with a large body does not wedge the next request on its keep-alive connection', async () => {
    // The answer goes out with `Connection: keep-alive`, but the body was handed to a web `Request`
    // (Readable.toWeb) that nobody reads: Node no longer dumps it, the stream pauses the socket at
    // its high-water mark, and the next request on the connection is never parsed. Review 16's
    // guard sent 5 bytes.
    const port = await serve(toNodeListener(createFetchHandler({})));
    const size = 256 * 1024;
    const raw = await rawHttp(
      port,
      [
        Buffer.from(`POST /api/nothing HTTP/1.1\r\nHost: x\r\nContent-Length: ${size}\r\n\r\n`),
        Buffer.alloc(size, 97),
        Buffer.from('GET /api/nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      ],
      1_500,
    );
    // Either both are answered (two 404s: no engine is mounted), or the server says it closes
    // the connection after the first.
    const statuses = raw.match(/HTTP\/1\.1 \d+/g) ?? [];
    const closes = /\r\nconnection: close\r\n/i.test(headOf(raw));
    expect(closes ? statuses.slice(0, 1) : statuses).toEqual(
      closes ? ['HTTP/1.1 404'] : ['HTTP/1.1 404', 'HTTP/1.1 404'],
    );
  });
});

describe('basePath', () => {
  it('FAULT: a basePath with a dot segment is refused when the handler is made, not a handler that 404s everything', async () => {
    // normaliseBasePath refuses `//` and `%` but takes `/v1/..` and `/v1/.`; the handler then
    // refuses every request below it as a dot-segment path (404 ROUTE_NOT_FOUND, its own
    // openapi.json included), and the OpenAPI document publishes `/v1/../scenes`.
    for (const basePath of ['/v1/..', '/v1/.']) {
      let made: ReturnType<typeof createFetchHandler> | undefined;
      try {
        made = createFetchHandler({}, { basePath });
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError);
        continue;
      }
      const target = `${basePath}/openapi.json`;
      const port = await serve(toNodeListener(made));
      const raw = await rawHttp(port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(`${basePath}: ${statusOf(raw)}`).toBe(`${basePath}: 200`);
    }
  });
});

/**
 * scene-radar/adapters/node on its own, with stub handlers: what `toWebRequest` builds (URL origin
 * never from Host, headers with repeated values, bodies), what `sendWebResponse` writes (status
 * text, several set-cookie, one-piece and streamed bodies), that a client leaving mid-response or
 * mid-handler crashes nothing, that a handler failing in any way is a 500 envelope, and how the
 * Express middleware and the Fastify plugin pick their requests (next(), mount points, prefixes).
 */
import { createServer, IncomingMessage, request as httpRequest, type RequestListener, type Server } from 'node:http';
import { connect, Socket } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFetchHandler } from 'scene-radar/api';
import {
  expressMiddleware,
  fastifyPlugin,
  toNodeListener,
  toWebRequest,
  type WebHandler,
} from 'scene-radar/adapters/node';
import { closeServer, listen } from '../../examples/demo-radar.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => closeServer(s)));
});

async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  return listen(server, 0, '127.0.0.1');
}

/** Sends `raw` over TCP and returns everything the server answers before closing. */
function rawHttp(url: string, raw: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    // Written, not ended: Node's server aborts a request on the client's FIN (see node-light.test.ts).
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(raw));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

function nodeRequest(init: { method?: string; url?: string; headers?: IncomingMessage['headers'] }): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.method = init.method ?? 'GET';
  req.url = init.url ?? '/';
  req.headers = init.headers ?? {};
  return req;
}

/** A handler that answers with what it was given. */
const echo: WebHandler = async (request, context) =>
  Response.json({
    method: request.method,
    url: request.url,
    headers: [...(request.headers as unknown as Iterable<[string, string]>)],
    body: request.body ? await request.text() : null,
    context,
  });

describe('toWebRequest', () => {
  it('takes the URL origin from the options, never from the Host header or the request target', () => {
    const host = { host: 'evil.example' };
    expect(toWebRequest(nodeRequest({ url: '/api/x?y=1', headers: host })).url).toBe('http://localhost/api/x?y=1');
    // A protocol-relative target must not become another host.
    expect(toWebRequest(nodeRequest({ url: '//evil.example/api/x', headers: host })).url).toBe(
      'http://localhost//evil.example/api/x',
    );
    // Absolute-form (sent to proxies): only its path and query are kept.
    expect(toWebRequest(nodeRequest({ url: 'http://evil.example/api/x?y=1', headers: host })).url).toBe(
      'http://localhost/api/x?y=1',
    );
    expect(toWebRequest(nodeRequest({ url: '*', method: 'OPTIONS' })).url).toBe('http://localhost/');
    expect(toWebRequest(nodeRequest({ url: '/a' }), { origin: 'https://radar.example.com/ignored/path' }).url).toBe(
      'https://radar.example.com/a',
    );
    expect(
      toWebRequest(nodeRequest({ url: '/a', headers: host }), {
        origin: (req) => `https://${req.headers['x-forwarded-host'] ?? 'fallback.example'}`,
      }).url,
    ).toBe('https://fallback.example/a');
    expect(toWebRequest(nodeRequest({ url: '/a' }), { url: '/mounted/a?b' }).url).toBe('http://localhost/mounted/a?b');
    expect(() => toWebRequest(nodeRequest({}), { origin: 'not a url' })).toThrow(TypeError);
    expect(() => toWebRequest(nodeRequest({}), { origin: 'ftp://files.example' })).toThrow(TypeError);
    expect(() => toNodeListener(echo, { origin: 'nope' })).toThrow(/origin must be an absolute http\(s\) URL/);
  });

  it('copies headers: Node-joined values as they are, set-cookie arrays value by value, no pseudo-headers', () => {
    const request = toWebRequest(
      nodeRequest({
        headers: {
          cookie: 'a=1; b=2',
          'x-multi': 'one, two',
          'set-cookie': ['x=1', 'y=2'],
          ':path': '/x',
          accept: 'application/json',
        },
      }),
    );
    expect(request.headers.get('cookie')).toBe('a=1; b=2');
    expect(request.headers.get('x-multi')).toBe('one, two');
    expect(request.headers.getSetCookie()).toEqual(['x=1', 'y=2']);
    const names: string[] = [];
    request.headers.forEach((_value, name) => {
      names.push(name);
    });
    expect(names.filter((n) => n.startsWith(':'))).toEqual([]);
    expect(request.headers.get('accept')).toBe('application/json');
  });

  it('gives a body only to methods other than GET and HEAD that announce one', () => {
    expect(toWebRequest(nodeRequest({ method: 'GET', headers: { 'content-length': '5' } })).body).toBeNull();
    expect(toWebRequest(nodeRequest({ method: 'HEAD' })).body).toBeNull();
    expect(toWebRequest(nodeRequest({ method: 'DELETE' })).body).toBeNull();
    expect(toWebRequest(nodeRequest({ method: 'POST', headers: { 'content-length': '5' } })).body).not.toBeNull();
    expect(
      toWebRequest(nodeRequest({ method: 'PUT', headers: { 'transfer-encoding': 'chunked' } })).body,
    ).not.toBeNull();
  });

  it('over a real socket: repeated headers joined the HTTP way, the body streamed, the client address passed', async () => {
    const url = await serve(toNodeListener(echo));
    const raw = await rawHttp(
      url,
      'POST /api/echo HTTP/1.1\r\nHost: evil.example\r\nX-Multi: one\r\nX-Multi: two\r\nCookie: a=1\r\nCookie: b=2\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello',
    );
    const seen = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as {
      method: string;
      url: string;
      headers: [string, string][];
      body: string;
      context: { clientAddress?: string };
    };
    const headers = Object.fromEntries(seen.headers);
    expect(seen).toMatchObject({ method: 'POST', url: 'http://localhost/api/echo', body: 'hello' });
    expect(headers['x-multi']).toBe('one, two');
    expect(headers.cookie).toBe('a=1; b=2');
    expect(headers.host).toBe('evil.example');
    expect(seen.context.clientAddress).toMatch(/127\.0\.0\.1/);
    const chunked = await fetch(`${url}/api/echo`, { method: 'PUT', body: new Blob(['x'.repeat(100_000)]) });
    expect(((await chunked.json()) as { body: string }).body).toHaveLength(100_000);
  });
});

describe('sendWebResponse (through toNodeListener)', () => {
  it('keeps status text and every set-cookie header apart', async () => {
    const headers = new Headers([
      ['set-cookie', 'a=1; Path=/'],
      ['set-cookie', 'b=2; HttpOnly'],
      ['x-one', '1'],
    ]);
    const url = await serve(
      toNodeListener(() => new Response('teapot', { status: 418, statusText: 'Short And Stout', headers })),
    );
    const raw = await rawHttp(url, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 418 Short And Stout\r\n/);
    expect(raw.match(/^set-cookie: .*$/gim)).toEqual(
      ['set-cookie: a=1; Path=/\r', 'set-cookie: b=2; HttpOnly\r'].map((l) => l.replace('\r', '')),
    );
    const res = await fetch(url);
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(res.headers.get('x-one')).toBe('1');
  });

  it('sends a one-piece body with Content-Length, a stream chunk by chunk, and a null body', async () => {
    let i = 0;
    const url = await serve(
      toNodeListener((request) => {
        const path = new URL(request.url).pathname;
        if (path === '/one') return Response.json({ ok: true, data: 'x'.repeat(1000), error: null });
        if (path === '/empty') return new Response(null, { status: 204 });
        const stream = new ReadableStream<Uint8Array>({
          async pull(controller) {
            await new Promise((r) => setTimeout(r, 2));
            if (i++ < 5) controller.enqueue(new TextEncoder().encode(`chunk${i};`));
            else controller.close();
          },
        });
        return new Response(stream, { headers: { 'content-type': 'text/plain' } });
      }),
    );
    const one = await rawHttp(url, 'GET /one HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(one).toMatch(/\r\ncontent-length: \d+\r\n/i);
    expect(one).not.toMatch(/transfer-encoding/i);
    const streamed = await fetch(`${url}/stream`);
    expect(streamed.headers.get('transfer-encoding')).toBe('chunked');
    expect(await streamed.text()).toBe('chunk1;chunk2;chunk3;chunk4;chunk5;');
    const empty = await fetch(`${url}/empty`);
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
  });

  it('a client that disconnects mid-response cancels the body; nothing crashes and the server keeps serving', async () => {
    const cancelled = vi.fn();
    let ticks = 0;
    const url = await serve(
      toNodeListener((request) => {
        if (new URL(request.url).pathname === '/ok') return new Response('still here');
        const stream = new ReadableStream<Uint8Array>({
          async pull(controller) {
            await new Promise((r) => setTimeout(r, 3));
            controller.enqueue(new TextEncoder().encode(`tick ${++ticks}\n`));
          },
          cancel: cancelled,
        });
        return new Response(stream);
      }),
    );
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${url}/forever`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
      req.end();
    });
    await vi.waitFor(() => expect(cancelled).toHaveBeenCalled(), { timeout: 2000 });
    const after = ticks;
    await new Promise((r) => setTimeout(r, 30));
    expect(ticks - after).toBeLessThanOrEqual(1);
    expect(await (await fetch(`${url}/ok`)).text()).toBe('still here');
  });

  it('a client that leaves before the handler answers aborts request.signal; the late response is dropped', async () => {
    let signal: AbortSignal | undefined;
    const late = vi.fn();
    const onError = vi.fn();
    const url = await serve(
      toNodeListener(
        async (request) => {
          signal = request.signal;
          await new Promise((r) => setTimeout(r, 80));
          late();
          return new Response('too late');
        },
        { onError },
      ),
    );
    const controller = new AbortController();
    const pending = fetch(`${url}/slow`, { signal: controller.signal }).catch((e: unknown) => e);
    await vi.waitFor(() => expect(signal).toBeDefined());
    controller.abort();
    await pending;
    await vi.waitFor(() => expect(signal!.aborted).toBe(true));
    await vi.waitFor(() => expect(late).toHaveBeenCalled(), { timeout: 1000 });
    expect(onError).not.toHaveBeenCalled();
  });
});

describe('failures are 500 envelopes', () => {
  const INTERNAL = { ok: false, error: { code: 'SCENES_INTERNAL_ERROR', message: 'Internal error' } };

  it('a handler that rejects, throws, or returns a body that fails at once: 500 envelope, cause to onError', async () => {
    const onError = vi.fn();
    const url = await serve(
      toNodeListener(
        (request) => {
          const path = new URL(request.url).pathname;
          if (path === '/reject') return Promise.reject(new Error('boom'));
          if (path === '/throw') throw new Error('sync boom');
          return new Response(new ReadableStream({ pull: () => Promise.reject(new Error('body boom')) }));
        },
        { onError },
      ),
    );
    for (const [path, cause] of [
      ['/reject', 'boom'],
      ['/throw', 'sync boom'],
      ['/body', 'body boom'],
    ] as const) {
      const res = await fetch(`${url}${path}`, { headers: { 'x-request-id': `req-${path.slice(1)}` } });
      expect(res.status).toBe(500);
      expect(res.headers.get('x-request-id')).toBe(`req-${path.slice(1)}`);
      expect(await res.json()).toEqual({
        ...INTERNAL,
        error: { ...INTERNAL.error, details: { requestId: `req-${path.slice(1)}` } },
      });
      expect(onError).toHaveBeenLastCalledWith(
        expect.objectContaining({ message: cause }),
        expect.objectContaining({ requestId: `req-${path.slice(1)}` }),
      );
    }
    // A throwing hook changes nothing; an unsafe incoming id is replaced.
    const throwingHook = await serve(
      toNodeListener(() => Promise.reject(new Error('x')), {
        onError: () => {
          throw new Error('hook');
        },
      }),
    );
    const res = await fetch(`${throwingHook}/`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a body that fails midway cuts the connection (a truncated body must not look whole) and reports the cause', async () => {
    const onError = vi.fn();
    let n = 0;
    const url = await serve(
      toNodeListener(
        () =>
          new Response(
            new ReadableStream<Uint8Array>({
              async pull(controller) {
                await new Promise((r) => setTimeout(r, 2));
                if (n++ < 2) controller.enqueue(new TextEncoder().encode('part;'));
                else controller.error(new Error('midway'));
              },
            }),
          ),
        { onError },
      ),
    );
    const res = await fetch(url);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    await vi.waitFor(() =>
      expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'midway' }), expect.anything()),
    );
  });

  it('a method a web Request cannot hold (TRACE) is a 405 envelope, not a crash or a 500', async () => {
    const onError = vi.fn();
    const url = await serve(toNodeListener(echo, { onError }));
    const raw = await rawHttp(url, 'TRACE /api/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 405 /);
    expect(raw).toMatch(/allow: GET, HEAD/i);
    expect(raw).toContain('"code":"METHOD_NOT_ALLOWED"');
    expect(onError).not.toHaveBeenCalled();
  });
});

describe('expressMiddleware', () => {
  async function serveExpress(app: express.Express): Promise<string> {
    return serve(app);
  }

  it('answers only paths under basePath and calls next() for the rest (a look-alike prefix included)', async () => {
    const app = express();
    app.use(expressMiddleware(echo));
    app.get('/health', (_req, res) => {
      res.send('host ok');
    });
    app.use((_req, res) => {
      res.status(404).send('host 404');
    });
    const url = await serveExpress(app);
    expect(await (await fetch(`${url}/health`)).text()).toBe('host ok');
    expect(await (await fetch(`${url}/apiary`)).text()).toBe('host 404');
    expect(await (await fetch(`${url}/`)).text()).toBe('host 404');
    for (const path of ['/api', '/api/', '/api/talent/pulse?limit=2']) {
      const seen = (await (await fetch(`${url}${path}`)).json()) as { url: string };
      expect(seen.url).toBe(`http://localhost${path}`);
    }
  });

  it('mounted under a prefix or inside a router, the handler sees the full original URL', async () => {
    const app = express();
    app.use('/api', expressMiddleware(echo)); // Express strips '/api' from req.url here
    const router = express.Router();
    router.use(expressMiddleware(echo, { basePath: '/v2/api' }));
    app.use('/v2', router);
    app.use('/v1', expressMiddleware(createFetchHandler({}, { basePath: '/v1/api' }), { basePath: '/v1/api' }));
    app.use((_req, res) => {
      res.status(404).send('host 404');
    });
    const url = await serveExpress(app);
    expect(((await (await fetch(`${url}/api/talent/pulse?x=1`)).json()) as { url: string }).url).toBe(
      'http://localhost/api/talent/pulse?x=1',
    );
    expect(((await (await fetch(`${url}/v2/api/scenes`)).json()) as { url: string }).url).toBe(
      'http://localhost/v2/api/scenes',
    );
    expect(await (await fetch(`${url}/v2/other`)).text()).toBe('host 404');
    // The real handler with the same base path sees the full original path (its 404 names it: no engine behind it).
    const real = await fetch(`${url}/v1/api/talent/pulse`);
    expect(real.status).toBe(404);
    expect(await real.json()).toMatchObject({
      ok: false,
      error: { code: 'ROUTE_NOT_FOUND', message: 'No route: /v1/api/talent/pulse' },
    });
    expect(await (await fetch(`${url}/v1/elsewhere`)).text()).toBe('host 404');
  });

  it('after a body parser has read the body, the handler gets no body (rather than a broken stream)', async () => {
    const app = express();
    app.use(express.json());
    app.use(expressMiddleware(echo));
    const url = await serveExpress(app);
    const res = await fetch(`${url}/api/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ method: 'POST', body: null });
  });

  it('rejects a bad basePath when built', () => {
    expect(() => expressMiddleware(echo, { basePath: 'api' })).toThrow(TypeError);
  });
});

describe('fastifyPlugin', () => {
  it('answers through reply (set-cookie kept apart), under a register prefix, with a 500 envelope on rejection', async () => {
    const app = Fastify({ forceCloseConnections: true });
    const onError = vi.fn();
    const handler: WebHandler = (request) => {
      if (new URL(request.url).pathname.endsWith('/fail')) return Promise.reject(new Error('fastify boom'));
      if (new URL(request.url).pathname.endsWith('/empty')) return new Response(null, { status: 204 });
      return new Response(JSON.stringify({ url: request.url }), {
        status: 201,
        headers: [
          ['content-type', 'application/json'],
          ['set-cookie', 'a=1'],
          ['set-cookie', 'b=2'],
        ],
      });
    };
    await app.register(fastifyPlugin(handler, { onError }), { prefix: '/v1' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = app.server.address() as { port: number };
      const url = `http://127.0.0.1:${address.port}`;
      const ok = await fetch(`${url}/v1/api/x?y=1`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/x-unknown' },
        body: 'raw',
      });
      expect(ok.status).toBe(201);
      expect(ok.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
      expect(await ok.json()).toEqual({ url: 'http://localhost/v1/api/x?y=1' });
      expect((await fetch(`${url}/v1/api`)).status).toBe(201);
      expect((await fetch(`${url}/api/x`)).status).toBe(404); // outside the prefix: Fastify's own 404
      const failed = await fetch(`${url}/v1/api/fail`);
      expect(failed.status).toBe(500);
      expect(await failed.json()).toMatchObject({
        ok: false,
        error: { code: 'SCENES_INTERNAL_ERROR', message: 'Internal error' },
      });
      expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'fastify boom' }), expect.anything());
      // A null body stays empty: no content-type made up by Fastify.
      const empty = await fetch(`${url}/v1/api/empty`, { method: 'HEAD' });
      expect(empty.status).toBe(204);
      expect(empty.headers.get('content-type')).toBeNull();
    } finally {
      await app.close();
    }
  });
});

/**
 * The light path of the Node glue (adapters/node/light.ts): a GET or HEAD for a handler made by
 * `createFetchHandler` is answered without a web `Request`, `AbortController` or `Response`, and
 * the bytes on the wire are the ones the standard path writes for the same request (the same
 * handler behind a wrapper, which hides its light form), for `toNodeListener`, Express and
 * Fastify, with CORS, a rate limit, HEAD, errors, odd targets and unsafe request ids. A host
 * callback that asks for the request gets a standard `Request` whose signal fires when the client
 * leaves.
 */
import { createServer, request as httpRequest, type RequestListener, type Server } from 'node:http';
import { connect } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import {
  createFetchHandler,
  createMemoryRateLimiter,
  type FetchHandler,
  type FetchHandlerOptions,
} from 'scene-radar/api';
import { expressMiddleware, fastifyPlugin, toNodeListener, type WebHandler } from 'scene-radar/adapters/node';
import { lightHandlerOf } from '../../adapters/node/light.js';
import { closeServer, listen } from '../../examples/demo-radar.js';

const NOW = '2026-11-25T00:00:00.000Z';
let radar: SceneRadar;
let scene = '';
let artist = '';

beforeAll(async () => {
  const world = createDemoWorld({ seed: 11, artists: 60, scenes: 6, end: '2026-11-24' });
  radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh();
  scene = (await radar.scenes.listScenes({ limit: 1 })).items[0]!.slug;
  artist = (await radar.scenes.listMemberships({ limit: 1 })).items[0]!.artist_slug;
}, 60_000);

afterAll(async () => {
  await radar?.close();
});

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function serve(listener: RequestListener): Promise<number> {
  const server: Server = createServer(listener);
  closers.push(() => closeServer(server));
  return Number(new URL(await listen(server, 0, '127.0.0.1')).port);
}

/** Sends `raw` over TCP and returns everything the server answers before closing. */
function rawHttp(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // Written, not ended: a client that half-closes is a client gone to Node's server (it aborts
    // the request on the FIN), so a slow answer would not be written at all.
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

/** The answer without what differs from one response to the next (the date, random ids, the reset time). */
const normalised = (raw: string): string =>
  raw
    .replace(/^date: .*$/gim, 'date: -')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/^(ratelimit-reset|retry-after): .*$/gim, '$1: -');

/** The same handler without its light form: the glue takes the standard way. */
const standard =
  (handler: FetchHandler): WebHandler =>
  (request, context) =>
    handler(request, context);

/** Handler options that touch every part of the answer: CORS, a rate limit (one per handler), a custom id. */
const options = (): FetchHandlerOptions => ({
  cors: { origin: ['https://a.example'] },
  rateLimit: { limiter: createMemoryRateLimiter({ limit: 1_000, windowMs: 60_000 }) },
  allowSkipCache: (request) => request.headers.get('x-operator') === '1',
});

function requests(prefix: string): string[] {
  const get = (target: string, headers = '', method = 'GET'): string =>
    `${method} ${prefix}${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headers}\r\n`;
  const list: string[] = [];
  for (const method of ['GET', 'HEAD'])
    for (const target of [
      '/api/talent/pulse?limit=20',
      '/api/talent/pulse',
      '/api/scenes?limit=20',
      `/api/scenes/${scene}`,
      `/api/scenes/${scene}/pulse`,
      `/api/scenes/${scene}/memberships?limit=5`,
      `/api/talent/artists/${artist}`,
      '/api/microgenres?limit=3',
      '/api/openapi.json',
      '/api/nothing/here',
      '/api/scenes/invalid-slug-!!!',
    ])
      list.push(get(target, '', method));
  list.push(
    get('/api/talent/pulse?limit=20', 'x-request-id: client-id_1\r\n'),
    get('/api/talent/pulse?limit=20', 'x-request-id: not safe\r\n'),
    get('/api/talent/pulse?limit=20', 'x-request-id: a\r\nx-request-id: b\r\n'),
    get('/api/talent/pulse?limit=5', 'Origin: https://a.example\r\n'),
    get('/api/talent/pulse?limit=5', 'Origin: https://b.example\r\n'),
    get('/api/talent/pulse', 'Origin: https://a.example\r\nAccess-Control-Request-Method: GET\r\n', 'OPTIONS'),
    get('/api/talent/pulse', 'Content-Length: 2\r\n', 'POST').concat('{}'),
    get('/api/talent/pulse?limit=500'),
    get('/api/talent/pulse?limit=3&limit=4&foo=1'),
    get('/api/talent/pulse?skipCache=true&limit=3'),
    get('/api/talent/pulse?skipCache=true&limit=3', 'x-operator: 1\r\n'),
    get('/api/talent/pulse?skipCache=yes'),
    get('/api/talent/pulse/'),
    get('/api/scenes/x/../../talent/pulse'),
    get('/api/scenes/x/%2e%2e/y'),
    get('/api/scenes/a%2Fb'),
    get('/api/scenes/%E0%A4%A'),
    get(`/api/scenes?region='uk'`),
    get('/api/scenes?region=u k'),
    get('/api/scenes?region=%C3%BC&limit=2'),
    get('/api/sc\\enes'),
    get('/api//scenes'),
    get('/api/scenes?limit=2#fragment'),
  );
  return list;
}

/** Every request of `requests` through both servers, in the same order; the answers side by side. */
async function both(light: number, standardPort: number, list: readonly string[]): Promise<[string[], string[]]> {
  const a: string[] = [];
  const b: string[] = [];
  for (const raw of list) {
    a.push(`${raw.split('\r\n')[0]}\n${normalised(await rawHttp(light, raw))}`);
    b.push(`${raw.split('\r\n')[0]}\n${normalised(await rawHttp(standardPort, raw))}`);
  }
  return [a, b];
}

describe('the light path writes the bytes the standard path writes', () => {
  it('toNodeListener: every kind of answer, with CORS, a rate limit, HEAD and odd targets', async () => {
    const light = createFetchHandler(radar, options());
    expect(lightHandlerOf(light)).toBeTypeOf('function');
    expect(lightHandlerOf(standard(light))).toBeUndefined();
    const origin = { origin: 'https://radar.example.com' };
    const [a, b] = await both(
      await serve(toNodeListener(light, origin)),
      await serve(toNodeListener(standard(createFetchHandler(radar, options())), origin)),
      requests(''),
    );
    expect(a).toEqual(b);
    expect(a.some((answer) => answer.includes('HTTP/1.1 200 OK'))).toBe(true);
  });

  it('a custom request id and an origin chosen per request', async () => {
    const opts = (): FetchHandlerOptions => ({ ...options(), requestId: (request) => `id ${request.method} ` });
    const origin = { origin: () => 'https://per-request.example.com:8443' };
    const [a, b] = await both(
      await serve(toNodeListener(createFetchHandler(radar, opts()), origin)),
      await serve(toNodeListener(standard(createFetchHandler(radar, opts())), origin)),
      requests('').slice(0, 6),
    );
    expect(a).toEqual(b);
    expect(a[0]).toContain('x-request-id: id GET\r\n');
  });

  it('Express under a mount point, and Fastify', async () => {
    const app = (handler: WebHandler): express.Express => {
      const e = express();
      e.use('/v1', expressMiddleware(handler, { basePath: '/v1/api' }));
      return e;
    };
    const lightApp = app(createFetchHandler(radar, { ...options(), basePath: '/v1/api' }));
    const standardApp = app(standard(createFetchHandler(radar, { ...options(), basePath: '/v1/api' })));
    const [a, b] = await both(await serve(lightApp), await serve(standardApp), requests('/v1'));
    expect(a).toEqual(b);

    const fastify = async (handler: WebHandler): Promise<number> => {
      const f = Fastify();
      await f.register(fastifyPlugin(handler));
      await f.listen({ port: 0, host: '127.0.0.1' });
      closers.push(() => f.close());
      return (f.server.address() as { port: number }).port;
    };
    const [c, d] = await both(
      await fastify(createFetchHandler(radar, options())),
      await fastify(standard(createFetchHandler(radar, options()))),
      requests('').filter((raw) => !raw.includes('/api/sc\\enes')),
    );
    expect(c).toEqual(d);
  });
});

describe('the light path makes no web objects unless a host callback asks', () => {
  it('a GET and a HEAD construct no Request and no AbortController', async () => {
    const port = await serve(toNodeListener(createFetchHandler(radar)));
    const made = { requests: 0, controllers: 0 };
    const OriginalRequest = globalThis.Request;
    const OriginalController = globalThis.AbortController;
    globalThis.Request = class extends OriginalRequest {
      constructor(...args: ConstructorParameters<typeof Request>) {
        super(...args);
        made.requests++;
      }
    };
    globalThis.AbortController = class extends OriginalController {
      constructor() {
        super();
        made.controllers++;
      }
    };
    try {
      for (const method of ['GET', 'HEAD']) {
        const raw = await rawHttp(
          port,
          `${method} /api/talent/pulse?limit=20 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
        );
        expect(raw).toMatch(/^HTTP\/1\.1 200 OK/);
      }
      expect(made).toEqual({ requests: 0, controllers: 0 });
      // The standard way (a POST) still makes both.
      await rawHttp(port, 'POST /api/talent/pulse HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      expect(made.requests).toBeGreaterThan(0);
      expect(made.controllers).toBeGreaterThan(0);
    } finally {
      globalThis.Request = OriginalRequest;
      globalThis.AbortController = OriginalController;
    }
  });

  it('a callback that asks gets a standard Request whose signal fires when the client leaves', async () => {
    let asked: Request | undefined;
    const onError = vi.fn();
    const handler = createFetchHandler(radar, {
      onError,
      allowSkipCache: async (request) => {
        asked = request;
        await new Promise((r) => setTimeout(r, 80));
        return false;
      },
    });
    const port = await serve(toNodeListener(handler, { origin: 'https://radar.example.com', onError }));
    await new Promise<void>((resolve) => {
      const req = httpRequest(`http://127.0.0.1:${port}/api/talent/pulse?skipCache=true`, {
        headers: { 'x-trace': 'kept' },
      });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.end();
      setTimeout(() => req.destroy(), 20);
    });
    await vi.waitFor(() => expect(asked).toBeDefined());
    expect(asked).toBeInstanceOf(Request);
    expect(asked!.url).toBe('https://radar.example.com/api/talent/pulse?skipCache=true');
    expect(asked!.headers.get('x-trace')).toBe('kept');
    await vi.waitFor(() => expect(asked!.signal.aborted).toBe(true));
    expect(onError).not.toHaveBeenCalled();
    // The server keeps serving.
    const raw = await rawHttp(port, 'GET /api/talent/pulse?limit=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK/);
  });

  it('a request asked for after the client has gone is aborted at once; the answer is dropped', async () => {
    let asked: Request | undefined;
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const handler = createFetchHandler(radar, {
      allowSkipCache: async (request) => {
        asked = request;
        return false;
      },
      rateLimit: {
        limiter: {
          consume: async () => {
            await gate;
            return { allowed: true, limit: 10, remaining: 9, resetMs: 1_000 };
          },
        },
      },
    });
    const port = await serve(toNodeListener(handler));
    await new Promise<void>((resolve) => {
      const req = httpRequest(`http://127.0.0.1:${port}/api/talent/pulse?skipCache=true`);
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.end();
      setTimeout(() => req.destroy(), 20);
    });
    await new Promise((r) => setTimeout(r, 30));
    release();
    await vi.waitFor(() => expect(asked).toBeDefined());
    expect(asked!.signal.aborted).toBe(true);
  });
});

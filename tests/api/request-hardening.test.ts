/**
 * HTTP hardening of issue 12 (items 8 and 13), over the demo world:
 * - `skipCache=true` is ignored unless the host allows it (`allowSkipCache`: a flag or a per-request
 *   hook), in the fetch handler and the operations; the read-only views ignore it whatever;
 * - `npm run serve` rate-limits each client address by default, configurable by flag and env;
 * - paths with `.` / `..` segments (literal or `%2e`, split at `/` or `\`) or an encoded slash are
 *   a 404 `ROUTE_NOT_FOUND`, never resolved, through the web handler and a real node:http,
 *   Express and Fastify server on loopback;
 * - query numbers are plain digits: `limit=+5` and `limit=%2B5` are the same 400;
 * - CORS is an explicit option: off, a preflight is a 405 and no header is added; on, preflights
 *   get a 204 and answers carry Access-Control-Allow-Origin and Vary: Origin.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type RequestListener,
  type Server,
} from 'node:http';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import {
  createFetchHandler,
  createMemoryRateLimiter,
  createOperations,
  isAmbiguousPath,
  readOnlyApiBackend,
  type FetchHandler,
  type ValidationIssue,
} from 'scene-radar/api';
import { expressMiddleware, fastifyPlugin, toNodeListener } from 'scene-radar/adapters/node';
import { closeServer, listen } from '../../examples/demo-radar.js';
import { parseServeArgs, start as startServe, UsageError } from '../../scripts/serve.js';
import { countingSources } from '../helpers/counting-sources.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 150, end: '2026-11-24' });
const counter = countingSources(world.sources);
const SCENE = world.catalog.scenes[0]!.slug;
const REGION = world.catalog.scenes[0]!.region;

let radar: SceneRadar;
let handler: FetchHandler;
let artist: string;

/** A response envelope as these tests read it; `details` is read only on validation failures (the issues). */
interface Body {
  ok: boolean;
  data?: unknown;
  error: { code: string; message: string; details?: readonly ValidationIssue[] } | null;
}
const get = (h: FetchHandler, path: string, init?: RequestInit): Promise<Response> =>
  h(new Request(`http://localhost${path}`, init));
const json = async (res: Response): Promise<Body> => (await res.json()) as Body;

beforeAll(async () => {
  radar = createSceneRadar({ sources: counter.sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh(NOW);
  handler = createFetchHandler(radar);
  const top = await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 1 });
  artist = top.artists[0]!.artist_slug;
}, 60_000);

afterAll(async () => {
  await radar?.close();
});

const servers: Server[] = [];
const fastifies: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => closeServer(s)));
  await Promise.all(fastifies.splice(0).map((f) => f.close()));
});

async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  return listen(server, 0, '127.0.0.1');
}

/** One request with `path` sent exactly as written (fetch and `new URL` would resolve `..`). */
function raw(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: Number(port), path, method: init.method ?? 'GET', headers: init.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The routes that take `skipCache`, and the engine method each one calls. */
const SKIP_CACHE_ROUTES = () =>
  [
    {
      path: '/api/talent/pulse?limit=5&skipCache=true',
      target: radar.talent.aggregator,
      method: 'buildGlobalPulse',
      flag: (args: unknown[]) => (args[0] as { skipCache?: boolean } | undefined)?.skipCache,
    },
    {
      path: `/api/talent/artists/${artist}?skipCache=1`,
      target: radar.talent.aggregator,
      method: 'buildArtistProfile',
      flag: (args: unknown[]) => (args[1] as { skipCache?: boolean } | undefined)?.skipCache,
    },
    {
      path: '/api/talent/top?category=risk&skipCache=true',
      target: radar.talent.aggregator,
      method: 'getTopArtists',
      flag: (args: unknown[]) => (args[0] as { skipCache?: boolean } | undefined)?.skipCache,
    },
    {
      path: `/api/scenes/${SCENE}/pulse?skipCache=true`,
      target: radar.scenes.pulse,
      method: 'getScenePulse',
      flag: (args: unknown[]) => (args[1] as { skipCache?: boolean } | undefined)?.skipCache,
    },
    {
      path: '/api/scene-pulse?limit=3&skipCache=true',
      target: radar.scenes.pulse,
      method: 'getGlobalPulse',
      flag: (args: unknown[]) => (args[0] as { skipCache?: boolean } | undefined)?.skipCache,
    },
    {
      path: `/api/scene-pulse/${REGION}?skipCache=1`,
      target: radar.scenes.pulse,
      method: 'getRegionalPulse',
      flag: (args: unknown[]) => (args[1] as { skipCache?: boolean } | undefined)?.skipCache,
    },
  ] as const;

/** What skipCache each route passed to its engine when called through `h`. */
async function skipCacheSeen(h: FetchHandler, init?: RequestInit): Promise<Record<string, unknown>> {
  const seen: Record<string, unknown> = {};
  for (const route of SKIP_CACHE_ROUTES()) {
    const spy = vi.spyOn(route.target as unknown as Record<string, (...args: unknown[]) => unknown>, route.method);
    try {
      const res = await get(h, route.path, init);
      expect(res.status, route.path).toBe(200);
      expect(spy, route.path).toHaveBeenCalledTimes(1);
      seen[route.method] = route.flag(spy.mock.calls[0] as unknown[]) ?? false;
    } finally {
      spy.mockRestore();
    }
  }
  return seen;
}

const ALL_FALSE = {
  buildGlobalPulse: false,
  buildArtistProfile: false,
  getTopArtists: false,
  getScenePulse: false,
  getGlobalPulse: false,
  getRegionalPulse: false,
};
const ALL_TRUE = {
  buildGlobalPulse: true,
  buildArtistProfile: true,
  getTopArtists: true,
  getScenePulse: true,
  getGlobalPulse: true,
  getRegionalPulse: true,
};

describe('skipCache is off for callers the host has not allowed', () => {
  it('by default, skipCache=true on every route that takes it is ignored: a 200, and the engines are asked with the cache', async () => {
    expect(await skipCacheSeen(handler)).toEqual(ALL_FALSE);
  });

  it('by default, a warm answer asked for with skipCache=true reads no source; allowed, it recomputes from the sources', async () => {
    const path = `/api/talent/artists/${artist}`;
    expect((await get(handler, path)).status).toBe(200); // warm the cache
    counter.reset();
    const ignored = await get(handler, `${path}?skipCache=true`);
    expect(ignored.status).toBe(200);
    expect(counter.total()).toBe(0);
    const allowed = createFetchHandler(radar, { allowSkipCache: true });
    expect((await get(allowed, `${path}?skipCache=true`)).status).toBe(200);
    expect(counter.total()).toBeGreaterThan(0);
  });

  it('allowSkipCache: true passes it through; a hook decides per request, is asked only when a bypass is asked for, and sees the route', async () => {
    expect(await skipCacheSeen(createFetchHandler(radar, { allowSkipCache: true }))).toEqual(ALL_TRUE);
    const hook = vi.fn(
      (request: Request, _context: unknown, _route: string) => request.headers.get('x-operator-key') === 'let-me',
    );
    const gated = createFetchHandler(radar, { allowSkipCache: hook });
    expect(await skipCacheSeen(gated)).toEqual(ALL_FALSE);
    expect(await skipCacheSeen(gated, { headers: { 'x-operator-key': 'let-me' } })).toEqual(ALL_TRUE);
    expect(hook.mock.calls.map((c) => c[2]).sort()).toEqual(
      [...Array(2)]
        .flatMap(() => [
          'getArtistProfile',
          'getGlobalScenePulse',
          'getRegionalScenePulse',
          'getScenePulse',
          'getTalentPulse',
          'getTopArtists',
        ])
        .sort(),
    );
    hook.mockClear();
    expect((await get(gated, '/api/talent/pulse?skipCache=false')).status).toBe(200);
    expect((await get(gated, '/api/talent/pulse')).status).toBe(200);
    expect(hook).not.toHaveBeenCalled();
  });

  it('a hook that throws or rejects refuses the bypass (still a 200) and its cause goes to onError', async () => {
    const onError = vi.fn();
    for (const allowSkipCache of [
      () => {
        throw new Error('auth down');
      },
      async () => Promise.reject(new Error('auth down')),
    ]) {
      onError.mockClear();
      const spy = vi.spyOn(radar.talent.aggregator, 'buildGlobalPulse');
      const h = createFetchHandler(radar, { allowSkipCache, onError });
      expect((await get(h, '/api/talent/pulse?skipCache=true')).status).toBe(200);
      expect(spy.mock.calls[0]![0]).toMatchObject({ skipCache: false });
      spy.mockRestore();
      expect(onError).toHaveBeenCalledTimes(1);
      expect(onError.mock.calls[0]![1]).toMatchObject({ route: 'getTalentPulse' });
    }
  });

  it('a value that is not a boolean is still a 400, allowed or not', async () => {
    for (const h of [handler, createFetchHandler(radar, { allowSkipCache: true })]) {
      const res = await get(h, '/api/talent/pulse?skipCache=yes');
      expect(res.status).toBe(400);
      expect((await json(res)).error!.details![0]!.path).toEqual(['skipCache']);
    }
  });

  it('the operations ignore it too unless allowed (flag or hook of the input and route)', async () => {
    const spy = vi.spyOn(radar.talent.aggregator, 'buildGlobalPulse');
    try {
      expect((await createOperations(radar).getTalentPulse({ query: { skipCache: 'true' } })).status).toBe(200);
      expect(spy.mock.calls.at(-1)![0]).toMatchObject({ skipCache: false });
      await createOperations(radar, { allowSkipCache: true }).getTalentPulse({ query: { skipCache: true } });
      expect(spy.mock.calls.at(-1)![0]).toMatchObject({ skipCache: true });
      const hook = vi.fn(
        (input: { requestId?: string }, route: string) => input.requestId === 'operator' && route === 'getTalentPulse',
      );
      const gated = createOperations(radar, { allowSkipCache: hook });
      await gated.getTalentPulse({ query: { skipCache: '1' }, requestId: 'anyone' });
      expect(spy.mock.calls.at(-1)![0]).toMatchObject({ skipCache: false });
      await gated.getTalentPulse({ query: { skipCache: '1' }, requestId: 'operator' });
      expect(spy.mock.calls.at(-1)![0]).toMatchObject({ skipCache: true });
    } finally {
      spy.mockRestore();
    }
  });

  it('the read-only views ignore it even when the handler allows it', async () => {
    const h = createFetchHandler(readOnlyApiBackend(radar.readOnly, radar.config, radar.scenes), {
      allowSkipCache: true,
    });
    expect(await skipCacheSeen(h)).toEqual(ALL_FALSE);
  });
});

describe('npm run serve has a default rate limit', () => {
  it('answers 429 with Retry-After past the limit per client address, and says so in RateLimit-* headers', async () => {
    const running = await startServe({ radar, rateLimit: 3, rateWindowSeconds: 30 });
    try {
      expect(running.rateLimit).toEqual({ limit: 3, windowSeconds: 30 });
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 4; i++) {
        last = await fetch(`${running.url}/api/scenes?limit=1`);
        statuses.push(last.status);
        await last.arrayBuffer();
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(last!.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(last!.headers.get('ratelimit-limit')).toBe('3');
    } finally {
      await running.close();
    }
  });

  it('is on without any option (120 a minute) and off with rateLimit 0', async () => {
    const running = await startServe({ radar });
    try {
      expect(running.rateLimit).toEqual({ limit: 120, windowSeconds: 60 });
      const res = await fetch(`${running.url}/api/scenes?limit=1`);
      expect(res.headers.get('ratelimit-limit')).toBe('120');
      await res.arrayBuffer();
    } finally {
      await running.close();
    }
    const off = await startServe({ radar, rateLimit: 0 });
    try {
      expect(off.rateLimit).toBeNull();
      const res = await fetch(`${off.url}/api/scenes?limit=1`);
      expect(res.headers.get('ratelimit-limit')).toBeNull();
      await res.arrayBuffer();
    } finally {
      await off.close();
    }
  });

  it('takes --rate-limit and --rate-window, else SCENE_RADAR_RATE_LIMIT and SCENE_RADAR_RATE_WINDOW, and refuses bad values', () => {
    expect(parseServeArgs(['--rate-limit', '10', '--rate-window', '5'], {})).toMatchObject({
      rateLimit: 10,
      rateWindowSeconds: 5,
    });
    expect(parseServeArgs([], { SCENE_RADAR_RATE_LIMIT: '0', SCENE_RADAR_RATE_WINDOW: '120' })).toMatchObject({
      rateLimit: 0,
      rateWindowSeconds: 120,
    });
    expect(parseServeArgs(['--rate-limit', '7'], { SCENE_RADAR_RATE_LIMIT: '0' })).toMatchObject({ rateLimit: 7 });
    const none = parseServeArgs([], {});
    expect(none.rateLimit).toBeUndefined();
    expect(none.rateWindowSeconds).toBeUndefined();
    expect(() => parseServeArgs(['--rate-limit', '-1'], {})).toThrow(UsageError);
    expect(() => parseServeArgs(['--rate-window', '0'], {})).toThrow(
      /--rate-window must be an integer from 1 to 86400/,
    );
    expect(() => parseServeArgs([], { SCENE_RADAR_RATE_LIMIT: 'lots' })).toThrow(
      /SCENE_RADAR_RATE_LIMIT must be an integer from 0 to 1000000/,
    );
  });
});

const DOT_PATHS = [
  '/api/scenes/x/../../talent/pulse',
  '/api/scenes/x/%2e%2e/%2E%2E/talent/pulse',
  '/api/scenes/x/.%2e/%2e./talent/pulse',
  '/api/talent/./pulse',
  '/api/talent/%2e/pulse',
  '/api/talent/pulse/.',
  '/api/talent/pulse/..',
  '/api/scenes/x\\..\\..\\talent/pulse',
  '/api/../api/talent/pulse',
  `/api/scenes/${SCENE}/pulse/../trends`,
];
const SLASH_PATHS = [
  '/api/scenes/a%2Fb',
  '/api/scenes/a%2fb/pulse',
  '/api/talent%2Fpulse',
  '/api/talent/artists/x%2F..%2F..%2Fpulse',
];

describe('dot segments and encoded slashes are a 404, never resolved', () => {
  it('isAmbiguousPath names them and leaves ordinary paths, queries and dots inside a segment alone', () => {
    for (const p of [...DOT_PATHS, ...SLASH_PATHS, 'http://h/api/x/../y', '/api/x/.\t./y', '/api/%2E%2e'])
      expect(isAmbiguousPath(p), p).toBe(true);
    for (const p of [
      '/api/talent/pulse',
      '/api/openapi.json',
      '/api/scenes/a.b',
      '/api/scenes/...',
      '/api/scenes/%2e%2e%2e',
      '/api/x?y=../..',
      '/api/x#/../..',
      '/api/scenes/a%252Fb',
      '',
    ])
      expect(isAmbiguousPath(p), p).toBe(false);
  });

  it('through node:http (toNodeListener), /api/scenes/x/../../talent/pulse and every variant is a 404 ROUTE_NOT_FOUND', async () => {
    const base = await serve(toNodeListener(handler));
    expect((await raw(base, '/api/talent/pulse?limit=1')).status).toBe(200);
    for (const path of [...DOT_PATHS, ...SLASH_PATHS, 'http://localhost/api/scenes/x/../../talent/pulse']) {
      const res = await raw(base, path, { headers: { 'x-request-id': 'dots-1' } });
      expect(res.status, path).toBe(404);
      const b = JSON.parse(res.body) as Body;
      expect(b.error!.code, path).toBe('ROUTE_NOT_FOUND');
      expect(res.headers['x-request-id']).toBe('dots-1');
    }
  });

  it('through Express and Fastify the same paths are not served either', async () => {
    const app = express();
    app.use(expressMiddleware(handler));
    app.use((_req, res) => {
      res.status(404).type('text/plain').send('app 404');
    });
    const expressBase = await serve(app as unknown as RequestListener);
    const fastify = Fastify();
    fastifies.push(fastify);
    await fastify.register(fastifyPlugin(handler));
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    const address = fastify.server.address();
    const fastifyBase = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    for (const base of [expressBase, fastifyBase]) {
      expect((await raw(base, '/api/talent/pulse?limit=1')).status).toBe(200);
      for (const path of [...DOT_PATHS, ...SLASH_PATHS, '/x/../api/talent/pulse']) {
        const res = await raw(base, path);
        expect(res.status, `${base} ${path}`).toBe(404);
        expect(res.body, path).not.toMatch(/topRisingArtists/);
      }
    }
  });

  it('the web handler refuses an encoded slash (its URL keeps %2F), and a rawUrl in the context for dot segments', async () => {
    for (const path of SLASH_PATHS) {
      const res = await get(handler, path);
      expect(res.status, path).toBe(404);
      expect((await json(res)).error!.code).toBe('ROUTE_NOT_FOUND');
    }
    // A Request's URL is resolved already; the glue passes what the client sent.
    const res = await handler(new Request('http://localhost/api/talent/pulse'), {
      rawUrl: '/api/scenes/x/../../talent/pulse',
    });
    expect(res.status).toBe(404);
    expect((await get(handler, '/api/openapi.json')).status).toBe(200);
  });
});

describe('one rule for + and %2B in query numbers: plain digits only', () => {
  it.each([['limit=%2B5'], ['limit=+5'], ['limit=-5'], ['limit=%2D5'], ['offset=-0'], ['offset=%2B0']])(
    '%s is a 400 naming the parameter',
    async (query) => {
      const res = await get(handler, `/api/scenes?${query}`);
      expect(res.status).toBe(400);
      const b = await json(res);
      expect(b.error!.code).toBe('SCENES_VALIDATION_ERROR');
      expect(b.error!.details!.map((d) => d.path[0])).toEqual([query.split('=')[0]]);
    },
  );

  it('plain digits (leading zeros too) still parse', async () => {
    expect((await json(await get(handler, '/api/scenes?limit=05&offset=0'))).data).toMatchObject({
      limit: 5,
      offset: 0,
    });
  });
});

describe('CORS is an explicit option', () => {
  const preflight = (origin: string, path = '/api/talent/pulse', extra: Record<string, string> = {}): Request =>
    new Request(`http://localhost${path}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', ...extra },
    });

  it('off by default: a preflight is the usual 405 and no CORS header is added', async () => {
    const res = await handler(preflight('https://app.example.com'));
    expect(res.status).toBe(405);
    const got = await get(handler, '/api/scenes?limit=1', { headers: { origin: 'https://app.example.com' } });
    expect(got.headers.get('access-control-allow-origin')).toBeNull();
    expect(got.headers.get('vary')).toBeNull();
  });

  it('with a list of origins: preflight 204 with the Allow-* headers; answers carry the origin, Vary: Origin and the exposed headers', async () => {
    const h = createFetchHandler(radar, {
      cors: { origin: ['https://app.example.com/', 'http://localhost:5173'], maxAge: 3600 },
    });
    const pre = await h(
      preflight('https://app.example.com', '/api/talent/pulse', {
        'access-control-request-headers': 'x-request-id, authorization',
      }),
    );
    expect(pre.status).toBe(204);
    expect(await pre.text()).toBe('');
    expect(
      Object.fromEntries(
        [...(pre.headers as unknown as Iterable<[string, string]>)].filter(([k]) => k.startsWith('access-control-')),
      ),
    ).toEqual({
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-methods': 'GET, HEAD',
      'access-control-allow-headers': 'x-request-id, authorization',
      'access-control-max-age': '3600',
    });
    expect(pre.headers.get('vary')).toMatch(/Origin/);
    const denied = await h(preflight('https://evil.example'));
    expect(denied.status).toBe(204);
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();

    const ok = await get(h, '/api/scenes?limit=1', { headers: { origin: 'http://localhost:5173' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(ok.headers.get('vary')).toBe('Origin');
    expect(ok.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);
    const failed = await get(h, '/api/scenes?limit=0', { headers: { origin: 'http://localhost:5173' } });
    expect(failed.status).toBe(400);
    expect(failed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const other = await get(h, '/api/scenes?limit=1', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.headers.get('vary')).toBe('Origin');
    // A preflight on a path the API does not serve is its 404; OPTIONS without Origin is still a 405.
    expect((await h(preflight('https://app.example.com', '/api/nope'))).status).toBe(404);
    expect((await h(new Request('http://localhost/api/talent/pulse', { method: 'OPTIONS' }))).status).toBe(405);
  });

  it("origin '*' answers every page with *, a function decides per origin, fixed allowHeaders replace the echo", async () => {
    const any = createFetchHandler(radar, { cors: { origin: '*' } });
    const res = await get(any, '/api/openapi.json', { headers: { origin: 'https://whoever.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('vary')).toBeNull();
    const byFn = createFetchHandler(radar, {
      cors: { origin: (o) => o.endsWith('.example.com'), allowHeaders: ['x-request-id'], credentials: true },
    });
    const pre = await byFn(
      preflight('https://a.example.com', '/api/openapi.json', { 'access-control-request-headers': 'x-anything' }),
    );
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toBe('x-request-id');
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    expect(pre.headers.get('access-control-max-age')).toBe('600');
    expect((await byFn(preflight('https://a.example.org'))).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('preflights are not counted by the rate limiter, and a 429 still carries the CORS headers', async () => {
    const h = createFetchHandler(radar, {
      cors: { origin: ['https://app.example.com'] },
      rateLimit: { limiter: createMemoryRateLimiter({ limit: 1 }) },
    });
    for (let i = 0; i < 3; i++)
      expect((await h(preflight('https://app.example.com'), { clientAddress: 'c' })).status).toBe(204);
    const headers = { origin: 'https://app.example.com' };
    expect(
      (await h(new Request('http://localhost/api/scenes?limit=1', { headers }), { clientAddress: 'c' })).status,
    ).toBe(200);
    const limited = await h(new Request('http://localhost/api/scenes?limit=1', { headers }), { clientAddress: 'c' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });

  it('refuses settings browsers would reject', () => {
    expect(() => createFetchHandler(radar, { cors: { origin: '*', credentials: true } })).toThrow(TypeError);
    expect(() => createFetchHandler(radar, { cors: { origin: ['app.example.com'] } })).toThrow(/cors.origin/);
    expect(() => createFetchHandler(radar, { cors: { origin: '*', maxAge: -1 } })).toThrow(/maxAge/);
  });

  it('through node:http a browser preflight gets its 204', async () => {
    const base = await serve(
      toNodeListener(createFetchHandler(radar, { cors: { origin: ['https://app.example.com'] } })),
    );
    const res = await raw(base, '/api/talent/pulse', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' },
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
  });
});

/**
 * The API handler's own observability: every request on the `scene-radar:http` tracing channel
 * with its route template (never the path with its ids), method, status, envelope error code and
 * duration; `handler.stats()` counting answers by status and code with a latency histogram,
 * whether anyone listens or not, through the fetch form and the Node glue's light form alike.
 */
import diagnostics from 'node:diagnostics_channel';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { toNodeListener } from 'scene-radar/adapters/node';
import {
  createFetchHandler,
  createMemoryRateLimiter,
  type ApiBackend,
  type ApiFetchHandler,
  type ApiStats,
  type FetchHandler,
} from 'scene-radar/api';
import { CHANNEL_NAMES, type HttpRequestContext } from '../../src/core/observe/channels.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 60, end: '2026-11-24' });
let radar: SceneRadar;

beforeAll(async () => {
  radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh(NOW);
});
afterAll(() => radar.close());

type Events = { start: HttpRequestContext[]; asyncEnd: HttpRequestContext[]; error: HttpRequestContext[] };
/** Subscribes to the http tracing channel by its documented name and collects its contexts (copies of them at each event). */
function listen(): { events: Events; off: () => void } {
  const channel = diagnostics.tracingChannel<unknown, HttpRequestContext>(CHANNEL_NAMES.http);
  const events: Events = { start: [], asyncEnd: [], error: [] };
  const handlers = {
    start: (c: HttpRequestContext) => events.start.push({ ...c }),
    end: () => undefined,
    asyncStart: () => undefined,
    asyncEnd: (c: HttpRequestContext) => events.asyncEnd.push({ ...c }),
    error: (c: HttpRequestContext) => events.error.push({ ...c }),
  };
  channel.subscribe(handlers);
  return { events, off: () => channel.unsubscribe(handlers) };
}
const offs: Array<() => void> = [];
afterEach(() => {
  for (const off of offs.splice(0)) off();
});

const ask = (handler: ApiFetchHandler, path: string, init?: RequestInit, rawUrl?: string): Promise<Response> =>
  handler(new Request(`http://localhost${path}`, init), rawUrl === undefined ? {} : { rawUrl });

const tally = (xs: readonly (string | number | undefined)[]): Record<string, number> =>
  xs.reduce<Record<string, number>>((m, x) => {
    if (x !== undefined) m[String(x)] = (m[String(x)] ?? 0) + 1;
    return m;
  }, {});

describe('the scene-radar:http channel', () => {
  it('traces each request with its route template, status, code and duration, and no id', async () => {
    const http = listen();
    offs.push(http.off);
    const handler = createFetchHandler(radar);
    const asked: Array<[string, RequestInit | undefined, string | undefined]> = [
      ['/api/scenes/indie-uk-brighton', undefined, undefined],
      ['/api/scenes/indie-uk-brighton/pulse?skipCache=false', undefined, undefined],
      ['/api/scenes/indie-uk-brighton/pulse', { method: 'HEAD' }, undefined],
      ['/api/scenes/invalid-slug-brighton-!!!', undefined, undefined],
      ['/api/talent/artists/unknown-artist-brighton', undefined, undefined],
      ['/api/talent/pulse', { method: 'POST' }, undefined],
      ['/api/scenes/indie-uk-brighton', { method: 'BREW' }, undefined],
      ['/api/nowhere/brighton', undefined, undefined],
      ['/elsewhere/brighton', undefined, undefined],
      ['/api/scenes/indie-uk-brighton', undefined, '/api/scenes/x/../indie-uk-brighton'],
      ['/api/health', undefined, undefined],
      ['/api/openapi.json', { method: 'HEAD' }, undefined],
    ];
    const statuses: number[] = [];
    for (const [path, init, raw] of asked) statuses.push((await ask(handler, path, init, raw)).status);
    expect(statuses).toEqual([200, 200, 200, 400, 404, 405, 405, 404, 404, 404, 200, 200]);

    // One start and one end per request, in order; nothing failed (the handler answers errors, never throws).
    expect(http.events.start.length).toBe(asked.length);
    expect(http.events.asyncEnd.length).toBe(asked.length);
    expect(http.events.error).toEqual([]);
    // The route and method are known from the start, for a sampler or a span's name.
    for (const c of http.events.start) expect(Object.keys(c).sort()).toEqual(['method', 'route']);
    const ends = http.events.asyncEnd.map(({ method, route, status, code }) => ({ method, route, status, code }));
    expect(ends).toEqual([
      { method: 'GET', route: '/api/scenes/:slug', status: 200, code: undefined },
      { method: 'GET', route: '/api/scenes/:slug/pulse', status: 200, code: undefined },
      { method: 'HEAD', route: '/api/scenes/:slug/pulse', status: 200, code: undefined },
      { method: 'GET', route: '/api/scenes/:slug', status: 400, code: 'SCENES_VALIDATION_ERROR' },
      { method: 'GET', route: '/api/talent/artists/:slug', status: 404, code: 'TALENT_ARTIST_NOT_FOUND' },
      { method: 'POST', route: '/api/talent/pulse', status: 405, code: 'METHOD_NOT_ALLOWED' },
      { method: '_OTHER', route: '/api/scenes/:slug', status: 405, code: 'METHOD_NOT_ALLOWED' },
      { method: 'GET', route: 'unmatched', status: 404, code: 'ROUTE_NOT_FOUND' },
      { method: 'GET', route: 'unmatched', status: 404, code: 'ROUTE_NOT_FOUND' },
      { method: 'GET', route: 'unmatched', status: 404, code: 'ROUTE_NOT_FOUND' },
      { method: 'GET', route: '/api/health', status: 200, code: undefined },
      { method: 'HEAD', route: '/api/openapi.json', status: 200, code: undefined },
    ]);
    for (const c of http.events.asyncEnd) {
      // Node adds `result` (undefined: the traced work resolves to nothing); `code` only on errors.
      const keys = Object.keys(c).filter((k) => k !== 'result');
      expect(keys.sort()).toEqual(
        c.status! >= 400
          ? ['code', 'durationMs', 'method', 'route', 'status']
          : ['durationMs', 'method', 'route', 'status'],
      );
      expect(c.durationMs).toBeGreaterThanOrEqual(0);
      expect(c.durationMs).toBeLessThan(10_000);
      expect((c as { result?: unknown }).result).toBeUndefined();
    }
    // No id of any kind in anything published: the slugs asked all hold "brighton".
    const published = JSON.stringify([http.events.start, http.events.asyncEnd]);
    expect(published).not.toMatch(/brighton|unknown-artist|elsewhere|nowhere/);

    // The handler's own counters agree with what the channel saw.
    const stats = handler.stats();
    expect(stats.requests).toBe(asked.length);
    expect(stats.statuses).toEqual(tally(statuses));
    expect(stats.codes).toEqual(tally(http.events.asyncEnd.map((c) => c.code)));
    expect(stats.latency.count).toBe(asked.length);
    expect(stats.latency.counts.reduce((a, b) => a + b, 0)).toBe(asked.length);
    expect(stats.latency.sumMs).toBeCloseTo(
      http.events.asyncEnd.reduce((a, c) => a + c.durationMs!, 0),
      6,
    );
    expect(JSON.stringify(stats)).not.toMatch(/brighton/);
  });

  it('counts answers in stats() with nobody listening, and publishes nothing', async () => {
    const channel = diagnostics.tracingChannel(CHANNEL_NAMES.http);
    expect(channel.start.hasSubscribers).toBe(false);
    const handler = createFetchHandler(radar);
    expect(handler.stats()).toMatchObject({ requests: 0, statuses: {}, codes: {} });
    await ask(handler, '/api/talent/pulse?limit=5');
    await ask(handler, '/api/talent/pulse?limit=5');
    await ask(handler, '/api/scenes/invalid-slug-!!!');
    await ask(handler, '/api/talent/artists/unknown-artist');
    const stats = handler.stats();
    expect(stats).toMatchObject({
      requests: 4,
      statuses: { '200': 2, '400': 1, '404': 1 },
      codes: { SCENES_VALIDATION_ERROR: 1, TALENT_ARTIST_NOT_FOUND: 1 },
    });
    expect(Object.keys(stats.statuses)).toEqual(['200', '400', '404']);
    expect(stats.latency.count).toBe(4);
    expect(stats.latency.boundsMs[0]).toBe(1);
    // Each handler counts its own answers; a snapshot is a copy.
    expect(createFetchHandler(radar).stats().requests).toBe(0);
    (stats.statuses as Record<string, number>)['200'] = 99;
    expect(handler.stats().statuses['200']).toBe(2);
  });

  it('names the route of a rate-limited request, and counts a 500 with its internal code', async () => {
    const http = listen();
    offs.push(http.off);
    const limited = createFetchHandler(radar, { rateLimit: { limiter: createMemoryRateLimiter({ limit: 1 }) } });
    expect((await ask(limited, '/api/talent/artists/some-artist-brighton')).status).toBe(404);
    expect((await ask(limited, '/api/talent/artists/some-artist-brighton')).status).toBe(429);
    expect(http.events.asyncEnd.at(-1)).toMatchObject({
      route: '/api/talent/artists/:slug',
      status: 429,
      code: 'TALENT_RATE_LIMITED',
    });
    expect(limited.stats().codes).toEqual({ TALENT_ARTIST_NOT_FOUND: 1, TALENT_RATE_LIMITED: 1 });

    // A payload that cannot be written is the catch-all 500 (the cause goes to onError only).
    const broken: ApiBackend = {
      talent: { getTalentPulse: async () => ({ n: 10n }) } as unknown as ApiBackend['talent'],
    };
    const errors: unknown[] = [];
    const handler = createFetchHandler(broken, { onError: (e) => errors.push(e) });
    expect((await ask(handler, '/api/talent/pulse')).status).toBe(500);
    expect(errors.length).toBe(1);
    expect(handler.stats()).toMatchObject({ requests: 1, statuses: { '500': 1 }, codes: { TALENT_INTERNAL_ERROR: 1 } });
    expect(http.events.asyncEnd.at(-1)).toMatchObject({
      route: '/api/talent/pulse',
      status: 500,
      code: 'TALENT_INTERNAL_ERROR',
    });
  });

  it('traces and counts requests through the Node glue (the light form) too', async () => {
    const http = listen();
    offs.push(http.off);
    const handler = createFetchHandler(radar);
    const server: Server = createServer(toNodeListener(handler));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/api/scenes/indie-uk-brighton/pulse`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      const missing = await fetch(`http://127.0.0.1:${port}/api/scenes/no-such-scene-brighton`);
      expect(missing.status).toBe(404);
      await missing.arrayBuffer();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(http.events.asyncEnd.map((c) => [c.route, c.status])).toEqual([
      ['/api/scenes/:slug/pulse', 200],
      ['/api/scenes/:slug', 404],
    ]);
    expect(handler.stats()).toMatchObject({ requests: 2, statuses: { '200': 1, '404': 1 } });
    expect(JSON.stringify(http.events.asyncEnd)).not.toContain('brighton');
  });

  it('keeps concurrent requests apart: each context gets its own route, status and code', async () => {
    const http = listen();
    offs.push(http.off);
    const handler = createFetchHandler(radar);
    const kinds = [
      ['/api/talent/pulse?limit=3', '/api/talent/pulse', 200],
      ['/api/scenes/indie-uk-brighton/related', '/api/scenes/:slug/related', 200],
      ['/api/talent/artists/nobody-brighton', '/api/talent/artists/:slug', 404],
      ['/api/microgenres/x!', '/api/microgenres/:slug', 400],
    ] as const;
    const asked = Array.from({ length: 40 }, (_, i) => kinds[i % kinds.length]!);
    const statuses = await Promise.all(asked.map(([path]) => ask(handler, path).then((r) => r.status)));
    expect(statuses).toEqual(asked.map(([, , status]) => status));
    const byRoute = tally(http.events.asyncEnd.map((c) => `${c.route} ${c.status} ${c.code ?? '-'}`));
    expect(byRoute).toEqual({
      '/api/talent/pulse 200 -': 10,
      '/api/scenes/:slug/related 200 -': 10,
      '/api/talent/artists/:slug 404 TALENT_ARTIST_NOT_FOUND': 10,
      '/api/microgenres/:slug 400 SCENES_VALIDATION_ERROR': 10,
    });
    expect(handler.stats().requests).toBe(40);
  });

  it('types: the handler is still a FetchHandler, with stats()', () => {
    expectTypeOf(createFetchHandler(radar)).toExtend<FetchHandler>();
    expectTypeOf(createFetchHandler(radar).stats).returns.toEqualTypeOf<ApiStats>();
  });

  it('names routes under a host base path', async () => {
    const http = listen();
    offs.push(http.off);
    const handler = createFetchHandler(radar, { basePath: '/v1/radar' });
    expect((await ask(handler, '/v1/radar/scenes/indie-uk-brighton/trends')).status).toBe(200);
    expect((await ask(handler, '/api/scenes/indie-uk-brighton')).status).toBe(404);
    expect(http.events.asyncEnd.map((c) => c.route)).toEqual(['/v1/radar/scenes/:slug/trends', 'unmatched']);
  });
});

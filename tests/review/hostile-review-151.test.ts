/**
 * Hostile review 151: what a production operator reads and relies on in docs/operations.md,
 * docs/observability.md and docs/integration-boundaries.md, checked against the code they describe
 * (src/api/answer.ts, src/api/health.ts, src/api/http-stats.ts, src/core/observe/*,
 * src/core/cache/cache.ts, src/core/gateway/scoped.ts, src/radar.ts, adapters/redis/cache-tier.ts):
 * the health route (before the rate limiter, 503 `RADAR_CLOSED` on a closed radar, reporters that
 * hang, throw or answer no state, one-line masked reasons, the Redis tier as a cache reporter),
 * `handler.stats()` and the `scene-radar:http` channel (preflights and health counted, 405 on a known
 * path carries its route, `_OTHER`), the `scene-radar:cache` channel against `radar.stats().cache`,
 * refresh stats and progress phases, the logger's child bindings, the latency histogram's buckets and
 * the Scenes Engine's scoped gateway. A 20-artist demo world, a fixed clock, the Redis of the test
 * environment (a key prefix of this file's own).
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: the Redis tier has
 * `name: 'redis'`), for the reason their name states; the others pin behaviour found correct.
 */
import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createRedisCacheTier } from '../../adapters/redis/index.js';
import { createFetchHandler, createMemoryRateLimiter } from '../../src/api/index.js';
import { scopedGateway } from '../../src/core/gateway/scoped.js';
import { createSourceGateway } from '../../src/core/gateway/gateway.js';
import { Histogram, LATENCY_BOUNDS_MS } from '../../src/core/observe/stats.js';
import { createSceneRadar, fixedClock, type SceneRadar, type SceneRadarSources } from '../../src/index.js';
import { CHANNEL_NAMES } from '../../src/otel/index.js';
import { dropPrefix, testPrefix, testRedis, TEST_REDIS_URL, until } from '../helpers/redis-test.js';

const NOW = '2026-11-25T00:00:00.000Z';
const END = '2026-11-24';
const radars: SceneRadar[] = [];
afterEach(async () => {
  for (const r of radars.splice(0)) await r.close();
});

async function radarOver(edit: (s: SceneRadarSources) => SceneRadarSources = (s) => s, extra: object = {}) {
  const world = createDemoWorld({ artists: 20, end: END });
  const radar = createSceneRadar({ sources: edit(world.sources), clock: fixedClock(NOW), ...extra });
  radars.push(radar);
  await radar.scenes.importCatalog(world.catalog);
  return { radar, world };
}

type HttpCtx = { method: string; route: string; status?: number; code?: string; durationMs?: number };
/** Every finished request on the http channel, copied at asyncEnd. */
function httpTrace() {
  const seen: HttpCtx[] = [];
  const ch = diagnostics.tracingChannel<unknown, HttpCtx>(CHANNEL_NAMES.http);
  const subs = {
    start() {},
    end() {},
    asyncStart() {},
    error() {},
    asyncEnd(c: HttpCtx) {
      seen.push({ ...c });
    },
  };
  ch.subscribe(subs);
  return { seen, off: () => ch.unsubscribe(subs) };
}

const get = (h: (r: Request) => Promise<Response>, path: string, init?: RequestInit) =>
  h(new Request(`http://x${path}`, init));

describe('hostile review 151: GET /api/health (docs/operations.md "GET /api/health")', () => {
  it('is answered before the rate limiter (operations.md:287): probes pass while clients get 429', async () => {
    const { radar } = await radarOver();
    const limiter = createMemoryRateLimiter({ limit: 1, windowMs: 60_000 });
    const h = createFetchHandler(radar, { rateLimit: { limiter } });
    expect((await get(h, '/api/talent/pulse')).status).toBe(200);
    expect((await get(h, '/api/talent/pulse')).status).toBe(429);
    for (let i = 0; i < 3; i++) {
      const res = await get(h, '/api/health');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    expect(h.stats().codes).toEqual({ TALENT_RATE_LIMITED: 1 });
    expect(h.stats().statuses).toEqual({ '200': 4, '429': 1 });
  });

  it('a closed radar is 503 RADAR_CLOSED with the report (status down) in error.details (operations.md:289, :294)', async () => {
    const { radar } = await radarOver();
    await radar.refresh(new Date(NOW));
    const h = createFetchHandler(radar);
    await radar.close();
    const res = await get(h, '/api/health');
    const body = (await res.json()) as { ok: boolean; error: { code: string; details: { status: string } } };
    expect(res.status).toBe(503);
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('RADAR_CLOSED');
    expect(body.error.details.status).toBe('down');
    expect(h.stats().codes).toEqual({ RADAR_CLOSED: 1 });
  });

  it('reporters that hang, throw, or answer no valid state are down; reasons one line, masked (operations.md:290, :303)', async () => {
    const { radar } = await radarOver();
    await radar.refresh(new Date(NOW));
    const h = createFetchHandler(radar, {
      health: {
        timeoutMs: 50,
        caches: [
          { name: 'hangs', health: () => new Promise(() => undefined) },
          {
            name: 'throws',
            health: () => {
              throw new Error('boom at 10.0.0.7:6379');
            },
          },
          { name: 'nostate', health: () => ({ name: 'nostate', state: 'maybe' }) as never },
          {
            name: 'leaky',
            health: () => ({
              name: 'leaky',
              state: 'degraded',
              reason: 'connect ECONNREFUSED 10.0.0.7:6379 via redis://user:pw@cache.internal:6379\n    at stack',
            }),
          },
        ],
      },
    });
    const t0 = performance.now();
    const res = await get(h, '/api/health');
    expect(performance.now() - t0).toBeLessThan(1_500);
    const body = (await res.json()) as {
      data: { status: string; caches: { name: string; state: string; reason?: string }[] };
    };
    expect(res.status).toBe(200);
    expect(body.data.status).toBe('degraded');
    const by = Object.fromEntries(body.data.caches.map((c) => [c.name, c]));
    expect(by.memory).toEqual({ name: 'memory', state: 'ok' });
    expect(by.hangs).toEqual({ name: 'hangs', state: 'down', reason: 'no answer within 50 ms' });
    expect(by.throws?.state).toBe('down');
    expect(by.throws?.reason).not.toContain('10.0.0.7');
    expect(by.nostate).toEqual({ name: 'nostate', state: 'down', reason: 'no state' });
    expect(by.leaky?.state).toBe('degraded');
    expect(by.leaky?.reason).not.toMatch(/\n|10\.0\.0\.7|pw@|cache\.internal|at stack/);
  });

  it('FAULT: operations.md:303 lists a Redis tier given as health.caches by a name; the code lists it as "unnamed" (src/api/health.ts:171-173: the tier has no `name` and its health() answers none)', async () => {
    const redis = await testRedis();
    const prefix = testPrefix('hr151');
    const tier = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix: prefix });
    try {
      const { radar } = await radarOver((s) => s, { cache: { store: tier } });
      await until(() => radar.stats().cache.store?.state === 'ok', 5_000, 'the tier connected');
      const h = createFetchHandler(radar, { health: { caches: [tier] } });
      const body = (await (await get(h, '/api/health')).json()) as {
        data: { caches: { name: string; state: string }[] };
      };
      expect(body.data.caches.map((c) => c.state)).toEqual(['ok', 'ok']);
      // An operator alerting on "the shared tier degraded" must find it by a name, not 'unnamed'.
      expect(body.data.caches[1]?.name).toBe('redis');
    } finally {
      await tier.close();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    }
  });
});

describe('hostile review 151: handler.stats() and the scene-radar:http channel (operations.md:149-214)', () => {
  it('counts preflights and health checks; a 405 on a known path carries its route; methods outside the nine are _OTHER', async () => {
    const { radar } = await radarOver();
    const t = httpTrace();
    try {
      const h = createFetchHandler(radar, { cors: { origin: ['http://a.example'] } });
      await get(h, '/api/health');
      const pre = await get(h, '/api/scenes', {
        method: 'OPTIONS',
        headers: { origin: 'http://a.example', 'access-control-request-method': 'GET' },
      });
      expect(pre.status).toBe(204);
      expect((await get(h, '/api/health', { method: 'POST' })).status).toBe(405);
      expect((await get(h, '/api/scenes/some-scene', { method: 'DELETE' })).status).toBe(405);
      expect((await get(h, '/api/scenes/some-scene', { method: 'FOO' })).status).toBe(405);
      expect((await get(h, '/nowhere/x')).status).toBe(404);
      const s = h.stats();
      expect(s.requests).toBe(6);
      expect(s.statuses).toEqual({ '200': 1, '204': 1, '404': 1, '405': 3 });
      expect(s.codes).toEqual({ METHOD_NOT_ALLOWED: 3, ROUTE_NOT_FOUND: 1 });
      expect(s.latency.count).toBe(6);
      expect(t.seen.map((c) => [c.method, c.route, c.status, c.code])).toEqual([
        ['GET', '/api/health', 200, undefined],
        ['OPTIONS', '/api/scenes', 204, undefined],
        ['POST', '/api/health', 405, 'METHOD_NOT_ALLOWED'],
        ['DELETE', '/api/scenes/:slug', 405, 'METHOD_NOT_ALLOWED'],
        ['_OTHER', '/api/scenes/:slug', 405, 'METHOD_NOT_ALLOWED'],
        ['GET', 'unmatched', 404, 'ROUTE_NOT_FOUND'],
      ]);
      for (const c of t.seen) expect(c.durationMs).toEqual(expect.any(Number));
    } finally {
      t.off();
    }
  });
});

describe('hostile review 151: radar.stats(), channels, progress and logs (operations.md, observability.md)', () => {
  it('scene-radar:cache counts equal the namespaces counters; refresh keys, progress phases and log records as documented', async () => {
    const ops: { namespace: string; op: string }[] = [];
    const cacheCh = diagnostics.channel(CHANNEL_NAMES.cache);
    const onCache = (m: unknown) => ops.push(m as { namespace: string; op: string });
    cacheCh.subscribe(onCache);
    const progress: { task: string; phase: string; done: number; total: number }[] = [];
    const records: { level: string; msg: string }[] = [];
    const bindings: unknown[] = [];
    const mk = (level: string) => (_obj: Record<string, unknown>, msg: string) => records.push({ level, msg });
    const logger = {
      info: mk('info'),
      warn: mk('warn'),
      error: mk('error'),
      child(b: Record<string, unknown>) {
        bindings.push(b);
        return this;
      },
    };
    try {
      const { radar } = await radarOver((s) => s, {
        logger,
        onProgress: (p: { task: string; phase: string; done: number; total: number }) => progress.push(p),
      });
      expect(radar.stats().cache.hitRate).toBeNull();
      expect(radar.stats().refresh).toEqual({});
      await radar.refresh(new Date(NOW));
      const h = createFetchHandler(radar, { allowSkipCache: true });
      const urls = ['/api/talent/pulse', '/api/talent/pulse?skipCache=true', '/api/talent/top?category=breakout'];
      await Promise.all([...urls, ...urls].map((u) => get(h, u)));
      await Promise.all(urls.map((u) => get(h, u)));
      // An engine's own refresh: its steps are counted, the engine is not (observability.md:30-34).
      await radar.talent.refresh(new Date(NOW));
      const st = radar.stats();
      expect(Object.keys(st.cache.namespaces).sort()).toEqual(['scenes', 'scenes-as-of', 'scenes-replays', 'talent']);
      for (const [name, s] of Object.entries(st.cache.namespaces)) {
        const n = (op: string) => ops.filter((m) => m.namespace === name && m.op === op).length;
        expect({
          hit: n('hit'),
          miss: n('miss'),
          stale: n('stale'),
          fallback: n('fallback'),
          evict: n('evict'),
        }).toEqual({
          hit: s.hits,
          miss: s.misses,
          stale: s.stale,
          fallback: s.fallbacks,
          evict: s.evictions ?? 0,
        });
        expect(n('error')).toBe(s.errors);
      }
      expect(st.cache.namespaces.talent!.bypassed).toBeGreaterThan(0);
      expect(st.refresh.radar?.count).toBe(1);
      expect(st.refresh.talent?.count).toBe(1);
      expect(st.refresh['talent.write']?.count).toBe(2);
      expect(st.refresh['scenes.memberships']?.count).toBe(1);
      expect([...new Set(progress.map((p) => `${p.task}:${p.phase}`))]).toEqual(
        [
          'scenes.memberships',
          'scenes.relationships',
          'scenes.trends',
          'scenes.commit',
          'talent.universe',
          'talent.features',
          'talent.peers',
          'talent.scoring',
          'talent.heats',
          'talent.write',
        ].map((p) => `refresh:${p}`),
      );
      // Per phase of each run: the first at done 0, done never down, the last at done === total.
      const runs: { done: number; total: number }[][] = [];
      const open = new Map<string, { done: number; total: number }[]>();
      for (const p of progress) {
        // A phase's first message (done 0) starts its run; the second talent refresh starts new ones.
        let list = open.get(p.phase);
        if (list === undefined || p.done === 0) {
          list = [];
          open.set(p.phase, list);
          runs.push(list);
        }
        list.push(p);
      }
      expect(runs.length).toBe(16);
      for (const list of runs) {
        expect(list[0]!.done).toBe(0);
        expect(list.at(-1)!.done).toBe(list.at(-1)!.total);
        for (let i = 1; i < list.length; i++) expect(list[i]!.done).toBeGreaterThanOrEqual(list[i - 1]!.done);
      }
      expect(bindings).toEqual([{ component: 'scene-radar' }]);
      expect(records.map((r) => `${r.level} ${r.msg}`)).toEqual([
        'info refresh started',
        'info Scenes Engine refresh finished',
        'info Talent Radar refresh finished',
        'info refresh finished',
        'info Talent Radar refresh finished',
      ]);
    } finally {
      cacheCh.unsubscribe(onCache);
    }
  });

  it('latency buckets: bounds inclusive, one count per bound and one above 60 s (operations.md:132-136)', () => {
    expect(LATENCY_BOUNDS_MS).toEqual([1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000]);
    const h = new Histogram();
    for (const ms of [0, 1, 1.0001, 5, 60_000, 60_000.5, Number.NaN, -3]) h.record(ms);
    const s = h.snapshot();
    expect(s.counts).toHaveLength(15);
    expect(s.counts[0]).toBe(4); // 0, 1, NaN and -3 (both counted as 0)
    expect(s.counts[1]).toBe(2); // 1.0001 and 5
    expect(s.counts[13]).toBe(1); // 60,000
    expect(s.counts[14]).toBe(1); // above 60 s
    expect(s.count).toBe(8);
    expect(s.maxMs).toBe(60_000.5);
  });
});

describe('hostile review 151: the Scenes Engine scoped gateway (integration-boundaries.md:147-154)', () => {
  it('forwards MIG, CMG and Fusion; answers the rest absent; has() false; closing the view leaves the gateway open', async () => {
    const world = createDemoWorld({ artists: 20, end: END });
    const gateway = createSourceGateway({ sources: world.sources });
    const view = scopedGateway(gateway, ['mig', 'cmg', 'fusion']);
    try {
      expect(['mig', 'cmg', 'fusion'].map((s) => view.has(s as never))).toEqual([true, true, true]);
      expect(['coverage', 'rcf', 'identityKernel'].map((s) => view.has(s as never))).toEqual([false, false, false]);
      expect(['coverage', 'rcf'].map((s) => gateway.has(s as never))).toEqual([true, true]);
      const asOf = new Date(NOW);
      const absent = await view.one('rcf', 'getEvents', 'artist-x', { asOf } as never);
      expect((absent as { status: string }).status).toBe('absent');
      view.close();
      // The shared gateway still reads after the view is closed.
      const again = await gateway.one('rcf', 'getEvents', 'artist-x', { asOf } as never);
      expect(['ok', 'missing']).toContain((again as { status: string }).status);
    } finally {
      gateway.close();
    }
  });
});

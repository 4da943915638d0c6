/**
 * `GET /api/health`: 200 while the radar can serve (`ok`, or `degraded` naming what is not ok),
 * 503 only when it cannot answer at all; sources, stores and cache tiers as `{ name, state,
 * reason? }`; host reporters (a Redis tier's `health()`) asked under a deadline; no internals in
 * any reason; answered before the rate limiter; in the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, SceneRadarError, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import {
  checkHealth,
  createFetchHandler,
  createMemoryRateLimiter,
  safeReason,
  type ApiBackend,
  type HealthReport,
  type HealthReporter,
} from 'scene-radar/api';

const END = '2026-11-24';
const world = createDemoWorld({ artists: 40, end: END });
const NOW = new Date(`${END}T00:00:00.000Z`);

interface Body {
  ok: boolean;
  data?: HealthReport;
  error?: { code: string; message: string; details?: HealthReport };
}

async function get(handler: (r: Request) => Promise<Response>, path = '/api/health', method = 'GET') {
  const res = await handler(new Request(`http://x${path}`, { method }));
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Body };
}

let radar: SceneRadar;
beforeAll(async () => {
  radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh();
});
afterAll(() => radar.close());

describe('GET /api/health', () => {
  it('answers 200 ok with every source, store and cache tier of a refreshed radar', async () => {
    const h = createFetchHandler(radar, { health: { sources: ['mig', 'rcf', 'fusion'] } });
    const { status, headers, body } = await get(h);
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('x-request-id')).toBeTruthy();
    expect(body.ok).toBe(true);
    expect(body.data).toMatchObject({
      status: 'ok',
      refreshedAsOf: NOW.toISOString(),
      sources: [
        { name: 'mig', state: 'ok' },
        { name: 'rcf', state: 'ok' },
        { name: 'fusion', state: 'ok' },
      ],
      stores: [
        { name: 'scenes-tables', state: 'ok' },
        { name: 'talent-tables', state: 'ok' },
      ],
      caches: [{ name: 'memory', state: 'ok' }],
    });
    expect(Number.isFinite(Date.parse(body.data!.checkedAt))).toBe(true);
    // HEAD for monitors; other methods are refused with Allow.
    const head = await h(new Request('http://x/api/health', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await get(h, '/api/health', 'POST');
    expect(post.status).toBe(405);
    expect(post.body.error!.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('is degraded, still 200, before the first refresh and when a source failed in the last one', async () => {
    const fresh = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    try {
      const before = await checkHealth(fresh, { sources: ['mig'] });
      expect(before.status).toBe(200);
      expect((before.body as { data: HealthReport }).data.sources).toEqual([
        { name: 'mig', state: 'degraded', reason: 'no refresh has run yet' },
      ]);
      expect((before.body as { data: HealthReport }).data.status).toBe('degraded');
    } finally {
      await fresh.close();
    }
    const broken = createSceneRadar({
      sources: {
        ...world.sources,
        rcf: {
          getEvents: async () => {
            throw new Error('connect ECONNREFUSED 10.0.0.7:5432');
          },
        },
      },
      clock: fixedClock(NOW),
    });
    try {
      await broken.refresh();
      const { status, body } = await get(createFetchHandler(broken));
      expect(status).toBe(200);
      expect(body.data!.status).toBe('degraded');
      const rcf = body.data!.sources.find((s) => s.name === 'rcf');
      expect(rcf).toEqual({
        name: 'rcf',
        state: 'degraded',
        reason: expect.stringMatching(/^reads failed for \d+ artists in the last refresh$/),
      });
      expect(JSON.stringify(body)).not.toContain('10.0.0.7');
    } finally {
      await broken.close();
    }
  });

  it('asks host reporters under a deadline and never shows their internals', async () => {
    const redis: HealthReporter = {
      name: 'redis',
      health: () => ({
        name: 'redis',
        state: 'down',
        reason:
          'connect ECONNREFUSED redis://user:secret@cache.internal:6379/0 at 10.1.2.3:6379\n    at Socket.connect (node:net:1)',
      }),
    };
    const throwing: HealthReporter = {
      name: 'l2',
      health: () => {
        throw new Error('password authentication failed for user "radar" at db.internal:5432');
      },
    };
    const hanging: HealthReporter = { name: 'slow', health: () => new Promise(() => {}) };
    const weird = { name: 'weird', health: () => ({ name: '', state: 'sideways' }) } as unknown as HealthReporter;
    const h = createFetchHandler(radar, { health: { caches: [redis, throwing, hanging, weird], timeoutMs: 50 } });
    const { status, body } = await get(h);
    expect(status).toBe(200);
    expect(body.data!.status).toBe('degraded');
    expect(body.data!.caches).toEqual([
      { name: 'memory', state: 'ok' },
      { name: 'redis', state: 'down', reason: 'connect ECONNREFUSED <url> at <address>' },
      { name: 'l2', state: 'down', reason: 'the check failed' },
      { name: 'slow', state: 'down', reason: 'no answer within 50 ms' },
      { name: 'weird', state: 'down', reason: 'no state' },
    ]);
    const text = JSON.stringify(body);
    for (const secret of ['secret', 'cache.internal', '10.1.2.3', 'db.internal', 'Socket.connect', 'password'])
      expect(text).not.toContain(secret);
    expect(safeReason('timeout after 2000 ms talking to pg.example.com:5432 (localhost:6379)')).toBe(
      'timeout after 2000 ms talking to <address> (<address>)',
    );
  });

  it("lists a cache tier's own states: connecting and degraded as degraded (the radar serves from memory), closed as down", async () => {
    const tier = (state: string, reason?: string): HealthReporter =>
      ({ health: () => ({ state, ...(reason ? { reason } : {}), counters: {} }) }) as unknown as HealthReporter;
    const { status, body } = await get(
      createFetchHandler(radar, {
        health: {
          caches: [tier('connecting'), tier('degraded', 'ECONNREFUSED'), tier('closed'), tier('ok')],
        },
      }),
    );
    expect(status).toBe(200);
    expect(body.data!.status).toBe('degraded');
    expect(body.data!.caches).toEqual([
      { name: 'memory', state: 'ok' },
      { name: 'unnamed', state: 'degraded', reason: 'connecting' },
      { name: 'unnamed', state: 'degraded', reason: 'ECONNREFUSED' },
      { name: 'unnamed', state: 'down', reason: 'closed' },
      { name: 'unnamed', state: 'ok' },
    ]);
  });

  it('answers 503 only when the radar cannot answer at all: closed, or stores down with nothing refreshed', async () => {
    const closing = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    const h = createFetchHandler(closing);
    await closing.close();
    const closed = await get(h);
    expect(closed.status).toBe(503);
    expect(closed.body.ok).toBe(false);
    expect(closed.body.error!.code).toBe('RADAR_CLOSED');
    expect(closed.body.error!.details!.status).toBe('down');

    const unreachable = async (): Promise<never> => {
      throw new SceneRadarError('STORE_UNAVAILABLE', 'connect ECONNREFUSED 10.9.9.9:5432 (postgres://radar:pw@db/x)');
    };
    const backend = { scenes: { listScenes: unreachable } } as unknown as ApiBackend;
    const down = await checkHealth(backend);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      ok: false,
      error: {
        code: 'STORE_UNAVAILABLE',
        details: {
          status: 'down',
          stores: [
            { name: 'scenes-tables', state: 'down', reason: 'STORE_UNAVAILABLE: the database cannot be reached' },
          ],
        },
      },
    });
    expect(JSON.stringify(down.body)).not.toMatch(/10\.9\.9\.9|pw@|postgres:/);

    // A schema of another version: the database was reached, so the reason says what is wrong.
    const behind = async (): Promise<never> => {
      throw new SceneRadarError('STORE_SCHEMA_MISMATCH', 'schema "radar_x" is at version 0');
    };
    const mismatched = await checkHealth({ scenes: { listScenes: behind } } as unknown as ApiBackend);
    expect(mismatched.status).toBe(503);
    expect((mismatched.body.error!.details as { stores?: unknown }).stores).toEqual([
      {
        name: 'scenes-tables',
        state: 'down',
        reason: "STORE_SCHEMA_MISMATCH: the database's schema is not this version's (migrate it)",
      },
    ]);
    expect(JSON.stringify(mismatched.body)).not.toContain('radar_x');
  });

  it('is answered before the rate limiter, can be turned off, and is in the OpenAPI document', async () => {
    const h = createFetchHandler(radar, {
      rateLimit: { limiter: createMemoryRateLimiter({ limit: 1, windowMs: 60_000 }) },
    });
    for (let i = 0; i < 3; i++) expect((await get(h)).status).toBe(200);
    expect((await get(h, '/api/talent/pulse?limit=1')).status).toBe(200);
    expect((await get(h, '/api/talent/pulse?limit=1')).status).toBe(429);

    const off = createFetchHandler(radar, { health: false });
    expect((await get(off)).body.error!.code).toBe('ROUTE_NOT_FOUND');
    const doc = (await get(off, '/api/openapi.json')).body as unknown as { paths: Record<string, unknown> };
    expect(doc.paths['/api/health']).toBeUndefined();

    const documented = (await get(createFetchHandler(radar), '/api/openapi.json')).body as unknown as {
      paths: Record<string, { get: { operationId: string; responses: Record<string, unknown> } }>;
      components: { schemas: Record<string, unknown> };
    };
    expect(documented.paths['/api/health']!.get.operationId).toBe('getHealth');
    expect(Object.keys(documented.paths['/api/health']!.get.responses)).toEqual(['200', '405', '500', '503']);
    expect(documented.components.schemas.HealthReport).toBeDefined();
    expect(documented.components.schemas.ComponentHealth).toBeDefined();
  });
});

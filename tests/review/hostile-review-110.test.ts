/**
 * Hostile review 110: the same radar over different storage and cache tiers must answer the same.
 * One small demo world (fixedClock) is refreshed over the in-memory stores and over PostgreSQL
 * stores (adapters/postgres), read by a restarted process over the same schema, by a second
 * instance that did not run the latest refresh, and by two instances sharing one Redis cache tier
 * (adapters/redis): every owned table and every HTTP answer is compared byte for byte.
 *
 * Tests named "FAULT:" failed on the code as reviewed (all three fixed in the same commit), for the reason their name states; the others
 * pin behaviour found correct. PostgreSQL tests work in schemas of their own
 * (`review110_<random>_<n>`) and Redis tests under a key prefix of their own, all dropped after the
 * file; a server that cannot be reached fails the tests (nothing skips).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createPostgresStores, type PostgresStores } from '../../adapters/postgres/index.js';
import { createRedisCacheTier } from '../../adapters/redis/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import type { CacheEntry } from '../../src/core/cache/cache-store.js';
import { createSceneRadar, fixedClock, type SceneRadar } from '../../src/index.js';
import { createMemoryStores, type SceneRadarStores } from '../../src/stores.js';
import type { SceneTrendRow } from '../../src/stores/tables.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { TEST_DATABASE_URL } from '../helpers/postgres.js';
import { dropPrefix, TEST_REDIS_URL, testPrefix, testRedis } from '../helpers/redis-test.js';

const PREFIX = `review110_${randomBytes(4).toString('hex')}`;
const schemas: string[] = [];
let pool: pg.Pool | undefined;
/** The test database's pool; rejects (failing the test) when the server cannot be reached. */
async function poolOf(): Promise<pg.Pool> {
  if (!pool) {
    pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000, max: 4 });
    pool.on('error', () => undefined);
  }
  await pool.query('SELECT 1');
  return pool;
}
afterAll(async () => {
  if (!pool) return;
  try {
    for (const name of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  } finally {
    await pool.end();
  }
});

/** Fresh migrated PostgreSQL stores over the file's pool, in a schema of their own. */
async function freshPostgres(): Promise<{ stores: PostgresStores; schema: string }> {
  const schema = `${PREFIX}_${schemas.length}`;
  schemas.push(schema);
  const stores = createPostgresStores({ pool: await poolOf() }, { schema, migrate: true });
  await stores.ready();
  return { stores, schema };
}
/** More stores over an existing schema (another process would open them). */
async function reopened(schema: string): Promise<PostgresStores> {
  const stores = createPostgresStores({ pool: await poolOf() }, { schema });
  await stores.ready();
  return stores;
}

const T1 = new Date('2026-10-01T00:00:00.000Z');
const T2 = new Date('2026-11-25T00:00:00.000Z');
const DAY = 86_400_000;
const world = createDemoWorld({ seed: 7, artists: 60, scenes: 4, end: '2026-11-24' });
const SCENE = world.catalog.scenes[0]!.slug;
const ARTISTS = world.dataset.artistSlugs().slice(0, 3);
const WORKSPACE = world.workspaces[0]!.id;

/** Every route of the API kit a user reads, over this world. */
const ROUTES = [
  '/api/scenes?limit=2',
  '/api/scenes?limit=2&offset=2',
  `/api/scenes/${SCENE}`,
  `/api/scenes/${SCENE}/pulse`,
  `/api/scenes/${SCENE}/trends?days=365`,
  `/api/scenes/${SCENE}/related`,
  `/api/scenes/${SCENE}/memberships?limit=5`,
  `/api/scenes/${SCENE}/memberships?limit=5&offset=5`,
  '/api/scene-pulse?limit=5',
  '/api/scene-pulse/uk',
  '/api/scene-recommendations',
  `/api/scene-recommendations?artistSlug=${ARTISTS[0]}`,
  '/api/microgenres?limit=10',
  '/api/microgenres?limit=10&offset=10',
  '/api/talent/pulse?limit=10',
  '/api/talent/top?category=rising',
  '/api/talent/top?category=risk',
  '/api/talent/top?category=breakout',
  `/api/talent/recommendations?workspaceId=${WORKSPACE}`,
  ...ARTISTS.map((a) => `/api/talent/artists/${a}`),
];

/** Status and body of each route, in order; the health report's `checkedAt` (wall time) left out. */
async function answers(radar: SceneRadar, routes: readonly string[] = ROUTES): Promise<Record<string, string>> {
  const handler = createFetchHandler(radar);
  const out: Record<string, string> = {};
  for (const route of routes) {
    const response = await handler(new Request(`http://radar.test${route}`));
    out[route] = `${response.status} ${(await response.text()).replace(/"checkedAt":"[^"]*",?/, '')}`;
  }
  return out;
}

/**
 * Every owned table scanned whole (key order). A `talent_radar_state` value with its keys sorted
 * (jsonb's key order is known, reviews 8 and 76) and its refresh id (a random UUID) left out.
 */
async function tablesOf(stores: SceneRadarStores): Promise<Record<string, string>> {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .filter((k) => k !== 'id')
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  const out: Record<string, string> = {};
  for (const group of [stores.scenes, stores.talent] as const)
    for (const [name, table] of Object.entries(group ?? {})) {
      if (typeof (table as { scan?: unknown }).scan !== 'function') continue;
      const rows = await (table as { scan(): Promise<unknown[]> }).scan();
      out[name] = JSON.stringify(name === 'talent_radar_state' ? sorted(rows) : rows);
    }
  return out;
}

async function importAndRefresh(radar: SceneRadar): Promise<void> {
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh();
}

describe('hostile review 110: memory and PostgreSQL stores, a restart, a second refresh', () => {
  it('the same world refreshed over memory and over PostgreSQL: every table and every answer byte for byte; a restart, the same refresh again and a later one too', async () => {
    const memory = createMemoryStores();
    const { stores: postgres, schema } = await freshPostgres();
    const run = async (stores: SceneRadarStores) => {
      const clock = fixedClock(T1);
      const radar = createSceneRadar({ sources: world.sources, stores, clock });
      try {
        await importAndRefresh(radar);
        const t1 = await tablesOf(stores);
        const a1 = await answers(radar);
        // The refresh once more for the same instant: the tables do not change.
        const before = await tablesOf(stores);
        await radar.refresh();
        const again = await tablesOf(stores);
        clock.set(T2);
        await radar.refresh();
        const t2 = await tablesOf(stores);
        const a2 = await answers(radar);
        return { t1, a1, before, again, t2, a2, clock };
      } finally {
        await radar.close();
      }
    };
    const m = await run(memory);
    const p = await run(postgres);
    expect(p.t1).toEqual(m.t1);
    expect(p.a1).toEqual(m.a1);
    expect(p.t2).toEqual(m.t2);
    expect(p.a2).toEqual(m.a2);
    // Idempotent: one trend row per scene and day, one membership per pair, nothing duplicated.
    for (const r of [m, p]) {
      // (A refresh drops the stored scene recommendations by design: the reads above stored some.)
      const { talent_radar_state: _s, scene_recommendations_cache: _r, ...rest } = r.again;
      const { talent_radar_state: _b, scene_recommendations_cache: _q, ...restBefore } = r.before;
      expect(r.again.scene_recommendations_cache).toBe('[]');
      expect(rest).toEqual(restBefore);
      const trends = JSON.parse(r.t2.scene_trends!) as SceneTrendRow[];
      expect(new Set(trends.map((t) => `${t.scene_slug}/${t.day}`)).size).toBe(trends.length);
      expect(trends.length).toBe(world.catalog.scenes.length * 2);
    }
    // A restarted process over the same PostgreSQL schema, no refresh of its own: the same answers
    // (the scene recommendations now come from their table, `stored: true`, as on memory).
    const restarted = await reopened(schema);
    const again = createSceneRadar({ sources: world.sources, stores: restarted, clock: p.clock });
    try {
      const read = await answers(again);
      const unstored = (s: string) => s.replace('"stored":true', '"stored":false');
      for (const route of ROUTES) expect(unstored(read[route]!), route).toBe(p.a2[route]);
    } finally {
      await again.close();
    }
  }, 60_000);

  it('numbers at the edges of float8 (17 significant digits, 1e-7, the smallest and largest doubles) read back from PostgreSQL as memory holds them', async () => {
    const { stores } = await freshPostgres();
    const memory = createMemoryStores();
    const growths = [
      0.1 + 0.2,
      1e-7,
      -1e-7,
      5e-324,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      123456789.12345679,
      2 ** -1074 * 3,
    ];
    const rows: SceneTrendRow[] = growths.map((growth, i) => ({
      scene_slug: SCENE,
      day: `2026-01-${String(i + 10)}`,
      heat: i === 0 ? 99.99999999999999 : 1e-7,
      growth,
      stage: 'growing',
      active_members: 1,
      new_members: 0,
      rising_members: 0,
      as_of: T1.toISOString(),
    }));
    await memory.scenes.scene_trends.upsert(rows);
    await stores.scenes.scene_trends.upsert(rows);
    const fromMemory = await memory.scenes.scene_trends.scan({ orderBy: { column: 'growth', direction: 'desc' } });
    const fromPostgres = await stores.scenes.scene_trends.scan({ orderBy: { column: 'growth', direction: 'desc' } });
    expect(fromPostgres).toEqual(fromMemory);
    expect(fromPostgres.map((r) => r.growth)).toEqual([...growths].sort((a, b) => b - a));
    expect(JSON.stringify(fromPostgres)).toBe(JSON.stringify(fromMemory));
  });

  // Fault: ScenesEngine#refreshedAsOfMs (src/scenes/engine.ts:952-957) reads the memberships' latest
  // as_of once and keeps it until this engine's own next refresh; the ScenePulse stamps every pulse
  // with it (membershipsAsOf: engine.ts:256; memberships_as_of: src/scenes/pulse-math.ts:705). An
  // instance that read before another instance's refresh computes its pulses over the new
  // memberships but labels them with the previous refresh's instant.
  it('FAULT: a scene pulse computed by an instance that did not run the latest refresh says the memberships_as_of of the refresh before', async () => {
    const { stores: storesA, schema } = await freshPostgres();
    const clock = fixedClock(T1);
    const a = createSceneRadar({ sources: world.sources, stores: storesA, clock });
    const b = createSceneRadar({ sources: world.sources, stores: await reopened(schema), clock });
    try {
      await importAndRefresh(a);
      const route = `/api/scenes/${SCENE}/pulse`;
      expect((await answers(b, [route]))[route]).toBe((await answers(a, [route]))[route]);
      clock.set(T2);
      await a.refresh();
      const fromA = (await answers(a, [route]))[route]!;
      const fromB = (await answers(b, [route]))[route]!;
      expect(fromA).toContain(`"memberships_as_of":"${T2.toISOString()}"`);
      // B: the same heat and members (the T2 memberships), labelled "memberships_as_of":"2026-10-01T00:00:00.000Z".
      expect(fromB).toBe(fromA);
    } finally {
      await a.close();
      await b.close();
    }
  });

  // Fault: checkHealth (src/api/health.ts:276) reports `radar.talent.refreshedAsOf`, the state this
  // instance loaded (src/talent/talent-radar.ts:345), and nothing on the health route reads the
  // stored last-refresh state again (its table check asks for a missing artist, so #catchUp never
  // sees a newer row). An API instance that never refreshes reports the refresh before.
  it('FAULT: /api/health on an instance that did not run the latest refresh reports the refresh before as refreshedAsOf', async () => {
    const { stores: storesA, schema } = await freshPostgres();
    const clock = fixedClock(T1);
    const a = createSceneRadar({ sources: world.sources, stores: storesA, clock });
    const b = createSceneRadar({ sources: world.sources, stores: await reopened(schema), clock });
    try {
      await importAndRefresh(a);
      expect((await answers(b, ['/api/health']))['/api/health']).toContain(`"refreshedAsOf":"${T1.toISOString()}"`);
      clock.set(T2);
      await a.refresh();
      const fromA = (await answers(a, ['/api/health']))['/api/health']!;
      const restarted = createSceneRadar({ sources: world.sources, stores: await reopened(schema), clock });
      const fromRestart = (await answers(restarted, ['/api/health']))['/api/health']!;
      await restarted.close();
      expect(fromA).toContain(`"refreshedAsOf":"${T2.toISOString()}"`);
      expect(fromRestart).toBe(fromA);
      // B: "refreshedAsOf":"2026-10-01T00:00:00.000Z", 55 days behind the tables it serves.
      expect((await answers(b, ['/api/health']))['/api/health']).toBe(fromA);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('hostile review 110: two instances sharing one Redis cache tier', () => {
  it('answers with the tier are those without it, on the instance that computed them and on the one that read them', async () => {
    const redis = await testRedis();
    const keyPrefix = testPrefix('review110');
    const { stores, schema } = await freshPostgres();
    const clock = fixedClock(T2);
    const plain = createSceneRadar({ sources: world.sources, stores, clock });
    const tierA = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix, clock });
    const tierB = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix, clock });
    const a = createSceneRadar({
      sources: world.sources,
      stores: await reopened(schema),
      clock,
      cache: { store: tierA },
    });
    const b = createSceneRadar({
      sources: world.sources,
      stores: await reopened(schema),
      clock,
      cache: { store: tierB },
    });
    try {
      await tierA.ready();
      await tierB.ready();
      await importAndRefresh(plain);
      const without = await answers(plain);
      const fromA = await answers(a);
      const fromB = await answers(b);
      const unstored = (r: Record<string, string>) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.replace('"stored":true', '"stored":false')]));
      expect(unstored(fromA)).toEqual(unstored(without));
      expect(fromB).toEqual(fromA);
      // B read what A computed from Redis, not from its sources.
      expect(tierB.health?.().counters.l2Hits).toBeGreaterThan(0);
    } finally {
      await plain.close();
      await a.close();
      await b.close();
      await tierA.close();
      await tierB.close();
      await dropPrefix(redis, keyPrefix);
      redis.disconnect();
    }
  }, 60_000);

  it('an entry written by one tier reads back on the other exactly (17 digits, 1e-7, tiny and huge numbers, Unicode, absent fields); Date, Map, -0 and NaN are not shared', async () => {
    const redis = await testRedis();
    const keyPrefix = testPrefix('review110');
    const clock = fixedClock(T2);
    const tierA = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix, clock });
    const tierB = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix, clock });
    const entry = (value: unknown): CacheEntry<unknown> => ({
      value,
      createdAt: T2.getTime(),
      expiresAt: T2.getTime() + DAY,
      staleUntil: T2.getTime() + 2 * DAY,
    });
    try {
      await tierA.ready();
      await tierB.ready();
      const value = {
        n: [0.1 + 0.2, 1e-7, 5e-324, Number.MAX_VALUE, -1.2345678901234568e-300, 2 ** 53 - 1, null],
        name: 'Zoë Ørsted 🎸 \u{1F1EC}\u{1F1E7}',
        absent: undefined,
        nested: { z: 1, a: 2, '10': 3 },
      };
      await tierA.set('talent:probe', entry(value));
      const read = await tierB.get('talent:probe');
      expect(JSON.stringify(read?.value)).toBe(JSON.stringify(value));
      expect(read?.value).toEqual(JSON.parse(JSON.stringify(value)));
      for (const [i, odd] of [new Date(T2), new Map([['a', 1]]), { x: -0 }, { x: Number.NaN }, [undefined]].entries()) {
        await tierA.set(`talent:odd:${i}`, entry(odd));
        expect(await tierB.get(`talent:odd:${i}`), String(i)).toBeUndefined();
      }
      expect(tierA.health?.().counters.notShared).toBe(5);
    } finally {
      await tierA.close();
      await tierB.close();
      await dropPrefix(redis, keyPrefix);
      redis.disconnect();
    }
  });

  // Fault: Cache#serve (src/core/cache/cache.ts:496-501) hands out a fresh entry the store returns
  // (another instance's, from Redis) without keeping it as last good; only a computation (cache.ts:
  // 588-591) does. Past its TTL with PostgreSQL down, that instance has no last good value to serve
  // stale and answers 503, where the instance that computed it, and the same instance without the
  // tier, answer 200 marked stale (docs/scale-out.md, When something fails: "what the radar does on
  // one instance").
  it("FAULT: an instance that served a pulse from another instance's Redis entry keeps it as last good: with PostgreSQL down past the TTL it answers 200 stale, as without the tier, not 503", async () => {
    const redis = await testRedis();
    const keyPrefix = testPrefix('review110');
    const { stores, schema } = await freshPostgres();
    const clock = fixedClock(T2);
    const writer = createSceneRadar({ sources: world.sources, stores, clock });
    await importAndRefresh(writer);
    await writer.close();
    const proxy = await startFaultProxy({ port: Number(new URL(TEST_DATABASE_URL).port || 5432) });
    const tierA = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix, clock });
    const tierB = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix, clock });
    const opened: { radar: SceneRadar; stores: PostgresStores }[] = [];
    const instance = (tier?: typeof tierA): SceneRadar => {
      const s = createPostgresStores(
        { connectionString: proxy.url(TEST_DATABASE_URL), max: 2, connectionTimeoutMillis: 1000 },
        { schema },
      );
      const radar = createSceneRadar({
        sources: world.sources,
        stores: s,
        clock,
        ...(tier ? { cache: { store: tier } } : {}),
      });
      opened.push({ radar, stores: s });
      return radar;
    };
    try {
      await tierA.ready();
      await tierB.ready();
      const a = instance(tierA);
      const b = instance(tierB);
      const alone = instance();
      const routes = [
        '/api/talent/pulse?limit=5',
        '/api/talent/top?category=rising',
        '/api/scene-pulse?limit=5',
        `/api/scenes/${SCENE}/pulse`,
      ];
      const warmA = await answers(a, routes);
      const warmB = await answers(b, routes);
      const warmAlone = await answers(alone, routes);
      expect(warmB).toEqual(warmA);
      expect(warmAlone).toEqual(warmA);
      expect(tierB.health?.().counters.l2Hits).toBe(routes.length);
      await proxy.cut();
      clock.advance(DAY);
      const status = (r: Record<string, string>) => Object.values(r).map((v) => v.slice(0, 3));
      const downA = await answers(a, routes);
      const downAlone = await answers(alone, routes);
      expect(status(downA)).toEqual(['200', '200', '200', '200']);
      // How the cut reached each instance's pool (a connection reset in flight, or refused at the
      // next connect) is timing, not behaviour: the reasons are compared without it.
      const errno = (r: Record<string, string>) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.replace(/ECONNRESET|ECONNREFUSED/g, 'ECONN')]));
      expect(errno(downAlone)).toEqual(errno(downA));
      // B: 503 STORE_UNAVAILABLE on all four routes.
      expect(status(await answers(b, routes))).toEqual(status(downA));
    } finally {
      await proxy.restore().catch(() => undefined);
      for (const o of opened) {
        await o.radar.close();
        await o.stores.close();
      }
      await tierA.close();
      await tierB.close();
      await proxy.close();
      await dropPrefix(redis, keyPrefix);
      redis.disconnect();
    }
  }, 60_000);
});

/**
 * Issue 14, "Faults": the PostgreSQL stores behind a TCP proxy (tests/helpers/fault-proxy.ts) that
 * a test cuts (every connection destroyed, new ones refused) and restores, over a real server, no
 * mock of `pg`. The database down at start; a connection dropped inside each engine's refresh
 * transaction (a clear error, the previous refresh whole after the restore); every read the HTTP
 * kit serves while the database is down (the last good value marked stale, or a 503
 * `STORE_UNAVAILABLE` with its reason; never a 500, never internals); and recovery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, isSceneRadarError, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createPostgresStores, migrate, type PostgresStores } from 'scene-radar/adapters/postgres';
import { createFetchHandler, ROUTES, type FetchHandler, type RouteId } from 'scene-radar/api';
import type { Table } from 'scene-radar/stores';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';

const NOW = '2026-11-25T00:00:00.000Z';
const LATER = '2026-12-10T00:00:00.000Z';
/** Past every TTL and grace of the caches (the longest, recommendations, is an hour). */
const PAST_TTLS_MS = 2 * 3_600_000;
const world = createDemoWorld({ seed: 5, artists: 60, scenes: 5, end: '2026-12-31' });
const SCENE = world.catalog.scenes[0]!.slug;
const REGION = world.catalog.scenes[0]!.region;
const MICROGENRE = world.catalog.microgenres[0]!.slug;
const WORKSPACE = world.workspaces[0]!.id;

const database = fileTestDatabase();
let proxy: FaultProxy;
beforeAll(async () => {
  const server = new URL(TEST_DATABASE_URL);
  proxy = await startFaultProxy({ host: server.hostname, port: Number(server.port || 5432) });
});
afterAll(async () => {
  await proxy.close();
});

/** Stores on a fresh, migrated schema, reached through the proxy. */
async function storesThroughProxy(): Promise<{ stores: PostgresStores; schema: string }> {
  const db = await database();
  const schema = db.schemaName();
  await migrate({ pool: db.pool, schema });
  const stores = createPostgresStores(
    { connectionString: proxy.url(TEST_DATABASE_URL), connectionTimeoutMillis: 2000, max: 4 },
    { schema },
  );
  return { stores, schema };
}

/** Every owned table of `schema`, scanned whole over a direct connection (not the proxy). */
async function snapshot(schema: string): Promise<Record<string, string>> {
  const direct = createPostgresStores({ pool: (await database()).pool }, { schema });
  const out: Record<string, string> = {};
  for (const group of [direct.scenes, direct.talent])
    for (const [name, table] of Object.entries(group))
      if (typeof (table as Partial<Table<unknown>>).scan === 'function')
        out[name] = JSON.stringify(await (table as Table<unknown>).scan());
  return out;
}

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; details?: unknown }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

/** A `STORE_UNAVAILABLE` naming why, and nothing of the address, credentials or SQL. */
function expectStoreUnavailable(e: Error & { code?: string; details?: unknown }): void {
  expect(isSceneRadarError(e), String(e)).toBe(true);
  expect(e.code).toBe('STORE_UNAVAILABLE');
  expect(e.message).toMatch(/^PostgreSQL cannot be reached \((ECONNREFUSED|ECONNRESET|connection terminated)\)/);
  expect(e.details).toEqual({ reason: expect.stringMatching(/ECONNREFUSED|ECONNRESET|connection terminated/) });
}

/** What a response body must never hold: a stack, SQL, the server's address, credentials, the schema. */
function expectNoInternals(text: string, schema: string): void {
  expect(text).not.toMatch(/\n\s+at |\bat [^\s]+ \(.*:\d+:\d+\)/);
  expect(text).not.toMatch(/\b(SELECT|INSERT INTO|DELETE FROM|UPDATE|unnest|pg_advisory)\b/);
  expect(text).not.toMatch(/127\.0\.0\.1|localhost|postgres:\/\/|:5432|password/i);
  expect(text).not.toContain(`:${proxy.port}`);
  expect(text).not.toContain(schema);
}

/** A concrete request path of every route (the API's base path included). */
function pathsOf(artist: string): Record<RouteId, string> {
  const query: Partial<Record<RouteId, string>> = {
    getTopArtists: '?category=rising',
    getWorkspaceRecommendations: `?workspaceId=${WORKSPACE}`,
    getSceneRecommendations: `?artistSlug=${artist}`,
  };
  const params: Record<string, string> = { slug: SCENE, region: REGION };
  const out = {} as Record<RouteId, string>;
  for (const route of ROUTES) {
    const slug =
      route.id === 'getMicrogenre' ? MICROGENRE : route.id === 'getArtistProfile' ? artist : (params.slug as string);
    const path = route.path.replace('{slug}', slug).replace('{region}', params.region as string);
    out[route.id] = `/api${path}${query[route.id] ?? ''}`;
  }
  return out;
}

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly body: { ok: boolean; data?: unknown; error: { code: string; message: string; details?: unknown } | null };
}

async function ask(handler: FetchHandler, path: string, skipCache = false): Promise<Answer> {
  const url = `http://localhost${path}${skipCache ? `${path.includes('?') ? '&' : '?'}skipCache=true` : ''}`;
  const res = await handler(new Request(url));
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Answer['body'] };
}

/** Pulse-like payloads carry `stale` when served from the last good value. */
interface MaybeStalePulse {
  readonly stale?: { readonly reason: string; readonly at: string };
}
interface TalentMeta {
  readonly meta: { readonly degraded: readonly string[]; readonly stale: { readonly records: number } };
}

/** How a route answered with the database down: its last good value marked stale, or a 503. */
function outcomeOf(id: RouteId, a: Answer): 'stale' | '503' | 'unmarked' | `other ${number}` {
  if (a.status === 503) {
    expect(a.body.error?.code, a.text).toBe('STORE_UNAVAILABLE');
    expect(a.body.error?.message).toMatch(/^PostgreSQL cannot be reached \(/);
    expect(a.body.error?.details).toEqual({ reason: expect.any(String) });
    return '503';
  }
  if (a.status !== 200) return `other ${a.status}`;
  const data = a.body.data as Record<string, unknown>;
  switch (id) {
    case 'getScenePulse':
      return (data as MaybeStalePulse).stale?.reason.startsWith('STORE_UNAVAILABLE') ? 'stale' : 'unmarked';
    case 'getGlobalScenePulse': {
      const g = data as { summary: { stale: number; scenes: number }; hottest: MaybeStalePulse[]; notes: string[] };
      const marked =
        g.summary.stale === g.summary.scenes &&
        g.hottest.length > 0 &&
        g.hottest.every((p) => p.stale) &&
        g.notes.some((n) => n.includes('STORE_UNAVAILABLE'));
      return marked ? 'stale' : 'unmarked';
    }
    case 'getRegionalScenePulse': {
      const r = data as { scenes: MaybeStalePulse[] };
      return r.scenes.length > 0 && r.scenes.every((p) => p.stale) ? 'stale' : 'unmarked';
    }
    case 'getTalentPulse':
    case 'getTopArtists': {
      const { meta } = data as unknown as TalentMeta;
      return meta.stale.records > 0 && meta.degraded.some((n) => n.includes('STORE_UNAVAILABLE'))
        ? 'stale'
        : 'unmarked';
    }
    default:
      return 'unmarked';
  }
}

/** True when a 200 payload carries no stale marker of any kind. */
function isFresh(id: RouteId, data: unknown): boolean {
  const text = JSON.stringify(data);
  if (text.includes('"stale":{"reason"') || text.includes('STORE_UNAVAILABLE')) return false;
  if (id === 'getGlobalScenePulse') return (data as { summary: { stale: number } }).summary.stale === 0;
  if (id === 'getTalentPulse' || id === 'getTopArtists') return (data as TalentMeta).meta.stale.records === 0;
  return true;
}

/** What each route answers with the database down once its cached value expired (or is bypassed). */
const DOWN: Readonly<Record<RouteId, 'stale' | '503'>> = {
  listScenes: '503',
  getScene: '503',
  getScenePulse: 'stale',
  getSceneTrends: '503',
  getRelatedScenes: '503',
  listSceneMemberships: '503',
  getGlobalScenePulse: 'stale',
  getRegionalScenePulse: 'stale',
  getSceneRecommendations: '503',
  listMicrogenres: '503',
  getMicrogenre: '503',
  getTalentPulse: 'stale',
  getArtistProfile: '503',
  getTopArtists: 'stale',
  getWorkspaceRecommendations: '503',
};

describe('the database down at start', () => {
  it('stores, import, every refresh and every route fail with STORE_UNAVAILABLE and a reason, never a 500', async () => {
    const { stores, schema } = await storesThroughProxy();
    await proxy.cut();
    try {
      const radar = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
      expectStoreUnavailable(await rejection(stores.ready()));
      expectStoreUnavailable(await rejection(radar.scenes.importCatalog(world.catalog)));
      expectStoreUnavailable(await rejection(radar.scenes.refresh()));
      expectStoreUnavailable(await rejection(radar.talent.refresh()));
      expectStoreUnavailable(await rejection(radar.refresh()));
      expectStoreUnavailable(await rejection(radar.scenes.pulse.getScenePulse(SCENE)));
      // The batch says so per scene, without inventing a pulse.
      const [item] = await radar.scenes.pulse.batchProcessScenes([SCENE]);
      expect(item).toMatchObject({
        slug: SCENE,
        status: 'error',
        message: expect.stringMatching(/^STORE_UNAVAILABLE: /),
      });

      const handler = createFetchHandler(radar);
      const paths = pathsOf(world.dataset.artistSlugs()[0]!);
      for (const route of ROUTES) {
        const a = await ask(handler, paths[route.id]);
        expect(`${route.id} ${a.status} ${a.body.error?.code}`).toBe(`${route.id} 503 STORE_UNAVAILABLE`);
        expect(a.body.error?.details).toEqual({ reason: 'ECONNREFUSED' });
        expectNoInternals(a.text, schema);
      }
      await radar.close();
    } finally {
      await proxy.restore();
      await stores.close();
    }
  }, 30_000);
});

describe('a connection dropped in the middle of a refresh', () => {
  for (const engine of ['scenes', 'talent'] as const) {
    it(`${engine}: the refresh rejects with STORE_UNAVAILABLE and every table keeps the previous refresh`, async () => {
      const { stores, schema } = await storesThroughProxy();
      const clock = fixedClock(NOW);
      const radar = createSceneRadar({ sources: world.sources, stores, clock });
      try {
        await radar.scenes.importCatalog(world.catalog);
        await radar.refresh();
        const complete = await snapshot(schema);
        clock.set(LATER);
        // Cut after the transaction's first write reached the server, at its next write (or COMMIT).
        const cut = proxy.cutWhen({
          sequence: [/pg_advisory_xact_lock/, /INSERT INTO/, /INSERT INTO|DELETE FROM|COMMIT/],
        });
        const refreshed = engine === 'scenes' ? radar.scenes.refresh() : radar.talent.refresh();
        const e = await rejection(refreshed);
        await cut;
        expectStoreUnavailable(e);
        expect(e.details).toEqual({ reason: expect.stringMatching(/ECONNRESET|connection terminated/) });
        await proxy.restore();
        // The server rolled the transaction back: every table is the previous complete refresh.
        expect(await snapshot(schema)).toEqual(complete);
        // And the radar recovers: the next refresh lands whole.
        await (engine === 'scenes' ? radar.scenes.refresh() : radar.talent.refresh());
        const after = await snapshot(schema);
        const changed = engine === 'scenes' ? 'scene_trends' : 'talent_radar_artists';
        expect(after[changed]).not.toBe(complete[changed]);
      } finally {
        await proxy.restore();
        await radar.close();
        await stores.close();
      }
    }, 60_000);
  }
});

describe('reads with the database down after a refresh, and recovery', () => {
  let stores: PostgresStores;
  let schema: string;
  let radar: SceneRadar;
  let handler: FetchHandler;
  let paths: Record<RouteId, string>;
  const clock = fixedClock(NOW);
  const good = new Map<RouteId, Answer>();

  beforeAll(async () => {
    ({ stores, schema } = await storesThroughProxy());
    radar = createSceneRadar({ sources: world.sources, stores, clock });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh();
    handler = createFetchHandler(radar, { allowSkipCache: true });
    const top = await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 1 });
    paths = pathsOf(top.artists[0]?.artist_slug ?? world.dataset.artistSlugs()[0]!);
    // Every route answered once with the database up: what the caches and last good values hold.
    for (const route of ROUTES) {
      const a = await ask(handler, paths[route.id]);
      expect(`${route.id} ${a.status}`, a.text).toBe(`${route.id} 200`);
      good.set(route.id, a);
    }
  }, 60_000);
  afterAll(async () => {
    await proxy.restore();
    await radar?.close();
    await stores?.close();
  });

  it('within the TTLs, cached answers are served as they were (nothing failed: no database read)', async () => {
    await proxy.cut();
    try {
      for (const id of ['getScenePulse', 'getGlobalScenePulse', 'getTalentPulse', 'getTopArtists'] as const) {
        const a = await ask(handler, paths[id]);
        expect(a.status).toBe(200);
        expect(a.body.data).toEqual(good.get(id)!.body.data);
      }
    } finally {
      await proxy.restore();
    }
  });

  it('past the TTLs, or bypassing the cache: the last good value marked stale, or 503 STORE_UNAVAILABLE; never a 500 or internals', async () => {
    await proxy.cut();
    try {
      for (const skipCache of [true, false]) {
        if (!skipCache) clock.advance(PAST_TTLS_MS);
        const seen: Record<string, string> = {};
        for (const route of ROUTES) {
          // Only the pulse, profile and top-list routes take skipCache; the others never cache.
          const a = await ask(handler, paths[route.id], skipCache && 'skipCache' in route.query.shape);
          expect(a.status, `${route.id}: ${a.text}`).not.toBe(500);
          expectNoInternals(a.text, schema);
          seen[route.id] = outcomeOf(route.id, a);
        }
        expect(seen, `skipCache ${skipCache}`).toEqual(DOWN);
      }
      // The stale values are the last good ones, marked, not recomputed from nothing.
      const pulse = (await ask(handler, paths.getScenePulse)).body.data as MaybeStalePulse & { heat: number };
      const before = good.get('getScenePulse')!.body.data as { heat: number; asOf: string };
      expect(pulse).toMatchObject({ heat: before.heat, asOf: before.asOf });
      expect(pulse.stale).toEqual({
        reason: expect.stringMatching(/^STORE_UNAVAILABLE: PostgreSQL cannot be reached/),
        at: new Date(clock.now()).toISOString(),
      });
      const talent = (await ask(handler, paths.getTalentPulse)).body.data as TalentMeta & { summary: unknown };
      expect(talent.summary).toEqual((good.get('getTalentPulse')!.body.data as { summary: unknown }).summary);
      // The engine API says the same as the HTTP kit.
      const batch = await radar.scenes.pulse.batchProcessScenes([SCENE]);
      expect(batch[0]).toMatchObject({ status: 'stale', message: expect.stringMatching(/^STORE_UNAVAILABLE/) });
      expect(radar.stats().cache.fallbacks).toBeGreaterThan(0);
    } finally {
      await proxy.restore();
    }
  }, 60_000);

  it('after the restore: fresh values, no stale marker, without a restart', async () => {
    clock.advance(PAST_TTLS_MS);
    for (const route of ROUTES) {
      const a = await ask(handler, paths[route.id]);
      expect(`${route.id} ${a.status}`, a.text).toBe(`${route.id} 200`);
      expect(isFresh(route.id, a.body.data), `${route.id}: ${a.text.slice(0, 400)}`).toBe(true);
    }
    const pulse = (await ask(handler, paths.getScenePulse)).body.data as MaybeStalePulse & { asOf: string };
    expect(pulse.stale).toBeUndefined();
    expect(pulse.asOf).toBe(new Date(clock.now()).toISOString());
  }, 60_000);
});

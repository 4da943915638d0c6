/**
 * Review of the day's changes (31): the global scene pulse's new `regions` (every region of the
 * catalog with its scene count, from the same catalog read as the pulses: src/scenes/scene-pulse.ts
 * `getGlobalPulse`, src/scenes/schemas.ts `SceneRegionCountSchema`), checked after `importCatalog`
 * adds scenes and regions, on the last-good path when the scenes table fails (`#staleGlobal`), on
 * an empty catalog, through the read-only view and the HTTP route against docs/openapi.json, and on
 * the PostgreSQL stores; and the Redis cache tier's `name: 'redis'` as the health route lists it.
 *
 * Tests named "FAULT:" fail on the code as reviewed, for the reason their name states; the others
 * pin behaviour found correct.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createPostgresStores, migrate } from '../../adapters/postgres/index.js';
import { createRedisCacheTier } from '../../adapters/redis/index.js';
import { createFetchHandler } from '../../src/api/handler.js';
import { readOnlyScenes } from '../../src/api/operations.js';
import { createSceneRadar, fixedClock, SceneRadarError, type SceneRadar } from '../../src/index.js';
import type { GlobalScenePulse } from '../../src/scenes/schemas.js';
import { createMemoryStores } from '../../src/stores.js';
import { fileTestDatabase } from '../helpers/postgres.js';
import { TEST_REDIS_URL, testPrefix } from '../helpers/redis-test.js';

const T1 = new Date('2026-12-06T00:00:00.000Z');
const world = createDemoWorld({ seed: 31, artists: 24, scenes: 6, end: '2026-12-05' });
const database = fileTestDatabase();

/** Sum of the regions' counts. */
function regionSum(g: GlobalScenePulse): number {
  return g.regions.reduce((n, r) => n + r.scenes, 0);
}

/** The catalog's regions counted by hand. */
function expectedRegions(scenes: readonly { readonly region: string }[]): { region: string; scenes: number }[] {
  const m = new Map<string, number>();
  for (const s of scenes) m.set(s.region, (m.get(s.region) ?? 0) + 1);
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([region, scenes]) => ({ region, scenes }));
}

describe('global pulse regions (memory stores)', () => {
  let radar: SceneRadar;
  let failScan = false;
  beforeAll(async () => {
    const stores = createMemoryStores();
    const table = stores.scenes.scenes;
    const scan = table.scan.bind(table);
    // The scenes table "cannot be reached" on demand (what a database outage looks like to the pulse).
    (table as { scan: typeof scan }).scan = ((...args: Parameters<typeof scan>) =>
      failScan
        ? Promise.reject(new SceneRadarError('STORE_UNAVAILABLE', 'the scenes table is down'))
        : scan(...args)) as typeof scan;
    radar = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(T1) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh();
  }, 60_000);
  afterAll(async () => {
    await radar.close();
  });

  it('regions: every region of the catalog by code, in code-unit order, counts summing to summary.scenes', async () => {
    const g = await radar.scenes.pulse.getGlobalPulse({ limit: 1 });
    expect(g.regions).toEqual(expectedRegions(world.catalog.scenes));
    expect(regionSum(g)).toBe(g.summary.scenes);
    expect(g.summary.scenes).toBe(world.catalog.scenes.length);
  });

  it('the last good global pulse (scenes table down) keeps its regions, consistent with its summary, every pulse stale', async () => {
    const fresh = await radar.scenes.pulse.getGlobalPulse({ limit: 3 });
    expect(fresh.summary.ok).toBe(fresh.summary.scenes);
    await radar.scenes.pulse.clearCache(undefined, { keepLastGood: true });
    failScan = true;
    try {
      const stale = await radar.scenes.pulse.getGlobalPulse({ limit: 3 });
      expect(stale.regions).toEqual(fresh.regions);
      expect(regionSum(stale)).toBe(stale.summary.scenes);
      expect(stale.summary.stale).toBe(stale.summary.scenes);
      expect(stale.hottest.every((p) => p.stale !== undefined)).toBe(true);
      expect(stale.notes.at(-1)).toMatch(/scene catalog cannot be read/);
    } finally {
      failScan = false;
    }
  });

  it('the read-only view and the HTTP route answer regions; the answer matches docs/openapi.json (required, integer >= 1)', async () => {
    const ro = await readOnlyScenes(radar.scenes).pulse.getGlobalPulse({ limit: 1 });
    expect(ro.regions).toEqual(expectedRegions(world.catalog.scenes));
    const handler = createFetchHandler(radar);
    const res = await handler(new Request('http://x/api/scene-pulse?limit=1'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: GlobalScenePulse };
    expect(body.data.regions).toEqual(expectedRegions(world.catalog.scenes));
    const spec = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
    const schemas = spec.components.schemas;
    expect(schemas.GlobalScenePulse.required).toContain('regions');
    expect(schemas.GlobalScenePulse.properties.regions.items.$ref).toBe('#/components/schemas/SceneRegionCount');
    expect(schemas.SceneRegionCount.required).toEqual(['region', 'scenes']);
    expect(schemas.SceneRegionCount.properties.scenes).toMatchObject({ type: 'integer', minimum: 1 });
    for (const r of body.data.regions) expect(Object.keys(r).sort()).toEqual(['region', 'scenes']);
  });

  it('after importCatalog adds scenes in a new region, the cached global pulse is recomputed: the new region is listed and the sum is summary.scenes', async () => {
    const before = await radar.scenes.pulse.getGlobalPulse({ limit: 1 });
    expect(before.regions.some((r) => r.region === 'zz-new')).toBe(false);
    const template = world.catalog.scenes[0]!;
    const added = [
      { ...template, slug: 'review-31-new-one', name: 'Review 31 new one', region: 'zz-new' },
      { ...template, slug: 'review-31-new-two', name: 'Review 31 new two', region: 'zz-new' },
    ];
    await radar.scenes.importCatalog({ ...world.catalog, scenes: [...world.catalog.scenes, ...added] });
    const after = await radar.scenes.pulse.getGlobalPulse({ limit: 1 });
    expect(after.regions.find((r) => r.region === 'zz-new')).toEqual({ region: 'zz-new', scenes: 2 });
    expect(regionSum(after)).toBe(after.summary.scenes);
    expect(after.summary.scenes).toBe(world.catalog.scenes.length + 2);
    // The new scenes have no pulse until a refresh: counted, not ranked.
    expect(after.summary.unavailable).toBe(2);
  });

  it('regions in another case cannot enter the catalog (the import refuses `UK`), so the list never holds `uk` and `UK` apart', async () => {
    const template = world.catalog.scenes[0]!;
    await expect(
      radar.scenes.importCatalog({
        ...world.catalog,
        scenes: [...world.catalog.scenes, { ...template, slug: 'review-31-upper', region: 'UK' }],
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/VALIDATION|INVALID/) });
  });
});

describe('global pulse regions: an empty catalog', () => {
  it('regions is [] beside summary.scenes 0 and the empty-catalog note', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(T1) });
    try {
      const g = await radar.scenes.pulse.getGlobalPulse();
      expect(g.regions).toEqual([]);
      expect(g.summary.scenes).toBe(0);
      expect(g.notes.length).toBeGreaterThan(0);
    } finally {
      await radar.close();
    }
  });
});

describe('global pulse regions: PostgreSQL stores', () => {
  it('the same regions and counts as the catalog, summing to summary.scenes', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const stores = createPostgresStores({ pool: db.pool }, { schema });
    await stores.ready();
    const radar = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(T1) });
    try {
      await radar.scenes.importCatalog(world.catalog);
      const g = await radar.scenes.pulse.getGlobalPulse({ limit: 1 });
      expect(g.regions).toEqual(expectedRegions(world.catalog.scenes));
      expect(regionSum(g)).toBe(g.summary.scenes);
    } finally {
      await radar.close();
      await stores.close();
    }
  }, 30_000);
});

describe('the Redis cache tier in the health route', () => {
  it("is listed as 'redis' when given as it is, and under the wrapper's name when wrapped", async () => {
    const tier = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix: testPrefix('review-31') });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(T1) });
    try {
      expect(tier.name).toBe('redis');
      const handler = createFetchHandler(radar, {
        health: { caches: [tier, { name: 'redis-eu', health: () => tier.health() }] },
      });
      const res = await handler(new Request('http://x/api/health'));
      const body = (await res.json()) as { data?: { caches: { name: string }[] }; error?: unknown };
      const data = body.data ?? (body.error as { details?: { caches: { name: string }[] } }).details;
      expect(data?.caches.map((c) => c.name)).toEqual(['memory', 'redis', 'redis-eu']);
    } finally {
      await radar.close();
      await tier.close();
    }
  }, 15_000);
});

/**
 * Hostile review 130: the Scenes Engine's read paths a host shows to users (regional and global
 * pulses, scene lists, related scenes, trends, membership listings, recommendations), through the
 * engine and through the HTTP API kit, checked for results silently reshaped: counts that disagree
 * with their lists, paging that skips or repeats rows, caps applied differently on two routes,
 * unstable ordering under ties, day boundaries in trends, unknown scenes answered with data.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit), for the reason their name states; the
 * others pin behaviour found correct.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import { createSceneRadar, fixedClock, type SceneRadar } from '../../src/index.js';
import { memoryScenesStores, type ScenesStores, type SceneTrendRow } from '../../src/stores.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 80, end: '2026-11-24' });
const regionOf = new Map(world.catalog.scenes.map((s) => [s.slug, s.region]));

let stores: ScenesStores;
let radar: SceneRadar;
/** The same world under a host cap of 3 scenes per query. */
let capped: SceneRadar;
let handler: (r: Request) => Promise<Response>;
let cappedHandler: (r: Request) => Promise<Response>;

// biome-ignore lint/suspicious/noExplicitAny: envelopes of many routes, read field by field
type Json = any;

async function getJson(h: (r: Request) => Promise<Response>, path: string): Promise<{ status: number; body: Json }> {
  const res = await h(new Request(`http://host${path}`));
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  stores = memoryScenesStores();
  radar = createSceneRadar({ sources: world.sources, stores: { scenes: stores }, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh();
  capped = createSceneRadar({
    sources: world.sources,
    clock: fixedClock(NOW),
    config: { scenes: { maxScenesPerQuery: 3 } },
  });
  await capped.scenes.importCatalog(world.catalog);
  await capped.refresh();
  handler = createFetchHandler(radar, { basePath: '/api' });
  cappedHandler = createFetchHandler(capped, { basePath: '/api' });
}, 60_000);

afterAll(async () => {
  await radar?.close();
  await capped?.close();
});

const byHeat = <T extends { heat: number; scene_slug: string }>(a: T, b: T): number =>
  b.heat - a.heat || (a.scene_slug < b.scene_slug ? -1 : a.scene_slug > b.scene_slug ? 1 : 0);

describe('global and regional pulses', () => {
  it('the global summary counts every scene of the catalog once, and hottest is every pulse by heat, ties by slug', async () => {
    const g = await radar.scenes.pulse.getGlobalPulse({ limit: 100 });
    const s = g.summary;
    expect(s.scenes).toBe(world.catalog.scenes.length);
    expect(s.ok + s.stale + s.timeout + s.error + s.unavailable).toBe(s.scenes);
    expect(new Set(g.hottest.map((p) => p.scene_slug)).size).toBe(g.hottest.length);
    expect(g.hottest.map((p) => p.scene_slug)).toEqual([...g.hottest].sort(byHeat).map((p) => p.scene_slug));
    // Ties exist in this world (several scenes at heat 0): they rank by slug.
    const heats = g.hottest.map((p) => p.heat);
    expect(new Set(heats).size).toBeLessThan(heats.length);
    expect(g.fastestGrowing.every((p) => p.growth > 0)).toBe(true);
    expect(g.cooling.every((p) => p.stage === 'cooling')).toBe(true);
  });

  it('every region: regional scenes + unavailable = listScenes total; its ranking is the global ranking filtered', async () => {
    const g = await radar.scenes.pulse.getGlobalPulse({ limit: 100 });
    let sum = 0;
    for (const region of new Set(regionOf.values())) {
      const rp = await radar.scenes.pulse.getRegionalPulse(region, { limit: 100 });
      const ls = await radar.scenes.listScenes({ region, limit: 100 });
      expect(rp.scenes.length + rp.unavailable.length).toBe(ls.total);
      expect(rp.scenes.map((p) => p.scene_slug)).toEqual(
        g.hottest.filter((p) => regionOf.get(p.scene_slug) === region).map((p) => p.scene_slug),
      );
      sum += ls.total;
    }
    expect(sum).toBe(g.summary.scenes);
  });

  it('a host cap below the defaults lowers regional, global, related, watch-list and scene-list defaults alike, engine and HTTP', async () => {
    const all = await radar.scenes.pulse.getGlobalPulse({ limit: 100 });
    const uk = all.hottest.filter((p) => regionOf.get(p.scene_slug) === 'uk').map((p) => p.scene_slug);
    const rp = await capped.scenes.pulse.getRegionalPulse('uk');
    expect(rp.scenes.map((p) => p.scene_slug)).toEqual(uk.slice(0, 3));
    const http = await getJson(cappedHandler, '/api/scene-pulse/uk');
    expect(http.status).toBe(200);
    expect(http.body.data.scenes.map((p: { scene_slug: string }) => p.scene_slug)).toEqual(uk.slice(0, 3));
    const g = await getJson(cappedHandler, '/api/scene-pulse');
    expect(g.body.data.hottest.map((p: { scene_slug: string }) => p.scene_slug)).toEqual(
      all.hottest.slice(0, 3).map((p) => p.scene_slug),
    );
    expect((await capped.scenes.getRelatedScenes('indie-uk-brighton')).length).toBe(3);
    expect((await getJson(cappedHandler, '/api/scenes/indie-uk-brighton/related')).body.data).toHaveLength(3);
    expect((await getJson(cappedHandler, '/api/scene-recommendations')).body.data.items).toHaveLength(3);
    const page = await getJson(cappedHandler, '/api/scenes');
    expect(page.body.data.limit).toBe(3);
    expect(page.body.data.items).toHaveLength(3);
    // Asked for over the cap: refused on both, never silently cut.
    expect((await getJson(cappedHandler, '/api/scene-pulse/uk?limit=4')).body.error.code).toBe('SCENES_INVALID_PARAMS');
    await expect(capped.scenes.pulse.getRegionalPulse('uk', { limit: 4 })).rejects.toMatchObject({
      code: 'SCENES_INVALID_PARAMS',
    });
  });

  it('HTTP global and regional pulses list the same scenes in the same order as the engine', async () => {
    const g = await radar.scenes.pulse.getGlobalPulse({ limit: 25 });
    const http = await getJson(handler, '/api/scene-pulse?limit=25');
    for (const k of ['hottest', 'fastestGrowing', 'cooling'] as const)
      expect(http.body.data[k].map((p: { scene_slug: string }) => p.scene_slug)).toEqual(g[k].map((p) => p.scene_slug));
    expect(http.body.data.summary).toEqual(g.summary);
    const r = await radar.scenes.pulse.getRegionalPulse('us');
    const hr = await getJson(handler, '/api/scene-pulse/us');
    expect(hr.body.data.scenes.map((p: { scene_slug: string }) => p.scene_slug)).toEqual(
      r.scenes.map((p) => p.scene_slug),
    );
  });

  it('a region code in upper case is a validation error (400), a region without scenes SCENES_NOT_FOUND (404)', async () => {
    expect((await getJson(handler, '/api/scene-pulse/UK')).body.error.code).toBe('SCENES_VALIDATION_ERROR');
    const none = await getJson(handler, '/api/scene-pulse/zz');
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('SCENES_NOT_FOUND');
    await expect(radar.scenes.pulse.getRegionalPulse('zz')).rejects.toMatchObject({ code: 'SCENES_NOT_FOUND' });
  });
});

describe('scene lists and memberships', () => {
  it('listScenes pages by slug: pages of 7 concatenate to the whole catalog, no repeat, no gap; total agrees', async () => {
    const seen: string[] = [];
    let total = -1;
    for (let offset = 0; ; offset += 7) {
      const page = await radar.scenes.listScenes({ limit: 7, offset });
      total = page.total;
      seen.push(...page.items.map((s) => s.slug));
      if (page.items.length < 7) break;
    }
    expect(total).toBe(world.catalog.scenes.length);
    expect(seen).toEqual(world.catalog.scenes.map((s) => s.slug).sort());
  });

  it('memberships paged 9 at a time equal one big page, strongest first, ties by key; total = rows; HTTP agrees', async () => {
    const whole = await radar.scenes.listMemberships({ limit: 10_000 });
    expect(whole.total).toBe(whole.items.length);
    const paged: string[] = [];
    for (let offset = 0; offset < whole.total; offset += 9) {
      const p = await radar.scenes.listMemberships({ limit: 9, offset });
      expect(p.total).toBe(whole.total);
      paged.push(...p.items.map((m) => `${m.scene_slug}/${m.artist_slug}`));
    }
    expect(paged).toEqual(whole.items.map((m) => `${m.scene_slug}/${m.artist_slug}`));
    expect(new Set(paged).size).toBe(paged.length);
    const conf = whole.items.map((m) => m.confidence);
    expect(conf).toEqual([...conf].sort((a, b) => b - a));
    const scene = await radar.scenes.listMemberships({ sceneSlug: 'indie-uk-brighton' });
    const http = await getJson(handler, '/api/scenes/indie-uk-brighton/memberships?limit=5&offset=2');
    expect(http.body.data.total).toBe(scene.total);
    expect(http.body.data.items.map((m: { artist_slug: string }) => m.artist_slug)).toEqual(
      scene.items.slice(2, 7).map((m) => m.artist_slug),
    );
  });
});

describe('unknown scenes', () => {
  it.each(['trends', 'related', 'memberships', 'pulse'])(
    'GET /scenes/<unknown>/%s is 404 SCENES_NOT_FOUND, not 200 with empty data',
    async (leaf) => {
      const r = await getJson(handler, `/api/scenes/no-such-scene/${leaf}`);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('SCENES_NOT_FOUND');
    },
  );
});

describe('related scenes', () => {
  it('links are symmetric: B related to A iff A related to B, same weight; ordered by weight then slug', async () => {
    for (const a of ['indie-uk-brighton', 'rap-uk-london', 'hip-hop-us-baltimore']) {
      const rel = await radar.scenes.getRelatedScenes(a, { limit: 50 });
      const keys = rel.map((r) => [-r.weight, r.scene_slug] as const);
      expect(keys).toEqual([...keys].sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : 1)));
      for (const r of rel) {
        const back = await radar.scenes.getRelatedScenes(r.scene_slug, { limit: 50 });
        expect(back.find((b) => b.scene_slug === a)?.weight).toBe(r.weight);
      }
    }
  });
});

describe('recommendations', () => {
  it('the watch list: ranks by score, stored answer equal to the fresh one, and HTTP the same', async () => {
    const fresh = await radar.scenes.recommendScenes({ limit: 50 });
    const again = await radar.scenes.recommendScenes({ limit: 20 });
    expect(again.stored).toBe(true);
    expect(again.items).toEqual(fresh.items.slice(0, 20));
    const scores = fresh.items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(fresh.items.map((i) => i.rank)).toEqual(fresh.items.map((_, i) => i + 1));
    const http = await getJson(handler, '/api/scene-recommendations?limit=20');
    expect(http.body.data.items).toEqual(again.items);
  });
});

describe('trends', () => {
  const row = (day: string, heat: number): SceneTrendRow => ({
    scene_slug: 'rap-uk-london',
    day,
    heat,
    growth: 0,
    stage: 'emerging',
    active_members: 1,
    new_members: 0,
    rising_members: 0,
    as_of: `${day}T23:00:00.000Z`,
  });

  it('the window ends at the last complete day before now; gaps are carried forward in the slope', async () => {
    await stores.scene_trends.upsert([
      row('2026-10-01', 99),
      row('2026-11-18', 5),
      row('2026-11-20', 10),
      row('2026-11-22', 30),
      row('2026-11-25', 99),
    ]);
    const tr = await radar.scenes.getSceneTrends('rap-uk-london', { days: 7 });
    expect(tr.from).toBe('2026-11-18');
    expect(tr.to).toBe('2026-11-24');
    // The refresh's own row for 11-24 is in; 11-25 (today, incomplete) and 10-01 are not.
    expect(tr.series.map((r) => r.day)).toEqual(['2026-11-18', '2026-11-20', '2026-11-22', '2026-11-24']);
    expect(tr.summary?.coverage).toBe(Math.round((4 / 7) * 1000) / 1000);
    const http = await getJson(handler, '/api/scenes/rap-uk-london/trends?days=7');
    expect(http.body.data).toEqual(JSON.parse(JSON.stringify(tr)));
  });
});

describe('a scene imported after the last refresh', () => {
  it('is counted once (unavailable) by the global summary, listed as unavailable by its region, and its pulse is 503', async () => {
    const w = createDemoWorld({ artists: 40, end: '2026-11-24' });
    const r = createSceneRadar({ sources: w.sources, clock: fixedClock(NOW) });
    try {
      await r.scenes.importCatalog(w.catalog);
      await r.refresh();
      const base = w.catalog.scenes.find((s) => s.slug === 'indie-uk-brighton')!;
      await r.scenes.importCatalog({
        scenes: [{ ...base, slug: 'aaa-uk-brighton', name: 'Ärger Brighton' }],
        microgenres: [],
      });
      const g = await r.scenes.pulse.getGlobalPulse({ limit: 100 });
      expect(g.summary).toMatchObject({ scenes: w.catalog.scenes.length + 1, unavailable: 1 });
      expect(g.hottest.some((p) => p.scene_slug === 'aaa-uk-brighton')).toBe(false);
      const uk = await r.scenes.pulse.getRegionalPulse('uk', { limit: 100 });
      expect(uk.unavailable.map((i) => [i.slug, i.status])).toEqual([['aaa-uk-brighton', 'unavailable']]);
      expect(uk.scenes.length + uk.unavailable.length).toBe((await r.scenes.listScenes({ region: 'uk' })).total);
      const h = createFetchHandler(r, { basePath: '/api' });
      const pulse = await getJson(h, '/api/scenes/aaa-uk-brighton/pulse');
      expect(pulse.status).toBe(503);
      expect(pulse.body.error.code).toBe('SOURCES_UNAVAILABLE');
      // The watch list leaves it out and says so.
      const watch = await r.scenes.recommendScenes({ limit: 50 });
      expect(watch.items.some((i) => i.scene_slug === 'aaa-uk-brighton')).toBe(false);
      expect(watch.stored).toBe(false);
      expect(watch.notes.join(' ')).toMatch(/1 of \d+ scenes are left out/);
    } finally {
      await r.close();
    }
  });
});

describe('trend days at the day boundary', () => {
  it('a refresh at 23:59:59.999 writes the previous day; getSceneTrends then ends there too', async () => {
    const w = createDemoWorld({ artists: 30, end: '2026-11-24' });
    const at = new Date('2026-11-24T23:59:59.999Z');
    const r = createSceneRadar({ sources: w.sources, clock: fixedClock(at) });
    try {
      await r.scenes.importCatalog(w.catalog);
      await r.refresh();
      const tr = await r.scenes.getSceneTrends('indie-uk-brighton', { days: 1 });
      expect([tr.from, tr.to]).toEqual(['2026-11-23', '2026-11-23']);
      expect(tr.series.map((x) => [x.day, x.as_of])).toEqual([['2026-11-23', at.toISOString()]]);
      const p = await r.scenes.pulse.getScenePulse('indie-uk-brighton');
      expect(tr.series[0]!.heat).toBe(p.heat);
      expect(tr.summary).toMatchObject({ change: 0, slope: 0, coverage: 1 });
    } finally {
      await r.close();
    }
  });
});

describe('a scene pulse served past its TTL (in its grace) inside a regional pulse', () => {
  it('FAULT: the regional pulse holding it is cached the full 10 minutes (the global pulse with the same scenes is kept 15 s), so the region keeps showing pulses older than the scene route', async () => {
    const w = createDemoWorld({ artists: 30, end: '2026-11-24' });
    const clock = fixedClock(NOW);
    const r = createSceneRadar({ sources: w.sources, clock });
    try {
      await r.scenes.importCatalog(w.catalog);
      await r.refresh();
      await r.scenes.pulse.allPulses(); // every scene pulse cached at 00:00:00
      clock.advance(330_000); // 00:05:30: past the 5-minute TTL, within the 60 s grace
      const first = await r.scenes.pulse.getRegionalPulse('uk');
      // It was built from pulses served past their TTL (the batch marks such an item `stale`).
      expect(first.scenes.every((p) => p.updated_at === NOW.toISOString())).toBe(true);
      const g1 = await r.scenes.pulse.getGlobalPulse();
      expect(g1.summary.stale).toBeGreaterThan(0);
      clock.advance(30_000); // 00:06:00: past scenes.degradedTtlMs (15 s)
      // The global pulse, holding stale scenes, was kept briefly and is recomputed now.
      const g2 = await r.scenes.pulse.getGlobalPulse();
      expect(g2.asOf).toBe('2026-11-25T00:06:00.000Z');
      // The regional pulse holding the same kind of scenes should be too; it is still the 00:05:30
      // value, with 00:00 pulses, and stays so until 00:15:30.
      const second = await r.scenes.pulse.getRegionalPulse('uk');
      expect(second.asOf).toBe('2026-11-25T00:06:00.000Z');
      const scene = await r.scenes.pulse.getScenePulse(second.scenes[0]!.scene_slug);
      expect(second.scenes[0]!.updated_at).toBe(scene.updated_at);
    } finally {
      await r.close();
    }
  });
});

/**
 * Hostile review 159 of the Scenes Engine (src/scenes/*, docs/scenes.md, docs/http-api.md, seed
 * 000_4d264d62d4d201c3: ranges, limits, error codes). Demo world of 40 artists, memory stores.
 *
 * FAULTS: none found in the time given (about 25 minutes). Every test below is a plain `it`
 * asserting documented behaviour that holds on the code as reviewed.
 *
 * Checked and correct:
 * - listScenes: pages of 7 concatenate to the whole catalog by slug, `total` constant on every page,
 *   past the end `{ items: [], total }`; region filter; unknown region an empty page; `UK`, limit
 *   0/101, offset -1 are SCENES_VALIDATION_ERROR.
 * - listMemberships: pages concatenate, strongest first; unknown scene SCENES_NOT_FOUND; limit 10,001
 *   VALIDATION_ERROR; HTTP page past the end 200 with the right total.
 * - global and regional pulses: ties by slug; regional lists agree with the global order; the
 *   `regions` counts add up; unknown region 404 SCENES_NOT_FOUND (also over HTTP), `UK` 400.
 * - a host cap (maxScenesPerQuery 5, maxMembershipsPerQuery 3): defaults lowered, values over it
 *   SCENES_INVALID_PARAMS on every list; regional/global pulses and the ScenesAdapter's hottest
 *   list rank every scene, not the first group.
 * - a scene imported after a refresh: unavailable in batch/global/regional, SOURCES_UNAVAILABLE (HTTP
 *   503), not `ok` through the ScenesAdapter; placed by the next refresh (no warnings).
 * - two refreshes at once with an import between them, and two instances over shared stores
 *   refreshing at once: all settle, memberships equal a single refresh's.
 * - a refresh whose signal aborts while another runs: SCENES_TIMEOUT, the other completes.
 * - Fusion failing for one member: exactly the scenes it belongs to are degraded, no trend row for
 *   them, the warning counts them; failing for every member: SOURCES_UNAVAILABLE, left out of the
 *   watch list, which is not stored.
 * - batches with duplicates / unknown slugs / empty; re-import that swaps a scene's microgenres: the
 *   pulse's mix and the next refresh's rows carry only the new ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type FusionAdapter, type SceneRadar } from '../../src/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { memoryScenesStores } from '../../src/stores.js';
import { createFetchHandler } from '../../src/api/index.js';

/** An API answer's body, as these tests read it (any field they check). */
// biome-ignore lint/suspicious/noExplicitAny: a JSON body read field by field; a wrong path fails the assertion
type Body = any;

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 40, end: '2026-11-24' });

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};

function make(sources = world.sources, config?: Record<string, unknown>): SceneRadar {
  return createSceneRadar({
    sources,
    stores: { scenes: memoryScenesStores() },
    clock: fixedClock(NOW),
    ...(config ? { config } : {}),
  } as Parameters<typeof createSceneRadar>[0]);
}

describe('paging and filters', () => {
  let radar: SceneRadar;
  beforeAll(async () => {
    radar = make();
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(NOW);
  });
  afterAll(async () => radar.close());

  it('listScenes pages concatenate to the whole catalog; past the end is empty with the same total', async () => {
    const whole = await radar.scenes.listScenes({ limit: 100 });
    const pages: string[] = [];
    for (let o = 0; o < whole.total + 7; o += 7) {
      const p = await radar.scenes.listScenes({ limit: 7, offset: o });
      expect(p.total).toBe(whole.total);
      pages.push(...p.items.map((s) => s.slug));
    }
    expect(pages).toEqual(whole.items.map((s) => s.slug));
    expect([...pages].sort()).toEqual(pages);
    const past = await radar.scenes.listScenes({ offset: whole.total });
    expect(past).toMatchObject({ items: [], total: whole.total, offset: whole.total, limit: 20 });
  });

  it('region filter: uk pages; unknown region is an empty page; UK is a validation error', async () => {
    const uk = await radar.scenes.listScenes({ region: 'uk', limit: 100 });
    expect(uk.total).toBe(world.catalog.scenes.filter((s) => s.region === 'uk').length);
    expect(uk.items.every((s) => s.region === 'uk')).toBe(true);
    expect(await radar.scenes.listScenes({ region: 'zz' })).toMatchObject({ items: [], total: 0 });
    expect(await codeOf(radar.scenes.listScenes({ region: 'UK' }))).toBe('SCENES_VALIDATION_ERROR');
    expect(await codeOf(radar.scenes.listScenes({ limit: 0 }))).toBe('SCENES_VALIDATION_ERROR');
    expect(await codeOf(radar.scenes.listScenes({ limit: 101 }))).toBe('SCENES_VALIDATION_ERROR');
    expect(await codeOf(radar.scenes.listScenes({ offset: -1 }))).toBe('SCENES_VALIDATION_ERROR');
  });

  it('listMemberships pages concatenate, strongest first, ties by key', async () => {
    const whole = await radar.scenes.listMemberships({ limit: 10_000 });
    const got: string[] = [];
    for (let o = 0; o < whole.total + 5; o += 9) {
      const p = await radar.scenes.listMemberships({ limit: 9, offset: o });
      expect(p.total).toBe(whole.total);
      got.push(...p.items.map((m) => `${m.scene_slug}|${m.artist_slug}`));
    }
    expect(got).toEqual(whole.items.map((m) => `${m.scene_slug}|${m.artist_slug}`));
    for (let i = 1; i < whole.items.length; i++)
      expect(whole.items[i - 1]!.confidence).toBeGreaterThanOrEqual(whole.items[i]!.confidence);
    expect(await codeOf(radar.scenes.listMemberships({ sceneSlug: 'no-such-scene' }))).toBe('SCENES_NOT_FOUND');
    expect(await codeOf(radar.scenes.listMemberships({ limit: 10_001 }))).toBe('SCENES_VALIDATION_ERROR');
  });

  it('regional and global pulses: ties by slug, regions count', async () => {
    const g = await radar.scenes.pulse.getGlobalPulse({ limit: 100 });
    const h = g.hottest;
    for (let i = 1; i < h.length; i++) {
      const a = h[i - 1]!;
      const b = h[i]!;
      expect(a.heat > b.heat || (a.heat === b.heat && a.scene_slug < b.scene_slug)).toBe(true);
    }
    expect(g.regions.reduce((a, r) => a + r.scenes, 0)).toBe(70);
    for (const { region, scenes } of g.regions) {
      const r = await radar.scenes.pulse.getRegionalPulse(region, { limit: 100 });
      expect(r.scenes.length + r.unavailable.length).toBe(scenes);
      expect(r.scenes.map((p) => p.scene_slug)).toEqual(h.filter((p) => p.region === region).map((p) => p.scene_slug));
    }
    expect(await codeOf(radar.scenes.pulse.getRegionalPulse('zz'))).toBe('SCENES_NOT_FOUND');
    expect(await codeOf(radar.scenes.pulse.getRegionalPulse('UK'))).toBe('SCENES_VALIDATION_ERROR');
  });

  it('HTTP codes and statuses', async () => {
    const handler = createFetchHandler(radar);
    const get = async (p: string) => {
      const r = await handler(new Request(`http://x/api${p}`));
      return { status: r.status, body: (await r.json()) as Body };
    };
    expect((await get('/scene-pulse/zz')).status).toBe(404);
    expect((await get('/scene-pulse/zz')).body.error.code).toBe('SCENES_NOT_FOUND');
    expect((await get('/scene-pulse/UK')).body.error.code).toBe('SCENES_VALIDATION_ERROR');
    const past = await get('/scenes?offset=500');
    expect(past.status).toBe(200);
    expect(past.body.data).toMatchObject({ items: [], total: 70 });
    expect((await get('/scenes/no-such/memberships')).body.error.code).toBe('SCENES_NOT_FOUND');
    expect((await get('/scenes/no-such/related')).body.error.code).toBe('SCENES_NOT_FOUND');
    expect((await get('/scenes/no-such/pulse')).status).toBe(404);
    expect((await get('/scenes/no-such/trends')).status).toBe(404);
    const rel = await get('/scenes/indie-uk-bristol/related?limit=51');
    expect(rel.body.error.code).toBe('SCENES_VALIDATION_ERROR');
  });
});

const NEW_SCENE = {
  slug: 'indie-uk-hr159',
  name: 'HR159 indie',
  region: 'uk',
  city: 'Bristol',
  microgenres: [...world.catalog.scenes.find((s) => s.slug === 'indie-uk-bristol')!.microgenres],
};

describe('re-import and refresh interplay', () => {
  it('a scene imported after the refresh is unavailable everywhere until the next refresh places artists in it', async () => {
    const radar = make();
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(NOW);
    await radar.scenes.pulse.getGlobalPulse();
    await radar.scenes.pulse.getRegionalPulse('uk', { limit: 100 });
    await radar.scenes.importCatalog({ scenes: [NEW_SCENE], microgenres: [] });
    expect(await codeOf(radar.scenes.pulse.getScenePulse(NEW_SCENE.slug))).toBe('SOURCES_UNAVAILABLE');
    const [item] = await radar.scenes.pulse.batchProcessScenes([NEW_SCENE.slug]);
    expect(item!.status).toBe('unavailable');
    const g = await radar.scenes.pulse.getGlobalPulse();
    expect(g.summary.unavailable).toBe(1);
    expect(g.regions.find((r) => r.region === 'uk')!.scenes).toBe(
      world.catalog.scenes.filter((s) => s.region === 'uk').length + 1,
    );
    const r = await radar.scenes.pulse.getRegionalPulse('uk', { limit: 100 });
    expect(r.unavailable.map((u) => u.slug)).toEqual([NEW_SCENE.slug]);
    const handler = createFetchHandler(radar);
    const res = await handler(new Request(`http://x/api/scenes/${NEW_SCENE.slug}/pulse`));
    expect(res.status).toBe(503);
    const adapterPulses = await radar.scenesAdapter.getScenePulses([NEW_SCENE.slug, 'indie-uk-bristol'], {
      asOf: NOW,
      signal: new AbortController().signal,
    });
    expect(adapterPulses.has(NEW_SCENE.slug) ? adapterPulses.get(NEW_SCENE.slug)!.status : 'absent').not.toBe('ok');
    const report = await radar.refresh(NOW);
    expect(report.scenes.warnings).toEqual([]);
    const p = await radar.scenes.pulse.getScenePulse(NEW_SCENE.slug);
    expect(p.status).toBe('ok');
    expect(p.active_members).toBeGreaterThanOrEqual(0);
    await radar.close();
  });

  it('two refreshes at once and an import between them: all settle, the new scene is placed', async () => {
    const radar = make();
    await radar.scenes.importCatalog(world.catalog);
    const [a, , b] = await Promise.all([
      radar.refresh(NOW),
      radar.scenes.importCatalog({ scenes: [NEW_SCENE], microgenres: [] }),
      radar.refresh(NOW),
    ]);
    expect(a.scenes.asOf).toBe(NOW.toISOString());
    expect(b.scenes.asOf).toBe(NOW.toISOString());
    const p = await radar.scenes.pulse.getScenePulse(NEW_SCENE.slug);
    expect(p.status).toBe('ok');
    const single = make();
    await single.scenes.importCatalog(world.catalog);
    await single.scenes.importCatalog({ scenes: [NEW_SCENE], microgenres: [] });
    await single.refresh(NOW);
    const norm = (x: Awaited<ReturnType<SceneRadar['scenes']['listMemberships']>>) =>
      x.items.map((m) => `${m.scene_slug}|${m.artist_slug}|${m.confidence}`).sort();
    expect(norm(await radar.scenes.listMemberships({ limit: 10_000 }))).toEqual(
      norm(await single.scenes.listMemberships({ limit: 10_000 })),
    );
    await radar.close();
    await single.close();
  });
});

describe('a source that fails for some scenes', () => {
  it('Fusion failing for some members: those scenes degraded, the rest ok, trends held back and counted', async () => {
    const base = make();
    await base.scenes.importCatalog(world.catalog);
    await base.refresh(NOW);
    const all = (await base.scenes.listMemberships({ limit: 10_000 })).items;
    await base.close();
    const bySceneCount = new Map<string, string[]>();
    for (const m of all) bySceneCount.set(m.scene_slug, [...(bySceneCount.get(m.scene_slug) ?? []), m.artist_slug]);
    // A scene with >= 2 members: fail one of them.
    const [target, members] = [...bySceneCount].find(([, a]) => a.length >= 2)!;
    const bad = new Set([members[0]!]);
    const fusion: FusionAdapter = {
      ...world.sources.fusion!,
      maxBatchSize: 1,
      getEngagement: async (slugs, o) => {
        if (slugs.some((s) => bad.has(s))) throw new Error('fusion down for this artist');
        return world.sources.fusion!.getEngagement(slugs, o);
      },
    };
    const radar = make({ ...world.sources, fusion });
    await radar.scenes.importCatalog(world.catalog);
    const report = await radar.refresh(NOW);
    const affected = [...bySceneCount].filter(([, a]) => a.some((x) => bad.has(x))).map(([s]) => s);
    expect(report.scenes.snapshots).toBe(70 - affected.length);
    expect(report.scenes.warnings.join(' ')).toContain(`${affected.length} of 70 scenes`);
    const p = await radar.scenes.pulse.getScenePulse(target);
    expect(p.status).toBe('degraded');
    expect(p.sources.fusion!.error).toBe(1);
    const g = await radar.scenes.pulse.getGlobalPulse({ limit: 100 });
    expect(g.summary.degraded).toBe(affected.length);
    expect(g.summary.ok).toBe(70);
    const trends = await radar.scenes.getSceneTrends(target, { days: 1 });
    expect(trends.series).toHaveLength(0);
    await radar.close();
  });

  it('Fusion failing for every member of a scene: heat unknown (SOURCES_UNAVAILABLE), not 0', async () => {
    const base = make();
    await base.scenes.importCatalog(world.catalog);
    await base.refresh(NOW);
    const all = (await base.scenes.listMemberships({ limit: 10_000 })).items;
    await base.close();
    const target = all[0]!.scene_slug;
    const bad = new Set(all.filter((m) => m.scene_slug === target).map((m) => m.artist_slug));
    const fusion: FusionAdapter = {
      ...world.sources.fusion!,
      maxBatchSize: 1,
      getEngagement: async (slugs, o) => {
        if (slugs.some((s) => bad.has(s))) throw new Error('fusion down');
        return world.sources.fusion!.getEngagement(slugs, o);
      },
    };
    const radar = make({ ...world.sources, fusion });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(NOW);
    expect(await codeOf(radar.scenes.pulse.getScenePulse(target))).toBe('SOURCES_UNAVAILABLE');
    const [item] = await radar.scenes.pulse.batchProcessScenes([target]);
    expect(item!.status).toBe('unavailable');
    const rec = await radar.scenes.recommendScenes({ limit: 50 });
    expect(rec.items.map((i) => i.scene_slug)).not.toContain(target);
    expect(rec.stored).toBe(false);
    await radar.close();
  });
});

describe('a host cap lower than the schema (scenes.maxScenesPerQuery = 5)', () => {
  let radar: SceneRadar;
  let full: SceneRadar;
  beforeAll(async () => {
    radar = make(world.sources, { scenes: { maxScenesPerQuery: 5, maxMembershipsPerQuery: 3 } });
    full = make();
    for (const r of [radar, full]) {
      await r.scenes.importCatalog(world.catalog);
      await r.refresh(NOW);
    }
  });
  afterAll(async () => {
    await radar.close();
    await full.close();
  });
  it('defaults are lowered to the cap, values over it are INVALID_PARAMS', async () => {
    expect((await radar.scenes.listScenes()).limit).toBe(5);
    expect((await radar.scenes.listScenes()).items).toHaveLength(5);
    expect(await codeOf(radar.scenes.listScenes({ limit: 6 }))).toBe('SCENES_INVALID_PARAMS');
    expect(await radar.scenes.getRelatedScenes('indie-uk-bristol')).toHaveLength(
      Math.min(5, (await full.scenes.getRelatedScenes('indie-uk-bristol', { limit: 50 })).length),
    );
    expect(await codeOf(radar.scenes.getRelatedScenes('indie-uk-bristol', { limit: 6 }))).toBe('SCENES_INVALID_PARAMS');
    expect((await radar.scenes.recommendScenes()).items.length).toBeLessThanOrEqual(5);
    expect(await codeOf(radar.scenes.recommendScenes({ limit: 6 }))).toBe('SCENES_INVALID_PARAMS');
    expect((await radar.scenes.listMemberships()).limit).toBe(3);
    expect(await codeOf(radar.scenes.listMemberships({ limit: 4 }))).toBe('SCENES_INVALID_PARAMS');
    expect(await codeOf(radar.scenes.pulse.getRegionalPulse('us', { limit: 6 }))).toBe('SCENES_INVALID_PARAMS');
    expect(await codeOf(radar.scenes.pulse.getGlobalPulse({ limit: 6 }))).toBe('SCENES_INVALID_PARAMS');
    expect(
      await codeOf(radar.scenes.pulse.batchProcessScenes(world.catalog.scenes.slice(0, 6).map((s) => s.slug))),
    ).toBe('SCENES_INVALID_PARAMS');
  });
  it('regional and global pulses rank every scene, not the first group', async () => {
    const r = await radar.scenes.pulse.getRegionalPulse('us');
    expect(r.scenes).toHaveLength(5);
    const g = await radar.scenes.pulse.getGlobalPulse();
    expect(g.hottest).toHaveLength(5);
    expect(g.summary.scenes).toBe(70);
    const h = await radar.scenesAdapter.listHottestScenes(
      { limit: 5 },
      { asOf: NOW, signal: new AbortController().signal },
    );
    const list: readonly { sceneSlug: string }[] = 'scenes' in h ? h.scenes : h;
    expect(list.map((s) => s.sceneSlug)).toEqual(g.hottest.map((p) => p.scene_slug));
  });
});

describe('refresh interrupted or run twice', () => {
  it('a refresh whose signal aborts while another runs rejects SCENES_TIMEOUT; the other completes', async () => {
    const radar = make();
    await radar.scenes.importCatalog(world.catalog);
    const ac = new AbortController();
    const first = radar.scenes.refresh(NOW);
    const second = radar.scenes.refresh(NOW, { signal: ac.signal });
    ac.abort(new Error('gave up'));
    expect(await codeOf(second)).toBe('SCENES_TIMEOUT');
    expect((await first).asOf).toBe(NOW.toISOString());
    expect((await radar.scenes.pulse.getGlobalPulse()).summary.ok).toBe(70);
    await radar.close();
  });

  it('two instances over the same stores refresh at once: both succeed, one consistent state', async () => {
    const shared = memoryScenesStores();
    const a = createSceneRadar({ sources: world.sources, stores: { scenes: shared }, clock: fixedClock(NOW) });
    const b = createSceneRadar({ sources: world.sources, stores: { scenes: shared }, clock: fixedClock(NOW) });
    await a.scenes.importCatalog(world.catalog);
    const [ra, rb] = await Promise.all([a.scenes.refresh(NOW), b.scenes.refresh(NOW)]);
    expect(ra.asOf).toBe(rb.asOf);
    const single = make();
    await single.scenes.importCatalog(world.catalog);
    await single.refresh(NOW);
    const norm = (x: Awaited<ReturnType<SceneRadar['scenes']['listMemberships']>>) =>
      x.items.map((m) => `${m.scene_slug}|${m.artist_slug}|${m.confidence}|${m.joined_at}`).sort();
    expect(norm(await a.scenes.listMemberships({ limit: 10_000 }))).toEqual(
      norm(await single.scenes.listMemberships({ limit: 10_000 })),
    );
    expect((await b.scenes.pulse.getGlobalPulse({ limit: 100 })).hottest.map((p) => p.heat)).toEqual(
      (await single.scenes.pulse.getGlobalPulse({ limit: 100 })).hottest.map((p) => p.heat),
    );
    for (const r of [a, b, single]) await r.close();
  });

  it('HTTP memberships page past the end; trends of a fresh refresh', async () => {
    const radar = make();
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(NOW);
    const handler = createFetchHandler(radar);
    const m = (await radar.scenes.listMemberships({ limit: 1 })).items[0]!;
    const res = await handler(new Request(`http://x/api/scenes/${m.scene_slug}/memberships?offset=99999`));
    const body = (await res.json()) as Body;
    expect(res.status).toBe(200);
    expect(body.data.items).toEqual([]);
    expect(body.data.total).toBe((await radar.scenes.listMemberships({ sceneSlug: m.scene_slug })).total);
    const t = await radar.scenes.getSceneTrends(m.scene_slug, { days: 7 });
    expect(t.series).toHaveLength(1);
    expect(t.summary!.coverage).toBeCloseTo(1 / 7, 3);
    expect(t.to).toBe('2026-11-24');
    await radar.close();
  });
});

describe('odd batches and re-imported sound', () => {
  it('batch with duplicates and unknown slugs; empty batch; HTTP limit=0; re-import changing microgenres', async () => {
    const radar = make();
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(NOW);
    const items = await radar.scenes.pulse.batchProcessScenes(['indie-uk-bristol', 'no-such', 'indie-uk-bristol']);
    expect(items.map((i) => [i.slug, i.status])).toEqual([
      ['indie-uk-bristol', 'ok'],
      ['no-such', 'not_found'],
      ['indie-uk-bristol', 'ok'],
    ]);
    expect(await radar.scenes.pulse.batchProcessScenes([])).toEqual([]);
    const handler = createFetchHandler(radar);
    const r0 = await handler(new Request('http://x/api/scene-pulse?limit=0'));
    expect(r0.status).toBe(400);
    expect(((await r0.json()) as Body).error.code).toBe('SCENES_VALIDATION_ERROR');
    const scene = world.catalog.scenes.find((s) => s.slug === 'indie-uk-bristol')!;
    const other = world.catalog.microgenres.find((m) => !scene.microgenres.includes(m.slug))!;
    await radar.scenes.importCatalog({ scenes: [{ ...scene, microgenres: [other.slug] }], microgenres: [] });
    const p = await radar.scenes.pulse.getScenePulse('indie-uk-bristol');
    expect(p.microgenre_mix.every((x) => x.microgenre === other.slug)).toBe(true);
    await radar.refresh(NOW);
    const rows = (await radar.scenes.listMemberships({ sceneSlug: 'indie-uk-bristol', limit: 10_000 })).items;
    expect(rows.every((m) => m.microgenres.every((g) => g === other.slug))).toBe(true);
    await radar.close();
  });
});

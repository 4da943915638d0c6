/**
 * Scenes Engine: catalog (import, list, get, microgenres) and memberships (confidence from sound,
 * place and people, stored by refresh, paged), with the seed's error codes and limits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from 'scene-radar';
import { memoryScenesStores, type ScenesStores } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 300, end: '2026-11-24' });
const scenes = world.catalog.scenes;
const ukScenes = scenes.filter((s) => s.region === 'uk');

/** Expects `fn` to reject or throw synchronously; chain `.toMatchObject({ code })`. */
const rejects = (fn: () => unknown) => expect(Promise.resolve().then(fn)).rejects;

let stores: ScenesStores;
let radar: SceneRadar;
beforeAll(async () => {
  stores = memoryScenesStores();
  radar = createSceneRadar({ sources: world.sources, stores: { scenes: stores }, clock: fixedClock(NOW) });
  expect(await radar.scenes.importCatalog(world.catalog)).toEqual({
    scenes: 70,
    microgenres: world.catalog.microgenres.length,
  });
  await radar.refresh();
});

describe('catalog', () => {
  it('lists scenes by slug with limit / offset paging and a total', async () => {
    const first = await radar.scenes.listScenes();
    expect(first).toMatchObject({ total: 70, limit: 20, offset: 0 });
    expect(first.items).toHaveLength(20);
    const seen: string[] = [];
    for (let offset = 0; offset < 70; offset += 30) {
      const page = await radar.scenes.listScenes({ limit: 30, offset });
      expect(page.total).toBe(70);
      seen.push(...page.items.map((s) => s.slug));
    }
    expect(seen).toEqual(scenes.map((s) => s.slug).sort());
    expect((await radar.scenes.listScenes({ limit: 100 })).items).toHaveLength(70);
    expect(await radar.scenes.listScenes({ offset: 70 })).toMatchObject({ items: [], total: 70 });
  });

  it('filters by region', async () => {
    const uk = await radar.scenes.listScenes({ region: 'uk', limit: 100 });
    expect(uk.total).toBe(ukScenes.length);
    expect(uk.items.map((s) => s.slug)).toEqual(ukScenes.map((s) => s.slug).sort());
    const tail = await radar.scenes.listScenes({ region: 'uk', limit: 5, offset: ukScenes.length - 1 });
    expect(tail.items).toHaveLength(1);
    expect(await radar.scenes.listScenes({ region: 'zz' })).toMatchObject({ items: [], total: 0 });
  });

  // A range is part of the request schema: out of it is a VALIDATION_ERROR, as over HTTP.
  it('rejects out-of-range limits and offsets and malformed regions with SCENES_VALIDATION_ERROR', async () => {
    for (const limit of [0, 101, 2.5, -1, Number.NaN]) {
      await rejects(() => radar.scenes.listScenes({ limit })).toMatchObject({
        code: 'SCENES_VALIDATION_ERROR',
        httpStatus: 400,
        details: [expect.objectContaining({ path: ['limit'] })],
      });
    }
    await rejects(() => radar.scenes.listScenes({ limit: '10' as unknown as number })).toMatchObject({
      code: 'SCENES_VALIDATION_ERROR',
    });
    await rejects(() => radar.scenes.listScenes({ offset: -1 })).toMatchObject({ code: 'SCENES_VALIDATION_ERROR' });
    await rejects(() => radar.scenes.listMicrogenres({ limit: 101 })).toMatchObject({
      code: 'SCENES_VALIDATION_ERROR',
    });
    await rejects(() => radar.scenes.listScenes({ region: 'U K!' })).toMatchObject({
      code: 'SCENES_VALIDATION_ERROR',
      details: [{ code: 'invalid_format', path: ['region'] }],
    });
  });

  it('serves at most scenes.maxScenesPerQuery: a larger limit asked for is SCENES_INVALID_PARAMS', async () => {
    const capped = createSceneRadar({
      sources: {},
      stores: { scenes: stores },
      clock: fixedClock(NOW),
      config: { scenes: { maxScenesPerQuery: 5 } },
    });
    await rejects(() => capped.scenes.listScenes({ limit: 6 })).toMatchObject({
      code: 'SCENES_INVALID_PARAMS',
      details: [{ code: 'too_big', path: ['limit'] }],
    });
    // The default (20) is lowered to the cap, not refused.
    expect((await capped.scenes.listScenes()).limit).toBe(5);
    await capped.close();
  });

  it('gets a scene by slug; SCENES_NOT_FOUND for an unknown one, SCENES_VALIDATION_ERROR for a malformed one', async () => {
    expect(await radar.scenes.getScene('indie-uk-brighton')).toEqual(
      scenes.find((s) => s.slug === 'indie-uk-brighton'),
    );
    await rejects(() => radar.scenes.getScene('no-such-scene')).toMatchObject({
      code: 'SCENES_NOT_FOUND',
      httpStatus: 404,
    });
    for (const bad of ['Indie UK', '', 'indie--uk', '-indie', 'x'.repeat(129), 'indie_uk']) {
      await rejects(() => radar.scenes.getScene(bad)).toMatchObject({
        code: 'SCENES_VALIDATION_ERROR',
        httpStatus: 400,
      });
    }
    await rejects(() => radar.scenes.getScene('Bad Slug')).toMatchObject({
      details: [expect.objectContaining({ path: ['slug'] })],
    });
  });

  it('lists and gets microgenres; MICROGENRE_NOT_FOUND for an unknown one', async () => {
    const page = await radar.scenes.listMicrogenres({ limit: 100 });
    expect(page.total).toBe(world.catalog.microgenres.length);
    expect(page.items).toHaveLength(100);
    const g = world.catalog.microgenres[0]!;
    expect(await radar.scenes.getMicrogenre(g.slug)).toEqual(g);
    await rejects(() => radar.scenes.getMicrogenre('no-such-genre')).toMatchObject({
      code: 'MICROGENRE_NOT_FOUND',
      httpStatus: 404,
    });
    await rejects(() => radar.scenes.getMicrogenre('Dream Pop')).toMatchObject({ code: 'SCENES_VALIDATION_ERROR' });
  });

  it('createSceneRadar rejects an invalid config at construction with CONFIG_INVALID', () => {
    expect(() => createSceneRadar({ sources: {}, config: { scenes: { maxScenesPerQuery: 0 } } })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }) as Error,
    );
    expect(() => createSceneRadar({ sources: {}, config: { scenes: { scenePulseTtlMs: -1 } } })).toThrow(
      /scenes\.scenePulseTtlMs/,
    );
  });

  it('imports all or nothing: an invalid row or an unknown microgenre rejects the whole catalog', async () => {
    const fresh = memoryScenesStores();
    const r = createSceneRadar({ sources: {}, stores: { scenes: fresh }, clock: fixedClock(NOW) });
    const badSlug = { ...world.catalog, scenes: [...scenes.slice(0, 3), { ...scenes[3]!, slug: 'Not A Slug' }] };
    await rejects(() => r.scenes.importCatalog(badSlug)).toMatchObject({ code: 'SCENES_VALIDATION_ERROR' });
    const unknownGenre = {
      ...world.catalog,
      scenes: [{ ...scenes[0]!, microgenres: ['no-such-genre'] }, ...scenes.slice(1)],
    };
    await rejects(() => r.scenes.importCatalog(unknownGenre)).toMatchObject({ code: 'SCENES_INVALID_PARAMS' });
    expect(await fresh.scenes.count()).toBe(0);
    expect(await fresh.microgenres.count()).toBe(0);
    await r.close();
  });
});

describe('memberships', () => {
  it('stores confidence 0-1 from sound, place and people, with a reason for each component', async () => {
    const rows = await stores.scene_memberships.scan();
    expect(rows.length).toBeGreaterThan(300);
    const p = radar.config.scenes.membership;
    const w = p.weights.sound + p.weights.place + p.weights.people;
    for (const r of rows) {
      for (const v of [r.confidence, r.sound, r.place, r.people]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(r.confidence).toBeGreaterThanOrEqual(p.minConfidence);
      expect(r.confidence).toBeCloseTo(
        (p.weights.sound * r.sound + p.weights.place * r.place + p.weights.people * r.people) / w,
        2,
      );
      const scene = scenes.find((s) => s.slug === r.scene_slug)!;
      expect(r.microgenres.every((g) => scene.microgenres.includes(g))).toBe(true);
      for (const [component, value] of [
        ['sound', r.sound],
        ['place', r.place],
        ['people', r.people],
      ] as const) {
        if (value > 0)
          expect(
            r.reasons.some((x) => x.startsWith(`${component}:`)),
            `${r.artist_slug} in ${r.scene_slug}: ${component}`,
          ).toBe(true);
      }
      expect(r.as_of).toBe(NOW.toISOString());
    }
  });

  it("agrees with the demo world's ground truth: each artist's strongest membership is its home scene", async () => {
    const truth = await world.sources.scenes.getMemberships(world.dataset.artistSlugs(), {
      asOf: NOW,
      signal: new AbortController().signal,
    });
    let agree = 0;
    for (const [artist, ms] of truth) {
      const mine = await radar.scenes.listMemberships({ artistSlug: artist, limit: 1 });
      if (mine.items[0]?.scene_slug === ms[0]?.sceneSlug) agree++;
    }
    // Measured: 300 of 300 with seed 42. The bar leaves room for honest model changes, not for noise.
    expect(agree / truth.size).toBeGreaterThanOrEqual(0.9);
  });

  it('pages a scene or an artist, strongest first, with a total', async () => {
    const all = await radar.scenes.listMemberships({ sceneSlug: 'indie-uk-brighton', limit: 10_000 });
    expect(all.total).toBe(all.items.length);
    expect(all.total).toBeGreaterThan(4);
    expect(all.items.every((r) => r.scene_slug === 'indie-uk-brighton')).toBe(true);
    const conf = all.items.map((r) => r.confidence);
    expect(conf).toEqual([...conf].sort((a, b) => b - a));
    const paged = [];
    for (let offset = 0; offset < all.total; offset += 3)
      paged.push(...(await radar.scenes.listMemberships({ sceneSlug: 'indie-uk-brighton', limit: 3, offset })).items);
    expect(paged.map((r) => r.artist_slug)).toEqual(all.items.map((r) => r.artist_slug));
    const artist = all.items[0]!.artist_slug;
    const mine = await radar.scenes.listMemberships({ artistSlug: artist });
    expect(mine.items.every((r) => r.artist_slug === artist)).toBe(true);
    expect(mine.items.map((r) => r.scene_slug)).toContain('indie-uk-brighton');
  });

  it('accepts at most 10,000 memberships per query and checks its arguments', async () => {
    expect((await radar.scenes.listMemberships({ limit: 10_000 })).items.length).toBe(
      await stores.scene_memberships.count(),
    );
    for (const limit of [0, 10_001, 1.5])
      await rejects(() => radar.scenes.listMemberships({ limit })).toMatchObject({ code: 'SCENES_VALIDATION_ERROR' });
    await rejects(() => radar.scenes.listMemberships({ sceneSlug: 'no-such-scene' })).toMatchObject({
      code: 'SCENES_NOT_FOUND',
    });
    await rejects(() => radar.scenes.listMemberships({ artistSlug: 'Bad Artist' })).toMatchObject({
      code: 'SCENES_VALIDATION_ERROR',
    });
  });

  it('caps the members a pulse reads at maxMembershipsPerQuery', async () => {
    const capped = createSceneRadar({
      sources: world.sources,
      stores: { scenes: stores },
      clock: fixedClock(NOW),
      config: { scenes: { maxMembershipsPerQuery: 3 } },
    });
    await rejects(() => capped.scenes.listMemberships({ limit: 4 })).toMatchObject({ code: 'SCENES_INVALID_PARAMS' });
    const pulse = await capped.scenes.pulse.getScenePulse('indie-uk-brighton');
    expect(pulse.total_members).toBe(3);
    await capped.close();
  });

  it('is recomputed and stored by refresh (as of the given instant)', async () => {
    const own = memoryScenesStores();
    const clock = fixedClock(NOW);
    const r = createSceneRadar({ sources: world.sources, stores: { scenes: own }, clock });
    await r.scenes.importCatalog(world.catalog);
    const earlier = new Date('2026-05-01T00:00:00.000Z');
    const first = await r.refresh(earlier);
    expect(first.scenes.asOf).toBe(earlier.toISOString());
    expect(first.scenes.memberships.memberships).toBe(await own.scene_memberships.count());
    expect(
      (await own.scene_memberships.scan()).every(
        (m) => m.as_of === earlier.toISOString() && Date.parse(m.joined_at) <= earlier.getTime(),
      ),
    ).toBe(true);
    clock.set('2026-11-25T06:00:00.000Z');
    const second = await r.refresh();
    expect(second.scenes.memberships.artists).toBe(300);
    // Every membership is recomputed; one whose evidence is gone is held at its last evidence (hysteresis).
    const rows = await own.scene_memberships.scan();
    expect(rows.filter((m) => m.as_of !== '2026-11-25T06:00:00.000Z')).toHaveLength(second.scenes.memberships.held);
    expect(rows.filter((m) => m.as_of === '2026-11-25T06:00:00.000Z')).toHaveLength(
      second.scenes.memberships.memberships,
    );
    await rejects(() => r.refresh(new Date(Number.NaN))).toMatchObject({ code: 'SCENES_VALIDATION_ERROR' });
    await r.close();
  });
});

/**
 * Failures never outlive an outage and bad input never surfaces as a crash: regression tests for
 * defects found in review (degraded data stored for long, MIG outages wiping relationships, option
 * objects that crashed, a host's shared cache store closed by the SDK).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, isSceneRadarError, type SceneRadarSources } from 'scene-radar';
import { Cache } from '../../src/core/cache/cache.js';
import { lruCacheStore, memoryScenesStores, type CacheStore } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 300, end: '2026-11-24' });
const clock = fixedClock(NOW);
const code = async (p: () => Promise<unknown>): Promise<string> => {
  try {
    await p();
    return 'resolved';
  } catch (e) {
    return isSceneRadarError(e) ? e.code : `not a SceneRadarError: ${String(e)}`;
  }
};
const failing = (): never => {
  throw new Error('source down');
};
const withBroken = (patch: (s: typeof world.sources) => SceneRadarSources): SceneRadarSources => patch(world.sources);

describe('bad input', () => {
  const radar = createSceneRadar({ sources: world.sources, clock });
  beforeAll(async () => {
    await radar.scenes.importCatalog(world.catalog);
  });

  it('option objects that are not objects are SCENES_VALIDATION_ERROR, never a TypeError', async () => {
    const nul = null as never;
    const s = 'indie-uk-brighton';
    for (const call of [
      () => radar.scenes.listScenes(nul),
      () => radar.scenes.listMicrogenres(nul),
      () => radar.scenes.listMemberships(nul),
      () => radar.scenes.getSceneTrends(s, nul),
      () => radar.scenes.getRelatedScenes(s, nul),
      () => radar.scenes.recommendScenes(nul),
      () => radar.scenes.pulse.batchProcessScenes([s], nul),
      () => radar.scenes.pulse.getRegionalPulse('uk', nul),
      () => radar.scenes.pulse.getGlobalPulse(nul),
      () => radar.scenes.importCatalog(nul),
      () => radar.scenes.importCatalog({ scenes: 'x', microgenres: [] } as never),
    ]) {
      expect(await code(call)).toBe('SCENES_VALIDATION_ERROR');
    }
  });

  it('a scene may name microgenres imported earlier', async () => {
    const s = world.catalog.scenes[0]!;
    await expect(
      radar.scenes.importCatalog({ scenes: [{ ...s, slug: 'indie-uk-hove', name: 'Hove Indie' }], microgenres: [] }),
    ).resolves.toEqual({ scenes: 1, microgenres: 0 });
    expect(
      await code(() =>
        radar.scenes.importCatalog({
          scenes: [{ ...s, slug: 'indie-uk-worthing', microgenres: ['no-such-genre'] }],
          microgenres: [],
        }),
      ),
      // Every row is valid: a name of a microgenre nobody imported is a reference to nothing.
    ).toBe('SCENES_INVALID_PARAMS');
  });
});

describe('failing sources leave no lasting damage', () => {
  it('a MIG universe outage is reported and keeps the relationships', async () => {
    const stores = memoryScenesStores();
    const healthy = createSceneRadar({ sources: world.sources, stores: { scenes: stores }, clock });
    await healthy.scenes.importCatalog(world.catalog);
    await healthy.refresh();
    const before = await stores.scene_relationships.count();
    const broken = createSceneRadar({
      sources: withBroken((s) => ({ ...s, mig: { ...s.mig, listArtists: failing } })),
      stores: { scenes: stores },
      clock,
    });
    const report = await broken.refresh();
    expect(report.scenes.memberships.universe).toBe('error');
    expect(await stores.scene_relationships.count()).toBe(before);
    expect(before).toBeGreaterThan(0);
  });

  it('degraded pulses are not written as trend rows', async () => {
    const stores = memoryScenesStores();
    const healthy = createSceneRadar({ sources: world.sources, stores: { scenes: stores }, clock });
    await healthy.scenes.importCatalog(world.catalog);
    await healthy.refresh();
    await stores.scene_trends.deleteWhere({});
    const broken = createSceneRadar({
      sources: withBroken((s) => ({ ...s, fusion: { ...s.fusion, getEngagement: failing } })),
      stores: { scenes: stores },
      clock,
    });
    await broken.refresh();
    // Only scenes without members (nothing to read, so nothing failed) may still get a row.
    const rows = await stores.scene_trends.scan();
    for (const r of rows)
      expect(await stores.scene_memberships.count({ scene_slug: r.scene_slug }), r.scene_slug).toBe(0);
    expect(rows.length).toBeLessThan(world.catalog.scenes.length / 2);
  });

  it('recommendations built on a failed CMG read are returned but not stored', async () => {
    const stores = memoryScenesStores();
    // Memberships computed once (a scene's heat is unknown without them), then CMG fails.
    const healthy = createSceneRadar({ sources: world.sources, stores: { scenes: stores }, clock });
    await healthy.scenes.importCatalog(world.catalog);
    await healthy.refresh();
    await healthy.close();
    const radar = createSceneRadar({
      sources: withBroken((s) => ({ ...s, cmg: { ...s.cmg, getReleases: failing } })),
      stores: { scenes: stores },
      clock,
    });
    const artist = world.dataset.artistSlugs()[0]!;
    const first = await radar.scenes.recommendScenes({ artistSlug: artist, limit: 3 });
    expect(first.items.length).toBeGreaterThan(0);
    expect(first.notes.join('\n')).toMatch(/The artist's own reads failed/);
    expect(await stores.scene_recommendations_cache.count({ subject: `artist:${artist}` })).toBe(0);
  });

  it('a global pulse with degraded scenes says so and is cached only briefly', async () => {
    const stores = memoryScenesStores();
    const healthy = createSceneRadar({ sources: world.sources, stores: { scenes: stores }, clock });
    await healthy.scenes.importCatalog(world.catalog);
    await healthy.refresh();
    const radar = createSceneRadar({
      sources: withBroken((s) => ({ ...s, fusion: { ...s.fusion, getEngagement: failing } })),
      stores: { scenes: stores },
      clock,
    });
    const g = await radar.scenes.pulse.getGlobalPulse();
    // Fusion failing for every member: those scenes' heat is unknown, counted, and in no list.
    expect(g.summary.unavailable).toBeGreaterThan(0);
    expect(g.hottest.every((p) => p.sources.fusion!.ok > 0 || p.total_members === 0)).toBe(true);
    clock.advance(radar.config.scenes.degradedTtlMs + 1);
    const again = await radar.scenes.pulse.getGlobalPulse();
    expect(again).not.toBe(g);
    clock.set(NOW);
  });
});

describe('the host owns what it passes in', () => {
  it('closing the radar does not close a shared cache store', async () => {
    const inner = lruCacheStore<unknown>();
    let closed = 0;
    const shared: CacheStore<unknown> = { ...inner, close: () => void closed++ };
    const radar = createSceneRadar({ sources: world.sources, clock, cache: { store: shared } });
    await radar.close();
    expect(closed).toBe(0);
    const own = new Cache<number>({ ttlMs: 10 });
    await own.close();
  });
});

/**
 * Faults found by a hostile review of the Scenes Engine, each reproduced on the demo world: a
 * catalog re-import that left cached pulses of the old catalog in place, a scene imported after
 * the last refresh shown as a known empty scene (heat 0, `ok`), a Fusion answer with no values
 * that gave a pulse the confidence of a full one, a refresh that committed after `close()`, and
 * the ScenesAdapter's hottest scenes failing on a host whose `scenes.maxScenesPerQuery` is below 100.
 */
import { hottestScenesOf } from '../../src/contracts/sources.js';
import { describe, expect, it } from 'vitest';
import {
  createSceneRadar,
  fixedClock,
  type CMGAdapter,
  type FusionAdapter,
  type MIGAdapter,
  type SceneRadar,
} from 'scene-radar';
import { memoryScenesStores, type ScenesStores } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 120, end: '2026-11-24' });
const SCENE = world.catalog.scenes[0]!;

/** A radar over fresh memory tables with the demo catalog imported and its scenes refreshed. */
async function refreshedRadar(
  config?: Parameters<typeof createSceneRadar>[0]['config'],
): Promise<{ radar: SceneRadar; stores: ScenesStores }> {
  const stores = memoryScenesStores();
  const radar = createSceneRadar({
    sources: world.sources,
    stores: { scenes: stores },
    clock: fixedClock(NOW),
    config,
  });
  await radar.scenes.importCatalog(world.catalog);
  await radar.scenes.refresh();
  return { radar, stores };
}

describe('catalog re-import', () => {
  it('drops cached pulses of the old catalog: a renamed scene moved to another region is not served as it was', async () => {
    const { radar } = await refreshedRadar();
    const before = await radar.scenes.pulse.getScenePulse(SCENE.slug);
    expect(before).toMatchObject({ name: SCENE.name, region: SCENE.region });
    await radar.scenes.pulse.getRegionalPulse(SCENE.region, { limit: 100 });
    await radar.scenes.importCatalog({ scenes: [{ ...SCENE, name: 'Renamed', region: 'zz' }], microgenres: [] });
    expect(await radar.scenes.pulse.getScenePulse(SCENE.slug)).toMatchObject({ name: 'Renamed', region: 'zz' });
    const old = await radar.scenes.pulse.getRegionalPulse(SCENE.region, { limit: 100 });
    expect(old.scenes.map((p) => p.scene_slug)).not.toContain(SCENE.slug);
    const moved = await radar.scenes.pulse.getRegionalPulse('zz', { limit: 100 });
    expect(moved.scenes.map((p) => [p.scene_slug, p.region])).toEqual([[SCENE.slug, 'zz']]);
    await radar.close();
  });

  it('drops stored recommendations, which weighed the old scenes', async () => {
    const { radar, stores } = await refreshedRadar();
    await radar.scenes.recommendScenes({ limit: 3 });
    expect(await stores.scene_recommendations_cache.count()).toBeGreaterThan(0);
    await radar.scenes.importCatalog({ scenes: [{ ...SCENE, region: 'zz' }], microgenres: [] });
    expect(await stores.scene_recommendations_cache.count()).toBe(0);
    await radar.close();
  });

  it('a scene imported after the last refresh has an unknown heat until a refresh places artists in it', async () => {
    const { radar } = await refreshedRadar();
    const added = { ...SCENE, slug: 'added-after-refresh', name: 'Added' };
    await radar.scenes.importCatalog({ scenes: [added], microgenres: [] });
    await expect(radar.scenes.pulse.getScenePulse(added.slug)).rejects.toMatchObject({
      code: 'SOURCES_UNAVAILABLE',
      message: expect.stringContaining('imported after the last refresh'),
    });
    const [item] = await radar.scenes.pulse.batchProcessScenes([added.slug]);
    expect(item).toMatchObject({ status: 'unavailable' });
    const global = await radar.scenes.pulse.getGlobalPulse({ limit: 100 });
    expect(global.hottest.map((p) => p.scene_slug)).not.toContain(added.slug);
    expect(global.summary.unavailable).toBe(1);
    const read = await radar.scenesAdapter.getScenePulses([added.slug, SCENE.slug], {
      asOf: NOW,
      signal: new AbortController().signal,
    });
    expect([...read.keys()]).toEqual([SCENE.slug]);
    // The next refresh scores it: a pulse, over the members it found (the same as the scene it copies).
    const report = await radar.scenes.refresh();
    expect(report.snapshots).toBe(world.catalog.scenes.length + 1);
    const pulse = await radar.scenes.pulse.getScenePulse(added.slug);
    expect(pulse.total_members).toBe((await radar.scenes.pulse.getScenePulse(SCENE.slug)).total_members);
    await radar.close();
  });

  it('a scene imported while a refresh runs still awaits the next one (that refresh read the catalog before it)', async () => {
    const stores = memoryScenesStores();
    const added = { ...SCENE, slug: 'added-during-refresh', name: 'Added' };
    let importing: Promise<unknown> | undefined;
    const cmg: CMGAdapter = {
      ...world.sources.cmg!,
      async getReleases(keys, options) {
        importing ??= radar.scenes.importCatalog({ scenes: [added], microgenres: [] });
        return world.sources.cmg!.getReleases(keys, options);
      },
    };
    const radar = createSceneRadar({
      sources: { ...world.sources, cmg },
      stores: { scenes: stores },
      clock: fixedClock(NOW),
    });
    await radar.scenes.importCatalog(world.catalog);
    const first = await radar.scenes.refresh();
    await importing;
    expect(first.snapshots).toBe(world.catalog.scenes.length);
    await expect(radar.scenes.pulse.getScenePulse(added.slug)).rejects.toMatchObject({ code: 'SOURCES_UNAVAILABLE' });
    const second = await radar.scenes.refresh();
    expect(second.snapshots).toBe(world.catalog.scenes.length + 1);
    expect(await radar.scenes.pulse.getScenePulse(added.slug)).toMatchObject({ status: 'ok' });
    await radar.close();
  });

  it('a refresh that could not read the artist universe leaves a new scene awaiting the next one', async () => {
    let migDown = false;
    const mig: MIGAdapter = {
      ...world.sources.mig!,
      listArtists: (query, options) =>
        migDown ? Promise.reject(new Error('MIG is down')) : world.sources.mig!.listArtists(query, options),
    };
    const clock = fixedClock(NOW);
    const radar = createSceneRadar({
      sources: { ...world.sources, mig },
      stores: { scenes: memoryScenesStores() },
      clock,
    });
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh();
    const added = { ...SCENE, slug: 'added-before-outage', name: 'Added' };
    await radar.scenes.importCatalog({ scenes: [added], microgenres: [] });
    // An hour later: the failed refresh's instant is not the as-of of the memberships it kept.
    clock.advance(3_600_000);
    migDown = true;
    expect((await radar.scenes.refresh()).memberships.universe).toBe('error');
    await expect(radar.scenes.pulse.getScenePulse(added.slug)).rejects.toMatchObject({ code: 'SOURCES_UNAVAILABLE' });
    migDown = false;
    await radar.scenes.refresh();
    expect(await radar.scenes.pulse.getScenePulse(added.slug)).toMatchObject({ status: 'ok' });
    await radar.close();
  });
});

describe('pulse evidence', () => {
  it('a Fusion answer with no value in the windows is no evidence: confidence as with Fusion absent', async () => {
    const { stores } = await refreshedRadar();
    const blank: FusionAdapter = {
      ...world.sources.fusion!,
      async getEngagement(keys, options) {
        const real = await world.sources.fusion!.getEngagement(keys, options);
        return new Map(
          [...real].map(([k, s]) => [k, { ...s, organic: s.organic.map(() => null), paid: s.paid.map(() => null) }]),
        );
      },
    };
    const over = (fusion: FusionAdapter | undefined): SceneRadar =>
      createSceneRadar({
        sources: { ...world.sources, fusion },
        stores: { scenes: stores },
        clock: fixedClock(NOW),
      });
    const nulls = over(blank);
    const absent = over(undefined);
    const a = await nulls.scenes.pulse.getScenePulse(SCENE.slug);
    const b = await absent.scenes.pulse.getScenePulse(SCENE.slug);
    expect(a.explanation.filter((x) => x.source === 'fusion').every((x) => !x.available)).toBe(true);
    expect(a.heat).toBe(b.heat);
    expect(a.confidence).toBe(b.confidence);
    await nulls.close();
    await absent.close();
  });
});

describe('refresh and close', () => {
  it('a refresh the radar is closed during writes nothing and rejects with RADAR_CLOSED', async () => {
    const stores = memoryScenesStores();
    let closing: Promise<void> | undefined;
    // Fusion is read only by the refresh's pulses (its trend snapshots): the radar is closed while
    // they read, after the memberships were computed.
    const fusion: FusionAdapter = {
      ...world.sources.fusion!,
      async getEngagement(keys, options) {
        closing ??= radar.close();
        return world.sources.fusion!.getEngagement(keys, options);
      },
    };
    const radar = createSceneRadar({
      sources: { ...world.sources, fusion },
      stores: { scenes: stores },
      clock: fixedClock(NOW),
    });
    await radar.scenes.importCatalog(world.catalog);
    await expect(radar.scenes.refresh()).rejects.toMatchObject({ code: 'RADAR_CLOSED' });
    expect(closing).toBeDefined();
    await closing;
    expect(await stores.scene_memberships.count()).toBe(0);
    expect(await stores.scene_trends.count()).toBe(0);
    expect(await stores.scene_relationships.count()).toBe(0);
  });
});

describe('ScenesAdapter', () => {
  it('lists the hottest scenes on a host whose scenes.maxScenesPerQuery is below 100', async () => {
    const { radar } = await refreshedRadar({ scenes: { maxScenesPerQuery: 30 } });
    const hottest = hottestScenesOf(
      await radar.scenesAdapter.listHottestScenes({ limit: 5 }, { asOf: NOW, signal: new AbortController().signal }),
    );
    expect(hottest).toHaveLength(5);
    const all = await radar.scenes.pulse.allPulses();
    const top = all
      .flatMap((i) => (i.pulse ? [i.pulse.heat] : []))
      .sort((x, y) => y - x)
      .slice(0, 5);
    expect(hottest.map((p) => p.heat)).toEqual(top);
    await radar.close();
  });
});

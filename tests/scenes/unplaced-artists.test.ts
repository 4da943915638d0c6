/**
 * Artists a refresh could not place (their MIG or CMG read failed, with no earlier memberships to
 * keep) mark every pulse over those memberships: `degraded`, or `unavailable` for a scene left
 * with no member (its heat unknown, not 0), until a refresh places them. The count lives in the
 * `last-refresh` row of `scenes_state`, so a second radar over the same stores (a restart, another
 * instance) says the same, in memory and on PostgreSQL alike. Found by hostile review 177.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar, type SceneRadarSources } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { type MatrixStores, storeMatrix } from '../helpers/store-matrix.js';

const END = '2026-11-24';
const NOW = '2026-11-25T00:00:00.000Z';
/** An hour later: the instant of the second refresh, and the radars' clock. */
const LATER = '2026-11-25T01:00:00.000Z';
const world = createDemoWorld({ seed: 5, artists: 40, end: END });
const slugs = world.dataset.artistSlugs();

/** The world's sources with MIG's network reads failing for the artists in `down` (one artist per call). */
function withMigDown(down: Set<string>): SceneRadarSources {
  const mig = world.sources.mig!;
  return {
    ...world.sources,
    mig: {
      ...mig,
      maxBatchSize: 1,
      getNetworks: async (keys, options) => {
        if (keys.some((k) => down.has(k))) throw new Error('mig down');
        return mig.getNetworks(keys, options);
      },
    },
  };
}

/** Each scene's pulse status from the batch API (`unavailable` for a scene served no pulse). */
async function statuses(radar: SceneRadar): Promise<Map<string, string>> {
  const scenes = world.catalog.scenes.map((s) => s.slug);
  const items = await radar.scenes.pulse.batchProcessScenes(scenes, { skipCache: true });
  return new Map(items.map((i) => [i.slug, i.status === 'ok' ? i.pulse!.status : i.status]));
}

describe.each(storeMatrix())('artists a refresh could not place ($kind)', (factory) => {
  const opened: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const o of opened.splice(0).reverse()) await o.close();
  });
  const open = async (stores: MatrixStores['stores'], sources: SceneRadarSources): Promise<SceneRadar> => {
    const radar = createSceneRadar({ sources, stores, clock: fixedClock(LATER) });
    opened.push(radar);
    return radar;
  };

  it('mark every pulse until a refresh places them; a second radar over the stores says the same', async () => {
    const m = await factory.create();
    opened.push(m);
    // MIG down for most artists on a first refresh: nothing earlier to keep, so they are placed nowhere.
    const down = new Set(slugs.slice(0, 30));
    const radar = await open(m.stores, withMigDown(down));
    await radar.scenes.importCatalog(world.catalog);
    const report = await radar.scenes.refresh(new Date(NOW));
    expect(report.memberships.lost).toBe(30);
    const row = await m.stores.scenes.scenes_state.get({ name: 'last-refresh' });
    expect(row?.value).toEqual({ asOf: NOW, unplaced: 30, membershipsAsOf: NOW });

    const during = await statuses(radar);
    expect(new Set(during.values()).has('ok')).toBe(false);
    // Scenes left with no member are unknown, not heat 0; the others are computed, and degraded.
    expect([...during.values()].filter((s) => s === 'unavailable').length).toBeGreaterThan(0);
    expect([...during.values()].filter((s) => s === 'degraded').length).toBeGreaterThan(0);
    const global = await radar.scenes.pulse.getGlobalPulse({ limit: 100, skipCache: true });
    // Every computed pulse is counted degraded; the scenes left with no member, unavailable.
    expect(global.summary.degraded).toBe(global.summary.ok);
    expect(global.summary.ok).toBeGreaterThan(0);
    expect(global.summary.unavailable).toBe([...during.values()].filter((s) => s === 'unavailable').length);
    expect(global.hottest.every((p) => p.status === 'degraded')).toBe(true);
    expect(global.hottest.every((p) => p.total_members > 0)).toBe(true);

    // A second radar over the same tables reads the count from the state row.
    const again = await m.reopen();
    opened.push(again);
    const second = await open(again.stores, world.sources);
    expect(await statuses(second)).toEqual(during);

    // A refresh that places everybody clears it: the row no longer carries the count.
    const healed = await open(m.stores, world.sources);
    const later = new Date(LATER);
    await healed.scenes.refresh(later);
    const clean = await m.stores.scenes.scenes_state.get({ name: 'last-refresh' });
    expect(clean?.value).toEqual({ asOf: later.toISOString(), membershipsAsOf: later.toISOString() });
    const after = await statuses(healed);
    expect([...after.values()].filter((s) => s === 'ok').length).toBeGreaterThan(0);
    expect([...after.values()].filter((s) => s === 'unavailable')).toEqual([]);
  });

  it('a refresh that cannot read the universe keeps the count of the memberships it keeps', async () => {
    const m = await factory.create();
    opened.push(m);
    const radar = await open(m.stores, withMigDown(new Set(slugs.slice(0, 5))));
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(new Date(NOW));
    // MIG's universe down: the memberships stay as they were, and so does what is said of them.
    const mig = world.sources.mig!;
    const noUniverse = await open(m.stores, {
      ...world.sources,
      mig: {
        ...mig,
        listArtists: async () => {
          throw new Error('mig universe down');
        },
      },
    });
    const later = new Date(LATER);
    const report = await noUniverse.scenes.refresh(later);
    expect(report.memberships.universe).not.toBe('ok');
    const row = await m.stores.scenes.scenes_state.get({ name: 'last-refresh' });
    expect(row?.value).toEqual({ asOf: later.toISOString(), unplaced: 5, membershipsAsOf: NOW });
    expect(new Set((await statuses(noUniverse)).values()).has('ok')).toBe(false);
  });
});

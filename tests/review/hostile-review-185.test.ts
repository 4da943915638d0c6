/**
 * Hostile review 185 of commit 13c810c ("Scene pulses say when the refresh behind their
 * memberships could not place artists"): the `unplaced` count in `scenes_state`'s `last-refresh`
 * row, the degraded / unavailable pulses over those memberships, and everything that reads them.
 *
 * Found (see the FAULT tests; both failed 3 runs of 3 on 13c810c and were fixed in the next commit:
 * `lessThanTheHostHas` now counts a `degraded` status, which the unplaced count sets):
 * - The ScenesAdapter (what the Talent Radar reads) reports a pulse that is `degraded` only
 *   because of unplaced artists as `status: 'ok'`: its summary's status comes from
 *   `lessThanTheHostHas` (src/scenes/scene-pulse.ts:59), which never looks at `unplaced`.
 * - A refresh that cannot read the MIG universe keeps the earlier memberships and their
 *   `unplaced` count (its pulses are `degraded`), yet writes permanent trend rows from them: the
 *   trend gate (`memberships.lost === 0`, src/scenes/engine.ts:836, and `lessThanTheHostHas` at
 *   src/scenes/engine.ts:1163) does not see the kept count, so the day the first refresh left
 *   empty on purpose is filled with heats counted without the unplaced artists.
 *
 * Held (plain tests): the row's key order as stored by PostgreSQL; a second radar over the same
 * stores sees a later refresh as of the SAME instant that set or cleared the count (sameState
 * compares `unplaced`); recommendations over them are not stored; a catalog import that resets `#known` keeps the old scenes degraded; a
 * refresh met by another instance's commit recomputes, keeps that instance's memberships for the
 * artists whose reads fail and leaves no count; stores without a transaction (the non-staged
 * path) write and read the count alike; a stateAsOf replay that lost artists carries the count and
 * its pulses are not `ok`; a backfill skips such days; a refresh that re-fails the same artists
 * keeps the count, one that places them clears it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar, type SceneRadarSources } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createMemoryStores } from 'scene-radar/stores';
import { createDeadline } from '../../src/core/gateway/deadline.js';
import { type MatrixStores, storeMatrix } from '../helpers/store-matrix.js';

const END = '2026-11-24';
const NOW = '2026-11-25T00:00:00.000Z';
const LATER = '2026-11-25T01:00:00.000Z';
const world = createDemoWorld({ seed: 7, artists: 40, end: END });
const slugs = world.dataset.artistSlugs();
const sceneSlugs = world.catalog.scenes.map((s) => s.slug);

/** The world's sources with MIG's network reads failing for the artists in `down` (one artist per call). */
function withMigDown(down: ReadonlySet<string>, gate?: () => Promise<void>): SceneRadarSources {
  const mig = world.sources.mig!;
  return {
    ...world.sources,
    mig: {
      ...mig,
      maxBatchSize: 1,
      getNetworks: async (keys, options) => {
        if (gate) await gate();
        if (keys.some((k) => down.has(k))) throw new Error('mig down');
        return mig.getNetworks(keys, options);
      },
    },
  };
}

/** The world's sources with the MIG universe unreadable. */
function withoutUniverse(): SceneRadarSources {
  const mig = world.sources.mig!;
  return {
    ...world.sources,
    mig: {
      ...mig,
      listArtists: async () => {
        throw new Error('mig universe down');
      },
    },
  };
}

/** Each scene's status from the batch API (the pulse's own status for `ok` items). */
async function statuses(radar: SceneRadar): Promise<Map<string, string>> {
  const items = await radar.scenes.pulse.batchProcessScenes(sceneSlugs, { skipCache: true });
  return new Map(items.map((i) => [i.slug, i.status === 'ok' ? i.pulse!.status : i.status]));
}

const count = (m: Map<string, string>, s: string): number => [...m.values()].filter((v) => v === s).length;

describe.each(storeMatrix())('hostile review 185 ($kind)', (factory) => {
  const opened: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const o of opened.splice(0).reverse()) await o.close();
  });
  const open = (stores: MatrixStores['stores'], sources: SceneRadarSources, clock = LATER): SceneRadar => {
    const radar = createSceneRadar({ sources, stores, clock: fixedClock(clock) });
    opened.push(radar);
    return radar;
  };
  const fresh = async (): Promise<MatrixStores> => {
    const m = await factory.create();
    opened.push(m);
    return m;
  };

  // FAULT: src/scenes/scenes-adapter.ts:28 takes the summary's status from lessThanTheHostHas
  // (src/scenes/scene-pulse.ts:59-63), which looks at stale / memberships_as_of / source failures
  // only. A pulse that computePulse marks `degraded` because its memberships left artists
  // unplaced (src/scenes/pulse-math.ts:673-676) reaches the Talent Radar as `status: 'ok'`, so
  // its global pulse does not name it in meta.degraded. Fix: have lessThanTheHostHas (or the
  // summary) also say degraded when the pulse's own status is `degraded` (or carry `unplaced`).
  it('FAULT: the ScenesAdapter reports a pulse degraded by unplaced artists as ok', async () => {
    const m = await fresh();
    const radar = open(m.stores, withMigDown(new Set(slugs.slice(0, 25))));
    await radar.scenes.importCatalog(world.catalog);
    const report = await radar.scenes.refresh(new Date(NOW));
    expect(report.memberships.lost).toBe(25);
    // The engine's own pulses say degraded.
    const own = await statuses(radar);
    expect(count(own, 'ok')).toBe(0);
    expect(count(own, 'degraded')).toBeGreaterThan(0);
    const summaries = await radar.scenesAdapter.getScenePulses(sceneSlugs, {
      asOf: new Date(LATER),
      signal: new AbortController().signal,
    });
    expect(summaries.size).toBeGreaterThan(0);
    // Every summary the adapter hands out is over memberships missing 25 artists.
    expect([...summaries.values()].filter((s) => s.status === 'ok').map((s) => s.sceneSlug)).toEqual([]);
  });

  // FAULT: a refresh that cannot read the universe keeps the memberships and their `unplaced`
  // count (src/scenes/engine.ts:90, nextState with placed = null), so its pulses are `degraded`
  // (pulse-math.ts:673-676). But #afterMemberships writes trend rows when `memberships.lost === 0`
  // (src/scenes/engine.ts:836): this refresh lost nobody itself, and #snapshot's row filter
  // (lessThanTheHostHas, src/scenes/engine.ts:1163) does not see `unplaced`. The day the first
  // refresh left empty on purpose ("the scenes would be counted without them") gets permanent rows
  // counted without those artists, and no warning says so. Fix: gate the trend rows on the
  // state's unplaced count too (write only when the committed state's `unplaced` is 0), or make
  // lessThanTheHostHas true for a pulse whose status is degraded.
  it('FAULT: a refresh that cannot read the universe writes trend rows over memberships missing artists', async () => {
    const m = await fresh();
    const radar = open(m.stores, withMigDown(new Set(slugs.slice(0, 10))));
    await radar.scenes.importCatalog(world.catalog);
    const first = await radar.scenes.refresh(new Date(NOW));
    expect(first.memberships.lost).toBe(10);
    expect(first.snapshots).toBe(0);
    expect(await m.stores.scenes.scene_trends.scan()).toEqual([]);

    const noUniverse = open(m.stores, withoutUniverse());
    const second = await noUniverse.scenes.refresh(new Date(LATER));
    expect(second.memberships.universe).not.toBe('ok');
    const row = await m.stores.scenes.scenes_state.get({ name: 'last-refresh' });
    expect(row?.value).toEqual({ asOf: LATER, unplaced: 10, membershipsAsOf: NOW });
    // Its pulses are degraded (none ok)...
    expect(count(await statuses(noUniverse), 'ok')).toBe(0);
    // ...so no permanent trend row may come from them.
    expect(second.snapshots).toBe(0);
    expect(await m.stores.scenes.scene_trends.scan()).toEqual([]);
  });

  it('the last-refresh row reads back with the documented key order (asOf, unplaced, membershipsAsOf)', async () => {
    const m = await fresh();
    const radar = open(m.stores, withMigDown(new Set(slugs.slice(0, 3))));
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(new Date(NOW));
    const row = await m.stores.scenes.scenes_state.get({ name: 'last-refresh' });
    expect(JSON.stringify(row?.value)).toBe(`{"asOf":"${NOW}","unplaced":3,"membershipsAsOf":"${NOW}"}`);
    const again = await m.reopen();
    opened.push(again);
    const [scanned] = (await again.stores.scenes.scenes_state.scan()).filter((r) => r.name === 'last-refresh');
    expect(JSON.stringify(scanned?.value)).toBe(JSON.stringify(row?.value));
  });

  it('a second radar follows a refresh as of the same instant that clears the count (only unplaced differs)', async () => {
    const m = await fresh();
    const broken = open(m.stores, withMigDown(new Set(slugs.slice(0, 30))));
    await broken.scenes.importCatalog(world.catalog);
    const r = await broken.scenes.refresh(new Date(NOW));
    expect(r.memberships.lost).toBe(30);
    const again = await m.reopen();
    opened.push(again);
    const reader = open(again.stores, world.sources);
    const during = await statuses(reader);
    expect(count(during, 'ok')).toBe(0);
    expect(count(during, 'unavailable')).toBeGreaterThan(0);
    const adapterOk = async (): Promise<number> =>
      [
        ...(
          await reader.scenesAdapter.getScenePulses(sceneSlugs, {
            asOf: new Date(NOW),
            signal: new AbortController().signal,
          })
        ).values(),
      ].length;
    const knownDuring = await adapterOk();

    // Another instance refreshes again as of the same instant, healthy: same asOf, same
    // membershipsAsOf, no awaiting scene; only the count differs, and it is cleared.
    const healed = open(m.stores, world.sources);
    await healed.scenes.refresh(new Date(NOW));
    const row = await m.stores.scenes.scenes_state.get({ name: 'last-refresh' });
    expect(row?.value).toEqual({ asOf: NOW, membershipsAsOf: NOW });
    const after = await statuses(reader);
    expect(count(after, 'unavailable')).toBe(0);
    expect(count(after, 'ok')).toBeGreaterThan(0);
    // The reader's adapter now knows the scenes that were left out.
    expect(await adapterOk()).toBeGreaterThan(knownDuring);
  });

  it('recommendations over unplaced memberships are not stored; an empty scene answers SOURCES_UNAVAILABLE', async () => {
    const m = await fresh();
    const radar = open(m.stores, withMigDown(new Set(slugs.slice(0, 30))));
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(new Date(NOW));
    await radar.scenes.recommendScenes({ limit: 5 });
    expect(await m.stores.scenes.scene_recommendations_cache.scan()).toEqual([]);
    const during = await statuses(radar);
    const empty = [...during].find(([, s]) => s === 'unavailable')![0];
    await expect(radar.scenes.pulse.getScenePulse(empty)).rejects.toMatchObject({ code: 'SOURCES_UNAVAILABLE' });
  });

  it('a catalog import with a new scene keeps the old scenes degraded', async () => {
    const m = await fresh();
    const radar = open(m.stores, withMigDown(new Set(slugs.slice(0, 20))));
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(new Date(NOW));
    const before = await statuses(radar);
    const base = world.catalog.scenes[0]!;
    await radar.scenes.importCatalog({
      ...world.catalog,
      scenes: [...world.catalog.scenes, { ...base, slug: 'zz-new-scene', name: 'ZZ New Scene' }],
    });
    const after = await statuses(radar);
    expect(after).toEqual(before);
    const [item] = await radar.scenes.pulse.batchProcessScenes(['zz-new-scene'], { skipCache: true });
    expect(item!.status).toBe('unavailable');
    const global = await radar.scenes.pulse.getGlobalPulse({ limit: 100, skipCache: true });
    expect(global.summary.ok).toBe(global.summary.degraded);
  });

  it('a refresh met by another instance commit recomputes over its memberships: nothing unplaced', async () => {
    const m = await fresh();
    const seedRadar = open(m.stores, world.sources);
    await seedRadar.scenes.importCatalog(world.catalog);
    // Held in its membership pass until the other instance has committed.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inPass = new Promise<void>((r) => (entered = r));
    const gate = async (): Promise<void> => {
      entered();
      await released;
    };
    const again = await m.reopen();
    opened.push(again);
    const slow = open(again.stores, withMigDown(new Set(slugs.slice(0, 15)), gate));
    const pending = slow.scenes.refresh(new Date(LATER));
    await inPass;
    await seedRadar.scenes.refresh(new Date(NOW));
    release();
    const report = await pending;
    // Computed again over the other instance's memberships: the failing artists kept theirs.
    expect(report.memberships.lost).toBe(0);
    expect(report.memberships.kept).toBeGreaterThan(0);
    const row = await m.stores.scenes.scenes_state.get({ name: 'last-refresh' });
    expect(row?.value).toEqual({ asOf: LATER, membershipsAsOf: LATER });
  });

  it('a refresh that fails the same artists again keeps the count; one that places them clears it', async () => {
    const m = await fresh();
    const down = new Set(slugs.slice(0, 8));
    const radar = open(m.stores, withMigDown(down), '2026-11-25T03:00:00.000Z');
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(new Date(NOW));
    const r2 = await radar.scenes.refresh(new Date(LATER));
    expect(r2.memberships.lost).toBe(8);
    expect((await m.stores.scenes.scenes_state.get({ name: 'last-refresh' }))?.value).toEqual({
      asOf: LATER,
      unplaced: 8,
      membershipsAsOf: LATER,
    });
    // Others fail now (they had memberships to keep), the first ones are placed.
    const other = open(m.stores, withMigDown(new Set(slugs.slice(20, 28))), '2026-11-25T03:00:00.000Z');
    const at3 = '2026-11-25T02:00:00.000Z';
    const r3 = await other.scenes.refresh(new Date(at3));
    expect(r3.memberships.lost).toBe(0);
    expect((await m.stores.scenes.scenes_state.get({ name: 'last-refresh' }))?.value).toEqual({
      asOf: at3,
      membershipsAsOf: at3,
    });
  });
});

describe('hostile review 185 (stores without a transaction, replays)', () => {
  const opened: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const o of opened.splice(0).reverse()) await o.close();
  });

  it('the non-staged refresh path writes, reads and clears the count alike', async () => {
    const mem = createMemoryStores();
    const stores = { ...mem, scenes: { ...mem.scenes, transaction: undefined } };
    const radar = createSceneRadar({
      sources: withMigDown(new Set(slugs.slice(0, 25))),
      stores,
      clock: fixedClock(LATER),
    });
    opened.push(radar);
    await radar.scenes.importCatalog(world.catalog);
    const report = await radar.scenes.refresh(new Date(NOW));
    expect(report.memberships.lost).toBe(25);
    expect(report.snapshots).toBe(0);
    expect((await mem.scenes.scenes_state.get({ name: 'last-refresh' }))?.value).toEqual({
      asOf: NOW,
      unplaced: 25,
      membershipsAsOf: NOW,
    });
    const during = await statuses(radar);
    expect(count(during, 'ok')).toBe(0);
    expect(count(during, 'unavailable')).toBeGreaterThan(0);
    const healed = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(LATER) });
    opened.push(healed);
    await healed.scenes.refresh(new Date(LATER));
    expect((await mem.scenes.scenes_state.get({ name: 'last-refresh' }))?.value).toEqual({
      asOf: LATER,
      membershipsAsOf: LATER,
    });
    expect(count(await statuses(healed), 'ok')).toBeGreaterThan(0);
  });

  it('a stateAsOf replay that lost artists carries the count; its pulses are not ok; a backfill skips the day', async () => {
    const mem = createMemoryStores();
    const down = new Set(slugs.slice(0, 25));
    const radar = createSceneRadar({ sources: withMigDown(down), stores: mem, clock: fixedClock(LATER) });
    opened.push(radar);
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(new Date(LATER));
    const past = new Date('2026-11-20T12:00:00.000Z');
    const state = await radar.scenes.stateAsOf(past);
    expect(state.live).toBe(false);
    const row = await state.stores.scenes_state.get({ name: 'last-refresh' });
    expect(row?.value).toEqual({
      asOf: '2026-11-20T00:00:00.000Z',
      unplaced: 25,
      membershipsAsOf: '2026-11-20T00:00:00.000Z',
    });
    const deadline = createDeadline(60_000);
    try {
      const items = await state.pulse.pulsesAsOf(sceneSlugs, past, deadline);
      const st = [...items.values()].map((i) => (i.pulse ? i.pulse.status : i.status));
      expect(st.filter((s) => s === 'ok')).toEqual([]);
      expect(st.filter((s) => s === 'unavailable').length).toBeGreaterThan(0);
    } finally {
      deadline.dispose();
    }
    const backfill = await radar.scenes.backfillTrends({ from: '2026-11-18', to: '2026-11-19' });
    expect(backfill.snapshots).toBe(0);
    expect(backfill.skippedDays).toBe(2);
  });
});

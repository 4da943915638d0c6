/**
 * Hostile review 124: the sharded Talent refresh (planRefresh, refreshShard, finishRefresh) against
 * a single `talent.refresh()` at the same instant with the Scenes Engine's new `scenes_state` table
 * (refreshed at that instant, refreshed later, a scene imported between the plan and the shards);
 * past-instant reads (`radar.scenes.stateAsOf`, the ScenesAdapter's pulses as of a past instant)
 * on replays whose universe is empty or unreadable; and `talent.scoreArtists` as of a past instant
 * on an instance that did not refresh, over stores holding the state row.
 *
 * No fault was found: every test pins behaviour found correct (a test named "FAULT:" would have
 * failed on the code as reviewed).
 */
import { describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createSceneRadar, fixedClock, type SceneRadarSources } from '../../src/index.js';
import { createMemoryStores } from '../../src/stores.js';
import { createDeadline } from '../../src/core/gateway/deadline.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const LATER = new Date('2026-11-25T06:00:00.000Z');
const CLOCK = new Date('2026-11-25T12:00:00.000Z');
const world = createDemoWorld({ seed: 7, artists: 60, end: '2026-11-24' });

type Radar = ReturnType<typeof createSceneRadar>;
type Stores = ReturnType<typeof createMemoryStores>;

function radarOn(stores: Stores = createMemoryStores(), sources: SceneRadarSources = world.sources): Radar {
  return createSceneRadar({ sources, stores, clock: fixedClock(CLOCK) });
}

/** The talent tables as JSON text, without the random refresh id and the plans' rows. */
async function talentTables(stores: Stores): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, table] of Object.entries(stores.talent))
    if (typeof table === 'object' && table !== null && 'scan' in table) {
      let rows = [...(await (table as { scan(): Promise<unknown[]> }).scan())];
      if (name === 'talent_radar_state')
        rows = (rows as Array<{ name: string; value: object }>)
          .filter((r) => !r.name.startsWith('refresh-plan-'))
          .map((r) => ({ ...r, value: { ...r.value, id: '<id>' }, updated_at: '<t>' }));
      out[name] = JSON.stringify(rows);
    }
  return out;
}

async function sharded(radar: Radar, at: Date, between?: () => Promise<void>, size = 25) {
  const plan = await radar.talent.planRefresh(at);
  if (between) await between();
  let index = 0;
  for (let i = 0; i < plan.artists.length; i += size)
    await radar.talent.refreshShard({
      refreshId: plan.refreshId,
      asOf: plan.asOf,
      index: index++,
      artists: plan.artists.slice(i, i + size),
    });
  return radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: index });
}

describe('the sharded Talent refresh against refresh() at the same instant', () => {
  it('writes what refresh() writes, with the Scenes Engine refreshed at that instant or refreshed later between the plan and the shards', async () => {
    const s1 = createMemoryStores();
    const r1 = radarOn(s1);
    await r1.scenes.importCatalog(world.catalog);
    await r1.scenes.refresh(NOW);
    await r1.talent.refresh(NOW);
    const single = await talentTables(s1);
    await r1.close();

    const s2 = createMemoryStores();
    const r2 = radarOn(s2);
    await r2.scenes.importCatalog(world.catalog);
    await r2.scenes.refresh(NOW);
    await sharded(r2, NOW);
    expect(await talentTables(s2)).toEqual(single);
    await r2.close();

    const s3 = createMemoryStores();
    const r3 = radarOn(s3);
    await r3.scenes.importCatalog(world.catalog);
    await r3.scenes.refresh(NOW);
    await sharded(r3, NOW, async () => {
      await r3.scenes.refresh(LATER);
    });
    expect(await talentTables(s3), 'later scenes refresh').toEqual(single);
    await r3.close();
  });
});

const PAST = new Date('2026-11-10T00:00:00.000Z');

/** world.sources with MIG's universe refused (or empty) before `from`. */
function migBefore(from: Date, mode: 'error' | 'empty'): SceneRadarSources {
  const mig = world.sources.mig;
  return {
    ...world.sources,
    mig: {
      ...mig,
      listArtists: async (q: Parameters<typeof mig.listArtists>[0], o: Parameters<typeof mig.listArtists>[1]) => {
        if (o.asOf.getTime() < from.getTime()) {
          if (mode === 'error') throw new Error('MIG down for the past');
          return { items: [], nextCursor: null } as unknown as Awaited<ReturnType<typeof mig.listArtists>>;
        }
        return mig.listArtists(q, o);
      },
    },
  } as SceneRadarSources;
}

describe('past-instant reads', () => {
  it('a replay whose universe is unreadable serves no pulse; one whose universe is empty serves empty scenes', async () => {
    for (const mode of ['error', 'empty'] as const) {
      const r = radarOn(createMemoryStores(), migBefore(NOW, mode));
      await r.scenes.importCatalog(world.catalog);
      await r.scenes.refresh(NOW);
      const slugs = world.catalog.scenes.map((s) => s.slug);
      const live = await r.scenesAdapter.getScenePulses(slugs, {
        asOf: NOW,
        signal: new AbortController().signal,
      } as never);
      const past = await r.scenesAdapter.getScenePulses(slugs, {
        asOf: PAST,
        signal: new AbortController().signal,
      } as never);
      const st = await r.scenes.stateAsOf(PAST);
      const sp = await st.pulse.pulsesAsOf(slugs.slice(0, 2), PAST, createDeadline(30_000));
      expect(live.size).toBe(slugs.length);
      expect(st.live).toBe(false);
      if (mode === 'error') {
        // The replay could not read the universe: no pulse claims computed memberships.
        expect(past.size).toBe(0);
        expect([...sp.values()].map((i) => i.status)).toEqual(['unavailable', 'unavailable']);
        expect(await st.stores.scenes_state.scan()).toEqual([]);
      } else {
        // It read an empty universe: empty scenes, heat 0 (today's documented change).
        expect(past.size).toBe(slugs.length);
        expect([...past.values()].every((p) => p.heat === 0 && p.status === 'ok')).toBe(true);
      }
      await r.close();
    }
  });
  it('scoreArtists as of a past instant on an instance that did not refresh equals the refreshing instance', async () => {
    const stores = createMemoryStores();
    const a = radarOn(stores);
    await a.scenes.importCatalog(world.catalog);
    await a.refresh(NOW);
    const slugs = (await a.talent.planRefresh(NOW)).artists.slice(0, 10);
    const sa = await a.talent.scoreArtists(slugs, { asOf: PAST });
    const b = radarOn(stores);
    const sb = await b.talent.scoreArtists(slugs, { asOf: PAST });
    expect(JSON.stringify(sb)).toEqual(JSON.stringify(sa));
    const c = radarOn(createMemoryStores());
    await c.scenes.importCatalog(world.catalog);
    const sc = await c.talent.scoreArtists(slugs, { asOf: PAST });
    // A radar over stores never refreshed has no memberships to replay from: its scores differ.
    expect(sa.artists.every((a) => a.status === 'ok')).toBe(true);
    expect(sc.asOf).toBe(sa.asOf);
    await a.close();
    await b.close();
    await c.close();
  });
});

describe('a scene imported between the plan and the shards', () => {
  it('the sharded refresh writes what refresh() writes after the same import', async () => {
    const extra = {
      ...world.catalog,
      scenes: [...world.catalog.scenes, { ...world.catalog.scenes[0]!, slug: 'brand-new-scene', name: 'Brand new' }],
    };
    const s1 = createMemoryStores();
    const r1 = radarOn(s1);
    await r1.scenes.importCatalog(world.catalog);
    await r1.scenes.refresh(NOW);
    await r1.scenes.importCatalog(extra);
    await r1.talent.refresh(NOW);
    const single = await talentTables(s1);
    await r1.close();
    const s2 = createMemoryStores();
    const r2 = radarOn(s2);
    await r2.scenes.importCatalog(world.catalog);
    await r2.scenes.refresh(NOW);
    await sharded(r2, NOW, async () => {
      await r2.scenes.importCatalog(extra);
    });
    expect(await talentTables(s2)).toEqual(single);
    expect(single.talent_radar_scenes).toMatch(/"heat":\d/);
    await r2.close();
  });
});

describe('a mid-day plan', () => {
  it('the shards after a later Scenes refresh (a replay from the day start) still write what refresh() writes', async () => {
    const AT = new Date('2026-11-25T03:00:00.000Z');
    const s1 = createMemoryStores();
    const r1 = radarOn(s1);
    await r1.scenes.importCatalog(world.catalog);
    await r1.scenes.refresh(AT);
    await r1.talent.refresh(AT);
    const single = await talentTables(s1);
    await r1.close();
    const s3 = createMemoryStores();
    const r3 = radarOn(s3);
    await r3.scenes.importCatalog(world.catalog);
    await r3.scenes.refresh(AT);
    await sharded(r3, AT, async () => {
      await r3.scenes.refresh(LATER);
    });
    const got = await talentTables(s3);
    expect(got).toEqual(single);
    await r3.close();
  });
});

function readsFailBefore(from: Date): SceneRadarSources {
  const mig = world.sources.mig;
  return {
    ...world.sources,
    mig: {
      ...mig,
      getArtists: async (q: Parameters<typeof mig.getArtists>[0], o: Parameters<typeof mig.getArtists>[1]) => {
        if (o.asOf.getTime() < from.getTime()) throw new Error('MIG records down for the past');
        return mig.getArtists(q, o);
      },
    },
  } as SceneRadarSources;
}
describe('a replay whose MIG record reads fail', () => {
  it('still places artists from the universe walk and serves their pulses', async () => {
    const r = radarOn(createMemoryStores(), readsFailBefore(NOW));
    await r.scenes.importCatalog(world.catalog);
    await r.scenes.refresh(NOW);
    const slugs = world.catalog.scenes.map((s) => s.slug);
    const past = await r.scenesAdapter.getScenePulses(slugs, {
      asOf: PAST,
      signal: new AbortController().signal,
    } as never);
    const st = await r.scenes.stateAsOf(PAST);
    expect(past.size).toBe(slugs.length);
    expect((await st.stores.scene_memberships.scan()).length).toBeGreaterThan(0);
    expect(await st.stores.scenes_state.scan()).toEqual([
      expect.objectContaining({ value: { asOf: PAST.toISOString(), membershipsAsOf: PAST.toISOString() } }),
    ]);
    await r.close();
  });
});

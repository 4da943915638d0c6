/**
 * The Scenes Engine's state rows (`scenes_state`: `last-refresh`, `awaiting-<scene>`): what each refresh
 * writes, how an import records the scenes awaiting a refresh, stores written before the row existed (read from
 * their rows until a refresh, or an import of a new scene, writes it), and a row this version cannot read (refused by
 * reads with STORE_SCHEMA_MISMATCH, replaced by the next refresh). In-memory stores, a small demo world.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createDemoWorld, memoryScenesStores, memoryTalentStores } from '../../adapters/memory/index.js';
import { createSceneRadar, fixedClock, type SceneRadar, type SceneRadarSources } from '../../src/index.js';

const DAY = 86_400_000;
const N = Date.parse('2026-11-25T00:00:00.000Z');
const at = (k: number): Date => new Date(N - k * DAY);
const world = createDemoWorld({ seed: 11, artists: 60, end: '2026-11-24' });
const LATE = 'punk-ca-vancouver';
const open: SceneRadar[] = [];

function stores() {
  return { scenes: memoryScenesStores(), talent: memoryTalentStores() };
}
function radarOn(s: ReturnType<typeof stores>, now: Date, sources: SceneRadarSources = world.sources): SceneRadar {
  const radar = createSceneRadar({ sources, clock: fixedClock(now), stores: s });
  open.push(radar);
  return radar;
}
async function stateOf(s: ReturnType<typeof stores>) {
  return (await s.scenes.scenes_state.get({ name: 'last-refresh' }))?.value;
}
/** The scenes the state table says await a refresh. */
async function awaitingOf(s: ReturnType<typeof stores>) {
  return (await s.scenes.scenes_state.scan())
    .filter((r) => r.name.startsWith('awaiting-'))
    .map((r) => r.name.slice('awaiting-'.length));
}

afterAll(async () => {
  for (const r of open) await r.close();
});

describe('scenes_state: the last-refresh row', () => {
  it("each refresh writes its instant and the memberships' instant; a refresh that cannot read the universe keeps the memberships' instant", async () => {
    const s = stores();
    const radar = radarOn(s, at(0));
    await radar.scenes.importCatalog(world.catalog);
    expect(await stateOf(s)).toBeUndefined();
    await radar.scenes.refresh(at(2));
    expect(await stateOf(s)).toEqual({ asOf: at(2).toISOString(), membershipsAsOf: at(2).toISOString() });

    const down: SceneRadarSources = {
      ...world.sources,
      mig: {
        ...world.sources.mig,
        listArtists: async () => {
          throw new Error('mig down');
        },
      },
    };
    const second = radarOn(s, at(0), down);
    const report = await second.scenes.refresh(at(1));
    expect(report.memberships.universe).toBe('error');
    expect(await stateOf(s)).toEqual({ asOf: at(1).toISOString(), membershipsAsOf: at(2).toISOString() });
    expect(await second.scenes.refreshedAsOf()).toBe(at(2).toISOString());
    // An instant before the last refresh (at(1)) is refused, whoever ran it.
    await expect(second.scenes.refresh(at(3))).rejects.toMatchObject({
      code: 'SCENES_INVALID_PARAMS',
    });
  });

  it('an import records its new scenes as awaiting a refresh (heat unknown), and the refresh that places artists in them clears it', async () => {
    const s = stores();
    const radar = radarOn(s, at(0));
    const without = world.catalog.scenes.filter((x) => x.slug !== LATE);
    await radar.scenes.importCatalog({ scenes: without, microgenres: world.catalog.microgenres });
    await radar.scenes.refresh(at(1));
    await radar.scenes.importCatalog(world.catalog);
    expect(await awaitingOf(s)).toEqual([LATE]);
    expect(await stateOf(s)).toMatchObject({ membershipsAsOf: at(1).toISOString() });
    // Another instance on the same stores says the same.
    const other = radarOn(s, at(0));
    await expect(other.scenes.pulse.getScenePulse(LATE)).rejects.toMatchObject({ code: 'SOURCES_UNAVAILABLE' });
    await radar.scenes.refresh(at(0));
    expect(await awaitingOf(s)).toEqual([]);
    expect(await stateOf(s)).toMatchObject({ membershipsAsOf: at(0).toISOString() });
    const pulse = await radarOn(s, at(0)).scenes.pulse.getScenePulse(LATE);
    expect(pulse.memberships_as_of).toBe(at(0).toISOString());
  });

  it('stores written before the row existed are read from their rows, and the next refresh writes the row', async () => {
    const s = stores();
    const first = radarOn(s, at(0));
    await first.scenes.importCatalog(world.catalog);
    await first.scenes.refresh(at(1));
    const before = await first.scenes.pulse.getScenePulse('indie-uk-brighton');
    // As an earlier version left them: every row but the state row.
    await s.scenes.scenes_state.delete([{ name: 'last-refresh' }]);
    const restarted = radarOn(s, at(0));
    expect(await restarted.scenes.refreshedAsOf()).toBe(at(1).toISOString());
    const after = await restarted.scenes.pulse.getScenePulse('indie-uk-brighton');
    expect(after.heat).toBe(before.heat);
    expect(after.memberships_as_of).toBe(at(1).toISOString());
    // A refresh as of an earlier instant than the rows' is refused, as before.
    await expect(restarted.scenes.refresh(at(2))).rejects.toMatchObject({ code: 'SCENES_INVALID_PARAMS' });
    // An import with no new scene has nothing to record; the next refresh writes the row.
    await restarted.scenes.importCatalog(world.catalog);
    expect(await stateOf(s)).toBeUndefined();
    await restarted.scenes.refresh(at(0));
    expect(await stateOf(s)).toEqual({ asOf: at(0).toISOString(), membershipsAsOf: at(0).toISOString() });
  });

  it('a replay (a read as of a past instant) that lost every artist to a failed CMG read counts them unplaced: its scenes are unknown, not empty', async () => {
    const s = stores();
    const cmg = world.sources.cmg!;
    // CMG fails for reads as of before at(3): the replays; the live refresh at at(0) reads fine.
    const sources: SceneRadarSources = {
      ...world.sources,
      cmg: {
        ...cmg,
        getReleases: async (keys, options) => {
          if (options.asOf.getTime() < at(3).getTime()) throw new Error('cmg down for the past');
          return cmg.getReleases(keys, options);
        },
      },
    };
    const radar = radarOn(s, at(0), sources);
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(at(0));
    const scene = world.catalog.scenes[0]!.slug;
    const signal = new AbortController().signal;
    expect((await radar.scenesAdapter.getScenePulses([scene], { asOf: at(0), signal })).has(scene)).toBe(true);
    const past = await radar.scenesAdapter.getScenePulses([scene], { asOf: at(10), signal });
    expect(past.has(scene)).toBe(false);
    const state = await radar.scenes.stateAsOf(at(10));
    expect(state.live).toBe(false);
    // Its state row says the replay could not place them (before 2026-12-07 it wrote no row at all).
    const row = await state.stores.scenes_state.get({ name: 'last-refresh' });
    expect((row?.value as { unplaced?: number } | undefined)?.unplaced).toBeGreaterThan(0);
  });

  it('a row this version cannot read: reads that need it are STORE_SCHEMA_MISMATCH naming it; the next refresh replaces it', async () => {
    const s = stores();
    const first = radarOn(s, at(0));
    await first.scenes.importCatalog(world.catalog);
    await first.scenes.refresh(at(1));
    await s.scenes.scenes_state.upsert([
      { name: 'last-refresh', value: { asOf: 'last tuesday', membershipsAsOf: 3 }, updated_at: at(1).toISOString() },
    ]);
    const restarted = radarOn(s, at(0));
    const error = await restarted.scenes.refreshedAsOf().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORE_SCHEMA_MISMATCH' });
    expect(String((error as Error).message)).toContain('scenes_state holds a "last-refresh"');
    const report = await restarted.scenes.refresh(at(0));
    expect(report.asOf).toBe(at(0).toISOString());
    expect(await stateOf(s)).toEqual({ asOf: at(0).toISOString(), membershipsAsOf: at(0).toISOString() });
    expect(await restarted.scenes.refreshedAsOf()).toBe(at(0).toISOString());
  });
});

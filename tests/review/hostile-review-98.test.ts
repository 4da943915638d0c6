/**
 * Hostile review 98: the radar run the way a production host runs it, one refresh per day over
 * many simulated days (a small demo world, a fixed clock moved day by day), with days skipped,
 * repeated, run out of order, and a source out for one day.
 *
 * Each `FAULT:` test fails on the code as it is and names the promise it holds the code to.
 */
import { describe, expect, it } from 'vitest';
import { type CMGAdapter, createSceneRadar, fixedClock, type MIGAdapter } from '../../src/index.js';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { memoryScenesStores, memoryTalentStores } from 'scene-radar/stores';

const DAY_MS = 86_400_000;
/** Day 0 of the simulation, 06:00 UTC (the host's daily refresh time). */
const START_MS = Date.parse('2026-05-01T06:00:00.000Z');
/** The instant of the host's refresh on day `d`, `h` hours later in the day. */
const at = (d: number, h = 0): Date => new Date(START_MS + d * DAY_MS + h * 3_600_000);
/** The code a refresh settled with: `accepted` when it resolved. */
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'accepted',
    (e: unknown) => String((e as { code?: unknown }).code ?? e),
  );

/**
 * A 40-artist demo world whose MIG artist universe (`listArtists`) and CMG releases can be taken
 * down for a day, and a radar over in-memory tables the test can read.
 */
function setup() {
  const world = createDemoWorld({ artists: 40, end: '2026-06-30' });
  const outage = { mig: false, cmg: false };
  const mig = world.sources.mig;
  const cmg = world.sources.cmg;
  const flakyMig: MIGAdapter = {
    ...mig,
    listArtists: async (query, options) => {
      if (outage.mig) throw new Error('MIG is down for maintenance');
      return mig.listArtists(query, options);
    },
  };
  const flakyCmg: CMGAdapter = {
    ...cmg,
    getReleases: async (slugs, options) => {
      if (outage.cmg) throw new Error('CMG is down for maintenance');
      return cmg.getReleases(slugs, options);
    },
  };
  const clock = fixedClock(at(0));
  const scenes = memoryScenesStores();
  const talent = memoryTalentStores();
  const radar = createSceneRadar({
    sources: { ...world.sources, mig: flakyMig, cmg: flakyCmg },
    clock,
    stores: { scenes, talent },
  });
  /** The host's cron: the clock moves to the day's refresh time, then the radar refreshes as of it. */
  const daily = async (d: number) => {
    clock.set(at(d));
    return radar.refresh(at(d));
  };
  return { world, outage, clock, radar, stores: { scenes, talent }, daily };
}

describe('hostile review 98: one refresh a day over many days', () => {
  it('skipped, repeated and out-of-order days keep one trend row per scene and refreshed day, and refuse an earlier instant', async () => {
    // Checked and found right (docs/scenes.md "Trends"; radar.ts SceneRadar.refresh TSDoc).
    const { world, radar, stores, daily, clock } = setup();
    await radar.scenes.importCatalog(world.catalog);
    const scenes = world.catalog.scenes.length;
    for (const d of [0, 1, 2, 6, 7]) await daily(d); // days 3-5 skipped
    await radar.refresh(at(7)); // the same instant again
    clock.set(at(7, 12));
    await radar.refresh(at(7, 12)); // later the same day: the same trend day, rewritten
    const before = await stores.scenes.scene_trends.scan();
    // Earlier than the last refresh, by more than the 5-minute clock skew: refused, nothing written.
    expect(await outcome(radar.refresh(at(6)))).toBe('SCENES_INVALID_PARAMS');
    const rows = await stores.scenes.scene_trends.scan();
    expect(rows).toEqual(before);
    const days = [...new Set(rows.map((r) => r.day))].sort();
    expect(days).toEqual(['2026-04-30', '2026-05-01', '2026-05-02', '2026-05-06', '2026-05-07']);
    expect(rows).toHaveLength(days.length * scenes);
    expect(rows.filter((r) => r.day === '2026-05-07').every((r) => r.as_of === at(7, 12).toISOString())).toBe(true);
    const trends = await radar.scenes.getSceneTrends(world.catalog.scenes[0]!.slug, { days: 10 });
    expect(trends.series.map((r) => r.day)).toEqual(days); // the window 2026-04-28..2026-05-07
    expect(trends.summary?.coverage).toBe(0.5);
    await radar.close();
  });

  it('FAULT: after a daily refresh that could not read the MIG artist universe, a refresh as of an earlier instant is refused', async () => {
    // radar.ts, SceneRadar.refresh TSDoc: "Each engine runs its refreshes one at a time, and refuses
    // (SCENES_INVALID_PARAMS, TALENT_INVALID_PARAMS) an instant before its last refresh's: the tables
    // hold the state as of that refresh, and an earlier one would mix two instants in them."
    // The day-3 refresh resolved (report asOf 2026-05-04T06:00Z) and wrote a scene_trends row per
    // scene as of that instant; a refresh as of 2026-05-03T18:00Z is then accepted by both engines.
    const { world, outage, radar, stores, daily } = setup();
    await radar.scenes.importCatalog(world.catalog);
    for (let d = 0; d < 3; d++) await daily(d);
    outage.mig = true;
    const day3 = await daily(3);
    outage.mig = false;
    expect(day3.talent.universe).toBe('error');
    expect(day3.scenes.asOf).toBe(at(3).toISOString());
    // What the day-3 refresh left in the tables: trend rows as of its instant.
    const written = await stores.scenes.scene_trends.scan({ where: { day: '2026-05-03' } });
    expect(written.length).toBeGreaterThan(0);
    expect(written.every((r) => r.as_of === at(3).toISOString())).toBe(true);
    // Twelve hours before it (far outside the 5-minute skew): expected refused, nothing written.
    const earlier = at(2, 12);
    const trendsBefore = await stores.scenes.scene_trends.scan();
    const code = await outcome(radar.refresh(earlier));
    const trendsAfter = await stores.scenes.scene_trends.scan();
    expect({ code, trendRowsRewritten: trendsAfter.filter((r) => r.as_of === earlier.toISOString()).length }).toEqual({
      code: expect.stringMatching(/^(SCENES|TALENT)_INVALID_PARAMS$/),
      trendRowsRewritten: 0,
    });
    expect(trendsAfter).toEqual(trendsBefore);
    await radar.close();
  });

  it('FAULT: after a daily refresh in which every CMG read failed, scenes.refresh as of an earlier instant is refused', async () => {
    // ScenesEngine.refresh TSDoc (src/scenes/engine.ts): "Refreshes run one at a time ..., and an
    // instant before the last refresh's is refused with SCENES_INVALID_PARAMS, nothing written."
    // The day-3 refresh resolved (report asOf 2026-05-04T06:00Z, 70 trend snapshots written as of
    // it); its memberships were all kept from day 2, so the engine takes day 2 as its last refresh.
    const { world, outage, radar, stores, daily } = setup();
    await radar.scenes.importCatalog(world.catalog);
    for (let d = 0; d < 3; d++) await daily(d);
    outage.cmg = true;
    const day3 = await daily(3);
    outage.cmg = false;
    expect(day3.scenes.asOf).toBe(at(3).toISOString());
    expect(day3.scenes.snapshots).toBeGreaterThan(0);
    const before = await stores.scenes.scene_memberships.scan();
    const code = await outcome(radar.scenes.refresh(at(2, 12)));
    expect(code).toBe('SCENES_INVALID_PARAMS');
    // Nothing written: the memberships stay as the day-3 refresh left them.
    expect(await stores.scenes.scene_memberships.scan()).toEqual(before);
    await radar.close();
  });
});

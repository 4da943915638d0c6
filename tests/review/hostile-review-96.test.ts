/**
 * Hostile review 96: scene trends and their backfill. How a refresh writes its `scene_trends`
 * snapshots, how `backfillTrends` replays past days, and what a refresh's warnings tell the host
 * to do about a day left without a snapshot. Each test asserts what the docs promise and fails on
 * the code it was written against (see the report of review 96 for the lines at fault).
 *
 * Promises relied on:
 * - docs/scenes.md, "Trends": a refresh stores one row per scene for "the day (the last complete
 *   day before `asOf`)"; "Trend rows are permanent"; a degraded pulse writes no row and "the
 *   refresh's `warnings` say how many scenes got no row that day".
 * - src/scenes/engine.ts (refresh warnings): "... wrote no trend snapshot for <day> ...; a later
 *   backfill can fill the day." / "No trend snapshot was written for <day> ...; a later refresh
 *   or backfill can fill the day."
 * - docs/persistence.md, "Writes that are not one transaction": "each trend row is complete and a
 *   replayed day never changes, so a backfill killed halfway keeps the days it wrote and a rerun
 *   rewrites them to the same values".
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadarSources } from 'scene-radar';
import { memoryScenesStores, type SceneTrendRow, type ScenesStores } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 120, end: '2026-11-24', days: 365 });

const key = (r: SceneTrendRow): string => `${r.scene_slug}/${r.day}`;
const byKey = (rows: readonly SceneTrendRow[]): Map<string, SceneTrendRow> => new Map(rows.map((r) => [key(r), r]));

/** `sources` with one of them rejecting every call while `down.on` is true. */
function withOutage(name: 'fusion' | 'cmg', down: { on: boolean }): SceneRadarSources {
  const adapter = world.sources[name]!;
  return {
    ...world.sources,
    [name]: new Proxy(adapter, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          down.on
            ? Promise.reject(new Error(`${name} is down`))
            : Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
      },
    }),
  };
}

async function radarOver(stores: ScenesStores, sources: SceneRadarSources = world.sources, now: Date = NOW) {
  const radar = createSceneRadar({ sources, stores: { scenes: stores }, clock: fixedClock(now) });
  await radar.scenes.importCatalog(world.catalog);
  return radar;
}

describe('hostile review 96: the refresh warning about a day without trend snapshots', () => {
  // The refresh at 15:00 on the 25th snapshots the 24th (the last complete day before its asOf).
  // When it writes no row (a degraded pulse, or artists it could not place), its warning must name
  // that day: the host backfills the day the warning names, and a backfill of the 25th is refused
  // (the day is not complete) while the 24th stays without its rows.
  it.each([
    ['Fusion down: degraded / unavailable pulses', 'fusion'],
    ['CMG down on a first refresh: artists that could not be placed', 'cmg'],
  ] as const)(
    'names the day that got no snapshot, and a backfill of that day fills it (%s)',
    async (_label, source) => {
      const clockNow = new Date('2026-11-25T15:00:00.000Z');
      const down = { on: true };
      const stores = memoryScenesStores();
      const radar = await radarOver(stores, withOutage(source, down), clockNow);
      const report = await radar.refresh();
      const scenes = world.catalog.scenes.length;
      const written = await stores.scene_trends.scan({ where: { day: '2026-11-24' } });
      // The day really left without rows is the 24th.
      expect(written.length).toBeLessThan(scenes);
      const warning = report.scenes.warnings.find((w) => /trend snapshot/.test(w));
      expect(warning, report.scenes.warnings.join('\n')).toBeDefined();
      const named = /for (\d{4}-\d{2}-\d{2})/.exec(warning!)?.[1];
      expect(named, warning).toBe('2026-11-24');
      // Following the advice once the source answers again fills every scene of that day.
      down.on = false;
      await radar.scenes.backfillTrends({ from: named!, to: named! });
      expect(await stores.scene_trends.count({ day: '2026-11-24' })).toBe(scenes);
      await radar.close();
    },
  );
});

describe('hostile review 96: a replayed day never changes', () => {
  // Two backfills over the same day, started on different days (a rerun from where a killed one
  // stopped, an overlapping range): the day's row must be the same, since "a replayed day never
  // changes". The replay recomputes memberships on every 7th day counted from `from`, so the
  // 6th's row is built over memberships as of the 2nd in one call and as of the 5th in the other.
  it('a second backfill that starts on another day rewrites the same values for the days both replay', async () => {
    const stores = memoryScenesStores();
    const radar = await radarOver(stores);
    await radar.scenes.backfillTrends({ from: '2026-11-01', to: '2026-11-10' });
    const first = byKey(
      await stores.scene_trends.scan({ range: { column: 'day', gte: '2026-11-04', lte: '2026-11-10' } }),
    );
    await radar.scenes.backfillTrends({ from: '2026-11-04', to: '2026-11-10' });
    const second = await stores.scene_trends.scan({ range: { column: 'day', gte: '2026-11-04', lte: '2026-11-10' } });
    expect(second).toHaveLength(first.size);
    const changed = second.filter((r) => JSON.stringify(first.get(key(r))) !== JSON.stringify(r));
    expect(
      changed.map((r) => ({ before: first.get(key(r)), after: r })),
      'rows a replay of the same day rewrote with other values',
    ).toEqual([]);
    await radar.close();
  });
});

describe('hostile review 96: a backfill over a day a refresh already wrote', () => {
  // The refresh as of midnight on the 25th writes the 24th from the memberships it has just
  // computed as of that instant: the row's heat is the scene's pulse as of `as_of`. A backfill from
  // the 20th (its default `to` is the 24th) replays the 24th as of the same instant but over
  // memberships replayed as of the 21st, and replaces the row: trends then show, for the same scene
  // and the same `as_of`, a heat the pulse as of that instant does not have. Rows are permanent;
  // a backfill fills days, it does not rewrite the refresh's snapshot with an approximation.
  it("keeps the refresh's snapshot of the day (the live pulse as of the same instant)", async () => {
    const stores = memoryScenesStores();
    const radar = await radarOver(stores);
    await radar.refresh();
    const refreshed = byKey(await stores.scene_trends.scan({ where: { day: '2026-11-24' } }));
    expect(refreshed.size).toBe(world.catalog.scenes.length);
    await radar.scenes.backfillTrends({ from: '2026-11-20' });
    const after = await stores.scene_trends.scan({ where: { day: '2026-11-24' } });
    const changed = after.filter((r) => JSON.stringify(refreshed.get(key(r))) !== JSON.stringify(r));
    expect(
      changed.map((r) => ({ refresh: refreshed.get(key(r)), backfill: r })),
      "the refresh's rows of the 24th a backfill replaced",
    ).toEqual([]);
    // What a reader sees: the trend's last day against the pulse as of that day's as_of.
    for (const r of changed) {
      const pulse = await radar.scenes.pulse.getScenePulse(r.scene_slug);
      expect(pulse.asOf).toBe(r.as_of);
      const trend = await radar.scenes.getSceneTrends(r.scene_slug, { days: 1 });
      expect(trend.series[0]!.heat).toBe(pulse.heat);
    }
    await radar.close();
  });
});

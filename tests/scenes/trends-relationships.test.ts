/**
 * Scenes Engine: daily trend snapshots (refresh, backfill by replay, trends over 1-365 days with a
 * summary) and typed, weighted scene relationships.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar, type SceneRadarSources } from 'scene-radar';
import { addDays, DAY_MS, dayStart } from '../../src/core/time.js';
import { memoryScenesStores, type SceneMembershipRow, type ScenesStores, type SceneTrendRow } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const TODAY = '2026-11-24'; // the last complete day at NOW
const world = createDemoWorld({ artists: 300, end: '2026-11-24' });
const SCENE = 'indie-uk-brighton';
const rejects = (fn: () => unknown) => expect(Promise.resolve().then(fn)).rejects;

/** Every source call's as-of and window start, in call order. */
const reads: { asOf: number; from: number | undefined }[] = [];
/** Every write to scene_trends: its rows and the latest as-of any source had been asked for by then. */
const writes: { rows: readonly SceneTrendRow[]; maxAsOfRead: number }[] = [];

function recorded(sources: SceneRadarSources): SceneRadarSources {
  const wrap = <T extends object>(adapter: T): T =>
    new Proxy(adapter, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const o = args.at(-1) as { asOf: Date; from?: Date };
          reads.push({ asOf: o.asOf.getTime(), from: o.from?.getTime() });
          return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        };
      },
    });
  return { mig: wrap(sources.mig!), cmg: wrap(sources.cmg!), fusion: wrap(sources.fusion!) };
}

let stores: ScenesStores;
let radar: SceneRadar;
let livePulseHeat: number;
let membershipsBefore: SceneMembershipRow[];
let membershipsAfter: SceneMembershipRow[];
let backfill: { days: number; snapshots: number };
beforeAll(async () => {
  stores = memoryScenesStores();
  const trends = stores.scene_trends;
  stores = {
    ...stores,
    scene_trends: new Proxy(trends, {
      get(target, prop, receiver) {
        if (prop !== 'upsert') return Reflect.get(target, prop, receiver) as unknown;
        return (rows: readonly SceneTrendRow[]) => {
          writes.push({ rows, maxAsOfRead: Math.max(...reads.map((r) => r.asOf)) });
          return target.upsert(rows);
        };
      },
    }),
  };
  radar = createSceneRadar({ sources: recorded(world.sources), stores: { scenes: stores }, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh();
  livePulseHeat = (await radar.scenes.pulse.getScenePulse(SCENE)).heat;
  membershipsBefore = [...(await stores.scene_memberships.scan())];
  reads.length = 0;
  writes.length = 0;
  backfill = await radar.scenes.backfillTrends({ from: '2026-11-01', to: '2026-11-14', membershipEveryDays: 7 });
  membershipsAfter = [...(await stores.scene_memberships.scan())];
});

describe('trends', () => {
  it('refresh stores one snapshot per scene for the last complete day', async () => {
    const rows = await stores.scene_trends.scan({ where: { day: TODAY } });
    expect(rows).toHaveLength(70);
    expect(rows.every((r) => r.as_of === NOW.toISOString())).toBe(true);
    expect(rows.find((r) => r.scene_slug === SCENE)!.heat).toBe(livePulseHeat);
  });

  it('backfill replays one snapshot per scene per day', () => {
    expect(backfill).toEqual({ days: 14, snapshots: 14 * 70, skippedDays: 0 });
    expect(writes.flatMap((w) => w.rows).map((r) => r.day)).toEqual(
      Array.from({ length: 14 }, (_, i) => Array<string>(70).fill(addDays('2026-11-01', i))).flat(),
    );
  });

  it('backfill never reads data from after the day it replays', () => {
    expect(reads.length).toBeGreaterThan(0);
    for (const w of writes) {
      const day = w.rows[0]!.day;
      const end = dayStart(day) + DAY_MS;
      expect(w.rows.every((r) => r.day === day && r.as_of === new Date(end).toISOString())).toBe(true);
      expect(w.maxAsOfRead, `day ${day}`).toBeLessThanOrEqual(end);
    }
    expect(reads.every((r) => r.from === undefined || r.from <= r.asOf)).toBe(true);
  });

  // The replay must not rewrite the live scene_memberships table (a pair a replayed day dropped
  // would come back with a later joined_at and count as a new member).
  it('backfill leaves the live memberships as they were', () => {
    const key = (r: SceneMembershipRow) => `${r.scene_slug}/${r.artist_slug}`;
    const sorted = (rows: SceneMembershipRow[]) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    expect(sorted(membershipsAfter)).toEqual(sorted(membershipsBefore));
  });

  it('getSceneTrends: the stored series over the days asked, and its summary', async () => {
    const t = await radar.scenes.getSceneTrends(SCENE, { days: 30 });
    expect(t).toMatchObject({ scene_slug: SCENE, days: 30, from: addDays(TODAY, -29), to: TODAY });
    const days = t.series.map((r) => r.day);
    expect(days).toEqual([...Array.from({ length: 14 }, (_, i) => addDays('2026-11-01', i)), TODAY]);
    const heat = t.series.map((r) => r.heat);
    const peak = t.series.reduce((a, r) => (r.heat > a.heat ? r : a));
    // Least-squares slope over calendar days, a missing day carrying the last value forward.
    const filled: number[] = [];
    for (let d = days[0]!, last = heat[0]!; d <= TODAY; d = addDays(d, 1)) {
      last = t.series.find((r) => r.day === d)?.heat ?? last;
      filled.push(last);
    }
    const mx = (filled.length - 1) / 2;
    const my = filled.reduce((a, y) => a + y, 0) / filled.length;
    const slope =
      filled.reduce((a, y, i) => a + (i - mx) * (y - my), 0) / filled.reduce((a, _y, i) => a + (i - mx) ** 2, 0);
    expect(t.summary).toMatchObject({ peak: { day: peak.day, heat: peak.heat }, coverage: 0.5 });
    expect(t.summary!.change).toBeCloseTo(heat.at(-1)! - heat[0]!, 2);
    expect(t.summary!.slope).toBeCloseTo(slope, 3);
  });

  it('getSceneTrends: 1 to 365 days, the seed codes otherwise', async () => {
    const one = await radar.scenes.getSceneTrends(SCENE, { days: 1 });
    expect(one.series.map((r) => r.day)).toEqual([TODAY]);
    expect(one.summary).toMatchObject({ change: 0, slope: 0, coverage: 1 });
    expect((await radar.scenes.getSceneTrends(SCENE, { days: 365 })).series).toHaveLength(15);
    expect((await radar.scenes.getSceneTrends(SCENE)).days).toBe(30);
    for (const days of [0, 366, 2.5])
      await rejects(() => radar.scenes.getSceneTrends(SCENE, { days })).toMatchObject({
        code: 'SCENES_VALIDATION_ERROR',
      });
    await rejects(() => radar.scenes.getSceneTrends('no-such-scene')).toMatchObject({ code: 'SCENES_NOT_FOUND' });
    await rejects(() => radar.scenes.getSceneTrends('Bad Slug')).toMatchObject({ code: 'SCENES_VALIDATION_ERROR' });
  });

  it('getSceneTrends: an empty series has no summary', async () => {
    const bare = createSceneRadar({ sources: {}, clock: fixedClock(NOW) });
    await bare.scenes.importCatalog(world.catalog);
    expect(await bare.scenes.getSceneTrends(SCENE)).toMatchObject({ series: [], summary: null });
    await bare.close();
  });

  it('backfill checks its arguments', async () => {
    await rejects(() => radar.scenes.backfillTrends({ from: 'yesterday' })).toMatchObject({
      code: 'SCENES_VALIDATION_ERROR',
    });
    await rejects(() => radar.scenes.backfillTrends({ from: '2026-11-01', membershipEveryDays: 0 })).toMatchObject({
      code: 'SCENES_VALIDATION_ERROR',
    });
  });

  // from > to is well formed but unservable: INVALID_PARAMS (a malformed date is a VALIDATION_ERROR).
  it('backfill with from after to is SCENES_INVALID_PARAMS', async () => {
    await rejects(() => radar.scenes.backfillTrends({ from: '2026-11-20', to: '2026-11-10' })).toMatchObject({
      code: 'SCENES_INVALID_PARAMS',
    });
  });
});

describe('relationships', () => {
  it('are stored typed, weighted, both ways, at most perScene per scene and type', async () => {
    const rows = await stores.scene_relationships.scan();
    const { minWeight, perScene } = radar.config.scenes.relationships;
    expect(rows.length).toBeGreaterThan(70);
    const byKey = new Map(rows.map((r) => [`${r.scene_slug}/${r.related_slug}/${r.type}`, r]));
    for (const r of rows) {
      expect(['shared_members', 'shared_sound', 'shared_tastemakers']).toContain(r.type);
      expect(r.weight).toBeGreaterThanOrEqual(minWeight);
      expect(r.weight).toBeLessThanOrEqual(1);
      expect(r.related_slug).not.toBe(r.scene_slug);
      // Stored both ways, with one weight (2026-12-05: each side was pruned on its own).
      const back = byKey.get(`${r.related_slug}/${r.scene_slug}/${r.type}`);
      expect(back?.weight).toBe(r.weight);
    }
    // Each link is among the `perScene` strongest of one of its two scenes (ties by slug).
    const rankIn = (scene: string, type: string, related: string): number =>
      rows
        .filter((x) => x.scene_slug === scene && x.type === type)
        .sort((x, y) => y.weight - x.weight || (x.related_slug < y.related_slug ? -1 : 1))
        .findIndex((x) => x.related_slug === related);
    for (const r of rows)
      expect(
        Math.min(rankIn(r.scene_slug, r.type, r.related_slug), rankIn(r.related_slug, r.type, r.scene_slug)),
      ).toBeLessThan(perScene);
    expect(new Set(rows.map((r) => r.type)).size).toBeGreaterThanOrEqual(2);
  });

  it('carry their evidence: shared microgenres for sound, shared members for members', async () => {
    const scenes = new Map(world.catalog.scenes.map((s) => [s.slug, s]));
    const memberSets = new Map<string, Set<string>>();
    for (const m of membershipsAfter)
      memberSets.set(m.scene_slug, (memberSets.get(m.scene_slug) ?? new Set()).add(m.artist_slug));
    for (const r of await stores.scene_relationships.scan()) {
      if (r.type === 'shared_sound') {
        const b = new Set(scenes.get(r.related_slug)!.microgenres);
        expect(r.evidence).toBe(scenes.get(r.scene_slug)!.microgenres.filter((g) => b.has(g)).length);
      }
      if (r.type === 'shared_members') expect(r.evidence).toBeGreaterThan(0);
    }
  });

  it('getRelatedScenes: strongest first, weight the mean of the three links, limit 1-50', async () => {
    const related = await radar.scenes.getRelatedScenes(SCENE);
    expect(related.length).toBeGreaterThan(0);
    expect(related.length).toBeLessThanOrEqual(10);
    const weights = related.map((r) => r.weight);
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
    for (const r of related) {
      expect(r.scene_slug).not.toBe(SCENE);
      expect(r.weight).toBeCloseTo(r.links.reduce((a, l) => a + l.weight, 0) / 3, 3);
    }
    expect(await radar.scenes.getRelatedScenes(SCENE, { limit: 2 })).toEqual(related.slice(0, 2));
    for (const limit of [0, 51])
      await rejects(() => radar.scenes.getRelatedScenes(SCENE, { limit })).toMatchObject({
        code: 'SCENES_VALIDATION_ERROR',
      });
    await rejects(() => radar.scenes.getRelatedScenes('no-such-scene')).toMatchObject({ code: 'SCENES_NOT_FOUND' });
    await rejects(() => radar.scenes.getRelatedScenes('Bad Slug')).toMatchObject({ code: 'SCENES_VALIDATION_ERROR' });
  });
});

/**
 * Issue 14, "the full engine test matrix runs on both stores where it matters": the Scenes Engine's
 * timeline (importCatalog, a refresh, a later refresh, a backfill of trends over two weeks) and its
 * reads (memberships, trends, pulses and memberships as of a past instant, related scenes,
 * recommendations) on the in-memory stores and on PostgreSQL, each run checked on its own, then
 * the two runs compared result by result and table by table: the same inputs must give the same
 * answers whichever store holds the tables.
 */
import { hottestScenesOf } from '../../src/contracts/sources.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import type { SceneMembershipRow, SceneRadarStores, ScenesStores, SceneTrendRow } from 'scene-radar/stores';
import { addDays } from '../../src/core/time.js';
import {
  type MatrixStores,
  outcomeOf,
  failingUpserts,
  ResultLog,
  type StoreKind,
  serialised,
  storeMatrix,
  tablesOf,
} from '../helpers/store-matrix.js';

const world = createDemoWorld({ seed: 5, artists: 80, scenes: 6, end: '2026-11-24' });
const SCENE_SLUGS = world.catalog.scenes.map((s) => s.slug);
const SCENE = 'indie-uk-brighton';
/** The first refresh (six of the 80 artists arrive after it), then the second (its last complete day ends the world). */
const T1 = new Date('2026-01-01T00:00:00.000Z');
const T2 = new Date('2026-11-25T00:00:00.000Z');
/** Between the two refreshes: reads as of it replay memberships. */
const PAST = new Date('2026-03-01T12:00:00.000Z');
/** Inside the backfilled span: a reader whose clock says this sees trends up to 2026-11-07. */
const PAST_IN_BACKFILL = new Date('2026-11-08T12:00:00.000Z');
const BACKFILL = { from: '2026-11-01', to: '2026-11-14', membershipEveryDays: 7 } as const;
const signal = new AbortController().signal;
const firstSeen = (artist: string): string => world.dataset.artistRecord(artist)!.firstSeen;
const pairKey = (m: SceneMembershipRow): string => `${m.scene_slug}/${m.artist_slug}`;

const log = new ResultLog();
const matrix = storeMatrix();

/** What the timeline left, for the checks. */
interface Timeline {
  readonly stores: SceneRadarStores;
  readonly radar: SceneRadar;
  readonly clock: ReturnType<typeof fixedClock>;
  readonly imported: unknown;
  readonly reimported: unknown;
  readonly first: Awaited<ReturnType<SceneRadar['scenes']['refresh']>>;
  readonly second: Awaited<ReturnType<SceneRadar['scenes']['refresh']>>;
  readonly backfill: Awaited<ReturnType<SceneRadar['scenes']['backfillTrends']>>;
  readonly afterFirst: readonly SceneMembershipRow[];
  readonly afterSecond: readonly SceneMembershipRow[];
  readonly afterBackfill: readonly SceneMembershipRow[];
  readonly trendsBeforeBackfill: readonly SceneTrendRow[];
}

/** importCatalog, a re-import of one scene, a refresh at T1, another at T2, a backfill. */
async function timeline(kind: StoreKind, m: MatrixStores): Promise<Timeline> {
  const { stores } = m;
  const clock = fixedClock(T1);
  const radar = createSceneRadar({ sources: world.sources, stores, clock });
  const keep = <T>(name: string, value: T): T => log.keep(kind, name, value);
  const imported = keep('importCatalog', await radar.scenes.importCatalog(world.catalog));
  // A host re-imports one scene under a new name: an upsert in place, the rest untouched.
  const renamed = { ...world.catalog.scenes[1]!, name: 'Renamed Scene' };
  const reimported = keep(
    'importCatalog again',
    await radar.scenes.importCatalog({ scenes: [renamed], microgenres: [] }),
  );
  const first = keep('refresh at T1', await radar.scenes.refresh(T1));
  const afterFirst = keep('memberships after T1', [...(await stores.scenes.scene_memberships.scan())]);
  clock.set(T2);
  const second = keep('refresh at T2', await radar.scenes.refresh());
  const afterSecond = keep('memberships after T2', [...(await stores.scenes.scene_memberships.scan())]);
  const trendsBeforeBackfill = keep('trends after the refreshes', [...(await stores.scenes.scene_trends.scan())]);
  const backfill = keep('backfill', await radar.scenes.backfillTrends(BACKFILL));
  const afterBackfill = [...(await stores.scenes.scene_memberships.scan())];
  return {
    stores,
    radar,
    clock,
    imported,
    reimported,
    first,
    second,
    backfill,
    afterFirst,
    afterSecond,
    afterBackfill,
    trendsBeforeBackfill,
  };
}

describe.each(matrix)('the Scenes Engine on the $kind stores', ({ kind, create }) => {
  let m: MatrixStores;
  let t: Timeline;
  const keep = <T>(name: string, value: T): T => log.keep(kind, name, value);
  beforeAll(async () => {
    m = await create();
    t = await timeline(kind, m);
  }, 60_000);
  afterAll(async () => {
    await t?.radar.close();
    await m?.close();
  });

  it('importCatalog writes every scene and microgenre; a re-import updates one in place', async () => {
    expect(t.imported).toEqual({ scenes: 6, microgenres: world.catalog.microgenres.length });
    expect(t.reimported).toEqual({ scenes: 1, microgenres: 0 });
    const scenes = keep('listScenes', await t.radar.scenes.listScenes({ limit: 100 }));
    expect(scenes.total).toBe(6);
    const renamed = world.catalog.scenes.map((s, i) => (i === 1 ? { ...s, name: 'Renamed Scene' } : s));
    expect(scenes.items).toEqual(renamed.sort((a, b) => (a.slug < b.slug ? -1 : 1)));
    expect((await t.radar.scenes.getScene(SCENE_SLUGS[1]!)).name).toBe('Renamed Scene');
    expect((await t.radar.scenes.getScene(SCENE)).name).toBe(world.catalog.scenes[0]!.name);
    const page = keep('listScenes page', await t.radar.scenes.listScenes({ region: 'uk', limit: 2, offset: 3 }));
    expect(page.items.map((s) => s.slug)).toEqual(scenes.items.slice(3, 5).map((s) => s.slug));
    const genres = keep('listMicrogenres', await t.radar.scenes.listMicrogenres({ limit: 100 }));
    expect(genres.total).toBe(world.catalog.microgenres.length);
  });

  it('a catalog naming an unknown microgenre, or with a bad row, is refused whole: nothing is written', async () => {
    const before = await tablesOf(t.stores);
    const fresh = { ...world.catalog.microgenres[0]!, slug: 'brand-new-genre', name: 'Brand New' };
    const orphan = { ...world.catalog.scenes[0]!, slug: 'orphan-scene', microgenres: ['no-such-genre'] };
    await expect(t.radar.scenes.importCatalog({ scenes: [orphan], microgenres: [fresh] })).rejects.toMatchObject({
      code: 'SCENES_INVALID_PARAMS',
    });
    const bad = { ...world.catalog.scenes[0]!, slug: 'Not A Slug' };
    await expect(t.radar.scenes.importCatalog({ scenes: [bad], microgenres: [fresh] })).rejects.toMatchObject({
      code: 'SCENES_VALIDATION_ERROR',
    });
    expect(await tablesOf(t.stores)).toEqual(before);
  });

  it('a refresh computes every membership as of its instant, and a trend snapshot per scene', () => {
    expect(t.first).toMatchObject({ asOf: T1.toISOString(), snapshots: 6, warnings: [] });
    expect(t.first.memberships).toMatchObject({ universe: 'ok', kept: 0, held: 0, left: 0 });
    expect(t.first.memberships.memberships).toBe(t.afterFirst.length);
    expect(t.afterFirst.length).toBeGreaterThan(50);
    expect(t.first.relationships).toBeGreaterThan(0);
    for (const r of t.afterFirst) {
      expect(r.as_of).toBe(T1.toISOString());
      expect(r.joined_at <= T1.toISOString(), pairKey(r)).toBe(true);
      expect(r.joined_at).toBe(firstSeen(r.artist_slug));
    }
    // Only artists the universe knew at T1.
    expect(t.afterFirst.every((r) => firstSeen(r.artist_slug) <= T1.toISOString())).toBe(true);
  });

  it('a later refresh keeps the join date of every membership that continues, and dates new ones', () => {
    const before = new Map(t.afterFirst.map((r) => [pairKey(r), r]));
    const knownArtists = new Set(t.afterFirst.map((r) => r.artist_slug));
    let continuing = 0;
    let newArtists = 0;
    for (const r of t.afterSecond) {
      const earlier = before.get(pairKey(r));
      if (earlier) {
        continuing++;
        expect(r.joined_at, pairKey(r)).toBe(earlier.joined_at);
      } else if (knownArtists.has(r.artist_slug)) {
        // An artist already placed elsewhere moves into the scene: it joins now.
        expect(r.joined_at, pairKey(r)).toBe(T2.toISOString());
      } else {
        newArtists++;
        // An artist new to the table: its memberships are as old as its data.
        expect(r.joined_at, pairKey(r)).toBe(firstSeen(r.artist_slug));
        expect(r.joined_at > T1.toISOString()).toBe(true);
      }
    }
    expect(continuing).toBeGreaterThan(30);
    expect(newArtists).toBeGreaterThan(0);
    expect(t.second.memberships.artists).toBe(80);
    // Recomputed rows are as of T2; a row without evidence this time is held at its last evidence.
    expect(t.afterSecond.filter((r) => r.as_of === T2.toISOString())).toHaveLength(t.second.memberships.memberships);
    expect(t.afterSecond.filter((r) => r.as_of !== T2.toISOString())).toHaveLength(t.second.memberships.held);
  });

  it("each refresh stored one snapshot per scene for its last complete day, the live pulse's figures", async () => {
    const byDay = (day: string) => t.trendsBeforeBackfill.filter((r) => r.day === day);
    expect(t.trendsBeforeBackfill).toHaveLength(12);
    expect(byDay('2025-12-31').map((r) => r.scene_slug)).toEqual([...SCENE_SLUGS].sort());
    expect(byDay('2025-12-31').every((r) => r.as_of === T1.toISOString())).toBe(true);
    expect(byDay('2026-11-24').every((r) => r.as_of === T2.toISOString())).toBe(true);
    const pulse = keep('scene pulse', await t.radar.scenes.pulse.getScenePulse(SCENE));
    const row = byDay('2026-11-24').find((r) => r.scene_slug === SCENE)!;
    expect(row).toMatchObject({
      heat: pulse.heat,
      growth: pulse.growth,
      stage: pulse.stage,
      active_members: pulse.active_members,
      new_members: pulse.new_members,
      rising_members: pulse.rising_members,
    });
    expect(pulse.total_members).toBe(t.afterSecond.filter((r) => r.scene_slug === SCENE).length);
  });

  it('backfillTrends writes one snapshot per scene per day of the span, and leaves the live memberships alone', async () => {
    expect(t.backfill).toEqual({ days: 14, snapshots: 14 * 6, skippedDays: 0 });
    expect(t.afterBackfill).toEqual(t.afterSecond);
    const trends = keep('trends after the backfill', [...(await t.stores.scenes.scene_trends.scan())]);
    expect(trends).toHaveLength(12 + 14 * 6);
    for (let i = 0; i < 14; i++) {
      const day = addDays(BACKFILL.from, i);
      const rows = trends.filter((r) => r.day === day);
      expect(
        rows.map((r) => r.scene_slug),
        day,
      ).toEqual([...SCENE_SLUGS].sort());
      // Taken at the midnight that ends the day.
      expect(rows.every((r) => r.as_of === `${addDays(day, 1)}T00:00:00.000Z`)).toBe(true);
    }
    // Not the live pulse copied 14 times: the replayed days differ.
    expect(new Set(trends.filter((r) => r.scene_slug === SCENE).map((r) => r.heat)).size).toBeGreaterThan(5);
  });

  it('getSceneTrends reads the stored series and sums it up', async () => {
    const trends = keep('getSceneTrends 30 days', await t.radar.scenes.getSceneTrends(SCENE, { days: 30 }));
    expect(trends).toMatchObject({ scene_slug: SCENE, days: 30, from: '2026-10-26', to: '2026-11-24' });
    expect(trends.series.map((r) => r.day)).toEqual([
      ...Array.from({ length: 14 }, (_, i) => addDays(BACKFILL.from, i)),
      '2026-11-24',
    ]);
    const peak = trends.series.reduce((a, r) => (r.heat > a.heat ? r : a));
    expect(trends.summary).toMatchObject({ peak: { day: peak.day, heat: peak.heat }, coverage: 0.5 });
    expect(trends.summary!.change).toBeCloseTo(trends.series.at(-1)!.heat - trends.series[0]!.heat, 2);
    const year = keep('getSceneTrends 365 days', await t.radar.scenes.getSceneTrends(SCENE, { days: 365 }));
    expect(year.series.map((r) => r.day)).toEqual(['2025-12-31', ...trends.series.map((r) => r.day)]);
  });

  it('trends as of a past instant end at its last complete day', async () => {
    t.clock.set(PAST_IN_BACKFILL);
    try {
      const past = keep('getSceneTrends as of a past instant', await t.radar.scenes.getSceneTrends(SCENE, { days: 7 }));
      expect(past).toMatchObject({ from: '2026-11-01', to: '2026-11-07' });
      expect(past.series.map((r) => r.day)).toEqual(Array.from({ length: 7 }, (_, i) => addDays('2026-11-01', i)));
    } finally {
      t.clock.set(T2);
    }
  });

  it('pulses as of a past instant are computed as of it, over memberships replayed as of its day', async () => {
    const state = await t.radar.scenes.stateAsOf(PAST);
    expect(state.live).toBe(false);
    expect(state.refreshedAsOf).toBe(T2.getTime());
    expect((await t.radar.scenes.stateAsOf(T2)).live).toBe(true);
    const past = keep(
      'pulses as of a past instant',
      await t.radar.scenesAdapter.getScenePulses(SCENE_SLUGS, { asOf: PAST, signal }),
    );
    const now = keep('pulses as of now', await t.radar.scenesAdapter.getScenePulses(SCENE_SLUGS, { asOf: T2, signal }));
    expect([...past.keys()].sort()).toEqual([...SCENE_SLUGS].sort());
    expect([...past.values()].every((p) => p.asOf === PAST.toISOString())).toBe(true);
    expect([...now.values()].every((p) => p.asOf === T2.toISOString())).toBe(true);
    expect(SCENE_SLUGS.filter((s) => past.get(s)!.heat !== now.get(s)!.heat).length).toBeGreaterThan(3);
    const hottest = keep(
      'hottest scenes as of a past instant',
      hottestScenesOf(await t.radar.scenesAdapter.listHottestScenes({ limit: 3 }, { asOf: PAST, signal })),
    );
    expect(hottest.map((p) => p.heat)).toEqual(
      [...past.values()]
        .map((p) => p.heat)
        .sort((a, b) => b - a)
        .slice(0, 3),
    );
  });

  it('memberships as of a past instant leave out every artist that arrived after it', async () => {
    const artists = world.dataset.artistSlugs();
    const past = keep(
      'memberships as of a past instant',
      await t.radar.scenesAdapter.getMemberships(artists, { asOf: PAST, signal }),
    );
    const late = artists.filter((a) => firstSeen(a) > PAST.toISOString());
    expect(late.length).toBeGreaterThan(0);
    expect(past.size).toBeGreaterThan(20);
    for (const a of late) expect(past.has(a), a).toBe(false);
    const now = keep(
      'memberships as of now',
      await t.radar.scenesAdapter.getMemberships(artists, { asOf: T2, signal }),
    );
    expect(late.some((a) => now.has(a))).toBe(true);
    // As of now, what the live table holds (strongest first).
    const [artist, scenes] = [...now][0]!;
    expect(scenes.map((s) => s.sceneSlug)).toEqual(
      t.afterSecond
        .filter((r) => r.artist_slug === artist)
        .sort((a, b) => b.confidence - a.confidence || (a.scene_slug < b.scene_slug ? -1 : 1))
        .map((r) => r.scene_slug),
    );
  });

  it('listMemberships pages through a scene strongest first, ties in a stable order', async () => {
    const all = keep('listMemberships', await t.radar.scenes.listMemberships({ sceneSlug: SCENE, limit: 1000 }));
    expect(all.total).toBe(t.afterSecond.filter((r) => r.scene_slug === SCENE).length);
    const confidence = all.items.map((r) => r.confidence);
    expect(confidence).toEqual([...confidence].sort((a, b) => b - a));
    const paged: string[] = [];
    for (let offset = 0; offset < all.total; offset += 3)
      paged.push(...(await t.radar.scenes.listMemberships({ sceneSlug: SCENE, limit: 3, offset })).items.map(pairKey));
    expect(paged).toEqual(all.items.map(pairKey));
    const artist = all.items[0]!.artist_slug;
    keep('listMemberships of an artist', await t.radar.scenes.listMemberships({ artistSlug: artist }));
  });

  it('related scenes, the global and regional pulses, and recommendations (stored, then read back)', async () => {
    const related = keep('getRelatedScenes', await t.radar.scenes.getRelatedScenes(SCENE));
    expect(related.length).toBeGreaterThan(0);
    expect(related.map((r) => r.weight)).toEqual(related.map((r) => r.weight).sort((a, b) => b - a));
    const global = keep('global pulse', await t.radar.scenes.pulse.getGlobalPulse({ limit: 6 }));
    expect(global.summary).toMatchObject({ scenes: 6, ok: 6 });
    keep('regional pulse', await t.radar.scenes.pulse.getRegionalPulse('uk', { limit: 4 }));
    const artist = t.afterSecond.find((r) => r.scene_slug === SCENE)!.artist_slug;
    const recs = keep('recommendScenes', await t.radar.scenes.recommendScenes({ artistSlug: artist, limit: 3 }));
    expect(recs).toMatchObject({ subject: `artist:${artist}`, stored: false, notes: [] });
    expect(recs.items).toHaveLength(3);
    const stored = await t.stores.scenes.scene_recommendations_cache.scan({
      where: { subject: recs.subject },
      orderBy: { column: 'rank', direction: 'asc' },
    });
    expect(stored.length).toBeGreaterThanOrEqual(3);
    expect(stored.slice(0, 3).map(({ subject: _s, ...r }) => r)).toEqual(recs.items);
    // Read back from the table: the same answer, said to be stored.
    expect(await t.radar.scenes.recommendScenes({ artistSlug: artist, limit: 3 })).toEqual({ ...recs, stored: true });
    keep('recommendScenes watch list', await t.radar.scenes.recommendScenes({ limit: 3 }));
  });

  it('leaves the tables for the comparison', async () => {
    const tables = keep('tables', await tablesOf(t.stores));
    expect(tables.scene_recommendations_cache!.length).toBeGreaterThan(0);
  });
});

describe('the Scenes Engine gives the same results on memory and on postgres', () => {
  it('result by result, and table by table', () => {
    log.expectSame([
      'importCatalog',
      'importCatalog again',
      'refresh at T1',
      'memberships after T1',
      'refresh at T2',
      'memberships after T2',
      'trends after the refreshes',
      'backfill',
      'listScenes',
      'listScenes page',
      'listMicrogenres',
      'scene pulse',
      'trends after the backfill',
      'getSceneTrends 30 days',
      'getSceneTrends 365 days',
      'getSceneTrends as of a past instant',
      'pulses as of a past instant',
      'pulses as of now',
      'hottest scenes as of a past instant',
      'memberships as of a past instant',
      'memberships as of now',
      'listMemberships',
      'listMemberships of an artist',
      'getRelatedScenes',
      'global pulse',
      'regional pulse',
      'recommendScenes',
      'recommendScenes watch list',
      'tables',
    ]);
  });
});

/** What an import into fresh stores of one kind came to, and what the catalog tables hold afterwards. */
async function importInto(
  create: () => Promise<MatrixStores>,
  catalog: Parameters<SceneRadar['scenes']['importCatalog']>[0],
  wrap: (stores: ScenesStores) => ScenesStores = (x) => x,
): Promise<{ outcome: unknown; scenes: number; microgenres: number; oddName: string | null }> {
  const m = await create();
  const radar = createSceneRadar({
    sources: {},
    stores: { scenes: wrap(m.stores.scenes), talent: m.stores.talent },
    clock: fixedClock(T1),
  });
  try {
    const outcome = await outcomeOf(radar.scenes.importCatalog(catalog));
    const scenes = await m.stores.scenes.scenes.scan();
    return {
      outcome,
      scenes: scenes.length,
      microgenres: await m.stores.scenes.microgenres.count(),
      oddName: scenes.find((r) => r.slug === 'odd-scene')?.name ?? null,
    };
  } finally {
    await radar.close();
    await m.close();
  }
}

// Problems this matrix found, fixed since: text PostgreSQL cannot store (a NUL, a lone surrogate)
// is refused where it enters (core/text.ts), and the engines' multi-statement writes land in one
// transaction (stores/staged.ts `atomically`).
describe('what the matrix found: unstorable text and writes that were not all or nothing', () => {
  const extraGenre = { ...world.catalog.microgenres[0]!, slug: 'extra-genre', name: 'Extra Genre' };
  const withScene = (name: string) => ({
    scenes: [
      ...world.catalog.scenes,
      { ...world.catalog.scenes[0]!, slug: 'odd-scene', name, microgenres: ['extra-genre'] },
    ],
    microgenres: [...world.catalog.microgenres, extraGenre],
  });

  const onEach = async (catalog: ReturnType<typeof withScene>) => {
    const factory = (kind: StoreKind) => matrix.find((f) => f.kind === kind)!.create;
    return {
      memory: await importInto(factory('memory'), catalog),
      postgres: await importInto(factory('postgres'), catalog),
    };
  };

  // PostgreSQL text cannot hold U+0000 (memory imported it, PostgreSQL failed with the driver's
  // error after the microgenres were written): both now refuse it and write nothing.
  it('a catalog with a NUL character in a scene name is refused on both, and leaves the tables empty', async () => {
    const { memory, postgres } = await onEach(withScene('Odd\u0000Scene'));
    expect(memory).toMatchObject({ outcome: { error: 'SCENES_VALIDATION_ERROR' }, scenes: 0, microgenres: 0 });
    expect(serialised(postgres)).toBe(serialised(memory));
  });

  // PostgreSQL read back U+FFFD in place of a lone surrogate: both now refuse it.
  it('a catalog with a lone surrogate in a scene name is refused on both', async () => {
    const { memory, postgres } = await onEach(withScene('Odd\uD800Scene'));
    expect(memory).toMatchObject({ outcome: { error: 'SCENES_VALIDATION_ERROR' }, scenes: 0, microgenres: 0 });
    expect(serialised(postgres)).toBe(serialised(memory));
  });

  // importCatalog writes microgenres, then scenes, outside any transaction: when the second write
  // fails (a dropped connection on PostgreSQL), the microgenres stay. "All or nothing" is broken.
  it.each(matrix)(
    'on the $kind stores, an import whose scenes write fails leaves the catalog as it was',
    async ({ create }) => {
      expect(await importInto(create, withScene('Fine Scene'), (stores) => failingUpserts(stores, 'scenes'))).toEqual({
        outcome: { error: expect.any(String) },
        scenes: 0,
        microgenres: 0,
        oddName: null,
      });
    },
  );
});

/**
 * Issue 14, "the full engine test matrix runs on both stores where it matters", the Talent Radar's
 * part: a refresh (artists and roll-ups), its reads (top lists, the global pulse, artist profiles,
 * workspace recommendations), a later refresh in which Fusion fails for three artists (their
 * previous records are kept), and a second radar opened on the same tables (for PostgreSQL, a pool
 * of its own on the same schema, as a restarted process) reading what the first wrote. Each run
 * is checked on its own, then the memory and PostgreSQL runs are compared result by result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSceneRadar,
  type FusionAdapter,
  fixedClock,
  type MIGAdapter,
  type SceneRadar,
  type SceneRadarSources,
} from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import {
  TalentArtistRowSchema,
  type TalentArtistRow,
  type TalentMicrogenreRow,
  type TalentSceneRow,
} from 'scene-radar/stores';
import {
  failingUpserts,
  type MatrixStores,
  outcomeOf,
  ResultLog,
  type StoreKind,
  serialised,
  storeMatrix,
} from '../helpers/store-matrix.js';

const world = createDemoWorld({ seed: 5, artists: 80, scenes: 6, end: '2026-11-24' });
const T1 = new Date('2026-10-01T00:00:00.000Z');
const T2 = new Date('2026-11-25T00:00:00.000Z');
const CATEGORIES = ['rising', 'breakout', 'risk'] as const;
const signal = new AbortController().signal;

/** Artists whose Fusion engagement read fails (a garbage value for them alone) while this holds them. */
const failing = new Set<string>();
const fusion: FusionAdapter = {
  ...world.sources.fusion,
  async getEngagement(slugs, options) {
    const got = new Map(await world.sources.fusion.getEngagement(slugs, options));
    for (const slug of failing) if (got.has(slug)) got.set(slug, { garbage: true } as never);
    return got;
  },
};
const sources: SceneRadarSources = { ...world.sources, fusion };

const log = new ResultLog();
const matrix = storeMatrix();
const bySlug = <T extends { artist_slug: string }>(rows: readonly T[]): Map<string, T> =>
  new Map(rows.map((r) => [r.artist_slug, r]));
const sortedDesc = (xs: readonly number[]): boolean => xs.every((x, i) => i === 0 || xs[i - 1]! >= x);

describe.each(matrix)('the Talent Radar on the $kind stores', ({ kind, create }) => {
  let m: MatrixStores;
  let radar: SceneRadar;
  const clock = fixedClock(T1);
  let first: Awaited<ReturnType<SceneRadar['refresh']>>;
  let rows: TalentArtistRow[];
  let scenes: TalentSceneRow[];
  let genres: TalentMicrogenreRow[];
  const keep = <T>(name: string, value: T): T => log.keep(kind, name, value);

  beforeAll(async () => {
    failing.clear();
    m = await create();
    radar = createSceneRadar({ sources, stores: m.stores, clock });
    await radar.scenes.importCatalog(world.catalog);
    first = keep('refresh at T1', await radar.refresh());
    rows = keep('artists after T1', [...(await m.stores.talent.talent_radar_artists.scan())]);
    scenes = keep('scene roll-up after T1', [...(await m.stores.talent.talent_radar_scenes.scan())]);
    genres = keep('microgenre roll-up after T1', [...(await m.stores.talent.talent_radar_microgenres.scan())]);
  }, 60_000);
  afterAll(async () => {
    failing.clear();
    await radar?.close();
    await m?.close();
  });

  it('a refresh scores every artist of the universe and writes valid rows as of its instant', () => {
    expect(first.talent).toMatchObject({ asOf: T1.toISOString(), universe: 'ok', artists: 80, kept: 0 });
    expect(first.talent.scored + first.talent.insufficient).toBe(80);
    expect(first.talent.scored).toBeGreaterThan(60);
    expect(rows).toHaveLength(first.talent.scored);
    expect(Object.values(first.talent.reads).reduce((a, b) => a + b, 0)).toBe(80 * 10);
    for (const r of rows) {
      expect(TalentArtistRowSchema.safeParse(r).error, r.artist_slug).toBeUndefined();
      expect(r.as_of).toBe(T1.toISOString());
      expect(r.model_version).toBe(radar.talent.modelVersion);
    }
    expect(radar.talent.refreshedAsOf).toBe(T1.toISOString());
  });

  it('the scene and microgenre roll-ups match a recount of the artist rows, with the heat as of the refresh', async () => {
    expect(scenes.length).toBeGreaterThan(3);
    expect(genres.length).toBeGreaterThan(5);
    for (const s of scenes) {
      const members = rows.filter((r) => r.scene_slug === s.scene_slug);
      expect(s.artist_count, s.scene_slug).toBe(members.length);
      expect(s.avg_momentum).toBeCloseTo(members.reduce((a, r) => a + r.momentum, 0) / members.length, 9);
      expect(s.avg_breakout).toBeCloseTo(members.reduce((a, r) => a + r.breakout_score, 0) / members.length, 9);
    }
    expect(scenes.reduce((a, s) => a + s.artist_count, 0)).toBe(rows.filter((r) => r.scene_slug !== null).length);
    for (const g of genres)
      expect(g.artist_count, g.microgenre_slug).toBe(
        rows.filter((r) => r.microgenres.includes(g.microgenre_slug)).length,
      );
    const heats = await radar.scenesAdapter.getScenePulses(
      scenes.map((s) => s.scene_slug),
      { asOf: T1, signal },
    );
    for (const s of scenes) expect(s.heat, s.scene_slug).toBe(heats.get(s.scene_slug)!.heat);
  });

  it('top lists are the stored records above each threshold, best first, with the true total', async () => {
    const t = radar.config.talent.thresholds;
    const score = {
      rising: (r: TalentArtistRow) => (r.momentum >= t.momentum.rising ? r.momentum : Number.NaN),
      breakout: (r: TalentArtistRow) => (r.breakout_score >= t.breakout.medium ? r.breakout_score : Number.NaN),
      risk: (r: TalentArtistRow) => (r.risk_score >= t.risk.medium ? r.risk_score : Number.NaN),
    };
    let listed = 0;
    for (const category of CATEGORIES) {
      const top = keep(`top ${category}`, await radar.talent.aggregator.getTopArtists({ category, limit: 100 }));
      const qualifying = rows.map(score[category]).filter((s) => !Number.isNaN(s));
      expect(top.total, category).toBe(qualifying.length);
      expect(top.artists.map((a) => score[category](a as TalentArtistRow))).toEqual(qualifying.sort((a, b) => b - a));
      const stored = bySlug(rows);
      for (const a of top.artists) expect(stored.get(a.artist_slug)).toMatchObject(a);
      listed += top.artists.length;
    }
    expect(listed).toBeGreaterThan(5);
    const pulse = keep('global pulse', await radar.talent.aggregator.buildGlobalPulse({ limit: 10 }));
    expect(pulse.summary.totalArtistsTracked).toBe(rows.length);
    expect(pulse.meta).toMatchObject({ asOf: T1.toISOString(), degraded: [], stale: { records: 0 } });
    expect(pulse.hottestScenes.length).toBeGreaterThan(0);
  });

  it('an artist profile agrees with the stored record, scored against the peers of the refresh', async () => {
    const slugs = [...rows]
      .sort((a, b) => b.momentum - a.momentum)
      .slice(0, 3)
      .map((r) => r.artist_slug);
    const stored = bySlug(rows);
    let similar = 0;
    for (const slug of slugs) {
      const profile = keep(`profile ${slug}`, await radar.talent.aggregator.buildArtistProfile(slug));
      expect(profile.artist).toEqual({ ...stored.get(slug), updated_at: T1.toISOString() });
      expect(profile.explanation.momentum.peers).toBe('population');
      expect(profile.similarArtists.map((s) => s.artist_slug)).not.toContain(slug);
      // Similar artists are tracked artists (read from the stored records).
      for (const s of profile.similarArtists) expect(stored.has(s.artist_slug), s.artist_slug).toBe(true);
      similar += profile.similarArtists.length;
    }
    expect(similar).toBeGreaterThan(0);
  });

  it('workspace recommendations rank tracked artists off the roster, are stored, and a new request replaces them', async () => {
    const stored = bySlug(rows);
    const storedRanking = async (id: string) =>
      (
        await m.stores.talent.talent_radar_recommendations.scan({
          where: { workspace_id: id },
          orderBy: { column: 'rank', direction: 'asc' },
        })
      ).map((r) => `${r.rank} ${r.artist_slug}`);
    const rankings = new Map<string, string[]>();
    for (const ws of world.workspaces) {
      const got = keep(
        `workspace ${ws.id}`,
        await radar.talent.aggregator.getWorkspaceRecommendations(ws.id, { limit: 5 }),
      );
      expect(got).toMatchObject({ workspace_id: ws.id, created_at: T1.toISOString() });
      expect(got.recommendations.map((r) => r.rank)).toEqual(got.recommendations.map((_, i) => i + 1));
      expect(sortedDesc(got.recommendations.map((r) => r.score))).toBe(true);
      for (const r of got.recommendations) {
        expect(ws.roster).not.toContain(r.artist_slug);
        expect(stored.has(r.artist_slug)).toBe(true);
      }
      const ranking = got.recommendations.map((r) => `${r.rank} ${r.artist_slug}`);
      expect(await storedRanking(ws.id)).toEqual(ranking);
      rankings.set(ws.id, ranking);
    }
    expect([...rankings.values()].flat().length).toBeGreaterThan(5);
    const [ws, other] = world.workspaces as [(typeof world.workspaces)[0], (typeof world.workspaces)[0]];
    const two = keep('workspace again', await radar.talent.aggregator.getWorkspaceRecommendations(ws.id, { limit: 2 }));
    expect(two.recommendations.map((r) => `${r.rank} ${r.artist_slug}`)).toEqual(rankings.get(ws.id)!.slice(0, 2));
    expect(await storedRanking(ws.id)).toEqual(rankings.get(ws.id)!.slice(0, 2));
    // Another workspace's stored ranking is untouched.
    expect(await storedRanking(other.id)).toEqual(rankings.get(other.id));
    expect(rankings.get(other.id)!.length).toBeGreaterThan(0);
  });

  it('a later refresh in which Fusion fails for three artists keeps their previous records, and says so', async () => {
    const victims = rows.slice(0, 3).map((r) => r.artist_slug);
    clock.set(T2);
    failing.clear();
    for (const v of victims) failing.add(v);
    let second: Awaited<ReturnType<SceneRadar['refresh']>>;
    try {
      second = keep('refresh at T2', await radar.refresh());
    } finally {
      failing.clear();
    }
    expect(second.talent).toMatchObject({
      asOf: T2.toISOString(),
      universe: 'ok',
      kept: 3,
      failedReads: { fusion: 3 },
    });
    expect(
      second.talent.unscored
        .filter((u) => u.status === 'failed')
        .map((u) => u.artistSlug)
        .sort(),
    ).toEqual([...victims].sort());
    const after = keep('artists after T2', [...(await m.stores.talent.talent_radar_artists.scan())]);
    const before = bySlug(rows);
    for (const r of after)
      if (victims.includes(r.artist_slug)) expect(r, r.artist_slug).toEqual(before.get(r.artist_slug));
      else expect(r.as_of, r.artist_slug).toBe(T2.toISOString());
    expect(after.filter((r) => r.as_of === T2.toISOString())).toHaveLength(second.talent.scored);
    expect(after.filter((r) => r.as_of === T1.toISOString()).map((r) => r.artist_slug)).toEqual([...victims].sort());
    const top = keep(
      'top rising after T2',
      await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 100 }),
    );
    expect(top.meta).toMatchObject({
      asOf: T2.toISOString(),
      stale: { records: 3, oldestAsOf: T1.toISOString() },
      failedReads: { fusion: 3 },
    });
    expect(top.meta.degraded.join('\n')).toMatch(/fusion: reads failed for 3 artists/);
    keep('roll-ups after T2', {
      scenes: await m.stores.talent.talent_radar_scenes.scan(),
      genres: await m.stores.talent.talent_radar_microgenres.scan(),
    });
  });

  it('a second radar on the same tables (a restart) reads what the first wrote', async () => {
    const reopened = await m.reopen();
    const again = createSceneRadar({ sources, stores: reopened.stores, clock: fixedClock(T2) });
    try {
      expect(await again.scenes.refreshedAsOf()).toBe(T2.toISOString());
      const slugs = world.dataset.artistSlugs();
      const [mine, theirs] = await Promise.all([
        radar.talent.aggregator.getArtistScores(slugs),
        again.talent.aggregator.getArtistScores(slugs),
      ]);
      expect(theirs.artists).toEqual(mine.artists);
      expect(theirs.missing).toEqual(mine.missing);
      expect(theirs.artists.length).toBeGreaterThan(60);
      keep('second radar: scores', theirs.artists);
      // Whole answers, provenance included: the records kept from T1 are still said to be stale.
      for (const category of CATEGORIES) {
        const b = await again.talent.aggregator.getTopArtists({ category, limit: 100 });
        expect(b, category).toEqual(
          await radar.talent.aggregator.getTopArtists({ category, limit: 100, skipCache: true }),
        );
        if (category === 'rising') keep('second radar: top rising', b);
      }
      const pulse = keep('second radar: global pulse', await again.talent.aggregator.buildGlobalPulse({ limit: 10 }));
      expect(pulse).toEqual(await radar.talent.aggregator.buildGlobalPulse({ limit: 10, skipCache: true }));
      expect(pulse.meta.stale).toEqual({ records: 3, oldestAsOf: T1.toISOString() });
      // Profiles are scored against the peers of the last refresh, wherever it ran.
      for (const slug of mine.artists.slice(0, 3).map((r) => r.artist_slug)) {
        const profile = await again.talent.aggregator.buildArtistProfile(slug);
        expect(profile, slug).toEqual(await radar.talent.aggregator.buildArtistProfile(slug, { skipCache: true }));
        expect(profile.explanation.momentum.peers).toBe('population');
      }
      const scene = world.catalog.scenes[0]!.slug;
      expect(await again.scenes.pulse.getScenePulse(scene)).toEqual(
        await radar.scenes.pulse.getScenePulse(scene, { skipCache: true }),
      );
      expect(await again.scenes.getSceneTrends(scene, { days: 90 })).toEqual(
        await radar.scenes.getSceneTrends(scene, { days: 90 }),
      );
      expect(await again.scenes.listMemberships({ sceneSlug: scene, limit: 1000 })).toEqual(
        await radar.scenes.listMemberships({ sceneSlug: scene, limit: 1000 }),
      );
      const ws = world.workspaces[1]!;
      const recs = keep(
        'second radar: workspace',
        await again.talent.aggregator.getWorkspaceRecommendations(ws.id, { limit: 5 }),
      );
      expect(recs.recommendations).toEqual(
        (await radar.talent.aggregator.getWorkspaceRecommendations(ws.id, { limit: 5 })).recommendations,
      );
    } finally {
      await again.close();
      await reopened.close();
    }
  });
});

describe('the Talent Radar gives the same results on memory and on postgres', () => {
  it('result by result', () => {
    log.expectSame([
      'refresh at T1',
      'artists after T1',
      'scene roll-up after T1',
      'microgenre roll-up after T1',
      ...CATEGORIES.map((c) => `top ${c}`),
      'global pulse',
      ...log.names().filter((n) => n.startsWith('profile ')),
      ...world.workspaces.map((w) => `workspace ${w.id}`),
      'workspace again',
      'refresh at T2',
      'artists after T2',
      'top rising after T2',
      'roll-ups after T2',
      'second radar: scores',
      'second radar: top rising',
      'second radar: global pulse',
      'second radar: workspace',
    ]);
    expect(log.names().filter((n) => n.startsWith('profile '))).toHaveLength(3);
  });
});

// Problems this matrix found: PostgreSQL differing from memory, and engine writes that are not
// all or nothing. These fail until the source is fixed (reported with the reproduction); they are
// kept apart so that a failure here is not mistaken for a regression of the matrix above.
describe('what the matrix found: unstorable source text and a ranking replaced in two writes', () => {
  const small = createDemoWorld({ seed: 5, artists: 40, scenes: 6, end: '2026-11-24' });
  const ws = small.workspaces[0]!;
  /** While set, MIG gives every artist a home region with a NUL character (a source's odd string). */
  let oddRegion = false;
  /** While set, every write of a workspace ranking fails (as a dropped connection would). */
  let failWrites = false;
  const mig: MIGAdapter = {
    ...small.sources.mig,
    async getArtists(slugs, options) {
      const got = new Map(await small.sources.mig.getArtists(slugs, options));
      if (oddRegion) for (const [slug, record] of got) got.set(slug, { ...record, homeRegion: 'atl\u0000antis' });
      return got;
    },
  };
  interface Run {
    readonly oddOutcome: unknown;
    readonly afterOdd: string[];
    readonly beforeFail: string[];
    readonly failOutcome: unknown;
    readonly afterFail: string[];
  }
  const runs = new Map<StoreKind, Run>();

  beforeAll(async () => {
    for (const { kind, create } of matrix) {
      const m = await create();
      const talent = failingUpserts(m.stores.talent, 'talent_radar_recommendations', () => failWrites);
      const radar = createSceneRadar({
        sources: { ...small.sources, mig },
        stores: { scenes: m.stores.scenes, talent },
        clock: fixedClock(T2),
      });
      /** The stored ranking: artist and reasons, best first. */
      const stored = async () =>
        (
          await m.stores.talent.talent_radar_recommendations.scan({
            where: { workspace_id: ws.id },
            orderBy: { column: 'rank', direction: 'asc' },
          })
        ).map((r) => `${r.artist_slug}: ${r.reasons.join('; ')}`);
      const recommend = () =>
        outcomeOf(
          radar.talent.aggregator
            .getWorkspaceRecommendations(ws.id, { limit: 5 })
            .then((r) => r.recommendations.map((x) => x.artist_slug)),
        );
      try {
        await radar.scenes.importCatalog(small.catalog);
        await radar.refresh();
        await recommend();
        oddRegion = true;
        const oddOutcome = await recommend();
        oddRegion = false;
        const afterOdd = await stored();
        await recommend();
        const beforeFail = await stored();
        failWrites = true;
        const failOutcome = await recommend();
        failWrites = false;
        runs.set(kind, { oddOutcome, afterOdd, beforeFail, failOutcome, afterFail: await stored() });
      } finally {
        oddRegion = false;
        failWrites = false;
        await radar.close();
        await m.close();
      }
    }
  }, 60_000);

  // Memory stores the reason "outside the workspace's regions (atl\0antis)"; PostgreSQL text
  // cannot hold U+0000: the call rejects with the driver's error (SQLSTATE 22021, no SceneRadarError
  // code), after the workspace's previous ranking was deleted.
  it("a source string with a NUL character (an artist's home region) gives the same recommendations, and the same stored ranking, on both", () => {
    const [memory, postgres] = [runs.get('memory')!, runs.get('postgres')!];
    // The gateway refuses the record (text must be storable: core/text.ts), so neither store holds the NUL.
    expect(memory.afterOdd.join('\n')).not.toContain('\u0000');
    expect(memory.afterOdd.length).toBeGreaterThan(0);
    expect(serialised({ outcome: postgres.oddOutcome, stored: postgres.afterOdd })).toBe(
      serialised({ outcome: memory.oddOutcome, stored: memory.afterOdd }),
    );
  });

  // getWorkspaceRecommendations deletes the stored ranking, then upserts the new one, outside any
  // transaction: when the upsert fails, the workspace is left with no stored ranking at all.
  it.each(matrix)(
    'on the $kind stores, a workspace ranking whose write fails keeps the previous ranking',
    ({ kind }) => {
      const run = runs.get(kind)!;
      expect(run.beforeFail).toHaveLength(5);
      expect(run.failOutcome).toEqual({ error: expect.any(String) });
      expect(run.afterFail).toEqual(run.beforeFail);
    },
  );
});

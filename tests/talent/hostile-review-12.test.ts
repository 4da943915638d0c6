/**
 * Hostile review 12 of the Talent Radar's read side: artist profiles (opportunities, risks,
 * similar artists), top lists and the global pulse, workspace recommendations and stored scores,
 * driven through the public API (`createSceneRadar`) over the demo world or hand-written sources,
 * against docs/scoring.md sections 7-9 and the seed's shapes. Tests under `faults` fail on the
 * code as reviewed; the rest guard behaviour that is right now.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createSceneRadar,
  fixedClock,
  type ArtistNetwork,
  type ArtistProfile,
  type ReleaseFingerprint,
  type SceneRadar,
  type SceneRadarSources,
} from 'scene-radar';
import { createMemoryStores, type TalentArtistRow } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const DAY = 86_400_000;
const NOW = new Date('2026-11-25T00:00:00.000Z');
const END = '2026-11-24';
const addDays = (d: string, n: number): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const fill = (n: number, v: number): number[] => Array.from({ length: n }, () => v);
const rel = (id: string, vector: number[]): ReleaseFingerprint => ({
  releaseId: id,
  releasedAt: '2026-06-01',
  vector,
  microgenres: [],
});

interface Spec {
  readonly slug: string;
  /** Organic engagement ending on END (paid 0); none: no activity evidence. */
  readonly organic?: readonly number[];
  readonly releases?: readonly ReleaseFingerprint[];
  readonly network?: ArtistNetwork;
}

/** Sources answering exactly the specs (no scenes: memberships come from the radar's own engine). */
function sourcesOf(specs: readonly Spec[]): SceneRadarSources {
  const by = new Map(specs.map((s) => [s.slug, s]));
  const pick = <T>(slugs: readonly string[], f: (s: Spec) => T | undefined): Map<string, T> => {
    const out = new Map<string, T>();
    for (const slug of slugs) {
      const s = by.get(slug);
      const v = s ? f(s) : undefined;
      if (v !== undefined) out.set(slug, v);
    }
    return out;
  };
  const record = (s: Spec) => ({
    slug: s.slug,
    name: s.slug,
    homeRegion: 'uk',
    homeCity: null,
    firstSeen: '2020-01-01T00:00:00.000Z',
    debut: null,
  });
  return {
    mig: {
      listArtists: async () => ({ items: specs.map(record), nextCursor: null }),
      getArtists: async (slugs) => pick(slugs, record),
      getNetworks: async (slugs) => pick(slugs, (s) => s.network),
    },
    fusion: {
      getCampaigns: async (slugs) => pick(slugs, () => []),
      getEngagement: async (slugs) =>
        pick(slugs, (s) =>
          s.organic
            ? { start: addDays(END, -(s.organic.length - 1)), organic: [...s.organic], paid: s.organic.map(() => 0) }
            : undefined,
        ),
    },
    rcf: { getEvents: async (slugs) => pick(slugs, () => []) },
    cmg: { getReleases: async (slugs) => pick(slugs, (s) => s.releases) },
    coverage: { getArticles: async (slugs) => pick(slugs, () => []) },
  };
}

/** A promise with its resolver, for gating a source or a store mid-read. */
function gate(): { readonly promise: Promise<void>; readonly open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

const world = createDemoWorld({ artists: 250, end: END });

describe('faults', () => {
  it('similar artists: every candidate is ranked, not only the 40 best by scene and graph (whose sound is read): up to talent.similarArtists (max 50), the others\' sound unknown and left out (docs/scoring.md section 8, "Similar artists")', async () => {
    // 45 collaborators, none tracked: scene 0, graph from the collaboration weight. The 40 best
    // (weight 2) get their sound read: orthogonal to the artist's, so sound 0 counts against them:
    // (0.25 x (1 - e^-2) + 0.4 x 0) / 1 = 0.216. The other 5 (weight 1) have no sound read, so
    // sound and its weight are left out: 0.25 x (1 - e^-1) / 0.6 = 0.263, the most similar.
    const collabs = Array.from({ length: 45 }, (_, i) => `c-${String(i + 1).padStart(2, '0')}`);
    const specs: Spec[] = [
      {
        slug: 'a-main',
        organic: fill(60, 1000),
        releases: [rel('r-main', [1, 0, 0])],
        network: {
          tastemakers: [],
          centrality: null,
          collaborators: collabs.map((artist, i) => ({ artist, weight: i < 40 ? 2 : 1, since: '2025-01-01' })),
        },
      },
      ...collabs.map((slug) => ({ slug, releases: [rel(`r-${slug}`, [0, 1, 0])] })),
    ];
    const radar = createSceneRadar({
      sources: sourcesOf(specs),
      clock: fixedClock(NOW),
      config: { talent: { similarArtists: 50 } },
    });
    try {
      const p = await radar.talent.aggregator.buildArtistProfile('a-main');
      // 45 candidates, up to 50 asked for: all 45.
      expect(p.similarArtists).toHaveLength(45);
      const unknownSound = Math.round(((0.25 * (1 - Math.exp(-1))) / 0.6) * 1000) / 1000;
      expect(p.similarArtists.slice(0, 5).map((s) => [s.artist_slug, s.similarity])).toEqual(
        ['c-41', 'c-42', 'c-43', 'c-44', 'c-45'].map((s) => [s, unknownSound]),
      );
    } finally {
      await radar.close();
    }
  });

  it('similar artists: "the last 3 releases" are the 3 latest released, whatever order CMG delivers them in (the same sound, the same similarity)', async () => {
    const own = [
      { ...rel('r1', [0, 1]), releasedAt: '2023-01-01' },
      { ...rel('r2', [1, 0]), releasedAt: '2026-01-01' },
      { ...rel('r3', [1, 0]), releasedAt: '2026-03-01' },
      { ...rel('r4', [1, 0]), releasedAt: '2026-06-01' },
    ];
    const similarWith = async (releases: ReleaseFingerprint[]) => {
      const specs: Spec[] = [
        {
          slug: 'a-main',
          organic: fill(60, 1000),
          releases,
          network: {
            tastemakers: [],
            centrality: null,
            collaborators: [{ artist: 'b-peer', weight: 1, since: '2025-01-01' }],
          },
        },
        { slug: 'b-peer', releases: [rel('rb', [1, 0])] },
      ];
      const radar = createSceneRadar({ sources: sourcesOf(specs), clock: fixedClock(NOW) });
      try {
        return (await radar.talent.aggregator.buildArtistProfile('a-main')).similarArtists;
      } finally {
        await radar.close();
      }
    };
    const [oldestFirst, newestFirst] = await Promise.all([similarWith(own), similarWith([...own].reverse())]);
    // The 3 latest ([1, 0] each) against b-peer's [1, 0]: cosine 1.
    const expected = Math.round((0.25 * (1 - Math.exp(-1)) + 0.4 * 1) * 1000) / 1000;
    expect(oldestFirst.map((s) => s.similarity)).toEqual([expected]);
    expect(newestFirst).toEqual(oldestFirst);
  });

  it('ArtistSignalsEngine.batchAggregateSignals refuses a sparse array (a hole is no slug) with TALENT_VALIDATION_ERROR and calls no source with undefined', async () => {
    const asked: unknown[] = [];
    const base = sourcesOf([{ slug: 'a-main', organic: fill(60, 1000) }]);
    const sources: SceneRadarSources = {
      ...base,
      mig: {
        ...base.mig!,
        getArtists: async (slugs, o) => {
          asked.push(...slugs);
          return base.mig!.getArtists(slugs, o);
        },
      },
    };
    const radar = createSceneRadar({ sources, clock: fixedClock(NOW) });
    try {
      // A hole at index 0, as `[, 'a-main']` makes.
      const sparse = new Array<string>(2);
      sparse[1] = 'a-main';
      await expect(radar.talent.signals.batchAggregateSignals(sparse)).rejects.toMatchObject({
        code: 'TALENT_VALIDATION_ERROR',
      });
      expect(asked).not.toContain(undefined);
    } finally {
      await radar.close();
    }
  });

  it('a global pulse whose record read was in flight while a refresh committed describes the records it shows, not the new refresh (no false "kept from an earlier refresh")', async () => {
    const base = createMemoryStores();
    let armed = false;
    const scanned = gate();
    const release = gate();
    const table = base.talent.talent_radar_artists;
    // The records table with a scan that, once armed, holds its (already read) rows until released:
    // a slow store read (a database under load) that a refresh overtakes.
    const slow = new Proxy(table, {
      get(target, key) {
        const v = Reflect.get(target, key, target) as unknown;
        if (key === 'scan')
          return async (...args: unknown[]) => {
            const rows = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            if (armed) {
              armed = false;
              scanned.open();
              await release.promise;
            }
            return rows;
          };
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    let now = NOW.getTime() - DAY;
    const radar = createSceneRadar({
      sources: world.sources,
      stores: { scenes: base.scenes, talent: { ...base.talent, talent_radar_artists: slow } },
      clock: { now: () => now },
    });
    try {
      await radar.scenes.importCatalog(world.catalog);
      const first = new Date(now).toISOString();
      await radar.refresh(new Date(now));
      now = NOW.getTime();
      armed = true;
      const pending = radar.talent.aggregator.buildGlobalPulse({ skipCache: true, limit: 10 });
      await scanned.promise;
      const second = await radar.refresh(new Date(now));
      expect(second.talent?.failedReads).toEqual({}); // no source failed in either refresh
      release.open();
      const pulse = await pending;
      // The lists are of one refresh (the first, read before the second committed, or the second,
      // read again)...
      const shown = new Set([...pulse.topRisingArtists, ...pulse.artistsAtRisk].map((a) => a.updated_at));
      expect(shown.size).toBe(1);
      expect([first, new Date(now).toISOString()]).toContain([...shown][0]);
      // ...and the meta must be that refresh's: no record was kept "because a source failed".
      expect(pulse.meta.degraded.filter((n) => n.includes('kept from an earlier refresh'))).toEqual([]);
      expect(pulse.meta.stale).toEqual({ records: 0, oldestAsOf: null });
      expect(pulse.meta.asOf).toBe([...shown][0]);
    } finally {
      release.open();
      await radar.close();
    }
  });

  it('workspace recommendations replace the workspace\'s stored rows whatever case the workspace source answers its id in (docs/scoring.md section 9; WorkspaceSource: "an answer\'s id may be in either case")', async () => {
    let upper = false;
    const sources: SceneRadarSources = {
      ...world.sources,
      workspaces: {
        getWorkspaces: async (ids, o) => {
          const got = await world.sources.workspaces.getWorkspaces(ids, o);
          const out = new Map(got as unknown as Map<string, { id: string }>);
          if (upper) for (const [k, w] of out) out.set(k, { ...w, id: w.id.toUpperCase() });
          return out as never;
        },
      },
    };
    const stores = createMemoryStores();
    const radar = createSceneRadar({ sources, stores, clock: fixedClock(NOW) });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh(NOW);
      const ws = world.workspaces[0]!;
      await radar.talent.aggregator.getWorkspaceRecommendations(ws.id, { limit: 5 });
      upper = true;
      const again = await radar.talent.aggregator.getWorkspaceRecommendations(ws.id, { limit: 5 });
      expect(again.recommendations).toHaveLength(5);
      const stored = (await stores.talent.talent_radar_recommendations.scan()).filter(
        (r) => r.workspace_id.toLowerCase() === ws.id.toLowerCase(),
      );
      // One ranking per workspace: the second replaced the first, it was not added beside it.
      expect(stored.map((r) => r.rank).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
      expect(new Set(stored.map((r) => r.workspace_id)).size).toBe(1);
    } finally {
      await radar.close();
    }
  });

  it('a profile is stamped with the model version of the model that scored it, even when setBreakoutModel lands while its reads are in flight', async () => {
    const base = sourcesOf([{ slug: 'a-main', organic: fill(60, 1000) }]);
    let armed = false;
    const reached = gate();
    const release = gate();
    const sources: SceneRadarSources = {
      ...base,
      fusion: {
        ...base.fusion!,
        getEngagement: async (slugs, o) => {
          if (armed) {
            armed = false;
            reached.open();
            await release.promise;
          }
          return base.fusion!.getEngagement(slugs, o);
        },
      },
    };
    const radar = createSceneRadar({ sources, clock: fixedClock(NOW) });
    try {
      await radar.refresh(NOW);
      const before = { intercept: radar.talent.breakoutModel().intercept, version: radar.talent.modelVersion };
      armed = true;
      const pending = radar.talent.aggregator.buildArtistProfile('a-main', { skipCache: true });
      await reached.promise;
      const model = radar.talent.breakoutModel();
      await radar.talent.setBreakoutModel({ ...model, intercept: model.intercept + 2 });
      const after = { intercept: model.intercept + 2, version: radar.talent.modelVersion };
      expect(after.version).not.toBe(before.version);
      release.open();
      const p = await pending;
      const used = { intercept: p.explanation.breakout.intercept, version: p.artist.model_version };
      // Either the old model with its version, or the new one with its: never one model's score
      // under the other's version.
      expect([before, after]).toContainEqual(used);
      expect(p.explanation.model_version).toBe(p.artist.model_version);
    } finally {
      release.open();
      await radar.close();
    }
  });
});

describe('guards', () => {
  let radar: SceneRadar;
  let records: readonly TalentArtistRow[];
  beforeAll(async () => {
    radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(NOW);
    records = (await radar.talent.aggregator.getArtistScores(world.dataset.artistSlugs())).artists;
    return () => radar.close();
  }, 60_000);

  it('pulse lists qualify, rank by their score (ties in record order) and a smaller limit is a prefix of a larger one; top lists agree with the pulse', async () => {
    const agg = radar.talent.aggregator;
    const big = await agg.buildGlobalPulse({ limit: 100 });
    const small = await agg.buildGlobalPulse({ limit: 7 });
    const t = { rising: 70, breakout: 0.4, risk: 0.3 };
    const order = new Map(records.map((r, i) => [r.artist_slug, i]));
    const lists = [
      ['topRisingArtists', 'rising', 'momentum', t.rising],
      ['topBreakoutCandidates', 'breakout', 'breakout_score', t.breakout],
      ['artistsAtRisk', 'risk', 'risk_score', t.risk],
    ] as const;
    for (const [name, category, field, min] of lists) {
      const expected = records
        .filter((r) => r[field] >= min)
        .sort((a, b) => b[field] - a[field] || order.get(a.artist_slug)! - order.get(b.artist_slug)!)
        .map((r) => r.artist_slug);
      expect(big[name].map((a) => a.artist_slug)).toEqual(expected.slice(0, 100));
      expect(small[name].map((a) => a.artist_slug)).toEqual(expected.slice(0, 7));
      const top = await agg.getTopArtists({ category, limit: 7 });
      expect(top.artists).toEqual(small[name]);
      expect(top.total).toBe(expected.length);
    }
    expect(big.topRisingArtists.length).toBeGreaterThan(0);
    expect(big.summary.totalArtistsTracked).toBe(records.length);
  });

  it('a profile read at the refresh instant agrees with the stored record and the pulse: same numbers, bands by the thresholds, opportunities and risks per section 8', async () => {
    const agg = radar.talent.aggregator;
    const pulse = await agg.buildGlobalPulse({ limit: 5 });
    const slugs = [
      ...new Set([...pulse.topRisingArtists, ...pulse.artistsAtRisk].map((a) => a.artist_slug)),
      ...records.slice(0, 4).map((r) => r.artist_slug),
    ];
    const bySlug = new Map(records.map((r) => [r.artist_slug, r]));
    for (const slug of slugs) {
      const p = await agg.buildArtistProfile(slug);
      const r = bySlug.get(slug)!;
      expect([p.artist.momentum, p.artist.breakout_score, p.artist.risk_score]).toEqual([
        r.momentum,
        r.breakout_score,
        r.risk_score,
      ]);
      expect(p.trajectory).toEqual({
        momentum: r.momentum >= 70 ? 'rising' : r.momentum < 30 ? 'declining' : 'stable',
        breakoutPotential: r.breakout_score >= 0.7 ? 'high' : r.breakout_score >= 0.4 ? 'medium' : 'low',
        riskLevel: r.risk_score >= 0.6 ? 'high' : r.risk_score >= 0.3 ? 'medium' : 'low',
      });
      const scores = (items: ArtistProfile['opportunities']) => items.map((o) => o.score);
      expect(scores(p.opportunities)).toEqual([...scores(p.opportunities)].sort((a, b) => b - a));
      expect(scores(p.risks)).toEqual([...scores(p.risks)].sort((a, b) => b - a));
      expect(p.opportunities.some((o) => o.type === 'momentum')).toBe(r.momentum >= 70);
      expect(p.opportunities.some((o) => o.type === 'breakout')).toBe(r.breakout_score >= 0.4);
      for (const item of [...p.opportunities, ...p.risks]) expect(item.score).toBeGreaterThanOrEqual(0);
      for (const item of [...p.opportunities, ...p.risks]) expect(item.score).toBeLessThanOrEqual(1);
      const levels = new Map(p.explanation.risk.signals.map((s) => [s.signal, s.normalized ?? 0]));
      expect(p.risks.map((x) => x.type).sort()).toEqual(
        [...levels]
          .filter(([, r]) => r >= 0.3)
          .map(([k]) => k)
          .sort(),
      );
    }
  });

  it('similar artists: never the artist itself, no duplicates, similarity in 0-1, most similar first (ties by slug), at most talent.similarArtists', async () => {
    const agg = radar.talent.aggregator;
    for (const r of records.slice(0, 25)) {
      const p = await agg.buildArtistProfile(r.artist_slug);
      const slugs = p.similarArtists.map((s) => s.artist_slug);
      expect(slugs).not.toContain(r.artist_slug);
      expect(new Set(slugs).size).toBe(slugs.length);
      expect(slugs.length).toBeLessThanOrEqual(5);
      for (const s of p.similarArtists) {
        expect(Number.isFinite(s.similarity)).toBe(true);
        expect(s.similarity).toBeGreaterThanOrEqual(0);
        expect(s.similarity).toBeLessThanOrEqual(1);
      }
      const sorted = [...p.similarArtists].sort(
        (a, b) => b.similarity - a.similarity || (a.artist_slug < b.artist_slug ? -1 : 1),
      );
      expect(p.similarArtists).toEqual(sorted);
    }
  });

  it('two profile reads at once give what the same reads one after another give; the cached profile cannot be edited by a caller', async () => {
    const agg = radar.talent.aggregator;
    const slugs = records.slice(10, 16).map((r) => r.artist_slug);
    const together = await Promise.all(slugs.map((s) => agg.buildArtistProfile(s, { skipCache: true })));
    const apart: ArtistProfile[] = [];
    for (const s of slugs) apart.push(await agg.buildArtistProfile(s, { skipCache: true }));
    expect(JSON.parse(JSON.stringify(together))).toEqual(JSON.parse(JSON.stringify(apart)));
    const cached = await agg.buildArtistProfile(slugs[0]!);
    const snapshot = JSON.stringify(cached);
    expect(() => (cached.similarArtists as unknown as unknown[]).pop()).toThrow(TypeError);
    expect(() => ((cached.artist as { momentum: number }).momentum = -1)).toThrow(TypeError);
    expect(JSON.stringify(await agg.buildArtistProfile(slugs[0]!))).toBe(snapshot);
  });

  it('stored scores: the order asked, duplicates once, unknown slugs in missing, rows the caller cannot edit', async () => {
    const agg = radar.talent.aggregator;
    const [a, b] = [records[3]!.artist_slug, records[1]!.artist_slug];
    const got = await agg.getArtistScores([a, 'no-such-artist', b, a]);
    expect(got.artists.map((r) => r.artist_slug)).toEqual([a, b]);
    expect(got.missing).toEqual(['no-such-artist']);
    expect(() => (got.artists[0]!.microgenres as string[]).push('x')).toThrow(TypeError);
    expect((await agg.getArtistScores([a])).artists[0]).toEqual(records[3]);
  });

  it("workspace recommendations are section 9's formula over every record and every known home region, whatever the limit", async () => {
    const agg = radar.talent.aggregator;
    const slugs = records.map((r) => r.artist_slug);
    const mig = await world.sources.mig.getArtists(slugs, {
      asOf: NOW,
      signal: new AbortController().signal,
    } as never);
    const home = new Map([...mig].map(([k, v]) => [k, v.homeRegion]));
    for (const ws of world.workspaces) {
      const expected = records
        .filter((r) => !ws.roster.includes(r.artist_slug))
        .map((r) => {
          const inScene = r.scene_slug !== null && ws.scenes.includes(r.scene_slug);
          const shared = r.microgenres.filter((g) => ws.microgenres.includes(g)).length;
          const fit = 0.6 * (inScene ? 1 : 0) + 0.4 * (r.microgenres.length ? shared / r.microgenres.length : 0);
          const quality = 0.5 * r.breakout_score + 0.3 * (r.momentum / 100) + 0.2 * (1 - r.risk_score);
          const h = home.get(r.artist_slug);
          const factor = ws.regions.length && h !== undefined && !ws.regions.includes(h) ? 0.7 : 1;
          return { fit, score: Math.round(fit * quality * factor * 10_000) / 10_000 };
        })
        .filter((x) => x.fit > 0)
        .map((x) => x.score)
        .sort((x, y) => y - x);
      const lists: string[][] = [];
      for (const limit of [1, 6, 20]) {
        const got = await agg.getWorkspaceRecommendations(ws.id, { limit });
        lists.push(got.recommendations.map((r) => r.artist_slug));
        expect(got.recommendations.map((r) => r.score)).toEqual(expected.slice(0, limit));
        expect(got.recommendations.map((r) => r.rank)).toEqual(got.recommendations.map((_, i) => i + 1));
        for (const r of got.recommendations) expect(ws.roster).not.toContain(r.artist_slug);
      }
      // A smaller limit is a prefix of a larger one: no artist skipped or repeated.
      expect(lists[2]!.slice(0, 6)).toEqual(lists[1]);
      expect(lists[2]!.slice(0, 1)).toEqual(lists[0]);
      expect(new Set(lists[2]).size).toBe(lists[2]!.length);
    }
  });

  it("workspace recommendations with MIG failing: every candidate ranked as if inside the workspace's regions, and meta.degraded says so (section 9)", async () => {
    let failing = false;
    const sources: SceneRadarSources = {
      ...world.sources,
      mig: {
        ...world.sources.mig,
        getArtists: async (slugs, o) => {
          if (failing) throw new Error('mig down');
          return world.sources.mig.getArtists(slugs, o);
        },
      },
    };
    const r = createSceneRadar({ sources, clock: fixedClock(NOW) });
    try {
      await r.scenes.importCatalog(world.catalog);
      await r.refresh(NOW);
      const stored = (await r.talent.aggregator.getArtistScores(world.dataset.artistSlugs())).artists;
      failing = true;
      const ws = world.workspaces[1]!;
      expect(ws.regions.length).toBeGreaterThan(0);
      const got = await r.talent.aggregator.getWorkspaceRecommendations(ws.id, { limit: 8 });
      const expected = stored
        .filter((x) => !ws.roster.includes(x.artist_slug))
        .map((x) => {
          const inScene = x.scene_slug !== null && ws.scenes.includes(x.scene_slug);
          const shared = x.microgenres.filter((g) => ws.microgenres.includes(g)).length;
          const fit = 0.6 * (inScene ? 1 : 0) + 0.4 * (x.microgenres.length ? shared / x.microgenres.length : 0);
          const quality = 0.5 * x.breakout_score + 0.3 * (x.momentum / 100) + 0.2 * (1 - x.risk_score);
          return { fit, score: Math.round(fit * quality * 10_000) / 10_000 };
        })
        .filter((x) => x.fit > 0)
        .map((x) => x.score)
        .sort((a, b) => b - a)
        .slice(0, 8);
      expect(got.recommendations.map((x) => x.score)).toEqual(expected);
      expect(got.meta.degraded.some((n) => n.startsWith('mig: home regions could not be read for'))).toBe(true);
      for (const x of got.recommendations) expect(x.reasons.join(' ')).not.toContain('outside the workspace');
    } finally {
      await r.close();
    }
  });

  it('a workspace following only unknown scenes and microgenres, or nothing, gets no recommendation (fit 0 is skipped), not an error', async () => {
    for (const follow of [
      { scenes: ['no-such-scene'], microgenres: ['no-such-genre'] },
      { scenes: [], microgenres: [] },
    ]) {
      const sources: SceneRadarSources = {
        ...world.sources,
        workspaces: {
          getWorkspaces: async (ids, o) => {
            const got = (await world.sources.workspaces.getWorkspaces(ids, o)) as Map<string, object>;
            return new Map([...got].map(([k, w]) => [k, { ...w, ...follow }])) as never;
          },
        },
      };
      const r = createSceneRadar({ sources, clock: fixedClock(NOW) });
      try {
        await r.scenes.importCatalog(world.catalog);
        await r.refresh(NOW);
        const got = await r.talent.aggregator.getWorkspaceRecommendations(world.workspaces[1]!.id);
        expect(got.recommendations).toEqual([]);
      } finally {
        await r.close();
      }
    }
  });

  it('an artist with no releases, no network and no scene membership gets a profile with no similar artist (no NaN)', async () => {
    const r = createSceneRadar({
      sources: sourcesOf([
        { slug: 'a-lone', organic: fill(60, 500) },
        { slug: 'a-other', organic: fill(60, 500) },
      ]),
      clock: fixedClock(NOW),
    });
    try {
      await r.refresh(NOW);
      const p = await r.talent.aggregator.buildArtistProfile('a-lone');
      expect(p.similarArtists).toEqual([]);
      expect(Number.isFinite(p.artist.momentum)).toBe(true);
      expect(p.explanation.sources.releases.status).toBe('missing');
    } finally {
      await r.close();
    }
  });
});

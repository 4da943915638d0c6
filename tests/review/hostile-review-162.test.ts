/**
 * Hostile review 162: workspace recommendations (src/talent/radar-aggregator.ts
 * getWorkspaceRecommendations, src/talent/workspace.ts rankForWorkspace), profile opportunities,
 * risks and similar artists (src/talent/profile-items.ts, src/talent/similar.ts), and the Scenes
 * Engine's recommendations and related scenes, over a 40-artist demo world with a fixed clock and
 * hostile workspace / MIG / CMG sources. Rankings are checked against docs/scoring.md section 9
 * written out independently (`reference` below).
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: home regions are
 * read only when the workspace names a region once `unknown` and blanks are dropped,
 * `workspaceRegions`).
 *
 * FAULT (one):
 * - src/talent/radar-aggregator.ts getWorkspaceRecommendations: the home-region loop starts reading
 *   MIG whenever `ws.regions.length > 0`, but rankForWorkspace drops the placeholder `unknown` and
 *   blank codes (regionKey), so a workspace listing only those names no region and no ranking can
 *   depend on a home region. MIG is still read for every candidate, and when it fails the answer
 *   carries "mig: home regions could not be read for N candidates ...: they are ranked as if inside
 *   the workspace's regions" in meta.degraded: a degradation that changed nothing. Fix: decide
 *   whether to read with the normalised region set (`ws.regions.map(regionKey).filter(Boolean)`),
 *   not the raw list's length.
 *
 * Verified correct (plain tests): the ranking for limits 1-40 with every scene followed, regions in
 * odd case/spacing plus `unknown`, a roster with duplicate and unknown slugs, unknown scenes and
 * microgenres; ranks, 4-decimal scores, ties by slug, the roster never recommended, the
 * "outside the workspace's regions (r)" reason, the stored talent_radar_recommendations rows;
 * MIG items failing for some candidates (ranked as inside, meta.degraded note on the engine call,
 * HTTP and readOnly); a 10,000-slug roster; an empty workspace replacing the stored rows; a source
 * filing the workspace under an upper-case id; HTTP codes (400 TALENT_VALIDATION_ERROR, 400
 * TALENT_INVALID_PARAMS for unknown workspace / no source, 503 SOURCES_UNAVAILABLE without the
 * source's text); profile opportunities/risks/trajectory consistent with the profile's scores for
 * every demo artist; similar artists ordering and the CMG-failure marking and degraded TTL; scene
 * recommendations ordering, prefix, score = fit x heat / 100; related scenes symmetric and ordered;
 * scenes HTTP codes.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from '../../src/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import { createDemoWorld, memoryTalentStores } from '../../adapters/memory/index.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const WORLD = createDemoWorld({ artists: 40, end: '2026-11-24' });
const WS_ID = '0b6f6a52-6f0e-4c3b-9a55-2f0d8a3c1e11';

type Talent = ReturnType<typeof memoryTalentStores>;
type Row = Awaited<ReturnType<Talent['talent_radar_artists']['scan']>>[number];
interface Ws {
  id: string;
  name: string;
  scenes: string[];
  microgenres: string[];
  regions: string[];
  roster: string[];
}

interface Setup {
  radar: SceneRadar;
  talent: Talent;
  rows: Row[];
  regions: Map<string, string>;
  /** From now on, MIG's getArtists answers these slugs with an invalid record (a failed item) or throws. */
  arm: (mode: { bad?: (slug: string) => boolean; throwAll?: boolean }) => void;
  migCalls: () => number;
  get: (
    path: string,
  ) => Promise<{ status: number; body: { ok: boolean; data: never; error: { code: string } | null } }>;
}

type WsAnswer = (ids: readonly string[]) => Promise<Map<string, unknown>>;

async function setup(ws: Ws | WsAnswer): Promise<Setup> {
  const talent = memoryTalentStores();
  let migCalls = 0;
  let mode: { bad?: (slug: string) => boolean; throwAll?: boolean } = {};
  const mig = WORLD.sources.mig!;
  const answer: WsAnswer =
    typeof ws === 'function'
      ? ws
      : async (ids) => new Map(ids.filter((i) => i === ws.id.toLowerCase()).map((i) => [i, ws]));
  const sources = {
    ...WORLD.sources,
    mig: {
      ...mig,
      getArtists: async (slugs: readonly string[], o: never) => {
        migCalls++;
        if (mode.throwAll) throw new Error('mig down');
        const got = (await mig.getArtists(slugs, o)) as unknown as Map<string, Record<string, unknown>>;
        if (mode.bad)
          for (const s of slugs) if (mode.bad(s) && got.has(s)) got.set(s, { ...got.get(s), homeRegion: 42 });
        return got;
      },
    },
    workspaces: { getWorkspaces: answer },
  };
  const radar = createSceneRadar({ sources: sources as never, clock: fixedClock(NOW), stores: { talent } });
  await radar.scenes.importCatalog(WORLD.catalog);
  await radar.refresh();
  const rows = await talent.talent_radar_artists.scan();
  const recs = (await mig.getArtists(
    rows.map((r) => r.artist_slug),
    { asOf: NOW, signal: new AbortController().signal } as never,
  )) as unknown as Map<string, { homeRegion: string }>;
  const regions = new Map([...recs].map(([k, v]) => [k, v.homeRegion]));
  const handler = createFetchHandler(radar);
  return {
    radar,
    talent,
    rows,
    regions,
    arm: (m) => {
      mode = m;
      migCalls = 0;
    },
    migCalls: () => migCalls,
    get: async (path) => {
      const res = await handler(new Request(`http://radar.test/api${path}`));
      return { status: res.status, body: (await res.json()) as never };
    },
  };
}

const key = (r: string | undefined): string | undefined => {
  const c = r?.trim().toLowerCase();
  return c === undefined || c === '' || c === 'unknown' ? undefined : c;
};

/** docs/scoring.md section 9, written out. */
function reference(rows: Row[], ws: Ws, limit: number, region: (s: string) => string | undefined) {
  const roster = new Set(ws.roster);
  const scenes = new Set(ws.scenes);
  const genres = new Set(ws.microgenres);
  const regions = new Set(ws.regions.map(key).filter((x) => x !== undefined));
  const out: { slug: string; score: number }[] = [];
  for (const r of rows) {
    if (roster.has(r.artist_slug)) continue;
    const mine = new Set(r.microgenres);
    const shared = [...mine].filter((g) => genres.has(g)).length;
    const fit =
      0.6 * (r.scene_slug !== null && scenes.has(r.scene_slug) ? 1 : 0) + 0.4 * (mine.size ? shared / mine.size : 0);
    if (fit === 0) continue;
    const q = 0.5 * r.breakout_score + 0.3 * (r.momentum / 100) + 0.2 * (1 - r.risk_score);
    const h = key(region(r.artist_slug));
    const f = regions.size > 0 && h !== undefined && !regions.has(h) ? 0.7 : 1;
    out.push({ slug: r.artist_slug, score: Math.round(fit * q * f * 10000) / 10000 });
  }
  out.sort((a, b) => b.score - a.score || (a.slug < b.slug ? -1 : 1));
  return out.slice(0, limit);
}

function allScenes(rows: Row[]): string[] {
  return [...new Set(rows.map((r) => r.scene_slug).filter((s): s is string => s !== null))].sort();
}

function wsOf(over: Partial<Ws>): Ws {
  return { id: WS_ID, name: 'Hostile Records', scenes: [], microgenres: [], regions: [], roster: [], ...over };
}

describe('workspace recommendations: ranking against docs/scoring.md section 9', () => {
  it('every scene followed, regions in odd case and spacing, roster with unknown and duplicate slugs: each limit 1-40 is the documented top-limit, roster excluded, stored rows match', async () => {
    const s0 = await setup(wsOf({}));
    const rows = s0.rows;
    await s0.radar.close();
    const roster = [rows[0]!.artist_slug, rows[0]!.artist_slug, 'nobody-we-know', rows[5]!.artist_slug];
    const ws = wsOf({
      scenes: [...allScenes(rows), 'no-such-scene'],
      microgenres: ['dream-pop', 'glitch-pop', 'not-a-genre'],
      regions: [' IT ', 'Se', 'unknown', '  '],
      roster,
    });
    const s = await setup(ws);
    try {
      for (const limit of [1, 2, 3, 5, 8, 13, 40]) {
        const got = await s.radar.talent.aggregator.getWorkspaceRecommendations(WS_ID.toUpperCase(), { limit });
        const want = reference(s.rows, ws, limit, (x) => s.regions.get(x));
        expect(got.recommendations.map((r) => [r.artist_slug, r.score])).toEqual(want.map((w) => [w.slug, w.score]));
        expect(got.recommendations.map((r) => r.rank)).toEqual(want.map((_, i) => i + 1));
        expect(got.workspace_id).toBe(WS_ID);
        expect(got.meta.degraded).toEqual([]);
        for (const r of got.recommendations) {
          expect(roster).not.toContain(r.artist_slug);
          expect(r.score).toBeGreaterThan(0);
          expect(r.score).toBeLessThanOrEqual(1);
          const h = key(s.regions.get(r.artist_slug));
          const outside = h !== undefined && !['it', 'se'].includes(h);
          expect(r.reasons.includes(`outside the workspace's regions (${h})`)).toBe(outside);
        }
        const stored = (await s.talent.talent_radar_recommendations.scan()).sort((a, b) => a.rank - b.rank);
        expect(stored.map((r) => [r.workspace_id, r.artist_slug, r.rank, r.score])).toEqual(
          want.map((w, i) => [WS_ID, w.slug, i + 1, w.score]),
        );
      }
    } finally {
      await s.radar.close();
    }
  });

  it('MIG failing for some candidates: the list is the one with those candidates inside the regions, and meta.degraded says how many, also over HTTP', async () => {
    const s0 = await setup(wsOf({}));
    const rows = s0.rows;
    await s0.radar.close();
    const ws = wsOf({ scenes: allScenes(rows), regions: ['it'] });
    const s = await setup(ws);
    try {
      // Fail every candidate whose home region is outside the workspace's: they all rank as if inside.
      const bad = (slug: string) => key(s.regions.get(slug)) !== 'it' && slug.charCodeAt(0) % 2 === 0;
      s.arm({ bad });
      for (const limit of [1, 4, 10, 40]) {
        const got = await s.radar.talent.aggregator.getWorkspaceRecommendations(WS_ID, { limit });
        const want = reference(s.rows, ws, limit, (x) => (bad(x) ? undefined : s.regions.get(x)));
        expect(got.recommendations.map((r) => [r.artist_slug, r.score])).toEqual(want.map((w) => [w.slug, w.score]));
        const note = got.meta.degraded.find((d) => d.startsWith('mig: home regions could not be read'));
        expect(note).toMatch(/they are ranked as if inside the workspace's regions/);
      }
      const http = await s.get(`/talent/recommendations?workspaceId=${WS_ID}&limit=3`);
      expect(http.status).toBe(200);
      expect(JSON.stringify(http.body)).toContain('ranked as if inside the workspace');
      const ro = await s.radar.readOnly.getWorkspaceRecommendations(WS_ID, { limit: 3 });
      expect(ro.meta.degraded.some((d) => d.includes('ranked as if inside'))).toBe(true);
    } finally {
      await s.radar.close();
    }
  });

  it('FAULT: a workspace whose only region is the placeholder `unknown` (no region) still reads MIG and reports a degradation when MIG fails, though no ranking depends on a home region', async () => {
    const s0 = await setup(wsOf({}));
    const rows = s0.rows;
    await s0.radar.close();
    const ws = wsOf({ scenes: allScenes(rows), regions: ['unknown', '  '] });
    const s = await setup(ws);
    try {
      s.arm({ throwAll: true });
      const got = await s.radar.talent.aggregator.getWorkspaceRecommendations(WS_ID, { limit: 5 });
      // The ranking is right (factor 1 for all)...
      expect(got.recommendations.map((r) => r.artist_slug)).toEqual(
        reference(s.rows, ws, 5, () => undefined).map((w) => w.slug),
      );
      // ...but the answer must not claim a degradation that changed nothing.
      expect(got.meta.degraded).toEqual([]);
    } finally {
      await s.radar.close();
    }
  });

  it('a roster of 10,000 slugs (every candidate on it but one) and an empty workspace: the one left, then nothing, and the previous rows are replaced', async () => {
    const s0 = await setup(wsOf({}));
    const rows = s0.rows;
    await s0.radar.close();
    const keep = rows[3]!.artist_slug;
    const filler = Array.from({ length: 10_000 - rows.length + 1 }, (_, i) => `filler-artist-${i}`);
    const roster = [...rows.map((r) => r.artist_slug).filter((x) => x !== keep), ...filler];
    expect(roster.length).toBe(10_000);
    let current = wsOf({
      scenes: allScenes(rows),
      microgenres: rows.flatMap((r) => r.microgenres).slice(0, 200),
      roster,
    });
    const s = await setup(async (ids) => new Map(ids.filter((i) => i === WS_ID).map((i) => [i, current])));
    try {
      const got = await s.radar.talent.aggregator.getWorkspaceRecommendations(WS_ID, { limit: 100 });
      expect(got.recommendations.map((r) => r.artist_slug)).toEqual([keep]);
      current = wsOf({});
      const none = await s.radar.talent.aggregator.getWorkspaceRecommendations(WS_ID, { limit: 100 });
      expect(none.recommendations).toEqual([]);
      expect(await s.talent.talent_radar_recommendations.scan()).toEqual([]);
    } finally {
      await s.radar.close();
    }
  });

  it('a source that files the workspace under its id in upper case, and answers the id in upper case, is read (the contract allows either case)', async () => {
    const s0 = await setup(wsOf({}));
    const rows = s0.rows;
    await s0.radar.close();
    const ws = wsOf({ id: WS_ID.toUpperCase(), scenes: allScenes(rows) });
    const s = await setup(async (ids) => new Map(ids.map((i) => [i.toUpperCase(), ws])));
    try {
      const got = await s.radar.talent.aggregator.getWorkspaceRecommendations(WS_ID, { limit: 3 });
      expect(got.workspace_id).toBe(WS_ID);
      expect(got.recommendations.length).toBe(3);
    } finally {
      await s.radar.close();
    }
  });
});

describe('workspace recommendations over HTTP: codes and statuses', () => {
  it('validation 400, unknown workspace 400 TALENT_INVALID_PARAMS, failing source 503, no source 400', async () => {
    let fail = false;
    const ws = wsOf({ scenes: ['indie-uk-brighton'] });
    const s = await setup(async (ids) => {
      if (fail) throw new Error('postgres://user:secret@db/ws down');
      return new Map(ids.filter((i) => i === WS_ID).map((i) => [i, ws]));
    });
    try {
      const cases: [string, number, string][] = [
        ['/talent/recommendations', 400, 'TALENT_VALIDATION_ERROR'],
        ['/talent/recommendations?workspaceId=not-a-uuid', 400, 'TALENT_VALIDATION_ERROR'],
        [`/talent/recommendations?workspaceId=${WS_ID}&limit=0`, 400, 'TALENT_VALIDATION_ERROR'],
        [`/talent/recommendations?workspaceId=${WS_ID}&limit=101`, 400, 'TALENT_VALIDATION_ERROR'],
        [`/talent/recommendations?workspaceId=${WS_ID}&limit=2.5`, 400, 'TALENT_VALIDATION_ERROR'],
        ['/talent/recommendations?workspaceId=11111111-2222-4333-8444-555555555555', 400, 'TALENT_INVALID_PARAMS'],
      ];
      for (const [path, status, code] of cases) {
        const got = await s.get(path);
        expect([path, got.status, got.body.error?.code]).toEqual([path, status, code]);
      }
      const ok = await s.get(`/talent/recommendations?workspaceId=${WS_ID.toUpperCase()}&limit=100`);
      expect(ok.status).toBe(200);
      fail = true;
      const down = await s.get(`/talent/recommendations?workspaceId=${WS_ID}`);
      expect(down.status).toBe(503);
      expect(down.body.error?.code).toBe('SOURCES_UNAVAILABLE');
      expect(JSON.stringify(down.body)).not.toContain('secret');
    } finally {
      await s.radar.close();
    }
    const { workspaces: _none, ...rest } = WORLD.sources;
    const bare = createSceneRadar({ sources: rest as never, clock: fixedClock(NOW) });
    try {
      await bare.scenes.importCatalog(WORLD.catalog);
      const res = await createFetchHandler(bare)(
        new Request(`http://radar.test/api/talent/recommendations?workspaceId=${WS_ID}`),
      );
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TALENT_INVALID_PARAMS');
    } finally {
      await bare.close();
    }
  });
});

describe('profile: opportunities, risks and similar artists (docs/scoring.md section 8)', () => {
  it('over every demo artist: opportunities and risks follow the profile’s own scores and explanation, strongest first; trajectory bands agree', async () => {
    const talent = memoryTalentStores();
    const radar = createSceneRadar({ sources: WORLD.sources, clock: fixedClock(NOW), stores: { talent } });
    try {
      await radar.scenes.importCatalog(WORLD.catalog);
      await radar.refresh();
      const rows = await talent.talent_radar_artists.scan();
      expect(rows.length).toBeGreaterThan(20);
      for (const a of rows) {
        const p = await radar.talent.aggregator.buildArtistProfile(a.artist_slug);
        const b = p.artist.breakout_score;
        const m = p.artist.momentum;
        const types = p.opportunities.map((o) => o.type);
        const bo = p.opportunities.find((o) => o.type === 'breakout');
        if (b >= 0.7) expect(bo?.description).toBe('Strong breakout signals - consider signing or major support');
        else if (b >= 0.4) expect(bo?.description).toBe('Breakout signals building - watch closely');
        else expect(bo).toBeUndefined();
        if (bo) expect(bo.score).toBe(b);
        expect(types.includes('momentum')).toBe(m >= 70);
        if (m >= 70) expect(p.opportunities.find((o) => o.type === 'momentum')!.score).toBe(m / 100);
        expect(p.trajectory.breakoutPotential).toBe(b >= 0.7 ? 'high' : b >= 0.4 ? 'medium' : 'low');
        for (let i = 1; i < p.opportunities.length; i++)
          expect(p.opportunities[i - 1]!.score).toBeGreaterThanOrEqual(p.opportunities[i]!.score);
        for (const o of p.opportunities) {
          expect(o.score).toBeGreaterThanOrEqual(0);
          expect(o.score).toBeLessThanOrEqual(1);
        }
        const wantRisks = p.explanation.risk.signals
          .filter((r) => (r.normalized ?? 0) >= 0.3)
          .map((r) => [r.signal, Math.round(r.normalized! * 1000) / 1000])
          .sort((x, y) => (y[1] as number) - (x[1] as number));
        expect(p.risks.map((r) => [r.type, r.score])).toEqual(wantRisks);
        expect(p.explanation.risk.score).toBe(p.artist.risk_score);
        // Similar artists: at most 5, never itself, strongest first then by slug, 3 decimals.
        expect(p.similarArtists.length).toBeLessThanOrEqual(5);
        for (let i = 0; i < p.similarArtists.length; i++) {
          const x = p.similarArtists[i]!;
          expect(x.artist_slug).not.toBe(a.artist_slug);
          expect(x.similarity).toBe(Math.round(x.similarity * 1000) / 1000);
          if (i > 0) {
            const prev = p.similarArtists[i - 1]!;
            expect(
              prev.similarity > x.similarity || (prev.similarity === x.similarity && prev.artist_slug < x.artist_slug),
            ).toBe(true);
          }
        }
      }
    } finally {
      await radar.close();
    }
  });

  it('the candidates’ fingerprint read failing: each similar artist says its sound is unknown, the explanation carries similarSound, and the profile is kept only degradedTtlMs', async () => {
    const target = 'eli-the-suns';
    let failing = false;
    const cmg = WORLD.sources.cmg!;
    const clock = fixedClock(NOW);
    const radar = createSceneRadar({
      sources: {
        ...WORLD.sources,
        cmg: {
          ...cmg,
          getReleases: async (slugs: readonly string[], o: never) => {
            if (failing && !slugs.includes(target)) throw new Error('cmg down');
            return cmg.getReleases(slugs, o);
          },
        },
      } as never,
      clock,
    });
    try {
      await radar.scenes.importCatalog(WORLD.catalog);
      await radar.refresh();
      const healthy = await radar.talent.aggregator.buildArtistProfile(target, { skipCache: true });
      expect(healthy.similarArtists.length).toBeGreaterThan(0);
      expect(healthy.explanation.similarSound).toBeUndefined();
      failing = true;
      const p = await radar.talent.aggregator.buildArtistProfile(target, { skipCache: true });
      expect(p.explanation.similarSound?.status).toBe('error');
      expect(p.explanation.sources.releases?.status).toBe('ok');
      expect(p.similarArtists.length).toBe(healthy.similarArtists.length);
      for (const x of p.similarArtists) {
        expect(x.reasons).toContain('sound unknown: its fingerprint read failed (cmg error)');
        expect(x.reasons.some((r) => r.startsWith('similar sound'))).toBe(false);
      }
      failing = false;
      clock.advance(radar.config.scenes.degradedTtlMs + 1);
      const again = await radar.talent.aggregator.buildArtistProfile(target);
      expect(again.explanation.similarSound).toBeUndefined();
    } finally {
      await radar.close();
    }
  });
});

describe('scenes: recommendations and related scenes (docs/scenes.md)', () => {
  it('recommendScenes: strongest first, scores and fits 0-1 (score = fit x heat / 100), a smaller limit is the prefix, the stored answer equals the computed one; related scenes strongest first with both-way links; HTTP codes', async () => {
    const s = await setup(wsOf({}));
    try {
      const artist = 'garden-the-clowns';
      for (const q of [{ artistSlug: artist }, {}]) {
        const full = await s.radar.scenes.recommendScenes({ ...q, limit: 50 });
        expect(full.items.length).toBeGreaterThan(0);
        for (let i = 0; i < full.items.length; i++) {
          const it = full.items[i]!;
          expect(it.rank).toBe(i + 1);
          expect(it.score).toBeGreaterThanOrEqual(0);
          expect(it.score).toBeLessThanOrEqual(1);
          expect(it.fit).toBeGreaterThanOrEqual(0);
          expect(it.fit).toBeLessThanOrEqual(1);
          expect(Math.abs(it.score - (it.fit * it.heat) / 100)).toBeLessThan(2e-4);
          if (i > 0) expect(full.items[i - 1]!.score).toBeGreaterThanOrEqual(it.score);
        }
        const three = await s.radar.scenes.recommendScenes({ ...q, limit: 3 });
        expect(three.items).toEqual(full.items.slice(0, 3));
      }
      const related = await s.radar.scenes.getRelatedScenes('indie-uk-brighton', { limit: 50 });
      for (let i = 1; i < related.length; i++)
        expect(related[i - 1]!.weight).toBeGreaterThanOrEqual(related[i]!.weight);
      for (const r of related) {
        const back = await s.radar.scenes.getRelatedScenes(r.scene_slug, { limit: 50 });
        expect(back.find((x) => x.scene_slug === 'indie-uk-brighton')?.weight).toBe(r.weight);
        expect(r.weight).toBe(Math.round((r.links.reduce((a, l) => a + l.weight, 0) / 3) * 10000) / 10000);
      }
      const cases: [string, number, string | undefined][] = [
        ['/scene-recommendations?artistSlug=nobody-known-here', 400, 'SCENES_INVALID_PARAMS'],
        ['/scene-recommendations?limit=51', 400, 'SCENES_VALIDATION_ERROR'],
        ['/scene-recommendations?limit=0', 400, 'SCENES_VALIDATION_ERROR'],
        ['/scene-recommendations?artistSlug=Bad_Slug', 400, 'SCENES_VALIDATION_ERROR'],
        ['/scenes/no-such-scene/related', 404, 'SCENES_NOT_FOUND'],
        ['/scenes/indie-uk-brighton/related?limit=51', 400, 'SCENES_VALIDATION_ERROR'],
        ['/scene-recommendations?limit=50', 200, undefined],
      ];
      for (const [path, status, code] of cases) {
        const got = await s.get(path);
        expect([path, got.status, got.body.error?.code]).toEqual([path, status, code]);
      }
    } finally {
      await s.radar.close();
    }
  });
});

/**
 * Hostile review 131: the Talent Radar's read paths shown to users (global pulse lists and summary,
 * top lists and their `total`, stored scores by slug, workspace recommendations), compared across
 * the aggregator, the HTTP API kit (`createFetchHandler`), the read-only facade and the read-only
 * HTTP backend, before and after a refresh, over a 90-artist demo world and a fixed clock.
 *
 * No fault found: every test pins behaviour found correct (there is no test named "FAULT:").
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from '../../src/index.js';
import { createFetchHandler, readOnlyApiBackend } from '../../src/api/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const DAY = 86_400_000;
const WORLD = createDemoWorld({ artists: 90, end: '2026-11-24' });
const CATS = ['rising', 'breakout', 'risk'] as const;

// biome-ignore lint/suspicious/noExplicitAny: envelopes are read loosely here
type Body = any;
type Handler = (r: Request) => Promise<Response>;

async function setup(config: Record<string, unknown> = {}) {
  const clock = fixedClock(NOW);
  const radar: SceneRadar = createSceneRadar({ sources: WORLD.sources, clock, config });
  await radar.scenes.importCatalog(WORLD.catalog);
  await radar.refresh();
  const http = createFetchHandler(radar);
  const ro = createFetchHandler(readOnlyApiBackend(radar.readOnly, radar.config));
  return { radar, clock, http, ro };
}

async function get(h: Handler, path: string): Promise<{ status: number; data: Body }> {
  const res = await h(new Request(`http://x/api${path}`));
  const body = (await res.json()) as Body;
  return { status: res.status, data: body.data };
}

async function allSlugs(): Promise<string[]> {
  const page = await WORLD.sources.mig.listArtists(
    { limit: 1000 },
    { asOf: NOW, signal: new AbortController().signal },
  );
  return page.items.map((a) => a.slug);
}

const slugsOf = (xs: readonly { artist_slug: string }[]): string[] => xs.map((x) => x.artist_slug);

describe('Talent pulse, top lists and stored scores agree with the documented rules', () => {
  it('lists, totals and summary counts match the qualifying rules over every stored record', async () => {
    const { radar } = await setup();
    const agg = radar.talent.aggregator;
    const { artists: rows, missing } = await agg.getArtistScores(await allSlugs());
    expect(missing).toEqual([]);
    expect(rows.length).toBe(90);
    const t = radar.config.talent.thresholds;
    const rules = {
      rising: (r: (typeof rows)[number]) => (r.momentum >= t.momentum.rising ? r.momentum : Number.NaN),
      breakout: (r: (typeof rows)[number]) => (r.breakout_score >= t.breakout.medium ? r.breakout_score : Number.NaN),
      risk: (r: (typeof rows)[number]) => (r.risk_score >= t.risk.medium ? r.risk_score : Number.NaN),
    };
    const pulse = await agg.buildGlobalPulse({ limit: 100 });
    const pulseLists = {
      rising: pulse.topRisingArtists,
      breakout: pulse.topBreakoutCandidates,
      risk: pulse.artistsAtRisk,
    };
    for (const cat of CATS) {
      const q = rows.filter((r) => !Number.isNaN(rules[cat](r)));
      const top = await agg.getTopArtists({ category: cat, limit: 100 });
      expect(top.total).toBe(q.length);
      expect(top.artists.length).toBe(q.length);
      expect(pulseLists[cat].length).toBe(q.length);
      // Best first, never increasing.
      const s = top.artists.map((a) => rules[cat](a as (typeof rows)[number]));
      for (let i = 1; i < s.length; i++) expect(s[i]!).toBeLessThanOrEqual(s[i - 1]!);
      expect(slugsOf(pulseLists[cat])).toEqual(slugsOf(top.artists));
      expect(new Set(slugsOf(top.artists))).toEqual(new Set(slugsOf(q)));
    }
    expect(pulse.summary.totalArtistsTracked).toBe(rows.length);
    expect(pulse.summary.highBreakoutCount).toBe(rows.filter((r) => r.breakout_score >= t.breakout.high).length);
    expect(pulse.summary.highRiskCount).toBe(rows.filter((r) => r.risk_score >= t.risk.high).length);
    const mean = rows.reduce((a, r) => a + r.momentum, 0) / rows.length;
    expect(pulse.summary.avgMomentum).toBe(Math.round(mean * 10) / 10);
  });

  it('a small limit is the prefix of the full list on the pulse and the top list, and total stays the full count', async () => {
    const { radar } = await setup();
    const agg = radar.talent.aggregator;
    const full = await agg.buildGlobalPulse({ limit: 100 });
    for (const limit of [1, 3, 5]) {
      const p = await agg.buildGlobalPulse({ limit });
      expect(slugsOf(p.topRisingArtists)).toEqual(slugsOf(full.topRisingArtists).slice(0, limit));
      expect(slugsOf(p.artistsAtRisk)).toEqual(slugsOf(full.artistsAtRisk).slice(0, limit));
      expect(p.summary).toEqual(full.summary);
      for (const cat of CATS) {
        const top = await agg.getTopArtists({ category: cat, limit });
        const whole = await agg.getTopArtists({ category: cat, limit: 100 });
        expect(slugsOf(top.artists)).toEqual(slugsOf(whole.artists).slice(0, limit));
        expect(top.total).toBe(whole.total);
      }
    }
  });

  it('ties (risk scores clamped to the same value) are ordered the same on the pulse, the top list and HTTP', async () => {
    const { radar, http } = await setup({ talent: { thresholds: { risk: { medium: 0, high: 0.6 } } } });
    const agg = radar.talent.aggregator;
    const top = await agg.getTopArtists({ category: 'risk', limit: 100 });
    expect(top.total).toBe(90);
    const scores = top.artists.map((a) => a.risk_score);
    expect(scores.length - new Set(scores).size).toBeGreaterThan(0); // real ties present
    const pulse = await agg.buildGlobalPulse({ limit: 100 });
    const h = await get(http, '/talent/top?category=risk&limit=100');
    const hp = await get(http, '/talent/pulse?limit=100');
    expect(slugsOf(pulse.artistsAtRisk)).toEqual(slugsOf(top.artists));
    expect(slugsOf(h.data.artists)).toEqual(slugsOf(top.artists));
    expect(slugsOf(hp.data.artistsAtRisk)).toEqual(slugsOf(top.artists));
    // A cut inside a run of ties keeps the same (earlier) members on both routes.
    const tiedAt = scores.findIndex((s, i) => i > 0 && s === scores[i - 1]);
    const cut = tiedAt;
    const small = await agg.getTopArtists({ category: 'risk', limit: cut });
    const smallPulse = await agg.buildGlobalPulse({ limit: cut });
    expect(slugsOf(small.artists)).toEqual(slugsOf(top.artists).slice(0, cut));
    expect(slugsOf(smallPulse.artistsAtRisk)).toEqual(slugsOf(small.artists));
  });
});

describe('The same answers through HTTP, the read-only facade and the read-only HTTP backend', () => {
  it('pulse and top lists are identical (unrounded scores, totals, summary) on every path', async () => {
    const { radar, http, ro } = await setup();
    const agg = radar.talent.aggregator;
    const pulse = await agg.buildGlobalPulse({ limit: 7 });
    const roPulse = await radar.readOnly.getGlobalPulse({ limit: 7 });
    const hp = await get(http, '/talent/pulse?limit=7');
    const rp = await get(ro, '/talent/pulse?limit=7');
    expect(hp.status).toBe(200);
    expect(rp.status).toBe(200);
    for (const p of [roPulse, hp.data, rp.data]) {
      expect(p.topRisingArtists).toEqual(pulse.topRisingArtists);
      expect(p.topBreakoutCandidates).toEqual(pulse.topBreakoutCandidates);
      expect(p.artistsAtRisk).toEqual(pulse.artistsAtRisk);
      expect(p.summary).toEqual(pulse.summary);
    }
    for (const cat of CATS) {
      const top = await agg.getTopArtists({ category: cat, limit: 7 });
      const roTop = await radar.readOnly.getTopArtists({ category: cat, limit: 7 });
      const h = await get(http, `/talent/top?category=${cat}&limit=7`);
      const r = await get(ro, `/talent/top?category=${cat}&limit=7`);
      for (const t of [roTop, h.data, r.data]) {
        expect(t.artists).toEqual(top.artists);
        expect(t.total).toBe(top.total);
        expect(t.category).toBe(cat);
      }
    }
    // Defaults: no limit is 20 on every path, and no category is `rising` over HTTP.
    const d = await get(http, '/talent/top');
    const dr = await get(ro, '/talent/top');
    const rising = await agg.getTopArtists({ category: 'rising' });
    expect(d.data.artists).toEqual(rising.artists);
    expect(dr.data.artists).toEqual(rising.artists);
  });

  it('a limit over talent.maxArtistsPerQuery is refused the same way on the pulse and the top list, on every path', async () => {
    const { radar, http, ro } = await setup({ talent: { maxArtistsPerQuery: 5 } });
    const agg = radar.talent.aggregator;
    await expect(agg.buildGlobalPulse({ limit: 6 })).rejects.toMatchObject({ code: 'TALENT_INVALID_PARAMS' });
    await expect(agg.getTopArtists({ category: 'risk', limit: 6 })).rejects.toMatchObject({
      code: 'TALENT_INVALID_PARAMS',
    });
    await expect(radar.readOnly.getTopArtists({ category: 'risk', limit: 6 })).rejects.toMatchObject({
      code: 'TALENT_INVALID_PARAMS',
    });
    for (const h of [http, ro]) {
      expect((await get(h, '/talent/pulse?limit=6')).status).toBe(400);
      expect((await get(h, '/talent/top?category=risk&limit=6')).status).toBe(400);
    }
    // Without a limit, the default (20) is held to the cap on both routes alike.
    const p = await agg.buildGlobalPulse();
    const top = await agg.getTopArtists({ category: 'risk' });
    expect(p.artistsAtRisk.length).toBeLessThanOrEqual(5);
    expect(slugsOf(p.artistsAtRisk)).toEqual(slugsOf(top.artists));
    expect(top.total).toBeGreaterThan(top.artists.length);
  });
});

describe('getArtistScores', () => {
  it('answers in the order asked, duplicates once, unknown slugs in missing, same via readOnly', async () => {
    const { radar } = await setup();
    const all = await allSlugs();
    const [a, b, c] = [all[5]!, all[2]!, all[40]!];
    const ask = [a, 'no-such-artist', b, a, c, 'no-such-artist', b];
    const got = await radar.talent.aggregator.getArtistScores(ask);
    expect(slugsOf(got.artists)).toEqual([a, b, c]);
    expect(got.missing).toEqual(['no-such-artist']);
    expect(await radar.readOnly.getArtistScores(ask)).toEqual(got);
    const empty = await radar.talent.aggregator.getArtistScores([]);
    expect(empty.artists).toEqual([]);
    expect(empty.missing).toEqual([]);
    await expect(radar.talent.aggregator.getArtistScores(['Not A Slug'])).rejects.toMatchObject({
      code: 'TALENT_VALIDATION_ERROR',
    });
    // Scores are the ones listed on the top lists, unrounded.
    const top = await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 100 });
    const stored = await radar.talent.aggregator.getArtistScores(slugsOf(top.artists));
    expect(stored.artists.map((r) => r.momentum)).toEqual(top.artists.map((r) => r.momentum));
  });
});

describe('Caches after a refresh', () => {
  it('the cached pulse, top lists and stored scores all move to the new refresh together', async () => {
    const { radar, clock, http } = await setup();
    const agg = radar.talent.aggregator;
    const before = await agg.buildGlobalPulse({ limit: 100 });
    await agg.getTopArtists({ category: 'rising', limit: 100 });
    await get(http, '/talent/top?category=risk&limit=100');
    clock.advance(30 * DAY);
    await radar.refresh();
    const pulse = await agg.buildGlobalPulse({ limit: 100 });
    expect(pulse.meta.asOf).not.toBe(before.meta.asOf);
    const { artists: rows } = await agg.getArtistScores(await allSlugs());
    expect(new Set(rows.map((r) => r.as_of)).size).toBe(1);
    expect(pulse.meta.asOf).toBe(new Date(NOW.getTime() + 30 * DAY).toISOString());
    for (const cat of CATS) {
      const top = await agg.getTopArtists({ category: cat, limit: 100 });
      const h = await get(http, `/talent/top?category=${cat}&limit=100`);
      const ro = await radar.readOnly.getTopArtists({ category: cat, limit: 100 });
      expect(top.meta.asOf).toBe(pulse.meta.asOf);
      expect(h.data.artists).toEqual(top.artists);
      expect(ro.artists).toEqual(top.artists);
      const byslug = new Map(rows.map((r) => [r.artist_slug, r]));
      for (const a of top.artists) expect(a.updated_at).toBe(byslug.get(a.artist_slug)!.updated_at);
    }
    expect(pulse.summary.totalArtistsTracked).toBe(rows.length);
  });
});

describe('Workspace recommendations', () => {
  it('a small limit is the prefix of the full ranking, roster excluded, same on HTTP and readOnly', async () => {
    const { radar, http } = await setup();
    const agg = radar.talent.aggregator;
    for (const ws of WORLD.workspaces.slice(0, 3)) {
      const full = await agg.getWorkspaceRecommendations(ws.id, { limit: 100 });
      const roster = new Set(ws.roster);
      for (const r of full.recommendations) expect(roster.has(r.artist_slug)).toBe(false);
      for (let i = 1; i < full.recommendations.length; i++) {
        const [p, q] = [full.recommendations[i - 1]!, full.recommendations[i]!];
        expect(p.score > q.score || (p.score === q.score && p.artist_slug < q.artist_slug)).toBe(true);
      }
      for (const limit of [1, 2, 5]) {
        const part = await agg.getWorkspaceRecommendations(ws.id, { limit });
        expect(slugsOf(part.recommendations)).toEqual(slugsOf(full.recommendations).slice(0, limit));
        expect(part.recommendations.map((r) => r.score)).toEqual(
          full.recommendations.slice(0, limit).map((r) => r.score),
        );
      }
      const h = await get(http, `/talent/recommendations?workspaceId=${ws.id}&limit=5`);
      const ro = await radar.readOnly.getWorkspaceRecommendations(ws.id.toUpperCase(), { limit: 5 });
      expect(slugsOf(h.data.recommendations)).toEqual(slugsOf(full.recommendations).slice(0, 5));
      expect(slugsOf(ro.recommendations)).toEqual(slugsOf(full.recommendations).slice(0, 5));
    }
  });
});

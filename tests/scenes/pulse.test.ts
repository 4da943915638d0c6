/**
 * Scenes Engine: ScenePulse (one scene, batches, regional and global pulse), recommendations, and
 * how the demo world's scenes rank against the world's latent heat.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createSceneRadar,
  fixedClock,
  resolveConfig,
  type ArtistNetwork,
  type EngagementSeries,
  type SceneRadar,
} from 'scene-radar';
import { computePulse, type PulseMember } from '../../src/scenes/pulse-math.js';
import { SceneStageSchema } from 'scene-radar/schemas';
import { memoryScenesStores, type ScenesStores } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';

type Pulse = Awaited<ReturnType<SceneRadar['scenes']['pulse']['getScenePulse']>>;

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 300, end: '2026-11-24' });
const slugs = world.catalog.scenes.map((s) => s.slug);
const rejects = (fn: () => unknown) => expect(Promise.resolve().then(fn)).rejects;

let stores: ScenesStores;
let radar: SceneRadar;
let all: Pulse[];
beforeAll(async () => {
  stores = memoryScenesStores();
  radar = createSceneRadar({ sources: world.sources, stores: { scenes: stores }, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh();
  all = (await radar.scenes.pulse.batchProcessScenes(slugs)).map((i) => i.pulse!);
});

/** Every invariant a pulse must hold, whatever the scene. */
async function checkPulse(p: Pulse): Promise<void> {
  const c = radar.config.scenes.pulse;
  expect(p.heat).toBeGreaterThanOrEqual(0);
  expect(p.heat).toBeLessThanOrEqual(100);
  expect(p.previous_heat).toBeGreaterThanOrEqual(0);
  expect(p.previous_heat).toBeLessThanOrEqual(100);
  expect(p.growth).toBeCloseTo((p.heat - p.previous_heat) / Math.max(p.previous_heat, 10), 2);
  expect(SceneStageSchema.options).toContain(p.stage);
  // The stage follows the numbers shown, exactly.
  if (p.growth <= c.coolingMaxGrowth) expect(p.stage).toBe('cooling');
  else if (p.heat < c.emergingMaxHeat) expect(p.stage).toBe('emerging');
  else expect(p.stage).toBe(p.growth >= c.growingMinGrowth ? 'growing' : 'peaking');
  expect(p.active_members).toBeLessThanOrEqual(p.total_members);
  expect(p.rising_members).toBeLessThanOrEqual(p.active_members);
  expect(p.new_members).toBeLessThanOrEqual(p.total_members);
  const members = new Map(
    (await radar.scenes.listMemberships({ sceneSlug: p.scene_slug, limit: 10_000 })).items.map((m) => [
      m.artist_slug,
      m.confidence,
    ]),
  );
  expect(p.total_members).toBe(members.size);
  expect(p.top_artists.length).toBeLessThanOrEqual(c.topArtists);
  for (const a of p.top_artists) {
    expect(members.get(a.artist_slug)).toBe(a.confidence);
    expect(a.reason.length).toBeGreaterThan(0);
  }
  const shares = p.microgenre_mix.map((m) => m.share);
  expect(shares).toEqual([...shares].sort((a, b) => b - a));
  // Every microgenre shared (not the first 12, as before 2026-12-05): the shares sum to 1, each rounded to 4 places.
  if (shares.length) expect(Math.abs(shares.reduce((a, b) => a + b, 0) - 1)).toBeLessThanOrEqual(shares.length * 5e-5);
  const scene = world.catalog.scenes.find((s) => s.slug === p.scene_slug)!;
  expect(p.microgenre_mix.every((m) => scene.microgenres.includes(m.microgenre))).toBe(true);
  expect(p.tastemaker_activity.new_links).toBeGreaterThanOrEqual(0);
  expect(p.campaign_activity.paid_share).toBeGreaterThanOrEqual(0);
  expect(p.campaign_activity.paid_share).toBeLessThanOrEqual(1);
  // The explanation adds up to the heat; weights of the available signals sum to 1.
  expect(p.explanation.map((x) => x.signal).sort()).toEqual([
    'member_momentum',
    'new_members',
    'rising_members',
    'tastemaker_activity',
  ]);
  expect(p.explanation.reduce((a, x) => a + x.contribution, 0)).toBeCloseTo(p.heat, 0);
  expect(p.explanation.filter((x) => x.available).reduce((a, x) => a + x.weight, 0)).toBeCloseTo(1, 3);
  for (const x of p.explanation) {
    expect(x.normalized).toBeGreaterThanOrEqual(0);
    expect(x.normalized).toBeLessThanOrEqual(1);
    if (!x.available) expect(x).toMatchObject({ weight: 0, contribution: 0 });
  }
  expect(p.confidence).toBeGreaterThanOrEqual(0);
  expect(p.confidence).toBeLessThanOrEqual(1);
  // Every member read from Fusion (once per method used) and MIG (networks), all ok.
  const fusion = p.sources.fusion!;
  expect({ ...fusion, ok: 0 }).toEqual({ ok: 0, missing: 0, timeout: 0, error: 0, absent: 0 });
  expect(fusion.ok % Math.max(1, p.total_members)).toBe(0);
  if (p.total_members > 0) expect(fusion.ok).toBeGreaterThan(0);
  expect(p.sources.mig).toEqual({ ok: p.total_members, missing: 0, timeout: 0, error: 0, absent: 0 });
  expect(p.status).toBe('ok');
  expect(p.asOf).toBe(NOW.toISOString());
  expect(p.updated_at).toBe(NOW.toISOString());
  expect(p.model_version).toMatch(/\S/);
}

describe('ScenePulse', () => {
  it('getScenePulse: a full, explained pulse', async () => {
    const p = await radar.scenes.pulse.getScenePulse('indie-uk-brighton');
    expect(p).toMatchObject({ scene_slug: 'indie-uk-brighton', name: 'Brighton Indie', region: 'uk' });
    expect(p.total_members).toBeGreaterThan(5);
    expect(p.top_artists.length).toBeGreaterThan(0);
    expect(p.microgenre_mix.length).toBeGreaterThan(0);
    expect(p.confidence).toBeGreaterThan(0.5);
    await checkPulse(p);
  });

  it('every scene of the catalog holds the invariants', async () => {
    for (const p of all) await checkPulse(p);
    const empty = all.filter((p) => p.total_members === 0);
    for (const p of empty) expect(p).toMatchObject({ heat: 0, confidence: 0, top_artists: [] });
  });

  it('getScenePulse: SCENES_NOT_FOUND for an unknown scene, SCENES_VALIDATION_ERROR for a malformed slug', async () => {
    await rejects(() => radar.scenes.pulse.getScenePulse('no-such-scene')).toMatchObject({
      code: 'SCENES_NOT_FOUND',
      httpStatus: 404,
    });
    for (const bad of ['Indie UK', '', 'a--b', 'x'.repeat(129), 42 as unknown as string]) {
      await rejects(() => radar.scenes.pulse.getScenePulse(bad)).toMatchObject({
        code: 'SCENES_VALIDATION_ERROR',
        httpStatus: 400,
      });
    }
  });

  it('batchProcessScenes: the order asked, each item marked; unknown scenes are not_found, not a failure', async () => {
    const asked = ['rap-uk-london', 'no-such-scene', 'indie-uk-brighton', 'rap-uk-london'];
    const items = await radar.scenes.pulse.batchProcessScenes(asked);
    expect(items.map((i) => [i.slug, i.status])).toEqual([
      ['rap-uk-london', 'ok'],
      ['no-such-scene', 'not_found'],
      ['indie-uk-brighton', 'ok'],
      ['rap-uk-london', 'ok'],
    ]);
    expect(items[1]!.pulse).toBeUndefined();
    expect(items[2]!.pulse!.heat).toBe(all.find((p) => p.scene_slug === 'indie-uk-brighton')!.heat);
  });

  it('batchProcessScenes: at most 100 scenes; malformed slugs and non-arrays are rejected', async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => slugs[i % slugs.length]!);
    expect((await radar.scenes.pulse.batchProcessScenes(hundred)).every((i) => i.status === 'ok')).toBe(true);
    await rejects(() => radar.scenes.pulse.batchProcessScenes([...hundred, slugs[0]!])).toMatchObject({
      code: 'SCENES_INVALID_PARAMS',
      httpStatus: 400,
    });
    await rejects(() => radar.scenes.pulse.batchProcessScenes(['indie-uk-brighton', 'Bad Slug'])).toMatchObject({
      code: 'SCENES_VALIDATION_ERROR',
    });
    await rejects(() =>
      radar.scenes.pulse.batchProcessScenes('indie-uk-brighton' as unknown as string[]),
    ).toMatchObject({ code: 'SCENES_VALIDATION_ERROR', details: [{ code: 'invalid_type', path: ['slugs'] }] });
  });

  it('getRegionalPulse: the region only, hottest first, limit 1-100', async () => {
    const uk = all.filter((p) => p.region === 'uk').sort((a, b) => b.heat - a.heat);
    const r = await radar.scenes.pulse.getRegionalPulse('uk', { limit: 100 });
    expect(r).toMatchObject({ region: 'uk', asOf: NOW.toISOString(), unavailable: [] });
    expect(r.scenes.map((p) => p.heat)).toEqual(uk.map((p) => p.heat));
    const top3 = await radar.scenes.pulse.getRegionalPulse('uk', { limit: 3 });
    expect(top3.scenes.map((p) => p.heat)).toEqual(uk.slice(0, 3).map((p) => p.heat));
    expect((await radar.scenes.pulse.getRegionalPulse('uk')).scenes).toHaveLength(Math.min(20, uk.length));
    for (const limit of [0, 101, 1.5])
      await rejects(() => radar.scenes.pulse.getRegionalPulse('uk', { limit })).toMatchObject({
        code: 'SCENES_VALIDATION_ERROR',
      });
    await rejects(() => radar.scenes.pulse.getRegionalPulse('zz')).toMatchObject({ code: 'SCENES_NOT_FOUND' });
    await rejects(() => radar.scenes.pulse.getRegionalPulse('U K')).toMatchObject({ code: 'SCENES_VALIDATION_ERROR' });
  });

  it('getGlobalPulse: hottest, fastest growing and cooling scenes of the whole catalog', async () => {
    const g = await radar.scenes.pulse.getGlobalPulse({ limit: 100 });
    expect(g.summary).toEqual({ scenes: 70, ok: 70, stale: 0, timeout: 0, error: 0, unavailable: 0, degraded: 0 });
    expect(g.asOf).toBe(NOW.toISOString());
    expect(g.hottest.map((p) => p.heat)).toEqual(all.map((p) => p.heat).sort((a, b) => b - a));
    const growth = g.fastestGrowing.map((p) => p.growth);
    expect(growth.every((x) => x > 0)).toBe(true);
    expect(growth).toEqual([...growth].sort((a, b) => b - a));
    expect(g.fastestGrowing).toHaveLength(all.filter((p) => p.growth > 0).length);
    expect(g.cooling.every((p) => p.stage === 'cooling')).toBe(true);
    expect(g.cooling.map((p) => p.growth)).toEqual(g.cooling.map((p) => p.growth).sort((a, b) => a - b));
    expect((await radar.scenes.pulse.getGlobalPulse()).hottest).toHaveLength(10);
    expect((await radar.scenes.pulse.getGlobalPulse({ limit: 1 })).hottest[0]!.heat).toBe(g.hottest[0]!.heat);
    for (const limit of [0, 101])
      await rejects(() => radar.scenes.pulse.getGlobalPulse({ limit })).toMatchObject({
        code: 'SCENES_VALIDATION_ERROR',
      });
  });
});

describe('recommendations', () => {
  it('without an artist: the watch list, ranked by fit x heat, with reasons, stored', async () => {
    const rec = await radar.scenes.recommendScenes({ limit: 5 });
    expect(rec).toMatchObject({ subject: 'watch', stored: false });
    expect(rec.items.map((x) => x.rank)).toEqual([1, 2, 3, 4, 5]);
    for (const x of rec.items) {
      expect(x.score).toBeCloseTo((x.fit * x.heat) / 100, 3);
      expect(x.reasons.length).toBeGreaterThan(0);
    }
    const scores = rec.items.map((x) => x.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const rows = await stores.scene_recommendations_cache.scan({
      where: { subject: 'watch' },
      orderBy: { column: 'rank' },
    });
    expect(rows.slice(0, 5).map((r) => r.scene_slug)).toEqual(rec.items.map((x) => x.scene_slug));
    const again = await radar.scenes.recommendScenes({ limit: 5 });
    expect(again.stored).toBe(true);
    expect(again.items).toEqual(rec.items);
  });

  it('for an artist: its scenes by fit x heat, member scenes first among equals, with reasons', async () => {
    const member = (await radar.scenes.listMemberships({ sceneSlug: 'indie-uk-brighton', limit: 1 })).items[0]!;
    const rec = await radar.scenes.recommendScenes({ artistSlug: member.artist_slug, limit: 50 });
    expect(rec.subject).toBe(`artist:${member.artist_slug}`);
    const mine = rec.items.find((x) => x.scene_slug === 'indie-uk-brighton')!;
    expect(mine.fit).toBeGreaterThanOrEqual(member.confidence - 1e-4);
    expect(mine.reasons.some((r) => r.includes('member'))).toBe(true);
    expect(rec.items.map((x) => x.score)).toEqual(rec.items.map((x) => x.score).sort((a, b) => b - a));
    expect(await stores.scene_recommendations_cache.count({ subject: rec.subject })).toBe(rec.items.length);
  });

  it('checks its arguments: limit 1-50, malformed and unknown artists', async () => {
    for (const limit of [0, 51])
      await rejects(() => radar.scenes.recommendScenes({ limit })).toMatchObject({ code: 'SCENES_VALIDATION_ERROR' });
    await rejects(() => radar.scenes.recommendScenes({ artistSlug: 'Not An Artist' })).toMatchObject({
      code: 'SCENES_VALIDATION_ERROR',
    });
    // The Scenes Engine has no artist-not-found code; docs/scenes.md names SCENES_INVALID_PARAMS.
    await rejects(() => radar.scenes.recommendScenes({ artistSlug: 'no-such-artist-zz' })).toMatchObject({
      code: 'SCENES_INVALID_PARAMS',
    });
  });
});

describe('heat across the demo world', () => {
  // The engine's heat against the world's latent scene heat is reported in docs/scenes.md
  // ("Agreement with the demo world"), not asserted: at 300 artists (about four home members per
  // scene) the latent effect is small next to member noise, and the figure is weak (0.15-0.2).
  it('heat is a number for every scene, never NaN, and spans a range', () => {
    const heats = all.map((p) => p.heat);
    expect(heats.every((h) => Number.isFinite(h) && h >= 0 && h <= 100)).toBe(true);
    expect(Math.max(...heats) - Math.min(...heats)).toBeGreaterThan(10);
  });
});

describe('computePulse', () => {
  // computePulse walks the engagement and network maps in their own order (cheaper on memory than
  // member order); what each member gets must still be exactly `map.get(member.artist_slug)`.
  const params = resolveConfig().scenes.pulse;
  const asOfMs = NOW.getTime();
  const n = 40;
  const members: PulseMember[] = Array.from({ length: n }, (_, i) => ({
    artist_slug: `artist-${String(i).padStart(2, '0')}`,
    confidence: 1 - i / 100,
    joined_at: i % 9 === 0 ? '2026-11-01T00:00:00.000Z' : '2025-01-01T00:00:00.000Z',
    microgenres: i % 3 ? ['shoegaze'] : ['shoegaze', 'dream-pop'],
  }));
  const series = (i: number): EngagementSeries => ({
    start: i % 5 ? '2026-08-01' : '2026-07-20',
    organic: Array.from({ length: 116 }, (_, d) => (d % 11 === i % 11 ? null : 100 + i * 7 + d * (i % 4) * 0.37)),
    paid: Array.from({ length: 116 }, (_, d) => (i % 3 === 0 && d > 90 ? 40 + d * 0.1 : 0)),
  });
  const network = (i: number): ArtistNetwork => ({
    tastemakers: [
      {
        tastemaker: `tm-${i % 7}`,
        kind: 'blog',
        weight: 0.5,
        since: i % 4 ? '2026-11-10T00:00:00.000Z' : '2026-10-05T12:00:00Z',
      },
    ],
    collaborators: [],
    centrality: null,
  });
  // Reads that failed leave members without an entry; the rest in member order, as ScenePulse builds them.
  const engagement = new Map(members.filter((_, i) => i % 6 !== 5).map((m, i) => [m.artist_slug, series(i)]));
  const networks = new Map(members.filter((_, i) => i % 7 !== 3).map((m, i) => [m.artist_slug, network(i)]));
  const input = {
    scene: { slug: 'indie-uk-brighton', name: 'Brighton Indie', region: 'uk' },
    members,
    engagement,
    networks,
    sources: {},
    asOfMs,
    nowMs: asOfMs,
    membershipsAsOfMs: asOfMs,
  };
  const shuffled = <V>(m: Map<string, V>): Map<string, V> =>
    new Map([...m].sort((a, b) => (a[0].split('').reverse().join('') < b[0].split('').reverse().join('') ? -1 : 1)));

  it('counts no member when memberships were never computed, whatever members it is given', () => {
    const p = computePulse({ ...input, membershipsAsOfMs: null }, params);
    expect(p).toMatchObject({
      status: 'degraded',
      memberships_as_of: null,
      total_members: 0,
      heat: 0,
      confidence: 0,
      top_artists: [],
    });
    expect(p.explanation.every((x) => !x.available && x.contribution === 0)).toBe(true);
    expect(computePulse(input, params)).toMatchObject({ memberships_as_of: NOW.toISOString(), total_members: n });
  });

  it('gives the same pulse whatever the order of the maps, with or without keys of non-members', () => {
    const reference = computePulse(input, params);
    expect(reference.active_members).toBeGreaterThan(0);
    expect(reference.tastemaker_activity.new_links).toBeGreaterThan(0);
    expect(computePulse({ ...input, engagement: shuffled(engagement), networks: shuffled(networks) }, params)).toEqual(
      reference,
    );
    // Keys of non-members count in the read coverage (the maps' sizes), never as members.
    const withStrangers = <V>(m: Map<string, V>, v: V): Map<string, V> =>
      new Map([['stranger', v], ...m, ['another-stranger', v]]);
    const e = withStrangers(engagement, series(1));
    const w = withStrangers(networks, network(1));
    const strangers = computePulse({ ...input, engagement: e, networks: w }, params);
    expect({ ...strangers, confidence: reference.confidence }).toEqual(reference);
    expect(computePulse({ ...input, engagement: shuffled(e), networks: shuffled(w) }, params)).toEqual(strangers);
  });

  it('decides the stage from the heat and growth it shows, so a bound equal to a shown number is never crossed', () => {
    // Before 2026-12-05 the stage came from the unrounded heat: a heat shown as 40 could be
    // `emerging` under a bound of 40 (its heat was 39.996). Subsets of the members give pulses
    // whose heats round both ways.
    let checked = 0;
    for (let k = 12; k <= n; k++) {
      const p = computePulse({ ...input, members: members.slice(0, k) }, params);
      if (p.active_members === 0) continue;
      checked++;
      const at = (o: Partial<typeof params>) =>
        computePulse({ ...input, members: members.slice(0, k) }, { ...params, ...o }).stage;
      expect(at({ emergingMaxHeat: p.heat, coolingMaxGrowth: -1, growingMinGrowth: 10 })).toBe('peaking');
      expect(at({ emergingMaxHeat: p.heat + 0.01, coolingMaxGrowth: -1, growingMinGrowth: 10 })).toBe('emerging');
      expect(at({ emergingMaxHeat: 0, coolingMaxGrowth: -1, growingMinGrowth: p.growth })).toBe('growing');
      expect(at({ emergingMaxHeat: 0, coolingMaxGrowth: -1, growingMinGrowth: p.growth + 0.0001 })).toBe('peaking');
      expect(at({ emergingMaxHeat: 0, coolingMaxGrowth: p.growth, growingMinGrowth: 10 })).toBe('cooling');
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('a member listed twice reads its entry twice, in order or not', () => {
    const twice = [...members, members[4]!, members[0]!];
    const once = computePulse(input, params);
    const inOrder = computePulse({ ...input, members: twice }, params);
    expect(inOrder.total_members).toBe(n + 2);
    // members[4] has a link in the current window: listed twice, it counts twice.
    expect(inOrder.tastemaker_activity.new_links).toBe(once.tastemaker_activity.new_links + 1);
    expect(
      computePulse(
        { ...input, members: twice, engagement: shuffled(engagement), networks: shuffled(networks) },
        params,
      ),
    ).toEqual(inOrder);
  });
});

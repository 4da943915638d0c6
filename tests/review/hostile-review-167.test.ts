/**
 * Hostile review 167: the same artist's numbers, at the same instant, in every place a user sees
 * them: the stored record (`talent_radar_artists`), `radar.readOnly.getArtistScores` and the
 * aggregator's, `scoreArtists` (kept peers at the refresh instant, and its own peers fitted on the
 * universe as `population`), the profile (`buildArtistProfile`, cached via the read-only facade),
 * its explanation (intercept + contributions = logit(breakout); contribution = weight x
 * (normalized - center) with the model's centres; momentum = 100 x logistic(sum / momentumScale)
 * with one shrink in [0, 1] and |z| <= 4; risk = noisy-OR and contributions summing to it), the
 * trajectory, the breakout/momentum opportunities and risk items, the global pulse's lists and
 * summary, the top lists' members and `total`, and `model_version` (records, profile, meta),
 * under the default policy, custom thresholds (including thresholds set exactly at a score),
 * a custom momentum scale and weights, and a breakout model weighing every input (configured,
 * and set by `setBreakoutModel`: records keep the old version until the next refresh, meta says
 * the policy in use; reset gives the plain version back).
 *
 * FAULTS: none found. Every check below passed on the code as reviewed (each asserts something
 * that fails on a mismatch, checked for all 60 artists of the demo world).
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { memoryScenesStores, memoryTalentStores } from '../../src/stores.js';

const T = '2026-11-25T00:00:00.000Z';
const logit = (p: number): number => Math.log(p / (1 - p));
const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

type Cfg = NonNullable<Parameters<typeof createSceneRadar>[0]['config']>;
type Radar = ReturnType<typeof createSceneRadar>;
interface Thresholds {
  momentum: { rising: number; declining: number };
  breakout: { high: number; medium: number };
  risk: { high: number; medium: number };
}
const DEFAULT_T: Thresholds = {
  momentum: { rising: 70, declining: 30 },
  breakout: { high: 0.7, medium: 0.4 },
  risk: { high: 0.6, medium: 0.3 },
};

async function setup(config?: Cfg, artists = 60) {
  const world = createDemoWorld({ seed: 42, artists, end: '2026-11-24' });
  const clock = fixedClock(T);
  const stores = { scenes: memoryScenesStores(), talent: memoryTalentStores() };
  const radar = createSceneRadar({ sources: world.sources, clock, stores, ...(config ? { config } : {}) });
  await radar.scenes.importCatalog(world.catalog);
  const slugs = world.dataset.artistSlugs();
  return { world, radar, stores, slugs };
}

/** Every inconsistency between the profile, its explanation, the stored row and the thresholds. */
async function profileProblems(radar: Radar, slugs: readonly string[], t: Thresholds, scale = 1): Promise<string[]> {
  const problems: string[] = [];
  const model = radar.talent.breakoutModel();
  const centers = new Map<string, number>(Object.entries(model.inputs).map(([k, v]) => [k, v.center]));
  const weights = new Map<string, number>(Object.entries(model.inputs).map(([k, v]) => [k, v.weight]));
  const stored = new Map((await radar.readOnly.getArtistScores(slugs)).artists.map((r) => [r.artist_slug, r]));
  for (const slug of slugs) {
    const p = await radar.talent.aggregator.buildArtistProfile(slug);
    const a = p.artist;
    const e = p.explanation;
    const row = stored.get(slug);
    if (row) {
      for (const k of ['momentum', 'breakout_score', 'risk_score', 'confidence'] as const)
        if (row[k] !== a[k]) problems.push(`${slug}: profile ${k} ${a[k]} != stored ${row[k]}`);
      if (row.model_version !== a.model_version)
        problems.push(`${slug}: model_version ${a.model_version} != ${row.model_version}`);
    }
    if (e.model_version !== a.model_version) problems.push(`${slug}: explanation model_version`);
    if (e.model_version !== radar.talent.modelVersion) problems.push(`${slug}: explanation model_version vs radar`);
    if (e.confidence !== a.confidence) problems.push(`${slug}: explanation confidence`);
    // breakout
    const b = e.breakout;
    if (b.score !== a.breakout_score) problems.push(`${slug}: breakout score`);
    if (b.intercept !== model.intercept) problems.push(`${slug}: intercept ${b.intercept} != ${model.intercept}`);
    const sum = b.signals.reduce((s, x) => s + x.contribution, b.intercept);
    if (Math.abs(sum - logit(b.score)) > 1e-9)
      problems.push(`${slug}: intercept+contributions ${sum} != logit ${logit(b.score)}`);
    for (const s of b.signals) {
      const c = centers.get(s.signal);
      const w = weights.get(s.signal);
      if (c === undefined || w === undefined) {
        problems.push(`${slug}: unknown input ${s.signal}`);
        continue;
      }
      if (s.weight !== w) problems.push(`${slug}: ${s.signal} weight ${s.weight} != model ${w}`);
      const want = s.normalized === null ? 0 : w * (s.normalized - c);
      if (Math.abs(want - s.contribution) > 1e-12)
        problems.push(`${slug}: ${s.signal} contribution ${s.contribution} != ${want}`);
    }
    // momentum
    const m = e.momentum;
    if (m.score !== a.momentum) problems.push(`${slug}: momentum score`);
    const comp = m.signals.reduce((s, x) => s + x.contribution, 0);
    if (Math.abs(100 * logistic(comp / scale) - m.score) > 1e-9)
      problems.push(`${slug}: momentum ${m.score} != 100 logistic(${comp})`);
    const wsum = m.signals.reduce((s, x) => s + x.weight, 0);
    if (m.signals.length > 0) {
      // contribution = shrink x w x z / sum(w): one common shrink in [0, 1]
      const shrinks = m.signals
        .filter((x) => x.normalized !== 0)
        .map((x) => (x.contribution * wsum) / (x.weight * (x.normalized ?? 0)));
      for (const s of shrinks)
        if (!(s >= -1e-12 && s <= 1 + 1e-12) || Math.abs(s - shrinks[0]!) > 1e-9)
          problems.push(`${slug}: momentum shrink ${s}`);
      for (const x of m.signals) if (Math.abs(x.normalized ?? 0) > 4) problems.push(`${slug}: z out of range`);
    }
    // risk
    const r = e.risk;
    if (r.score !== a.risk_score) problems.push(`${slug}: risk score`);
    const keep = r.signals.reduce((k, x) => k * (1 - x.weight * (x.normalized ?? 0)), 1);
    if (Math.abs(1 - keep - r.score) > 1e-12) problems.push(`${slug}: risk ${r.score} != noisy-OR ${1 - keep}`);
    const rs = r.signals.reduce((s, x) => s + x.contribution, 0);
    if (Math.abs(rs - r.score) > 1e-12) problems.push(`${slug}: risk contributions ${rs} != ${r.score}`);
    // trajectory
    const want = {
      momentum: a.momentum >= t.momentum.rising ? 'rising' : a.momentum < t.momentum.declining ? 'declining' : 'stable',
      breakoutPotential:
        a.breakout_score >= t.breakout.high ? 'high' : a.breakout_score >= t.breakout.medium ? 'medium' : 'low',
      riskLevel: a.risk_score >= t.risk.high ? 'high' : a.risk_score >= t.risk.medium ? 'medium' : 'low',
    };
    if (JSON.stringify(want) !== JSON.stringify(p.trajectory))
      problems.push(`${slug}: trajectory ${JSON.stringify(p.trajectory)} != ${JSON.stringify(want)}`);
    // opportunities
    const bo = p.opportunities.find((o) => o.type === 'breakout');
    const boWant = a.breakout_score >= t.breakout.medium;
    if (!!bo !== boWant || (bo && bo.score !== a.breakout_score)) problems.push(`${slug}: breakout opportunity`);
    if (bo && bo.description.startsWith('Strong') !== (want.breakoutPotential === 'high'))
      problems.push(`${slug}: breakout opportunity band`);
    const mo = p.opportunities.find((o) => o.type === 'momentum');
    if (!!mo !== (want.momentum === 'rising') || (mo && mo.score !== a.momentum / 100))
      problems.push(`${slug}: momentum opportunity`);
    for (const k of p.risks) {
      const sig = r.signals.find((x) => x.signal === k.type);
      if (!sig || Math.abs((sig.normalized ?? 0) - k.score) > 5e-4) problems.push(`${slug}: risk item ${k.type}`);
    }
    for (const x of r.signals)
      if ((x.normalized ?? 0) >= 0.3 && !p.risks.some((k) => k.type === x.signal))
        problems.push(`${slug}: risk item missing ${x.signal}`);
  }
  return problems;
}

/** Every inconsistency between the stored rows, the pulse and the top lists. */
async function listProblems(radar: Radar, slugs: readonly string[], t: Thresholds): Promise<string[]> {
  const problems: string[] = [];
  const rows = (await radar.readOnly.getArtistScores(slugs)).artists;
  const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 100 });
  const lists = {
    rising: [pulse.topRisingArtists, (r: (typeof rows)[number]) => r.momentum, t.momentum.rising],
    breakout: [pulse.topBreakoutCandidates, (r: (typeof rows)[number]) => r.breakout_score, t.breakout.medium],
    risk: [pulse.artistsAtRisk, (r: (typeof rows)[number]) => r.risk_score, t.risk.medium],
  } as const;
  for (const [cat, [list, f, min]] of Object.entries(lists)) {
    const want = rows
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => f(r) >= min)
      .sort((x, y) => f(y.r) - f(x.r) || x.i - y.i)
      .map(({ r }) => r.artist_slug);
    const got = list.map((x) => x.artist_slug);
    if (JSON.stringify([...got].sort()) !== JSON.stringify([...want].sort()))
      problems.push(`pulse ${cat}: ${got} != ${want}`);
    const top = await radar.readOnly.getTopArtists({ category: cat as 'rising', limit: 100 });
    if (top.total !== want.length) problems.push(`top ${cat} total ${top.total} != ${want.length}`);
    if (JSON.stringify(top.artists.map((x) => x.artist_slug).sort()) !== JSON.stringify([...want].sort()))
      problems.push(`top ${cat} members`);
    if (top.meta.model_version !== radar.talent.modelVersion) problems.push(`top ${cat} model_version`);
    const bySlug = new Map(rows.map((r) => [r.artist_slug, r]));
    for (const x of [...list, ...top.artists]) {
      const r = bySlug.get(x.artist_slug)!;
      if (x.momentum !== r.momentum || x.breakout_score !== r.breakout_score || x.risk_score !== r.risk_score)
        problems.push(`${cat} item ${x.artist_slug} differs from row`);
    }
    for (let i = 1; i < got.length; i++)
      if (f(bySlug.get(got[i - 1]!)!) < f(bySlug.get(got[i]!)!)) problems.push(`pulse ${cat} not sorted`);
  }
  const s = pulse.summary;
  if (s.totalArtistsTracked !== rows.length) problems.push('totalArtistsTracked');
  const avg = rows.length ? Math.round((rows.reduce((x, r) => x + r.momentum, 0) / rows.length) * 10) / 10 : 0;
  if (s.avgMomentum !== avg) problems.push(`avgMomentum ${s.avgMomentum} != ${avg}`);
  if (s.highBreakoutCount !== rows.filter((r) => r.breakout_score >= t.breakout.high).length)
    problems.push('highBreakoutCount');
  if (s.highRiskCount !== rows.filter((r) => r.risk_score >= t.risk.high).length) problems.push('highRiskCount');
  if (pulse.meta.model_version !== radar.talent.modelVersion) problems.push('pulse model_version');
  return problems;
}

describe('hostile review 167: one artist, one instant, every place', () => {
  it('stored rows, readOnly.getArtistScores, aggregator.getArtistScores and scoreArtists agree exactly (unrounded)', async () => {
    const { radar, slugs } = await setup();
    const refresh = await radar.talent.refresh();
    expect(refresh.scored).toBe(60);
    const ro = await radar.readOnly.getArtistScores(slugs);
    const ag = await radar.talent.aggregator.getArtistScores(slugs);
    expect(ro.artists).toEqual(ag.artists);
    expect(ro.missing).toEqual([]);
    const scored = await radar.talent.scoreArtists(slugs);
    expect(scored.asOf).toBe(refresh.asOf);
    const bySlug = new Map(scored.artists.map((a) => [a.artistSlug, a]));
    let moreThan4 = 0;
    for (const row of ro.artists) {
      const s = bySlug.get(row.artist_slug)!;
      expect(s.status).toBe('ok');
      expect([s.momentum, s.breakout, s.risk, s.confidence]).toEqual([
        row.momentum,
        row.breakout_score,
        row.risk_score,
        row.confidence,
      ]);
      expect(row.model_version).toBe(radar.talent.modelVersion);
      if (Math.round(row.breakout_score * 1e4) / 1e4 !== row.breakout_score) moreThan4++;
    }
    // docs/scoring.md section 6: stored records are not rounded
    expect(moreThan4).toBeGreaterThan(50);
  });

  it('the profile of every artist agrees with its record, its explanation adds up, and its bands match the thresholds (default policy)', async () => {
    const { radar, slugs } = await setup();
    await radar.talent.refresh();
    expect(await profileProblems(radar, slugs, DEFAULT_T)).toEqual([]);
    expect(await listProblems(radar, slugs, DEFAULT_T)).toEqual([]);
  });

  const T2: Thresholds = {
    momentum: { rising: 56, declining: 50 },
    breakout: { high: 0.08, medium: 0.05 },
    risk: { high: 0.1, medium: 0.05 },
  };
  const everyWeight = {
    intercept: -2.5,
    inputs: {
      acceleration: { weight: 0.3, center: -0.2 },
      peak: { weight: 0.2, center: 0.5 },
      presence_year: { weight: 0.4, center: 0.3 },
      breadth: { weight: 0.25, center: 0.6 },
      spread: { weight: 0.15, center: 0.1 },
      new_tastemakers: { weight: 0.35, center: 0.05 },
      press: { weight: 0.45, center: 0.02 },
      scene_heat: { weight: 0.5, center: 0.1 },
      career_age: { weight: -0.3, center: 1.5 },
    },
  };

  it('custom thresholds, momentum scale and weights, and a configured model with every input weighed: all places agree', async () => {
    const config: Cfg = {
      talent: {
        thresholds: T2,
        model: {
          momentumScale: 0.7,
          momentumWeights: {
            engagement_growth: 0.5,
            engagement_acceleration: 0,
            event_growth: 0.3,
            press_velocity: 0.2,
          },
          breakout: everyWeight,
        },
      },
    };
    const { radar, slugs } = await setup(config);
    await radar.talent.refresh();
    expect(radar.talent.modelVersion).toMatch(/^talent-2026\.12-1\+[0-9a-f]{16}$/);
    const profile = await profileProblems(radar, slugs, T2, 0.7);
    const lists = await listProblems(radar, slugs, T2);
    expect([...profile, ...lists]).toEqual([]);
    const scored = await radar.talent.scoreArtists(slugs);
    const rows = (await radar.readOnly.getArtistScores(slugs)).artists;
    expect(scored.artists.map((a) => a.breakout)).toEqual(rows.map((r) => r.breakout_score));
    // non-trivial bands were exercised
    expect(
      new Set(
        rows.map((r) => (r.breakout_score >= T2.breakout.high ? 2 : r.breakout_score >= T2.breakout.medium ? 1 : 0)),
      ).size,
    ).toBeGreaterThan(1);
  });

  it('setBreakoutModel: records keep their version until the next refresh; profile, pulse meta and score reads then agree', async () => {
    const { radar, slugs } = await setup();
    await radar.talent.refresh();
    const before = radar.talent.modelVersion;
    const applied = await radar.talent.setBreakoutModel(everyWeight);
    expect(applied.modelVersion).not.toBe(before);
    expect(radar.talent.modelVersion).toBe(applied.modelVersion);
    const read = await radar.readOnly.getArtistScores(slugs);
    // records as the last refresh wrote them
    for (const r of read.artists) expect(r.model_version).toBe(before);
    // meta: the policy in use
    expect(read.meta.model_version).toBe(applied.modelVersion);
    const profile = await radar.talent.aggregator.buildArtistProfile(slugs[0]!);
    expect(profile.artist.model_version).toBe(applied.modelVersion);
    expect(profile.explanation.breakout.intercept).toBe(-2.5);
    await radar.talent.refresh();
    const after = await radar.readOnly.getArtistScores(slugs);
    for (const r of after.artists) expect(r.model_version).toBe(applied.modelVersion);
    expect([
      ...(await profileProblems(radar, slugs, DEFAULT_T)),
      ...(await listProblems(radar, slugs, DEFAULT_T)),
    ]).toEqual([]);
    // back to the default: the plain version again
    await radar.talent.resetBreakoutModel();
    expect(radar.talent.modelVersion).toBe('talent-2026.12-1');
  });

  it('a profile cached before the first refresh (prior peers) is not served against the records after it', async () => {
    const { radar, slugs } = await setup();
    const slug = slugs[3]!;
    const prior = await radar.readOnly.getArtistProfile(slug);
    expect(prior.explanation.momentum.peers).toBe('prior');
    expect(prior.explanation.breakout.peers).toBe('prior');
    for (const x of prior.explanation.breakout.signals.filter((y) =>
      ['level_now', 'level_month', 'growth_month', 'growth_quarter', 'acceleration', 'peak'].includes(y.signal),
    ))
      expect([x.normalized, x.contribution]).toEqual([null, 0]);
    // a cold pulse runs the first refresh
    const pulse = await radar.readOnly.getGlobalPulse();
    expect(pulse.summary.totalArtistsTracked).toBe(60);
    const row = (await radar.readOnly.getArtistScores([slug])).artists[0]!;
    const again = await radar.readOnly.getArtistProfile(slug);
    expect(again.explanation.breakout.peers).toBe('population');
    expect([again.artist.momentum, again.artist.breakout_score, again.artist.risk_score]).toEqual([
      row.momentum,
      row.breakout_score,
      row.risk_score,
    ]);
  });

  it('scoreArtists on a subset with the universe as population, or at the refresh instant, gives the stored numbers', async () => {
    const { radar, slugs } = await setup();
    const at = new Date(Date.parse(T) - 3 * 86_400_000);
    await radar.talent.refresh(at);
    const rows = (await radar.readOnly.getArtistScores(slugs)).artists;
    const bySlug = new Map(rows.map((r) => [r.artist_slug, r]));
    const subset = slugs.slice(5, 12);
    const kept = await radar.talent.scoreArtists(subset, { asOf: at });
    const fitted = await radar.talent.scoreArtists(subset, { asOf: at, population: slugs });
    for (const res of [kept, fitted])
      for (const a of res.artists) {
        const r = bySlug.get(a.artistSlug)!;
        expect([a.momentum, a.breakout, a.risk, a.confidence]).toEqual([
          r.momentum,
          r.breakout_score,
          r.risk_score,
          r.confidence,
        ]);
      }
    expect(rows.every((r) => r.as_of === at.toISOString())).toBe(true);
  });

  it("a threshold set exactly at an artist's unrounded score bands it the same way in the trajectory, the lists, the counts and the opportunities", async () => {
    const first = await setup();
    await first.radar.talent.refresh();
    const rows = (await first.radar.readOnly.getArtistScores(first.slugs)).artists;
    const byB = [...rows].sort((a, b) => b.breakout_score - a.breakout_score);
    const byM = [...rows].sort((a, b) => b.momentum - a.momentum);
    const byR = [...rows].sort((a, b) => b.risk_score - a.risk_score);
    const t: Thresholds = {
      momentum: { rising: byM[3]!.momentum, declining: byM[50]!.momentum },
      breakout: { high: byB[2]!.breakout_score, medium: byB[6]!.breakout_score },
      risk: { high: byR[2]!.risk_score, medium: byR[8]!.risk_score },
    };
    const { radar, slugs } = await setup({ talent: { thresholds: t } });
    await radar.talent.refresh();
    const again = (await radar.readOnly.getArtistScores(slugs)).artists;
    expect(again.map((r) => r.breakout_score)).toEqual(rows.map((r) => r.breakout_score));
    const pulse = await radar.readOnly.getGlobalPulse({ limit: 100 });
    expect(pulse.summary.highBreakoutCount).toBe(again.filter((r) => r.breakout_score >= t.breakout.high).length);
    expect(pulse.topBreakoutCandidates.map((x) => x.artist_slug)).toContain(byB[6]!.artist_slug);
    expect(pulse.topRisingArtists.map((x) => x.artist_slug)).toContain(byM[3]!.artist_slug);
    const edge = await radar.readOnly.getArtistProfile(byB[2]!.artist_slug);
    expect(edge.trajectory.breakoutPotential).toBe('high');
    expect(edge.opportunities.find((o) => o.type === 'breakout')?.description).toMatch(/^Strong/);
    expect([...(await profileProblems(radar, slugs, t)), ...(await listProblems(radar, slugs, t))]).toEqual([]);
  });
});

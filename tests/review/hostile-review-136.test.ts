/**
 * Hostile review 136: every figure and worked example a user reads in docs/scoring.md,
 * docs/scenes.md and docs/getting-started.md, recomputed from the code as it is in the working tree
 * (momentum's `activityLevel` now the larger of the two windows' levels). Reproduced with the public
 * API (createSceneRadar, createDemoWorld, fixedClock, resolveConfig, DEFAULT_CONFIG, scoreArtists)
 * and, where the docs say they worked a formula through `scoreTable`, with the scoring internals
 * (`scoreTable`, `explainRow`, `fitPeerStats`, `priorPeerStats`, `standing`, `computePulse`):
 * the default settings and thresholds (getting-started's table, scoring.md's tables of momentum
 * weights, minimum spreads, breakout weights and centres, risk severities, every default of
 * `config.talent.model`, scenes.md's pulse and membership constants), the read windows (366 / 393
 * days), the shrink (0.35 / 0.67 / 1), the "10 -> 100" momentum table with the prior peers (86.3,
 * 95.3, 52.4, 77.1) and with the demo world's peers (87.8 / 95.1, and 95.0 / 95.1 without a
 * shrink), the momentum range (1.8 to 98.2, 73 at one robust deviation), the standings, staying
 * power, presence and recency examples, the breakout worked example (logit -1.111, 0.248, 0.137
 * without the collaborators) and its confidence (0.209), the largest risk (0.987), the history
 * factor (0.509, 1 from 55 days), the intercept's 0.035, the model versions (`talent-2026.12-1`
 * and `+b4180363595b3b01` for `windowDays: 21`), the new activity-level rule (a rise 10 -> 1,000 and
 * a fall 1,000 -> 10 both sized 1,000; activity older than both windows: momentum 50), and
 * scenes.md's agreement table with the demo world's latent heat.
 *
 * Tests named "FAULT:" asserted the documented value, which the code did not give (each failed as a
 * plain `it`); the docs were corrected in the same commit (rising members grow *to* at least 100 a
 * day; the agreement table names the world's end, 2026-11-25, and quotes what it gives), and the
 * tests now pin the corrected figures. The others pin documented figures that reproduce. Not a test
 * (a 2,000-artist world takes about 7 s here): the same table's row "seed 42, 2,000 artists" was
 * 0.18 / 0.19 and measured 0.15 / 0.18 with the world ending 2026-11-25, as the table now says.
 */
import { describe, expect, it } from 'vitest';
import {
  createSceneRadar,
  DEFAULT_CONFIG,
  fixedClock,
  resolveConfig,
  type ArtistNetwork,
  type EngagementSeries,
} from '../../src/index.js';
import {
  type ArtistHistory,
  createDemoWorld,
  createEagerDataset,
  createMemorySources,
} from '../../adapters/memory/index.js';
import { createFeatureTable, type FeatureTable } from '../../src/talent/feature-table.js';
import { explainRow, fitPeerStats, priorPeerStats, scoreTable, type PeerStats } from '../../src/talent/scoring.js';
import { standing } from '../../src/talent/population.js';
import { DEFAULT_BREAKOUT_MODEL } from '../../src/talent/default-breakout-model.js';
import { computePulse, type PulseMember } from '../../src/scenes/pulse-math.js';
import type { TalentModelConfig } from '../../src/talent/model-config.js';

const MODEL: TalentModelConfig = DEFAULT_CONFIG.talent.model;
const DAY = 86_400_000;
const logistic = (x: number): number => 1 / (1 + Math.exp(-x));
const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d + 0; // + 0: no -0

/** Engagement-only rows `prev -> cur` a day, acceleration 0, as scoring.md's momentum table works them. */
function engagementRows(pairs: readonly (readonly [number, number])[]): FeatureTable {
  const t = createFeatureTable(pairs.length);
  pairs.forEach(([prev, cur], i) => {
    t.columns.level[i] = Math.max(prev, cur); // activityLevel: the larger of the two windows
    t.columns.engagementGrowth[i] = Math.log((cur + MODEL.engagementFloor) / (prev + MODEL.engagementFloor));
    t.columns.engagementAcceleration[i] = 0;
    t.columns.enNow[i] = cur * 7; // an engagement profile: activity evidence
    t.columns.evidence[i] = 0.3;
  });
  return t;
}
const TABLE_PAIRS = [
  [10, 100],
  [100_000, 1_000_000],
  [10, 15],
  [100_000, 150_000],
] as const;

describe('defaults quoted in getting-started.md, scoring.md and scenes.md are the config defaults', () => {
  it("getting-started's settings table", () => {
    const c = DEFAULT_CONFIG;
    expect(c.scenes).toMatchObject({
      maxScenesPerQuery: 100,
      maxMembershipsPerQuery: 10_000,
      scenePulseTtlMs: 300_000,
      globalPulseTtlMs: 600_000,
      batchConcurrency: 10,
      scenePulseTimeoutMs: 30_000,
      globalPulseTimeoutMs: 120_000,
    });
    expect(c.talent).toMatchObject({
      maxArtistsPerQuery: 100,
      maxScenesPerQuery: 50,
      signalBatchSize: 20,
      batchConcurrency: 10,
      globalPulseTtlMs: 600_000,
      artistProfileTtlMs: 300_000,
      signalTimeoutMs: 30_000,
      globalPulseTimeoutMs: 120_000,
      similarArtists: 5,
      thresholds: {
        momentum: { rising: 70, declining: 30 },
        breakout: { high: 0.7, medium: 0.4 },
        risk: { high: 0.6, medium: 0.3 },
      },
    });
    expect(c.cache).toMatchObject({ maxEntries: 10_000, staleGraceMs: 60_000, storeTimeoutMs: 1_000 });
    for (const s of Object.values(c.sources)) expect(s).toEqual({ concurrency: 10, timeoutMs: 30_000 });
  });

  it("scoring.md's every default of config.talent.model and the breakout model's terms", () => {
    const { breakout, ...rest } = MODEL;
    expect(rest).toEqual({
      windowDays: 28,
      longWindowDays: 90,
      nowDays: 7,
      quarterDays: 91,
      stayingDays: 56,
      historyDays: 364,
      eventTypeWeights: {},
      newLinkDays: 60,
      staleAfterDays: 7,
      engagementFloor: 50,
      eventFloor: 5,
      fullEvidenceLevel: 1000,
      sizeBands: [100, 1000, 10_000, 100_000],
      minBandPeers: 20,
      momentumScale: 1,
      momentumWeights: {
        engagement_growth: 0.45,
        engagement_acceleration: 0.15,
        event_growth: 0.25,
        press_velocity: 0.15,
      },
      riskSeverities: {
        decline: 0.6,
        incoherence: 0.5,
        drift: 0.3,
        paid_dependence: 0.5,
        anomaly: 0.7,
        stale_data: 0.4,
      },
      paidShareFloor: 0.3,
      spikeRatio: 3,
    });
    // The table of section 4 (weight, centre), as documented.
    const documented: Record<string, [number, number]> = {
      level_now: [0.201096, 1.125441],
      level_month: [0.097083, 1.333185],
      growth_month: [0.10162, 0.063473],
      growth_quarter: [0.00501, 0.662202],
      acceleration: [0, -0.271218],
      peak: [0, 0.621265],
      staying_power: [0.844292, 0.535224],
      staying_year: [0.685571, 0.461566],
      presence_year: [0, 0],
      recency: [0.602746, 0.596358],
      career_age: [-0.1881, 0.979229],
      // biome-ignore lint/suspicious/noApproximativeNumericConstant: the figure as the doc prints it (rounded)
      breadth: [0, 0.693147],
      spread: [0, 0],
      new_collaborators: [0.6605, 0.12223],
      new_tastemakers: [0, 0],
      press: [0, 0],
      scene_heat: [0, 0],
    };
    expect(Object.keys(breakout.inputs).sort()).toEqual(Object.keys(documented).sort());
    for (const [k, [w, c]] of Object.entries(documented))
      expect(breakout.inputs[k as keyof typeof breakout.inputs]).toEqual({ weight: w, center: c });
    expect(breakout.intercept).toBe(-3.302166);
    expect(breakout.horizonDays).toBe(182);
    expect(breakout.hostInputs).toEqual({});
    expect(DEFAULT_BREAKOUT_MODEL.intercept).toBe(-3.302166);
    // "logistic = 0.035 with every input at its centre"
    expect(round(logistic(breakout.intercept), 3)).toBe(0.035);
  });

  it("scenes.md's pulse and membership constants", () => {
    const p = DEFAULT_CONFIG.scenes.pulse;
    expect(p).toMatchObject({
      windowDays: 30,
      engagementFloor: 50,
      momentumScale: 0.25,
      risingMinEngagement: 100,
      risingShareSaturation: 0.3,
      newMemberSaturation: 0.1,
      tastemakerScale: 0.15,
      weights: { momentum: 0.35, rising: 0.25, newMembers: 0.15, tastemakers: 0.25 },
      emergingMaxHeat: 40,
      growingMinGrowth: 0.05,
      coolingMaxGrowth: -0.05,
      smallSceneMembers: 5,
    });
    expect(Math.exp(p.risingLogGrowth)).toBeCloseTo(1.25, 12); // "growing by at least 25%"
    expect(DEFAULT_CONFIG.scenes.membership).toMatchObject({
      weights: { sound: 0.45, place: 0.35, people: 0.2 },
      sameRegionPlace: 0.5,
      releaseHalfLifeDays: 180,
      soundMapScale: 0.5,
      coreThreshold: 0.6,
      minConfidence: 0.3,
    });
    expect(DEFAULT_CONFIG.scenes.relationships).toEqual({ minWeight: 0.05, perScene: 10 });
    expect(DEFAULT_CONFIG.scenes.degradedTtlMs).toBe(15_000); // "cached for 15 s"
    expect(DEFAULT_CONFIG.scenes.recommendationsTtlMs).toBe(3_600_000); // "for an hour"
  });
});

describe('scoring.md section 3: momentum figures', () => {
  it('the shrink: 0.35 at 10 a day, 0.67 at 100, 1 from 1,000; the range 1.8-98.2 and 73 at one deviation', () => {
    const shrink = (a: number) => Math.min(1, Math.log1p(a) / Math.log1p(MODEL.fullEvidenceLevel));
    expect(round(shrink(10), 2)).toBe(0.35);
    expect(round(shrink(100), 2)).toBe(0.67);
    expect(shrink(1000)).toBe(1);
    // Through scoreTable: a level of 1,000 with one component, clipped at +-4, or at exactly one spread.
    const t = createFeatureTable(3);
    [100, -100, 0.25].forEach((g, i) => {
      t.columns.level[i] = 1000;
      t.columns.engagementGrowth[i] = g;
      t.columns.enNow[i] = 7000;
    });
    const m = scoreTable(t, priorPeerStats(MODEL), MODEL).momentum;
    expect(round(m[0]!, 1)).toBe(98.2);
    expect(round(m[1]!, 1)).toBe(1.8);
    expect(Math.round(m[2]!)).toBe(73);
  });

  it('the "10 -> 100" table with the prior peer statistics: 86.3, 95.3, 52.4, 77.1', () => {
    const t = engagementRows(TABLE_PAIRS);
    const m = Array.from(scoreTable(t, priorPeerStats(MODEL), MODEL).momentum, (x) => round(x, 1));
    expect(m).toEqual([86.3, 95.3, 52.4, 77.1]);
    // The columns of the table: growth with floor, z, band, shrink, composite.
    const rows = TABLE_PAIRS.map(([p, c]) => {
      const g = Math.log((c + 50) / (p + 50));
      const z = Math.min(4, g / 0.25);
      const a = Math.max(p, c);
      const s = Math.min(1, Math.log1p(a) / Math.log1p(1000));
      return [round(Math.log(c / p), 2), round(g, 3), round(z, 2), s, round(0.75 * s * z, 2)];
    });
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      [2.3, 0.916, 3.67],
      // biome-ignore lint/suspicious/noApproximativeNumericConstant: the figure as the doc prints it (rounded)
      [2.3, 2.302, 4],
      [0.41, 0.08, 0.32],
      [0.41, 0.405, 1.62],
    ]);
    expect(rows.map((r) => round(r[3]!, 3))).toEqual([0.668, 1, 0.401, 1]);
    expect(rows.map((r) => r[4])).toEqual([1.84, 3, 0.1, 1.22]);
    expect(TABLE_PAIRS.map(([p, c]) => [100, 1000, 10_000, 100_000].filter((b) => Math.max(p, c) >= b).length)).toEqual(
      [1, 4, 0, 4],
    );
    // "ln(150 / 60) = 0.92 ... ln(1,000,050 / 100,050) = 2.30"
    expect(round(Math.log(150 / 60), 2)).toBe(0.92);
    expect(round(Math.log(1_000_050 / 100_050), 2)).toBe(2.3);
  });

  it("with the demo world's own peers the first two rows give 87.8 and 95.1 (95.0 and 95.1 without a shrink)", async () => {
    const world = createDemoWorld({ seed: 42, artists: 300, end: '2026-11-25' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00Z') });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh();
      const peers = radar.talent.peers as PeerStats;
      expect(peers).not.toBeNull();
      const t = engagementRows(TABLE_PAIRS.slice(0, 2));
      expect(Array.from(scoreTable(t, peers, MODEL).momentum, (x) => round(x, 1))).toEqual([87.8, 95.1]);
      const tiny = resolveConfig({ talent: { model: { fullEvidenceLevel: 1e-9 } } }).talent.model;
      expect(Array.from(scoreTable(t, peers, tiny).momentum, (x) => round(x, 1))).toEqual([95.0, 95.1]);
    } finally {
      await radar.close();
    }
  });
});

// A small hand-made world for the activity-level rule (section 2 and section 3's shrink).
const AS_OF = new Date('2026-03-02T00:00:00.000Z');
const END = '2026-03-01';
function engagementHistory(slug: string, organic: readonly (number | null)[], start: string): ArtistHistory {
  return {
    record: { slug, name: slug, homeRegion: 'us', homeCity: null, firstSeen: '2020-01-01T00:00:00.000Z', debut: null },
    tastemakers: [],
    collaborators: [],
    releases: [],
    campaigns: [],
    articles: [],
    events: [],
    memberships: [],
    engagement: { start, organic: [...organic], paid: organic.map(() => 0) },
    coherence: { start: '2020-01-01', values: [] },
  } as unknown as ArtistHistory;
}
/** `days` daily values ending at END: the last 28 at `recent`, the 28 before at `previous`. */
function twoWindows(previous: number, recent: number, days = 120): (number | null)[] {
  return Array.from({ length: days }, (_, d) => (d >= days - 28 ? recent : previous));
}
const startFor = (days: number): string =>
  new Date(Date.parse(`${END}T00:00:00Z`) - (days - 1) * DAY).toISOString().slice(0, 10);

describe('scoring.md: the activity level is the larger of the two windows momentum compares', () => {
  it('a rise 10 -> 1,000 and a fall 1,000 -> 10 are both sized 1,000 a day; activity older than both windows is 0 (momentum 50)', async () => {
    const old = Array.from({ length: 120 }, (_, d) => (d < 120 - 56 ? 500 : null));
    const histories = [
      engagementHistory('riser', twoWindows(10, 1000), startFor(120)),
      engagementHistory('faller', twoWindows(1000, 10), startFor(120)),
      engagementHistory('gone-quiet', old, startFor(120)),
    ];
    const sources = createMemorySources(createEagerDataset({ histories }));
    const radar = createSceneRadar({ sources, clock: fixedClock(AS_OF) });
    try {
      const r = await radar.talent.scoreArtists(['riser', 'faller', 'gone-quiet'], { asOf: AS_OF });
      const f = new Map(r.features.map((x) => [x.artistSlug, x]));
      expect(f.get('riser')!.activityLevel).toBe(1000);
      expect(f.get('faller')!.activityLevel).toBe(1000);
      expect(f.get('riser')!.activityBasis).toBe('engagement');
      expect(f.get('gone-quiet')!.activityLevel).toBe(0);
      const quiet = r.artists.find((a) => a.artistSlug === 'gone-quiet')!;
      expect(quiet.status).toBe('ok');
      expect(quiet.momentum).toBe(50);
    } finally {
      await radar.close();
    }
  });
});

describe('scoring.md section 4: standings, staying power, presence, recency', () => {
  it('standing: 0, 0.693, 1.386, 2.303, 4.605, at most 6.908; ln 5 = 1.609; the two-source mean 1.498', () => {
    expect([0, 0.5, 0.75, 0.9, 0.99, 0.999, 1].map((p) => round(standing(p), 3))).toEqual([
      // biome-ignore lint/suspicious/noApproximativeNumericConstant: the figure as the doc prints it (rounded)
      0, 0.693, 1.386, 2.303, 4.605, 6.908, 6.908,
    ]);
    expect(round(standing(0.99) - standing(0.95), 3)).toBe(1.609);
    expect(round(standing(0.9) - standing(0.5), 3)).toBe(1.609);
    expect(round((standing(0.9) + standing(0.5)) / 2, 3)).toBe(1.498);
  });

  it('the staying power, presence_year and recency examples, through explainRow', () => {
    // [presentDays, presentDaysYear, observedSpanDays, own cadence (medianGap), daysSinceLast]
    const rows: [number, number, number, number, number][] = [
      [8, 8, 363, 7, 0], // on 8 of the last 8 weekly charts: 0.9
      [4, 4, 363, 7, 7], // 4 of 8: 0.5; recency one period later 0.5
      [0, 1, 363, 7, 28], // none of 8: 0.1; recency four periods later 0.2
      [1, 1, 0, 7, 0], // a newcomer on its first chart (life 1 day): 0.667
      [6, 6, 49, 7, 0], // 6 of 8 with the first 49 days back (life 50): 0.766
      [42, 42, 55, 1, 0], // daily, 42 of 56 with the first 55 days back: 0.741
      [4, 4, 21, 7, 0], // presence_year of 4 weekly charts: 0.405
    ];
    const t = createFeatureTable(rows.length);
    rows.forEach(([pd, pdy, span, gap, since], i) => {
      const c = t.columns;
      c.level[i] = 1;
      c.evNow[i] = 1;
      c.evPresentDays[i] = pd;
      c.evPresentDaysYear[i] = pdy;
      c.evObservedSpanDays[i] = span;
      c.evMedianGapDays[i] = gap;
      c.evDaysSinceLast[i] = since;
    });
    const prior = priorPeerStats(MODEL); // before a population: the artist's own cadence
    const input = (i: number, name: string) =>
      explainRow(t, i, prior, MODEL).breakoutSignals.find((s) => s.signal === name)!.normalized!;
    expect(rows.map((_, i) => round(input(i, 'staying_power'), 3))).toEqual([
      0.9, 0.5, 0.1, 0.667, 0.766, 0.741, 0.972,
    ]);
    expect(round(input(6, 'presence_year'), 3)).toBe(0.405);
    expect([0, 1, 2].map((i) => input(i, 'recency'))).toEqual([1, 0.5, 0.2]);
  });
});

describe('scoring.md section 4: the worked example of the default model', () => {
  // A 20-artist events population (cadence 7) in which artist 0 stands at the documented
  // percentiles: mid-rank (below + half the equal) / 20, artist 1 tying artist 0 on each sum.
  const PCT = {
    evNow: 0.9,
    evRecent: 0.8,
    evPrevious: 0.1,
    evQuarter: 0.6,
    evQuarterBefore: 0.2,
    evPeak: 0.75,
  } as const;
  function table(collaborators: number): FeatureTable {
    const n = 20;
    const t = createFeatureTable(n);
    const c = t.columns;
    for (let i = 0; i < n; i++) {
      c.level[i] = 1;
      c.evMedianGapDays[i] = 7;
      c.evPresentDays[i] = 1;
      c.evPresentDaysYear[i] = 1;
      c.evObservedSpanDays[i] = 100;
      c.evDaysSinceLast[i] = 3;
      c.evidence[i] = 0.3;
    }
    for (const [col, p] of Object.entries(PCT)) {
      const below = n * p - 1; // + half of the 2 equal = n * p
      for (let i = 0; i < n; i++) c[col as keyof typeof PCT][i] = i < 2 ? 100 : i < 2 + below ? 1 : 1000;
    }
    c.careerAgeDays[0] = 21;
    c.evObservedSpanDays[0] = 21;
    c.evPresentDays[0] = 4;
    c.evPresentDaysYear[0] = 4;
    c.evDaysSinceLast[0] = 0;
    c.newCollaborators[0] = collaborators;
    c.newTastemakers[0] = 0;
    c.regions[0] = 1;
    return t;
  }

  it('the contributions, logit -1.111, breakout 0.248, 0.137 without the collaborators, confidence 0.209', () => {
    const t = table(2);
    const peers = fitPeerStats(t, MODEL);
    expect(peers.relative.cadenceDays.events).toBe(7);
    const e = explainRow(t, 0, peers, MODEL);
    const by = new Map(e.breakoutSignals.map((s) => [s.signal, s]));
    const x = (k: string) => round(by.get(k)!.normalized!, 3);
    const w = (k: string) => round(by.get(k)!.contribution, 3);
    expect(by.get('level_now')!.source).toBe('rcf');
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: the figure as the doc prints it (rounded)
    const documented = [2.303, 1.609, 1.504, 0.693, -0.811, 1.386];
    const standings = ['level_now', 'level_month', 'growth_month', 'growth_quarter', 'acceleration', 'peak'];
    expect(standings.map(x)).toEqual(documented);
    expect([x('staying_power'), x('staying_year'), x('presence_year'), x('recency'), x('career_age')]).toEqual([
      0.972, 0.972, 0.405, 1, 0.056,
    ]);
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: the figure as the doc prints it (rounded)
    expect([x('breadth'), x('new_collaborators'), x('new_tastemakers')]).toEqual([0.693, 1.099, 0]);
    expect(
      [
        'level_now',
        'level_month',
        'growth_month',
        'growth_quarter',
        'staying_power',
        'staying_year',
        'recency',
        'career_age',
        'new_collaborators',
      ].map(w),
    ).toEqual([0.237, 0.027, 0.146, 0, 0.369, 0.35, 0.243, 0.174, 0.645]);
    for (const k of [
      'acceleration',
      'peak',
      'presence_year',
      'breadth',
      'new_tastemakers',
      'spread',
      'press',
      'scene_heat',
    ])
      expect(by.get(k)!.contribution).toBe(0);
    const sum = e.breakoutSignals.reduce((a, s) => a + s.contribution, 0);
    expect(round(sum, 3)).toBe(2.191);
    expect(round(MODEL.breakout.intercept + sum, 3)).toBe(-1.111);
    expect(round(e.breakout, 3)).toBe(0.248);
    expect(round(e.confidence, 3)).toBe(0.209);
    expect(round(scoreTable(t, peers, MODEL).breakout[0]!, 3)).toBe(0.248);
    const without = table(0);
    expect(round(scoreTable(without, fitPeerStats(without, MODEL), MODEL).breakout[0]!, 3)).toBe(0.137);
  });
});

describe('scoring.md sections 2, 5 and 6: connectivity, risk, confidence, model version, read windows', () => {
  it('connectivity 0.63 at T = 3 or about 19 collaborators (the formula)', () => {
    expect(round(1 - Math.exp(-(3 / 3)), 2)).toBe(0.63);
    expect(Math.round(Math.exp(3) - 1)).toBe(19);
  });

  it('the largest possible risk is 0.987; history 0.509 at 0 days known, 1 from 55', () => {
    const t = createFeatureTable(3);
    const c = t.columns;
    c.declineGrowth[0] = -Math.LN2;
    c.coherence[0] = 0.5;
    c.drift[0] = 0.5;
    c.paidShare[0] = 1;
    c.anomaly[0] = 1;
    c.staleDays[0] = 28;
    for (const i of [1, 2]) {
      c.evidence[i] = 1;
      c.evNow[i] = 1;
      c.level[i] = 1;
    }
    c.evObservedSpanDays[1] = 0;
    c.evObservedSpanDays[2] = 55;
    const s = scoreTable(t, priorPeerStats(MODEL), MODEL);
    expect(round(s.risk[0]!, 3)).toBe(0.987);
    expect(round(s.confidence[1]!, 3)).toBe(0.509);
    expect(s.confidence[2]).toBe(1);
  });

  it('model versions: talent-2026.12-1 by default, +b4180363595b3b01 for windowDays 21', async () => {
    const world = createDemoWorld({ artists: 3, end: '2026-11-24' });
    const a = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00Z') });
    const b = createSceneRadar({
      sources: world.sources,
      clock: fixedClock('2026-11-25T00:00:00Z'),
      config: { talent: { model: { windowDays: 21 } } },
    });
    try {
      expect(a.talent.modelVersion).toBe('talent-2026.12-1');
      expect(b.talent.modelVersion).toBe('talent-2026.12-1+b4180363595b3b01');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('engagement is read 366 days back and events 393 (section 1)', async () => {
    const world = createDemoWorld({ artists: 3, end: '2026-11-24' });
    const asOf = new Date('2026-11-25T00:00:00Z');
    const froms = new Map<string, number>();
    const wrap = <T extends object>(name: string, src: T): T =>
      new Proxy(src, {
        get(target, prop, recv) {
          const v = Reflect.get(target, prop, recv);
          if (typeof v !== 'function') return v;
          return (slugs: unknown, opts: { from?: Date }) => {
            if (opts?.from) froms.set(`${name}.${String(prop)}`, (asOf.getTime() - opts.from.getTime()) / DAY);
            return v.call(target, slugs, opts);
          };
        },
      });
    const sources = {
      ...world.sources,
      fusion: wrap('fusion', world.sources.fusion!),
      rcf: wrap('rcf', world.sources.rcf!),
    };
    const radar = createSceneRadar({ sources, clock: fixedClock(asOf) });
    try {
      const slug = (await world.sources.mig!.listArtists({ limit: 1 }, { asOf, signal: new AbortController().signal }))
        .items[0]!.slug;
      await radar.talent.scoreArtists([slug], { asOf });
      expect(froms.get('fusion.getEngagement')).toBe(366);
      expect(froms.get('rcf.getEvents')).toBe(393);
      expect(froms.get('fusion.getCampaigns')).toBe(90);
    } finally {
      await radar.close();
    }
  });
});

describe('scenes.md', () => {
  it('FAULT: "rising_members ... growing by at least 25% from at least 100 a day": a member going 80 -> 110 a day counts as rising (the 100 a day floor is on the current window)', () => {
    // docs/scenes.md:103 said a rising member grows "from at least 100 a day"; the code
    // (src/scenes/pulse-math.ts, `c >= params.risingMinEngagement`) requires the *current* mean to be
    // at least 100, so 80 -> 110 (+37.5%) is rising. The docs now say "to at least 100 a day".
    const asOfMs = Date.parse('2026-11-25T00:00:00.000Z');
    const days = 90;
    const end = Date.parse('2026-11-24T00:00:00Z');
    const start = new Date(end - (days - 1) * DAY).toISOString().slice(0, 10);
    const series = (prev: number, cur: number): EngagementSeries => ({
      start,
      organic: Array.from({ length: days }, (_, d) => (d >= days - 30 ? cur : prev)),
      paid: Array.from({ length: days }, () => 0),
    });
    const members: PulseMember[] = Array.from({ length: 6 }, (_, i) => ({
      artist_slug: `member-${i}`,
      confidence: 0.8,
      joined_at: '2025-01-01T00:00:00.000Z',
      microgenres: ['shoegaze'],
    }));
    const engagement = new Map(members.map((m, i) => [m.artist_slug, i === 0 ? series(80, 110) : series(500, 500)]));
    const networks = new Map<string, ArtistNetwork>(
      members.map((m) => [m.artist_slug, { tastemakers: [], collaborators: [], centrality: null }]),
    );
    const p = computePulse(
      {
        scene: { slug: 'indie-uk-brighton', name: 'Brighton Indie', region: 'uk' },
        members,
        engagement,
        networks,
        sources: {},
        asOfMs,
        nowMs: asOfMs,
        membershipsAsOfMs: asOfMs,
      },
      DEFAULT_CONFIG.scenes.pulse,
    );
    expect(p.active_members).toBe(6);
    expect(p.rising_members).toBe(1);
  });

  // "Agreement with the demo world": Spearman and Pearson of the engine's heat against the world's
  // latent heat over the 70 scenes, as of 2026-11-25 (measured here with the world ending on
  // 2026-11-24, as the test it came from, and on 2026-11-25, as scoring.md's peers example).
  async function agreement(seed: number, end: string): Promise<{ spearman: number; pearson: number }> {
    const NOW = new Date('2026-11-25T00:00:00Z');
    const world = createDemoWorld({ seed, artists: 300, end });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.scenes.refresh();
      const slugs = world.catalog.scenes.map((s) => s.slug);
      expect(slugs.length).toBe(70);
      const heat = (await radar.scenes.pulse.batchProcessScenes(slugs)).map((i) => i.pulse!.heat);
      const latent = slugs.map((s) => world.dataset.scenePulse(s, NOW)!.heat);
      return { spearman: pearson(ranks(heat), ranks(latent)), pearson: pearson(heat, latent) };
    } finally {
      await radar.close();
    }
  }

  it('seed 42, 300 artists: Spearman 0.15, Pearson 0.15 (with the world ending 2026-11-25)', async () => {
    const r = await agreement(42, '2026-11-25');
    expect([round(r.spearman, 2), round(r.pearson, 2)]).toEqual([0.15, 0.15]);
  });

  // docs/scenes.md: seed 1, 300 artists, Pearson was 0.20. The code gives 0.157 with the world
  // ending 2026-11-24, 0.176 ending 2026-11-25 (Spearman 0.21 either way). The table now names the
  // world's end (2026-11-25) and quotes what it gives.
  it('FAULT: the agreement table says seed 1, 300 artists: Pearson 0.20; the code gives 0.16 (now 0.21 / 0.18, the world ending 2026-11-25)', async () => {
    const r = await agreement(1, '2026-11-25');
    expect(round(r.spearman, 2)).toBe(0.21);
    expect(round(r.pearson, 2)).toBe(0.18);
  });

  // docs/scenes.md: seed 7, 300 artists, Pearson was -0.02. The code gives -0.029 (with the world
  // ending 2026-11-24 or 2026-11-25; Spearman 0.015 / 0.014).
  it('FAULT: the agreement table says seed 7, 300 artists: Pearson -0.02; the code gives -0.03 (now 0.01 / -0.03)', async () => {
    const r = await agreement(7, '2026-11-25');
    expect(round(r.spearman, 2)).toBe(0.01);
    expect(round(r.pearson, 2)).toBe(-0.03);
  });
});

function ranks(xs: readonly number[]): number[] {
  const idx = xs.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1]![0] === idx[i]![0]) j++;
    for (let k = i; k <= j; k++) r[idx[k]![1]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}
function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

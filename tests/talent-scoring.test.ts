/**
 * Talent Radar scoring: momentum is peer-relative by size band with an absolute floor, the
 * explanation adds up to the score it explains (row by row the same as the population path),
 * risk is a monotonic noisy-OR, peer medians are exact (quickselect against a naive median), and
 * calibration recovers known weights.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BREAKOUT_FEATURES,
  MOMENTUM_COMPONENTS,
  RISK_COMPONENTS,
  TalentModelConfigSchema,
  addDays,
  bandOf,
  createFeatureTable,
  explainRow,
  extractFeatures,
  featureTable,
  fitBreakoutModel,
  fitPeerStats,
  priorPeerStats,
  scoreTable,
  type ArtistFeatures,
  type ArtistSignals,
  type CalibrationExample,
  type SignalRead,
  type TalentModelConfig,
} from 'scene-radar';
import { mulberry32 } from '../bench/backtest/bootstrap.js';

const ASOF = '2026-11-25T00:00:00.000Z';
const END = '2026-11-24';
const model = TalentModelConfigSchema.parse({});
const W = model.windowDays;
const READS: SignalRead[] = ['record', 'network', 'releases', 'campaigns', 'engagement', 'articles', 'events', 'coherence', 'memberships', 'scenePulse'];
const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

/** Deterministic PRNG (mulberry32). */
const rng = mulberry32;
/** Standard normal from a uniform source (Box-Muller). */
const normal = (u: () => number): number => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

function signals(slug: string, over: Partial<ArtistSignals> = {}): ArtistSignals {
  return {
    artistSlug: slug,
    asOf: ASOF,
    record: null,
    network: null,
    releases: null,
    campaigns: null,
    engagement: null,
    articles: null,
    events: null,
    coherence: null,
    memberships: null,
    scenePulse: null,
    reads: Object.fromEntries(READS.map((r) => [r, { status: 'ok' }])) as ArtistSignals['reads'],
    ...over,
  };
}
/** Features of an artist whose organic engagement went from `before` a day to `after` a day. */
function grower(slug: string, before: number, after: number, m: TalentModelConfig = model): ArtistFeatures {
  const organic = [...Array.from({ length: W }, () => before), ...Array.from({ length: W }, () => after)];
  return extractFeatures(signals(slug, { engagement: { start: addDays(END, -(2 * W - 1)), organic, paid: organic.map(() => 0) } }), m);
}
/** Features with no evidence at all, then `over`. */
const feat = (slug: string, over: Partial<ArtistFeatures>): ArtistFeatures => ({ ...extractFeatures(signals(slug), model), ...over });

/** A population of `n` artists around `level` a day, growing by a factor around `growth`. */
function peers(prefix: string, n: number, level: number, growth: number, u: () => number): ArtistFeatures[] {
  return Array.from({ length: n }, (_, i) => {
    const before = level * (0.8 + 0.4 * u());
    return grower(`${prefix}-${i}`, before, before * growth * (0.9 + 0.2 * u()));
  });
}

describe('momentum is peer-relative, with an absolute floor', () => {
  it('an artist growing 10 -> 100 a day does not outrank one growing 100k -> 1M', () => {
    const u = rng(7);
    const population = [...peers('small', 40, 300, 1, u), ...peers('big', 40, 300_000, 1, u), grower('tiny-riser', 10, 100), grower('huge-riser', 100_000, 1_000_000)];
    const table = featureTable(population);
    const peerStats = fitPeerStats(table, model);
    const scores = scoreTable(table, peerStats, model);
    const at = (slug: string): number => population.findIndex((f) => f.artistSlug === slug);
    const tiny = scores.momentum[at('tiny-riser')]!;
    const huge = scores.momentum[at('huge-riser')]!;
    expect(huge).toBeGreaterThan(tiny);
    // Both still rise above their flat peers.
    expect(tiny).toBeGreaterThan(scores.momentum[at('small-0')]!);
    expect(huge).toBeGreaterThan(70);
    // The shrink towards the median is what keeps the tiny one below: without it both saturate.
    const unshrunk = TalentModelConfigSchema.parse({ fullEvidenceLevel: 1 });
    const flat = scoreTable(table, fitPeerStats(table, unshrunk), unshrunk);
    expect(flat.momentum[at('tiny-riser')]).toBeCloseTo(flat.momentum[at('huge-riser')]!, 9);
  });

  it('the same growth scores high among flat peers and average among peers who all grow like it', () => {
    const u = rng(11);
    // Band 2 (1k-10k a day): everyone grows ~x1.65. Band 3 (10k-100k): everyone flat.
    const population = [...peers('band2', 40, 3000, 1.65, u), ...peers('band3', 40, 30_000, 1, u), grower('with-peers', 3000, 4950), grower('alone', 30_000, 49_500)];
    const table = featureTable(population);
    const scores = scoreTable(table, fitPeerStats(table, model), model);
    const x = population.length - 2;
    const y = population.length - 1;
    expect(Math.abs(population[x]!.engagementGrowth! - population[y]!.engagementGrowth!)).toBeLessThan(0.02);
    expect(bandOf(population[x]!.activityLevel!, model.sizeBands)).toBe(2);
    expect(bandOf(population[y]!.activityLevel!, model.sizeBands)).toBe(3);
    expect(Math.abs(scores.momentum[x]! - 50)).toBeLessThan(15);
    expect(scores.momentum[y]!).toBeGreaterThan(scores.momentum[x]! + 20);
  });

  it('a band with fewer than minBandPeers artists is normalised against the whole population', () => {
    const u = rng(3);
    const population = [...peers('band2', 30, 3000, 1, u), ...peers('band4', 5, 500_000, 2, u)];
    const stats = fitPeerStats(featureTable(population), model);
    expect(stats.stats[2]!.engagement_growth).not.toBeNull();
    expect(stats.stats[2]!.engagement_growth!.n).toBe(30);
    expect(stats.stats[4]!.engagement_growth).toBeNull();
    expect(stats.overall.engagement_growth.n).toBe(35);
    // A band-4 artist is scored exactly as against the overall statistics.
    const table = featureTable(population);
    const explained = explainRow(table, 32, stats, model);
    const eg = explained.momentumSignals.find((s) => s.signal === 'engagement_growth')!;
    expect(eg.normalized).toBeCloseTo(Math.max(-4, Math.min(4, (eg.raw! - stats.overall.engagement_growth.median) / stats.overall.engagement_growth.spread)), 12);
  });

  it('no activity evidence: momentum and breakout are NaN (insufficient), risk is still defined', () => {
    const table = featureTable([feat('nothing', {}), feat('press-only', { pressVelocity: 3, pressQuality: 0.9, evidence: { mig: false, cmg: false, fusion: false, coverage: true, rcf: false, identityKernel: false, scenes: false } })]);
    const scores = scoreTable(table, priorPeerStats(model), model);
    expect([...scores.momentum]).toEqual([Number.NaN, Number.NaN]);
    expect([...scores.breakout]).toEqual([Number.NaN, Number.NaN]);
    expect([...scores.risk]).toEqual([0, 0]);
    expect(scores.confidence[1]).toBeCloseTo(0.1, 12);
  });
});

/** A varied population: every feature random, each missing with probability 0.2. */
function randomPopulation(n: number, seed: number): ArtistFeatures[] {
  const u = rng(seed);
  const maybe = (v: number): number | null => (u() < 0.2 ? null : v);
  return Array.from({ length: n }, (_, i) => {
    const level = u() < 0.1 ? null : 10 ** (1 + 5 * u());
    return feat(`artist-${i}`, {
      activityLevel: level,
      engagementGrowth: level === null ? null : maybe(normal(u) * 0.4),
      engagementAcceleration: maybe(normal(u) * 0.2),
      eventGrowth: maybe(normal(u) * 0.5),
      eventRecentGrowth: maybe(normal(u) * 0.5),
      eventDays: maybe(u()),
      pressVelocity: maybe(3 * u()),
      pressQuality: maybe(u()),
      newTastemakers: maybe(2 * u()),
      newCollaborators: maybe(Math.floor(5 * u())),
      connectivity: maybe(u()),
      careerAgeDays: maybe(3000 * u()),
      sceneHeat: maybe(100 * u()),
      sceneConfidence: maybe(u()),
      coherence: maybe(u()),
      drift: maybe(u()),
      paidShare: maybe(u()),
      anomaly: maybe(u()),
      staleDays: maybe(Math.floor(60 * u())),
      evidence: { mig: u() < 0.8, cmg: u() < 0.8, fusion: u() < 0.8, coverage: u() < 0.8, rcf: u() < 0.8, identityKernel: u() < 0.8, scenes: u() < 0.8 },
    });
  });
}

describe('explanations add up to the scores they explain', () => {
  const population = randomPopulation(300, 42);
  const table = featureTable(population);
  const peerStats = fitPeerStats(table, model);
  const scores = scoreTable(table, peerStats, model);

  it('explainRow gives exactly the scores of scoreTable, row by row', () => {
    let scored = 0;
    for (let i = 0; i < table.size; i++) {
      const e = explainRow(table, i, peerStats, model);
      expect([e.momentum, e.breakout, e.risk, e.confidence], population[i]!.artistSlug).toEqual([scores.momentum[i], scores.breakout[i], scores.risk[i], scores.confidence[i]]);
      if (!Number.isNaN(e.momentum)) scored++;
    }
    expect(scored).toBeGreaterThan(200);
  });

  it('breakout = logistic(intercept + sum of contributions); momentum = 100 x logistic(sum / scale)', () => {
    for (let i = 0; i < table.size; i++) {
      const e = explainRow(table, i, peerStats, model);
      if (Number.isNaN(e.momentum)) {
        expect(e.breakoutSignals).toEqual([]);
        continue;
      }
      expect(e.breakoutSignals.map((s) => s.signal)).toEqual([...BREAKOUT_FEATURES]);
      const logit = model.breakoutIntercept + e.breakoutSignals.reduce((a, s) => a + s.contribution, 0);
      expect(e.breakout).toBeCloseTo(logistic(logit), 12);
      for (const s of e.breakoutSignals) {
        expect(s.weight).toBe(model.breakoutWeights[s.signal as keyof typeof model.breakoutWeights]);
        expect(s.contribution).toBeCloseTo(s.normalized === null ? 0 : s.weight * s.normalized, 12);
      }
      const composite = e.momentumSignals.reduce((a, s) => a + s.contribution, 0);
      expect(e.momentum).toBeCloseTo(100 * logistic(composite / model.momentumScale), 9);
      for (const s of e.momentumSignals) expect(MOMENTUM_COMPONENTS).toContain(s.signal);
    }
  });

  it('risk contributions add up to risk, and risk is the noisy-OR of its components', () => {
    for (let i = 0; i < table.size; i++) {
      const e = explainRow(table, i, peerStats, model);
      expect(e.riskSignals.map((s) => s.signal)).toEqual([...RISK_COMPONENTS]);
      expect(e.riskSignals.reduce((a, s) => a + s.contribution, 0)).toBeCloseTo(e.risk, 12);
      const keep = e.riskSignals.reduce((k, s) => k * (1 - s.weight * (s.normalized ?? 0)), 1);
      expect(e.risk).toBeCloseTo(1 - keep, 12);
      for (const s of e.riskSignals) {
        expect(s.contribution).toBeGreaterThanOrEqual(0);
        if (s.raw === null) expect(s.normalized).toBeNull();
      }
    }
  });
});

describe('risk components each push risk up', () => {
  const calm = (over: Partial<ArtistFeatures>): ArtistFeatures =>
    feat('calm', { activityLevel: 5000, engagementGrowth: 0.1, coherence: 0.95, drift: 0.05, paidShare: 0.1, anomaly: 0, staleDays: 0, ...over });
  const cases: Record<(typeof RISK_COMPONENTS)[number], { field: keyof ArtistFeatures; from: number; to: number }> = {
    decline: { field: 'engagementGrowth', from: 0.1, to: -1.5 },
    incoherence: { field: 'coherence', from: 0.95, to: 0 },
    drift: { field: 'drift', from: 0.05, to: 1 },
    paid_dependence: { field: 'paidShare', from: 0.1, to: 1 },
    anomaly: { field: 'anomaly', from: 0, to: 1 },
    stale_data: { field: 'staleDays', from: 0, to: 60 },
  };

  it.each(Object.entries(cases))('%s: monotonic, and strictly up from calm to the extreme', (component, { field, from, to }) => {
    const steps = 25;
    const rows = Array.from({ length: steps + 1 }, (_, k) => calm({ [field]: from + ((to - from) * k) / steps }));
    const table = featureTable(rows);
    const scores = scoreTable(table, priorPeerStats(model), model);
    const risk = [...scores.risk];
    expect(risk[0]).toBe(0);
    for (let k = 1; k < risk.length; k++) expect(risk[k]!, `${component} step ${k}`).toBeGreaterThanOrEqual(risk[k - 1]!);
    expect(risk.at(-1)!).toBeCloseTo(model.riskSeverities[component as keyof typeof model.riskSeverities], 12);
    const top = explainRow(table, steps, priorPeerStats(model), model).riskSignals;
    expect(top.find((s) => s.signal === component)!.contribution).toBeCloseTo(risk.at(-1)!, 12);
  });

  it('every component at its extreme: 1 - product of (1 - severity)', () => {
    const worst = calm({ engagementGrowth: -3, coherence: 0, drift: 1, paidShare: 1, anomaly: 1, staleDays: 365 });
    const scores = scoreTable(featureTable([worst]), priorPeerStats(model), model);
    const expected = 1 - Object.values(model.riskSeverities).reduce((k, s) => k * (1 - s), 1);
    expect(scores.risk[0]).toBeCloseTo(expected, 12);
  });

  it('a missing component adds no risk', () => {
    const scores = scoreTable(featureTable([calm({ coherence: null, drift: null, paidShare: null, anomaly: null, staleDays: null })]), priorPeerStats(model), model);
    expect(scores.risk[0]).toBe(0);
  });
});

describe('fitPeerStats: exact medians and spreads (quickselect)', () => {
  const naiveMedian = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  const MIN_SPREAD = { engagement_growth: 0.05, engagement_acceleration: 0.05, event_growth: 0.1, press_velocity: 0.5 } as const;
  const COLUMN = { engagement_growth: 'engagementGrowth', engagement_acceleration: 'engagementAcceleration', event_growth: 'eventGrowth', press_velocity: 'pressVelocity' } as const;
  const oneEach = TalentModelConfigSchema.parse({ minBandPeers: 1 });

  const row = fc.record({
    level: fc.oneof(fc.constant(Number.NaN), fc.integer({ min: 0, max: 5 }).map((e) => 10 ** e + 1), fc.constantFrom(100, 1000, 10_000)),
    // Small integer ranges force duplicates; NaN is "no evidence".
    a: fc.oneof(fc.integer({ min: -5, max: 5 }).map((x) => x / 4), fc.constant(Number.NaN)),
    b: fc.double({ min: -10, max: 10, noNaN: true }),
    c: fc.integer({ min: 0, max: 2 }),
    d: fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(Number.NaN)),
  });

  it('each band and the whole population: median and spread equal a naive computation', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 0, maxLength: 60 }), (rows) => {
        const table = createFeatureTable(rows.length);
        rows.forEach((r, i) => {
          table.columns.level[i] = r.level;
          table.columns.engagementGrowth[i] = r.a;
          table.columns.engagementAcceleration[i] = r.b;
          table.columns.eventGrowth[i] = r.c;
          table.columns.pressVelocity[i] = r.d;
        });
        const before = MOMENTUM_COMPONENTS.map((c) => Float64Array.from(table.columns[COLUMN[c]]));
        const stats = fitPeerStats(table, oneEach);
        expect(stats.population).toBe(rows.length);
        MOMENTUM_COMPONENTS.forEach((comp, ci) => {
          // The table itself is never reordered.
          expect(table.columns[COLUMN[comp]]).toEqual(before[ci]);
          const check = (values: number[], got: { median: number; spread: number; n: number } | null | undefined) => {
            if (values.length === 0) {
              if (got !== undefined && got !== null) expect(got.n).toBe(0);
              return;
            }
            expect(got).toBeTruthy();
            const med = naiveMedian(values);
            expect(got!.n).toBe(values.length);
            expect(got!.median).toBe(med);
            expect(got!.spread).toBe(Math.max(MIN_SPREAD[comp], 1.4826 * naiveMedian(values.map((v) => Math.abs(v - med)))));
          };
          const withLevel = rows.map((r, i) => ({ band: Number.isNaN(r.level) ? -1 : bandOf(r.level, oneEach.sizeBands), v: table.columns[COLUMN[comp]][i]! })).filter((x) => x.band >= 0 && !Number.isNaN(x.v));
          check(
            withLevel.map((x) => x.v),
            stats.overall[comp],
          );
          for (let b = 0; b <= oneEach.sizeBands.length; b++) {
            const inBand = withLevel.filter((x) => x.band === b).map((x) => x.v);
            const got = stats.stats[b]![comp];
            if (inBand.length === 0) expect(got).toBeNull();
            else check(inBand, got);
          }
        });
      }),
      { numRuns: 300, seed: 20261125 },
    );
  });

  it('large arrays with many duplicates, odd and even sizes', () => {
    const u = rng(99);
    for (const n of [1, 2, 3, 4, 1000, 1001, 4096, 4097]) {
      const table = createFeatureTable(n);
      const values: number[] = [];
      for (let i = 0; i < n; i++) {
        table.columns.level[i] = 500; // all in band 1
        const v = Math.floor(u() * 7) - 3; // seven distinct values
        table.columns.engagementGrowth[i] = v;
        values.push(v);
      }
      const stats = fitPeerStats(table, oneEach);
      const med = naiveMedian(values);
      expect(stats.stats[1]!.engagement_growth!.median, `n=${n}`).toBe(med);
      expect(stats.overall.engagement_growth.median).toBe(med);
      expect(stats.stats[1]!.engagement_growth!.spread).toBe(Math.max(0.05, 1.4826 * naiveMedian(values.map((v) => Math.abs(v - med)))));
    }
  });

  it('sorted, reversed and constant inputs (quickselect worst cases)', () => {
    for (const make of [(i: number) => i, (i: number) => -i, () => 3, (i: number) => (i % 2 ? 1e9 : -1e9)]) {
      for (const n of [5, 6, 500, 501]) {
        const table = createFeatureTable(n);
        const values = Array.from({ length: n }, (_, i) => make(i));
        values.forEach((v, i) => {
          table.columns.level[i] = 50;
          table.columns.eventGrowth[i] = v;
        });
        expect(fitPeerStats(table, oneEach).stats[0]!.event_growth!.median).toBe(naiveMedian(values));
      }
    }
  });
});

describe('priorPeerStats', () => {
  it('one null entry per band (and the open top band); momentum is centred at 0 with fixed spreads', () => {
    const prior = priorPeerStats(model);
    expect(prior.bands).toEqual(model.sizeBands);
    expect(prior.stats).toHaveLength(model.sizeBands.length + 1);
    for (const band of prior.stats) for (const c of MOMENTUM_COMPONENTS) expect(band[c]).toBeNull();
    expect(prior.population).toBe(0);
    for (const c of MOMENTUM_COMPONENTS) expect(prior.overall[c].median).toBe(0);
  });

  it('scoring with the prior: z = growth / spread, flat artists sit at 50', () => {
    const prior = priorPeerStats(model);
    const flat = grower('flat', 5000, 5000);
    const up = grower('up', 5000, 10_000);
    const table = featureTable([flat, up]);
    const scores = scoreTable(table, prior, model);
    expect(scores.momentum[0]).toBeCloseTo(50, 9);
    const e = explainRow(table, 1, prior, model).momentumSignals.find((s) => s.signal === 'engagement_growth')!;
    expect(e.normalized).toBeCloseTo(Math.min(4, up.engagementGrowth! / prior.overall.engagement_growth.spread), 12);
    expect(scores.momentum[1]!).toBeGreaterThan(70);
  });
});

describe('fitBreakoutModel', () => {
  /** Logistic data from known weights. */
  function synthetic(n: number, seed: number, truth: { intercept: number; weights: number[] }): CalibrationExample[] {
    const u = rng(seed);
    return Array.from({ length: n }, () => {
      const inputs = BREAKOUT_FEATURES.map(() => normal(u));
      const eta = truth.intercept + inputs.reduce((a, x, j) => a + x * truth.weights[j]!, 0);
      return { inputs, label: u() < logistic(eta) };
    });
  }
  const truth = { intercept: -1.5, weights: BREAKOUT_FEATURES.map((_, j) => [0.9, -0.6, 0.4, 0, 1.2, -0.3, 0.5, 0.8, -1, 0.2, 0.6, -0.4, 0.3][j % 13]!) };

  it('recovers the weights and intercept of synthetic logistic data', () => {
    const data = synthetic(20_000, 1, truth);
    const fit = fitBreakoutModel(data, { l2: 0 });
    expect(fit.examples).toBe(20_000);
    expect(fit.positives).toBe(data.filter((d) => d.label).length);
    expect(fit.intercept).toBeCloseTo(truth.intercept, 0);
    expect(Math.abs(fit.intercept - truth.intercept)).toBeLessThan(0.1);
    BREAKOUT_FEATURES.forEach((f, j) => expect(Math.abs(fit.weights[f] - truth.weights[j]!), f).toBeLessThan(0.1));
    expect(fit.iterations).toBeLessThan(50);
    // Better than knowing only the base rate.
    const rate = fit.positives / fit.examples;
    expect(fit.logLoss).toBeLessThan(-(rate * Math.log(rate) + (1 - rate) * Math.log(1 - rate)));
  });

  it('L2 shrinks the weights; excluded inputs stay at 0', () => {
    const data = synthetic(400, 2, truth);
    const norm = (w: Record<string, number>): number => Math.hypot(...Object.values(w));
    const loose = fitBreakoutModel(data, { l2: 0.01 });
    const tight = fitBreakoutModel(data, { l2: 100 });
    expect(norm(tight.weights)).toBeLessThan(norm(loose.weights) / 2);
    const excl = fitBreakoutModel(data, { exclude: ['momentum', 'career_age'] });
    expect(excl.weights.momentum).toBe(0);
    expect(excl.weights.career_age).toBe(0);
    expect(Object.keys(excl.weights).sort()).toEqual([...BREAKOUT_FEATURES].sort());
  });

  it('non-finite inputs count as 0', () => {
    const data = synthetic(300, 3, truth);
    const holes = data.map((d, i) => (i % 3 ? d : { ...d, inputs: d.inputs.map((x, j) => (j === 0 ? Number.NaN : x)) }));
    const zeros = data.map((d, i) => (i % 3 ? d : { ...d, inputs: d.inputs.map((x, j) => (j === 0 ? 0 : x)) }));
    const a = fitBreakoutModel(holes);
    const b = fitBreakoutModel(zeros);
    expect(a.intercept).toBeCloseTo(b.intercept, 9);
    expect(Number.isFinite(a.logLoss)).toBe(true);
  });

  it('TALENT_INSUFFICIENT_DATA (422) for fewer than 10 examples or a single outcome', () => {
    const data = synthetic(50, 4, truth);
    const pos = data.filter((d) => d.label);
    const neg = data.filter((d) => !d.label);
    expect(pos.length).toBeGreaterThan(0);
    for (const bad of [[], data.slice(0, 9), neg.slice(0, 20).map((d) => ({ ...d, label: true })), neg.slice(0, 20)]) {
      expect(() => fitBreakoutModel(bad)).toThrow(expect.objectContaining({ code: 'TALENT_INSUFFICIENT_DATA', httpStatus: 422 }));
    }
    expect(() => fitBreakoutModel([...pos.slice(0, 1), ...neg.slice(0, 9)])).not.toThrow();
  });
});

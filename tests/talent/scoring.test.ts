/**
 * Talent Radar scoring: momentum is peer-relative by size band with an absolute floor, the
 * explanation adds up to the score it explains (row by row the same as the population path),
 * risk is a monotonic noisy-OR, peer medians are exact (quickselect against a naive median), and
 * calibration recovers known weights.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TalentModelConfig } from 'scene-radar';
import { addDays } from '../../src/core/time.js';
import { MONOTONE_BREAKOUT_SIGNS, fitBreakoutModel } from '../../src/talent/calibrate.js';
import { createFeatureTable, featureTable } from '../../src/talent/feature-table.js';
import { extractFeatures } from '../../src/talent/features.js';
import {
  MOMENTUM_COMPONENTS,
  RISK_COMPONENTS,
  bandOf,
  explainRow,
  fitPeerStats,
  priorPeerStats,
  scoreTable,
} from '../../src/talent/scoring.js';
import type { CalibrationExample } from 'scene-radar/backtest';
import {
  BREAKOUT_INPUTS,
  TalentModelConfigSchema,
  type ArtistFeatures,
  type ArtistSignals,
  type SignalRead,
} from 'scene-radar/schemas';
import { mulberry32 } from 'scene-radar/backtest';

const ASOF = '2026-11-25T00:00:00.000Z';
const END = '2026-11-24';
const model = TalentModelConfigSchema.parse({});
const W = model.windowDays;
const READS: SignalRead[] = [
  'record',
  'network',
  'releases',
  'campaigns',
  'engagement',
  'articles',
  'events',
  'coherence',
  'memberships',
  'scenePulse',
];
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
    host: {},
    ...over,
  };
}
/** Features of an artist whose organic engagement went from `before` a day to `after` a day. */
function grower(slug: string, before: number, after: number, m: TalentModelConfig = model): ArtistFeatures {
  const organic = [...Array.from({ length: W }, () => before), ...Array.from({ length: W }, () => after)];
  return extractFeatures(
    signals(slug, { engagement: { start: addDays(END, -(2 * W - 1)), organic, paid: organic.map(() => 0) } }),
    m,
  );
}
/** Features with no evidence at all, then `over`. */
const feat = (slug: string, over: Partial<ArtistFeatures>): ArtistFeatures => ({
  ...extractFeatures(signals(slug), model),
  ...over,
});

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
    const population = [
      ...peers('small', 40, 300, 1, u),
      ...peers('big', 40, 300_000, 1, u),
      grower('tiny-riser', 10, 100),
      grower('huge-riser', 100_000, 1_000_000),
    ];
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
    const population = [
      ...peers('band2', 40, 3000, 1.65, u),
      ...peers('band3', 40, 30_000, 1, u),
      grower('with-peers', 3000, 4950),
      grower('alone', 30_000, 49_500),
    ];
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
    expect(eg.normalized).toBeCloseTo(
      Math.max(
        -4,
        Math.min(4, (eg.raw! - stats.overall.engagement_growth.median) / stats.overall.engagement_growth.spread),
      ),
      12,
    );
  });

  it('no activity evidence: momentum and breakout are NaN (insufficient), risk is still defined', () => {
    const table = featureTable([
      feat('nothing', {}),
      feat('press-only', {
        pressVelocity: 3,
        pressQuality: 0.9,
        evidence: {
          mig: false,
          cmg: false,
          fusion: false,
          coverage: true,
          rcf: false,
          identityKernel: false,
          scenes: false,
        },
      }),
    ]);
    const scores = scoreTable(table, priorPeerStats(model), model);
    expect([...scores.momentum]).toEqual([Number.NaN, Number.NaN]);
    expect([...scores.breakout]).toEqual([Number.NaN, Number.NaN]);
    expect([...scores.risk]).toEqual([0, 0]);
    expect(scores.confidence[1]).toBeCloseTo(0.1, 12);
  });
});

/** A random activity profile around `level` (source units). */
function activity(
  u: () => number,
  level: number,
  basis: 'events' | 'engagement',
): NonNullable<ArtistFeatures['activity']['events']> {
  const around = (): number => level * (0.2 + 1.6 * u());
  const span = Math.floor(400 * u());
  return {
    basis,
    now: around() / 4,
    recent: around(),
    previous: around(),
    quarter: 3 * around(),
    quarterBefore: 3 * around(),
    peak: around() / 3,
    presentDays: Math.floor(57 * u()),
    presentDaysYear: Math.floor(365 * u()),
    daysSinceLast: Math.floor(60 * u()),
    observedSpanDays: span,
    medianGapDays: basis === 'events' ? 1 + Math.floor(10 * u()) : null,
  };
}

/** A varied population: every feature random, each missing with probability 0.2. */
function randomPopulation(n: number, seed: number): ArtistFeatures[] {
  const u = rng(seed);
  const maybe = (v: number): number | null => (u() < 0.2 ? null : v);
  return Array.from({ length: n }, (_, i) => {
    const level = u() < 0.1 ? null : 10 ** (1 + 5 * u());
    return feat(`artist-${i}`, {
      activityLevel: level,
      activity: (() => {
        if (level === null) return { events: null, engagement: null };
        const which = u();
        // A third with events only, a third with engagement only, a third with both.
        return {
          events: which < 0.67 ? activity(u, level, 'events') : null,
          engagement: which >= 0.33 ? activity(u, level, 'engagement') : null,
        };
      })(),
      engagementGrowth: level === null ? null : maybe(normal(u) * 0.4),
      engagementAcceleration: maybe(normal(u) * 0.2),
      eventGrowth: maybe(normal(u) * 0.5),
      regions: maybe(1 + Math.floor(5 * u())),
      newRegions: maybe(Math.floor(3 * u())),
      pressVelocity: maybe(3 * u()),
      pressQuality: maybe(u()),
      newTastemakers: maybe(2 * u()),
      newCollaborators: maybe(Math.floor(5 * u())),
      careerAgeDays: maybe(3000 * u()),
      sceneHeat: maybe(100 * u()),
      sceneConfidence: maybe(u()),
      coherence: maybe(u()),
      drift: maybe(u()),
      paidShare: maybe(u()),
      anomaly: maybe(u()),
      staleDays: maybe(Math.floor(60 * u())),
      evidence: {
        mig: u() < 0.8,
        cmg: u() < 0.8,
        fusion: u() < 0.8,
        coverage: u() < 0.8,
        rcf: u() < 0.8,
        identityKernel: u() < 0.8,
        scenes: u() < 0.8,
      },
    });
  });
}

describe('explanations add up to the scores they explain', () => {
  const population = randomPopulation(300, 42);
  const table = featureTable(population);
  // Every input weighs something (whatever the published defaults are), with its own centre.
  const model = TalentModelConfigSchema.parse({
    breakout: {
      intercept: -2,
      inputs: Object.fromEntries(
        BREAKOUT_INPUTS.map((f, k) => [f, { weight: ((k % 5) - 2) * 0.37 + 0.11, center: (k % 3) * 0.25 }]),
      ),
    },
  });
  const peerStats = fitPeerStats(table, model);
  const scores = scoreTable(table, peerStats, model);

  it('explainRow gives exactly the scores of scoreTable, row by row', () => {
    let scored = 0;
    for (let i = 0; i < table.size; i++) {
      const e = explainRow(table, i, peerStats, model);
      expect([e.momentum, e.breakout, e.risk, e.confidence], population[i]!.artistSlug).toEqual([
        scores.momentum[i],
        scores.breakout[i],
        scores.risk[i],
        scores.confidence[i],
      ]);
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
      expect(e.breakoutSignals.map((s) => s.signal)).toEqual([...BREAKOUT_INPUTS]);
      const logit = model.breakout.intercept + e.breakoutSignals.reduce((a, s) => a + s.contribution, 0);
      expect(e.breakout).toBeCloseTo(logistic(logit), 12);
      for (const s of e.breakoutSignals) {
        const term = model.breakout.inputs[s.signal as keyof typeof model.breakout.inputs];
        expect(s.weight).toBe(term.weight);
        expect(s.contribution).toBeCloseTo(s.normalized === null ? 0 : s.weight * (s.normalized - term.center), 12);
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
    feat('calm', {
      activityLevel: 5000,
      engagementGrowth: 0.1,
      declineGrowth: 0.1,
      coherence: 0.95,
      drift: 0.05,
      paidShare: 0.1,
      anomaly: 0,
      staleDays: 0,
      ...over,
    });
  const cases: Record<(typeof RISK_COMPONENTS)[number], { field: keyof ArtistFeatures; from: number; to: number }> = {
    decline: { field: 'declineGrowth', from: 0.1, to: -1.5 },
    incoherence: { field: 'coherence', from: 0.95, to: 0 },
    drift: { field: 'drift', from: 0.05, to: 1 },
    paid_dependence: { field: 'paidShare', from: 0.1, to: 1 },
    anomaly: { field: 'anomaly', from: 0, to: 1 },
    stale_data: { field: 'staleDays', from: 0, to: 60 },
  };

  it.each(Object.entries(cases))(
    '%s: monotonic, and strictly up from calm to the extreme',
    (component, { field, from, to }) => {
      const steps = 25;
      const rows = Array.from({ length: steps + 1 }, (_, k) => calm({ [field]: from + ((to - from) * k) / steps }));
      const table = featureTable(rows);
      const scores = scoreTable(table, priorPeerStats(model), model);
      const risk = [...scores.risk];
      expect(risk[0]).toBe(0);
      for (let k = 1; k < risk.length; k++)
        expect(risk[k]!, `${component} step ${k}`).toBeGreaterThanOrEqual(risk[k - 1]!);
      expect(risk.at(-1)!).toBeCloseTo(model.riskSeverities[component as keyof typeof model.riskSeverities], 12);
      const top = explainRow(table, steps, priorPeerStats(model), model).riskSignals;
      expect(top.find((s) => s.signal === component)!.contribution).toBeCloseTo(risk.at(-1)!, 12);
    },
  );

  it('every component at its extreme: 1 - product of (1 - severity)', () => {
    const worst = calm({
      engagementGrowth: -3,
      declineGrowth: -3,
      coherence: 0,
      drift: 1,
      paidShare: 1,
      anomaly: 1,
      staleDays: 365,
    });
    const scores = scoreTable(featureTable([worst]), priorPeerStats(model), model);
    const expected = 1 - Object.values(model.riskSeverities).reduce((k, s) => k * (1 - s), 1);
    expect(scores.risk[0]).toBeCloseTo(expected, 12);
  });

  it('a missing component adds no risk', () => {
    const scores = scoreTable(
      featureTable([calm({ coherence: null, drift: null, paidShare: null, anomaly: null, staleDays: null })]),
      priorPeerStats(model),
      model,
    );
    expect(scores.risk[0]).toBe(0);
  });
});

describe('fitPeerStats: exact medians and spreads (quickselect)', () => {
  const naiveMedian = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  const MIN_SPREAD = {
    engagement_growth: 0.05,
    engagement_acceleration: 0.05,
    event_growth: 0.1,
    press_velocity: 0.5,
  } as const;
  const COLUMN = {
    engagement_growth: 'engagementGrowth',
    engagement_acceleration: 'engagementAcceleration',
    event_growth: 'eventGrowth',
    press_velocity: 'pressVelocity',
  } as const;
  const oneEach = TalentModelConfigSchema.parse({ minBandPeers: 1 });

  const row = fc.record({
    level: fc.oneof(
      fc.constant(Number.NaN),
      fc.integer({ min: 0, max: 5 }).map((e) => 10 ** e + 1),
      fc.constantFrom(100, 1000, 10_000),
    ),
    // Small integer ranges force duplicates; NaN is "no evidence".
    a: fc.oneof(
      fc.integer({ min: -5, max: 5 }).map((x) => x / 4),
      fc.constant(Number.NaN),
    ),
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
            expect(got!.spread).toBe(
              Math.max(MIN_SPREAD[comp], 1.4826 * naiveMedian(values.map((v) => Math.abs(v - med)))),
            );
          };
          const withLevel = rows
            .map((r, i) => ({
              band: Number.isNaN(r.level) ? -1 : bandOf(r.level, oneEach.sizeBands),
              v: table.columns[COLUMN[comp]][i]!,
            }))
            .filter((x) => x.band >= 0 && !Number.isNaN(x.v));
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
      expect(stats.stats[1]!.engagement_growth!.spread).toBe(
        Math.max(0.05, 1.4826 * naiveMedian(values.map((v) => Math.abs(v - med)))),
      );
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
  const NAMES = ['a', 'b', 'c', 'd', 'e'] as const;
  /** Logistic data from known weights, at `instants` instants a week apart. */
  function synthetic(
    n: number,
    seed: number,
    truth: { intercept: number; weights: number[] },
    instants = 20,
  ): CalibrationExample[] {
    const u = rng(seed);
    return Array.from({ length: n }, (_, i) => {
      const x = NAMES.map(() => normal(u));
      const eta = truth.intercept + x.reduce((a, v, j) => a + v * truth.weights[j]!, 0);
      return {
        inputs: Object.fromEntries(NAMES.map((k, j) => [k, x[j]!])),
        label: u() < logistic(eta),
        time: Date.UTC(2020, 0, 1) + (i % instants) * 7 * 86_400_000,
      };
    });
  }
  const truth = { intercept: -1.5, weights: [0.9, -0.6, 0.4, 0, 1.2] };
  const predict = (m: ReturnType<typeof fitBreakoutModel>['model'], inputs: Readonly<Record<string, number>>): number =>
    logistic(
      m.intercept +
        Object.entries(m.hostInputs).reduce(
          (z, [k, t]) => z + (Number.isFinite(inputs[k]) ? t.weight * (inputs[k]! - t.center) : 0),
          0,
        ),
    );

  it('recovers the weights of synthetic logistic data (inputs centred, host-named inputs kept)', () => {
    const data = synthetic(20_000, 1, truth);
    const fit = fitBreakoutModel(data, { l2: 0, recalibrate: false });
    expect(fit.examples).toBe(20_000);
    expect(fit.positives).toBe(data.filter((d) => d.label).length);
    for (const [j, k] of NAMES.entries())
      expect(Math.abs(fit.model.hostInputs[k]!.weight - truth.weights[j]!), k).toBeLessThan(0.1);
    // Centres are the inputs' means, and the intercept is the log-odds at the centre.
    const centreEta =
      truth.intercept + NAMES.reduce((a, k, j) => a + truth.weights[j]! * fit.model.hostInputs[k]!.center, 0);
    expect(Math.abs(fit.model.intercept - centreEta)).toBeLessThan(0.1);
    for (const f of BREAKOUT_INPUTS) expect(fit.model.inputs[f].weight).toBe(0);
    expect(fit.validation.converged).toBe(true);
    expect(fit.validation.iterations).toBeLessThan(50);
    const rate = fit.positives / fit.examples;
    expect(fit.logLoss).toBeLessThan(-(rate * Math.log(rate) + (1 - rate) * Math.log(1 - rate)));
  });

  it('chooses the penalty by time-ordered cross-validation and reports the folds out of time', () => {
    const data = synthetic(3000, 5, truth);
    const fit = fitBreakoutModel(data, { l2: [0, 0.01, 10], folds: 3 });
    expect(fit.validation.grid.map((g) => g.l2)).toEqual([0, 0.01, 10]);
    const best = Math.min(...fit.validation.grid.map((g) => g.logLoss ?? Number.POSITIVE_INFINITY));
    expect(fit.validation.grid.find((g) => g.l2 === fit.validation.l2)!.logLoss).toBe(best);
    // A penalty of 10 per example flattens the model: never the choice on clean data.
    expect(fit.validation.l2).not.toBe(10);
    expect(fit.validation.folds).toHaveLength(3);
    for (const f of fit.validation.folds) expect(Date.parse(f.trainUntil)).toBeLessThan(Date.parse(f.validate[0]));
    expect(fit.validation.outOfTime!.meanAuc!).toBeGreaterThan(0.75);
    expect(fit.validation.outOfTime!.bins).toHaveLength(10);
  });

  it('recalibrates an overconfident fit (Platt scaling on out-of-time predictions) and folds it into the weights', () => {
    // Labels much noisier than the inputs suggest within each period: the fold models overfit
    // 40 noise inputs, the out-of-time slope comes out below 1 and shrinks the weights.
    const u = rng(9);
    const data: CalibrationExample[] = Array.from({ length: 2000 }, (_, i) => {
      const x = Array.from({ length: 40 }, () => normal(u));
      return {
        inputs: Object.fromEntries(x.map((v, j) => [`n${j}`, v])),
        label: u() < logistic(-1 + 0.8 * x[0]!),
        time: Date.UTC(2020, 0, 1) + (i % 10) * 86_400_000,
      };
    });
    const plain = fitBreakoutModel(data, { l2: 0, recalibrate: false });
    const fit = fitBreakoutModel(data, { l2: 0 });
    expect(fit.validation.recalibration).not.toBeNull();
    expect(fit.validation.recalibration!.slope).toBeLessThan(1);
    expect(fit.model.provenance.recalibrated).toBe(true);
    const slope = fit.validation.recalibration!.slope;
    expect(fit.model.hostInputs.n0!.weight).toBeCloseTo(slope * plain.model.hostInputs.n0!.weight, 9);
    expect(plain.model.provenance.recalibrated).toBe(false);
  });

  it('L2 shrinks the weights; excluded inputs stay at 0; a model is plain JSON', () => {
    const data = synthetic(400, 2, truth);
    const norm = (m: ReturnType<typeof fitBreakoutModel>['model']): number =>
      Math.hypot(...Object.values(m.hostInputs).map((t) => t.weight));
    const loose = fitBreakoutModel(data, { l2: 0.0001, recalibrate: false });
    const tight = fitBreakoutModel(data, { l2: 1, recalibrate: false });
    expect(norm(tight.model)).toBeLessThan(norm(loose.model) / 2);
    const excl = fitBreakoutModel(data, { exclude: ['a', 'e'] });
    expect(excl.model.hostInputs.a).toBeUndefined();
    expect(excl.model.hostInputs.e).toBeUndefined();
    expect(JSON.parse(JSON.stringify(excl.model))).toEqual(excl.model);
  });

  it('sign constraints: an input the data would give the other sign gets weight 0, the rest are refitted', () => {
    const data = synthetic(5000, 6, truth);
    const free = fitBreakoutModel(data, { l2: 0.0001, recalibrate: false });
    expect(free.model.hostInputs.b!.weight).toBeLessThan(-0.3);
    const signed = fitBreakoutModel(data, { l2: 0.0001, recalibrate: false, signs: { a: 1, b: 1, e: 1 } });
    expect(signed.model.hostInputs.b!.weight).toBe(0);
    expect(signed.model.hostInputs.a!.weight).toBeGreaterThan(0.5);
    expect(signed.model.hostInputs.e!.weight).toBeGreaterThan(0.8);
    // An unconstrained input keeps its sign; a constraint the data agrees with changes nothing.
    expect(signed.model.hostInputs.c!.weight).toBeGreaterThan(0.2);
    const agreeing = fitBreakoutModel(data, { l2: 0.0001, recalibrate: false, signs: { a: 1, e: 1 } });
    expect(agreeing.model.hostInputs.a!.weight).toBeCloseTo(free.model.hostInputs.a!.weight, 9);
    expect(() => fitBreakoutModel(data, { signs: { a: 2 as 1 } })).toThrow(
      expect.objectContaining({ code: 'TALENT_VALIDATION_ERROR' }),
    );
    expect(MONOTONE_BREAKOUT_SIGNS.career_age).toBe(-1);
    expect(Object.keys(MONOTONE_BREAKOUT_SIGNS).sort()).toEqual([...BREAKOUT_INPUTS].sort());
  });

  it('a missing (NaN) input adds nothing: it scores as its centre', () => {
    const data = synthetic(600, 3, truth).map((d, i) => (i % 3 ? d : { ...d, inputs: { ...d.inputs, a: Number.NaN } }));
    const fit = fitBreakoutModel(data, { l2: 0.001 });
    expect(Number.isFinite(fit.logLoss)).toBe(true);
    const atCentre = { ...data[1]!.inputs, a: fit.model.hostInputs.a!.center };
    expect(predict(fit.model, { ...data[1]!.inputs, a: Number.NaN })).toBeCloseTo(predict(fit.model, atCentre), 12);
  });

  it('TALENT_INSUFFICIENT_DATA (422) for fewer than 10 examples or a single outcome; bad options are TALENT_VALIDATION_ERROR', () => {
    const data = synthetic(50, 4, truth);
    const pos = data.filter((d) => d.label);
    const neg = data.filter((d) => !d.label);
    expect(pos.length).toBeGreaterThan(0);
    for (const bad of [[], data.slice(0, 9), neg.slice(0, 20).map((d) => ({ ...d, label: true })), neg.slice(0, 20)]) {
      expect(() => fitBreakoutModel(bad)).toThrow(
        expect.objectContaining({ code: 'TALENT_INSUFFICIENT_DATA', httpStatus: 422 }),
      );
    }
    expect(() => fitBreakoutModel([...pos.slice(0, 1), ...neg.slice(0, 9)])).not.toThrow();
    for (const options of [
      { l2: -1 },
      { l2: [] as number[] },
      { l2: Number.NaN },
      { folds: 0 },
      { folds: 1.5 },
      { maxIterations: 0 },
    ]) {
      expect(() => fitBreakoutModel(data, options), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: 'TALENT_VALIDATION_ERROR' }),
      );
    }
    expect(() => fitBreakoutModel([{ ...data[0]!, time: Number.NaN }, ...data.slice(1)])).toThrow(
      expect.objectContaining({ code: 'TALENT_VALIDATION_ERROR' }),
    );
  });
});

/**
 * The population path scores block by block and fits peer medians from a sample-bracketed
 * selection; these tests check that it gives exactly the doubles of the path it replaced (every
 * row on its own, quickselect for every median: tests/talent/reference-scoring.ts), bit for bit,
 * on random tables: one or both activity sources per artist, missing values, ties, -0 and
 * infinities, host features, models that weigh every input or few, sources with too few peers,
 * the prior, and peers fitted on another table.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from 'scene-radar/backtest';
import { BREAKOUT_INPUTS, TalentModelConfigSchema } from 'scene-radar/schemas';
import { createFeatureTable, type FeatureTable } from '../../src/talent/feature-table.js';
import type { HostFeatureSpec } from '../../src/talent/host-features.js';
import type { TalentModelConfig } from '../../src/talent/model-config.js';
import { fromSorted } from '../../src/talent/population.js';
import { fitPeerStats, priorPeerStats, scoreTable, type PeerStats } from '../../src/talent/scoring.js';
import { referenceBucketStart, referenceFitPeerStats, referenceScoreTable } from './reference-scoring.js';

/** Whether two doubles have the same bits (so -0 differs from 0, and NaN equals NaN). */
const sameDouble = (a: number, b: number): boolean => Object.is(a, b) || (a === b && a !== 0);

/**
 * Where two values first differ, comparing every double by its bits, recursively (typed arrays,
 * arrays, maps and plain objects), or null when they are the same.
 */
function difference(a: unknown, b: unknown, path = ''): string | null {
  if (typeof a === 'number' || typeof b === 'number')
    return typeof a === 'number' && typeof b === 'number' && sameDouble(a, b) ? null : `${path}: ${a} vs ${b}`;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || x.length !== y.length) return `${path}: length`;
    for (let i = 0; i < x.length; i++) if (!sameDouble(x[i]!, y[i]!)) return `${path}[${i}]: ${x[i]} vs ${y[i]}`;
    return null;
  }
  if (a instanceof Map && b instanceof Map) return difference([...a], [...b], path);
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length || Array.isArray(a) !== Array.isArray(b)) return `${path}: keys`;
    for (const k of keys) {
      const d = difference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${path}: ${String(a)} vs ${String(b)}`;
}

/** The index of the first differing double of two score arrays, -1 when they are the same bits. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, 2 * a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, 2 * b.length);
  if (a.length !== b.length) return 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i >> 1;
  return -1;
}

function expectSameScores(table: FeatureTable, peers: PeerStats, model: TalentModelConfig): void {
  const got = scoreTable(table, peers, model);
  const want = referenceScoreTable(table, peers, model);
  for (const k of ['momentum', 'breakout', 'risk', 'confidence'] as const) {
    const i = firstDifference(got[k], want[k]);
    expect(i, `${k} of row ${i}: ${got[k][i]} vs ${want[k][i]}`).toBe(-1);
  }
}

const HOST: HostFeatureSpec[] = [
  { name: 'followers', source: 'host', scale: 'percentile' },
  { name: 'sync-deals', source: 'host', scale: 'raw' },
];

interface Shape {
  /** Share of artists with engagement, with events (independently: some have both). */
  readonly engagement: number;
  readonly events: number;
  /** Share of missing values in the other columns. */
  readonly missing: number;
  /** Values rounded to this many steps a unit (ties), or 0 for none. */
  readonly ties: number;
  /** Share of zeros (half of them -0) and of infinities in the growth columns. */
  readonly zeros: number;
  readonly infinities: number;
  readonly host: boolean;
}

/** A random table of `n` rows. */
function randomTable(n: number, seed: number, s: Shape): FeatureTable {
  const u = mulberry32(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const round = (x: number): number => (s.ties ? Math.round(x * s.ties) / s.ties : x);
  const maybe = (x: number): number => (u() < s.missing ? Number.NaN : x);
  const growth = (scale: number): number => {
    const r = u();
    if (r < s.zeros) return r < s.zeros / 2 ? -0 : 0;
    if (r < s.zeros + s.infinities) return u() < 0.5 ? Infinity : -Infinity;
    return maybe(round(scale * normal()));
  };
  const table = createFeatureTable(n, s.host ? HOST : []);
  const c = table.columns;
  for (let i = 0; i < n; i++) {
    const level = Math.exp(5 + 2 * normal());
    c.level[i] = u() < 0.03 ? Number.NaN : round(level);
    c.engagementGrowth[i] = growth(0.25);
    c.engagementAcceleration[i] = growth(0.15);
    c.eventGrowth[i] = growth(0.4);
    // As the features set it when every read succeeded: engagement, else events.
    c.declineGrowth[i] = Number.isNaN(c.engagementGrowth[i]!) ? c.eventGrowth[i]! : c.engagementGrowth[i]!;
    c.pressVelocity[i] = maybe(round(-Math.log(1 - u()) * 1.5));
    for (const [prefix, share] of [
      ['en', s.engagement],
      ['ev', s.events],
    ] as const) {
      if (u() >= share) continue;
      const a = (days: number): number => round(level * days * Math.exp(0.3 * normal()));
      const set = (field: string, v: number): void => {
        c[`${prefix}${field}` as keyof typeof c][i] = v;
      };
      set('Now', u() < 0.05 ? 0 : a(7));
      set('Recent', a(28));
      set('Previous', a(28));
      set('Quarter', a(91));
      set('QuarterBefore', u() < 0.1 ? 0 : a(91));
      set('Peak', a(1));
      set('PresentDays', Math.floor(57 * u()));
      set('PresentDaysYear', Math.floor(365 * u()));
      set('ObservedSpanDays', Math.floor(364 * u()));
      set('DaysSinceLast', maybe(Math.floor(30 * u())));
      set('MedianGapDays', maybe(1 + Math.floor(10 * u())));
    }
    // As the features set it: the level is read off event weight when there is no engagement.
    c.levelFromEvents[i] = Number.isNaN(c.enNow[i]!) && !Number.isNaN(c.evNow[i]!) ? 1 : 0;
    c.regions[i] = maybe(1 + Math.floor(4 * u()));
    c.newRegions[i] = maybe(Math.floor(3 * u()));
    c.pressQuality[i] = maybe(0.3 + 0.7 * u());
    c.newTastemakers[i] = maybe(u() < 0.6 ? 0 : -Math.log(1 - u()));
    // Counts, and now and then what a count memo must not take: 0, -0, a fraction, a large one.
    const odd = [0, -0, 12.5, 1e6, 40_000, 1023, 1024];
    const count = (x: number): number => (u() < 0.05 ? odd[Math.floor(u() * odd.length)]! : x);
    c.newCollaborators[i] = maybe(count(Math.floor(-Math.log(1 - u()) * 0.7)));
    c.careerAgeDays[i] = maybe(count(30 + Math.floor(u() * 3600)));
    c.sceneHeat[i] = maybe(100 * u());
    c.sceneConfidence[i] = maybe(0.3 + 0.7 * u());
    c.coherence[i] = maybe(0.6 + 0.4 * u());
    c.drift[i] = maybe(0.5 * u());
    c.paidShare[i] = maybe(u() < 0.7 ? 0 : 0.8 * u());
    c.anomaly[i] = maybe(u() < 0.9 ? 0 : u());
    c.staleDays[i] = maybe(u() < 0.9 ? 0 : Math.floor(60 * u()));
    c.evidence[i] = u();
    if (s.host) {
      table.host.get('followers')![i] = maybe(round(Math.exp(8 + 2 * normal())));
      table.host.get('sync-deals')![i] = maybe(Math.floor(5 * u()));
    }
  }
  return table;
}

/** Models: the default, every input weighed, a few inputs weighed, and host features. */
function models(seed: number): TalentModelConfig[] {
  const u = mulberry32(seed);
  const term = (k: number) => ({ weight: ((k % 5) - 2) * 0.37 + 0.11, center: (k % 3) * 0.25 });
  return [
    TalentModelConfigSchema.parse({}),
    TalentModelConfigSchema.parse({
      breakout: {
        intercept: -2,
        inputs: Object.fromEntries(BREAKOUT_INPUTS.map((f, k) => [f, term(k)])),
        hostInputs: { followers: { weight: 0.4, center: 1 }, 'sync-deals': { weight: -0.2, center: 1 } },
      },
    }),
    TalentModelConfigSchema.parse({
      minBandPeers: 1 + Math.floor(u() * 200),
      breakout: {
        intercept: u() * 4 - 2,
        inputs: Object.fromEntries(
          BREAKOUT_INPUTS.map((f) => [f, u() < 0.5 ? { weight: 0, center: 0 } : { weight: u() * 2 - 1, center: u() }]),
        ),
        hostInputs: u() < 0.5 ? {} : { followers: { weight: u(), center: u() } },
      },
    }),
  ];
}

const shape = fc.record({
  engagement: fc.constantFrom(0, 0.3, 0.9, 1),
  events: fc.constantFrom(0, 0.1, 0.5, 1),
  missing: fc.constantFrom(0, 0.1, 0.5),
  ties: fc.constantFrom(0, 0, 4, 100),
  zeros: fc.constantFrom(0, 0, 0.05, 0.6),
  infinities: fc.constantFrom(0, 0, 0, 0.01),
  host: fc.boolean(),
});

describe('the block-wise population path gives the doubles of the row-by-row one', () => {
  it('random tables and models: the same peer statistics and the same scores, bit for bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2500 }), fc.integer(), shape, (n, seed, s) => {
        const table = randomTable(n, seed, s);
        for (const model of models(seed)) {
          const peers = fitPeerStats(table, model);
          expect(difference(peers, referenceFitPeerStats(table, model))).toBeNull();
          expectSameScores(table, peers, model);
          expectSameScores(table, priorPeerStats(model), model);
        }
      }),
      { numRuns: 100, seed: 20261204 },
    );
  }, 60_000);

  it('peers fitted on another table (one artist scored against the last refresh)', () => {
    const population = randomTable(2000, 7, {
      engagement: 0.9,
      events: 0.3,
      missing: 0.1,
      ties: 0,
      zeros: 0.05,
      infinities: 0,
      host: true,
    });
    for (const model of models(7)) {
      const peers = fitPeerStats(population, model);
      for (let seed = 0; seed < 20; seed++) {
        const one = randomTable(1 + (seed % 3), 100 + seed, {
          engagement: 0.7,
          events: 0.7,
          missing: 0.2,
          ties: 0,
          zeros: 0,
          infinities: 0,
          host: true,
        });
        expectSameScores(one, peers, model);
      }
    }
  });

  it('large bands (the sampled selection): ties, -0 and 0 at the median, infinities, adversarial orders', () => {
    const model = TalentModelConfigSchema.parse({});
    const cases: Array<[string, (i: number, u: () => number) => number]> = [
      ['continuous', (_, u) => u() - 0.5],
      ['ties', (_, u) => Math.floor(u() * 7) - 3],
      ['zeros at the median', (_, u) => (u() < 0.6 ? (u() < 0.5 ? -0 : 0) : u() - 0.5)],
      ['only -0 at the median', (_, u) => (u() < 0.6 ? -0 : u() - 0.5)],
      ['constant', () => 3],
      ['infinities', (_, u) => (u() < 0.3 ? Infinity : u() < 0.1 ? -Infinity : u())],
      ['infinite median', (_, u) => (u() < 0.6 ? Infinity : u())],
      ['ascending', (i) => i],
      ['descending', (i) => -i],
      // Large values exactly where the sample is taken: the bracket misses, quickselect answers.
      ['sample positions large', (i, u) => (i % 1024 === 0 || i % 1024 === 512 ? 1e9 + i : u())],
    ];
    for (const [name, make] of cases) {
      for (const n of [20_000, 20_001]) {
        const u = mulberry32(n);
        const table = createFeatureTable(n);
        for (let i = 0; i < n; i++) {
          table.columns.level[i] = 500; // one band
          table.columns.engagementGrowth[i] = make(i, u);
          table.columns.engagementAcceleration[i] = u() < 0.5 ? Number.NaN : make(n - i, u);
          table.columns.eventGrowth[i] = make(i, u) * 1e-3;
          table.columns.pressVelocity[i] = Math.abs(make(i, u));
        }
        expect(
          difference(fitPeerStats(table, model), referenceFitPeerStats(table, model)),
          `${name}, n=${n}`,
        ).toBeNull();
      }
    }
  });

  it('the bucket index of a distribution is the one the search per bucket built', () => {
    const F64 = new Float64Array(1);
    const HI = new Uint32Array(F64.buffer, new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 4 : 0, 1);
    const key = (v: number): number => {
      F64[0] = v < 0 ? -v : v + 0;
      return v < 0 ? -HI[0]! - 1 : HI[0]!;
    };
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 300 }), (xs) => {
        const sorted = Float64Array.from(xs);
        sorted.sort();
        const d = fromSorted(sorted, sorted.length);
        expect(Array.from(d.start)).toEqual(Array.from(referenceBucketStart(d, key)));
      }),
      { numRuns: 300, seed: 20261204 },
    );
  });
});

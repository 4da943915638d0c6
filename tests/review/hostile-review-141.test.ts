/**
 * Hostile review 141: the public backtest harness (`scene-radar/backtest`: runBacktest,
 * talentScorer, backtestSummary, the JSON and Markdown writers, parseBacktestJson) and host
 * features (`HostFeature`, registered on a radar, fitted by calibrate()), against issue 11's
 * contracts as docs/backtesting.md and docs/scoring.md ("Host features", "calibrate()") state them.
 *
 * Contracts checked:
 * - as-of: a read past T (a later Date, an asOf given as a string, a Date mutated after the call,
 *   a read fired and not awaited, a refusal the reader swallowed) voids the run with
 *   `BACKTEST_LOOKAHEAD`; labels read up to T + horizon and no further;
 * - refusals before anything runs: NaN, unsorted, repeated and overlapping cutoffs
 *   (`BACKTEST_INVALID_OPTIONS`), duplicate candidates and non-boolean labels
 *   (`BACKTEST_INVALID_INPUT`), throwing callbacks (`BACKTEST_CALLBACK_FAILED`), a callback that
 *   never settles released by the run's signal;
 * - metrics against hand computations: AUC, precision@k and average precision on ties, all-positive
 *   / all-negative / empty / single-candidate cutoffs, pooled AP, calibration bins, Brier and ECE,
 *   the weighted pooled AP of the bootstrap against the plain one on copies;
 * - a scorer that throws, returns NaN or a non-Map fails alone or leaves candidates unscored;
 *   the result's JSON round trip, backtestSummary's shape, parseBacktestJson's refusals;
 * - host features that throw, answer NaN / Infinity / a string / a missing key / extra keys / a
 *   non-object, or never settle: the feature's error or timeout for the artist, reported, the
 *   artist still scored with a finite breakout score, in scoreArtists and through talentScorer;
 * - calibrate() changes nothing on the radar (model, version, applied model, stored rows) nor on the
 *   outcomes it is given.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: the harness
 * closes each view once its call has settled, src/backtest/guard.ts and run-backtest.ts): a view
 * of the sources handed to one callback stayed live after that callback settled, with that
 * callback's limit, so a view captured by `labels` (limit T + horizon) or by `fit` (limit: the
 * first test cutoff) let a later `score` read past its own cutoff without a refusal, and the run
 * reported figures computed from the future.
 */
import { describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import {
  createSceneRadar,
  fixedClock,
  type HostFeature,
  type RcfEvent,
  type SceneRadarSources,
} from '../../src/index.js';
import {
  auc,
  averagePrecision,
  backtestJson,
  backtestMarkdown,
  backtestSummary,
  bootstrapIntervals,
  calibration,
  isBacktestError,
  parseBacktestJson,
  precisionAtK,
  runBacktest,
  splitFigures,
  talentScorer,
  weightedAveragePrecision,
  type BacktestOptions,
  type BacktestScorer,
  type RankedCutoff,
} from '../../src/backtest/index.js';
import { compareAsc } from '../../src/backtest/metrics.js';

const DAY = 86_400_000;
const at = (day: string): Date => new Date(`${day}T00:00:00.000Z`);

// ---------------------------------------------------------------------------------------------
// A tiny hand-made world: one RCF adapter whose getEvents records every asOf it is asked, and
// answers the events at or before it.
// ---------------------------------------------------------------------------------------------

const ARTISTS = ['a', 'b', 'c', 'd', 'e', 'f'] as const;

function tinySources(): { sources: SceneRadarSources; asked: string[] } {
  const asked: string[] = [];
  const events: RcfEvent[] = [];
  // One event per artist every 10 days through 2020; weight by artist index.
  for (let d = 0; d < 360; d += 10)
    for (const [i, slug] of ARTISTS.entries())
      events.push({
        id: `${slug}-${d}`,
        type: 'playlist_add',
        at: new Date(Date.parse('2020-01-01T12:00:00.000Z') + d * DAY).toISOString(),
        weight: i + 1,
        region: 'uk',
      });
  const rcf = {
    async getEvents(slugs: readonly string[], options: { asOf: Date; from: Date; signal?: AbortSignal }) {
      // Read after a tick: a caller that mutates its Date after the call must not move this.
      await Promise.resolve();
      const asOf = options.asOf.getTime();
      asked.push(options.asOf.toISOString());
      const out = new Map<string, RcfEvent[]>();
      for (const s of slugs)
        out.set(
          s,
          events.filter(
            (e) => e.id.startsWith(`${s}-`) && Date.parse(e.at) <= asOf && Date.parse(e.at) >= +options.from,
          ),
        );
      return out;
    },
  };
  return { sources: { rcf } as unknown as SceneRadarSources, asked };
}

/** Labels by hand: b, d and f break out at every cutoff. */
const TRUTH: Record<string, boolean> = { a: false, b: true, c: false, d: true, e: false, f: true };

/** A fixed scorer: a score per slug. */
const fixed = (name: string, scores: Record<string, number>): BacktestScorer => ({
  name,
  score: ({ candidates }) => new Map(candidates.flatMap((s) => (s in scores ? [[s, scores[s]!] as const] : []))),
});

const CUTOFFS = [
  { asOf: at('2020-03-01'), split: 'train' as const },
  { asOf: at('2020-05-01'), split: 'train' as const },
  { asOf: at('2020-08-01'), split: 'test' as const },
  { asOf: at('2020-10-01'), split: 'test' as const },
];

function tinyOptions(over: Partial<BacktestOptions> = {}): BacktestOptions {
  const { sources } = tinySources();
  return {
    name: 'review-141',
    sources,
    cutoffs: CUTOFFS,
    horizonDays: 30,
    candidates: () => [...ARTISTS],
    labels: ({ candidates }) => Object.fromEntries(candidates.map((s) => [s, TRUTH[s]!])),
    baselines: [fixed('by-hand', { a: 6, b: 5, c: 4, d: 4, e: 2, f: 1 })],
    resamples: 20,
    ...over,
  };
}

async function codeOf(p: Promise<unknown>): Promise<{ code: string; message: string } | 'resolved'> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    if (isBacktestError(e)) return { code: e.code, message: e.message };
    return { code: `not a BacktestError: ${String(e)}`, message: String(e) };
  }
}

const close = (x: number | null | undefined, y: number): void => {
  expect(x).not.toBeNull();
  expect(x!).toBeCloseTo(y, 12);
};

// ---------------------------------------------------------------------------------------------

describe('metrics against hand computations', () => {
  it('AUC counts a tie across labels one half and is undefined with one outcome, nothing scored or no candidate', () => {
    // Pairs (pos, neg): (3, 2) 1, (3, 1) 1, (2, 2) 0.5, (2, 1) 1 -> 3.5 / 4.
    close(auc([3, 2, 2, 1], [true, true, false, false]), 0.875);
    // Reversed order of listing changes nothing.
    close(auc([1, 2, 2, 3], [false, false, true, true]), 0.875);
    // Everything tied: 0.5.
    close(auc([7, 7, 7], [true, false, false]), 0.5);
    expect(auc([1, 2], [true, true])).toBeNull();
    expect(auc([1, 2], [false, false])).toBeNull();
    expect(auc([], [])).toBeNull();
    expect(auc([5], [true])).toBeNull();
    expect(auc([-Infinity, Number.NaN], [true, false])).toBeNull();
    // NaN is a missing score: tied with -Infinity, below every real score.
    close(auc([Number.NaN, -Infinity, 0], [true, false, false]), 0.25);
  });

  it('precision@k fills a tie at the k-th place pro rata and caps k at the candidates', () => {
    // Top 1 is a hit; places 2 is shared by three tied (one hit): 1/3 -> (1 + 1/3) / 2.
    close(precisionAtK([5, 4, 4, 4, 1], [true, true, false, false, true], 2), 2 / 3);
    // Any order of listing gives the same.
    close(precisionAtK([4, 1, 4, 5, 4], [false, true, true, true, false], 2), 2 / 3);
    close(precisionAtK([1, 2, 3], [true, true, true], 10), 1);
    close(precisionAtK([1, 2, 3], [false, false, false], 10), 0);
    expect(precisionAtK([], [], 10)).toBeNull();
    close(precisionAtK([0.2], [true], 10), 1);
    close(precisionAtK([0.2], [false], 10), 0);
    // k capped: three candidates, one positive at the top -> 1/3.
    close(precisionAtK([3, 2, 1], [true, false, false], 10), 1 / 3);
    expect(() => precisionAtK([1], [true], Number.NaN)).toThrow(/k must be an integer/);
    expect(() => precisionAtK([1], [true], 1.5)).toThrow(/k must be an integer/);
  });

  it('average precision takes each group of tied scores as one threshold (scikit-learn)', () => {
    // {3: T} -> P 1, recall +1/2; {2, 2: F, T} -> P 2/3, recall +1/2: 1/2 + 1/3.
    close(averagePrecision([3, 2, 2, 1], [true, false, true, false]), 1 / 2 + 1 / 3);
    close(averagePrecision([1, 1, 1, 1], [true, false, false, false]), 0.25);
    expect(averagePrecision([1, 2], [false, false])).toBeNull();
    close(averagePrecision([1, 2], [true, true]), 1);
    expect(averagePrecision([], [])).toBeNull();
  });

  it('splitFigures pools the cutoffs for AP and counts the cutoffs it skips', () => {
    const cutoffs: RankedCutoff[] = [
      { scores: [3, 2, 1], labels: [true, false, false] },
      { scores: [0.5, 0.4], labels: [false, false] }, // no positive: AUC skipped, P@k 0
      { scores: [], labels: [] }, // empty: both skipped
      { scores: [-Infinity, -Infinity], labels: [true, false] }, // nothing scored: both skipped
    ];
    const f = splitFigures(cutoffs, 1);
    close(f.meanAuc, 1);
    expect(f.aucSkipped).toBe(3);
    close(f.meanPAtK, 0.5);
    expect(f.pAtKSkipped).toBe(2);
    // Pooled: 3 (T), 2 (F), 1 (F), 0.5 (F), 0.4 (F), -inf x2 (T, F): 2 positives.
    // {3}: P 1, recall 1/2; {-inf, -inf}: P 2/7, recall 1/2.
    close(f.pooledAp, 0.5 + 0.5 * (2 / 7));
  });

  it('calibration: Brier, ECE and the bin edges by hand', () => {
    const c = calibration([0.05, 0.95, 0.95, 0.3, 1], [false, true, false, true, true]);
    // Brier: (0.0025 + 0.0025 + 0.9025 + 0.49 + 0) / 5.
    close(c.brier, (0.0025 + 0.0025 + 0.9025 + 0.49 + 0) / 5);
    // Bins: [0, .1): .05 obs 0; [.3, .4): .3 obs 1; [.9, 1]: .95, .95, 1 obs 2/3.
    expect(c.bins.map((b) => b.count)).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0, 3]);
    const ece = (1 / 5) * 0.05 + (1 / 5) * 0.7 + (3 / 5) * Math.abs(2 / 3 - (0.95 + 0.95 + 1) / 3);
    close(c.ece, ece);
    expect(c.clamped).toBe(0);
    // 0.1 * 3 = 0.30000000000000004 stays in its bin; 0.3 * 3 = 0.8999999999999999 goes below 0.9.
    expect(calibration([0.1 * 3, 0.3 * 3], [false, false]).bins.map((b) => b.count)).toEqual([
      0, 0, 0, 1, 0, 0, 0, 0, 1, 0,
    ]);
    const empty = calibration([], []);
    expect([empty.brier, empty.ece, empty.count]).toEqual([null, null, 0]);
  });

  it('the bootstrap: a single cutoff has a point interval, and the weighted pooled AP equals AP on copies', () => {
    const one = bootstrapIntervals([{ scores: [3, 2, 1], labels: [true, false, true] }], { resamples: 30, seed: 3 });
    expect(one.meanAuc).toEqual([0.5, 0.5]);
    expect(one.pooledAp).toEqual([
      averagePrecision([3, 2, 1], [true, false, true]),
      averagePrecision([3, 2, 1], [true, false, true]),
    ]);
    // Property by hand on small pools: weights w_j x copies of cutoff j.
    const cutoffs: RankedCutoff[] = [
      { scores: [3, 2, 2, -Infinity], labels: [true, false, true, true] },
      { scores: [2, 1, Number.NaN], labels: [false, true, false] },
      { scores: [5, 2], labels: [false, false] },
    ];
    const scores = cutoffs.flatMap((c) => c.scores);
    const labels = cutoffs.flatMap((c) => c.labels);
    const cutoffOf = cutoffs.flatMap((c, j) => c.scores.map(() => j));
    const order = scores.map((_, i) => i).sort((x, y) => compareAsc(scores[y]!, scores[x]!));
    for (const weights of [
      [1, 1, 1],
      [2, 0, 1],
      [0, 3, 0],
      [0, 0, 3],
      [1, 2, 0],
    ]) {
      const copies = cutoffs.flatMap((c, j) => Array.from({ length: weights[j]! }, () => c));
      const plain = averagePrecision(
        copies.flatMap((c) => c.scores),
        copies.flatMap((c) => c.labels),
      );
      const weighted = weightedAveragePrecision(order, scores, labels, cutoffOf, weights);
      if (plain === null) expect(weighted).toBeNull();
      else close(weighted, plain);
    }
  });
});

describe('runBacktest: figures and results', () => {
  it('per-cutoff figures, the summary and the JSON round trip match a hand computation', async () => {
    const result = await runBacktest(tinyOptions({ k: 2, target: { split: 'test', minMeanAuc: 0.5 } }));
    // by-hand: a 6, b 5, c 4, d 4, e 2, f 1; positives b, d, f.
    // Pairs (pos > neg): b>{c,e} 2, b<a; d={c}: .5, d>e, d<a; f below all: 0 -> 3.5 / 9.
    const b = result.baselines[0]!;
    for (const c of b.perCutoff) {
      close(c.auc, 3.5 / 9);
      // Top 2: a (F), b (T) -> 1/2.
      close(c.pAtK, 0.5);
      expect(c.unscored).toBe(0);
    }
    const test = b.splits!.test;
    close(test.meanAuc, 3.5 / 9);
    expect(test.intervals.meanAuc).toEqual([3.5 / 9, 3.5 / 9]);
    expect([test.cutoffs, test.candidates, test.positives]).toEqual([2, 12, 6]);
    close(test.baseRate, 0.5);
    // Pooled over two identical cutoffs: {6}x2 F: P 0; {5}x2 T: 2/4, recall 1/3; {4}x4 (c F, d T) x2:
    // tp 4 fp 4 -> 1/2, recall +1/3; {2}x2 F; {1}x2 T: tp 6 of 12 -> 1/2, recall +1/3.
    close(test.pooledAp, (1 / 3) * (2 / 4) + (1 / 3) * (4 / 8) + (1 / 3) * (6 / 12));
    const summary = backtestSummary(result);
    expect(summary.windows.test.breakout).toBeNull();
    expect(Object.keys(summary.windows.test.baselines['by-hand']!).sort()).toEqual(['auc', 'p_at_2', 'pooled_ap']);
    expect(summary.windows.train.baselines['by-hand']!.auc).toBeCloseTo(3.5 / 9, 12);
    // No scorer under test: no verdict.
    expect(result.verdict).toBeNull();
    const again = parseBacktestJson(backtestJson(result));
    expect(again).toEqual(result);
    expect(backtestMarkdown(again)).toContain('| by-hand | 0.389 |');
  });

  it('a scorer that throws or answers no Map fails alone; NaN and missing scores rank last, counted by reason', async () => {
    const throwing: BacktestScorer = {
      name: 'throws',
      score: () => {
        throw new Error('boom');
      },
    };
    const notAMap: BacktestScorer = { name: 'array', score: () => [1, 2, 3] as unknown as Map<string, number> };
    const holes: BacktestScorer = {
      name: 'holes',
      score: ({ candidates }) =>
        new Map(
          candidates.map((s) => [
            s,
            s === 'a' ? Number.NaN : s === 'b' ? Infinity : s === 'c' ? ('1' as unknown as number) : 1,
          ]),
        ),
    };
    const result = await runBacktest(tinyOptions({ baselines: [throwing, notAMap, holes] }));
    expect(result.baselines[0]!.error).toContain('boom');
    expect(result.baselines[0]!.splits).toBeNull();
    expect(result.baselines[1]!.error).toMatch(/must return a Map/);
    const h = result.baselines[2]!;
    expect(h.error).toBeNull();
    expect(h.unscored.total).toBe(3 * CUTOFFS.length);
    expect(h.unscored.reasons).toEqual({
      'not a finite number (NaN)': 4,
      'not a finite number (Infinity)': 4,
      'not a finite number (string)': 4,
    });
    // d, e, f tied at 1 above a, b, c: positives b, d, f -> d, f beat a, c (4); d, f tie e (1);
    // b ties a, c (1), b below e (0) -> 6 / 9.
    close(h.perCutoff[0]!.auc, 6 / 9);
    // The summary and the report still write and read back.
    expect(parseBacktestJson(backtestJson(result))).toEqual(result);
    expect(backtestMarkdown(result)).toContain('| throws | failed: Error: boom |');
  });

  it('cutoffs with no candidate, one candidate, all positive and all negative give undefined figures, never NaN', async () => {
    const perCutoff: Record<string, string[]> = {
      '2020-03-01T00:00:00.000Z': [],
      '2020-05-01T00:00:00.000Z': ['b'],
      '2020-08-01T00:00:00.000Z': ['b', 'd', 'f'],
      '2020-10-01T00:00:00.000Z': ['a', 'c', 'e'],
    };
    const result = await runBacktest(tinyOptions({ candidates: ({ asOf }) => perCutoff[asOf.toISOString()]! }));
    const b = result.baselines[0]!;
    expect(b.perCutoff.map((c) => [c.auc, c.pAtK])).toEqual([
      [null, null],
      [null, 1],
      [null, 1],
      [null, 0],
    ]);
    expect(b.splits!.test.meanAuc).toBeNull();
    expect(b.splits!.test.aucSkipped).toBe(2);
    close(b.splits!.test.meanPAtK, 0.5);
    expect(b.splits!.train.pAtKSkipped).toBe(1);
    expect(JSON.stringify(result)).not.toMatch(/NaN/);
    expect(parseBacktestJson(backtestJson(result))).toEqual(result);
  });

  it('a result whose unscored reason is "__proto__" survives the JSON round trip', async () => {
    const odd: BacktestScorer = {
      name: 'odd',
      score: ({ candidates }) => ({ scores: new Map(), unscored: new Map(candidates.map((s) => [s, '__proto__'])) }),
    };
    const result = await runBacktest(tinyOptions({ baselines: [odd] }));
    expect(Object.entries(result.baselines[0]!.unscored.reasons)).toEqual([['__proto__', 24]]);
    const again = parseBacktestJson(backtestJson(result));
    expect(Object.entries(again.baselines[0]!.unscored.reasons)).toEqual([['__proto__', 24]]);
  });

  it('parseBacktestJson refuses text that is not a result with BACKTEST_INVALID_INPUT', async () => {
    const text = backtestJson(await runBacktest(tinyOptions()));
    const bad = [
      'not json',
      'null',
      '[]',
      text.replace('"scene-radar-backtest/1"', '"scene-radar-backtest/2"'),
      text.replace('"k": 10', '"k": 0'),
      text.replace(/"meanAuc": [0-9.e-]+/, '"meanAuc": "0.5"'),
    ];
    for (const t of bad) {
      let code: string | undefined;
      try {
        parseBacktestJson(t);
      } catch (e) {
        code = isBacktestError(e) ? e.code : `other: ${String(e)}`;
      }
      expect(code, t.slice(0, 40)).toBe('BACKTEST_INVALID_INPUT');
    }
  });

  it('20,000 candidates a cutoff are measured in one run without trouble', async () => {
    const many = Array.from({ length: 20_000 }, (_, i) => `x${i}`);
    const result = await runBacktest(
      tinyOptions({
        candidates: () => many,
        labels: ({ candidates }) => new Map(candidates.map((s, i) => [s, i % 7 === 0])),
        baselines: [{ name: 'index', score: ({ candidates }) => new Map(candidates.map((s, i) => [s, -(i % 7)])) }],
        resamples: 5,
      }),
    );
    // Every positive (i % 7 === 0, score 0) above every negative.
    close(result.baselines[0]!.splits!.all.meanAuc, 1);
  });
});

describe('runBacktest: refusals with their codes', () => {
  it('NaN, string, unsorted, repeated and overlapping cutoffs are BACKTEST_INVALID_OPTIONS, named', async () => {
    const cases: [unknown, RegExp][] = [
      [[{ asOf: new Date(Number.NaN), split: 'train' }], /cutoffs\[0\]\.asOf must be a valid Date/],
      [[{ asOf: '2020-01-01', split: 'train' }], /cutoffs\[0\]\.asOf must be a valid Date, got a string/],
      [
        [
          { asOf: at('2020-05-01'), split: 'train' },
          { asOf: at('2020-03-01'), split: 'train' },
        ],
        /must be sorted/,
      ],
      [
        [
          { asOf: at('2020-05-01'), split: 'train' },
          { asOf: at('2020-05-01'), split: 'test' },
        ],
        /repeats/,
      ],
      [
        [
          { asOf: at('2020-03-01'), split: 'test' },
          { asOf: at('2020-05-01'), split: 'train' },
        ],
        /train and test windows overlap/,
      ],
      [[{ asOf: new Date(1_600_000_000_000_000), split: 'train' }], /years 1000-9999/],
      // biome-ignore lint/suspicious/noSparseArray: a hole is the point
      [[, { asOf: at('2020-03-01'), split: 'train' }], /cutoffs\[0\] must be/],
    ];
    for (const [cutoffs, message] of cases) {
      const got = await codeOf(runBacktest(tinyOptions({ cutoffs: cutoffs as BacktestOptions['cutoffs'] })));
      expect(got).not.toBe('resolved');
      expect((got as { code: string }).code).toBe('BACKTEST_INVALID_OPTIONS');
      expect((got as { message: string }).message).toMatch(message);
    }
    for (const horizonDays of [Number.NaN, 0, -1, Infinity, 1e9]) {
      const got = await codeOf(runBacktest(tinyOptions({ horizonDays })));
      expect((got as { code: string }).code).toBe('BACKTEST_INVALID_OPTIONS');
    }
  });

  it('duplicate candidates and labels that are not booleans are BACKTEST_INVALID_INPUT before any scorer runs', async () => {
    let scored = 0;
    const counting: BacktestScorer = {
      name: 'counting',
      score: ({ candidates }) => {
        scored++;
        return new Map(candidates.map((s) => [s, 1]));
      },
    };
    const labelCases: unknown[] = [
      { a: 1, b: 0, c: 0, d: 0, e: 0, f: 0 },
      { a: 'true', b: false, c: false, d: false, e: false, f: false },
      { a: false, b: false, c: false, d: false, e: false }, // f missing
      new Map([['a', null]]),
      [true, false],
      null,
    ];
    for (const answer of labelCases) {
      const got = await codeOf(runBacktest(tinyOptions({ labels: () => answer as never, baselines: [counting] })));
      expect((got as { code: string }).code).toBe('BACKTEST_INVALID_INPUT');
      expect((got as { message: string }).message).toMatch(/labels at cutoff 2020-03-01T00:00:00.000Z/);
    }
    const dup = await codeOf(runBacktest(tinyOptions({ candidates: () => ['a', 'b', 'a'], baselines: [counting] })));
    expect(dup).toMatchObject({
      code: 'BACKTEST_INVALID_INPUT',
      message: expect.stringMatching(/"a" is listed twice/),
    });
    expect(scored).toBe(0);
  });

  it('a throwing callback (or a throwing answer) is BACKTEST_CALLBACK_FAILED naming the callback and cutoff', async () => {
    const threw = await codeOf(
      runBacktest(
        tinyOptions({
          labels: () => {
            throw new Error('warehouse down');
          },
        }),
      ),
    );
    expect(threw).toMatchObject({
      code: 'BACKTEST_CALLBACK_FAILED',
      message: expect.stringMatching(/labels at cutoff 2020-03-01T00:00:00.000Z threw: .*warehouse down/),
    });
    const getter = await codeOf(
      runBacktest(
        tinyOptions({
          labels: () =>
            Object.defineProperty({}, 'a', {
              enumerable: true,
              get() {
                throw new Error('getter');
              },
            }),
        }),
      ),
    );
    expect(getter).toMatchObject({ code: 'BACKTEST_CALLBACK_FAILED' });
  });

  it('a callback that never settles is released by the run signal, promptly', async () => {
    const controller = new AbortController();
    const reason = new Error('host gave up');
    setTimeout(() => controller.abort(reason), 30);
    const started = Date.now();
    await expect(
      runBacktest(tinyOptions({ candidates: () => new Promise<string[]>(() => {}), signal: controller.signal })),
    ).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('runBacktest: the as-of guard', () => {
  const reader = (read: BacktestScorer['score']): BacktestScorer => ({ name: 'reader', score: read });

  it('a score that reads 1 ms past T and swallows the refusal voids the run, naming the call', async () => {
    const sneaky = reader(async ({ asOf, sources, candidates, signal }) => {
      try {
        await sources.rcf!.getEvents(candidates, { asOf: new Date(asOf.getTime() + 1), from: new Date(0), signal });
      } catch {
        // swallowed
      }
      return new Map(candidates.map((s) => [s, 1]));
    });
    const got = await codeOf(runBacktest(tinyOptions({ baselines: [sneaky] })));
    expect(got).toMatchObject({
      code: 'BACKTEST_LOOKAHEAD',
      message: expect.stringMatching(
        /scorer "reader" score at cutoff 2020-03-01T00:00:00.000Z read rcf.getEvents as of 2020-03-01T00:00:00.001Z, past its limit 2020-03-01T00:00:00.000Z/,
      ),
    });
  });

  it('an asOf given as a string, a number or a Date proxy is refused and voids the run', async () => {
    for (const bad of [
      (d: Date) => d.toISOString(),
      (d: Date) => d.getTime(),
      (d: Date) => new Proxy(d, {}),
      () => undefined,
    ]) {
      const sneaky = reader(async ({ asOf, sources, candidates, signal }) => {
        await sources
          .rcf!.getEvents(candidates, { asOf: bad(asOf) as Date, from: new Date(0), signal })
          .catch(() => null);
        return new Map(candidates.map((s) => [s, 1]));
      });
      const got = await codeOf(runBacktest(tinyOptions({ baselines: [sneaky] })));
      expect((got as { code: string }).code).toBe('BACKTEST_LOOKAHEAD');
    }
  });

  it('a Date mutated after the call does not move the instant the adapter reads, and a Date subclass cannot lie', async () => {
    const { sources, asked } = tinySources();
    class Liar extends Date {
      override getTime(): number {
        return Date.parse('2020-01-01T00:00:00.000Z');
      }
    }
    const mutating = reader(async ({ asOf, sources: s, candidates, signal }) => {
      const d = new Date(asOf.getTime());
      const p = s.rcf!.getEvents(candidates, { asOf: d, from: new Date(0), signal });
      d.setTime(Date.parse('2030-01-01T00:00:00.000Z'));
      await p;
      return new Map(candidates.map((c) => [c, 1]));
    });
    const result = await runBacktest(tinyOptions({ sources, baselines: [mutating] }));
    expect(result.baselines[0]!.error).toBeNull();
    expect(asked).toContain('2020-03-01T00:00:00.000Z');
    expect(asked.every((a) => a < '2021-01-01')).toBe(true);
    const liar = reader(async ({ sources: s, candidates, signal }) => {
      await s
        .rcf!.getEvents(candidates, { asOf: new Liar('2030-01-01T00:00:00.000Z'), from: new Date(0), signal })
        .catch(() => 0);
      return new Map(candidates.map((c) => [c, 1]));
    });
    expect(await codeOf(runBacktest(tinyOptions({ baselines: [liar] })))).toMatchObject({ code: 'BACKTEST_LOOKAHEAD' });
  });

  it('a read fired and never awaited still voids the run', async () => {
    const fireAndForget = reader(({ asOf, sources, candidates, signal }) => {
      void sources
        .rcf!.getEvents(candidates, { asOf: new Date(asOf.getTime() + DAY), from: new Date(0), signal })
        .catch(() => 0);
      return new Map(candidates.map((s) => [s, 1]));
    });
    expect(await codeOf(runBacktest(tinyOptions({ baselines: [fireAndForget] })))).toMatchObject({
      code: 'BACKTEST_LOOKAHEAD',
    });
  });

  it('labels may read up to T + horizon and no further; candidates and population no further than T', async () => {
    const ok = await runBacktest(
      tinyOptions({
        labels: async ({ until, candidates, sources, signal }) => {
          await sources.rcf!.getEvents(candidates, { asOf: until, from: new Date(0), signal });
          return Object.fromEntries(candidates.map((s) => [s, TRUTH[s]!]));
        },
      }),
    );
    expect(ok.cutoffs).toHaveLength(4);
    const peek = await codeOf(
      runBacktest(
        tinyOptions({
          labels: async ({ until, candidates, sources, signal }) => {
            await sources
              .rcf!.getEvents(candidates, { asOf: new Date(until.getTime() + 1), from: new Date(0), signal })
              .catch(() => 0);
            return Object.fromEntries(candidates.map((s) => [s, TRUTH[s]!]));
          },
        }),
      ),
    );
    expect(peek).toMatchObject({
      code: 'BACKTEST_LOOKAHEAD',
      message: expect.stringMatching(/^lookahead: labels at cutoff/),
    });
    const population = await codeOf(
      runBacktest(
        tinyOptions({
          population: async ({ asOf, candidates, sources, signal }) => {
            await sources
              .rcf!.getEvents(candidates, { asOf: new Date(asOf.getTime() + 1), from: new Date(0), signal })
              .catch(() => 0);
            return [...candidates];
          },
        }),
      ),
    );
    expect(population).toMatchObject({ code: 'BACKTEST_LOOKAHEAD' });
  });

  it('fit may read up to the first test cutoff and no further; purged cutoffs are listed', async () => {
    const fitting = (offset: number): BacktestScorer => ({
      name: 'fitting',
      async fit({ limit, sources, signal, cutoffs, purged }) {
        expect(cutoffs.map((c) => c.asOf.toISOString())).toEqual([
          '2020-03-01T00:00:00.000Z',
          '2020-05-01T00:00:00.000Z',
        ]);
        expect(purged).toEqual([]);
        await sources
          .rcf!.getEvents(['a'], { asOf: new Date(limit.getTime() + offset), from: new Date(0), signal })
          .catch(() => 0);
      },
      score: ({ candidates }) => new Map(candidates.map((s) => [s, 1])),
    });
    const fine = await runBacktest(tinyOptions({ scorer: fitting(0) }));
    expect(fine.fit.limit).toBe('2020-08-01T00:00:00.000Z');
    expect(await codeOf(runBacktest(tinyOptions({ scorer: fitting(1) })))).toMatchObject({
      code: 'BACKTEST_LOOKAHEAD',
    });
    // A horizon reaching past the first test cutoff purges the training cutoff 2020-05-01.
    const purged = await runBacktest(tinyOptions({ horizonDays: 100 }));
    expect(purged.fit.purged).toEqual(['2020-05-01T00:00:00.000Z']);
  });

  it('FAULT: a view captured by labels (limit T + horizon) lets a later score read past its own cutoff unrefused', async () => {
    // A host module keeps "the sources" it was last handed (a common convenience), and its
    // baseline reads through them. The labels' view answers up to T + horizon, so the score at
    // cutoff T reads what happened after T: the figures come from the future, and the run
    // resolves as if nothing had happened.
    let kept: SceneRadarSources | null = null;
    const future: BacktestScorer = {
      name: 'future',
      async score({ asOf, candidates, signal }) {
        const after = await kept!.rcf!.getEvents(candidates, {
          asOf: new Date(asOf.getTime() + 20 * DAY),
          from: new Date(asOf.getTime() + 1),
          signal,
        });
        return new Map(candidates.map((s) => [s, (after.get(s) ?? []).length]));
      },
    };
    const got = await codeOf(
      runBacktest(
        tinyOptions({
          labels: ({ candidates, sources }) => {
            kept = sources;
            return Object.fromEntries(candidates.map((s) => [s, TRUTH[s]!]));
          },
          baselines: [future],
        }),
      ),
    );
    expect(got).toMatchObject({ code: 'BACKTEST_LOOKAHEAD' });
  });

  it('FAULT: a view captured by fit (limit: the first test cutoff) lets score at a training cutoff read past that cutoff unrefused', async () => {
    // An OO scorer that keeps `this.sources` from fit (the usual pattern) and reads through it in
    // score: at the training cutoffs 2020-03-01 and 2020-05-01 it reads as of 2020-07-31.
    let fromFit: SceneRadarSources | null = null;
    const reads: string[] = [];
    const scorer: BacktestScorer = {
      name: 'keeps-fit-sources',
      fit({ sources }) {
        fromFit = sources;
      },
      async score({ asOf, split, candidates, signal }) {
        if (split === 'train') {
          // The day before the first test cutoff: inside fit's limit, months past this T.
          const late = at('2020-07-31');
          await fromFit!.rcf!.getEvents(candidates, { asOf: late, from: asOf, signal });
          reads.push(`${asOf.toISOString()} read as of ${late.toISOString()}`);
        }
        return new Map(candidates.map((s) => [s, 1]));
      },
    };
    const got = await codeOf(runBacktest(tinyOptions({ scorer })));
    expect(got).toMatchObject({ code: 'BACKTEST_LOOKAHEAD' });
    expect(reads).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Host features: the demo world, 16 artists.
// ---------------------------------------------------------------------------------------------

const AS_OF = new Date('2025-10-01T00:00:00.000Z');
const demo = (): ReturnType<typeof createDemoWorld> =>
  createDemoWorld({ seed: 11, artists: 16, end: '2025-12-31', days: 365 });
const slugsOf = (w: ReturnType<typeof createDemoWorld>): string[] => [...w.truth.artists()].map((a) => a.slug);
const WEIGHTED = (names: string[]) => ({
  talent: {
    signalTimeoutMs: 300,
    model: { breakout: { hostInputs: Object.fromEntries(names.map((n) => [n, { weight: 3, center: 0.5 }])) } },
  },
});

describe('host features: hostile answers are the feature error for the artist', () => {
  it('throws, NaN, Infinity, a string, a missing key, extra keys, a non-object and a hang: reported, every artist scored, finite', async () => {
    const w = demo();
    const slugs = slugsOf(w);
    const [first, second] = slugs;
    const f = (name: string, read: HostFeature['read']): HostFeature => ({ name, source: 'hostile', read });
    const features = [
      f('throws', () => {
        throw new Error('warehouse down');
      }),
      f('rejects', () => Promise.reject(new Error('later down'))),
      f('nan', (asked) => new Map(asked.map((s) => [s, s === first ? Number.NaN : 1]))),
      f('inf', (asked) => Object.fromEntries(asked.map((s) => [s, s === first ? -Infinity : 2]))),
      f('text', (asked) => new Map(asked.map((s) => [s, (s === first ? '7' : 3) as number]))),
      f('missing', (asked) => new Map(asked.filter((s) => s !== second).map((s) => [s, 4]))),
      f('extra', (asked) => new Map([...asked.map((s) => [s, 5] as const), ['nobody', 1], ['__proto__', 2]])),
      f('array', () => [1, 2, 3] as unknown as Map<string, number>),
      f('hangs', () => new Promise<Map<string, number>>(() => {})),
      f('huge', (asked) => new Map(asked.map((s, i) => [s, i === 0 ? 1e300 : -1e300]))),
    ];
    const radar = createSceneRadar({
      sources: w.sources,
      clock: fixedClock(AS_OF),
      hostFeatures: features,
      config: WEIGHTED(features.map((x) => x.name)),
    });
    try {
      const scored = await radar.talent.scoreArtists(slugs, { asOf: new Date(AS_OF) });
      for (const a of scored.artists) {
        if (a.status !== 'ok') continue;
        expect(Number.isFinite(a.breakout), a.artistSlug).toBe(true);
        expect(a.breakout!).toBeGreaterThanOrEqual(0);
        expect(a.breakout!).toBeLessThanOrEqual(1);
      }
      expect(scored.artists.filter((a) => a.status === 'ok').length).toBeGreaterThan(0);
      const host = (slug: string) => scored.signals.get(slug)!.host;
      const one = host(first!);
      expect(one.throws).toMatchObject({ status: 'error', reason: expect.stringContaining('warehouse down') });
      expect(one.rejects).toMatchObject({ status: 'error' });
      expect(one.nan).toMatchObject({ status: 'error', reason: expect.stringContaining('NaN') });
      expect(one.inf).toMatchObject({ status: 'error', reason: expect.stringContaining('Infinity') });
      expect(one.text).toMatchObject({ status: 'error', reason: expect.stringContaining('string') });
      expect(one.array).toMatchObject({ status: 'error', reason: expect.stringContaining('an array') });
      expect(one.hangs).toMatchObject({ status: 'timeout' });
      expect(one.extra).toMatchObject({ status: 'ok', value: 5 });
      expect(host(second!).missing).toMatchObject({ status: 'missing' });
      expect(host(second!).nan).toMatchObject({ status: 'ok', value: 1 });
      const problems = scored.artists.find((a) => a.artistSlug === first)!.problems.join('\n');
      expect(problems).toContain('host feature throws');
      expect(problems).toContain('host feature hangs');
      // Extra keys add no artist.
      expect(scored.artists.map((a) => a.artistSlug)).toEqual(slugs);
    } finally {
      await radar.close();
    }
  });

  it('through talentScorer in a backtest: hostile features leave every figure finite and the run whole', async () => {
    const w = demo();
    const slugs = slugsOf(w);
    const hostile: HostFeature[] = [
      { name: 'nan', source: 'x', read: (asked) => new Map(asked.map((s) => [s, Number.NaN])) },
      {
        name: 'throws',
        source: 'x',
        read: () => {
          throw new TypeError('nope');
        },
      },
      { name: 'ok', source: 'x', read: (asked, { asOf }) => new Map(asked.map((s, i) => [s, i + asOf.getUTCMonth()])) },
    ];
    const result = await runBacktest({
      name: 'review-141-talent',
      sources: w.sources,
      cutoffs: [
        { asOf: at('2025-06-01'), split: 'train' },
        { asOf: at('2025-08-01'), split: 'test' },
      ],
      horizonDays: 30,
      candidates: () => slugs,
      labels: ({ candidates }) => new Map(candidates.map((s, i) => [s, i % 3 === 0])),
      scorer: talentScorer({ hostFeatures: hostile, config: WEIGHTED(['nan', 'throws', 'ok']) }),
      resamples: 10,
    });
    const model = result.scorer!;
    expect(model.error).toBeNull();
    // No NaN among the figures (the degraded candidates' reasons name the feature's error in words:
    // "not a finite number (NaN)", since 2026-12-07).
    expect(JSON.stringify(result, (k, v) => (k === 'degraded' ? v.total : v))).not.toMatch(/NaN/);
    expect(Object.keys(model.degraded.reasons).some((r) => r.includes('host feature nan'))).toBe(true);
    for (const c of model.perCutoff) expect(c.auc === null || Number.isFinite(c.auc)).toBe(true);
    expect(model.splits!.all.calibration!.count + model.unscored.total).toBe(2 * slugs.length);
  });
});

describe('calibrate(): no side effect', () => {
  it('leaves the model, its version, the applied model, stored rows and the outcomes as they were', async () => {
    const w = demo();
    const slugs = slugsOf(w);
    const buzz: HostFeature = {
      name: 'buzz',
      source: 'warehouse',
      read: (asked, { asOf }) => {
        // A read that mutates what it is given changes nothing outside.
        asOf.setUTCFullYear(2099);
        return new Map(asked.map((s, i) => [s, (i * 37) % 11]));
      },
    };
    const radar = createSceneRadar({ sources: w.sources, clock: fixedClock(AS_OF), hostFeatures: [buzz] });
    try {
      await radar.talent.refresh(AS_OF);
      const before = {
        model: JSON.stringify(radar.talent.breakoutModel()),
        applied: await radar.talent.appliedBreakoutModel(),
        pulse: JSON.stringify(await radar.talent.aggregator.buildGlobalPulse({ limit: 20, skipCache: true })),
      };
      const instants = ['2025-04-01', '2025-05-01', '2025-06-01', '2025-07-01'].map(at);
      const outcomes = instants.flatMap((asOf, k) =>
        slugs.map((artistSlug, i) => ({ artistSlug, asOf, label: (i + k) % 3 === 0 })),
      );
      const snapshot = JSON.stringify(outcomes);
      const fit = await radar.talent.calibrate(outcomes, { horizonDays: 30, population: () => slugs, folds: 2 });
      expect(Object.keys(fit.model.hostInputs ?? {})).toContain('buzz');
      expect(JSON.stringify(outcomes)).toBe(snapshot);
      expect(JSON.stringify(radar.talent.breakoutModel())).toBe(before.model);
      expect(await radar.talent.appliedBreakoutModel()).toEqual(before.applied);
      expect(JSON.stringify(await radar.talent.aggregator.buildGlobalPulse({ limit: 20, skipCache: true }))).toBe(
        before.pulse,
      );
    } finally {
      await radar.close();
    }
  });
});

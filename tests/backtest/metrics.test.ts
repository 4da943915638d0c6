import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auc,
  averagePrecision,
  bootstrapIntervals,
  calibration,
  isBacktestError,
  mulberry32,
  precisionAtK,
  splitFigures,
  weightedAveragePrecision,
} from 'scene-radar/backtest';

describe('auc', () => {
  it('counts the ordered positive-negative pairs', () => {
    // Pairs (pos, neg): (.9,.8) (.9,.6) (.7,.6) ordered, (.7,.8) not: 3 of 4.
    expect(auc([0.9, 0.8, 0.7, 0.6], [true, false, true, false])).toBe(0.75);
    expect(auc([3, 2, 1], [true, false, false])).toBe(1);
    expect(auc([1, 2, 3], [true, false, false])).toBe(0);
  });

  it('counts a tie as one half', () => {
    // (1 vs 1) = 0.5, (1 vs 0) = 1: 1.5 of 2.
    expect(auc([1, 1, 0], [true, false, false])).toBe(0.75);
    expect(auc([5, 5, 5, 5], [true, true, false, false])).toBe(0.5);
  });

  it('is undefined without a positive or without a negative', () => {
    expect(auc([1, 2], [true, true])).toBeNull();
    expect(auc([1, 2], [false, false])).toBeNull();
    expect(auc([], [])).toBeNull();
  });

  it('ranks missing scores (-Infinity) last', () => {
    expect(auc([-Infinity, 0], [true, false])).toBe(0);
    expect(auc([-Infinity, -Infinity, 1], [true, false, false])).toBe(0.25);
  });

  it('ties NaN with NaN and with -Infinity, whatever the order', () => {
    // Under one scored candidate (2), the two missing ones tie: one pair of the two ordered, one tied.
    expect(auc([2, Number.NaN, Number.NaN], [false, true, false])).toBe(0.25);
    expect(auc([2, Number.NaN, Number.NaN], [false, false, true])).toBe(0.25);
    expect(auc([2, -Infinity, Number.NaN], [false, true, false])).toBe(0.25);
    expect(auc([2, Number.NaN, -Infinity], [false, true, false])).toBe(0.25);
    // Nothing scored at all: nothing measured.
    expect(auc([Number.NaN, Number.NaN], [true, false])).toBeNull();
    expect(auc([-Infinity, Number.NaN], [true, false])).toBeNull();
    // The positive is tied with the two other missing ones, below the scored negative: 1/2 x 2/3.
    expect(auc([1, Number.NaN, Number.NaN, Number.NaN], [false, true, false, false])).toBeCloseTo(1 / 3, 12);
    expect(auc([1, Number.NaN, Number.NaN, Number.NaN], [false, false, false, true])).toBeCloseTo(1 / 3, 12);
  });

  it('does not depend on the order candidates are listed in, NaN and -Infinity included', () => {
    const score = fc.constantFrom(Number.NaN, -Infinity, 0, 1, 2);
    fc.assert(
      fc.property(
        fc
          .array(fc.tuple(score, fc.boolean()), { minLength: 2, maxLength: 8 })
          .chain((pairs) => fc.tuple(fc.constant(pairs), fc.shuffledSubarray(pairs, { minLength: pairs.length }))),
        ([pairs, shuffled]) => {
          const a = auc(
            pairs.map((p) => p[0]),
            pairs.map((p) => p[1]),
          );
          const b = auc(
            shuffled.map((p) => p[0]),
            shuffled.map((p) => p[1]),
          );
          if (a === null) expect(b).toBeNull();
          else expect(b).toBeCloseTo(a, 12);
          // NaN is documented as -Infinity: replacing one by the other changes nothing.
          const c = auc(
            pairs.map((p) => (Number.isNaN(p[0]) ? -Infinity : p[0])),
            pairs.map((p) => p[1]),
          );
          if (a === null) expect(c).toBeNull();
          else expect(c).toBeCloseTo(a, 12);
        },
      ),
    );
  });
});

describe('precisionAtK', () => {
  it('is the share of positives among the k best', () => {
    expect(precisionAtK([5, 4, 3, 2, 1], [false, true, true, false, true], 2)).toBe(0.5);
    expect(precisionAtK([5, 4, 3, 2, 1], [false, true, true, false, true], 3)).toBeCloseTo(2 / 3, 12);
  });

  it('splits a tie at the k-th place pro rata', () => {
    // One sure hit above; three tied for the last place with one positive among them: 1 + 1/3.
    expect(precisionAtK([3, 2, 2, 2, 1], [true, true, false, false, false], 2)).toBeCloseTo(2 / 3, 12);
    expect(precisionAtK([1, 1, 1, 1], [true, false, false, false], 2)).toBe(0.25);
  });

  it('caps k at the number of candidates', () => {
    expect(precisionAtK([1, 0], [true, false], 10)).toBe(0.5);
    // No candidate: nothing ranked, no precision (null, not 0).
    expect(precisionAtK([], [], 10)).toBeNull();
  });
});

describe('averagePrecision', () => {
  it('averages the precision at each positive', () => {
    expect(averagePrecision([3, 2, 1], [true, false, true])).toBeCloseTo((1 + 2 / 3) / 2, 12);
    expect(averagePrecision([3, 2, 1], [true, true, false])).toBe(1);
  });

  it('takes a group of tied scores as one threshold', () => {
    // Threshold 2: precision 1/2, recall 1/2; threshold 1: precision 2/3, recall 1.
    expect(averagePrecision([2, 2, 1], [true, false, true])).toBeCloseTo(0.5 * 0.5 + 0.5 * (2 / 3), 12);
  });

  it('is undefined without a positive', () => {
    expect(averagePrecision([1, 2], [false, false])).toBeNull();
  });

  it('weighted pooling equals pooling the copies', () => {
    const cutoff = fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.boolean()), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(cutoff, { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }),
        (cutoffs, weights) => {
          const scores = cutoffs.flat().map(([s]) => s);
          const labels = cutoffs.flat().map(([, y]) => y);
          const cutoffOf = cutoffs.flatMap((c, j) => c.map(() => j));
          const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
          const copies = cutoffs.flatMap((c, j) => Array.from({ length: weights[j]! }, () => c).flat());
          const expected = averagePrecision(
            copies.map(([s]) => s),
            copies.map(([, y]) => y),
          );
          const got = weightedAveragePrecision(order, scores, labels, cutoffOf, weights);
          if (expected === null) expect(got).toBeNull();
          else expect(got).toBeCloseTo(expected, 10);
        },
      ),
    );
  });
});

describe('splitFigures', () => {
  it('skips undefined AUCs, counts them, and pools AP over cutoffs', () => {
    const f = splitFigures([
      { scores: [3, 2, 1], labels: [true, false, false] },
      { scores: [1, 2], labels: [false, false] },
    ]);
    expect(f.meanAuc).toBe(1);
    expect(f.aucSkipped).toBe(1);
    // Precision@10 with k capped: 1/3 and 0.
    expect(f.meanPAtK).toBeCloseTo(1 / 6, 12);
    // Pooled ranking 3,2,2,1,1: the positive is first.
    expect(f.pooledAp).toBe(1);
  });
});

describe('bootstrapIntervals', () => {
  const cutoffs = [
    { scores: [3, 2, 1, 0], labels: [true, false, true, false] },
    { scores: [1, 2, 3, 4], labels: [true, false, false, true] },
    { scores: [0, 1, 2, 3], labels: [false, false, false, true] },
  ];

  it('is reproducible for a seed and brackets the point estimate', () => {
    const a = bootstrapIntervals(cutoffs, { resamples: 1000, seed: 3 });
    const b = bootstrapIntervals(cutoffs, { resamples: 1000, seed: 3 });
    expect(a).toEqual(b);
    const point = splitFigures(cutoffs);
    expect(a.meanAuc![0]).toBeLessThanOrEqual(point.meanAuc!);
    expect(a.meanAuc![1]).toBeGreaterThanOrEqual(point.meanAuc!);
    expect(a.resamples).toBe(1000);
  });

  it('collapses to the point value with a single cutoff', () => {
    const one = [cutoffs[0]!];
    const i = bootstrapIntervals(one, { resamples: 200 });
    const ap = averagePrecision(one[0]!.scores, one[0]!.labels)!;
    expect(i.pooledAp![0]).toBeCloseTo(ap, 12);
    expect(i.pooledAp![1]).toBeCloseTo(ap, 12);
    expect(i.meanAuc).toEqual([0.75, 0.75]);
  });

  it('does not depend on the order of candidates with NaN scores', () => {
    const a = bootstrapIntervals(
      [{ scores: [Number.NaN, Number.NaN, Number.NaN, 0.5], labels: [true, false, false, true] }],
      {
        resamples: 50,
      },
    );
    const b = bootstrapIntervals(
      [{ scores: [Number.NaN, Number.NaN, Number.NaN, 0.5], labels: [false, false, true, true] }],
      {
        resamples: 50,
      },
    );
    // The missing positive ties the two missing negatives (1/2 each), the scored one beats both: 3/4.
    expect(a.meanAuc).toEqual([0.75, 0.75]);
    expect(b).toEqual(a);
  });

  it('has no interval without cutoffs', () => {
    expect(bootstrapIntervals([], { resamples: 10 }).meanAuc).toBeNull();
  });

  it('draws uniform numbers from a seeded generator', () => {
    const r = mulberry32(1);
    const xs = Array.from({ length: 1000 }, () => r());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mulberry32(1)()).toBe(xs[0]);
  });
});

describe('calibration', () => {
  it('bins predictions and computes Brier and ECE', () => {
    const c = calibration([0.05, 0.15, 0.95, 0.95], [false, true, true, false]);
    expect(c.bins).toHaveLength(10);
    expect(c.bins[0]).toMatchObject({ count: 1, meanPredicted: 0.05, observedRate: 0 });
    expect(c.bins[1]).toMatchObject({ count: 1, meanPredicted: 0.15, observedRate: 1 });
    expect(c.bins[9]!.count).toBe(2);
    expect(c.bins[9]!.meanPredicted).toBeCloseTo(0.95, 12);
    expect(c.bins[9]!.observedRate).toBe(0.5);
    expect(c.bins[5]).toMatchObject({ count: 0, meanPredicted: null, observedRate: null });
    // (.05² + .85² + .05² + .95²) / 4
    expect(c.brier).toBeCloseTo(0.4075, 12);
    // 1/4 x .05 + 1/4 x .85 + 2/4 x .45
    expect(c.ece).toBeCloseTo(0.45, 12);
  });

  it('puts 1 in the last bin and clamps out-of-range values', () => {
    const c = calibration([1, 1.5, -0.2], [true, true, false]);
    expect(c.bins[9]!.count).toBe(2);
    expect(c.bins[0]!.count).toBe(1);
    expect(c.clamped).toBe(2);
    expect(c.brier).toBe(0);
  });

  it.each([0, -1, 2.5, Number.NaN, Infinity, 1001, '10'])('refuses a bin count of %s', (binCount) => {
    let thrown: unknown;
    try {
      calibration([0.2, 0.9], [false, true], binCount as number);
    } catch (e) {
      thrown = e;
    }
    expect(isBacktestError(thrown)).toBe(true);
    expect((thrown as { code: string }).code).toBe('BACKTEST_INVALID_OPTIONS');
    expect((thrown as Error).message).toMatch(/^calibration: binCount must be an integer in 1-1000, got /);
  });

  it('refuses probabilities and labels of different lengths (a missing label is not a negative)', () => {
    expect(() => calibration([0.2, 0.9, 0.5], [false, true])).toThrow(
      /^calibration: probabilities and labels must be arrays of the same length, got lengths 3 and 2$/,
    );
    expect(() => calibration(null as never, [])).toThrow(/got null and an array/);
  });

  it('accepts one bin and a thousand bins', () => {
    const one = calibration([0.2, 0.9], [false, true], 1);
    expect(one.bins).toEqual([{ from: 0, to: 1, count: 2, meanPredicted: 0.55, observedRate: 0.5 }]);
    expect(calibration([0.2, 0.9], [false, true], 1000).bins).toHaveLength(1000);
  });
});

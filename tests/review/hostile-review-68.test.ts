/*
 * Hostile review 68: the correctness of the public backtest harness's numbers
 * (`scene-radar/backtest`: metrics, bootstrap, calibration, verdict, runBacktest, the as-of guard).
 * AUC, precision@k, pooled average precision and the weighted bootstrap AP were checked against
 * brute-force references (pair counting, the expectation over every tie-break order, the
 * precision-recall step sum over distinct thresholds, concatenated copies) and agree; the guard
 * held. What remains below are faults: each test fails on the code as reviewed.
 * Reference values were computed by hand and with Python's fractions module (exact rationals).
 */
import { describe, expect, it } from 'vitest';
import {
  calibration,
  runBacktest,
  type BacktestOptions,
  type BacktestScorer,
  type ReliabilityBin,
} from '../../src/backtest/index.js';

const at = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
const CUTOFF_DAYS = ['2020-01-01', '2020-04-01', '2020-07-01'];
const POSITIVES = ['p1', 'p2'];
const NEGATIVES = ['n1', 'n2', 'n3', 'n4', 'n5'];

/**
 * Scores for 2 positives and 5 negatives whose AUC is exactly `pairs / 10`: negative n_i scores i,
 * and a positive scoring s + 0.5 outranks exactly s negatives (no ties).
 */
function scoresForPairs(pairs: number): Map<string, number> {
  const first = Math.min(pairs, 5);
  const m = new Map<string, number>(NEGATIVES.map((s, i) => [s, i + 1]));
  m.set('p1', first + 0.5);
  m.set('p2', pairs - first + 0.5);
  return m;
}

/** A scorer whose AUC at the i-th cutoff is `pairsPerCutoff[i] / 10`. */
function pairsScorer(name: string, pairsPerCutoff: readonly number[]): BacktestScorer {
  return {
    name,
    score: ({ asOf }) => scoresForPairs(pairsPerCutoff[CUTOFF_DAYS.indexOf(asOf.toISOString().slice(0, 10))]!),
  };
}

function options(over: Partial<BacktestOptions>): BacktestOptions {
  return {
    name: 'hr68',
    sources: {},
    cutoffs: CUTOFF_DAYS.map((d) => ({ asOf: at(d), split: 'test' as const })),
    horizonDays: 30,
    candidates: () => [...POSITIVES, ...NEGATIVES],
    labels: ({ candidates }) => new Map(candidates.map((s) => [s, POSITIVES.includes(s)])),
    resamples: 0,
    ...over,
  };
}

/** The bin whose half-open [from, to) holds p (the last bin includes 1), by its own edges. */
const holding = (bins: readonly ReliabilityBin[], p: number): number =>
  bins.findIndex((b, i) => b.from <= p && (p < b.to || (i === bins.length - 1 && p <= b.to)));

describe('hostile review 68: calibration bins', () => {
  // Fault: calibration.ts:80 bins by Math.floor(p * binCount); 0.3 * 3 = 0.8999999999999999 < 0.9
  // rounds to 9 and is counted in the 0.9-1.0 bin (mean predicted below its lower edge).
  it('a probability just under 0.9 (0.3 * 3) is counted in the 0.8-0.9 bin, not 0.9-1.0 (default ten bins, via runBacktest)', async () => {
    const p = 0.3 * 3; // 0.8999999999999999 in IEEE doubles (Python agrees), below the edge 0.9
    expect(p < 0.9).toBe(true);
    const model: BacktestScorer = {
      name: 'prob',
      probabilistic: true,
      score: ({ candidates }) => new Map(candidates.map((s) => [s, s === 'p1' ? p : 0.05])),
    };
    const result = await runBacktest(options({ scorer: model, cutoffs: [{ asOf: at('2020-01-01'), split: 'test' }] }));
    const bins = result.scorer!.splits!.test.calibration!.bins;
    const right = holding(bins, p);
    expect(right).toBe(8);
    expect(bins[8]!.count).toBe(1);
    expect(bins[9]!.count).toBe(0);
    for (const b of bins)
      if (b.meanPredicted !== null) {
        expect(b.meanPredicted).toBeGreaterThanOrEqual(b.from);
        expect(b.meanPredicted).toBeLessThanOrEqual(b.to);
      }
  });

  // Fault: calibration.ts:80 again; with 100 bins 0.29 * 100 = 28.999999999999996, so a prediction of
  // exactly 0.29 (the lower edge of bin 29, `from` 0.29) lands in bin 28, [0.28, 0.29).
  it('a probability equal to a bin edge (0.29, 0.57, 0.58 with 100 bins) is counted in the bin starting there', () => {
    for (const p of [0.29, 0.57, 0.58]) {
      const bins = calibration([p], [true], 100).bins;
      const b = holding(bins, p);
      expect(bins[b]!.from).toBe(p);
      expect({ p, count: bins[b]!.count }).toEqual({ p, count: 1 });
    }
  });
});

describe('hostile review 68: the verdict', () => {
  // Fault: verdict.ts:198 compares `own >= minMeanAuc` on a float mean (metrics.ts:201 sums in order):
  // AUCs 7/10, 8/10, 9/10 have mean exactly 4/5 (fractions), but 0.7 + 0.8 + 0.9 = 2.4 - 1ulp,
  // so the verdict says "mean AUC 0.800 ... is below 0.8".
  it('a model whose mean AUC is exactly the floor (0.7, 0.8, 0.9 -> 0.8) meets it', async () => {
    const result = await runBacktest(
      options({ scorer: pairsScorer('model', [7, 8, 9]), target: { split: 'test', minMeanAuc: 0.8 } }),
    );
    expect(result.scorer!.perCutoff.map((c) => c.auc)).toEqual([0.7, 0.8, 0.9]);
    expect(result.verdict!.text).not.toMatch(/below 0\.8/);
    expect(result.verdict!.met).toBe(true);
  });

  // Fault: verdict.ts:197 (`p.model <= p.baseline`) on float means summed in cutoff order: model AUCs
  // 0.1, 0.2, 0.3 and baseline 0.3, 0.2, 0.1 both average exactly 1/5, a tie (not beaten), yet
  // 0.1 + 0.2 + 0.3 > 0.3 + 0.2 + 0.1 in doubles, so the model "beats" the baseline and the target is met.
  it('a model that ties a baseline (equal mean AUCs, 0.2 each) does not beat it: the target is not met', async () => {
    const result = await runBacktest(
      options({
        scorer: pairsScorer('model', [1, 2, 3]),
        baselines: [pairsScorer('mirror', [3, 2, 1])],
        target: { split: 'test', minMeanAuc: 0.1 },
      }),
    );
    expect(result.scorer!.perCutoff.map((c) => c.auc)).toEqual([0.1, 0.2, 0.3]);
    expect(result.baselines[0]!.perCutoff.map((c) => c.auc)).toEqual([0.3, 0.2, 0.1]);
    expect(result.verdict!.met).toBe(false);
    expect(result.verdict!.text).toMatch(/not above every baseline/);
  });
});

// A scorer that scored no candidate measured nothing: no AUC, no precision@k, no calibration, no
// verdict. Before, an all-unscored cutoff ranked every candidate tied last: AUC 0.5, precision at
// the base rate, Brier 0 "over 0 predictions", and a target that could be "met" by a scorer that
// never answered. Partial coverage keeps its rule: the unscored rank last.
import {
  auc,
  averagePrecision,
  backtestMarkdown,
  backtestSummary,
  bootstrapIntervals,
  calibration,
  precisionAtK,
  runBacktest,
  splitFigures,
  type BacktestOptions,
  type BacktestScorer,
} from 'scene-radar/backtest';
import { describe, expect, it } from 'vitest';

const at = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
const SLUGS = ['ana', 'ben', 'cy', 'dee', 'eve', 'fay'];
/** ana and dee break out at every cutoff; the others never. */
const POSITIVE = new Set(['ana', 'dee']);

/** Ranks the positives first: a perfect score wherever it answers. */
const oracle: BacktestScorer = {
  name: 'oracle',
  score: ({ candidates }) => new Map(candidates.map((s) => [s, POSITIVE.has(s) ? 1 : 0])),
};

function options(over: Partial<BacktestOptions> = {}): BacktestOptions {
  return {
    name: 'coverage',
    // The harness never reads the sources itself; the callbacks below do not either.
    sources: {},
    cutoffs: [
      { asOf: at('2020-01-01'), split: 'train' },
      { asOf: at('2020-03-01'), split: 'test' },
      { asOf: at('2020-05-01'), split: 'test' },
    ],
    horizonDays: 30,
    candidates: () => SLUGS,
    labels: ({ candidates }) => new Map(candidates.map((s) => [s, POSITIVE.has(s)])),
    baselines: [oracle],
    resamples: 20,
    ...over,
  };
}

/** A probabilistic scorer that answers nobody. */
const nobody: BacktestScorer = {
  name: 'scores-nobody',
  probabilistic: true,
  score: () => ({ scores: new Map<string, number>(), unscored: new Map<string, string>() }),
};

describe('a scorer that scored no candidate', () => {
  it('has no AUC, no precision@k, no pooled AP and no calibration: null, counted, never 0.5 or the base rate', async () => {
    const r = await runBacktest(options({ scorer: nobody }));
    const s = r.scorer!;
    expect(s.error).toBeNull();
    expect(s.unscored.total).toBe(18);
    expect(s.perCutoff.map((c) => [c.auc, c.pAtK, c.unscored])).toEqual([
      [null, null, 6],
      [null, null, 6],
      [null, null, 6],
    ]);
    const test = s.splits!.test;
    expect(test).toMatchObject({ meanAuc: null, aucSkipped: 2, meanPAtK: null, pAtKSkipped: 2, pooledAp: null });
    expect(test.intervals).toMatchObject({ meanAuc: null, meanPAtK: null, pooledAp: null });
    expect(test.calibration).toMatchObject({ count: 0, brier: null, ece: null });
    expect(backtestSummary(r).windows.test.breakout).toEqual({ auc: null, p_at_10: null, pooled_ap: null });
    // The baseline, which answered, is measured as before.
    expect(r.baselines[0]!.splits!.test).toMatchObject({ meanAuc: 1, aucSkipped: 0, meanPAtK: 1 / 3, pAtKSkipped: 0 });
  });

  it('gets no verdict: the target is "not judged", never met', async () => {
    const r = await runBacktest(options({ scorer: nobody, baselines: [], target: { split: 'test', minMeanAuc: 0.4 } }));
    expect(r.verdict).toEqual({
      met: false,
      judged: false,
      text: 'Target not judged: the scorer under test scored no candidate at any test cutoff.',
    });
    const md = backtestMarkdown(r);
    expect(md).toContain('Target not judged');
    expect(md).toContain('| **scores-nobody** (under test) | n/a | n/a | n/a | n/a | n/a | n/a |');
    expect(md).toContain(
      '- scores-nobody: no candidate scored at 2 of 2 cutoff(s); its AUC and P@10 there are undefined, left out of its means.',
    );
    expect(md).toContain('Brier score n/a, expected calibration error n/a over 0 predictions.');
  });

  it('is judged on the cutoffs it scored when it scored nothing at one of them', async () => {
    const outage: BacktestScorer = {
      name: 'outage',
      score: (ctx) => (ctx.asOf.getTime() === at('2020-05-01').getTime() ? new Map() : oracle.score(ctx)),
    };
    const r = await runBacktest(options({ scorer: outage, baselines: [], target: { split: 'test', minMeanAuc: 0.9 } }));
    const test = r.scorer!.splits!.test;
    expect(test).toMatchObject({ meanAuc: 1, aucSkipped: 1, meanPAtK: 1 / 3, pAtKSkipped: 1 });
    expect(r.verdict).toMatchObject({ met: true, judged: true });
    expect(backtestMarkdown(r)).toContain('- outage: no candidate scored at 1 of 2 cutoff(s)');
  });

  it('is compared with a baseline over the cutoffs both scored, not over a baseline mean that includes its gap', async () => {
    // The model is perfect where it answers and skips the second test cutoff; the baseline is
    // perfect at the first and all-tied (AUC 0.5) at the second. Own means: 1 against 0.75, but
    // over the one cutoff both scored the baseline is as good: the model does not beat it.
    const second = at('2020-05-01').getTime();
    const outage: BacktestScorer = {
      name: 'outage',
      score: (ctx) => (ctx.asOf.getTime() === second ? new Map() : oracle.score(ctx)),
    };
    const flat: BacktestScorer = {
      name: 'flat-later',
      score: (ctx) => (ctx.asOf.getTime() === second ? new Map(ctx.candidates.map((s) => [s, 0])) : oracle.score(ctx)),
    };
    const r = await runBacktest(
      options({ scorer: outage, baselines: [flat], target: { split: 'test', minMeanAuc: 0.9 } }),
    );
    expect(r.scorer!.splits!.test.meanAuc).toBe(1);
    expect(r.baselines[0]!.splits!.test.meanAuc).toBe(0.75);
    expect(r.verdict).toEqual({
      met: false,
      judged: true,
      text:
        'Target NOT met: mean AUC 1.000 on the test cutoffs is not above every baseline; the best baseline ' +
        '(flat-later) reaches 0.750; over the 1 test cutoff(s) where both have an AUC, 1.000 against its 1.000.',
    });
    // Where the model answers everywhere, the paired means are the own means and the text is as before.
    const full = await runBacktest(
      options({ scorer: oracle, baselines: [flat], target: { split: 'test', minMeanAuc: 0.9 } }),
    );
    expect(full.verdict?.text).toBe(
      'Target met: mean AUC 1.000 on the test cutoffs (>= 0.9); the best baseline (flat-later) reaches 0.750.',
    );
  });

  it('keeps ranking the unscored last under partial coverage', async () => {
    // Scores only ben (a negative): the two positives, unscored, rank last with the rest.
    const partial: BacktestScorer = { name: 'partial', score: () => new Map([['ben', 1]]) };
    const r = await runBacktest(options({ scorer: partial, baselines: [] }));
    expect(r.scorer!.perCutoff.map((c) => c.auc)).toEqual([0.375, 0.375, 0.375]);
    expect(r.scorer!.splits!.all).toMatchObject({ aucSkipped: 0, pAtKSkipped: 0 });
  });
});

describe('a cutoff with no candidate', () => {
  it('has no precision@k (null, not 0 with an interval [0, 0]) and no calibration figures', async () => {
    const probabilistic: BacktestScorer = {
      name: 'half',
      probabilistic: true,
      score: ({ candidates }) => new Map(candidates.map((s) => [s, 0.5])),
    };
    const r = await runBacktest(options({ candidates: () => [], baselines: [], scorer: probabilistic }));
    const test = r.scorer!.splits!.test;
    expect(r.scorer!.perCutoff.map((c) => c.pAtK)).toEqual([null, null, null]);
    expect(test).toMatchObject({ meanAuc: null, meanPAtK: null, pAtKSkipped: 2, pooledAp: null });
    expect(test.intervals.meanPAtK).toBeNull();
    expect(test.calibration).toMatchObject({ count: 0, brier: null, ece: null });
  });

  it('a split without cutoffs has no calibration figures either', async () => {
    const probabilistic: BacktestScorer = {
      name: 'half',
      probabilistic: true,
      score: ({ candidates }) => new Map(candidates.map((s) => [s, 0.5])),
    };
    const r = await runBacktest(
      options({ cutoffs: [{ asOf: at('2020-01-01'), split: 'train' }], baselines: [], scorer: probabilistic }),
    );
    expect(r.scorer!.splits!.test.calibration).toMatchObject({ count: 0, brier: null, ece: null });
    expect(r.scorer!.splits!.train.calibration!.brier).toBeCloseTo((2 * 0.25 + 4 * 0.25) / 6, 12);
  });
});

describe('the metrics of a ranking in which nothing was scored', () => {
  const missing = [-Infinity, Number.NaN, -Infinity];
  const labels = [true, false, false];
  it('are null', () => {
    expect(auc(missing, labels)).toBeNull();
    expect(precisionAtK(missing, labels, 2)).toBeNull();
    expect(precisionAtK([], [], 10)).toBeNull();
    expect(averagePrecision(missing, labels)).toBeNull();
    expect(calibration([], [])).toMatchObject({ brier: null, ece: null, count: 0 });
    const cutoffs = [{ scores: missing, labels }];
    expect(splitFigures(cutoffs)).toEqual({
      meanAuc: null,
      aucSkipped: 1,
      meanPAtK: null,
      pAtKSkipped: 1,
      pooledAp: null,
    });
    expect(bootstrapIntervals(cutoffs, { resamples: 10 })).toMatchObject({
      meanAuc: null,
      meanPAtK: null,
      pooledAp: null,
    });
  });

  it('a single scored candidate is a ranking: the rest rank last', () => {
    expect(auc([1, -Infinity, -Infinity], labels)).toBe(1);
    expect(precisionAtK([-Infinity, 1, -Infinity], labels, 1)).toBe(0);
    expect(averagePrecision([1, -Infinity, -Infinity], labels)).toBe(1);
  });
});

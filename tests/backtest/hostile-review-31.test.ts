// Hostile review 31 of the public backtest harness (src/backtest, docs/backtesting.md): results
// read back with parseBacktestJson (an older result the docs say exists, reference figures the
// report prints), cutoffs outside the four-digit years every other entry of the SDK requires, the
// bootstrap's own options, and a verdict that blames the scorer for cutoffs that had no candidate.
// Each test fails on the code as reviewed.
import { describe, expect, it } from 'vitest';
import {
  backtestJson,
  backtestMarkdown,
  bootstrapIntervals,
  isBacktestError,
  parseBacktestJson,
  runBacktest,
  type BacktestOptions,
  type BacktestScorer,
} from '../../src/backtest/index.js';

const at = (day: string): Date => new Date(`${day}T00:00:00.000Z`);

/** How something ended: 'ok', a BacktestError's code, or `raw <text>` for anything else. */
async function outcome(work: () => unknown): Promise<string> {
  try {
    await work();
    return 'ok';
  } catch (e) {
    return isBacktestError(e) ? e.code : `raw ${String(e)}`;
  }
}

const ranked: BacktestScorer = {
  name: 'model',
  score: ({ candidates }) => new Map(candidates.map((s, i) => [s, -i])),
};
const flat: BacktestScorer = {
  name: 'flat',
  score: ({ candidates }) => new Map(candidates.map((s) => [s, 1])),
};

function options(over: Partial<BacktestOptions> = {}): BacktestOptions {
  return {
    name: 'hostile-31',
    sources: {},
    cutoffs: [
      { asOf: at('2020-01-01'), split: 'train' },
      { asOf: at('2020-03-01'), split: 'test' },
    ],
    horizonDays: 30,
    candidates: () => ['a', 'b', 'c'],
    labels: () => ({ a: true, b: false, c: false }),
    scorer: ranked,
    baselines: [flat],
    target: { split: 'test', minMeanAuc: 0.5 },
    resamples: 5,
    now: () => at('2024-01-01'),
    ...over,
  };
}

describe('results read back (faults)', () => {
  it('parseBacktestJson reads a result written before verdict.judged existed, as the docs say such results exist', async () => {
    // docs/backtesting.md: "Results written before `judged` existed lack it." (the format tag did
    // not change); bench/backtests/chart-protocol-a.json as committed before c8b243e is one.
    const result = await runBacktest(options());
    expect(result.verdict?.judged).toBe(true);
    const old = JSON.parse(backtestJson(result)) as { verdict: Record<string, unknown> };
    delete old.verdict.judged;
    const text = JSON.stringify(old);
    expect(await outcome(() => parseBacktestJson(text))).toBe('ok');
    expect(backtestMarkdown(parseBacktestJson(text))).toContain(result.verdict!.text);
  });

  it('parseBacktestJson refuses reference figures backtestMarkdown cannot print, instead of a raw TypeError later', async () => {
    const result = await runBacktest(options());
    const edited = JSON.parse(backtestJson(result)) as Record<string, unknown>;
    // runBacktest refuses such a reference (checkReference); read back, it is accepted.
    edited.reference = { source: 'a paper', figures: { flat: { test: { auc: '0.700' } } } };
    const ended = await outcome(() => backtestMarkdown(parseBacktestJson(JSON.stringify(edited))));
    expect(['ok', 'BACKTEST_INVALID_INPUT']).toContain(ended);
  });
});

describe('cutoffs outside the years 1000-9999 (faults)', () => {
  it('refuses cutoffs from a seconds/milliseconds mix-up instead of a report with unreadable dates', async () => {
    // Milliseconds taken for seconds: the year 51,969. The SDK refuses such instants everywhere
    // else (core/validation.ts: "an instant outside the years 1000-9999 ... is refused"), the radar
    // under test (talentScorer) fails on them, and the report prints "+051969-11 27T00 UTC".
    const ms = at('2020-01-01').getTime() * 1000;
    const cutoffs = [
      { asOf: new Date(ms), split: 'train' as const },
      { asOf: new Date(ms + 90 * 86_400_000), split: 'test' as const },
    ];
    const ended = await outcome(async () => {
      const r = await runBacktest(options({ cutoffs }));
      // If it is run after all, its report must at least name the instants it ranked at.
      const fitting = backtestMarkdown(r)
        .split('\n')
        .find((l) => l.startsWith('Fitting'));
      throw new Error(`accepted; the report says: ${fitting}`);
    });
    expect(ended).toBe('BACKTEST_INVALID_OPTIONS');
  });
});

describe('bootstrapIntervals options (faults)', () => {
  it('refuses a level or a resample count it cannot honour, as it refuses a bad k', async () => {
    const cutoffs = [
      { scores: [2, 1, 0], labels: [true, false, false] },
      { scores: [0, 1, 2], labels: [true, false, true] },
    ];
    const asked = {
      'level NaN': await outcome(() => bootstrapIntervals(cutoffs, { resamples: 10, level: Number.NaN })),
      'level 1.5': await outcome(() => bootstrapIntervals(cutoffs, { resamples: 10, level: 1.5 })),
      'resamples -1': await outcome(() => bootstrapIntervals(cutoffs, { resamples: -1 })),
      'resamples 2.5': await outcome(() => bootstrapIntervals(cutoffs, { resamples: 2.5 })),
    };
    // Today: level NaN gives [undefined, undefined] for every interval (an Interval is
    // [number, number] | null), level 1.5 gives [min, max] labelled as a 95%-style interval, and
    // the resample counts are echoed back as drawn.
    expect(asked).toEqual({
      'level NaN': 'BACKTEST_INVALID_OPTIONS',
      'level 1.5': 'BACKTEST_INVALID_OPTIONS',
      'resamples -1': 'BACKTEST_INVALID_OPTIONS',
      'resamples 2.5': 'BACKTEST_INVALID_OPTIONS',
    });
  });
});

describe('cutoffs without candidates (faults)', () => {
  it('does not tell the reader the scorer under test scored nothing when it was given nothing to score', async () => {
    const result = await runBacktest(
      options({
        candidates: ({ split }) => (split === 'test' ? [] : ['a', 'b']),
        labels: () => ({ a: true, b: false }),
      }),
    );
    expect(result.verdict?.judged).toBe(false);
    // The test cutoff had no candidate at all: the scorer under test was asked about nobody.
    expect(result.verdict!.text).not.toMatch(/scored no candidate/);
    const md = backtestMarkdown(result, { explain: false });
    expect(md).not.toMatch(/- model: no candidate scored at 1 of 1 cutoff/);
  });
});

// runBacktest's options and callback answers of any shape: each refused with a BacktestError and
// its code, up front, never a raw TypeError or RangeError (at the end of a run, or later in
// backtestJson and backtestMarkdown), never a silently wrong field in the result.
import {
  backtestJson,
  backtestMarkdown,
  isBacktestError,
  runBacktest,
  type BacktestErrorCode,
  type BacktestOptions,
} from 'scene-radar/backtest';
import { describe, expect, it } from 'vitest';

const at = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
const SLUGS = ['ana', 'ben', 'cy', 'dee'];

function options(over: Partial<BacktestOptions> = {}): BacktestOptions {
  return {
    name: 'hostile',
    sources: {},
    cutoffs: [
      { asOf: at('2020-01-01'), split: 'train' },
      { asOf: at('2020-03-01'), split: 'test' },
    ],
    horizonDays: 30,
    candidates: () => SLUGS,
    labels: ({ candidates }) => new Map(candidates.map((s, i) => [s, i % 2 === 0])),
    baselines: [{ name: 'index', score: ({ candidates }) => new Map(candidates.map((s, i) => [s, -i])) }],
    resamples: 10,
    ...over,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: hostile input on purpose
const untyped = (v: unknown): any => v;

async function refusal(
  over: Partial<BacktestOptions> | BacktestOptions,
): Promise<{ code: BacktestErrorCode; message: string }> {
  let calls = 0;
  const counted: BacktestOptions = {
    ...options(),
    ...over,
    candidates: (ctx) => {
      calls++;
      return ((over as Partial<BacktestOptions>).candidates ?? options().candidates)(ctx);
    },
  };
  const e = await runBacktest(counted).then(
    () => null,
    (x: unknown) => x,
  );
  if (!isBacktestError(e)) throw new Error(`expected a BacktestError, got ${String(e)}`);
  // Refused up front: no callback was asked anything (except where the answer is the problem).
  if (e.code === 'BACKTEST_INVALID_OPTIONS') expect(calls).toBe(0);
  return { code: e.code, message: e.message };
}

describe('runBacktest refuses unusable options up front', () => {
  it('a sparse cutoffs array (holes)', async () => {
    expect(await refusal({ cutoffs: untyped(new Array(2)) })).toEqual({
      code: 'BACKTEST_INVALID_OPTIONS',
      message: 'runBacktest: cutoffs[0] must be { asOf, split }, got undefined',
    });
    // biome-ignore lint/suspicious/noSparseArray: the hole is the test
    expect(await refusal({ cutoffs: untyped([, { asOf: at('2020-03-01'), split: 'test' }]) })).toEqual({
      code: 'BACKTEST_INVALID_OPTIONS',
      message: 'runBacktest: cutoffs[0] must be { asOf, split }, got undefined',
    });
  });

  it('a now that returns an Invalid Date or a string, or throws', async () => {
    expect(await refusal({ now: () => new Date(Number.NaN) })).toEqual({
      code: 'BACKTEST_INVALID_OPTIONS',
      message: 'runBacktest: now() must return a valid Date in the years 1000-9999, got a Date (invalid)',
    });
    expect(await refusal({ now: untyped(() => '2020-01-01') })).toEqual({
      code: 'BACKTEST_INVALID_OPTIONS',
      message: 'runBacktest: now() must return a valid Date in the years 1000-9999, got a string ("2020-01-01")',
    });
    expect(
      await refusal({
        now: () => {
          throw new RangeError('clock boom');
        },
      }),
    ).toEqual({ code: 'BACKTEST_INVALID_OPTIONS', message: 'runBacktest: now() threw: clock boom' });
  });

  it('a method that is not an array of strings', async () => {
    for (const method of [5, 'one paragraph', ['ok', 7], new Array(2)]) {
      const e = await refusal({ method: untyped(method) });
      expect(e.code, String(method)).toBe('BACKTEST_INVALID_OPTIONS');
      expect(e.message).toMatch(/^runBacktest: method(\[\d\])? must be/);
    }
  });

  it('a setupMs that is not a finite number >= 0', async () => {
    for (const setupMs of [Number.NaN, 'abc', -1, Infinity]) {
      const e = await refusal({ setupMs: untyped(setupMs) });
      expect(e.code, String(setupMs)).toBe('BACKTEST_INVALID_OPTIONS');
      expect(e.message).toMatch(/^runBacktest: setupMs must be a finite number >= 0/);
    }
  });

  it('parameters that JSON cannot hold (a cycle, a BigInt), before backtestJson would throw', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(await refusal({ parameters: cyclic })).toEqual({
      code: 'BACKTEST_INVALID_OPTIONS',
      message:
        'runBacktest: parameters must be plain JSON data (it is written in the result): Converting circular structure to JSON',
    });
    expect(await refusal({ parameters: untyped({ x: 1n }) })).toEqual({
      code: 'BACKTEST_INVALID_OPTIONS',
      message:
        'runBacktest: parameters must be plain JSON data (it is written in the result): Do not know how to serialize a BigInt',
    });
  });

  it('a reference whose figures are not numbers, before backtestMarkdown would throw', async () => {
    expect(
      await refusal({ reference: untyped({ source: 'notes', figures: { index: { test: { auc: 'high' } } } }) }),
    ).toEqual({
      code: 'BACKTEST_INVALID_OPTIONS',
      message:
        'runBacktest: reference.figures["index"].test.auc must be a finite number or absent, got a string ("high")',
    });
    for (const reference of [{ figures: 5 }, { source: 'x', figures: 5 }, { source: 'x', figures: {}, note: 3 }]) {
      expect((await refusal({ reference: untyped(reference) })).code).toBe('BACKTEST_INVALID_OPTIONS');
    }
    expect((await refusal({ reference: untyped({ source: 'x', figures: {}, extra: 1n }) })).code).toBe(
      'BACKTEST_INVALID_OPTIONS',
    );
  });

  it('options whose getters throw', async () => {
    const e = await runBacktest(
      untyped({
        ...options(),
        get name(): string {
          throw new RangeError('name boom');
        },
      }),
    ).catch((x: unknown) => x);
    expect(isBacktestError(e) && e.code).toBe('BACKTEST_INVALID_OPTIONS');
  });

  it('and the accepted ones still give a result that writes as JSON and Markdown', async () => {
    const result = await runBacktest(
      options({
        parameters: { protocol: 'A', when: at('2020-01-01') },
        method: ['Paragraph.'],
        setupMs: 5,
        now: () => at('2021-01-01'),
        reference: { source: 'notes', figures: { index: { test: { auc: 0.5 } } } },
        log: () => {
          throw new Error('a log that throws is ignored');
        },
      }),
    );
    expect(result.runAt).toBe('2021-01-01T00:00:00.000Z');
    // As a result file keeps them.
    expect(result.parameters).toEqual({ protocol: 'A', when: '2020-01-01T00:00:00.000Z' });
    expect(backtestJson(result)).toContain('"protocol": "A"');
    expect(backtestMarkdown(result)).toContain('| index | 0.750 / 0.500 |');
  });
});

describe('runBacktest refuses unusable callback answers', () => {
  it('holes in a candidates array are refused, not dropped', async () => {
    const sparse = [...SLUGS];
    sparse.length = 6;
    expect(await refusal({ candidates: () => sparse })).toEqual({
      code: 'BACKTEST_INVALID_INPUT',
      message:
        'candidates at cutoff 2020-01-01T00:00:00.000Z: item 4 is undefined, expected a non-empty string (an artist slug)',
    });
  });

  it("an answer whose index getter throws is the callback's failure", async () => {
    const trap = [...SLUGS];
    Object.defineProperty(trap, 1, {
      get() {
        throw new TypeError('idx boom');
      },
    });
    expect(await refusal({ candidates: () => trap })).toEqual({
      code: 'BACKTEST_CALLBACK_FAILED',
      message: 'candidates at cutoff 2020-01-01T00:00:00.000Z: reading its answer threw: TypeError: idx boom',
    });
    const labels = {
      get ana(): boolean {
        throw new TypeError('label boom');
      },
    };
    expect((await refusal({ labels: () => untyped(labels) })).code).toBe('BACKTEST_CALLBACK_FAILED');
  });
});

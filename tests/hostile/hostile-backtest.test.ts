/**
 * The backtest harness under hostile scorers:
 * - a probabilistic scorer that leaves candidates unscored was calibrated as if it had predicted 0
 *   for them (they rank last as -Infinity), and the report called them "outside [0, 1] clamped";
 * - a score map whose reads throw (a Map subclass whose `get` throws) escaped the run as a raw
 *   error instead of failing that scorer alone, as a `score()` that throws does;
 * - an unscored reason spelt `__proto__` was lost from the reasons it is counted in;
 * - an aborted run waited forever on a callback that ignores the signal.
 */
import { describe, expect, it } from 'vitest';
import { type BacktestOptions, type BacktestScorer, runBacktest } from 'scene-radar/backtest';

const CANDIDATES = ['ana', 'bob', 'cat', 'dan'];
const LABELS = { ana: true, bob: false, cat: true, dan: false };

function options(scorer: BacktestScorer, baselines: BacktestScorer[] = []): BacktestOptions {
  return {
    name: 'hostile',
    sources: {},
    cutoffs: [
      { asOf: new Date('2024-01-01T00:00:00Z'), split: 'train' },
      { asOf: new Date('2024-06-01T00:00:00Z'), split: 'test' },
    ],
    horizonDays: 30,
    candidates: () => CANDIDATES,
    labels: () => LABELS,
    scorer,
    baselines,
    resamples: 0,
  };
}

const steady: BacktestScorer = {
  name: 'steady',
  score: ({ candidates }) => new Map(candidates.map((s, i) => [s, i])),
};

describe('backtest harness under hostile scorers', () => {
  it('calibrates a probabilistic scorer over the candidates it scored, not the unscored as 0', async () => {
    const result = await runBacktest(
      options({
        name: 'half',
        probabilistic: true,
        score: () => ({
          scores: new Map([
            ['ana', 0.75],
            ['bob', 0.25],
          ]),
          unscored: { cat: 'no data', dan: 'no data' },
        }),
      }),
    );
    const calibration = result.scorer!.splits!.all.calibration!;
    expect(result.scorer!.unscored).toMatchObject({ total: 4, reasons: { 'no data': 4 } });
    expect(calibration.count).toBe(4); // two scored candidates at each of the two cutoffs
    expect(calibration.clamped).toBe(0);
    expect(calibration.brier).toBeCloseTo(0.0625, 10); // (0.75 - 1)^2 and (0.25 - 0)^2
  });

  it.each([
    [
      'a Map whose get throws',
      () =>
        new (class extends Map<string, number> {
          override get(): number {
            throw new Error('score store went away');
          }
        })(),
    ],
  ])('fails the scorer alone when its answer is %s', async (_, answer) => {
    const result = await runBacktest(options({ name: 'broken', score: () => answer() as never }, [steady]));
    expect(result.scorer!.error).toMatch(/went away/);
    expect(result.scorer!.splits).toBeNull();
    expect(result.baselines[0]!.error).toBeNull();
    expect(result.baselines[0]!.splits).not.toBeNull();
  });

  it('counts an unscored reason whatever its text, __proto__ included', async () => {
    const result = await runBacktest(
      options({
        name: 'odd-reasons',
        score: () => ({
          scores: new Map([
            ['ana', 1],
            ['bob', 0],
          ]),
          unscored: { cat: '__proto__', dan: 'constructor' },
        }),
      }),
    );
    expect(result.scorer!.unscored.total).toBe(4);
    expect(Object.entries(result.scorer!.unscored.reasons)).toEqual([
      ['__proto__', 2],
      ['constructor', 2],
    ]);
  });
});

describe('an aborted backtest', () => {
  it.each([
    ['a labels callback', { labels: () => new Promise<never>(() => {}) }],
    ['a score call', { scorer: { name: 'stuck', score: () => new Promise<never>(() => {}) } }],
  ])('stops at once when %s ignores the signal and never settles', async (_, stuck) => {
    const controller = new AbortController();
    const reason = new Error('host shut down');
    setTimeout(() => controller.abort(reason), 50);
    const t0 = performance.now();
    const outcome = await runBacktest({ ...options(steady), ...stuck, signal: controller.signal }).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    expect(outcome).toBe(reason);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});

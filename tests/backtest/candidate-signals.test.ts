// The candidate signals of `npm run candidate-signals` (bench/backtest/candidate-signals.ts): host
// features over a loaded chart that must read only what was known at their `asOf` (the harness
// cannot guard a host feature), on the tiny synthetic Hot 100 of the backtest tests.
import { afterAll, describe, expect, it } from 'vitest';
import { candidateSignals } from '../../bench/backtest/candidate-signals.js';
import { HOT100, loadChart } from '../../bench/backtest/chart/load.js';
import { cutoffInstant } from '../../bench/backtest/chart/protocol.js';
import { BASE_CHART, BASE_EDGES, D, removeTempDirs, writeDataset } from './fixtures.js';

afterAll(removeTempDirs);

const features = candidateSignals(loadChart(writeDataset(BASE_CHART, BASE_EDGES), HOT100));

/** Every candidate's values for `slugs` as of `asOf`. */
async function valuesAt(asOf: Date, slugs: readonly string[]): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const f of features) {
    const got = await f.read(slugs, { asOf, signal: new AbortController().signal });
    out[f.name] = Object.fromEntries(got instanceof Map ? got : Object.entries(got));
  }
  return out;
}

describe('candidate signals', () => {
  it('are six named host features on the percentile scale', () => {
    expect(features.map((f) => f.name)).toEqual([
      'collaborator-reach',
      'recent-collaborator-reach',
      'growth-week',
      'entries-4w',
      'current-run',
      'weeks-52',
    ]);
    for (const f of features) expect(f.scale ?? 'percentile').toBe('percentile');
  });

  it('read the chart weeks and co-credits known at the end of the cutoff chart date, nothing later', async () => {
    // Alpha charts at weeks 0-4 (ranks 50, 30, 20, 15, 8: weights 51, 71, 81, 86, 93); Gamma at
    // weeks 1 and 3 (96 and 61); Alpha and Gamma co-credited from week 1, Epsilon and Gamma from week 5.
    const v = await valuesAt(cutoffInstant(D(3)), ['alpha', 'epsilon']);
    expect(v['collaborator-reach']).toEqual({ alpha: 96 + 61, epsilon: 0 });
    expect(v['recent-collaborator-reach']).toEqual({ alpha: 96 + 61, epsilon: 0 });
    expect(v['growth-week']!.alpha).toBe(86 - 81);
    expect(v['entries-4w']!.alpha).toBe(4);
    expect(v['current-run']).toEqual({ alpha: 4, epsilon: 1 });
    expect(v['weeks-52']).toEqual({ alpha: 4, epsilon: 1 });
    // One millisecond before week 4's chart is known: the same values (week 4 not read).
    const before = await valuesAt(new Date(cutoffInstant(D(4)).getTime() - 1), ['alpha']);
    expect(before['growth-week']!.alpha).toBe(86 - 81);
    expect(before['current-run']!.alpha).toBe(4);
    expect(before['weeks-52']!.alpha).toBe(4);
  });

  it('count a co-credit from its first chart date on, and a collaborator only over the last four weeks', async () => {
    // At week 5: Epsilon's link to Gamma is known; Gamma's weeks in the last 28 days: week 3 only.
    const v = await valuesAt(cutoffInstant(D(5)), ['epsilon', 'alpha']);
    expect(v['collaborator-reach']).toEqual({ epsilon: 61, alpha: 61 });
    // A run ends at a gap: Epsilon charted at week 3 only, so no run at week 5.
    expect(v['current-run']!.epsilon).toBe(0);
  });

  it('count a co-credit in the recent reach for 182 days only', async () => {
    // Beta charts every week at rank 50 (weight 51); Alpha and Beta co-credited at week 0 only.
    const beta = Object.fromEntries(Array.from({ length: 31 }, (_, k) => [k, 50]));
    const chart = candidateSignals(
      loadChart(writeDataset({ Alpha: { 0: 60 }, Beta: beta }, [['Alpha', 'Beta', 0]]), HOT100),
    );
    const at = async (week: number, name: string): Promise<number | undefined> => {
      const got = await chart
        .find((f) => f.name === name)!
        .read(['alpha'], {
          asOf: cutoffInstant(D(week)),
          signal: new AbortController().signal,
        });
      return (got as ReadonlyMap<string, number>).get('alpha');
    };
    // 25 weeks (175 days) after the link: both count Beta's last four weeks.
    expect(await at(25, 'recent-collaborator-reach')).toBe(4 * 51);
    // 27 weeks (189 days): only the reach over every link known.
    expect(await at(27, 'recent-collaborator-reach')).toBe(0);
    expect(await at(27, 'collaborator-reach')).toBe(4 * 51);
  });
});

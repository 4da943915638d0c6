// The demo-world backtest on a small world: cutoffs, candidates and labels from the ground truth,
// baselines through the sources.
import { addDays } from 'scene-radar';
import { describe, expect, it } from 'vitest';
import { demoBaselines } from '../bench/backtest/demo/baselines.js';
import { DEMO_PROTOCOL, demoCutoffDays, demoSuite, type DemoProtocol } from '../bench/backtest/demo/suite.js';
import { runBacktest } from '../bench/backtest/runner.js';

const SMALL: DemoProtocol = { ...DEMO_PROTOCOL, artists: 300, days: 400, end: '2025-06-30', stepDays: 56 };
const { suite, world } = await demoSuite(SMALL);

describe('demo backtest', () => {
  it('spreads cutoffs between the history and the horizon, earlier half training', () => {
    const days = demoCutoffDays(world.info.start, SMALL);
    expect(days[0]).toBe(addDays(world.info.start, 120));
    expect(addDays(days[days.length - 1]!, SMALL.horizonDays - 1) <= SMALL.end).toBe(true);
    expect(addDays(days[days.length - 1]!, SMALL.stepDays + SMALL.horizonDays - 1) > SMALL.end).toBe(true);
    expect(suite.cutoffs.map((c) => c.asOf.toISOString().slice(0, 10))).toEqual(days);
    const splits = suite.cutoffs.map((c) => c.split);
    expect(splits).toEqual([...splits].sort((a, b) => (a === b ? 0 : a === 'train' ? -1 : 1)));
    expect(splits.filter((s) => s === 'train').length).toBe(Math.ceil(days.length / 2));
  });

  it('takes artists known at T that have not broken out yet, labelled by a breakout within the horizon', () => {
    let positives = 0;
    for (const c of suite.cutoffs) {
      const day = c.asOf.toISOString().slice(0, 10);
      expect(c.candidates.length).toBeGreaterThan(0);
      for (const slug of c.candidates) {
        const truth = world.truth.artist(slug)!;
        expect(truth.brokeOutOn === null || truth.brokeOutOn >= day).toBe(true);
        expect(Date.parse(world.dataset.artistRecord(slug)!.firstSeen)).toBeLessThanOrEqual(c.asOf.getTime());
        const label = truth.brokeOutOn !== null && truth.brokeOutOn < addDays(day, SMALL.horizonDays);
        expect(c.labels.get(slug)).toBe(label);
        if (label) positives++;
      }
      const excluded = world.dataset.artistSlugs().filter((s) => !c.candidates.includes(s));
      for (const slug of excluded) {
        const truth = world.truth.artist(slug)!;
        const known = Date.parse(world.dataset.artistRecord(slug)!.firstSeen) <= c.asOf.getTime();
        expect(!known || (truth.brokeOutOn !== null && truth.brokeOutOn < day)).toBe(true);
      }
    }
    expect(positives).toBeGreaterThan(0);
  });

  it('scores the baselines from the sources and measures them', async () => {
    const result = await runBacktest(suite, { resamples: 100 });
    expect(result.baselines.map((b) => b.name)).toEqual(demoBaselines().map((b) => b.name));
    for (const b of result.baselines) {
      expect(b.error).toBeNull();
      expect(b.perCutoff.every((c) => c.missing === 0)).toBe(true);
      expect(b.splits!.all.meanAuc).toBeGreaterThan(0);
      expect(b.splits!.all.meanAuc).toBeLessThan(1);
    }
    // Growth anticipates breakouts better than a coin flip in the simulated world.
    expect(result.baselines[0]!.splits!.all.meanAuc).toBeGreaterThan(0.55);
  });
});

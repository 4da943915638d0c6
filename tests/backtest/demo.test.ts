// The demo-world backtest on a small world: cutoffs, candidates and labels from the ground truth,
// baselines through the sources, all on the public harness.
import { addDays } from '../../src/core/time.js';
import { createLookaheadGuard, runBacktest } from 'scene-radar/backtest';
import { describe, expect, it } from 'vitest';
import { demoBaselines } from '../../bench/backtest/demo/baselines.js';
import { DEMO_PROTOCOL, demoCutoffDays, demoSuite, type DemoProtocol } from '../../bench/backtest/demo/suite.js';

const SMALL: DemoProtocol = { ...DEMO_PROTOCOL, artists: 300, days: 400, end: '2025-06-30', stepDays: 56 };
const { suite, world } = await demoSuite(SMALL);
const never = new AbortController().signal;

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

  it('takes artists known at T that have not broken out yet, labelled by a breakout within the horizon', async () => {
    let positives = 0;
    const guard = createLookaheadGuard();
    for (const c of suite.cutoffs) {
      const day = c.asOf.toISOString().slice(0, 10);
      const sources = guard.view(suite.sources, c.asOf, { call: 'test', cutoff: null });
      const candidates = await suite.candidates({ asOf: c.asOf, split: c.split, sources, signal: never });
      const until = new Date(c.asOf.getTime() + SMALL.horizonDays * 86_400_000);
      const answer = await suite.labels({ asOf: c.asOf, split: c.split, until, candidates, sources, signal: never });
      const labelOf = (slug: string): boolean | undefined =>
        answer instanceof Map ? answer.get(slug) : (answer as Record<string, boolean>)[slug];
      expect(candidates.length).toBeGreaterThan(0);
      for (const slug of candidates) {
        const truth = world.truth.artist(slug)!;
        expect(truth.brokeOutOn === null || truth.brokeOutOn >= day).toBe(true);
        expect(Date.parse(world.dataset.artistRecord(slug)!.firstSeen)).toBeLessThanOrEqual(c.asOf.getTime());
        const label = truth.brokeOutOn !== null && truth.brokeOutOn < addDays(day, SMALL.horizonDays);
        expect(labelOf(slug)).toBe(label);
        if (label) positives++;
      }
      const excluded = world.dataset.artistSlugs().filter((s) => !candidates.includes(s));
      for (const slug of excluded) {
        const truth = world.truth.artist(slug)!;
        const known = Date.parse(world.dataset.artistRecord(slug)!.firstSeen) <= c.asOf.getTime();
        expect(!known || (truth.brokeOutOn !== null && truth.brokeOutOn < day)).toBe(true);
      }
    }
    expect(positives).toBeGreaterThan(0);
    expect(guard.violations).toEqual([]);
  });

  it('scores the baselines from the sources and measures them', async () => {
    const result = await runBacktest({ ...suite, resamples: 100 });
    expect(result.baselines.map((b) => b.name)).toEqual(demoBaselines().map((b) => b.name));
    for (const b of result.baselines) {
      expect(b.error).toBeNull();
      expect(b.perCutoff.every((c) => c.unscored === 0)).toBe(true);
      expect(b.splits!.all.meanAuc).toBeGreaterThan(0);
      expect(b.splits!.all.meanAuc).toBeLessThan(1);
    }
    // Growth anticipates breakouts better than a coin flip in the simulated world.
    expect(result.baselines[0]!.splits!.all.meanAuc).toBeGreaterThan(0.55);
    // Training cutoffs whose 90-day horizon reaches the first test cutoff are purged from fitting.
    expect(result.fit.purged.length).toBe(Math.ceil(SMALL.horizonDays / SMALL.stepDays) - 1);
  });
});

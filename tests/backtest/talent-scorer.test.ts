// talentScorer({ calibrate }) in the harness: a label horizon the harness accepts is one calibrate()
// can fit on (or a clear failure of the scorer alone), and one scorer object serving two runs at
// once scores each run with the model fitted on that run's own training cutoffs.
import { createDemoWorld } from 'scene-radar/adapters/memory';
import {
  runBacktest,
  talentScorer,
  type BacktestOptions,
  type BacktestScorer,
  type CalibrationValidation,
} from 'scene-radar/backtest';
import { describe, expect, it } from 'vitest';

const world = createDemoWorld({ seed: 7, artists: 80, end: '2025-12-31', days: 500 });
const slugs = [...world.truth.artists()].map((a) => a.slug).slice(0, 40);
const rising = (slug: string): boolean => ['breakout', 'rising'].includes(world.truth.artist(slug)!.career);
const cutoffs = ['2025-01-01', '2025-02-01', '2025-03-01', '2025-04-01', '2025-08-01'].map((d, i, all) => ({
  asOf: new Date(`${d}T00:00:00.000Z`),
  split: i === all.length - 1 ? ('test' as const) : ('train' as const),
}));

function options(scorer: BacktestScorer, over: Partial<BacktestOptions> = {}): BacktestOptions {
  return {
    name: 'talent',
    sources: world.sources,
    cutoffs,
    horizonDays: 30,
    candidates: () => slugs,
    labels: ({ candidates }) => new Map(candidates.map((s) => [s, rising(s)])),
    scorer,
    resamples: 0,
    ...over,
  };
}

describe('talentScorer({ calibrate }) and the label horizon', () => {
  it('fits on a fractional horizon, rounded up to whole days', async () => {
    const fits: { horizonDays: number; validation: CalibrationValidation }[] = [];
    const scorer = talentScorer({
      calibrate: { l2: 0.01 },
      onCalibrated: (f) => fits.push({ horizonDays: f.model.horizonDays, validation: f.validation }),
    });
    const r = await runBacktest(options(scorer, { horizonDays: 30.5 }));
    expect(r.scorer!.error).toBeNull();
    expect(r.scorer!.splits!.test.meanAuc).not.toBeNull();
    expect(fits.map((f) => f.horizonDays)).toEqual([31]);
  });

  it('fails the scorer alone, saying why, for a horizon no breakout model can have', async () => {
    const r = await runBacktest(
      options(talentScorer({ calibrate: { l2: 0.01 } }), {
        horizonDays: 4000,
        cutoffs: cutoffs.map((c) => ({ ...c, split: 'train' as const })),
        baselines: [{ name: 'flat', score: ({ candidates }) => new Map(candidates.map((s) => [s, 1])) }],
      }),
    );
    expect(r.scorer!.error).toMatch(
      /talentScorer: calibrate cannot fit a breakout model for a 4000-day label horizon: a model's horizon is at most 3650 days/,
    );
    expect(r.baselines[0]!.error).toBeNull();
  });
});

describe('one talentScorer({ calibrate }) shared by two runs at once', () => {
  it('scores each run with the model fitted on its own training cutoffs', async () => {
    const labelsA: BacktestOptions['labels'] = ({ candidates }) => new Map(candidates.map((s) => [s, rising(s)]));
    // Run B's outcome is the opposite one: its model ranks the other way round.
    const labelsB: BacktestOptions['labels'] = ({ candidates }) => new Map(candidates.map((s) => [s, !rising(s)]));
    const mk = (): BacktestScorer => talentScorer({ calibrate: { l2: 0.01 } });
    const soloA = await runBacktest(options(mk(), { name: 'a', labels: labelsA }));
    const soloB = await runBacktest(options(mk(), { name: 'b', labels: labelsB }));
    const shared = mk();
    const [a, b] = await Promise.all([
      runBacktest(options(shared, { name: 'a', labels: labelsA })),
      runBacktest(options(shared, { name: 'b', labels: labelsB })),
    ]);
    expect(soloA.scorer!.splits!.test.meanAuc).toBeGreaterThan(0.6);
    expect(soloB.scorer!.splits!.test.meanAuc).toBeGreaterThan(0.6);
    expect(a.scorer!.perCutoff).toEqual(soloA.scorer!.perCutoff);
    expect(b.scorer!.perCutoff).toEqual(soloB.scorer!.perCutoff);
  });

  it('refuses to score for a run it has not fitted, rather than score with another model', async () => {
    const scorer = talentScorer({ calibrate: true });
    const context = {
      asOf: cutoffs[4]!.asOf,
      split: 'test' as const,
      sources: world.sources,
      candidates: slugs,
      population: slugs,
      signal: new AbortController().signal,
      run: { name: 'never-fitted' },
    };
    await expect(Promise.resolve(scorer.score(context))).rejects.toThrow(
      'talentScorer: calibrate is set but no model was fitted for this run ("never-fitted"): fit() must run first',
    );
  });
});

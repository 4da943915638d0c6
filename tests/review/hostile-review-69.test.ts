/**
 * Hostile review 69: `calibrate()` and the breakout model's fitting as a host uses them
 * (src/talent/calibrate.ts, TalentRadar.calibrate in src/talent/talent-radar.ts), against
 * docs/scoring.md ("calibrate()", "fitBreakoutModel(examples, options)") and docs/reliability.md.
 *
 * Every test here fails on the code as reviewed, because of the fault its name states.
 */
import { describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { fitBreakoutModel, type CalibrationExample } from '../../src/backtest/index.js';
import { createSceneRadar, fixedClock, isSceneRadarError, type SceneRadarSources } from '../../src/index.js';

/** A small seeded generator (no Math.random: the data must be the same on every run). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/**
 * Five monthly instants of 20 examples each (so folds: 4 gives one block per instant): one input,
 * missing for a quarter of the early examples, whose values in the last month only are `late(x)`.
 */
function history(late: (x: number) => number): CalibrationExample[] {
  const rnd = lcg(99);
  const out: CalibrationExample[] = [];
  for (let month = 0; month < 5; month++)
    for (let i = 0; i < 20; i++) {
      const x = rnd() * 2 - 1;
      const label = rnd() < 1 / (1 + Math.exp(-2 * x));
      const value = month === 4 ? late(x) : i % 4 === 0 ? Number.NaN : x;
      out.push({ inputs: { level_now: value }, label, time: Date.UTC(2020, month, 1) });
    }
  return out;
}

describe('hostile review 69: calibrate() and fitBreakoutModel', () => {
  // Fault: look-ahead in the time-ordered cross-validation. fitInOrder (src/talent/calibrate.ts,
  // "Inputs: every name seen ... centre = weighted mean ... scale = weighted standard deviation",
  // then `design()` used by crossValidate) standardises every fold's training AND validation rows
  // with the centre and spread of ALL examples, future blocks included; a missing value is imputed
  // with that all-time centre and the L2 penalty acts on coefficients in those all-time units. So
  // the first fold (trained on January, validated on February) changes when only May's inputs
  // change: its "out-of-time" figures, the penalty chosen by them and Platt's slope see the future.
  it('a fold is not changed by data after its validation window (no look-ahead through standardisation)', () => {
    const base = fitBreakoutModel(
      history((x) => x),
      { l2: 0.1, folds: 4, recalibrate: false },
    );
    const shifted = fitBreakoutModel(
      history((x) => 10 * x + 5),
      { l2: 0.1, folds: 4, recalibrate: false },
    );
    // Both fits validate February on a model trained on January only.
    expect(base.validation.folds[0]!.validate[0]).toBe('2020-02-01T00:00:00.000Z');
    expect(shifted.validation.folds[0]!.trainUntil).toBe('2020-01-01T00:00:00.000Z');
    // Received: fold 1's validation log-loss 0.6876 with the shifted May, 0.6360 without.
    expect(shifted.validation.folds[0]!.logLoss).toBeCloseTo(base.validation.folds[0]!.logLoss, 12);
    expect(shifted.validation.folds[2]!.logLoss).toBeCloseTo(base.validation.folds[2]!.logLoss, 12);
  });

  // Fault: TalentRadar.calibrate (src/talent/talent-radar.ts, the catch after fitBreakoutModel:
  // `failed > 0` turns ANY TALENT_INSUFFICIENT_DATA into SOURCES_UNAVAILABLE) blames the sources
  // whenever one outcome's read failed, even when the data cannot be fitted whatever the sources
  // answer: here every label is false, so no retry can help, yet the host gets a retryable 503.
  // docs/scoring.md: "examples that all share one label ... throw TALENT_INSUFFICIENT_DATA";
  // docs/reliability.md: SOURCES_UNAVAILABLE only "when it has too few examples because their
  // activity sources failed".
  it("one-class labels are TALENT_INSUFFICIENT_DATA even when one artist's activity reads failed", async () => {
    const world = createDemoWorld({ seed: 7, artists: 40, end: '2025-12-31', days: 400 });
    const slugs = [...world.truth.artists()].map((a) => a.slug).slice(0, 20);
    const broken = slugs[0]!;
    // One artist per call, and the activity sources fail for `broken` only.
    const failingFor = <T extends object>(source: T): T =>
      new Proxy(source, {
        get(target, key) {
          if (key === 'maxBatchSize') return 1;
          const value = Reflect.get(target, key);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (Array.isArray(args[0]) && args[0].includes(broken)) throw new Error('activity source down');
            return Reflect.apply(value, target, args);
          };
        },
      });
    const sources: SceneRadarSources = {
      ...world.sources,
      fusion: failingFor(world.sources.fusion!),
      rcf: failingFor(world.sources.rcf!),
    };
    const radar = createSceneRadar({ sources, clock: fixedClock(new Date('2026-01-01T00:00:00.000Z')) });
    try {
      const instants = ['2025-03-01', '2025-05-01'].map((d) => new Date(`${d}T00:00:00.000Z`));
      const outcomes = instants.flatMap((asOf) => slugs.map((artistSlug) => ({ artistSlug, asOf, label: false })));
      const { examples, skipped } = await radar.talent.calibrationExamples(outcomes);
      // The set-up: every other artist is scored, only `broken` is skipped for a failed read.
      expect(examples.length).toBeGreaterThanOrEqual(10);
      const failedReads = skipped.filter((s) => s.reason.startsWith('no activity evidence because a read failed'));
      expect(failedReads.map((s) => s.artistSlug)).toEqual([broken, broken]);
      const e = await radar.talent.calibrate(outcomes).then(
        () => null,
        (x: unknown) => x,
      );
      expect(isSceneRadarError(e)).toBe(true);
      // Received: SOURCES_UNAVAILABLE ("... 2 of the 40 outcomes were skipped because their activity sources failed").
      expect((e as { code: string }).code).toBe('TALENT_INSUFFICIENT_DATA');
    } finally {
      await radar.close();
    }
  });
});

/**
 * Hostile review 4, `fitBreakoutModel`'s switches: a value of the wrong type is refused, never
 * read for its truthiness (`recalibrate: 'no'` recalibrated).
 */
import { describe, expect, it } from 'vitest';
import { SceneRadarError } from 'scene-radar';
import { fitBreakoutModel, type CalibrationExample } from 'scene-radar/backtest';

// biome-ignore lint/suspicious/noExplicitAny: hostile input on purpose
const untyped = (v: unknown): any => v;

const examples: CalibrationExample[] = Array.from({ length: 40 }, (_, i) => ({
  inputs: { level_now: (i % 10) / 3 },
  label: i % 10 >= 7,
  time: Date.UTC(2020, 0, 1) + i * 86_400_000,
}));

describe('fitBreakoutModel options', () => {
  it('refuses a recalibrate or onProgress of the wrong type with TALENT_VALIDATION_ERROR naming it', () => {
    for (const [options, field] of [
      [{ recalibrate: 'no' }, 'recalibrate'],
      [{ recalibrate: 0 }, 'recalibrate'],
      [{ recalibrate: null }, 'recalibrate'],
      [{ onProgress: 5 }, 'onProgress'],
    ] as const) {
      let error: unknown;
      try {
        fitBreakoutModel(examples, untyped(options));
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(options)).toBeInstanceOf(SceneRadarError);
      expect((error as SceneRadarError).code).toBe('TALENT_VALIDATION_ERROR');
      expect((error as SceneRadarError).message).toMatch(new RegExp(`^${field}:`));
    }
  });

  it('still fits with the booleans', () => {
    expect(fitBreakoutModel(examples, { recalibrate: false, folds: 1 }).model.inputs.level_now.weight).toBeGreaterThan(
      0,
    );
  });
});

/**
 * calibrate() and setBreakoutModel() under hostile input: a population callback that throws, fit
 * options refused only after every outcome's sources were read, a bad weight reported at an index
 * of a list the caller never saw, a validation grid with NaN where the stored copy has null, and a
 * validation report that cannot be stored. Each is refused with the SDK's codes, before any read.
 */
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createSceneRadar, fixedClock, isSceneRadarError, type SceneRadarSources } from 'scene-radar';
import { fitBreakoutModel, type CalibrationExample, type CalibrationValidation } from 'scene-radar/backtest';
import { afterAll, describe, expect, it } from 'vitest';

const world = createDemoWorld({ seed: 7, artists: 80, end: '2025-12-31', days: 500 });
const slugs = [...world.truth.artists()].map((a) => a.slug).slice(0, 40);
const rising = (slug: string): boolean => ['breakout', 'rising'].includes(world.truth.artist(slug)!.career);
const instants = ['2025-02-01', '2025-03-01', '2025-04-01', '2025-05-01'].map((d) => new Date(`${d}T00:00:00.000Z`));
const outcomes = instants.flatMap((asOf) =>
  slugs.map((artistSlug) => ({ artistSlug, asOf, label: rising(artistSlug) })),
);

/** The demo world's sources, counting every RCF read. */
let reads = 0;
const rcf = world.sources.rcf!;
const sources: SceneRadarSources = {
  ...world.sources,
  rcf: new Proxy(rcf, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        reads++;
        return Reflect.apply(value, target, args);
      };
    },
  }),
};
const radar = createSceneRadar({ sources, clock: fixedClock(new Date('2026-01-01T00:00:00.000Z')) });
afterAll(() => radar.close());

// biome-ignore lint/suspicious/noExplicitAny: hostile input on purpose
const untyped = (v: unknown): any => v;

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string; cause: unknown }> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!isSceneRadarError(e)) throw new Error(`expected a SceneRadarError, got ${String(e)}`);
  return { code: e.code, message: e.message, cause: e.cause };
}

describe('radar.talent.calibrate()', () => {
  it('reports a population callback that throws as TALENT_VALIDATION_ERROR naming the instant, the throw as its cause', async () => {
    const boom = new TypeError('pop boom');
    const e = await refusal(
      radar.talent.calibrate(outcomes, {
        population: () => {
          throw boom;
        },
      }),
    );
    expect(e).toEqual({
      code: 'TALENT_VALIDATION_ERROR',
      message: 'population threw as of 2025-02-01T00:00:00.000Z: TypeError: pop boom',
      cause: boom,
    });
  });

  it('refuses bad fit options before reading a single source', async () => {
    // The count sees the reads a calibration makes.
    reads = 0;
    await radar.talent.calibrationExamples(outcomes.slice(0, 5));
    expect(reads).toBeGreaterThan(0);
    for (const [options, message] of [
      [{ l2: -1 }, 'l2: Expected a finite number >= 0, or a non-empty list of them'],
      [{ folds: 0 }, 'folds: Expected an integer in 1-20'],
      [{ horizonDays: 30.5 }, 'horizonDays: Expected an integer in 1-3650'],
      [{ recalibrate: 'no' }, 'recalibrate: Expected true or false'],
    ] as const) {
      reads = 0;
      const e = await refusal(radar.talent.calibrate(outcomes, untyped(options)));
      expect(e.code, JSON.stringify(options)).toBe('TALENT_VALIDATION_ERROR');
      expect(e.message).toBe(message);
      expect(reads, JSON.stringify(options)).toBe(0);
    }
    // Options that cannot even be read are refused the same way.
    const unreadable = new Proxy(
      {},
      {
        get() {
          throw new TypeError('opt boom');
        },
      },
    );
    reads = 0;
    expect((await refusal(radar.talent.calibrate(outcomes, untyped(unreadable)))).code).toBe('TALENT_VALIDATION_ERROR');
    expect(reads).toBe(0);
  });

  it('reports a bad weight at its index in outcomes, before reading, skipped outcomes or not', async () => {
    // Two artists no source knows come first: they give no example, which shifted the index.
    const list = [
      { artistSlug: 'no-such-artist', asOf: instants[0]!, label: false },
      { artistSlug: 'nor-this-one', asOf: instants[0]!, label: false },
      ...outcomes,
    ];
    for (const weight of [Number.NaN, '2', 0, 1e10]) {
      reads = 0;
      const bad = list.map((o, i) => (i === 2 ? { ...o, weight: untyped(weight) } : o));
      const e = await refusal(radar.talent.calibrate(bad, { l2: 0.01 }));
      expect(e, String(weight)).toMatchObject({
        code: 'TALENT_VALIDATION_ERROR',
        message: 'outcomes.2.weight: Expected a number in 1e-9 to 1e9',
      });
      expect(reads).toBe(0);
    }
  });
});

describe('fitBreakoutModel when no fold can be formed', () => {
  const single: CalibrationExample[] = Array.from({ length: 60 }, (_, i) => ({
    inputs: { level_now: (i % 10) / 3 },
    label: i % 10 >= 7,
    time: Date.UTC(2024, 0, 1),
  }));

  it('reports a null validation log-loss, as setBreakoutModel stores it, never NaN', async () => {
    const fit = fitBreakoutModel(single, { l2: [0.01, 0.1] });
    expect(fit.validation.validated).toBe(false);
    expect(fit.validation.grid).toEqual([
      { l2: 0.01, logLoss: null, meanAuc: null },
      { l2: 0.1, logLoss: null, meanAuc: null },
    ]);
    await radar.talent.setBreakoutModel(fit.model, { validation: fit.validation });
    expect((await radar.talent.appliedBreakoutModel())!.validation).toEqual(fit.validation);
    await radar.talent.resetBreakoutModel();
  });
});

describe('setBreakoutModel(model, { validation })', () => {
  it('refuses a validation report that is not plain JSON data with TALENT_VALIDATION_ERROR, storing nothing', async () => {
    const model = radar.talent.breakoutModel();
    const cyclic: Record<string, unknown> = { l2: 0.01 };
    cyclic.self = cyclic;
    for (const validation of [cyclic, { l2: 1n }]) {
      const e = await refusal(
        radar.talent.setBreakoutModel(model, { validation: untyped(validation) as CalibrationValidation }),
      );
      expect(e.code).toBe('TALENT_VALIDATION_ERROR');
      expect(e.message).toBe('validation cannot be stored: it is not plain JSON data');
      expect(await radar.talent.appliedBreakoutModel()).toBeNull();
    }
  });
});

/**
 * Hostile review 3, Talent Radar entry points: malformed calls must fail with the seed's
 * validation code (never a raw TypeError / RangeError, never a silently reshaped answer).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createSceneRadar, type HostFeature, SceneRadarError } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { fitBreakoutModel } from 'scene-radar/backtest';

const world = createDemoWorld({ artists: 20 });
const radar = createSceneRadar({ sources: world.sources });
afterAll(() => radar.close());

/** Calls `f` and returns what it threw (sync or async), failing when it did not throw. */
async function thrown(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}
async function expectCode(f: () => unknown, code: string, message?: RegExp): Promise<void> {
  const e = await thrown(f);
  expect(e).toBeInstanceOf(SceneRadarError);
  expect((e as SceneRadarError).code).toBe(code);
  if (message) expect((e as Error).message).toMatch(message);
}
// biome-ignore lint/suspicious/noExplicitAny: hostile input on purpose
const untyped = (v: unknown): any => v;
const outcome = { artistSlug: 'artist-a', asOf: new Date('2025-06-01T00:00:00Z'), label: true };
const examples = Array.from({ length: 40 }, (_, i) => ({
  inputs: { level_now: (i * 7) % 11, career_age: i % 5 },
  label: i % 3 === 0,
  time: Date.UTC(2024, 0, 1) + Math.floor(i / 8) * 86_400_000,
}));

describe('scoreArtists', () => {
  it('refuses artistSlugs that are not an array instead of splitting a string into characters', async () => {
    await expectCode(() => radar.talent.scoreArtists(untyped('abc')), 'TALENT_VALIDATION_ERROR', /artistSlugs/);
    await expectCode(() => radar.talent.scoreArtists(untyped(5)), 'TALENT_VALIDATION_ERROR');
    await expectCode(() => radar.talent.scoreArtists(untyped(null)), 'TALENT_VALIDATION_ERROR');
    await expectCode(() => radar.talent.scoreArtists(untyped(new Set(['artist-a']))), 'TALENT_VALIDATION_ERROR');
  });

  it('refuses malformed options (null, a population that is not an array, a signal that is not one)', async () => {
    await expectCode(() => radar.talent.scoreArtists(['artist-a'], untyped(null)), 'TALENT_VALIDATION_ERROR');
    await expectCode(
      () => radar.talent.scoreArtists(['artist-a'], { population: untyped('artist-b') }),
      'TALENT_VALIDATION_ERROR',
      /population/,
    );
    await expectCode(
      () => radar.talent.scoreArtists(['artist-a'], { population: untyped(5) }),
      'TALENT_VALIDATION_ERROR',
    );
    await expectCode(
      () => radar.talent.scoreArtists(['artist-a'], { signal: untyped({ aborted: false }) }),
      'TALENT_VALIDATION_ERROR',
      /signal/,
    );
  });
});

describe('getArtistScores', () => {
  it('reports a hole in the slugs as invalid instead of listing undefined as missing', async () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the probe
    const sparse = untyped([, 'artist-a']);
    await expectCode(
      () => radar.talent.aggregator.getArtistScores(sparse),
      'TALENT_VALIDATION_ERROR',
      /artistSlugs\.0/,
    );
    await expectCode(() => radar.readOnly.getArtistScores(sparse), 'TALENT_VALIDATION_ERROR');
  });
});

describe('calibrationExamples / calibrate', () => {
  it('refuses a hole in outcomes instead of dropping it unseen', async () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the probe
    const sparse = untyped([, outcome]);
    await expectCode(() => radar.talent.calibrationExamples(sparse), 'TALENT_VALIDATION_ERROR', /outcomes\.0/);
    await expectCode(() => radar.talent.calibrate(sparse), 'TALENT_VALIDATION_ERROR', /outcomes\.0/);
  });

  it('refuses null options and a population that is not a function returning slugs', async () => {
    await expectCode(() => radar.talent.calibrationExamples([outcome], untyped(null)), 'TALENT_VALIDATION_ERROR');
    await expectCode(() => radar.talent.calibrate([outcome], untyped(null)), 'TALENT_VALIDATION_ERROR');
    await expectCode(
      () => radar.talent.calibrationExamples([outcome], { population: untyped(['artist-a']) }),
      'TALENT_VALIDATION_ERROR',
      /population/,
    );
    await expectCode(
      () => radar.talent.calibrationExamples([outcome], { population: () => untyped(5) }),
      'TALENT_VALIDATION_ERROR',
      /population/,
    );
  });
});

describe('fitBreakoutModel', () => {
  it('refuses a sparse list, null options and a time no Date can hold', async () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the probe
    const sparse = untyped([, ...examples]);
    await expectCode(() => fitBreakoutModel(sparse), 'TALENT_VALIDATION_ERROR', /examples\.0/);
    await expectCode(() => fitBreakoutModel(examples, untyped(null)), 'TALENT_VALIDATION_ERROR', /options/);
    const far = examples.map((e, i) => ({ ...e, time: i * 1e300 }));
    await expectCode(() => fitBreakoutModel(far), 'TALENT_VALIDATION_ERROR', /examples\.1/);
  });

  it('refuses an exclude that is not a list (it was ignored, and the input kept its weight)', async () => {
    await expectCode(
      () => fitBreakoutModel(examples, { exclude: untyped('career_age') }),
      'TALENT_VALIDATION_ERROR',
      /exclude/,
    );
    await expectCode(() => fitBreakoutModel(examples, { exclude: untyped([5]) }), 'TALENT_VALIDATION_ERROR', /exclude/);
    expect(fitBreakoutModel(examples, { exclude: ['career_age'] }).model.inputs.career_age.weight).toBe(0);
  });

  it('names an input that cannot be a host input as invalid, not as insufficient data after the fit', async () => {
    const bad = examples.map((e, i) => ({ ...e, inputs: { ...e.inputs, 'Follows!': i % 4 } }));
    await expectCode(() => fitBreakoutModel(bad), 'TALENT_VALIDATION_ERROR', /Follows!/);
    expect(fitBreakoutModel(bad, { exclude: ['Follows!'] }).examples).toBe(40);
  });
});

describe('createSceneRadar hostFeatures', () => {
  const feature = (name: string): HostFeature => ({ name, source: 'host', read: () => ({}) });
  it('refuses a hole and a name that would overwrite a built-in input', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the probe
    const sparse = untyped([, feature('follows')]);
    expect(() => createSceneRadar({ sources: world.sources, hostFeatures: sparse })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/hostFeatures\.0/) }),
    );
    for (const name of ['career_age', 'press', 'level_now'])
      expect(() => createSceneRadar({ sources: world.sources, hostFeatures: [feature(name)] })).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/built-in/) }),
      );
  });
});

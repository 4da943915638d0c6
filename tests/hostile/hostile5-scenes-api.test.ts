/**
 * Hostile review 5: the Scenes Engine's public methods with odd input (catalogs with duplicate
 * slugs, unreadable catalogs and options, arrays with a huge length and no entries, impossible and
 * far-future dates) and across close(). Every bad input is a SceneRadarError with the seed's code,
 * never the host's own exception, a silently rewritten result, a heap exhausted or work that goes
 * on after close().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 40, end: '2026-11-24' });
const SCENE = world.catalog.scenes[0]!;

/** An object every read of which throws, as a hostile proxy does. */
const trap = new Proxy(
  {},
  {
    get() {
      throw new Error('trap: get');
    },
    has() {
      throw new Error('trap: has');
    },
    ownKeys() {
      throw new Error('trap: ownKeys');
    },
    getOwnPropertyDescriptor() {
      throw new Error('trap: getOwnPropertyDescriptor');
    },
  },
) as never;

/** An array with `length` and no entries at all. */
function holes(length: number): never {
  const a: unknown[] = [];
  a.length = length;
  return a as never;
}

let radar: SceneRadar;

beforeAll(async () => {
  radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh(NOW);
}, 60_000);

afterAll(async () => {
  await radar?.close();
});

describe('importCatalog with odd catalogs', () => {
  it('refuses two rows of one table with the same slug, naming both, and writes nothing', async () => {
    const renamed = { ...SCENE, name: 'Renamed Twin' };
    await expect(radar.scenes.importCatalog({ scenes: [SCENE, renamed], microgenres: [] })).rejects.toMatchObject({
      code: 'SCENES_VALIDATION_ERROR',
      details: [{ code: 'custom', path: ['scenes', '1', 'slug'], message: expect.stringContaining('scenes.0') }],
    });
    expect((await radar.scenes.getScene(SCENE.slug)).name).toBe(SCENE.name);
    const genre = world.catalog.microgenres[0]!;
    await expect(
      radar.scenes.importCatalog({ scenes: [], microgenres: [genre, { ...genre, name: 'Twin' }] }),
    ).rejects.toMatchObject({ code: 'SCENES_VALIDATION_ERROR', details: [{ path: ['microgenres', '1', 'slug'] }] });
    expect((await radar.scenes.getMicrogenre(genre.slug)).name).toBe(genre.name);
  });

  it('refuses a table with a huge length before walking it, and a catalog whose reads throw', async () => {
    const started = performance.now();
    await expect(radar.scenes.importCatalog({ scenes: holes(100_001), microgenres: [] })).rejects.toMatchObject({
      code: 'SCENES_INVALID_PARAMS',
      details: [{ code: 'too_big', path: ['scenes'] }],
    });
    await expect(radar.scenes.importCatalog({ scenes: [], microgenres: holes(2 ** 32 - 1) })).rejects.toMatchObject({
      code: 'SCENES_INVALID_PARAMS',
    });
    expect(performance.now() - started).toBeLessThan(2_000);
    for (const catalog of [
      trap,
      { scenes: [trap], microgenres: [] },
      {
        get scenes(): never {
          throw new Error('getter');
        },
        microgenres: [],
      },
    ])
      await expect(radar.scenes.importCatalog(catalog as never)).rejects.toMatchObject({
        code: 'SCENES_VALIDATION_ERROR',
        message: 'Invalid catalog: The catalog cannot be read',
      });
    expect((await radar.scenes.listScenes({ limit: 1 })).total).toBe(world.catalog.scenes.length);
  });
});

describe('Scenes reads with odd arguments', () => {
  it('batchProcessScenes refuses an array with a huge length and no entries by its length, at once', async () => {
    const started = performance.now();
    await expect(radar.scenes.pulse.batchProcessScenes(holes(1_000_000))).rejects.toMatchObject({
      code: 'SCENES_INVALID_PARAMS',
      message: 'At most 100 scenes per query, got 1000000',
    });
    await expect(radar.scenes.pulse.batchProcessScenes(holes(2 ** 32 - 1))).rejects.toMatchObject({
      code: 'SCENES_INVALID_PARAMS',
    });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('options whose reads throw are SCENES_VALIDATION_ERROR on every method, never the host exception', async () => {
    const s = radar.scenes;
    const calls: [string, () => Promise<unknown>][] = [
      ['getScenePulse', () => s.pulse.getScenePulse(SCENE.slug, trap)],
      ['batchProcessScenes', () => s.pulse.batchProcessScenes([SCENE.slug], trap)],
      ['getRegionalPulse', () => s.pulse.getRegionalPulse(SCENE.region, trap)],
      ['getGlobalPulse', () => s.pulse.getGlobalPulse(trap)],
      ['listScenes', () => s.listScenes(trap)],
      ['listMicrogenres', () => s.listMicrogenres(trap)],
      ['listMemberships', () => s.listMemberships(trap)],
      ['getSceneTrends', () => s.getSceneTrends(SCENE.slug, trap)],
      ['getRelatedScenes', () => s.getRelatedScenes(SCENE.slug, trap)],
      ['recommendScenes', () => s.recommendScenes(trap)],
      ['backfillTrends', () => s.backfillTrends(trap)],
      ['refresh', () => s.refresh(NOW, trap)],
    ];
    for (const [name, call] of calls) {
      const error = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, name).toMatchObject({
        code: 'SCENES_VALIDATION_ERROR',
        message: expect.stringMatching(/options cannot be read/),
      });
    }
  });

  it('backfillTrends refuses a day the calendar does not have instead of replaying the day it rolls over to', async () => {
    await expect(radar.scenes.backfillTrends({ from: '2026-02-30', to: '2026-03-03' })).rejects.toMatchObject({
      code: 'SCENES_VALIDATION_ERROR',
      details: [{ code: 'invalid_date', path: ['from'] }],
    });
    await expect(radar.scenes.backfillTrends({ from: '2026-03-01', to: '2026-04-31' })).rejects.toMatchObject({
      code: 'SCENES_VALIDATION_ERROR',
      details: [{ path: ['to'] }],
    });
  });

  it('backfillTrends from a day after year 9999 is refused as a value (no four-digit year), not a replay that runs into the tables', async () => {
    for (const from of [new Date('+010000-01-01T00:00:00Z'), new Date(8.64e15)])
      await expect(radar.scenes.backfillTrends({ from })).rejects.toMatchObject({
        code: 'SCENES_VALIDATION_ERROR',
        details: [{ code: 'too_big', path: ['from'] }],
      });
  });

  it('stateAsOf refuses an invalid instant with SCENES_VALIDATION_ERROR', async () => {
    for (const asOf of [new Date(Number.NaN), 'yesterday' as never])
      await expect(radar.scenes.stateAsOf(asOf)).rejects.toMatchObject({ code: 'SCENES_VALIDATION_ERROR' });
  });
});

describe('close() during a backfill', () => {
  it('stops the replay with RADAR_CLOSED instead of reading sources and writing trends for every day left', async () => {
    const own = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await own.scenes.importCatalog(world.catalog);
    let closing: Promise<void> | undefined;
    const backfill = own.scenes.backfillTrends({
      from: '2026-06-01',
      membershipEveryDays: 1,
      onProgress: () => {
        closing ??= own.close();
      },
    });
    await expect(backfill).rejects.toMatchObject({ code: 'RADAR_CLOSED' });
    await closing;
  }, 60_000);
});

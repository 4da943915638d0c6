/** `RadarAggregator.sceneHeats` (public): bad arguments are `TALENT_VALIDATION_ERROR`, never a raw TypeError or a silent drop. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, isSceneRadarError, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
let radar: SceneRadar;
let scene: string;

beforeAll(async () => {
  const world = createDemoWorld({ artists: 40, end: '2026-11-24' });
  radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  scene = world.catalog.scenes[0]!.slug;
  await radar.scenes.refresh(NOW);
});
afterAll(() => radar.close());

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'none';
  } catch (e) {
    return isSceneRadarError(e) ? e.code : `raw ${(e as Error).name}`;
  }
}

describe('sceneHeats', () => {
  it('answers the heat of known scenes and leaves unknown ones out', async () => {
    const heats = await radar.talent.aggregator.sceneHeats([scene, 'no-such-scene'], NOW);
    expect([...heats.keys()]).toEqual([scene]);
    expect(heats.get(scene)).toBeGreaterThanOrEqual(0);
    // An instant as an ISO string is read like the Date it names, as elsewhere in the API.
    const again = await radar.talent.aggregator.sceneHeats([scene], NOW.toISOString() as unknown as Date);
    expect(again.get(scene)).toBe(heats.get(scene));
  });

  it.each([
    ['an invalid date', () => [[scene], new Date(Number.NaN)]],
    ['a date that is not one', () => [[scene], 'yesterday' as unknown as Date]],
    ['no date', () => [[scene], undefined as unknown as Date]],
    ['null slugs', () => [null as unknown as string[], NOW]],
    ['a malformed slug', () => [['BAD'], NOW]],
    ['__proto__', () => [['__proto__'], NOW]],
  ] as const)('%s: TALENT_VALIDATION_ERROR', async (_, args) => {
    const [slugs, asOf] = args();
    expect(await codeOf(radar.talent.aggregator.sceneHeats(slugs as string[], asOf as Date))).toBe(
      'TALENT_VALIDATION_ERROR',
    );
  });
});

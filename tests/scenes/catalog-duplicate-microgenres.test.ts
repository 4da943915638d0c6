/**
 * A scene that names one microgenre twice: `importCatalog` refuses it (SCENES_VALIDATION_ERROR,
 * a `details` entry at the repeat's path), as it refuses two rows with one slug, rather than
 * cleaning the catalog up silently. A row with a repeat that reached the store another way (an
 * older version's import, a host writing the table) counts each microgenre once: memberships
 * never counted it twice, and scene relationships' shared sound no longer does either.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, isSceneRadarError } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { memoryScenesStores } from 'scene-radar/stores';
import { buildSoundMap } from '../../src/scenes/membership-math.js';
import { computeRelationships } from '../../src/scenes/relationships.js';

const NOW = '2026-11-25T00:00:00.000Z';

describe('a scene naming one microgenre twice', () => {
  it('is SCENES_VALIDATION_ERROR with a details entry at scenes.<i>.microgenres.<j>; nothing is imported', async () => {
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    try {
      const scene = world.catalog.scenes[1]!;
      const [g, h] = scene.microgenres;
      const scenes = world.catalog.scenes.map((s, i) => (i === 1 ? { ...s, microgenres: [g!, h!, g!] } : s));
      const error = await radar.scenes.importCatalog({ scenes, microgenres: world.catalog.microgenres }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isSceneRadarError(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'SCENES_VALIDATION_ERROR',
        httpStatus: 400,
        details: [
          {
            code: 'custom',
            path: ['scenes', '1', 'microgenres', '2'],
            message: `Duplicate microgenre ${g} (also scenes.1.microgenres.0)`,
          },
        ],
      });
      expect((error as Error).message).toContain('scenes.1.microgenres.2');
      expect((await radar.scenes.listScenes({ limit: 5 })).total).toBe(0);
      expect((await radar.scenes.listMicrogenres({ limit: 5 })).total).toBe(0);
    } finally {
      await radar.close();
    }
  });

  it('already in the store, it counts once: relationships, memberships and the pulse are those without the repeat', async () => {
    const world = createDemoWorld({ artists: 30, end: '2026-11-24' });
    const outputs = async (repeat: boolean) => {
      const stores = memoryScenesStores();
      const radar = createSceneRadar({ sources: world.sources, stores: { scenes: stores }, clock: fixedClock(NOW) });
      try {
        await radar.scenes.importCatalog(world.catalog);
        // Past the import's check, as a row written by the host or before the check would be.
        if (repeat)
          for (const s of await stores.scenes.scan())
            await stores.scenes.upsert([{ ...s, microgenres: [...s.microgenres, ...s.microgenres] }]);
        await radar.refresh(new Date(NOW));
        const pulse = await radar.scenes.pulse.getScenePulse(world.catalog.scenes[0]!.slug);
        return {
          relationships: await stores.scene_relationships.scan(),
          memberships: await stores.scene_memberships.scan(),
          pulse: { heat: pulse.heat, mix: pulse.microgenre_mix, explanation: pulse.explanation },
        };
      } finally {
        await radar.close();
      }
    };
    const [clean, repeated] = [await outputs(false), await outputs(true)];
    expect(clean.relationships.some((r) => r.type === 'shared_sound')).toBe(true);
    expect(repeated).toEqual(clean);
  }, 30_000);

  it('shared sound: the Jaccard and the evidence count distinct microgenres', async () => {
    const row = (slug: string, microgenres: string[]) => ({
      slug,
      name: slug,
      region: 'uk',
      city: null,
      microgenres,
      updated_at: NOW,
    });
    const sound = async (a: string[], b: string[]) =>
      (
        await computeRelationships(
          [row('a-uk', a), row('b-uk', b)],
          [],
          new Map(),
          buildSoundMap([]),
          { minWeight: 0, perScene: 5 },
          NOW,
        )
      )
        .filter((r) => r.type === 'shared_sound')
        .map((r) => [r.weight, r.evidence]);
    // {x, y} and {x, z}: one shared of three.
    expect(await sound(['x', 'y'], ['x', 'x', 'z'])).toEqual(await sound(['x', 'y'], ['x', 'z']));
    expect(await sound(['x', 'y'], ['x', 'z'])).toEqual([
      [0.3333, 1],
      [0.3333, 1],
    ]);
  });
});

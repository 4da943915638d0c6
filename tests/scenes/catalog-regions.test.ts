/**
 * A scene's region must be one the requests can name (`REGION_PATTERN`: lowercase letters,
 * digits, hyphens): `UK` or ` us ` used to import, could then never be filtered on
 * (`listScenes({ region: 'UK' })` is a validation error) and never matched an artist's `uk`.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, isSceneRadarError } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';

describe('catalog regions', () => {
  it.each(['UK', ' us ', 'über', ''])(
    'a scene region %j is SCENES_VALIDATION_ERROR naming the row; nothing is imported',
    async (region) => {
      const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
      const radar = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00Z') });
      try {
        const scenes = world.catalog.scenes.map((s, i) => (i === 1 ? { ...s, region } : s));
        const error = await radar.scenes.importCatalog({ scenes, microgenres: world.catalog.microgenres }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(isSceneRadarError(error)).toBe(true);
        expect(error).toMatchObject({ code: 'SCENES_VALIDATION_ERROR' });
        expect((error as Error).message).toMatch(/scenes\.1\.region/);
        expect((await radar.scenes.listScenes({ limit: 5 })).total).toBe(0);
      } finally {
        await radar.close();
      }
    },
  );
});

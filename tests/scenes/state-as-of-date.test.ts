/**
 * `ScenesEngine.stateAsOf` reads the instant it was given once, through the validated copy: a Date
 * subclass whose own `getTime` answers another instant must not move the call to another day.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = '2026-11-25T00:00:00.000Z';

describe('stateAsOf and a Date subclass', () => {
  it('uses the instant the Date holds, not what an overridden getTime answers', async () => {
    const world = createDemoWorld({ artists: 20, scenes: 3, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.scenes.refresh(new Date(NOW));
      class Lying extends Date {
        override getTime(): number {
          return Date.UTC(2020, 0, 1);
        }
      }
      // After the refresh: the live tables answer (no replay of 2020).
      const state = await radar.scenes.stateAsOf(new Lying(Date.parse(NOW) + 3_600_000));
      expect(state.live).toBe(true);
    } finally {
      await radar.close();
    }
  });
});

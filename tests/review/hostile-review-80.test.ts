/**
 * Hostile review 80: scene recommendations, related scenes and trends as a user reads them
 * (src/scenes/recommendations.ts, src/scenes/trends.ts, src/scenes/relationships.ts,
 * src/scenes/engine.ts), held to docs/scenes.md and the seed contract.
 *
 * Every test here fails on the code as reviewed, because of the fault its name states.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { memoryScenesStores } from '../../src/stores.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 120, end: '2026-11-25' });

describe('hostile review 80: recommendations, related scenes and trends', () => {
  // Fault: the stored-recommendations check looks only at expires_at, never at computed_at, so a ranking computed after `now` is served as of now (src/scenes/recommendations.ts:66, `cached.every((r) => Date.parse(r.expires_at) > nowMs)`).
  it('a stored watch list computed after the current instant (the clock moved back, as fixedClock allows) is not served as the answer as of now', async () => {
    // docs/scenes.md: results are stored "for an hour"; everything is computed as of a time. A
    // ranking computed at 2026-11-26T00:30 (pulse window ending 2026-11-25) carries heat the scenes
    // do not have as of 2026-11-25T00:00 (indie-nz-auckland 34.97 against 34.77); served back at
    // that instant, with `stored: true`, it shows data from the future.
    const clock = fixedClock(NOW);
    const radar = createSceneRadar({ sources: world.sources, clock, stores: { scenes: memoryScenesStores() } });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh(NOW);
      clock.set('2026-11-26T00:30:00.000Z');
      const later = await radar.scenes.recommendScenes({ limit: 3 });
      expect(later.items.length).toBe(3);
      clock.set(NOW);
      const now = await radar.scenes.recommendScenes({ limit: 3 });
      expect(now.items.length).toBe(3);
      // Computed at the current instant, not an hour's reuse of a ranking from the next day.
      for (const item of now.items) expect(Date.parse(item.computed_at)).toBeLessThanOrEqual(NOW.getTime());
    } finally {
      await radar.close();
    }
  }, 60_000);
});

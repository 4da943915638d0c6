/**
 * A breakout model another instance applied, adopted by a radar that reads it from the stores
 * (`appliedBreakoutModel()`, or the state read before a refresh or a score): the results this radar
 * had cached with the previous model are not served under it any more.
 */
import { describe, expect, it } from 'vitest';
import { createDemoWorld, memoryScenesStores, memoryTalentStores } from '../../adapters/memory/index.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';

const T = new Date('2026-06-12T06:00:00.000Z');
const world = createDemoWorld({ artists: 30, seed: 23, end: '2026-06-30' });

describe('a model applied by another instance', () => {
  it('is adopted with the cached results of the old model forgotten: a profile then carries the new model_version', async () => {
    const stores = { scenes: memoryScenesStores(), talent: memoryTalentStores() };
    const a = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(T) });
    const b = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(T) });
    try {
      await a.scenes.importCatalog(world.catalog);
      await a.refresh(T);
      const slug = (await stores.talent.talent_radar_artists.scan({ limit: 1 }))[0]!.artist_slug;
      const before = await b.talent.aggregator.buildArtistProfile(slug);
      const oldVersion = b.talent.modelVersion;
      expect(before.explanation.model_version).toBe(oldVersion);
      const applied = await a.talent.setBreakoutModel({ ...a.talent.breakoutModel(), intercept: -2.25 });
      expect(applied.modelVersion).not.toBe(oldVersion);
      // B reads the stored model: it scores with it, and no longer serves the pulse it cached.
      expect((await b.talent.appliedBreakoutModel())?.modelVersion).toBe(applied.modelVersion);
      expect(b.talent.modelVersion).toBe(applied.modelVersion);
      const after = await b.talent.aggregator.buildArtistProfile(slug);
      expect(after.explanation.model_version).toBe(applied.modelVersion);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

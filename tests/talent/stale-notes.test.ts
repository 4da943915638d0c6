/**
 * The notes of `meta.degraded` about the last refresh, on an instance whose own universe walk
 * failed while another instance over the same stores refreshed later (docs/reliability.md,
 * "Talent records"): the failed walk is not "the last refresh" once a later one has committed.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type MIGAdapter } from '../../src/index.js';
import { createMemoryStores } from '../../src/stores.js';
import { createDemoWorld } from '../../adapters/memory/index.js';

const T1 = new Date('2026-11-25T00:00:00.000Z');
const T2 = new Date('2026-11-26T00:00:00.000Z');
const T3 = new Date('2026-11-27T00:00:00.000Z');
const world = createDemoWorld({ artists: 30, end: '2026-11-25' });

describe('meta.degraded after another instance refreshed', () => {
  it('drops "the last refresh could not read the artist universe" once a later refresh has committed elsewhere', async () => {
    const mig0 = world.sources.mig!;
    const down = { on: false };
    const mig: MIGAdapter = {
      ...mig0,
      listArtists: async (q, o) => {
        if (down.on) throw new Error('MIG unreachable');
        return mig0.listArtists(q, o);
      },
    };
    const stores = createMemoryStores();
    const clock = fixedClock(T1);
    const a = createSceneRadar({ sources: { ...world.sources, mig }, stores, clock });
    const b = createSceneRadar({ sources: world.sources, stores, clock });
    try {
      await a.scenes.importCatalog(world.catalog);
      await a.refresh();
      // A's walk fails at T2: its results say so, and the records are stale against it.
      clock.set(T2);
      down.on = true;
      await a.refresh();
      const during = await a.talent.aggregator.getTopArtists({ category: 'risk', limit: 3, skipCache: true });
      expect(during.meta.degraded.some((n) => n.includes('could not read the artist universe'))).toBe(true);
      expect(during.meta.stale.records).toBeGreaterThan(0);
      // B refreshes at T3 over the same stores; A reads B's records.
      clock.set(T3);
      await b.refresh();
      const after = await a.talent.aggregator.getTopArtists({ category: 'risk', limit: 3, skipCache: true });
      expect(after.meta.asOf).toBe(T3.toISOString());
      expect(after.meta.stale).toEqual({ records: 0, oldestAsOf: null });
      expect(after.meta.degraded.filter((n) => n.includes('could not read the artist universe'))).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

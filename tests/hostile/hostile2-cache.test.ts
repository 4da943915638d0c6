/**
 * Hostile probe of the cache over a host's store that throws on delete and clear (a shared store
 * gone away): the refresh that committed its tables must not be reported as failed, and close()
 * must finish.
 */
import { describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { type CacheEntry, type CacheStore, lruCacheStore } from '../../src/core/cache/cache-store.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';

const NOW = '2026-11-25T00:00:00.000Z';

describe('hostile: a cache store that cannot forget', () => {
  it('refresh resolves, clearCache and close() settle, and the failures are reported as store errors', async () => {
    const inner = lruCacheStore<unknown>({ maxEntries: 1000 });
    let down = false;
    const fail = () => {
      throw new Error('store down');
    };
    const store: CacheStore<unknown> = {
      get: (k) => (down ? fail() : inner.get(k)),
      set: (k, e: CacheEntry<unknown>) => inner.set(k, e),
      delete: async (k) => (down ? fail() : inner.delete(k)),
      clear: async (p) => (down ? fail() : inner.clear(p)),
      size: () => inner.size(),
      close: async () => undefined,
    };
    const events: string[] = [];
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    const radar = createSceneRadar({
      sources: world.sources,
      clock: fixedClock(NOW),
      cache: { store },
      onCacheEvent: (e) => events.push(e.type),
    });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(NOW));
    down = true;
    const report = await radar.refresh(new Date(NOW));
    expect(report.talent.universe).toBe('ok');
    expect(radar.stats().refresh.radar?.failed ?? 0).toBe(0);
    await expect(radar.talent.aggregator.clearCache()).resolves.toBeUndefined();
    const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 5 });
    expect(pulse).toBeDefined();
    await expect(radar.close()).resolves.toBeUndefined();
    expect(events).toContain('store_error');
  });
});

/**
 * What the one Cache gained so every memo can live behind it: counted `get` / `set` (lookups that
 * compute their misses together), last good values kept across clears on request, eviction and
 * hit-rate counters, events through `callHook`, and the group that names caches and sums them.
 */
import { describe, expect, it } from 'vitest';
import { fixedClock } from 'scene-radar';
import { Cache } from '../../src/core/cache/cache.js';
import { CacheGroup } from '../../src/core/cache/cache-group.js';
import { lruCacheStore } from '../../src/core/cache/cache-store.js';

const NOW = '2026-01-01T00:00:00Z';

describe('Cache counters and last good values', () => {
  it('get counts a hit or a miss and computes nothing; set stores with a TTL (0 stores nothing)', async () => {
    const clock = fixedClock(NOW);
    const cache = new Cache<string>({ ttlMs: 1000, graceMs: 5000, clock });
    expect(await cache.get('k')).toBeUndefined();
    await cache.set('k', 'v');
    await cache.set('degraded', 'd', { ttlMs: 0 });
    expect(await cache.get('k')).toBe('v');
    expect(await cache.get('degraded')).toBeUndefined();
    clock.advance(1000); // past the TTL, inside grace: nothing would refresh it, so a miss
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 3, stale: 0, size: 1, hitRate: 0.25 });
  });

  it('hitRate counts stale serves as served and skipCache calls as bypassed misses; null before any lookup', async () => {
    const clock = fixedClock(NOW);
    const cache = new Cache<number>({ ttlMs: 1000, graceMs: 5000, clock });
    expect(cache.stats().hitRate).toBeNull();
    await cache.getOrCompute('k', async () => 1);
    await cache.getOrCompute('k', async () => 2);
    clock.advance(1500);
    await cache.getOrCompute('k', async () => 3);
    await cache.getOrCompute('k', async () => 4, { skipCache: true });
    expect(cache.stats()).toMatchObject({ hits: 1, stale: 1, misses: 2, bypassed: 1, hitRate: 0.5 });
  });

  it('keeps last good values outside the store: kept by clears that ask, dropped by plain ones, counted when served', async () => {
    const store = lruCacheStore<unknown>();
    const cache = new Cache<string>({ ttlMs: 1000, store, namespace: 'scenes:' });
    cache.setLastGood('pulse:a', 'good-a');
    cache.setLastGood('pulse:b', 'good-b');
    expect(store.size()).toBe(0);
    await cache.delete('pulse:a', { keepLastGood: true });
    await cache.clear({ keepLastGood: true });
    expect(cache.lastGood('pulse:a')).toBe('good-a');
    await cache.delete('pulse:a');
    expect(cache.lastGood('pulse:a')).toBeUndefined();
    await cache.clearPrefix('pulse:');
    expect(cache.lastGood('pulse:b')).toBeUndefined();
    cache.setLastGood('pulse:c', 'good-c');
    await cache.clear();
    expect(cache.lastGood('pulse:c')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ fallbacks: 1, lastGood: 0 });
  });

  it('counts evictions of its own bounded store, not deletes or clears; a host store says undefined', async () => {
    const cache = new Cache<number>({ ttlMs: 60_000, maxEntries: 2 });
    for (let i = 0; i < 10; i++) await cache.getOrCompute(`k${i}`, async () => i);
    await cache.delete('k9');
    await cache.clear();
    const evicted = cache.stats().evictions!;
    expect(evicted).toBeGreaterThan(0);
    expect(evicted).toBeLessThanOrEqual(8);
    // Reading before re-setting keeps a key held: re-setting it is not counted as its eviction.
    const steady = new Cache<number>({ ttlMs: 60_000, maxEntries: 2 });
    for (let i = 0; i < 20; i++) await steady.getOrCompute('only', async () => i, { skipCache: true });
    expect(steady.stats().evictions).toBe(0);
    expect(new Cache<number>({ ttlMs: 1, store: lruCacheStore() }).stats().evictions).toBeUndefined();
  });

  it('a hook that rejects is not an unhandled rejection', async () => {
    let calls = 0;
    const cache = new Cache<number>({
      ttlMs: 1000,
      store: {
        ...lruCacheStore<unknown>(),
        set: () => {
          throw new Error('store down');
        },
      },
      onEvent: async () => {
        calls++;
        throw new Error('metrics push failed');
      },
    });
    expect(await cache.getOrCompute('k', async () => 1)).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
  });
});

describe('CacheGroup', () => {
  it('names caches, prefixes their keys, sums their counters, and counts a shared store once', async () => {
    const store = lruCacheStore<unknown>();
    const events: string[] = [];
    const group = new CacheGroup({
      clock: fixedClock(NOW),
      maxEntries: 100,
      store,
      onEvent: (e) => events.push(e.namespace),
    });
    const a = group.cache<number>('scenes', { ttlMs: 1000, shared: true });
    const b = group.cache<number>('talent', { ttlMs: 1000, shared: true });
    const own = group.cache<number>('scenes-as-of', { ttlMs: 1000 });
    expect(() => group.cache('talent', { ttlMs: 1 })).toThrow('already in use');
    await a.getOrCompute('x', async () => 1);
    await a.getOrCompute('x', async () => 1);
    await b.getOrCompute('x', async () => 2);
    await own.getOrCompute('x', async () => 3);
    await own.getOrCompute('y', async () => 4);
    expect(store.get('scenes:x')).toBeDefined();
    expect(store.get('talent:x')).toBeDefined();
    const s = group.stats();
    expect(Object.keys(s.namespaces)).toEqual(['scenes', 'talent', 'scenes-as-of']);
    expect(s).toMatchObject({ hits: 1, misses: 4, stale: 0, size: 4, hitRate: 0.2 });
    expect(s.namespaces.scenes).toMatchObject({ shared: true, size: undefined, hits: 1, hitRate: 0.5 });
    expect(s.namespaces['scenes-as-of']).toMatchObject({ shared: false, size: 2, evictions: 0 });
    await group.close();
    expect(events).toEqual([]);
  });
});

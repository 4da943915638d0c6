/**
 * The caches' memory estimate (`bytes` in `cache.stats()` and `radar.stats().cache`): an order of
 * magnitude of the heap their entries hold, from a sample of entries, for alerting on cache memory.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { approximateBytes } from '../../src/core/cache/approximate-bytes.js';
import { Cache } from '../../src/core/cache/cache.js';
import { lruCacheStore } from '../../src/core/cache/cache-store.js';

describe('approximateBytes', () => {
  it('grows with the value, counts a shared object once and ends on a cycle', () => {
    const small = approximateBytes({ a: 'x'.repeat(10) });
    const big = approximateBytes({ a: 'x'.repeat(10_000) });
    expect(big - small).toBeGreaterThanOrEqual(9_990);
    expect(big - small).toBeLessThan(10_100);
    const row = { text: 'y'.repeat(5_000) };
    // The same row referenced 100 times is one row and 100 pointers, not 100 rows.
    expect(approximateBytes(new Array(100).fill(row))).toBeLessThan(approximateBytes(row) + 2_000);
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    expect(approximateBytes(cycle)).toBeGreaterThan(0);
    expect(approximateBytes(new Float64Array(1_000))).toBeGreaterThanOrEqual(8_000);
    expect(approximateBytes(new Map([['k', 'v'.repeat(1_000)]]))).toBeGreaterThan(1_000);
  });

  it('estimates a value past its walking bound from the part walked, not as nothing', () => {
    const wide = Array.from({ length: 120_000 }, (_, i) => ({ i }));
    const estimate = approximateBytes(wide);
    const exactish = approximateBytes(wide.slice(0, 40_000)) * 3;
    expect(estimate / exactish).toBeGreaterThan(0.8);
    expect(estimate / exactish).toBeLessThan(1.25);
  });
});

describe('cache bytes', () => {
  it('reports about the heap of its entries and last good values, and 0 when empty', async () => {
    const cache = new Cache<string>({ ttlMs: 60_000, clock: fixedClock('2026-01-01T00:00:00.000Z') });
    expect(cache.stats().bytes).toBe(0);
    for (let i = 0; i < 200; i++) await cache.getOrCompute(`k${i}`, async () => String(i).padEnd(5_000, '.'));
    const { bytes, lastGoodBytes } = cache.stats();
    // 200 strings of 5,000 characters: about 1 MB, with the entries' own bookkeeping on top.
    expect(bytes).toBeGreaterThan(1_000_000);
    expect(bytes).toBeLessThan(1_100_000);
    expect(lastGoodBytes).toBe(0);
    for (let i = 0; i < 50; i++) cache.setLastGood(`k${i}`, 'z'.repeat(2_000));
    expect(cache.stats().lastGoodBytes).toBeGreaterThan(100_000);
    expect(cache.stats().lastGoodBytes).toBeLessThan(110_000);
    await cache.clear();
    expect(cache.stats().bytes).toBe(0);
  });

  it('is unknown for a store that cannot tell (a host store without bytes())', async () => {
    const inner = lruCacheStore<string>();
    const { bytes: _omit, ...store } = inner;
    const cache = new Cache<string>({ ttlMs: 60_000, store });
    await cache.getOrCompute('k', async () => 'v');
    expect(cache.stats().bytes).toBeUndefined();
  });

  it('is summed into radar.stats().cache over the namespaces, growing as results are cached', async () => {
    const world = createDemoWorld({ artists: 120, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00.000Z') });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.scenes.refresh();
      const before = radar.stats().cache;
      for (const scene of world.catalog.scenes.slice(0, 5)) await radar.scenes.pulse.getScenePulse(scene.slug);
      const after = radar.stats().cache;
      expect(after.bytes).toBeGreaterThan(before.bytes);
      const namespaces = Object.values(after.namespaces);
      expect(after.bytes).toBe(namespaces.reduce((n, s) => n + (s.bytes ?? 0) + s.lastGoodBytes, 0));
      expect(after.namespaces.scenes!.bytes).toBeGreaterThan(0);
    } finally {
      await radar.close();
    }
  });
});

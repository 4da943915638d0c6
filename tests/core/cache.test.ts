import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Cache } from '../../src/core/cache/cache.js';
import { lruCacheStore, type CacheEntry, type CacheStore } from 'scene-radar/stores';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Cache', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('serves hits until the TTL passes, then computes again', async () => {
    const cache = new Cache<number>({ ttlMs: 1000 });
    let n = 0;
    const compute = async () => ++n;
    expect(await cache.getOrCompute('k', compute)).toBe(1);
    expect(await cache.getOrCompute('k', compute)).toBe(1);
    vi.advanceTimersByTime(999);
    expect(await cache.getOrCompute('k', compute)).toBe(1);
    vi.advanceTimersByTime(1);
    expect(await cache.getOrCompute('k', compute)).toBe(2);
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 2, stale: 0, errors: 0 });
  });

  it('runs one computation for 10,000 concurrent misses on one key', async () => {
    const cache = new Cache<string>({ ttlMs: 60_000 });
    const gate = deferred<string>();
    const compute = vi.fn(() => gate.promise);
    const callers = Array.from({ length: 10_000 }, () => cache.getOrCompute('scene-pulse:indie-uk-brighton', compute));
    gate.resolve('pulse');
    const values = await Promise.all(callers);
    expect(compute).toHaveBeenCalledTimes(1);
    expect(new Set(values)).toEqual(new Set(['pulse']));
    expect(cache.stats()).toMatchObject({ misses: 10_000, joined: 9_999, inflight: 0 });
  });

  it('serves a stale entry within grace at once, while exactly one refresh runs', async () => {
    const cache = new Cache<string>({ ttlMs: 1000, graceMs: 10_000 });
    await cache.getOrCompute('k', async () => 'old');
    vi.advanceTimersByTime(1500); // past TTL, inside grace
    let refreshes = 0;
    const slowRefresh = () => {
      refreshes++;
      return new Promise<string>((resolve) => setTimeout(() => resolve('new'), 5000));
    };
    const before = Date.now();
    const served = await Promise.all(Array.from({ length: 100 }, () => cache.getOrCompute('k', slowRefresh)));
    // No fake time passed: the stale value came back without waiting for the 5 s refresh.
    expect(Date.now() - before).toBe(0);
    expect(served.every((v) => v === 'old')).toBe(true);
    expect(refreshes).toBe(1);
    expect(cache.stats()).toMatchObject({ stale: 100, refreshes: 1 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(await cache.getOrCompute('k', slowRefresh)).toBe('new');
    expect(refreshes).toBe(1);
  });

  it('treats an entry past its grace as a miss', async () => {
    const cache = new Cache<string>({ ttlMs: 1000, graceMs: 1000 });
    await cache.getOrCompute('k', async () => 'old');
    vi.advanceTimersByTime(2000);
    expect(await cache.getOrCompute('k', async () => 'new')).toBe('new');
    expect(cache.stats().stale).toBe(0);
  });

  it('never stores a failed computation and keeps serving stale data when a refresh fails', async () => {
    const events: string[] = [];
    const cache = new Cache<string>({ ttlMs: 1000, graceMs: 5000, onEvent: (e) => events.push(e.type) });
    await expect(cache.getOrCompute('k', async () => Promise.reject(new Error('source down')))).rejects.toThrow(
      'source down',
    );
    expect(cache.stats()).toMatchObject({ errors: 1, size: 0 });
    await cache.getOrCompute('k', async () => 'good');
    vi.advanceTimersByTime(1500);
    expect(await cache.getOrCompute('k', async () => Promise.reject(new Error('refresh failed')))).toBe('good');
    await vi.runAllTimersAsync();
    expect(events).toEqual(['refresh_error']);
    expect(await cache.getOrCompute('k', async () => 'unused')).toBe('good');
  });

  it('does not store values whose TTL function says 0 (degraded results)', async () => {
    const cache = new Cache<{ degraded: boolean }>({ ttlMs: 1000 });
    const ttlMs = (v: { degraded: boolean }) => (v.degraded ? 0 : 1000);
    await cache.getOrCompute('k', async () => ({ degraded: true }), { ttlMs });
    expect(cache.stats().size).toBe(0);
    await cache.getOrCompute('k', async () => ({ degraded: false }), { ttlMs });
    expect(cache.stats().size).toBe(1);
  });

  it('skipCache bypasses the stored value but joins a computation in flight', async () => {
    const cache = new Cache<number>({ ttlMs: 60_000 });
    await cache.getOrCompute('k', async () => 1);
    const gate = deferred<number>();
    const compute = vi.fn(() => gate.promise);
    const a = cache.getOrCompute('k', compute, { skipCache: true });
    const b = cache.getOrCompute('k', compute, { skipCache: true });
    gate.resolve(2);
    expect(await a).toBe(2);
    expect(await b).toBe(2);
    expect(compute).toHaveBeenCalledTimes(1);
    expect(await cache.getOrCompute('k', async () => 3)).toBe(2);
  });

  it('delete and clear drop entries and discard computations in flight', async () => {
    const cache = new Cache<string>({ ttlMs: 60_000 });
    await cache.getOrCompute('a', async () => 'a1');
    await cache.getOrCompute('b', async () => 'b1');
    await cache.delete('a');
    expect(await cache.getOrCompute('a', async () => 'a2')).toBe('a2');
    expect(await cache.getOrCompute('b', async () => 'b2')).toBe('b1');

    const gate = deferred<string>();
    const flight = cache.getOrCompute('c', () => gate.promise);
    await cache.clear();
    gate.resolve('computed-before-clear');
    expect(await flight).toBe('computed-before-clear');
    expect(cache.stats().size).toBe(0);
    expect(await cache.getOrCompute('c', async () => 'after-clear')).toBe('after-clear');
  });

  it('clearPrefix drops matching keys only, including computations in flight', async () => {
    const cache = new Cache<string>({ ttlMs: 60_000, namespace: 'scenes:' });
    await cache.getOrCompute('region:uk:20', async () => 'uk');
    await cache.getOrCompute('global:10', async () => 'global');
    const gate = deferred<string>();
    const flight = cache.getOrCompute('region:de:20', () => gate.promise);
    await cache.clearPrefix('region:');
    gate.resolve('de-before-clear');
    await flight;
    expect(await cache.getOrCompute('region:uk:20', async () => 'uk2')).toBe('uk2');
    expect(await cache.getOrCompute('region:de:20', async () => 'de2')).toBe('de2');
    expect(await cache.getOrCompute('global:10', async () => 'unused')).toBe('global');
  });

  it('stays bounded and uses no timers', async () => {
    const cache = new Cache<number>({ ttlMs: 60_000, maxEntries: 3, graceMs: 1000 });
    for (let i = 0; i < 10; i++) await cache.getOrCompute(`k${i}`, async () => i);
    const size = cache.stats().size!;
    // quick-lru keeps up to two generations of maxSize; the bound is what matters.
    expect(size).toBeLessThanOrEqual(6);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('works over an asynchronous store and namespaces its keys', async () => {
    const inner = lruCacheStore<unknown>();
    const seen: string[] = [];
    const store: CacheStore<unknown> = {
      get: async (k) => {
        seen.push(k);
        return inner.get(k) as CacheEntry<unknown> | undefined;
      },
      set: async (k, e) => inner.set(k, e),
      delete: async (k) => inner.delete(k),
      clear: async (p) => inner.clear(p),
      size: () => inner.size(),
      close: async () => inner.close(),
    };
    const a = new Cache<number>({ ttlMs: 1000, store, namespace: 'scenes:' });
    const b = new Cache<number>({ ttlMs: 1000, store, namespace: 'talent:' });
    await a.getOrCompute('x', async () => 1);
    await b.getOrCompute('x', async () => 2);
    expect(await a.getOrCompute('x', async () => 9)).toBe(1);
    await a.clear();
    expect(await b.getOrCompute('x', async () => 9)).toBe(2);
    expect(await a.getOrCompute('x', async () => 3)).toBe(3);
    expect(seen).toContain('scenes:x');
  });

  it('after close, computes without caching', async () => {
    const cache = new Cache<number>({ ttlMs: 1000 });
    await cache.close();
    let n = 0;
    expect(await cache.getOrCompute('k', async () => ++n)).toBe(1);
    expect(await cache.getOrCompute('k', async () => ++n)).toBe(2);
  });

  it('survives a store that throws', async () => {
    const events: string[] = [];
    const broken: CacheStore<unknown> = {
      get: () => {
        throw new Error('store down');
      },
      set: () => {
        throw new Error('store down');
      },
      delete: () => false,
      clear: () => undefined,
      size: () => undefined,
      close: () => undefined,
    };
    const cache = new Cache<number>({ ttlMs: 1000, store: broken, onEvent: (e) => events.push(e.type) });
    expect(await cache.getOrCompute('k', async () => 7)).toBe(7);
    expect(events).toEqual(['store_error', 'store_error']);
  });
});

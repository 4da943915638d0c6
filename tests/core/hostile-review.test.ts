/**
 * Hostile review of the core and the entry point: a host's cache store with optional members of
 * the wrong type, one that throws when subscribed to or when asked its size or health, and a clock
 * that does not tell the time. Each is a clear CONFIG_INVALID at construction or a degraded
 * answer, never a raw TypeError at the first read, nor a `stats()` that throws.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, SceneRadarError, type CacheEvent } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { Cache } from '../../src/core/cache/cache.js';
import { CacheGroup } from '../../src/core/cache/cache-group.js';
import type { CacheEntry, CacheStore } from '../../src/core/cache/cache-store.js';

// biome-ignore lint/suspicious/noExplicitAny: hostile input on purpose
const untyped = (v: unknown): any => v;

/** A minimal synchronous store over a Map, with `extra` members merged in. */
function mapStore(extra: Record<string, unknown> = {}): CacheStore<unknown> {
  const m = new Map<string, CacheEntry<unknown>>();
  return untyped({
    get: (k: string) => m.get(k),
    set: (k: string, e: CacheEntry<unknown>) => void m.set(k, e),
    delete: (k: string) => m.delete(k),
    clear: () => m.clear(),
    size: () => m.size,
    close: () => undefined,
    ...extra,
  });
}

/** The CONFIG_INVALID error `createSceneRadar(options)` throws, or a failure if it throws anything else or nothing. */
function configError(options: unknown): SceneRadarError {
  try {
    createSceneRadar(untyped(options));
  } catch (e) {
    expect(e).toBeInstanceOf(SceneRadarError);
    expect((e as SceneRadarError).code).toBe('CONFIG_INVALID');
    return e as SceneRadarError;
  }
  throw new Error('createSceneRadar accepted the options');
}

const boom = (): never => {
  throw new Error('store down');
};

describe('hostile review: cache store and clock of the host', () => {
  it('refuses a cache store whose optional members are not functions, naming the member', () => {
    // Before: coordinate: 'x' failed every cached read with a raw TypeError; onInvalidate: 5 threw one at construction.
    for (const member of ['coordinate', 'onInvalidate', 'bytes', 'health']) {
      const error = configError({ sources: {}, cache: { store: mapStore({ [member]: 'x' }) } });
      expect(error.message).toMatch(new RegExp(`cache\\.store\\.${member} must be a function`));
    }
  });

  it('a store that throws when subscribed to is a store_error, not a crash of the construction', async () => {
    const events: CacheEvent[] = [];
    const cache = new Cache<number>({
      ttlMs: 1000,
      store: mapStore({ onInvalidate: boom }),
      onEvent: (e) => events.push(e),
    });
    expect(events.map((e) => e.type)).toEqual(['store_error']);
    expect(await cache.getOrCompute('k', async () => 1)).toBe(1);
    await cache.close();
    const radar = createSceneRadar({ sources: {}, cache: { store: mapStore({ onInvalidate: boom }) } });
    await radar.close();
  });

  it('stats() reports what it can when the store throws for its size, bytes or health', async () => {
    const store = mapStore({ size: boom, bytes: boom, health: boom });
    const cache = new Cache<number>({ ttlMs: 1000, store });
    expect(cache.stats().size).toBeUndefined();
    expect(cache.stats().bytes).toBeUndefined();
    const group = new CacheGroup({ clock: { now: () => Date.now() }, maxEntries: 10, store });
    group.cache('x', { ttlMs: 1000, shared: true });
    const stats = group.stats();
    expect(stats.size).toBe(0);
    expect(stats.store).toBeUndefined();
    const world = createDemoWorld({ artists: 20, end: '2026-03-01' });
    const radar = createSceneRadar({ sources: world.sources, cache: { store } });
    expect(radar.stats().cache.namespaces.scenes?.shared).toBe(true);
    await radar.close();
  });

  it('refuses a clock whose now() is not a finite number of epoch ms', () => {
    // Before: accepted, then importCatalog threw a raw RangeError (Invalid time value).
    for (const now of [() => Number.NaN, () => Number.POSITIVE_INFINITY, () => undefined, () => '2026-03-01'])
      expect(configError({ sources: {}, clock: { now } }).message).toMatch(/clock must be a Clock/);
    expect(configError({ sources: {}, clock: { now: boom } }).message).toMatch(/clock/);
  });
});

/**
 * `getOrCompute`'s `lastGood: { keep, serve }` option: when a computation fails, its callers get
 * what `serve` makes of the key's last good value (marked stale by the caller) instead of the
 * error; `keep` decides which computed values become the last good one. A fallback is counted,
 * never stored as the key's entry, and never asked for by a background refresh within grace.
 */
import { describe, expect, it, vi } from 'vitest';
import { fixedClock } from 'scene-radar';
import { Cache, type CacheEvent, type LastGoodOptions } from '../../src/core/cache/cache.js';
import { lruCacheStore, type CacheEntry, type CacheStore } from '../../src/core/cache/cache-store.js';

const NOW = '2026-01-01T00:00:00Z';

/** A result that marks its own staleness, as a pulse does. */
interface Pulse {
  readonly v: number;
  readonly ok?: boolean;
  readonly stale?: string;
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const sourceDown = () => new Error('source down');
const failWith = (error: unknown) => () => Promise.reject(error);
const value =
  (v: number, extra: Partial<Pulse> = {}) =>
  async (): Promise<Pulse> => ({ v, ...extra });

/** Keeps every value; serves a copy marked with the error's message. Both are spies. */
function markingStale(keep: (p: Pulse) => boolean = () => true) {
  return {
    keep: vi.fn(keep),
    serve: vi.fn((last: Pulse, error: unknown): Pulse | undefined => ({
      ...last,
      stale: (error as Error).message,
    })),
  } satisfies LastGoodOptions<Pulse>;
}

function setup(options: { graceMs?: number; onEvent?: (e: CacheEvent) => void } = {}) {
  const clock = fixedClock(NOW);
  const cache = new Cache<Pulse>({ ttlMs: 1000, clock, ...options });
  return { clock, cache };
}

describe('Cache getOrCompute lastGood', () => {
  it('serves what serve makes of the last good value when a later computation fails, and counts it', async () => {
    const { clock, cache } = setup();
    const lastGood = markingStale();
    expect(await cache.getOrCompute('k', value(1), { lastGood })).toEqual({ v: 1 });
    expect(lastGood.keep).toHaveBeenCalledWith({ v: 1 });
    clock.advance(1000); // expired: the next call computes

    const error = sourceDown();
    expect(await cache.getOrCompute('k', failWith(error), { lastGood })).toEqual({ v: 1, stale: 'source down' });
    expect(lastGood.serve).toHaveBeenCalledTimes(1);
    expect(lastGood.serve).toHaveBeenCalledWith({ v: 1 }, error);
    expect(cache.stats()).toMatchObject({ misses: 2, errors: 1, fallbacks: 1, lastGood: 1, inflight: 0 });
  });

  it('the last good value outlives the TTL and grace of its entry', async () => {
    const { clock, cache } = setup({ graceMs: 500 });
    const lastGood = markingStale();
    await cache.getOrCompute('k', value(1), { lastGood });
    clock.advance(24 * 3600_000);
    expect(await cache.getOrCompute('k', failWith(sourceDown()), { lastGood })).toEqual({ v: 1, stale: 'source down' });
  });

  it('serve returning undefined rejects with the computation’s own error, not counted as a fallback', async () => {
    const { clock, cache } = setup();
    const serve = vi.fn((): Pulse | undefined => undefined);
    const lastGood = { keep: () => true, serve };
    await cache.getOrCompute('k', value(1), { lastGood });
    clock.advance(1000);
    const error = sourceDown();
    await expect(cache.getOrCompute('k', failWith(error), { lastGood })).rejects.toBe(error);
    expect(serve).toHaveBeenCalledWith({ v: 1 }, error);
    expect(cache.stats()).toMatchObject({ errors: 1, fallbacks: 0, lastGood: 1 });
  });

  it('serve can choose by the error: one kind falls back, another rejects', async () => {
    const { clock, cache } = setup();
    const storeDown = new Error('store down');
    const lastGood: LastGoodOptions<Pulse> = {
      keep: () => true,
      serve: (last, e) => (e === storeDown ? { ...last, stale: 'store' } : undefined),
    };
    await cache.getOrCompute('k', value(1), { lastGood });
    clock.advance(1000);
    const notFound = new Error('not found');
    await expect(cache.getOrCompute('k', failWith(notFound), { lastGood })).rejects.toBe(notFound);
    expect(await cache.getOrCompute('k', failWith(storeDown), { lastGood })).toEqual({ v: 1, stale: 'store' });
    expect(cache.stats()).toMatchObject({ errors: 2, fallbacks: 1 });
  });

  it('a serve that throws rejects with the computation’s error, not serve’s', async () => {
    const { clock, cache } = setup();
    const lastGood: LastGoodOptions<Pulse> = {
      keep: () => true,
      serve: () => {
        throw new Error('serve bug');
      },
    };
    await cache.getOrCompute('k', value(1), { lastGood });
    clock.advance(1000);
    const error = sourceDown();
    await expect(cache.getOrCompute('k', failWith(error), { lastGood })).rejects.toBe(error);
    expect(cache.stats()).toMatchObject({ errors: 1, fallbacks: 0 });
  });

  it('keep false leaves nothing to fall back on: the failure rejects and serve is never asked', async () => {
    const { clock, cache } = setup();
    const lastGood = markingStale(() => false);
    await cache.getOrCompute('k', value(1), { lastGood });
    expect(lastGood.keep).toHaveBeenCalledTimes(1);
    expect(cache.stats().lastGood).toBe(0);
    clock.advance(1000);
    const error = sourceDown();
    await expect(cache.getOrCompute('k', failWith(error), { lastGood })).rejects.toBe(error);
    expect(lastGood.serve).not.toHaveBeenCalled();
    expect(cache.stats()).toMatchObject({ errors: 1, fallbacks: 0 });
  });

  it('without keep nothing computed is kept; a value given to setLastGood is served', async () => {
    const { clock, cache } = setup();
    const serve = vi.fn((last: Pulse): Pulse => ({ ...last, stale: 'x' }));
    await cache.getOrCompute('k', value(1), { lastGood: { serve } });
    clock.advance(1000);
    const error = sourceDown();
    await expect(cache.getOrCompute('k', failWith(error), { lastGood: { serve } })).rejects.toBe(error);
    expect(serve).not.toHaveBeenCalled();

    cache.setLastGood('k', { v: 7 });
    expect(await cache.getOrCompute('k', failWith(error), { lastGood: { serve } })).toEqual({ v: 7, stale: 'x' });
  });

  it('a value keep refuses does not replace the last good one before it', async () => {
    const { clock, cache } = setup();
    const lastGood = markingStale((p) => p.ok === true);
    await cache.getOrCompute('k', value(1, { ok: true }), { lastGood });
    clock.advance(1000);
    await cache.getOrCompute('k', value(2, { ok: false }), { lastGood }); // degraded: not kept
    clock.advance(1000);
    expect(await cache.getOrCompute('k', failWith(sourceDown()), { lastGood })).toEqual({
      v: 1,
      ok: true,
      stale: 'source down',
    });
  });

  it('without the lastGood option a failure rejects, whatever is kept for the key', async () => {
    const { clock, cache } = setup();
    await cache.getOrCompute('k', value(1), { lastGood: markingStale() });
    expect(cache.stats().lastGood).toBe(1);
    clock.advance(1000);
    const error = sourceDown();
    await expect(cache.getOrCompute('k', failWith(error))).rejects.toBe(error);
    expect(cache.stats().fallbacks).toBe(0);
  });

  it('last good values are per key', async () => {
    const { clock, cache } = setup();
    const lastGood = markingStale();
    await cache.getOrCompute('a', value(1), { lastGood });
    clock.advance(1000);
    const error = sourceDown();
    await expect(cache.getOrCompute('b', failWith(error), { lastGood })).rejects.toBe(error);
    expect(lastGood.serve).not.toHaveBeenCalled();
  });

  it('a fallback is not stored: the next call computes, and its unmarked value replaces the last good one', async () => {
    const { clock, cache } = setup();
    const lastGood = markingStale();
    await cache.getOrCompute('k', value(1), { lastGood });
    clock.advance(1000);
    await cache.getOrCompute('k', failWith(sourceDown()), { lastGood });
    expect(cache.peek('k')).toBeUndefined();
    // keep is never asked about the marked copy: it is not a computed value.
    expect(lastGood.keep).toHaveBeenCalledTimes(1);

    const next = vi.fn(value(2));
    expect(await cache.getOrCompute('k', next, { lastGood })).toEqual({ v: 2 });
    expect(next).toHaveBeenCalledTimes(1);
    expect(cache.peek('k')).toEqual({ v: 2 });
    expect(await cache.getOrCompute('k', failWith(sourceDown()), { lastGood })).toEqual({ v: 2 }); // a hit

    clock.advance(1000);
    expect(await cache.getOrCompute('k', failWith(new Error('down again')), { lastGood })).toEqual({
      v: 2,
      stale: 'down again',
    });
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 4, errors: 2, fallbacks: 2, lastGood: 1 });
  });

  it('skipCache calls fall back too, and leave the fresh entry in place', async () => {
    const { cache } = setup();
    const lastGood = markingStale();
    await cache.getOrCompute('k', value(1), { lastGood });
    const error = sourceDown();
    expect(await cache.getOrCompute('k', failWith(error), { lastGood, skipCache: true })).toEqual({
      v: 1,
      stale: 'source down',
    });
    expect(lastGood.serve).toHaveBeenCalledWith({ v: 1 }, error);
    expect(await cache.getOrCompute('k', failWith(error), { lastGood })).toEqual({ v: 1 }); // still a hit
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2, bypassed: 1, errors: 1, fallbacks: 1 });
  });

  it('skipCache with serve returning undefined rejects', async () => {
    const { cache } = setup();
    await cache.getOrCompute('k', value(1), { lastGood: markingStale() });
    const error = sourceDown();
    const lastGood = { serve: () => undefined };
    await expect(cache.getOrCompute('k', failWith(error), { lastGood, skipCache: true })).rejects.toBe(error);
  });

  it('concurrent callers of a failing computation share one computation and one serve', async () => {
    const { clock, cache } = setup();
    const lastGood = markingStale();
    await cache.getOrCompute('k', value(1), { lastGood });
    clock.advance(1000);
    const gate = deferred<Pulse>();
    const compute = vi.fn(() => gate.promise);
    const callers = [
      ...Array.from({ length: 4 }, () => cache.getOrCompute('k', compute, { lastGood })),
      cache.getOrCompute('k', compute, { lastGood, skipCache: true }),
    ];
    expect(cache.stats().inflight).toBe(1);
    gate.reject(sourceDown());
    const served = await Promise.all(callers);
    expect(compute).toHaveBeenCalledTimes(1);
    expect(lastGood.serve).toHaveBeenCalledTimes(1);
    expect(served.every((p) => p === served[0])).toBe(true);
    expect(served[0]).toEqual({ v: 1, stale: 'source down' });
    // Whether `fallbacks` counts this as 1 (one serve) or 5 (five callers served) is left open here.
    expect(cache.stats()).toMatchObject({ misses: 6, joined: 4, errors: 1, inflight: 0 });
    // The key is free again: the next call computes.
    expect(await cache.getOrCompute('k', value(2), { lastGood })).toEqual({ v: 2 });
  });

  it('concurrent callers of a failing computation all reject with its error when serve declines', async () => {
    const { clock, cache } = setup();
    await cache.getOrCompute('k', value(1), { lastGood: markingStale() });
    clock.advance(1000);
    const gate = deferred<Pulse>();
    const compute = vi.fn(() => gate.promise);
    const lastGood = { serve: vi.fn(() => undefined) };
    const callers = Array.from({ length: 3 }, () => cache.getOrCompute('k', compute, { lastGood }));
    const error = sourceDown();
    gate.reject(error);
    const outcomes = await Promise.allSettled(callers);
    expect(outcomes).toEqual(Array.from({ length: 3 }, () => ({ status: 'rejected', reason: error })));
    expect(compute).toHaveBeenCalledTimes(1);
    expect(lastGood.serve).toHaveBeenCalledTimes(1);
    expect(cache.stats()).toMatchObject({ joined: 2, errors: 1, fallbacks: 0, inflight: 0 });
  });

  it('a background refresh within grace reports its failure and never asks serve; past grace, callers fall back', async () => {
    const events: CacheEvent[] = [];
    const { clock, cache } = setup({ graceMs: 5000, onEvent: (e) => events.push(e) });
    const lastGood = markingStale();
    await cache.getOrCompute('k', value(1), { lastGood });
    clock.advance(1500); // past the TTL, within grace
    const error = sourceDown();
    expect(await cache.getOrCompute('k', failWith(error), { lastGood })).toEqual({ v: 1 }); // stale, unmarked
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]).toEqual({ type: 'refresh_error', namespace: '', key: 'k', error });
    expect(lastGood.serve).not.toHaveBeenCalled();
    expect(cache.stats()).toMatchObject({ stale: 1, refreshes: 1, errors: 1, fallbacks: 0, inflight: 0 });

    clock.advance(5000); // past grace: a miss, and its caller waits on the computation
    expect(await cache.getOrCompute('k', failWith(error), { lastGood })).toEqual({ v: 1, stale: 'source down' });
    expect(cache.stats()).toMatchObject({ errors: 2, fallbacks: 1 });
    expect(events).toHaveLength(1);
  });

  it('a successful background refresh keeps its value as the last good one', async () => {
    const { clock, cache } = setup({ graceMs: 5000 });
    const lastGood = markingStale();
    await cache.getOrCompute('k', value(1), { lastGood });
    clock.advance(1500);
    await cache.getOrCompute('k', value(2), { lastGood }); // serves 1, refreshes to 2
    await vi.waitFor(() => expect(cache.stats().inflight).toBe(0));
    clock.advance(10_000);
    expect(await cache.getOrCompute('k', failWith(sourceDown()), { lastGood })).toEqual({
      v: 2,
      stale: 'source down',
    });
  });

  describe('delete and clears', () => {
    async function withLastGood(keys: string[]) {
      const { clock, cache } = setup();
      const lastGood = markingStale();
      for (const key of keys) await cache.getOrCompute(key, value(keys.indexOf(key) + 1), { lastGood });
      return { clock, cache, lastGood };
    }

    it('delete drops the entry and the last good value: a failure then rejects', async () => {
      const { cache, lastGood } = await withLastGood(['k']);
      await cache.delete('k');
      expect(cache.stats()).toMatchObject({ size: 0, lastGood: 0 });
      const error = sourceDown();
      await expect(cache.getOrCompute('k', failWith(error), { lastGood })).rejects.toBe(error);
      expect(lastGood.serve).not.toHaveBeenCalled();
    });

    it('delete with keepLastGood drops the entry only: the next call computes, and a failure falls back', async () => {
      const { cache, lastGood } = await withLastGood(['k']);
      await cache.delete('k', { keepLastGood: true });
      expect(cache.peek('k')).toBeUndefined();
      expect(cache.stats()).toMatchObject({ size: 0, lastGood: 1 });
      expect(await cache.getOrCompute('k', failWith(sourceDown()), { lastGood })).toEqual({
        v: 1,
        stale: 'source down',
      });
    });

    it('clear drops every last good value; clear with keepLastGood keeps them all', async () => {
      const kept = await withLastGood(['a', 'b']);
      await kept.cache.clear({ keepLastGood: true });
      expect(kept.cache.stats()).toMatchObject({ size: 0, lastGood: 2 });
      expect(await kept.cache.getOrCompute('b', failWith(sourceDown()), { lastGood: kept.lastGood })).toEqual({
        v: 2,
        stale: 'source down',
      });

      const dropped = await withLastGood(['a', 'b']);
      await dropped.cache.clear();
      expect(dropped.cache.stats()).toMatchObject({ size: 0, lastGood: 0 });
      const error = sourceDown();
      await expect(dropped.cache.getOrCompute('a', failWith(error), { lastGood: dropped.lastGood })).rejects.toBe(
        error,
      );
    });

    it('clearPrefix drops the last good values of matching keys only, unless asked to keep them', async () => {
      const { cache, lastGood } = await withLastGood(['region:uk', 'region:de', 'global']);
      await cache.clearPrefix('region:de', { keepLastGood: true });
      expect(cache.stats().lastGood).toBe(3);
      await cache.clearPrefix('region:');
      expect(cache.stats().lastGood).toBe(1);
      const error = sourceDown();
      await expect(cache.getOrCompute('region:uk', failWith(error), { lastGood })).rejects.toBe(error);
      await expect(cache.getOrCompute('region:de', failWith(error), { lastGood })).rejects.toBe(error);
      expect(await cache.getOrCompute('global', failWith(error), { skipCache: true, lastGood })).toEqual({
        v: 3,
        stale: 'source down',
      });
    });

    it('a value computed while a clear invalidated the key is not kept: the one before it stays', async () => {
      const { cache, lastGood } = await withLastGood(['k']);
      const gate = deferred<Pulse>();
      const flight = cache.getOrCompute('k', () => gate.promise, { lastGood, skipCache: true });
      await cache.delete('k', { keepLastGood: true });
      gate.resolve({ v: 2 });
      expect(await flight).toEqual({ v: 2 });
      expect(lastGood.keep).toHaveBeenCalledTimes(1); // only for v: 1
      expect(cache.peek('k')).toBeUndefined();
      expect(await cache.getOrCompute('k', failWith(sourceDown()), { lastGood })).toEqual({
        v: 1,
        stale: 'source down',
      });
    });

    it('a computation failing after its key was deleted falls back only if the last good value was kept', async () => {
      for (const keepLastGood of [true, false]) {
        const { cache, lastGood } = await withLastGood(['k']);
        const gate = deferred<Pulse>();
        const flight = cache.getOrCompute('k', () => gate.promise, { lastGood, skipCache: true });
        await cache.delete('k', { keepLastGood });
        const error = sourceDown();
        gate.reject(error);
        if (keepLastGood) expect(await flight).toEqual({ v: 1, stale: 'source down' });
        else await expect(flight).rejects.toBe(error);
      }
    });

    it('close drops the last good values: later failures reject', async () => {
      const { cache, lastGood } = await withLastGood(['k']);
      await cache.close();
      expect(cache.stats().lastGood).toBe(0);
      const error = sourceDown();
      await expect(cache.getOrCompute('k', failWith(error), { lastGood })).rejects.toBe(error);
    });
  });
});

// Problems these tests found in src/core/cache/cache.ts, fixed since (the joiner's fallback in
// `#miss`, the second invalidation check after the store write).
describe('found by these tests, fixed: joiners of a failed background refresh, a delete during an asynchronous store write', () => {
  // A background refresh is started with `background = true`, so its failure never asks `serve`.
  // But callers that miss while it is in flight join it (single-flight): a skipCache call, or any
  // call once the entry is past its grace. They are waiting on the computation, yet they get the
  // error instead of the fallback the TSDoc of `serve` promises them.
  it('a skipCache caller that joins a failing background refresh falls back', async () => {
    const clock = fixedClock(NOW);
    const cache = new Cache<Pulse>({ ttlMs: 1000, graceMs: 5000, clock, onEvent: () => undefined });
    const lastGood = markingStale();
    await cache.getOrCompute('k', value(1), { lastGood });
    clock.advance(1500);
    const gate = deferred<Pulse>();
    expect(await cache.getOrCompute('k', () => gate.promise, { lastGood })).toEqual({ v: 1 }); // refresh starts
    const waiting = cache.getOrCompute('k', failWith(new Error('unused')), { lastGood, skipCache: true });
    gate.reject(sourceDown());
    expect(await waiting.catch((e: unknown) => e)).toEqual({ v: 1, stale: 'source down' });
  });

  it('a caller that misses past grace while a background refresh is in flight falls back when it fails', async () => {
    const clock = fixedClock(NOW);
    const cache = new Cache<Pulse>({ ttlMs: 1000, graceMs: 5000, clock, onEvent: () => undefined });
    const lastGood = markingStale();
    await cache.getOrCompute('k', value(1), { lastGood });
    clock.advance(1500);
    const gate = deferred<Pulse>();
    await cache.getOrCompute('k', () => gate.promise, { lastGood }); // stale served, slow refresh starts
    clock.advance(10_000); // past grace, the refresh still running
    const waiting = cache.getOrCompute('k', failWith(new Error('unused')), { lastGood });
    gate.reject(sourceDown());
    expect(await waiting.catch((e: unknown) => e)).toEqual({ v: 1, stale: 'source down' });
  });

  // `#start` checks `flight.invalidated` before `await this.#put(...)` and calls `keep`/
  // `setLastGood` after it. A plain `delete` landing while the store write is pending (an async
  // store, e.g. a shared one over the network) drops the last good value, then the flight puts it
  // back: after `await cache.delete(key)` the deleted value is served as the fallback.
  it('a delete while the computed value is being written to an async store drops its last good value', async () => {
    const inner = lruCacheStore<unknown>();
    let ack: (() => void) | undefined;
    const writing = deferred<void>();
    const store: CacheStore<unknown> = {
      get: async (k) => inner.get(k) as CacheEntry<unknown> | undefined,
      set: (k, e) => {
        inner.set(k, e); // written at once; only the acknowledgement is late
        writing.resolve();
        return new Promise<void>((res) => {
          ack = res;
        });
      },
      delete: async (k) => inner.delete(k),
      clear: async (p) => inner.clear(p),
      size: () => inner.size(),
      close: async () => inner.close(),
    };
    const cache = new Cache<Pulse>({ ttlMs: 1000, clock: fixedClock(NOW), store });
    const lastGood = markingStale();
    const flight = cache.getOrCompute('k', value(1), { lastGood });
    await writing.promise;
    await cache.delete('k');
    ack!();
    await flight;
    expect(cache.stats()).toMatchObject({ size: 0, lastGood: 0 });
    const error = sourceDown();
    await expect(cache.getOrCompute('k', failWith(error), { lastGood })).rejects.toBe(error);
  });
});

import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SourceCallEvent } from '../../src/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { SOURCE_NAMES } from '../../src/contracts/sources.js';
import { Cache } from '../../src/core/cache/cache.js';
import type { CacheStore } from '../../src/core/cache/cache-store.js';
import {
  CHANNEL_NAMES,
  type CacheOperationMessage,
  type RefreshContext,
  type SourceCallContext,
} from '../../src/core/observe/channels.js';

const NOW = '2026-11-25T00:00:00.000Z';
const RESULTS = ['ok', 'timeout', 'deadline', 'threw', 'invalid_payload', 'aborted'];

type Events<C> = { start: C[]; asyncEnd: C[]; error: C[] };
/** Subscribes to a tracing channel by its documented name and collects its contexts by event. */
function listen<C extends object>(name: string): { events: Events<C>; off: () => void } {
  const channel = diagnostics.tracingChannel<unknown, C>(name);
  const events: Events<C> = { start: [], asyncEnd: [], error: [] };
  const handlers = {
    start: (c: C) => events.start.push(c),
    end: () => undefined,
    asyncStart: () => undefined,
    asyncEnd: (c: C) => events.asyncEnd.push(c),
    error: (c: C) => events.error.push(c),
  };
  channel.subscribe(handlers);
  return { events, off: () => channel.unsubscribe(handlers) };
}

const offs: Array<() => void> = [];
afterEach(() => {
  for (const off of offs.splice(0)) off();
});

describe('diagnostics channels', () => {
  it('trace every source call and each refresh with the documented payloads, and no ids', async () => {
    const calls = listen<SourceCallContext>(CHANNEL_NAMES.sourceCall);
    const refreshes = listen<RefreshContext>(CHANNEL_NAMES.refresh);
    offs.push(calls.off, refreshes.off);
    const world = createDemoWorld({ artists: 60, end: '2026-11-24' });
    const hooked: SourceCallEvent[] = [];
    const radar = createSceneRadar({
      sources: world.sources,
      clock: fixedClock(NOW),
      onSourceCall: (e) => hooked.push(e),
    });
    await radar.scenes.importCatalog(world.catalog);
    const report = await radar.refresh(new Date(NOW));

    // One traced call per source call, each started and settled, with its end fields filled in.
    expect(calls.events.start.length).toBe(hooked.length);
    expect(calls.events.asyncEnd.length).toBe(hooked.length);
    expect(hooked.length).toBeGreaterThan(10);
    for (const c of calls.events.asyncEnd) {
      // Node adds `result` (the traced promise's value) to the context; ours is `outcome`.
      expect(
        Object.keys(c)
          .filter((k) => k !== 'result')
          .sort(),
      ).toEqual(['durationMs', 'keys', 'method', 'outcome', 'source']);
      expect(SOURCE_NAMES).toContain(c.source);
      expect(RESULTS).toContain(c.outcome);
      expect(c.keys).toBeGreaterThan(0);
      expect(c.durationMs).toBeGreaterThanOrEqual(0);
    }
    // The same calls the host hook saw, by source.method.
    const tally = (xs: Array<{ source: string; method: string }>) =>
      xs.reduce<Record<string, number>>((m, x) => {
        const k = `${x.source}.${x.method}`;
        m[k] = (m[k] ?? 0) + 1;
        return m;
      }, {});
    expect(tally(calls.events.asyncEnd)).toEqual(tally(hooked));

    // The radar's refresh, then each engine's, nested in time, with durations and artists (each
    // engine's steps, phases other than `all`, are tested in refresh-phases.test.ts).
    const whole = (cs: RefreshContext[]) => cs.filter((c) => c.phase === 'all');
    expect(whole(refreshes.events.start).map((c) => c.engine)).toEqual(['radar', 'scenes', 'talent']);
    expect(whole(refreshes.events.asyncEnd).map((c) => c.engine)).toEqual(['scenes', 'talent', 'radar']);
    const byEngine = Object.fromEntries(whole(refreshes.events.asyncEnd).map((c) => [c.engine, c]));
    expect(byEngine.talent).toMatchObject({ phase: 'all', asOf: NOW, artists: report.talent.artists });
    expect(byEngine.radar!.durationMs!).toBeGreaterThanOrEqual(byEngine.talent!.durationMs!);
    expect(refreshes.events.error).toEqual([]);

    // No artist or scene id in anything published.
    for (const c of refreshes.events.asyncEnd) expect(c).not.toHaveProperty('result', expect.anything());
    const published = JSON.stringify([calls.events.asyncEnd, refreshes.events.asyncEnd]);
    for (const slug of world.dataset.artistSlugs()) expect(published).not.toContain(`"${slug}"`);
    for (const scene of world.catalog.scenes) expect(published).not.toContain(scene.slug);
    await radar.close();
  });

  it('count source calls and refreshes in stats(), the same as the hook and the channels saw', async () => {
    const world = createDemoWorld({ artists: 40, end: '2026-11-24' });
    const hooked: SourceCallEvent[] = [];
    const radar = createSceneRadar({
      sources: world.sources,
      clock: fixedClock(NOW),
      onSourceCall: (e) => hooked.push(e),
    });
    expect(radar.stats().sources).toEqual({});
    expect(radar.stats().refresh).toEqual({});
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(NOW));
    const { sources, refresh } = radar.stats();
    for (const [name, s] of Object.entries(sources)) {
      const mine = hooked.filter((e) => `${e.source}.${e.method}` === name);
      expect(s.calls).toBe(mine.length);
      expect(s.keys).toBe(mine.reduce((a, e) => a + e.keys, 0));
      expect(Object.values(s.results).reduce((a, b) => a + b, 0)).toBe(s.calls);
      expect(s.latency.count).toBe(s.calls);
      expect(s.latency.counts.reduce((a, b) => a + b, 0)).toBe(s.calls);
      expect(s.latency.counts.length).toBe(s.latency.boundsMs.length + 1);
      expect(s.latency.sumMs).toBeCloseTo(
        mine.reduce((a, e) => a + e.durationMs, 0),
        6,
      );
    }
    expect(Object.values(sources).reduce((a, s) => a + s.calls, 0)).toBe(hooked.length);
    // By engine; each engine's steps are counted as `engine.step` beside them.
    expect(Object.keys(refresh).filter((k) => !k.includes('.'))).toEqual(['radar', 'scenes', 'talent']);
    for (const r of Object.values(refresh)) expect(r).toMatchObject({ count: 1, failed: 0 });
    expect(refresh.radar!.lastMs!).toBeGreaterThan(0);

    // A refresh that is refused counts as failed, and the channel says so.
    const refreshes = listen<RefreshContext>(CHANNEL_NAMES.refresh);
    offs.push(refreshes.off);
    await expect(radar.refresh(new Date(Number.NaN))).rejects.toMatchObject({
      code: expect.stringMatching(/VALIDATION/),
    });
    expect(radar.stats().refresh.radar).toMatchObject({ count: 2, failed: 1 });
    expect(refreshes.events.error.map((c) => c.engine)).toContain('radar');
    expect(refreshes.events.start[0]!.asOf).toBe('invalid');
    await radar.close();
  });

  it('a host hook that throws still lets stats count the call', async () => {
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    const radar = createSceneRadar({
      sources: world.sources,
      clock: fixedClock(NOW),
      onSourceCall: () => {
        throw new Error('hook broke');
      },
    });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(NOW));
    expect(Object.values(radar.stats().sources).reduce((a, s) => a + s.calls, 0)).toBeGreaterThan(0);
    await radar.close();
  });
});

/** Subscribes to the cache channel by its documented name and collects its messages. */
function listenCache(): { messages: CacheOperationMessage[]; off: () => void } {
  const messages: CacheOperationMessage[] = [];
  const onMessage = (m: unknown): void => {
    messages.push(m as CacheOperationMessage);
  };
  diagnostics.subscribe(CHANNEL_NAMES.cache, onMessage);
  return { messages, off: () => diagnostics.unsubscribe(CHANNEL_NAMES.cache, onMessage) };
}

const opsOf = (messages: readonly CacheOperationMessage[], namespace?: string): Record<string, number> =>
  messages
    .filter((m) => namespace === undefined || m.namespace === namespace)
    .reduce<Record<string, number>>((m, x) => {
      m[x.op] = (m[x.op] ?? 0) + 1;
      return m;
    }, {});

describe('the cache channel', () => {
  it('publishes every operation as { namespace, op }, never a key, matching the counters', async () => {
    const cache = listenCache();
    offs.push(cache.off);
    let now = 0;
    const c = new Cache<string>({
      ttlMs: 100,
      graceMs: 100,
      namespace: 'scenes:',
      maxEntries: 2,
      clock: { now: () => now },
    });
    const KEY = 'pulse:indie-uk-brighton';
    const ops = () => cache.messages.map((m) => m.op);
    await c.getOrCompute(KEY, async () => 'v1');
    expect(ops()).toEqual(['miss', 'set']);
    await c.getOrCompute(KEY, async () => 'v2');
    expect(ops().slice(2)).toEqual(['hit']);
    now = 150; // past the TTL, within grace: served stale while one refresh runs and stores
    await c.getOrCompute(KEY, async () => 'v3');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(ops().slice(3)).toEqual(['stale', 'set']);
    expect(await c.get('other-brighton')).toBeUndefined();
    expect(ops().slice(5)).toEqual(['miss']);
    await c.set('a-brighton', 'a', { ttlMs: 0 }); // a TTL of 0 stores nothing: no set
    expect(ops().slice(6)).toEqual([]);

    // A failed computation is an error; the key's last good value served instead is a fallback.
    c.setLastGood(KEY, 'good');
    now = 1_000;
    const served = await c.getOrCompute(
      KEY,
      async () => {
        throw new Error('down');
      },
      { lastGood: { serve: (last) => `${last} (stale)` } },
    );
    expect(served).toBe('good (stale)');
    expect(ops().slice(6)).toEqual(['miss', 'error', 'fallback']);

    // The default LRU's evictions, one message each.
    for (let i = 0; i < 6; i++) await c.set(`k${i}-brighton`, 'x');
    const stats = c.stats();
    expect(stats.evictions).toBeGreaterThan(0);
    expect(opsOf(cache.messages)).toEqual({
      hit: stats.hits,
      miss: stats.misses,
      stale: stats.stale,
      fallback: stats.fallbacks,
      error: stats.errors,
      evict: stats.evictions,
      set: 2 + 6,
    });
    for (const m of cache.messages) expect(Object.keys(m).sort()).toEqual(['namespace', 'op']);
    expect(new Set(cache.messages.map((m) => m.namespace))).toEqual(new Set(['scenes']));
    expect(JSON.stringify(cache.messages)).not.toContain('brighton');
    await c.close();
  });

  it('publishes a store that throws as an error, and nothing at all with no subscriber', async () => {
    const failing: CacheStore<unknown> = {
      get: () => {
        throw new Error('store down at 10.0.0.7:6379');
      },
      set: async () => {
        throw new Error('store down');
      },
      delete: () => false,
      clear: () => undefined,
      size: () => undefined,
      close: () => undefined,
    };
    const c = new Cache<string>({ ttlMs: 100, namespace: 'talent:', store: failing });
    // Nobody subscribed yet: the channel is inactive, and the cache still counts.
    expect(diagnostics.channel(CHANNEL_NAMES.cache).hasSubscribers).toBe(false);
    await c.getOrCompute('artist-brighton', async () => 'v');
    expect(c.stats().misses).toBe(1);
    const cache = listenCache();
    offs.push(cache.off);
    await c.getOrCompute('artist-brighton', async () => 'v');
    // The read throws (error), so it is computed (miss), then the write throws (error): no set.
    expect(cache.messages).toEqual([
      { namespace: 'talent', op: 'error' },
      { namespace: 'talent', op: 'miss' },
      { namespace: 'talent', op: 'error' },
    ]);
  });

  it("carry a radar's cache operations by namespace, equal to stats().cache", async () => {
    const cache = listenCache();
    offs.push(cache.off);
    const world = createDemoWorld({ artists: 40, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(NOW));
    for (let i = 0; i < 2; i++) {
      await radar.scenes.pulse.getScenePulse('indie-uk-brighton');
      await radar.scenes.pulse.getGlobalPulse();
      await radar.talent.aggregator.buildGlobalPulse({ limit: 10 });
    }
    const { namespaces } = radar.stats().cache;
    expect(namespaces.scenes!.hits).toBeGreaterThan(0);
    for (const [name, s] of Object.entries(namespaces)) {
      const ops = opsOf(cache.messages, name);
      expect({
        name,
        hit: ops.hit ?? 0,
        miss: ops.miss ?? 0,
        stale: ops.stale ?? 0,
        fallback: ops.fallback ?? 0,
      }).toEqual({ name, hit: s.hits, miss: s.misses, stale: s.stale, fallback: s.fallbacks });
      expect(ops.evict ?? 0).toBe(s.evictions ?? 0);
    }
    expect(JSON.stringify(cache.messages)).not.toContain('brighton');
    for (const slug of world.dataset.artistSlugs()) expect(JSON.stringify(cache.messages)).not.toContain(`"${slug}"`);
    await radar.close();
  });
});

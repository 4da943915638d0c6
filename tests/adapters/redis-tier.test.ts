/**
 * The Redis cache tier against the real local Redis (it fails, never skips, without one): two tiers
 * in one process stand for two instances. Entries cross instances with their TTL and grace; a
 * delete or clear reaches the other instance's L1; concurrent misses compute once; a crashed
 * holder's lease ends; refused values stay local.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { fixedClock } from '../../src/core/clock.js';
import { Cache } from '../../src/core/cache/cache.js';
import { createRedisCacheTier, type RedisCacheTier, type RedisCacheTierOptions } from '../../adapters/redis/index.js';
import { dropPrefix, lazyTestRedis, TEST_REDIS_URL, testPrefix, testRedis, until } from '../helpers/redis-test.js';

let redis: Redis;
const prefixes: string[] = [];
const open: RedisCacheTier[] = [];

const connect = lazyTestRedis();
beforeEach(async () => {
  redis = await connect();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});
afterAll(async () => {
  if (!redis) return;
  for (const p of prefixes) await dropPrefix(redis, p);
  redis.disconnect();
});

/** `n` tiers sharing one fresh prefix, connected. */
async function tiers(n: number, name: string, extra: Partial<RedisCacheTierOptions> = {}): Promise<RedisCacheTier[]> {
  const keyPrefix = testPrefix(name);
  prefixes.push(keyPrefix);
  const made = Array.from({ length: n }, () => createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix, ...extra }));
  open.push(...made);
  await Promise.all(made.map((t) => t.ready()));
  return made;
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Redis cache tier', () => {
  it('shares an entry: the other instance serves it from L2 (then its L1), TTL and grace intact', async () => {
    const clock = fixedClock('2026-06-01T00:00:00Z');
    const [a, b] = await tiers(2, 'share', { clock });
    const ca = new Cache<{ n: number }>({ store: a!, ttlMs: 60_000, graceMs: 30_000, namespace: 'scenes:', clock });
    const cb = new Cache<{ n: number }>({ store: b!, ttlMs: 60_000, graceMs: 30_000, namespace: 'scenes:', clock });
    let calls = 0;
    const compute = async () => ({ n: ++calls });
    expect(await ca.getOrCompute('pulse:x', compute)).toEqual({ n: 1 });
    expect(await cb.getOrCompute('pulse:x', compute)).toEqual({ n: 1 });
    expect(await cb.getOrCompute('pulse:x', compute)).toEqual({ n: 1 });
    expect(calls).toBe(1);
    expect(b!.health().counters).toMatchObject({ l2Hits: 1, l1Hits: 1 });
    // Redis keeps the entry until its grace ends: TTL + grace.
    const pttl = await redis.pttl(`${prefixes.at(-1)}v:scenes:pulse:x`);
    expect(pttl).toBeGreaterThan(85_000);
    expect(pttl).toBeLessThanOrEqual(90_000);
    // Past the TTL, within grace: stale served at once on both, one refresh.
    clock.advance(61_000);
    expect(await cb.getOrCompute('pulse:x', compute)).toEqual({ n: 1 });
    expect(cb.stats().stale).toBe(1);
    await until(() => calls === 2, 2000, 'the refresh');
    await until(() => cb.stats().inflight === 0, 2000, 'the refresh to store');
    // The refreshed entry is in L2: the other instance's stale L1 entry gives way to it.
    expect(await ca.getOrCompute('pulse:x', compute)).toEqual({ n: 2 });
    expect(calls).toBe(2);
  });

  it('a delete or a clear on one instance drops the keys from the other instances L1 and from Redis', async () => {
    const [a, b, c] = await tiers(3, 'invalidate');
    const caches = [a!, b!, c!].map((t) => new Cache<string>({ store: t, ttlMs: 60_000, namespace: 'talent:' }));
    for (const cache of caches) {
      await cache.getOrCompute('profile:x', async () => 'x');
      await cache.getOrCompute('pulse:10', async () => 'p');
    }
    expect(b!.size()).toBe(2);
    await caches[0]!.delete('profile:x');
    await until(() => b!.size() === 1 && c!.size() === 1, 1000, 'the delete to reach every L1');
    expect(caches[1]!.peek('profile:x')).toBeUndefined();
    expect(await redis.exists(`${prefixes.at(-1)}v:talent:profile:x`)).toBe(0);
    await caches[2]!.clear();
    await until(() => a!.size() === 0 && b!.size() === 0, 1000, 'the clear to reach every L1');
    expect(await redis.exists(`${prefixes.at(-1)}v:talent:pulse:10`)).toBe(0);
    expect(b!.health().counters.invalidationsReceived).toBe(2);
  });

  it('a remote clear stops a computation in flight on another instance from storing its result', async () => {
    const [a, b] = await tiers(2, 'inflight');
    const ca = new Cache<string>({ store: a!, ttlMs: 60_000, namespace: 'scenes:' });
    const cb = new Cache<string>({ store: b!, ttlMs: 60_000, namespace: 'scenes:' });
    let release!: () => void;
    const slow = ca.getOrCompute('global:10', () => new Promise<string>((r) => (release = () => r('old'))));
    await until(() => release !== undefined, 1000, 'the computation to start');
    await cb.clear();
    await until(() => a!.health().counters.invalidationsReceived === 1, 1000, 'the clear to arrive');
    release();
    expect(await slow).toBe('old');
    expect(await redis.exists(`${prefixes.at(-1)}v:scenes:global:10`)).toBe(0);
    expect(await ca.getOrCompute('global:10', async () => 'new')).toBe('new');
  });

  it('concurrent misses on several instances compute once; the others get the stored value', async () => {
    const ts = await tiers(3, 'once');
    const caches = ts.map((t) => new Cache<number>({ store: t, ttlMs: 60_000, namespace: 'scenes:' }));
    const calls = new Map<string, number>();
    const compute = (key: string) => async () => {
      calls.set(key, (calls.get(key) ?? 0) + 1);
      await delay(40);
      return key.length;
    };
    const keys = Array.from({ length: 10 }, (_, i) => `pulse:s-${i}`);
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => {
        const key = keys[i % keys.length]!;
        return caches[i % 3]!.getOrCompute(key, compute(key));
      }),
    );
    expect([...calls.values()]).toEqual(keys.map(() => 1));
    expect(caches.reduce((s, c) => s + c.stats().remote, 0)).toBeGreaterThan(0);
  });

  it("a crashed holder's lease ends: a waiter takes the key over after the lease", async () => {
    const [a] = await tiers(1, 'lease', { lock: { leaseMs: 300, pollMs: 20 } });
    const cache = new Cache<string>({ store: a!, ttlMs: 60_000, namespace: 'scenes:' });
    // A holder that took the lock and died: nothing renews or releases it.
    await redis.set(`${prefixes.at(-1)}l:scenes:pulse:x`, 'dead-holder', 'PX', 300);
    const start = Date.now();
    expect(await cache.getOrCompute('pulse:x', async () => 'computed')).toBe('computed');
    const took = Date.now() - start;
    expect(took).toBeGreaterThanOrEqual(250);
    // Bounded by the lease, with room for a loaded CI machine.
    expect(took).toBeLessThan(3000);
    expect(a!.health().counters).toMatchObject({ lockWaits: 1, locksAcquired: 1, lockTimeouts: 0 });
  });

  it('a holder that keeps its lease but never finishes: the waiter computes itself after waitTimeoutMs', async () => {
    const [a] = await tiers(1, 'wait', { lock: { leaseMs: 10_000, waitTimeoutMs: 200, pollMs: 20 } });
    const cache = new Cache<string>({ store: a!, ttlMs: 60_000, namespace: 'scenes:' });
    await redis.set(`${prefixes.at(-1)}l:scenes:pulse:x`, 'stuck-holder', 'PX', 10_000);
    const start = Date.now();
    expect(await cache.getOrCompute('pulse:x', async () => 'mine')).toBe('mine');
    expect(Date.now() - start).toBeLessThan(3000);
    expect(a!.health().counters.lockTimeouts).toBe(1);
  });

  it('the holder renews its lease while computing, and releases only its own lock', async () => {
    // A lease of 1 s: a renewal timer a loaded machine holds up for a few hundred ms (CI runs the
    // browser tests beside this file) must not lose it.
    const [a, b] = await tiers(2, 'renew', { lock: { leaseMs: 1_000, pollMs: 20 } });
    const ca = new Cache<string>({ store: a!, ttlMs: 60_000, namespace: 'scenes:' });
    const cb = new Cache<string>({ store: b!, ttlMs: 60_000, namespace: 'scenes:' });
    let calls = 0;
    const slow = async () => {
      calls++;
      await delay(3_200); // more than three leases
      return 'v';
    };
    const first = ca.getOrCompute('pulse:x', slow);
    await delay(30);
    const second = cb.getOrCompute('pulse:x', slow);
    expect(await Promise.all([first, second])).toEqual(['v', 'v']);
    expect(calls).toBe(1);
    expect(await redis.exists(`${prefixes.at(-1)}l:scenes:pulse:x`)).toBe(0);
  });

  it('an entry over the size cap stays in L1 only, with a not_shared event; the other instance computes', async () => {
    const events: string[] = [];
    const [a, b] = await tiers(2, 'cap', { maxValueBytes: 256, onEvent: (e) => events.push(`${e.type}`) });
    const ca = new Cache<string>({ store: a!, ttlMs: 60_000, namespace: 'scenes:' });
    const cb = new Cache<string>({ store: b!, ttlMs: 60_000, namespace: 'scenes:' });
    const big = 'x'.repeat(1000);
    expect(await ca.getOrCompute('global:10', async () => big)).toBe(big);
    expect(await ca.getOrCompute('global:10', async () => 'again')).toBe(big);
    expect(events).toContain('not_shared');
    expect(a!.health().counters.notShared).toBe(1);
    expect(await redis.exists(`${prefixes.at(-1)}v:scenes:global:10`)).toBe(0);
    expect(await cb.getOrCompute('global:10', async () => 'b-own')).toBe('b-own');
  });

  it('a hostile or corrupt entry in Redis is refused as a miss, and nothing is polluted', async () => {
    const [a] = await tiers(1, 'hostile');
    const cache = new Cache<unknown>({ store: a!, ttlMs: 60_000, namespace: 'scenes:' });
    const p = prefixes.at(-1)!;
    await redis.set(`${p}v:scenes:a`, '{"f":1,"c":0,"e":9e15,"s":9e15,"v":{"__proto__":{"polluted":1}}}');
    await redis.set(
      `${p}v:scenes:b`,
      '{"f":1,"c":0,"e":9e15,"s":9e15,"v":{"\\u0063onstructor":{"prototype":{"polluted":1}}}}',
    );
    await redis.set(`${p}v:scenes:c`, '\u0000garbage');
    for (const key of ['a', 'b', 'c'])
      expect(await cache.getOrCompute(key, async () => `fresh-${key}`)).toBe(`fresh-${key}`);
    // Refused on the lookup and again on the check under the lock.
    expect(a!.health().counters.refused).toBeGreaterThanOrEqual(3);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('closing one instance cache leaves the shared entries to the others', async () => {
    const [a, b] = await tiers(2, 'close');
    const ca = new Cache<string>({ store: a!, ttlMs: 60_000, namespace: 'scenes:' });
    const cb = new Cache<string>({ store: b!, ttlMs: 60_000, namespace: 'scenes:' });
    await ca.getOrCompute('global:10', async () => 'kept');
    await ca.close();
    expect(await redis.exists(`${prefixes.at(-1)}v:scenes:global:10`)).toBe(1);
    expect(await cb.getOrCompute('global:10', async () => 'recomputed')).toBe('kept');
  });

  it("works over the host's own ioredis client and leaves it open and as it was on close", async () => {
    const host = await testRedis();
    const keyPrefix = testPrefix('host-client');
    prefixes.push(keyPrefix);
    const listeners = host.listenerCount('ready') + host.listenerCount('error');
    const tier = createRedisCacheTier({ redis: host, keyPrefix });
    await tier.ready();
    const cache = new Cache<string>({ store: tier, ttlMs: 60_000, namespace: 'talent:' });
    expect(await cache.getOrCompute('pulse:10', async () => 'p')).toBe('p');
    expect(await host.exists(`${keyPrefix}v:talent:pulse:10`)).toBe(1);
    await tier.close();
    expect(host.status).toBe('ready');
    expect(host.listenerCount('ready') + host.listenerCount('error')).toBe(listeners);
    host.disconnect();
  });

  it('rejects bad options with CONFIG_INVALID', () => {
    expect(() => createRedisCacheTier({} as RedisCacheTierOptions)).toThrow(/needs \{ redis \}/);
    expect(() => createRedisCacheTier({ redis: 'http://x' })).toThrow(/redis:\/\//);
    expect(() => createRedisCacheTier({ redis: TEST_REDIS_URL, maxValueBytes: 1 })).toThrow(/maxValueBytes/);
    expect(() => createRedisCacheTier({ redis: TEST_REDIS_URL, lock: { leaseMs: -1 } })).toThrow(/leaseMs/);
  });
});

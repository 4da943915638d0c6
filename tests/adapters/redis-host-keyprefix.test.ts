/**
 * A Redis client with ioredis' own `keyPrefix` (a host's shared client, or ioredis options the tier
 * opens a client from): ioredis prefixes a command's keys but not a `SCAN MATCH` pattern, and
 * prefixes again the keys `SCAN` returns when they are passed back. A clear must still remove
 * the entries from Redis, so that no instance reads a pre-clear value back as fresh; the lock and
 * the shared rate limiter must work under the host's prefix too.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createRedisCacheTier, createRedisRateLimiter } from '../../adapters/redis/index.js';
import type { CacheEntry } from '../../src/core/cache/cache-store.js';
import { dropPrefix, lazyTestRedis, TEST_REDIS_URL, testPrefix, until } from '../helpers/redis-test.js';

let redis: Redis;
const prefixes: string[] = [];
const clients: Redis[] = [];
const connect = lazyTestRedis();
beforeEach(async () => {
  redis = await connect();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  if (!redis) return;
  for (const p of prefixes) await dropPrefix(redis, p);
  redis.disconnect();
});

/** A host's client whose every key ioredis prefixes with `hostPrefix`. */
function hostClient(hostPrefix: string): Redis {
  const c = new Redis(TEST_REDIS_URL, { keyPrefix: hostPrefix, maxRetriesPerRequest: 1 });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

const entry = (v: string): CacheEntry<unknown> => {
  const now = Date.now();
  return { value: { v }, createdAt: now, expiresAt: now + 60_000, staleUntil: now + 120_000 };
};

/** Every raw key under `prefix` (a client without keyPrefix). */
async function rawKeys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    out.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return out.sort();
}

describe('Redis cache tier on a client with its own keyPrefix', () => {
  it("clear(prefix) deletes the L2 entries under the host's prefix: no instance reads the old value back", async () => {
    const hostPrefix = testPrefix('hostkp');
    prefixes.push(hostPrefix);
    const tierA = createRedisCacheTier({ redis: hostClient(hostPrefix), keyPrefix: 'radar:' });
    const tierB = createRedisCacheTier({ redis: hostClient(hostPrefix), keyPrefix: 'radar:' });
    try {
      await Promise.all([tierA.ready(), tierB.ready()]);
      await tierA.set('scenes:pulse:x', entry('old'));
      await tierA.set('talent:pulse:y', entry('kept'));
      expect(await rawKeys(hostPrefix)).toEqual([
        `${hostPrefix}radar:v:scenes:pulse:x`,
        `${hostPrefix}radar:v:talent:pulse:y`,
      ]);
      expect((await tierB.get('scenes:pulse:x'))?.value).toEqual({ v: 'old' });
      const received = tierB.health().counters.invalidationsReceived ?? 0;

      await tierA.clear('scenes:');
      // The values cleared; the invalidation generation (`g`) stays, under the host's prefix too.
      expect(await rawKeys(hostPrefix)).toEqual([`${hostPrefix}radar:g`, `${hostPrefix}radar:v:talent:pulse:y`]);
      await until(() => (tierB.health().counters.invalidationsReceived ?? 0) > received, 2000, 'the bus');
      expect(await tierB.get('scenes:pulse:x')).toBeUndefined();
      expect(await tierA.get('scenes:pulse:x')).toBeUndefined();
      expect((await tierB.get('talent:pulse:y'))?.value).toEqual({ v: 'kept' });

      // A clear of everything, and a prefix holding glob characters, stay under the host's prefix.
      await tierA.set('scenes:a*[b]?', entry('glob'));
      await tierA.clear();
      expect(await rawKeys(hostPrefix)).toEqual([`${hostPrefix}radar:g`]);
      expect(await tierB.get('talent:pulse:y')).toBeUndefined();
      expect(tierA.health()).toMatchObject({ state: 'ok', counters: { l2Errors: 0 } });
    } finally {
      await tierA.close();
      await tierB.close();
    }
  });

  it('the same for a client the tier opens from ioredis options with a keyPrefix, and the lock works under it', async () => {
    const hostPrefix = testPrefix('optkp');
    prefixes.push(hostPrefix);
    const url = new URL(TEST_REDIS_URL);
    const options = { host: url.hostname, port: Number(url.port || 6379), keyPrefix: hostPrefix };
    const tierA = createRedisCacheTier({ redis: options, keyPrefix: 'radar:' });
    const tierB = createRedisCacheTier({ redis: options, keyPrefix: 'radar:' });
    try {
      await Promise.all([tierA.ready(), tierB.ready()]);
      await tierA.set('scenes:pulse:x', entry('old'));
      expect((await tierB.get('scenes:pulse:x'))?.value).toEqual({ v: 'old' });
      await tierB.clear('scenes:');
      expect(await rawKeys(hostPrefix)).toEqual([`${hostPrefix}radar:g`]);
      expect(await tierA.get('scenes:pulse:x')).toBeUndefined();

      // One computation across the two instances, the lock key under the host's prefix.
      let computations = 0;
      const leadOn = (tier: typeof tierA) => async (): Promise<string> => {
        computations++;
        await new Promise((r) => setTimeout(r, 50));
        await tier.set('scenes:pulse:z', entry('z'));
        return 'z';
      };
      const results = await Promise.all([
        tierA.coordinate!('scenes:pulse:z', leadOn(tierA)),
        tierB.coordinate!('scenes:pulse:z', leadOn(tierB)),
      ]);
      expect(computations).toBe(1);
      expect(results.filter((r) => r.led)).toHaveLength(1);
      expect(await rawKeys(hostPrefix)).toEqual([`${hostPrefix}radar:g`, `${hostPrefix}radar:v:scenes:pulse:z`]);
    } finally {
      await tierA.close();
      await tierB.close();
    }
  });
});

describe('Redis rate limiter on a client with its own keyPrefix', () => {
  it("counts under the host's prefix, shared by two limiters", async () => {
    const hostPrefix = testPrefix('rlkp');
    prefixes.push(hostPrefix);
    const a = await createRedisRateLimiter({ redis: hostClient(hostPrefix), limit: 2, windowMs: 10_000 });
    const b = await createRedisRateLimiter({ redis: hostClient(hostPrefix), limit: 2, windowMs: 10_000 });
    try {
      expect((await a.consume('client-1')).allowed).toBe(true);
      expect((await b.consume('client-1')).allowed).toBe(true);
      expect((await a.consume('client-1')).allowed).toBe(false);
      expect(a.health().insured + b.health().insured).toBe(0);
      expect(await rawKeys(hostPrefix)).toEqual([`${hostPrefix}scene-radar:rl:client-1`]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

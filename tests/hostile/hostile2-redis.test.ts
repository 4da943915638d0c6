/**
 * Hostile probes of the Redis cache tier against the real local Redis: a key the SDK did not
 * write (another type, garbage) must be a miss for that key alone, never a Redis outage for the
 * whole tier.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisCacheTier, type RedisCacheTier } from '../../adapters/redis/index.js';
import { Cache } from '../../src/core/cache/cache.js';
import { dropPrefix, lazyTestRedis, TEST_REDIS_URL, testPrefix, until } from '../helpers/redis-test.js';

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

async function tier(name: string): Promise<{ tier: RedisCacheTier; prefix: string }> {
  const prefix = testPrefix(name);
  prefixes.push(prefix);
  const t = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix: prefix });
  open.push(t);
  await t.ready();
  return { tier: t, prefix };
}

describe('hostile: values in Redis the SDK did not write', () => {
  it('a key of another Redis type is refused as a miss; the tier stays ok and keeps its L1', async () => {
    const { tier: t, prefix } = await tier('wrongtype');
    const cache = new Cache<string>({ store: t, ttlMs: 60_000, namespace: 'talent:' });
    expect(await cache.getOrCompute('kept', async () => 'kept-1')).toBe('kept-1');
    // Another program left a hash where the tier keeps a value.
    await redis.hset(`${prefix}v:talent:odd`, 'a', '1');
    for (let i = 0; i < 3; i++)
      expect(await cache.getOrCompute('odd', async () => 'computed', { ttlMs: 0 })).toBe('computed');
    const health = t.health();
    expect(health.state).toBe('ok');
    expect(health.counters.recoveries).toBe(0);
    expect(health.counters.refused).toBeGreaterThanOrEqual(1);
    // L1 still serves the other key (not dropped by a false "Redis came back").
    expect(await cache.getOrCompute('kept', async () => 'kept-2')).toBe('kept-1');
    expect(health.counters.l1Hits).toBeGreaterThanOrEqual(0);
  });

  it('garbage, a foreign envelope and a huge value are misses; the value is computed and shared again', async () => {
    const { tier: t, prefix } = await tier('garbage');
    const cache = new Cache<{ n: number }>({ store: t, ttlMs: 60_000, namespace: 'scenes:' });
    await redis.set(`${prefix}v:scenes:a`, '{"f":1,"c":0,"e":5,"s":1,"v":{"n":9}}'); // grace before TTL
    await redis.set(`${prefix}v:scenes:b`, '\u0000\u00ff not json');
    await redis.set(`${prefix}v:scenes:c`, `{"f":1,"c":0,"e":null,"s":null,"v":"${'x'.repeat(2 * 1024 * 1024)}"}`);
    let n = 0;
    for (const key of ['a', 'b', 'c']) expect(await cache.getOrCompute(key, async () => ({ n: ++n }))).toEqual({ n });
    expect(t.health().state).toBe('ok');
    expect(t.health().counters.refused).toBeGreaterThanOrEqual(3);
    // The tier wrote its own entries over the garbage.
    expect(await redis.get(`${prefix}v:scenes:b`)).toContain('"v":{"n":2}');
  });
});

describe('hostile: the SDK connections killed (CLIENT KILL)', () => {
  it('an instance whose connections were killed while another deleted a key never serves the old value', async () => {
    const prefix = testPrefix('killed');
    prefixes.push(prefix);
    const name = `sr-h2-${Math.random().toString(36).slice(2, 8)}`;
    const own = new Redis(TEST_REDIS_URL, { connectionName: name, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    own.on('error', () => undefined);
    const a = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix: prefix });
    const b = createRedisCacheTier({ redis: own, keyPrefix: prefix, retryAfterMs: 50 });
    open.push(a, b);
    await Promise.all([a.ready(), b.ready()]);
    const ca = new Cache<string>({ store: a, ttlMs: 60_000, namespace: 'talent:' });
    const cb = new Cache<string>({ store: b, ttlMs: 60_000, namespace: 'talent:' });
    expect(await ca.getOrCompute('k', async () => 'old')).toBe('old');
    expect(await cb.getOrCompute('k', async () => 'never')).toBe('old');
    // Kill every connection of b (its commands and its bus subscription), then delete on a.
    const list = (await redis.client('LIST')) as unknown as string;
    const ids = list
      .split('\n')
      .filter((line) => line.includes(` name=${name} `))
      .map((line) => /id=(\d+)/.exec(line)![1]!);
    expect(ids.length).toBe(2);
    for (const id of ids) await redis.client('KILL', 'ID', id);
    await ca.delete('k');
    await until(() => b.health().state === 'ok' && (b.health().counters.recoveries ?? 0) > 0, 5000, 'b to recover');
    expect(await cb.getOrCompute('k', async () => 'new')).toBe('new');
    await b.close();
    own.disconnect();
  });
});

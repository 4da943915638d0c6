/**
 * The shared rate limiter against the real local Redis (it fails, never skips, without one): two
 * limiters stand for two instances and share one count; its decisions are the in-memory limiter's,
 * so the HTTP kit answers the same 429 with the same headers; with Redis cut, the documented
 * `whenRedisDown` decision is taken at once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createSceneRadar, type SceneRadar } from '../../src/index.js';
import { createFetchHandler, createMemoryRateLimiter, type RateLimitDecision } from '../../src/api/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createRedisRateLimiter, type RedisRateLimiter } from '../../adapters/redis/index.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { dropPrefix, TEST_REDIS_PORT, TEST_REDIS_URL, testPrefix, lazyTestRedis } from '../helpers/redis-test.js';

let redis: Redis;
let radar: SceneRadar;
const prefixes: string[] = [];
const limiters: RedisRateLimiter[] = [];

const connect = lazyTestRedis();
beforeEach(async () => {
  redis = await connect();
});
beforeAll(async () => {
  const world = createDemoWorld({ artists: 30, end: '2026-11-24' });
  radar = createSceneRadar({ sources: world.sources });
  await radar.scenes.importCatalog(world.catalog);
});
afterAll(async () => {
  await Promise.all(limiters.map((l) => l.close()));
  await radar.close();
  if (!redis) return;
  for (const p of prefixes) await dropPrefix(redis, p);
  redis.disconnect();
});

async function limiter(options: Partial<Parameters<typeof createRedisRateLimiter>[0]> = {}): Promise<RedisRateLimiter> {
  const keyPrefix = options.keyPrefix ?? testPrefix('rl');
  prefixes.push(keyPrefix);
  const made = await createRedisRateLimiter({ redis: TEST_REDIS_URL, keyPrefix, ...options });
  limiters.push(made);
  return made;
}

describe('Redis rate limiter', () => {
  it('two instances share one count, with the in-memory limiter decisions', async () => {
    const keyPrefix = testPrefix('rl-shared');
    const [a, b] = [
      await limiter({ keyPrefix, limit: 3, windowMs: 10_000 }),
      await limiter({ keyPrefix, limit: 3, windowMs: 10_000 }),
    ];
    const memory = createMemoryRateLimiter({ limit: 3, windowMs: 10_000 });
    const shared = [
      await a!.consume('client-1'),
      await b!.consume('client-1'),
      await a!.consume('client-1'),
      await b!.consume('client-1'),
    ];
    const alone = [1, 2, 3, 4].map(() => memory.consume('client-1') as RateLimitDecision);
    expect(shared.map((d) => [d.allowed, d.limit, d.remaining])).toEqual(
      alone.map((d) => [d.allowed, d.limit, d.remaining]),
    );
    for (const d of shared) {
      expect(d.resetMs).toBeGreaterThan(9000);
      expect(d.resetMs).toBeLessThanOrEqual(10_000);
    }
    expect((await a!.consume('client-2')).allowed).toBe(true);
    expect(a!.health()).toMatchObject({ state: 'ok', insured: 0 });
  });

  it('the HTTP kit answers 429 with Retry-After and RateLimit headers, as with the in-memory limiter', async () => {
    const h = createFetchHandler(radar, { rateLimit: { limiter: await limiter({ limit: 2, windowMs: 10_000 }) } });
    const hit = (path = '/api/scenes') => h(new Request(`http://x${path}`), { clientAddress: 'a' });
    const first = await hit();
    expect(first.status).toBe(200);
    expect([
      first.headers.get('ratelimit-limit'),
      first.headers.get('ratelimit-remaining'),
      first.headers.get('ratelimit-reset'),
    ]).toEqual(['2', '1', '10']);
    expect((await hit()).status).toBe(200);
    const refused = await hit('/api/talent/pulse');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('TALENT_RATE_LIMITED');
  });

  it('with Redis cut, each policy decides at once: memory counts per instance, allow, deny', async () => {
    const proxy = await startFaultProxy({ port: TEST_REDIS_PORT });
    try {
      const url = proxy.url(TEST_REDIS_URL);
      const memory = await limiter({
        redis: url,
        limit: 100,
        insuranceLimit: 2,
        windowMs: 5000,
        commandTimeoutMs: 200,
      });
      const allow = await limiter({ redis: url, limit: 1, whenRedisDown: 'allow' });
      const deny = await limiter({ redis: url, limit: 1, whenRedisDown: 'deny' });
      expect((await memory.consume('k')).allowed).toBe(true);
      await proxy.cut();
      const start = Date.now();
      const insured = [await memory.consume('k'), await memory.consume('k'), await memory.consume('k')];
      expect(insured.map((d) => d.allowed)).toEqual([true, true, false]);
      expect(insured[2]).toMatchObject({ limit: 2, remaining: 0 });
      expect((await allow.consume('k')).allowed).toBe(true);
      expect((await allow.consume('k')).allowed).toBe(true);
      expect((await deny.consume('k')).allowed).toBe(false);
      expect(Date.now() - start).toBeLessThan(1000);
      expect(memory.health()).toMatchObject({ state: 'degraded', insured: 3 });
      const h = createFetchHandler(radar, { rateLimit: { limiter: deny } });
      const refused = await h(new Request('http://x/api/scenes'), { clientAddress: 'z' });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
    } finally {
      await proxy.close();
    }
  });

  it('rejects bad options with CONFIG_INVALID', async () => {
    await expect(createRedisRateLimiter({ redis: TEST_REDIS_URL, windowMs: 1500 })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    await expect(createRedisRateLimiter({ redis: TEST_REDIS_URL, limit: 0 })).rejects.toThrow(/limit/);
    await expect(createRedisRateLimiter({ redis: TEST_REDIS_URL, whenRedisDown: 'maybe' as 'allow' })).rejects.toThrow(
      /whenRedisDown/,
    );
  });
});

/**
 * Hostile review 88: the Redis adapter's rate limiter, lock, bus and codec, against the local
 * Redis (127.0.0.1:6379). Every test here fails on the current code because of a real fault.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createMemoryRateLimiter, type RateLimitDecision } from '../../src/api/index.js';
import { createRedisRateLimiter, type RedisRateLimiter } from '../../adapters/redis/index.js';
import { decodeEntry } from '../../adapters/redis/codec.js';
import { dropPrefix, lazyTestRedis, TEST_REDIS_PORT, TEST_REDIS_URL, testPrefix } from '../helpers/redis-test.js';

const connectRedis = lazyTestRedis();
let redis: Redis | undefined;
const prefixes: string[] = [];
const limiters: RedisRateLimiter[] = [];

beforeEach(async () => {
  redis = await connectRedis();
});

afterAll(async () => {
  await Promise.all(limiters.map((l) => l.close()));
  if (redis) {
    for (const p of prefixes) await dropPrefix(redis, p);
    redis.disconnect();
  }
});

async function limiter(options: Partial<Parameters<typeof createRedisRateLimiter>[0]> = {}): Promise<RedisRateLimiter> {
  const keyPrefix = options.keyPrefix ?? testPrefix('hr88');
  prefixes.push(keyPrefix);
  const made = await createRedisRateLimiter({ redis: TEST_REDIS_URL, keyPrefix, ...options });
  limiters.push(made);
  return made;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A TCP proxy in front of the test Redis that can stall: once stalled, it keeps the connections
 * open but forwards nothing more (a hung Redis, a network black hole), unlike a cut.
 */
async function startStallProxy(): Promise<{ url: string; stall(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let stalled = false;
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: TEST_REDIS_PORT });
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk) => {
      if (!stalled) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!stalled) client.write(chunk);
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    stall: () => {
      stalled = true;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('hostile review 88: Redis rate limiter', () => {
  // docs/scale-out.md: "every duration of the tier and the limiter is at most 2^31-1 ms, a Node
  // timer's range (a longer one would fire after 1 ms) ... All are `CONFIG_INVALID`."
  // rate-limiter.ts TSDoc of RedisDownPolicy: `memory` counts `insuranceLimit` per window.
  it('a window past a timer range (30 days) is refused, or at least still counts while Redis is down', async () => {
    const thirtyDays = 30 * 24 * 3600 * 1000;
    let made: RedisRateLimiter;
    try {
      made = await createRedisRateLimiter({
        redis: 'redis://127.0.0.1:1',
        keyPrefix: testPrefix('hr88-month'),
        limit: 1,
        insuranceLimit: 1,
        windowMs: thirtyDays,
        commandTimeoutMs: 100,
      });
    } catch (error) {
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      return;
    }
    try {
      const first = await made.consume('client');
      await sleep(30);
      const second = await made.consume('client');
      expect(first.allowed).toBe(true);
      // One request per 30-day window (insured in memory): the second must be refused. The
      // in-memory insurance's expiry timer (30 days) overflows to 1 ms and forgets the count.
      expect(second.allowed).toBe(false);
    } finally {
      await made.close();
    }
  });

  // docs/scale-out.md: "Its decisions are those of the in-memory limiter (`limit` requests per
  // `windowMs` and client ...)". The adapter itself refuses a lone surrogate in a keyPrefix because
  // "Redis would store it as U+FFFD, the same bytes as another prefix's" (rate-limiter.ts), but
  // not in the client key: two clients then share one count.
  it('two distinct client keys differing only in a lone surrogate do not share one count', async () => {
    const shared = await limiter({ limit: 1, windowMs: 10_000 });
    const memory = createMemoryRateLimiter({ limit: 1, windowMs: 10_000 });
    const keys = ['client-\ud800', 'client-\udc00', 'client-\ufffd'];
    const alone = keys.map((k) => (memory.consume(k) as RateLimitDecision).allowed);
    const redisDecisions: boolean[] = [];
    for (const k of keys) redisDecisions.push((await shared.consume(k)).allowed);
    expect(alone).toEqual([true, true, true]);
    expect(redisDecisions).toEqual(alone);
  });

  // rate-limiter.ts, RedisRateLimiter.health TSDoc: "`ok` while Redis answers, `degraded` while
  // decisions fall back (`whenRedisDown`)"; docs/scale-out.md: "When Redis cannot answer (not
  // connected, or slower than `commandTimeoutMs` ...)".
  it('health() says degraded while Redis hangs and decisions fall back', async () => {
    const proxy = await startStallProxy();
    try {
      const l = await limiter({ redis: proxy.url, limit: 5, windowMs: 10_000, commandTimeoutMs: 150 });
      expect((await l.consume('c')).allowed).toBe(true);
      expect(l.health()).toMatchObject({ state: 'ok', insured: 0 });
      proxy.stall();
      const d = await l.consume('c');
      expect(d.allowed).toBe(true);
      expect(l.health().insured).toBe(1);
      expect(l.health().state).toBe('degraded');
    } finally {
      await proxy.close();
    }
  });
});

describe('hostile review 88: Redis codec', () => {
  // codec.ts module note: "reading refuses any object key `__proto__` or `constructor` (however it
  // is escaped)". JSON allows whitespace between a key and its colon: text written by another
  // app (or anyone with write access to the prefix) slips past the `"__proto__":` substring test.
  it('refuses a __proto__ or constructor key written with a space before the colon', () => {
    const hostile = [
      '{"f":1,"c":1,"e":2,"s":3,"v":{"__proto__" :{"polluted":true}}}',
      '{"f":1,"c":1,"e":2,"s":3,"v":{"constructor"\n:{"prototype":{"polluted":true}}}}',
    ];
    for (const text of hostile) expect(decodeEntry(text, 1 << 20)).toEqual({ ok: false, why: 'forbidden-key' });
  });
});

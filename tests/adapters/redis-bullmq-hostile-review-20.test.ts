/**
 * Hostile review 20 of the multi-instance adapters (Redis cache tier, lock, codec, rate limiter;
 * BullMQ sharded refresh) against the local Redis. Every test works under its own `hr20` key
 * prefix / queue name and closes what it opened.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry } from '../../adapters/redis/codec.js';
import { createRedisCacheTier, type RedisCacheTier } from '../../adapters/redis/index.js';
import { fixedClock, isSceneRadarError } from '../../src/index.js';
import { dropPrefix, lazyTestRedis, TEST_REDIS_URL } from '../helpers/redis-test.js';

const hr20 = (name: string): string => `sr-test:hr20-${name}:${randomBytes(4).toString('hex')}:`;
const sleep = (ms: number) => new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms));

let redis: Redis;
const connect = lazyTestRedis();
const prefixes: string[] = [];
const tiers: RedisCacheTier[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
beforeEach(async () => {
  redis = await connect();
});
afterEach(async () => {
  for (const t of tiers.splice(0)) await t.close().catch(() => undefined);
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});
afterAll(async () => {
  if (!redis) return;
  for (const p of prefixes) await dropPrefix(redis, p);
  redis.disconnect();
});

const tierOf = (options: Omit<Parameters<typeof createRedisCacheTier>[0], 'redis'> & { redis?: unknown }) => {
  const keyPrefix = options.keyPrefix ?? hr20('tier');
  prefixes.push(keyPrefix);
  const tier = createRedisCacheTier({ redis: TEST_REDIS_URL, ...options, keyPrefix } as never);
  tiers.push(tier);
  return { tier, keyPrefix };
};

const entry = <V>(value: V) => {
  const now = Date.now();
  return { value, createdAt: now, expiresAt: now + 60_000, staleUntil: now + 120_000 };
};

describe('hostile review 20: the lock', () => {
  it("a waiter gives up after waitTimeoutMs of wall time even when the tier has the radar's fixed clock", async () => {
    // docs/scale-out.md: "give the tier the radar's clock"; radars in tests and backtests run on
    // fixedClock. waitTimeoutMs is a wall-time bound on a holder that renews but never finishes.
    const { tier, keyPrefix } = tierOf({
      clock: fixedClock('2026-11-25T00:00:00.000Z'),
      lock: { leaseMs: 5_000, waitTimeoutMs: 300, pollMs: 20 },
    });
    await tier.ready(3000);
    // Another instance holds the lock (and keeps renewing it).
    await redis.set(`${keyPrefix}l:pulse`, 'another-instance', 'PX', 20_000);
    const got = await Promise.race([tier.coordinate!('pulse', async () => 42), sleep(2500)]);
    expect(got).toEqual({ led: true, value: 42 });
    expect(tier.health().counters.lockTimeouts).toBe(1);
  });

  it('a lease Redis cannot take (not a whole number of ms) is refused up front, or the lock still works', async () => {
    for (const leaseMs of [1500.5, 1e300]) {
      let made: ReturnType<typeof tierOf> | undefined;
      try {
        made = tierOf({ lock: { leaseMs } });
      } catch (e) {
        expect(isSceneRadarError(e) ? e.code : String(e)).toBe('CONFIG_INVALID');
        continue;
      }
      await made.tier.ready(3000);
      const out = await made.tier.coordinate!('k', async () => 1);
      expect(out).toEqual({ led: true, value: 1 });
      // The lock was taken in Redis, and one bad option did not turn the whole tier degraded.
      expect(made.tier.health().counters.locksAcquired).toBe(1);
      expect(made.tier.health().state).toBe('ok');
    }
  });
});

describe('hostile review 20: the lock, guards', () => {
  it('guard: a waiter on another instance gets the entry the holder stored, computed once', async () => {
    const keyPrefix = hr20('guard');
    const a = tierOf({ keyPrefix, lock: { leaseMs: 2_000, waitTimeoutMs: 3_000, pollMs: 20 } }).tier;
    const b = tierOf({ keyPrefix, lock: { leaseMs: 2_000, waitTimeoutMs: 3_000, pollMs: 20 } }).tier;
    await Promise.all([a.ready(3000), b.ready(3000)]);
    let computed = 0;
    const first = a.coordinate!('k', async () => {
      computed++;
      await sleep(250);
      await a.set('k', entry(7));
      return 7;
    });
    await sleep(60);
    const second = await b.coordinate!('k', async () => {
      computed++;
      return 8;
    });
    expect(await first).toEqual({ led: true, value: 7 });
    expect(second.led).toBe(false);
    expect(!second.led && second.entry.value).toBe(7);
    expect(computed).toBe(1);
    expect(await redis.exists(`${keyPrefix}l:k`)).toBe(0);
  });
});

describe('hostile review 20: the codec', () => {
  const roundTrip = (value: unknown): { refused: boolean; back?: unknown } => {
    const out = encodeEntry(entry(value), 1 << 20);
    if (!out.ok) return { refused: true };
    const back = decodeEntry(out.text, 1 << 20);
    if (!back.ok) return { refused: true };
    return { refused: false, back: back.entry.value };
  };

  it('-0 comes back as -0 (or is not shared), never as another number', () => {
    for (const value of [-0, { delta: -0 }, [1, -0]]) {
      const got = roundTrip(value);
      if (got.refused) continue;
      // Object.is tells -0 from 0; toEqual does too.
      expect(got.back).toEqual(value);
    }
  });

  it('an undefined or a function inside an array or object is not read back as null or dropped', () => {
    for (const value of [[1, undefined], { list: [undefined] }, { heat: 1, format: () => 'x' }, [() => 1]]) {
      const got = roundTrip(value);
      if (got.refused) continue;
      // Faithful or refused: another instance must not read back a different value.
      expect(got.back).toStrictEqual(value);
    }
  });

  it('guard: plain nested values, a TTL that never ends, and an empty-prototype object round-trip', () => {
    const value = { a: [1, 'x', null, { b: true }], n: 0, s: '"__proto__" in a string', bare: Object.create(null) };
    const out = encodeEntry({ value, createdAt: 1, expiresAt: 2, staleUntil: Number.POSITIVE_INFINITY }, 1 << 20);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const back = decodeEntry(out.text, 1 << 20);
    expect(back.ok && back.entry.staleUntil).toBe(Number.POSITIVE_INFINITY);
    expect(back.ok && back.entry.value).toEqual({ ...value, bare: {} });
  });
});

describe('hostile review 20: the tier with a host client', () => {
  // The host's client is the host's to connect (review of 2026-12-05: connecting it in the adapter
  // made the host's own connect() reject): the tier shares once the host has connected it.
  it('a host client created with lazyConnect is shared once the host connects it, and the host connect() succeeds', async () => {
    const host = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    host.on('error', () => undefined);
    cleanups.push(async () => host.disconnect());
    const { tier } = tierOf({ redis: host });
    await host.connect();
    const ready = await tier.ready(2000).then(
      () => 'ready',
      (e: unknown) => (isSceneRadarError(e) ? e.code : String(e)),
    );
    expect(ready).toBe('ready');
  });
});

describe('hostile review 20: prefixes and host clients of the tier and the limiter', () => {
  it('two tiers whose keyPrefix differ only in a lone surrogate never share an entry (or the prefix is refused)', async () => {
    const base = hr20('sur').slice(0, -1);
    const made: RedisCacheTier[] = [];
    for (const keyPrefix of [`${base}\ud800:`, `${base}\udc00:`]) {
      try {
        made.push(tierOf({ keyPrefix }).tier);
      } catch (e) {
        expect(isSceneRadarError(e) ? e.code : String(e)).toBe('CONFIG_INVALID');
      }
    }
    prefixes.push(`${base}`);
    if (made.length < 2) return;
    const [a, b] = made as [RedisCacheTier, RedisCacheTier];
    await Promise.all([a.ready(3000), b.ready(3000)]);
    await a.set('scenes:pulse:x', entry({ owner: 'a' }));
    // Redis receives both prefixes as the same UTF-8 bytes (U+FFFD): b would serve a's value.
    expect(await b.get('scenes:pulse:x')).toBeUndefined();
  });

  it('the shared rate limiter counts in Redis over a host client created with lazyConnect once the host connects it', async () => {
    const { createRedisRateLimiter } = await import('../../adapters/redis/index.js');
    const host = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    host.on('error', () => undefined);
    cleanups.push(async () => host.disconnect());
    const keyPrefix = hr20('rl').slice(0, -1);
    prefixes.push(keyPrefix);
    const creating = createRedisRateLimiter({ redis: host, limit: 5, windowMs: 60_000, keyPrefix });
    await host.connect();
    const limiter = await creating;
    cleanups.push(() => limiter.close());
    await limiter.consume('203.0.113.7');
    expect(limiter.health()).toMatchObject({ state: 'ok', decisions: 1, insured: 0 });
  });
});

describe('hostile review 20: durations past the timer range', () => {
  // Node runs a timer of more than 2^31-1 ms after 1 ms (TimeoutOverflowWarning); the BullMQ
  // adapter caps its timeoutMs there, the Redis adapter accepts any finite positive number.
  const huge = 2 ** 31;

  it('a commandTimeoutMs past 2^31-1 ms is refused, or commands still get their time (the tier stays ok)', async () => {
    let made: ReturnType<typeof tierOf> | undefined;
    try {
      made = tierOf({ commandTimeoutMs: huge });
    } catch (e) {
      expect(isSceneRadarError(e) ? e.code : String(e)).toBe('CONFIG_INVALID');
      return;
    }
    const { tier } = made;
    await tier.ready(3000).catch(() => undefined);
    for (let i = 0; i < 20; i++) {
      await tier.set(`k${i}`, entry({ i, pad: 'x'.repeat(2000) }));
      await tier.delete(`k${i}`);
    }
    expect(tier.health().counters.l2Errors).toBe(0);
    expect(tier.health().state).toBe('ok');
  });

  it('the limiter refuses a commandTimeoutMs past 2^31-1 ms, or still counts in Redis', async () => {
    const { createRedisRateLimiter } = await import('../../adapters/redis/index.js');
    const keyPrefix = hr20('rl-huge').slice(0, -1);
    prefixes.push(keyPrefix);
    let limiter: Awaited<ReturnType<typeof createRedisRateLimiter>>;
    try {
      limiter = await createRedisRateLimiter({ redis: TEST_REDIS_URL, limit: 100, keyPrefix, commandTimeoutMs: huge });
    } catch (e) {
      expect(isSceneRadarError(e) ? e.code : String(e)).toBe('CONFIG_INVALID');
      return;
    }
    cleanups.push(() => limiter.close());
    for (let i = 0; i < 20; i++) await limiter.consume('198.51.100.9');
    expect(limiter.health().insured).toBe(0);
  });
});

describe('hostile review 20: an entry whose grace outlasts what PX can hold', () => {
  it('is shared (or kept local) without the tier declaring Redis down', async () => {
    const { tier } = tierOf({});
    await tier.ready(3000);
    const now = Date.now();
    // The Cache accepts any ttlMs/graceMs >= 0: a host "never expire" of 1e19 ms is finite.
    await tier.set('scenes:pulse:forever', {
      value: { heat: 1 },
      createdAt: now,
      expiresAt: now + 1e19,
      staleUntil: now + 1e19,
    });
    // One entry must not open the circuit: every other key would go lockless and local for retryAfterMs.
    expect(tier.health().state).toBe('ok');
    expect(tier.health().counters.l2Errors).toBe(0);
  });
});

describe('hostile review 20: the codec read cap', () => {
  it('reading refuses text larger than maxValueBytes counted in UTF-8 bytes, as writing does', () => {
    const cap = 150;
    const text = `{"f":1,"c":1,"e":2,"s":3,"v":"${'é'.repeat(100)}"}`; // 129 UTF-16 units, 229 bytes
    expect(Buffer.byteLength(text, 'utf8')).toBeGreaterThan(cap);
    expect(encodeEntry({ value: 'é'.repeat(100), createdAt: 1, expiresAt: 2, staleUntil: 3 }, cap)).toEqual({
      ok: false,
      why: 'oversize',
    });
    expect(decodeEntry(text, cap)).toEqual({ ok: false, why: 'oversize' });
  });
});

describe('hostile review 20: the sharded refresh coordinator', () => {
  const redisUrl = new URL(TEST_REDIS_URL);
  const connection = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };
  const queueName = () => `sr-test-hr20-${randomBytes(4).toString('hex')}`;
  const memoryRadar = async () => {
    const { createDemoWorld } = await import('../../adapters/memory/index.js');
    const { createSceneRadar } = await import('../../src/index.js');
    const world = createDemoWorld({ seed: 3, artists: 20, scenes: 3, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00.000Z') });
    await radar.scenes.importCatalog(world.catalog);
    cleanups.push(() => radar.close());
    return radar;
  };
  const cleanQueue = (name: string) =>
    cleanups.push(async () => {
      const { Queue } = await import('bullmq');
      const q = new Queue(name, { connection });
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    });

  it('close() while a refresh waits for its finish makes that refresh reject promptly, not after timeoutMs', async () => {
    const radar = await memoryRadar();
    const name = queueName();
    cleanQueue(name);
    const { createShardedRefresh } = await import('../../adapters/bullmq/index.js');
    const sharded = createShardedRefresh({ radar, connection, queueName: name, shardSize: 5, timeoutMs: 8_000 });
    cleanups.push(() => sharded.close());
    const running = sharded.refresh(undefined, { scenes: false });
    const outcome = running.then(
      () => 'resolved',
      (e: unknown) => (isSceneRadarError(e) ? e.code : String(e)),
    );
    // No worker: the flow is added and waits. Then the coordinator is closed.
    const check = new Redis(TEST_REDIS_URL);
    cleanups.push(async () => check.disconnect());
    const t0 = Date.now();
    while ((await check.keys(`bull:${name}:*`)).length === 0 && Date.now() - t0 < 5000) await sleep(50);
    await sleep(200);
    await sharded.close();
    const got = await Promise.race([outcome, sleep(4000)]);
    expect(got).not.toBe('timeout');
    expect(got).not.toBe('resolved');
  });

  it("close() mid-refresh: the refresh's jobs are removed, none is left for a later worker to write", async () => {
    const radar = await memoryRadar();
    const name = queueName();
    cleanQueue(name);
    const { createShardedRefresh } = await import('../../adapters/bullmq/index.js');
    const sharded = createShardedRefresh({ radar, connection, queueName: name, shardSize: 5, timeoutMs: 2_000 });
    cleanups.push(() => sharded.close());
    const outcome = sharded.refresh(undefined, { scenes: false }).then(
      () => 'resolved',
      (e: unknown) => (isSceneRadarError(e) ? e.code : String(e)),
    );
    const check = new Redis(TEST_REDIS_URL);
    cleanups.push(async () => check.disconnect());
    const t0 = Date.now();
    while ((await check.keys(`bull:${name}:*`)).length === 0 && Date.now() - t0 < 5000) await sleep(50);
    await sleep(200);
    await sharded.close();
    expect(await Promise.race([outcome, sleep(9000)])).not.toBe('resolved');
    await sleep(300);
    const { Queue } = await import('bullmq');
    const q = new Queue(name, { connection });
    cleanups.push(() => q.close());
    const counts = await q.getJobCounts('waiting', 'waiting-children', 'delayed', 'prioritized', 'active');
    // "either way the refresh's jobs and staged shards are removed and nothing is written"
    expect(counts).toEqual({ waiting: 0, 'waiting-children': 0, delayed: 0, prioritized: 0, active: 0 });
  }, 15_000);

  it('guard: with no worker, the refresh rejects TALENT_TIMEOUT after timeoutMs and removes its jobs', async () => {
    const radar = await memoryRadar();
    const name = queueName();
    cleanQueue(name);
    const { createShardedRefresh } = await import('../../adapters/bullmq/index.js');
    const sharded = createShardedRefresh({ radar, connection, queueName: name, shardSize: 5, timeoutMs: 1_000 });
    cleanups.push(() => sharded.close());
    const got = await sharded.refresh(undefined, { scenes: false }).then(
      () => 'resolved',
      (e: unknown) => (isSceneRadarError(e) ? e.code : String(e)),
    );
    expect(got).toBe('TALENT_TIMEOUT');
    const { Queue } = await import('bullmq');
    const q = new Queue(name, { connection });
    cleanups.push(() => q.close());
    const counts = await q.getJobCounts('waiting', 'waiting-children', 'delayed', 'prioritized', 'active');
    expect(counts).toEqual({ waiting: 0, 'waiting-children': 0, delayed: 0, prioritized: 0, active: 0 });
  }, 10_000);

  it('refresh() with options that are not an object rejects with TALENT_VALIDATION_ERROR before any work', async () => {
    const radar = await memoryRadar();
    const name = queueName();
    cleanQueue(name);
    const { createShardedRefresh } = await import('../../adapters/bullmq/index.js');
    const sharded = createShardedRefresh({ radar, connection, queueName: name, timeoutMs: 5_000 });
    cleanups.push(() => sharded.close());
    let scenesRefreshed = 0;
    const original = radar.scenes.refresh.bind(radar.scenes);
    (radar.scenes as { refresh: typeof original }).refresh = async (...args) => {
      scenesRefreshed++;
      return original(...args);
    };
    for (const bad of [null, 'fast', 7]) {
      const got = await sharded.refresh(undefined, bad as never).then(
        () => 'resolved',
        (e: unknown) => (isSceneRadarError(e) ? e.code : String(e)),
      );
      expect(got).toBe('TALENT_VALIDATION_ERROR');
    }
    expect(scenesRefreshed).toBe(0);
  });

  it('refresh() on a closed coordinator rejects before running the Scenes Engine refresh', async () => {
    const radar = await memoryRadar();
    const name = queueName();
    cleanQueue(name);
    const { createShardedRefresh } = await import('../../adapters/bullmq/index.js');
    const sharded = createShardedRefresh({ radar, connection, queueName: name, timeoutMs: 5_000 });
    await sharded.close();
    let scenesRefreshed = 0;
    const original = radar.scenes.refresh.bind(radar.scenes);
    (radar.scenes as { refresh: typeof original }).refresh = async (...args) => {
      scenesRefreshed++;
      return original(...args);
    };
    const got = await sharded.refresh().then(
      () => 'resolved',
      (e: unknown) => (isSceneRadarError(e) ? e.code : String(e)),
    );
    expect(got).not.toBe('resolved');
    expect(scenesRefreshed).toBe(0);
  });
});

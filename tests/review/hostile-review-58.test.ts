/**
 * Hostile review 58: the multi-instance parts (the Redis cache tier; the sharded refresh over
 * BullMQ with the PostgreSQL stores). Each test asserts what docs/scale-out.md (or a careful user)
 * expects and fails on the current code.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRefreshWorker, createShardedRefresh } from '../../adapters/bullmq/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createPostgresStores, migrate } from '../../adapters/postgres/index.js';
import { createRedisCacheTier } from '../../adapters/redis/index.js';
import { Cache } from '../../src/core/cache/cache.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { dropPrefix, testPrefix, testRedis, TEST_REDIS_PORT, TEST_REDIS_URL, until } from '../helpers/redis-test.js';

const database = fileTestDatabase();
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

/** A host ioredis client whose bus subscriber hears each message `delayMs` late (pub/sub latency). */
function hostWithLateBus(delayMs: number): Redis {
  const host = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  host.on('error', () => undefined);
  const duplicate = host.duplicate.bind(host);
  host.duplicate = ((opts?: object) => {
    const sub = duplicate(opts as never);
    const emit = sub.emit.bind(sub);
    sub.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event === 'message') {
        setTimeout(() => emit(event, ...args), delayMs);
        return true;
      }
      return emit(event, ...args);
    }) as typeof sub.emit;
    return sub;
  }) as typeof host.duplicate;
  return host;
}

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

describe('hostile review 58: the cache tier across instances', () => {
  it('a second computation of a key on the same instance, started while an invalidated one still runs, keeps the generation guard: a value computed before another instance cleared the key is not left in Redis', async () => {
    const redis = await testRedis();
    const prefix = testPrefix('hr58-gen');
    const host = hostWithLateBus(400);
    const tierA = createRedisCacheTier({ redis: host, keyPrefix: prefix, lock: { pollMs: 20 } });
    const tierB = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix: prefix });
    cleanups.push(async () => {
      await tierA.close();
      await tierB.close();
      host.disconnect();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    });
    await Promise.all([tierA.ready(2000), tierB.ready(2000)]);
    const cacheA = new Cache<string>({ store: tierA, ttlMs: 60_000, namespace: 'ns:' });
    const cacheB = new Cache<string>({ store: tierB, ttlMs: 60_000, namespace: 'ns:' });
    // Instance A computes k; a clearCache on A itself drops that computation (a refresh on A).
    const first = gate();
    let firstStarted = false;
    const onA1 = cacheA.getOrCompute('k', async () => {
      firstStarted = true;
      await first.wait;
      return 'first';
    });
    await until(() => firstStarted, 2000, 'A computing the first time');
    await cacheA.delete('k');
    // A request on A computes k again (it waits for the first computation's lock, then leads).
    const second = gate();
    let secondStarted = false;
    const onA2 = cacheA.getOrCompute('k', async () => {
      secondStarted = true;
      await second.wait;
      return 'computed-before-the-clear';
    });
    await new Promise((r) => setTimeout(r, 50));
    first.open();
    await onA1;
    await until(() => secondStarted, 3000, 'A computing the second time');
    // Instance B clears k while A's second computation runs (the data changed).
    await cacheB.delete('k');
    // A's computation ends before the bus message reaches it (pub/sub a little late).
    second.open();
    expect(await onA2).toBe('computed-before-the-clear');
    await until(() => (tierA.health().counters.invalidationsReceived ?? 0) >= 1, 3000, 'A hearing the clear');
    // No instance may serve the value computed before B's clear.
    const onB = await cacheB.getOrCompute('k', async () => 'computed-after-the-clear');
    expect(onB).toBe('computed-after-the-clear');
  });

  it('a computation that ran while this instance was cut from Redis, ending after it recovered, does not store in Redis a value another instance cleared meanwhile', async () => {
    const redis = await testRedis();
    const prefix = testPrefix('hr58-recover');
    const proxy = await startFaultProxy({ port: TEST_REDIS_PORT });
    const tierA = createRedisCacheTier({
      redis: proxy.url(TEST_REDIS_URL),
      keyPrefix: prefix,
      commandTimeoutMs: 200,
      retryAfterMs: 100,
    });
    const tierB = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix: prefix });
    cleanups.push(async () => {
      await tierA.close();
      await tierB.close();
      await proxy.close();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    });
    await Promise.all([tierA.ready(2000), tierB.ready(2000)]);
    const cacheA = new Cache<string>({ store: tierA, ttlMs: 60_000, namespace: 'ns:' });
    const cacheB = new Cache<string>({ store: tierB, ttlMs: 60_000, namespace: 'ns:' });
    // Instance A is cut from Redis, and computes k alone (degraded: the documented behaviour).
    await proxy.cut();
    await until(() => tierA.health().state === 'degraded', 3000, 'A degraded');
    const computing = gate();
    let started = false;
    const onA = cacheA.getOrCompute('k', async () => {
      started = true;
      await computing.wait;
      return 'computed-before-the-clear';
    });
    await until(() => started, 2000, 'A computing');
    // Meanwhile instance B (still connected) refreshes and clears k: A cannot hear it.
    await cacheB.delete('k');
    // Redis comes back for A: it recovers (drops its L1, since it may have missed invalidations).
    await proxy.restore();
    await until(() => tierA.health().state === 'ok', 8000, 'A recovered');
    // Then A's computation, begun from data read before B's clear, ends.
    computing.open();
    expect(await onA).toBe('computed-before-the-clear');
    await new Promise((r) => setTimeout(r, 100));
    // What every instance now reads is not the value computed before the clear.
    const onB = await cacheB.getOrCompute('k', async () => 'computed-after-the-clear');
    expect(onB).toBe('computed-after-the-clear');
  });
});

describe('hostile review 58: the sharded refresh coordinator', () => {
  const redisUrl = new URL(TEST_REDIS_URL);
  const connection = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };
  const queueName = () => `sr-test-hr58-${randomBytes(4).toString('hex')}`;
  const cleanQueue = (name: string) =>
    cleanups.push(async () => {
      const q = new Queue(name, { connection });
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    });
  const memoryRadar = async () => {
    const world = createDemoWorld({ seed: 3, artists: 20, scenes: 3, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00.000Z') });
    await radar.scenes.importCatalog(world.catalog);
    cleanups.push(() => radar.close());
    return radar;
  };

  it("onProgress reports 'retrying' for a shard whose first attempt failed and that runs again", async () => {
    const radar = await memoryRadar();
    const name = queueName();
    cleanQueue(name);
    // One process as coordinator and worker over the same stores; shard 1's first attempt throws.
    const shard = radar.talent.refreshShard.bind(radar.talent);
    const attempts = new Map<number, number>();
    (radar.talent as { refreshShard: typeof shard }).refreshShard = async (job, options) => {
      const n = (attempts.get(job.index) ?? 0) + 1;
      attempts.set(job.index, n);
      if (job.index === 1 && n === 1) throw new Error('a source connection reset (transient)');
      return shard(job, options);
    };
    const worker = createRefreshWorker({ radar, connection, queueName: name });
    cleanups.push(() => worker.close());
    const sharded = createShardedRefresh({ radar, connection, queueName: name, shardSize: 5, timeoutMs: 30_000 });
    cleanups.push(() => sharded.close());
    const progress: Array<{ state: string; shard: number | null }> = [];
    const report = await sharded.refresh(undefined, {
      scenes: false,
      onProgress: (p) => progress.push({ state: p.state, shard: p.shard }),
    });
    expect(report.shards).toBeGreaterThan(1);
    expect(attempts.get(1)).toBe(2);
    // docs/scale-out.md: "retrying: it failed or its worker died (it runs again unless out of attempts)".
    expect(progress).toContainEqual({ state: 'retrying', shard: 1 });
  }, 30_000);

  it('after a sharded refresh finished by a worker process, the instances over the tier serve the new refresh, not the cached lists of the previous one', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const name = queueName();
    cleanQueue(name);
    const redis = await testRedis();
    const keyPrefix = testPrefix('hr58-sharded');
    cleanups.push(async () => {
      await dropPrefix(redis, keyPrefix);
      redis.disconnect();
    });
    const T1 = '2026-11-24T00:00:00.000Z';
    const T2 = '2026-11-25T00:00:00.000Z';
    const world = createDemoWorld({ seed: 5, artists: 30, scenes: 3, end: '2026-11-24' });
    const instance = (withTier: boolean) => {
      const clock = fixedClock(T2);
      const stores = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 3 }, { schema });
      const tier = withTier ? createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix, clock }) : undefined;
      const radar = createSceneRadar({
        sources: world.sources,
        stores,
        clock,
        ...(tier ? { cache: { store: tier } } : {}),
      });
      cleanups.push(async () => {
        await radar.close();
        await tier?.close();
        await stores.close();
      });
      return { radar, tier };
    };
    // API instance A (the tier; it also coordinates refreshes); a refresh worker in a process of
    // its own (docs/scale-out.md: BullMQ's Redis connections and its PostgreSQL pool, no tier).
    const a = instance(true);
    const w = instance(false);
    await a.tier!.ready(3000);
    await a.radar.scenes.importCatalog(world.catalog);
    await a.radar.refresh(new Date(T1));
    const before = await a.radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 5 });
    expect(before.meta.asOf).toBe(T1);
    const worker = createRefreshWorker({ radar: w.radar, connection, queueName: name });
    cleanups.push(() => worker.close());
    const sharded = createShardedRefresh({
      radar: a.radar,
      connection,
      queueName: name,
      shardSize: 10,
      timeoutMs: 60_000,
    });
    cleanups.push(() => sharded.close());
    const report = await sharded.refresh(new Date(T2));
    expect(report.asOf).toBe(T2);
    // The tables now hold the refresh as of T2: what A serves must say so (it is not a stale
    // value within grace: the list is served as fresh, for up to talent.globalPulseTtlMs).
    const after = await a.radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 5 });
    expect(after.meta.asOf).toBe(T2);
  }, 60_000);
});

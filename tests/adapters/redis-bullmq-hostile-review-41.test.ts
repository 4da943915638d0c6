/**
 * Hostile review 41: the multi-instance parts (the Redis cache tier, its lock, bus and circuit;
 * the sharded refresh over BullMQ). Each test asserts what docs/scale-out.md (or a careful user)
 * expects and fails on the current code.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRefreshWorker, createShardedRefresh } from '../../adapters/bullmq/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createRedisCacheTier } from '../../adapters/redis/index.js';
import { Cache } from '../../src/core/cache/cache.js';
import { createSceneRadar, fixedClock, isSceneRadarError, type SceneRadarSources } from '../../src/index.js';
import { memoryScenesStores, memoryTalentStores } from '../../src/stores/memory-table.js';
import { dropPrefix, testPrefix, testRedis, TEST_REDIS_PORT, TEST_REDIS_URL, until } from '../helpers/redis-test.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

const WORLD = { seed: 11, artists: 40, scenes: 3, end: '2026-11-24' } as const;
const NOW = '2026-11-25T00:00:00.000Z';

/** A port of 127.0.0.1 nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `sources` with every method waiting for `gate` first (and `onCall` told of each call). */
function gated(sources: SceneRadarSources, gate: Promise<void>, onCall: () => void): SceneRadarSources {
  const out: Record<string, unknown> = {};
  for (const [name, source] of Object.entries(sources)) {
    if (typeof source !== 'object' || source === null) {
      out[name] = source;
      continue;
    }
    const slow: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(source))
      slow[key] =
        typeof value === 'function'
          ? async (...args: unknown[]) => {
              onCall();
              await gate;
              return (value as (...a: unknown[]) => unknown).apply(source, args);
            }
          : value;
    out[name] = slow;
  }
  return out as SceneRadarSources;
}

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

describe('hostile review 41: the cache tier across instances', () => {
  it('a value computed before another instance cleared the key is not left in Redis for every instance to serve (bus a little late)', async () => {
    const redis = await testRedis();
    const prefix = testPrefix('hr41-late-bus');
    const host = hostWithLateBus(40);
    const tierA = createRedisCacheTier({ redis: host, keyPrefix: prefix });
    const tierB = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix: prefix });
    try {
      await Promise.all([tierA.ready(2000), tierB.ready(2000)]);
      const cacheA = new Cache<string>({ store: tierA, ttlMs: 60_000, namespace: 'ns:' });
      const cacheB = new Cache<string>({ store: tierB, ttlMs: 60_000, namespace: 'ns:' });
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let started = false;
      // Instance A computes the key from data read before the clear.
      const onA = cacheA.getOrCompute('k', async () => {
        started = true;
        await gate;
        return 'computed-before-the-clear';
      });
      await until(() => started, 2000, 'A computing');
      // Instance B clears the key (a refresh changed the data): DEL, then PUBLISH.
      await cacheB.delete('k');
      // A's computation ends before the invalidation reaches it (a few ms of pub/sub latency).
      release();
      expect(await onA).toBe('computed-before-the-clear');
      // Once A has heard of the clear, no instance may serve the value computed before it.
      await until(() => (tierA.health().counters.invalidationsReceived ?? 0) >= 1, 2000, 'A hearing the clear');
      const onB = await cacheB.getOrCompute('k', async () => 'computed-after-the-clear');
      const onA2 = await cacheA.getOrCompute('k', async () => 'computed-after-the-clear');
      expect({ onB, onA: onA2 }).toEqual({ onB: 'computed-after-the-clear', onA: 'computed-after-the-clear' });
      await cacheA.close();
      await cacheB.close();
    } finally {
      await tierA.close();
      await tierB.close();
      host.disconnect();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    }
  });

  it('after one failed command, an idle tier whose Redis answers again returns to ok: ready() resolves, health says ok', async () => {
    const redis = await testRedis();
    const prefix = testPrefix('hr41-circuit');
    const host = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    host.on('error', () => undefined);
    const tier = createRedisCacheTier({ redis: host, keyPrefix: prefix, retryAfterMs: 20 });
    try {
      await tier.ready(2000);
      // One read fails (a command timeout on a loaded network); Redis itself is fine. The tier reads
      // an entry with its PTTL in one script (EVALSHA) since 2026-12-07, a GET before.
      const evaluate = host.evalsha.bind(host);
      let failOnce = true;
      host.evalsha = ((...args: Parameters<typeof host.evalsha>) => {
        if (failOnce) {
          failOnce = false;
          return Promise.reject(new Error('Command timed out'));
        }
        return evaluate(...args);
      }) as typeof host.evalsha;
      expect(await tier.get('ns:x')).toBeUndefined();
      expect(tier.health().state).toBe('degraded');
      await new Promise((r) => setTimeout(r, 40));
      // retryAfterMs (20 ms) has passed and Redis answers: the circuit may close again.
      let readyError: unknown = null;
      await tier.ready(300).catch((e: unknown) => {
        readyError = e;
      });
      expect({ readyError: readyError === null ? null : String(readyError), state: tier.health().state }).toEqual({
        readyError: null,
        state: 'ok',
      });
    } finally {
      await tier.close();
      host.disconnect();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    }
  });

  it('a delete whose one command failed is replayed once Redis answers again, even if that instance stays idle', async () => {
    const redis = await testRedis();
    const prefix = testPrefix('hr41-replay');
    const host = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    host.on('error', () => undefined);
    const tierA = createRedisCacheTier({ redis: host, keyPrefix: prefix, retryAfterMs: 20 });
    const tierB = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix: prefix });
    try {
      await Promise.all([tierA.ready(2000), tierB.ready(2000)]);
      const now = Date.now();
      await tierB.set('ns:k', { value: 'old', createdAt: now, expiresAt: now + 60_000, staleUntil: now + 60_000 });
      // A's delete (DEL + PUBLISH) fails once: a command timeout; Redis itself is fine.
      const multi = host.multi.bind(host);
      let failOnce = true;
      host.multi = ((...args: Parameters<typeof host.multi>) => {
        const m = multi(...args);
        if (failOnce) {
          failOnce = false;
          m.exec = (() => Promise.reject(new Error('Command timed out'))) as typeof m.exec;
        }
        return m;
      }) as typeof host.multi;
      await tierA.delete('ns:k');
      expect(tierA.health().counters.pendingInvalidations).toBe(1);
      // Well past retryAfterMs (20 ms), Redis answering all along: the delete must have reached
      // Redis and the other instance, which must not keep serving the deleted value.
      await new Promise((r) => setTimeout(r, 50));
      const got = (await tierB.get('ns:k')) as { value: unknown } | undefined;
      expect({ onB: got?.value, pending: tierA.health().counters.pendingInvalidations }).toEqual({
        onB: undefined,
        pending: 0,
      });
    } finally {
      await tierA.close();
      await tierB.close();
      host.disconnect();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    }
  });
});

describe('hostile review 41: the sharded refresh coordinator', () => {
  it('Redis down at the start: "nothing was written" holds, no plan record is left in talent_radar_state', async () => {
    const world = createDemoWorld(WORLD);
    const talent = memoryTalentStores();
    const radar = createSceneRadar({
      sources: world.sources,
      stores: { scenes: memoryScenesStores(), talent },
      clock: fixedClock(new Date(NOW)),
    });
    cleanups.push(() => radar.close());
    const port = await closedPort();
    const sharded = createShardedRefresh({
      radar,
      connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null },
      queueName: `hr41-down-${randomBytes(4).toString('hex')}`,
      shardSize: 10,
      timeoutMs: 300,
    });
    let error: unknown;
    try {
      await sharded.refresh(undefined, { scenes: false });
    } catch (e) {
      error = e;
    } finally {
      await sharded.close();
    }
    expect(isSceneRadarError(error) && error.code).toBe('TALENT_TIMEOUT');
    expect(String((error as Error).message)).toMatch(/nothing was written/);
    const state = await talent.talent_radar_state.scan();
    expect(state.map((r) => r.name).filter((n) => n.startsWith('refresh-plan-'))).toEqual([]);
  });

  it('given up while a worker runs a shard: the refresh\u2019s other jobs are removed, none is left for a worker to run', async () => {
    const redis = await testRedis();
    const bullPrefix = `hr41b${randomBytes(4).toString('hex')}`;
    const queueName = `hr41-active-${randomBytes(4).toString('hex')}`;
    const connection = { host: '127.0.0.1', port: TEST_REDIS_PORT, maxRetriesPerRequest: null };
    const world = createDemoWorld(WORLD);
    const scenes = memoryScenesStores();
    const talent = memoryTalentStores();
    const clock = fixedClock(new Date(NOW));
    const coordinatorRadar = createSceneRadar({ sources: world.sources, stores: { scenes, talent }, clock });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let workerCalls = 0;
    const workerRadar = createSceneRadar({
      sources: gated(world.sources, gate, () => workerCalls++),
      stores: { scenes, talent },
      clock,
    });
    const worker = createRefreshWorker({ radar: workerRadar, connection, queueName, prefix: bullPrefix });
    const sharded = createShardedRefresh({
      radar: coordinatorRadar,
      connection,
      queueName,
      prefix: bullPrefix,
      shardSize: 10,
      timeoutMs: 400,
    });
    const queue = new Queue(queueName, { connection, prefix: bullPrefix });
    try {
      let error: unknown;
      let refreshId: string | null = null;
      const refreshing = sharded.refresh(undefined, { scenes: false, onProgress: (p) => (refreshId = p.refreshId) });
      try {
        await refreshing;
      } catch (e) {
        error = e;
      }
      expect(workerCalls).toBeGreaterThan(0); // a shard was running on the worker when it gave up
      expect(isSceneRadarError(error) && error.code).toBe('TALENT_TIMEOUT');
      const id = refreshId ?? /Sharded refresh ([0-9a-f-]{36})/.exec(String((error as Error).message))?.[1];
      // The finish and the shards not started must be gone: no worker may run them (and stage
      // rows no finish will ever read) after the call said its jobs were removed.
      const left = (await queue.getJobs(['waiting', 'waiting-children', 'delayed', 'prioritized'])).map((j) => j.id);
      expect({ id: typeof id, left }).toEqual({ id: 'string', left: [] });
    } finally {
      release();
      await worker.close().catch(() => undefined);
      await sharded.close().catch(() => undefined);
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close().catch(() => undefined);
      await dropPrefix(redis, `${bullPrefix}:`);
      redis.disconnect();
      await coordinatorRadar.close();
      await workerRadar.close();
    }
  });
});

/**
 * Redis down is degraded, not down: through a TCP proxy in front of the real local Redis (cut and
 * restored) and a server that accepts connections but never answers. The cache keeps serving from
 * L1 and computing alone, never throws and never hangs, says `degraded` in its health, replays the
 * deletes made meanwhile when Redis returns, and drops its L1 then (invalidations were missed).
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { Cache } from '../../src/core/cache/cache.js';
import { CacheGroup } from '../../src/core/cache/cache-group.js';
import { systemClock } from '../../src/core/clock.js';
import { createRedisCacheTier, type RedisCacheTierEvent } from '../../adapters/redis/index.js';
import { checkHealth } from '../../src/api/index.js';
import { createSceneRadar } from '../../src/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import {
  dropPrefix,
  TEST_REDIS_PORT,
  TEST_REDIS_URL,
  testPrefix,
  lazyTestRedis,
  until,
} from '../helpers/redis-test.js';

let redis: Redis;
const prefixes: string[] = [];
const connect = lazyTestRedis();
beforeEach(async () => {
  redis = await connect();
});
afterAll(async () => {
  if (!redis) return;
  for (const p of prefixes) await dropPrefix(redis, p);
  redis.disconnect();
});

describe('Redis cache tier when Redis is down', () => {
  it('serves from L1 and computes alone while Redis is cut, reports degraded, then recovers and replays', async () => {
    const proxy = await startFaultProxy({ port: TEST_REDIS_PORT });
    const keyPrefix = testPrefix('down');
    prefixes.push(keyPrefix);
    const events: RedisCacheTierEvent[] = [];
    const tier = createRedisCacheTier({
      redis: proxy.url(TEST_REDIS_URL),
      keyPrefix,
      commandTimeoutMs: 200,
      retryAfterMs: 100,
      onEvent: (e) => events.push(e),
    });
    const group = new CacheGroup({ clock: systemClock, maxEntries: 100, store: tier });
    const cache = group.cache<string>('scenes', { ttlMs: 60_000, shared: true });
    try {
      await tier.ready();
      expect(group.stats().store).toMatchObject({ state: 'ok' });
      expect(await cache.getOrCompute('pulse:a', async () => 'a')).toBe('a');
      expect(await cache.getOrCompute('pulse:b', async () => 'b')).toBe('b');
      expect(await redis.exists(`${keyPrefix}v:scenes:pulse:a`)).toBe(1);

      await proxy.cut();
      await until(() => tier.health().state === 'degraded', 2000, 'degraded');
      expect(group.stats().store).toMatchObject({ state: 'degraded' });
      expect(typeof group.stats().store?.reason).toBe('string');
      // L1 still serves; a new key is computed here, at once: Redis is not even asked (no command
      // fails, none waits for a timeout).
      const errorsBefore = tier.health().counters.l2Errors;
      expect(await cache.getOrCompute('pulse:a', async () => 'recomputed')).toBe('a');
      expect(await cache.getOrCompute('pulse:c', async () => 'c')).toBe('c');
      await cache.delete('pulse:b');
      expect(tier.health().counters.l2Errors).toBe(errorsBefore);
      expect(tier.health().counters.pendingInvalidations).toBe(1);
      // Redis itself still holds the entry the delete could not reach.
      expect(await redis.exists(`${keyPrefix}v:scenes:pulse:b`)).toBe(1);

      await proxy.restore();
      await until(() => tier.health().state === 'ok', 5000, 'recovery');
      await until(() => tier.health().counters.pendingInvalidations === 0, 2000, 'the replay');
      expect(await redis.exists(`${keyPrefix}v:scenes:pulse:b`)).toBe(0);
      expect(tier.health().counters).toMatchObject({ recoveries: 1, invalidationsReplayed: 1 });
      // L1 was dropped on recovery: the next read goes to Redis, and what is there is served.
      expect(await cache.getOrCompute('pulse:a', async () => 'recomputed')).toBe('a');
      expect(tier.health().counters.l2Hits).toBeGreaterThanOrEqual(1);
      expect(events.map((e) => (e.type === 'state' ? e.state : e.type))).toEqual(
        expect.arrayContaining(['ok', 'degraded']),
      );
    } finally {
      await group.close();
      await tier.close();
      await proxy.close();
    }
  });

  it('a Redis down from the start: degraded with its reason (not connecting forever), shown so by the health route, then ok', async () => {
    const proxy = await startFaultProxy({ port: TEST_REDIS_PORT });
    await proxy.cut();
    const keyPrefix = testPrefix('downstart');
    prefixes.push(keyPrefix);
    const events: RedisCacheTierEvent[] = [];
    const tier = createRedisCacheTier({
      redis: proxy.url(TEST_REDIS_URL),
      keyPrefix,
      retryAfterMs: 100,
      onEvent: (e) => events.push(e),
    });
    const world = createDemoWorld({ seed: 3, artists: 30, scenes: 4, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, cache: { store: tier } });
    try {
      await until(() => tier.health().state === 'degraded', 3000, 'degraded');
      expect(tier.health()).toMatchObject({ state: 'degraded', reason: 'ECONNREFUSED' });
      expect(radar.stats().cache.store).toMatchObject({ state: 'degraded', reason: 'ECONNREFUSED' });
      expect(events).toContainEqual({ type: 'state', state: 'degraded', reason: 'ECONNREFUSED' });
      // The radar serves from its own cache meanwhile: the health route says degraded, not down.
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh();
      const { status, body } = await checkHealth(radar, {
        caches: [{ name: 'redis', health: () => ({ name: 'redis', ...tier.health() }) }, tier],
      });
      expect(status).toBe(200);
      if (!body.ok) throw new Error(`health answered ${JSON.stringify(body)}`);
      expect(body.data.status).toBe('degraded');
      expect(body.data.caches).toEqual([
        { name: 'memory', state: 'ok' },
        { name: 'redis', state: 'degraded', reason: 'ECONNREFUSED' },
        // The tier given as it is: listed by its own name (hostile review 151).
        { name: 'redis', state: 'degraded', reason: 'ECONNREFUSED' },
      ]);

      await proxy.restore();
      await until(() => tier.health().state === 'ok', 5000, 'ok once Redis answers');
      // The first connection is not a recovery: nothing was missed, nothing to replay.
      expect(tier.health().counters).toMatchObject({ recoveries: 0 });
    } finally {
      await radar.close();
      await tier.close();
      await proxy.close();
    }
  });

  it('a Redis that never answers: ready() rejects with STORE_UNAVAILABLE in bounded time, calls compute locally', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent: Server = createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    const tier = createRedisCacheTier({ redis: `redis://127.0.0.1:${port}`, keyPrefix: testPrefix('silent') });
    const cache = new Cache<string>({ store: tier, ttlMs: 60_000, namespace: 'talent:' });
    try {
      const start = Date.now();
      await expect(tier.ready(300)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(await cache.getOrCompute('pulse:10', async () => 'local')).toBe('local');
      expect(await cache.getOrCompute('pulse:10', async () => 'again')).toBe('local');
      await cache.clear();
      expect(Date.now() - start).toBeLessThan(1000);
      expect(tier.health().state).toBe('connecting');
    } finally {
      await tier.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});

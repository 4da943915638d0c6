/**
 * Hostile review 75: many instances sharing one Redis (the cache tier: L1/L2, the invalidation bus,
 * recovery after an outage) and one job queue (the sharded refresh on BullMQ, reviewed: no failing
 * test kept). Each test asserts what docs/scale-out.md (or a host running several instances)
 * expects and fails on the current code.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisCacheTier } from '../../adapters/redis/index.js';
import { Cache } from '../../src/core/cache/cache.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { dropPrefix, testPrefix, testRedis, TEST_REDIS_PORT, TEST_REDIS_URL, until } from '../helpers/redis-test.js';

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

describe('hostile review 75: the cache tier across instances', () => {
  // Fault: recover() drops L1 only `if (everReady)` (adapters/redis/cache-tier.ts, recover): an
  // instance that started while Redis was down recovers without dropping what it computed alone.
  it('an instance that started while Redis was down drops its L1 when Redis answers: it never serves a value another instance cleared meanwhile', async () => {
    const redis = await testRedis();
    const prefix = testPrefix('hr75-first');
    const proxy = await startFaultProxy({ port: TEST_REDIS_PORT });
    await proxy.cut();
    const tierA = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix: prefix });
    const tierB = createRedisCacheTier({
      redis: proxy.url(TEST_REDIS_URL),
      keyPrefix: prefix,
      commandTimeoutMs: 200,
      retryAfterMs: 100,
    });
    cleanups.push(async () => {
      await tierA.close();
      await tierB.close();
      await proxy.close();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    });
    await tierA.ready(2000);
    // B comes up while Redis is unreachable: degraded, it computes alone (the documented behaviour).
    await until(() => tierB.health().state === 'degraded', 5000, 'B degraded');
    const cacheA = new Cache<string>({ store: tierA, ttlMs: 60_000, namespace: 'ns:' });
    const cacheB = new Cache<string>({ store: tierB, ttlMs: 60_000, namespace: 'ns:' });
    expect(await cacheB.getOrCompute('k', async () => 'before-the-clear')).toBe('before-the-clear');
    // A refresh on A changes the data and clears k: B cannot hear it.
    await cacheA.delete('k');
    // Redis comes back for B.
    await proxy.restore();
    await tierB.ready(8000);
    // B may have missed invalidations (it did): what it computed alone is not served any more.
    expect(await cacheB.getOrCompute('k', async () => 'after-the-clear')).toBe('after-the-clear');
  });

  // Fault: recover() (adapters/redis/cache-tier.ts) reopens L2 reads before replaying the deletes
  // it saved, and the replayed delete's own bus message is ignored by its sender: an entry read
  // from L2 before the replayed DEL lands stays in this instance's L1 for its whole TTL.
  it('a delete replayed after an outage is not undone by a read made while it was being replayed: the instance that deleted the key does not keep serving it', async () => {
    const redis = await testRedis();
    const prefix = testPrefix('hr75-replay');
    const host = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    host.on('error', () => undefined);
    // The host client's MULTI: the first one fails (Redis did not answer), the next one is held
    // until the test lets it go (the replay in flight).
    let multis = 0;
    let replaying = false;
    const release = gate();
    const multi = host.multi.bind(host);
    host.multi = ((...args: unknown[]) => {
      const m = (multi as (...a: unknown[]) => ReturnType<Redis['multi']>)(...args);
      const exec = m.exec.bind(m);
      const n = ++multis;
      m.exec = (async () => {
        if (n === 1) throw new Error('Connection is closed.');
        if (n === 2) {
          replaying = true;
          await release.wait;
        }
        return exec();
      }) as typeof m.exec;
      return m;
    }) as typeof host.multi;
    const tierA = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix: prefix });
    const tierB = createRedisCacheTier({ redis: host, keyPrefix: prefix, commandTimeoutMs: 3000, retryAfterMs: 100 });
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
    expect(await cacheA.getOrCompute('k', async () => 'old')).toBe('old');
    // B deletes k (a refresh on B); its one command fails: saved, to be replayed.
    await cacheB.delete('k');
    expect(tierB.health().counters.pendingInvalidations).toBe(1);
    // B's probe finds Redis again and replays the delete; a request on B arrives meanwhile.
    await until(() => replaying, 5000, 'the replay of the delete');
    const during = cacheB.getOrCompute('k', async () => 'new');
    const readL2 = (): number => (tierB.health().counters.l2Hits ?? 0) + (tierB.health().counters.l2Misses ?? 0);
    await until(() => readL2() > 0, 2000, 'B read L2');
    release.open();
    await during;
    await until(() => tierB.health().state === 'ok' && tierB.health().counters.pendingInvalidations === 0, 5000);
    // The replay is done: k is gone from Redis, and B, which deleted it, does not serve it.
    expect(await redis.exists(`${prefix}v:ns:k`)).toBe(0);
    expect(await cacheB.getOrCompute('k', async () => 'new')).toBe('new');
  });

  // Fault: a skipCache computation bypasses coordinate(), so set() finds no generation and writes
  // with a plain SET (adapters/redis/cache-tier.ts, set: `else if (px) ... c.set(...)`; the Cache's
  // skipCache path in src/core/cache/cache.ts #start): the generation guard does not hold for it.
  it('a skipCache recomputation that began before another instance cleared the key does not leave its value in Redis when the bus is a little late', async () => {
    const redis = await testRedis();
    const prefix = testPrefix('hr75-skip');
    const host = hostWithLateBus(1500);
    const tierA = createRedisCacheTier({ redis: host, keyPrefix: prefix });
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
    // A host asks A for a fresh value (skipCache); A reads its sources...
    const computing = gate();
    let started = false;
    const onA = cacheA.getOrCompute(
      'k',
      async () => {
        started = true;
        await computing.wait;
        return 'computed-before-the-clear';
      },
      { skipCache: true },
    );
    await until(() => started, 2000, 'A computing');
    // ...then a refresh on B changes the data and clears k (B's bus message reaches A late).
    await cacheB.delete('k');
    computing.open();
    expect(await onA).toBe('computed-before-the-clear');
    // What every instance reads now is not the value computed before the clear.
    expect(await redis.exists(`${prefix}v:ns:k`)).toBe(0);
    expect(await cacheB.getOrCompute('k', async () => 'computed-after-the-clear')).toBe('computed-after-the-clear');
  });

  // Fault: set() puts the entry in L1 before its generation-guarded L2 write, and keeps it there
  // when the guard refuses it (adapters/redis/cache-tier.ts, set: `if (written !== 1) return;`); a
  // delete made through the same tier is heard by no other cache over it (no bus message to self).
  it('two radars in one process over one tier: a value computed before the other cleared the key is not kept in the shared L1', async () => {
    const redis = await testRedis();
    const prefix = testPrefix('hr75-local');
    const tier = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix: prefix });
    cleanups.push(async () => {
      await tier.close();
      await dropPrefix(redis, prefix);
      redis.disconnect();
    });
    await tier.ready(2000);
    // The API radar's cache and the refresh worker's radar's cache, in one process, over one tier.
    const api = new Cache<string>({ store: tier, ttlMs: 60_000, namespace: 'ns:' });
    const worker = new Cache<string>({ store: tier, ttlMs: 60_000, namespace: 'ns:' });
    const computing = gate();
    let started = false;
    const onApi = api.getOrCompute('k', async () => {
      started = true;
      await computing.wait;
      return 'computed-before-the-clear';
    });
    await until(() => started, 2000, 'the API radar computing');
    // The worker's refresh commits and clears k.
    await worker.delete('k');
    computing.open();
    expect(await onApi).toBe('computed-before-the-clear');
    // Redis refused the value (the generation moved): this process must not serve it either.
    expect(await redis.exists(`${prefix}v:ns:k`)).toBe(0);
    expect(await api.getOrCompute('k', async () => 'computed-after-the-clear')).toBe('computed-after-the-clear');
  });
});

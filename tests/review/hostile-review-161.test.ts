/**
 * Hostile review 161: several instances sharing one Redis (the cache tier, its bus, the
 * generation guard, the lock, the shared rate limiter), against the real local Redis. Every key
 * lives under a prefix `hr161:<random>:` dropped in afterAll.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: an entry read from
 * Redis is moved back onto the reader's clock when Redis's PTTL says its grace ends earlier than
 * it claims; a value with a `toJSON` method is not shared; a delete of a key too long for a bus
 * message is sent as a clear of its first characters; a missing generation counter starts at
 * Redis's clock in microseconds). The first test runs on real-time clocks 30 s apart with a 1.5 s
 * TTL (as reviewed it used hand-advanced clocks, which Redis's own expiry cannot follow).
 *
 * FAULTS:
 *
 * 1. adapters/redis/cache-tier.ts `get`/`fromL2` (and `lockDeps.readFresh`): an entry read from L2
 *    keeps the absolute `createdAt`/`expiresAt`/`staleUntil` of the instance that computed it, and
 *    is then judged against the reader's own clock. With instance clocks 30 s apart (TTL 60 s),
 *    the instance whose clock is behind serves another instance's entry as a fresh hit for 90 s of
 *    real time, and it stays in its L1 past the Redis PX too (L1 is not bounded by Redis). The docs
 *    say entries carry their timestamps "so TTL and grace mean the same everywhere" and that
 *    another instance serves its copy "until that copy's TTL ends". Fix: rebase an entry read from
 *    L2 onto the local clock (e.g. clamp `createdAt` to the local now and shift the three instants
 *    by the same amount, or store durations and derive the expiry from PTTL).
 *
 * 2. adapters/redis/codec.ts `faithful` / `encodeEntry`: a value holding a `toJSON` method (a
 *    function anywhere in it) is written to L2 as whatever `toJSON` returns: the replacer is called
 *    with the result and never sees the function. Another instance is served a different value
 *    (`'reshaped'` for `{ a: 1, toJSON }`), silently, where the docs say a value with a function
 *    anywhere in it "is not shared", counted `notShared`. Fix: in the replacer, refuse an object
 *    whose `toJSON` is a function (own or inherited other than Date's, already refused by proto).
 *
 * 3. adapters/redis/bus.ts `parseBusMessage` (MAX_MESSAGE_CHARS = 64 KiB): a delete of a store key
 *    longer than ~64 K characters is published, but every other instance ignores the message as
 *    too long, so the key stays in their L1 and keeps being served fresh until its TTL, while the
 *    docs say every other instance drops the key from its L1. Fix: cap keys at write (refuse to
 *    share/lock a key whose bus message would exceed the cap, keeping it L1-only like a
 *    lone-surrogate key), or publish an over-long key as a prefix clear of its first N characters.
 *
 * 4. adapters/redis/cache-tier.ts `SET_IF_GENERATION` / `generationKey`: the guard compares the
 *    generation a computation read with the counter's current text. If the counter key `<prefix>g`
 *    disappears (evicted under an `allkeys-*` maxmemory policy, a cache Redis's usual setting, or
 *    deleted with the prefix), the next INCR restarts it at 1, and a computation that began at
 *    generation 1 is written to L2 after another instance's delete: every instance then serves the
 *    value the delete invalidated until its TTL (ABA). Fix: make generations unique (a random
 *    token per invalidation, `SET g <uuid>`), and treat a missing counter as changed when the
 *    computation read one (refuse the write).
 *
 * Verified correct (plain `it`): a delete landing while another instance computes wins (nothing
 * written to L2, no instance serves the old value); the tier's connections killed with CLIENT KILL
 * mid-computation (no hang, back to ok, L1 dropped, the bus works again); clocks skewed within the
 * TTL do not break single computation across instances; corrupt, foreign, hostile and wrong-typed
 * L2 values are refused as misses; the shared rate limiter counts across instances, falls back
 * when its connection is killed and counts in Redis again after.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { fixedClock, type Clock } from '../../src/core/clock.js';
import { Cache } from '../../src/core/cache/cache.js';
import type { CacheEntry } from '../../src/core/cache/cache-store.js';
import {
  createRedisCacheTier,
  createRedisRateLimiter,
  type RedisCacheTier,
  type RedisCacheTierOptions,
  type RedisRateLimiter,
} from '../../adapters/redis/index.js';
import { dropPrefix, lazyTestRedis, until } from '../helpers/redis-test.js';

const ROOT = `hr161:${randomBytes(4).toString('hex')}:`;
let redis: Redis;
const open: RedisCacheTier[] = [];
const limiters: RedisRateLimiter[] = [];
let n = 0;

const connect = lazyTestRedis();
beforeEach(async () => {
  redis = await connect();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
  await Promise.all(limiters.splice(0).map((l) => l.close()));
});
afterAll(async () => {
  if (!redis) return;
  await dropPrefix(redis, ROOT);
  redis.disconnect();
});

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freshPrefix(name: string): string {
  return `${ROOT}${name}-${n++}:`;
}

/** `clocks.length` tiers sharing a fresh prefix, each on its own clock and connection name. */
async function tiers(
  name: string,
  clocks: (Clock | undefined)[],
  extra: Partial<RedisCacheTierOptions> = {},
): Promise<{ prefix: string; tiers: RedisCacheTier[]; names: string[] }> {
  const keyPrefix = freshPrefix(name);
  const names = clocks.map((_, i) => `hr161-${name}-${n}-${i}`);
  const made = clocks.map((clock, i) =>
    createRedisCacheTier({
      redis: { host: '127.0.0.1', port: 6379, connectionName: names[i] },
      keyPrefix,
      ...(clock ? { clock } : {}),
      ...extra,
    }),
  );
  open.push(...made);
  await Promise.all(made.map((t) => t.ready()));
  return { prefix: keyPrefix, tiers: made, names };
}

/** Kills every Redis connection named `name` (through the test's own client). */
async function killConnections(name: string): Promise<number> {
  const list = (await redis.client('LIST')) as string;
  let killed = 0;
  for (const line of list.split('\n')) {
    if (!line.includes(` name=${name} `)) continue;
    const id = /(?:^|\s)id=(\d+)/.exec(line)?.[1];
    if (id) {
      await redis.client('KILL', 'ID', id);
      killed++;
    }
  }
  return killed;
}

describe('hostile review 161: instances sharing Redis', () => {
  it('FAULT: an instance whose clock is 30 s behind serves another instance entry as fresh past its TTL', async () => {
    // Clocks that run with real time, 30 s apart (Redis's expiry runs on real time too: a fake
    // clock advanced by hand would leave Redis behind it).
    const clockA: Clock = { now: () => Date.now() };
    const clockB: Clock = { now: () => Date.now() - 30_000 };
    const {
      tiers: [a, b],
    } = await tiers('skew', [clockA, clockB]);
    const ca = new Cache<{ n: number }>({
      store: a!,
      ttlMs: 1_500,
      graceMs: 1_500,
      namespace: 'scenes:',
      clock: clockA,
    });
    const cb = new Cache<{ n: number }>({
      store: b!,
      ttlMs: 1_500,
      graceMs: 1_500,
      namespace: 'scenes:',
      clock: clockB,
    });
    let calls = 0;
    const compute = async () => ({ n: ++calls });
    expect(await ca.getOrCompute('pulse:x', compute)).toEqual({ n: 1 });
    expect(await cb.getOrCompute('pulse:x', compute)).toEqual({ n: 1 }); // from L2
    // 1.7 s pass on both instances: the entry computed 1.7 s ago is past its 1.5 s TTL.
    await new Promise((r) => setTimeout(r, 1_700));
    const hitsBefore = cb.stats().hits;
    await cb.getOrCompute('pulse:x', compute);
    // Documented: past the TTL it is not a fresh hit anywhere (stale within grace, one refresh).
    expect(cb.stats().hits).toBe(hitsBefore);
    expect(cb.stats().stale).toBe(1);
  });

  it('FAULT: a value holding a toJSON method is shared reshaped instead of kept in L1 (notShared)', async () => {
    const {
      tiers: [a, b],
    } = await tiers('tojson', [undefined, undefined]);
    const ca = new Cache<unknown>({ store: a!, ttlMs: 60_000, namespace: 'talent:' });
    const cb = new Cache<unknown>({ store: b!, ttlMs: 60_000, namespace: 'talent:' });
    const original = {
      a: 1,
      toJSON() {
        return 'reshaped';
      },
    };
    expect(await ca.getOrCompute('profile:x', async () => original)).toBe(original);
    const onB = await cb.getOrCompute('profile:x', async () => ({ a: 1 }));
    // Documented: a function anywhere in it: not shared, B computes its own.
    expect(onB).not.toBe('reshaped');
    expect(a!.health().counters.notShared).toBeGreaterThanOrEqual(1);
  });

  it('FAULT: a delete of a key longer than 64 K characters never reaches the other instances L1', async () => {
    const {
      prefix,
      tiers: [a, b],
    } = await tiers('longkey', [undefined, undefined]);
    const ca = new Cache<string>({ store: a!, ttlMs: 60_000, namespace: 'x:' });
    const cb = new Cache<string>({ store: b!, ttlMs: 60_000, namespace: 'x:' });
    const key = `k:${'y'.repeat(70_000)}`;
    expect(await ca.getOrCompute(key, async () => 'old')).toBe('old');
    expect(await cb.getOrCompute(key, async () => 'other')).toBe('old'); // shared through L2
    expect(b!.size()).toBe(1);
    await ca.delete(key);
    expect(await redis.exists(`${prefix}v:x:${key}`)).toBe(0); // gone from L2
    // Documented: every other instance drops the key from its L1.
    await until(() => b!.size() === 0, 1000, "the delete to reach B's L1").catch(() => undefined);
    expect(await cb.getOrCompute(key, async () => 'new')).toBe('new');
  });

  /** A computation on B that stores its value once `gate` opens (as Cache's lead does). */
  function guardedWrite(b: RedisCacheTier, key: string) {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const now = Date.now();
    const entry: CacheEntry<unknown> = {
      value: 'old',
      createdAt: now,
      expiresAt: now + 60_000,
      staleUntil: now + 90_000,
    };
    const done = b.coordinate!(key, async () => {
      started();
      await gate;
      await b.set(key, entry);
      return 'old';
    });
    return { running, open: () => open(), done };
  }

  it('a delete on A while B computes wins: B value is not written to L2 (generation guard)', async () => {
    const {
      prefix,
      tiers: [a, b],
    } = await tiers('guard', [undefined, undefined]);
    await a!.delete('warm'); // generation 1
    const w = guardedWrite(b!, 'k');
    await w.running;
    await a!.delete('k'); // generation 2
    w.open();
    await w.done;
    expect(await redis.get(`${prefix}v:k`)).toBeNull();
  });

  it('FAULT: with the generation counter evicted, a computation that began before a delete is written after it (ABA)', async () => {
    const {
      prefix,
      tiers: [a, b],
    } = await tiers('aba', [undefined, undefined]);
    await a!.delete('warm'); // generation 1
    const w = guardedWrite(b!, 'k');
    await w.running; // began at generation "1"
    await redis.del(`${prefix}g`); // evicted (allkeys-lru) or dropped with the prefix
    await a!.delete('k'); // INCR: "1" again
    w.open();
    await w.done;
    // Documented: a value computed before another instance's delete is never stored after it.
    expect(await redis.get(`${prefix}v:k`)).toBeNull();
  });

  it('Cache over the tier: a remote delete during a computation leaves no instance serving the old value', async () => {
    const {
      prefix,
      tiers: [a, b, c],
    } = await tiers('during', [undefined, undefined, undefined]);
    const [ca, cb, cc] = [a!, b!, c!].map((t) => new Cache<string>({ store: t, ttlMs: 60_000, namespace: 'n:' }));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const p = cb!.getOrCompute('k', async () => {
      await gate;
      return 'before-delete';
    });
    await delay(50);
    await ca!.delete('k');
    await delay(20);
    release();
    expect(await p).toBe('before-delete'); // its own caller gets what it computed
    await delay(50);
    expect(await redis.get(`${prefix}v:n:k`)).toBeNull();
    expect(await cc!.getOrCompute('k', async () => 'after')).toBe('after');
    expect(await cb!.getOrCompute('k', async () => 'after-b')).toBe('after');
  });

  it('CLIENT KILL of the tier connections mid-computation: no hang, back to ok, L1 dropped, bus works again', async () => {
    const {
      tiers: [a, b],
      names,
    } = await tiers('kill', [undefined, undefined], { retryAfterMs: 200 });
    const ca = new Cache<string>({ store: a!, ttlMs: 60_000, namespace: 'n:' });
    const cb = new Cache<string>({ store: b!, ttlMs: 60_000, namespace: 'n:' });
    const p = ca.getOrCompute('k', async () => {
      await delay(150);
      return 'v1';
    });
    await delay(30);
    expect(await killConnections(names[0]!)).toBeGreaterThanOrEqual(2);
    const t0 = performance.now();
    expect(await p).toBe('v1');
    expect(performance.now() - t0).toBeLessThan(3000);
    await a!.ready(5000);
    expect(a!.health().state).toBe('ok');
    expect(a!.health().counters.recoveries).toBeGreaterThanOrEqual(1);
    // The bus is back: B's delete reaches A.
    await ca.getOrCompute('j', async () => 'j1');
    await cb.getOrCompute('j', async () => 'j-b');
    expect(a!.size()).toBeGreaterThanOrEqual(1);
    await cb.delete('j');
    await until(() => a!.size() === 0 || ca.peek('j') === undefined, 2000, 'delete to reach A');
    expect(await ca.getOrCompute('j', async () => 'j2')).toBe('j2');
  });

  it('clocks skewed within the TTL (-20 s, 0, +20 s): concurrent misses on three instances compute once', async () => {
    const T = Date.parse('2026-06-01T00:00:00Z');
    const clocks = [fixedClock(T - 20_000), fixedClock(T), fixedClock(T + 20_000)];
    const { tiers: made } = await tiers('lockskew', clocks);
    const caches = made.map(
      (t, i) => new Cache<string>({ store: t, ttlMs: 60_000, namespace: 'n:', clock: clocks[i] }),
    );
    let calls = 0;
    const compute = async () => {
      calls++;
      await delay(150);
      return 'once';
    };
    const out = await Promise.all(caches.flatMap((c) => [c.getOrCompute('k', compute), c.getOrCompute('k', compute)]));
    expect(out.every((v) => v === 'once')).toBe(true);
    expect(calls).toBe(1);
  });

  it('corrupt, foreign, hostile and wrong-typed L2 values are refused as misses and recomputed', async () => {
    const {
      prefix,
      tiers: [a],
    } = await tiers('corrupt', [undefined]);
    const ca = new Cache<unknown>({ store: a!, ttlMs: 60_000, namespace: 'n:' });
    await redis.set(`${prefix}v:n:k1`, 'not json {');
    await redis.set(`${prefix}v:n:k2`, JSON.stringify({ f: 2, c: 0, e: null, s: null, v: 'x' }));
    await redis.set(`${prefix}v:n:k3`, '{"f":1,"c":0,"e":null,"s":null,"v":{"\\u005f_proto__":{"polluted":1}}}');
    await redis.hset(`${prefix}v:n:k4`, 'f', '1');
    await redis.set(`${prefix}v:n:k5`, '{"f":1,"c":0,"e":10,"s":5,"v":1}'); // staleUntil < expiresAt
    for (const k of ['k1', 'k2', 'k3', 'k4', 'k5'])
      expect(await ca.getOrCompute(k, async () => `fresh-${k}`)).toBe(`fresh-${k}`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(a!.health().counters.refused).toBeGreaterThanOrEqual(5);
    expect(a!.health().state).toBe('ok');
  });

  it('rate limiter: one count across instances, a killed connection falls back, then counts in Redis again', async () => {
    const keyPrefix = `${ROOT}rl-${n++}`;
    const name = `hr161-rl-${n}`;
    const mk = (connectionName: string) =>
      createRedisRateLimiter({
        redis: { host: '127.0.0.1', port: 6379, connectionName },
        keyPrefix,
        limit: 5,
        windowMs: 60_000,
        whenRedisDown: 'memory',
        insuranceLimit: 1,
      });
    const l1 = await mk(name);
    const l2 = await mk(`${name}-b`);
    limiters.push(l1, l2);
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await l1.consume('client'));
    for (let i = 0; i < 2; i++) decisions.push(await l2.consume('client'));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true]);
    expect(decisions.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0]);
    expect((await l1.consume('client')).allowed).toBe(false);
    expect(await killConnections(name)).toBe(1);
    const during = await l1.consume('other');
    expect(during.allowed).toBe(true);
    // Back: the shared count applies again.
    const start = Date.now();
    let back = await l1.consume('client');
    while (l1.health().state !== 'ok' && Date.now() - start < 4000) {
      await delay(100);
      back = await l1.consume('client');
    }
    expect(l1.health().state).toBe('ok');
    expect(back.allowed).toBe(false);
    expect(back.resetMs).toBeGreaterThan(0);
    expect(back.resetMs).toBeLessThanOrEqual(60_000);
  });
});

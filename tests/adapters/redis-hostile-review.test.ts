/**
 * A hostile review of the Redis cache tier against the real local Redis: keys with a NUL or a lone
 * surrogate, and values JSON would reshape. Another instance must never serve another key's value,
 * a value other than the one stored, or a value a delete removed.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry } from '../../adapters/redis/codec.js';
import { createRedisCacheTier, type RedisCacheTierEvent } from '../../adapters/redis/index.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import {
  dropPrefix,
  lazyTestRedis,
  TEST_REDIS_PORT,
  TEST_REDIS_URL,
  testPrefix,
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

const entry = <V>(value: V) => {
  const now = Date.now();
  return { value, createdAt: now, expiresAt: now + 60_000, staleUntil: now + 120_000 };
};

describe('hostile review: keys of the Redis cache tier', () => {
  it('a delete of a key holding a NUL, made while Redis was cut, is replayed on that key, not on its head', async () => {
    const proxy = await startFaultProxy({ port: TEST_REDIS_PORT });
    const keyPrefix = testPrefix('nul-key');
    prefixes.push(keyPrefix);
    const a = createRedisCacheTier({
      redis: proxy.url(TEST_REDIS_URL),
      keyPrefix,
      commandTimeoutMs: 200,
      retryAfterMs: 100,
    });
    const b = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix, commandTimeoutMs: 200, retryAfterMs: 100 });
    try {
      await a.ready();
      await b.ready();
      const key = 'scenes:pulse:a\u0000b';
      await b.set(key, entry('old'));
      await b.set('scenes:pulse:a', entry('untouched'));
      await proxy.cut();
      await until(() => a.health().state === 'degraded', 3000, 'degraded');
      await a.delete(key);
      await proxy.restore();
      await until(
        () => a.health().state === 'ok' && a.health().counters.pendingInvalidations === 0,
        5000,
        'the replay',
      );
      await until(() => (b.health().counters.invalidationsReceived ?? 0) >= 1, 2000, 'the invalidation');
      expect(await redis.exists(`${keyPrefix}v:${key}`)).toBe(0);
      expect(await redis.exists(`${keyPrefix}v:scenes:pulse:a`)).toBe(1);
      expect((await b.get(key))?.value).toBeUndefined();
      expect((await b.get('scenes:pulse:a'))?.value).toBe('untouched');
    } finally {
      await a.close();
      await b.close();
      await proxy.close();
    }
  });

  it('keys that differ only in a lone surrogate never share an entry: such a key stays in L1', async () => {
    const keyPrefix = testPrefix('lone-key');
    prefixes.push(keyPrefix);
    const events: RedisCacheTierEvent[] = [];
    const a = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix, onEvent: (e) => events.push(e) });
    const b = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix });
    try {
      await a.ready();
      await b.ready();
      await a.set('scenes:x\ud800', entry('for d800'));
      expect((await a.get('scenes:x\ud800'))?.value).toBe('for d800');
      expect((await b.get('scenes:x\udc00'))?.value).toBeUndefined();
      expect((await b.get('scenes:x\ud800'))?.value).toBeUndefined();
      expect(a.health().counters.notShared).toBe(1);
      expect(events).toContainEqual({ type: 'not_shared', key: 'scenes:x\ud800', reason: 'unserialisable' });
      // Its computation is not coordinated through a lock another key would share.
      const out = await b.coordinate!('scenes:x\udc00', async () => 'computed');
      expect(out).toEqual({ led: true, value: 'computed' });
      expect(b.health().counters.locksAcquired).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('hostile review: values JSON would reshape', () => {
  class Point {
    constructor(readonly x: number) {}
  }
  it('are not written to Redis (unserialisable) rather than read back as another value', () => {
    for (const value of [
      new Map([['a', 1]]),
      new Set([1]),
      { at: new Date(0) },
      { heat: Number.NaN },
      [Number.POSITIVE_INFINITY],
      { p: new Point(1) },
    ])
      expect(encodeEntry(entry(value), 1 << 20)).toEqual({ ok: false, why: 'unserialisable' });
  });

  it('plain values still round-trip, an undefined property left out as JSON does', () => {
    const value = { heat: 81.5, list: [1, 'a', null, { ok: true }], none: undefined, bare: Object.create(null) };
    const out = encodeEntry(entry(value), 1 << 20);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const back = decodeEntry<typeof value>(out.text, 1 << 20);
    expect(back.ok && back.entry.value).toEqual({ heat: 81.5, list: [1, 'a', null, { ok: true }], bare: {} });
  });
});

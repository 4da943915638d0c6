/**
 * The local Redis the adapter tests run against (127.0.0.1:6379, no persistence;
 * `SCENE_RADAR_TEST_REDIS_URL` overrides it). Every test works under a key prefix of its own, with a
 * random part, so test files running in parallel never collide, and drops its keys afterwards. A
 * server that cannot be reached fails the tests: nothing here skips.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The test Redis. */
export const TEST_REDIS_URL = process.env.SCENE_RADAR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The port of the test Redis (for a fault proxy in front of it). */
export const TEST_REDIS_PORT = Number(new URL(TEST_REDIS_URL).port || 6379);

/** A fresh key prefix: `sr-test:<name>:<random>:`. */
export function testPrefix(name: string): string {
  return `sr-test:${name}:${randomBytes(4).toString('hex')}:`;
}

/** A plain client on the test Redis; rejects (failing the test) when the server cannot be reached. */
export async function testRedis(): Promise<Redis> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    throw new Error(
      `the Redis tests need a server at ${TEST_REDIS_URL} (start it: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no): ${String(e)}`,
    );
  }
  return redis;
}

/**
 * The test Redis of one test file, connected once on first use. Call it from `beforeEach` (not
 * `beforeAll`): without a server every test then fails, none is reported skipped.
 */
export function lazyTestRedis(): () => Promise<Redis> {
  let connecting: Promise<Redis> | undefined;
  return () => {
    connecting ??= testRedis();
    return connecting;
  };
}

/** Deletes every key under `prefix`. */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Resolves once `check()` is true, polling every 5 ms; rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

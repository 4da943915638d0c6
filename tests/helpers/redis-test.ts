/**
 * The local Redis the adapter tests run against (127.0.0.1:6379, no persistence;
 * `SCENE_RADAR_TEST_REDIS_URL` overrides it). Every test works under a key prefix of its own, with a
 * random part, so test files running in parallel never collide, and drops its keys afterwards. A
 * server that cannot be reached fails the tests: nothing here skips.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
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

/** A port nobody listens on now (the OS's pick for a listener closed at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A Redis server of one test file's own: its URL, and `stop()`, which ends it. */
export interface OwnRedisServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Ends the server and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts a `redis-server` of the caller's own on a free port (no persistence), for a test that
 * stalls the whole server (`CLIENT PAUSE ... ALL`): on the shared test Redis that stalled every
 * test file running beside it in the other workers, and CI failed tests that pass alone. Rejects
 * (failing the test, never skipping it) when the server does not answer PING within 5 s.
 */
export async function ownRedisServer(): Promise<OwnRedisServer> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  /** Why the child cannot serve: it failed to spawn or exited (a port taken since it was picked). */
  let failed: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      failed ??= `it exited (${signal ?? `code ${String(code)}`})`;
      resolve();
    });
    child.once('error', (e) => {
      failed ??= String(e);
      resolve();
    });
  });
  // A test worker that ends without its afterAll (killed, crashed) leaves no server behind.
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  const stop = async (): Promise<void> => {
    process.off('exit', kill);
    kill();
    await exited;
  };
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 5000;
  for (;;) {
    // Each try bounded by the time left: a port that accepts and never answers cannot hang it.
    const left = Math.max(1, deadline - Date.now());
    const probe = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      connectTimeout: Math.min(500, left),
      commandTimeout: left,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    let error: unknown;
    try {
      await probe.connect();
      await probe.ping();
    } catch (e) {
      error = e;
    } finally {
      probe.disconnect();
    }
    // Only our own child's answer counts (not another process that took the port meanwhile).
    if (error === undefined && failed === undefined) return { url, stop };
    if (failed !== undefined || Date.now() >= deadline) {
      await stop();
      throw new Error(`a redis-server of this test's own did not start on port ${port}: ${failed ?? String(error)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The sharded refresh when the queue's Redis fails (docs/scale-out.md, "When something fails"):
 * - down at the start (the coordinator's connection points at a closed port): no sharded refresh
 *   starts, `refresh()` rejects with `TALENT_TIMEOUT` within `min(timeoutMs, 10 s)` of the walk,
 *   nothing of the Talent Radar is written, BullMQ prints nothing, and every connection the call
 *   opened is closed (the process can exit);
 * - the coordinator's connection dropped mid-refresh (a fault proxy cut after the first shard
 *   started; the workers keep theirs): `TALENT_TIMEOUT` after `timeoutMs` plus a bounded grace for
 *   the cleanup, whose Redis calls (the finish job's state, the jobs' removal) never hold it.
 * Both waits were unbounded before: each test fails by its own deadline, not the suite's.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { FlowProducer, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createRefreshWorker, createShardedRefresh } from '../../adapters/bullmq/index.js';
import { migrate } from '../../adapters/postgres/index.js';
import { isSceneRadarError } from '../../src/index.js';
import { radarOn } from '../fixtures/bullmq-world.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { TEST_REDIS_PORT, TEST_REDIS_URL } from '../helpers/redis-test.js';

const database = fileTestDatabase();
const redisHost = new URL(TEST_REDIS_URL).hostname;
const closing: Array<() => Promise<unknown>> = [];
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  for (const close of closing.reverse()) await close().catch(() => undefined);
});

/** How `p` settled within `ms`: its value, its error, or `pending` (a hang, reported, not waited out). */
async function settleWithin<T>(
  p: Promise<T>,
  ms: number,
): Promise<{ state: 'resolved'; value: T } | { state: 'rejected'; error: unknown } | { state: 'pending' }> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<{ state: 'pending' }>((resolve) => {
    timer = setTimeout(() => resolve({ state: 'pending' }), ms);
  });
  try {
    return await Promise.race([
      p.then(
        (value) => ({ state: 'resolved' as const, value }),
        (error: unknown) => ({ state: 'rejected' as const, error }),
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A port of 127.0.0.1 nothing listens on (connections are refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every ioredis client created from now on (BullMQ builds its own from connection options). */
function watchRedisClients(): Set<Redis> {
  const clients = new Set<Redis>();
  const connect = Redis.prototype.connect;
  vi.spyOn(Redis.prototype, 'connect').mockImplementation(function (this: Redis, ...args) {
    clients.add(this);
    return connect.apply(this, args);
  });
  return clients;
}

/** What BullMQ or ioredis printed on stderr through console.error. */
function watchConsoleErrors(): unknown[][] {
  const printed: unknown[][] = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    printed.push(args);
  });
  return printed;
}

describe('a sharded refresh when the queue’s Redis fails', () => {
  it('Redis down at the start: rejects with TALENT_TIMEOUT within min(timeoutMs, 10 s), writes nothing, prints nothing, closes its connections', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const coordinator = radarOn(TEST_DATABASE_URL, schema);
    closing.push(() => coordinator.stores.close());
    await coordinator.radar.scenes.importCatalog(coordinator.catalog);
    const port = await closedPort();
    const clients = watchRedisClients();
    const printed = watchConsoleErrors();
    const timeoutMs = 2_000;
    const sharded = createShardedRefresh({
      radar: coordinator.radar,
      connection: { host: '127.0.0.1', port },
      queueName: `sr-test-down-${randomBytes(4).toString('hex')}`,
      shardSize: 50,
      timeoutMs,
    });
    const t0 = performance.now();
    // The walk (scenes refresh, plan) takes a few seconds here; then at most timeoutMs for Redis.
    const outcome = await settleWithin(sharded.refresh(), 12_000 + timeoutMs);
    const tookMs = Math.round(performance.now() - t0);
    console.info(`Redis down at the start: refresh() settled (${outcome.state}) in ${tookMs} ms`);
    expect(outcome.state, `refresh() still pending after ${tookMs} ms`).toBe('rejected');
    const error = outcome.state === 'rejected' ? outcome.error : null;
    expect(isSceneRadarError(error) && error.code).toBe('TALENT_TIMEOUT');
    expect(String((error as Error).message)).toMatch(/no sharded refresh started.*nothing was written/);
    // Nothing of the Talent Radar written.
    expect(await coordinator.stores.talent.talent_radar_artists.count()).toBe(0);
    expect(await coordinator.stores.talent.talent_radar_refresh_shards.count()).toBe(0);
    // BullMQ printed no connection error (an 'error' listener on every queue object).
    expect(printed.map((args) => args.map(String).join(' ')).filter((l) => /ECONNREFUSED|Error/.test(l))).toEqual([]);
    // Every connection the call opened is ended: nothing retries, the process can exit.
    expect(clients.size).toBeGreaterThanOrEqual(3);
    expect([...clients].map((c) => c.status).filter((s) => s !== 'end')).toEqual([]);
    expect((await settleWithin(sharded.close(), 2_000)).state).toBe('resolved');
  }, 30_000);

  it("the coordinator's Redis cut mid-refresh: rejects with TALENT_TIMEOUT after timeoutMs and a bounded cleanup grace", async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const queueName = `sr-test-cut-${randomBytes(4).toString('hex')}`;
    const direct = { host: redisHost, port: TEST_REDIS_PORT };
    const proxy = await startFaultProxy({ host: redisHost, port: TEST_REDIS_PORT });
    closing.push(() => proxy.close());
    const coordinator = radarOn(TEST_DATABASE_URL, schema);
    closing.push(() => coordinator.stores.close());
    await coordinator.radar.scenes.importCatalog(coordinator.catalog);
    // One worker on a direct connection, slow enough that the refresh is in flight at the cut.
    const instance = radarOn(TEST_DATABASE_URL, schema, 300);
    closing.push(() => instance.stores.close());
    const { close: closeWorker } = createRefreshWorker({ radar: instance.radar, connection: direct, queueName });
    closing.push(closeWorker);
    closing.push(async () => {
      const queue = new Queue(queueName, { connection: direct });
      await queue.obliterate({ force: true });
      await queue.close();
    });
    const printed = watchConsoleErrors();
    const timeoutMs = 2_000;
    const sharded = createShardedRefresh({
      radar: coordinator.radar,
      connection: { host: '127.0.0.1', port: proxy.port },
      queueName,
      shardSize: 50,
      timeoutMs,
    });
    closing.push(async () => {
      if (proxy.isCut) await proxy.restore();
      await sharded.close();
    });
    let cutAt = 0;
    const refreshing = sharded.refresh(undefined, {
      onProgress: (p) => {
        if (cutAt === 0 && p.state === 'started') {
          cutAt = performance.now();
          void proxy.cut();
        }
      },
    });
    refreshing.catch(() => undefined);
    // The walk, then the first shard starting: the cut.
    const cut = await settleWithin(
      (async () => {
        while (cutAt === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      })(),
      15_000,
    );
    expect(cut.state, 'no shard started').toBe('resolved');
    // timeoutMs from the flow's addition, then at most a grace of 500 ms for the state and one for
    // the cleanup: 1.5 s of slack over that.
    const outcome = await settleWithin(refreshing, timeoutMs + 2 * 500 + 1_500);
    const tookMs = Math.round(performance.now() - cutAt);
    console.info(`Redis cut mid-refresh: refresh() settled (${outcome.state}) ${tookMs} ms after the cut`);
    expect(outcome.state, `refresh() still pending ${tookMs} ms after the cut`).toBe('rejected');
    const error = outcome.state === 'rejected' ? outcome.error : null;
    expect(isSceneRadarError(error) && error.code).toBe('TALENT_TIMEOUT');
    expect(tookMs).toBeLessThan(timeoutMs + 2 * 500 + 1_500);
    expect(printed.map((args) => args.map(String).join(' ')).filter((l) => /Error/.test(l))).toEqual([]);
    await proxy.restore();
    expect((await settleWithin(sharded.close(), 5_000)).state).toBe('resolved');
  }, 40_000);

  it('the flow added after its deadline (the connection down at the add, back later): its jobs are removed when it lands, never left for a worker', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const queueName = `sr-test-late-add-${randomBytes(4).toString('hex')}`;
    const direct = { host: redisHost, port: TEST_REDIS_PORT };
    const proxy = await startFaultProxy({ host: redisHost, port: TEST_REDIS_PORT });
    closing.push(() => proxy.close());
    const coordinator = radarOn(TEST_DATABASE_URL, schema);
    closing.push(() => coordinator.stores.close());
    await coordinator.radar.scenes.importCatalog(coordinator.catalog);
    const queue = new Queue(queueName, { connection: direct });
    closing.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
    });
    const printed = watchConsoleErrors();
    // The coordinator's Redis goes down right as the flow is added (the real add, queued by
    // ioredis while its connection is down), and comes back after the call has given up.
    const add = FlowProducer.prototype.add;
    vi.spyOn(FlowProducer.prototype, 'add').mockImplementation(function (this: FlowProducer, ...args) {
      proxy.cut();
      return add.apply(this, args);
    });
    const timeoutMs = 1_500;
    const sharded = createShardedRefresh({
      radar: coordinator.radar,
      connection: { host: '127.0.0.1', port: proxy.port },
      queueName,
      shardSize: 50,
      timeoutMs,
    });
    closing.push(async () => {
      if (proxy.isCut) await proxy.restore();
      await sharded.close();
    });
    const outcome = await settleWithin(sharded.refresh(), 20_000);
    expect(outcome.state).toBe('rejected');
    const error = outcome.state === 'rejected' ? outcome.error : null;
    expect(isSceneRadarError(error) && error.code).toBe('TALENT_TIMEOUT');
    // Not "nothing was written" as a fact: the addition may still land.
    expect(String((error as Error).message)).toMatch(/could not add its flow/);
    expect(String((error as Error).message)).toMatch(/removed as soon as it lands/);
    await proxy.restore();
    // The queued addition reaches Redis once the connection is back: its jobs must not wait there
    // for the next worker to start, which would write a refresh this call said it gave up.
    let left = -1;
    for (let i = 0; i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const counts = await queue.getJobCounts('waiting', 'waiting-children', 'delayed', 'prioritized', 'active');
      left = Object.values(counts).reduce((a, b) => a + b, 0);
      // Wait for the addition to have landed (jobs seen) or enough time for it to.
      if (i >= 30 && left === 0) break;
    }
    expect(left, 'jobs of the given-up refresh still queued').toBe(0);
    expect(await coordinator.stores.talent.talent_radar_refresh_shards.count()).toBe(0);
    expect(printed.map((args) => args.map(String).join(' ')).filter((l) => /Error/.test(l))).toEqual([]);
    expect((await settleWithin(sharded.close(), 5_000)).state).toBe('resolved');
  }, 40_000);
});

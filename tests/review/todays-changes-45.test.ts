/**
 * Review of today's changes 45: the fix of hostile review 183 in the sharded Talent refresh
 * coordinator (adapters/bullmq/sharded-refresh.ts, last commit): a refresh given up while its
 * `flows.add` is in flight registers a "landing" (removes the flow's jobs and discards the plan
 * when the addition lands), tracked in `landings`; `close()` is memoised, stops and awaits the
 * refreshes in flight, shuts the FlowProducer first, waits for the landings within the grace, then
 * shuts the QueueEvents and the Queue.
 *
 * Real Redis, BullMQ prefix `tc45-<pid>-<rand>` (dropped in afterAll), a unique queue per test, a
 * memory radar per test. Interleavings are forced with hooks, never sleeps: a held
 * FlowProducer.add (its close() waits for it, as a QUIT queued behind the flow's EXEC does, as in
 * hostile-review-183), a held Queue.remove, a held `radar.talent.refreshShard`, and a fault proxy
 * cut in front of the coordinator's Redis (never CLIENT PAUSE).
 *
 * Findings (no FAULT found):
 * - Redis down across close() (the addition queued by ioredis on a cut connection): close()
 *   resolves (bounded: flow shut, landings, rest, each within the grace), the QUIT/drop of the flow
 *   connection rejects the queued addition ("Connection is closed") so its landing settles, and
 *   once Redis is back nothing lands: no job, nothing staged.
 * - An addition that REJECTS after its refresh was stopped: close() resolves, nothing is left.
 * - An addition that NEVER settles: close() still resolves (the landing wait is bounded by the
 *   grace; the FlowProducer's close that waits for it is dropped after the grace).
 * - A worker that takes a shard of the landed flow before the landing's removal runs: BullMQ
 *   refuses to remove the locked shard; the others and the finish go; the running shard finds its
 *   refresh over and ends as skipped; nothing is written, no job is left live.
 * - close() is memoised: every call returns the same promise.
 * - A refresh() racing close() after the first step (the flow connection shut, the queue
 *   connection still open) is refused before it plans anything.
 */
import { randomBytes } from 'node:crypto';
import { FlowProducer, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRefreshWorker, createShardedRefresh } from '../../adapters/bullmq/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createSceneRadar, fixedClock, isSceneRadarError, type SceneRadar } from '../../src/index.js';
import { createMemoryStores } from '../../src/stores.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { dropPrefix, TEST_REDIS_PORT, TEST_REDIS_URL } from '../helpers/redis-test.js';

const redisUrl = new URL(TEST_REDIS_URL);
const connection = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };
const PREFIX = `tc45-${process.pid}-${randomBytes(3).toString('hex')}`;
const WORLD = createDemoWorld({ seed: 3, artists: 20, scenes: 3, end: '2026-11-24' });
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});
afterAll(async () => {
  const r = new Redis(TEST_REDIS_URL);
  await dropPrefix(r, `${PREFIX}:`).catch(() => undefined);
  r.disconnect();
});

const queueName = (): string => `q-${randomBytes(4).toString('hex')}`;

/** A deferred. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** `p`, or 'hang' after `ms` (a bound, so a hang fails the test rather than the run). */
function bounded<T>(p: Promise<T>, ms: number): Promise<T | 'hang'> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<'hang'>((r) => (t = setTimeout(() => r('hang'), ms)))]).finally(() =>
    clearTimeout(t),
  );
}

/** Polls `check` until true or `ms` passed; the last value. */
async function poll(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

const outcomeOf = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (e: unknown) => (isSceneRadarError(e) ? e.code : `other: ${String(e)}`),
  );

type Stores = ReturnType<typeof createMemoryStores>;

async function memoryRadar(): Promise<{ radar: SceneRadar; stores: Stores }> {
  const stores = createMemoryStores();
  const radar = createSceneRadar({ sources: WORLD.sources, stores, clock: fixedClock('2026-11-25T00:00:00.000Z') });
  await radar.scenes.importCatalog(WORLD.catalog);
  cleanups.push(() => radar.close());
  return { radar, stores };
}

const LIVE = ['waiting', 'waiting-children', 'delayed', 'prioritized', 'active'] as const;
const NO_JOBS = { waiting: 0, 'waiting-children': 0, delayed: 0, prioritized: 0, active: 0 };
const CLEAN = { jobs: NO_JOBS, plans: 0, staged: 0, artists: 0 };

/** What a refresh left behind: plan records, staged shards, written artists, and live jobs of the queue. */
async function leftovers(stores: Stores, name: string) {
  const q = new Queue(name, { connection, prefix: PREFIX });
  try {
    const jobs = await q.getJobCounts(...LIVE);
    const plans = (await stores.talent.talent_radar_state.scan()).filter((r) =>
      r.name.startsWith('refresh-plan-'),
    ).length;
    return {
      jobs,
      plans,
      staged: await stores.talent.talent_radar_refresh_shards.count(),
      artists: await stores.talent.talent_radar_artists.count(),
    };
  } finally {
    await q.close();
  }
}

/** Whether the queue has no live job. */
async function drained(name: string): Promise<boolean> {
  const q = new Queue(name, { connection, prefix: PREFIX });
  try {
    const c = await q.getJobCounts(...LIVE);
    return Object.values(c).every((n) => n === 0);
  } finally {
    await q.close();
  }
}

function coordinator(radar: SceneRadar, name: string, timeoutMs: number, conn: object = connection) {
  const sharded = createShardedRefresh({
    radar,
    connection: conn,
    prefix: PREFIX,
    queueName: name,
    shardSize: 5,
    timeoutMs,
  });
  cleanups.push(() => sharded.close());
  return sharded;
}

type Add = FlowProducer['add'];
/**
 * Holds every FlowProducer.add until `release` settles, then sends it (or rejects with `release`'s
 * rejection). A FlowProducer's close() waits for a held add, as a QUIT queued behind the flow's
 * EXEC on the same connection does (as hostile-review-183 models it).
 */
function holdFlowAdds(release: Promise<unknown>): { called: Promise<void>; landed: () => Promise<unknown> } {
  const addOrig = FlowProducer.prototype.add;
  const closeOrig = FlowProducer.prototype.close;
  const called = deferred();
  let pending: Promise<unknown> = Promise.resolve();
  FlowProducer.prototype.add = function (this: FlowProducer, ...args: Parameters<Add>): ReturnType<Add> {
    called.resolve();
    const p = release.then(() => addOrig.apply(this, args));
    pending = p.catch(() => undefined);
    return p;
  };
  FlowProducer.prototype.close = async function (this: FlowProducer): Promise<void> {
    await pending;
    return closeOrig.call(this);
  };
  cleanups.push(async () => {
    FlowProducer.prototype.add = addOrig;
    FlowProducer.prototype.close = closeOrig;
  });
  return { called: called.promise, landed: () => pending };
}

describe("today's changes 45: Redis down across close()", () => {
  it('the addition queued on a cut connection: close() resolves, the queued addition is rejected (its landing settles), and nothing lands once Redis is back', async () => {
    const { radar, stores } = await memoryRadar();
    const name = queueName();
    const proxy = await startFaultProxy({ host: connection.host, port: TEST_REDIS_PORT });
    cleanups.push(() => proxy.close());
    const addOrig = FlowProducer.prototype.add;
    let adding: Promise<string> | undefined;
    // Redis goes down right as the flow is added: the real add, queued by ioredis.
    FlowProducer.prototype.add = function (this: FlowProducer, ...args: Parameters<Add>): ReturnType<Add> {
      void proxy.cut();
      const p = addOrig.apply(this, args);
      adding = p.then(
        () => 'landed',
        (e: unknown) => `rejected: ${e instanceof Error ? e.message : String(e)}`,
      );
      return p;
    };
    cleanups.push(async () => {
      FlowProducer.prototype.add = addOrig;
    });
    const sharded = coordinator(radar, name, 1_000, { host: '127.0.0.1', port: proxy.port });
    expect(await bounded(outcomeOf(sharded.refresh(undefined, { scenes: false })), 10_000)).toBe('TALENT_TIMEOUT');
    expect(adding).toBeDefined();
    // Still down: close() is bounded (flow connection, landings, the rest: each within the grace of 500 ms).
    expect(await bounded(sharded.close(), 10_000)).not.toBe('hang');
    // Dropping/quitting the flow connection rejected the queued addition: it can never land.
    expect(await bounded(adding ?? Promise.resolve('none'), 2_000)).toMatch(/^rejected: Connection is closed/);
    await proxy.restore();
    // A negative check: give a reconnect (BullMQ retries every >= 1 s) a bounded while to send
    // anything still queued, then look.
    await poll(async () => false, 2_500);
    expect(await leftovers(stores, name)).toEqual(CLEAN);
    const r = new Redis(TEST_REDIS_URL);
    cleanups.push(async () => r.disconnect());
    // BullMQ's queue meta key only: no job key.
    expect((await r.keys(`${PREFIX}:${name}:*`)).filter((k) => !k.endsWith(':meta'))).toEqual([]);
  }, 20_000);
});

describe("today's changes 45: landings whose addition fails or never settles", () => {
  it('close() while the addition is in flight, then the addition REJECTS: the refresh rejects, close() resolves, nothing is left', async () => {
    const { radar, stores } = await memoryRadar();
    const name = queueName();
    const fail = deferred();
    const release = fail.promise.then(() => {
      throw new Error('flow add failed');
    });
    release.catch(() => undefined);
    const hold = holdFlowAdds(release);
    const sharded = coordinator(radar, name, 8_000);
    const outcome = outcomeOf(sharded.refresh(undefined, { scenes: false }));
    expect(await bounded(hold.called, 5_000)).not.toBe('hang');
    const closing = sharded.close();
    expect(await bounded(outcome, 5_000)).toBe('TALENT_INTERNAL_ERROR');
    fail.resolve();
    expect(await bounded(closing, 5_000)).not.toBe('hang');
    expect(await leftovers(stores, name)).toEqual(CLEAN);
  });

  it('an addition that NEVER settles: close() still resolves (the FlowProducer is dropped after the grace, the landing wait is bounded), nothing is left', async () => {
    const { radar, stores } = await memoryRadar();
    const name = queueName();
    const hold = holdFlowAdds(new Promise<never>(() => undefined));
    // timeoutMs 5 s: a grace of 500 ms.
    const sharded = coordinator(radar, name, 5_000);
    const outcome = outcomeOf(sharded.refresh(undefined, { scenes: false }));
    expect(await bounded(hold.called, 5_000)).not.toBe('hang');
    const closing = sharded.close();
    // Memoised: every call returns the first one's promise.
    expect(sharded.close()).toBe(closing);
    expect(await bounded(outcome, 5_000)).toBe('TALENT_INTERNAL_ERROR');
    expect(await bounded(closing, 8_000)).not.toBe('hang');
    expect(await leftovers(stores, name)).toEqual(CLEAN);
  });
});

describe("today's changes 45: the landed flow's removal races a worker", () => {
  it('a worker takes a shard of the landed flow before the removal: the locked shard is refused, the rest removed, the shard ends skipped; nothing written, no live job', async () => {
    const { radar, stores } = await memoryRadar();
    const name = queueName();
    const release = deferred();
    const hold = holdFlowAdds(release.promise);
    // The worker's shard is held once it runs (locked in Redis).
    const shardEntered = deferred();
    const shardGate = deferred();
    const refreshShard = radar.talent.refreshShard.bind(radar.talent);
    radar.talent.refreshShard = async (...args: Parameters<typeof refreshShard>) => {
      shardEntered.resolve();
      await shardGate.promise;
      return refreshShard(...args);
    };
    // After the flow is released, the coordinator's removals wait until the worker holds a shard.
    let armed = false;
    const removed: Array<{ id: string; n: number | string }> = [];
    const removeOrig = Queue.prototype.remove;
    Queue.prototype.remove = async function (this: Queue, ...args: Parameters<Queue['remove']>) {
      if (!armed) return removeOrig.apply(this, args);
      await shardEntered.promise;
      try {
        const n = await removeOrig.apply(this, args);
        removed.push({ id: args[0], n });
        return n;
      } catch (e) {
        removed.push({ id: args[0], n: e instanceof Error ? e.message : String(e) });
        throw e;
      }
    };
    cleanups.push(async () => {
      Queue.prototype.remove = removeOrig;
    });
    const w = createRefreshWorker({ radar, connection, prefix: PREFIX, queueName: name, stalledInterval: 1_000 });
    cleanups.push(() => w.close());
    // timeoutMs 50 s: a grace of 5 s for the landing's removal and close()'s wait for it.
    const sharded = coordinator(radar, name, 50_000);
    const outcome = outcomeOf(sharded.refresh(undefined, { scenes: false }));
    expect(await bounded(hold.called, 5_000)).not.toBe('hang');
    const closing = sharded.close();
    expect(await bounded(outcome, 5_000)).toBe('TALENT_INTERNAL_ERROR');
    armed = true;
    release.resolve();
    expect(await bounded(shardEntered.promise, 10_000)).not.toBe('hang');
    // close() waited for the landing's removal (the flow connection first, then the landing).
    expect(await bounded(closing, 10_000)).not.toBe('hang');
    await hold.landed();
    // The flow-wide removal was refused (a shard is locked); the shards went one by one (the running
    // one refused: 0), then the finish without its children.
    const steps = removed.map((r) => [r.id.replace(/^.*-(finish|shard)(-\d+)?$/, '$1'), r.n]);
    expect(steps[0]).toEqual(['finish', 0]);
    expect(steps.at(-1)).toEqual(['finish', 1]);
    expect(steps.slice(1, -1).sort()).toEqual([
      ['shard', 0],
      ['shard', 1],
      ['shard', 1],
      ['shard', 1],
    ]);
    shardGate.resolve();
    expect(await poll(() => drained(name), 10_000)).toBe(true);
    expect(await leftovers(stores, name)).toEqual(CLEAN);
    const q = new Queue(name, { connection, prefix: PREFIX });
    cleanups.push(() => q.close());
    // The running shard found its refresh over (its finish gone): skipped, not failed.
    expect(await q.getFailedCount()).toBe(0);
  }, 30_000);
});

describe("today's changes 45: refresh() racing close()'s two steps", () => {
  it('a refresh() called while close() shuts the flow connection (the queue connection still open) is refused before planning', async () => {
    const { radar, stores } = await memoryRadar();
    const name = queueName();
    const release = deferred();
    const hold = holdFlowAdds(release.promise);
    const sharded = coordinator(radar, name, 8_000);
    const first = outcomeOf(sharded.refresh(undefined, { scenes: false }));
    expect(await bounded(hold.called, 5_000)).not.toBe('hang');
    const closing = sharded.close();
    expect(await bounded(first, 5_000)).toBe('TALENT_INTERNAL_ERROR');
    // close() is now in its first step (the FlowProducer's close waits for the held addition).
    let planned = 0;
    const plan = radar.talent.planRefresh.bind(radar.talent);
    radar.talent.planRefresh = async (...args: Parameters<typeof plan>) => {
      planned++;
      return plan(...args);
    };
    expect(await outcomeOf(sharded.refresh(undefined, { scenes: false }))).toBe('TALENT_INTERNAL_ERROR');
    expect(planned).toBe(0);
    release.resolve();
    expect(await bounded(closing, 5_000)).not.toBe('hang');
    await hold.landed();
    expect(await poll(() => drained(name), 3_000)).toBe(true);
    expect(await leftovers(stores, name)).toEqual(CLEAN);
  });
});

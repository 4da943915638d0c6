/**
 * Hostile review 183: race windows of the sharded Talent refresh over BullMQ around `close()`,
 * timeouts and a dropped connection (adapters/bullmq/sharded-refresh.ts, adapters/bullmq/worker.ts).
 * Real Redis, BullMQ prefix `hr183-<pid>-<rand>` (dropped in afterAll), a memory radar per test
 * with its own stores (read back for plan records, staged shards and written artists). Each
 * interleaving is forced with a hook, never a sleep: a wrapped FlowProducer/QueueEvents method, a
 * wrapped radar/store method, onProgress, or polling Redis.
 *
 * Tests named "FAULT:" failed on the code as reviewed (all three fixed in the same commit: a
 * refresh given up with its flow in flight, stopped or past its deadline, removes its jobs when
 * the flow lands; close() shuts the flow connection first, waits for those removals within the
 * grace, then shuts the rest; close() is memoised). The guard after the first FAULT pinned the
 * jobs it left (failed by a later worker); it now pins that none are left. FAULTS:
 *
 * 1. sharded-refresh.ts:386-390. close() while `flows.add` is in flight: `stopped` wins the race,
 *    the stop error is rethrown without the "remove the jobs when the addition lands" handler the
 *    TALENT_TIMEOUT branch attaches (:394-401), and the catch's removeRefreshJobs (:474) runs on
 *    the `jobs` connection before the flow's EXEC reaches Redis on the `flows` connection: it
 *    removes nothing, then the flow lands (close() shuts `flows` with QUIT, queued after the
 *    EXEC). Left: 4 shard jobs waiting + the finish in waiting-children, for a later worker. That
 *    worker fails them (their plan was discarded), so nothing is written, but the jobs were not
 *    removed and end in the failed set for a day. Fix: on any rejection while `added` is false,
 *    attach the on-land removal (or await `adding` within the grace before removing), and have
 *    close() wait for those pending removals before it shuts `jobs`.
 * 2. sharded-refresh.ts:394-401 vs close() :498-507. A refresh that timed out with its flow in
 *    flight promises "if the addition reaches Redis later its jobs are removed as soon as it
 *    lands", but that removal uses the shared `jobs` Queue, which close() shuts without waiting
 *    for it (the refresh is no longer in `inFlight`): the flow lands, the removal fails on a closed
 *    connection, the jobs stay. Fix: track pending on-land removals in a set close() awaits
 *    (bounded by the grace) before shutting `jobs`.
 * 3. sharded-refresh.ts:498-507. close() is not memoised: a second close() while the first shuts
 *    the connections sees them nulled and resolves at once, before they are closed. Fix: keep the
 *    first close()'s promise and return it.
 */
import { randomBytes } from 'node:crypto';
import { FlowProducer, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRefreshWorker, createShardedRefresh } from '../../adapters/bullmq/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createSceneRadar, fixedClock, isSceneRadarError, type SceneRadar } from '../../src/index.js';
import { createMemoryStores } from '../../src/stores.js';
import { dropPrefix, TEST_REDIS_URL } from '../helpers/redis-test.js';

const redisUrl = new URL(TEST_REDIS_URL);
const connection = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };
const PREFIX = `hr183-${process.pid}-${randomBytes(3).toString('hex')}`;
const WORLD = createDemoWorld({ seed: 3, artists: 20, scenes: 3, end: '2026-11-24' });
const cleanups: Array<() => Promise<unknown>> = [];
let admin: Redis | null = null;

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});
afterAll(async () => {
  const r = new Redis(TEST_REDIS_URL);
  await dropPrefix(r, `${PREFIX}:`).catch(() => undefined);
  r.disconnect();
  admin?.disconnect();
});

const redis = (): Redis => {
  admin ??= new Redis(TEST_REDIS_URL);
  return admin;
};
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

/** What a refresh left behind: plan records, staged shards, written artists, and live jobs of the queue. */
async function leftovers(stores: Stores, name: string) {
  const q = new Queue(name, { connection, prefix: PREFIX });
  try {
    const counts = await q.getJobCounts('waiting', 'waiting-children', 'delayed', 'prioritized', 'active');
    const plans = (await stores.talent.talent_radar_state.scan()).filter((r) =>
      r.name.startsWith('refresh-plan-'),
    ).length;
    return {
      jobs: counts,
      plans,
      staged: await stores.talent.talent_radar_refresh_shards.count(),
      artists: await stores.talent.talent_radar_artists.count(),
    };
  } finally {
    await q.close();
  }
}
const NO_JOBS = { waiting: 0, 'waiting-children': 0, delayed: 0, prioritized: 0, active: 0 };
const CLEAN = { jobs: NO_JOBS, plans: 0, staged: 0, artists: 0 };

/** Whether the queue has no job waiting, waiting for children, delayed or active. */
async function drained(name: string): Promise<boolean> {
  const q = new Queue(name, { connection, prefix: PREFIX });
  try {
    const c = await q.getJobCounts('waiting', 'waiting-children', 'delayed', 'prioritized', 'active');
    return Object.values(c).every((n) => n === 0);
  } finally {
    await q.close();
  }
}

function coordinator(radar: SceneRadar, name: string, timeoutMs = 8_000, extra: Record<string, unknown> = {}) {
  const sharded = createShardedRefresh({
    radar,
    connection: { ...connection, ...extra },
    prefix: PREFIX,
    queueName: name,
    shardSize: 5,
    timeoutMs,
  });
  cleanups.push(() => sharded.close());
  return sharded;
}
function worker(radar: SceneRadar, name: string) {
  const w = createRefreshWorker({ radar, connection, prefix: PREFIX, queueName: name, stalledInterval: 1_000 });
  cleanups.push(() => w.close());
  return w;
}

type Add = FlowProducer['add'];
/**
 * Holds every FlowProducer.add until `release` resolves (the flow is "in flight": handed to
 * BullMQ, not landed in Redis), then sends it. A FlowProducer's close() waits for a held add, as
 * a QUIT queued behind the flow's EXEC on the same connection does.
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

describe('hostile review 183: close() while flows.add is in flight', () => {
  it("FAULT: close() while flows.add is in flight leaves the flow's jobs in Redis once it lands (sharded-refresh.ts:386-390: the stop path has no on-land removal)", async () => {
    const { radar, stores } = await memoryRadar();
    const name = queueName();
    const release = deferred();
    const hold = holdFlowAdds(release.promise);
    const sharded = coordinator(radar, name);
    const outcome = outcomeOf(sharded.refresh(undefined, { scenes: false }));
    expect(await bounded(hold.called, 5_000)).not.toBe('hang');
    const closing = sharded.close();
    // The refresh rejects (after its removal, which found nothing): only then does the flow land.
    expect(await bounded(outcome, 5_000)).toBe('TALENT_INTERNAL_ERROR');
    release.resolve();
    expect(await bounded(closing, 5_000)).not.toBe('hang');
    await hold.landed();
    // "either way the refresh's jobs and staged shards are removed and nothing is written"
    expect(await leftovers(stores, name)).toEqual(CLEAN);
  });

  it('guard: after close() during flows.add, a later worker finds no job of that refresh to run and nothing is written (as reviewed, the jobs were left and failed by the worker: the FAULT above)', async () => {
    const { radar, stores } = await memoryRadar();
    const name = queueName();
    const release = deferred();
    const hold = holdFlowAdds(release.promise);
    const sharded = coordinator(radar, name);
    const outcome = outcomeOf(sharded.refresh(undefined, { scenes: false }));
    expect(await bounded(hold.called, 5_000)).not.toBe('hang');
    const closing = sharded.close();
    expect(await bounded(outcome, 5_000)).toBe('TALENT_INTERNAL_ERROR');
    release.resolve();
    expect(await bounded(closing, 5_000)).not.toBe('hang');
    await hold.landed();
    worker(radar, name);
    expect(await poll(() => drained(name), 10_000)).toBe(true);
    const q = new Queue(name, { connection, prefix: PREFIX });
    cleanups.push(() => q.close());
    const after = await leftovers(stores, name);
    expect({ plans: after.plans, staged: after.staged, artists: after.artists }).toEqual({
      plans: 0,
      staged: 0,
      artists: 0,
    });
    // No job was left for the worker to fail.
    expect(await q.getFailedCount()).toBe(0);
  });
});

describe('hostile review 183: timeoutMs while flows.add is in flight', () => {
  it('guard: the refresh rejects TALENT_TIMEOUT; the flow that lands later has its jobs removed', async () => {
    const { radar, stores } = await memoryRadar();
    const name = queueName();
    const release = deferred();
    const hold = holdFlowAdds(release.promise);
    const sharded = coordinator(radar, name, 1_000);
    const outcome = outcomeOf(sharded.refresh(undefined, { scenes: false }));
    expect(await bounded(hold.called, 5_000)).not.toBe('hang');
    expect(await bounded(outcome, 5_000)).toBe('TALENT_TIMEOUT');
    release.resolve();
    await hold.landed();
    expect(await poll(() => drained(name), 5_000)).toBe(true);
    expect(await leftovers(stores, name)).toEqual(CLEAN);
  });

  it('FAULT: close() after a refresh timed out with its flow in flight closes the Queue its on-land removal needs: the jobs stay (sharded-refresh.ts:394-401 vs close() at :498-507)', async () => {
    const { radar, stores } = await memoryRadar();
    const name = queueName();
    const closed = deferred();
    const hold = holdFlowAdds(closed.promise);
    const sharded = coordinator(radar, name, 1_000);
    const outcome = outcomeOf(sharded.refresh(undefined, { scenes: false }));
    expect(await bounded(hold.called, 5_000)).not.toBe('hang');
    // "if the addition reaches Redis later its jobs are removed as soon as it lands"
    expect(await bounded(outcome, 5_000)).toBe('TALENT_TIMEOUT');
    const closing = sharded.close();
    closed.resolve();
    expect(await bounded(closing, 5_000)).not.toBe('hang');
    await hold.landed();
    // The on-land removal is asynchronous: give it a bounded while, then look.
    await poll(() => drained(name), 2_000);
    expect(await leftovers(stores, name)).toEqual(CLEAN);
  });
});

describe('hostile review 183: close() before the flow', () => {
  it('guard: close() while the universe is walked (plan recorded): TALENT_INTERNAL_ERROR, plan discarded, no job', async () => {
    const { radar, stores } = await memoryRadar();
    const name = queueName();
    const sharded = coordinator(radar, name);
    const plan = radar.talent.planRefresh.bind(radar.talent);
    let closing: Promise<void> | undefined;
    radar.talent.planRefresh = async (...args: Parameters<typeof plan>) => {
      const p = await plan(...args);
      closing = sharded.close();
      await closing;
      return p;
    };
    const outcome = await bounded(outcomeOf(sharded.refresh(undefined, { scenes: false })), 15_000);
    expect(closing).toBeDefined();
    expect(outcome).toBe('TALENT_INTERNAL_ERROR');
    expect(await leftovers(stores, name)).toEqual(CLEAN);
    // BullMQ's queue meta key only: no job key.
    expect((await redis().keys(`${PREFIX}:${name}:*`)).filter((k) => !k.endsWith(':meta'))).toEqual([]);
  });

  it('guard: close() while the connections open: the refresh rejects TALENT_INTERNAL_ERROR, plan discarded, no job', async () => {
    const { radar, stores } = await memoryRadar();
    const name = queueName();
    const sharded = coordinator(radar, name);
    const readyOrig = QueueEvents.prototype.waitUntilReady;
    const entered = deferred();
    const gate = deferred();
    QueueEvents.prototype.waitUntilReady = async function (this: QueueEvents) {
      entered.resolve();
      await gate.promise;
      return readyOrig.call(this);
    };
    cleanups.push(async () => {
      QueueEvents.prototype.waitUntilReady = readyOrig;
    });
    const outcome = outcomeOf(sharded.refresh(undefined, { scenes: false }));
    expect(await bounded(entered.promise, 5_000)).not.toBe('hang');
    const closing = sharded.close();
    gate.resolve();
    expect(await bounded(closing, 10_000)).not.toBe('hang');
    expect(await bounded(outcome, 15_000)).toBe('TALENT_INTERNAL_ERROR');
    expect(await leftovers(stores, name)).toEqual(CLEAN);
  });

  it('guard: two close() at once both resolve; a refresh() after close() rejects before planning', async () => {
    const { radar } = await memoryRadar();
    const name = queueName();
    const sharded = coordinator(radar, name);
    const both = await bounded(Promise.all([sharded.close(), sharded.close()]), 10_000);
    expect(both).not.toBe('hang');
    let planned = 0;
    const plan = radar.talent.planRefresh.bind(radar.talent);
    radar.talent.planRefresh = async (...args: Parameters<typeof plan>) => {
      planned++;
      return plan(...args);
    };
    expect(await outcomeOf(sharded.refresh())).toBe('TALENT_INTERNAL_ERROR');
    expect(planned).toBe(0);
  });

  it('FAULT: a second close() while the first is shutting the connections resolves before they are closed (sharded-refresh.ts:498-507: not memoised)', async () => {
    const { radar } = await memoryRadar();
    const name = queueName();
    const sharded = coordinator(radar, name, 1_000);
    // Connections opened (no worker: the refresh times out after adding its flow).
    expect(await outcomeOf(sharded.refresh(undefined, { scenes: false }))).toBe('TALENT_TIMEOUT');
    let firstDone = false;
    const first = sharded.close().then(() => {
      firstDone = true;
    });
    await sharded.close();
    const firstDoneWhenSecondResolved = firstDone;
    await bounded(first, 10_000);
    // close(): "Closes the coordinator's Redis connections": awaited, they are closed.
    expect(firstDoneWhenSecondResolved).toBe(true);
  });
});

describe('hostile review 183: close() while a job runs', () => {
  it('guard: close() while a shard stages: rejects at once; the row staged after the discard is taken back by the worker; nothing written', async () => {
    const { radar, stores } = await memoryRadar();
    const name = queueName();
    const sharded = coordinator(radar, name);
    const staging = deferred();
    const gate = deferred();
    const table = stores.talent.talent_radar_refresh_shards;
    const upsert = table.upsert.bind(table);
    let held = false;
    table.upsert = async (rows) => {
      if (!held) {
        held = true;
        staging.resolve();
        await gate.promise;
      }
      return upsert(rows);
    };
    worker(radar, name);
    const outcome = outcomeOf(sharded.refresh(undefined, { scenes: false }));
    expect(await bounded(staging.promise, 10_000)).not.toBe('hang');
    const closing = sharded.close();
    expect(await bounded(outcome, 5_000)).toBe('TALENT_INTERNAL_ERROR');
    expect(await bounded(closing, 5_000)).not.toBe('hang');
    gate.resolve();
    expect(await poll(async () => (await drained(name)) && (await table.count()) === 0, 10_000)).toBe(true);
    expect(await leftovers(stores, name)).toEqual(CLEAN);
  });

  it('guard: close() while the finish runs: TALENT_INTERNAL_ERROR saying it may still be written; the finish commits', async () => {
    const { radar, stores } = await memoryRadar();
    const name = queueName();
    const sharded = coordinator(radar, name);
    const finishing = deferred();
    const gate = deferred();
    const finish = radar.talent.finishRefresh.bind(radar.talent);
    radar.talent.finishRefresh = async (...args: Parameters<typeof finish>) => {
      finishing.resolve();
      await gate.promise;
      return finish(...args);
    };
    worker(radar, name);
    let message = '';
    const outcome = outcomeOf(
      sharded.refresh(undefined, { scenes: false }).catch((e: unknown) => {
        message = e instanceof Error ? e.message : String(e);
        throw e;
      }),
    );
    expect(await bounded(finishing.promise, 10_000)).not.toBe('hang');
    const closing = sharded.close();
    expect(await bounded(outcome, 5_000)).toBe('TALENT_INTERNAL_ERROR');
    expect(message).toMatch(/may still be written/);
    expect(await bounded(closing, 5_000)).not.toBe('hang');
    gate.resolve();
    expect(await poll(() => drained(name), 10_000)).toBe(true);
    const after = await leftovers(stores, name);
    expect(after.artists).toBeGreaterThan(0);
    expect({ plans: after.plans, staged: after.staged }).toEqual({ plans: 0, staged: 0 });
  });
});

describe('hostile review 183: a dropped connection', () => {
  it('guard: CLIENT KILL of every coordinator connection mid-wait: it reconnects and the refresh completes when a worker comes', async () => {
    const { radar, stores } = await memoryRadar();
    const name = queueName();
    const tag = `hr183-coord-${randomBytes(3).toString('hex')}`;
    const sharded = coordinator(radar, name, 15_000, { connectionName: tag });
    const outcome = outcomeOf(sharded.refresh(undefined, { scenes: false }));
    // The flow landed (no worker yet): the shards wait.
    expect(await poll(async () => !(await drained(name)), 5_000)).toBe(true);
    const list = String(await redis().call('CLIENT', 'LIST'));
    const ids = list
      .split('\n')
      .filter((l) => l.includes(`name=${tag}`))
      .map((l) => /(?:^|\s)id=(\d+)/.exec(l)?.[1])
      .filter((x): x is string => x !== undefined);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    for (const id of ids) await redis().call('CLIENT', 'KILL', 'ID', id);
    worker(radar, name);
    expect(await bounded(outcome, 20_000)).toBe('resolved');
    const after = await leftovers(stores, name);
    expect(after.artists).toBeGreaterThan(0);
    expect({ jobs: after.jobs, plans: after.plans, staged: after.staged }).toEqual({
      jobs: NO_JOBS,
      plans: 0,
      staged: 0,
    });
  }, 30_000);
});

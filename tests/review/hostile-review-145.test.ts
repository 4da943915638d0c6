/**
 * Hostile review 145: the BullMQ job queue / scale-out path (adapters/bullmq: index.ts, jobs.ts,
 * sharded-refresh.ts, worker.ts; docs/scale-out.md "Sharded refresh") and how it drives the Talent
 * Radar's sharded refresh (planRefresh / refreshShard / finishRefresh / discardRefresh in
 * src/talent/talent-radar.ts). A real Redis (127.0.0.1:6379), a queue name and key prefix of each
 * test's own (every key under the prefix deleted afterwards); in-memory radars over a 20-artist demo
 * world on a fixed clock (a coordinator and a worker on one radar are one instance; two radars on
 * one store object are two instances on one database).
 *
 * Findings. Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: the
 * coordinator checks both engines before the Scenes Engine refreshes; a worker whose job failed for
 * good discards the refresh's staged rows and plan record; `refreshShard` stages only for a plan its
 * own stores hold):
 *
 * 1. A sharded refresh the Talent Radar refuses still moves the Scenes Engine. sharded-refresh.ts:221
 *    runs `radar.scenes.refresh(asOf)` before `talent.planRefresh` (:224) checks the instant; the
 *    single-process `radar.refresh()` (src/radar.ts:592-601) checks both engines first so that "a
 *    refresh the Talent Radar refuses moves neither engine" (talent-radar.ts `checkRefresh`). With the
 *    Talent Radar ahead of the Scenes Engine (a sharded refresh run with `scenes: false`, or
 *    `talent.refresh()` alone), `sharded.refresh(earlier)` rejects TALENT_INVALID_PARAMS after the
 *    Scenes Engine's memberships were rewritten as of the earlier instant.
 * 2. A refresh whose coordinator is gone (docs: "the coordinator can even die after adding it and
 *    the refresh still finishes on some worker") and that fails (a shard out of attempts after the
 *    others completed, or a finish refused) leaves its staged shards and its plan's record in the
 *    stores for good: only the coordinator's catch (sharded-refresh.ts:465-472) discards a failed
 *    refresh; the worker (worker.ts:185) discards only when one of its own shard runs ends after the
 *    flow failed, and a later refresh deletes only its own rows (talent-radar.ts:1785).
 *    src/stores/specs.ts:250 says `talent_radar_refresh_shards` is "empty between refreshes"; at the
 *    docs' 1.66 KB per artist that is GBs per failed refresh at a million artists.
 * 3. Two radars (other stores) on one Redis with the same queue (the default `scene-radar-refresh`
 *    when neither names one; docs/scale-out.md says to separate the cache tiers' prefixes, nothing
 *    about the queue's): the other radar's workers take shard jobs and `refreshShard`
 *    (talent-radar.ts:1222-1258) stages them in their own stores without checking that those stores
 *    hold the plan; the refresh fails ("no such plan" / shards missing) and the other radar keeps the
 *    staged rows for good.
 *
 * Checked and holding (normal tests below): a shard that staged its row then threw is retried and
 * the tables equal a single-process refresh's ('retrying' then 'staged' reported); two coordinators
 * started at once each finish with the single-process report and tables, leaving nothing staged; a
 * shard out of attempts with its coordinator alive rejects TALENT_INTERNAL_ERROR, writes nothing,
 * leaves no staged row, plan record or job; a worker closed mid-shard (SIGTERM) waits for its shard,
 * does not hang, and another worker finishes the refresh with the single-process tables; the jobs of
 * a finished refresh are all completed and carry their age-based removal (Redis does not grow
 * refresh by refresh; note they go when a later job completes, not "an hour after completion" as
 * docs/scale-out.md says). Also read and found consistent: job ids (random
 * refresh id, no `:`), the one instant per refresh (`plan.asOf` on every shard, the finish refuses
 * another), the flow's fan-in (the finish only after every child), a finish refused with a 4xx
 * mapped to its code, `settleWithin` clamping timers to 2^31-1.
 */
import { randomBytes } from 'node:crypto';
import { FlowProducer, Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRefreshWorker,
  createShardedRefresh,
  FINISH_JOB,
  SHARD_JOB,
  type ShardProgress,
} from '../../adapters/bullmq/index';
import { createDemoWorld, createMemoryStores } from '../../adapters/memory/index';
import { createSceneRadar, fixedClock, isSceneRadarError, type SceneRadar } from '../../src/index';
import type { TalentRefreshShard } from '../../src/talent/refresh-shards';
import { comparableTables } from '../helpers/store-matrix';
import { TEST_REDIS_URL, testRedis } from '../helpers/redis-test';

const redisUrl = new URL(TEST_REDIS_URL);
const connection = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };
const NOW = '2026-11-25T00:00:00.000Z';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** How a call ended: `resolved`, or `<code>: <message>` (`raw <error>` for an error without a code). */
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (e: unknown) => (isSceneRadarError(e) ? `${e.code}: ${e.message}` : `raw ${String(e)}`),
  );

/** A queue name and key prefix of the test's own; every key under the prefix is deleted afterwards. */
function ownQueue(): { queueName: string; prefix: string } {
  const id = randomBytes(4).toString('hex');
  const q = { queueName: `hr145-${id}`, prefix: `sr-test-hr145-${id}` };
  cleanups.push(async () => {
    const redis = await testRedis();
    try {
      const keys = await redis.keys(`${q.prefix}:*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      await redis.quit();
    }
  });
  return q;
}

type Stores = ReturnType<typeof createMemoryStores>;
/** A radar over a 20-artist demo world on `stores` (fresh memory stores by default), its catalog imported. */
async function memoryRadar(stores: Stores = createMemoryStores(), importCatalog = true) {
  const world = createDemoWorld({ seed: 3, artists: 20, scenes: 3, end: '2026-11-24' });
  const radar = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
  if (importCatalog) await radar.scenes.importCatalog(world.catalog);
  cleanups.push(() => radar.close());
  return { radar, stores };
}

/** The tables of a single-process `radar.refresh()` as of NOW, and its report. */
async function reference() {
  const { radar, stores } = await memoryRadar();
  const report = await radar.refresh();
  return { report, tables: await comparableTables(stores) };
}

/** `radar.talent.refreshShard` replaced by `wrap(original, shard)` (the worker calls it at run time). */
function wrapShard(
  radar: SceneRadar,
  wrap: (original: SceneRadar['talent']['refreshShard'], shard: TalentRefreshShard, options: never) => Promise<unknown>,
): () => void {
  const talent = radar.talent as unknown as { refreshShard: SceneRadar['talent']['refreshShard'] };
  const original = talent.refreshShard.bind(radar.talent);
  talent.refreshShard = ((shard: TalentRefreshShard, options: never) =>
    wrap(original, shard, options)) as SceneRadar['talent']['refreshShard'];
  return () => {
    talent.refreshShard = original;
  };
}

/** What is left of sharded refreshes in the stores: staged shard rows and plan records. */
async function leftovers(stores: Stores): Promise<{ staged: number; plans: number }> {
  const staged = (await stores.talent.talent_radar_refresh_shards.scan()).length;
  const plans = (await stores.talent.talent_radar_state.scan()).filter((r) =>
    r.name.startsWith('refresh-plan-'),
  ).length;
  return { staged, plans };
}

const withoutDuration = <T extends { durationMs: number }>(r: T): Omit<T, 'durationMs'> => {
  const { durationMs: _d, ...rest } = r;
  return rest;
};

describe('hostile review 145: the sharded refresh over BullMQ, several instances', () => {
  it('FAULT: a sharded refresh the Talent Radar refuses (an instant before its last refresh) moves the Scenes Engine, which radar.refresh() never does', async () => {
    const { radar } = await memoryRadar();
    const q = ownQueue();
    const worker = createRefreshWorker({ radar, connection, ...q });
    cleanups.push(() => worker.close());
    const sharded = createShardedRefresh({ radar, connection, ...q, shardSize: 5, timeoutMs: 15_000 });
    cleanups.push(() => sharded.close());
    // The Talent Radar refreshed as of NOW on its own (`scenes: false`, a documented option).
    await sharded.refresh(new Date(NOW), { scenes: false });
    expect(await radar.scenes.refreshedAsOf()).toBe(null);
    const earlier = new Date(Date.parse(NOW) - 86_400_000);
    // The reference: radar.refresh() refuses it before either engine writes.
    const single = await outcome(radar.refresh(earlier));
    expect(single).toMatch(/^TALENT_INVALID_PARAMS: /);
    expect(await radar.scenes.refreshedAsOf()).toBe(null);
    // The sharded refresh of the same instant: refused too, and must leave the Scenes Engine alone.
    const got = await outcome(sharded.refresh(earlier));
    const scenesAsOf = await radar.scenes.refreshedAsOf();
    // Fault: sharded-refresh.ts:221 ran the Scenes Engine's refresh before planRefresh refused:
    // scenes now as of 2026-11-24T00:00:00.000Z.
    expect(`${got.split(':')[0]}; scenes as of ${scenesAsOf}`).toBe('TALENT_INVALID_PARAMS; scenes as of null');
  }, 30_000);

  it('FAULT: a refresh whose coordinator died fails (a shard out of attempts): its staged shards and plan record stay in the stores for good, even past the next refresh', async () => {
    const { radar, stores } = await memoryRadar();
    const q = ownQueue();
    // Shard 1's staging write fails, on every attempt, once shard 0 has completed (as when the
    // failing shard is the last one).
    let shard0Done!: () => void;
    const shard0 = new Promise<void>((resolve) => (shard0Done = resolve));
    const restore = wrapShard(radar, async (original, shard, options) => {
      if (shard.index !== 1) return original(shard, options);
      await Promise.race([shard0, sleep(5_000)]);
      throw new Error('the staging write failed');
    });
    const worker = createRefreshWorker({ radar, connection, ...q, concurrency: 2 });
    cleanups.push(() => worker.close());
    worker.worker.on('completed', (job) => {
      if (String(job.id).endsWith('-shard-0')) shard0Done();
    });
    // What a coordinator leaves in Redis when its process dies right after adding the flow: the
    // plan, then the flow exactly as sharded-refresh.ts:352-369 adds it (attempts: 1).
    const plan = await radar.talent.planRefresh(new Date(NOW), {});
    const slices = [plan.artists.slice(0, 10), plan.artists.slice(10)];
    const flows = new FlowProducer({ connection, prefix: q.prefix });
    cleanups.push(() => flows.close());
    const keep = { removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } };
    const node = await flows.add({
      name: FINISH_JOB,
      queueName: q.queueName,
      data: { refreshId: plan.refreshId, asOf: plan.asOf, shards: slices.length, scenePulses: plan.scenePulses },
      opts: { jobId: `${plan.refreshId}-finish`, attempts: 1, backoff: { type: 'exponential', delay: 1000 }, ...keep },
      children: slices.map((artists, index) => ({
        name: SHARD_JOB,
        queueName: q.queueName,
        data: { refreshId: plan.refreshId, asOf: plan.asOf, index, artists },
        opts: {
          jobId: `${plan.refreshId}-shard-${index}`,
          attempts: 1,
          backoff: { type: 'exponential', delay: 1000 },
          failParentOnFailure: true,
          ...keep,
        },
      })),
    });
    for (let i = 0; i < 200 && (await node.job.getState()) !== 'failed'; i++) await sleep(50);
    expect(await node.job.getState()).toBe('failed');
    await sleep(500);
    // The next refresh (a live coordinator) succeeds...
    restore();
    const sharded = createShardedRefresh({ radar, connection, ...q, shardSize: 5, timeoutMs: 15_000 });
    cleanups.push(() => sharded.close());
    expect(await outcome(sharded.refresh(new Date(NOW), { scenes: false }))).toBe('resolved');
    // ...and between refreshes nothing is staged ("talent_radar_refresh_shards: ... empty between
    // refreshes", src/stores/specs.ts:250). Fault: { staged: 1, plans: 1 }, the failed refresh's
    // shard 0 and plan record, which no worker or later refresh deletes.
    expect(await leftovers(stores)).toEqual({ staged: 0, plans: 0 });
  }, 30_000);

  it("FAULT: two radars on one Redis with the same queue name: one radar's refresh leaves staged rows in the other radar's stores for good", async () => {
    const a = await memoryRadar();
    const b = await memoryRadar();
    // Both radars left the queue at its default: here one name of the test's own for both.
    const q = ownQueue();
    const workerA = createRefreshWorker({ radar: a.radar, connection, ...q });
    const workerB = createRefreshWorker({ radar: b.radar, connection, ...q });
    cleanups.push(
      () => workerA.close(),
      () => workerB.close(),
    );
    const sharded = createShardedRefresh({ radar: a.radar, connection, ...q, shardSize: 2, timeoutMs: 15_000 });
    cleanups.push(() => sharded.close());
    const got = await outcome(sharded.refresh(undefined, { scenes: false }));
    await sleep(300);
    // Radar A's refresh may fail (B's workers cannot serve it), but radar B, which planned nothing,
    // must not be left holding A's staged shards. Fault: B's worker staged A's shards in B's stores
    // (refreshShard checks no plan) and nothing ever deletes them (B: 5 staged rows).
    expect({ b: await leftovers(b.stores), a: await leftovers(a.stores), got: got.slice(0, 30) }).toEqual({
      b: { staged: 0, plans: 0 },
      a: { staged: 0, plans: 0 },
      got: expect.any(String),
    });
  }, 30_000);

  it('a shard that staged its row and then threw is retried: the tables are those of a single-process refresh', async () => {
    const expected = await reference();
    const { radar, stores } = await memoryRadar();
    const q = ownQueue();
    let thrown = 0;
    wrapShard(radar, async (original, shard, options) => {
      const report = await original(shard, options);
      if (shard.index === 1 && thrown++ === 0) throw new Error('connection lost after the staging write');
      return report;
    });
    const worker = createRefreshWorker({ radar, connection, ...q });
    cleanups.push(() => worker.close());
    const sharded = createShardedRefresh({ radar, connection, ...q, shardSize: 5, timeoutMs: 15_000 });
    cleanups.push(() => sharded.close());
    const progress: ShardProgress[] = [];
    const report = await sharded.refresh(undefined, { onProgress: (p) => progress.push(p) });
    expect(thrown).toBe(2);
    expect(withoutDuration(report.talent)).toStrictEqual(withoutDuration(expected.report.talent));
    expect(await comparableTables(stores)).toEqual(expected.tables);
    expect(await leftovers(stores)).toEqual({ staged: 0, plans: 0 });
    const shard1 = progress.filter((p) => p.shard === 1).map((p) => p.state);
    expect(shard1).toContain('retrying');
    expect(shard1.at(-1)).toBe('staged');
    expect(progress.at(-1)).toMatchObject({ state: 'finished', shardsStaged: 4, shards: 4, artistsStaged: 20 });
  }, 30_000);

  it('two coordinators starting a refresh at once: both finish with the single-process report and tables, nothing left staged', async () => {
    const expected = await reference();
    const { radar, stores } = await memoryRadar();
    const q = ownQueue();
    const worker = createRefreshWorker({ radar, connection, ...q, concurrency: 2 });
    cleanups.push(() => worker.close());
    const one = createShardedRefresh({ radar, connection, ...q, shardSize: 5, timeoutMs: 20_000 });
    const two = createShardedRefresh({ radar, connection, ...q, shardSize: 7, timeoutMs: 20_000 });
    cleanups.push(
      () => one.close(),
      () => two.close(),
    );
    const [r1, r2] = await Promise.all([one.refresh(), two.refresh()]);
    expect(r1.refreshId).not.toBe(r2.refreshId);
    expect(withoutDuration(r1.talent)).toStrictEqual(withoutDuration(expected.report.talent));
    expect(withoutDuration(r2.talent)).toStrictEqual(withoutDuration(expected.report.talent));
    expect(await comparableTables(stores)).toEqual(expected.tables);
    expect(await leftovers(stores)).toEqual({ staged: 0, plans: 0 });
  }, 30_000);

  it('a shard out of attempts, its coordinator alive: TALENT_INTERNAL_ERROR, nothing written, no staged row, plan record or job left', async () => {
    const { radar, stores } = await memoryRadar();
    const q = ownQueue();
    wrapShard(radar, async (original, shard, options) => {
      if (shard.index === 2) throw new Error('the staging write failed');
      return original(shard, options);
    });
    const worker = createRefreshWorker({ radar, connection, ...q, concurrency: 2 });
    cleanups.push(() => worker.close());
    const sharded = createShardedRefresh({ radar, connection, ...q, shardSize: 5, attempts: 1, timeoutMs: 15_000 });
    cleanups.push(() => sharded.close());
    const got = await outcome(sharded.refresh(undefined, { scenes: false }));
    expect(got).toMatch(/^TALENT_INTERNAL_ERROR: .*nothing was written/s);
    await sleep(500);
    expect(await leftovers(stores)).toEqual({ staged: 0, plans: 0 });
    expect((await stores.talent.talent_radar_artists.scan()).length).toBe(0);
    const queue = new Queue(q.queueName, { connection, prefix: q.prefix });
    cleanups.push(() => queue.close());
    const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'waiting-children', 'prioritized');
    expect(Object.values(counts).reduce((s, n) => s + n, 0)).toBe(0);
  }, 30_000);

  it('a worker closed mid-shard (SIGTERM) waits for its shard without hanging; another worker finishes the refresh with the single-process tables', async () => {
    const expected = await reference();
    const stores = createMemoryStores();
    const coordinator = await memoryRadar(stores);
    const first = await memoryRadar(stores, false);
    const q = ownQueue();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    wrapShard(first.radar, async (original, shard, options) => {
      started();
      await gate;
      return original(shard, options);
    });
    const closing = createRefreshWorker({ radar: first.radar, connection, ...q });
    cleanups.push(() => closing.close());
    const sharded = createShardedRefresh({
      radar: coordinator.radar,
      connection,
      ...q,
      shardSize: 5,
      timeoutMs: 20_000,
    });
    cleanups.push(() => sharded.close());
    const refresh = sharded.refresh();
    refresh.catch(() => undefined);
    await running;
    let closed = false;
    const close = closing.close().then(() => (closed = true));
    await sleep(300);
    expect(closed).toBe(false); // waits for the shard it runs
    open();
    await Promise.race([close, sleep(5_000)]);
    expect(closed).toBe(true);
    // The rest on another instance's worker.
    const second = await memoryRadar(stores, false);
    const worker = createRefreshWorker({ radar: second.radar, connection, ...q });
    cleanups.push(() => worker.close());
    const report = await refresh;
    expect(report.shards).toBe(4);
    expect(await comparableTables(stores)).toEqual(expected.tables);
    expect(await leftovers(stores)).toEqual({ staged: 0, plans: 0 });
  }, 30_000);

  it('the jobs of a finished refresh are all completed and carry their age-based removal (Redis does not grow refresh by refresh)', async () => {
    const { radar } = await memoryRadar();
    const q = ownQueue();
    const worker = createRefreshWorker({ radar, connection, ...q });
    cleanups.push(() => worker.close());
    const sharded = createShardedRefresh({ radar, connection, ...q, shardSize: 5, timeoutMs: 15_000 });
    cleanups.push(() => sharded.close());
    const report = await sharded.refresh(undefined, { scenes: false });
    const queue = new Queue(q.queueName, { connection, prefix: q.prefix });
    cleanups.push(() => queue.close());
    const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'waiting-children', 'prioritized', 'failed');
    expect(Object.values(counts).reduce((s, n) => s + n, 0)).toBe(0);
    const done = await queue.getJobs(['completed']);
    expect(done.map((j) => String(j.id)).sort()).toEqual(
      [`${report.refreshId}-finish`, ...[0, 1, 2, 3].map((i) => `${report.refreshId}-shard-${i}`)].sort(),
    );
    for (const job of done) expect(job.opts.removeOnComplete).toEqual({ age: 3600 });
  }, 30_000);
});

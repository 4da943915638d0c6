/**
 * Hostile review of the job-queue side of a sharded refresh (the workers and the shard encoding):
 * a worker given a bad `onError` leaks no connection; a job whose data is malformed (another
 * producer's, hand-added) fails once with its code, not retried as if it could succeed; a staged
 * row whose features have another shape is `STORE_SCHEMA_MISMATCH`, not scored as it is.
 */
import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { createRefreshWorker, createShardedRefresh, FINISH_JOB, SHARD_JOB } from '../../adapters/bullmq/index.js';
import { migrate } from '../../adapters/postgres/index.js';
import { isSceneRadarError } from '../../src/index.js';
import { NOW, radarOn } from '../fixtures/bullmq-world.js';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { TEST_REDIS_URL, testRedis } from '../helpers/redis-test.js';

const database = fileTestDatabase();
const redisUrl = new URL(TEST_REDIS_URL);
const connection = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };
const closing: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of closing.reverse()) await close().catch(() => undefined);
});

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return isSceneRadarError(e) ? e.code : String(e);
  }
};

describe('hostile review: the refresh worker and the shard encoding', () => {
  it('an onError that is not a function is CONFIG_INVALID, and no BullMQ worker is left connected', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const { radar, stores } = radarOn(TEST_DATABASE_URL, schema);
    closing.push(() => stores.close());
    const queueName = `sr-test-hostile-${randomBytes(4).toString('hex')}`;
    let thrown: unknown;
    try {
      createRefreshWorker({ radar, connection, queueName, onError: 'log' as never });
    } catch (e) {
      thrown = e;
    }
    expect(isSceneRadarError(thrown) ? thrown.code : String(thrown)).toBe('CONFIG_INVALID');
    // A worker built before the throw would hold connections named after its queue.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const redis = await testRedis();
    const clients = String(await redis.client('LIST'));
    await redis.quit();
    expect(clients).not.toContain(Buffer.from(queueName).toString('base64'));
    expect(clients).not.toContain(queueName);
  });

  it('a malformed shard or finish job fails once, with its code and what is wrong, not retried', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const { radar, stores } = radarOn(TEST_DATABASE_URL, schema);
    closing.push(() => stores.close());
    const queueName = `sr-test-hostile-${randomBytes(4).toString('hex')}`;
    const { close } = createRefreshWorker({ radar, connection, queueName });
    closing.push(close);
    const queue = new Queue(queueName, { connection });
    const events = new QueueEvents(queueName, { connection });
    closing.push(async () => {
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
    });
    await events.waitUntilReady();
    const opts = { attempts: 3, backoff: { type: 'fixed', delay: 20 } };
    const cases: Array<[string, unknown, RegExp]> = [
      [SHARD_JOB, { refreshId: 'r-1', asOf: 'yesterday', index: 0, artists: ['a'] }, /asOf/],
      [SHARD_JOB, null, /TALENT_VALIDATION_ERROR/],
      [SHARD_JOB, { refreshId: 'r-1', asOf: NOW, index: 0 }, /artists/],
      [
        SHARD_JOB,
        { refreshId: 'r-1', asOf: NOW, index: 0, artists: Array.from({ length: 10_001 }, (_, i) => `a-${i}`) },
        /artists/,
      ],
      [FINISH_JOB, null, /TALENT_VALIDATION_ERROR/],
      [FINISH_JOB, { refreshId: 'r-1', asOf: NOW }, /shards/],
    ];
    for (const [name, data, why] of cases) {
      const job = await queue.add(name, data, opts);
      const reason = await job.waitUntilFinished(events, 10_000).then(
        () => 'completed',
        (e: Error) => e.message,
      );
      expect(reason).toMatch(/^TALENT_VALIDATION_ERROR: /);
      expect(reason).toMatch(why);
      expect((await queue.getJob(job.id!))?.attemptsMade, `${name} ${JSON.stringify(data)?.slice(0, 60)}`).toBe(1);
    }
  }, 30_000);

  it('a staged row whose features or reads have another shape is STORE_SCHEMA_MISMATCH, nothing written', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const { radar, stores, catalog } = radarOn(TEST_DATABASE_URL, schema);
    closing.push(() => stores.close());
    await radar.scenes.importCatalog(catalog);
    const plan = await radar.talent.planRefresh();
    // Every artist of the plan: a finish refuses shards that do not cover its universe.
    const shard = { refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists };
    await radar.talent.refreshShard(shard);
    const table = stores.talent.talent_radar_refresh_shards;
    const [row] = await table.scan({ where: { refresh_id: plan.refreshId } });
    type Entries = Array<[Record<string, unknown>, Record<string, unknown>]>;
    // Staged as { format, entries } (the features format, refresh-shards.ts SHARD_FEATURES_FORMAT).
    const staged = (entries: unknown): string => JSON.stringify({ format: 2, entries });
    const edits: Array<(entries: Entries) => string> = [
      // Another version's features: a field renamed (missing here).
      (entries) => staged(entries.map(([f, r]) => [{ ...f, activityLevel: undefined }, r])),
      // A number staged as text.
      (entries) => staged(entries.map(([f, r]) => [{ ...f, sceneHeat: '12.5' }, r])),
      // Read outcomes of another shape.
      (entries) => staged(entries.map(([f]) => [f, { record: 'ok' }])),
      // A literal no double holds (JSON.parse reads it as Infinity; never written so).
      (entries) =>
        staged(entries.map(([f, r]) => [{ ...f, activityLevel: '@BIG@' }, r])).replaceAll('"@BIG@"', '1e400'),
      // The previous version's format: the entries as a bare array, whatever their shape.
      (entries) => JSON.stringify(entries),
      // Another format number.
      (entries) => JSON.stringify({ format: 3, entries }),
    ];
    for (const edit of edits) {
      await table.upsert([{ ...row!, features: edit((JSON.parse(row!.features) as { entries: Entries }).entries) }]);
      expect(await codeOf(radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 }))).toBe(
        'STORE_SCHEMA_MISMATCH',
      );
      expect(await stores.talent.talent_radar_artists.count()).toBe(0);
    }
    // The row as staged still finishes.
    await table.upsert([row!]);
    const report = await radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 });
    expect(report.artists).toBe(plan.artists.length);
  }, 30_000);
  it('a stalled shard run that stages after the finish committed, before BullMQ marks it completed, leaves no row', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const coordinator = radarOn(TEST_DATABASE_URL, schema);
    closing.push(() => coordinator.stores.close());
    await coordinator.radar.scenes.importCatalog(coordinator.catalog);
    const slow = radarOn(TEST_DATABASE_URL, schema, 1500);
    closing.push(() => slow.stores.close());
    const fast = radarOn(TEST_DATABASE_URL, schema);
    closing.push(() => fast.stores.close());
    const queueName = `sr-test-hostile-${randomBytes(4).toString('hex')}`;
    const queue = new Queue(queueName, { connection });
    closing.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
    });
    const table = fast.stores.talent.talent_radar_refresh_shards;
    // The rows staged once they are `want`, or after `ms`.
    const rowsAfter = async (ms: number, want: number): Promise<number> => {
      const end = Date.now() + ms;
      for (;;) {
        const n = await table.count();
        if (n === want || Date.now() > end) return n;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    // The finish commits (deleting the staged rows); the stalled run stages before the finish's
    // job is marked completed (a slow round trip to Redis, widened here).
    let stagedMeanwhile = -1;
    const finish = fast.radar.talent.finishRefresh.bind(fast.radar.talent);
    fast.radar.talent.finishRefresh = async (...args) => {
      const report = await finish(...args);
      stagedMeanwhile = await rowsAfter(12_000, 1);
      return report;
    };
    // The stalled run's own answer: since hostile review 145 it looks at the plan again after it
    // staged and takes its row back (the finish committed meanwhile) with TALENT_INVALID_PARAMS.
    const slowRuns: string[] = [];
    const shard = slow.radar.talent.refreshShard.bind(slow.radar.talent);
    slow.radar.talent.refreshShard = async (...args) => {
      try {
        const report = await shard(...args);
        slowRuns.push('staged');
        return report;
      } catch (error) {
        slowRuns.push((error as { code?: string }).code ?? 'threw');
        throw error;
      }
    };
    const a = createRefreshWorker({ radar: slow.radar, connection, queueName, stalledInterval: 100 });
    closing.push(a.close);
    const taken = new Promise<string>((resolve) => a.worker.once('active', (job) => resolve(String(job.id))));
    const coordinate = createShardedRefresh({ radar: coordinator.radar, connection, queueName, shardSize: 200 });
    closing.push(() => coordinate.close());
    const refreshed = coordinate.refresh();
    // Worker A's lock is lost (as when its host froze): B's stalled-job check reruns the shard.
    const jobId = await taken;
    const redis = await testRedis();
    await redis.del(`bull:${queueName}:${jobId}:lock`);
    await redis.quit();
    const b = createRefreshWorker({ radar: fast.radar, connection, queueName, stalledInterval: 100 });
    closing.push(b.close);
    await refreshed;
    // The row it staged after the commit is taken back by the shard itself (or, staged before the
    // plan went, by the worker once the finish is marked completed): none stays.
    expect(await rowsAfter(5000, 0)).toBe(0);
    // The stalled run settles (it stages or refuses; a hang fails the test), and whichever way it
    // ended no row stays. On most machines it stages after the finish committed and takes its row
    // back (stagedMeanwhile 1, or TALENT_INVALID_PARAMS); on a slow one (CI, 2026-12-08) the
    // interleaving came out otherwise, which only timing decides: the rows are what is checked.
    for (const end = Date.now() + 20_000; slowRuns.length === 0 && Date.now() < end; )
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(slowRuns.length).toBeGreaterThan(0);
    // The finish ran through the fast radar, and waited there for a row to be staged meanwhile.
    expect(stagedMeanwhile).toBeGreaterThanOrEqual(0);
    expect(await table.count()).toBe(0);
  }, 60_000);
});

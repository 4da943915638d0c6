/**
 * Hostile probe of the sharded refresh (real Redis and PostgreSQL): the coordinator's deadline
 * passes while a worker's finish is committing. What the coordinator reports must be what the
 * tables hold: a refresh it calls "nothing was written" must not be written.
 */
import { randomBytes } from 'node:crypto';
import { Job, Queue } from 'bullmq';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createRefreshWorker, createShardedRefresh } from '../../adapters/bullmq/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createPostgresStores, migrate, type PostgresPool } from '../../adapters/postgres/index.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import { NOW, radarOn, WORLD } from '../fixtures/bullmq-world.js';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { TEST_REDIS_URL } from '../helpers/redis-test.js';

const database = fileTestDatabase();
const redisUrl = new URL(TEST_REDIS_URL);
const connection = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };
const closing: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of closing.reverse()) await close().catch(() => undefined);
});

/** A pool whose transactions wait at COMMIT until `gate` opens (and tell `reached`). */
function slowCommitPool(gate: Promise<void>, reached: () => void): PostgresPool {
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 4 });
  pool.on('error', () => undefined);
  closing.push(() => pool.end());
  return {
    query: (text, values) => pool.query(text, values),
    end: () => pool.end(),
    async connect() {
      const client = await pool.connect();
      return {
        async query(text: string, values?: unknown[]) {
          if (text === 'COMMIT') {
            reached();
            await gate;
          }
          return client.query(text, values);
        },
        release: (err?: Error | boolean) => client.release(err),
      };
    },
  } as PostgresPool;
}

describe('hostile: sharded refresh', () => {
  it('the deadline passes while the finish commits: the report matches the tables', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const coordinator = radarOn(TEST_DATABASE_URL, schema);
    closing.push(() => coordinator.stores.close());
    await coordinator.radar.scenes.importCatalog(coordinator.catalog);

    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const fallback = setTimeout(() => open(), 20_000);
    let committing = false;
    const stores = createPostgresStores({ pool: slowCommitPool(gate, () => (committing = true)) }, { schema });
    const radar = createSceneRadar({
      sources: createDemoWorld(WORLD).sources,
      stores,
      clock: fixedClock(new Date(NOW)),
    });
    const queueName = `sr-test-h2-${randomBytes(4).toString('hex')}`;
    const worker = createRefreshWorker({ radar, connection, queueName });
    closing.push(worker.close);
    const queue = new Queue(queueName, { connection });
    closing.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
    });
    const sharded = createShardedRefresh({
      radar: coordinator.radar,
      connection,
      queueName,
      shardSize: 50,
      attempts: 1,
      timeoutMs: 6000,
    });
    closing.push(() => sharded.close());

    const outcome = sharded.refresh(new Date(NOW)).then(
      (report) => ({ ok: true as const, report }),
      (error: { code?: string; message?: string }) => ({ ok: false as const, error }),
    );
    // Let the COMMIT through once the coordinator's deadline has passed (or it answered).
    const t0 = Date.now();
    while (!committing && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 20));
    expect(committing).toBe(true);
    await Promise.race([outcome, new Promise((r) => setTimeout(r, 7000))]);
    open();
    const got = await outcome;
    clearTimeout(fallback);
    // Give the worker time to settle whatever it was doing.
    await new Promise((r) => setTimeout(r, 500));
    const written = await coordinator.stores.talent.talent_radar_artists.count();
    if (got.ok) {
      expect(written).toBe(got.report.talent.scored);
      expect(written).toBeGreaterThan(0);
    } else {
      // A rejection that says "nothing was written" must leave nothing written.
      if (/nothing was written/.test(got.error.message ?? '')) expect(written).toBe(0);
      else expect(got.error.message).toMatch(/may still be written/);
    }
    expect(await coordinator.stores.talent.talent_radar_refresh_shards.count()).toBe(0);
  }, 40_000);
});

describe('hostile: a shard job run again after its refresh finished', () => {
  it('stages nothing that outlives the refresh and changes no table', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const coordinator = radarOn(TEST_DATABASE_URL, schema);
    closing.push(() => coordinator.stores.close());
    await coordinator.radar.scenes.importCatalog(coordinator.catalog);
    const instance = radarOn(TEST_DATABASE_URL, schema);
    closing.push(() => instance.stores.close());
    const queueName = `sr-test-h2r-${randomBytes(4).toString('hex')}`;
    const worker = createRefreshWorker({ radar: instance.radar, connection, queueName });
    closing.push(worker.close);
    const queue = new Queue(queueName, { connection });
    closing.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
    });
    const sharded = createShardedRefresh({ radar: coordinator.radar, connection, queueName, shardSize: 50 });
    closing.push(() => sharded.close());
    const report = await sharded.refresh(new Date(NOW));
    const before = await coordinator.stores.talent.talent_radar_artists.scan();
    expect(before.length).toBe(report.talent.scored);

    // A shard job of the finished refresh runs again (a manual retry, or a worker that stalled
    // and came back after another had finished it).
    const job = await Job.fromId(queue, `${report.refreshId}-shard-1`);
    expect(job).toBeDefined();
    const done = new Promise<void>((resolve) => {
      const onDone = (j: Job | undefined) => {
        if (j?.id === job!.id) {
          worker.worker.off('completed', onDone);
          worker.worker.off('failed', onDone);
          resolve();
        }
      };
      worker.worker.on('completed', onDone);
      worker.worker.on('failed', onDone);
    });
    await job!.retry('completed');
    await done;
    expect(await coordinator.stores.talent.talent_radar_refresh_shards.count()).toBe(0);
    expect(await coordinator.stores.talent.talent_radar_artists.scan()).toEqual(before);
  }, 40_000);
});

/**
 * Issue 16: "a worker killed mid-shard is retried and the result equals a single-process refresh".
 * Two workers run in processes of their own over sources 150 ms slow per call; the first shard a
 * worker takes, it is killed with SIGKILL. Its lock expires, BullMQ's stalled-job check (on the
 * surviving worker) moves the shard back to wait, the survivor runs it, and the refresh completes
 * with exactly the tables of a single-process refresh.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { createShardedRefresh, type ShardProgress } from '../../adapters/bullmq/index.js';
import { migrate } from '../../adapters/postgres/index.js';
import { comparableTables } from '../helpers/store-matrix.js';
import { radarOn } from '../fixtures/bullmq-world.js';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { TEST_REDIS_URL, testRedis } from '../helpers/redis-test.js';
import { tsEntry } from '../helpers/ts-entry.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const database = fileTestDatabase();
const redisUrl = new URL(TEST_REDIS_URL);
const connection = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };
const LATENCY_MS = 150;
const LOCK_MS = 1500;
const closing: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of closing.reverse()) await close().catch(() => undefined);
});

/** A worker process, its output so far, and a promise of its exit. */
interface Child {
  readonly process: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<NodeJS.Signals | null>;
  /** Resolves with the first line starting with `prefix`. */
  line(prefix: string, timeoutMs: number): Promise<string>;
}

function startWorker(schema: string, queueName: string): Child {
  const proc = spawn(
    // node itself (tsEntry: this run's bundle, or tsx's loader; not the tsx CLI, whose child SIGKILL would miss).
    process.execPath,
    [
      ...tsEntry('tests/fixtures/bullmq-worker.ts'),
      TEST_DATABASE_URL,
      schema,
      TEST_REDIS_URL,
      queueName,
      String(LATENCY_MS),
      String(LOCK_MS),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const child: Child = {
    process: proc,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => proc.on('exit', (_code, signal) => resolve(signal))),
    line(prefix, timeoutMs) {
      return new Promise((resolve, reject) => {
        const look = (): boolean => {
          const hit = child.stdout.split('\n').find((l) => l.startsWith(prefix));
          if (hit) resolve(hit);
          return hit !== undefined;
        };
        if (look()) return;
        proc.stdout!.on('data', look);
        setTimeout(
          () => reject(new Error(`no "${prefix}" from a worker in ${timeoutMs} ms: ${child.stdout}${child.stderr}`)),
          timeoutMs,
        ).unref();
      });
    },
  };
  proc.stdout!.on('data', (d: Buffer) => (child.stdout += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (child.stderr += d.toString()));
  closing.push(async () => {
    proc.kill('SIGKILL');
    await child.exited;
  });
  return child;
}

describe('a worker killed with SIGKILL in the middle of a shard', () => {
  it('has its shard retried by another worker, and the refresh equals a single-process one', async () => {
    await testRedis().then((r) => r.quit());
    const db = await database();
    const [single, sharded] = [db.schemaName(), db.schemaName()];
    await migrate({ pool: db.pool, schema: single });
    await migrate({ pool: db.pool, schema: sharded });
    const queueName = `sr-test-kill-${randomBytes(4).toString('hex')}`;
    const queue = new Queue(queueName, { connection });
    closing.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
    });
    // The workers start while the single-process refresh runs.
    const victim = startWorker(sharded, queueName);
    const survivor = startWorker(sharded, queueName);

    const one = radarOn(TEST_DATABASE_URL, single);
    closing.push(() => one.stores.close());
    await one.radar.scenes.importCatalog(one.catalog);
    const expected = await one.radar.refresh();

    const coordinator = radarOn(TEST_DATABASE_URL, sharded);
    closing.push(() => coordinator.stores.close());
    await coordinator.radar.scenes.importCatalog(coordinator.catalog);
    await Promise.all([victim.line('READY', 15_000), survivor.line('READY', 15_000)]);
    const coordinate = createShardedRefresh({ radar: coordinator.radar, connection, queueName, shardSize: 30 });
    closing.push(() => coordinate.close());
    const progress: ShardProgress[] = [];
    const refreshing = coordinate.refresh(undefined, { onProgress: (p) => progress.push(p) });

    const active = await victim.line('ACTIVE ', 15_000);
    victim.process.kill('SIGKILL');
    const killedAt = performance.now();
    const killedJob = active.slice('ACTIVE '.length);
    expect(await victim.exited).toBe('SIGKILL');
    const report = await refreshing;
    const recoveryMs = performance.now() - killedAt;

    // The killed shard was never staged by the victim; the survivor ran it again.
    expect(killedJob).toMatch(/-shard-\d+$/);
    expect(survivor.stdout).toContain(`ACTIVE ${killedJob}\n`);
    const killedShard = Number(killedJob.split('-shard-')[1]);
    const states = progress.filter((p) => p.shard === killedShard).map((p) => p.state);
    // One stall, one `retrying` (the stalled-job check also sends `waiting` from `active`).
    expect(states.filter((s) => s === 'retrying')).toHaveLength(1);
    expect(states.at(-1)).toBe('staged');

    const { durationMs: _a, ...talent } = report.talent;
    const { durationMs: _b, ...wanted } = expected.talent;
    expect(talent).toEqual(wanted);
    const mine = await comparableTables(coordinator.stores);
    const theirs = await comparableTables(one.stores);
    for (const name of Object.keys(theirs)) expect(mine[name], name).toBe(theirs[name]);
    expect(await coordinator.stores.talent.talent_radar_refresh_shards.count()).toBe(0);
    // The lock (1.5 s) had to expire before the stalled check could hand the shard over.
    expect(recoveryMs).toBeGreaterThan(LOCK_MS / 2);
    process.stdout.write(`kill -9 recovery: refresh finished ${Math.round(recoveryMs)} ms after the kill\n`);
    // 12-20 s alone on a loaded 2-core machine; beside the three-process radar test, more.
  }, 45_000);
});

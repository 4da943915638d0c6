/**
 * Sharded refresh (issue 16): the Talent Radar's refresh split into shards on a BullMQ queue
 * (scene-radar/adapters/bullmq), run by 1, 2 and 4 workers over sources that answer every call L
 * ms late (I/O-bound, as a host's remote sources are: the 2 cores of the machine do not cap it).
 * Reported: the median time of the Talent Radar's sharded refresh (plan, shards, finish) per worker
 * count and its spread (slowest minus fastest run), the speedup against one worker (targets >= 1.8x
 * at 2, >= 3.2x at 4), the median of the finishing job alone, a single-process `talent.refresh()`
 * over the same sources for reference, and whether every run wrote exactly the tables of a
 * single-process refresh (checked, table by table; a difference throws). The runs are interleaved
 * (1, 2, 4 workers, then again), so a load that comes and goes on the machine falls on every count.
 * As in a deployment, the coordinator (and the single process) has just run the Scenes Engine's
 * refresh at the same instant, over its sources answering at once (set up, not timed): the plan
 * hands the scene pulses it computed to every shard.
 *
 * Needs PostgreSQL (127.0.0.1:5432, database `test`; `SCENE_RADAR_TEST_DATABASE_URL` overrides it)
 * and Redis (127.0.0.1:6379; `SCENE_RADAR_TEST_REDIS_URL`): it throws when either cannot be
 * reached, and works in schemas and queues of its own, removed at the end. By default the workers
 * run in this process, each with a radar of its own (its own gateway, caches and pool, as an
 * instance has): a shard is about 60 ms of CPU against 2 L of waiting, so one event loop does not
 * cap them. With `SHARDED_BENCH_PROCESSES=1` each worker is a process of its own (this file, run
 * with `worker` arguments), the demo world's histories simulated before it says it is ready.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import pg from 'pg';
import { createSceneRadar, fixedClock, type SceneRadar, type SceneRadarSources } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createPostgresStores, type PostgresStores } from 'scene-radar/adapters/postgres';
import { memoryScenesStores, memoryTalentStores, type Table } from 'scene-radar/stores';
import { createRefreshWorker, createShardedRefresh, type RefreshWorker } from '../../adapters/bullmq/index.js';
import { median } from '../../src/core/features/stats.js';
import { nowMs, round, type Figure } from '../harness.js';

const DATABASE_URL = process.env.SCENE_RADAR_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = new URL(process.env.SCENE_RADAR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
const connection = { host: REDIS_URL.hostname, port: Number(REDIS_URL.port || 6379) };
const END = '2026-11-24';
const NOW = new Date('2026-11-25T00:00:00.000Z');
/** Artists in the world, artists per shard, latency per source call (ms), timed runs per worker count. */
const ARTISTS = Number(process.env.SHARDED_BENCH_ARTISTS ?? 400);
const SHARD_SIZE = Number(process.env.SHARDED_BENCH_SHARD ?? 25);
const LATENCY_MS = Number(process.env.SHARDED_BENCH_LATENCY_MS ?? 1000);
const RUNS = Number(process.env.SHARDED_BENCH_RUNS ?? 3);
/** Workers in processes of their own (`SHARDED_BENCH_PROCESSES=1`) rather than in this one. */
const PROCESSES = process.env.SHARDED_BENCH_PROCESSES === '1';
const WORKERS = [1, 2, 4] as const;
const TALENT_TABLES = ['talent_radar_artists', 'talent_radar_scenes', 'talent_radar_microgenres', 'talent_radar_state'];

/** `sources` with every method answering `latency.ms` later (0: at once; the setup runs so). */
function withLatency(sources: SceneRadarSources, latency: { ms: number }): SceneRadarSources {
  const out: Record<string, unknown> = {};
  for (const [name, source] of Object.entries(sources)) {
    const slow: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(source as object))
      slow[key] =
        typeof value === 'function'
          ? async (...args: unknown[]) => {
              if (latency.ms > 0) await new Promise((resolve) => setTimeout(resolve, latency.ms));
              return (value as (...a: unknown[]) => unknown).apply(source, args);
            }
          : value;
    out[name] = slow;
  }
  return out as SceneRadarSources;
}

/** The bench's world: every process builds the same one. */
const benchWorld = () => createDemoWorld({ artists: ARTISTS, end: END, historyCacheSize: ARTISTS });

/**
 * A worker process (`worker <schema> <queue>`): simulates the world's histories (a throwaway
 * refresh in memory), starts a refresh worker on the slow sources and says `READY`.
 */
async function runWorker(schema: string, queueName: string): Promise<void> {
  const world = benchWorld();
  const warm = createSceneRadar({
    sources: world.sources,
    stores: { scenes: memoryScenesStores(), talent: memoryTalentStores() },
    clock: fixedClock(NOW),
  });
  await warm.scenes.importCatalog(world.catalog);
  await warm.refresh(NOW);
  await warm.close();
  const stores = createPostgresStores({ connectionString: DATABASE_URL, max: 4 }, { schema });
  const radar = createSceneRadar({
    sources: withLatency(world.sources, { ms: LATENCY_MS }),
    stores,
    clock: fixedClock(NOW),
  });
  const { worker } = createRefreshWorker({ radar, connection, queueName });
  await worker.waitUntilReady();
  process.stdout.write('READY\n');
}

/** Starts `n` worker processes on `schema` and `queueName`; resolves once all are ready. */
async function startWorkers(n: number, schema: string, queueName: string): Promise<ChildProcess[]> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const file = fileURLToPath(import.meta.url);
  const children = Array.from({ length: n }, () =>
    spawn(process.execPath, ['--import', 'tsx', file, 'worker', schema, queueName], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve, reject) => {
          let out = '';
          child.stdout!.on('data', (d: Buffer) => {
            out += d.toString();
            if (out.includes('READY\n')) resolve();
          });
          child.on('exit', (code) => reject(new Error(`bench worker exited (${String(code)}) before it was ready`)));
        }),
    ),
  );
  return children;
}

/** The Talent Radar's tables as JSON text (the refresh's random id left out). */
async function talentTables(stores: PostgresStores): Promise<string> {
  const out: Record<string, unknown> = {};
  for (const name of TALENT_TABLES) {
    const rows = await (stores.talent as unknown as Record<string, Table<Record<string, unknown>>>)[name]!.scan();
    out[name] =
      name === 'talent_radar_state' ? rows.map((r) => ({ ...r, value: { ...(r.value as object), id: '-' } })) : rows;
  }
  return JSON.stringify(out);
}

/** Runs the suite; throws when PostgreSQL or Redis cannot be reached, or when a sharded run differs. */
export async function shardedRefreshSuite(): Promise<Figure[]> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000, max: 20 });
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new Error(`bench sharded-refresh: PostgreSQL cannot be reached at ${DATABASE_URL}: ${String(e)}`);
  }
  const prefix = `sr_bench_shard_${randomBytes(3).toString('hex')}`;
  const schemas: string[] = [];
  const closing: Array<() => Promise<unknown>> = [];
  // Every history simulated once (the baseline warms them): the runs measure the SDK and the
  // queue, not the demo world.
  const world = benchWorld();
  const slow = withLatency(world.sources, { ms: LATENCY_MS });
  /** A radar on a fresh (or the given) schema. */
  const radarOn = async (
    sources: SceneRadarSources,
    schema?: string,
  ): Promise<{ radar: SceneRadar; stores: PostgresStores }> => {
    let name = schema;
    if (name === undefined) {
      name = `${prefix}_${schemas.length}`;
      schemas.push(name);
    }
    const stores = createPostgresStores({ pool }, { schema: name, migrate: true });
    await stores.ready();
    const radar = createSceneRadar({ sources, stores, clock: fixedClock(NOW) });
    closing.push(() => radar.close());
    return { radar, stores };
  };
  try {
    // The reference: a single-process refresh over zero-latency sources, then the same talent
    // refresh over the slow ones, timed.
    const base = await radarOn(world.sources);
    await base.radar.scenes.importCatalog(world.catalog);
    await base.radar.refresh(NOW);
    const expected = await talentTables(base.stores);
    /**
     * A radar on a fresh schema that has run the Scenes Engine's refresh over its sources answering
     * at once (set up, not timed), then sees them answer L ms late: a coordinator, or a single process.
     */
    const refreshedRadar = async (): Promise<{ radar: SceneRadar; stores: PostgresStores }> => {
      const latency = { ms: 0 };
      const r = await radarOn(withLatency(world.sources, latency));
      await r.radar.scenes.importCatalog(world.catalog);
      await r.radar.scenes.refresh(NOW);
      latency.ms = LATENCY_MS;
      return r;
    };
    const singleMs: number[] = [];
    const samples = new Map<number, number[]>(WORKERS.map((w) => [w, []]));
    const finishes = new Map<number, number[]>(WORKERS.map((w) => [w, []]));
    let identical = true;
    for (let run = 0; run < RUNS; run++) {
      const one = await refreshedRadar();
      const t0 = nowMs();
      await one.radar.talent.refresh(NOW);
      singleMs.push(nowMs() - t0);
      for (const workers of WORKERS) {
        const coordinator = await refreshedRadar();
        const schema = coordinator.stores.schema;
        const queueName = `sr-bench-${randomBytes(4).toString('hex')}`;
        const children = PROCESSES ? await startWorkers(workers, schema, queueName) : [];
        const inProcess: RefreshWorker[] = [];
        for (let w = 0; w < (PROCESSES ? 0 : workers); w++) {
          const instance = await radarOn(slow, schema);
          inProcess.push(createRefreshWorker({ radar: instance.radar, connection, queueName }));
        }
        await Promise.all(inProcess.map((r) => r.worker.waitUntilReady()));
        const sharded = createShardedRefresh({
          radar: coordinator.radar,
          connection,
          queueName,
          shardSize: SHARD_SIZE,
        });
        const t0 = nowMs();
        const report = await sharded.refresh(NOW, { scenes: false });
        samples.get(workers)!.push(nowMs() - t0);
        finishes.get(workers)!.push(report.talent.durationMs);
        if ((await talentTables(coordinator.stores)) !== expected) identical = false;
        await sharded.close();
        for (const child of children) child.kill('SIGKILL');
        await Promise.all(inProcess.map((r) => r.close()));
        const queue = new Queue(queueName, { connection });
        await queue.obliterate({ force: true });
        await queue.close();
        if (!identical)
          throw new Error(`bench sharded-refresh: ${workers} workers wrote other rows than a single-process refresh`);
        process.stderr.write(
          `  sharded-refresh run ${run + 1}/${RUNS}: ${workers} worker(s) ${(samples.get(workers)!.at(-1)! / 1000).toFixed(2)} s\n`,
        );
      }
    }
    const medians = new Map(WORKERS.map((w) => [w, median(samples.get(w)!)] as const));
    const one = medians.get(1)!;
    const shards = Math.ceil(ARTISTS / SHARD_SIZE);
    const figures: Figure[] = [
      { name: 'sharded_refresh.artists', value: ARTISTS },
      { name: 'sharded_refresh.shards', value: shards },
      { name: 'sharded_refresh.one_worker_per_shard_s', value: round(one / shards / 1000, 3) },
      { name: 'sharded_refresh.latency_per_call_ms', value: LATENCY_MS },
      { name: 'sharded_refresh.worker_processes', value: PROCESSES ? 1 : 0 },
      { name: 'sharded_refresh.single_process_talent_s', value: round(median(singleMs) / 1000, 2) },
    ];
    for (const workers of WORKERS) {
      const ms = medians.get(workers)!;
      const runs = samples.get(workers)!;
      figures.push({ name: `sharded_refresh.talent_${workers}_workers_s`, value: round(ms / 1000, 2) });
      figures.push({
        name: `sharded_refresh.talent_${workers}_workers_spread_s`,
        value: round((Math.max(...runs) - Math.min(...runs)) / 1000, 2),
      });
      figures.push({
        name: `sharded_refresh.finish_job_${workers}_workers_s`,
        value: round(median(finishes.get(workers)!) / 1000, 2),
      });
      if (workers === 1) continue;
      const speedup = round(one / ms, 2);
      const target = workers === 2 ? 1.8 : 3.2;
      figures.push({
        name: `sharded_refresh.speedup_${workers}_workers_x`,
        value: speedup,
        target: `>= ${target}x`,
        pass: speedup >= target,
      });
    }
    figures.push({
      name: 'sharded_refresh.identical_to_single_process',
      value: identical ? 1 : 0,
      target: '1',
      pass: identical,
    });
    return figures;
  } finally {
    for (const close of closing.reverse()) await close().catch(() => undefined);
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'worker')
  await runWorker(process.argv[3]!, process.argv[4]!);

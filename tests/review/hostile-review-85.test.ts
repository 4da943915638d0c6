/**
 * Hostile review 85: the job-queue adapter (adapters/bullmq) on the BullMQ side: its options, the
 * Redis connections it is given, and close() while a refresh is under way. A real Redis
 * (127.0.0.1:6379), a queue name of its own per test (obliterated afterwards), in-memory radars
 * (the coordinator and the worker share one, as one instance would).
 *
 * Every test here fails on the code as reviewed, because of the fault its name states.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRefreshWorker, createShardedRefresh } from '../../adapters/bullmq/index';
import { createDemoWorld } from '../../adapters/memory/index';
import { createSceneRadar, fixedClock, isSceneRadarError, type SceneRadarSources } from '../../src/index';
import { TEST_REDIS_URL, testRedis } from '../helpers/redis-test';

const redisUrl = new URL(TEST_REDIS_URL);
const connection = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };
const NOW = '2026-11-25T00:00:00.000Z';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const unique = (): string => `sr-test-hr85-${randomBytes(4).toString('hex')}`;

/** A queue name of the test's own, its keys obliterated afterwards. */
const queueNamed = (): string => {
  const queueName = unique();
  cleanups.push(async () => {
    const queue = new Queue(queueName, { connection });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  });
  return queueName;
};

/** Every method of `sources` waiting for `gate` first. */
function gated(sources: SceneRadarSources, gate: Promise<void>): SceneRadarSources {
  const out: Record<string, unknown> = {};
  for (const [name, source] of Object.entries(sources)) {
    if (typeof source !== 'object' || source === null) {
      out[name] = source;
      continue;
    }
    const slow: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(source))
      slow[key] =
        typeof value === 'function'
          ? async (...args: unknown[]) => {
              await gate;
              return (value as (...a: unknown[]) => unknown).apply(source, args);
            }
          : value;
    out[name] = slow;
  }
  return out as SceneRadarSources;
}

/** An in-memory radar over a small demo world, its catalog imported. */
async function memoryRadar(gate?: Promise<void>) {
  const world = createDemoWorld({ seed: 3, artists: 20, scenes: 3, end: '2026-11-24' });
  const radar = createSceneRadar({
    sources: gate ? gated(world.sources, gate) : world.sources,
    clock: fixedClock(NOW),
  });
  await radar.scenes.importCatalog(world.catalog);
  cleanups.push(() => radar.close());
  return radar;
}

/** How a call ended: `resolved`, or `<code>: <message>` (`raw <error>` for an error without a code). */
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (e: unknown) => (isSceneRadarError(e) ? `${e.code}: ${e.message}` : `raw ${String(e)}`),
  );
const thrownBy = (f: () => unknown): string => {
  try {
    f();
    return 'no throw';
  } catch (e) {
    return isSceneRadarError(e) ? `${e.code}: ${e.message}` : `raw ${String(e)}`;
  }
};

/**
 * Connections of the test Redis named `name` (ioredis' `connectionName`, which `duplicate()` keeps)
 * or after queue `queueName` (BullMQ names its connections `bull:<queue name in base64>`).
 */
async function connectionsOf(name: string, queueName: string): Promise<number> {
  const names = [` name=${name} `, ` name=bull:${Buffer.from(queueName).toString('base64')} `];
  const admin = await testRedis();
  try {
    const list = String(await admin.client('LIST'));
    return list.split('\n').filter((line) => names.some((n) => line.includes(n))).length;
  } finally {
    await admin.quit();
  }
}

/** A host's own ioredis client (its defaults: `maxRetriesPerRequest` 20), named so its duplicates can be found. */
async function hostClient(name: string): Promise<Redis> {
  const host = new Redis({ ...connection, connectionName: name });
  host.on('error', () => undefined);
  cleanups.push(async () => host.disconnect());
  await host.ping();
  return host;
}

describe('hostile review 85: the BullMQ side of a sharded refresh', () => {
  it('timeoutMs at its documented maximum (2^31-1 ms) does not make every refresh time out at once', async () => {
    // sharded-refresh.ts, ShardedRefreshOptions.timeoutMs: "How long a refresh may take ... then it
    // rejects with TALENT_TIMEOUT" and the option accepts 1 to 2^31-1 (intOption(..., 1, 2 ** 31 - 1)).
    // A worker runs on the queue: the refresh must finish, not be given up within milliseconds.
    const radar = await memoryRadar();
    const queueName = queueNamed();
    const worker = createRefreshWorker({ radar, connection, queueName });
    cleanups.push(() => worker.close());
    const sharded = createShardedRefresh({ radar, connection, queueName, shardSize: 5, timeoutMs: 2 ** 31 - 1 });
    cleanups.push(() => sharded.close());
    const t0 = Date.now();
    const got = await outcome(sharded.refresh(undefined, { scenes: false }));
    const took = Date.now() - t0;
    // Fault: `left() + graceMs` (> 2^31-1) given to setTimeout fires after 1 ms: TALENT_TIMEOUT
    // "waiting for the finish: no answer in 2147488607 ms" about 100 ms in.
    expect(got, `after ${took} ms`).toBe('resolved');
  }, 30_000);

  it("the coordinator given the host's own ioredis client says CONFIG_INVALID (or works), not TALENT_TIMEOUT 'Redis did not answer'", async () => {
    // jobs.ts, RefreshQueueOptions.connection: "options ({ host, port }) or an ioredis instance
    // (BullMQ needs `maxRetriesPerRequest: null` on the ones its workers block on ...)": a coordinator
    // is no worker. createShardedRefresh: "`CONFIG_INVALID` for bad options"; TALENT_TIMEOUT is for
    // "A queue whose Redis cannot be reached". Here Redis answers every command.
    const radar = await memoryRadar();
    const queueName = queueNamed();
    const worker = createRefreshWorker({ radar, connection, queueName });
    cleanups.push(() => worker.close());
    const host = await hostClient(unique());
    let got: string;
    let took = 0;
    try {
      const sharded = createShardedRefresh({ radar, connection: host, queueName, shardSize: 5, timeoutMs: 5_000 });
      cleanups.push(() => sharded.close());
      const t0 = Date.now();
      got = await outcome(sharded.refresh(undefined, { scenes: false }));
      took = Date.now() - t0;
    } catch (e) {
      got = isSceneRadarError(e) ? `${e.code}: ${e.message}` : `raw ${String(e)}`;
    }
    // Fault: QueueEvents (a blocking connection) refuses the client in its constructor; open()
    // turns that into "the queue's Redis did not answer in 5000 ms", about 100 ms in.
    expect(got, `after ${took} ms`).toMatch(/^(resolved|CONFIG_INVALID: )/);
  }, 30_000);

  it("a coordinator given the host's ioredis client leaves no connection of its own open once closed", async () => {
    // sharded-refresh.ts, ShardedRefresh.close(): "Closes the coordinator's Redis connections";
    // drop(): "a connection the host passed as an ioredis instance is left to the host". After
    // close() and the host's disconnect, no connection that client's options made is left.
    const radar = await memoryRadar();
    const queueName = queueNamed();
    const name = unique();
    const host = await hostClient(name);
    // Refused at construction (CONFIG_INVALID) or taken and closed: either way nothing is left open.
    let sharded: ReturnType<typeof createShardedRefresh> | undefined;
    try {
      sharded = createShardedRefresh({ radar, connection: host, queueName, shardSize: 5, timeoutMs: 5_000 });
    } catch (e) {
      expect(isSceneRadarError(e) && e.code).toBe('CONFIG_INVALID');
    }
    if (sharded) {
      await outcome(sharded.refresh(undefined, { scenes: false }));
      await sharded.close();
    }
    host.disconnect();
    await sleep(300);
    // Fault: QueueEvents duplicated the client (for its blocking connection) before refusing it;
    // that duplicate is connected, held by nobody, and never closed.
    expect(await connectionsOf(name, queueName)).toBe(0);
  }, 30_000);

  it("createRefreshWorker given the host's ioredis client (maxRetriesPerRequest 20) is CONFIG_INVALID and leaves no connection open", async () => {
    // worker.ts, createRefreshWorker: "`CONFIG_INVALID` for bad options"; jobs.ts: BullMQ needs
    // `maxRetriesPerRequest: null` on the connections its workers block on. The worker's own
    // check of onError says why it checks first: "a throw after would leave its connections open".
    const radar = await memoryRadar();
    const queueName = queueNamed();
    const name = unique();
    const host = await hostClient(name);
    const got = thrownBy(() => {
      const made = createRefreshWorker({ radar, connection: host, queueName });
      cleanups.push(() => made.close());
    });
    host.disconnect();
    await sleep(300);
    const left = await connectionsOf(name, queueName);
    // Fault: BullMQ's Error ("BullMQ: Your redis options maxRetriesPerRequest must be null.") with
    // no code escapes, after the Worker duplicated the client: the duplicate stays connected.
    expect({ got: got.replace(/: [\s\S]*/, ''), left }).toEqual({ got: 'CONFIG_INVALID', left: 0 });
  }, 30_000);

  it('close() while a refresh walks its universe: it rejects saying the coordinator was closed, not with a TypeError', async () => {
    // sharded-refresh.ts, ShardedRefresh.close(): "Refreshes waiting on their flow reject at once
    // with TALENT_INTERNAL_ERROR ...; a `refresh()` after `close()` rejects before doing anything".
    // A refresh under way when close() came must not go on to add a flow on the closed connections.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const radar = await memoryRadar(gate);
    const queueName = queueNamed();
    const worker = createRefreshWorker({ radar, connection, queueName });
    cleanups.push(() => worker.close());
    const sharded = createShardedRefresh({ radar, connection, queueName, shardSize: 5, timeoutMs: 5_000 });
    cleanups.push(() => sharded.close());
    const running = outcome(sharded.refresh());
    // The Scenes Engine's refresh waits on the gated sources; the queue's connections are up.
    await sleep(500);
    await sharded.close();
    open();
    const got = await Promise.race([running, sleep(10_000).then(() => 'still running after 10 s')]);
    // Fault: the refresh goes on after close(), FlowProducer.add on the closed producer returns
    // undefined, and the rejection reads "failed: Cannot read properties of undefined (reading
    // 'job'); nothing was written".
    expect(got).toMatch(/^TALENT_INTERNAL_ERROR: /);
    expect(got).not.toMatch(/Cannot read properties/);
    expect(got).toMatch(/closed/);
  }, 30_000);
});

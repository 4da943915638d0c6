/**
 * @module adapters/bullmq/sharded-refresh
 * The coordinator of a sharded refresh. It runs the Scenes Engine's refresh, walks the Talent
 * Radar's universe, splits it into shards of artists and adds one BullMQ flow: a finishing job
 * whose children are the shard jobs. BullMQ moves the parent to its queue only once every child
 * has completed, atomically in Redis, so the population-wide phases (peer statistics, scores,
 * roll-ups, top lists) run exactly once, after every shard's features have landed in
 * `talent_radar_refresh_shards`, on whichever worker takes the job, even if the coordinator died
 * meanwhile. Shard jobs are retried on error (`attempts`) and, when their worker dies, by BullMQ's
 * stalled-job check; a shard that fails for good fails the refresh (`failParentOnFailure`), and
 * nothing is written.
 */
import { FlowProducer, type Job, Queue, QueueEvents } from 'bullmq';
import { ERROR_CODES, type ErrorCode, isSceneRadarError, SceneRadarError } from '../../src/core/errors.js';
import { settleWithin } from '../../src/core/timeout.js';
import { requireOptions } from '../../src/core/validation.js';
import type { SceneRadar } from '../../src/radar.js';
import type { ScenesRefreshReport } from '../../src/scenes/engine.js';
import type { TalentRefreshShard } from '../../src/talent/refresh-shards.js';
import type { TalentRefreshReport } from '../../src/talent/types.js';
import {
  FINISH_JOB,
  type FinishJobData,
  finishJobId,
  intOption,
  type RefreshQueueOptions,
  resolveQueue,
  SHARD_JOB,
  shardJobId,
} from './jobs.js';

/** Options of {@link createShardedRefresh}. */
export interface ShardedRefreshOptions extends RefreshQueueOptions {
  /** The coordinator's radar: it runs the Scenes Engine's refresh and walks the universe (the same stores as the workers'). */
  readonly radar: SceneRadar;
  /** Artists per shard. @default 500 */
  readonly shardSize?: number;
  /** Attempts of each job before it fails for good (errors; a dead worker is `maxStalledCount` of the worker). @default 3 */
  readonly attempts?: number;
  /**
   * How long a refresh may take, from the flow's addition to the finish, ms: then it rejects with
   * `TALENT_TIMEOUT`. It also bounds every other wait on Redis: the queue's connections must be
   * ready within `min(timeoutMs, 10 s)` once the universe is walked, and each cleanup step after a
   * failure gets a grace of `timeoutMs / 10` (0.5-5 s). @default 3600000
   */
  readonly timeoutMs?: number;
}

/** Progress of a sharded refresh, per shard. */
export interface ShardProgress {
  /** The refresh. */
  readonly refreshId: string;
  /** `started`: a worker took shard `shard`; `staged`: its features landed; `retrying`: it failed or its worker died (it runs again unless out of attempts); `finished`: the finishing job wrote the refresh. */
  readonly state: 'started' | 'staged' | 'retrying' | 'finished';
  /** The shard (null for `finished`). */
  readonly shard: number | null;
  /** Shards in the refresh. */
  readonly shards: number;
  /** Shards staged so far. */
  readonly shardsStaged: number;
  /** Artists staged so far. */
  readonly artistsStaged: number;
  /** Artists in the refresh. */
  readonly artists: number;
}

/** Options of one {@link ShardedRefresh.refresh}. */
export interface ShardedRefreshRunOptions {
  /** Artists per shard, for this refresh. @default the coordinator's `shardSize` */
  readonly shardSize?: number;
  /** Receives progress, per shard. */
  readonly onProgress?: (progress: ShardProgress) => void;
  /** Run the Scenes Engine's refresh first, as `radar.refresh()` does. @default true */
  readonly scenes?: boolean;
}

/** What a sharded refresh did. */
export interface ShardedRefreshReport {
  /** The as-of instant (ISO). */
  readonly asOf: string;
  /** The refresh's id (null when the universe could not be walked). */
  readonly refreshId: string | null;
  /** Shards the universe was split into. */
  readonly shards: number;
  /** The Scenes Engine's refresh (null when not run). */
  readonly scenes: ScenesRefreshReport | null;
  /** The Talent Radar's refresh, as the finishing job reported it (`durationMs`: that job's). */
  readonly talent: TalentRefreshReport;
  /** Milliseconds from the start to the finish, all phases. */
  readonly durationMs: number;
}

/** The coordinator of sharded refreshes. */
export interface ShardedRefresh {
  /**
   * Refreshes as of `asOf` (default now) over the queue: the same tables as `radar.refresh()`, row
   * for row. Needs at least one running worker ({@link createRefreshWorker}) on the queue.
   * Rejects with `TALENT_INTERNAL_ERROR` when a job failed for good and `TALENT_TIMEOUT` after
   * `timeoutMs`; either way the refresh's jobs and staged shards are removed and nothing is written.
   * A queue whose Redis cannot be reached is `TALENT_TIMEOUT` too: before the flow is added (no
   * sharded refresh starts; the connections this call opened are closed), or while it runs (after
   * `timeoutMs`, plus a bounded grace for the cleanup, which never waits on Redis for longer).
   */
  refresh(asOf?: Date, options?: ShardedRefreshRunOptions): Promise<ShardedRefreshReport>;
  /**
   * Closes the coordinator's Redis connections. Refreshes waiting on their flow reject at once with
   * `TALENT_INTERNAL_ERROR` and remove their jobs and staged shards first (each step within the
   * grace); a `refresh()` after `close()` rejects before doing anything.
   */
  close(): Promise<void>;
}

/**
 * Creates the coordinator of sharded refreshes. `CONFIG_INVALID` for bad options.
 * @example
 * ```ts
 * import { createRefreshWorker, createShardedRefresh } from 'scene-radar/adapters/bullmq';
 * const connection = { host: '127.0.0.1', port: 6379 };
 * createRefreshWorker({ radar, connection }); // on every instance that should work
 * const sharded = createShardedRefresh({ radar, connection, shardSize: 500 });
 * const report = await sharded.refresh(undefined, { onProgress: (p) => console.log(p.shardsStaged, '/', p.shards) });
 * ```
 */
export function createShardedRefresh(options: ShardedRefreshOptions): ShardedRefresh {
  const queue = resolveQueue(options, 'createShardedRefresh');
  const radar = options.radar;
  if (typeof radar?.talent?.planRefresh !== 'function')
    throw new SceneRadarError('CONFIG_INVALID', 'createShardedRefresh: radar must be a radar from createSceneRadar');
  const defaultShardSize = intOption(options.shardSize, 500, 1, 10_000, 'createShardedRefresh: shardSize');
  const attempts = intOption(options.attempts, 3, 1, 100, 'createShardedRefresh: attempts');
  const timeoutMs = intOption(options.timeoutMs, 3_600_000, 1, 2 ** 31 - 1, 'createShardedRefresh: timeoutMs');
  const bull = { connection: queue.connection, prefix: queue.prefix };
  // Every wait on Redis has a bound derived from timeoutMs (BullMQ retries a lost connection for
  // ever, and queues the commands meanwhile): the connections' readiness, the flow's addition, the
  // finish, and the cleanup after a failure (a grace each step).
  const openMs = Math.min(timeoutMs, OPEN_MS);
  const graceMs = Math.min(5_000, Math.max(500, Math.round(timeoutMs / 10)));
  let flows: FlowProducer | null = null;
  let events: QueueEvents | null = null;
  let jobs: Queue | null = null;
  let closed = false;
  /** Refreshes waiting on their flow: `close()` stops their waits, lets each remove its jobs, then shuts the connections. */
  const inFlight = new Set<{ stop(): void; settled: Promise<unknown> }>();
  /**
   * Removals waiting for a flow a refresh gave up while its addition was in flight (stopped by
   * `close()`, or past its deadline): when the flow lands, its jobs go at once. `close()` shuts the
   * flow connection first (its QUIT is answered after the addition), then waits for these (within
   * the grace) before it shuts the connection they remove the jobs on.
   */
  const landings = new Set<Promise<unknown>>();
  /** The first `close()`'s work, which every later call returns. */
  let closing: Promise<void> | undefined;
  /** The last error a connection reported (BullMQ would print it on stderr with no listener). */
  let lastError: Error | null = null;
  const onError = (e: Error): void => {
    lastError = e;
  };

  type Connections = { flows: FlowProducer; events: QueueEvents; jobs: Queue };
  /**
   * Closes connections within the grace. `force` (connections that never came up): dropped at once,
   * as a QueueEvents' own close would wait for its connection for ever while ioredis retries.
   * Otherwise closed (QUIT), dropped when that does not end within the grace (QUIT waits behind the
   * commands queued while Redis is away).
   */
  const shut = async (c: Partial<Connections>, force = false): Promise<void> => {
    await Promise.all(
      [c.flows, c.events, c.jobs].map(async (x) => {
        if (!x) return;
        if (!force) {
          const ok = await within(x.close(), graceMs, 'closing a queue connection').then(
            () => true,
            () => false,
          );
          if (ok) return;
        }
        await within(drop(x), graceMs, 'dropping a queue connection').catch(() => undefined);
      }),
    );
  };
  const open = async (): Promise<Connections> => {
    if (closed) throw new SceneRadarError('TALENT_INTERNAL_ERROR', 'This sharded refresh coordinator is closed');
    if (!flows) {
      flows = new FlowProducer(bull);
      flows.on('error', onError);
    }
    if (!jobs) {
      jobs = new Queue(queue.queueName, bull);
      jobs.on('error', onError);
    }
    if (!events) {
      events = new QueueEvents(queue.queueName, bull);
      events.on('error', onError);
    }
    const c = { flows, events, jobs };
    // Listening before the flow is added: no completion can be missed.
    await Promise.all([c.events.waitUntilReady(), c.jobs.waitUntilReady(), c.flows.waitUntilReady()]);
    return c;
  };
  /** The connections, ready within `openMs`; otherwise closed (the next refresh opens new ones) and `TALENT_TIMEOUT`. */
  const ready = async (opening: Promise<Connections>): Promise<Connections> => {
    const c = { flows: flows ?? undefined, events: events ?? undefined, jobs: jobs ?? undefined };
    try {
      return await within(opening, openMs, 'connecting to the queue');
    } catch (e) {
      if (c.flows === flows) flows = null;
      if (c.events === events) events = null;
      if (c.jobs === jobs) jobs = null;
      await shut(c, true);
      if (isSceneRadarError(e) && e.code !== 'TALENT_TIMEOUT') throw e;
      const why = lastError?.message ?? (e instanceof Error ? e.message : String(e));
      throw new SceneRadarError(
        'TALENT_TIMEOUT',
        `Sharded refresh: the queue's Redis did not answer in ${openMs} ms (${why}); no sharded refresh started, nothing was written`,
        { cause: lastError ?? e },
      );
    }
  };

  return {
    async refresh(asOf, options) {
      // Before any work: a closed coordinator refreshes nothing (not even the Scenes Engine).
      if (closed) throw new SceneRadarError('TALENT_INTERNAL_ERROR', 'This sharded refresh coordinator is closed');
      const run: ShardedRefreshRunOptions = requireOptions(options, 'options', 'TALENT_VALIDATION_ERROR');
      const t0 = performance.now();
      const shardSize = intOption(run.shardSize, defaultShardSize, 1, 10_000, 'refresh: shardSize');
      // The queue's connections open while the universe is walked: not after, on the refresh's clock.
      const opening = open();
      opening.catch(() => undefined);
      // What either engine would refuse (an instant before its last refresh's, too far ahead) is
      // refused before the Scenes Engine writes anything, as `radar.refresh()` does: a refresh the
      // Talent Radar refuses moves neither engine. An `asOf` that is not a valid Date is left to
      // the Scenes Engine's refresh, which names it.
      const at = asOf === undefined ? new Date(radar.clock.now()) : asOf;
      if (at instanceof Date && !Number.isNaN(at.getTime())) {
        if (run.scenes !== false) await radar.scenes.checkRefresh(at);
        await radar.talent.checkRefresh(at);
      }
      const scenes = run.scenes === false ? null : await radar.scenes.refresh(asOf);
      // The scene pulses every shard reads, read once here (beside the universe walk; right after
      // the Scenes Engine's refresh they are the ones it has just computed), not once per worker.
      const plan = await radar.talent.planRefresh(scenes ? new Date(scenes.asOf) : asOf, {
        scenes: await sceneSlugs(radar),
      });
      const report = (talent: TalentRefreshReport, shards: number): ShardedRefreshReport => ({
        asOf: plan.asOf,
        refreshId: plan.universe === 'ok' ? plan.refreshId : null,
        shards,
        scenes,
        talent,
        durationMs: Math.round(performance.now() - t0),
      });
      if (plan.universe !== 'ok')
        return report(
          {
            asOf: plan.asOf,
            universe: plan.universe,
            universeReason: plan.universeReason,
            artists: 0,
            scored: 0,
            insufficient: 0,
            kept: 0,
            unscored: [],
            failedReads: {},
            absent: 0,
            reads: { ok: 0, missing: 0, timeout: 0, error: 0, absent: 0 },
            hostFeatures: {},
            durationMs: 0,
          },
          0,
        );
      const slices: string[][] = [];
      for (let i = 0; i < plan.artists.length; i += shardSize) slices.push(plan.artists.slice(i, i + shardSize));
      const finish: FinishJobData = {
        refreshId: plan.refreshId,
        asOf: plan.asOf,
        shards: slices.length,
        scenePulses: plan.scenePulses,
      };
      // An empty universe has nothing to shard: the finish alone (it removes stale records).
      if (slices.length === 0)
        return report(await radar.talent.finishRefresh(finish, { scenePulses: finish.scenePulses }), 0);

      let connections: Awaited<ReturnType<typeof ready>>;
      try {
        connections = await ready(opening);
      } catch (error) {
        // The queue cannot be reached: the plan recorded above goes too ("nothing was written").
        await within(radar.talent.discardRefresh(plan.refreshId), graceMs, 'discarding the plan').catch(
          () => undefined,
        );
        throw error;
      }
      // close() landed while the universe was walked: its connections are shut, so nothing is added.
      if (closed) {
        await within(radar.talent.discardRefresh(plan.refreshId), graceMs, 'discarding the plan').catch(
          () => undefined,
        );
        throw new SceneRadarError(
          'TALENT_INTERNAL_ERROR',
          `Sharded refresh ${plan.refreshId} was stopped: its coordinator was closed before its jobs were added; nothing was written`,
        );
      }
      const { flows, events, jobs } = connections;
      // close() while this refresh waits: its wait ends at once, and the cleanup below runs on
      // connections close() keeps open until it is done.
      const stoppedError = new SceneRadarError(
        'TALENT_INTERNAL_ERROR',
        `Sharded refresh ${plan.refreshId} was stopped: its coordinator was closed; its jobs and staged shards are removed`,
      );
      let stop!: () => void;
      const stopped = new Promise<never>((_, reject) => {
        stop = () => reject(stoppedError);
      });
      stopped.catch(() => undefined);
      let settle!: () => void;
      const me = { stop, settled: new Promise<void>((resolve) => (settle = resolve)) };
      inFlight.add(me);
      const ids = new Map(slices.map((_, i) => [shardJobId(plan.refreshId, i), i]));
      const parentId = finishJobId(plan.refreshId);
      const staged = new Set<number>();
      let artistsStaged = 0;
      const tell = (state: ShardProgress['state'], shard: number | null): void => {
        if (!run.onProgress) return;
        try {
          run.onProgress({
            refreshId: plan.refreshId,
            state,
            shard,
            shards: slices.length,
            shardsStaged: staged.size,
            artistsStaged,
            artists: plan.artists.length,
          });
        } catch {
          // A host's progress callback must not break the refresh.
        }
      };
      const onProgress = ({ jobId }: { jobId: string }): void => {
        const i = ids.get(jobId);
        if (i !== undefined) tell('started', i);
      };
      const onCompleted = ({ jobId }: { jobId: string }): void => {
        const i = ids.get(jobId);
        if (i === undefined || staged.has(i)) return;
        staged.add(i);
        artistsStaged += slices[i]!.length;
        tell('staged', i);
      };
      const onFailed = ({ jobId }: { jobId: string }): void => {
        const i = ids.get(jobId);
        if (i !== undefined) tell('retrying', i);
      };
      // A failed attempt that will run again is moved to `delayed` (the shards' backoff); BullMQ's
      // `failed` event comes only when it is out of attempts. (Not `waiting` from `active`: the
      // stalled-job check sends it beside `stalled`, which would report one stall twice.)
      events.on('progress', onProgress);
      events.on('completed', onCompleted);
      events.on('delayed', onFailed);
      events.on('failed', onFailed);
      // A shard whose worker died is moved back to wait by the stalled-job check: it runs again.
      events.on('stalled', onFailed);
      const keep = { removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } };
      let finishRunning = false;
      // The refresh's deadline: the flow's addition and the finish (a wait BullMQ's own timer does
      // not cover: it first waits for the connection, for ever), then the cleanup's grace.
      const deadline = performance.now() + timeoutMs;
      const left = (): number => Math.max(1, Math.round(deadline - performance.now()));
      try {
        const adding = flows.add({
          name: FINISH_JOB,
          queueName: queue.queueName,
          data: finish,
          opts: { jobId: parentId, attempts, backoff: { type: 'exponential', delay: 1000 }, ...keep },
          children: slices.map((artists, index) => ({
            name: SHARD_JOB,
            queueName: queue.queueName,
            data: { refreshId: plan.refreshId, asOf: plan.asOf, index, artists } satisfies TalentRefreshShard,
            opts: {
              jobId: shardJobId(plan.refreshId, index),
              attempts,
              backoff: { type: 'exponential', delay: 1000 },
              failParentOnFailure: true,
              ...keep,
            },
          })),
        });
        let added = false;
        adding.then(
          () => {
            added = true;
          },
          () => undefined,
        );
        const node = await Promise.race([
          stopped,
          within(adding, left(), `Sharded refresh ${plan.refreshId} could not add its flow`),
        ]).catch((e: unknown) => {
          if (added) throw e;
          // Given up (stopped by close(), or past the deadline) with the addition still in flight,
          // or queued on a connection that is down (ioredis sends it when the connection is back):
          // when it lands, its jobs are removed at once, never left waiting for the next worker to
          // write a refresh this call gave up. (The removal below this call runs now, before the
          // flow has landed: it finds nothing.)
          const landing: Promise<unknown> = adding
            .then(() =>
              Promise.all([
                within(removeRefreshJobs(jobs, parentId, plan.refreshId, slices.length), graceMs, 'removing the jobs'),
                within(radar.talent.discardRefresh(plan.refreshId), graceMs, 'discarding the staged shards'),
              ]),
            )
            .catch(() => undefined)
            .finally(() => landings.delete(landing));
          landings.add(landing);
          if (!(isSceneRadarError(e) && e.code === 'TALENT_TIMEOUT')) throw e;
          throw new SceneRadarError(
            'TALENT_TIMEOUT',
            `Sharded refresh ${plan.refreshId} could not add its flow in ${timeoutMs} ms (Redis did not answer); nothing was written, and if the addition reaches Redis later its jobs are removed as soon as it lands`,
            { cause: e },
          );
        });
        let talent: TalentRefreshReport;
        try {
          talent = await Promise.race([
            stopped,
            within(waitFor(node.job, events, left()), left() + graceMs, 'waiting for the finish'),
          ]);
        } catch (e) {
          if (e === stoppedError) {
            // Closed while the finish may be running on a worker: as after a timeout, a finish that
            // started is one transaction that removing its jobs and staged rows would not undo.
            const state = await within(node.job.getState(), graceMs, 'reading the finish job').catch(() => 'unknown');
            if (state === 'unknown' || finishStarted(state)) {
              finishRunning = true;
              throw new SceneRadarError(
                'TALENT_INTERNAL_ERROR',
                `Sharded refresh ${plan.refreshId} was stopped (its coordinator was closed) while its finish ${state === 'unknown' ? 'may be' : 'is'} running on a worker: the refresh may still be written`,
                { cause: e },
              );
            }
            throw e;
          }
          if (!(isSceneRadarError(e) && e.code === 'TALENT_TIMEOUT')) throw e;
          // The deadline passed, but the finish may be running (or have just run) on a worker: it
          // is one transaction, which removing its jobs and staged rows would not undo, so the
          // refresh would be written while this call said it was not. Wait for its outcome. A
          // state Redis does not give within the grace is unknown: the refresh is given up.
          const state = await within(node.job.getState(), graceMs, 'reading the finish job').catch(() => 'unknown');
          // Not "nothing was written": a worker that reached the finish may still commit it.
          if (state === 'unknown')
            throw new SceneRadarError(
              'TALENT_TIMEOUT',
              `Sharded refresh ${plan.refreshId} did not finish in ${timeoutMs} ms, and the state of its finish could not be read (Redis did not answer): the refresh may still be written by a worker`,
              { cause: e },
            );
          if (!finishStarted(state)) throw e;
          try {
            talent = await within(waitFor(node.job, events, timeoutMs), timeoutMs + graceMs, 'waiting for the finish');
          } catch (again) {
            if (!(isSceneRadarError(again) && again.code === 'TALENT_TIMEOUT')) throw again;
            finishRunning = true;
            throw new SceneRadarError(
              'TALENT_TIMEOUT',
              `Sharded refresh ${plan.refreshId} did not finish in ${2 * timeoutMs} ms: its finish is still running on a worker, so the refresh may still be written`,
              { cause: again },
            );
          }
        }
        // The finish ran on a worker, whose clear of the cached Talent results reached its own
        // process only: this radar reads the committed state and clears them (through a shared
        // cache tier, on every instance). The refresh is written whatever these do.
        await within(
          (async () => {
            await radar.talent.loadState({ force: true });
            await radar.talent.aggregator.clearCache(undefined, { keepLastGood: true });
          })(),
          graceMs,
          'clearing the cached Talent results',
        ).catch(() => undefined);
        tell('finished', null);
        return report(talent, slices.length);
      } catch (e) {
        // A finish still running keeps its job and staged rows: it either commits or fails on its own.
        if (finishRunning) throw e;
        // Nothing of a failed refresh may stay behind: its jobs, its staged shards. Each within the
        // grace: a removal Redis does not answer stays queued on the connection and runs when it
        // is back, the refresh does not wait for it.
        await Promise.all([
          within(removeRefreshJobs(jobs, parentId, plan.refreshId, slices.length), graceMs, 'removing the jobs').catch(
            () => undefined,
          ),
          within(radar.talent.discardRefresh(plan.refreshId), graceMs, 'discarding the staged shards').catch(
            () => undefined,
          ),
        ]);
        if (isSceneRadarError(e)) throw e;
        throw new SceneRadarError(
          'TALENT_INTERNAL_ERROR',
          `Sharded refresh ${plan.refreshId} failed: ${e instanceof Error ? e.message : String(e)}; nothing was written`,
          { cause: e },
        );
      } finally {
        inFlight.delete(me);
        settle();
        events.off('progress', onProgress);
        events.off('completed', onCompleted);
        events.off('delayed', onFailed);
        events.off('failed', onFailed);
        events.off('stalled', onFailed);
      }
    },
    close() {
      closing ??= (async () => {
        closed = true;
        // Refreshes in flight reject now and remove their jobs (each step within the grace) while
        // the connections are still open; then the connections close.
        const running = [...inFlight];
        for (const r of running) r.stop();
        await Promise.all(running.map((r) => r.settled));
        const c = { flows: flows ?? undefined, events: events ?? undefined, jobs: jobs ?? undefined };
        flows = events = jobs = null;
        // The flow connection first: its QUIT is answered after any addition still in flight, whose
        // jobs a landing then removes on the queue connection, shut only after that (within the grace).
        await shut({ flows: c.flows });
        await within(Promise.all([...landings]), graceMs, 'removing the jobs of flows that landed').catch(
          () => undefined,
        );
        await shut({ events: c.events, jobs: c.jobs });
      })();
      return closing;
    },
  };
}

/** Longest wait for the queue's connections once the universe is walked (capped by `timeoutMs`), ms. */
const OPEN_MS = 10_000;

/**
 * Removes a refresh's jobs: the finish and its shards. BullMQ removes no part of a flow one of
 * whose jobs is running (locked: `remove` answers 0), so then the shards not running go one by one
 * (a running one refuses and ends on its own), and the finish without its children: none is left
 * waiting for a worker to run a refresh its coordinator gave up.
 */
async function removeRefreshJobs(jobs: Queue, parentId: string, refreshId: string, shards: number): Promise<void> {
  if ((await jobs.remove(parentId, { removeChildren: true })) > 0) return;
  for (let i = 0; i < shards; i++) await jobs.remove(shardJobId(refreshId, i)).catch(() => 0);
  await jobs.remove(parentId, { removeChildren: false }).catch(() => 0);
}

/**
 * `work`, or `TALENT_TIMEOUT` naming `what` once `ms` have passed (the one bound of every Redis
 * wait of the coordinator). `work` goes on; its outcome after the bound is ignored.
 */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  // Not unref'd: the coordinator's caller is waiting on this bound.
  return settleWithin(
    work,
    Math.max(1, ms),
    () => new SceneRadarError('TALENT_TIMEOUT', `${what}: no answer in ${ms} ms`),
    false,
  );
}

/** What {@link drop} reaches of a BullMQ object: its backend's Redis connections (BullMQ's `RedisConnection`). */
interface BullBackend {
  readonly connection?: { close(force?: boolean): Promise<void> };
  readonly blockingConnection?: { close(force?: boolean): Promise<void> };
}

/**
 * Drops the Redis connections of a queue object at once (`RedisConnection.close(true)`:
 * `disconnect()`, no QUIT, no wait for a connection that never came up; a connection the host
 * passed as an ioredis instance is left to the host).
 */
async function drop(x: FlowProducer | Queue | QueueEvents): Promise<void> {
  const backend = (x as unknown as { backend?: BullBackend }).backend;
  await Promise.all([backend?.blockingConnection?.close(true), backend?.connection?.close(true)]);
}

/** Every scene of the coordinator's catalog (the shards' main scenes are among them). */
async function sceneSlugs(radar: SceneRadar): Promise<string[]> {
  const out: string[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await radar.scenes.listScenes({ limit: 100, offset });
    out.push(...page.items.map((s) => s.slug));
    if (page.items.length === 0 || offset + 100 >= page.total) return out;
  }
}

/** Whether `code` is one of the SDK's error codes. */
const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_CODES, code);

/** Whether a finishing job in `state` has started (a worker holds it) or completed: past the point where removing it undoes anything. */
function finishStarted(state: string): boolean {
  return state === 'active' || state === 'completed';
}

/** The finishing job's result, or why it has none (`TALENT_TIMEOUT` after `timeoutMs`). */
async function waitFor(job: Job, events: QueueEvents, timeoutMs: number): Promise<TalentRefreshReport> {
  try {
    return (await job.waitUntilFinished(events, timeoutMs)) as TalentRefreshReport;
  } catch (e) {
    if (e instanceof Error && /timed out/i.test(e.message))
      throw new SceneRadarError(
        'TALENT_TIMEOUT',
        `Sharded refresh did not finish in ${timeoutMs} ms (are workers running on the queue?); nothing was written`,
        { cause: e },
      );
    // A finish the worker refused (`<code>: <message>`, see createRefreshWorker): that code, not an internal error.
    const refused = e instanceof Error ? /^([A-Z_]+): ([\s\S]*)$/.exec(e.message) : null;
    const code = refused?.[1];
    if (code !== undefined && isErrorCode(code) && ERROR_CODES[code] < 500)
      throw new SceneRadarError(code, refused![2]!, { cause: e });
    throw e;
  }
}

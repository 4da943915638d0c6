/**
 * @module adapters/bullmq/worker
 * A worker of sharded refreshes: a BullMQ `Worker` that runs the shard jobs (gather and stage one
 * shard's features) and the finishing job (score the population and write, once every shard has
 * landed) with the radar it is given. Any instance on the same stores and Redis can run one; a
 * worker that dies mid-job loses its lock, and BullMQ's stalled-job check hands the job to another.
 */
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { isSceneRadarError, SceneRadarError } from '../../src/core/errors.js';
import type { SceneRadar } from '../../src/radar.js';
import { checkShard } from '../../src/talent/refresh-shards.js';
import {
  FINISH_JOB,
  type FinishJobData,
  intOption,
  type RefreshQueueOptions,
  resolveQueue,
  SHARD_JOB,
} from './jobs.js';

/** Options of {@link createRefreshWorker}. */
export interface RefreshWorkerOptions extends RefreshQueueOptions {
  /** The radar whose Talent Radar runs the jobs: the same sources, configuration and stores (PostgreSQL) as the coordinator's. */
  readonly radar: SceneRadar;
  /** Jobs this worker runs at once. @default 1 */
  readonly concurrency?: number;
  /**
   * How long a job's lock lasts, ms; the worker renews it at half that while the job runs. A
   * worker that dies holds its jobs this long before another may take them.
   * @default 30000 (BullMQ's)
   */
  readonly lockDuration?: number;
  /** How often this worker looks for stalled jobs (locks that expired), ms. @default 30000 (BullMQ's) */
  readonly stalledInterval?: number;
  /** Times a job may stall (its worker died) and still be retried; once more, it fails. @default 2 */
  readonly maxStalledCount?: number;
  /** Receives the worker's errors (a lost Redis connection, a failed job): BullMQ emits them as events. @default ignore */
  readonly onError?: (error: Error) => void;
}

/** A running worker of sharded refreshes. */
export interface RefreshWorker {
  /** The BullMQ worker (its events: `active`, `completed`, `failed`, `stalled`...). */
  readonly worker: Worker;
  /** Stops taking jobs, waits for those running, and closes its Redis connections. */
  close(): Promise<void>;
}

/** How often a shard run again while its refresh's finish runs checks whether the finish is over, ms. */
const FINISH_POLL_MS = 250;

/** The issues of a validation error (its `details`), as text for a job's failure reason. */
function issues(details: unknown): string {
  if (!Array.isArray(details) || details.length === 0) return '';
  const list = details
    .slice(0, 5)
    .map(
      (i: { path?: unknown; message?: unknown }) =>
        `${Array.isArray(i?.path) ? i.path.join('.') || '(root)' : '?'}: ${String(i?.message)}`,
    );
  return ` (${list.join('; ')}${details.length > 5 ? '; ...' : ''})`;
}

/**
 * Starts a worker of sharded refreshes on this instance (see {@link createShardedRefresh}).
 * `CONFIG_INVALID` for bad options. A job refused with a 4xx code (a shard or finish whose data is
 * malformed, from another producer or version; a finish refused) fails at once, without retries,
 * its reason `CODE: message (issues)`.
 * @example
 * ```ts
 * const stores = createPostgresStores({ connectionString: process.env.DATABASE_URL! });
 * const radar = createSceneRadar({ sources, stores });
 * const worker = createRefreshWorker({ radar, connection: { host: '127.0.0.1', port: 6379 }, concurrency: 2 });
 * process.on('SIGTERM', () => void worker.close());
 * ```
 */
export function createRefreshWorker(options: RefreshWorkerOptions): RefreshWorker {
  const queue = resolveQueue(options, 'createRefreshWorker');
  const radar = options.radar;
  if (typeof radar?.talent?.refreshShard !== 'function')
    throw new SceneRadarError('CONFIG_INVALID', 'createRefreshWorker: radar must be a radar from createSceneRadar');
  const concurrency = intOption(options.concurrency, 1, 1, 1000, 'createRefreshWorker: concurrency');
  const lockDuration = intOption(options.lockDuration, 30_000, 100, 3_600_000, 'createRefreshWorker: lockDuration');
  const stalledInterval = intOption(
    options.stalledInterval,
    30_000,
    100,
    3_600_000,
    'createRefreshWorker: stalledInterval',
  );
  const maxStalledCount = intOption(options.maxStalledCount, 2, 0, 100, 'createRefreshWorker: maxStalledCount');
  // Checked before the BullMQ worker exists: a throw after would leave its connections open.
  if (options.onError !== undefined && typeof options.onError !== 'function')
    throw new SceneRadarError('CONFIG_INVALID', 'createRefreshWorker: onError must be a function');
  const onError = options.onError ?? (() => undefined);

  // The scene pulses of the refreshes this worker takes part in, by parent job: read once per
  // refresh (the last few kept), not once per shard.
  const pulses = new Map<string, Promise<string | null>>();
  const scenePulsesOf = (job: Job): Promise<string | null> => {
    const parent = job.parent?.id;
    if (!parent) return Promise.resolve(null);
    let got = pulses.get(parent);
    if (!got) {
      got = Job.fromId<FinishJobData>(worker, parent).then(
        (p) => p?.data?.scenePulses ?? null,
        // Unread, the shard reads the pulses from its own Scenes Engine, as it would without them.
        () => null,
      );
      pulses.set(parent, got);
      if (pulses.size > 4) pulses.delete(pulses.keys().next().value!);
    }
    return got;
  };

  /**
   * Whether the refresh of a shard job is over: its finishing job completed or failed, or is gone
   * (removed by a coordinator that gave up). A shard run then (a manual retry, a worker that stalled
   * and came back after another finished its shard) would stage a row no finish will ever read or
   * delete. Unknown (Redis did not answer) counts as not over: the shard runs as usual.
   */
  const refreshOver = async (job: Job): Promise<boolean> => {
    const parentId = job.parent?.id;
    if (!parentId) return false;
    try {
      const parent = await Job.fromId(worker, parentId);
      if (!parent) return true;
      const state = await parent.getState();
      return state === 'completed' || state === 'failed';
    } catch {
      return false;
    }
  };

  /**
   * Discards the staged shards and the plan record of a refresh whose job failed for good (out of
   * attempts, refused, stalled too often): the refresh can never finish. The coordinator does the
   * same when it sees the failure, but it may have died after adding the flow; without this, its
   * rows would stay in `talent_radar_refresh_shards` for good. A retried attempt (the job waits
   * again) discards nothing. Never rejects: a store or Redis that does not answer leaves the rows
   * to the coordinator, as before.
   */
  const discardIfOver = async (job: Job): Promise<void> => {
    try {
      if (job.name !== SHARD_JOB && job.name !== FINISH_JOB) return;
      const refreshId = (job.data as { refreshId?: unknown } | null)?.refreshId;
      if (typeof refreshId !== 'string') return;
      if ((await job.getState()) !== 'failed') return;
      await radar.talent.discardRefresh(refreshId);
    } catch {
      // Closed, or the stores did not answer: the coordinator, if alive, discards.
    }
  };

  const processor = async (job: Job): Promise<unknown> => {
    try {
      return await run(job);
    } catch (error) {
      // A refusal (a 4xx code: a malformed job, a refresh older than the last one) is the same on
      // every attempt: not retried, and its code travels to the coordinator in the reason.
      if (isSceneRadarError(error) && error.httpStatus < 500)
        throw new UnrecoverableError(`${error.code}: ${error.message}${issues(error.details)}`);
      throw error;
    }
  };

  /**
   * Resolves once the finish of a shard job's refresh is not running (it committed, failed, went
   * back to wait, or this worker is closing; also when Redis does not answer). A row staged while
   * the finish ran may have come after it read and deleted the staged rows, and its job is still
   * `active` between its commit and BullMQ marking it completed: only afterwards does
   * {@link refreshOver} tell.
   */
  const finishSettled = async (job: Job): Promise<void> => {
    const parentId = job.parent?.id;
    if (!parentId) return;
    for (;;) {
      try {
        // Still a live job of its parent (a manual retry, say), the finish waits on it: not on the finish.
        if ((await job.getState()) === 'active') return;
        const parent = await Job.fromId(worker, parentId);
        if (!parent || (await parent.getState()) !== 'active' || worker.closing) return;
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, FINISH_POLL_MS));
    }
  };

  const run = async (job: Job): Promise<unknown> => {
    if (job.name === SHARD_JOB) {
      // Checked first: a job of another producer (another version, a hand-added one) fails with
      // what is wrong with it, not with a TypeError from deep inside.
      const shard = checkShard(job.data);
      const skipped = { refreshId: shard.refreshId, index: shard.index, artists: 0, skipped: 'the refresh is over' };
      if (await refreshOver(job)) return skipped;
      const [scenePulses] = await Promise.all([
        scenePulsesOf(job),
        job.updateProgress({ state: 'started', index: shard.index, artists: shard.artists?.length ?? 0 }),
      ]);
      let report: Awaited<ReturnType<typeof radar.talent.refreshShard>>;
      try {
        report = await radar.talent.refreshShard(shard, { scenePulses });
      } catch (error) {
        // Refused for want of its plan while the finish ran: the finish committed (and removed the
        // plan) before BullMQ marked it completed. The refresh is over; nothing to stage or fail.
        if (isSceneRadarError(error) && error.code === 'TALENT_INVALID_PARAMS') {
          await finishSettled(job);
          if (await refreshOver(job)) return skipped;
        }
        throw error;
      }
      // The refresh ended while this shard ran (it stalled, and another worker ran it): the row
      // just staged belongs to no refresh any more (the finish deleted the others in its commit).
      await finishSettled(job);
      if (await refreshOver(job)) await radar.talent.discardRefresh(shard.refreshId).catch(() => undefined);
      return report;
    }
    if (job.name === FINISH_JOB) {
      const data = job.data as Partial<FinishJobData> | null;
      return await radar.talent.finishRefresh(data as FinishJobData, { scenePulses: data?.scenePulses ?? null });
    }
    // Not ours: retrying cannot help.
    throw new UnrecoverableError(`scene-radar refresh worker: unknown job name ${JSON.stringify(job.name)}`);
  };

  const worker = new Worker(queue.queueName, processor, {
    connection: queue.connection,
    prefix: queue.prefix,
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount,
  });
  // An EventEmitter without an `error` listener throws: a dropped connection must not end the host.
  worker.on('error', onError);
  worker.on('failed', (job, error) => {
    onError(error);
    if (job) void discardIfOver(job);
  });
  return {
    worker,
    close: () => worker.close(),
  };
}

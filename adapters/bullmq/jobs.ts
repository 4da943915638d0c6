/**
 * @module adapters/bullmq/jobs
 * The queue a sharded refresh runs on: its name and Redis connection, the job names and ids, and
 * what each job carries. Shared by the coordinator ({@link createShardedRefresh}) and the workers
 * ({@link createRefreshWorker}), which must agree on all of it.
 */
import type { ConnectionOptions } from 'bullmq';
import { SceneRadarError } from '../../src/core/errors.js';
import type { TalentRefreshFinish } from '../../src/talent/refresh-shards.js';

/** Where the refresh jobs live: a BullMQ queue on a Redis server. */
export interface RefreshQueueOptions {
  /**
   * The Redis connection, as BullMQ takes it: options (`{ host, port }`) or an ioredis instance.
   * An instance must be created with `maxRetriesPerRequest: null` and no `keyPrefix` (the worker
   * and the coordinator's completion events block on it; `prefix` below names the keys): one
   * without is `CONFIG_INVALID` before any connection is opened. Given options, BullMQ builds its
   * connections so.
   */
  readonly connection: ConnectionOptions;
  /** The queue's name: letters, digits, `-` and `_` (no `:`, Redis keys use it). @default 'scene-radar-refresh' */
  readonly queueName?: string;
  /** Prefix of the queue's Redis keys. @default 'bull' (BullMQ's) */
  readonly prefix?: string;
}

/** The queue's name when none is given. */
export const DEFAULT_QUEUE_NAME = 'scene-radar-refresh';
/** Name of a job that stages one shard's features. */
export const SHARD_JOB = 'talent-shard';
/** Name of the job that finishes a refresh once its shards are staged (the flow's parent). */
export const FINISH_JOB = 'talent-finish';

/**
 * What the finishing job (the flow's parent) carries: the finish, and the scene pulses of the
 * plan, which the shard jobs read from their parent (one copy per refresh, not one per shard).
 */
export interface FinishJobData extends TalentRefreshFinish {
  /** The plan's scene pulses (`TalentRefreshPlan.scenePulses`). */
  readonly scenePulses: string | null;
}

/** Job id of shard `index` of a refresh (BullMQ job ids take no `:`). */
export const shardJobId = (refreshId: string, index: number): string => `${refreshId}-shard-${index}`;
/** Job id of a refresh's finishing job. */
export const finishJobId = (refreshId: string): string => `${refreshId}-finish`;

const NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** The queue options resolved, or `CONFIG_INVALID` naming the bad one. */
export function resolveQueue(options: RefreshQueueOptions | undefined, who: string): Required<RefreshQueueOptions> {
  if (typeof options !== 'object' || options === null)
    throw new SceneRadarError('CONFIG_INVALID', `${who}: options are required ({ connection, ... })`);
  if (typeof options.connection !== 'object' || options.connection === null)
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `${who}: connection must be Redis connection options or an ioredis instance`,
    );
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  if (typeof queueName !== 'string' || !NAME.test(queueName))
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `${who}: queueName must be 1-128 letters, digits, "-" or "_", got ${JSON.stringify(queueName)}`,
    );
  const prefix = options.prefix ?? 'bull';
  if (typeof prefix !== 'string' || !NAME.test(prefix))
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `${who}: prefix must be 1-128 letters, digits, "-" or "_", got ${JSON.stringify(prefix)}`,
    );
  // BullMQ refuses such an instance only after it has opened a duplicate connection of it (left
  // open) and with an error of its own: refused here, before anything is opened.
  const instance = options.connection as {
    connect?: unknown;
    disconnect?: unknown;
    duplicate?: unknown;
    isCluster?: boolean;
    options?: {
      keyPrefix?: unknown;
      maxRetriesPerRequest?: unknown;
      redisOptions?: { maxRetriesPerRequest?: unknown };
    };
  };
  if (['connect', 'disconnect', 'duplicate'].every((m) => typeof instance[m as 'connect'] === 'function')) {
    const own = instance.options;
    const retries = instance.isCluster === true ? own?.redisOptions?.maxRetriesPerRequest : own?.maxRetriesPerRequest;
    if (own?.keyPrefix)
      throw new SceneRadarError(
        'CONFIG_INVALID',
        `${who}: the ioredis instance has a keyPrefix, which BullMQ does not take: create it without one and give the prefix option instead`,
      );
    if (retries)
      throw new SceneRadarError(
        'CONFIG_INVALID',
        `${who}: the ioredis instance must be created with maxRetriesPerRequest: null (BullMQ blocks on it), got ${String(retries)}`,
      );
  }
  return { connection: options.connection, queueName, prefix };
}

/** A whole number in `[min, max]`, or its default; `CONFIG_INVALID` otherwise. */
export function intOption(value: unknown, fallback: number, min: number, max: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `${what} must be an integer from ${min} to ${max}, got ${String(value)}`,
    );
  return value;
}

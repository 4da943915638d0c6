/**
 * @module scene-radar/adapters/bullmq
 * A refresh sharded over a job queue, for a radar of many artists on several instances: a
 * coordinator (`createShardedRefresh`) splits the Talent Radar's universe into shards of artists
 * and adds them to a BullMQ queue on Redis as one flow; workers (`createRefreshWorker`, on any
 * instance) gather and stage each shard's features in PostgreSQL; the population-wide phases
 * (peer statistics, scores, roll-ups, top lists) run once, after every shard has landed, and write
 * exactly what a single-process `radar.refresh()` writes. A worker killed mid-shard loses its lock
 * and BullMQ's stalled-job check gives the shard to another. `bullmq` is an optional peer
 * dependency: install it to use this entry (`npm install bullmq`).
 * @example
 * ```ts
 * import { createSceneRadar } from 'scene-radar';
 * import { createPostgresStores } from 'scene-radar/adapters/postgres';
 * import { createRefreshWorker, createShardedRefresh } from 'scene-radar/adapters/bullmq';
 *
 * const radar = createSceneRadar({ sources, stores: createPostgresStores({ connectionString }, { migrate: true }) });
 * const connection = { host: '127.0.0.1', port: 6379 };
 * const worker = createRefreshWorker({ radar, connection });
 * const report = await createShardedRefresh({ radar, connection }).refresh();
 * ```
 */
export {
  createShardedRefresh,
  type ShardedRefresh,
  type ShardedRefreshOptions,
  type ShardedRefreshReport,
  type ShardedRefreshRunOptions,
  type ShardProgress,
} from './sharded-refresh.js';
export { createRefreshWorker, type RefreshWorker, type RefreshWorkerOptions } from './worker.js';
export { DEFAULT_QUEUE_NAME, FINISH_JOB, SHARD_JOB, type RefreshQueueOptions } from './jobs.js';
// The Talent Radar's sharded-refresh steps (`planRefresh`, `refreshShard`, `finishRefresh`) take
// and return these: exported here, beside the queue that runs them, not at the root.
export type {
  TalentRefreshFinish,
  TalentRefreshPlan,
  TalentRefreshShard,
  TalentShardReport,
} from '../../src/talent/refresh-shards.js';

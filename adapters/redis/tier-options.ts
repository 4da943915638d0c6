/**
 * @module adapters/redis/tier-options
 * The Redis cache tier's options, events, public interface and counters, and how its options are
 * checked (`CONFIG_INVALID` with the option's name) and resolved to their defaults.
 */
import type { Clock } from '../../src/core/clock.js';
import { systemClock } from '../../src/core/clock.js';
import type { CacheStore, CacheStoreHealth } from '../../src/core/cache/cache-store.js';
import { SceneRadarError } from '../../src/core/errors.js';
import { hasLoneSurrogate } from '../../src/core/text.js';
import type { CodecRefusal } from './codec.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, positiveMs, type RedisConnectionOption } from './connection.js';
import type { RedisLockOptions } from './lock.js';

/** Something the tier reports to the host (for logs; counters are in `health()`). */
export type RedisCacheTierEvent =
  | {
      /** An entry stayed in this instance's L1 only: too large, not JSON, or with a forbidden key. */
      readonly type: 'not_shared';
      /** The store key. */
      readonly key: string;
      /** Why. */
      readonly reason: CodecRefusal;
    }
  | {
      /** An entry read from Redis was refused (hostile, foreign or corrupt) and treated as a miss. */
      readonly type: 'refused';
      /** The store key. */
      readonly key: string;
      /** Why. */
      readonly reason: CodecRefusal;
    }
  | {
      /** The tier's state changed (`degraded` when Redis cannot be reached, `ok` when it is back). */
      readonly type: 'state';
      /** The new state. */
      readonly state: CacheStoreHealth['state'];
      /** Why, when degraded. */
      readonly reason?: string;
    };

/** Options of {@link createRedisCacheTier}. */
export interface RedisCacheTierOptions {
  /** The Redis to share: an ioredis client the host owns (never closed by the tier), a `redis://` URL or ioredis options. */
  readonly redis: RedisConnectionOption;
  /** Prefix of every Redis key and of the bus channel: instances sharing a cache use the same one. @default 'scene-radar:' */
  readonly keyPrefix?: string;
  /** Entries held in each instance's L1 (least recently used go first). @default 10000 */
  readonly maxEntries?: number;
  /**
   * Largest entry written to Redis, in UTF-8 bytes of its JSON; a larger one stays in this
   * instance's L1 only (counted `notShared`, reported as a `not_shared` event). @default 1048576 (1 MiB)
   */
  readonly maxValueBytes?: number;
  /** Longest wait for one Redis command, ms (also the ioredis `commandTimeout` of a client the tier opens). @default 500 */
  readonly commandTimeoutMs?: number;
  /** After a failed command, how long Redis is left alone before one call probes it again, ms. @default 1000 */
  readonly retryAfterMs?: number;
  /** The lock's lease, wait timeout and poll interval. */
  readonly lock?: RedisLockOptions;
  /** Clock of the freshness checks: the radar's clock. @default the system clock */
  readonly clock?: Clock;
  /** Receives the tier's events (a hook that throws or rejects is ignored). */
  readonly onEvent?: (event: RedisCacheTierEvent) => void;
}

/** The tier: a `CacheStore` to pass as `createSceneRadar({ cache: { store } })`, plus its own controls. */
export interface RedisCacheTier extends CacheStore<unknown> {
  /** This instance's id on the bus (random per tier). */
  readonly instanceId: string;
  /**
   * `'redis'`: the name the health route lists the tier under when it is given as a reporter
   * (`health: { caches: [tier] }`). A host with two tiers wraps one: `{ name: 'redis-eu', health: () => tier.health() }`.
   */
  readonly name: 'redis';
  /** The tier's state and counters (no I/O): what a health route shows. */
  health(): CacheStoreHealth;
  /** Resolves once Redis answers (both connections), or rejects with `STORE_UNAVAILABLE` after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<void>;
  /** Unsubscribes and closes the connections the tier opened (a host's client stays open). */
  close(): Promise<void>;
}

/** The tier's counters, by name (in `health().counters`). */
export const COUNTERS = [
  'l1Hits',
  'l2Hits',
  'l2Misses',
  'l2Errors',
  'l2Writes',
  'notShared',
  'refused',
  'invalidationsSent',
  'invalidationsReceived',
  'invalidationsReplayed',
  'recoveries',
  'locksAcquired',
  'lockWaits',
  'lockTimeouts',
  'lockless',
] as const;
/** A counter's name. */
export type Counter = (typeof COUNTERS)[number];

/** The options with their defaults, checked. */
export interface ResolvedTierOptions {
  readonly prefix: string;
  readonly maxValueBytes: number;
  readonly maxEntries: number;
  readonly commandTimeoutMs: number;
  readonly retryAfterMs: number;
  readonly leaseMs: number;
  readonly waitTimeoutMs: number;
  readonly pollMs: number;
  readonly clock: Clock;
}

/** Checks `options` (`CONFIG_INVALID` naming the option) and fills in the defaults. */
export function resolveTierOptions(options: RedisCacheTierOptions): ResolvedTierOptions {
  if (typeof options !== 'object' || options === null || options.redis === undefined)
    throw new SceneRadarError(
      'CONFIG_INVALID',
      'createRedisCacheTier needs { redis }: an ioredis client or a redis:// URL',
    );
  const prefix = options.keyPrefix ?? 'scene-radar:';
  if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > 200)
    throw new SceneRadarError('CONFIG_INVALID', 'keyPrefix must be a string of 1 to 200 characters');
  // Redis stores a lone surrogate as U+FFFD: two such prefixes would name the same keys.
  if (hasLoneSurrogate(prefix))
    throw new SceneRadarError(
      'CONFIG_INVALID',
      'keyPrefix must not hold a lone surrogate (Redis would store it as U+FFFD)',
    );
  const maxValueBytes = options.maxValueBytes ?? 1024 * 1024;
  if (!Number.isInteger(maxValueBytes) || maxValueBytes < 64)
    throw new SceneRadarError('CONFIG_INVALID', `maxValueBytes must be an integer >= 64, got ${String(maxValueBytes)}`);
  const maxEntries = options.maxEntries ?? 10_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new SceneRadarError('CONFIG_INVALID', `maxEntries must be an integer >= 1, got ${String(maxEntries)}`);
  const commandTimeoutMs = positiveMs(options.commandTimeoutMs, DEFAULT_COMMAND_TIMEOUT_MS, 'commandTimeoutMs');
  const retryAfterMs = positiveMs(options.retryAfterMs, 1000, 'retryAfterMs');
  const leaseMs = positiveMs(options.lock?.leaseMs, 10_000, 'lock.leaseMs');
  // SET ... PX takes a whole number of ms.
  if (!Number.isInteger(leaseMs))
    throw new SceneRadarError('CONFIG_INVALID', `lock.leaseMs must be a whole number of ms, got ${String(leaseMs)}`);
  const waitTimeoutMs = positiveMs(options.lock?.waitTimeoutMs, 30_000, 'lock.waitTimeoutMs');
  const pollMs = positiveMs(options.lock?.pollMs, 50, 'lock.pollMs');
  const clock = options.clock ?? systemClock;
  return { prefix, maxValueBytes, maxEntries, commandTimeoutMs, retryAfterMs, leaseMs, waitTimeoutMs, pollMs, clock };
}

/**
 * @module adapters/redis/rate-limiter
 * A rate limiter shared by every instance, for the HTTP kit: rate-limiter-flexible's
 * `RateLimiterRedis` (an atomic Lua increment per key and window) behind the kit's `RateLimiter`
 * interface, so the 429 answer, `Retry-After` and `RateLimit-*` headers are the in-memory
 * limiter's. When Redis cannot answer (down, or slower than the command timeout), the decision is
 * documented and chosen by the host: an in-memory limiter per instance (the default), allow, or deny.
 */
import type { Redis } from 'ioredis';
import type { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitDecision, RateLimiter } from '../../src/api/index.js';
import { SceneRadarError } from '../../src/core/errors.js';
import { hasLoneSurrogate } from '../../src/core/text.js';
import { MAX_TIMER_MS } from '../../src/core/timeout.js';
import {
  closeClient,
  DEFAULT_COMMAND_TIMEOUT_MS,
  openClient,
  positiveMs,
  withTimeout,
  type RedisConnectionOption,
} from './connection.js';

/**
 * What the limiter decides while Redis cannot answer: `memory` counts in this instance alone
 * (`insuranceLimit` per window; with K instances up to K times that gets through), `allow` lets
 * every request through, `deny` refuses every one (429).
 */
export type RedisDownPolicy = 'memory' | 'allow' | 'deny';

/** Options of {@link createRedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /** The Redis to count in: an ioredis client the host owns (never closed here), a `redis://` URL or ioredis options. */
  readonly redis: RedisConnectionOption;
  /** Requests per window and key, over every instance. @default 120 */
  readonly limit?: number;
  /** Window length in ms: a whole number of seconds (Redis expires the counters by the second). @default 60000 */
  readonly windowMs?: number;
  /** Prefix of the counters' Redis keys. @default 'scene-radar:rl' */
  readonly keyPrefix?: string;
  /** The decision while Redis cannot answer. @default 'memory' */
  readonly whenRedisDown?: RedisDownPolicy;
  /** Requests per window and key each instance allows on its own under the `memory` policy. @default limit */
  readonly insuranceLimit?: number;
  /** Longest wait for Redis per decision before the `whenRedisDown` decision is taken, ms. @default 500 */
  readonly commandTimeoutMs?: number;
}

/** The shared limiter: the kit's `RateLimiter`, with its counters and `close()`. */
export interface RedisRateLimiter extends RateLimiter {
  /** Counts one request of `key` in Redis (or as `whenRedisDown` says) and says whether it may go ahead. */
  consume(key: string): Promise<RateLimitDecision>;
  /** Decisions taken without Redis (`insured`) and in all; the state of the connection. */
  health(): {
    /** `ok` while Redis answers, `degraded` while decisions fall back (`whenRedisDown`). */
    readonly state: 'ok' | 'degraded';
    /** Decisions made since the limiter was created. */
    readonly decisions: number;
    /** Of those, decisions made without Redis. */
    readonly insured: number;
  };
  /** Closes the connection the limiter opened (a host's client stays open). */
  close(): Promise<void>;
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1)
    throw new SceneRadarError('CONFIG_INVALID', `${name} must be a positive integer, got ${String(value)}`);
  return v;
}

/** Resolves when `client` is ready or after `ms`, whichever comes first. */
function waitReady(client: Redis, ms: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref?.();
    client.once('ready', done);
  });
}

function isLimiterRes(value: unknown): value is RateLimiterRes {
  return typeof value === 'object' && value !== null && typeof (value as RateLimiterRes).msBeforeNext === 'number';
}

/**
 * Creates the shared limiter (async: it loads `rate-limiter-flexible`, an optional peer dependency).
 * @example
 * ```ts
 * import { createFetchHandler } from 'scene-radar/api';
 * import { createRedisRateLimiter } from 'scene-radar/adapters/redis';
 *
 * const limiter = await createRedisRateLimiter({ redis: process.env.REDIS_URL!, limit: 60 });
 * const handler = createFetchHandler(radar, { rateLimit: { limiter } });
 * ```
 */
export async function createRedisRateLimiter(options: RedisRateLimiterOptions): Promise<RedisRateLimiter> {
  if (typeof options !== 'object' || options === null || options.redis === undefined)
    throw new SceneRadarError(
      'CONFIG_INVALID',
      'createRedisRateLimiter needs { redis }: an ioredis client or a redis:// URL',
    );
  const limit = positiveInt(options.limit, 120, 'limit');
  const windowMs = positiveInt(options.windowMs, 60_000, 'windowMs');
  if (windowMs % 1000 !== 0)
    throw new SceneRadarError('CONFIG_INVALID', `windowMs must be a whole number of seconds, got ${windowMs}`);
  // The in-memory fallback counts the window with a timer, which Node cuts to 1 ms past this.
  if (windowMs > MAX_TIMER_MS)
    throw new SceneRadarError('CONFIG_INVALID', `windowMs must be at most ${MAX_TIMER_MS} ms, got ${windowMs}`);
  const insuranceLimit = positiveInt(options.insuranceLimit, limit, 'insuranceLimit');
  const policy = options.whenRedisDown ?? 'memory';
  if (policy !== 'memory' && policy !== 'allow' && policy !== 'deny')
    throw new SceneRadarError('CONFIG_INVALID', `whenRedisDown must be memory, allow or deny, got ${String(policy)}`);
  const keyPrefix = options.keyPrefix ?? 'scene-radar:rl';
  if (typeof keyPrefix !== 'string' || keyPrefix.length === 0 || keyPrefix.length > 200)
    throw new SceneRadarError('CONFIG_INVALID', 'keyPrefix must be a string of 1 to 200 characters');
  if (hasLoneSurrogate(keyPrefix))
    throw new SceneRadarError(
      'CONFIG_INVALID',
      'keyPrefix must not hold a lone surrogate (Redis would store it as U+FFFD)',
    );
  const commandTimeoutMs = positiveMs(options.commandTimeoutMs, DEFAULT_COMMAND_TIMEOUT_MS, 'commandTimeoutMs');

  let mod: typeof import('rate-limiter-flexible');
  try {
    const loaded = (await import('rate-limiter-flexible')) as typeof import('rate-limiter-flexible') & {
      default?: typeof import('rate-limiter-flexible');
    };
    mod = loaded.RateLimiterRedis ? loaded : loaded.default!;
  } catch (cause) {
    throw new SceneRadarError(
      'CONFIG_INVALID',
      "the Redis rate limiter needs the 'rate-limiter-flexible' package: npm install rate-limiter-flexible ioredis (optional peer dependencies of scene-radar)",
      { cause },
    );
  }
  const { client, owned }: { client: Redis; owned: boolean } = openClient(options.redis, { commandTimeoutMs });
  client.on('error', () => undefined);
  // Give a new connection a moment, so the first requests are counted in Redis; a Redis that is
  // down at start costs this wait once, then the `whenRedisDown` decision applies until it answers.
  await waitReady(client, Math.max(1000, commandTimeoutMs));
  const duration = windowMs / 1000;
  const shared: RateLimiterRedis = new mod.RateLimiterRedis({
    storeClient: client,
    keyPrefix,
    points: limit,
    duration,
    // Not connected: fail at once (then the policy decides), never queue the request.
    rejectIfRedisNotReady: true,
  });
  const insurance: RateLimiterMemory = new mod.RateLimiterMemory({ keyPrefix, points: insuranceLimit, duration });
  let decisions = 0;
  let insured = 0;
  /** The last decision fell back (Redis failed or did not answer in time); cleared by its next answer. */
  let failing = false;

  const decide = (res: RateLimiterRes, allowed: boolean, of: number): RateLimitDecision => ({
    allowed,
    limit: of,
    remaining: allowed ? Math.max(0, res.remainingPoints) : 0,
    resetMs: Math.max(0, res.msBeforeNext),
  });

  async function withoutRedis(key: string): Promise<RateLimitDecision> {
    insured++;
    if (policy === 'allow') return { allowed: true, limit, remaining: limit, resetMs: windowMs };
    if (policy === 'deny') return { allowed: false, limit, remaining: 0, resetMs: 1000 };
    try {
      return decide(await insurance.consume(key, 1), true, insuranceLimit);
    } catch (refused) {
      if (isLimiterRes(refused)) return decide(refused, false, insuranceLimit);
      return { allowed: true, limit, remaining: limit, resetMs: windowMs };
    }
  }

  return {
    async consume(key) {
      decisions++;
      try {
        const allowed = decide(await withTimeout(shared.consume(redisKey(key), 1), commandTimeoutMs), true, limit);
        failing = false;
        return allowed;
      } catch (refused) {
        if (isLimiterRes(refused)) {
          failing = false;
          return decide(refused, false, limit);
        }
        failing = true;
        return withoutRedis(key);
      }
    },
    health: () => ({ state: client.status === 'ready' && !failing ? 'ok' : 'degraded', decisions, insured }),
    async close() {
      if (owned) await closeClient(client, commandTimeoutMs);
    },
  };
}

/**
 * A client key as its Redis key, one to one: Redis stores a lone surrogate as U+FFFD, so keys that
 * differ only there would share a count. A key with a backslash or a lone surrogate has both
 * escaped (`\\`, `\ud800`); any other key is itself (it has no backslash, so no escaped key is it).
 */
function redisKey(key: string): string {
  if (!key.includes('\\') && !hasLoneSurrogate(key)) return key;
  return key.replace(LONE_SURROGATE_OR_BACKSLASH, (c) => (c === '\\' ? '\\\\' : `\\u${c.charCodeAt(0).toString(16)}`));
}

const LONE_SURROGATE_OR_BACKSLASH = /\\|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

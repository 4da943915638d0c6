/**
 * @module adapters/redis/connection
 * The Redis connections of the adapter and how their failures stay bounded: a client of its own
 * (offline queue off, command timeout, capped reconnect backoff) or the host's, every command raced
 * against a timeout, and a short circuit breaker, so a Redis that is down or hung costs a caller at
 * most one command timeout, then nothing until a probe succeeds. Nothing here throws to a caller
 * of the cache: commands report failure and the tier falls back to its memory.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { SceneRadarError } from '../../src/core/errors.js';
import { MAX_TIMER_MS, settleWithin } from '../../src/core/timeout.js';

/** Where the adapter's Redis is: an ioredis client the host owns, a `redis://` URL, or ioredis options. */
export type RedisConnectionOption = Redis | string | RedisOptions;

/** Defaults of a client the adapter opens itself (a host's client keeps its own settings). */
export interface RedisClientSettings {
  /** Longest wait for one command before it counts as failed. @default 500 */
  readonly commandTimeoutMs?: number;
  /** Longest wait to connect. @default 2000 */
  readonly connectTimeoutMs?: number;
}

/** The adapter's default command timeout, ms. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 500;

function positive(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > MAX_TIMER_MS)
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `${name} must be a positive number of ms up to ${MAX_TIMER_MS} (a timer's range), got ${String(value)}`,
    );
  return v;
}

/** Checks a positive duration option (ms), with `CONFIG_INVALID` when it is not one. */
export const positiveMs = positive;

function isRedisClient(value: unknown): value is Redis {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Redis).duplicate === 'function' &&
    typeof (value as Redis).status === 'string'
  );
}

/**
 * A client for `option`, and whether the adapter owns it (and so quits it on close). A client the
 * adapter opens has the offline queue off (a command while disconnected fails at once instead of
 * waiting), a command timeout, one retry per command and a reconnect backoff capped at 2 s.
 */
export function openClient(
  option: RedisConnectionOption,
  settings: RedisClientSettings = {},
): { readonly client: Redis; readonly owned: boolean } {
  // The host's client is the host's to connect: one made with lazyConnect is used once the host
  // connects it (connecting it here would make the host's own connect() reject).
  if (isRedisClient(option)) return { client: option, owned: false };
  const commandTimeout = positive(settings.commandTimeoutMs, DEFAULT_COMMAND_TIMEOUT_MS, 'commandTimeoutMs');
  const connectTimeout = positive(settings.connectTimeoutMs, 2000, 'connectTimeoutMs');
  const base: RedisOptions = {
    enableOfflineQueue: false,
    commandTimeout,
    connectTimeout,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
  };
  if (typeof option === 'string') {
    if (!/^rediss?:\/\//.test(option))
      throw new SceneRadarError('CONFIG_INVALID', 'the Redis URL must start with redis:// or rediss://');
    try {
      return { client: new Redis(option, base), owned: true };
    } catch (cause) {
      // A URL Node cannot parse (a '#' in the password, a port past 65535): named without the
      // URL, which may hold a password (the raw error carries it whole in `input`).
      // A bare '%' in the password: Node parses the URL, ioredis's decodeURIComponent throws a URIError.
      if ((cause as { code?: unknown } | null)?.code === 'ERR_INVALID_URL' || cause instanceof URIError)
        throw new SceneRadarError(
          'CONFIG_INVALID',
          'the Redis URL cannot be parsed (an invalid URL: check its host, port and the escaping of its password)',
        );
      throw cause;
    }
  }
  if (typeof option !== 'object' || option === null)
    throw new SceneRadarError('CONFIG_INVALID', 'redis must be an ioredis client, a redis:// URL or ioredis options');
  const client = new Redis({ ...base, ...option });
  // Options with lazyConnect would leave the adapter's own client waiting for a first command.
  if (client.status === 'wait') client.connect().catch(() => undefined);
  return { client, owned: true };
}

/**
 * Why a Redis command or connection failed, as a short reason for health reports: a Node error
 * code or a fixed phrase, never the server's address or a credential.
 */
export function failureReason(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    if (typeof message === 'string') {
      if (/timed? ?out/i.test(message)) return 'command timeout';
      if (/enableOfflineQueue|Stream isn't writeable|Connection is closed|not connected/i.test(message))
        return 'not connected';
      if (/max retries|MaxRetriesPerRequest/i.test(message)) return 'not connected';
      if (/NOAUTH|WRONGPASS/i.test(message)) return 'authentication failed';
    }
  }
  return 'redis error';
}

/** Races `promise` against a timer of `ms`; the timer never keeps the process alive. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return settleWithin(promise, ms, () => new Error('redis command timed out'));
}

/**
 * Closes a client: `QUIT` when connected (bounded), a hard disconnect otherwise or when `QUIT`
 * does not answer in time.
 */
export async function closeClient(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') {
    try {
      await withTimeout(client.quit(), timeoutMs);
      return;
    } catch {
      // Not answered in time: cut it.
    }
  }
  client.disconnect();
}

/**
 * @module api/rate-limit
 * A pluggable rate limiter for the fetch handler, and an in-memory default: a fixed window per
 * client key, with the keys held in a bounded LRU (so a flood of distinct keys cannot grow memory
 * without bound) and no timers. Hosts with many instances plug a shared one (Redis, a gateway).
 */
import { BoundedLru } from '../core/cache/bounded-lru.js';
import { systemClock, type Clock } from '../core/clock.js';

/** What a limiter decided for one request. */
export interface RateLimitDecision {
  /** True when the request may go ahead. */
  readonly allowed: boolean;
  /** Requests allowed per window. */
  readonly limit: number;
  /** Requests left in this window (0 when refused). */
  readonly remaining: number;
  /** Milliseconds until the window resets. */
  readonly resetMs: number;
}

/**
 * Throws when a limiter's answer is not a {@link RateLimitDecision} (a host limiter's bug): its
 * numbers go into headers, so `NaN` or `undefined` must never reach them.
 */
function checkDecision(d: RateLimitDecision): void {
  const count = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x >= 0;
  if (
    typeof d !== 'object' ||
    d === null ||
    typeof d.allowed !== 'boolean' ||
    !count(d.limit) ||
    !(typeof d.remaining === 'number' && Number.isFinite(d.remaining)) ||
    !count(d.resetMs)
  )
    throw new TypeError(
      'the rate limiter returned a malformed decision: expected { allowed: boolean, limit, remaining, resetMs: finite numbers }',
    );
}

/** A rate limiter: one call per request, keyed by client. */
export interface RateLimiter {
  /** Counts one request of `key` and says whether it may go ahead. */
  consume(key: string): RateLimitDecision | Promise<RateLimitDecision>;
}

/** Options of {@link createMemoryRateLimiter}. */
export interface MemoryRateLimiterOptions {
  /** Requests per window and key. @default 120 */
  readonly limit?: number;
  /** Window length in ms. @default 60000 */
  readonly windowMs?: number;
  /** Most keys tracked at once; the least recently seen are forgotten first. @default 10000 */
  readonly maxKeys?: number;
  /** The clock. @default the system clock */
  readonly clock?: Clock;
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  return v;
}

/**
 * An in-memory fixed-window limiter.
 * @example
 * ```ts
 * const handler = createFetchHandler(radar, { rateLimit: { limiter: createMemoryRateLimiter({ limit: 60 }) } });
 * ```
 */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions = {}): RateLimiter {
  const limit = positiveInt(options.limit, 120, 'limit');
  const windowMs = positiveInt(options.windowMs, 60_000, 'windowMs');
  const clock = options.clock ?? systemClock;
  // Never more than maxKeys (quick-lru, used before, kept two generations: up to twice the bound).
  const windows = new BoundedLru<string, { start: number; count: number }>({
    maxSize: positiveInt(options.maxKeys, 10_000, 'maxKeys'),
  });
  return {
    consume(key) {
      const now = clock.now();
      let w = windows.get(key);
      // A clock that stepped back (NTP, a VM resumed) starts a new window: never a wait longer than one.
      if (!w || now - w.start >= windowMs || now < w.start) {
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      const resetMs = Math.max(0, w.start + windowMs - now);
      if (w.count >= limit) return { allowed: false, limit, remaining: 0, resetMs };
      w.count++;
      return { allowed: true, limit, remaining: limit - w.count, resetMs };
    },
  };
}

/** The `RateLimit-*` headers of a decision, plus `Retry-After` when refused (seconds, rounded up). */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  checkDecision(decision);
  const reset = String(Math.ceil(decision.resetMs / 1000));
  const headers: Record<string, string> = {
    'ratelimit-limit': String(decision.limit),
    'ratelimit-remaining': String(Math.max(0, decision.remaining)),
    'ratelimit-reset': reset,
  };
  if (!decision.allowed) headers['retry-after'] = reset === '0' ? '1' : reset;
  return headers;
}

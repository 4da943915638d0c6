/**
 * @module adapters/redis/lock
 * One computation per key across instances: a lease in Redis (`SET lock token NX PX lease`),
 * renewed while the computation runs and released by token (a Lua compare-and-delete, so a holder
 * whose lease ran out never deletes the next holder's). The others wait for the entry the holder
 * stores (woken by the bus when it releases, polling meanwhile), take the lease over when it ends
 * without one (the holder crashed: `kill -9` stops its renewals), and compute themselves after
 * `waitTimeoutMs` (a holder that renews but never finishes). When Redis cannot be reached, each
 * instance computes alone (its own single-flight still holds).
 */
import { randomUUID } from 'node:crypto';
import type { CacheEntry, CoordinatedResult } from '../../src/core/cache/cache-store.js';

/** Deletes the lock only if it still holds this holder's token. */
export const RELEASE_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** Extends the lease only if the lock still holds this holder's token. */
export const RENEW_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/** Timings of the lock, in the `lock` option of `createRedisCacheTier`. */
export interface RedisLockOptions {
  /**
   * Lease of a computation's lock, ms: renewed every third of it while the computation runs, so
   * it bounds how long a crashed holder blocks the key, not how long a computation may take.
   * @default 10000
   */
  readonly leaseMs?: number;
  /**
   * Longest a caller waits for another instance's computation before computing itself, ms
   * (a holder that keeps its lease but never finishes). @default 30000
   */
  readonly waitTimeoutMs?: number;
  /** Interval at which a waiter looks for the value or a free lock (the bus usually wakes it sooner), ms. @default 50 */
  readonly pollMs?: number;
}

/** What the coordination needs from the tier. */
export interface LockDeps {
  readonly leaseMs: number;
  readonly waitTimeoutMs: number;
  readonly pollMs: number;
  /** The store key's lock key in Redis. */
  lockKey(key: string): string;
  /** Whether Redis may be asked now (connected, circuit closed). */
  available(): boolean;
  /** `SET lock token NX PX lease`: true if taken; throws when Redis fails. */
  tryAcquire(lockKey: string, token: string, leaseMs: number): Promise<boolean>;
  /** Runs a Lua script on the lock key; throws when Redis fails. */
  script(lua: string, lockKey: string, args: readonly string[]): Promise<unknown>;
  /** The entry stored for `key`, if fresh now (never throws). */
  readFresh<V>(key: string): Promise<CacheEntry<V> | undefined>;
  /** Tells the other instances the lock of `key` is released (never throws). */
  announceReleased(key: string): void;
  /** Resolves when `key`'s lock is announced released, or after `ms`. */
  waitReleased(key: string, ms: number): Promise<void>;
  /**
   * Elapsed wall time, ms (monotonic), for `waitTimeoutMs`: never the radar's clock, which a test
   * or a backtest fixes, and under which a wait would never end.
   */
  now(): number;
  /** Counts an outcome. */
  count(name: 'locksAcquired' | 'lockWaits' | 'lockTimeouts' | 'lockless'): void;
}

/** Runs `lead` as the holder of `key`'s lock: renewing the lease meanwhile, releasing it after. */
async function holdAndLead<V>(deps: LockDeps, key: string, lockKey: string, token: string, lead: () => Promise<V>) {
  const renew = setInterval(
    () => {
      deps.script(RENEW_SCRIPT, lockKey, [token, String(deps.leaseMs)]).catch(() => undefined);
    },
    Math.max(1, Math.floor(deps.leaseMs / 3)),
  );
  renew.unref?.();
  try {
    return await lead();
  } finally {
    clearInterval(renew);
    try {
      await deps.script(RELEASE_SCRIPT, lockKey, [token]);
    } catch {
      // Redis is gone: the lease ends on its own.
    }
    deps.announceReleased(key);
  }
}

/**
 * Runs `lead` for `key` on one instance at a time (see the module note).
 * @example
 * ```ts
 * const out = await coordinate(deps, 'scenes:pulse:indie-uk-brighton', async () => computeAndStore());
 * const value = out.led ? out.value : out.entry.value;
 * ```
 */
export async function coordinate<V>(
  deps: LockDeps,
  key: string,
  lead: () => Promise<V>,
): Promise<CoordinatedResult<V>> {
  const lockKey = deps.lockKey(key);
  const token = randomUUID();
  const deadline = deps.now() + deps.waitTimeoutMs;
  let waited = false;
  for (;;) {
    if (!deps.available()) {
      deps.count('lockless');
      return { led: true, value: await lead() };
    }
    let acquired: boolean;
    try {
      acquired = await deps.tryAcquire(lockKey, token, deps.leaseMs);
    } catch {
      deps.count('lockless');
      return { led: true, value: await lead() };
    }
    if (acquired) {
      deps.count('locksAcquired');
      // Another instance may have stored the value between this caller's miss and its lock.
      const stored = await deps.readFresh<V>(key);
      if (stored !== undefined) {
        await deps.script(RELEASE_SCRIPT, lockKey, [token]).catch(() => undefined);
        return { led: false, entry: stored };
      }
      return { led: true, value: await holdAndLead(deps, key, lockKey, token, lead) };
    }
    if (!waited) {
      waited = true;
      deps.count('lockWaits');
    }
    const left = deadline - deps.now();
    if (left <= 0) {
      deps.count('lockTimeouts');
      return { led: true, value: await lead() };
    }
    await deps.waitReleased(key, Math.min(deps.pollMs, left));
    const stored = await deps.readFresh<V>(key);
    if (stored !== undefined) return { led: false, entry: stored };
  }
}

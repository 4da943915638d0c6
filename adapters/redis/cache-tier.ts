/**
 * @module adapters/redis/cache-tier
 * The shared cache tier for hosts running several instances: a `CacheStore` with two levels, the
 * in-process LRU (L1, answered synchronously, as the embedded default) and Redis (L2, shared), an
 * invalidation bus on Redis pub/sub (a delete or clear on one instance drops the key from every
 * instance's L1), and a lock so one instance computes a missing key while the others wait for it.
 * Entries keep their own timestamps, so TTL and grace mean the same on every instance; L2 keys
 * expire in Redis when their grace ends. Redis down is degraded, not down: every instance serves
 * from its own L1 and computes alone, deletes made meanwhile are replayed when Redis returns, and
 * L1 is dropped then (invalidations may have been missed).
 */
import type { Redis } from 'ioredis';
import { createHash, randomUUID } from 'node:crypto';
import { callHook } from '../../src/core/hooks.js';
import { hasLoneSurrogate } from '../../src/core/text.js';
import { SceneRadarError } from '../../src/core/errors.js';
import {
  lruCacheStore,
  type CacheEntry,
  type CacheInvalidation,
  type CacheStoreHealth,
  type CoordinatedResult,
  type CoordinateOptions,
} from '../../src/core/cache/cache-store.js';
import { encodeBusMessage, encodeForBus, LockWaiters, parseBusMessage, type BusMessage } from './bus.js';
import { decodeEntry, encodeEntry } from './codec.js';
import { closeClient, failureReason, openClient, withTimeout } from './connection.js';
import { coordinate, type LockDeps } from './lock.js';
import {
  COUNTERS,
  resolveTierOptions,
  type Counter,
  type RedisCacheTier,
  type RedisCacheTierEvent,
  type RedisCacheTierOptions,
} from './tier-options.js';

/**
 * Sets `KEYS[1]` to `ARGV[2]` (with `PX ARGV[3]` unless empty) only while the invalidation
 * generation `KEYS[2]` still reads `ARGV[1]` (a missing one reads `''`, which no computation
 * holds: {@link READ_GENERATION}); 1 when written, else 0.
 */
const SET_IF_GENERATION = `
local g = redis.call('GET', KEYS[2])
if (g or '') ~= ARGV[1] then return 0 end
if ARGV[3] ~= '' then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) else redis.call('SET', KEYS[1], ARGV[2]) end
return 1
`;

/**
 * Lua that creates the invalidation generation `KEYS[1]` when it is missing (never set, evicted by
 * a memory policy such as `allkeys-lru`, or deleted), at Redis's clock in microseconds: above any
 * value it held before, so a computation that read `"1"` never sees `"1"` again after an eviction
 * and a delete (it would write a value the delete invalidated).
 */
const ENSURE_GENERATION = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  local t = redis.call('TIME')
  redis.call('SET', KEYS[1], t[1] .. string.sub('000000' .. t[2], -6))
end
`;

/** Increments the invalidation generation `KEYS[1]` ({@link ENSURE_GENERATION} first). */
const BUMP_GENERATION = `${ENSURE_GENERATION}return redis.call('INCR', KEYS[1])
`;

/**
 * The invalidation generation `KEYS[1]` ({@link ENSURE_GENERATION} first): a computation never
 * holds "none", so a counter lost after it started never reads as the one it began with.
 */
const READ_GENERATION = `${ENSURE_GENERATION}return redis.call('GET', KEYS[1])
`;

/** The value at `KEYS[1]` and its `PTTL`, read at one instant (nil when there is none). */
const READ_WITH_TTL = `
local v = redis.call('GET', KEYS[1])
if not v then return nil end
return { v, redis.call('PTTL', KEYS[1]) }
`;

/** {@link READ_WITH_TTL}'s SHA-1, for `EVALSHA`: every L2 read runs it, and its text is 120 bytes a call. */
const READ_WITH_TTL_SHA = createHash('sha1').update(READ_WITH_TTL).digest('hex');

/**
 * {@link READ_WITH_TTL} for `key`, by its SHA (Redis keeps a script once run); sent whole when the
 * server does not know it (`NOSCRIPT`: its first use, a restart, `SCRIPT FLUSH`).
 */
async function readWithTtl(c: Redis, key: string): Promise<unknown> {
  try {
    return await c.evalsha(READ_WITH_TTL_SHA, 1, key);
  } catch (error) {
    if (error instanceof Error && /\bNOSCRIPT\b/.test(error.message)) return c.eval(READ_WITH_TTL, 1, key);
    throw error;
  }
}

/** The longest TTL sent as `PX`; a longer one (or none) is written without an expiry. */
const MAX_PX_MS = 2 ** 52;
/** Clock differences between instances below this are left alone (they are within a read's latency). */
const CLOCK_SKEW_TOLERANCE_MS = 1_000;

/**
 * `entry`, read from Redis with `pttlMs` of life left there, on this instance's clock. The writer
 * stored it with `PX` = its `staleUntil` less the writer's now, so Redis, one clock for every
 * instance, says when its grace ends: `now + pttlMs` here at the latest. When that is earlier than
 * the entry says by more than {@link CLOCK_SKEW_TOLERANCE_MS} (this instance's clock is behind
 * the writer's), the entry's instants move back by the difference: it is fresh here no longer than
 * where it was computed, instead of a skew longer. Never forward: on a clock ahead of the writer's
 * it reads as older and expires early, the safe side. Without an expiry in Redis (`pttlMs` < 0)
 * it is kept as written.
 */
function onLocalClock<V>(entry: CacheEntry<V>, now: number, pttlMs: number): CacheEntry<V> {
  if (!(pttlMs >= 0)) return entry;
  const shift = now + pttlMs - entry.staleUntil;
  if (!(shift < -CLOCK_SKEW_TOLERANCE_MS)) return entry;
  return {
    value: entry.value,
    createdAt: entry.createdAt + shift,
    expiresAt: entry.expiresAt + shift,
    staleUntil: entry.staleUntil + shift,
  };
}

/** Glob characters of a Redis MATCH pattern, escaped so a prefix matches only itself. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * Whether Redis answered a command with "wrong type": a key under the prefix holds something the
 * tier never wrote (a hash, a list). Redis is up; the key is foreign, not the server down.
 */
function isWrongType(error: unknown): boolean {
  // At the start of a command's error; inside a script's on Redis 6 (`ERR Error running script ... WRONGTYPE ...`).
  return error instanceof Error && /(?:^|\s)WRONGTYPE\b/.test(error.message);
}

/**
 * Whether a store key can name its own Redis key. ioredis sends a key as UTF-8, where a lone
 * surrogate becomes U+FFFD: `a\ud800` and `a\udc00` would share one entry (and one lock), and an
 * instance would serve another key's value. Such a key stays in this instance's L1.
 */
function shareable(key: string): boolean {
  return !hasLoneSurrogate(key);
}

/** Most invalidations remembered while Redis is down; past it, the whole prefix is cleared on return. */
const MAX_PENDING = 1000;

/** The generation of a computation that started while Redis could not be read (no generation is this text). */
const UNKNOWN_GENERATION = '\u0000unknown';
/**
 * The oldest of the generations computations of one key read (the counter's decimal text): the smallest, or {@link UNKNOWN_GENERATION} when one could not be read
 * (the order they were recorded in is not their age: a read may answer after a later one).
 */
function oldestGeneration(list: readonly string[] | undefined): string | undefined {
  if (!list || list.length === 0) return undefined;
  let oldest = list[0]!;
  for (const g of list) {
    if (g === UNKNOWN_GENERATION) return UNKNOWN_GENERATION;
    if ((g === '' ? 0 : Number(g)) < (oldest === '' ? 0 : Number(oldest))) oldest = g;
  }
  return oldest;
}

/** Invalidations kept to check reads in flight against; a read older than these counts as invalidated. */
const RECENT_INVALIDATIONS = 256;

/**
 * Creates the shared cache tier.
 * @example
 * ```ts
 * import { createSceneRadar } from 'scene-radar';
 * import { createRedisCacheTier } from 'scene-radar/adapters/redis';
 *
 * const tier = createRedisCacheTier({ redis: process.env.REDIS_URL!, keyPrefix: 'label-a:radar:' });
 * const radar = createSceneRadar({ sources, cache: { store: tier } });
 * // radar.stats().cache.store: { state: 'ok' | 'degraded' | ..., counters }
 * await radar.close();
 * await tier.close();
 * ```
 */
export function createRedisCacheTier(options: RedisCacheTierOptions): RedisCacheTier {
  const { prefix, maxValueBytes, maxEntries, commandTimeoutMs, retryAfterMs, leaseMs, waitTimeoutMs, pollMs, clock } =
    resolveTierOptions(options);

  const { client, owned } = openClient(options.redis, { commandTimeoutMs });
  // Subscribing takes a connection of its own. The tier subscribes on each 'ready' itself, so it
  // knows when the bus is back (and ioredis' own resubscription would only duplicate it).
  const subscriber = client.duplicate({ enableOfflineQueue: false, lazyConnect: false, autoResubscribe: false });
  const instanceId = randomUUID();
  const channel = `${prefix}bus`;
  const valuePrefix = `${prefix}v:`;
  /**
   * The invalidation generation: every delete and clear increments it in Redis ({@link BUMP_GENERATION}), in the same
   * transaction as its `DEL` (before its `SCAN` for a prefix). A computation reads it when it
   * starts, and its value is written to L2 only while it is unchanged (a compare-and-set script):
   * a value computed before another instance's delete is never stored after it, even when that
   * instance's bus message arrives late.
   */
  const generationKey = `${prefix}g`;
  /**
   * The generations the computations of this instance in flight read when they started, by key,
   * in the order recorded ({@link UNKNOWN_GENERATION} for one that started while Redis could not
   * be read). A value is written to L2 only against the oldest ({@link oldestGeneration}): which
   * computation produced it is not known here, and a computation that started before an
   * invalidation must not be stored after it.
   */
  const generations = new Map<string, string[]>();
  const l1 = lruCacheStore<unknown>({ maxEntries });
  const counters = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<Counter, number>;
  const listeners = new Set<(invalidation: CacheInvalidation) => void>();
  const waiters = new LockWaiters();
  /** Bumped by every invalidation: an L2 read of a key invalidated meanwhile does not fill L1. */
  let epoch = 0;
  /** The last invalidations with their epoch, to tell whether one touched the key being read. */
  const recent: { readonly epoch: number; readonly inv: CacheInvalidation }[] = [];
  let closed = false;
  let everReady = false;
  let state: CacheStoreHealth['state'] = 'connecting';
  let reason: string | undefined;
  /** Until when Redis is left alone after a failed command (a probe may go after it). */
  let blockedUntil = 0;
  /** Invalidations made while Redis could not be told: replayed when it answers again. */
  const pending = new Set<string>();
  let pendingAll = false;

  const count = (name: Counter): void => {
    counters[name]++;
  };
  const emit = (event: RedisCacheTierEvent): void => callHook(options.onEvent, event);
  const onError = (error: unknown): void => {
    reason = failureReason(error);
  };
  client.on('error', onError);
  subscriber.on('error', onError);

  /** True while the SUBSCRIBE of the current subscriber connection holds. */
  let subscribed = false;
  const connected = (): boolean => client.status === 'ready' && subscriber.status === 'ready' && subscribed;
  const setState = (next: CacheStoreHealth['state']): void => {
    if (next === state) return;
    state = next;
    emit(
      next === 'degraded'
        ? { type: 'state', state: next, reason: reason ?? 'unreachable' }
        : { type: 'state', state: next },
    );
  };
  const available = (): boolean => !closed && connected() && Date.now() >= blockedUntil;

  /** Runs one command, bounded; a failure opens the circuit for `retryAfterMs` and rethrows. */
  async function run<T>(command: (c: Redis) => Promise<T>): Promise<T> {
    try {
      const out = await withTimeout(command(client), commandTimeoutMs);
      if (blockedUntil !== 0) {
        blockedUntil = 0;
        void recover();
      }
      return out;
    } catch (error) {
      // Redis answered: a foreign key is refused by the caller, not an outage (no circuit, no
      // 'degraded', no recovery dropping every instance's L1 once the next command succeeds).
      if (isWrongType(error)) throw error;
      count('l2Errors');
      reason = failureReason(error);
      blockedUntil = Date.now() + retryAfterMs;
      setState('degraded');
      scheduleProbe();
      throw error;
    }
  }

  /**
   * After a failed command, Redis is tried again by the tier itself once `retryAfterMs` has
   * passed (a PING through {@link run}): an idle instance returns to `ok` and replays the deletes
   * it saved, without waiting for its next cache call. One timer at a time, unref'd.
   */
  let probe: ReturnType<typeof setTimeout> | undefined;
  function scheduleProbe(): void {
    if (probe !== undefined || closed) return;
    probe = setTimeout(
      () => {
        probe = undefined;
        if (closed || blockedUntil === 0) return;
        // Not connected: the client's own reconnection ends in 'ready', which recovers.
        if (!connected()) return;
        run((c) => c.ping()).catch(() => undefined);
      },
      Math.max(1, blockedUntil - Date.now()),
    );
    probe.unref?.();
  }

  const dropLocal = (inv: CacheInvalidation): void => {
    epoch++;
    recent.push({ epoch, inv });
    if (recent.length > RECENT_INVALIDATIONS) recent.shift();
    if (inv.kind === 'key') l1.delete(inv.key);
    else l1.clear(inv.prefix || undefined);
  };

  const notify = (inv: CacheInvalidation): void => {
    for (const listener of listeners) callHook(listener, inv);
  };

  const remember = (message: BusMessage): void => {
    if (pendingAll) return;
    pending.add(`${message.t}\u0000${message.k}`);
    if (pending.size > MAX_PENDING) {
      pending.clear();
      pendingAll = true;
    }
  };

  /**
   * The client's own ioredis `keyPrefix` (a host's shared client, or ioredis options with one):
   * ioredis puts it before every key of a command, but not into a `SCAN MATCH` pattern, and the
   * keys `SCAN` returns already carry it.
   */
  const clientPrefix = typeof client.options.keyPrefix === 'string' ? client.options.keyPrefix : '';

  async function clearL2(keyPrefix: string): Promise<void> {
    const pattern = `${escapeGlob(clientPrefix + valuePrefix + keyPrefix)}*`;
    let cursor = '0';
    do {
      const [next, found] = await run((c) => c.scan(cursor, 'MATCH', pattern, 'COUNT', 1000));
      // The client prefixes the keys of UNLINK again: hand them over without it.
      const keys = found.map((k) => k.slice(clientPrefix.length));
      if (keys.length > 0) await run((c) => c.unlink(...keys));
      cursor = next;
    } while (cursor !== '0');
  }

  /** Applies `message` to Redis (L2 and the bus); remembered for later when Redis cannot be reached. */
  async function propagate(message: BusMessage): Promise<void> {
    if (!available()) return remember(message);
    try {
      const text = encodeForBus(message);
      if (message.t === 'k') {
        // One round trip, in order: the key leaves L2 before any instance hears of it (one that
        // heard first could read the old entry back into its L1).
        const replies = await run((c) =>
          c
            .multi()
            .eval(BUMP_GENERATION, 1, generationKey)
            .del(valuePrefix + message.k)
            .publish(channel, text)
            .exec(),
        );
        if (replies === null || replies.some(([error]) => error)) throw new Error('redis transaction failed');
      } else {
        // The generation first: a computation still running writes nothing the clear missed.
        await run((c) => c.eval(BUMP_GENERATION, 1, generationKey));
        await clearL2(message.k);
        await run((c) => c.publish(channel, text));
      }
      count('invalidationsSent');
    } catch {
      remember(message);
    }
  }

  /**
   * Whether this instance put a value in L1 while Redis could not be read (computed without
   * hearing the other instances' invalidations): the first connection drops L1 then too.
   */
  let keptOffline = false;

  /** Redis answers again: replay what it missed, and drop L1 (invalidations may have been missed). */
  let recovering = false;
  async function recover(): Promise<void> {
    if (recovering || closed || !connected() || Date.now() < blockedUntil) return;
    recovering = true;
    try {
      // Down from the start counts too once L1 holds what was computed meanwhile: another instance
      // may have cleared those keys, and this one never heard it.
      if (everReady || keptOffline) {
        keptOffline = false;
        count('recoveries');
        // Invalidations sent while this instance was cut off were missed: everything it holds,
        // and every computation still running here (its caches hear it), counts as invalidated.
        dropLocal({ kind: 'prefix', prefix: '' });
        notify({ kind: 'prefix', prefix: '' });
        waiters.wakeAll();
      }
      everReady = true;
      const replay = pendingAll
        ? [{ o: instanceId, t: 'p' as const, k: '' }]
        : [...pending].map((p) => {
            // The type, then the key whole: a key may hold a NUL itself.
            const at = p.indexOf('\u0000');
            return { o: instanceId, t: p.slice(0, at) as 'k' | 'p', k: p.slice(at + 1) };
          });
      pending.clear();
      pendingAll = false;
      for (const message of replay) {
        await propagate(message);
        counters.invalidationsReplayed++;
        // A read while the replay ran (reads reopen with the connection) may have brought the
        // deleted entry back into L1 from Redis: dropped again once the delete has landed.
        const inv: CacheInvalidation =
          message.t === 'k' ? { kind: 'key', key: message.k } : { kind: 'prefix', prefix: message.k };
        dropLocal(inv);
        notify(inv);
      }
      if (connected() && blockedUntil === 0) setState('ok');
    } finally {
      recovering = false;
    }
  }

  const onReady = (): void => {
    if (connected()) {
      blockedUntil = 0;
      void recover();
    }
  };
  // A connection lost, or a first attempt that failed (Redis down from the start): degraded, with
  // the reason of the connection's error, until Redis answers ('connecting' is only the time
  // before the first attempt ends).
  const onDown = (): void => {
    if (closed) return;
    setState('degraded');
  };
  for (const c of [client, subscriber]) {
    c.on('close', onDown);
    c.on('reconnecting', onDown);
  }
  client.on('ready', onReady);
  subscriber.on('close', () => {
    subscribed = false;
  });
  const subscribe = (): void => {
    subscriber.subscribe(channel).then(() => {
      subscribed = true;
      onReady();
    }, onError);
  };
  subscriber.on('ready', subscribe);
  if (subscriber.status === 'ready') subscribe();

  subscriber.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    const message = parseBusMessage(text);
    if (message === undefined || message.o === instanceId) return;
    if (message.t === 'd') return waiters.wake(message.k);
    count('invalidationsReceived');
    const inv: CacheInvalidation =
      message.t === 'k' ? { kind: 'key', key: message.k } : { kind: 'prefix', prefix: message.k };
    dropLocal(inv);
    notify(inv);
  });

  /** The entry in L2, refused if it does not decode; never throws. */
  async function readL2<V>(key: string): Promise<CacheEntry<V> | undefined> {
    if (!shareable(key)) return undefined;
    let text: string | null;
    let pttl: number;
    try {
      // With its remaining life by Redis's clock, which every instance shares (below).
      // In one script: the PTTL is that of the entry read, never of one another instance wrote in between.
      const read = (await run((c) => readWithTtl(c, valuePrefix + key))) as [string, number] | null;
      [text, pttl] = read === null ? [null, -2] : [read[0], Number(read[1])];
    } catch (error) {
      if (isWrongType(error)) {
        count('refused');
        emit({ type: 'refused', key, reason: 'corrupt' });
      }
      return undefined;
    }
    if (text === null) {
      count('l2Misses');
      return undefined;
    }
    const decoded = decodeEntry<V>(text, maxValueBytes);
    if (!decoded.ok) {
      count('refused');
      emit({ type: 'refused', key, reason: decoded.why });
      return undefined;
    }
    return onLocalClock(decoded.entry, clock.now(), pttl);
  }

  /** Whether an invalidation since `began` touched `key` (true when the history is too short to tell). */
  function invalidatedSince(began: number, key: string): boolean {
    if (began === epoch) return false;
    if (recent.length === 0 || recent[0]!.epoch > began + 1) return true;
    for (let i = recent.length - 1; i >= 0 && recent[i]!.epoch > began; i--) {
      const { inv } = recent[i]!;
      if (inv.kind === 'key' ? inv.key === key : key.startsWith(inv.prefix)) return true;
    }
    return false;
  }

  async function fromL2(key: string, local: CacheEntry<unknown> | undefined): Promise<CacheEntry<unknown> | undefined> {
    const began = epoch;
    const entry = await readL2<unknown>(key);
    // An invalidation of the key that arrived while reading wins over what was read (and over L1's).
    if (invalidatedSince(began, key)) return undefined;
    // The same entry as L1's (or an older one): keep L1's object (its serialisations stay memoised).
    if (entry === undefined || (local !== undefined && entry.createdAt <= local.createdAt)) return local;
    count('l2Hits');
    l1.set(key, entry);
    return entry;
  }

  const lockDeps: LockDeps = {
    leaseMs,
    waitTimeoutMs,
    pollMs,
    lockKey: (key) => `${prefix}l:${key}`,
    available,
    tryAcquire: async (lockKey, token, lease) => (await run((c) => c.set(lockKey, token, 'PX', lease, 'NX'))) === 'OK',
    script: (lua, lockKey, args) => run((c) => c.eval(lua, 1, lockKey, ...args)),
    readFresh: async <V>(key: string) => {
      const entry = (await fromL2(key, undefined)) as CacheEntry<V> | undefined;
      return entry !== undefined && clock.now() < entry.expiresAt ? entry : undefined;
    },
    announceReleased: (key) => {
      if (!available()) return;
      run((c) => c.publish(channel, encodeBusMessage({ o: instanceId, t: 'd', k: key }))).catch(() => undefined);
    },
    waitReleased: (key, ms) => waiters.wait(key, ms),
    now: () => performance.now(),
    count,
  };

  return {
    instanceId,
    name: 'redis',
    get(key) {
      const local = l1.get(key) as CacheEntry<unknown> | undefined;
      if (local !== undefined && clock.now() < local.expiresAt) {
        counters.l1Hits++;
        return local;
      }
      if (!available()) return local;
      return fromL2(key, local);
    },
    async set(key, entry) {
      l1.set(key, entry);
      const ttl = entry.staleUntil - clock.now();
      if (!available()) keptOffline = true;
      if (!(ttl > 0) || !available()) return;
      if (!shareable(key)) {
        count('notShared');
        emit({ type: 'not_shared', key, reason: 'unserialisable' });
        return;
      }
      const encoded = encodeEntry(entry, maxValueBytes);
      if (!encoded.ok) {
        count('notShared');
        emit({ type: 'not_shared', key, reason: encoded.why });
        return;
      }
      try {
        // Redis refuses a PX past its own range: a TTL of more than 2^52 ms (142,000 years) is kept without one.
        const px = ttl <= MAX_PX_MS ? String(Math.ceil(ttl)) : '';
        const began = oldestGeneration(generations.get(key));
        // Computed while Redis could not be read: invalidations may have been missed, kept in L1 only.
        if (began === UNKNOWN_GENERATION) return;
        if (began !== undefined) {
          // A computed value: written only if no delete or clear came in between (any instance's).
          const written = await run((c) =>
            c.eval(SET_IF_GENERATION, 2, valuePrefix + key, generationKey, began, encoded.text, px),
          );
          // Invalidated meanwhile (by any instance, this one too): not kept in L1 either. Another
          // instance's bus message would drop it, but a delete made through this very tier (another
          // cache over it in this process) sends none to itself.
          if (written !== 1) {
            const held = l1.get(key) as CacheEntry<unknown> | undefined;
            if (held === entry || (held !== undefined && held.createdAt === entry.createdAt)) l1.delete(key);
            return;
          }
        } else if (px) await run((c) => c.set(valuePrefix + key, encoded.text, 'PX', Number(px)));
        else await run((c) => c.set(valuePrefix + key, encoded.text));
        count('l2Writes');
      } catch {
        // Counted in l2Errors; the entry is in L1.
      }
    },
    async delete(key) {
      const held = l1.get(key) !== undefined;
      dropLocal({ kind: 'key', key });
      await propagate({ o: instanceId, t: 'k', k: key });
      return held;
    },
    async clear(keyPrefix) {
      dropLocal({ kind: 'prefix', prefix: keyPrefix ?? '' });
      await propagate({ o: instanceId, t: 'p', k: keyPrefix ?? '' });
    },
    size: () => l1.size(),
    bytes: () => l1.bytes?.(),
    onInvalidate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async coordinate<V>(key: string, lead: () => Promise<V>, o?: CoordinateOptions): Promise<CoordinatedResult<V>> {
      // Its lock key would be another key's too (see shareable), and its value is never shared.
      if (!shareable(key)) {
        count('lockless');
        return { led: true, value: await lead() };
      }
      // The generation as the computation starts (its value is written only if it still holds);
      // unknown while Redis cannot be read (a value computed then is never written to L2).
      let began = UNKNOWN_GENERATION;
      if (available()) {
        try {
          began = String(await run((c) => c.eval(READ_GENERATION, 1, generationKey)));
        } catch {
          began = UNKNOWN_GENERATION;
        }
      }
      // A computation that cannot know the invalidations of its time: the first connection drops L1.
      if (began === UNKNOWN_GENERATION) keptOffline = true;
      const held = generations.get(key);
      if (held) held.push(began);
      else generations.set(key, [began]);
      try {
        // A fresh value asked for: at once, no lock, no other instance's value; still guarded.
        if (o?.wait === false) return { led: true, value: await lead() };
        return await coordinate(lockDeps, key, lead);
      } finally {
        // Its own entry only: another computation of the key may still be in flight.
        const list = generations.get(key);
        const at = list ? list.indexOf(began) : -1;
        if (list && at >= 0) list.splice(at, 1);
        if (list && list.length === 0) generations.delete(key);
      }
    },
    health() {
      const s: CacheStoreHealth['state'] = closed ? 'closed' : state;
      return {
        state: s,
        ...(s === 'degraded' ? { reason: reason ?? 'unreachable' } : {}),
        counters: {
          ...counters,
          l1Entries: l1.size() ?? 0,
          pendingInvalidations: pendingAll ? MAX_PENDING : pending.size,
        },
      };
    },
    async ready(timeoutMs = 5000) {
      const start = Date.now();
      while (!(connected() && state === 'ok')) {
        if (closed) throw new SceneRadarError('STORE_UNAVAILABLE', 'the Redis cache tier is closed');
        if (Date.now() - start > timeoutMs)
          throw new SceneRadarError(
            'STORE_UNAVAILABLE',
            `Redis cannot be reached (${reason ?? 'no answer'}): check that the server is running and the connection settings`,
            { details: { reason: reason ?? 'no answer' } },
          );
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (probe !== undefined) clearTimeout(probe);
      probe = undefined;
      listeners.clear();
      waiters.wakeAll();
      l1.clear();
      await closeClient(subscriber, commandTimeoutMs);
      if (owned) await closeClient(client, commandTimeoutMs);
      else {
        // The host's client stays open: leave it as it was given.
        client.off('error', onError);
        client.off('close', onDown);
        client.off('reconnecting', onDown);
        client.off('ready', onReady);
      }
    },
  };
}

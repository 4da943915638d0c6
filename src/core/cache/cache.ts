/**
 * @module core/cache/cache
 * The SDK's cache: TTL, single-flight (concurrent misses share one computation),
 * stale-while-revalidate within a grace period, `skipCache`, clear one key or all, counters,
 * and a last-good value per key, served (marked stale by the caller) when a computation fails.
 * No timers in a cache: expiry is checked against the injected clock on access; a radar sweeps the
 * entries past their grace out of its caches' own stores every 5 minutes (`sweep`, `CacheGroup`).
 *
 * Every memo of results in the SDK is one of these (see `CacheGroup` for how a radar names them
 * and reports their counters), so a host can watch every hit rate in one place. Each operation is
 * also published on the `scene-radar:cache` diagnostics channel as `{ namespace, op }` (never a
 * key), only when someone subscribes.
 */
import { BoundedLru } from './bounded-lru.js';
import { systemClock, type Clock } from '../clock.js';
import { callHook } from '../hooks.js';
import { type CacheOperationMessage, channels } from '../observe/channels.js';
import { deepFreeze, deepFreezeAll } from '../freeze.js';
import { estimateFromSample } from './approximate-bytes.js';
import { timeoutError } from '../gateway/deadline.js';
import { settleWithin } from '../timeout.js';
import {
  BYTES_SAMPLE,
  firstOf,
  lruCacheStore,
  type CacheEntry,
  type CacheInvalidation,
  type CacheStore,
  type CoordinatedResult,
  type CoordinateOptions,
} from './cache-store.js';

/** Something the cache reports to the host (for logs and metrics; keys are ids, not labels). */
export type CacheEvent =
  | {
      /** A background refresh of a stale entry failed; the stale value was still served and nothing was stored. */
      readonly type: 'refresh_error';
      /** The cache's key prefix: its namespace (`scenes`, `talent`, ...). */
      readonly namespace: string;
      /** The key being refreshed, without the namespace. */
      readonly key: string;
      /** What the computation threw. */
      readonly error: unknown;
    }
  | {
      /** The store threw: on a read (the value was computed instead), on a write (the value was returned but not stored), or on a delete or clear (the entries stay until their TTL ends; the call does not reject). */
      readonly type: 'store_error';
      /** The cache's key prefix: its namespace (`scenes`, `talent`, ...). */
      readonly namespace: string;
      /** The key being read or written, without the namespace. */
      readonly key: string;
      /** What the store threw. */
      readonly error: unknown;
    };

/** Options for a {@link Cache}. */
export interface CacheOptions {
  /** Where entries live. @default an LRU of `maxEntries` */
  readonly store?: CacheStore<unknown>;
  /** Bound of the default store. @default 10000 */
  readonly maxEntries?: number;
  /** Default time to live, ms. */
  readonly ttlMs: number;
  /** Default grace past the TTL during which a stale entry is served while one refresh runs, ms. @default 0 */
  readonly graceMs?: number;
  /** Prefix of every key in the store (so engines can share one store). @default '' */
  readonly namespace?: string;
  /** Clock for expiry. @default systemClock */
  readonly clock?: Clock;
  /** Receives refresh and store errors (never thrown to callers; a hook that throws or rejects is ignored). */
  readonly onEvent?: (event: CacheEvent) => void;
  /**
   * How many keys' last good values ({@link Cache.setLastGood}) are kept, least recently used
   * going first. They are held in this process, never in `store`. @default maxEntries (10000)
   */
  readonly maxLastGood?: number;
  /**
   * Deep-freeze every value handed out (computed, read from the store, or served as a fallback),
   * for caches whose values are shared between callers: one caller's edit must never change what
   * the next one gets. Values must be plain data (typed arrays are left as they are). @default false
   */
  readonly freezeValues?: boolean;
  /**
   * How long a read or write of `store` that answers with a promise may take, ms, and its clear
   * when the cache closes: past it the call counts as failed (a `store_error` event with a
   * `TimeoutError`; a read is then a miss), so a stalled store holds no caller and no
   * {@link Cache.close}. Deletes and clears (invalidations) are waited for in full, and a
   * synchronous store is never timed. @default 1000
   */
  readonly storeTimeoutMs?: number;
}

/** What {@link Cache.delete}, {@link Cache.clearPrefix} and {@link Cache.clear} forget. */
export interface CacheClearOptions {
  /**
   * Keep the last good values ({@link Cache.setLastGood}) of the keys forgotten, so callers can
   * still fall back to them (a refresh drops cached results, not the fallback). @default false
   */
  readonly keepLastGood?: boolean;
}

/** Per-call options of {@link Cache.getOrCompute}. */
export interface GetOrComputeOptions<V> {
  /** Do not serve a stored value; compute (or join a computation in flight) and store the result. */
  readonly skipCache?: boolean;
  /**
   * TTL for this value, ms, or a function of the value. `0` means "do not store": use it for
   * degraded results so they never poison the cache.
   */
  readonly ttlMs?: number | ((value: V) => number);
  /** Grace for this value, ms, or a function of the value (`0` for degraded results). */
  readonly graceMs?: number | ((value: V) => number);
  /**
   * The key's last good value ({@link Cache.setLastGood}) as the fallback of a failed computation:
   * which computed values to keep as it, and what to serve from it, marked stale, instead of
   * rejecting. Absent: a failed computation rejects its callers, whatever is kept.
   */
  readonly lastGood?: LastGoodOptions<V>;
}

/**
 * How {@link Cache.getOrCompute} keeps and serves a key's last good value. Each kind of result
 * marks staleness its own way (a pulse's `stale`, a Talent result's `meta.stale`), so the caller
 * says how; the cache decides when.
 * @example
 * ```ts
 * cache.getOrCompute('global:10', compute, {
 *   lastGood: {
 *     keep: (pulse) => pulse.summary.ok === pulse.summary.scenes,
 *     serve: (pulse, error) => (isStoreFailure(error) ? markStale(pulse, error) : undefined),
 *   },
 * });
 * ```
 */
export interface LastGoodOptions<V> {
  /**
   * Which successfully computed values become the key's last good value (not one computed while a
   * clear invalidated the key); one computed with a part missing is usually not.
   * @default none: the caller sets them with `setLastGood`
   */
  readonly keep?: (value: V) => boolean;
  /**
   * When a computation of the key fails with `error` and a last good value is kept: what to serve
   * instead (a copy marked stale; it is never stored as the key's entry), or undefined to reject
   * with the error. Asked only for callers waiting on the computation, never for a background
   * refresh within grace (its failure is reported as `refresh_error`). Counted as a fallback when
   * it serves; a `serve` that throws rejects with the computation's error.
   */
  readonly serve: (lastGood: V, error: unknown) => V | undefined;
}

/**
 * Counters since the cache was created. Keys never appear here: a cache is one namespace
 * (scene pulses, talent results, ...), so these are safe to use as metrics.
 */
export interface CacheStats {
  /** Served fresh from the store. */
  hits: number;
  /** Not servable: computed (or joined a computation), including every `skipCache` call. */
  misses: number;
  /** Served stale within grace while a refresh ran. */
  stale: number;
  /** Of the misses, calls with `skipCache` (they never look at the store). */
  bypassed: number;
  /** Last good values handed out after a computation failed (the value kept from the last successful computation). */
  fallbacks: number;
  /** Entries the store dropped to stay bounded; undefined when the store is the host's (it cannot tell). */
  evictions: number | undefined;
  /** Last good values held (at most the cache's `maxLastGood`). */
  lastGood: number;
  /**
   * Share of lookups served from the store, fresh or stale within grace:
   * `(hits + stale) / (hits + stale + misses)`; null before the first lookup.
   */
  hitRate: number | null;
  /** Background refreshes started. */
  refreshes: number;
  /** Callers that joined a computation already in flight. */
  joined: number;
  /** Computations that failed (nothing was stored). */
  errors: number;
  /**
   * Misses served with an entry another instance computed while this one waited (only over a
   * shared store that coordinates computations, such as the Redis tier); 0 otherwise.
   */
  remote: number;
  /** Computations in flight now. */
  inflight: number;
  /** Entries held, if the store can tell. */
  size: number | undefined;
  /**
   * Estimated heap bytes of the entries held in this process, if the store can tell (the default
   * store can: a sample of its least recently used entries, see `approximateBytes`). An order of
   * magnitude for alerting, not an exact figure.
   */
  bytes: number | undefined;
  /** Estimated heap bytes of the last good values kept (estimated the same way). */
  lastGoodBytes: number;
}

interface Flight<V> {
  readonly promise: Promise<V>;
  invalidated: boolean;
  /** A refresh started within grace: its promise rejects on failure (nobody was waiting when it began). */
  readonly background: boolean;
  /** Set when the computation failed and its callers are served the last good value instead. */
  fellBack?: boolean;
}

/**
 * A store's own figure (size, bytes) for stats: undefined when the store throws or answers
 * something other than a number, so a host store's fault never makes `stats()` throw.
 */
export function storeFigure(read: () => unknown): number | undefined {
  try {
    const value = read();
    return typeof value === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

function isThenable<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | undefined)?.then === 'function';
}

/**
 * A TTL cache with single-flight and stale-while-revalidate.
 * @example
 * ```ts
 * const cache = new Cache<Pulse>({ ttlMs: 300_000, graceMs: 60_000 });
 * const pulse = await cache.getOrCompute('scene-pulse:indie-uk-brighton', () => computePulse(), { skipCache: false });
 * cache.stats().hits;
 * ```
 */
export class Cache<V> {
  readonly #store: CacheStore<V>;
  readonly #ttlMs: number;
  readonly #graceMs: number;
  readonly #storeTimeoutMs: number;
  readonly #ns: string;
  readonly #freezeValues: boolean;
  /** The namespace as events name it: the key prefix without its version tag and trailing `:` (`scenes`). */
  readonly #label: string;
  readonly #clock: Clock;
  readonly #onEvent: ((event: CacheEvent) => void) | undefined;
  readonly #flights = new Map<string, Flight<V>>();
  readonly #stats = {
    hits: 0,
    misses: 0,
    stale: 0,
    bypassed: 0,
    fallbacks: 0,
    refreshes: 0,
    joined: 0,
    errors: 0,
    remote: 0,
  };
  /** Counted only when this cache created the store (a host's store does not say what it drops). */
  #evictions: number | undefined;
  /** Last good value per key: in this process, never in the store; created on first use. */
  #lastGood: BoundedLru<string, V> | undefined;
  /**
   * Bumped by every delete, clear and invalidation (here or from another instance): a value read
   * from a shared store while one happened is served but not kept as last good (it may be the
   * value just forgotten).
   */
  #invalidations = 0;
  readonly #maxLastGood: number;
  #closed = false;
  /** Only a store this cache created is closed by it; a host's shared store stays open. */
  readonly #ownsStore: boolean;
  /** The store's cross-instance coordination, when it offers one (never the default LRU's). */
  readonly #coordinate:
    | ((key: string, lead: () => Promise<V>, options?: CoordinateOptions) => Promise<CoordinatedResult<V>>)
    | undefined;
  /** Stops listening to the store's invalidations from other instances. */
  readonly #unsubscribe: (() => void) | undefined;

  constructor(options: CacheOptions) {
    if (!(options.ttlMs >= 0)) throw new RangeError('ttlMs must be >= 0');
    if (options.graceMs !== undefined && !(options.graceMs >= 0)) throw new RangeError('graceMs must be >= 0');
    if (options.maxLastGood !== undefined && !(Number.isInteger(options.maxLastGood) && options.maxLastGood >= 0))
      throw new RangeError('maxLastGood must be an integer >= 0');
    this.#ownsStore = options.store === undefined;
    this.#evictions = this.#ownsStore ? 0 : undefined;
    this.#store =
      (options.store as CacheStore<V> | undefined) ??
      lruCacheStore<V>({
        maxEntries: options.maxEntries ?? 10_000,
        onEviction: () => {
          this.#evictions = (this.#evictions ?? 0) + 1;
          this.#publish('evict');
        },
      });
    this.#maxLastGood = options.maxLastGood ?? options.maxEntries ?? 10_000;
    this.#ttlMs = options.ttlMs;
    this.#graceMs = options.graceMs ?? 0;
    this.#storeTimeoutMs = options.storeTimeoutMs ?? 1_000;
    this.#ns = options.namespace ?? '';
    // A shared cache's keys carry a version tag (`scenes@0.1.0:`); events name the cache alone.
    this.#label = this.#ns.replace(/(@[^:@]*)?:$/, '');
    this.#clock = options.clock ?? systemClock;
    this.#onEvent = options.onEvent;
    this.#freezeValues = options.freezeValues === true;
    const store = this.#store;
    this.#coordinate = store.coordinate ? (key, lead, o) => store.coordinate!(key, lead, o) : undefined;
    this.#unsubscribe = this.#subscribe(store);
  }

  /**
   * Listens to the store's invalidations from other instances. A store that throws here is a
   * `store_error` (this cache then hears no remote deletes), not a failed construction of the radar.
   */
  #subscribe(store: CacheStore<V>): (() => void) | undefined {
    if (store.onInvalidate === undefined) return undefined;
    // Still a shared store when subscribing fails: close() must leave the other instances' entries.
    const none = (): void => undefined;
    try {
      const off = store.onInvalidate((invalidation) => this.#onRemoteInvalidation(invalidation));
      return typeof off === 'function' ? off : none;
    } catch (error) {
      this.#report({ type: 'store_error', namespace: this.#label, key: '', error });
      return none;
    }
  }

  /**
   * The value for `key`: fresh from the store (a hit), stale within grace while one background
   * refresh runs, or computed once however many callers ask at the same time. A failed
   * computation stores nothing and rejects its callers, unless `options.lastGood` serves them the
   * key's last good value, marked stale.
   */
  getOrCompute(key: string, compute: () => Promise<V>, options: GetOrComputeOptions<V> = {}): Promise<V> {
    if (options.skipCache) this.#stats.bypassed++;
    if (this.#closed || options.skipCache) return this.#miss(key, compute, options);
    let got: CacheEntry<V> | undefined | Promise<CacheEntry<V> | undefined>;
    try {
      got = this.#timed(this.#store.get(this.#ns + key));
    } catch (error) {
      this.#report({ type: 'store_error', namespace: this.#label, key, error });
      return this.#miss(key, compute, options);
    }
    if (isThenable(got)) {
      const invalidations = this.#invalidations;
      return got.then(
        (entry) => this.#serve(key, entry, compute, options, invalidations),
        (error: unknown) => {
          this.#report({ type: 'store_error', namespace: this.#label, key, error });
          return this.#miss(key, compute, options);
        },
      );
    }
    return this.#serve(key, got, compute, options);
  }

  /**
   * `value`, deep-frozen when the cache freezes its values: applied where a value is stored and
   * wherever one leaves the cache (a hit, a computation, a fallback, another instance's entry).
   * A value frozen once costs one check after that.
   */
  #frozen<T>(value: T): T {
    return this.#freezeValues ? deepFreeze(value) : value;
  }

  /**
   * `value` as it enters the cache (stored, kept as last good, or computed): when the cache freezes
   * its values, frozen all through even if it came frozen at its top only, so the one check of
   * {@link #frozen} on every later read is enough.
   */
  #entering<T>(value: T): T {
    return this.#freezeValues ? deepFreezeAll(value) : value;
  }

  /** The fresh value for `key`, if a synchronous store holds one (no computation, no counters). */
  peek(key: string): V | undefined {
    let got: CacheEntry<V> | undefined | Promise<CacheEntry<V> | undefined>;
    try {
      got = this.#store.get(this.#ns + key);
    } catch (error) {
      this.#report({ type: 'store_error', namespace: this.#label, key, error });
      return undefined;
    }
    if (got === undefined || isThenable(got)) return undefined;
    return this.#clock.now() < got.expiresAt ? this.#frozen(got.value) : undefined;
  }

  /**
   * The fresh value for `key`, counted as a hit or a miss, without computing anything: for callers
   * that look many keys up and compute the misses together (then {@link Cache.set} them). An entry
   * past its TTL is a miss here, even within grace (nothing would refresh it).
   */
  async get(key: string): Promise<V | undefined> {
    let entry: CacheEntry<V> | undefined;
    if (!this.#closed) {
      try {
        entry = await this.#timed(this.#store.get(this.#ns + key));
      } catch (error) {
        this.#report({ type: 'store_error', namespace: this.#label, key, error });
      }
    }
    if (entry !== undefined && this.#clock.now() < entry.expiresAt) {
      this.#stats.hits++;
      this.#publish('hit');
      return this.#frozen(entry.value);
    }
    this.#stats.misses++;
    this.#publish('miss');
    return undefined;
  }

  /**
   * Stores `value` under `key` (TTL and grace as in {@link GetOrComputeOptions}; a TTL of `0`
   * stores nothing). Nothing is stored after {@link Cache.close}; a store error is reported, not thrown.
   */
  async set(key: string, value: V, options: Pick<GetOrComputeOptions<V>, 'ttlMs' | 'graceMs'> = {}): Promise<void> {
    if (!this.#closed) await this.#put(key, value, options);
  }

  /**
   * Remembers `value` as the last good value of `key`: what a caller may serve, marked stale, when
   * a later computation fails (ScenePulse serves a scene's last good pulse when Fusion is down). It
   * outlives the entry's TTL and, with `keepLastGood`, clears; it is dropped by a plain clear.
   */
  setLastGood(key: string, value: V): void {
    if (this.#closed || this.#maxLastGood === 0) return;
    this.#lastGood ??= new BoundedLru({ maxSize: this.#maxLastGood });
    this.#lastGood.set(key, this.#entering(value));
  }

  /** The last good value of `key`, if one is kept; counted as a fallback when there is one. */
  lastGood(key: string): V | undefined {
    const value = this.#lastGood?.get(key);
    if (value !== undefined) {
      this.#stats.fallbacks++;
      this.#publish('fallback');
    }
    return value;
  }

  /** Forgets `key`; a computation in flight for it will not be stored. */
  async delete(key: string, options: CacheClearOptions = {}): Promise<void> {
    this.#invalidations++;
    const flight = this.#flights.get(key);
    if (flight) {
      flight.invalidated = true;
      this.#flights.delete(key);
    }
    if (options.keepLastGood !== true) this.#lastGood?.delete(key);
    await this.#quietly(key, () => this.#store.delete(this.#ns + key));
  }

  /** Forgets every key starting with `prefix`; matching computations in flight will not be stored. */
  async clearPrefix(prefix: string, options: CacheClearOptions = {}): Promise<void> {
    this.#invalidations++;
    for (const [key, flight] of this.#flights) {
      if (!key.startsWith(prefix)) continue;
      flight.invalidated = true;
      this.#flights.delete(key);
    }
    if (options.keepLastGood !== true && this.#lastGood)
      for (const key of [...this.#lastGood.keys()]) if (key.startsWith(prefix)) this.#lastGood.delete(key);
    await this.#quietly(prefix, () => this.#store.clear(this.#ns + prefix));
  }

  /** Forgets every key of this cache; computations in flight will not be stored. */
  async clear(options: CacheClearOptions = {}): Promise<void> {
    await this.#clear(options, false);
  }

  /**
   * {@link Cache.clear}; `timed`: the store's clear bounded by `storeTimeoutMs` (for `close()`,
   * which must return). An invalidation is waited for in full: the caller (a refresh) must not go
   * on while the store still holds what it invalidated.
   */
  async #clear(options: CacheClearOptions, timed: boolean): Promise<void> {
    this.#invalidations++;
    for (const flight of this.#flights.values()) flight.invalidated = true;
    this.#flights.clear();
    if (options.keepLastGood !== true) this.#lastGood?.clear();
    await this.#quietly('', () => this.#store.clear(this.#ns || undefined), timed);
  }

  /**
   * Removes the entries of a store this cache created that are past their grace (never served
   * again), and returns how many; a store passed in (the host's, shared) is left to expire its own.
   */
  sweep(): number {
    if (!this.#ownsStore || this.#closed) return 0;
    return this.#store.sweep?.(this.#clock.now()) ?? 0;
  }

  /** A snapshot of the counters. */
  stats(): CacheStats {
    const { hits, stale, misses } = this.#stats;
    const lookups = hits + stale + misses;
    return {
      ...this.#stats,
      evictions: this.#evictions,
      lastGood: this.#lastGood?.size ?? 0,
      hitRate: lookups === 0 ? null : (hits + stale) / lookups,
      inflight: this.#flights.size,
      size: storeFigure(() => this.#store.size()),
      bytes: storeFigure(() => this.#store.bytes?.()),
      lastGoodBytes: this.#lastGood
        ? estimateFromSample(firstOf(this.#lastGood.values(), BYTES_SAMPLE), this.#lastGood.size)
        : 0,
    };
  }

  /**
   * Clears this cache's keys and closes the store if this cache created it (a store passed in by
   * the host is shared and stays open). Later calls compute without caching. A store shared with
   * other instances (one with `onInvalidate`, such as the Redis tier) keeps its entries: closing
   * one instance must not empty the cache of the others; only this cache's own state is dropped.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#unsubscribe === undefined) await this.#clear({}, true);
    else {
      for (const flight of this.#flights.values()) flight.invalidated = true;
      this.#flights.clear();
      this.#lastGood?.clear();
    }
    this.#closed = true;
    const unsubscribe = this.#unsubscribe;
    if (unsubscribe) await this.#quietly('', unsubscribe);
    if (this.#ownsStore) await this.#store.close();
  }

  #serve(
    key: string,
    entry: CacheEntry<V> | undefined,
    compute: () => Promise<V>,
    options: GetOrComputeOptions<V>,
    invalidations = this.#invalidations,
  ): Promise<V> {
    if (entry !== undefined) {
      const now = this.#clock.now();
      if (now < entry.expiresAt) {
        this.#stats.hits++;
        this.#publish('hit');
        if (this.#unsubscribe !== undefined) this.#keepShared(key, entry.value, options, invalidations);
        return Promise.resolve(this.#frozen(entry.value));
      }
      if (now < entry.staleUntil) {
        this.#stats.stale++;
        this.#publish('stale');
        if (this.#unsubscribe !== undefined) this.#keepShared(key, entry.value, options, invalidations);
        if (!this.#flights.has(key)) {
          this.#stats.refreshes++;
          this.#start(key, compute, options, true).promise.catch((error: unknown) =>
            this.#report({ type: 'refresh_error', namespace: this.#label, key, error }),
          );
        }
        return Promise.resolve(this.#frozen(entry.value));
      }
    }
    return this.#miss(key, compute, options);
  }

  /**
   * A value served from a store shared with other instances (one of them computed it) is kept as
   * this instance's last good value too, as one it computed would be: when the stores fail later,
   * every instance serves the same fallback. Once per value (a repeated hit of it costs a lookup).
   * Not when a delete, clear or invalidation came since the read began (`invalidations` then): the
   * value read may be the one just forgotten.
   */
  #keepShared(key: string, value: V, options: GetOrComputeOptions<V>, invalidations: number): void {
    if (options.lastGood === undefined || invalidations !== this.#invalidations) return;
    if (this.#lastGood?.get(key) === value || !this.#keeps(value, options.lastGood)) return;
    this.setLastGood(key, value);
  }

  #miss(key: string, compute: () => Promise<V>, options: GetOrComputeOptions<V>): Promise<V> {
    this.#stats.misses++;
    this.#publish('miss');
    const flight = this.#flights.get(key);
    if (flight) {
      this.#stats.joined++;
      // A caller joining a background refresh is waiting on it, as one that started it would be:
      // when it fails, it gets the fallback too.
      if (!flight.background)
        // The fallback the computation served is served to every caller waiting on it, and
        // counted for each (one serve, as many fallbacks as callers handed it).
        return flight.promise.then((value) => {
          if (flight.fellBack) {
            this.#stats.fallbacks++;
            this.#publish('fallback');
          }
          return value;
        });
      return flight.promise.catch((error: unknown) => {
        const fallback = this.#fallback(key, error, options.lastGood);
        if (fallback === undefined) throw error;
        return fallback;
      });
    }
    return this.#start(key, compute, options).promise;
  }

  #start(key: string, compute: () => Promise<V>, options: GetOrComputeOptions<V>, background = false): Flight<V> {
    const flight: Flight<V> = { promise: undefined as unknown as Promise<V>, invalidated: false, background };
    const run = async (): Promise<V> => {
      try {
        let value: V;
        /** True once the value is in the store (a coordinated leader stores it before releasing its lock). */
        let stored = false;
        try {
          if (this.#coordinate === undefined) value = await compute();
          else {
            // A fresh value asked for (skipCache) runs at once, but is stored under the store's
            // guard too: a delete or clear made anywhere while it computed must win.
            const outcome = await this.#coordinate(
              this.#ns + key,
              async () => {
                const computed = await compute();
                if (!flight.invalidated && !this.#closed) await this.#put(key, computed, options);
                return computed;
              },
              options.skipCache ? { wait: false } : undefined,
            );
            stored = true;
            if (outcome.led) value = outcome.value;
            else if (options.skipCache) {
              // A store written before `wait` existed handed back another instance's value: a
              // fresh one was asked for, so it is computed here after all (stored unguarded).
              value = await compute();
              stored = false;
            } else {
              this.#stats.remote++;
              value = outcome.entry.value;
            }
          }
        } catch (error) {
          this.#stats.errors++;
          this.#publish('error');
          // A background refresh has nobody waiting: its failure is reported, not served around.
          const fallback = background ? undefined : this.#fallback(key, error, options.lastGood);
          if (fallback === undefined) throw error;
          flight.fellBack = true;
          return fallback;
        }
        if (!flight.invalidated && !this.#closed) {
          if (!stored) await this.#put(key, value, options);
          // Checked again: a delete or clear while an asynchronous store wrote must stick.
          if (!flight.invalidated && !this.#closed && this.#keeps(value, options.lastGood))
            this.setLastGood(key, value);
        }
        return this.#entering(value);
      } finally {
        if (this.#flights.get(key) === flight) this.#flights.delete(key);
      }
    };
    // Register before running: a compute that fails synchronously still finds (and removes) it.
    if (!this.#closed) this.#flights.set(key, flight);
    (flight as { promise: Promise<V> }).promise = run();
    return flight;
  }

  /** Whether `lastGood.keep` keeps `value`; a `keep` that throws keeps nothing (the callers still get the value). */
  #keeps(value: V, lastGood: LastGoodOptions<V> | undefined): boolean {
    try {
      return lastGood?.keep?.(value) === true;
    } catch {
      return false;
    }
  }

  /** What `lastGood.serve` makes of the key's last good value after `error`, if anything. */
  #fallback(key: string, error: unknown, lastGood: LastGoodOptions<V> | undefined): V | undefined {
    if (lastGood === undefined) return undefined;
    const last = this.#lastGood?.get(key);
    if (last === undefined) return undefined;
    let served: V | undefined;
    try {
      served = lastGood.serve(last, error);
    } catch {
      return undefined;
    }
    if (served !== undefined) {
      this.#stats.fallbacks++;
      this.#publish('fallback');
    }
    return served === undefined ? undefined : this.#frozen(served);
  }

  async #put(key: string, value: V, options: GetOrComputeOptions<V>): Promise<void> {
    const ttl = typeof options.ttlMs === 'function' ? options.ttlMs(value) : (options.ttlMs ?? this.#ttlMs);
    if (!(ttl > 0)) return;
    const now = this.#clock.now();
    const grace = typeof options.graceMs === 'function' ? options.graceMs(value) : (options.graceMs ?? this.#graceMs);
    const entry: CacheEntry<V> = {
      value: this.#entering(value),
      createdAt: now,
      expiresAt: now + ttl,
      staleUntil: now + ttl + Math.max(0, grace),
    };
    try {
      await this.#timed(this.#store.set(this.#ns + key, entry));
    } catch (error) {
      this.#report({ type: 'store_error', namespace: this.#label, key, error });
      return;
    }
    this.#publish('set');
  }

  /** Another instance deleted or cleared keys: computations of them in flight here must not store. */
  #onRemoteInvalidation(invalidation: CacheInvalidation): void {
    this.#invalidations++;
    const ns = this.#ns;
    if (invalidation.kind === 'key') {
      if (!invalidation.key.startsWith(ns)) return;
      const key = invalidation.key.slice(ns.length);
      const flight = this.#flights.get(key);
      if (flight) {
        flight.invalidated = true;
        this.#flights.delete(key);
      }
      return;
    }
    const { prefix } = invalidation;
    let local: string;
    if (prefix.startsWith(ns)) local = prefix.slice(ns.length);
    else if (ns.startsWith(prefix)) local = '';
    else return;
    for (const [key, flight] of this.#flights) {
      if (!key.startsWith(local)) continue;
      flight.invalidated = true;
      this.#flights.delete(key);
    }
  }

  /**
   * Publishes `op` on the cache channel. With no subscriber this is one property read: no message
   * is built. Store errors are published here too, computations that failed where they are counted.
   */
  #publish(op: CacheOperationMessage['op']): void {
    const channel = channels.cache;
    if (channel?.hasSubscribers) channel.publish({ namespace: this.#label, op } satisfies CacheOperationMessage);
  }

  /**
   * Runs a store's delete or clear, reporting a failure (a `store_error` event, an `error` on the
   * channel) instead of throwing it: a refresh that committed its tables then cleared the cache of
   * a store that threw rejected as failed (its rows written all the same), and `close()` stopped
   * halfway. A store that cannot forget keeps serving its entries until their TTL ends.
   */
  async #quietly(key: string, op: () => unknown, timed = false): Promise<void> {
    try {
      await (timed ? this.#timed(op()) : op());
    } catch (error) {
      this.#report({ type: 'store_error', namespace: this.#label, key, error });
    }
  }

  /**
   * `answer` of a store call; a promise rejects with a `TimeoutError` once `storeTimeoutMs` has
   * passed (the call is left to settle on its own). A plain value is returned as it is.
   */
  #timed<T>(answer: T): T {
    if (!isThenable(answer)) return answer;
    const ms = this.#storeTimeoutMs;
    return settleWithin(answer as Promise<unknown>, ms, () =>
      timeoutError(`the cache store did not answer within ${ms} ms (cache.storeTimeoutMs)`),
    ) as T;
  }

  #report(event: CacheEvent): void {
    if (event.type === 'store_error') this.#publish('error');
    // A faulty host hook (throwing, or an async one rejecting) must not break the cache.
    callHook(this.#onEvent, event);
  }
}

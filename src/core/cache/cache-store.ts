/**
 * @module core/cache/cache-store
 * Where cached entries live. The store only stores: expiry is decided by `Cache` from the
 * timestamps inside each entry, so no store needs per-entry timers. The default is a bounded LRU
 * (a bounded LRU map); a shared store (Redis, later) implements the same interface, async if it must.
 */
import { BoundedLru } from './bounded-lru.js';
import { estimateFromSample } from './approximate-bytes.js';

/** A cached value with its timestamps (epoch ms). */
export interface CacheEntry<V> {
  /** The cached value. */
  readonly value: V;
  /** When it was computed. */
  readonly createdAt: number;
  /** Fresh until this instant. */
  readonly expiresAt: number;
  /** Servable as stale (while one refresh runs) until this instant. */
  readonly staleUntil: number;
}

/** A value or a promise of it: stores may be sync (memory) or async (network). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * An invalidation made on another instance, as a shared store tells the caches over it (see
 * {@link CacheStore.onInvalidate}). Keys and prefixes are full store keys (namespace included).
 */
export type CacheInvalidation =
  | {
      /** One key was deleted. */
      readonly kind: 'key';
      /** The store key (namespace included). */
      readonly key: string;
    }
  | {
      /** Every key starting with `prefix` was deleted (`''`: every key). */
      readonly kind: 'prefix';
      /** The store key prefix (namespace included); `''` for all. */
      readonly prefix: string;
    };

/** Options of {@link CacheStore.coordinate}. */
export interface CoordinateOptions {
  /**
   * Whether to wait for another instance's computation of the key (and take its value). False:
   * run `lead` at once (a caller that asked for a fresh value).
   * @default true
   */
  readonly wait?: boolean;
}

/**
 * How a coordinated computation ended (see {@link CacheStore.coordinate}): this instance led it
 * (ran `lead`, which computed and stored the value), or another instance did and its stored entry
 * was read back.
 */
export type CoordinatedResult<V> =
  | {
      /** This instance ran `lead`. */
      readonly led: true;
      /** What `lead` returned. */
      readonly value: V;
    }
  | {
      /** Another instance computed the value; this one read it from the store. */
      readonly led: false;
      /** The fresh entry the other instance stored. */
      readonly entry: CacheEntry<V>;
    };

/** A shared store's health, for stats and a health route (see {@link CacheStore.health}). */
export interface CacheStoreHealth {
  /**
   * `ok`: the shared tier answers; `degraded`: it cannot be reached, so each instance serves from
   * its own memory only (nothing fails); `connecting`: not reached yet; `closed`: closed.
   */
  readonly state: 'ok' | 'degraded' | 'connecting' | 'closed';
  /** Why it is degraded (a reason, never an address or a credential), if it is. */
  readonly reason?: string;
  /** Counters of the store, by name (safe as metrics: no keys). */
  readonly counters: Readonly<Record<string, number>>;
}

/**
 * Storage behind a `Cache`. Synchronous implementations keep the hit path free of
 * promises; asynchronous ones are awaited. A store shared by several instances (the Redis tier of
 * `scene-radar/adapters/redis`) may also implement the optional members: `onInvalidate` (deletes
 * made elsewhere reach the caches' computations in flight), `coordinate` (one computation per key
 * across instances) and `health`; the in-process default implements none, and a `Cache` over it
 * takes none of their paths.
 */
export interface CacheStore<V = unknown> {
  /** The entry for `key`, if held. */
  get(key: string): MaybePromise<CacheEntry<V> | undefined>;
  /** Stores `entry` under `key` (the store may evict others to stay bounded). */
  set(key: string, entry: CacheEntry<V>): MaybePromise<void>;
  /** Removes `key`; true if it was held. */
  delete(key: string): MaybePromise<boolean>;
  /** Removes every key starting with `prefix`, or everything without one. */
  clear(prefix?: string): MaybePromise<void>;
  /** Entries held, if the store can tell cheaply. */
  size(): number | undefined;
  /**
   * Estimated heap bytes of the entries held in this process (a sample's average times the
   * entries; see `approximateBytes`), if the store can tell. Stores that keep entries elsewhere
   * (Redis) report their in-process part only.
   */
  bytes?(): number | undefined;
  /** Releases the store's resources. */
  close(): MaybePromise<void>;
  /**
   * Removes the entries past their grace (`staleUntil <= nowMs`: never served again) and returns how
   * many; a store that expires entries itself (Redis) need not implement it.
   */
  sweep?(nowMs: number): number;
  /**
   * Calls `listener` for each delete or clear made by another instance sharing the store (after
   * the store dropped its own copies), so a cache can stop a computation in flight from storing
   * a result the other instance just invalidated. Returns the function that stops listening.
   */
  onInvalidate?(listener: (invalidation: CacheInvalidation) => void): () => void;
  /**
   * Runs `lead` (compute and store the value of `key`) on at most one instance at a time: the
   * others wait for the entry it stores and get it back (`led: false`), or run `lead` themselves
   * when the leader crashed or took too long. Never rejects for the store's own failures (it then
   * runs `lead` locally); rejects with what `lead` threw. With `options.wait` false (a caller that
   * asked for a fresh value, `skipCache`), `lead` runs at once, without the lock and without
   * taking another instance's value, but its value is stored under the same guard: a delete or
   * clear made anywhere while it computed still wins.
   */
  coordinate?(key: string, lead: () => Promise<V>, options?: CoordinateOptions): Promise<CoordinatedResult<V>>;
  /** The store's health and counters (no I/O). */
  health?(): CacheStoreHealth;
}

/** Entries measured to estimate a store's bytes (the first ones its iteration gives: the least recently used, in the default store). */
export const BYTES_SAMPLE = 32;

/** The first `n` items of `items`. */
export function* firstOf<T>(items: Iterable<T>, n: number): Iterable<T> {
  if (n <= 0) return;
  let i = 0;
  for (const item of items) {
    yield item;
    if (++i >= n) return;
  }
}

/** Options for {@link lruCacheStore}. */
export interface LruCacheStoreOptions {
  /** Max entries held; least recently used go first. @default 10000 */
  readonly maxEntries?: number;
  /**
   * Told the key of each entry dropped to stay within `maxEntries` (not of those deleted or
   * cleared on purpose), so a `Cache` can count evictions for its stats.
   */
  readonly onEviction?: (key: string) => void;
}

/**
 * The default store: a bounded, synchronous LRU that holds at most `maxEntries`, with no timers.
 * @example
 * ```ts
 * const radar = createSceneRadar({ sources, cache: { store: lruCacheStore({ maxEntries: 500 }) } });
 * ```
 */
export function lruCacheStore<V>(options: LruCacheStoreOptions = {}): CacheStore<V> {
  const maxEntries = options.maxEntries ?? 10_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be an integer >= 1');
  const onEviction = options.onEviction;
  const lru = new BoundedLru<string, CacheEntry<V>>({
    maxSize: maxEntries,
    ...(onEviction ? { onEviction: (key: string) => onEviction(key) } : {}),
  });
  return {
    get: (key) => lru.get(key),
    set: (key, entry) => lru.set(key, entry),
    delete: (key) => lru.delete(key),
    clear: (prefix) => {
      if (prefix === undefined) return lru.clear();
      for (const key of [...lru.keys()]) if (key.startsWith(prefix)) lru.delete(key);
    },
    size: () => lru.size,
    bytes: () => estimateFromSample(firstOf(lru.values(), BYTES_SAMPLE), lru.size),
    close: () => lru.clear(),
    sweep: (nowMs) => {
      const spent: string[] = [];
      for (const [key, entry] of lru.entries()) if (entry.staleUntil <= nowMs) spent.push(key);
      for (const key of spent) lru.delete(key);
      return spent.length;
    },
  };
}

/**
 * @module core/cache/cache-store
 * Where cached entries live. The store only stores: expiry is decided by `Cache` from the
 * timestamps inside each entry, so no store needs per-entry timers. The default is a bounded LRU
 * (quick-lru); a shared store (Redis, later) implements the same interface, async if it must.
 */
import QuickLRU from 'quick-lru';

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
 * Storage behind a `Cache`. Synchronous implementations keep the hit path free of
 * promises; asynchronous ones are awaited.
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
  /** Releases the store's resources. */
  close(): MaybePromise<void>;
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
 * The default store: a bounded, synchronous LRU (quick-lru), with no timers.
 * @example
 * ```ts
 * const cache = new Cache({ store: lruCacheStore({ maxEntries: 500 }), ttlMs: 60_000 });
 * ```
 */
export function lruCacheStore<V>(options: LruCacheStoreOptions = {}): CacheStore<V> {
  const maxEntries = options.maxEntries ?? 10_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be an integer >= 1');
  const onEviction = options.onEviction;
  const lru = new QuickLRU<string, CacheEntry<V>>({
    maxSize: maxEntries,
    ...(onEviction ? { onEviction: (key: string) => onEviction(key) } : {}),
  });
  return {
    get: (key) => lru.get(key),
    set: (key, entry) => {
      // quick-lru keeps two generations: a key re-set while in the older one would be reported
      // evicted when that generation goes, though it is held. Dropping it first keeps counts exact.
      if (onEviction) lru.delete(key);
      lru.set(key, entry);
    },
    delete: (key) => lru.delete(key),
    clear: (prefix) => {
      if (prefix === undefined) return lru.clear();
      for (const key of [...lru.keys()]) if (key.startsWith(prefix)) lru.delete(key);
    },
    size: () => lru.size,
    close: () => lru.clear(),
  };
}

/**
 * @module core/cache/cache-group
 * The caches of one radar, by name. Each part of the radar asks the group for the caches it needs
 * (scene pulses, talent results, as-of pulses, replays) and keeps its own TTL policy; the group
 * gives them the host's clock, bound, shared store and event hook, and sums their counters, so a
 * host reads every hit rate from one call (`radar.stats()`).
 */
import type { Clock } from '../clock.js';
import { Cache, storeFigure, type CacheEvent, type CacheStats } from './cache.js';
import type { CacheStore, CacheStoreHealth } from './cache-store.js';

/** Options of a {@link CacheGroup}. */
export interface CacheGroupOptions {
  /** Clock for expiry. */
  readonly clock: Clock;
  /** Bound of each cache's own store (and of its last good values). */
  readonly maxEntries: number;
  /** The host's store, used by the caches created with `shared: true`. @default none: every cache has its own LRU */
  readonly store?: CacheStore<unknown>;
  /** Receives every cache's events (called through `callHook`: a hook that throws or rejects is ignored). */
  readonly onEvent?: (event: CacheEvent) => void;
  /**
   * Tag of the shared caches' keys in the host's store (`name@tag:`): instances that tag
   * differently never read each other's values. The radar gives its package version, so during a
   * rolling deploy an instance never serves a value of another version's shape. @default none (`name:`)
   */
  readonly sharedTag?: string;
  /** Bound of each call of the host's store, ms (see {@link CacheOptions.storeTimeoutMs}). @default 1000 */
  readonly storeTimeoutMs?: number;
}

/** Options of one cache of a {@link CacheGroup}. */
export interface CacheGroupMemberOptions {
  /** Default time to live, ms. */
  readonly ttlMs: number;
  /** Default grace past the TTL, ms. @default 0 */
  readonly graceMs?: number;
  /** Bound of this cache's own store, when its values are large (replays hold whole tables). @default the group's `maxEntries` */
  readonly maxEntries?: number;
  /**
   * Use the host's store when there is one. Only for values that mean the same to every instance
   * sharing it; values holding live objects (tables) or tied to this process stay local. @default false
   */
  readonly shared?: boolean;
  /** Deep-freeze the values handed out (see `CacheOptions.freezeValues`). @default false */
  readonly freezeValues?: boolean;
}

/** Counters of one named cache of a radar (the counters of the one cache mechanism, `src/core/cache`); no key or id appears here. */
export interface CacheNamespaceStats extends CacheStats {
  /** True when the entries live in the host's store (`cache.store`), which other namespaces share. */
  readonly shared: boolean;
}

/** The counters of every cache of a radar, summed, and by namespace. */
export interface CacheGroupStats {
  /** Served fresh, over every namespace. */
  readonly hits: number;
  /** Computed (or joined a computation), over every namespace. */
  readonly misses: number;
  /** Served stale within grace while one refresh ran, over every namespace. */
  readonly stale: number;
  /** Last good values served after a failed computation, over every namespace. */
  readonly fallbacks: number;
  /** Entries dropped to stay bounded, over the namespaces whose store can tell (the host's cannot). */
  readonly evictions: number;
  /** Entries held: every namespace's own store, plus the host's store once if there is one (when it can tell). */
  readonly size: number;
  /**
   * Estimated heap bytes held in this process: every namespace's own store and last good values,
   * plus the host's store's in-process part once (when it can tell). An order of magnitude for
   * alerting on cache memory, not an exact figure.
   */
  readonly bytes: number;
  /** `(hits + stale) / (hits + stale + misses)` over every namespace; null before the first lookup. */
  readonly hitRate: number | null;
  /** The same counters per namespace (`scenes`, `talent`, ...). */
  readonly namespaces: Readonly<Record<string, CacheNamespaceStats>>;
  /**
   * The host's shared store's health, when it reports one (the Redis tier does: `state` is
   * `degraded` while Redis cannot be reached and every instance serves from its own memory).
   */
  readonly store?: CacheStoreHealth;
}

/**
 * Named caches with one clock, bound, store and event hook, and their counters summed.
 * @example
 * ```ts
 * const caches = new CacheGroup({ clock: systemClock, maxEntries: 10_000, onEvent: (e) => log(e.type) });
 * const pulses = caches.cache<unknown>('scenes', { ttlMs: 300_000, graceMs: 60_000, shared: true });
 * caches.stats().namespaces.scenes?.hitRate;
 * ```
 */
export class CacheGroup {
  readonly #o: CacheGroupOptions;
  readonly #members = new Map<
    string,
    {
      readonly stats: () => CacheStats;
      readonly close: () => Promise<void>;
      readonly sweep: () => number;
      readonly shared: boolean;
    }
  >();

  constructor(options: CacheGroupOptions) {
    this.#o = options;
  }

  /**
   * A new cache named `name` (its keys are prefixed `name:` in the store; the name labels its
   * counters and events, so it must name a kind of result, never an artist or a scene).
   */
  cache<V>(name: string, options: CacheGroupMemberOptions): Cache<V> {
    if (this.#members.has(name)) throw new Error(`Cache namespace already in use: ${name}`);
    const shared = options.shared === true && this.#o.store !== undefined;
    const cache = new Cache<V>({
      ttlMs: options.ttlMs,
      graceMs: options.graceMs ?? 0,
      maxEntries: options.maxEntries ?? this.#o.maxEntries,
      ...(this.#o.storeTimeoutMs !== undefined ? { storeTimeoutMs: this.#o.storeTimeoutMs } : {}),
      clock: this.#o.clock,
      namespace: shared && this.#o.sharedTag !== undefined ? `${name}@${this.#o.sharedTag}:` : `${name}:`,
      ...(shared ? { store: this.#o.store } : {}),
      ...(this.#o.onEvent ? { onEvent: this.#o.onEvent } : {}),
      ...(options.freezeValues ? { freezeValues: true } : {}),
    });
    this.#members.set(name, {
      stats: () => cache.stats(),
      close: () => cache.close(),
      sweep: () => cache.sweep(),
      shared,
    });
    return cache;
  }

  /** The counters of every cache, summed and by namespace. */
  stats(): CacheGroupStats {
    const namespaces: Record<string, CacheNamespaceStats> = {};
    let hits = 0;
    let misses = 0;
    let stale = 0;
    let fallbacks = 0;
    let evictions = 0;
    let size = 0;
    let bytes = 0;
    for (const [name, member] of this.#members) {
      const s = member.stats();
      // A shared store's size counts every namespace in it: it is added once below, not per namespace.
      namespaces[name] = {
        ...s,
        size: member.shared ? undefined : s.size,
        bytes: member.shared ? undefined : s.bytes,
        shared: member.shared,
      };
      bytes += (member.shared ? 0 : (s.bytes ?? 0)) + s.lastGoodBytes;
      hits += s.hits;
      misses += s.misses;
      stale += s.stale;
      fallbacks += s.fallbacks;
      evictions += s.evictions ?? 0;
      if (!member.shared) size += s.size ?? 0;
    }
    const sharedUsed = [...this.#members.values()].some((m) => m.shared);
    if (sharedUsed) {
      size += storeFigure(() => this.#o.store?.size()) ?? 0;
      bytes += storeFigure(() => this.#o.store?.bytes?.()) ?? 0;
    }
    const lookups = hits + stale + misses;
    const health = this.#health();
    return {
      hits,
      misses,
      stale,
      fallbacks,
      evictions,
      size,
      bytes,
      hitRate: lookups === 0 ? null : (hits + stale) / lookups,
      namespaces,
      ...(health ? { store: health } : {}),
    };
  }

  /** The host's store's health, if it reports one; none when its `health()` throws (stats must not). */
  #health(): CacheStoreHealth | undefined {
    try {
      const health = this.#o.store?.health?.();
      return typeof health === 'object' && health !== null ? health : undefined;
    } catch {
      return undefined;
    }
  }

  /** Removes the entries past their grace from every cache's own store; returns how many. */
  sweep(): number {
    let n = 0;
    for (const m of this.#members.values()) n += m.sweep();
    return n;
  }

  /** Closes every cache of the group (a host's store stays open). */
  async close(): Promise<void> {
    await Promise.all([...this.#members.values()].map((m) => m.close()));
  }
}

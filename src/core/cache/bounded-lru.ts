/**
 * @module core/cache/bounded-lru
 * A least-recently-used map that never holds more than its bound: a `Map` in recency order (a read
 * moves the key to the end; an insert past the bound evicts the first key, reported). quick-lru,
 * used before, keeps two generations of up to `maxSize` each, so it held up to twice its bound and
 * reported a size capped at it: a cache of whole-table replays documented as "at most 4" held 7.
 */

/** A bounded LRU map (internal). */
export class BoundedLru<K, V> {
  readonly #max: number;
  readonly #map = new Map<K, V>();
  readonly #onEviction: ((key: K, value: V) => void) | undefined;
  /** The most recently used key, already at the end: a repeated read of it moves nothing. */
  #last: K | undefined;

  /** At most `maxSize` entries (an integer >= 1); `onEviction` hears each key pushed out by an insert. */
  constructor(options: { readonly maxSize: number; readonly onEviction?: (key: K, value: V) => void }) {
    if (!Number.isInteger(options.maxSize) || options.maxSize < 1)
      throw new RangeError('maxSize must be an integer >= 1');
    this.#max = options.maxSize;
    this.#onEviction = options.onEviction;
  }

  /** The value of `key`, now the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const map = this.#map;
    const value = map.get(key);
    if (value === undefined || key === this.#last) return value;
    map.delete(key);
    map.set(key, value);
    this.#last = key;
    return value;
  }

  /** Sets `key` as the most recently used; evicts the least recently used past the bound. */
  set(key: K, value: V): void {
    const map = this.#map;
    map.delete(key);
    map.set(key, value);
    this.#last = key;
    if (map.size > this.#max) {
      const [oldest, old] = map.entries().next().value as [K, V];
      map.delete(oldest);
      this.#onEviction?.(oldest, old);
    }
  }

  /** Removes `key` (not an eviction); true when it was there. */
  delete(key: K): boolean {
    if (key === this.#last) this.#last = undefined;
    return this.#map.delete(key);
  }

  /** Removes every entry (not evictions). */
  clear(): void {
    this.#last = undefined;
    this.#map.clear();
  }

  /** Entries held. */
  get size(): number {
    return this.#map.size;
  }

  /** The entries, least recently used first (reading them moves nothing). */
  entries(): IterableIterator<[K, V]> {
    return this.#map.entries();
  }

  /** The keys, least recently used first. */
  keys(): IterableIterator<K> {
    return this.#map.keys();
  }

  /** The values, least recently used first. */
  values(): IterableIterator<V> {
    return this.#map.values();
  }
}

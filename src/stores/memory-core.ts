/**
 * @module stores/memory-core
 * The synchronous heart of the in-memory tables (internal): a primary-key map with secondary
 * indexes, row validation, filters and ordering. The public `memoryTable` wraps it in the async
 * `Table` contract; staged writes and in-memory transactions use it directly, so a commit applies
 * in one synchronous step that no reader can interleave with.
 */
import { deepFreeze } from '../core/freeze.js';
import { isStorableText } from '../core/text.js';
import { parseRow } from './row-shortcuts.js';
import type { RowKey, Scalar, ScalarColumns, ScanQuery, Table, TableSpec } from './table.js';

/** Rows this module validated and froze, with the schema that validated them (re-upserting one skips the parse). */
const VALIDATED = new WeakMap<object, unknown>();

/** Whether `row` is a row this module validated (and froze) with `spec`'s schema: writing it again needs no parse. */
export function isValidated(row: unknown, spec: { readonly schema: unknown }): boolean {
  return typeof row === 'object' && row !== null && VALIDATED.get(row) === spec.schema;
}

export { deepFreeze } from '../core/freeze.js';

/**
 * A UTF-16 code unit's place in code point order: U+E000-U+FFFF below the surrogates (characters
 * above U+FFFF), as UTF-8 bytes and PostgreSQL's `COLLATE "C"` order them; JavaScript's `<` puts
 * them the other way.
 */
const codePointRank = (c: number): number => (c < 0xd800 ? c : c < 0xe000 ? c + 0x2000 : c - 0x800);

/** A UTF-16 code unit from U+D800 up: a surrogate or a character whose code unit order is not its code point order. */
const HIGH_UNIT = /[\ud800-\uffff]/;

/** Two strings in code point order (PostgreSQL's `COLLATE "C"`), not UTF-16 code unit order. */
function compareText(a: string, b: string): number {
  // Where one of the two has no unit from U+D800 up, the first units that differ are in the same
  // order by code unit as by code point: the engine's own comparison, many times faster than a loop.
  if (!HIGH_UNIT.test(a) || !HIGH_UNIT.test(b)) return a < b ? -1 : a === b ? 0 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) < codePointRank(y) ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * The in-memory order: null (and undefined, an absent optional value: both NULL) below every
 * value; text in code point order, as PostgreSQL's `COLLATE "C"` columns.
 */
export function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const aNull = a === null || a === undefined;
  if (aNull && (b === null || b === undefined)) return 0;
  if (aNull) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'string' && typeof b === 'string') return compareText(a, b);
  return (a as Scalar)! < (b as Scalar)! ? -1 : 1;
}

/** Rejects a bad offset or limit, as every store does. */
export function checkPaging(query: { readonly offset?: number; readonly limit?: number }): void {
  if (query.offset !== undefined && (!Number.isInteger(query.offset) || query.offset < 0))
    throw new RangeError(`offset must be an integer >= 0, got ${String(query.offset)}`);
  if (query.limit !== undefined && (!Number.isInteger(query.limit) || query.limit < 1))
    throw new RangeError(`limit must be an integer >= 1, got ${String(query.limit)}`);
}

/** What a scan may do with a column: compare it as text, a number or a boolean, or nothing (a list, an object). */
type ScanKind = 'text' | 'number' | 'bool' | 'other';

const SCAN_KINDS = new WeakMap<object, ReadonlyMap<string, ScanKind>>();

/** The scan kind of each column of a table's row schema (optional, nullable and default unwrapped). */
function scanKinds(spec: { readonly schema: unknown }): ReadonlyMap<string, ScanKind> {
  const schema = spec.schema as unknown as object;
  let kinds = SCAN_KINDS.get(schema);
  if (kinds) return kinds;
  type Def = { readonly type: string; readonly innerType?: unknown };
  const defOf = (x: unknown): Def | undefined => (x as { def?: Def } | undefined)?.def;
  const shape = (schema as { shape?: Record<string, unknown> }).shape ?? {};
  const out = new Map<string, ScanKind>();
  for (const [name, column] of Object.entries(shape)) {
    let def = defOf(column);
    while (def && ['optional', 'nullable', 'default', 'prefault', 'readonly'].includes(def.type))
      def = defOf(def.innerType);
    const type = def?.type;
    out.set(
      name,
      type === 'string' || type === 'enum'
        ? 'text'
        : type === 'number'
          ? 'number'
          : type === 'boolean'
            ? 'bool'
            : 'other',
    );
  }
  kinds = out;
  SCAN_KINDS.set(schema, kinds);
  return kinds;
}

/**
 * Refuses, with a RangeError, a scan PostgreSQL's tables refuse: a bad offset or limit
 * ({@link checkPaging}); a filter, range or order on a column the table does not have or that
 * holds a list or an object; a range bound of another type than its column's. In memory these
 * answered with a made-up order (a list column compared as text) or filtered nothing.
 */
export function checkScan<Row, K extends ScalarColumns<Row>>(spec: TableSpec<Row, K>, query: ScanQuery<Row>): void {
  checkPaging(query);
  checkWhere(spec, query.where);
  if (query.orderBy) scalarKind(spec, query.orderBy.column, 'orderBy');
  const range = query.range;
  if (range) {
    const kind = scalarKind(spec, range.column, 'range');
    for (const side of ['gte', 'lte'] as const) {
      const v: unknown = range[side];
      // Null is a bound too: below every value (a lower bound of null keeps every row).
      if (v === undefined || v === null) continue;
      const fits =
        kind === 'text'
          ? typeof v === 'string' && isStorableText(v)
          : kind === 'bool'
            ? typeof v === 'boolean'
            : typeof v === 'number' && !Number.isNaN(v);
      if (!fits)
        throw new RangeError(
          `${spec.name}: range ${side} on ${range.column as string} must be ${kind === 'text' ? 'storable text (no NUL, no lone surrogate)' : kind === 'bool' ? 'a boolean' : 'a number'}, got ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`,
        );
    }
  }
}

/**
 * Refuses, with a RangeError, an equality filter on a column the table does not have or that
 * holds a list or an object (as PostgreSQL's tables do), for `scan`, `count` and `deleteWhere`.
 */
export function checkWhere<Row, K extends ScalarColumns<Row>>(
  spec: TableSpec<Row, K>,
  where: ScanQuery<Row>['where'] | undefined,
): void {
  for (const [name, v] of Object.entries(where ?? {})) if (v !== undefined) scalarKind(spec, name, 'where');
}

/** The scan kind of column `name` of `spec`'s table, or a RangeError: unknown, or a list or an object. */
function scalarKind(spec: { readonly name: string; readonly schema: unknown }, name: unknown, use: string): ScanKind {
  const kind = typeof name === 'string' ? scanKinds(spec).get(name) : undefined;
  if (kind === undefined) throw new RangeError(`${spec.name}: unknown column ${JSON.stringify(name)} in ${use}`);
  if (kind === 'other')
    throw new RangeError(
      `${spec.name}: column ${name as string} holds a list or an object and cannot be used in ${use}`,
    );
  return kind;
}

/** The equality filters that filter: `[column, value]` pairs, an undefined value left out. */
function activeFilters<Row>(where: ScanQuery<Row>['where'] | undefined): Array<[string, unknown]> {
  return Object.entries(where ?? {}).filter(([, v]) => v !== undefined);
}

/** Whether a row passes filters listed by {@link activeFilters} (listed once for a scan, not per row). */
function passes(row: unknown, filters: readonly [string, unknown][]): boolean {
  const r = row as Record<string, unknown>;
  for (let i = 0; i < filters.length; i++) if (r[filters[i]![0]] !== filters[i]![1]) return false;
  return true;
}

/** Whether a row passes the equality filters (an undefined filter value is no filter). */
export function matchesWhere<Row>(row: unknown, where: ScanQuery<Row>['where'] | undefined): boolean {
  return passes(row, activeFilters(where));
}

/** Whether a row passes the range (inclusive bounds, null below every value). */
export function matchesRange<Row>(row: unknown, range: ScanQuery<Row>['range'] | undefined): boolean {
  if (!range) return true;
  const v = (row as Record<string, unknown>)[range.column];
  if (range.gte !== undefined && compare(v, range.gte) < 0) return false;
  if (range.lte !== undefined && compare(v, range.lte) > 0) return false;
  return true;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * An id of strings alone (no number) whose text order is the order {@link compareIds} gives: no
 * escape, no character below `#` (a string's closing quote then sorts below every character that
 * can follow a prefix of it) and none from U+D800 up (where code unit and code point order
 * differ). Slugs and ISO instants qualify.
 */
// (A character below a space never stands in an id's text: JSON escapes it, and escapes are out.)
const TEXT_ID = /^\["[^"\\ !\ud800-\uffff]*"(?:,"[^"\\ !\ud800-\uffff]*")*\]$/;

/** `ids` sorted in place in key order; ids of strings alone by their text, the faster native sort. */
function sortIds(ids: string[]): string[] {
  return ids.every((id) => TEXT_ID.test(id)) ? ids.sort() : ids.sort(compareIds);
}

/** Two ids compared by their parsed key values (where their texts' order is not the values'). */
function compareParsedIds(a: string, b: string): number {
  const x = JSON.parse(a) as unknown[];
  const y = JSON.parse(b) as unknown[];
  for (let i = 0; i < x.length && i < y.length; i++) {
    if (x[i] === y[i]) continue;
    // Values of two types (a column no SQL table has), by their text as before.
    if (typeof x[i] !== typeof y[i]) return a < b ? -1 : 1;
    return compare(x[i], y[i]);
  }
  return x.length - y.length;
}

/**
 * Two primary-key ids (the key's JSON text) in primary-key order, by the key's values, as
 * PostgreSQL's `ORDER BY` of the key columns gives: a number column by value (in the text, shard
 * `10` comes before shard `9`), a string column by its characters (`a` before `a b`, `a"` before
 * `a#`, where the text has a closing quote and an escape).
 */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  // The common prefix first, in a tight loop (ids of one table share long prefixes: a scene's
  // memberships all start with its slug); the text's state there is read only once, at the end.
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  const x = a.charCodeAt(i);
  const y = b.charCodeAt(i);
  // Inside a string, two plain characters compare as the values do; a closing quote (one string
  // is a prefix of the other) or an escape does not.
  if (i < n && x !== QUOTE && y !== QUOTE && x !== BACKSLASH && y !== BACKSLASH && plainTextAt(a, i))
    return codePointRank(x) < codePointRank(y) ? -1 : 1;
  return compareParsedIds(a, b);
}

/**
 * Whether position `i` of the id text `s` stands inside a string and is not the character an
 * escape's backslash applies to: where two ids' first different characters compare as their
 * values do. Jumps from quote to quote (and escape to escape) instead of reading every character.
 */
function plainTextAt(s: string, i: number): boolean {
  let at = 0;
  for (;;) {
    // Outside a string: the next opening quote.
    const open = s.indexOf('"', at);
    if (open < 0 || open >= i) return false;
    at = open + 1;
    // Inside: escapes skip the character after them, up to the closing quote.
    for (;;) {
      const close = s.indexOf('"', at);
      const backslash = s.indexOf('\\', at);
      if (backslash >= 0 && backslash < i && (close < 0 || backslash < close)) {
        if (backslash + 1 >= i) return false;
        at = backslash + 2;
        continue;
      }
      if (close < 0 || close >= i) return true;
      at = close + 1;
      break;
    }
  }
}

/**
 * The order of a scan: the column (if any), then the primary key; a total order, ids being unique.
 * Given the table's `key` columns, ties compare the rows' key values, the order of their ids
 * ({@link compareIds}) without reading the id text (a scene's memberships share a long id prefix,
 * each step of it a loop over characters). The ids decide where the values are not two strings,
 * two finite numbers or two booleans (a column of mixed types, which no SQL table has, is in its
 * ids' order); `idOf` gives an entry's id where the entry does not hold it yet.
 */
export function entryOrder<Row, E extends [string, Readonly<Row>, ...unknown[]] = [string, Readonly<Row>]>(
  query: ScanQuery<Row>,
  key?: readonly PropertyKey[],
  idOf: (e: E) => string = (e) => e[0],
): (a: E, b: E) => number {
  const byId = (a: E, b: E): number => compareIds(idOf(a), idOf(b));
  const tie =
    key === undefined || key.length === 0
      ? byId
      : (a: E, b: E): number => {
          for (let i = 0; i < key.length; i++) {
            const k = key[i]!;
            const x = (a[1] as Record<PropertyKey, unknown>)[k];
            const y = (b[1] as Record<PropertyKey, unknown>)[k];
            if (x === y) continue;
            const kind = typeof x;
            if (
              kind !== typeof y ||
              (kind !== 'string' &&
                kind !== 'boolean' &&
                !(kind === 'number' && Number.isFinite(x) && Number.isFinite(y)))
            )
              return byId(a, b);
            return compare(x, y);
          }
          return byId(a, b);
        };
  const order = query.orderBy;
  if (!order) return tie;
  const dir = order.direction === 'desc' ? -1 : 1;
  const column = order.column;
  return (a, b) =>
    dir * compare((a[1] as Record<string, unknown>)[column], (b[1] as Record<string, unknown>)[column]) || tie(a, b);
}

/**
 * The first `k` entries in `cmp` order, sorted, in O(n log k): a bounded max-heap (the worst kept
 * entry at its root) instead of a sort of every entry. `cmp` is a total order, so the result is
 * the one a full sort gives.
 */
export function firstK<E>(entries: Iterable<E>, k: number, cmp: (a: E, b: E) => number): E[] {
  const heap: E[] = [];
  const siftUp = (i: number): void => {
    const e = heap[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (cmp(heap[p]!, e) >= 0) break;
      heap[i] = heap[p]!;
      i = p;
    }
    heap[i] = e;
  };
  const siftDown = (i: number): void => {
    const n = heap.length;
    const e = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && cmp(heap[r]!, heap[l]!) > 0 ? r : l;
      if (cmp(heap[m]!, e) <= 0) break;
      heap[i] = heap[m]!;
      i = m;
    }
    heap[i] = e;
  };
  for (const e of entries) {
    if (heap.length < k) {
      heap.push(e);
      siftUp(heap.length - 1);
    } else if (cmp(e, heap[0]!) < 0) {
      heap[0] = e;
      siftDown(0);
    }
  }
  return heap.sort(cmp);
}

/** Sorts a few entries in place by insertion; returns them. */
function insertionSort<E>(entries: E[], cmp: (a: E, b: E) => number): E[] {
  for (let i = 1; i < entries.length; i++) {
    const e = entries[i]!;
    let j = i - 1;
    while (j >= 0 && cmp(entries[j]!, e) > 0) {
      entries[j + 1] = entries[j]!;
      j--;
    }
    entries[j + 1] = e;
  }
  return entries;
}

/**
 * Orders `[id, row]` entries as a scan does (the column, then the primary key: the rows' `key`
 * columns when given, see {@link entryOrder}) and applies the paging. A page much smaller than the matches (`limit: 1` for the latest row, 20 scenes of a
 * catalog) is selected without sorting every match.
 */
export function orderAndPage<Row>(
  entries: Array<[string, Readonly<Row>]>,
  query: ScanQuery<Row>,
  key?: readonly PropertyKey[],
): Readonly<Row>[] {
  const cmp = entryOrder(query, key);
  const start = query.offset ?? 0;
  const end = query.limit === undefined ? entries.length : Math.min(entries.length, start + query.limit);
  if (start >= end) return [];
  // A heap of `end` entries beats a sort of all of them when it holds a small share; a handful of
  // entries (one artist's scenes) is put in order in place, without the set-up and working copy
  // of a library sort (`cmp` is a total order: every sort gives the same result).
  const page =
    end * 8 <= entries.length
      ? firstK(entries, end, cmp)
      : entries.length <= 16
        ? insertionSort(entries, cmp)
        : entries.sort(cmp);
  const out: Readonly<Row>[] = new Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = page[i]![1];
  return out;
}

/**
 * A scan with no filter and no range, of `size` entries read from `entries` (or, for the rows in id
 * order, from `ids` and `rowOf`), without an array of `[id, row]` pairs: a big table's scan made
 * one pair per row, and a pair per row of a 350,000-row table all lived through the
 * young-generation collections the scan itself set off. A small page (`limit: 1` for the latest
 * row) is selected from the entries as they come (or by `first`, when the core orders its rows
 * without putting them together: {@link MemoryCore.first}); every row in key order sorts the ids
 * alone ({@link compareIds}; ids are unique).
 * Otherwise undefined: the caller orders and pages the matches as before.
 */
export function pageOfAll<Row>(
  query: ScanQuery<Row>,
  size: number,
  entries: () => Iterable<[string, Readonly<Row>]>,
  ids: () => string[],
  rowOf: (id: string) => Readonly<Row>,
  first?: (k: number) => Array<[string, Readonly<Row>]>,
  key?: readonly PropertyKey[],
): Readonly<Row>[] | undefined {
  if (query.range || activeFilters(query.where).length > 0) return undefined;
  const start = query.offset ?? 0;
  if (query.limit !== undefined) {
    const end = Math.min(size, start + query.limit);
    if (start >= end) return [];
    if (end * 8 > size) return undefined;
    const page = first ? first(end) : firstK(entries(), end, entryOrder(query, key));
    // `size` may count more rows than `entries` yields (a stage counts live rows it hides): the
    // page holds the rows there are.
    const out: Readonly<Row>[] = new Array(Math.max(0, page.length - start));
    for (let i = start; i < page.length; i++) out[i - start] = page[i]![1];
    return out;
  }
  if (query.orderBy || start > 0) return undefined;
  const sorted = sortIds(ids());
  const out: Readonly<Row>[] = new Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) out[i] = rowOf(sorted[i]!);
  return out;
}

/** One in-memory table, synchronous: what `memoryTable`, staging and in-memory transactions share. */
export interface MemoryCore<Row, K extends ScalarColumns<Row>> {
  /** The table's description. */
  readonly spec: TableSpec<Row, K>;
  /** The primary-key id of a row or key. */
  keyOf(row: RowKey<Row, K> | Row): string;
  /** The key columns of a row or key, alone. */
  keyObject(row: RowKey<Row, K> | Row): RowKey<Row, K>;
  /** The row with this id. */
  get(id: string): Readonly<Row> | undefined;
  /**
   * Validates rows (all or nothing: a TypeError names the first bad row), for {@link MemoryCore.put}.
   * The object core freezes them (it stores them); the columnar core takes them apart and does not.
   */
  validate(rows: readonly Row[]): Readonly<Row>[];
  /**
   * Stores a row from {@link MemoryCore.validate}, replacing the one with its key; `id` is the
   * row's {@link MemoryCore.keyOf} when the caller already has it (the JSON text is not built again).
   */
  put(row: Readonly<Row>, id?: string): void;
  /** Removes the row with this id; whether it existed. */
  remove(id: string): boolean;
  /** Rows matching the filters, with their ids. */
  matching(where: ScanQuery<Row>['where'], range: ScanQuery<Row>['range']): Array<[string, Readonly<Row>]>;
  /** Number of rows matching the equality filters, without collecting them. */
  count(where: ScanQuery<Row>['where']): number;
  /** Every row. */
  rows(): Readonly<Row>[];
  /** Every row with its id, in the table's own order (unsorted; the live map's entries: do not keep across writes). */
  entries(): IterableIterator<[string, Readonly<Row>]>;
  /** Every id, in the table's own order (unsorted; the live map's keys: do not keep across writes). */
  ids(): IterableIterator<string>;
  /**
   * Optional: the first `k` rows of an unfiltered scan in `query`'s order, the same as
   * {@link firstK} over {@link MemoryCore.entries} with {@link entryOrder}, for a core that can
   * order its rows without putting every one of them together (the compact core).
   */
  first?(k: number, query: ScanQuery<Row>): Array<[string, Readonly<Row>]>;
  /**
   * Optional: every id in the scans' default order (the primary key's), kept between reads until a
   * write adds or removes a row (the object core): a scan without `orderBy` pages it instead of
   * sorting every row again (a 20-scene page of the catalog sorted the whole table per request).
   */
  idsInKeyOrder?(): readonly string[];
  /** Number of rows. */
  readonly size: number;
}

const NO_IDS: ReadonlySet<string> = new Set();

/** Creates an empty {@link MemoryCore}. */
export function memoryCore<Row, K extends ScalarColumns<Row>>(spec: TableSpec<Row, K>): MemoryCore<Row, K> {
  const rows = new Map<string, Readonly<Row>>();
  const indexes = new Map<string, Map<unknown, Set<string>>>(spec.indexes.map((c) => [c, new Map()]));
  // Indexes are built at the first filter that uses one, then kept: a table nobody filters (a
  // transaction's stage, written and applied) never pays for them.
  let indexed = false;

  const [k0, k1] = spec.key;
  // JSON text of the key columns (the id, whose order is the scans' default order).
  const keyOf: (row: RowKey<Row, K> | Row) => string =
    spec.key.length === 1
      ? (row) => JSON.stringify([(row as Record<string, unknown>)[k0!]])
      : spec.key.length === 2
        ? (row) => JSON.stringify([(row as Record<string, unknown>)[k0!], (row as Record<string, unknown>)[k1!]])
        : (row) => JSON.stringify(spec.key.map((k) => (row as Record<string, unknown>)[k]));
  const index = (id: string, row: Readonly<Row>, add: boolean): void => {
    if (!indexed) return;
    for (const [column, map] of indexes) {
      const v = (row as Record<string, unknown>)[column];
      let ids = map.get(v);
      if (add) {
        if (!ids) {
          ids = new Set();
          map.set(v, ids);
        }
        ids.add(id);
      } else if (ids) {
        ids.delete(id);
        if (ids.size === 0) map.delete(v);
      }
    }
  };
  // Every id in key order, from the first scan that wants it until a row is added or removed (a
  // row replaced under its id keeps its place).
  let ordered: string[] | null = null;
  const unlink = (id: string): boolean => {
    const old = rows.get(id);
    if (!old) return false;
    index(id, old, false);
    rows.delete(id);
    return true;
  };
  const remove = (id: string): boolean => {
    const removed = unlink(id);
    if (removed) ordered = null;
    return removed;
  };
  /** The smallest candidate set among the filters on indexed columns, if any filter is on one. */
  const smallestIndexed = (filters: readonly [string, unknown][]): ReadonlySet<string> | undefined => {
    let best: ReadonlySet<string> | undefined;
    for (const [column, value] of filters) {
      const map = indexes.get(column);
      if (!map) continue;
      if (!indexed) {
        indexed = true;
        for (const [id, row] of rows) index(id, row, true);
      }
      const ids = map.get(value) ?? NO_IDS;
      if (!best || ids.size < best.size) best = ids;
    }
    return best;
  };

  return {
    spec,
    keyOf,
    keyObject(row) {
      const out: Record<string, unknown> = {};
      for (const k of spec.key) out[k] = (row as Record<string, unknown>)[k];
      return out as RowKey<Row, K>;
    },
    get: (id) => rows.get(id),
    validate(input) {
      return input.map((row, i) => {
        // A row this module already validated with the same schema (and froze) needs no second parse.
        if (isValidated(row, spec)) return row;
        const frozen = deepFreeze(parseRow<Row>(spec, row, i));
        if (typeof frozen === 'object' && frozen !== null) VALIDATED.set(frozen, spec.schema);
        return frozen;
      });
    },
    put(row, id = keyOf(row as Row)) {
      if (!unlink(id)) ordered = null;
      rows.set(id, row);
      index(id, row, true);
    },
    remove,
    matching(where, range) {
      const out: Array<[string, Readonly<Row>]> = [];
      const filters = activeFilters(where);
      const best = smallestIndexed(filters);
      if (best) {
        for (const id of best) {
          const row = rows.get(id)!;
          if (passes(row, filters) && matchesRange(row, range)) out.push([id, row]);
        }
      } else if (filters.length === 0 && !range) {
        for (const entry of rows) out.push(entry);
      } else {
        for (const entry of rows) if (passes(entry[1], filters) && matchesRange(entry[1], range)) out.push(entry);
      }
      return out;
    },
    count(where) {
      const filters = activeFilters(where);
      if (filters.length === 0) return rows.size;
      const best = smallestIndexed(filters);
      // One filter, on an indexed column: the index holds the answer (NaN matches nothing).
      if (best && filters.length === 1 && !Number.isNaN(filters[0]![1])) return best.size;
      let n = 0;
      if (best) {
        for (const id of best) if (passes(rows.get(id), filters)) n++;
      } else {
        for (const row of rows.values()) if (passes(row, filters)) n++;
      }
      return n;
    },
    rows: () => [...rows.values()],
    entries: () => rows.entries(),
    ids: () => rows.keys(),
    idsInKeyOrder() {
      ordered ??= sortIds([...rows.keys()]);
      return ordered;
    },
    get size() {
      return rows.size;
    },
  };
}

/**
 * A scan without `orderBy` over a core that keeps its ids in key order
 * ({@link MemoryCore.idsInKeyOrder}): the rows are walked in that order, filtered, and the walk
 * stops at the page's end. Undefined where an index narrows the rows first (their few matches are
 * sorted instead) or the core keeps no order.
 */
function pageInKeyOrder<Row, K extends ScalarColumns<Row>>(
  core: MemoryCore<Row, K>,
  query: ScanQuery<Row>,
): Readonly<Row>[] | undefined {
  if (query.orderBy || !core.idsInKeyOrder) return undefined;
  const filters = activeFilters(query.where);
  if (filters.some(([column]) => core.spec.indexes.includes(column as never))) return undefined;
  const ids = core.idsInKeyOrder();
  const range = query.range;
  let skip = query.offset ?? 0;
  const limit = query.limit ?? Number.POSITIVE_INFINITY;
  const out: Readonly<Row>[] = [];
  for (let i = 0; i < ids.length && out.length < limit; i++) {
    const row = core.get(ids[i]!)!;
    if ((filters.length > 0 && !passes(row, filters)) || (range && !matchesRange(row, range))) continue;
    if (skip > 0) skip--;
    else out.push(row);
  }
  return out;
}

/** The core behind each table made by {@link tableOverCore}, with the table's own `scan`. */
const CORES = new WeakMap<object, { readonly core: MemoryCore<never, never>; readonly scan: unknown }>();

/**
 * The core behind an in-memory table (one made by {@link tableOverCore}), or undefined for any
 * other table: staged writes over it read its rows with their ids, unsorted, where a scan would
 * sort every match and the stage then build each id again and sort once more. Undefined too when
 * the table's `scan` was replaced (a host or a test wrapping it, to count or trace reads): reads
 * then keep going through it.
 */
export function coreOf<Row, K extends ScalarColumns<Row>>(table: Table<Row, K>): MemoryCore<Row, K> | undefined {
  const entry = CORES.get(table);
  return entry && entry.scan === table.scan ? (entry.core as unknown as MemoryCore<Row, K>) : undefined;
}

/** The async {@link Table} over a core. */
export function tableOverCore<Row, K extends ScalarColumns<Row>>(core: MemoryCore<Row, K>): Table<Row, K> {
  const table: Table<Row, K> = {
    spec: core.spec,
    async get(key) {
      return core.get(core.keyOf(key));
    },
    async getMany(keys) {
      const out: Readonly<Row>[] = [];
      for (const k of keys) {
        const row = core.get(core.keyOf(k));
        if (row) out.push(row);
      }
      return out;
    },
    async upsert(input) {
      // Validate everything first: a bad row rejects the whole batch and nothing changes.
      for (const row of core.validate(input)) core.put(row);
    },
    async delete(keys) {
      let n = 0;
      for (const k of keys) if (core.remove(core.keyOf(k))) n++;
      return n;
    },
    async deleteWhere(where) {
      checkWhere(core.spec, where);
      const victims = core.matching(where, undefined);
      for (const [id] of victims) core.remove(id);
      return victims.length;
    },
    async scan(query = {}) {
      checkScan(core.spec, query);
      return (
        pageInKeyOrder(core, query) ??
        pageOfAll(
          query,
          core.size,
          () => core.entries(),
          () => [...core.ids()],
          (id) => core.get(id)!,
          core.first ? (k) => core.first!(k, query) : undefined,
          core.spec.key,
        ) ??
        orderAndPage(core.matching(query.where, query.range), query, core.spec.key)
      );
    },
    async count(where) {
      checkWhere(core.spec, where);
      return core.count(where);
    },
  };
  CORES.set(table, { core: core as unknown as MemoryCore<never, never>, scan: table.scan });
  return table;
}

/**
 * @module stores/compact-core
 * A {@link MemoryCore} that keeps its rows as columns, for the in-memory tables that hold a row or
 * more per artist (`scene_memberships`, `talent_radar_artists`): a million artists are millions of
 * rows, and as frozen objects each cost about 550 bytes (the object, a boxed number per score, a
 * copy of every array, its id text, the index entries). Here a number costs 8 bytes in a
 * `Float64Array`; a string, null, a boolean or an array of strings is stored once per column
 * (reference-counted, so the pool holds only what live rows use) and costs a row 4 bytes, or
 * nothing when every row holds the same one; a flat record (the talent row's `metadata`) is kept as
 * columns of its own; anything else is kept as it is. The primary key and the indexes are linked
 * lists in typed arrays over the pooled values, so no id text is stored; ids are written when a
 * scan asks for them.
 *
 * Rows are put together when read: a read returns an equal, frozen object with the keys in the
 * schema's order, not the object that was written (identity is the one thing that differs, and the
 * `Table` contract never promised it). The row schema must be an object schema that drops unknown
 * keys (Zod's default): its keys give the columns, in order. Key columns must be required scalars.
 * {@link storedCore} uses it for the two built-in specs above only; a review's edge cases outside
 * that scope (a passthrough schema, an optional key column, filtering a non-scalar column by an
 * object) behave differently from the object core.
 */
import {
  deepFreeze,
  entryOrder,
  firstK,
  isValidated,
  type MemoryCore,
  matchesRange,
  memoryCore,
} from './memory-core.js';
import { parseRow } from './row-shortcuts.js';
import { SCENES_TABLES, TALENT_TABLES } from './specs.js';
import type { ScalarColumns, ScanQuery, TableSpec } from './table.js';

/** `ref` codes besides a pool slot (>= 0). */
const NUMBER = -1;
const ABSENT = -2;
const OTHER = -3;
/** A flat record (the talent row's `metadata`), kept in the column's fields. */
const RECORD = -4;

/** One column's storage. */
interface Column {
  readonly name: string;
  /** Numbers, by row (null until the column sees one). */
  num: Float64Array | null;
  /** Pool slot or code, by row (null while every row holds the same code or slot: `one`). */
  ref: Int32Array | null;
  /**
   * Without `ref`, the code or pool slot of every row: what the first row held, such as the one
   * pooled value every row holds (a refresh's `as_of`, the model version: no 4 bytes a row for
   * them), {@link NUMBER} for a column of numbers, or {@link ABSENT}.
   */
  one: number;
  /** Values neither numbers nor poolable, by row. */
  readonly other: Map<number, unknown>;
  /** Pool: slot of each poolable scalar. */
  readonly slotOf: Map<unknown, number>;
  /** Pool: slot of each array of strings, by the hash of its strings ({@link hashStrings}; a list where hashes collide). */
  readonly arraySlotOf: Map<number, number | number[]>;
  /** Pool: value of each slot. */
  readonly values: unknown[];
  /** Pool: live rows using each slot. */
  uses: Int32Array;
  /** Pool: free slots. */
  readonly freeSlots: number[];
  /** Pool: the {@link hashStrings} of each slot holding an array (so a release does not hash it again). */
  hashes: Int32Array;
  /** For flat records: the key list of each row's record (pooled), and one column per key. */
  record: { readonly keys: Column; readonly fields: Map<string, Column> } | null;
  /**
   * Whether the column is a key or indexed column: its records are kept as they are (an index
   * files a row under its value, which must be the same object when the row is filed out).
   */
  indexed: boolean;
}

/**
 * Record keys a column keeps columns for; a record that would add more is kept as it is (a column
 * is never released, so records keyed by data, such as a map of ids, must not each add one).
 */
const MAX_RECORD_FIELDS = 32;

/** Whether the record `v` fits the columns of `c`'s records (new keys included). */
function fitsRecord(c: Column, v: Record<string, unknown>): boolean {
  let fields = c.record ? c.record.fields.size : 0;
  for (const k in v) if (!c.record?.fields.has(k) && ++fields > MAX_RECORD_FIELDS) return false;
  return true;
}

/** An empty column. */
const column = (name: string): Column => ({
  name,
  num: null,
  ref: null,
  one: NUMBER,
  other: new Map(),
  slotOf: new Map(),
  arraySlotOf: new Map(),
  values: [],
  uses: new Int32Array(64),
  freeSlots: [],
  hashes: new Int32Array(64),
  record: null,
  indexed: false,
});

/**
 * Whether `v` is a flat record: a plain object whose own values are numbers, strings, null or
 * booleans (kept as columns of their own; any other object is kept as it is).
 */
function isFlatRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype) return false;
  if (Object.getOwnPropertySymbols(v).length > 0) return false;
  const names = Object.getOwnPropertyNames(v);
  const keys = Object.keys(v);
  if (names.length !== keys.length) return false;
  for (const k of keys) {
    if (k === '__proto__') return false;
    const x = (v as Record<string, unknown>)[k];
    if (x !== null && typeof x !== 'number' && typeof x !== 'string' && typeof x !== 'boolean') return false;
  }
  return true;
}

/**
 * The rows of one indexed value that is not pooled (a number, a kept object): a list while short
 * (a Set costs about 150 bytes even for a few rows), a Set once a list would be slow to delete from.
 */
type Bucket = number[] | Set<number>;

/** Rows beyond which a bucket becomes a Set. */
const LIST_ROWS = 32;

const bucketSize = (b: Bucket): number => (Array.isArray(b) ? b.length : b.size);

/** Whether a value is stored in a column's pool: a string, null, a boolean, or an array of strings. */
function poolable(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string' || !(i in v)) return false;
  return true;
}

/** A copy of `a` with `size` entries, the new ones `fill`. */
/** A 32-bit FNV-1a hash of an array of strings (each string's code units, then a separator). */
function hashStrings(a: readonly string[]): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < a.length; i++) {
    const t = a[i]!;
    for (let j = 0; j < t.length; j++) h = Math.imul(h ^ t.charCodeAt(j), 0x01000193);
    h = Math.imul(h ^ 0xffff, 0x01000193);
  }
  return h | 0;
}

/** Whether two arrays of strings hold the same strings in the same order. */
function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const grown = <A extends Float64Array | Int32Array | Uint8Array>(a: A, size: number, fill: number): A => {
  const out = new (a.constructor as new (n: number) => A)(size);
  out.set(a);
  out.fill(fill, a.length);
  return out;
};

/** The columns of an object schema, in its order; undefined for any other schema. */
export function schemaColumns(schema: unknown): readonly string[] | undefined {
  const shape = (schema as { shape?: unknown } | null)?.shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : undefined;
}

/** What a columnar core holds (for tests and measurements). */
export interface CompactStats {
  /** Live rows. */
  readonly rows: number;
  /** Rows its columns have room for. */
  readonly capacity: number;
  /** Distinct values in each column's pool. */
  readonly pooled: Readonly<Record<string, number>>;
  /** Bytes of the typed arrays of the columns and indexes (outside the V8 heap). */
  readonly arrayBytes: number;
  /** Columns that keep a code or slot per row (the others hold one value, or numbers only). */
  readonly coded: readonly string[];
}

const STATS = new WeakMap<object, () => CompactStats>();

/** What a core made by {@link compactCore} holds; undefined for any other core. */
export function compactStats(core: object): CompactStats | undefined {
  return STATS.get(core)?.();
}

/**
 * An index on one column: for the rows whose value is in the column's pool (strings, null,
 * booleans), a doubly linked list per pool slot in typed arrays (8 bytes a row, where a `Set` entry
 * costs about 30 and an artist's own `Set` about 150); for any other value (a number), a map of
 * buckets.
 */
interface ListIndex {
  /** Next row with the same slot, by row (-1: none). */
  next: Int32Array;
  /** Previous row with the same slot, by row (-1: none). */
  prev: Int32Array;
  /** First row of each slot (-1: none). */
  head: Int32Array;
  /** Rows of each value that is not pooled. */
  readonly loose: Map<unknown, Bucket>;
}

/** Rows found by an index: a list (its first row, walked by `next`) or a bucket, and how many. */
interface Found {
  readonly size: number;
  readonly first: number;
  readonly next: Int32Array | null;
  readonly bucket: Bucket | null;
}

const NONE: Found = { size: 0, first: -1, next: null, bucket: null };

/** An equality filter of a scan, resolved: the column's index and storage (null: no such column). */
interface Filter {
  readonly ci: number;
  readonly column: Column | null;
  readonly index: ListIndex | undefined;
  readonly value: unknown;
}

/** Creates an empty columnar {@link MemoryCore} for a table whose rows have `columns`, in that order. */
export function compactCore<Row, K extends ScalarColumns<Row>>(
  spec: TableSpec<Row, K>,
  columns: readonly string[],
  base: Pick<MemoryCore<Row, K>, 'keyOf' | 'keyObject'>,
): MemoryCore<Row, K> {
  let capacity = 1024;
  let high = 0; // rows below this have been used
  let live = 0;
  const freeRows: number[] = [];
  const cols: Column[] = columns.map(column);
  const colIndex = new Map(columns.map((c, i) => [c, i]));
  const keyCols = spec.key.map((k) => colIndex.get(k as string)!);
  /** Whether each row is live. */
  let alive = new Uint8Array(capacity);

  // Every key column and every indexed column has an index, kept from the first row on (a few
  // bytes a row); a row is found by its key through the shortest of its key columns' lists.
  const indexes = new Map<number, ListIndex>();
  for (const name of [...spec.key, ...spec.indexes] as string[]) {
    const c = colIndex.get(name);
    if (c === undefined || indexes.has(c)) continue;
    cols[c]!.indexed = true;
    indexes.set(c, {
      next: new Int32Array(capacity).fill(-1),
      prev: new Int32Array(capacity).fill(-1),
      head: new Int32Array(64).fill(-1),
      loose: new Map(),
    });
  }

  /** Row `r`'s code or pool slot in column `c`. */
  const refAt = (c: Column, r: number): number => (c.ref ? c.ref[r]! : c.one);

  const value = (c: Column, r: number): unknown => {
    const ref = c.ref ? c.ref[r]! : c.one;
    if (ref >= 0) return c.values[ref];
    if (ref === NUMBER) return c.num![r];
    if (ref === ABSENT) return undefined;
    if (ref === RECORD) return recordAt(c, r);
    return c.other.get(r);
  };

  /** The frozen record row `r` holds in column `c`, its keys in their order. */
  const recordAt = (c: Column, r: number): Readonly<Record<string, unknown>> => {
    const { keys, fields } = c.record!;
    const names = keys.values[refAt(keys, r)] as readonly string[];
    const out: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) out[names[i]!] = value(fields.get(names[i]!)!, r);
    return Object.freeze(out);
  };
  const has = (c: Column, r: number): boolean => refAt(c, r) !== ABSENT;

  const release = (c: Column, r: number): void => {
    const ref = refAt(c, r);
    if (ref === OTHER) c.other.delete(r);
    if (ref === RECORD) {
      const { keys, fields } = c.record!;
      for (const name of keys.values[refAt(keys, r)] as readonly string[]) release(fields.get(name)!, r);
      release(keys, r);
    }
    if (ref < 0) return;
    if (--c.uses[ref]! > 0) return;
    const v = c.values[ref];
    if (Array.isArray(v)) {
      const h = c.hashes[ref]!;
      const at = c.arraySlotOf.get(h)!;
      if (typeof at === 'number') c.arraySlotOf.delete(h);
      else {
        at.splice(at.indexOf(ref), 1);
        if (at.length === 1) c.arraySlotOf.set(h, at[0]!);
      }
    } else c.slotOf.delete(v);
    c.values[ref] = undefined;
    c.freeSlots.push(ref);
  };

  /** The slot of an array equal to `a` in the pool of `c`, if any. */
  const arraySlot = (c: Column, a: readonly string[], h: number): number | undefined => {
    const at = c.arraySlotOf.get(h);
    if (at === undefined) return undefined;
    if (typeof at === 'number') return sameStrings(c.values[at] as string[], a) ? at : undefined;
    return at.find((s) => sameStrings(c.values[s] as string[], a));
  };

  const slotFor = (c: Column, v: unknown): number => {
    const h = Array.isArray(v) ? hashStrings(v) : 0;
    let slot = Array.isArray(v) ? arraySlot(c, v, h) : c.slotOf.get(v);
    if (slot === undefined) {
      slot = c.freeSlots.pop() ?? c.values.length;
      // Readers get the pooled value itself: frozen (an array of strings is frozen all through).
      if (Array.isArray(v)) Object.freeze(v);
      if (slot === c.values.length) c.values.push(v);
      else c.values[slot] = v;
      if (slot >= c.uses.length) {
        c.uses = grown(c.uses, c.uses.length * 2, 0);
        c.hashes = grown(c.hashes, c.uses.length, 0);
      }
      c.uses[slot] = 0;
      c.hashes[slot] = h;
      if (!Array.isArray(v)) c.slotOf.set(v, slot);
      else {
        const at = c.arraySlotOf.get(h);
        if (at === undefined) c.arraySlotOf.set(h, slot);
        else if (typeof at === 'number') c.arraySlotOf.set(h, [at, slot]);
        else at.push(slot);
      }
    }
    c.uses[slot]!++;
    return slot;
  };

  /**
   * Sets row `r`'s code or slot in column `c`. A column without its `ref` array holds one code for
   * every row: the first row written to an empty table sets it, and the array is made when a row
   * differs.
   */
  const setRef = (c: Column, r: number, ref: number): void => {
    if (c.ref) c.ref[r] = ref;
    else if (live === 0) c.one = ref;
    else if (ref !== c.one) {
      c.ref = new Int32Array(capacity).fill(c.one);
      c.ref[r] = ref;
    }
  };

  /** Stores row `r`'s value `v` in column `c` (`present`: the row has the key). */
  const store = (c: Column, r: number, present: boolean, v: unknown): void => {
    if (present && typeof v === 'number') {
      if (!c.num) c.num = new Float64Array(capacity);
      c.num[r] = v;
      setRef(c, r, NUMBER);
      return;
    }
    if (!present) setRef(c, r, ABSENT);
    else if (poolable(v)) setRef(c, r, slotFor(c, v));
    else if (!c.indexed && isFlatRecord(v) && fitsRecord(c, v)) {
      c.record ??= { keys: column(`${c.name} keys`), fields: new Map() };
      const names = Object.keys(v);
      store(c.record.keys, r, true, names);
      for (const name of names) {
        let field = c.record.fields.get(name);
        if (!field) {
          field = column(name);
          c.record.fields.set(name, field);
        }
        store(field, r, true, v[name]);
      }
      setRef(c, r, RECORD);
    } else {
      setRef(c, r, OTHER);
      c.other.set(r, deepFreeze(v));
    }
  };

  const grow = (): void => {
    // By a quarter, not double: at a million rows the slack of a doubling is tens of megabytes.
    capacity = Math.ceil(capacity * 1.25);
    alive = grown(alive, capacity, 0);
    const growColumn = (c: Column): void => {
      if (c.num) c.num = grown(c.num, capacity, 0);
      if (c.ref) c.ref = grown(c.ref, capacity, NUMBER);
      if (c.record) {
        growColumn(c.record.keys);
        for (const f of c.record.fields.values()) growColumn(f);
      }
    };
    for (const c of cols) growColumn(c);
    for (const ix of indexes.values()) {
      ix.next = grown(ix.next, capacity, -1);
      ix.prev = grown(ix.prev, capacity, -1);
    }
  };

  const link = (ci: number, ix: ListIndex, r: number): void => {
    const c = cols[ci]!;
    const slot = refAt(c, r);
    if (slot < 0) {
      const v = value(c, r);
      const rows = ix.loose.get(v);
      if (!rows) ix.loose.set(v, [r]);
      else if (!Array.isArray(rows)) rows.add(r);
      else if (rows.length < LIST_ROWS) rows.push(r);
      else ix.loose.set(v, new Set(rows).add(r));
      return;
    }
    if (slot >= ix.head.length) ix.head = grown(ix.head, Math.max(slot + 1, ix.head.length * 2), -1);
    const first = ix.head[slot]!;
    ix.next[r] = first;
    ix.prev[r] = -1;
    if (first >= 0) ix.prev[first] = r;
    ix.head[slot] = r;
  };

  const unlink = (ci: number, ix: ListIndex, r: number): void => {
    const c = cols[ci]!;
    const slot = refAt(c, r);
    if (slot < 0) {
      const v = value(c, r);
      const rows = ix.loose.get(v);
      if (!rows) return;
      if (Array.isArray(rows)) {
        // Order within a bucket does not matter (scans order their matches): the last takes the place.
        const at = rows.indexOf(r);
        if (at >= 0) rows[at] = rows[rows.length - 1]!;
        rows.pop();
      } else rows.delete(r);
      if (bucketSize(rows) === 0) ix.loose.delete(v);
      return;
    }
    const p = ix.prev[r]!;
    const n = ix.next[r]!;
    if (p >= 0) ix.next[p] = n;
    else ix.head[slot] = n;
    if (n >= 0) ix.prev[n] = p;
    ix.next[r] = -1;
    ix.prev[r] = -1;
  };

  /** The rows whose column `ci` holds `v`: a list's first row, or a bucket; and how many. */
  const rowsWith = (ci: number, ix: ListIndex, v: unknown): Found => {
    const c = cols[ci]!;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') {
      const slot = c.slotOf.get(v);
      if (slot === undefined || slot >= ix.head.length) return NONE;
      return { size: c.uses[slot]!, first: ix.head[slot]!, next: ix.next, bucket: null };
    }
    const bucket = ix.loose.get(v);
    return bucket ? { size: bucketSize(bucket), first: -1, next: null, bucket } : NONE;
  };

  /** The rows of `found`, in an array (the list walked once). */
  const rowsOf = (found: Found): readonly number[] => {
    if (found.bucket) return Array.isArray(found.bucket) ? found.bucket : [...found.bucket];
    const out = new Array<number>(found.size);
    let i = 0;
    for (let r = found.first; r >= 0; r = found.next![r]!) out[i++] = r;
    out.length = i;
    return out;
  };

  const materialise = (r: number): Readonly<Row> => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i]!;
      if (has(c, r)) out[c.name] = value(c, r);
    }
    return Object.freeze(out) as Readonly<Row>;
  };

  const keyColumns = keyCols.map((k) => cols[k]!);
  const [key0, key1] = keyColumns;
  const idOf = (r: number): string =>
    keyColumns.length === 1
      ? JSON.stringify([value(key0!, r)])
      : keyColumns.length === 2
        ? JSON.stringify([value(key0!, r), value(key1!, r)])
        : JSON.stringify(keyColumns.map((c) => value(c, r)));
  const keyIndexes = keyCols.map((k) => indexes.get(k)!);

  /** Whether row `r`'s key columns hold `key` (compared as the id's JSON text compares them: -0 is 0). */
  const hasKey = (r: number, key: readonly unknown[]): boolean => {
    for (let k = 0; k < keyColumns.length; k++) if (value(keyColumns[k]!, r) !== key[k]) return false;
    return true;
  };

  /** The live row whose key columns hold `key` (in key order), if any: through the shortest key list. */
  const rowOfKey = (key: readonly unknown[]): number | undefined => {
    // Most keys are pooled values (slugs): their lists are found without allocating.
    let bestK = -1;
    let bestSlot = -1;
    let bestSize = 0;
    let loose: Found | undefined;
    for (let k = 0; k < keyCols.length; k++) {
      const v = key[k];
      if (v === null || typeof v === 'string' || typeof v === 'boolean') {
        const slot = keyColumns[k]!.slotOf.get(v);
        if (slot === undefined) return undefined;
        const size = keyColumns[k]!.uses[slot]!;
        if (bestK < 0 || size < bestSize) {
          bestK = k;
          bestSlot = slot;
          bestSize = size;
        }
      } else {
        const found = rowsWith(keyCols[k]!, keyIndexes[k]!, v);
        if (found.size === 0) return undefined;
        if (!loose || found.size < loose.size) loose = found;
      }
    }
    if (loose && (bestK < 0 || loose.size < bestSize)) {
      for (const r of loose.bucket!) if (hasKey(r, key)) return r;
      return undefined;
    }
    const ix = keyIndexes[bestK]!;
    if (bestSlot >= ix.head.length) return undefined;
    for (let r = ix.head[bestSlot]!; r >= 0; r = ix.next[r]!) if (hasKey(r, key)) return r;
    return undefined;
  };

  const rowOfId = (id: string): number | undefined => {
    let key: unknown;
    try {
      key = JSON.parse(id);
    } catch {
      return undefined;
    }
    if (!Array.isArray(key) || key.length !== keyCols.length) return undefined;
    // Only the id itself (another spelling of the same JSON is another id, as in the object core).
    const r = rowOfKey(key);
    return r !== undefined && idOf(r) === id ? r : undefined;
  };

  const removeRow = (r: number): void => {
    for (const [ci, ix] of indexes) unlink(ci, ix, r);
    for (const c of cols) release(c, r);
    alive[r] = 0;
    freeRows.push(r);
    live--;
  };

  /** The rows a filter on a key or indexed column narrows to, the smallest such set; undefined: every row. */
  const candidates = (filters: readonly Filter[]): readonly number[] | undefined => {
    let best: Found | undefined;
    for (const f of filters) {
      const ix = f.index;
      if (!ix) continue;
      const found = rowsWith(f.ci, ix, f.value);
      if (!best || found.size < best.size) best = found;
    }
    return best && rowsOf(best);
  };

  /** The active filters (an undefined value is no filter), resolved to their columns once per call. */
  const filtersOf = (where: ScanQuery<Row>['where'] | undefined): Filter[] => {
    const out: Filter[] = [];
    for (const [column, v] of Object.entries(where ?? {})) {
      if (v === undefined) continue;
      const ci = colIndex.get(column);
      out.push({
        ci: ci ?? -1,
        column: ci === undefined ? null : cols[ci]!,
        index: ci === undefined ? undefined : indexes.get(ci),
        value: v,
      });
    }
    return out;
  };

  const passes = (r: number, filters: readonly Filter[]): boolean => {
    for (let i = 0; i < filters.length; i++) {
      const f = filters[i]!;
      // A column the rows do not have holds undefined, which no active filter matches.
      if (f.column === null || value(f.column, r) !== f.value) return false;
    }
    return true;
  };

  function* liveRows(): IterableIterator<number> {
    for (let r = 0; r < high; r++) if (alive[r]) yield r;
  }

  // A row's values by column, read once per write (a row's keys come in the schema's order, so one
  // pass over them finds every column; any other order is read by name).
  const scratch: unknown[] = new Array(cols.length).fill(undefined);
  const present = new Uint8Array(cols.length);
  const keyScratch: unknown[] = new Array(keyCols.length);
  const readRow = (data: Record<string, unknown>): void => {
    present.fill(0);
    let next = 0;
    for (const k in data) {
      let j = next;
      while (j < cols.length && cols[j]!.name !== k) j++;
      if (j === cols.length) {
        // A key out of order (or not a column): read every column by name.
        for (let i = 0; i < cols.length; i++) {
          const name = cols[i]!.name;
          present[i] = Object.hasOwn(data, name) ? 1 : 0;
          scratch[i] = present[i] ? data[name] : undefined;
        }
        return;
      }
      scratch[j] = data[k];
      present[j] = 1;
      next = j + 1;
    }
  };

  const core: MemoryCore<Row, K> = {
    spec,
    keyOf: base.keyOf,
    keyObject: base.keyObject,
    // Rows are parsed (a copy through the schema) and taken apart by `put`: not frozen, since the
    // written object is never handed out (pooled arrays and kept values are frozen when stored).
    validate: (input) => input.map((row, i) => (isValidated(row, spec) ? row : parseRow<Row>(spec, row, i))),
    get(id) {
      const r = rowOfId(id);
      return r === undefined ? undefined : materialise(r);
    },
    put(row) {
      readRow(row as Record<string, unknown>);
      for (let k = 0; k < keyCols.length; k++) keyScratch[k] = scratch[keyCols[k]!];
      const old = rowOfKey(keyScratch);
      if (old !== undefined) removeRow(old);
      const r = freeRows.pop() ?? high++;
      if (r >= capacity) grow();
      for (let i = 0; i < cols.length; i++) store(cols[i]!, r, present[i] === 1, scratch[i]);
      scratch.fill(undefined);
      alive[r] = 1;
      live++;
      for (const [ci, ix] of indexes) link(ci, ix, r);
    },
    remove(id) {
      const r = rowOfId(id);
      if (r === undefined) return false;
      removeRow(r);
      return true;
    },
    matching(where, range) {
      const filters = filtersOf(where);
      const out: Array<[string, Readonly<Row>]> = [];
      const pick = (r: number): void => {
        if (!passes(r, filters)) return;
        const row = materialise(r);
        if (matchesRange(row, range)) out.push([idOf(r), row]);
      };
      const some = candidates(filters);
      if (some) for (const r of some) pick(r);
      else for (let r = 0; r < high; r++) if (alive[r]) pick(r);
      return out;
    },
    count(where) {
      const filters = filtersOf(where);
      if (filters.length === 0) return live;
      let n = 0;
      const some = candidates(filters);
      if (some) {
        for (const r of some) if (passes(r, filters)) n++;
      } else for (let r = 0; r < high; r++) if (alive[r] && passes(r, filters)) n++;
      return n;
    },
    rows: () => Array.from(liveRows(), materialise),
    *entries() {
      for (const r of liveRows()) yield [idOf(r), materialise(r)] as [string, Readonly<Row>];
    },
    *ids() {
      for (const r of liveRows()) yield idOf(r);
    },
    // The first rows of an ordered scan (`limit: 1` for the latest `as_of`) without putting every
    // row together: each row is compared as a stub holding its order and key columns alone (the
    // values a materialised row holds there, so the same comparisons in the same order pick the
    // same rows), and only the rows kept are materialised and get their id text. A stub instead of
    // a whole row, and no id for the rest: a 350,000-row table's latest `as_of` took 1.2 s.
    first(k, query) {
      const name = query.orderBy?.column as string | undefined;
      const c = name === undefined ? undefined : cols.find((col) => col.name === name);
      function* stubs(): Generator<[string, Readonly<Row>, number]> {
        for (let r = 0; r < high; r++) {
          if (!alive[r]) continue;
          const stub: Record<string, unknown> = {};
          if (c !== undefined && has(c, r)) stub[name!] = value(c, r);
          for (let i = 0; i < keyColumns.length; i++) stub[keyColumns[i]!.name] = value(keyColumns[i]!, r);
          yield ['', stub as Readonly<Row>, r];
        }
      }
      const order = entryOrder<Row, [string, Readonly<Row>, number]>(query, spec.key, (e) => idOf(e[2]));
      const kept = firstK(stubs(), k, order);
      return kept.map(([, , r]) => [idOf(r), materialise(r)] as [string, Readonly<Row>]);
    },
    get size() {
      return live;
    },
  };
  const allColumns = (c: Column): Column[] =>
    c.record ? [c, ...[c.record.keys, ...c.record.fields.values()].flatMap(allColumns)] : [c];
  STATS.set(core, () => ({
    rows: live,
    capacity,
    arrayBytes:
      alive.byteLength +
      cols.flatMap(allColumns).reduce((n, c) => n + (c.num?.byteLength ?? 0) + (c.ref?.byteLength ?? 0), 0) +
      [...indexes.values()].reduce((n, ix) => n + ix.next.byteLength + ix.prev.byteLength + ix.head.byteLength, 0),
    coded: cols.filter((c) => c.ref).map((c) => c.name),
    pooled: Object.fromEntries(
      cols.flatMap(function entries(c: Column): Array<[string, number]> {
        const own: [string, number] = [c.name, c.values.length - c.freeSlots.length];
        if (!c.record) return [own];
        const inner = [c.record.keys, ...c.record.fields.values()].flatMap(entries);
        return [own, ...inner.map(([n, v]): [string, number] => [`${c.name}.${n}`, v])];
      }),
    ),
  }));
  return core;
}

/** The tables kept as columns: the ones with a row or more per artist. */
const COMPACT_SPECS: ReadonlySet<object> = new Set<object>([
  SCENES_TABLES.scene_memberships,
  TALENT_TABLES.talent_radar_artists,
]);

/**
 * The core a live in-memory table keeps its rows in: columns ({@link compactCore}) for the
 * per-artist tables, frozen objects ({@link memoryCore}) for the rest, whose few rows the HTTP
 * serialiser remembers the JSON of by identity.
 */
export function storedCore<Row, K extends ScalarColumns<Row>>(spec: TableSpec<Row, K>): MemoryCore<Row, K> {
  const objects = memoryCore(spec);
  const columns = COMPACT_SPECS.has(spec) ? schemaColumns(spec.schema) : undefined;
  return columns ? compactCore(spec, columns, objects) : objects;
}

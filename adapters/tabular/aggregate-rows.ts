/**
 * @module adapters/tabular/aggregate-rows
 * The aggregation step, between validation and linking: rows of one table that share a key
 * (an artist and day, a collaborating pair, an artist's event id) become one row. Exports
 * repeat rows (a file delivered twice, a day split per track or platform, a chart listing a
 * song every week), and a row the sources serve twice is counted twice by every score; the
 * defaults here never add up a repeated delivery.
 */
import { DEFAULT_CONFIG } from '../../src/config.js';
import { observedAtMs } from '../../src/core/time.js';
import type { RejectionLog } from './rejections.js';
import type { TabularRowOf, TabularTableName } from './row-schemas.js';
import type { Located } from './validate-rows.js';

/**
 * How the values of several rows for one artist and day combine, column by column. Blank cells
 * are unknown: they never count, and a column blank in every row stays blank.
 *
 * - `'sum'`: add them (a day split across rows: per track, per platform, per market);
 * - `'max'`: the largest (a repeated delivery counts once; a split day keeps its biggest part);
 * - `'mean'`: their average;
 * - `'last'`: the last one in input order (a later delivery corrects an earlier one).
 * @example
 * ```ts
 * const perTrack: DailyCombiner = 'sum'; // one engagement row per track and day: add them up
 * createTabularSources(tables, { aggregate: { engagement: perTrack } });
 * ```
 */
export type DailyCombiner = 'sum' | 'max' | 'mean' | 'last';

/**
 * Which of several rows with one id is kept: the first or the last in input order.
 * @example
 * ```ts
 * // The export appends corrections; keep what was delivered first instead.
 * createTabularSources(tables, { aggregate: { events: 'first' satisfies DuplicateIdRule } });
 * ```
 */
export type DuplicateIdRule = 'first' | 'last';

/**
 * How rows that share a key are combined, per table (`TabularSourcesOptions.aggregate`). Rows of
 * other tables are not combined: duplicate artists, releases, memberships and workspaces stay
 * rejections. The report counts merged rows per table as `combined`.
 * @example
 * ```ts
 * // A chart export with one row per track: add a day's streams up, count each co-credit pair's songs.
 * createTabularSources(tables, { aggregate: { engagement: 'sum', collaborators: 'sum' } });
 * ```
 */
export interface TabularAggregation {
  /**
   * Engagement rows of one artist and day; `organic` and `paid` combine separately. Choose
   * `'sum'` when the export splits a day across rows.
   * @default 'max'
   */
  readonly engagement?: DailyCombiner;
  /**
   * Coherence rows of one artist and day (a 0-1 score, so there is no `'sum'`).
   * @default 'mean'
   */
  readonly coherence?: Exclude<DailyCombiner, 'sum'>;
  /**
   * Collaborator rows of one pair, in either order (`a,b` and `b,a` are one pair): `since` is
   * always the earliest; `weight` is the largest (`'max'`) or the total (`'sum'`, e.g. one row
   * per joint song).
   * @default 'max'
   */
  readonly collaborators?: 'sum' | 'max';
  /**
   * Event rows of one artist with the same id: one is kept (`'last'`: a later delivery updates
   * an earlier one). Rows without an id get generated ids and never combine; the same id on two
   * artists (one chart entry credited to both) is two events.
   * @default 'last'
   */
  readonly events?: DuplicateIdRule;
  /**
   * Article rows of one artist with the same id, as for `events`.
   * @default 'last'
   */
  readonly articles?: DuplicateIdRule;
}

/**
 * The defaults of {@link TabularAggregation}, spelled out: none of them adds a repeated delivery up.
 * @example
 * ```ts
 * DEFAULT_AGGREGATION.engagement; // 'max'
 * ```
 */
export const DEFAULT_AGGREGATION: Readonly<Required<TabularAggregation>> = Object.freeze({
  engagement: 'max',
  coherence: 'mean',
  collaborators: 'max',
  events: 'last',
  articles: 'last',
});

/** The combiners each table accepts (for checking options given from untyped code). */
export const AGGREGATION_CHOICES: { readonly [K in keyof TabularAggregation]-?: readonly string[] } = {
  engagement: ['sum', 'max', 'mean', 'last'],
  coherence: ['max', 'mean', 'last'],
  collaborators: ['sum', 'max'],
  events: ['first', 'last'],
  articles: ['first', 'last'],
};

/** Combines `values` (blanks are null) with `how`; null when every value is blank. */
export function combineValues(values: readonly (number | null)[], how: DailyCombiner): number | null {
  let count = 0;
  let sum = 0;
  let max = -Infinity;
  let last: number | null = null;
  for (const v of values) {
    if (v === null) continue;
    count++;
    sum += v;
    if (v > max) max = v;
    last = v;
  }
  if (count === 0) return null;
  switch (how) {
    case 'sum':
      return sum;
    case 'max':
      return max;
    case 'mean':
      return sum / count;
    case 'last':
      return last;
  }
}

/** Options the aggregation step reads. */
export interface AggregateOptions {
  /** The host's choices; the rest are {@link DEFAULT_AGGREGATION}. */
  readonly aggregate: TabularAggregation | undefined;
  /** Source name of each table, for rejections. */
  readonly sources: { readonly [T in TabularTableName]?: string | null };
}

/**
 * One table's rows folded as they arrive: rows sharing a key become one as soon as they meet, so
 * what is held is one entry per distinct key (an artist and day, a pair, an event id), however
 * many rows a file repeats. `finish` returns the rows in input order (a merged row takes the place
 * of its key's first row), exactly as grouping the whole table at once would.
 */
export interface TableFold<R> {
  /** Adds one validated row. */
  push(located: Located<R>): void;
  /** The folded rows, in input order; counts of merged rows go to the log. Call once. */
  finish(): Located<R>[];
}

/** Per-column running figures of a daily combiner (blanks never count). */
interface Running {
  count: number;
  sum: number;
  max: number;
  last: number | null;
}

const running = (): Running => ({ count: 0, sum: 0, max: -Infinity, last: null });

function add(r: Running, v: number | null): void {
  if (v === null) return;
  r.count++;
  r.sum += v;
  if (v > r.max) r.max = v;
  r.last = v;
}

/** {@link combineValues} of the values folded into `r`. */
function result(r: Running, how: DailyCombiner): number | null {
  if (r.count === 0) return null;
  switch (how) {
    case 'sum':
      return r.sum;
    case 'max':
      return r.max;
    case 'mean':
      return r.sum / r.count;
    case 'last':
      return r.last;
  }
}

/** A key's entry: its first row, how many rows met there, and the table's running state. */
interface Slot<R, S> {
  first: Located<R>;
  kept: Located<R>;
  size: number;
  state: S | undefined;
  /** The slot's place in the order of first rows (its row in {@link HeldNumbers}). */
  readonly index: number;
}

/**
 * The numbers of later rows written over kept rows (a `'last'` fold without an `end`), held in
 * one `Float64Array` per column until `finish` writes each slot's last ones into its row. A kept
 * row has been promoted to the old generation by the next delivery, and a fractional number
 * stored in it is a fresh heap number that the row keeps alive past the young collections: every
 * repeated row then left 16 bytes of garbage in the old generation, which V8 let grow by hundreds
 * of megabytes over a gigabyte file before a full collection. A number written here allocates nothing.
 */
class HeldNumbers {
  /** Column index of each field name met with a number. */
  readonly #columns = new Map<string, number>();
  /** Per column, per slot: the last number, or NaN when the row itself holds the last value. */
  #values: Float64Array[] = [];
  #capacity = 0;
  /** The field of the last lookup and its column (rows of a table name their fields in one order). */
  #lastName: string | undefined;
  #lastColumn = -1;

  #column(name: string, create: boolean): number {
    if (name === this.#lastName) return this.#lastColumn;
    let c = this.#columns.get(name);
    if (c === undefined) {
      if (!create) return -1;
      c = this.#values.length;
      this.#columns.set(name, c);
      this.#values.push(new Float64Array(this.#capacity).fill(Number.NaN));
    }
    this.#lastName = name;
    this.#lastColumn = c;
    return c;
  }

  /** Holds `value` (not NaN: NaN marks nothing held) as the last `name` of slot `index`. */
  set(index: number, name: string, value: number): void {
    if (index >= this.#capacity) this.#grow(index + 1);
    this.#values[this.#column(name, true)]![index] = value;
  }

  /** Forgets a held `name` of slot `index`: a later row's value that is not a number went into the row. */
  unset(index: number, name: string): void {
    const c = this.#column(name, false);
    if (c >= 0 && index < this.#capacity) this.#values[c]![index] = Number.NaN;
  }

  /** Writes the numbers held for slot `index` into `row`. */
  apply(index: number, row: Record<string, unknown>): void {
    if (index >= this.#capacity) return;
    for (const [name, c] of this.#columns) {
      const v = this.#values[c]![index]!;
      if (!Number.isNaN(v)) row[name] = v;
    }
  }

  #grow(min: number): void {
    const capacity = Math.max(min, this.#capacity * 2, 1024);
    this.#values = this.#values.map((old) => {
      const grown = new Float64Array(capacity).fill(Number.NaN);
      grown.set(old);
      return grown;
    });
    this.#capacity = capacity;
  }
}

/**
 * The fold's own copy of a row it keeps (a shallow one: the cells' strings and arrays are shared).
 * V8 allocates the objects of an object literal directly in the old generation once most of them
 * outlive young collections (allocation-site pretenuring). The first delivery of a file is all new
 * keys, so every validated row was kept, and the parse and validation sites (the event shortcut's
 * literal, the located row, Zod's output) were pretenured: every row of every later delivery, kept
 * or not, was then born old, and the old generation filled with dead rows between full
 * collections (90 to 380 MB, over and over, on a 1 GB file). Copying what is kept here leaves
 * those sites with rows that die young, whatever the file repeats.
 */
function ownCopy<R>(located: Located<R>): Located<R> {
  return { row: { ...(located.row as object) } as R, line: located.line };
}

/**
 * A fold by a two-part key, `outer` then `inner` (an inner null: never folded): `start` makes a
 * key's state from its first row once a second one arrives, `step` adds a row, `end` turns a group
 * of two or more into its row (undefined: the group is rejected). The key is looked up in two maps
 * (by artist, then by day or id) rather than as one joined string: joining made two strings per
 * row, most of them garbage at once, and kept one per key.
 */
function foldBy<R, S>(
  outer: (row: R) => string,
  inner: (row: R) => string | null,
  fold: {
    readonly keep?: 'first' | 'last';
    readonly start?: (first: Located<R>) => S;
    readonly step?: (state: S, located: Located<R>) => void;
    /** The rows a group of two or more becomes: one, several (a step each), or none (rejected). */
    readonly end?: (slot: Slot<R, S>) => Located<R> | readonly Located<R>[] | undefined;
  },
  onCombined: (rows: number) => void,
): TableFold<R> {
  const groups = new Map<string, Map<string, Slot<R, S>>>();
  /** Every key's slot in the order of its first row (rows without a key each have one). */
  const order: Slot<R, S>[] = [];
  const held = new HeldNumbers();
  return {
    push(located) {
      const k = inner(located.row);
      if (k === null) {
        const own = ownCopy(located);
        order.push({ first: own, kept: own, size: 1, state: undefined, index: order.length });
        return;
      }
      const o = outer(located.row);
      let group = groups.get(o);
      if (group === undefined) {
        group = new Map();
        groups.set(o, group);
      }
      const slot = group.get(k);
      if (slot === undefined) {
        const own = ownCopy(located);
        const fresh: Slot<R, S> = { first: own, kept: own, size: 1, state: undefined, index: order.length };
        group.set(k, fresh);
        order.push(fresh);
        return;
      }
      if (slot.size === 1 && fold.start) slot.state = fold.start(slot.first);
      slot.size++;
      if (fold.keep === 'last') {
        if (fold.end) slot.kept = ownCopy(located);
        // Without an `end`, a group of two or more is its kept row, and the first is not needed
        // again: the later row is written over the kept one, field by field where they differ
        // (numbers into `held`). Replacing it instead made every repeated row garbage in the old
        // generation (a row kept through a whole delivery has been promoted by then), and a file
        // delivered many times grew the heap with the file before each full collection.
        else overwrite(slot as Slot<R, S> & { kept: { line: number } }, located, held);
      }
      if (fold.step) fold.step(slot.state as S, located);
    },
    finish() {
      groups.clear();
      const out: Located<R>[] = [];
      let combined = 0;
      for (let i = 0; i < order.length; i++) {
        const slot = order[i]!;
        if (slot.size === 1) {
          out.push(slot.first);
          continue;
        }
        if (!fold.end && fold.keep === 'last') held.apply(slot.index, slot.kept.row as Record<string, unknown>);
        const merged = fold.end ? fold.end(slot) : slot.kept;
        if (merged === undefined) {
          combined += slot.size - 1;
        } else if (Array.isArray(merged)) {
          combined += slot.size - merged.length;
          out.push(...merged);
        } else {
          combined += slot.size - 1;
          out.push(merged as Located<R>);
        }
      }
      order.length = 0;
      onCombined(combined);
      return out;
    },
  };
}

/**
 * Writes `later` over the slot's kept row (rows of one table: the same keys), changing only the
 * fields that differ, so what stays the same stays the strings already held; numbers go to
 * `held` (written into the row by `finish`), so a revised number allocates nothing.
 */
function overwrite<R>(
  slot: { kept: { line: number; row: R }; index: number },
  later: Located<R>,
  held: HeldNumbers,
): void {
  const into = slot.kept.row as Record<string, unknown>;
  const from = later.row as Record<string, unknown>;
  for (const k in from) {
    const v = from[k];
    // NaN (which no row schema lets through) would read as nothing held: it goes into the row.
    if (typeof v === 'number' && !Number.isNaN(v)) held.set(slot.index, k, v);
    else {
      held.unset(slot.index, k);
      if (!Object.is(into[k], v)) into[k] = v;
    }
  }
  slot.kept.line = later.line;
}

/** A fold that keeps every row (tables without an aggregation rule). */
function keepAll<R>(): TableFold<R> {
  const rows: Located<R>[] = [];
  return { push: (located) => void rows.push(ownCopy(located)), finish: () => rows };
}

/**
 * The fold of `table` under the host's rules: engagement and coherence per artist and day,
 * collaborators per pair, events and articles per artist and id; every other table keeps its rows.
 */
export function createTableFold<T extends TabularTableName>(
  table: T,
  options: AggregateOptions,
  log: RejectionLog,
): TableFold<TabularRowOf<T>> {
  // Key by key: a rule given as `undefined` (an unset setting passed on) is the default, not no rule.
  const given = options.aggregate ?? {};
  const rules: Required<TabularAggregation> = {
    engagement: given.engagement ?? DEFAULT_AGGREGATION.engagement,
    coherence: given.coherence ?? DEFAULT_AGGREGATION.coherence,
    collaborators: given.collaborators ?? DEFAULT_AGGREGATION.collaborators,
    events: given.events ?? DEFAULT_AGGREGATION.events,
    articles: given.articles ?? DEFAULT_AGGREGATION.articles,
  };
  const onCombined = (rows: number): void => log.combine(table, rows);
  /** A sum past the largest number is not a count: the group is rejected rather than served as Infinity. */
  /**
   * Whether a combined value is one the gateway reads: finite and within its payload ceiling (a
   * sum past it would make the artist's whole series or list an invalid payload); else the group
   * is a rejection at its first line.
   */
  const finite = (
    first: Located<unknown>,
    size: number,
    value: number | null,
    column: string,
    ceiling: { readonly name: string; readonly max: number },
  ): boolean => {
    if (value === null || (Number.isFinite(value) && value <= ceiling.max)) return true;
    log.reject({
      table,
      source: options.sources[table] ?? null,
      line: first.line,
      column,
      message: `the ${column} of the ${size} rows for this key add up to more than payloads.${ceiling.name} (${ceiling.max})`,
    });
    return false;
  };
  const bounds = DEFAULT_CONFIG.payloads;
  const engagementCeiling = { name: 'maxDailyEngagement', max: bounds.maxDailyEngagement };
  const weightCeiling = { name: 'maxWeight', max: bounds.maxWeight };
  const artistOf = (r: { artist: string }): string => r.artist;
  const dayOf = (r: { day: string }): string => r.day;
  const idOf = (r: { id: string | null }): string | null => r.id;
  // Each branch builds the fold of its own row type; the casts tie it back to `T`.
  type Fold = TableFold<TabularRowOf<T>>;
  switch (table) {
    case 'engagement': {
      type Row = TabularRowOf<'engagement'>;
      const how = rules.engagement;
      return foldBy<Row, [Running, Running]>(
        artistOf,
        dayOf,
        {
          start: (first) => {
            const s: [Running, Running] = [running(), running()];
            add(s[0], first.row.organic);
            add(s[1], first.row.paid);
            return s;
          },
          step: (s, { row }) => {
            add(s[0], row.organic);
            add(s[1], row.paid);
          },
          end: ({ first, size, state }) => {
            const organic = result(state![0], how);
            const paid = result(state![1], how);
            if (
              !finite(first, size, organic, 'organic', engagementCeiling) ||
              !finite(first, size, paid, 'paid', engagementCeiling)
            )
              return undefined;
            return { row: { ...first.row, organic, paid }, line: first.line };
          },
        },
        onCombined,
      ) as unknown as Fold;
    }
    case 'coherence': {
      type Row = TabularRowOf<'coherence'>;
      const how = rules.coherence;
      return foldBy<Row, Running>(
        artistOf,
        dayOf,
        {
          start: (first) => {
            const s = running();
            add(s, first.row.value);
            return s;
          },
          step: (s, { row }) => add(s, row.value),
          end: ({ first, state }) => ({ row: { ...first.row, value: result(state!, how) }, line: first.line }),
        },
        onCombined,
      ) as unknown as Fold;
    }
    case 'collaborators': {
      type Row = TabularRowOf<'collaborators'>;
      const how = rules.collaborators;
      // A pair with itself is left alone: linking rejects each such line with its own message.
      // One link per distinct `since`, each with the weight of the rows known by then (the max or
      // the running total): read as of an instant, the pair shows the weight it had then, never a
      // later row's (the memory source serves the latest step known, dated by the earliest).
      return foldBy<Row, Located<Row>[]>(
        (r) => (r.artist_a < r.artist_b ? r.artist_a : r.artist_b),
        (r) => (r.artist_a === r.artist_b ? null : r.artist_a < r.artist_b ? r.artist_b : r.artist_a),
        {
          start: (first) => [first],
          step: (rows, located) => void rows.push(ownCopy(located)),
          end: ({ first, size, state }) => {
            const rows = state!
              .map((l, i) => ({ l, i, t: observedAtMs(l.row.since) }))
              .sort((a, b) => a.t - b.t || a.i - b.i);
            const weight = running();
            const steps: Located<Row>[] = [];
            for (let k = 0; k < rows.length; k++) {
              add(weight, rows[k]!.l.row.weight);
              if (k + 1 < rows.length && rows[k + 1]!.t === rows[k]!.t) continue;
              const w = result(weight, how);
              if (!finite(first, size, w, 'weight', weightCeiling)) return undefined;
              const at = rows[k]!.l;
              steps.push({ row: { ...first.row, since: at.row.since, weight: w! }, line: at.line });
            }
            return steps;
          },
        },
        onCombined,
      ) as unknown as Fold;
    }
    case 'events':
      return foldBy<TabularRowOf<'events'>, never>(
        artistOf,
        idOf,
        { keep: rules.events },
        onCombined,
      ) as unknown as Fold;
    case 'articles':
      return foldBy<TabularRowOf<'articles'>, never>(
        artistOf,
        idOf,
        { keep: rules.articles },
        onCombined,
      ) as unknown as Fold;
    default:
      return keepAll<TabularRowOf<T>>();
  }
}

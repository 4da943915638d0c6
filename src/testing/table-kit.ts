/**
 * @module testing/table-kit
 * Helpers of the table suite: primary keys of rows, choosing columns to filter, range and order
 * on from the sample rows themselves (so the suite works for any table), and mutation attempts.
 */
import type { RowKey, Scalar, ScalarColumns, TableSpec } from '../stores/table.js';

/** A row seen as a record of columns. */
export const cols = (row: unknown): Record<string, unknown> => row as Record<string, unknown>;

/** The primary key of a row. */
export function keyOf<Row, K extends ScalarColumns<Row>>(
  spec: TableSpec<Row, K>,
  row: Row | Readonly<Row>,
): RowKey<Row, K> {
  return Object.fromEntries(spec.key.map((k) => [k, cols(row)[k]])) as RowKey<Row, K>;
}

/** A string id of a row's primary key, for sets and messages. */
export function idOf<Row, K extends ScalarColumns<Row>>(spec: TableSpec<Row, K>, row: unknown): string {
  return JSON.stringify(spec.key.map((k) => cols(row)[k]));
}

const isScalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const ISO = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/;

/** Compares two scalars the way the suite expects ordered scans to (numbers numerically). */
export function compareScalars(a: unknown, b: unknown): number {
  if (a === b) return 0;
  return (a as Scalar)! < (b as Scalar)! ? -1 : 1;
}

/**
 * Compares two rows by their primary key, column by column (numbers numerically, null first), the
 * order the suite expects of ties and of scans without `orderBy`: PostgreSQL's `ORDER BY` of the
 * key columns, not the order of the key's JSON text (where `10` sorts before `9`).
 */
export function compareKeys<Row, K extends ScalarColumns<Row>>(
  spec: TableSpec<Row, K>,
  a: unknown,
  b: unknown,
): number {
  for (const k of spec.key) {
    const [x, y] = [cols(a)[k], cols(b)[k]];
    const c = x === y ? 0 : x === null ? -1 : y === null ? 1 : compareScalars(x, y);
    if (c !== 0) return c;
  }
  return 0;
}

/** A column whose sample values are scalars, with how often its commonest value occurs. */
interface ColumnInfo {
  readonly column: string;
  readonly nullable: boolean;
  readonly numeric: boolean;
  readonly iso: boolean;
  readonly distinct: number;
  readonly commonest: string | number | boolean;
  readonly commonestCount: number;
}

/** Describes every scalar column of the sample rows (non-null in at least one row). */
export function scalarColumns(rows: readonly unknown[]): ColumnInfo[] {
  const first = rows[0];
  if (first === undefined) return [];
  const out: ColumnInfo[] = [];
  for (const column of Object.keys(cols(first))) {
    const values = rows.map((r) => cols(r)[column]);
    if (!values.every((v) => v === null || isScalar(v))) continue;
    const present = values.filter(isScalar);
    if (present.length === 0) continue;
    const counts = new Map<string | number | boolean, number>();
    for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
    const [commonest, commonestCount] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    out.push({
      column,
      nullable: present.length < values.length,
      numeric: present.every((v) => typeof v === 'number'),
      iso: present.every((v) => typeof v === 'string' && ISO.test(v)),
      distinct: counts.size,
      commonest,
      commonestCount,
    });
  }
  return out;
}

/** The columns the suite filters, ranges and orders on. */
export interface ColumnPlan {
  /** An indexed column and a value several rows share, if the table has an index. */
  readonly indexed?: { readonly column: string; readonly value: string | number | boolean };
  /** A non-indexed, non-key column and a value several rows share, if any. */
  readonly plain?: { readonly column: string; readonly value: string | number | boolean };
  /** A column without nulls and with varied values, for range and order. */
  readonly ordered: string;
  /** A scalar column null in some sample rows and not in others, if any: for `IS NULL` filters and null order. */
  readonly nullable?: string;
}

/**
 * Chooses columns from the sample rows. For order and range it prefers numbers, then ISO dates
 * and instants, because any SQL collation orders those the way JavaScript does.
 */
export function planColumns<Row, K extends ScalarColumns<Row>>(
  spec: TableSpec<Row, K>,
  rows: readonly Row[],
): ColumnPlan {
  const info = scalarColumns(rows);
  const keys = new Set<string>(spec.key);
  const indexes = new Set<string>(spec.indexes);
  const byRepeats = (a: ColumnInfo, b: ColumnInfo): number => b.commonestCount - a.commonestCount;
  const indexed = info.filter((c) => indexes.has(c.column)).sort(byRepeats)[0];
  const plain = info.filter((c) => !indexes.has(c.column) && !keys.has(c.column)).sort(byRepeats)[0];
  const orderable = info.filter((c) => !c.nullable && c.distinct >= 3);
  const rank = (c: ColumnInfo): number => (c.numeric ? 0 : c.iso ? 1 : 2) + (keys.has(c.column) ? 0.5 : 0);
  const ordered = [...orderable].sort((a, b) => rank(a) - rank(b) || b.distinct - a.distinct)[0];
  if (!ordered)
    throw new Error(`tableContractSuite(${spec.name}): sampleRows must vary at least one non-null scalar column`);
  const nullable = info.find((c) => c.nullable && !keys.has(c.column));
  return {
    ...(nullable ? { nullable: nullable.column } : {}),
    ...(indexed ? { indexed: { column: indexed.column, value: indexed.commonest } } : {}),
    ...(plain ? { plain: { column: plain.column, value: plain.commonest } } : {}),
    ordered: ordered.column,
  };
}

/** A different value of the same kind, to try writing into a row. */
function altered(value: unknown): unknown {
  if (typeof value === 'string') return `${value}-mutated`;
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  return 'mutated';
}

/**
 * Tries every way of changing a row in place: reassigning columns, pushing into and rewriting
 * arrays, and the same inside nested objects. Failures (frozen rows throw) are the point, so they
 * are swallowed.
 */
export function tryMutate(target: unknown): void {
  if (typeof target !== 'object' || target === null) return;
  for (const key of Object.keys(target)) {
    const value = cols(target)[key];
    if (Array.isArray(value)) {
      try {
        Reflect.apply(Array.prototype.push, value, [value[0] ?? 'mutated']);
      } catch {
        // frozen: fine
      }
      try {
        Reflect.set(value, 0, altered(value[0]));
      } catch {
        // frozen: fine
      }
    } else if (typeof value === 'object' && value !== null) {
      tryMutate(value);
    }
    try {
      Reflect.set(
        target,
        key,
        Array.isArray(value) ? [] : typeof value === 'object' && value !== null ? value : altered(value),
      );
    } catch {
      // frozen: fine
    }
  }
}

/**
 * Invalid variants of a valid row, one of each kind the schema refuses: a non-scalar in the first
 * key column (then any column) expects a scalar; a scalar of the wrong type in a column outside
 * the key; a value of the right type outside the column's domain (a string no enum or format
 * allows, a number past any range) outside the key. A store that checks only that keys are
 * scalars accepts the last two. Empty if the schema accepts everything the suite tries.
 */
export function invalidVariants<Row, K extends ScalarColumns<Row>>(spec: TableSpec<Row, K>, row: Row): unknown[] {
  const refused = (candidate: Record<string, unknown>): boolean => !spec.schema.safeParse(candidate).success;
  const variants: unknown[] = [];
  for (const column of [...spec.key, ...Object.keys(cols(row))]) {
    const candidate = { ...cols(row), [column]: { not: 'a scalar' } };
    if (refused(candidate)) {
      variants.push(candidate);
      break;
    }
  }
  const keys = new Set<string>(spec.key);
  const outside = Object.keys(cols(row)).filter((column) => !keys.has(column));
  const wrongType = (v: unknown): unknown[] =>
    typeof v === 'string'
      ? [12_345, true]
      : typeof v === 'number'
        ? ['12345', true]
        : typeof v === 'boolean'
          ? ['yes', 1]
          : [];
  const outOfDomain = (v: unknown): unknown[] =>
    typeof v === 'string'
      ? ['no such value, not a slug, day or instant', '']
      : typeof v === 'number'
        ? [1e15, -1e15, 0.5, Number.NaN]
        : [];
  for (const kind of [wrongType, outOfDomain]) {
    found: for (const column of outside) {
      for (const value of kind(cols(row)[column])) {
        const candidate = { ...cols(row), [column]: value };
        if (refused(candidate)) {
          variants.push(candidate);
          break found;
        }
      }
    }
  }
  return variants;
}

/**
 * A replacement for `target`'s row under the same primary key, each column outside the key taken
 * from the first donor whose value differs from the target's (so an upsert that keeps any old
 * column on a conflict shows); a donor's row whole when the mix is not a valid row.
 */
export function replacementFor<Row, K extends ScalarColumns<Row>>(
  spec: TableSpec<Row, K>,
  target: Row,
  donors: readonly Row[],
): Row {
  const keyed = cols(keyOf(spec, target));
  const mixed: Record<string, unknown> = { ...cols(target) };
  for (const column of Object.keys(mixed)) {
    if (column in keyed) continue;
    const mine = JSON.stringify(mixed[column]);
    const donor = donors.find((d) => JSON.stringify(cols(d)[column]) !== mine);
    if (donor) mixed[column] = cols(donor)[column];
  }
  return (spec.schema.safeParse(mixed).success ? mixed : { ...cols(donors[0]), ...keyed }) as Row;
}

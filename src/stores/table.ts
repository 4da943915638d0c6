/**
 * @module stores/table
 * The table contract every store implements (in-memory now, SQL later): keyed rows, equality
 * filters on columns, one range filter, ordering and paging. Deliberately small so that each
 * operation is one SQL statement.
 */
import type { z } from 'zod';

/** A column value a table can filter, order or key on. */
export type Scalar = string | number | boolean | null;

/** The scalar columns of a row type. */
export type ScalarColumns<Row> = { [K in keyof Row]: Row[K] extends Scalar ? K : never }[keyof Row] & string;

/** Static description of a table: name, row schema, primary key and indexed columns. */
export interface TableSpec<Row, K extends ScalarColumns<Row> = ScalarColumns<Row>> {
  /** Table name (the seed's). */
  readonly name: string;
  /** Row schema; rows are validated on write. */
  readonly schema: z.ZodType<Row>;
  /** Primary key columns, in order. */
  readonly key: readonly K[];
  /** Columns with a secondary index (filters on them are cheap). */
  readonly indexes: readonly ScalarColumns<Row>[];
}

/** The primary key of a row. */
export type RowKey<Row, K extends ScalarColumns<Row>> = { readonly [P in K]: Row[P] };

/** A scan: equality filters, an optional range on one column, ordering and paging. */
export interface ScanQuery<Row> {
  /** Column = value filters, all of which must hold; `null` matches rows whose column is null (SQL `IS NULL`). */
  readonly where?: { readonly [C in ScalarColumns<Row>]?: Row[C] };
  /** A range on one column (inclusive bounds). */
  readonly range?: {
    /** The column the range applies to. */
    readonly column: ScalarColumns<Row>;
    /** Lower bound, inclusive; omitted for no lower bound. */
    readonly gte?: Scalar;
    /** Upper bound, inclusive; omitted for no upper bound. */
    readonly lte?: Scalar;
  };
  /** Order of the rows; ties (and the default order) go by primary key, so paging is deterministic. */
  readonly orderBy?: {
    /** The column to order by. */
    readonly column: ScalarColumns<Row>;
    /** Ascending or descending. @default 'asc' */
    readonly direction?: 'asc' | 'desc';
  };
  /** Rows to skip, >= 0. @default 0 */
  readonly offset?: number;
  /** Max rows to return, >= 1. @default all */
  readonly limit?: number;
}

/**
 * One owned table. Rows come back frozen: a reader cannot corrupt what is stored.
 * @example
 * ```ts
 * await stores.scene_trends.upsert([row]);
 * const last90 = await stores.scene_trends.scan({ where: { scene_slug: 'indie-uk-brighton' }, range: { column: 'day', gte: '2026-08-26' } });
 * ```
 */
export interface Table<Row, K extends ScalarColumns<Row> = ScalarColumns<Row>> {
  /** The table's description. */
  readonly spec: TableSpec<Row, K>;
  /** One row by primary key. */
  get(key: RowKey<Row, K>): Promise<Readonly<Row> | undefined>;
  /** Rows by primary key, in the order asked; absent keys are skipped. */
  getMany(keys: readonly RowKey<Row, K>[]): Promise<Readonly<Row>[]>;
  /** Inserts or replaces rows (by primary key), all or nothing: one invalid row rejects the batch. */
  upsert(rows: readonly Row[]): Promise<void>;
  /** Deletes rows by primary key; returns how many existed. */
  delete(keys: readonly RowKey<Row, K>[]): Promise<number>;
  /** Deletes every row matching the equality filters; returns how many. */
  deleteWhere(where: ScanQuery<Row>['where']): Promise<number>;
  /** Rows matching a query. */
  scan(query?: ScanQuery<Row>): Promise<Readonly<Row>[]>;
  /** Number of rows matching the equality filters. */
  count(where?: ScanQuery<Row>['where']): Promise<number>;
}

/**
 * @module adapters/postgres/table
 * One owned table over PostgreSQL, each operation one SQL statement:
 *
 * - `get`: `SELECT ... WHERE k1 = $1 AND k2 = $2`.
 * - `getMany`: a join with `unnest($1::text[], $2::text[]) WITH ORDINALITY`, ordered by the
 *   ordinality, so rows come back in the order asked (a key asked twice, twice) with no parameter
 *   limit.
 * - `upsert`: the rows validated first (all or nothing), then
 *   `INSERT ... SELECT ... FROM unnest($1::text[], ...) ON CONFLICT (key) DO UPDATE`, one array
 *   parameter per column; a batch past 65,535 values (rows x columns) is split into statements run
 *   in one transaction. A key repeated in a batch keeps its last row, as in memory.
 * - `delete`: `DELETE ... USING unnest(...)`; `deleteWhere` and `count`: equality filters. Every
 *   write locks its rows in key order (an upsert sorts its rows, a delete selects them `ORDER BY`
 *   key `FOR UPDATE` first), so two writers never each hold a row the other waits on.
 * - `scan`: equality filters (`IS NULL` for null), one range, `ORDER BY column, primary key` and
 *   `OFFSET` / `LIMIT`, with the in-memory store's null rules: null sorts first ascending and last
 *   descending, fails any lower bound and passes any upper bound.
 */
import { SceneRadarError } from '../../src/core/errors.js';
import { isStorableText, STORABLE_TEXT_MESSAGE, unstorableJsonPath } from '../../src/core/text.js';
import { compare } from '../../src/stores/memory-core.js';
import { parseRow } from '../../src/stores/row-shortcuts.js';
import type { RowKey, Scalar, ScalarColumns, ScanQuery, Table, TableSpec } from '../../src/stores/table.js';
import { ARRAY_CAST, arrayLiteral, type Column, columnsOf, ident, restoreOrder } from './columns.js';
import type { PostgresQueryable, PostgresQueryResult } from './connection.js';

/** How a table reaches the database. */
export interface TableContext {
  /** The PostgreSQL schema holding the table. */
  readonly schema: string;
  /** Runs one statement. */
  query(text: string, values?: unknown[]): Promise<PostgresQueryResult>;
  /**
   * Runs `fn` in one transaction (for an upsert split into several statements). With `retry`,
   * `fn` is the table's own and may run again: the pool's context then runs the whole transaction
   * again when the server broke it off for another's sake (a deadlock), and maps what `fn`'s
   * statements throw to the store's error codes.
   */
  transaction<T>(fn: (db: PostgresQueryable) => Promise<T>, options?: { readonly retry?: boolean }): Promise<T>;
  /**
   * Throws when the tables may no longer be used (a transaction's, after it ended): called first
   * by every method, even one that answers without a statement.
   */
  check?(): void;
}

/** Options of {@link postgresTable}. */
export interface PostgresTableOptions {
  /**
   * Most values (rows x columns) one upsert statement carries; a larger batch is split into
   * statements run in one transaction. The name is from when each value was a bind parameter
   * (PostgreSQL's protocol allows 65,535); the statement now binds one array per column, and
   * batches of this size measured as fast as larger ones.
   * @default 65535
   */
  readonly maxParameters?: number;
  /**
   * Most characters of text values one upsert statement carries (a column is sent as one array
   * literal, a string V8 caps at about 2^29 characters); a batch past it is split into statements
   * too, down to one row each. The default leaves room for the literal's escapes (a quote or a
   * backslash is written twice, or more inside JSON).
   * @default 67108864
   */
  readonly maxStatementChars?: number;
}

const MAX_PARAMETERS = 65_535;
const MAX_STATEMENT_CHARS = 64 * 1024 * 1024;

/**
 * A value no stored row can hold in `column`, so an equality on it matches nothing: text that is
 * not storable (a NUL, which PostgreSQL refuses, or a lone surrogate, which it would read as
 * U+FFFD and match), a value of another type (the server would fail to cast it, or cast `5` to
 * `'5'`), an integer past the safe range. The in-memory store compares with `===` and finds
 * nothing; so does this one, without asking the server.
 */
function unmatchable(column: Column, value: unknown): boolean {
  switch (column.kind) {
    case 'text':
      return typeof value !== 'string' || !isStorableText(value);
    case 'int':
      return !Number.isSafeInteger(value);
    case 'float':
      return typeof value !== 'number';
    case 'bool':
      return typeof value !== 'boolean';
    default:
      return true;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function checkPaging(query: { readonly offset?: number; readonly limit?: number }): void {
  if (query.offset !== undefined && (!Number.isInteger(query.offset) || query.offset < 0))
    throw new RangeError(`offset must be an integer >= 0, got ${String(query.offset)}`);
  if (query.limit !== undefined && (!Number.isInteger(query.limit) || query.limit < 1))
    throw new RangeError(`limit must be an integer >= 1, got ${String(query.limit)}`);
}

/** Bind parameters of one statement: `add(v)` returns `$n`. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Creates one {@link Table} over PostgreSQL. The table must exist (see `migrate`). */
export function postgresTable<Row, K extends ScalarColumns<Row>>(
  spec: TableSpec<Row, K>,
  ctx: TableContext,
  options: PostgresTableOptions = {},
): Table<Row, K> {
  const columns = columnsOf(spec);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const keyColumns = spec.key.map((k) => byName.get(k)!);
  const table = `${ident(ctx.schema)}.${ident(spec.name)}`;
  const list = columns.map((c) => ident(c.name)).join(', ');
  /**
   * The columns a read selects: `jsonb` ones as their text, parsed here, whatever type parser the
   * host's pool has for `jsonb` (node-postgres decodes it by default: a stored JSON string would
   * then reach us as a string, indistinguishable from text to decode).
   */
  const selectedAs = (alias: string): string =>
    columns
      .map((c) =>
        c.kind === 'jsonb' ? `${alias}${ident(c.name)}::text AS ${ident(c.name)}` : `${alias}${ident(c.name)}`,
      )
      .join(', ');
  const selected = selectedAs('');
  const keyOrder = keyColumns.map((c) => `${ident(c.name)} ASC`).join(', ');
  const rowsPerStatement = Math.max(1, Math.floor((options.maxParameters ?? MAX_PARAMETERS) / columns.length));
  const charsPerStatement = options.maxStatementChars ?? MAX_STATEMENT_CHARS;
  /**
   * Characters a row's values add to the statement's array literals: text, the elements of a text
   * array, and the JSON text of a `jsonb` value (before the literal's own escapes: the budget
   * leaves room for them under V8's longest string).
   */
  const textChars = (row: Record<string, unknown>): number => {
    let n = 0;
    for (const c of columns) {
      const v = row[c.name];
      if (typeof v === 'string') n += v.length;
      else if (c.kind === 'jsonb') n += v === undefined ? 0 : (JSON.stringify(v)?.length ?? 0);
      else if (Array.isArray(v)) for (const x of v) if (typeof x === 'string') n += x.length;
    }
    return n;
  };
  const nonKey = columns.filter((c) => !spec.key.includes(c.name as K));
  const onConflict = `ON CONFLICT (${keyColumns.map((c) => ident(c.name)).join(', ')}) ${
    nonKey.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${nonKey.map((c) => `${ident(c.name)} = EXCLUDED.${ident(c.name)}`).join(', ')}`
  }`;

  /** A column a filter, range or order may name: known and scalar. */
  const scalarColumn = (name: string, use: string): Column => {
    const column = byName.get(name);
    if (!column) throw new RangeError(`${spec.name}: unknown column ${JSON.stringify(name)} in ${use}`);
    if (column.kind === 'text[]' || column.kind === 'jsonb')
      throw new RangeError(`${spec.name}: column ${name} holds a list or an object and cannot be used in ${use}`);
    return column;
  };

  const toParam = (column: Column, value: unknown): unknown => {
    if (value === undefined || value === null) return null;
    return column.kind === 'jsonb' ? JSON.stringify(value) : value;
  };

  const fromRow = (raw: Record<string, unknown>): Readonly<Row> => {
    const out: Record<string, unknown> = {};
    for (const c of columns) {
      let v = raw[c.name];
      if (v === null || v === undefined) {
        if (!c.optional) out[c.name] = null;
        continue;
      }
      if (c.kind === 'int') v = Number(v);
      else if (c.kind === 'jsonb') v = restoreOrder(parseJson(String(v), c.name), c.schema);
      out[c.name] = v;
    }
    // A row edited outside the SDK (a value out of range, an unknown stage, a broken slug, a JSON
    // value of another shape) is refused here rather than served or computed on as if written by
    // the engines. The row read back is the one validated, not Zod's copy: unchanged bytes.
    try {
      parseRow<Row>(spec, out, 0);
    } catch (error) {
      throw corruptRow(error instanceof Error ? error.message.replace(/ row 0:/, ' row:') : 'invalid row');
    }
    return deepFreeze(out) as Readonly<Row>;
  };

  /** `STORE_SCHEMA_MISMATCH` for a stored row that does not match its schema. */
  const corruptRow = (reason: string): SceneRadarError =>
    new SceneRadarError(
      'STORE_SCHEMA_MISMATCH',
      `${spec.name}: a stored row does not match its schema (edited outside scene-radar, or written by another version): ${reason}`,
      { details: { table: spec.name, reason } },
    );
  const parseJson = (text: string, column: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw corruptRow(`${column} is not JSON`);
    }
  };

  /** The equality filters as SQL, or undefined when one of them can match no stored row ({@link unmatchable}). */
  const whereSql = (where: ScanQuery<Row>['where'], params: Params, alias = ''): string[] | undefined => {
    const out: string[] = [];
    let none = false;
    for (const [name, value] of Object.entries(where ?? {})) {
      if (value === undefined) continue;
      const column = scalarColumn(name, 'where');
      const col = `${alias}${ident(column.name)}`;
      if (value !== null && unmatchable(column, value)) none = true;
      else out.push(value === null ? `${col} IS NULL` : `${col} = ${params.add(value)}`);
    }
    return none ? undefined : out;
  };

  /**
   * One bound of a range, as the server can compare it: of the column's type (a RangeError
   * otherwise, rather than the server's cast error), and on an integer column rounded inwards and
   * kept within the safe range, where every stored integer is.
   */
  const bound = (column: Column, value: Scalar, side: 'gte' | 'lte'): Scalar => {
    const fits =
      column.kind === 'text'
        ? typeof value === 'string' && isStorableText(value)
        : column.kind === 'bool'
          ? typeof value === 'boolean'
          : typeof value === 'number' && !Number.isNaN(value);
    if (!fits)
      throw new RangeError(
        `${spec.name}: range ${side} on ${column.name} must be ${column.kind === 'text' ? 'storable text (no NUL, no lone surrogate)' : column.kind === 'bool' ? 'a boolean' : 'a number'}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`,
      );
    if (column.kind !== 'int') return value;
    const n = side === 'gte' ? Math.ceil(value as number) : Math.floor(value as number);
    // Kept within +-2^53 (exact, and past every integer a row can hold: 2^53 - 1 is one).
    return Math.min(Math.max(n, -(2 ** 53)), 2 ** 53);
  };

  const rangeSql = (range: ScanQuery<Row>['range'], params: Params): string[] => {
    if (!range) return [];
    const column = scalarColumn(range.column, 'range');
    const col = ident(column.name);
    const out: string[] = [];
    // The in-memory order puts null below every value: a lower bound excludes it, an upper bound keeps it.
    if (range.gte !== undefined && range.gte !== null)
      out.push(`${col} >= ${params.add(bound(column, range.gte, 'gte'))}`);
    if (range.lte === null) out.push(`${col} IS NULL`);
    else if (range.lte !== undefined)
      out.push(`(${col} <= ${params.add(bound(column, range.lte, 'lte'))} OR ${col} IS NULL)`);
    return out;
  };

  /** Whether a key can name a stored row (see {@link unmatchable}); one that cannot is never sent. */
  const findable = (key: RowKey<Row, K>): boolean =>
    keyColumns.every((c) => !unmatchable(c, (key as Record<string, unknown>)[c.name]));

  const clause = (conditions: readonly string[]): string =>
    conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';

  /** `unnest($1::text[], $2::text[])` over the key columns of `keys`, with its column names. */
  const keyArrays = (
    keys: readonly RowKey<Row, K>[],
    params: Params,
  ): { readonly from: string; readonly names: string[] } => {
    const names = keyColumns.map((_, i) => `k${i}`);
    const arrays = keyColumns.map(
      (c) =>
        `${params.add(keys.map((k) => toParam(c, (k as Record<string, unknown>)[c.name])))}::${ARRAY_CAST[c.kind]}`,
    );
    return { from: `unnest(${arrays.join(', ')})`, names };
  };
  const keyJoin = (names: readonly string[]): string =>
    keyColumns.map((c, i) => `t.${ident(c.name)} = k.${names[i]}`).join(' AND ');
  /** The key columns, each prefixed (`t.`), for a locking subquery's select list. */
  const keyListAs = (prefix: string): string => keyColumns.map((c) => `${prefix}${ident(c.name)}`).join(', ');
  /** The table's rows joined to the locking subquery's (`l`) by key. */
  const lockedJoin = keyColumns.map((c) => `t.${ident(c.name)} = l.${ident(c.name)}`).join(' AND ');
  /**
   * Two rows in key order, the order in which every write of this table locks its rows: the
   * order of `keyOrder` in SQL (text in `COLLATE "C"`, code point order; numbers numerically).
   * One order for all writers is what keeps two of them from each holding a row the other waits on.
   */
  const compareKeys = (a: Row | RowKey<Row, K>, b: Row | RowKey<Row, K>): number => {
    for (const c of keyColumns) {
      const d = compare((a as Record<string, unknown>)[c.name], (b as Record<string, unknown>)[c.name]);
      if (d !== 0) return d;
    }
    return 0;
  };

  const jsonColumns = columns.filter((c) => c.kind === 'jsonb');
  /**
   * Rows as the schema parses them, and (a check of this store) no string in a `jsonb` value that
   * PostgreSQL cannot hold: it refuses a NUL (`\u0000`) and a lone surrogate in JSON. A TypeError
   * as for any invalid row, rather than the server's error halfway through a write.
   */
  const validate = (input: readonly Row[]): Row[] =>
    input.map((row, i) => {
      const parsed = parseRow<Row>(spec, row, i);
      for (const c of jsonColumns) {
        const found = unstorableJsonPath((parsed as Record<string, unknown>)[c.name], [c.name]);
        if (found !== undefined)
          throw new TypeError(
            `${spec.name}: invalid row ${i}: ${found.path.join('.')}${found.key ? ' (a key)' : ''} ${STORABLE_TEXT_MESSAGE}`,
          );
      }
      return parsed;
    });

  /**
   * `INSERT ... SELECT ... FROM unnest($1::text[], $2::bigint[], ...)`: one array parameter per
   * column whatever the number of rows, so the server parses, binds and plans a short statement
   * (the multi-row VALUES list it replaces, 65,535 parameters a statement, wrote about half as many
   * rows a second: docs/performance.md, PostgreSQL).
   * `text[]` and `jsonb` values travel as a `text[]` of their literals and are cast back row by
   * row: unnest takes no ragged 2-D array.
   */
  const packed = (c: Column): boolean => c.kind === 'text[]' || c.kind === 'jsonb';
  const insertSql = `INSERT INTO ${table} (${list}) SELECT ${columns
    .map((c) => (packed(c) ? `u.${ident(c.name)}::${c.kind}` : `u.${ident(c.name)}`))
    .join(', ')} FROM unnest(${columns
    .map((c, i) => `$${i + 1}::${packed(c) ? 'text[]' : ARRAY_CAST[c.kind]}`)
    .join(', ')}) AS u(${list}) ${onConflict}`;
  const insertValues = (rows: readonly Row[]): string[] =>
    columns.map((c) =>
      arrayLiteral(
        rows.map((row) => (row as Record<string, unknown>)[c.name]),
        c.kind,
      ),
    );

  return {
    spec,
    async get(key) {
      ctx.check?.();
      if (!findable(key)) return undefined;
      const params = new Params();
      const conditions = keyColumns.map(
        (c) => `${ident(c.name)} = ${params.add(toParam(c, (key as Record<string, unknown>)[c.name]))}`,
      );
      const { rows } = await ctx.query(`SELECT ${selected} FROM ${table}${clause(conditions)}`, params.values);
      return rows[0] ? fromRow(rows[0]) : undefined;
    },
    async getMany(asked) {
      ctx.check?.();
      const keys = asked.filter(findable);
      if (keys.length === 0) return [];
      const params = new Params();
      const { from, names } = keyArrays(keys, params);
      const { rows } = await ctx.query(
        `SELECT ${selectedAs('t.')} FROM ${from} WITH ORDINALITY AS k(${names.join(', ')}, ord) JOIN ${table} AS t ON ${keyJoin(names)} ORDER BY k.ord`,
        params.values,
      );
      return rows.map(fromRow);
    },
    async upsert(input) {
      ctx.check?.();
      // Validate everything first: a bad row rejects the whole batch and nothing is written.
      const parsed = validate(input);
      if (parsed.length === 0) return;
      // One row per key, the last one given (ON CONFLICT cannot touch a row twice in one statement).
      const byKey = new Map<string, Row>();
      for (const row of parsed)
        byKey.set(JSON.stringify(keyColumns.map((c) => (row as Record<string, unknown>)[c.name])), row);
      // Statements of at most `rowsPerStatement` rows and `charsPerStatement` characters of text.
      const entries = [...byKey];
      const sizes = entries.map(([, row]) => textChars(row as Record<string, unknown>));
      // Always in key order, split or not, as every write of this table locks its rows (see
      // `compareKeys`): in the caller's, two writers meeting half-way deadlocked, and which one
      // the server broke off depended on timing (a plain write was run again, a host's
      // transaction failed STORE_UNAVAILABLE).
      const order = entries.map((_, i) => i);
      if (entries.length > 1) order.sort((i, j) => compareKeys(entries[i]![1], entries[j]![1]));
      const statements: Row[][] = [];
      let current: Row[] = [];
      let chars = 0;
      for (const i of order) {
        const row = entries[i]![1];
        const n = sizes[i]!;
        if (current.length > 0 && (current.length >= rowsPerStatement || chars + n > charsPerStatement)) {
          statements.push(current);
          current = [];
          chars = 0;
        }
        current.push(row);
        chars += n;
      }
      statements.push(current);
      if (statements.length === 1) {
        await ctx.query(insertSql, insertValues(statements[0]!));
        return;
      }
      await ctx.transaction(
        async (db) => {
          for (const batch of statements) await db.query(insertSql, insertValues(batch));
        },
        { retry: true },
      );
    },
    async delete(asked) {
      ctx.check?.();
      const keys = asked.filter(findable);
      if (keys.length === 0) return 0;
      const params = new Params();
      // The rows locked in key order first, as an upsert writes them (in the order given, two
      // writers meeting half-way deadlocked).
      const { from, names } = keyArrays([...keys].sort(compareKeys), params);
      const result = await ctx.query(
        `DELETE FROM ${table} AS t USING (SELECT ${keyListAs('t.')} FROM ${table} AS t JOIN ${from} AS k(${names.join(', ')}) ON ${keyJoin(names)} ORDER BY ${keyOrder} FOR UPDATE OF t) AS l WHERE ${lockedJoin}`,
        params.values,
      );
      return result.rowCount ?? 0;
    },
    async deleteWhere(where) {
      ctx.check?.();
      const params = new Params();
      const conditions = whereSql(where, params);
      if (conditions === undefined) return 0;
      // Locked in key order first (a plain DELETE locks in the order it reads the table: on disk,
      // or an index's), as every write of this table: a refresh's delete of the whole cache and
      // a read's delete of one subject's rows deadlocked.
      const result = await ctx.query(
        `DELETE FROM ${table} AS t USING (SELECT ${keyListAs('')} FROM ${table}${clause(conditions)} ORDER BY ${keyOrder} FOR UPDATE) AS l WHERE ${lockedJoin}`,
        params.values,
      );
      return result.rowCount ?? 0;
    },
    async scan(query = {}) {
      ctx.check?.();
      checkPaging(query);
      const params = new Params();
      const filters = whereSql(query.where, params);
      const ranges = rangeSql(query.range, params);
      const conditions = filters && [...filters, ...ranges];
      let order = keyOrder;
      if (query.orderBy) {
        const column = scalarColumn(query.orderBy.column, 'orderBy');
        const desc = query.orderBy.direction === 'desc';
        // NULLS only where nulls can be: on a NOT NULL column the plain order lets an index serve it.
        const nulls = column.nullable ? (desc ? ' NULLS LAST' : ' NULLS FIRST') : '';
        order = `${ident(column.name)} ${desc ? 'DESC' : 'ASC'}${nulls}, ${keyOrder}`;
      }
      if (conditions === undefined) return [];
      // Past 2^53 a number is no longer written as digits (`1e+21`) and may pass bigint: no table
      // holds that many rows, so the safe maximum pages the same.
      let paging = '';
      if (query.offset) paging += ` OFFSET ${params.add(Math.min(query.offset, Number.MAX_SAFE_INTEGER))}`;
      if (query.limit !== undefined) paging += ` LIMIT ${params.add(Math.min(query.limit, Number.MAX_SAFE_INTEGER))}`;
      const { rows } = await ctx.query(
        `SELECT ${selected} FROM ${table}${clause(conditions)} ORDER BY ${order}${paging}`,
        params.values,
      );
      return rows.map(fromRow);
    },
    async count(where) {
      ctx.check?.();
      const params = new Params();
      const conditions = whereSql(where, params);
      if (conditions === undefined) return 0;
      const { rows } = await ctx.query(`SELECT count(*) AS n FROM ${table}${clause(conditions)}`, params.values);
      return Number(rows[0]?.n ?? 0);
    },
  };
}

/**
 * @module adapters/tabular/validate-rows
 * Turns one table's raw rows into canonical rows: the host's `map` (if any: none, one or many
 * rows per line), then the table's row schema. Every failure becomes a rejection with the row's
 * line and the offending column; the row is left out, and the caller decides later whether that
 * is an error. Nothing a host's `map` or a row does (throw any value, a getter that throws) gets
 * past a row: it is that row's rejection.
 */
import { describeError } from '../../src/core/describe-error.js';
import { SceneRadarError } from '../../src/core/errors.js';
import type { z } from 'zod';
import { FAST_ROWS, type FastRow } from './fast-rows.js';
import type { ParsedTable, TabularRow } from './parsed-table.js';
import type { RejectionLog } from './rejections.js';
import { TABULAR_ROW_SCHEMAS, type TabularRowInput, type TabularRowOf, type TabularTableName } from './row-schemas.js';

/** A table as given to {@link createTabularSources}: parsed from a file, or rows in memory. */
export type TabularTableInput = ParsedTable | readonly TabularRow[];

/**
 * What a host's `map` returns for one raw row of table `T`: `null` (drop the line), one canonical
 * row, or an array of zero or more canonical rows (split a line: `A & B` credits into two artist
 * rows, a chart row into its co-credit pairs). An empty array drops the line like `null`.
 * @example
 * ```ts
 * const one: TabularMapResult<'events'> = { artist: 'nova-static', type: 'radio_play', at: '2025-03-01', weight: 1, region: null };
 * const none: TabularMapResult<'events'> = [];
 * ```
 */
export type TabularMapResult<T extends TabularTableName> = TabularRowInput<T> | readonly TabularRowInput<T>[] | null;

/**
 * A host's row adapter for table `T`: receives a raw row (its own column names) and its line,
 * and returns the canonical rows it stands for ({@link TabularMapResult}). Throwing rejects the
 * line with the error's message. Every row returned is validated on its own and, if rejected,
 * reported with the line it came from.
 * @example
 * ```ts
 * // One chart line credits "Nova Static & Pale Harbour": one event row per artist.
 * const events: TabularRowMap<'events'> = (row) =>
 *   String(row.credit).split(' & ').map((name) => ({ artist: slugify(name), type: 'chart_entry', at: String(row.week), weight: String(row.points), region: 'us' }));
 * ```
 */
export type TabularRowMap<T extends TabularTableName> = (row: TabularRow, line: number) => TabularMapResult<T>;

/** One `map` per table, all optional. */
export type TabularRowMaps = { readonly [T in TabularTableName]?: TabularRowMap<T> };

/** A canonical row with where it came from. */
export interface Located<R> {
  /** The validated, coerced row. */
  readonly row: R;
  /** 1-based line (file) or row number (array). */
  readonly line: number;
}

/**
 * Normalises either input form to rows, lines and a source name. Anything else (a file path, null,
 * an object without a `rows` array) is a host mistake: a `CONFIG_INVALID` error naming `table`.
 */
export function rowsOf(input: TabularTableInput, table: TabularTableName): ParsedTable {
  if (Array.isArray(input)) return { columns: [], rows: input, lines: input.map((_, i) => i + 1), source: undefined };
  const wrong = (found: string): SceneRadarError =>
    new SceneRadarError(
      'CONFIG_INVALID',
      `createTabularSources: table "${table}" must be a parsed table or an array of rows, found ${found}`,
    );
  if (typeof input === 'string')
    throw wrong(
      `${describeValue(input)}: read the file first (readTable, parseCsv) or use createTabularSourcesFromFiles`,
    );
  if (typeof input !== 'object' || input === null) throw wrong(describeValue(input));
  const { columns, rows, lines, source } = input as Partial<Record<keyof ParsedTable, unknown>>;
  if (!Array.isArray(rows)) throw wrong('an object without a rows array');
  if (lines !== undefined && !Array.isArray(lines)) throw wrong('a table whose lines is not an array');
  if (source !== undefined && typeof source !== 'string') throw wrong('a table whose source is not a string');
  return {
    columns: Array.isArray(columns) ? columns : [],
    rows,
    // A table made by hand without lines numbers its rows from 1, as an array of rows does.
    lines: lines ?? [],
    source,
  };
}

/**
 * How a value of the wrong kind is named in a message: `null`, `a number`, `a string ("a.csv")`.
 * @internal
 */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v)})`;
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** How a map's promise is refused. */
const A_PROMISE = 'a Promise: a map returns its rows synchronously (an async map is not supported)';

/** Gives a promise a rejection handler (reading `then` may throw, inside the caller's guard). */
const handled = (v: unknown): void => void (v as PromiseLike<unknown>).then(undefined, () => undefined);

/** Whether a map's answer is a promise (or any thenable); reading `then` may throw, inside the caller's guard. */
const isThenable = (v: unknown): boolean =>
  (typeof v === 'object' || typeof v === 'function') &&
  v !== null &&
  typeof (v as { then?: unknown }).then === 'function';

function issueMessage(issues: readonly z.core.$ZodIssue[]): { column: string | null; message: string } {
  const first = issues[0];
  const column = first && first.path.length > 0 ? String(first.path[0]) : null;
  const message = issues
    .slice(0, 3)
    .map((i) => (i.path.length > 0 ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
  return { column, message };
}

/**
 * A validator of `table`'s rows one at a time: each raw row (with its line) goes through the
 * host's `map` and the row schema; valid rows go to `emit`, the others to `log`. Counts the rows
 * read as they come, so a table streamed from a file is validated without being held.
 */
export function createRowValidator<T extends TabularTableName>(
  table: T,
  source: string | null,
  map: TabularRowMap<T> | undefined,
  log: RejectionLog,
  emit: (located: Located<TabularRowOf<T>>) => void,
): (raw: TabularRow, line: number) => void {
  // The indexed lookup widens to the union of all row schemas; each one parses to TabularRowOf<T>.
  const schema = TABULAR_ROW_SCHEMAS[table] as unknown as z.ZodType<TabularRowOf<T>>;
  // The table's shortcut past the schema for plainly valid rows (undefined: the schema reads it).
  const fast = (FAST_ROWS[table] as (() => FastRow<T>) | undefined)?.();
  /** Validates one candidate row; `part` says which of several rows the map returned for the line. */
  const unreadable = (line: number, part: string, e: unknown): void =>
    log.reject({
      table,
      source,
      line,
      column: null,
      message: `${part}the row cannot be read: ${describeError(e, { name: false })}`,
    });
  const check = (candidate: unknown, line: number, part: string): void => {
    log.map(table, 1);
    let array: boolean;
    try {
      array = Array.isArray(candidate);
      if (isThenable(candidate)) {
        // A row of `rows.map(async ...)`: refused, and given a handler, so that its rejection
        // cannot end the host's process.
        handled(candidate);
        log.reject({ table, source, line, column: null, message: `${part}expected a row object, found ${A_PROMISE}` });
        return;
      }
    } catch (e) {
      // A revoked proxy: nothing of it can be read.
      unreadable(line, part, e);
      return;
    }
    if (typeof candidate !== 'object' || candidate === null || array) {
      const found = candidate === null ? 'null' : array ? 'an array' : typeof candidate;
      log.reject({ table, source, line, column: null, message: `${part}expected a row object, found ${found}` });
      return;
    }
    let quick: TabularRowOf<T> | undefined;
    let result: ReturnType<typeof schema.safeParse> | undefined;
    try {
      quick = fast?.(candidate as TabularRow);
      if (quick === undefined) result = schema.safeParse(candidate);
    } catch (e) {
      // A getter or proxy that throws while its cells are read.
      unreadable(line, part, e);
      return;
    }
    if (quick !== undefined) {
      emit({ row: quick, line });
      return;
    }
    if (result === undefined) return; // unreachable: without a shortcut's row the schema ran
    if (result.success) emit({ row: result.data, line });
    else {
      const { column, message } = issueMessage(result.error.issues);
      log.reject({ table, source, line, column, message: part + message });
    }
  };
  return (raw, line) => {
    log.read(table, 1);
    if (!map) {
      check(raw, line, '');
      return;
    }
    let mapped: unknown;
    try {
      mapped = map(raw, line);
    } catch (e) {
      log.map(table, 1);
      log.reject({ table, source, line, column: null, message: `map threw: ${describeError(e, { name: false })}` });
      return;
    }
    // What the map returned is read once, inside a guard: a revoked proxy (`Array.isArray` throws
    // on one) or an array proxy whose length or items throw is that line's rejection, not a crash.
    let rows: readonly unknown[] | undefined;
    try {
      if (isThenable(mapped)) {
        // An async map: its rows would arrive after the line was counted. The line is refused,
        // and the promise gets a handler, so its rejection cannot end the host's process.
        handled(mapped);
        log.map(table, 1);
        log.reject({ table, source, line, column: null, message: `map returned ${A_PROMISE}` });
        return;
      }
      if (Array.isArray(mapped)) rows = Array.from(mapped as readonly unknown[]);
    } catch (e) {
      log.map(table, 1);
      log.reject({
        table,
        source,
        line,
        column: null,
        message: `map returned rows that cannot be read: ${describeError(e, { name: false })}`,
      });
      return;
    }
    if (mapped === null || (rows !== undefined && rows.length === 0)) {
      log.drop(table);
      return;
    }
    if (rows === undefined) {
      check(mapped, line, '');
      return;
    }
    for (let k = 0; k < rows.length; k++)
      check(rows[k], line, rows.length > 1 ? `map row ${k + 1} of ${rows.length}: ` : '');
  };
}

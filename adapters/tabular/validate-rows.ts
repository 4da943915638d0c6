/**
 * @module adapters/tabular/validate-rows
 * Turns one table's raw rows into canonical rows: the host's `map` (if any), then the table's row
 * schema. Every failure becomes a rejection with the row's line and the offending column; the
 * row is left out, and the caller decides later whether that is an error.
 */
import type { z } from 'zod';
import type { ParsedTable, TabularRow } from './parsed-table.js';
import type { RejectionLog } from './rejections.js';
import { TABULAR_ROW_SCHEMAS, type TabularRowInput, type TabularRowOf, type TabularTableName } from './row-schemas.js';

/** A table as given to {@link createTabularSources}: parsed from a file, or rows in memory. */
export type TabularTableInput = ParsedTable | readonly TabularRow[];

/**
 * A host's row adapter for table `T`: receives a raw row (its own column names) and returns the
 * canonical row, or null to drop the row. Throwing rejects the row with the error's message.
 */
export type TabularRowMap<T extends TabularTableName> = (row: TabularRow, line: number) => TabularRowInput<T> | null;

/** One `map` per table, all optional. */
export type TabularRowMaps = { readonly [T in TabularTableName]?: TabularRowMap<T> };

/** A canonical row with where it came from. */
export interface Located<R> {
  /** The validated, coerced row. */
  readonly row: R;
  /** 1-based line (file) or row number (array). */
  readonly line: number;
}

const isParsed = (input: TabularTableInput): input is ParsedTable => !Array.isArray(input);

/** Normalises either input form to rows, lines and a source name. */
export function rowsOf(input: TabularTableInput): ParsedTable {
  if (isParsed(input)) return input;
  return { columns: [], rows: input, lines: input.map((_, i) => i + 1), source: undefined };
}

function issueMessage(issues: readonly z.core.$ZodIssue[]): { column: string | null; message: string } {
  const first = issues[0];
  const column = first && first.path.length > 0 ? String(first.path[0]) : null;
  const message = issues
    .slice(0, 3)
    .map((i) => (i.path.length > 0 ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
  return { column, message };
}

/** Maps and validates every row of `table`; invalid rows go to `log`. */
export function validateTable<T extends TabularTableName>(table: T, input: TabularTableInput, map: TabularRowMap<T> | undefined, log: RejectionLog): Located<TabularRowOf<T>>[] {
  const parsed = rowsOf(input);
  const source = parsed.source ?? null;
  // The indexed lookup widens to the union of all row schemas; each one parses to TabularRowOf<T>.
  const schema = TABULAR_ROW_SCHEMAS[table] as unknown as z.ZodType<TabularRowOf<T>>;
  log.open(table, parsed.rows.length);
  const out: Located<TabularRowOf<T>>[] = [];
  for (let i = 0; i < parsed.rows.length; i++) {
    const raw = parsed.rows[i]!;
    const line = parsed.lines[i] ?? i + 1;
    let candidate: unknown = raw;
    if (map) {
      try {
        candidate = map(raw, line);
      } catch (e) {
        log.reject({ table, source, line, column: null, message: `map threw: ${e instanceof Error ? e.message : String(e)}` });
        continue;
      }
      if (candidate === null) {
        log.drop(table);
        continue;
      }
    }
    if (typeof candidate !== 'object' || candidate === null) {
      log.reject({ table, source, line, column: null, message: `expected a row object, found ${candidate === null ? 'null' : typeof candidate}` });
      continue;
    }
    const result = schema.safeParse(candidate);
    if (result.success) out.push({ row: result.data, line });
    else log.reject({ table, source, line, ...issueMessage(result.error.issues) });
  }
  return out;
}

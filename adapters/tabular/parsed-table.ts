/**
 * @module adapters/tabular/parsed-table
 * What the parsers return: the rows of one file plus the line each row starts on, so a row that
 * fails validation later (after the host's `map`, after coercion) can still be reported by line.
 */
import { SceneRadarError } from '../../src/core/errors.js';

/** One raw row: column name to cell value (strings for CSV, any JSON value for JSON lines). */
export type TabularRow = Readonly<Record<string, unknown>>;

/** The rows of one parsed file, with the line each row starts on. */
export interface ParsedTable<R extends TabularRow = TabularRow> {
  /** Column names in file order (for JSON lines: every key seen, in first-seen order). */
  readonly columns: readonly string[];
  /**
   * The rows. Each is a prototype-less object (`Object.create(null)`), so a column named
   * `__proto__` or `constructor` is an ordinary own key and cannot reach `Object.prototype`.
   */
  readonly rows: readonly R[];
  /** `lines[i]` is the 1-based line on which `rows[i]` starts (quoted cells may span lines). */
  readonly lines: readonly number[];
  /** Where the rows came from (a file path), for error messages; undefined for in-memory text. */
  readonly source: string | undefined;
}

/** Options both parsers take. */
export interface ParseOptions {
  /** Names the input in error messages (the file path). @default none */
  readonly source?: string;
}

/** `events.csv line 12` or `line 12`: how a place in the input is named in messages. */
export function where(source: string | undefined, line: number): string {
  return source === undefined ? `line ${line}` : `${source} line ${line}`;
}

/**
 * A malformed file: a `CONFIG_INVALID` error naming the source and line in its message, with
 * `details` `{ source, line, column, reason }` (`column`: the 1-based character on that line where
 * the problem is, when known; `reason`: the message without the place), so a command line can
 * print `file:line:column: reason`.
 */
export function parseError(
  source: string | undefined,
  line: number,
  message: string,
  cause?: unknown,
  column?: number,
): SceneRadarError {
  return new SceneRadarError('CONFIG_INVALID', `${where(source, line)}: ${message}`, {
    details: { source: source ?? null, line, column: column ?? null, reason: message },
    cause,
  });
}

/**
 * Refuses what a parser cannot read as its input (`CONFIG_INVALID`, naming `what`): text that is not
 * a string, options that are not an object (undefined is no options).
 */
export function checkParseInput(text: unknown, options: unknown, what: string): void {
  if (typeof text !== 'string')
    throw new SceneRadarError('CONFIG_INVALID', `${what}: the text must be a string (got ${typeOf(text)})`, {
      details: [{ code: 'invalid_type', path: ['text'], message: 'Expected a string' }],
    });
  checkOptionsObject(options, what);
}

/** Refuses options that are neither undefined nor an object (`CONFIG_INVALID`, naming `what`). */
export function checkOptionsObject(options: unknown, what: string): void {
  if (options !== undefined && (options === null || typeof options !== 'object'))
    throw new SceneRadarError('CONFIG_INVALID', `${what}: options must be an object (got ${typeOf(options)})`, {
      details: [{ code: 'invalid_type', path: ['options'], message: 'Expected an object' }],
    });
}

const typeOf = (v: unknown): string => (v === null ? 'null' : typeof v);

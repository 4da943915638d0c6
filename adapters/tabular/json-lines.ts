/**
 * @module adapters/tabular/json-lines
 * A JSON-lines (NDJSON) parser: one JSON object per line, blank lines skipped.
 */
import { checkParseInput, parseError, type ParseOptions, type ParsedTable, type TabularRow } from './parsed-table.js';
import { repeatedJsonKey } from '../../src/core/json-keys.js';

/**
 * Parses JSON-lines text: every non-blank line must be one JSON object. A line that is not valid
 * JSON, or is valid JSON but not an object (an array, a string, `null`), is a `CONFIG_INVALID`
 * `SceneRadarError` naming its line. A byte-order mark at the start is dropped.
 *
 * Rows are copied into prototype-less objects: `JSON.parse` already makes `"__proto__"` an own
 * key, and the copy keeps inherited names (`constructor`, `toString`) from looking like columns.
 * @example
 * ```ts
 * const table = parseJsonLines('{"artist":"nova-static","weight":3}\n\n{"artist":"pale-harbour","weight":1}\n');
 * table.rows.length; // 2
 * table.lines[1];    // 3
 * ```
 */
export function parseJsonLines(text: string, options: ParseOptions = {}): ParsedTable {
  checkParseInput(text, options, 'parseJsonLines');
  const state = createJsonLinesState(options);
  const rows: TabularRow[] = [];
  const lines: number[] = [];
  parseJsonLinesBlock(text, state, (row, line) => {
    rows.push(row);
    lines.push(line);
  });
  return { columns: [...state.columns], rows, lines, source: options.source };
}

/**
 * What a JSON-lines parse carries from one block to the next (blocks end after a newline).
 * @internal
 */
export interface JsonLinesState {
  /** The input's name in errors. */
  readonly source: string | undefined;
  /** Every key seen, in first-seen order. */
  readonly columns: Set<string>;
  /** Lines parsed so far. */
  line: number;
  /** True before the first block. */
  first: boolean;
}

/**
 * A parse state for {@link parseJsonLinesBlock}.
 * @internal
 */
export function createJsonLinesState(options: ParseOptions): JsonLinesState {
  return { source: options.source, columns: new Set(), line: 0, first: true };
}

/**
 * The 1-based column of a JSON error: the position `JSON.parse`'s message gives (`at position 12`),
 * else the end for a line cut short, else the first place the unexpected token appears, else the
 * line's first character.
 */
function jsonColumn(error: unknown, raw: string): number {
  const message = error instanceof Error ? error.message : '';
  const position = /position (\d+)/.exec(message);
  if (position) return Number(position[1]) + 1;
  if (/Unexpected end/.test(message)) return raw.trimEnd().length + 1;
  const token = /Unexpected (?:token|non-whitespace character)[^']*'(.)'/.exec(message);
  const at = token ? raw.indexOf(token[1]!) : -1;
  if (at >= 0) return at + 1;
  return raw.length - raw.trimStart().length + 1;
}

/**
 * Parses one block of JSON-lines text (ending after a newline, or the last), continuing `state`.
 * @internal
 */
export function parseJsonLinesBlock(
  text: string,
  state: JsonLinesState,
  emit: (row: Record<string, unknown>, line: number) => void,
): void {
  const { source, columns } = state;
  let start = state.first && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (text.length > 0) state.first = false;
  let line = state.line;
  // A block ending in a newline has no last, empty line of its own: the next block starts it.
  const stop = text.endsWith('\n') ? text.length - 1 : text.length;
  while (start <= stop) {
    line++;
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const raw = text.slice(start, end);
    start = end + 1;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw parseError(
        source,
        line,
        `not valid JSON (${e instanceof Error ? e.message : String(e)})`,
        e,
        jsonColumn(e, raw),
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw parseError(
        source,
        line,
        `expected a JSON object, found ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
        undefined,
        jsonColumn(undefined, raw),
      );
    }
    // `JSON.parse` keeps the last of a repeated key: refused like a repeated CSV header column, so
    // no value is dropped in silence.
    const entries = Object.entries(value);
    const repeated = colonsIn(raw) > entries.length ? repeatedJsonKey(raw, { topLevelOnly: true }) : undefined;
    if (repeated !== undefined)
      throw parseError(source, line, `repeated key ${JSON.stringify(repeated.key)} in one object`);
    const row: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [key, cell] of entries) {
      row[key] = cell;
      columns.add(key);
    }
    emit(row, line);
  }
  state.line = line;
}

/** How many `:` the text holds: an object with no more than it has keys cannot repeat one. */
function colonsIn(text: string): number {
  let n = 0;
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) n++;
  return n;
}

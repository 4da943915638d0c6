/**
 * @module adapters/tabular/json-lines
 * A JSON-lines (NDJSON) parser: one JSON object per line, blank lines skipped.
 */
import { parseError, type ParseOptions, type ParsedTable, type TabularRow } from './parsed-table.js';

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
  const source = options.source;
  const rows: TabularRow[] = [];
  const lines: number[] = [];
  const columns = new Set<string>();
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 0;
  while (start <= text.length) {
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
      throw parseError(source, line, `not valid JSON (${e instanceof Error ? e.message : String(e)})`, e);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw parseError(
        source,
        line,
        `expected a JSON object, found ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
      );
    }
    const row: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [key, cell] of Object.entries(value)) {
      row[key] = cell;
      columns.add(key);
    }
    rows.push(row);
    lines.push(line);
  }
  return { columns: [...columns], rows, lines, source };
}

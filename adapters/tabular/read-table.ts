/**
 * @module adapters/tabular/read-table
 * Reads one table file (Node, Deno, Bun): CSV or JSON lines, each optionally gzipped. `node:fs`
 * and `node:zlib` are imported on first use rather than at the top, so the rest of this entry
 * (parsers, schemas, {@link createTabularSources}) still loads where there is no file system.
 */
import type { ParsedTable, TabularRow } from './parsed-table.js';
import { abortableTable, type StreamTableOptions } from './stream-table.js';
import type { ReadTableOptions } from './table-format.js';

export { detectTableFormat, type DetectedFormat, type ReadTableOptions, type TabularFormat } from './table-format.js';

/**
 * Reads a CSV or JSON-lines file, gunzipping it first when needed, and parses it. The text must
 * be UTF-8. Rows carry their line numbers and the path, so later errors name both. A missing or
 * unreadable file, bad gzip data, invalid UTF-8 and parse errors are `CONFIG_INVALID`
 * `SceneRadarError`s naming the path. `options.signal` stops the read: once it aborts, the read
 * rejects at once with a `TALENT_TIMEOUT` `SceneRadarError` (`details.source` the path, `cause`
 * the signal's reason) and the file is closed, even a FIFO whose writer stays open and writes
 * nothing ({@link StreamTableOptions.signal}).
 * @example
 * ```ts
 * const events = await readTable('exports/events.csv.gz', { signal: AbortSignal.timeout(60_000) });
 * events.rows.length;
 * ```
 */
export async function readTable(
  path: string,
  options: ReadTableOptions & Pick<StreamTableOptions, 'signal'> = {},
): Promise<ParsedTable> {
  // Streamed, so the file's bytes and text are never held whole: only the rows are kept.
  const rows: TabularRow[] = [];
  const lines: number[] = [];
  let columns: readonly string[] = [];
  for await (const batch of abortableTable(path, options, 'readTable')) {
    for (let i = 0; i < batch.rows.length; i++) {
      rows.push(batch.rows[i]!);
      lines.push(batch.lines[i]!);
    }
    columns = batch.columns;
  }
  return { columns, rows, lines, source: path };
}

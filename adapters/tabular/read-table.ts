/**
 * @module adapters/tabular/read-table
 * Reads one table file (Node, Deno, Bun): CSV or JSON lines, each optionally gzipped. `node:fs`
 * and `node:zlib` are imported on first use rather than at the top, so the rest of this entry
 * (parsers, schemas, {@link createTabularSources}) still loads where there is no file system.
 */
import { SceneRadarError } from '../../src/core/errors.js';
import { parseCsv } from './csv.js';
import { parseJsonLines } from './json-lines.js';
import type { ParsedTable } from './parsed-table.js';

/** A table file format. */
export type TabularFormat = 'csv' | 'jsonl';

/** Options for {@link readTable}. */
export interface ReadTableOptions {
  /** File format. @default from the extension: `.csv`, `.jsonl` or `.ndjson`, each optionally `.gz` */
  readonly format?: TabularFormat;
  /** Whether the file is gzipped. @default true when the name ends in `.gz` */
  readonly gzip?: boolean;
  /** CSV cell separator. @default ',' */
  readonly delimiter?: string;
}

/** What a file name says about its content. */
export interface DetectedFormat {
  /** The table format. */
  readonly format: TabularFormat;
  /** Whether the file is gzipped. */
  readonly gzip: boolean;
}

/**
 * The format and compression a file name implies, or undefined for an unknown extension.
 * @example
 * ```ts
 * detectTableFormat('exports/events.csv.gz'); // { format: 'csv', gzip: true }
 * ```
 */
export function detectTableFormat(path: string): DetectedFormat | undefined {
  const lower = path.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const base = gzip ? lower.slice(0, -3) : lower;
  if (base.endsWith('.csv')) return { format: 'csv', gzip };
  if (base.endsWith('.jsonl') || base.endsWith('.ndjson')) return { format: 'jsonl', gzip };
  return undefined;
}

function gunzip(data: Uint8Array, zlib: typeof import('node:zlib')): Promise<Uint8Array> {
  return new Promise((resolve, reject) => zlib.gunzip(data, (err, out) => (err ? reject(err) : resolve(out))));
}

const fail = (path: string, message: string, cause?: unknown): SceneRadarError =>
  new SceneRadarError('CONFIG_INVALID', `Cannot read table ${path}: ${message}`, { details: { source: path }, cause });

/**
 * Reads a CSV or JSON-lines file, gunzipping it first when needed, and parses it. The text must
 * be UTF-8. Rows carry their line numbers and the path, so later errors name both. A missing or
 * unreadable file, bad gzip data, invalid UTF-8 and parse errors are `CONFIG_INVALID`
 * {@link SceneRadarError}s naming the path.
 * @example
 * ```ts
 * const events = await readTable('exports/events.csv.gz');
 * events.rows.length;
 * ```
 */
export async function readTable(path: string, options: ReadTableOptions = {}): Promise<ParsedTable> {
  const detected = detectTableFormat(path);
  const format = options.format ?? detected?.format;
  if (format === undefined)
    throw fail(path, 'unknown extension (expected .csv, .jsonl or .ndjson, optionally .gz); pass `format`');
  const gzip = options.gzip ?? detected?.gzip ?? false;
  const fs = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    throw fail(path, e instanceof Error ? e.message : String(e), e);
  }
  if (gzip) {
    const zlib = await import('node:zlib');
    try {
      bytes = await gunzip(bytes, zlib);
    } catch (e) {
      throw fail(path, `not valid gzip data (${e instanceof Error ? e.message : String(e)})`, e);
    }
  }
  let text: string;
  try {
    // Fatal: a Latin-1 export would otherwise load with silently garbled names.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw fail(path, 'not valid UTF-8 text', e);
  }
  return format === 'csv'
    ? parseCsv(text, { source: path, ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }) })
    : parseJsonLines(text, { source: path });
}

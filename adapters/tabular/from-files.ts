/**
 * @module adapters/tabular/from-files
 * The convenience: file paths (or byte streams) in, sources out. Each file is streamed
 * ({@link streamTable}) and its rows validated and folded as they arrive, so the files' text is
 * never held: memory follows what the data holds once folded (the artists, their distinct days
 * and events), not the files' size.
 */
import {
  checkOptions,
  createTabularBuilder,
  type TabularSources,
  type TabularSourcesOptions,
} from './create-sources.js';
import type { ReadTableOptions } from './table-format.js';
import { TABULAR_TABLE_NAMES, type TabularTableName } from './row-schemas.js';
import { streamTable, type TableByteSource } from './stream-table.js';

/** A table file with read options (format, gzip, delimiter). */
export interface TabularFileSpec extends ReadTableOptions {
  /** The file's path. */
  readonly path: string;
}

/** A table file: a path, or a path with read options. */
export type TabularFile = string | TabularFileSpec;

/** The table files to read, by canonical table name. */
export type TabularFiles = { readonly [T in TabularTableName]?: TabularFile };

/** A table as bytes from anywhere (an object store, an HTTP body, a generator): the bytes and how to read them. */
export interface TabularStreamSpec extends ReadTableOptions {
  /** The bytes, in pieces (a Node readable, a web `ReadableStream`, an async generator). */
  readonly input: TableByteSource;
  /** The table's format (there is no file name to tell). */
  readonly format: NonNullable<ReadTableOptions['format']>;
  /** Names the input in errors and in the report. @default the table's name */
  readonly source?: string;
}

/** The table streams to read, by canonical table name. */
export type TabularStreams = { readonly [T in TabularTableName]?: TabularStreamSpec };

/**
 * Streams every file and builds the sources over them (as {@link createTabularSources} does over
 * parsed tables, with the same options, report and errors). Files are read one after another and
 * each row is validated and folded as it is parsed, so memory is bounded by the folded data, not
 * by the files' size. Errors name the file, line and column.
 * @example
 * ```ts
 * const { sources, report } = await createTabularSourcesFromFiles(
 *   { artists: 'exports/artists.csv', events: 'exports/events.csv.gz', engagement: { path: 'exports/daily.tsv', format: 'csv', delimiter: '\t' } },
 *   { onInvalidRow: 'skip' },
 * );
 * ```
 */
export async function createTabularSourcesFromFiles(
  files: TabularFiles,
  options: TabularSourcesOptions = {},
): Promise<TabularSources> {
  const streams: { [T in TabularTableName]?: { input: string; read: ReadTableOptions } } = {};
  for (const [name, file] of Object.entries(files)) {
    if (file === undefined) continue;
    const { path, ...read } = typeof file === 'string' ? { path: file } : (file as TabularFileSpec);
    (streams as Record<string, unknown>)[name] = { input: path, read };
  }
  return importStreams(
    streams as Readonly<
      Record<string, { input: string | TableByteSource; read: ReadTableOptions & { source?: string } }>
    >,
    options,
  );
}

/**
 * {@link createTabularSourcesFromFiles} over byte streams instead of paths: each table's bytes
 * (optionally gzipped) are parsed, validated and folded as they arrive.
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * const { sources } = await createTabularSourcesFromStreams({
 *   events: { input: createReadStream('events.csv.gz'), format: 'csv', gzip: true, source: 'events.csv.gz' },
 * });
 * ```
 */
export async function createTabularSourcesFromStreams(
  streams: TabularStreams,
  options: TabularSourcesOptions = {},
): Promise<TabularSources> {
  const inputs: Record<string, { input: TableByteSource; read: ReadTableOptions & { source?: string } }> = {};
  for (const [name, spec] of Object.entries(streams)) {
    if (spec === undefined) continue;
    const { input, ...read } = spec as TabularStreamSpec;
    inputs[name] = { input, read: { ...read, source: read.source ?? name } };
  }
  return importStreams(inputs, options);
}

async function importStreams(
  inputs: Readonly<Record<string, { input: string | TableByteSource; read: ReadTableOptions & { source?: string } }>>,
  options: TabularSourcesOptions,
): Promise<TabularSources> {
  // Unknown table names are refused here, with the list, before any file is opened.
  checkOptions(inputs, options);
  const builder = createTabularBuilder(options);
  for (const name of TABULAR_TABLE_NAMES) {
    const entry = inputs[name];
    if (entry === undefined) continue;
    const source = entry.read.source ?? (typeof entry.input === 'string' ? entry.input : name);
    const push = builder.table(name, source);
    for await (const batch of streamTable(entry.input, { ...entry.read, source })) {
      const { rows, lines } = batch;
      for (let i = 0; i < rows.length; i++) push(rows[i]!, lines[i]!);
    }
  }
  return builder.finish();
}

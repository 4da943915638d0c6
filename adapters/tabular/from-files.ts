/**
 * @module adapters/tabular/from-files
 * The convenience: file paths in, sources out ({@link readTable} on each, then
 * {@link createTabularSources}).
 */
import {
  createTabularSources,
  type TabularSources,
  type TabularSourcesOptions,
  type TabularTables,
} from './create-sources.js';
import { readTable, type ReadTableOptions } from './read-table.js';
import type { TabularTableName } from './row-schemas.js';

/** A table file with read options (format, gzip, delimiter). */
export interface TabularFileSpec extends ReadTableOptions {
  /** The file's path. */
  readonly path: string;
}

/** A table file: a path, or a path with read options. */
export type TabularFile = string | TabularFileSpec;

/** The table files to read, by canonical table name. */
export type TabularFiles = { readonly [T in TabularTableName]?: TabularFile };

/**
 * Reads every file (in parallel) and builds the sources over them. Errors name the file and line.
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
  const entries = Object.entries(files).filter((e): e is [string, TabularFile] => e[1] !== undefined);
  const read = await Promise.all(
    entries.map(async ([name, file]) => {
      const { path, ...readOptions } = typeof file === 'string' ? { path: file } : file;
      return [name, await readTable(path, readOptions)] as const;
    }),
  );
  // Unknown table names are passed on as given: createTabularSources rejects them with the list.
  return createTabularSources(Object.fromEntries(read) as TabularTables, options);
}

/**
 * @module cli/manifest
 * The data folder of `scene-radar serve --data <dir>`: a `scene-radar.json` manifest naming the
 * table files (and the scene catalog), or, without one, the files found under the canonical table
 * names (`artists.csv`, `events.csv.gz`, `engagement.jsonl`, `catalog.json`, ...). Paths are
 * relative to the folder. A manifest that is not valid JSON, or not a valid manifest, is reported
 * as `scene-radar.json:line:column: reason`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import {
  TABULAR_TABLE_NAMES,
  type TabularFileSpec,
  type TabularFiles,
  type TabularSourcesOptions,
  type TabularTableName,
} from '../../adapters/tabular/index.js';
import { AGGREGATION_CHOICES } from '../../adapters/tabular/aggregate-rows.js';
import { inYears1000To9999, isCalendarDay, UsageError } from './command-line.js';
import { DataFileError } from './io.js';
import { repeatedJsonKey } from '../core/json-keys.js';

/** The manifest's file name inside the data folder. */
export const MANIFEST_FILE = 'scene-radar.json';

const FileSchema = z.union([
  z.string().min(1),
  z
    .object({
      path: z.string().min(1),
      format: z.enum(['csv', 'jsonl']).optional(),
      gzip: z.boolean().optional(),
      // The import takes any one character but a quote, CR or LF (they delimit fields and rows).
      delimiter: z
        .string()
        .length(1)
        .refine((d) => d !== '"' && d !== '\r' && d !== '\n', { message: 'a delimiter cannot be a quote, CR or LF' })
        .optional(),
    })
    .strict(),
]);

/** A day or instant in the years 1000-9999 (the range the import and `--as-of` take). */
const DAY_OR_INSTANT = /^[1-9]\d{3}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2}))?$/;
/** A calendar day, YYYY-MM-DD. */
const calendarDay = z
  .string()
  .refine((s) => /^[1-9]\d{3}-\d{2}-\d{2}$/.test(s) && isCalendarDay(s), { message: 'expected a day YYYY-MM-DD' });

/** Schema of `scene-radar.json`. */
export const ManifestSchema = z
  .object({
    /** A name for the data, printed by the commands. */
    name: z.string().min(1).max(200).optional(),
    /** Table files by canonical table name (a path, or `{ path, format, gzip, delimiter }`). */
    tables: z.object(Object.fromEntries(TABULAR_TABLE_NAMES.map((t) => [t, FileSchema.optional()]))).strict(),
    /** The scene catalog: a JSON file `{ "scenes": [...], "microgenres": [...] }`. */
    catalog: z.string().min(1).optional(),
    /** The instant to serve the data as of (`YYYY-MM-DD` or ISO); `now` for the system clock. */
    asOf: z
      .string()
      .refine((s) => s === 'now' || (DAY_OR_INSTANT.test(s) && inYears1000To9999(Date.parse(s)) && isCalendarDay(s)), {
        message: "expected 'now', a day YYYY-MM-DD or an ISO 8601 instant",
      })
      .optional(),
    /** Options of the tabular import. */
    import: z
      .object({
        onInvalidRow: z.enum(['throw', 'skip']).optional(),
        // The tables that take a rule, each with its own choices (as the import checks them).
        aggregate: z
          .object(
            Object.fromEntries(
              Object.entries(AGGREGATION_CHOICES).map(([table, rules]) => [
                table,
                z.enum(rules as [string, ...string[]]).optional(),
              ]),
            ),
          )
          .strict()
          .optional(),
        derivedHomeRegion: z.string().min(1).max(64).optional(),
        seriesSpan: z
          .object({ start: calendarDay, end: calendarDay })
          .strict()
          .refine((span) => span.end >= span.start, { message: 'end is before start', path: ['end'] })
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** A `scene-radar.json` manifest as written. */
export type Manifest = z.output<typeof ManifestSchema>;

/** A data folder, resolved: absolute file paths, the catalog, the import options. */
export interface DataFolder {
  /** The folder (absolute). */
  readonly dir: string;
  /** The manifest's name, else the folder's. */
  readonly name: string;
  /** True when the files were found by name (no manifest). */
  readonly discovered: boolean;
  /** The table files, absolute. */
  readonly files: TabularFiles;
  /** The catalog file, absolute, if any. */
  readonly catalog: string | undefined;
  /** The manifest's `asOf`, if any. */
  readonly asOf: string | undefined;
  /** The tabular import's options. */
  readonly options: TabularSourcesOptions;
}

/** Line and 1-based column of `offset` in `text`. */
export function placeOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** Parses JSON text (a leading byte-order mark is dropped), or a {@link DataFileError} at the place `JSON.parse` points to. */
export function parseJsonFile(file: string, raw: string): unknown {
  // A byte-order mark (editors on Windows write one) is not JSON, but the CSV files allow it too;
  // editors do not show it, so places are counted without it.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const position = /position (\d+)/.exec(message);
    const offset = position
      ? Number(position[1])
      : /Unexpected end/.test(message)
        ? text.trimEnd().length
        : (firstErrorOffset(text) ?? Math.max(0, text.length - text.trimStart().length));
    const { line, column } = placeOf(text, offset);
    throw new DataFileError(file, line, column, `not valid JSON (${message.split('\n')[0]})`);
  }
  // `JSON.parse` keeps the last of a repeated key: two files for one table, one read in silence.
  const repeated = repeatedJsonKey(text);
  if (repeated !== undefined) {
    const { line, column } = placeOf(text, repeated.offset);
    throw new DataFileError(file, line, column, `repeated key ${JSON.stringify(repeated.key)} (only one may be given)`);
  }
  return parsed;
}

/**
 * Where the first syntax error of `text` is, when V8's message names no position (Node 20: an
 * unquoted value, single quotes, `NaN`): the shortest prefix that fails for a reason other than
 * ending too soon ends at it. Found by halving (the failing prefixes are the longer ones).
 */
function firstErrorOffset(text: string): number | undefined {
  const failsAt = (length: number): number | undefined => {
    try {
      JSON.parse(text.slice(0, length));
      return undefined;
    } catch (e) {
      const message = e instanceof Error ? e.message : '';
      if (/Unexpected end/.test(message)) return undefined;
      const position = /position (\d+)/.exec(message);
      // An error at the prefix's end (an unterminated string) is the prefix ending, not an error.
      if (position) return Number(position[1]) < length ? Number(position[1]) : undefined;
      return length - 1;
    }
  };
  if (failsAt(text.length) === undefined) return undefined;
  let lo = 1;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsAt(mid) === undefined) lo = mid + 1;
    else hi = mid;
  }
  return failsAt(hi);
}

/** Where in `text` the key path of an issue is written (the last key's quote), else the start. */
function placeOfPath(text: string, path: readonly PropertyKey[]): { line: number; column: number } {
  let from = 0;
  for (const key of path) {
    if (typeof key !== 'string') continue;
    const at = text.indexOf(`"${key}"`, from);
    if (at >= 0) from = at;
  }
  return placeOf(text, from);
}

function readManifest(dir: string, file: string): DataFolder {
  if (statSync(file).isDirectory()) throw new UsageError(`--data ${dir}: ${file} is a directory, not a manifest file`);
  // A named pipe or a device would block the process (and Ctrl-C with it) until written to.
  if (!statSync(file).isFile()) throw new UsageError(`--data ${dir}: ${file} is not a regular file`);
  const text = readFileSync(file, 'utf8');
  const parsed = ManifestSchema.safeParse(parseJsonFile(file, text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // Placed in the text an editor shows: without the byte-order mark, as a syntax error is.
    const { line, column } = placeOfPath(text.replace(/^\ufeff/, ''), issue.path);
    const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
    throw new DataFileError(file, line, column, `${where}${issue.message}`);
  }
  const m = parsed.data;
  const files: Record<string, TabularFileSpec | string> = {};
  for (const [table, spec] of Object.entries(m.tables)) {
    if (spec === undefined) continue;
    files[table] = typeof spec === 'string' ? resolve(dir, spec) : { ...spec, path: resolve(dir, spec.path) };
  }
  if (Object.keys(files).length === 0)
    throw new DataFileError(file, placeOfPath(text, ['tables']).line, null, 'tables: name at least one table file');
  return {
    dir,
    name: m.name ?? dir,
    discovered: false,
    files: files as TabularFiles,
    catalog: m.catalog === undefined ? undefined : resolve(dir, m.catalog),
    asOf: m.asOf,
    options: (m.import ?? {}) as TabularSourcesOptions,
  };
}

const EXTENSIONS = ['.csv', '.csv.gz', '.jsonl', '.jsonl.gz', '.ndjson', '.ndjson.gz'];
const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Extensions of a file that holds a table, in a format the name rule reads or not. */
const TABLE_LIKE = new Set([
  'csv',
  'tsv',
  'tab',
  'psv',
  'txt',
  'json',
  'jsonl',
  'ndjson',
  'gz',
  'gzip',
  'zip',
  'xls',
  'xlsx',
  'parquet',
]);

/**
 * Whether `name` in `dir` is a regular file named for a table (its part before the first dot is one
 * of `bases`, in any case) with a table-like extension (`events.json`, `Events.csv`,
 * `scene-pulses.csv`), not notes (`events.md`) or a folder (`events.old/`).
 */
function looksLikeTableFile(dir: string, name: string, bases: ReadonlySet<string>): boolean {
  const parts = name.toLowerCase().split('.');
  if (parts.length < 2 || !bases.has(parts[0]!) || !parts.slice(1).some((p) => TABLE_LIKE.has(p))) return false;
  try {
    return statSync(join(dir, name)).isFile();
  } catch {
    return false;
  }
}

/** The table files found by name in `dir` (`events.csv.gz`, `scene_pulses.jsonl`, ...). */
function discover(dir: string): DataFolder {
  const present = new Set(readdirSync(dir));
  const files: Partial<Record<TabularTableName, string>> = {};
  for (const table of TABULAR_TABLE_NAMES) {
    const hits = [...new Set([table, snake(table)])].flatMap((base) =>
      EXTENSIONS.map((ext) => `${base}${ext}`).filter((f) => present.has(f)),
    );
    // Two files for one table (events.csv and events.jsonl): reading one and ignoring the other
    // silently would drop rows the host meant to import.
    if (hits.length > 1)
      throw new UsageError(
        `--data ${dir}: ${hits.join(' and ')} are both files for the ${table} table: keep one, or name the one to read in ${MANIFEST_FILE}`,
      );
    if (hits[0] !== undefined) files[table] = join(dir, hits[0]);
    // A file meant for this table that the name rule does not read (`events.json`, `events.tsv`,
    // `Events.csv`), with no readable one beside it: skipping it silently would import the data
    // without that table. A readable file beside it (`events.csv` and `events.csv.bak`) is read.
    else {
      const bases = new Set([table.toLowerCase(), snake(table), snake(table).replace(/_/g, '-')]);
      const meant = [...present].filter((f) => looksLikeTableFile(dir, f, bases)).sort();
      if (meant.length > 0)
        throw new UsageError(
          `--data ${dir}: ${meant.join(' and ')} ${meant.length > 1 ? 'look like files' : 'looks like a file'} for the ${table} table, but files are read by name only as ${EXTENSIONS.map((e) => `${snake(table)}${e}`).join(', ')} (lower case): rename ${meant.length > 1 ? 'the one to read' : 'it'}, or name it in ${MANIFEST_FILE} with its format (csv or jsonl)`,
        );
    }
  }
  if (Object.keys(files).length === 0)
    throw new UsageError(
      `--data ${dir}: no ${MANIFEST_FILE} and no table files named like artists.csv, events.csv.gz, engagement.jsonl (see docs/cli.md)`,
    );
  return {
    dir,
    name: dir,
    discovered: true,
    files,
    catalog: present.has('catalog.json') ? join(dir, 'catalog.json') : undefined,
    asOf: undefined,
    options: {},
  };
}

/**
 * The data folder at `dir`: its `scene-radar.json` when there is one, else the files found by
 * their canonical names. A folder that does not exist is a {@link UsageError}.
 */
export function readDataFolder(dir: string): DataFolder {
  const abs = resolve(dir);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new UsageError(`--data ${dir}: not a folder`);
  const manifest = join(abs, MANIFEST_FILE);
  try {
    statSync(manifest);
  } catch {
    return discover(abs);
  }
  return readManifest(abs, manifest);
}

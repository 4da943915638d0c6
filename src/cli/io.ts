/**
 * @module cli/io
 * Where the `scene-radar` command writes, and how it words a failure: a usage mistake, a data file
 * error as `file:line:column: reason` (the form editors and terminals link), or another error by
 * its message, never a stack unless `SCENE_RADAR_DEBUG` is set.
 */
import { parseCsv } from '../../adapters/tabular/csv.js';
import type { TabularFiles, TabularFileSpec } from '../../adapters/tabular/from-files.js';
import { detectTableFormat } from '../../adapters/tabular/table-format.js';
import { closeSync, openSync, readSync } from 'node:fs';
import { isSceneRadarError } from '../core/errors.js';
import { UsageError } from './command-line.js';

/** Where a command writes: its normal output and its diagnostics. */
export interface CliIo {
  /** Writes a line of output (stdout). */
  out(line: string): void;
  /** Writes a line of diagnostics (stderr). */
  err(line: string): void;
  /**
   * The diagnostics stream itself, for drawing progress: a bar redrawn in place when it is a
   * terminal (`isTTY`), plain lines through {@link CliIo.err} otherwise. @default plain lines
   */
  readonly stderr?: { readonly isTTY?: boolean; readonly columns?: number; write(text: string): unknown };
}

/** The process's own stdout and stderr. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stderr: process.stderr,
};

/** Exit codes: 0 done, 1 failed, 2 a usage mistake (bad flag, missing argument), 130 stopped by Ctrl-C (SIGINT) or SIGTERM. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** A command stopped by its signal (Ctrl-C) before it finished: it exits {@link EXIT}.interrupted. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor() {
    super('interrupted');
  }
}

/**
 * `work`, or an {@link InterruptedError} as soon as `signal` aborts (at once when it already has).
 * The work is not waited for: `abandon` receives its value if it still arrives (to close what it
 * opened), and its failure is ignored, so nothing surfaces as an unhandled rejection.
 */
export function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal,
  abandon: (value: T) => unknown = () => undefined,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let stopped = false;
    const stop = (): void => {
      stopped = true;
      reject(new InterruptedError());
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', stop);
        if (!stopped) resolve(value);
        else
          void Promise.resolve()
            .then(() => abandon(value))
            .catch(() => {});
      },
      (error: unknown) => {
        signal.removeEventListener('abort', stop);
        if (!stopped) reject(error);
      },
    );
  });
}

/** A data problem with a place in a file: the command prints it as `file:line:column: reason`. */
export class DataFileError extends Error {
  override readonly name = 'DataFileError';
  /**
   * @param file - The file.
   * @param line - 1-based line.
   * @param column - 1-based column (character on the line), or null when unknown.
   * @param reason - What is wrong there.
   */
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number | null,
    readonly reason: string,
  ) {
    super(`${file}:${line}${column === null ? '' : `:${column}`}: ${reason}`);
  }
}

interface PlaceDetails {
  readonly source?: unknown;
  readonly line?: unknown;
  readonly column?: unknown;
  readonly reason?: unknown;
  readonly rejections?: unknown;
}

interface Rejection {
  readonly table: string;
  readonly source: string | null;
  readonly line: number;
  readonly column: string | null;
  readonly message: string;
}

/** The longest header read to name a column's position (the import itself allows longer records). */
const MAX_HEADER_BYTES = 1 << 20;

/**
 * The header record of `file` split as CSV with `delimiter`, as the import reads it: a quoted cell
 * may hold the delimiter or a line break; undefined when it cannot be read or is longer than
 * {@link MAX_HEADER_BYTES}.
 */
function csvHeader(file: string, delimiter: string): readonly string[] | undefined {
  try {
    const fd = openSync(file, 'r');
    let text: string;
    let whole: boolean;
    try {
      const buffer = Buffer.alloc(MAX_HEADER_BYTES);
      const n = readSync(fd, buffer, 0, buffer.length, 0);
      whole = n < buffer.length;
      text = buffer
        .subarray(0, n)
        .toString('utf8')
        .replace(/^\ufeff/, '');
    } finally {
      closeSync(fd);
    }
    // The record ends at the first line end outside quotes: tried line end by line end.
    for (let at = text.indexOf('\n'), tries = 0; at !== -1 && tries < 64; at = text.indexOf('\n', at + 1), tries++) {
      try {
        return parseCsv(`${text.slice(0, at).replace(/\r$/, '')}\n`, { delimiter }).columns;
      } catch {
        // A line break inside a quoted cell: the record goes on.
      }
    }
    return whole ? parseCsv(`${text}\n`, { delimiter }).columns : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The header of an uncompressed CSV file known by its name alone (`.csv`, or `.tsv` read with a
 * tab), for naming a column's position; undefined otherwise.
 */
export function csvHeaderOf(file: string): readonly string[] | undefined {
  if (!/\.(csv|tsv)$/i.test(file)) return undefined;
  return csvHeader(file, /\.tsv$/i.test(file) ? '\t' : ',');
}

/** How the files of the folder whose import failed with an error name their columns, by error. */
const folderColumns = new WeakMap<object, (file: string) => readonly string[] | undefined>();

/**
 * `error` (a failure of importing `files`, a data folder's tables), marked with how those files
 * name their columns, for {@link describeFailure}: each file as the import reads it (its entry's
 * `format`, `gzip` and `delimiter`, else what its name says, a comma by default), so a `;` file or
 * a CSV under another name has its bad cells reported with their column number. Carried by the
 * error, not kept by this module: two commands in one process never see each other's folder.
 * Returns `error`.
 * @example
 * ```ts
 * await createTabularSourcesFromFiles(folder.files).catch((e) => { throw withFolderColumns(e, folder.files); });
 * ```
 */
export function withFolderColumns(error: unknown, files: TabularFiles): unknown {
  if (typeof error !== 'object' || error === null) return error;
  try {
    folderColumns.set(error, folderColumnsOf(files));
  } catch {
    // `files` the import refused (not an object): the error is returned as it was, unmarked.
  }
  return error;
}

/**
 * How the files of a data folder (`files`, its tables) name their columns: each file's header as
 * the import reads it (its entry's `format`, `gzip` and `delimiter`, else what its name says, a
 * comma by default); undefined for a file without a header line (JSON lines, gzip). A file not in
 * `files` is read by its name ({@link csvHeaderOf}).
 * @example
 * ```ts
 * folderColumnsOf(readDataFolder('./exports').files)('/abs/exports/events.csv'); // ['artist', 'id', ...]
 * ```
 */
export function folderColumnsOf(files: TabularFiles): (file: string) => readonly string[] | undefined {
  const csv = new Map<string, string | null>();
  for (const entry of Object.values(files) as unknown[]) {
    // Only what the import could have read: a malformed entry (the import's own refusal) is skipped.
    const spec =
      typeof entry === 'string'
        ? { path: entry }
        : typeof entry === 'object' && entry !== null && typeof (entry as { path?: unknown }).path === 'string'
          ? (entry as TabularFileSpec)
          : undefined;
    if (spec === undefined) continue;
    const detected = detectTableFormat(spec.path);
    const format = spec.format ?? detected?.format;
    const gzip = spec.gzip ?? detected?.gzip ?? false;
    // Null: a file the import does not read as plain CSV (JSON lines, gzip) has no header line.
    csv.set(spec.path, format === 'csv' && !gzip ? (spec.delimiter ?? ',') : null);
  }
  return (file) => {
    const delimiter = csv.get(file);
    if (delimiter === undefined) return csvHeaderOf(file);
    return delimiter === null ? undefined : csvHeader(file, delimiter);
  };
}

/**
 * The lines that describe `error`: a usage mistake with the command's usage; a parse error of a
 * data file as `file:line:column: reason`; invalid rows of the tabular import one per line as
 * `file:line: column <n> (<name>): reason` (`n` the column's position in the file's header,
 * when known); anything else by its message (and its code when it has one).
 */
export function describeFailure(
  error: unknown,
  columnsOf: (file: string) => readonly string[] | undefined = (typeof error === 'object' && error !== null
    ? folderColumns.get(error)
    : undefined) ?? csvHeaderOf,
): string[] {
  if (error instanceof UsageError || error instanceof InterruptedError) return [error.message];
  if (error instanceof DataFileError) return [error.message];
  if (isSceneRadarError(error)) {
    const d = (error.details ?? {}) as PlaceDetails;
    if (typeof d.source === 'string' && typeof d.line === 'number') {
      const column = typeof d.column === 'number' ? `:${d.column}` : '';
      return [`${d.source}:${d.line}${column}: ${typeof d.reason === 'string' ? d.reason : error.message}`];
    }
    if (Array.isArray(d.rejections) && d.rejections.length > 0) {
      const lines = [error.message.split(': ')[0] ?? error.message];
      for (const r of d.rejections as Rejection[]) {
        const index = r.source !== null && r.column !== null ? columnsOf(r.source)?.indexOf(r.column) : undefined;
        const column =
          r.column === null
            ? ''
            : index !== undefined && index >= 0
              ? `column ${index + 1} (${r.column}): `
              : `column ${r.column}: `;
        lines.push(`  ${r.source ?? r.table}:${r.line}: ${column}${r.message}`);
      }
      return lines;
    }
    return [`${error.message} (${error.code})`];
  }
  if (error instanceof Error) {
    if (process.env.SCENE_RADAR_DEBUG && error.stack) return [error.stack];
    return [error.message];
  }
  return [String(error)];
}

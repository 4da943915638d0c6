/**
 * @module adapters/tabular/from-files
 * The convenience: file paths (or byte streams) in, sources out. Each file is streamed
 * ({@link streamTable}) and its rows validated and folded as they arrive, so the files' text is
 * never held: memory follows what the data holds once folded (the artists, their distinct days
 * and events), not the files' size.
 */
import { SceneRadarError } from '../../src/core/errors.js';
import { untilAborted } from '../../src/core/gateway/deadline.js';
import { type PhaseProgress, type ProgressCallback, ProgressTracker } from '../../src/core/observe/progress.js';
import { checkSignal, type ImportPlace, importAborted, isByteSource, isNodeStream, release } from './abort.js';
import {
  checkOptions,
  createTabularBuilder,
  type TabularSources,
  type TabularSourcesOptions,
} from './create-sources.js';
import type { ReadTableOptions } from './table-format.js';
import { describeValue } from './validate-rows.js';
import { TABULAR_TABLE_NAMES, type TabularTableName } from './row-schemas.js';
import { type ByteMeter, meteredTable, type TableByteSource } from './stream-table.js';

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
  /**
   * The bytes, in pieces (a Node readable, a web `ReadableStream`, an async generator). A string
   * is refused with `CONFIG_INVALID` rather than opened as a path: read files with
   * {@link createTabularSourcesFromFiles}, or pass `createReadStream(path)`.
   */
  readonly input: TableByteSource;
  /** The table's format (there is no file name to tell). */
  readonly format: NonNullable<ReadTableOptions['format']>;
  /** Names the input in errors and in the report. @default the table's name */
  readonly source?: string;
  /**
   * The input's length in bytes, when known (an HTTP `Content-Length`, an object store's object
   * size; the compressed length when gzipped): the import's progress then counts this table's
   * bytes read out of it. Without it the table's progress is one step (0 of 1, then 1 of 1 once
   * the table is read). @default unknown
   */
  readonly size?: number;
}

/** The table streams to read, by canonical table name. */
export type TabularStreams = { readonly [T in TabularTableName]?: TabularStreamSpec };

/**
 * Options of {@link createTabularSourcesFromFiles} and {@link createTabularSourcesFromStreams}:
 * those of {@link createTabularSources}, the import's progress, and its signal.
 */
export interface TabularImportOptions extends TabularSourcesOptions {
  /**
   * Stops the import: once it aborts, the import rejects at once with a `TALENT_TIMEOUT`
   * {@link SceneRadarError} (as a Talent Radar refresh aborted by its signal does) whose `cause`
   * is the signal's reason and whose `details.table` names the table being read, and returns
   * nothing. Every stream given is destroyed (a web `ReadableStream` cancelled with the reason, a
   * generator returned) and every file the import opened is closed, so a stream that never ends
   * (a socket gone quiet, a FIFO whose writer stays open) cannot hold it. A file whose read is
   * blocked in the system (a FIFO whose writer stays open and writes nothing) is closed once that
   * read returns: the import wakes it, writing one byte into the FIFO, which it reads and drops, if
   * it is still blocked 50 ms after the abort. A signal already aborted
   * rejects before any file is opened or stream read. A bound on the import's time is
   * `AbortSignal.timeout(ms)`. Anything but an `AbortSignal` is refused with `CONFIG_INVALID`.
   * @default none: the import runs until its inputs end
   */
  readonly signal?: AbortSignal;
  /**
   * Receives the import's progress: task `import`, one phase per table named after it (`artists`,
   * `events`, ...), in the order the tables are read, then `build`. For a file, `done` and `total`
   * are bytes: `total` its size on disk (the compressed size for a gzipped file), `done` the bytes
   * parsed so far; for a stream, the same when its `size` is given, else one step (`total` 1).
   * `build` (rows combined, tables linked, histories built) is one step. Each phase starts with
   * `done` 0, sends at most one message every 250 ms, and ends with `done === total` once its work
   * is done (for a table: every row validated and folded); `done` never goes down. The same
   * messages go to the `scene-radar:progress` diagnostics channel when it has subscribers. Called
   * synchronously from the import: keep it cheap. A callback that throws (or rejects) is ignored.
   * @default none
   */
  readonly onProgress?: ProgressCallback;
}

/**
 * Streams every file and builds the sources over them (as {@link createTabularSources} does over
 * parsed tables, with the same options, report and errors). Files are read one after another and
 * each row is validated and folded as it is parsed, so memory is bounded by the folded data, not
 * by the files' size. Errors name the file, line and column. `options.signal` stops the import
 * (`TALENT_TIMEOUT`, every file it opened closed): a path that never ends, such as a FIFO, cannot
 * hold it.
 * @example
 * ```ts
 * const { sources, report } = await createTabularSourcesFromFiles(
 *   { artists: 'exports/artists.csv', events: 'exports/events.csv.gz', engagement: { path: 'exports/daily.tsv', format: 'csv', delimiter: '\t' } },
 *   { onInvalidRow: 'skip', signal: AbortSignal.timeout(10 * 60_000) },
 * );
 * ```
 */
export async function createTabularSourcesFromFiles(
  files: TabularFiles,
  options: TabularImportOptions = {},
): Promise<TabularSources> {
  if (typeof files !== 'object' || files === null || Array.isArray(files))
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `createTabularSourcesFromFiles: files must be an object of file paths by table name, found ${describeValue(files)}`,
    );
  const inputs: Record<string, ImportInput> = {};
  for (const [name, file] of Object.entries(files)) {
    if (file === undefined) continue;
    if (
      typeof file !== 'string' &&
      (typeof file !== 'object' || file === null || Array.isArray(file) || typeof file.path !== 'string')
    )
      throw new SceneRadarError(
        'CONFIG_INVALID',
        `createTabularSourcesFromFiles: ${name} must be a file path or { path, ... }, found ${describeValue(file)}`,
      );
    const { path, ...read } = typeof file === 'string' ? { path: file } : (file as TabularFileSpec);
    inputs[name] = { input: path, read, size: undefined };
  }
  return importStreams(inputs, options, 'createTabularSourcesFromFiles');
}

/**
 * {@link createTabularSourcesFromFiles} over byte streams instead of paths: each table's bytes
 * (optionally gzipped) are parsed, validated and folded as they arrive. Give a stream's `size`
 * when it is known, so that `onProgress` counts its bytes. An `input` that is not a byte source
 * (a string, which is never taken for a path; null; a plain object) is refused with
 * `CONFIG_INVALID` naming the field. The import takes the streams over: it destroys them when it
 * fails or its `options.signal` aborts (`TALENT_TIMEOUT`, at once even if a stream never ends).
 * @example
 * ```ts
 * import { createReadStream, statSync } from 'node:fs';
 * const { sources } = await createTabularSourcesFromStreams({
 *   events: { input: createReadStream('events.csv.gz'), format: 'csv', gzip: true, source: 'events.csv.gz', size: statSync('events.csv.gz').size },
 * }, {
 *   onProgress: ({ phase, done, total }) => console.error(`${phase} ${done}/${total} bytes`),
 *   signal: AbortSignal.timeout(60_000),
 * });
 * ```
 */
export async function createTabularSourcesFromStreams(
  streams: TabularStreams,
  options: TabularImportOptions = {},
): Promise<TabularSources> {
  if (typeof streams !== 'object' || streams === null || Array.isArray(streams))
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `createTabularSourcesFromStreams: streams must be an object of streams by table name, found ${describeValue(streams)}`,
    );
  const bad = (message: string): SceneRadarError =>
    new SceneRadarError('CONFIG_INVALID', `createTabularSourcesFromStreams: ${message}`);
  const inputs: Record<string, ImportInput> = {};
  for (const [name, spec] of Object.entries(streams)) {
    if (spec === undefined) continue;
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
      throw bad(`${name} must be an object ({ input, format }), found ${describeValue(spec)}`);
    const { input, size, ...read } = spec as TabularStreamSpec;
    // A string would otherwise be opened as a file path: never what a stream's caller meant.
    if (!isByteSource(input))
      throw bad(
        `${name}.input must be a byte source (a Node readable, a web ReadableStream, an async iterable of bytes or text), found ${describeValue(input)}${
          typeof input === 'string' ? ': to read a file by its path, use createTabularSourcesFromFiles' : ''
        }`,
      );
    if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0))
      throw bad(`${name}.size must be a length in bytes (an integer, 0 or more)`);
    inputs[name] = { input, read: { ...read, source: read.source ?? name }, size };
  }
  return importStreams(inputs, options, 'createTabularSourcesFromStreams');
}

/** The import's last phase, after the tables' (no table has this name): fold, link, build the histories. */
const IMPORT_BUILD_PHASE = 'build';

/** One table to import: a path or a byte source, how to read it, and its length when the host knows it. */
interface ImportInput {
  readonly input: string | TableByteSource;
  readonly read: ReadTableOptions & { readonly source?: string };
  /** The stream's length in bytes, given by the host (a file's is read from the disk). */
  readonly size: number | undefined;
}

/**
 * The progress of one table's import, as a {@link ByteMeter}: a phase named after the table, of
 * the input's bytes when its length is known, else of one step. `done` stays below `total` until
 * {@link PhaseProgress.finish}, called once the table's last row is folded: the last bytes are
 * read before the rows they hold (all the more when gunzipped) are parsed.
 */
function tableMeter(
  tracker: ProgressTracker,
  table: string,
  given: number | undefined,
): ByteMeter & { finish(): void } {
  let phase: PhaseProgress | undefined;
  let total = 0;
  let read = 0;
  return {
    start(size) {
      const known = size ?? given;
      total = known ?? 1;
      phase = tracker.phase(table, total);
      return known !== undefined && tracker.listened;
    },
    read(bytes) {
      read += bytes;
      phase?.set(Math.min(read, total - 1));
    },
    finish() {
      phase?.finish();
    },
  };
}

/**
 * Reads every input and builds the sources, or rejects: with the first error (every stream given
 * then destroyed), or at once with {@link importAborted} when `options.signal` aborts.
 */
async function importStreams(
  inputs: Readonly<Record<string, ImportInput>>,
  options: TabularImportOptions,
  caller: string,
): Promise<TabularSources> {
  // Unknown table names are refused here, with the list, before any file is opened.
  checkOptions(inputs, options);
  const signal = checkSignal(options.signal, caller);
  const given = Object.values(inputs).flatMap((entry) => (typeof entry.input === 'string' ? [] : [entry.input]));
  // The tables are read one after another: a Node stream waiting for its turn has nobody reading
  // it, and an 'error' it emits meanwhile (a missing file) would be unhandled and end the process.
  // Its error is kept by the stream and rethrown when its table is read; a failed import destroys
  // the streams it did not finish.
  for (const s of given) if (isNodeStream(s)) s.on('error', () => undefined);
  const at: ImportPlace = { table: undefined, building: false };
  let stopped: SceneRadarError | undefined;
  try {
    if (signal?.aborted) {
      stopped = importAborted(signal, at);
      throw stopped;
    }
    const work = readAndBuild(inputs, options, signal, at);
    if (signal === undefined) return await work;
    // The work is not waited for once the signal aborts: a read that never ends would hold the
    // import. Its inputs are destroyed below, which ends the reads that can be ended; its late
    // outcome is dropped.
    return await untilAborted(work, signal, () => (stopped = importAborted(signal, at)));
  } catch (error) {
    for (const input of given) release(input, signal?.reason);
    throw stopped ?? error;
  }
}

/** Reads the tables one after another, folding their rows, then builds the sources; `at` follows where it is. */
async function readAndBuild(
  inputs: Readonly<Record<string, ImportInput>>,
  options: TabularImportOptions,
  signal: AbortSignal | undefined,
  at: ImportPlace,
): Promise<TabularSources> {
  const builder = createTabularBuilder(options);
  const tracker = new ProgressTracker('import', { callbacks: [options.onProgress] });
  for (const name of TABULAR_TABLE_NAMES) {
    const entry = inputs[name];
    if (entry === undefined) continue;
    at.table = name;
    const source = entry.read.source ?? (typeof entry.input === 'string' ? entry.input : name);
    const push = builder.table(name, source);
    const meter = tableMeter(tracker, name, entry.size);
    for await (const batch of meteredTable(entry.input, { ...entry.read, source }, meter, signal)) {
      // Aborted: the import has rejected already; fold nothing more.
      signal?.throwIfAborted();
      const { rows, lines } = batch;
      for (let i = 0; i < rows.length; i++) push(rows[i]!, lines[i]!);
    }
    meter.finish();
  }
  at.building = true;
  // Folding, linking and building the histories can take as long as reading: one step of its own.
  const build = tracker.phase(IMPORT_BUILD_PHASE, 1);
  const built = builder.finish();
  build.finish();
  return built;
}

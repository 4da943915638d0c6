/**
 * @module adapters/tabular/stream-table
 * Reads a table file (or any stream of bytes) a block at a time: bytes are gunzipped and decoded
 * as they arrive, each block is cut at the last complete record and parsed, and its rows are
 * handed on in a batch. Nothing holds the file's text: memory is one block plus the rows of one
 * batch, whatever the file's size. `node:fs`, `node:zlib` and `node:stream` are imported on first
 * use, so the parsers still load where there is no file system.
 */
import { isSceneRadarError, SceneRadarError } from '../../src/core/errors.js';
import { checkSignal, readAborted, untilAborted } from './abort.js';
import { createCsvState, CsvBoundaryScanner, parseCsvBlock } from './csv.js';
import { createJsonLinesState, parseJsonLinesBlock } from './json-lines.js';
import { checkOptionsObject, parseError, type TabularRow } from './parsed-table.js';
import { detectTableFormat, type ReadTableOptions, type TabularFormat } from './table-format.js';

/** One batch of rows from {@link streamTable}: the rows of one block, with the line each starts on. */
export interface TableBatch {
  /** The rows (prototype-less objects, as the parsers return them). */
  readonly rows: readonly TabularRow[];
  /** `lines[i]` is the 1-based line on which `rows[i]` starts. */
  readonly lines: readonly number[];
  /** The columns known so far: the CSV header, or every JSON key seen up to this batch. */
  readonly columns: readonly string[];
}

/**
 * Bytes given whole (a `Buffer`, a `Uint8Array`: one piece), or bytes or text in pieces: a Node
 * readable stream, a web `ReadableStream`, an async generator.
 */
export type TableByteSource = Uint8Array | AsyncIterable<Uint8Array | string>;

/** Options for {@link streamTable}. */
export interface StreamTableOptions extends ReadTableOptions {
  /**
   * Names the input in errors. @default the path, or `'stream'` for a byte source
   */
  readonly source?: string;
  /** Bytes read from a file at a time. @default 65536 */
  readonly chunkBytes?: number;
  /**
   * Stops the read: once it aborts, the read rejects at once with a `TALENT_TIMEOUT`
   * {@link SceneRadarError} (as an aborted import does) whose `details.source` names the input and
   * whose `cause` is the signal's reason. A file the read opened is closed (a FIFO whose writer
   * stays open and writes nothing included: its blocked read is woken, see docs/adapters.md,
   * "Stopping an import"); a byte source given is destroyed (a web `ReadableStream` cancelled, a
   * generator returned). A signal already aborted rejects before the file is opened. Anything but
   * an `AbortSignal` is refused with `CONFIG_INVALID`.
   * @default none: the read runs until its input ends
   */
  readonly signal?: AbortSignal;
}

const fail = (name: string, message: string, cause?: unknown): SceneRadarError =>
  new SceneRadarError('CONFIG_INVALID', `Cannot read table ${name}: ${message}`, {
    details: { source: name },
    cause,
  });

/**
 * Longest record read, in characters (128 Mi). Past it the input is refused, naming the line the
 * record starts on: a record that long is a missing line end or a quote never closed (or a gzip
 * bomb), and holding it would take the host's memory until V8's string limit (about 512 Mi
 * characters) threw a bare `RangeError`.
 */
const MAX_RECORD_CHARS = 2 ** 27;

/** Shortest slice V8 keeps as a view of its parent string (shorter ones are copied). */
const MIN_SLICE = 13;
/** Longest cell text worth remembering for reuse (slugs, types, regions, days repeat). */
const MAX_SHARED = 64;
/** Most distinct cell texts remembered; the memory is emptied when full. */
const MAX_REMEMBERED = 4096;
/** Lookups of a column after which its hit rate decides whether it is still worth remembering. */
const PROBE = 2048;

/**
 * Cells are slices of the block's text, and a slice keeps its whole block alive: a row kept from
 * every block would keep the whole file. Each cell is copied out (`' ' + s` then `slice(1)` makes
 * a string of its own), and short repeated cells (an artist slug on every row) share one copy.
 * A column whose cells rarely repeat (ids, instants) stops being looked up after {@link PROBE}
 * cells with fewer than half of them found: looking up and remembering every id cost more than
 * the copies it saved.
 */
function cellCopier(): (text: string, column: number) => string {
  const shared = new Map<string, string>();
  const own = (s: string): string => ` ${s}`.slice(1);
  /** Per column: lookups and hits so far; lookups is -1 once the column is no longer shared. */
  const lookups: number[] = [];
  const hits: number[] = [];
  return (s, column) => {
    if (s.length < MIN_SLICE) return s;
    if (s.length > MAX_SHARED) return own(s);
    const seen = lookups[column] ?? 0;
    if (seen < 0) return own(s);
    if (seen === PROBE && (hits[column] ?? 0) * 2 < PROBE) {
      lookups[column] = -1;
      return own(s);
    }
    if (seen < PROBE) lookups[column] = seen + 1;
    let copy = shared.get(s);
    if (copy === undefined) {
      if (shared.size >= MAX_REMEMBERED) shared.clear();
      copy = own(s);
      shared.set(copy, copy);
    } else if (seen < PROBE) hits[column] = (hits[column] ?? 0) + 1;
    return copy;
  };
}

/**
 * Counts the bytes of an input as they are read: how the import reports its progress.
 * @internal
 */
export interface ByteMeter {
  /**
   * Called once the input is open, before its first byte: its length in bytes when known (a
   * file's size on disk, compressed for gzip), else undefined. Returns whether to count its bytes.
   */
  start(size: number | undefined): boolean;
  /** Bytes of the input (before gunzipping) parsed so far, their rows handed on; called after each piece. */
  read(bytes: number): void;
}

/** Encodes a text piece of a byte source to count its UTF-8 bytes (a lone surrogate is 3, as written). */
const utf8 = new TextEncoder();

/**
 * `source`, counting each piece's bytes into `meter` once the consumer asks for the next piece
 * (so a piece is counted when it has been parsed, not when it was read ahead).
 */
async function* counted(
  source: AsyncIterable<Uint8Array | string>,
  meter: ByteMeter,
): AsyncGenerator<Uint8Array | string> {
  for await (const piece of source) {
    yield piece;
    meter.read(typeof piece === 'string' ? utf8.encode(piece).byteLength : piece.byteLength);
  }
}

/**
 * Opens and closes the write end of the FIFO at `path`, which lets a read-only open blocked on it
 * (no writer yet) return. A blocked open holds a thread of libuv's pool for good: four of them
 * stall every file read of the process, and its exit waits for them. Synchronous (and
 * non-blocking), so it is done before a host that exits on the abort gets to exit. False when no
 * reader is waiting on the FIFO yet (its open has not reached the system); true when done, or when
 * there is nothing to do (not a FIFO, or FIFOs cannot be opened without blocking here).
 */
function openFifoWriter(fs: typeof import('node:fs'), path: string): boolean {
  const { O_WRONLY, O_NONBLOCK } = fs.constants;
  try {
    if (O_NONBLOCK === undefined || !fs.statSync(path).isFIFO()) return true;
    // Non-blocking: with no reader waiting it fails (ENXIO) instead of waiting itself.
    fs.closeSync(fs.openSync(path, O_WRONLY | O_NONBLOCK));
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENXIO';
  }
}

/** How long an aborted read of a FIFO is given to close on its own before its blocked read is woken. */
const FIFO_WAKE_MS = 50;

/**
 * Wakes a read of the FIFO at `path` (the one `stat` describes) blocked in a thread of libuv's
 * pool, so that the aborted read's file closes: one byte written through a non-blocking write end,
 * which the blocked read takes (and the destroyed stream drops). Without it, a writer that stays
 * open and writes nothing holds the read, its descriptor and the thread for good, and a host that
 * aborts on Ctrl-C never exits. Only when `stream` has not closed on its own within
 * {@link FIFO_WAKE_MS} (had it closed, no read was blocked), and only into that same FIFO (same
 * device and inode). Never throws.
 */
function wakeFifoRead(
  fs: typeof import('node:fs'),
  path: string,
  stat: { readonly dev: number; readonly ino: number },
  stream: { readonly closed: boolean },
): void {
  const { O_WRONLY, O_NONBLOCK } = fs.constants;
  if (O_NONBLOCK === undefined) return;
  setTimeout(() => {
    if (stream.closed) return;
    let fd: number | undefined;
    try {
      // Non-blocking: fails (ENXIO) rather than waits when no reader holds the FIFO any more.
      fd = fs.openSync(path, O_WRONLY | O_NONBLOCK);
      const at = fs.fstatSync(fd);
      if (at.isFIFO() && at.dev === stat.dev && at.ino === stat.ino) fs.writeSync(fd, '\n');
    } catch {
      // Gone, replaced, or full (EAGAIN: data is waiting, so no read is blocked): nothing to wake.
    }
    try {
      if (fd !== undefined) fs.closeSync(fd);
    } catch {
      // Closed all the same.
    }
  }, FIFO_WAKE_MS).unref();
}

/**
 * Line breaks in `text`: for CSV, LF, CRLF or a lone CR each end a line; JSON lines end at LF only
 * (as their parser reads them).
 */
function lineBreaks(text: string, csv: boolean): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (csv && c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

/**
 * The trailing bytes of `before` then `piece` that begin a UTF-8 character not yet ended (0-3
 * bytes): what a streaming decoder holds after `piece`.
 */
function unfinishedTail(before: Uint8Array, piece: Uint8Array): Uint8Array {
  const all = piece.length >= 4 ? piece : concatBytes(before, piece);
  let i = all.length - 1;
  let back = 0;
  while (back < 3 && i >= 0 && (all[i]! & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return new Uint8Array(0);
  const lead = all[i]!;
  const needs = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return lead >= 0xc0 && needs > all.length - i ? all.slice(i) : new Uint8Array(0);
}

/** `a` then `b` in one array (`b` itself when `a` is empty). */
function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The pieces of `items` as an async iterable. */
async function* toAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/**
 * The bytes of `input` (a path or a byte source), gunzipped when asked; errors name the input.
 * Once `signal` aborts, the pending read rejects with its reason and the input is stopped (a file
 * this opened is destroyed, then closed once a read blocked on it returns; a FIFO's blocked read
 * is woken, {@link wakeFifoRead}). A signal already aborted rejects before anything is opened.
 */
async function* bytesOf(
  input: string | TableByteSource,
  name: string,
  gzip: boolean,
  chunkBytes: number,
  meter: ByteMeter | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array | string> {
  let source: AsyncIterable<Uint8Array | string>;
  let close: (() => Promise<void>) | undefined;
  let size: number | undefined;
  let stopWaking: (() => void) | undefined;
  // A FIFO's read left blocked in the system (a `break`, a parse error, an abort while the writer
  // stays open and silent): woken, and the file closed in the background, not awaited.
  let unblock: (() => boolean) | undefined;
  if (typeof input === 'string') {
    // Already aborted: a FIFO's open would wait for a writer, and no abort is left to come. (A
    // byte source is stopped by untilAborted below.)
    signal?.throwIfAborted();
    const fs = await import('node:fs/promises');
    const fsSync = await import('node:fs');
    let handle: Awaited<ReturnType<typeof fs.open>>;
    let stat: import('node:fs').Stats | undefined;
    // A FIFO opens only once a writer comes, in a thread of the pool that nothing else ends: an
    // abort while it waits opens the write end itself, so the open returns and is closed below
    // (again a little later if the open had not reached the system yet).
    let opening = true;
    const unblockOpen = (tries = 100): void => {
      if (opening && !openFifoWriter(fsSync, input) && tries > 0) setTimeout(unblockOpen, 20, tries - 1).unref();
    };
    const onAbort = (): void => unblockOpen();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      handle = await fs.open(input, 'r');
      stat = await handle.stat();
      size = stat.size;
    } catch (e) {
      throw fail(name, e instanceof Error ? e.message : String(e), e);
    } finally {
      opening = false;
      signal?.removeEventListener('abort', onAbort);
    }
    if (signal?.aborted) {
      // Aborted while the file was opening (a FIFO opens only once a writer comes): close it unread.
      await handle.close().catch(() => {});
      signal.throwIfAborted();
    }
    const stream = handle.createReadStream({ highWaterMark: chunkBytes, autoClose: true });
    if (stat.isFIFO()) {
      const fifo = stat;
      const wake = (): void => wakeFifoRead(fsSync, input, fifo, stream);
      if (signal) {
        signal.addEventListener('abort', wake, { once: true });
        stopWaking = () => signal.removeEventListener('abort', wake);
      }
      unblock = () => {
        if (stream.readableEnded || stream.closed) return false;
        stream.destroy();
        wake();
        return true;
      };
    }
    source = stream;
    close = () => handle.close().catch(() => {});
  } else
    source = ArrayBuffer.isView(input)
      ? // Bytes given whole (a Buffer, a Uint8Array): one piece, not an iterable of numbers.
        toAsync([new Uint8Array(input.buffer, input.byteOffset, input.byteLength)])
      : input;
  if (signal) source = untilAborted(source, signal);
  if (meter?.start(size) === true) source = counted(source, meter);
  try {
    if (!gzip) {
      try {
        yield* source;
      } catch (e) {
        throw isSceneRadarError(e) ? e : fail(name, e instanceof Error ? e.message : String(e), e);
      }
      return;
    }
    const zlib = await import('node:zlib');
    const { Readable } = await import('node:stream');
    const gunzip = zlib.createGunzip({ chunkSize: chunkBytes });
    const from = Readable.from(source, { objectMode: false });
    let readError: unknown;
    from.on('error', (e) => {
      readError = e;
      gunzip.destroy(e);
    });
    from.pipe(gunzip);
    try {
      yield* gunzip;
    } catch (e) {
      if (isSceneRadarError(e)) throw e;
      if (readError !== undefined && e === readError) throw fail(name, e instanceof Error ? e.message : String(e), e);
      throw fail(name, `not valid gzip data (${e instanceof Error ? e.message : String(e)})`, e);
    } finally {
      from.destroy();
      gunzip.destroy();
    }
  } finally {
    stopWaking?.();
    // Aborted, or a FIFO left before its end: closed in the background, as a read blocked in the
    // system must return first; the caller is not kept waiting for it.
    if (unblock?.() === true || signal?.aborted) void close?.();
    else await close?.();
  }
}

/**
 * Streams a CSV or JSON-lines table, optionally gzipped, from a file path or from any byte source
 * (a Node stream, a web `ReadableStream`, an async generator; pass `format` for these), yielding
 * its rows a batch at a time (an input without rows yields one empty batch). Memory is bounded by one block and one batch, not by the file: a
 * 1 GB export is read with the memory of a few hundred kilobytes plus what the caller keeps.
 *
 * Errors are `CONFIG_INVALID` {@link SceneRadarError}s naming the input: a missing file, bad gzip
 * data, text that is not UTF-8, a `format` other than `csv` or `jsonl`, a record longer than 128 Mi
 * characters (a line end missing, a quote never closed), and parse errors (which also carry
 * `details.line` and `details.column`). Stopping the iteration early (`break`) closes the file.
 * @example
 * ```ts
 * let rows = 0;
 * for await (const batch of streamTable('exports/events.csv.gz')) rows += batch.rows.length;
 * ```
 */
export async function* streamTable(
  input: string | TableByteSource,
  options: StreamTableOptions = {},
): AsyncGenerator<TableBatch, void, undefined> {
  yield* abortableTable(input, options, 'streamTable');
}

/**
 * {@link streamTable} for `caller` (named when its signal is not an `AbortSignal`): its errors
 * once `options.signal` has aborted are {@link readAborted}.
 * @internal
 */
export async function* abortableTable(
  input: string | TableByteSource,
  options: StreamTableOptions,
  caller: string,
): AsyncGenerator<TableBatch, void, undefined> {
  checkOptionsObject(options, caller);
  const signal = checkSignal(options.signal, caller);
  const source = options.source ?? (typeof input === 'string' ? input : 'stream');
  try {
    yield* meteredTable(input, options, undefined, signal);
  } catch (e) {
    if (signal?.aborted === true) throw readAborted(signal, source);
    throw e;
  }
  // A web stream cancelled on abort ends as if complete: the rows so far are not the whole table.
  if (signal?.aborted === true) throw readAborted(signal, source);
}

/**
 * {@link streamTable}, its input's bytes counted into `meter` as they are parsed (the import's
 * progress), its reads ended by `signal` (the import's).
 * @internal
 */
export async function* meteredTable(
  input: string | TableByteSource,
  options: StreamTableOptions,
  meter: ByteMeter | undefined,
  signal?: AbortSignal,
): AsyncGenerator<TableBatch, void, undefined> {
  const path = typeof input === 'string' ? input : undefined;
  const name = options.source ?? path ?? 'stream';
  const detected = path === undefined ? undefined : detectTableFormat(path);
  const format: TabularFormat | undefined = options.format ?? detected?.format;
  if (format === undefined)
    throw fail(name, 'unknown extension (expected .csv, .jsonl or .ndjson, optionally .gz); pass `format`');
  // From untyped code (a manifest, JSON options): any other value would be read as JSON lines.
  if (format !== 'csv' && format !== 'jsonl')
    throw fail(name, `format must be 'csv' or 'jsonl', got ${JSON.stringify(String(format)).slice(0, 40)}`);
  const gzip = options.gzip ?? detected?.gzip ?? false;
  const chunkBytes = options.chunkBytes ?? 65_536;
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1024)
    throw fail(name, `chunkBytes must be an integer of at least 1024, got ${String(chunkBytes).slice(0, 40)}`);
  // Fatal: a Latin-1 export would otherwise load with silently garbled names.
  // `ignoreBOM`: the parsers drop a byte-order mark at the start themselves; the decoder, restarted
  // by a flush before a text piece, would otherwise drop a U+FEFF that begins a later byte piece.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** The bytes the decoder holds (a character begun and not ended), for locating a bad byte. */
  let held: Uint8Array = new Uint8Array(0);
  const decode = (bytes: Uint8Array | undefined, stream: boolean): string => {
    try {
      if (bytes === undefined) {
        const out = decoder.decode();
        held = new Uint8Array(0);
        return out;
      }
      const out = decoder.decode(bytes, { stream });
      held = stream ? unfinishedTail(held, bytes) : new Uint8Array(0);
      return out;
    } catch (e) {
      // The decoder's own refusal is bad text; anything else is a piece that is not bytes at all.
      if ((e as { code?: unknown } | null)?.code === 'ERR_ENCODING_INVALID_ENCODED_DATA') {
        throw parseError(name, lineOfBadText(bytes), 'not valid UTF-8 text', e);
      }
      throw fail(name, 'a piece of the input is neither bytes (a Uint8Array) nor text', e);
    }
  };
  const csv = format === 'csv';
  const csvState = csv
    ? createCsvState(
        { source: name, ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }) },
        cellCopier(),
      )
    : undefined;
  const jsonState = csv ? undefined : createJsonLinesState({ source: name });
  const scanner = csvState ? new CsvBoundaryScanner(csvState.delim) : undefined;
  let rows: TabularRow[] = [];
  let lines: number[] = [];
  const emit = (row: TabularRow, line: number): void => {
    rows.push(row);
    lines.push(line);
  };
  const columns = (): readonly string[] => (csvState ? (csvState.header ?? []) : [...jsonState!.columns]);
  const parse = (block: string): void => {
    if (csvState) parseCsvBlock(block, csvState, emit);
    else parseJsonLinesBlock(block, jsonState!, emit);
  };
  // The text not parsed yet, in pieces: joined only once a record boundary arrives. A string
  // grown by `+=` and scanned after every piece would be flattened (copied whole) each time, so a
  // 50 MB record would cost minutes; each piece here is scanned once and copied once.
  let pending: string[] = [];
  let pendingChars = 0;
  /**
   * The line of the first byte of `bytes` that is not UTF-8: the parser's line, plus the line
   * breaks of the text not parsed yet and of the piece's text before that byte.
   */
  const lineOfBadText = (bytes: Uint8Array | undefined): number => {
    // With what the decoder held: a character begun in the piece before and ended in this one is
    // no bad byte, and one never ended is bad where it began.
    const lossy = new TextDecoder('utf-8', { ignoreBOM: true }).decode(
      bytes === undefined ? held : concatBytes(held, bytes),
    );
    const bad = lossy.indexOf('\ufffd');
    // One text: a CR ending the text not parsed yet and the LF after it are one line end.
    const before = pending.join('') + (bad < 0 ? lossy : lossy.slice(0, bad));
    return (csvState ? csvState.line : jsonState!.line + 1) + lineBreaks(before, csv);
  };
  let yielded = false;
  for await (const piece of bytesOf(input, name, gzip, chunkBytes, meter, signal)) {
    // Before a piece of text, the decoder gives up what it holds: a character begun in the bytes
    // before and not ended is bad text, not a character moved after the text.
    const text = typeof piece === 'string' ? decode(undefined, false) + piece : decode(piece, true);
    if (text.length === 0) continue;
    let cut: number;
    if (scanner) cut = scanner.feed(text);
    else {
      const lf = text.lastIndexOf('\n');
      cut = lf < 0 ? -1 : lf + 1;
    }
    if (cut < 0) {
      pending.push(text);
      pendingChars += text.length;
      if (pendingChars > MAX_RECORD_CHARS) {
        // `pending` is one record not ended yet, which starts on the line the parser is at.
        const line = csvState ? csvState.line : jsonState!.line + 1;
        throw parseError(
          name,
          line,
          `a record longer than ${MAX_RECORD_CHARS} characters (a missing line end, or a quote that is never closed?)`,
        );
      }
      continue;
    }
    if (cut > 0) pending.push(cut === text.length ? text : text.slice(0, cut));
    const block = pending.length === 1 ? pending[0]! : pending.join('');
    pending = cut < text.length ? [cut === 0 ? text : text.slice(cut)] : [];
    pendingChars = cut < text.length ? text.length - cut : 0;
    if (block.length > 0) parse(block);
    if (rows.length > 0) {
      yielded = true;
      yield { rows, lines, columns: columns() };
      rows = [];
      lines = [];
    }
  }
  const rest = pending.join('') + decode(undefined, false);
  if (rest.length > 0) parse(rest);
  // An input without rows still yields one (empty) batch, carrying its columns.
  if (rows.length > 0 || !yielded) yield { rows, lines, columns: columns() };
}

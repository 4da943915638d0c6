/**
 * @module adapters/tabular/abort
 * Stopping an import when the host's signal aborts: the error it rejects with, byte sources whose
 * pending read ends the moment the signal aborts, and letting go of the inputs it will not finish.
 */
import { SceneRadarError } from '../../src/core/errors.js';
import { describeValue } from './validate-rows.js';

const ignore = (): void => {};

/** A Node stream, as far as the import needs one: an 'error' listener and `destroy`. */
interface NodeStreamLike {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  destroy(): unknown;
}

/** A web `ReadableStream`, as far as the import needs one. */
interface WebStreamLike<T> {
  readonly locked: boolean;
  getReader(): { read(): Promise<IteratorResult<T>>; cancel(reason?: unknown): Promise<void> };
  cancel(reason?: unknown): Promise<void>;
}

const isObject = (v: unknown): v is Record<PropertyKey, unknown> => typeof v === 'object' && v !== null;

/** True for a Node stream (a readable, a file stream, a socket). @internal */
export function isNodeStream(v: unknown): v is NodeStreamLike {
  return isObject(v) && typeof v.on === 'function' && typeof v.destroy === 'function';
}

function isWebStream<T>(v: unknown): v is WebStreamLike<T> {
  return isObject(v) && typeof v.getReader === 'function' && typeof v.cancel === 'function' && !isNodeStream(v);
}

/**
 * True for what the import can read pieces from: an async iterable (a Node readable, a web
 * `ReadableStream`, an async generator) or an iterable of pieces other than a string (a string is
 * a path, or a mistake, never bytes). @internal
 */
export function isByteSource(v: unknown): v is AsyncIterable<Uint8Array | string> {
  return isObject(v) && (typeof v[Symbol.asyncIterator] === 'function' || typeof v[Symbol.iterator] === 'function');
}

/** Where an import is when its signal aborts: the table being read, or the build. @internal */
export interface ImportPlace {
  table: string | undefined;
  building: boolean;
}

/**
 * The error of an import stopped by its signal: `TALENT_TIMEOUT`, the code the SDK gives work that
 * a host's signal aborted before it finished (a Talent Radar refresh, a sharded refresh); the
 * signal's reason is its cause. @internal
 */
export function importAborted(signal: AbortSignal, at: ImportPlace): SceneRadarError {
  const where = at.building
    ? 'while building the sources'
    : at.table === undefined
      ? 'before it started'
      : `while reading table ${at.table}`;
  return new SceneRadarError('TALENT_TIMEOUT', `The tabular import was aborted ${where}; nothing was built`, {
    ...(at.table === undefined || at.building ? {} : { details: { table: at.table } }),
    cause: signal.reason,
  });
}

/**
 * The error of a read (`readTable`, `streamTable`) stopped by its signal:
 * `TALENT_TIMEOUT`, as an aborted import; `details.source` names the input, the signal's reason is
 * its cause. @internal
 */
export function readAborted(signal: AbortSignal, source: string): SceneRadarError {
  return new SceneRadarError('TALENT_TIMEOUT', `Reading table ${source} was aborted`, {
    details: { source },
    cause: signal.reason,
  });
}

/** `signal` once checked to be an `AbortSignal` (or absent), else `CONFIG_INVALID` naming `caller`. @internal */
export function checkSignal(signal: unknown, caller: string): AbortSignal | undefined {
  if (signal === undefined || signal instanceof AbortSignal) return signal;
  throw new SceneRadarError(
    'CONFIG_INVALID',
    `${caller}: signal must be an AbortSignal, found ${describeValue(signal)}`,
  );
}

/**
 * Lets go of an input the import will not finish (it failed or was aborted): a Node stream is
 * destroyed, a web stream nobody reads yet is cancelled, an iterator (a generator) is returned.
 * Never throws. @internal
 */
export function release(input: unknown, reason: unknown): void {
  try {
    if (isNodeStream(input)) input.destroy();
    else if (isWebStream(input)) {
      // A locked one is being read, through the reader that cancels it (untilAborted).
      if (!input.locked) input.cancel(reason).catch(ignore);
    } else if (isObject(input) && typeof input.next === 'function' && typeof input.return === 'function')
      Promise.resolve((input.return as () => unknown).call(input)).catch(ignore);
  } catch {
    // A host object whose destroy or return throws: it is let go all the same.
  }
}

/** The pieces of a source, and how to stop it. */
interface PieceReader<T> {
  next(): Promise<IteratorResult<T>>;
  stop(reason: unknown): void;
}

function readerOf<T>(source: AsyncIterable<T> | Iterable<T>): PieceReader<T> {
  if (isWebStream<T>(source)) {
    // A reader of our own: the iterator `for await` takes would queue its cancel behind the pending
    // read, which may never end; a reader's cancel ends that read at once.
    const reader = source.getReader();
    return { next: () => reader.read(), stop: (reason) => reader.cancel(reason).catch(ignore) };
  }
  const iterator =
    Symbol.asyncIterator in source
      ? source[Symbol.asyncIterator]()
      : (async function* () {
          yield* source;
        })();
  return {
    next: () => iterator.next(),
    stop: () => {
      // Destroying a Node stream ends its pending read; a generator's return waits for its own.
      if (isNodeStream(source)) source.destroy();
      else Promise.resolve(iterator.return?.()).catch(ignore);
    },
  };
}

/**
 * The pieces of `source`, until `signal` aborts: then the pending read rejects with the signal's
 * reason at once (a stream that never ends no longer holds the reader) and the source is stopped.
 * Left early without an abort (an error downstream, a `break`), the source is stopped as
 * `for await` would stop it. @internal
 */
export async function* untilAborted<T>(
  source: AsyncIterable<T> | Iterable<T>,
  signal: AbortSignal,
): AsyncGenerator<T, void, undefined> {
  const reader = readerOf(source);
  let onAbort = ignore;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      reader.stop(signal.reason);
      reject(signal.reason);
    };
  });
  aborted.catch(ignore);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  let ended = false;
  try {
    for (;;) {
      // An abort first, even when the source has a piece ready.
      const piece = await Promise.race([aborted, reader.next()]);
      if (piece.done === true) {
        ended = true;
        return;
      }
      yield piece.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (!ended && !signal.aborted) reader.stop(undefined);
  }
}

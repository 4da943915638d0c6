/**
 * An import stopped by its signal: a stream that never ends (a Node readable that never pushes
 * null, a web stream that never closes, a generator that stops yielding, a FIFO whose writer stays
 * open) no longer holds the import. It rejects at once with `TALENT_TIMEOUT`, destroys or cancels
 * every stream it was given or opened (no descriptor left open, no unhandled 'error'), and returns
 * nothing. An already-aborted signal rejects before anything is opened or read.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readdirSync, readlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isSceneRadarError, type SceneRadarError } from 'scene-radar';
import type { ProgressMessage } from 'scene-radar/schemas';
import {
  createTabularSourcesFromFiles,
  createTabularSourcesFromStreams,
  type TabularSources,
} from 'scene-radar/adapters/tabular';
import { CSV, tempTableFolder } from './tabular-fixture.js';

const { dir, file } = tempTableFolder('scene-radar-tabular-abort-');

/**
 * How `importing` settled within `ms`: its error, `'resolved'`, or `'pending'` (the hang this file
 * is about). The fixed import settles within a few microtasks of the abort; `ms` only bounds how
 * long a hang is waited for.
 */
async function settled(importing: Promise<TabularSources>, ms = 1000): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms);
  });
  try {
    return await Promise.race([
      importing.then(
        () => 'resolved' as const,
        (e: unknown) => e,
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The import's abort error, or a failed expectation naming what happened instead. */
function abortError(outcome: unknown): SceneRadarError {
  expect(isSceneRadarError(outcome) ? outcome.code : outcome).toBe('TALENT_TIMEOUT');
  return outcome as SceneRadarError;
}

/** A Node readable that gives `text` and then never ends; `reads` counts the calls to its `read()`. */
function endless(text: string | Uint8Array): { stream: Readable; reading: Promise<void>; reads: () => number } {
  let reads = 0;
  let first!: () => void;
  const reading = new Promise<void>((resolve) => {
    first = resolve;
  });
  const stream = new Readable({
    read() {
      reads++;
      if (reads === 1) this.push(text);
      // Later calls push nothing: the stream waits forever, as a socket that went quiet does.
      else first();
    },
  });
  return { stream, reading, reads: () => reads };
}

describe('createTabularSourcesFromStreams with a signal', () => {
  it('a Node readable that never ends: the abort rejects at once with TALENT_TIMEOUT, the reason as its cause, every stream destroyed', async () => {
    const artists = endless(CSV.artists);
    const events = Readable.from([CSV.events]);
    const controller = new AbortController();
    const importing = createTabularSourcesFromStreams(
      { artists: { input: artists.stream, format: 'csv' }, events: { input: events, format: 'csv' } },
      { signal: controller.signal },
    );
    try {
      // The first piece is parsed and the import waits for more, which never come.
      await artists.reading;
      const reason = new Error('the host gave up');
      controller.abort(reason);
      const error = abortError(await settled(importing));
      expect(error.message).toBe('The tabular import was aborted while reading table artists; nothing was built');
      expect(error.cause).toBe(reason);
      expect(error.details).toEqual({ table: 'artists' });
      // The stream being read and the one still waiting for its turn.
      expect(artists.stream.destroyed).toBe(true);
      expect(events.destroyed).toBe(true);
    } finally {
      // Without the fix the import still waits: end it, so nothing outlives the test.
      artists.stream.destroy();
      events.destroy();
    }
  });

  it('a gzipped stream that never ends: the abort ends the gunzip too', async () => {
    // Part of a gzip member: the gunzip waits for the rest, which never comes.
    const gzipped = gzipSync(CSV.events);
    const events = endless(gzipped.subarray(0, gzipped.length >> 1));
    const controller = new AbortController();
    const importing = createTabularSourcesFromStreams(
      { events: { input: events.stream, format: 'csv', gzip: true } },
      { signal: controller.signal },
    );
    try {
      await events.reading;
      controller.abort();
      expect(abortError(await settled(importing)).details).toEqual({ table: 'events' });
      expect(events.stream.destroyed).toBe(true);
    } finally {
      events.stream.destroy();
    }
  });

  it('a web ReadableStream that never closes is cancelled with the reason; a generator that stops yielding no longer holds the import', async () => {
    let cancelled: unknown = 'not cancelled';
    let waiting!: () => void;
    const waits = new Promise<void>((resolve) => {
      waiting = resolve;
    });
    const web = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(CSV.events));
      },
      // Called once the first piece is taken: the stream has nothing more, ever.
      pull() {
        waiting();
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const controller = new AbortController();
    const importing = createTabularSourcesFromStreams(
      { events: { input: web, format: 'csv' } },
      { signal: controller.signal },
    );
    await waits;
    controller.abort(new Error('stop'));
    expect(abortError(await settled(importing)).details).toEqual({ table: 'events' });
    expect(cancelled).toBe(controller.signal.reason);

    let stalls!: () => void;
    const stalled = new Promise<void>((resolve) => {
      stalls = resolve;
    });
    async function* quiet(): AsyncGenerator<string> {
      yield CSV.artists;
      stalls();
      // Never settles: a source that honours nothing.
      await new Promise(() => {});
    }
    const second = new AbortController();
    const held = createTabularSourcesFromStreams(
      { artists: { input: quiet(), format: 'csv' } },
      { signal: second.signal },
    );
    await stalled;
    second.abort();
    const error = abortError(await settled(held));
    expect(error.cause).toBe(second.signal.reason);
    expect((error.cause as Error).name).toBe('AbortError');
  });

  it('an already-aborted signal rejects before any stream is read, destroys the streams given, and reports no progress', async () => {
    const artists = endless(CSV.artists);
    let started = false;
    const events = (async function* () {
      started = true;
      yield CSV.events;
    })();
    const messages: ProgressMessage[] = [];
    const signal = AbortSignal.abort(new Error('too late'));
    try {
      const error = abortError(
        await settled(
          createTabularSourcesFromStreams(
            { artists: { input: artists.stream, format: 'csv' }, events: { input: events, format: 'csv' } },
            { signal, onProgress: (m) => messages.push(m) },
          ),
        ),
      );
      expect(error.message).toBe('The tabular import was aborted before it started; nothing was built');
      expect(error.cause).toBe(signal.reason);
      expect(artists.reads()).toBe(0);
      expect(started).toBe(false);
      expect(artists.stream.destroyed).toBe(true);
      expect(messages).toEqual([]);
    } finally {
      artists.stream.destroy();
    }
  });

  it('refuses a signal that is not an AbortSignal with CONFIG_INVALID naming the option', async () => {
    for (const signal of ['abort', { aborted: false }, null]) {
      const error = await settled(
        createTabularSourcesFromStreams(
          { artists: { input: Readable.from([CSV.artists]), format: 'csv' } },
          { signal: signal as unknown as AbortSignal },
        ),
      );
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      expect((error as Error).message).toMatch(/^createTabularSourcesFromStreams: signal must be an AbortSignal/);
    }
  });
});

describe('createTabularSourcesFromFiles with a signal', () => {
  it('an already-aborted signal rejects without opening a file (no ENOENT for a missing one)', async () => {
    const messages: ProgressMessage[] = [];
    const signal = AbortSignal.abort();
    const error = abortError(
      await settled(
        createTabularSourcesFromFiles(
          { artists: file('artists.csv', CSV.artists), events: join(dir, 'missing.csv') },
          { signal, onProgress: (m) => messages.push(m) },
        ),
      ),
    );
    expect(error.cause).toBe(signal.reason);
    expect(messages).toEqual([]);
  });

  // A FIFO whose writer never closes it is the file that never ends; Linux shows the open files in /proc.
  it.runIf(process.platform === 'linux')(
    'a FIFO whose writer stays open: the abort rejects at once, and the descriptor is closed once the blocked read returns',
    async () => {
      const fifo = join(dir, 'events.csv');
      execFileSync('mkfifo', [fifo]);
      /** The descriptors of this process open on the FIFO. */
      const openOnFifo = (): number =>
        readdirSync('/proc/self/fd').filter((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`) === fifo;
          } catch {
            return false;
          }
        }).length;
      // Read-write never blocks on a FIFO, and keeps a writer on it: the reader never sees its end.
      let writer: number | undefined = openSync(fifo, constants.O_RDWR);
      try {
        writeSync(writer, CSV.events.split('\r\n').slice(0, 3).join('\r\n'));
        const controller = new AbortController();
        let opened!: () => void;
        const reading = new Promise<void>((resolve) => {
          opened = resolve;
        });
        const importing = createTabularSourcesFromFiles(
          { artists: file('artists-fifo.csv', CSV.artists), events: fifo },
          {
            signal: controller.signal,
            onProgress: (m) => {
              if (m.phase === 'events') opened();
            },
          },
        );
        await reading;
        expect(openOnFifo()).toBe(2);
        controller.abort();
        const error = abortError(await settled(importing));
        expect(error.details).toEqual({ table: 'events' });
        // The read blocked in the thread pool returns once the writer goes; the import's descriptor then closes.
        closeSync(writer);
        writer = undefined;
        await expect.poll(openOnFifo, { timeout: 1000, interval: 10 }).toBe(0);
      } finally {
        if (writer !== undefined) closeSync(writer);
      }
    },
  );
});

/**
 * The tabular import's progress (task `import`): one phase per table, in bytes of its file (the
 * compressed bytes of a gzipped one), then `build`; monotone, ending at `done === total` (the
 * file's size); on the host's callback and the `scene-radar:progress` channel; a callback that
 * throws or rejects changes nothing. A stream counts bytes when its size is given, else is one step.
 */
import diagnostics from 'node:diagnostics_channel';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isSceneRadarError } from 'scene-radar';
import type { ProgressMessage } from 'scene-radar/schemas';
import { createTabularSourcesFromFiles, createTabularSourcesFromStreams } from 'scene-radar/adapters/tabular';
import { meteredTable } from '../../adapters/tabular/stream-table.js';
import { CSV, tempTableFolder } from './tabular-fixture.js';

const { dir, file } = tempTableFolder('scene-radar-tabular-progress-');

const files = {
  artists: file('artists.csv', CSV.artists),
  events: file('events.csv.gz', gzipSync(CSV.events)),
  engagement: file('engagement.csv', CSV.engagement),
};

/** The messages of each phase, in the order the phases started. */
function byPhase(messages: readonly ProgressMessage[]): Map<string, ProgressMessage[]> {
  const phases = new Map<string, ProgressMessage[]>();
  for (const m of messages) {
    const list = phases.get(m.phase) ?? [];
    list.push(m);
    phases.set(m.phase, list);
  }
  return phases;
}

/** Each phase: starts at 0, `done` never goes down, `total` fixed, `done === total` exactly at its last message. */
function expectWellFormed(messages: readonly ProgressMessage[]): void {
  for (const [, list] of byPhase(messages)) {
    expect(list[0]!.done).toBe(0);
    for (let i = 1; i < list.length; i++) {
      expect(list[i]!.done).toBeGreaterThanOrEqual(list[i - 1]!.done);
      expect(list[i]!.total).toBe(list[0]!.total);
    }
    const last = list.at(-1)!;
    expect(last.done).toBe(last.total);
    expect(last.etaMs).toBe(0);
    expect(list.slice(0, -1).every((m) => m.done < m.total)).toBe(true);
  }
}

/** A byte stream of `text` in `pieces` parts, `gapMs` apart. */
async function* slowly(text: string, pieces: number, gapMs: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const step = Math.ceil(bytes.length / pieces);
  for (let at = 0; at < bytes.length; at += step) {
    if (at > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    yield bytes.subarray(at, at + step);
  }
}

describe('createTabularSourcesFromFiles: onProgress', () => {
  it('reports each table in bytes of its file (compressed for .gz), then build; monotone, ending at the size', async () => {
    const messages: ProgressMessage[] = [];
    const { report } = await createTabularSourcesFromFiles(files, { onProgress: (m) => messages.push(m) });
    expect(report.artists).toBeGreaterThan(0);
    expect(messages.every((m) => m.task === 'import')).toBe(true);
    const phases = byPhase(messages);
    // The tables in the order they are read (the canonical order), then the build step.
    expect([...phases.keys()]).toEqual(['artists', 'events', 'engagement', 'build']);
    expectWellFormed(messages);
    for (const table of ['artists', 'events', 'engagement'] as const) {
      const last = phases.get(table)!.at(-1)!;
      expect(last.total).toBe(statSync(files[table]).size);
      expect(last.done).toBe(last.total);
    }
    // The gzipped file counts its bytes on disk, not the text inside.
    expect(phases.get('events')!.at(-1)!.total).toBeLessThan(Buffer.byteLength(CSV.events));
    expect(phases.get('build')!.map((m) => [m.done, m.total])).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });

  it('publishes the same messages on the scene-radar:progress channel, without a callback', async () => {
    const seen: ProgressMessage[] = [];
    const listener = (m: unknown): void => {
      if ((m as ProgressMessage).task === 'import') seen.push(m as ProgressMessage);
    };
    diagnostics.subscribe('scene-radar:progress', listener);
    try {
      await createTabularSourcesFromFiles(files);
    } finally {
      diagnostics.unsubscribe('scene-radar:progress', listener);
    }
    expect([...byPhase(seen).keys()]).toEqual(['artists', 'events', 'engagement', 'build']);
    expectWellFormed(seen);
    expect(byPhase(seen).get('artists')!.at(-1)!.total).toBe(statSync(files.artists).size);
  });

  it('a callback that throws, or rejects, does not break the import', async () => {
    const plain = await createTabularSourcesFromFiles(files);
    let calls = 0;
    const throwing = await createTabularSourcesFromFiles(files, {
      onProgress: () => {
        calls++;
        throw new Error('host bug');
      },
    });
    const rejecting = await createTabularSourcesFromFiles(files, {
      onProgress: async () => {
        calls++;
        throw new Error('host bug, later');
      },
    });
    expect(calls).toBeGreaterThanOrEqual(16);
    expect(throwing.report).toEqual(plain.report);
    expect(rejecting.report).toEqual(plain.report);
  });

  it('an empty file is one message, 0 of 0', async () => {
    const messages: ProgressMessage[] = [];
    await createTabularSourcesFromFiles({ events: file('empty.csv', '') }, { onProgress: (m) => messages.push(m) });
    expect(messages.filter((m) => m.phase === 'events').map((m) => [m.done, m.total])).toEqual([[0, 0]]);
  });

  it('a missing file fails as before, naming it, after no message of its phase', async () => {
    const messages: ProgressMessage[] = [];
    const error = await createTabularSourcesFromFiles(
      { events: join(dir, 'missing.csv') },
      { onProgress: (m) => messages.push(m) },
    ).catch((e: unknown) => e);
    expect(isSceneRadarError(error) && error.code === 'CONFIG_INVALID').toBe(true);
    expect(String((error as Error).message)).toContain('missing.csv');
    expect(messages).toEqual([]);
  });
});

describe('createTabularSourcesFromStreams: onProgress', () => {
  it('with its size given, a stream counts its bytes, throttled, up to the size', async () => {
    const messages: ProgressMessage[] = [];
    const size = Buffer.byteLength(CSV.events);
    await createTabularSourcesFromStreams(
      { events: { input: slowly(CSV.events, 5, 300), format: 'csv', size } },
      { onProgress: (m) => messages.push(m) },
    );
    const events = byPhase(messages).get('events')!;
    expectWellFormed(messages);
    expect(events.at(-1)!.total).toBe(size);
    // Pieces 300 ms apart, messages at most every 250 ms: some in between, each with a rate.
    const between = events.filter((m) => m.done > 0 && m.done < size);
    expect(between.length).toBeGreaterThanOrEqual(2);
    expect(between.every((m) => m.rate > 0 && m.etaMs !== null)).toBe(true);
  });

  it('counts text pieces in UTF-8 bytes, and the bytes of a file on disk (the meter under the progress)', async () => {
    const text = `${CSV.artists.trimEnd()}\r\nzoe-unicode,Zoë Ünïcode 🎸 €,uk,london,2025-02-01\r\n`;
    const counted = async (input: string | AsyncIterable<string>, size?: number) => {
      let bytes = 0;
      let started: number | undefined | null = null;
      const meter = {
        start: (known: number | undefined) => {
          started = known;
          return true;
        },
        read: (n: number) => {
          bytes += n;
        },
      };
      let rows = 0;
      for await (const batch of meteredTable(input, { format: 'csv', source: 'artists' }, meter))
        rows += batch.rows.length;
      return { bytes, started, rows, size };
    };
    async function* pieces(): AsyncGenerator<string> {
      // Cut inside the name, so a piece starts and ends mid-line.
      const cut = text.indexOf('Ünïcode');
      yield text.slice(0, cut);
      yield text.slice(cut);
    }
    expect(await counted(pieces())).toMatchObject({ bytes: Buffer.byteLength(text), started: undefined, rows: 5 });
    const path = file('unicode.csv', text);
    expect(await counted(path)).toMatchObject({ bytes: statSync(path).size, started: statSync(path).size, rows: 5 });
  });

  it('without a size, a stream is one step: 0 of 1, then 1 of 1 once read', async () => {
    const messages: ProgressMessage[] = [];
    await createTabularSourcesFromStreams(
      { artists: { input: slowly(CSV.artists, 3, 0), format: 'csv' } },
      { onProgress: (m) => messages.push(m) },
    );
    expect(messages.map((m) => [m.phase, m.done, m.total])).toEqual([
      ['artists', 0, 1],
      ['artists', 1, 1],
      ['build', 0, 1],
      ['build', 1, 1],
    ]);
  });

  it('refuses a size that is not a length in bytes', async () => {
    for (const size of [-1, 1.5, Number.NaN]) {
      const error = await createTabularSourcesFromStreams({
        events: { input: slowly(CSV.events, 1, 0), format: 'csv', size },
      }).catch((e: unknown) => e);
      expect(isSceneRadarError(error) && error.code === 'CONFIG_INVALID').toBe(true);
      expect((error as Error).message).toContain('events.size');
    }
  });
});

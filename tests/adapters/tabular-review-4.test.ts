/**
 * Review 4 of the tabular adapter:
 * - `readTable` and `streamTable` take a `signal`: a host can stop reading a file that never ends
 *   (a FIFO whose writer stays open) or a byte source that never ends; the read rejects at once
 *   with `TALENT_TIMEOUT` and lets go of the file.
 * - An abort while a read of a FIFO is blocked in the system (the writer stays open and writes
 *   nothing) releases the descriptor and the thread without the writer's help, so a host that
 *   aborts on Ctrl-C can exit.
 * - Text the contracts refuse (a NUL character, a lone surrogate) is a rejected row naming its
 *   file, line and column, not a build failure without either.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, openSync, readdirSync, readlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isSceneRadarError, type SceneRadarError } from 'scene-radar';
import {
  ArtistRecordSchema,
  ArticleListSchema,
  RcfEventListSchema,
  WorkspaceSchema,
} from '../../src/contracts/payloads.js';
import {
  createTabularSources,
  createTabularSourcesFromFiles,
  parseCsv,
  parseJsonLines,
  readTable,
  streamTable,
} from 'scene-radar/adapters/tabular';
import { CSV, tempTableFolder } from './tabular-fixture.js';

const { dir, file } = tempTableFolder('scene-radar-tabular-review-4-');
const linux = process.platform === 'linux';

/** How `work` settled within `ms`: its value, its error, or `'pending'` (the hang this file is about). */
async function settled(work: Promise<unknown>, ms = 1000): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms);
  });
  try {
    return await Promise.race([work.catch((e: unknown) => e), pending]);
  } finally {
    clearTimeout(timer);
  }
}

/** The abort error, or a failed expectation naming what happened instead. */
function abortError(outcome: unknown): SceneRadarError {
  expect(isSceneRadarError(outcome) ? outcome.code : outcome).toBe('TALENT_TIMEOUT');
  return outcome as SceneRadarError;
}

let fifos = 0;
/**
 * A FIFO in the temp folder with a writer that stays open (read-write never blocks on a FIFO),
 * holding `text`: a reader reads it, then waits in the system for more that never comes.
 */
function quietFifo(
  name: string,
  text: string | Uint8Array,
): { path: string; openHere: () => number; close: () => void } {
  const path = join(dir, `${fifos++}-${name}`);
  execFileSync('mkfifo', [path]);
  let writer: number | undefined = openSync(path, constants.O_RDWR);
  if (text.length > 0) writeSync(writer, Buffer.from(text));
  return {
    path,
    // The descriptors of this process open on the FIFO (the writer's counts while it is open).
    openHere: () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === path;
        } catch {
          return false;
        }
      }).length - (writer === undefined ? 0 : 1),
    close: () => {
      if (writer !== undefined) closeSync(writer);
      writer = undefined;
    },
  };
}

/** Three events lines, the last without its line end: the reader waits for the rest of it. */
const EVENTS_HEAD = CSV.events.split('\r\n').slice(0, 3).join('\r\n');

describe('streamTable and readTable with a signal', () => {
  it.runIf(linux)(
    'streamTable over a FIFO whose writer stays open: the abort rejects at once with TALENT_TIMEOUT, and the descriptor is closed while the writer stays',
    async () => {
      const fifo = quietFifo('events.csv', `${CSV.events.split('\r\n').slice(0, 2).join('\r\n')}\r\n`);
      try {
        const controller = new AbortController();
        const batches: number[] = [];
        const reading = (async () => {
          for await (const batch of streamTable(fifo.path, { signal: controller.signal })) {
            batches.push(batch.rows.length);
            if (batches.length === 1) controller.abort(new Error('the host gave up'));
          }
        })();
        const error = abortError(await settled(reading));
        expect(batches).toEqual([1]);
        expect(error.message).toBe(`Reading table ${fifo.path} was aborted`);
        expect(error.details).toEqual({ source: fifo.path });
        expect(error.cause).toBe(controller.signal.reason);
        // The read blocked in the thread pool is woken: the file is closed without the writer's help.
        await expect.poll(fifo.openHere, { timeout: 2000, interval: 10 }).toBe(0);
      } finally {
        fifo.close();
      }
    },
  );

  it.runIf(linux)(
    'readTable over a gzipped FIFO that stalls mid-member: the abort rejects at once, and the descriptor is closed',
    async () => {
      // Half of a gzip member: the gunzip waits for the rest, which never comes.
      const gzipped = gzipSync(CSV.events);
      const fifo = quietFifo('events.csv.gz', gzipped.subarray(0, gzipped.length >> 1));
      try {
        const controller = new AbortController();
        const reading = readTable(fifo.path, { signal: controller.signal });
        // Let the open and the first read happen, then give up.
        await expect.poll(fifo.openHere, { timeout: 2000, interval: 10 }).toBe(1);
        setTimeout(() => controller.abort(), 50);
        const error = abortError(await settled(reading));
        expect(error.details).toEqual({ source: fifo.path });
        expect((error.cause as Error).name).toBe('AbortError');
        await expect.poll(fifo.openHere, { timeout: 2000, interval: 10 }).toBe(0);
      } finally {
        fifo.close();
      }
    },
  );

  it('an already-aborted signal rejects before the file is opened (no CONFIG_INVALID for a missing file)', async () => {
    const signal = AbortSignal.abort(new Error('too late'));
    const missing = join(dir, 'missing.csv');
    const error = abortError(await settled(readTable(missing, { signal })));
    expect(error.cause).toBe(signal.reason);
    const streamed = abortError(
      await settled(
        (async () => {
          for await (const _ of streamTable(missing, { signal })) return 'read';
        })(),
      ),
    );
    expect(streamed.details).toEqual({ source: missing });
  });

  it('streamTable over a byte source that never ends: the abort rejects at once and the stream is destroyed', async () => {
    let reads = 0;
    const stream = new Readable({
      read() {
        // One piece, then nothing ever again: a socket gone quiet.
        if (reads++ === 0) this.push(CSV.events);
      },
    });
    const controller = new AbortController();
    const rows: number[] = [];
    const reading = (async () => {
      for await (const batch of streamTable(stream, { format: 'csv', source: 'feed', signal: controller.signal })) {
        rows.push(batch.rows.length);
        setTimeout(() => controller.abort(), 10);
      }
    })();
    try {
      const error = abortError(await settled(reading));
      expect(error.details).toEqual({ source: 'feed' });
      expect(rows.length).toBeGreaterThan(0);
      expect(stream.destroyed).toBe(true);
    } finally {
      stream.destroy();
    }
  });

  it('a signal that never aborts changes nothing; a signal that is not an AbortSignal is CONFIG_INVALID', async () => {
    const path = file('events-plain.csv', CSV.events);
    const table = await readTable(path, { signal: new AbortController().signal });
    expect(table.rows).toHaveLength(CSV.events.trim().split('\r\n').length - 1);
    for (const signal of ['abort', { aborted: false }, null]) {
      const error = await settled(readTable(path, { signal: signal as unknown as AbortSignal }));
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      expect((error as Error).message).toMatch(/^readTable: signal must be an AbortSignal/);
    }
  });
});

describe('leaving a FIFO before its end, without an abort', () => {
  it.runIf(linux)(
    'a break while the writer stays open and silent returns at once and closes the descriptor',
    async () => {
      const fifo = quietFifo('events.csv', `${CSV.events.split('\r\n').slice(0, 2).join('\r\n')}\r\n`);
      try {
        const batches: number[] = [];
        const reading = (async () => {
          for await (const batch of streamTable(fifo.path)) {
            batches.push(batch.rows.length);
            break;
          }
          return 'done';
        })();
        expect(await settled(reading, 2000)).toBe('done');
        expect(batches).toEqual([1]);
        await expect.poll(fifo.openHere, { timeout: 2000, interval: 10 }).toBe(0);
      } finally {
        fifo.close();
      }
    },
  );

  it.runIf(linux)(
    'a parse error while the writer stays open and silent rejects at once and closes the descriptor',
    async () => {
      const fifo = quietFifo('broken.jsonl', '{"artist": "a-1", "id": "e1"}\n{not json\n');
      try {
        const outcome = await settled(readTable(fifo.path, { format: 'jsonl' }), 2000);
        expect(isSceneRadarError(outcome) ? outcome.code : outcome).toBe('CONFIG_INVALID');
        await expect.poll(fifo.openHere, { timeout: 2000, interval: 10 }).toBe(0);
      } finally {
        fifo.close();
      }
    },
  );
});

describe('an import aborted while a FIFO read is blocked', () => {
  it.runIf(linux)(
    'createTabularSourcesFromFiles: the descriptor is closed after the abort though the writer stays open',
    async () => {
      const fifo = quietFifo('events.csv', EVENTS_HEAD);
      try {
        const controller = new AbortController();
        const importing = createTabularSourcesFromFiles({ events: fifo.path }, { signal: controller.signal });
        await expect.poll(fifo.openHere, { timeout: 2000, interval: 10 }).toBe(1);
        setTimeout(() => controller.abort(), 50);
        expect(abortError(await settled(importing)).details).toEqual({ table: 'events' });
        await expect.poll(fifo.openHere, { timeout: 2000, interval: 10 }).toBe(0);
      } finally {
        fifo.close();
      }
    },
  );

  it.runIf(linux)(
    'a process that aborts its import on SIGINT exits on its own while the FIFO writer stays open',
    async () => {
      const fifo = quietFifo('events.csv', EVENTS_HEAD);
      const script = join(dir, 'ctrl-c.mts');
      const entry = fileURLToPath(new URL('../../adapters/tabular/index.ts', import.meta.url));
      writeFileSync(
        script,
        `import { createTabularSourcesFromFiles } from ${JSON.stringify(entry)};
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
createTabularSourcesFromFiles({ events: ${JSON.stringify(fifo.path)} }, {
  signal: controller.signal,
  onProgress: (m) => { if (m.phase === 'events' && m.done === 0) console.log('reading'); },
}).then(() => console.log('resolved'), (e) => console.log('rejected', e.code));
`,
      );
      // From the repository, where `tsx` (which runs the TypeScript source) resolves.
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        cwd: fileURLToPath(new URL('../../', import.meta.url)),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.setEncoding('utf8');
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (s: string) => {
            out += s;
            if (out.includes('reading')) resolve();
          });
          child.once('exit', () => reject(new Error(`exited early: ${out}`)));
        });
        // The child's read is blocked in the system once it has parsed the first lines.
        await new Promise((resolve) => setTimeout(resolve, 200));
        child.kill('SIGINT');
        const code = await settled(exited, 10_000);
        expect(out).toContain('rejected TALENT_TIMEOUT');
        expect(code).toBe(0);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
        fifo.close();
      }
    },
  );
});

describe('text the contracts refuse is a rejected row with its file and line', () => {
  const NUL = '\u0000';

  it('a NUL character in a CSV cell: the row is rejected with file, line and column (before: a build error naming neither)', () => {
    const artists = parseCsv(
      `slug,name,home_region,home_city,first_seen\nnova,Nova${NUL},uk,,2025-01-01\npale,Pale,uk,brigh${NUL}ton,2025-01-01\nok,Ok,uk,,2025-01-01\n`,
      { source: 'artists.csv' },
    );
    const events = parseCsv(
      `artist,id,type,at,weight,region\nok,e${NUL}1,radio_play,2025-03-01T00:00:00Z,1,uk\nok,,radio_play,2025-03-02T00:00:00Z,1,u${NUL}k\nok,e2,radio_play,2025-03-03T00:00:00Z,1,uk\n`,
      { source: 'events.csv' },
    );
    let thrown: unknown;
    try {
      createTabularSources({ artists, events });
    } catch (e) {
      thrown = e;
    }
    expect(isSceneRadarError(thrown) && thrown.code).toBe('CONFIG_INVALID');
    const message = (thrown as Error).message;
    expect(message).toContain('artists.csv line 2');
    expect(message).toContain('artists.csv line 3');
    expect(message).toContain('events.csv line 2');
    expect(message).toContain('events.csv line 3');
    expect(message).not.toContain('eager dataset');

    const { report, sources } = createTabularSources({ artists, events }, { onInvalidRow: 'skip' });
    expect(
      report.tables.artists?.rejections.map((r) => [r.source, r.line, r.column, r.message.includes('NUL')]),
    ).toEqual([
      ['artists.csv', 2, 'name', true],
      ['artists.csv', 3, 'home_city', true],
    ]);
    expect(report.tables.events?.rejections.map((r) => [r.source, r.line, r.column])).toEqual([
      ['events.csv', 2, 'id'],
      ['events.csv', 3, 'region'],
    ]);
    expect(report.tables.events?.accepted).toBe(1);
    expect(sources.rcf).toBeDefined();
  });

  it('a lone surrogate or NUL escaped in JSON lines is rejected in every text column; what is accepted passes the contracts', async () => {
    const lone = '\\ud800';
    const nul = '\\u0000';
    const { report, sources } = createTabularSources(
      {
        artists: parseJsonLines(
          [
            `{"slug":"ok","name":"Ok","home_region":"uk","first_seen":"2025-01-01"}`,
            `{"slug":"bad","name":"Bad","home_region":"u${lone}k","first_seen":"2025-01-01"}`,
          ].join('\n'),
          { source: 'artists.jsonl' },
        ),
        articles: parseJsonLines(
          [
            `{"artist":"ok","published_at":"2025-03-01","outlet":"wire","outlet_quality":0.5,"title":"T${nul}"}`,
            `{"artist":"ok","published_at":"2025-03-01","outlet":"wi${lone}re","outlet_quality":0.5}`,
            `{"artist":"ok","id":"a${lone}","published_at":"2025-03-01","outlet":"wire","outlet_quality":0.5}`,
            `{"artist":"ok","published_at":"2025-03-02","outlet":"wire","outlet_quality":0.5,"title":"Fine"}`,
          ].join('\n'),
          { source: 'articles.jsonl' },
        ),
        events: parseJsonLines(
          `{"artist":"ok","id":"e${lone}","type":"radio_play","at":"2025-03-01","weight":1,"region":"uk"}\n{"artist":"ok","type":"radio_play","at":"2025-03-01","weight":1,"region":"uk"}`,
          { source: 'events.jsonl' },
        ),
        workspaces: parseJsonLines(
          [
            `{"id":"3f2b8c1e-5a7d-4e9f-8b6a-1c2d3e4f5a6b","name":"L${nul}","scenes":[],"microgenres":[],"regions":[],"roster":[]}`,
            `{"id":"9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d","name":"Label","scenes":[],"microgenres":[],"regions":["u${nul}k"],"roster":[]}`,
            `{"id":"1a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d","name":"Label","scenes":[],"microgenres":[],"regions":["uk"],"roster":[]}`,
          ].join('\n'),
          { source: 'workspaces.jsonl' },
        ),
      },
      { onInvalidRow: 'skip' },
    );
    const where = (t: 'artists' | 'articles' | 'events' | 'workspaces') =>
      report.tables[t]?.rejections.map((r) => [r.source, r.line, r.column]);
    expect(where('artists')).toEqual([['artists.jsonl', 2, 'home_region']]);
    expect(where('articles')).toEqual([
      ['articles.jsonl', 1, 'title'],
      ['articles.jsonl', 2, 'outlet'],
      ['articles.jsonl', 3, 'id'],
    ]);
    expect(where('events')).toEqual([['events.jsonl', 1, 'id']]);
    expect(where('workspaces')).toEqual([
      ['workspaces.jsonl', 1, 'name'],
      ['workspaces.jsonl', 2, 'regions'],
    ]);
    // What was accepted is what the source gateway accepts.
    const call = { asOf: new Date('2026-01-01T00:00:00Z'), signal: new AbortController().signal };
    const windowed = { ...call, from: new Date('2024-01-01T00:00:00Z') };
    const artist = (await sources.mig!.getArtists(['ok'], call)).get('ok');
    expect(ArtistRecordSchema.safeParse(artist).success).toBe(true);
    const articles = (await sources.coverage!.getArticles(['ok'], windowed)).get('ok');
    expect(ArticleListSchema.safeParse(articles).success).toBe(true);
    expect(articles).toHaveLength(1);
    const events = (await sources.rcf!.getEvents(['ok'], windowed)).get('ok');
    expect(RcfEventListSchema.safeParse(events).success).toBe(true);
    expect(events).toHaveLength(1);
    const workspace = (await sources.workspaces!.getWorkspaces(['1a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d'], call)).get(
      '1a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
    );
    expect(WorkspaceSchema.safeParse(workspace).success).toBe(true);
  });

  it('derivedHomeRegion with a NUL character is refused up front with CONFIG_INVALID', () => {
    let thrown: unknown;
    try {
      createTabularSources({ events: [] }, { derivedHomeRegion: `u${NUL}k` });
    } catch (e) {
      thrown = e;
    }
    expect(isSceneRadarError(thrown) && thrown.code).toBe('CONFIG_INVALID');
    expect((thrown as Error).message).toMatch(/derivedHomeRegion/);
  });
});

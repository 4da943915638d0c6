/**
 * Review 5: the `scene-radar` commands other than `demo` (serve, refresh, backtest, openapi) under
 * hostile use, run through `runCli` with captured io. Each test asserts the right behaviour; those
 * not marked "guard" fail on the code they were written against, for a real fault:
 * - `backtest --out` is checked only after the whole backtest ran (a missing folder prints the
 *   result and then fails), can leave the Markdown half of its pair written, and writes Markdown
 *   into a file named `.json`;
 * - `--as-of <instant>` with `--demo` is dropped without a word (the refresh runs as of now);
 * - a manifest the schema accepts but the import refuses is reported without its place;
 * - a catalog file that is a folder is reported without its path; a missing catalog and an
 *   unreachable database are found only after every table file was imported;
 * - `serve` finds a port in use, or a host it cannot listen on, only after the import and refresh;
 * - a mistyped short flag (`-out`) is reported as a fragment of what was typed (`-o`).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { backtestFolder } from '../../src/cli/backtest.js';
import { runCli } from '../../src/cli/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/backtest-data');
const STACK = /^\s+at /m;

const dir = mkdtempSync(join(tmpdir(), 'hostile-review-5-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  out: string;
  /** stderr without the progress lines. */
  err: string;
  /** The progress lines. */
  progress: string[];
}

async function cli(args: readonly string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return {
    code,
    out: out.join('\n'),
    err: err.filter((l) => !l.startsWith('progress: ')).join('\n'),
    progress: err.filter((l) => l.startsWith('progress: ')),
  };
}

/** A fresh folder holding the example's artists and events, and `files` (name to content). */
function folder(name: string, files: Record<string, string> = {}): string {
  const at = join(dir, name);
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, 'artists.csv'), readFileSync(join(EXAMPLE, 'artists.csv')));
  writeFileSync(join(at, 'events.csv'), readFileSync(join(EXAMPLE, 'events.csv')));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(at, file), text);
  return at;
}

const manifest = (extra: Record<string, unknown>, tables: Record<string, unknown> = {}): string =>
  `${JSON.stringify({ tables: { artists: 'artists.csv', events: 'events.csv', ...tables }, ...extra }, null, 2)}\n`;

describe('scene-radar backtest --out', () => {
  it('a folder that does not exist is refused before the backtest runs, not after it printed its result', async () => {
    const target = join(dir, 'no-such-folder', 'report.md');
    const run = await cli(['backtest', '--data', EXAMPLE, '--out', target]);
    expect(run.code).not.toBe(0);
    expect(run.err).toContain(join(dir, 'no-such-folder'));
    expect(run.err).not.toMatch(STACK);
    // Today: the whole backtest runs, its table goes to stdout, then the write fails (exit 1).
    expect(run.progress.filter((l) => l.includes('backtest'))).toEqual([]);
    expect(run.out).toBe('');
  }, 60_000);

  it('nothing half-written: when the JSON beside it cannot be written, the Markdown report is not left behind', async () => {
    const at = join(dir, 'half');
    mkdirSync(join(at, 'report.json'), { recursive: true }); // where the JSON would go is a folder
    const run = await cli(['backtest', '--data', EXAMPLE, '--out', join(at, 'report.md')]);
    expect(run.code).not.toBe(0);
    expect(run.err).toContain('report.json');
    // Today: report.md is written, then report.json fails (EISDIR), exit 1 with report.md on disk.
    expect(existsSync(join(at, 'report.md'))).toBe(false);
  }, 60_000);

  it('never writes Markdown into a file named .json (nor a .json.json beside it)', async () => {
    const at = join(dir, 'json-name');
    mkdirSync(at, { recursive: true });
    const target = join(at, 'result.json');
    const run = await cli(['backtest', '--data', EXAMPLE, '--out', target]);
    // Either refused as a usage mistake, or the file holds JSON: today it holds the Markdown
    // report and the JSON goes to result.json.json.
    expect(existsSync(`${target}.json`)).toBe(false);
    if (run.code === 0) expect(() => JSON.parse(readFileSync(target, 'utf8'))).not.toThrow();
    else {
      expect(run.code).toBe(2);
      expect(run.err).toContain('--out');
      expect(existsSync(target)).toBe(false);
    }
  }, 60_000);
});

describe('scene-radar refresh --demo --as-of <instant>', () => {
  it('is honoured (or refused), never dropped: the refresh is not run as of now instead', async () => {
    const run = await cli(['refresh', '--demo', '--artists', '5', '--as-of', '2025-06-01T12:00:00Z', '--json']);
    if (run.code === 2) {
      expect(run.err).toContain('--as-of');
      return;
    }
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out) as { refresh: { talent: { asOf: string } } };
    // Today: the world ends today and the refresh runs as of the system clock.
    expect(report.refresh.talent.asOf).toBe('2025-06-01T12:00:00.000Z');
  }, 60_000);
});

describe('scene-radar refresh: a manifest the import refuses is reported at its place in scene-radar.json', () => {
  it.each([
    ['asOf before the year 1000 (the --as-of flag refuses it)', manifest({ asOf: '0999-12-31' }), 'asOf'],
    [
      'a delimiter that is a quote',
      manifest({}, { events: { path: 'events.csv', delimiter: '"' } }),
      'tables.events.delimiter',
    ],
    [
      'an aggregate rule that does not exist',
      manifest({ import: { aggregate: { engagement: 'bogus' } } }),
      'import.aggregate.engagement',
    ],
    [
      'a series span that is not days',
      manifest({ import: { seriesSpan: { start: 'garbage', end: '2025-02-30' } } }),
      'import.seriesSpan',
    ],
  ])(
    '%s',
    async (name, text, path) => {
      const at = folder(`manifest-${name.replace(/\W+/g, '-')}`, { 'scene-radar.json': text });
      const run = await cli(['refresh', '--data', at]);
      expect(run.code).toBe(1);
      expect(run.err).not.toMatch(STACK);
      // docs/cli.md: "not a valid manifest is reported at its line and column too".
      expect(run.err.split('\n')[0]).toMatch(
        new RegExp(
          `^scene-radar refresh: ${join(at, 'scene-radar.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: ${path.replace(/\./g, '\\.')}`,
        ),
      );
    },
    60_000,
  );
});

describe('scene-radar refresh: the catalog file', () => {
  it('a catalog that is a folder is named in the error (today: "EISDIR: illegal operation on a directory, read")', async () => {
    const at = folder('catalog-folder', { 'scene-radar.json': manifest({ catalog: 'scenes' }) });
    mkdirSync(join(at, 'scenes'));
    const run = await cli(['refresh', '--data', at]);
    expect(run.code).toBe(1);
    expect(run.err.split('\n')).toHaveLength(1);
    expect(run.err).toContain(join(at, 'scenes'));
  }, 60_000);

  it('a catalog that does not exist is reported before the table files are imported', async () => {
    const at = folder('catalog-missing', { 'scene-radar.json': manifest({ catalog: 'catalog.json' }) });
    const run = await cli(['refresh', '--data', at]);
    expect(run.code).not.toBe(0);
    expect(run.err).toContain(join(at, 'catalog.json'));
    // Today: every table is imported first (on a 160 MB export, a minute), then the catalog is read.
    expect(run.progress.filter((l) => l.startsWith('progress: import'))).toEqual([]);
  }, 60_000);
});

describe('scene-radar refresh --postgres', () => {
  it('a database that cannot be reached is reported before the table files are imported', async () => {
    const run = await cli(['refresh', '--data', EXAMPLE, '--postgres', 'postgres://u:s3cret@127.0.0.1:1/db']);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/STORE_UNAVAILABLE/);
    expect(run.err).not.toContain('s3cret');
    // Today: the folder's files are all imported, then the pool is opened.
    expect(run.progress.filter((l) => l.startsWith('progress: import'))).toEqual([]);
  }, 60_000);

  it.each([
    'not a url',
    'mysql://u:s3cret@localhost/db',
    'postgres://u:s3cret@[::1/db',
    'postgres:///db',
    'postgres://u:s3cret@localhost:99999/db',
  ])('guard: a malformed URL %j is a usage error (exit 2) that never repeats the value', async (url) => {
    const run = await cli(['refresh', '--demo', `--postgres=${url}`]);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(
      /^scene-radar refresh: --postgres must be a URL like postgres:\/\/user@host:5432\/database\nusage:/,
    );
    expect(run.err).not.toContain('s3cret');
    expect(run.out).toBe('');
  });
});

describe('scene-radar serve: where it listens', () => {
  it('a port already in use is reported before the table files are imported and refreshed', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const run = await cli(['serve', '--data', EXAMPLE, '--port', String(port)]);
      expect(run.code).not.toBe(0);
      expect(run.err).toContain(String(port));
      expect(run.err).not.toMatch(STACK);
      // Today: the whole import and the first refresh run (minutes on a large export), then listen fails.
      expect(run.progress.filter((l) => l.startsWith('progress: import'))).toEqual([]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 60_000);

  it('a host that cannot be listened on is reported, naming --host, before the files are imported', async () => {
    const run = await cli(['serve', '--data', EXAMPLE, '--port', '0', '--host', 'no such host.invalid']);
    expect(run.code).not.toBe(0);
    expect(run.err).toContain('--host');
    // Today: "getaddrinfo ENOTFOUND no such host.invalid", after the import and the refresh.
    expect(run.progress.filter((l) => l.startsWith('progress: import'))).toEqual([]);
  }, 60_000);
});

describe('scene-radar: what a usage error names', () => {
  it('a single-dash long flag (-out x) is named as typed, not as the fragment -o', async () => {
    const run = await cli(['openapi', '-out', join(dir, 'openapi.json')]);
    expect(run.code).toBe(2);
    expect(run.err.split('\n')[0]).toMatch(/^scene-radar openapi: unknown argument: -out(\s|$)/);
  });

  it.each([
    [['refresh', '--data', join(EXAMPLE, 'artists.csv')], '--data'],
    [['backtest', '--data', join(dir, 'nowhere')], '--data'],
    [['serve', '--demo', '--port', '99999999999999999999'], '--port'],
    [['refresh', '--demo', '--artists=-5'], '--artists'],
    [['refresh', '--demo', '--artists', '2.5'], '--artists'],
    [['backtest', '--data', EXAMPLE, '--from', '2025-02-30'], '--from'],
    [['openapi', '--base-path', '/a b'], '--base-path'],
  ])('guard: %j is a usage error (exit 2) naming %s, nothing printed to stdout', async (args, flag) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.err.split('\n')[0]).toContain(flag);
    expect(run.out).toBe('');
    expect(run.progress).toEqual([]);
  });
});

describe('scene-radar refresh: file encodings', () => {
  it('guard: a CSV with a byte-order mark and CRLF line ends imports every row', async () => {
    const at = join(dir, 'bom-crlf');
    mkdirSync(at, { recursive: true });
    const crlf = (file: string): string => readFileSync(join(EXAMPLE, file), 'utf8').replace(/\n/g, '\r\n');
    writeFileSync(join(at, 'artists.csv'), `\ufeff${crlf('artists.csv')}`);
    writeFileSync(join(at, 'events.csv'), `\ufeff${crlf('events.csv')}`);
    const run = await cli(['refresh', '--data', at, '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out) as { import: { artists: number; tables: Record<string, { rejected: number }> } };
    expect(report.import.artists).toBe(120);
    expect(report.import.tables.events?.rejected).toBe(0);
  }, 60_000);
});

describe('scene-radar backtest: an abort stops the run itself', () => {
  it('backtestFolder rejects once its signal aborts and reports no progress after (it ran on to the end)', async () => {
    const abort = new AbortController();
    const seen: string[] = [];
    let atAbort = -1;
    const run = backtestFolder({
      dir: EXAMPLE,
      event: 'chart_entry',
      signal: abort.signal,
      onProgress: (p) => {
        seen.push(p.task);
        // Aborted as the backtest proper starts (the import done): the run must stop there.
        if (p.task === 'backtest' && atAbort < 0) {
          atAbort = seen.length;
          abort.abort(new Error('stopped by the test'));
        }
      },
    });
    await expect(run).rejects.toThrow(/stopped by the test/);
    expect(atAbort).toBeGreaterThan(0);
    const stopped = seen.length;
    // Before the fix the run went on in the background, reporting its cutoffs and scorers.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(seen.length).toBe(stopped);
  }, 60_000);
});

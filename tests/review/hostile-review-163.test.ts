/**
 * Hostile review 163: `scene-radar refresh|backtest|serve --data <dir>` run as a new user runs them
 * (child processes of `src/cli/bin.ts`), against README.md, docs/cli.md, docs/backtesting.md and
 * docs/adapters.md.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: the method names
 * the `--train-until` split; `seriesSpan` checks its order; a JSON file with a repeated key is
 * refused at its line and column; `serve` prints the manifest's name; a bad cell's column number
 * is read with the manifest's delimiter).
 *
 * FAULTS:
 *
 * 1. src/cli/backtest.ts, backtestFolder(), the `method` text (line ~224): the report's Method
 *    always says "the first half trains, the rest tests", also when `--train-until` put the split
 *    elsewhere (2 training cutoffs and 8 test ones, say). The Markdown report and the JSON result
 *    then describe a protocol that is not the one that was run. The text should say where the split
 *    is (e.g. "cutoffs up to <day> train, later ones test") whenever `--train-until` is given.
 *
 * 2. src/cli/manifest.ts, ManifestSchema `import.seriesSpan` (line ~83): a span whose end is before
 *    its start passes the manifest's schema and fails later in the import as
 *    "seriesSpan: end ... is before start ... (CONFIG_INVALID)", naming neither scene-radar.json nor
 *    a line. docs/cli.md: "A manifest that is not valid JSON or not a valid manifest is reported at
 *    its line and column too (`scene-radar.json:3:5: tables.events: ...`)". Fix: refine the schema
 *    (end >= start) so it is reported as `scene-radar.json:<line>:<col>: import.seriesSpan: ...`.
 *
 * 3. src/cli/manifest.ts, readManifest() / parseJsonFile() (line ~130): `JSON.parse` keeps the
 *    last of two equal keys, so a manifest naming one table twice
 *    (`"artists": "a.csv", ..., "artists": "b.csv"`) silently reads b.csv and ignores a.csv, exit 0.
 *    docs/cli.md: "Two files for one table ... are a usage error, not one of them read and the other
 *    ignored." Fix: detect duplicate keys in the manifest text (at least under `tables`) and refuse
 *    them at their line and column.
 *
 * 4. src/cli/commands.ts, `serve` run() (line ~164): docs/cli.md's manifest table says `name` is
 *    "printed by the commands; default the folder", but `serve` prints "Reading <dir> ..." and never
 *    the manifest's name (refresh and backtest do). Fix: print `opened.title` (the name) as refresh
 *    does, e.g. in the "Reading ..." or the "scene-radar API on ..." line.
 *
 * 5. src/cli/io.ts, csvHeaderOf() (line ~128): the header used to number an invalid cell's column
 *    is parsed with ',' (or a tab for `.tsv`) whatever delimiter the manifest gave, so a `;` file's
 *    bad cell is reported as "column weight:" where the same file with commas gets the documented
 *    "column 5 (weight):" (docs/cli.md: `events.csv:3: column 4 (weight): ...`). Fix: pass the
 *    table's manifest spec (delimiter) to the describer (e.g. the DataFolder's files) instead of
 *    guessing from the extension.
 *
 * Verified correct (plain `it`): missing table file, unknown manifest table, `gzip: true` on a
 * plain file and a `.gz` that is not gzip (exit 1, file named); unclosed quote and bad cell named
 * file:line:column; two files for one table found by name (exit 2); a folder without the events
 * table for backtest (exit 2); `--from` after `--to` (exit 2); an events table without events
 * (exit 1); a mistyped year in the events (exit 1, both ends named); `--help` of serve, refresh and
 * backtest agrees with docs/cli.md's usage blocks; no stack trace on any of these failures.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tsEntry } from '../helpers/ts-entry.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'src/cli/bin.ts');
const DOCS = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8');

const root = mkdtempSync(join(tmpdir(), 'hostile-review-163-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function folder(files: Record<string, string | Buffer>): string {
  const dir = join(root, `f${n++}`);
  mkdirSync(dir);
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** `scene-radar <args>` as a child process; killed after 60 s so a hang fails rather than blocks. */
function cli(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...tsEntry(BIN), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', SCENE_RADAR_DEBUG: '' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

const diagnostics = (err: string): string =>
  err
    .split('\n')
    .filter((l) => !l.startsWith('progress: '))
    .join('\n');
const noStack = (err: string): void => expect(err).not.toMatch(/\n\s+at [^\n]+:\d+:\d+/);

const ARTISTS = 'slug,name,home_region,home_city,first_seen\nann,Ann,gb,,2024-01-01\nbob,Bob,gb,,2024-01-01\n';
const EVENTS_HEADER = 'artist,id,type,at,weight,region\n';
const EVENTS = `${EVENTS_HEADER}ann,,playlist_add,2024-02-01T00:00:00Z,3,gb\nbob,,radio_play,2024-03-01T00:00:00Z,2,gb\n`;

/** A small history for backtest: 4 artists, an event every 10 days for two years, some chart entries. */
function history(): string {
  const rows: string[] = [];
  const slugs = ['ann', 'bob', 'cat', 'dan'];
  const start = Date.UTC(2023, 0, 1);
  for (let d = 0; d < 730; d += 10)
    slugs.forEach((slug, i) => {
      const at = new Date(start + (d + i) * 86_400_000).toISOString().slice(0, 10);
      const type = d > 250 && (d + i * 90) % 240 === 0 ? 'chart_entry' : 'playlist_add';
      rows.push(`${slug},,${type},${at}T12:00:00Z,${1 + ((d + i) % 7)},gb`);
    });
  return `${EVENTS_HEADER}${rows.join('\n')}\n`;
}
const HISTORY_ARTISTS =
  'slug,name,home_region,home_city,first_seen\n' +
  ['ann', 'bob', 'cat', 'dan'].map((s) => `${s},${s},gb,,2022-12-01`).join('\n') +
  '\n';

/** The usage block of a command in docs/cli.md, whitespace collapsed. */
function docUsage(command: string): string {
  const m = new RegExp(`### \`scene-radar ${command}\`\\n\\n\`\`\`\\n([\\s\\S]*?)\`\`\``).exec(DOCS);
  return (m?.[1] ?? '').replace(/\s+/g, ' ').trim();
}

describe('hostile review 163: refresh --data', () => {
  it('a manifest naming a file that does not exist: exit 1, the file named, no stack', async () => {
    const dir = folder({ 'scene-radar.json': '{"tables":{"artists":"nope.csv"}}' });
    const run = await cli(['refresh', '--data', dir]);
    expect(run.code).toBe(1);
    expect(run.err).toContain(join(dir, 'nope.csv'));
    noStack(run.err);
  }, 60_000);

  it('a manifest with an unknown table is reported at scene-radar.json:line:column (exit 1)', async () => {
    const dir = folder({ 'scene-radar.json': '{\n  "tables": {\n    "artist": "a.csv"\n  }\n}\n' });
    const run = await cli(['refresh', '--data', dir]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/scene-radar\.json:\d+:\d+: tables: .*"artist"/);
    expect(run.out).toBe('');
  }, 60_000);

  it('gzip that is not gzip (manifest gzip: true, and a .csv.gz of plain text) fails with the file named, exit 1', async () => {
    const a = folder({ 'a.csv': ARTISTS, 'scene-radar.json': '{"tables":{"artists":{"path":"a.csv","gzip":true}}}' });
    const b = folder({ 'artists.csv.gz': ARTISTS });
    const [ra, rb] = [await cli(['refresh', '--data', a]), await cli(['refresh', '--data', b])];
    expect(ra.code).toBe(1);
    expect(ra.err).toContain(`${join(a, 'a.csv')}: not valid gzip data`);
    expect(rb.code).toBe(1);
    expect(rb.err).toContain(`${join(b, 'artists.csv.gz')}: not valid gzip data`);
    noStack(ra.err + rb.err);
  }, 60_000);

  it('an unclosed quote and a bad cell are named by file, line and column (exit 1)', async () => {
    const q = folder({ 'artists.csv': ARTISTS, 'events.csv': `${EVENTS}ann,"x,playlist_add\n` });
    const c = folder({ 'artists.csv': ARTISTS, 'events.csv': `${EVENTS}ann,,playlist_add,2024-02-01,heavy,gb\n` });
    const [rq, rc] = [await cli(['refresh', '--data', q]), await cli(['refresh', '--data', c])];
    expect(rq.code).toBe(1);
    expect(diagnostics(rq.err)).toContain(`${join(q, 'events.csv')}:4:5: a quoted cell is never closed`);
    expect(rc.code).toBe(1);
    expect(diagnostics(rc.err)).toContain(
      `${join(c, 'events.csv')}:4: column 5 (weight): weight: expected a number, found "heavy"`,
    );
  }, 60_000);

  it('two files for one table found by name are a usage error (exit 2), naming both', async () => {
    const dir = folder({ 'events.csv': EVENTS, 'events.jsonl': '' });
    const run = await cli(['refresh', '--data', dir]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('events.csv and events.jsonl');
  }, 60_000);

  it('FAULT: a manifest naming the same table twice reads the last file and ignores the first, exit 0', async () => {
    const dir = folder({
      'a.csv': ARTISTS,
      'b.csv': 'slug,name,home_region,home_city,first_seen\nzed,Zed,gb,,2024-01-01\n',
      'scene-radar.json': '{\n  "tables": {\n    "artists": "a.csv",\n    "artists": "b.csv"\n  }\n}\n',
    });
    const run = await cli(['refresh', '--data', dir, '--json']);
    // Documented: two files for one table are a usage error, not one read and the other ignored.
    expect(run.code).not.toBe(0);
    expect(run.err).toMatch(/scene-radar\.json:\d+(:\d+)?: .*artists/);
  }, 60_000);

  it('FAULT: import.seriesSpan with its end before its start is not reported at scene-radar.json:line:column', async () => {
    const dir = folder({
      'artists.csv': ARTISTS,
      'engagement.csv': 'artist,day,organic,paid\nann,2024-01-05,3,1\n',
      'scene-radar.json': JSON.stringify(
        {
          tables: { artists: 'artists.csv', engagement: 'engagement.csv' },
          import: { seriesSpan: { start: '2024-02-01', end: '2024-01-01' } },
        },
        null,
        2,
      ),
    });
    const run = await cli(['refresh', '--data', dir]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/scene-radar\.json:\d+:\d+: import\.seriesSpan/);
  }, 60_000);

  it('FAULT: a bad cell in a CSV read with the manifest delimiter ";" loses its column number ("column weight:", not "column 5 (weight):")', async () => {
    const dir = folder({
      'a.csv': ARTISTS,
      'e.csv': `${EVENTS}ann,,playlist_add,2024-02-01,heavy,gb\n`.replace(/,/g, ';'),
      'scene-radar.json': '{"tables":{"artists":"a.csv","events":{"path":"e.csv","delimiter":";"}}}',
    });
    const run = await cli(['refresh', '--data', dir]);
    expect(run.code).toBe(1);
    expect(diagnostics(run.err)).toContain(`${join(dir, 'e.csv')}:4: column 5 (weight): weight: expected a number`);
  }, 60_000);
});

describe('hostile review 163: backtest --data', () => {
  it('a folder without an events table is a usage error (exit 2) naming what is needed', async () => {
    const run = await cli(['backtest', '--data', folder({ 'artists.csv': ARTISTS })]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('needs an artists table and an events table');
  }, 60_000);

  it('--from after --to is a usage error (exit 2); an events table without events is exit 1', async () => {
    const dir = folder({ 'artists.csv': ARTISTS, 'events.csv': EVENTS });
    const swapped = await cli(['backtest', '--data', dir, '--from', '2025-06-01', '--to', '2024-09-01']);
    expect(swapped.code).toBe(2);
    expect(swapped.err).toContain('fewer than two monthly cutoffs fit between --from and --to');
    const empty = await cli(['backtest', '--data', folder({ 'artists.csv': ARTISTS, 'events.csv': EVENTS_HEADER })]);
    expect(empty.code).toBe(1);
    expect(empty.err).toContain('the events table has no events');
    noStack(swapped.err + empty.err);
  }, 60_000);

  it('a mistyped year in the events (more than 600 cutoffs) is exit 1, naming where each end came from', async () => {
    const dir = folder({
      'artists.csv': ARTISTS,
      'events.csv': `${EVENTS_HEADER}ann,,playlist_add,2024-02-01T00:00:00Z,3,gb\nbob,,radio_play,2204-03-01T00:00:00Z,2,gb\n`,
    });
    const run = await cli(['backtest', '--data', dir]);
    expect(run.code).toBe(1);
    expect(run.err).toContain('180 days after the first event and the horizon before the last event');
    expect(run.err).toContain('the events run from 2024-02-01 to 2204-03-01');
  }, 60_000);

  it('FAULT: with --train-until, the report still says "the first half trains, the rest tests"', async () => {
    const dir = folder({ 'artists.csv': HISTORY_ARTISTS, 'events.csv': history() });
    const out = join(dir, 'report.md');
    const run = await cli([
      'backtest',
      '--data',
      dir,
      '--horizon',
      '30',
      '--from',
      '2024-01-01',
      '--to',
      '2024-10-01',
      '--train-until',
      '2024-02-01',
      '--out',
      out,
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
      cutoffs: { split: string }[];
      method: string[];
    };
    const train = result.cutoffs.filter((c) => c.split === 'train').length;
    const test = result.cutoffs.filter((c) => c.split === 'test').length;
    expect([train, test]).toEqual([2, 8]); // the split that was run
    // The Method must describe that split, not a half-and-half one.
    expect(result.method.join(' ')).not.toContain('the first half trains');
    expect(readFileSync(out, 'utf8')).not.toContain('the first half trains');
  }, 60_000);
});

describe('hostile review 163: serve --data and --help', () => {
  it('--help of serve, refresh and backtest prints the usage line docs/cli.md shows', async () => {
    for (const command of ['serve', 'refresh', 'backtest']) {
      const run = await cli([command, '--help']);
      expect(run.code).toBe(0);
      const printed = run.out
        .split('\n  --')[0]!
        .replace(/^usage: /, '')
        .replace(/\s+/g, ' ')
        .trim();
      expect(printed).toBe(docUsage(command));
    }
  }, 60_000);

  it("FAULT: serve --data never prints the manifest's name (docs: `name` is printed by the commands)", async () => {
    const dir = folder({
      'artists.csv': ARTISTS,
      'events.csv': EVENTS,
      'scene-radar.json': '{"name":"Hostile label 163","tables":{"artists":"artists.csv","events":"events.csv"}}',
    });
    const child = spawn(process.execPath, [...tsEntry(BIN), 'serve', '--data', dir, '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d;
          if (out.includes('Ctrl-C stops it.')) resolve();
        });
        child.on('close', () => reject(new Error(`serve exited early:\n${out}\n${err}`)));
      });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await closed).toBe(0);
    clearTimeout(timer);
    expect(out).toContain('scene-radar API on http://127.0.0.1:');
    expect(out).toContain('Hostile label 163');
  }, 60_000);
});

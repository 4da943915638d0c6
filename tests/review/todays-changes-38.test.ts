/**
 * Review of the day's changes 38 (0843fb5): a bad cell's column read from the file as the import
 * read it, carried by the import's failure (src/cli/io.ts `withFolderColumns`, `folderColumnsOf`,
 * `csvHeaderOf`, `describeFailure`'s default `columnsOf`; src/cli/open-radar.ts and
 * src/cli/backtest.ts marking the tabular import's failure).
 * Functions are called in-process; `refresh --data` and `backtest --data` once each as a child.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: `folderColumnsOf`
 * skips entries the import could not have read and `withFolderColumns` never replaces the error;
 * the header record is read up to 1 MiB, line end by line end until it parses, so a quoted line
 * break or a header over 64 KiB keeps its column positions).
 *
 * FAULTS:
 *
 * 1. src/cli/io.ts `withFolderColumns` / `folderColumnsOf` (~line 161/180): the mark is computed
 *    from `files` without guarding it, and it runs exactly when the import has refused them. A
 *    files object the import refuses before reading (`{ events: { path: 42 } }`, `{ events: null }`)
 *    rejects with "createTabularSourcesFromFiles: events must be a file path or { path, ... }", but
 *    `withFolderColumns` then throws from `detectTableFormat` ("the path must be a string") or a
 *    TypeError (`null.path`), so the host sees that error instead of the import's. Not reachable
 *    from the CLI (the manifest schema makes every path a string), but the function is documented
 *    for hosts ("@example ... .catch((e) => { throw withFolderColumns(e, folder.files) })"). Fix:
 *    in `folderColumnsOf` skip entries that are not a string or an object with a string `path`
 *    (or wrap the mark in try/catch and return `error` unmarked).
 *
 * 2. src/cli/io.ts `csvHeader` (~line 116): the header is "the first line of the first 64 KiB",
 *    not the header as the import reads it (one CSV record, up to 128 MiB). A header longer than
 *    64 KiB (thousands of extra columns, which the import accepts) is cut, and a quoted header
 *    cell holding a line break (`"note\n(free text)"`, accepted: names are trimmed) is cut at the
 *    break and fails to parse; either way the bad cell loses its position ("column weight:").
 *    Degraded, not wrong; the same as before this change. Fix: read records with the CSV state
 *    (`createCsvState`/`parseCsvBlock`) chunk by chunk until the header is complete, with a cap.
 *
 * Verified correct (plain `it`): a thrown string/number/null/undefined/symbol is returned as is
 * and described as before; a frozen failure, a Proxy of one and a revoked Proxy are marked without
 * throwing (and the first two described with column 5); an explicit `columnsOf` wins over the
 * mark, explicit `undefined` takes the mark, an unmarked failure falls back to the name; a
 * failure marked twice takes the last folder; manifest errors (file:line:col), catalog errors and
 * import option refusals are described as before; two tables on one path: the last entry decides
 * (unreachable in practice: both reads would have to succeed); relative paths in `files` and
 * `./`/`..` manifest paths key the rejection; a `.tsv` not in `files` is read with a tab, one in a
 * manifest with `format: csv` + tab delimiter gives column 5; `.ndjson`/`.jsonl`/`.jsonl.gz`
 * name the field with no position; an empty, missing or gzipped file has no header (no throw);
 * a BOM before a `;` header; `backtestFolder` and two concurrent in-process `refresh`es (`;` and
 * `|`) each give column 5; end to end `refresh --data` and `backtest --data` child processes print
 * `<abs>/events.csv:3: column 5 (weight): ...`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createTabularSourcesFromFiles, type TabularFiles } from '../../adapters/tabular/index.js';
import { DataFileError, describeFailure, folderColumnsOf, withFolderColumns } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/index.js';
import { readDataFolder } from '../../src/cli/manifest.js';
import { backtestFolder } from '../../src/cli/backtest.js';
import { tsEntry } from '../helpers/ts-entry.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'src/cli/bin.ts');
const root = mkdtempSync(join(tmpdir(), 'todays-changes-38-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let nf = 0;
function folder(files: Record<string, string | Buffer>): string {
  const dir = join(root, `f${nf++}`);
  mkdirSync(dir);
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

const ARTISTS = 'slug,name,home_region,home_city,first_seen\nann,Ann,gb,,2024-01-01\nbob,Bob,gb,,2024-01-01\n';
const EVENTS = 'artist,id,type,at,weight,region\nann,,playlist_add,2024-02-01T00:00:00Z,3,gb\n';
const BAD_EVENTS = `${EVENTS}ann,,playlist_add,2024-02-01,heavy,gb\n`;
const SEMI = BAD_EVENTS.replace(/,/g, ';');
const SEMI_MANIFEST = '{"tables":{"artists":"artists.csv","events":{"path":"events.csv","delimiter":";"}}}';

async function failureOf(files: TabularFiles, options: object = {}): Promise<unknown> {
  try {
    await createTabularSourcesFromFiles(files, options);
  } catch (e) {
    return e;
  }
  throw new Error('the import did not fail');
}

interface Captured {
  readonly code: number;
  readonly err: string;
}
async function run(args: string[]): Promise<Captured> {
  const err: string[] = [];
  const code = await runCli(args, { out: () => undefined, err: (line: string) => err.push(line) } as never);
  return { code, err: err.join('\n') };
}

function cli(args: readonly string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...tsEntry(BIN), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', SCENE_RADAR_DEBUG: '' },
    });
    let err = '';
    child.stdout.on('data', () => undefined);
    child.stderr.on('data', (d: Buffer) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, err });
    });
  });
}

describe('withFolderColumns / describeFailure: odd failures', () => {
  it('a failure that is not an object is returned as is and described as before', () => {
    const files: TabularFiles = { events: '/nowhere/events.csv' };
    for (const thrown of ['boom', 42, undefined, null, Symbol('s')]) {
      expect(withFolderColumns(thrown, files)).toBe(thrown);
    }
    expect(describeFailure(withFolderColumns('boom', files))).toEqual(['boom']);
    expect(describeFailure(withFolderColumns(null, files))).toEqual(['null']);
  });

  it('a frozen failure and a Proxy of one are marked (WeakMap set does not throw) and described with column 5', async () => {
    const dir = folder({ 'artists.csv': ARTISTS, 'events.csv': SEMI, 'scene-radar.json': SEMI_MANIFEST });
    const f = readDataFolder(dir);
    const frozen = Object.freeze((await failureOf(f.files, f.options)) as object);
    expect(withFolderColumns(frozen, f.files)).toBe(frozen);
    expect(describeFailure(frozen).join('\n')).toContain('column 5 (weight)');
    const proxy = new Proxy((await failureOf(f.files, f.options)) as object, {});
    expect(withFolderColumns(proxy, f.files)).toBe(proxy);
    expect(describeFailure(proxy).join('\n')).toContain('column 5 (weight)');
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(withFolderColumns(revoked, f.files)).toBe(revoked);
  });

  it('an explicit columnsOf wins over the mark; an unmarked failure of a ";" file falls back to the name (comma)', async () => {
    const dir = folder({ 'artists.csv': ARTISTS, 'events.csv': SEMI, 'scene-radar.json': SEMI_MANIFEST });
    const f = readDataFolder(dir);
    const marked = withFolderColumns(await failureOf(f.files, f.options), f.files);
    expect(describeFailure(marked, () => ['x', 'weight']).join('\n')).toContain('column 2 (weight)');
    expect(describeFailure(marked, () => undefined).join('\n')).toContain('column weight:');
    expect(describeFailure(marked, undefined).join('\n')).toContain('column 5 (weight)');
    const unmarked = await failureOf(f.files, f.options);
    expect(describeFailure(unmarked).join('\n')).toContain('column weight:');
  });

  it('a failure marked twice takes the last folder', async () => {
    const dir = folder({ 'artists.csv': ARTISTS, 'events.csv': SEMI, 'scene-radar.json': SEMI_MANIFEST });
    const f = readDataFolder(dir);
    const e = await failureOf(f.files, f.options);
    withFolderColumns(e, { events: join(dir, 'events.csv') });
    expect(describeFailure(e).join('\n')).toContain('column weight:');
    withFolderColumns(e, f.files);
    expect(describeFailure(e).join('\n')).toContain('column 5 (weight)');
  });

  it('FAULT: withFolderColumns replaces a CONFIG_INVALID refusal of a malformed files object by its own TypeError/refusal', async () => {
    for (const files of [{ events: { path: 42 } }, { events: null }] as unknown as TabularFiles[]) {
      const original = await failureOf(files);
      let out: unknown;
      try {
        out = withFolderColumns(original, files);
      } catch (e) {
        out = e;
      }
      // The import's own refusal ("events must be a file path or { path, ... }") must be what is reported.
      expect(out).toBe(original);
    }
  });
});

describe('failures before the import are described as before', () => {
  it('a manifest error is file:line:column, a catalog error names the catalog (in-process refresh)', async () => {
    const bad = folder({
      'artists.csv': ARTISTS,
      'scene-radar.json': '{"tables":{"artists":"artists.csv","nope":"x.csv"}}',
    });
    const m = await run(['refresh', '--data', bad]);
    expect(m.code).toBe(1);
    expect(m.err).toMatch(/scene-radar\.json:1:\d+: tables: /);
    const cat = folder({
      'artists.csv': ARTISTS,
      'events.csv': BAD_EVENTS,
      'scene-radar.json': '{"tables":{"artists":"artists.csv","events":"events.csv"},"catalog":"catalog.json"}',
      'catalog.json': '{"scenes": [',
    });
    const c = await run(['refresh', '--data', cat]);
    expect(c.code).toBe(1);
    // The catalog is read before the table files: its error, not the bad cell's.
    expect(c.err).toContain('catalog.json:');
    expect(c.err).not.toContain('weight');
  });

  it('an import option refused before any file is read is described by its message (no rejection lines)', async () => {
    const dir = folder({ 'artists.csv': ARTISTS, 'events.csv': SEMI });
    const files: TabularFiles = {
      artists: join(dir, 'artists.csv'),
      events: { path: join(dir, 'events.csv'), delimiter: ';' },
    };
    const e = await failureOf(files, { onInvalidRow: 'never' });
    expect(describeFailure(withFolderColumns(e, files))).toEqual(describeFailure(e));
  });

  it('a DataFileError marked is described by its message', () => {
    const e = new DataFileError('/x/scene-radar.json', 3, 4, 'tables: bad');
    expect(describeFailure(withFolderColumns(e, { events: '/x/events.csv' }))).toEqual([e.message]);
  });
});

describe('folderColumnsOf: files as the import reads them', () => {
  it('two tables on the same file path: the last entry decides how the file is read', () => {
    const dir = folder({ 'shared.csv': 'a;b,c\n' });
    const p = join(dir, 'shared.csv');
    expect(folderColumnsOf({ events: { path: p, delimiter: ';' }, engagement: p })(p)).toEqual(['a;b', 'c']);
    expect(folderColumnsOf({ events: p, engagement: { path: p, delimiter: ';' } })(p)).toEqual(['a', 'b,c']);
  });

  it('a path relative to the cwd in files, and a manifest path with ./ and .. segments, key the rejection', async () => {
    const dir = folder({ 'artists.csv': ARTISTS, 'events.csv': SEMI });
    const files: TabularFiles = {
      artists: relative(process.cwd(), join(dir, 'artists.csv')),
      events: { path: relative(process.cwd(), join(dir, 'events.csv')), delimiter: ';' },
    };
    const out = describeFailure(withFolderColumns(await failureOf(files), files)).join('\n');
    expect(out).toContain(`${relative(process.cwd(), join(dir, 'events.csv'))}:3:`);
    expect(out).toContain('column 5 (weight)');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(
      join(dir, 'scene-radar.json'),
      '{"tables":{"artists":"./artists.csv","events":{"path":"sub/../events.csv","delimiter":";"}}}',
    );
    const f = readDataFolder(dir);
    const out2 = describeFailure(withFolderColumns(await failureOf(f.files, f.options), f.files)).join('\n');
    expect(out2).toContain(`${join(dir, 'events.csv')}:3:`);
    expect(out2).toContain('column 5 (weight)');
  });

  it('a .tsv not in the files is read by its name with a tab; a .tsv in a manifest with format csv and a tab delimiter too', async () => {
    const dir = folder({ 'artists.csv': ARTISTS, 'events.tsv': BAD_EVENTS.replace(/,/g, '\t') });
    const p = join(dir, 'events.tsv');
    expect(folderColumnsOf({})(p)).toEqual(['artist', 'id', 'type', 'at', 'weight', 'region']);
    writeFileSync(
      join(dir, 'scene-radar.json'),
      '{"tables":{"artists":"artists.csv","events":{"path":"events.tsv","format":"csv","delimiter":"\\t"}}}',
    );
    const f = readDataFolder(dir);
    const out = describeFailure(withFolderColumns(await failureOf(f.files, f.options), f.files)).join('\n');
    expect(out).toContain('events.tsv:3:');
    expect(out).toContain('column 5 (weight)');
  });

  it('.ndjson and .jsonl (found by name) name the field, never a position', async () => {
    const jsonl =
      '{"artist": "ann", "type": "playlist_add", "at": "2024-02-01T00:00:00Z", "weight": 3, "region": "gb"}\n' +
      '{"artist": "ann", "type": "playlist_add", "at": "2024-02-01T00:00:00Z", "weight": "heavy", "region": "gb"}\n';
    for (const name of ['events.ndjson', 'events.jsonl', 'events.jsonl.gz']) {
      const dir = folder({ 'artists.csv': ARTISTS, [name]: name.endsWith('.gz') ? gzipSync(jsonl) : jsonl });
      const f = readDataFolder(dir);
      expect(folderColumnsOf(f.files)(join(dir, name))).toBeUndefined();
      const out = describeFailure(withFolderColumns(await failureOf(f.files, f.options), f.files)).join('\n');
      expect(out).toContain(`${name}:2:`);
      expect(out).toContain('column weight:');
      expect(out).not.toMatch(/column \d+ \(/);
    }
  });

  it('an empty file, a missing file, and a gzipped csv have no header (no throw)', () => {
    const dir = folder({ 'events.csv': '', 'artists.csv.gz': gzipSync(ARTISTS) });
    const cols = folderColumnsOf({ events: join(dir, 'events.csv'), artists: join(dir, 'artists.csv.gz') });
    const empty = cols(join(dir, 'events.csv'));
    expect(empty === undefined || empty.length === 0).toBe(true);
    expect(cols(join(dir, 'artists.csv.gz'))).toBeUndefined();
    expect(cols(join(dir, 'gone.csv'))).toBeUndefined();
  });

  it('a BOM before a ";" header: column 5', async () => {
    const dir = folder({ 'artists.csv': ARTISTS, 'events.csv': `\ufeff${SEMI}`, 'scene-radar.json': SEMI_MANIFEST });
    const f = readDataFolder(dir);
    const out = describeFailure(withFolderColumns(await failureOf(f.files, f.options), f.files)).join('\n');
    expect(out).toContain('column 5 (weight)');
  });

  it('FAULT: a header longer than 64 KiB (many extra columns before weight) loses the column position', async () => {
    const extra = Array.from({ length: 7000 }, (_, i) => `extra_col_${i}`);
    const header = ['artist', 'id', 'type', 'at', ...extra, 'weight', 'region'];
    const row = (at: string, w: string): string =>
      ['ann', '', 'playlist_add', at, ...extra.map(() => ''), w, 'gb'].join(';');
    const body = `${header.join(';')}\n${row('2024-02-01T00:00:00Z', '3')}\n${row('2024-02-01', 'heavy')}\n`;
    const dir = folder({ 'artists.csv': ARTISTS, 'events.csv': body, 'scene-radar.json': SEMI_MANIFEST });
    expect(header.join(';').length).toBeGreaterThan(65_536);
    const f = readDataFolder(dir);
    const out = describeFailure(withFolderColumns(await failureOf(f.files, f.options), f.files)).join('\n');
    expect(out).toContain('events.csv:3:');
    expect(out).toContain(`column ${header.indexOf('weight') + 1} (weight)`);
  });

  it('FAULT: a quoted header cell holding a line break (as the import takes it) loses the column position', async () => {
    const body = `artist;id;type;at;"note\n(free text)";weight;region\nann;;playlist_add;2024-02-01T00:00:00Z;;3;gb\nann;;playlist_add;2024-02-01;;heavy;gb\n`;
    const dir = folder({ 'artists.csv': ARTISTS, 'events.csv': body, 'scene-radar.json': SEMI_MANIFEST });
    const f = readDataFolder(dir);
    const out = describeFailure(withFolderColumns(await failureOf(f.files, f.options), f.files)).join('\n');
    expect(out).toContain('events.csv:4:');
    expect(out).toContain('column 6 (weight)');
  });
});

describe('the commands mark their import failure', () => {
  it('backtestFolder (in-process) rejects with the failure marked: column 5 for a ";" file', async () => {
    const dir = folder({ 'artists.csv': ARTISTS, 'events.csv': SEMI, 'scene-radar.json': SEMI_MANIFEST });
    let error: unknown;
    try {
      await backtestFolder({ dir });
    } catch (e) {
      error = e;
    }
    expect(error).toBeDefined();
    expect(describeFailure(error).join('\n')).toContain('column 5 (weight)');
  });

  it('two refreshes in one process at once each report column 5 with their own delimiter', async () => {
    const a = folder({ 'artists.csv': ARTISTS, 'events.csv': SEMI, 'scene-radar.json': SEMI_MANIFEST });
    const b = folder({
      'artists.csv': ARTISTS,
      'events.csv': BAD_EVENTS.replace(/,/g, '|'),
      'scene-radar.json': '{"tables":{"artists":"artists.csv","events":{"path":"events.csv","delimiter":"|"}}}',
    });
    const [ra, rb] = await Promise.all([run(['refresh', '--data', a]), run(['refresh', '--data', b])]);
    expect([ra.code, rb.code]).toEqual([1, 1]);
    expect(ra.err).toContain(`${join(a, 'events.csv')}:3: column 5 (weight)`);
    expect(rb.err).toContain(`${join(b, 'events.csv')}:3: column 5 (weight)`);
  });

  it('end to end: `refresh --data` and `backtest --data` (child processes) report file:3: column 5 (weight)', async () => {
    const dir = folder({ 'artists.csv': ARTISTS, 'events.csv': SEMI, 'scene-radar.json': SEMI_MANIFEST });
    const [refresh, backtest] = await Promise.all([cli(['refresh', '--data', dir]), cli(['backtest', '--data', dir])]);
    for (const r of [refresh, backtest]) {
      expect(r.code).toBe(1);
      expect(r.err).toContain(`${join(dir, 'events.csv')}:3: column 5 (weight): `);
    }
  }, 90_000);
});

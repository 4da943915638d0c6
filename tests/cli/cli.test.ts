/**
 * The `scene-radar` command end to end, as a host runs it: a child process (the source, bundled
 * for this run or through tsx: tests/helpers/ts-entry.ts; the built bin runs dist/) over files in a temporary folder. `serve --data` answers the
 * seed's four requests on the host's own files; `--help`, a bad flag (exit 2 with the usage), a
 * broken CSV (file:line:column), an invalid row (file, line, column), `openapi` and `refresh`.
 */
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { runCli } from '../../src/cli/index.js';
import { tsEntry } from '../helpers/ts-entry.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'src/cli/bin.ts');
const EXAMPLE = join(ROOT, 'examples/backtest-data');

/** The parts of the answers this test reads. */
interface Body {
  ok: boolean;
  data: {
    summary: { totalArtistsTracked: number };
    topRisingArtists: { artist_slug: string }[];
    topBreakoutCandidates: { artist_slug: string }[];
    artist: { artist_slug: string };
    trajectory: unknown;
    items: unknown[];
    sources: { name: string }[];
  };
  error: { code: string; message: string; details: { path: unknown[] }[] };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command to its end. */
function run(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...tsEntry(BIN), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
let broken: string;
let invalid: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scene-radar-cli-'));
  // A host's export: its own file names, events gzipped, a catalog, named by a manifest.
  copyFileSync(join(EXAMPLE, 'artists.csv'), join(dir, 'label-artists.csv'));
  copyFileSync(join(EXAMPLE, 'collaborators.csv'), join(dir, 'collabs.csv'));
  writeFileSync(join(dir, 'plays.csv.gz'), gzipSync(readFileSync(join(EXAMPLE, 'events.csv'))));
  const { catalog } = createDemoWorld({ artists: 10, end: '2025-12-31' });
  writeFileSync(join(dir, 'catalog.json'), JSON.stringify(catalog));
  writeFileSync(
    join(dir, 'scene-radar.json'),
    JSON.stringify(
      {
        name: 'example label',
        tables: {
          artists: 'label-artists.csv',
          events: 'plays.csv.gz',
          collaborators: { path: 'collabs.csv', format: 'csv' },
        },
        catalog: 'catalog.json',
      },
      null,
      2,
    ),
  );
  // Files found by name, no manifest: one with a quote never closed, one with an invalid cell.
  broken = mkdtempSync(join(tmpdir(), 'scene-radar-cli-broken-'));
  writeFileSync(
    join(broken, 'events.csv'),
    'artist,type,at,weight\nnova,radio_play,2025-01-01,1\nnova,radio_play,"2025-01-02,2\n',
  );
  invalid = mkdtempSync(join(tmpdir(), 'scene-radar-cli-invalid-'));
  writeFileSync(
    join(invalid, 'events.csv'),
    'artist,type,at,weight\nnova,radio_play,2025-01-01,1\nnova,radio_play,2025-01-02,heavy\n',
  );
});

afterAll(() => {
  for (const d of [dir, broken, invalid]) rmSync(d, { recursive: true, force: true });
});

describe('scene-radar', () => {
  it('serve --data answers the seed four requests on the files, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [...tsEntry(BIN), 'serve', '--data', dir, '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d;
          const m = /scene-radar API on (http:\/\/[^\s]+)\/api/.exec(stdout);
          if (m) resolve(m[1]!);
        });
        child.on('close', () => reject(new Error(`serve exited early:\n${stdout}\n${stderr}`)));
      });
      expect(stdout).toContain('Imported 120 artists');
      expect(stdout).toMatch(/Talent Radar: {2}\d+ of 120 artists scored/);
      const get = async (path: string) => {
        const res = await fetch(`${url}${path}`);
        return { status: res.status, body: (await res.json()) as Body };
      };
      // 1. The global pulse.
      const pulse = await get('/api/talent/pulse?limit=20');
      expect(pulse.status).toBe(200);
      expect(pulse.body.ok).toBe(true);
      expect(pulse.body.data.summary.totalArtistsTracked).toBeGreaterThan(0);
      const artist =
        pulse.body.data.topRisingArtists[0]?.artist_slug ?? pulse.body.data.topBreakoutCandidates[0]?.artist_slug;
      expect(typeof artist).toBe('string');
      // 2. An artist's profile.
      const profile = await get(`/api/talent/artists/${artist}`);
      expect(profile.status).toBe(200);
      expect(profile.body.data.artist.artist_slug).toBe(artist);
      expect(profile.body.data.trajectory).toBeDefined();
      // 3. A malformed slug.
      const bad = await get('/api/scenes/invalid-slug-!!!');
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('SCENES_VALIDATION_ERROR');
      expect(bad.body.error.details[0]?.path).toEqual(['slug']);
      // 4. An unknown artist.
      const unknown = await get('/api/talent/artists/unknown-artist');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toEqual({
        code: 'TALENT_ARTIST_NOT_FOUND',
        message: 'Artist not found: unknown-artist',
      });
      // The catalog was imported, and the health route knows the sources given.
      expect((await get('/api/scenes?limit=1')).body.data.items).toHaveLength(1);
      const health = await get('/api/health');
      expect(health.status).toBe(200);
      expect(health.body.data.sources.map((s: { name: string }) => s.name)).toEqual(['mig', 'rcf']);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await closed).toBe(0);
    expect(stdout).toContain('Stopping: closing the server and the radar');
    // stderr holds the import's progress (the gzipped events in bytes on disk), then the first
    // refresh's (plain lines: not a terminal), and nothing else.
    const gz = statSync(join(dir, 'plays.csv.gz')).size;
    expect(stderr).toContain(
      `progress: import events ${(gz / 1000).toFixed(1)} kB/${(gz / 1000).toFixed(1)} kB done in `,
    );
    expect(stderr).toMatch(/^progress: import artists [\d.]+ kB\/[\d.]+ kB done in /m);
    expect(stderr).toMatch(/^progress: import build 1\/1 done in /m);
    expect(stderr).toMatch(/^progress: refresh talent\.features \d+\/\d+ done in /m);
    expect(stderr.indexOf('progress: import build')).toBeLessThan(stderr.indexOf('progress: refresh '));
    expect(stderr.split('\n').filter((l) => l !== '' && !l.startsWith('progress: '))).toEqual([]);
  }, 30_000);

  it('refuses a bad flag with the usage and exit code 2, and names file:line:column of a broken CSV', async () => {
    const [badFlag, parse] = await Promise.all([
      run(['serve', '--data', dir, '--bogus']),
      run(['refresh', '--data', broken]),
    ]);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/^scene-radar serve: unknown argument: --bogus\nusage: scene-radar serve/);
    expect(parse.code).toBe(1);
    expect(parse.stderr).toContain(`${join(broken, 'events.csv')}:3:17: a quoted cell is never closed`);
  }, 30_000);
});

/** The same command in this process (no child), its output captured: for the cases that need no process of their own. */
async function runHere(args: readonly string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('scene-radar (runCli)', () => {
  it('prints its help and each command usage; refuses a bad value with exit code 2', async () => {
    const overview = await runHere(['--help']);
    expect(overview.code).toBe(0);
    for (const command of ['demo', 'serve', 'refresh', 'backtest', 'openapi'])
      expect(overview.stdout).toContain(`  ${command}`);
    expect((await runHere([])).code).toBe(2);
    for (const command of ['demo', 'serve', 'refresh', 'backtest', 'openapi']) {
      const help = await runHere([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^usage: scene-radar ${command}`));
    }
    const port = await runHere(['serve', '--port', '99999', '--demo']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port must be an integer from 0 to 65535, got "99999"');
    expect((await runHere(['serve'])).stderr).toContain('give --data <dir> (your files) or --demo (the demo world)');
    expect((await runHere(['launch'])).code).toBe(2);
  });

  it('names the file, line and column of an invalid cell, and the place in a broken manifest', async () => {
    const row = await runHere(['refresh', '--data', invalid]);
    expect(row.code).toBe(1);
    expect(row.stderr).toContain(
      `${join(invalid, 'events.csv')}:3: column 4 (weight): weight: expected a number, found "heavy"`,
    );
    const bad = mkdtempSync(join(tmpdir(), 'scene-radar-cli-manifest-'));
    try {
      writeFileSync(join(bad, 'scene-radar.json'), '{\n  "tables": {\n    "events": 12\n  }\n}\n');
      const wrongType = await runHere(['refresh', '--data', bad]);
      expect(wrongType.code).toBe(1);
      expect(wrongType.stderr).toContain(`${join(bad, 'scene-radar.json')}:3:5: tables.events:`);
      writeFileSync(join(bad, 'scene-radar.json'), '{\n  "tables": {,\n}\n');
      const notJson = await runHere(['refresh', '--data', bad]);
      expect(notJson.stderr).toMatch(
        new RegExp(`${join(bad, 'scene-radar.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: not valid JSON`),
      );
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('openapi --out: a folder that does not exist or a folder in the way is a usage mistake (exit 2); the file is written whole', async () => {
    const base = mkdtempSync(join(tmpdir(), 'openapi-out-'));
    try {
      const missing = await runHere(['openapi', '--out', join(base, 'no-such-folder', 'openapi.json')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('does not exist');
      mkdirSync(join(base, 'taken.json'));
      const folder = await runHere(['openapi', '--out', join(base, 'taken.json')]);
      expect(folder.code).toBe(2);
      expect(folder.stderr).toContain('is a folder');
      const file = join(base, 'openapi.json');
      const written = await runHere(['openapi', '--out', file]);
      expect(written.code).toBe(0);
      expect((JSON.parse(readFileSync(file, 'utf8')) as { openapi: string }).openapi).toBe('3.1.0');
      expect(readdirSync(base).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('openapi prints the OpenAPI document as JSON; refresh prints the report', async () => {
    const openapi = await runHere(['openapi']);
    expect(openapi.code).toBe(0);
    const doc = JSON.parse(openapi.stdout) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/talent/pulse', '/api/scenes/{slug}', '/api/health']),
    );
    const refresh = await runHere(['refresh', '--data', dir]);
    expect(refresh.code).toBe(0);
    expect(refresh.stdout).toContain('example label (tables in memory)');
    expect(refresh.stdout).toMatch(/events +3275 rows read, 3275 accepted/);
    expect(refresh.stdout).toMatch(/Refreshed as of 2026-01-01T00:00:00.000Z/);
    expect(refresh.stdout).toMatch(/Scenes Engine: \d+ memberships/);
    const json = JSON.parse((await runHere(['refresh', '--data', dir, '--json'])).stdout) as {
      import: { artists: number };
      refresh: { talent: { artists: number } };
    };
    expect(json.import.artists).toBe(120);
    expect(json.refresh.talent.artists).toBe(120);
  });
});

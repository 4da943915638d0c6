/**
 * Hostile review 148: the `scene-radar` command line (src/cli/, the package's `bin`
 * ./dist/cli.js = src/cli/bin.ts, docs/cli.md, and scripts/openapi.ts, which shares the `openapi`
 * command's text) used as an operator would, with hostile input: unknown commands and flags, flags
 * given twice, `--flag=value` against `--flag value`, missing and empty values, numbers and dates
 * of the wrong shape, paths that are not there or are folders or devices, broken data files (a
 * truncated gzip, a header-only events file), stdout that is closed early or full, Ctrl-C mid-run,
 * `--json` on success and failure, secrets in PostgreSQL URLs, and two commands at once against
 * one PostgreSQL schema. In-process through `runCli` where the process does not matter; a few
 * child processes (the source bin, bundled for this run or through tsx, as tests/cli/ do) where it does.
 *
 * Findings. Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: stdout
 * errors other than EPIPE exit 1 and say so; `--out /dev/stdout` to a reader that left is no failure;
 * an `--out` ending in a slash is a usage mistake; a data problem in `backtest` is exit 1; nothing
 * may follow `--help`/`--version`, and `help <command>` prints its usage; a missing Unix socket is
 * STORE_UNAVAILABLE; `npm run openapi` refuses an unknown flag):
 *  1. stdout on a full disk (`scene-radar openapi > /dev/full`, `refresh --json > report.json`
 *     with the disk full) exits 0 with nothing written and no word: bin.ts:23 swallows every
 *     stdout/stderr 'error', not only the EPIPE of a reader that went away.
 *  2. `openapi --out /dev/stdout | head -c1` exits 1 with "EPIPE: broken pipe, write": the
 *     docs' "a reader that closes stdout early is not a failure" does not hold when stdout is
 *     reached through `--out` (commands.ts:446, writeInto rethrows EPIPE).
 *  3. `openapi --out <missing>.json/` (a trailing slash) exits 1 with a raw ENOENT naming a
 *     temporary file the operator never typed (`<name>/.<pid>.tmp`), not a usage mistake naming
 *     --out (commands.ts:498: dirname(resolve()) drops the trailing slash).
 *  4. `backtest --data <folder whose events file has only its header>` exits 2 and prints the
 *     usage, as if a flag were wrong; docs/cli.md: 2 is for usage mistakes, a data problem is 1
 *     (backtest.ts:128 throws UsageError for a data condition; the message also doubles its
 *     prefix, "scene-radar backtest: backtest: ...").
 *  5. `scene-radar --version --bogus` (and `--help --bogus`, `help serve`) exit 0 and ignore the
 *     rest of the line; every command refuses an unknown argument with exit 2 (index.ts:56-62).
 *  6. `--postgres 'postgres://user:pw@/db?host=/no/such/dir'` (the Unix-socket form the CLI
 *     accepts) fails with the raw "connect ENOENT /no/such/dir/.s.PGSQL.5432": not the
 *     STORE_UNAVAILABLE "PostgreSQL cannot be reached ..." every other unreachable server gets
 *     (adapters/postgres/connection.ts:236, NETWORK_CODES has no ENOENT/EACCES).
 *  7. scripts/openapi.ts (`npm run openapi -- --check`, the CI comparison) takes an unknown flag
 *     (`--chek`, `--check=true`) as "write": it overwrites the target and exits 0
 *     (scripts/openapi.ts:15-16 never refuses an argument).
 *
 * Held (plain tests below): unknown command/flag/`--no-json` exit 2 with the usage on stderr;
 * a flag given twice keeps its last value; `--flag=value` and `--flag value` parse alike; a value
 * that starts with a dash must be inline; integers refuse -1, NaN, 1e3 and 30-digit numbers; an
 * `--as-of` in other date formats or without a zone is refused; `--help` of every command on
 * stdout with exit 0; `--json` failure leaves stdout empty (one diagnostic on stderr, exit 1);
 * a truncated gzip, a folder in place of a table file, NaN/1e999 cells: exit 1 naming the file;
 * a password in `--postgres` is never printed; Ctrl-C during `backtest --out` exits 130 and leaves
 * no report, temporary or backup file; two `refresh --postgres` at once on one schema with
 * different `--as-of` never leave the earlier state over the later one.
 * Not testable here: unreadable files (the review ran as root).
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { tsEntry } from '../helpers/ts-entry.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'src/cli/bin.ts');
const EXAMPLE = join(ROOT, 'examples/backtest-data');
const STACK = /^\s+at /m;

const dir = mkdtempSync(join(tmpdir(), 'hostile-review-148-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const database = fileTestDatabase();

interface Run {
  code: number;
  out: string;
  err: string;
}

/** One command line in-process; stderr without the progress lines. */
async function cli(args: readonly string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.filter((l) => !l.startsWith('progress: ')).join('\n') };
}

/** A folder with the example's artists and the given files. */
function folder(name: string, files: Record<string, string | Buffer>): string {
  const at = join(dir, name);
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, 'artists.csv'), readFileSync(join(EXAMPLE, 'artists.csv')));
  for (const [file, body] of Object.entries(files)) writeFileSync(join(at, file), body);
  return at;
}

/** Runs a child to its end (killed after `limitMs`, reported as signal). */
function child(
  command: string,
  args: readonly string[],
  options: { stdout?: number | 'pipe'; onStderr?: (all: string, kill: (s: NodeJS.Signals) => void) => void } = {},
  limitMs = 25_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    c.stdout?.on('data', (d: Buffer) => (stdout += d));
    c.stderr!.on('data', (d: Buffer) => {
      stderr += d;
      options.onStderr?.(stderr, (s) => c.kill(s));
    });
    const timer = setTimeout(() => c.kill('SIGKILL'), limitMs);
    c.on('error', reject);
    c.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const node = ([entry = BIN, ...rest]: readonly string[]): string[] => [...tsEntry(entry), ...rest];

describe('the argument parser, as an operator mistypes it', () => {
  it('an unknown command, an unknown flag and --no-json: exit 2, the usage on stderr, nothing on stdout', async () => {
    const unknown = await cli(['refrsh', '--demo']);
    expect(unknown.code).toBe(2);
    expect(unknown.out).toBe('');
    expect(unknown.err).toMatch(/^scene-radar: unknown command "refrsh"\nusage: scene-radar <command>/);
    const flag = await cli(['openapi', '--ouput', 'x.json']);
    expect([flag.code, flag.out]).toEqual([2, '']);
    expect(flag.err).toMatch(/^scene-radar openapi: unknown argument: --ouput\nusage: scene-radar openapi/);
    const negated = await cli(['refresh', '--demo', '--no-json']);
    expect([negated.code, negated.err.split('\n')[0]]).toEqual([2, 'scene-radar refresh: unknown argument: --no-json']);
  });

  it('--flag=value and --flag value parse alike; a flag given twice keeps its last value', async () => {
    const spaced = await cli(['openapi', '--base-path', '/one', '--base-path', '/v2']);
    const inline = await cli(['openapi', '--base-path=/one', '--base-path=/v2']);
    expect(spaced.code).toBe(0);
    expect(inline.out).toBe(spaced.out);
    const doc = JSON.parse(spaced.out) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/v2/'))).toBe(true);
  });

  it('missing, empty and dash-leading values, and numbers of the wrong shape: exit 2 naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['serve', '--demo', '--port'], /--port needs a value$/],
      [['serve', '--demo', '--port='], /--port needs a value \(it is empty\)/],
      [['serve', '--demo', '--port', '-1'], /--port needs a value \(write --port=-1 if that is it\)/],
      [['serve', '--demo', '--port=-1'], /--port must be an integer from 0 to 65535, got "-1"/],
      [['serve', '--demo', '--port', 'NaN'], /--port must be an integer/],
      [['serve', '--demo', '--port', '999999999999999999999999999999'], /--port must be an integer/],
      [['demo', '--seed', '1e3'], /--seed must be an integer/],
      [['demo', '--artists', '0'], /--artists must be an integer from 1 to 100000/],
      [['backtest', '--data', EXAMPLE, '--horizon', '731'], /--horizon must be an integer from 1 to 730/],
      [['openapi', '--help=yes'], /--help takes no value/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(args);
      expect({ args, code: run.code, out: run.out }).toEqual({ args, code: 2, out: '' });
      expect(run.err.split('\n')[0]).toMatch(message);
      expect(run.err).toContain('usage: scene-radar ');
    }
  });

  it('an --as-of in another format, without a zone, or a day that does not exist: exit 2 naming --as-of', async () => {
    for (const asOf of [
      '12/31/2025',
      '2025-12-31 10:00:00Z',
      '2025-12-31T10:00:00',
      '2025-02-30',
      '31-12-2025',
      'yesterday',
    ]) {
      const run = await cli(['refresh', '--demo', '--artists', '1', '--as-of', asOf]);
      expect({ asOf, code: run.code }).toEqual({ asOf, code: 2 });
      expect(run.err.split('\n')[0]).toMatch(/--as-of must be 'now', a day YYYY-MM-DD or an ISO 8601 instant/);
    }
    const backtest = await cli(['backtest', '--data', EXAMPLE, '--from', '2024/01/01']);
    expect([backtest.code, backtest.err.split('\n')[0]]).toEqual([
      2,
      'scene-radar backtest: --from must be a day YYYY-MM-DD in the years 1000-9999',
    ]);
  });

  it('--help of every command: its usage on stdout, exit 0, nothing on stderr', async () => {
    for (const command of ['demo', 'serve', 'refresh', 'backtest', 'openapi']) {
      for (const flag of ['--help', '-h']) {
        const run = await cli([command, flag]);
        expect({ command, flag, code: run.code, err: run.err }).toEqual({ command, flag, code: 0, err: '' });
        expect(run.out).toMatch(new RegExp(`^usage: scene-radar ${command}`));
      }
    }
  });

  it('FAULT: `--version --bogus` exits 2 naming --bogus, as every command refuses an unknown argument (today: exit 0, the version printed, the rest ignored)', async () => {
    const run = await cli(['--version', '--bogus']);
    expect(run.code).toBe(2);
    expect(run.err).toContain('--bogus');
  });
});

describe('data files an operator should not have', () => {
  it('a truncated gzip, a folder in place of a table file, NaN and 1e999 cells: exit 1 naming the file, one message, no stack', async () => {
    const gz = gzipSync(readFileSync(join(EXAMPLE, 'events.csv')));
    const cases: [Record<string, string | Buffer>, RegExp][] = [
      [{ 'events.csv.gz': gz.subarray(0, 3000) }, /events\.csv\.gz: not valid gzip data \(unexpected end of file\)/],
      [{ 'events.csv.gz': readFileSync(join(EXAMPLE, 'events.csv')) }, /events\.csv\.gz: not valid gzip data/],
      [
        { 'events.csv': 'artist,id,type,at,weight,region\nlycy-draka,,playlist_add,2024-01-01T00:00:00Z,NaN,gb\n' },
        /events\.csv:2: column 5 \(weight\): weight: expected a number, found "NaN"/,
      ],
      [
        { 'events.csv': 'artist,id,type,at,weight,region\nlycy-draka,,playlist_add,12/31/2024,1,gb\n' },
        /events\.csv:2: column 4 \(at\)/,
      ],
    ];
    let i = 0;
    for (const [files, message] of cases) {
      const run = await cli(['refresh', '--json', '--data', folder(`bad-${i++}`, files)]);
      expect({ files: Object.keys(files), code: run.code, out: run.out }).toEqual({
        files: Object.keys(files),
        code: 1,
        out: '',
      });
      expect(run.err).toMatch(message);
      expect(run.err).not.toMatch(STACK);
    }
    const withFolder = folder('dir-in-place', {});
    mkdirSync(join(withFolder, 'events.csv'));
    const run = await cli(['refresh', '--data', withFolder]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/events\.csv: EISDIR/);
  });

  it('FAULT: backtest over an events file with only its header is a failed run (exit 1), not a usage mistake with the usage printed (today: exit 2 and the usage)', async () => {
    const run = await cli([
      'backtest',
      '--data',
      folder('header-only', { 'events.csv': 'artist,id,type,at,weight,region\n' }),
    ]);
    expect(run.err).toMatch(/the events table has no events/);
    expect(run.code).toBe(1);
    expect(run.err).not.toContain('usage: scene-radar backtest');
  });
});

describe('output paths', () => {
  it('FAULT: openapi --out <missing name>/ (a trailing slash) is a usage mistake naming --out (today: exit 1, a raw ENOENT on "<name>/.<pid>.tmp")', async () => {
    const target = join(dir, 'not-there.json/');
    const run = await cli(['openapi', '--out', target]);
    expect(run.err).not.toMatch(/\.tmp/);
    expect(run.code).toBe(2);
    expect(run.err.split('\n')[0]).toMatch(/^scene-radar openapi: --out/);
  });
});

describe('stdout that is closed early or full (the bin in a child process)', () => {
  it('FAULT: stdout on a full disk is a failure: exit 1 saying so (today: exit 0, nothing written, no word)', async () => {
    expect(existsSync('/dev/full')).toBe(true);
    const fd = openSync('/dev/full', 'w');
    try {
      const run = await child(process.execPath, node([BIN, 'openapi']), { stdout: fd });
      expect(run.signal).toBe(null);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/ENOSPC|no space/i);
      expect(run.stderr).not.toMatch(STACK);
    } finally {
      closeSync(fd);
    }
  });

  it('FAULT: `openapi --out /dev/stdout | head -c1` is not a failure, as `openapi | head` is not (today: exit 1, "EPIPE: broken pipe, write")', async () => {
    // A real pipe (Node's own child stdio is a socket, which --out refuses): bash reports the exit code.
    const script = `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(BIN)} openapi --out /dev/stdout | head -c1 >/dev/null; echo "rc=\${PIPESTATUS[0]}" >&2`;
    const run = await child('bash', ['-c', script]);
    expect(run.stderr).toMatch(/rc=\d+/);
    expect(run.stderr).not.toMatch(/EPIPE/);
    expect(run.stderr).toMatch(/rc=0\b/);
  });

  it('Ctrl-C while backtest --out runs: exit 130, "interrupted", no report, temporary or backup file left', async () => {
    const outDir = join(dir, 'interrupted');
    mkdirSync(outDir);
    let sent = false;
    const run = await child(
      process.execPath,
      node([BIN, 'backtest', '--data', EXAMPLE, '--out', join(outDir, 'r.md')]),
      {
        // The import is done, the backtest (about a second) has begun.
        onStderr: (all, kill) => {
          if (!sent && all.includes('progress: import build')) {
            sent = true;
            kill('SIGINT');
          }
        },
      },
    );
    expect(sent).toBe(true);
    expect([run.code, run.signal]).toEqual([130, null]);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('progress: '))).toEqual([
      'scene-radar backtest: interrupted',
    ]);
    expect(readdirSync(outDir)).toEqual([]);
  });
});

describe('scripts/openapi.ts (npm run openapi, the CI check over the same text)', () => {
  it('FAULT: an unknown flag (--chek) is refused and nothing is written (today: the target is overwritten, exit 0)', async () => {
    const target = join(dir, 'chek.json');
    const run = await child(process.execPath, node(['scripts/openapi.ts', '--chek', target]));
    expect(existsSync(target)).toBe(false);
    expect(run.code).toBe(2);
  });
});

describe('PostgreSQL from the command line', () => {
  it('a password in --postgres is never printed: a refused login and a server out of reach, exit 1', async () => {
    const secret = 'S3cretPW148';
    for (const url of [
      `postgres://postgres:${secret}@127.0.0.1:5432/no_such_db_148`,
      `postgres://postgres:${secret}@127.0.0.1:1/test`,
    ]) {
      const run = await cli(['refresh', '--demo', '--artists', '1', '--json', '--postgres', url]);
      expect({ code: run.code, out: run.out }).toEqual({ code: 1, out: '' });
      expect(run.err).toMatch(/\(STORE_UNAVAILABLE\)$/);
      expect(run.err).not.toContain(secret);
      expect(run.err.split('\n')).toHaveLength(1);
    }
  });

  it('FAULT: a Unix-socket URL whose folder has no server is "PostgreSQL cannot be reached" (STORE_UNAVAILABLE) like any server out of reach (today: the raw "connect ENOENT .../.s.PGSQL.5432")', async () => {
    const run = await cli([
      'refresh',
      '--demo',
      '--artists',
      '1',
      '--postgres',
      `postgres://postgres:S3cretPW148@/test?host=${join(dir, 'no-server')}`,
    ]);
    expect(run.code).toBe(1);
    expect(run.err).not.toContain('S3cretPW148');
    expect(run.err).toMatch(/PostgreSQL cannot be reached .*\(STORE_UNAVAILABLE\)$/);
  });

  it('two refreshes at once on one schema, a later and an earlier --as-of: the later state stands, the earlier one is refused or ran first', async () => {
    const db = await database();
    const schema = db.schemaName();
    const args = (asOf: string, artists: string) => [
      'refresh',
      '--demo',
      '--artists',
      artists,
      '--as-of',
      asOf,
      '--json',
      '--postgres',
      TEST_DATABASE_URL,
      '--schema',
      schema,
    ];
    const [earlier, later] = await Promise.all([cli(args('2026-10-01', '40')), cli(args('2026-11-01', '10'))]);
    expect(later.code).toBe(0);
    expect((JSON.parse(later.out) as { refresh: { talent: { asOf: string } } }).refresh.talent.asOf).toBe(
      '2026-11-01T00:00:00.000Z',
    );
    if (earlier.code === 0) JSON.parse(earlier.out);
    else {
      expect(earlier.code).toBe(1);
      expect(earlier.out).toBe('');
      expect(earlier.err).toMatch(/\(SCENES_INVALID_PARAMS\)$/);
    }
    const state = await db.pool.query<{ talent: string; scenes: string }>(
      `SELECT (SELECT value->>'asOf' FROM "${schema}".talent_radar_state) AS talent, (SELECT value->>'asOf' FROM "${schema}".scenes_state) AS scenes`,
    );
    expect(state.rows[0]).toEqual({ talent: '2026-11-01T00:00:00.000Z', scenes: '2026-11-01T00:00:00.000Z' });
  });
});

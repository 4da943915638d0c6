/**
 * Hostile review of what a new user runs first (`npm run demo`, the host examples, `npm run serve`,
 * `npm run migrate`), run as a user runs them, in child processes: a mistake on the command line,
 * a port in use or a database that refuses the connection is one line naming it (never a stack
 * trace), and the demo runs at the edge of its options (`--artists 1`). The PostgreSQL cases need
 * the local test server (tests/helpers/postgres.ts): without it they fail, never skip.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type MigrateIo, runMigrate } from '../scripts/migrate.js';
import { TEST_DATABASE_URL } from './helpers/postgres.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

/** Runs a repository script with tsx; resolves with its exit code and output whatever the code. */
function run(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      tsx,
      [script, ...args],
      {
        cwd: root,
        timeout: 60_000,
        env: { ...process.env, SCENE_RADAR_POSTGRES_URL: '', SCENE_RADAR_POSTGRES_SCHEMA: '', PORT: '', ...env },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A stack frame line, as Node prints an uncaught error. */
const STACK = /^\s+at /m;

/** A URL of the test server with a role that does not exist. */
const unknownRoleUrl = (): string => {
  const url = new URL(TEST_DATABASE_URL);
  url.username = 'scene_radar_no_such_role';
  url.password = '';
  return url.href;
};

describe('npm run demo at the edges of its options', () => {
  it.each([
    [['--artists', '0'], 'demo: --artists must be an integer from 1 to 100000, got "0"'],
    [['--artists', 'abc'], 'demo: --artists must be an integer from 1 to 100000, got "abc"'],
    [['--seed', 'x'], 'demo: --seed must be an integer, got "x"'],
    [['--end', 'nope'], 'demo: --end must be a day, YYYY-MM-DD, got "nope"'],
    [['--bogus'], "demo: Unknown option '--bogus'"],
    [['--artists', '5', '--scene', 'no-such-scene'], 'demo: --scene no-such-scene is not a scene of the demo world'],
    [['--artists', '5', '--artist', 'no-such-artist'], 'demo: --artist no-such-artist is not an artist'],
    [['--artists', '5', '--region', 'zz'], 'demo: --region zz has no scenes'],
  ])(
    '%j exits 2 with one line and the usage, no stack trace',
    async (args, message) => {
      const { code, stderr } = await run('examples/demo.ts', ['--end', '2026-06-30', ...args]); // the last --end wins
      expect(stderr).toContain(message);
      expect(stderr).toContain('usage: npm run demo --');
      expect(stderr).not.toMatch(STACK);
      expect(code).toBe(2);
    },
    60_000,
  );

  it('runs on a world of one artist (no rising artist to profile)', async ({ expect }) => {
    const { code, stdout, stderr } = await run('examples/demo.ts', ['--artists', '1', '--end', '2026-06-30']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Artist profile: [a-z0-9-]+ \(truth: /);
  }, 60_000);
});

describe('the host examples from the command line', () => {
  it('a bad --port or --artists exits 2 with one line, no stack trace', async ({ expect }) => {
    for (const args of [['--port', '99999'], ['--artists', 'abc'], ['--bogus']]) {
      const { code, stderr } = await run('examples/hono.ts', args, { SCENE_RADAR_DEMO_ARTISTS: '5' });
      expect(stderr).toMatch(/^hono example: /);
      expect(stderr).not.toMatch(STACK);
      expect(code).toBe(2);
    }
  }, 60_000);

  it('a port in use exits 1 naming the port, no stack trace', async ({ expect }) => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const { code, stderr } = await run('examples/express.ts', ['--port', String(port)], {
        SCENE_RADAR_DEMO_ARTISTS: '5',
      });
      expect(stderr).toContain(`express example: 127.0.0.1:${port} is in use; pick another --port`);
      expect(stderr).not.toMatch(STACK);
      expect(code).toBe(1);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  }, 60_000);
});

describe('a database that refuses the connection', () => {
  it('npm run migrate: exits 1 with the server reason, not a stack trace', async ({ expect }) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: MigrateIo = { env: {}, log: (l) => out.push(l), error: (l) => err.push(l) };
    expect(await runMigrate(['--postgres', unknownRoleUrl()], io)).toBe(1);
    expect(err.join('\n')).toMatch(
      /^migrate: PostgreSQL refused \(SQLSTATE 28000\): role "scene_radar_no_such_role" does not exist/,
    );
  }, 60_000);

  it('npm run serve: exits 1 with the server reason, not a stack trace', async ({ expect }) => {
    const { code, stderr } = await run('scripts/serve.ts', [
      '--artists',
      '1',
      '--port',
      '0',
      '--postgres',
      unknownRoleUrl(),
    ]);
    expect(stderr).toContain(
      'serve: PostgreSQL refused (SQLSTATE 28000): role "scene_radar_no_such_role" does not exist',
    );
    expect(stderr).not.toMatch(STACK);
    expect(code).toBe(1);
  }, 60_000);
});

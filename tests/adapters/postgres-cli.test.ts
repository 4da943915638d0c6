/**
 * The commands on PostgreSQL, against the local server in fresh schemas of this file:
 * `npm run demo -- --postgres <url> --schema <name>` (a child process, as a user runs it) writes
 * the owned tables and says where they live; `npm run migrate` applies the migrations once, a second
 * run applies nothing, and a mistake on its command line exits 2 with the usage; `npm run serve`
 * with `--postgres` serves from the tables and ends its pool on close. A server that cannot be
 * reached fails these tests: nothing here skips.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { POSTGRES_MIGRATIONS, POSTGRES_SCHEMA_VERSION } from 'scene-radar/adapters/postgres';
import { postgresTarget, UsageError } from '../../scripts/command-line.js';
import { type MigrateIo, parseMigrateArgs, runMigrate } from '../../scripts/migrate.js';
import { parseServeArgs, start as startServe } from '../../scripts/serve.js';
import { fileTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../helpers/postgres.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

let db: TestDatabase;
// Awaited by every test that needs the server, so each one FAILS (never skips) without it.
const database = fileTestDatabase();
const connected = async (): Promise<TestDatabase> => {
  db = await database();
  return db;
};

/** Runs a repository script with tsx; resolves with its exit code and output whatever the code. */
function run(script: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      tsx,
      [script, ...args],
      // No SCENE_RADAR_POSTGRES_* from the caller's environment: the flags say it all.
      {
        cwd: root,
        timeout: 60_000,
        env: { ...process.env, SCENE_RADAR_POSTGRES_URL: '', SCENE_RADAR_POSTGRES_SCHEMA: '' },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const count = async (schema: string, table: string): Promise<number> =>
  Number((await db.pool.query(`SELECT count(*)::integer AS n FROM "${schema}"."${table}"`)).rows[0]?.n);
const versions = async (schema: string): Promise<number[]> =>
  (await db.pool.query(`SELECT version FROM "${schema}".scene_radar_migrations ORDER BY version`)).rows.map((r) =>
    Number(r.version),
  );

// Concurrent: the child processes overlap, so the file takes about as long as the demo alone.
describe.concurrent('npm run demo -- --postgres', () => {
  it('runs the demo on a fresh schema, migrating it, and leaves the tables it printed in PostgreSQL', async ({
    expect,
  }) => {
    await connected();
    const schema = db.schemaName();
    const { code, stdout, stderr } = await run('examples/demo.ts', [
      '--artists',
      '60',
      '--end',
      '2026-11-24',
      '--postgres',
      TEST_DATABASE_URL,
      '--schema',
      schema,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(
      `tables: PostgreSQL schema "${schema}" at postgres@127.0.0.1:5432/test (migrated, schema version ${POSTGRES_SCHEMA_VERSION})`,
    );
    expect(await versions(schema)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    // What the demo printed is what the tables hold.
    const scenes = /catalog: (\d+) scenes and (\d+) microgenres/.exec(stdout);
    const engine = /Scenes Engine: (\d+) memberships of (\d+) artists, (\d+) relationships/.exec(stdout);
    const backfill = /(\d+) daily snapshots backfilled/.exec(stdout);
    const talent = /Talent Radar: (\d+) of (\d+) artists scored/.exec(stdout);
    expect(scenes && engine && backfill && talent).toBeTruthy();
    expect(await count(schema, 'scenes')).toBe(Number(scenes![1]));
    expect(await count(schema, 'microgenres')).toBe(Number(scenes![2]));
    expect(await count(schema, 'scene_memberships')).toBe(Number(engine![1]));
    expect(await count(schema, 'scene_relationships')).toBe(Number(engine![3]));
    expect(await count(schema, 'scene_trends')).toBeGreaterThanOrEqual(Number(backfill![1]));
    expect(Number(backfill![1])).toBeGreaterThan(0);
    expect(await count(schema, 'talent_radar_artists')).toBe(Number(talent![2]));
    expect(Number(talent![2])).toBe(60);
  }, 60_000);
});

describe.concurrent('npm run migrate', () => {
  it('applies the migrations once and prints the version before and after; a second run applies nothing', async ({
    expect,
  }) => {
    await connected();
    const schema = db.schemaName();
    const args = ['--postgres', TEST_DATABASE_URL, '--schema', schema];
    const first = await run('scripts/migrate.ts', args);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Migrating PostgreSQL schema "${schema}" at postgres@127.0.0.1:5432/test`);
    expect(first.stdout).toContain(
      `schema "${schema}": version 0 -> ${POSTGRES_SCHEMA_VERSION} (applied ${POSTGRES_MIGRATIONS.map((m) => m.version).join(', ')})`,
    );
    const second = await run('scripts/migrate.ts', args);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(
      `schema "${schema}": version ${POSTGRES_SCHEMA_VERSION} -> ${POSTGRES_SCHEMA_VERSION} (already current, nothing to apply)`,
    );
    expect(await versions(schema)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    expect(await count(schema, 'scenes')).toBe(0);
  }, 60_000);

  it('exits 2 with the usage on a mistake, and 1 with the reason when the server cannot be reached', async ({
    expect,
  }) => {
    const lines = (): { out: string[]; err: string[]; io: MigrateIo } => {
      const out: string[] = [];
      const err: string[] = [];
      return { out, err, io: { env: {}, log: (l) => out.push(l), error: (l) => err.push(l) } };
    };
    const usage = lines();
    expect(await runMigrate([], usage.io)).toBe(2);
    expect(usage.err.join('\n')).toContain('migrate: --postgres <url> is required (or set SCENE_RADAR_POSTGRES_URL)');
    expect(usage.err.join('\n')).toContain('usage: npm run migrate -- --postgres <url> [--schema <name>]');
    const refused = lines();
    expect(await runMigrate(['--postgres', 'postgres://postgres:secret@127.0.0.1:1/test'], refused.io)).toBe(1);
    expect(refused.err.join('\n')).toContain('migrate: STORE_UNAVAILABLE: PostgreSQL cannot be reached (ECONNREFUSED)');
    expect([...refused.out, ...refused.err].join('\n')).not.toContain('secret');
    expect(refused.out).toEqual([
      `Migrating PostgreSQL schema "public" at postgres@127.0.0.1:1/test to version ${POSTGRES_SCHEMA_VERSION}...`,
    ]);
  });

  it('parses its command line through parseCommandLine: every mistake a UsageError naming the flag or variable', ({
    expect,
  }) => {
    const url = 'postgres://postgres@127.0.0.1:5432/test';
    expect(parseMigrateArgs(['--postgres', url, '--schema', 'radar'], {})).toEqual({
      postgres: { url, schema: 'radar' },
      help: false,
    });
    expect(parseMigrateArgs([], { SCENE_RADAR_POSTGRES_URL: url, SCENE_RADAR_POSTGRES_SCHEMA: 'r2' })).toEqual({
      postgres: { url, schema: 'r2' },
      help: false,
    });
    expect(parseMigrateArgs(['--help'], {})).toEqual({ postgres: undefined, help: true });
    expect(() => parseMigrateArgs([], {})).toThrow(UsageError);
    expect(() => parseMigrateArgs(['--postgres'], {})).toThrow(/--postgres needs a value/);
    expect(() => parseMigrateArgs(['--schema', 'radar'], {})).toThrow(/--schema needs --postgres <url>/);
    expect(() => parseMigrateArgs(['--postgres', 'http://host/db'], {})).toThrow(
      /--postgres must be a URL like postgres:\/\/user@host:5432\/database/,
    );
    expect(() => parseMigrateArgs(['--postgres', 'postgres://u:pw@/db'], {})).toThrow(UsageError);
    expect(() => parseMigrateArgs([], { SCENE_RADAR_POSTGRES_URL: 'nonsense' })).toThrow(
      /SCENE_RADAR_POSTGRES_URL must be a URL/,
    );
    expect(() => parseMigrateArgs(['--postgres', url, '--schema', 'x'.repeat(64)], {})).toThrow(
      /--schema must be a schema name of 1 to 63 characters/,
    );
    expect(() => parseMigrateArgs(['--bogus'], {})).toThrow(/unknown argument: --bogus/);
    // The value, which may hold a password, is never repeated.
    expect(() => postgresTarget({ postgres: 'mysql://u:hunter2@h/db' }, {})).toThrow(/^(?!.*hunter2)/);
  });
});

describe.concurrent('npm run serve -- --postgres', () => {
  it('takes --postgres / --schema or their environment variables, and nothing without them', ({ expect }) => {
    const url = 'postgres://postgres@127.0.0.1:5432/test';
    expect(parseServeArgs([], {}).postgres).toBeUndefined();
    expect(parseServeArgs(['--postgres', url, '--schema', 'radar'], {}).postgres).toEqual({ url, schema: 'radar' });
    expect(parseServeArgs([], { SCENE_RADAR_POSTGRES_URL: url }).postgres).toEqual({ url });
    expect(parseServeArgs(['--postgres', url], { SCENE_RADAR_POSTGRES_URL: 'postgres://other/db' }).postgres).toEqual({
      url,
    });
    expect(() => parseServeArgs(['--schema', 'radar'], {})).toThrow(/--schema needs --postgres <url>/);
    expect(() => parseServeArgs([], { SCENE_RADAR_POSTGRES_SCHEMA: 'radar' })).toThrow(
      /SCENE_RADAR_POSTGRES_SCHEMA needs --postgres <url>/,
    );
  });

  it('serves the demo radar from PostgreSQL tables, and close() ends the pool', async ({ expect }) => {
    await connected();
    const schema = db.schemaName();
    const running = await startServe({ artists: 40, postgres: { url: TEST_DATABASE_URL, schema } });
    try {
      expect(running.tables).toBe(
        `PostgreSQL schema "${schema}" at postgres@127.0.0.1:5432/test (migrated, schema version ${POSTGRES_SCHEMA_VERSION})`,
      );
      const res = await fetch(`${running.url}/api/talent/artists/${running.artistSlug}`);
      expect(res.status).toBe(200);
      expect(await count(schema, 'talent_radar_artists')).toBe(40);
    } finally {
      await running.close();
    }
    // The pool was ended: no session whose last statement named the schema is left on the server
    // (the server may take a moment to notice a closed connection).
    const sessions = async (): Promise<number> =>
      Number(
        (
          await db.pool.query(
            'SELECT count(*)::integer AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE $1',
            [`%"${schema}"%`],
          )
        ).rows[0]?.n,
      );
    let left = await sessions();
    for (let i = 0; i < 20 && left > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      left = await sessions();
    }
    expect(left).toBe(0);
  }, 60_000);
});

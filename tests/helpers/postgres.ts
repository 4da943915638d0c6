/**
 * The local PostgreSQL server the adapter tests run against (127.0.0.1:5432, trust auth, database
 * `test`; `SCENE_RADAR_TEST_DATABASE_URL` overrides it). Each test file works in schemas of its own,
 * with a random name, dropped afterwards, so runs never collide. A server that cannot be reached
 * fails the tests: nothing here skips.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';

/** The test database. */
export const TEST_DATABASE_URL = process.env.SCENE_RADAR_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A pool on the test database and a factory of fresh schema names, all dropped by `drop()`. */
export interface TestDatabase {
  readonly pool: pg.Pool;
  /** A fresh schema name (not created: `migrate` creates it). */
  schemaName(): string;
  /** Drops every schema named by `schemaName` and ends the pool. */
  drop(): Promise<void>;
}

/** Connects to the test database; rejects (failing the file's tests) if the server cannot be reached. */
export async function testDatabase(): Promise<TestDatabase> {
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000, max: 4 });
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new Error(
      `the PostgreSQL tests need a server at ${TEST_DATABASE_URL} (start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start): ${String(e)}`,
    );
  }
  const prefix = `sr_test_${randomBytes(4).toString('hex')}`;
  const names: string[] = [];
  return {
    pool,
    schemaName() {
      const name = `${prefix}_${names.length}`;
      names.push(name);
      return name;
    },
    async drop() {
      try {
        for (const name of names) await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      } finally {
        await pool.end();
      }
    },
  };
}

/**
 * The test database of one test file: connected on first use, so every test that awaits it fails
 * (never skips) without the server, and dropped after the file.
 */
export function fileTestDatabase(): () => Promise<TestDatabase> {
  let setup: Promise<TestDatabase> | undefined;
  afterAll(async () => {
    await (await setup?.catch(() => undefined))?.drop();
  });
  return () => {
    setup ??= testDatabase();
    return setup;
  };
}

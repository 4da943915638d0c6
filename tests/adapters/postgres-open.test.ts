/**
 * `openPostgresStores` (create, check or migrate, and close the adapter's own pool when that
 * fails) and `describePostgres` (where a database is, never its password), against the local
 * server: the CLI, `npm run demo`, `npm run serve` and `npm run migrate` open and print their
 * databases through these two.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSceneRadarError } from 'scene-radar';
import { describePostgres, openPostgresStores } from 'scene-radar/adapters/postgres';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';

const database = fileTestDatabase();

/** The test database's URL with an application name, to find its connections in `pg_stat_activity`. */
function tagged(): { url: string; name: string } {
  const name = `sr_open_${randomBytes(4).toString('hex')}`;
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('application_name', name);
  return { url: url.toString(), name };
}

async function connectionsOf(name: string): Promise<number> {
  const { pool } = await database();
  // A closed connection leaves pg_stat_activity shortly after the client ends it.
  for (let i = 0; i < 50; i++) {
    const { rows } = await pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1',
      [name],
    );
    if (Number(rows[0]!.n) === 0) return 0;
    await new Promise((r) => setTimeout(r, 20));
  }
  const { rows } = await pool.query<{ n: string }>(
    'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1',
    [name],
  );
  return Number(rows[0]!.n);
}

describe('openPostgresStores', () => {
  it('with migrate: a fresh schema is created, checked and usable when it resolves', async () => {
    const schema = (await database()).schemaName();
    const stores = await openPostgresStores({ connectionString: TEST_DATABASE_URL }, { migrate: true, schema });
    try {
      expect(stores.schema).toBe(schema);
      expect(await stores.scenes.scenes.scan()).toEqual([]);
    } finally {
      await stores.close();
    }
  });

  it('a schema never migrated rejects with STORE_SCHEMA_MISMATCH, and the pool it opened is closed', async () => {
    const schema = (await database()).schemaName();
    const { url, name } = tagged();
    const error = await openPostgresStores({ connectionString: url }, { schema }).catch((e: unknown) => e);
    expect(isSceneRadarError(error) && error.code).toBe('STORE_SCHEMA_MISMATCH');
    expect(await connectionsOf(name)).toBe(0);
  });

  it('a server that cannot be reached rejects with STORE_UNAVAILABLE', async () => {
    const error = await openPostgresStores({
      connectionString: 'postgres://postgres@127.0.0.1:1/test',
      connectionTimeoutMillis: 2000,
    }).catch((e: unknown) => e);
    expect(isSceneRadarError(error) && error.code).toBe('STORE_UNAVAILABLE');
  });
});

describe('describePostgres', () => {
  it('names user, host, port, database and schema, never the password or the query string', () => {
    const text = describePostgres('postgres://app:s3cret@db.internal:6543/radar?sslmode=require&password=x', 'radar');
    expect(text).toBe('PostgreSQL schema "radar" at app@db.internal:6543/radar');
    expect(text).not.toContain('s3cret');
  });

  it('a connection string that is not a URL is not repeated (any part of it may be a secret)', () => {
    const text = describePostgres('host=/var/run/postgresql password=s3cret dbname=radar');
    expect(text).toBe('PostgreSQL schema "public" at the configured server');
  });
});

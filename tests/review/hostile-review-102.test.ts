/**
 * Hostile review 102: the PostgreSQL schema lifecycle as a production host lives it, against the
 * local server (127.0.0.1:5432, database `test`), in schemas of this file only (`hr102_<random>`,
 * dropped after it). A fresh schema (odd names included), a second run, two instances at once (the
 * advisory lock), a migration that fails halfway or is cut off, a schema a newer release migrated,
 * host tables of the same names, stores over a schema never migrated, connection strings that are
 * wrong and servers that refuse, and a pool ended while a migration runs.
 *
 * The contracts: `migrate()` "Fails with `STORE_SCHEMA_MISMATCH` when the schema is newer than this
 * code, and `STORE_UNAVAILABLE` when the server cannot be reached" (adapters/postgres/migrate.ts);
 * the adapter turns "a failure to reach the server" into `STORE_UNAVAILABLE` "instead of a driver
 * error or a hang" (adapters/postgres/connection.ts); `STORE_SCHEMA_MISMATCH` "also means the schema
 * holds something else than scene-radar's migrations made" (docs/persistence.md, Migrate);
 * `npm run migrate` exits "1 not possible (server unreachable, ...)" and prints
 * `migrate: STORE_UNAVAILABLE: ...` (docs/persistence.md), and "Anything else is a bug: thrown"
 * (scripts/migrate.ts). Tests named "FAULT:" failed, for the reason they state, on the code they were
 * written against (fixed in the same commit).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStores, migrate, POSTGRES_SCHEMA_VERSION } from '../../adapters/postgres/index.js';
import { runMigrate } from '../../scripts/migrate.js';
import { isSceneRadarError } from '../../src/core/errors.js';
import { TEST_DATABASE_URL } from '../helpers/postgres.js';

const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 4 });
admin.on('error', () => undefined);
const prefix = `hr102_${randomBytes(3).toString('hex')}`;
const schemas: string[] = [];
/** A fresh schema name of this file (not created), dropped after it; `extra` may hold odd characters. */
const freshSchema = (extra = ''): string => {
  const schema = `${prefix}_${schemas.length}${extra}`;
  schemas.push(schema);
  return schema;
};
const q = (name: string): string => `"${name.replaceAll('"', '""')}"`;
afterAll(async () => {
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${q(s)} CASCADE`);
  await admin.end();
});

/** The first key of the migration lock (docs/persistence.md: `pg_advisory_lock(0x7363656e, hashtext(schema))`). */
const LOCK_CLASS = 0x7363_656e;

interface Rejection {
  readonly kind: 'rejected';
  readonly error: unknown;
  readonly code: string | undefined;
  readonly message: string;
  readonly scene: boolean;
}
type Outcome<T> = { readonly kind: 'resolved'; readonly value: T } | Rejection | { readonly kind: 'still pending' };

/** How `p` settles within `ms` (a hang shows as 'still pending', never as a stalled test). */
async function settle<T>(p: Promise<T>, ms = 8_000): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<Outcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'still pending' }), ms);
  });
  const done = p.then(
    (value): Outcome<T> => ({ kind: 'resolved', value }),
    (error: unknown): Outcome<T> => ({
      kind: 'rejected',
      error,
      code: (error as { code?: unknown } | null)?.code as string | undefined,
      message: String((error as { message?: unknown } | null)?.message ?? error),
      scene: isSceneRadarError(error),
    }),
  );
  try {
    return await Promise.race([done, pending]);
  } finally {
    clearTimeout(timer);
  }
}

const schemaExists = async (schema: string): Promise<boolean> =>
  (await admin.query('SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS e', [schema])).rows[0].e;

/** The tables of `schema`, sorted. */
const tablesOf = async (schema: string): Promise<string[]> =>
  (
    await admin.query('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename COLLATE "C"', [schema])
  ).rows.map((r) => r.tablename as string);

/** The versions recorded in `schema` ([] without a migrations table). */
const recorded = async (schema: string): Promise<number[]> => {
  if (!(await tablesOf(schema)).includes('scene_radar_migrations')) return [];
  return (await admin.query(`SELECT version FROM ${q(schema)}.scene_radar_migrations ORDER BY version`)).rows.map((r) =>
    Number(r.version),
  );
};

const ALL = Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1);

/** A fresh pool on the test database for one test (a host's pool), ended by the caller. */
const hostPool = (): pg.Pool => {
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 3, connectionTimeoutMillis: 5_000 });
  pool.on('error', () => undefined);
  return pool;
};

/** `runMigrate` with its lines captured. */
async function cli(argv: string[]): Promise<{ outcome: Outcome<0 | 1 | 2>; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const outcome = await settle(
    runMigrate(argv, { env: {}, log: (l) => out.push(l), error: (l) => err.push(l) }),
    10_000,
  );
  return { outcome, out, err };
}

describe('a fresh schema, then again: idempotent, odd names quoted', () => {
  it('a name with upper case, a space and a double quote migrates 0 -> 3, then 3 -> 3 applying nothing, through the CLI and migrate()', {
    timeout: 25_000,
  }, async () => {
    const schema = freshSchema(' Radar "Q"');
    const first = await cli(['--postgres', TEST_DATABASE_URL, '--schema', schema]);
    expect(first.outcome).toEqual({ kind: 'resolved', value: 0 });
    expect(first.out.at(-1)).toBe(
      `schema "${schema}": version 0 -> ${POSTGRES_SCHEMA_VERSION} (applied ${ALL.join(', ')})`,
    );
    const second = await cli(['--postgres', TEST_DATABASE_URL, '--schema', schema]);
    expect(second.outcome).toEqual({ kind: 'resolved', value: 0 });
    expect(second.out.at(-1)).toContain('(already current, nothing to apply)');
    const third = await migrate({ connectionString: TEST_DATABASE_URL, schema });
    expect(third).toEqual({ schema, from: POSTGRES_SCHEMA_VERSION, to: POSTGRES_SCHEMA_VERSION, applied: [] });
    // Exactly that schema, case and quote kept; not a lower-cased or unquoted twin.
    expect(await schemaExists(schema)).toBe(true);
    expect(await schemaExists(schema.toLowerCase())).toBe(false);
    expect(await recorded(schema)).toEqual(ALL);
    const stores = createPostgresStores({ connectionString: TEST_DATABASE_URL, schema });
    try {
      await stores.ready();
      expect(await stores.scenes.scenes.count()).toBe(0);
    } finally {
      await stores.close();
    }
  });
});

describe('two instances at once: the advisory lock', () => {
  it('a migrate() waits while another session holds the lock, touching nothing, and applies everything once it is released', {
    timeout: 25_000,
  }, async () => {
    const schema = freshSchema();
    const holder = await admin.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_CLASS, schema]);
      const waiting = migrate({ connectionString: TEST_DATABASE_URL, schema });
      expect((await settle(waiting, 1_500)).kind).toBe('still pending');
      expect(await schemaExists(schema)).toBe(false);
      await holder.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, schema]);
      expect(await settle(waiting)).toEqual({
        kind: 'resolved',
        value: { schema, from: 0, to: POSTGRES_SCHEMA_VERSION, applied: ALL },
      });
    } finally {
      holder.release();
    }
    // Two at once: one applies every migration, the other nothing; each version recorded once.
    const other = freshSchema();
    const both = await Promise.all([
      migrate({ connectionString: TEST_DATABASE_URL, schema: other }),
      migrate({ connectionString: TEST_DATABASE_URL, schema: other }),
    ]);
    expect(both.map((r) => r.applied).sort((a, b) => b.length - a.length)).toEqual([ALL, []]);
    expect(await recorded(other)).toEqual(ALL);
  });

  it('a migrate() whose session is killed while it waits on the lock rejects STORE_UNAVAILABLE (no crash), leaves nothing, and a rerun migrates', {
    timeout: 25_000,
  }, async () => {
    const schema = freshSchema();
    const pool = hostPool();
    const holder = await admin.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_CLASS, schema]);
      const waiting = migrate({ pool, schema });
      // Its rejection (the session killed) may come while this test awaits the kill's own answer:
      // heard at once, so it is never an unhandled rejection (settle reads it below).
      waiting.catch(() => undefined);
      // The waiting session: the one whose advisory lock on this schema's key is not granted.
      let pid: number | undefined;
      for (let i = 0; i < 50 && pid === undefined; i++) {
        const { rows } = await admin.query(
          `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1::bigint::oid
             AND objid = ((hashtext($2)::bigint + 4294967296) % 4294967296)::oid`,
          [LOCK_CLASS, schema],
        );
        pid = rows[0]?.pid as number | undefined;
        if (pid === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      expect(pid).toBeTypeOf('number');
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      const out = await settle(waiting);
      expect(out).toMatchObject({ kind: 'rejected', code: 'STORE_UNAVAILABLE', scene: true });
      expect(await schemaExists(schema)).toBe(false);
      await holder.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, schema]);
      // The host's pool still works, and a rerun does the whole job.
      expect(await migrate({ pool, schema })).toEqual({
        schema,
        from: 0,
        to: POSTGRES_SCHEMA_VERSION,
        applied: ALL,
      });
    } finally {
      holder.release();
      await pool.end();
    }
  });
});

describe('a migration that fails halfway', () => {
  it('migration 1 failing at its last table (a host table of that name, other columns): nothing of it left, no version, the host table intact', {
    timeout: 25_000,
  }, async () => {
    const schema = freshSchema();
    await admin.query(`CREATE SCHEMA ${q(schema)}`);
    await admin.query(`CREATE TABLE ${q(schema)}.talent_radar_recommendations (id serial PRIMARY KEY, note text)`);
    await admin.query(`INSERT INTO ${q(schema)}.talent_radar_recommendations (note) VALUES ('the host''s row')`);
    const out = await settle(migrate({ connectionString: TEST_DATABASE_URL, schema }));
    expect(out).toMatchObject({ kind: 'rejected', code: 'STORE_SCHEMA_MISMATCH', scene: true });
    expect(((out as Rejection).error as { details?: unknown }).details).toEqual({ schema, sqlstate: '42P07' });
    // The scenes table and the others created before the failing statement rolled back with it.
    expect(await tablesOf(schema)).toEqual(['talent_radar_recommendations']);
    expect((await admin.query(`SELECT note FROM ${q(schema)}.talent_radar_recommendations`)).rows).toEqual([
      { note: "the host's row" },
    ]);
    const stores = createPostgresStores({ connectionString: TEST_DATABASE_URL, schema });
    try {
      const ready = await settle(stores.ready());
      expect(ready).toMatchObject({ kind: 'rejected', code: 'STORE_SCHEMA_MISMATCH' });
      expect(((ready as Rejection).error as { details?: unknown }).details).toMatchObject({ found: 0 });
    } finally {
      await stores.close();
    }
  });

  it('migration 2 failing: version 1 stays recorded whole, the stores refuse it as too old, and once the clash is gone a rerun applies 2 and 3', {
    timeout: 25_000,
  }, async () => {
    const schema = freshSchema();
    await admin.query(`CREATE SCHEMA ${q(schema)}`);
    await admin.query(`CREATE TABLE ${q(schema)}.talent_radar_state (k int)`);
    const out = await settle(migrate({ connectionString: TEST_DATABASE_URL, schema }));
    expect(out).toMatchObject({ kind: 'rejected', code: 'STORE_SCHEMA_MISMATCH' });
    expect(await recorded(schema)).toEqual([1]);
    const stores = createPostgresStores({ connectionString: TEST_DATABASE_URL, schema });
    try {
      const ready = await settle(stores.ready());
      expect(ready).toMatchObject({ kind: 'rejected', code: 'STORE_SCHEMA_MISMATCH' });
      expect(((ready as Rejection).error as { details?: unknown }).details).toMatchObject({
        found: 1,
        expected: POSTGRES_SCHEMA_VERSION,
      });
    } finally {
      await stores.close();
    }
    await admin.query(`DROP TABLE ${q(schema)}.talent_radar_state`);
    expect(await migrate({ connectionString: TEST_DATABASE_URL, schema })).toEqual({
      schema,
      from: 1,
      to: POSTGRES_SCHEMA_VERSION,
      applied: ALL.slice(1),
    });
  });
});

describe('a schema a newer release migrated', () => {
  it('migrate(), migrate: true and the CLI refuse version N+1 with STORE_SCHEMA_MISMATCH (exit 1), touching nothing', {
    timeout: 25_000,
  }, async () => {
    const schema = freshSchema();
    await migrate({ connectionString: TEST_DATABASE_URL, schema });
    const newer = POSTGRES_SCHEMA_VERSION + 1;
    await admin.query(
      `INSERT INTO ${q(schema)}.scene_radar_migrations (version, name) VALUES ($1, 'from the future')`,
      [newer],
    );
    const tablesBefore = await tablesOf(schema);
    const out = await settle(migrate({ connectionString: TEST_DATABASE_URL, schema }));
    expect(out).toMatchObject({ kind: 'rejected', code: 'STORE_SCHEMA_MISMATCH' });
    expect(((out as Rejection).error as { details?: unknown }).details).toEqual({
      schema,
      found: newer,
      expected: POSTGRES_SCHEMA_VERSION,
    });
    const stores = createPostgresStores({ connectionString: TEST_DATABASE_URL, schema }, { migrate: true });
    try {
      expect(await settle(stores.scenes.scenes.count())).toMatchObject({
        kind: 'rejected',
        code: 'STORE_SCHEMA_MISMATCH',
      });
    } finally {
      await stores.close();
    }
    const run = await cli(['--postgres', TEST_DATABASE_URL, '--schema', schema]);
    expect(run.outcome).toEqual({ kind: 'resolved', value: 1 });
    expect(run.err.join('\n')).toMatch(/^migrate: STORE_SCHEMA_MISMATCH: .*newer than this version/);
    expect(await tablesOf(schema)).toEqual(tablesBefore);
    expect(await recorded(schema)).toEqual([...ALL, newer]);
  });
});

describe('stores over a schema never migrated', () => {
  it('ready() and a read reject STORE_SCHEMA_MISMATCH (found 0) at once, and create nothing', {
    timeout: 15_000,
  }, async () => {
    const schema = freshSchema();
    const stores = createPostgresStores({ connectionString: TEST_DATABASE_URL, schema });
    try {
      const ready = await settle(stores.ready());
      expect(ready).toMatchObject({ kind: 'rejected', code: 'STORE_SCHEMA_MISMATCH' });
      expect((ready as Rejection).message).toMatch(/version 0, .*run migrate\(\)/);
      expect(await settle(stores.talent.talent_radar_artists.scan({ limit: 1 }))).toMatchObject({
        kind: 'rejected',
        code: 'STORE_SCHEMA_MISMATCH',
      });
    } finally {
      await stores.close();
    }
    expect(await schemaExists(schema)).toBe(false);
  });

  it('a scene_radar_migrations table of the host with a text version column: STORE_SCHEMA_MISMATCH, the host table untouched', {
    timeout: 15_000,
  }, async () => {
    const schema = freshSchema();
    await admin.query(`CREATE SCHEMA ${q(schema)}`);
    await admin.query(`CREATE TABLE ${q(schema)}.scene_radar_migrations (version text PRIMARY KEY)`);
    await admin.query(`INSERT INTO ${q(schema)}.scene_radar_migrations VALUES ('20240101_init')`);
    expect(await settle(migrate({ connectionString: TEST_DATABASE_URL, schema }))).toMatchObject({
      kind: 'rejected',
      code: 'STORE_SCHEMA_MISMATCH',
    });
    expect(await tablesOf(schema)).toEqual(['scene_radar_migrations']);
  });

  it('FAULT: a scene_radar_migrations table of the host whose bigint version is past 2^31 (a timestamp) is STORE_SCHEMA_MISMATCH, not raw SQLSTATE 22003', {
    timeout: 15_000,
  }, async () => {
    // A host (or another tool) keeps its own `scene_radar_migrations`, versions as timestamps: a
    // table of the same name with other columns. migrate() should refuse it with the documented
    // code; it rejects with the driver's "integer out of range" from `max(version)::integer`.
    const schema = freshSchema();
    await admin.query(`CREATE SCHEMA ${q(schema)}`);
    await admin.query(`CREATE TABLE ${q(schema)}.scene_radar_migrations (version bigint PRIMARY KEY, name text)`);
    await admin.query(`INSERT INTO ${q(schema)}.scene_radar_migrations VALUES (20240101120000, 'init')`);
    const out = await settle(migrate({ connectionString: TEST_DATABASE_URL, schema }));
    expect(out).toMatchObject({ kind: 'rejected', scene: true, code: 'STORE_SCHEMA_MISMATCH' });
    expect(await tablesOf(schema)).toEqual(['scene_radar_migrations']);
  });
});

describe('a pool ended while a migration runs', () => {
  it("the host's pool ended right after migrate() starts, or a little later: it resolves applied or rejects STORE_UNAVAILABLE, never half a version, and a rerun completes", {
    timeout: 25_000,
  }, async () => {
    for (const delayMs of [0, 5, 20]) {
      const schema = freshSchema();
      const pool = hostPool();
      const running = migrate({ pool, schema });
      running.catch(() => undefined); // heard at once: it may reject while the pool is ending
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const ended = pool.end();
      const out = await settle(running);
      expect(out.kind === 'resolved' || (out.kind === 'rejected' && out.code === 'STORE_UNAVAILABLE')).toBe(true);
      expect((await settle(ended)).kind).toBe('resolved');
      // Whatever version is recorded, its tables are all there; a rerun brings the rest.
      const versions = await recorded(schema);
      expect(ALL.slice(0, versions.length)).toEqual(versions);
      const rerun = await migrate({ connectionString: TEST_DATABASE_URL, schema });
      expect(rerun.to).toBe(POSTGRES_SCHEMA_VERSION);
      expect(await recorded(schema)).toEqual(ALL);
    }
  });

  it('stores with migrate: true closed while their start migrates: ready() settles (resolved or RADAR_CLOSED), the schema is whole', {
    timeout: 25_000,
  }, async () => {
    const schema = freshSchema();
    const stores = createPostgresStores({ connectionString: TEST_DATABASE_URL, schema }, { migrate: true });
    const starting = stores.ready();
    starting.catch(() => undefined); // heard at once; settled below
    await new Promise((r) => setTimeout(r, 10));
    const closing = stores.close();
    const out = await settle(starting);
    expect(out.kind === 'resolved' || (out.kind === 'rejected' && out.code === 'RADAR_CLOSED')).toBe(true);
    expect((await settle(closing)).kind).toBe('resolved');
    const versions = await recorded(schema);
    expect(ALL.slice(0, versions.length)).toEqual(versions);
    expect(await settle(stores.scenes.scenes.count())).toMatchObject({ kind: 'rejected', code: 'RADAR_CLOSED' });
  });
});

describe('a wrong connection string, a server that refuses', () => {
  it('a closed port (127.0.0.1:1) and a database that does not exist: STORE_UNAVAILABLE at once; the CLI exits 1 with one line', {
    timeout: 20_000,
  }, async () => {
    const closed = await settle(
      migrate({ connectionString: 'postgres://postgres@127.0.0.1:1/test', schema: 'hr102_x' }),
    );
    expect(closed).toMatchObject({ kind: 'rejected', code: 'STORE_UNAVAILABLE', scene: true });
    expect((closed as Rejection).message).toContain('ECONNREFUSED');
    const noDb = new URL(TEST_DATABASE_URL);
    noDb.pathname = `/${prefix}_no_such_db`;
    const missing = await settle(migrate({ connectionString: noDb.href, schema: 'hr102_x' }));
    expect(missing).toMatchObject({ kind: 'rejected', code: 'STORE_UNAVAILABLE', scene: true });
    expect((missing as Rejection).message).toContain('3D000');
    const stores = createPostgresStores({ connectionString: noDb.href, schema: 'hr102_x' });
    try {
      expect(await settle(stores.ready())).toMatchObject({ kind: 'rejected', code: 'STORE_UNAVAILABLE' });
    } finally {
      await stores.close();
    }
    const run = await cli(['--postgres', 'postgres://postgres@127.0.0.1:1/test']);
    expect(run.outcome).toEqual({ kind: 'resolved', value: 1 });
    expect(run.err).toEqual([expect.stringMatching(/^migrate: STORE_UNAVAILABLE: .*ECONNREFUSED/)]);
  });

  it('FAULT: a connection string the driver cannot parse (port 99999) is a SceneRadarError with a documented code, not a raw TypeError "Invalid URL"', {
    timeout: 15_000,
  }, async () => {
    // The adapter takes the string as it is and hands it to pg at the first connect; pg's
    // `new URL(...)` throws and migrate() / ready() reject with Node's TypeError ERR_INVALID_URL.
    // Expected: CONFIG_INVALID (a setting that cannot work), or at least STORE_UNAVAILABLE.
    const url = 'postgres://postgres@127.0.0.1:99999/test';
    const out = await settle(migrate({ connectionString: url, schema: 'hr102_x' }));
    expect(out.kind).toBe('rejected');
    expect({ scene: (out as Rejection).scene, code: (out as Rejection).code }).toEqual({
      scene: true,
      code: expect.stringMatching(/^(CONFIG_INVALID|STORE_UNAVAILABLE)$/),
    });
    const stores = createPostgresStores({ connectionString: url, schema: 'hr102_x' });
    try {
      const ready = await settle(stores.ready());
      expect((ready as Rejection).scene).toBe(true);
    } finally {
      await stores.close();
    }
  });

  it('FAULT: an SSL connection string (sslmode=no-verify) against a server that refuses SSL: migrate() rejects with a documented code, and npm run migrate exits 1 with one line instead of throwing', {
    timeout: 15_000,
  }, async () => {
    // The local server has no SSL: pg fails with a plain Error "The server does not support SSL
    // connections" (no code), which neither storeError nor runMigrate maps, so migrate() rejects
    // with it raw and runMigrate rethrows it (a stack trace, no exit code 1).
    const url = `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}sslmode=no-verify`;
    const ssl = (await admin.query('SHOW ssl')).rows[0].ssl;
    expect(ssl).toBe('off'); // the precondition: a server that refuses SSL
    const out = await settle(migrate({ connectionString: url, schema: 'hr102_x' }));
    expect(out.kind).toBe('rejected');
    expect({ scene: (out as Rejection).scene, code: (out as Rejection).code }).toEqual({
      scene: true,
      code: 'STORE_UNAVAILABLE',
    });
    const run = await cli(['--postgres', url, '--schema', 'hr102_x']);
    expect(run.outcome).toEqual({ kind: 'resolved', value: 1 });
  });

  it('FAULT: migrate(undefined) / migrate(null) from JavaScript is CONFIG_INVALID, not a TypeError reading "schema"', {
    timeout: 10_000,
  }, async () => {
    // migrate({}) and migrate({ connectionString: 5 }) are CONFIG_INVALID ("pass { pool } or
    // { connectionString }"), a schema that is not a string too; no options at all is a TypeError
    // from `options.schema` in resolvePool.
    for (const options of [undefined, null]) {
      const out = await settle(migrate(options as unknown as Parameters<typeof migrate>[0]));
      expect({ kind: out.kind, code: (out as Rejection).code }).toEqual({ kind: 'rejected', code: 'CONFIG_INVALID' });
      // The stores alike: created without a throw, ready() rejects with the same code.
      const stores = createPostgresStores(options as unknown as Parameters<typeof createPostgresStores>[0]);
      const ready = await settle(stores.ready());
      expect({ kind: ready.kind, code: (ready as Rejection).code }).toEqual({
        kind: 'rejected',
        code: 'CONFIG_INVALID',
      });
      await stores.close();
    }
  });
});

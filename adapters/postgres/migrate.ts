/**
 * @module adapters/postgres/migrate
 * Applies {@link POSTGRES_MIGRATIONS} to a schema: under a session advisory lock (two instances
 * starting at once apply each migration once, the second waits and finds nothing to do), each
 * migration in its own transaction with the row that records it in `scene_radar_migrations`.
 * A schema recorded at a version newer than this code knows is refused, never touched.
 */
import { SceneRadarError } from '../../src/core/errors.js';
import { ident } from './columns.js';
import {
  checkOut,
  mapErrors,
  storeError,
  type PostgresConnectionOptions,
  type PostgresPoolClient,
  type PostgresQueryable,
  resolvePool,
} from './connection.js';
import {
  MIGRATIONS_TABLE,
  POSTGRES_MIGRATIONS,
  POSTGRES_SCHEMA_VERSION,
  type PostgresMigration,
} from './migrations.js';

/** Options of {@link migrate}: where, as for the stores. */
export type MigrateOptions = PostgresConnectionOptions;

/** What {@link migrate} did. */
export interface MigrateResult {
  /** The schema migrated. */
  readonly schema: string;
  /** The version recorded before (0 for a schema never migrated). */
  readonly from: number;
  /** The version recorded after: this code's schema version. */
  readonly to: number;
  /** Versions this call applied, in order (empty when the schema was already current). */
  readonly applied: readonly number[];
}

/** First key of the advisory lock ("scen"); the second is a hash of the schema name. */
const LOCK_CLASS = 0x7363_656e;

/** The version recorded in a schema, 0 when none (no migrations table yet). */
export async function recordedVersion(db: PostgresQueryable, schema: string): Promise<number> {
  const exists = await db.query('SELECT to_regclass($1) IS NOT NULL AS present', [
    `${ident(schema)}.${ident(MIGRATIONS_TABLE)}`,
  ]);
  if (exists.rows[0]?.present !== true) return 0;
  // Read as text: a host's table of the same name may hold versions past an integer (a timestamp
  // such as 20240101120000), whose cast failed with a raw "integer out of range".
  const { rows } = await db.query(
    `SELECT coalesce(max(version), 0)::text AS version FROM ${ident(schema)}.${ident(MIGRATIONS_TABLE)}`,
  );
  const version = Number(rows[0]?.version ?? 0);
  if (!Number.isSafeInteger(version) || version < 0 || version > MAX_KNOWN_VERSION)
    throw new SceneRadarError(
      'STORE_SCHEMA_MISMATCH',
      `The PostgreSQL schema holds a ${MIGRATIONS_TABLE} table that scene-radar's migrations did not make (its versions are not scene-radar's): migrate into a schema of scene-radar's own (the \`schema\` option)`,
      { details: { schema } },
    );
  return version;
}

/**
 * The largest version a scene-radar release could have recorded: one a version number, never a
 * date; a larger one is another tool's table of the same name.
 */
const MAX_KNOWN_VERSION = 1_000_000;

/** `STORE_SCHEMA_MISMATCH` for a schema newer than this code, saying what to do. */
export function tooNew(schema: string, found: number): SceneRadarError {
  return new SceneRadarError(
    'STORE_SCHEMA_MISMATCH',
    `The PostgreSQL schema is at version ${found}, newer than this version of scene-radar knows (${POSTGRES_SCHEMA_VERSION}): run a scene-radar release that knows version ${found}`,
    { details: { schema, found, expected: POSTGRES_SCHEMA_VERSION } },
  );
}

/** `STORE_SCHEMA_MISMATCH` for a schema older than this code (or never migrated). */
export function tooOld(schema: string, found: number): SceneRadarError {
  return new SceneRadarError(
    'STORE_SCHEMA_MISMATCH',
    `The PostgreSQL schema is at version ${found}, this version of scene-radar needs ${POSTGRES_SCHEMA_VERSION}: run migrate() (or pass migrate: true)`,
    { details: { schema, found, expected: POSTGRES_SCHEMA_VERSION } },
  );
}

async function applyLocked(
  client: PostgresPoolClient,
  schema: string,
  migrations: readonly PostgresMigration[],
): Promise<MigrateResult> {
  const s = ident(schema);
  const from = await recordedVersion(client, schema);
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (from > latest) throw tooNew(schema, from);
  // Created only when missing: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when
  // the schema is there, which an application role that only reads and writes lacks.
  if (from < latest) {
    const { rows } = await client.query('SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS present', [
      schema,
    ]);
    if (rows[0]?.present !== true) await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= from) continue;
    await client.query('BEGIN');
    try {
      // In the migration's transaction: a first migration that fails leaves no version table.
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${s}.${ident(MIGRATIONS_TABLE)} (
           version integer PRIMARY KEY,
           name text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      await client.query(`SET LOCAL search_path TO ${s}`);
      await client.query(m.sql);
      await client.query(`INSERT INTO ${s}.${ident(MIGRATIONS_TABLE)} (version, name) VALUES ($1, $2)`, [
        m.version,
        m.name,
      ]);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
    applied.push(m.version);
  }
  return { schema, from, to: Math.max(from, latest), applied };
}

/** How the stores wait for the migration lock: abandoned on `signal`, for at most `maxWaitMs` (0: no bound). */
export interface LockWait {
  readonly signal?: AbortSignal;
  readonly maxWaitMs?: number;
}

/** How long one wait for the migration lock lasts when the wait can be abandoned, ms. */
const LOCK_WAIT_SLICE_MS = 200;

/**
 * Takes the schema's migration lock. With a `signal` (the stores' close), the wait is made in
 * slices of {@link LOCK_WAIT_SLICE_MS} (`lock_timeout`, restored after), so that stores closed
 * while another instance migrates give their connection back and end their pool at once (a
 * blocking wait held it until the other instance finished): `RADAR_CLOSED` then. The whole wait
 * keeps the first bound of the session's `lock_timeout`, its `statement_timeout` and `maxWaitMs`
 * (the pool's query timeout), as the one blocking statement did, and fails as it would have.
 */
async function lockSchema(client: PostgresPoolClient, schema: string, wait: LockWait): Promise<void> {
  const lock = (): Promise<unknown> => client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_CLASS, schema]);
  const { signal } = wait;
  if (!signal) {
    await lock();
    return;
  }
  const closed = (): SceneRadarError =>
    new SceneRadarError('RADAR_CLOSED', 'the PostgreSQL stores were closed while waiting for the migration lock');
  if (signal.aborted) throw closed();
  // The session's own bounds (a host pool may set lock_timeout or statement_timeout; pg_settings
  // gives them in ms, 0 for none) and the pool's query timeout: the whole wait keeps the first of
  // them to end, as the one blocking statement did, and fails as it would have.
  const { rows } = await client.query(
    `SELECT current_setting('lock_timeout') AS previous,
            (SELECT setting FROM pg_settings WHERE name = 'lock_timeout') AS lock_ms,
            (SELECT setting FROM pg_settings WHERE name = 'statement_timeout') AS statement_ms`,
  );
  const row = rows[0] as { previous?: unknown; lock_ms?: unknown; statement_ms?: unknown } | undefined;
  const previous = String(row?.previous ?? '0');
  const started = Date.now();
  /** The bound that ends first, and how the wait fails then. */
  let first: { readonly at: number; readonly error: () => Error } | undefined;
  const bound = (ms: unknown, error: () => Error): void => {
    const n = Number(ms);
    if (Number.isFinite(n) && n > 0 && (first === undefined || started + n < first.at))
      first = { at: started + n, error };
  };
  const sqlError = (message: string, code: string): Error => Object.assign(new Error(message), { code });
  bound(row?.lock_ms, () => sqlError('canceling statement due to lock timeout (the migration lock)', '55P03'));
  bound(row?.statement_ms, () =>
    sqlError('canceling statement due to statement timeout (the migration lock)', '57014'),
  );
  // As pg ends a statement past its query_timeout (STORE_UNAVAILABLE, reason 'query timeout').
  bound(wait.maxWaitMs, () => new Error('Query read timeout (waiting for the migration lock)'));
  let slice = -1;
  try {
    for (;;) {
      const left = first ? first.at - Date.now() : Number.POSITIVE_INFINITY;
      if (left <= 0) throw first!.error();
      const next = Math.max(1, Math.min(LOCK_WAIT_SLICE_MS, Math.ceil(left)));
      if (next !== slice) {
        await client.query("SELECT set_config('lock_timeout', $1, false)", [`${next}ms`]);
        slice = next;
      }
      try {
        await lock();
        return;
      } catch (e) {
        // 55P03: this slice of the wait ended without the lock (another instance holds it).
        if ((e as { code?: unknown } | null)?.code !== '55P03') throw e;
      }
      if (signal.aborted) throw closed();
    }
  } finally {
    if (slice !== -1) await client.query("SELECT set_config('lock_timeout', $1, false)", [previous]);
  }
}

/** Runs the migrations over an open pool (used by `migrate` and by `createPostgresStores({ migrate: true })`). */
export async function migrateWith(
  pool: { connect(): Promise<PostgresPoolClient> },
  schema: string,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
  wait: LockWait = {},
): Promise<MigrateResult> {
  return mapErrors(async () => {
    const client = await checkOut(pool);
    let broken: Error | undefined;
    try {
      await lockSchema(client, schema, wait);
      try {
        return await applyLocked(client, schema, migrations);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, schema]).catch((e: Error) => {
          // A connection that cannot unlock is discarded: closing it releases the lock.
          broken = e;
        });
      }
    } catch (e) {
      // A connection that failed mid-way is not handed back to the pool.
      if (e instanceof Error && storeError(e) !== e) broken ??= e;
      throw e;
    } finally {
      client.release(broken);
    }
  }, schema);
}

/**
 * Brings a PostgreSQL schema to this code's version: creates the schema and the migrations table
 * if missing, then applies each migration not yet recorded, in order. Idempotent, and safe when
 * several instances start at once (they take turns on an advisory lock per schema). Fails with
 * `STORE_SCHEMA_MISMATCH` when the schema is newer than this code, and `STORE_UNAVAILABLE` when
 * the server cannot be reached.
 * @example
 * ```ts
 * import { migrate } from 'scene-radar/adapters/postgres';
 * const { from, to } = await migrate({ connectionString: process.env.DATABASE_URL!, schema: 'radar' });
 * console.log(`schema radar: version ${from} -> ${to}`);
 * ```
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const { pool, owned, schema } = await resolvePool(options);
  try {
    return await migrateWith(pool, schema);
  } finally {
    if (owned) await pool.end().catch(() => undefined);
  }
}

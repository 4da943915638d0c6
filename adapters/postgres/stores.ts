/**
 * @module adapters/postgres/stores
 * Both engines' stores over one PostgreSQL pool. The schema version is checked once, before the
 * first statement (or by `ready()`): a schema this code does not know is `STORE_SCHEMA_MISMATCH`,
 * a server that cannot be reached `STORE_UNAVAILABLE`; neither is remembered, so a later call
 * tries again.
 */
import { isSceneRadarError, SceneRadarError } from '../../src/core/errors.js';
import { withTransaction } from '../../src/stores/staged.js';
import {
  SCENES_TABLES,
  type SceneRadarStores,
  type ScenesStores,
  TALENT_TABLES,
  type TalentStores,
} from '../../src/stores/specs.js';
import {
  checkOut,
  mapErrors,
  type PostgresConnectionOptions,
  type PostgresPool,
  type PostgresQueryable,
  type ResolvedPool,
  resolvePool,
  storeError,
  unreachableReason,
} from './connection.js';
import { migrateWith, recordedVersion, tooNew, tooOld } from './migrate.js';
import { POSTGRES_SCHEMA_VERSION } from './migrations.js';
import { postgresTable, type TableContext } from './table.js';

/** First key of the advisory lock one engine's transactions take turns on ("sctx"; migrations use "scen"). */
const TRANSACTION_LOCK_CLASS = 0x7363_7478;

/** Options of {@link createPostgresStores} besides the connection. */
export interface PostgresStoresOptions {
  /** The PostgreSQL schema holding the tables (overrides the connection's `schema`). @default 'public' */
  readonly schema?: string;
  /**
   * Apply pending migrations before the first statement (under the advisory lock, as `migrate()`).
   * Off by default: a deployment usually migrates once, as a step of its own.
   * @default false
   */
  readonly migrate?: boolean;
  /**
   * Longest a transaction of these stores may sit idle between two of its statements before the
   * server ends its session and rolls it back (PostgreSQL's `idle_in_transaction_session_timeout`,
   * set for each transaction; a lower setting of the server's is kept). A refresh's transaction
   * holds a lock every instance's refresh and catalog import waits on: an instance frozen or cut
   * off inside it (no reset reaches the server) would otherwise block them all until the server
   * notices the connection is gone, hours with default TCP keepalives. The frozen instance's
   * refresh then rejects with `STORE_UNAVAILABLE`, nothing of it written. An integer of
   * milliseconds; 0 leaves the server's setting.
   * @default 60000
   */
  readonly transactionIdleTimeoutMs?: number;
}

/** Default of {@link PostgresStoresOptions.transactionIdleTimeoutMs}. */
const TRANSACTION_IDLE_TIMEOUT_MS = 60_000;

/** PostgreSQL's largest value of a timeout setting, in milliseconds (`INT_MAX`). */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** The transaction idle timeout of `options`, or `CONFIG_INVALID`. */
function idleTimeoutOf(options: PostgresStoresOptions): number {
  const ms = options.transactionIdleTimeoutMs ?? TRANSACTION_IDLE_TIMEOUT_MS;
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_TIMEOUT_MS)
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `transactionIdleTimeoutMs must be an integer from 0 to ${MAX_TIMEOUT_MS} (0 leaves the server's setting), got ${String(ms)}`,
    );
  return ms;
}

/**
 * Sets `idle_in_transaction_session_timeout` for the current transaction to `$1` milliseconds,
 * unless the server's own setting is lower (and not 0, which means none).
 */
const SET_IDLE_TIMEOUT = `SELECT set_config('idle_in_transaction_session_timeout',
  (SELECT CASE WHEN setting::bigint > 0 AND setting::bigint < $1::bigint THEN setting ELSE $1::text END
     FROM pg_settings WHERE name = 'idle_in_transaction_session_timeout'), true)`;

/** The stores over PostgreSQL: the two store sets `createSceneRadar` takes, plus their lifecycle. */
export interface PostgresStores extends SceneRadarStores {
  /** The PostgreSQL schema holding the tables. */
  readonly schema: string;
  /**
   * Resolves once the schema is at this code's version (migrating first with `migrate: true`);
   * rejects with `STORE_SCHEMA_MISMATCH` or `STORE_UNAVAILABLE`. Every table call waits for it, so
   * calling it is optional: it lets a host fail at start rather than at the first read.
   */
  ready(): Promise<void>;
  /** Ends the pool if the adapter opened it (from a connection string); a host's pool is left open. */
  close(): Promise<void>;
}

/** SQLSTATEs of a statement the server broke off for another's sake: a deadlock, a serialization failure. */
const BROKEN_BY_SERVER = new Set(['40P01', '40001']);
/**
 * SQLSTATEs of a connection the server ended (an administrator's `pg_terminate_backend`, a server
 * shutting down or restarting, `idle_session_timeout` on an idle pooled connection): a single
 * statement outside a transaction met on such a pooled connection never ran or rolled back with it,
 * and runs again on another. When the server ends every connection at once (a restart), the pool
 * still holds the others until their errors are read: without this, the call after the first
 * failed too, and the one after that.
 */
const CONNECTION_ENDED = new Set(['57P01', '57P02', '57P05']);

/**
 * One statement, run again (up to 3 times, after 10-40 ms) when the server broke it off for
 * another's sake, or (`single`: a statement outside a transaction) ended its connection: a single
 * statement rolls back whole, so running it again is safe. Not after `stopped` says so (the stores
 * were closed during the wait). Past the tries the error goes on (STORE_UNAVAILABLE: the statement
 * was fine, the database was busy).
 */
async function retryingBrokenByServer<T>(
  run: () => Promise<T>,
  single = false,
  stopped?: (cause: unknown) => Error | undefined,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      const again = typeof code === 'string' && (BROKEN_BY_SERVER.has(code) || (single && CONNECTION_ENDED.has(code)));
      if (attempt > 3 || !again) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** (attempt - 1)));
      // Stores closed during the wait: the statement is not sent after close() resolved.
      const stop = stopped?.(error);
      if (stop !== undefined) throw stop;
    }
  }
}

/**
 * The Scenes Engine's and the Talent Radar's tables in PostgreSQL, for `createSceneRadar`'s
 * `stores` option. Pass the host's `pg` pool, or a connection string (the adapter then opens a pool,
 * importing the optional peer dependency `pg`). The tables must have been created by
 * {@link migrate} (or pass `migrate: true`); the version is checked before the first statement.
 * Every table implements the `Table` contract of `scene-radar/stores`, one SQL statement per call.
 * `scenes.transaction` and `talent.transaction` run a callback on one connection between `BEGIN`
 * and `COMMIT` (`ROLLBACK` when it rejects): each engine's refresh writes through it, so a reader
 * never sees half a refresh and a process killed mid-refresh leaves the previous one in place.
 * @example
 * ```ts
 * import { createSceneRadar } from 'scene-radar';
 * import { createPostgresStores, migrate } from 'scene-radar/adapters/postgres';
 *
 * await migrate({ connectionString: process.env.DATABASE_URL! });
 * const stores = createPostgresStores({ connectionString: process.env.DATABASE_URL! });
 * await stores.ready(); // fail at start, not at the first read
 * const radar = createSceneRadar({ sources, stores });
 * // ... on shutdown
 * await radar.close();
 * await stores.close();
 * ```
 */
export function createPostgresStores(
  connection: PostgresConnectionOptions,
  options: PostgresStoresOptions = {},
): PostgresStores {
  // Checked with the pool (every call, ready() first, rejects CONFIG_INVALID for a bad name); the
  // tables are built over text whatever was given, so a name that is not text is that error too,
  // not a TypeError from quoting it.
  // No connection options at all (from JavaScript) is CONFIG_INVALID at ready() too (resolvePool).
  const given: unknown =
    options.schema ??
    (typeof connection === 'object' && connection !== null ? connection.schema : undefined) ??
    'public';
  const schema = typeof given === 'string' ? given : '';
  const idleTimeoutMs = idleTimeoutOf(options);
  let resolved: Promise<ResolvedPool> | undefined;
  const poolOf = (): Promise<PostgresPool> => {
    resolved ??= resolvePool({ ...connection, schema: given as string }).catch((e: unknown) => {
      resolved = undefined;
      throw e;
    });
    return resolved.then((r) => r.pool);
  };

  /** {@link mapErrors} for these stores: a `STORE_SCHEMA_MISMATCH` names their schema in `details.schema`. */
  const mapped = <T>(fn: () => Promise<T>): Promise<T> => mapErrors(fn, schema);
  /** Aborted by close(). */
  const closing = new AbortController();
  let checked: Promise<void> | undefined;
  const check = async (): Promise<void> => {
    const pool = await poolOf();
    if (options.migrate) {
      // close() abandons a wait for another instance's migration (a shutdown during a deploy).
      const { queryTimeoutMillis } = await resolved!;
      await migrateWith(pool, schema, undefined, { signal: closing.signal, maxWaitMs: queryTimeoutMillis });
      return;
    }
    // Read-only: run again, as any single statement, on a connection the server ended.
    const found = await mapped(() =>
      retryingBrokenByServer(() => recordedVersion(pool, schema), true, stoppedIfClosed),
    );
    if (found > POSTGRES_SCHEMA_VERSION) throw tooNew(schema, found);
    if (found < POSTGRES_SCHEMA_VERSION) throw tooOld(schema, found);
  };
  const checkOnce = (): Promise<void> => {
    checked ??= check().catch((e: unknown) => {
      checked = undefined;
      throw e;
    });
    return checked;
  };

  let closed = false;
  /** Whether `e` is the pool's "ended" error, raw or as `STORE_UNAVAILABLE` (reason `pool ended`). */
  const isPoolEnded = (e: unknown): boolean =>
    unreachableReason(e) === 'pool ended' ||
    (isSceneRadarError(e) && (e.details as { reason?: unknown } | undefined)?.reason === 'pool ended');
  const closedError = (cause?: unknown): SceneRadarError =>
    new SceneRadarError('RADAR_CLOSED', 'the PostgreSQL stores were closed', cause === undefined ? {} : { cause });
  /** For a retry: the closed error once `close()` has been called (nothing is sent after it). */
  const stoppedIfClosed = (cause: unknown): SceneRadarError | undefined => (closed ? closedError(cause) : undefined);
  /**
   * Runs `fn` on the pool once the schema is checked, while the stores are open. `close()` may come
   * at any await (a shutdown under traffic): the stores are checked again before the pool is
   * used, and a call that then meets the ended pool rejects `RADAR_CLOSED`, as a call made after
   * `close()` does, rather than with the driver's raw "Cannot use a pool after calling end".
   */
  const whileOpen = async <T>(fn: (pool: PostgresPool) => Promise<T>): Promise<T> => {
    if (closed) throw closedError();
    try {
      await checkOnce();
      const pool = await poolOf();
      if (closed) throw closedError();
      return await fn(pool);
    } catch (e) {
      if (closed && !(isSceneRadarError(e) && e.code === 'RADAR_CLOSED') && isPoolEnded(e)) throw closedError(e);
      throw e;
    }
  };
  const ctx: TableContext = {
    schema,
    // Every call rejects RADAR_CLOSED after close(), also one that answers without a statement.
    check() {
      if (closed) throw closedError();
    },
    query(text, values) {
      return whileOpen((pool) =>
        mapped(() => retryingBrokenByServer(() => pool.query(text, values), true, stoppedIfClosed)),
      );
    },
    transaction<T>(fn: (db: PostgresQueryable) => Promise<T>, options?: { readonly retry?: boolean }): Promise<T> {
      // A table's own split upsert: run again whole when the server broke it off (it rolled back
      // whole), and its statements' errors mapped like any call's.
      if (options?.retry)
        return whileOpen((pool) => mapped(() => retryingBrokenByServer(() => transactionOn(pool, fn))));
      return whileOpen((pool) => transactionOn(pool, fn));
    },
  };

  /** `fn` on one client of `pool` between `BEGIN` and `COMMIT` (`ROLLBACK` when it rejects). */
  function transactionOn<T>(pool: PostgresPool, fn: (db: PostgresQueryable) => Promise<T>): Promise<T> {
    // `fn`'s own failure is its caller's, unchanged: only the driver's calls here are mapped (a
    // host error with a network code is no "PostgreSQL cannot be reached"). Its statements, run
    // through the transaction's context, are mapped there already.
    let fromFn: { readonly error: unknown } | undefined;
    return mapped(async () => {
      const client = await checkOut(pool);
      let broken: Error | undefined;
      try {
        // Read committed whatever the host's default: a transaction queued on the engine lock must
        // see what the holder committed (and not fail with a serialization error when it ran).
        await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
        // A session frozen or cut off inside this transaction is ended by the server after the
        // timeout, its locks released, instead of blocking every other instance (see the option).
        if (idleTimeoutMs > 0) await client.query(SET_IDLE_TIMEOUT, [idleTimeoutMs]);
        const out = await fn(client).catch((error: unknown) => {
          fromFn = { error };
          throw error;
        });
        const commit = await client.query('COMMIT');
        // On a transaction a failed statement aborted, PostgreSQL answers COMMIT with a rollback,
        // not an error: resolving then would report as written what was not.
        if (commit.command === 'ROLLBACK')
          throw new Error(
            'PostgreSQL rolled the transaction back at COMMIT (a statement in it failed): nothing was written',
          );
        return out;
      } catch (e) {
        // A connection that failed is discarded, not rolled back (and not returned to the pool).
        if ((isSceneRadarError(e) && e.code === 'STORE_UNAVAILABLE') || storeError(e) !== e) broken = e as Error;
        else await client.query('ROLLBACK').catch((r: Error) => (broken = r));
        throw e;
      } finally {
        client.release(broken);
      }
    }).catch((e: unknown) => {
      throw fromFn !== undefined ? fromFn.error : e;
    });
  }

  /** The tables over a context: the pool's, or one transaction's client. */
  const tablesOver = (c: TableContext): { scenes: ScenesStores; talent: TalentStores } => ({
    scenes: {
      scenes: postgresTable(SCENES_TABLES.scenes, c),
      microgenres: postgresTable(SCENES_TABLES.microgenres, c),
      scene_memberships: postgresTable(SCENES_TABLES.scene_memberships, c),
      scene_trends: postgresTable(SCENES_TABLES.scene_trends, c),
      scene_relationships: postgresTable(SCENES_TABLES.scene_relationships, c),
      scene_recommendations_cache: postgresTable(SCENES_TABLES.scene_recommendations_cache, c),
      scenes_state: postgresTable(SCENES_TABLES.scenes_state, c),
    },
    talent: {
      talent_radar_artists: postgresTable(TALENT_TABLES.talent_radar_artists, c),
      talent_radar_scenes: postgresTable(TALENT_TABLES.talent_radar_scenes, c),
      talent_radar_microgenres: postgresTable(TALENT_TABLES.talent_radar_microgenres, c),
      talent_radar_recommendations: postgresTable(TALENT_TABLES.talent_radar_recommendations, c),
      talent_radar_state: postgresTable(TALENT_TABLES.talent_radar_state, c),
      talent_radar_refresh_shards: postgresTable(TALENT_TABLES.talent_radar_refresh_shards, c),
    },
  });

  /**
   * One transaction: a client checked out, `BEGIN`, `fn` over tables on that client, `COMMIT`
   * (`ROLLBACK` when `fn` rejects). Other connections see nothing of it before the commit. One
   * engine's transactions on a schema take turns (a transaction-scoped advisory lock): two
   * processes refreshing the same schema at once would otherwise, under READ COMMITTED, leave the
   * union of both refreshes in the tables a refresh replaces (its `deleteWhere` skips rows the
   * other committed meanwhile).
   */
  const inTransaction = <T>(
    engine: 'scenes' | 'talent',
    fn: (tables: { scenes: ScenesStores; talent: TalentStores }) => Promise<T>,
  ): Promise<T> =>
    ctx.transaction(async (client) => {
      await mapped(() =>
        client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [TRANSACTION_LOCK_CLASS, `${schema}:${engine}`]),
      );
      let open = true;
      const assertOpen = (): void => {
        if (!open) throw new Error('the stores of a PostgreSQL transaction were used after it ended');
      };
      /**
       * The first statement of the transaction that failed. PostgreSQL aborts the transaction
       * then: later statements fail, and COMMIT rolls back. A callback that catches the failure
       * and goes on must not see its transaction resolve as if written (memory would have kept
       * its other writes): later calls and the transaction reject with this error.
       */
      let failed: unknown;
      const txCtx: TableContext = {
        schema,
        check: assertOpen,
        async query(text, values) {
          assertOpen();
          if (failed !== undefined) throw failed;
          try {
            return await mapped(() => client.query(text, values));
          } catch (e) {
            failed ??= e;
            throw e;
          }
        },
        // Already in a transaction: an upsert split into statements runs in this one.
        async transaction(f) {
          assertOpen();
          return f({ query: (text, values) => txCtx.query(text, values) });
        },
      };
      try {
        const out = await fn(tablesOver(txCtx));
        if (failed !== undefined) throw failed;
        return out;
      } finally {
        open = false;
      }
    });

  const { scenes, talent } = tablesOver(ctx);
  withTransaction(scenes, (fn) => inTransaction('scenes', (t) => fn(t.scenes)));
  withTransaction(talent, (fn) => inTransaction('talent', (t) => fn(t.talent)));

  return {
    scenes,
    talent,
    schema,
    ready: () => whileOpen(async () => undefined),
    async close() {
      if (closed) return;
      closed = true;
      closing.abort();
      const r = await resolved?.catch(() => undefined);
      if (r?.owned) await r.pool.end().catch(() => undefined);
    },
  };
}

/**
 * {@link createPostgresStores}, then `ready()`: resolves with stores whose schema is checked (and
 * migrated first with `migrate: true`), so that a server that cannot be reached or a schema of
 * another version fails here, at start, rather than halfway through a refresh. On failure the pool
 * the adapter opened is closed before the error (`STORE_UNAVAILABLE`, `STORE_SCHEMA_MISMATCH`) is
 * thrown.
 * @example
 * ```ts
 * import { openPostgresStores } from 'scene-radar/adapters/postgres';
 *
 * const stores = await openPostgresStores({ connectionString: process.env.DATABASE_URL! }, { migrate: true });
 * const radar = createSceneRadar({ sources, stores });
 * // ... on shutdown
 * await radar.close();
 * await stores.close();
 * ```
 */
export async function openPostgresStores(
  connection: PostgresConnectionOptions,
  options: PostgresStoresOptions = {},
): Promise<PostgresStores> {
  const stores = createPostgresStores(connection, options);
  try {
    await stores.ready();
  } catch (error) {
    await stores.close();
    throw error;
  }
  return stores;
}

/**
 * Where a PostgreSQL database is, for logs and messages: the schema, then user, host, port and
 * database from a connection URL, never its password or query string. A connection string that is
 * not a URL (a socket path, `key=value` settings) is described as `the configured server`, since
 * any part of it might be a secret.
 * @example
 * ```ts
 * describePostgres('postgres://app:secret@db:5432/radar', 'radar');
 * // 'PostgreSQL schema "radar" at app@db:5432/radar'
 * ```
 */
export function describePostgres(url: string, schema = 'public'): string {
  let where = 'the configured server';
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    where = `${user}${u.hostname || 'localhost'}${u.port ? `:${u.port}` : ''}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    // Not a URL (a socket path, key=value settings): say nothing that might be a secret.
  }
  return `PostgreSQL schema "${schema}" at ${where}`;
}

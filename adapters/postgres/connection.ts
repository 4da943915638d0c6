/**
 * @module adapters/postgres/connection
 * The part of node-postgres the adapter uses, how it gets a pool (the host's, or one of its own
 * from a connection string, `pg` loaded only then), and how a failure to reach the server becomes
 * `STORE_UNAVAILABLE` instead of a driver error or a hang.
 */
import { MAX_TIMER_MS } from '../../src/core/timeout.js';
import { SceneRadarError } from '../../src/core/errors.js';
import { isStorableText } from '../../src/core/text.js';

/** A query result, as node-postgres returns it. */
export interface PostgresQueryResult {
  /** The rows, one object per row, keyed by column name. */
  readonly rows: Record<string, unknown>[];
  /** Rows affected (INSERT, UPDATE, DELETE) or returned. */
  readonly rowCount: number | null;
  /** The command tag (`COMMIT`, or `ROLLBACK` for a COMMIT of an aborted transaction), when the driver gives it. */
  readonly command?: string;
}

/** Something that runs a parameterised query: a `pg` `Pool` or `PoolClient`. */
export interface PostgresQueryable {
  /** Runs `text` with `$1`, `$2`... bound to `values`. */
  query(text: string, values?: unknown[]): Promise<PostgresQueryResult>;
}

/** A client checked out of a pool, as `pg`'s `PoolClient`. */
export interface PostgresPoolClient extends PostgresQueryable {
  /** Returns the client to the pool; pass an error to discard a broken connection instead. */
  release(err?: Error | boolean): void;
}

/** The part of a `pg` `Pool` the adapter uses; a `new Pool()` from `pg` fits as it is. */
export interface PostgresPool extends PostgresQueryable {
  /** Checks out a client (for a transaction or a session lock). */
  connect(): Promise<PostgresPoolClient>;
  /** Closes every connection. */
  end(): Promise<void>;
}

/** Where the tables live: the host's pool, or a connection string the adapter opens a pool for. */
export type PostgresConnectionOptions =
  | {
      /** A `pg` `Pool` the host owns (the adapter never ends it). */
      readonly pool: PostgresPool;
      /** The PostgreSQL schema holding the tables; created by `migrate()` if missing. @default 'public' */
      readonly schema?: string;
    }
  | {
      /** A connection string (`postgres://user@host:5432/db`); the adapter opens a pool (`close()` ends it). */
      readonly connectionString: string;
      /** The PostgreSQL schema holding the tables; created by `migrate()` if missing. @default 'public' */
      readonly schema?: string;
      /** How long to wait for a connection before failing with `STORE_UNAVAILABLE`. @default 10000 */
      readonly connectionTimeoutMillis?: number;
      /**
       * Longest wait for the answer to one statement before it fails with `STORE_UNAVAILABLE`
       * (reason `query timeout`) and its connection is discarded: a connection the network cut
       * silently (no reset reached either side) otherwise holds the call, and its pooled client,
       * for ever. 0 waits without a bound. @default 120000
       */
      readonly queryTimeoutMillis?: number;
      /** Most connections the adapter's pool opens. @default 10 */
      readonly max?: number;
    };

/** The default schema. */
export const DEFAULT_SCHEMA = 'public';

/** A pool and whether the adapter owns it (and so ends it on close). */
export interface ResolvedPool {
  readonly pool: PostgresPool;
  readonly owned: boolean;
  readonly schema: string;
  /**
   * The longest wait for one statement's answer, ms (0: unbounded): `queryTimeoutMillis` on the
   * adapter's own pool, a host pool's `query_timeout` when it has one.
   */
  readonly queryTimeoutMillis: number;
}

/** A client as the pool's `connect` event hands it over: something that emits `error`. */
interface PgEmitter {
  on(event: 'error', listener: (err: Error) => void): unknown;
}

interface PgModule {
  readonly Pool: new (
    config: Record<string, unknown>,
  ) => PostgresPool & {
    on(event: 'error', listener: (err: Error) => void): unknown;
    on(event: 'connect', listener: (client: PgEmitter) => void): unknown;
  };
}

const ignore = (): void => undefined;
/** Host pools given the `error` listener. */
const heard = new WeakSet<object>();

/** PostgreSQL's longest identifier, in bytes (`NAMEDATALEN` - 1): a longer name is truncated. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * Checks a schema name: 1 to 63 characters and at most 63 bytes in UTF-8, since PostgreSQL
 * truncates a longer identifier to its first 63 bytes, and two names sharing them (non-ASCII names
 * of under 63 characters) would silently name one schema; and well-formed Unicode without a NUL,
 * since PostgreSQL refuses a NUL and the driver sends a lone surrogate as U+FFFD (two such names
 * would name one schema). `CONFIG_INVALID` otherwise.
 */
export function checkSchemaName(schema: unknown): string {
  if (typeof schema !== 'string' || schema.length === 0 || Buffer.byteLength(schema, 'utf8') > MAX_IDENTIFIER_BYTES)
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `schema must be a name of 1 to 63 characters (at most 63 bytes in UTF-8: PostgreSQL truncates longer names), got ${String(schema)}`,
    );
  if (!isStorableText(schema))
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `schema must be well-formed Unicode without NUL characters, got ${JSON.stringify(schema)}`,
    );
  // In a search path (migrations set one) PostgreSQL reads "$user", even quoted, as the schema
  // named after the current role: the tables would go there, or nowhere.
  if (schema === '$user')
    throw new SceneRadarError(
      'CONFIG_INVALID',
      'schema must not be "$user" (PostgreSQL reads it in a search path as the schema named after the current role)',
    );
  if (schema.startsWith('pg_'))
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `schema must not start with "pg_" (PostgreSQL reserves those names for its own schemas), got ${JSON.stringify(schema)}`,
    );
  return schema;
}

/** The pool for a connection option; `pg` is imported only when a connection string is given. */
export async function resolvePool(options: PostgresConnectionOptions): Promise<ResolvedPool> {
  if (typeof options !== 'object' || options === null)
    throw new SceneRadarError('CONFIG_INVALID', 'pass { pool } or { connectionString } to the PostgreSQL adapter');
  const schema = checkSchemaName(options.schema ?? DEFAULT_SCHEMA);
  if ('pool' in options && options.pool) {
    // As on the adapter's own pool: an idle client the server ends (a restart, a failover) emits
    // 'error' on the pool, which, unheard, crashes the host. Once per pool, however many stores.
    if (!heard.has(options.pool)) {
      heard.add(options.pool);
      (options.pool as { on?: (event: 'error', listener: () => void) => unknown }).on?.('error', ignore);
    }
    const hostTimeout = (options.pool as { options?: { query_timeout?: unknown } }).options?.query_timeout;
    return {
      pool: options.pool,
      owned: false,
      schema,
      queryTimeoutMillis: typeof hostTimeout === 'number' && hostTimeout > 0 ? hostTimeout : 0,
    };
  }
  if (!('connectionString' in options) || typeof options.connectionString !== 'string')
    throw new SceneRadarError('CONFIG_INVALID', 'pass { pool } or { connectionString } to the PostgreSQL adapter');
  let mod: PgModule;
  try {
    const loaded = (await import('pg')) as unknown as PgModule & { default?: PgModule };
    mod = loaded.Pool ? loaded : loaded.default!;
  } catch (cause) {
    throw new SceneRadarError(
      'CONFIG_INVALID',
      "the PostgreSQL adapter needs the 'pg' package: npm install pg (an optional peer dependency of scene-radar)",
      { cause },
    );
  }
  const max = options.max ?? 10;
  if (!Number.isInteger(max) || max < 1)
    throw new SceneRadarError('CONFIG_INVALID', `max must be an integer >= 1, got ${String(options.max)}`);
  const connectionTimeoutMillis = options.connectionTimeoutMillis ?? 10_000;
  if (
    !Number.isInteger(connectionTimeoutMillis) ||
    connectionTimeoutMillis < 0 ||
    connectionTimeoutMillis > MAX_TIMER_MS
  )
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `connectionTimeoutMillis must be an integer from 0 to ${MAX_TIMER_MS}, got ${String(options.connectionTimeoutMillis)}`,
    );
  const queryTimeoutMillis = options.queryTimeoutMillis ?? 120_000;
  if (!Number.isInteger(queryTimeoutMillis) || queryTimeoutMillis < 0 || queryTimeoutMillis > MAX_TIMER_MS)
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `queryTimeoutMillis must be an integer from 0 to ${MAX_TIMER_MS}, got ${String(options.queryTimeoutMillis)}`,
    );
  const pool = new mod.Pool({
    connectionString: options.connectionString,
    connectionTimeoutMillis,
    ...(queryTimeoutMillis > 0 ? { query_timeout: queryTimeoutMillis } : {}),
    // TCP keep-alive probes: a connection whose peer vanished is found dead, not kept for hours.
    keepAlive: true,
    max,
    // Floats printed with every digit, whatever the role or database default (0 prints 15). A
    // startup parameter (a SET on 'connect' would race the first query); behind PgBouncer, list it
    // in ignore_startup_parameters, as JDBC drivers need too (docs/persistence.md).
    options: '-c extra_float_digits=3',
  });
  // An idle client whose server went away emits 'error' on the pool; unhandled, it would crash the
  // process. The next query gets a fresh connection, or STORE_UNAVAILABLE.
  pool.on('error', ignore);
  // A client checked out (a transaction, the migration lock) whose connection drops emits 'error'
  // on itself, and the pool listens only to idle ones: unhandled, it crashed the process
  // ("Connection terminated unexpectedly") when a connection dropped mid-refresh. The query in
  // flight still rejects (STORE_UNAVAILABLE), and the broken client is discarded on release.
  pool.on('connect', (client) => client.on('error', ignore));
  return { pool, owned: true, schema, queryTimeoutMillis };
}

/**
 * Checks a client out of `pool` and listens to its `error` event until it is released. A pool
 * listens only to idle clients: a connection that drops while its client is checked out (inside a
 * transaction, under the migration lock) emits `error` on the client, which, unhandled, crashes
 * the process. Its queries still reject, and `release(err)` discards it. Use this rather than
 * `pool.connect()` for a pool the host owns, where the adapter cannot listen to every new client.
 */
export async function checkOut(pool: Pick<PostgresPool, 'connect'>): Promise<PostgresPoolClient> {
  const client = await pool.connect();
  const emitter = client as PostgresPoolClient & Partial<PgEmitter & { removeListener: PgEmitter['on'] }>;
  if (typeof emitter.on !== 'function' || typeof emitter.removeListener !== 'function') return client;
  emitter.on('error', ignore);
  let released = false;
  return {
    query: (text, values) => client.query(text, values),
    release: (err) => {
      if (released) return;
      released = true;
      emitter.removeListener?.('error', ignore);
      client.release(err);
    },
  };
}

/** Node's socket error codes that mean the server cannot be reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
/** Node's TLS error codes: the server's certificate is not trusted or does not match its name. */
const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
/**
 * SQLSTATEs for "the server is there but not serving": shutting down, starting, too many clients,
 * a read-only server (a standby after a failover) refusing a write, out of disk or memory, a
 * deadlock or a serialization failure the server broke (the statement itself was fine: try later).
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '53100', '53200', '25006', '40P01', '40001']);
/**
 * SQLSTATEs for "the server did not answer in time": a statement cancelled by `statement_timeout`
 * (or a cancel request), a lock not granted within `lock_timeout`, a session ended by an idle
 * timeout. Like a server out of reach, the answer is not there; the statement itself was fine.
 */
const TIMEOUT_STATES = new Map([
  ['57014', 'statement timeout'],
  ['55P03', 'lock timeout'],
  ['25P03', 'idle in transaction timeout'],
  ['57P05', 'idle session timeout'],
]);

/** Why a driver error means the database cannot be reached, or undefined if it is another error. */
export function unreachableReason(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return code;
    // A Unix socket that is not there, or not ours to open (`?host=/run/postgresql`): the server
    // cannot be reached there. Only a connect's: a missing file read for another reason is not.
    if (
      (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR') &&
      (error as { syscall?: unknown }).syscall === 'connect'
    )
      return `${code} (socket)`;
    // The login refused: a database or role that does not exist, a wrong password.
    if (code === '3D000' || code.startsWith('28')) return `login refused, SQLSTATE ${code}`;
    if (code.startsWith('08') || UNAVAILABLE_STATES.has(code)) return `SQLSTATE ${code}`;
    const timeout = TIMEOUT_STATES.get(code);
    if (timeout !== undefined) return `${timeout}, SQLSTATE ${code}`;
  }
  // TLS refused or not trusted (a server without SSL under `sslmode=require`, a certificate the
  // client does not trust): the server cannot be reached with these settings.
  if (typeof code === 'string' && TLS_CODES.has(code)) return `TLS: ${code}`;
  if (typeof message === 'string') {
    if (/does not support SSL connections/i.test(message)) return 'the server does not support SSL connections';
    // The pool was ended (a host's pool ended under open stores): no call on it can succeed.
    if (/Cannot use a pool after calling end on the pool/i.test(message)) return 'pool ended';
    if (/timeout/i.test(message) && /connect/i.test(message)) return 'connection timeout';
    // pg's own bound on a statement (`query_timeout`): the connection is discarded with it.
    if (/Query read timeout/i.test(message)) return 'query timeout';
    if (/Connection terminated|Client has encountered a connection error|connection error/i.test(message))
      return 'connection terminated';
  }
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors)) for (const e of errors) if (unreachableReason(e)) return unreachableReason(e);
  return undefined;
}

/**
 * `STORE_UNAVAILABLE` for an error that means the server cannot be reached; any other error as it
 * is. The message gives the reason, not the address or credentials; the driver's error is the cause.
 */
export function storeError(error: unknown): unknown {
  // A connection string the driver cannot parse (a port past 65535, a malformed host) fails at the
  // first connection: a setting to fix, named without the string (it may hold a password).
  if ((error as { code?: unknown } | null)?.code === 'ERR_INVALID_URL')
    return new SceneRadarError(
      'CONFIG_INVALID',
      'the PostgreSQL connection string cannot be parsed (an invalid URL: check its host, port and escaping)',
      { cause: error },
    );
  const reason = unreachableReason(error);
  if (reason === undefined) return error;
  return new SceneRadarError(
    'STORE_UNAVAILABLE',
    / timeout, SQLSTATE /.test(reason)
      ? `PostgreSQL did not answer in time (${reason}): check the server's load and its statement_timeout and lock_timeout`
      : reason.startsWith('login refused')
        ? `PostgreSQL refused the login (${reason}): check the database name, the role and its password`
        : reason === 'pool ended'
          ? 'PostgreSQL cannot be reached (pool ended): the pool these stores use was ended; close the stores before ending it'
          : `PostgreSQL cannot be reached (${reason}): check that the server is running and the connection settings`,
    { details: { reason }, cause: error },
  );
}

/** SQLSTATEs of a schema that lacks what this code reads or writes (a table or column dropped or changed by hand). */
const MISSING_OBJECT = new Set(['42P01', '42703', '42804', '42883']);
/** SQLSTATEs of a schema that already holds an object a migration creates. */
const DUPLICATE_OBJECT = new Set(['42P07', '42710']);

/**
 * `STORE_SCHEMA_MISMATCH` (naming `schema`, when given, in `details.schema`) for a server error
 * that says the schema is not the one this code migrated (a table or column missing or of another type, or a table a migration would create
 * already there); any other error unchanged.
 */
export function schemaError(error: unknown, schema?: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (!(error instanceof Error) || typeof code !== 'string') return error;
  // The server's own text names schema-qualified objects: it stays the cause (the host's logs),
  // and the message, which an API client may read, gives the SQLSTATE only.
  const found = `SQLSTATE ${code}`;
  if (MISSING_OBJECT.has(code))
    return new SceneRadarError(
      'STORE_SCHEMA_MISMATCH',
      `The PostgreSQL schema does not hold the tables and columns this version of scene-radar needs (${found}): run migrate(), and leave its tables to scene-radar`,
      { details: schema === undefined ? { sqlstate: code } : { schema, sqlstate: code }, cause: error },
    );
  if (DUPLICATE_OBJECT.has(code))
    return new SceneRadarError(
      'STORE_SCHEMA_MISMATCH',
      `The PostgreSQL schema already holds a table or object scene-radar's migrations create (${found}): migrate into a schema of scene-radar's own (the \`schema\` option)`,
      { details: schema === undefined ? { sqlstate: code } : { schema, sqlstate: code }, cause: error },
    );
  return error;
}

/**
 * Runs `fn`, turning an unreachable server into `STORE_UNAVAILABLE` and a schema that is not the
 * one this code migrated into `STORE_SCHEMA_MISMATCH` (with `schema` in its details when given).
 */
export async function mapErrors<T>(fn: () => Promise<T>, schema?: string): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw schemaError(storeError(e), schema);
  }
}

/**
 * `npm run migrate`: brings a PostgreSQL schema to this code's version (`migrate()` of
 * `scene-radar/adapters/postgres`: versioned SQL under an advisory lock, recorded in
 * `scene_radar_migrations`) and prints the version before and after. Idempotent: a second run
 * applies nothing. Exits 0 when the schema is current, 1 when the server cannot be reached or the
 * schema is newer than this code, 2 on a usage mistake (docs/persistence.md).
 *
 *   npm run migrate -- --postgres postgres://user@host:5432/database [--schema <name>]
 */
import { isSceneRadarError } from 'scene-radar';
import { describePostgres, type MigrateResult, migrate, POSTGRES_SCHEMA_VERSION } from 'scene-radar/adapters/postgres';
import { isMain } from '../examples/demo-radar.js';
import { parseCommandLine, POSTGRES_ENV, type PostgresTarget, postgresTarget, UsageError } from './command-line.js';

/** The command line's options, as {@link parseMigrateArgs} returns them. */
export interface ParsedMigrateArgs {
  /** The database and schema; undefined only with `--help`. */
  readonly postgres: PostgresTarget | undefined;
  /** `--help`. */
  readonly help: boolean;
}

const USAGE =
  'usage: npm run migrate -- --postgres <url> [--schema <name>]\n' +
  `  --postgres  the database, postgres://user@host:5432/database (env ${POSTGRES_ENV.url})\n` +
  `  --schema    the PostgreSQL schema holding the tables, created if missing (default public; env ${POSTGRES_ENV.schema})`;

/**
 * The options of a command line (`--postgres <url> --schema <name>`), the database falling back
 * to `$SCENE_RADAR_POSTGRES_URL` and `$SCENE_RADAR_POSTGRES_SCHEMA`, or a {@link UsageError}
 * (a database is required).
 */
export function parseMigrateArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ParsedMigrateArgs {
  const { values } = parseCommandLine(argv, {
    postgres: { type: 'string' },
    schema: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const help = values.help ?? false;
  const postgres = postgresTarget(values, env);
  if (postgres === undefined && !help)
    throw new UsageError(`--postgres <url> is required (or set ${POSTGRES_ENV.url}): the database to migrate`);
  return { postgres, help };
}

/**
 * True for an error the PostgreSQL server answered (`pg`'s DatabaseError: a `severity` and a
 * five-character SQLSTATE `code`), such as a role or a database that does not exist.
 */
export function isPostgresRefusal(e: unknown): e is Error & { readonly code: string } {
  const { severity, code } = (e ?? {}) as { severity?: unknown; code?: unknown };
  return e instanceof Error && typeof severity === 'string' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/**
 * The server's refusal behind `e`: `e` itself, or the cause of the adapter's `STORE_UNAVAILABLE`
 * for a refused login (a database or role that does not exist, a wrong password: 3D000, class 28).
 * Any other cause (a lock or statement timeout) keeps the adapter's own message.
 */
export function postgresRefusal(e: unknown): (Error & { readonly code: string }) | undefined {
  if (isPostgresRefusal(e)) return e;
  const cause = (e as { cause?: unknown } | null)?.cause;
  return isPostgresRefusal(cause) && /^(3D000|28)/.test(cause.code) ? cause : undefined;
}

/** One line for {@link isPostgresRefusal}'s errors, with what to check. */
export function describePostgresRefusal(e: Error & { readonly code: string }): string {
  return `PostgreSQL refused (SQLSTATE ${e.code}): ${e.message}: check the user, password, database and rights in the URL`;
}

/** What a run prints once the schema is current. */
export function describeResult(result: MigrateResult): string {
  return result.applied.length === 0
    ? `schema "${result.schema}": version ${result.from} -> ${result.to} (already current, nothing to apply)`
    : `schema "${result.schema}": version ${result.from} -> ${result.to} (applied ${result.applied.join(', ')})`;
}

/** Where {@link runMigrate} reads its environment and writes its lines (the process's, by default). */
export interface MigrateIo {
  /** The environment the database falls back to. */
  readonly env?: NodeJS.ProcessEnv;
  /** Writes a line to standard output. */
  readonly log?: (line: string) => void;
  /** Writes a line to standard error. */
  readonly error?: (line: string) => void;
}

/**
 * Runs `npm run migrate` on `argv`; resolves with the exit code: 0 when the schema is current
 * (migrated now or already), 1 when it cannot be (the server cannot be reached, the schema is
 * newer than this code, `pg` is missing), 2 on a usage mistake (printed with the usage).
 */
export async function runMigrate(argv: readonly string[], io: MigrateIo = {}): Promise<0 | 1 | 2> {
  const log = io.log ?? ((line: string) => console.log(line));
  const error = io.error ?? ((line: string) => console.error(line));
  let options: ParsedMigrateArgs;
  try {
    options = parseMigrateArgs(argv, io.env ?? process.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    error(`migrate: ${e.message}\n${USAGE}`);
    return 2;
  }
  if (options.help || options.postgres === undefined) {
    log(USAGE);
    return 0;
  }
  const { url, schema } = options.postgres;
  log(`Migrating ${describePostgres(url, schema)} to version ${POSTGRES_SCHEMA_VERSION}...`);
  try {
    log(describeResult(await migrate({ connectionString: url, ...(schema === undefined ? {} : { schema }) })));
    return 0;
  } catch (e) {
    // STORE_UNAVAILABLE (server unreachable), STORE_SCHEMA_MISMATCH (a newer schema), CONFIG_INVALID
    // (no pg): the message says what to do. Anything else is a bug: thrown, printed whole.
    // A refusal by the server itself (a wrong role, password or database, a missing right): `pg`'s
    // DatabaseError, said in one line too.
    const refusal = postgresRefusal(e);
    if (refusal) {
      error(`migrate: ${describePostgresRefusal(refusal)}`);
      return 1;
    }
    if (!isSceneRadarError(e)) throw e;
    error(`migrate: ${e.code}: ${e.message}`);
    // The server's own words (which object collides or is missing) for the operator at the
    // terminal: the error's message, which an API client may read, gives the SQLSTATE only.
    const cause = (e as { cause?: unknown }).cause;
    if (
      e.code === 'STORE_SCHEMA_MISMATCH' &&
      cause instanceof Error &&
      typeof (cause as { code?: unknown }).code === 'string'
    )
      error(`  PostgreSQL said: ${cause.message}`);
    return 1;
  }
}

if (isMain(import.meta.url)) process.exitCode = await runMigrate(process.argv.slice(2));

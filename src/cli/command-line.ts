/**
 * @module cli/command-line
 * The one argument parser of the `scene-radar` command and of the repository's scripts
 * (`npm run serve`, `npm run migrate`, `npm run backtest`, `npm run fit-defaults`, `npm run bench`):
 * `node:util` `parseArgs`, with every mistake turned into a {@link UsageError} whose message names
 * the argument in the same words for every command, so each command prints it with its usage and
 * exits 2.
 */
import { parseArgs } from 'node:util';
import { checkSchemaName } from '../../adapters/postgres/connection.js';
import { END_INSTANT_MS, FIRST_INSTANT_MS } from '../core/validation.js';

/** A command-line mistake: the message says what and how to fix it. Commands exit 2 on it. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The flags a command takes: each a string (`--name <value>`) or a boolean (`--name`), with an optional one-letter alias. */
export type FlagSpecs = Readonly<Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>>;

/** What each flag parsed to: its value, `true` for a boolean flag given, absent when not given. */
export type FlagValues<F extends FlagSpecs> = {
  -readonly [K in keyof F]?: F[K]['type'] extends 'boolean' ? boolean : string;
};

/** A parsed command line. */
export interface CommandLine<F extends FlagSpecs> {
  /** The flags given. */
  readonly values: FlagValues<F>;
  /** Arguments that are not flags (only when the command takes them). */
  readonly positionals: readonly string[];
}

/**
 * Parses `argv` against `flags` with `node:util` `parseArgs`. Refuses, with a {@link UsageError}:
 * a flag not in `flags` or a positional argument (unless `options.positionals`) as
 * `unknown argument: <arg>`; a string flag without a value, or followed by another flag, as
 * `<flag> needs a value` (a value that starts with a dash is written `--flag=-1`), or an empty value
 * (`--flag=`, `--flag ''`) as `<flag> needs a value (it is empty)`; a value given to
 * a boolean flag as `<flag> takes no value`. A flag given twice keeps its last value.
 * @example
 * ```ts
 * parseCommandLine(['--port', '8787', '-h'], { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } }).values;
 * // { port: '8787', help: true }
 * ```
 */
export function parseCommandLine<F extends FlagSpecs>(
  argv: readonly string[],
  flags: F,
  options: { readonly positionals?: boolean } = {},
): CommandLine<F> {
  // Not strict: parseArgs's own errors word each mistake differently and name no fix; the tokens
  // let every command say the same thing about the same mistake.
  const { values, positionals, tokens } = parseArgs({
    args: [...argv],
    options: flags,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (options.positionals !== true) throw new UsageError(`unknown argument: ${token.value}`);
    } else if (token.kind === 'option') {
      const spec = Object.hasOwn(flags, token.name) ? flags[token.name] : undefined;
      if (spec === undefined) {
        // A group of short flags (`-out`) is split into its letters: name the argument as typed.
        const typed = token.rawName.startsWith('--') ? token.rawName : (argv[token.index] ?? token.rawName);
        throw new UsageError(
          `unknown argument: ${typed}${token.rawName.startsWith('--') || typed.length <= 2 ? '' : ' (long flags take two dashes)'}`,
        );
      }
      if (spec.type === 'boolean' && token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
      // An empty value (`--data=`, or `--data "$DIR"` with DIR unset) is never meant: `--data ''`
      // would read the current folder, `--out ''` fail after the work is done.
      if (spec.type === 'string' && token.value === '')
        throw new UsageError(`${token.rawName} needs a value (it is empty)`);
      // parseArgs takes the next argument as the value whatever it is: `--out --json x` would set
      // `--out` to '--json'. A value starting with a dash must be written inline (`--n=-1`).
      if (spec.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))))
        throw new UsageError(
          token.value === undefined || token.value.startsWith('--')
            ? `${token.rawName} needs a value`
            : `${token.rawName} needs a value (write ${token.rawName}=${token.value} if that is it)`,
        );
    }
  }
  // Every token was checked against `flags` above, so each value has its flag's type.
  return { values: values as FlagValues<F>, positionals };
}

/**
 * True when `text` starts with a real calendar day `YYYY-MM-DD` (`2025-02-28`, or the day of an
 * instant `2025-02-28T10:00:00Z`). `Date.parse` alone accepts `2025-02-30` and rolls it into March,
 * so a mistyped day would be served as another one without a word.
 * @example
 * ```ts
 * isCalendarDay('2024-02-29'); // true
 * isCalendarDay('2025-02-30'); // false
 * ```
 */
export function isCalendarDay(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (m === null) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/**
 * Whether an instant (ms since the epoch) falls in the years 1000-9999 once in UTC, the range the
 * engines take: the text's own year is not enough, an offset can move the instant out of it.
 * @example
 * ```ts
 * inYears1000To9999(Date.parse('1000-01-01T00:00:00+01:00')); // false: 0999-12-31T23:00Z
 * ```
 */
export function inYears1000To9999(ms: number): boolean {
  return Number.isFinite(ms) && ms >= FIRST_INSTANT_MS && ms < END_INSTANT_MS;
}

/** A PostgreSQL database named on a command line: where the owned tables live. */
export interface PostgresTarget {
  /** The connection string, `postgres://user@host:5432/database`. */
  readonly url: string;
  /** The PostgreSQL schema holding the tables; undefined for the adapter's default (`public`). */
  readonly schema?: string | undefined;
}

/** The environment variables {@link postgresTarget} falls back to. */
export const POSTGRES_ENV = { url: 'SCENE_RADAR_POSTGRES_URL', schema: 'SCENE_RADAR_POSTGRES_SCHEMA' } as const;

/**
 * Whether `url` is a PostgreSQL URL pg can connect with: `postgres://` or `postgresql://`, a
 * well-formed URL, with a host, or with none and a Unix socket's folder as `?host=/path` (where a
 * user may stand before an empty host, `postgres://user@/db?host=/tmp`, which WHATWG URLs refuse).
 */
function isPostgresUrl(url: string): boolean {
  if (!/^postgres(?:ql)?:\/\//.test(url)) return false;
  const parse = (text: string): URL | undefined => {
    try {
      return new URL(text);
    } catch {
      return undefined;
    }
  };
  const parsed = parse(url);
  if (parsed?.host) return true;
  // No host: only a socket folder will do (read with a placeholder host where a user precedes it).
  const socket = (parsed ?? parse(url.replace(/@\//, '@localhost/')))?.searchParams.get('host');
  return typeof socket === 'string' && socket.startsWith('/');
}

/**
 * The database of `--postgres <url>` (else `$SCENE_RADAR_POSTGRES_URL`) and `--schema <name>`
 * (else `$SCENE_RADAR_POSTGRES_SCHEMA`), shared by `npm run serve` and `npm run migrate`;
 * undefined when no URL is given. Refuses, with a {@link UsageError} naming the flag or variable:
 * a schema without a URL, a URL that is not `postgres://` or `postgresql://` (the message never
 * repeats the value, which may hold a password), a schema name that is empty or longer than 63
 * bytes in UTF-8 (PostgreSQL's limit: it truncates a longer name). An empty variable counts as unset.
 */
export function postgresTarget(
  values: { readonly postgres?: string | undefined; readonly schema?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): PostgresTarget | undefined {
  const fromEnv = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const urlName = values.postgres !== undefined ? '--postgres' : POSTGRES_ENV.url;
  const url = values.postgres ?? fromEnv(POSTGRES_ENV.url);
  const schemaName = values.schema !== undefined ? '--schema' : POSTGRES_ENV.schema;
  const schema = values.schema ?? fromEnv(POSTGRES_ENV.schema);
  if (url === undefined) {
    if (schema !== undefined) throw new UsageError(`${schemaName} needs --postgres <url> (or ${POSTGRES_ENV.url})`);
    return undefined;
  }
  if (!isPostgresUrl(url)) throw new UsageError(`${urlName} must be a URL like postgres://user@host:5432/database`);
  // PostgreSQL truncates an identifier to 63 bytes: two longer names (non-ASCII ones of under 63
  // characters) sharing their first 63 bytes would name one schema.
  if (schema !== undefined && (schema.length === 0 || Buffer.byteLength(schema, 'utf8') > 63))
    throw new UsageError(
      `${schemaName} must be a schema name of 1 to 63 characters (at most 63 bytes in UTF-8: PostgreSQL truncates longer names)`,
    );
  // The adapter's other rules, as usage mistakes naming the flag (not CONFIG_INVALID after the connection).
  if (schema !== undefined) {
    try {
      checkSchemaName(schema);
    } catch (error) {
      throw new UsageError(`${schemaName}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return schema === undefined ? { url } : { url, schema };
}

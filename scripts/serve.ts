/**
 * `npm run serve`: the demo world's API over `node:http` (through `toNodeListener`), with curl
 * lines to paste; the server is the `scene-radar serve` command's (src/cli/serve.ts), and
 * `npx scene-radar serve --data <dir>` serves a host's own files the same way (docs/cli.md). Ctrl-C (SIGINT) or SIGTERM closes the server and the radar. Each client address
 * may make 120 requests a minute (a 429 with `Retry-After` past that): `--rate-limit <n>` and
 * `--rate-window <seconds>` (or `SCENE_RADAR_RATE_LIMIT`, `SCENE_RADAR_RATE_WINDOW`) change it, and
 * `--rate-limit 0` turns it off. The tables live in memory, or in PostgreSQL with `--postgres <url>`
 * (or `SCENE_RADAR_POSTGRES_URL`), in the schema `--schema` (or `SCENE_RADAR_POSTGRES_SCHEMA`)
 * names, migrated at start; the pool is closed with the radar (docs/persistence.md).
 *
 *   npm run serve -- [--port 8787] [--host 127.0.0.1] [--artists 300] [--rate-limit 120] [--rate-window 60]
 *                    [--postgres postgres://user@host:5432/database [--schema <name>]]
 */
import type { SceneRadar } from 'scene-radar';
import type { ProgressCallback } from 'scene-radar/schemas';
import { type DemoPostgres, isMain, radarFor } from '../examples/demo-radar.js';
import { processIo } from '../src/cli/io.js';
import { progressView } from '../src/cli/progress.js';
import { DEFAULT_SERVE_RATE_LIMIT, DEFAULT_SERVE_RATE_WINDOW_SECONDS, serveRadar } from '../src/cli/serve.js';
import { parseCommandLine, postgresTarget, UsageError } from './command-line.js';
import { describePostgresRefusal, postgresRefusal } from './migrate.js';
import { withDashboard } from '../ui/server.js';

// The repository's one UsageError, re-exported for callers of parseServeArgs.
export { UsageError };

/** Options of {@link start}, as `parseServeArgs` returns them. */
export interface ServeOptions {
  /** Port; 0 picks a free one. @default 8787 on the command line, 0 from code */
  readonly port?: number;
  /** Interface. @default '127.0.0.1' */
  readonly host?: string;
  /** Artists in the demo world. @default 300 */
  readonly artists?: number;
  /** A radar to serve instead of building one (not closed by `close()`). */
  readonly radar?: SceneRadar;
  /**
   * Requests each client address may make per window; past it a 429 with `Retry-After`. 0 turns
   * rate limiting off. @default 120
   */
  readonly rateLimit?: number;
  /** Length of the rate-limit window in seconds. @default 60 */
  readonly rateWindowSeconds?: number;
  /**
   * Keep the demo radar's tables in PostgreSQL (migrated at start; `close()` ends the pool).
   * Ignored when `radar` is given. @default in memory
   */
  readonly postgres?: DemoPostgres | undefined;
  /** Receives the progress of building the demo radar. Ignored when `radar` is given. @default none */
  readonly onProgress?: ProgressCallback;
}

// The defaults of `npm run serve` are the `scene-radar serve` command's.
export { DEFAULT_SERVE_RATE_LIMIT, DEFAULT_SERVE_RATE_WINDOW_SECONDS };

/** The command line's options, as {@link parseServeArgs} returns them. */
export interface ParsedServeArgs {
  /** Port. */
  readonly port: number;
  /** Interface. */
  readonly host: string;
  /** Artists in the demo world. */
  readonly artists: number;
  /** `--rate-limit`, else `$SCENE_RADAR_RATE_LIMIT`; undefined when neither is set (`start` uses its default). */
  readonly rateLimit?: number | undefined;
  /** `--rate-window`, else `$SCENE_RADAR_RATE_WINDOW`; undefined when neither is set (`start` uses its default). */
  readonly rateWindowSeconds?: number | undefined;
  /**
   * `--postgres` (else `$SCENE_RADAR_POSTGRES_URL`) and `--schema` (else
   * `$SCENE_RADAR_POSTGRES_SCHEMA`); undefined when no URL is given (the tables stay in memory).
   */
  readonly postgres?: DemoPostgres | undefined;
  /** `--help`. */
  readonly help: boolean;
}

/** The running server. */
export interface RunningServe {
  /** Its origin. */
  readonly url: string;
  /** Ready-to-paste curl lines against it. */
  readonly curlLines: readonly string[];
  /** An artist of the world, for the profile example. */
  readonly artistSlug: string;
  /** The rate limit per client address, or null when it is off. */
  readonly rateLimit: { readonly limit: number; readonly windowSeconds: number } | null;
  /** Where the radar's tables live: `in memory`, or the PostgreSQL schema and server (no password). */
  readonly tables: string;
  /** Stops the server and closes the radar it built. */
  close(): Promise<void>;
}

const USAGE =
  'usage: npm run serve -- [--port <0-65535>] [--host <address>] [--artists <1-100000>] [--rate-limit <0-1000000>] [--rate-window <1-86400>] [--postgres <url> [--schema <name>]]\n' +
  '  --rate-limit   requests per client address and window, 0 for no limit (default 120; env SCENE_RADAR_RATE_LIMIT)\n' +
  '  --rate-window  window length in seconds (default 60; env SCENE_RADAR_RATE_WINDOW)\n' +
  '  --postgres     keep the tables in PostgreSQL, postgres://user@host:5432/database, migrated at start (default in memory; env SCENE_RADAR_POSTGRES_URL)\n' +
  '  --schema       the PostgreSQL schema holding the tables (default public; env SCENE_RADAR_POSTGRES_SCHEMA)';

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw new UsageError(
      `${name.startsWith('SCENE_RADAR_') ? name : `--${name}`} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`,
    );
  return Number(text);
}

/** The flag's value, else the environment variable's (named in an error), else undefined. */
function optionalInteger(
  flag: string,
  value: string | undefined,
  envName: string,
  env: NodeJS.ProcessEnv,
  min: number,
  max: number,
): number | undefined {
  if (value !== undefined) return integer(flag, value, min, max);
  const fromEnv = env[envName];
  return fromEnv === undefined || fromEnv === '' ? undefined : integer(envName, fromEnv, min, max);
}

/**
 * The options of a command line (`--port 8787 --host 127.0.0.1 --artists 300 --rate-limit 120
 * --rate-window 60 --postgres <url> --schema <name>`), the rate limit falling back to
 * `$SCENE_RADAR_RATE_LIMIT` and `$SCENE_RADAR_RATE_WINDOW`, the database to
 * `$SCENE_RADAR_POSTGRES_URL` and `$SCENE_RADAR_POSTGRES_SCHEMA`, or a {@link UsageError}.
 */
export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ParsedServeArgs {
  const { values } = parseCommandLine(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    artists: { type: 'string' },
    'rate-limit': { type: 'string' },
    'rate-window': { type: 'string' },
    postgres: { type: 'string' },
    schema: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '') throw new UsageError('--host must not be empty');
  return {
    port: integer('port', values.port ?? '8787', 0, 65_535),
    host,
    artists: integer('artists', values.artists ?? '300', 1, 100_000),
    rateLimit: optionalInteger('rate-limit', values['rate-limit'], 'SCENE_RADAR_RATE_LIMIT', env, 0, 1_000_000),
    rateWindowSeconds: optionalInteger('rate-window', values['rate-window'], 'SCENE_RADAR_RATE_WINDOW', env, 1, 86_400),
    postgres: postgresTarget(values, env),
    help: values.help ?? false,
  };
}

/** Starts the demo world's API; `close()` stops it. */
export async function start(options: ServeOptions = {}): Promise<RunningServe> {
  const { radar, tables, release } = await radarFor(options);
  try {
    // The `scene-radar serve` command's server (src/cli/serve.ts): one implementation for both.
    const running = await serveRadar(radar, {
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
      rateLimit: options.rateLimit ?? DEFAULT_SERVE_RATE_LIMIT,
      rateWindowSeconds: options.rateWindowSeconds ?? DEFAULT_SERVE_RATE_WINDOW_SECONDS,
      // The dashboard (issue 18) at `/`, beside the API: ui/server.ts owns it.
      wrapListener: (api) => withDashboard(api),
    });
    return {
      url: running.url,
      curlLines: running.curlLines,
      artistSlug: running.artistSlug,
      rateLimit: running.rateLimit,
      tables,
      async close() {
        await running.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseServeArgs>;
  try {
    options = parseServeArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`serve: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const t0 = performance.now();
  console.log(
    `Building the demo world (${options.artists} artists) and refreshing both engines${options.postgres ? ' on PostgreSQL' : ''}...`,
  );
  // The first refresh and the trend backfill draw their progress on stderr, as `scene-radar serve` does.
  const view = progressView(processIo);
  const running = await start({ ...options, onProgress: view.onProgress }).catch((error: unknown) => {
    view.end();
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE')
      console.error(`serve: ${options.host}:${options.port} is in use; pick another --port (0 picks a free one)`);
    else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      console.error(`serve: cannot listen on --host ${options.host}`);
    else if (postgresRefusal(error)) console.error(`serve: ${describePostgresRefusal(postgresRefusal(error)!)}`);
    else if (code === 'STORE_UNAVAILABLE' || code === 'STORE_SCHEMA_MISMATCH' || code === 'CONFIG_INVALID')
      console.error(`serve: ${(error as Error).message}`);
    else console.error(error);
    process.exit(1);
  });
  view.end();
  console.log(`scene-radar API on ${running.url}/api (ready in ${((performance.now() - t0) / 1000).toFixed(1)} s).`);
  console.log(`Dashboard on ${running.url}/ (docs/ui.md).`);
  if (options.postgres) console.log(`Tables: ${running.tables}.`);
  console.log(
    running.rateLimit === null
      ? 'Rate limit: off (--rate-limit 0).'
      : `Rate limit: ${running.rateLimit.limit} requests per ${running.rateLimit.windowSeconds} s per client address, then 429 (--rate-limit <n>, --rate-window <seconds>; --rate-limit 0 turns it off).`,
  );
  console.log('Try:\n');
  for (const line of running.curlLines) console.log(`  ${line}`);
  console.log('\nCtrl-C stops it.');
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: closing the server and the radar${options.postgres ? ' and the PostgreSQL pool' : ''}`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

if (isMain(import.meta.url)) await main();

/**
 * What the host examples share: the demo world's radar, the options every example's `start`
 * takes, listening on a port, and running an example from the command line.
 *
 *   SCENE_RADAR_DEMO_ARTISTS=60 PORT=8787 npx tsx examples/express.ts
 *   npx tsx examples/express.ts --port 8787 --artists 60
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createSceneRadar, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import {
  describePostgres,
  openPostgresStores,
  POSTGRES_SCHEMA_VERSION,
  type PostgresStores,
} from 'scene-radar/adapters/postgres';
import type { SceneRadarStoreOptions } from 'scene-radar/stores';
import type { ProgressCallback } from 'scene-radar/schemas';

/** Options of every example's `start`. */
export interface ExampleOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Interface to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Artists in the demo world (fewer is faster). @default $SCENE_RADAR_DEMO_ARTISTS, else 300 */
  readonly artists?: number;
  /** A radar to serve instead of building one (it is not closed by `close()`). */
  readonly radar?: SceneRadar;
  /**
   * Keep the demo radar's tables in PostgreSQL instead of in memory (migrated at start, the pool
   * closed with the radar). Ignored when `radar` is given. @default in memory
   */
  readonly postgres?: DemoPostgres;
  /**
   * Receives the progress of building the demo radar (its first refresh, then the 90-day trend
   * backfill). Ignored when `radar` is given. @default none
   */
  readonly onProgress?: ProgressCallback;
}

/** Where a demo radar keeps its tables in PostgreSQL. */
export interface DemoPostgres {
  /** A connection string, `postgres://user@host:5432/database`. */
  readonly url: string;
  /** The PostgreSQL schema holding the tables (created by the migration if missing). @default 'public' */
  readonly schema?: string | undefined;
}

/** A running example. */
export interface RunningExample {
  /** Its origin, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Stops listening, drops open connections and closes the radar it built. */
  close(): Promise<void>;
}

/** Default size of the demo world. */
export const DEFAULT_DEMO_ARTISTS = 300;

/** The demo world's size: the option, else `$SCENE_RADAR_DEMO_ARTISTS`, else 300. */
export function demoArtists(artists?: number, env: NodeJS.ProcessEnv = process.env): number {
  const value = artists ?? (env.SCENE_RADAR_DEMO_ARTISTS ? Number(env.SCENE_RADAR_DEMO_ARTISTS) : DEFAULT_DEMO_ARTISTS);
  if (!Number.isInteger(value) || value < 1 || value > 100_000)
    throw new RangeError(
      `artists must be an integer from 1 to 100000, got ${String(artists ?? env.SCENE_RADAR_DEMO_ARTISTS)}`,
    );
  return value;
}

/** Where a demo radar's tables live once {@link openDemoStores} has migrated them, for printing. */
export function describeDemoTables(url: string, schema = 'public'): string {
  return `${describePostgres(url, schema)} (migrated, schema version ${POSTGRES_SCHEMA_VERSION})`;
}

/**
 * PostgreSQL stores for a demo radar, migrated (`migrate: true`) and checked before returning
 * (`openPostgresStores`), so that a server that cannot be reached fails here
 * (`STORE_UNAVAILABLE`), not halfway through a refresh. `close()` the stores after the radar.
 */
export function openDemoStores(postgres: DemoPostgres): Promise<PostgresStores> {
  return openPostgresStores(
    { connectionString: postgres.url },
    { migrate: true, ...(postgres.schema === undefined ? {} : { schema: postgres.schema }) },
  );
}

/**
 * A radar over a fresh demo world, its catalog imported and both engines refreshed as of now; its
 * tables in `stores` when given (the caller closes them), else in memory.
 */
export async function buildDemoRadar(
  artists?: number,
  stores?: SceneRadarStoreOptions,
  onProgress?: ProgressCallback,
): Promise<SceneRadar> {
  const world = createDemoWorld({ artists: demoArtists(artists) });
  const radar = createSceneRadar({
    sources: world.sources,
    ...(stores ? { stores } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
  try {
    await radar.scenes.importCatalog(world.catalog);
    const report = await radar.refresh();
    // The demo world has a history: replay its last 90 days of scene trends, so a trend (the
    // dashboard's chart, `GET /api/scenes/:slug/trends`) shows more than today's point.
    const last = Date.parse(report.talent.asOf) - 86_400_000;
    await radar.scenes.backfillTrends({ from: new Date(last - 89 * 86_400_000), to: new Date(last) });
  } catch (error) {
    await radar.close();
    throw error;
  }
  return radar;
}

/** What {@link radarFor} gives: the radar, where its tables live, and how to let it go. */
export interface DemoRadarHandle {
  /** The radar. */
  readonly radar: SceneRadar;
  /** Where its tables live, for printing: `in memory`, or the PostgreSQL schema and server (no password). */
  readonly tables: string;
  /** Closes the radar (and the PostgreSQL pool) if this call built it; a no-op for the options' radar. */
  release(): Promise<void>;
}

/**
 * The options' radar, or a new demo radar that `release` closes, its tables in PostgreSQL when
 * `options.postgres` is given (the pool closed by `release` too), else in memory.
 */
export async function radarFor(options: ExampleOptions): Promise<DemoRadarHandle> {
  if (options.radar) return { radar: options.radar, tables: 'the given radar', release: async () => {} };
  if (!options.postgres) {
    const radar = await buildDemoRadar(options.artists, undefined, options.onProgress);
    return { radar, tables: 'in memory', release: () => radar.close() };
  }
  const stores = await openDemoStores(options.postgres);
  let radar: SceneRadar;
  try {
    radar = await buildDemoRadar(options.artists, stores, options.onProgress);
  } catch (error) {
    await stores.close();
    throw error;
  }
  return {
    radar,
    tables: describeDemoTables(options.postgres.url, stores.schema),
    async release() {
      try {
        await radar.close();
      } finally {
        await stores.close();
      }
    },
  };
}

/** The origin to print for a listening server (a wildcard address is reached on loopback). */
export function urlOf(address: AddressInfo | string | null): string {
  if (address === null || typeof address === 'string') throw new Error('server is not listening on a TCP port');
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/** Listens on `port` and `host`; resolves with the origin. */
export function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(urlOf(server.address()));
    });
  });
}

/** Stops `server`, dropping keep-alive connections so that it closes at once. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** True when `moduleUrl` is the script Node was started with (not imported by a test). */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(script).href === moduleUrl;
}

/**
 * Runs an example from the command line: `--port` (or the first argument, or `$PORT`; default 0),
 * `--host`, `--artists`; prints the URL and a first request; closes on SIGINT or SIGTERM. A bad flag
 * exits 2 and a port in use 1, each with one line naming it.
 */
export async function runExample(
  name: string,
  start: (options: ExampleOptions) => Promise<RunningExample>,
  firstPath = '/api/talent/pulse?limit=5',
): Promise<void> {
  // A mistake on the command line, or a port in use: one line naming it, not a stack trace.
  const fail = (message: string, code: number): never => {
    console.error(`${name}: ${message}`);
    process.exit(code);
  };
  let parsed: { values: { port?: string; host?: string; artists?: string }; positionals: string[] };
  try {
    parsed = parseArgs({
      options: { port: { type: 'string' }, host: { type: 'string' }, artists: { type: 'string' } },
      allowPositionals: true,
    });
  } catch (error) {
    parsed = fail(
      `${(error as Error).message}\nusage: npx tsx <example> [--port <0-65535>] [--host <address>] [--artists <1-100000>]`,
      2,
    );
  }
  const { values, positionals } = parsed;
  const portText = values.port ?? positionals[0] ?? process.env.PORT ?? '0';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) fail(`port must be an integer from 0 to 65535, got ${portText}`, 2);
  if (values.artists !== undefined && !/^\d+$/.test(values.artists))
    fail(`artists must be an integer from 1 to 100000, got ${values.artists}`, 2);
  const host = values.host ?? '127.0.0.1';
  const running = await start({
    port,
    ...(values.host ? { host: values.host } : {}),
    ...(values.artists ? { artists: Number(values.artists) } : {}),
  }).catch((error: unknown): never => {
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE') return fail(`${host}:${port} is in use; pick another --port (0 picks a free one)`, 1);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return fail(`cannot listen on --host ${host}`, 1);
    if (error instanceof RangeError) return fail(error.message, 2);
    throw error;
  });
  console.log(`${name} listening on ${running.url}`);
  console.log(`try: curl -s '${running.url}${firstPath}'`);
  const stop = (): void => {
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

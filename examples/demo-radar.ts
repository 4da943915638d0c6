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

/** A radar over a fresh demo world, its catalog imported and both engines refreshed as of now. */
export async function buildDemoRadar(artists?: number): Promise<SceneRadar> {
  const world = createDemoWorld({ artists: demoArtists(artists) });
  const radar = createSceneRadar({ sources: world.sources });
  try {
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh();
  } catch (error) {
    await radar.close();
    throw error;
  }
  return radar;
}

/** The options' radar, or a new demo radar that `release` closes. */
export async function radarFor(options: ExampleOptions): Promise<{ radar: SceneRadar; release(): Promise<void> }> {
  if (options.radar) return { radar: options.radar, release: async () => {} };
  const radar = await buildDemoRadar(options.artists);
  return { radar, release: () => radar.close() };
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
 * `--host`, `--artists`; prints the URL and a first request; closes on SIGINT or SIGTERM.
 */
export async function runExample(
  name: string,
  start: (options: ExampleOptions) => Promise<RunningExample>,
  firstPath = '/api/talent/pulse?limit=5',
): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { port: { type: 'string' }, host: { type: 'string' }, artists: { type: 'string' } },
    allowPositionals: true,
  });
  const portText = values.port ?? positionals[0] ?? process.env.PORT ?? '0';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new RangeError(`port must be an integer from 0 to 65535, got ${portText}`);
  const running = await start({
    port,
    ...(values.host ? { host: values.host } : {}),
    ...(values.artists ? { artists: Number(values.artists) } : {}),
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

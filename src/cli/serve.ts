/**
 * @module cli/serve
 * `scene-radar serve`: a radar's API over `node:http` (the fetch handler through the Node glue),
 * with a per-address rate limit, the health route told which sources were given, and curl lines
 * to paste. `npm run serve` (scripts/serve.ts) is this same code over the demo world.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleClientErrors, toNodeListener } from '../../adapters/node/index.js';
import { createFetchHandler } from '../api/handler.js';
import type { HealthOptions } from '../api/health.js';
import { createMemoryRateLimiter } from '../api/rate-limit.js';
import type { SceneRadar } from '../radar.js';
import { exampleArtist } from './demo.js';

/** Requests per client address and window, unless told otherwise. */
export const DEFAULT_SERVE_RATE_LIMIT = 120;
/** The rate-limit window, in seconds, unless told otherwise. */
export const DEFAULT_SERVE_RATE_WINDOW_SECONDS = 60;

/** Options of {@link serveRadar}. */
export interface ServeRadarOptions {
  /** Port; 0 picks a free one. @default 8787 */
  readonly port?: number;
  /** Interface. @default '127.0.0.1' */
  readonly host?: string;
  /** Requests per client address and window; 0 turns the limit off. @default 120 */
  readonly rateLimit?: number;
  /** The window, seconds. @default 60 */
  readonly rateWindowSeconds?: number;
  /** The health route's options (the sources given, extra stores and cache tiers). @default {} */
  readonly health?: HealthOptions;
  /** Where a 500's cause is reported. @default stderr with the request id */
  readonly onError?: (error: unknown, requestId: string) => void;
  /**
   * Wraps the API's Node listener (to serve something beside it, such as a dashboard at `/`).
   * @default the API alone
   */
  readonly wrapListener?: (listener: RequestListener) => RequestListener | Promise<RequestListener>;
}

/** A running server. */
export interface RunningServer {
  /** Its origin, `http://127.0.0.1:8787`. */
  readonly url: string;
  /** The rate limit per client address, or null when off. */
  readonly rateLimit: { readonly limit: number; readonly windowSeconds: number } | null;
  /** Ready-to-paste curl lines against it. */
  readonly curlLines: readonly string[];
  /** An artist with a profile, for the examples. */
  readonly artistSlug: string;
  /**
   * Stops listening and drains: idle connections close at once, requests in flight get their
   * answers (for up to {@link SERVE_DRAIN_MS}), then what is left is cut (the radar is the
   * caller's to close).
   */
  close(): Promise<void>;
}

/** The origin to print for a listening server (a wildcard address is reached on loopback). */
export function urlOf(address: AddressInfo | string | null): string {
  if (address === null || typeof address === 'string') throw new Error('server is not listening on a TCP port');
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(urlOf(server.address()));
    });
  });
}

/** How long a stop waits for the answers in flight before it cuts their connections. */
export const SERVE_DRAIN_MS = 10_000;

/**
 * Stops listening, then drains: idle connections close at once, a connection with a request in
 * flight closes once its answer is written (a rolling deploy's clients get their answers, not a
 * reset), and whatever is still open after `drainMs` is cut.
 */
function closeServer(server: Server, drainMs = SERVE_DRAIN_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    // A keep-alive connection turns idle after its answer: swept until the last one has closed.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => server.closeAllConnections(), drainMs);
    server.close((error) => {
      clearInterval(sweep);
      clearTimeout(cut);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

/** Requests to try against a served radar: the seed's four, then the other routes. */
async function curlLinesOf(radar: SceneRadar, url: string): Promise<{ lines: string[]; artistSlug: string }> {
  const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 1 });
  const scene = (await radar.scenes.listScenes({ limit: 1 })).items[0]?.slug ?? 'indie-uk-brighton';
  // A tiny world may have nobody in the pulse's lists: any artist the radar knows will do.
  const artistSlug = (await exampleArtist(radar, pulse)) ?? 'unknown-artist';
  const api = `${url}/api`;
  return {
    artistSlug,
    lines: [
      `curl -s '${api}/talent/pulse?limit=20'`,
      `curl -s '${api}/talent/artists/${artistSlug}'`,
      `curl -s '${api}/scenes/invalid-slug-!!!'`,
      `curl -s '${api}/talent/artists/unknown-artist'`,
      `curl -s '${api}/scene-pulse?limit=5'`,
      `curl -s '${api}/scenes/${scene}/pulse'`,
      `curl -s '${api}/talent/top?category=breakout&limit=5'`,
      `curl -si -X POST '${api}/talent/pulse'`,
      `curl -s '${api}/health'`,
      `curl -s '${api}/openapi.json'`,
    ],
  };
}

/**
 * Serves `radar`'s API on `port` and `host`: the fetch handler (with its health route and OpenAPI
 * document) through `toNodeListener`, each client address limited to `rateLimit` requests a
 * window. `close()` stops the server; the radar stays open (the caller closes it).
 * @example
 * ```ts
 * const running = await serveRadar(radar, { port: 0 });
 * await fetch(`${running.url}/api/health`);
 * await running.close();
 * ```
 */
export async function serveRadar(radar: SceneRadar, options: ServeRadarOptions = {}): Promise<RunningServer> {
  const limit = options.rateLimit ?? DEFAULT_SERVE_RATE_LIMIT;
  const windowSeconds = options.rateWindowSeconds ?? DEFAULT_SERVE_RATE_WINDOW_SECONDS;
  const report = options.onError ?? ((error: unknown, requestId: string) => console.error(`[${requestId}]`, error));
  // Keyed by the socket's address (the handler's default): behind a proxy every client would share one key.
  const rateLimit = limit === 0 ? null : { limit, windowSeconds };
  const handler = createFetchHandler(radar, {
    onError: (error, { requestId }) => report(error, requestId),
    health: options.health ?? {},
    ...(rateLimit === null
      ? {}
      : { rateLimit: { limiter: createMemoryRateLimiter({ limit, windowMs: windowSeconds * 1000 }) } }),
  });
  const api = toNodeListener(handler, { onError: (error, { requestId }) => report(error, requestId) });
  // A malformed request pipelined behind a valid one is answered after it, not in its place.
  const server = handleClientErrors(createServer(options.wrapListener ? await options.wrapListener(api) : api));
  const url = await listen(server, options.port ?? 8787, options.host ?? '127.0.0.1');
  try {
    const { lines, artistSlug } = await curlLinesOf(radar, url);
    return { url, rateLimit, curlLines: lines, artistSlug, close: () => closeServer(server) };
  } catch (error) {
    await closeServer(server);
    throw error;
  }
}

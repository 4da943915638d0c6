/**
 * Serves the Next.js route module (`app/api/[...path]/route.ts`) over `node:http` without Next,
 * the way the App Router calls it: a path below `/api/` goes to the exported function of the
 * request's method with `(request, { params: Promise<{ path: string[] }> })`; HEAD without a HEAD
 * export runs GET and drops the body; a method with no export is a bare 405 with `Allow`; any
 * other path is a plain 404. This is a stand-in so that tests and curl can reach the route on
 * loopback; it is not Next (no middleware, no trailing-slash redirects, no build). The route builds
 * its own radar, sized by `$SCENE_RADAR_DEMO_ARTISTS`.
 *
 *   SCENE_RADAR_DEMO_ARTISTS=60 npx tsx examples/next/serve.ts --port 8787
 */
import { createServer } from 'node:http';
import { toNodeListener } from 'scene-radar/adapters/node';
import {
  closeServer,
  demoArtists,
  isMain,
  listen,
  runExample,
  type ExampleOptions,
  type RunningExample,
} from '../demo-radar.js';
import { closeSceneRadar } from './lib/scene-radar';
import * as route from './app/api/[...path]/route';

type RouteHandler = (request: Request, context: { params: Promise<{ path: string[] }> }) => Promise<Response>;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const exported = route as unknown as Partial<Record<(typeof METHODS)[number], RouteHandler>>;

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Calls the route module as Next's App Router would, for a request to `app/api/[...path]`. */
async function dispatch(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  const segments = pathname.startsWith('/api/') ? pathname.slice('/api/'.length).split('/').filter(Boolean) : [];
  if (segments.length === 0)
    return new Response('This page could not be found.\n', {
      status: 404,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  const context = { params: Promise.resolve({ path: segments.map(decodeSegment) }) };
  const method = request.method as (typeof METHODS)[number];
  const own = exported[method];
  if (own) return own(request, context);
  if (method === 'HEAD' && exported.GET) {
    const response = await exported.GET(new Request(request.url, { headers: request.headers }), context);
    await response.body?.cancel();
    return new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers });
  }
  const allow = METHODS.filter((m) => exported[m] || (m === 'HEAD' && exported.GET));
  return new Response(null, { status: 405, headers: { allow: allow.join(', ') } });
}

/**
 * Starts the route module on `node:http`; `close()` stops it and closes the route's radar. The
 * route builds its radar itself on the first request: `artists` sets `$SCENE_RADAR_DEMO_ARTISTS`
 * for it (a `radar` option cannot be handed to a Next route and is not accepted).
 */
export async function start(options: Omit<ExampleOptions, 'radar'> = {}): Promise<RunningExample> {
  // Checked now, as the other examples check it (a RangeError: exit 2), not at the first request.
  const artists = demoArtists(options.artists);
  process.env.SCENE_RADAR_DEMO_ARTISTS = String(artists);
  // A route that throws is said on stderr with its request id, as Next would log it.
  const onError = (error: unknown, { requestId }: { requestId: string }): void => {
    console.error(`next route: request ${requestId} failed:`, error);
  };
  const server = createServer(toNodeListener(dispatch, { onError }));
  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url,
    async close() {
      await closeServer(server);
      await closeSceneRadar();
    },
  };
}

if (isMain(import.meta.url)) await runExample('next route (served without Next)', start);

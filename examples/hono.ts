/**
 * The scene-radar API inside a Hono app served by @hono/node-server. Hono speaks `Request` and
 * `Response` already, so there is no glue beyond handing over the client's address and the raw
 * request target: `app.all('/api/*', (c) => handler(c.req.raw, { rawUrl: c.env.incoming.url }))`.
 *
 *   npx tsx examples/hono.ts --port 8787 [--artists 60]
 */
import type { Server } from 'node:http';
import { serve, type HttpBindings } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { createFetchHandler } from 'scene-radar/api';
import {
  closeServer,
  isMain,
  radarFor,
  runExample,
  urlOf,
  type ExampleOptions,
  type RunningExample,
} from './demo-radar.js';

/** Starts the Hono example; `close()` stops it. */
export async function start(options: ExampleOptions = {}): Promise<RunningExample> {
  const { radar, release } = await radarFor(options);
  const handler = createFetchHandler(radar, { onError: (error, { requestId }) => console.error(requestId, error) });
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.get('/', (c) => c.text('A Hono app with the scene-radar API under /api\n'));
  // The client's address feeds the handler's rate limiter, when one is configured. The request
  // target as the client sent it (`rawUrl`) lets the handler refuse `.`/`..` segments, which the
  // URL of `c.req.raw` no longer shows (docs/reliability.md, "Dot segments and encoded slashes").
  app.all('/api/*', (c) => {
    const address = getConnInfo(c).remote.address;
    const rawUrl = c.env.incoming.url;
    return handler(c.req.raw, {
      ...(address === undefined ? {} : { clientAddress: address }),
      ...(rawUrl === undefined ? {} : { rawUrl }),
    });
  });
  let server: Server;
  const url = await new Promise<string>((resolve, reject) => {
    // overrideGlobalObjects: false keeps the global Request and Response as Node's own (the
    // default swaps in lighter ones for the whole process, other servers in it included).
    server = serve(
      {
        fetch: app.fetch,
        port: options.port ?? 0,
        hostname: options.host ?? '127.0.0.1',
        overrideGlobalObjects: false,
      },
      (info) => resolve(urlOf(info)),
    ) as Server;
    server.once('error', reject);
  }).catch(async (error: unknown) => {
    await release();
    throw error;
  });
  return {
    url,
    async close() {
      await closeServer(server);
      await release();
    },
  };
}

if (isMain(import.meta.url)) await runExample('hono example', start);

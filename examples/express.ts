/**
 * The scene-radar API inside an Express 5 app: `expressMiddleware` answers everything under
 * `/api` (404 and 405 envelopes included) and passes every other request on with `next()`, so the
 * app's own routes keep working beside it.
 *
 *   npx tsx examples/express.ts --port 8787 [--artists 60]
 */
import { createServer } from 'node:http';
import express from 'express';
import { createFetchHandler } from 'scene-radar/api';
import { expressMiddleware } from 'scene-radar/adapters/node';
import {
  closeServer,
  isMain,
  listen,
  radarFor,
  runExample,
  type ExampleOptions,
  type RunningExample,
} from './demo-radar.js';

/** Starts the Express example; `close()` stops it. */
export async function start(options: ExampleOptions = {}): Promise<RunningExample> {
  const { radar, release } = await radarFor(options);
  const app = express();
  // The API first, so that no body parser of the app reads request bodies before it.
  app.use(
    expressMiddleware(
      createFetchHandler(radar, { onError: (error, { requestId }) => console.error(requestId, error) }),
    ),
  );
  // The host's own routes, reached through the middleware's next().
  app.get('/', (_req, res) => {
    res.type('text/plain').send('An Express app with the scene-radar API under /api\n');
  });
  const server = createServer(app);
  const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1').catch(async (error: unknown) => {
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

if (isMain(import.meta.url)) await runExample('express example', start);

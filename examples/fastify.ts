/**
 * The scene-radar API inside a Fastify 5 app: `fastifyPlugin` registers `/api` and `/api/*` for
 * every method and answers through `reply`, so Fastify's hooks and logging see each response.
 *
 *   npx tsx examples/fastify.ts --port 8787 [--artists 60]
 */
import Fastify from 'fastify';
import { createFetchHandler } from 'scene-radar/api';
import { fastifyPlugin } from 'scene-radar/adapters/node';
import { isMain, radarFor, runExample, urlOf, type ExampleOptions, type RunningExample } from './demo-radar.js';

/** Starts the Fastify example; `close()` stops it. */
export async function start(options: ExampleOptions = {}): Promise<RunningExample> {
  const { radar, release } = await radarFor(options);
  const app = Fastify({ logger: false, forceCloseConnections: true });
  await app.register(
    fastifyPlugin(createFetchHandler(radar, { onError: (error, { requestId }) => console.error(requestId, error) })),
  );
  // The host's own route, beside the plugin (whose body parsers stay inside its scope).
  app.get('/', async () => 'A Fastify app with the scene-radar API under /api\n');
  try {
    await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    await release();
    throw error;
  }
  return {
    url: urlOf(app.server.address()),
    async close() {
      await app.close();
      await release();
    },
  };
}

if (isMain(import.meta.url)) await runExample('fastify example', start);

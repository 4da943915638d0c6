/**
 * A host page embedding the dashboard's web components (`scene-radar/ui`) next to its own
 * content: examples/ui-host.html, with the API kit mounted at `/radar/api` (not the default
 * `/api`, to show the `base` attribute) and the bundle at `/ui/scene-radar-ui.js`.
 *
 *   npx tsx examples/ui-host.ts --port 8788 --artists 120   # then open http://127.0.0.1:8788/
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { toNodeListener } from 'scene-radar/adapters/node';
import { createFetchHandler } from 'scene-radar/api';
import { buildUiBundle, dashboardHandler } from '../ui/server.js';
import {
  closeServer,
  type ExampleOptions,
  isMain,
  listen,
  radarFor,
  type RunningExample,
  runExample,
} from './demo-radar.js';

const PAGE = readFileSync(fileURLToPath(new URL('./ui-host.html', import.meta.url)));

/** Serves the host page, the bundle and the API (at `/radar/api`); `close()` stops it. */
export async function start(options: ExampleOptions = {}): Promise<RunningExample> {
  const { radar, release } = await radarFor(options);
  try {
    const api = toNodeListener(createFetchHandler(radar, { basePath: '/radar/api' }));
    // The bundle only: the page is the host's own (the dashboard page of ui/server.ts is not used).
    const bundle = dashboardHandler(await buildUiBundle(), { pagePath: '/dashboard', apiBase: '/radar/api' });
    const server = createServer((req, res) => {
      if (req.method === 'GET' && (req.url === '/' || req.url === '/index.html')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(PAGE);
      } else if (!bundle(req, res)) api(req, res);
    });
    const url = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
    return {
      url,
      async close() {
        await closeServer(server);
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

if (isMain(import.meta.url)) await runExample('ui host page', start, '/');

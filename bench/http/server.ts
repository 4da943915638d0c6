/**
 * The servers of the HTTP load suite (`bench/suites/http.ts`), each in a process of its own,
 * driven over IPC.
 *
 * - `sdk`: what `npm run serve` runs (scripts/serve.ts `start`: `toNodeListener(createFetchHandler(radar))`)
 *   with the rate limit off, on the demo world (300 artists, refreshed) at a fixed instant, so the
 *   bytes are the same from run to run and from tree to tree. It answers
 *   `ready` with its origin and, for each benchmarked path, the exact body and content type it
 *   serves (each path asked once, so warm routes are warm).
 * - `bare`: a `node:http` server that returns those bytes for those paths (a map lookup by
 *   `req.url`) with the same headers, and does nothing else: the limit the SDK is measured against.
 *
 * Between runs the parent sends `begin` (a full GC unless `gc: false`, then the counters restart) and `end` (this
 * process's CPU share and event-loop delay over the run); closing the IPC channel stops it.
 */
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createSceneRadar, fixedClock } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { listen } from '../../examples/demo-radar.js';
import { start } from '../../scripts/serve.js';

/** One benchmarked path's answer, as the SDK serves it. */
export interface ServedBody {
  readonly contentType: string;
  /** The body, base64 (IPC carries JSON). */
  readonly body: string;
}

/** Messages from the parent. */
export type ServerCommand =
  | { readonly type: 'serve'; readonly bodies: Readonly<Record<string, ServedBody>> }
  | { readonly type: 'begin'; readonly gc?: boolean }
  | { readonly type: 'end' };

/** What a server measured about itself over one run. */
export interface ServerRunStats {
  readonly type: 'stats';
  /** CPU time over the run's wall time (1 = one core busy). */
  readonly cpuShare: number;
  /** Longest event-loop delay over the run, ms. */
  readonly eventLoopMaxMs: number;
}

const mode = process.argv[2];
const paths = (process.argv[3] ?? '').split(',').filter(Boolean);
const artists = Number(process.argv[4] ?? '300');
const gc = (globalThis as { gc?: () => void }).gc;
const delay = monitorEventLoopDelay({ resolution: 1 });
let cpu0 = process.cpuUsage();
let t0 = performance.now();
let stop: () => Promise<void> = async () => {};

process.on('message', (message: ServerCommand) => {
  if (message.type === 'begin') {
    if (message.gc !== false) gc?.();
    delay.disable();
    delay.reset();
    delay.enable();
    cpu0 = process.cpuUsage();
    t0 = performance.now();
    process.send?.({ type: 'begun' });
  } else if (message.type === 'end') {
    const cpu = process.cpuUsage(cpu0);
    const stats: ServerRunStats = {
      type: 'stats',
      cpuShare: (cpu.user + cpu.system) / 1000 / (performance.now() - t0),
      eventLoopMaxMs: delay.max / 1e6,
    };
    process.send?.(stats);
  } else if (message.type === 'serve' && mode === 'bare') {
    void serveBare(message.bodies);
  }
});
// The parent closes the channel when it is done (or gone): close the server and leave.
process.once('disconnect', () => void stop().finally(() => process.exit(0)));

/** The limit: the same bytes for the same paths, nothing else. */
async function serveBare(bodies: Readonly<Record<string, ServedBody>>): Promise<void> {
  const answers = new Map(
    Object.entries(bodies).map(([path, { contentType, body }]) => {
      const bytes = Buffer.from(body, 'base64');
      return [path, { bytes, contentType, length: String(bytes.byteLength) }] as const;
    }),
  );
  // The SDK sends a 36-character request id; so does the bare server, a constant one.
  const requestId = '00000000-0000-4000-8000-000000000000';
  const server = createServer((req, res) => {
    const answer = answers.get(req.url ?? '');
    if (answer === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': answer.contentType,
      'x-request-id': requestId,
      'content-length': answer.length,
    });
    res.end(answer.bytes);
  });
  const url = await listen(server, 0, '127.0.0.1');
  stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  process.send?.({ type: 'ready', url });
}

async function serveSdk(): Promise<void> {
  // A fixed world and clock, so every run (and a baseline tree's server) serves the same bytes.
  const world = createDemoWorld({ artists, end: '2026-11-24' });
  const radar = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00.000Z') });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh();
  const running = await start({ port: 0, radar, rateLimit: 0 });
  stop = async () => {
    await running.close();
    await radar.close();
  };
  const bodies: Record<string, ServedBody> = {};
  for (const path of paths) {
    const res = await fetch(`${running.url}${path}`);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    bodies[path] = {
      contentType: res.headers.get('content-type') ?? '',
      body: Buffer.from(await res.arrayBuffer()).toString('base64'),
    };
  }
  process.send?.({ type: 'ready', url: running.url, bodies });
}

if (mode === 'sdk') {
  serveSdk().catch((error: unknown) => {
    process.send?.({ type: 'error', message: String(error) });
    process.exit(1);
  });
} else if (mode !== 'bare') {
  throw new Error(`usage: server.ts sdk|bare <path,path> [artists]`);
}

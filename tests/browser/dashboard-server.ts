/**
 * The browser tests' server: the dashboard and the API on loopback, over several worlds at once,
 * each under its own prefix (`/s/<name>/`, its API at `/s/<name>/api`, which also proves the
 * elements honour a base path). The demo world is also at `/` and `/api`, as `npm run serve` has it.
 *
 * - `demo`: a small demo world, healthy;
 * - `slow`: the same radar behind a gate: while the gate is closed every API call waits (loading);
 * - `broken`: every engine call throws, so every route answers a 500 with a request id (error);
 * - `degraded`: a demo world whose Coverage and IdentityKernel fail from the start, and whose MIG
 *   networks fail in the second refresh (degraded pulses, stale records, failed reads);
 * - `empty`: a radar with no catalog imported and no refresh run (empty).
 */
import { createServer, type RequestListener } from 'node:http';
import { createSceneRadar, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { toNodeListener } from 'scene-radar/adapters/node';
import { type ApiBackend, createFetchHandler } from 'scene-radar/api';
import { closeServer, listen } from '../../examples/demo-radar.js';
import { buildUiBundle, dashboardHandler, type UiBundle } from '../../ui/server.js';
import { chaosSources } from '../helpers/chaos-kit.js';

/** The worlds served. */
export type Scenario = 'demo' | 'slow' | 'broken' | 'degraded' | 'empty';

/** A gate the `slow` world's API calls wait on while it is closed. */
export interface Gate {
  /** From now on, API calls wait. */
  close(): void;
  /** Lets every waiting call (and later ones) through. */
  open(): void;
}

/** The running server. */
export interface DashboardServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The dashboard page of a world: `<origin>/s/<name>/`. */
  page(scenario: Scenario): string;
  /** The `slow` world's gate. */
  readonly gate: Gate;
  /** The built bundle (its sizes are reported). */
  readonly bundle: UiBundle;
  /** The demo radar (to pick slugs from). */
  readonly radar: SceneRadar;
  /** Stops the server and closes the radars. */
  close(): Promise<void>;
}

function createGate(): Gate & { wait(): Promise<void> } {
  let waiting: Promise<void> | null = null;
  let release: () => void = () => {};
  return {
    close() {
      if (!waiting) waiting = new Promise<void>((resolve) => (release = resolve));
    },
    open() {
      release();
      waiting = null;
    },
    wait: () => waiting ?? Promise.resolve(),
  };
}

/** Every read method of the radar's API backend, with `before` awaited first. */
function backendWith(radar: SceneRadar, before: () => Promise<void>): ApiBackend {
  const wrap = <T extends object, K extends keyof T & string>(target: T, keys: readonly K[]): Pick<T, K> => {
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const fn = target[key] as (...args: unknown[]) => Promise<unknown>;
      out[key] = async (...args: unknown[]) => {
        await before();
        return fn.apply(target, args);
      };
    }
    return out as Pick<T, K>;
  };
  const scenes = radar.scenes;
  return {
    config: radar.config,
    scenes: {
      ...wrap(scenes, [
        'listScenes',
        'getScene',
        'listMicrogenres',
        'getMicrogenre',
        'listMemberships',
        'getSceneTrends',
        'getRelatedScenes',
        'recommendScenes',
      ]),
      pulse: wrap(scenes.pulse, ['getScenePulse', 'getRegionalPulse', 'getGlobalPulse']),
    },
    talent: wrap(radar.talent.aggregator, [
      'buildGlobalPulse',
      'buildArtistProfile',
      'getTopArtists',
      'getWorkspaceRecommendations',
    ]),
  };
}

async function demoRadar(artists: number): Promise<SceneRadar> {
  const world = createDemoWorld({ artists });
  const radar = createSceneRadar({ sources: world.sources });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh();
  return radar;
}

async function degradedRadar(artists: number): Promise<SceneRadar> {
  const world = createDemoWorld({ artists });
  const down = new Set(['coverage', 'identityKernel']);
  const chaos = chaosSources(world.sources, (method) =>
    down.has(method.split('.')[0]!) ? { kind: 'reject', value: new Error('source down') } : { kind: 'pass' },
  );
  const radar = createSceneRadar({ sources: chaos.sources });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh();
  // MIG's networks (tastemakers) go down too: the next refresh computes pulses without them.
  chaos.set((method) =>
    down.has(method.split('.')[0]!) || method === 'mig.getNetworks'
      ? { kind: 'reject', value: new Error('source down') }
      : { kind: 'pass' },
  );
  await radar.refresh();
  return radar;
}

/** Starts the server on an ephemeral loopback port. */
export async function startDashboardServer(options: { artists: number }): Promise<DashboardServer> {
  const [bundle, radar, degraded] = await Promise.all([
    buildUiBundle(),
    demoRadar(options.artists),
    degradedRadar(options.artists),
  ]);
  const empty = createSceneRadar({ sources: {} });
  const gate = createGate();
  const backends: Record<Scenario, SceneRadar | ApiBackend> = {
    demo: radar,
    slow: backendWith(radar, () => gate.wait()),
    broken: backendWith(radar, async () => {
      throw new Error('the engine exploded');
    }),
    degraded,
    empty,
  };
  const routes: { prefix: string; ui: ReturnType<typeof dashboardHandler>; api: RequestListener }[] = [];
  const quiet = { onError: () => {} };
  for (const [name, backend] of Object.entries(backends)) {
    const prefix = `/s/${name}`;
    routes.push({
      prefix,
      ui: dashboardHandler(bundle, {
        pagePath: `${prefix}/`,
        apiBase: `${prefix}/api`,
        title: `scene-radar (${name})`,
      }),
      api: toNodeListener(createFetchHandler(backend, { basePath: `${prefix}/api`, ...quiet }), quiet),
    });
  }
  const rootUi = dashboardHandler(bundle);
  const rootApi = toNodeListener(createFetchHandler(radar, quiet), quiet);
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const route = routes.find((r) => url === r.prefix || url.startsWith(`${r.prefix}/`));
    if (route) {
      if (!route.ui(req, res)) route.api(req, res);
      return;
    }
    if (!rootUi(req, res)) rootApi(req, res);
  });
  // Idle connections kept open longer than any test's pause: Playwright's request client
  // (route.fetch) reuses keep-alive connections, and one the server closed at its 5 s idle timeout
  // just as a request was sent on it fails with ECONNRESET (seen once, on a loaded fresh-clone CI).
  server.keepAliveTimeout = 120_000;
  const origin = await listen(server, 0, '127.0.0.1');
  return {
    origin,
    page: (scenario) => `${origin}/s/${scenario}/`,
    gate,
    bundle,
    radar,
    async close() {
      gate.open();
      await closeServer(server);
      await Promise.all([radar.close(), degraded.close(), empty.close()]);
    },
  };
}

/**
 * The radar behind the Next.js route handler: a module-level singleton, built on the first request
 * and shared by all the others. It lives on `globalThis` so that Next's dev-mode reloads reuse it
 * instead of building a new one on every edit. Replace `buildRadar` with your own sources (see
 * docs/getting-started.md). Kept out of `route.ts` because Next accepts only route exports there.
 */
import { createSceneRadar, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createFetchHandler, type FetchHandler } from 'scene-radar/api';

async function buildRadar(): Promise<SceneRadar> {
  // The demo world; SCENE_RADAR_DEMO_ARTISTS makes it smaller (faster to build) or larger.
  const world = createDemoWorld({ artists: Number(process.env.SCENE_RADAR_DEMO_ARTISTS ?? 300) });
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

interface RadarSingleton {
  readonly radar: Promise<SceneRadar>;
  readonly handler: Promise<FetchHandler>;
}

const globalForRadar = globalThis as typeof globalThis & { __sceneRadarApi?: RadarSingleton | undefined };

/** The API's handler over the singleton radar (built on first use; a failed build is retried). */
export function sceneRadarApi(): Promise<FetchHandler> {
  let singleton = globalForRadar.__sceneRadarApi;
  if (!singleton) {
    const radar = buildRadar();
    const handler = radar.then((r) =>
      createFetchHandler(r, { basePath: '/api', onError: (error, { requestId }) => console.error(requestId, error) }),
    );
    singleton = { radar, handler };
    globalForRadar.__sceneRadarApi = singleton;
    handler.catch(() => {
      if (globalForRadar.__sceneRadarApi === singleton) globalForRadar.__sceneRadarApi = undefined;
    });
  }
  return singleton.handler;
}

/** Closes the singleton radar (for tests and graceful shutdown; Next itself never calls it). */
export async function closeSceneRadar(): Promise<void> {
  const singleton = globalForRadar.__sceneRadarApi;
  globalForRadar.__sceneRadarApi = undefined;
  if (singleton) await (await singleton.radar.catch(() => null))?.close();
}

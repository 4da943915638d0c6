/**
 * Hostile review 89: the HTTP API's answers (shapes, codes, statuses, limits) against the origin
 * document and the project's own OpenAPI document, driven in-process through `createFetchHandler`
 * over a small refreshed demo world. Each test fails on the code it was written against, for a
 * real fault, and passes once the fault is fixed.
 *
 * The fault: the host's scene cap, `scenes.maxScenesPerQuery` (the seed's "Max 100 scenes per
 * query", section 1 and section 5 "Max scenes per query: 100"), is honoured by `GET /scenes` only.
 * The OpenAPI document promises, on every route's 400, "`*_INVALID_PARAMS` when every value passes
 * its schema but the request cannot be served (a limit over a cap the host set lower)", and
 * docs/http-api.md names `scenes.maxScenesPerQuery` as such a cap. Yet the regional pulse, the
 * global scene pulse, scene recommendations and related scenes answer 200 with more scenes than
 * the cap, whether the client asks for more (instead of the 400) or asks for nothing (where
 * `GET /scenes` lowers its default to the cap).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createFetchHandler, createOpenApiDocument, type FetchHandler } from '../../src/api/index.js';
import { createSceneRadar, fixedClock, type SceneRadar } from '../../src/index.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 60, end: '2026-11-24' });
const SCENE = world.catalog.scenes[0]!.slug;
const REGION = world.catalog.scenes[0]!.region;
/** The host's cap on scenes per query, lower than every route's schema maximum. */
const CAP = 3;

interface Envelope {
  readonly ok: boolean;
  readonly data?: unknown;
  readonly error?: { readonly code: string; readonly message: string } | null;
}

let radar: SceneRadar;
let handler: FetchHandler;

const get = async (path: string): Promise<{ status: number; body: Envelope }> => {
  const res = await handler(new Request(`http://localhost${path}`));
  return { status: res.status, body: (await res.json()) as Envelope };
};

/** The scenes a payload of each route lists (the longest list, for the global pulse's three). */
function scenesListed(data: unknown): number {
  if (Array.isArray(data)) return data.length;
  const d = data as Record<string, unknown>;
  const lists = ['items', 'scenes', 'hottest', 'fastestGrowing', 'cooling']
    .map((k) => d[k])
    .filter((v): v is unknown[] => Array.isArray(v));
  return Math.max(0, ...lists.map((l) => l.length));
}

beforeAll(async () => {
  radar = createSceneRadar({
    sources: world.sources,
    clock: fixedClock(NOW),
    config: { scenes: { maxScenesPerQuery: CAP } },
  });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh(NOW);
  handler = createFetchHandler(radar);
}, 60_000);

afterAll(async () => {
  await radar?.close();
});

/** The Scenes routes that answer a list of scenes, besides `GET /scenes`. */
const SCENE_LISTS = [
  { route: 'getRegionalScenePulse', path: `/api/scene-pulse/${REGION}` },
  { route: 'getGlobalScenePulse', path: '/api/scene-pulse' },
  { route: 'getSceneRecommendations', path: '/api/scene-recommendations' },
  { route: 'getRelatedScenes', path: `/api/scenes/${SCENE}/related` },
] as const;

describe('scenes.maxScenesPerQuery (the seed\'s "Max 100 scenes per query") on every route that lists scenes', () => {
  // Fault: only src/scenes/catalog.ts:254-255 (listScenes) passes the limit through `withinCap`;
  // getRegionalPulse (src/scenes/scene-pulse.ts:216), getGlobalPulse (src/scenes/scene-pulse.ts:271),
  // recommendScenes (src/scenes/recommendations.ts:55) and getRelatedScenes
  // (src/scenes/relationships.ts:213) take the schema's limit as it is, so a host's lower cap is
  // neither refused nor applied there.
  it.each(SCENE_LISTS)(
    'FAULT: $route with a limit over the host cap is 400 SCENES_INVALID_PARAMS, as GET /scenes is',
    async ({ route, path }) => {
      // Control: the route the cap is applied to answers as the document says.
      const control = await get(`/api/scenes?limit=${CAP + 1}`);
      expect(control.status).toBe(400);
      expect(control.body.error?.code).toBe('SCENES_INVALID_PARAMS');
      // The OpenAPI document's 400 for this very route promises the same.
      const doc = createOpenApiDocument() as {
        paths: Record<string, { get: { operationId: string; responses: Record<string, { description: string }> } }>;
      };
      const op = Object.values(doc.paths).find((p) => p.get?.operationId === route)!.get;
      expect(op.responses['400']!.description).toMatch(/INVALID_PARAMS.*a limit over a cap the host set lower/);
      expect(op.responses['400']!.description).toMatch(/SCENES_INVALID_PARAMS/);

      const res = await get(`${path}?limit=${CAP + 1}`);
      expect(
        {
          status: res.status,
          code: res.body.error?.code ?? null,
          scenes: res.body.ok ? scenesListed(res.body.data) : 0,
        },
        `${path}?limit=${CAP + 1} under scenes.maxScenesPerQuery = ${CAP}`,
      ).toEqual({ status: 400, code: 'SCENES_INVALID_PARAMS', scenes: 0 });
    },
  );

  it.each(SCENE_LISTS)(
    'FAULT: $route without a limit lists at most the host cap of scenes, as GET /scenes does',
    async ({ path }) => {
      // Control: GET /scenes lowers its default (20) to the cap.
      const control = await get('/api/scenes');
      expect(control.status).toBe(200);
      expect(scenesListed(control.body.data)).toBe(CAP);

      const res = await get(path);
      expect(res.status).toBe(200);
      expect(scenesListed(res.body.data), `${path} under scenes.maxScenesPerQuery = ${CAP}`).toBeLessThanOrEqual(CAP);
    },
  );
});

/**
 * The OpenAPI 3.1 document: valid by a real validator (@seriousme/openapi-schema-validator), the
 * same routes as the router, the same parameters as the schemas, committed docs/openapi.json up to
 * date, and live responses of the demo world valid against the document's own schemas (Ajv,
 * JSON Schema 2020-12, the dialect of OpenAPI 3.1).
 */
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createFetchHandler, createOpenApiDocument, ROUTES, type FetchHandler } from 'scene-radar/api';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 120, end: '2026-11-24' });
const doc = createOpenApiDocument() as {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        parameters: { name: string; in: string; required: boolean }[];
        responses: Record<string, unknown>;
      }
    >
  >;
};

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 by a real validator, with every $ref resolving', async () => {
    const validator = new Validator();
    const res = await validator.validate(structuredClone(doc) as never);
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it('a broken document is refused by the same validator (the check can fail)', async () => {
    const broken = structuredClone(doc) as { paths: Record<string, Record<string, { parameters: { in: string }[] }>> };
    broken.paths['/api/scenes']!.get!.parameters[0]!.in = 'body'; // a Swagger 2 location, not OpenAPI 3.1
    expect((await new Validator().validate(broken as never)).valid).toBe(false);
  });

  it('lists exactly the routes of the router, with the same operation ids', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    );
    // Plus the health route and the document itself, which the handler answers beside the route table.
    const routed = [
      ...ROUTES.map((r) => `${r.method} /api${r.path} ${r.id}`),
      'GET /api/health getHealth',
      'GET /api/openapi.json getOpenApiDocument',
    ];
    expect(documented.sort()).toEqual(routed.sort());
  });

  it('documents GET /openapi.json like the other routes (405, 429, 500), unless asked not to', () => {
    const op = doc.paths['/api/openapi.json']!.get!;
    expect(Object.keys(op.responses)).toEqual(['200', '405', '429', '500']);
    expect(op.parameters).toEqual([]);
    const off = createOpenApiDocument({ basePath: '/v1', openapi: false, health: false }) as typeof doc & {
      tags: { name: string }[];
    };
    expect(off.paths['/v1/openapi.json']).toBeUndefined();
    expect(off.tags.map((t) => t.name)).toEqual(['Scenes', 'Talent']);
    const on = createOpenApiDocument({ basePath: '/v1', health: false }) as typeof doc;
    expect(on.paths['/v1/openapi.json']!.get!.operationId).toBe('getOpenApiDocument');
  });

  it('documents exactly the path and query parameters of each route schema', () => {
    for (const route of ROUTES) {
      const op = doc.paths[`/api${route.path}`]!.get!;
      const expected = [
        ...Object.keys(route.params?.shape ?? {}).map((n) => `path:${n}`),
        ...Object.keys(route.query.shape).map((n) => `query:${n}`),
      ];
      expect(op.parameters.map((p) => `${p.in}:${p.name}`).sort(), route.id).toEqual(expected.sort());
      const templated = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => `path:${m[1]}`);
      expect(templated.sort()).toEqual(expected.filter((e) => e.startsWith('path:')).sort());
    }
  });

  it('docs/openapi.json is what the code generates (run `npm run openapi` after changing a schema)', () => {
    expect(JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'))).toEqual(
      JSON.parse(JSON.stringify(doc)),
    );
  });
});

describe('live responses against the document', () => {
  let radar: SceneRadar;
  let handler: FetchHandler;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const DOC_ID = 'https://scene-radar.invalid/openapi.json';

  beforeAll(async () => {
    radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(NOW);
    handler = createFetchHandler(radar);
    ajv.addSchema({ ...structuredClone(doc), $id: DOC_ID } as never);
  }, 60_000);

  const pointer = (path: string, status: string): string =>
    `${DOC_ID}#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/get/responses/${status}/content/application~1json/schema`;

  it('every route: a success and a failure validate against the schema the document gives for their status', async () => {
    const top = await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 1 });
    const artist = top.artists[0]!.artist_slug;
    const scenes = await radar.scenes.listScenes({ limit: 1 });
    const scene = scenes.items[0]!;
    const workspace = world.workspaces[0]!.id;
    for (const route of ROUTES) {
      const path = route.path
        .replace(
          '{slug}',
          route.id === 'getArtistProfile' ? artist : route.id === 'getMicrogenre' ? scene.microgenres[0]! : scene.slug,
        )
        .replace('{region}', scene.region);
      const query = route.id === 'getWorkspaceRecommendations' ? `?workspaceId=${workspace}` : '';
      for (const [url, expected] of [
        [`/api${path}${query}`, null],
        [`/api${path}${query ? `${query}&` : '?'}unknown=1`, '400'],
      ] as const) {
        const res = await handler(new Request(`http://x${url}`));
        const status = String(res.status);
        if (expected) expect(status, url).toBe(expected);
        const validate =
          ajv.getSchema(pointer(`/api${route.path}`, status)) ??
          ajv.compile({ $ref: pointer(`/api${route.path}`, status) });
        const body = await res.json();
        expect(validate(body) ? [] : validate.errors?.slice(0, 3), `${url} -> ${status}`).toEqual([]);
      }
    }
  });

  it('the failures a route can answer besides 400/404 validate too: 405 with Allow, a 503 of failed sources, RADAR_CLOSED', async () => {
    const post = await handler(new Request('http://x/api/talent/pulse', { method: 'POST' }));
    expect(post.status).toBe(405);
    const check = async (path: string, res: Response): Promise<void> => {
      const status = String(res.status);
      const validate = ajv.compile({
        $ref: `${DOC_ID}#/paths/${path.replace(/\//g, '~1')}/get/responses/${status}/content/application~1json/schema`,
      });
      const body = await res.json();
      expect(validate(body) ? [] : validate.errors?.slice(0, 3), `${path} -> ${status}`).toEqual([]);
    };
    await check('/api/talent/pulse', post);
    // Every source failing: the profile of an artist cannot be scored, 503 with each read's outcome.
    const down = createSceneRadar({
      sources: Object.fromEntries(
        Object.entries(world.sources).map(([name, adapter]) => [
          name,
          new Proxy(adapter as object, {
            get: (target, key) =>
              typeof (target as Record<string | symbol, unknown>)[key] === 'function'
                ? () => Promise.reject(new Error('down'))
                : (target as Record<string | symbol, unknown>)[key],
          }),
        ]),
      ),
      clock: fixedClock(NOW),
    });
    const failed = await createFetchHandler(down)(new Request('http://x/api/talent/artists/x-artist'));
    expect(failed.status).toBe(503);
    await check('/api/talent/artists/{slug}', failed);
    await down.close();
    const closed = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await closed.close();
    const refused = await createFetchHandler(closed)(new Request('http://x/api/talent/pulse'));
    expect(refused.status).toBe(503);
    await check('/api/talent/pulse', refused);
  });

  it('GET /api/openapi.json: the served document lists itself, and its answers validate against it', async () => {
    const res = await handler(new Request('http://x/api/openapi.json'));
    expect(res.status).toBe(200);
    const served = (await res.json()) as typeof doc;
    expect(served.paths['/api/openapi.json']!.get!.operationId).toBe('getOpenApiDocument');
    const validate200 = ajv.compile({ $ref: pointer('/api/openapi.json', '200') });
    expect(validate200(served) ? [] : validate200.errors?.slice(0, 3)).toEqual([]);
    expect(validate200({ ok: true, data: {}, error: null })).toBe(false);
    const post = await handler(new Request('http://x/api/openapi.json', { method: 'POST' }));
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const validate405 = ajv.compile({ $ref: pointer('/api/openapi.json', '405') });
    const body = await post.json();
    expect(validate405(body) ? [] : validate405.errors?.slice(0, 3)).toEqual([]);
  });

  it('the document schema refuses a payload that breaks it (the check can fail)', () => {
    const validate = ajv.compile({ $ref: pointer('/api/talent/pulse', '200') });
    expect(validate({ ok: true, data: { timestamp: 'x' }, error: null })).toBe(false);
  });
});

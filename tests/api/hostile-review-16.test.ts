/**
 * Hostile review (16) of the HTTP API kit and the Node glue, through the public API only
 * (`createSceneRadar` + `createFetchHandler` over a small demo world; the glue over real
 * `node:http`, Express and Fastify servers on ephemeral ports of 127.0.0.1).
 *
 * Faults (each test fails on the code it was written against):
 * - with a host cap lower than a route's default `limit` (`scenes.maxScenesPerQuery`,
 *   `scenes.maxMembershipsPerQuery`, `talent.maxArtistsPerQuery`), a request that names no
 *   `limit` is refused with `*_INVALID_PARAMS` ("limit 20 is over this host's cap"), while the
 *   engine called without a limit serves a page of the cap: the kit passes the schema's default
 *   to the engine as if the client had asked for it;
 * - a host `requestId` with spaces at its ends: `x-request-id` carries the trimmed id, the 500's
 *   `details.requestId` the untrimmed one, so the two ids the client is given disagree;
 * - through `fastifyPlugin`, a path parameter with malformed percent-encoding is Fastify's own
 *   `FST_ERR_BAD_URL` body (no envelope, no `x-request-id`), not the API's 400
 *   `*_VALIDATION_ERROR` that `toNodeListener` and Express give;
 * - an HTTP/1.0 GET through the Node glue has no `Content-Length` (close-delimited), while the
 *   HEAD of the same resource announces one: the HEAD's headers are not the GET's.
 *
 * Guards (verified right now): query-string spellings (`+`, `%2B`, `%20`, `%00`, invalid UTF-8,
 * malformed escapes, `;`) are 400s that name the parameter, the same bytes over fetch and Node;
 * case variants of paths, slugs and regions are refused, never folded; a request body on a
 * keep-alive connection (refused POST, GET with a body) does not wedge the next request; a client
 * that leaves mid-flight neither crashes the server nor reports an error; a closed radar is 503
 * `RADAR_CLOSED` and the server closes without leftover sockets.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createFetchHandler, type ApiBackend, type FetchHandler } from 'scene-radar/api';
import { fastifyPlugin, toNodeListener } from 'scene-radar/adapters/node';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 40, end: '2026-11-28' });
const SCENE = world.catalog.scenes[0]!;

interface Raw {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** One request over a real socket (no keep-alive agent), its body read whole. */
function raw(url: string, method: string, path: string, headers: Record<string, string> = {}): Promise<Raw> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Writes `text` on a raw TCP connection and collects what comes back for `waitMs`. */
function onSocket(url: string, text: string, waitMs: number): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const c = connect(Number(u.port), '127.0.0.1');
    let out = '';
    c.on('data', (d: Buffer) => (out += d.toString('latin1')));
    c.on('error', () => {});
    c.write(text);
    setTimeout(() => {
      c.destroy();
      resolve(out);
    }, waitMs);
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const closeServer = (server: Server): Promise<void> => new Promise((r) => server.close(() => r()));

interface Envelope {
  readonly ok: boolean;
  readonly data?: unknown;
  readonly error?: { readonly code: string; readonly details?: { readonly path: unknown[] }[] };
}

const json = (b: Buffer): Envelope => JSON.parse(b.toString('utf8')) as Envelope;

describe('a demo radar behind the handler and the Node glue', () => {
  let radar: SceneRadar;
  let handler: FetchHandler;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(NOW);
    handler = createFetchHandler(radar);
    server = createServer(toNodeListener(handler));
    url = await listen(server);
  });
  afterAll(async () => {
    await closeServer(server);
    await radar.close();
  });

  it('FAULT: under a host cap below the default limit, a request without `limit` gets a page of the cap, as the engine does', async () => {
    const capped = createSceneRadar({
      sources: world.sources,
      clock: fixedClock(NOW),
      config: { scenes: { maxScenesPerQuery: 5, maxMembershipsPerQuery: 3 }, talent: { maxArtistsPerQuery: 5 } },
    });
    try {
      await capped.scenes.importCatalog(world.catalog);
      await capped.refresh(NOW);
      // The engines, called without a limit, serve the cap (docs: a `limit` over the cap, when asked for, is INVALID_PARAMS).
      const page = await capped.scenes.listScenes();
      expect(page.items).toHaveLength(5);
      const top = await capped.talent.aggregator.getTopArtists({ category: 'rising' });
      expect(top.artists.length).toBeLessThanOrEqual(5);
      await expect(capped.talent.aggregator.buildGlobalPulse()).resolves.toBeDefined();
      const h = createFetchHandler(capped);
      const failures: string[] = [];
      for (const path of [
        '/api/scenes',
        `/api/scenes/${SCENE.slug}/memberships`,
        '/api/talent/pulse',
        '/api/talent/top',
      ]) {
        const res = await h(new Request(`http://localhost${path}`));
        const body = (await res.json()) as { ok: boolean; error?: { code: string; message: string } };
        if (res.status !== 200) failures.push(`${path}: ${res.status} ${body.error?.code} ${body.error?.message}`);
      }
      expect(failures).toEqual([]);
      // And what it serves is the engine's own page.
      const res = await h(new Request('http://localhost/api/scenes'));
      expect(res.status).toBe(200);
      const data = ((await res.json()) as { data: { items: unknown[]; limit: number } }).data;
      expect(data.items).toHaveLength(5);
      expect(data.limit).toBe(page.limit);
    } finally {
      await capped.close();
    }
  });

  it('FAULT: a host request id with spaces at its ends is one id, in the header and in the 500 body', async () => {
    const failing = {
      talent: {
        buildGlobalPulse: async () => {
          throw new Error('boom');
        },
      },
    } as unknown as ApiBackend;
    const h = createFetchHandler(failing, { requestId: () => '  host-id-1  ', onError: () => {} });
    const res = await h(new Request('http://localhost/api/talent/pulse'));
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; details: { requestId: string } } };
    expect(body.error.code).toBe('TALENT_INTERNAL_ERROR');
    expect(body.error.details.requestId).toBe(res.headers.get('x-request-id'));
  });

  // KNOWN, LEFT OPEN (`it.fails`: it passes while the difference is there): Fastify's router
  // rejects a bad escape before any plugin runs, and only the server's own `frameworkErrors`
  // option (which a plugin cannot set) can answer it; docs/http-api.md says so.
  it.fails('KNOWN, LEFT OPEN: through fastifyPlugin, malformed percent-encoding in a path parameter is the API’s 400 envelope', async () => {
    const f = Fastify();
    await f.register(fastifyPlugin(handler));
    await f.listen({ port: 0, host: '127.0.0.1' });
    try {
      const furl = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`;
      for (const path of [`/api/scenes/${SCENE.slug}%ff`, `/api/scenes/${SCENE.slug}%zz`]) {
        const viaNode = await raw(url, 'GET', path);
        expect(viaNode.status, path).toBe(400);
        expect(json(viaNode.body).error?.code, path).toBe('SCENES_VALIDATION_ERROR');
        const viaFastify = await raw(furl, 'GET', path);
        expect(viaFastify.status, path).toBe(400);
        expect(viaFastify.headers['x-request-id'], path).toBeDefined();
        expect(json(viaFastify.body), path).toEqual(json(viaNode.body));
      }
    } finally {
      await f.close();
    }
  });

  it('FAULT: an HTTP/1.0 GET carries the Content-Length its HEAD announces', async () => {
    const path = '/api/scenes?limit=1';
    const get = await onSocket(url, `GET ${path} HTTP/1.0\r\n\r\n`, 400);
    const head = await onSocket(url, `HEAD ${path} HTTP/1.0\r\n\r\n`, 400);
    const lengthOf = (text: string): string | undefined =>
      /\r\ncontent-length: *(\d+)/i.exec(text.split('\r\n\r\n')[0]!)?.[1];
    const body = get.slice(get.indexOf('\r\n\r\n') + 4);
    expect(get.startsWith('HTTP/1.1 200')).toBe(true);
    expect(lengthOf(head)).toBe(String(Buffer.byteLength(body, 'latin1')));
    expect(lengthOf(get)).toBe(lengthOf(head));
  });

  it('guard: query-string spellings are 400s naming the parameter, the same bytes over fetch and Node', async () => {
    const cases: [string, string][] = [
      ['/api/scenes?limit=+5', 'limit'], // `+` is a space
      ['/api/scenes?limit=5+', 'limit'],
      ['/api/scenes?limit=%2B5', 'limit'],
      ['/api/scenes?limit=%205', 'limit'],
      ['/api/scenes?limit=5%00', 'limit'],
      ['/api/scenes?limit=%ff', 'limit'], // invalid UTF-8
      ['/api/scenes?limit=%C0%B5', 'limit'], // overlong '5'
      ['/api/scenes?limit=1%zz', 'limit'], // malformed escape
      ['/api/scenes?limit=2;offset=1', 'limit'],
      ['/api/scenes?limit=-0', 'limit'],
      ['/api/scenes?offset=1e21', 'offset'],
      ['/api/talent/top?category=rising%20', 'category'],
      [`/api/scenes/${SCENE.slug}/pulse?skipCache=TRUE`, 'skipCache'],
    ];
    for (const [path, param] of cases) {
      const viaNode = await raw(url, 'GET', path);
      const viaFetch = await handler(new Request(`http://localhost${path}`));
      const fetched = Buffer.from(await viaFetch.arrayBuffer());
      expect(viaNode.status, path).toBe(400);
      expect(viaFetch.status, path).toBe(400);
      expect(viaNode.body.equals(fetched), path).toBe(true);
      const error = json(viaNode.body).error;
      expect(error?.code, path).toMatch(/_VALIDATION_ERROR$/);
      expect(
        error?.details?.map((d) => d.path[0]),
        path,
      ).toContain(param);
      expect(viaNode.headers['content-length'], path).toBe(String(viaNode.body.byteLength));
      expect(viaNode.headers['content-type'], path).toBe('application/json; charset=utf-8');
    }
  });

  it('guard: case variants of paths, slugs and regions are refused, never folded; one trailing slash is the same resource', async () => {
    expect(json((await raw(url, 'GET', `/API/scenes/${SCENE.slug}`)).body).error?.code).toBe('ROUTE_NOT_FOUND');
    const upper = await raw(url, 'GET', `/api/scenes/${SCENE.slug.toUpperCase()}`);
    expect(upper.status).toBe(400);
    expect(json(upper.body).error?.code).toBe('SCENES_VALIDATION_ERROR');
    const region = await raw(url, 'GET', `/api/scene-pulse/${SCENE.region.toUpperCase()}`);
    expect(region.status).toBe(400);
    const plain = await raw(url, 'GET', `/api/scenes/${SCENE.slug}/pulse`);
    const slash = await raw(url, 'GET', `/api/scenes/${SCENE.slug}/pulse/`);
    expect(slash.status).toBe(200);
    expect(slash.body.equals(plain.body)).toBe(true);
    expect((await raw(url, 'GET', `/api/scenes/${SCENE.slug}//`)).status).toBe(404);
  });

  it('guard: a request body on a keep-alive connection does not wedge the next request', async () => {
    const two = (text: string): Promise<string[]> =>
      onSocket(url, text, 600).then((out) => out.match(/HTTP\/1\.1 \d+/g) ?? []);
    const next = 'GET /api/scenes?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n';
    expect(await two(`POST /api/scenes HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello${next}`)).toEqual([
      'HTTP/1.1 405',
      'HTTP/1.1 200',
    ]);
    expect(
      await two(
        `POST /api/scenes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n${next}`,
      ),
    ).toEqual(['HTTP/1.1 405', 'HTTP/1.1 200']);
    expect(await two(`GET /api/scenes?limit=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello${next}`)).toEqual([
      'HTTP/1.1 200',
      'HTTP/1.1 200',
    ]);
  });
});

describe('the Node glue around clients that leave and radars that close', () => {
  it('guard: a client that leaves mid-flight crashes nothing and reports nothing (light and standard path)', async () => {
    for (const wrapped of [false, true]) {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let reached!: () => void;
      const inFlight = new Promise<void>((r) => (reached = r));
      const data = { timestamp: NOW.toISOString(), note: 'held' };
      const backend = {
        talent: {
          buildGlobalPulse: async () => {
            reached();
            await gate;
            return data;
          },
          getTopArtists: async () => data,
          buildArtistProfile: async () => data,
          getWorkspaceRecommendations: async () => data,
        },
      } as unknown as ApiBackend;
      const errors: unknown[] = [];
      const h = createFetchHandler(backend, { onError: (e) => errors.push(e) });
      const server = createServer(
        toNodeListener(wrapped ? (request, context) => h(request, context) : h, { onError: (e) => errors.push(e) }),
      );
      const base = await listen(server);
      const c = connect(Number(new URL(base).port), '127.0.0.1');
      c.on('error', () => {});
      c.write('GET /api/talent/pulse HTTP/1.1\r\nHost: x\r\n\r\n');
      await inFlight;
      c.destroy();
      await new Promise((r) => setTimeout(r, 50));
      release();
      await new Promise((r) => setTimeout(r, 50));
      const after = await raw(base, 'GET', '/api/talent/top');
      expect(after.status).toBe(200);
      expect(errors).toEqual([]);
      await closeServer(server);
    }
  });

  it('guard: a closed radar is 503 RADAR_CLOSED over HTTP, and the server closes cleanly', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    const server = createServer(toNodeListener(createFetchHandler(radar)));
    const base = await listen(server);
    expect((await raw(base, 'GET', '/api/scenes?limit=1')).status).toBe(200);
    await radar.close();
    for (const path of ['/api/scenes?limit=1', `/api/scenes/${SCENE.slug}/pulse`, '/api/talent/pulse']) {
      const r = await raw(base, 'GET', path);
      expect(r.status, path).toBe(503);
      expect(json(r.body).error?.code, path).toBe('RADAR_CLOSED');
    }
    await closeServer(server);
    expect(server.listening).toBe(false);
  });
});

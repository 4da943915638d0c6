/**
 * Hostile review 155: the HTTP semantics of the API kit as caches, proxies, CDNs and browsers see
 * them: Cache-Control / Vary on success, degraded, stale, 503 and 504 answers (src/api/answer.ts,
 * src/api/health.ts), CORS preflights and `Vary: Origin` (src/api/cors.ts), HEAD against GET,
 * 405 with `Allow`, `Retry-After` on 429, encoded and repeated query parameters, and the Node glue
 * (adapters/node: HTTP/1.0, `Connection: close`, `Expect: 100-continue`, a client that leaves
 * before the answer) over real sockets, on a demo world of 30 artists.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: every API answer
 * carries `Cache-Control: no-store`), for the reason their name states; the others
 * pin behaviour found correct.
 */
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { toNodeListener } from '../../adapters/node/index.js';
import { type ApiBackend, createFetchHandler, createMemoryRateLimiter } from '../../src/api/index.js';
import { createSceneRadar, fixedClock, type SceneRadar } from '../../src/index.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const APP = 'https://app.example.com';
const world = createDemoWorld({ artists: 30, end: '2026-11-28' });
const SLUG = world.catalog.scenes[0]!.slug;

/** Fusion's engagement reads fail while `fusionDown` is true. */
let fusionDown = false;
const fusion = world.sources.fusion!;
const clock = fixedClock(NOW);
let radar: SceneRadar;

beforeAll(async () => {
  radar = createSceneRadar({
    sources: {
      ...world.sources,
      fusion: {
        ...fusion,
        getEngagement: (...args: Parameters<typeof fusion.getEngagement>) =>
          fusionDown ? Promise.reject(new Error('fusion down')) : fusion.getEngagement(...args),
      },
    },
    clock,
  });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh(NOW);
}, 30_000);
afterAll(async () => {
  await radar?.close();
});

/**
 * Whether a response says a shared cache may not reuse it beyond a few seconds without asking:
 * `no-store`, `no-cache`, `private`, or a `max-age`/`s-maxage` of at most 15 s (the engine's own
 * `scenes.degradedTtlMs`).
 */
function forbidsReuse(cacheControl: string | null): boolean {
  if (cacheControl === null) return false;
  if (/\b(no-store|no-cache|private)\b/i.test(cacheControl)) return true;
  const ages = [...cacheControl.matchAll(/\b(?:s-maxage|max-age)=(\d+)/gi)].map((m) => Number(m[1]));
  return ages.length > 0 && ages.every((a) => a <= 15);
}

/** A response's headers as [name, value] pairs. */
function entriesOf(headers: Headers): [string, string][] {
  const out: [string, string][] = [];
  headers.forEach((value, name) => {
    out.push([name, value]);
  });
  return out;
}

/** RFC 9110 15.1: the statuses a cache may store with a heuristic lifetime when nothing says otherwise. */
const HEURISTICALLY_CACHEABLE = new Set([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501]);

describe('hostile review 155: caching of degraded, stale and failed answers', () => {
  // FAULT: src/api/answer.ts:130-136 (answerOf) builds every answer's headers from content-type,
  // x-request-id, the limiter's, the result's and CORS's: no Cache-Control (only the health route
  // adds one, src/api/health.ts:328 `no-store`). A 200 is heuristically cacheable (RFC 9110 15.1,
  // RFC 9111 4.2.2), and CDNs apply a default TTL to a 200 without Cache-Control (CloudFront 24 h,
  // Fastly 1 h). The engine keeps a degraded global pulse only scenes.degradedTtlMs (15 s, "short,
  // so it heals soon", src/config.ts:141-142); over HTTP nothing says so, so a CDN in front keeps
  // serving the broken pulse long after the sources recover.
  it('FAULT: a degraded global scene pulse (sources failed: summary.ok < summary.scenes) is a 200 with no Cache-Control, heuristically cacheable for a CDN (answer.ts:130-136)', async () => {
    const handler = createFetchHandler(radar);
    fusionDown = true;
    try {
      clock.advance(60 * 60_000);
      const res = await handler(new Request('http://localhost/api/scene-pulse?limit=3'));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: { summary: { scenes: number; ok: number }; notes: string[] } };
      // It is degraded: the payload says scenes are not fresh (the engine caches it only 15 s).
      expect(body.data.summary.ok).toBeLessThan(body.data.summary.scenes);
      expect(body.data.notes.length).toBeGreaterThan(0);
      expect(HEURISTICALLY_CACHEABLE.has(res.status)).toBe(true);
      expect(forbidsReuse(res.headers.get('cache-control')), `cache-control: ${res.headers.get('cache-control')}`).toBe(
        true,
      );
    } finally {
      fusionDown = false;
    }
  });

  // FAULT: same place (src/api/answer.ts:130-136). docs/http-api.md (STORE_UNAVAILABLE row): reads
  // that keep a last good value "answer 200 with it, marked stale (a pulse's `stale: { reason, at }`)".
  // The stale marker is only in the body; the headers of this 200 are those of a fresh one, so a
  // shared cache may keep the stale pulse (RFC 9111 4.2.2) after the sources are back.
  it('FAULT: a stale scene pulse (`stale: { reason, at }`, the last good value) is a 200 with no Cache-Control (answer.ts:130-136)', async () => {
    const handler = createFetchHandler(radar);
    const path = `http://localhost/api/scenes/${SLUG}/pulse`;
    expect((await handler(new Request(path))).status).toBe(200);
    fusionDown = true;
    try {
      clock.advance(60 * 60_000);
      const res = await handler(new Request(path));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: { stale?: { reason: string; at: string } } };
      expect(body.data.stale?.reason).toMatch(/failed/);
      expect(forbidsReuse(res.headers.get('cache-control')), `cache-control: ${res.headers.get('cache-control')}`).toBe(
        true,
      );
    } finally {
      fusionDown = false;
    }
  });

  it('a 503 SOURCES_UNAVAILABLE and a 504 *_TIMEOUT carry nothing that makes them cacheable (no max-age, no Expires, statuses not heuristically cacheable)', async () => {
    const handler = createFetchHandler(radar);
    fusionDown = true;
    let unavailable: Response;
    try {
      // A scene never computed before: no last good value to fall back on.
      const cold = world.catalog.scenes.at(-1)!.slug;
      unavailable = await handler(new Request(`http://localhost/api/scenes/${cold}/pulse`));
    } finally {
      fusionDown = false;
    }
    expect(unavailable.status).toBe(503);
    expect(((await unavailable.json()) as { error: { code: string } }).error.code).toBe('SOURCES_UNAVAILABLE');

    const hanging = {
      scenes: { getScene: () => new Promise(() => {}) },
      config: radar.config,
    } as unknown as ApiBackend;
    const timedOut = await createFetchHandler(hanging, { timeoutMs: 30 })(
      new Request(`http://localhost/api/scenes/${SLUG}`),
    );
    expect(timedOut.status).toBe(504);
    expect(((await timedOut.json()) as { error: { code: string } }).error.code).toBe('SCENES_TIMEOUT');

    for (const res of [unavailable, timedOut]) {
      expect(HEURISTICALLY_CACHEABLE.has(res.status)).toBe(false);
      expect(res.headers.get('cache-control') ?? '').not.toMatch(/max-age|public|immutable/);
      expect(res.headers.get('expires')).toBeNull();
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    }
  });

  it('the health route is no-store on its 200, for HEAD too, and keeps it next to CORS headers', async () => {
    const handler = createFetchHandler(radar, { cors: { origin: [APP] } });
    for (const method of ['GET', 'HEAD']) {
      const res = await handler(new Request('http://localhost/api/health', { method, headers: { origin: APP } }));
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('vary')).toBe('Origin');
      expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    }
  });
});

describe('hostile review 155: CORS as a browser and a shared cache see it', () => {
  it('an answer for an allowed origin, another origin and no origin all say `Vary: Origin` (list of origins), and only the allowed one gets Allow-Origin', async () => {
    const handler = createFetchHandler(radar, { cors: { origin: [APP], credentials: true } });
    const url = 'http://localhost/api/scenes?limit=1';
    const allowed = await handler(new Request(url, { headers: { origin: APP } }));
    const other = await handler(new Request(url, { headers: { origin: 'https://evil.example.com' } }));
    const none = await handler(new Request(url));
    for (const res of [allowed, other, none]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('vary')).toBe('Origin');
    }
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-expose-headers')).toMatch(/x-request-id.*retry-after/);
    for (const res of [other, none]) {
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it("with origin '*', nothing varies by Origin: `*` for every request, no Vary, no credentials", async () => {
    const handler = createFetchHandler(radar, { cors: { origin: '*' } });
    const res = await handler(new Request('http://localhost/api/scenes?limit=1', { headers: { origin: APP } }));
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('vary')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('a preflight: 204 with the configured methods, headers and max-age and credentials for an allowed origin; a 204 with only Vary for another; a 404 for a path the API does not serve', async () => {
    const handler = createFetchHandler(radar, {
      cors: { origin: [APP], allowHeaders: ['x-request-id', 'authorization'], maxAge: 120, credentials: true },
      rateLimit: { limiter: createMemoryRateLimiter({ limit: 1 }) },
    });
    const preflight = (origin: string, path = '/api/scenes/x/pulse') =>
      handler(
        new Request(`http://localhost${path}`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'authorization',
          },
        }),
      );
    // Preflights are not counted by the limiter (limit 1): three in a row all pass.
    const ok = await preflight(APP);
    await preflight(APP);
    expect(ok.status).toBe(204);
    expect(
      Object.fromEntries(entriesOf(ok.headers).filter(([k]) => k.startsWith('access-control-') || k === 'vary')),
    ).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET, HEAD',
      'access-control-allow-headers': 'x-request-id, authorization',
      'access-control-max-age': '120',
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    });
    expect(await ok.text()).toBe('');
    const refused = await preflight('https://evil.example.com');
    expect(refused.status).toBe(204);
    expect(entriesOf(refused.headers).filter(([k]) => k.startsWith('access-control-'))).toEqual([]);
    expect(refused.headers.get('vary')).toBe('Origin');
    const unknown = await preflight(APP, '/api/nowhere');
    expect(unknown.status).toBe(404);
    // The GET after the preflights is the limiter's first request.
    expect((await handler(new Request('http://localhost/api/scenes?limit=1'))).status).toBe(200);
  });

  it('an OPTIONS that is not a preflight is a 405 with `Allow: GET, HEAD`, and CORS headers for the page', async () => {
    const handler = createFetchHandler(radar, { cors: { origin: [APP] } });
    const res = await handler(
      new Request('http://localhost/api/scenes', { method: 'OPTIONS', headers: { origin: APP } }),
    );
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
  });
});

describe('hostile review 155: 429, query strings', () => {
  it('a 429 has a whole, positive Retry-After no later than RateLimit-Reset, exposed to pages, with the family code', async () => {
    const handler = createFetchHandler(radar, {
      cors: { origin: [APP] },
      rateLimit: { limiter: createMemoryRateLimiter({ limit: 1, windowMs: 2_500 }) },
    });
    const url = 'http://localhost/api/talent/pulse?limit=1';
    expect((await handler(new Request(url, { headers: { origin: APP } }))).status).toBe(200);
    const res = await handler(new Request(url, { headers: { origin: APP } }));
    expect(res.status).toBe(429);
    const retry = res.headers.get('retry-after')!;
    expect(retry).toMatch(/^[1-9]\d*$/);
    expect(Number(retry)).toBeLessThanOrEqual(3);
    expect(Number(retry)).toBe(Number(res.headers.get('ratelimit-reset')));
    expect(res.headers.get('access-control-expose-headers')).toMatch(/\bretry-after\b/);
    expect(res.headers.get('cache-control') ?? '').not.toMatch(/max-age|public/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TALENT_RATE_LIMITED');
  });

  it('a percent-encoded parameter name is read decoded; the same parameter given once plain and once encoded is "given twice"', async () => {
    const handler = createFetchHandler(radar);
    const encoded = await handler(new Request('http://localhost/api/scenes?%6Cimit=%32'));
    expect(encoded.status).toBe(200);
    expect(((await encoded.json()) as { data: { limit: number } }).data.limit).toBe(2);
    const twice = await handler(new Request('http://localhost/api/scenes?limit=2&%6Cimit=2'));
    expect(twice.status).toBe(400);
    expect(JSON.stringify(await twice.json())).toMatch(/"path":\["limit"\].*more than once/);
  });
});

/** One request written as raw bytes on a new connection; everything received until it closes. */
function rawExchange(port: number, text: string, closeAfterMs = 2_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.on('data', (d: Buffer) => {
      out += d.toString('latin1');
    });
    const timer = setTimeout(() => socket.destroy(), closeAfterMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

/** Status, lower-cased headers and body of one raw HTTP/1.x answer. */
function parseAnswer(raw: string): { status: number; headers: Record<string, string>; body: string } {
  const last = raw.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
  const [head, ...rest] = last.split('\r\n\r\n');
  const [statusLine, ...lines] = head!.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
}

describe('hostile review 155: the Node glue over real sockets', () => {
  let server: Server;
  let port: number;
  const errors: unknown[] = [];
  let release: () => void = () => {};
  let started: () => void = () => {};

  beforeAll(async () => {
    const api = createFetchHandler(radar, {
      cors: { origin: [APP] },
      rateLimit: { limiter: createMemoryRateLimiter({ limit: 10_000 }) },
    });
    const slow = createFetchHandler(
      {
        scenes: {
          getScene: async () => {
            started();
            await new Promise<void>((r) => {
              release = r;
            });
            throw new Error('late');
          },
        },
        config: radar.config,
      } as unknown as ApiBackend,
      { basePath: '/slow/api', onError: (e) => errors.push(e) },
    );
    const listener = toNodeListener(api, { onError: (e) => errors.push(e) });
    const slowListener = toNodeListener(slow, { onError: (e) => errors.push(e) });
    server = createServer((req, res) => (req.url?.startsWith('/slow') ? slowListener : listener)(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    release();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const WITHOUT = new Set(['x-request-id', 'date', 'ratelimit-remaining']);
  const comparable = (headers: Record<string, string>) =>
    Object.fromEntries(Object.entries(headers).filter(([k]) => !WITHOUT.has(k)));

  it('HEAD gets the headers of its GET, Content-Length included, and no body: 200, 400, 404, 405 and the OpenAPI document', async () => {
    for (const [target, status] of [
      [`/api/scenes/${SLUG}`, 200],
      ['/api/scenes?limit=0', 400],
      ['/api/scenes/no-such-scene', 404],
      ['/api/openapi.json', 200],
    ] as const) {
      const get = parseAnswer(
        await rawExchange(port, `GET ${target} HTTP/1.1\r\nHost: x\r\nOrigin: ${APP}\r\nConnection: close\r\n\r\n`),
      );
      const head = parseAnswer(
        await rawExchange(port, `HEAD ${target} HTTP/1.1\r\nHost: x\r\nOrigin: ${APP}\r\nConnection: close\r\n\r\n`),
      );
      expect(get.status, target).toBe(status);
      expect(head.status, target).toBe(status);
      expect(Number(get.headers['content-length']), target).toBe(Buffer.byteLength(get.body));
      expect(comparable(head.headers), target).toEqual(comparable(get.headers));
      expect(head.body, target).toBe('');
    }
    const post = parseAnswer(
      await rawExchange(port, 'POST /api/scenes HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
    );
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('an HTTP/1.0 client gets a Content-Length and the connection closed after the answer (GET and HEAD)', async () => {
    const get = await rawExchange(port, `GET /api/scenes/${SLUG} HTTP/1.0\r\n\r\n`);
    const a = parseAnswer(get);
    expect(a.status).toBe(200);
    expect(a.headers.connection).toBe('close');
    expect(a.headers['transfer-encoding']).toBeUndefined();
    expect(Number(a.headers['content-length'])).toBe(Buffer.byteLength(a.body));
    expect(JSON.parse(a.body).ok).toBe(true);
    const head = parseAnswer(await rawExchange(port, `HEAD /api/scenes/${SLUG} HTTP/1.0\r\n\r\n`));
    expect(head.headers['content-length']).toBe(a.headers['content-length']);
    expect(head.body).toBe('');
  });

  it('`Expect: 100-continue` on a GET is answered (100, then the 200), and `Connection: close` is honoured on a keep-alive default', async () => {
    const raw = await rawExchange(
      port,
      `GET /api/scenes/${SLUG} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
    );
    expect(raw.startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n')).toBe(true);
    const a = parseAnswer(raw);
    expect(a.headers.connection).toBe('close');
    expect(JSON.parse(a.body).data.scene_slug ?? JSON.parse(a.body).data.slug).toBe(SLUG);
  });

  it('a client that leaves before the answer: nothing is written, no error is reported, the server keeps serving', async () => {
    const before = errors.length;
    const wait = new Promise<void>((r) => {
      started = r;
    });
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(`GET /slow/api/scenes/${SLUG} HTTP/1.1\r\nHost: x\r\n\r\n`),
    );
    socket.on('error', () => {});
    await wait;
    socket.destroy();
    await new Promise((r) => setTimeout(r, 30));
    release();
    await new Promise((r) => setTimeout(r, 30));
    // The backend's failure after the client left is the handler's 500, never written; the glue reports nothing of its own.
    expect(errors.slice(before).every((e) => e instanceof Error && e.message === 'late')).toBe(true);
    const next = parseAnswer(
      await rawExchange(port, `GET /api/scenes/${SLUG} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    );
    expect(next.status).toBe(200);
  });
});

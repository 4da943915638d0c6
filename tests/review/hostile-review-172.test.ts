/**
 * Hostile review 172: the dashboard's server side, `ui/server.ts` (`withDashboard`, which wraps the
 * API's Node listener so that one server answers the dashboard next to the API; its TSDoc,
 * docs/ui.md "Mounting it", and `npm run serve` (scripts/serve.ts), which hands it to `serveRadar`
 * (src/cli/serve.ts) as `wrapListener`). An in-process server on port 0, built as the TSDoc example
 * says (`createServer(await withDashboard(toNodeListener(createFetchHandler(radar))))`), over a demo
 * world of 30 artists; one test goes through `serveRadar` with its rate limit.
 *
 * What withDashboard serves: it reads no file at all (not dist/, not a folder of assets): it builds
 * the bundle in memory with esbuild from ui/index.ts once, then answers exactly three paths, `/`,
 * `/index.html` and `/ui/scene-radar-ui.js` (query ignored), for GET and HEAD, and hands every other
 * request to the API listener. So there is no static folder to escape: the probes below (`..`,
 * `%2e%2e`, `%2f`, `\`, `//`, absolute paths, NUL, overlong UTF-8, very long paths) all land on
 * the API, which answers its 404 JSON envelope; never a byte of another file. Probed too: paths
 * between the dashboard and the API prefix (`/api`, `/api/`, `/api.`, `/apix`, `/API`, `/api%2f`,
 * `/api/index.html`), HEAD against GET, methods other than GET/HEAD, conditional requests and cache
 * headers, content types and `nosniff`, the client routes of a `#/` app (`/scenes/x`,
 * `/favicon.ico`: the API's JSON 404, no fallback needed), query strings, gzip negotiation, 40
 * concurrent requests, a client leaving mid-bundle, a build that fails (withDashboard rejects, no
 * server is made). Every await is bounded; nothing asserts on timing.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: the dashboard
 * handler reads the path of an absolute-form target, answers other methods on its paths with a
 * 405, and sends a strong ETag with a 304 on a match). FAULTS found:
 * 1. An absolute-form request (`GET http://host/ui/scene-radar-ui.js HTTP/1.1`, which RFC 9112
 *    3.2.2 says a server MUST accept) for the page or the bundle gets the API's JSON 404 `No route:
 *    /ui/scene-radar-ui.js`, while the API itself answers absolute-form targets: the dashboard
 *    compares the raw `req.url` (ui/server.ts:133) instead of its parsed path.
 * 2. A method other than GET/HEAD on the page or the bundle (`POST /`, `PUT /ui/scene-radar-ui.js`,
 *    `DELETE /index.html`) is handed to the API, which answers 404 `ROUTE_NOT_FOUND` "No route: /"
 *    for a resource that exists; it should be a 405 with `Allow: GET, HEAD` (RFC 9110 15.5.6), as
 *    the API does for its own routes (ui/server.ts:132 returns false for every other method).
 * 3. The page and the bundle are sent with `Cache-Control: no-cache` but no validator (no ETag, no
 *    Last-Modified), so revalidation cannot succeed: every page load downloads the whole 129 KB
 *    bundle again, and `If-None-Match` with the same tag is never a 304 (ui/server.ts:119 sets the
 *    header; 135-152 write both answers without a validator).
 */
import { createServer, type IncomingHttpHeaders, type RequestListener, request, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { toNodeListener } from '../../adapters/node/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import { type RunningServer, serveRadar } from '../../src/cli/serve.js';
import { createSceneRadar, fixedClock, type SceneRadar } from '../../src/index.js';
import { UI_BUNDLE_PATH, withDashboard } from '../../ui/server.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 30, end: '2026-11-28' });
/** How long one exchange may stay unanswered before a test gives it up (a bound on hangs). */
const GIVE_UP_MS = 10_000;

let radar: SceneRadar;
let server: Server;
let port: number;
/** The bundle's bytes, as the first plain GET returned them. */
let bundle: Buffer;
/** The page's bytes. */
let page: Buffer;
const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => {
  rejections.push(reason);
};

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

function bounded<T>(promise: Promise<T>, what: string, ms = GIVE_UP_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up on ${what} after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One request over a fresh connection; `path` goes on the request line as given. */
function http(method: string, path: string, headers: Record<string, string> = {}, onPort = port): Promise<Answer> {
  return bounded(
    new Promise<Answer>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: onPort, method, path, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    }),
    `${method} ${path.slice(0, 80)}`,
  );
}

/** Raw bytes over a socket, read until the server closes it (or `GIVE_UP_MS`). */
function rawExchange(bytes: Buffer | string): Promise<string> {
  return bounded(
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
      socket.on('error', reject);
      socket.write(bytes);
    }),
    'raw exchange',
  );
}

interface Envelope {
  readonly ok: boolean;
  readonly error?: { readonly code: string; readonly message: string };
}

function envelopeOf(answer: Answer): Envelope {
  return JSON.parse(answer.body.toString('utf8')) as Envelope;
}

/** Words of files outside any asset folder: the repository's package.json, tsconfig, /etc/passwd. */
const FOREIGN = ['"devDependencies"', '"compilerOptions"', 'root:x:0:0', '"scripts"'];

function expectNoForeignBytes(answer: Answer): void {
  const text = answer.body.toString('latin1');
  for (const word of FOREIGN) expect(text).not.toContain(word);
}

/** The API's 404: its JSON envelope, never the page or the bundle. */
function expectApi404(answer: Answer): void {
  expect(answer.status).toBe(404);
  expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(envelopeOf(answer)).toMatchObject({ ok: false, error: { code: 'ROUTE_NOT_FOUND' } });
  expectNoForeignBytes(answer);
}

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
  await bounded(radar.scenes.importCatalog(world.catalog), 'import', 60_000);
  await bounded(radar.refresh(NOW), 'refresh', 60_000);
  const listener = await bounded(withDashboard(toNodeListener(createFetchHandler(radar))), 'withDashboard', 60_000);
  server = createServer(listener);
  await bounded(new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve())), 'listen');
  port = (server.address() as AddressInfo).port;
  page = (await http('GET', '/')).body;
  bundle = (await http('GET', UI_BUNDLE_PATH)).body;
}, 120_000);

afterAll(async () => {
  server.closeAllConnections();
  await bounded(new Promise<void>((resolve) => server.close(() => resolve())), 'close');
  await bounded(radar.close(), 'radar close');
  process.off('unhandledRejection', onRejection);
  expect(rejections).toEqual([]);
});

describe('what withDashboard serves', () => {
  it('the page at / and /index.html: HTML, nosniff, a same-origin CSP, mounting the app on /api', async () => {
    for (const path of ['/', '/index.html', '/?x=1', '/index.html?']) {
      const answer = await http('GET', path);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['content-security-policy']).toContain("script-src 'self'");
      expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
      expect(answer.body.equals(page)).toBe(true);
    }
    const html = page.toString('utf8');
    expect(html).toContain(`<script type="module" src="${UI_BUNDLE_PATH}"></script>`);
    expect(html).toContain('<scene-radar-app base="/api"></scene-radar-app>');
  });

  it('the bundle: JavaScript, nosniff, the same bytes with a query string, gzip only when asked', async () => {
    const plain = await http('GET', UI_BUNDLE_PATH);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['x-content-type-options']).toBe('nosniff');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');
    expect(bundle.length).toBeGreaterThan(10_000);
    expect(bundle.toString('utf8')).toContain('scene-radar-app');
    expectNoForeignBytes(plain);

    const withQuery = await http('GET', `${UI_BUNDLE_PATH}?v=123&x=%2e%2e/`);
    expect(withQuery.status).toBe(200);
    expect(withQuery.body.equals(bundle)).toBe(true);

    const gzip = await http('GET', UI_BUNDLE_PATH, { 'accept-encoding': 'br, gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(Number(gzip.headers['content-length'])).toBe(gzip.body.length);
    expect(gunzipSync(gzip.body).equals(bundle)).toBe(true);

    const refused = await http('GET', UI_BUNDLE_PATH, { 'accept-encoding': 'gzip;q=0, *' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(bundle)).toBe(true);
  });

  it('the bundle, whose name carries no hash, is never cached as immutable', async () => {
    for (const path of ['/', UI_BUNDLE_PATH]) {
      const answer = await http('GET', path);
      const cache = String(answer.headers['cache-control']);
      expect(cache).toBe('no-cache');
      expect(cache).not.toContain('immutable');
      expect(cache).not.toContain('max-age');
    }
  });

  it('HEAD gives the same headers as GET and no body, for the page and both encodings of the bundle', async () => {
    const cases: [string, Record<string, string>][] = [
      ['/', {}],
      ['/index.html', {}],
      [UI_BUNDLE_PATH, {}],
      [UI_BUNDLE_PATH, { 'accept-encoding': 'gzip' }],
    ];
    for (const [path, headers] of cases) {
      const get = await http('GET', path, headers);
      const head = await http('HEAD', path, headers);
      expect(head.status).toBe(get.status);
      expect(head.body.length).toBe(0);
      const { date: _getDate, ...getHeaders } = get.headers;
      const { date: _headDate, ...headHeaders } = head.headers;
      expect(headHeaders).toEqual(getHeaders);
    }
  });

  it('HEAD on an API route keeps its headers and sends no body', async () => {
    const head = await http('HEAD', '/api/health');
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(head.body.length).toBe(0);
  });
});

describe('never a byte from outside: traversal and odd paths land on the API 404', () => {
  const hostile = [
    '/..',
    '/../package.json',
    '/ui/../package.json',
    '/ui/../../package.json',
    '/ui/%2e%2e/%2e%2e/package.json',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/%2E%2E%2Fpackage.json',
    '/ui%2f..%2fpackage.json',
    '/ui/..%2f..%2ftsconfig.json',
    '/ui\\..\\package.json',
    '/..\\..\\etc\\passwd',
    '//etc/passwd',
    '/etc/passwd',
    '/work/main/package.json',
    '/ui/scene-radar-ui.js%00',
    '/ui/scene-radar-ui.js%00.html',
    '/%c0%ae%c0%ae/package.json',
    '/%c0%af..%c0%afpackage.json',
    '/%e0%80%ae%e0%80%ae/package.json',
    '/ui/',
    '/ui',
    '/ui//scene-radar-ui.js',
    '/ui/scene-radar-ui.js/',
    '/ui/scene-radar-ui.js/..',
    '/./index.html',
    '/index.html/',
    '/UI/scene-radar-ui.js',
    '/dist/ui/index.js',
    '/ui/index.ts',
    '/ui/server.ts',
    '/package.json',
    '/.env',
    '/.git/config',
  ];
  it.each(hostile)('GET %s', async (path) => {
    expectApi404(await http('GET', path));
  });

  it('a NUL byte on the request line is refused by the parser with a 400, no bundle bytes', async () => {
    const answer = await rawExchange(`GET ${UI_BUNDLE_PATH}\0 HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).not.toContain('scene-radar-app');
  });

  it('a very long path is the API 404; a longer one is refused by Node (431), and the server still answers', async () => {
    expectApi404(await http('GET', `/${'a'.repeat(8_000)}`));
    const bundleWithLongQuery = await http('GET', `${UI_BUNDLE_PATH}?${'q'.repeat(8_000)}`);
    expect(bundleWithLongQuery.status).toBe(200);
    expect(bundleWithLongQuery.body.equals(bundle)).toBe(true);
    const tooLong = await http('GET', `/${'../'.repeat(10_000)}etc/passwd`);
    expect(tooLong.status).toBe(431);
    expectNoForeignBytes(tooLong);
    expect((await http('GET', '/')).status).toBe(200);
  });
});

describe('between the dashboard and the API prefix', () => {
  it.each([
    '/api',
    '/api/',
    '/api.',
    '/apix',
    '/API',
    '/API/health',
    '/api%2fhealth',
    '/api%2Fhealth',
    '/api/index.html',
    `/api${UI_BUNDLE_PATH}`,
    '/api/../index.html',
    '/api/..%2fui/scene-radar-ui.js',
    '/health',
    '/talent/pulse',
  ])('GET %s is the API 404 envelope, neither the page nor the bundle', async (path) => {
    const answer = await http('GET', path);
    expectApi404(answer);
    expect(answer.body.equals(page)).toBe(false);
  });

  it('API routes reach the API: its answers and its errors are its JSON envelope', async () => {
    const health = await http('GET', '/api/health');
    expect(health.status).toBe(200);
    expect(envelopeOf(health).ok).toBe(true);
    const slug = world.catalog.scenes[0]!.slug;
    const scene = await http('GET', `/api/scenes/${slug}`);
    expect(scene.status).toBe(200);
    expect(envelopeOf(scene).ok).toBe(true);
    const unknown = await http('GET', '/api/talent/artists/nobody-at-all');
    expect(unknown.status).toBe(404);
    expect(envelopeOf(unknown)).toMatchObject({ ok: false });
    const post = await http('POST', '/api/health');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect(envelopeOf(post)).toMatchObject({ ok: false, error: { code: 'METHOD_NOT_ALLOWED' } });
  });

  it('the API answers its routes unchanged by the wrapper (same bytes as the bare API listener)', async () => {
    const bare = createServer(toNodeListener(createFetchHandler(radar)));
    await bounded(new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', () => resolve())), 'listen bare');
    try {
      const barePort = (bare.address() as AddressInfo).port;
      for (const path of ['/api/scene-pulse?limit=3', '/api/openapi.json', '/api/scenes/invalid-slug-!!!']) {
        const wrapped = await http('GET', path);
        const direct = await http('GET', path, {}, barePort);
        expect(wrapped.status).toBe(direct.status);
        expect(wrapped.headers['content-type']).toBe(direct.headers['content-type']);
        expect(wrapped.body.equals(direct.body)).toBe(true);
      }
    } finally {
      bare.closeAllConnections();
      await bounded(new Promise<void>((resolve) => bare.close(() => resolve())), 'close bare');
    }
  });
});

describe('client routes of a #/ app', () => {
  it('/scenes/x, /talent and /favicon.ico are the API 404 envelope (the app routes in the hash)', async () => {
    for (const path of ['/scenes/x', '/talent', '/artists/a', '/favicon.ico']) {
      const answer = await http('GET', path);
      expectApi404(answer);
      expect(envelopeOf(answer).error?.message).toBe(`No route: ${path}`);
    }
  });
});

describe('methods and conditional requests', () => {
  it('FAULT: POST / PUT / DELETE on the page or the bundle are a 404 "No route", not a 405 with Allow: GET, HEAD', async () => {
    for (const [method, path] of [
      ['POST', '/'],
      ['PUT', UI_BUNDLE_PATH],
      ['DELETE', '/index.html'],
    ] as const) {
      const answer = await http(method, path);
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe('GET, HEAD');
    }
  });

  it('a non-GET method on the page is at least a well-formed JSON answer (never the page)', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const answer = await http(method, '/');
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(envelopeOf(answer).ok).toBe(false);
    }
  });

  it('FAULT: no-cache without a validator: no ETag, and If-None-Match is never a 304', async () => {
    const first = await http('GET', UI_BUNDLE_PATH);
    const etag = first.headers.etag;
    expect(typeof etag).toBe('string');
    const again = await http('GET', UI_BUNDLE_PATH, { 'if-none-match': String(etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('conditional headers never break the answer: the full 200 comes back', async () => {
    const conditionals: Record<string, string>[] = [
      { 'if-none-match': '"nonsense"' },
      { 'if-modified-since': 'Thu, 01 Jan 2099 00:00:00 GMT' },
      { 'if-modified-since': 'not a date' },
      { range: 'bytes=0-10' },
    ];
    for (const headers of conditionals) {
      const answer = await http('GET', UI_BUNDLE_PATH, headers);
      expect(answer.status).toBe(200);
      expect(answer.body.equals(bundle)).toBe(true);
    }
  });
});

describe('absolute-form targets', () => {
  it('the API answers an absolute-form target', async () => {
    const answer = await http('GET', `http://127.0.0.1:${port}/api/health`);
    expect(answer.status).toBe(200);
    expect(envelopeOf(answer).ok).toBe(true);
  });

  it('FAULT: an absolute-form target for the page or the bundle is the API JSON 404', async () => {
    const bundleAnswer = await http('GET', `http://127.0.0.1:${port}${UI_BUNDLE_PATH}`);
    expect(bundleAnswer.status).toBe(200);
    expect(bundleAnswer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const pageAnswer = await http('GET', `http://127.0.0.1:${port}/`);
    expect(pageAnswer.status).toBe(200);
    expect(pageAnswer.headers['content-type']).toBe('text/html; charset=utf-8');
  });
});

describe('load and clients that leave', () => {
  it('40 concurrent requests mixing the page, both bundle encodings and the API each get their own answer', async () => {
    const kinds = ['page', 'js', 'gzip', 'api', 'miss'] as const;
    const answers = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const kind = kinds[i % kinds.length]!;
        const answer =
          kind === 'page'
            ? await http('GET', '/')
            : kind === 'js'
              ? await http('GET', UI_BUNDLE_PATH)
              : kind === 'gzip'
                ? await http('GET', UI_BUNDLE_PATH, { 'accept-encoding': 'gzip' })
                : kind === 'api'
                  ? await http('GET', '/api/scene-pulse?limit=2')
                  : await http('GET', `/ui/../x${i}`);
        return { kind, answer };
      }),
    );
    for (const { kind, answer } of answers) {
      if (kind === 'page') expect(answer.body.equals(page)).toBe(true);
      if (kind === 'js') expect(answer.body.equals(bundle)).toBe(true);
      if (kind === 'gzip') expect(gunzipSync(answer.body).equals(bundle)).toBe(true);
      if (kind === 'api') expect(envelopeOf(answer).ok).toBe(true);
      if (kind === 'miss') expectApi404(answer);
    }
  });

  it('a client that leaves mid-bundle (and one that resets at once) leaves the server answering', async () => {
    const firstBytes = await bounded(
      new Promise<number>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        socket.on('error', reject);
        socket.once('data', (chunk: Buffer) => {
          socket.destroy();
          resolve(chunk.length);
        });
        socket.write(`GET ${UI_BUNDLE_PATH} HTTP/1.1\r\nHost: x\r\n\r\n`);
      }),
      'leaving client',
    );
    expect(firstBytes).toBeGreaterThan(0);
    await bounded(
      new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(`GET ${UI_BUNDLE_PATH} HTTP/1.1\r\nHost: x\r\n\r\n`, () => {
            socket.resetAndDestroy();
            resolve();
          });
        });
        socket.on('error', () => resolve());
      }),
      'resetting client',
    );
    for (let i = 0; i < 3; i++) {
      const answer = await http('GET', UI_BUNDLE_PATH);
      expect(answer.body.equals(bundle)).toBe(true);
    }
  });

  it('a GET / with a 1 MB body on a keep-alive socket: the page, then the next request on the same socket', async () => {
    const body = 'x'.repeat(1_000_000);
    const answer = await rawExchange(
      `GET / HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
        `GET ${UI_BUNDLE_PATH} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    const statusLines = answer.match(/HTTP\/1\.1 \d{3}/g) ?? [];
    expect(statusLines[0]).toBe('HTTP/1.1 200');
    expect(answer).toContain('<scene-radar-app base="/api">');
    // Either the second request is answered (200, the bundle) or the connection is closed after the page; never garbage.
    for (const line of statusLines) expect(line).toBe('HTTP/1.1 200');
  });
});

describe('through serveRadar, as npm run serve wires it', () => {
  let running: RunningServer;
  afterAll(async () => {
    await bounded(running.close(), 'close serveRadar');
  });

  it('the page and the bundle do not spend the API rate limit; the API 429 stays its envelope', async () => {
    running = await bounded(
      serveRadar(radar, {
        port: 0,
        host: '127.0.0.1',
        rateLimit: 2,
        rateWindowSeconds: 3600,
        wrapListener: (api: RequestListener) => withDashboard(api),
        onError: () => {},
      }),
      'serveRadar',
      60_000,
    );
    const servePort = Number(new URL(running.url).port);
    for (let i = 0; i < 4; i++) {
      expect((await http('GET', '/', {}, servePort)).status).toBe(200);
      expect((await http('HEAD', UI_BUNDLE_PATH, {}, servePort)).status).toBe(200);
    }
    const statuses: number[] = [];
    let last: Answer | undefined;
    for (let i = 0; i < 3; i++) {
      last = await http('GET', '/api/scene-pulse?limit=1', {}, servePort);
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses[2]).toBe(429);
    expect(last && envelopeOf(last)).toMatchObject({ ok: false, error: { code: 'SCENES_RATE_LIMITED' } });
    expect(last?.headers['retry-after']).toBeDefined();
    // The dashboard still answers a client the API has limited.
    expect((await http('GET', UI_BUNDLE_PATH, {}, servePort)).body.equals(bundle)).toBe(true);
  }, 90_000);
});

describe('a bundle that cannot be built', () => {
  it('withDashboard rejects with the build error (bounded) before any listener exists, no crash', async () => {
    vi.resetModules();
    vi.doMock('esbuild', () => ({
      build: async () => {
        throw new Error('Build failed with 1 error: ui/index.ts: Could not resolve "./app.js"');
      },
    }));
    try {
      const fresh = await import('../../ui/server.js');
      const made = fresh.withDashboard(toNodeListener(createFetchHandler(radar)));
      await expect(bounded(made, 'failing withDashboard')).rejects.toThrow(/Build failed.*Could not resolve/);
    } finally {
      vi.doUnmock('esbuild');
      vi.resetModules();
    }
  });
});

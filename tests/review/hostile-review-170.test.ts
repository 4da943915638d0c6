/**
 * Hostile review 170: the Node HTTP glue (`scene-radar/adapters/node`: listener.ts, light.ts,
 * request.ts, response.ts, client-gone.ts) at the TRANSPORT level, with raw `node:net` sockets
 * against in-process servers: the `scene-radar serve` server itself (`serveRadar`,
 * src/cli/serve.ts, which `npm run serve` runs too) over a demo world of 30 artists, and a
 * `node:http` server with `toNodeListener` over a host handler that streams. Probed: pipelined
 * requests in one write (GET / HEAD / POST / PROPFIND / TRACE / absolute-form / `OPTIONS *`, light
 * and standard paths mixed, 100 in a row), a malformed request in the middle of a pipeline, a
 * client that half-closes after sending, a client that resets mid-response and one that resets
 * with a pipeline queued, HEAD framing, bodies on GET (Content-Length and chunked, 1 MB), a 1 MB
 * POST body left unread, `Expect: 100-continue` on a POST, two Host headers, huge / many headers
 * and URLs, absolute-form targets, `..` / `%2e%2e` / `//` / `%2F` / `\` in paths, Upgrade:
 * websocket, CONNECT, HTTP/1.0 keep-alive. Every await is bounded (a socket is given up after a
 * few seconds); nothing asserts on timing.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: the server's `clientError`
 * handling installed by `serveRadar`, now `handleClientErrors`, a `\` in a path refused by `isAmbiguousPath`, two `Host` lines a 400 in
 * `serveNodeRequest`). FAULTS found:
 * 1. A valid request pipelined ahead of a malformed one in the same packet is answered with the
 *    malformed one's `400 Bad Request`: the light path answers asynchronously, the parser reaches
 *    the garbage in the same tick, and Node's default `clientError` handling writes its 400 (the
 *    in-flight response has sent no header yet) and destroys the socket. The client reads the 400
 *    as the answer to its valid GET. `serveRadar` (src/cli/serve.ts:129) creates the server without
 *    a `clientError` handler that would close without writing while a response is in flight.
 * 2. A `\` in the path is read as `/`: `GET /api\talent\pulse` serves the Talent pulse. The
 *    listener sends it the standard way (light.ts PLAIN_TARGET refuses `\`) and `toWebRequest`'s
 *    URL parse rewrites `\` to `/`; `isAmbiguousPath` (src/api/paths.ts:47-51) treats `\` only as a
 *    separator for dot segments. docs/reliability.md: "the API must not serve another route than
 *    the one it spells" (a proxy or access list matching `/api/talent/*` never sees this path).
 * 3. A request with two Host header lines is served (200): RFC 9112 3.2 says a server MUST answer
 *    400 to "any request message that contains more than one Host header field line"; the glue
 *    (listener.ts:204-215 serveNodeRequest, light.ts:130 lightRequestOf) never looks at `req.rawHeaders`, and Node keeps
 *    only the first Host, while a proxy in front may have routed on the other.
 */
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { toNodeListener, type WebHandler } from '../../adapters/node/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import { serveRadar, type RunningServer } from '../../src/cli/serve.js';
import { createSceneRadar, fixedClock, type SceneRadar } from '../../src/index.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 30, end: '2026-11-28' });
const SLUG = world.catalog.scenes[0]!.slug;
/** How long a socket may stay silent before a test gives it up (a bound on hangs, not a timing assertion). */
const GIVE_UP_MS = 5_000;

let radar: SceneRadar;
let running: RunningServer;
let port: number;
const reported: unknown[] = [];
const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => {
  rejections.push(reason);
};

/** The streaming host server: `/stream` is a long body, `/slow` answers when released; the rest is the API. */
let hostServer: Server;
let hostPort: number;
const hostErrors: unknown[] = [];
let streamCancelled: (reason: unknown) => void = () => {};
let slowRelease: () => void = () => {};
let slowStarted: () => void = () => {};

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh(NOW);
  running = await serveRadar(radar, { port: 0, host: '127.0.0.1', rateLimit: 0, onError: (e) => reported.push(e) });
  port = Number(new URL(running.url).port);

  const api = createFetchHandler(radar);
  const host: WebHandler = async (request, context) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/stream') {
      let sent = 0;
      const chunk = new Uint8Array(64 * 1024).fill(0x61);
      return new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent >= 2_000) controller.close();
            else {
              sent++;
              controller.enqueue(chunk);
            }
          },
          cancel(reason) {
            streamCancelled(reason);
          },
        }),
        { headers: { 'content-type': 'text/plain' } },
      );
    }
    if (pathname === '/slow') {
      slowStarted();
      await new Promise<void>((resolve) => {
        slowRelease = resolve;
      });
      return new Response('late');
    }
    return api(request, context);
  };
  hostServer = createServer(toNodeListener(host, { onError: (e) => hostErrors.push(e) }));
  await new Promise<void>((resolve) => hostServer.listen(0, '127.0.0.1', resolve));
  hostPort = (hostServer.address() as AddressInfo).port;
}, 60_000);

afterAll(async () => {
  slowRelease();
  await running?.close();
  await new Promise<void>((resolve) => {
    hostServer?.close(() => resolve());
    hostServer?.closeAllConnections();
  });
  await radar?.close();
  process.off('unhandledRejection', onRejection);
});

/** What a raw connection received: the bytes (latin1) and whether the test had to give up on it. */
interface Exchange {
  readonly raw: string;
  readonly timedOut: boolean;
}

/**
 * Opens a connection, writes `parts` (each one write, `gapMs` apart), optionally half-closes, and
 * collects everything until the server closes (or GIVE_UP_MS passes, then `timedOut`).
 */
function exchange(
  target: number,
  parts: readonly (string | Buffer)[],
  options: { halfClose?: boolean; gapMs?: number; waitFor?: (raw: string) => boolean } = {},
): Promise<Exchange> {
  return new Promise((resolve) => {
    let raw = '';
    let timedOut = false;
    const socket = connect(target, '127.0.0.1');
    socket.on('error', () => {});
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, GIVE_UP_MS);
    socket.on('data', (d: Buffer) => {
      raw += d.toString('latin1');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ raw, timedOut });
    });
    socket.on('connect', async () => {
      for (const [i, part] of parts.entries()) {
        if (i > 0 && options.waitFor) {
          const waitFor = options.waitFor;
          await until(() => waitFor(raw) || socket.destroyed);
        } else if (i > 0 && options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
        if (socket.destroyed) return;
        socket.write(part);
      }
      if (options.halfClose) socket.end();
    });
  });
}

/** Resolves once `test()` holds, checking every 10 ms, or after GIVE_UP_MS (then false). */
async function until(test: () => boolean): Promise<boolean> {
  for (let waited = 0; waited < GIVE_UP_MS; waited += 10) {
    if (test()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return test();
}

/** One parsed HTTP/1.x answer. */
interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * The answers in `raw`, in order. `methods[i]` is the method of the i-th request (a HEAD answer
 * has no body whatever its Content-Length). Interim 1xx answers are skipped. A body without a length
 * runs to the end of the bytes. An answer cut short ends the list.
 */
function parseAnswers(raw: string, methods: readonly string[]): Answer[] {
  const out: Answer[] = [];
  let at = 0;
  while (at < raw.length) {
    const end = raw.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const [statusLine, ...lines] = raw.slice(at, end).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? Number.NaN);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const i = line.indexOf(':');
      const name = line.slice(0, i).toLowerCase();
      const value = line.slice(i + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    at = end + 4;
    if (status >= 100 && status < 200) continue;
    let body = '';
    if (methods[out.length] === 'HEAD' || status === 204 || status === 304) body = '';
    else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (at + length > raw.length) break;
      body = raw.slice(at, at + length);
      at += length;
    } else if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      for (;;) {
        const lineEnd = raw.indexOf('\r\n', at);
        if (lineEnd < 0) return out;
        const size = Number.parseInt(raw.slice(at, lineEnd), 16);
        at = lineEnd + 2;
        if (size === 0) {
          at += 2;
          break;
        }
        body += raw.slice(at, at + size);
        at += size + 2;
      }
    } else {
      body = raw.slice(at);
      at = raw.length;
    }
    out.push({ status, headers, body });
  }
  return out;
}

/** An API envelope as these tests read it. */
interface Envelope {
  readonly ok: boolean;
  readonly data?: unknown;
  readonly error: { readonly code: string; readonly message: string } | null;
}
const envelope = (answer: Answer | undefined): Envelope => JSON.parse(answer?.body ?? 'null') as Envelope;

/** A request line and headers, `Host: x` unless `host` is given, ending the head. */
function req(method: string, target: string, headers: Record<string, string> = {}, version = '1.1'): string {
  const lines = [`${method} ${target} HTTP/${version}`];
  if (version === '1.1' && !('Host' in headers)) lines.push('Host: x');
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Whether the server at `target` still answers a plain GET. */
async function stillServes(target: number): Promise<boolean> {
  const { raw } = await exchange(target, [req('GET', '/api/scenes?limit=1', { Connection: 'close' })]);
  const [answer] = parseAnswers(raw, ['GET']);
  return answer?.status === 200 && envelope(answer).ok === true;
}

describe('hostile review 170: pipelining on the scene-radar serve server', () => {
  it('a pipeline of GET, HEAD, POST (with a body), absolute-form GET, OPTIONS *, PROPFIND and TRACE in one write: every answer in order, each to its own request', async () => {
    const requests: [string, string, Record<string, string>][] = [
      ['GET', `/api/scenes/${SLUG}`, { 'X-Request-Id': 'p1' }],
      ['HEAD', `/api/scenes/${SLUG}`, { 'X-Request-Id': 'p2' }],
      ['POST', '/api/scenes', { 'X-Request-Id': 'p3', 'Content-Length': '3' }],
      ['GET', 'http://evil.example/api/scenes?limit=2', { 'X-Request-Id': 'p4' }],
      ['OPTIONS', '*', { 'X-Request-Id': 'p5' }],
      ['PROPFIND', '/api/scenes', { 'X-Request-Id': 'p6' }],
      ['TRACE', '/api/scenes', { 'X-Request-Id': 'p7', Connection: 'close' }],
    ];
    const text = requests.map(([m, t, h]) => req(m, t, h) + (m === 'POST' ? 'abc' : '')).join('');
    const { raw, timedOut } = await exchange(port, [text]);
    expect(timedOut).toBe(false);
    const answers = parseAnswers(
      raw,
      requests.map(([m]) => m),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 405, 200, 404, 405, 405]);
    expect(answers.map((a) => a.headers['x-request-id'])).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']);
    // HEAD: no body, the length its GET carries; the next answer starts right after its head.
    expect(answers[1]!.body).toBe('');
    expect(answers[1]!.headers['content-length']).toBe(answers[0]!.headers['content-length']);
    expect((envelope(answers[0]).data as { slug: string }).slug).toBe(SLUG);
    expect(envelope(answers[2]).error?.code).toBe('METHOD_NOT_ALLOWED');
    expect(answers[2]!.headers.allow).toBe('GET, HEAD');
    // Absolute-form: the path and query are the target's, the host is not used.
    expect((envelope(answers[3]).data as { limit: number }).limit).toBe(2);
    expect(envelope(answers[4]).error?.code).toBe('ROUTE_NOT_FOUND');
    expect(envelope(answers[5]).error?.code).toBe('METHOD_NOT_ALLOWED');
    expect(envelope(answers[6]).error?.code).toBe('METHOD_NOT_ALLOWED');
    expect(answers[6]!.headers.connection).toBe('close');
    for (const a of answers) if (a.body !== '') expect(Number(a.headers['content-length'])).toBe(a.body.length);
    expect(rejections).toEqual([]);
  });

  it('100 pipelined GETs (light path, each a different limit) are answered in order, each with its own payload', async () => {
    const count = 100;
    const text = Array.from({ length: count }, (_, i) =>
      req('GET', `/api/scenes?limit=${(i % 50) + 1}`, {
        'X-Request-Id': `n${i}`,
        ...(i === count - 1 ? { Connection: 'close' } : {}),
      }),
    ).join('');
    const { raw, timedOut } = await exchange(port, [text]);
    expect(timedOut).toBe(false);
    const answers = parseAnswers(
      raw,
      Array.from({ length: count }, () => 'GET'),
    );
    expect(answers).toHaveLength(count);
    answers.forEach((a, i) => {
      expect(a.headers['x-request-id']).toBe(`n${i}`);
      expect((envelope(a).data as { limit: number }).limit).toBe((i % 50) + 1);
    });
  });

  // FAULT 1: src/cli/serve.ts:129 (no 'clientError' handler): Node's default writes its 400 while
  // the valid request's response is in flight with no header sent, so the 400 lands in its place.
  it('FAULT: a valid GET pipelined ahead of a malformed request in one write gets the 400 meant for the malformed one (serve.ts:129, Node default clientError)', async () => {
    const text = `${req('GET', '/api/scenes?limit=1', { 'X-Request-Id': 'ok1' })}GARBAGE\r\n\r\n${req('GET', '/api/scenes?limit=1', { 'X-Request-Id': 'ok3' })}`;
    const { raw, timedOut } = await exchange(port, [text]);
    expect(timedOut).toBe(false);
    const answers = parseAnswers(raw, ['GET', 'GET', 'GET']);
    // Correct: the first answer on the wire is the valid GET's own 200, or the server closes
    // without answering it (a clean close); never another request's answer in its place.
    if (answers.length > 0) {
      expect(answers[0]!.status).toBe(200);
      expect(answers[0]!.headers['x-request-id']).toBe('ok1');
    }
  });

  it('the same malformed request sent after the valid GET was answered: the GET keeps its 200, the garbage gets a 400 and the connection closes', async () => {
    const first = req('GET', '/api/scenes?limit=1', { 'X-Request-Id': 'seq1' });
    const { raw, timedOut } = await exchange(port, [first, 'GARBAGE\r\n\r\n'], {
      waitFor: (r) => r.includes('"error":null}'),
    });
    expect(timedOut).toBe(false);
    const answers = parseAnswers(raw, ['GET', 'GET']);
    expect(answers.map((a) => a.status)).toEqual([200, 400]);
    expect(answers[0]!.headers['x-request-id']).toBe('seq1');
    expect(answers[1]!.headers.connection).toBe('close');
    expect(await stillServes(port)).toBe(true);
  });

  it('a client that half-closes right after pipelining three requests gets all three answers, then the server closes', async () => {
    const text =
      req('GET', '/api/scenes?limit=1', { 'X-Request-Id': 'h1' }) +
      req('GET', '/api/openapi.json', { 'X-Request-Id': 'h2' }) +
      req('HEAD', '/api/health', { 'X-Request-Id': 'h3' });
    const { raw, timedOut } = await exchange(port, [text], { halfClose: true });
    expect(timedOut).toBe(false);
    const answers = parseAnswers(raw, ['GET', 'GET', 'HEAD']);
    expect(answers.map((a) => a.headers['x-request-id'])).toEqual(['h1', 'h2', 'h3']);
    expect(answers[0]!.status).toBe(200);
    expect(answers[1]!.status).toBe(200);
    expect((JSON.parse(answers[1]!.body) as { openapi: string }).openapi).toMatch(/^3\./);
    expect(answers[2]!.body).toBe('');
  });

  it('bodies on GET (1 MB with Content-Length, and chunked) and an unread 1 MB POST body are skipped, never parsed as the next request', async () => {
    const big = 'G'.repeat(1_000_000);
    const fakeRequest = req('GET', '/api/talent/pulse', { 'X-Request-Id': 'smuggled' });
    const text =
      req('GET', '/api/scenes?limit=1', { 'X-Request-Id': 'b1', 'Content-Length': String(big.length) }) +
      big +
      req('GET', '/api/scenes?limit=2', { 'X-Request-Id': 'b2', 'Transfer-Encoding': 'chunked' }) +
      `${fakeRequest.length.toString(16)}\r\n${fakeRequest}\r\n0\r\n\r\n` +
      req('POST', '/api/scenes', { 'X-Request-Id': 'b3', 'Content-Length': String(big.length) }) +
      big +
      req('GET', '/api/scenes?limit=3', { 'X-Request-Id': 'b4', Connection: 'close' });
    const { raw, timedOut } = await exchange(port, [text]);
    expect(timedOut).toBe(false);
    const answers = parseAnswers(raw, ['GET', 'GET', 'POST', 'GET']);
    expect(answers.map((a) => a.headers['x-request-id'])).toEqual(['b1', 'b2', 'b3', 'b4']);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 405, 200]);
    expect((envelope(answers[3]).data as { limit: number }).limit).toBe(3);
    expect(raw).not.toContain('smuggled');
  });

  it('`Expect: 100-continue` on a POST: 100 Continue, then the 405 envelope (the body is never needed)', async () => {
    const { raw, timedOut } = await exchange(port, [
      req('POST', '/api/scenes', { Expect: '100-continue', 'Content-Length': '5', Connection: 'close' }),
    ]);
    expect(timedOut).toBe(false);
    expect(raw.startsWith('HTTP/1.1 100 Continue\r\n\r\n')).toBe(true);
    const [answer] = parseAnswers(raw, ['POST']);
    expect(answer?.status).toBe(405);
    expect(envelope(answer).error?.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('HTTP/1.0 with keep-alive, GET then HEAD pipelined: both framed by Content-Length, in order, closed after the HEAD', async () => {
    const text =
      req('GET', '/api/scenes?limit=1', { Connection: 'keep-alive', 'X-Request-Id': 'k1' }, '1.0') +
      req('HEAD', '/api/scenes?limit=1', { 'X-Request-Id': 'k2' }, '1.0');
    const { raw, timedOut } = await exchange(port, [text]);
    expect(timedOut).toBe(false);
    const answers = parseAnswers(raw, ['GET', 'HEAD']);
    expect(answers.map((a) => a.headers['x-request-id'])).toEqual(['k1', 'k2']);
    expect(answers[0]!.headers['transfer-encoding']).toBeUndefined();
    expect(Number(answers[0]!.headers['content-length'])).toBe(answers[0]!.body.length);
    expect(answers[1]!.headers['content-length']).toBe(answers[0]!.headers['content-length']);
    expect(answers[1]!.headers.connection).toBe('close');
  });
});

describe('hostile review 170: odd targets and headers on the scene-radar serve server', () => {
  it('`..`, `%2e%2e`, `//`, `%2F` and an absolute-form `..` are 404 ROUTE_NOT_FOUND envelopes, never resolved', async () => {
    for (const target of [
      '/api/scenes/x/../../talent/pulse',
      '/api/scenes/%2e%2e/health',
      '/api/scenes/.%2E/health',
      '//api/health',
      '/api//health',
      `/api/scenes%2F${SLUG}`,
      'http://evil.example/api/scenes/x/../../talent/pulse',
    ]) {
      const { raw, timedOut } = await exchange(port, [req('GET', target, { Connection: 'close' })]);
      expect(timedOut, target).toBe(false);
      const [answer] = parseAnswers(raw, ['GET']);
      expect(answer?.status, target).toBe(404);
      expect(envelope(answer).error?.code, target).toBe('ROUTE_NOT_FOUND');
    }
  });

  // FAULT 2: src/api/paths.ts:47-51 (a `\` is only a dot-segment separator) with request.ts
  // targetOf/toWebRequest (the URL parser reads `\` as `/`).
  it('FAULT: `GET /api\\talent\\pulse` serves the Talent pulse (a `\\` read as `/`), a route other than the one it spells (paths.ts:47-51)', async () => {
    const { raw, timedOut } = await exchange(port, [
      req('GET', '/api\\talent\\pulse?limit=1', { Connection: 'close' }),
    ]);
    expect(timedOut).toBe(false);
    const [answer] = parseAnswers(raw, ['GET']);
    expect(answer?.status).toBe(404);
    expect(envelope(answer).error?.code).toBe('ROUTE_NOT_FOUND');
  });

  // FAULT 3: RFC 9112 3.2 (MUST 400 for more than one Host line); nothing in listener.ts
  // serveNodeRequest / light.ts lightRequestOf looks at req.rawHeaders.
  it('FAULT: a request with two Host header lines is served (200) instead of a 400 (RFC 9112 3.2; listener.ts serveNodeRequest)', async () => {
    const { raw, timedOut } = await exchange(port, [
      `GET /api/scenes?limit=1 HTTP/1.1\r\nHost: radar.example.com\r\nHost: evil.example\r\nConnection: close\r\n\r\n`,
    ]);
    expect(timedOut).toBe(false);
    const answers = parseAnswers(raw, ['GET']);
    // Correct: a 400, or a close without an answer.
    if (answers.length > 0) expect(answers[0]!.status).toBe(400);
  });

  it('a URL or a header past 16 KB and 3000 headers are a 431 and a close; the server keeps serving', async () => {
    for (const text of [
      req('GET', `/api/scenes/${'a'.repeat(20_000)}`),
      req('GET', '/api/scenes?limit=1', { 'X-Big': 'b'.repeat(20_000) }),
      req('GET', '/api/scenes?limit=1', Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`X-H${i}`, 'v']))),
    ]) {
      const { raw, timedOut } = await exchange(port, [text]);
      expect(timedOut).toBe(false);
      expect(raw.startsWith('HTTP/1.1 431 ')).toBe(true);
    }
    expect(await stillServes(port)).toBe(true);
  });

  it('a long query string under the header limit is the API envelope (400 naming the unknown parameter), not a crash or a hang', async () => {
    const { raw, timedOut } = await exchange(port, [
      req('GET', `/api/scenes?limit=1&x=${'q'.repeat(12_000)}`, { Connection: 'close' }),
    ]);
    expect(timedOut).toBe(false);
    const [answer] = parseAnswers(raw, ['GET']);
    expect(answer?.status).toBe(400);
    expect(envelope(answer).error?.code).toBe('SCENES_VALIDATION_ERROR');
  });

  it('`Connection: Upgrade` / websocket is served as a plain request (no 101), and CONNECT is closed without a byte', async () => {
    const upgrade = await exchange(
      port,
      [
        req('GET', '/api/scenes?limit=1', {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Version': '13',
        }),
        req('GET', '/api/scenes?limit=2', { Connection: 'close' }),
      ],
      { waitFor: (r) => r.includes('"error":null}') },
    );
    expect(upgrade.timedOut).toBe(false);
    const answers = parseAnswers(upgrade.raw, ['GET', 'GET']);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect((envelope(answers[1]).data as { limit: number }).limit).toBe(2);
    const tunnel = await exchange(port, ['CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n']);
    expect(tunnel.timedOut).toBe(false);
    expect(tunnel.raw).toBe('');
    expect(await stillServes(port)).toBe(true);
    expect(reported).toEqual([]);
  });
});

describe('hostile review 170: clients that leave (toNodeListener over a streaming host handler)', () => {
  it('a client that resets mid-body: the body stream is cancelled, nothing is reported, the server keeps serving', async () => {
    const cancelled = new Promise<'cancelled'>((resolve) => {
      streamCancelled = () => resolve('cancelled');
    });
    const before = hostErrors.length;
    await new Promise<void>((resolve) => {
      const socket: Socket = connect(hostPort, '127.0.0.1', () => socket.write(req('GET', '/stream')));
      socket.on('error', () => {});
      let received = 0;
      const timer = setTimeout(() => {
        socket.destroy();
        resolve();
      }, GIVE_UP_MS);
      socket.on('data', (d: Buffer) => {
        received += d.length;
        if (received > 256 * 1024 && !socket.destroyed) {
          socket.resetAndDestroy();
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const outcome = await Promise.race([
      cancelled,
      new Promise<'not cancelled'>((r) => setTimeout(r, GIVE_UP_MS, 'not cancelled')),
    ]);
    expect(outcome).toBe('cancelled');
    expect(await stillServes(hostPort)).toBe(true);
    expect(hostErrors.slice(before)).toEqual([]);
    expect(rejections).toEqual([]);
  });

  it('HEAD on a streaming body ends after the headers, and the GET pipelined behind it is answered in its place', async () => {
    const { raw, timedOut } = await exchange(hostPort, [
      req('HEAD', '/stream', { 'X-Request-Id': 's1' }) +
        req('GET', '/api/scenes?limit=1', { 'X-Request-Id': 's2', Connection: 'close' }),
    ]);
    expect(timedOut).toBe(false);
    const answers = parseAnswers(raw, ['HEAD', 'GET']);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers[0]!.body).toBe('');
    expect(answers[1]!.headers['x-request-id']).toBe('s2');
    expect(envelope(answers[1]).ok).toBe(true);
  });

  it('a client that pipelines behind a slow request and resets: nothing crashes or is reported, the queued requests are dropped, the server keeps serving', async () => {
    const started = new Promise<void>((resolve) => {
      slowStarted = resolve;
    });
    const before = hostErrors.length;
    const socket: Socket = connect(hostPort, '127.0.0.1', () =>
      socket.write(
        req('GET', '/slow') +
          Array.from({ length: 30 }, (_, i) => req(i % 2 ? 'HEAD' : 'GET', '/api/scenes?limit=1')).join(''),
      ),
    );
    socket.on('error', () => {});
    let received = '';
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1');
    });
    const began = await Promise.race([
      started.then(() => true),
      new Promise<boolean>((r) => setTimeout(r, GIVE_UP_MS, false)),
    ]);
    expect(began).toBe(true);
    socket.resetAndDestroy();
    slowRelease();
    expect(await stillServes(hostPort)).toBe(true);
    expect(received).toBe('');
    expect(hostErrors.slice(before)).toEqual([]);
    expect(rejections).toEqual([]);
  });
});

/**
 * Hostile review 178: the Express and Fastify mounts (adapters/node/express.ts `expressMiddleware`,
 * adapters/node/fastify.ts `fastifyPlugin`) at the transport level, over raw sockets, mounted beside
 * a host's own routes (a slow `/hello` answering after setImmediate, a streaming `/stream`), with the
 * server wrapped by `handleClientErrors` (adapters/node/client-error.ts). Probed: pipelines mixing API
 * and host routes, a malformed request after a host route's slow answer, two Host lines, `\` in API
 * paths, HEAD, a client resetting mid-answer, Express error middleware after the API middleware.
 *
 * Tests named "FAULT:" failed on the code as reviewed, 3 runs of 3 (fixed in the same commit:
 * `handleClientErrors` removes the `clientError` listeners already on the server, Fastify's own).
 * FAULTS:
 * 1. `handleClientErrors(server)` only adds a `clientError` listener beside those already there
 *    (adapters/node/client-error.ts:116). A Fastify app's server always has one (Fastify's
 *    defaultClientErrorHandler, installed at construction), which runs first and writes its JSON 400
 *    and destroys the socket at once: with `handleClientErrors(app.server)` called as
 *    docs/reliability.md tells "a host with its own server", a pipelined `GET /hello` + malformed
 *    request still gets only the 400 (read as the answer to the valid GET), the hello answer is lost.
 *
 * Pinned as correct: pipelines mixing API and host routes answer in order on both mounts; on
 * Express the 400 for a malformed request waits for a slow host answer and a stream; two Host lines
 * give the 400 envelope on both mounts (and a prefix mount), nothing breaks on a host route; `\` in
 * API paths is the 404 ROUTE_NOT_FOUND envelope; HEAD carries the GET's length and no body; resets
 * mid-answer leave no unhandled rejection; a rejecting API handler is the 500 envelope, not passed to
 * Express's error middleware.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { Readable } from 'node:stream';
import express, { type NextFunction, type Request, type Response as ExpressResponse } from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { handleClientErrors, type WebHandler } from '../../adapters/node/index.js';
import { expressMiddleware } from '../../adapters/node/express.js';
import { fastifyPlugin } from '../../adapters/node/fastify.js';
import { createFetchHandler } from '../../src/api/index.js';
import { createSceneRadar, fixedClock, type SceneRadar } from '../../src/index.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 30, end: '2026-11-28' });
/** A bound on hangs only, never a timing assertion. */
const GIVE_UP_MS = 5_000;

let radar: SceneRadar;
const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => {
  rejections.push(reason);
};
const expressErrors: unknown[] = [];
const reported: unknown[] = [];

let expressServer: Server;
let expressPort: number;
let fastify: FastifyInstance;
let fastifyPort: number;

const STREAM_CHUNKS = 50;
const CHUNK = 'b'.repeat(16 * 1024);

function slowHello(res: ServerResponse): void {
  setImmediate(() => {
    res.setHeader('content-type', 'text/plain');
    res.end('hello');
  });
}

function streamTo(res: ServerResponse): void {
  res.setHeader('content-type', 'text/plain');
  let sent = 0;
  const pump = (): void => {
    while (sent < STREAM_CHUNKS) {
      sent++;
      if (!res.write(CHUNK)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  setImmediate(pump);
}

const failing: WebHandler = async () => {
  throw new Error('boom');
};

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh(NOW);

  const app = express();
  app.get('/hello', (_req: Request, res: ExpressResponse) => slowHello(res));
  app.get('/stream', (_req: Request, res: ExpressResponse) => streamTo(res));
  app.use(expressMiddleware(createFetchHandler(radar), { onError: (e) => reported.push(e) }));
  app.use(
    '/v1',
    expressMiddleware(createFetchHandler(radar, { basePath: '/v1/api' }), {
      basePath: '/v1/api',
      onError: (e) => reported.push(e),
    }),
  );
  app.use('/broken', expressMiddleware(failing, { basePath: '/broken', onError: (e) => reported.push(e) }));
  app.use((error: unknown, _req: Request, res: ExpressResponse, _next: NextFunction) => {
    expressErrors.push(error);
    res.status(599).type('text/plain').send('host error handler');
  });
  expressServer = handleClientErrors(createServer(app));
  await new Promise<void>((r) => expressServer.listen(0, '127.0.0.1', r));
  expressPort = (expressServer.address() as AddressInfo).port;

  fastify = Fastify();
  fastify.get('/hello', async () => {
    await new Promise((r) => setImmediate(r));
    return 'hello';
  });
  fastify.get('/stream', async (_request, reply) => {
    let sent = 0;
    const body = new Readable({
      read() {
        if (sent >= STREAM_CHUNKS) this.push(null);
        else {
          sent++;
          this.push(CHUNK);
        }
      },
    });
    return reply.type('text/plain').send(body);
  });
  await fastify.register(fastifyPlugin(createFetchHandler(radar), { onError: (e) => reported.push(e) }));
  handleClientErrors(fastify.server);
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  fastifyPort = (fastify.server.address() as AddressInfo).port;
}, 60_000);

afterAll(async () => {
  expressServer?.closeAllConnections();
  await new Promise<void>((r) => (expressServer ? expressServer.close(() => r()) : r()));
  await fastify?.close();
  await radar?.close();
  process.off('unhandledRejection', onRejection);
});

interface Exchange {
  readonly raw: string;
  readonly timedOut: boolean;
}

/** Writes `text` in one write on a fresh connection; collects until the server closes (or gives up). */
function exchange(
  target: number,
  text: string,
  options: { resetWhen?: (raw: string) => boolean } = {},
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
      if (options.resetWhen?.(raw)) socket.resetAndDestroy();
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ raw, timedOut });
    });
    socket.on('connect', () => socket.write(text));
  });
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The answers in `raw`, in order (`methods[i]` the i-th request's method); an answer cut short ends the list. */
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
      headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    at = end + 4;
    let body = '';
    if (methods[out.length] === 'HEAD' || status === 204 || status === 304) body = '';
    else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (at + length > raw.length) break;
      body = raw.slice(at, at + length);
      at += length;
    } else if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      let complete = false;
      for (;;) {
        const lineEnd = raw.indexOf('\r\n', at);
        if (lineEnd < 0) break;
        const size = Number.parseInt(raw.slice(at, lineEnd), 16);
        at = lineEnd + 2;
        if (size === 0) {
          at += 2;
          complete = true;
          break;
        }
        body += raw.slice(at, at + size);
        at += size + 2;
      }
      if (!complete) break;
    } else {
      body = raw.slice(at);
      at = raw.length;
    }
    out.push({ status, headers, body });
  }
  return out;
}

interface Envelope {
  readonly ok: boolean;
  readonly error: { readonly code: string } | null;
}
const envelope = (answer: Answer | undefined): Envelope => JSON.parse(answer?.body ?? 'null') as Envelope;

function req(method: string, target: string, headers: Record<string, string> = {}): string {
  const lines = [`${method} ${target} HTTP/1.1`];
  if (!('Host' in headers)) lines.push('Host: x');
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}
const TWO_HOSTS = (method: string, target: string): string =>
  `${method} ${target} HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n`;
const MALFORMED = 'GET /hello HTTP/1.1\r\nHost: x\r\nbad header line\r\n\r\n';

async function stillServes(target: number, path = '/api/scenes?limit=1'): Promise<boolean> {
  const { raw } = await exchange(target, req('GET', path, { Connection: 'close' }));
  const [answer] = parseAnswers(raw, ['GET']);
  return answer?.status === 200 && envelope(answer).ok === true;
}

const mounts = (): [string, number][] => [
  ['express', expressPort],
  ['fastify', fastifyPort],
];

describe('hostile review 178: Express and Fastify mounts beside host routes, raw sockets', () => {
  it('a pipeline mixing API and host routes (slow, streaming, prefix mount, 404): every answer in order, each its own', async () => {
    for (const [name, target] of mounts()) {
      const v1 = name === 'express' ? '/v1/api/scenes?limit=2' : '/api/scenes?limit=2';
      const wire = [
        req('GET', '/api/scenes?limit=1'),
        req('GET', '/hello'),
        req('GET', '/api/no-such-route'),
        req('GET', '/stream'),
        req('GET', v1),
        req('GET', '/hello', { Connection: 'close' }),
      ].join('');
      const got = await exchange(target, wire);
      expect(got.timedOut, name).toBe(false);
      const answers = parseAnswers(got.raw, ['GET', 'GET', 'GET', 'GET', 'GET', 'GET']);
      expect(
        answers.map((a) => a.status),
        name,
      ).toEqual([200, 200, 404, 200, 200, 200]);
      expect(envelope(answers[0]).ok).toBe(true);
      expect(answers[1]?.body).toBe('hello');
      expect(envelope(answers[2]).error?.code).toBe('ROUTE_NOT_FOUND');
      expect(answers[3]?.body.length).toBe(STREAM_CHUNKS * CHUNK.length);
      expect(envelope(answers[4]).ok).toBe(true);
      expect(answers[5]?.body).toBe('hello');
    }
  });

  it('express: a malformed request after the slow /hello and after /stream: the 400 comes after the full answer, never inside it', async () => {
    const afterSlow = await exchange(expressPort, req('GET', '/hello') + MALFORMED);
    expect(afterSlow.timedOut).toBe(false);
    const a = parseAnswers(afterSlow.raw, ['GET', 'GET']);
    expect(a.map((x) => x.status)).toEqual([200, 400]);
    expect(a[0]?.body).toBe('hello');

    const afterStream = await exchange(
      expressPort,
      req('GET', '/stream') + req('GET', '/api/scenes?limit=1') + MALFORMED,
    );
    expect(afterStream.timedOut).toBe(false);
    const b = parseAnswers(afterStream.raw, ['GET', 'GET', 'GET']);
    expect(b.map((x) => x.status)).toEqual([200, 200, 400]);
    expect(b[0]?.body.length).toBe(STREAM_CHUNKS * CHUNK.length);
    expect(await stillServes(expressPort)).toBe(true);
  });

  it("FAULT: fastify with handleClientErrors(app.server), as the docs tell a host with its own server: Fastify's own clientError listener writes its 400 at once, in place of the slow /hello answer", async () => {
    const got = await exchange(fastifyPort, req('GET', '/hello') + MALFORMED);
    expect(got.timedOut).toBe(false);
    const a = parseAnswers(got.raw, ['GET', 'GET']);
    expect(a.map((x) => x.status)).toEqual([200, 400]);
    expect(a[0]?.body).toBe('hello');
  });

  it('two Host lines on API paths: the 400 envelope (SCENES_ / TALENT_VALIDATION_ERROR) and the connection closes', async () => {
    for (const [name, target] of mounts()) {
      const scenes = await exchange(target, TWO_HOSTS('GET', '/api/scenes'));
      expect(scenes.timedOut, name).toBe(false);
      const [s] = parseAnswers(scenes.raw, ['GET']);
      expect(s?.status, name).toBe(400);
      expect(envelope(s).error?.code).toBe('SCENES_VALIDATION_ERROR');
      const talent = await exchange(target, TWO_HOSTS('GET', '/api/talent/pulse'));
      const [t] = parseAnswers(talent.raw, ['GET']);
      expect(t?.status, name).toBe(400);
      expect(envelope(t).error?.code).toBe('TALENT_VALIDATION_ERROR');
    }
    const prefixed = await exchange(expressPort, TWO_HOSTS('GET', '/v1/api/scenes'));
    const [p] = parseAnswers(prefixed.raw, ['GET']);
    expect(p?.status).toBe(400);
    expect(envelope(p).error?.code).toBe('SCENES_VALIDATION_ERROR');
  });

  it('express: two Host lines on an API path pipelined after the slow /hello: hello first, then the 400 envelope, then the connection closes', async () => {
    const got = await exchange(
      expressPort,
      req('GET', '/hello') + TWO_HOSTS('GET', '/v1/api/scenes') + req('GET', '/hello'),
    );
    expect(got.timedOut).toBe(false);
    const answers = parseAnswers(got.raw, ['GET', 'GET', 'GET']);
    expect(answers.map((a) => a.status)).toEqual([200, 400]);
    expect(answers[0]?.body).toBe('hello');
    expect(envelope(answers[1]).error?.code).toBe('SCENES_VALIDATION_ERROR');
  });

  it('two Host lines on a host route: the host answers as it will, nothing crashes, the server still serves', async () => {
    for (const [name, target] of mounts()) {
      const got = await exchange(target, `${TWO_HOSTS('GET', '/hello').slice(0, -2)}Connection: close\r\n\r\n`);
      expect(got.timedOut, name).toBe(false);
      expect(got.raw, name).toMatch(/^HTTP\/1\.1 \d{3} /);
      expect(await stillServes(target), name).toBe(true);
    }
  });

  it('a \\ in a path under the API prefix: 404 ROUTE_NOT_FOUND envelope', async () => {
    const cases: [number, string][] = [
      [expressPort, '/api/scenes\\x'],
      [expressPort, '/api/\\scenes'],
      [expressPort, '/v1/api/scenes\\x'],
      [fastifyPort, '/api/scenes\\x'],
      [fastifyPort, '/api/\\scenes'],
    ];
    for (const [target, path] of cases) {
      const got = await exchange(target, req('GET', path, { Connection: 'close' }));
      const [a] = parseAnswers(got.raw, ['GET']);
      expect(a?.status, path).toBe(404);
      expect(envelope(a).error?.code, path).toBe('ROUTE_NOT_FOUND');
    }
  });

  it('HEAD on API routes: no body, the length a GET carries; the next pipelined answer is intact', async () => {
    for (const [name, target] of mounts()) {
      const paths = ['/api/scenes?limit=3', '/api/no-such-route'];
      for (const path of paths) {
        const got = await exchange(target, req('HEAD', path) + req('GET', path, { Connection: 'close' }));
        const answers = parseAnswers(got.raw, ['HEAD', 'GET']);
        expect(answers.length, `${name} ${path}`).toBe(2);
        const [head, get] = answers;
        expect(head?.status).toBe(get?.status);
        expect(Number(head?.headers['content-length']), `${name} ${path}`).toBe(
          Buffer.byteLength(get?.body ?? '', 'latin1'),
        );
        expect(get?.body.startsWith('{')).toBe(true);
      }
    }
  });

  it('a client resetting mid-answer (host stream, API pipelined behind it): no unhandled rejection, the server still serves', async () => {
    for (const [name, target] of mounts()) {
      const before = rejections.length;
      const got = await exchange(
        target,
        req('GET', '/stream') + req('GET', '/api/scenes?limit=5') + req('GET', '/hello'),
        { resetWhen: (raw) => raw.length > 20_000 },
      );
      expect(got.timedOut, name).toBe(false);
      const reset2 = await exchange(target, req('GET', '/api/scenes?limit=50') + req('GET', '/stream'), {
        resetWhen: (raw) => raw.length > 100,
      });
      expect(reset2.timedOut, name).toBe(false);
      expect(await stillServes(target), name).toBe(true);
      expect(await stillServes(target, '/api/talent/pulse'), name).toBe(true);
      expect(rejections.length, name).toBe(before);
    }
  });

  it('express: an API handler that rejects is the 500 envelope, not passed to the host error middleware', async () => {
    const got = await exchange(expressPort, req('GET', '/broken/x') + req('GET', '/hello', { Connection: 'close' }));
    const answers = parseAnswers(got.raw, ['GET', 'GET']);
    expect(answers.map((a) => a.status)).toEqual([500, 200]);
    expect(envelope(answers[0]).ok).toBe(false);
    expect(answers[1]?.body).toBe('hello');
    expect(expressErrors).toEqual([]);
    expect(reported.length).toBeGreaterThan(0);
  });

  it('express: a request outside every API prefix falls through to the host (its 404, not the envelope)', async () => {
    const got = await exchange(expressPort, req('GET', '/apix/scenes', { Connection: 'close' }));
    const [a] = parseAnswers(got.raw, ['GET']);
    expect(a?.status).toBe(404);
    expect(a?.headers['content-type']).not.toMatch(/json/);
  });
});

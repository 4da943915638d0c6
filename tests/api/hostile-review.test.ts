/**
 * Faults found by a hostile review of the API kit and the Node glue, each pinned by the request
 * or backend answer that showed it:
 * - an error branded as a `SceneRadarError` by another copy of the package, with a code this copy
 *   does not know, was answered 200 with a failure envelope (the fetch handler) or with no status
 *   at all (the operations, and `stats()` counted a status `undefined`);
 * - an operation rejected, instead of answering a 500, when the backend rejected with a value that
 *   cannot be inspected (a revoked proxy) or a branded error whose `message` getter throws;
 * - a `timeoutMs` longer than a timer holds (2^31 - 1 ms) made every route a 504 within 1 ms;
 * - a backend that answers `undefined` or `null` (a host's lookup for "not found") was a 200
 *   without `data`, or with `data: null`, which no route's schema allows;
 * - a HEAD whose payload cannot be serialised got its 500 with a body;
 * - the health route answered a 500 when a store's reporter rejected with a value that cannot be
 *   inspected (a revoked proxy), instead of listing that store as down;
 * - through Fastify, TRACE (a method a web `Request` cannot hold) was a 500, where `node:http` and
 *   Express answer the 405 envelope.
 */
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import Fastify from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { createFetchHandler, createOperations, failureFromError, type ApiBackend } from 'scene-radar/api';
import { fastifyPlugin } from 'scene-radar/adapters/node';

const BRAND = Symbol.for('scene-radar.error');
const PAGE = { items: [], total: 0, limit: 20, offset: 0 };

/** A Scenes backend whose every read does `read()`. */
function scenesBackend(read: () => unknown): ApiBackend {
  const call = (): Promise<unknown> => Promise.resolve().then(read);
  const pulse = { getScenePulse: call, getRegionalPulse: call, getGlobalPulse: call };
  const scenes = {
    listScenes: call,
    getScene: call,
    listMicrogenres: call,
    getMicrogenre: call,
    listMemberships: call,
    getSceneTrends: call,
    getRelatedScenes: call,
    recommendScenes: call,
    pulse,
  };
  return { scenes } as unknown as ApiBackend;
}

/** An error another copy of the package made: its brand, a code this copy does not know. */
function foreignError(): Error {
  return Object.assign(new Error('Scene is archived'), { [BRAND]: true, code: 'SCENES_ARCHIVED' });
}

const get = (handler: ReturnType<typeof createFetchHandler>, path: string, method = 'GET'): Promise<Response> =>
  handler(new Request(`http://localhost${path}`, { method }));

describe('errors that cannot be mapped to a status', () => {
  it('a branded error with a code this copy does not know is a 500, not a 200 failure', async () => {
    const onError = vi.fn();
    const handler = createFetchHandler(
      scenesBackend(() => {
        throw foreignError();
      }),
      { onError },
    );
    const res = await get(handler, '/api/scenes');
    expect(res.status).toBe(500);
    const body = (await res.json()) as { ok: boolean; error: { code: string; details: { requestId: string } } };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('SCENES_INTERNAL_ERROR');
    expect(body.error.details.requestId).toBe(res.headers.get('x-request-id'));
    expect(onError).toHaveBeenCalledTimes(1);
    expect(handler.stats().statuses).toEqual({ '500': 1 });
    expect(handler.stats().codes).toEqual({ SCENES_INTERNAL_ERROR: 1 });
  });

  it('the operations answer the same 500 (never a result without a status)', async () => {
    const ops = createOperations(
      scenesBackend(() => {
        throw foreignError();
      }),
    );
    const result = await ops.listScenes({});
    expect(result.status).toBe(500);
    expect(result.body.ok === false && result.body.error.code).toBe('SCENES_INTERNAL_ERROR');
  });

  it('failureFromError never throws and never keeps a code without a status', () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const unreadable = { [BRAND]: true, code: 'SCENES_NOT_FOUND' };
    Object.defineProperty(unreadable, 'message', {
      get() {
        throw new Error('getter');
      },
    });
    for (const value of [
      revoked.proxy,
      unreadable,
      foreignError(),
      { [BRAND]: true, code: 'constructor', message: 'x' },
      { [BRAND]: true, code: 'SCENES_NOT_FOUND', message: 42 },
    ]) {
      const result = failureFromError(value, 'TALENT_INTERNAL_ERROR', 'rid');
      expect(result.status).toBe(500);
      expect(result.body).toEqual({
        ok: false,
        error: { code: 'TALENT_INTERNAL_ERROR', message: 'Internal error', details: { requestId: 'rid' } },
      });
    }
    // A known code still keeps its status, message and details.
    const known = failureFromError(
      { [BRAND]: true, code: 'SCENES_NOT_FOUND', message: 'Scene not found: x', details: { slug: 'x' } },
      'SCENES_INTERNAL_ERROR',
    );
    expect(known.status).toBe(404);
    expect(known.body).toEqual({
      ok: false,
      error: { code: 'SCENES_NOT_FOUND', message: 'Scene not found: x', details: { slug: 'x' } },
    });
  });
});

describe('an operation never rejects, whatever the backend rejects with', () => {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const badMessage = { [BRAND]: true, code: 'SCENES_NOT_FOUND' };
  Object.defineProperty(badMessage, 'message', {
    get() {
      throw new Error('getter');
    },
  });
  for (const [name, value] of [
    ['a revoked proxy', revoked.proxy],
    ['a branded error whose message getter throws', badMessage],
  ] as const) {
    it(`${name}: a 500 with the request id, the cause to onError`, async () => {
      const onError = vi.fn();
      const ops = createOperations(
        scenesBackend(() => {
          throw value;
        }),
        { onError },
      );
      const result = await ops.getScene({ params: { slug: 'indie-uk-brighton' }, requestId: 'req-1' });
      expect(result.status).toBe(500);
      expect(result.body).toEqual({
        ok: false,
        error: { code: 'SCENES_INTERNAL_ERROR', message: 'Internal error', details: { requestId: 'req-1' } },
      });
      expect(onError).toHaveBeenCalledTimes(1);
      const handler = createFetchHandler(
        scenesBackend(() => {
          throw value;
        }),
      );
      expect((await get(handler, '/api/scenes/indie-uk-brighton')).status).toBe(500);
    });
  }
});

describe('deadlines longer than a timer holds', () => {
  it('timeoutMs of 30 days is a long deadline, not an instant 504', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const slow = (): Promise<unknown> => new Promise((resolve) => setTimeout(() => resolve(PAGE), 30));
      const month = 30 * 24 * 3_600_000;
      const handler = createFetchHandler(scenesBackend(slow), { timeoutMs: month });
      const res = await get(handler, '/api/scenes');
      expect(res.status).toBe(200);
      const ops = createOperations(scenesBackend(slow), { timeoutMs: { listScenes: month } });
      expect((await ops.listScenes({})).status).toBe(200);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe('a backend that answers nothing', () => {
  for (const nothing of [undefined, null]) {
    it(`${String(nothing)}: a 500 reported to onError, never a success envelope without data`, async () => {
      const onError = vi.fn();
      const handler = createFetchHandler(
        scenesBackend(() => nothing),
        { onError },
      );
      const res = await get(handler, '/api/scenes/indie-uk-brighton');
      expect(res.status).toBe(500);
      const body = (await res.json()) as { ok: boolean; error: { code: string } };
      expect(body.ok).toBe(false);
      expect(body.error.code).toBe('SCENES_INTERNAL_ERROR');
      expect(onError).toHaveBeenCalledTimes(1);
      expect(String(onError.mock.calls[0]![0])).toContain('getScene');
      const ops = createOperations(scenesBackend(() => nothing));
      expect((await ops.getScene({ params: { slug: 'indie-uk-brighton' } })).status).toBe(500);
    });
  }
});

describe('HEAD', () => {
  it('a HEAD whose payload cannot be serialised gets its 500 without a body', async () => {
    const handler = createFetchHandler(scenesBackend(() => ({ items: [], total: 1n })));
    const head = await get(handler, '/api/scenes', 'HEAD');
    expect(head.status).toBe(500);
    expect(head.body).toBeNull();
    expect(head.headers.get('content-type')).toMatch(/^application\/json/);
    const res = await get(handler, '/api/scenes');
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SCENES_INTERNAL_ERROR');
  });
});

describe('the health route', () => {
  it('a reporter that rejects with a value that cannot be inspected is listed down, not a 500', async () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const handler = createFetchHandler(
      scenesBackend(() => PAGE),
      {
        health: { stores: [{ name: 'pg', health: () => Promise.reject(revoked.proxy) }] },
      },
    );
    const res = await get(handler, '/api/health');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { status: string; stores: unknown[] } };
    expect(body.data.status).toBe('degraded');
    expect(body.data.stores).toContainEqual({ name: 'pg', state: 'down', reason: 'the check failed' });
  });
});

/** Sends `raw` bytes to a loopback port and returns everything the server writes back. */
function rawHttp(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      out += chunk;
    });
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
}

describe('Fastify', () => {
  it('TRACE (a method a web Request cannot hold) is the 405 envelope, as through node:http and Express', async () => {
    const onError = vi.fn();
    const app = Fastify();
    await app.register(fastifyPlugin(createFetchHandler(scenesBackend(() => PAGE)), { onError }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = app.server.address() as AddressInfo;
      const raw = await rawHttp(port, 'TRACE /api/scenes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      const [head, body] = raw.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 405/);
      expect(head).toMatch(/\r\nallow: GET, HEAD\r\n/i);
      expect(JSON.parse(body!)).toEqual({
        ok: false,
        error: { code: 'METHOD_NOT_ALLOWED', message: 'Method TRACE not allowed' },
      });
      expect(onError).not.toHaveBeenCalled();
    } finally {
      await app.close();
    }
  });
});

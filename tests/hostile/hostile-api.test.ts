/**
 * The API kit under a hostile host option: a `requestId` hook that returns something that cannot
 * be a header value (CR/LF, a number, an empty string, non-ASCII) made the fetch handler reject
 * (`Headers.append` threw past the envelope) and every Node answer a 500. Such an id is now
 * replaced by a random UUID, and the answer is the route's own.
 *
 * The operations promise never to throw: a null input, or a query or parameters whose reads throw,
 * rejected with a raw TypeError; a query given as text or a Map was read as "no parameters" and
 * answered 200 with every default. Each is now the family's 400. A malformed `health` option
 * (sources as text, a reporter without `health()`) made every `/api/health` a 500, or listed the
 * letters of `'mig'` as three sources; it is now a `TypeError` when the handler is made.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createFetchHandler, createOperations } from 'scene-radar/api';
import { toNodeListener } from 'scene-radar/adapters/node';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let radar: SceneRadar;

beforeAll(async () => {
  const world = createDemoWorld({ artists: 30, end: '2026-11-24' });
  radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh(NOW);
}, 60_000);
afterAll(async () => {
  await radar?.close();
});

/** One GET through a real node:http server on loopback. */
async function viaNode(server: Server, path: string): Promise<{ status: number; id: string; body: string }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, id: String(res.headers['x-request-id']), body }));
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('fetch handler with a hostile requestId hook', () => {
  it.each([
    ['a CR LF (header injection)', 'abc\r\nSet-Cookie: pwned=1'],
    ['a number', 42],
  ])('answers with a fresh UUID when the hook returns %s', async (_, id) => {
    const handler = createFetchHandler(radar, { requestId: () => id as string });
    const res = await handler(new Request('http://localhost/api/talent/pulse?limit=1'));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(UUID);
    expect(res.headers.get('set-cookie')).toBeNull();
    const node = await viaNode(createServer(toNodeListener(handler)), '/api/talent/pulse?limit=1');
    expect(node.status).toBe(200);
    expect(node.id).toMatch(UUID);
    expect(JSON.parse(node.body).ok).toBe(true);
  });
});

describe('operations with hostile input', () => {
  const throwing = {
    get limit(): never {
      throw new Error('getter');
    },
  };

  it.each([
    ['a null input', () => createOperations(radar).getScene(null as never), 'slug'],
    [
      'a query whose getter throws',
      () => createOperations(radar).listScenes({ query: throwing }),
      'query cannot be read',
    ],
    [
      'the query string as text',
      () => createOperations(radar).listScenes({ query: 'limit=1' as never }),
      'got a string',
    ],
  ])('answers %s with a 400, never a rejection or the defaults', async (_, call, message) => {
    const result = await call();
    expect(result.status).toBe(400);
    expect(result.body.ok).toBe(false);
    expect(result.body.error?.code).toBe('SCENES_VALIDATION_ERROR');
    expect(JSON.stringify(result.body.error?.details)).toContain(message);
  });

  it("reads a query parser's prototype-less record (Fastify's) as parameters", async () => {
    function Empty(): void {}
    Empty.prototype = Object.create(null);
    const query = Object.assign(new (Empty as unknown as new () => Record<string, string>)(), { limit: '1' });
    const result = await createOperations(radar).listScenes({ query });
    expect(result.status).toBe(200);
    expect(result.body.ok && (result.body.data as { items: unknown[] }).items).toHaveLength(1);
  });
});

describe('fetch handler with a malformed health option', () => {
  it('refuses it when the handler is made, naming the field', () => {
    expect(() => createFetchHandler(radar, { health: { sources: 'mig' as never } })).toThrow(
      /health\.sources must be a list of source names/,
    );
    expect(() => createFetchHandler(radar, { health: { caches: [null as never] } })).toThrow(
      /health\.caches must be a list of objects with a health\(\) method/,
    );
    expect(() => createFetchHandler(radar, { health: { timeoutMs: -1 } })).toThrow(/health\.timeoutMs/);
    expect(() => createFetchHandler(radar, { health: { sources: ['mig'], timeoutMs: 50 } })).not.toThrow();
  });
});

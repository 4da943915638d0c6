/**
 * Hostile review (33) of the HTTP API kit against the seed's route contracts and the OpenAPI
 * document the kit generates (and serves at `<basePath>/openapi.json`). Through the public
 * entry points only (`createSceneRadar`, `createFetchHandler`, `createOpenApiDocument`), imported
 * from src/ by relative path.
 *
 * Faults (each test fails on the code it was written against):
 * - a Talent route over a `talent_radar_state` row this version cannot read answers 503
 *   `STORE_SCHEMA_MISMATCH` whose `error.details` items are `{ path, message }` without `code`:
 *   the body fits none of the shapes the document's `FailureEnvelope` allows for `details`
 *   (issues `{ code, path, message }`, read outcomes `{ read, status }`, or an object), so a
 *   client that validates against the document rejects the API's own answer;
 * - `POST /api/health` is answered 405 `METHOD_NOT_ALLOWED` with `Allow: GET, HEAD`, but the
 *   document's `/api/health` lists only 200 and 503 (its sibling `/api/openapi.json` documents
 *   its 405).
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createFetchHandler, createOpenApiDocument, FailureEnvelopeSchema } from '../../src/api/index.js';
import { memoryTalentStores } from '../../src/stores/memory-table.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 12, end: '2026-11-24' });

interface Doc {
  readonly paths: Record<string, Record<string, { readonly responses: Record<string, unknown> }>>;
}

describe('failure envelopes against the OpenAPI document', () => {
  it('FAULT: a 503 STORE_SCHEMA_MISMATCH of an unreadable talent_radar_state row fits the documented FailureEnvelope', async () => {
    const talent = memoryTalentStores();
    // A state row a future (or broken) writer left: this version cannot parse it.
    await talent.talent_radar_state.upsert([
      { name: 'last-refresh', value: { id: 'x', asOf: 'not an instant' }, updated_at: NOW.toISOString() } as never,
    ]);
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW), stores: { talent } });
    try {
      const handler = createFetchHandler(radar);
      const res = await handler(new Request('http://x/api/talent/pulse'));
      expect(res.status).toBe(503);
      const body = (await res.json()) as { ok: boolean; error: { code: string; details?: unknown } };
      expect(body.error.code).toBe('STORE_SCHEMA_MISMATCH');
      // The document's FailureEnvelope component is generated from this schema.
      const parsed = FailureEnvelopeSchema.safeParse(body);
      expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
    } finally {
      await radar.close();
    }
  });
});

describe('the health route in the OpenAPI document', () => {
  it('FAULT: the 405 the handler answers for POST /api/health is documented, as for /api/openapi.json', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    try {
      const handler = createFetchHandler(radar);
      const res = await handler(new Request('http://x/api/health', { method: 'POST' }));
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
      const doc = createOpenApiDocument() as unknown as Doc;
      expect(Object.keys(doc.paths['/api/openapi.json']!.get!.responses)).toContain('405');
      expect(Object.keys(doc.paths['/api/health']!.get!.responses)).toContain('405');
      // And the document the handler serves says the same.
      const served = (await (await handler(new Request('http://x/api/openapi.json'))).json()) as Doc;
      expect(Object.keys(served.paths['/api/health']!.get!.responses)).toContain('405');
    } finally {
      await radar.close();
    }
  });
});

describe('rate-limit headers on every counted answer', () => {
  it('FAULT: a 500 for a payload that cannot be written still carries the RateLimit-* headers of the request it counted', async () => {
    const { createMemoryRateLimiter } = await import('../../src/api/index.js');
    // A host backend whose payload JSON cannot write (a BigInt): the handler answers a clean 500.
    const backend = {
      talent: {
        buildGlobalPulse: async () => ({ n: 1n }),
        buildArtistProfile: async () => ({}),
        getTopArtists: async () => ({}),
        getWorkspaceRecommendations: async () => ({}),
      },
    };
    const handler = createFetchHandler(backend as never, {
      rateLimit: { limiter: createMemoryRateLimiter({ limit: 5 }), key: () => 'one-client' },
      onError: () => {},
    });
    const failed = await handler(new Request('http://x/api/talent/pulse'));
    expect(failed.status).toBe(500);
    // The limiter counted it: the next answer says 3 left, so this one used an allowance.
    const next = await handler(new Request('http://x/api/talent/pulse'));
    expect(next.status).toBe(500);
    const fine = await handler(new Request('http://x/api/openapi.json'));
    expect(fine.headers.get('ratelimit-remaining')).toBe('2');
    // docs/http-api.md: "Every response then carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset".
    expect({
      limit: failed.headers.get('ratelimit-limit'),
      remaining: failed.headers.get('ratelimit-remaining'),
      reset: failed.headers.get('ratelimit-reset'),
    }).toEqual({ limit: '5', remaining: '4', reset: expect.stringMatching(/^\d+$/) });
  });
});

describe('createOpenApiDocument basePath', () => {
  it('FAULT: a basePath the handler refuses does not yield paths OpenAPI forbids (no leading slash, empty segments)', () => {
    for (const basePath of ['v1', '/v1//']) {
      let keys: string[];
      try {
        keys = Object.keys((createOpenApiDocument({ basePath }) as unknown as Doc).paths);
      } catch (error) {
        // Refusing it, as createFetchHandler's normaliseBasePath does, is as good.
        expect(error).toBeInstanceOf(TypeError);
        continue;
      }
      expect(
        keys.filter((k) => !k.startsWith('/') || k.includes('//')),
        basePath,
      ).toEqual([]);
    }
  });
});

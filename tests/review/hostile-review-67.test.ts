/**
 * Hostile review 67: the API kit's published contract (docs/http-api.md, the OpenAPI document of
 * src/api/openapi.ts, the seed's envelope) against what the fetch handler actually answers, over
 * a refreshed demo world mounted in-process. Each test fails on the code it was written against,
 * for a real fault, and passes once the fault is fixed.
 */
import { describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createFetchHandler, createOpenApiDocument } from '../../src/api/index.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 40, end: '2026-11-24' });

/** A source error text full of internals: an address, a user, a password and a file path. */
const INTERNALS = 'connect ECONNREFUSED 10.1.2.3:5432 user=radar password=hunter2 at /srv/app/db.js:12';

describe('error messages against the document', () => {
  // Fault: GET /talent/recommendations puts the workspace source's raw error text in `error.message`
  // (src/talent/radar-aggregator.ts:713, `The workspace source failed: ${got.message}`), although the
  // document's FailureEnvelope (src/api/envelope.ts) promises a message that never carries internals.
  it('FAULT: a failing workspace source answers 503 SOURCES_UNAVAILABLE without its address, credentials or paths', async () => {
    const sources = {
      ...world.sources,
      workspaces: {
        getWorkspaces: () => Promise.reject(new Error(INTERNALS)),
      },
    };
    const radar = createSceneRadar({ sources: sources as typeof world.sources, clock: fixedClock(NOW) });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh(NOW);
      const handler = createFetchHandler(radar);
      const res = await handler(
        new Request(`http://x/api/talent/recommendations?workspaceId=${world.workspaces[0]!.id}`),
      );
      expect(res.status).toBe(503);
      const body = (await res.json()) as { ok: false; error: { code: string; message: string } };
      expect(body.error.code).toBe('SOURCES_UNAVAILABLE');
      // The document's own words for `message`.
      const doc = createOpenApiDocument() as {
        components: {
          schemas: Record<string, { properties: { error: { properties: { message: { description: string } } } } }>;
        };
      };
      expect(doc.components.schemas.FailureEnvelope!.properties.error.properties.message.description).toMatch(
        /never internals/,
      );
      expect(body.error.message).not.toMatch(/10\.1\.2\.3|hunter2|password|\/srv\/app/);
    } finally {
      await radar.close();
    }
  });
});

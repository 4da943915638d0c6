/**
 * `stores.close()` while calls are in flight (a shutdown under traffic), against the local server:
 * a call that does not complete rejects with `RADAR_CLOSED` (503 over HTTP), as every call after
 * `close()` does, never with node-postgres' raw "Cannot use a pool after calling end on the pool"
 * (500). A host's pool ended under open stores is `STORE_UNAVAILABLE`, not a raw driver error.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createSceneRadar, isSceneRadarError } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createPostgresStores, migrate } from 'scene-radar/adapters/postgres';
import { createFetchHandler } from 'scene-radar/api';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';

const database = fileTestDatabase();
const world = createDemoWorld({ seed: 3, artists: 40, scenes: 4, end: '2026-11-24' });

/** A migrated schema holding the demo catalog. */
async function seeded(): Promise<string> {
  const schema = (await database()).schemaName();
  await migrate({ connectionString: TEST_DATABASE_URL, schema });
  const stores = createPostgresStores({ connectionString: TEST_DATABASE_URL }, { schema });
  const radar = createSceneRadar({ sources: world.sources, stores });
  await radar.scenes.importCatalog(world.catalog);
  await radar.close();
  await stores.close();
  return schema;
}

/** Each outcome as `ok`, or the rejection's code (`NO CODE: message` for a raw error). */
function outcomes(settled: PromiseSettledResult<unknown>[]): string[] {
  return settled.map((o) => {
    if (o.status === 'fulfilled') return typeof o.value === 'string' ? o.value : 'ok';
    return isSceneRadarError(o.reason) ? o.reason.code : `NO CODE: ${String((o.reason as Error)?.message)}`;
  });
}

describe('PostgreSQL stores closed while calls are in flight', () => {
  for (const order of ['stores.close()', 'radar.close() then stores.close()'] as const) {
    it(`${order}: every call either completes or rejects RADAR_CLOSED (503 over HTTP)`, async () => {
      const schema = await seeded();
      for (let round = 0; round < 3; round++) {
        // Fresh stores: the schema is not checked yet, so every call is still at its first step.
        const stores = createPostgresStores({ connectionString: TEST_DATABASE_URL }, { schema });
        const radar = createSceneRadar({ sources: world.sources, stores });
        const handler = createFetchHandler(radar);
        const http = async (path: string): Promise<string> => {
          const res = await handler(new Request(`http://x${path}`));
          const body = (await res.json()) as { ok: boolean; error?: { code: string } };
          return res.status === 200 ? 'ok' : `HTTP ${res.status} ${body.error?.code}`;
        };
        const calls: Promise<unknown>[] = [
          stores.scenes.scenes.scan(),
          stores.talent.talent_radar_artists.scan(),
          stores.scenes.transaction!(async (t) => t.scenes.scan()),
          radar.scenes.listScenes({ limit: 10 }),
          http('/api/scenes'),
        ];
        const closing =
          order === 'stores.close()'
            ? stores.close()
            : (async () => {
                await radar.close();
                await stores.close();
              })();
        const got = outcomes(await Promise.allSettled(calls));
        await closing;
        for (const outcome of got)
          expect(['ok', 'RADAR_CLOSED', 'HTTP 503 RADAR_CLOSED'], `${order}: ${got.join(' | ')}`).toContain(outcome);
        expect(got.some((o) => o !== 'ok')).toBe(true);
        // After close, the same calls reject at once.
        await expect(stores.scenes.scenes.scan()).rejects.toMatchObject({ code: 'RADAR_CLOSED' });
        await expect(stores.ready()).rejects.toMatchObject({ code: 'RADAR_CLOSED' });
        await radar.close();
      }
    });
  }

  it("a host's pool ended under open stores: STORE_UNAVAILABLE, not a raw driver error", async () => {
    const schema = await seeded();
    const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
    const stores = createPostgresStores({ pool }, { schema });
    try {
      expect((await stores.scenes.scenes.scan()).length).toBeGreaterThan(0);
      await pool.end();
      await expect(stores.scenes.scenes.scan()).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
        details: { reason: 'pool ended' },
      });
      await expect(stores.scenes.transaction!(async (t) => t.scenes.scan())).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
      });
    } finally {
      await stores.close();
    }
  });
});

/**
 * Migrations and failures of the PostgreSQL adapter against the local server, in fresh schemas of
 * this file: idempotent, safe when instances start at once, a schema newer than the code (or never
 * migrated) refused with a clear error, and a server that cannot be reached a prompt
 * STORE_UNAVAILABLE, never a hang.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSceneRadarError } from 'scene-radar';
import { sampleRowsFor } from 'scene-radar/testing';
import {
  createPostgresStores,
  migrate,
  POSTGRES_MIGRATIONS,
  POSTGRES_SCHEMA_VERSION,
} from 'scene-radar/adapters/postgres';
import { migrateWith } from '../../adapters/postgres/migrate.js';
import { fileTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../helpers/postgres.js';

let db: TestDatabase;
// Awaited by every test that needs the server, so each one FAILS (never skips) without it.
const database = fileTestDatabase();
const connected = async (): Promise<TestDatabase> => {
  db = await database();
  return db;
};

/** The error a promise rejects with (fails the test if it resolves). */
const rejection = async (p: Promise<unknown>): Promise<Error & { code?: string; details?: unknown }> => {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
};

const recorded = async (schema: string): Promise<number[]> =>
  (await db.pool.query(`SELECT version FROM "${schema}".scene_radar_migrations ORDER BY version`)).rows.map((r) =>
    Number(r.version),
  );

/** Every migration's version, in order. */
const ALL = POSTGRES_MIGRATIONS.map((m) => m.version);

describe('migrate', () => {
  it('numbers migrations 1, 2, ... and knows the last as its schema version', () => {
    expect(POSTGRES_MIGRATIONS.map((m) => m.version)).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1));
    expect(POSTGRES_SCHEMA_VERSION).toBe(POSTGRES_MIGRATIONS.length);
  });

  it('creates the schema and tables, records the versions, and does nothing the second time', async () => {
    await connected();
    const schema = db.schemaName();
    const first = await migrate({ pool: db.pool, schema });
    expect(first).toEqual({ schema, from: 0, to: POSTGRES_SCHEMA_VERSION, applied: ALL });
    const second = await migrate({ connectionString: TEST_DATABASE_URL, schema });
    expect(second).toEqual({ schema, from: POSTGRES_SCHEMA_VERSION, to: POSTGRES_SCHEMA_VERSION, applied: [] });
    expect(await recorded(schema)).toEqual(ALL);
    const stores = createPostgresStores({ pool: db.pool, schema });
    await stores.scenes.scene_trends.upsert(sampleRowsFor('scene_trends', 3));
    await migrate({ pool: db.pool, schema });
    expect(await stores.scenes.scene_trends.count()).toBe(3);
  });

  it('upgrades a schema left at an older version: refused until migrated, then the new table works and old rows stay', async () => {
    await connected();
    const schema = db.schemaName();
    expect(await migrateWith(db.pool, schema, POSTGRES_MIGRATIONS.slice(0, 1))).toEqual({
      schema,
      from: 0,
      to: 1,
      applied: [1],
    });
    const stores = createPostgresStores({ pool: db.pool, schema });
    const e = await rejection(stores.ready());
    expect(e.code).toBe('STORE_SCHEMA_MISMATCH');
    expect(e.message).toContain(
      `version 1, this version of scene-radar needs ${POSTGRES_SCHEMA_VERSION}: run migrate()`,
    );
    // Rows written at version 1 (straight through SQL: the stores refuse the old schema).
    await db.pool.query(
      `INSERT INTO "${schema}".talent_radar_scenes (scene_slug, artist_count, avg_momentum, avg_breakout, heat, updated_at) VALUES ('scene-a', 3, 40, 0.2, NULL, '2026-01-01T00:00:00.000Z')`,
    );
    expect(await migrate({ pool: db.pool, schema })).toEqual({
      schema,
      from: 1,
      to: POSTGRES_SCHEMA_VERSION,
      applied: POSTGRES_MIGRATIONS.slice(1).map((m) => m.version),
    });
    expect(await stores.talent.talent_radar_scenes.scan()).toEqual([
      {
        scene_slug: 'scene-a',
        artist_count: 3,
        avg_momentum: 40,
        avg_breakout: 0.2,
        heat: null,
        updated_at: '2026-01-01T00:00:00.000Z',
      },
    ]);
    const [state] = sampleRowsFor('talent_radar_state', 1);
    await stores.talent.talent_radar_state.upsert([state!]);
    expect(await stores.talent.talent_radar_state.get({ name: state!.name })).toEqual(state);
  });

  it('applies each migration once when three instances start at once, and all three succeed', async () => {
    await connected();
    const schema = db.schemaName();
    const results = await Promise.all([
      migrate({ connectionString: TEST_DATABASE_URL, schema }),
      migrate({ connectionString: TEST_DATABASE_URL, schema }),
      migrate({ pool: db.pool, schema }),
    ]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(ALL);
    expect(results.every((r) => r.to === POSTGRES_SCHEMA_VERSION)).toBe(true);
    expect(await recorded(schema)).toEqual(ALL);
  });

  it('refuses a schema recorded at a newer version, at migrate and at the stores first use', async () => {
    await connected();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    await db.pool.query(
      `INSERT INTO "${schema}".scene_radar_migrations (version, name) VALUES (99, 'from the future')`,
    );
    const e = await rejection(migrate({ pool: db.pool, schema }));
    expect(isSceneRadarError(e) && e.code).toBe('STORE_SCHEMA_MISMATCH');
    expect(e.message).toContain(
      `version 99, newer than this version of scene-radar knows (${POSTGRES_SCHEMA_VERSION})`,
    );
    expect(e.details).toEqual({ schema, found: 99, expected: POSTGRES_SCHEMA_VERSION });
    const stores = createPostgresStores({ pool: db.pool }, { schema });
    expect((await rejection(stores.ready())).code).toBe('STORE_SCHEMA_MISMATCH');
    expect((await rejection(stores.talent.talent_radar_artists.count())).code).toBe('STORE_SCHEMA_MISMATCH');
    const migrating = createPostgresStores({ pool: db.pool }, { schema, migrate: true });
    expect((await rejection(migrating.scenes.scenes.count())).code).toBe('STORE_SCHEMA_MISMATCH');
    expect(await recorded(schema)).toEqual([...ALL, 99]);
  });

  it('refuses a schema never migrated unless migrate: true, which migrates it before the first statement', async () => {
    await connected();
    const schema = db.schemaName();
    const stores = createPostgresStores({ pool: db.pool, schema });
    const e = await rejection(stores.scenes.scenes.count());
    expect(isSceneRadarError(e) && e.code).toBe('STORE_SCHEMA_MISMATCH');
    expect(e.message).toContain(
      `version 0, this version of scene-radar needs ${POSTGRES_SCHEMA_VERSION}: run migrate()`,
    );
    const migrating = createPostgresStores({ connectionString: TEST_DATABASE_URL }, { schema, migrate: true });
    try {
      expect(await migrating.scenes.scenes.count()).toBe(0);
      expect(await recorded(schema)).toEqual(ALL);
      // The first store's failure was not remembered: it works now the schema is current.
      expect(await stores.scenes.scenes.count()).toBe(0);
    } finally {
      await migrating.close();
    }
    const e2 = await rejection(migrating.scenes.scenes.count());
    expect(isSceneRadarError(e2) && e2.code).toBe('RADAR_CLOSED');
  });
});

describe('a server that cannot be reached', () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  let silentPort = 0;
  beforeAll(async () => {
    // Accepts connections and never answers: a server that hangs.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('refused: migrate and the stores fail with STORE_UNAVAILABLE naming the reason, not the address', async () => {
    const connectionString = 'postgres://postgres:secret@127.0.0.1:1/test';
    const e = await rejection(migrate({ connectionString }));
    expect(isSceneRadarError(e) && e.code).toBe('STORE_UNAVAILABLE');
    expect(e.message).toBe(
      'PostgreSQL cannot be reached (ECONNREFUSED): check that the server is running and the connection settings',
    );
    expect(e.details).toEqual({ reason: 'ECONNREFUSED' });
    const stores = createPostgresStores({ connectionString });
    const e2 = await rejection(stores.scenes.scene_trends.scan({ limit: 1 }));
    expect(isSceneRadarError(e2) && e2.code).toBe('STORE_UNAVAILABLE');
    await stores.close();
  });

  it('hanging: fails after connectionTimeoutMillis with STORE_UNAVAILABLE, not a hang', async () => {
    const connectionString = `postgres://postgres@127.0.0.1:${silentPort}/test`;
    const started = Date.now();
    const e = await rejection(migrate({ connectionString, connectionTimeoutMillis: 250 }));
    expect(isSceneRadarError(e) && e.code).toBe('STORE_UNAVAILABLE');
    expect(e.message).toMatch(/^PostgreSQL cannot be reached \(connection timeout\)/);
    const stores = createPostgresStores({ connectionString, connectionTimeoutMillis: 250 });
    expect((await rejection(stores.ready())).code).toBe('STORE_UNAVAILABLE');
    await stores.close();
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

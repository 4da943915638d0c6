/**
 * Hostile probes of the PostgreSQL stores against the real local server: rows edited by hand into
 * shapes the schema refuses, a statement timeout, and a connection terminated at COMMIT. Nothing
 * half-written or reshaped may be served, and every failure carries the SDK's code.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPostgresStores, migrate } from '../../adapters/postgres/index.js';
import { TEST_DATABASE_URL, fileTestDatabase } from '../helpers/postgres.js';

const database = fileTestDatabase();

const trend = (day: string, heat: number) => ({
  scene_slug: 'indie-uk-brighton',
  day,
  heat,
  growth: 0.1,
  stage: 'growing' as const,
  active_members: 3,
  new_members: 1,
  rising_members: 1,
  as_of: `${day}T00:00:00.000Z`,
});

async function schemaWithTrends() {
  const db = await database();
  const schema = db.schemaName();
  await migrate({ pool: db.pool, schema });
  const stores = createPostgresStores({ pool: db.pool, schema });
  await stores.scenes.scene_trends.upsert([trend('2026-11-01', 40), trend('2026-11-02', 50)]);
  return { db, schema, stores };
}

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string }) => e.code ?? String(e),
  );

describe('hostile: PostgreSQL stores', () => {
  it('a row edited by hand into a shape its schema refuses is STORE_SCHEMA_MISMATCH, never served', async () => {
    const { db, schema, stores } = await schemaWithTrends();
    await db.pool.query(`UPDATE "${schema}".scene_trends SET heat = 1e9, stage = 'burning' WHERE day = '2026-11-02'`);
    const t = stores.scenes.scene_trends;
    expect(await code(t.scan({ where: { scene_slug: 'indie-uk-brighton' } }))).toBe('STORE_SCHEMA_MISMATCH');
    expect(await code(t.get({ scene_slug: 'indie-uk-brighton', day: '2026-11-02' }))).toBe('STORE_SCHEMA_MISMATCH');
    // The untouched row still reads as written.
    expect(await t.get({ scene_slug: 'indie-uk-brighton', day: '2026-11-01' })).toEqual(trend('2026-11-01', 40));
    const err = await t.scan().catch((e: Error & { details?: unknown }) => e);
    expect((err as Error).message).toMatch(/scene_trends/);
    // A slug broken by hand in a key column, and a jsonb value of the wrong shape, likewise.
    await db.pool.query(`UPDATE "${schema}".scene_trends SET scene_slug = 'Not A Slug!' WHERE day = '2026-11-01'`);
    expect(await code(t.scan({ range: { column: 'day', lte: '2026-11-01' } }))).toBe('STORE_SCHEMA_MISMATCH');
  });

  it('a statement timeout is STORE_UNAVAILABLE, not a raw driver error', async () => {
    const { db, schema } = await schemaWithTrends();
    const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, options: '-c statement_timeout=300', max: 2 });
    pool.on('error', () => undefined);
    const locker = await db.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE "${schema}".scene_trends IN ACCESS EXCLUSIVE MODE`);
      const stores = createPostgresStores({ pool, schema });
      await stores.ready();
      const err = (await stores.scenes.scene_trends.scan().catch((e: unknown) => e)) as {
        code?: string;
        message: string;
      };
      expect(err.code).toBe('STORE_UNAVAILABLE');
      expect(err.message).not.toMatch(/127\.0\.0\.1|postgres@/);
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
      await pool.end();
    }
  });

  it('a connection terminated at COMMIT: STORE_UNAVAILABLE, nothing written, the next write works', async () => {
    const { db, schema } = await schemaWithTrends();
    const app = `sr_hostile2_${Math.random().toString(36).slice(2, 8)}`;
    const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, application_name: app, max: 3 });
    pool.on('error', () => undefined);
    try {
      const stores = createPostgresStores({ pool, schema });
      const tx = (
        stores.scenes as unknown as { transaction<T>(fn: (s: typeof stores.scenes) => Promise<T>): Promise<T> }
      ).transaction;
      const failed = await code(
        tx(async (s) => {
          await s.scene_trends.upsert([trend('2026-11-03', 60)]);
          await s.scene_trends.deleteWhere({ day: '2026-11-01' });
          await db.pool.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state LIKE 'idle in transaction%'`,
            [app],
          );
        }),
      );
      expect(failed).toBe('STORE_UNAVAILABLE');
      const { rows } = await db.pool.query(`SELECT day FROM "${schema}".scene_trends ORDER BY day`);
      expect(rows.map((r) => r.day)).toEqual(['2026-11-01', '2026-11-02']);
      await stores.scenes.scene_trends.upsert([trend('2026-11-04', 70)]);
      expect(await stores.scenes.scene_trends.count()).toBe(3);
    } finally {
      await pool.end();
    }
  });
});

/**
 * Hostile review 45: the PostgreSQL adapter (adapters/postgres) against its contracts
 * (docs/persistence.md, the TSDoc of adapters/postgres and src/stores) and against the in-memory
 * store, the reference. Every test here fails on the code as reviewed and states the expected
 * behaviour. Each test works in a schema of its own (`review45_<random>`), dropped after the file.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStores } from '../../adapters/postgres/stores.js';
import { postgresTable, type TableContext } from '../../adapters/postgres/table.js';
import { migrate } from '../../adapters/postgres/migrate.js';
import { memoryScenesStores } from '../../src/stores/memory-table.js';
import { TALENT_TABLES } from '../../src/stores/specs.js';
import type { SceneTrendRow, TalentRefreshShardRow } from '../../src/stores/tables.js';
import { TEST_DATABASE_URL } from '../helpers/postgres.js';

const prefix = `review45_${randomBytes(4).toString('hex')}`;
const schemas: string[] = [];
const schemaName = (): string => {
  const name = `${prefix}_${schemas.length}`;
  schemas.push(name);
  return name;
};
let pool: pg.Pool | undefined;
const poolOf = (): pg.Pool => {
  if (!pool) {
    pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000, max: 6 });
    pool.on('error', () => undefined);
  }
  return pool;
};
/** Schemas with a fixed name this file created (dropped after the file only when it created them). */
const createdFixed: string[] = [];

afterAll(async () => {
  if (!pool) return;
  try {
    for (const name of [...schemas, ...createdFixed])
      await pool.query(`DROP SCHEMA IF EXISTS "${name.replaceAll('"', '""')}" CASCADE`);
  } finally {
    await pool.end();
  }
});

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => ({ ok: true as const }),
    (e: { code?: string; name?: string; message?: string }) => ({ ok: false as const, error: e.code ?? e.name }),
  );

const AT = '2026-01-01T00:00:00.000Z';

/** A scene_trends row of scene `i` (heat 10 by writer `a`, 20 by `b`). */
const trend = (i: number, by = 'a'): SceneTrendRow => ({
  scene_slug: `scene-${String(i).padStart(5, '0')}`,
  day: '2026-01-01',
  heat: by === 'a' ? 10 : 20,
  growth: 0,
  stage: 'emerging',
  active_members: 1,
  new_members: 0,
  rising_members: 0,
  as_of: AT,
});

describe('schema names (identifiers) the adapter accepts', () => {
  it('the schema name "$user" is refused (CONFIG_INVALID) before anything is created: in a search path PostgreSQL reads it as the schema named after the role', async () => {
    const p = poolOf();
    const schema = '$user';
    const before = await p.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    // migrate() quotes the name everywhere but could not in `SET LOCAL search_path TO "$user"`,
    // where PostgreSQL reads the quoted token as "the schema named after CURRENT_USER": the
    // unqualified migration SQL then ran in another schema, or in none (3F000).
    const result = await outcome(migrate({ pool: p, schema }));
    expect(result).toEqual({ ok: false, error: 'CONFIG_INVALID' });
    await expect(createPostgresStores({ pool: p, schema }).scenes.scenes.scan()).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    const after = await p.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    expect(after.rows.length).toBe(before.rows.length);
  }, 20_000);
});

describe('concurrent writers on the same keys', () => {
  // scene_trends has 9 columns: an upsert of more than floor(65535 / 9) = 7281 rows is split into
  // statements run in one transaction (adapters/postgres/table.ts, upsert).
  it('two plain upserts of a split batch over the same keys in opposite orders both land, as in memory (no deadlock surfacing as STORE_UNAVAILABLE)', async () => {
    const p = poolOf();
    const schema = schemaName();
    await migrate({ pool: p, schema });
    const a = createPostgresStores({ pool: p, schema });
    const b = createPostgresStores({ pool: p, schema });
    const n = 2 * 7281;
    const rowsA = Array.from({ length: n }, (_, i) => trend(i, 'a'));
    const rowsB = Array.from({ length: n }, (_, i) => trend(n - 1 - i, 'b'));
    // Memory: both writes land, one after the other.
    const mem = memoryScenesStores();
    const memGot = await Promise.all([
      outcome(mem.scene_trends.upsert(rowsA)),
      outcome(mem.scene_trends.upsert(rowsB)),
    ]);
    expect(memGot).toEqual([{ ok: true }, { ok: true }]);
    // PostgreSQL: each takes row locks statement by statement, in the batch's order, and holds them
    // to its commit: A holds the first half and waits on B's, B the reverse; the server breaks the
    // deadlock (40P01) and the split upsert, unlike a single statement, is not retried.
    const got = await Promise.all([
      outcome(a.scenes.scene_trends.upsert(rowsA)),
      outcome(b.scenes.scene_trends.upsert(rowsB)),
    ]);
    expect(got).toEqual([{ ok: true }, { ok: true }]);
    const heats = new Set((await a.scenes.scene_trends.scan()).map((r) => r.heat));
    expect(heats.size).toBe(1);
    expect(await a.scenes.scene_trends.count()).toBe(n);
  }, 30_000);
});

describe('errors of an upsert split into statements', () => {
  it('a split upsert (past 65,535 values) fails with the documented code as a one-statement upsert does (STORE_SCHEMA_MISMATCH for a dropped table), not the raw driver SQLSTATE', async () => {
    const p = poolOf();
    const schema = schemaName();
    await migrate({ pool: p, schema });
    const stores = createPostgresStores({ pool: p, schema });
    await stores.ready();
    await p.query(`DROP TABLE "${schema}".scene_trends`);
    const small = Array.from({ length: 10 }, (_, i) => trend(i));
    const big = Array.from({ length: 7282 }, (_, i) => trend(i)); // floor(65535 / 9) + 1 rows: two statements
    // One statement: mapped (schemaError), as docs/persistence.md says.
    expect(await outcome(stores.scenes.scene_trends.upsert(small))).toEqual({
      ok: false,
      error: 'STORE_SCHEMA_MISMATCH',
    });
    // Split: the statements run on the raw client inside ctx.transaction, whose callback's errors
    // are handed back unchanged (transactionOn's `fromFn`): the driver's 42P01 surfaces.
    expect(await outcome(stores.scenes.scene_trends.upsert(big))).toEqual({
      ok: false,
      error: 'STORE_SCHEMA_MISMATCH',
    });
  }, 30_000);
});

describe('calls after close()', () => {
  it('every call after stores.close() rejects RADAR_CLOSED, also those that answer without a statement (docs/persistence.md)', async () => {
    const schema = schemaName();
    await migrate({ pool: poolOf(), schema });
    const stores = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    await stores.ready();
    await stores.close();
    const t = stores.scenes.scenes;
    // Control: a call that reaches the pool does reject RADAR_CLOSED.
    expect(await outcome(t.count())).toEqual({ ok: false, error: 'RADAR_CLOSED' });
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['upsert([])', () => t.upsert([])],
      ['getMany([])', () => t.getMany([])],
      ['delete([])', () => t.delete([])],
      ['get(unmatchable)', () => t.get({ slug: 'a\u0000' })],
      ['count(unmatchable)', () => t.count({ slug: '\ud800' })],
      ['deleteWhere(unmatchable)', () => t.deleteWhere({ slug: 'a\u0000' })],
      ['scan(unmatchable)', () => t.scan({ where: { slug: 'a\u0000' } })],
    ];
    const got: Record<string, unknown> = {};
    for (const [name, call] of calls) got[name] = await outcome(call());
    // Today each of these resolves ([] / 0 / undefined) as if the stores were open: the pool's
    // context has no `check` (TableContext.check: "called first by every method, even one that
    // answers without a statement"), only a transaction's has.
    expect(got).toEqual(Object.fromEntries(calls.map(([name]) => [name, { ok: false, error: 'RADAR_CLOSED' }])));
  }, 20_000);
});

describe('very long text', () => {
  // Three rows of 180M characters each (within the schema's 256 MiB) made upsert pack one column
  // into an array literal past V8's longest string (about 2^29 characters): RangeError "Invalid
  // string length" before any statement, where memory took them. The split counted values, never
  // characters. The fix splits by characters too (maxStatementChars, 128 Mi by default); shown
  // here at a small budget, so the test does not write 540 MB.
  it('an upsert splits its statements by the characters of text they carry too, one row each at worst, and writes every row', async () => {
    const schema = schemaName();
    await migrate({ pool: poolOf(), schema });
    const sent: number[] = [];
    const ctx: TableContext = {
      schema,
      query: (text, values) => poolOf().query(text, values),
      async transaction(fn) {
        const client = await poolOf().connect();
        try {
          await client.query('BEGIN');
          const out = await fn({
            query: (text: string, values?: unknown[]) => {
              sent.push(((values?.[4] as string | undefined) ?? '').length);
              return client.query(text, values);
            },
          } as never);
          await client.query('COMMIT');
          return out;
        } catch (e) {
          await client.query('ROLLBACK');
          throw e;
        } finally {
          client.release();
        }
      },
    };
    const table = postgresTable(TALENT_TABLES.talent_radar_refresh_shards, ctx, { maxStatementChars: 1_000 });
    const shard = (i: number, size: number): TalentRefreshShardRow => ({
      refresh_id: 'refresh-1',
      shard: i,
      as_of: AT,
      artist_count: 1,
      features: String(i).repeat(size),
      updated_at: AT,
    });
    // 600 + 600 + 300 + 200 characters against 1,000: statements of [600], [600, 300], [200]... in key order.
    const rows = [shard(0, 600), shard(1, 600), shard(2, 300), shard(3, 200)];
    await table.upsert(rows);
    expect(sent.length).toBe(3);
    expect((await table.scan()).map((r) => [r.shard, r.features.length])).toEqual([
      [0, 600],
      [1, 600],
      [2, 300],
      [3, 200],
    ]);
  }, 20_000);
});

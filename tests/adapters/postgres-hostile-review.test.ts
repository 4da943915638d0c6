/**
 * A hostile review of the PostgreSQL stores against the real local server: values at the edges of
 * the schemas, filters and keys no stored row can match, paging past bigint, a transaction whose
 * callback swallows a failed statement, and schema names PostgreSQL cannot hold. Each case is
 * compared with the in-memory store, or must fail with a clear error, never the server's raw one.
 */
import { describe, expect, it } from 'vitest';
import { createPostgresStores, migrate } from '../../adapters/postgres/index.js';
import { createMemoryStores } from '../../src/stores/memory-table.js';
import type { SceneRadarStores } from '../../src/stores/specs.js';
import type { TalentStateRow } from '../../src/stores/tables.js';
import { fileTestDatabase } from '../helpers/postgres.js';

const database = fileTestDatabase();

const trend = (day: string, heat: number, growth = 0.1) => ({
  scene_slug: 'indie-uk-brighton',
  day,
  heat,
  growth,
  stage: 'growing' as const,
  active_members: 3,
  new_members: 1,
  rising_members: 1,
  as_of: `${day}T00:00:00.000Z`,
});

async function migrated() {
  const db = await database();
  const schema = db.schemaName();
  await migrate({ pool: db.pool, schema });
  return { db, schema, stores: createPostgresStores({ pool: db.pool, schema }) };
}

/** What a call gives: its value, or the error's code (or class) and message. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    (value) => ({ value }),
    (e: { code?: string; name?: string; message?: string }) => ({ error: e.code ?? e.name, message: e.message }),
  );

async function withTrends(stores: SceneRadarStores) {
  await stores.scenes.scene_trends.upsert([trend('2026-01-01', 10, -0), trend('2026-01-02', 20)]);
  return stores.scenes.scene_trends;
}

describe('hostile review: values at the edges of the schemas', () => {
  it('a negative zero in a float column reads back as -0, as in memory', async () => {
    const { stores } = await migrated();
    for (const s of [createMemoryStores(), stores]) {
      const t = await withTrends(s);
      const row = await t.get({ scene_slug: 'indie-uk-brighton', day: '2026-01-01' });
      expect(Object.is(row?.growth, -0)).toBe(true);
    }
  });

  it('a JSON value with a NUL or a lone surrogate is an invalid row (TypeError), nothing written', async () => {
    const { stores } = await migrated();
    const state = stores.talent.talent_radar_state;
    const at = '2026-01-01T00:00:00.000Z';
    const values: TalentStateRow['value'][] = [
      { event: 'breaks\u0000out' },
      { event: '\ud800' },
      { nested: [{ 'k\u0000': 1 }] },
    ];
    for (const value of values) {
      const got = await outcome(
        state.upsert([
          { name: 'ok', value: { a: 1 }, updated_at: at },
          { name: 'bad', value, updated_at: at },
        ]),
      );
      expect(got).toMatchObject({ error: 'TypeError' });
      expect((got as { message: string }).message).toMatch(
        /^talent_radar_state: invalid row 1: value\S* .*Expected well-formed Unicode text without NUL characters/,
      );
    }
    expect(await state.count()).toBe(0);
  });
});

describe('hostile review: keys and filters no stored row can match', () => {
  it('match nothing, as in memory, instead of failing with the server cast or encoding error', async () => {
    const { stores } = await migrated();
    for (const s of [createMemoryStores(), stores]) {
      const t = await withTrends(s);
      const nul = { scene_slug: 'indie-uk-brighton\u0000', day: '2026-01-01' };
      const lone = { scene_slug: '\ud800', day: '2026-01-01' };
      expect(await t.get(nul)).toBeUndefined();
      expect(await t.get(lone)).toBeUndefined();
      const asked = [nul, { scene_slug: 'indie-uk-brighton', day: '2026-01-02' }, lone];
      expect((await t.getMany(asked)).map((r) => r.day)).toEqual(['2026-01-02']);
      expect(await t.delete([nul, lone])).toBe(0);
      expect(await t.scan({ where: { scene_slug: 'x\u0000' } })).toEqual([]);
      expect(await t.count({ heat: 'hot' as unknown as number })).toBe(0);
      expect(await t.count({ active_members: 1.5 })).toBe(0);
      expect(await t.deleteWhere({ active_members: 1e300 })).toBe(0);
      expect(await t.count()).toBe(2);
    }
  });

  it('a lone surrogate matches no row, not one holding U+FFFD', async () => {
    const { stores } = await migrated();
    await stores.scenes.scenes.upsert([
      {
        slug: 'odd-scene',
        name: 'odd',
        region: '\ufffd',
        city: null,
        microgenres: [],
        updated_at: '2026-01-01T00:00:00.000Z',
      },
    ]);
    expect(await stores.scenes.scenes.count({ region: '\ud800' })).toBe(0);
    expect(await stores.scenes.scenes.count({ region: '\ufffd' })).toBe(1);
  });

  it('a range bound of another type, or with a NUL, is a RangeError naming the column', async () => {
    const { stores } = await migrated();
    const t = await withTrends(stores);
    await expect(t.scan({ range: { column: 'day', gte: '2026\u0000' } })).rejects.toThrow(RangeError);
    await expect(t.scan({ range: { column: 'heat', lte: 'hot' } })).rejects.toThrow(
      /range lte on heat must be a number/,
    );
    // An integer column rounds a fractional bound inwards, as a comparison with the integers does.
    expect((await t.scan({ range: { column: 'active_members', gte: 2.5, lte: 3.5 } })).length).toBe(2);
    expect(await t.scan({ range: { column: 'active_members', gte: Number.POSITIVE_INFINITY } })).toEqual([]);
  });

  it('limit and offset past 2^53 page as in memory, not as an invalid bigint', async () => {
    const { stores } = await migrated();
    for (const s of [createMemoryStores(), stores]) {
      const t = await withTrends(s);
      expect((await t.scan({ limit: 1e21 })).length).toBe(2);
      expect(await t.scan({ offset: 1e21 })).toEqual([]);
      expect(await t.scan({ offset: 2 ** 63, limit: 2 ** 64 })).toEqual([]);
    }
  });
});

describe('hostile review: a transaction whose callback swallows a failed statement', () => {
  it('rejects with that failure instead of resolving while PostgreSQL rolls everything back', async () => {
    const { db, schema, stores } = await migrated();
    // A table renamed under the stores: its statements fail on the server.
    await db.pool.query(`ALTER TABLE "${schema}".scene_relationships RENAME TO scene_relationships_gone`);
    let swallowed: unknown;
    const tx = stores.scenes.transaction!(async (t) => {
      await t.scene_trends.upsert([trend('2026-02-01', 10)]);
      swallowed = await t.scene_relationships.count().catch((e: unknown) => e);
      return 'done';
    });
    const rejected = await tx.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    expect(swallowed).toBeInstanceOf(Error);
    expect(rejected).toBe(swallowed);
    // Nothing was written, and the pool still works.
    expect(await stores.scenes.scene_trends.count()).toBe(0);
    await stores.scenes.scene_trends.upsert([trend('2026-02-02', 20)]);
    expect(await stores.scenes.scene_trends.count()).toBe(1);
  });

  it('a later call in the aborted transaction rejects with the first failure, not "transaction is aborted"', async () => {
    const { db, schema, stores } = await migrated();
    await db.pool.query(`ALTER TABLE "${schema}".scene_relationships RENAME TO scene_relationships_gone`);
    let first: unknown;
    let second: unknown;
    await stores.scenes.transaction!(async (t) => {
      first = await t.scene_relationships.count().catch((e: unknown) => e);
      second = await t.scene_trends.count().catch((e: unknown) => e);
    }).catch(() => undefined);
    expect(first).toBeInstanceOf(Error);
    expect(second).toBe(first);
  });
});

describe('hostile review: schema names PostgreSQL cannot hold', () => {
  it('a NUL or a lone surrogate is CONFIG_INVALID, touching nothing', async () => {
    const db = await database();
    for (const schema of ['radar\u0000x', 'radar\ud800']) {
      expect(await outcome(migrate({ pool: db.pool, schema }))).toMatchObject({ error: 'CONFIG_INVALID' });
      expect(await outcome(createPostgresStores({ pool: db.pool, schema }).ready())).toMatchObject({
        error: 'CONFIG_INVALID',
      });
    }
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'radar\ufffd'`);
    expect(rows[0]?.n).toBe(0);
  });
});

/**
 * Hostile review 8: the PostgreSQL stores' data fidelity and schema handling against the in-memory
 * store (the reference). Every value a row can hold must read back as memory returns it, scans must
 * order and page as memory does, and bad input or a bad schema must fail with a seed code.
 * Tests marked "guard" pass today and pin behaviour verified right. Tests marked "KNOWN, LEFT OPEN"
 * reproduce differences between the stores that are not fixed yet (`it.fails`: they pass while the
 * difference is there, and fail once it is gone, to be turned into plain tests): text keys holding
 * escapes or quotes, and text above U+FFFF against U+E000-U+FFFF, order differently (memory compares
 * UTF-16 code units of the key's JSON text, PostgreSQL's "C" collation UTF-8 bytes); -0 is 0 in a
 * bigint or inside jsonb; jsonb sorts the keys of a free-form JSON value (`talent_radar_state`).
 */
import { describe, expect, it } from 'vitest';
import {
  memoryScenesStores,
  memoryTalentStores,
  type ScanQuery,
  type SceneRecommendationRow,
  type SceneRow,
  type SceneTrendRow,
  type Table,
  type TalentArtistRow,
  type TalentStateRow,
} from 'scene-radar/stores';
import { createPostgresStores, migrate } from 'scene-radar/adapters/postgres';
import { sampleRowsFor } from 'scene-radar/testing';
import { fileTestDatabase } from '../helpers/postgres.js';

const database = fileTestDatabase();

/** A fresh migrated schema on the file's pool (max 4), and stores over it (the pool is the helper's: dropped after the file). */
async function migrated() {
  const db = await database();
  const schema = db.schemaName();
  await migrate({ pool: db.pool, schema });
  return { db, schema, stores: createPostgresStores({ pool: db.pool, schema }) };
}

async function pair() {
  const { db, schema, stores } = await migrated();
  return { db, schema, pg: stores, mem: { scenes: memoryScenesStores(), talent: memoryTalentStores() } };
}

/** Rows as a host would serialise them (key order, sign of zero as JSON cannot: see `zeros`). */
const json = (v: unknown): string => JSON.stringify(v);
/** Every numeric zero's sign, in traversal order, so -0 vs 0 shows up in a plain string compare. */
const zeros = (v: unknown): string[] => {
  const out: string[] = [];
  const walk = (x: unknown, path: string): void => {
    if (typeof x === 'number' && x === 0) out.push(`${path}=${Object.is(x, -0) ? '-0' : '0'}`);
    else if (x && typeof x === 'object') for (const [k, y] of Object.entries(x)) walk(y, `${path}.${k}`);
  };
  walk(v, '$');
  return out;
};

const outcome = (p: Promise<unknown>) =>
  p.then(
    (value) => ({ value }),
    (e: { code?: string; name?: string; message?: string }) => ({ error: e.code ?? e.name, message: e.message }),
  );

const AT = '2026-01-01T00:00:00.000Z';
const rec = (subject: string, scene_slug = 'indie-uk-brighton', rank = 1): SceneRecommendationRow => ({
  subject,
  scene_slug,
  rank,
  score: 0.5,
  fit: 0.5,
  heat: 50,
  reasons: [],
  computed_at: AT,
  expires_at: AT,
});
const scene = (slug: string, name: string, city: string | null = null): SceneRow => ({
  slug,
  name,
  region: 'uk',
  city,
  microgenres: [],
  updated_at: AT,
});
const trend = (day: string, over: Partial<SceneTrendRow> = {}): SceneTrendRow => ({
  scene_slug: 'indie-uk-brighton',
  day,
  heat: 10,
  growth: 0.1,
  stage: 'growing',
  active_members: 3,
  new_members: 1,
  rising_members: 1,
  as_of: `${day}T00:00:00.000Z`,
  ...over,
});

describe('review 8: text order (primary key and orderBy) matches the in-memory store', () => {
  it('a free-text key column (subject) pages in the same order: space, "!", quote, backslash, control characters', async () => {
    const { pg, mem } = await pair();
    const subjects = ['watch', 'watch list', 'watch!', 'watch"q', 'watch\\b', 'watch\ttab', 'watch#', 'watcha'];
    const rows = subjects.map((s) => rec(s));
    await mem.scenes.scene_recommendations_cache.upsert(rows);
    await pg.scenes.scene_recommendations_cache.upsert(rows);
    const subjectsOf = async (t: Table<SceneRecommendationRow>, q?: ScanQuery<SceneRecommendationRow>) =>
      (await t.scan(q)).map((r) => r.subject);
    const pgT = pg.scenes.scene_recommendations_cache as Table<SceneRecommendationRow>;
    const memT = mem.scenes.scene_recommendations_cache as Table<SceneRecommendationRow>;
    expect(await subjectsOf(pgT)).toEqual(await subjectsOf(memT));
    // Ties on an ordered column fall back to the key: the same page either way.
    const q = { orderBy: { column: 'rank' as const }, offset: 2, limit: 3 };
    expect(await subjectsOf(pgT, q)).toEqual(await subjectsOf(memT, q));
  });

  it('orderBy a text column orders U+E000..U+FFFF against astral characters (emoji) as memory does', async () => {
    const { pg, mem } = await pair();
    const names = ['\uFB00 ligature', '😀 grin', '\uFFFD replacement', '𝄞 clef', 'Zebra', 'apple', 'Éclair', 'écran'];
    const rows = names.map((n, i) => scene(`s-${i}`, n));
    await mem.scenes.scenes.upsert(rows);
    await pg.scenes.scenes.upsert(rows);
    for (const direction of ['asc', 'desc'] as const) {
      const q = { orderBy: { column: 'name' as const, direction } };
      expect((await pg.scenes.scenes.scan(q)).map((r) => r.name)).toEqual(
        (await mem.scenes.scenes.scan(q)).map((r) => r.name),
      );
    }
    // A range bound between them selects the same rows.
    const range = { range: { column: 'name' as const, gte: '\uE000' }, orderBy: { column: 'name' as const } };
    expect((await pg.scenes.scenes.scan(range)).map((r) => r.name)).toEqual(
      (await mem.scenes.scenes.scan(range)).map((r) => r.name),
    );
  });

  it('guard: ASCII mixed case and Latin-1 accents order byte by byte in both (B < a < z < É < ä < é)', async () => {
    const { pg, mem } = await pair();
    const names = ['écran', 'Zebra', 'apple', 'Éclair', 'Banana', 'zoo', 'a', 'A', 'ä'];
    const rows = names.map((n, i) => scene(`s-${i}`, n));
    await mem.scenes.scenes.upsert(rows);
    await pg.scenes.scenes.upsert(rows);
    const q = { orderBy: { column: 'name' as const }, offset: 1, limit: 6 };
    const got = (await pg.scenes.scenes.scan(q)).map((r) => r.name);
    expect(got).toEqual((await mem.scenes.scenes.scan(q)).map((r) => r.name));
    expect(got).toEqual(['Banana', 'Zebra', 'a', 'apple', 'zoo', 'Éclair']);
  });
});

describe('review 8: numbers read back as memory returns them', () => {
  it.fails('KNOWN, LEFT OPEN: a negative zero in an integer (bigint) column reads back as -0, as in memory', async () => {
    const { pg, mem } = await pair();
    const row = trend('2026-01-01', { active_members: -0, new_members: -0, rising_members: 0 });
    await mem.scenes.scene_trends.upsert([row]);
    await pg.scenes.scene_trends.upsert([row]);
    const key = { scene_slug: row.scene_slug, day: row.day };
    expect(zeros(await pg.scenes.scene_trends.get(key))).toEqual(zeros(await mem.scenes.scene_trends.get(key)));
  });

  it.fails('KNOWN, LEFT OPEN: a negative zero inside a jsonb value (metadata, state) reads back as -0, as in memory', async () => {
    const { pg, mem } = await pair();
    const artist: TalentArtistRow = {
      ...sampleRowsFor('talent_radar_artists', 1, 3)[0]!,
      metadata: { migCentrality: -0, tastemakerConnections: -0, sceneConfidence: 0, campaignCount: 0 },
    };
    const state: TalentStateRow = { name: 'probe', value: { z: -0, nested: [-0, { y: -0 }] }, updated_at: AT };
    for (const s of [mem, pg]) {
      await s.talent.talent_radar_artists.upsert([artist]);
      await s.talent.talent_radar_state.upsert([state]);
    }
    const read = async (s: typeof mem) => [
      ...zeros(await s.talent.talent_radar_artists.get({ artist_slug: artist.artist_slug })),
      ...zeros(await s.talent.talent_radar_state.get({ name: 'probe' })),
    ];
    expect(await read(pg as unknown as typeof mem)).toEqual(await read(mem));
  });

  it('guard: subnormals, extremes, 0.1+0.2, integers in float columns and 2^53-1 read back exactly; 2^53+1 is refused in both', async () => {
    const { pg, mem } = await pair();
    const growths = [
      5e-324,
      1e-320,
      -2.2250738585072014e-308,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      0.1 + 0.2,
      7,
      1e21,
      -0,
    ];
    const rows = growths.map((growth, i) =>
      trend(`2026-01-${String(i + 10)}`, {
        growth,
        active_members: Number.MAX_SAFE_INTEGER,
        heat: i === 0 ? 100 : 5e-324,
      }),
    );
    await mem.scenes.scene_trends.upsert(rows);
    await pg.scenes.scene_trends.upsert(rows);
    const p = await pg.scenes.scene_trends.scan({ orderBy: { column: 'growth' } });
    const m = await mem.scenes.scene_trends.scan({ orderBy: { column: 'growth' } });
    expect(json(p)).toBe(json(m));
    expect(zeros(p)).toEqual(zeros(m));
    expect(p.map((r) => r.growth)).toEqual(m.map((r) => r.growth));
    const bad = trend('2026-02-01', { active_members: 2 ** 53 + 2 });
    const [pe, me] = [
      await outcome(pg.scenes.scene_trends.upsert([bad])),
      await outcome(mem.scenes.scene_trends.upsert([bad])),
    ];
    expect(pe).toMatchObject({ error: 'TypeError' });
    expect(me).toMatchObject({ error: 'TypeError' });
    expect(await pg.scenes.scene_trends.count()).toBe(growths.length);
  });
});

describe('review 8: jsonb values read back as memory returns them', () => {
  it.fails('KNOWN, LEFT OPEN: a talent_radar_state value keeps its key order (top level and nested), as in memory', async () => {
    const { pg, mem } = await pair();
    const value = {
      zeta: 1,
      alpha: { long_key_first: true, b: [{ y: 1, x: 2 }], a: null },
      mid: [],
      '': 'empty key',
      '10': 'ten',
      '9': 'nine',
    };
    const row: TalentStateRow = { name: 'order-probe', value, updated_at: AT };
    await mem.talent.talent_radar_state.upsert([row]);
    await pg.talent.talent_radar_state.upsert([row]);
    expect(json(await pg.talent.talent_radar_state.get({ name: 'order-probe' }))).toBe(
      json(await mem.talent.talent_radar_state.get({ name: 'order-probe' })),
    );
  });

  it('guard: numbers (1e21, 0.1+0.2, 5e-324, MAX_VALUE, 2^53-1), U+2028, every plane, empty arrays vs null read back equal', async () => {
    const { pg, mem } = await pair();
    // Keys in jsonb order already (length, then bytes): this guard is about values, not order.
    const value = {
      a: 1e21,
      b: 0.1 + 0.2,
      c: 5e-324,
      d: Number.MAX_VALUE,
      e: [],
      f: null,
      g: [[[]], [null, [1, [2]]]],
      h: '\u2028\u2029 \u0001 \uFFFF 𝄞 😀 \u{10FFFF} \u{E0001}',
      i: Number.MAX_SAFE_INTEGER,
      j: -1e-7,
    };
    const row: TalentStateRow = { name: 'num-probe', value, updated_at: AT };
    await mem.talent.talent_radar_state.upsert([row]);
    await pg.talent.talent_radar_state.upsert([row]);
    expect(json(await pg.talent.talent_radar_state.get({ name: 'num-probe' }))).toBe(
      json(await mem.talent.talent_radar_state.get({ name: 'num-probe' })),
    );
  });
});

describe('review 8: strings, nulls and filters', () => {
  it('guard: text of every plane, U+2028, control characters, quotes and 512-unit reasons read back exactly', async () => {
    const { pg, mem } = await pair();
    const wild = 'a\u2028b\u2029c\r\n\t\u0001\u007f\u0085"\\{},NULL \uFEFF\uFFFF\u{10000}\u{1F600}\u{E0041}\u{10FFFD}';
    const rows: SceneRow[] = [scene('wild', wild, '  city  '), scene('nul-city', 'x', null)];
    const m = memoryScenesStores();
    await m.scenes.upsert(rows);
    await pg.scenes.scenes.upsert(rows);
    expect(json(await pg.scenes.scenes.scan())).toBe(json(await m.scenes.scan()));
    const membership = {
      ...sampleRowsFor('scene_memberships', 1, 3)[0]!,
      reasons: ['€'.repeat(512), `${'x'.repeat(510)}😀`, '', wild, '{"a",b}', 'NULL'],
      joined_at: '2026-01-01T00:00:00.123456+05:45',
    };
    await mem.scenes.scene_memberships.upsert([membership]);
    await pg.scenes.scene_memberships.upsert([membership]);
    expect(json(await pg.scenes.scene_memberships.scan())).toBe(json(await mem.scenes.scene_memberships.scan()));
  });

  it('guard: getMany / delete / count by free-text keys that look like array syntax (NULL, quotes, braces, commas, spaces)', async () => {
    const { pg, mem } = await pair();
    const subjects = ['NULL', 'null', ' {a,b} ', '"q"', 'back\\slash', 'a,b', '{}', '\u2028', '😀'];
    const rows = subjects.map((s, i) => rec(s, 'indie-uk-brighton', i + 1));
    await mem.scenes.scene_recommendations_cache.upsert(rows);
    await pg.scenes.scene_recommendations_cache.upsert(rows);
    const keys = [...subjects].reverse().map((subject) => ({ subject, scene_slug: 'indie-uk-brighton' }));
    expect(json(await pg.scenes.scene_recommendations_cache.getMany(keys))).toBe(
      json(await mem.scenes.scene_recommendations_cache.getMany(keys)),
    );
    for (const subject of subjects) expect(await pg.scenes.scene_recommendations_cache.count({ subject })).toBe(1);
    expect(await pg.scenes.scene_recommendations_cache.delete(keys.slice(0, 5))).toBe(
      await mem.scenes.scene_recommendations_cache.delete(keys.slice(0, 5)),
    );
    expect(await pg.scenes.scene_recommendations_cache.count()).toBe(subjects.length - 5);
  });

  it('guard: count / deleteWhere / scan with a null filter, and nulls in order with ties, match memory', async () => {
    const { pg, mem } = await pair();
    const rows = [
      scene('a', 'n', null),
      scene('b', 'n', 'x'),
      scene('c', 'n', null),
      scene('d', 'n', 'x'),
      scene('e', 'n', 'y'),
    ];
    await mem.scenes.scenes.upsert(rows);
    await pg.scenes.scenes.upsert(rows);
    for (const direction of ['asc', 'desc'] as const)
      for (const [offset, limit] of [
        [0, 2],
        [1, 3],
        [3, 5],
      ] as const) {
        const q = { orderBy: { column: 'city' as const, direction }, offset, limit };
        expect(json(await pg.scenes.scenes.scan(q))).toBe(json(await mem.scenes.scenes.scan(q)));
      }
    const lte = { range: { column: 'city' as const, lte: 'x' } };
    expect(json(await pg.scenes.scenes.scan(lte))).toBe(json(await mem.scenes.scenes.scan(lte)));
    expect(await pg.scenes.scenes.count({ city: null })).toBe(await mem.scenes.scenes.count({ city: null }));
    expect(await pg.scenes.scenes.count({ name: null as unknown as string })).toBe(0);
    expect(await pg.scenes.scenes.deleteWhere({ city: null, region: 'uk' })).toBe(
      await mem.scenes.scenes.deleteWhere({ city: null, region: 'uk' }),
    );
    expect(json(await pg.scenes.scenes.scan())).toBe(json(await mem.scenes.scenes.scan()));
  });
});

describe('review 8: schema handling', () => {
  it('guard: a schema name with quotes, dots, spaces, case and emoji migrates twice and round-trips', async () => {
    const db = await database();
    const odd = `Radar "q" . x$ 😀 ${db.schemaName().slice(-14)}`;
    try {
      const first = await migrate({ pool: db.pool, schema: odd });
      const second = await migrate({ pool: db.pool, schema: odd });
      expect(first.applied.length).toBeGreaterThan(0);
      expect(second).toMatchObject({ from: first.to, to: first.to, applied: [] });
      const stores = createPostgresStores({ pool: db.pool, schema: odd });
      await stores.scenes.scenes.upsert([scene('a', 'A')]);
      await stores.scenes.transaction!(async (t) => t.scenes.upsert([scene('b', 'B')]));
      expect((await stores.scenes.scenes.scan()).map((r) => r.slug)).toEqual(['a', 'b']);
      await stores.close();
    } finally {
      await db.pool.query(`DROP SCHEMA IF EXISTS "${odd.replaceAll('"', '""')}" CASCADE`);
    }
  });

  it('a schema name PostgreSQL reserves (pg_*) is CONFIG_INVALID, not the server raw error', async () => {
    const db = await database();
    const got = await outcome(migrate({ pool: db.pool, schema: `pg_${db.schemaName()}` }));
    expect(got).toMatchObject({ error: 'CONFIG_INVALID' });
  });

  it('tables left in a schema without a migrations table (created by hand or another tool): a seed code, not 42P07', async () => {
    const db = await database();
    const schema = db.schemaName();
    await db.pool.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".scenes (id int)`);
    const got = await outcome(migrate({ pool: db.pool, schema }));
    expect(got).toMatchObject({ error: 'STORE_SCHEMA_MISMATCH' });
    // Nothing written into the host's schema: no version table left behind.
    const { rows } = await db.pool.query('SELECT to_regclass($1) IS NULL AS absent', [
      `"${schema}".scene_radar_migrations`,
    ]);
    expect(rows[0]).toEqual({ absent: true });
  });

  it('a table or column dropped by hand from a migrated schema: reads and writes reject STORE_SCHEMA_MISMATCH, not 42P01/42703', async () => {
    const { db, schema, pg } = await pair();
    await pg.ready();
    await db.pool.query(`DROP TABLE "${schema}".scene_trends; ALTER TABLE "${schema}".scenes DROP COLUMN city`);
    for (const call of [
      () => pg.scenes.scene_trends.scan(),
      () => pg.scenes.scene_trends.upsert([trend('2026-01-01')]),
      () => pg.scenes.scenes.get({ slug: 'a' }),
      () => pg.scenes.scenes.count({ city: null }),
    ])
      expect(await outcome(call())).toMatchObject({ error: 'STORE_SCHEMA_MISMATCH' });
  });

  it('a jsonb object edited by hand to hold a key its schema does not declare is refused or dropped, never served', async () => {
    const { db, schema, pg, mem } = await pair();
    const artist = sampleRowsFor('talent_radar_artists', 1, 3)[0]!;
    await pg.talent.talent_radar_artists.upsert([artist]);
    await mem.talent.talent_radar_artists.upsert([
      { ...artist, metadata: { ...artist.metadata, secret: 'x' } } as TalentArtistRow,
    ]);
    await db.pool.query(
      `UPDATE "${schema}".talent_radar_artists SET metadata = metadata || '{"secret": "leaked"}'::jsonb`,
    );
    const got = await outcome(pg.talent.talent_radar_artists.get({ artist_slug: artist.artist_slug }));
    const served = (got as { value?: TalentArtistRow }).value;
    if (served) expect(Object.keys(served.metadata)).toEqual(Object.keys(artist.metadata));
    else expect(got).toMatchObject({ error: 'STORE_SCHEMA_MISMATCH' });
    // Memory never holds an undeclared key: the row schema drops it on write.
    const inMemory = await mem.talent.talent_radar_artists.get({ artist_slug: artist.artist_slug });
    expect(Object.keys(inMemory!.metadata)).toEqual(Object.keys(artist.metadata));
  });

  it('guard: a row edited by hand into a shape its schema refuses is STORE_SCHEMA_MISMATCH on every read', async () => {
    const { db, schema, pg } = await pair();
    await pg.scenes.scene_trends.upsert([trend('2026-01-01')]);
    const t = `"${schema}".scene_trends`;
    const edits = [
      `UPDATE ${t} SET active_members = 9007199254740993`,
      `UPDATE ${t} SET growth = 'NaN'`,
      `UPDATE ${t} SET heat = 'Infinity'`,
      `UPDATE ${t} SET stage = 'Growing'`,
      `UPDATE ${t} SET as_of = '2026-01-01 00:00:00'`,
      `UPDATE ${t} SET day = '2026-02-30'`,
    ];
    for (const edit of edits) {
      await db.pool.query(`DELETE FROM ${t}`);
      await pg.scenes.scene_trends.upsert([trend('2026-01-01')]);
      await db.pool.query(edit);
      for (const read of [
        () => pg.scenes.scene_trends.scan(),
        () => pg.scenes.scene_trends.scan({ where: { scene_slug: 'indie-uk-brighton' } }),
        () => pg.scenes.scene_trends.scan({ range: { column: 'day', gte: '2000-01-01' }, limit: 1 }),
      ])
        expect(await outcome(read())).toMatchObject({ error: 'STORE_SCHEMA_MISMATCH' });
    }
  });
});

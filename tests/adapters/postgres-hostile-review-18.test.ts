/**
 * Hostile review 18: parity of the PostgreSQL stores with the in-memory stores (the reference),
 * after the in-memory stores' change of 2026-12-05 (code point text order, key order by value,
 * scans refusing unknown or list columns and wrong-typed range bounds). Each case runs the same
 * operations on both stores and compares the answers (value, or error code / class).
 * Tests named "guard" pass today and pin parity verified right; the others reproduce a difference
 * that is still there and fail until it is fixed. Needs PostgreSQL (fails, never skips, without it).
 */
import { describe, expect, it } from 'vitest';
import { createPostgresStores, migrate } from '../../adapters/postgres/index.js';
import { createMemoryStores } from '../../src/stores/memory-table.js';
import type { SceneRadarStores } from '../../src/stores/specs.js';
import type {
  SceneMembershipRow,
  SceneRow,
  SceneTrendRow,
  TalentArtistRow,
  TalentRefreshShardRow,
} from '../../src/stores/tables.js';
import { fileTestDatabase } from '../helpers/postgres.js';

const database = fileTestDatabase();

/** A fresh migrated schema on the file's pool (the helper's one pool, max 4, dropped after the file). */
async function pair(): Promise<{ pg: SceneRadarStores; mem: SceneRadarStores }> {
  const db = await database();
  const schema = db.schemaName();
  await migrate({ pool: db.pool, schema });
  return { pg: createPostgresStores({ pool: db.pool, schema }), mem: createMemoryStores() };
}

/** What a call gives: its value as JSON, or the error's code (or class). */
const outcome = (p: Promise<unknown>) =>
  p.then(
    (value) => ({ value: JSON.stringify(value) }),
    (e: { code?: string; name?: string }) => ({ error: e.code ?? e.name }),
  );

/** Runs `op` on both stores and returns both outcomes (memory first). */
async function both(
  s: { pg: SceneRadarStores; mem: SceneRadarStores },
  op: (stores: SceneRadarStores) => Promise<unknown>,
): Promise<{ mem: unknown; pg: unknown }> {
  return { mem: await outcome(op(s.mem)), pg: await outcome(op(s.pg)) };
}
const same = (r: { mem: unknown; pg: unknown }): void => expect(r.pg).toEqual(r.mem);

const AT = '2026-01-01T00:00:00.000Z';
const trend = (day: string, over: Partial<SceneTrendRow> = {}): SceneTrendRow => ({
  scene_slug: 'indie-uk-brighton',
  day,
  heat: 10,
  growth: 0.1,
  stage: 'growing',
  active_members: 3,
  new_members: 1,
  rising_members: 1,
  as_of: AT,
  ...over,
});
const scene = (slug: string, over: Partial<SceneRow> = {}): SceneRow => ({
  slug,
  name: slug,
  region: 'uk',
  city: null,
  microgenres: [],
  updated_at: AT,
  ...over,
});
const member = (
  scene_slug: string,
  artist_slug: string,
  over: Partial<SceneMembershipRow> = {},
): SceneMembershipRow => ({
  scene_slug,
  artist_slug,
  confidence: 0.5,
  sound: 0.5,
  place: 0.5,
  people: 0.5,
  microgenres: [],
  reasons: [],
  joined_at: AT,
  as_of: AT,
  updated_at: AT,
  ...over,
});
const artist = (artist_slug: string, over: Partial<TalentArtistRow> = {}): TalentArtistRow => ({
  artist_slug,
  scene_slug: null,
  microgenres: [],
  momentum: 50,
  creative_shift: 0.1,
  coverage_velocity: 1,
  press_quality: 0.5,
  mig_connectivity: 0.5,
  breakout_score: 0.5,
  risk_score: 0.1,
  metadata: { migCentrality: 0.1, tastemakerConnections: 1, sceneConfidence: 0.5, campaignCount: 0 },
  confidence: 0.9,
  as_of: AT,
  model_version: 'v1',
  updated_at: AT,
  ...over,
});
const shard = (refresh_id: string, n: number, over: Partial<TalentRefreshShardRow> = {}): TalentRefreshShardRow => ({
  refresh_id,
  shard: n,
  as_of: AT,
  artist_count: 1,
  features: '[]',
  updated_at: AT,
  ...over,
});

describe('review 18: range bounds PostgreSQL refuses or rewrites', () => {
  it('a text range bound holding a NUL or a lone surrogate: both stores answer alike (memory scans, PostgreSQL throws RangeError)', async () => {
    const s = await pair();
    for (const st of [s.mem, s.pg]) await st.scenes.scene_trends.upsert([trend('2026-01-01'), trend('2026-01-02')]);
    for (const range of [
      { column: 'day' as const, gte: '2026-01-01\u0000' },
      { column: 'day' as const, lte: '2026-01-02\ud800' },
      { column: 'scene_slug' as const, gte: '\udc00' },
    ])
      same(await both(s, (st) => st.scenes.scene_trends.scan({ range })));
  });

  it('an integer range bound past 2^53 (or Infinity) matches no stored integer, as in memory, not the row holding 2^53-1', async () => {
    const s = await pair();
    const rows = [trend('2026-01-01', { active_members: Number.MAX_SAFE_INTEGER }), trend('2026-01-02')];
    for (const st of [s.mem, s.pg]) await st.scenes.scene_trends.upsert(rows);
    for (const gte of [2 ** 53, 1e300, Number.POSITIVE_INFINITY])
      same(
        await both(s, (st) =>
          st.scenes.scene_trends.scan({ range: { column: 'active_members', gte } }).then((r) => r.map((x) => x.day)),
        ),
      );
  });

  it('guard: null bounds, fractional integer bounds, -0 / Infinity / subnormal float bounds and an empty range agree', async () => {
    const s = await pair();
    const rows = [
      trend('2026-01-01', { growth: -0, active_members: 0 }),
      trend('2026-01-02', { growth: 5e-324, active_members: 2 }),
      trend('2026-01-03', { growth: -1e-300, active_members: 3 }),
      trend('2026-01-04', { growth: 1e300, active_members: 4 }),
    ];
    for (const st of [s.mem, s.pg]) await st.scenes.scene_trends.upsert(rows);
    const ranges = [
      { column: 'growth' as const, gte: 0 },
      { column: 'growth' as const, lte: -0 },
      { column: 'growth' as const, gte: 5e-324, lte: Number.POSITIVE_INFINITY },
      { column: 'growth' as const, gte: Number.NEGATIVE_INFINITY, lte: -1e-300 },
      { column: 'active_members' as const, gte: 1.5, lte: 3.9 },
      { column: 'active_members' as const, gte: -1e300, lte: 0.5 },
      { column: 'active_members' as const, gte: null },
      { column: 'active_members' as const, lte: null },
      { column: 'day' as const, gte: '2026-01-03', lte: '2026-01-02' },
      { column: 'day' as const, gte: '' },
    ];
    for (const range of ranges)
      same(await both(s, (st) => st.scenes.scene_trends.scan({ range }).then((r) => r.map((x) => x.day))));
    // Nullable text range with null / value bounds, paged by a nullable order.
    for (const st of [s.mem, s.pg])
      await st.talent.talent_radar_artists.upsert([
        artist('a1', { scene_slug: null }),
        artist('a2', { scene_slug: 'x' }),
        artist('a3', { scene_slug: null }),
        artist('a4', { scene_slug: 'y' }),
      ]);
    for (const range of [
      { column: 'scene_slug' as const, lte: 'x' },
      { column: 'scene_slug' as const, gte: 'x' },
      { column: 'scene_slug' as const, lte: null },
      { column: 'scene_slug' as const, gte: null, lte: 'y' },
    ])
      for (const direction of ['asc', 'desc'] as const)
        for (const [offset, limit] of [
          [0, 1],
          [1, 2],
          [2, 9],
        ] as const)
          same(
            await both(s, (st) =>
              st.talent.talent_radar_artists
                .scan({ range, orderBy: { column: 'scene_slug', direction }, offset, limit })
                .then((r) => r.map((x) => x.artist_slug)),
            ),
          );
  });
});

describe('review 18: text range bounds in code point order', () => {
  it('guard: bounds between U+E000..U+FFFF and astral characters select the same rows in both stores', async () => {
    const s = await pair();
    const names = ['\uE000', '\u{1F600}', '\uFFFF', 'z', '\u00E9', '\u{10FFFF}'];
    for (const st of [s.mem, s.pg])
      await st.scenes.scenes.upsert(names.map((name, i) => scene(`s${i}`, { name, city: i % 2 ? name : null })));
    for (const column of ['name', 'city'] as const)
      for (const [gte, lte] of [
        ['\uFFFF', '\u{10FFFF}'],
        ['\uE000', '\uFFFF'],
        ['\u{1F600}', undefined],
        [undefined, '\uE000'],
        [null, '\u{1F5FF}'],
      ] as const)
        same(
          await both(s, (st) =>
            st.scenes.scenes
              .scan({ range: { column, gte, lte }, orderBy: { column, direction: 'desc' } })
              .then((r) => r.map((x) => x.slug)),
          ),
        );
  });
});

describe('review 18: count and deleteWhere on columns a scan refuses', () => {
  it('count / deleteWhere filtering an unknown column or a list column answer alike in both stores (memory 0, PostgreSQL RangeError)', async () => {
    const s = await pair();
    for (const st of [s.mem, s.pg])
      await st.scenes.scenes.upsert([scene('a', { microgenres: ['dream-pop'] }), scene('b')]);
    const wheres = [{ nope: 'x' }, { microgenres: ['dream-pop'] }, { microgenres: null }] as unknown as Array<
      Parameters<SceneRadarStores['scenes']['scenes']['count']>[0]
    >;
    for (const where of wheres) {
      same(await both(s, (st) => st.scenes.scenes.count(where)));
      same(await both(s, (st) => st.scenes.scenes.deleteWhere(where)));
    }
    same(await both(s, (st) => st.scenes.scenes.count()));
  });

  it('guard: scan refuses unknown / list columns in where, range and orderBy alike; an undefined filter value is no filter', async () => {
    const s = await pair();
    for (const st of [s.mem, s.pg]) await st.scenes.scenes.upsert([scene('a'), scene('b')]);
    const queries = [
      { where: { nope: 'x' } },
      { where: { microgenres: [] } },
      { orderBy: { column: 'microgenres' } },
      { range: { column: 'nope', gte: 'a' } },
      { range: { column: 'name', gte: 1 } },
      { range: { column: 'updated_at', lte: true } },
      { where: { nope: undefined, microgenres: undefined, city: undefined } },
    ] as unknown as Array<Parameters<SceneRadarStores['scenes']['scenes']['scan']>[0]>;
    for (const q of queries) same(await both(s, (st) => st.scenes.scenes.scan(q)));
    same(await both(s, (st) => st.scenes.scenes.count({ city: undefined, name: undefined })));
  });
});

describe('review 18: a transaction whose callback fails on its own', () => {
  it("rejects with fn's own error (a network code or a 'connect timeout' message from another service), not STORE_UNAVAILABLE", async () => {
    const s = await pair();
    const failures = [
      Object.assign(new Error('the label API refused the connection'), { code: 'ECONNREFUSED' }),
      new Error('connect timeout talking to the label API'),
      Object.assign(new Error('relation "host_audit" does not exist'), { code: '42P01' }),
    ];
    for (const failure of failures) {
      const got = await both(s, (st) =>
        st.scenes.transaction!(async (tx) => {
          await tx.scenes.upsert([scene('in-tx')]);
          throw failure;
        }).catch((e: unknown) => {
          throw e === failure ? Object.assign(new Error('same'), { code: 'FN_ERROR' }) : e;
        }),
      );
      expect(got.mem).toEqual({ error: 'FN_ERROR' });
      expect(got.pg).toEqual(got.mem);
    }
    // Nothing of it was written.
    same(await both(s, (st) => st.scenes.scenes.count()));
  });

  it('the stores of an ended transaction refuse every call, as in memory, not only calls that reach the server', async () => {
    const s = await pair();
    for (const st of [s.mem, s.pg]) await st.scenes.scenes.upsert([scene('a')]);
    const leak = async (st: SceneRadarStores) => {
      let tx: SceneRadarStores['scenes'] | undefined;
      await st.scenes.transaction!(async (t) => {
        tx = t;
      });
      return tx!.scenes;
    };
    const calls: Array<(t: SceneRadarStores['scenes']['scenes']) => Promise<unknown>> = [
      (t) => t.count(),
      (t) => t.upsert([]),
      (t) => t.getMany([]),
      (t) => t.delete([]),
      (t) => t.get({ slug: 'a\u0000' }),
      (t) => t.count({ slug: '\ud800' }),
      (t) => t.deleteWhere({ slug: 'a\u0000' }),
      (t) => t.scan({ where: { slug: 'a\u0000' } }),
    ];
    const mem = await leak(s.mem);
    const pg = await leak(s.pg);
    for (const call of calls) {
      const got = { mem: await outcome(call(mem)), pg: await outcome(call(pg)) };
      expect(got.mem).toEqual({ error: 'Error' });
      same(got);
    }
  });

  it('guard: reads of own writes (count, scan paging, getMany, deleteWhere counts) match memory inside and after a transaction', async () => {
    const s = await pair();
    for (const st of [s.mem, s.pg]) await st.scenes.scenes.upsert([scene('a'), scene('b', { city: 'x' }), scene('c')]);
    const run = (st: SceneRadarStores) =>
      st.scenes.transaction!(async (tx) => {
        const seen: unknown[] = [];
        seen.push('transaction' in tx);
        await tx.scenes.upsert([
          scene('d', { city: 'x' }),
          scene('a', { name: 'first' }),
          scene('a', { name: 'last' }),
        ]);
        seen.push(await tx.scenes.count(), await tx.scenes.count({ city: null }));
        seen.push(await tx.scenes.deleteWhere({ city: 'x' }));
        seen.push(await tx.scenes.delete([{ slug: 'c' }, { slug: 'c' }, { slug: 'zz' }]));
        // A RangeError caught inside fn aborts nothing in either store.
        seen.push(await outcome(tx.scenes.scan({ where: { nope: 1 } as never })));
        seen.push(
          (await tx.scenes.getMany([{ slug: 'a' }, { slug: 'b' }, { slug: 'a' }, { slug: 'd' }])).map((r) => r.name),
        );
        seen.push(
          (await tx.scenes.scan({ orderBy: { column: 'city', direction: 'desc' }, offset: 0, limit: 5 })).map(
            (r) => r.slug,
          ),
        );
        return seen;
      }).then(async (seen) => [seen, (await st.scenes.scenes.scan()).map((r) => `${r.slug}:${r.name}:${r.city}`)]);
    same(await both(s, run));
  });
});

describe('review 18: keys, batches and values (guards)', () => {
  it('guard: getMany with duplicate, missing and unmatchable keys, in the order asked; delete counts duplicates once', async () => {
    const s = await pair();
    const rows = [member('s1', 'a'), member('s1', 'b'), member('s2', 'a')];
    for (const st of [s.mem, s.pg]) await st.scenes.scene_memberships.upsert(rows);
    const keys = [
      { scene_slug: 's2', artist_slug: 'a' },
      { scene_slug: 's1', artist_slug: 'zz' },
      { scene_slug: 's1', artist_slug: 'a' },
      { scene_slug: 's2', artist_slug: 'a' },
      { scene_slug: 's1\u0000', artist_slug: 'a' },
      { scene_slug: '\ud800', artist_slug: 'a' },
      { scene_slug: 's1', artist_slug: undefined as unknown as string },
    ];
    same(
      await both(s, (st) =>
        st.scenes.scene_memberships.getMany(keys).then((r) => r.map((x) => `${x.scene_slug}/${x.artist_slug}`)),
      ),
    );
    same(await both(s, (st) => st.scenes.scene_memberships.delete([keys[0]!, keys[3]!, keys[1]!])));
    same(await both(s, (st) => st.scenes.scene_memberships.count()));
  });

  it('guard: a key twice in one upsert batch keeps the last row; integer keys order by value (shard 2 < 9 < 10), -0 names shard 0', async () => {
    const s = await pair();
    const rows = [
      shard('r1', 10, { artist_count: 1 }),
      shard('r1', 9),
      shard('r1', 2),
      shard('r1', 10, { artist_count: 7 }),
      shard('r0', 0, { artist_count: 3 }),
      shard('r0', -0, { artist_count: 4 }),
    ];
    for (const st of [s.mem, s.pg]) await st.talent.talent_radar_refresh_shards.upsert(rows);
    const t = (st: SceneRadarStores) => st.talent.talent_radar_refresh_shards;
    same(
      await both(s, (st) =>
        t(st)
          .scan()
          .then((r) => r.map((x) => `${x.refresh_id}/${x.shard}:${x.artist_count}`)),
      ),
    );
    same(
      await both(s, (st) =>
        t(st)
          .scan({ orderBy: { column: 'artist_count', direction: 'desc' }, offset: 1, limit: 2 })
          .then((r) => r.map((x) => `${x.refresh_id}/${x.shard}`)),
      ),
    );
    same(
      await both(s, (st) =>
        t(st)
          .get({ refresh_id: 'r0', shard: -0 })
          .then((r) => r?.artist_count),
      ),
    );
    same(await both(s, (st) => t(st).count({ shard: -0 })));
    same(await both(s, (st) => t(st).count({ shard: 2 ** 53 })));
  });

  it('guard: float equality on -0, 5e-324, 1e-300 and count agrees with scan for each filter', async () => {
    const s = await pair();
    const rows = [
      trend('2026-01-01', { growth: -0 }),
      trend('2026-01-02', { growth: 0 }),
      trend('2026-01-03', { growth: 5e-324 }),
      trend('2026-01-04', { growth: 1e-300 }),
      trend('2026-01-05', { growth: 0.30000000000000004 }),
    ];
    for (const st of [s.mem, s.pg]) await st.scenes.scene_trends.upsert(rows);
    for (const growth of [0, -0, 5e-324, 1e-300, 0.1 + 0.2, 0.3, Number.NaN, Number.POSITIVE_INFINITY]) {
      same(await both(s, (st) => st.scenes.scene_trends.scan({ where: { growth } }).then((r) => r.map((x) => x.day))));
      same(await both(s, (st) => st.scenes.scene_trends.count({ growth })));
    }
    same(await both(s, (st) => st.scenes.scene_trends.deleteWhere({ growth: -0 })));
    same(
      await both(s, (st) => st.scenes.scene_trends.scan().then((r) => r.map((x) => [x.day, Object.is(x.growth, -0)]))),
    );
  });

  it('guard: lists (empty, empty strings, NULL-like and quoting elements, order kept) and a 2 MB text read back as in memory', async () => {
    const s = await pair();
    const reasons = [
      '',
      ' ',
      'NULL',
      'null',
      '{}',
      '{a,b}',
      '"',
      '\\',
      '\\"',
      'a,b',
      ' lead',
      'trail ',
      '\n',
      '\u{1F600}',
    ];
    const rows = [
      member('s1', 'a', { reasons, microgenres: ['z-pop', 'a-pop', 'm-pop'] }),
      member('s1', 'b', { reasons: [], microgenres: [] }),
      member('s1', 'c', { reasons: [''], microgenres: ['a-pop', 'a-pop'] }),
    ];
    for (const st of [s.mem, s.pg]) await st.scenes.scene_memberships.upsert(rows);
    same(await both(s, (st) => st.scenes.scene_memberships.scan()));
    const features = `["${'x\u{1F600}"\\,{}'.repeat(200_000)}"]`;
    for (const st of [s.mem, s.pg]) await st.talent.talent_radar_refresh_shards.upsert([shard('big', 0, { features })]);
    const got = await both(s, (st) =>
      st.talent.talent_radar_refresh_shards.get({ refresh_id: 'big', shard: 0 }).then((r) => r?.features === features),
    );
    expect(got.mem).toEqual({ value: 'true' });
    same(got);
  });
  it('guard: the per-artist (columnar) tables page a nullable order with small limits, count nulls and ignore a bogus direction as PostgreSQL does', async () => {
    const s = await pair();
    const rows = Array.from({ length: 12 }, (_, i) =>
      artist(`a${String(i).padStart(2, '0')}`, {
        scene_slug: i % 3 === 0 ? null : `s${i % 4}`,
        momentum: i % 2 ? 0 : -0,
        microgenres: i % 2 ? ['b-pop', 'a-pop'] : [],
      }),
    );
    for (const st of [s.mem, s.pg]) await st.talent.talent_radar_artists.upsert(rows);
    const t = (st: SceneRadarStores) => st.talent.talent_radar_artists;
    for (const column of ['scene_slug', 'momentum', 'artist_slug'] as const)
      for (const direction of ['asc', 'desc', 'DESC' as 'desc'] as const)
        for (const [offset, limit] of [
          [0, 1],
          [1, 1],
          [0, 3],
          [10, 5],
        ] as const)
          same(
            await both(s, (st) =>
              t(st)
                .scan({ orderBy: { column, direction }, offset, limit })
                .then((r) => r.map((x) => `${x.artist_slug}:${x.scene_slug}:${Object.is(x.momentum, -0)}`)),
            ),
          );
    for (const where of [
      { scene_slug: null },
      { scene_slug: 's1' },
      { momentum: -0 },
      { momentum: 0, scene_slug: null },
    ]) {
      same(await both(s, (st) => t(st).count(where)));
      same(
        await both(s, (st) =>
          t(st)
            .scan({ where })
            .then((r) => r.map((x) => x.artist_slug)),
        ),
      );
    }
    same(await both(s, (st) => t(st).scan({ where: { scene_slug: 's2' } })));
    same(await both(s, (st) => t(st).deleteWhere({ scene_slug: null })));
    same(await both(s, (st) => t(st).count()));
  });
});

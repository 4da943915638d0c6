/**
 * The store conformance suites of `scene-radar/testing` over PostgreSQL (the local server, a fresh
 * schema for this file), the same ones the in-memory stores pass; then what the suites do not pin
 * down: rows read back byte for byte as the in-memory store returns them, scans that match the
 * in-memory store's order, paging and null rules on random queries, batches split across
 * statements (atomic, last row per key wins), and the migration's columns against the row schemas.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  memoryScenesStores,
  memoryTable,
  memoryTalentStores,
  SCENES_TABLES,
  type ScanQuery,
  type SceneTrendRow,
  TALENT_TABLES,
  type Table,
  type TableSpec,
  type TalentArtistRow,
  type TalentSceneRow,
} from 'scene-radar/stores';
import { createSceneRadar, fixedClock } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createPostgresStores, migrate, type PostgresStores } from 'scene-radar/adapters/postgres';
import {
  OWNED_TABLE_NAMES,
  type OwnedTableRows,
  registerContractSuite,
  STAGING_TABLE_NAMES,
  sampleRowsFor,
  storesContractSuite,
  tableContractSuite,
} from 'scene-radar/testing';
import { columnsOf } from '../../adapters/postgres/columns.js';
import { postgresTable, type TableContext } from '../../adapters/postgres/table.js';
import { type TestDatabase, testDatabase } from '../helpers/postgres.js';

const SPECS = { ...SCENES_TABLES, ...TALENT_TABLES };
type AnyOwnedRow = OwnedTableRows[keyof OwnedTableRows];

let db: TestDatabase;
let schema: string;
let stores: PostgresStores;

// Set up by the first test and awaited by every test, so each one FAILS (never skips) with the
// reason when the server cannot be reached.
let setup: Promise<void> | undefined;
const connected = (): Promise<void> =>
  (setup ??= (async () => {
    db = await testDatabase();
    schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    stores = createPostgresStores({ pool: db.pool }, { schema });
    await stores.ready();
  })());
afterAll(async () => {
  await setup?.catch(() => undefined);
  await stores?.close();
  await db?.drop();
});

const tableOf = (name: keyof typeof SPECS): Table<AnyOwnedRow> =>
  ((stores.scenes as unknown as Record<string, unknown>)[name] ??
    (stores.talent as unknown as Record<string, unknown>)[name]) as Table<AnyOwnedRow>;

/** Empties tables in one round trip (cheaper than a schema per case). */
const empty = async (names: readonly string[]): Promise<void> => {
  await connected();
  await db.pool.query(names.map((n) => `DELETE FROM "${schema}"."${n}";`).join(' '));
};

const runner = { describe, it };
registerContractSuite(
  'postgres stores',
  storesContractSuite({
    create: async () => {
      await empty([...OWNED_TABLE_NAMES, ...STAGING_TABLE_NAMES]);
      return stores;
    },
  }),
  runner,
);
describe('the postgres stores offer transactions', () => {
  it('on both store sets, so the transaction cases of the stores suite run', async () => {
    await connected();
    expect(typeof stores.scenes.transaction).toBe('function');
    expect(typeof stores.talent.transaction).toBe('function');
    expect(Object.keys(stores.talent)).toEqual(Object.keys(TALENT_TABLES));
  });
});
for (const name of OWNED_TABLE_NAMES) {
  const spec = SPECS[name] as unknown as TableSpec<AnyOwnedRow>;
  registerContractSuite(
    `postgres table ${name}`,
    tableContractSuite(spec, {
      create: async () => {
        await empty([name]);
        return tableOf(name);
      },
      sampleRows: (n) => sampleRowsFor(name, n, 7),
    }),
    runner,
  );
}

/** Rows as a host would serialise them: key order and every digit count. */
const json = (rows: unknown): string => JSON.stringify(rows);

describe('postgres tables read back exactly what the in-memory store returns', () => {
  it('instants with offsets and fractions, days, big integers, floats, nulls, odd strings, nested objects', async () => {
    await empty(['scene_trends', 'talent_radar_artists', 'talent_radar_scenes', 'scene_memberships']);
    const trend: SceneTrendRow = {
      scene_slug: 'indie-uk-brighton',
      day: '2025-02-28',
      heat: 0.1 + 0.2,
      growth: -1e-300,
      stage: 'growing',
      active_members: 2 ** 40,
      new_members: Number.MAX_SAFE_INTEGER,
      rising_members: 0,
      as_of: '2025-02-28T23:59:59.123456789+05:30',
    };
    const artist: TalentArtistRow = {
      ...sampleRowsFor('talent_radar_artists', 1, 3)[0]!,
      scene_slug: null,
      microgenres: [],
      coverage_velocity: 123456.789e10,
      metadata: { migCentrality: 0.5, tastemakerConnections: 12, sceneConfidence: 1 / 3, campaignCount: 0 },
      as_of: '2025-03-01T00:00:00Z',
      model_version: 'v1 "quoted" \\ back\\slash, {braces} é 🎧',
    };
    const scene: TalentSceneRow = { ...sampleRowsFor('talent_radar_scenes', 1, 3)[0]!, heat: null };
    const membership = {
      ...sampleRowsFor('scene_memberships', 1, 3)[0]!,
      reasons: ['', 'a "quoted", {braced} reason', 'NULL', 'null', 'back\\slash', 'ünï 🎧', '  spaced  '],
    };
    const memory = {
      trend: memoryTable(SCENES_TABLES.scene_trends),
      artist: memoryTable(TALENT_TABLES.talent_radar_artists),
      scene: memoryTable(TALENT_TABLES.talent_radar_scenes),
      membership: memoryTable(SCENES_TABLES.scene_memberships),
    };
    await Promise.all([
      memory.trend.upsert([trend]),
      memory.artist.upsert([artist]),
      memory.scene.upsert([scene]),
      memory.membership.upsert([membership]),
      stores.scenes.scene_trends.upsert([trend]),
      stores.talent.talent_radar_artists.upsert([artist]),
      stores.talent.talent_radar_scenes.upsert([scene]),
      stores.scenes.scene_memberships.upsert([membership]),
    ]);
    expect(json(await stores.scenes.scene_trends.scan())).toBe(json(await memory.trend.scan()));
    expect(json(await stores.talent.talent_radar_artists.scan())).toBe(json(await memory.artist.scan()));
    expect(json(await stores.talent.talent_radar_scenes.scan())).toBe(json(await memory.scene.scan()));
    expect(json(await stores.scenes.scene_memberships.scan())).toBe(json(await memory.membership.scan()));
    const [read] = await stores.talent.talent_radar_artists.scan();
    expect(Object.isFrozen(read) && Object.isFrozen(read!.metadata) && Object.isFrozen(read!.microgenres)).toBe(true);
  });

  it('getMany returns a key asked twice twice, in the order asked, as memory does', async () => {
    await empty(['scene_trends']);
    const rows = sampleRowsFor('scene_trends', 4, 5);
    const memory = memoryTable(SCENES_TABLES.scene_trends);
    await memory.upsert(rows);
    await stores.scenes.scene_trends.upsert(rows);
    const keys = [rows[3]!, rows[0]!, rows[3]!, { scene_slug: 'absent', day: '2020-01-01' }, rows[1]!].map((r) => ({
      scene_slug: r.scene_slug,
      day: r.day,
    }));
    expect(json(await stores.scenes.scene_trends.getMany(keys))).toBe(json(await memory.getMany(keys)));
    expect(await stores.scenes.scene_trends.delete([...keys, ...keys])).toBe(await memory.delete([...keys, ...keys]));
  });
});

describe('postgres scans match the in-memory store on random queries', () => {
  const days = ['2025-01-01', '2025-01-02', '2025-01-03', '2025-01-10'];
  const slugs = ['a-scene', 'b-scene', 'c-scene'];
  const scalarFor = (name: string): fc.Arbitrary<string | number | null> =>
    name === 'heat'
      ? fc.constantFrom(null, 0, 10, 55.5, 100)
      : name === 'scene_slug'
        ? fc.constantFrom(...slugs)
        : name === 'day'
          ? fc.constantFrom(...days)
          : fc.constantFrom(0, 1, 2, 3);
  const queryFor = (columns: readonly string[]): fc.Arbitrary<ScanQuery<Record<string, unknown>>> =>
    fc.record(
      {
        where: fc.option(
          fc.constantFrom(...columns).chain((c) => scalarFor(c).map((v) => ({ [c]: v }))),
          { nil: undefined },
        ),
        range: fc.option(
          fc
            .constantFrom(...columns)
            .chain((column) =>
              fc.record(
                { column: fc.constant(column), gte: scalarFor(column), lte: scalarFor(column) },
                { requiredKeys: ['column'] },
              ),
            ),
          { nil: undefined },
        ),
        orderBy: fc.option(
          fc.record({
            column: fc.constantFrom(...columns),
            direction: fc.constantFrom('asc' as const, 'desc' as const),
          }),
          { nil: undefined },
        ),
        offset: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
        limit: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
      },
      { requiredKeys: [] },
    ) as fc.Arbitrary<ScanQuery<Record<string, unknown>>>;

  it('talent_radar_scenes (a nullable number: null first ascending, last descending, in or out of a range)', async () => {
    await empty(['talent_radar_scenes']);
    const rows = sampleRowsFor('talent_radar_scenes', 14, 11).map((r, i) => ({
      ...r,
      scene_slug: `s-${String(i % 7)}-${i}`,
      artist_count: i % 4,
      heat: [null, 0, 10, 55.5, 100][i % 5]!,
    }));
    const memory = memoryTable(TALENT_TABLES.talent_radar_scenes);
    await memory.upsert(rows);
    await stores.talent.talent_radar_scenes.upsert(rows);
    const pgTable = stores.talent.talent_radar_scenes as unknown as Table<Record<string, unknown>>;
    const memTable = memory as unknown as Table<Record<string, unknown>>;
    await fc.assert(
      fc.asyncProperty(queryFor(['heat', 'artist_count']), async (q) => {
        expect(json(await pgTable.scan(q))).toBe(json(await memTable.scan(q)));
        expect(await pgTable.count(q.where)).toBe(await memTable.count(q.where));
      }),
      { numRuns: 60, seed: 14 },
    );
  });

  it('scene_trends (a two-column key, days, strings)', async () => {
    await empty(['scene_trends']);
    const rows = slugs.flatMap((scene_slug, j) =>
      days.map((day, i) => ({
        ...sampleRowsFor('scene_trends', 1, i + j)[0]!,
        scene_slug,
        day,
        active_members: i % 3,
      })),
    );
    const memory = memoryTable(SCENES_TABLES.scene_trends);
    await memory.upsert(rows);
    await stores.scenes.scene_trends.upsert(rows);
    const pgTable = stores.scenes.scene_trends as unknown as Table<Record<string, unknown>>;
    const memTable = memory as unknown as Table<Record<string, unknown>>;
    await fc.assert(
      fc.asyncProperty(queryFor(['scene_slug', 'day', 'active_members']), async (q) => {
        expect(json(await pgTable.scan(q))).toBe(json(await memTable.scan(q)));
      }),
      { numRuns: 60, seed: 15 },
    );
  });

  it('serves a scene history (equality, day range, order, limit) from an index, with no sort', async () => {
    await connected();
    const client = await db.pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const captured: string[] = [];
      const ctx: TableContext = {
        schema,
        query: async (text, values) => {
          captured.push(text);
          const plan = await client.query(`EXPLAIN ${text}`, values);
          captured.push(plan.rows.map((r) => String(r['QUERY PLAN'])).join('\n'));
          return { rows: [], rowCount: 0 };
        },
        transaction: (fn) => fn(client),
      };
      await postgresTable(SCENES_TABLES.scene_trends, ctx).scan({
        where: { scene_slug: 'a-scene' },
        range: { column: 'day', gte: '2025-01-02' },
        orderBy: { column: 'day', direction: 'desc' },
        limit: 30,
      });
      const plan = captured[1]!;
      expect(plan).toMatch(/Index (Only )?Scan/);
      expect(plan).not.toMatch(/Sort/);
    } finally {
      client.release();
    }
  });
});

describe('postgres upserts split across statements', () => {
  const ctxOf = (): TableContext => ({
    schema,
    query: (text, values) => db.pool.query(text, values),
    async transaction(fn) {
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(client);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      } finally {
        client.release();
      }
    },
  });

  it('write every chunk, keep the last row of a repeated key, and roll back all chunks when one fails', async () => {
    await empty(['scene_memberships']);
    // 11 columns, 33 parameters a statement: 3 rows a statement.
    const table = postgresTable(SCENES_TABLES.scene_memberships, ctxOf(), { maxParameters: 33 });
    const rows = sampleRowsFor('scene_memberships', 10, 2);
    const replaced = { ...rows[0]!, confidence: 0.123 };
    await table.upsert([...rows, replaced]);
    expect(await table.count()).toBe(10);
    expect((await table.get({ scene_slug: rows[0]!.scene_slug, artist_slug: rows[0]!.artist_slug }))?.confidence).toBe(
      0.123,
    );
    // A NUL character passes the row schema but not PostgreSQL's text: the last chunk fails.
    const more = sampleRowsFor('scene_memberships', 20, 9).slice(10);
    const bad = { ...more[9]!, reasons: ['a\u0000b'] };
    await expect(table.upsert([...more.slice(0, 9), bad])).rejects.toThrow();
    expect(await table.count()).toBe(10);
  });
});

describe('the migration builds every owned table as the row schemas say', () => {
  it('columns (order, type, nullability, "C" collation), primary keys and an index led by each indexed column', async () => {
    await connected();
    const { rows: cols } = await db.pool.query(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, collation_name
         FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
      [schema],
    );
    const { rows: indexes } = await db.pool.query(
      `SELECT t.relname AS table_name, i.indisprimary AS primary,
              array(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n) AS columns
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace s ON s.oid = t.relnamespace
        WHERE s.nspname = $1`,
      [schema],
    );
    const typeName = (r: Record<string, unknown>): string =>
      r.data_type === 'ARRAY' ? `${String(r.udt_name).slice(1)}[]` : String(r.data_type);
    const SQL: Record<string, string> = {
      text: 'text',
      int: 'bigint',
      float: 'double precision',
      bool: 'boolean',
      'text[]': 'text[]',
      jsonb: 'jsonb',
    };
    for (const spec of Object.values(SPECS) as unknown as TableSpec<AnyOwnedRow>[]) {
      const actual = cols
        .filter((r) => r.table_name === spec.name)
        .map(
          (r) =>
            `${r.column_name} ${typeName(r)}${r.is_nullable === 'YES' ? ' null' : ''}${r.collation_name ? ` ${r.collation_name}` : ''}`,
        );
      const wanted = columnsOf(spec).map(
        (c) => `${c.name} ${SQL[c.kind]}${c.nullable ? ' null' : ''}${c.kind === 'text' ? ' C' : ''}`,
      );
      expect(actual, spec.name).toEqual(wanted);
      const own = indexes.filter((r) => r.table_name === spec.name) as Array<{ primary: boolean; columns: string[] }>;
      expect(own.find((i) => i.primary)?.columns, `${spec.name} primary key`).toEqual([...spec.key]);
      for (const column of spec.indexes)
        expect(
          own.some((i) => i.columns[0] === column),
          `${spec.name}: an index led by ${column}`,
        ).toBe(true);
    }
  });
});

describe('a radar on the postgres stores', () => {
  it('refreshes to the same tables, row for row, as on the in-memory stores', async () => {
    await empty(OWNED_TABLE_NAMES);
    const world = createDemoWorld({ seed: 5, artists: 80, scenes: 6, end: '2026-11-24' });
    const clock = fixedClock(new Date('2026-11-25T00:00:00.000Z'));
    const memoryStores = { scenes: memoryScenesStores(), talent: memoryTalentStores() };
    const inMemory = createSceneRadar({ sources: world.sources, stores: memoryStores, clock });
    const onPostgres = createSceneRadar({ sources: world.sources, stores, clock });
    try {
      for (const radar of [inMemory, onPostgres]) {
        await radar.scenes.importCatalog(world.catalog);
        await radar.refresh();
      }
      for (const name of OWNED_TABLE_NAMES) {
        const group = name in SCENES_TABLES ? 'scenes' : 'talent';
        const mem = (memoryStores[group] as unknown as Record<string, Table<AnyOwnedRow>>)[name]!;
        if (name === 'talent_radar_state') {
          // The refresh's id is random; jsonb keeps an object's keys in its own order.
          const withoutId = (rows: readonly AnyOwnedRow[]): unknown =>
            rows.map((r) => ({ ...r, value: { ...(r as { value: object }).value, id: 'refresh' } }));
          expect(withoutId(await tableOf(name).scan()), name).toEqual(withoutId(await mem.scan()));
        } else expect(json(await tableOf(name).scan()), name).toBe(json(await mem.scan()));
      }
      const slug = world.catalog.scenes[0]!.slug;
      expect(json(await onPostgres.scenes.pulse.getScenePulse(slug))).toBe(
        json(await inMemory.scenes.pulse.getScenePulse(slug)),
      );
      for (const name of ['scenes', 'scene_memberships', 'scene_trends', 'talent_radar_artists'] as const)
        expect(await tableOf(name).count(), name).toBeGreaterThan(0);
    } finally {
      await Promise.all([inMemory.close(), onPostgres.close()]);
    }
  });
});

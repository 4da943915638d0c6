/**
 * Hostile review of the in-memory stores and of the table contract suite: faults reproduced by a
 * run (a staged scan that crashed, a key order unlike PostgreSQL's), and broken stores the suite
 * used to pass.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock } from 'scene-radar';
import {
  createMemoryStores,
  memoryScenesStores,
  memoryTable,
  memoryTalentStores,
  SCENES_TABLES,
  TALENT_TABLES,
} from 'scene-radar/stores';
import { sampleRowsFor, tableContractSuite } from 'scene-radar/testing';
import { compareIds } from '../../src/stores/memory-core.js';
import { stageStores } from '../../src/stores/staged.js';
import type { Table, TableSpec } from '../../src/stores/table.js';

const at = '2026-01-01T00:00:00.000Z';
const membership = (scene: string, artist: string) => ({
  scene_slug: scene,
  artist_slug: artist,
  confidence: 0.5,
  sound: 0.1,
  place: 0.2,
  people: 0.3,
  microgenres: ['indie-pop'],
  reasons: ['shared tastemakers'],
  joined_at: at,
  as_of: at,
  updated_at: at,
});
const shard = (n: number) => ({
  refresh_id: 'r-1',
  shard: n,
  as_of: at,
  artist_count: 1,
  features: '[]',
  updated_at: at,
});

describe('a staged scan with a limit after most live rows were deleted in the stage', () => {
  const seeded = async () => {
    const stores = memoryScenesStores();
    const rows = Array.from({ length: 100 }, (_, i) =>
      membership(i < 95 ? 'scene-a' : 'scene-b', `artist-${String(i).padStart(3, '0')}`),
    );
    await stores.scene_memberships.upsert(rows);
    return { stores, rows };
  };

  it('returns the rows left (it threw "Cannot read properties of undefined")', async () => {
    const { stores } = await seeded();
    const seen = await stores.transaction!(async (tx) => {
      await tx.scene_memberships.deleteWhere({ scene_slug: 'scene-a' });
      return {
        first: (await tx.scene_memberships.scan({ limit: 10 })).map((r) => r.artist_slug),
        paged: (await tx.scene_memberships.scan({ offset: 3, limit: 5 })).map((r) => r.artist_slug),
        ordered: (await tx.scene_memberships.scan({ limit: 10, orderBy: { column: 'confidence', direction: 'desc' } }))
          .length,
      };
    });
    expect(seen).toEqual({
      first: ['artist-095', 'artist-096', 'artist-097', 'artist-098', 'artist-099'],
      paged: ['artist-098', 'artist-099'],
      ordered: 5,
    });
  });

  it('also through stageStores after a delete by key', async () => {
    const { stores, rows } = await seeded();
    const stage = stageStores(stores);
    await stage.stores.scene_memberships.delete(
      rows.slice(0, 95).map((r) => ({ scene_slug: r.scene_slug, artist_slug: r.artist_slug })),
    );
    expect(await stage.stores.scene_memberships.scan({ limit: 12 })).toHaveLength(5);
    expect(await stage.stores.scene_memberships.scan({ offset: 5, limit: 12 })).toEqual([]);
  });
});

describe('scans without orderBy, and ties, go by the key columns as PostgreSQL orders them', () => {
  it('a numeric key column orders numerically (shard 9 before shard 10)', async () => {
    const stores = memoryTalentStores();
    await stores.talent_radar_refresh_shards.upsert([9, 10, 2, 100].map(shard));
    const shards = async (q = {}) => (await stores.talent_radar_refresh_shards.scan(q)).map((r) => r.shard);
    expect(await shards()).toEqual([2, 9, 10, 100]);
    expect(await shards({ orderBy: { column: 'as_of' } })).toEqual([2, 9, 10, 100]);
    expect(await shards({ limit: 2 })).toEqual([2, 9]);
    const staged = await stores.transaction!(async (tx) => {
      await tx.talent_radar_refresh_shards.upsert([shard(1)]);
      return (await tx.talent_radar_refresh_shards.scan()).map((r) => r.shard);
    });
    expect(staged).toEqual([1, 2, 9, 10, 100]);
  });

  it('compareIds orders number and string columns by value (not by the JSON text), as a total order', () => {
    const values = ['', 'a', 'a b', 'a!', 'a"', 'a\\', 'ab', 'é', 0, 9, 10, -1, 2.5, 1e21];
    const ids = values.flatMap((x) => [0, 10, 9].map((n) => JSON.stringify([x, n])));
    const sorted = [...ids].sort(compareIds);
    for (let i = 1; i < sorted.length; i++) {
      const [[x0, n0], [x1, n1]] = [JSON.parse(sorted[i - 1]!), JSON.parse(sorted[i]!)];
      if (x0 === x1) expect(n0 < n1, `${sorted[i - 1]} before ${sorted[i]}`).toBe(true);
      else if (typeof x0 === typeof x1) expect(x0 < x1, `${sorted[i - 1]} before ${sorted[i]}`).toBe(true);
      else expect(JSON.stringify(x0) < JSON.stringify(x1)).toBe(true);
    }
    for (const a of ids) for (const b of ids) expect(Math.sign(compareIds(a, b)) + Math.sign(compareIds(b, a))).toBe(0);
  });
});

/** A memory table with some of its methods replaced. */
function broken<Row>(
  spec: TableSpec<Row, never>,
  change: (t: Table<Row, never>) => Partial<Table<Row, never>>,
): Table<Row, never> {
  const t = memoryTable(spec);
  return { ...t, ...change(t) };
}

/** The names and messages of the cases a table fails. */
async function failures(spec: TableSpec<never, never>, name: string, create: () => Table<never, never>) {
  const out: string[] = [];
  const cases = tableContractSuite(spec, {
    create,
    sampleRows: (n) => sampleRowsFor(name as 'scenes', n) as never[],
  });
  for (const c of cases) await c.run().catch((e: Error) => out.push(`${c.name}: ${e.message}`));
  return out;
}

describe('the table suite fails broken stores it used to pass', () => {
  const scenes = SCENES_TABLES.scenes as unknown as TableSpec<never, never>;
  const shards = TALENT_TABLES.talent_radar_refresh_shards as unknown as TableSpec<never, never>;

  it('passes the memory tables', async () => {
    expect(await failures(scenes, 'scenes', () => memoryTable(scenes))).toEqual([]);
    expect(await failures(shards, 'talent_radar_refresh_shards', () => memoryTable(shards))).toEqual([]);
  });

  it('a store ordering ties against the primary key', async () => {
    const out = await failures(scenes, 'scenes', () =>
      broken(scenes, (t) => ({
        async scan(q = {}) {
          const rows = [...(await t.scan(q))];
          const column = q.orderBy?.column as string | undefined;
          if (!column) return rows;
          const value = (r: unknown) => (r as Record<string, unknown>)[column];
          const out: typeof rows = [];
          for (let i = 0; i < rows.length; ) {
            let j = i;
            while (j < rows.length && value(rows[j]) === value(rows[i])) j++;
            out.push(...rows.slice(i, j).reverse());
            i = j;
          }
          return out;
        },
      })),
    );
    expect(out.join('\n')).toMatch(/order rows with equal region by primary key/);
  });

  it('a store ordering keys by their JSON text (shard 10 before 9)', async () => {
    const out = await failures(shards, 'talent_radar_refresh_shards', () =>
      broken(shards, (t) => ({
        async scan(q = {}) {
          if (q.orderBy || q.limit || q.offset) return t.scan(q);
          const id = (r: unknown) =>
            JSON.stringify([(r as { refresh_id: string }).refresh_id, (r as { shard: number }).shard]);
          return [...(await t.scan(q))].sort((a, b) => (id(a) < id(b) ? -1 : 1));
        },
      })),
    );
    expect(out.join('\n')).toMatch(/order rows by primary key \(column by column\) without orderBy/);
  });

  it('a store ignoring a null filter, and one ordering nulls last ascending', async () => {
    const ignoresNull = await failures(scenes, 'scenes', () =>
      broken(scenes, (t) => ({
        scan: (q = {}) => t.scan({ ...q, where: undefined }),
      })),
    );
    expect(ignoresNull.join('\n')).toMatch(/scan rows where city is null/);
    const nullsLast = await failures(scenes, 'scenes', () =>
      broken(scenes, (t) => ({
        async scan(q = {}) {
          const rows = [...(await t.scan(q))];
          const column = q.orderBy?.column as string | undefined;
          if (!column || q.orderBy?.direction === 'desc') return rows;
          const isNull = (r: unknown) => (r as Record<string, unknown>)[column] === null;
          return [...rows.filter((r) => !isNull(r)), ...rows.filter(isNull)];
        },
      })),
    );
    expect(nullsLast.join('\n')).toMatch(/order null city first ascending/);
  });

  it('a store keeping the first row of a batch that gives a key twice', async () => {
    const out = await failures(scenes, 'scenes', () =>
      broken(scenes, (t) => ({
        upsert(rows) {
          const seen = new Map<string, unknown>();
          for (const r of rows) if (!seen.has((r as { slug: string }).slug)) seen.set((r as { slug: string }).slug, r);
          return t.upsert([...seen.values()] as never[]);
        },
      })),
    );
    expect(out.join('\n')).toMatch(/keep the last row of a batch that gives a key twice/);
  });
});

describe('JSON values the SQL stores cannot hold', () => {
  // Regression (found by the hostile review of the PostgreSQL adapter): PostgreSQL's jsonb refuses
  // a NUL or a lone surrogate in a string or a key, and now says so; the memory stores kept such a
  // value, so a radar on memory accepted what the same radar on PostgreSQL refused.
  it('talent_radar_state refuses a NUL or a lone surrogate anywhere in its JSON value, in memory too', async () => {
    const { talent } = createMemoryStores();
    const row = (value: Record<string, unknown>) => ({ name: 'x', value, updated_at: '2026-11-25T00:00:00.000Z' });
    for (const value of [{ a: 'b\u0000c' }, { list: [1, { deep: 'x\ud800' }] }, { ['k\u0000']: 1 }]) {
      await expect(talent.talent_radar_state.upsert([row(value) as never])).rejects.toThrow(
        /well-formed Unicode text without NUL characters/,
      );
    }
    expect(await talent.talent_radar_state.count()).toBe(0);
    await talent.talent_radar_state.upsert([row({ a: 'fine', n: [1, 'é', '😀'] }) as never]);
    expect(await talent.talent_radar_state.count()).toBe(1);
  });

  it('setBreakoutModel refuses an event with a NUL as TALENT_VALIDATION_ERROR, before anything is stored', async () => {
    const radar = createSceneRadar({ sources: {}, clock: fixedClock(new Date('2026-11-25T00:00:00.000Z')) });
    try {
      const model = radar.talent.breakoutModel();
      await expect(radar.talent.setBreakoutModel({ ...model, event: 'a\u0000b' })).rejects.toMatchObject({
        code: 'TALENT_VALIDATION_ERROR',
        details: [expect.objectContaining({ path: ['event'] })],
      });
      expect(await radar.talent.appliedBreakoutModel()).toBeNull();
    } finally {
      await radar.close();
    }
  });
});

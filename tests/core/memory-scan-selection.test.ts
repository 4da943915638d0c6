/**
 * The in-memory tables select a small page (`limit: 1`, 20 of a catalog) without sorting every
 * match, and count without collecting: both must give exactly what a full sort and a collected
 * count give, for any rows and any query, on a table and on staged writes over it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { memoryTable, type ScanQuery, type Table, type TableSpec } from 'scene-radar/stores';
import { memoryStoreSet, stageStores } from '../../src/stores/staged.js';

interface Row {
  id: string;
  group: string | null;
  score: number | null;
  name: string;
}
const spec: TableSpec<Row, 'id'> = {
  name: 'selection_rows',
  schema: z.object({ id: z.string(), group: z.string().nullable(), score: z.number().nullable(), name: z.string() }),
  key: ['id'],
  indexes: ['group'],
};

/** Two strings by code point, as PostgreSQL's `COLLATE "C"` orders them. */
function byCodePoint(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < x.length && i < y.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length;
}

/**
 * The order of a scan: a full sort by the column (null and absent first, equal), then the key's
 * value (text by code point, since 2026-12-05; the id's JSON text before).
 */
function reference(rows: readonly Row[], q: ScanQuery<Row>): Row[] {
  const cmp = (a: unknown, b: unknown): number =>
    a === b
      ? 0
      : a === null || a === undefined
        ? b === null || b === undefined
          ? 0
          : -1
        : b === null || b === undefined
          ? 1
          : typeof a === 'string' && typeof b === 'string'
            ? byCodePoint(a, b)
            : (a as never) < (b as never)
              ? -1
              : 1;
  const idOf = (r: Row): string => r.id;
  const match = rows.filter(
    (r) =>
      Object.entries(q.where ?? {}).every(([c, v]) => v === undefined || r[c as keyof Row] === v) &&
      (!q.range ||
        ((q.range.gte === undefined || cmp(r[q.range.column as keyof Row], q.range.gte) >= 0) &&
          (q.range.lte === undefined || cmp(r[q.range.column as keyof Row], q.range.lte) <= 0))),
  );
  const dir = q.orderBy?.direction === 'desc' ? -1 : 1;
  match.sort(
    (a, b) =>
      (q.orderBy ? dir * cmp(a[q.orderBy.column as keyof Row], b[q.orderBy.column as keyof Row]) : 0) ||
      cmp(idOf(a), idOf(b)),
  );
  const start = q.offset ?? 0;
  return match.slice(start, q.limit === undefined ? undefined : start + q.limit);
}

const rowArb = fc.record({
  id: fc.string({ minLength: 1, maxLength: 4 }),
  group: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null }),
  score: fc.option(fc.integer({ min: -5, max: 5 }), { nil: null }),
  name: fc.constantFrom('x', 'y', 'z'),
});
const queryArb: fc.Arbitrary<ScanQuery<Row>> = fc.record(
  {
    where: fc.record({ group: fc.constantFrom('a', 'b', null), name: fc.constantFrom('x', 'y') }, { requiredKeys: [] }),
    range: fc.record({ column: fc.constant('score' as const), gte: fc.integer({ min: -5, max: 5 }) }),
    orderBy: fc.record(
      {
        column: fc.constantFrom('score' as const, 'name' as const, 'group' as const),
        direction: fc.constantFrom('asc' as const, 'desc' as const),
      },
      { requiredKeys: ['column'] },
    ),
    offset: fc.integer({ min: 0, max: 30 }),
    limit: fc.integer({ min: 1, max: 12 }),
  },
  { requiredKeys: [] },
);

describe('in-memory scans: a page selected without a full sort, counts without collecting', () => {
  it('scan and count of a table give what a full sort and a filter give', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(rowArb, { selector: (r) => r.id, maxLength: 120 }), queryArb, async (rows, q) => {
        const table = memoryTable(spec);
        await table.upsert(rows);
        expect(await table.scan(q)).toEqual(reference(rows, q));
        expect(await table.count(q.where)).toBe(reference(rows, { ...(q.where ? { where: q.where } : {}) }).length);
      }),
      { numRuns: 300 },
    );
  });

  it('and so do staged writes over it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(rowArb, { selector: (r) => r.id, maxLength: 80 }),
        fc.uniqueArray(rowArb, { selector: (r) => r.id, maxLength: 80 }),
        queryArb,
        async (live, staged, q) => {
          const tables = { t: memoryTable(spec) };
          await tables.t.upsert(live);
          const stage = stageStores(tables);
          await stage.stores.t.upsert(staged);
          const ids = new Set(staged.map((r) => r.id));
          const all = [...live.filter((r) => !ids.has(r.id)), ...staged];
          expect(await stage.stores.t.scan(q)).toEqual(reference(all, q));
          expect(await stage.stores.t.count(q.where)).toBe(
            reference(all, { ...(q.where ? { where: q.where } : {}) }).length,
          );
          stage.close();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a stage written into an in-memory transaction (whole, not call by call) leaves what its calls would', async () => {
    const opArb = fc.oneof(
      fc.record({
        op: fc.constant('upsert' as const),
        rows: fc.uniqueArray(rowArb, { selector: (r) => r.id, maxLength: 30 }),
      }),
      fc.record({
        op: fc.constant('delete' as const),
        ids: fc.array(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 8 }),
      }),
      fc.record({ op: fc.constant('deleteWhere' as const), group: fc.constantFrom('a', 'b', null) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(rowArb, { selector: (r) => r.id, maxLength: 60 }),
        fc.array(opArb, { maxLength: 6 }),
        async (live, ops) => {
          // The same writes on a transaction's stage (handed over whole) and on a plain table (call by call).
          const memory = memoryStoreSet<{ t: Table<Row, 'id'> }>({ t: spec });
          const plain = { t: memoryTable(spec) };
          await memory.t.upsert(live);
          await plain.t.upsert(live);
          const stage = stageStores({ t: memory.t });
          for (const o of ops) {
            if (o.op === 'upsert') await stage.stores.t.upsert(o.rows);
            else if (o.op === 'delete') await stage.stores.t.delete(o.ids.map((id) => ({ id })));
            else await stage.stores.t.deleteWhere({ group: o.group });
          }
          await memory.transaction((tx) => stage.writeTo(tx));
          await stage.writeTo(plain);
          stage.close();
          expect(await memory.t.scan()).toEqual(await plain.t.scan());
          expect(await memory.t.count({ group: 'a' })).toBe(await plain.t.count({ group: 'a' }));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a stage written into its own tables changes nothing and returns', async () => {
    const memory = memoryStoreSet<{ t: Table<Row, 'id'> }>({ t: spec });
    const stage = stageStores({ t: memory.t });
    await stage.stores.t.upsert([{ id: 'x', group: 'a', score: 1, name: 'x' }]);
    await stage.stores.t.deleteWhere({ group: 'b' });
    const before = await stage.stores.t.scan();
    // Before the fix this never returned (the replay grew the lists it walked).
    await stage.writeTo(stage.stores);
    expect(await stage.stores.t.scan()).toEqual(before);
    stage.close();
  });

  it('selects the latest of many rows with limit 1, as the refreshes ask for it', async () => {
    const table = memoryTable(spec);
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      id: `r${i}`,
      group: i % 3 ? 'a' : null,
      score: (i * 7919) % 1000,
      name: 'x',
    }));
    await table.upsert(rows);
    const q = { orderBy: { column: 'score', direction: 'desc' }, limit: 1 } as const;
    expect(await table.scan(q)).toEqual(reference(rows, q));
    expect(await table.scan({ offset: 20, limit: 20 })).toEqual(reference(rows, { offset: 20, limit: 20 }));
    expect(await table.count({ group: 'a' })).toBe(rows.filter((r) => r.group === 'a').length);
    expect(await table.count({ group: null })).toBe(rows.filter((r) => r.group === null).length);
  });
});

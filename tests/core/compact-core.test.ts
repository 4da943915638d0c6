/**
 * The columnar core (`src/stores/compact-core.ts`) against the object core it stands in for: any
 * sequence of writes and deletes leaves both answering every read the same (rows equal, keys in
 * the same order, frozen; the same ids, matches and counts), and its pools hold only what live rows
 * use. The built-in per-artist tables use it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  memoryScenesStores,
  memoryTalentStores,
  SCENES_TABLES,
  TALENT_TABLES,
  type TableSpec,
} from 'scene-radar/stores';
import { compactCore, compactStats, schemaColumns, storedCore } from '../../src/stores/compact-core.js';
import { entryOrder, firstK, type MemoryCore, memoryCore } from '../../src/stores/memory-core.js';

const schema = z.object({
  a: z.string(),
  b: z.union([z.string(), z.number()]),
  c: z.number(),
  n: z.number().nullable(),
  flag: z.boolean().optional(),
  tags: z.array(z.string()),
  meta: z
    .object({ x: z.number(), y: z.string().optional(), z: z.union([z.boolean(), z.null()]).optional() })
    .optional(),
  deep: z.object({ inner: z.object({ v: z.number() }) }).optional(),
  mixed: z.union([z.string(), z.number(), z.null(), z.array(z.number())]),
});
type Row = z.infer<typeof schema>;

const specs: Array<TableSpec<Row, 'a' | 'b' | 'c'>> = [
  { name: 'one_key', schema, key: ['a'], indexes: ['n', 'c'] },
  { name: 'two_keys', schema, key: ['a', 'b'], indexes: ['a', 'b', 'n'] },
  { name: 'three_keys', schema, key: ['a', 'b', 'c'], indexes: ['a'] },
];

const text = fc.constantFrom('p', 'q', 'r', 's', 'a"b', '');
const rowArb: fc.Arbitrary<Row> = fc.record(
  {
    a: text,
    b: fc.oneof(text, fc.constantFrom(0, 1, -0, 2.5)),
    c: fc.constantFrom(0, -0, 1, 1e300, -3.25, Number.MIN_VALUE),
    n: fc.option(fc.constantFrom(1, 2, -0), { nil: null }),
    flag: fc.boolean(),
    tags: fc.array(fc.constantFrom('x', 'y', 'z', ''), { maxLength: 3 }),
    meta: fc.record({ x: fc.constantFrom(1, 2, -0), y: text, z: fc.constantFrom(true, null) }, { requiredKeys: ['x'] }),
    deep: fc.record({ inner: fc.record({ v: fc.constantFrom(1, 2) }) }),
    mixed: fc.oneof(text, fc.constantFrom(1, -0, null), fc.array(fc.constantFrom(1, 2), { maxLength: 2 })),
  },
  { requiredKeys: ['a', 'b', 'c', 'n', 'tags', 'mixed'] },
);

type Op =
  | { readonly op: 'put'; readonly row: Row }
  | { readonly op: 'remove'; readonly row: Row }
  | { readonly op: 'read'; readonly where: Record<string, unknown> };
const whereArb = fc.record(
  {
    a: text,
    b: fc.oneof(text, fc.constantFrom(0, 1)),
    n: fc.constantFrom(1, 2, null),
    flag: fc.boolean(),
    mixed: fc.oneof(text, fc.constant(null)),
  },
  { requiredKeys: [] },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: rowArb.map((row) => ({ op: 'put' as const, row })) },
  { weight: 2, arbitrary: rowArb.map((row) => ({ op: 'remove' as const, row })) },
  { weight: 2, arbitrary: whereArb.map((where) => ({ op: 'read' as const, where })) },
);

/** A row as text with its keys in order, for an exact comparison (`-0` kept apart from 0). */
const exact = (row: unknown): string =>
  JSON.stringify(row, (_k, v) => (Object.is(v, -0) ? '-0' : v === undefined ? '<undefined>' : v));

function sameReads<R>(ref: MemoryCore<R, never>, got: MemoryCore<R, never>, where: Record<string, unknown>): void {
  const sorted = (entries: Array<[string, Readonly<R>]>) =>
    entries.map(([id, row]) => [id, exact(row)]).sort((x, y) => (x[0]! < y[0]! ? -1 : x[0] === y[0] ? 0 : 1));
  expect(sorted(got.matching(where as never, undefined))).toEqual(sorted(ref.matching(where as never, undefined)));
  expect(got.count(where as never)).toBe(ref.count(where as never));
  expect(got.size).toBe(ref.size);
  expect([...got.ids()].sort()).toEqual([...ref.ids()].sort());
  for (const id of ref.ids()) {
    const row = got.get(id)!;
    expect(exact(row)).toBe(exact(ref.get(id)));
    expect(Object.isFrozen(row)).toBe(true);
  }
  expect(sorted([...got.entries()])).toEqual(sorted([...ref.entries()]));
  expect(got.rows().map(exact).sort()).toEqual(ref.rows().map(exact).sort());
}

/**
 * An ordered page of `got` picks the rows firstK picks over every materialised row, in the same
 * order; for a column whose values are totally ordered, the object core's page too (the order of
 * the visit does not matter then).
 */
function sameOrderedPages<R>(ref: MemoryCore<R, never>, got: MemoryCore<R, never>): void {
  const pairs = (entries: Array<[string, Readonly<R>]>) => entries.map(([id, row]) => [id, exact(row)]);
  for (const column of [undefined, 'a', 'b', 'c', 'n', 'flag', 'tags', 'meta', 'mixed', 'absent'])
    for (const direction of ['asc', 'desc'] as const)
      for (const k of [1, 3]) {
        const query = column === undefined ? {} : { orderBy: { column: column as never, direction } };
        const page = pairs(got.first!(k, query));
        expect(page).toEqual(pairs(firstK([...got.entries()], k, entryOrder(query))));
        if (column === undefined || ['a', 'c', 'n', 'absent'].includes(column))
          expect(page).toEqual(pairs(firstK([...ref.entries()], k, entryOrder(query))));
      }
}

describe('the columnar in-memory core', () => {
  for (const spec of specs) {
    it(`answers every read as the object core does, after any writes (${spec.name})`, () => {
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
          const ref = memoryCore(spec);
          const got = compactCore(spec, schemaColumns(spec.schema)!, memoryCore(spec));
          for (const o of ops) {
            if (o.op === 'put') {
              const [row] = ref.validate([o.row]);
              ref.put(row!);
              got.put(got.validate([o.row])[0]!);
            } else if (o.op === 'remove') {
              const id = ref.keyOf(o.row);
              expect(got.remove(id)).toBe(ref.remove(id));
            } else sameReads(ref as never, got as never, o.where);
          }
          sameReads(ref as never, got as never, {});
          expect(got.get('not json')).toBeUndefined();
          expect(got.remove('["p"')).toBe(false);
        }),
        { numRuns: 300 },
      );
    });
  }

  for (const spec of specs) {
    it(`orders a page without putting every row together, picking what the object core picks (${spec.name})`, () => {
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
          const ref = memoryCore(spec);
          const got = compactCore(spec, schemaColumns(spec.schema)!, memoryCore(spec));
          for (const o of ops) {
            if (o.op === 'put') {
              ref.put(ref.validate([o.row])[0]!);
              got.put(got.validate([o.row])[0]!);
            } else if (o.op === 'remove') {
              ref.remove(ref.keyOf(o.row));
              got.remove(ref.keyOf(o.row));
            }
          }
          sameOrderedPages(ref as never, got as never);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('keeps in its pools only the values live rows use, however often rows are replaced', () => {
    const spec = specs[1]!;
    const core = compactCore(spec, schemaColumns(spec.schema)!, memoryCore(spec));
    const row = (i: number, round: number): Row => ({
      a: `artist-${i}`,
      b: 'scene',
      c: i,
      n: null,
      tags: [`reason ${round}-${i}`, 'shared'],
      mixed: 'joined',
      meta: { x: i, y: `note ${round}-${i}` },
    });
    for (let round = 0; round < 50; round++)
      for (const r of core.validate(Array.from({ length: 100 }, (_, i) => row(i, round)))) core.put(r);
    const stats = compactStats(core)!;
    expect(stats.rows).toBe(100);
    // Every row holds the same `b`, `n`, `mixed` and a record: no code per row for them.
    expect(stats.coded).toEqual(['a', 'tags']);
    expect(stats.pooled.a).toBe(100);
    expect(stats.pooled.tags).toBe(100);
    expect(stats.pooled.mixed).toBe(1);
    expect(stats.pooled['meta.y']).toBe(100);
    expect(stats.pooled['meta.meta keys']).toBe(1);
    // A row that differs gives the column its codes.
    core.put(core.validate([{ ...row(1, 49), mixed: 'another' }])[0]!);
    expect(compactStats(core)!.coded).toEqual(['a', 'tags', 'mixed']);
    expect(core.get(core.keyOf(row(1, 0)))!.mixed).toBe('another');
    expect(core.get(core.keyOf(row(2, 0)))!.mixed).toBe('joined');
    for (let i = 0; i < 100; i++) core.remove(core.keyOf(row(i, 0)));
    const empty = compactStats(core)!;
    expect(empty.rows).toBe(0);
    expect(Object.values(empty.pooled).every((n) => n === 0)).toBe(true);
  });

  it('shares one array among the rows that hold equal arrays, and hands out frozen rows', () => {
    const spec = specs[0]!;
    const core = compactCore(spec, schemaColumns(spec.schema)!, memoryCore(spec));
    for (const r of core.validate([
      { a: 'p', b: 'x', c: 1, n: null, tags: ['x', 'y'], mixed: null },
      { a: 'q', b: 'x', c: 2, n: null, tags: ['x', 'y'], mixed: [1, 2] },
    ]))
      core.put(r);
    const p = core.get(core.keyOf({ a: 'p' } as Row))!;
    const q = core.get(core.keyOf({ a: 'q' } as Row))!;
    expect(p.tags).toBe(q.tags);
    expect(Object.isFrozen(p.tags)).toBe(true);
    expect(Object.isFrozen(q.mixed)).toBe(true);
    expect(() => (p.tags as string[]).push('z')).toThrow(TypeError);
    // A record keeps its own keys, in its own order, frozen.
    const odd = Object.freeze({
      a: 'r',
      b: 'x',
      c: 3,
      n: null,
      tags: [],
      mixed: null,
      meta: Object.freeze({ z: null, x: -0 }),
    });
    core.put(odd as unknown as Row);
    const r = core.get(core.keyOf({ a: 'r' } as Row))!;
    expect(Object.keys(r.meta!)).toEqual(['z', 'x']);
    expect(Object.is(r.meta!.x, -0)).toBe(true);
    expect(Object.isFrozen(r.meta)).toBe(true);
  });

  it('finds a row by its exact id only, as the object core does', () => {
    const spec = { name: 'ids', schema: z.object({ k: z.string(), n: z.number() }), key: ['k', 'n'], indexes: [] };
    const ref = memoryCore(spec as never) as MemoryCore<{ k: string; n: number }, never>;
    const got = compactCore(spec as never, ['k', 'n'], memoryCore(spec as never)) as typeof ref;
    for (const core of [ref, got]) for (const r of core.validate([{ k: 'p', n: 1 }])) core.put(r);
    for (const id of ['[ "p", 1 ]', '["\\u0070",1]', '["p",1.0]', '["p",1e0]']) {
      expect(got.get(id)).toBe(ref.get(id));
      expect(got.remove(id)).toBe(false);
    }
    expect(got.get('["p",1]')).toEqual({ k: 'p', n: 1 });
  });

  it('keeps as they are: records with another prototype, records in indexed columns, records past 32 keys', () => {
    const spec = {
      name: 'records',
      schema: z.object({ k: z.number(), any: z.any(), rec: z.record(z.string(), z.number()) }),
      key: ['k'],
      indexes: ['any'],
    };
    const core = compactCore(spec as never, ['k', 'any', 'rec'], memoryCore(spec as never)) as MemoryCore<
      { k: number; any: unknown; rec: Record<string, number> },
      never
    >;
    const bare = Object.assign(Object.create(null), { a: 1 });
    for (let i = 0; i < 200; i++)
      core.put({ k: i, any: i === 0 ? bare : { a: i % 3 }, rec: { [`key${i}`]: i } } as never);
    expect(Object.getPrototypeOf(core.get('[0]')!.any)).toBe(null);
    // An indexed column's record is the stored object, found by itself.
    const stored = core.get('[1]')!.any;
    expect(core.get('[1]')!.any).toBe(stored);
    expect(core.count({ any: stored } as never)).toBe(1);
    // Record keys past 32 are not given columns of their own.
    expect(Object.keys(compactStats(core)!.pooled).filter((n) => n.startsWith('rec.')).length).toBeLessThanOrEqual(33);
    expect(core.get('[150]')!.rec).toEqual({ key150: 150 });
  });

  it('stores the per-artist tables of the built-in store sets as columns, and no other', () => {
    const compact = new Set<object>([SCENES_TABLES.scene_memberships, TALENT_TABLES.talent_radar_artists]);
    for (const spec of [...Object.values(SCENES_TABLES), ...Object.values(TALENT_TABLES)])
      expect(compactStats(storedCore(spec as unknown as TableSpec<unknown, never>)) !== undefined).toBe(
        compact.has(spec),
      );
    // The stores a host gets hold the same rows it wrote.
    expect(memoryScenesStores().scene_memberships.spec).toBe(SCENES_TABLES.scene_memberships);
    expect(memoryTalentStores().talent_radar_artists.spec).toBe(TALENT_TABLES.talent_radar_artists);
  });
});

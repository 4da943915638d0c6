/**
 * In-memory scans without `orderBy` page the ids the object core keeps in key order between
 * writes: any sequence of inserts, replacements and deletes, each followed by scans (filtered on an
 * indexed or an unindexed column, with a range, offset and limit), answers what ordering every
 * live row by its id and paging gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { memoryTable, type TableSpec } from 'scene-radar/stores';
import { compareIds } from '../../src/stores/memory-core.js';

const schema = z.object({ a: z.string(), b: z.number(), region: z.string(), n: z.number() });
type Row = z.infer<typeof schema>;
const spec: TableSpec<Row, 'a' | 'b'> = { name: 'key_order', schema, key: ['a', 'b'], indexes: ['region'] };

const rowArb = fc.record({
  a: fc.constantFrom('p', 'q', 'a b', 'a"b', 'é', '', 'z'),
  b: fc.constantFrom(0, 1, 9, 10, -2.5),
  region: fc.constantFrom('uk', 'us'),
  n: fc.integer({ min: 0, max: 3 }),
});
const scanArb = fc.record(
  {
    where: fc.oneof(
      fc.constant(undefined),
      fc.record({ region: fc.constantFrom('uk', 'us') }),
      fc.record({ n: fc.integer({ min: 0, max: 3 }) }),
    ),
    range: fc.constantFrom(undefined, { column: 'n' as const, gte: 1, lte: 2 }),
    offset: fc.integer({ min: 0, max: 4 }),
    limit: fc.integer({ min: 1, max: 6 }),
  },
  { requiredKeys: [] },
);
const opArb = fc.oneof(
  fc.record({ op: fc.constant('put' as const), row: rowArb }),
  fc.record({ op: fc.constant('delete' as const), row: rowArb }),
);

describe('scans without orderBy over an in-memory table', () => {
  it('page the rows in key order after any writes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(opArb, fc.array(scanArb, { maxLength: 3 })), { maxLength: 25 }),
        async (steps) => {
          const table = memoryTable(spec);
          const live = new Map<string, Row>();
          for (const [step, scans] of steps) {
            const id = JSON.stringify([step.row.a, step.row.b]);
            if (step.op === 'put') {
              await table.upsert([step.row]);
              live.set(id, step.row);
            } else {
              await table.delete([{ a: step.row.a, b: step.row.b }]);
              live.delete(id);
            }
            for (const query of scans) {
              const ordered = [...live.entries()].sort(([x], [y]) => compareIds(x, y)).map(([, r]) => r);
              const where = query.where as Partial<Row> | undefined;
              const matches = ordered.filter(
                (r) =>
                  (!where || Object.entries(where).every(([k, v]) => r[k as keyof Row] === v)) &&
                  (!query.range || (r.n >= query.range.gte && r.n <= query.range.lte)),
              );
              const offset = query.offset ?? 0;
              const want = matches.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
              expect(await table.scan(query as never)).toEqual(want);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

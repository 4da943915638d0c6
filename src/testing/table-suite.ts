/**
 * @module testing/table-suite
 * Conformance suite for one {@link Table}: keyed upserts, all-or-nothing batches, rows that
 * readers and writers cannot corrupt, scans (where, range, order, paging), delete and count.
 */
import type { ScalarColumns, ScanQuery, Table, TableSpec } from '../stores/table.js';
import { firstDifference, snapshot } from './deep-equal.js';
import { attempt, violation } from './source-kit.js';
import type { ContractCase } from './suite.js';
import {
  cols,
  compareKeys,
  compareScalars,
  idOf,
  invalidVariants,
  keyOf,
  planColumns,
  replacementFor,
  tryMutate,
} from './table-kit.js';
import { show } from './violation.js';

/** Options of {@link tableContractSuite}. */
export interface TableSuiteOptions<Row, K extends ScalarColumns<Row>> {
  /** Creates an empty table (called once per case). */
  readonly create: () => Table<Row, K> | Promise<Table<Row, K>>;
  /** `n` valid rows with distinct primary keys (see `sampleRowsFor` for the owned tables). */
  readonly sampleRows: (n: number) => readonly Row[];
  /**
   * An invalid variant of a valid row.
   * @default one of each kind the schema refuses: an object in its first key column, a scalar of the
   * wrong type outside the key, a value outside a column's domain outside the key
   */
  readonly invalidRow?: (valid: Row) => unknown;
}

/** Rows the suite stores, and how many more it keeps back as absent keys. */
const STORED = 12;
const PAGE = 5;

/**
 * Conformance cases for one table implementation. `create` must return an empty table.
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { SCENES_TABLES } from 'scene-radar/stores';
 * import { registerContractSuite, sampleRowsFor, tableContractSuite } from 'scene-radar/testing';
 *
 * registerContractSuite('pg scene_trends', tableContractSuite(SCENES_TABLES.scene_trends, {
 *   create: async () => (await freshPgStores()).scenes.scene_trends,
 *   sampleRows: (n) => sampleRowsFor('scene_trends', n),
 * }), { describe, it });
 * ```
 */
export function tableContractSuite<Row, K extends ScalarColumns<Row>>(
  spec: TableSpec<Row, K>,
  options: TableSuiteOptions<Row, K>,
): ContractCase[] {
  const c = `table ${spec.name}`;
  const samples = (): { stored: Row[]; absent: Row[] } => {
    const rows = [...options.sampleRows(STORED + 2)];
    const ids = new Set(rows.map((r) => idOf(spec, r)));
    if (rows.length !== STORED + 2 || ids.size !== rows.length)
      throw new Error(`tableContractSuite(${spec.name}): sampleRows(n) must return n rows with distinct primary keys`);
    rows.forEach((r, i) => {
      const res = spec.schema.safeParse(r);
      if (!res.success)
        throw new Error(
          `tableContractSuite(${spec.name}): sample row ${i} is invalid: ${res.error.issues[0]?.path.join('.') ?? ''} ${res.error.issues[0]?.message ?? ''}`,
        );
    });
    return { stored: rows.slice(0, STORED), absent: rows.slice(STORED) };
  };
  const expected = (row: Row): Row => spec.schema.parse(row);
  /** A fresh table already holding the stored sample rows. */
  const filled = async (): Promise<{ table: Table<Row, K>; stored: Row[]; absent: Row[] }> => {
    const table = await attempt(c, 'be created by options.create', options.create);
    const { stored, absent } = samples();
    await attempt(c, 'accept an upsert of valid rows', () => table.upsert(stored.map((r) => snapshot(r))));
    return { table, stored, absent };
  };
  const call = <T>(what: string, fn: () => Promise<T>): Promise<Awaited<T>> => attempt(c, `resolve ${what}`, fn);
  const same = (requirement: string, actual: unknown, wanted: unknown, label: string): void => {
    const d = firstDifference(actual, wanted);
    if (d !== undefined) throw violation(c, requirement, `${label} differs at ${d}: got ${show(actual)}`);
  };
  const ids = (rows: readonly unknown[]): string[] => rows.map((r) => idOf(spec, r));
  const sameSet = (requirement: string, actual: readonly unknown[], wanted: readonly unknown[]): void => {
    const a = ids(actual).sort();
    const w = ids(wanted).sort();
    if (a.join('|') !== w.join('|'))
      throw violation(c, requirement, `it returned keys ${show(a)} instead of ${show(w)}`);
  };
  const sortedBy = (requirement: string, rows: readonly unknown[], column: string, dir: 1 | -1): void => {
    for (let i = 1; i < rows.length; i++) {
      if (dir * compareScalars(cols(rows[i - 1])[column], cols(rows[i])[column]) > 0)
        throw violation(
          c,
          requirement,
          `row ${i} (${show(cols(rows[i])[column])}) is out of order after ${show(cols(rows[i - 1])[column])}`,
        );
    }
  };
  const plan = (): ReturnType<typeof planColumns> => planColumns(spec, samples().stored);
  const where = (column: string, value: unknown): ScanQuery<Row>['where'] =>
    ({ [column]: value }) as ScanQuery<Row>['where'];

  const cases: ContractCase[] = [
    {
      name: 'starts empty',
      async run() {
        const table = await attempt(c, 'be created by options.create', options.create);
        const n = await call('count()', () => table.count());
        if (n !== 0) throw violation(c, 'be empty when options.create returns it', `count() is ${n}`);
      },
    },
    {
      name: 'upsert then get and getMany return the rows',
      async run() {
        const { table, stored, absent } = await filled();
        for (const row of stored)
          same(
            'return by get what was upserted',
            await call('get', () => table.get(keyOf(spec, row))),
            expected(row),
            `row ${idOf(spec, row)}`,
          );
        const missing = await call('get of an absent key', () => table.get(keyOf(spec, absent[0]!)));
        if (missing !== undefined)
          throw violation(c, 'resolve get of an absent key to undefined', `it returned ${show(missing)}`);
        const many = await call('getMany', () =>
          table.getMany([keyOf(spec, stored[2]!), keyOf(spec, absent[0]!), keyOf(spec, stored[0]!)]),
        );
        same(
          'return getMany rows in the order asked, skipping absent keys',
          many,
          [expected(stored[2]!), expected(stored[0]!)],
          'getMany([k2, absent, k0])',
        );
      },
    },
    {
      name: 'upsert replaces rows by primary key',
      async run() {
        const { table, stored, absent } = await filled();
        // Every column outside the key differs from the stored row's where a sample allows it.
        const replacement = replacementFor(spec, stored[0]!, [...stored.slice(1), ...absent]);
        await call('upsert of a replacement', () => table.upsert([replacement]));
        const n = await call('count()', () => table.count());
        if (n !== STORED)
          throw violation(
            c,
            'replace a row with the same primary key, not add one',
            `count went from ${STORED} to ${n}`,
          );
        same(
          'return the replacement after an upsert by the same key',
          await call('get', () => table.get(keyOf(spec, stored[0]!))),
          expected(replacement),
          'the replaced row',
        );
      },
    },
    {
      name: 'upsert of a batch holding one key twice keeps the last row',
      async run() {
        const table = await attempt(c, 'be created by options.create', options.create);
        const [first, second] = samples().stored as [Row, Row];
        const last = { ...cols(second), ...cols(keyOf(spec, first)) } as Row;
        await call('upsert of a batch with a key twice', () => table.upsert([snapshot(first), snapshot(last)]));
        const n = await call('count()', () => table.count());
        if (n !== 1) throw violation(c, 'store one row for a key given twice in a batch', `count is ${n}, expected 1`);
        same(
          'keep the last row of a batch that gives a key twice',
          await call('get', () => table.get(keyOf(spec, first))),
          expected(last),
          'the stored row',
        );
      },
    },
    {
      name: 'rejects a batch with an invalid row and leaves the table unchanged',
      async run() {
        const { table, stored, absent } = await filled();
        const variants = options.invalidRow ? [options.invalidRow(stored[0]!)] : invalidVariants(spec, stored[0]!);
        if (variants.length === 0 || variants[0] === undefined)
          throw new Error(
            `tableContractSuite(${spec.name}): pass options.invalidRow; the schema accepted every invalid variant tried`,
          );
        const replacement = { ...cols(stored[1]), ...cols(keyOf(spec, stored[0]!)) } as Row;
        for (const bad of variants) {
          const batch = [absent[0]!, replacement, bad] as Row[];
          const outcome = await Promise.resolve()
            .then(() => table.upsert(batch))
            .then(
              () => 'resolved',
              () => 'rejected',
            );
          if (outcome === 'resolved')
            throw violation(c, 'reject a batch that holds an invalid row', `upsert resolved for ${show(bad)}`);
          const n = await call('count()', () => table.count());
          if (n !== STORED)
            throw violation(c, 'write nothing from a rejected batch', `count went from ${STORED} to ${n}`);
          same(
            'write nothing from a rejected batch',
            await call('get', () => table.get(keyOf(spec, stored[0]!))),
            expected(stored[0]!),
            'a row the rejected batch would have replaced',
          );
        }
      },
    },
    {
      name: 'returned rows cannot be mutated to corrupt stored data',
      async run() {
        const { table, stored } = await filled();
        const key = keyOf(spec, stored[0]!);
        tryMutate(await call('get', () => table.get(key)));
        for (const r of await call('getMany', () => table.getMany([key]))) tryMutate(r);
        for (const r of await call('scan', () => table.scan())) tryMutate(r);
        same(
          'keep stored rows safe from readers (a returned row must be frozen or a copy)',
          await call('get', () => table.get(key)),
          expected(stored[0]!),
          'the row after mutating returned copies',
        );
      },
    },
    {
      name: 'mutating an upserted object afterwards does not change stored data',
      async run() {
        const table = await attempt(c, 'be created by options.create', options.create);
        const row = samples().stored[0]!;
        const input = snapshot(row);
        await call('upsert', () => table.upsert([input]));
        tryMutate(input);
        same(
          'copy rows on upsert (later changes to the input must not leak in)',
          await call('get', () => table.get(keyOf(spec, row))),
          expected(row),
          'the stored row',
        );
      },
    },
  ];

  const { indexed, plain, ordered, nullable } = plan();
  /** Checks that `rows` whose `column` values are equal (every row, without a column) come in primary-key order. */
  const tiesByKey = (requirement: string, rows: readonly unknown[], column?: string): void => {
    for (let i = 1; i < rows.length; i++) {
      if (column !== undefined && cols(rows[i])[column] !== cols(rows[i - 1])[column]) continue;
      if (compareKeys(spec, rows[i - 1], rows[i]) >= 0)
        throw violation(
          c,
          requirement,
          `row ${i} (key ${idOf(spec, rows[i])}) comes after ${idOf(spec, rows[i - 1])}, a greater primary key`,
        );
    }
  };
  const tie = indexed ?? plain;
  cases.push({
    name: `scan orders by primary key without orderBy${tie ? ` and within ties of ${tie.column}` : ''}`,
    async run() {
      const { table } = await filled();
      tiesByKey(
        'order rows by primary key (column by column) without orderBy',
        await call('scan()', () => table.scan()),
      );
      if (!tie) return;
      for (const direction of ['asc', 'desc'] as const) {
        const rows = await call(`scan ordered ${direction}`, () =>
          table.scan({ orderBy: { column: tie.column as ScalarColumns<Row>, direction } }),
        );
        tiesByKey(`order rows with equal ${tie.column} by primary key, ascending (${direction})`, rows, tie.column);
      }
    },
  });
  if (nullable)
    cases.push({
      name: `scan filters nulls (where ${nullable} is null) and orders them first ascending, last descending`,
      async run() {
        const { table, stored } = await filled();
        const w = where(nullable, null);
        const wanted = stored.filter((r) => cols(r)[nullable] === null);
        sameSet(
          `scan rows where ${nullable} is null`,
          await call('scan with where null', () => table.scan({ where: w })),
          wanted,
        );
        const n = await call('count with where null', () => table.count(w));
        if (n !== wanted.length)
          throw violation(
            c,
            'count the rows where a column is null',
            `count(${show(w)}) is ${n}, expected ${wanted.length}`,
          );
        for (const direction of ['asc', 'desc'] as const) {
          const rows = await call(`scan ordered ${direction}`, () =>
            table.scan({ orderBy: { column: nullable as ScalarColumns<Row>, direction } }),
          );
          const nulls = rows.map((r) => cols(r)[nullable] === null);
          const firstNonNull = nulls.indexOf(false);
          const bad =
            direction === 'asc'
              ? firstNonNull >= 0 && nulls.indexOf(true, firstNonNull) >= 0
              : nulls.indexOf(true) >= 0 && nulls.indexOf(false, nulls.indexOf(true)) >= 0;
          if (bad)
            throw violation(
              c,
              `order null ${nullable} ${direction === 'asc' ? 'first ascending' : 'last descending'}`,
              `${nullable} by row: ${show(rows.map((r) => cols(r)[nullable]))}`,
            );
        }
      },
    });
  for (const [label, filter] of [
    ['an indexed', indexed],
    ['a non-indexed', plain],
  ] as const) {
    if (!filter) continue;
    cases.push({
      name: `scan filters with where on ${label} column (${filter.column})`,
      async run() {
        const { table, stored } = await filled();
        const w = where(filter.column, filter.value);
        const wanted = stored.filter((r) => cols(r)[filter.column] === filter.value);
        sameSet(
          `scan rows where ${filter.column} = ${show(filter.value)}`,
          await call('scan with where', () => table.scan({ where: w })),
          wanted,
        );
        const n = await call('count with where', () => table.count(w));
        if (n !== wanted.length)
          throw violation(c, 'count the rows matching where', `count(${show(w)}) is ${n}, expected ${wanted.length}`);
        // Equality, exactly: the value in another case, or a part of it, matches no row (a
        // case-insensitive collation, a LIKE 'v%' or a begins_with would).
        if (typeof filter.value === 'string') {
          const near = [filter.value.toUpperCase(), filter.value.slice(0, -1)].filter(
            (v) => v !== filter.value && v !== '' && !stored.some((r) => cols(r)[filter.column] === v),
          );
          for (const v of near) {
            const other = where(filter.column, v);
            const rows = await call('scan with where', () => table.scan({ where: other }));
            const count = await call('count with where', () => table.count(other));
            if (rows.length !== 0 || count !== 0)
              throw violation(
                c,
                'match where by equality (case and whole value)',
                `where ${filter.column} = ${show(v)} (stored: ${show(filter.value)}) gave ${rows.length} rows, count ${count}`,
              );
          }
        }
      },
    });
  }
  cases.push(
    {
      name: `scan filters a range (${ordered} gte/lte)`,
      async run() {
        const { table, stored } = await filled();
        const values = stored.map((r) => cols(r)[ordered]).sort(compareScalars);
        const [gte, lte] = [values[2], values[values.length - 3]] as [ScalarOf, ScalarOf];
        const wanted = stored.filter(
          (r) => compareScalars(cols(r)[ordered], gte) >= 0 && compareScalars(cols(r)[ordered], lte) <= 0,
        );
        sameSet(
          `scan rows with ${gte} <= ${ordered} <= ${lte}`,
          await call('scan with a range', () =>
            table.scan({ range: { column: ordered as ScalarColumns<Row>, gte, lte } }),
          ),
          wanted,
        );
        sameSet(
          `scan rows with ${ordered} >= ${gte}`,
          await call('scan with gte', () => table.scan({ range: { column: ordered as ScalarColumns<Row>, gte } })),
          stored.filter((r) => compareScalars(cols(r)[ordered], gte) >= 0),
        );
      },
    },
    {
      name: `scan orders by a column (${ordered}), asc and desc`,
      async run() {
        const { table, stored } = await filled();
        for (const [direction, dir] of [
          ['asc', 1],
          ['desc', -1],
        ] as const) {
          const rows = await call(`scan ordered ${direction}`, () =>
            table.scan({ orderBy: { column: ordered as ScalarColumns<Row>, direction } }),
          );
          sameSet('return every row in an ordered scan', rows, stored);
          sortedBy(`order rows by ${ordered} ${direction}`, rows, ordered, dir);
        }
      },
    },
    {
      name: 'scan pages with offset/limit: pages concatenated equal the full scan',
      async run() {
        const { table } = await filled();
        for (const order of [undefined, { column: ordered as ScalarColumns<Row>, direction: 'desc' as const }]) {
          const base = order ? { orderBy: order } : {};
          const full = await call('a full scan', () => table.scan(base));
          const pages: unknown[] = [];
          for (let offset = 0; offset < full.length + PAGE; offset += PAGE)
            pages.push(...(await call('a page', () => table.scan({ ...base, offset, limit: PAGE }))));
          same(
            'page deterministically (pages concatenated equal the full scan)',
            pages,
            full,
            `pages ${order ? 'ordered desc' : 'in key order'}`,
          );
        }
      },
    },
    {
      name: 'scan rejects bad paging (negative offset, limit 0, fractions)',
      async run() {
        const { table } = await filled();
        for (const q of [{ offset: -1 }, { limit: 0 }, { limit: 1.5 }, { offset: 0.5 }]) {
          const outcome = await Promise.resolve()
            .then(() => table.scan(q))
            .then(
              () => 'resolved',
              () => 'rejected',
            );
          if (outcome === 'resolved')
            throw violation(
              c,
              'reject paging that is not offset >= 0 and limit >= 1 (integers)',
              `scan(${show(q)}) resolved`,
            );
        }
      },
    },
    {
      name: 'delete returns how many rows existed',
      async run() {
        const { table, stored, absent } = await filled();
        const n = await call('delete', () =>
          table.delete([keyOf(spec, stored[0]!), keyOf(spec, stored[1]!), keyOf(spec, absent[0]!)]),
        );
        if (n !== 2)
          throw violation(
            c,
            'return from delete the number of rows that existed',
            `deleting 2 stored keys and 1 absent key returned ${n}`,
          );
        const left = await call('count()', () => table.count());
        if (left !== STORED - 2)
          throw violation(c, 'delete the rows it is given', `count is ${left}, expected ${STORED - 2}`);
        if ((await call('get', () => table.get(keyOf(spec, stored[0]!)))) !== undefined)
          throw violation(c, 'delete the rows it is given', 'a deleted row is still returned by get');
      },
    },
    {
      name: 'deleteWhere deletes the matching rows and returns how many',
      async run() {
        const { table, stored } = await filled();
        const filter = indexed ?? plain ?? { column: ordered, value: cols(stored[0])[ordered] as ScalarOf };
        const w = where(filter.column, filter.value);
        const matching = stored.filter((r) => cols(r)[filter.column] === filter.value).length;
        const n = await call('deleteWhere', () => table.deleteWhere(w));
        if (n !== matching)
          throw violation(
            c,
            'return from deleteWhere the number of rows deleted',
            `deleteWhere(${show(w)}) returned ${n}, expected ${matching}`,
          );
        const [left, all] = await Promise.all([
          call('count with where', () => table.count(w)),
          call('count()', () => table.count()),
        ]);
        if (left !== 0 || all !== STORED - matching)
          throw violation(
            c,
            'delete every matching row and nothing else',
            `afterwards ${left} rows match and ${all} rows remain`,
          );
      },
    },
    {
      name: 'count counts all rows and the rows matching where',
      async run() {
        const { table, stored } = await filled();
        const all = await call('count()', () => table.count());
        if (all !== STORED) throw violation(c, 'count every row', `count() is ${all}, expected ${STORED}`);
        const value = cols(stored[3])[ordered];
        const n = await call('count with where', () => table.count(where(ordered, value)));
        const wanted = stored.filter((r) => cols(r)[ordered] === value).length;
        if (n !== wanted)
          throw violation(
            c,
            'count the rows matching where',
            `count({ ${ordered}: ${show(value)} }) is ${n}, expected ${wanted}`,
          );
      },
    },
  );
  return cases;
}

type ScalarOf = string | number | boolean;

/**
 * @module stores/staged
 * Staged writes over any store set (internal). A staged table reads as the live table with the
 * staged writes applied, and writes only to its stage: nobody reading the live tables sees them.
 * The stage is then written out in a few statements per table (the filters deleted, then the
 * deleted keys, then every staged row in one upsert) inside the stores' transaction, or applied
 * to in-memory cores in one synchronous step. The engines compute a refresh against a stage, so
 * their transaction holds only the writes; the in-memory stores' `transaction` is a stage too.
 */
import { storedCore } from './compact-core.js';
import {
  checkScan,
  checkWhere,
  coreOf,
  type MemoryCore,
  matchesWhere,
  memoryCore,
  orderAndPage,
  pageOfAll,
  tableOverCore,
} from './memory-core.js';
import type { RowKey, ScalarColumns, ScanQuery, Table, TableSpec } from './table.js';

type Where<Row> = ScanQuery<Row>['where'];

/** Whether a value is one of the owned tables (a store set also holds functions, such as `transaction`). */
function isTable(value: unknown): value is Table<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    'spec' in value &&
    typeof (value as { upsert?: unknown }).upsert === 'function'
  );
}

/**
 * What one stage's writes are, handed whole to another stage of the same table (see `ABSORB`):
 * the filters of its `deleteWhere` calls, its deleted keys by id, and its rows by id.
 */
interface StagedWrites<Row, K extends ScalarColumns<Row>> {
  readonly filters: readonly Where<Row>[];
  readonly deleted: ReadonlyMap<string, RowKey<Row, K>>;
  readonly added: MemoryCore<Row, K>;
}

/**
 * The staged tables, by their `table`: a stage written to another stage (an engine's refresh
 * committed in an in-memory transaction) hands over its writes in one step, with the ids and the
 * validation it already has, instead of replaying them call by call (the replay read the live
 * table only to count what it deleted, and validated and keyed every row a second time).
 */
const ABSORB = new WeakMap<object, (writes: StagedWrites<never, never>) => Promise<void>>();

/** The staged writes of one table. */
interface StagedTable<Row, K extends ScalarColumns<Row>> {
  /** The live table with the staged writes applied. */
  readonly table: Table<Row, K>;
  /** Writes the stage to `target` (deletes by filter, deletes by key, one upsert). */
  writeTo(target: Table<Row, K>): Promise<void>;
  /** Applies the stage to a core, synchronously. */
  applyTo(core: MemoryCore<Row, K>): void;
}

function stageTable<Row, K extends ScalarColumns<Row>>(
  base: Table<Row, K>,
  assertOpen: () => void,
): StagedTable<Row, K> {
  /** Rows written (upserted) in the stage, by key. */
  const added = memoryCore(base.spec);
  /** Keys deleted in the stage (never also in `added`). */
  const deleted = new Map<string, RowKey<Row, K>>();
  /** Equality filters of `deleteWhere` calls: live rows matching one are gone. */
  const filters: Where<Row>[] = [];
  const touched = (): boolean => added.size > 0 || deleted.size > 0 || filters.length > 0;
  /** Whether a live row, of this id, still shows through the stage. */
  const visibleAt = (id: string, row: Readonly<Row>): boolean =>
    !added.get(id) && !deleted.has(id) && (filters.length === 0 || !filters.some((f) => matchesWhere(row, f)));
  /** Whether a live row still shows through the stage. */
  const visible = (row: Readonly<Row>): boolean => visibleAt(added.keyOf(row as Row), row);
  /** Live rows matching the filters that still show through the stage, with their ids, in no particular order. */
  const liveEntries = async (
    where: Where<Row>,
    range?: ScanQuery<Row>['range'],
  ): Promise<Array<[string, Readonly<Row>]>> => {
    // The live table's core when it is in memory (and read as such): its rows come with their ids, unsorted.
    const baseCore = coreOf(base);
    if (baseCore) {
      const out: Array<[string, Readonly<Row>]> = [];
      for (const entry of baseCore.matching(where, range)) if (visibleAt(entry[0], entry[1])) out.push(entry);
      return out;
    }
    const rows = await base.scan({ ...(where ? { where } : {}), ...(range ? { range } : {}) });
    const out: Array<[string, Readonly<Row>]> = [];
    for (const row of rows) {
      const id = added.keyOf(row as Row);
      if (visibleAt(id, row)) out.push([id, row]);
    }
    return out;
  };

  // Calls run one after another, in the order they were made, as a database connection runs its
  // statements: a `delete` waits on a read of the live table, and an `upsert` made after it must
  // not land first and then be deleted.
  let queue: Promise<unknown> = Promise.resolve();
  const inOrder = <T>(op: () => Promise<T>): Promise<T> => {
    const run = queue.then(op, op);
    queue = run.catch(() => undefined);
    return run;
  };

  const table: Table<Row, K> = {
    spec: base.spec,
    get(key) {
      return inOrder(async () => {
        assertOpen();
        const id = added.keyOf(key);
        const own = added.get(id);
        if (own || deleted.has(id)) return own;
        const row = await base.get(key);
        return row && visible(row) ? row : undefined;
      });
    },
    getMany(keys) {
      return inOrder(async () => {
        assertOpen();
        if (!touched()) return base.getMany(keys);
        const need = new Map<string, RowKey<Row, K>>();
        for (const k of keys) {
          const id = added.keyOf(k);
          if (!added.get(id) && !deleted.has(id)) need.set(id, k);
        }
        const live = new Map<string, Readonly<Row>>();
        if (need.size > 0)
          for (const row of await base.getMany([...need.values()]))
            if (visible(row)) live.set(added.keyOf(row as Row), row);
        const out: Readonly<Row>[] = [];
        for (const k of keys) {
          const id = added.keyOf(k);
          const row = added.get(id) ?? (deleted.has(id) ? undefined : live.get(id));
          if (row) out.push(row);
        }
        return out;
      });
    },
    // Writes take their arguments when called, as the live table and PostgreSQL do: a caller that
    // edits or empties its batch before awaiting changes nothing staged.
    upsert(input) {
      let rows: ReturnType<typeof added.validate>;
      try {
        rows = added.validate(input);
      } catch (e) {
        return Promise.reject(e);
      }
      return inOrder(async () => {
        assertOpen();
        for (const row of rows) {
          const id = added.keyOf(row as Row);
          deleted.delete(id);
          added.put(row, id);
        }
      });
    },
    delete(given) {
      let keys: typeof given;
      let ids: string[];
      try {
        // Checked (keyOf refuses a bad key) and copied now.
        ids = given.map((k) => added.keyOf(k));
        keys = given.map((k) => added.keyObject(k));
      } catch (e) {
        return Promise.reject(e);
      }
      return inOrder(async () => {
        assertOpen();
        const ask = keys.filter((_, i) => !added.get(ids[i]!) && !deleted.has(ids[i]!));
        const live = new Set(
          ask.length ? (await base.getMany(ask)).filter(visible).map((r) => added.keyOf(r as Row)) : [],
        );
        assertOpen();
        let n = 0;
        keys.forEach((k, i) => {
          const id = ids[i]!;
          if (added.remove(id) || (live.has(id) && !deleted.has(id))) n++;
          deleted.set(id, added.keyObject(k));
        });
        return n;
      });
    },
    deleteWhere(given) {
      const where = given === undefined ? undefined : { ...given };
      try {
        checkWhere(base.spec, where);
      } catch (e) {
        return Promise.reject(e);
      }
      return inOrder(async () => {
        assertOpen();
        let n = touched() ? (await liveEntries(where)).length : await base.count(where);
        assertOpen();
        for (const [id, row] of added.matching(where, undefined)) {
          added.remove(id);
          deleted.set(id, added.keyObject(row as Row));
          n++;
        }
        filters.push({ ...(where ?? {}) });
        return n;
      });
    },
    scan(query = {}) {
      return inOrder(async () => {
        assertOpen();
        if (!touched()) return base.scan(query);
        checkScan(base.spec, query);
        // No filter: the page, or every row in id order, without a pair per staged row or per row
        // of an in-memory live table (see pageOfAll). Live rows still showing and staged rows never
        // share an id. A live table read through its own `scan` is read once, as before.
        const baseCore = coreOf(base);
        const live = baseCore ? undefined : await liveEntries(query.where, query.range);
        let liveRows: Map<string, Readonly<Row>> | undefined;
        const page = pageOfAll(
          query,
          (baseCore ? baseCore.size : live!.length) + added.size,
          function* (): Generator<[string, Readonly<Row>]> {
            if (baseCore) {
              for (const entry of baseCore.entries()) if (visibleAt(entry[0], entry[1])) yield entry;
            } else yield* live!;
            yield* added.entries();
          },
          () => {
            const ids: string[] = [];
            if (baseCore) {
              for (const [id, row] of baseCore.entries()) if (visibleAt(id, row)) ids.push(id);
            } else for (const entry of live!) ids.push(entry[0]);
            for (const id of added.ids()) ids.push(id);
            return ids;
          },
          (id) => {
            const own = added.get(id);
            if (own || baseCore) return own ?? baseCore!.get(id)!;
            liveRows ??= new Map(live);
            return liveRows.get(id)!;
          },
          undefined,
          base.spec.key,
        );
        if (page) return page;
        const entries = live ?? (await liveEntries(query.where, query.range));
        // One push per row: a spread of 100,000 arguments overflows the stack.
        for (const entry of added.matching(query.where, query.range)) entries.push(entry);
        return orderAndPage(entries, query, base.spec.key);
      });
    },
    count(where) {
      try {
        checkWhere(base.spec, where);
      } catch (e) {
        return Promise.reject(e);
      }
      return inOrder(async () => {
        assertOpen();
        if (!touched()) return base.count(where);
        return (await liveEntries(where)).length + added.count(where);
      });
    },
  };

  // Another stage's writes, taken as its calls would have made them: each filter deleted (a
  // `deleteWhere`), then the deleted keys (a `delete`), then every row (an `upsert`). The counts
  // those calls return are not wanted, so the live table is not read for them; the rows were
  // validated and keyed by the other stage, with this table's schema and key.
  ABSORB.set(table, (writes) =>
    inOrder(async () => {
      assertOpen();
      const w = writes as unknown as StagedWrites<Row, K>;
      for (const f of w.filters) {
        for (const [id, row] of added.matching(f, undefined)) {
          added.remove(id);
          deleted.set(id, added.keyObject(row as Row));
        }
        filters.push({ ...(f ?? {}) });
      }
      for (const [id, key] of w.deleted) {
        added.remove(id);
        deleted.set(id, added.keyObject(key));
      }
      for (const [id, row] of w.added.entries()) {
        deleted.delete(id);
        added.put(row, id);
      }
    }),
  );

  return {
    table,
    async writeTo(target) {
      // The stage itself holds its writes already (replaying them into itself never ended: each
      // call grew the lists it walked).
      if (target === table) return;
      // Another stage of the same table (same spec: same schema and key) takes the writes whole.
      const absorb = ABSORB.get(target);
      if (absorb && target.spec === base.spec) {
        await absorb({ filters, deleted, added } as unknown as StagedWrites<never, never>);
        return;
      }
      for (const f of filters) await target.deleteWhere(f);
      if (deleted.size > 0) await target.delete([...deleted.values()]);
      if (added.size > 0) await target.upsert(added.rows() as Row[]);
    },
    applyTo(core) {
      for (const f of filters) for (const [id] of core.matching(f, undefined)) core.remove(id);
      for (const id of deleted.keys()) core.remove(id);
      for (const [id, row] of added.entries()) core.put(row, id);
    },
  };
}

/** A store set's staged writes: see the module. */
export interface Stage<S extends object> {
  /** The store set as it reads with the staged writes (it has no `transaction` of its own). */
  readonly stores: S;
  /** Writes every table's stage to the same tables of `target` (inside its transaction). */
  writeTo(target: S): Promise<void>;
  /** Applies every table's stage to in-memory cores, synchronously (one step no reader sees half of). */
  applyTo(cores: Readonly<Record<string, MemoryCore<never, never>>>): void;
  /** Ends the stage: any later call on its tables throws. */
  close(): void;
}

/**
 * Stages writes over the tables of `stores` (any value of it that is a `Table`): reads go to the
 * live table with the stage applied, writes only to the stage.
 */
export function stageStores<S extends object>(stores: S, what = 'staged writes'): Stage<S> {
  let open = true;
  const assertOpen = (): void => {
    if (!open) throw new Error(`the stores of ${what} were used after it ended`);
  };
  const staged = new Map<string, StagedTable<unknown, never>>();
  for (const [name, value] of Object.entries(stores))
    if (isTable(value)) staged.set(name, stageTable(value as Table<unknown, never>, assertOpen));
  const view = Object.fromEntries([...staged].map(([name, s]) => [name, s.table])) as unknown as S;
  return {
    stores: view,
    async writeTo(target) {
      for (const [name, s] of staged) await s.writeTo((target as Record<string, Table<unknown, never>>)[name]!);
    },
    applyTo(cores) {
      for (const [name, s] of staged) {
        const core = cores[name];
        if (core) s.applyTo(core as unknown as MemoryCore<unknown, never>);
      }
    },
    close() {
      open = false;
    },
  };
}

/**
 * The `transaction` of in-memory stores over `cores`: `fn` gets a stage over the live tables (it
 * reads its own writes; nobody else sees them), and when it resolves the stage is applied to the
 * cores in one synchronous step, so a reader sees all of it or none; when it rejects, nothing is
 * applied. Transactions on one store set run one at a time (in call order).
 */
export function memoryTransaction<S extends object>(
  live: S,
  cores: Readonly<Record<string, MemoryCore<never, never>>>,
): <T>(fn: (stores: S) => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(fn: (stores: S) => Promise<T>): Promise<T> => {
    const run = queue.then(async () => {
      const stage = stageStores(live, 'a transaction');
      try {
        const out = await fn(stage.stores);
        stage.close();
        stage.applyTo(cores);
        return out;
      } finally {
        stage.close();
      }
    });
    queue = run.catch(() => undefined);
    return run;
  };
}

/** A store set's tables over fresh cores, with its in-memory `transaction`. */
export function memoryStoreSet<S extends object>(
  specs: Readonly<Record<string, object>>,
): S & { transaction<T>(fn: (stores: S) => Promise<T>): Promise<T> } {
  const cores: Record<string, MemoryCore<never, never>> = {};
  const tables: Record<string, Table<unknown>> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const core = storedCore(spec as TableSpec<unknown, never>);
    cores[name] = core as unknown as MemoryCore<never, never>;
    tables[name] = tableOverCore(core);
  }
  const live = tables as unknown as S;
  return withTransaction(live, memoryTransaction(live, cores));
}

/**
 * Sets `transaction` on a store set, not enumerable: `Object.keys` and `Object.entries` of a store
 * set list its tables only, as they did before store sets had transactions.
 */
export function withTransaction<S extends object>(
  stores: S,
  transaction: <T>(fn: (stores: S) => Promise<T>) => Promise<T>,
): S & { transaction<T>(fn: (stores: S) => Promise<T>): Promise<T> } {
  Object.defineProperty(stores, 'transaction', {
    value: transaction,
    enumerable: false,
    writable: true,
    configurable: true,
  });
  return stores as S & { transaction<T>(fn: (stores: S) => Promise<T>): Promise<T> };
}

/**
 * Runs `fn` in one transaction of `stores` when the store set offers one, else over the stores
 * directly: the engines' multi-statement writes (a catalog import, a replaced ranking) go through
 * here, so on the shipped stores a reader never sees them half done and a failure leaves the
 * tables as they were.
 */
export function atomically<S extends { transaction?<T>(fn: (stores: S) => Promise<T>): Promise<T> }, T>(
  stores: S,
  fn: (stores: S) => Promise<T>,
): Promise<T> {
  return stores.transaction ? stores.transaction(fn) : fn(stores);
}

/**
 * The store matrix of the engine tests (issue 14): one factory per shipped store set, for
 * `describe.each` (the in-memory default, and PostgreSQL in a fresh migrated schema of the test
 * database), and what the tests compare between them: results recorded per store under a name,
 * and every owned table scanned whole. PostgreSQL needs the local server: a test that creates
 * those stores fails (never skips) without it.
 */
import { expect } from 'vitest';
import { isSceneRadarError } from 'scene-radar';
import { createPostgresStores, migrate } from 'scene-radar/adapters/postgres';
import { createMemoryStores, type SceneRadarStores, type Table } from 'scene-radar/stores';
import { fileTestDatabase, TEST_DATABASE_URL } from './postgres.js';

/** The store sets of the matrix. */
export type StoreKind = 'memory' | 'postgres';

/** Stores for one run of a scenario. */
export interface MatrixStores {
  readonly kind: StoreKind;
  readonly stores: SceneRadarStores;
  /**
   * Stores over the same tables, as a second radar (a restarted process) would open them: the same
   * tables in memory; for PostgreSQL, new stores with a pool of their own on the same schema.
   */
  reopen(): Promise<{ readonly stores: SceneRadarStores; close(): Promise<void> }>;
  close(): Promise<void>;
}

/** One row of `describe.each`. */
export interface StoreFactory {
  readonly kind: StoreKind;
  create(): Promise<MatrixStores>;
}

/**
 * The factories, memory first. Call it at the top level of a test file: the PostgreSQL schemas it
 * creates are dropped after the file.
 */
export function storeMatrix(): readonly StoreFactory[] {
  const database = fileTestDatabase();
  return [
    {
      kind: 'memory',
      async create() {
        const stores = createMemoryStores();
        return {
          kind: 'memory',
          stores,
          reopen: async () => ({ stores, close: async () => undefined }),
          close: async () => undefined,
        };
      },
    },
    {
      kind: 'postgres',
      async create() {
        const db = await database();
        const schema = db.schemaName();
        await migrate({ pool: db.pool, schema });
        const stores = createPostgresStores({ pool: db.pool }, { schema });
        await stores.ready();
        return {
          kind: 'postgres',
          stores,
          async reopen() {
            const again = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 2 }, { schema });
            await again.ready();
            return { stores: again, close: () => again.close() };
          },
          close: () => stores.close(),
        };
      },
    },
  ];
}

/** Every owned table of the stores, scanned whole (primary key order), by name. */
export async function tablesOf(stores: SceneRadarStores): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const group of [stores.scenes, stores.talent])
    for (const [name, table] of Object.entries(group))
      if (typeof table === 'object' && table !== null && 'scan' in table)
        out[name] = [...(await (table as Table<unknown>).scan())];
  return out;
}

/**
 * {@link tablesOf} as JSON text per table, the `talent_radar_state` rows' random refresh id left
 * out: what two runs of the same refresh must write alike.
 */
export async function comparableTables(stores: SceneRadarStores): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, rows] of Object.entries(await tablesOf(stores)))
    out[name] = JSON.stringify(
      name === 'talent_radar_state'
        ? (rows as Array<{ value: object }>).map((r) => ({ ...r, value: { ...r.value, id: '<refresh id>' } }))
        : rows,
    );
  return out;
}

/** A value as a host would serialise it, with Maps as entry lists and run times left out. */
export function serialised(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => {
    if (key === 'durationMs') return undefined;
    if (v instanceof Map) return [...v];
    return v;
  });
}

/**
 * Results of the same scenario on each store, by name: `keep` records one, `expectSame` checks
 * that both stores recorded every name and gave the same serialised value for each.
 */
export class ResultLog {
  readonly #byName = new Map<string, Map<StoreKind, string>>();

  /** Records `value` (serialised now, so later changes to it do not count) and returns it. */
  keep<T>(kind: StoreKind, name: string, value: T): T {
    const runs = this.#byName.get(name) ?? new Map<StoreKind, string>();
    if (runs.has(kind)) throw new Error(`result "${name}" recorded twice on the ${kind} stores`);
    runs.set(kind, serialised(value));
    this.#byName.set(name, runs);
    return value;
  }

  /** Names recorded so far. */
  names(): string[] {
    return [...this.#byName.keys()];
  }

  /** Every name recorded on both stores, with equal values (each difference reported on its own). */
  expectSame(names: readonly string[]): void {
    expect(this.names().sort()).toEqual([...names].sort());
    for (const name of names) {
      const runs = this.#byName.get(name);
      expect.soft(runs?.get('memory'), `${name} on memory`).toBeDefined();
      expect.soft(runs?.get('postgres'), `${name}: postgres against memory`).toBe(runs?.get('memory'));
    }
  }
}

/**
 * A store set whose `table` rejects every upsert while `when()` holds (as a dropped connection
 * would), in a transaction too; every other call goes through.
 */
export function failingUpserts<S extends { transaction?<T>(fn: (tx: S) => Promise<T>): Promise<T> }>(
  stores: S,
  table: keyof S & string,
  when: () => boolean = () => true,
): S {
  const failing = (t: object): object =>
    new Proxy(t, {
      get(target, prop) {
        if (prop === 'upsert' && when()) return async () => Promise.reject(new Error('the connection dropped'));
        const value: unknown = Reflect.get(target, prop);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  const wrapped = (s: S): S => ({ ...s, [table]: failing(s[table] as object) });
  const transaction = stores.transaction?.bind(stores);
  return {
    ...wrapped(stores),
    ...(transaction ? { transaction: <T>(fn: (tx: S) => Promise<T>) => transaction((tx) => fn(wrapped(tx))) } : {}),
  };
}

/** What a call came to: its result, or its error's code (the error itself when it has no code). */
export function outcomeOf(work: Promise<unknown>): Promise<{ result: unknown } | { error: string }> {
  return work.then(
    (result) => ({ result }),
    (e: unknown) => ({ error: isSceneRadarError(e) ? e.code : `not a SceneRadarError: ${String(e)}` }),
  );
}

/**
 * @module testing/stores-suite
 * Conformance suite for a whole {@link SceneRadarStores}: all thirteen owned tables, each through the
 * table suite with generated sample rows, plus the shape of the store set itself.
 */
import {
  SCENES_TABLES,
  type SceneRadarStores,
  type ScenesStores,
  TALENT_TABLES,
  type TalentStores,
} from '../stores/specs.js';
import type { ScalarColumns, Table, TableSpec } from '../stores/table.js';
import { sampleRowsFor, type OwnedTableName, type OwnedTableRows } from './sample-rows.js';
import { attempt, violation } from './source-kit.js';
import { prefixCases, type ContractCase } from './suite.js';
import { tableContractSuite } from './table-suite.js';

/** Options of {@link storesContractSuite}. */
export interface StoresSuiteOptions {
  /** Creates a store set whose tables are all empty (called once per case). */
  readonly create: () => SceneRadarStores | Promise<SceneRadarStores>;
  /** Seed of the generated sample rows. @default 1 */
  readonly seed?: number;
}

/**
 * Conformance cases for a store set: every owned table through {@link tableContractSuite}, plus
 * checks that each table sits in the right engine's set under its own spec, and that writing one
 * table leaves the others alone. When a store set offers `transaction` (`ScenesStores.transaction`,
 * `TalentStores.transaction`), its guarantees are checked too: a rejected callback leaves every
 * table as it was, and a reader outside sees none of the writes before the commit and all after.
 * Those cases pass without checking anything on a set with no `transaction`: a store author who
 * ships one should assert that it is there.
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { registerContractSuite, storesContractSuite } from 'scene-radar/testing';
 *
 * registerContractSuite('postgres stores', storesContractSuite({ create: () => createPgStores(freshSchema()) }), { describe, it });
 * ```
 */
export function storesContractSuite(options: StoresSuiteOptions): ContractCase[] {
  const seed = options.seed ?? 1;
  const stores = (): Promise<SceneRadarStores> => attempt('stores', 'be created by options.create', options.create);
  const suite = <N extends OwnedTableName, K extends ScalarColumns<OwnedTableRows[N]>>(
    name: N,
    spec: TableSpec<OwnedTableRows[N], K>,
    pick: (s: SceneRadarStores) => Table<OwnedTableRows[N], K>,
  ): ContractCase[] =>
    prefixCases(
      `${name}: `,
      tableContractSuite(spec, {
        create: async () => pick(await stores()),
        sampleRows: (n) => sampleRowsFor(name, n, seed),
      }),
    );

  const shape: ContractCase[] = [
    {
      name: 'holds every owned table under its engine, with its own spec',
      async run() {
        const s = await stores();
        for (const [group, specs] of [
          ['scenes', SCENES_TABLES],
          ['talent', TALENT_TABLES],
        ] as const) {
          const tables = (s as unknown as Record<string, Record<string, Table<unknown> | undefined> | undefined>)[
            group
          ];
          for (const name of Object.keys(specs)) {
            const table = tables?.[name];
            if (!table || typeof table.upsert !== 'function')
              throw violation(
                'stores',
                `hold table ${name} under stores.${group}`,
                `stores.${group}.${name} is missing`,
              );
            if (table.spec?.name !== name)
              throw violation(
                'stores',
                `give table ${name} its own spec`,
                `stores.${group}.${name}.spec.name is ${String(table.spec?.name)}`,
              );
          }
        }
      },
    },
    {
      name: 'writing one table leaves the others unchanged',
      async run() {
        const s = await stores();
        await attempt('stores', 'accept valid rows', () =>
          s.scenes.scene_trends.upsert(sampleRowsFor('scene_trends', 3, seed)),
        );
        await attempt('stores', 'accept valid rows', () =>
          s.talent.talent_radar_scenes.upsert(sampleRowsFor('talent_radar_scenes', 2, seed)),
        );
        const counts = await Promise.all([
          s.scenes.scenes.count(),
          s.scenes.scene_trends.count(),
          s.talent.talent_radar_scenes.count(),
          s.talent.talent_radar_artists.count(),
        ]);
        if (counts.join(',') !== '0,3,2,0')
          throw violation(
            'stores',
            'keep each table separate',
            `counts of scenes, scene_trends, talent_radar_scenes, talent_radar_artists are ${counts.join(', ')} (expected 0, 3, 2, 0)`,
          );
      },
    },
  ];

  return [
    ...shape,
    ...transactionCases(stores, seed),
    ...suite('scenes', SCENES_TABLES.scenes, (s) => s.scenes.scenes),
    ...suite('microgenres', SCENES_TABLES.microgenres, (s) => s.scenes.microgenres),
    ...suite('scene_memberships', SCENES_TABLES.scene_memberships, (s) => s.scenes.scene_memberships),
    ...suite('scene_trends', SCENES_TABLES.scene_trends, (s) => s.scenes.scene_trends),
    ...suite('scene_relationships', SCENES_TABLES.scene_relationships, (s) => s.scenes.scene_relationships),
    ...suite(
      'scene_recommendations_cache',
      SCENES_TABLES.scene_recommendations_cache,
      (s) => s.scenes.scene_recommendations_cache,
    ),
    ...suite('scenes_state', SCENES_TABLES.scenes_state, (s) => s.scenes.scenes_state),
    ...suite('talent_radar_artists', TALENT_TABLES.talent_radar_artists, (s) => s.talent.talent_radar_artists),
    ...suite('talent_radar_scenes', TALENT_TABLES.talent_radar_scenes, (s) => s.talent.talent_radar_scenes),
    ...suite(
      'talent_radar_microgenres',
      TALENT_TABLES.talent_radar_microgenres,
      (s) => s.talent.talent_radar_microgenres,
    ),
    ...suite(
      'talent_radar_recommendations',
      TALENT_TABLES.talent_radar_recommendations,
      (s) => s.talent.talent_radar_recommendations,
    ),
    ...suite('talent_radar_state', TALENT_TABLES.talent_radar_state, (s) => s.talent.talent_radar_state),
    ...suite(
      'talent_radar_refresh_shards',
      TALENT_TABLES.talent_radar_refresh_shards,
      (s) => s.talent.talent_radar_refresh_shards,
    ),
  ];
}

/** A store set of one engine: its tables by name, and its optional transaction. */
type AnyStoreSet = Readonly<Record<string, Table<unknown>>> & {
  transaction?<T>(fn: (stores: AnyStoreSet) => Promise<T>): Promise<T>;
};

/**
 * Every table of a store set as one JSON string: each scanned whole (in the table's key order),
 * and each of the sample rows' keys read by `get` (null when absent), so a store whose `get`
 * answers from elsewhere than its scans (a cache) is seen too.
 */
async function snapshotOf(stores: AnyStoreSet, names: readonly string[], seed: number): Promise<string> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const table = stores[name]!;
    out[name] = await table.scan();
    const keys = sampleRowsFor(name as OwnedTableName, 5, seed).map((r) =>
      Object.fromEntries(table.spec.key.map((k) => [k, (r as Record<string, unknown>)[k]])),
    );
    const got: unknown[] = [];
    for (const key of keys) got.push((await table.get(key as never)) ?? null);
    out[`${name} (get)`] = got;
  }
  return JSON.stringify(out);
}

/** The transaction cases, for each engine's store set that offers one. */
function transactionCases(stores: () => Promise<SceneRadarStores>, seed: number): ContractCase[] {
  const groups = [
    {
      group: 'scenes',
      names: Object.keys(SCENES_TABLES) as OwnedTableName[],
      pick: (s: SceneRadarStores): AnyStoreSet => s.scenes as ScenesStores as unknown as AnyStoreSet,
    },
    {
      group: 'talent',
      names: Object.keys(TALENT_TABLES) as OwnedTableName[],
      pick: (s: SceneRadarStores): AnyStoreSet => s.talent as TalentStores as unknown as AnyStoreSet,
    },
  ] as const;

  /** Seeds every table of a set with two rows; returns rows for writes that differ from them. */
  const seedTables = async (set: AnyStoreSet, names: readonly OwnedTableName[]): Promise<Map<string, unknown[]>> => {
    const fresh = new Map<string, unknown[]>();
    for (const name of names) {
      const rows = sampleRowsFor(name, 5, seed) as unknown[];
      await attempt('stores', 'accept valid rows', () => set[name]!.upsert(rows.slice(0, 2)));
      fresh.set(name, rows.slice(2));
    }
    return fresh;
  };

  /** Writes of every kind to every table of the set: new rows, a replaced row, a delete, a deleteWhere. */
  const writeAll = async (
    tx: AnyStoreSet,
    names: readonly OwnedTableName[],
    fresh: Map<string, unknown[]>,
    seeded: AnyStoreSet,
  ): Promise<void> => {
    for (const [i, name] of names.entries()) {
      const table = tx[name]!;
      const [kept, gone] = await seeded[name]!.scan();
      await table.upsert(fresh.get(name)!);
      if (i % 2 === 0) {
        await table.deleteWhere({});
        await table.upsert(fresh.get(name)!.slice(0, 1));
      } else if (gone) {
        const key = Object.fromEntries(table.spec.key.map((k) => [k, (gone as Record<string, unknown>)[k]]));
        await table.delete([key]);
        if (kept) await table.upsert([kept]);
      }
    }
  };

  const cases: ContractCase[] = [];
  for (const { group, names, pick } of groups) {
    cases.push(
      {
        name: `${group}.transaction (when offered): a rejected callback leaves every table as it was`,
        async run() {
          const set = pick(await stores());
          if (!set.transaction) return;
          const fresh = await seedTables(set, names);
          const before = await snapshotOf(set, names, seed);
          const boom = new Error('rejected on purpose by the conformance suite');
          let caught: unknown;
          try {
            await set.transaction(async (tx) => {
              await writeAll(tx, names, fresh, set);
              throw boom;
            });
          } catch (e) {
            caught = e;
          }
          if (caught !== boom)
            throw violation(
              'stores',
              `reject ${group}.transaction with the callback's error`,
              caught === undefined ? 'it resolved' : `it rejected with ${String(caught)}`,
              caught,
            );
          const after = await snapshotOf(set, names, seed);
          if (after !== before)
            throw violation(
              'stores',
              `leave every ${group} table as it was when the transaction's callback rejects`,
              `the tables changed: ${after.slice(0, 300)}`,
            );
        },
      },
      {
        name: `${group}.transaction (when offered): a reader outside sees none of its writes before the commit, all after`,
        async run() {
          const set = pick(await stores());
          if (!set.transaction) return;
          const fresh = await seedTables(set, names);
          const before = await snapshotOf(set, names, seed);
          let release!: () => void;
          const gate = new Promise<void>((resolve) => {
            release = resolve;
          });
          let report!: (own: string) => void;
          const reported = new Promise<string>((resolve) => {
            report = resolve;
          });
          const committed = set.transaction(async (tx) => {
            await writeAll(tx, names, fresh, set);
            // What the callback reads of its own writes, then it holds the transaction open.
            report(await snapshotOf(tx, names, seed));
            await gate;
            return 'value';
          });
          // A transaction that fails before it reports fails the case (rather than hanging it).
          const own = await Promise.race([reported, committed.then(() => reported)]);
          const during = await snapshotOf(set, names, seed);
          release();
          const value = await committed;
          if (value !== 'value')
            throw violation('stores', `resolve ${group}.transaction to the callback's value`, String(value));
          if (own === before)
            throw violation(
              'stores',
              `let the callback of ${group}.transaction read its own writes`,
              'its reads showed none of them',
            );
          if (during !== before)
            throw violation(
              'stores',
              `hide ${group}.transaction's writes from readers outside it until the commit`,
              `a reader saw ${during.slice(0, 300)}`,
            );
          const after = await snapshotOf(set, names, seed);
          if (after !== own)
            throw violation(
              'stores',
              `show every write of ${group}.transaction after the commit`,
              `after the commit the tables read ${after.slice(0, 300)}, the callback read ${own.slice(0, 300)}`,
            );
        },
      },
    );
  }
  return cases;
}

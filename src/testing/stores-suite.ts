/**
 * @module testing/stores-suite
 * Conformance suite for a whole {@link SceneRadarStores}: all ten owned tables, each through the
 * table suite with generated sample rows, plus the shape of the store set itself.
 */
import { SCENES_TABLES, TALENT_TABLES, type SceneRadarStores } from '../stores/specs.js';
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
 * table leaves the others alone.
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
  ];
}

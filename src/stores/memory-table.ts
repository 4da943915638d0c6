/**
 * @module stores/memory-table
 * The embedded default store: tables in memory with a primary-key map and secondary indexes.
 */
import { storedCore } from './compact-core.js';
import { tableOverCore } from './memory-core.js';
import { memoryStoreSet } from './staged.js';
import type { ScalarColumns, Table, TableSpec } from './table.js';
import { SCENES_TABLES, TALENT_TABLES, type SceneRadarStores, type ScenesStores, type TalentStores } from './specs.js';

/**
 * Creates an in-memory {@link Table}. Rows are validated and deep-copied on write (through the
 * row schema) and frozen, so neither writers nor readers can corrupt stored rows.
 * @example
 * ```ts
 * const trends = memoryTable(SCENES_TABLES.scene_trends);
 * ```
 */
export function memoryTable<Row, K extends ScalarColumns<Row>>(spec: TableSpec<Row, K>): Table<Row, K> {
  return tableOverCore(storedCore(spec));
}

/**
 * In-memory tables of the Scenes Engine, with a `transaction`: its writes are staged where only
 * its callback reads them, then applied to every table in one synchronous step when the callback
 * resolves (so a reader sees all of them or none), or dropped when it rejects. Transactions on
 * one store set run one at a time.
 */
export function memoryScenesStores(): ScenesStores {
  return memoryStoreSet<ScenesStores>(SCENES_TABLES);
}

/** In-memory tables of the Talent Radar, with a `transaction` (as {@link memoryScenesStores}). */
export function memoryTalentStores(): TalentStores {
  return memoryStoreSet<TalentStores>(TALENT_TABLES);
}

/**
 * Both engines' tables, in memory: the embedded default.
 * @example
 * ```ts
 * const stores = createMemoryStores();
 * await stores.scenes.scenes.count();
 * ```
 */
export function createMemoryStores(): SceneRadarStores {
  return { scenes: memoryScenesStores(), talent: memoryTalentStores() };
}

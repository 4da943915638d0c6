/**
 * @module scene-radar/adapters/memory
 * The embedded default: in-memory sources over a dataset, in-memory stores, and the seeded demo
 * world that exercises every contract.
 */
export {
  type ArtistHistory,
  createEagerDataset,
  createMemorySources,
  type DatedMembership,
  type EagerDatasetInput,
  type MemoryDataset,
  type MemorySourcesOptions,
  type ScenePulseLookup,
} from './core.js';
export {
  createMemoryStores,
  memoryScenesStores,
  memoryTalentStores,
  memoryTable,
} from '../../src/stores/memory-table.js';
export * from './demo/index.js';

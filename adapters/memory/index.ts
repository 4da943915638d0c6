/**
 * @module scene-radar/adapters/memory
 * The embedded default: in-memory sources over a dataset, in-memory stores, and the seeded demo
 * world that exercises every contract.
 */
export { createMemorySources, type MemorySourcesOptions } from './sources.js';
export type { ArtistHistory, DatedMembership, MemoryDataset } from './dataset.js';
export {
  createMemoryStores,
  memoryScenesStores,
  memoryTalentStores,
  memoryTable,
} from '../../src/stores/memory-table.js';
export { createEagerDataset, type EagerDatasetInput, type ScenePulseLookup } from './eager-dataset.js';
export * from './demo/index.js';

/**
 * @module adapters/memory/core
 * The memory adapter without its demo world: in-memory sources over a dataset, and the eager
 * dataset a host's own tables fill. What another adapter builds on (the tabular import): the
 * adapter's index adds the demo world and its genre data (CC-BY-SA), which such an adapter must
 * neither load nor bundle. The second entry of this adapter other adapters may import (the
 * dependency rules say so); hosts import `scene-radar/adapters/memory`.
 */
export { createMemorySources, type MemorySourcesOptions } from './sources.js';
export type { ArtistHistory, DatedMembership, MemoryDataset } from './dataset.js';
export { createEagerDataset, type EagerDatasetInput, type ScenePulseLookup } from './eager-dataset.js';

/**
 * @module adapters/memory/demo
 * The seeded demo world: real scene and microgenre names from Every Noise at Once, artists
 * generated on demand, every source contract served in memory, and the ground truth to test
 * scores against.
 */
export { createDemoWorld, type DemoWorld, type DemoWorldStats } from './world.js';
export {
  DemoWorldOptionsSchema,
  MAX_DEMO_ARTISTS,
  resolveDemoWorldOptions,
  type DemoWorldOptions,
  type ResolvedDemoWorldOptions,
} from './options.js';
export { CAREERS, CAREER_SHARES, type Career } from './artist-headers.js';
export type { ArtistTruth, DayWindow, DemoTruth, SceneTruth, TruthSummary } from './truth.js';
export { breakoutDay, declineDay, type BreakoutRule, type DeclineRule } from './outcomes.js';
export { FINGERPRINT_DIM, MAX_SCENES, soundCentroid } from './catalog.js';
export { NAME_CAPACITY, createNameGenerator, type NameGenerator } from './names.js';
export { Rng, hashSeed } from './rng.js';
export { seededUuid } from './workspaces.js';
export {
  GENRE_DATA_ATTRIBUTION,
  GENRE_MICROGENRES,
  GENRE_SCENES,
  type GenreMicrogenre,
  type GenreScene,
} from '../data/genres.js';

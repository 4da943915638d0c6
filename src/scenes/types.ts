/**
 * @module scenes/types
 * What the Scenes Engine returns. The types are inferred from their Zod schemas in
 * `scenes/schemas` (one definition for the engine, the HTTP API and the OpenAPI document); this
 * module keeps the names where they have always been imported from.
 */
export type {
  CampaignActivity,
  ExplanationItem,
  MicrogenreShare,
  Page,
  SceneBatchItem,
  SceneItemStatus,
  ScenePulseArtist,
  ScenePulseSnapshot,
  TastemakerActivity,
} from './schemas.js';

/**
 * @module scene-radar/schemas
 * Every Zod schema the SDK validates with, and the types of the parts of its results:
 *
 * - what the sources answer (`ArtistRecordSchema`, `RcfEventSchema`, ...), for adapter authors
 *   who validate before they hand data over;
 * - the configuration (`SceneRadarConfigSchema` and its sections) and the breakout model;
 * - slugs (`SlugSchema` and the rule it states);
 * - the parts of the engines' results (a pulse's artists and explanation items, a profile's
 *   trajectory and score explanations, result metadata).
 *
 * The root entry exports the types a host names day to day; this entry is the reference.
 * @example
 * ```ts
 * import { RcfEventListSchema } from 'scene-radar/schemas';
 * const events = RcfEventListSchema.parse(await feed.fetch());
 * ```
 */
export * from './contracts/payloads.js';
export {
  CacheConfigSchema,
  MembershipConfigSchema,
  PayloadBoundsSchema,
  PulseConfigSchema,
  SceneRadarConfigSchema,
  ScenesConfigSchema,
  SourceSettingsSchema,
  TalentConfigSchema,
  ThresholdsSchema,
  type DeepPartial,
  type PayloadBounds,
} from './config.js';
export { MAX_SLUG_LENGTH, SLUG_MESSAGE, SLUG_PATTERN, SlugSchema, type Slug } from './core/slug.js';
export { MomentumWeightsSchema, RiskSeveritiesSchema, TalentModelConfigSchema } from './talent/model-config.js';
export {
  BREAKOUT_INPUTS,
  BreakoutInputsSchema,
  BreakoutModelSchema,
  BreakoutProvenanceSchema,
  BreakoutTermSchema,
  HostFeatureNameSchema,
  type BreakoutInput,
  type BreakoutModelInput,
  type BreakoutTerm,
} from './talent/breakout-model.js';
export type { HostFeatureReadOptions, HostFeatureSpec, HostFeatureValues } from './talent/host-features.js';
export type {
  CampaignActivity,
  ExplanationItem,
  MicrogenreShare,
  SceneItemStatus,
  ScenePulseArtist,
  TastemakerActivity,
} from './scenes/types.js';
export type { SourceOutcomes } from './scenes/schemas.js';
export type { CatalogImportResult, CatalogMicrogenreInput, CatalogSceneInput } from './scenes/catalog.js';
export type { MembershipReport, MembershipSourceCounts } from './scenes/memberships.js';
export type { SceneRecommendation } from './scenes/recommendations.js';
export type { SceneRelationshipLink } from './scenes/relationships.js';
export type { GlobalScenePulseSummary } from './scenes/scene-pulse.js';
export type { SceneTrendsSummary, TrendPeak } from './scenes/trends.js';
export type {
  ArtistFeatures,
  ArtistSignals,
  HostFeatureOutcome,
  ReadOutcome,
  SignalRead,
  SignalReadSpec,
} from './talent/signals-types.js';
export type { SignalContribution } from './talent/scoring.js';
export type {
  ArtistScores,
  BreakoutExplanation,
  FailedReadCounts,
  HotScene,
  LastRefreshAttempt,
  MomentumExplanation,
  ProfileItem,
  PulseSummary,
  RiskExplanation,
  SimilarArtist,
  StaleRecords,
  Trajectory,
  UnscoredArtist,
  WorkspaceRecommendation,
} from './talent/types.js';

/**
 * @module scene-radar/schemas
 * Every Zod schema the SDK validates with, and the types of the parts of its results:
 *
 * - what the sources answer (`ArtistRecordSchema`, `RcfEventSchema`, ...), for adapter authors
 *   who validate before they hand data over;
 * - the configuration (`SceneRadarConfigSchema` and its sections) and the breakout model;
 * - slugs (`SlugSchema` and the rule it states);
 * - the engines' results, each a schema with its type inferred from it, down to their parts (a
 *   pulse's artists and explanation items, a profile's trajectory and score explanations, result
 *   metadata), and the types of the options and state those results are read with.
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
// The results: each schema and the type inferred from it (also in `scene-radar/api` under the
// HTTP names, `*ResponseSchema`).
export * from './scenes/schemas.js';
export * from './talent/schemas.js';
export type { ReadonlyPayload } from './core/payload-schema.js';
export type { ItemErrorReason, ItemOutcome, ItemStatus, OutcomeCounts, Provenance } from './core/gateway/outcome.js';
export type { SceneState } from './scenes/engine.js';
export {
  MOMENTUM_COMPONENTS,
  RISK_COMPONENTS,
  type BandStat,
  type MomentumComponent,
  type PeerStats,
  type RiskComponent,
} from './talent/scoring.js';
export type { ActivityDistributions, Distribution, PopulationStats } from './talent/population.js';
export { STANDING_FIELDS, type StandingField } from './talent/feature-table.js';
export type { SignalsOptions } from './talent/signals-engine.js';
export type { ActivityBasis, ActivityProfile, RegionReach } from './talent/activity.js';
export type { CatalogImportResult, CatalogMicrogenreInput, CatalogSceneInput } from './scenes/catalog.js';
export type { MembershipReport, MembershipSourceCounts } from './scenes/memberships.js';
export type { SceneRecommendation } from './scenes/recommendations.js';
export type { SceneRelationshipLink } from './scenes/relationships.js';
export type { GlobalScenePulseSummary } from './scenes/scene-pulse.js';
export { hottestScenesOf, type HottestScenes, type RankedHottestScenes } from './contracts/sources.js';
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
// Operating a radar: the `logger` option's shape and the progress of long calls (the
// `onProgress` options and the `scene-radar:progress` channel's messages).
export type { SceneRadarLogger } from './core/observe/logger.js';
export type { ProgressCallback, ProgressMessage, ProgressOptions } from './core/observe/progress.js';

/**
 * @module scene-radar
 * Embeddable music scene and talent intelligence. This entry exports the contracts (sources,
 * stores, config, errors) and the core machinery (cache, source gateway). Implementations of the
 * contracts live in subpaths: `scene-radar/adapters/memory` (embedded default and demo world) and
 * `scene-radar/testing` (conformance suites for adapter authors).
 */
export * from './core/errors.js';
export * from './core/describe-error.js';
export * from './core/hooks.js';
export * from './core/slug.js';
export * from './core/clock.js';
export * from './core/time.js';
export * from './contracts/payloads.js';
export * from './contracts/sources.js';
export * from './contracts/registry.js';
export * from './config.js';
export * from './stores/table.js';
export * from './stores/tables.js';
export * from './stores/specs.js';
export * from './stores/memory-table.js';
export * from './core/cache/cache-store.js';
export * from './core/cache/cache.js';
export * from './core/gateway/deadline.js';
export * from './core/gateway/outcome.js';
export * from './core/gateway/gateway.js';
export * from './core/features/index.js';
export * from './scenes/types.js';
export * from './scenes/pulse-math.js';
export * from './scenes/membership-math.js';
export {
  type CatalogImportResult,
  type CatalogInput,
  type CatalogMicrogenreInput,
  type CatalogSceneInput,
  type ListScenesQuery,
} from './scenes/catalog.js';
export { type MembershipReport, type MembershipSourceCounts } from './scenes/memberships.js';
export {
  type RecommendationsQuery,
  type SceneRecommendation,
  type SceneRecommendations,
} from './scenes/recommendations.js';
export { type RelatedScene, type SceneRelationshipLink } from './scenes/relationships.js';
export {
  ScenePulse,
  type GlobalScenePulse,
  type GlobalScenePulseSummary,
  type RegionalScenePulse,
  type ScenePulseDeps,
} from './scenes/scene-pulse.js';
export { type SceneTrends, type SceneTrendsSummary, type TrendPeak } from './scenes/trends.js';
export {
  MAX_BACKFILL_DAYS,
  ScenesEngine,
  type SceneState,
  type BackfillReport,
  type ScenesEngineDeps,
  type ScenesRefreshReport,
} from './scenes/engine.js';
export { scenesAdapterFor } from './scenes/scenes-adapter.js';
export * from './radar.js';
export * from './core/validation.js';
export * from './core/gateway/universe.js';
export * from './core/gateway/scoped.js';
export * from './talent/model-config.js';
export * from './talent/breakout-model.js';
export { type ActivityBasis, type ActivityProfile, type RegionReach } from './talent/activity.js';
export { type ActivityDistributions, type Distribution, type PopulationStats } from './talent/population.js';
export {
  type HostFeature,
  type HostFeatureReadOptions,
  type HostFeatureSpec,
  type HostFeatureValues,
} from './talent/host-features.js';
export * from './talent/signals-types.js';
export * from './talent/types.js';
export * from './talent/features.js';
export * from './talent/feature-table.js';
export * from './talent/scoring.js';
export * from './talent/calibrate.js';
export { ArtistSignalsEngine, type ArtistSignalsEngineDeps, type SignalsOptions } from './talent/signals-engine.js';
export {
  RadarAggregator,
  type AggregatorRadarView,
  type ArtistProfileOptions,
  type GlobalPulseOptions,
  type RadarAggregatorDeps,
  type TopArtistsQuery,
  type WorkspaceRecommendationsQuery,
} from './talent/radar-aggregator.js';
export {
  TalentRadar,
  type ArtistScore,
  type CalibrationData,
  type CalibrationDataOptions,
  type LabelledOutcome,
  type ScoredArtists,
  type TalentRadarDeps,
} from './talent/talent-radar.js';
export { readOnlyTalentRadar, type ReadOnlyTalentRadar } from './talent/read-only.js';
export { artistRow, pulseArtist, trajectoryOf } from './talent/rows.js';
export { similarArtists } from './talent/similar.js';
export { rankForWorkspace, type RankedCandidate } from './talent/workspace.js';
export { opportunitiesOf, risksOf } from './talent/profile-items.js';

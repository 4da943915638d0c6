/**
 * @module scene-radar
 * Embeddable music scene and talent intelligence: what a host uses, and nothing else. Create a
 * radar over your sources ({@link createSceneRadar}), read its Scenes Engine and Talent Radar, and
 * handle its errors. The rest of the surface lives in subpaths, by audience:
 *
 * - `scene-radar/schemas`: every Zod schema (source payloads, config, breakout model) and the
 *   types of the parts of each result;
 * - `scene-radar/stores`: the table contract behind the owned tables, for a host's own store;
 * - `scene-radar/api`: the HTTP kit (fetch handler, envelopes, response schemas, OpenAPI);
 * - `scene-radar/adapters/memory`, `/adapters/tabular`, `/adapters/node`: sources and host glue;
 * - `scene-radar/adapters/postgres`, `/adapters/redis`, `/adapters/bullmq`: the owned tables in
 *   PostgreSQL, the cache tier and rate limiter in Redis, the sharded refresh over a job queue;
 * - `scene-radar/testing`: conformance suites for adapter authors;
 * - `scene-radar/backtest`: the harness that proves the breakout score on a host's data;
 * - `scene-radar/otel`: the radar's diagnostics channels as OpenTelemetry spans and metrics;
 * - `scene-radar/ui`: the dashboard pages, web components for the browser.
 */

// The radar: one call wires sources, stores, config and both engines.
export {
  createSceneRadar,
  type CacheEvent,
  type SceneRadar,
  type SceneRadarOptions,
  type SceneRadarRefreshReport,
  type SceneRadarStats,
} from './radar.js';
export type { SourceCallEvent } from './core/gateway/gateway.js';
export type { LatencyHistogram, RefreshStats, SourceCallStats } from './core/observe/stats.js';

// Configuration: defaults written once, resolved and validated.
export {
  DEFAULT_CONFIG,
  resolveConfig,
  SceneRadarConfigSchema,
  type SceneRadarConfig,
  type SceneRadarConfigInput,
} from './config.js';
export type { TalentModelConfig } from './talent/model-config.js';
export type { BreakoutModel } from './talent/breakout-model.js';
export type { HostFeature } from './talent/host-features.js';
export type { CalibrationResult } from './talent/calibrate.js';

// Errors: one class, one map of codes (the backtest harness has its own, `BacktestError`).
export {
  ERROR_CODES,
  isSceneRadarError,
  SceneRadarError,
  type ErrorCode,
  type SceneRadarErrorOptions,
} from './core/errors.js';
export { describeError } from './core/describe-error.js';

// Time.
export { fixedClock, systemClock, type Clock } from './core/clock.js';
export { SDK_VERSION } from './version.js';

// Slugs: how scenes and artists are named.
export { isSlug, slugify, uniqueSlugs, type UniqueSlugs } from './core/slug.js';

// The engines (the seed's classes): what `createSceneRadar` returns is made of them.
export {
  ScenesEngine,
  type BackfillReport,
  type ScenesRefreshReport,
} from './scenes/engine.js';
export {
  ScenePulse,
  type GlobalScenePulse,
  type RegionalScenePulse,
} from './scenes/scene-pulse.js';
export { TalentRadar } from './talent/talent-radar.js';
export {
  RadarAggregator,
  type ArtistProfileOptions,
  type GlobalPulseOptions,
  type TopArtistsQuery,
  type WorkspaceRecommendationsQuery,
} from './talent/radar-aggregator.js';
export { ArtistSignalsEngine } from './talent/signals-engine.js';
export { readOnlyTalentRadar, type ReadOnlyTalentRadar } from './talent/read-only.js';

// The sources a host plugs in (read-only adapters).
export type {
  ArtistPage,
  BatchResult,
  CMGAdapter,
  CoverageAdapter,
  FusionAdapter,
  HottestScenesQuery,
  IdentityKernelAdapter,
  ListArtistsQuery,
  MIGAdapter,
  RCFAdapter,
  SceneRadarSources,
  ScenesAdapter,
  SourceCallOptions,
  SourceName,
  SourceTraits,
  WindowedCallOptions,
  WorkspaceSource,
} from './contracts/sources.js';

// What the sources answer (their Zod schemas are in `scene-radar/schemas`).
export type {
  Article,
  ArtistNetwork,
  ArtistRecord,
  Campaign,
  CoherenceSeries,
  CollaboratorLink,
  DailySeries,
  EngagementSeries,
  RcfEvent,
  RcfEventType,
  ReleaseFingerprint,
  SceneMembership,
  ScenePulseSummary,
  SceneStage,
  TastemakerKind,
  TastemakerLink,
  Workspace,
} from './contracts/payloads.js';

// What the engines answer (the parts of each are in `scene-radar/schemas`).
export type { Page, SceneBatchItem, ScenePulseSnapshot } from './scenes/types.js';
export type { CatalogInput, ListScenesQuery } from './scenes/catalog.js';
export type { SceneTrends } from './scenes/trends.js';
export type { RelatedScene } from './scenes/relationships.js';
export type { RecommendationsQuery, SceneRecommendations } from './scenes/recommendations.js';
export type {
  ArtistProfile,
  GlobalPulse,
  PulseArtist,
  ResultMeta,
  ScoreExplanation,
  TalentRefreshReport,
  TopArtists,
  TopCategory,
  WorkspaceRecommendations,
} from './talent/types.js';

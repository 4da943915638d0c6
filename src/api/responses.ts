/**
 * @module api/responses
 * Zod schemas of every payload the HTTP API returns in `data`, one per payload (`*ResponseSchema`),
 * and the named schemas nested in them. They are the engines' own result schemas
 * (`scenes/schemas`, `talent/schemas`), from which the engines' TypeScript types are inferred:
 * this module only names them for HTTP and adds the API's pages and lists. Each schema carries
 * `.meta({ id })`, the TS type's name, so `z.toJSONSchema` emits named components for an OpenAPI
 * 3.1 document. Objects are plain (not strict): a host may add fields. Row payloads reuse the table
 * schemas of `stores/tables`, so a row and its response cannot drift apart.
 * @example
 * ```ts
 * import { z } from 'zod';
 * const pulse = await radar.scenes.pulse.getScenePulse('indie-uk-brighton');
 * ScenePulseResponseSchema.parse(pulse);
 * z.toJSONSchema(ScenePulseResponseSchema, { io: 'output' }); // $defs: ScenePulseArtist, ...
 * ```
 */
import { z } from 'zod';
import {
  GlobalScenePulseSchema,
  pageOf,
  RegionalScenePulseSchema,
  SceneBatchItemSchema,
  ScenePulseSnapshotSchema,
  SceneRecommendationsSchema,
  SceneTrendsSchema,
  RelatedSceneSchema,
} from '../scenes/schemas.js';
import { MicrogenreRowSchema, SceneMembershipRowSchema, SceneRowSchema } from '../stores/tables.js';
import {
  ArtistProfileSchema,
  GlobalPulseSchema,
  TopArtistsSchema,
  WorkspaceRecommendationsSchema,
} from '../talent/schemas.js';

// The named parts of the payloads, under the names this module has always exported them by.
export {
  CampaignActivitySchema,
  ExplanationItemSchema,
  GlobalScenePulseSummarySchema,
  MicrogenreShareSchema,
  OutcomeCountsSchema,
  RelatedSceneSchema,
  SceneBatchItemSchema,
  ScenePulseArtistSchema,
  SceneRecommendationSchema,
  SceneRegionCountSchema,
  SceneRelationshipLinkSchema,
  SceneTrendSnapshotSchema,
  SceneTrendsSummarySchema,
  TastemakerActivitySchema,
  TrendPeakSchema,
} from '../scenes/schemas.js';
export {
  ArtistMetadataSchema,
  BreakoutExplanationSchema,
  HotSceneSchema,
  MomentumExplanationSchema,
  ProfileItemSchema,
  PulseArtistSchema,
  PulseSummarySchema,
  ReadOutcomeSchema,
  ResultMetaSchema,
  RiskExplanationSchema,
  ScoreExplanationSchema,
  SignalContributionSchema,
  SimilarArtistSchema,
  TalentArtistSchema,
  TrajectorySchema,
  WorkspaceRecommendationSchema,
} from '../talent/schemas.js';

// ---------------------------------------------------------------------------------------------
// Scenes Engine: catalog (rows, and the API's pages of them)
// ---------------------------------------------------------------------------------------------

/** A scene definition (`SceneRow`): what `ScenesEngine.getScene` returns. */
export const SceneResponseSchema = SceneRowSchema.meta({
  id: 'SceneRow',
  description: 'A scene: a place and a sound.',
});

/** A page of scenes (`Page<SceneRow>`): `ScenesEngine.listScenes`. */
export const ScenePageResponseSchema = pageOf(SceneResponseSchema, 'ScenePage', 'scenes');

/** A microgenre definition (`MicrogenreRow`): `ScenesEngine.getMicrogenre`. */
export const MicrogenreResponseSchema = MicrogenreRowSchema.meta({
  id: 'MicrogenreRow',
  description: 'A microgenre, with its position in the sound map if it has one.',
});

/** A page of microgenres (`Page<MicrogenreRow>`): `ScenesEngine.listMicrogenres`. */
export const MicrogenrePageResponseSchema = pageOf(MicrogenreResponseSchema, 'MicrogenrePage', 'microgenres');

/**
 * An artist's membership of a scene (`SceneMembershipRow`), with its sound, place and people
 * components. (Not `SceneMembershipSchema`: that name is the MIG/Scenes source payload's.)
 */
export const SceneMembershipItemSchema = SceneMembershipRowSchema.meta({
  id: 'SceneMembershipRow',
  description: "An artist's membership of a scene, with its three components.",
});

/** A page of memberships (`Page<SceneMembershipRow>`): `ScenesEngine.listMemberships`. */
export const MembershipPageResponseSchema = pageOf(
  SceneMembershipItemSchema,
  'SceneMembershipPage',
  'scene memberships',
);

// ---------------------------------------------------------------------------------------------
// Scenes Engine: pulses, trends, relationships, recommendations
// ---------------------------------------------------------------------------------------------

/** The pulse of one scene (`ScenePulseSnapshot`): `ScenePulse.getScenePulse`. */
export const ScenePulseResponseSchema = ScenePulseSnapshotSchema;

/** Pulses of a batch of scenes (`SceneBatchItem[]`), in the order asked: `ScenePulse.batchProcessScenes`. */
export const SceneBatchResponseSchema = z
  .array(SceneBatchItemSchema)
  .meta({ id: 'SceneBatch', description: 'Pulses of a batch of scenes, in the order asked.' });

/** The global scene pulse (`GlobalScenePulse`): `ScenePulse.getGlobalPulse`. */
export const GlobalScenePulseResponseSchema = GlobalScenePulseSchema;

/** A region's scenes ranked by heat (`RegionalScenePulse`): `ScenePulse.getRegionalPulse`. */
export const RegionalScenePulseResponseSchema = RegionalScenePulseSchema;

/** A scene's trend over a span of days (`SceneTrends`): `ScenesEngine.getSceneTrends`. */
export const SceneTrendsResponseSchema = SceneTrendsSchema;

/** Scenes related to one scene, strongest first (`RelatedScene[]`): `ScenesEngine.getRelatedScenes`. */
export const RelatedScenesResponseSchema = z
  .array(RelatedSceneSchema)
  .meta({ id: 'RelatedScenes', description: 'Scenes related to one scene, strongest first.' });

/** Recommended scenes for one subject (`SceneRecommendations`): `ScenesEngine.recommendScenes`. */
export const SceneRecommendationsResponseSchema = SceneRecommendationsSchema;

// ---------------------------------------------------------------------------------------------
// Talent Radar
// ---------------------------------------------------------------------------------------------

/** The Talent Radar's global pulse (`GlobalPulse`, seed section 4 plus `meta`): `RadarAggregator.buildGlobalPulse`. */
export const GlobalPulseResponseSchema = GlobalPulseSchema;

/** An artist profile (`ArtistProfile`, seed section 4 plus `explanation`): `RadarAggregator.buildArtistProfile`. */
export const ArtistProfileResponseSchema = ArtistProfileSchema;

/** A top list (`TopArtists`): `RadarAggregator.getTopArtists`. */
export const TopArtistsResponseSchema = TopArtistsSchema;

/** Recommendations for a workspace (`WorkspaceRecommendations`): `RadarAggregator.getWorkspaceRecommendations`. */
export const WorkspaceRecommendationsResponseSchema = WorkspaceRecommendationsSchema;

/**
 * @module api/responses
 * Zod schemas of every payload the HTTP API returns in `data`, one per payload (`*ResponseSchema`),
 * mirroring the engines' TypeScript types field for field. Each schema carries `.meta({ id })`, the
 * TS type's name, so `z.toJSONSchema` emits named components for an OpenAPI 3.1 document. Objects
 * are plain (not strict): a host may add fields. Row payloads reuse the table schemas of
 * `stores/tables`, so a row and its response cannot drift apart.
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
  DaySchema,
  InstantSchema,
  MicrogenreRowSchema,
  SceneMembershipRowSchema,
  SceneRecommendationRowSchema,
  SceneRelationshipTypeSchema,
  SceneRowSchema,
  SceneStageSchema,
  SceneTrendRowSchema,
  SlugSchema,
  SOURCE_NAMES,
  TalentArtistMetadataSchema,
  TalentArtistRowSchema,
} from 'scene-radar';

const unit = z.number().min(0).max(1);
const percent = z.number().min(0).max(100);
const count = z.number().int().min(0);
// Zod 4's z.number() already rejects NaN and +-Infinity, which JSON cannot carry anyway.
const finite = z.number();

/** A page of `item`s (the engines' `Page<T>`). */
function pageOf<T extends z.ZodType>(item: T, id: string, what: string) {
  return z
    .object({
      items: z.array(item).describe('Items of this page.'),
      total: count.describe('Total matching items.'),
      limit: count.describe('Page size asked for.'),
      offset: count.describe('Items skipped.'),
    })
    .meta({ id, description: `A page of ${what}.` });
}

// ---------------------------------------------------------------------------------------------
// Scenes Engine: catalog
// ---------------------------------------------------------------------------------------------

/** A scene definition (`SceneRow`): what `ScenesEngine.getScene` returns. */
export const SceneResponseSchema = SceneRowSchema.meta({ id: 'SceneRow', description: 'A scene: a place and a sound.' });

/** A page of scenes (`Page<SceneRow>`): `ScenesEngine.listScenes`. */
export const ScenePageResponseSchema = pageOf(SceneResponseSchema, 'ScenePage', 'scenes');

/** A microgenre definition (`MicrogenreRow`): `ScenesEngine.getMicrogenre`. */
export const MicrogenreResponseSchema = MicrogenreRowSchema.meta({ id: 'MicrogenreRow', description: 'A microgenre, with its position in the sound map if it has one.' });

/** A page of microgenres (`Page<MicrogenreRow>`): `ScenesEngine.listMicrogenres`. */
export const MicrogenrePageResponseSchema = pageOf(MicrogenreResponseSchema, 'MicrogenrePage', 'microgenres');

/**
 * An artist's membership of a scene (`SceneMembershipRow`), with its sound, place and people
 * components. (Not `SceneMembershipSchema`: that name is the MIG/Scenes source payload's.)
 */
export const SceneMembershipItemSchema = SceneMembershipRowSchema.meta({ id: 'SceneMembershipRow', description: "An artist's membership of a scene, with its three components." });

/** A page of memberships (`Page<SceneMembershipRow>`): `ScenesEngine.listMemberships`. */
export const MembershipPageResponseSchema = pageOf(SceneMembershipItemSchema, 'SceneMembershipPage', 'scene memberships');

// ---------------------------------------------------------------------------------------------
// Scenes Engine: pulse
// ---------------------------------------------------------------------------------------------

/** Counts of source-read outcomes by status (`OutcomeCounts`). */
export const OutcomeCountsSchema = z
  .object({ ok: count, missing: count, timeout: count, error: count, absent: count })
  .meta({ id: 'OutcomeCounts', description: 'Source-read outcomes by status.' });

/** One signal's part in a scene's heat (`ExplanationItem`). */
export const ExplanationItemSchema = z
  .object({
    signal: z.string().describe('Signal name (`member_momentum`).'),
    source: z.enum(SOURCE_NAMES).describe('Source it was read from, or `scenes` for the engine\'s own tables.'),
    raw: finite.describe('Raw value, in the unit named by `unit`.'),
    unit: z.string().describe('Unit of `raw`.'),
    normalized: unit.describe('Normalised value, 0-1.'),
    weight: unit.describe('Weight in the score, 0-1 (renormalised over available signals).'),
    contribution: finite.describe('Contribution to the heat, in heat points.'),
    available: z.boolean().describe('False when the source gave no evidence (it then contributes nothing).'),
  })
  .meta({ id: 'ExplanationItem', description: "One signal's part in a scene's heat." });

/** An artist that drives a scene now (`ScenePulseArtist`). */
export const ScenePulseArtistSchema = z
  .object({
    artist_slug: SlugSchema,
    confidence: unit.describe('Membership confidence, 0-1.'),
    growth: finite.describe('Growth of daily organic engagement, last 30 days vs the 30 before (ratio minus one).'),
    engagement: finite.describe('Mean daily organic engagement over the last 30 days.'),
    reason: z.string().describe('Why it is listed.'),
  })
  .meta({ id: 'ScenePulseArtist', description: 'An artist that drives a scene now.' });

/** One microgenre's share of a scene (`MicrogenreShare`). */
export const MicrogenreShareSchema = z
  .object({ microgenre: SlugSchema, share: unit.describe('Confidence-weighted share among the members, 0-1.') })
  .meta({ id: 'MicrogenreShare', description: "One microgenre's share of a scene." });

/** Tastemaker attention to a scene's members (`TastemakerActivity`). */
export const TastemakerActivitySchema = z
  .object({
    new_links: count.describe('Tastemaker links to members that appeared in the current window.'),
    previous_new_links: count.describe('The same in the previous window.'),
    active_tastemakers: count.describe('Distinct tastemakers backing members as of the pulse.'),
  })
  .meta({ id: 'TastemakerActivity', description: "Tastemaker attention to a scene's members." });

/** Paid activity among a scene's members (`CampaignActivity`). */
export const CampaignActivitySchema = z
  .object({
    campaigning_members: count.describe('Members with paid engagement in the current window.'),
    paid_share: unit.describe('Paid share of members\' engagement in the window, 0-1.'),
  })
  .meta({ id: 'CampaignActivity', description: "Paid activity among a scene's members (never counted towards heat)." });

/** The pulse of one scene (`ScenePulseSnapshot`, what `ScenePulse.getScenePulse` returns). */
export const ScenePulseResponseSchema = z
  .object({
    scene_slug: SlugSchema,
    name: z.string(),
    region: z.string(),
    heat: percent.describe('Heat, 0-100.'),
    previous_heat: percent.describe('Heat of the previous window (30 days earlier), 0-100.'),
    growth: finite.describe('Change of heat against the previous window, relative (0.2 = +20%).'),
    stage: SceneStageSchema,
    total_members: count,
    active_members: count,
    new_members: count,
    rising_members: count,
    top_artists: z.array(ScenePulseArtistSchema),
    microgenre_mix: z.array(MicrogenreShareSchema),
    tastemaker_activity: TastemakerActivitySchema,
    campaign_activity: CampaignActivitySchema,
    explanation: z.array(ExplanationItemSchema),
    confidence: unit.describe('How much of the evidence was available, 0-1.'),
    sources: z.partialRecord(z.enum(SOURCE_NAMES), OutcomeCountsSchema).describe('Outcomes of the source reads behind this pulse.'),
    status: z.enum(['ok', 'degraded']).describe('`degraded` when a source was absent, failed or timed out.'),
    asOf: InstantSchema.describe('Instant the pulse is computed as of.'),
    updated_at: InstantSchema.describe('When it was computed.'),
    model_version: z.string(),
  })
  .meta({ id: 'ScenePulseSnapshot', description: 'How hot and how fast-moving a scene is, as of a time, with what drove it.' });

/** One scene of a batch (`SceneBatchItem`): its status and, for `ok` and `stale`, its pulse. */
export const SceneBatchItemSchema = z
  .object({
    slug: SlugSchema,
    status: z.enum(['ok', 'stale', 'timeout', 'error', 'not_found']),
    pulse: ScenePulseResponseSchema.optional(),
    message: z.string().optional().describe('What went wrong, for `timeout`, `error`, `not_found` (and `stale` served after a failure).'),
  })
  .meta({ id: 'SceneBatchItem', description: 'One scene of a batch: its status and, when there is one, its pulse.' });

/** Pulses of a batch of scenes (`SceneBatchItem[]`), in the order asked: `ScenePulse.batchProcessScenes`. */
export const SceneBatchResponseSchema = z.array(SceneBatchItemSchema).meta({ id: 'SceneBatch', description: 'Pulses of a batch of scenes, in the order asked.' });

/** How the scenes of the catalog ended in a global pulse (`GlobalScenePulseSummary`). */
export const GlobalScenePulseSummarySchema = z
  .object({ scenes: count, ok: count, stale: count, timeout: count, error: count, degraded: count })
  .meta({ id: 'GlobalScenePulseSummary', description: 'How the scenes of the catalog ended.' });

/** The global scene pulse (`GlobalScenePulse`): `ScenePulse.getGlobalPulse`. */
export const GlobalScenePulseResponseSchema = z
  .object({
    timestamp: InstantSchema.describe('When it was computed.'),
    asOf: InstantSchema,
    hottest: z.array(ScenePulseResponseSchema).describe('Hottest scenes, hottest first.'),
    fastestGrowing: z.array(ScenePulseResponseSchema).describe('Fastest-growing scenes, by heat growth.'),
    cooling: z.array(ScenePulseResponseSchema).describe('Cooling scenes, fastest-cooling first.'),
    summary: GlobalScenePulseSummarySchema,
  })
  .meta({ id: 'GlobalScenePulse', description: 'Hottest, fastest-growing and cooling scenes of the whole catalog.' });

/** A region's scenes ranked by heat (`RegionalScenePulse`): `ScenePulse.getRegionalPulse`. */
export const RegionalScenePulseResponseSchema = z
  .object({
    region: z.string(),
    asOf: InstantSchema,
    scenes: z.array(ScenePulseResponseSchema).describe('Scenes with a pulse, hottest first.'),
    unavailable: z.array(SceneBatchItemSchema).describe('Scenes of the region without a fresh pulse (timeout or error).'),
  })
  .meta({ id: 'RegionalScenePulse', description: "A region's scenes ranked by heat." });

// ---------------------------------------------------------------------------------------------
// Scenes Engine: trends, relationships, recommendations
// ---------------------------------------------------------------------------------------------

/** One daily snapshot of a scene's pulse (`SceneTrendRow`). */
export const SceneTrendSnapshotSchema = SceneTrendRowSchema.meta({ id: 'SceneTrendRow', description: "One daily snapshot of a scene's pulse." });

/** The hottest snapshot of a trend (`TrendPeak`). */
export const TrendPeakSchema = z.object({ day: DaySchema, heat: percent }).meta({ id: 'TrendPeak', description: 'The hottest snapshot of a trend.' });

/** Summary of a scene's trend series (`SceneTrendsSummary`). */
export const SceneTrendsSummarySchema = z
  .object({
    change: finite.describe('Heat on the last snapshot minus heat on the first.'),
    slope: finite.describe('Least-squares slope of heat, points per day.'),
    peak: TrendPeakSchema,
    coverage: z.number().min(0).describe('Snapshots in the span / days in the span.'),
  })
  .meta({ id: 'SceneTrendsSummary', description: "Summary of a scene's trend series." });

/** A scene's trend over a span of days (`SceneTrends`): `ScenesEngine.getSceneTrends`. */
export const SceneTrendsResponseSchema = z
  .object({
    scene_slug: SlugSchema,
    days: z.number().int().min(1).max(365).describe('Days asked for.'),
    from: DaySchema.describe('First day of the span.'),
    to: DaySchema.describe('Last day of the span.'),
    series: z.array(SceneTrendSnapshotSchema).describe('Stored daily snapshots, oldest first (days without one are absent).'),
    summary: SceneTrendsSummarySchema.nullable().describe('Summary of the series, or null when it is empty.'),
  })
  .meta({ id: 'SceneTrends', description: "A scene's trend over a span of days." });

/** One stored link between two scenes (`SceneRelationshipLink`). */
export const SceneRelationshipLinkSchema = z
  .object({ type: SceneRelationshipTypeSchema, weight: unit, evidence: count.describe('Shared members, microgenres or tastemakers, by type.') })
  .meta({ id: 'SceneRelationshipLink', description: 'One stored link between two scenes.' });

/** A related scene with the links that relate it (`RelatedScene`). */
export const RelatedSceneSchema = z
  .object({
    scene_slug: SlugSchema,
    weight: unit.describe('Mean weight over the three relationship types (a missing type counts 0).'),
    links: z.array(SceneRelationshipLinkSchema).describe('The stored links, strongest first.'),
  })
  .meta({ id: 'RelatedScene', description: 'A related scene with the links that relate it.' });

/** Scenes related to one scene, strongest first (`RelatedScene[]`): `ScenesEngine.getRelatedScenes`. */
export const RelatedScenesResponseSchema = z.array(RelatedSceneSchema).meta({ id: 'RelatedScenes', description: 'Scenes related to one scene, strongest first.' });

/** A recommended scene (`SceneRecommendation`: a `scene_recommendations_cache` row without its subject). */
export const SceneRecommendationSchema = SceneRecommendationRowSchema.omit({ subject: true }).meta({ id: 'SceneRecommendation', description: 'A recommended scene, with its fit, heat and reasons.' });

/** Recommended scenes for one subject (`SceneRecommendations`): `ScenesEngine.recommendScenes`. */
export const SceneRecommendationsResponseSchema = z
  .object({
    subject: z.string().describe('`artist:<slug>`, or `watch` for the watch list.'),
    items: z.array(SceneRecommendationSchema).describe('Recommended scenes, best first.'),
    stored: z.boolean().describe('Whether they were read from stored results rather than computed.'),
  })
  .meta({ id: 'SceneRecommendations', description: 'Recommended scenes for an artist, or the watch list.' });

// ---------------------------------------------------------------------------------------------
// Talent Radar
// ---------------------------------------------------------------------------------------------

/** An artist in a global pulse or top list (`PulseArtist`, the seed's fields). */
export const PulseArtistSchema = z
  .object({
    artist_slug: SlugSchema,
    momentum: percent.describe('Momentum, 0-100.'),
    breakout_score: unit.describe('Breakout probability, 0-1.'),
    risk_score: unit.describe('Risk, 0-1.'),
    scene_slug: SlugSchema.nullable().describe('Main scene, or null.'),
    microgenres: z.array(SlugSchema),
    updated_at: InstantSchema.describe('When the record was written.'),
  })
  .meta({ id: 'PulseArtist', description: 'An artist in a global pulse or top list.' });

/** A scene in the Talent Radar's global pulse (`HotScene`), from the Scenes Engine. */
export const HotSceneSchema = z
  .object({ scene_slug: SlugSchema, heat: percent, growth: finite, stage: SceneStageSchema, as_of: InstantSchema })
  .meta({ id: 'HotScene', description: 'A scene in the global pulse, from the Scenes Engine.' });

/** The global pulse's summary (`PulseSummary`, the seed's fields). */
export const PulseSummarySchema = z
  .object({
    totalArtistsTracked: count,
    avgMomentum: percent.describe('Mean momentum of the tracked artists (one decimal), 0-100.'),
    highBreakoutCount: count,
    highRiskCount: count,
  })
  .meta({ id: 'PulseSummary', description: 'Counts over every tracked artist.' });

/** Where a Talent Radar result's data came from and what was degraded (`ResultMeta`). */
export const ResultMetaSchema = z
  .object({
    asOf: InstantSchema.nullable().describe('The instant the records are as of (the last refresh), or null if none yet.'),
    model_version: z.string(),
    degraded: z.array(z.string()).describe('Notes about missing or failing sources; empty when nothing was degraded.'),
  })
  .meta({ id: 'ResultMeta', description: 'Provenance and degradation of a result.' });

/** The Talent Radar's global pulse (`GlobalPulse`, seed section 4 plus `meta`): `RadarAggregator.buildGlobalPulse`. */
export const GlobalPulseResponseSchema = z
  .object({
    timestamp: InstantSchema.describe('When the pulse was built.'),
    topRisingArtists: z.array(PulseArtistSchema),
    topBreakoutCandidates: z.array(PulseArtistSchema),
    artistsAtRisk: z.array(PulseArtistSchema),
    hottestScenes: z.array(HotSceneSchema),
    summary: PulseSummarySchema,
    meta: ResultMetaSchema,
  })
  .meta({ id: 'GlobalPulse', description: 'Rising artists, breakout candidates, artists at risk and the hottest scenes.' });

/** The seed's `metadata` object of an artist record (`TalentArtistRow['metadata']`). */
export const ArtistMetadataSchema = TalentArtistMetadataSchema.meta({ id: 'TalentArtistMetadata', description: "The seed's supporting figures of an artist record." });

/** An artist's Talent Radar record (`TalentArtistRow`, the seed's artist plus confidence, as-of and model version). */
export const TalentArtistSchema = TalentArtistRowSchema.extend({ metadata: ArtistMetadataSchema }).meta({ id: 'TalentArtistRow', description: "An artist's Talent Radar record." });

/** An opportunity or a risk in a profile (`ProfileItem`, the seed's fields). */
export const ProfileItemSchema = z
  .object({
    type: z.string().describe('Kind: `breakout`, `momentum`, `network`, `tastemakers`, `press`, `scene`; risks: `decline`, `incoherence`, `drift`, `paid_dependence`, `anomaly`, `stale_data`.'),
    description: z.string(),
    score: unit.describe('Strength, 0-1.'),
  })
  .meta({ id: 'ProfileItem', description: 'An opportunity or a risk.' });

/** A similar artist, with why (`SimilarArtist`). */
export const SimilarArtistSchema = z
  .object({ artist_slug: SlugSchema, similarity: unit, reasons: z.array(z.string()) })
  .meta({ id: 'SimilarArtist', description: 'A similar artist, with why.' });

/** Bands of the scores (`Trajectory`, the seed's trajectory). */
export const TrajectorySchema = z
  .object({
    momentum: z.enum(['rising', 'stable', 'declining']),
    breakoutPotential: z.enum(['high', 'medium', 'low']),
    riskLevel: z.enum(['high', 'medium', 'low']),
  })
  .meta({ id: 'Trajectory', description: 'Bands of the scores.' });

/** One explained signal of a Talent Radar score (`SignalContribution`). */
export const SignalContributionSchema = z
  .object({
    signal: z.string(),
    source: z.string().describe('Source(s) it comes from.'),
    raw: finite.nullable().describe('Raw value, or null without evidence.'),
    normalized: finite.nullable().describe('Normalised value fed to the score, or null without evidence.'),
    weight: finite.describe('Weight (or severity, for risk).'),
    contribution: finite.describe('Momentum: composite units; breakout: log-odds; risk: share of the score.'),
  })
  .meta({ id: 'SignalContribution', description: 'One explained signal of a score.' });

/** How one source read went for an artist (`ReadOutcome`). */
export const ReadOutcomeSchema = z
  .object({
    status: z.enum(['ok', 'missing', 'timeout', 'error', 'absent']),
    reason: z.string().optional().describe('For `timeout` and `error`: a client-safe reason.'),
  })
  .meta({ id: 'ReadOutcome', description: 'How one source read went.' });

/** Why momentum is what it is (`MomentumExplanation`). */
export const MomentumExplanationSchema = z
  .object({
    score: percent.describe('Momentum, 0-100.'),
    peers: z.enum(['population', 'prior']).describe('Peers the components were normalised against: the last refresh\'s population, or fixed priors.'),
    signals: z.array(SignalContributionSchema),
  })
  .meta({ id: 'MomentumExplanation', description: 'Momentum = 100 x logistic(sum of contributions / scale).' });

/** Why breakout_score is what it is (`BreakoutExplanation`). */
export const BreakoutExplanationSchema = z
  .object({
    score: unit.describe('Breakout probability, 0-1.'),
    event: z.string().describe('The named event it is the probability of.'),
    horizonDays: z.number().positive().describe('Horizon of the event, days.'),
    intercept: finite.describe('Intercept of the logistic model (log-odds).'),
    signals: z.array(SignalContributionSchema),
  })
  .meta({ id: 'BreakoutExplanation', description: 'Breakout = logistic(intercept + sum of contributions).' });

/** Why risk_score is what it is (`RiskExplanation`). */
export const RiskExplanationSchema = z
  .object({ score: unit.describe('Risk, 0-1.'), signals: z.array(SignalContributionSchema) })
  .meta({ id: 'RiskExplanation', description: 'The contributions add up to the risk score.' });

/** Why the scores are what they are (`ScoreExplanation`), signal by signal. */
export const ScoreExplanationSchema = z
  .object({
    asOf: InstantSchema,
    model_version: z.string(),
    confidence: unit.describe('Share of the evidence available, 0-1.'),
    sources: z
      .object({
        record: ReadOutcomeSchema,
        network: ReadOutcomeSchema,
        releases: ReadOutcomeSchema,
        campaigns: ReadOutcomeSchema,
        engagement: ReadOutcomeSchema,
        articles: ReadOutcomeSchema,
        events: ReadOutcomeSchema,
        coherence: ReadOutcomeSchema,
        memberships: ReadOutcomeSchema,
        scenePulse: ReadOutcomeSchema,
      })
      .describe('How each source read went.'),
    momentum: MomentumExplanationSchema,
    breakout: BreakoutExplanationSchema,
    risk: RiskExplanationSchema,
  })
  .meta({ id: 'ScoreExplanation', description: 'Why the scores are what they are.' });

/** An artist profile (`ArtistProfile`, seed section 4 plus `explanation`): `RadarAggregator.buildArtistProfile`. */
export const ArtistProfileResponseSchema = z
  .object({
    artist: TalentArtistSchema,
    opportunities: z.array(ProfileItemSchema).describe('Strongest first.'),
    risks: z.array(ProfileItemSchema).describe('Strongest first.'),
    similarArtists: z.array(SimilarArtistSchema).describe('Most similar first.'),
    trajectory: TrajectorySchema,
    explanation: ScoreExplanationSchema,
  })
  .meta({ id: 'ArtistProfile', description: "An artist's record, opportunities, risks, similar artists, trajectory and explanation." });

/** A top list (`TopArtists`): `RadarAggregator.getTopArtists`. */
export const TopArtistsResponseSchema = z
  .object({
    category: z.enum(['rising', 'breakout', 'risk']),
    artists: z.array(PulseArtistSchema).describe('Best first.'),
    total: count.describe('Artists that qualify for the category.'),
    meta: ResultMetaSchema,
  })
  .meta({ id: 'TopArtists', description: 'The top artists of a category.' });

/** One recommended artist for a workspace (`WorkspaceRecommendation`). */
export const WorkspaceRecommendationSchema = PulseArtistSchema.extend({
  rank: z.number().int().min(1).describe('Position, 1 = best.'),
  score: unit.describe('Recommendation score, 0-1 (fit x quality).'),
  reasons: z.array(z.string()),
}).meta({ id: 'WorkspaceRecommendation', description: 'One recommended artist for a workspace.' });

/** Recommendations for a workspace (`WorkspaceRecommendations`): `RadarAggregator.getWorkspaceRecommendations`. */
export const WorkspaceRecommendationsResponseSchema = z
  .object({
    workspace_id: z.uuid(),
    recommendations: z.array(WorkspaceRecommendationSchema).describe('Ranked artists.'),
    created_at: InstantSchema.describe('When they were computed.'),
    meta: ResultMetaSchema,
  })
  .meta({ id: 'WorkspaceRecommendations', description: 'Ranked artists for a workspace.' });

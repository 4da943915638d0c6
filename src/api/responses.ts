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
  type SceneItemStatus,
  type SourceName,
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
  TalentArtistMetadataSchema,
  TalentArtistRowSchema,
} from 'scene-radar';

const unit = z.number().min(0).max(1);
const percent = z.number().min(0).max(100);
const count = z.number().int().min(0);
// Zod 4's z.number() already rejects NaN and +-Infinity, which JSON cannot carry anyway.
const finite = z.number();

// Enums below are written as documented objects (`z.enum({ a: 'a' })`, which parses exactly like
// `z.enum(['a'])`) so that the API reference can show what each member means.

/**
 * Source slots, in the order of `SOURCE_NAMES`; `satisfies` fails to compile if a source is added
 * to or removed from `SourceName` without this list following.
 */
const SourceNameSchema = z.enum({
  /** Industry graph (MIG). */
  mig: 'mig',
  /** Creative graph (CMG). */
  cmg: 'cmg',
  /** Campaigns and engagement (Fusion). */
  fusion: 'fusion',
  /** Press coverage. */
  coverage: 'coverage',
  /** Real-time feed (RCF). */
  rcf: 'rcf',
  /** Identity coherence (Identity Kernel). */
  identityKernel: 'identityKernel',
  /** Scenes: in a scene pulse's explanation, the Scenes Engine's own tables. */
  scenes: 'scenes',
  /** Host workspaces. */
  workspaces: 'workspaces',
} as const satisfies { readonly [K in SourceName]: K });

/** Score bands of a trajectory, by the configured thresholds. */
const bands = {
  /** At or above the `high` threshold. */
  high: 'high',
  /** At or above the `medium` threshold, below `high`. */
  medium: 'medium',
  /** Below the `medium` threshold. */
  low: 'low',
} as const;

/** A page of `item`s (the engines' `Page<T>`). */
function pageOf<T extends z.ZodType>(item: T, id: string, what: string) {
  return z
    .object({
      /** Items of this page. */
      items: z.array(item).describe('Items of this page.'),
      /** Total matching items, an integer >= 0. */
      total: count.describe('Total matching items.'),
      /** Page size asked for, an integer >= 0. */
      limit: count.describe('Page size asked for.'),
      /** Items skipped, an integer >= 0. */
      offset: count.describe('Items skipped.'),
    })
    .meta({ id, description: `A page of ${what}.` });
}

// ---------------------------------------------------------------------------------------------
// Scenes Engine: catalog
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
// Scenes Engine: pulse
// ---------------------------------------------------------------------------------------------

/** Counts of source-read outcomes by status (`OutcomeCounts`). */
export const OutcomeCountsSchema = z
  .object({
    /** Items the source returned and that passed validation, an integer >= 0. */
    ok: count,
    /** Items the source answered without (it does not know the key; not an error), an integer >= 0. */
    missing: count,
    /** Items whose call did not finish in time, an integer >= 0. */
    timeout: count,
    /** Items whose call or validation failed, an integer >= 0. */
    error: count,
    /** Items asked of a source the host did not configure (no call was made), an integer >= 0. */
    absent: count,
  })
  .meta({ id: 'OutcomeCounts', description: 'Source-read outcomes by status.' });

/** One signal's part in a scene's heat (`ExplanationItem`). */
export const ExplanationItemSchema = z
  .object({
    /** Signal name (`member_momentum`). */
    signal: z.string().describe('Signal name (`member_momentum`).'),
    /** Source it was read from (`fusion`), or `scenes` for the engine's own tables. */
    source: SourceNameSchema.describe("Source it was read from, or `scenes` for the engine's own tables."),
    /** Raw value, in the unit named by `unit`. */
    raw: finite.describe('Raw value, in the unit named by `unit`.'),
    /** Unit of `raw`. */
    unit: z.string().describe('Unit of `raw`.'),
    /** Normalised value, 0-1. */
    normalized: unit.describe('Normalised value, 0-1.'),
    /** Weight in the score (0-1; weights of available signals are renormalised to sum to 1). */
    weight: unit.describe('Weight in the score, 0-1 (renormalised over available signals).'),
    /** Contribution to the score, in the score's own unit (heat points). */
    contribution: finite.describe('Contribution to the heat, in heat points.'),
    /** False when the signal's source gave no evidence (it then contributes nothing). */
    available: z.boolean().describe('False when the source gave no evidence (it then contributes nothing).'),
  })
  .meta({ id: 'ExplanationItem', description: "One signal's part in a scene's heat." });

/** An artist that drives a scene now (`ScenePulseArtist`). */
export const ScenePulseArtistSchema = z
  .object({
    /** Artist slug. */
    artist_slug: SlugSchema,
    /** Membership confidence, 0-1. */
    confidence: unit.describe('Membership confidence, 0-1.'),
    /** Growth of daily organic engagement, last 30 days vs the 30 before (ratio minus one). */
    growth: finite.describe('Growth of daily organic engagement, last 30 days vs the 30 before (ratio minus one).'),
    /** Mean daily organic engagement over the last 30 days. */
    engagement: finite.describe('Mean daily organic engagement over the last 30 days.'),
    /** Why it is listed. */
    reason: z.string().describe('Why it is listed.'),
  })
  .meta({ id: 'ScenePulseArtist', description: 'An artist that drives a scene now.' });

/** One microgenre's share of a scene (`MicrogenreShare`). */
export const MicrogenreShareSchema = z
  .object({
    /** Microgenre slug. */
    microgenre: SlugSchema,
    /** Confidence-weighted share among the scene's members, 0-1. */
    share: unit.describe('Confidence-weighted share among the members, 0-1.'),
  })
  .meta({ id: 'MicrogenreShare', description: "One microgenre's share of a scene." });

/** Tastemaker attention to a scene's members (`TastemakerActivity`). */
export const TastemakerActivitySchema = z
  .object({
    /** Tastemaker links to members that appeared in the current window (the last 30 days), an integer >= 0. */
    new_links: count.describe('Tastemaker links to members that appeared in the current window.'),
    /** The same in the previous window (the 30 days before), an integer >= 0. */
    previous_new_links: count.describe('The same in the previous window.'),
    /** Distinct tastemakers backing members as of the pulse, an integer >= 0. */
    active_tastemakers: count.describe('Distinct tastemakers backing members as of the pulse.'),
  })
  .meta({ id: 'TastemakerActivity', description: "Tastemaker attention to a scene's members." });

/** Paid activity among a scene's members (`CampaignActivity`). */
export const CampaignActivitySchema = z
  .object({
    /** Members with paid (campaign) engagement in the current window (the last 30 days), an integer >= 0. */
    campaigning_members: count.describe('Members with paid engagement in the current window.'),
    /** Paid share of members' engagement in the window, 0-1. */
    paid_share: unit.describe("Paid share of members' engagement in the window, 0-1."),
  })
  .meta({ id: 'CampaignActivity', description: "Paid activity among a scene's members (never counted towards heat)." });

/** The pulse of one scene (`ScenePulseSnapshot`, what `ScenePulse.getScenePulse` returns). */
export const ScenePulseResponseSchema = z
  .object({
    /** Scene slug. */
    scene_slug: SlugSchema,
    /** Scene name. */
    name: z.string(),
    /** Scene region. */
    region: z.string(),
    /** Heat, 0-100. */
    heat: percent.describe('Heat, 0-100.'),
    /** Heat of the previous window (30 days earlier), 0-100. */
    previous_heat: percent.describe('Heat of the previous window (30 days earlier), 0-100.'),
    /** Change of heat against the previous window, relative (0.2 = +20%). */
    growth: finite.describe('Change of heat against the previous window, relative (0.2 = +20%).'),
    /** Lifecycle stage. */
    stage: SceneStageSchema,
    /** Members (by stored membership) considered, an integer >= 0. */
    total_members: count,
    /** Members with organic engagement in the last 30 days, an integer >= 0. */
    active_members: count,
    /** Members whose membership began in the last 30 days, an integer >= 0. */
    new_members: count,
    /** Members growing fast from a real base, an integer >= 0. */
    rising_members: count,
    /** Members driving the scene, strongest first. */
    top_artists: z.array(ScenePulseArtistSchema),
    /** Share of each microgenre among members (confidence-weighted), largest first. */
    microgenre_mix: z.array(MicrogenreShareSchema),
    /** Tastemaker links to members that appeared in the last 30 days, and the 30 before. */
    tastemaker_activity: TastemakerActivitySchema,
    /** Members running paid campaigns and the paid share of engagement (last 30 days). */
    campaign_activity: CampaignActivitySchema,
    /** What drove the heat, signal by signal. */
    explanation: z.array(ExplanationItemSchema),
    /** How much of the evidence was available, 0-1. */
    confidence: unit.describe('How much of the evidence was available, 0-1.'),
    /** Outcomes of the source reads behind this pulse, by source (sources not read are absent). */
    sources: z
      .partialRecord(SourceNameSchema, OutcomeCountsSchema)
      .describe('Outcomes of the source reads behind this pulse.'),
    /** `degraded` when a source was absent, failed or timed out, or when memberships were never computed. */
    status: z
      .enum({
        /** No source read was absent, failed or timed out (a source not knowing a key is not a failure), and memberships were computed. */
        ok: 'ok',
        /** A source read was absent, failed or timed out, or memberships were never computed; `confidence` says how much evidence was left. */
        degraded: 'degraded',
      })
      .describe('`degraded` when a source was absent, failed or timed out, or when memberships were never computed.'),
    /** Instant the pulse is computed as of (ISO 8601). */
    asOf: InstantSchema.describe('Instant the pulse is computed as of.'),
    /** As-of instant of the membership refresh the members come from (ISO 8601), or null when memberships were never computed. */
    memberships_as_of: InstantSchema.nullable().describe(
      'As-of instant of the membership refresh the members come from, or null when memberships were never computed (the pulse then counts no member and is degraded).',
    ),
    /** When it was computed (ISO 8601). */
    updated_at: InstantSchema.describe('When it was computed.'),
    /** Version of the pulse model. */
    model_version: z.string(),
  })
  .meta({
    id: 'ScenePulseSnapshot',
    description: 'How hot and how fast-moving a scene is, as of a time, with what drove it.',
  });

/** One scene of a batch (`SceneBatchItem`): its status and, for `ok` and `stale`, its pulse. */
export const SceneBatchItemSchema = z
  .object({
    /** Scene slug. */
    slug: SlugSchema,
    /** `ok`, `stale` (an older pulse was served), `timeout`, `error`, `unavailable` or `not_found`. */
    status: z.enum({
      /** A fresh pulse was computed. */
      ok: 'ok',
      /** The pulse failed and the scene's last good pulse was served instead. */
      stale: 'stale',
      /** The pulse did not finish in time (and there was no earlier pulse to serve). */
      timeout: 'timeout',
      /** The pulse failed (and there was no earlier pulse to serve). */
      error: 'error',
      /** Heat unknown: Fusion failed for every member and there was no earlier pulse to serve. */
      unavailable: 'unavailable',
      /** No such scene. */
      not_found: 'not_found',
    } as const satisfies { readonly [K in SceneItemStatus]: K }),
    /** The pulse, for `ok` and `stale`. */
    pulse: ScenePulseResponseSchema.optional(),
    /** What went wrong, for `timeout`, `error` and `not_found` (and for `stale`, the failure that made it stale). */
    message: z
      .string()
      .optional()
      .describe('What went wrong, for `timeout`, `error`, `not_found` (and `stale` served after a failure).'),
  })
  .meta({ id: 'SceneBatchItem', description: 'One scene of a batch: its status and, when there is one, its pulse.' });

/** Pulses of a batch of scenes (`SceneBatchItem[]`), in the order asked: `ScenePulse.batchProcessScenes`. */
export const SceneBatchResponseSchema = z
  .array(SceneBatchItemSchema)
  .meta({ id: 'SceneBatch', description: 'Pulses of a batch of scenes, in the order asked.' });

/** How the scenes of the catalog ended in a global pulse (`GlobalScenePulseSummary`). */
export const GlobalScenePulseSummarySchema = z
  .object({
    /** Scenes in the catalog, an integer >= 0. */
    scenes: count,
    /** Scenes with a fresh pulse, an integer >= 0. */
    ok: count,
    /** Scenes served their last good pulse, an integer >= 0. */
    stale: count,
    /** Scenes whose pulse did not finish in time, an integer >= 0. */
    timeout: count,
    /** Scenes whose pulse failed, an integer >= 0. */
    error: count,
    /** Scenes whose heat is unknown (Fusion failed for every member, no earlier pulse kept), an integer >= 0. */
    unavailable: count,
    /** Scenes whose pulse was computed with a source absent, failing or late (`status: 'degraded'`), an integer >= 0. */
    degraded: count,
  })
  .meta({ id: 'GlobalScenePulseSummary', description: 'How the scenes of the catalog ended.' });

/** The global scene pulse (`GlobalScenePulse`): `ScenePulse.getGlobalPulse`. */
export const GlobalScenePulseResponseSchema = z
  .object({
    /** When it was computed (ISO 8601). */
    timestamp: InstantSchema.describe('When it was computed.'),
    /** As-of instant (ISO 8601). */
    asOf: InstantSchema,
    /** Hottest scenes, hottest first. */
    hottest: z.array(ScenePulseResponseSchema).describe('Hottest scenes, hottest first.'),
    /** Fastest-growing scenes, by heat growth. */
    fastestGrowing: z.array(ScenePulseResponseSchema).describe('Fastest-growing scenes, by heat growth.'),
    /** Cooling scenes, fastest-cooling first. */
    cooling: z.array(ScenePulseResponseSchema).describe('Cooling scenes, fastest-cooling first.'),
    /** How the scenes of the catalog ended. */
    summary: GlobalScenePulseSummarySchema,
    /** Notes for a reader: an empty scene catalog, scenes left out because their heat is unknown, stale pulses. */
    notes: z
      .array(z.string())
      .describe(
        'What a reader should know about these lists (an empty scene catalog, scenes whose heat is unknown, stale pulses); empty when nothing is amiss.',
      ),
  })
  .meta({ id: 'GlobalScenePulse', description: 'Hottest, fastest-growing and cooling scenes of the whole catalog.' });

/** A region's scenes ranked by heat (`RegionalScenePulse`): `ScenePulse.getRegionalPulse`. */
export const RegionalScenePulseResponseSchema = z
  .object({
    /** Region code (`uk`). */
    region: z.string(),
    /** As-of instant (ISO 8601). */
    asOf: InstantSchema,
    /** Scenes with a pulse, hottest first, at most `limit`. */
    scenes: z.array(ScenePulseResponseSchema).describe('Scenes with a pulse, hottest first.'),
    /** Scenes of the region without a fresh pulse (timeout or error). */
    unavailable: z
      .array(SceneBatchItemSchema)
      .describe('Scenes of the region without a fresh pulse (timeout or error).'),
  })
  .meta({ id: 'RegionalScenePulse', description: "A region's scenes ranked by heat." });

// ---------------------------------------------------------------------------------------------
// Scenes Engine: trends, relationships, recommendations
// ---------------------------------------------------------------------------------------------

/** One daily snapshot of a scene's pulse (`SceneTrendRow`). */
export const SceneTrendSnapshotSchema = SceneTrendRowSchema.meta({
  id: 'SceneTrendRow',
  description: "One daily snapshot of a scene's pulse.",
});

/** The hottest snapshot of a trend (`TrendPeak`). */
export const TrendPeakSchema = z
  .object({
    /** Its day (`YYYY-MM-DD`). */
    day: DaySchema,
    /** Its heat, 0-100. */
    heat: percent,
  })
  .meta({ id: 'TrendPeak', description: 'The hottest snapshot of a trend.' });

/** Summary of a scene's trend series (`SceneTrendsSummary`). */
export const SceneTrendsSummarySchema = z
  .object({
    /** Heat on the last snapshot minus heat on the first, in heat points. */
    change: finite.describe('Heat on the last snapshot minus heat on the first.'),
    /** Least-squares slope of heat, points per day. */
    slope: finite.describe('Least-squares slope of heat, points per day.'),
    /** Hottest snapshot. */
    peak: TrendPeakSchema,
    /** Snapshots in the span / days in the span, >= 0. */
    coverage: z.number().min(0).describe('Snapshots in the span / days in the span.'),
  })
  .meta({ id: 'SceneTrendsSummary', description: "Summary of a scene's trend series." });

/** A scene's trend over a span of days (`SceneTrends`): `ScenesEngine.getSceneTrends`. */
export const SceneTrendsResponseSchema = z
  .object({
    /** Scene slug. */
    scene_slug: SlugSchema,
    /** Days asked for (1-365). */
    days: z.number().int().min(1).max(365).describe('Days asked for.'),
    /** First day of the span (`YYYY-MM-DD`). */
    from: DaySchema.describe('First day of the span.'),
    /** Last day of the span (`YYYY-MM-DD`). */
    to: DaySchema.describe('Last day of the span.'),
    /** Stored daily snapshots in the span, oldest first (days without a snapshot are absent). */
    series: z
      .array(SceneTrendSnapshotSchema)
      .describe('Stored daily snapshots, oldest first (days without one are absent).'),
    /** Summary of the series, or null when it is empty. */
    summary: SceneTrendsSummarySchema.nullable().describe('Summary of the series, or null when it is empty.'),
  })
  .meta({ id: 'SceneTrends', description: "A scene's trend over a span of days." });

/** One stored link between two scenes (`SceneRelationshipLink`). */
export const SceneRelationshipLinkSchema = z
  .object({
    /** Relationship type: what the two scenes share. */
    type: SceneRelationshipTypeSchema,
    /** Link weight, 0-1. */
    weight: unit,
    /** Evidence count: shared members, microgenres or tastemakers, by type; an integer >= 0. */
    evidence: count.describe('Shared members, microgenres or tastemakers, by type.'),
  })
  .meta({ id: 'SceneRelationshipLink', description: 'One stored link between two scenes.' });

/** A related scene with the links that relate it (`RelatedScene`). */
export const RelatedSceneSchema = z
  .object({
    /** Related scene slug. */
    scene_slug: SlugSchema,
    /** Mean weight over the three relationship types (a missing type counts 0), 0-1. */
    weight: unit.describe('Mean weight over the three relationship types (a missing type counts 0).'),
    /** The stored links, strongest first. */
    links: z.array(SceneRelationshipLinkSchema).describe('The stored links, strongest first.'),
  })
  .meta({ id: 'RelatedScene', description: 'A related scene with the links that relate it.' });

/** Scenes related to one scene, strongest first (`RelatedScene[]`): `ScenesEngine.getRelatedScenes`. */
export const RelatedScenesResponseSchema = z
  .array(RelatedSceneSchema)
  .meta({ id: 'RelatedScenes', description: 'Scenes related to one scene, strongest first.' });

/** A recommended scene (`SceneRecommendation`: a `scene_recommendations_cache` row without its subject). */
export const SceneRecommendationSchema = SceneRecommendationRowSchema.omit({ subject: true }).meta({
  id: 'SceneRecommendation',
  description: 'A recommended scene, with its fit, heat and reasons.',
});

/** Recommended scenes for one subject (`SceneRecommendations`): `ScenesEngine.recommendScenes`. */
export const SceneRecommendationsResponseSchema = z
  .object({
    /** Who they are for: `artist:<slug>`, or `watch` for the watch list. */
    subject: z.string().describe('`artist:<slug>`, or `watch` for the watch list.'),
    /** Recommended scenes, best first. */
    items: z.array(SceneRecommendationSchema).describe('Recommended scenes, best first.'),
    /** Whether they were read from stored results rather than computed. */
    stored: z.boolean().describe('Whether they were read from stored results rather than computed.'),
    /** What the ranking rests on when it is incomplete; empty for a complete answer. */
    notes: z
      .array(z.string())
      .describe(
        'What the ranking rests on when it is incomplete (scenes left out, degraded pulses, failed artist reads, an empty catalog); empty for a complete answer.',
      ),
  })
  .meta({ id: 'SceneRecommendations', description: 'Recommended scenes for an artist, or the watch list.' });

// ---------------------------------------------------------------------------------------------
// Talent Radar
// ---------------------------------------------------------------------------------------------

/** An artist in a global pulse or top list (`PulseArtist`, the seed's fields). */
export const PulseArtistSchema = z
  .object({
    /** Artist slug. */
    artist_slug: SlugSchema,
    /** Momentum, 0-100. */
    momentum: percent.describe('Momentum, 0-100.'),
    /** Breakout probability, 0-1. */
    breakout_score: unit.describe('Breakout probability, 0-1.'),
    /** Risk, 0-1. */
    risk_score: unit.describe('Risk, 0-1.'),
    /** Main scene, or null. */
    scene_slug: SlugSchema.nullable().describe('Main scene, or null.'),
    /** Microgenre slugs. */
    microgenres: z.array(SlugSchema),
    /** When the record was written. */
    updated_at: InstantSchema.describe('When the record was written.'),
  })
  .meta({ id: 'PulseArtist', description: 'An artist in a global pulse or top list.' });

/** A scene in the Talent Radar's global pulse (`HotScene`), from the Scenes Engine. */
export const HotSceneSchema = z
  .object({
    /** Scene slug. */
    scene_slug: SlugSchema,
    /** Heat, 0-100. */
    heat: percent,
    /** Growth of heat against the previous window, relative (0.2 = +20%). */
    growth: finite,
    /** Lifecycle stage. */
    stage: SceneStageSchema,
    /** Instant the scene pulse is as of. */
    as_of: InstantSchema,
  })
  .meta({ id: 'HotScene', description: 'A scene in the global pulse, from the Scenes Engine.' });

/** The global pulse's summary (`PulseSummary`, the seed's fields). */
export const PulseSummarySchema = z
  .object({
    /** Artists with a current record, an integer >= 0. */
    totalArtistsTracked: count,
    /** Mean momentum of those artists (one decimal), 0-100. */
    avgMomentum: percent.describe('Mean momentum of the tracked artists (one decimal), 0-100.'),
    /** Artists at or above the high breakout threshold, an integer >= 0. */
    highBreakoutCount: count,
    /** Artists at or above the high risk threshold, an integer >= 0. */
    highRiskCount: count,
  })
  .meta({ id: 'PulseSummary', description: 'Counts over every tracked artist.' });

/** Where a Talent Radar result's data came from and what was degraded (`ResultMeta`). */
export const ResultMetaSchema = z
  .object({
    /** The instant the underlying records are as of (the last refresh), or null if none yet. */
    asOf: InstantSchema.nullable().describe(
      'The instant the records are as of (the last refresh), or null if none yet.',
    ),
    /** Scoring model version. */
    model_version: z.string(),
    /** Human-readable notes about missing or failing sources; empty when nothing was degraded. */
    degraded: z.array(z.string()).describe('Notes about missing or failing sources; empty when nothing was degraded.'),
    /** Records kept from an earlier refresh because a source failed for them later, and the oldest one's as-of. */
    stale: z
      .object({
        /** How many records are kept from an earlier refresh, an integer >= 0. */
        records: count,
        /** The as-of instant of the oldest of them, or null when there is none. */
        oldestAsOf: InstantSchema.nullable(),
      })
      .describe(
        "Records behind the result kept from an earlier refresh because a source failed for them in a later one, and the oldest one's as-of (null when none).",
      ),
    /** Per source, the artists whose read failed in the last refresh. */
    failedReads: z
      .object({
        /** MIG (artist records, networks). */
        mig: count.optional(),
        /** CMG (release fingerprints). */
        cmg: count.optional(),
        /** Fusion (campaigns, engagement). */
        fusion: count.optional(),
        /** Coverage (press articles). */
        coverage: count.optional(),
        /** RCF (real-time events). */
        rcf: count.optional(),
        /** IdentityKernel (coherence). */
        identityKernel: count.optional(),
        /** The Scenes Engine as the Talent Radar reads it. */
        scenes: count.optional(),
      })
      .describe(
        'Per source, the artists whose read failed (error or timeout) in the last refresh; those with a record from an earlier refresh kept it, the others were scored with the failed signals unknown.',
      ),
  })
  .meta({ id: 'ResultMeta', description: 'Provenance and degradation of a result.' });

/** The Talent Radar's global pulse (`GlobalPulse`, seed section 4 plus `meta`): `RadarAggregator.buildGlobalPulse`. */
export const GlobalPulseResponseSchema = z
  .object({
    /** When the pulse was built. */
    timestamp: InstantSchema.describe('When the pulse was built.'),
    /** Highest momentum among rising artists (momentum >= `thresholds.momentum.rising`). */
    topRisingArtists: z.array(PulseArtistSchema),
    /** Highest breakout scores (>= `thresholds.breakout.medium`). */
    topBreakoutCandidates: z.array(PulseArtistSchema),
    /** Highest risk scores (>= `thresholds.risk.medium`). */
    artistsAtRisk: z.array(PulseArtistSchema),
    /** Hottest scenes, from the Scenes Engine. */
    hottestScenes: z.array(HotSceneSchema),
    /** Counts over every tracked artist. */
    summary: PulseSummarySchema,
    /** Provenance and degradation. */
    meta: ResultMetaSchema,
  })
  .meta({
    id: 'GlobalPulse',
    description: 'Rising artists, breakout candidates, artists at risk and the hottest scenes.',
  });

/** The seed's `metadata` object of an artist record (`TalentArtistRow['metadata']`). */
export const ArtistMetadataSchema = TalentArtistMetadataSchema.meta({
  id: 'TalentArtistMetadata',
  description: "The seed's supporting figures of an artist record.",
});

/** An artist's Talent Radar record (`TalentArtistRow`, the seed's artist plus confidence, as-of and model version). */
export const TalentArtistSchema = TalentArtistRowSchema.extend({
  /** The seed's `metadata` object of supporting figures. */
  metadata: ArtistMetadataSchema,
}).meta({ id: 'TalentArtistRow', description: "An artist's Talent Radar record." });

/** An opportunity or a risk in a profile (`ProfileItem`, the seed's fields). */
export const ProfileItemSchema = z
  .object({
    /** Kind (`breakout`, `momentum`, `network`, `tastemakers`, `press`, `scene`; risks: `decline`, `incoherence`, `drift`, `paid_dependence`, `anomaly`, `stale_data`). */
    type: z
      .string()
      .describe(
        'Kind: `breakout`, `momentum`, `network`, `tastemakers`, `press`, `scene`; risks: `decline`, `incoherence`, `drift`, `paid_dependence`, `anomaly`, `stale_data`.',
      ),
    /** What it means for an A&R team. */
    description: z.string(),
    /** Strength, 0-1. */
    score: unit.describe('Strength, 0-1.'),
  })
  .meta({ id: 'ProfileItem', description: 'An opportunity or a risk.' });

/** A similar artist, with why (`SimilarArtist`). */
export const SimilarArtistSchema = z
  .object({
    /** Artist slug. */
    artist_slug: SlugSchema,
    /** Similarity, 0-1. */
    similarity: unit,
    /** Why: shared sound, scenes, microgenres, collaboration. */
    reasons: z.array(z.string()),
  })
  .meta({ id: 'SimilarArtist', description: 'A similar artist, with why.' });

/** Bands of the scores (`Trajectory`, the seed's trajectory). */
export const TrajectorySchema = z
  .object({
    /** Momentum band, by `thresholds.momentum`. */
    momentum: z.enum({
      /** Momentum at or above `thresholds.momentum.rising` (70 by default). */
      rising: 'rising',
      /** Momentum between the two thresholds. */
      stable: 'stable',
      /** Momentum below `thresholds.momentum.declining` (30 by default). */
      declining: 'declining',
    }),
    /** Breakout band, by `thresholds.breakout` (high 0.7, medium 0.4 by default). */
    breakoutPotential: z.enum(bands),
    /** Risk band, by `thresholds.risk` (high 0.6, medium 0.3 by default). */
    riskLevel: z.enum(bands),
  })
  .meta({ id: 'Trajectory', description: 'Bands of the scores.' });

/** One explained signal of a Talent Radar score (`SignalContribution`). */
export const SignalContributionSchema = z
  .object({
    /** Signal name (docs/scoring.md). */
    signal: z.string(),
    /** Source(s) it comes from. */
    source: z.string().describe('Source(s) it comes from.'),
    /** Raw value (its unit in docs/scoring.md), or null without evidence. */
    raw: finite.nullable().describe('Raw value, or null without evidence.'),
    /** Normalised value fed to the score, or null without evidence. */
    normalized: finite.nullable().describe('Normalised value fed to the score, or null without evidence.'),
    /** Weight (or severity, for risk). */
    weight: finite.describe('Weight (or severity, for risk).'),
    /** Contribution to the score: momentum in composite units, breakout in log-odds, risk as a share of the score. */
    contribution: finite.describe('Momentum: composite units; breakout: log-odds; risk: share of the score.'),
  })
  .meta({ id: 'SignalContribution', description: 'One explained signal of a score.' });

/** How one source read went for an artist (`ReadOutcome`). */
export const ReadOutcomeSchema = z
  .object({
    /** `ok`, `missing` (the source does not know the artist), `timeout`, `error` or `absent` (no such source). */
    status: z.enum({
      /** The source returned the item and it passed validation. */
      ok: 'ok',
      /** The source answered but does not know the artist (not an error). */
      missing: 'missing',
      /** The call did not finish in time. */
      timeout: 'timeout',
      /** The call or the item failed. */
      error: 'error',
      /** The host configured no such source; no call was made. */
      absent: 'absent',
    }),
    /** For `timeout` and `error`: a client-safe reason. */
    reason: z.string().optional().describe('For `timeout` and `error`: a client-safe reason.'),
  })
  .meta({ id: 'ReadOutcome', description: 'How one source read went.' });

/** Why momentum is what it is (`MomentumExplanation`). */
export const MomentumExplanationSchema = z
  .object({
    /** Momentum, 0-100. */
    score: percent.describe('Momentum, 0-100.'),
    /** Peers the components were normalised against: the last refresh's population, or fixed priors before any refresh. */
    peers: z
      .enum({
        /** The population of the last refresh. */
        population: 'population',
        /** Fixed priors (before any refresh). */
        prior: 'prior',
      })
      .describe("Peers the components were normalised against: the last refresh's population, or fixed priors."),
    /** Components (contribution in composite units; momentum = 100 x logistic(sum / scale)). */
    signals: z.array(SignalContributionSchema),
  })
  .meta({ id: 'MomentumExplanation', description: 'Momentum = 100 x logistic(sum of contributions / scale).' });

/** Why breakout_score is what it is (`BreakoutExplanation`). */
export const BreakoutExplanationSchema = z
  .object({
    /** Breakout probability, 0-1. */
    score: unit.describe('Breakout probability, 0-1.'),
    /** The named event it is the probability of. */
    event: z.string().describe('The named event it is the probability of.'),
    /** Horizon of the event, days (> 0). */
    horizonDays: z.number().positive().describe('Horizon of the event, days.'),
    /** Intercept of the logistic model (log-odds). */
    intercept: finite.describe('Intercept of the logistic model (log-odds).'),
    /** What the activity inputs were ranked against: the last refresh's population, or none yet (prior: standings unknown, the score is provisional). */
    peers: z
      .enum({
        /** The population of the last refresh. */
        population: 'population',
        /** No population yet (before any refresh): the activity standings add nothing. */
        prior: 'prior',
      })
      .describe(
        "What the activity inputs were ranked against: the last refresh's population, or none yet (provisional).",
      ),
    /** Inputs (contribution in log-odds; score = logistic(intercept + sum)). */
    signals: z.array(SignalContributionSchema),
  })
  .meta({ id: 'BreakoutExplanation', description: 'Breakout = logistic(intercept + sum of contributions).' });

/** Why risk_score is what it is (`RiskExplanation`). */
export const RiskExplanationSchema = z
  .object({
    /** Risk, 0-1. */
    score: unit.describe('Risk, 0-1.'),
    /** Components (contributions add up to the score). */
    signals: z.array(SignalContributionSchema),
  })
  .meta({ id: 'RiskExplanation', description: 'The contributions add up to the risk score.' });

/** Why the scores are what they are (`ScoreExplanation`), signal by signal. */
export const ScoreExplanationSchema = z
  .object({
    /** As-of instant of the signals. */
    asOf: InstantSchema,
    /** Scoring model version. */
    model_version: z.string(),
    /** Share of the evidence available, 0-1. */
    confidence: unit.describe('Share of the evidence available, 0-1.'),
    /** How each source read went. */
    sources: z
      .object({
        /** The artist's record (MIG `getArtists`). */
        record: ReadOutcomeSchema,
        /** The artist's tastemaker and collaborator network (MIG `getNetworks`). */
        network: ReadOutcomeSchema,
        /** The artist's releases (CMG `getReleases`). */
        releases: ReadOutcomeSchema,
        /** The artist's marketing campaigns (Fusion `getCampaigns`). */
        campaigns: ReadOutcomeSchema,
        /** The artist's daily engagement (Fusion `getEngagement`). */
        engagement: ReadOutcomeSchema,
        /** Press articles about the artist (Coverage `getArticles`). */
        articles: ReadOutcomeSchema,
        /** Real-time events about the artist (RCF `getEvents`). */
        events: ReadOutcomeSchema,
        /** The artist's identity coherence (Identity Kernel `getCoherence`). */
        coherence: ReadOutcomeSchema,
        /** The artist's scene memberships (Scenes `getMemberships`). */
        memberships: ReadOutcomeSchema,
        /** Pulses of the artist's scenes (Scenes `getScenePulses`). */
        scenePulse: ReadOutcomeSchema,
      })
      .describe('How each source read went.'),
    /** Momentum: 100 x logistic(composite / scale); composite = sum of contributions. */
    momentum: MomentumExplanationSchema,
    /** Breakout: logistic(intercept + sum of contributions). */
    breakout: BreakoutExplanationSchema,
    /** Risk: the contributions add up to the score. */
    risk: RiskExplanationSchema,
  })
  .meta({ id: 'ScoreExplanation', description: 'Why the scores are what they are.' });

/** An artist profile (`ArtistProfile`, seed section 4 plus `explanation`): `RadarAggregator.buildArtistProfile`. */
export const ArtistProfileResponseSchema = z
  .object({
    /** The artist's record, as stored in `talent_radar_artists`. */
    artist: TalentArtistSchema,
    /** Opportunities, strongest first. */
    opportunities: z.array(ProfileItemSchema).describe('Strongest first.'),
    /** Risks, strongest first. */
    risks: z.array(ProfileItemSchema).describe('Strongest first.'),
    /** Similar artists, most similar first. */
    similarArtists: z.array(SimilarArtistSchema).describe('Most similar first.'),
    /** Score bands. */
    trajectory: TrajectorySchema,
    /** Per-signal explanation of each score. */
    explanation: ScoreExplanationSchema,
  })
  .meta({
    id: 'ArtistProfile',
    description: "An artist's record, opportunities, risks, similar artists, trajectory and explanation.",
  });

/** A top list (`TopArtists`): `RadarAggregator.getTopArtists`. */
export const TopArtistsResponseSchema = z
  .object({
    /** The category. */
    category: z.enum({
      /** Artists with momentum at or above `thresholds.momentum.rising`, by momentum. */
      rising: 'rising',
      /** Artists with a breakout score at or above `thresholds.breakout.medium`, by breakout score. */
      breakout: 'breakout',
      /** Artists with a risk score at or above `thresholds.risk.medium`, by risk score. */
      risk: 'risk',
    }),
    /** Artists, best first. */
    artists: z.array(PulseArtistSchema).describe('Best first.'),
    /** Artists that qualify for the category (at or above its threshold), an integer >= 0. */
    total: count.describe('Artists that qualify for the category.'),
    /** Provenance. */
    meta: ResultMetaSchema,
  })
  .meta({ id: 'TopArtists', description: 'The top artists of a category.' });

/** One recommended artist for a workspace (`WorkspaceRecommendation`). */
export const WorkspaceRecommendationSchema = PulseArtistSchema.extend({
  /** Position, 1 = best. */
  rank: z.number().int().min(1).describe('Position, 1 = best.'),
  /** Recommendation score, 0-1 (fit x quality). */
  score: unit.describe('Recommendation score, 0-1 (fit x quality).'),
  /** Why. */
  reasons: z.array(z.string()),
}).meta({ id: 'WorkspaceRecommendation', description: 'One recommended artist for a workspace.' });

/** Recommendations for a workspace (`WorkspaceRecommendations`): `RadarAggregator.getWorkspaceRecommendations`. */
export const WorkspaceRecommendationsResponseSchema = z
  .object({
    /** The workspace (a UUID). */
    workspace_id: z.uuid(),
    /** Ranked artists. */
    recommendations: z.array(WorkspaceRecommendationSchema).describe('Ranked artists.'),
    /** When they were computed. */
    created_at: InstantSchema.describe('When they were computed.'),
    /** Provenance. */
    meta: ResultMetaSchema,
  })
  .meta({ id: 'WorkspaceRecommendations', description: 'Ranked artists for a workspace.' });

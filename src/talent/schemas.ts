/**
 * @module talent/schemas
 * What the Talent Radar returns, written once: each result is a Zod schema, and its TypeScript
 * type is inferred from it (`z.output`), so the radar's types, the HTTP API's response schemas
 * (`scene-radar/api` re-exports these) and the OpenAPI document cannot drift apart. The seed's
 * global pulse and artist profile shapes (section 4: snake_case artist fields, camelCase envelope
 * fields) plus the explanation, top lists and workspace recommendations.
 *
 * Field documentation is the JSDoc on each property of a shape; `fields(key, shape)` gives the
 * fields the same text as `.describe()` from the generated `schema-docs.ts` (run
 * `npx tsx scripts/schema-docs.ts` after editing a comment). A type's documentation is the JSDoc
 * on its exported type alias, which `named(id)` gives the schema as its OpenAPI description.
 */
import { z } from 'zod';
import { InstantSchema, SceneStageSchema } from '../contracts/payloads.js';
import type { ItemStatus } from '../core/gateway/outcome.js';
import { count, describeFields, finite, percent, type ReadonlyPayload, unit } from '../core/payload-schema.js';
import { SlugSchema } from '../core/slug.js';
import { TalentArtistMetadataSchema, type TalentArtistRow, TalentArtistRowSchema } from '../stores/tables.js';
import { FIELD_DOCS, TYPE_DOCS } from './schema-docs.js';

/** The shape `key` with its generated field descriptions (see the module comment). */
function fields<S extends Record<string, z.ZodType>>(key: keyof typeof FIELD_DOCS, shape: S): S {
  return describeFields(FIELD_DOCS[key], shape);
}

/** The OpenAPI id of a schema and, as its description, the JSDoc of the type alias of that name. */
function named(id: keyof typeof TYPE_DOCS): { id: string; description: string } {
  return { id, description: TYPE_DOCS[id] };
}

/** Score bands of a trajectory, by the configured thresholds. */
const bands = {
  /** At or above the `high` threshold. */
  high: 'high',
  /** At or above the `medium` threshold, below `high`. */
  medium: 'medium',
  /** Below the `medium` threshold. */
  low: 'low',
} as const;

// ---------------------------------------------------------------------------------------------
// Global pulse and top lists
// ---------------------------------------------------------------------------------------------

/** Schema of {@link PulseArtist}. */
export const PulseArtistSchema = z
  .object(
    fields('PulseArtist', {
      /** Artist slug. */
      artist_slug: SlugSchema,
      /** Momentum, 0-100. */
      momentum: percent,
      /** Breakout probability, 0-1. */
      breakout_score: unit,
      /** Risk, 0-1. */
      risk_score: unit,
      /** Main scene, or null. */
      scene_slug: SlugSchema.nullable(),
      /** Microgenre slugs. */
      microgenres: z.array(SlugSchema),
      /** When the record was written. */
      updated_at: InstantSchema,
    }),
  )
  .meta(named('PulseArtist'));
/**
 * An artist in a global pulse or top list (the seed's fields).
 * @interface
 */
export type PulseArtist = ReadonlyPayload<z.output<typeof PulseArtistSchema>>;

/** Schema of {@link HotScene}. */
export const HotSceneSchema = z
  .object(
    fields('HotScene', {
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
    }),
  )
  .meta(named('HotScene'));
/**
 * A scene in the global pulse, from the Scenes Engine (through `ScenesAdapter`).
 * @interface
 */
export type HotScene = ReadonlyPayload<z.output<typeof HotSceneSchema>>;

/** Schema of {@link PulseSummary}. */
export const PulseSummarySchema = z
  .object(
    fields('PulseSummary', {
      /** Artists with a current record, an integer >= 0. */
      totalArtistsTracked: count,
      /** Mean momentum of those artists (one decimal), 0-100. */
      avgMomentum: percent,
      /** Artists at or above the high breakout threshold, an integer >= 0. */
      highBreakoutCount: count,
      /** Artists at or above the high risk threshold, an integer >= 0. */
      highRiskCount: count,
    }),
  )
  .meta(named('PulseSummary'));
/**
 * The global pulse's summary (the seed's fields): counts over every tracked artist.
 * @interface
 */
export type PulseSummary = ReadonlyPayload<z.output<typeof PulseSummarySchema>>;

/** Schema of {@link StaleRecords} (inline in the OpenAPI document: it has no id). */
export const StaleRecordsSchema = z.object(
  fields('StaleRecords', {
    /** How many records are kept from an earlier refresh, an integer >= 0. */
    records: count,
    /** The as-of instant of the oldest of them (ISO 8601), or null when there is none. */
    oldestAsOf: InstantSchema.nullable(),
  }),
);
/**
 * Records behind a result that were kept from an earlier refresh (see `ResultMeta.stale`).
 * @interface
 */
export type StaleRecords = ReadonlyPayload<z.output<typeof StaleRecordsSchema>>;

/** Schema of {@link FailedReadCounts} (inline in the OpenAPI document: it has no id). */
export const FailedReadCountsSchema = z.object(
  fields('FailedReadCounts', {
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
    /** The Scenes Engine as the Talent Radar reads it (memberships, scene pulses). */
    scenes: count.optional(),
  }),
);
/**
 * Per source, the artists whose read failed (error or timeout) in a refresh; a source with none is left out.
 * @interface
 */
export type FailedReadCounts = ReadonlyPayload<z.output<typeof FailedReadCountsSchema>>;

/** Schema of {@link ResultMeta}. */
export const ResultMetaSchema = z
  .object(
    fields('ResultMeta', {
      /** The instant the underlying records are as of (the last refresh), or null if none yet. */
      asOf: InstantSchema.nullable(),
      /** Scoring model version. */
      model_version: z.string(),
      /** Human-readable notes about missing or failing sources; empty when nothing was degraded. */
      degraded: z.array(z.string()),
      /**
       * Records behind this result kept from an earlier refresh (a source failed for them in a
       * later one, or their artist was missing from its artist list; `degraded` says how many of
       * each), with their scores as of `oldestAsOf` at the earliest, by count. 0 and null when
       * every record is as of the last refresh.
       */
      stale: StaleRecordsSchema,
      /**
       * Per source, the artists whose read failed (error or timeout) in the last refresh this
       * radar ran; those with a record from an earlier refresh kept it, the others were scored
       * with the failed signals unknown. Empty when no read failed (or no refresh ran in this
       * process).
       */
      failedReads: FailedReadCountsSchema,
    }),
  )
  .meta(named('ResultMeta'));
/**
 * Where a result's data came from and what was degraded.
 * @interface
 */
export type ResultMeta = ReadonlyPayload<z.output<typeof ResultMetaSchema>>;

/** Schema of {@link GlobalPulse}, what `RadarAggregator.buildGlobalPulse` returns. */
export const GlobalPulseSchema = z
  .object(
    fields('GlobalPulse', {
      /** When the pulse was built. */
      timestamp: InstantSchema,
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
    }),
  )
  .meta(named('GlobalPulse'));
/**
 * The global pulse (seed section 4) plus `meta`: rising artists, breakout candidates, artists at
 * risk and the hottest scenes.
 * @interface
 */
export type GlobalPulse = ReadonlyPayload<z.output<typeof GlobalPulseSchema>>;

/** Schema of {@link TopCategory}. */
export const TopCategorySchema = z.enum({
  /** Artists with momentum at or above `thresholds.momentum.rising`, by momentum. */
  rising: 'rising',
  /** Artists with a breakout score at or above `thresholds.breakout.medium`, by breakout score. */
  breakout: 'breakout',
  /** Artists with a risk score at or above `thresholds.risk.medium`, by risk score. */
  risk: 'risk',
});
/** A top-list category. */
export type TopCategory = z.output<typeof TopCategorySchema>;

/** Schema of {@link TopArtists}, what `RadarAggregator.getTopArtists` returns. */
export const TopArtistsSchema = z
  .object(
    fields('TopArtists', {
      /** The category. */
      category: TopCategorySchema,
      /** Artists, best first. */
      artists: z.array(PulseArtistSchema),
      /** Artists that qualify for the category (at or above its threshold), an integer >= 0. */
      total: count,
      /** Provenance. */
      meta: ResultMetaSchema,
    }),
  )
  .meta(named('TopArtists'));
/**
 * The top artists of a category.
 * @interface
 */
export type TopArtists = ReadonlyPayload<z.output<typeof TopArtistsSchema>>;

// ---------------------------------------------------------------------------------------------
// Artist profile
// ---------------------------------------------------------------------------------------------

/** The seed's `metadata` object of an artist record (`TalentArtistRow['metadata']`), named for the OpenAPI document. */
export const ArtistMetadataSchema = TalentArtistMetadataSchema.meta({
  id: 'TalentArtistMetadata',
  description: "The seed's supporting figures of an artist record.",
});

/** An artist's Talent Radar record (`TalentArtistRow`: the seed's artist plus confidence, as-of and model version), named for the OpenAPI document. */
export const TalentArtistSchema = TalentArtistRowSchema.extend({
  /** The seed's `metadata` object of supporting figures. */
  metadata: ArtistMetadataSchema,
}).meta({ id: 'TalentArtistRow', description: "An artist's Talent Radar record." });

/** Schema of {@link ProfileItem}. */
export const ProfileItemSchema = z
  .object(
    fields('ProfileItem', {
      /** Kind: `breakout`, `momentum`, `network`, `tastemakers`, `press`, `scene`; risks: `decline`, `incoherence`, `drift`, `paid_dependence`, `anomaly`, `stale_data`. */
      type: z.string(),
      /** What it means for an A&R team. */
      description: z.string(),
      /** Strength, 0-1. */
      score: unit,
    }),
  )
  .meta(named('ProfileItem'));
/**
 * An opportunity or a risk in a profile (the seed's fields).
 * @interface
 */
export type ProfileItem = ReadonlyPayload<z.output<typeof ProfileItemSchema>>;

/** Schema of {@link SimilarArtist}. */
export const SimilarArtistSchema = z
  .object(
    fields('SimilarArtist', {
      /** Artist slug. */
      artist_slug: SlugSchema,
      /** Similarity, 0-1. */
      similarity: unit,
      /** Why: shared sound, scenes, microgenres, collaboration. */
      reasons: z.array(z.string()),
    }),
  )
  .meta(named('SimilarArtist'));
/**
 * A similar artist, with why.
 * @interface
 */
export type SimilarArtist = ReadonlyPayload<z.output<typeof SimilarArtistSchema>>;

/** Schema of {@link Trajectory}. */
export const TrajectorySchema = z
  .object(
    fields('Trajectory', {
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
    }),
  )
  .meta(named('Trajectory'));
/**
 * Bands of the scores (the seed's trajectory).
 * @interface
 */
export type Trajectory = ReadonlyPayload<z.output<typeof TrajectorySchema>>;

/** Schema of {@link SignalContribution}. */
export const SignalContributionSchema = z
  .object(
    fields('SignalContribution', {
      /** Signal name (docs/scoring.md). */
      signal: z.string(),
      /** Source(s) it comes from. */
      source: z.string(),
      /** Raw value (its unit in docs/scoring.md), or null without evidence. */
      raw: finite.nullable(),
      /** Normalised value fed to the score, or null without evidence. */
      normalized: finite.nullable(),
      /** Weight (or severity, for risk). */
      weight: finite,
      /** Contribution to the score: momentum in composite units, breakout in log-odds, risk as a share of the score. */
      contribution: finite,
    }),
  )
  .meta(named('SignalContribution'));
/**
 * One explained signal of a Talent Radar score.
 * @interface
 */
export type SignalContribution = ReadonlyPayload<z.output<typeof SignalContributionSchema>>;

/** Schema of {@link ReadOutcome}. */
export const ReadOutcomeSchema = z
  .object(
    fields('ReadOutcome', {
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
      } as const satisfies { readonly [K in ItemStatus]: K }),
      /** For `timeout` and `error`: a client-safe reason. */
      reason: z.string().optional(),
    }),
  )
  .meta(named('ReadOutcome'));
/**
 * Outcome of one read for one artist: the gateway's status, and why when it failed.
 * @interface
 */
export type ReadOutcome = ReadonlyPayload<z.output<typeof ReadOutcomeSchema>>;

/** Schema of {@link MomentumExplanation}. */
export const MomentumExplanationSchema = z
  .object(
    fields('MomentumExplanation', {
      /** Momentum, 0-100. */
      score: percent,
      /** Peers the components were normalised against: the last refresh's population, or fixed priors before any refresh. */
      peers: z.enum({
        /** The population of the last refresh. */
        population: 'population',
        /** Fixed priors (before any refresh). */
        prior: 'prior',
      }),
      /** Components (contribution in composite units; momentum = 100 x logistic(sum / scale)). */
      signals: z.array(SignalContributionSchema),
    }),
  )
  .meta(named('MomentumExplanation'));
/**
 * Why momentum is what it is: momentum = 100 x logistic(sum of contributions / scale).
 * @interface
 */
export type MomentumExplanation = ReadonlyPayload<z.output<typeof MomentumExplanationSchema>>;

/** Schema of {@link BreakoutExplanation}. */
export const BreakoutExplanationSchema = z
  .object(
    fields('BreakoutExplanation', {
      /** Breakout probability, 0-1. */
      score: unit,
      /** The named event it is the probability of. */
      event: z.string(),
      /** Horizon of the event, days (> 0). */
      horizonDays: z.number().positive(),
      /** Intercept of the logistic model (log-odds). */
      intercept: finite,
      /**
       * What the activity inputs were ranked against: the last refresh's population, or no
       * population yet (`prior`: before any refresh the standings are unknown and add nothing, so
       * the score leans on the other inputs alone; read it as provisional).
       */
      peers: z.enum({
        /** The population of the last refresh. */
        population: 'population',
        /** No population yet (before any refresh): the activity standings add nothing. */
        prior: 'prior',
      }),
      /** Inputs (contribution in log-odds; score = logistic(intercept + sum)). */
      signals: z.array(SignalContributionSchema),
    }),
  )
  .meta(named('BreakoutExplanation'));
/**
 * Why breakout_score is what it is: breakout = logistic(intercept + sum of contributions).
 * @interface
 */
export type BreakoutExplanation = ReadonlyPayload<z.output<typeof BreakoutExplanationSchema>>;

/** Schema of {@link RiskExplanation}. */
export const RiskExplanationSchema = z
  .object(
    fields('RiskExplanation', {
      /** Risk, 0-1. */
      score: unit,
      /** Components (contributions add up to the score). */
      signals: z.array(SignalContributionSchema),
    }),
  )
  .meta(named('RiskExplanation'));
/**
 * Why risk_score is what it is: the contributions add up to the risk score.
 * @interface
 */
export type RiskExplanation = ReadonlyPayload<z.output<typeof RiskExplanationSchema>>;

/**
 * How each source read went for an artist, one entry per `SignalRead` (tests/api/responses.test-d.ts
 * keeps the keys in step; importing `SignalRead` here would close a type cycle with signals-types).
 */
const ReadOutcomesSchema = z.object(
  fields('ScoreExplanation.sources', {
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
  }),
);

/** Schema of {@link ScoreExplanation}. */
export const ScoreExplanationSchema = z
  .object(
    fields('ScoreExplanation', {
      /** As-of instant of the signals. */
      asOf: InstantSchema,
      /** Scoring model version. */
      model_version: z.string(),
      /** Share of the evidence available, 0-1. */
      confidence: unit,
      /** How each source read went. */
      sources: ReadOutcomesSchema,
      /**
       * How each of the host's own features was read for the artist, by name (`ok`, `missing`,
       * `timeout` or `error` with its reason); absent when the radar has no host features. A failed
       * one counts as missing in the breakout score (`raw` null, contribution 0).
       */
      hostFeatures: z.record(z.string(), ReadOutcomeSchema).optional(),
      /**
       * The similar artists' fingerprint read (CMG `getReleases` of the candidates) when it failed
       * or timed out: their sound is unknown and left out of their similarity (each says so in its
       * reasons). Absent when it went well or was not made.
       */
      similarSound: ReadOutcomeSchema.optional(),
      /** Momentum: 100 x logistic(composite / scale); composite = sum of contributions. */
      momentum: MomentumExplanationSchema,
      /** Breakout: logistic(intercept + sum of contributions). */
      breakout: BreakoutExplanationSchema,
      /** Risk: the contributions add up to the score. */
      risk: RiskExplanationSchema,
    }),
  )
  .meta(named('ScoreExplanation'));
/**
 * Why the scores are what they are, signal by signal.
 * @interface
 */
export type ScoreExplanation = ReadonlyPayload<z.output<typeof ScoreExplanationSchema>>;

/** Schema of {@link ArtistProfile}, what `RadarAggregator.buildArtistProfile` returns. */
export const ArtistProfileSchema = z
  .object(
    fields('ArtistProfile', {
      /** The artist's record, as stored in `talent_radar_artists`. */
      artist: TalentArtistSchema,
      /** Opportunities, strongest first. */
      opportunities: z.array(ProfileItemSchema),
      /** Risks, strongest first. */
      risks: z.array(ProfileItemSchema),
      /** Similar artists, most similar first. */
      similarArtists: z.array(SimilarArtistSchema),
      /** Score bands. */
      trajectory: TrajectorySchema,
      /** Per-signal explanation of each score. */
      explanation: ScoreExplanationSchema,
    }),
  )
  .meta(named('ArtistProfile'));
/**
 * An artist profile (seed section 4) plus the explanation: the artist's record, opportunities,
 * risks, similar artists, trajectory and explanation.
 * @remarks The record keeps its own (mutable) `TalentArtistRow` type, as stored.
 * @interface
 */
export type ArtistProfile = ReadonlyPayload<z.output<typeof ArtistProfileSchema>, TalentArtistRow>;

// ---------------------------------------------------------------------------------------------
// Workspace recommendations
// ---------------------------------------------------------------------------------------------

/** Schema of {@link WorkspaceRecommendation}. */
export const WorkspaceRecommendationSchema = PulseArtistSchema.extend(
  fields('WorkspaceRecommendation', {
    /** Position, 1 = best. */
    rank: z.number().int().min(1),
    /** Recommendation score, 0-1 (fit x quality). */
    score: unit,
    /** Why. */
    reasons: z.array(z.string()),
  }),
).meta(named('WorkspaceRecommendation'));
/**
 * One recommended artist for a workspace.
 * @interface
 */
export type WorkspaceRecommendation = ReadonlyPayload<z.output<typeof WorkspaceRecommendationSchema>>;

/** Schema of {@link WorkspaceRecommendations}, what `RadarAggregator.getWorkspaceRecommendations` returns. */
export const WorkspaceRecommendationsSchema = z
  .object(
    fields('WorkspaceRecommendations', {
      /** The workspace (a UUID). */
      workspace_id: z.uuid(),
      /** Ranked artists. */
      recommendations: z.array(WorkspaceRecommendationSchema),
      /** When they were computed. */
      created_at: InstantSchema,
      /** Provenance. */
      meta: ResultMetaSchema,
    }),
  )
  .meta(named('WorkspaceRecommendations'));
/**
 * Ranked artists for a workspace.
 * @interface
 */
export type WorkspaceRecommendations = ReadonlyPayload<z.output<typeof WorkspaceRecommendationsSchema>>;

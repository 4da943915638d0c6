/**
 * @module talent/types
 * What the Talent Radar returns: the seed's global pulse and artist profile shapes (snake_case
 * artist fields, camelCase envelope fields, exactly as section 4 of the origin document), plus the
 * explanation, top lists, workspace recommendations and refresh report.
 */
import type { SceneStage } from '../contracts/payloads.js';
import type { TalentArtistRow } from '../stores/tables.js';
import type { SignalContribution } from './scoring.js';
import type { ReadOutcome, SignalRead } from './signals-types.js';

/** An artist in a global pulse or top list (the seed's fields). */
export interface PulseArtist {
  /** Artist slug. */
  readonly artist_slug: string;
  /** Momentum, 0-100. */
  readonly momentum: number;
  /** Breakout probability, 0-1. */
  readonly breakout_score: number;
  /** Risk, 0-1. */
  readonly risk_score: number;
  /** Main scene, or null. */
  readonly scene_slug: string | null;
  /** Microgenres. */
  readonly microgenres: readonly string[];
  /** When the record was written. */
  readonly updated_at: string;
}

/** A scene in the global pulse, from the Scenes Engine (through `ScenesAdapter`). */
export interface HotScene {
  /** Scene slug. */
  readonly scene_slug: string;
  /** Heat, 0-100. */
  readonly heat: number;
  /** Growth of heat against the previous window. */
  readonly growth: number;
  /** Lifecycle stage. */
  readonly stage: SceneStage;
  /** Instant the scene pulse is as of. */
  readonly as_of: string;
}

/** The global pulse's summary (the seed's fields). */
export interface PulseSummary {
  /** Artists with a current record. */
  readonly totalArtistsTracked: number;
  /** Mean momentum of those artists (one decimal). */
  readonly avgMomentum: number;
  /** Artists at or above the high breakout threshold. */
  readonly highBreakoutCount: number;
  /** Artists at or above the high risk threshold. */
  readonly highRiskCount: number;
}

/** Where a result's data came from and what was degraded. */
export interface ResultMeta {
  /** The instant the underlying records are as of (the last refresh), or null if none yet. */
  readonly asOf: string | null;
  /** Scoring model version. */
  readonly model_version: string;
  /** Human-readable notes about missing or failing sources; empty when nothing was degraded. */
  readonly degraded: readonly string[];
  /**
   * Records behind this result kept from an earlier refresh because a source failed for them in a
   * later one (their scores are as of `oldestAsOf` at the earliest), by count. 0 and null when every
   * record is as of the last refresh.
   */
  readonly stale: StaleRecords;
  /**
   * Per source, the artists whose read failed (error or timeout) in the last refresh this radar
   * ran; those with a record from an earlier refresh kept it, the others were scored with the
   * failed signals unknown. Empty when no read failed (or no
   * refresh ran in this process).
   */
  readonly failedReads: FailedReadCounts;
}

/** The last refresh a Talent Radar tried, and whether it could walk the artist universe. */
export interface LastRefreshAttempt {
  /** Its as-of instant (ISO). */
  readonly asOf: string;
  /** How walking the MIG universe went; when not `ok`, nothing was scored or written. */
  readonly universe: 'ok' | 'timeout' | 'error' | 'absent';
  /** Why the universe could not be walked (null when it was). */
  readonly reason: string | null;
}

/** Records behind a result that were kept from an earlier refresh (see {@link ResultMeta.stale}). */
export interface StaleRecords {
  /** How many records are kept from an earlier refresh, an integer >= 0. */
  readonly records: number;
  /** The as-of instant of the oldest of them (ISO), or null when there is none. */
  readonly oldestAsOf: string | null;
}

/** Per source, the artists whose read failed (error or timeout) in a refresh; a source with none is left out. */
export interface FailedReadCounts {
  /** MIG (artist records, networks). */
  readonly mig?: number;
  /** CMG (release fingerprints). */
  readonly cmg?: number;
  /** Fusion (campaigns, engagement). */
  readonly fusion?: number;
  /** Coverage (press articles). */
  readonly coverage?: number;
  /** RCF (real-time events). */
  readonly rcf?: number;
  /** IdentityKernel (coherence). */
  readonly identityKernel?: number;
  /** The Scenes Engine as the Talent Radar reads it (memberships, scene pulses). */
  readonly scenes?: number;
}

/** The global pulse (seed section 4), plus `meta`. */
export interface GlobalPulse {
  /** When the pulse was built. */
  readonly timestamp: string;
  /** Highest momentum among rising artists (momentum >= `thresholds.momentum.rising`). */
  readonly topRisingArtists: readonly PulseArtist[];
  /** Highest breakout scores (>= `thresholds.breakout.medium`). */
  readonly topBreakoutCandidates: readonly PulseArtist[];
  /** Highest risk scores (>= `thresholds.risk.medium`). */
  readonly artistsAtRisk: readonly PulseArtist[];
  /** Hottest scenes, from the Scenes Engine. */
  readonly hottestScenes: readonly HotScene[];
  /** Counts over every tracked artist. */
  readonly summary: PulseSummary;
  /** Provenance and degradation. */
  readonly meta: ResultMeta;
}

/** An opportunity or a risk in a profile (the seed's fields). */
export interface ProfileItem {
  /** Kind (`breakout`, `momentum`, `network`, `tastemakers`, `press`, `scene`; risks: `decline`, `incoherence`, `drift`, `paid_dependence`, `anomaly`, `stale_data`). */
  readonly type: string;
  /** What it means for an A&R team. */
  readonly description: string;
  /** Strength, 0-1. */
  readonly score: number;
}

/** A similar artist, with why. */
export interface SimilarArtist {
  /** Artist slug. */
  readonly artist_slug: string;
  /** Similarity, 0-1. */
  readonly similarity: number;
  /** Why: shared sound, scenes, microgenres, collaboration. */
  readonly reasons: readonly string[];
}

/** Bands of the scores (the seed's trajectory). */
export interface Trajectory {
  /** Momentum band. */
  readonly momentum: 'rising' | 'stable' | 'declining';
  /** Breakout band. */
  readonly breakoutPotential: 'high' | 'medium' | 'low';
  /** Risk band. */
  readonly riskLevel: 'high' | 'medium' | 'low';
}

/** Why momentum is what it is. */
export interface MomentumExplanation {
  /** Momentum, 0-100. */
  readonly score: number;
  /** Peers the components were normalised against: the last refresh's population, or fixed priors before any refresh. */
  readonly peers: 'population' | 'prior';
  /** Components (contribution in composite units; momentum = 100 x logistic(sum / scale)). */
  readonly signals: readonly SignalContribution[];
}

/** Why breakout_score is what it is. */
export interface BreakoutExplanation {
  /** Breakout probability, 0-1. */
  readonly score: number;
  /** The named event it is the probability of. */
  readonly event: string;
  /** Horizon of the event, days. */
  readonly horizonDays: number;
  /** Intercept of the logistic model (log-odds). */
  readonly intercept: number;
  /**
   * What the activity inputs were ranked against: the last refresh's population, or no population
   * yet (`prior`: before any refresh the standings are unknown and add nothing, so the score leans
   * on the other inputs alone; read it as provisional).
   */
  readonly peers: 'population' | 'prior';
  /** Inputs (contribution in log-odds; score = logistic(intercept + sum)). */
  readonly signals: readonly SignalContribution[];
}

/** Why risk_score is what it is. */
export interface RiskExplanation {
  /** Risk, 0-1. */
  readonly score: number;
  /** Components (contributions add up to the score). */
  readonly signals: readonly SignalContribution[];
}

/** Why the scores are what they are. */
export interface ScoreExplanation {
  /** As-of instant of the signals. */
  readonly asOf: string;
  /** Scoring model version. */
  readonly model_version: string;
  /** Share of the evidence available, 0-1. */
  readonly confidence: number;
  /** How each source read went. */
  readonly sources: Readonly<Record<SignalRead, ReadOutcome>>;
  /** Momentum: 100 x logistic(composite / scale); composite = sum of contributions. */
  readonly momentum: MomentumExplanation;
  /** Breakout: logistic(intercept + sum of contributions). */
  readonly breakout: BreakoutExplanation;
  /** Risk: the contributions add up to the score. */
  readonly risk: RiskExplanation;
}

/** An artist profile (seed section 4), plus the explanation. */
export interface ArtistProfile {
  /** The artist's record, as stored in `talent_radar_artists`. */
  readonly artist: TalentArtistRow;
  /** Opportunities, strongest first. */
  readonly opportunities: readonly ProfileItem[];
  /** Risks, strongest first. */
  readonly risks: readonly ProfileItem[];
  /** Similar artists, most similar first. */
  readonly similarArtists: readonly SimilarArtist[];
  /** Score bands. */
  readonly trajectory: Trajectory;
  /** Per-signal explanation of each score. */
  readonly explanation: ScoreExplanation;
}

/** Stored records read by slug (`RadarAggregator.getArtistScores`). */
export interface ArtistScores {
  /** The records found, in the order asked, scores unrounded. */
  readonly artists: readonly TalentArtistRow[];
  /** Slugs without a record (never scored, insufficient evidence, or unknown). */
  readonly missing: readonly string[];
  /** Provenance. */
  readonly meta: ResultMeta;
}

/** A top-list category. */
export type TopCategory = 'rising' | 'breakout' | 'risk';

/** A top list. */
export interface TopArtists {
  /** The category. */
  readonly category: TopCategory;
  /** Artists, best first. */
  readonly artists: readonly PulseArtist[];
  /** Artists that qualify for the category (at or above its threshold). */
  readonly total: number;
  /** Provenance. */
  readonly meta: ResultMeta;
}

/** One recommended artist for a workspace. */
export interface WorkspaceRecommendation extends PulseArtist {
  /** Position, 1 = best. */
  readonly rank: number;
  /** Recommendation score, 0-1 (fit x quality). */
  readonly score: number;
  /** Why. */
  readonly reasons: readonly string[];
}

/** Recommendations for a workspace. */
export interface WorkspaceRecommendations {
  /** The workspace. */
  readonly workspace_id: string;
  /** Ranked artists. */
  readonly recommendations: readonly WorkspaceRecommendation[];
  /** When they were computed. */
  readonly created_at: string;
  /** Provenance. */
  readonly meta: ResultMeta;
}

/** An artist a refresh could not score, and why. */
export interface UnscoredArtist {
  /** The artist. */
  readonly artistSlug: string;
  /** `insufficient`: the sources showed no activity (its row is removed); `failed`: an activity read failed or was refused (its previous row, if any, is kept). */
  readonly status: 'insufficient' | 'failed';
  /** Which reads said what. */
  readonly reason: string;
}

/** What a Talent Radar refresh did. */
export interface TalentRefreshReport {
  /** The as-of instant. */
  readonly asOf: string;
  /** How walking the MIG universe went; when not `ok`, nothing was scored or written. */
  readonly universe: 'ok' | 'timeout' | 'error' | 'absent';
  /** Why the universe could not be walked (null when it was). */
  readonly universeReason: string | null;
  /** Artists walked. */
  readonly artists: number;
  /** Artists scored and written. */
  readonly scored: number;
  /** Artists whose sources answered with no activity evidence (no row; a previous row is removed). */
  readonly insufficient: number;
  /** Artists whose activity reads failed (timeout, error): their previous row, if any, is kept as it was. */
  readonly kept: number;
  /** The artists not scored (insufficient or failed), each with why: the first 1,000 (the counts cover all). */
  readonly unscored: readonly UnscoredArtist[];
  /** Per source, the artists with a failed read (error or timeout); an artist with any failed read is not rescored (its previous record is kept). */
  readonly failedReads: FailedReadCounts;
  /** Records kept although their artist was missing from the universe (removed once missing `talent.dropAfterRefreshes` refreshes running). */
  readonly absent: number;
  /** Reads by status, over all artists and reads. */
  readonly reads: Readonly<Record<'ok' | 'missing' | 'timeout' | 'error' | 'absent', number>>;
  /** Milliseconds taken. */
  readonly durationMs: number;
}

/**
 * @module talent/types
 * What the Talent Radar returns: the seed's global pulse and artist profile shapes (snake_case
 * artist fields, camelCase envelope fields, exactly as section 4 of the origin document), plus the
 * explanation, top lists, workspace recommendations and refresh report. The result types are
 * inferred from their Zod schemas in `talent/schemas` (one definition for the radar, the HTTP API
 * and the OpenAPI document) and re-exported here; the ones below have no schema because no route
 * returns them.
 */
import type { TalentArtistRow } from '../stores/tables.js';
import type { FailedReadCounts, ResultMeta } from './schemas.js';

export type {
  ArtistProfile,
  BreakoutExplanation,
  FailedReadCounts,
  GlobalPulse,
  HotScene,
  MomentumExplanation,
  ProfileItem,
  PulseArtist,
  PulseSummary,
  ResultMeta,
  RiskExplanation,
  ScoreExplanation,
  SimilarArtist,
  StaleRecords,
  TopArtists,
  TopCategory,
  Trajectory,
  WorkspaceRecommendation,
  WorkspaceRecommendations,
} from './schemas.js';

/** The last refresh a Talent Radar tried, and whether it could walk the artist universe. */
export interface LastRefreshAttempt {
  /** Its as-of instant (ISO). */
  readonly asOf: string;
  /** How walking the MIG universe went; when not `ok`, nothing was scored or written. */
  readonly universe: 'ok' | 'timeout' | 'error' | 'absent';
  /** Why the universe could not be walked (null when it was). */
  readonly reason: string | null;
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
  /**
   * The host's own features (`hostFeatures`), by name: artists by outcome. A feature that failed
   * (`error`, `timeout`) for an artist adds nothing to its breakout score, as if missing: the
   * counts say how often, and a refresh with any such failure is logged as degraded.
   */
  readonly hostFeatures: Readonly<Record<string, Readonly<Record<'ok' | 'missing' | 'timeout' | 'error', number>>>>;
  /** Milliseconds taken. */
  readonly durationMs: number;
}

/**
 * @module talent/signals-types
 * What the Talent Radar gathers per artist (raw, validated source payloads with the outcome of
 * each read) and the features it derives from them.
 */
import type { ReadOutcome } from './schemas.js';
import type { ActivityBasis, ActivityProfile } from './activity.js';
import type {
  Article,
  ArtistNetwork,
  ArtistRecord,
  Campaign,
  CoherenceSeries,
  EngagementSeries,
  RcfEvent,
  ReleaseFingerprint,
  SceneMembership,
  ScenePulseSummary,
} from '../contracts/payloads.js';

/** The name of one read. */
export type SignalRead =
  | 'record'
  | 'network'
  | 'releases'
  | 'campaigns'
  | 'engagement'
  | 'articles'
  | 'events'
  | 'coherence'
  | 'memberships'
  | 'scenePulse';

/** Where one read comes from. */
export interface SignalReadSpec {
  /** Source slot. */
  readonly source: 'mig' | 'cmg' | 'fusion' | 'coverage' | 'rcf' | 'identityKernel' | 'scenes';
  /** Method of that source. */
  readonly method: string;
}

/** The reads that make up an artist's signals, each from one source method. */
export const SIGNAL_READS: Readonly<Record<SignalRead, SignalReadSpec>> = {
  record: { source: 'mig', method: 'getArtists' },
  network: { source: 'mig', method: 'getNetworks' },
  releases: { source: 'cmg', method: 'getReleases' },
  campaigns: { source: 'fusion', method: 'getCampaigns' },
  engagement: { source: 'fusion', method: 'getEngagement' },
  articles: { source: 'coverage', method: 'getArticles' },
  events: { source: 'rcf', method: 'getEvents' },
  coherence: { source: 'identityKernel', method: 'getCoherence' },
  memberships: { source: 'scenes', method: 'getMemberships' },
  scenePulse: { source: 'scenes', method: 'getScenePulses' },
};

// Inferred from its schema (talent/schemas); re-exported here, where it was declared.
export type { ReadOutcome };

/**
 * Everything gathered about one artist as of an instant. A value is `null` when its read did not
 * return it; `reads` says why.
 */
export interface ArtistSignals {
  /** The artist. */
  readonly artistSlug: string;
  /** The instant the signals are as of (ISO). */
  readonly asOf: string;
  /** MIG artist record. */
  readonly record: ArtistRecord | null;
  /** MIG network (tastemakers, collaborators, centrality). */
  readonly network: ArtistNetwork | null;
  /** CMG release fingerprints, oldest first. */
  readonly releases: readonly ReleaseFingerprint[] | null;
  /** Fusion campaigns. */
  readonly campaigns: readonly Campaign[] | null;
  /** Fusion daily engagement. */
  readonly engagement: EngagementSeries | null;
  /** Coverage articles, oldest first. */
  readonly articles: readonly Article[] | null;
  /** RCF events, oldest first. */
  readonly events: readonly RcfEvent[] | null;
  /** IdentityKernel coherence series. */
  readonly coherence: CoherenceSeries | null;
  /** Scene memberships (through `ScenesAdapter`), strongest first. */
  readonly memberships: readonly SceneMembership[] | null;
  /** Pulse of the artist's main (strongest) scene, through `ScenesAdapter`. */
  readonly scenePulse: ScenePulseSummary | null;
  /** How each read went. */
  readonly reads: Readonly<Record<SignalRead, ReadOutcome>>;
  /** The host's own features (registered with the radar), by name; empty when none is registered. */
  readonly host: Readonly<Record<string, HostFeatureOutcome>>;
}

/** One host feature's value for one artist, or why there is none. */
export interface HostFeatureOutcome {
  /** `ok` with a finite value; `missing` (the host has no value for the artist); `error` (the read threw, or gave a non-number, NaN or infinity; or the breakout model has a term for a feature this radar does not register); `timeout`. */
  readonly status: 'ok' | 'missing' | 'error' | 'timeout';
  /** The value, for `ok`. */
  readonly value: number | null;
  /** Why there is no value, for `error` and `timeout`. */
  readonly reason?: string;
}

/**
 * The features of one artist, as of an instant: raw values with their units (docs/scoring.md
 * defines each). `null` means no evidence, never zero.
 */
export interface ArtistFeatures {
  /** The artist. */
  readonly artistSlug: string;
  /** As-of instant (ISO). */
  readonly asOf: string;
  /** Daily activity used for momentum's size bands and its absolute floor: organic engagement per day, or, without it, weekly event weight / 7; the larger of the recent window's and the window's before (docs/scoring.md). */
  readonly activityLevel: number | null;
  /** Where `activityLevel` came from. */
  readonly activityBasis: 'engagement' | 'events' | null;
  /** Mean daily organic engagement over the recent window. */
  readonly engagementLevel: number | null;
  /** Log growth of organic engagement, recent window vs the one before (with the floor). */
  readonly engagementGrowth: number | null;
  /** Log growth of the last half-window minus that of the half-window before it. */
  readonly engagementAcceleration: number | null;
  /** Weighted events per week over the recent window. */
  readonly eventRate: number | null;
  /** Log growth of weekly event weight, recent window vs the one before (with the floor). */
  readonly eventGrowth: number | null;
  /**
   * The growth the decline risk reads: `engagementGrowth`; when it is null without a failed
   * engagement read (no organic series, or one without evidence in both windows), `eventGrowth`; null when the engagement read failed (the unread series decides
   * decline, so the events' fall is no evidence of it) or neither has evidence.
   */
  readonly declineGrowth: number | null;
  /**
   * Activity over the breakout model's windows, per source, in the source's units: from RCF events
   * (type weighted) and from Fusion's organic engagement. Each is null without an observation in
   * the history window; both null means no activity evidence.
   */
  readonly activity: Readonly<Record<ActivityBasis, ActivityProfile | null>>;
  /** Distinct regions of the artist's events in the recent window (null when no event carries a region). */
  readonly regions: number | null;
  /** Of those, regions with no event in the history before the window. */
  readonly newRegions: number | null;
  /** Articles per week over the recent window. */
  readonly pressVelocity: number | null;
  /** Mean outlet quality of articles over the long window (0-1); 0 without articles in it, null when Coverage gave nothing. */
  readonly pressQuality: number | null;
  /** Tastemaker links known. */
  readonly tastemakers: number | null;
  /** Sum of weights of tastemaker links younger than `newLinkDays`. */
  readonly newTastemakers: number | null;
  /** Collaborators known. */
  readonly collaborators: number | null;
  /** Collaborators first seen in the long window. */
  readonly newCollaborators: number | null;
  /** MIG centrality (0-1) when the graph system provides it. */
  readonly centrality: number | null;
  /** Connectivity (0-1) from tastemaker weight and collaborators (docs/scoring.md). */
  readonly connectivity: number | null;
  /** How far the latest release moved from the mean of the earlier ones (1 - cosine, 0-1). */
  readonly creativeShift: number | null;
  /** Mean fingerprint jump between consecutive releases of the last year (1 - cosine, 0-1). */
  readonly drift: number | null;
  /** Mean identity coherence over the recent window (0-1). */
  readonly coherence: number | null;
  /** Share of engagement that was paid over the recent window (0-1). */
  readonly paidShare: number | null;
  /** Bought-engagement suspicion (0-1): spikes without corroboration. */
  readonly anomaly: number | null;
  /** Days between the last observation of any activity source and the last complete day. */
  readonly staleDays: number | null;
  /** Days since the artist's debut (MIG `debut`); null when the graph does not know the debut (never counted from the start of the host's data). */
  readonly careerAgeDays: number | null;
  /** Campaigns known (Fusion). */
  readonly campaignCount: number | null;
  /** Main scene (strongest membership). */
  readonly sceneSlug: string | null;
  /** Confidence of that membership (0-1). */
  readonly sceneConfidence: number | null;
  /** Heat of that scene (0-100). */
  readonly sceneHeat: number | null;
  /** Microgenres: those of the main membership, else of the latest releases. */
  readonly microgenres: readonly string[];
  /** Host features, by name (value or why not). */
  readonly host: Readonly<Record<string, HostFeatureOutcome>>;
  /** Which sources answered with data for this artist. */
  readonly evidence: Readonly<
    Record<'mig' | 'cmg' | 'fusion' | 'coverage' | 'rcf' | 'identityKernel' | 'scenes', boolean>
  >;
}

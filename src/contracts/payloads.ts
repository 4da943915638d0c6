/**
 * @module contracts/payloads
 * Zod schemas for what sources return: raw observations (series, events, links, fingerprints),
 * never pre-baked scores. Every payload is validated once, at the source gateway; a value that
 * fails is a per-item source error, not a crash. Types are inferred from these schemas.
 */
import { z } from 'zod';
import { text } from '../core/text.js';
import { SlugSchema } from '../core/slug.js';
import { endOfDayInstant } from '../core/time.js';
import { MAX_SERIES_DAYS, isDailyValues } from './daily-values.js';

/** A UTC calendar day, `YYYY-MM-DD`. */
export const DaySchema = z.iso.date();
/** An instant, ISO 8601 with `Z` or an offset. */
export const InstantSchema = z.iso.datetime({ offset: true });
/**
 * When an observation became known: an instant, or a bare day `YYYY-MM-DD` for data a host only
 * dates by day. A day is read as the end of that day (the next midnight UTC, written back as that
 * instant): a daily value dated `D` is known at the end of `D` (docs/adapters.md, "As of").
 */
export const ObservedInstantSchema = z.union([InstantSchema, DaySchema.transform(endOfDayInstant)]);
const unit = z.number().min(0).max(1);

export { MAX_SERIES_DAYS };

/**
 * A dense array of daily values: each a finite number within `[min, max]`, or null. Checked in
 * one loop rather than a schema per element: a year of history for thousands of artists is
 * validated at every read, and this is about fifty times cheaper with the same rules.
 */
function dailyValues(min = -Infinity, max = Infinity) {
  const bounds = `${min > -Infinity ? ` >= ${min}` : ''}${max < Infinity ? `${min > -Infinity ? ' and' : ''} <= ${max}` : ''}`;
  return z.custom<(number | null)[]>((v) => isDailyValues(v, min, max), {
    message: `Expected an array of at most ${MAX_SERIES_DAYS} daily values, each null or a finite number${bounds}`,
  });
}
const finite = z.number().finite();
const count = z.number().finite().min(0);

// ---------------------------------------------------------------- MIG (industry graph)

/**
 * The home region of an artist whose region the source does not know (the tabular adapter's
 * default `derivedHomeRegion`): no region, for the engines; never a place an artist is outside of.
 */
export const UNKNOWN_REGION = 'unknown';

/** An artist of the universe as the industry graph knows it. */
export const ArtistRecordSchema = z.object({
  /** Stable artist slug. */
  slug: SlugSchema,
  /** Display name. */
  name: text(512),
  /** Home region, a lowercase country or area code (`uk`, `us`, `de`). */
  homeRegion: text(64),
  /** Home city slug, if known (`brighton`). */
  homeCity: text(128).nullable(),
  /** When the graph first knew this artist (the start of the host's data for artists older than it). */
  firstSeen: InstantSchema,
  /**
   * The artist's debut (first release or first public appearance), if known: career age counts
   * from here. Absent or null means unknown, never the start of the host's data.
   */
  debut: DaySchema.nullable().optional(),
});
/** An artist record from MIG. */
export type ArtistRecord = z.infer<typeof ArtistRecordSchema>;

/** A page of MIG's `listArtists`: artists in the source's stable order, and the cursor of the next page (null after the last). */
export const ArtistPageSchema = z.object({
  /** The artists of this page. */
  items: z.array(ArtistRecordSchema),
  /** The cursor of the next page, or null when this is the last. */
  nextCursor: z.string().nullable(),
});

/** The kinds of tastemaker the graph distinguishes. */
export const TastemakerKindSchema = z.enum(['playlist', 'radio', 'blog', 'dj', 'promoter', 'label', 'curator']);
/** A tastemaker kind. */
export type TastemakerKind = z.infer<typeof TastemakerKindSchema>;

/** A tastemaker backing an artist: who, what kind, how strongly, since when. */
export const TastemakerLinkSchema = z.object({
  /** Tastemaker slug. */
  tastemaker: SlugSchema,
  /** Tastemaker kind. */
  kind: TastemakerKindSchema,
  /** Strength of the backing (the tastemaker's reach times its commitment), 0-1. */
  weight: unit,
  /** When the link first appeared (a bare day: known at its end). */
  since: ObservedInstantSchema,
});
/** A tastemaker link. */
export type TastemakerLink = z.infer<typeof TastemakerLinkSchema>;

/** A collaboration between two artists, first seen at `since`. */
export const CollaboratorLinkSchema = z.object({
  /** The other artist's slug. */
  artist: SlugSchema,
  /** Number of joint works (or another strength measure the host uses), > 0. */
  weight: z.number().finite().positive(),
  /** When the collaboration first appeared (a bare day: known at its end). */
  since: ObservedInstantSchema,
});
/** A collaborator link. */
export type CollaboratorLink = z.infer<typeof CollaboratorLinkSchema>;

/** An artist's neighbourhood in the industry graph as of a time. */
export const ArtistNetworkSchema = z.object({
  /** Tastemakers backing the artist, each with its start date. */
  tastemakers: z.array(TastemakerLinkSchema),
  /** Collaborators, each with its start date. */
  collaborators: z.array(CollaboratorLinkSchema),
  /** Centrality in the whole graph (0-1), when the graph system computes it; otherwise null. */
  centrality: unit.nullable(),
});
/** An artist's network from MIG. */
export type ArtistNetwork = z.infer<typeof ArtistNetworkSchema>;

// ---------------------------------------------------------------- CMG (creative graph)

/** The creative fingerprint of one release. */
export const ReleaseFingerprintSchema = z.object({
  /**
   * Release id, unique per artist: a repeat in one answer is read once (the earliest; of two copies
   * on one date, the first in a fixed order of their content, whatever the order of delivery).
   */
  releaseId: text(256),
  /** Release date. */
  releasedAt: DaySchema,
  /** Fingerprint vector (same dimension for all releases of one source). */
  vector: z.array(finite).min(1).max(1024),
  /** Microgenre slugs the release is tagged with. */
  microgenres: z.array(SlugSchema).max(64),
});
/** A release fingerprint from CMG. */
export type ReleaseFingerprint = z.infer<typeof ReleaseFingerprintSchema>;

/** An artist's releases, oldest first. */
export const ReleaseListSchema = z.array(ReleaseFingerprintSchema);

// ---------------------------------------------------------------- Fusion (campaigns)

/** The channel a campaign buys. */
export const CampaignChannelSchema = z.enum(['social', 'streaming', 'search', 'display', 'radio', 'influencer']);

/** A marketing campaign. */
export const CampaignSchema = z.object({
  /** Campaign id, naming one campaign of the artist: a repeat in one answer is read once (the first in the gateway's order: by start, then end, a running one first, then spend). */
  id: text(256),
  /** Channel bought. */
  channel: CampaignChannelSchema,
  /** First day of the campaign. */
  start: DaySchema,
  /** Last day, or null while it runs. */
  end: DaySchema.nullable(),
  /** Budget committed at launch, in the host's currency unit, if known (not what was delivered). */
  spend: count.nullable(),
});
/** A campaign from Fusion. */
export type Campaign = z.infer<typeof CampaignSchema>;

/** An artist's campaigns, oldest first. */
export const CampaignListSchema = z.array(CampaignSchema);

/**
 * A dense daily series: `values[i]` is the value for day `start + i`. Dense arrays keep a year of
 * history for 100,000 artists cheap to move and to validate.
 */
export const DailySeriesSchema = z.object({
  /** Day of `values[0]`. */
  start: DaySchema,
  /** One value per day; `null` where the source has no value for that day. */
  values: dailyValues(),
});
/** A dense daily series. */
export type DailySeries = z.infer<typeof DailySeriesSchema>;

/** Daily engagement split into what was earned (organic) and what was bought (paid). */
export const EngagementSeriesSchema = z
  .object({
    /** Day of index 0 of both arrays. */
    start: DaySchema,
    /** Organic engagement per day (streams, listens, follows: one unit per source), null if unknown. */
    organic: dailyValues(0),
    /** Paid (campaign-driven) engagement per day, null if unknown. */
    paid: dailyValues(0),
  })
  .refine((s) => s.organic.length === s.paid.length, {
    message: 'organic and paid must have the same length',
    path: ['paid'],
  });
/** Daily engagement from Fusion. */
export type EngagementSeries = z.infer<typeof EngagementSeriesSchema>;

// ---------------------------------------------------------------- Coverage (press)

/** One press article about an artist. */
export const ArticleSchema = z.object({
  /** Article id, naming one article about the artist: a repeat in one answer is read once (the earliest; of two copies at one instant, the first in a fixed order of their content, whatever the order of delivery). */
  id: text(256),
  /** Publication instant (a bare day: known at its end). */
  publishedAt: ObservedInstantSchema,
  /** Outlet slug. */
  outlet: text(128),
  /** Outlet quality (reach x editorial weight), 0-1. */
  outletQuality: unit,
  /** Headline, if known. */
  title: text(1024, 0).nullable(),
});
/** A press article from Coverage. */
export type Article = z.infer<typeof ArticleSchema>;

/** An artist's articles, oldest first. */
export const ArticleListSchema = z.array(ArticleSchema);

// ---------------------------------------------------------------- RCF (real-time feed)

/** Kinds of real-time event. */
export const RcfEventTypeSchema = z.enum([
  'playlist_add',
  'radio_play',
  'chart_entry',
  'social_spike',
  'sync_placement',
  'live_show',
]);
/** An RCF event type. */
export type RcfEventType = z.infer<typeof RcfEventTypeSchema>;

/** One real-time event about an artist. */
export const RcfEventSchema = z.object({
  /**
   * Event id, naming one event of the artist: a repeat in one answer is the same event, read once
   * (the earliest; of two copies at one instant, the first in a fixed order of their content,
   * whatever the order of delivery). The same id under two artists is two events (one chart entry
   * credited to both).
   */
  id: text(256),
  /** Event type. */
  type: RcfEventTypeSchema,
  /** When it happened; a bare day `YYYY-MM-DD` (a daily observation) is known at the end of that day. */
  at: ObservedInstantSchema,
  /** Importance of the event (reach of the playlist, station, chart position...), >= 0. */
  weight: count,
  /** Region code where it happened, if any. */
  region: text(64).nullable(),
});
/** A real-time event from RCF. */
export type RcfEvent = z.infer<typeof RcfEventSchema>;

/** An artist's events, oldest first. */
export const RcfEventListSchema = z.array(RcfEventSchema);

// ---------------------------------------------------------------- IdentityKernel

/** Daily identity coherence (0-1: how consistently the artist's identity resolves across platforms). */
export const CoherenceSeriesSchema = z.object({
  /** Day of `values[0]`. */
  start: DaySchema,
  /** Coherence per day, 0-1, null if unknown. */
  values: dailyValues(0, 1),
});
/** An identity coherence series from IdentityKernel. */
export type CoherenceSeries = z.infer<typeof CoherenceSeriesSchema>;

// ---------------------------------------------------------------- Scenes (via ScenesAdapter)

/** Lifecycle stage of a scene. */
export const SceneStageSchema = z.enum(['emerging', 'growing', 'peaking', 'cooling']);
/** A scene lifecycle stage. */
export type SceneStage = z.infer<typeof SceneStageSchema>;

/** An artist's membership of one scene. */
export const SceneMembershipSchema = z.object({
  /** Scene slug. */
  sceneSlug: SlugSchema,
  /** Confidence that the artist belongs to the scene, 0-1. */
  confidence: unit,
  /** Microgenres the artist shares with the scene. */
  microgenres: z.array(SlugSchema).max(64),
});
/** A scene membership. */
export type SceneMembership = z.infer<typeof SceneMembershipSchema>;

/** An artist's memberships, strongest first. */
export const SceneMembershipListSchema = z.array(SceneMembershipSchema);

/** The part of a scene pulse the Talent Radar reads. */
export const ScenePulseSummarySchema = z.object({
  /** Scene slug. */
  sceneSlug: SlugSchema,
  /** Heat, 0-100. */
  heat: z.number().min(0).max(100),
  /** Growth of heat against the previous window (ratio minus one; 0.2 = +20%). */
  growth: finite,
  /** Lifecycle stage. */
  stage: SceneStageSchema,
  /** Instant the pulse is computed as of. */
  asOf: InstantSchema,
  /**
   * `degraded` when the heat was computed with a source read that failed or was late, without
   * memberships, or is a last good pulse served stale: the Talent Radar shows it with that said.
   * A source the host does not have is not a degradation here (its standing configuration). Absent:
   * the scenes service does not say (read as `ok`).
   */
  status: z
    .enum({
      /** Computed with every source the host has answering, over computed memberships. */
      ok: 'ok',
      /** Computed with a source read that failed or was late, without memberships, or served stale. */
      degraded: 'degraded',
    })
    .optional(),
});
/** A scene pulse summary. */
export type ScenePulseSummary = z.infer<typeof ScenePulseSummarySchema>;

// ---------------------------------------------------------------- Workspaces (host-provided)

/** A workspace (a label, an A&R team) that wants recommendations. */
export const WorkspaceSchema = z.object({
  /** Workspace id, a UUID. */
  id: z.uuid(),
  /** Display name. */
  name: text(256),
  /** Scenes the workspace follows. */
  scenes: z.array(SlugSchema).max(100),
  /** Microgenres the workspace follows. */
  microgenres: z.array(SlugSchema).max(200),
  /** Regions the workspace covers. */
  regions: z.array(text(64)).max(100),
  /** Artists already on the roster (never recommended). */
  roster: z.array(SlugSchema).max(10_000),
});
/** A workspace. */
export type Workspace = z.infer<typeof WorkspaceSchema>;

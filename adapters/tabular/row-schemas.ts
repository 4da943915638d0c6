/**
 * @module adapters/tabular/row-schemas
 * The canonical tables: one Zod row schema each, with snake_case column names. Cells may be CSV
 * strings or typed JSON values; the schemas coerce them (see `coerce.ts`) and apply the payload's
 * own rules (slug pattern, 0-1 weights, enums), so a bad cell is reported with its table, line
 * and column before anything is built.
 */
import { z } from 'zod';
import {
  CampaignChannelSchema,
  RcfEventTypeSchema,
  SceneStageSchema,
  TastemakerKindSchema,
} from '../../src/contracts/payloads.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { text } from '../../src/core/text.js';
import {
  dayCell,
  enumCell,
  instantCell,
  nullableDayCell,
  nullableNumberCell,
  nullableStringCell,
  nullableTextCell,
  numberCell,
  optionalIdCell,
  slugCell,
  slugListCell,
  stringCell,
  stringListCell,
  vectorCell,
} from './coerce.js';

const unit = z.number().min(0).max(1);
const nonNegative = z.number().min(0);
/**
 * The gateway's default payload ceilings (`payloads.*`): a value past one would make the artist's
 * whole list an invalid payload at read, so it is a rejected row here, with its line and column.
 */
const BOUNDS = DEFAULT_CONFIG.payloads;
const weightCell = numberCell(nonNegative.max(BOUNDS.maxWeight));
const engagementCell = nullableNumberCell(nonNegative.max(BOUNDS.maxDailyEngagement));
/** Region codes, like every free-text cell, are the contracts' `text`: no NUL, no lone surrogate (the build would refuse it, naming no line). */
const region = text(64);

/** `artists`: the artist universe (the MIG records). */
export const ArtistRowSchema = z.object({
  /** Artist slug (`nova-static`). */
  slug: slugCell,
  /** Display name. */
  name: stringCell(text(512)),
  /** Home region code (`uk`). */
  home_region: stringCell(region),
  /** Home city slug, or empty. */
  home_city: nullableStringCell(text(128)),
  /** When the graph first knew the artist: an instant, or a day (known at its end). */
  first_seen: instantCell,
  /**
   * The artist's debut day (first release or first public appearance), from which career age
   * counts; empty or absent when unknown (never the start of the export).
   */
  debut: nullableDayCell,
});

/** `events`: real-time events (RCF), one row per event. */
export const EventRowSchema = z.object({
  /** Artist slug. */
  artist: slugCell,
  /** Event id; empty to generate `<artist>-e<n>`. */
  id: optionalIdCell,
  /** Event type (`playlist_add`, `radio_play`, `chart_entry`, `social_spike`, `sync_placement`, `live_show`). */
  type: enumCell(RcfEventTypeSchema),
  /** When it happened; a bare day is known at its end. */
  at: instantCell,
  /** Importance, >= 0 and at most the gateway's `payloads.maxWeight` (1e9). */
  weight: weightCell,
  /** Region code where it happened, or empty. */
  region: nullableStringCell(region),
});

/** `engagement`: daily engagement (Fusion), one row per artist and day. */
export const EngagementRowSchema = z.object({
  /** Artist slug. */
  artist: slugCell,
  /** The day, `YYYY-MM-DD`. */
  day: dayCell,
  /** Organic engagement that day, >= 0; empty if unknown. */
  organic: engagementCell,
  /** Paid engagement that day, >= 0; empty if unknown. */
  paid: engagementCell,
});

/** `coherence`: daily identity coherence (IdentityKernel), one row per artist and day. */
export const CoherenceRowSchema = z.object({
  /** Artist slug. */
  artist: slugCell,
  /** The day, `YYYY-MM-DD`. */
  day: dayCell,
  /** Coherence 0-1; empty if unknown. */
  value: nullableNumberCell(unit),
});

/** `tastemakers`: tastemaker links (MIG), one row per artist and tastemaker. */
export const TastemakerRowSchema = z.object({
  /** Artist slug. */
  artist: slugCell,
  /** Tastemaker slug. */
  tastemaker: slugCell,
  /** Tastemaker kind (`playlist`, `radio`, `blog`, `dj`, `promoter`, `label`, `curator`). */
  kind: enumCell(TastemakerKindSchema),
  /** Strength of the backing, 0-1. */
  weight: numberCell(unit),
  /** When the link first appeared; a bare day is known at its end. */
  since: instantCell,
});

/** `collaborators`: collaborations (MIG), undirected: each row links both artists. */
export const CollaboratorRowSchema = z.object({
  /** One artist's slug. */
  artist_a: slugCell,
  /** The other artist's slug (not `artist_a`). */
  artist_b: slugCell,
  /** Number of joint works or another strength, > 0. */
  weight: numberCell(z.number().positive().max(BOUNDS.maxWeight)),
  /** When the collaboration first appeared; a bare day is known at its end. */
  since: instantCell,
});

/** `articles`: press articles (Coverage). */
export const ArticleRowSchema = z.object({
  /** Artist slug. */
  artist: slugCell,
  /** Article id; empty to generate `<artist>-a<n>`. */
  id: optionalIdCell,
  /** Publication instant; a bare day is known at its end. */
  published_at: instantCell,
  /** Outlet slug or name. */
  outlet: stringCell(text(128)),
  /** Outlet quality, 0-1. */
  outlet_quality: numberCell(unit),
  /** Headline, or empty. */
  title: nullableTextCell(1024),
});

/** `releases`: release fingerprints (CMG). */
export const ReleaseRowSchema = z.object({
  /** Artist slug. */
  artist: slugCell,
  /** Release id, unique per artist; empty to generate `<artist>-r<n>`. */
  release_id: optionalIdCell,
  /** Release day. */
  released_at: dayCell,
  /** Fingerprint: numbers separated by `;` or spaces (or a JSON array). */
  vector: vectorCell,
  /** Microgenre slugs separated by `;` (or a JSON array); empty for none. */
  microgenres: slugListCell(64),
});

/** `campaigns`: marketing campaigns (Fusion). */
export const CampaignRowSchema = z.object({
  /** Artist slug. */
  artist: slugCell,
  /** Campaign id; empty to generate `<artist>-c<n>`. */
  id: optionalIdCell,
  /** Channel (`social`, `streaming`, `search`, `display`, `radio`, `influencer`). */
  channel: enumCell(CampaignChannelSchema),
  /** First day. */
  start: dayCell,
  /** Last day, or empty while it runs. */
  end: nullableDayCell,
  /** Budget committed at launch, >= 0, or empty. */
  spend: nullableNumberCell(nonNegative.max(BOUNDS.maxSpend)),
});

/** `memberships`: scene memberships (for a `ScenesAdapter` read from files). */
export const MembershipRowSchema = z.object({
  /** Artist slug. */
  artist: slugCell,
  /** Scene slug. */
  scene: slugCell,
  /** Confidence 0-1. */
  confidence: numberCell(unit),
  /** Shared microgenre slugs separated by `;`; empty for none. */
  microgenres: slugListCell(64),
  /** First day the membership holds. */
  since: dayCell,
});

/** `scene_pulses`: scene pulse snapshots (the pulse as of T is the latest snapshot at or before T). */
export const ScenePulseRowSchema = z.object({
  /** Scene slug. */
  scene: slugCell,
  /** Heat 0-100. */
  heat: numberCell(z.number().min(0).max(100)),
  /** Growth against the previous window (0.2 = +20%). */
  growth: numberCell(z.number()),
  /** Stage (`emerging`, `growing`, `peaking`, `cooling`). */
  stage: enumCell(SceneStageSchema),
  /** Instant the snapshot is computed as of; a bare day is the end of that day. */
  as_of: instantCell,
});

/** `workspaces`: the host's workspaces (lists are `;`-separated). */
export const WorkspaceRowSchema = z.object({
  /** Workspace id, a UUID. */
  id: stringCell(z.uuid()),
  /** Display name. */
  name: stringCell(text(256)),
  /** Scene slugs followed. */
  scenes: slugListCell(100),
  /** Microgenre slugs followed. */
  microgenres: slugListCell(200),
  /** Region codes covered. */
  regions: stringListCell(region, 100),
  /** Artist slugs on the roster. */
  roster: slugListCell(10_000),
});

/** The row schema of each canonical table (spelled out so the reference shows one link per table). */
export interface TabularRowSchemas {
  /** See {@link ArtistRowSchema}. */
  readonly artists: typeof ArtistRowSchema;
  /** See {@link EventRowSchema}. */
  readonly events: typeof EventRowSchema;
  /** See {@link EngagementRowSchema}. */
  readonly engagement: typeof EngagementRowSchema;
  /** See {@link CoherenceRowSchema}. */
  readonly coherence: typeof CoherenceRowSchema;
  /** See {@link TastemakerRowSchema}. */
  readonly tastemakers: typeof TastemakerRowSchema;
  /** See {@link CollaboratorRowSchema}. */
  readonly collaborators: typeof CollaboratorRowSchema;
  /** See {@link ArticleRowSchema}. */
  readonly articles: typeof ArticleRowSchema;
  /** See {@link ReleaseRowSchema}. */
  readonly releases: typeof ReleaseRowSchema;
  /** See {@link CampaignRowSchema}. */
  readonly campaigns: typeof CampaignRowSchema;
  /** See {@link MembershipRowSchema}. */
  readonly memberships: typeof MembershipRowSchema;
  /** See {@link ScenePulseRowSchema}. */
  readonly scenePulses: typeof ScenePulseRowSchema;
  /** See {@link WorkspaceRowSchema}. */
  readonly workspaces: typeof WorkspaceRowSchema;
}

/**
 * Every canonical table's row schema, by table name (the keys `createTabularSources` reads).
 * @example
 * ```ts
 * TABULAR_ROW_SCHEMAS.events.safeParse({ artist: 'nova-static', type: 'radio_play', at: '2025-03-01', weight: '4' }).success; // true
 * ```
 */
export const TABULAR_ROW_SCHEMAS: TabularRowSchemas = {
  artists: ArtistRowSchema,
  events: EventRowSchema,
  engagement: EngagementRowSchema,
  coherence: CoherenceRowSchema,
  tastemakers: TastemakerRowSchema,
  collaborators: CollaboratorRowSchema,
  articles: ArticleRowSchema,
  releases: ReleaseRowSchema,
  campaigns: CampaignRowSchema,
  memberships: MembershipRowSchema,
  scenePulses: ScenePulseRowSchema,
  workspaces: WorkspaceRowSchema,
};

/** The name of a canonical table. */
export type TabularTableName = keyof TabularRowSchemas;

/** All table names, in the order they are read (artists first: other tables are checked against it). */
export const TABULAR_TABLE_NAMES = Object.keys(TABULAR_ROW_SCHEMAS) as readonly TabularTableName[];

/** A validated, coerced row of table `T`. */
export type TabularRowOf<T extends TabularTableName> = z.output<TabularRowSchemas[T]>;

/** What a host's `map` returns for table `T`: the canonical columns, as strings or typed values. */
export type TabularRowInput<T extends TabularTableName> = z.input<TabularRowSchemas[T]>;

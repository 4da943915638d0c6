/**
 * @module scenes/schemas
 * What the Scenes Engine returns, written once: each result is a Zod schema, and its TypeScript
 * type is inferred from it (`z.output`), so the engine's types, the HTTP API's response schemas
 * (`scene-radar/api` re-exports these) and the OpenAPI document cannot drift apart.
 *
 * Field documentation is the JSDoc on each property of a shape; `fields(key, shape)` gives the
 * fields the same text as `.describe()` from the generated `schema-docs.ts` (run
 * `npx tsx scripts/schema-docs.ts` after editing a comment). A type's documentation is the JSDoc on its
 * exported type alias, which `named(id)` gives the schema as its OpenAPI description.
 *
 * Pulse fields are snake_case like the stored rows they mirror (`scene_trends`), with `asOf` as
 * this project's API has named it from its first version (the origin document names no as-of
 * field). Objects are plain (not strict): a host may add fields. Rows reuse the
 * table schemas of `stores/tables`.
 */
import { z } from 'zod';
import { DaySchema, InstantSchema, SceneStageSchema } from '../contracts/payloads.js';
import type { SourceName } from '../contracts/sources.js';
import type { ItemStatus } from '../core/gateway/outcome.js';
import { count, describeFields, finite, percent, type ReadonlyPayload, unit } from '../core/payload-schema.js';
import { SlugSchema } from '../core/slug.js';
import {
  SceneRecommendationRowSchema,
  SceneRelationshipTypeSchema,
  type SceneTrendRow,
  SceneTrendRowSchema,
} from '../stores/tables.js';
import { FIELD_DOCS, TYPE_DOCS } from './schema-docs.js';

/** The shape `key` with its generated field descriptions (see the module comment). */
function fields<S extends Record<string, z.ZodType>>(key: keyof typeof FIELD_DOCS, shape: S): S {
  return describeFields(FIELD_DOCS[key], shape);
}

/** The OpenAPI id of a schema and, as its description, the JSDoc of the type alias of that name. */
function named(id: keyof typeof TYPE_DOCS): { id: string; description: string } {
  return { id, description: TYPE_DOCS[id] };
}

// Enums below are written as documented objects (`z.enum({ a: 'a' })`, which parses exactly like
// `z.enum(['a'])`) so that a reader of the schema sees what each member means.

/**
 * Source slots, in the order of `SOURCE_NAMES`; `satisfies` fails to compile if a source is added
 * to or removed from `SourceName` without this list following.
 */
export const SourceNameSchema = z.enum({
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

// ---------------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------------

/** The shape of a page of `item`s; {@link Page} is inferred from it. */
function pageShape<T extends z.ZodType>(item: T) {
  return fields('Page', {
    /** Items of this page. */
    items: z.array(item),
    /** Total matching items, an integer >= 0. */
    total: count,
    /** Page size asked for, an integer >= 0. */
    limit: count,
    /** Items skipped, an integer >= 0. */
    offset: count,
  });
}

/**
 * The schema of a page of `item`s, named `id` in the OpenAPI document (`ScenePage`), described as
 * "A page of `what`.".
 */
export function pageOf<T extends z.ZodType>(item: T, id: string, what: string) {
  return z.object(pageShape(item)).meta({ id, description: `A page of ${what}.` });
}

/**
 * A page of results: `items` (this page), `total` (matching items), `limit` (page size asked for)
 * and `offset` (items skipped). The items keep their own type (a stored row stays a mutable row).
 * @remarks Not expanded as an interface in the API reference: it is generic, and its fields are
 * documented on the page schema they are inferred from.
 */
export type Page<T> = ReadonlyPayload<z.output<ReturnType<typeof pageOf<z.ZodType<T>>>>, T>;

// ---------------------------------------------------------------------------------------------
// Pulse
// ---------------------------------------------------------------------------------------------

/**
 * Schema of the gateway's `OutcomeCounts` (`Record<ItemStatus, number>`, which stays a gateway type:
 * it is what the gateway counts, not only a payload). `satisfies` keeps the keys those statuses.
 */
export const OutcomeCountsSchema = z
  .object(
    fields('OutcomeCounts', {
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
    } satisfies { readonly [K in ItemStatus]: z.ZodType }),
  )
  .meta({ id: 'OutcomeCounts', description: 'Source-read outcomes by status.' });

/**
 * Outcomes of the source reads behind a pulse, by source; a source not read is absent. (The type
 * of `ScenePulseSnapshot.sources`, named so its keys carry their documentation.)
 */
export type SourceOutcomes = {
  readonly [K in keyof typeof SourceNameSchema.enum]?: Readonly<z.output<typeof OutcomeCountsSchema>>;
};

/** Schema of {@link ExplanationItem}. */
export const ExplanationItemSchema = z
  .object(
    fields('ExplanationItem', {
      /** Signal name (`member_momentum`). */
      signal: z.string(),
      /** Source it was read from (`fusion`), or `scenes` for the engine's own tables. */
      source: SourceNameSchema,
      /** Raw value, in the unit named by `unit`. */
      raw: finite,
      /** Unit of `raw`. */
      unit: z.string(),
      /** Normalised value, 0-1. */
      normalized: unit,
      /** Weight in the score (0-1; weights of available signals are renormalised to sum to 1). */
      weight: unit,
      /** Contribution to the score, in the score's own unit (heat points). */
      contribution: finite,
      /** False when the signal's source gave no evidence (it then contributes nothing). */
      available: z.boolean(),
    }),
  )
  .meta(named('ExplanationItem'));
/**
 * One signal's part in a scene's heat: where it came from, its raw and normalised value, its weight.
 * @interface
 */
export type ExplanationItem = ReadonlyPayload<z.output<typeof ExplanationItemSchema>>;

/** Schema of {@link ScenePulseArtist}. */
export const ScenePulseArtistSchema = z
  .object(
    fields('ScenePulseArtist', {
      /** Artist slug. */
      artist_slug: SlugSchema,
      /** Membership confidence, 0-1. */
      confidence: unit,
      /** Growth of daily organic engagement, last 30 days vs the 30 before (ratio minus one; from no engagement before, against `scenes.pulse.engagementFloor` a day). */
      growth: finite,
      /** Mean daily organic engagement over the last 30 days. */
      engagement: finite,
      /** Why it is listed. */
      reason: z.string(),
    }),
  )
  .meta(named('ScenePulseArtist'));
/**
 * An artist that drives a scene now.
 * @interface
 */
export type ScenePulseArtist = ReadonlyPayload<z.output<typeof ScenePulseArtistSchema>>;

/** Schema of {@link MicrogenreShare}. */
export const MicrogenreShareSchema = z
  .object(
    fields('MicrogenreShare', {
      /** Microgenre slug. */
      microgenre: SlugSchema,
      /** Confidence-weighted share among the scene's members, 0-1. */
      share: unit,
    }),
  )
  .meta(named('MicrogenreShare'));
/**
 * One microgenre's share of a scene.
 * @interface
 */
export type MicrogenreShare = ReadonlyPayload<z.output<typeof MicrogenreShareSchema>>;

/** Schema of {@link TastemakerActivity}. */
export const TastemakerActivitySchema = z
  .object(
    fields('TastemakerActivity', {
      /** Tastemaker links to members that appeared in the current window (the last 30 days), an integer >= 0. */
      new_links: count,
      /** The same in the previous window (the 30 days before), an integer >= 0. */
      previous_new_links: count,
      /** Distinct tastemakers backing members as of the pulse, an integer >= 0. */
      active_tastemakers: count,
    }),
  )
  .meta(named('TastemakerActivity'));
/**
 * Tastemaker attention to a scene's members.
 * @interface
 */
export type TastemakerActivity = ReadonlyPayload<z.output<typeof TastemakerActivitySchema>>;

/** Schema of {@link CampaignActivity}. */
export const CampaignActivitySchema = z
  .object(
    fields('CampaignActivity', {
      /** Members with paid (campaign) engagement in the current window (the last 30 days), an integer >= 0. */
      campaigning_members: count,
      /** Paid share of members' engagement in the window, 0-1. */
      paid_share: unit,
    }),
  )
  .meta(named('CampaignActivity'));
/**
 * Paid activity among a scene's members, read from their paid engagement (never counted towards heat).
 * @interface
 */
export type CampaignActivity = ReadonlyPayload<z.output<typeof CampaignActivitySchema>>;

/**
 * Schema of a pulse's `stale` mark (inline in the OpenAPI document: it has no id): why a scene's
 * last good pulse was served instead of a fresh one.
 */
export const StaleMarkSchema = z.object(
  fields('StaleMark', {
    /**
     * Why the pulse could not be computed now: `CODE: message` for the SDK's errors (`STORE_UNAVAILABLE: PostgreSQL cannot be reached (ECONNREFUSED)...` when the engine's tables cannot be read), else the failure of its sources or deadline.
     */
    reason: z.string(),
    /** When the computation that failed was tried (ISO 8601); the pulse itself is as of its `asOf`. */
    at: InstantSchema,
  }),
);

/** Schema of {@link ScenePulseSnapshot}, what `ScenePulse.getScenePulse` returns. */
export const ScenePulseSnapshotSchema = z
  .object(
    fields('ScenePulseSnapshot', {
      /** Scene slug. */
      scene_slug: SlugSchema,
      /** Scene name. */
      name: z.string(),
      /** Scene region. */
      region: z.string(),
      /** Heat, 0-100. */
      heat: percent,
      /** Heat of the previous window (30 days earlier), 0-100. */
      previous_heat: percent,
      /** Change of heat against the previous window, relative (0.2 = +20%). */
      growth: finite,
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
      confidence: unit,
      /** Outcomes of the source reads behind this pulse, by source (sources not read are absent). */
      // Typed as the named SourceOutcomes (same value type, documented keys) for the API reference.
      sources: z.partialRecord(SourceNameSchema, OutcomeCountsSchema) as z.ZodType<SourceOutcomes>,
      /** `degraded` when a source read failed or timed out, or when memberships were never computed (`memberships_as_of` null); a source the host does not have (`absent` in `sources`) is not a degradation. */
      status: z.enum({
        /** No source read failed or timed out (a source not knowing a key, or one the host does not have, is not a failure), and memberships were computed. */
        ok: 'ok',
        /** A source read failed or timed out, or memberships were never computed; `confidence` says how much evidence was left. */
        degraded: 'degraded',
      }),
      /** Instant the pulse is computed as of (ISO 8601). */
      asOf: InstantSchema,
      /**
       * As-of instant of the membership refresh the members come from (ISO 8601), or null when
       * memberships were never computed (no `refresh()` yet, or none could read the artist
       * universe): the pulse then counts no member, has confidence 0 and is `degraded`.
       */
      memberships_as_of: InstantSchema.nullable(),
      /** When it was computed (ISO 8601). */
      updated_at: InstantSchema,
      /** Version of the pulse model. */
      model_version: z.string(),
      /**
       * Present only on a scene's last good pulse, served because computing it now failed (its
       * sources failed or ran out of time, or the engine's tables cannot be read): why, and when it
       * was tried. Absent on a fresh pulse, and on a cached one served within its TTL or grace.
       */
      stale: StaleMarkSchema.optional(),
    }),
  )
  .meta(named('ScenePulseSnapshot'));
/**
 * How hot and how fast-moving a scene is, as of a time, with what drove it.
 * @interface
 */
export type ScenePulseSnapshot = ReadonlyPayload<z.output<typeof ScenePulseSnapshotSchema>, SourceOutcomes>;

/** Schema of {@link SceneItemStatus}. */
export const SceneItemStatusSchema = z.enum({
  /** A fresh pulse was computed. */
  ok: 'ok',
  /** The pulse failed and the scene's last good pulse was served instead (with its own `asOf`). */
  stale: 'stale',
  /** The pulse did not finish in time (and there was no earlier pulse to serve). */
  timeout: 'timeout',
  /** The pulse failed (and there was no earlier pulse to serve). */
  error: 'error',
  /** Heat unknown: Fusion failed for every member, the scene was imported after the last refresh, or that refresh placed nobody in it while some artists could not be placed at all; and there was no earlier pulse to serve. */
  unavailable: 'unavailable',
  /** No such scene. */
  not_found: 'not_found',
});
/** How one scene of a batch ended. */
export type SceneItemStatus = z.output<typeof SceneItemStatusSchema>;

/** Schema of {@link SceneBatchItem}. */
export const SceneBatchItemSchema = z
  .object(
    fields('SceneBatchItem', {
      /** Scene slug. */
      slug: SlugSchema,
      /** `ok`, `stale` (an older pulse was served, with its own `asOf`), `timeout`, `error`, `unavailable` (heat unknown: Fusion failed for every member, the scene was imported after the last refresh, or that refresh placed nobody in it while some artists could not be placed at all, and no earlier pulse is kept) or `not_found`. */
      status: SceneItemStatusSchema,
      /** The pulse, for `ok` and `stale`. */
      pulse: ScenePulseSnapshotSchema.optional(),
      /** What went wrong, for `timeout`, `error`, `unavailable` and `not_found` (and for `stale`, the failure that made it stale). */
      message: z.string().optional(),
    }),
  )
  .meta(named('SceneBatchItem'));
/**
 * One scene of a batch: its status and, when there is one, its pulse.
 * @interface
 */
export type SceneBatchItem = ReadonlyPayload<z.output<typeof SceneBatchItemSchema>, SourceOutcomes>;

/** Schema of {@link GlobalScenePulseSummary}. */
export const GlobalScenePulseSummarySchema = z
  .object(
    fields('GlobalScenePulseSummary', {
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
      /** Scenes whose heat is unknown (Fusion failed for every member, the scene was imported after the last refresh, or that refresh placed nobody in it while some artists could not be placed at all; no earlier pulse kept), an integer >= 0. */
      unavailable: count,
      /** Scenes whose pulse was computed with a source failing or late, or without memberships (`status: 'degraded'`), an integer >= 0. */
      degraded: count,
    }),
  )
  .meta(named('GlobalScenePulseSummary'));
/**
 * How the scenes of the catalog ended in a global scene pulse.
 * @interface
 */
export type GlobalScenePulseSummary = ReadonlyPayload<z.output<typeof GlobalScenePulseSummarySchema>>;

/** Schema of {@link SceneRegionCount}. */
export const SceneRegionCountSchema = z
  .object(
    fields('SceneRegionCount', {
      /** Region code (`uk`), as the catalog's scenes give it. */
      region: z.string(),
      /** Scenes of the catalog in the region, an integer >= 1. */
      scenes: z.number().int().min(1),
    }),
  )
  .meta(named('SceneRegionCount'));
/**
 * One region of the catalog and how many scenes it holds.
 * @interface
 */
export type SceneRegionCount = ReadonlyPayload<z.output<typeof SceneRegionCountSchema>>;

/** Schema of {@link GlobalScenePulse}, what `ScenePulse.getGlobalPulse` returns. */
export const GlobalScenePulseSchema = z
  .object(
    fields('GlobalScenePulse', {
      /** When it was computed (ISO 8601). */
      timestamp: InstantSchema,
      /** As-of instant (ISO 8601). */
      asOf: InstantSchema,
      /** Hottest scenes, hottest first. */
      hottest: z.array(ScenePulseSnapshotSchema),
      /** Fastest-growing scenes, by heat growth. */
      fastestGrowing: z.array(ScenePulseSnapshotSchema),
      /** Cooling scenes, fastest-cooling first. */
      cooling: z.array(ScenePulseSnapshotSchema),
      /** How the scenes of the catalog ended. */
      summary: GlobalScenePulseSummarySchema,
      /** Every region of the catalog, by region code, with its number of scenes (what a region filter offers; `GET /scene-pulse/{region}` ranks one). */
      regions: z.array(SceneRegionCountSchema),
      /** What a reader should know about these lists (an empty scene catalog, scenes whose heat is unknown, stale pulses); empty when nothing is amiss. */
      notes: z.array(z.string()),
    }),
  )
  .meta(named('GlobalScenePulse'));
/**
 * Hottest, fastest-growing and cooling scenes of the whole catalog.
 * @interface
 */
export type GlobalScenePulse = ReadonlyPayload<z.output<typeof GlobalScenePulseSchema>, SourceOutcomes>;

/** Schema of {@link RegionalScenePulse}, what `ScenePulse.getRegionalPulse` returns. */
export const RegionalScenePulseSchema = z
  .object(
    fields('RegionalScenePulse', {
      /** Region code (`uk`). */
      region: z.string(),
      /** As-of instant (ISO 8601). */
      asOf: InstantSchema,
      /** Scenes with a pulse, hottest first, at most `limit`. */
      scenes: z.array(ScenePulseSnapshotSchema),
      /** Scenes of the region without a fresh pulse (timeout or error). */
      unavailable: z.array(SceneBatchItemSchema),
    }),
  )
  .meta(named('RegionalScenePulse'));
/**
 * A region's scenes ranked by heat.
 * @interface
 */
export type RegionalScenePulse = ReadonlyPayload<z.output<typeof RegionalScenePulseSchema>, SourceOutcomes>;

// ---------------------------------------------------------------------------------------------
// Trends, relationships, recommendations
// ---------------------------------------------------------------------------------------------

/** One daily snapshot of a scene's pulse: the `scene_trends` row, named for the OpenAPI document. */
export const SceneTrendSnapshotSchema = SceneTrendRowSchema.meta({
  id: 'SceneTrendRow',
  description: "One daily snapshot of a scene's pulse.",
});

/** Schema of {@link TrendPeak}. */
export const TrendPeakSchema = z
  .object(
    fields('TrendPeak', {
      /** Its day (`YYYY-MM-DD`). */
      day: DaySchema,
      /** Its heat, 0-100. */
      heat: percent,
    }),
  )
  .meta(named('TrendPeak'));
/**
 * The hottest snapshot of a trend.
 * @interface
 */
export type TrendPeak = ReadonlyPayload<z.output<typeof TrendPeakSchema>>;

/** Schema of {@link SceneTrendsSummary}. */
export const SceneTrendsSummarySchema = z
  .object(
    fields('SceneTrendsSummary', {
      /** Heat on the last snapshot minus heat on the first, in heat points. */
      change: finite,
      /** Least-squares slope of heat, points per day. */
      slope: finite,
      /** Hottest snapshot. */
      peak: TrendPeakSchema,
      /** Snapshots in the span / days in the span, >= 0. */
      coverage: z.number().min(0),
    }),
  )
  .meta(named('SceneTrendsSummary'));
/**
 * Summary of a scene's trend series.
 * @interface
 */
export type SceneTrendsSummary = ReadonlyPayload<z.output<typeof SceneTrendsSummarySchema>>;

/** Schema of {@link SceneTrends}, what `ScenesEngine.getSceneTrends` returns. */
export const SceneTrendsSchema = z
  .object(
    fields('SceneTrends', {
      /** Scene slug. */
      scene_slug: SlugSchema,
      /** Days asked for (1-365). */
      days: z.number().int().min(1).max(365),
      /** First day of the span (`YYYY-MM-DD`). */
      from: DaySchema,
      /** Last day of the span (`YYYY-MM-DD`). */
      to: DaySchema,
      /** Stored daily snapshots in the span, oldest first (days without a snapshot are absent). */
      series: z.array(SceneTrendSnapshotSchema),
      /** Summary of the series, or null when it is empty. */
      summary: SceneTrendsSummarySchema.nullable(),
    }),
  )
  .meta(named('SceneTrends'));
/**
 * A scene's trend over a span of days. The snapshots are `scene_trends` rows, with their own type.
 * @interface
 */
export type SceneTrends = ReadonlyPayload<z.output<typeof SceneTrendsSchema>, SceneTrendRow>;

/** Schema of {@link SceneRelationshipLink}. */
export const SceneRelationshipLinkSchema = z
  .object(
    fields('SceneRelationshipLink', {
      /** Relationship type: what the two scenes share. */
      type: SceneRelationshipTypeSchema,
      /** Link weight, 0-1. */
      weight: unit,
      /** Evidence count: shared members, microgenres or tastemakers, by type; an integer >= 0. */
      evidence: count,
    }),
  )
  .meta(named('SceneRelationshipLink'));
/**
 * One stored link between two scenes.
 * @interface
 */
export type SceneRelationshipLink = ReadonlyPayload<z.output<typeof SceneRelationshipLinkSchema>>;

/** Schema of {@link RelatedScene}. */
export const RelatedSceneSchema = z
  .object(
    fields('RelatedScene', {
      /** Related scene slug. */
      scene_slug: SlugSchema,
      /** Mean weight over the three relationship types (a missing type counts 0), 0-1. */
      weight: unit,
      /** The stored links, strongest first. */
      links: z.array(SceneRelationshipLinkSchema),
    }),
  )
  .meta(named('RelatedScene'));
/**
 * A related scene with the links that relate it.
 * @interface
 */
export type RelatedScene = ReadonlyPayload<z.output<typeof RelatedSceneSchema>>;

/** Schema of {@link SceneRecommendation}: a `scene_recommendations_cache` row without its subject. */
export const SceneRecommendationSchema = SceneRecommendationRowSchema.omit({ subject: true }).meta({
  id: 'SceneRecommendation',
  description: 'A recommended scene, with its fit, heat and reasons.',
});
/**
 * A recommended scene: a stored `scene_recommendations_cache` row without its subject.
 * @remarks Mutable, as the row it comes from (the engine hands out the stored row's fields as they are).
 */
export type SceneRecommendation = z.output<typeof SceneRecommendationSchema>;

/** Schema of {@link SceneRecommendations}, what `ScenesEngine.recommendScenes` returns. */
export const SceneRecommendationsSchema = z
  .object(
    fields('SceneRecommendations', {
      /** Who they are for: `artist:<slug>`, or `watch` for the watch list. */
      subject: z.string(),
      /** Recommended scenes, best first. */
      items: z.array(SceneRecommendationSchema),
      /** Whether they were read from stored results rather than computed. */
      stored: z.boolean(),
      /**
       * What the ranking rests on when it is incomplete: scenes left out because their pulse is
       * unavailable or failed, scenes ranked on a degraded or stale pulse, the artist's failed
       * reads, an empty catalog. Empty for a complete answer (the only kind that is stored).
       */
      notes: z.array(z.string()),
    }),
  )
  .meta(named('SceneRecommendations'));
/**
 * Recommended scenes for an artist, or the watch list.
 * @remarks Mutable, unlike the other results: it has always been typed so, and the engine builds it in place.
 * @interface
 */
export type SceneRecommendations = z.output<typeof SceneRecommendationsSchema>;

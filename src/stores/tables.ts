/**
 * @module stores/tables
 * Row schemas of the tables the engines own (seed section 3). Tables, not object graphs: flat
 * rows with a primary key and a few indexed columns, so a SQL implementation maps one to one.
 * Column names are snake_case as in the seed; instants are ISO 8601 strings, days `YYYY-MM-DD`.
 */
import { z } from 'zod';
import { STORABLE_TEXT_MESSAGE, text, unstorableJsonPath } from '../core/text.js';
import { MAX_SLUG_LENGTH, SLUG_MESSAGE, SLUG_PATTERN, SlugSchema } from '../core/slug.js';
import { DaySchema, InstantSchema, SceneStageSchema } from '../contracts/payloads.js';

const unit = z.number().min(0).max(1);
const finite = z.number().finite();
const count = z.number().int().min(0);

/** `scenes`: scene definitions (a place and a sound). */
export const SceneRowSchema = z.object({
  /** Scene slug, the primary key (`indie-uk-brighton`: a sound, a region, a city). */
  slug: SlugSchema,
  /** Display name (`Brighton Indie`). */
  name: text(256),
  /** Region code, a lowercase country or area code (`uk`, `us`, `de`), as in an artist's `homeRegion`. Indexed. */
  region: text(64),
  /** City slug (`brighton`), or null for a scene not tied to one city. */
  city: text(128).nullable(),
  /** Slugs of the microgenres that make up the scene's sound, at most 64. */
  microgenres: z.array(SlugSchema).max(64),
  /** When the row was last written. */
  updated_at: InstantSchema,
});
/** A row of `scenes`. */
export type SceneRow = z.infer<typeof SceneRowSchema>;

/** `microgenres`: microgenre definitions, with an optional position in a sound map. */
export const MicrogenreRowSchema = z.object({
  /** Microgenre slug, the primary key (`dream-pop`). */
  slug: SlugSchema,
  /** Display name (`Dream Pop`). */
  name: text(256),
  /** Horizontal position in a two-dimensional sound map, in the map's own units; null if the microgenre has no position. */
  x: finite.nullable(),
  /** Vertical position in the same sound map; null if the microgenre has no position. */
  y: finite.nullable(),
  /** When the row was last written. */
  updated_at: InstantSchema,
});
/** A row of `microgenres`. */
export type MicrogenreRow = z.infer<typeof MicrogenreRowSchema>;

/** `scene_memberships`: artist-to-scene confidence with its three components. */
export const SceneMembershipRowSchema = z.object({
  /** The scene. Part of the primary key; indexed. */
  scene_slug: SlugSchema,
  /** The member artist. Part of the primary key; indexed. */
  artist_slug: SlugSchema,
  /** Confidence that the artist belongs to the scene, 0-1, combined from `sound`, `place` and `people`. */
  confidence: unit,
  /** Sound component: how close the artist's fingerprint or microgenres are to the scene's, 0-1. */
  sound: unit,
  /** Place component: how well the artist's home region and city match the scene's, 0-1. */
  place: unit,
  /** People component: how many tastemakers the artist shares with the scene's members, 0-1. */
  people: unit,
  /** Microgenres the artist shares with the scene. */
  microgenres: z.array(SlugSchema).max(64),
  /** Human-readable reasons for the membership, at most 16 of up to 512 characters. */
  reasons: z.array(text(512, 0)).max(16),
  /** When the membership first appeared (kept across refreshes; new members are counted from it). */
  joined_at: InstantSchema,
  /** The instant the membership was computed as of (the data it saw was known by then). */
  as_of: InstantSchema,
  /** When the row was last written. */
  updated_at: InstantSchema,
});
/** A row of `scene_memberships`. */
export type SceneMembershipRow = z.infer<typeof SceneMembershipRowSchema>;

/** `scene_trends`: one daily snapshot of a scene's pulse. */
export const SceneTrendRowSchema = z.object({
  /** The scene. Part of the primary key; indexed. */
  scene_slug: SlugSchema,
  /** The UTC day of the snapshot, `YYYY-MM-DD`. Part of the primary key; indexed (trend queries scan a range of days). */
  day: DaySchema,
  /** The scene's heat that day, 0-100. */
  heat: z.number().min(0).max(100),
  /** Growth of heat against the previous window (ratio minus one; 0.2 = +20%, -0.1 = -10%). */
  growth: finite,
  /** The scene's lifecycle stage that day. */
  stage: SceneStageSchema,
  /** Member artists counted as active in the scene that day, >= 0. */
  active_members: count,
  /** Artists who joined the scene in the pulse window ending that day, >= 0. */
  new_members: count,
  /** Members whose momentum was in the rising band that day, >= 0. */
  rising_members: count,
  /** The instant the snapshot was computed as of. */
  as_of: InstantSchema,
});
/** A row of `scene_trends`. */
export type SceneTrendRow = z.infer<typeof SceneTrendRowSchema>;

/** Kinds of scene-to-scene relationship. */
export const SceneRelationshipTypeSchema = z.enum(['shared_members', 'shared_sound', 'shared_tastemakers']);

/** `scene_relationships`: typed, weighted links between scenes. */
export const SceneRelationshipRowSchema = z.object({
  /** The scene the link starts from. Part of the primary key; indexed. */
  scene_slug: SlugSchema,
  /** The related scene. Part of the primary key. */
  related_slug: SlugSchema,
  /** What the two scenes share. Part of the primary key: two scenes may be linked once per type. */
  type: SceneRelationshipTypeSchema,
  /** Strength of the link, 0-1. */
  weight: unit,
  /** Number of shared items behind the link (members, microgenres or tastemakers, depending on `type`), an integer >= 0. */
  evidence: count,
  /** When the row was last written. */
  updated_at: InstantSchema,
});
/** A row of `scene_relationships`. */
export type SceneRelationshipRow = z.infer<typeof SceneRelationshipRowSchema>;

/** `scene_recommendations_cache`: ranked scenes for a subject (`artist:<slug>` or `watch`). */
export const SceneRecommendationRowSchema = z.object({
  /** Who the ranking is for: `artist:<slug>` (scenes for that artist) or `watch` (scenes worth watching). Part of the primary key; indexed. */
  subject: text(160),
  /** The recommended scene. Part of the primary key. */
  scene_slug: SlugSchema,
  /** Position in the subject's ranking, 1 = best. */
  rank: z.number().int().min(1),
  /** Ranking score, 0-1, combining `fit` and `heat`. */
  score: unit,
  /** How well the scene fits the subject, 0-1. */
  fit: unit,
  /** The scene's heat when the ranking was computed, 0-100. */
  heat: z.number().min(0).max(100),
  /** Human-readable reasons for the recommendation, at most 16 of up to 512 characters. */
  reasons: z.array(text(512, 0)).max(16),
  /** When the ranking was computed. */
  computed_at: InstantSchema,
  /** When the cached ranking stops being valid and must be recomputed. */
  expires_at: InstantSchema,
});
/** A row of `scene_recommendations_cache`. */
export type SceneRecommendationRow = z.infer<typeof SceneRecommendationRowSchema>;

/** `metadata` of a Talent Radar artist record (the seed's field names). */
export const TalentArtistMetadataSchema = z.object({
  /** The artist's centrality in the industry graph (MIG), 0-1. */
  migCentrality: unit,
  /** Number of tastemakers backing the artist (MIG links known at `as_of`), an integer >= 0. */
  tastemakerConnections: count,
  /** Confidence of the artist's membership of `scene_slug`, 0-1. */
  sceneConfidence: unit,
  /** Number of marketing campaigns (Fusion) known at `as_of`, an integer >= 0. */
  campaignCount: count,
});

/** `talent_radar_artists`: the seed's artist record, plus confidence, as-of and model version. */
export const TalentArtistRowSchema = z.object({
  /** The artist, the primary key. */
  artist_slug: SlugSchema,
  /** The artist's main scene (strongest membership), or null if it belongs to none. Indexed. */
  scene_slug: SlugSchema.nullable(),
  /** Slugs of the artist's microgenres, at most 64. */
  microgenres: z.array(SlugSchema).max(64),
  /** How fast the artist is growing now relative to peers of similar size, 0-100. */
  momentum: z.number().min(0).max(100),
  /** How far the artist's recent releases moved from its earlier creative fingerprint (CMG), 0-1. */
  creative_shift: unit,
  /** Press velocity: how fast new press coverage arrives (Coverage), >= 0 with no upper bound. */
  coverage_velocity: z.number().min(0).finite(),
  /** Quality of the outlets covering the artist (Coverage outlet quality), 0-1. */
  press_quality: unit,
  /** How well connected the artist is in the industry graph (tastemakers and collaborators), 0-1. */
  mig_connectivity: unit,
  /** Calibrated probability that the artist breaks out within the model's horizon, 0-1. */
  breakout_score: unit,
  /** Risk of decline or of unhealthy growth (incoherence, drift, paid dependence, suspect engagement, stale data), 0-1. */
  risk_score: unit,
  /** The seed's `metadata` object of supporting figures. */
  metadata: TalentArtistMetadataSchema,
  /** How much of the evidence behind the scores was available, 0-1. */
  confidence: unit,
  /** The instant the scores were computed as of. */
  as_of: InstantSchema,
  /** Version of the scoring model that produced the row. */
  model_version: text(64),
  /** When the row was last written. */
  updated_at: InstantSchema,
});
/** A row of `talent_radar_artists`. */
export type TalentArtistRow = z.infer<typeof TalentArtistRowSchema>;

/** `talent_radar_scenes`: the Talent Radar's per-scene roll-up. */
export const TalentSceneRowSchema = z.object({
  /** The scene, the primary key. */
  scene_slug: SlugSchema,
  /** Tracked artists whose main scene this is, an integer >= 0. */
  artist_count: count,
  /** Mean momentum of those artists, 0-100. */
  avg_momentum: z.number().min(0).max(100),
  /** Mean breakout score of those artists, 0-1. */
  avg_breakout: unit,
  /** The scene's heat as read from the Scenes Engine, 0-100, or null if no pulse was available. */
  heat: z.number().min(0).max(100).nullable(),
  /** When the row was last written. */
  updated_at: InstantSchema,
});
/** A row of `talent_radar_scenes`. */
export type TalentSceneRow = z.infer<typeof TalentSceneRowSchema>;

/** `talent_radar_microgenres`: the Talent Radar's per-microgenre roll-up. */
export const TalentMicrogenreRowSchema = z.object({
  /** The microgenre, the primary key. */
  microgenre_slug: SlugSchema,
  /** Tracked artists tagged with this microgenre, an integer >= 0. */
  artist_count: count,
  /** Mean momentum of those artists, 0-100. */
  avg_momentum: z.number().min(0).max(100),
  /** When the row was last written. */
  updated_at: InstantSchema,
});
/** A row of `talent_radar_microgenres`. */
export type TalentMicrogenreRow = z.infer<typeof TalentMicrogenreRowSchema>;

/** `talent_radar_recommendations`: ranked artists for a workspace. */
export const TalentRecommendationRowSchema = z.object({
  /** The workspace (a UUID) the artist is recommended to. Part of the primary key; indexed. */
  workspace_id: z.uuid(),
  /** The recommended artist. Part of the primary key. */
  artist_slug: SlugSchema,
  /** Position in the workspace's ranking, 1 = best. */
  rank: z.number().int().min(1),
  /** Recommendation score, 0-1. */
  score: unit,
  /** Human-readable reasons for the recommendation, at most 16 of up to 512 characters. */
  reasons: z.array(text(512, 0)).max(16),
  /** When the recommendation was made. */
  created_at: InstantSchema,
});
/** A row of `talent_radar_recommendations`. */
export type TalentRecommendationRow = z.infer<typeof TalentRecommendationRowSchema>;

/**
 * A JSON object (a `jsonb` column in SQL): the row keeps it as given, its owner parses it. Its
 * strings and keys are storable text (no NUL, no lone surrogate), which PostgreSQL's `jsonb`
 * requires: every store refuses the same rows.
 */
const JsonObjectSchema = z
  .unknown()
  // Zod's record drops an own `__proto__` key (at any depth) without a word: refused, not reshaped.
  .superRefine((value, ctx) => {
    // Deeper than any state the engines write, and than what every store can take (PostgreSQL
    // refuses some 15,000 levels, JSON.stringify overflows the stack before): refused by all alike.
    if (jsonDepthAbove(value, MAX_JSON_DEPTH)) {
      ctx.addIssue({
        code: 'custom',
        message: `A JSON value nested deeper than ${MAX_JSON_DEPTH} levels cannot be stored`,
      });
      return;
    }
    const at = protoKeyPath(value);
    if (at !== undefined)
      ctx.addIssue({ code: 'custom', message: 'A "__proto__" key cannot be stored: rename it', path: at });
  })
  .pipe(
    z.record(z.string(), z.json()).superRefine((value, ctx) => {
      const at = unstorableJsonPath(value);
      if (at !== undefined) ctx.addIssue({ code: 'custom', message: STORABLE_TEXT_MESSAGE, path: at.path });
    }),
  );

/** The deepest nesting of objects and arrays a stored JSON value may have. */
export const MAX_JSON_DEPTH = 512;

/** Whether `value` nests objects or arrays more than `max` levels deep (walked without recursion). */
export function jsonDepthAbove(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    if (depth > max) return true;
    seen.add(v);
    // Only objects and arrays nest: the numbers of a large state (peer statistics) are not stacked.
    if (Array.isArray(v)) {
      for (const child of v) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    } else
      for (const key of Object.keys(v)) {
        const child = (v as Record<string, unknown>)[key];
        if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
      }
  }
  return false;
}

/** Where the first own `__proto__` key of a JSON value is (the path of the object holding it), if any. */
function protoKeyPath(value: unknown, path: (string | number)[] = []): (string | number)[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = protoKeyPath(value[i], [...path, i]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (Object.hasOwn(value, '__proto__')) return path;
  for (const [key, v] of Object.entries(value)) {
    const found = protoKeyPath(v, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * `scenes_state`: what the Scenes Engine knows of its own refreshes besides its rows, so a restart
 * (or another instance on the same stores) reads the engine as it was. Not one of the seed's
 * tables: the Scenes Engine owns it as it owns the seed's six. Its rows: `last-refresh`, the last
 * refresh's instant and the instant the live memberships were computed as of (written in the
 * refresh's transaction); and `awaiting-<scene slug>`, a scene imported that no refresh has placed
 * artists in yet (written with the catalog by the import, deleted by the refresh that places
 * artists in it). A backfill never writes it.
 */
export const ScenesStateRowSchema = z.object({
  /** Which state (`last-refresh`, `awaiting-<scene slug>`), the primary key: a slug of at most 144 characters. */
  name: z
    .string()
    .min(1, 'Slug must not be empty')
    .max(MAX_SLUG_LENGTH + 16, `Slug must be at most ${MAX_SLUG_LENGTH + 16} characters`)
    .regex(SLUG_PATTERN, SLUG_MESSAGE),
  /** The state, a JSON object the Scenes Engine validates when it reads it. */
  value: JsonObjectSchema,
  /** When it was written. */
  updated_at: InstantSchema,
});
/** A row of `scenes_state`. */
export type ScenesStateRow = z.infer<typeof ScenesStateRowSchema>;

/**
 * `talent_radar_state`: what the Talent Radar's scores depend on besides its records, so a
 * restart (or another instance on the same stores) scores exactly as before. Not one of the seed's
 * tables: the Talent Radar owns it as it owns the seed's four. Its rows: `breakout-model`, the
 * model a host applied with `TalentRadar.setBreakoutModel` and its validation report;
 * `last-refresh`, the last refresh's instant, peer statistics and failed reads (written in the
 * refresh's transaction); `last-failed-walk`, the last refresh that could not walk the MIG
 * universe (its instant and why); and `refresh-plan-<id>`, a sharded refresh's plan (its instant
 * and universe) from `planRefresh` until its finish or `discardRefresh`.
 */
export const TalentStateRowSchema = z.object({
  /** Which state (`breakout-model`, `last-refresh`, `last-failed-walk`, `refresh-plan-<id>`), the primary key. */
  name: SlugSchema,
  /** The state, a JSON object the Talent Radar validates when it reads it. */
  value: JsonObjectSchema,
  /** When it was written. */
  updated_at: InstantSchema,
});
/** A row of `talent_radar_state`. */
export type TalentStateRow = z.infer<typeof TalentStateRowSchema>;

/**
 * `talent_radar_refresh_shards`: staging of a sharded Talent Radar refresh (not one of the seed's
 * tables; the Talent Radar owns it). Each shard of a refresh writes its artists' features here;
 * the refresh's last phase reads them all back, scores the population and deletes them in the
 * transaction that writes the records. Empty between refreshes; rows of a refresh that never
 * finished are deleted by `TalentRadar.discardRefresh`.
 */
export const TalentRefreshShardRowSchema = z.object({
  /** The refresh (a UUID), part of the primary key. */
  refresh_id: SlugSchema,
  /** Position of the shard in the refresh's universe, from 0. Part of the primary key. */
  shard: count,
  /** The refresh's as-of instant. */
  as_of: InstantSchema,
  /** Artists in the shard, >= 1. */
  artist_count: z.number().int().min(1),
  /** The shard's features and read outcomes, in universe order (exact JSON: see talent/refresh-shards). */
  features: text(256 * 1024 * 1024),
  /** When the row was written. */
  updated_at: InstantSchema,
});
/** A row of `talent_radar_refresh_shards`. */
export type TalentRefreshShardRow = z.infer<typeof TalentRefreshShardRowSchema>;

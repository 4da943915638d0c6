/**
 * @module stores/tables
 * Row schemas of the tables the engines own (seed section 3). Tables, not object graphs: flat
 * rows with a primary key and a few indexed columns, so a SQL implementation maps one to one.
 * Column names are snake_case as in the seed; instants are ISO 8601 strings, days `YYYY-MM-DD`.
 */
import { z } from 'zod';
import { SlugSchema } from '../core/slug.js';
import { DaySchema, InstantSchema, SceneStageSchema } from '../contracts/payloads.js';

const unit = z.number().min(0).max(1);
const finite = z.number().finite();
const count = z.number().int().min(0);

/** `scenes`: scene definitions (a place and a sound). */
export const SceneRowSchema = z.object({
  slug: SlugSchema,
  name: z.string().min(1).max(256),
  region: z.string().min(1).max(64),
  city: z.string().min(1).max(128).nullable(),
  microgenres: z.array(SlugSchema).max(64),
  updated_at: InstantSchema,
});
/** A row of `scenes`. */
export type SceneRow = z.infer<typeof SceneRowSchema>;

/** `microgenres`: microgenre definitions, with an optional position in a sound map. */
export const MicrogenreRowSchema = z.object({
  slug: SlugSchema,
  name: z.string().min(1).max(256),
  x: finite.nullable(),
  y: finite.nullable(),
  updated_at: InstantSchema,
});
/** A row of `microgenres`. */
export type MicrogenreRow = z.infer<typeof MicrogenreRowSchema>;

/** `scene_memberships`: artist-to-scene confidence with its three components. */
export const SceneMembershipRowSchema = z.object({
  scene_slug: SlugSchema,
  artist_slug: SlugSchema,
  confidence: unit,
  sound: unit,
  place: unit,
  people: unit,
  reasons: z.array(z.string().max(512)).max(16),
  as_of: InstantSchema,
  updated_at: InstantSchema,
});
/** A row of `scene_memberships`. */
export type SceneMembershipRow = z.infer<typeof SceneMembershipRowSchema>;

/** `scene_trends`: one daily snapshot of a scene's pulse. */
export const SceneTrendRowSchema = z.object({
  scene_slug: SlugSchema,
  day: DaySchema,
  heat: z.number().min(0).max(100),
  growth: finite,
  stage: SceneStageSchema,
  active_members: count,
  new_members: count,
  rising_members: count,
  as_of: InstantSchema,
});
/** A row of `scene_trends`. */
export type SceneTrendRow = z.infer<typeof SceneTrendRowSchema>;

/** Kinds of scene-to-scene relationship. */
export const SceneRelationshipTypeSchema = z.enum(['shared_members', 'shared_sound', 'shared_tastemakers']);

/** `scene_relationships`: typed, weighted links between scenes. */
export const SceneRelationshipRowSchema = z.object({
  scene_slug: SlugSchema,
  related_slug: SlugSchema,
  type: SceneRelationshipTypeSchema,
  weight: unit,
  evidence: count,
  updated_at: InstantSchema,
});
/** A row of `scene_relationships`. */
export type SceneRelationshipRow = z.infer<typeof SceneRelationshipRowSchema>;

/** `scene_recommendations_cache`: ranked scenes for a subject (`artist:<slug>` or `watch`). */
export const SceneRecommendationRowSchema = z.object({
  subject: z.string().min(1).max(160),
  scene_slug: SlugSchema,
  rank: z.number().int().min(1),
  score: unit,
  fit: unit,
  heat: z.number().min(0).max(100),
  reasons: z.array(z.string().max(512)).max(16),
  computed_at: InstantSchema,
  expires_at: InstantSchema,
});
/** A row of `scene_recommendations_cache`. */
export type SceneRecommendationRow = z.infer<typeof SceneRecommendationRowSchema>;

/** `metadata` of a Talent Radar artist record (the seed's field names). */
export const TalentArtistMetadataSchema = z.object({
  migCentrality: unit,
  tastemakerConnections: count,
  sceneConfidence: unit,
  campaignCount: count,
});

/** `talent_radar_artists`: the seed's artist record, plus confidence, as-of and model version. */
export const TalentArtistRowSchema = z.object({
  artist_slug: SlugSchema,
  scene_slug: SlugSchema.nullable(),
  microgenres: z.array(SlugSchema).max(64),
  momentum: z.number().min(0).max(100),
  creative_shift: unit,
  coverage_velocity: z.number().min(0).finite(),
  press_quality: unit,
  mig_connectivity: unit,
  breakout_score: unit,
  risk_score: unit,
  metadata: TalentArtistMetadataSchema,
  confidence: unit,
  as_of: InstantSchema,
  model_version: z.string().min(1).max(64),
  updated_at: InstantSchema,
});
/** A row of `talent_radar_artists`. */
export type TalentArtistRow = z.infer<typeof TalentArtistRowSchema>;

/** `talent_radar_scenes`: the Talent Radar's per-scene roll-up. */
export const TalentSceneRowSchema = z.object({
  scene_slug: SlugSchema,
  artist_count: count,
  avg_momentum: z.number().min(0).max(100),
  avg_breakout: unit,
  heat: z.number().min(0).max(100).nullable(),
  updated_at: InstantSchema,
});
/** A row of `talent_radar_scenes`. */
export type TalentSceneRow = z.infer<typeof TalentSceneRowSchema>;

/** `talent_radar_microgenres`: the Talent Radar's per-microgenre roll-up. */
export const TalentMicrogenreRowSchema = z.object({
  microgenre_slug: SlugSchema,
  artist_count: count,
  avg_momentum: z.number().min(0).max(100),
  updated_at: InstantSchema,
});
/** A row of `talent_radar_microgenres`. */
export type TalentMicrogenreRow = z.infer<typeof TalentMicrogenreRowSchema>;

/** `talent_radar_recommendations`: ranked artists for a workspace. */
export const TalentRecommendationRowSchema = z.object({
  workspace_id: z.uuid(),
  artist_slug: SlugSchema,
  rank: z.number().int().min(1),
  score: unit,
  reasons: z.array(z.string().max(512)).max(16),
  created_at: InstantSchema,
});
/** A row of `talent_radar_recommendations`. */
export type TalentRecommendationRow = z.infer<typeof TalentRecommendationRowSchema>;

/**
 * @module stores/specs
 * The owned tables of each engine (seed section 3) and the store sets the engines receive.
 * The Scenes Engine writes only {@link ScenesStores}; the Talent Radar only {@link TalentStores}.
 */
import type { Table, TableSpec } from './table.js';
import {
  MicrogenreRowSchema,
  SceneMembershipRowSchema,
  SceneRecommendationRowSchema,
  SceneRelationshipRowSchema,
  SceneRowSchema,
  SceneTrendRowSchema,
  TalentArtistRowSchema,
  TalentMicrogenreRowSchema,
  TalentRecommendationRowSchema,
  TalentSceneRowSchema,
  type MicrogenreRow,
  type SceneMembershipRow,
  type SceneRecommendationRow,
  type SceneRelationshipRow,
  type SceneRow,
  type SceneTrendRow,
  type TalentArtistRow,
  type TalentMicrogenreRow,
  type TalentRecommendationRow,
  type TalentSceneRow,
} from './tables.js';

/** Specs of the Scenes Engine's tables. */
export const SCENES_TABLES = {
  scenes: { name: 'scenes', schema: SceneRowSchema, key: ['slug'], indexes: ['region'] } satisfies TableSpec<SceneRow, 'slug'>,
  microgenres: { name: 'microgenres', schema: MicrogenreRowSchema, key: ['slug'], indexes: [] } satisfies TableSpec<MicrogenreRow, 'slug'>,
  scene_memberships: {
    name: 'scene_memberships',
    schema: SceneMembershipRowSchema,
    key: ['scene_slug', 'artist_slug'],
    indexes: ['scene_slug', 'artist_slug'],
  } satisfies TableSpec<SceneMembershipRow, 'scene_slug' | 'artist_slug'>,
  scene_trends: { name: 'scene_trends', schema: SceneTrendRowSchema, key: ['scene_slug', 'day'], indexes: ['scene_slug', 'day'] } satisfies TableSpec<
    SceneTrendRow,
    'scene_slug' | 'day'
  >,
  scene_relationships: {
    name: 'scene_relationships',
    schema: SceneRelationshipRowSchema,
    key: ['scene_slug', 'related_slug', 'type'],
    indexes: ['scene_slug'],
  } satisfies TableSpec<SceneRelationshipRow, 'scene_slug' | 'related_slug' | 'type'>,
  scene_recommendations_cache: {
    name: 'scene_recommendations_cache',
    schema: SceneRecommendationRowSchema,
    key: ['subject', 'scene_slug'],
    indexes: ['subject'],
  } satisfies TableSpec<SceneRecommendationRow, 'subject' | 'scene_slug'>,
} as const;

/** Specs of the Talent Radar's tables. */
export const TALENT_TABLES = {
  talent_radar_artists: {
    name: 'talent_radar_artists',
    schema: TalentArtistRowSchema,
    key: ['artist_slug'],
    indexes: ['scene_slug'],
  } satisfies TableSpec<TalentArtistRow, 'artist_slug'>,
  talent_radar_scenes: { name: 'talent_radar_scenes', schema: TalentSceneRowSchema, key: ['scene_slug'], indexes: [] } satisfies TableSpec<
    TalentSceneRow,
    'scene_slug'
  >,
  talent_radar_microgenres: {
    name: 'talent_radar_microgenres',
    schema: TalentMicrogenreRowSchema,
    key: ['microgenre_slug'],
    indexes: [],
  } satisfies TableSpec<TalentMicrogenreRow, 'microgenre_slug'>,
  talent_radar_recommendations: {
    name: 'talent_radar_recommendations',
    schema: TalentRecommendationRowSchema,
    key: ['workspace_id', 'artist_slug'],
    indexes: ['workspace_id'],
  } satisfies TableSpec<TalentRecommendationRow, 'workspace_id' | 'artist_slug'>,
} as const;

/** The Scenes Engine's tables. */
export interface ScenesStores {
  /** `scenes` */
  readonly scenes: Table<SceneRow, 'slug'>;
  /** `microgenres` */
  readonly microgenres: Table<MicrogenreRow, 'slug'>;
  /** `scene_memberships` */
  readonly scene_memberships: Table<SceneMembershipRow, 'scene_slug' | 'artist_slug'>;
  /** `scene_trends` */
  readonly scene_trends: Table<SceneTrendRow, 'scene_slug' | 'day'>;
  /** `scene_relationships` */
  readonly scene_relationships: Table<SceneRelationshipRow, 'scene_slug' | 'related_slug' | 'type'>;
  /** `scene_recommendations_cache` */
  readonly scene_recommendations_cache: Table<SceneRecommendationRow, 'subject' | 'scene_slug'>;
}

/** The Talent Radar's tables. */
export interface TalentStores {
  /** `talent_radar_artists` */
  readonly talent_radar_artists: Table<TalentArtistRow, 'artist_slug'>;
  /** `talent_radar_scenes` */
  readonly talent_radar_scenes: Table<TalentSceneRow, 'scene_slug'>;
  /** `talent_radar_microgenres` */
  readonly talent_radar_microgenres: Table<TalentMicrogenreRow, 'microgenre_slug'>;
  /** `talent_radar_recommendations` */
  readonly talent_radar_recommendations: Table<TalentRecommendationRow, 'workspace_id' | 'artist_slug'>;
}

/** Both engines' stores. */
export interface SceneRadarStores {
  /** Tables owned by the Scenes Engine. */
  readonly scenes: ScenesStores;
  /** Tables owned by the Talent Radar. */
  readonly talent: TalentStores;
}

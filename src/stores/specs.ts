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
  ScenesStateRowSchema,
  TalentArtistRowSchema,
  TalentMicrogenreRowSchema,
  TalentStateRowSchema,
  TalentRecommendationRowSchema,
  TalentRefreshShardRowSchema,
  TalentSceneRowSchema,
  type MicrogenreRow,
  type SceneMembershipRow,
  type SceneRecommendationRow,
  type SceneRelationshipRow,
  type SceneRow,
  type SceneTrendRow,
  type ScenesStateRow,
  type TalentArtistRow,
  type TalentMicrogenreRow,
  type TalentStateRow,
  type TalentRecommendationRow,
  type TalentRefreshShardRow,
  type TalentSceneRow,
} from './tables.js';

/** Specs of the Scenes Engine's tables. */
export const SCENES_TABLES = {
  /** `scenes`: scene definitions. */
  scenes: {
    /** Table name. */
    name: 'scenes',
    /** Row schema ({@link SceneRowSchema}). */
    schema: SceneRowSchema,
    /** Primary key columns: one row per scene. */
    key: ['slug'],
    /** Indexed columns, for scans of a region's scenes. */
    indexes: ['region'],
  } satisfies TableSpec<SceneRow, 'slug'>,
  /** `microgenres`: microgenre definitions. */
  microgenres: {
    /** Table name. */
    name: 'microgenres',
    /** Row schema ({@link MicrogenreRowSchema}). */
    schema: MicrogenreRowSchema,
    /** Primary key columns: one row per microgenre. */
    key: ['slug'],
    /** No secondary index (reads go by primary key or scan the table). */
    indexes: [],
  } satisfies TableSpec<MicrogenreRow, 'slug'>,
  /** `scene_memberships`: artist-to-scene memberships. */
  scene_memberships: {
    /** Table name. */
    name: 'scene_memberships',
    /** Row schema ({@link SceneMembershipRowSchema}). */
    schema: SceneMembershipRowSchema,
    /** Primary key columns: one row per scene and artist. */
    key: ['scene_slug', 'artist_slug'],
    /** Indexed columns, for scans by scene (its members) or by artist (its scenes). */
    indexes: ['scene_slug', 'artist_slug'],
  } satisfies TableSpec<SceneMembershipRow, 'scene_slug' | 'artist_slug'>,
  /** `scene_trends`: daily scene snapshots. */
  scene_trends: {
    /** Table name. */
    name: 'scene_trends',
    /** Row schema ({@link SceneTrendRowSchema}). */
    schema: SceneTrendRowSchema,
    /** Primary key columns: one row per scene and day. */
    key: ['scene_slug', 'day'],
    /** Indexed columns, for scans by scene (its history) or by day (every scene that day). */
    indexes: ['scene_slug', 'day'],
  } satisfies TableSpec<SceneTrendRow, 'scene_slug' | 'day'>,
  /** `scene_relationships`: scene-to-scene links. */
  scene_relationships: {
    /** Table name. */
    name: 'scene_relationships',
    /** Row schema ({@link SceneRelationshipRowSchema}). */
    schema: SceneRelationshipRowSchema,
    /** Primary key columns: one row per pair of scenes and link type. */
    key: ['scene_slug', 'related_slug', 'type'],
    /** Indexed columns, for scans of the links from a scene. */
    indexes: ['scene_slug'],
  } satisfies TableSpec<SceneRelationshipRow, 'scene_slug' | 'related_slug' | 'type'>,
  /** `scene_recommendations_cache`: cached scene rankings. */
  scene_recommendations_cache: {
    /** Table name. */
    name: 'scene_recommendations_cache',
    /** Row schema ({@link SceneRecommendationRowSchema}). */
    schema: SceneRecommendationRowSchema,
    /** Primary key columns: one row per subject and scene. */
    key: ['subject', 'scene_slug'],
    /** Indexed columns, for scans of one subject's ranking. */
    indexes: ['subject'],
  } satisfies TableSpec<SceneRecommendationRow, 'subject' | 'scene_slug'>,
  /** `scenes_state`: the last refresh's instants and the scenes awaiting one. */
  scenes_state: {
    /** Table name. */
    name: 'scenes_state',
    /** Row schema ({@link ScenesStateRowSchema}). */
    schema: ScenesStateRowSchema,
    /** Primary key columns: one row per kind of state. */
    key: ['name'],
    /** No secondary index (one row, read by primary key). */
    indexes: [],
  } satisfies TableSpec<ScenesStateRow, 'name'>,
} as const;

/** Specs of the Talent Radar's tables. */
export const TALENT_TABLES = {
  /** `talent_radar_artists`: scored artists. */
  talent_radar_artists: {
    /** Table name. */
    name: 'talent_radar_artists',
    /** Row schema ({@link TalentArtistRowSchema}). */
    schema: TalentArtistRowSchema,
    /** Primary key columns: one row per artist. */
    key: ['artist_slug'],
    /** Indexed columns, for scans of a scene's artists. */
    indexes: ['scene_slug'],
  } satisfies TableSpec<TalentArtistRow, 'artist_slug'>,
  /** `talent_radar_scenes`: per-scene roll-ups. */
  talent_radar_scenes: {
    /** Table name. */
    name: 'talent_radar_scenes',
    /** Row schema ({@link TalentSceneRowSchema}). */
    schema: TalentSceneRowSchema,
    /** Primary key columns: one row per scene. */
    key: ['scene_slug'],
    /** No secondary index (reads go by primary key or scan the table). */
    indexes: [],
  } satisfies TableSpec<TalentSceneRow, 'scene_slug'>,
  /** `talent_radar_microgenres`: per-microgenre roll-ups. */
  talent_radar_microgenres: {
    /** Table name. */
    name: 'talent_radar_microgenres',
    /** Row schema ({@link TalentMicrogenreRowSchema}). */
    schema: TalentMicrogenreRowSchema,
    /** Primary key columns: one row per microgenre. */
    key: ['microgenre_slug'],
    /** No secondary index (reads go by primary key or scan the table). */
    indexes: [],
  } satisfies TableSpec<TalentMicrogenreRow, 'microgenre_slug'>,
  /** `talent_radar_recommendations`: artist recommendations per workspace. */
  talent_radar_recommendations: {
    /** Table name. */
    name: 'talent_radar_recommendations',
    /** Row schema ({@link TalentRecommendationRowSchema}). */
    schema: TalentRecommendationRowSchema,
    /** Primary key columns: one row per workspace and artist. */
    key: ['workspace_id', 'artist_slug'],
    /** Indexed columns, for scans of one workspace's recommendations. */
    indexes: ['workspace_id'],
  } satisfies TableSpec<TalentRecommendationRow, 'workspace_id' | 'artist_slug'>,
  /** `talent_radar_state`: the applied breakout model and the last refresh's peer statistics. */
  talent_radar_state: {
    /** Table name. */
    name: 'talent_radar_state',
    /** Row schema ({@link TalentStateRowSchema}). */
    schema: TalentStateRowSchema,
    /** Primary key columns: one row per kind of state. */
    key: ['name'],
    /** No secondary index (two rows, read by primary key). */
    indexes: [],
  } satisfies TableSpec<TalentStateRow, 'name'>,
  /** `talent_radar_refresh_shards`: the staged features of a sharded refresh's shards. */
  talent_radar_refresh_shards: {
    /** Table name. */
    name: 'talent_radar_refresh_shards',
    /** Row schema ({@link TalentRefreshShardRowSchema}). */
    schema: TalentRefreshShardRowSchema,
    /** Primary key columns: one row per refresh and shard (a retried shard replaces its row). */
    key: ['refresh_id', 'shard'],
    /** No secondary index (a refresh's shards are a prefix of the primary key). */
    indexes: [],
  } satisfies TableSpec<TalentRefreshShardRow, 'refresh_id' | 'shard'>,
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
  /** `scenes_state`: the last refresh's instants and the scenes awaiting one, read back by a restarted engine. */
  readonly scenes_state: Table<ScenesStateRow, 'name'>;
  /**
   * Runs `fn` in one transaction over these tables. Optional: without it, the Scenes Engine writes
   * a refresh table by table, as it always did; with it, a refresh's writes (memberships, trend
   * snapshots, relationships, the recommendations cache) land in one call, so a reader never sees
   * half a refresh and a process killed mid-refresh leaves the previous one readable.
   *
   * An implementation must guarantee:
   * - **All or nothing**: when `fn` resolves, every write it made through the stores it was given
   *   is committed, and the transaction resolves to `fn`'s value; when `fn` rejects (or the commit
   *   fails), none of them is, every table is as it was, and the transaction rejects (with `fn`'s
   *   error when `fn` rejected).
   * - **Isolation**: a reader outside `fn` (these tables, another process) sees none of `fn`'s
   *   writes before the commit, and all of them after; `fn` reads its own writes.
   * - The stores given to `fn` are valid only until `fn` settles; they have no `transaction`, and
   *   `fn` must not call `transaction` on the outer stores (the shipped stores run one transaction
   *   at a time: a nested call would wait on itself).
   *
   * One case no store can decide: when the connection drops during the commit itself, the
   * transaction rejects though the server may have committed. The engines treat that as failed;
   * the next refresh writes a complete state either way.
   *
   * Both shipped stores implement it (in memory: writes staged and applied in one synchronous
   * step; PostgreSQL: `BEGIN` ... `COMMIT` on one connection). `storesContractSuite` checks it when
   * present.
   * @example
   * ```ts
   * await stores.scenes.transaction?.(async (tx) => {
   *   await tx.scene_relationships.deleteWhere({});
   *   await tx.scene_relationships.upsert(rows);
   * });
   * ```
   */
  transaction?<T>(fn: (stores: ScenesStores) => Promise<T>): Promise<T>;
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
  /** `talent_radar_state`: the applied breakout model and the last refresh's peer statistics, read back at start. */
  readonly talent_radar_state: Table<TalentStateRow, 'name'>;
  /** `talent_radar_refresh_shards`: the staged features of a sharded refresh, empty between refreshes. */
  readonly talent_radar_refresh_shards: Table<TalentRefreshShardRow, 'refresh_id' | 'shard'>;
  /**
   * Runs `fn` in one transaction over these tables, with the guarantees of
   * {@link ScenesStores.transaction} (all of `fn`'s writes or none; nobody outside sees them before
   * the commit). Optional: with it, a Talent Radar refresh writes its artists and roll-ups in one
   * call; without it, table by table.
   * @example
   * ```ts
   * await stores.talent.transaction?.(async (tx) => {
   *   await tx.talent_radar_scenes.deleteWhere({});
   *   await tx.talent_radar_scenes.upsert(rows);
   * });
   * ```
   */
  transaction?<T>(fn: (stores: TalentStores) => Promise<T>): Promise<T>;
}

/** Both engines' stores. */
export interface SceneRadarStores {
  /** Tables owned by the Scenes Engine. */
  readonly scenes: ScenesStores;
  /** Tables owned by the Talent Radar. */
  readonly talent: TalentStores;
}

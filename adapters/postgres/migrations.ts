/**
 * @module adapters/postgres/migrations
 * The versioned SQL that builds the owned tables. A migration is never edited once released: a
 * change to a table is a new migration with the next version. The statements name no schema:
 * `migrate()` runs each one with `search_path` set to the target schema, in one transaction with
 * the row that records it.
 *
 * Column types follow the row schemas (adapters/postgres/columns.ts states the mapping, and a test
 * checks every table against it): text in `"C"` collation for strings, ISO days and instants
 * (kept as written, ordered byte by byte like the in-memory store), `bigint` for integers,
 * `double precision` for other numbers, `text[]` for lists of strings and `jsonb` for nested
 * values. Each secondary index leads with the indexed column and ends with the primary key, so an
 * equality scan in the default order (by primary key) is one index range.
 */

/** One versioned migration. */
export interface PostgresMigration {
  /** Version, from 1, one more than the previous migration's. */
  readonly version: number;
  /** Short name, recorded with the version. */
  readonly name: string;
  /** The SQL, unqualified (it runs with `search_path` set to the target schema). */
  readonly sql: string;
}

const V1_OWNED_TABLES = `
CREATE TABLE scenes (
  slug text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  region text COLLATE "C" NOT NULL,
  city text COLLATE "C",
  microgenres text[] NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (slug)
);
CREATE INDEX scenes_region_idx ON scenes (region, slug);

CREATE TABLE microgenres (
  slug text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  x double precision,
  y double precision,
  updated_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (slug)
);

CREATE TABLE scene_memberships (
  scene_slug text COLLATE "C" NOT NULL,
  artist_slug text COLLATE "C" NOT NULL,
  confidence double precision NOT NULL,
  sound double precision NOT NULL,
  place double precision NOT NULL,
  people double precision NOT NULL,
  microgenres text[] NOT NULL,
  reasons text[] NOT NULL,
  joined_at text COLLATE "C" NOT NULL,
  as_of text COLLATE "C" NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (scene_slug, artist_slug)
);
CREATE INDEX scene_memberships_artist_slug_idx ON scene_memberships (artist_slug, scene_slug);

CREATE TABLE scene_trends (
  scene_slug text COLLATE "C" NOT NULL,
  day text COLLATE "C" NOT NULL,
  heat double precision NOT NULL,
  growth double precision NOT NULL,
  stage text COLLATE "C" NOT NULL,
  active_members bigint NOT NULL,
  new_members bigint NOT NULL,
  rising_members bigint NOT NULL,
  as_of text COLLATE "C" NOT NULL,
  PRIMARY KEY (scene_slug, day)
);
CREATE INDEX scene_trends_day_idx ON scene_trends (day, scene_slug);

CREATE TABLE scene_relationships (
  scene_slug text COLLATE "C" NOT NULL,
  related_slug text COLLATE "C" NOT NULL,
  type text COLLATE "C" NOT NULL,
  weight double precision NOT NULL,
  evidence bigint NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (scene_slug, related_slug, type)
);

CREATE TABLE scene_recommendations_cache (
  subject text COLLATE "C" NOT NULL,
  scene_slug text COLLATE "C" NOT NULL,
  rank bigint NOT NULL,
  score double precision NOT NULL,
  fit double precision NOT NULL,
  heat double precision NOT NULL,
  reasons text[] NOT NULL,
  computed_at text COLLATE "C" NOT NULL,
  expires_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (subject, scene_slug)
);

CREATE TABLE talent_radar_artists (
  artist_slug text COLLATE "C" NOT NULL,
  scene_slug text COLLATE "C",
  microgenres text[] NOT NULL,
  momentum double precision NOT NULL,
  creative_shift double precision NOT NULL,
  coverage_velocity double precision NOT NULL,
  press_quality double precision NOT NULL,
  mig_connectivity double precision NOT NULL,
  breakout_score double precision NOT NULL,
  risk_score double precision NOT NULL,
  metadata jsonb NOT NULL,
  confidence double precision NOT NULL,
  as_of text COLLATE "C" NOT NULL,
  model_version text COLLATE "C" NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (artist_slug)
);
CREATE INDEX talent_radar_artists_scene_slug_idx ON talent_radar_artists (scene_slug, artist_slug);

CREATE TABLE talent_radar_scenes (
  scene_slug text COLLATE "C" NOT NULL,
  artist_count bigint NOT NULL,
  avg_momentum double precision NOT NULL,
  avg_breakout double precision NOT NULL,
  heat double precision,
  updated_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (scene_slug)
);

CREATE TABLE talent_radar_microgenres (
  microgenre_slug text COLLATE "C" NOT NULL,
  artist_count bigint NOT NULL,
  avg_momentum double precision NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (microgenre_slug)
);

CREATE TABLE talent_radar_recommendations (
  workspace_id text COLLATE "C" NOT NULL,
  artist_slug text COLLATE "C" NOT NULL,
  rank bigint NOT NULL,
  score double precision NOT NULL,
  reasons text[] NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (workspace_id, artist_slug)
);
`;

const V2_TALENT_STATE = `
CREATE TABLE talent_radar_state (
  name text COLLATE "C" NOT NULL,
  value jsonb NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (name)
);
`;

const V3_REFRESH_SHARDS = `
CREATE TABLE talent_radar_refresh_shards (
  refresh_id text COLLATE "C" NOT NULL,
  shard bigint NOT NULL,
  as_of text COLLATE "C" NOT NULL,
  artist_count bigint NOT NULL,
  features text COLLATE "C" NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (refresh_id, shard)
);
`;

const V4_SCENES_STATE = `
CREATE TABLE scenes_state (
  name text COLLATE "C" NOT NULL,
  value jsonb NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (name)
);
`;

/**
 * Every migration this code knows, in order. The last one's version is the schema version the
 * stores need.
 * @example
 * ```ts
 * import { POSTGRES_MIGRATIONS } from 'scene-radar/adapters/postgres';
 * for (const m of POSTGRES_MIGRATIONS) console.log(m.version, m.name);
 * ```
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = Object.freeze([
  Object.freeze({ version: 1, name: 'owned tables', sql: V1_OWNED_TABLES }),
  Object.freeze({ version: 2, name: 'talent radar state', sql: V2_TALENT_STATE }),
  Object.freeze({ version: 3, name: 'talent radar refresh shards', sql: V3_REFRESH_SHARDS }),
  Object.freeze({ version: 4, name: 'scenes state', sql: V4_SCENES_STATE }),
]);

/** The schema version this code reads and writes: the last migration's. */
export const POSTGRES_SCHEMA_VERSION: number = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1]!.version;

/** The table (in the target schema) that records applied migrations. */
export const MIGRATIONS_TABLE = 'scene_radar_migrations';

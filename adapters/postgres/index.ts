/**
 * @module scene-radar/adapters/postgres
 * The owned tables in PostgreSQL, so a restart loses nothing: `createPostgresStores` gives the
 * Scenes Engine's and the Talent Radar's stores over a `pg` pool (each `Table` call one SQL
 * statement), and `migrate` creates and upgrades the tables from versioned SQL, recorded in
 * `scene_radar_migrations`, under an advisory lock. `pg` (node-postgres) is an optional peer
 * dependency: install it to use this entry (`npm install pg`); it is loaded only when the adapter
 * opens a pool from a connection string.
 * @example
 * ```ts
 * import { createSceneRadar } from 'scene-radar';
 * import { createPostgresStores } from 'scene-radar/adapters/postgres';
 *
 * const stores = createPostgresStores({ connectionString: process.env.DATABASE_URL! }, { migrate: true });
 * const radar = createSceneRadar({ sources, stores });
 * ```
 */
export {
  createPostgresStores,
  describePostgres,
  openPostgresStores,
  type PostgresStores,
  type PostgresStoresOptions,
} from './stores.js';
export { migrate, type MigrateOptions, type MigrateResult } from './migrate.js';
export { POSTGRES_MIGRATIONS, POSTGRES_SCHEMA_VERSION, type PostgresMigration } from './migrations.js';
export type {
  PostgresConnectionOptions,
  PostgresPool,
  PostgresPoolClient,
  PostgresQueryable,
  PostgresQueryResult,
} from './connection.js';

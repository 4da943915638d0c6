/**
 * @module testing/sample-rows
 * Deterministic, valid sample rows for every owned table, so store authors can run the table
 * suites without writing fixtures. Keys are distinct and zero-padded (lexical order = creation
 * order); some non-key columns repeat on purpose so equality filters match several rows.
 */
import type {
  MicrogenreRow,
  SceneMembershipRow,
  SceneRecommendationRow,
  SceneRelationshipRow,
  SceneRow,
  SceneTrendRow,
  ScenesStateRow,
  TalentArtistRow,
  TalentMicrogenreRow,
  TalentStateRow,
  TalentRecommendationRow,
  TalentRefreshShardRow,
  TalentSceneRow,
} from '../stores/tables.js';
import { mulberry32 } from '../core/random.js';

/** Row type of each owned table, by table name. */
export interface OwnedTableRows {
  /** A row of `scenes`. */
  scenes: SceneRow;
  /** A row of `microgenres`. */
  microgenres: MicrogenreRow;
  /** A row of `scene_memberships`. */
  scene_memberships: SceneMembershipRow;
  /** A row of `scene_trends`. */
  scene_trends: SceneTrendRow;
  /** A row of `scene_relationships`. */
  scene_relationships: SceneRelationshipRow;
  /** A row of `scene_recommendations_cache`. */
  scene_recommendations_cache: SceneRecommendationRow;
  /** A row of `scenes_state`. */
  scenes_state: ScenesStateRow;
  /** A row of `talent_radar_artists`. */
  talent_radar_artists: TalentArtistRow;
  /** A row of `talent_radar_scenes`. */
  talent_radar_scenes: TalentSceneRow;
  /** A row of `talent_radar_microgenres`. */
  talent_radar_microgenres: TalentMicrogenreRow;
  /** A row of `talent_radar_recommendations`. */
  talent_radar_recommendations: TalentRecommendationRow;
  /** A row of `talent_radar_state`. */
  talent_radar_state: TalentStateRow;
  /** A row of `talent_radar_refresh_shards` (the staging of a sharded refresh). */
  talent_radar_refresh_shards: TalentRefreshShardRow;
}

/** Name of an owned table. */
export type OwnedTableName = keyof OwnedTableRows;

/**
 * Names of the twelve owned tables that hold the engines' outputs (the seed's ten, `scenes_state`
 * and `talent_radar_state`), Scenes Engine first. The staging table of a sharded refresh, empty
 * between refreshes, is apart: {@link STAGING_TABLE_NAMES}.
 */
export const OWNED_TABLE_NAMES = [
  'scenes',
  'microgenres',
  'scene_memberships',
  'scene_trends',
  'scene_relationships',
  'scene_recommendations_cache',
  'scenes_state',
  'talent_radar_artists',
  'talent_radar_scenes',
  'talent_radar_microgenres',
  'talent_radar_recommendations',
  'talent_radar_state',
] as const satisfies readonly OwnedTableName[];

/**
 * Owned tables that only stage work in progress (empty between refreshes): `talent_radar_refresh_shards`,
 * where the shards of a sharded Talent Radar refresh land before its last phase.
 */
export const STAGING_TABLE_NAMES = ['talent_radar_refresh_shards'] as const satisfies readonly OwnedTableName[];

const BASE = Date.UTC(2026, 0, 1);
const pad = (i: number): string => String(i).padStart(4, '0');

type Gen<R> = (i: number, r: Rand) => R;
interface Rand {
  /** In [0, 1], four decimals: survives a round trip through any numeric column. */
  unit(): number;
  /** Integer in [0, max]. */
  int(max: number): number;
  /** One of the items. */
  pick<T>(items: readonly T[]): T;
  /** An instant `i` hours after the base, ISO with milliseconds (what `toISOString` writes). */
  instant(i: number): string;
  /** A day `i` days after the base. */
  day(i: number): string;
  /** A v4-shaped UUID. */
  uuid(): string;
}

function rand(seed: number): Rand {
  const next = mulberry32(seed);
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join('');
  return {
    unit: () => Math.round(next() * 10_000) / 10_000,
    int: (max) => Math.floor(next() * (max + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    instant: (i) => new Date(BASE + i * 3_600_000).toISOString(),
    day: (i) => new Date(BASE + i * 86_400_000).toISOString().slice(0, 10),
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(next() * 4)]!}${hex(3)}-${hex(12)}`,
  };
}

const MICROGENRES = ['dream-pop', 'shoegaze', 'post-punk', 'hyperpop', 'uk-garage'] as const;
const REASONS = ['shared tastemakers', 'same city', 'similar sound'] as const;
const WORKSPACES = [
  '6f1c2a4e-3b7d-4c1a-9e2f-0a1b2c3d4e5f',
  '0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70',
  'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
] as const;
const some = <T>(r: Rand, items: readonly T[]): T[] => items.filter((_, i) => i === 0 || r.unit() < 0.4);

const GENERATORS: { [N in OwnedTableName]: Gen<OwnedTableRows[N]> } = {
  scenes: (i, r) => ({
    slug: `scene-${pad(i)}`,
    name: `Scene ${i}`,
    region: ['uk', 'us', 'de'][i % 3]!,
    city: i % 4 === 3 ? null : r.pick(['brighton', 'leeds', 'berlin']),
    microgenres: some(r, MICROGENRES),
    updated_at: r.instant(i),
  }),
  microgenres: (i, r) => ({
    slug: `genre-${pad(i)}`,
    name: `Genre ${i % 4}`,
    x: i % 5 === 4 ? null : r.unit(),
    y: i % 5 === 4 ? null : r.unit(),
    updated_at: r.instant(i),
  }),
  scene_memberships: (i, r) => ({
    scene_slug: `scene-${i % 3}`,
    artist_slug: `artist-${pad(i)}`,
    confidence: r.unit(),
    sound: r.unit(),
    place: r.unit(),
    people: r.unit(),
    microgenres: some(r, MICROGENRES),
    reasons: some(r, REASONS),
    joined_at: r.instant(i),
    as_of: r.instant(i),
    updated_at: r.instant(i),
  }),
  scene_trends: (i, r) => ({
    scene_slug: `scene-${i % 3}`,
    day: r.day(Math.floor(i / 3)),
    heat: r.int(100),
    growth: Math.round((r.unit() - 0.5) * 10_000) / 10_000,
    stage: r.pick(['emerging', 'growing', 'peaking', 'cooling'] as const),
    active_members: r.int(500),
    new_members: r.int(20),
    rising_members: r.int(50),
    as_of: r.instant(i),
  }),
  scene_relationships: (i, r) => ({
    scene_slug: `scene-${i % 4}`,
    related_slug: `scene-${pad(i + 100)}`,
    type: (['shared_members', 'shared_sound', 'shared_tastemakers'] as const)[i % 3]!,
    weight: r.unit(),
    evidence: r.int(40),
    updated_at: r.instant(i),
  }),
  scene_recommendations_cache: (i, r) => ({
    subject: i % 3 === 2 ? 'watch' : `artist:artist-${i % 3}`,
    scene_slug: `scene-${pad(i)}`,
    rank: i + 1,
    score: r.unit(),
    fit: r.unit(),
    heat: r.int(100),
    reasons: some(r, REASONS),
    computed_at: r.instant(i),
    expires_at: r.instant(i + 24),
  }),
  scenes_state: (i, r) => ({
    name: `state-${pad(i)}`,
    value: {
      asOf: r.instant(i),
      membershipsAsOf: i % 3 === 2 ? null : r.instant(i),
      awaiting: i % 2 === 0 ? [] : [`scene-${pad(i)}`],
    },
    updated_at: r.instant(i),
  }),
  talent_radar_artists: (i, r) => ({
    artist_slug: `artist-${pad(i)}`,
    scene_slug: i % 4 === 3 ? null : `scene-${i % 3}`,
    microgenres: some(r, MICROGENRES),
    momentum: r.int(100),
    creative_shift: r.unit(),
    coverage_velocity: r.int(30),
    press_quality: r.unit(),
    mig_connectivity: r.unit(),
    breakout_score: r.unit(),
    risk_score: r.unit(),
    metadata: {
      migCentrality: r.unit(),
      tastemakerConnections: r.int(30),
      sceneConfidence: r.unit(),
      campaignCount: r.int(5),
    },
    confidence: r.unit(),
    as_of: r.instant(i),
    model_version: 'contract-suite-1',
    updated_at: r.instant(i),
  }),
  talent_radar_scenes: (i, r) => ({
    scene_slug: `scene-${pad(i)}`,
    artist_count: r.int(300),
    avg_momentum: r.int(100),
    avg_breakout: r.unit(),
    heat: i % 4 === 3 ? null : r.int(100),
    updated_at: r.instant(i),
  }),
  talent_radar_microgenres: (i, r) => ({
    microgenre_slug: `genre-${pad(i)}`,
    artist_count: r.int(300),
    avg_momentum: r.int(100),
    updated_at: r.instant(i),
  }),
  talent_radar_recommendations: (i, r) => ({
    workspace_id: WORKSPACES[i % 3]!,
    artist_slug: `artist-${pad(i)}`,
    rank: Math.floor(i / 3) + 1,
    score: r.unit(),
    reasons: some(r, REASONS),
    created_at: r.instant(i),
  }),
  talent_radar_state: (i, r) => ({
    name: `state-${pad(i)}`,
    value: {
      model: { intercept: r.int(5) - 5, inputs: { level_now: { weight: r.unit(), center: r.unit() } } },
      validation:
        i % 3 === 2 ? null : { l2: r.unit(), converged: i % 2 === 0, folds: [{ meanAuc: null, n: r.int(50) }] },
      notes: [`fit ${i}`, true],
    },
    updated_at: r.instant(i),
  }),
  talent_radar_refresh_shards: (i, r) => ({
    refresh_id: '0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70',
    shard: i,
    as_of: r.instant(i % 2),
    artist_count: 1 + r.int(49),
    features: JSON.stringify([[{ artistSlug: `artist-${pad(i)}`, momentum: r.unit(), nan: { $num: 'NaN' } }, {}]]),
    updated_at: r.instant(i),
  }),
};

/**
 * `n` valid rows for an owned table, with distinct primary keys. The same `(name, n, seed)`
 * always gives the same rows; `seed` varies the non-key values only.
 * @example
 * ```ts
 * await stores.scenes.scene_trends.upsert(sampleRowsFor('scene_trends', 10));
 * ```
 */
export function sampleRowsFor<N extends OwnedTableName>(name: N, n: number, seed = 1): OwnedTableRows[N][] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`sampleRowsFor: n must be an integer >= 0, got ${String(n)}`);
  const generate = GENERATORS[name] as Gen<OwnedTableRows[N]> | undefined;
  if (!generate) throw new RangeError(`sampleRowsFor: unknown table ${String(name)}`);
  const r = rand(seed);
  return Array.from({ length: n }, (_, i) => generate(i, r));
}

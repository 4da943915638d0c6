/**
 * @module scenes/engine
 * The Scenes Engine: catalog, memberships, ScenePulse, trends, relationships and
 * recommendations over the MIG, CMG and Fusion sources, writing only its own tables.
 */
import { Cache } from '../core/cache/cache.js';
import type { Clock } from '../core/clock.js';
import { createDeadline } from '../core/gateway/deadline.js';
import type { SourceGateway } from '../core/gateway/gateway.js';
import { addDays, dayStart, DAY_MS } from '../core/time.js';
import type { SceneRadarConfig } from '../config.js';
import type { ScenesStores } from '../stores/specs.js';
import type { MicrogenreRow, SceneMembershipRow, SceneRow } from '../stores/tables.js';
import { getMicrogenre, getScene, importCatalog, listMicrogenres, listScenes, type CatalogImportResult, type CatalogInput, type ListScenesQuery } from './catalog.js';
import { buildSoundMap } from './membership-math.js';
import { refreshMemberships, type MembershipReport } from './memberships.js';
import { recommendScenes, type RecommendationsQuery, type SceneRecommendations } from './recommendations.js';
import { computeRelationships, getRelatedScenes, type RelatedScene } from './relationships.js';
import { ScenePulse } from './scene-pulse.js';
import { getSceneTrends, trendRowOf, type SceneTrends } from './trends.js';
import type { Page, ScenePulseSnapshot as Pulse } from './types.js';
import { requireDate, requireInt, requireSlug } from './validation.js';

/** What a refresh did. */
export interface ScenesRefreshReport {
  /** As-of instant (ISO). */
  readonly asOf: string;
  /** Membership refresh. */
  readonly memberships: MembershipReport;
  /** Relationship rows written. */
  readonly relationships: number;
  /** Trend snapshots written (one per scene with a pulse). */
  readonly snapshots: number;
}

/** What {@link ScenesEngine.backfillTrends} did. */
export interface BackfillReport {
  /** Days replayed. */
  days: number;
  /** Trend snapshots written. */
  snapshots: number;
}

/** What the engine needs. */
export interface ScenesEngineDeps {
  /** Its own tables. */
  readonly stores: ScenesStores;
  /** The source gateway (reads MIG, CMG and Fusion only). */
  readonly gateway: SourceGateway;
  /** Resolved configuration. */
  readonly config: SceneRadarConfig;
  /** The clock. */
  readonly clock: Clock;
  /** The pulse cache; one is created when absent. */
  readonly cache?: Cache<unknown>;
}

/**
 * The Scenes Engine.
 * @example
 * ```ts
 * const radar = createSceneRadar({ sources: world.sources });
 * await radar.scenes.importCatalog(world.catalog);
 * await radar.refresh();
 * const hottest = await radar.scenes.pulse.getGlobalPulse();
 * ```
 */
export class ScenesEngine {
  /** The seed's ScenePulse. */
  readonly pulse: ScenePulse;
  readonly #d: ScenesEngineDeps;
  readonly #cache: Cache<unknown>;

  constructor(deps: ScenesEngineDeps) {
    this.#d = deps;
    this.#cache = deps.cache ?? new Cache({ ttlMs: deps.config.scenes.scenePulseTtlMs, graceMs: deps.config.cache.staleGraceMs, maxEntries: deps.config.cache.maxEntries, clock: deps.clock, namespace: 'scenes:' });
    this.pulse = new ScenePulse({ stores: deps.stores, gateway: deps.gateway, config: deps.config, clock: deps.clock, cache: this.#cache });
  }

  /** Imports scenes and microgenres (validated; all or nothing). */
  importCatalog(input: CatalogInput): Promise<CatalogImportResult> {
    return importCatalog(this.#d.stores, input, this.#d.clock);
  }

  /** Lists scenes (region filter, limit 1-100, offset). */
  listScenes(query: ListScenesQuery = {}): Promise<Page<SceneRow>> {
    return listScenes(this.#d.stores, query, this.#d.config);
  }

  /** One scene or `SCENES_NOT_FOUND`. */
  getScene(slug: string): Promise<SceneRow> {
    return getScene(this.#d.stores, slug);
  }

  /** Lists microgenres. */
  listMicrogenres(query: { readonly limit?: number; readonly offset?: number } = {}): Promise<Page<MicrogenreRow>> {
    return listMicrogenres(this.#d.stores, query);
  }

  /** One microgenre or `MICROGENRE_NOT_FOUND`. */
  getMicrogenre(slug: string): Promise<MicrogenreRow> {
    return getMicrogenre(this.#d.stores, slug);
  }

  /** Memberships of a scene or of an artist, strongest first (limit 1-10,000, default 100). */
  async listMemberships(query: { readonly sceneSlug?: string; readonly artistSlug?: string; readonly limit?: number; readonly offset?: number }): Promise<Page<SceneMembershipRow>> {
    const limit = requireInt(query.limit, 'limit', { min: 1, max: this.#d.config.scenes.maxMembershipsPerQuery, default: 100 }, 'SCENES_INVALID_PARAMS');
    const offset = requireInt(query.offset, 'offset', { min: 0, max: Number.MAX_SAFE_INTEGER, default: 0 }, 'SCENES_INVALID_PARAMS');
    const where: { scene_slug?: string; artist_slug?: string } = {};
    if (query.sceneSlug !== undefined) {
      where.scene_slug = (await this.getScene(query.sceneSlug)).slug;
    }
    if (query.artistSlug !== undefined) where.artist_slug = requireSlug(query.artistSlug, 'artistSlug', 'SCENES_VALIDATION_ERROR');
    const t = this.#d.stores.scene_memberships;
    const [items, total] = await Promise.all([t.scan({ where, orderBy: { column: 'confidence', direction: 'desc' }, offset, limit }), t.count(where)]);
    return { items, total, limit, offset };
  }

  /** Trends of a scene over 1-365 days (default 30) ending now. */
  getSceneTrends(slug: string, query: { readonly days?: number } = {}): Promise<SceneTrends> {
    return getSceneTrends(this.#d.stores, slug, query, this.#d.clock.now());
  }

  /** Scenes related to a scene, strongest first. */
  getRelatedScenes(slug: string, query: { readonly limit?: number } = {}): Promise<RelatedScene[]> {
    return getRelatedScenes(this.#d.stores, slug, query);
  }

  /** Scenes for an artist (fit x heat), or the scenes most worth watching. */
  async recommendScenes(query: RecommendationsQuery = {}): Promise<SceneRecommendations> {
    const deadline = createDeadline(this.#d.config.scenes.globalPulseTimeoutMs);
    try {
      return await recommendScenes(
        {
          stores: this.#d.stores,
          gateway: this.#d.gateway,
          config: this.#d.config,
          nowMs: this.#d.clock.now(),
          deadline,
          pulses: async () => (await this.pulse.getGlobalPulse({ limit: 100 })).hottest,
        },
        query,
      );
    } finally {
      deadline.dispose();
    }
  }

  /**
   * Recomputes memberships and relationships as of `asOf` (default now), stores a trend snapshot
   * of every scene, and drops cached pulses.
   */
  async refresh(asOf?: Date): Promise<ScenesRefreshReport> {
    const at = requireDate(asOf, 'asOf', new Date(this.#d.clock.now()), 'SCENES_INVALID_PARAMS');
    const deadline = createDeadline(this.#d.config.scenes.globalPulseTimeoutMs * 5);
    try {
      const nowIso = new Date(this.#d.clock.now()).toISOString();
      const memberships = await refreshMemberships({ stores: this.#d.stores, gateway: this.#d.gateway, config: this.#d.config, nowIso }, at, deadline);
      const scenes = await this.#d.stores.scenes.scan();
      const rels = computeRelationships(scenes, await this.#d.stores.scene_memberships.scan(), memberships.circles, buildSoundMap(await this.#d.stores.microgenres.scan()), this.#d.config.scenes.relationships, nowIso);
      await this.#d.stores.scene_relationships.deleteWhere({});
      await this.#d.stores.scene_relationships.upsert(rels);
      const snapshots = await this.#snapshot(scenes.map((s) => s.slug), at);
      await this.pulse.clearCache();
      await this.#d.stores.scene_recommendations_cache.deleteWhere({});
      return { asOf: at.toISOString(), memberships, relationships: rels.length, snapshots };
    } finally {
      deadline.dispose();
    }
  }

  /**
   * Replays history: one trend snapshot per scene per day from `from` to `to` (inclusive days),
   * recomputing memberships as of every `membershipEveryDays`-th day, then as of now again. Nothing
   * after each replayed day is read for it.
   */
  async backfillTrends(options: { readonly from: Date | string; readonly to?: Date | string; readonly membershipEveryDays?: number }): Promise<BackfillReport> {
    const from = requireDate(options.from, 'from', new Date(Number.NaN), 'SCENES_INVALID_PARAMS');
    const to = requireDate(options.to, 'to', new Date(this.#d.clock.now() - DAY_MS), 'SCENES_INVALID_PARAMS');
    const every = requireInt(options.membershipEveryDays, 'membershipEveryDays', { min: 1, max: 365, default: 7 }, 'SCENES_INVALID_PARAMS');
    const first = new Date(from).toISOString().slice(0, 10);
    const last = new Date(to).toISOString().slice(0, 10);
    if (first > last) throw new RangeError('backfillTrends: from must not be after to');
    const scenes = (await this.#d.stores.scenes.scan()).map((s) => s.slug);
    let days = 0;
    let snapshots = 0;
    for (let d = first; d <= last; d = addDays(d, 1), days++) {
      // The snapshot of day d is taken at the midnight that ends it: d is then the last complete day.
      const at = new Date(dayStart(d) + DAY_MS);
      if (days % every === 0) {
        const deadline = createDeadline(this.#d.config.scenes.globalPulseTimeoutMs * 5);
        try {
          await refreshMemberships({ stores: this.#d.stores, gateway: this.#d.gateway, config: this.#d.config, nowIso: new Date(this.#d.clock.now()).toISOString() }, at, deadline);
        } finally {
          deadline.dispose();
        }
      }
      snapshots += await this.#snapshot(scenes, at);
    }
    // The replay left memberships as of its last day: bring them back to now.
    const deadline = createDeadline(this.#d.config.scenes.globalPulseTimeoutMs * 5);
    try {
      const nowIso = new Date(this.#d.clock.now()).toISOString();
      await refreshMemberships({ stores: this.#d.stores, gateway: this.#d.gateway, config: this.#d.config, nowIso }, new Date(this.#d.clock.now()), deadline);
    } finally {
      deadline.dispose();
    }
    await this.pulse.clearCache();
    return { days, snapshots };
  }

  /** Releases the engine's cache. */
  async close(): Promise<void> {
    await this.#cache.close();
  }

  async #snapshot(slugs: readonly string[], at: Date): Promise<number> {
    const max = this.#d.config.scenes.maxScenesPerQuery;
    let n = 0;
    for (let i = 0; i < slugs.length; i += max) {
      const deadline = createDeadline(this.#d.config.scenes.globalPulseTimeoutMs);
      try {
        const items = await this.pulse.pulsesAsOf(slugs.slice(i, i + max), at, deadline);
        const rows = [...items.values()].flatMap((x) => (x.pulse ? [trendRowOf(x.pulse as Pulse)] : []));
        await this.#d.stores.scene_trends.upsert(rows);
        n += rows.length;
      } finally {
        deadline.dispose();
      }
    }
    return n;
  }
}

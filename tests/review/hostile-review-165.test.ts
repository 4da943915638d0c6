/**
 * Hostile review 165: every concrete contract of the origin document (Phase 12: Scenes Engine &
 * Talent Radar hardening) checked against the code: configuration defaults (section 5), the request
 * schemas' names and ranges (section 2), the error codes and their statuses, the envelope, the
 * seed's example requests and responses (section 4), the engine methods of section 1, and the
 * owned PostgreSQL tables and the artist record's columns (section 3), on a schema `sr_hr165_*`
 * dropped afterwards.
 *
 * FAULTS: none found. Every contract checked below held on the code as reviewed.
 *
 * Deliberate, documented deviations (not faults):
 * - docs/http-api.md "Envelopes and codes": a malformed slug's issue code is Zod 4's
 *   `invalid_format`, where the seed's example shows Zod 3's `invalid_string`.
 * - docs/scoring.md "Batches, concurrency and deadlines": the seed's "Timeout: 30s per artist" is a
 *   30 s deadline per batch of 20 artists read in parallel.
 * - docs/http-api.md: a range miss (`limit=0`, `limit=101`) is `*_VALIDATION_ERROR`; a value over a
 *   host-configured cap is `*_INVALID_PARAMS` (the seed names both codes, not the split).
 * - docs/getting-started.md: cache cleanup every 5 minutes is a sweep of entries past their grace;
 *   docs/scenes.md: an entry past its TTL is served stale within `cache.staleGraceMs` (60 s) while
 *   one refresh runs (the TTL tests below set the grace to 0).
 * - docs/http-api.md / FetchHandlerOptions.allowSkipCache: over HTTP `skipCache=true` is accepted
 *   but ignored unless the host allows it (off by default); engine calls honour it.
 * - docs/http-api.md: `GET /talent/top` defaults `category` to `rising`; the seed lists it without `?`.
 * - docs/reliability.md: sources that all failed with no last good value answer the SDK's own
 *   `SOURCES_UNAVAILABLE` (503); a route deadline passing is the seed's `*_TIMEOUT` (504).
 *
 * Ambiguities (not called faults): the seed's `MicrogenreSlugSchema` / `ArtistSlugSchema` say only
 * `{ slug: string }`, the code applies the scene slug pattern to them too; "Max 50 scenes per
 * query" (Talent Radar) caps only the pulse's `hottestScenes`; `TALENT_SCENE_NOT_FOUND` is in the
 * code table with its 404 but no Talent operation takes a scene slug, so nothing raises it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createSceneRadar, DEFAULT_CONFIG, ERROR_CODES, fixedClock, type SceneRadar } from '../../src/index.js';
import {
  ArtistProfileQuerySchema,
  ArtistSlugSchema,
  createFetchHandler,
  fail,
  GlobalPulseQuerySchema,
  HTTP_STATUS_BY_CODE,
  MicrogenreSlugSchema,
  ListScenesQuerySchema,
  ok,
  RecommendationsQuerySchema,
  RegionalPulseQuerySchema,
  SceneSlugSchema,
  ScenePulseQuerySchema,
  SceneTrendsQuerySchema,
  TopArtistsQuerySchema,
  WorkspaceRecommendationsQuerySchema,
  type FetchHandler,
} from '../../src/api/index.js';
import { SLUG_MESSAGE, SceneRadarConfigSchema } from '../../src/schemas.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createPostgresStores, type PostgresStores } from '../../adapters/postgres/index.js';
import { TEST_DATABASE_URL } from '../helpers/postgres.js';
import { countingSources } from '../helpers/counting-sources.js';

/** A value these tests read field by field (a JSON body, a parsed query, a source wrapped by a Proxy): a wrong path fails its assertion. */
// biome-ignore lint/suspicious/noExplicitAny: read field by field, checked by the assertions
type Loose = any;

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ seed: 165, artists: 120, end: '2026-11-24' });
const SCENE = world.catalog.scenes[0]!.slug;
const REGION = world.catalog.scenes[0]!.region;
const WORKSPACE = world.workspaces[0]!.id;

let radar: SceneRadar;
let handler: FetchHandler;
let artist: string;
const get = async (path: string) => {
  const res = await handler(new Request(`http://localhost${path}`));
  return { status: res.status, body: (await res.json()) as Record<string, Loose> };
};
const codeOf = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (e: { code?: string }) => String(e.code),
  );
const okParse = (s: { safeParse(v: unknown): { success: boolean } }, v: unknown) => s.safeParse(v).success;

beforeAll(async () => {
  radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh(NOW);
  handler = createFetchHandler(radar);
  const top = await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 1 });
  artist = top.artists[0]!.artist_slug;
}, 120_000);
afterAll(async () => {
  await radar?.close().catch(() => undefined);
});

describe('section 5: configuration defaults', () => {
  it('Scenes Engine and Talent Radar defaults are the seed numbers', () => {
    const s = DEFAULT_CONFIG.scenes;
    expect(s.maxScenesPerQuery).toBe(100);
    expect(s.maxMembershipsPerQuery).toBe(10_000);
    expect(s.scenePulseTtlMs).toBe(5 * 60_000);
    expect(s.globalPulseTtlMs).toBe(10 * 60_000);
    expect(s.batchConcurrency).toBe(10);
    expect(s.scenePulseTimeoutMs).toBe(30_000);
    expect(s.globalPulseTimeoutMs).toBe(2 * 60_000);
    const t = DEFAULT_CONFIG.talent;
    expect(t.maxArtistsPerQuery).toBe(100);
    expect(t.maxScenesPerQuery).toBe(50);
    expect(t.signalBatchSize).toBe(20);
    expect(t.globalPulseTtlMs).toBe(10 * 60_000);
    expect(t.artistProfileTtlMs).toBe(5 * 60_000);
    expect(t.batchConcurrency).toBe(10);
    expect(t.signalTimeoutMs).toBe(30_000);
    expect(t.globalPulseTimeoutMs).toBe(2 * 60_000);
    // "Configurable timeouts (30s - 2min)": the schema accepts both ends and configured values resolve.
    const c = SceneRadarConfigSchema.parse({ scenes: { scenePulseTimeoutMs: 30_000, globalPulseTimeoutMs: 120_000 } });
    expect(c.scenes.globalPulseTimeoutMs).toBe(120_000);
  });
});

describe('section 2: error codes and statuses', () => {
  it('every seed code has the seed status, in ERROR_CODES and HTTP_STATUS_BY_CODE', () => {
    const seed: Record<string, number> = {
      SCENES_NOT_FOUND: 404,
      MICROGENRE_NOT_FOUND: 404,
      SCENES_INVALID_PARAMS: 400,
      SCENES_VALIDATION_ERROR: 400,
      SCENES_RATE_LIMITED: 429,
      SCENES_TIMEOUT: 504,
      SCENES_INTERNAL_ERROR: 500,
      TALENT_ARTIST_NOT_FOUND: 404,
      TALENT_SCENE_NOT_FOUND: 404,
      TALENT_INVALID_PARAMS: 400,
      TALENT_VALIDATION_ERROR: 400,
      TALENT_RATE_LIMITED: 429,
      TALENT_TIMEOUT: 504,
      TALENT_INSUFFICIENT_DATA: 422,
      TALENT_INTERNAL_ERROR: 500,
    };
    for (const [code, status] of Object.entries(seed)) {
      expect((ERROR_CODES as Record<string, number>)[code], code).toBe(status);
      expect((HTTP_STATUS_BY_CODE as Record<string, number>)[code], code).toBe(status);
    }
  });

  it('envelopes: success { ok, data, error: null }; failure { ok: false, error: { code, message, details? } }', () => {
    expect(ok({ a: 1 })).toEqual({ ok: true, data: { a: 1 }, error: null });
    const f = fail('SCENES_NOT_FOUND', 'Scene not found: indie-uk-brighton', { x: 1 }) as Record<string, Loose>;
    expect(f.ok).toBe(false);
    expect(f.error).toEqual({
      code: 'SCENES_NOT_FOUND',
      message: 'Scene not found: indie-uk-brighton',
      details: { x: 1 },
    });
  });
});

describe('section 2: request schemas (names and ranges)', () => {
  it('Scenes schemas: slug pattern, limit/offset/days ranges, skipCache boolean', () => {
    expect(okParse(SceneSlugSchema, { slug: 'indie-uk-brighton' })).toBe(true);
    expect(okParse(SceneSlugSchema, { slug: 'Indie_UK' })).toBe(false);
    expect(okParse(SceneSlugSchema, { slug: 'invalid-slug-!!!' })).toBe(false);
    expect(okParse(MicrogenreSlugSchema, { slug: 'dream-pop' })).toBe(true);
    // ListScenesQuerySchema: { region?, limit (1-100), offset (0+) }
    expect(okParse(ListScenesQuerySchema, {})).toBe(true);
    expect(okParse(ListScenesQuerySchema, { region: 'uk', limit: '1', offset: '0' })).toBe(true);
    expect(okParse(ListScenesQuerySchema, { limit: '100' })).toBe(true);
    expect(okParse(ListScenesQuerySchema, { limit: '0' })).toBe(false);
    expect(okParse(ListScenesQuerySchema, { limit: '101' })).toBe(false);
    expect(okParse(ListScenesQuerySchema, { offset: '-1' })).toBe(false);
    expect(okParse(ListScenesQuerySchema, { offset: '1000000' })).toBe(true);
    // ScenePulseQuerySchema: { skipCache (boolean) }
    expect((ScenePulseQuerySchema.parse({ skipCache: 'true' }) as Loose).skipCache).toBe(true);
    expect((ScenePulseQuerySchema.parse({}) as Loose).skipCache).toBe(false);
    expect(okParse(ScenePulseQuerySchema, { skipCache: 'maybe' })).toBe(false);
    // RegionalPulseQuerySchema: { limit (1-100) }
    for (const [v, good] of [
      ['1', true],
      ['100', true],
      ['0', false],
      ['101', false],
    ] as const)
      expect(okParse(RegionalPulseQuerySchema, { limit: v }), `regional ${v}`).toBe(good);
    // SceneTrendsQuerySchema: { days (1-365) }
    for (const [v, good] of [
      ['1', true],
      ['365', true],
      ['0', false],
      ['366', false],
    ] as const)
      expect(okParse(SceneTrendsQuerySchema, { days: v }), `days ${v}`).toBe(good);
    // RecommendationsQuerySchema: { artistSlug?, limit (1-50) }
    expect(okParse(RecommendationsQuerySchema, {})).toBe(true);
    expect(okParse(RecommendationsQuerySchema, { artistSlug: 'artist-a', limit: '50' })).toBe(true);
    expect(okParse(RecommendationsQuerySchema, { limit: '51' })).toBe(false);
    expect(okParse(RecommendationsQuerySchema, { limit: '0' })).toBe(false);
  });

  it('Talent schemas: skipCache, limit 1-100, category rising|breakout|risk, workspaceId UUID', () => {
    expect(okParse(ArtistSlugSchema, { slug: 'artist-a' })).toBe(true);
    for (const [v, good] of [
      ['1', true],
      ['100', true],
      ['0', false],
      ['101', false],
    ] as const) {
      expect(okParse(GlobalPulseQuerySchema, { limit: v }), `pulse ${v}`).toBe(good);
      expect(okParse(TopArtistsQuerySchema, { limit: v, category: 'rising' }), `top ${v}`).toBe(good);
      expect(okParse(WorkspaceRecommendationsQuerySchema, { workspaceId: WORKSPACE, limit: v }), `ws ${v}`).toBe(good);
    }
    expect((GlobalPulseQuerySchema.parse({ skipCache: '1' }) as Loose).skipCache).toBe(true);
    expect((ArtistProfileQuerySchema.parse({ skipCache: 'false' }) as Loose).skipCache).toBe(false);
    for (const c of ['rising', 'breakout', 'risk']) expect(okParse(TopArtistsQuerySchema, { category: c })).toBe(true);
    expect(okParse(TopArtistsQuerySchema, { category: 'falling' })).toBe(false);
    expect(okParse(WorkspaceRecommendationsQuerySchema, { workspaceId: 'not-a-uuid' })).toBe(false);
    expect(okParse(WorkspaceRecommendationsQuerySchema, {})).toBe(false);
  });
});

describe("section 4: the seed's example requests over HTTP", () => {
  it('GET /api/talent/pulse?limit=20: the snapshot shape, summary fields, artist fields and ranges', async () => {
    const { status, body } = await get('/api/talent/pulse?limit=20');
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.error).toBeNull();
    const d = body.data;
    for (const k of [
      'timestamp',
      'topRisingArtists',
      'topBreakoutCandidates',
      'artistsAtRisk',
      'hottestScenes',
      'summary',
    ])
      expect(d).toHaveProperty(k);
    expect(Object.keys(d.summary).sort()).toEqual(
      ['avgMomentum', 'highBreakoutCount', 'highRiskCount', 'totalArtistsTracked'].sort(),
    );
    expect(d.topRisingArtists.length).toBeGreaterThan(0);
    expect(d.topRisingArtists.length).toBeLessThanOrEqual(20);
    for (const a of [...d.topRisingArtists, ...d.topBreakoutCandidates, ...d.artistsAtRisk]) {
      for (const k of [
        'artist_slug',
        'momentum',
        'breakout_score',
        'risk_score',
        'scene_slug',
        'microgenres',
        'updated_at',
      ])
        expect(a).toHaveProperty(k);
      expect(a.momentum).toBeGreaterThanOrEqual(0);
      expect(a.momentum).toBeLessThanOrEqual(100);
      expect(a.breakout_score).toBeGreaterThanOrEqual(0);
      expect(a.breakout_score).toBeLessThanOrEqual(1);
      expect(a.risk_score).toBeGreaterThanOrEqual(0);
      expect(a.risk_score).toBeLessThanOrEqual(1);
    }
    expect(d.summary.totalArtistsTracked).toBeGreaterThan(0);
  });

  it('GET /api/talent/artists/{slug}: the profile shape, artist record and metadata fields, trajectory values', async () => {
    const { status, body } = await get(`/api/talent/artists/${artist}`);
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.error).toBeNull();
    const d = body.data;
    for (const k of ['artist', 'opportunities', 'risks', 'similarArtists', 'trajectory']) expect(d).toHaveProperty(k);
    for (const k of [
      'artist_slug',
      'scene_slug',
      'microgenres',
      'momentum',
      'creative_shift',
      'coverage_velocity',
      'press_quality',
      'mig_connectivity',
      'breakout_score',
      'risk_score',
      'metadata',
      'updated_at',
    ])
      expect(d.artist).toHaveProperty(k);
    expect(Object.keys(d.artist.metadata).sort()).toEqual(
      ['campaignCount', 'migCentrality', 'sceneConfidence', 'tastemakerConnections'].sort(),
    );
    for (const item of [...d.opportunities, ...d.risks])
      expect(Object.keys(item).sort()).toEqual(['description', 'score', 'type']);
    expect(Object.keys(d.trajectory).sort()).toEqual(['breakoutPotential', 'momentum', 'riskLevel']);
    expect(['rising', 'stable', 'declining']).toContain(d.trajectory.momentum);
    expect(['high', 'medium', 'low']).toContain(d.trajectory.breakoutPotential);
    expect(['high', 'medium', 'low']).toContain(d.trajectory.riskLevel);
  });

  it('GET /api/scenes/invalid-slug-!!!: 400 SCENES_VALIDATION_ERROR, "Invalid request parameters", slug issue', async () => {
    const { status, body } = await get('/api/scenes/invalid-slug-!!!');
    expect(status).toBe(400);
    expect(body.ok).toBe(false);
    expect(body).not.toHaveProperty('data');
    expect(body.error.code).toBe('SCENES_VALIDATION_ERROR');
    expect(body.error.message).toBe('Invalid request parameters');
    expect(body.error.details).toEqual([
      {
        code: 'invalid_format',
        path: ['slug'],
        message: 'Slug must contain only lowercase letters, numbers, and hyphens',
      },
    ]);
    expect(SLUG_MESSAGE).toBe('Slug must contain only lowercase letters, numbers, and hyphens');
  });

  it('GET /api/talent/artists/unknown-artist: 404 TALENT_ARTIST_NOT_FOUND "Artist not found: unknown-artist"', async () => {
    const { status, body } = await get('/api/talent/artists/unknown-artist');
    expect(status).toBe(404);
    expect(body).toEqual({
      ok: false,
      error: { code: 'TALENT_ARTIST_NOT_FOUND', message: 'Artist not found: unknown-artist' },
    });
  });

  it('scene and microgenre 404s: SCENES_NOT_FOUND "Scene not found: <slug>", MICROGENRE_NOT_FOUND', async () => {
    const s = await get('/api/scenes/indie-uk-nowhere-165');
    expect(s.status).toBe(404);
    expect(s.body.error.code).toBe('SCENES_NOT_FOUND');
    expect(s.body.error.message).toBe('Scene not found: indie-uk-nowhere-165');
    const m = await get('/api/microgenres/no-such-genre-165');
    expect(m.status).toBe(404);
    expect(m.body.error.code).toBe('MICROGENRE_NOT_FOUND');
  });

  it('routes answer with the seed ranges over HTTP (limit, offset, days) and families', async () => {
    const cases: [string, number, string | null][] = [
      ['/api/scenes?limit=100&offset=0', 200, null],
      ['/api/scenes?limit=101', 400, 'SCENES_VALIDATION_ERROR'],
      ['/api/scenes?offset=-1', 400, 'SCENES_VALIDATION_ERROR'],
      [`/api/scenes/${SCENE}/pulse?skipCache=false`, 200, null],
      [`/api/scenes/${SCENE}/trends?days=365`, 200, null],
      [`/api/scenes/${SCENE}/trends?days=366`, 400, 'SCENES_VALIDATION_ERROR'],
      [`/api/scene-pulse/${REGION}?limit=100`, 200, null],
      [`/api/scene-pulse/${REGION}?limit=0`, 400, 'SCENES_VALIDATION_ERROR'],
      ['/api/scene-recommendations?limit=50', 200, null],
      ['/api/scene-recommendations?limit=51', 400, 'SCENES_VALIDATION_ERROR'],
      ['/api/talent/pulse?limit=100', 200, null],
      ['/api/talent/pulse?limit=101', 400, 'TALENT_VALIDATION_ERROR'],
      ['/api/talent/top?category=breakout&limit=100', 200, null],
      ['/api/talent/top?category=nope', 400, 'TALENT_VALIDATION_ERROR'],
      [`/api/talent/recommendations?workspaceId=${WORKSPACE}&limit=100`, 200, null],
      ['/api/talent/recommendations?workspaceId=nope', 400, 'TALENT_VALIDATION_ERROR'],
      [`/api/talent/artists/${artist}?skipCache=true`, 200, null],
    ];
    for (const [path, status, code] of cases) {
      const r = await get(path);
      expect(r.status, path).toBe(status);
      expect(r.body.ok, path).toBe(status === 200);
      if (code) expect(r.body.error.code, path).toBe(code);
      else expect(r.body.error, path).toBeNull();
    }
  });
});

describe('section 1: engine methods and limits', () => {
  it('ScenePulse: getScenePulse(slug) / (slug, true), clearCache(slug) / clearCache(), batchProcessScenes caps at 100', async () => {
    const sp = radar.scenes.pulse;
    const a = await sp.getScenePulse(SCENE);
    const b = await sp.getScenePulse(SCENE);
    expect(b).toBe(a); // served from the cache
    const c = await sp.getScenePulse(SCENE, true);
    expect(c).not.toBe(a);
    await sp.clearCache(SCENE);
    await sp.clearCache();
    const slugs = world.catalog.scenes.map((s) => s.slug);
    const items = await sp.batchProcessScenes(slugs);
    expect(items).toHaveLength(slugs.length);
    const many = Array.from({ length: 101 }, (_, i) => `scene-${i}`);
    expect(await codeOf(sp.batchProcessScenes(many))).toBe('SCENES_INVALID_PARAMS');
    expect(await codeOf(sp.batchProcessScenes(many.slice(0, 100)))).toBe('resolved');
  });

  it('RadarAggregator: buildGlobalPulse() cached / (true) skips, buildArtistProfile(slug) cached, clearCache(slug)', async () => {
    const ag = radar.talent.aggregator;
    const p1 = await ag.buildGlobalPulse();
    const p2 = await ag.buildGlobalPulse();
    expect(p2).toBe(p1);
    const p3 = await ag.buildGlobalPulse(true);
    expect(p3).not.toBe(p1);
    const a1 = await ag.buildArtistProfile(artist);
    expect(await ag.buildArtistProfile(artist)).toBe(a1);
    await ag.clearCache(artist);
    expect(await ag.buildArtistProfile(artist)).not.toBe(a1);
    expect(await codeOf(ag.buildArtistProfile('unknown-artist'))).toBe('TALENT_ARTIST_NOT_FOUND');
  });

  it('ArtistSignalsEngine: aggregateArtistSignals(slug), batchAggregateSignals caps at 100 artists', async () => {
    const en = radar.talent.signals;
    const s = await en.aggregateArtistSignals(artist);
    expect(s).toBeTruthy();
    const many = Array.from({ length: 101 }, (_, i) => `artist-${i}`);
    expect(await codeOf(en.batchAggregateSignals(many))).toBe('TALENT_INVALID_PARAMS');
  });

  it('memberships per query: 10,000 max (limit 10,000 accepted, 10,001 refused)', async () => {
    expect((await get(`/api/scenes/${SCENE}/memberships?limit=10000`)).status).toBe(200);
    const r = await get(`/api/scenes/${SCENE}/memberships?limit=10001`);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toMatch(/^SCENES_/);
  });
});

describe('section 3: owned tables on PostgreSQL', () => {
  const schema = `sr_hr165_${process.pid}_${Date.now().toString(36)}`;
  let stores: PostgresStores | undefined;
  afterAll(async () => {
    await stores?.close().catch(() => undefined);
    const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    try {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await pool.end();
    }
  });

  it('the seed tables exist with the seed names; talent_radar_artists has the seed artist fields as columns', async () => {
    stores = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 2 }, { schema, migrate: true });
    await stores.ready();
    const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    try {
      const t = await pool.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
        [schema],
      );
      const names = t.rows.map((r) => r.table_name);
      for (const n of [
        'scenes',
        'microgenres',
        'scene_memberships',
        'scene_trends',
        'scene_relationships',
        'scene_recommendations_cache',
        'talent_radar_artists',
        'talent_radar_scenes',
        'talent_radar_microgenres',
        'talent_radar_recommendations',
      ])
        expect(names, n).toContain(n);
      // No A&R tables: Talent Radar writes only its own tables.
      expect(names.filter((n) => n.startsWith('ar_'))).toEqual([]);
      const c = await pool.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'talent_radar_artists'",
        [schema],
      );
      const cols = c.rows.map((r) => r.column_name);
      for (const k of [
        'artist_slug',
        'scene_slug',
        'microgenres',
        'momentum',
        'creative_shift',
        'coverage_velocity',
        'press_quality',
        'mig_connectivity',
        'breakout_score',
        'risk_score',
        'metadata',
        'updated_at',
      ])
        expect(cols, k).toContain(k);
    } finally {
      await pool.end();
    }
  });
});

describe('section 1/5: cache TTLs on the injected clock (grace 0, so an entry at its TTL is recomputed)', () => {
  it('scene pulse 5 min, scene global pulse 10 min, talent global pulse 10 min, artist profile 5 min', async () => {
    const clock = fixedClock(NOW);
    const r = createSceneRadar({ sources: world.sources, clock, config: { cache: { staleGraceMs: 0 } } });
    try {
      await r.scenes.importCatalog(world.catalog);
      await r.refresh(NOW);
      const sp = r.scenes.pulse;
      const ag = r.talent.aggregator;
      const scene0 = await sp.getScenePulse(SCENE);
      const sglobal0 = await sp.getGlobalPulse();
      const tglobal0 = await ag.buildGlobalPulse();
      const prof0 = await ag.buildArtistProfile(artist);
      clock.advance(5 * 60_000 - 1);
      expect(await sp.getScenePulse(SCENE)).toBe(scene0);
      expect(await ag.buildArtistProfile(artist)).toBe(prof0);
      clock.advance(1);
      expect(await sp.getScenePulse(SCENE)).not.toBe(scene0);
      expect(await ag.buildArtistProfile(artist)).not.toBe(prof0);
      expect(await ag.buildGlobalPulse()).toBe(tglobal0);
      clock.advance(5 * 60_000 - 1);
      expect(await ag.buildGlobalPulse()).toBe(tglobal0);
      expect(await sp.getGlobalPulse()).toBe(sglobal0);
      clock.advance(1);
      expect(await ag.buildGlobalPulse()).not.toBe(tglobal0);
      expect(await sp.getGlobalPulse()).not.toBe(sglobal0);
    } finally {
      await r.close();
    }
  });
});

describe('section 2: 429 and 504 by family over HTTP', () => {
  it('rate limited: SCENES_RATE_LIMITED / TALENT_RATE_LIMITED, 429', async () => {
    const { createMemoryRateLimiter } = await import('../../src/api/index.js');
    const h = createFetchHandler(radar, { rateLimit: { limiter: createMemoryRateLimiter({ limit: 1 }) } });
    expect((await h(new Request('http://localhost/api/scenes'))).status).toBe(200);
    const s = await h(new Request('http://localhost/api/scenes'));
    expect(s.status).toBe(429);
    expect(((await s.json()) as Loose).error.code).toBe('SCENES_RATE_LIMITED');
    const t = await h(new Request('http://localhost/api/talent/pulse'));
    expect(t.status).toBe(429);
    expect(((await t.json()) as Loose).error.code).toBe('TALENT_RATE_LIMITED');
  });

  it('timeouts: SCENES_TIMEOUT / TALENT_TIMEOUT, 504', async () => {
    let hanging = false;
    const hang = new Proxy(world.sources, {
      get(target, key) {
        const src = (target as Loose)[key];
        if (typeof src !== 'object' || src === null) return src;
        return new Proxy(src, {
          get(s, k) {
            const v = (s as Loose)[k];
            if (typeof v !== 'function') return v;
            return (...args: unknown[]) => (hanging ? new Promise(() => undefined) : v.apply(s, args));
          },
        });
      },
    });
    const r = createSceneRadar({ sources: hang as Loose, clock: fixedClock(NOW) });
    try {
      await r.scenes.importCatalog(world.catalog);
      await r.refresh(NOW);
      hanging = true;
      await r.scenes.pulse.clearCache(SCENE, { keepLastGood: false });
      await r.talent.aggregator.clearCache(artist, { keepLastGood: false });
      const h = createFetchHandler(r, { timeoutMs: 100 });
      const s = await h(new Request(`http://localhost/api/scenes/${SCENE}/pulse`));
      const sb = (await s.json()) as Loose;
      const t = await h(new Request(`http://localhost/api/talent/artists/${artist}`));
      const tb = (await t.json()) as Loose;
      expect([s.status, sb.error?.code]).toEqual([504, 'SCENES_TIMEOUT']);
      expect([t.status, tb.error?.code]).toEqual([504, 'TALENT_TIMEOUT']);
    } finally {
      await r.close();
    }
  });
});

describe('workspaceId (UUID) spellings', () => {
  it('an uppercase UUID and a UUID of any version are UUIDs', () => {
    expect(okParse(WorkspaceRecommendationsQuerySchema, { workspaceId: WORKSPACE.toUpperCase() })).toBe(true);
    expect(okParse(WorkspaceRecommendationsQuerySchema, { workspaceId: '123e4567-e89b-12d3-a456-426614174000' })).toBe(
      true,
    );
  });
});

describe('section 1: batching (20 artists per batch, 10 concurrent)', () => {
  it('batchAggregateSignals(100): no source call carries more than 20 artists; at most 10 calls of a method in flight', async () => {
    let inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    let widest = 0;
    const counted = countingSources(world.sources, {
      beforeCall: (id) => {
        inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
        peak.set(id, Math.max(peak.get(id) ?? 0, inFlight.get(id)!));
        return new Promise<void>((res) => setTimeout(res, 5)).then(() => {
          inFlight.set(id, inFlight.get(id)! - 1);
        });
      },
    });
    const wide = new Proxy(counted.sources, {
      get(t, k) {
        const src = (t as Loose)[k];
        if (typeof src !== 'object' || src === null) return src;
        return new Proxy(src, {
          get(o, m) {
            const v = (o as Loose)[m];
            if (typeof v !== 'function') return v;
            return (...args: unknown[]) => {
              if (Array.isArray(args[0])) widest = Math.max(widest, args[0].length);
              return v.apply(o, args);
            };
          },
        });
      },
    });
    const r = createSceneRadar({ sources: wide as Loose, clock: fixedClock(NOW) });
    try {
      await r.scenes.importCatalog(world.catalog);
      const slugs = (await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 100 })).artists.map(
        (a) => a.artist_slug,
      );
      inFlight = new Map();
      peak.clear();
      widest = 0;
      const out = await r.talent.signals.batchAggregateSignals(slugs);
      expect(out).toBeTruthy();
      expect(widest).toBeGreaterThan(0);
      expect(widest).toBeLessThanOrEqual(20);
      expect(Math.max(...peak.values())).toBeLessThanOrEqual(10);
    } finally {
      await r.close();
    }
  });
});

/**
 * Hostile review 143: the TSDoc `@example` blocks of the public entries' symbols (the ones typedoc
 * renders for package.json `exports` / typedoc.json `entryPoints`), run as written against the
 * library: a 40-artist demo world on a fixed clock, small hand-made inputs, and the PostgreSQL and
 * Redis of the test environment for the examples that need them (a schema and key prefix of this
 * file's own, dropped afterwards).
 *
 * Method: every `@example` of a symbol exported by an entry (and of the entry modules themselves)
 * was collected with the TypeScript compiler API (154 blocks). Each was compiled against the real
 * types with its elided setup declared (`declare const radar: SceneRadar`, ...), including the
 * claims that a real `express.Request`, `FastifyRequest`, `FastifyReply` and Fastify instance fit
 * the `*Like` types, and pino as the logger; all compiled except the one below. The examples that
 * state a value, an option name, a return shape or a behaviour were then run; each test here
 * reproduces one or more of them and names the example's file:line.
 *
 * The test named "FAULT:" failed on the code as reviewed (fixed in the same commit: the example
 * now shows `createSceneRadar({ sources, cache: { store: lruCacheStore(...) } })`): the example of
 * `lruCacheStore` (src/core/cache/cache-store.ts:163, rendered under `scene-radar/stores`) built
 * `new Cache({ store: lruCacheStore(...), ttlMs })`, but no public entry exports `Cache`: a
 * newcomer could not write it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  createSceneRadar,
  describeError,
  fixedClock,
  isSceneRadarError,
  readOnlyTalentRadar,
  resolveConfig,
  SceneRadarError,
  slugify,
  uniqueSlugs,
  type HostFeature,
  type SceneRadar,
} from '../../src/index.js';
import { hottestScenesOf, SlugSchema } from '../../src/schemas.js';
import { createMemoryStores, lruCacheStore, memoryTable, SCENES_TABLES } from '../../src/stores.js';
import {
  breakoutDay,
  createDemoWorld,
  createEagerDataset,
  createMemorySources,
  declineDay,
  resolveDemoWorldOptions,
  seededUuid,
  soundCentroid,
} from '../../adapters/memory/index.js';
import {
  createTabularSources,
  createTabularSourcesFromFiles,
  createTabularSourcesFromStreams,
  DEFAULT_AGGREGATION,
  detectTableFormat,
  parseCsv,
  parseJsonLines,
  readTable,
  streamTable,
  TABULAR_ROW_SCHEMAS,
  type TabularRowMap,
} from '../../adapters/tabular/index.js';
import {
  ContractViolation,
  isContractViolation,
  migContractSuite,
  registerContractSuite,
  sampleRowsFor,
} from '../../src/testing/index.js';
import {
  checkHealth,
  createFetchHandler,
  createMemoryRateLimiter,
  createOperations,
  fail,
  HealthReportSchema,
  isAmbiguousPath,
  ok,
  readOnlyApiBackend,
  safeReason,
  type CorsOptions,
  type HealthReporter,
} from '../../src/api/index.js';
import {
  DEFAULT_ORIGIN,
  sendWebResponse,
  toNodeListener,
  toWebRequest,
  type NodeRequestOptions,
} from '../../adapters/node/index.js';
import { createPostgresStores, describePostgres, migrate } from '../../adapters/postgres/index.js';
import {
  auc,
  averagePrecision,
  calibration,
  compareAsc,
  createLookaheadGuard,
  fitBreakoutModel,
  isBacktestError,
  precisionAtK,
  splitFigures,
  weightedAveragePrecision,
} from '../../src/backtest/index.js';
import { createRedisCacheTier, createRedisRateLimiter } from '../../adapters/redis/index.js';
import { instrumentOpenTelemetry } from '../../src/otel/index.js';
import { createRefreshWorker, createShardedRefresh } from '../../adapters/bullmq/index.js';
import { demoOutcomes } from '../helpers/demo-outcomes.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const WORLD = createDemoWorld({ artists: 40, end: '2026-11-24' });
const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = 'redis://127.0.0.1:6379';
const TAG = `hr143_${process.pid}`;

let shared: Promise<SceneRadar> | undefined;
/** The examples' `radar`: the demo world imported and refreshed once, on a fixed clock. */
function refreshedRadar(): Promise<SceneRadar> {
  shared ??= (async () => {
    const radar = createSceneRadar({ sources: WORLD.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(WORLD.catalog);
    await radar.refresh();
    return radar;
  })();
  return shared;
}

const signal = () => new AbortController().signal;
const artistSlugs = () => WORLD.dataset.artistSlugs();

afterAll(async () => {
  if (shared) await (await shared).close();
});

describe('scene-radar (src/index.ts)', () => {
  it('createSceneRadar (src/radar.ts:417) and ScenesEngine (src/scenes/engine.ts:185): the hottest scenes after a refresh', async () => {
    const radar = await refreshedRadar();
    const hottest = (await radar.scenes.pulse.getGlobalPulse()).hottest.map((p) => p.scene_slug);
    expect(hottest.length).toBeGreaterThan(0);
    expect(hottest.every((s) => SlugSchema.safeParse(s).success)).toBe(true);
  });

  it('SceneRadar.refresh (src/radar.ts:166): onProgress gets { phase, done, total, etaMs }', async () => {
    const radar = createSceneRadar({ sources: WORLD.sources, clock: fixedClock(NOW) });
    try {
      await radar.scenes.importCatalog(WORLD.catalog);
      const lines: string[] = [];
      await radar.refresh(undefined, {
        onProgress: ({ phase, done, total, etaMs }) => lines.push(`${phase} ${done}/${total} eta ${etaMs ?? '?'} ms`),
      });
      expect(lines[0]).toMatch(/^scenes\.memberships 0\/40 eta \? ms$/);
      expect(lines.some((l) => /^\S+ (\d+)\/\1 eta 0 ms$/.test(l))).toBe(true);
    } finally {
      await radar.close();
    }
  });

  it('SceneRadar.stats (src/radar.ts:182): cache.hitRate and cache.namespaces[*].hitRate are read as numbers or null', async () => {
    const radar = await refreshedRadar();
    const { cache } = radar.stats();
    expect(typeof (cache.hitRate ?? 0)).toBe('number');
    for (const [, s] of Object.entries(cache.namespaces)) expect(typeof (s.hitRate ?? 0)).toBe('number');
  });

  it('resolveConfig (src/config.ts:487): talent.signalBatchSize is taken, scenes.scenePulseTtlMs is 300000', () => {
    const config = resolveConfig({ talent: { signalBatchSize: 50 } });
    expect(config.scenes.scenePulseTtlMs).toBe(300000);
    expect(config.talent.signalBatchSize).toBe(50);
  });

  it('HostFeature (src/talent/host-features.ts:36): read(slugs, { asOf }) resolving to a Map is read per artist', async () => {
    const myWarehouse = {
      followersAsOf: async (slugs: readonly string[], _asOf: Date) => new Map(slugs.map((s) => [s, 1000])),
    };
    const follows: HostFeature = {
      name: 'tiktok-follows',
      source: 'tiktok export',
      read: async (slugs, { asOf }) => myWarehouse.followersAsOf(slugs, asOf),
    };
    const radar = createSceneRadar({ sources: WORLD.sources, hostFeatures: [follows], clock: fixedClock(NOW) });
    try {
      const signals = await radar.talent.signals.aggregateArtistSignals(artistSlugs()[0]!);
      expect(signals.host['tiktok-follows']).toMatchObject({ status: 'ok', value: 1000 });
    } finally {
      await radar.close();
    }
  });

  it('SceneRadarError (src/core/errors.ts:89) and isSceneRadarError (src/core/errors.ts:136)', async () => {
    const radar = await refreshedRadar();
    let code: string | undefined;
    try {
      await radar.scenes.getScene('no-such-scene');
    } catch (e) {
      if (isSceneRadarError(e)) code = e.code;
    }
    expect(code).toBe('SCENES_NOT_FOUND');
    const thrown = new SceneRadarError('SCENES_NOT_FOUND', 'Scene not found: indie-uk-brighton');
    expect([isSceneRadarError(thrown), thrown.code, thrown.message]).toEqual([
      true,
      'SCENES_NOT_FOUND',
      'Scene not found: indie-uk-brighton',
    ]);
  });

  it('describeError (src/core/describe-error.ts:44), fixedClock (src/core/clock.ts:34)', () => {
    expect(describeError(new TypeError('bad'))).toBe('TypeError: bad');
    expect(describeError(Object.create(null))).toBe('a non-Error object (not printed)');
    const clock = fixedClock('2026-01-01T00:00:00Z');
    clock.advance(60_000);
    expect(clock.now()).toBe(Date.parse('2026-01-01T00:01:00Z'));
  });

  it('slugify (src/core/slug.ts:96), uniqueSlugs (:196), UniqueSlugs (:139): every stated slug', () => {
    expect(['Brighton Indie', 'Sigur Rós', 'Mø', '방탄소년단', '米津玄師', '   '].map(slugify)).toEqual([
      'brighton-indie',
      'sigur-ros',
      'mo',
      'bangtansonyeondan',
      'u-3dcc1l62w11oc',
      '',
    ]);
    const { slugs, byName } = uniqueSlugs(['Beyoncé', 'Beyonce', 'ABBA', 'Abba', 'Beyoncé', 'Nova 2', 'NOVA', 'Nova']);
    expect(slugs).toEqual(['beyonce', 'beyonce-2', 'abba', 'abba-2', 'beyonce', 'nova-2', 'nova', 'nova-3']);
    expect(byName.get('Beyonce')).toBe('beyonce-2');
    const two = uniqueSlugs(['ABBA', 'Abba']);
    expect([two.slugs, two.byName.get('Abba')]).toEqual([['abba', 'abba-2'], 'abba-2']);
  });

  it("ScenesEngine.refreshedAsOf (src/scenes/engine.ts:998): '2026-11-25T00:00:00.000Z' after a refresh at that instant", async () => {
    const radar = await refreshedRadar();
    expect(await radar.scenes.refreshedAsOf()).toBe('2026-11-25T00:00:00.000Z');
  });

  it('ScenePulse (src/scenes/scene-pulse.ts:135): getScenePulse, batchProcessScenes, clearCache', async () => {
    const radar = await refreshedRadar();
    const pulse = await radar.scenes.pulse.getScenePulse('indie-uk-brighton');
    expect(pulse.scene_slug).toBe('indie-uk-brighton');
    const batch = await radar.scenes.pulse.batchProcessScenes(['indie-uk-brighton', 'rap-uk-london']);
    expect(batch.map((b) => b.slug)).toEqual(['indie-uk-brighton', 'rap-uk-london']);
    expect(() => radar.scenes.pulse.clearCache('indie-uk-brighton')).not.toThrow();
  });

  it('TalentRadar (src/talent/talent-radar.ts:283), RadarAggregator (src/talent/radar-aggregator.ts:218), readOnlyTalentRadar (src/talent/read-only.ts:40)', async () => {
    const radar = await refreshedRadar();
    const a = artistSlugs()[0]!;
    const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 20 });
    expect(pulse.topRisingArtists.length).toBeLessThanOrEqual(20);
    const profile = await radar.talent.aggregator.buildArtistProfile(a);
    expect(profile.artist.artist_slug).toBe(a);
    const forArRadar = readOnlyTalentRadar(radar.talent.aggregator);
    expect((await forArRadar.getArtistProfile(a)).artist.artist_slug).toBe(a);
  });

  it('RadarAggregator.getArtistScores (src/talent/radar-aggregator.ts:846): { artists, missing }, breakout_score not rounded', async () => {
    const radar = await refreshedRadar();
    const [a, b] = artistSlugs();
    const { artists, missing } = await radar.talent.aggregator.getArtistScores([a!, b!, 'nobody-here']);
    expect(missing).toEqual(['nobody-here']);
    const score = artists[0]?.breakout_score;
    expect(typeof score).toBe('number');
    expect(String(score).split('.')[1]!.length).toBeGreaterThan(4);
  });

  it("ArtistSignalsEngine (src/talent/signals-engine.ts:71): reads.engagement.status is one of 'ok' | 'missing' | 'timeout' | 'error' | 'absent'", async () => {
    const radar = await refreshedRadar();
    const signals = await radar.talent.signals.aggregateArtistSignals(artistSlugs()[0]!);
    expect(['ok', 'missing', 'timeout', 'error', 'absent']).toContain(signals.reads.engagement.status);
  });

  it('TalentRadar.scoreArtists (src/talent/talent-radar.ts:671): { artists } with asOf and population', async () => {
    const radar = await refreshedRadar();
    const population = artistSlugs().slice(0, 10);
    const { artists } = await radar.talent.scoreArtists([population[0]!], {
      asOf: new Date('2026-06-01'),
      population,
    });
    expect(artists.map((x) => [x.artistSlug, x.status])).toEqual([[population[0], 'ok']]);
  });

  it('TalentRadar.planRefresh (src/talent/talent-radar.ts:1157): the shard loop as written refreshes every artist', async () => {
    const radar = createSceneRadar({ sources: WORLD.sources, clock: fixedClock(NOW) });
    try {
      const plan = await radar.talent.planRefresh();
      const shards = Math.ceil(plan.artists.length / 500);
      for (let i = 0; i < shards; i++)
        await radar.talent.refreshShard({
          refreshId: plan.refreshId,
          asOf: plan.asOf,
          index: i,
          artists: plan.artists.slice(i * 500, i * 500 + 500),
        });
      const report = await radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards });
      expect([report.artists, report.scored]).toEqual([40, 40]);
    } finally {
      await radar.close();
    }
  });

  it('calibrationExamples (talent-radar.ts:759), calibrate (:868), setBreakoutModel (:438), fitBreakoutModel (src/talent/calibrate.ts:635)', async () => {
    const radar = createSceneRadar({ sources: WORLD.sources, clock: fixedClock(NOW) });
    try {
      const outcomes = demoOutcomes(WORLD, ['2026-05-01', '2026-07-01', '2026-08-01'], 90);
      const universeAt = (_asOf: Date) => artistSlugs();
      const { examples, skipped } = await radar.talent.calibrationExamples(outcomes, {
        population: (asOf) => universeAt(asOf),
      });
      expect(examples.length).toBeGreaterThan(0);
      expect(skipped).toEqual([]);
      const fit = await radar.talent.calibrate(outcomes);
      const applied = await radar.talent.setBreakoutModel(fit.model, { validation: fit.validation });
      expect(applied.validation).toEqual(fit.validation);
      const { model, validation } = fitBreakoutModel(examples);
      expect(typeof validation.outOfTime?.meanAuc).toBe('number');
      await radar.talent.setBreakoutModel(model);
    } finally {
      await radar.close();
    }
  });

  it('MIGAdapter (src/contracts/sources.ts:75): getNetworks resolves a Map of networks with tastemakers', async () => {
    const a = artistSlugs()[0]!;
    const networks = await WORLD.sources.mig.getNetworks([a], { asOf: new Date(), signal: signal() });
    expect(typeof networks.get(a)?.tastemakers.length).toBe('number');
  });
});

describe('scene-radar/schemas and scene-radar/stores', () => {
  it('SlugSchema (src/core/slug.ts:23)', () => {
    expect(SlugSchema.parse('indie-uk-brighton')).toBe('indie-uk-brighton');
    expect(SlugSchema.safeParse('invalid-slug-!!!').success).toBe(false);
  });

  it('hottestScenesOf (src/contracts/sources.ts:164) over radar.scenesAdapter.listHottestScenes', async () => {
    const radar = await refreshedRadar();
    const top = hottestScenesOf(
      await radar.scenesAdapter.listHottestScenes({ limit: 5 }, { asOf: NOW, signal: signal() }),
    );
    expect(top.length).toBe(5);
    expect(top[0]).toHaveProperty('sceneSlug');
  });

  it('SceneRadarLogger (src/core/observe/logger.ts:15): a plain { info, warn, error } object is taken', async () => {
    const radar2 = createSceneRadar({
      sources: WORLD.sources,
      logger: { info: (o, m) => void [o, m], warn: () => undefined, error: () => undefined },
    });
    await radar2.close();
  });

  it('createMemoryStores (src/stores/memory-table.ts:40), memoryTable (:14), Table (src/stores/table.ts:58), transactions (src/stores/specs.ts:227, :257)', async () => {
    const stores = createMemoryStores();
    expect(await stores.scenes.scenes.count()).toBe(0);
    const row = { ...sampleRowsFor('scene_trends', 1)[0]!, scene_slug: 'indie-uk-brighton', day: '2026-09-01' };
    await stores.scenes.scene_trends.upsert([row]);
    const last90 = await stores.scenes.scene_trends.scan({
      where: { scene_slug: 'indie-uk-brighton' },
      range: { column: 'day', gte: '2026-08-26' },
    });
    expect(last90.map((r) => r.day)).toEqual(['2026-09-01']);
    const rows = sampleRowsFor('scene_relationships', 3);
    await stores.scenes.transaction?.(async (tx) => {
      await tx.scene_relationships.deleteWhere({});
      await tx.scene_relationships.upsert(rows);
    });
    const talentRows = sampleRowsFor('talent_radar_scenes', 3);
    await stores.talent.transaction?.(async (tx) => {
      await tx.talent_radar_scenes.deleteWhere({});
      await tx.talent_radar_scenes.upsert(talentRows);
    });
    expect([await stores.scenes.scene_relationships.count(), await stores.talent.talent_radar_scenes.count()]).toEqual([
      3, 3,
    ]);
    const trends = memoryTable(SCENES_TABLES.scene_trends);
    await trends.upsert(sampleRowsFor('scene_trends', 10));
    expect(await trends.count()).toBe(10);
  });

  it('FAULT: lruCacheStore (src/core/cache/cache-store.ts:163) builds `new Cache(...)`, a name some public entry exports', async () => {
    // The example as reviewed was `const cache = new Cache({ store: lruCacheStore({ maxEntries: 500 }), ttlMs: 60_000 });`:
    // `Cache` is internal (src/core/cache/cache.ts) and no entry exports it. The example now shows
    // the public use of a store; it must not name `Cache`, and it must run as written.
    const source = readFileSync(new URL('../../src/core/cache/cache-store.ts', import.meta.url), 'utf8');
    expect(source).not.toContain('new Cache(');
    const radar = createSceneRadar({
      sources: WORLD.sources,
      clock: fixedClock(NOW),
      cache: { store: lruCacheStore({ maxEntries: 500 }) },
    });
    try {
      await radar.scenes.importCatalog(WORLD.catalog);
      await radar.refresh();
      expect((await radar.scenes.listScenes({ limit: 1 })).items.length).toBe(1);
      expect(radar.stats().cache.size).toBeGreaterThan(0);
    } finally {
      await radar.close();
    }
  });
});

describe('scene-radar/adapters/memory', () => {
  it('createDemoWorld (adapters/memory/demo/world.ts:83): listArtists, getEngagement, truth.summary().careers.breakout', async () => {
    const world = createDemoWorld({ seed: 42, artists: 300, end: '2025-06-30' });
    const asOf = new Date('2025-06-01T00:00:00Z');
    const page = await world.sources.mig.listArtists({ limit: 10 }, { asOf, signal: signal() });
    const slugs = page.items.map((a) => a.slug);
    const engagement = await world.sources.fusion.getEngagement(slugs, {
      asOf,
      signal: signal(),
      from: new Date('2025-03-01T00:00:00Z'),
    });
    expect([slugs.length, engagement.size]).toEqual([10, 10]);
    expect(world.truth.summary().careers.breakout).toBeGreaterThan(0);
  });

  it('createMemorySources (adapters/memory/sources.ts:115) with latencyMs and maxBatchSize', async () => {
    const sources = createMemorySources(WORLD.dataset, { latencyMs: 20, maxBatchSize: 1 });
    const page = await sources.mig.listArtists({ limit: 2 }, { asOf: NOW, signal: signal() });
    expect(page.items.length).toBe(2);
  });

  it('createEagerDataset (adapters/memory/eager-dataset.ts:159): the one-artist dataset serves its series and pulse', async () => {
    const dataset = createEagerDataset({
      histories: [
        {
          record: {
            slug: 'artist-a',
            name: 'Artist A',
            homeRegion: 'uk',
            homeCity: 'brighton',
            firstSeen: '2025-01-01T00:00:00Z',
          },
          tastemakers: [],
          collaborators: [],
          releases: [],
          campaigns: [],
          articles: [],
          events: [],
          memberships: [],
          engagement: { start: '2025-01-01', organic: [120, 130], paid: [0, 0] },
          coherence: { start: '2025-01-01', values: [0.9, 0.9] },
        },
      ],
      scenePulses: [
        { sceneSlug: 'indie-uk-brighton', heat: 62, growth: 0.1, stage: 'growing', asOf: '2025-01-02T00:00:00Z' },
      ],
    });
    const sources = createMemorySources(dataset);
    const asOf = new Date('2025-01-03T00:00:00Z');
    const engagement = await sources.fusion.getEngagement(['artist-a'], {
      asOf,
      signal: signal(),
      from: new Date('2025-01-01T00:00:00Z'),
    });
    expect(engagement.get('artist-a')?.organic).toEqual([120, 130]);
    const pulses = await sources.scenes?.getScenePulses(['indie-uk-brighton'], { asOf, signal: signal() });
    expect(pulses?.get('indie-uk-brighton')?.heat).toBe(62);
  });

  it('resolveDemoWorldOptions (demo/options.ts:55), breakoutDay (demo/outcomes.ts:21), declineDay (:48), soundCentroid (demo/catalog.ts:43), seededUuid (demo/workspaces.ts:13)', () => {
    expect(resolveDemoWorldOptions({ artists: 1000, end: '2025-06-30' }).days).toBe(400);
    expect(breakoutDay(Float64Array.from([...Array(200)].map((_, t) => Math.log(1000) + t * 0.02)), 0)).toBe(90);
    expect(declineDay(Float64Array.from([...Array(300)].map((_, t) => Math.log(5000) - t * 0.005)), 0)).toBe(103);
    expect(soundCentroid(448, 12465).length).toBe(8);
    expect(seededUuid(42, 'workspace', 0)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('scene-radar/adapters/tabular', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hr143-'));
  const exports = join(dir, 'exports');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parseCsv (csv.ts:35), parseJsonLines (json-lines.ts:14), detectTableFormat (table-format.ts:30), TABULAR_ROW_SCHEMAS (row-schemas.ts:249), DEFAULT_AGGREGATION (aggregate-rows.ts:86)', () => {
    const table = parseCsv('artist,at\r\nnova-static,"2025-01-02T10:00:00Z"\r\n');
    expect([table.rows[0]?.artist, table.lines[0]]).toEqual(['nova-static', 2]);
    const jl = parseJsonLines('{"artist":"nova-static","weight":3}\n\n{"artist":"pale-harbour","weight":1}\n');
    expect([jl.rows.length, jl.lines[1]]).toEqual([2, 3]);
    expect(detectTableFormat('exports/events.csv.gz')).toEqual({ format: 'csv', gzip: true });
    expect(
      TABULAR_ROW_SCHEMAS.events.safeParse({ artist: 'nova-static', type: 'radio_play', at: '2025-03-01', weight: '4' })
        .success,
    ).toBe(true);
    expect(DEFAULT_AGGREGATION.engagement).toBe('max');
  });

  it("createTabularSources (create-sources.ts:144): readTable + a map of the host's columns; report.sources is ['mig', 'rcf']", async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(exports, { recursive: true });
    writeFileSync(
      join(exports, 'artists.csv'),
      'slug,name,home_region,first_seen\nnova-static,Nova Static,uk,2024-01-01T00:00:00Z\npale-harbour,Pale Harbour,uk,2024-01-01T00:00:00Z\n',
    );
    writeFileSync(
      join(exports, 'events.jsonl.gz'),
      gzipSync(
        '{"performer":"Nova Static","kind":"radio_play","ts":"2025-03-01T00:00:00Z","reach":"4","country":"uk"}\n',
      ),
    );
    const { sources, report } = createTabularSources(
      {
        artists: await readTable(join(exports, 'artists.csv')),
        events: await readTable(join(exports, 'events.jsonl.gz')),
        collaborators: parseCsv('artist_a,artist_b,weight,since\nnova-static,pale-harbour,2,2025-03-01\n'),
      },
      {
        map: {
          events: (row) => ({
            artist: slugify(String(row.performer)),
            type: String(row.kind),
            at: String(row.ts),
            weight: String(row.reach),
            region: String(row.country ?? ''),
          }),
        },
      },
    );
    expect(report.sources).toEqual(['mig', 'rcf']);
    const radar = createSceneRadar({ sources });
    await radar.close();
  });

  it('TabularRowMap (validate-rows.ts:37): one chart line credited to two artists gives one event row each', () => {
    const events: TabularRowMap<'events'> = (row) =>
      String(row.credit)
        .split(' & ')
        .map((name) => ({
          artist: slugify(name),
          type: 'chart_entry',
          at: String(row.week),
          weight: String(row.points),
          region: 'us',
        }));
    const { report } = createTabularSources(
      {
        artists: parseCsv(
          'slug,name,home_region,first_seen\nnova-static,Nova Static,us,2024-01-01T00:00:00Z\npale-harbour,Pale Harbour,us,2024-01-01T00:00:00Z\n',
        ),
        events: parseCsv('credit,week,points\nNova Static & Pale Harbour,2025-03-01,12\n'),
      },
      { map: { events } },
    );
    expect(report.tables.events).toMatchObject({ read: 1, accepted: 2, rejected: 0 });
  });

  it('createTabularSourcesFromFiles (from-files.ts:101), createTabularSourcesFromStreams (:142), streamTable (stream-table.ts:370), readTable (read-table.ts:21)', async () => {
    const { createReadStream, mkdirSync, statSync } = await import('node:fs');
    mkdirSync(exports, { recursive: true });
    writeFileSync(
      join(exports, 'artists.csv'),
      'slug,name,home_region,first_seen\nnova-static,Nova Static,uk,2024-01-01T00:00:00Z\n',
    );
    const eventsGz = join(exports, 'events.csv.gz');
    writeFileSync(eventsGz, gzipSync('artist,type,at,weight\nnova-static,radio_play,2025-03-01,4\n'));
    writeFileSync(join(exports, 'daily.tsv'), 'artist\tday\torganic\tpaid\nnova-static\t2025-03-01\t10\t0\n');
    const { report } = await createTabularSourcesFromFiles(
      {
        artists: join(exports, 'artists.csv'),
        events: eventsGz,
        engagement: { path: join(exports, 'daily.tsv'), format: 'csv', delimiter: '\t' },
      },
      { onInvalidRow: 'skip', signal: AbortSignal.timeout(10 * 60_000) },
    );
    expect(report.sources).toEqual(['mig', 'fusion', 'rcf']);
    const progress: string[] = [];
    const { sources } = await createTabularSourcesFromStreams(
      {
        events: {
          input: createReadStream(eventsGz),
          format: 'csv',
          gzip: true,
          source: 'events.csv.gz',
          size: statSync(eventsGz).size,
        },
      },
      {
        onProgress: ({ phase, done, total }) => progress.push(`${phase} ${done}/${total} bytes`),
        signal: AbortSignal.timeout(60_000),
      },
    );
    expect(sources.rcf).toBeDefined();
    expect(progress[0]).toMatch(/^events 0\/\d+ bytes$/);
    let rows = 0;
    for await (const batch of streamTable(eventsGz)) rows += batch.rows.length;
    const events = await readTable(eventsGz, { signal: AbortSignal.timeout(60_000) });
    expect([rows, events.rows.length]).toEqual([1, 1]);
  });
});

describe('scene-radar/testing', () => {
  it('ContractViolation (src/testing/violation.ts:27) and isContractViolation (:55): e.requirement', () => {
    let requirement: string | undefined;
    try {
      throw new ContractViolation({
        contract: 'rcf.getEvents',
        requirement: 'return no event dated after asOf',
        observed: 'event e1 is at 2026-01-02T00:00:00Z',
      });
    } catch (e) {
      if (isContractViolation(e)) requirement = e.requirement;
    }
    expect(requirement).toBe('return no event dated after asOf');
  });

  // registerContractSuite (src/testing/suite.ts:26) and migContractSuite (src/testing/mig-suite.ts:96), as
  // written: an artist of the demo world as knownKeys, one first seen after asOf as unknownKey.
  const asOf = new Date('2026-03-01T00:00:00Z');
  const lateArtist = WORLD.dataset
    .artistSlugs()
    .find((s) => Date.parse(WORLD.dataset.artistRecord(s)!.firstSeen) > asOf.getTime());
  const known = WORLD.dataset
    .artistSlugs()
    .filter((s) => Date.parse(WORLD.dataset.artistRecord(s)!.firstSeen) < Date.parse('2025-12-01T00:00:00Z'))
    .slice(0, 2);
  registerContractSuite(
    'migContractSuite example (src/testing/mig-suite.ts:96)',
    migContractSuite({
      create: () => WORLD.sources.mig,
      knownKeys: known,
      ...(lateArtist ? { unknownKey: lateArtist } : {}),
      asOf,
      earlierAsOf: new Date('2025-12-01T00:00:00Z'),
      from: new Date('2025-01-01T00:00:00Z'),
    }),
    { describe, it },
  );
});

describe('scene-radar/api', () => {
  it('createFetchHandler (src/api/handler.ts:40): after one pulse request, stats().statuses is { 200: 1 }', async () => {
    const radar = await refreshedRadar();
    const seen: string[] = [];
    const handler = createFetchHandler(radar, { onError: (_e, { requestId }) => seen.push(requestId) });
    const res = await handler(new Request('http://localhost/api/talent/pulse?limit=20'));
    expect(res.status).toBe(200);
    expect(handler.stats().statuses).toEqual({ '200': 1 });
    // ApiStats (src/api/http-stats.ts:13): requests, statuses, codes, latency.counts per bucket of latency.boundsMs.
    const { requests, codes, latency } = handler.stats();
    expect([requests, codes.TALENT_TIMEOUT]).toEqual([1, undefined]);
    expect(latency.counts.reduce((a, n) => a + n, 0)).toBe(1);
    expect(latency.counts.length).toBe(latency.boundsMs.length + 1);
  });

  it('CorsOptions (src/api/cors.ts:12): a listed origin is allowed, maxAge becomes Access-Control-Max-Age', async () => {
    const radar = await refreshedRadar();
    const cors: CorsOptions = { origin: ['https://radar.example.com', 'http://localhost:5173'], maxAge: 3600 };
    const handler = createFetchHandler(radar, { cors });
    const res = await handler(
      new Request('http://localhost/api/talent/pulse', {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' },
      }),
    );
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-max-age')).toBe('3600');
  });

  it('isAmbiguousPath (src/api/paths.ts:28), safeReason (src/api/health.ts:122), fail (src/api/envelope.ts:79)', () => {
    expect(isAmbiguousPath('/api/scenes/x/../../talent/pulse')).toBe(true);
    expect(isAmbiguousPath('/api/scenes/a%2Fb')).toBe(true);
    expect(isAmbiguousPath('/api/scenes/indie-uk-brighton?x=..')).toBe(false);
    expect(safeReason('connect ECONNREFUSED 10.0.0.7:6379')).toBe('connect ECONNREFUSED <address>');
    expect(fail('TALENT_ARTIST_NOT_FOUND', 'Artist not found: unknown-artist')).toMatchObject({
      ok: false,
      error: { code: 'TALENT_ARTIST_NOT_FOUND', message: 'Artist not found: unknown-artist' },
    });
  });

  it('checkHealth (src/api/health.ts:251) gives { status, body }; HealthReportSchema (:84) parses the route’s data; HealthReporter (:37) is listed', async () => {
    const radar = await refreshedRadar();
    const { status, body } = await checkHealth(radar, { sources: ['mig', 'rcf'] });
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    const ping = async () => true;
    const redisTier: HealthReporter = {
      name: 'redis',
      health: async () => ({ name: 'redis', state: (await ping()) ? 'ok' : 'down' }),
    };
    const handler = createFetchHandler(radar, { health: { caches: [redisTier] } });
    const data = ((await (await handler(new Request('http://localhost/api/health'))).json()) as { data: unknown }).data;
    const report = HealthReportSchema.parse(data);
    expect(report.caches).toContainEqual({ name: 'redis', state: 'ok' });
  });

  it('ok (src/api/envelope.ts:68), readOnlyApiBackend (src/api/operations.ts:160), createOperations (:454), createMemoryRateLimiter (src/api/rate-limit.ts:67)', async () => {
    const radar = await refreshedRadar();
    const slug = (await radar.scenes.listScenes({ limit: 1 })).items[0]!.slug;
    expect(ok(await radar.scenes.getScene(slug))).toMatchObject({ ok: true, error: null });
    const readOnly = createFetchHandler(readOnlyApiBackend(radar.readOnly, radar.config));
    expect((await readOnly(new Request('http://localhost/api/talent/pulse?limit=20'))).status).toBe(200);
    const api = createOperations(radar);
    const request = new Request(`http://localhost/api/scenes/${slug}`);
    const params = Promise.resolve({ slug });
    const { status, body } = await api.getScene({ params: await params, query: new URL(request.url).searchParams });
    expect([status, (body as { ok: boolean }).ok]).toEqual([200, true]);
    const limited = createFetchHandler(radar, { rateLimit: { limiter: createMemoryRateLimiter({ limit: 60 }) } });
    const res = await limited(new Request('http://localhost/api/talent/pulse?limit=20'));
    expect([res.status, res.headers.get('ratelimit-limit')]).toEqual([200, '60']);
  });
});

describe('scene-radar/adapters/node', () => {
  const listen = (server: Server) =>
    new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );

  it('toWebRequest (adapters/node/request.ts:103), DEFAULT_ORIGIN (:44), NodeRequestOptions (:12), sendWebResponse (response.ts:60)', async () => {
    const radar = await refreshedRadar();
    const handler = createFetchHandler(radar);
    const urls: string[] = [];
    const options: NodeRequestOptions = {
      origin: (req) =>
        req.headers['x-forwarded-host'] === 'radar.example.com' ? 'https://radar.example.com' : 'http://localhost',
    };
    const server = createServer(async (req: IncomingMessage, res) => {
      urls.push(toWebRequest(req).url, toWebRequest(req, options).url);
      const request = toWebRequest(req, { origin: 'https://radar.example.com' });
      await sendWebResponse(res, await handler(request));
    });
    try {
      const port = await listen(server);
      const res = await fetch(`http://127.0.0.1:${port}/api/health`, {
        headers: { 'x-forwarded-host': 'radar.example.com' },
      });
      expect(res.status).toBe(200);
    } finally {
      server.close();
    }
    expect(urls[0]!.startsWith(DEFAULT_ORIGIN)).toBe(true);
    expect(urls[0]).toBe('http://localhost/api/health');
    expect(urls[1]).toBe('https://radar.example.com/api/health');
  });

  it('toNodeListener (adapters/node/listener.ts:312) and NodeErrorContext (:16): onError gets { requestId, req }', async () => {
    const errors: { requestId: string; url: string | undefined }[] = [];
    const handler = async (): Promise<Response> => {
      throw new Error('boom');
    };
    const server = createServer(
      toNodeListener(handler, { onError: (_error, { requestId, req }) => errors.push({ requestId, url: req.url }) }),
    );
    try {
      const port = await listen(server);
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(res.status).toBe(500);
    } finally {
      server.close();
    }
    expect(errors.map((e) => e.url)).toEqual(['/api/health']);
    expect(typeof errors[0]!.requestId).toBe('string');
  });
});

describe('scene-radar/adapters/postgres (127.0.0.1:5432)', () => {
  const schema = `${TAG}_pg`;
  afterAll(async () => {
    const { default: pg } = await import('pg');
    const client = new pg.Client(PG_URL);
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  });

  it('migrate (adapters/postgres/migrate.ts:247) gives { from, to }; createPostgresStores (stores.ts:146) is ready() and closes; describePostgres (stores.ts:430)', async () => {
    const { from, to } = await migrate({ connectionString: PG_URL, schema });
    expect(`schema radar: version ${from} -> ${to}`).toMatch(/^schema radar: version 0 -> \d+$/);
    const stores = createPostgresStores({ connectionString: PG_URL, schema });
    await stores.ready();
    const radar = createSceneRadar({ sources: WORLD.sources, stores });
    await radar.close();
    await stores.close();
    expect(describePostgres('postgres://app:secret@db:5432/radar', 'radar')).toBe(
      'PostgreSQL schema "radar" at app@db:5432/radar',
    );
  });
});

describe('scene-radar/adapters/redis (127.0.0.1:6379)', () => {
  const prefix = `${TAG}:`;
  afterAll(async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });

  it('createRedisCacheTier (adapters/redis/cache-tier.ts:98): radar.stats().cache.store is { state, counters }', async () => {
    const tier = createRedisCacheTier({ redis: REDIS_URL, keyPrefix: `${prefix}radar:` });
    const radar = createSceneRadar({ sources: WORLD.sources, cache: { store: tier }, clock: fixedClock(NOW) });
    try {
      await radar.scenes.importCatalog(WORLD.catalog);
      await radar.refresh();
      await radar.scenes.pulse.getGlobalPulse();
      // The example's comment lists 'ok' | 'degraded' | ...: the tier may still be connecting.
      const store = radar.stats().cache.store;
      expect(['ok', 'degraded', 'connecting']).toContain(store?.state);
      expect(store?.counters).toEqual(expect.any(Object));
    } finally {
      await radar.close();
      await tier.close();
    }
  });

  it('createRedisRateLimiter (adapters/redis/rate-limiter.ts:94): awaited, then given to createFetchHandler', async () => {
    const radar = await refreshedRadar();
    const limiter = await createRedisRateLimiter({ redis: REDIS_URL, limit: 60, keyPrefix: `${prefix}rl:` });
    try {
      const handler = createFetchHandler(radar, { rateLimit: { limiter } });
      const res = await handler(new Request('http://localhost/api/talent/pulse?limit=20'));
      expect([res.status, res.headers.get('ratelimit-limit')]).toEqual([200, '60']);
    } finally {
      await limiter.close();
    }
  });
});

describe('scene-radar/adapters/bullmq (Redis 127.0.0.1:6379)', () => {
  afterAll(async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${TAG}:*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });

  it('createShardedRefresh (adapters/bullmq/sharded-refresh.ts:115), createRefreshWorker (worker.ts:69): onProgress sees shardsStaged / shards', async () => {
    const radar = createSceneRadar({ sources: WORLD.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(WORLD.catalog);
    const connection = { host: '127.0.0.1', port: 6379 };
    // A key prefix of this file's own (the examples use BullMQ's default queue and prefix).
    const worker = createRefreshWorker({ radar, connection, concurrency: 2, prefix: TAG });
    const sharded = createShardedRefresh({ radar, connection, shardSize: 500, prefix: TAG });
    try {
      const progress: string[] = [];
      const report = await sharded.refresh(undefined, {
        onProgress: (p) => progress.push(`${p.shardsStaged} / ${p.shards}`),
      });
      expect(progress.at(-1)).toBe('1 / 1');
      expect([report.shards, report.talent.scored]).toEqual([1, 40]);
    } finally {
      await worker.close();
      await sharded.close();
      await radar.close();
    }
  });
});

describe('scene-radar/backtest', () => {
  it('auc (metrics.ts:49), averagePrecision (:144), compareAsc (:85), precisionAtK (:102), splitFigures (:206): every stated value', () => {
    expect(auc([3, 2, 1], [true, false, false])).toBe(1);
    expect(auc([1, 1], [true, false])).toBe(0.5);
    expect(auc([1, -Infinity], [true, false])).toBe(1);
    expect(auc([-Infinity, Number.NaN], [true, false])).toBeNull();
    expect(averagePrecision([3, 2, 1], [true, false, true])).toBeCloseTo((1 + 2 / 3) / 2, 12);
    expect(averagePrecision([-Infinity, -Infinity], [true, false])).toBeNull();
    expect([2, Number.NaN, 1].sort(compareAsc)).toEqual([Number.NaN, 1, 2]);
    expect(precisionAtK([0.9, 0.8, 0.1], [true, false, true], 2)).toBe(0.5);
    expect(precisionAtK([1, 1, 1, 1], [true, false, false, false], 2)).toBe(0.25);
    expect(precisionAtK([], [], 10)).toBeNull();
    expect(precisionAtK([-Infinity, -Infinity], [true, false], 1)).toBeNull();
    expect(splitFigures([{ scores: [2, 1], labels: [true, false] }]).meanAuc).toBe(1);
    expect(splitFigures([{ scores: [-Infinity, -Infinity], labels: [true, false] }]).pAtKSkipped).toBe(1);
  });

  it('weightedAveragePrecision (bootstrap.ts:40), calibration (calibration.ts:46): stated values and the refusal', () => {
    expect(weightedAveragePrecision([0, 1], [2, 1], [true, false], [0, 1], [2, 1])).toBe(1);
    expect(calibration([0.05, 0.95], [false, true]).brier).toBeCloseTo(0.0025, 12);
    expect(calibration([], []).brier).toBeNull();
    let code: string | null = null;
    try {
      calibration([0.05, 0.95], [false, true], 0);
    } catch (e) {
      code = isBacktestError(e) ? e.code : null;
    }
    expect(code).toBe('BACKTEST_INVALID_OPTIONS');
  });

  it('createLookaheadGuard (guard.ts:112): a read past the cutoff rejects and guard.violations.length is 1', async () => {
    const cutoff = new Date('2026-06-01T00:00:00Z');
    const later = new Date('2026-09-01T00:00:00Z');
    const from = new Date('2026-01-01T00:00:00Z');
    const guard = createLookaheadGuard();
    const safe = guard.view(WORLD.sources, cutoff, { call: 'candidates', cutoff: cutoff.toISOString() });
    let refused: string | null = null;
    await safe.rcf?.getEvents(['a'], { asOf: later, from, signal: signal() }).catch((e: unknown) => {
      refused = isBacktestError(e) ? e.code : 'other';
    });
    expect(refused).toBe('BACKTEST_LOOKAHEAD');
    expect(guard.violations.length).toBe(1);
  });
});

describe('scene-radar/otel', () => {
  it('instrumentOpenTelemetry (src/otel/index.ts:319): a second call replaces the first (one of each span), the first close() is then a no-op', async () => {
    const radar = await refreshedRadar();
    const handler = createFetchHandler(radar);
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const meterProvider = new MeterProvider();
    const spansOfOneRequest = async () => {
      exporter.reset();
      await (await handler(new Request('http://localhost/api/health'))).text();
      return exporter.getFinishedSpans().length;
    };
    const telemetry = instrumentOpenTelemetry({ tracerProvider, meterProvider });
    let second: ReturnType<typeof instrumentOpenTelemetry> | undefined;
    try {
      const once = await spansOfOneRequest();
      expect(once).toBeGreaterThan(0);
      second = instrumentOpenTelemetry({ tracerProvider, meterProvider });
      expect(await spansOfOneRequest()).toBe(once);
      telemetry.close();
      expect(await spansOfOneRequest()).toBe(once);
    } finally {
      second?.close();
      telemetry.close();
    }
  });
});

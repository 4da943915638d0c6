/**
 * Review of the day's changes (32): a2548f0 (the stored state rows read with strict Zod objects:
 * src/talent/peer-state.ts `DistributionSchema`, `BandStatSchema`, `PeerStatsJsonSchema` and its
 * `relative`; src/talent/talent-state.ts `FailedWalkStateSchema`, `ModelStateSchema`,
 * `RefreshStateSchema`, `PlanStateSchema`, `stateOrThrow`'s advice; src/scenes/scenes-state.ts
 * `RefreshStateSchema`), 4f07872 (ui/app.ts `routeOf` lower-cases the hash's region) and 2bcdd30
 * (ui/notice.ts: uPlot's whole MIT notice). Probed: every row the current code writes (the
 * refresh's `last-refresh` with host features, one failing, and `eventLevel`; `breakout-model`
 * after `calibrate` + `setBreakoutModel` with its validation report; a sharded refresh's
 * `refresh-plan-<id>`; `last-failed-walk` after MIG failed to list artists; the Scenes Engine's
 * `last-refresh`) read back by a radar started later on the same stores, in memory and on
 * PostgreSQL (jsonb); each row given a key this version does not know, then read by the radar,
 * `radar.readOnly`, the HTTP API (createFetchHandler) and the health route, and the advice of
 * the refusal followed.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: the plan row's advice names discardRefresh), for
 * the reason their name states; the others pin behaviour found correct. PostgreSQL tests work in schemas of their own (dropped after
 * the file); a server that cannot be reached fails them (nothing skips).
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createDemoWorld, memoryScenesStores, memoryTalentStores } from '../../adapters/memory/index.js';
import { createPostgresStores, type PostgresStores } from '../../adapters/postgres/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import {
  createSceneRadar,
  fixedClock,
  type HostFeature,
  type MIGAdapter,
  type SceneRadar,
  type SceneRadarSources,
} from '../../src/index.js';
import type { SceneRadarStores } from '../../src/stores.js';
import { routeOf } from '../../ui/app.js';
import { UPLOT_NOTICE } from '../../ui/notice.js';
import { fileTestDatabase } from '../helpers/postgres.js';

const database = fileTestDatabase();
const radars: SceneRadar[] = [];
const storeSets: PostgresStores[] = [];
afterAll(async () => {
  for (const r of radars) await r.close().catch(() => undefined);
  for (const s of storeSets) await s.close().catch(() => undefined);
});

const DAY = 86_400_000;
const N = Date.parse('2026-11-25T00:00:00.000Z');
const at = (k: number): Date => new Date(N - k * DAY);
const world = createDemoWorld({ seed: 7, artists: 30, end: '2026-11-24' });

/** MIG whose `listArtists` fails while `down.mig`. */
function switchableMig(): { sources: SceneRadarSources; down: { mig: boolean } } {
  const down = { mig: false };
  const mig = world.sources.mig;
  const listArtists: MIGAdapter['listArtists'] = async (query, options) => {
    if (down.mig) throw new Error('mig down');
    return mig.listArtists(query, options);
  };
  return { sources: { ...world.sources, mig: { ...mig, listArtists } }, down };
}
const { sources, down } = switchableMig();

/** Two host features: one read for every artist, one whose reads fail (failedHostFeatures). */
const buzz: HostFeature = {
  name: 'buzz',
  source: 'buzz export',
  scale: 'raw',
  read: (slugs) => Object.fromEntries(slugs.map((s, i) => [s, 1 + (i % 5)])),
};
const broken: HostFeature = {
  name: 'broken',
  source: 'warehouse',
  scale: 'raw',
  read: () => {
    throw new Error('warehouse down');
  },
};

function radarOn(stores: SceneRadarStores): SceneRadar {
  const radar = createSceneRadar({
    sources,
    clock: fixedClock(at(0)),
    stores,
    hostFeatures: [buzz, broken],
    config: { talent: { model: { breakout: { hostInputs: { buzz: { weight: 0.5, center: 1 } } } } } },
  });
  radars.push(radar);
  return radar;
}
const memory = (): SceneRadarStores => ({ scenes: memoryScenesStores(), talent: memoryTalentStores() });
async function postgres(): Promise<PostgresStores> {
  const db = await database();
  const stores = createPostgresStores({ pool: db.pool }, { schema: db.schemaName(), migrate: true });
  storeSets.push(stores);
  await stores.ready();
  return stores;
}

/** How a promise settled: `resolved` or `<code>: <message>`. */
function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'resolved',
    (e: unknown) => `${String((e as { code?: unknown }).code)}: ${String((e as Error).message)}`,
  );
}
/** A stored state row's value edited in place (a key a later release might add). */
async function addKey(
  table: { get(k: { name: string }): Promise<unknown>; upsert(rows: never[]): Promise<unknown> },
  name: string,
  edit: (value: Record<string, unknown>) => void,
): Promise<void> {
  const row = structuredClone((await table.get({ name })) as { value: Record<string, unknown> });
  edit(row.value);
  await table.upsert([row as never]);
}
/** Status and error code of an API route. */
async function route(radar: SceneRadar, path: string): Promise<string> {
  const response = await createFetchHandler(radar)(new Request(`http://radar.test${path}`));
  const body = (await response.json()) as { error?: { code?: string } | null };
  return `${response.status} ${body.error?.code ?? 'ok'}`;
}

/** A model fitted by calibrate() on the demo world (once for the file). */
let fitted: Promise<Awaited<ReturnType<SceneRadar['talent']['calibrate']>>> | undefined;
function calibrated(radar: SceneRadar) {
  fitted ??= radar.talent.calibrate(
    world.dataset
      .artistSlugs()
      .map((slug, i) => ({ artistSlug: slug, asOf: new Date('2026-08-01T00:00:00.000Z'), label: i % 3 === 0 })),
    { event: 'review 32', horizonDays: 90, folds: 2 },
  );
  return fitted;
}

describe.each([
  ['in memory', async () => memory()],
  ['on PostgreSQL (jsonb)', postgres],
])('every state row this version writes reads back %s', (_name, storesOf) => {
  it('last-refresh (host features, one failing; eventLevel), breakout-model (calibrate + validation), the failed walk: a radar started later reads them all', async () => {
    const stores = await storesOf();
    const first = radarOn(stores);
    await first.scenes.importCatalog(world.catalog);
    await first.refresh(at(1));
    const fit = await calibrated(first);
    await first.talent.setBreakoutModel(fit.model, { validation: fit.validation });
    // The talent row holds what the test says it does.
    const refreshRow = (await stores.talent.talent_radar_state.get({ name: 'last-refresh' }))!.value as {
      peers: { relative: { host: [string, unknown][]; eventLevel: unknown } };
      failedHostFeatures: Record<string, number>;
    };
    expect(refreshRow.peers.relative.host.map(([n]) => n)).toContain('buzz');
    // The demo world has no events-only artist (eventLevel null): the row given one as
    // distributionJson writes it (a host distribution's), as a population with such artists has.
    expect(refreshRow.peers.relative.eventLevel).toBeNull();
    await addKey(stores.talent.talent_radar_state, 'last-refresh', (v) => {
      const rel = (v.peers as { relative: { host: [string, unknown][]; eventLevel: unknown } }).relative;
      rel.eventLevel = rel.host.find(([n]) => n === 'buzz')![1];
    });
    expect(refreshRow.failedHostFeatures.broken).toBeGreaterThan(0);
    const slug = (await stores.talent.talent_radar_artists.scan({ limit: 1 }))[0]!.artist_slug;
    const expected = await first.talent.scoreArtists([slug], { asOf: at(1) });

    const second = radarOn(stores);
    const scored = (await second.talent.scoreArtists([slug], { asOf: at(1) })).artists[0];
    expect(scored?.artistSlug).toBe(slug);
    expect(Object.keys(scored ?? {})).toEqual(Object.keys(expected.artists[0] ?? {}));
    expect(second.talent.refreshedAsOf).toBe(at(1).toISOString());
    expect(second.talent.lastRefreshFailedHostFeatures).toEqual(first.talent.lastRefreshFailedHostFeatures);
    const applied = await second.talent.appliedBreakoutModel();
    expect(applied?.validation).toEqual(JSON.parse(JSON.stringify(fit.validation)));
    expect(second.talent.modelVersion).toBe(first.talent.modelVersion);
    expect(await second.scenes.refreshedAsOf()).toBe(at(1).toISOString());

    // MIG cannot list artists: last-failed-walk, read by a radar started after it.
    down.mig = true;
    try {
      await outcome(second.talent.refresh(at(0)));
    } finally {
      down.mig = false;
    }
    const walk = (await stores.talent.talent_radar_state.get({ name: 'last-failed-walk' }))!.value;
    expect(walk).toEqual({ asOf: at(0).toISOString(), universe: 'error', reason: expect.any(String) });
    const third = radarOn(stores);
    await third.talent.loadState();
    expect(third.talent.lastRefreshAttempt).toMatchObject({ asOf: at(0).toISOString(), universe: 'error' });
  }, 20_000);

  it('a sharded refresh: the plan row (refresh-plan-<id>) is read back by the shard and the finish', async () => {
    const stores = await storesOf();
    const radar = radarOn(stores);
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(at(1));
    const plan = await radar.talent.planRefresh(at(0));
    const other = radarOn(stores);
    await other.talent.refreshShard({ refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists });
    expect(await outcome(other.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 }))).toBe(
      'resolved',
    );
    expect(radarOn(stores).talent.refreshedAsOf).toBeNull();
    expect(await stores.talent.talent_radar_state.get({ name: `refresh-plan-${plan.refreshId}` })).toBeUndefined();
  }, 20_000);
});

describe('a row with a key this version does not know (PostgreSQL)', () => {
  /** Stores refreshed as of at(1), a model applied, and a radar over them. */
  async function refreshed(): Promise<{ stores: PostgresStores; slug: string }> {
    const stores = await postgres();
    const radar = radarOn(stores);
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(at(1));
    await radar.talent.setBreakoutModel({ intercept: -2 });
    const slug = (await stores.talent.talent_radar_artists.scan({ limit: 1 }))[0]!.artist_slug;
    return { stores, slug };
  }

  it('talent last-refresh (a key in peers.relative): refused with STORE_SCHEMA_MISMATCH by reads, readOnly, the API (503, never 500) and the health route (degraded, 200); the next refresh replaces it', async () => {
    const { stores, slug } = await refreshed();
    await addKey(stores.talent.talent_radar_state, 'last-refresh', (v) => {
      (v.peers as { relative: Record<string, unknown> }).relative.engagementLevel = null;
    });
    const radar = radarOn(stores);
    expect(await outcome(radar.talent.scoreArtists([slug], { asOf: at(1) }))).toMatch(
      /^STORE_SCHEMA_MISMATCH: talent_radar_state holds a "last-refresh" .*the next refresh replaces it/,
    );
    expect(await outcome(radar.readOnly.getArtistScores([slug]))).toMatch(/^STORE_SCHEMA_MISMATCH/);
    for (const path of ['/api/talent/pulse', `/api/talent/artists/${slug}`, '/api/talent/top'])
      expect(await route(radar, path), path).toBe('503 STORE_SCHEMA_MISMATCH');
    expect(await route(radar, '/api/health')).toBe('200 ok');
    expect(await outcome(radar.talent.refresh(at(0)))).toBe('resolved');
    expect(await outcome(radarOn(stores).talent.scoreArtists([slug], { asOf: at(0) }))).toBe('resolved');
    expect(await route(radarOn(stores), `/api/talent/artists/${slug}`)).toBe('200 ok');
  }, 20_000);

  it('breakout-model (a key beside model): refused by reads and by refreshes (which do not replace it), as its advice says; applying a new model (or a reset) clears it', async () => {
    const { stores, slug } = await refreshed();
    await addKey(stores.talent.talent_radar_state, 'breakout-model', (v) => {
      v.appliedBy = 'a later release';
    });
    const radar = radarOn(stores);
    const refused = await outcome(radar.talent.scoreArtists([slug], { asOf: at(1) }));
    expect(refused).toMatch(/^STORE_SCHEMA_MISMATCH: .*"breakout-model" .*reset it or apply a new model/);
    expect(await outcome(radar.talent.refresh(at(0)))).toMatch(/^STORE_SCHEMA_MISMATCH: .*"breakout-model"/);
    expect(await route(radar, `/api/talent/artists/${slug}`)).toBe('503 STORE_SCHEMA_MISMATCH');
    expect(await route(radar, '/api/talent/pulse')).toBe('503 STORE_SCHEMA_MISMATCH');
    expect(await route(radar, '/api/health')).toBe('200 ok');
    await radar.talent.setBreakoutModel({ intercept: -1 });
    expect(await outcome(radarOn(stores).talent.refresh(at(0)))).toBe('resolved');
    // A reset clears it too.
    await addKey(stores.talent.talent_radar_state, 'breakout-model', (v) => {
      v.appliedBy = 'a later release';
    });
    await radarOn(stores).talent.resetBreakoutModel();
    expect(await outcome(radarOn(stores).talent.scoreArtists([slug], { asOf: at(0) }))).toBe('resolved');
  }, 20_000);

  it('last-failed-walk: read as no note (never refused), and a later good refresh is unaffected', async () => {
    const { stores, slug } = await refreshed();
    down.mig = true;
    try {
      await outcome(radarOn(stores).talent.refresh(at(0)));
    } finally {
      down.mig = false;
    }
    await addKey(stores.talent.talent_radar_state, 'last-failed-walk', (v) => {
      v.retryAfter = 60;
    });
    const radar = radarOn(stores);
    expect(await outcome(radar.talent.scoreArtists([slug], { asOf: at(1) }))).toBe('resolved');
    expect(radar.talent.lastRefreshAttempt).toBeNull();
    expect(await route(radar, '/api/health')).toBe('200 ok');
  }, 20_000);

  it('scenes last-refresh: refused by reads (the API answers 503, never 500), replaced by the next refresh', async () => {
    const { stores } = await refreshed();
    await addKey(stores.scenes.scenes_state, 'last-refresh', (v) => {
      v.regions = ['uk'];
    });
    const radar = radarOn(stores);
    expect(await outcome(radar.scenes.refreshedAsOf())).toMatch(/^STORE_SCHEMA_MISMATCH: scenes_state holds a/);
    const scene = world.catalog.scenes[0]!.slug;
    expect(await route(radar, `/api/scenes/${scene}/pulse`)).toBe('503 STORE_SCHEMA_MISMATCH');
    expect(await outcome(radar.scenes.refresh(at(0)))).toBe('resolved');
    expect(await radarOn(stores).scenes.refreshedAsOf()).toBe(at(0).toISOString());
  }, 20_000);

  it("FAULT: a sharded refresh's plan row (refresh-plan-<id>) this version cannot read is refused with the advice 'the next refresh replaces it', but no refresh replaces a plan row: it stays until discardRefresh, and the finish keeps refusing (talent-state.ts:115 gives every row but breakout-model that advice)", async () => {
    const { stores } = await refreshed();
    const radar = radarOn(stores);
    const plan = await radar.talent.planRefresh(at(0));
    const name = `refresh-plan-${plan.refreshId}`;
    await radar.talent.refreshShard({ refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists });
    // The plan as a later release's coordinator wrote it (a rolling upgrade: the finish runs here).
    await addKey(stores.talent.talent_radar_state, name, (v) => {
      v.shards = 1;
    });
    const finish = () =>
      outcome(radarOn(stores).talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 }));
    const refused = await finish();
    expect(refused).toMatch(new RegExp(`^STORE_SCHEMA_MISMATCH: talent_radar_state holds a "${name}"`));
    // What the advice promises does not happen: a refresh runs, the plan row stays, still refused.
    expect(await outcome(radarOn(stores).talent.refresh(at(0)))).toBe('resolved');
    expect(await stores.talent.talent_radar_state.get({ name })).toBeDefined();
    expect(await finish()).toMatch(/^TALENT_INVALID_PARAMS|^STORE_SCHEMA_MISMATCH/);
    expect(await radarOn(stores).talent.discardRefresh(plan.refreshId)).toBe(1);
    expect(await stores.talent.talent_radar_state.get({ name })).toBeUndefined();
    // The fault: the refusal's advice.
    expect(refused).not.toMatch(/the next refresh replaces it/);
  }, 20_000);
});

describe('ui/app.ts routeOf (4f07872) and ui/notice.ts (2bcdd30)', () => {
  it("the scenes list's region is read lower case; page and other routes unchanged", () => {
    expect(routeOf('#/scenes?region=UK&page=2')).toEqual({ page: 'scenes', region: 'uk', listPage: 2 });
    expect(routeOf('#/?region=Us')).toEqual({ page: 'scenes', region: 'us', listPage: 1 });
    expect(routeOf('#/scenes')).toEqual({ page: 'scenes', region: '', listPage: 1 });
    // Slugs are not lower-cased (only the region is).
    expect(routeOf('#/scenes/Indie-UK')).toEqual({ page: 'scene', slug: 'Indie-UK' });
  });

  it('the notice carries node_modules/uplot/LICENSE word for word, in a comment the minifier keeps and nothing ends early', () => {
    const license = readFileSync(new URL('../../node_modules/uplot/LICENSE', import.meta.url), 'utf8');
    expect(UPLOT_NOTICE.startsWith('/*!')).toBe(true);
    expect(UPLOT_NOTICE.endsWith('*/')).toBe(true);
    expect(UPLOT_NOTICE.indexOf('*/')).toBe(UPLOT_NOTICE.length - 2);
    const body = UPLOT_NOTICE.split('\n')
      .slice(1, -1)
      .map((l) => l.replace(/^ \*( |$)/, ''))
      .join('\n')
      .trim();
    expect(body).toBe(license.trim());
  });
});

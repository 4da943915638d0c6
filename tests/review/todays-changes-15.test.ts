/**
 * Review of the day's fixes (hostile reviews 112-114): a change of the Scenes Engine's tables now
 * clears the Talent aggregator's cache (src/radar.ts); the Talent refresh's commit reads the
 * `breakout-model` row and computes again when the model changed (src/talent/talent-radar.ts);
 * `scoreArtists` reads the stored state on every call; records of another model make the
 * aggregator read the state again (src/talent/radar-aggregator.ts `unknownRefresh`). Checked: the
 * clear against `radar.refresh()` and `close()`; configured, older-release and sharded models
 * against the commit's check; what the conflict error says; how many state reads a request costs.
 *
 * Tests named "FAULT:" failed on the code as reviewed (both fixed in the same commit), for the reason their name states; the others pin behaviour found correct.
 */
import { describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createRedisCacheTier } from '../../adapters/redis/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import { type BreakoutModel, createSceneRadar, fixedClock, type SceneRadar } from '../../src/index.js';
import { tablesChanged } from '../../src/scenes/refresh-pulses.js';
import { memoryScenesStores, memoryTalentStores } from '../../src/stores/memory-table.js';
import type { SceneRadarStores } from '../../src/stores.js';
import type { TalentStores } from '../../src/stores/specs.js';
import { DEFAULT_BREAKOUT_MODEL } from '../../src/talent/breakout-model.js';
import { dropPrefix, TEST_REDIS_URL, testPrefix, testRedis } from '../helpers/redis-test.js';

const T1 = new Date('2026-11-25T00:00:00.000Z');
const T2 = new Date('2026-11-26T00:00:00.000Z');
const world = createDemoWorld({ seed: 7, artists: 50, scenes: 3, end: '2026-11-24' });
const SLUGS = world.dataset.artistSlugs();
const M1: BreakoutModel = { ...structuredClone(DEFAULT_BREAKOUT_MODEL), hostInputs: {}, intercept: -2.5 };
const M2: BreakoutModel = { ...structuredClone(DEFAULT_BREAKOUT_MODEL), hostInputs: {}, intercept: -2.9 };

async function get(radar: SceneRadar, route: string): Promise<{ status: number; body: string }> {
  const response = await createFetchHandler(radar)(new Request(`http://radar.test${route}`));
  return { status: response.status, body: await response.text() };
}

/** Every stored record's model_version, distinct, sorted. */
async function storedVersions(radar: SceneRadar): Promise<string[]> {
  const { artists } = await radar.talent.aggregator.getArtistScores(SLUGS);
  return [...new Set(artists.map((a) => a.model_version))].sort();
}

/**
 * Talent stores whose `talent_radar_state` counts its reads (`getMany` and `get`) and can be made
 * to fail; `beforeTransaction` runs before each transaction begins.
 */
function instrumented(): {
  stores: SceneRadarStores;
  talent: TalentStores;
  reads: { n: number };
  scans: { n: number };
  failState: { on: boolean };
  beforeTransaction: { fn: (() => Promise<void>) | null };
} {
  const talent = memoryTalentStores();
  const reads = { n: 0 };
  const scans = { n: 0 };
  const failState = { on: false };
  const beforeTransaction: { fn: (() => Promise<void>) | null } = { fn: null };
  const state = new Proxy(talent.talent_radar_state, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if ((key !== 'getMany' && key !== 'get') || typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        reads.n++;
        if (failState.on) return Promise.reject(new Error('state store down (review)'));
        return fn.apply(target, args);
      };
    },
  });
  const artists = new Proxy(talent.talent_radar_artists, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (key !== 'scan' || typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        scans.n++;
        return fn.apply(target, args);
      };
    },
  });
  const wrapped = new Proxy(talent, {
    get(target, key, receiver) {
      if (key === 'talent_radar_state') return state;
      if (key === 'talent_radar_artists') return artists;
      const value: unknown = Reflect.get(target, key, receiver);
      if (key !== 'transaction' || typeof value !== 'function') return value;
      const tx = value as (...args: unknown[]) => Promise<unknown>;
      return async (...args: unknown[]) => {
        if (beforeTransaction.fn) await beforeTransaction.fn();
        return tx.apply(target, args);
      };
    },
  });
  return {
    stores: { scenes: memoryScenesStores(), talent: wrapped },
    talent,
    reads,
    scans,
    failState,
    beforeTransaction,
  };
}

describe("today's changes 15: scenes-table clears, the model check at commit, state reads", () => {
  it('radar.refresh() with readers polling the Talent pulse: every answer 200 with artists, and after it the pulse is of the new refresh (no stale value served after the Talent refresh)', async () => {
    const clock = fixedClock(T1);
    const radar = createSceneRadar({ sources: world.sources, clock });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh();
      const first = JSON.parse((await get(radar, '/api/talent/pulse?limit=5')).body) as {
        data: { meta: { refreshed_as_of?: string; as_of?: string } };
      };
      expect(first.data.meta).toBeDefined();
      clock.set(T2);
      const refreshing = radar.refresh();
      refreshing.catch(() => undefined);
      const statuses: number[] = [];
      let done = false;
      refreshing
        .finally(() => {
          done = true;
        })
        .catch(() => undefined);
      while (!done) {
        const r = await get(radar, '/api/talent/pulse?limit=5');
        statuses.push(r.status);
        expect(r.body).toContain('"artist_slug"');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await refreshing;
      expect(statuses.length).toBeGreaterThan(0);
      expect(new Set(statuses)).toEqual(new Set([200]));
      const after = await get(radar, '/api/talent/pulse?limit=5');
      expect(after.status).toBe(200);
      expect(after.body).toContain(T2.toISOString());
    } finally {
      await radar.close();
    }
  }, 30_000);

  it('radar.scenes.refresh() alone forgets the cached Talent pulse; after close() a late tables change throws nothing and leaves no rejection', async () => {
    const clock = fixedClock(T1);
    const { stores, scans } = instrumented();
    const radar = createSceneRadar({ sources: world.sources, stores, clock });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh();
    await get(radar, '/api/talent/pulse?limit=5');
    const cached = scans.n;
    await get(radar, '/api/talent/pulse?limit=5');
    // Served from the cache: no store read.
    expect(scans.n).toBe(cached);
    tablesChanged(radar.scenes);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await get(radar, '/api/talent/pulse?limit=5');
    expect(scans.n).toBeGreaterThan(cached);
    // A scenes refresh alone, as of a later instant, does the same.
    const c2 = scans.n;
    clock.set(T2);
    await radar.scenes.refresh();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const after = await get(radar, '/api/talent/pulse?limit=5');
    expect(after.status).toBe(200);
    expect(scans.n).toBeGreaterThan(c2);
    await radar.close();
    expect(() => tablesChanged(radar.scenes)).not.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }, 30_000);

  it("with a shared Redis tier, A's scenes refresh forgets B's cached Talent pulse too (B computes it again over the shared tables), and B answers 200", async () => {
    const redis = await testRedis();
    const keyPrefix = testPrefix('today15');
    const clock = fixedClock(T1);
    const { stores, scans } = instrumented();
    const tierA = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix, clock });
    const tierB = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix, clock });
    const a = createSceneRadar({ sources: world.sources, stores, clock, cache: { store: tierA } });
    const b = createSceneRadar({ sources: world.sources, stores, clock, cache: { store: tierB } });
    try {
      await tierA.ready();
      await tierB.ready();
      await a.scenes.importCatalog(world.catalog);
      await a.refresh();
      expect((await get(b, '/api/talent/pulse?limit=5')).status).toBe(200);
      const s0 = scans.n;
      expect((await get(b, '/api/talent/pulse?limit=5')).status).toBe(200);
      expect(scans.n).toBe(s0);
      clock.set(T2);
      await a.scenes.refresh();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const s1 = scans.n;
      const again = await get(b, '/api/talent/pulse?limit=5');
      expect(again.status).toBe(200);
      expect(again.body).toContain('"artist_slug"');
      expect(scans.n).toBeGreaterThan(s1);
    } finally {
      await a.close();
      await b.close();
      await tierA.close();
      await tierB.close();
      await dropPrefix(redis, keyPrefix);
      redis.disconnect();
    }
  }, 30_000);

  it('a host whose config sets talent.model.breakout (no stored row) refreshes twice without a conflict; records carry the configured version', async () => {
    const clock = fixedClock(T1);
    const { stores, beforeTransaction } = instrumented();
    let transactions = 0;
    beforeTransaction.fn = async () => {
      transactions++;
    };
    const radar = createSceneRadar({
      sources: world.sources,
      stores,
      clock,
      config: { talent: { model: { breakout: { intercept: -2.5 } } } },
    });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh();
      clock.set(T2);
      const t0 = transactions;
      await radar.talent.refresh();
      // One commit, not retried.
      expect(transactions - t0).toBe(1);
      expect(radar.talent.modelVersion).not.toBe('talent-2026.12-1');
      expect(await storedVersions(radar)).toEqual([radar.talent.modelVersion]);
      expect(await radar.talent.appliedBreakoutModel()).toBeNull();
    } finally {
      await radar.close();
    }
  }, 30_000);

  it('a stored model row written without a later input (an older release) refreshes on a new instance in one commit, under the version appliedBreakoutModel reports', async () => {
    const clock = fixedClock(T1);
    const { stores, talent, beforeTransaction } = instrumented();
    const a = createSceneRadar({ sources: world.sources, stores, clock });
    await a.scenes.importCatalog(world.catalog);
    await a.talent.setBreakoutModel(M1);
    await a.close();
    const row = (await talent.talent_radar_state.get({ name: 'breakout-model' }))!;
    const value = structuredClone(row.value) as { model: { inputs: Record<string, unknown> } };
    const dropped = Object.keys(value.model.inputs).at(-1)!;
    delete value.model.inputs[dropped];
    await talent.talent_radar_state.upsert([{ ...row, value: value as never }]);
    let transactions = 0;
    beforeTransaction.fn = async () => {
      transactions++;
    };
    const b = createSceneRadar({ sources: world.sources, stores, clock });
    try {
      await b.refresh();
      clock.set(T2);
      const t0 = transactions;
      await b.talent.refresh();
      expect(transactions - t0).toBe(1);
      const applied = await b.talent.appliedBreakoutModel();
      expect(applied?.modelVersion).toBe(b.talent.modelVersion);
      expect(await storedVersions(b)).toEqual([b.talent.modelVersion]);
    } finally {
      await b.close();
    }
  }, 30_000);

  it('a sharded refresh with a model applied (on another instance) between plan and finish commits every record with the applied model', async () => {
    const clock = fixedClock(T1);
    const stores: SceneRadarStores = { scenes: memoryScenesStores(), talent: memoryTalentStores() };
    const a = createSceneRadar({ sources: world.sources, stores, clock });
    const b = createSceneRadar({ sources: world.sources, stores, clock });
    try {
      await a.scenes.importCatalog(world.catalog);
      await a.refresh();
      clock.set(T2);
      const plan = await b.talent.planRefresh();
      const size = Math.ceil(plan.artists.length / 2);
      for (let i = 0; i < 2; i++)
        await b.talent.refreshShard({
          refreshId: plan.refreshId,
          asOf: plan.asOf,
          index: i,
          artists: plan.artists.slice(i * size, i * size + size),
        });
      const applied = await a.talent.setBreakoutModel(M1);
      const report = await b.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 2 });
      expect(report.scored).toBeGreaterThan(10);
      expect(await storedVersions(a)).toEqual([applied.modelVersion]);
      expect(b.talent.modelVersion).toBe(applied.modelVersion);
    } finally {
      await a.close();
      await b.close();
    }
  }, 30_000);

  // Fault: the model check in the commit (src/talent/talent-radar.ts:1675-1687) throws the same
  // refreshConflict as a concurrent refresh, whose message (src/core/refresh-order.ts:122) says
  // "another instance committed a refresh (as of <the last refresh>)": past MAX_REFRESH_ATTEMPTS
  // the host is told of a refresh nobody committed, and nothing names the model change.
  it('FAULT: a refresh that gives up because the breakout model changed before each commit says "another instance committed a refresh" and never names the model', async () => {
    const clock = fixedClock(T1);
    const { stores, talent, beforeTransaction } = instrumented();
    const radar = createSceneRadar({ sources: world.sources, stores, clock });
    const other = createSceneRadar({ sources: world.sources, stores: { scenes: stores.scenes, talent }, clock });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh();
      clock.set(T2);
      let flip = 0;
      // Another instance applies a model just before each commit (alternating two models).
      beforeTransaction.fn = async () => {
        await other.talent.setBreakoutModel(flip++ % 2 === 0 ? M1 : M2);
      };
      const error = await radar.talent.refresh().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'TALENT_INVALID_PARAMS' });
      expect(flip).toBe(3);
      const message = (error as Error).message;
      expect(message).toMatch(/model/i);
      expect(message).not.toContain('another instance committed a refresh');
    } finally {
      await radar.close();
      await other.close();
    }
  }, 30_000);

  it('scoreArtists reads talent_radar_state once per call (calibrationExamples: once per distinct instant), not more', async () => {
    const clock = fixedClock(T1);
    const { stores, reads } = instrumented();
    const radar = createSceneRadar({ sources: world.sources, stores, clock });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh();
      const r0 = reads.n;
      await radar.talent.scoreArtists(SLUGS.slice(0, 3), { asOf: T1 });
      expect(reads.n - r0).toBe(1);
      const r1 = reads.n;
      await radar.talent.calibrationExamples([
        { artistSlug: SLUGS[0]!, asOf: new Date('2026-09-01T00:00:00Z'), label: true },
        { artistSlug: SLUGS[1]!, asOf: new Date('2026-09-01T00:00:00Z'), label: false },
        { artistSlug: SLUGS[2]!, asOf: new Date('2026-10-01T00:00:00Z'), label: false },
      ]);
      expect(reads.n - r1).toBe(2);
    } finally {
      await radar.close();
    }
  }, 30_000);

  // Fault: scoreArtists now forces a state read on every call (src/talent/talent-radar.ts:641,
  // `await this.loadState({ force: true })`) and rejects when it fails, though the radar holds the
  // state it read before and scoreArtists writes nothing and reads no stored record: a backtest or
  // a what-if call that worked on the previous code through a brief talent_radar_state outage now
  // fails with the store's error.
  it('FAULT: scoreArtists on a radar that read its state before rejects when talent_radar_state cannot be read (it scored with the state held before the fix)', async () => {
    const clock = fixedClock(T1);
    const { stores, failState } = instrumented();
    const radar = createSceneRadar({ sources: world.sources, stores, clock });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh();
      const before = await radar.talent.scoreArtists(SLUGS.slice(0, 3), { asOf: T1 });
      failState.on = true;
      const during = await radar.talent.scoreArtists(SLUGS.slice(0, 3), { asOf: T1 }).catch((e: unknown) => e);
      failState.on = false;
      expect(during).not.toBeInstanceOf(Error);
      expect((during as typeof before).artists.map((a) => a.breakout)).toEqual(before.artists.map((a) => a.breakout));
    } finally {
      failState.on = false;
      await radar.close();
    }
  }, 30_000);

  it('after setBreakoutModel on the same instance (records still of the old model), each uncached profile or list costs one state read, a cached one none; no loop; the profile is scored and labelled with the applied model', async () => {
    const clock = fixedClock(T1);
    const { stores, reads } = instrumented();
    const radar = createSceneRadar({ sources: world.sources, stores, clock });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh();
      const applied = await radar.talent.setBreakoutModel(M1);
      await new Promise((resolve) => setTimeout(resolve, 10));
      const perRequest: number[] = [];
      for (const slug of SLUGS.slice(0, 3)) {
        const r0 = reads.n;
        const r = await get(radar, `/api/talent/artists/${slug}`);
        expect(r.status).toBe(200);
        expect(r.body).toContain(`"model_version":"${applied.modelVersion}"`);
        perRequest.push(reads.n - r0);
      }
      // The first one after the apply reads twice, each later one once (until the next refresh).
      expect(perRequest).toEqual([2, 1, 1]);
      const l0 = reads.n;
      expect((await get(radar, '/api/talent/top?category=breakout')).status).toBe(200);
      expect(reads.n - l0).toBe(1);
      const l1 = reads.n;
      expect((await get(radar, '/api/talent/top?category=breakout')).status).toBe(200);
      expect(reads.n - l1).toBe(0);
      // The next refresh ends it: records of the applied model, no extra read.
      clock.set(T2);
      await radar.talent.refresh();
      expect(await storedVersions(radar)).toEqual([applied.modelVersion]);
      const p0 = reads.n;
      expect((await get(radar, `/api/talent/artists/${SLUGS[4]!}`)).status).toBe(200);
      expect(reads.n - p0).toBe(0);
    } finally {
      await radar.close();
    }
  }, 30_000);

  it('records kept from before a model change (a failed read) make every list computation read the state again until the source recovers: one read each, no loop, meta labelled with the applied model', async () => {
    const clock = fixedClock(T1);
    const { stores, reads } = instrumented();
    const failing = { slug: '' };
    const fusion = world.sources.fusion!;
    const flaky = new Proxy(fusion, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (key !== 'getEngagement' || typeof value !== 'function') return value;
        const read = value as (...args: unknown[]) => Promise<unknown>;
        return (...args: unknown[]) =>
          failing.slug !== '' && JSON.stringify(args).includes(`"${failing.slug}"`)
            ? Promise.reject(new Error('fusion down for one artist (review)'))
            : read.apply(target, args);
      },
    });
    const radar = createSceneRadar({ sources: { ...world.sources, fusion: flaky }, stores, clock });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh();
      const applied = await radar.talent.setBreakoutModel(M1);
      failing.slug = SLUGS[0]!;
      clock.set(T2);
      await radar.talent.refresh();
      const versions = await storedVersions(radar);
      expect(versions).toContain(applied.modelVersion);
      expect(versions).toContain('talent-2026.12-1');
      const perList: number[] = [];
      for (let i = 0; i < 3; i++) {
        await radar.talent.aggregator.clearCache();
        const r0 = reads.n;
        const top = await get(radar, '/api/talent/top?category=breakout');
        expect(top.status).toBe(200);
        expect(top.body).toContain(`"model_version":"${applied.modelVersion}"`);
        perList.push(reads.n - r0);
      }
      expect(perList).toEqual([1, 1, 1]);
    } finally {
      await radar.close();
    }
  }, 30_000);
});

/**
 * Hostile review 121: stalls (a call that never settles) and aborts in the parts hostile review
 * 120 left out. Reviewed: the Scenes Engine's `scenes.refresh()` and `radar.refresh()` with a signal
 * that aborts, or `close()`, while a scenes or talent table read stalls; `scenes.importCatalog`
 * queued behind a stalled refresh; `scenes.backfillTrends`; the Scenes Engine's reads
 * (`listScenes`, `listMemberships`, `getSceneTrends`, `getRelatedScenes`, `recommendScenes`); the
 * sharded Talent refresh (`talent.planRefresh`, `refreshShard`, `finishRefresh`) with a stalled
 * table, an aborted signal and `close()`; and the Redis tier (scene-radar/adapters/redis) against
 * a real Redis (a server of this file's own) stalled with `CLIENT PAUSE <ms> ALL` from a second connection: the tier's
 * reads, writes and invalidations held to `commandTimeoutMs`, its health, the invalidation bus and
 * the generation guard after the pause (nothing stale, no delete lost), the lock's waiters, the
 * rate limiter's `whenRedisDown` decision and `close()`. Held to docs/reliability.md ("A call in
 * flight when `close()` lands rejects with `RADAR_CLOSED` too"; "a refresh's reads before its
 * commit give up when its `signal` aborts (`TALENT_TIMEOUT`) or the radar closes
 * (`RADAR_CLOSED`)"), the JSDoc of `refreshShard` ("`TALENT_TIMEOUT` when `signal` aborts,
 * `RADAR_CLOSED` when the radar is closed during it") and docs/scale-out.md ("nothing waits longer
 * than one command timeout"). Tables are in-memory stores wrapped so that chosen methods wait at a
 * switch (`Stall`, as in hostile-review-120); every await is bounded (`within`).
 *
 * Tests named "FAULT:" failed on the code as reviewed (all ten fixed in the same commit), for the reason their name states; the others pin behaviour found correct.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar, type SceneRadarConfigInput } from '../../src/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { memoryScenesStores, memoryTalentStores, SCENES_TABLES, TALENT_TABLES } from '../../src/stores.js';
import type { CacheEntry } from '../../src/core/cache/cache-store.js';
import { createRedisCacheTier, createRedisRateLimiter, type RedisCacheTier } from '../../adapters/redis/index.js';
import { ownRedisServer, type OwnRedisServer } from '../helpers/redis-test.js';
import { pause, Stall, stalled, stalledSources, timed, within } from '../helpers/stall.js';

const T = new Date('2026-06-12T06:00:00.000Z');
const world = createDemoWorld({ artists: 40, seed: 121, end: '2026-06-30' });
const scene0 = world.catalog.scenes[0]!.slug;

/** Short bounds, so that a bound that holds shows within a second. */
const CONFIG: SceneRadarConfigInput = {
  sources: {
    mig: { timeoutMs: 250 },
    cmg: { timeoutMs: 250 },
    fusion: { timeoutMs: 250 },
    coverage: { timeoutMs: 250 },
    rcf: { timeoutMs: 250 },
    identityKernel: { timeoutMs: 250 },
    scenes: { timeoutMs: 400 },
    workspaces: { timeoutMs: 250 },
  },
  scenes: { scenePulseTimeoutMs: 400, globalPulseTimeoutMs: 600 },
  talent: { signalTimeoutMs: 400, globalPulseTimeoutMs: 600 },
};

type Snapshot = Record<string, readonly string[]>;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

interface Ctx {
  readonly radar: SceneRadar;
  readonly stall: Stall;
  readonly scenes: ReturnType<typeof memoryScenesStores>;
  readonly talent: ReturnType<typeof memoryTalentStores>;
  readonly snapshot: () => Promise<Snapshot>;
}

const open: SceneRadar[] = [];

/** A radar over the demo world with stallable sources and tables, refreshed once. */
async function setup(): Promise<Ctx> {
  const stall = new Stall();
  const scenes = memoryScenesStores();
  const talent = memoryTalentStores();
  const radar = createSceneRadar({
    sources: stalledSources(world.sources, stall),
    clock: fixedClock(T),
    config: CONFIG,
    stores: { scenes: stalled(scenes, stall), talent: stalled(talent, stall) },
  });
  open.push(radar);
  await within(radar.scenes.importCatalog(world.catalog), 'import');
  await within(radar.refresh(T), 'first refresh', 20_000);
  const snapshot = async (): Promise<Snapshot> => {
    const out: Record<string, string[]> = {};
    for (const name of Object.keys(SCENES_TABLES) as (keyof typeof SCENES_TABLES)[])
      out[name] = ((await scenes[name].scan()) as unknown[]).map((r) => JSON.stringify(r).replace(UUID, 'ID')).sort();
    for (const name of Object.keys(TALENT_TABLES) as (keyof typeof TALENT_TABLES)[])
      out[name] = ((await talent[name].scan()) as unknown[]).map((r) => JSON.stringify(r).replace(UUID, 'ID')).sort();
    return out;
  };
  return { radar, stall, scenes, talent, snapshot };
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  for (const r of open.splice(0)) await within(r.close(), 'close in afterEach', 5_000).catch(() => undefined);
});

describe('hostile review 121: the Scenes Engine under stalled tables', () => {
  it('FAULT: scenes.refresh() in flight when close() lands, stalled on a scene_memberships read, never settles (engine.ts refresh: no read of the Scenes refresh is bounded by close(), unlike the Talent refresh’s #untilStopped)', async () => {
    const c = await setup();
    c.stall.on('scene_memberships.scan');
    const p = c.radar.scenes.refresh(T);
    p.catch(() => undefined);
    await within(c.stall.reached, 'stall reached');
    const cl = await timed(c.radar.close(), 'close with a stalled scenes refresh');
    expect(cl.outcome).toBe('ok');
    const r = await timed(p, 'scenes refresh after close()', 2_000);
    expect(r.outcome).toBe('RADAR_CLOSED');
    c.stall.release();
  });

  it('FAULT: scenes.importCatalog() queued behind a stalled scenes refresh never settles after close() (engine.ts importCatalog: OneAtATime.run without a signal or the lifecycle)', async () => {
    const c = await setup();
    c.stall.on('scene_memberships.scan');
    const refresh = c.radar.scenes.refresh(T);
    refresh.catch(() => undefined);
    await within(c.stall.reached, 'stall reached');
    const imported = c.radar.scenes.importCatalog(world.catalog);
    imported.catch(() => undefined);
    await pause(20);
    await within(c.radar.close(), 'close');
    const r = await timed(imported, 'queued import after close()', 2_000);
    expect(r.outcome).toBe('RADAR_CLOSED');
    c.stall.release();
  });

  // The Scenes Engine's pre-check reads its state row (`scenes_state`) since 2026-12-06; it read
  // `scene_trends.scan` when the review was written.
  for (const table of ['scenes_state.scan', 'talent_radar_state.getMany'])
    it(`FAULT: radar.refresh() whose signal aborts while its pre-check read (${table}) is stalled never settles, though "a refresh's reads before its commit give up when its signal aborts (TALENT_TIMEOUT)" (radar.ts: scenes.checkRefresh / talent.checkRefresh read unbounded)`, async () => {
      const c = await setup();
      c.stall.on(table);
      const ac = new AbortController();
      const p = c.radar.refresh(T, { signal: ac.signal });
      p.catch(() => undefined);
      await within(c.stall.reached, 'stall reached');
      ac.abort();
      const r = await timed(p, 'refresh after its signal aborted', 2_000);
      expect(r.outcome).toBe('TALENT_TIMEOUT');
      c.stall.release();
    });

  it('a scenes.refresh() waiting behind a stalled one gives up at once when its signal aborts (SCENES_TIMEOUT), and once the stall ends the first completes and later refreshes work', async () => {
    const c = await setup();
    const before = await c.snapshot();
    c.stall.on('scene_memberships.scan');
    const first = c.radar.scenes.refresh(T);
    first.catch(() => undefined);
    await within(c.stall.reached, 'stall reached');
    const ac = new AbortController();
    const second = c.radar.scenes.refresh(T, { signal: ac.signal });
    second.catch(() => undefined);
    await pause(20);
    ac.abort();
    const r = await timed(second, 'queued scenes refresh');
    expect(r.outcome).toBe('SCENES_TIMEOUT');
    expect(r.ms).toBeLessThan(200);
    c.stall.release();
    expect((await timed(first, 'first after release', 20_000)).outcome).toBe('ok');
    // The same instant, the same inputs: the scenes tables as they were.
    const after = await c.snapshot();
    for (const name of Object.keys(SCENES_TABLES)) expect(after[name], name).toEqual(before[name]);
    expect((await timed(c.radar.refresh(T), 'next refresh', 20_000)).outcome).toBe('ok');
    expect(unhandled).toEqual([]);
  });

  it('FAULT: scenes.backfillTrends() in flight when close() lands, stalled on its scene_trends write, never settles (engine.ts backfillTrends checks close() once per day only, between unbounded table calls)', async () => {
    const c = await setup();
    c.stall.on('scene_trends.upsert');
    const p = c.radar.scenes.backfillTrends({ from: new Date(T.getTime() - 3 * 86_400_000) });
    p.catch(() => undefined);
    await within(c.stall.reached, 'stall reached', 10_000);
    await within(c.radar.close(), 'close');
    const r = await timed(p, 'backfill after close()', 2_000);
    expect(r.outcome).toBe('RADAR_CLOSED');
    c.stall.release();
  });

  it('FAULT: the Scenes Engine’s reads (listScenes, listMemberships, getSceneTrends, getRelatedScenes, recommendScenes) in flight when close() lands over stalled tables never settle (engine.ts: assertOpen at entry only)', async () => {
    const c = await setup();
    const artist = (await c.scenes.scene_memberships.scan({ limit: 1 }))[0]!.artist_slug;
    for (const k of [
      'scenes.scan',
      'scenes.get',
      'scene_memberships.scan',
      'scene_trends.scan',
      'scene_relationships.scan',
      'scene_recommendations_cache.scan',
    ])
      c.stall.on(k);
    const calls: Record<string, Promise<unknown>> = {
      listScenes: c.radar.scenes.listScenes({ limit: 5 }),
      listMemberships: c.radar.scenes.listMemberships({ artistSlug: artist }),
      getSceneTrends: c.radar.scenes.getSceneTrends(scene0),
      getRelatedScenes: c.radar.scenes.getRelatedScenes(scene0),
      recommendScenes: c.radar.scenes.recommendScenes({ artistSlug: artist }),
    };
    for (const p of Object.values(calls)) p.catch(() => undefined);
    await within(c.stall.reached, 'stall reached');
    await pause(20);
    await within(c.radar.close(), 'close');
    const outcomes: Record<string, string> = {};
    for (const [name, p] of Object.entries(calls)) outcomes[name] = (await timed(p, name, 1_000)).outcome;
    expect(outcomes).toEqual({
      listScenes: 'RADAR_CLOSED',
      listMemberships: 'RADAR_CLOSED',
      getSceneTrends: 'RADAR_CLOSED',
      getRelatedScenes: 'RADAR_CLOSED',
      recommendScenes: 'RADAR_CLOSED',
    });
    c.stall.release();
  });
});

describe('hostile review 121: the sharded Talent refresh under stalls', () => {
  it('FAULT: talent.refresh() whose signal aborts while its second state read (the universe phase’s #loadState) is stalled never settles (talent-radar.ts #refresh: only the first state read is bounded)', async () => {
    const c = await setup();
    // The first read (before the run) goes through; the second, in the universe phase, stalls.
    c.stall.on('talent_radar_state.getMany', 1);
    const ac = new AbortController();
    const p = c.radar.talent.refresh(T, { signal: ac.signal });
    p.catch(() => undefined);
    await within(c.stall.reached, 'stall reached');
    ac.abort();
    const r = await timed(p, 'talent refresh after its signal aborted', 2_000);
    expect(r.outcome).toBe('TALENT_TIMEOUT');
    c.stall.release();
  });

  it('FAULT: talent.planRefresh() whose signal aborts while its state read is stalled never settles (talent-radar.ts planRefresh: #loadState unbounded)', async () => {
    const c = await setup();
    c.stall.on('talent_radar_state.getMany');
    const ac = new AbortController();
    const p = c.radar.talent.planRefresh(T, { signal: ac.signal });
    p.catch(() => undefined);
    await within(c.stall.reached, 'stall reached');
    ac.abort();
    const r = await timed(p, 'plan after its signal aborted', 2_000);
    expect(r.outcome).toBe('TALENT_TIMEOUT');
    c.stall.release();
  });

  it('FAULT: talent.refreshShard() whose signal aborts while its state read is stalled never settles, though its JSDoc says "TALENT_TIMEOUT when signal aborts ... (nothing staged either way)" (talent-radar.ts refreshShard: #loadState unbounded)', async () => {
    const c = await setup();
    const plan = await within(c.radar.talent.planRefresh(T), 'plan');
    expect(plan.universe).toBe('ok');
    c.stall.on('talent_radar_state.getMany');
    const ac = new AbortController();
    const p = c.radar.talent.refreshShard(
      { refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists },
      { signal: ac.signal },
    );
    p.catch(() => undefined);
    await within(c.stall.reached, 'stall reached');
    ac.abort();
    const r = await timed(p, 'shard after its signal aborted', 2_000);
    expect(r.outcome).toBe('TALENT_TIMEOUT');
    c.stall.release();
  });

  it('talent.refreshShard() whose sources never settle rejects TALENT_TIMEOUT when its signal aborts, within the bound, and stages nothing; the round then completes once they answer', async () => {
    const c = await setup();
    const plan = await within(c.radar.talent.planRefresh(T), 'plan');
    const shard = { refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists };
    c.stall.on('fusion.getEngagement');
    const ac = new AbortController();
    const p = c.radar.talent.refreshShard(shard, { signal: ac.signal });
    p.catch(() => undefined);
    await within(c.stall.reached, 'stall reached', 10_000);
    ac.abort();
    const r = await timed(p, 'shard with hung sources after abort', 2_000);
    expect(r.outcome).toBe('TALENT_TIMEOUT');
    expect(r.ms).toBeLessThan(500);
    expect(await c.talent.talent_radar_refresh_shards.count()).toBe(0);
    c.stall.release();
    const staged = await within(c.radar.talent.refreshShard(shard), 'shard after release', 10_000);
    expect(staged.artists).toBe(plan.artists.length);
    const report = await within(
      c.radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 }),
      'finish',
      10_000,
    );
    expect(report.scored).toBeGreaterThan(0);
    expect(await c.talent.talent_radar_refresh_shards.count()).toBe(0);
  });

  it('FAULT: talent.finishRefresh() in flight when close() lands, stalled reading its staged shards, never settles (talent-radar.ts #finishStaged: table.scan unbounded)', async () => {
    const c = await setup();
    const plan = await within(c.radar.talent.planRefresh(T), 'plan');
    await within(
      c.radar.talent.refreshShard({ refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists }),
      'shard',
      10_000,
    );
    c.stall.on('talent_radar_refresh_shards.scan');
    const p = c.radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 });
    p.catch(() => undefined);
    await within(c.stall.reached, 'stall reached');
    await within(c.radar.close(), 'close');
    const r = await timed(p, 'finish after close()', 2_000);
    expect(r.outcome).toBe('RADAR_CLOSED');
    c.stall.release();
  });

  it('a finishRefresh() whose signal aborts while it waits behind a stalled refresh rejects TALENT_TIMEOUT at once; the stalled refresh, released, commits whole and the staged round can be discarded', async () => {
    const c = await setup();
    const plan = await within(c.radar.talent.planRefresh(T), 'plan');
    await within(
      c.radar.talent.refreshShard({ refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists }),
      'shard',
      10_000,
    );
    c.stall.on('transaction');
    const first = c.radar.talent.refresh(T);
    first.catch(() => undefined);
    await within(c.stall.reached, 'stall reached', 10_000);
    const ac = new AbortController();
    const finish = c.radar.talent.finishRefresh(
      { refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 },
      { signal: ac.signal },
    );
    finish.catch(() => undefined);
    await pause(20);
    ac.abort();
    const r = await timed(finish, 'queued finish');
    expect(r.outcome).toBe('TALENT_TIMEOUT');
    expect(r.ms).toBeLessThan(200);
    c.stall.release();
    expect((await timed(first, 'stalled refresh after release', 10_000)).outcome).toBe('ok');
    expect(await within(c.radar.talent.discardRefresh(plan.refreshId), 'discard')).toBe(1);
    expect(await c.talent.talent_radar_refresh_shards.count()).toBe(0);
    expect(await c.talent.talent_radar_state.get({ name: `refresh-plan-${plan.refreshId}` })).toBeUndefined();
    expect(unhandled).toEqual([]);
  });
});

describe('hostile review 121: Redis stalled with CLIENT PAUSE', () => {
  const prefix = `sr-test:review121:${randomBytes(4).toString('hex')}:`;
  // A Redis server of this file's own: `CLIENT PAUSE ... ALL` on the shared test Redis stalled the
  // Redis tests of the other workers too (CI failed tests that pass alone).
  let server: OwnRedisServer | undefined;
  /** The URL of this file's own Redis (started by `redis()`, which every test's `beforeEach` calls). */
  const ownUrl = (): string => {
    if (!server) throw new Error("this file's Redis was not started");
    return server.url;
  };
  let admin: Redis | undefined;
  const tiers: RedisCacheTier[] = [];
  const closers: (() => Promise<void>)[] = [];

  async function redis(): Promise<Redis> {
    if (admin) return admin;
    server ??= await ownRedisServer();
    const r = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
    r.on('error', () => undefined);
    await within(r.connect(), 'connect to Redis', 3_000);
    await within(r.ping(), 'PING Redis', 3_000);
    admin = r;
    return r;
  }
  /** Pauses every client of this file's Redis for `ms` (at most 3 s). */
  async function pauseRedis(ms: number): Promise<void> {
    const r = await redis();
    await within(r.call('CLIENT', 'PAUSE', String(Math.min(ms, 3_000)), 'ALL'), 'CLIENT PAUSE');
  }
  /** Waits out the pause (CLIENT UNPAUSE itself waits for it on Redis 7.0). */
  async function unpause(): Promise<void> {
    if (!admin) return;
    await within(admin.call('CLIENT', 'UNPAUSE'), 'CLIENT UNPAUSE', 4_000).catch(() => undefined);
  }
  function tier(extra: { commandTimeoutMs?: number; lock?: { leaseMs?: number; waitTimeoutMs?: number } } = {}) {
    const t = createRedisCacheTier({
      redis: ownUrl(),
      keyPrefix: prefix,
      commandTimeoutMs: extra.commandTimeoutMs ?? 200,
      retryAfterMs: 200,
      ...(extra.lock ? { lock: extra.lock } : {}),
    });
    tiers.push(t);
    return t;
  }
  const entry = (value: unknown, ttl = 60_000): CacheEntry<unknown> => {
    const now = Date.now();
    return { value, createdAt: now, expiresAt: now + ttl, staleUntil: now + 2 * ttl };
  };

  beforeEach(async () => {
    await redis();
  });
  afterEach(async () => {
    await unpause();
    for (const t of tiers.splice(0)) await within(t.close(), 'tier close', 3_000).catch(() => undefined);
    for (const c of closers.splice(0)) await within(c(), 'close', 3_000).catch(() => undefined);
  });
  afterAll(async () => {
    // The server goes with its keys.
    admin?.disconnect();
    await server?.stop();
  });

  it('the tier’s read, write, delete and clear each end within commandTimeoutMs while Redis is paused (health degraded); after the pause the delete reaches L2 and the other instance’s L1: nothing stale, nothing lost', async () => {
    const a = tier();
    const b = tier();
    await within(Promise.all([a.ready(3_000), b.ready(3_000)]), 'tiers ready');
    await within(Promise.resolve(a.set('k1', entry('v1'))), 'set k1');
    await within(Promise.resolve(a.set('k2', entry('v2'))), 'set k2');
    // B reads both into its L1.
    expect(((await within(Promise.resolve(b.get('k1')), 'b get k1')) as CacheEntry<unknown>).value).toBe('v1');
    expect(((await within(Promise.resolve(b.get('k2')), 'b get k2')) as CacheEntry<unknown>).value).toBe('v2');
    await pauseRedis(1_500);
    const del = await timed(Promise.resolve(a.delete('k1')), 'delete during the pause');
    expect(del.outcome).toBe('ok');
    // Bounds under the pause (1.2-1.5 s): each call ended at its command timeout (200 ms), not with
    // the pause, with room for a loaded machine (CI runs the browser tests beside this file).
    expect(del.ms).toBeLessThan(200 + 700);
    expect(a.health().state).toBe('degraded');
    // Reads and writes of A while degraded: at once, from L1 (no wait on Redis).
    const get = await timed(Promise.resolve(a.get('k-cold')), 'cold read during the pause');
    expect(get.outcome).toBe('ok');
    expect(get.ms).toBeLessThan(200 + 700);
    const set = await timed(Promise.resolve(a.set('k3', entry('v3'))), 'write during the pause');
    expect(set.ms).toBeLessThan(200 + 700);
    const clr = await timed(Promise.resolve(a.clear('k2')), 'clear during the pause');
    expect(clr.outcome).toBe('ok');
    expect(clr.ms).toBeLessThan(200 + 700);
    await unpause();
    // After the pause: A is ok again, k1 and k2 are gone from L2 and from B's L1.
    await within(
      (async () => {
        while (a.health().state !== 'ok') await pause(20);
      })(),
      'A back to ok',
      3_000,
    );
    await within(
      (async () => {
        for (;;) {
          const [g1, g2] = await Promise.all([Promise.resolve(b.get('k1')), Promise.resolve(b.get('k2'))]);
          if (g1 === undefined && g2 === undefined) return;
          await pause(20);
        }
      })(),
      'B dropped k1 and k2',
      3_000,
    );
    const r = await redis();
    expect(await within(r.get(`${prefix}v:k1`), 'GET k1')).toBeNull();
    expect(await within(r.get(`${prefix}v:k2`), 'GET k2')).toBeNull();
    // Later calls work: a value written now is shared again.
    await within(Promise.resolve(a.set('k4', entry('v4'))), 'set k4');
    expect(await within(r.get(`${prefix}v:k4`), 'GET k4')).not.toBeNull();
  });

  it('a value computed before a delete made during the pause is not stored after it (generation guard), on any instance', async () => {
    const a = tier();
    const b = tier();
    await within(Promise.all([a.ready(3_000), b.ready(3_000)]), 'tiers ready');
    let finish: (v: string) => void = () => undefined;
    const computing = new Promise<string>((r) => {
      finish = r;
    });
    // A computes k5 (its generation read as it starts) and stores it as the cache does, inside the
    // computation; B deletes k5 during the pause, before A's value is written.
    const coord = a.coordinate!('k5', async () => {
      const v = await computing;
      await a.set('k5', entry(v));
      return v;
    });
    coord.catch(() => undefined);
    await pause(50);
    await pauseRedis(1_200);
    expect((await timed(Promise.resolve(b.delete('k5')), 'delete during the pause')).ms).toBeLessThan(200 + 700);
    await pause(20);
    finish('old');
    const led = await timed(coord, 'coordinate during the pause');
    expect(led.outcome).toBe('ok');
    expect(led.ms).toBeLessThan(3 * 200 + 400);
    await unpause();
    await within(
      (async () => {
        while (a.health().state !== 'ok' || b.health().state !== 'ok') await pause(20);
      })(),
      'both back to ok',
      3_000,
    );
    await pause(100);
    const r = await redis();
    // The guarded write ran after the pause, behind the delete: refused.
    expect(await within(r.get(`${prefix}v:k5`), 'GET k5')).toBeNull();
    expect(await within(Promise.resolve(a.get('k5')), 'a get k5')).toBeUndefined();
    expect(await within(Promise.resolve(b.get('k5')), 'b get k5')).toBeUndefined();
  });

  it('a waiter on another instance’s lock computes itself within a command timeout of the pause, not after waitTimeoutMs', async () => {
    const a = tier({ lock: { leaseMs: 5_000, waitTimeoutMs: 10_000 } });
    const b = tier({ lock: { leaseMs: 5_000, waitTimeoutMs: 10_000 } });
    await within(Promise.all([a.ready(3_000), b.ready(3_000)]), 'tiers ready');
    let release: () => void = () => undefined;
    const holding = new Promise<string>((r) => {
      release = () => r('a');
    });
    const held = a.coordinate!('k6', () => holding);
    held.catch(() => undefined);
    await pause(50);
    const waiting = b.coordinate!('k6', async () => 'b');
    waiting.catch(() => undefined);
    await pause(100);
    await pauseRedis(1_500);
    const r = await timed(waiting, 'waiter during the pause');
    expect(r.outcome).toBe('ok');
    expect(r.ms).toBeLessThan(1_000);
    expect(((await waiting) as { led: boolean; value?: string }).value).toBe('b');
    release();
    await within(held, 'holder');
    await unpause();
  });

  it('a radar over the tier answers a scene pulse and a clearCache within bound while Redis is paused, and close() of the radar and tier returns within a command timeout', async () => {
    const t = tier();
    await within(t.ready(3_000), 'tier ready');
    const radar = createSceneRadar({
      sources: world.sources,
      clock: fixedClock(T),
      config: CONFIG,
      cache: { store: t },
    });
    open.push(radar);
    await within(radar.scenes.importCatalog(world.catalog), 'import');
    await within(radar.refresh(T), 'refresh', 20_000);
    const warm = await within(radar.scenes.pulse.getScenePulse(scene0), 'warm pulse');
    await pauseRedis(1_500);
    const cold = radar.scenes.pulse.getScenePulse(world.catalog.scenes[1]!.slug);
    cold.catch(() => undefined);
    const c1 = await timed(cold, 'cold pulse during the pause');
    expect(c1.outcome).toBe('ok');
    expect(c1.ms).toBeLessThan(400 + 700);
    const hot = await timed(radar.scenes.pulse.getScenePulse(scene0), 'warm pulse during the pause');
    expect(hot.outcome).toBe('ok');
    // Under one command timeout: served from L1, no wait on Redis.
    expect(hot.ms).toBeLessThan(200);
    const cc = await timed(radar.scenes.pulse.clearCache(scene0), 'clearCache during the pause');
    expect(cc.outcome).toBe('ok');
    expect(cc.ms).toBeLessThan(200 + 700);
    expect(radar.stats().cache.store?.state).toBe('degraded');
    const again = await within(radar.scenes.pulse.getScenePulse(scene0), 'pulse after clear');
    expect(again.heat).toBe(warm.heat);
    const cl = await timed(radar.close(), 'radar close during the pause');
    expect(cl.outcome).toBe('ok');
    expect(cl.ms).toBeLessThan(1_000 + 400);
    const tc = await timed(t.close(), 'tier close during the pause');
    expect(tc.outcome).toBe('ok');
    expect(tc.ms).toBeLessThan(2 * 200 + 700);
    expect(unhandled).toEqual([]);
  });

  it('the rate limiter decides within commandTimeoutMs while Redis is paused (whenRedisDown deny: refused, counted insured), is ok again after, and close() returns within a command timeout', async () => {
    const limiter = await within(
      createRedisRateLimiter({
        redis: ownUrl(),
        keyPrefix: `${prefix}rl`,
        limit: 100,
        windowMs: 60_000,
        whenRedisDown: 'deny',
        commandTimeoutMs: 200,
      }),
      'limiter',
    );
    closers.push(() => limiter.close());
    expect((await within(limiter.consume('client-a'), 'consume')).allowed).toBe(true);
    await pauseRedis(1_500);
    const d = limiter.consume('client-a');
    const r = await timed(d, 'consume during the pause');
    expect(r.ms).toBeLessThan(200 + 700);
    expect((await d).allowed).toBe(false);
    expect(limiter.health()).toMatchObject({ state: 'degraded', insured: 1 });
    await unpause();
    const after = await within(limiter.consume('client-a'), 'consume after the pause');
    expect(after.allowed).toBe(true);
    expect(limiter.health().state).toBe('ok');
    await pauseRedis(1_500);
    const cl = await timed(limiter.close(), 'limiter close during the pause');
    expect(cl.outcome).toBe('ok');
    expect(cl.ms).toBeLessThan(200 + 700);
    closers.length = 0;
  });
});

/**
 * ScenePulse caching with fake timers: TTL, grace (stale-while-revalidate), skipCache, clearCache,
 * single-flight, short TTL of degraded pulses, the global pulse's own TTL. Assertions are on
 * source call counts, never on wall time.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createSceneRadar,
  fixedClock,
  SDK_VERSION,
  type SceneRadarConfigInput,
  type SceneRadarSources,
} from 'scene-radar';
import { lruCacheStore, memoryScenesStores, type CacheStore, type ScenesStores } from 'scene-radar/stores';
import { createDemoWorld, createMemorySources } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 300, end: '2026-11-24' });
const TTL = 300_000;
const GRACE = 60_000;
const SCENE = 'indie-uk-brighton';
const OTHER = 'rap-uk-london';

interface Call {
  readonly source: string;
  readonly method: string;
  readonly keys: readonly string[];
}

/** Wraps every source in a proxy that records each method call (source, method, keys). */
function recording(sources: SceneRadarSources): { sources: SceneRadarSources; calls: Call[] } {
  const calls: Call[] = [];
  const wrap = <T extends object>(source: string, adapter: T): T =>
    new Proxy(adapter, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push({ source, method: String(prop), keys: Array.isArray(args[0]) ? [...(args[0] as string[])] : [] });
          return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        };
      },
    });
  const { mig, cmg, fusion } = sources;
  return {
    sources: { mig: mig && wrap('mig', mig), cmg: cmg && wrap('cmg', cmg), fusion: fusion && wrap('fusion', fusion) },
    calls,
  };
}

let stores: ScenesStores;
let members: Map<string, string[]>;
beforeAll(async () => {
  stores = memoryScenesStores();
  const r = createSceneRadar({ sources: world.sources, stores: { scenes: stores }, clock: fixedClock(NOW) });
  await r.scenes.importCatalog(world.catalog);
  await r.refresh();
  await r.close();
  members = new Map();
  for (const m of await stores.scene_memberships.scan())
    members.set(m.scene_slug, [...(members.get(m.scene_slug) ?? []), m.artist_slug]);
});
beforeEach(() => vi.useFakeTimers({ now: NOW }));
afterEach(() => vi.useRealTimers());

/** A radar over the shared stores on the (faked) system clock, with its source calls recorded. */
function make(
  options: { sources?: SceneRadarSources; config?: SceneRadarConfigInput; store?: CacheStore<unknown> } = {},
) {
  const rec = recording(options.sources ?? world.sources);
  const radar = createSceneRadar({
    sources: rec.sources,
    stores: { scenes: stores },
    ...(options.config ? { config: options.config } : {}),
    ...(options.store ? { cache: { store: options.store } } : {}),
  });
  const count = (method?: string): number =>
    rec.calls.filter((c) => method === undefined || c.method === method).length;
  /** Calls per `source.method`, for the methods called. */
  const perMethod = (): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const c of rec.calls) out[`${c.source}.${c.method}`] = (out[`${c.source}.${c.method}`] ?? 0) + 1;
    return out;
  };
  return { radar, pulse: radar.scenes.pulse, calls: rec.calls, count, perMethod };
}

describe('ScenePulse cache', () => {
  it('serves the cached pulse until the 5-minute TTL passes', async () => {
    const { pulse, count, perMethod } = make();
    const first = await pulse.getScenePulse(SCENE);
    const once = perMethod();
    expect(Object.keys(once)).toEqual(expect.arrayContaining(['fusion.getEngagement', 'mig.getNetworks']));
    expect(Object.values(once).every((x) => x === 1)).toBe(true);
    vi.advanceTimersByTime(TTL - 1);
    expect(await pulse.getScenePulse(SCENE)).toBe(first);
    expect(perMethod()).toEqual(once);
    vi.advanceTimersByTime(GRACE + 2); // past TTL and grace: computed again, caller waits
    const later = await pulse.getScenePulse(SCENE);
    expect(count()).toBe(2 * Object.keys(once).length);
    expect(later.updated_at).toBe(new Date(NOW.getTime() + TTL + GRACE + 1).toISOString());
  });

  it('in grace: serves the stale pulse at once, marked stale, while exactly one refresh runs', async () => {
    // Sources that take 1 s (fake): a caller that had to wait for the refresh would not resolve.
    const { pulse, count } = make({ sources: createMemorySources(world.dataset, { latencyMs: 1000 }) });
    const cold = pulse.getScenePulse(SCENE);
    await vi.advanceTimersByTimeAsync(1000);
    const first = await cold;
    vi.advanceTimersByTime(TTL + 1000);
    const served = await Promise.all(Array.from({ length: 20 }, () => pulse.getScenePulse(SCENE)));
    expect(served.every((p) => p === first)).toBe(true);
    const [item] = await pulse.batchProcessScenes([SCENE]);
    expect(item).toMatchObject({ slug: SCENE, status: 'stale', pulse: first });
    // The refresh in the background reads the engine's state table before its sources: let it start.
    await vi.advanceTimersByTimeAsync(0);
    expect(count('getEngagement')).toBe(2); // the first computation and one refresh
    await vi.advanceTimersByTimeAsync(1000);
    const fresh = await pulse.getScenePulse(SCENE);
    expect(fresh).not.toBe(first);
    expect(fresh.asOf).toBe(new Date(NOW.getTime() + TTL + 2000).toISOString()); // when the refresh started
    expect(count('getEngagement')).toBe(2);
  });

  it('skipCache computes again and stores the result', async () => {
    const { pulse, count } = make();
    await pulse.getScenePulse(SCENE);
    vi.advanceTimersByTime(1000);
    const skipped = await pulse.getScenePulse(SCENE, true);
    vi.advanceTimersByTime(1000);
    expect(await pulse.getScenePulse(SCENE)).toBe(skipped);
    await pulse.getScenePulse(SCENE, true);
    expect(count('getEngagement')).toBe(3);
    await pulse.batchProcessScenes([SCENE, OTHER], { skipCache: true });
    expect(count('getEngagement')).toBe(4); // both scenes in one read
  });

  it('clearCache(slug) forgets one scene (and the roll-ups that include it); clearCache() forgets all', async () => {
    const { pulse, count, calls } = make();
    await pulse.batchProcessScenes([SCENE, OTHER]);
    const global = await pulse.getGlobalPulse();
    const reads = count('getEngagement');
    await pulse.clearCache(SCENE);
    await pulse.getScenePulse(OTHER);
    expect(count('getEngagement')).toBe(reads);
    await pulse.getScenePulse(SCENE);
    expect(count('getEngagement')).toBe(reads + 1);
    expect(calls.at(-1)!.keys.length).toBeLessThanOrEqual(members.get(SCENE)!.length);
    await pulse.clearCache(OTHER);
    const again = await pulse.getGlobalPulse();
    expect(again).not.toBe(global); // recomputed: it held OTHER's forgotten pulse
    expect(count('getEngagement')).toBe(reads + 2); // only OTHER was read again
    await pulse.clearCache();
    await pulse.batchProcessScenes([SCENE, OTHER]);
    expect(count('getEngagement')).toBe(reads + 3);
    await expect(pulse.clearCache('Bad Slug')).rejects.toMatchObject({ code: 'SCENES_VALIDATION_ERROR' });
  });

  it('single-flight: 50 concurrent requests for a cold scene read each source once', async () => {
    const { pulse, perMethod } = make();
    const got = await Promise.all(Array.from({ length: 50 }, () => pulse.getScenePulse(SCENE)));
    expect(new Set(got).size).toBe(1);
    const calls = perMethod();
    expect(Object.keys(calls).length).toBeGreaterThanOrEqual(2);
    expect(Object.values(calls).every((x) => x === 1)).toBe(true);
  });

  it('single-flight with a per-item source: one read per member, never one per caller', async () => {
    const { pulse, calls } = make({ sources: createMemorySources(world.dataset, { maxBatchSize: 1 }) });
    await Promise.all(Array.from({ length: 50 }, () => pulse.getScenePulse(SCENE)));
    const n = members.get(SCENE)!.length;
    for (const method of new Set(calls.map((c) => c.method))) {
      const keys = calls.filter((c) => c.method === method).flatMap((c) => c.keys);
      expect(keys.sort(), method).toEqual([...members.get(SCENE)!].sort());
      expect(keys).toHaveLength(n);
    }
  });

  it('scenes asked for together share one read of each batch-capable source', async () => {
    const { pulse, calls } = make();
    const ten = [...members.keys()].slice(0, 10);
    await pulse.batchProcessScenes(ten);
    const engagement = calls.filter((c) => c.method === 'getEngagement');
    expect(engagement).toHaveLength(1);
    expect(new Set(engagement[0]!.keys)).toEqual(new Set(ten.flatMap((s) => members.get(s)!)));
  });

  it('a degraded pulse is cached for degradedTtlMs only, so an outage heals', async () => {
    // Fusion answers garbage for every other member: a degraded pulse from the rest.
    const halfBroken = {
      ...world.sources,
      fusion: {
        ...world.sources.fusion,
        getEngagement: async (keys: readonly string[], o: Parameters<typeof world.sources.fusion.getEngagement>[1]) =>
          new Map(
            [...(await world.sources.fusion.getEngagement(keys, o))].map(([k, v], i) => [
              k,
              i % 2 ? ({ garbage: true } as never) : v,
            ]),
          ),
      },
    };
    const { pulse, count } = make({ sources: halfBroken, config: { cache: { staleGraceMs: 0 } } });
    expect((await pulse.getScenePulse(SCENE)).status).toBe('degraded');
    const calls = count('getEngagement');
    vi.advanceTimersByTime(14_999);
    await pulse.getScenePulse(SCENE);
    expect(count('getEngagement')).toBe(calls);
    vi.advanceTimersByTime(2);
    await pulse.getScenePulse(SCENE);
    expect(count('getEngagement')).toBe(2 * calls);
    // A healthy pulse is kept for the full TTL.
    const healthy = make({ config: { cache: { staleGraceMs: 0 } } });
    await healthy.pulse.getScenePulse(SCENE);
    vi.advanceTimersByTime(TTL - 1);
    await healthy.pulse.getScenePulse(SCENE);
    expect(healthy.count('getEngagement')).toBe(1);
  });

  it('the global pulse is cached for 10 minutes, past the scene pulses', async () => {
    const { pulse, count } = make({ config: { cache: { staleGraceMs: 0 } } });
    const first = await pulse.getGlobalPulse();
    const reads = count();
    vi.advanceTimersByTime(TTL + 60_000); // scene pulses expired, the global one has not
    expect(await pulse.getGlobalPulse()).toBe(first);
    expect(count()).toBe(reads);
    vi.advanceTimersByTime(600_000 - TTL - 60_000);
    const second = await pulse.getGlobalPulse();
    expect(second.timestamp).toBe(new Date(NOW.getTime() + 600_000).toISOString());
    expect(count()).toBeGreaterThan(reads);
    const before = count();
    await pulse.getGlobalPulse({ skipCache: true });
    expect(count()).toBeGreaterThan(before); // skipCache reaches the scene pulses too
  });

  it('refresh drops cached pulses', async () => {
    const { radar, pulse, count } = make();
    await pulse.getScenePulse(SCENE);
    await radar.refresh();
    const before = count('getEngagement');
    await pulse.getScenePulse(SCENE);
    expect(count('getEngagement')).toBe(before + 1);
  });

  it("uses the host's cache store, under the engine's namespace", async () => {
    const store = lruCacheStore<unknown>();
    const keys: string[] = [];
    const spy: CacheStore<unknown> = {
      ...store,
      set: (key, entry) => {
        keys.push(key);
        return store.set(key, entry);
      },
    };
    const { pulse, count } = make({ store: spy });
    await pulse.getScenePulse(SCENE);
    expect(keys).toEqual([`scenes@${SDK_VERSION}:pulse:${SCENE}`]);
    const reads = count();
    const again = make({ store: spy }); // a second instance sharing the store serves the hit
    await again.pulse.getScenePulse(SCENE);
    expect(again.count()).toBe(0);
    expect(count()).toBe(reads);
  });

  it('close aborts the source calls in flight, reads nothing afterwards, and is idempotent', async () => {
    const { radar, pulse, count } = make({ sources: createMemorySources(world.dataset, { latencyMs: 1000 }) });
    let settled = false;
    const pending = pulse.getScenePulse(SCENE).then(
      (p) => p.status,
      () => 'rejected',
    );
    void pending.finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(count()).toBeGreaterThan(0);
    await radar.close();
    await vi.advanceTimersByTimeAsync(0); // no source latency elapsed: only the abort can settle it
    expect(settled).toBe(true);
    expect(await pending).not.toBe('ok');
    const reads = count();
    await pulse.getScenePulse(OTHER).catch(() => undefined);
    expect(count()).toBe(reads);
    await radar.close();
  });
});

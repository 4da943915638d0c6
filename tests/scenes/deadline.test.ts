/**
 * Deadlines propagate: a batch, regional or global pulse that runs out of time returns the scenes it
 * finished, each marked ok / stale / timeout, and never rejects. Sources are per-item and slow
 * (fake timers), so a 100-scene pulse cannot finish inside its deadline.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar, type SceneRadarSources } from 'scene-radar';
import { memoryScenesStores, type ScenesStores } from 'scene-radar/stores';
import { createDemoWorld, createMemorySources } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 300, end: '2026-11-24' });
/** Latency of every source call (fake ms); sources take one key per call, ten calls at a time. */
const L = 100;

let stores: ScenesStores;
let members: Map<string, string[]>;
beforeAll(async () => {
  stores = memoryScenesStores();
  const r = createSceneRadar({ sources: world.sources, stores: { scenes: stores }, clock: fixedClock(NOW) });
  await r.scenes.importCatalog(world.catalog);
  await r.refresh();
  await r.close();
  members = new Map(world.catalog.scenes.map((s) => [s.slug, []]));
  for (const m of await stores.scene_memberships.scan()) members.get(m.scene_slug)!.push(m.artist_slug);
});
beforeEach(() => vi.useFakeTimers({ now: NOW }));
afterEach(() => vi.useRealTimers());

function slowRadar(
  timeoutMs: number,
  sources: SceneRadarSources = createMemorySources(world.dataset, { latencyMs: L, maxBatchSize: 1 }),
): SceneRadar {
  return createSceneRadar({
    sources,
    stores: { scenes: stores },
    config: { scenes: { globalPulseTimeoutMs: timeoutMs, scenePulseTimeoutMs: timeoutMs } },
  });
}

/**
 * A deadline that lets about half of the reads behind `slugs` finish. A probe run without a
 * deadline counts the calls each source gets; calls run ten at a time (the default concurrency),
 * one key each, so a source needs ceil(calls / 10) waves of L ms.
 */
async function halfway(slugs: readonly string[]): Promise<number> {
  const calls = new Map<string, number>();
  const slow = createMemorySources(world.dataset, { latencyMs: L, maxBatchSize: 1 });
  const counted = <T extends object>(name: string, adapter: T): T =>
    new Proxy(adapter, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.set(name, (calls.get(name) ?? 0) + 1);
          return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        };
      },
    });
  const probe = slowRadar(86_400_000, {
    mig: counted('mig', slow.mig),
    cmg: counted('cmg', slow.cmg),
    fusion: counted('fusion', slow.fusion),
  });
  const items = await within(3_600_000, () => probe.scenes.pulse.batchProcessScenes(slugs));
  expect(items.every((i) => i.status === 'ok')).toBe(true);
  await probe.close();
  const waves = Math.max(...[...calls.values()].map((c) => Math.ceil(c / 10)));
  expect(waves).toBeGreaterThanOrEqual(4);
  return Math.floor(waves / 2) * L + L / 2;
}

/** Runs `work` to its end, advancing fake time by `ms` (never rejecting is part of what is tested). */
async function within<T>(ms: number, work: () => Promise<T>): Promise<T> {
  const pending = work();
  await vi.advanceTimersByTimeAsync(ms);
  return pending;
}

describe('deadline mid-batch', () => {
  // A small scene first, then the four biggest: the small one finishes, the big ones cannot.
  const pick = (): string[] => {
    const bySize = [...members]
      .filter(([, m]) => m.length > 0)
      .sort((a, b) => a[1].length - b[1].length || (a[0] < b[0] ? -1 : 1));
    const small = bySize.find(([, m]) => m.length >= 2)![0];
    return [small, ...bySize.slice(-4).map(([s]) => s)];
  };

  it('batchProcessScenes returns the scenes it finished and marks the others timeout', async () => {
    const slugs = pick();
    const deadline = await halfway(slugs);
    const radar = slowRadar(deadline);
    const items = await within(deadline, () => radar.scenes.pulse.batchProcessScenes(slugs));
    expect(items.map((i) => i.slug)).toEqual(slugs);
    const statuses = items.map((i) => i.status);
    expect(
      statuses.every((s) => s === 'ok' || s === 'timeout'),
      statuses.join(),
    ).toBe(true);
    expect(statuses[0]).toBe('ok');
    expect(statuses).toContain('timeout');
    for (const i of items) {
      if (i.status === 'ok') expect(i.pulse!.sources.fusion!.timeout).toBe(0);
      else {
        expect(i.pulse).toBeUndefined();
        expect(i.message).toMatch(/deadline/i);
      }
    }
    await radar.close();
  });

  it('a scene that times out is served its last good pulse, marked stale', async () => {
    const slugs = pick();
    const deadline = await halfway(slugs);
    const radar = slowRadar(deadline);
    const first = await within(deadline, () => radar.scenes.pulse.batchProcessScenes(slugs));
    const [small] = slugs;
    const good = first[0]!.pulse!;
    // Asked again, last this time: the deadline passes before its members are read.
    const reversed = [...slugs].reverse();
    const second = await within(deadline, () => radar.scenes.pulse.batchProcessScenes(reversed, { skipCache: true }));
    const item = second.find((i) => i.slug === small)!;
    expect(item.status).toBe('stale');
    expect(item.pulse).toEqual({ ...good, stale: { reason: item.message, at: expect.any(String) } });
    expect(second.map((i) => i.status).every((s) => s === 'ok' || s === 'stale' || s === 'timeout')).toBe(true);
    expect(second[0]!.status).toBe('ok'); // what timed out before, asked first, now finishes
    await radar.close();
  });

  it('getScenePulse raises SCENES_TIMEOUT only when nothing useful exists', async () => {
    const [big] = pick().slice(-1);
    const radar = slowRadar(L / 2);
    const check = expect(radar.scenes.pulse.getScenePulse(big!)).rejects.toMatchObject({
      code: 'SCENES_TIMEOUT',
      httpStatus: 504,
    });
    await vi.advanceTimersByTimeAsync(L);
    await check;
    await radar.close();
  });

  it('the global pulse returns what finished, with a summary, never failing whole', async () => {
    const all = world.catalog.scenes.map((s) => s.slug);
    const deadline = await halfway(all);
    const radar = slowRadar(deadline);
    const g = await within(deadline, () => radar.scenes.pulse.getGlobalPulse({ limit: 100 }));
    expect(g.summary.scenes).toBe(70);
    expect(g.summary.ok).toBeGreaterThan(0);
    expect(g.summary.timeout).toBeGreaterThan(0);
    expect(g.summary.ok + g.summary.timeout + g.summary.stale + g.summary.error).toBe(70);
    expect(g.hottest).toHaveLength(g.summary.ok + g.summary.stale);
    // A partial answer is cached, but only for degradedTtlMs.
    expect(await radar.scenes.pulse.getGlobalPulse({ limit: 100 })).toBe(g);
    vi.advanceTimersByTime(radar.config.scenes.degradedTtlMs + radar.config.cache.staleGraceMs);
    const again = await within(deadline, () => radar.scenes.pulse.getGlobalPulse({ limit: 100 }));
    expect(again).not.toBe(g);
    expect(again.summary.ok + again.summary.stale).toBeGreaterThanOrEqual(g.summary.ok); // finished scenes are cached now
    await radar.close();
  });

  it('the regional pulse lists the unavailable scenes beside the ranked ones', async () => {
    const uk = world.catalog.scenes.filter((s) => s.region === 'uk').map((s) => s.slug);
    const deadline = await halfway(uk);
    const radar = slowRadar(deadline);
    const r = await within(deadline, () => radar.scenes.pulse.getRegionalPulse('uk', { limit: 100 }));
    expect(r.scenes.length).toBeGreaterThan(0);
    expect(r.unavailable.length).toBeGreaterThan(0);
    expect(r.scenes.length + r.unavailable.length).toBe(uk.length);
    expect(r.unavailable.every((i) => i.status === 'timeout')).toBe(true);
    await radar.close();
  });
});

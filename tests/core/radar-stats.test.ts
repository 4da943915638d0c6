/**
 * `radar.stats()` and `onCacheEvent` over a real radar (demo world, in-memory sources): hits and
 * misses counted per namespace and summed, stale serves within grace, last good fallbacks,
 * evictions, no id in any label, cache events delivered, and a hook that throws or rejects
 * breaking nothing. The clock is a fixed one moved by hand: no timers, no wall time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadarOptions, type SceneRadarSources } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 120, end: '2026-11-24' });
const SCENE = 'indie-uk-brighton';
const SCENES = world.catalog.scenes.map((s) => s.slug);
const NAMESPACES = ['scenes', 'scenes-as-of', 'scenes-replays', 'talent'];
const signal = new AbortController().signal;

type HostStore = NonNullable<NonNullable<SceneRadarOptions['cache']>['store']>;

/** Fusion that can be switched off (every call rejects), for the last good fallback. */
function switchable(sources: SceneRadarSources): { sources: SceneRadarSources; down: { fusion: boolean } } {
  const down = { fusion: false };
  const fusion = sources.fusion!;
  return {
    down,
    sources: {
      ...sources,
      fusion: new Proxy(fusion, {
        get(target, prop, receiver) {
          const value: unknown = Reflect.get(target, prop, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) =>
            down.fusion
              ? Promise.reject(new Error('fusion down'))
              : Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        },
      }),
    },
  };
}

/** A radar over the demo world with its scene catalog imported and the Scenes Engine refreshed. */
async function ready(options: Partial<SceneRadarOptions> = {}) {
  const clock = fixedClock(NOW);
  const radar = createSceneRadar({ sources: world.sources, clock, ...options });
  await radar.scenes.importCatalog(world.catalog);
  await radar.scenes.refresh(NOW);
  return { radar, clock };
}

let shared: Awaited<ReturnType<typeof ready>>;
beforeAll(async () => {
  shared = await ready();
}, 60_000);
afterAll(async () => {
  await shared.radar.close();
});

describe('radar.stats()', () => {
  it('names every cache of the radar by what it holds, never by an artist or a scene', async () => {
    const { cache } = shared.radar.stats();
    expect(Object.keys(cache.namespaces).sort()).toEqual(NAMESPACES);
    await shared.radar.scenes.pulse.getScenePulse(SCENE);
    const text = JSON.stringify(shared.radar.stats());
    for (const slug of [...SCENES, ...world.dataset.artistSlugs()]) expect(text).not.toContain(`"${slug}"`);
  });

  it('counts scene pulse misses then hits, and sums the namespaces into the totals and the hit rate', async () => {
    const { radar } = shared;
    const other = SCENES.find((s) => s !== SCENE)!;
    const before = radar.stats().cache.namespaces.scenes!;
    await radar.scenes.pulse.getScenePulse(other, true);
    await radar.scenes.pulse.getScenePulse(other);
    await radar.scenes.pulse.getScenePulse(other);
    const after = radar.stats().cache;
    const scenes = after.namespaces.scenes!;
    expect(scenes.misses - before.misses).toBe(1);
    expect(scenes.bypassed - before.bypassed).toBe(1);
    expect(scenes.hits - before.hits).toBe(2);
    expect(scenes.size).toBeGreaterThan(0);
    expect(scenes.hitRate).toBeCloseTo((scenes.hits + scenes.stale) / (scenes.hits + scenes.stale + scenes.misses));
    const all = Object.values(after.namespaces);
    const sum = (k: 'hits' | 'misses' | 'stale' | 'fallbacks') => all.reduce((n, s) => n + s[k], 0);
    expect(after.hits).toBe(sum('hits'));
    expect(after.misses).toBe(sum('misses'));
    expect(after.stale).toBe(sum('stale'));
    expect(after.fallbacks).toBe(sum('fallbacks'));
    expect(after.size).toBe(all.reduce((n, s) => n + (s.size ?? 0), 0));
    expect(after.hitRate).toBeCloseTo((after.hits + after.stale) / (after.hits + after.stale + after.misses));
  });

  it('counts the as-of pulses the Talent Radar reads, and the talent results', async () => {
    const { radar } = shared;
    const asOf = { asOf: new Date(NOW.getTime() - 3_600_000), signal };
    const before = radar.stats().cache.namespaces;
    await radar.scenesAdapter.getScenePulses([SCENE], asOf);
    await radar.scenesAdapter.getScenePulses([SCENE], asOf);
    const asOfStats = radar.stats().cache.namespaces['scenes-as-of']!;
    expect(asOfStats.misses - before['scenes-as-of']!.misses).toBe(1);
    expect(asOfStats.hits - before['scenes-as-of']!.hits).toBe(1);
    // A profile (computed once, then served) whatever the artist's evidence: an error is not cached.
    const artist = world.dataset.artistSlugs()[0]!;
    const first = await radar.talent.aggregator.buildArtistProfile(artist).then(
      () => true,
      () => false,
    );
    await radar.talent.aggregator.buildArtistProfile(artist).catch(() => undefined);
    const talent = radar.stats().cache.namespaces.talent!;
    expect(talent.misses - before.talent!.misses).toBe(first ? 1 : 2);
    expect(talent.hits - before.talent!.hits).toBe(first ? 1 : 0);
  });

  it('counts a stale serve within grace, then a fallback to the last good pulse when Fusion fails', async () => {
    const sw = switchable(world.sources);
    const { radar, clock } = await ready({ sources: sw.sources });
    await radar.scenes.pulse.getScenePulse(SCENE);
    clock.advance(radar.config.scenes.scenePulseTtlMs + 1); // past the TTL, inside the grace
    expect((await radar.scenes.pulse.getScenePulse(SCENE)).scene_slug).toBe(SCENE);
    expect(radar.stats().cache.namespaces.scenes!.stale).toBe(1);
    await radar.scenes.pulse.clearCache(SCENE); // the cached pulse goes; its last good one stays
    sw.down.fusion = true;
    const [item] = await radar.scenes.pulse.batchProcessScenes([SCENE]);
    expect(item!.status).toBe('stale');
    const scenes = radar.stats().cache.namespaces.scenes!;
    expect(scenes.fallbacks).toBe(1);
    expect(scenes.lastGood).toBeGreaterThan(0);
    await radar.close();
  });

  it('counts evictions of a bounded cache', async () => {
    const { radar } = await ready({ config: { cache: { maxEntries: 2 } } });
    await radar.scenes.pulse.batchProcessScenes(SCENES.slice(0, 6));
    const scenes = radar.stats().cache.namespaces.scenes!;
    expect(scenes.evictions).toBeGreaterThan(0);
    expect(radar.stats().cache.evictions).toBeGreaterThanOrEqual(scenes.evictions!);
    await radar.close();
  });
});

describe('onCacheEvent', () => {
  /** A host store that keeps nothing: every write throws. */
  const failingStore = (): HostStore => {
    const held = new Map<string, never>();
    return {
      get: () => undefined,
      set: () => {
        throw new Error('store down');
      },
      delete: (k) => held.delete(k),
      clear: () => held.clear(),
      size: () => 0,
      close: () => undefined,
    };
  };

  it("receives the caches' events, with the namespace of the cache", async () => {
    const events: { type: string; namespace: string }[] = [];
    const { radar } = await ready({
      cache: { store: failingStore() },
      onCacheEvent: (e) => events.push({ type: e.type, namespace: e.namespace }),
    });
    const pulse = await radar.scenes.pulse.getScenePulse(SCENE);
    expect(pulse.scene_slug).toBe(SCENE);
    expect(events).toContainEqual({ type: 'store_error', namespace: 'scenes' });
    // On the host's store, a namespace's size is not its own: only the total counts the store.
    expect(radar.stats().cache.namespaces.scenes).toMatchObject({ shared: true, size: undefined });
    await radar.close();
  });

  it('a hook that throws, or an async one that rejects, breaks nothing', async () => {
    const calls = [0, 0];
    for (const hook of [
      () => {
        calls[0]!++;
        throw new Error('faulty hook');
      },
      async () => {
        calls[1]!++;
        throw new Error('faulty async hook');
      },
    ]) {
      const { radar } = await ready({ cache: { store: failingStore() }, onCacheEvent: hook });
      expect((await radar.scenes.pulse.getScenePulse(SCENE)).scene_slug).toBe(SCENE);
      expect((await radar.scenes.pulse.getScenePulse(SCENE)).scene_slug).toBe(SCENE);
      expect(radar.stats().cache.namespaces.scenes!.misses).toBeGreaterThanOrEqual(2);
      await radar.close();
    }
    // Each hook was called (and threw or rejected) at least once.
    expect(calls[0]).toBeGreaterThan(0);
    expect(calls[1]).toBeGreaterThan(0);
  });
});

/**
 * Hostile review 35: the radar as a whole (createSceneRadar, radar.refresh(), close(), the
 * read-only facade, hooks). Each test asserts the documented (or, where the docs are silent, the
 * expected) behaviour and fails on the current code.
 */
import { describe, expect, it } from 'vitest';
import { createDemoWorld, memoryScenesStores, memoryTalentStores } from '../../adapters/memory/index.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import { lruCacheStore, type CacheStore } from '../../src/core/cache/cache-store.js';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/config.js';

const NOW = '2026-11-25T00:00:00.000Z';
const AT = new Date(NOW);
const DAY = 86_400_000;

/** The code a promise rejects with, `resolved`, or the raw value's text when it has no code. */
const codeOf = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e as { code?: string })?.code ?? `raw: ${String(e)}`,
  );

async function demoRadar(extra: Partial<Parameters<typeof createSceneRadar>[0]> = {}) {
  const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
  const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW), ...extra });
  await radar.scenes.importCatalog(world.catalog);
  return { world, radar };
}

describe('hostile review 35: radar.refresh()', () => {
  it('runs both engines as of the instant it was called with, even when the caller reuses and changes its Date afterwards', async () => {
    const { radar } = await demoRadar();
    try {
      // A scheduler that keeps one Date and moves it for its next run.
      const when = new Date(NOW);
      const refreshing = radar.refresh(when);
      when.setTime(AT.getTime() - 3_600_000);
      const report = await refreshing;
      expect(report.scenes.asOf).toBe(NOW);
      expect(report.talent.asOf).toBe(NOW);
      expect(radar.talent.refreshedAsOf).toBe(NOW);
      expect(await radar.scenes.refreshedAsOf()).toBe(NOW);
    } finally {
      await radar.close();
    }
  });

  it('a refresh refused for its instant writes nothing: the Scenes Engine is not moved when the Talent Radar refuses (here after the read-only facade warmed a cold radar)', async () => {
    const { radar } = await demoRadar();
    try {
      // A&R Radar reads first: the cold radar computes its Talent records as of now (docs/integration-boundaries.md).
      await radar.readOnly.getGlobalPulse({ limit: 5 });
      expect(radar.talent.refreshedAsOf).toBe(NOW);
      expect(await radar.scenes.refreshedAsOf()).toBeNull();
      // The host's refresh as of yesterday's close: the Talent Radar refuses it...
      const yesterday = new Date(AT.getTime() - DAY);
      expect(await codeOf(radar.refresh(yesterday))).toBe('TALENT_INVALID_PARAMS');
      // ...and the refused call must not have rewritten the Scenes Engine's tables as of yesterday.
      expect(await radar.scenes.refreshedAsOf()).toBeNull();
      expect((await radar.scenes.listMemberships({ limit: 10 })).total).toBe(0);
    } finally {
      await radar.close();
    }
  });

  it('an aborted `signal` stops the refresh (as radar.talent.refresh does) instead of being ignored', async () => {
    const { radar } = await demoRadar();
    try {
      const controller = new AbortController();
      controller.abort();
      const options = { signal: controller.signal } as unknown as Parameters<typeof radar.refresh>[1];
      expect(await codeOf(radar.talent.refresh(AT, { signal: controller.signal }))).toBe('TALENT_TIMEOUT');
      const code = await codeOf(radar.refresh(AT, options));
      expect(['TALENT_TIMEOUT', 'SCENES_TIMEOUT']).toContain(code);
      expect(await radar.scenes.refreshedAsOf()).toBeNull();
      expect(radar.talent.refreshedAsOf).toBeNull();
    } finally {
      await radar.close();
    }
  });

  it('refuses the arguments its engines refuse (a null instant, options that are not an object or cannot be read) with their validation codes, writing nothing', async () => {
    const { radar } = await demoRadar();
    try {
      const refresh = radar.refresh as (asOf?: unknown, options?: unknown) => Promise<unknown>;
      // The engines refuse each of these.
      expect(await codeOf(radar.scenes.refresh(null as never))).toBe('SCENES_VALIDATION_ERROR');
      expect(await codeOf(radar.talent.refresh(undefined, 'fast' as never))).toBe('TALENT_VALIDATION_ERROR');
      // The radar's refresh must too, not refresh as of now.
      expect(await codeOf(refresh(null))).toMatch(/_VALIDATION_ERROR$/);
      expect(await codeOf(refresh(undefined, 'fast'))).toMatch(/_VALIDATION_ERROR$/);
      const unreadable = {
        get onProgress(): never {
          throw new Error('host getter');
        },
      };
      expect(await codeOf(refresh(undefined, unreadable))).toMatch(/_VALIDATION_ERROR$/);
      expect(await radar.scenes.refreshedAsOf()).toBeNull();
      expect(radar.talent.refreshedAsOf).toBeNull();
    } finally {
      await radar.close();
    }
  });
});

describe('hostile review 35: close()', () => {
  it("aborts a host feature's read in flight: its signal aborts and the refresh rejects RADAR_CLOSED at once, not after signalTimeoutMs", async () => {
    let reached!: () => void;
    const inRead = new Promise<void>((r) => (reached = r));
    let seen: AbortSignal | undefined;
    const { radar } = await demoRadar({
      config: { talent: { signalTimeoutMs: 4_000 } },
      hostFeatures: [
        {
          name: 'hung-warehouse',
          source: 'a warehouse that never answers',
          read: (_slugs, { signal }) => {
            seen = signal;
            reached();
            return new Promise<never>(() => undefined);
          },
        },
      ],
    });
    await radar.scenes.refresh(AT);
    const refreshing = codeOf(radar.talent.refresh(AT));
    await inRead;
    const closedAt = Date.now();
    await radar.close();
    const outcome = await Promise.race([
      refreshing,
      new Promise<string>((r) => setTimeout(() => r('still pending 1 s after close()'), 1_000)),
    ]);
    expect(seen?.aborted).toBe(true);
    expect(outcome).toBe('RADAR_CLOSED');
    expect(Date.now() - closedAt).toBeLessThan(1_000);
  });

  it("of one instance leaves the entries of a store shared with other instances (one with onInvalidate, as the Redis tier): the Talent Radar's cache is not cleared for everyone", async () => {
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    const stores = { scenes: memoryScenesStores(), talent: memoryTalentStores() };
    const inner = lruCacheStore<unknown>();
    const shared: CacheStore<unknown> = {
      get: (k) => inner.get(k),
      set: (k, e) => inner.set(k, e),
      delete: (k) => inner.delete(k),
      clear: (prefix) => inner.clear(prefix),
      size: () => inner.size(),
      close: () => undefined,
      onInvalidate: () => () => undefined,
    };
    const make = () =>
      createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW), cache: { store: shared } });
    const [a, b] = [make(), make()];
    try {
      await a.scenes.importCatalog(world.catalog);
      await a.refresh(AT);
      const pulse = await a.talent.aggregator.buildGlobalPulse({ limit: 5 });
      expect(await b.talent.aggregator.buildGlobalPulse({ limit: 5 })).toEqual(pulse);
      const held = inner.size();
      // One instance shuts down (a rolling deploy).
      await b.close();
      expect(inner.size()).toBe(held);
      const misses = a.stats().cache.namespaces.talent!.misses;
      await a.talent.aggregator.buildGlobalPulse({ limit: 5 });
      expect(a.stats().cache.namespaces.talent!.misses).toBe(misses);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('hostile review 35: resolved configuration', () => {
  it("one radar's configuration shares no object with another radar's or with DEFAULT_CONFIG: a change to one (radar.config is handed out) cannot move the thresholds of every other radar", async () => {
    const world = createDemoWorld({ artists: 5, end: '2026-11-24' });
    const a = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    const b = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    try {
      try {
        // A host tuning radar A only (a frozen configuration may refuse the write: that is fine too).
        (a.config.talent.thresholds.momentum as { rising: number }).rising = 95;
        (a.config.talent.thresholds.risk as { high: number }).high = 0.1;
      } catch {
        // refused: nothing changed anywhere
      }
      expect(b.config.talent.thresholds.momentum.rising).toBe(70);
      expect(b.config.talent.thresholds.risk.high).toBe(0.6);
      expect(DEFAULT_CONFIG.talent.thresholds.momentum.rising).toBe(70);
      expect(resolveConfig().talent.thresholds.risk.high).toBe(0.6);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('hostile review 35: the read-only facade', () => {
  it("rejects options it cannot read with TALENT_VALIDATION_ERROR, as the aggregator behind it does, never a synchronous throw of the host's own error", async () => {
    const { radar } = await demoRadar();
    try {
      const unreadable = {
        get limit(): never {
          throw new Error('host getter');
        },
        get category(): never {
          throw new Error('host getter');
        },
      };
      expect(await codeOf(radar.talent.aggregator.getTopArtists(unreadable as never))).toBe('TALENT_VALIDATION_ERROR');
      const call = (f: () => Promise<unknown>): Promise<string> => {
        let p: Promise<unknown>;
        try {
          p = f();
        } catch (e) {
          return Promise.resolve(`threw synchronously: ${String(e)}`);
        }
        return codeOf(p);
      };
      expect(await call(() => radar.readOnly.getTopArtists(unreadable as never))).toBe('TALENT_VALIDATION_ERROR');
      expect(await call(() => radar.readOnly.getGlobalPulse(unreadable as never))).toBe('TALENT_VALIDATION_ERROR');
      expect(
        await call(() =>
          radar.readOnly.getWorkspaceRecommendations('6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f', unreadable as never),
        ),
      ).toBe('TALENT_VALIDATION_ERROR');
    } finally {
      await radar.close();
    }
  });
});

/**
 * Refreshes of one radar run one at a time, and never as of an instant before the last one's: the
 * tables hold the state as of the last refresh, and an earlier refresh used to leave rows dated
 * after its own instant in them (memberships joined later, Talent records of artists not yet in
 * the universe), served without a stale note.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, isSceneRadarError } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { memoryScenesStores, memoryTalentStores } from 'scene-radar/stores';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const EARLIER = new Date(NOW.getTime() - 400 * 86_400_000);

/** Two radars over the same stores, as two instances would be, the catalog imported. */
async function twoInstances() {
  const world = createDemoWorld({ artists: 60, end: '2026-11-24' });
  const stores = { scenes: memoryScenesStores(), talent: memoryTalentStores() };
  const make = () => createSceneRadar({ sources: world.sources, stores, clock: { now: () => NOW.getTime() } });
  const [a, b] = [make(), make()];
  await a.scenes.importCatalog(world.catalog);
  return { stores, a, b };
}

/** The radar's clock: NOW, moved by the tests. */
let clockMs = NOW.getTime();

async function radarOf() {
  clockMs = NOW.getTime();
  const world = createDemoWorld({ artists: 60, end: '2026-11-24' });
  const radar = createSceneRadar({ sources: world.sources, clock: { now: () => clockMs } });
  await radar.scenes.importCatalog(world.catalog);
  return radar;
}

async function codeOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (e) {
    if (!isSceneRadarError(e)) throw e;
    return e.code;
  }
}

describe('refresh order', () => {
  it('a refresh as of an instant before the last one is refused, and the tables stay as they were', async () => {
    const radar = await radarOf();
    try {
      await radar.refresh(NOW);
      const memberships = await radar.scenes.listMemberships({ limit: 10_000 });
      const scores = await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 100 });
      expect(await codeOf(radar.refresh(EARLIER))).toBe('SCENES_INVALID_PARAMS');
      expect(await codeOf(radar.scenes.refresh(EARLIER))).toBe('SCENES_INVALID_PARAMS');
      expect(await codeOf(radar.talent.refresh(EARLIER))).toBe('TALENT_INVALID_PARAMS');
      expect(await radar.scenes.listMemberships({ limit: 10_000 })).toEqual(memberships);
      expect(await radar.scenes.refreshedAsOf()).toBe(NOW.toISOString());
      expect(radar.talent.refreshedAsOf).toBe(NOW.toISOString());
      expect((await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 100 })).artists).toEqual(
        scores.artists,
      );
      // The same instant again, or a later one, is a refresh like any other.
      await expect(radar.refresh(NOW)).resolves.toBeDefined();
      const later = new Date(NOW.getTime() + 86_400_000);
      clockMs = later.getTime();
      await radar.refresh(later);
      expect(radar.talent.refreshedAsOf).toBe(later.toISOString());
    } finally {
      await radar.close();
    }
  });

  it('the refusal says which instants, in its message and details', async () => {
    const radar = await radarOf();
    try {
      await radar.talent.refresh(NOW);
      const error = await radar.talent.refresh(EARLIER).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({
        code: 'TALENT_INVALID_PARAMS',
        httpStatus: 400,
        details: { asOf: EARLIER.toISOString(), lastRefreshAsOf: NOW.toISOString() },
      });
      expect((error as Error).message).toMatch(/last refresh was as of 2026-11-25T00:00:00.000Z/);
    } finally {
      await radar.close();
    }
  });

  it('concurrent refreshes run one after another: the later instant first, then the earlier one is refused', async () => {
    const radar = await radarOf();
    try {
      const [first, second] = await Promise.allSettled([radar.refresh(NOW), radar.refresh(EARLIER)]);
      expect(first.status).toBe('fulfilled');
      expect(second.status).toBe('rejected');
      expect((second as PromiseRejectedResult).reason).toMatchObject({ code: 'SCENES_INVALID_PARAMS' });
      // Both engines as of NOW, and no row dated otherwise.
      expect(await radar.scenes.refreshedAsOf()).toBe(NOW.toISOString());
      expect(radar.talent.refreshedAsOf).toBe(NOW.toISOString());
      const { items } = await radar.scenes.listMemberships({ limit: 10_000 });
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((m) => m.as_of === NOW.toISOString())).toBe(true);
      // In time order, both run in full, one after the other.
      clockMs = NOW.getTime() + 2000;
      const [a, b] = await Promise.all([
        radar.talent.refresh(new Date(NOW.getTime() + 1000)),
        radar.talent.refresh(new Date(NOW.getTime() + 2000)),
      ]);
      expect([a.asOf, b.asOf]).toEqual([
        new Date(NOW.getTime() + 1000).toISOString(),
        new Date(NOW.getTime() + 2000).toISOString(),
      ]);
      expect(radar.talent.refreshedAsOf).toBe(new Date(NOW.getTime() + 2000).toISOString());
    } finally {
      await radar.close();
    }
  });

  it('a refresh as of the future is refused (the sources know nothing of it: every record would go), within a clock skew', async () => {
    const radar = await radarOf();
    try {
      await radar.refresh(NOW);
      const tracked = (await radar.talent.aggregator.buildGlobalPulse({ limit: 1 })).summary.totalArtistsTracked;
      expect(tracked).toBeGreaterThan(0);
      const future = new Date(NOW.getTime() + 10 * 86_400_000);
      expect(await codeOf(radar.refresh(future))).toBe('SCENES_INVALID_PARAMS');
      expect(await codeOf(radar.talent.refresh(future))).toBe('TALENT_INVALID_PARAMS');
      expect(await codeOf(radar.talent.planRefresh(future))).toBe('TALENT_INVALID_PARAMS');
      // Nothing changed, and the next refresh as of the clock runs.
      expect(radar.talent.refreshedAsOf).toBe(NOW.toISOString());
      const again = await radar.refresh(new Date(NOW.getTime() + 60_000)); // one minute ahead: a clock skew
      expect(again.talent.asOf).toBe(new Date(NOW.getTime() + 60_000).toISOString());
      const report = await radar.refresh(); // as of the clock, a minute behind the last one: taken
      expect(report.talent.scored).toBeGreaterThan(0);
    } finally {
      await radar.close();
    }
  });

  it('an instant outside the years 1000-9999 is a validation error, never a raw RangeError or TypeError', async () => {
    const radar = await radarOf();
    try {
      for (const at of [new Date(-8.64e15), new Date(NOW.getTime() * 1000)]) {
        expect(await codeOf(radar.refresh(at))).toBe('SCENES_VALIDATION_ERROR');
        expect(await codeOf(radar.talent.scoreArtists(['x'], { asOf: at }))).toBe('TALENT_VALIDATION_ERROR');
      }
    } finally {
      await radar.close();
    }
  });

  it('two instances over the same stores refreshing at once never leave the tables at the earlier instant', async () => {
    const { stores, a, b } = await twoInstances();
    try {
      await a.scenes.refresh(NOW);
      const earlier = new Date(NOW.getTime() - 2 * 86_400_000);
      const [late, early] = await Promise.allSettled([a.talent.refresh(NOW), b.talent.refresh(earlier)]);
      expect(late.status).toBe('fulfilled');
      // The earlier one either ran first (then the later one replaced it) or was refused at its write.
      if (early.status === 'rejected') expect(early.reason).toMatchObject({ code: 'TALENT_INVALID_PARAMS' });
      const [state] = await stores.talent.talent_radar_state.getMany([{ name: 'last-refresh' }]);
      expect((state!.value as { asOf: string }).asOf).toBe(NOW.toISOString());
      const rows = await stores.talent.talent_radar_artists.scan();
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.as_of === NOW.toISOString())).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a few minutes behind the last refresh (another clock) runs as of the last instant: refreshes never step back', async () => {
    const radar = await radarOf();
    try {
      await radar.refresh(NOW);
      for (let k = 1; k <= 3; k++) {
        // 1.5, 3 and 4.5 minutes behind: each within the skew of the last instant, which stays NOW.
        const report = await radar.refresh(new Date(NOW.getTime() - k * 90_000));
        expect(report.scenes.asOf).toBe(NOW.toISOString());
        expect(report.talent.asOf).toBe(NOW.toISOString());
      }
      expect(await radar.scenes.refreshedAsOf()).toBe(NOW.toISOString());
      expect(radar.talent.refreshedAsOf).toBe(NOW.toISOString());
    } finally {
      await radar.close();
    }
  });

  it('a refresh waiting behind another rejects with TALENT_TIMEOUT as soon as its signal aborts, and never runs', async () => {
    const radar = await radarOf();
    try {
      await radar.scenes.refresh(NOW);
      const first = radar.talent.refresh(NOW);
      const controller = new AbortController();
      const second = radar.talent.refresh(NOW, { signal: controller.signal });
      controller.abort(new Error('deadline'));
      const t0 = performance.now();
      await expect(second).rejects.toMatchObject({ code: 'TALENT_TIMEOUT' });
      const waited = performance.now() - t0;
      const report = await first;
      // The queued one gave up at once, before the first had finished.
      expect(waited).toBeLessThan(report.durationMs);
      expect(radar.talent.refreshedAsOf).toBe(NOW.toISOString());
    } finally {
      await radar.close();
    }
  });

  it("an instance's memory of the last refresh is read again: another instance's later refresh refuses its earlier one", async () => {
    const { a, b } = await twoInstances();
    try {
      const early = new Date(NOW.getTime() - 30 * 86_400_000);
      await a.refresh(early);
      expect(await b.scenes.refreshedAsOf()).toBe(early.toISOString()); // b remembers the early one
      await a.refresh(NOW);
      const before = await a.scenes.listMemberships({ limit: 10_000 });
      const mid = new Date(NOW.getTime() - 10 * 86_400_000);
      expect(await codeOf(b.scenes.refresh(mid))).toBe('SCENES_INVALID_PARAMS');
      expect(await codeOf(b.talent.refresh(mid))).toBe('TALENT_INVALID_PARAMS');
      expect(await a.scenes.listMemberships({ limit: 10_000 })).toEqual(before);
      expect(await b.scenes.refreshedAsOf()).toBe(NOW.toISOString());
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('after a refresh, the Scenes Engine knows its instant without an ordered scan of every membership', async () => {
    const world = createDemoWorld({ artists: 60, end: '2026-11-24' });
    const stores = { scenes: memoryScenesStores(), talent: memoryTalentStores() };
    const table = stores.scenes.scene_memberships;
    const scan = table.scan.bind(table);
    let asOfScans = 0;
    table.scan = (query) => {
      if (query?.orderBy?.column === 'as_of') asOfScans++;
      return scan(query);
    };
    const state = stores.scenes.scenes_state;
    const scanState = state.scan.bind(state);
    let stateReads = 0;
    state.scan = (query) => {
      stateReads++;
      return scanState(query);
    };
    const radar = createSceneRadar({ sources: world.sources, stores, clock: { now: () => NOW.getTime() } });
    try {
      await radar.scenes.importCatalog(world.catalog);
      const report = await radar.scenes.refresh(NOW);
      expect(report.memberships.memberships).toBeGreaterThan(0);
      asOfScans = 0;
      // The Talent Radar's refresh reads the memberships as of NOW (ScenesAdapter -> stateAsOf):
      // the state row, once per adapter call at most (another instance may have refreshed).
      expect(await radar.scenes.refreshedAsOf()).toBe(NOW.toISOString());
      stateReads = 0;
      await radar.talent.refresh(NOW);
      expect(asOfScans).toBe(0);
      expect(stateReads).toBeGreaterThan(0);
      expect(stateReads).toBeLessThanOrEqual(40);
      // The next refresh reads the state row first (another instance may have refreshed), never
      // the memberships: the row exists.
      stateReads = 0;
      await radar.scenes.refresh(NOW);
      expect(stateReads).toBeGreaterThan(0);
      expect(asOfScans).toBe(0);
    } finally {
      await radar.close();
    }
  });

  it("a refresh that read an empty universe computed the memberships (every scene empty): its instant is the memberships' instant", async () => {
    const world = createDemoWorld({ artists: 60, end: '2026-11-24' });
    const radar = createSceneRadar({
      sources: {
        ...world.sources,
        mig: { ...world.sources.mig, listArtists: async () => ({ items: [], nextCursor: null }) },
      },
      clock: { now: () => NOW.getTime() },
    });
    try {
      await radar.scenes.importCatalog(world.catalog);
      const report = await radar.scenes.refresh(NOW);
      expect(report.memberships.universe).toBe('ok');
      expect(report.memberships.memberships).toBe(0);
      expect(await radar.scenes.refreshedAsOf()).toBe(NOW.toISOString());
      const pulse = await radar.scenes.pulse.getScenePulse(world.catalog.scenes[0]!.slug);
      expect(pulse.heat).toBe(0);
      expect(pulse.memberships_as_of).toBe(NOW.toISOString());
    } finally {
      await radar.close();
    }
  });
});

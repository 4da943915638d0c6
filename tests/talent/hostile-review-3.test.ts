/**
 * Regressions for the defects a third hostile review of the Talent Radar found: calls a close()
 * cut short answered as if the sources had failed (or staged a shard of aborted reads), a sharded
 * finish mixed shards staged as of another instant and counted overlapping shards twice, and
 * workspace recommendations cut their candidates before the region factor and hid a failed
 * region read.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type MIGAdapter, type SceneRadarSources } from 'scene-radar';
import { createMemoryStores } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 80, end: '2026-11-24' });
const closed = expect.objectContaining({ code: 'RADAR_CLOSED' });

/** Every source method answers after `ms`, so a close() lands while reads are in flight. */
function slowSources(ms: number): SceneRadarSources {
  const slow = <T extends object>(adapter: T): T =>
    Object.fromEntries(
      Object.entries(adapter).map(([k, v]) => [
        k,
        typeof v === 'function'
          ? async (...a: unknown[]) => {
              await new Promise((r) => setTimeout(r, ms));
              return (v as (...x: unknown[]) => unknown)(...a);
            }
          : v,
      ]),
    ) as T;
  return Object.fromEntries(Object.entries(world.sources).map(([k, v]) => [k, slow(v as object)])) as SceneRadarSources;
}

async function universe(): Promise<string[]> {
  const page = await world.sources.mig.listArtists({ limit: 1000 }, {
    asOf: NOW,
    signal: new AbortController().signal,
  } as Parameters<MIGAdapter['listArtists']>[1]);
  return page.items.map((a) => a.slug);
}

describe('close() during a call', () => {
  it('refresh, planRefresh, refreshShard, scoreArtists, calibrate, the pulse and workspace recommendations reject RADAR_CLOSED and write nothing', async () => {
    const artists = (await universe()).slice(0, 20);
    const calls: Record<string, (r: ReturnType<typeof createSceneRadar>) => Promise<unknown>> = {
      refresh: (r) => r.talent.refresh(NOW),
      planRefresh: (r) => r.talent.planRefresh(NOW),
      refreshShard: (r) =>
        r.talent.refreshShard({
          refreshId: '00000000-0000-4000-8000-000000000001',
          asOf: NOW.toISOString(),
          index: 0,
          artists,
        }),
      scoreArtists: (r) => r.talent.scoreArtists(artists),
      calibrate: (r) =>
        r.talent.calibrate(artists.map((artistSlug, i) => ({ artistSlug, asOf: NOW, label: i % 2 === 0 }))),
      buildGlobalPulse: (r) => r.talent.aggregator.buildGlobalPulse(),
      getWorkspaceRecommendations: (r) => r.talent.aggregator.getWorkspaceRecommendations(world.workspaces[0]!.id),
    };
    for (const [name, call] of Object.entries(calls)) {
      const stores = createMemoryStores();
      const radar = createSceneRadar({ sources: slowSources(20), stores, clock: fixedClock(NOW) });
      const pending = call(radar);
      await radar.close();
      await expect(pending, name).rejects.toEqual(closed);
      expect(radar.talent.lastRefreshAttempt, name).toBeNull();
      expect(await stores.talent.talent_radar_refresh_shards.count(), name).toBe(0);
      expect(await stores.talent.talent_radar_artists.count(), name).toBe(0);
    }
  });
});

describe('finishRefresh over staged shards', () => {
  async function planned() {
    const stores = createMemoryStores();
    const radar = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    const plan = await radar.talent.planRefresh(NOW);
    return { radar, stores, plan };
  }

  it('refuses a shard staged as of another instant (TALENT_INVALID_PARAMS), writing nothing', async () => {
    const { radar, stores, plan } = await planned();
    const half = Math.ceil(plan.artists.length / 2);
    const { refreshId } = plan;
    await radar.talent.refreshShard({ refreshId, asOf: plan.asOf, index: 0, artists: plan.artists.slice(0, half) });
    await radar.talent.refreshShard({
      refreshId,
      asOf: '2026-06-01T00:00:00.000Z',
      index: 1,
      artists: plan.artists.slice(half),
    });
    await expect(radar.talent.finishRefresh({ refreshId, asOf: plan.asOf, shards: 2 })).rejects.toEqual(
      expect.objectContaining({ code: 'TALENT_INVALID_PARAMS' }),
    );
    // The plan's shards asked to finish as of another instant: refused too.
    await expect(
      radar.talent.finishRefresh({ refreshId, asOf: '2026-11-24T23:59:00.000Z', shards: 1 }),
    ).rejects.toEqual(expect.objectContaining({ code: 'TALENT_INVALID_PARAMS' }));
    expect(await stores.talent.talent_radar_artists.count()).toBe(0);
    expect(radar.talent.refreshedAsOf).toBeNull();
    await radar.close();
  });

  it('scores an artist staged by two overlapping shards once, as refresh() does', async () => {
    const { radar, plan } = await planned();
    const { refreshId } = plan;
    await radar.talent.refreshShard({ refreshId, asOf: plan.asOf, index: 0, artists: plan.artists });
    await radar.talent.refreshShard({ refreshId, asOf: plan.asOf, index: 1, artists: plan.artists.slice(0, 10) });
    const report = await radar.talent.finishRefresh({ refreshId, asOf: plan.asOf, shards: 2 });
    expect(report.artists).toBe(plan.artists.length);
    expect(report.scored + report.insufficient + report.kept).toBe(plan.artists.length);
    await radar.close();
  });
});

describe('workspace recommendations and home regions', () => {
  it('the top 1 is the head of the top 100 when the best candidates are outside the workspace regions', async () => {
    const records = await universe();
    const page = await world.sources.mig.getArtists(records, {
      asOf: NOW,
      signal: new AbortController().signal,
    } as Parameters<MIGAdapter['getArtists']>[1]);
    const count = new Map<string, number>();
    for (const o of page.values()) if (o) count.set(o.homeRegion, (count.get(o.homeRegion) ?? 0) + 1);
    // The rarest region: most candidates are outside it and score 0.7x.
    const rare = [...count].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    const results = [];
    for (const region of [...count.keys()].filter((r) => count.get(r)! <= count.get(rare)! + 1)) {
      const ws = {
        id: '00000000-0000-4000-8000-000000000002',
        name: 'w',
        scenes: world.catalog.scenes.map((s) => s.slug).slice(0, 100),
        microgenres: [],
        regions: [region],
        roster: [],
      };
      const sources = {
        ...world.sources,
        workspaces: { getWorkspaces: async (ids: readonly string[]) => new Map(ids.map((i) => [i, ws])) },
      };
      const radar = createSceneRadar({ sources, stores: createMemoryStores(), clock: fixedClock(NOW) });
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh(NOW);
      const all = await radar.talent.aggregator.getWorkspaceRecommendations(ws.id, { limit: 100 });
      for (const limit of [1, 2, 3]) {
        const top = await radar.talent.aggregator.getWorkspaceRecommendations(ws.id, { limit });
        results.push([
          region,
          limit,
          top.recommendations.map((r) => r.score),
          all.recommendations.slice(0, limit).map((r) => r.score),
        ]);
      }
      await radar.close();
    }
    for (const [region, limit, got, expected] of results) expect(got, `${region} top ${limit}`).toEqual(expected);
  });

  it('a failed home-region read is named in meta.degraded', async () => {
    let down = false;
    const mig: MIGAdapter = {
      ...world.sources.mig,
      getArtists: (ids, o) => (down ? Promise.reject(new Error('mig down')) : world.sources.mig.getArtists(ids, o)),
    };
    const radar = createSceneRadar({
      sources: { ...world.sources, mig },
      stores: createMemoryStores(),
      clock: fixedClock(NOW),
    });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(NOW);
    const ws = world.workspaces.find((w) => w.regions.length > 0)!;
    expect((await radar.talent.aggregator.getWorkspaceRecommendations(ws.id)).meta.degraded).toEqual([]);
    down = true;
    const got = await radar.talent.aggregator.getWorkspaceRecommendations(ws.id);
    expect(got.recommendations.length).toBeGreaterThan(0);
    expect(got.meta.degraded).toEqual([
      expect.stringMatching(/^mig: home regions could not be read for \d+ candidates/),
    ]);
    await radar.close();
  });
});

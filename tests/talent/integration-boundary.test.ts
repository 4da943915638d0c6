/**
 * The Talent Radar's integration boundary (seed section 3): it reads its sources through read
 * methods only, reads scenes only through the Scenes Engine's ScenesAdapter (never the host's
 * `sources.scenes`), writes only the four talent_radar_* tables and only valid rows, and what it
 * hands to A&R Radar (`radar.readOnly`) can read and nothing else.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createSceneRadar,
  fixedClock,
  readOnlyTalentRadar,
  type SceneRadar,
  type SceneRadarSources,
  type SourceCallEvent,
} from 'scene-radar';
import { createMemoryStores, type TalentStores, type ScenesStores } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 300, end: '2026-11-24' });
const TALENT_TABLES = [
  'talent_radar_artists',
  'talent_radar_microgenres',
  'talent_radar_recommendations',
  'talent_radar_scenes',
  'talent_radar_state',
];
const READS = [
  'listArtists',
  'getArtists',
  'getNetworks',
  'getReleases',
  'getCampaigns',
  'getEngagement',
  'getArticles',
  'getEvents',
  'getCoherence',
  'getWorkspaces',
];
const WRITES = new Set(['upsert', 'delete', 'deleteWhere']);

interface Access {
  readonly source: string;
  readonly prop: string;
}

/** Proxies every source: records each method called. */
function watched(sources: SceneRadarSources): { sources: SceneRadarSources; log: Access[] } {
  const log: Access[] = [];
  const wrap = <T extends object>(source: string, adapter: T): T =>
    new Proxy(adapter, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          log.push({ source, prop: String(prop) });
          return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        };
      },
    });
  const out = Object.fromEntries(
    Object.entries(sources).map(([name, adapter]) => [name, wrap(name, adapter as object)]),
  );
  return { sources: out as SceneRadarSources, log };
}

/** Proxies every table: records writes (table, method) and keeps every row written. */
function watchedTables<T extends object>(
  tables: T,
  writes: { table: string; method: string; phase: string }[],
  phase: () => string,
  written: Map<string, unknown[]>,
): T {
  return Object.fromEntries(
    Object.entries(tables).map(([name, table]) => [
      name,
      new Proxy(table as object, {
        get(target, prop, receiver) {
          const value: unknown = Reflect.get(target, prop, receiver);
          if (typeof value !== 'function' || !WRITES.has(String(prop))) return value;
          return (...args: unknown[]) => {
            writes.push({ table: name, method: String(prop), phase: phase() });
            if (prop === 'upsert') written.set(name, [...(written.get(name) ?? []), ...(args[0] as unknown[])]);
            return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
          };
        },
      }),
    ]),
  ) as T;
}

describe('integration boundary', () => {
  it('reads through read methods only, never the host scenes source, and writes only its own tables (the four of the seed and talent_radar_state), valid rows only', async () => {
    // Sources with write-looking methods beside the reads: none may ever be called.
    const trapped: string[] = [];
    const trap = (name: string) => async (): Promise<void> => void trapped.push(name);
    const base = world.sources;
    const withWrites = {
      ...base,
      mig: { ...base.mig, upsertArtist: trap('mig.upsertArtist'), deleteArtist: trap('mig.deleteArtist') },
      cmg: { ...base.cmg, writeRelease: trap('cmg.writeRelease') },
      fusion: {
        ...base.fusion,
        createCampaign: trap('fusion.createCampaign'),
        pauseCampaign: trap('fusion.pauseCampaign'),
      },
      coverage: { ...base.coverage, publishArticle: trap('coverage.publishArticle') },
      rcf: { ...base.rcf, emitEvent: trap('rcf.emitEvent') },
      identityKernel: { ...base.identityKernel, mergeIdentities: trap('identityKernel.mergeIdentities') },
      workspaces: {
        ...base.workspaces,
        addToRoster: trap('workspaces.addToRoster'),
        createShortlist: trap('workspaces.createShortlist'),
      },
      // The host's own scenes source: the Talent Radar must read its radar's Scenes Engine instead.
      scenes: {
        getMemberships: trap('scenes.getMemberships'),
        getScenePulses: trap('scenes.getScenePulses'),
        listHottestScenes: trap('scenes.listHottestScenes'),
        upsertScene: trap('scenes.upsertScene'),
      },
    } as unknown as SceneRadarSources;
    const { sources, log } = watched(withWrites);

    const all = createMemoryStores();
    const writes: { table: string; method: string; phase: string }[] = [];
    const rows = new Map<string, unknown[]>();
    let phase = 'scenes';
    const stores = {
      scenes: watchedTables(all.scenes, writes, () => phase, new Map()),
      talent: watchedTables(all.talent, writes, () => phase, rows),
    };
    const radar = createSceneRadar({ sources, stores, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(NOW);
    phase = 'talent';
    const scenesRead = {
      memberships: vi.spyOn(radar.scenesAdapter, 'getMemberships'),
      pulses: vi.spyOn(radar.scenesAdapter, 'getScenePulses'),
      hottest: vi.spyOn(radar.scenesAdapter, 'listHottestScenes'),
    };

    const report = await radar.talent.refresh(NOW);
    expect(report.scored).toBeGreaterThan(0);
    const pulse = await radar.talent.aggregator.buildGlobalPulse();
    const slug =
      pulse.topRisingArtists[0]?.artist_slug ??
      (await all.talent.talent_radar_artists.scan({ limit: 1 }))[0]!.artist_slug;
    await radar.talent.aggregator.buildArtistProfile(slug);
    for (const category of ['rising', 'breakout', 'risk'] as const)
      await radar.talent.aggregator.getTopArtists({ category });
    await radar.talent.aggregator.getWorkspaceRecommendations(world.workspaces[0]!.id);
    await radar.readOnly.getArtistProfile((await all.talent.talent_radar_artists.scan({ limit: 2 }))[1]!.artist_slug);
    await radar.readOnly.getWorkspaceRecommendations(world.workspaces[1]!.id);
    await radar.talent.scoreArtists([slug], { asOf: new Date('2026-10-01T00:00:00.000Z') });
    await radar.talent.aggregator.clearCache();
    await radar.close();

    expect(trapped).toEqual([]);
    expect(log.filter((a) => a.source === 'scenes')).toEqual([]);
    expect([...new Set(log.map((a) => a.prop))].filter((p) => !READS.includes(p))).toEqual([]);
    // Every source the Talent Radar needs was read.
    expect(new Set(log.map((a) => a.source))).toEqual(
      new Set(['mig', 'cmg', 'fusion', 'coverage', 'rcf', 'identityKernel', 'workspaces']),
    );
    // Scenes came through the ScenesAdapter.
    expect(scenesRead.memberships).toHaveBeenCalled();
    expect(scenesRead.pulses).toHaveBeenCalled();
    expect(scenesRead.hottest).toHaveBeenCalled();

    // Writes: the Talent Radar's tables, nothing of the Scenes Engine's while the Talent Radar ran.
    const talentWrites = writes.filter((w) => w.phase === 'talent');
    expect([...new Set(talentWrites.map((w) => w.table))].sort()).toEqual(TALENT_TABLES);
    // Its store set also holds the staging table of a sharded refresh, which a refresh in one
    // process never writes.
    expect(Object.keys(all.talent).sort()).toEqual([...TALENT_TABLES, 'talent_radar_refresh_shards'].sort());
    for (const name of TALENT_TABLES) {
      const table = all.talent[name as Exclude<keyof TalentStores, 'transaction'>];
      const written = rows.get(name) ?? [];
      expect(written.length, name).toBeGreaterThan(0);
      for (const row of written) expect(table.spec.schema.safeParse(row).error, name).toBeUndefined();
    }
  });

  it("the Talent Radar's memberships are the ScenesAdapter's", async () => {
    const stores = createMemoryStores();
    const radar = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(NOW);
    const slugs = world.dataset.artistSlugs().slice(0, 30);
    const signals = await radar.talent.signals.batchAggregateSignals(slugs, { asOf: NOW });
    const adapter = await radar.scenesAdapter.getMemberships(slugs, {
      asOf: NOW,
      signal: new AbortController().signal,
    });
    let members = 0;
    for (const s of slugs) {
      expect(signals.get(s)!.memberships ?? undefined, s).toEqual(adapter.get(s));
      if (adapter.has(s)) members++;
    }
    expect(members).toBeGreaterThan(10);
    await radar.close();
  });
});

describe('read-only facade', () => {
  let stores: { scenes: ScenesStores; talent: TalentStores };
  beforeAll(async () => {
    stores = createMemoryStores();
    const r = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
    await r.scenes.importCatalog(world.catalog);
    await r.refresh(NOW);
    await r.close();
  }, 60_000);
  afterEach(() => vi.restoreAllMocks());

  function make(): { radar: SceneRadar; events: SourceCallEvent[] } {
    const events: SourceCallEvent[] = [];
    const radar = createSceneRadar({
      sources: world.sources,
      stores,
      clock: fixedClock(NOW),
      onSourceCall: (e) => events.push(e),
    });
    return { radar, events };
  }
  const count = (events: SourceCallEvent[], source: string, method: string): number =>
    events.filter((e) => e.source === source && e.method === method).length;

  it('exposes exactly getGlobalPulse, getArtistProfile, getTopArtists, getArtistScores, getWorkspaceRecommendations, frozen', () => {
    const { radar } = make();
    const facade = radar.readOnly;
    expect(Object.keys(facade).sort()).toEqual([
      'getArtistProfile',
      'getArtistScores',
      'getGlobalPulse',
      'getTopArtists',
      'getWorkspaceRecommendations',
    ]);
    expect(Reflect.ownKeys(facade)).toHaveLength(5);
    expect(Object.isFrozen(facade)).toBe(true);
    for (const name of [
      'refresh',
      'clearCache',
      'calibrate',
      'setBreakoutModel',
      'resetBreakoutModel',
      'aggregator',
      'signals',
      'scoreArtists',
      'close',
      'buildGlobalPulse',
    ])
      expect(name in facade, name).toBe(false);
    expect(() => {
      (facade as unknown as Record<string, unknown>).refresh = () => undefined;
    }).toThrow(TypeError);
    expect(() => {
      (facade as unknown as Record<string, unknown>).getGlobalPulse = () => undefined;
    }).toThrow(TypeError);
    expect(Object.isFrozen(readOnlyTalentRadar(radar.talent.aggregator))).toBe(true);
  });

  it('serves the same cached results as the aggregator', async () => {
    const { radar } = make();
    const pulse = await radar.talent.aggregator.buildGlobalPulse();
    expect(await radar.readOnly.getGlobalPulse()).toBe(pulse);
    const slug = pulse.topRisingArtists[0]!.artist_slug;
    const profile = await radar.readOnly.getArtistProfile(slug);
    expect(await radar.talent.aggregator.buildArtistProfile(slug)).toBe(profile);
    const top = await radar.readOnly.getTopArtists({ category: 'risk', limit: 5 });
    expect(await radar.talent.aggregator.getTopArtists({ category: 'risk', limit: 5 })).toBe(top);
    expect((await radar.readOnly.getGlobalPulse({ limit: 2 })).topRisingArtists.length).toBeLessThanOrEqual(2);
    await expect(radar.readOnly.getGlobalPulse({ limit: 0 })).rejects.toMatchObject({
      code: 'TALENT_VALIDATION_ERROR',
    });
    await expect(radar.readOnly.getTopArtists({ category: 'hot' as never })).rejects.toMatchObject({
      code: 'TALENT_VALIDATION_ERROR',
    });
    await expect(radar.readOnly.getTopArtists(undefined as never)).rejects.toMatchObject({
      code: 'TALENT_VALIDATION_ERROR',
    });
    await expect(radar.readOnly.getArtistProfile('Bad Slug')).rejects.toMatchObject({
      code: 'TALENT_VALIDATION_ERROR',
    });
  });

  it('ignores skipCache however it is passed at runtime', async () => {
    const { radar, events } = make();
    const facade = radar.readOnly as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const pulse = await radar.readOnly.getGlobalPulse();
    const calls = count(events, 'scenes', 'listHottestScenes');
    expect(calls).toBe(1);
    expect(await facade.getGlobalPulse!({ skipCache: true })).toBe(pulse);
    expect(await facade.getGlobalPulse!(true)).toBe(pulse);
    expect(await facade.getGlobalPulse!({ skipCache: true, limit: 20 })).toBe(pulse);
    expect(count(events, 'scenes', 'listHottestScenes')).toBe(calls);

    const slug = pulse.topRisingArtists[0]!.artist_slug;
    const profile = await radar.readOnly.getArtistProfile(slug);
    const reads = count(events, 'coverage', 'getArticles');
    expect(await facade.getArtistProfile!(slug, true)).toBe(profile);
    expect(await facade.getArtistProfile!(slug, { skipCache: true })).toBe(profile);
    expect(count(events, 'coverage', 'getArticles')).toBe(reads);

    const top = await radar.readOnly.getTopArtists({ category: 'rising' });
    expect(await facade.getTopArtists!({ category: 'rising', skipCache: true })).toBe(top);
  });

  it('cannot reach the radar behind it: no prototype, no extra properties on its functions', () => {
    const { radar } = make();
    const facade = radar.readOnly;
    expect(Object.getPrototypeOf(facade)).toBe(Object.prototype);
    for (const fn of Object.values(facade)) {
      expect(typeof fn).toBe('function');
      expect(Object.keys(fn)).toEqual([]);
    }
    const spy = vi.spyOn(radar.talent, 'refresh');
    const clear = vi.spyOn(radar.talent.aggregator, 'clearCache');
    return Promise.all([radar.readOnly.getGlobalPulse(), radar.readOnly.getTopArtists({ category: 'breakout' })]).then(
      () => {
        expect(spy).not.toHaveBeenCalled();
        expect(clear).not.toHaveBeenCalled();
      },
    );
  });
});

/**
 * Sources that throw, hang, return garbage or are absent: the pulse comes back degraded, with
 * lower confidence and outcome counts that name the source, when part of its evidence is left;
 * when Fusion failed for every member the heat is unknown (the last good pulse, stale, or
 * `unavailable`): no number pretends to know. A failing CMG or MIG during refresh keeps the previous memberships.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createSceneRadar,
  fixedClock,
  type CMGAdapter,
  type FusionAdapter,
  type MIGAdapter,
  type SceneRadar,
  type SceneRadarSources,
} from 'scene-radar';
import { memoryScenesStores, type ScenesStores } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';

type Pulse = Awaited<ReturnType<SceneRadar['scenes']['pulse']['getScenePulse']>>;
type Fault = 'throw' | 'hang' | 'garbage';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 300, end: '2026-11-24' });
const SCENE = 'indie-uk-brighton';

/** A batch method that misbehaves: throws, never settles (ignoring its signal), or answers junk per key. */
function broken(fault: Fault) {
  return async (keys: readonly string[]): Promise<Map<string, never>> => {
    if (fault === 'throw') throw new Error('source is down');
    if (fault === 'hang') return new Promise<never>(() => undefined);
    return new Map(keys.map((k) => [k, { garbage: true } as never]));
  };
}
const fusionWith = (fault: Fault): FusionAdapter => ({ getEngagement: broken(fault), getCampaigns: broken(fault) });
const migWith = (fault: Fault): MIGAdapter => ({ ...world.sources.mig, getNetworks: broken(fault) });

let stores: ScenesStores;
let healthy: Pulse;
beforeAll(async () => {
  stores = memoryScenesStores();
  const r = createSceneRadar({ sources: world.sources, stores: { scenes: stores }, clock: fixedClock(NOW) });
  await r.scenes.importCatalog(world.catalog);
  await r.refresh();
  healthy = await r.scenes.pulse.getScenePulse(SCENE);
  await r.close();
});
afterEach(() => vi.useRealTimers());

function radarOver(sources: SceneRadarSources): SceneRadar {
  return createSceneRadar({
    sources,
    stores: { scenes: stores },
    clock: fixedClock(NOW),
    config: { sources: { fusion: { timeoutMs: 1000 }, mig: { timeoutMs: 1000 } } },
  });
}

/** The pulse of SCENE over `sources`, letting a hanging source time out (fake timers). */
async function pulseOver(sources: SceneRadarSources): Promise<Pulse> {
  vi.useFakeTimers({ now: NOW });
  const radar = radarOver(sources);
  const pending = radar.scenes.pulse.getScenePulse(SCENE);
  await vi.advanceTimersByTimeAsync(1000);
  const p = await pending;
  await radar.close();
  return p;
}

const zero = { ok: 0, missing: 0, timeout: 0, error: 0, absent: 0 };
const signal = (p: Pulse, name: string) => p.explanation.find((x) => x.signal === name)!;
const n = () => healthy.total_members;

describe('a failing Fusion', () => {
  /** The batch item of SCENE over `sources`, letting a hanging source time out (fake timers). */
  async function itemOver(sources: SceneRadarSources) {
    vi.useFakeTimers({ now: NOW });
    const radar = radarOver(sources);
    const pending = radar.scenes.pulse.batchProcessScenes([SCENE]);
    const pulse = radar.scenes.pulse.getScenePulse(SCENE, true).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    const [item] = await pending;
    const error = await pulse;
    await radar.close();
    return { item: item!, error };
  }

  it.each(['throw', 'hang', 'garbage'] as const)(
    'that %s for every member: heat unknown, never a number read from nothing (SOURCES_UNAVAILABLE)',
    async (fault) => {
      const { item, error } = await itemOver({ ...world.sources, fusion: fusionWith(fault) });
      expect(item.pulse).toBeUndefined();
      expect(item).toMatchObject({
        status: 'unavailable',
        message: expect.stringMatching(
          new RegExp(`Heat of ${SCENE} unknown: Fusion engagement failed for all ${n()} members`),
        ),
      });
      expect(error).toMatchObject({ code: 'SOURCES_UNAVAILABLE', httpStatus: 503 });
    },
  );

  it('that fails after a good pulse: the last good pulse is served, stale, with its own asOf and the failure', async () => {
    let down = false;
    const fusion: FusionAdapter = {
      getEngagement: (keys, o) => (down ? broken('throw')(keys) : world.sources.fusion.getEngagement(keys, o)),
      getCampaigns: (keys, o) => world.sources.fusion.getCampaigns(keys, o),
    };
    const radar = createSceneRadar({
      sources: { ...world.sources, fusion },
      stores: { scenes: memoryScenesStores() },
      clock: fixedClock(NOW),
    });
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(NOW);
    const good = await radar.scenes.pulse.getScenePulse(SCENE);
    down = true;
    // A refresh while Fusion is down (the common case: the refresh is what fails) keeps the fallback.
    await radar.scenes.refresh(NOW);
    const [item] = await radar.scenes.pulse.batchProcessScenes([SCENE], { skipCache: true });
    expect(item).toMatchObject({
      status: 'stale',
      pulse: { heat: good.heat, asOf: good.asOf },
      message: expect.stringMatching(/unknown: Fusion engagement failed/),
    });
    await radar.close();
  });

  it('that fails for some members: the pulse is computed from the others, degraded, with the counts', async () => {
    const fusion: FusionAdapter = {
      getEngagement: async (keys, o) => {
        const all = await world.sources.fusion.getEngagement(keys, o);
        // Every other member's read fails (an invalid payload for that key).
        return new Map([...all].map(([k, v], i) => [k, i % 2 ? ({ garbage: true } as never) : v]));
      },
      getCampaigns: (keys, o) => world.sources.fusion.getCampaigns(keys, o),
    };
    const radar = radarOver({ ...world.sources, fusion });
    const p = await radar.scenes.pulse.getScenePulse(SCENE);
    expect(p.status).toBe('degraded');
    expect(p.sources.fusion!.error).toBeGreaterThan(0);
    expect(p.sources.fusion!.ok).toBeGreaterThan(0);
    expect(p.confidence).toBeLessThan(healthy.confidence);
    await radar.close();
  });

  // A source the host does not have is its standing configuration, not a degradation: the pulse
  // is `ok`, and its `sources` and explanation say what it was computed without.
  it('that is absent: the same signals out, counted as absent, and the pulse `ok`', async () => {
    const { mig, cmg } = world.sources;
    const p = await pulseOver({ mig, cmg });
    expect(p).toMatchObject({
      status: 'ok',
      sources: { fusion: { ...zero, absent: healthy.sources.fusion!.ok } },
    });
    expect(p.confidence).toBeLessThan(healthy.confidence);
    expect(signal(p, 'member_momentum').available).toBe(false);
  });
});

describe('a failing MIG', () => {
  it.each(['throw', 'hang', 'garbage'] as const)('that %s: tastemaker activity is out, MIG named', async (fault) => {
    const p = await pulseOver({ ...world.sources, mig: migWith(fault) });
    expect(p.status).toBe('degraded');
    expect(p.confidence).toBeLessThan(healthy.confidence);
    expect(p.sources.mig!.ok).toBe(0);
    expect(p.sources.mig![fault === 'hang' ? 'timeout' : 'error']).toBe(n());
    expect(p.sources.fusion).toEqual(healthy.sources.fusion);
    expect(signal(p, 'tastemaker_activity')).toMatchObject({ available: false, weight: 0 });
    expect(signal(p, 'member_momentum')).toMatchObject({
      available: true,
      raw: signal(healthy, 'member_momentum').raw,
    });
    expect(p.tastemaker_activity.active_tastemakers).toBe(0);
  });
});

describe('no sources at all', () => {
  it('still answers from the stored memberships, with low confidence, and says why (every source absent: `ok`, nothing failed)', async () => {
    const p = await pulseOver({});
    expect(p.status).toBe('ok');
    expect(p.sources).toMatchObject({
      fusion: { ...zero, absent: healthy.sources.fusion!.ok },
      mig: { ...zero, absent: n() },
    });
    expect(p.explanation.filter((x) => x.available).map((x) => x.signal)).toEqual(['new_members']);
    expect(p.confidence).toBeLessThan(healthy.confidence / 2);
    expect(p.top_artists).toEqual([]);
  });

  it('batches and the global pulse never reject because of a source', async () => {
    const radar = radarOver({ fusion: fusionWith('throw'), mig: migWith('throw') });
    const items = await radar.scenes.pulse.batchProcessScenes([SCENE, 'rap-uk-london']);
    expect(items.map((i) => [i.status, i.pulse?.status])).toEqual([
      ['unavailable', undefined],
      ['unavailable', undefined],
    ]);
    const g = await radar.scenes.pulse.getGlobalPulse({ limit: 100 });
    expect(g.summary.scenes).toBe(70);
    expect(g.summary.unavailable).toBeGreaterThan(0);
    expect(g.hottest.every((p) => p.sources.fusion!.ok > 0 || p.total_members === 0)).toBe(true);
    // A degraded answer is not stored as a recommendation: it would outlive the outage.
    const rec = await radar.scenes.recommendScenes();
    expect(rec.stored).toBe(false);
    expect(await stores.scene_recommendations_cache.count({ subject: 'watch' })).toBe(0);
    await radar.close();
  });
});

describe('refresh with a failing source keeps the previous memberships', () => {
  const snapshot = async () => (await stores.scene_memberships.scan()).map((r) => ({ ...r }));

  it('CMG throwing for everyone: nothing erased, every artist reported kept', async () => {
    const before = await snapshot();
    const cmg: CMGAdapter = { getReleases: broken('throw') };
    const radar = createSceneRadar({
      sources: { ...world.sources, cmg },
      stores: { scenes: stores },
      clock: fixedClock('2026-11-26T00:00:00Z'),
    });
    const report = await radar.refresh();
    expect(report.scenes.memberships).toMatchObject({ artists: 300, kept: 300, memberships: 0 });
    expect(report.scenes.memberships.sources.cmg.error).toBe(300);
    expect(await snapshot()).toEqual(before);
    await radar.close();
  });

  it('CMG failing for some artists: theirs are kept as they were, the others recomputed', async () => {
    const victims = new Set(world.dataset.artistSlugs().slice(0, 40));
    const real = world.sources.cmg;
    const cmg: CMGAdapter = {
      maxBatchSize: 1,
      getReleases: (keys, o) =>
        keys.some((k) => victims.has(k)) ? Promise.reject(new Error('CMG shard down')) : real.getReleases(keys, o),
    };
    const before = await snapshot();
    const later = '2026-11-26T00:00:00.000Z';
    const radar = createSceneRadar({
      sources: { ...world.sources, cmg },
      stores: { scenes: stores },
      clock: fixedClock(later),
    });
    const report = await radar.refresh();
    expect(report.scenes.memberships.kept).toBe(40);
    const after = await snapshot();
    const mine = (rows: typeof before) => rows.filter((r) => victims.has(r.artist_slug));
    expect(mine(after)).toEqual(mine(before));
    // The others are recomputed; a membership that lost its evidence is held (its as_of its last evidence) until it leaves.
    expect(after.filter((r) => !victims.has(r.artist_slug) && r.as_of !== later)).toHaveLength(
      report.scenes.memberships.held,
    );
    await radar.close();
  });

  it('MIG failing to list the universe: nothing erased', async () => {
    const before = await snapshot();
    const mig: MIGAdapter = { ...world.sources.mig, listArtists: () => Promise.reject(new Error('MIG is down')) };
    const radar = createSceneRadar({
      sources: { ...world.sources, mig },
      stores: { scenes: stores },
      clock: fixedClock('2026-11-27T00:00:00Z'),
    });
    await radar.refresh();
    expect(await snapshot()).toEqual(before);
    await radar.close();
  });
});

describe('memberships never computed', () => {
  // Without memberships a scene shows no member, and the pulse cannot tell an empty scene from an
  // unknown one: its heat is unknown, never a quiet 0.
  const unknown = async (radar: SceneRadar): Promise<void> => {
    await expect(radar.scenes.pulse.getScenePulse(SCENE, true)).rejects.toMatchObject({
      code: 'SOURCES_UNAVAILABLE',
      message: expect.stringMatching(/memberships were never computed/),
    });
  };

  it('before any refresh: every pulse is unavailable (heat unknown), never a heat of 0', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await unknown(radar);
    const items = await radar.scenes.pulse.batchProcessScenes([SCENE, 'rap-uk-london']);
    for (const i of items)
      expect(i).toMatchObject({
        status: 'unavailable',
        message: expect.stringMatching(/memberships were never computed/),
      });
    expect(items.every((i) => i.pulse === undefined)).toBe(true);
    const g = await radar.scenes.pulse.getGlobalPulse();
    expect(g.hottest).toEqual([]);
    expect(g.summary.unavailable).toBe(g.summary.scenes);
    await radar.close();
  });

  it('when the very first refresh cannot read the artist universe (MIG down): the same', async () => {
    const mig: MIGAdapter = { ...world.sources.mig, listArtists: () => Promise.reject(new Error('MIG is down')) };
    const radar = createSceneRadar({ sources: { ...world.sources, mig }, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    const report = await radar.refresh();
    expect(report.scenes.memberships.universe).toBe('error');
    await unknown(radar);
    await radar.close();
  });

  it('after a refresh the pulse names it, and is ok when every read is', () => {
    expect(healthy).toMatchObject({ status: 'ok', memberships_as_of: NOW.toISOString() });
    expect(healthy.total_members).toBeGreaterThan(0);
  });
});

describe('memberships_as_of follows the stores, not a stale memo', () => {
  it('a refresh after a pulse was read still snapshots every scene', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    expect((await radar.scenes.pulse.batchProcessScenes([SCENE]))[0]!.status).toBe('unavailable');
    const report = await radar.refresh();
    expect(report.scenes.snapshots).toBe(world.catalog.scenes.length);
    expect(await radar.scenes.pulse.getScenePulse(SCENE)).toMatchObject({
      status: 'ok',
      memberships_as_of: NOW.toISOString(),
    });
    await radar.close();
  });

  it('a reader over shared stores sees the memberships another radar computed after its first read', async () => {
    const shared = memoryScenesStores();
    const reader = createSceneRadar({ sources: world.sources, stores: { scenes: shared }, clock: fixedClock(NOW) });
    await reader.scenes.importCatalog(world.catalog);
    expect((await reader.scenes.pulse.batchProcessScenes([SCENE], { skipCache: true }))[0]!.status).toBe('unavailable');
    const writer = createSceneRadar({ sources: world.sources, stores: { scenes: shared }, clock: fixedClock(NOW) });
    await writer.refresh();
    expect(await reader.scenes.pulse.getScenePulse(SCENE, true)).toMatchObject({
      status: 'ok',
      memberships_as_of: NOW.toISOString(),
      total_members: healthy.total_members,
    });
    await Promise.all([reader.close(), writer.close()]);
  });
});

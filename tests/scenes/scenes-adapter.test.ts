/**
 * The Scenes Engine as the Talent Radar sees it (`radar.scenesAdapter`): the ScenesAdapter
 * conformance suite, as-of honesty, and the integration boundary (reads MIG, CMG and Fusion
 * only, through read methods only; writes its own seven tables only (the seed's six and `scenes_state`)).
 */
import { hottestScenesOf } from '../../src/contracts/sources.js';
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar, type SceneRadarSources } from 'scene-radar';
import { createMemoryStores, memoryScenesStores, type ScenesStores } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { registerContractSuite, scenesAdapterContractSuite } from 'scene-radar/testing';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const PAST = new Date('2026-06-01T00:00:00.000Z');
const world = createDemoWorld({ artists: 300, end: '2026-11-24' });
const signal = new AbortController().signal;
const SCENE_TABLES = [
  'scenes',
  'microgenres',
  'scene_memberships',
  'scene_trends',
  'scene_relationships',
  'scene_recommendations_cache',
  'scenes_state',
];
const READS = ['listArtists', 'getArtists', 'getNetworks', 'getReleases', 'getEngagement', 'getCampaigns'];

interface Access {
  readonly source: string;
  readonly prop: string;
  readonly asOf: number | undefined;
}

/** Proxies every source: records each property read and each call's as-of. */
function watched(sources: SceneRadarSources): { sources: SceneRadarSources; log: Access[] } {
  const log: Access[] = [];
  const wrap = <T extends object>(source: string, adapter: T): T =>
    new Proxy(adapter, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          log.push({ source, prop: String(prop), asOf: (args.at(-1) as { asOf?: Date } | undefined)?.asOf?.getTime() });
          return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        };
      },
    });
  const out = Object.fromEntries(
    Object.entries(sources).map(([name, adapter]) => [name, wrap(name, adapter as object)]),
  );
  return { sources: out as SceneRadarSources, log };
}

async function refreshed(
  sources: SceneRadarSources,
  stores: ScenesStores = memoryScenesStores(),
  clockAt: Date = NOW,
): Promise<SceneRadar> {
  const radar = createSceneRadar({ sources, stores: { scenes: stores }, clock: fixedClock(clockAt) });
  await radar.scenes.importCatalog(world.catalog);
  // The Scenes Engine alone: the Talent Radar (which reads every source) is tested on its own.
  await radar.scenes.refresh(clockAt);
  return radar;
}

const live = watched(world.sources);
const ready = refreshed(live.sources);

describe('radar.scenesAdapter conformance', () => {
  const timing = { asOf: NOW, earlierAsOf: PAST, from: new Date('2026-01-01T00:00:00.000Z') };
  const knownKeys = world.dataset
    .artistSlugs()
    .filter((s) => Date.parse(world.dataset.artistRecord(s)!.firstSeen) < PAST.getTime())
    .slice(0, 6);
  registerContractSuite(
    'scenesAdapter (live as-of)',
    scenesAdapterContractSuite({ ...timing, knownKeys, create: async () => (await ready).scenesAdapter }),
    { describe, it },
  );
  registerContractSuite(
    'scenesAdapter (computed as-of)',
    scenesAdapterContractSuite({
      ...timing,
      asOf: new Date('2026-10-01T12:00:00.000Z'),
      knownKeys,
      knownSceneSlugs: ['indie-uk-brighton', 'rap-uk-london'],
      create: async () => (await ready).scenesAdapter,
    }),
    { describe, it },
  );
});

describe('scenesAdapter as-of honesty', () => {
  it('getMemberships at a past instant leaves out memberships that began after it', async () => {
    const radar = await ready;
    const slugs = world.dataset.artistSlugs();
    const got = await radar.scenesAdapter.getMemberships(slugs, { asOf: PAST, signal });
    // (Which pairs exist at PAST is checked against a refresh as of PAST further down.)
    expect(got.size).toBeGreaterThan(0);
    const late = slugs.filter((s) => Date.parse(world.dataset.artistRecord(s)!.firstSeen) > PAST.getTime());
    expect(late.length).toBeGreaterThan(0);
    for (const s of late) expect(got.has(s)).toBe(false);
  });

  it('getScenePulses at a past instant computes pulses as of it, reading nothing later', async () => {
    const radar = await ready;
    const slugs = world.catalog.scenes.map((s) => s.slug);
    // An instant no earlier test asked for, so the pulses are really computed (not remembered).
    const at = new Date(PAST.getTime() + 3_600_000);
    const start = live.log.length;
    const past = await radar.scenesAdapter.getScenePulses(slugs, { asOf: at, signal });
    const reads = live.log.slice(start);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((r) => r.asOf !== undefined && r.asOf <= at.getTime())).toBe(true);
    expect([...past.values()].every((p) => p.asOf === at.toISOString())).toBe(true);
    const now = await radar.scenesAdapter.getScenePulses(slugs, { asOf: NOW, signal });
    const differ = slugs.filter((s) => past.get(s)!.heat !== now.get(s)!.heat);
    expect(differ.length).toBeGreaterThan(slugs.length / 2); // not the live pulse relabelled
  });

  it('a second read with the same as-of touches no source', async () => {
    const radar = await ready;
    const asked = { asOf: new Date(NOW.getTime() + 60_000), signal }; // within the pulse TTL of now
    const first = await radar.scenesAdapter.getScenePulses(['indie-uk-brighton'], asked);
    const hottest = hottestScenesOf(await radar.scenesAdapter.listHottestScenes({ limit: 5 }, asked));
    const start = live.log.length;
    expect(await radar.scenesAdapter.getScenePulses(['indie-uk-brighton'], asked)).toEqual(first);
    expect(hottestScenesOf(await radar.scenesAdapter.listHottestScenes({ limit: 5 }, asked))).toEqual(hottest);
    expect(live.log.length).toBe(start);
    // Computed exactly as of the instant asked for.
    expect(first.get('indie-uk-brighton')!.asOf).toBe(asked.asOf.toISOString());
    expect(hottest.every((p) => p.asOf === asked.asOf.toISOString())).toBe(true);
  });

  it('listHottestScenes at a past instant ranks pulses computed as of it', async () => {
    const radar = await ready;
    const top = hottestScenesOf(await radar.scenesAdapter.listHottestScenes({ limit: 10 }, { asOf: PAST, signal }));
    expect(top).toHaveLength(10);
    expect(top.every((p) => p.asOf === PAST.toISOString())).toBe(true);
    expect(top.map((p) => p.heat)).toEqual(top.map((p) => p.heat).sort((a, b) => b - a));
  });

  // A cached live pulse is computed as of "now": asked for an instant just before now, the adapter
  // must not serve it (that would be knowledge from after the instant asked for).
  it('a minute before now, it returns no pulse computed after that minute', async () => {
    const radar = await ready;
    const asOf = new Date(NOW.getTime() - 60_000);
    const pulses = await radar.scenesAdapter.getScenePulses(['indie-uk-brighton'], { asOf, signal });
    const hottest = hottestScenesOf(await radar.scenesAdapter.listHottestScenes({ limit: 3 }, { asOf, signal }));
    for (const p of [...pulses.values(), ...hottest])
      expect(Date.parse(p.asOf), p.sceneSlug).toBeLessThanOrEqual(asOf.getTime());
  });

  // Memberships at a past instant must be what a computation as of that instant finds, not today's
  // memberships filtered by joined_at (their existence and confidence use later data).
  it('getMemberships at a past instant names only pairs a computation as of that instant finds', async () => {
    const radar = await ready;
    const then = await refreshed(world.sources, memoryScenesStores(), PAST);
    const slugs = world.dataset.artistSlugs();
    const [a, b] = await Promise.all([
      radar.scenesAdapter.getMemberships(slugs, { asOf: PAST, signal }),
      then.scenesAdapter.getMemberships(slugs, { asOf: PAST, signal }),
    ]);
    const pairs = (m: typeof a) => new Set([...m].flatMap(([artist, ms]) => ms.map((x) => `${artist}/${x.sceneSlug}`)));
    const honest = pairs(b);
    expect([...pairs(a)].filter((p) => !honest.has(p))).toEqual([]);
  });
});

describe('integration boundary', () => {
  it('reads MIG, CMG and Fusion only, through read methods only, and writes only its seven tables', async () => {
    // Sources with write-looking methods beside the reads: none may ever be called.
    const writes = { calls: 0 };
    const trap = async (): Promise<void> => void writes.calls++;
    const base = world.sources;
    const withWrites = {
      ...base,
      mig: { ...base.mig, upsertArtist: trap, deleteArtist: trap },
      cmg: { ...base.cmg, writeRelease: trap },
      fusion: { ...base.fusion, createCampaign: trap },
    };
    const { sources, log } = watched(withWrites);
    const all = createMemoryStores();
    const written = new Set<string>();
    const scenes = Object.fromEntries(
      Object.entries(all.scenes).map(([name, table]) => [
        name,
        new Proxy(table as object, {
          get(target, prop, receiver) {
            if (prop === 'upsert' || prop === 'delete' || prop === 'deleteWhere') written.add(name);
            return Reflect.get(target, prop, receiver) as unknown;
          },
        }),
      ]),
    ) as unknown as ScenesStores;

    const radar = await refreshed(sources, scenes);
    const member = (await radar.scenes.listMemberships({ limit: 1 })).items[0]!;
    await radar.scenes.pulse.batchProcessScenes(['indie-uk-brighton', 'rap-uk-london']);
    await radar.scenes.pulse.getRegionalPulse('uk');
    await radar.scenes.pulse.getGlobalPulse();
    await radar.scenes.backfillTrends({ from: '2026-11-20', to: '2026-11-21' });
    await radar.scenes.getSceneTrends('indie-uk-brighton');
    await radar.scenes.getRelatedScenes('indie-uk-brighton');
    await radar.scenes.recommendScenes();
    await radar.scenes.recommendScenes({ artistSlug: member.artist_slug });
    await radar.scenesAdapter.getMemberships([member.artist_slug], { asOf: NOW, signal });
    await radar.scenesAdapter.getScenePulses(['indie-uk-brighton'], { asOf: PAST, signal });
    hottestScenesOf(await radar.scenesAdapter.listHottestScenes({ limit: 3 }, { asOf: NOW, signal }));
    await radar.scenes.pulse.clearCache();
    await radar.close();

    expect(writes.calls).toBe(0);
    expect(new Set(log.map((a) => a.source))).toEqual(new Set(['mig', 'cmg', 'fusion']));
    expect([...new Set(log.map((a) => a.prop))].filter((p) => !READS.includes(p))).toEqual([]);
    expect(Object.keys(all.scenes).sort()).toEqual([...SCENE_TABLES].sort());
    expect([...written].sort()).toEqual([...SCENE_TABLES].sort());
    for (const name of SCENE_TABLES)
      expect(await all.scenes[name as Exclude<keyof ScenesStores, 'transaction'>].count(), name).toBeGreaterThan(0);
    for (const [name, table] of Object.entries(all.talent)) expect(await table.count(), name).toBe(0);
  });
});

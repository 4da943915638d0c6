/**
 * What one full refresh reads and computes (issue 15), as counts, never timings: every key of
 * every host source read once by each engine (the Scenes Engine, then the Talent Radar), and every
 * scene's pulse computed once, the Talent Radar taking the pulses the Scenes Engine has just
 * computed for the same instant. Pulses asked for by readers side by side are computed once too.
 *
 * A pulse is computed from its scene's members, read with one scan of `scene_memberships`
 * filtered on `scene_slug`: scans per scene count computations.
 */
import { hottestScenesOf } from 'scene-radar/schemas';
import { describe, expect, it } from 'vitest';
import {
  createSceneRadar,
  fixedClock,
  type SceneRadar,
  type SceneRadarConfigInput,
  type SceneRadarSources,
} from 'scene-radar';
import { memoryScenesStores, memoryTalentStores } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 400, end: '2026-11-24', scenes: 24 });
const SCENES = world.catalog.scenes.map((s) => s.slug);
const signal = new AbortController().signal;

/** Host sources whose batch methods count reads per key, under a phase name. */
function keyCounting(original: SceneRadarSources) {
  const counts = new Map<string, Map<string, number>>();
  let phase = 'none';
  const wrapped: Record<string, Record<string, unknown>> = {};
  for (const [name, source] of Object.entries(original) as [string, Record<string, unknown> | undefined][]) {
    if (!source || name === 'scenes') continue;
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(source)) {
      const value = source[key];
      if (typeof value !== 'function' || key === 'listArtists') {
        copy[key] = value;
        continue;
      }
      const id = `${name}.${key}`;
      copy[key] = (keys: readonly string[], options: unknown) => {
        for (const k of keys) {
          const at = `${phase} ${id}`;
          let byKey = counts.get(at);
          if (!byKey) {
            byKey = new Map();
            counts.set(at, byKey);
          }
          byKey.set(k, (byKey.get(k) ?? 0) + 1);
        }
        return (value as (k: readonly string[], o: unknown) => unknown).call(source, keys, options);
      };
    }
    wrapped[name] = copy;
  }
  return {
    sources: wrapped as SceneRadarSources,
    phase: (name: string): void => {
      phase = name;
    },
    /** `phase source.method` -> the most reads of one key, and the keys read. */
    summary: () =>
      Object.fromEntries(
        [...counts].map(([at, byKey]) => [at, { keys: byKey.size, max: Math.max(...byKey.values()) }]),
      ),
    reset: () => counts.clear(),
  };
}

/** A radar over `sources` on fresh in-memory stores, counting pulse computations per scene. */
async function radarOver(sources: SceneRadarSources, config: SceneRadarConfigInput = {}) {
  const scenes = memoryScenesStores();
  const computed = new Map<string, number>();
  const table = scenes.scene_memberships;
  const scan = table.scan.bind(table);
  (table as { scan: typeof table.scan }).scan = (query) => {
    const slug = query?.where?.scene_slug;
    if (slug !== undefined) computed.set(slug, (computed.get(slug) ?? 0) + 1);
    return scan(query);
  };
  const radar: SceneRadar = createSceneRadar({
    sources,
    stores: { scenes, talent: memoryTalentStores() },
    clock: fixedClock(NOW),
    config,
  });
  await radar.scenes.importCatalog(world.catalog);
  return { radar, computed };
}

describe('a full refresh reads each key once per engine and computes each pulse once', () => {
  it('reads every key of every host source once by each engine', async () => {
    const counting = keyCounting(world.sources);
    const { radar } = await radarOver(counting.sources);
    counting.phase('scenes');
    await radar.scenes.refresh(NOW);
    counting.phase('talent');
    const report = await radar.talent.refresh(NOW);
    await radar.close();
    expect(report.universe).toBe('ok');
    expect(report.reads.error + report.reads.timeout).toBe(0);
    const summary = counting.summary();
    const artists = world.dataset.artistSlugs().length;
    // The Scenes Engine: networks and releases for the memberships (every artist), and the
    // members' engagement for the pulses; the networks its pulses need are the memberships' own.
    for (const method of ['mig.getNetworks', 'cmg.getReleases', 'fusion.getEngagement'])
      expect(summary[`scenes ${method}`], method).toMatchObject({ max: 1 });
    expect(summary['scenes mig.getNetworks']!.keys).toBe(artists);
    // The Talent Radar: each of its nine reads, every artist once; no pulse of its own, so no
    // second read of engagement or networks for the members of scenes.
    for (const method of [
      'mig.getArtists',
      'mig.getNetworks',
      'cmg.getReleases',
      'fusion.getCampaigns',
      'fusion.getEngagement',
      'coverage.getArticles',
      'rcf.getEvents',
      'identityKernel.getCoherence',
    ])
      expect(summary[`talent ${method}`], method).toEqual({ keys: artists, max: 1 });
    expect(Object.keys(summary).filter((k) => !k.startsWith('scenes ') && !k.startsWith('talent '))).toEqual([]);
  });

  it('computes every scene pulse once in radar.refresh(), the Talent Radar reusing the snapshots', async () => {
    const { radar, computed } = await radarOver(world.sources);
    await radar.refresh(NOW);
    expect([...computed.keys()].sort()).toEqual([...SCENES].sort());
    expect([...computed.values()].every((n) => n === 1)).toBe(true);
    // Served from what the refresh computed: the same pulses the adapter would compute.
    computed.clear();
    const served = await radar.scenesAdapter.getScenePulses(SCENES, { asOf: NOW, signal });
    expect(computed.size).toBe(0);
    await radar.scenes.pulse.clearCache();
    const fresh = await radar.scenes.pulse.batchProcessScenes(SCENES, { skipCache: true });
    for (const item of fresh) {
      const p = item.pulse!;
      expect(served.get(item.slug)).toEqual({
        sceneSlug: p.scene_slug,
        heat: p.heat,
        growth: p.growth,
        stage: p.stage,
        asOf: p.asOf,
        status: p.status,
      });
    }
    await radar.close();
  });

  it('computes a pulse once for readers asking side by side at another instant', async () => {
    const { radar, computed } = await radarOver(world.sources);
    await radar.refresh(NOW);
    computed.clear();
    const later = { asOf: new Date(NOW.getTime() + 3_600_000), signal };
    const [a, b, c] = await Promise.all([
      radar.scenesAdapter.getScenePulses(SCENES.slice(0, 16), later),
      radar.scenesAdapter.getScenePulses(SCENES.slice(8), later),
      radar.scenesAdapter.listHottestScenes({ limit: 5 }, later),
    ]);
    expect([...computed.values()].every((n) => n === 1)).toBe(true);
    expect(computed.size).toBe(SCENES.length);
    for (const slug of SCENES.slice(8, 16)) expect(a.get(slug)).toEqual(b.get(slug));
    expect(hottestScenesOf(c).length).toBe(5);
    await radar.close();
  });

  it('a Talent Radar refresh at another instant computes each main scene once, however many batches ask', async () => {
    // Small batches: 20 of them, ten in flight, ask for the same scenes at once.
    const { radar, computed } = await radarOver(world.sources, { talent: { signalBatchSize: 20 } });
    await radar.scenes.refresh(NOW);
    computed.clear();
    const report = await radar.talent.refresh(new Date(NOW.getTime() + 60_000));
    expect(report.universe).toBe('ok');
    expect(computed.size).toBeGreaterThan(0);
    expect([...computed.values()].every((n) => n === 1)).toBe(true);
    await radar.close();
  });

  it('does not serve a refresh pulse after a catalog import changed the scenes', async () => {
    const { radar, computed } = await radarOver(world.sources);
    // The Scenes Engine alone: no reader has asked for (and remembered) a pulse yet.
    await radar.scenes.refresh(NOW);
    computed.clear();
    await radar.scenesAdapter.getScenePulses([SCENES[0]!], { asOf: NOW, signal });
    expect(computed.size).toBe(0);
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenesAdapter.getScenePulses([SCENES[1]!], { asOf: NOW, signal });
    expect(computed.get(SCENES[1]!)).toBe(1);
    await radar.close();
  });
});

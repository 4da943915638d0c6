/**
 * A scene's heat computed with a source missing or failing reaches the Talent Radar with that
 * said: the ScenesAdapter's pulse summary carries the pulse's `status`, the global pulse names the
 * hottest scenes whose heat is degraded, and a scenes service that sends another status is refused
 * by the contract, not read as a heat.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock } from 'scene-radar';
import { ScenePulseSummarySchema } from 'scene-radar/schemas';
import { resolveConfig } from '../../src/config.js';
import { opportunitiesOf } from '../../src/talent/profile-items.js';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 120, end: '2026-11-24' });

async function radarWith(sources: Parameters<typeof createSceneRadar>[0]['sources']) {
  const radar = createSceneRadar({ sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh();
  return radar;
}

describe('a degraded scene heat reaches the Talent Radar marked', () => {
  it('pulse summaries carry the Scenes Engine status: degraded without Fusion, ok with every source', async () => {
    const { fusion: _absent, ...noFusion } = world.sources;
    const partial = await radarWith(noFusion);
    const slugs = world.catalog.scenes.slice(0, 3).map((s) => s.slug);
    const opts = { asOf: NOW, signal: new AbortController().signal };
    const got = [...(await partial.scenesAdapter.getScenePulses(slugs, opts)).values()];
    expect(got.length).toBe(3);
    expect(got.map((p) => p.status)).toEqual(['degraded', 'degraded', 'degraded']);
    await partial.close();
    const full = await radarWith(world.sources);
    const healthy = [...(await full.scenesAdapter.getScenePulses(slugs, opts)).values()];
    expect(healthy.map((p) => p.status)).toEqual(['ok', 'ok', 'ok']);
    await full.close();
  });

  it('the global pulse names the hottest scenes whose heat was computed with a source missing', async () => {
    const { fusion: _absent, ...noFusion } = world.sources;
    const radar = await radarWith(noFusion);
    const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 5 });
    expect(pulse.hottestScenes.length).toBeGreaterThan(0);
    const note = pulse.meta.degraded.find((d) => d.startsWith('hottestScenes: the heat of'));
    expect(note).toBeDefined();
    for (const s of pulse.hottestScenes) expect(note).toContain(s.scene_slug);
    await radar.close();
    const full = await radarWith(world.sources);
    const healthy = await full.talent.aggregator.buildGlobalPulse({ limit: 5 });
    expect(healthy.meta.degraded.filter((d) => d.startsWith('hottestScenes'))).toEqual([]);
    await full.close();
  });

  it("a profile's hot-scene opportunity says when the scene's heat is degraded", () => {
    const features = { sceneHeat: 80, sceneConfidence: 0.9, sceneSlug: 'indie-uk-brighton' } as never;
    const scores = { breakout: 0, momentum: 0 } as never;
    const config = resolveConfig();
    const [ok] = opportunitiesOf(features, scores, config, false);
    const [partial] = opportunitiesOf(features, scores, config, true);
    expect(ok).toMatchObject({ type: 'scene', score: 0.8 });
    expect(ok!.description).not.toContain('source missing');
    expect(partial).toMatchObject({ type: 'scene', score: 0.8 });
    expect(partial!.description).toContain("the scene's heat was computed with a source missing or failing");
  });

  it("a scenes service's status is part of the contract: another value is refused, absence reads as ok", () => {
    const base = { sceneSlug: 'indie-uk-brighton', heat: 70, growth: 0.1, stage: 'peaking', asOf: NOW.toISOString() };
    expect(ScenePulseSummarySchema.safeParse(base).success).toBe(true);
    expect(ScenePulseSummarySchema.safeParse({ ...base, status: 'degraded' }).success).toBe(true);
    expect(ScenePulseSummarySchema.safeParse({ ...base, status: 'stale' }).success).toBe(false);
  });
});

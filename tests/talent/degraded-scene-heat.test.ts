/**
 * A scene's heat computed with a source failing reaches the Talent Radar with that said (a source
 * the host does not have is its configuration, not a degradation): the ScenesAdapter's pulse summary carries the pulse's `status`, the global pulse names the
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

/** The demo world's sources with a Fusion whose engagement answer is malformed for every third artist (a failed read). */
function failingFusion(): Parameters<typeof createSceneRadar>[0]['sources'] {
  const fusion = world.sources.fusion!;
  return {
    ...world.sources,
    fusion: {
      ...fusion,
      getEngagement: async (slugs, options) => {
        const got = new Map(await fusion.getEngagement(slugs, options));
        slugs.forEach((slug, i) => {
          if (i % 3 === 0) got.set(slug, { malformed: true } as never);
        });
        return got;
      },
    },
  };
}

async function radarWith(sources: Parameters<typeof createSceneRadar>[0]['sources']) {
  const radar = createSceneRadar({ sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh();
  return radar;
}

describe('a degraded scene heat reaches the Talent Radar marked', () => {
  it('pulse summaries say degraded when a source failed; ok with every source, or with one the host does not have', async () => {
    const slugs = world.catalog.scenes.slice(0, 3).map((s) => s.slug);
    const opts = { asOf: NOW, signal: new AbortController().signal };
    const statuses = async (sources: Parameters<typeof createSceneRadar>[0]['sources']) => {
      const radar = await radarWith(sources);
      const got = [...(await radar.scenesAdapter.getScenePulses(slugs, opts)).values()];
      await radar.close();
      return got.map((p) => p.status);
    };
    expect(await statuses(failingFusion())).toEqual(['degraded', 'degraded', 'degraded']);
    expect(await statuses(world.sources)).toEqual(['ok', 'ok', 'ok']);
    const { fusion: _absent, ...noFusion } = world.sources;
    expect(await statuses(noFusion)).toEqual(['ok', 'ok', 'ok']);
  });

  it('the global pulse names the hottest scenes whose heat was computed with a source failing', async () => {
    const radar = await radarWith(failingFusion());
    const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 5 });
    expect(pulse.hottestScenes.length).toBeGreaterThan(0);
    const note = pulse.meta.degraded.find((d) => d.startsWith('hottestScenes: the heat of'));
    expect(note).toBeDefined();
    // The note names exactly the hottest scenes whose pulse is degraded.
    const shown = pulse.hottestScenes.map((s) => s.scene_slug);
    const summaries = await radar.scenesAdapter.getScenePulses(shown, {
      asOf: NOW,
      signal: new AbortController().signal,
    });
    const partial = shown.filter((slug) => summaries.get(slug)?.status === 'degraded');
    expect(partial.length).toBeGreaterThan(0);
    expect(note).toBe(
      `hottestScenes: the heat of ${partial.length === 1 ? 'scene' : 'scenes'} ${partial.join(', ')} was computed with a scene source failing or late, or is a last good one served stale`,
    );
    await radar.close();
    const { fusion: _absent, ...noFusion } = world.sources;
    for (const sources of [world.sources, noFusion]) {
      const other = await radarWith(sources);
      const healthy = await other.talent.aggregator.buildGlobalPulse({ limit: 5 });
      expect(healthy.hottestScenes.length).toBeGreaterThan(0);
      expect(healthy.meta.degraded.filter((d) => d.startsWith('hottestScenes'))).toEqual([]);
      await other.close();
    }
  });

  it("a profile's hot-scene opportunity says when the scene's heat is degraded", () => {
    const features = { sceneHeat: 80, sceneConfidence: 0.9, sceneSlug: 'indie-uk-brighton' } as never;
    const scores = { breakout: 0, momentum: 0 } as never;
    const config = resolveConfig();
    const [ok] = opportunitiesOf(features, scores, config, false);
    const [partial] = opportunitiesOf(features, scores, config, true);
    expect(ok).toMatchObject({ type: 'scene', score: 0.8 });
    expect(ok!.description).not.toContain('source failing');
    expect(partial).toMatchObject({ type: 'scene', score: 0.8 });
    expect(partial!.description).toContain(
      "the scene's heat was computed with a source failing or late, or is a last good one",
    );
  });

  it("a scenes service's status is part of the contract: another value is refused, absence reads as ok", () => {
    const base = { sceneSlug: 'indie-uk-brighton', heat: 70, growth: 0.1, stage: 'peaking', asOf: NOW.toISOString() };
    expect(ScenePulseSummarySchema.safeParse(base).success).toBe(true);
    expect(ScenePulseSummarySchema.safeParse({ ...base, status: 'degraded' }).success).toBe(true);
    expect(ScenePulseSummarySchema.safeParse({ ...base, status: 'stale' }).success).toBe(false);
  });
});

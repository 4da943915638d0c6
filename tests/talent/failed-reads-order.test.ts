/**
 * The counts of failed reads a refresh reports and keeps (`failedReads`, `failedHostFeatures`)
 * are keyed in one order, the sources' own (`SOURCE_NAMES`): whichever artist failed first, and
 * however a store gives the stored state back (PostgreSQL's jsonb returns object keys shortest
 * first). The Talent pulse's `meta.failedReads` and its notes list the sources in that order.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadarSources } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 60, end: '2026-11-24' });

/** `fn`'s answers with garbage for the slugs `bad` picks (an `invalid_payload` for those keys). */
function breaking<A extends object>(adapter: A, method: keyof A & string, bad: (slug: string) => boolean): A {
  const base = adapter[method] as unknown as (keys: readonly string[], o: unknown) => Promise<Map<string, unknown>>;
  return {
    ...adapter,
    [method]: async (keys: readonly string[], o: unknown) => {
      const out = new Map(await base.call(adapter, keys, o));
      for (const k of keys) if (bad(k)) out.set(k, 'garbage');
      return out;
    },
  };
}

describe('failed reads are counted in the sources order', () => {
  it('a refresh where RCF fails for the first artists and MIG networks for a later one reports mig before rcf', async () => {
    const slugs = world.dataset.artistSlugs().slice().sort();
    const first = new Set(slugs.slice(0, 3));
    const later = slugs[slugs.length - 1]!;
    const sources: SceneRadarSources = {
      ...world.sources,
      rcf: breaking(world.sources.rcf!, 'getEvents', (s) => first.has(s)),
      mig: breaking(world.sources.mig, 'getNetworks', (s) => s === later),
    };
    const radar = createSceneRadar({ sources, clock: fixedClock(NOW) });
    try {
      await radar.scenes.importCatalog(world.catalog);
      const report = await radar.refresh(NOW);
      // Counted artist by artist in slug order, RCF's failures came first: the report says mig first.
      expect(Object.keys(report.talent.failedReads)).toEqual(['mig', 'rcf']);
      const pulse = await radar.talent.aggregator.buildGlobalPulse({ skipCache: true });
      expect(Object.keys(pulse.meta.failedReads ?? {})).toEqual(['mig', 'rcf']);
      const notes = pulse.meta.degraded.filter((n) => / reads failed for /.test(n));
      expect(notes.map((n) => n.split(':')[0])).toEqual(['mig', 'rcf']);
    } finally {
      await radar.close();
    }
  });
});

// Ten or more host features share the batch's deadline signal: each used to add its own abort
// listener, so Node warned of a possible memory leak (MaxListenersExceededWarning) on every batch.
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createSceneRadar, type HostFeature } from 'scene-radar';
import { describe, expect, it } from 'vitest';

describe('host features and the deadline signal', () => {
  it('twelve host features score without a MaxListenersExceededWarning', async () => {
    const world = createDemoWorld({ seed: 7, artists: 20, end: '2025-12-31', days: 365 });
    const slugs = [...world.truth.artists()].map((a) => a.slug).slice(0, 5);
    const features: HostFeature[] = Array.from({ length: 12 }, (_, i) => ({
      name: `f${i}`,
      source: 'host',
      read: (asked) => new Map(asked.map((s) => [s, i])),
    }));
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.name);
    };
    process.on('warning', onWarning);
    const radar = createSceneRadar({ sources: world.sources, hostFeatures: features });
    try {
      const scored = await radar.talent.scoreArtists(slugs, { asOf: new Date('2025-10-01T00:00:00.000Z') });
      expect(scored.artists).toHaveLength(5);
      // Warnings are emitted on a later tick.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(warnings.filter((w) => w === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await radar.close();
    }
  });
});

/**
 * One microgenre with a stray coordinate (a typo, or a value near the float limit) must not
 * collapse the sound map: the spread used to scale it was the plain standard deviation, which one
 * outlier (or an overflow to Infinity) stretched until every other microgenre sat at the origin,
 * so every artist looked close to every scene (108 memberships became 634).
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { buildSoundMap } from '../../src/scenes/membership-math.js';

const NOW = '2026-11-25T00:00:00.000Z';

async function memberships(extra: readonly { slug: string; name: string; x: number; y: number }[]): Promise<number> {
  const world = createDemoWorld({ artists: 40, end: '2026-11-24' });
  const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
  try {
    await radar.scenes.importCatalog({
      scenes: world.catalog.scenes,
      microgenres: [...world.catalog.microgenres, ...extra],
    });
    const report = await radar.scenes.refresh(new Date(NOW));
    return report.memberships.memberships;
  } finally {
    await radar.close();
  }
}

describe('the sound map with a stray coordinate', () => {
  it('memberships stay what they were, give or take the stray point itself', async () => {
    const base = await memberships([]);
    expect(base).toBeGreaterThan(0);
    for (const extra of [
      [{ slug: 'far-away-a', name: 'Far A', x: 1e5, y: 500 }],
      [
        { slug: 'far-away-a', name: 'Far A', x: 1e200, y: 1e200 },
        { slug: 'far-away-b', name: 'Far B', x: -1e200, y: -1e200 },
      ],
    ]) {
      const got = await memberships(extra);
      expect(got).toBeGreaterThanOrEqual(base);
      expect(got).toBeLessThanOrEqual(Math.ceil(base * 1.1));
    }
  });

  it('an ordinary map is scaled by the plain standard deviation (nothing clamped)', () => {
    const rows = [0, 1, 2, 3, 4].map((v, i) => ({ slug: `g${i}`, x: v, y: 10 * v }));
    const map = buildSoundMap(rows);
    const sd = Math.sqrt(2); // of 0..4
    expect(map.get('g4')![0]).toBeCloseTo(4 / sd, 12);
    expect(map.get('g4')![1]).toBeCloseTo(40 / (10 * sd), 12);
    // Every position is finite, even beside values near the float limit.
    const wild = buildSoundMap([...rows, { slug: 'w', x: 1e308, y: -1e308 }]);
    for (const [x, y] of wild.values()) expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
  });
});

/**
 * No -0 in an explanation. Arithmetic makes it (a risk component at 0 contributes `-log(1)`, a
 * breakout input of weight 0 below its centre `0 * -x`, `Math.round` of a tiny negative momentum):
 * JSON prints it as `0`, but `Object.is` and some hosts' serialisers do not. Both engines finish
 * their explanations in one place, which makes every -0 a 0.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, resolveConfig } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { computePulse } from '../../src/scenes/pulse-math.js';

const NOW = '2026-11-25T00:00:00.000Z';

/** Paths of every -0 in `value`, array indexes as `[]`. */
function negativeZeros(value: unknown, path = ''): string[] {
  if (Object.is(value, -0)) return [path];
  if (Array.isArray(value)) return value.flatMap((x, i) => negativeZeros(x, `${path}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, x]) => negativeZeros(x, `${path}.${k}`));
  return [];
}

describe('explanations hold no -0', () => {
  it("an artist profile's momentum, breakout and risk signals", async () => {
    const world = createDemoWorld({ artists: 30, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh(new Date(NOW));
      const found: string[] = [];
      let risks = 0;
      for (const slug of world.dataset.artistSlugs().slice(0, 8)) {
        const { explanation } = await radar.talent.aggregator.buildArtistProfile(slug);
        // A component at 0 beside one above it: the case that made -0 (`-log(1)` over the total).
        if (explanation.risk.signals.some((s) => s.normalized === 0) && explanation.risk.score > 0) risks++;
        found.push(...negativeZeros(explanation, slug));
      }
      expect(risks).toBeGreaterThan(0);
      expect(found).toEqual([]);
    } finally {
      await radar.close();
    }
  }, 30_000);

  it("a scene pulse's explanation (and growth) when momentum rounds to zero from below", () => {
    const asOfMs = Date.parse(NOW);
    // Engagement a hair lower in the current window: log growth about -1e-6, rounded to -0.
    const organic = Array.from({ length: 116 }, (_, d) => (d < 86 ? 1000 : 999.999));
    const pulse = computePulse(
      {
        scene: { slug: 'indie-uk-brighton', name: 'Brighton Indie', region: 'uk' },
        members: [
          { artist_slug: 'a', confidence: 1, joined_at: '2025-01-01T00:00:00.000Z', microgenres: ['shoegaze'] },
        ],
        engagement: new Map([['a', { start: '2026-08-01', organic, paid: organic.map(() => 0) }]]),
        networks: new Map(),
        sources: {},
        asOfMs,
        nowMs: asOfMs,
        membershipsAsOfMs: asOfMs,
      },
      resolveConfig().scenes.pulse,
    );
    const momentum = pulse.explanation.find((x) => x.signal === 'member_momentum')!;
    expect(momentum.available).toBe(true);
    expect(Object.is(momentum.raw, 0)).toBe(true);
    expect(negativeZeros(pulse)).toEqual([]);
  });
});

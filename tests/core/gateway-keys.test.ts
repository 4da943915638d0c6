/**
 * The gateway checks an answer against the key it was asked for: a MIG record filed under another
 * artist's key is that key's invalid payload (it used to score one artist with another's debut,
 * home and city), and a network that lists the artist as its own collaborator loses that link.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadarSources } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');

describe('answers checked against their keys', () => {
  it("a record answered under another artist's key is an invalid payload for that key, reported", async () => {
    const world = createDemoWorld({ artists: 30, end: '2026-11-24' });
    const [a, b] = world.dataset.artistSlugs();
    const swapped: SceneRadarSources = {
      ...world.sources,
      mig: {
        ...world.sources.mig!,
        getArtists: async (slugs, options) => {
          const got = await world.sources.mig!.getArtists(slugs, options);
          const other = (await world.sources.mig!.getArtists([b!], options)).get(b!)!;
          return new Map([...got].map(([k, v]) => [k, k === a ? other : v] as const));
        },
      },
    };
    const radar = createSceneRadar({ sources: swapped, clock: fixedClock(NOW) });
    try {
      const signals = await radar.talent.signals.aggregateArtistSignals(a!, { asOf: NOW });
      expect(signals.reads.record.status).toBe('error');
      expect(signals.reads.record.reason ?? '').toMatch(new RegExp(`answered the record of ${b} for ${a}`));
      expect(signals.record?.slug ?? a).toBe(a);
    } finally {
      await radar.close();
    }
  });

  it('an artist listed as its own collaborator is not counted as one', async () => {
    const world = createDemoWorld({ artists: 30, end: '2026-11-24' });
    const a = world.dataset.artistSlugs()[0]!;
    const selfish: SceneRadarSources = {
      ...world.sources,
      mig: {
        ...world.sources.mig!,
        getNetworks: async (slugs, options) => {
          const got = await world.sources.mig!.getNetworks(slugs, options);
          return new Map(
            [...got].map(
              ([k, n]) =>
                [
                  k,
                  { ...n, collaborators: [...n.collaborators, { artist: k, weight: 1, since: '2026-01-01' }] },
                ] as const,
            ),
          );
        },
      },
    };
    const plain = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    const radar = createSceneRadar({ sources: selfish, clock: fixedClock(NOW) });
    try {
      const want = await plain.talent.signals.aggregateArtistSignals(a, { asOf: NOW });
      const got = await radar.talent.signals.aggregateArtistSignals(a, { asOf: NOW });
      expect(got.reads.network.status).toBe('ok');
      expect(got.network?.collaborators.map((c) => c.artist)).toEqual(want.network?.collaborators.map((c) => c.artist));
      expect(got.network?.collaborators.some((c) => c.artist === a)).toBe(false);
    } finally {
      await Promise.all([plain.close(), radar.close()]);
    }
  });
});

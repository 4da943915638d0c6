/**
 * Hostile review 64: the Talent Radar's feature extraction and scoring under odd but
 * contract-valid source data (src/talent/features.ts, the gateway's canonical form of what the
 * features read), held to docs/scoring.md, docs/adapters.md and docs/reliability.md. Every test
 * here fails on the code as reviewed, because of the fault its name states.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import type { MIGAdapter, SceneRadarSources } from '../../src/index.js';
import {
  createDemoWorld,
  createEagerDataset,
  createMemorySources,
  type ArtistHistory,
} from '../../adapters/memory/index.js';

const DAY = 86_400_000;
const END = '2026-11-24';
const AS_OF = new Date('2026-11-25T00:00:00.000Z');
const addDays = (d: string, n: number): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/** An artist with nothing but the given Fusion engagement series. */
function withEngagement(slug: string, organic: (number | null)[], paid: (number | null)[]): ArtistHistory {
  return {
    record: { slug, name: slug, homeRegion: 'us', homeCity: null, firstSeen: '2024-01-01T00:00:00.000Z' },
    tastemakers: [],
    collaborators: [],
    releases: [],
    campaigns: [],
    articles: [],
    events: [],
    memberships: [],
    engagement: { start: addDays(END, -(organic.length - 1)), organic, paid },
    coherence: { start: END, values: [] },
  } as ArtistHistory;
}

describe('hostile review 64: Talent features and scores under odd source data', () => {
  // features.ts paidShare (lines 161-163): paid and organic are each summed over their own known
  // days, so days whose organic engagement is unknown (null) count as 0 organic.
  it('paid share reads days of unknown organic engagement as zero organic: 93% "paid dependence" from one known day at 10 organic / 5 paid', async () => {
    // The recent window: organic known on the last day only (10), paid known on every day (5).
    // docs/scoring.md: "null means no evidence ... never zero". The one day with both known says
    // 5 / (5 + 10) = 1/3; the 27 days without an organic figure say nothing about the share.
    const days = 60;
    const organic = Array.from({ length: days }, (_, d) => (d === days - 1 ? 10 : null));
    const paid = Array.from({ length: days }, () => 5);
    const histories = [withEngagement('sparse-organic', organic, paid)];
    // Fillers so the population is not a single artist.
    for (let i = 0; i < 5; i++)
      histories.push(
        withEngagement(
          `filler-${i}`,
          Array.from({ length: days }, () => 100 + i),
          Array.from({ length: days }, () => 0),
        ),
      );
    const sources = createMemorySources(createEagerDataset({ histories }));
    const radar = createSceneRadar({ sources, clock: fixedClock(AS_OF) });
    try {
      const scored = await radar.talent.scoreArtists(
        histories.map((h) => h.record.slug),
        { asOf: AS_OF },
      );
      await radar.talent.refresh(AS_OF);
      const profile = await radar.talent.aggregator.buildArtistProfile('sparse-organic');
      expect({
        paidShare: Number(scored.features[0]!.paidShare!.toFixed(6)),
        paidDependenceItem: profile.risks.some((r) => r.type === 'paid_dependence'),
      }).toEqual({ paidShare: Number((1 / 3).toFixed(6)), paidDependenceItem: false });
    } finally {
      await radar.close();
    }
  });

  // core/gateway/bounds.ts DISTINCT['mig.getNetworks'] (distinctBy, first delivery) runs before
  // CANONICAL sorts the links: which of a partner's repeated links survives depends on the order
  // the source listed them; features.ts then counts new collaborators from that survivor.
  it('a partner listed twice (a collaboration that grew) gives a different breakout score depending on the order the source lists the two links', async () => {
    // A contract-valid network: the schema allows a partner more than once (the memory adapter
    // reads such a list as steps of one growing collaboration, dated by its first). The gateway
    // puts links "in one order ... so every sum runs in one order" (docs/reliability.md), yet the
    // order of delivery decides whether the collaboration is new (new_collaborators, weight 0.67).
    const world = createDemoWorld({ artists: 40, end: '2026-11-25' });
    const slugs = world.dataset.artistSlugs();
    const target = slugs[0]!;
    const old = { artist: 'zz-partner', weight: 1, since: '2025-01-10T00:00:00.000Z' };
    const grown = { artist: 'zz-partner', weight: 2, since: '2026-11-10T00:00:00.000Z' };
    const score = async (links: readonly (typeof old)[]) => {
      const mig0 = world.sources.mig;
      const mig: MIGAdapter = {
        ...mig0,
        getNetworks: async (keys, o) => {
          const out = new Map(await mig0.getNetworks(keys, o));
          const n = out.get(target);
          if (n) out.set(target, { ...n, collaborators: [...n.collaborators, ...links] });
          return out;
        },
      };
      const sources: SceneRadarSources = { ...world.sources, mig };
      const radar = createSceneRadar({ sources, clock: fixedClock(AS_OF) });
      try {
        const s = await radar.talent.scoreArtists(slugs, { asOf: AS_OF });
        return { breakout: s.artists[0]!.breakout, newCollaborators: s.features[0]!.newCollaborators };
      } finally {
        await radar.close();
      }
    };
    const oldFirst = await score([old, grown]);
    const grownFirst = await score([grown, old]);
    expect(grownFirst).toEqual(oldFirst);
  });
});

/**
 * Hostile review 32 of the Talent Radar's signal computation and scoring: features, similar
 * artists and the explanation, driven through the public API (`createSceneRadar`) over
 * hand-written sources, against docs/scoring.md (the as-of rule for daily data, sections 2, 4, 5
 * and 8) and the contracts. Every test fails on the code as reviewed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createSceneRadar,
  fixedClock,
  type ArtistNetwork,
  type RcfEvent,
  type ReleaseFingerprint,
  type SceneRadarSources,
} from '../../src/index.js';
import { DEFAULT_BREAKOUT_MODEL } from '../../src/talent/breakout-model.js';

const DAY = 86_400_000;
const END = '2026-11-24';
const addDays = (d: string, n: number): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const fill = (n: number, v: number): number[] => Array.from({ length: n }, () => v);
const rel = (id: string, day: string, vector: number[]): ReleaseFingerprint => ({
  releaseId: id,
  releasedAt: day,
  vector,
  microgenres: [],
});

interface Spec {
  readonly slug: string;
  /** Organic engagement ending on END (paid 0); none: no Fusion series. */
  readonly organic?: readonly number[];
  readonly network?: ArtistNetwork;
  readonly events?: readonly RcfEvent[];
  readonly releases?: readonly ReleaseFingerprint[];
}

/** Sources answering exactly the specs (scenes come from the radar's own engine). */
function sourcesOf(specs: readonly Spec[]): SceneRadarSources {
  const by = new Map(specs.map((s) => [s.slug, s]));
  const pick = <T>(slugs: readonly string[], f: (s: Spec) => T | undefined): Map<string, T> => {
    const out = new Map<string, T>();
    for (const slug of slugs) {
      const s = by.get(slug);
      const v = s ? f(s) : undefined;
      if (v !== undefined) out.set(slug, v);
    }
    return out;
  };
  const record = (s: Spec) => ({
    slug: s.slug,
    name: s.slug,
    homeRegion: 'uk',
    homeCity: null,
    firstSeen: '2020-01-01T00:00:00.000Z',
    debut: null,
  });
  return {
    mig: {
      listArtists: async () => ({ items: specs.map(record), nextCursor: null }),
      getArtists: async (slugs) => pick(slugs, record),
      getNetworks: async (slugs) => pick(slugs, (s) => s.network),
    },
    fusion: {
      getCampaigns: async (slugs) => pick(slugs, () => []),
      getEngagement: async (slugs) =>
        pick(slugs, (s) =>
          s.organic
            ? { start: addDays(END, -(s.organic.length - 1)), organic: [...s.organic], paid: s.organic.map(() => 0) }
            : undefined,
        ),
    },
    rcf: { getEvents: async (slugs) => pick(slugs, (s) => (s.events ? [...s.events] : [])) },
    cmg: { getReleases: async (slugs) => pick(slugs, (s) => (s.releases ? [...s.releases] : [])) },
    coverage: { getArticles: async (slugs) => pick(slugs, () => []) },
  };
}

describe('faults', () => {
  it('similar artists follow the as-of rule at a day boundary: a collaboration dated by the bare day D is evidence in a profile as of D + 1 00:00Z, as it is in the features (new_collaborators)', async () => {
    // Known at the end of 2026-11-24, that is at 2026-11-25T00:00Z: the profile's instant.
    const network: ArtistNetwork = {
      tastemakers: [],
      centrality: null,
      collaborators: [{ artist: 'c-1', weight: 3, since: '2026-11-24' }],
    };
    const radar = createSceneRadar({
      sources: sourcesOf([{ slug: 'a-main', organic: fill(60, 1000), network }, { slug: 'c-1' }]),
      clock: fixedClock(new Date('2026-11-25T00:00:00.000Z')),
    });
    try {
      const profile = await radar.talent.aggregator.buildArtistProfile('a-main');
      const input = profile.explanation.breakout.signals.find((s) => s.signal === 'new_collaborators');
      // The score counts the collaboration (known at asOf)...
      expect(input?.raw).toBe(1);
      // ...so the similar artists of the same profile must too (docs/scoring.md section 8: "a
      // collaboration that starts later ... is no evidence (as in the features)"; this one does not start later).
      expect(profile.similarArtists.map((s) => s.artist_slug)).toEqual(['c-1']);
      expect(profile.similarArtists[0]!.reasons).toContain('collaborated (weight 3)');
    } finally {
      await radar.close();
    }
  });

  it("breadth and spread count markets, not spellings: the region codes 'uk', 'UK' and ' uk' are one region, and not a new one when 'uk' was seen before the window (codes compare trimmed and without case, docs/scoring.md section 9)", async () => {
    const ev = (id: string, at: string, region: string): RcfEvent => ({
      id,
      type: 'radio_play',
      at,
      weight: 1,
      region,
    });
    const events = [
      ev('old', '2026-06-01T10:00:00.000Z', 'uk'),
      ev('e1', '2026-11-20T10:00:00.000Z', 'uk'),
      ev('e2', '2026-11-21T10:00:00.000Z', 'UK'),
      ev('e3', '2026-11-22T10:00:00.000Z', ' uk'),
    ];
    const radar = createSceneRadar({
      sources: sourcesOf([{ slug: 'a-main', events }]),
      clock: fixedClock(new Date('2026-11-25T12:00:00.000Z')),
    });
    try {
      const { features } = await radar.talent.scoreArtists(['a-main']);
      expect(features[0]!.regions).toBe(1);
      expect(features[0]!.newRegions).toBe(0);
    } finally {
      await radar.close();
    }
  });

  it('creative shift and drift do not depend on the scale of the fingerprints: two releases pointing the same way (components 1e-200 and 2e-200) show no shift, no drift and no drift risk', async () => {
    const releases = [rel('r1', '2026-03-01', [1e-200, 1e-200]), rel('r2', '2026-09-01', [2e-200, 2e-200])];
    const same = [rel('r1', '2026-03-01', [1, 1]), rel('r2', '2026-09-01', [2, 2])];
    const radar = createSceneRadar({
      sources: sourcesOf([
        { slug: 'a-tiny', organic: fill(60, 1000), releases },
        { slug: 'a-unit', organic: fill(60, 1000), releases: same },
      ]),
      clock: fixedClock(new Date('2026-11-25T12:00:00.000Z')),
    });
    try {
      const { features, artists } = await radar.talent.scoreArtists(['a-tiny', 'a-unit']);
      // The same direction at unit scale: no move at all.
      expect(features[1]!.creativeShift).toBeCloseTo(0, 12);
      expect(features[1]!.drift).toBeCloseTo(0, 12);
      // 1 - cosine is scale-free: the tiny fingerprints are the same two directions.
      expect(features[0]!.creativeShift).toBeCloseTo(0, 12);
      expect(features[0]!.drift).toBeCloseTo(0, 12);
      expect(artists[0]!.risk).toBeCloseTo(artists[1]!.risk!, 12);
    } finally {
      await radar.close();
    }
  });

  it('similar artists: fingerprints with tiny components (1e-160) give a similarity within 0-1 and a finite cosine in the reason, never Infinity (which JSON sends as null)', async () => {
    const network: ArtistNetwork = {
      tastemakers: [],
      centrality: null,
      collaborators: [{ artist: 'c-1', weight: 1, since: '2025-01-01' }],
    };
    const radar = createSceneRadar({
      sources: sourcesOf([
        { slug: 'a-main', organic: fill(60, 1000), network, releases: [rel('a1', '2026-05-01', [1e-160, 0])] },
        { slug: 'c-1', releases: [rel('c1', '2026-05-01', [1e-160, 0])] },
      ]),
      clock: fixedClock(new Date('2026-11-25T12:00:00.000Z')),
    });
    try {
      const { similarArtists } = await radar.talent.aggregator.buildArtistProfile('a-main');
      expect(similarArtists).toHaveLength(1);
      const s = similarArtists[0]!;
      expect(Number.isFinite(s.similarity)).toBe(true);
      expect(s.similarity).toBeGreaterThanOrEqual(0);
      expect(s.similarity).toBeLessThanOrEqual(1);
      // Same direction: the same sound (cosine 1), said as such.
      expect(s.reasons).toContain('similar sound (fingerprint cosine 1.00)');
    } finally {
      await radar.close();
    }
  });

  it("docs/scoring.md's table of every default of config.talent.model gives DEFAULT_BREAKOUT_MODEL's intercept (the one section 4 and the code use)", () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/scoring.md'), 'utf8');
    const m = /`DEFAULT_BREAKOUT_MODEL`: intercept (-?[0-9.]+)/.exec(doc);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(DEFAULT_BREAKOUT_MODEL.intercept);
  });
});

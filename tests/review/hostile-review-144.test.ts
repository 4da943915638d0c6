/**
 * Hostile review 144: whether the Talent Radar's lists (rising, breakout, at risk), trajectory and
 * reasons mean what they say for a label that trusts them, after momentum's size was redefined
 * (`activityLevel` is the larger of the two windows momentum compares). Hand-built worlds
 * (createEagerDataset + createMemorySources), a fixed clock (2026-03-02T00:00Z), one refresh each.
 *
 * Checked: a steep decliner (Fusion or RCF) is on the at-risk list and never on the rising list; a
 * riser never at risk; the decline reason names the feed it was read from and its sign agrees
 * with the growth shown; list order is by score then slug, whatever order the sources list the
 * artists in; every limit gives a prefix of the longer list (no duplicate, no skip) and `total`
 * counts every qualifier; single-source artists get finite, consistent values; a failed Fusion read
 * is said in the pulse's meta and the profile's sources, with no decline read off the other feed and
 * no NaN anywhere.
 *
 * The test named "FAULT:" failed on the code as reviewed (fixed in the same session: momentum sizes
 * an events-only artist by its standing among the population's events artists, `sizeLevelOf` in
 * src/talent/scoring.ts): an events-only artist's activity level was event weight per day, in the
 * host's own units, so the shrink towards 50 that suits engagement per day pulled a small-unit
 * feed's collapse back to "stable" (42.0; now 11.1, "declining"). A second case the review
 * reported (a series that stopped arriving reads 50) is kept as designed and pinned below. The
 * others pin behaviour found correct.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type ArtistHistory, createEagerDataset, createMemorySources } from '../../adapters/memory/index.js';
import { createSceneRadar, fixedClock, type SceneRadar, type SceneRadarSources } from '../../src/index.js';

const DAY = 86_400_000;
const AS_OF = new Date('2026-03-02T00:00:00.000Z');
const LAST = '2026-03-01';
const addDays = (d: string, n: number): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const SPAN = 400;

interface Spec {
  readonly slug: string;
  /** Organic engagement by days back from LAST (undefined: no known day = series shorter). */
  readonly organic?: (b: number) => number | null;
  /** Events: [days back from LAST, weight]. */
  readonly events?: readonly (readonly [number, number])[];
  readonly articles?: readonly number[];
}

function history(s: Spec): ArtistHistory {
  const organic = s.organic ? Array.from({ length: SPAN }, (_, i) => s.organic!(SPAN - 1 - i)) : [];
  return {
    record: {
      slug: s.slug,
      name: s.slug,
      homeRegion: 'us',
      homeCity: null,
      firstSeen: '2020-01-01T00:00:00.000Z',
      debut: null,
    },
    tastemakers: [],
    collaborators: [],
    releases: [],
    campaigns: [],
    articles: (s.articles ?? []).map((b, i) => ({
      id: `${s.slug}-a${i}`,
      publishedAt: addDays(LAST, -b),
      outlet: 'x',
      outletQuality: 0.8,
      title: 't',
      url: 'https://x.test/a',
    })),
    events: (s.events ?? []).map(([b, w], i) => ({
      id: `${s.slug}-${i}`,
      type: 'chart_entry',
      at: addDays(LAST, -b),
      weight: w,
      region: 'us',
    })),
    memberships: [],
    engagement: { start: addDays(LAST, -(SPAN - 1)), organic, paid: organic.map((v) => (v === null ? null : 0)) },
    coherence: { start: '2020-01-01', values: [] },
  } as unknown as ArtistHistory;
}

const open: SceneRadar[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});
type Wrap = (s: Required<SceneRadarSources>) => SceneRadarSources;
async function world(specs: readonly Spec[], wrap?: Wrap) {
  const base = createMemorySources(createEagerDataset({ histories: specs.map(history), workspaces: [] }));
  const radar = createSceneRadar({ sources: wrap ? wrap(base) : base, clock: fixedClock(AS_OF) });
  open.push(radar);
  const report = await radar.refresh();
  return { radar, report };
}

const flat = (n: number, v: number): Spec[] =>
  Array.from({ length: n }, (_, i) => ({ slug: `flat-${String(i).padStart(2, '0')}`, organic: () => v }));
const weekly = (from: number, to: number, w: number): [number, number][] => {
  const o: [number, number][] = [];
  for (let b = from; b <= to; b += 7) o.push([b, w]);
  return o;
};

const RISER = (slug: string): Spec => ({ slug, organic: (b) => (b < 28 ? 2000 : 100) });

const SPECS: Spec[] = [
  ...flat(22, 1500),
  { slug: 'e-steep', organic: (b) => (b < 28 ? 20 : 2000) },
  { slug: 'e-zero', organic: (b) => (b < 28 ? 0 : 2000) },
  RISER('e-rise-b'),
  RISER('e-rise-a'),
  { slug: 'r-steep', events: weekly(28, 360, 10) },
  { slug: 'r-rise', events: [...weekly(0, 27, 10), ...weekly(28, 360, 1)] },
  { slug: 'r-gone', events: weekly(60, 360, 10) },
  { slug: 'm-both', organic: (b) => (b < 28 ? 300 : 1200), events: weekly(0, 360, 5), articles: [3, 10] },
];

const slugs = (xs: readonly { artist_slug: string }[]) => xs.map((a) => a.artist_slug);

/** Paths of every number in `x` that is NaN or infinite. */
function nonFinite(x: unknown, path = '$', out: string[] = []): string[] {
  if (typeof x === 'number' && !Number.isFinite(x)) out.push(path);
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) nonFinite(v, `${path}.${k}`, out);
  return out;
}

describe('lists, trajectory and reasons agree with the numbers', () => {
  it('a steep Fusion decliner is at risk (decline, read off organic engagement), declining, never rising', async () => {
    const { radar } = await world(SPECS);
    const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 100 });
    for (const slug of ['e-steep', 'e-zero', 'm-both']) {
      expect(slugs(pulse.artistsAtRisk)).toContain(slug);
      expect(slugs(pulse.topRisingArtists)).not.toContain(slug);
      const p = await radar.talent.aggregator.buildArtistProfile(slug);
      expect(p.trajectory.momentum).toBe('declining');
      expect(p.opportunities.map((o) => o.type)).not.toContain('momentum');
      const decline = p.risks.find((r) => r.type === 'decline');
      expect(decline?.description).toBe('Organic activity is falling against the previous window');
      const growth = p.explanation.momentum.signals.find((s) => s.signal === 'engagement_growth');
      expect(growth!.raw!).toBeLessThan(0);
      const sig = p.explanation.risk.signals.find((s) => s.signal === 'decline')!;
      expect(sig.raw).toBe(growth!.raw);
      expect(decline!.score).toBe(Math.round(sig.normalized! * 1000) / 1000);
    }
  });

  it('a riser (Fusion or RCF) is never at risk and carries no decline reason; the rising list reads momentum >= 70', async () => {
    const { radar } = await world(SPECS);
    const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 100 });
    // r-rise (a tenfold rise of chart points) reads 86.7 since momentum sizes an events-only artist
    // by its standing among the events artists (it read 58, "stable", on 10 points a week).
    expect(slugs(pulse.topRisingArtists)).toEqual(['r-rise', 'e-rise-a', 'e-rise-b']);
    for (const a of pulse.topRisingArtists) expect(a.momentum).toBeGreaterThanOrEqual(70);
    for (const slug of ['e-rise-a', 'r-rise']) {
      expect(slugs(pulse.artistsAtRisk)).not.toContain(slug);
      const p = await radar.talent.aggregator.buildArtistProfile(slug);
      expect(p.risks).toEqual([]);
      expect(p.trajectory.momentum).not.toBe('declining');
    }
    const rise = await radar.talent.aggregator.buildArtistProfile('e-rise-a');
    expect(rise.trajectory.momentum).toBe('rising');
    expect(rise.opportunities.find((o) => o.type === 'momentum')?.score).toBe(rise.artist.momentum / 100);
  });

  it('an events-only decliner is at risk with the event-feed reason, never rising', async () => {
    const { radar } = await world(SPECS);
    const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 100 });
    expect(slugs(pulse.artistsAtRisk)).toContain('r-steep');
    expect(slugs(pulse.topRisingArtists)).not.toContain('r-steep');
    const p = await radar.talent.aggregator.buildArtistProfile('r-steep');
    expect(p.risks.find((r) => r.type === 'decline')?.description).toMatch(/^Activity on the event feed is falling/);
    const eg = p.explanation.momentum.signals.find((s) => s.signal === 'event_growth')!;
    expect(eg.raw!).toBeLessThan(0);
    expect(p.artist.momentum).toBeLessThan(50);
  });

  it('FAULT: an events-only artist whose chart activity fell to nothing reads trajectory "stable" beside a full-strength decline', async () => {
    // r-steep: 10 chart points a week for a year, none in the last 28 days. The profile's decline
    // risk is 1 ("Activity on the event feed is falling..."), but momentum is 42.0, "stable": the
    // activity level is event weight per day (10 / 7 = 1.43), so the shrink (ln 2.43 / ln 1001 =
    // 0.13) pulls a total collapse back towards 50. Same fall on Fusion reads 23, "declining".
    const { radar } = await world(SPECS);
    const p = await radar.talent.aggregator.buildArtistProfile('r-steep');
    expect(p.risks.find((r) => r.type === 'decline')?.score).toBe(1);
    expect(p.trajectory.momentum).toBe('declining');
  });

  it('the momentum of an events-only artist does not depend on the units of event weight (every weight x100: the same momentum)', async () => {
    // Added with the fix of the FAULT above: the events basis is sized by standing, not by weight.
    const scaled = SPECS.map((x) =>
      x.events ? { ...x, events: x.events.map(([b, w]) => [b, w * 100] as [number, number]) } : x,
    );
    const [a, b] = [await world(SPECS), await world(scaled)];
    for (const slug of ['r-steep', 'r-rise', 'r-gone', 'e-steep', 'e-rise-a']) {
      const [pa, pb] = [
        await a.radar.talent.aggregator.buildArtistProfile(slug),
        await b.radar.talent.aggregator.buildArtistProfile(slug),
      ];
      expect(pb.artist.momentum).toBe(pa.artist.momentum);
      expect(pb.trajectory.momentum).toBe(pa.trajectory.momentum);
    }
  });

  it('a Fusion artist whose series stopped arriving (2,000 a day, then no data) reads momentum 50 and is at risk through stale data: days not reported are unknown, not zero', async () => {
    // e-null: 2,000 a day until 28 days ago, then no known day. Reported by the review as a fault
    // (momentum 50, "stable", no decline) and kept as designed: a day the source does not report
    // says nothing about the artist (a feed that stopped is not an artist that collapsed), so no
    // growth is read from it; the profile says why its numbers are old (stale_data) and the
    // artist is on the at-risk list for it, as an artist gone from every window is (below).
    const { radar } = await world([...SPECS, { slug: 'e-null', organic: (b) => (b < 28 ? null : 2000) }]);
    const p = await radar.talent.aggregator.buildArtistProfile('e-null');
    expect(p.artist.momentum).toBe(50);
    expect(p.risks.map((r) => r.type)).toEqual(['stale_data']);
    const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 100 });
    expect(slugs(pulse.artistsAtRisk)).toContain('e-null');
  });

  it('an artist gone for longer than both windows is on the at-risk list as stale data (momentum 50 is documented)', async () => {
    const { radar } = await world(SPECS);
    const p = await radar.talent.aggregator.buildArtistProfile('r-gone');
    expect(p.artist.momentum).toBe(50);
    expect(p.risks.map((r) => r.type)).toEqual(['stale_data']);
    const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 100 });
    expect(slugs(pulse.artistsAtRisk)).toContain('r-gone');
  });
});

describe('order, limits and pagination', () => {
  it('ties are ordered by slug, and the lists do not depend on the order the sources list artists in', async () => {
    const a = await world(SPECS);
    const b = await world([...SPECS].reverse());
    const pa = await a.radar.talent.aggregator.buildGlobalPulse({ limit: 100 });
    const pb = await b.radar.talent.aggregator.buildGlobalPulse({ limit: 100 });
    expect(slugs(pb.topRisingArtists)).toEqual(slugs(pa.topRisingArtists));
    expect(slugs(pb.artistsAtRisk)).toEqual(slugs(pa.artistsAtRisk));
    expect(slugs(pb.topBreakoutCandidates)).toEqual(slugs(pa.topBreakoutCandidates));
    // e-rise-a and e-rise-b have the same history: the same momentum, slug order (after r-rise).
    const rising = pa.topRisingArtists.filter((x) => x.artist_slug.startsWith('e-rise'));
    expect(rising[0]!.momentum).toBe(rising[1]!.momentum);
    expect(slugs(pa.topRisingArtists)).toEqual(['r-rise', 'e-rise-a', 'e-rise-b']);
    // e-steep and e-zero tie on risk (decline at 1): slug order.
    const risk = pa.artistsAtRisk;
    for (let i = 1; i < risk.length; i++) {
      const [x, y] = [risk[i - 1]!, risk[i]!];
      expect(x.risk_score > y.risk_score || (x.risk_score === y.risk_score && x.artist_slug < y.artist_slug)).toBe(
        true,
      );
    }
  });

  it('every limit gives a prefix of the longer list: no duplicate, no skip; total counts every qualifier', async () => {
    const { radar } = await world(SPECS);
    const ag = radar.talent.aggregator;
    for (const category of ['rising', 'breakout', 'risk'] as const) {
      const full = await ag.getTopArtists({ category, limit: 100 });
      const all = slugs(full.artists);
      expect(new Set(all).size).toBe(all.length);
      expect(full.total).toBe(all.length);
      for (let k = 1; k <= all.length + 1; k++) {
        const part = await ag.getTopArtists({ category, limit: k });
        expect(slugs(part.artists)).toEqual(all.slice(0, k));
        expect(part.total).toBe(full.total);
        const pulse = await ag.buildGlobalPulse({ limit: k });
        const list =
          category === 'rising'
            ? pulse.topRisingArtists
            : category === 'risk'
              ? pulse.artistsAtRisk
              : pulse.topBreakoutCandidates;
        expect(slugs(list)).toEqual(all.slice(0, k));
      }
    }
  });
});

describe('single-source artists and degraded sources', () => {
  it('engagement-only and events-only artists get finite, consistent values (record = profile, trajectory = bands)', async () => {
    const { radar } = await world(SPECS);
    const { artists } = await radar.talent.aggregator.getArtistScores(SPECS.map((s) => s.slug));
    expect(artists.length).toBe(SPECS.length);
    expect(nonFinite(artists)).toEqual([]);
    for (const slug of ['e-steep', 'e-rise-a', 'r-steep', 'r-rise', 'r-gone']) {
      const p = await radar.talent.aggregator.buildArtistProfile(slug);
      expect(nonFinite(p)).toEqual([]);
      const rec = artists.find((a) => a.artist_slug === slug)!;
      expect(p.artist.momentum).toBe(rec.momentum);
      expect(p.artist.risk_score).toBe(rec.risk_score);
      const m = rec.momentum;
      expect(p.trajectory.momentum).toBe(m >= 70 ? 'rising' : m < 30 ? 'declining' : 'stable');
      const c = p.explanation.momentum.signals.reduce((s, x) => s + x.contribution, 0);
      expect(100 / (1 + Math.exp(-c))).toBeCloseTo(m, 9);
    }
  });

  it('a failed Fusion read is said in the pulse and the profile; no decline is read off the events; no NaN', async () => {
    const fail: Wrap = (s) => ({
      ...s,
      fusion: {
        ...s.fusion,
        maxBatchSize: 1,
        getEngagement: (keys, o) =>
          keys.includes('m-both') ? Promise.reject(new Error('boom')) : s.fusion.getEngagement(keys, o),
      },
    });
    const { radar } = await world(SPECS, fail);
    const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 100 });
    expect(pulse.meta.failedReads).toEqual({ fusion: 1 });
    expect(pulse.meta.degraded.some((d) => d.startsWith('fusion: reads failed for 1 artists'))).toBe(true);
    expect(nonFinite(pulse)).toEqual([]);
    const p = await radar.talent.aggregator.buildArtistProfile('m-both');
    expect(p.explanation.sources.engagement.status).toBe('error');
    expect(p.risks.map((r) => r.type)).not.toContain('decline');
    expect(p.explanation.risk.signals.find((s) => s.signal === 'decline')!.normalized).toBeNull();
    expect(nonFinite(p)).toEqual([]);
    const { artists } = await radar.talent.aggregator.getArtistScores(['m-both']);
    expect(artists[0]!.confidence).toBeLessThan(1);
  });
});

/**
 * Hostile review 11 of the Talent Radar's feature extraction and scoring from source data, driven
 * through the public API (`createSceneRadar(...).talent.scoreArtists`) over hand-written sources
 * that answer exactly what a test gives them (no as-of filtering, no sorting), against what
 * docs/scoring.md promises. Failing tests are faults; the rest guard behaviour that is right now.
 */
import { describe, expect, it } from 'vitest';
import {
  createSceneRadar,
  fixedClock,
  type Article,
  type ArtistNetwork,
  type RcfEvent,
  type ReleaseFingerprint,
  type SceneRadarSources,
} from 'scene-radar';

const DAY = 86_400_000;
const addDays = (d: string, n: number): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
/** As of a day boundary: the last complete day is END. */
const AS_OF = new Date('2026-11-25T00:00:00.000Z');
const END = '2026-11-24';

interface Spec {
  readonly slug: string;
  /** Organic engagement ending on `endDay` (default END); paid all 0. */
  readonly organic?: readonly (number | null)[];
  readonly endDay?: string;
  readonly events?: readonly RcfEvent[];
  readonly releases?: readonly ReleaseFingerprint[];
  readonly articles?: readonly Article[];
  readonly network?: ArtistNetwork;
  readonly debut?: string | null;
  /** A raw engagement answer (anything), instead of `organic`. */
  readonly rawEngagement?: unknown;
}

/** Sources answering exactly the specs (what a careless host could answer): no filtering, no sorting. */
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
    debut: s.debut ?? null,
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
        pick(slugs, (s) => {
          if (s.rawEngagement !== undefined) return s.rawEngagement as never;
          if (!s.organic) return undefined;
          return {
            start: addDays(s.endDay ?? END, -(s.organic.length - 1)),
            organic: [...s.organic],
            paid: s.organic.map((v) => (v === null ? null : 0)),
          };
        }),
    },
    rcf: { getEvents: async (slugs) => pick(slugs, (s) => s.events) },
    cmg: { getReleases: async (slugs) => pick(slugs, (s) => s.releases) },
    coverage: { getArticles: async (slugs) => pick(slugs, (s) => s.articles) },
  };
}

type RadarOptions = Parameters<typeof createSceneRadar>[0];
function radarOf(specs: readonly Spec[], config?: RadarOptions['config'], now: Date = AS_OF) {
  return createSceneRadar({ sources: sourcesOf(specs), clock: fixedClock(now), ...(config ? { config } : {}) });
}
async function score(specs: readonly Spec[], options: { config?: RadarOptions['config']; asOf?: Date } = {}) {
  const asOf = options.asOf ?? AS_OF;
  const radar = radarOf(specs, options.config, asOf);
  try {
    return await radar.talent.scoreArtists(
      specs.map((s) => s.slug),
      { asOf },
    );
  } finally {
    await radar.close();
  }
}

/** An event `back` days (and `hours` more) before AS_OF. */
const ev = (id: string, back: number, weight = 1, type: RcfEvent['type'] = 'radio_play', hours = 12): RcfEvent => ({
  id,
  type,
  at: new Date(AS_OF.getTime() - back * DAY - hours * 3_600_000).toISOString(),
  weight,
  region: 'uk',
});
const fill = (n: number, v: number | null): (number | null)[] => Array.from({ length: n }, () => v);

describe('faults', () => {
  it('eventRate and eventGrowth add up the events own weights: eventTypeWeights do not apply to momentum (docs/scoring.md section 2, "Event type weights")', async () => {
    const events = [ev('e1', 3, 2, 'chart_entry'), ev('e2', 10, 2, 'chart_entry')];
    const { features } = await score([{ slug: 'a-1', events }], {
      config: { talent: { model: { eventTypeWeights: { chart_entry: 3 } } } },
    });
    const f = features[0]!;
    // 4 of weight in the last 28 days: 1 a week, grown from nothing (floor 5 a week).
    expect(f.eventRate).toBe(4 / 4);
    expect(f.eventGrowth).toBeCloseTo(Math.log((1 + 5) / 5), 12);
    // The events profile (breakout) does weigh them.
    expect(f.activity.events!.recent).toBe(12);
  });

  it('an event of a type weighted 0 still extends the events profile\'s observedSpanDays (docs/scoring.md, "Activity profile" and "Event type weights")', async () => {
    const events = [ev('recent', 5, 1, 'radio_play'), ev('old', 200, 1, 'social_spike')];
    const { features, artists } = await score([{ slug: 'a-1', events }], {
      config: { talent: { model: { eventTypeWeights: { social_spike: 0 } } } },
    });
    const p = features[0]!.activity.events!;
    expect(p.presentDaysYear).toBe(1); // the type weighted 0 is no presence
    expect(p.observedSpanDays).toBe(200); // but the source showed the artist 200 days back
    // So the confidence's history factor is full (201 / 56 > 1): evidence 0.15 (RCF alone).
    expect(artists[0]!.confidence).toBeCloseTo(0.15, 12);
  });

  it('the same events in another order give the same activity sums and the same breakout score', async () => {
    // Identical feeds of three events at one instant, delivered in two orders (both "oldest first",
    // as the contract asks): floating-point sums must not depend on the delivery order.
    const feed = [ev('x1', 2, 0.1), ev('x2', 2, 0.2), ev('x3', 2, 0.3)];
    const { features, artists } = await score([
      { slug: 'a-1', events: feed },
      { slug: 'a-2', events: [...feed].reverse() },
    ]);
    expect(artists[0]!.breakout).toBe(artists[1]!.breakout);
    expect(artists[0]!.momentum).toBe(artists[1]!.momentum);
    expect(features[0]!.activity.events!.recent).toBe(features[1]!.activity.events!.recent);
    expect(features[0]!.eventRate).toBe(features[1]!.eventRate);
  });

  it('a spike on the first day of the long window is corroborated by an article 7 days before it, whatever asOf\'s time of day (docs/scoring.md, "Anomaly")', async () => {
    const asOf = new Date('2026-11-25T23:00:00.000Z'); // end = 2026-11-24
    const organic = fill(200, 100);
    const spikeBack = 89; // the earliest day spikes are searched on: end - (L - 1)
    organic[organic.length - 1 - spikeBack] = 10_000;
    const spikeDay = addDays(END, -spikeBack);
    const article: Article = {
      id: 'press-1',
      publishedAt: `${addDays(spikeDay, -7)}T12:00:00.000Z`,
      outlet: 'outlet',
      outletQuality: 0.5,
      title: null,
    };
    const { features } = await score([{ slug: 'a-1', organic, articles: [article] }], { asOf });
    // Control: the same spike uncorroborated is 1 bare spike day.
    const bare = await score([{ slug: 'a-1', organic, articles: [] }], { asOf });
    expect(bare.features[0]!.anomaly).toBeCloseTo(1 / 3, 12);
    expect(features[0]!.anomaly).toBe(0);
  });

  it("creativeShift and drift read releases by date: the latest release is the latest released, whatever the feed's order", async () => {
    const r = (id: string, day: string, vector: number[]): ReleaseFingerprint => ({
      releaseId: id,
      releasedAt: day,
      vector,
      microgenres: [],
    });
    const oldestFirst = [r('r1', '2026-01-01', [1, 0]), r('r2', '2026-06-01', [1, 0]), r('r3', '2026-10-01', [0, 1])];
    const organic = fill(60, 1000);
    const [asc, desc] = await Promise.all([
      score([{ slug: 'a-1', organic, releases: oldestFirst }]),
      score([{ slug: 'a-1', organic, releases: [...oldestFirst].reverse() }]),
    ]);
    expect(asc.features[0]!.creativeShift).toBeCloseTo(1, 12);
    expect(desc.features[0]!.creativeShift).toBe(asc.features[0]!.creativeShift);
    expect(desc.features[0]!.drift).toBe(asc.features[0]!.drift);
    expect(desc.artists[0]!.risk).toBe(asc.artists[0]!.risk);
  });

  it('drift counts the releases of the last 365 days [end - 364, end]: one released 365 days before end is not of the last year', async () => {
    const r = (id: string, day: string, vector: number[]): ReleaseFingerprint => ({
      releaseId: id,
      releasedAt: day,
      vector,
      microgenres: [],
    });
    const releases = [r('r1', addDays(END, -700), [1, 0]), r('r2', addDays(END, -365), [0, 1])];
    const { features, artists } = await score([{ slug: 'a-1', organic: fill(60, 1000), releases }]);
    // Windows of whole days end at `end` (docs/scoring.md, "As of"): the last 365 days are
    // end - 364 to end, so no release is of the last year and drift is 0 ("0 when none of the last year").
    expect(features[0]!.drift).toBe(0);
    expect(artists[0]!.risk).toBe(0);
  });

  it('data older than a read\'s `from` (which a source may return: "the SDK trims") changes no feature: engagement and releases', async () => {
    // Engagement is read from asOf - 366 days (2025-11-24 = END - 365). An artist seen once long
    // ago, then back in the recent window: a source that trims to `from` and one that returns
    // everything it has must give the same features.
    const organic = [500, ...fill(389, null), ...fill(10, 300)]; // 400 days, first at END - 399
    const trimmed = organic.slice(organic.length - 366); // from END - 365
    const r = (id: string, day: string, vector: number[]): ReleaseFingerprint => ({
      releaseId: id,
      releasedAt: day,
      vector,
      microgenres: [],
    });
    // Releases are read over the last 3 x 365 days.
    const recent = [r('r1', addDays(END, -500), [1, 0]), r('r2', addDays(END, -100), [1, 0])];
    const all = [r('r0', addDays(END, -1500), [0, 1]), ...recent];
    const [full, cut] = await Promise.all([
      score([{ slug: 'a-1', organic, releases: all }]),
      score([{ slug: 'a-1', organic: trimmed, releases: recent }]),
    ]);
    expect(cut.features[0]!.engagementGrowth).toBeCloseTo(Math.log(350 / 50), 12); // a new entrant
    expect(full.features[0]!.engagementLevel).toBe(cut.features[0]!.engagementLevel);
    expect(full.features[0]!.engagementGrowth).toBe(cut.features[0]!.engagementGrowth);
    expect(full.features[0]!.creativeShift).toBe(cut.features[0]!.creativeShift);
    expect(full.artists[0]).toEqual(cut.artists[0]);
  });
});

describe('guards', () => {
  it("nothing dated after asOf changes a feature or a score (events within the future skew, an article, links, a release, a debut, today's partial engagement)", async () => {
    const organic = fill(120, 500);
    const base: Spec = {
      slug: 'a-1',
      organic,
      events: [ev('e1', 3, 4), ev('e2', 40, 2)],
      articles: [
        { id: 'p1', publishedAt: `${addDays(END, -5)}T10:00:00.000Z`, outlet: 'o', outletQuality: 0.4, title: null },
      ],
      network: {
        tastemakers: [{ tastemaker: 't-1', kind: 'blog', weight: 0.5, since: `${addDays(END, -20)}T00:00:00Z` }],
        collaborators: [{ artist: 'b-1', weight: 1, since: addDays(END, -30) }],
        centrality: null,
      },
      releases: [
        { releaseId: 'r1', releasedAt: '2026-01-01', vector: [1, 0], microgenres: [] },
        { releaseId: 'r2', releasedAt: '2026-09-01', vector: [1, 1], microgenres: [] },
      ],
      debut: '2024-01-01',
    };
    // An offset stamp on the as-of day that is after asOf in UTC (2026-11-25T01:30Z), a bare day
    // (known at its end), and instants within the gateway's one-day skew.
    const future: Spec = {
      ...base,
      organic: [...organic, 1e9], // the as-of day itself: not complete
      endDay: '2026-11-25',
      events: [
        ...base.events!,
        { id: 'f1', type: 'chart_entry', at: '2026-11-24T23:30:00-02:00', weight: 1e6, region: 'us' },
        { id: 'f2', type: 'chart_entry', at: '2026-11-25', weight: 1e6, region: 'de' },
        { id: 'f3', type: 'live_show', at: '2026-11-25T00:00:00.001Z', weight: 1e6, region: 'fr' },
      ],
      articles: [
        ...base.articles!,
        { id: 'p2', publishedAt: '2026-11-25T00:00:00.001Z', outlet: 'o', outletQuality: 1, title: null },
      ],
      network: {
        tastemakers: [
          ...base.network!.tastemakers,
          { tastemaker: 't-2', kind: 'dj', weight: 1, since: '2026-11-25T06:00:00Z' },
        ],
        collaborators: [...base.network!.collaborators, { artist: 'c-1', weight: 9, since: '2026-11-25' }],
        centrality: null,
      },
      releases: [...base.releases!, { releaseId: 'r3', releasedAt: '2026-11-25', vector: [0, 1], microgenres: [] }],
      debut: '2024-01-01',
    };
    const [a, b] = await Promise.all([score([base]), score([future])]);
    expect(b.artists[0]!.problems).toEqual([]);
    expect(b.features).toEqual(a.features);
    expect(b.artists).toEqual(a.artists);
  });

  it('a single engagement point is scored (new entrant, lower confidence), never null or NaN', async () => {
    const { artists, features } = await score([{ slug: 'a-1', organic: [400] }]);
    const f = features[0]!;
    expect(f.engagementLevel).toBe(400);
    expect(f.engagementGrowth).toBeCloseTo(Math.log(450 / 50), 12);
    expect(f.engagementAcceleration).toBeNull();
    expect(artists[0]!.status).toBe('ok');
    // Fusion evidence 0.3 x (0.5 + 0.5 x 1 / 56).
    expect(artists[0]!.confidence).toBeCloseTo(0.3 * (0.5 + 0.5 / 56), 12);
    for (const v of [artists[0]!.momentum, artists[0]!.breakout, artists[0]!.risk])
      expect(Number.isFinite(v)).toBe(true);
  });

  it('an all-zero series is activity evidence at level 0: momentum 50, recency 0, no spike', async () => {
    const { artists, features } = await score([{ slug: 'a-1', organic: fill(200, 0) }]);
    expect(artists[0]!.status).toBe('ok');
    expect(artists[0]!.momentum).toBe(50);
    expect(features[0]!.activity.engagement!.daysSinceLast).toBeNull();
    expect(features[0]!.anomaly).toBe(0);
  });

  it('NaN, Infinity, negative or 1e300 values from a source are a bad read for that artist, never a NaN score', async () => {
    const bad = [Number.NaN, Number.POSITIVE_INFINITY, -5, 1e300];
    const specs: Spec[] = bad.map((v, i) => ({
      slug: `bad-${i}`,
      rawEngagement: { start: addDays(END, -2), organic: [10, v, 10], paid: [0, 0, 0] },
      events: [ev(`e${i}`, 2, 1)],
    }));
    specs.push({ slug: 'bad-ev', events: [{ ...ev('x', 1, 1), weight: Number.NaN }] });
    specs.push({ slug: 'bad-type', events: [{ ...ev('y', 1, 1), type: 'tv_spot' as never }] });
    const { artists } = await score(specs);
    for (const a of artists.slice(0, 4)) {
      expect(a.status, a.artistSlug).toBe('ok'); // scored on its events
      expect(a.problems.join(), a.artistSlug).toMatch(/^engagement: error \(invalid_payload/);
      expect(Number.isFinite(a.momentum!) && Number.isFinite(a.breakout!) && Number.isFinite(a.risk!)).toBe(true);
    }
    for (const a of artists.slice(4)) {
      expect(a.status, a.artistSlug).toBe('failed');
      expect(a.momentum).toBeNull();
      expect(a.problems.join()).toMatch(/^events: error \(invalid_payload/);
    }
  });

  it('scoring the same data twice at the same instant, or with another signal batch size, gives the same results', async () => {
    const specs: Spec[] = Array.from({ length: 7 }, (_, i) => ({
      slug: `a-${i}`,
      organic: Array.from({ length: 100 }, (_, d) => (d * (i + 1)) % 37),
      events: [ev(`e${i}`, i + 1, i + 1), ev(`f${i}`, 30 + i, 2)],
    }));
    const radar = radarOf(specs);
    const slugs = specs.map((s) => s.slug);
    const one = await radar.talent.scoreArtists(slugs, { asOf: AS_OF });
    const two = await radar.talent.scoreArtists(slugs, { asOf: AS_OF });
    await radar.close();
    const small = await score(specs, { config: { talent: { signalBatchSize: 1 } } });
    expect(two.artists).toEqual(one.artists);
    expect(small.artists).toEqual(one.artists);
    expect(small.features).toEqual(one.features);
  });

  it('an artist with events but no engagement, and one with engagement but no events, are both scored', async () => {
    const { artists, features } = await score([
      { slug: 'ev-only', events: [ev('e', 2, 3)] },
      { slug: 'en-only', organic: fill(60, 200) },
    ]);
    expect(artists.map((a) => a.status)).toEqual(['ok', 'ok']);
    expect(features[0]!.activityBasis).toBe('events');
    expect(features[0]!.activity.engagement).toBeNull();
    expect(features[1]!.activityBasis).toBe('engagement');
    expect(features[1]!.activity.events).toBeNull();
  });

  it('a weekly chart gives the events population a cadence of 7; a quarterly one is clamped to 28', async () => {
    const weekly = (slug: string) => ({
      slug,
      events: Array.from({ length: 10 }, (_, w) => ev(`${slug}-${w}`, 7 * w, 5)),
    });
    const quarterly = (slug: string) => ({
      slug,
      events: Array.from({ length: 4 }, (_, q) => ev(`${slug}-${q}`, 91 * q, 5)),
    });
    const w = await score([weekly('w-1'), weekly('w-2'), weekly('w-3')]);
    expect(w.peers.relative.cadenceDays.events).toBe(7);
    const q = await score([quarterly('q-1'), quarterly('q-2')]);
    expect(q.peers.relative.cadenceDays.events).toBe(28);
  });

  it('a refresh, scoreArtists as of its instant (kept peers or the same population), a profile and a restarted radar agree on every score', async () => {
    const { createMemoryStores } = await import('scene-radar/stores');
    const specs: Spec[] = Array.from({ length: 24 }, (_, i) => ({
      slug: `a-${i}`,
      organic: Array.from({ length: 200 }, (_, d) => ((d * (i + 3)) % 53) * 10 + i),
      events: [ev(`e${i}`, (i % 9) + 1, i + 1), ev(`f${i}`, 30 + i, 2), ev(`g${i}`, 100 + 3 * i, 0.5 * i)],
      debut: i % 2 ? '2025-01-01' : null,
    }));
    const slugs = specs.map((s) => s.slug);
    const stores = createMemoryStores();
    const radar = createSceneRadar({ sources: sourcesOf(specs), stores, clock: fixedClock(AS_OF) });
    const radar2 = createSceneRadar({ sources: sourcesOf(specs), stores, clock: fixedClock(AS_OF) });
    try {
      await radar.talent.refresh(AS_OF);
      const records = await radar.talent.aggregator.getArtistScores(slugs);
      const kept = await radar.talent.scoreArtists(slugs, { asOf: AS_OF });
      const own = await radar.talent.scoreArtists(slugs, { asOf: AS_OF, population: slugs });
      const restarted = await radar2.talent.scoreArtists(slugs, { asOf: AS_OF });
      for (const [i, r] of records.artists.entries()) {
        const want = [r.momentum, r.breakout_score, r.risk_score, r.confidence];
        for (const got of [kept, own, restarted]) {
          const a = got.artists[i]!;
          expect([a.momentum, a.breakout, a.risk, a.confidence], r.artist_slug).toEqual(want);
        }
      }
      for (const slug of ['a-5', 'a-16']) {
        const r = records.artists.find((a) => a.artist_slug === slug)!;
        for (const p of [
          await radar.talent.aggregator.buildArtistProfile(slug),
          await radar2.talent.aggregator.buildArtistProfile(slug),
        ])
          expect([p.artist.momentum, p.artist.breakout_score, p.artist.risk_score, p.artist.confidence]).toEqual([
            r.momentum,
            r.breakout_score,
            r.risk_score,
            r.confidence,
          ]);
      }
    } finally {
      await radar.close();
      await radar2.close();
    }
  });

  it("breakout is scale-free: every artist's engagement and event weights x1000 give the same breakout scores", async () => {
    const mk = (k: number): Spec[] =>
      Array.from({ length: 6 }, (_, i) => ({
        slug: `a-${i}`,
        organic: Array.from({ length: 150 }, (_, d) => (((d + 1) * (i + 2)) % 17) * k),
        events: [ev(`e${i}`, i + 1, (i + 1) * k), ev(`f${i}`, 40 + 5 * i, 3 * k)],
      }));
    const [one, big] = await Promise.all([score(mk(1)), score(mk(1000))]);
    expect(big.artists.map((a) => a.breakout)).toEqual(one.artists.map((a) => a.breakout));
  });

  it("an artist's features, risk and confidence do not depend on the other artists scored with it", async () => {
    const a: Spec = { slug: 'a-0', organic: fill(100, 300), events: [ev('e', 3, 2)] };
    const others: Spec[] = Array.from({ length: 5 }, (_, i) => ({
      slug: `o-${i}`,
      organic: fill(100, 10 ** i),
      events: [ev(`o${i}`, i + 1, 10 ** i)],
    }));
    const [alone, crowd] = await Promise.all([score([a]), score([a, ...others])]);
    expect(crowd.features[0]).toEqual(alone.features[0]);
    expect(crowd.artists[0]!.risk).toBe(alone.artists[0]!.risk);
    expect(crowd.artists[0]!.confidence).toBe(alone.artists[0]!.confidence);
  });

  it('a repeated event id counts once, two ids at one instant both count, an offset stamp is on its UTC day, and an event beyond the future skew is a bad read', async () => {
    const asOf = new Date('2026-11-25T09:00:00.000Z');
    const e = (id: string, at: string, weight: number): RcfEvent => ({
      id,
      type: 'chart_entry',
      at,
      weight,
      region: 'uk',
    });
    const events = [
      e('a', '2026-11-20T10:00:00Z', 2),
      e('a', '2026-11-20T10:00:00Z', 2), // the same event delivered again
      e('b', '2026-11-20T10:00:00Z', 3),
      e('c', '2026-11-24T23:30:00-02:00', 1), // 2026-11-25T01:30Z: on the as-of day, before asOf
    ];
    const { features, artists } = await score(
      [
        { slug: 'a-1', events },
        { slug: 'a-2', organic: fill(30, 100), events: [e('z', '2026-11-27T12:00:00Z', 1)] },
      ],
      { asOf },
    );
    expect(features[0]!.eventRate).toBe(6 / 4);
    expect(features[0]!.activity.events!.presentDays).toBe(2);
    expect(features[0]!.staleDays).toBe(0);
    expect(artists[1]!.status).toBe('ok');
    expect(artists[1]!.problems.join()).toMatch(/^events: error \(invalid_payload/);
    expect(features[1]!.eventRate).toBeNull();
  });
});

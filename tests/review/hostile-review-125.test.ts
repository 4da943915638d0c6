/**
 * Hostile review 125: the Talent Radar's scores (momentum, breakout_score, risk_score, their
 * explanations, confidence, bands, top lists) and the Scenes Engine's pulses (heat, growth,
 * stage) under valid but extreme inputs: engagement at 0, at 1e-6 and near the 1e10 ceiling, a
 * single day of history, a gap in the previous window, identical artists (ties), events at the
 * as-of instant, at exactly one window back, dated by a bare day and written with a +05:30 offset,
 * an as-of instant in the middle of a day and one a millisecond before midnight, and the same
 * artist scored through three paths (refresh record, scoreArtists, buildArtistProfile).
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: every band of a profile is chosen from the unrounded score), for the reason their name states; the others pin behaviour found correct.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from '../../src/index.js';
import { createEagerDataset, createMemorySources, type ArtistHistory } from '../../adapters/memory/index.js';
import { computePulse, type PulseMember } from '../../src/scenes/pulse-math.js';
import { resolveConfig } from '../../src/config.js';
import type { ArtistNetwork, EngagementSeries } from '../../src/contracts/payloads.js';

const DAY = 86_400_000;
const addDays = (d: string, n: number): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const logit = (p: number): number => Math.log(p / (1 - p));
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** A small deterministic generator (no Math.random: every run builds the same world). */
function prng(seed: number): { next: () => number; pick: <T>(a: readonly T[]) => T } {
  let s = seed;
  const next = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  return { next, pick: <T>(a: readonly T[]): T => a[Math.floor(next() * a.length)]! };
}

type Mode = 'normal' | 'single' | 'gap' | 'huge' | 'tiny' | 'zeros' | 'eventsOnly' | 'clone' | 'recentOnly';
const MODES: readonly Mode[] = [
  'normal',
  'single',
  'gap',
  'huge',
  'tiny',
  'zeros',
  'eventsOnly',
  'clone',
  'recentOnly',
];

/**
 * `n` artists of extreme but valid shapes as of `asOf`: engagement from 1e-6 to the 1e10 ceiling,
 * one day of history, a gap, identical clones, events at the as-of instant and at window
 * boundaries, bare days and +05:30 offsets, debuts on the last complete day and after it.
 */
function extremeWorld(asOf: Date, n: number, seed: number): ArtistHistory[] {
  const r = prng(seed);
  const end = new Date(asOf.getTime() - DAY).toISOString().slice(0, 10);
  const out: ArtistHistory[] = [];
  for (let i = 0; i < n; i++) {
    const slug = `art-${String(i).padStart(3, '0')}`;
    const mode = i < MODES.length ? MODES[i]! : r.pick(MODES);
    const len = mode === 'single' ? 1 : 200;
    const base = mode === 'huge' ? 1e9 : mode === 'tiny' ? 1e-6 : mode === 'zeros' ? 0 : 30 + r.next() * 3000;
    const trend = r.pick([0.99, 1, 1.01, 1.03]);
    let organic: (number | null)[] = Array.from({ length: len }, (_, d) => Math.min(1e10, base * trend ** d));
    if (mode === 'gap') organic = organic.map((v, d) => (d > 140 && d < 175 ? null : v));
    if (mode === 'recentOnly') organic = organic.map((v, d) => (d < 190 ? null : v));
    if (mode === 'clone') organic = Array.from({ length: len }, () => 500);
    const events: Record<string, unknown>[] = [];
    if (mode !== 'zeros' && (mode === 'eventsOnly' || r.next() < 0.7)) {
      const k = 1 + Math.floor(r.next() * 25);
      for (let e = 0; e < k; e++) {
        const back = r.pick([0, 1e-7, 1, 7, 27.99, 28, 28.0001, 56, 100, 363.9]);
        const atMs = asOf.getTime() - back * DAY;
        const style = r.pick(['iso', 'day', 'tz']);
        const at =
          style === 'day'
            ? new Date(atMs - DAY).toISOString().slice(0, 10)
            : style === 'tz'
              ? new Date(atMs + 5.5 * 3_600_000).toISOString().replace('Z', '+05:30')
              : new Date(atMs).toISOString();
        events.push({
          id: `e${e}`,
          type: r.pick(['chart_entry', 'radio_play', 'playlist_add']),
          at,
          weight: r.pick([0, 1, 10, 1e9]),
          region: r.pick(['uk', 'us', null, 'UK']),
        });
      }
    }
    const debut = r.next() < 0.5 ? r.pick([end, addDays(end, -1), '2020-01-01', addDays(end, 1)]) : undefined;
    out.push({
      record: {
        slug,
        name: slug,
        homeRegion: 'uk',
        homeCity: 'brighton',
        firstSeen: '2024-01-01T00:00:00.000Z',
        ...(debut ? { debut } : {}),
      },
      tastemakers:
        r.next() < 0.5
          ? [{ tastemaker: 'tm-a', kind: 'dj', weight: 1, since: addDays(end, -r.pick([0, 3, 59, 60, 61])) }]
          : [],
      collaborators:
        r.next() < 0.3
          ? [{ artist: slug === 'art-000' ? 'art-001' : 'art-000', weight: 2, since: addDays(end, -10) }]
          : [],
      releases: [],
      campaigns: [],
      articles:
        r.next() < 0.4
          ? [
              {
                id: 'a1',
                publishedAt: addDays(end, -r.pick([0, 5, 27, 28, 89])),
                outlet: 'o',
                outletQuality: r.pick([0, 0.6, 1]),
                title: null,
              },
            ]
          : [],
      events,
      memberships: [],
      engagement:
        mode === 'eventsOnly'
          ? { start: end, organic: [], paid: [] }
          : { start: addDays(end, -(len - 1)), organic, paid: organic.map(() => r.pick([0, 0, 5, null])) },
      coherence: { start: addDays(end, -40), values: Array.from({ length: 41 }, () => r.pick([0.4, 0.9, null])) },
    } as unknown as ArtistHistory);
  }
  return out;
}

type RadarConfig = NonNullable<Parameters<typeof createSceneRadar>[0]['config']>;

async function radarOver(histories: ArtistHistory[], asOf: Date, config?: RadarConfig): Promise<SceneRadar> {
  const sources = createMemorySources(createEagerDataset({ histories, workspaces: [] }));
  const radar = createSceneRadar({ sources, clock: fixedClock(asOf), ...(config ? { config } : {}) });
  try {
    await radar.refresh(asOf);
    return radar;
  } catch (e) {
    await radar.close();
    throw e;
  }
}

/** One artist of a plain, steadily growing history (a year of days, no press or links). */
function plain(slug: string, end: string, organic: (number | null)[], events: Record<string, unknown>[] = []) {
  return {
    record: { slug, name: slug, homeRegion: 'uk', homeCity: 'brighton', firstSeen: '2024-01-01T00:00:00.000Z' },
    tastemakers: [],
    collaborators: [],
    releases: [],
    campaigns: [],
    articles: [],
    events,
    memberships: [],
    engagement: { start: addDays(end, -(organic.length - 1)), organic, paid: organic.map(() => 0) },
    coherence: { start: end, values: [] },
  } as unknown as ArtistHistory;
}

describe('hostile review 125: one profile, one band per score', () => {
  const AS_OF = new Date('2026-11-25T00:00:00.000Z');
  const END = '2026-11-24';
  const roster = (): ArtistHistory[] =>
    Array.from({ length: 6 }, (_, i) =>
      plain(
        `band-${i}`,
        END,
        Array.from({ length: 120 }, (_, d) => 200 + i * 150 + d * (i + 1)),
      ),
    );

  // profile-items.ts:27-33 picks the breakout opportunity's band on the score rounded to 3
  // decimals; rows.ts:76-77 (trajectoryOf) picks breakoutPotential, the global pulse's
  // highBreakoutCount (radar-aggregator.ts:488) on the unrounded score. A breakout of 0.69996 is
  // therefore "Strong breakout signals" (the high band) and `breakoutPotential: 'medium'` in one
  // and the same profile, and is not counted among the high-breakout artists.
  it('FAULT: a breakout score of 0.69996 is "Strong breakout signals" (high) in the opportunities and breakoutPotential "medium" in the same profile', async () => {
    const probe = createSceneRadar({ sources: {} });
    const names = Object.keys(probe.talent.breakoutModel().inputs);
    await probe.close();
    const breakout = {
      intercept: logit(0.69996),
      inputs: Object.fromEntries(names.map((n) => [n, { weight: 0, center: 0 }])),
    };
    const radar = await radarOver(roster(), AS_OF, { talent: { model: { breakout } } });
    try {
      const p = await radar.talent.aggregator.buildArtistProfile('band-0');
      expect(p.artist.breakout_score).toBeCloseTo(0.69996, 12);
      const item = p.opportunities.find((o) => o.type === 'breakout');
      expect(item).toBeDefined();
      const opportunityBand = item!.description.startsWith('Strong') ? 'high' : 'medium';
      const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 20 });
      expect({
        opportunity: opportunityBand,
        highCounted: pulse.summary.highBreakoutCount > 0,
      }).toEqual({
        opportunity: p.trajectory.breakoutPotential,
        highCounted: p.trajectory.breakoutPotential === 'high',
      });
    } finally {
      await radar.close();
    }
  }, 60_000);

  // profile-items.ts:35 adds the "Growing faster than peers" momentum opportunity (the rising
  // band) when round3(momentum / 100) reaches the threshold; rows.ts:75 and the rising list
  // (radar-aggregator.ts:394) compare the unrounded momentum. Any momentum within 0.05 points
  // below the threshold (a 69.96 against the default 70) is "rising" in the opportunities and
  // "stable" in the trajectory, and absent from topRisingArtists.
  it('FAULT: a momentum just below the rising threshold (within its 3-decimal rounding) is a "momentum" opportunity while the same profile\'s trajectory says "stable" and the rising list leaves it out', async () => {
    const base = await radarOver(roster(), AS_OF);
    let slug = '';
    let threshold = Number.NaN;
    try {
      const { artists } = await base.talent.aggregator.getArtistScores(roster().map((h) => h.record.slug));
      // An artist whose momentum rounds UP at 3 decimals of momentum / 100, and a threshold
      // between its momentum and the rounded value.
      for (const a of artists) {
        const shown = round3(a.momentum / 100) * 100;
        if (a.momentum >= 30 && shown - a.momentum > 1e-6) {
          slug = a.artist_slug;
          threshold = (a.momentum + shown) / 2;
          break;
        }
      }
    } finally {
      await base.close();
    }
    expect(slug).not.toBe('');
    const radar = await radarOver(roster(), AS_OF, {
      talent: { thresholds: { momentum: { rising: threshold, declining: 30 } } },
    });
    try {
      const p = await radar.talent.aggregator.buildArtistProfile(slug);
      expect(p.artist.momentum).toBeLessThan(threshold);
      const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 100 });
      const inRisingList = pulse.topRisingArtists.some((a) => a.artist_slug === slug);
      const momentumOpportunity = p.opportunities.some((o) => o.type === 'momentum');
      expect({ momentumOpportunity, inRisingList }).toEqual({
        momentumOpportunity: p.trajectory.momentum === 'rising',
        inRisingList: p.trajectory.momentum === 'rising',
      });
    } finally {
      await radar.close();
    }
  }, 60_000);
});

describe('hostile review 125: three paths to one artist agree on extreme inputs', () => {
  const THRESHOLDS = {
    momentum: { rising: 55, declining: 45 },
    breakout: { medium: 0.03, high: 0.1 },
    risk: { medium: 0.05, high: 0.3 },
  };

  for (const [label, asOfText, seed] of [
    ['at midnight UTC', '2026-11-25T00:00:00.000Z', 3],
    ['in the middle of a day', '2026-11-25T13:37:00.000Z', 5],
    ['a millisecond before midnight', '2026-11-24T23:59:59.999Z', 23],
  ] as const) {
    it(`as of ${label}: record = scoreArtists = profile, each explanation adds up, bands and lists follow the scores`, async () => {
      const asOf = new Date(asOfText);
      const histories = extremeWorld(asOf, 30, seed);
      const slugs = histories.map((h) => h.record.slug);
      const radar = await radarOver(histories, asOf, { talent: { thresholds: THRESHOLDS } });
      try {
        const stored = await radar.talent.aggregator.getArtistScores(slugs);
        const record = new Map(stored.artists.map((a) => [a.artist_slug, a]));
        const scored = await radar.talent.scoreArtists(slugs, { asOf });
        // Every shape but the empty feed is scored (clones, zeros, a single day, 1e-6 a day).
        expect(stored.artists.length).toBeGreaterThanOrEqual(27);
        for (const s of scored.artists) {
          const r = record.get(s.artistSlug);
          if (!r) {
            expect(s.status).not.toBe('ok');
            continue;
          }
          expect([s.momentum, s.breakout, s.risk, s.confidence]).toEqual([
            r.momentum,
            r.breakout_score,
            r.risk_score,
            r.confidence,
          ]);
          const p = await radar.talent.aggregator.buildArtistProfile(s.artistSlug);
          expect([p.artist.momentum, p.artist.breakout_score, p.artist.risk_score, p.artist.confidence]).toEqual([
            r.momentum,
            r.breakout_score,
            r.risk_score,
            r.confidence,
          ]);
          const e = p.explanation;
          const composite = e.momentum.signals.reduce((a, x) => a + x.contribution, 0);
          expect(100 / (1 + Math.exp(-composite))).toBeCloseTo(r.momentum, 9);
          const logOdds = e.breakout.intercept + e.breakout.signals.reduce((a, x) => a + x.contribution, 0);
          expect(1 / (1 + Math.exp(-logOdds))).toBeCloseTo(r.breakout_score, 12);
          expect(e.risk.signals.reduce((a, x) => a + x.contribution, 0)).toBeCloseTo(r.risk_score, 12);
          for (const x of [...e.momentum.signals, ...e.breakout.signals, ...e.risk.signals])
            expect(Number.isFinite(x.contribution)).toBe(true);
          const band = (v: number, t: { high: number; medium: number }) =>
            v >= t.high ? 'high' : v >= t.medium ? 'medium' : 'low';
          expect(p.trajectory.breakoutPotential).toBe(band(r.breakout_score, THRESHOLDS.breakout));
          expect(p.trajectory.riskLevel).toBe(band(r.risk_score, THRESHOLDS.risk));
        }
        // Each list: exactly the records at or above its threshold, by score, ties by slug.
        for (const [category, key, min] of [
          ['rising', 'momentum', THRESHOLDS.momentum.rising],
          ['breakout', 'breakout_score', THRESHOLDS.breakout.medium],
          ['risk', 'risk_score', THRESHOLDS.risk.medium],
        ] as const) {
          const top = await radar.talent.aggregator.getTopArtists({ category, limit: 100 });
          const expected = stored.artists
            .filter((a) => a[key] >= min)
            .sort((a, b) => b[key] - a[key] || (a.artist_slug < b.artist_slug ? -1 : 1))
            .map((a) => a.artist_slug);
          expect(top.artists.map((a) => a.artist_slug)).toEqual(expected);
          expect(top.total).toBe(expected.length);
        }
      } finally {
        await radar.close();
      }
    }, 120_000);
  }
});

describe('hostile review 125: boundaries of one artist', () => {
  const AS_OF = new Date('2026-11-25T00:00:00.000Z');
  const END = '2026-11-24';

  it('a single known day is a new entrant: growth ln((v + 50) / 50), staying power 2/3, history factor (0 + 1) / 56', async () => {
    const histories = [
      plain('one-day', END, [1e10]),
      ...Array.from({ length: 4 }, (_, i) =>
        plain(
          `steady-${i}`,
          END,
          Array.from({ length: 90 }, () => 100 * (i + 1)),
        ),
      ),
    ];
    const radar = await radarOver(histories, AS_OF);
    try {
      const got = await radar.talent.scoreArtists(['one-day'], { asOf: AS_OF });
      const f = got.features[0]!;
      expect(f.engagementGrowth).toBe(Math.log((1e10 + 50) / 50));
      expect(f.engagementAcceleration).toBeNull();
      expect(f.staleDays).toBe(0);
      const p = await radar.talent.aggregator.buildArtistProfile('one-day');
      const staying = p.explanation.breakout.signals.find((s) => s.signal === 'staying_power')!;
      expect(staying.normalized).toBeCloseTo(2 / 3, 12);
      // confidence = evidence x history, history = 0.5 + 0.5 x min(1, (0 + 1) / 56) (docs/scoring.md section 6).
      const weights = { fusion: 0.3, rcf: 0.15, mig: 0.15, coverage: 0.1, cmg: 0.1, identityKernel: 0.1, scenes: 0.1 };
      const evidence = Object.entries(weights).reduce(
        (a, [k, w]) => a + (f.evidence[k as keyof typeof weights] ? w : 0),
        0,
      );
      expect(evidence).toBeGreaterThanOrEqual(0.3);
      expect(p.artist.confidence).toBeCloseTo(evidence * (0.5 + 0.5 / 56), 12);
      // The growth clips at z = 4 and the full shrink applies (1e10 a day); event growth (an empty
      // feed: ln(5 / 5)) and press velocity (0) sit at their peers' median, z = 0, and keep their
      // weights: composite = 0.45 x 4 / (0.45 + 0.25 + 0.15).
      const z = Object.fromEntries(p.explanation.momentum.signals.map((s) => [s.signal, s.normalized]));
      expect(z).toEqual({ engagement_growth: 4, event_growth: 0, press_velocity: 0 });
      expect(p.artist.momentum).toBeCloseTo(100 / (1 + Math.exp(-(0.45 * 4) / 0.85)), 10);
    } finally {
      await radar.close();
    }
  }, 60_000);

  it('events at the as-of instant, at exactly one window back, by bare day and with a +05:30 offset fall in the documented windows', async () => {
    const asOfMs = AS_OF.getTime();
    const ev = (id: string, at: string, weight: number) => ({ id, type: 'radio_play', at, weight, region: 'uk' });
    const events = [
      // The previous window [asOf - 56 d, asOf - 28 d]: exactly 28 days back is its last instant.
      ev('prev-edge', new Date(asOfMs - 28 * DAY).toISOString(), 100),
      // Inside the recent window: a bare day D is known at D + 1 00:00Z (here: the as-of instant).
      ev('bare-end', END, 10),
      // The same instant as asOf written in another zone (2026-11-25T05:30+05:30).
      ev('tz-asof', '2026-11-25T05:30:00.000+05:30', 1),
      // One millisecond after the previous window's edge: recent.
      ev('recent-edge', new Date(asOfMs - 28 * DAY + 1).toISOString(), 1000),
    ];
    const histories = [
      plain(
        'edges',
        END,
        Array.from({ length: 90 }, () => 300),
        events,
      ),
      ...Array.from({ length: 3 }, (_, i) =>
        plain(
          `other-${i}`,
          END,
          Array.from({ length: 90 }, () => 100 * (i + 1)),
        ),
      ),
    ];
    const radar = await radarOver(histories, AS_OF);
    try {
      const { features } = await radar.talent.scoreArtists(['edges'], { asOf: AS_OF });
      const f = features[0]!;
      // Recent: bare-end 10 + tz-asof 1 + recent-edge 1000 = 1011 over 4 weeks.
      expect(f.eventRate).toBeCloseTo(1011 / 4, 12);
      expect(f.eventGrowth).toBeCloseTo(Math.log((1011 / 4 + 5) / (100 / 4 + 5)), 12);
      // The event of asOf's own day (written at +05:30) is the latest: stale 0.
      expect(f.staleDays).toBe(0);
      const ea = f.activity.events!;
      // Day 0 is the last 24 hours up to and including asOf: the bare day and the +05:30 instant.
      expect(ea.now).toBe(11);
      expect(ea.recent).toBe(1011);
      expect(ea.previous).toBe(100);
      expect(ea.daysSinceLast).toBe(0);
    } finally {
      await radar.close();
    }
  }, 60_000);

  it('identical artists share every score and every standing (mid-rank), and keep slug order in the lists', async () => {
    const clone = (slug: string) =>
      plain(
        slug,
        END,
        Array.from({ length: 120 }, (_, d) => 400 + d * 3),
      );
    const histories = ['c-d', 'c-a', 'c-c', 'c-b'].map(clone);
    const radar = await radarOver(histories, AS_OF, {
      talent: { thresholds: { momentum: { rising: 0, declining: 0 }, breakout: { high: 0, medium: 0 } } },
    });
    try {
      const { artists } = await radar.talent.aggregator.getArtistScores(['c-a', 'c-b', 'c-c', 'c-d']);
      expect(new Set(artists.map((a) => `${a.momentum}|${a.breakout_score}|${a.risk_score}`)).size).toBe(1);
      const p = await radar.talent.aggregator.buildArtistProfile('c-c');
      const now = p.explanation.breakout.signals.find((s) => s.signal === 'level_now')!;
      // Four equal values: each at percentile 0.5, standing ln 2.
      expect(now.normalized).toBeCloseTo(Math.LN2, 12);
      const top = await radar.talent.aggregator.getTopArtists({ category: 'breakout', limit: 3 });
      expect(top.artists.map((a) => a.artist_slug)).toEqual(['c-a', 'c-b', 'c-c']);
      expect(top.total).toBe(4);
    } finally {
      await radar.close();
    }
  }, 60_000);
});

describe('hostile review 125: scene pulses on extreme member sets', () => {
  const params = resolveConfig().scenes.pulse;
  const AS_OF = Date.parse('2026-11-25T00:00:00.000Z');

  it('over 400 seeded scenes (zeros, 1e-300, the 1e10 ceiling, half-null series, members joined at the window edges): heat in 0-100, contributions add up to it, stage follows the shown heat and growth, confidence in 0-1, rising <= active', () => {
    const r = prng(7);
    const problems: string[] = [];
    for (let trial = 0; trial < 400; trial++) {
      const n = 1 + Math.floor(r.next() * 12);
      const mode = r.pick(['normal', 'zeros', 'huge', 'tiny', 'nulls', 'mixed']);
      const members: PulseMember[] = [];
      const engagement = new Map<string, EngagementSeries>();
      const networks = new Map<string, ArtistNetwork>();
      for (let i = 0; i < n; i++) {
        const slug = `a-${i}`;
        const joinedBack = r.pick([0, 0.5, 1, 29, 30, 31, 59, 60, 61, 200]);
        members.push({
          artist_slug: slug,
          confidence: r.pick([0.3, 0.31, 0.5, 1]),
          joined_at: new Date(AS_OF - joinedBack * DAY).toISOString(),
          microgenres: ['x'],
        });
        if (r.next() < 0.9) {
          const base = mode === 'huge' ? 1e10 : mode === 'tiny' ? 1e-300 : mode === 'zeros' ? 0 : 50 + r.next() * 500;
          const trend = r.pick([0.9, 1, 1.01, 1.05, 0.5, 2]);
          const organic = Array.from({ length: 100 }, (_, d) => {
            if (mode === 'nulls' && r.next() < 0.5) return null;
            if (mode === 'mixed' && r.next() < 0.2) return 0;
            return Math.min(1e10, base * trend ** (d / 30));
          });
          engagement.set(slug, {
            start: new Date(AS_OF - 100 * DAY).toISOString().slice(0, 10),
            organic,
            paid: organic.map(() => 0),
          });
        }
        if (r.next() < 0.8)
          networks.set(slug, {
            tastemakers: Array.from({ length: Math.floor(r.next() * 4) }, (_, k) => ({
              tastemaker: `t-${k}`,
              kind: 'dj' as const,
              weight: 0.5,
              since: new Date(AS_OF - Math.floor(r.next() * 70) * DAY).toISOString(),
            })),
            collaborators: [],
            centrality: null,
          });
      }
      const p = computePulse(
        {
          scene: { slug: 's', name: 's', region: 'uk' },
          members,
          engagement,
          networks,
          sources: {},
          asOfMs: AS_OF,
          nowMs: AS_OF,
          membershipsAsOfMs: AS_OF,
        },
        params,
      );
      const sum = Math.round(p.explanation.reduce((a, x) => a + x.contribution, 0) * 100) / 100;
      const stage =
        p.growth <= params.coolingMaxGrowth
          ? 'cooling'
          : p.heat < params.emergingMaxHeat
            ? 'emerging'
            : p.growth >= params.growingMinGrowth
              ? 'growing'
              : 'peaking';
      const bad = [
        !(p.heat >= 0 && p.heat <= 100) && 'heat out of range',
        sum !== p.heat && `contributions ${sum} vs heat ${p.heat}`,
        stage !== p.stage && `stage ${p.stage} vs ${stage}`,
        !(p.confidence >= 0 && p.confidence <= 1) && 'confidence out of range',
        p.rising_members > p.active_members && 'rising > active',
        p.explanation.some((x) => !Number.isFinite(x.raw) || !Number.isFinite(x.normalized)) && 'non-finite signal',
        p.top_artists.some((t) => !Number.isFinite(t.growth) || !Number.isFinite(t.engagement)) &&
          'non-finite top artist',
      ].filter(Boolean);
      if (bad.length) problems.push(`${trial} ${mode}: ${bad.join('; ')}`);
    }
    expect(problems).toEqual([]);
  });
});

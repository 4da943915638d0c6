/**
 * Talent Radar features from hand-built signals: each feature against its formula, `null` (never
 * zero) when the source gave no evidence, and nothing dated after the as-of instant changing any
 * feature.
 */
import { describe, expect, it } from 'vitest';
import {
  isSceneRadarError,
  resolveConfig,
  type Article,
  type Campaign,
  type RcfEvent,
  type ReleaseFingerprint,
  type TastemakerLink,
} from 'scene-radar';
import { DAY_MS, addDays } from '../../src/core/time.js';
import { extractFeatures } from '../../src/talent/features.js';
import { TalentModelConfigSchema, type ArtistFeatures, type ArtistSignals, type SignalRead } from 'scene-radar/schemas';

const ASOF = '2026-11-25T00:00:00.000Z';
/** The last complete day at ASOF. */
const END = '2026-11-24';
const model = TalentModelConfigSchema.parse({});
const W = model.windowDays;
const FLOOR = model.engagementFloor;
const EFLOOR = model.eventFloor;
const READS: SignalRead[] = [
  'record',
  'network',
  'releases',
  'campaigns',
  'engagement',
  'articles',
  'events',
  'coherence',
  'memberships',
  'scenePulse',
];

/** Noon of the day `k` days before END (k < 0: after END). */
const at = (k: number): string => `${addDays(END, -k)}T12:00:00.000Z`;

function signals(over: Partial<ArtistSignals> = {}): ArtistSignals {
  return {
    artistSlug: 'artist-a',
    asOf: ASOF,
    record: null,
    network: null,
    releases: null,
    campaigns: null,
    engagement: null,
    articles: null,
    events: null,
    coherence: null,
    memberships: null,
    scenePulse: null,
    reads: Object.fromEntries(READS.map((r) => [r, { status: 'ok' }])) as ArtistSignals['reads'],
    host: {},
    ...over,
  };
}

/** A daily engagement series whose last value is on `endDay`. */
function engagement(
  organic: readonly (number | null)[],
  paid?: readonly (number | null)[],
  endDay = END,
): NonNullable<ArtistSignals['engagement']> {
  return {
    start: addDays(endDay, -(organic.length - 1)),
    organic: [...organic],
    paid: paid ? [...paid] : organic.map(() => null),
  };
}
const fill = (n: number, v: number | null): (number | null)[] => Array.from({ length: n }, () => v);
const ev = (k: number, weight = 1, id = `e${k}-${weight}`): RcfEvent => ({
  id,
  type: 'radio_play',
  at: at(k),
  weight,
  region: null,
});
const article = (k: number, q: number): Article => ({
  id: `a${k}-${q}`,
  publishedAt: at(k),
  outlet: 'outlet',
  outletQuality: q,
  title: null,
});
const link = (name: string, weight: number, k: number): TastemakerLink => ({
  tastemaker: name,
  kind: 'playlist',
  weight,
  since: at(k),
});
const release = (id: string, day: string, vector: number[], microgenres: string[] = []): ReleaseFingerprint => ({
  releaseId: id,
  releasedAt: day,
  vector,
  microgenres,
});
const campaign = (id: string, start: string): Campaign => ({ id, channel: 'social', start, end: null, spend: 100 });
const logGrowth = (prev: number, cur: number, floor: number): number => Math.log((cur + floor) / (prev + floor));

/** An artist with evidence from every source, all of it up to END. */
function rich(): ArtistSignals {
  const organic = [...fill(150 - 28, 1000), ...fill(28, 1500)];
  return signals({
    record: {
      slug: 'artist-a',
      name: 'Artist A',
      homeRegion: 'uk',
      homeCity: 'Brighton',
      firstSeen: '2024-01-01T00:00:00.000Z',
      debut: '2019-06-01',
    },
    network: {
      tastemakers: [link('t1', 0.5, 10), link('t2', 0.8, 100)],
      collaborators: [{ artist: 'artist-b', weight: 1, since: at(30) }],
      centrality: null,
    },
    releases: [
      release('r1', '2025-01-01', [1, 0, 0]),
      release('r2', '2026-03-01', [1, 1, 0]),
      release('r3', '2026-10-01', [0, 1, 1]),
    ],
    campaigns: [campaign('c1', addDays(END, -40))],
    engagement: engagement(organic, fill(150, 100)),
    articles: [article(3, 0.8), article(40, 0.4)],
    events: [ev(50), ev(20), ev(5, 2), ev(1)],
    coherence: { start: addDays(END, -59), values: fill(60, 0.9) },
    memberships: [{ sceneSlug: 'indie-uk-brighton', confidence: 0.8, microgenres: ['dream-pop'] }],
    scenePulse: { sceneSlug: 'indie-uk-brighton', heat: 70, growth: 0.1, stage: 'growing', asOf: ASOF },
  });
}

describe('engagement (Fusion)', () => {
  it('level and log growth of organic engagement, recent window vs the one before, with the floor', () => {
    const f = extractFeatures(
      signals({ engagement: engagement([...fill(W, 1000), ...fill(W, 2000)], fill(2 * W, 0)) }),
      model,
    );
    expect(f.engagementLevel).toBe(2000);
    expect(f.engagementGrowth).toBeCloseTo(logGrowth(1000, 2000, FLOOR), 12);
    expect(f.activityLevel).toBe(2000);
    expect(f.activityBasis).toBe('engagement');
    // Both halves grew the same way: last half flat, the one before it jumped.
    expect(f.engagementAcceleration).toBeCloseTo(0 - logGrowth(1000, 2000, FLOOR), 12);
    expect(f.paidShare).toBe(0);
  });

  it('acceleration is the growth of the last half-window minus that of the half before it', () => {
    const f = extractFeatures(signals({ engagement: engagement([...fill(42, 1000), ...fill(14, 3000)]) }), model);
    expect(f.engagementGrowth).toBeCloseTo(logGrowth(1000, 2000, FLOOR), 12);
    expect(f.engagementAcceleration).toBeCloseTo(logGrowth(1000, 3000, FLOOR), 12);
  });

  it('the floor damps tiny bases: 10 -> 100 a day grows less than 100k -> 1M', () => {
    const small = extractFeatures(signals({ engagement: engagement([...fill(W, 10), ...fill(W, 100)]) }), model);
    const big = extractFeatures(
      signals({ engagement: engagement([...fill(W, 100_000), ...fill(W, 1_000_000)]) }),
      model,
    );
    expect(small.engagementGrowth).toBeCloseTo(Math.log(150 / 60), 12);
    expect(big.engagementGrowth!).toBeGreaterThan(small.engagementGrowth! + 1);
  });

  it('paid share over the recent window; null when Fusion gave no paid figures', () => {
    const f = extractFeatures(signals({ engagement: engagement(fill(2 * W, 3000), fill(2 * W, 1000)) }), model);
    expect(f.paidShare).toBeCloseTo(0.25, 12);
    const noPaid = extractFeatures(signals({ engagement: engagement(fill(2 * W, 3000)) }), model);
    expect(noPaid.paidShare).toBeNull();
  });

  it('a new entrant grows from nothing (floored), with an activity profile over its short history', () => {
    const young = extractFeatures(signals({ engagement: engagement(fill(10, 500)) }), model);
    expect(young.engagementLevel).toBe(500);
    expect(young.engagementGrowth).toBeCloseTo(logGrowth(0, 500, FLOOR), 12);
    expect(young.activityLevel).toBe(500);
    expect(young.activity.engagement).toMatchObject({
      basis: 'engagement',
      now: 3500,
      recent: 5000,
      previous: 0,
      peak: 500,
      presentDays: 10,
      observedSpanDays: 9,
      daysSinceLast: 0,
    });
    expect(young.evidence.fusion).toBe(true);
  });

  it('a gap in an older series is not a debut: no growth without a known day in the window before', () => {
    const gap = extractFeatures(
      signals({ engagement: engagement([...fill(30, 800), ...fill(W, null), ...fill(W, 500)]) }),
      model,
    );
    expect(gap.engagementGrowth).toBeNull();
    expect(gap.engagementLevel).toBeNull();
    // Still activity evidence for the breakout model (known days in the history).
    expect(gap.activity.engagement?.basis).toBe('engagement');
  });
});

describe('events (RCF)', () => {
  it('rate and growth over the window (momentum); activity windows, presence and peak (breakout)', () => {
    // Recent window: weight 8 (k = 0, 2, 4, 14); the one before: weight 4 (k = 30, 40).
    const events = [ev(40, 2), ev(30, 2), ev(14, 2), ev(4, 2), ev(2, 2), ev(0, 2)];
    const f = extractFeatures(signals({ events }), model);
    expect(f.eventRate).toBe(2);
    expect(f.eventGrowth).toBeCloseTo(logGrowth(1, 2, EFLOOR), 12);
    expect(f.activityLevel).toBeCloseTo(2 / 7, 12);
    expect(f.activityBasis).toBe('events');
    expect(f.staleDays).toBe(0);
    // Events at noon of day k are (k + 0.5) days before asOf: day k back.
    expect(f.activity.events).toMatchObject({
      basis: 'events',
      now: 6,
      recent: 8,
      previous: 4,
      quarter: 12,
      quarterBefore: 0,
      peak: 2,
      presentDays: 6,
      presentDaysYear: 6,
      daysSinceLast: 0,
      observedSpanDays: 40,
    });
    // Gaps between days with events: 10, 16, 10, 2, 2 -> median 10.
    expect(f.activity.events?.medianGapDays).toBe(10);
    expect(f.activity.engagement).toBeNull();
  });

  it("each source gives its own activity profile; momentum's level is engagement when known, events only stand in", () => {
    const f = extractFeatures(signals({ events: [ev(1, 7)], engagement: engagement(fill(2 * W, 300)) }), model);
    expect(f.activityBasis).toBe('engagement');
    expect(f.activityLevel).toBe(300);
    expect(f.activity.engagement?.basis).toBe('engagement');
    expect(f.activity.events?.now).toBe(7);
    expect(f.eventRate).toBe(7 / 4);
  });

  it('event types weigh what the config says (1 when not listed)', () => {
    const typed = (type: RcfEvent['type'], k: number, weight: number): RcfEvent => ({
      id: `${type}-${k}`,
      type,
      at: at(k),
      weight,
      region: null,
    });
    const events = [typed('chart_entry', 1, 10), typed('radio_play', 2, 10), typed('live_show', 3, 10)];
    const weighted = TalentModelConfigSchema.parse({ eventTypeWeights: { chart_entry: 3, live_show: 0 } });
    expect(extractFeatures(signals({ events }), model).activity.events?.now).toBe(30);
    expect(extractFeatures(signals({ events }), weighted).activity.events?.now).toBe(40);
  });

  it('an event type weight for a type RCF does not have, or out of 0-1000, is a configuration error', () => {
    for (const eventTypeWeights of [
      { tiktok_view: 2 },
      { chart_entry: -1 },
      { chart_entry: 1001 },
      { chart_entry: Number.NaN },
    ]) {
      let error: unknown;
      try {
        resolveConfig({ talent: { model: { eventTypeWeights } } } as never);
      } catch (e) {
        error = e;
      }
      expect(isSceneRadarError(error) && error.code, JSON.stringify(eventTypeWeights)).toBe('CONFIG_INVALID');
    }
  });

  it('breadth: distinct regions in the window; spread: of those, regions never seen before it (null for a debut)', () => {
    const r = (k: number, region: string | null): RcfEvent => ({
      id: `r${k}-${region}`,
      type: 'playlist_add',
      at: at(k),
      weight: 1,
      region,
    });
    const f = extractFeatures(
      signals({ events: [r(200, 'us'), r(100, 'uk'), r(10, 'us'), r(5, 'de'), r(3, 'fr'), r(2, null)] }),
      model,
    );
    expect(f.regions).toBe(3);
    expect(f.newRegions).toBe(2);
    const debut = extractFeatures(signals({ events: [r(10, 'us'), r(5, 'de')] }), model);
    expect(debut.regions).toBe(2);
    expect(debut.newRegions).toBeNull();
    expect(extractFeatures(signals({ events: [r(100, 'us')] }), model).regions).toBeNull();
    expect(extractFeatures(signals({ events: [ev(3)] }), model).regions).toBeNull();
  });

  it('a daily observation stamped by day is known at the end of its day (the as-of rule)', () => {
    // ASOF is the end of END: an event dated END (a bare day, read as END + 1 day 00:00) is day 0.
    const day = (d: string, weight: number): RcfEvent => ({
      id: d,
      type: 'chart_entry',
      at: `${addDays(d, 1)}T00:00:00.000Z`,
      weight,
      region: null,
    });
    const f = extractFeatures(signals({ events: [day(END, 5), day(addDays(END, -7), 3)] }), model);
    expect(f.activity.events).toMatchObject({ now: 5, daysSinceLast: 0, presentDays: 2 });
    // Scored a day earlier, END itself is not known yet.
    const earlier = extractFeatures(
      signals({ asOf: `${END}T00:00:00.000Z`, events: [day(END, 5), day(addDays(END, -7), 3)] }),
      model,
    );
    expect(earlier.activity.events).toMatchObject({ now: 3, recent: 3, daysSinceLast: 6 });
  });
});

describe('press (Coverage)', () => {
  it('velocity over the recent window, quality over the long window', () => {
    const articles = [article(100, 1), article(60, 0), article(20, 0.3), article(5, 0.6), article(1, 0.9)];
    const f = extractFeatures(signals({ articles }), model);
    expect(f.pressVelocity).toBe(3 / 4);
    expect(f.pressQuality).toBeCloseTo((0 + 0.3 + 0.6 + 0.9) / 4, 12);
  });
});

describe('network (MIG)', () => {
  it('tastemakers, new tastemaker weight, collaborators, new collaborators, connectivity', () => {
    const network = {
      tastemakers: [link('t1', 0.5, 10), link('t2', 0.8, 59), link('t3', 1, 61)],
      collaborators: [
        { artist: 'x', weight: 1, since: at(30) },
        { artist: 'y', weight: 2, since: at(200) },
      ],
      centrality: null,
    };
    const f = extractFeatures(signals({ network }), model);
    expect(f.tastemakers).toBe(3);
    expect(f.newTastemakers).toBeCloseTo(1.3, 12);
    expect(f.collaborators).toBe(2);
    expect(f.newCollaborators).toBe(1);
    expect(f.centrality).toBeNull();
    expect(f.connectivity).toBeCloseTo(1 - Math.exp(-(2.3 / 3 + Math.log(3) / 3)), 12);
    const withCentrality = extractFeatures(signals({ network: { ...network, centrality: 0.2 } }), model);
    expect(withCentrality.connectivity).toBeCloseTo(0.5 * 0.2 + 0.5 * f.connectivity!, 12);
  });
});

describe('creative (CMG) and identity (IdentityKernel)', () => {
  it('creative shift: latest release against the mean of the earlier ones; drift: mean jump over the last year', () => {
    const releases = [
      release('r1', '2025-01-01', [1, 0]),
      release('r2', '2026-03-01', [1, 0]),
      release('r3', '2026-10-01', [0, 1], ['shoegaze']),
    ];
    const f = extractFeatures(signals({ releases }), model);
    expect(f.creativeShift).toBeCloseTo(1, 12);
    // Jumps of the last year: r1 -> r2 (0) and r2 -> r3 (1).
    expect(f.drift).toBeCloseTo(0.5, 12);
    expect(f.microgenres).toEqual(['shoegaze']);
    const same = extractFeatures(
      signals({ releases: [release('r1', '2026-01-01', [0.3, 0.4]), release('r2', '2026-06-01', [0.6, 0.8])] }),
      model,
    );
    expect(same.creativeShift).toBeCloseTo(0, 12);
    expect(same.drift).toBeCloseTo(0, 12);
  });

  it('one release: no shift yet (0), no drift; none: null', () => {
    const one = extractFeatures(signals({ releases: [release('r1', '2026-01-01', [1, 0])] }), model);
    expect(one.creativeShift).toBe(0);
    expect(one.drift).toBeNull();
    const none = extractFeatures(signals({ releases: [] }), model);
    expect(none.creativeShift).toBeNull();
    expect(none.evidence.cmg).toBe(true);
  });

  it('coherence is the mean over the recent window', () => {
    const f = extractFeatures(
      signals({ coherence: { start: addDays(END, -59), values: [...fill(32, 0.2), ...fill(W, 0.8)] } }),
      model,
    );
    expect(f.coherence).toBeCloseTo(0.8, 12);
    const unknown = extractFeatures(
      signals({ coherence: { start: addDays(END, -59), values: fill(60, null) } }),
      model,
    );
    expect(unknown.coherence).toBeNull();
  });
});

describe('anomaly: engagement spikes with and without corroboration', () => {
  // 150 days of 1000 a day; spikes of 5000 (>= 3 x the median of their neighbours + floor) on k = 3, 10, 20.
  const spiky = (): NonNullable<ArtistSignals['engagement']> => {
    const organic = fill(150, 1000);
    for (const k of [3, 10, 20]) organic[149 - k] = 5000;
    return engagement(organic);
  };
  const tastemaker = (k: number) => ({ tastemakers: [link('t', 0.5, k)], collaborators: [], centrality: null });

  it('three bare spike days are full suspicion; fewer count in thirds', () => {
    expect(extractFeatures(signals({ engagement: spiky() }), model).anomaly).toBe(1);
    const organic = fill(150, 1000);
    organic[149 - 12] = 5000;
    expect(extractFeatures(signals({ engagement: engagement(organic) }), model).anomaly).toBeCloseTo(1 / 3, 12);
  });

  it('a press article or a new tastemaker link on the day or in the week before corroborates a spike', () => {
    expect(extractFeatures(signals({ engagement: spiky(), articles: [article(20, 0.5)] }), model).anomaly).toBeCloseTo(
      2 / 3,
      12,
    );
    // k = 10 is the day of one spike and 7 days before another: both corroborated.
    expect(extractFeatures(signals({ engagement: spiky(), articles: [article(10, 0.5)] }), model).anomaly).toBeCloseTo(
      1 / 3,
      12,
    );
    expect(extractFeatures(signals({ engagement: spiky(), network: tastemaker(5) }), model).anomaly).toBeCloseTo(
      2 / 3,
      12,
    );
    const all = extractFeatures(
      signals({ engagement: spiky(), articles: [article(3, 0.5), article(10, 0.5)], network: tastemaker(27) }),
      model,
    );
    expect(all.anomaly).toBe(0);
  });

  it('evidence more than a week before the spike, or after it, does not corroborate; nor do RCF events', () => {
    expect(extractFeatures(signals({ engagement: spiky(), articles: [article(18, 0.5)] }), model).anomaly).toBe(1);
    expect(extractFeatures(signals({ engagement: spiky(), articles: [article(2, 0.5)] }), model).anomaly).toBe(1);
    expect(extractFeatures(signals({ engagement: spiky(), network: tastemaker(29) }), model).anomaly).toBe(1);
    expect(extractFeatures(signals({ engagement: spiky(), events: [ev(3), ev(10), ev(20)] }), model).anomaly).toBe(1);
  });

  it('a sustained rise is not a spike: its neighbours rise with it', () => {
    const organic = [...fill(130, 1000), ...fill(20, 5000)];
    expect(extractFeatures(signals({ engagement: engagement(organic) }), model).anomaly).toBe(0);
    const ramp = Array.from({ length: 150 }, (_, i) => Math.round(500 * Math.exp(i / 30)));
    expect(extractFeatures(signals({ engagement: engagement(ramp) }), model).anomaly).toBe(0);
  });

  it('steady engagement has no anomaly (0, not null); no engagement has none to judge (null)', () => {
    expect(extractFeatures(signals({ engagement: engagement(fill(150, 1000)) }), model).anomaly).toBe(0);
    expect(extractFeatures(signals({ events: [ev(1)] }), model).anomaly).toBeNull();
  });
});

describe('staleness', () => {
  it('days between the last observation of an activity source and the last complete day', () => {
    const stopped = extractFeatures(
      signals({ engagement: engagement(fill(80, 1000), undefined, addDays(END, -10)) }),
      model,
    );
    expect(stopped.staleDays).toBe(10);
    const trailingNulls = extractFeatures(
      signals({ engagement: engagement([...fill(80, 1000), ...fill(10, null)]) }),
      model,
    );
    expect(trailingNulls.staleDays).toBe(10);
    expect(extractFeatures(signals({ events: [ev(40), ev(12)] }), model).staleDays).toBe(12);
    // The newest of the two sources counts.
    expect(
      extractFeatures(
        signals({ events: [ev(3)], engagement: engagement(fill(80, 1000), undefined, addDays(END, -10)) }),
        model,
      ).staleDays,
    ).toBe(3);
    expect(extractFeatures(signals({ articles: [article(1, 1)] }), model).staleDays).toBeNull();
  });
});

describe('no evidence is null, never zero', () => {
  it('an artist no source answered for has only null features', () => {
    const f = extractFeatures(signals(), model);
    const numeric = Object.entries(f).filter(
      ([k]) => !['artistSlug', 'asOf', 'microgenres', 'evidence', 'host', 'activity'].includes(k),
    );
    expect(f.activity).toEqual({ events: null, engagement: null });
    expect(numeric.filter(([, v]) => v !== null)).toEqual([]);
    expect(f.microgenres).toEqual([]);
    expect(Object.values(f.evidence).every((e) => e === false)).toBe(true);
  });

  it('each source that answered sets its own evidence and only its own features', () => {
    const full = extractFeatures(rich(), model);
    expect(Object.values(full.evidence).every((e) => e === true)).toBe(true);
    for (const v of [
      full.engagementGrowth,
      full.eventRate,
      full.pressVelocity,
      full.tastemakers,
      full.creativeShift,
      full.coherence,
      full.paidShare,
      full.careerAgeDays,
      full.campaignCount,
      full.sceneHeat,
    ])
      expect(v).not.toBeNull();
    const noCoverage = extractFeatures({ ...rich(), articles: null }, model);
    expect(noCoverage.pressVelocity).toBeNull();
    expect(noCoverage.pressQuality).toBeNull();
    expect(noCoverage.evidence.coverage).toBe(false);
    expect(noCoverage.engagementGrowth).toBe(full.engagementGrowth);
    const noMig = extractFeatures({ ...rich(), network: null, record: null }, model);
    expect([
      noMig.tastemakers,
      noMig.newTastemakers,
      noMig.collaborators,
      noMig.connectivity,
      noMig.careerAgeDays,
    ]).toEqual([null, null, null, null, null]);
    const noFusion = extractFeatures({ ...rich(), engagement: null, campaigns: null }, model);
    expect([
      noFusion.engagementLevel,
      noFusion.engagementGrowth,
      noFusion.paidShare,
      noFusion.anomaly,
      noFusion.campaignCount,
    ]).toEqual([null, null, null, null, null]);
    expect(noFusion.activityBasis).toBe('events');
  });

  it('an empty answer is zero press and zero events, but an empty feed alone is no activity evidence', () => {
    const f = extractFeatures(signals({ articles: [], events: [] }), model);
    expect(f.pressVelocity).toBe(0);
    expect(f.eventRate).toBe(0);
    expect(f.eventGrowth).toBe(0);
    expect(f.activityLevel).toBeNull();
    expect(f.activityBasis).toBeNull();
    // Events only before the history window (a year): no activity evidence either.
    expect(extractFeatures(signals({ events: [ev(400, 5)] }), model).activityLevel).toBeNull();
    expect(extractFeatures(signals({ events: [ev(400, 5)] }), model).activity).toEqual({
      events: null,
      engagement: null,
    });
    // Events earlier in the year: evidence (the breakout model reads the history), level 0 now.
    expect(extractFeatures(signals({ events: [ev(200, 5)] }), model).activityLevel).toBe(0);
    // An event in the window before the recent one (W = 28 days): momentum compares the two
    // windows, so its level is the larger, that window's weight per week / 7 (7 / 4 / 7).
    expect(extractFeatures(signals({ events: [ev(50, 7)] }), model).activityLevel).toBe(0.25);
    expect(extractFeatures(signals({ events: [ev(50, 7)] }), model).eventRate).toBe(0);
  });

  it('scene fields come from the strongest membership and the scene pulse', () => {
    const f = extractFeatures(rich(), model);
    expect(f.sceneSlug).toBe('indie-uk-brighton');
    expect(f.sceneConfidence).toBe(0.8);
    expect(f.sceneHeat).toBe(70);
    expect(f.microgenres).toEqual(['dream-pop']);
    // The debut day is known at its end.
    expect(f.careerAgeDays).toBeCloseTo((Date.parse(ASOF) - Date.parse('2019-06-02T00:00:00.000Z')) / DAY_MS, 9);
  });

  it('career age counts from the debut MIG knows, never from when the data starts (firstSeen)', () => {
    const known = extractFeatures(rich(), model);
    expect(known.careerAgeDays! / 365.25).toBeGreaterThan(7);
    const record = { ...rich().record!, debut: null };
    expect(extractFeatures({ ...rich(), record }, model).careerAgeDays).toBeNull();
    const { debut: _omit, ...noDebut } = rich().record!;
    expect(extractFeatures({ ...rich(), record: noDebut }, model).careerAgeDays).toBeNull();
  });
});

describe('nothing after asOf is used', () => {
  const afterAsOf = (days: number): string => new Date(Date.parse(ASOF) + days * DAY_MS).toISOString();
  const base = rich();
  const baseline: ArtistFeatures = extractFeatures(base, model);

  it('engagement days after the last complete day', () => {
    const e = base.engagement!;
    const longer = { start: e.start, organic: [...e.organic, ...fill(20, 1e7)], paid: [...e.paid, ...fill(20, 1e7)] };
    expect(extractFeatures({ ...base, engagement: longer }, model)).toEqual(baseline);
  });

  it('the day of asOf itself is not complete: a value for it is not used', () => {
    const e = base.engagement!;
    const withToday = { start: e.start, organic: [...e.organic, 1e7], paid: [...e.paid, 0] };
    expect(extractFeatures({ ...base, engagement: withToday }, model)).toEqual(baseline);
  });

  it('events, articles, releases and coherence dated after asOf', () => {
    const later = {
      ...base,
      events: [
        ...base.events!,
        { ...ev(0, 50, 'late-1'), at: afterAsOf(1) },
        { ...ev(0, 50, 'late-2'), at: afterAsOf(30) },
      ],
      articles: [...base.articles!, { ...article(0, 1), id: 'late', publishedAt: afterAsOf(2) }],
      releases: [...base.releases!, release('late', addDays(END, 5), [0, 0, 1], ['late-genre'])],
      coherence: { start: base.coherence!.start, values: [...base.coherence!.values, ...fill(10, 0)] },
    };
    expect(extractFeatures(later, model)).toEqual(baseline);
  });

  // Regression (fixed; found by this test): (src/talent/features.ts, MIG block): `tastemakers`, `collaborators` and the tastemaker
  // weight behind `connectivity` count every link, including links whose `since` is after asOf.
  it('tastemaker and collaborator links that begin after asOf', () => {
    const net = base.network!;
    const later = {
      ...base,
      network: {
        ...net,
        tastemakers: [...net.tastemakers, { ...link('late', 1, 0), since: afterAsOf(3) }],
        collaborators: [...net.collaborators, { artist: 'late', weight: 5, since: afterAsOf(3) }],
      },
    };
    expect(extractFeatures(later, model)).toEqual(baseline);
  });

  // Regression (fixed; found by this test): (src/talent/features.ts, return value): `campaignCount` is `signals.campaigns.length`,
  // campaigns starting after asOf included.
  it('campaigns that start after asOf', () => {
    const later = { ...base, campaigns: [...base.campaigns!, campaign('late', addDays(END, 10))] };
    expect(extractFeatures(later, model).campaignCount).toBe(baseline.campaignCount);
  });

  it('an event after asOf does not make stale data look fresh', () => {
    const onlyEvents = signals({ events: [ev(40), ev(20)] });
    expect(extractFeatures(onlyEvents, model).staleDays).toBe(20);
    const withLate = signals({ events: [ev(40), ev(20), { ...ev(0, 1, 'late'), at: afterAsOf(2) }] });
    expect(extractFeatures(withLate, model).staleDays).toBe(20);
  });
});

/**
 * Issue 11, "a breakout score that holds on data it has never seen": one test (or more) per
 * defect the issue lists, each failing on the code before the fix. The slug helpers (defect 7),
 * the tabular `map` hook and aggregation (defect 8) and the public harness (defect 10) have
 * their own files: tests/core/slug.test.ts, tests/adapters/tabular-map.test.ts, tests/adapters/tabular-aggregate.test.ts,
 * tests/adapters/tabular-as-of.test.ts and tests/backtest-*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  createSceneRadar,
  fixedClock,
  type HostFeature,
  type RcfEvent,
  type RCFAdapter,
  type MIGAdapter,
  type SceneRadarSources,
} from 'scene-radar';
import { endOfDayInstant } from '../../src/core/time.js';
import { MONOTONE_BREAKOUT_SIGNS } from '../../src/talent/calibrate.js';
import { DEFAULT_BREAKOUT_MODEL } from '../../src/talent/default-breakout-model.js';
import { featureTable } from '../../src/talent/feature-table.js';
import { extractFeatures } from '../../src/talent/features.js';
import { fitPeerStats, explainRow } from '../../src/talent/scoring.js';
import {
  BREAKOUT_INPUTS,
  RcfEventSchema,
  TalentModelConfigSchema,
  type ArtistSignals,
  type SignalRead,
} from 'scene-radar/schemas';
import { createEagerDataset, createMemorySources, type ArtistHistory } from 'scene-radar/adapters/memory';

const DAY = 86_400_000;
const addDays = (d: string, n: number): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const T = '2025-06-07';
/** Scores as of the end of T: T's chart is known, nothing later. */
const AS_OF = new Date(Date.parse(`${T}T00:00:00Z`) + DAY);

/** A weekly chart world: artist `i` charts at rank `rank(i, week)` (null: off the chart), weeks back from T. */
function chartWorld(
  n: number,
  rank: (i: number, weeksBack: number) => number | null,
  opts: { debut?: (i: number) => string | null; region?: (i: number, w: number) => string } = {},
) {
  const histories: ArtistHistory[] = Array.from({ length: n }, (_, i) => {
    const events: RcfEvent[] = [];
    for (let w = 60; w >= 0; w--) {
      const r = rank(i, w);
      if (r !== null)
        events.push({
          id: `a${i}-w${w}`,
          type: 'chart_entry',
          at: addDays(T, -7 * w),
          weight: 101 - r,
          region: opts.region?.(i, w) ?? 'us',
        });
    }
    const debut = opts.debut?.(i) ?? null;
    return {
      record: {
        slug: `artist-${i}`,
        name: `Artist ${i}`,
        homeRegion: 'us',
        homeCity: null,
        firstSeen: '2024-01-01T00:00:00.000Z',
        debut,
      },
      tastemakers: [],
      collaborators: [],
      releases: [],
      campaigns: [],
      articles: [],
      events,
      memberships: [],
      engagement: { start: '2024-01-01', organic: [], paid: [] },
      coherence: { start: '2024-01-01', values: [] },
    } as ArtistHistory;
  });
  return createMemorySources(createEagerDataset({ histories }));
}

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
const signals = (events: RcfEvent[], record: ArtistSignals['record'] = null): ArtistSignals => ({
  artistSlug: 'artist-a',
  asOf: AS_OF.toISOString(),
  record,
  network: null,
  releases: null,
  campaigns: null,
  engagement: null,
  articles: null,
  events,
  coherence: null,
  memberships: null,
  scenePulse: null,
  reads: Object.fromEntries(READS.map((r) => [r, { status: 'ok' }])) as ArtistSignals['reads'],
  host: {},
});

describe('1. the default weights come from real charts, not the demo world', () => {
  it('the published default model says what it was fitted on: protocols A and C, never the demo world', () => {
    expect(DEFAULT_BREAKOUT_MODEL.provenance.fittedOn).toMatch(/Hot 100/);
    expect(DEFAULT_BREAKOUT_MODEL.provenance.fittedOn).toMatch(/Billboard 200/);
    expect(DEFAULT_BREAKOUT_MODEL.provenance.fittedOn).not.toMatch(/demo/i);
    expect(DEFAULT_BREAKOUT_MODEL.provenance.examples).toBeGreaterThan(5000);
    // The inputs that carry the public fit's signal have weight; the model is what config defaults to.
    expect(TalentModelConfigSchema.parse({}).breakout.inputs.level_now).toEqual(
      DEFAULT_BREAKOUT_MODEL.inputs.level_now,
    );
    expect(Object.values(DEFAULT_BREAKOUT_MODEL.inputs).filter((t) => t.weight !== 0).length).toBeGreaterThan(4);
    // Readable explanations: no default weight goes against its monotone prior (growth never lowers the score).
    for (const [input, sign] of Object.entries(MONOTONE_BREAKOUT_SIGNS))
      expect(
        DEFAULT_BREAKOUT_MODEL.inputs[input as keyof typeof DEFAULT_BREAKOUT_MODEL.inputs].weight * sign,
        input,
      ).toBeGreaterThanOrEqual(0);
  });

  it('a higher current chart position ranks higher by default, whatever the chart measures its weight in', async () => {
    // Two charts of the same artists, one weighted 101 - rank, one in "streams" (any monotone unit).
    const rank = (i: number, w: number): number | null => (w < 8 ? 90 - i : null);
    const score = async (sources: SceneRadarSources): Promise<number[]> => {
      const radar = createSceneRadar({ sources, clock: fixedClock(AS_OF) });
      const slugs = Array.from({ length: 40 }, (_, i) => `artist-${i}`);
      const s = await radar.talent.scoreArtists(slugs, { asOf: AS_OF });
      await radar.close();
      return s.artists.map((a) => a.breakout!);
    };
    const points = await score(chartWorld(40, rank));
    const streams = chartWorld(40, rank);
    const rcf: RCFAdapter = {
      getEvents: async (slugs, o) =>
        new Map(
          [...(await streams.rcf.getEvents(slugs, o))].map(([k, evs]) => [
            k,
            evs.map((e) => ({ ...e, weight: 1000 * Math.exp(e.weight / 10) })),
          ]),
        ),
    };
    const inStreams = await score({ ...streams, rcf });
    for (let i = 1; i < 40; i++) expect(points[i]!).toBeGreaterThan(points[i - 1]!);
    // Scale-free: the same ranks give the same scores in any unit.
    for (const [i, s] of inStreams.entries()) expect(s).toBeCloseTo(points[i]!, 12);
  });
});

describe('2. every dimension the contracts carry is a signal, and a host can add its own', () => {
  it('event regions: breadth (markets now) and spread (new markets) reach the explanation', () => {
    const f = extractFeatures(
      signals(
        [
          { id: 'a', type: 'chart_entry', at: addDays(T, -200), weight: 10, region: 'us' },
          { id: 'b', type: 'chart_entry', at: addDays(T, -3), weight: 10, region: 'us' },
          { id: 'c', type: 'chart_entry', at: addDays(T, -2), weight: 10, region: 'de' },
          { id: 'd', type: 'chart_entry', at: addDays(T, -1), weight: 10, region: 'jp' },
        ].map((e) => RcfEventSchema.parse(e)),
      ),
      TalentModelConfigSchema.parse({}),
    );
    expect(f.regions).toBe(3);
    expect(f.newRegions).toBe(2);
    const model = TalentModelConfigSchema.parse({});
    const table = featureTable([f]);
    const e = explainRow(table, 0, fitPeerStats(table, model), model);
    expect(e.breakoutSignals.find((s) => s.signal === 'breadth')).toMatchObject({
      raw: 3,
      normalized: Math.log1p(3),
      source: 'rcf',
    });
    expect(e.breakoutSignals.find((s) => s.signal === 'spread')).toMatchObject({ raw: 2, normalized: Math.log1p(2) });
    expect(e.breakoutSignals.map((s) => s.signal)).toEqual([...BREAKOUT_INPUTS]);
  });

  it('event types weigh what config says', () => {
    const events = [
      { id: 'a', type: 'sync_placement', at: `${T}T12:00:00Z`, weight: 5, region: null },
      { id: 'b', type: 'radio_play', at: `${T}T13:00:00Z`, weight: 5, region: null },
    ] as RcfEvent[];
    const plain = extractFeatures(signals(events), TalentModelConfigSchema.parse({}));
    const syncHeavy = extractFeatures(
      signals(events),
      TalentModelConfigSchema.parse({ eventTypeWeights: { sync_placement: 4 } }),
    );
    expect(plain.activity.events?.now).toBe(10);
    expect(syncHeavy.activity.events?.now).toBe(25);
  });

  it('a host feature is read as of T, explained with its source, and fitted by calibrate()', async () => {
    const sources = chartWorld(60, (i, w) => (w < 4 + (i % 5) ? 95 - i : null));
    const asked: Date[] = [];
    const buzz: HostFeature = {
      name: 'label-buzz',
      source: 'A&R notes',
      read: (slugs, { asOf }) => {
        asked.push(asOf);
        return new Map(slugs.map((s) => [s, Number(s.split('-')[1]) % 7]));
      },
    };
    const radar = createSceneRadar({ sources, clock: fixedClock(AS_OF), hostFeatures: [buzz] });
    const slugs = Array.from({ length: 60 }, (_, i) => `artist-${i}`);
    const scored = await radar.talent.scoreArtists(slugs, { asOf: AS_OF });
    expect(asked.every((a) => a.getTime() === AS_OF.getTime())).toBe(true);
    expect(scored.artists.every((a) => a.status === 'ok')).toBe(true);
    expect(scored.features[3]!.host['label-buzz']).toEqual({ status: 'ok', value: 3 });
    await radar.refresh(AS_OF);
    const profile = await radar.talent.aggregator.buildArtistProfile('artist-3');
    expect(profile.explanation.breakout.signals.find((s) => s.signal === 'label-buzz')).toMatchObject({
      source: 'host:A&R notes',
      raw: 3,
    });
    // Labels that follow the host's feature: calibrate() gives it a positive weight.
    const instants = [0, 7, 14, 21, 28, 35].map((d) => new Date(AS_OF.getTime() - d * DAY));
    const outcomes = instants.flatMap((asOf) =>
      slugs.map((artistSlug) => ({ artistSlug, asOf, label: Number(artistSlug.split('-')[1]) % 7 >= 5 })),
    );
    const fit = await radar.talent.calibrate(outcomes, { folds: 2, recalibrate: false });
    expect(fit.model.hostInputs['label-buzz']!.weight).toBeGreaterThan(1);
    await radar.close();
  });

  it("a host feature that throws, hangs, returns NaN or a wrong type is that feature's error, never a crash or a NaN score", async () => {
    const sources = chartWorld(8, (i, w) => (w < 3 ? 90 - i : null));
    const features: HostFeature[] = [
      {
        name: 'throws',
        source: 'x',
        read: () => {
          throw Object.create(null) as Error;
        },
      },
      { name: 'nan', source: 'x', read: (slugs) => new Map(slugs.map((s) => [s, Number.NaN])) },
      {
        name: 'strings',
        source: 'x',
        read: (slugs) => Object.fromEntries(slugs.map((s) => [s, 'high'])) as unknown as Record<string, number>,
      },
      { name: 'array', source: 'x', read: () => [1, 2, 3] as unknown as Map<string, number> },
      { name: 'hangs', source: 'x', read: () => new Promise<Map<string, number>>(() => {}) },
    ];
    const radar = createSceneRadar({
      sources,
      clock: fixedClock(AS_OF),
      hostFeatures: features,
      config: { talent: { signalTimeoutMs: 200 } },
    });
    const scored = await radar.talent.scoreArtists(['artist-1', 'artist-2'], { asOf: AS_OF });
    for (const a of scored.artists) {
      expect(a.status).toBe('ok');
      expect(Number.isFinite(a.breakout)).toBe(true);
      expect(a.problems.join('\n')).toMatch(/host feature throws: error/);
      expect(a.problems.join('\n')).toMatch(/host feature nan: error .*NaN/);
      expect(a.problems.join('\n')).toMatch(/host feature strings: error .*string/);
      expect(a.problems.join('\n')).toMatch(/host feature array: error .*array/);
      expect(a.problems.join('\n')).toMatch(/host feature hangs: timeout/);
    }
    // A refresh says so too (it used to report nothing: failedReads {}, reads.error 0).
    const report = await radar.talent.refresh(AS_OF);
    expect(report.scored).toBe(8);
    expect(report.hostFeatures).toEqual({
      throws: { ok: 0, missing: 0, timeout: 0, error: 8 },
      nan: { ok: 0, missing: 0, timeout: 0, error: 8 },
      strings: { ok: 0, missing: 0, timeout: 0, error: 8 },
      array: { ok: 0, missing: 0, timeout: 0, error: 8 },
      hangs: { ok: 0, missing: 0, timeout: 8, error: 0 },
    });
    // And the records' readers are told, wherever the scores are shown.
    const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 5 });
    expect(pulse.meta.degraded).toEqual(
      expect.arrayContaining([
        'host feature throws: failed for 8 artists in the last refresh (its term counted as missing in their breakout scores)',
        'host feature hangs: failed for 8 artists in the last refresh (its term counted as missing in their breakout scores)',
      ]),
    );
    expect(() =>
      createSceneRadar({ sources, hostFeatures: [{ name: 'Bad Name', source: 'x', read: () => new Map() }] }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => createSceneRadar({ sources, hostFeatures: [features[1]!, features[1]!] })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    await radar.close();
  });
});

describe('3. new entrants keep their evidence; cadence comes from the data', () => {
  it('an artist two weeks old is scored (lower confidence), not dropped', async () => {
    const sources = chartWorld(30, (i, w) => (i === 0 ? (w < 2 ? 40 : null) : w < 20 ? 50 + i : null));
    const radar = createSceneRadar({ sources, clock: fixedClock(AS_OF) });
    const slugs = Array.from({ length: 30 }, (_, i) => `artist-${i}`);
    const scored = await radar.talent.scoreArtists(slugs, { asOf: AS_OF });
    const newcomer = scored.artists[0]!;
    expect(newcomer.status).toBe('ok');
    expect(newcomer.breakout).toBeGreaterThan(0);
    expect(newcomer.confidence).toBeLessThan(scored.artists[1]!.confidence);
    await radar.close();
  });

  it('the same presence counts the same at a weekly and a daily cadence', async () => {
    // Weekly: present in 6 of the last 8 charts. Daily: present on 42 of the last 56 days. The
    // gaps are in the middle: a gap before the first sighting would be "not started yet".
    const weekly = chartWorld(20, (i, w) => (w < 8 && (i % 4 !== 0 || (w !== 2 && w !== 5)) ? 60 : null));
    const dailyHistories: ArtistHistory[] = Array.from({ length: 20 }, (_, i) => ({
      record: {
        slug: `artist-${i}`,
        name: `A${i}`,
        homeRegion: 'us',
        homeCity: null,
        firstSeen: '2024-01-01T00:00:00.000Z',
      },
      tastemakers: [],
      collaborators: [],
      releases: [],
      campaigns: [],
      articles: [],
      memberships: [],
      events: Array.from({ length: 56 }, (_, d) => d)
        .filter((d) => i % 4 !== 0 || d < 14 || d >= 28)
        .map((d) => ({ id: `d${d}`, type: 'chart_entry', at: addDays(T, -d), weight: 60, region: 'us' }) as RcfEvent),
      engagement: { start: '2024-01-01', organic: [], paid: [] },
      coherence: { start: '2024-01-01', values: [] },
    }));
    const daily = createMemorySources(createEagerDataset({ histories: dailyHistories }));
    const staying = async (sources: SceneRadarSources): Promise<number> => {
      const radar = createSceneRadar({ sources, clock: fixedClock(AS_OF) });
      await radar.refresh(AS_OF);
      const p = await radar.talent.aggregator.buildArtistProfile('artist-0');
      await radar.close();
      return p.explanation.breakout.signals.find((s) => s.signal === 'staying_power')!.normalized!;
    };
    const w = await staying(weekly);
    const d = await staying(daily);
    // (present + 1) / (periods since the first sighting + 2): the first weekly chart was 49 days
    // back (50 days of life, 50/7 periods), the first daily one 55 days back (56 periods).
    expect(w).toBeCloseTo(7 / (50 / 7 + 2), 12);
    expect(d).toBeCloseTo(43 / 58, 12);
    expect(Math.abs(w - d)).toBeLessThan(0.05);
  });

  it("presence_year is the year's presence, not the presence since the first sighting", async () => {
    // artist-0: on every chart of the last 4 weeks, and never before (4 of 4 weeks of its life).
    // artist-1: on every chart of the last year (52 of 52). The others: every chart of the last
    // half year (the data's cadence is weekly).
    const sources = chartWorld(20, (i, w) =>
      i === 0 ? (w < 4 ? 50 : null) : i === 1 ? (w < 52 ? 50 : null) : w < 26 ? 50 : null,
    );
    const radar = createSceneRadar({ sources, clock: fixedClock(AS_OF) });
    await radar.refresh(AS_OF);
    const input = async (slug: string, signal: string): Promise<number> => {
      const p = await radar.talent.aggregator.buildArtistProfile(slug);
      return p.explanation.breakout.signals.find((s) => s.signal === signal)!.normalized!;
    };
    // log(1 + 52 x share) / log(1 + 52), the share counted over the year's 52 weekly periods.
    expect(await input('artist-1', 'presence_year')).toBeCloseTo(1, 12);
    expect(await input('artist-0', 'presence_year')).toBeCloseTo(Math.log1p(4) / Math.log1p(52), 12);
    // staying_year counts over the artist's life (its first chart 21 days back: 22 days, 22/7
    // periods), so the newcomer reads as present throughout, as the year-long artist does.
    expect(await input('artist-0', 'staying_year')).toBeCloseTo(Math.min(1, 5 / (22 / 7 + 2)), 12);
    expect(await input('artist-1', 'staying_year')).toBeGreaterThan(0.95);
    await radar.close();
  });
});

describe('4. career age counts from the debut, not from the start of the export', () => {
  it('a veteran new to the host data is not young; without a debut the age is unknown', () => {
    const model = TalentModelConfigSchema.parse({});
    const events = [RcfEventSchema.parse({ id: 'x', type: 'chart_entry', at: T, weight: 50, region: 'us' })];
    const veteran = extractFeatures(
      signals(events, {
        slug: 'artist-a',
        name: 'A',
        homeRegion: 'us',
        homeCity: null,
        firstSeen: `${addDays(T, -10)}T00:00:00.000Z`,
        debut: '2005-03-01',
      }),
      model,
    );
    expect(veteran.careerAgeDays! / 365.25).toBeGreaterThan(20);
    const unknown = extractFeatures(
      signals(events, {
        slug: 'artist-a',
        name: 'A',
        homeRegion: 'us',
        homeCity: null,
        firstSeen: `${addDays(T, -10)}T00:00:00.000Z`,
      }),
      model,
    );
    expect(unknown.careerAgeDays).toBeNull();
  });
});

describe('5. a refused or failing read is loud: reported per artist, never a NaN score', () => {
  const refusing = (sources: ReturnType<typeof chartWorld>, refuse: (slug: string) => boolean): SceneRadarSources => ({
    ...sources,
    rcf: {
      getEvents: async (slugs, o) => {
        if (slugs.some(refuse)) throw new Error(`LookaheadError: rcf.getEvents asked past the limit`);
        return sources.rcf.getEvents(slugs, o);
      },
      maxBatchSize: 1,
    },
  });

  it('scoreArtists: the refused artist is `failed` with the reason; the others are scored', async () => {
    const base = chartWorld(10, (i, w) => (w < 5 ? 80 - i : null));
    const radar = createSceneRadar({ sources: refusing(base, (s) => s === 'artist-4'), clock: fixedClock(AS_OF) });
    const scored = await radar.talent.scoreArtists(
      Array.from({ length: 10 }, (_, i) => `artist-${i}`),
      { asOf: AS_OF },
    );
    const refused = scored.artists[4]!;
    expect(refused).toMatchObject({ status: 'failed', momentum: null, breakout: null, risk: null });
    expect(refused.reason).toMatch(/LookaheadError/);
    for (const a of scored.artists) {
      for (const v of [a.momentum, a.breakout, a.risk, a.confidence])
        if (v !== null) expect(Number.isFinite(v)).toBe(true);
      if (a.artistSlug !== 'artist-4') expect(a.status).toBe('ok');
    }
    await radar.close();
  });

  it('refresh says which artists were not scored and why, and why a universe could not be walked', async () => {
    const base = chartWorld(10, (i, w) => (i === 9 ? null : w < 5 ? 80 - i : null));
    const radar = createSceneRadar({ sources: refusing(base, (s) => s === 'artist-4'), clock: fixedClock(AS_OF) });
    const report = await radar.talent.refresh(AS_OF);
    expect(report.universe).toBe('ok');
    expect(report.universeReason).toBeNull();
    expect(report.unscored).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          artistSlug: 'artist-4',
          status: 'failed',
          reason: expect.stringMatching(/LookaheadError/),
        }),
        expect.objectContaining({
          artistSlug: 'artist-9',
          status: 'insufficient',
          reason: expect.stringMatching(/no activity/),
        }),
      ]),
    );
    expect(report.kept).toBe(1);
    expect(report.insufficient).toBe(1);
    await radar.close();
    const mig: MIGAdapter = {
      ...base.mig,
      listArtists: async () => Promise.reject(new Error('LookaheadError: mig.listArtists past the limit')),
    };
    const blind = createSceneRadar({ sources: { ...base, mig }, clock: fixedClock(AS_OF) });
    const failed = await blind.talent.refresh(AS_OF);
    expect(failed.universe).toBe('error');
    expect(failed.universeReason).toMatch(/LookaheadError/);
    await blind.close();
  });
});

describe('6. daily data: a value dated D is known at the end of D', () => {
  it('a bare day in an event is read as the end of that day, by the contract', () => {
    expect(RcfEventSchema.parse({ id: 'x', type: 'chart_entry', at: '2025-06-07', weight: 1, region: null }).at).toBe(
      '2025-06-08T00:00:00.000Z',
    );
    expect(endOfDayInstant('2025-06-07')).toBe('2025-06-08T00:00:00.000Z');
  });

  it('scoring as of a day boundary neither drops the day that ended nor reads the one that began', async () => {
    const sources = chartWorld(5, (i, w) => (w === 0 ? 90 - i : null));
    const at = async (asOf: Date): Promise<number | null> => {
      const got = await sources.rcf.getEvents(['artist-0'], {
        asOf,
        from: new Date(asOf.getTime() - 30 * DAY),
        signal: new AbortController().signal,
      });
      return got.get('artist-0')?.length ?? null;
    };
    // The chart dated T: unknown during T, known from T + 1 00:00.
    expect(await at(new Date(`${T}T00:00:00Z`))).toBe(0);
    expect(await at(new Date(`${T}T23:59:59Z`))).toBe(0);
    expect(await at(AS_OF)).toBe(1);
  });
});

describe('9. scores a host can read for its own list, unrounded; calibrate() has no side effect', () => {
  it('getArtistScores returns the stored rows for the slugs asked, exactly as computed', async () => {
    const sources = chartWorld(12, (i, w) => (w < 6 ? 70 - 3 * i : null));
    const radar = createSceneRadar({ sources, clock: fixedClock(AS_OF) });
    await radar.refresh(AS_OF);
    const slugs = ['artist-3', 'artist-1', 'nobody', 'artist-3'];
    const read = await radar.readOnly.getArtistScores(slugs);
    expect(read.artists.map((a) => a.artist_slug)).toEqual(['artist-3', 'artist-1']);
    expect(read.missing).toEqual(['nobody']);
    const scored = await radar.talent.scoreArtists(['artist-3', 'artist-1'], { asOf: AS_OF });
    expect(read.artists.map((a) => a.breakout_score)).toEqual(scored.artists.map((a) => a.breakout));
    // Not rounded to 4 decimals.
    expect(read.artists.some((a) => Math.round(a.breakout_score * 1e4) / 1e4 !== a.breakout_score)).toBe(true);
    await expect(radar.talent.aggregator.getArtistScores(['Bad Slug'])).rejects.toMatchObject({
      code: 'TALENT_VALIDATION_ERROR',
    });
    await expect(
      radar.talent.aggregator.getArtistScores(Array.from({ length: 10_001 }, (_, i) => `a-${i}`)),
    ).rejects.toMatchObject({ code: 'TALENT_VALIDATION_ERROR' });
    await radar.close();
  });
});

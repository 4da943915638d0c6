/**
 * Regressions for what a hostile review of the new breakout model found: peers that outlived
 * their refresh, a source ranking an artist among too few peers, a host feature that mutates its
 * input, calibrate() leaking a ZodError or validating on purged-free folds, overflowing weights, a
 * debut from the future, a profile before any refresh passing for a measured one.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type HostFeature, type RcfEvent, type SceneRadarSources } from 'scene-radar';
import { fitBreakoutModel } from '../../src/talent/calibrate.js';
import { extractFeatures } from '../../src/talent/features.js';
import { TalentModelConfigSchema, type SignalRead, type ArtistSignals } from 'scene-radar/schemas';
import { createEagerDataset, createMemorySources, type ArtistHistory } from 'scene-radar/adapters/memory';

const DAY = 86_400_000;
const addDays = (d: string, n: number): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const T = '2025-06-07';
const AS_OF = new Date(Date.parse(`${T}T00:00:00Z`) + DAY);

interface ArtistSpec {
  readonly rank: (weeksBack: number) => number | null;
  readonly engagement?: readonly number[];
  readonly weight?: number;
}

function world(artists: readonly ArtistSpec[]): ReturnType<typeof createMemorySources> {
  const histories: ArtistHistory[] = artists.map((a, i) => {
    const events: RcfEvent[] = [];
    for (let w = 60; w >= 0; w--) {
      const r = a.rank(w);
      if (r !== null)
        events.push({
          id: `a${i}-w${w}`,
          type: 'chart_entry',
          at: addDays(T, -7 * w),
          weight: a.weight ?? 101 - r,
          region: 'us',
        });
    }
    const organic = a.engagement ? [...a.engagement] : [];
    return {
      record: {
        slug: `a-${i}`,
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
      events,
      memberships: [],
      engagement: { start: addDays(T, -(organic.length - 1)), organic, paid: organic.map(() => 0) },
      coherence: { start: '2024-01-01', values: [] },
    } as ArtistHistory;
  });
  return createMemorySources(createEagerDataset({ histories }));
}
const slugs = (n: number): string[] => Array.from({ length: n }, (_, i) => `a-${i}`);

describe('breakout model review regressions', () => {
  // A refresh as of an earlier instant than the last one is refused (tests/core/refresh-order.test.ts).
  it("after a refresh of a few artists, scoreArtists and profiles use that refresh's peers", async () => {
    const sources = world(
      Array.from({ length: 8 }, (_, i) => ({ rank: (w: number) => (w < 6 + i ? 90 - 8 * i : null) })),
    );
    const radar = createSceneRadar({ sources, clock: fixedClock(AS_OF) });
    const earlier = new Date(AS_OF.getTime() - 14 * DAY);
    for (const at of [earlier, AS_OF]) {
      await radar.talent.refresh(at);
      const stored = await radar.talent.aggregator.getArtistScores(slugs(8));
      const scored = await radar.talent.scoreArtists(slugs(8), { asOf: at });
      expect(stored.artists.map((a) => a.breakout_score)).toEqual(scored.artists.map((a) => a.breakout));
    }
    await radar.close();
  });

  it('an artist with a source few others have is ranked by its other source, not among a population of one', async () => {
    const base = Array.from({ length: 30 }, (_, i) => ({ rank: (w: number) => (w < 8 ? 95 - 3 * i : null) }));
    const withFusion = base.map((a, i) => (i === 0 ? { ...a, engagement: Array.from({ length: 60 }, () => 40) } : a));
    const score = async (sources: SceneRadarSources): Promise<number> => {
      const radar = createSceneRadar({ sources, clock: fixedClock(AS_OF) });
      const s = await radar.talent.scoreArtists(slugs(30), { asOf: AS_OF });
      await radar.close();
      return s.artists[0]!.breakout!;
    };
    const eventsOnly = await score(world(base));
    const plusFusion = await score(world(withFusion));
    expect(plusFusion).toBeCloseTo(eventsOnly, 6);
  });

  it('a host feature that empties the array it is given neither crashes refresh nor changes the batch', async () => {
    const sources = world(Array.from({ length: 5 }, () => ({ rank: (w: number) => (w < 4 ? 50 : null) })));
    const greedy: HostFeature = {
      name: 'greedy',
      source: 'x',
      read: (asked) => {
        const m = new Map<string, number>();
        const list = asked as string[];
        try {
          while (list.length) m.set(list.pop()!, 1);
        } catch {
          for (const s of asked) m.set(s, 1);
        }
        return m;
      },
    };
    const radar = createSceneRadar({ sources, clock: fixedClock(AS_OF), hostFeatures: [greedy] });
    const report = await radar.talent.refresh(AS_OF);
    expect(report.scored).toBe(5);
    await radar.close();
  });

  it('calibrate(): a raw host feature in the tens of thousands fits; a near-constant input is a clear error, never a ZodError', () => {
    const examples = Array.from({ length: 400 }, (_, i) => ({
      inputs: { followers: 20_000 + (i % 50) * 100 },
      label: i % 7 === 0,
      time: Date.UTC(2024, 0, 1) + (i % 8) * 7 * DAY,
    }));
    const fit = fitBreakoutModel(examples);
    expect(fit.model.hostInputs.followers!.center).toBeGreaterThan(20_000);
    // Values past a model's bounds (a centre above 1e12) are refused with the library's error.
    const huge = examples.map((e, i) => ({ ...e, inputs: { huge: 1e13 + (i % 50) * 1e11 } }));
    expect(() => fitBreakoutModel(huge)).toThrow(
      expect.objectContaining({ code: 'TALENT_INSUFFICIENT_DATA', message: expect.stringMatching(/out of bounds/) }),
    );
    expect(() => fitBreakoutModel(examples, { horizonDays: 0 })).toThrow(
      expect.objectContaining({ code: 'TALENT_VALIDATION_ERROR' }),
    );
    expect(() => fitBreakoutModel(examples, { event: '' })).toThrow(
      expect.objectContaining({ code: 'TALENT_VALIDATION_ERROR' }),
    );
    expect(() => fitBreakoutModel(examples.map((e) => ({ ...e, weight: 1e300 })))).toThrow(
      expect.objectContaining({ code: 'TALENT_VALIDATION_ERROR' }),
    );
  });

  it('calibrate(): a recalibrated model predicts, on average, the rate it was fitted on, whatever the penalty', () => {
    // The rate of positives rises over time, so every time-ordered fold's model has another
    // intercept than the final fit; a strong penalty makes Platt's slope large (about 4 here).
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const examples = Array.from({ length: 4000 }, (_, i) => {
      const t = i % 40;
      const x = rand() * 2 - 1;
      const p = 1 / (1 + Math.exp(-(-3.5 + t * 0.04 + 1.5 * x)));
      return { inputs: { x, noise: rand() }, label: rand() < p, time: Date.UTC(2020, 0, 1) + t * 7 * DAY };
    });
    const observed = examples.filter((e) => e.label).length / examples.length;
    for (const l2 of [0.001, 1]) {
      const { model, validation } = fitBreakoutModel(examples, { l2 });
      expect(validation.recalibration).not.toBeNull();
      const logit = (e: (typeof examples)[number]): number =>
        model.intercept +
        model.hostInputs.x!.weight * (e.inputs.x - model.hostInputs.x!.center) +
        model.hostInputs.noise!.weight * (e.inputs.noise - model.hostInputs.noise!.center);
      const predicted = examples.reduce((s, e) => s + 1 / (1 + Math.exp(-logit(e))), 0) / examples.length;
      expect(predicted).toBeCloseTo(observed, 6);
    }
  });

  it('calibrate() folds with a horizon train only on labels that end before the period they validate', () => {
    const examples = Array.from({ length: 3000 }, (_, i) => ({
      inputs: { x: Math.sin(i) },
      label: i % 9 === 0,
      time: Date.UTC(2020, 0, 1) + (i % 60) * 7 * DAY,
    }));
    const fit = fitBreakoutModel(examples, { horizonDays: 56, folds: 3 });
    expect(fit.validation.folds.length).toBeGreaterThan(0);
    for (const f of fit.validation.folds)
      expect(Date.parse(f.trainUntil) + 56 * DAY).toBeLessThanOrEqual(Date.parse(f.validate[0]));
    expect(fit.validation.validated).toBe(true);
    const oneInstant = fitBreakoutModel(examples.map((e) => ({ ...e, time: 0 })));
    expect(oneInstant.validation.validated).toBe(false);
    expect(oneInstant.validation.outOfTime).toBeNull();
  });

  it('events of absurd weight are invalid payloads at the boundary and never turn scores into NaN', async () => {
    const sources = world([
      { rank: (w) => (w < 3 ? 1 : null), weight: 1e308 },
      ...Array.from({ length: 9 }, (_, i) => ({ rank: (w: number) => (w < 5 ? 50 + i : null) })),
    ]);
    const radar = createSceneRadar({ sources, clock: fixedClock(AS_OF) });
    const report = await radar.talent.refresh(AS_OF);
    expect(report.scored).toBe(9);
    expect(report.unscored).toEqual([
      expect.objectContaining({
        artistSlug: 'a-0',
        reason: expect.stringMatching(/events: error .*beyond the documented bound/),
      }),
    ]);
    const scored = await radar.talent.scoreArtists(slugs(10), { asOf: AS_OF });
    expect(scored.artists[0]).toMatchObject({ artistSlug: 'a-0', status: 'failed', breakout: null });
    for (const a of scored.artists.slice(1))
      for (const v of [a.momentum, a.breakout, a.risk]) expect(Number.isFinite(v)).toBe(true);
    await radar.close();
  });

  it('a debut dated after asOf is not known yet: career age unknown, not 0', () => {
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
    const signals = (debut: string): ArtistSignals => ({
      artistSlug: 'a-0',
      asOf: AS_OF.toISOString(),
      network: null,
      releases: null,
      campaigns: null,
      engagement: null,
      articles: null,
      events: null,
      coherence: null,
      memberships: null,
      scenePulse: null,
      record: {
        slug: 'a-0',
        name: 'A',
        homeRegion: 'us',
        homeCity: null,
        firstSeen: '2024-01-01T00:00:00.000Z',
        debut,
      },
      reads: Object.fromEntries(READS.map((r) => [r, { status: 'ok' }])) as ArtistSignals['reads'],
      host: {},
    });
    const model = TalentModelConfigSchema.parse({});
    expect(extractFeatures(signals(addDays(T, 10)), model).careerAgeDays).toBeNull();
    // The debut day itself is known at its end: exactly asOf here.
    expect(extractFeatures(signals(T), model).careerAgeDays).toBe(0);
    expect(extractFeatures(signals(addDays(T, 1)), model).careerAgeDays).toBeNull();
  });

  it('a profile before any refresh says its breakout is provisional (no population to rank against)', async () => {
    const sources = world(Array.from({ length: 6 }, () => ({ rank: (w: number) => (w < 4 ? 40 : null) })));
    const radar = createSceneRadar({ sources, clock: fixedClock(AS_OF) });
    const before = await radar.talent.aggregator.buildArtistProfile('a-0');
    expect(before.explanation.breakout.peers).toBe('prior');
    await radar.talent.refresh(AS_OF);
    const after = await radar.talent.aggregator.buildArtistProfile('a-0', { skipCache: true });
    expect(after.explanation.breakout.peers).toBe('population');
    await radar.close();
  });

  it('calibrationExamples refuses an outcome without asOf instead of scoring it as of now', async () => {
    const sources = world(Array.from({ length: 3 }, () => ({ rank: (w: number) => (w < 4 ? 40 : null) })));
    const radar = createSceneRadar({ sources, clock: fixedClock(AS_OF) });
    await expect(radar.talent.calibrationExamples([{ artistSlug: 'a-0', label: true } as never])).rejects.toMatchObject(
      { code: 'TALENT_VALIDATION_ERROR' },
    );
    await radar.close();
  });
});

/**
 * Talent Radar caching and deadlines with fake timers: the seed's TTLs (global pulse 10 minutes,
 * artist profile 5 minutes), grace, skipCache, clearCache, short-lived degraded results,
 * single-flight, and what a hanging source does to a profile. Assertions are on source call
 * counts and fake time, never on wall time.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createSceneRadar,
  fixedClock,
  type SceneRadarConfigInput,
  type SceneRadarSources,
  type SourceCallEvent,
} from 'scene-radar';
import { createMemoryStores, type ScenesStores, type TalentStores } from 'scene-radar/stores';
import { createDemoWorld, createMemorySources } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 300, end: '2026-11-24' });
const PROFILE_TTL = 300_000;
const PULSE_TTL = 600_000;
const GRACE = 60_000;
const DEGRADED_TTL = 15_000;

let scenesStores: ScenesStores;
let talentStores: TalentStores;
let slugs: string[];
beforeAll(async () => {
  const stores = createMemoryStores();
  scenesStores = stores.scenes;
  talentStores = stores.talent;
  const r = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
  await r.scenes.importCatalog(world.catalog);
  await r.refresh(NOW);
  await r.close();
  slugs = (await talentStores.talent_radar_artists.scan()).map((x) => x.artist_slug);
}, 60_000);
beforeEach(() => vi.useFakeTimers({ now: NOW }));
afterEach(() => vi.useRealTimers());

/** A radar over the refreshed tables, on the (faked) system clock, counting its source calls. */
function make(options: { sources?: SceneRadarSources; config?: SceneRadarConfigInput } = {}) {
  const events: SourceCallEvent[] = [];
  const radar = createSceneRadar({
    sources: options.sources ?? world.sources,
    stores: { scenes: scenesStores, talent: talentStores },
    clock: { now: () => Date.now() },
    onSourceCall: (e) => events.push(e),
    ...(options.config ? { config: options.config } : {}),
  });
  const count = (source: string, method?: string): number =>
    events.filter((e) => e.source === source && (method === undefined || e.method === method)).length;
  const perMethod = (): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const e of events) out[`${e.source}.${e.method}`] = (out[`${e.source}.${e.method}`] ?? 0) + 1;
    return out;
  };
  return { radar, agg: radar.talent.aggregator, events, count, perMethod };
}

/** Advances fake time in steps until `p` settles or `maxMs` passed; reports when it settled. */
async function drive<T>(
  p: Promise<T>,
  maxMs: number,
  step = 50,
): Promise<{ settled: boolean; at: number; value?: T; error?: unknown }> {
  let state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  p.then(
    (value) => (state = { settled: true, value }),
    (error: unknown) => (state = { settled: true, error }),
  );
  const start = Date.now();
  await vi.advanceTimersByTimeAsync(0);
  while (!state.settled && Date.now() - start < maxMs) await vi.advanceTimersByTimeAsync(step);
  return { ...state, at: Date.now() - start };
}

/** A batch method that never settles and ignores its abort signal. */
const hang = (): Promise<never> => new Promise<never>(() => undefined);

describe('TTLs', () => {
  it('an artist profile is served from the cache for 5 minutes', async () => {
    const { agg, count } = make({ config: { cache: { staleGraceMs: 0 } } });
    const first = await agg.buildArtistProfile(slugs[0]!);
    expect(count('coverage', 'getArticles')).toBe(1);
    vi.advanceTimersByTime(PROFILE_TTL - 1);
    expect(await agg.buildArtistProfile(slugs[0]!)).toBe(first);
    expect(count('coverage')).toBe(1);
    vi.advanceTimersByTime(1);
    const second = await agg.buildArtistProfile(slugs[0]!);
    expect(second).not.toBe(first);
    expect(count('coverage', 'getArticles')).toBe(2);
    expect(second.explanation.asOf).toBe(new Date(NOW.getTime() + PROFILE_TTL).toISOString());
  });

  it('the global pulse is served from the cache for 10 minutes, past the profiles', async () => {
    const { agg, count } = make({ config: { cache: { staleGraceMs: 0 } } });
    const first = await agg.buildGlobalPulse();
    expect(count('scenes', 'listHottestScenes')).toBe(1);
    vi.advanceTimersByTime(PROFILE_TTL + 1);
    expect(await agg.buildGlobalPulse()).toBe(first);
    vi.advanceTimersByTime(PULSE_TTL - PROFILE_TTL - 2);
    expect(await agg.buildGlobalPulse()).toBe(first);
    expect(count('scenes', 'listHottestScenes')).toBe(1);
    vi.advanceTimersByTime(1);
    const second = await agg.buildGlobalPulse();
    expect(second).not.toBe(first);
    expect(second.timestamp).toBe(new Date(NOW.getTime() + PULSE_TTL).toISOString());
    expect(count('scenes', 'listHottestScenes')).toBe(2);
  });

  it('top lists are cached per category and limit', async () => {
    const { agg } = make();
    const rising = await agg.getTopArtists({ category: 'rising' });
    expect(await agg.getTopArtists({ category: 'rising' })).toBe(rising);
    expect(await agg.getTopArtists({ category: 'rising', limit: 20 })).toBe(rising);
    expect(await agg.getTopArtists({ category: 'rising', limit: 5 })).not.toBe(rising);
    expect(await agg.getTopArtists({ category: 'risk' })).not.toBe(rising);
    const skipped = await agg.getTopArtists({ category: 'rising', skipCache: true });
    expect(skipped).not.toBe(rising);
    expect(await agg.getTopArtists({ category: 'rising' })).toBe(skipped);
  });
});

describe('grace', () => {
  it('a stale profile is served at once while exactly one refresh runs; then the fresh one', async () => {
    // Slow sources: a caller that had to wait for the refresh could not settle without time passing.
    const { agg, count } = make({ sources: createMemorySources(world.dataset, { latencyMs: 1000 }) });
    const cold = await drive(agg.buildArtistProfile(slugs[3]!), 60_000);
    expect(cold.settled).toBe(true);
    const first = cold.value!;
    expect(count('coverage')).toBe(1);
    vi.advanceTimersByTime(PROFILE_TTL + 1000);
    let settled = 0;
    const served = Array.from({ length: 20 }, () => agg.buildArtistProfile(slugs[3]!).finally(() => settled++));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(20);
    for (const p of await Promise.all(served)) expect(p).toBe(first);
    expect(count('coverage')).toBe(1); // the refresh is still reading
    await vi.advanceTimersByTimeAsync(30_000);
    expect(count('coverage')).toBe(2); // one refresh, not twenty
    const fresh = await agg.buildArtistProfile(slugs[3]!);
    expect(fresh).not.toBe(first);
    expect(count('coverage')).toBe(2);
  });

  it('past TTL and grace, the caller waits for a fresh profile', async () => {
    const { agg, count } = make();
    const first = await agg.buildArtistProfile(slugs[4]!);
    vi.advanceTimersByTime(PROFILE_TTL + GRACE);
    expect(await agg.buildArtistProfile(slugs[4]!)).not.toBe(first);
    expect(count('coverage')).toBe(2);
  });
});

describe('skipCache and clearCache', () => {
  it('skipCache recomputes and stores the result (object form and the seed boolean form)', async () => {
    const { agg, count } = make();
    const first = await agg.buildArtistProfile(slugs[5]!);
    const skipped = await agg.buildArtistProfile(slugs[5]!, { skipCache: true });
    expect(skipped).not.toBe(first);
    expect(await agg.buildArtistProfile(slugs[5]!)).toBe(skipped);
    const seedForm = await agg.buildArtistProfile(slugs[5]!, true);
    expect(seedForm).not.toBe(skipped);
    expect(await agg.buildArtistProfile(slugs[5]!, false)).toBe(seedForm);
    expect(count('coverage')).toBe(3);
    const pulse = await agg.buildGlobalPulse();
    expect(await agg.buildGlobalPulse({ skipCache: true })).not.toBe(pulse);
    expect(count('scenes', 'listHottestScenes')).toBe(2);
  });

  it('clearCache(slug) forgets that profile only; clearCache() forgets everything', async () => {
    const { agg, count } = make();
    const a = await agg.buildArtistProfile(slugs[6]!);
    const b = await agg.buildArtistProfile(slugs[7]!);
    const pulse = await agg.buildGlobalPulse();
    await agg.clearCache(slugs[6]!);
    expect(await agg.buildArtistProfile(slugs[7]!)).toBe(b);
    expect(await agg.buildGlobalPulse()).toBe(pulse);
    const a2 = await agg.buildArtistProfile(slugs[6]!);
    expect(a2).not.toBe(a);
    expect(count('coverage')).toBe(3);
    await agg.clearCache();
    expect(await agg.buildArtistProfile(slugs[7]!)).not.toBe(b);
    expect(await agg.buildGlobalPulse()).not.toBe(pulse);
    expect(count('coverage')).toBe(4);
    await expect(agg.clearCache('Bad Slug')).rejects.toMatchObject({ code: 'TALENT_VALIDATION_ERROR' });
  });

  it('a profile computed while its key is cleared is not stored', async () => {
    const { agg, count } = make({ sources: createMemorySources(world.dataset, { latencyMs: 1000 }) });
    const pending = agg.buildArtistProfile(slugs[8]!);
    await vi.advanceTimersByTimeAsync(10);
    await agg.clearCache(slugs[8]!);
    const old = await drive(pending, 60_000);
    expect(old.settled).toBe(true);
    const again = await drive(agg.buildArtistProfile(slugs[8]!), 60_000);
    expect(again.value).not.toBe(old.value);
    expect(count('coverage')).toBe(2);
  });
});

describe('degraded results are cached only briefly', () => {
  const coverageDown = (): SceneRadarSources => ({
    ...world.sources,
    coverage: { getArticles: () => Promise.reject(new Error('Coverage is down')) },
  });

  it('a profile with a failing source: marked in the explanation, read again after degradedTtlMs', async () => {
    const { agg, count } = make({ sources: coverageDown() });
    const first = await agg.buildArtistProfile(slugs[9]!);
    expect(first.explanation.sources.articles).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('Coverage is down'),
    });
    expect(first.explanation.confidence).toBeLessThan(1);
    expect(first.artist.coverage_velocity).toBe(0);
    vi.advanceTimersByTime(DEGRADED_TTL - 1);
    expect(await agg.buildArtistProfile(slugs[9]!)).toBe(first);
    expect(count('coverage')).toBe(1);
    vi.advanceTimersByTime(2);
    await agg.buildArtistProfile(slugs[9]!);
    await vi.advanceTimersByTimeAsync(0);
    expect(count('coverage')).toBe(2);
  });

  // Regression (fixed; found by this test): (src/talent/radar-aggregator.ts, buildArtistProfile's getOrCompute options): the pulse
  // gives a degraded result `graceMs: 0`, the profile passes no graceMs, so a degraded profile
  // gets the cache's default grace (60 s) and is served stale past its 15 s TTL.
  it('past degradedTtlMs a degraded profile is not served stale', async () => {
    const { agg } = make({ sources: coverageDown() });
    const first = await agg.buildArtistProfile(slugs[9]!);
    vi.advanceTimersByTime(DEGRADED_TTL + 1);
    expect(await agg.buildArtistProfile(slugs[9]!)).not.toBe(first);
  });

  it('a healthy profile of an artist a source simply does not know is not degraded', async () => {
    const sources = { ...world.sources, coverage: { getArticles: async () => new Map() } };
    const { agg, count } = make({ sources });
    const first = await agg.buildArtistProfile(slugs[10]!);
    expect(first.explanation.sources.articles.status).toBe('missing');
    vi.advanceTimersByTime(DEGRADED_TTL + GRACE + 1);
    expect(await agg.buildArtistProfile(slugs[10]!)).toBe(first);
    expect(count('coverage')).toBe(1);
  });

  it('a global pulse without hottest scenes: degraded, kept degradedTtlMs, no grace', async () => {
    const { radar, agg } = make();
    const hottest = vi.spyOn(radar.scenesAdapter, 'listHottestScenes').mockRejectedValue(new Error('scenes down'));
    const first = await agg.buildGlobalPulse();
    expect(first.hottestScenes).toEqual([]);
    expect(first.meta.degraded).toEqual([expect.stringContaining('hottestScenes')]);
    expect(first.summary.totalArtistsTracked).toBe(slugs.length);
    expect(first.topRisingArtists.length).toBeGreaterThan(0);
    vi.advanceTimersByTime(DEGRADED_TTL - 1);
    expect(await agg.buildGlobalPulse()).toBe(first);
    expect(hottest).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(2);
    hottest.mockRestore();
    const healed = await agg.buildGlobalPulse();
    expect(healed).not.toBe(first);
    expect(healed.meta.degraded).toEqual([]);
    expect(healed.hottestScenes.length).toBeGreaterThan(0);
  });
});

describe('deadlines', () => {
  it('a hanging source past its own timeout: the profile comes back, that read marked timeout', async () => {
    const sources = { ...world.sources, coverage: { getArticles: hang } };
    const { agg } = make({ sources, config: { sources: { coverage: { timeoutMs: 1000 } } } });
    const got = await drive(agg.buildArtistProfile(slugs[11]!), 5000);
    expect(got.settled).toBe(true);
    expect(got.error).toBeUndefined();
    expect(got.at).toBeGreaterThanOrEqual(1000);
    expect(got.at).toBeLessThanOrEqual(1100);
    const p = got.value!;
    expect(p.explanation.sources.articles).toEqual({ status: 'timeout', reason: 'timeout' });
    expect(Object.entries(p.explanation.sources).filter(([k, s]) => k !== 'articles' && s.status !== 'ok')).toEqual([]);
    expect(p.explanation.confidence).toBeLessThan(1);
  });

  it('everything hanging: TALENT_TIMEOUT (504) once the reads stop at 90% of signalTimeoutMs, not before', async () => {
    const hangAll = Object.fromEntries(
      Object.entries(world.sources).map(([name, adapter]) => [
        name,
        Object.fromEntries(Object.entries(adapter).map(([k, v]) => [k, typeof v === 'function' ? hang : v])),
      ]),
    ) as SceneRadarSources;
    const { agg } = make({ sources: hangAll, config: { talent: { signalTimeoutMs: 5000 } } });
    const pending = agg.buildArtistProfile(slugs[12]!);
    const early = await drive(pending, 4499, 4499);
    expect(early.settled).toBe(false);
    const late = await drive(pending, 501, 501);
    expect(late.settled).toBe(true);
    expect(late.error).toMatchObject({ code: 'TALENT_TIMEOUT', httpStatus: 504 });
  });

  it('a hanging source behind the global pulse: the pulse comes back by the source timeout, degraded', async () => {
    const { radar, agg } = make({ config: { sources: { scenes: { timeoutMs: 2000 } } } });
    vi.spyOn(radar.scenesAdapter, 'listHottestScenes').mockImplementation(hang);
    const got = await drive(agg.buildGlobalPulse(), 10_000);
    expect(got.settled).toBe(true);
    expect(got.at).toBeLessThanOrEqual(2100);
    expect(got.value!.meta.degraded).toEqual([expect.stringContaining('timeout')]);
    expect(got.value!.summary.totalArtistsTracked).toBe(slugs.length);
  });

  // Regression (fixed; found by this test): (src/talent/radar-aggregator.ts buildArtistProfile + src/talent/signals-engine.ts
  // batchAggregateSignals, with src/config.ts defaults): the profile's deadline, the signal
  // batch's deadline and every source's default timeout are all 30 s, and the profile's deadline
  // is created first, so it fires first: one hanging source (here Coverage) turns the whole profile
  // into TALENT_TIMEOUT although every other read is ready. ERROR_CODES.TALENT_TIMEOUT says "when
  // part of the result is ready, that part is returned instead, each item marked".
  it('with the default configuration, one hanging source still gives a (degraded) profile', async () => {
    const sources = { ...world.sources, coverage: { getArticles: hang } };
    const { agg } = make({ sources });
    const got = await drive(agg.buildArtistProfile(slugs[13]!), 31_000, 500);
    expect(got.settled).toBe(true);
    expect(got.error).toBeUndefined();
    expect(got.value!.explanation.sources.articles.status).toBe('timeout');
  });
});

describe('single-flight', () => {
  it('100 concurrent profiles of a cold artist read each source as often as one profile does', async () => {
    const one = make();
    await one.agg.buildArtistProfile(slugs[14]!);
    const baseline = one.perMethod();
    const { agg, perMethod } = make();
    const got = await Promise.all(Array.from({ length: 100 }, () => agg.buildArtistProfile(slugs[14]!)));
    expect(new Set(got).size).toBe(1);
    expect(perMethod()).toEqual(baseline);
    // The reads only the Talent Radar makes: exactly once each.
    for (const key of ['coverage.getArticles', 'rcf.getEvents', 'identityKernel.getCoherence', 'scenes.getMemberships'])
      expect(baseline[key], key).toBe(1);
  });

  it('concurrent global pulses compute once', async () => {
    const { agg, count } = make();
    const got = await Promise.all(Array.from({ length: 50 }, () => agg.buildGlobalPulse({ limit: 10 })));
    expect(new Set(got).size).toBe(1);
    expect(count('scenes', 'listHottestScenes')).toBe(1);
  });

  it('concurrent profiles of different artists do not share a result', async () => {
    const { agg } = make();
    const [a, b] = await Promise.all([agg.buildArtistProfile(slugs[15]!), agg.buildArtistProfile(slugs[16]!)]);
    expect(a.artist.artist_slug).toBe(slugs[15]);
    expect(b.artist.artist_slug).toBe(slugs[16]);
  });
});

describe('close', () => {
  it('aborts a profile in flight and releases the cache', async () => {
    const { radar, agg } = make({ sources: createMemorySources(world.dataset, { latencyMs: 1000 }) });
    const pending = agg.buildArtistProfile(slugs[17]!);
    await vi.advanceTimersByTimeAsync(10);
    await radar.close();
    const got = await drive(pending, 100, 10);
    expect(got.settled).toBe(true);
  });
});

/**
 * Hostile review 166: a newcomer copies the docs' snippets (README "Using it", "Your own history:
 * calibrate and check"; docs/getting-started.md; docs/http-api.md's first example;
 * docs/backtesting.md's first example) and runs them, as literally as possible, against the sources.
 *
 * FAULTS: none. Every snippet ran as written and returned what the docs say (no `it.fails` here).
 *
 * Verified (plain `it`): README "Using it" (createDemoWorld, createSceneRadar, importCatalog,
 * refresh, getScenePulse heat/stage/explanation fields, getGlobalPulse hottest/fastestGrowing/
 * cooling, buildGlobalPulse seed shape, topBreakoutCandidates empty on the demo world at 0.4,
 * buildArtistProfile breakout signals, readOnly); README conformance snippet (fusionContractSuite +
 * registerContractSuite); README "Your own history" (calibrate with horizonDays 182,
 * validation.outOfTime.meanAuc, setBreakoutModel -> model_version `+<hash>`, kept across a restart
 * on the same stores; hostFeatures; runBacktest with talentScorer({ calibrate: true }) and a
 * baseline; a read past the cutoff -> BACKTEST_LOOKAHEAD); README "Serve the API" curl examples
 * through createFetchHandler; docs/getting-started.md (demo world, default 300 artists / today,
 * FusionAdapter snippet as a real source, resolveConfig snippet, every default of the table,
 * CONFIG_INVALID message, ERROR_CODES table, Talent Radar snippet and its printed fields,
 * model_version `talent-2026.12-1`, the 5-minute refresh rule); docs/http-api.md first example
 * (basePath, onError, rateLimit with createMemoryRateLimiter: 121st request 429; the documented
 * 400 body; rawUrl dot segments 404; query coercion); docs/backtesting.md first example (the
 * shortened core with examples/backtest-tabular.ts's cutoffs and baselines, backtestMarkdown,
 * backtestSummary's documented shape).
 *
 * Trip, not a fault: README's calibrate snippet with `horizonDays: 182` on the default demo world
 * (400 days, as of now) purges every training fold whose labels reach the next fold, so outcomes a
 * month apart give `validation.outOfTime === null` (the `?.` in the snippet hints at it). The test
 * uses a 730-day world and outcomes two months apart to get an out-of-time figure.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  createSceneRadar,
  DEFAULT_CONFIG,
  ERROR_CODES,
  fixedClock,
  isSceneRadarError,
  resolveConfig,
  type FusionAdapter,
} from '../../src/index.js';
import { createDemoWorld, createMemoryStores, type DemoWorld } from '../../adapters/memory/index.js';
import { createFetchHandler, createMemoryRateLimiter } from '../../src/api/index.js';
import {
  backtestMarkdown,
  backtestSummary,
  isBacktestError,
  runBacktest,
  talentScorer,
  type BacktestScorer,
} from '../../src/backtest/index.js';
import { fusionContractSuite, registerContractSuite } from '../../src/testing/index.js';
import { createTabularSourcesFromFiles } from '../../adapters/tabular/index.js';
import { activityGrowth, monthlyCutoffs, playlistReach30d } from '../../examples/backtest-tabular.js';
import type { MIGAdapter, RcfEvent, SceneRadarSources } from '../../src/index.js';

const DAY = 86_400_000;
const STAGES = ['emerging', 'growing', 'peaking', 'cooling'];

function expectSignals(signals: readonly unknown[]): void {
  expect(signals.length).toBeGreaterThan(0);
  for (const s of signals) {
    expect(s).toEqual(
      expect.objectContaining({
        source: expect.any(String),
        weight: expect.any(Number),
        contribution: expect.any(Number),
      }),
    );
    expect(Object.keys(s as object)).toEqual(expect.arrayContaining(['raw', 'normalized']));
  }
}

/** Labelled outcomes from the demo world's truth: artists seen before `asOf`, not yet broken out. */
function outcomesOf(world: DemoWorld, days: readonly string[], horizonDays: number) {
  return days.flatMap((day) => {
    const asOf = new Date(`${day}T00:00:00.000Z`);
    return [...world.truth.artists()]
      .filter(
        (a) =>
          Date.parse(world.dataset.artistRecord(a.slug)!.firstSeen) < asOf.getTime() &&
          !(a.brokeOutOn !== null && Date.parse(a.brokeOutOn) <= asOf.getTime()),
      )
      .map((a) => ({
        artistSlug: a.slug,
        asOf,
        label: a.brokeOutOn !== null && Date.parse(a.brokeOutOn) <= asOf.getTime() + horizonDays * DAY,
      }));
  });
}

describe('README "Using it"', () => {
  it('creates a radar over the demo world, refreshes, reads scene and talent pulses and a profile', async () => {
    const world = createDemoWorld({ artists: 300 }); // or your own adapters
    const radar = createSceneRadar({ sources: world.sources });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(); // both engines, as of now

    const pulse = await radar.scenes.pulse.getScenePulse('indie-uk-brighton');
    expect(pulse.heat).toBeGreaterThanOrEqual(0);
    expect(pulse.heat).toBeLessThanOrEqual(100);
    expect(STAGES).toContain(pulse.stage);
    expectSignals(pulse.explanation);
    const global = await radar.scenes.pulse.getGlobalPulse(); // hottest, fastest growing, cooling
    expect(Array.isArray(global.hottest)).toBe(true);
    expect(Array.isArray(global.fastestGrowing)).toBe(true);
    expect(Array.isArray(global.cooling)).toBe(true);

    const talent = await radar.talent.aggregator.buildGlobalPulse({ limit: 20 }); // the seed's shape
    expect(Object.keys(talent)).toEqual(
      expect.arrayContaining([
        'topRisingArtists',
        'topBreakoutCandidates',
        'artistsAtRisk',
        'hottestScenes',
        'summary',
      ]),
    );
    const first = talent.topRisingArtists[0]?.breakout_score;
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThanOrEqual(1);
    // "breakout_score >= 0.4 only: often empty"; "on the demo world the list is empty".
    expect(talent.topBreakoutCandidates).toEqual([]);
    expect(DEFAULT_CONFIG.talent.thresholds.breakout.medium).toBe(0.4);
    const profile = await radar.talent.aggregator.buildArtistProfile(talent.topRisingArtists[0]!.artist_slug);
    expectSignals(profile.explanation.breakout.signals);
    const forArRadar = radar.readOnly; // read-only facade for another product
    expect(typeof forArRadar.getTopArtists).toBe('function');
    expect('refresh' in forArRadar).toBe(false);
    await radar.close();
  });
});

describe('docs/getting-started.md', () => {
  it('"The demo world": sources, catalog, truth', () => {
    const world = createDemoWorld({ seed: 42, artists: 300, end: '2026-11-24' });
    expect(Object.keys(world.sources).sort()).toEqual(
      ['cmg', 'coverage', 'fusion', 'identityKernel', 'mig', 'rcf', 'scenes', 'workspaces'].sort(),
    );
    expect(world.catalog.scenes[0]?.slug).toBe('indie-uk-brighton');
    expect(world.catalog.microgenres.length).toBeGreaterThan(0);
    expect(typeof world.truth.summary).toBe('function');
    expect(world.info).toMatchObject({ seed: 42, artists: 300, end: '2026-11-24' });
  });

  it('the default demo world has 300 artists, history ending today (npm run demo)', () => {
    const before = new Date().toISOString().slice(0, 10);
    const world = createDemoWorld();
    const after = new Date().toISOString().slice(0, 10);
    expect(world.info.artists).toBe(300);
    expect([before, after]).toContain(world.info.end);
  });

  it('"Plugging in your own systems": the FusionAdapter snippet is a valid source', async () => {
    let calls = 0;
    const fusion: FusionAdapter = {
      maxBatchSize: 50,
      async getCampaigns(slugs, { asOf, from, signal }) {
        signal?.throwIfAborted(); // and pass `signal` on to your client: a read past its deadline stops
        calls += slugs.length > 0 && asOf > from ? 1 : 0;
        /* read your campaign system */ return new Map();
      },
      async getEngagement(slugs, { asOf, from, signal }) {
        signal?.throwIfAborted();
        calls += slugs.length > 0 && asOf > from ? 1 : 0;
        /* daily organic and paid engagement */ return new Map();
      },
    };
    const world = createDemoWorld({ seed: 42, artists: 40, end: '2026-11-24' });
    const radar = createSceneRadar({
      sources: { ...world.sources, fusion },
      clock: fixedClock('2026-11-25T00:00:00Z'),
    });
    await radar.scenes.importCatalog(world.catalog);
    const report = await radar.refresh();
    expect(calls).toBeGreaterThan(0);
    expect(report.talent.artists).toBe(40);
    await radar.close();
  });

  it('"Configuration": resolveConfig merges the layers; the defaults table matches DEFAULT_CONFIG', () => {
    const config = resolveConfig({
      scenes: { scenePulseTtlMs: 120_000 },
      talent: { thresholds: { breakout: { high: 0.75 } } },
      sources: { coverage: { concurrency: 4, timeoutMs: 10_000 } },
    });
    expect(config.scenes.scenePulseTtlMs).toBe(120_000);
    expect(config.talent.thresholds.breakout).toEqual({ high: 0.75, medium: 0.4 });
    expect(config.sources.coverage).toEqual({ concurrency: 4, timeoutMs: 10_000 });

    const d = DEFAULT_CONFIG;
    expect({
      maxScenesPerQuery: d.scenes.maxScenesPerQuery,
      maxMembershipsPerQuery: d.scenes.maxMembershipsPerQuery,
      scenePulseTtlMs: d.scenes.scenePulseTtlMs,
      globalPulseTtlMs: d.scenes.globalPulseTtlMs,
      batchConcurrency: d.scenes.batchConcurrency,
      scenePulseTimeoutMs: d.scenes.scenePulseTimeoutMs,
      globalPulseTimeoutMs: d.scenes.globalPulseTimeoutMs,
    }).toEqual({
      maxScenesPerQuery: 100,
      maxMembershipsPerQuery: 10_000,
      scenePulseTtlMs: 300_000,
      globalPulseTtlMs: 600_000,
      batchConcurrency: 10,
      scenePulseTimeoutMs: 30_000,
      globalPulseTimeoutMs: 120_000,
    });
    expect({
      maxArtistsPerQuery: d.talent.maxArtistsPerQuery,
      maxScenesPerQuery: d.talent.maxScenesPerQuery,
      signalBatchSize: d.talent.signalBatchSize,
      batchConcurrency: d.talent.batchConcurrency,
      globalPulseTtlMs: d.talent.globalPulseTtlMs,
      artistProfileTtlMs: d.talent.artistProfileTtlMs,
      signalTimeoutMs: d.talent.signalTimeoutMs,
      globalPulseTimeoutMs: d.talent.globalPulseTimeoutMs,
      thresholds: d.talent.thresholds,
    }).toEqual({
      maxArtistsPerQuery: 100,
      maxScenesPerQuery: 50,
      signalBatchSize: 20,
      batchConcurrency: 10,
      globalPulseTtlMs: 600_000,
      artistProfileTtlMs: 300_000,
      signalTimeoutMs: 30_000,
      globalPulseTimeoutMs: 120_000,
      thresholds: {
        momentum: { rising: 70, declining: 30 },
        breakout: { high: 0.7, medium: 0.4 },
        risk: { high: 0.6, medium: 0.3 },
      },
    });
    expect({
      maxEntries: d.cache.maxEntries,
      staleGraceMs: d.cache.staleGraceMs,
      storeTimeoutMs: d.cache.storeTimeoutMs,
    }).toEqual({ maxEntries: 10_000, staleGraceMs: 60_000, storeTimeoutMs: 1_000 });
    for (const name of ['mig', 'fusion', 'coverage', 'rcf', 'cmg', 'identityKernel', 'scenes', 'workspaces'] as const)
      expect(d.sources[name as keyof typeof d.sources]).toEqual({ concurrency: 10, timeoutMs: 30_000 });
  });

  it('"Configuration": an invalid value throws CONFIG_INVALID naming the field as documented', () => {
    let caught: unknown;
    try {
      resolveConfig({ scenes: { batchConcurrency: 0 } });
    } catch (e) {
      caught = e;
    }
    expect(isSceneRadarError(caught)).toBe(true);
    if (!isSceneRadarError(caught)) return;
    expect(caught.code).toBe('CONFIG_INVALID');
    expect(caught.message).toContain('scenes.batchConcurrency: Too small: expected number to be >=1');
  });

  it('"Talent Radar": refresh, global pulse, profile, read-only top list, as the snippet prints', async () => {
    const world = createDemoWorld({ seed: 42, artists: 300, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00Z') });
    await radar.scenes.importCatalog(world.catalog);

    const report = await radar.refresh();
    expect(report.talent.scored).toBe(300);

    const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 5 });
    expect(Object.keys(pulse.summary).sort()).toEqual(
      ['totalArtistsTracked', 'avgMomentum', 'highBreakoutCount', 'highRiskCount'].sort(),
    );
    const top = pulse.topRisingArtists[0]!; // momentum >= 70, highest first
    expect(top).toBeDefined();
    for (const a of pulse.topRisingArtists) expect(a.momentum).toBeGreaterThanOrEqual(70);
    const ms = pulse.topRisingArtists.map((a) => a.momentum);
    expect(ms).toEqual([...ms].sort((a, b) => b - a));
    expect(typeof top.artist_slug).toBe('string');
    expect(typeof top.breakout_score).toBe('number');
    expect(typeof top.risk_score).toBe('number');

    const profile = await radar.talent.aggregator.buildArtistProfile(top.artist_slug);
    expect(Object.keys(profile.trajectory).sort()).toEqual(['breakoutPotential', 'momentum', 'riskLevel']);
    for (const o of profile.opportunities) expect(typeof o.type).toBe('string');
    expect(profile.explanation.momentum.signals.length).toBeGreaterThan(0);
    for (const s of profile.explanation.momentum.signals) {
      expect(typeof s.signal).toBe('string');
      expect(typeof s.source).toBe('string');
      expect(typeof s.contribution).toBe('number');
      expect('raw' in s).toBe(true);
    }
    // "daily series up to 2026-11-24, events/articles/links up to the clock's instant"
    expect(profile.artist.as_of).toBe('2026-11-25T00:00:00.000Z');
    // "Every record, profile and list carries model_version: talent-2026.12-1 under the default policy"
    expect(profile.artist.model_version).toBe('talent-2026.12-1');
    expect(radar.talent.modelVersion).toBe('talent-2026.12-1');

    const atRisk = await radar.readOnly.getTopArtists({ category: 'risk', limit: 3 });
    expect(typeof atRisk.total).toBe('number');
    expect(atRisk.artists.length).toBeLessThanOrEqual(3);
    for (const a of atRisk.artists) expect(typeof a.artist_slug).toBe('string');

    await radar.close();
  });

  it('"Talent Radar": a refresh more than 5 minutes past the clock, or before the last one, is *_INVALID_PARAMS', async () => {
    const world = createDemoWorld({ seed: 42, artists: 20, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00Z') });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh();
    const codeOf = async (p: Promise<unknown>): Promise<string | undefined> =>
      p.then(
        () => undefined,
        (e: unknown) => (isSceneRadarError(e) ? e.code : 'other'),
      );
    expect(await codeOf(radar.talent.refresh(new Date('2026-11-25T00:06:00Z')))).toBe('TALENT_INVALID_PARAMS');
    expect(await codeOf(radar.talent.refresh(new Date('2026-11-24T00:00:00Z')))).toBe('TALENT_INVALID_PARAMS');
    expect(await codeOf(radar.scenes.refresh(new Date('2026-11-25T00:06:00Z')))).toBe('SCENES_INVALID_PARAMS');
    await radar.close();
  });
});

describe('README "Your own history: calibrate and check"', () => {
  it('calibrate(outcomes, { horizonDays: 182 }), then setBreakoutModel: model_version gains +<hash>, a restart keeps it', async () => {
    // Two years of history: a 182-day label horizon purges folds closer than that, so the default
    // 400-day window leaves nothing to validate out of time (validation.outOfTime null).
    const world = createDemoWorld({ seed: 42, artists: 150, end: '2026-11-24', days: 730 });
    const stores = createMemoryStores();
    const clock = fixedClock('2026-11-25T00:00:00Z');
    const radar = createSceneRadar({ sources: world.sources, clock, stores });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh();
    const outcomes = outcomesOf(
      world,
      [
        '2025-01-01',
        '2025-03-01',
        '2025-05-01',
        '2025-07-01',
        '2025-09-01',
        '2025-11-01',
        '2026-01-01',
        '2026-03-01',
        '2026-05-01',
      ],
      182,
    );
    expect(outcomes.some((o) => o.label)).toBe(true);

    const fit = await radar.talent.calibrate(outcomes, { horizonDays: 182 }); // { artistSlug, asOf, label }[]
    const auc = fit.validation.outOfTime?.meanAuc; // time-ordered cross-validation, out of time
    expect(auc).toBeGreaterThan(0);
    expect(auc).toBeLessThanOrEqual(1);
    // "nothing changes until you apply it"
    expect(radar.talent.modelVersion).toBe('talent-2026.12-1');
    await radar.talent.setBreakoutModel(fit.model, { validation: fit.validation });
    expect(radar.talent.modelVersion).toMatch(/^talent-2026\.12-1\+[0-9a-z]+$/);
    const applied = radar.talent.modelVersion;
    await radar.close();

    // "(stored: a restart keeps it)"
    const again = createSceneRadar({ sources: world.sources, clock, stores });
    await again.talent.loadState();
    expect(again.talent.modelVersion).toBe(applied);
    await again.close();
  });

  it('hostFeatures: createSceneRadar({ sources, hostFeatures: [{ name, source, read }] }) is accepted and read', async () => {
    const world = createDemoWorld({ seed: 42, artists: 30, end: '2026-11-24' });
    const sources = world.sources;
    const asked: string[] = [];
    const read = async (slugs: readonly string[]) => {
      asked.push(...slugs);
      return new Map(slugs.map((s, i) => [s, i]));
    };
    const radar = createSceneRadar({
      sources,
      clock: fixedClock('2026-11-25T00:00:00Z'),
      hostFeatures: [{ name: 'tiktok-follows', source: 'tiktok', read }],
    });
    await radar.scenes.importCatalog(world.catalog);
    const report = await radar.refresh();
    expect(asked.length).toBeGreaterThan(0);
    expect(Object.keys(report.talent.hostFeatures)).toContain('tiktok-follows');
    await radar.close();
  });
});

// --- docs/backtesting.md "A runnable example" (and README's runBacktest snippet) -------------

const DATA = fileURLToPath(new URL('../../examples/backtest-data/', import.meta.url));
const HORIZON = 90;
const BEGINNING = new Date('2000-01-01T00:00:00Z');

async function listArtists(mig: MIGAdapter | undefined, asOf: Date, signal: AbortSignal): Promise<string[]> {
  if (!mig) throw new Error('needs MIG');
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await mig.listArtists({ cursor, limit: 1000 }, { asOf, signal });
    out.push(...page.items.map((a) => a.slug));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}
function eventsOf(s: SceneRadarSources, slugs: readonly string[], asOf: Date, from: Date, signal: AbortSignal) {
  if (!s.rcf) throw new Error('needs RCF');
  return s.rcf.getEvents(slugs, { asOf, from, signal });
}
const before = (asOf: Date, days: number): Date => new Date(asOf.getTime() - days * DAY);
const charted = (events: readonly RcfEvent[] | undefined): boolean =>
  (events ?? []).some((e) => e.type === 'chart_entry');

async function activeAndNeverCharted(asOf: Date, sources: SceneRadarSources, signal: AbortSignal): Promise<string[]> {
  const known = await listArtists(sources.mig, asOf, signal);
  const recent = await eventsOf(sources, known, asOf, before(asOf, 90), signal);
  const history = await eventsOf(sources, known, asOf, BEGINNING, signal);
  return known.filter((slug) => (recent.get(slug)?.length ?? 0) > 0 && !charted(history.get(slug)));
}
async function activeInTheLast180Days(asOf: Date, sources: SceneRadarSources, signal: AbortSignal): Promise<string[]> {
  const known = await listArtists(sources.mig, asOf, signal);
  const recent = await eventsOf(sources, known, asOf, before(asOf, 180), signal);
  return known.filter((slug) => (recent.get(slug)?.length ?? 0) > 0);
}
async function chartedBetween(
  asOf: Date,
  until: Date,
  candidates: readonly string[],
  sources: SceneRadarSources,
  signal: AbortSignal,
): Promise<Map<string, boolean>> {
  const after = await eventsOf(sources, candidates, until, new Date(asOf.getTime() + 1), signal);
  return new Map(
    candidates.map((slug) => [
      slug,
      (after.get(slug) ?? []).some((e) => e.type === 'chart_entry' && Date.parse(e.at) > asOf.getTime()),
    ]),
  );
}

describe('docs/backtesting.md "A runnable example"', () => {
  it('the core of examples/backtest-tabular.ts runs; backtestMarkdown and backtestSummary read the result', async () => {
    const { sources } = await createTabularSourcesFromFiles({
      artists: join(DATA, 'artists.csv'),
      events: join(DATA, 'events.csv'),
      collaborators: join(DATA, 'collaborators.csv'),
    });
    const cutoffs = monthlyCutoffs();
    // "[{ asOf: 2024-01-01, split: 'train' }, ..., { asOf: 2025-10-01, split: 'test' }]"
    expect(cutoffs[0]).toEqual({ asOf: new Date('2024-01-01T00:00:00Z'), split: 'train' });
    expect(cutoffs.at(-1)).toEqual({ asOf: new Date('2025-10-01T00:00:00Z'), split: 'test' });

    const result = await runBacktest({
      name: 'example-label',
      title: 'Example label: who enters the national chart within 90 days',
      sources,
      cutoffs,
      horizonDays: HORIZON,
      candidates: async ({ asOf, sources, signal }) => activeAndNeverCharted(asOf, sources, signal),
      population: async ({ asOf, sources, signal }) => activeInTheLast180Days(asOf, sources, signal),
      labels: async ({ asOf, until, candidates, sources, signal }) =>
        chartedBetween(asOf, until, candidates, sources, signal),
      scorer: talentScorer(),
      baselines: [playlistReach30d, activityGrowth],
    });

    const md = backtestMarkdown(result);
    expect(md).toContain('# Example label: who enters the national chart within 90 days');
    expect(result.scorer).toMatchObject({ name: 'breakout', error: null, probabilistic: true });
    // backtestSummary: "{ windows: { train, test } }, each with breakout and baselines by name, each { auc, p_at_10, pooled_ap }"
    const summary = backtestSummary(result);
    for (const w of [summary.windows.train, summary.windows.test]) {
      expect(w.breakout).not.toBeNull();
      expect(Object.keys(w.breakout ?? {}).sort()).toEqual(['auc', 'p_at_10', 'pooled_ap']);
      expect(Object.keys(w.baselines).sort()).toEqual(['activity-growth-30d', 'playlist-reach-30d']);
      for (const b of Object.values(w.baselines))
        expect(Object.keys(b).sort()).toEqual(['auc', 'p_at_10', 'pooled_ap']);
    }
  }, 120_000);

  it('README: talentScorer({ calibrate: true }) with baselines runs; a baseline reading past its cutoff fails the run', async () => {
    const { sources } = await createTabularSourcesFromFiles({
      artists: join(DATA, 'artists.csv'),
      events: join(DATA, 'events.csv'),
      collaborators: join(DATA, 'collaborators.csv'),
    });
    // Fewer cutoffs to keep it light: six training, three test, a horizon apart.
    const cutoffs = monthlyCutoffs().filter((c) => /^(2024-0[1-6]|2025-0[4-6])/.test(c.asOf.toISOString()));
    const protocol = {
      name: 'my-label',
      sources,
      cutoffs,
      horizonDays: HORIZON,
      candidates: async ({ asOf, sources, signal }: { asOf: Date; sources: SceneRadarSources; signal: AbortSignal }) =>
        activeAndNeverCharted(asOf, sources, signal),
      labels: async ({
        asOf,
        until,
        candidates,
        sources,
        signal,
      }: {
        asOf: Date;
        until: Date;
        candidates: readonly string[];
        sources: SceneRadarSources;
        signal: AbortSignal;
      }) => chartedBetween(asOf, until, candidates, sources, signal),
      population: async ({ asOf, sources, signal }: { asOf: Date; sources: SceneRadarSources; signal: AbortSignal }) =>
        activeInTheLast180Days(asOf, sources, signal),
    };
    const result = await runBacktest({
      ...protocol,
      scorer: talentScorer({ calibrate: true }),
      baselines: [playlistReach30d],
    });
    expect(result.scorer?.error).toBeNull();
    expect(result.fit).not.toBeNull();

    const peeking: BacktestScorer = {
      name: 'peeking',
      async score({ asOf, sources, candidates, signal }) {
        const future = new Date(asOf.getTime() + 30 * DAY);
        const ev = await eventsOf(sources, candidates, future, asOf, signal).catch(() => new Map());
        return new Map(candidates.map((s) => [s, ev.get(s)?.length ?? 0]));
      },
    };
    const failed = await runBacktest({ ...protocol, baselines: [peeking] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isBacktestError(failed)).toBe(true);
    if (isBacktestError(failed)) expect(failed.code).toBe('BACKTEST_LOOKAHEAD');
  }, 120_000);
});

describe('docs/http-api.md first example', () => {
  it('createFetchHandler(radar, { basePath, onError, rateLimit }) serves the routes; 121st request in a minute is 429', async () => {
    const world = createDemoWorld({ seed: 42, artists: 40, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00Z') });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh();
    const logged: unknown[] = [];
    const logger = { error: (o: unknown) => logged.push(o) };

    const handler = createFetchHandler(radar, {
      basePath: '/api',
      onError: (error, { requestId, route }) => logger.error({ requestId, route, error }),
      rateLimit: { limiter: createMemoryRateLimiter({ limit: 120, windowMs: 60_000 }) },
    });
    // Next.js: export const GET = (request: Request) => handler(request);
    const GET = (request: Request) => handler(request);

    const ok = await GET(new Request('http://localhost/api/talent/pulse?limit=20'));
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { ok: boolean; data: unknown; error: unknown };
    expect(body.ok).toBe(true);
    expect(body.error).toBeNull();
    expect(Object.keys(body.data as object)).toEqual(
      expect.arrayContaining([
        'topRisingArtists',
        'topBreakoutCandidates',
        'artistsAtRisk',
        'hottestScenes',
        'summary',
      ]),
    );

    // The documented validation failure (curl 'localhost:8787/api/scenes/invalid-slug-!!!').
    const bad = await GET(new Request('http://localhost/api/scenes/invalid-slug-!!!'));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      ok: false,
      error: {
        code: 'SCENES_VALIDATION_ERROR',
        message: 'Invalid request parameters',
        details: [
          {
            code: 'invalid_format',
            path: ['slug'],
            message: 'Slug must contain only lowercase letters, numbers, and hyphens',
          },
        ],
      },
    });

    // Hono: handler(c.req.raw, { rawUrl: c.env.incoming.url }): `..` segments are refused.
    const dots = await handler(new Request('http://localhost/api/talent/pulse'), { rawUrl: '/api/x/../talent/pulse' });
    expect(dots.status).toBe(404);

    expect(logged).toEqual([]);
    // 120 requests a minute, then 429: a fresh handler with the snippet's limiter.
    const limited = createFetchHandler(radar, {
      basePath: '/api',
      rateLimit: { limiter: createMemoryRateLimiter({ limit: 120, windowMs: 60_000 }) },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 121; i++)
      statuses.push((await limited(new Request('http://localhost/api/scenes?limit=1'))).status);
    expect(statuses.slice(0, 120).every((s) => s === 200)).toBe(true);
    expect(statuses[120]).toBe(429);
    await radar.close();
  });
});

describe('docs/getting-started.md "Errors" and the names it cites', () => {
  it('ERROR_CODES holds exactly the documented codes and statuses', () => {
    expect({ ...ERROR_CODES }).toEqual({
      SCENES_NOT_FOUND: 404,
      MICROGENRE_NOT_FOUND: 404,
      SCENES_INVALID_PARAMS: 400,
      SCENES_VALIDATION_ERROR: 400,
      SCENES_RATE_LIMITED: 429,
      SCENES_TIMEOUT: 504,
      SCENES_INTERNAL_ERROR: 500,
      TALENT_ARTIST_NOT_FOUND: 404,
      TALENT_SCENE_NOT_FOUND: 404,
      TALENT_INVALID_PARAMS: 400,
      TALENT_VALIDATION_ERROR: 400,
      TALENT_RATE_LIMITED: 429,
      TALENT_TIMEOUT: 504,
      TALENT_INSUFFICIENT_DATA: 422,
      TALENT_INTERNAL_ERROR: 500,
      CONFIG_INVALID: 500,
      SOURCES_UNAVAILABLE: 503,
      RADAR_CLOSED: 503,
      STORE_UNAVAILABLE: 503,
      STORE_SCHEMA_MISMATCH: 503,
      ROUTE_NOT_FOUND: 404,
      METHOD_NOT_ALLOWED: 405,
    });
  });

  it('the methods the page names exist: scoreArtists, backfillTrends, calibrate, setBreakoutModel, resetBreakoutModel; RADAR_CLOSED after close()', async () => {
    const world = createDemoWorld({ seed: 42, artists: 10, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00Z') });
    expect(typeof radar.talent.scoreArtists).toBe('function');
    expect(typeof radar.scenes.backfillTrends).toBe('function');
    expect(typeof radar.talent.calibrate).toBe('function');
    expect(typeof radar.talent.setBreakoutModel).toBe('function');
    expect(typeof radar.talent.resetBreakoutModel).toBe('function');
    await radar.close();
    const e = await radar.talent.aggregator.buildGlobalPulse({ limit: 5 }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(isSceneRadarError(e) ? e.code : e).toBe('RADAR_CLOSED');
  });

  it('resolveConfig refuses a Date, a Map and a "__proto__" key with CONFIG_INVALID', () => {
    for (const layer of [
      { scenes: new Date() },
      { scenes: new Map() },
      JSON.parse('{"__proto__": {"scenes": {}}}') as unknown,
    ]) {
      let caught: unknown;
      try {
        resolveConfig(layer as never);
      } catch (err) {
        caught = err;
      }
      expect(isSceneRadarError(caught) ? caught.code : caught).toBe('CONFIG_INVALID');
    }
  });
});

describe('README "Serve the API": the seed examples, through the handler with its defaults', () => {
  it('pulse 200, summit-nightmares 200, invalid slug 400, unknown artist 404, scene-pulse, POST 405 Allow, openapi', async () => {
    const world = createDemoWorld({ seed: 42, artists: 300, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00Z') });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh();
    const handler = createFetchHandler(radar);
    const get = (path: string, init?: RequestInit) => handler(new Request(`http://127.0.0.1:8787${path}`, init));

    const pulse = await get('/api/talent/pulse?limit=20');
    expect(pulse.status).toBe(200);
    expect(pulse.headers.get('cache-control')).toBe('no-store');
    expect(pulse.headers.get('x-request-id')).toBeTruthy();
    const artist = await get('/api/talent/artists/summit-nightmares');
    expect(artist.status).toBe(200);
    const body = (await artist.json()) as { data: { artist: { artist_slug: string } } };
    expect(body.data.artist.artist_slug).toBe('summit-nightmares');
    const bad = (await (await get('/api/scenes/invalid-slug-!!!')).json()) as { error: { code: string } };
    expect(bad.error.code).toBe('SCENES_VALIDATION_ERROR');
    const unknown = await get('/api/talent/artists/unknown-artist');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('TALENT_ARTIST_NOT_FOUND');
    const scenePulse = await get('/api/scene-pulse?limit=5');
    expect(scenePulse.status).toBe(200);
    const sp = (await scenePulse.json()) as { data: { hottest: unknown[] } };
    expect(sp.data.hottest.length).toBeLessThanOrEqual(5);
    const post = await get('/api/talent/pulse', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await get('/api/talent/pulse?limit=20', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBeTruthy();
    expect(await head.text()).toBe('');
    const openapi = await get('/api/openapi.json');
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { openapi: string }).openapi).toMatch(/^3\.1/);
    // skipCache is ignored unless the host allows it (a 200 either way).
    expect((await get('/api/talent/pulse?skipCache=true')).status).toBe(200);
    await radar.close();
  });
});

describe('README conformance snippet', () => {
  const world = createDemoWorld({ seed: 42, artists: 20, end: '2026-11-24' });
  const myFusion = world.sources.fusion;
  const asOf = new Date('2026-11-25T00:00:00Z');
  const earlierAsOf = new Date('2026-10-01T00:00:00Z');
  const from = new Date('2026-09-01T00:00:00Z');
  const known = world.dataset.artistSlugs().slice(0, 3);
  const cases = fusionContractSuite({ create: () => myFusion, knownKeys: known, asOf, earlierAsOf, from });
  it('fusionContractSuite returns cases; registerContractSuite registers them with { describe, it }', () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  registerContractSuite('my Fusion adapter', cases, { describe, it });
});

describe('README / getting-started statements around the snippets', () => {
  it('"a host that wants a longer list lowers the threshold in config": topBreakoutCandidates fills, all at or above it', async () => {
    const world = createDemoWorld({ seed: 42, artists: 120, end: '2026-11-24' });
    const radar = createSceneRadar({
      sources: world.sources,
      clock: fixedClock('2026-11-25T00:00:00Z'),
      config: { talent: { thresholds: { breakout: { medium: 0.05 } } } },
    });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh();
    const talent = await radar.talent.aggregator.buildGlobalPulse({ limit: 20 });
    expect(talent.topBreakoutCandidates.length).toBeGreaterThan(0);
    for (const a of talent.topBreakoutCandidates) expect(a.breakout_score).toBeGreaterThanOrEqual(0.05);
    await radar.close();
  });

  it('a refresh up to 5 minutes past the clock is accepted', async () => {
    const world = createDemoWorld({ seed: 42, artists: 10, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00Z') });
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(new Date('2026-11-25T00:04:00Z'));
    const r = await radar.talent.refresh(new Date('2026-11-25T00:04:00Z'));
    expect(r.asOf).toBe('2026-11-25T00:04:00.000Z');
    await radar.close();
  });

  it('http-api query coercion: limit=20 ok; 1.5, foo=1, limit twice are 400 naming the parameter', async () => {
    const world = createDemoWorld({ seed: 42, artists: 10, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00Z') });
    await radar.scenes.importCatalog(world.catalog);
    const handler = createFetchHandler(radar, { basePath: '/api' });
    const status = async (q: string) => (await handler(new Request(`http://h/api/scenes${q}`))).status;
    expect(await status('?limit=20')).toBe(200);
    expect(await status('?limit=1.5')).toBe(400);
    expect(await status('?foo=1')).toBe(400);
    expect(await status('?limit=1&limit=2')).toBe(400);
    const body = (await (await handler(new Request('http://h/api/scenes?limit=0'))).json()) as {
      error: { code: string; details: { code: string; path: string[]; message: string }[] };
    };
    expect(body.error.code).toBe('SCENES_VALIDATION_ERROR');
    expect(body.error.details).toEqual([
      { code: 'too_small', path: ['limit'], message: 'Expected an integer from 1 to 100' },
    ]);
    await radar.close();
  });
});

describe('ranges and request ids', () => {
  it('momentum 0-100, breakout_score and risk_score 0-1 on every listed artist; x-request-id echoed when valid', async () => {
    const world = createDemoWorld({ seed: 42, artists: 80, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00Z') });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh();
    for (const category of ['rising', 'breakout', 'risk'] as const) {
      const top = await radar.readOnly.getTopArtists({ category, limit: 100 });
      for (const a of top.artists) {
        expect(a.momentum).toBeGreaterThanOrEqual(0);
        expect(a.momentum).toBeLessThanOrEqual(100);
        expect(a.breakout_score).toBeGreaterThanOrEqual(0);
        expect(a.breakout_score).toBeLessThanOrEqual(1);
        expect(a.risk_score).toBeGreaterThanOrEqual(0);
        expect(a.risk_score).toBeLessThanOrEqual(1);
      }
    }
    const handler = createFetchHandler(radar, { basePath: '/api' });
    const mine = await handler(new Request('http://h/api/scenes', { headers: { 'x-request-id': 'req.1_A-z' } }));
    expect(mine.headers.get('x-request-id')).toBe('req.1_A-z');
    const fresh = await handler(new Request('http://h/api/scenes', { headers: { 'x-request-id': 'bad id!' } }));
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await radar.close();
  });
});

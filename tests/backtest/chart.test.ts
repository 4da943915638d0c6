// The chart loader and protocols A and C on tiny synthetic charts (the real files have no license
// and never enter the repository): a Hot 100 written to temp dirs, and the synthetic Billboard 200
// of tests/fixtures, whose calendar has an extra chart like the real one's 2018-01-03.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { slugify } from 'scene-radar';
import { addDays } from '../../src/core/time.js';
import { createLookaheadGuard, runBacktest } from 'scene-radar/backtest';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BB200,
  HOT100,
  assignSlugs,
  loadChart,
  missingChartFiles,
  type ChartSpec,
} from '../../bench/backtest/chart/load.js';
import {
  PROTOCOL_A,
  PROTOCOL_C,
  chartCalendar,
  cutoffDates,
  cutoffInstant,
  type ChartProtocol,
} from '../../bench/backtest/chart/protocol.js';
import { SUITE_A, SUITE_C, chartSuite, type ChartSuiteSpec } from '../../bench/backtest/chart/suites.js';
import {
  BASE_CHART,
  BASE_EDGES,
  BB200_FIXTURE,
  BB200_PROTOCOL,
  D,
  LAST_WEEK,
  PROTOCOL,
  removeTempDirs,
  writeDataset,
  type Chart,
} from './fixtures.js';

afterAll(removeTempDirs);

const never = new AbortController().signal;

/** What the protocol and the baselines say at one cutoff, every read through the harness's guard. */
async function atCutoff(dir: string, chart: ChartSpec, spec: ChartSuiteSpec, protocol: ChartProtocol, i: number) {
  const suite = chartSuite(loadChart(dir, chart), spec, protocol);
  const { asOf, split } = suite.cutoffs[i]!;
  const guard = createLookaheadGuard();
  const sources = guard.view(suite.sources, asOf, { call: 'test', cutoff: null });
  const ctx = { asOf, split, sources, signal: never };
  const candidates = await suite.candidates(ctx);
  const population = await suite.population!({ ...ctx, candidates });
  const until = new Date(asOf.getTime() + suite.horizonDays * 86_400_000);
  const answer = await suite.labels({
    ...ctx,
    until,
    candidates,
    sources: guard.view(suite.sources, until, { call: 'labels', cutoff: null }),
  });
  const labels: Record<string, boolean> = answer instanceof Map ? Object.fromEntries(answer) : { ...answer };
  const scores: Record<string, Record<string, number>> = {};
  for (const b of suite.baselines ?? [])
    scores[b.name] = Object.fromEntries((await b.score({ ...ctx, candidates, population })) as Map<string, number>);
  const listed = (await sources.mig!.listArtists({ limit: 100 }, { asOf, signal: never })).items.map((a) => a.slug);
  expect(guard.violations).toEqual([]);
  return { asOf, split, candidates, population, labels, scores, listed };
}

describe('chart loader', () => {
  const data = loadChart(writeDataset(BASE_CHART, BASE_EDGES), HOT100);

  it('reads names with commas and quotes, and every chart date', () => {
    expect(data.chart).toBe(HOT100);
    expect(data.artists.map((a) => a.name)).toContain('Beta, The Band');
    expect(data.artists.find((a) => a.slug === 'huey-piano-smith')?.name).toBe('Huey "Piano" Smith');
    expect(data.chartDates).toEqual(Array.from({ length: LAST_WEEK + 1 }, (_, k) => D(k)));
    expect(data.stats.firstTop10Mismatches).toBe(0);
  });

  it('gives colliding slugs to the first to chart, then -2, -3, whatever the input order', () => {
    expect(data.artists.find((a) => a.name === 'Beyoncé')?.slug).toBe('beyonce');
    expect(data.artists.find((a) => a.name === 'Beyonce')?.slug).toBe('beyonce-2');
    expect(data.collisions).toEqual([{ names: ['Beyoncé', 'Beyonce'], slugs: ['beyonce', 'beyonce-2'] }]);
    const names = [
      { name: 'B', firstChart: '2000-01-01' },
      { name: 'b', firstChart: '1999-01-01' },
      { name: 'B 2', firstChart: '2001-01-01' },
      { name: '???', firstChart: '2001-01-01' },
    ];
    const a = assignSlugs(names);
    // A name slugify leaves blank falls back to 'artist'.
    expect(Object.fromEntries(a)).toEqual({ b: 'b', B: 'b-3', 'B 2': 'b-2', '???': slugify('???') || 'artist' });
    expect(assignSlugs([...names].reverse())).toEqual(a);
  });

  it('names the file and column when one is missing, and lists missing files', () => {
    const dir = writeDataset(BASE_CHART, BASE_EDGES);
    writeFileSync(join(dir, 'hot100_collab_edges.csv'), 'artist_a,artist_b\nA,B\n');
    expect(() => loadChart(dir, HOT100)).toThrow(/hot100_collab_edges\.csv: missing column\(s\) first_cocharting_date/);
    // A truncated download: zlib's own words name no file, the error does.
    const truncated = writeDataset(BASE_CHART, BASE_EDGES);
    const weekly = join(truncated, 'hot100_artist_weekly.csv.gz');
    writeFileSync(weekly, readFileSync(weekly).subarray(0, 20));
    expect(() => loadChart(truncated, HOT100)).toThrow(
      /hot100_artist_weekly\.csv\.gz: not a readable gzip file \(unexpected end of file\)/,
    );
    expect(missingChartFiles(dir, HOT100)).toEqual([]);
    expect(missingChartFiles(dir, BB200)).toEqual([
      'bb200_artist_weekly.csv.gz',
      'bb200_artist_events.csv',
      'bb200_collab_edges.csv',
    ]);
  });

  it('reads a plain .csv weekly table, ranks up to the chart size, and refuses one past it', () => {
    const bb = loadChart(BB200_FIXTURE, BB200);
    expect(bb.chart.size).toBe(200);
    expect(bb.artists.map((a) => a.slug)).toEqual([
      'aster-vale',
      'brook-lyle',
      'cinder',
      'dune-choir',
      'ember',
      'fenn',
      'filler',
      'gale',
    ]);
    expect(bb.chartDates).toContain('2021-01-27');
    expect(bb.edges).toEqual([
      { a: 'brook-lyle', b: 'cinder', since: '2021-01-16' },
      { a: 'aster-vale', b: 'dune-choir', since: '2021-02-13' },
    ]);
    expect(missingChartFiles(BB200_FIXTURE, BB200)).toEqual([]);
    expect(() => loadChart(writeDataset({ Over: { 0: 150 } }, []), HOT100)).toThrow(/best_rank 150 outside 1-100/);
  });
});

describe('cutoff rule', () => {
  it('takes every 13th chart date from the first cutoff: protocol A, 2010-03-06 to 2025-11-15', () => {
    const weekly = Array.from({ length: 1000 }, (_, k) => addDays('2009-01-03', 7 * k));
    const days = cutoffDates(weekly, PROTOCOL_A);
    expect(days).toHaveLength(64);
    expect(days[0]).toBe('2010-03-06');
    expect(days[63]).toBe('2025-11-15');
    expect(days.filter((d) => d <= PROTOCOL_A.trainUntil)).toHaveLength(32);
  });

  it('counts chart dates, not weeks: an extra chart shifts the later cutoffs (protocol C)', () => {
    // A weekly calendar with an extra chart on Wednesday 2018-01-03, as the real Billboard 200 has.
    const weekly = Array.from({ length: 1000 }, (_, k) => addDays('2009-01-03', 7 * k));
    const calendar = [
      ...weekly.filter((d) => d <= '2017-12-30'),
      '2018-01-03',
      ...weekly.filter((d) => d > '2017-12-30'),
    ];
    const days = cutoffDates(calendar, PROTOCOL_C);
    expect(days).toHaveLength(64);
    expect(days[0]).toBe('2010-02-20');
    expect(days.slice(31, 33)).toEqual(['2017-11-11', '2018-02-03']);
    expect(days[63]).toBe('2025-10-25');
    // On the fixture: index 2, then index 6 (2021-02-06, three weeks later in days).
    expect(cutoffDates(loadChart(BB200_FIXTURE, BB200).chartDates, BB200_PROTOCOL)).toEqual([
      '2021-01-16',
      '2021-02-06',
    ]);
  });

  it('refuses a first cutoff that is not a chart date, too few charts, and a horizon past the data or across a gap', () => {
    const weekly = Array.from({ length: 20 }, (_, k) => addDays('2020-01-04', 7 * k));
    const p: ChartProtocol = { ...PROTOCOL_A, firstCutoff: weekly[0]!, count: 2, stepCharts: 4, horizonWeeks: 2 };
    expect(() => cutoffDates(weekly, { ...p, firstCutoff: '2020-01-05' })).toThrow(/2020-01-05 is not a chart date/);
    // Indices 0, 4, 8, 12, 16, 20: the sixth is past the 20 charts.
    expect(() => cutoffDates(weekly, { ...p, count: 6 })).toThrow(/cutoff 6 of 6 lies past the last chart/);
    expect(() => cutoffDates(weekly, { ...p, firstCutoff: weekly[16]!, count: 1, horizonWeeks: 4 })).toThrow(
      /4-chart horizon runs past the last chart/,
    );
    const gap = weekly.filter((_, k) => k !== 2);
    expect(() => cutoffDates(gap, p)).toThrow(/its 2 charts span more than 2 weeks/);
  });

  it('puts a cutoff at the end of its chart date', () => {
    expect(cutoffInstant('2025-11-15').toISOString()).toBe('2025-11-16T00:00:00.000Z');
    const cal = chartCalendar(['2020-01-04', '2020-01-11']);
    expect(cal.lastKnown(new Date('2020-01-11T23:59:59.999Z'))).toBe(0);
    expect(cal.lastKnown(new Date('2020-01-12T00:00:00.000Z'))).toBe(1);
    expect(cal.lastKnown(new Date('2020-01-04T00:00:00.000Z'))).toBe(-1);
  });
});

describe('protocol A (Hot 100)', () => {
  const dir = writeDataset(BASE_CHART, BASE_EDGES);

  it('takes chart artists of the lookback who never made the top 10 as candidates, labelled by the horizon', async () => {
    const first = await atCutoff(dir, HOT100, SUITE_A, PROTOCOL, 0);
    // The end of chart date D3: its chart is known, nothing later.
    expect(first.asOf.toISOString()).toBe(`${addDays(D(3), 1)}T00:00:00.000Z`);
    expect(first.split).toBe('train');
    // Gamma was top 10 before T; Delta charted before the lookback; Beyoncé (D0) too.
    expect(first.candidates).toEqual(['alpha', 'beta-the-band', 'beyonce-2', 'epsilon', 'filler']);
    // Alpha reaches the top 10 one week after T; Epsilon three weeks after (past the horizon).
    expect(first.labels).toEqual({
      alpha: true,
      'beta-the-band': false,
      'beyonce-2': false,
      epsilon: false,
      filler: false,
    });
    const second = await atCutoff(dir, HOT100, SUITE_A, PROTOCOL, 1);
    expect(second.split).toBe('test');
    expect(second.labels).toEqual({ 'beta-the-band': false, filler: false, 'huey-piano-smith': true });
  });

  it('labels a climb (another definition of breaking out, for the default model) against the best position up to T', async () => {
    // climb 1.05: a week in the horizon at floor(best up to T / 1.05) or better. Alpha: best 15,
    // 8 one week after T (also its top 10). Beta: best 85, 80 two weeks after T = floor(85 / 1.05),
    // the bound itself. Epsilon: 9 three weeks after T, past the horizon. Filler stays at 100.
    const climb = await atCutoff(dir, HOT100, SUITE_A, { ...PROTOCOL, climb: 1.05 }, 0);
    expect(climb.candidates).toEqual(['alpha', 'beta-the-band', 'beyonce-2', 'epsilon', 'filler']);
    expect(climb.labels).toEqual({
      alpha: true,
      'beta-the-band': true,
      'beyonce-2': false,
      epsilon: false,
      filler: false,
    });
    // Halving: Alpha needs 7 (has 8), Beta 42 (has 80).
    const half = await atCutoff(dir, HOT100, SUITE_A, { ...PROTOCOL, climb: 2 }, 0);
    expect(Object.values(half.labels).some(Boolean)).toBe(false);
    expect(() => chartSuite(loadChart(dir, HOT100), SUITE_A, { ...PROTOCOL, climb: 1 })).toThrow(
      /climb must be above 1/,
    );
  });

  it('computes the four baselines from the sources as of T', async () => {
    const { scores, population } = await atCutoff(dir, HOT100, SUITE_A, PROTOCOL, 0);
    expect(scores['best-rank-3w']).toEqual({ alpha: 86, 'beta-the-band': 16, 'beyonce-2': 6, epsilon: 31, filler: 1 });
    // Best of the last two weeks minus the best of the one before (off chart = 101).
    expect(scores['rank-improvement']).toEqual({
      alpha: 15,
      'beta-the-band': 16,
      'beyonce-2': -6,
      epsilon: 31,
      filler: 0,
    });
    expect(scores['weeks-on-chart-3w']).toEqual({
      alpha: 3,
      'beta-the-band': 2,
      'beyonce-2': 1,
      epsilon: 1,
      filler: 3,
    });
    // Gamma (top 10 at D1) co-credits Alpha from D1; its link to Epsilon appears only at D5.
    expect(scores['top10-collaborators']).toEqual({
      alpha: 1,
      'beta-the-band': 0,
      'beyonce-2': 0,
      epsilon: 0,
      filler: 0,
    });
    expect(population).toEqual([
      'alpha',
      'beta-the-band',
      'beyonce',
      'beyonce-2',
      'delta',
      'epsilon',
      'filler',
      'gamma',
    ]);
  });

  it("lets nothing after T's chart change anything at T", async () => {
    const later: Chart = {
      ...BASE_CHART,
      'Beta, The Band': { ...BASE_CHART['Beta, The Band'], 4: 1 },
      Epsilon: { ...BASE_CHART.Epsilon, 4: 2 },
      Newcomer: { 4: 3, 5: 1 },
    };
    const after = await atCutoff(
      writeDataset(later, [
        ...BASE_EDGES,
        ['Beta, The Band', 'Gamma', 4],
        ['Alpha', 'Newcomer', 4],
        ['Epsilon', 'Alpha', 4],
      ]),
      HOT100,
      SUITE_A,
      PROTOCOL,
      0,
    );
    const before = await atCutoff(dir, HOT100, SUITE_A, PROTOCOL, 0);
    expect(after.candidates).toEqual(before.candidates);
    expect(after.scores).toEqual(before.scores);
    expect(after.population).toEqual(before.population);
    expect(after.listed).toEqual(before.listed);
    expect(after.listed).not.toContain('newcomer');
    // Only the labels, which look past T by design, differ.
    expect(after.labels['beta-the-band']).toBe(true);
  });

  it("sees T's own chart: a change to it changes the scores at T", async () => {
    const onT: Chart = { ...BASE_CHART, Alpha: { ...BASE_CHART.Alpha, 3: 11 } };
    const changed = await atCutoff(writeDataset(onT, BASE_EDGES), HOT100, SUITE_A, PROTOCOL, 0);
    expect(changed.scores['best-rank-3w']!.alpha).toBe(90);
  });

  it('runs end to end on the harness and serves only MIG and RCF', async () => {
    const suite = chartSuite(loadChart(dir, HOT100), SUITE_A, PROTOCOL);
    expect(Object.keys(suite.sources).sort()).toEqual(['mig', 'rcf']);
    expect(suite.reference).toBeNull();
    const result = await runBacktest({ ...suite, resamples: 20 });
    expect(result.baselines.map((b) => [b.name, b.error])).toEqual([
      ['best-rank-3w', null],
      ['rank-improvement', null],
      ['weeks-on-chart-3w', null],
      ['top10-collaborators', null],
    ]);
    // The training cutoff's horizon (D3 + 2 weeks) ends before the test cutoff (D7): nothing purged.
    expect(result.fit).toEqual({ limit: `${addDays(D(7), 1)}T00:00:00.000Z`, cutoffs: 1, purged: [] });
  });
});

describe('protocol C (synthetic Billboard 200)', () => {
  it('counts the lookback and the horizon in chart weeks, the extra chart included', async () => {
    const first = await atCutoff(BB200_FIXTURE, BB200, SUITE_C, BB200_PROTOCOL, 0);
    expect(first.asOf.toISOString()).toBe('2021-01-17T00:00:00.000Z');
    // Cinder had a top 10 on 2021-01-02.
    expect(first.candidates).toEqual(['aster-vale', 'brook-lyle', 'filler', 'gale']);
    // The two charts after T are 2021-01-23 and the extra 2021-01-27: Gale's top 10 of 2021-01-30 is past them.
    expect(first.labels).toEqual({ 'aster-vale': true, 'brook-lyle': false, filler: false, gale: false });
    expect(first.population).toEqual(['aster-vale', 'brook-lyle', 'cinder', 'filler', 'gale']);
    const second = await atCutoff(BB200_FIXTURE, BB200, SUITE_C, BB200_PROTOCOL, 1);
    expect(second.split).toBe('test');
    // The last three charts are 2021-01-27, 01-30 and 02-06: Ember (2021-01-23 only) is out, Dune Choir (the extra chart) in.
    expect(second.candidates).toEqual(['brook-lyle', 'dune-choir', 'filler']);
    expect(second.labels).toEqual({ 'brook-lyle': true, 'dune-choir': false, filler: false });
    // Fenn first charts after T: MIG does not know it yet.
    expect(second.listed).not.toContain('fenn');
  });

  it('ends a climb at the last chart of the horizon, before the harness limit when the calendar has an extra chart', async () => {
    // Halving from T = 2021-01-16: Aster 90 -> 8 on 01-23. Gale 140 -> 7 on 01-30, after the two
    // charts of the horizon (01-23, 01-27) but before T + 14 days, which the labels may still read.
    const half = await atCutoff(BB200_FIXTURE, BB200, SUITE_C, { ...BB200_PROTOCOL, climb: 2 }, 0);
    expect(half.labels).toEqual({ 'aster-vale': true, 'brook-lyle': false, filler: false, gale: false });
  });

  it('computes the baselines with weight 201 - rank, off-chart 201, over chart weeks', async () => {
    const { scores } = await atCutoff(BB200_FIXTURE, BB200, SUITE_C, BB200_PROTOCOL, 1);
    expect(scores['best-rank-3w']).toEqual({ 'brook-lyle': 51, 'dune-choir': 2, filler: 1 });
    // Last two charts (01-30, 02-06) against the one before (01-27): Brook 150 vs 160, Dune off chart vs 199.
    expect(scores['rank-improvement']).toEqual({ 'brook-lyle': 10, 'dune-choir': -2, filler: 0 });
    expect(scores['weeks-on-chart-3w']).toEqual({ 'brook-lyle': 2, 'dune-choir': 1, filler: 3 });
    // Cinder (top 10 on 01-02) co-credits Brook & Lyle from 01-16; Dune's link to Aster appears after T.
    expect(scores['top10-collaborators']).toEqual({ 'brook-lyle': 1, 'dune-choir': 0, filler: 0 });
  });

  it('runs end to end and writes the protocol C figures', async () => {
    const suite = chartSuite(loadChart(BB200_FIXTURE, BB200), SUITE_C, BB200_PROTOCOL);
    const result = await runBacktest({ ...suite, resamples: 20 });
    expect(result.name).toBe('chart-protocol-c');
    expect(result.cutoffs.map((c) => [c.asOf, c.split, c.candidates, c.positives])).toEqual([
      ['2021-01-17T00:00:00.000Z', 'train', 4, 1],
      ['2021-02-07T00:00:00.000Z', 'test', 3, 1],
    ]);
    expect(result.parameters).toMatchObject({
      rcfWeight: '201 - best rank of the artist that chart week',
      chart: { prefix: 'bb200', size: 200 },
    });
    expect(result.baselines.every((b) => b.error === null)).toBe(true);
  });

  it('carries the README figures for the published protocol only', () => {
    expect(SUITE_C.protocol).toBe(PROTOCOL_C);
    expect(SUITE_C.reference.figures['weeks-on-chart-8w']).toEqual({
      train: { auc: 0.787 },
      test: { auc: 0.749, pAtK: 0.128 },
      all: { auc: 0.769 },
    });
    expect(SUITE_C.reference.perCutoff).toEqual({
      train: { candidates: 124, positives: 2.9 },
      test: { candidates: 53, positives: 2.8 },
    });
    expect(chartSuite(loadChart(BB200_FIXTURE, BB200), SUITE_C, BB200_PROTOCOL).reference).toBeNull();
  });
});

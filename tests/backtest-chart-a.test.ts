// The loader and protocol A on a tiny synthetic chart written to a temp dir, in the format of the
// real files (which have no license and never enter the repository).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDays, dayStart } from 'scene-radar';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsvRows } from '../bench/backtest/csv.js';
import { LookaheadError, guardWorld } from '../bench/backtest/guard.js';
import { bestRankScorer, hot100Baselines } from '../bench/backtest/chart-a/baselines.js';
import { assignSlugs, loadHot100 } from '../bench/backtest/chart-a/load.js';
import { PROTOCOL_A, buildHot100Cutoffs, cutoffDates } from '../bench/backtest/chart-a/protocol.js';
import { hot100Suite } from '../bench/backtest/chart-a/suite.js';
import type { BacktestCutoff } from '../bench/backtest/scorer.js';
import { BASE_CHART, BASE_EDGES, D, LAST_WEEK, PROTOCOL, removeTempDirs, writeDataset, type Chart } from './backtest-fixtures.js';

afterAll(removeTempDirs);

async function scoresAt(dir: string, cutoffIndex: number): Promise<{ cutoff: BacktestCutoff; scores: Record<string, Record<string, number>>; universe: readonly string[]; listed: string[] }> {
  const suite = hot100Suite(loadHot100(dir), PROTOCOL);
  const cutoff = suite.cutoffs[cutoffIndex]!;
  const world = guardWorld(suite.world, cutoff.asOf);
  const scores: Record<string, Record<string, number>> = {};
  for (const b of suite.baselines) scores[b.name] = Object.fromEntries(await b.score(world, cutoff));
  const page = await world.sources.mig!.listArtists({ limit: 100 }, { asOf: cutoff.asOf, signal: new AbortController().signal });
  return { cutoff, scores, universe: world.universe(cutoff.asOf), listed: page.items.map((a) => a.slug) };
}

describe('CSV reading', () => {
  it('parses quoted fields with commas, doubled quotes and CRLF', () => {
    expect(parseCsvRows('a,b\r\n"x, y","say ""hi"""\n,\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['', '']]);
  });
});

describe('Hot 100 loader', () => {
  const data = loadHot100(writeDataset(BASE_CHART, BASE_EDGES));

  it('reads names with commas and quotes, and every chart date', () => {
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
    expect(Object.fromEntries(a)).toEqual({ b: 'b', B: 'b-3', 'B 2': 'b-2', '???': 'artist' });
    expect(assignSlugs([...names].reverse())).toEqual(a);
  });

  it('names the file and column when one is missing', () => {
    const dir = writeDataset(BASE_CHART, BASE_EDGES);
    writeFileSync(join(dir, 'hot100_collab_edges.csv'), 'artist_a,artist_b\nA,B\n');
    expect(() => loadHot100(dir)).toThrow(/hot100_collab_edges\.csv: missing column\(s\) first_cocharting_date/);
  });
});

describe('Hot 100 protocol A', () => {
  const dir = writeDataset(BASE_CHART, BASE_EDGES);

  it('counts the default cutoffs back from 2025-11-15, 13 weeks apart', () => {
    const weekly = Array.from({ length: 1000 }, (_, k) => addDays('2009-01-03', 7 * k));
    const days = cutoffDates(weekly, PROTOCOL_A);
    expect(days).toHaveLength(64);
    expect(days[0]).toBe('2010-03-06');
    expect(days[63]).toBe('2025-11-15');
    expect(days.filter((d) => d <= PROTOCOL_A.trainUntil)).toHaveLength(32);
  });

  it('takes chart artists of the lookback who never made the top 10 as candidates, labelled by the horizon', () => {
    const [first, second] = buildHot100Cutoffs(loadHot100(dir), PROTOCOL);
    expect(first!.asOf.toISOString()).toBe(`${D(3)}T00:00:00.000Z`);
    expect(first!.split).toBe('train');
    // Gamma was top 10 before T; Delta charted before the lookback; Beyoncé (D0) too.
    expect(first!.candidates).toEqual(['alpha', 'beta-the-band', 'beyonce-2', 'epsilon', 'filler']);
    // Alpha reaches the top 10 one week after T; Epsilon three weeks after (past the horizon).
    expect(Object.fromEntries(first!.labels)).toEqual({ alpha: true, 'beta-the-band': false, 'beyonce-2': false, epsilon: false, filler: false });
    expect(second!.split).toBe('test');
    expect(Object.fromEntries(second!.labels)).toEqual({ 'beta-the-band': false, filler: false, 'huey-piano-smith': true });
  });

  it('computes the four baselines from the sources as of T', async () => {
    const { scores, universe } = await scoresAt(dir, 0);
    expect(scores['best-rank-3w']).toEqual({ alpha: 86, 'beta-the-band': 16, 'beyonce-2': 6, epsilon: 31, filler: 1 });
    // Best of the last two weeks minus the best of the one before (off chart = 101).
    expect(scores['rank-improvement']).toEqual({ alpha: 15, 'beta-the-band': 16, 'beyonce-2': -6, epsilon: 31, filler: 0 });
    expect(scores['weeks-on-chart-3w']).toEqual({ alpha: 3, 'beta-the-band': 2, 'beyonce-2': 1, epsilon: 1, filler: 3 });
    // Gamma (top 10 at D1) co-credits Alpha from D1; its link to Epsilon appears only at D5.
    expect(scores['top10-collaborators']).toEqual({ alpha: 1, 'beta-the-band': 0, 'beyonce-2': 0, epsilon: 0, filler: 0 });
    expect(universe).toEqual(['alpha', 'beta-the-band', 'beyonce', 'beyonce-2', 'delta', 'epsilon', 'filler', 'gamma']);
  });

  it('lets nothing after T change anything at T', async () => {
    const later: Chart = {
      ...BASE_CHART,
      'Beta, The Band': { ...BASE_CHART['Beta, The Band'], 4: 1 },
      Epsilon: { ...BASE_CHART.Epsilon, 4: 2 },
      Newcomer: { 4: 3, 5: 1 },
    };
    const after = await scoresAt(writeDataset(later, [...BASE_EDGES, ['Beta, The Band', 'Gamma', 4], ['Alpha', 'Newcomer', 4], ['Epsilon', 'Alpha', 4]]), 0);
    const before = await scoresAt(dir, 0);
    expect(after.cutoff.candidates).toEqual(before.cutoff.candidates);
    expect(after.scores).toEqual(before.scores);
    expect(after.universe).toEqual(before.universe);
    expect(after.listed).toEqual(before.listed);
    expect(after.listed).not.toContain('newcomer');
    // Only the labels, which look past T by design, differ.
    expect(after.cutoff.labels.get('beta-the-band')).toBe(true);
  });

  it('refuses reads past the cutoff', async () => {
    const suite = hot100Suite(loadHot100(dir), PROTOCOL);
    const cutoff = suite.cutoffs[0]!;
    const world = guardWorld(suite.world, cutoff.asOf);
    const later = new Date(dayStart(D(4)));
    await expect(world.sources.rcf!.getEvents(['alpha'], { asOf: later, from: later, signal: new AbortController().signal })).rejects.toBeInstanceOf(LookaheadError);
    expect(() => world.universe(later)).toThrow(LookaheadError);
    const sneaky = { ...bestRankScorer(3) };
    await expect(sneaky.score(world, { ...cutoff, asOf: later })).rejects.toBeInstanceOf(LookaheadError);
  });

  it('serves only MIG and RCF', () => {
    const suite = hot100Suite(loadHot100(dir), PROTOCOL);
    expect(Object.keys(suite.world.sources).sort()).toEqual(['mig', 'rcf']);
    expect(hot100Baselines(3).map((b) => b.name)).toEqual(suite.baselines.map((b) => b.name));
  });
});

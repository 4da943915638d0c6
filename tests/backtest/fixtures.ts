// A tiny synthetic Hot 100 in the format of the real files (which have no license and never
// enter the repository), written to temp dirs for the backtest tests; the synthetic Billboard 200
// of tests/fixtures and the protocols the tests run on them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { addDays } from '../../src/core/time.js';
import type { ChartProtocol } from '../../bench/backtest/chart/protocol.js';

/** Chart date k: Saturdays from 2020-01-04. */
export const D = (k: number): string => addDays('2020-01-04', 7 * k);
export const LAST_WEEK = 11;

/** Artist -> chart week index -> best rank. */
export type Chart = Record<string, Record<number, number>>;

export const BASE_CHART: Chart = {
  Alpha: { 0: 50, 1: 30, 2: 20, 3: 15, 4: 8 },
  'Beta, The Band': { 2: 90, 3: 85, 5: 80 },
  Gamma: { 1: 5, 3: 40 },
  Delta: { 0: 60 },
  Epsilon: { 3: 70, 6: 9 },
  Beyoncé: { 0: 99 },
  Beyonce: { 1: 95 },
  'Huey "Piano" Smith': { 6: 40, 7: 12, 8: 9 },
  // Keeps every chart date present up to the last week.
  Filler: Object.fromEntries(Array.from({ length: LAST_WEEK + 1 }, (_, k) => [k, 100])),
};
export const BASE_EDGES: [string, string, number][] = [
  ['Alpha', 'Gamma', 1],
  ['Epsilon', 'Gamma', 5],
];

const dirs: string[] = [];
const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Writes the three files of a chart (artist -> week -> best rank) and its edges to a temp dir. */
export function writeDataset(chart: Chart, edges: readonly [string, string, number][]): string {
  const dir = tempDir('hot100-');
  const weekly = ['artist,chart_date,n_entries,best_rank,points_101_minus_rank'];
  const events = [
    'artist,first_chart_date,first_top40_date,first_top10_date,first_no1_date,n_chart_weeks,n_songs,best_rank',
  ];
  for (const [artist, weeks] of Object.entries(chart)) {
    const ks = Object.keys(weeks)
      .map(Number)
      .sort((a, b) => a - b);
    for (const k of ks) weekly.push([quote(artist), D(k), 1, weeks[k], 101 - weeks[k]!].join(','));
    const top10 = ks.find((k) => weeks[k]! <= 10);
    events.push(
      [
        quote(artist),
        D(ks[0]!),
        '',
        top10 === undefined ? '' : D(top10),
        '',
        ks.length,
        1,
        Math.min(...Object.values(weeks)),
      ].join(','),
    );
  }
  writeFileSync(join(dir, 'hot100_artist_weekly.csv.gz'), gzipSync(`${weekly.join('\n')}\n`));
  writeFileSync(join(dir, 'hot100_artist_events.csv'), `${events.join('\r\n')}\r\n`);
  const edgeRows = edges.map(([a, b, k]) => [quote(a), quote(b), D(k), 3, quote('A Song, "Live"')].join(','));
  writeFileSync(
    join(dir, 'hot100_collab_edges.csv'),
    `artist_a,artist_b,first_cocharting_date,n_songs,first_song\n${edgeRows.join('\n')}\n`,
  );
  return dir;
}
/** Removes every temp dir written so far (call from afterAll). */
export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A fresh temp dir, removed by {@link removeTempDirs}. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Two cutoffs (D3 train, D7 test), 3-week lookback, 2-week horizon. */
export const PROTOCOL: ChartProtocol = {
  firstCutoff: D(3),
  count: 2,
  stepCharts: 4,
  lookbackCharts: 3,
  horizonWeeks: 2,
  trainUntil: D(5),
  topRank: 10,
  populationCharts: 52,
};

/** The synthetic Billboard 200 of tests/fixtures (an extra chart on 2021-01-27). */
export const BB200_FIXTURE = new URL('../fixtures/album-chart-synthetic/', import.meta.url).pathname;

/** Protocol C's rules on the synthetic Billboard 200: cutoffs 2021-01-16 (train) and 2021-02-06 (test). */
export const BB200_PROTOCOL: ChartProtocol = {
  firstCutoff: '2021-01-16',
  count: 2,
  stepCharts: 4,
  lookbackCharts: 3,
  horizonWeeks: 2,
  trainUntil: '2021-01-31',
  topRank: 10,
  populationCharts: 52,
};

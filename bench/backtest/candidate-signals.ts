/**
 * @module bench/backtest/candidate-signals
 * `npm run candidate-signals -- --hot100 <dir> --bb200 <dir>`: does a further signal add anything
 * to the breakout score? Each candidate is plugged in as a host would plug in a signal of its own,
 * a host feature, and `talentScorer({ calibrate: true })` fits the model with and without it on
 * the training window of protocols A and C (docs/backtesting.md). A candidate is judged on the
 * training window alone: the out-of-time mean AUC of `calibrate()`'s own time-ordered
 * cross-validation, beside the run without it. The test window's figures are printed too, for
 * the record, not for choosing (docs/scoring.md, "Signals tried on the charts").
 *
 * Every candidate reads the loaded chart directly and honours `asOf` by construction (a chart week
 * counts from the end of its chart date, a co-credit from the end of its first chart date): the
 * harness guards the sources, not what a host feature reads behind them.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HostFeature } from 'scene-radar';
import { backtestSummary, runBacktest, talentScorer } from 'scene-radar/backtest';
import type { ChartData } from './chart/load.js';
import { bothChartDirs } from './suite.js';
import { SUITE_A, SUITE_C, loadChartSuite } from './chart/suites.js';
import { chartWeight } from './chart/world.js';

const DAY_MS = 86_400_000;

/** A chart week as the candidates read it: known from `knownMs`, its weight and its entries. */
interface Week {
  readonly knownMs: number;
  readonly weight: number;
  readonly entries: number;
}

/**
 * The candidate signals over one chart, each a host feature (percentile scale).
 * @example
 * ```ts
 * const features = candidateSignals(loadChart(dir, HOT100));
 * ```
 */
export function candidateSignals(data: ChartData): readonly HostFeature[] {
  const size = data.chart.size;
  const weeks = new Map<string, Week[]>(
    data.artists.map((a) => [
      a.slug,
      a.weeks.map((w) => ({
        knownMs: Date.parse(`${w.date}T00:00:00Z`) + DAY_MS,
        weight: chartWeight(size, w.bestRank),
        entries: w.entries,
      })),
    ]),
  );
  const links = new Map<string, { artist: string; knownMs: number }[]>();
  for (const e of data.edges) {
    const knownMs = Date.parse(`${e.since}T00:00:00Z`) + DAY_MS;
    for (const [from, to] of [
      [e.a, e.b],
      [e.b, e.a],
    ] as const) {
      const list = links.get(from) ?? [];
      list.push({ artist: to, knownMs });
      links.set(from, list);
    }
  }
  /** Sum of `pick` over the artist's weeks known in (T - days, T]. */
  const sum = (slug: string, T: number, days: number, pick: (w: Week) => number): number => {
    let s = 0;
    for (const w of weeks.get(slug) ?? []) if (w.knownMs <= T && w.knownMs > T - days * DAY_MS) s += pick(w);
    return s;
  };
  const level = (slug: string, T: number): number => sum(slug, T, 28, (w) => w.weight);
  /** Collaborators' largest chart weight over the last 4 weeks, of links known at T (and since `withinDays`). */
  const reach = (slug: string, T: number, withinDays: number | null): number => {
    let best = 0;
    for (const l of links.get(slug) ?? []) {
      if (l.knownMs > T || (withinDays !== null && l.knownMs <= T - withinDays * DAY_MS)) continue;
      best = Math.max(best, level(l.artist, T));
    }
    return best;
  };
  /** Consecutive chart weeks up to T (a gap of more than 8 days ends the run). */
  const run = (slug: string, T: number): number => {
    const known = (weeks.get(slug) ?? []).filter((w) => w.knownMs <= T);
    let n = 0;
    let next = T;
    for (let i = known.length - 1; i >= 0 && known[i]!.knownMs > next - 8 * DAY_MS; i--) {
      n++;
      next = known[i]!.knownMs;
    }
    return n;
  };
  const feature = (name: string, source: string, value: (slug: string, T: number) => number): HostFeature => ({
    name,
    source,
    read: (slugs, { asOf }) => new Map(slugs.map((s) => [s, value(s, asOf.getTime())])),
  });
  return [
    feature('collaborator-reach', 'mig', (s, T) => reach(s, T, null)),
    feature('recent-collaborator-reach', 'mig', (s, T) => reach(s, T, 182)),
    feature('growth-week', 'rcf', (s, T) => sum(s, T, 7, (w) => w.weight) - sum(s, T - 7 * DAY_MS, 7, (w) => w.weight)),
    feature('entries-4w', 'rcf', (s, T) => sum(s, T, 28, (w) => w.entries)),
    feature('current-run', 'rcf', run),
    feature('weeks-52', 'rcf', (s, T) => sum(s, T, 364, () => 1)),
  ];
}

/** One row of the table: a protocol, with or without a candidate. */
interface Row {
  readonly protocol: string;
  readonly candidate: string;
  readonly cvAuc: number | null;
  readonly testAuc: number | null;
  readonly testAp: number | null;
}

const fmt = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(3));
const delta = (x: number | null, base: number | null): string =>
  x === null || base === null ? '' : ` (${x - base >= 0 ? '+' : ''}${(x - base).toFixed(3)})`;

/**
 * Runs every candidate on both protocols; returns the exit code.
 * @example
 * ```ts
 * process.exitCode = await candidateSignalsMain(['--hot100', '/data/hot100', '--bb200', '/data/bb200']);
 * ```
 */
export async function candidateSignalsMain(argv: readonly string[]): Promise<number> {
  const usage = 'usage: npm run candidate-signals -- --hot100 <dir> --bb200 <dir>';
  const dirs = bothChartDirs(argv, usage, 'both protocols');
  if (dirs === 2) return 2;
  const { hot100, bb200 } = dirs;
  const rows: Row[] = [];
  for (const [spec, dir] of [
    [SUITE_A, hot100],
    [SUITE_C, bb200],
  ] as const) {
    console.error(`${spec.name}: loading ${dir}...`);
    const { suite, data } = loadChartSuite(dir, spec);
    const candidates = candidateSignals(data);
    for (const hostFeatures of [[], ...candidates.map((c) => [c])]) {
      const candidate = hostFeatures[0]?.name ?? 'none (the built-in inputs)';
      let cvAuc: number | null = null;
      const result = await runBacktest({
        ...suite,
        baselines: [],
        reference: null,
        target: null,
        resamples: 10,
        scorer: talentScorer({
          calibrate: true,
          hostFeatures,
          onCalibrated: (fit) => {
            cvAuc = fit.validation.outOfTime?.meanAuc ?? null;
          },
        }),
      });
      if (result.scorer?.error) throw new Error(`${spec.name}, ${candidate}: ${result.scorer.error}`);
      const test = backtestSummary(result).windows.test.breakout;
      rows.push({ protocol: spec.name, candidate, cvAuc, testAuc: test?.auc ?? null, testAp: test?.pooled_ap ?? null });
      console.error(`${spec.name}, ${candidate}: done`);
    }
  }
  console.log('| protocol | signal added | training window, out-of-time AUC | test mean AUC | test pooled AP |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const base = rows.find((b) => b.protocol === r.protocol)!;
    const d =
      r === base
        ? { cv: '', auc: '', ap: '' }
        : { cv: delta(r.cvAuc, base.cvAuc), auc: delta(r.testAuc, base.testAuc), ap: delta(r.testAp, base.testAp) };
    console.log(
      `| ${r.protocol} | ${r.candidate} | ${fmt(r.cvAuc)}${d.cv} | ${fmt(r.testAuc)}${d.auc} | ${fmt(r.testAp)}${d.ap} |`,
    );
  }
  return 0;
}

// Run as a command only: tests import the candidates above.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  process.exitCode = await candidateSignalsMain(process.argv.slice(2));

/**
 * @module bench/backtest/cli
 * `npm run backtest [-- --hot100 <dir>] [--bb200 <dir>] [--json <file>] [--no-demo] [--demo-artists <n>] [--baselines-only]`.
 * Runs the demo-world backtest, protocol A on the Hot 100 and protocol C on the Billboard 200
 * when given their directories, all on the public harness (`scene-radar/backtest`); writes each
 * result to `bench/backtests/<name>.json`, regenerates `docs/backtests.md` from every result
 * present and prints a table. A completed run exits 0 whatever the figures (it is a report, not
 * a gate); bad arguments exit 2, unreadable files, a refused run or a failing scorer exit 1.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  backtestConsoleTable,
  backtestSummary,
  runBacktest,
  talentScorer,
  type BacktestResult,
  type BacktestScorer,
} from 'scene-radar/backtest';
import { type FlagSpecs, parseCommandLine, UsageError } from '../../scripts/command-line.js';
import { chartFiles, missingChartFiles } from './chart/load.js';
import type { ChartProtocol } from './chart/protocol.js';
import { SUITE_A, SUITE_C, loadChartSuite, type ChartSuiteSpec } from './chart/suites.js';
import { DEMO_PROTOCOL, demoSuite, type DemoProtocol } from './demo/suite.js';
import { readFitRecord, readResults, renderReport, writeResult } from './report.js';

/** Parsed command line. */
export interface BacktestArgs {
  /** Directory of the Hot 100 files, if protocol A should run. */
  readonly hot100: string | null;
  /** Directory of the Billboard 200 files, if protocol C should run. */
  readonly bb200: string | null;
  /** Where to write the `--json` summary of the one chart protocol run. */
  readonly json: string | null;
  /** Run the demo-world backtest. */
  readonly demo: boolean;
  /** Artists in the demo world. */
  readonly demoArtists: number;
  /** Run the baselines only, no breakout score. */
  readonly baselinesOnly: boolean;
  /** Print usage and stop. */
  readonly help: boolean;
}

const files = (spec: ChartSuiteSpec): string => Object.values(chartFiles(spec.chart)).join(', ');

/** Usage text. */
export const USAGE = `usage: npm run backtest -- [--hot100 <dir>] [--bb200 <dir>] [--json <file>] [--no-demo] [--demo-artists <n>] [--baselines-only]
  --hot100 <dir>       also run protocol A on the Billboard Hot 100 files in <dir>
                       (${files(SUITE_A)})
  --bb200 <dir>        also run protocol C on the Billboard 200 files in <dir>
                       (${files(SUITE_C)})
  --json <file>        write { windows: { train, test } } of the chart protocol run to <file>; needs
                       exactly one of --hot100 and --bb200 (run twice for both summaries)
  --no-demo            skip the demo-world backtest
  --demo-artists <n>   artists in the demo world (default ${DEMO_PROTOCOL.artists})
  --baselines-only     run the baselines only (no breakout score)

Each backtest runs twice: the breakout score with the published default model, and the breakout
score with a model calibrate() fits on that backtest's own training window (result files
<name>.json and <name>-calibrated.json).`;

// The repository's one UsageError, re-exported for callers of parseBacktestArgs.
export { UsageError };

/** The flags of `npm run backtest`. */
const FLAGS = {
  hot100: { type: 'string' },
  bb200: { type: 'string' },
  json: { type: 'string' },
  'no-demo': { type: 'boolean' },
  'demo-artists': { type: 'string' },
  'baselines-only': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpecs;

/**
 * Parses the arguments after `npm run backtest --`.
 * @example
 * ```ts
 * parseBacktestArgs(['--bb200', '/data/billboard-200', '--json', 'out.json']).bb200; // '/data/billboard-200'
 * ```
 */
export function parseBacktestArgs(argv: readonly string[]): BacktestArgs {
  const { values } = parseCommandLine(argv, FLAGS);
  const hot100 = values.hot100 ?? null;
  const bb200 = values.bb200 ?? null;
  const json = values.json ?? null;
  const demo = values['no-demo'] !== true;
  const help = values.help === true;
  const baselinesOnly = values['baselines-only'] === true;
  let demoArtists = DEMO_PROTOCOL.artists;
  if (values['demo-artists'] !== undefined) {
    demoArtists = Number(values['demo-artists']);
    if (!Number.isInteger(demoArtists) || demoArtists < 50 || demoArtists > 100_000)
      throw new UsageError(`--demo-artists must be an integer in 50-100000, got ${values['demo-artists']}`);
  }
  // One summary per file keeps the --json shape { windows: { train, test } } the same for each protocol.
  if (json !== null && hot100 === null && bb200 === null)
    throw new UsageError('--json summarises a chart protocol run: pass --hot100 <dir> or --bb200 <dir> too');
  if (json !== null && hot100 !== null && bb200 !== null)
    throw new UsageError(
      '--json summarises one chart protocol: pass --hot100 or --bb200, not both (run twice for both summaries)',
    );
  if (!demo && hot100 === null && bb200 === null && !help)
    throw new UsageError('--no-demo without --hot100 or --bb200 leaves nothing to run');
  return { hot100, bb200, json, demo, demoArtists, baselinesOnly, help };
}

/**
 * The scorers under test, each run separately: the published default model, and a model fitted
 * on the backtest's own training window with `calibrate()` (what a host would do with its history).
 */
export function defaultScorers(): BacktestScorer[] {
  return [talentScorer(), talentScorer({ calibrate: true })];
}

/** Result name of scorer `k` of a suite: the suite's own name for the first, `-calibrated` (or the scorer's name) after. */
export function resultName(suite: string, scorer: BacktestScorer, k: number): string {
  if (k === 0) return suite;
  return scorer.name === 'breakout-calibrated' ? `${suite}-calibrated` : `${suite}-${scorer.name}`;
}

/** Where a run writes (overridable for tests). */
export interface BacktestPaths {
  /** Result files. */
  readonly resultsDir: string;
  /** The regenerated report. */
  readonly report: string;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The repository's paths. */
export const DEFAULT_PATHS: BacktestPaths = {
  resultsDir: resolve(here, '../backtests'),
  report: resolve(here, '../../docs/backtests.md'),
};

/** Output streams of a run. */
export interface BacktestIo {
  /** Tables and summaries. */
  readonly out: (line: string) => void;
  /** Progress, notices and errors. */
  readonly err: (line: string) => void;
}

/** Everything a run may have overridden (tests use temp paths and small protocols). */
export interface BacktestMainOptions {
  /** Output streams. @default console */
  readonly io?: BacktestIo;
  /** Paths. @default the repository's */
  readonly paths?: BacktestPaths;
  /** Demo protocol fields to override. */
  readonly demo?: Partial<DemoProtocol>;
  /** Protocol A's rules. @default PROTOCOL_A */
  readonly hot100?: ChartProtocol;
  /** Protocol C's rules. @default PROTOCOL_C */
  readonly bb200?: ChartProtocol;
  /** Bootstrap resamples. @default 2000 */
  readonly resamples?: number;
  /** The scorers under test, each run separately. @default {@link defaultScorers} */
  readonly scorers?: () => BacktestScorer[];
}

/**
 * Runs the backtests a command line asks for; returns the exit code.
 * @example
 * ```ts
 * process.exitCode = await backtestMain(process.argv.slice(2));
 * ```
 */
export async function backtestMain(argv: readonly string[], options: BacktestMainOptions = {}): Promise<number> {
  const io = options.io ?? { out: console.log, err: console.error };
  const paths = options.paths ?? DEFAULT_PATHS;
  let args: BacktestArgs;
  try {
    args = parseBacktestArgs(argv);
  } catch (e) {
    io.err(`error: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  const charts: { spec: ChartSuiteSpec; dir: string; protocol: ChartProtocol }[] = [];
  if (args.hot100 !== null)
    charts.push({ spec: SUITE_A, dir: args.hot100, protocol: options.hot100 ?? SUITE_A.protocol });
  if (args.bb200 !== null) charts.push({ spec: SUITE_C, dir: args.bb200, protocol: options.bb200 ?? SUITE_C.protocol });
  for (const c of charts) {
    const missing = missingChartFiles(c.dir, c.spec.chart);
    if (missing.length) {
      io.err(`error: ${resolve(c.dir)} lacks ${missing.join(', ')}`);
      return 1;
    }
  }
  const scorers = (): (BacktestScorer | null)[] =>
    args.baselinesOnly ? [null] : (options.scorers ?? defaultScorers)();
  const results: BacktestResult[] = [];
  try {
    const runAll = async (
      suite: Parameters<typeof runBacktest>[0] extends infer O ? Omit<O, 'scorer'> : never,
      setupMs: number,
    ): Promise<BacktestResult[]> => {
      const out: BacktestResult[] = [];
      for (const [k, scorer] of scorers().entries()) {
        const name = scorer ? resultName(suite.name, scorer, k) : suite.name;
        const title =
          k === 0 ? suite.title : `${suite.title ?? suite.name}: the breakout score calibrated on its training window`;
        out.push(
          await runBacktest({
            ...suite,
            name,
            title,
            scorer,
            setupMs: k === 0 ? setupMs : 0,
            log: io.err,
            resamples: options.resamples,
          }),
        );
      }
      return out;
    };
    if (args.demo) {
      const t0 = performance.now();
      const { suite } = await demoSuite({ ...DEMO_PROTOCOL, artists: args.demoArtists, ...options.demo });
      results.push(...(await runAll(suite, performance.now() - t0)));
    }
    for (const c of charts) {
      io.err(`loading ${resolve(c.dir)}...`);
      const { suite, loadMs } = loadChartSuite(c.dir, c.spec, c.protocol);
      io.err(`loaded in ${(loadMs / 1000).toFixed(1)} s: ${suite.cutoffs.length} cutoffs`);
      const runs = await runAll(suite, loadMs);
      results.push(...runs);
      // The summary is the published default model's (the first run), as the --json shape always was.
      if (args.json !== null) writeFileSync(args.json, `${JSON.stringify(backtestSummary(runs[0]!), null, 2)}\n`);
    }
  } catch (e) {
    io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  for (const r of results) writeResult(paths.resultsDir, r);
  writeFileSync(paths.report, renderReport(readResults(paths.resultsDir, io.err), readFitRecord(paths.resultsDir)));
  for (const r of results) io.out(`\n${backtestConsoleTable(r)}`);
  io.out(
    `\nresults: ${results.map((r) => join(paths.resultsDir, `${r.name}.json`)).join(', ')}; report: ${paths.report}`,
  );
  return results.some((r) => [r.scorer, ...r.baselines].some((s) => s?.error)) ? 1 : 0;
}

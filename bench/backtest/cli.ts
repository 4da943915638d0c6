/**
 * @module bench/backtest/cli
 * `npm run backtest [-- --hot100 <dir>] [--json <file>] [--no-demo] [--demo-artists <n>] [--baselines-only]`.
 * Runs the demo-world backtest (and protocol A on the Hot 100 when given its directory), writes
 * each result to `bench/backtests/<name>.json`, regenerates `docs/backtests.md` from every result
 * present and prints a table. A completed run exits 0 whatever the figures (it is a report, not a
 * gate); bad arguments exit 2, unreadable files or a failing scorer exit 1.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEMO_PROTOCOL, demoSuite, type DemoProtocol } from './demo/suite.js';
import { HOT100_FILES } from './chart-a/load.js';
import { PROTOCOL_A, type Hot100Protocol } from './chart-a/protocol.js';
import { HOT100_TARGET, loadHot100Suite } from './chart-a/suite.js';
import { consoleTable, jsonSummary, readResults, renderReport, writeResult } from './report.js';
import { runBacktest, type BacktestResult } from './runner.js';
import type { BacktestScorer } from './scorer.js';

/** Parsed command line. */
export interface BacktestArgs {
  /** Directory of the Hot 100 files, if protocol A should run. */
  readonly hot100: string | null;
  /** Where to write the `--json` summary of the Hot 100 run. */
  readonly json: string | null;
  /** Run the demo-world backtest. */
  readonly demo: boolean;
  /** Artists in the demo world. */
  readonly demoArtists: number;
  /** Skip the breakout scorer even if it exists. */
  readonly baselinesOnly: boolean;
  /** Print usage and stop. */
  readonly help: boolean;
}

/** Usage text. */
export const USAGE = `usage: npm run backtest -- [--hot100 <dir>] [--json <file>] [--no-demo] [--demo-artists <n>] [--baselines-only]
  --hot100 <dir>       also run protocol A on the Billboard Hot 100 files in <dir>
                       (${Object.values(HOT100_FILES).join(', ')})
  --json <file>        write { windows: { train, test } } of the Hot 100 run to <file> (needs --hot100)
  --no-demo            skip the demo-world backtest
  --demo-artists <n>   artists in the demo world (default ${DEMO_PROTOCOL.artists})
  --baselines-only     do not run the breakout scorer (bench/backtest/talent-scorer.ts) even if present`;

/** A bad command line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Parses the arguments after `npm run backtest --`.
 * @example
 * ```ts
 * parseBacktestArgs(['--hot100', '/data/hot100', '--json', 'out.json']).hot100; // '/data/hot100'
 * ```
 */
export function parseBacktestArgs(argv: readonly string[]): BacktestArgs {
  let hot100: string | null = null;
  let json: string | null = null;
  let demo = true;
  let demoArtists = DEMO_PROTOCOL.artists;
  let help = false;
  let baselinesOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--hot100') hot100 = value();
    else if (arg === '--json') json = value();
    else if (arg === '--no-demo') demo = false;
    else if (arg === '--baselines-only') baselinesOnly = true;
    else if (arg === '--demo-artists') {
      const v = value();
      demoArtists = Number(v);
      if (!Number.isInteger(demoArtists) || demoArtists < 50 || demoArtists > 100_000) throw new UsageError(`--demo-artists must be an integer in 50-100000, got ${v}`);
    } else if (arg === '--help' || arg === '-h') help = true;
    else throw new UsageError(`unknown argument: ${arg}`);
  }
  if (json !== null && hot100 === null) throw new UsageError('--json summarises the Hot 100 run: pass --hot100 <dir> too');
  if (!demo && hot100 === null && !help) throw new UsageError('--no-demo without --hot100 leaves nothing to run');
  return { hot100, json, demo, demoArtists, baselinesOnly, help };
}

/** Where the breakout scorer lives once the Talent Radar provides it. */
export const TALENT_SCORER_PATH = fileURLToPath(new URL('./talent-scorer.ts', import.meta.url));

/**
 * Loads `createTalentScorer` from `path` if the file exists; null (with a notice) otherwise.
 * Throws if the file exists but does not export a working factory.
 */
export async function loadBreakoutFactory(path: string = TALENT_SCORER_PATH, notice: (line: string) => void = () => {}): Promise<(() => BacktestScorer) | null> {
  if (!existsSync(path)) {
    notice(`notice: ${path} does not exist yet; reporting baselines only ("breakout": null).`);
    return null;
  }
  // A computed specifier: the file may not exist, so the type checker must not resolve it.
  const mod: unknown = await import(pathToFileURL(path).href);
  const factory = typeof mod === 'object' && mod !== null && 'createTalentScorer' in mod ? mod.createTalentScorer : undefined;
  if (typeof factory !== 'function') throw new Error(`${path} must export createTalentScorer(): BacktestScorer`);
  return () => {
    const scorer: unknown = factory();
    if (typeof scorer !== 'object' || scorer === null || !('score' in scorer) || typeof scorer.score !== 'function' || !('name' in scorer) || typeof scorer.name !== 'string') {
      throw new Error(`createTalentScorer() in ${path} must return a BacktestScorer (name and score)`);
    }
    return scorer as BacktestScorer;
  };
}

/** Where a run writes (overridable for tests). */
export interface BacktestPaths {
  /** Result files. */
  readonly resultsDir: string;
  /** The regenerated report. */
  readonly report: string;
  /** The breakout scorer module. */
  readonly talentScorer: string;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The repository's paths. */
export const DEFAULT_PATHS: BacktestPaths = { resultsDir: resolve(here, '../backtests'), report: resolve(here, '../../docs/backtests.md'), talentScorer: TALENT_SCORER_PATH };

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
  /** Hot 100 protocol. @default PROTOCOL_A */
  readonly hot100?: Hot100Protocol;
  /** Bootstrap resamples. @default 2000 */
  readonly resamples?: number;
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
  if (args.hot100 !== null) {
    const missing = Object.values(HOT100_FILES).filter((f) => !existsSync(join(args.hot100!, f)));
    if (missing.length) {
      io.err(`error: ${resolve(args.hot100)} lacks ${missing.join(', ')}`);
      return 1;
    }
  }
  let factory: (() => BacktestScorer) | null;
  try {
    factory = args.baselinesOnly ? null : await loadBreakoutFactory(paths.talentScorer, io.err);
  } catch (e) {
    io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const results: BacktestResult[] = [];
  try {
    if (args.demo) {
      const t0 = performance.now();
      const { suite } = await demoSuite({ ...DEMO_PROTOCOL, artists: args.demoArtists, ...options.demo });
      results.push(await runBacktest(suite, { breakout: factory?.() ?? null, setupMs: performance.now() - t0, log: io.err, resamples: options.resamples }));
    }
    if (args.hot100 !== null) {
      io.err(`loading ${resolve(args.hot100)}...`);
      const { suite, loadMs } = loadHot100Suite(args.hot100, options.hot100 ?? PROTOCOL_A);
      io.err(`loaded in ${(loadMs / 1000).toFixed(1)} s: ${suite.cutoffs.length} cutoffs`);
      const result = await runBacktest(suite, { breakout: factory?.() ?? null, target: HOT100_TARGET, setupMs: loadMs, log: io.err, resamples: options.resamples });
      results.push(result);
      if (args.json !== null) writeFileSync(args.json, `${JSON.stringify(jsonSummary(result), null, 2)}\n`);
    }
  } catch (e) {
    io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  for (const r of results) writeResult(paths.resultsDir, r);
  writeFileSync(paths.report, renderReport(readResults(paths.resultsDir, io.err)));
  for (const r of results) io.out(`\n${consoleTable(r)}`);
  io.out(`\nresults: ${results.map((r) => join(paths.resultsDir, `${r.name}.json`)).join(', ')}; report: ${paths.report}`);
  return results.some((r) => [r.breakout, ...r.baselines].some((s) => s?.error)) ? 1 : 0;
}

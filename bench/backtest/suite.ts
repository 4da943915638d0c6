/**
 * @module bench/backtest/suite
 * What bench/ hands the public harness for one backtest: everything of `runBacktest`'s options
 * but the scorer under test (the CLI adds it, or runs baselines only) and the run's plumbing.
 */
import type { MIGAdapter } from 'scene-radar';
import type { BacktestOptions } from 'scene-radar/backtest';
import { parseCommandLine, UsageError } from '../../scripts/command-line.js';

/** One backtest of bench/: the harness's options without the scorer under test. */
export type BenchSuite = Omit<BacktestOptions, 'scorer' | 'log' | 'setupMs' | 'now' | 'signal' | 'resamples'>;

/** The slug of every artist MIG lists at `asOf`, in its stable order. */
export async function listArtistSlugs(mig: MIGAdapter, asOf: Date, signal: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await mig.listArtists({ cursor, limit: 10_000 }, { asOf, signal });
    out.push(...page.items.map((a) => a.slug));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}

/**
 * `--hot100 <dir> --bb200 <dir>` of a command that runs on both charts, or 2 after printing
 * `usage` and what is wrong (`why`, when a directory is missing).
 */
export function bothChartDirs(
  argv: readonly string[],
  usage: string,
  why: string,
): { readonly hot100: string; readonly bb200: string } | 2 {
  let hot100: string | undefined;
  let bb200: string | undefined;
  try {
    ({ hot100, bb200 } = parseCommandLine(argv, { hot100: { type: 'string' }, bb200: { type: 'string' } }).values);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${usage} (${e.message})`);
    return 2;
  }
  if (!hot100 || !bb200) {
    console.error(`${usage} (${why})`);
    return 2;
  }
  return { hot100, bb200 };
}

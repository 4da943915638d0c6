/**
 * @module bench/backtest/suite
 * What bench/ hands the public harness for one backtest: everything of `runBacktest`'s options
 * but the scorer under test (the CLI adds it, or runs baselines only) and the run's plumbing.
 */
import type { MIGAdapter } from 'scene-radar';
import type { BacktestOptions } from 'scene-radar/backtest';

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

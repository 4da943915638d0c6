/**
 * @module bench/backtest/suite
 * What bench/ hands the public harness for one backtest: everything of `runBacktest`'s options
 * but the scorer under test (the CLI adds it, or runs baselines only) and the run's plumbing.
 */
import type { BacktestOptions } from 'scene-radar/backtest';

/** One backtest of bench/: the harness's options without the scorer under test. */
export type BenchSuite = Omit<BacktestOptions, 'scorer' | 'log' | 'setupMs' | 'now' | 'signal' | 'resamples'>;

/**
 * `npm run backtest`: the backtest harness (see bench/backtest/cli.ts for the options and
 * docs/backtests.md for the method and the latest figures).
 */
import { backtestMain } from './cli.js';

process.exitCode = await backtestMain(process.argv.slice(2));

/**
 * The long runs (`npm run test:long`, which CI also runs): the HTTP fuzz at 10,000 requests per
 * route (`npm test` runs the same file at 300), the large-input checks (`*.long.ts`), and the
 * example programs run in child processes as a new user runs them (`EXAMPLE_RUNS`), and the reviews
 * that repeat their work in child processes or over several instances (`LONG_REVIEW_RUNS`). The soak has its own config
 * (vitest.soak.config.ts: one forked worker with --expose-gc) and follows in the same script.
 */
import { defineConfig } from 'vitest/config';
import base, { EXAMPLE_RUNS, LONG_REVIEW_RUNS } from './vitest.config.js';

export default defineConfig({
  resolve: base.resolve,
  test: {
    include: ['tests/api/fuzz.test.ts', 'tests/**/*.long.ts', ...EXAMPLE_RUNS, ...LONG_REVIEW_RUNS],
    globalSetup: base.test?.globalSetup,
    env: { FUZZ_RUNS: process.env.FUZZ_RUNS ?? '10000' },
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});

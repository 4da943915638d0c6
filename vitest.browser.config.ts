import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The dashboard's end-to-end tests (`npm run test:browser`): headless Chromium (Debian's
 * `chromium`, driven by playwright-core) against the demo world on loopback. Kept out of
 * `npm test` so that it stays fast; `.ci/run` runs it. One file, one browser, run in sequence.
 */
export default defineConfig({
  resolve: base.resolve,
  test: {
    include: ['tests/browser/**/*.browser.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

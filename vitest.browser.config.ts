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
    // One worker for every file (each file starts its own server and browser, and none changes a
    // global): about 14 s less than a fresh worker importing the library per file.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

/**
 * The tests of the built package (`npm run test:built`, after `npm run build`; CI runs it in its
 * build chain): `BUILT_PACKAGE_RUNS`, which load dist/'s CommonJS and ES module builds side by side
 * in one process. They fail (never skip) when dist/ is missing.
 */
import { defineConfig } from 'vitest/config';
import base, { BUILT_PACKAGE_RUNS } from './vitest.config.js';

export default defineConfig({
  resolve: base.resolve,
  test: {
    include: BUILT_PACKAGE_RUNS,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

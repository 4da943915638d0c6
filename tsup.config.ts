import { defineConfig } from 'tsup';

/**
 * One build for every public entry. Secondary entries (adapters, testing) import the library
 * through its package name, which stays external: a consumer gets exactly one copy of the core
 * (one error class, one config schema), however many subpaths it imports.
 */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'adapters/memory': 'adapters/memory/index.ts',
    testing: 'src/testing/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'neutral',
  external: ['scene-radar', 'zod', 'quick-lru', 'p-limit'],
  splitting: false,
  treeshake: true,
});

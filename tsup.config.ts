import { defineConfig, type Options } from 'tsup';

/**
 * One build for every public entry. Secondary entries (adapters, testing) import the library
 * through its package name, kept external: a consumer gets exactly one copy of the core (one
 * error class, one config schema), however many subpaths it imports.
 */
const entry = {
  index: 'src/index.ts',
  'adapters/memory': 'adapters/memory/index.ts',
  testing: 'src/testing/index.ts',
};

const shared: Options = {
  entry,
  dts: true,
  // The output is not minified and reads like the source; maps would triple the package size.
  sourcemap: false,
  target: 'node20',
  platform: 'neutral',
  splitting: false,
  treeshake: true,
};

export default defineConfig([
  { ...shared, format: 'esm', clean: true, external: ['scene-radar', 'zod', 'quick-lru', 'p-limit'] },
  {
    ...shared,
    format: 'cjs',
    // quick-lru and p-limit ship ESM only; bundling them keeps `require('scene-radar')` working on
    // every Node 20 release, not only those with require(esm).
    external: ['scene-radar', 'zod'],
    noExternal: ['quick-lru', 'p-limit', 'yocto-queue'],
  },
]);

import { defineConfig, type Options } from 'tsup';

/**
 * One build for every public entry. Secondary entries (adapters, testing) import the library
 * through its package name, kept external: a consumer gets exactly one copy of the core (one
 * error class, one config schema), however many subpaths it imports.
 */
const entry = {
  index: 'src/index.ts',
  'adapters/memory': 'adapters/memory/index.ts',
  'adapters/tabular': 'adapters/tabular/index.ts',
  testing: 'src/testing/index.ts',
  api: 'src/api/index.ts',
  'adapters/node': 'adapters/node/index.ts',
  backtest: 'src/backtest/index.ts',
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
  // Keep `node:fs/promises` and `node:zlib` (imported on demand by the tabular adapter's
  // readTable) as written and external: the 'neutral' platform does not know Node builtins.
  removeNodeProtocol: false,
};

/** Node builtins, always imported at run time, never bundled. */
const NODE_BUILTINS = /^node:/;

export default defineConfig([
  { ...shared, format: 'esm', clean: true, external: ['scene-radar', 'zod', 'quick-lru', 'p-limit', NODE_BUILTINS] },
  {
    ...shared,
    format: 'cjs',
    // quick-lru and p-limit ship ESM only; bundling them keeps `require('scene-radar')` working on
    // every Node 20 release, not only those with require(esm).
    external: ['scene-radar', 'zod', NODE_BUILTINS],
    noExternal: ['quick-lru', 'p-limit', 'yocto-queue'],
  },
]);

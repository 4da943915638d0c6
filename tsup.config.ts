import { defineConfig, type Options } from 'tsup';

/**
 * One build for every public entry. Entries import the core by relative path and share it through
 * split chunks (`splitting`), so a consumer gets exactly one copy of the core (one error class,
 * one config schema) however many subpaths it imports, and internals need not be public to be
 * shared. Declarations are generated once, for both formats, by a declarations-only pass.
 */
const entry = {
  index: 'src/index.ts',
  schemas: 'src/schemas.ts',
  stores: 'src/stores.ts',
  'adapters/memory': 'adapters/memory/index.ts',
  'adapters/tabular': 'adapters/tabular/index.ts',
  testing: 'src/testing/index.ts',
  api: 'src/api/index.ts',
  'adapters/node': 'adapters/node/index.ts',
  'adapters/postgres': 'adapters/postgres/index.ts',
  backtest: 'src/backtest/index.ts',
  otel: 'src/otel/index.ts',
};

/**
 * Node builtins, always imported at run time, never bundled. `pg` (the optional peer dependency of
 * `scene-radar/adapters/postgres`) is external too, and imported only when that adapter opens a pool.
 */
const NODE_BUILTINS = /^node:/;

/** Optional peer dependencies, never bundled: `pg` (scene-radar/adapters/postgres), `@opentelemetry/api` (scene-radar/otel). */
const PEERS = ['pg', '@opentelemetry/api'];

const shared: Options = {
  entry,
  // The output is not minified and reads like the source; maps would triple the package size.
  sourcemap: false,
  target: 'node20',
  platform: 'neutral',
  splitting: true,
  treeshake: true,
  // Keep `node:fs/promises` and `node:zlib` (imported on demand by the tabular adapter's
  // readTable) as written and external: the 'neutral' platform does not know Node builtins.
  removeNodeProtocol: false,
};

export default defineConfig([
  // Declarations, once: one rollup pass writes both `.d.ts` and `.d.cts`.
  // The three builds run in parallel, so none cleans dist/ (one would delete another's output):
  // `npm run build` empties it first.
  { ...shared, format: ['esm', 'cjs'], dts: { only: true }, external: ['zod', ...PEERS, NODE_BUILTINS] },
  { ...shared, format: 'esm', dts: false, external: ['zod', ...PEERS, 'quick-lru', NODE_BUILTINS] },
  {
    ...shared,
    format: 'cjs',
    dts: false,
    // quick-lru ships ESM only; bundling it keeps `require('scene-radar')` working on
    // every Node 20 release, not only those with require(esm).
    external: ['zod', ...PEERS, NODE_BUILTINS],
    noExternal: ['quick-lru'],
  },
]);

import { defineConfig, type Options } from 'tsup';
import { UPLOT_NOTICE } from './ui/notice.js';

/**
 * One build for every public entry. Entries import the core by relative path and share it through
 * split chunks (`splitting`), so a consumer gets exactly one copy of the core (one error class,
 * one config schema) however many subpaths it imports, and internals need not be public to be
 * shared. The library entries' declarations are not built here but by scripts/build-dts.mjs (tsc
 * emits once, rollup-plugin-dts bundles: tsup's declarations pass took 71 of the build's 81 s), which
 * `npm run build` runs beside tsup; its entry list must match `library` below (it checks it against
 * package.json's exports).
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
  'adapters/redis': 'adapters/redis/index.ts',
  'adapters/bullmq': 'adapters/bullmq/index.ts',
  backtest: 'src/backtest/index.ts',
  // The `scene-radar` command (package.json `bin`): its source starts with `#!/usr/bin/env node`,
  // which esbuild keeps at the top of this entry's output only (and tsup makes it executable).
  // Built as ESM only, with no declarations (it is run, not imported): see `library` below.
  cli: 'src/cli/bin.ts',
  otel: 'src/otel/index.ts',
};

/**
 * Node builtins, always imported at run time, never bundled. `pg` (the optional peer dependency of
 * `scene-radar/adapters/postgres`) is external too, and imported only when that adapter opens a pool.
 */
const NODE_BUILTINS = /^node:/;

/**
 * Every entry but the command's: the declarations (scripts/build-dts.mjs) and the CommonJS build are
 * for importers.
 */
const { cli: _cli, ...library } = entry;

/**
 * Optional peer dependencies, never bundled: `pg` (scene-radar/adapters/postgres), `ioredis` and
 * `rate-limiter-flexible` (scene-radar/adapters/redis; the limiter loads the latter on demand),
 * `@opentelemetry/api` (scene-radar/otel), `bullmq` (scene-radar/adapters/bullmq).
 */
const PEERS = ['pg', 'ioredis', 'rate-limiter-flexible', '@opentelemetry/api', 'bullmq'];

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
  // The builds run in parallel, and beside scripts/build-dts.mjs (the library entries' declarations,
  // `.d.ts` and `.d.cts`), so none cleans dist/ (one would delete another's output): `npm run build`
  // empties it first.
  { ...shared, format: 'esm', dts: false, external: ['zod', ...PEERS, NODE_BUILTINS] },
  {
    ...shared,
    entry: library,
    format: 'cjs',
    dts: false,
    external: ['zod', ...PEERS, NODE_BUILTINS],
  },
  // `scene-radar/ui` (issue 18): the dashboard's web components, for browsers. One minified ES
  // module with Lit and uPlot inlined (no CDN, nothing for the host to install); its declarations
  // name only DOM types. ui/server.ts builds the same module (same esbuild settings) for `npm run
  // serve`; scripts/check-package.mjs budgets its gzipped size.
  {
    entry: { 'ui/index': 'ui/index.ts' },
    format: 'esm',
    platform: 'browser',
    target: 'es2021',
    minify: true,
    splitting: false,
    sourcemap: false,
    dts: true,
    noExternal: [/./],
    loader: { '.css': 'text' },
    banner: { js: UPLOT_NOTICE },
  },
]);

#!/usr/bin/env node
// The declarations of the library entries (`npm run build` runs this beside tsup, which builds the
// code and `scene-radar/ui`'s declarations). tsup's declarations pass (`dts`) took 71 of the
// build's 81 s: it hands every entry to rollup-plugin-dts with `noEmitOnError` forced, so the
// plugin type checks and emits file by file inside rollup, with heavy garbage collection. Here tsc
// checks and emits every .d.ts once (tsconfig.dts.json, into .dts-tmp/; a type error fails the
// build, as it did under tsup), and rollup-plugin-dts only bundles the emitted files per entry:
// 11-15 s in all on 2 cores. One rollup pass writes both `.d.ts` (for `import`) and `.d.cts` (for
// `require`), sharing chunks as tsup's did; in the `.d.cts` files the plugin points the chunk
// imports at `.cjs` (as the code's own chunks), which TypeScript resolves to the `.d.cts` beside.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const root = resolve(import.meta.dirname, '..');
const tmp = join(root, '.dts-tmp');
const dist = join(root, 'dist');

/**
 * The library entries of tsup.config.ts (`library`: every entry but the command's), by output
 * name, each with its source (`.ts`, whose emitted `.d.ts` is the input). Checked below against
 * the `types` that package.json's exports name.
 */
const ENTRIES = {
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
  otel: 'src/otel/index.ts',
};

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// Every declaration file the exports name (but `./ui`'s, which tsup writes) must come from an entry
// here, and every entry must be exported: a new entry added to tsup.config.ts only would ship
// without types.
const wanted = Object.entries(pkg.exports)
  .filter(([subpath, spec]) => typeof spec === 'object' && subpath !== './ui')
  .flatMap(([, spec]) => [spec.import?.types, spec.require?.types])
  .filter((p) => typeof p === 'string')
  .sort();
const made = Object.keys(ENTRIES)
  .flatMap((name) => [`./dist/${name}.d.ts`, `./dist/${name}.d.cts`])
  .sort();
if (JSON.stringify(wanted) !== JSON.stringify(made)) {
  throw new Error(`build-dts: the entries here and package.json's exports differ:\n${wanted}\n${made}`);
}

// Never bundled (tsup's externals for its declarations pass): the dependencies and peer
// dependencies (zod, the optional peers pg, ioredis, rate-limiter-flexible,
// @opentelemetry/api, bullmq) with their subpaths (`zod/v4/core`), and Node builtins.
const external = [
  ...Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).map(
    (dep) => new RegExp(`^${dep.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|/)`),
  ),
  /^node:/,
];

const start = Date.now();
const seconds = () => `${((Date.now() - start) / 1000).toFixed(1)} s`;
rmSync(tmp, { recursive: true, force: true });
try {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.dts.json'], { cwd: root, stdio: 'inherit' });
  } catch {
    // tsc printed its errors; the declarations are not bundled from a program that does not check.
    throw new Error('build-dts: tsc -p tsconfig.dts.json failed (its errors are above)');
  }
  console.log(`build-dts: tsc emitted the declarations in ${seconds()}`);

  const input = Object.fromEntries(
    Object.entries(ENTRIES).map(([name, source]) => [name, join(tmp, source.replace(/\.ts$/, '.d.ts'))]),
  );
  for (const file of Object.values(input)) if (!existsSync(file)) throw new Error(`build-dts: ${file} missing`);
  const bundle = await rollup({
    input,
    external,
    plugins: [dts({ respectExternal: false })],
    onwarn(warning) {
      // Any warning (an import left unresolved, an export missing) is a fault in the declarations.
      throw new Error(`build-dts: ${warning.code}: ${warning.message}`);
    },
  });
  // A chunk's name is its first module's file name, which ends in `.d` here (`radar.d.ts`):
  // dropped, so chunks read `radar-<hash>.d.ts` as tsup named them.
  const chunk = (extension) => (info) => `${info.name.replace(/\.d$/, '')}-[hash]${extension}`;
  for (const extension of ['.d.ts', '.d.cts']) {
    await bundle.write({
      dir: dist,
      format: 'es',
      entryFileNames: `[name]${extension}`,
      chunkFileNames: chunk(extension),
    });
  }
  await bundle.close();
  console.log(`build-dts: ${Object.keys(ENTRIES).length} entries as .d.ts and .d.cts in ${seconds()}`);
} catch (error) {
  console.error(error instanceof Error && error.message.startsWith('build-dts:') ? error.message : error);
  process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

/**
 * Vitest's global setup: bundles, once per run, the TypeScript entries that test files start as
 * child processes many times over (the `scene-radar` command and the multi-process fixtures), so
 * that each child loads one file instead of some 250 modules through tsx's loader.
 *
 * Why: `npm test` starts about a hundred such children. Through `node --import tsx` each spent about
 * 0.5 s of wall time and 0.9 s of CPU before its first line ran (`scene-radar --help`: 0.9 s against
 * 0.4 s from the bundle, 2026-12-07), a sixth of the suite's CPU on 2 cores. esbuild is the
 * transform tsx applies to each module; bundled, the same source runs, with the same package
 * imports (zod, pg, ioredis, ... stay external, resolved from the repository's node_modules).
 *
 * The bundles go to a fresh folder under node_modules/.cache (inside the repository, so package
 * imports resolve; ignored by git), named to the tests through `inject('tsBundles')`
 * (tests/helpers/ts-entry.ts), and are removed at the end of the run; folders left by interrupted
 * runs are removed a day later. Each carries its source map and keeps function names, so a child's
 * stack trace names the .ts lines, as under tsx. In watch mode they are built again before each
 * rerun. A bundling error fails the run, and so does a bundle that reads `import.meta` (every module
 * of a bundle has the bundle's URL: see `BUNDLED_ENTRIES`).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * The folder of this run's bundles (tests/setup/bundle-entries.ts); see tests/helpers/ts-entry.ts.
     * Undefined under a config without this setup.
     */
    tsBundles?: string;
  }
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DAY_MS = 86_400_000;

/**
 * The entries bundled, relative to the repository: each test starts them through `tsEntry`. Not an
 * entry whose imports run code when `isMain(import.meta.url)` (scripts/ and examples/: in a bundle
 * every module has the bundle's URL, so scripts/serve.ts bundled ran scripts/migrate.ts's main too);
 * {@link bundle} refuses a bundle that reads `import.meta` at all.
 */
export const BUNDLED_ENTRIES = [
  'src/cli/bin.ts',
  'tests/fixtures/bullmq-worker.ts',
  'tests/fixtures/postgres-refresh-job.ts',
  'tests/fixtures/postgres-restart-job.ts',
  'tests/fixtures/redis-instance.ts',
  'tests/fixtures/redis-radar-instance.ts',
  'tests/review/fixtures-111/world-digest.ts',
  'tests/review/fixtures-111/shift-clock.ts',
];

/** Builds every entry into `dir` (`<dir>/<path>.mjs` and its `.map`). */
async function bundle(dir: string): Promise<void> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: BUNDLED_ENTRIES,
    outbase: ROOT,
    outdir: dir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // `.mjs`: under node_modules no package.json says `"type": "module"`.
    outExtension: { '.js': '.mjs' },
    target: 'node20',
    // Packages are imported at run time from node_modules, as under tsx; the repository's own
    // paths (tsconfig.json `paths`: `scene-radar`, `scene-radar/adapters/...`) are bundled.
    packages: 'external',
    // As tsx: names kept, source maps (the children run with --enable-source-maps).
    keepNames: true,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  for (const out of Object.keys(result.metafile.outputs)) {
    if (!out.endsWith('.mjs')) continue;
    if (readFileSync(join(ROOT, out), 'utf8').includes('import.meta'))
      throw new Error(`${out} reads import.meta: its entry cannot be bundled (tests/setup/bundle-entries.ts)`);
  }
}

/** Removes the folders of runs that were interrupted before their teardown, a day on. */
function pruneOld(parent: string): void {
  for (const name of readdirSync(parent)) {
    const path = join(parent, name);
    try {
      if (name.startsWith('run-') && Date.now() - statSync(path).mtimeMs > DAY_MS)
        rmSync(path, { recursive: true, force: true });
    } catch {
      // Another run removed it first.
    }
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const parent = join(ROOT, 'node_modules/.cache/scene-radar-tests');
  mkdirSync(parent, { recursive: true });
  pruneOld(parent);
  const dir = mkdtempSync(join(parent, 'run-'));
  try {
    await bundle(dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  project.onTestsRerun(() => bundle(dir));
  project.provide('tsBundles', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}

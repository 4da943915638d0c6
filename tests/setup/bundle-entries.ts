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
 * (tests/helpers/ts-entry.ts), and are removed at the end of the run. A bundling error fails the run.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of this run's bundles (tests/setup/bundle-entries.ts); see tests/helpers/ts-entry.ts. */
    tsBundles: string;
  }
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The entries bundled, relative to the repository: each test starts them through `tsEntry`. Not an
 * entry whose imports run code when `isMain(import.meta.url)` (scripts/ and examples/: in a bundle
 * every module has the bundle's URL, so scripts/serve.ts bundled ran scripts/migrate.ts's main too).
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

export default async function setup(project: TestProject): Promise<() => void> {
  const parent = join(ROOT, 'node_modules/.cache/scene-radar-tests');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'run-'));
  await build({
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
    logLevel: 'warning',
  });
  project.provide('tsBundles', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}

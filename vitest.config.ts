import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/**
 * The example programs run as a new user runs them, each in child processes (`npx tsx
 * examples/...`, about 45 s of the suite on 2 cores): they are long runs (`npm run test:long`,
 * vitest.long.config.ts, which CI runs beside the soak and the build), not part of `npm test`.
 * (Hostile reviews 106 and 111, whole-process runs too, stay in `npm test`: moved to the long runs
 * they made CI 11 s slower, when the long runs shared the cores with the browser tests.)
 */
export const EXAMPLE_RUNS = ['tests/examples-hostile-review.test.ts', 'tests/review/hostile-review-97.test.ts'];

/**
 * Reviews that run the same work many times over in child processes (hostile review 182: every
 * host time zone and locale) or over several instances on one PostgreSQL schema (hostile review
 * 184): 20-26 s each beside the browser tests, they run with the long runs
 * (vitest.long.config.ts; CI runs those beside the soak and the build), not in `npm test`.
 */
export const LONG_REVIEW_RUNS = ['tests/review/hostile-review-182.test.ts', 'tests/review/hostile-review-184.test.ts'];

/**
 * Tests of the built package (dist/: its CommonJS and ES module builds loaded side by side in one
 * process): `npm run test:built` (vitest.built.config.ts), after `npm run build`, as CI runs them
 * in its build chain. Not part of `npm test`, which a fresh clone runs before any build.
 */
export const BUILT_PACKAGE_RUNS = ['tests/review/hostile-review-181.test.ts', 'tests/review/todays-changes-44.test.ts'];

/**
 * The test files that took 8 s or more (2026-12-07, `npm test` on 2 cores; the first four from CI's
 * run beside the browser tests, 16-52 s there), longest first. On a
 * fresh clone (CI) Vitest has no timings to order by and runs larger files first, so a small file
 * with one long test ran last, alone, a core idle beside it for 18 s. Listed ones start first;
 * the rest keep Vitest's order. A file missing from the list only costs time, never a result.
 */
const SLOW_FILES = [
  'tests/review/hostile-review-174.test.ts',
  'tests/review/hostile-review-116.test.ts',
  'tests/review/todays-changes-43.test.ts',
  'tests/review/hostile-review-180.test.ts',
  'tests/review/hostile-review-106.test.ts',
  'tests/review/hostile-review-163.test.ts',
  'tests/adapters/tabular-stream-memory.test.ts',
  'tests/review/hostile-review-112.test.ts',
  'tests/adapters/postgres-multi-instance-review.test.ts',
  'tests/review/hostile-review-113.test.ts',
  'tests/review/hostile-review-121.test.ts',
  'tests/review/hostile-review-120.test.ts',
  'tests/adapters/bullmq-redis-faults.test.ts',
  'tests/adapters/bullmq-hostile-review.test.ts',
  'tests/review/todays-changes-28.test.ts',
  'tests/hostile/hostile2-bullmq.test.ts',
  'tests/review/hostile-review-148.test.ts',
  'tests/review/hostile-review-109.test.ts',
  'tests/adapters/redis-radar-multi-process.test.ts',
  'tests/review/hostile-review-119.test.ts',
  'tests/adapters/postgres-restart.test.ts',
  'tests/cli/progress.test.ts',
  'tests/review/todays-changes-20.test.ts',
  'tests/talent/failing-sources.test.ts',
  'tests/adapters/postgres-cli.test.ts',
  'tests/review/hostile-review-114.test.ts',
  'tests/review/hostile-review-90.test.ts',
];

/** Vitest's order, with {@link SLOW_FILES} moved to the front in their listed order. */
class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const i = SLOW_FILES.indexOf(relative(here('.'), f.moduleId).replaceAll('\\', '/'));
      return i < 0 ? SLOW_FILES.length : i;
    };
    return sorted.sort((a, b) => rank(a) - rank(b)); // stable: the rest keep Vitest's order
  }
}

export default defineConfig({
  resolve: {
    alias: [
      { find: /^scene-radar\/adapters\/memory$/, replacement: here('./adapters/memory/index.ts') },
      { find: /^scene-radar\/adapters\/tabular$/, replacement: here('./adapters/tabular/index.ts') },
      { find: /^scene-radar\/testing$/, replacement: here('./src/testing/index.ts') },
      { find: /^scene-radar\/api$/, replacement: here('./src/api/index.ts') },
      { find: /^scene-radar\/adapters\/node$/, replacement: here('./adapters/node/index.ts') },
      { find: /^scene-radar\/adapters\/postgres$/, replacement: here('./adapters/postgres/index.ts') },
      { find: /^scene-radar\/backtest$/, replacement: here('./src/backtest/index.ts') },
      { find: /^scene-radar\/schemas$/, replacement: here('./src/schemas.ts') },
      { find: /^scene-radar\/stores$/, replacement: here('./src/stores.ts') },
      { find: /^scene-radar$/, replacement: here('./src/index.ts') },
    ],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...EXAMPLE_RUNS, ...LONG_REVIEW_RUNS, ...BUILT_PACKAGE_RUNS],
    // The type tests (`*.test-d.ts`) compile with tsc. CI's typecheck step compiles the same files
    // (tsconfig.json includes tests/) just before, so CI sets SCENE_RADAR_SKIP_TYPE_TESTS=1 rather
    // than compile them twice; `npm test` alone always runs them.
    typecheck: { enabled: process.env.SCENE_RADAR_SKIP_TYPE_TESTS !== '1', include: ['tests/**/*.test-d.ts'] },
    pool: 'threads',
    // Vitest's default leaves one core idle; on a 2-core CI machine that is half the machine.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Test files share a worker's module graph instead of importing the library afresh per file
    // (about a third of the run was imports). Every file builds its own radar and sources, and
    // the fuzz checks Object.prototype is untouched afterwards, so no state leaks between files.
    isolate: false,
    sequence: { sequencer: SlowFilesFirst },
    // Bundles the entries tests start as child processes, once per run (tests/helpers/ts-entry.ts).
    globalSetup: ['tests/setup/bundle-entries.ts'],
    // A test's timeout catches a hang, not slowness (speed is proven by `npm run bench`): these
    // shared machines run 2-3x slower on some days, and the 5 s default then failed property
    // checks of tens of thousands of runs (dayStart: 7.9 s on 2026-12-04) that pass in 2 s.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

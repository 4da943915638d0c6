import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

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
    typecheck: { enabled: true, include: ['tests/**/*.test-d.ts'] },
    pool: 'threads',
    // Vitest's default leaves one core idle; on a 2-core CI machine that is half the machine.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Test files share a worker's module graph instead of importing the library afresh per file
    // (about a third of the run was imports). Every file builds its own radar and sources, and
    // the fuzz checks Object.prototype is untouched afterwards, so no state leaks between files.
    isolate: false,
    // A test's timeout catches a hang, not slowness (speed is proven by `npm run bench`): these
    // shared machines run 2-3x slower on some days, and the 5 s default then failed property
    // checks of tens of thousands of runs (dayStart: 7.9 s on 2026-12-04) that pass in 2 s.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

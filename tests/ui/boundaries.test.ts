/**
 * Proves the dashboard's module-boundary rules (ui/.dependency-cruiser.cjs, run by `npm run
 * check:boundaries`) can fail: cruised over tests/ui/fixtures/ (a miniature `ui/` and `src/` that
 * breaks each rule on purpose, beside imports the rules must allow), they report exactly the
 * expected violations; and the real ui/ breaks none.
 */
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseOptions, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const TIMEOUT_MS = 60_000;

async function violationsUnder(baseDir: string): Promise<string[]> {
  const options = await extractDepcruiseOptions(`${ROOT}/ui/.dependency-cruiser.cjs`);
  const tsConfigFile = `${baseDir}/tsconfig.json`;
  const cruiseOptions: ICruiseOptions = { ...options, baseDir, tsConfig: { fileName: tsConfigFile } };
  const { output } = await cruise(['ui'], cruiseOptions, {}, { tsConfig: extractTSConfig(tsConfigFile) });
  return (output as ICruiseResult).summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

describe('ui module boundaries', () => {
  it(
    'fail on the fixtures that break them, and only there',
    async () => {
      expect(await violationsUnder(`${ROOT}/tests/ui/fixtures`)).toEqual([
        'ui-no-circular: ui/cycle-a.ts -> ui/cycle-b.ts',
        'ui-no-node-builtins: ui/node-builtin.ts -> fs',
        'ui-reads-only-http: ui/runtime-import.ts -> src/engine.ts',
      ]);
    },
    TIMEOUT_MS,
  );

  it(
    'hold on the real ui/',
    async () => {
      expect(await violationsUnder(ROOT)).toEqual([]);
    },
    TIMEOUT_MS,
  );
});

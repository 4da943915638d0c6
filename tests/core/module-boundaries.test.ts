/**
 * Proves the module-boundary rules (.dependency-cruiser.cjs, run in CI as `npm run check:boundaries`)
 * can fail: the project's own config, cruised over tests/fixtures/boundaries/ (a miniature of the
 * repository that breaks each rule on purpose, beside imports the rules must allow), reports exactly
 * the expected violations, rule by rule. And the real src/ and adapters/ trees break none.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { cruise, type ICruiseOptions, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const FIXTURES = `${ROOT}/tests/fixtures/boundaries`;
/** Cruising the real tree takes seconds, more on a loaded 2-core runner than vitest's 5 s default. */
const CRUISE_TIMEOUT_MS = 60_000;

interface Found {
  readonly rule: string;
  readonly from: string;
  readonly to: string;
}

/** Cruises `src` and `adapters` under `baseDir` with the project's config and that tree's tsconfig. */
async function violationsUnder(baseDir: string): Promise<Found[]> {
  const options = await extractDepcruiseOptions(`${ROOT}/.dependency-cruiser.cjs`);
  const tsConfigFile = `${baseDir}/tsconfig.json`;
  const cruiseOptions: ICruiseOptions = { ...options, baseDir, tsConfig: { fileName: tsConfigFile } };
  const { output } = await cruise(['src', 'adapters'], cruiseOptions, {}, { tsConfig: extractTSConfig(tsConfigFile) });
  const result = output as ICruiseResult;
  return result.summary.violations
    .map((v) => ({
      rule: v.rule.name,
      from: v.from,
      to: v.to.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+)\/.*$/, '$1'),
    }))
    .sort((a, b) => `${a.rule} ${a.from} ${a.to}`.localeCompare(`${b.rule} ${b.from} ${b.to}`));
}

/** Every violation the fixture tree must produce, and no other (the allowed imports prove the rules are not too wide). */
const EXPECTED: Record<string, readonly (readonly [from: string, to: string])[]> = {
  'talent-not-to-scenes': [['src/talent/reads-scenes-engine.ts', 'src/scenes/engine.ts']],
  'scenes-not-to-talent': [['src/scenes/reads-talent.ts', 'src/talent/radar.ts']],
  'foundation-not-to-engines': [
    ['src/contracts/reaches-up.ts', 'adapters/memory/index.ts'],
    ['src/contracts/reaches-up.ts', 'src/talent/radar.ts'],
    ['src/core/reaches-up.ts', 'src/radar.ts'],
    ['src/core/reaches-up.ts', 'src/scenes/engine.ts'],
    ['src/stores/reaches-up.ts', 'src/api/handler.ts'],
  ],
  'engines-not-to-api': [
    ['src/scenes/reads-api.ts', 'src/api/handler.ts'],
    ['src/talent/reads-api.ts', 'src/api/handler.ts'],
  ],
  'api-not-to-adapters': [['src/api/demo-route.ts', 'adapters/memory/index.ts']],
  'modules-not-to-entries': [
    ['adapters/memory/self-name.ts', 'src/index.ts'],
    ['adapters/node/schemas.ts', 'src/schemas.ts'],
    ['src/api/via-root.ts', 'src/index.ts'],
    ['src/scenes/reads-schemas.ts', 'src/schemas.ts'],
    ['src/stores/via-entry.ts', 'src/stores.ts'],
    ['src/testing/via-name.ts', 'src/index.ts'],
  ],
  'api-entry-only-for-node-adapter': [
    ['adapters/memory/uses-api.ts', 'src/api/index.ts'],
    ['src/api/self-entry.ts', 'src/api/index.ts'],
  ],
  'adapters-not-to-engines': [
    ['adapters/memory/reads-engine.ts', 'src/radar.ts'],
    ['adapters/memory/reads-engine.ts', 'src/talent/radar.ts'],
  ],
  'adapters-not-to-api': [['adapters/node/listen.ts', 'src/api/handler.ts']],
  'adapters-cross-only-via-public-entry': [['adapters/tabular/rows.ts', 'adapters/memory/dataset.ts']],
  'kits-not-to-api-or-adapters': [
    ['src/backtest/serve.ts', 'src/api/handler.ts'],
    ['src/testing/demo.ts', 'adapters/memory/index.ts'],
  ],
  'library-not-to-backtest': [['src/talent/reads-backtest.ts', 'src/backtest/deep.ts']],
  'library-not-to-testing': [
    ['adapters/tabular/reads-testing.ts', 'src/testing/check.ts'],
    ['src/backtest/uses-testing.ts', 'src/testing/check.ts'],
  ],
  'no-circular': [
    ['adapters/memory/index.ts', 'adapters/memory/sources.ts'],
    ['src/core/cycle-a.ts', 'src/core/cycle-b.ts'],
  ],
  'no-circular-via-types': [['src/core/type-cycle-a.ts', 'src/core/type-cycle-b.ts']],
  'not-to-dev-dep': [
    ['adapters/memory/bench-helper.ts', 'tinybench'],
    ['src/core/uses-dev-dep.ts', 'fast-check'],
  ],
  'src-no-io-builtins': [
    ['src/core/does-io.ts', 'child_process'],
    ['src/core/does-io.ts', 'fs'],
    ['src/core/does-io.ts', 'fs/promises'],
    ['src/core/does-io.ts', 'http'],
    ['src/core/does-io.ts', 'net'],
  ],
  'not-to-unresolvable': [['src/core/broken-import.ts', './does-not-exist.js']],
};

describe('module boundaries (.dependency-cruiser.cjs)', () => {
  let fixture: Found[] = [];
  let rules: { name: string; severity: string; comment: string }[] = [];

  beforeAll(async () => {
    const options = await extractDepcruiseOptions(`${ROOT}/.dependency-cruiser.cjs`);
    rules = (options.ruleSet?.forbidden ?? []).map((r) => ({
      name: r.name ?? '',
      severity: r.severity ?? '',
      comment: r.comment ?? '',
    }));
    fixture = await violationsUnder(FIXTURES);
  }, CRUISE_TIMEOUT_MS);

  it('has a fixture case for every rule; every rule is an error and says why', () => {
    expect(rules.map((r) => r.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const rule of rules) {
      expect(rule.severity, rule.name).toBe('error');
      expect(rule.comment.length, rule.name).toBeGreaterThan(80);
    }
  });

  it.each(Object.entries(EXPECTED))('%s fails on the fixture that breaks it', (rule, pairs) => {
    const found = fixture.filter((v) => v.rule === rule).map((v) => [v.from, v.to]);
    expect(found).toEqual([...pairs].sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`)));
  });

  it('reports nothing else on the fixtures (the allowed imports pass)', () => {
    const expected = Object.values(EXPECTED).reduce((n, pairs) => n + pairs.length, 0);
    expect(fixture).toHaveLength(expected);
  });

  it(
    'finds no violation in the real src/ and adapters/',
    async () => {
      expect(await violationsUnder(ROOT)).toEqual([]);
    },
    CRUISE_TIMEOUT_MS,
  );
});

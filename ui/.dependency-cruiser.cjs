/**
 * Module boundaries of the dashboard (ui/, `scene-radar/ui`), checked by `npm run check:boundaries`
 * after the library's own rules (../.dependency-cruiser.cjs). tests/ui/boundaries.test.ts proves
 * each rule can fail, on the fixtures in tests/ui/fixtures/.
 *
 * The design they encode: the browser side of ui/ is a bundle that talks to the API kit over HTTP
 * and nothing else. It names the API's response types (type-only imports from src/, erased from the
 * bundle), so it cannot drift from the schemas, but imports no library module at run time (which
 * would put the engines, zod and the core in every browser) and no Node builtin. ui/server.ts is
 * the Node side (it builds and serves the bundle) and is exempt.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'ui-reads-only-http',
      severity: 'error',
      comment:
        'The dashboard reads the API over HTTP: from src/ and adapters/ it may import types only ' +
        '(erased from the bundle), never a module at run time.',
      from: { path: '^ui/', pathNot: '^ui/server\\.ts$' },
      to: { path: '^(src|adapters)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'ui-no-node-builtins',
      severity: 'error',
      comment: 'The browser side of ui/ runs in browsers: no Node builtin (ui/server.ts, which serves it, may).',
      from: { path: '^ui/', pathNot: '^ui/server\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'ui-no-circular',
      severity: 'error',
      comment: 'A cycle between the elements makes module evaluation order matter when the bundle defines them.',
      from: { path: '^ui/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    // The library behind the type imports is checked by the root config; do not cruise it again.
    doNotFollow: { path: ['node_modules', '^src/', '^adapters/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'browser', 'default', 'types'],
      mainFields: ['module', 'browser', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};

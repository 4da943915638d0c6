/**
 * Module boundaries of scene-radar, checked in CI (`npm run check:boundaries`, `.ci/run`).
 * docs/integration-boundaries.md explains the boundaries; this file is what enforces them.
 * tests/core/module-boundaries.test.ts proves every rule below can fail, using fixtures under
 * tests/fixtures/boundaries/ that break each one on purpose.
 *
 * Paths are relative to the directory being cruised (the repository root in CI).
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'talent-not-to-scenes',
      severity: 'error',
      comment:
        'The Talent Radar reads the Scenes Engine only through the ScenesAdapter contract ' +
        '(src/contracts), never its modules: the host may run scenes elsewhere, and the Talent ' +
        'Radar must keep working with any ScenesAdapter (seed section 3). Type-only imports count too.',
      from: { path: '^src/talent/' },
      to: { path: '^src/scenes/' },
    },
    {
      name: 'scenes-not-to-talent',
      severity: 'error',
      comment:
        'Data flows one way: scenes -> ScenesAdapter -> talent. The Scenes Engine must not know the ' +
        'Talent Radar exists, or the two stop being separately usable and the flow turns circular.',
      from: { path: '^src/scenes/' },
      to: { path: '^src/talent/' },
    },
    {
      name: 'foundation-not-to-engines',
      severity: 'error',
      comment:
        'src/core, src/contracts and src/stores are the foundation both engines stand on: they may ' +
        'not reach up into an engine, the composition root (src/radar.ts), the API layer or an ' +
        'adapter implementation. Contracts describe sources; adapters implement them, not the reverse.',
      from: { path: '^src/(core|contracts|stores)/' },
      to: { path: '^(src/(scenes|talent|api)/|src/radar\\.ts$|adapters/)' },
    },
    {
      name: 'engines-not-to-api',
      severity: 'error',
      comment:
        'The API layer (schemas, envelopes, HTTP handler) sits on top of the engines; data flows ' +
        'one way. An engine that imported src/api would tie the library core to HTTP concerns.',
      from: { path: '^src/(scenes|talent)/' },
      to: { path: '^src/api/' },
    },
    {
      name: 'api-not-to-adapters',
      severity: 'error',
      comment:
        'src/api may use anything in src (it composes the engines), but never an adapter ' +
        'implementation: the host plugs its sources in through the contracts, and the HTTP kit ' +
        'must work with whatever sources it was given, not the memory/demo ones.',
      from: { path: '^src/api/' },
      to: { path: '^adapters/' },
    },
    {
      name: 'api-only-via-public-entry',
      severity: 'error',
      comment:
        "The HTTP kit ('scene-radar/api') is built as its own entry with 'scene-radar' external: it " +
        "imports the library only through 'scene-radar' (src/index.ts), so a host gets one copy of " +
        'the core (one error class, one config schema), not a second one bundled into dist/api.',
      from: { path: '^src/api/' },
      to: { path: '^src/', pathNot: '^src/(index\\.ts$|api/)' },
    },
    {
      name: 'adapters-only-via-public-entry',
      severity: 'error',
      comment:
        'Adapters are separate subpath entries built with `scene-radar` kept external (tsup.config.ts), ' +
        'so a consumer gets exactly one copy of the core (one error class, one config schema). A deep ' +
        'import into src/... would bundle a second copy into the adapter and, besides, lean on ' +
        "internals the package does not export. Import from 'scene-radar' (src/index.ts) or another " +
        "public entry ('scene-radar/api', 'scene-radar/testing').",
      from: { path: '^adapters/' },
      to: { path: '^src/', pathNot: '^src/(index|api/index|testing/index)\\.ts$' },
    },
    {
      name: 'adapters-cross-only-via-public-entry',
      severity: 'error',
      comment:
        "One adapter uses another only through its subpath entry (e.g. 'scene-radar/adapters/memory' " +
        '-> adapters/memory/index.ts), for the same reason as adapters-only-via-public-entry: each ' +
        'entry is built separately, and a deep import would bundle a private copy of the other adapter.',
      from: { path: '^adapters/([^/]+)/' },
      to: { path: '^adapters/', pathNot: ['^adapters/$1/', '^adapters/[^/]+/index\\.ts$'] },
    },
    {
      name: 'testing-only-via-public-entry',
      severity: 'error',
      comment:
        "The conformance kit (src/testing, the 'scene-radar/testing' entry) is built as its own entry " +
        "with 'scene-radar' external, like the adapters: it imports the library only through " +
        "'scene-radar' (src/index.ts), so the suites check the same classes a host uses.",
      from: { path: '^src/testing/' },
      to: { path: '^src/', pathNot: '^src/(index\\.ts$|testing/)' },
    },
    {
      name: 'backtest-only-via-public-entry',
      severity: 'error',
      comment:
        "The backtest harness ('scene-radar/backtest') is built as its own entry with 'scene-radar' " +
        "external, like the API kit: it imports the library only through 'scene-radar' " +
        '(src/index.ts), so a host gets one copy of the core, and the harness can use only what a ' +
        'host can: it checks a score exactly as a host would.',
      from: { path: '^src/backtest/' },
      to: { path: '^src/', pathNot: '^src/(index\\.ts$|backtest/)' },
    },
    {
      name: 'library-not-to-backtest',
      severity: 'error',
      comment:
        'The backtest harness sits on top of the library, like a host: no engine, API module, core ' +
        'module or adapter may import it, so the library never depends on its development-time ' +
        'tooling and a bundle that leaves the harness out loses nothing.',
      from: { path: '^(src|adapters)/', pathNot: '^src/backtest/' },
      to: { path: '^src/backtest/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle in the library means two modules cannot be understood, tested or loaded on their ' +
        'own, and ESM evaluation order inside a cycle leaves bindings undefined at start-up. This ' +
        'rule catches cycles that exist at run time (no type-only import on the way).',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-circular-via-types',
      severity: 'error',
      comment:
        'A cycle closed only by an `import type` is erased at compile time, so it cannot break ' +
        'loading, but it is still two modules that know each other: type the back-reference as ' +
        'an interface of what is used (as talent/radar-aggregator does with AggregatorRadarView).',
      from: { path: '^src/' },
      to: { circular: true, via: { dependencyTypes: ['type-only'] } },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment:
        'src/ and adapters/ ship in the package; a devDependency is not installed for consumers, so ' +
        'importing one breaks at run time. Type-only imports are erased and allowed. zod is a ' +
        'peerDependency (also a devDependency so that tests run) and is allowed as such.',
      from: { path: '^(src|adapters)/' },
      to: {
        dependencyTypes: ['npm-dev'],
        dependencyTypesNot: ['type-only', 'npm-peer'],
      },
    },
    {
      name: 'src-no-io-builtins',
      severity: 'error',
      comment:
        'The library core does no I/O of its own: sources come in through injected adapters, so it ' +
        'runs anywhere (Node, edge runtimes, browsers) and tests need no disk or network. File and ' +
        'network access belongs in adapters (adapters/tabular reads files with node:fs and node:zlib; ' +
        'adapters/node will use node:http).',
      from: { path: '^src/' },
      to: {
        dependencyTypes: ['core'],
        path: '^(node:)?(fs|fs/promises|http|https|http2|net|child_process)$',
      },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'Every import in src/ and adapters/ must resolve, including the tsconfig path aliases ' +
        "('scene-radar', 'scene-radar/adapters/...'): an import the checker cannot resolve is one " +
        'the rules above cannot see, so a broken alias setup would make them pass silently.',
      from: { path: '^(src|adapters)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // See type-only imports too: a type import from src/talent into src/scenes is still coupling.
    tsPreCompilationDeps: true,
    // Resolve the path aliases ('scene-radar', 'scene-radar/adapters/memory', ...) to source files.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};

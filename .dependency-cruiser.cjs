/**
 * Module boundaries of scene-radar, checked in CI (`npm run check:boundaries`, `.ci/run`).
 * docs/integration-boundaries.md explains the boundaries; this file is what enforces them.
 * tests/core/module-boundaries.test.ts proves every rule below can fail, using fixtures under
 * tests/fixtures/boundaries/ that break each one on purpose.
 *
 * The design they encode: every public entry (src/index.ts, src/schemas.ts, src/stores.ts,
 * src/api/index.ts, src/testing/index.ts, src/backtest/index.ts, adapters/<name>/index.ts) is built in
 * one tsup pass with `splitting: true`, and modules import each other by RELATIVE path; the split
 * chunks keep one copy of the core across entries (scripts/check-package.mjs checks it). So the rules
 * below do not police deep imports; they keep the layers pointing one way (foundation <- engines <-
 * api / kits / adapters) and keep entries as leaves that only hosts import.
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
      name: 'modules-not-to-entries',
      severity: 'error',
      comment:
        'The entry files (src/index.ts, src/schemas.ts, src/stores.ts, src/testing/index.ts, ' +
        'src/backtest/index.ts; src/api/index.ts has a rule of its own) are for hosts: they only ' +
        're-export the modules that define things. A module imports the module that defines what it ' +
        "uses, never an entry, and never the package by its own name ('scene-radar' resolves to " +
        'src/index.ts): going through an entry couples a module to a whole audience surface, invites ' +
        'cycles through the barrels, and makes every split chunk that holds the module depend on the ' +
        "entry's, so the one-copy-of-the-core build (tsup splitting) stops splitting cleanly.",
      from: { path: '^(src|adapters)/' },
      to: { path: '^src/(index\\.ts|schemas\\.ts|stores\\.ts|(testing|backtest)/index\\.ts)$' },
    },
    {
      name: 'api-entry-only-for-node-adapter',
      severity: 'error',
      comment:
        "The API kit's entry (src/api/index.ts, 'scene-radar/api') is for hosts, like the other " +
        'entries (modules-not-to-entries), with one importer inside the package: adapters/node, the ' +
        "kit's Node binding (node:http, express, fastify), which is host glue and uses the kit only " +
        'through its public surface, as a host-written binding would; and adapters/redis, which ' +
        "implements the kit's RateLimiter and names its types (type-only imports). No src/ module (src/api " +
        'included: it imports its own modules) and no other adapter imports it.',
      from: { path: '^(src|adapters)/', pathNot: '^adapters/(node|redis)/' },
      to: { path: '^src/api/index\\.ts$' },
    },
    {
      name: 'adapters-not-to-engines',
      severity: 'error',
      comment:
        'Adapters implement the contracts the engines read: they may use the foundation (src/core, ' +
        'src/contracts, src/stores, src/config.ts), never an engine (src/scenes, src/talent) or the ' +
        'composition root (src/radar.ts). The radar is built over sources; a source that read the ' +
        'engines would turn the data flow around. One exception: adapters/bullmq is not a source but ' +
        'the orchestration of a sharded refresh over a job queue; it drives the radar it is given ' +
        "(the engines' refresh phases) and names their types.",
      from: { path: '^adapters/', pathNot: '^adapters/bullmq/' },
      to: { path: '^(src/(scenes|talent)/|src/radar\\.ts$)' },
    },
    {
      name: 'adapters-not-to-api',
      severity: 'error',
      comment:
        'Source adapters know nothing of HTTP, and the one adapter that does (adapters/node) uses the ' +
        "API kit only through its entry, 'scene-radar/api' (see api-entry-only-for-node-adapter): " +
        "the kit's modules (handler, routes, envelopes) stay free to change behind that surface.",
      from: { path: '^adapters/' },
      to: { path: '^src/api/', pathNot: '^src/api/index\\.ts$' },
    },
    {
      name: 'adapters-cross-only-via-public-entry',
      severity: 'error',
      comment:
        "One adapter uses another only through its subpath entry (e.g. 'scene-radar/adapters/memory' " +
        '-> adapters/memory/index.ts): the index is the public surface of an adapter, what a host ' +
        'imports; the other files are its own business and may change or move without notice. ' +
        'One more surface: adapters/memory/core.ts, the memory adapter without its demo world ' +
        '(whose CC-BY-SA genre data an adapter built on it must not load or bundle).',
      from: { path: '^adapters/([^/]+)/' },
      to: {
        path: '^adapters/',
        pathNot: ['^adapters/$1/', '^adapters/[^/]+/index\\.ts$', '^adapters/memory/core\\.ts$'],
      },
    },
    {
      name: 'kits-not-to-api-or-adapters',
      severity: 'error',
      comment:
        'The conformance kit (src/testing) and the backtest harness (src/backtest) stand on the ' +
        'foundation and the engines, which they may import by path like any module. They check ' +
        'sources, stores and scores through the contracts, so they must work for a host that mounts ' +
        'no HTTP layer and brings its own adapters: no src/api, no adapters/ (whose demo data would ' +
        'end up in these entries).',
      from: { path: '^src/(testing|backtest)/' },
      to: { path: '^(src/api/|adapters/)' },
    },
    {
      name: 'library-not-to-backtest',
      severity: 'error',
      comment:
        'The backtest harness sits on top of the library, like a host: no engine, API module, core ' +
        'module or adapter may import it, so the library never depends on its development-time ' +
        'tooling and a bundle that leaves the harness out loses nothing. src/cli (the `scene-radar` ' +
        'command, `scene-radar backtest`) is a host of both and may.',
      from: { path: '^(src|adapters)/', pathNot: '^src/(backtest|cli)/' },
      to: { path: '^src/backtest/' },
    },
    {
      name: 'library-not-to-testing',
      severity: 'error',
      comment:
        "The conformance kit ('scene-radar/testing') is for adapter and store authors' test suites: " +
        'no engine, API module, core module, adapter or the backtest harness may import it, so ' +
        'nothing a host runs in production depends on test tooling.',
      from: { path: '^(src|adapters)/', pathNot: '^src/testing/' },
      to: { path: '^src/testing/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle in the library (src/ or adapters/) means two modules cannot be understood, tested ' +
        'or loaded on their own, and ESM evaluation order inside a cycle leaves bindings undefined at ' +
        'start-up (the classic one: an adapter module importing its own index, which re-exports it). ' +
        'This rule catches cycles that exist at run time (no type-only import on the way).',
      from: { path: '^(src|adapters)/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-circular-via-types',
      severity: 'error',
      comment:
        'A cycle closed only by an `import type` is erased at compile time, so it cannot break ' +
        'loading, but it is still two modules that know each other: type the back-reference as ' +
        'an interface of what is used (as talent/radar-aggregator does with AggregatorRadarView).',
      from: { path: '^(src|adapters)/' },
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
        'adapters/node will use node:http). src/cli, the `scene-radar` command a host runs, is the ' +
        'exception: it reads a data folder and listens on a port.',
      from: { path: '^src/', pathNot: '^src/cli/' },
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

#!/usr/bin/env node
// The API report (issue 13): Microsoft's API Extractor reads each public entry's built
// declarations and writes what it exports, signature by signature, to etc/api/<entry>.api.md, a
// file committed with the code, so every change to the public surface shows in review.
//
//   npm run api-report            rewrite the reports from the current build (`npm run build` first)
//   npm run api-report -- --check fail if a report differs from the build (CI)
//
// The root entry's names are counted: the budget is at most 100.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CompilerState, Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const ROOT_BUDGET = 100;
mkdirSync(join(root, 'etc/api'), { recursive: true });

let failed = false;
/** Types used by a public signature of an entry that does not export them (from every entry). */
const unnamed = new Set();
const entries = Object.entries(pkg.exports).filter(([subpath]) => subpath !== './package.json');
/** Each entry's name and API Extractor config, prepared before any runs. */
const prepared = entries.map(([subpath, spec]) => {
  const dts = join(root, spec.import.types);
  if (!existsSync(dts)) throw new Error(`${spec.import.types} is missing: run \`npm run build\` first`);
  const name = subpath === '.' ? 'scene-radar' : `scene-radar-${subpath.slice(2).replaceAll('/', '-')}`;
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: dts,
      compiler: { overrideTsconfig: { compilerOptions: { strict: true, skipLibCheck: true, types: ['node'] } } },
      apiReport: {
        enabled: true,
        reportFileName: `${name}.api.md`,
        reportFolder: join(root, 'etc/api'),
        reportTempFolder: join(root, '.api-temp'),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // Release tags (@public/@beta) are not used: what an entry exports is public.
        extractorMessageReporting: {
          'ae-missing-release-tag': { logLevel: 'none' },
          // A type reachable from a signature that this entry does not export: collected by the
          // message callback (the check below fails on one no entry exports at all), not written
          // into the report, whose warning lines would name the build's chunk files and change
          // with every unrelated edit.
          'ae-forgotten-export': { logLevel: 'warning', addToApiReportFile: false },
          'ae-unresolved-link': { logLevel: 'none' },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
        compilerMessageReporting: { default: { logLevel: 'warning' } },
      },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: join(root, 'package.json'),
  });
  return { subpath, name, dts, config };
});
// One TypeScript program for every entry (API Extractor's documented way to analyse several
// entry points of one package): a program per entry read the same declarations once per entry.
const compilerState = CompilerState.create(prepared[0].config, {
  additionalEntryPoints: prepared.map((p) => p.dts),
});
for (const { subpath, name, config } of prepared) {
  const result = Extractor.invoke(config, {
    compilerState,
    localBuild: !values.check,
    showVerboseMessages: false,
    messageCallback: (m) => {
      if (m.messageId === 'ae-forgotten-export') {
        const symbol = /The symbol "(\w+)"/.exec(m.text)?.[1];
        if (symbol) unnamed.add(symbol);
        m.handled = true;
      } else if (m.logLevel === 'verbose' || m.logLevel === 'info') m.handled = true;
    },
  });
  const report = join(root, 'etc/api', `${name}.api.md`);
  if (values.check && result.apiReportChanged) {
    console.error(
      `${name}: the public API differs from etc/api/${name}.api.md; run \`npm run api-report\` and commit it`,
    );
    failed = true;
  } else if (result.errorCount > 0) {
    console.error(`${name}: API Extractor failed (${result.errorCount} errors)`);
    failed = true;
  }
  if (subpath === '.') {
    const names = countExports(readFileSync(report, 'utf8'));
    console.log(`${name}: ${names} names at the root (budget ${ROOT_BUDGET})`);
    if (names > ROOT_BUDGET) {
      console.error(`the root exports ${names} names, over the budget of ${ROOT_BUDGET}`);
      failed = true;
    }
  } else if (!values.check) console.log(`${name}: ${result.apiReportChanged ? 'updated' : 'unchanged'}`);
  else if (!result.apiReportChanged) console.log(`${name}: matches`);
}
// A type a public signature uses must be exported by some entry, or a host cannot name it. The
// exceptions are the parameters of members marked @internal: the engines' constructors (engines
// come from createSceneRadar) and the deadline of ScenePulse.pulsesAsOf.
const INTERNAL_ONLY = new Set([
  'ScenesEngineDeps',
  'ScenePulseDeps',
  'TalentRadarDeps',
  'RadarAggregatorDeps',
  'ArtistSignalsEngineDeps',
  'Deadline',
]);
const reports = readdirSync(join(root, 'etc/api')).map((f) => readFileSync(join(root, 'etc/api', f), 'utf8'));
const exportedAnywhere = new Set(reports.flatMap((text) => [...exportedNames(text)]));
const nowhere = [...unnamed].filter((n) => !exportedAnywhere.has(n) && !INTERNAL_ONLY.has(n)).sort();
if (nowhere.length) {
  console.error(`types used by public signatures but exported by no entry: ${nowhere.join(', ')}`);
  failed = true;
} else console.log('every type a public signature uses is exported by some entry');
if (failed) process.exit(1);

/** How many names a report declares as exported. */
function countExports(text) {
  return exportedNames(text).size;
}

/** Names a report declares as exported (`export function x`, `export type X`, `export { X }`, ...). */
function exportedNames(text) {
  const names = new Set();
  for (const m of text.matchAll(
    /^export (?:declare )?(?:abstract )?(?:function|class|const|let|type|interface|enum|namespace) (\w+)/gm,
  ))
    names.add(m[1]);
  for (const m of text.matchAll(/^export \{([^}]*)\}/gm))
    for (const n of m[1].split(','))
      if (n.trim())
        names.add(
          n
            .trim()
            .split(/\s+as\s+/)
            .pop(),
        );
  return names;
}

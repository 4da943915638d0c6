#!/usr/bin/env node
// `prepack`: `npm pack` and `npm publish` ship dist/, so it must match the sources. A build takes
// a while (the declarations most of it); when dist/ is newer than every input (the sources, the
// package manifest, the build config and scripts), the fresh build is reused instead of made twice.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const INPUTS = [
  'src',
  'adapters',
  'ui',
  'package.json',
  'tsup.config.ts',
  'tsconfig.json',
  'tsconfig.dts.json',
  'scripts/build-dts.mjs',
];

/** Latest modification time under `path` (a file or a directory, walked). */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

// Every file the package's exports name must exist, and the oldest of them must be newer than
// every input: a build whose declarations pass failed or was cut short is not fresh.
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outputs = Object.values(pkg.exports)
  .filter((spec) => typeof spec === 'object')
  // An entry may be ESM only (`./ui` has no `require`).
  .flatMap((spec) => [spec.import?.types, spec.import?.default, spec.require?.types, spec.require?.default])
  .filter((p) => typeof p === 'string')
  .map((p) => join(root, p));
const fresh =
  outputs.every((p) => existsSync(p)) &&
  Math.min(...outputs.map((p) => statSync(p).mtimeMs)) > Math.max(...INPUTS.map((p) => newest(join(root, p))));
if (fresh) console.log('prepack: every built file is newer than the sources; reusing dist/');
else {
  // The whole build (`npm run build` empties dist/, then tsup and scripts/build-dts.mjs): tsup
  // alone no longer writes the library entries' declarations.
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

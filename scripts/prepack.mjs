#!/usr/bin/env node
// `prepack`: `npm pack` and `npm publish` ship dist/, so it must match the sources. A build is a
// minute of declarations; when dist/ is newer than every input (the sources, the package
// manifest, the build config), the fresh build is reused instead of made twice.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const INPUTS = ['src', 'adapters', 'package.json', 'tsup.config.ts', 'tsconfig.json'];

/** Latest modification time under `path` (a file or a directory, walked). */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const built = join(root, 'dist/index.js');
const fresh = existsSync(built) && statSync(built).mtimeMs > Math.max(...INPUTS.map((p) => newest(join(root, p))));
if (fresh) console.log('prepack: dist/ is newer than the sources; reusing it');
else {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  execFileSync('npx', ['tsup'], { cwd: root, stdio: 'inherit' });
}

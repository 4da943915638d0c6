#!/usr/bin/env node
// `npm run build`: empties dist/, then runs tsup (the code, ESM and CJS, and `scene-radar/ui` with
// its declarations) and scripts/build-dts.mjs (the library entries' declarations) at once. Neither
// cleans dist/ (one would delete the other's output). On 2 cores the two at once took 15-16 s
// against 18-19 s one after the other (tsup is mostly esbuild's threads, the declarations mostly
// tsc's one thread); tsup's former declarations pass alone took 71 s.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });

// tsup's command, from its manifest's `bin` (run with this Node, as `npx tsup` would).
const tsupManifest = createRequire(import.meta.url).resolve('tsup/package.json');
const tsup = join(dirname(tsupManifest), JSON.parse(readFileSync(tsupManifest, 'utf8')).bin.tsup);

/** Runs `node <script>` in the repository; resolves to its exit code (1 when killed by a signal). */
const run = (script) =>
  new Promise((done) => {
    const child = spawn(process.execPath, [resolve(root, script)], { cwd: root, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(error);
      done(1);
    });
    child.on('exit', (code) => done(code ?? 1));
  });

const codes = await Promise.all([run(tsup), run('scripts/build-dts.mjs')]);
if (codes.some((code) => code !== 0)) {
  console.error(`build: failed (tsup exit ${codes[0]}, scripts/build-dts.mjs exit ${codes[1]})`);
  process.exit(1);
}

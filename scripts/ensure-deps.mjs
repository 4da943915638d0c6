#!/usr/bin/env node
// Makes `npm test` and `npm run demo` work on a fresh clone: installs the dependencies when they
// are missing or older than the lockfile. A no-op once installed.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const marker = resolve(root, 'node_modules/.package-lock.json');
const lock = resolve(root, 'package-lock.json');
const stale =
  !existsSync(marker) ||
  !existsSync(resolve(root, 'node_modules/vitest')) ||
  (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000);
if (stale) {
  console.error('scene-radar: installing dependencies (first run)...');
  execSync('npm install --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}

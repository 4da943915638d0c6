/**
 * Writes the OpenAPI 3.1 document of the HTTP API to docs/openapi.json (or the path given), from
 * the same route table and Zod schemas the handler validates with (`scene-radar openapi` prints
 * the same text). `--check` exits 1 when the
 * file on disk differs from what the code generates (CI uses it through the test suite).
 *
 *   npm run openapi            # write docs/openapi.json
 *   npm run openapi -- --check # compare only
 */
import { readFileSync, writeFileSync } from 'node:fs';
// The same text `scene-radar openapi` prints (src/cli/commands.ts): one implementation.
import { openApiText } from '../src/cli/commands.js';

const args = process.argv.slice(2);
const check = args.includes('--check');
const target = args.find((a) => !a.startsWith('--')) ?? 'docs/openapi.json';
const text = openApiText();

if (check) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing: differs
  }
  if (current !== text) {
    console.error(`${target} is out of date: run \`npm run openapi\``);
    process.exit(1);
  }
  console.log(`${target} is up to date`);
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target} (${text.length} bytes)`);
}

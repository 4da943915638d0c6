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
import { parseArgs } from 'node:util';
// The same text `scene-radar openapi` prints (src/cli/commands.ts): one implementation.
import { openApiText } from '../src/cli/commands.js';

const USAGE = 'usage: npm run openapi [-- [--check] [<file>]]   (default file: docs/openapi.json)';
let args: ReturnType<typeof parseArgs<{ options: { check: { type: 'boolean' } }; allowPositionals: true }>>;
try {
  // Strict: a mistyped flag (`--chek`) must not fall through to writing the file.
  args = parseArgs({ args: process.argv.slice(2), options: { check: { type: 'boolean' } }, allowPositionals: true });
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}
if (args.positionals.length > 1) {
  console.error(`one file at most, got ${args.positionals.length}\n${USAGE}`);
  process.exit(2);
}
const check = args.values.check === true;
const target = args.positionals[0] ?? 'docs/openapi.json';
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

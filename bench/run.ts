/**
 * `npm run bench [-- suite...]`: runs every benchmark suite (or the ones named), prints a table and
 * writes bench/results.json (figure name -> value, units in the name; a partial run writes nothing).
 * docs/performance.md explains each figure.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { parseCommandLine, UsageError } from '../scripts/command-line.js';
import { apiSuite } from './suites/api.js';
import { cacheSuite } from './suites/cache.js';
import { cacheTierSuite } from './suites/cache-tier.js';
import { demoWorldSuite } from './suites/demo-world.js';
import { gatewaySuite } from './suites/gateway.js';
import { httpSuite } from './suites/http.js';
import { observabilitySuite } from './suites/observability.js';
import { postgresSuite } from './suites/postgres.js';
import { refreshSuite } from './suites/refresh.js';
import { scenesSuite } from './suites/scenes.js';
import { shardedRefreshSuite } from './suites/sharded-refresh.js';
import { talentSuite } from './suites/talent.js';
import type { Figure } from './harness.js';

const suites: Array<[string, () => Promise<Figure[]>]> = [
  ['cache', cacheSuite],
  ['gateway', gatewaySuite],
  ['demo-world', demoWorldSuite],
  ['scenes', scenesSuite],
  ['talent', talentSuite],
  ['refresh', refreshSuite],
  ['api', apiSuite],
  ['http', httpSuite],
  ['postgres', () => postgresSuite()],
  ['cache-tier', cacheTierSuite],
  ['sharded-refresh', shardedRefreshSuite],
  // Last: it subscribes to the diagnostics channels, which may leave call sites slower for later suites.
  ['observability', observabilitySuite],
];

let only: readonly string[];
try {
  // Suite names only (`npm run bench -- gateway scenes`): no flags.
  only = parseCommandLine(process.argv.slice(2), {}, { positionals: true }).positionals;
  const unknown = only.filter((name) => !suites.some(([known]) => known === name));
  if (unknown.length)
    throw new UsageError(`unknown suite ${unknown.join(', ')} (suites: ${suites.map(([n]) => n).join(', ')})`);
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`bench: ${e.message}\nusage: npm run bench -- [suite...]`);
  process.exit(2);
}
const figures: Figure[] = [];
for (const [name, suite] of suites) {
  if (only.length && !only.includes(name)) continue;
  process.stderr.write(`running ${name}...\n`);
  figures.push(...(await suite()));
}

console.table(
  figures.map((f) => ({
    figure: f.name,
    value: f.value,
    target: f.target ?? '',
    ok: f.pass === undefined ? '' : f.pass ? 'yes' : 'NO',
  })),
);
const results = {
  generatedAt: new Date().toISOString(),
  machine: { node: process.version, cpus: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown' },
  figures: Object.fromEntries(figures.map((f) => [f.name, f.value])),
  targets: Object.fromEntries(figures.filter((f) => f.target).map((f) => [f.name, { target: f.target, pass: f.pass }])),
};
if (!only.length) writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
else console.error('(a partial run does not write bench/results.json)');
if (figures.some((f) => f.pass === false)) process.exitCode = 1;

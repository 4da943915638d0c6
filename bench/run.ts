/**
 * `npm run bench`: runs every benchmark suite, prints a table and writes bench/results.json
 * (figure name -> value, units in the name). docs/performance.md explains each figure.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { apiSuite } from './suites/api.js';
import { cacheSuite } from './suites/cache.js';
import { demoWorldSuite } from './suites/demo-world.js';
import { gatewaySuite } from './suites/gateway.js';
import { scenesSuite } from './suites/scenes.js';
import { talentSuite } from './suites/talent.js';
import type { Figure } from './harness.js';

const suites: Array<[string, () => Promise<Figure[]>]> = [
  ['cache', cacheSuite],
  ['gateway', gatewaySuite],
  ['demo-world', demoWorldSuite],
  ['scenes', scenesSuite],
  ['talent', talentSuite],
  ['api', apiSuite],
];

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
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

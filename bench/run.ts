/**
 * `npm run bench [-- suite...]`: runs every benchmark suite (or the ones named), prints a table and
 * writes bench/results.json (figure name -> value, units in the name; a partial run writes nothing).
 * docs/performance.md explains each figure.
 *
 * Each suite runs in a process of its own (the same Node flags), one after another: a suite's
 * figures do not depend on the heap, the compiled code or the diagnostics subscribers the suites
 * before it left behind (in one process, the heap of the earlier suites cost the top-K figure
 * 20-40%, and the observability suite had to run last).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  ['observability', observabilitySuite],
];

/** Set in a suite's own process: the suite to run, and the file its figures go to. */
const CHILD_SUITE = 'SCENE_RADAR_BENCH_SUITE';
const CHILD_OUT = 'SCENE_RADAR_BENCH_OUT';

const childSuite = process.env[CHILD_SUITE];
if (childSuite !== undefined) {
  const suite = suites.find(([name]) => name === childSuite);
  if (!suite) throw new Error(`bench: unknown suite ${childSuite}`);
  writeFileSync(process.env[CHILD_OUT]!, JSON.stringify(await suite[1]()));
  process.exit(0);
}

/** Runs one suite in a child process with this process's Node flags; its figures. */
async function runIsolated(name: string, dir: string): Promise<Figure[]> {
  const out = join(dir, `${name}.json`);
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, [CHILD_SUITE]: name, [CHILD_OUT]: out },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, signal) => resolve(signal ? null : c));
  });
  if (code !== 0) throw new Error(`bench: suite ${name} failed (exit ${code ?? 'by signal'})`);
  return JSON.parse(readFileSync(out, 'utf8')) as Figure[];
}

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
const dir = mkdtempSync(join(tmpdir(), 'scene-radar-bench-'));
try {
  for (const [name] of suites) {
    if (only.length && !only.includes(name)) continue;
    process.stderr.write(`running ${name}...\n`);
    figures.push(...(await runIsolated(name, dir)));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
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

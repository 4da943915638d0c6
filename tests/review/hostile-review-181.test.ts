/**
 * Hostile review 181: the package as consumers get it, with the dual-package hazard first.
 * Reviewed: package.json (`exports`, `bin`, `files`, peers), tsup.config.ts, scripts/build*.mjs,
 * dist/ (fresh `npm run build`), THIRD_PARTY_NOTICES.md.
 *
 * Method (by hand, in /tmp/pkgreview, not repeated here): `npm pack` (159 files) installed with
 * zod only; `require` and `import` of every entry (all load but redis, bullmq and otel, which fail
 * at load with Node's own "Cannot find module 'ioredis'" / "Cannot find package 'bullmq'"; `require`
 * of `./ui` is ERR_PACKAGE_PATH_NOT_EXPORTED, `import` of it in Node throws "HTMLElement is not
 * defined": a browser module); `npx scene-radar --help` and `demo` from the install, no tsx;
 * `tsc` 5.9 with `skipLibCheck: false` under nodenext and node16 (.mts, .cts, .ts) and bundler
 * (esnext, preserve) over every entry, clean (only ioredis's own `redis-errors`); with `lib` es2022 +
 * dom and no @types/node every non-Node entry is clean too; no `.d.ts` imports anything but its
 * chunks, zod and the peers (express/pino appear only in TSDoc). The tarball holds no test, source
 * map, scratch or Billboard file; LICENSE, README, CHANGELOG and THIRD_PARTY_NOTICES ship; the
 * CC-BY-SA coordinates carry their attribution in the same chunk. Dual builds in one process: a
 * radar of the ESM build with the CJS build's stores, clock, fetch handler and Node listener serves
 * correctly; `isSceneRadarError` and `describeError` work across the builds (a `Symbol.for` brand);
 * `instanceof` does not (documented: use isSceneRadarError). The WeakMap-keyed fast paths of the
 * stores (memory-core CORES, staged ABSORB) fall back when the table is of the other build.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: every
 * `instanceof SceneRadarError` outside src/core/errors.ts is `isSceneRadarError`, and
 * tests/core/error-brand.test.ts keeps it so). FAULTS found:
 * 1. The SDK tells consumers not to use `instanceof SceneRadarError` across copies (errors.ts:86,
 *    docs/getting-started.md:121), yet its own adapters do it on errors thrown by the radar they are
 *    given: adapters/bullmq/worker.ts:161 (and :207, sharded-refresh.ts:201/390/429/446/482). A CJS
 *    host's `scene-radar/adapters/bullmq` worker running a radar made by the ESM build (or the
 *    other way) does not see a 4xx refusal as one: the job is retried every attempt (3, not 1) and
 *    its reason loses the code ("Invalid refresh finish" instead of "TALENT_VALIDATION_ERROR: ...").
 *    Fix: `isSceneRadarError(error)` wherever an error may come from the host's radar or stores.
 *
 * The tests run against the repository's own dist/ (`npm run build` first): `createRequire` of
 * dist/*.cjs and `import()` of dist/*.js. The FAULT test needs the local test Redis
 * (tests/helpers/redis-test.ts).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as BullmqEntry from '../../adapters/bullmq/index.js';
import type * as MemoryEntry from '../../adapters/memory/index.js';
import type * as NodeEntry from '../../adapters/node/index.js';
import type * as ApiEntry from '../../src/api/index.js';
import type * as RootEntry from '../../src/index.js';
import type * as StoresEntry from '../../src/stores.js';
import { dropPrefix, testRedis } from '../helpers/redis-test.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
const requireDist = createRequire(join(DIST, 'index.cjs'));
const NOW = new Date('2026-11-25T00:00:00.000Z');

interface Manifest {
  readonly exports: Record<
    string,
    string | { readonly import?: { default?: string }; readonly require?: { default?: string } }
  >;
  readonly bin: Record<string, string>;
  readonly peerDependencies: Record<string, string>;
}
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

/** The CommonJS build of a dist file (`api` => dist/api.cjs). */
function cjs<T>(name: string): T {
  return requireDist(join(DIST, `${name}.cjs`)) as T;
}
/** The ES module build of a dist file, through `import()`. */
async function esm<T>(name: string): Promise<T> {
  return (await import(/* @vite-ignore */ pathToFileURL(join(DIST, `${name}.js`)).href)) as T;
}

/** The optional peers each entry may import (everything else: zod and `node:` builtins only). */
const PEERS_OF: Record<string, readonly string[]> = {
  './adapters/postgres': ['pg'],
  './adapters/redis': ['ioredis', 'rate-limiter-flexible'],
  './adapters/bullmq': ['bullmq', 'ioredis'],
  './otel': ['@opentelemetry/api'],
};

/**
 * The bare specifiers (packages) a built file reaches through its static imports and requires
 * (relative chunks followed), dynamic `import()` excluded: what loading it needs.
 */
function packagesReached(file: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const text = readFileSync(path, 'utf8');
    const specs = [
      ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']/gms),
      ...text.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
      ...text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g),
    ].map((m) => m[1]!);
    for (const spec of specs) {
      if (spec.startsWith('.')) visit(resolve(dirname(path), spec));
      else if (!spec.startsWith('node:'))
        packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  };
  visit(file);
  return packages;
}

beforeAll(() => {
  if (!existsSync(join(DIST, 'index.cjs')) || !existsSync(join(DIST, 'index.js')))
    throw new Error('hostile review 181 tests the built package: run `npm run build`, then `npm run test:built`');
});

describe('every entry of the built package', () => {
  const entries = Object.entries(PKG.exports).filter(
    (e): e is [string, { readonly import?: { default?: string }; readonly require?: { default?: string } }] =>
      typeof e[1] === 'object',
  );

  it('needs only zod, node: builtins and its own optional peers to load, from ESM and CJS (no dev dependency, no other peer)', () => {
    expect(entries.length).toBeGreaterThanOrEqual(14);
    for (const [subpath, spec] of entries) {
      if (subpath === './ui') continue; // the browser bundle inlines Lit and uPlot: checked below
      const allowed = new Set(['zod', ...(PEERS_OF[subpath] ?? [])]);
      for (const file of [spec.import?.default, spec.require?.default]) {
        expect(file, subpath).toBeTypeOf('string');
        const reached = [...packagesReached(join(ROOT, file!))].filter((p) => !allowed.has(p));
        expect(reached, `${subpath} (${file})`).toEqual([]);
      }
    }
    // The browser bundle imports nothing at all.
    expect([...packagesReached(join(ROOT, 'dist/ui/index.js'))]).toEqual([]);
    // The command: zod and the same peers only, never tsx or another dev dependency.
    const bin = [...packagesReached(join(ROOT, PKG.bin['scene-radar']!))];
    const peers = new Set(['zod', ...Object.keys(PKG.peerDependencies)]);
    expect(bin.filter((p) => !peers.has(p))).toEqual([]);
  });

  it('loads through require() of the .cjs and import() of the .js, with the same export names', async () => {
    for (const [subpath, spec] of entries) {
      if (subpath === './ui') {
        expect(spec.require, 'ui is ESM only').toBeUndefined();
        continue;
      }
      const name = spec.require!.default!.replace(/^\.\/dist\//, '').replace(/\.cjs$/, '');
      const fromCjs = cjs<Record<string, unknown>>(name);
      const fromEsm = await esm<Record<string, unknown>>(name);
      expect(Object.keys(fromCjs).sort(), subpath).toEqual(
        Object.keys(fromEsm)
          .filter((k) => k !== 'default')
          .sort(),
      );
    }
  });

  it('refuses deep imports of dist files and ./ui from require; package.json is readable', () => {
    const self = createRequire(join(ROOT, 'consumer.cjs'));
    const code = (spec: string): string => {
      try {
        self.resolve(spec);
        return 'resolved';
      } catch (e) {
        return String((e as { code?: unknown }).code);
      }
    };
    expect(code('scene-radar/dist/index.cjs')).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(code('scene-radar/dist/chunk-does-not-matter.cjs')).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(code('scene-radar/ui')).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(code('scene-radar/src/index.ts')).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(code('scene-radar/package.json')).toBe('resolved');
    expect(self.resolve('scene-radar')).toBe(join(DIST, 'index.cjs'));
  });

  it('the built command runs with plain node (no tsx): --help', () => {
    const run = spawnSync(process.execPath, [join(ROOT, PKG.bin['scene-radar']!), '--help'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^usage: scene-radar <command>/);
    expect(run.stdout).toContain('demo');
  });
});

describe('dual package: the ESM and CJS builds in one process', () => {
  type Root = typeof RootEntry;
  let cjRoot: Root;
  let esRoot: Root;

  beforeAll(async () => {
    cjRoot = cjs<Root>('index');
    esRoot = await esm<Root>('index');
  });

  it('are two copies (two error classes), but one error brand: isSceneRadarError and describeError work across them', () => {
    expect(cjRoot.SceneRadarError).not.toBe(esRoot.SceneRadarError);
    const fromCjs = new cjRoot.SceneRadarError('SCENES_NOT_FOUND', 'Scene not found: x');
    const fromEsm = new esRoot.SceneRadarError('CONFIG_INVALID', 'bad');
    expect(esRoot.isSceneRadarError(fromCjs)).toBe(true);
    expect(cjRoot.isSceneRadarError(fromEsm)).toBe(true);
    expect(esRoot.describeError(fromCjs)).toBe('SceneRadarError: Scene not found: x');
    // Documented (errors.ts:86, docs/getting-started.md:121): instanceof lies across copies.
    expect(fromCjs instanceof esRoot.SceneRadarError).toBe(false);
  });

  it('an ESM radar with the CJS stores and clock, served by the CJS fetch handler and Node listener, answers as one build does', async () => {
    const esMemory = await esm<typeof MemoryEntry>('adapters/memory');
    const cjStores = cjs<typeof StoresEntry>('stores');
    const cjApi = cjs<typeof ApiEntry>('api');
    const esApi = await esm<typeof ApiEntry>('api');
    const cjNode = cjs<typeof NodeEntry>('adapters/node');
    const world = esMemory.createDemoWorld({ artists: 12, end: '2026-11-28' });
    const radar = esRoot.createSceneRadar({
      sources: world.sources,
      clock: cjRoot.fixedClock(NOW),
      stores: cjStores.createMemoryStores(),
    });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(NOW);

    const cjHandler = cjApi.createFetchHandler(radar);
    const esHandler = esApi.createFetchHandler(radar);
    const list = await cjHandler(new Request('http://x/api/scenes?limit=2'));
    expect(list.status).toBe(200);
    const listed = (await list.json()) as { ok: boolean; data: { items: { slug: string }[] } };
    expect(listed.ok).toBe(true);
    expect(listed.data.items.length).toBe(2);
    const same = (await (await esHandler(new Request('http://x/api/scenes?limit=2'))).json()) as typeof listed;
    expect(same.data.items.map((s) => s.slug)).toEqual(listed.data.items.map((s) => s.slug));
    // The ESM radar's SCENES_NOT_FOUND through the CJS handler: its own code and status, not a 500.
    const missing = await cjHandler(new Request('http://x/api/scenes/no-such-scene'));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('SCENES_NOT_FOUND');
    const health = await cjHandler(new Request('http://x/api/health'));
    expect(health.status).toBe(200);

    const listener: RequestListener = cjNode.toNodeListener(esHandler);
    const server = createServer(listener);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await fetch(`http://127.0.0.1:${port}/api/scenes/no-such-scene`);
      expect(answer.status).toBe(404);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('SCENES_NOT_FOUND');
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it('FAULT: a CJS refresh worker running an ESM radar fails a refused job once, with its code (adapters/bullmq/worker.ts:161 uses instanceof SceneRadarError)', async () => {
    const esMemory = await esm<typeof MemoryEntry>('adapters/memory');
    const cjBullmq = cjs<typeof BullmqEntry>('adapters/bullmq');
    const redis = await testRedis();
    // BullMQ's key prefix takes no ':' (the adapter checks it), so not testPrefix's.
    const prefix = `sr-test-review-181-${randomBytes(4).toString('hex')}`;
    const connection = { host: '127.0.0.1', port: Number(redis.options.port ?? 6379) };
    const world = esMemory.createDemoWorld({ artists: 8, end: '2026-11-28' });
    const radar = esRoot.createSceneRadar({ sources: world.sources, clock: esRoot.fixedClock(NOW) });
    const queueName = 'refresh';
    const worker = cjBullmq.createRefreshWorker({ radar, connection, queueName, prefix });
    const queue = new Queue(queueName, { connection, prefix });
    const events = new QueueEvents(queueName, { connection, prefix });
    try {
      await events.waitUntilReady();
      // A finish without its shards: the radar refuses it (TALENT_VALIDATION_ERROR, a 400).
      const job = await queue.add(
        cjBullmq.FINISH_JOB,
        { refreshId: 'r-1', asOf: NOW.toISOString() },
        { attempts: 3, backoff: { type: 'fixed', delay: 10 } },
      );
      const reason = await job.waitUntilFinished(events, 15_000).then(
        () => 'completed',
        (e: Error) => e.message,
      );
      const attempts = (await queue.getJob(job.id!))?.attemptsMade;
      expect({ reason: reason.slice(0, 26), attempts }).toEqual({ reason: 'TALENT_VALIDATION_ERROR: I', attempts: 1 });
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
      await dropPrefix(redis, prefix);
      await redis.quit();
    }
  });
});

/**
 * Review of today's changes 44: errors told apart by their brand everywhere (08d0bdd:
 * `isSceneRadarError` for every `instanceof SceneRadarError` outside src/core/errors.ts), tested
 * against the repository's own dist/ with the CommonJS and ES module builds in one process (as
 * tests/review/hostile-review-181.test.ts loads them).
 *
 * Looked at: every `instanceof` of an SDK class in src/ and adapters/ (all remaining ones are on
 * module-private classes thrown and caught within one build: PulseFailure, RouteTimeout,
 * MissingEngineError, UsageError, ForbiddenKey), the WeakMap/WeakSet registries (memory-core
 * CORES/VALIDATED/SCAN_KINDS, staged ABSORB, compact-core STATS, refresh-pulses, refresh-order
 * CONFLICTS: keyed by objects one build both makes and reads, or falling back when absent), the
 * three `Symbol(` (api/operations, api/serialise: private to one build), and the diagnostics
 * channels (named globally, so shared by both builds). No FAULT found.
 *
 * Pinned: a radar of one build over the memory stores of the other answers every GET route as a
 * single build does, healthy and with a source down (degradation marks kept); the CJS PostgreSQL
 * stores over an unmigrated schema in an ESM radar are a 503 STORE_SCHEMA_MISMATCH (schema name
 * withheld) and a branded refusal of refresh; a host's plain object carrying `code`/`httpStatus`
 * is not taken for an SDK error (a 500 without its message, never its 404).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as PostgresEntry from '../../adapters/postgres/index.js';
import type * as MemoryEntry from '../../adapters/memory/index.js';
import type * as ApiEntry from '../../src/api/index.js';
import type * as RootEntry from '../../src/index.js';
import type * as StoresEntry from '../../src/stores.js';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';

const DIST = join(fileURLToPath(new URL('../../', import.meta.url)), 'dist');
const requireDist = createRequire(join(DIST, 'index.cjs'));
const NOW = new Date('2026-11-25T00:00:00.000Z');
const database = fileTestDatabase();

function cjs<T>(name: string): T {
  return requireDist(join(DIST, `${name}.cjs`)) as T;
}
async function esm<T>(name: string): Promise<T> {
  return (await import(/* @vite-ignore */ pathToFileURL(join(DIST, `${name}.js`)).href)) as T;
}

type Root = typeof RootEntry;
type Stores = ReturnType<typeof StoresEntry.createMemoryStores>;
type Sources = ReturnType<typeof MemoryEntry.createDemoWorld>['sources'];

let cjRoot: Root;
let esRoot: Root;
let esMemory: typeof MemoryEntry;
let cjStores: typeof StoresEntry;
let esStores: typeof StoresEntry;
let esApi: typeof ApiEntry;

beforeAll(async () => {
  cjRoot = cjs<Root>('index');
  esRoot = await esm<Root>('index');
  esMemory = await esm<typeof MemoryEntry>('adapters/memory');
  cjStores = cjs<typeof StoresEntry>('stores');
  esStores = await esm<typeof StoresEntry>('stores');
  esApi = await esm<typeof ApiEntry>('api');
});

/** `sources` with every method of `name` rejecting. */
function down(sources: Sources, name: keyof Sources): Sources {
  const target = sources[name] as object;
  const failing = new Proxy(target, {
    get(t, k) {
      const v: unknown = Reflect.get(t, k);
      return typeof v === 'function' ? async () => Promise.reject(new Error('source down')) : v;
    },
  });
  return { ...sources, [name]: failing } as Sources;
}

/** Every GET route without an id but the scene slug, each as `status body` (request ids removed), and the refresh report. */
async function answers(root: Root, stores: Stores, failing?: keyof Sources): Promise<Record<string, string>> {
  const world = esMemory.createDemoWorld({ artists: 10, end: '2026-11-28' });
  const sources = failing === undefined ? world.sources : down(world.sources, failing);
  const radar = root.createSceneRadar({ sources, clock: root.fixedClock(NOW), stores });
  try {
    await radar.scenes.importCatalog(world.catalog);
    const report = await radar.refresh(NOW);
    const out: Record<string, string> = {
      refresh: JSON.stringify(report).replace(/"[A-Za-z]*Ms":[0-9.]+/g, ''),
    };
    const handler = esApi.createFetchHandler(radar);
    const doc = (await (await handler(new Request('http://x/api/openapi.json'))).json()) as {
      paths?: Record<string, unknown>;
      data?: { paths?: Record<string, unknown> };
    };
    const paths = Object.keys(doc.paths ?? doc.data?.paths ?? {});
    expect(paths.length).toBeGreaterThan(10);
    const listed = (await (await handler(new Request('http://x/api/scenes?limit=3'))).json()) as {
      data: { items: { slug: string }[] };
    };
    const slug = listed.data.items[0]!.slug;
    for (const p of paths) {
      if (p.includes('{') && !p.includes('{slug}')) continue;
      const url = p.replace('{slug}', slug);
      const r = await handler(new Request(`http://x${url}`));
      out[url] = `${r.status} ${(await r.text()).replace(/"requestId":"[^"]*"/g, '')}`;
    }
    return out;
  } finally {
    await radar.close();
  }
}

describe('a radar of one build over the stores of the other (WeakMap fast paths of memory-core and staged)', () => {
  it('answers every route and refresh report as one build does, healthy and with a source down', async () => {
    for (const failing of [undefined, 'cmg'] as const) {
      const pure = await answers(esRoot, esStores.createMemoryStores(), failing);
      const esRadarCjStores = await answers(esRoot, cjStores.createMemoryStores(), failing);
      const cjRadarEsStores = await answers(cjRoot, esStores.createMemoryStores(), failing);
      expect(esRadarCjStores, String(failing)).toEqual(pure);
      expect(cjRadarEsStores, String(failing)).toEqual(pure);
      const health = pure['/api/health']!;
      expect(health).toContain(failing === undefined ? '"status":"ok"' : '"status":"degraded"');
    }
  });
});

describe('the CJS PostgreSQL stores over a schema of the wrong version in an ESM radar', () => {
  it('are STORE_SCHEMA_MISMATCH: a 503 naming no schema, and a branded refusal of refresh', async () => {
    const db = await database();
    const cjPostgres = cjs<typeof PostgresEntry>('adapters/postgres');
    const schema = db.schemaName(); // never migrated: version 0
    const stores = cjPostgres.createPostgresStores({ connectionString: TEST_DATABASE_URL, schema });
    const world = esMemory.createDemoWorld({ artists: 6, end: '2026-11-28' });
    const radar = esRoot.createSceneRadar({ sources: world.sources, clock: esRoot.fixedClock(NOW), stores });
    try {
      const handler = esApi.createFetchHandler(radar);
      for (const path of ['/api/scenes?limit=2', '/api/scenes/no-such-scene']) {
        const r = await handler(new Request(`http://x${path}`));
        expect(r.status, path).toBe(503);
        const body = (await r.json()) as { error: { code: string; details: Record<string, unknown> } };
        expect(body.error.code).toBe('STORE_SCHEMA_MISMATCH');
        expect(body.error.details).toEqual({ found: 0, expected: expect.any(Number) });
      }
      const health = await handler(new Request('http://x/api/health'));
      expect(health.status).toBe(503);
      expect(await health.text()).toContain('STORE_SCHEMA_MISMATCH');
      const refused = await radar.refresh(NOW).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(esRoot.isSceneRadarError(refused)).toBe(true);
      expect(cjRoot.isSceneRadarError(refused)).toBe(true);
      expect((refused as { code?: unknown }).code).toBe('STORE_SCHEMA_MISMATCH');
    } finally {
      await radar.close();
      await stores.close();
    }
  });
});

describe('a host value that looks like an SDK error but carries no brand', () => {
  it('is no SceneRadarError: a store throwing {code, httpStatus: 404} is a 500 without its message', async () => {
    const plain = { name: 'SceneRadarError', code: 'SCENES_NOT_FOUND', httpStatus: 404, message: 'host secret' };
    expect(esRoot.isSceneRadarError(plain)).toBe(false);
    expect(cjRoot.isSceneRadarError({ code: 'TALENT_TIMEOUT' })).toBe(false);
    const stores = esStores.createMemoryStores();
    const table = stores.scenes.scenes;
    const reject = async (): Promise<never> => Promise.reject(plain);
    const wrapped = {
      ...stores,
      scenes: {
        ...stores.scenes,
        scenes: { ...table, spec: table.spec, get: reject, getMany: reject, scan: reject, count: reject },
      },
    } as Stores;
    const world = esMemory.createDemoWorld({ artists: 6, end: '2026-11-28' });
    const radar = esRoot.createSceneRadar({
      sources: world.sources,
      clock: esRoot.fixedClock(NOW),
      stores: wrapped,
    });
    try {
      const handler = esApi.createFetchHandler(radar);
      for (const path of ['/api/scenes/x', '/api/scenes']) {
        const r = await handler(new Request(`http://x${path}`));
        expect(r.status, path).toBe(500);
        const text = await r.text();
        expect(text).toContain('SCENES_INTERNAL_ERROR');
        expect(text).not.toContain('host secret');
      }
    } finally {
      await radar.close();
    }
  });
});

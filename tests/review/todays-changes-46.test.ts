/**
 * Review of today's changes 46: the fix of hostile review 184 in `recommendScenes`
 * (src/scenes/recommendations.ts, last commit): the `last-refresh` row of `scenes_state` (as text)
 * and the whole `scenes` table are read before the answer is computed and again inside the
 * `atomically` write; the list is stored only when both read the same.
 *
 * Found:
 * - The check does not refuse forever: a second call after a first is served from the cache
 *   (`stored: true`), watch list and artist, on the memory stores, on stores without a
 *   `transaction`, and on PostgreSQL (its scan orders by primary key, as the table contract asks:
 *   the two reads give the same text). A host store set whose transaction scans in another order
 *   than its plain tables (off the contract) never stores: every call recomputes.
 * - A `scenes_state` read that fails inside the write makes the list unstored, the call succeeds;
 *   a `scenes` scan that fails inside the write fails the call (as a failed cache write already did).
 * - FAULT: the artist path's fit reads the `microgenres` table (the sound map), which the check
 *   does not read: another instance's import that moves microgenres only (the scenes rows, which
 *   carry their own `updated_at`, unchanged) lands between the computation and the write, empties
 *   the cache, and the list computed over the old sound map is stored and served to every instance.
 *
 * Figures (logged, not asserted): the extra scan + JSON.stringify of the scenes table per cache miss.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: the basis read
 * before the answer and again where it is written holds the microgenres too).
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createPostgresStores, migrate, type PostgresStores } from 'scene-radar/adapters/postgres';
import { createMemoryStores, type SceneRadarStores, type ScenesStores } from 'scene-radar/stores';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';

const database = fileTestDatabase();
const T2 = '2026-12-20T00:00:00.000Z';
const world = createDemoWorld({ seed: 7, artists: 40, scenes: 5, end: '2026-12-31' });
/** An artist whose recommendations change when the sound map's positions go (every one here does). */
const ARTIST = 'faded-marsh';
type Catalog = typeof world.catalog;

/** The catalog with every microgenre's position removed: the scenes rows exactly as before. */
const withoutPositions: Catalog = {
  ...world.catalog,
  microgenres: world.catalog.microgenres.map((m) => ({ ...m, x: null, y: null })),
};

/** A radar over `stores`, its catalog imported and refreshed. */
async function radarOver(stores: SceneRadarStores, clock = fixedClock(new Date(T2))): Promise<SceneRadar> {
  const radar = createSceneRadar({ sources: world.sources, stores, clock });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh();
  return radar;
}

/** Whether a first call and then a second return `stored` false then true, watch list and artist. */
async function storedOnSecondCall(radar: SceneRadar): Promise<boolean[]> {
  const out: boolean[] = [];
  for (const q of [{}, { artistSlug: ARTIST }]) {
    out.push((await radar.scenes.recommendScenes(q)).stored);
    out.push((await radar.scenes.recommendScenes(q)).stored);
  }
  return out;
}

interface Instance {
  readonly stores: PostgresStores;
  readonly radar: SceneRadar;
}

/** A fresh migrated schema and `n` instances over it, one pool each. */
async function instances(
  n: number,
): Promise<{ list: { stores: PostgresStores; radar: SceneRadar }[]; close(): Promise<void> }> {
  const clock = fixedClock(new Date(T2));
  const db = await database();
  const schema = db.schemaName();
  await migrate({ pool: db.pool, schema });
  const list: { stores: PostgresStores; radar: SceneRadar }[] = [];
  for (let i = 0; i < n; i++) {
    const stores = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 3 }, { schema });
    list.push({ stores, radar: createSceneRadar({ sources: world.sources, stores, clock }) });
  }
  return {
    list,
    async close() {
      for (const i of list) await i.radar.close().catch(() => undefined);
      for (const i of list) await i.stores.close().catch(() => undefined);
    },
  };
}

/** Holds the next `transaction` of a store set until `release()`; `reached` resolves when it is called. */
function holdTransaction(set: object): { reached: Promise<void>; release(): void } {
  const own = (set as { transaction: (fn: unknown) => Promise<unknown> }).transaction;
  let release!: () => void;
  let reach!: () => void;
  const reached = new Promise<void>((r) => (reach = r));
  const released = new Promise<void>((r) => (release = r));
  Object.defineProperty(set, 'transaction', {
    configurable: true,
    value: async (fn: unknown) => {
      reach();
      await released;
      return own.call(set, fn);
    },
  });
  return { reached, release };
}

/** `p`, or a rejection after 20 s. */
function bounded<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled in 20 s`)), 20_000);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The scenes stores with their `transaction` wrapped: inside it, `tx.scenes.scan` or
 * `tx.scenes_state.get` rejects (the first reads, outside it, succeed).
 */
function failingInside(stores: ScenesStores, which: 'scenes' | 'scenes_state'): void {
  const own = (stores as { transaction: <T>(fn: (tx: ScenesStores) => Promise<T>) => Promise<T> }).transaction;
  Object.defineProperty(stores, 'transaction', {
    configurable: true,
    value: <T>(fn: (tx: ScenesStores) => Promise<T>) =>
      own.call(stores, (tx: ScenesStores) => {
        const broken =
          which === 'scenes'
            ? { ...tx, scenes: { ...tx.scenes, scan: () => Promise.reject(new Error('scenes scan failed')) } }
            : {
                ...tx,
                scenes_state: { ...tx.scenes_state, get: () => Promise.reject(new Error('state read failed')) },
              };
        return fn(broken as ScenesStores);
      }),
  });
}

describe('the check does not refuse forever: a second call is served from the cache', () => {
  it('memory stores (createMemoryStores): watch list and artist', async () => {
    const radar = await radarOver(createMemoryStores());
    try {
      expect(await storedOnSecondCall(radar)).toEqual([false, true, false, true]);
    } finally {
      await radar.close();
    }
  });

  it('memory stores without a transaction (a host store set): watch list and artist', async () => {
    const memory = createMemoryStores();
    // A plain object of the same tables: no `transaction` (atomically runs over the stores).
    const stores: SceneRadarStores = { scenes: { ...memory.scenes }, talent: { ...memory.talent } };
    expect('transaction' in stores.scenes).toBe(false);
    const radar = await radarOver(stores);
    try {
      expect(await storedOnSecondCall(radar)).toEqual([false, true, false, true]);
    } finally {
      await radar.close();
    }
  });

  it('a host store set whose transaction scans in another order than its plain tables (off the contract): never stored', async () => {
    // The table contract (src/testing table suite) asks for key order without orderBy; a store
    // drifting from it makes the check compare different text every time: every call recomputes.
    const memory = createMemoryStores();
    const radar = await radarOver(memory);
    try {
      // Its transaction's tables return the rows in another order than the plain tables.
      const own = memory.scenes.transaction!.bind(memory.scenes);
      Object.defineProperty(memory.scenes, 'transaction', {
        configurable: true,
        value: <T>(fn: (tx: ScenesStores) => Promise<T>) =>
          own((tx: ScenesStores) =>
            fn({
              ...tx,
              scenes: { ...tx.scenes, scan: async () => [...(await tx.scenes.scan())].reverse() },
            } as ScenesStores),
          ),
      });
      const seen: boolean[] = [];
      for (let i = 0; i < 3; i++) seen.push((await radar.scenes.recommendScenes()).stored);
      expect(seen).toEqual([false, false, false]);
    } finally {
      await radar.close();
    }
  });

  it('PostgreSQL stores (one instance): watch list and artist', async () => {
    const { list, close } = await instances(1);
    try {
      const [a] = list as [{ stores: PostgresStores; radar: SceneRadar }];
      await a.radar.scenes.importCatalog(world.catalog);
      await a.radar.refresh();
      expect(await storedOnSecondCall(a.radar)).toEqual([false, true, false, true]);
      // The `last-refresh` row reads back as the same text, in and out of a transaction.
      const stamp = JSON.stringify(await a.stores.scenes.scenes_state.get({ name: 'last-refresh' }));
      const inside = await a.stores.scenes.transaction!(async (tx) =>
        JSON.stringify(await tx.scenes_state.get({ name: 'last-refresh' })),
      );
      expect(inside).toBe(stamp);
    } finally {
      await close();
    }
  });

  it('PostgreSQL, two instances: what one computed, the other is served', async () => {
    const { list, close } = await instances(2);
    try {
      const [a, b] = list as [Instance, Instance];
      await a.radar.scenes.importCatalog(world.catalog);
      await a.radar.refresh();
      expect((await a.radar.scenes.recommendScenes({ artistSlug: ARTIST })).stored).toBe(false);
      expect((await b.radar.scenes.recommendScenes({ artistSlug: ARTIST })).stored).toBe(true);
    } finally {
      await close();
    }
  });
});

describe('a read that fails inside the write', () => {
  it('the scenes_state read: the call succeeds, the list is not stored', async () => {
    const memory = createMemoryStores();
    const radar = await radarOver(memory);
    try {
      failingInside(memory.scenes, 'scenes_state');
      const r = await radar.scenes.recommendScenes();
      expect(r.items.length).toBeGreaterThan(0);
      expect(await memory.scenes.scene_recommendations_cache.count({ subject: 'watch' })).toBe(0);
    } finally {
      await radar.close();
    }
  });

  it('the scenes scan: the call fails (as a failed cache write already did)', async () => {
    const memory = createMemoryStores();
    const radar = await radarOver(memory);
    try {
      failingInside(memory.scenes, 'scenes');
      await expect(radar.scenes.recommendScenes()).rejects.toThrow(/scenes scan failed/);
    } finally {
      await radar.close();
    }
  });
});

describe('what the check misses', () => {
  it('FAULT: an import that moves microgenres only (scenes rows unchanged) is missed, the artist list over the old sound map is stored and served (src/scenes/recommendations.ts:189-193; fit reads microgenres at :123)', async () => {
    const { list, close } = await instances(2);
    try {
      const [a, b] = list as [
        { stores: PostgresStores; radar: SceneRadar },
        { stores: PostgresStores; radar: SceneRadar },
      ];
      await a.radar.scenes.importCatalog(world.catalog);
      await a.radar.refresh();
      const scenesBefore = JSON.stringify(await a.stores.scenes.scenes.scan());
      // A computes the artist's list; its cache write waits until B's import has committed.
      const held = holdTransaction(a.stores.scenes);
      const reading = a.radar.scenes.recommendScenes({ artistSlug: ARTIST });
      await bounded(held.reached, 'A reached its cache write');
      await b.radar.scenes.importCatalog(withoutPositions);
      held.release();
      const first = await bounded(reading, 'A read');
      expect(first.stored).toBe(false);
      // The scenes rows are those A read (they carry the catalog's own `updated_at`).
      expect(JSON.stringify(await a.stores.scenes.scenes.scan())).toBe(scenesBefore);
      // B is served what A stored, if anything: it must be the list over the sound map B imported.
      const served = await b.radar.scenes.recommendScenes({ artistSlug: ARTIST });
      // What the import's catalog gives, computed afresh.
      await b.stores.scenes.scene_recommendations_cache.deleteWhere({});
      const fresh = await b.radar.scenes.recommendScenes({ artistSlug: ARTIST });
      expect(fresh.stored).toBe(false);
      const fits = (r: typeof fresh): string[] => r.items.map((i) => `${i.scene_slug} ${i.fit}`);
      expect({ stored: served.stored, fits: fits(served) }).toEqual({ stored: served.stored, fits: fits(fresh) });
    } finally {
      await close();
    }
  });
});

describe('cost (logged, not asserted)', () => {
  it('scan + JSON.stringify of a 5,000-scene table, memory and PostgreSQL', async () => {
    const first = world.catalog.scenes[0]!;
    const scenes = Array.from({ length: 5000 }, (_, i) => ({ ...first, slug: `scene-${i}`, name: `Scene ${i}` }));
    const memory = createMemoryStores();
    await memory.scenes.microgenres.upsert(world.catalog.microgenres);
    await memory.scenes.scenes.upsert(scenes);
    const { list, close } = await instances(1);
    try {
      const [pg] = list as [Instance];
      await pg.stores.scenes.scenes.upsert(scenes);
      const figures: Record<string, string> = {};
      for (const [name, set] of [
        ['memory', memory.scenes],
        ['postgres', pg.stores.scenes],
      ] as const) {
        const rounds = 5;
        let scan = 0;
        let stringify = 0;
        let bytes = 0;
        for (let i = 0; i < rounds; i++) {
          const t0 = performance.now();
          const rows = await set.scenes.scan();
          const t1 = performance.now();
          bytes = JSON.stringify(rows).length;
          stringify += performance.now() - t1;
          scan += t1 - t0;
        }
        figures[name] =
          `scan ${(scan / rounds).toFixed(1)} ms, stringify ${(stringify / rounds).toFixed(1)} ms, ${bytes} chars`;
      }
      console.info('todays-changes-46 cost per scenes read (5,000 scenes):', JSON.stringify(figures));
      expect(Object.keys(figures)).toHaveLength(2);
    } finally {
      await close();
    }
  });
});

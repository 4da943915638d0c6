/**
 * Two radar instances refreshing one PostgreSQL schema at once (review 5): a refresh computed over
 * tables another instance's refresh replaced since is computed again, never written over it (an
 * older one a minute behind, within the clock skew, would have moved the tables back in time; a
 * newer one computed before an older one committed would have overwritten it as if it never ran),
 * and a reader instance says the refresh its records come from. From the review's notes:
 *
 * Hostile review, round 5: two radar instances (two `createSceneRadar` over two
 * `createPostgresStores`, each with its own pool) on ONE PostgreSQL schema, doing things at the same
 * time on a small demo world. What must hold: the tables end up as one consistent refresh (the same
 * as the refreshes run one after the other), a refresh that would move the tables back in time is
 * refused rather than reported as written, a process killed inside its refresh transaction leaves
 * nothing that blocks or corrupts the next refresh, and migrations racing each other or a refresh
 * are applied once and change nothing a refresh writes.
 *
 * Interleavings are forced, not left to timing: an instance's `transaction` is wrapped so that its
 * commit waits until the test lets it go, after the other instance has done its part.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createPostgresStores, migrate, type PostgresStores } from 'scene-radar/adapters/postgres';
import type { Table } from 'scene-radar/stores';
import { TEST_DATABASE_URL, type TestDatabase, testDatabase } from '../helpers/postgres.js';

const T1 = '2026-11-25T00:00:00.000Z';
const T2 = '2026-12-20T00:00:00.000Z';
/** The world of tests/fixtures/postgres-refresh-job.ts. */
const world = createDemoWorld({ seed: 5, artists: 60, scenes: 5, end: '2026-12-31' });

let db: TestDatabase | undefined;
const opened: PostgresStores[] = [];
const radars: SceneRadar[] = [];
// Each test's radars and pools are closed after it: kept to the end of the file, their idle
// connections added up towards the server's max_connections beside the other files' tests.
afterEach(async () => {
  for (const r of radars.splice(0)) await r.close().catch(() => undefined);
  for (const s of opened.splice(0)) await s.close();
});
afterAll(async () => {
  await db?.drop();
});

/** A fresh schema (a `review5` name of the test helper's, dropped after the file), migrated unless told. */
async function freshSchema(migrated = true): Promise<string> {
  db ??= await testDatabase();
  const schema = db.schemaName();
  if (migrated) await migrate({ pool: db.pool, schema });
  return schema;
}

/** One instance's stores: a pool of its own, as a separate process would have. */
function instanceStores(schema: string, options: { migrate?: boolean } = {}): PostgresStores {
  const stores = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 3 }, { schema, ...options });
  opened.push(stores);
  return stores;
}

function radarOn(stores: PostgresStores, at: string): SceneRadar {
  const radar = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(new Date(at)) });
  radars.push(radar);
  return radar;
}

/**
 * Every owned table, scanned whole, by name, as JSON. The refresh state's `id` (random per
 * refresh) is left out: two runs of the same refresh differ only there.
 */
async function tables(stores: PostgresStores): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const group of [stores.scenes, stores.talent])
    for (const [name, table] of Object.entries(group)) {
      // updated_at is the writing instance's clock, which differs between instances here.
      const rows = ((await (table as Table<unknown>).scan()) as Record<string, unknown>[]).map(
        ({ updated_at: _u, ...r }) => r,
      );
      out[name] = JSON.stringify(
        name === 'talent_radar_state'
          ? rows.map((r) => ({ ...r, value: { ...(r.value as Record<string, unknown>), id: undefined } }))
          : rows,
      );
    }
  return out;
}

/** What the same steps, run one after the other by one radar on a schema of their own, leave. */
async function serially(
  steps: ReadonlyArray<{ at: string; catalog?: typeof world.catalog }>,
): Promise<Record<string, string>> {
  const stores = instanceStores(await freshSchema());
  for (const step of steps) {
    const radar = radarOn(stores, step.at);
    if (step.catalog) await radar.scenes.importCatalog(step.catalog);
    else await radar.refresh();
    await radar.close();
  }
  return tables(stores);
}

/** Holds every `transaction` of a store set until `release()`; `reached` resolves at the first one. */
function holdCommits(set: object): { reached: Promise<void>; release(): void } {
  const transaction = (set as { transaction: (fn: unknown) => Promise<unknown> }).transaction;
  let release!: () => void;
  let reach!: () => void;
  const reached = new Promise<void>((r) => (reach = r));
  const released = new Promise<void>((r) => (release = r));
  Object.defineProperty(set, 'transaction', {
    configurable: true,
    value: async (fn: unknown) => {
      reach();
      await released;
      return transaction(fn);
    },
  });
  return { reached, release };
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`,
  );

const T1s = '2026-12-20T00:00:00.000Z';
const T2s = '2026-12-20T00:01:00.000Z';

describe('two instances refreshing one schema', () => {
  for (const engine of ['scenes', 'talent'] as const)
    it(`an older refresh (a minute behind, within the clock skew) committing its ${engine} writes after a newer refresh does not move the tables back`, async () => {
      const schema = await freshSchema();
      const newer = radarOn(instanceStores(schema), T2s);
      const olderStores = instanceStores(schema);
      const older = radarOn(olderStores, T1s);
      await newer.scenes.importCatalog(world.catalog);
      const held = holdCommits(olderStores[engine]);
      const olderRun = outcome(older.refresh());
      await held.reached;
      await newer.refresh();
      held.release();
      await olderRun;
      const now = await tables(instanceStores(schema));
      expect(new Set((JSON.parse(now.scene_memberships!) as { as_of: string }[]).map((m) => m.as_of))).toEqual(
        new Set([T2s]),
      );
      expect(new Set((JSON.parse(now.talent_radar_artists!) as { as_of: string }[]).map((m) => m.as_of))).toEqual(
        new Set([T2s]),
      );
      const cands = {
        t2: await serially([{ at: T2s, catalog: world.catalog }, { at: T2s }]),
        t1t2: await serially([{ at: T2s, catalog: world.catalog }, { at: T1s }, { at: T2s }]),
      };
      expect(Object.values(cands)).toContainEqual(now);
    }, 60_000);

  it('a newer refresh computed before an older one committed does not overwrite it as if it never ran', async () => {
    const schema = await freshSchema();
    const newerStores = instanceStores(schema);
    const newer = radarOn(newerStores, T2);
    const older = radarOn(instanceStores(schema), T1);
    await newer.scenes.importCatalog(world.catalog);
    const held = holdCommits(newerStores.scenes);
    const newerRun = outcome(newer.refresh());
    await held.reached;
    expect(await outcome(older.refresh())).toBe('ok');
    held.release();
    expect(await newerRun).toBe('ok');
    // Both reported success: the tables must be what T1 then T2 leave, one after the other.
    expect(await tables(instanceStores(schema))).toEqual(
      await serially([{ at: T1, catalog: world.catalog }, { at: T1 }, { at: T2 }]),
    );
  }, 60_000);

  it("another instance's top list and global pulse say the refresh their records are from", async () => {
    const schema = await freshSchema();
    const refresherClock = fixedClock(new Date(T1));
    const refresher = createSceneRadar({
      sources: world.sources,
      stores: instanceStores(schema),
      clock: refresherClock,
    });
    radars.push(refresher);
    const reader = radarOn(instanceStores(schema), T2);
    await refresher.scenes.importCatalog(world.catalog);
    await refresher.refresh();
    expect((await reader.talent.aggregator.getTopArtists({ category: 'rising', limit: 5 })).meta.asOf).toBe(T1);
    refresherClock.set(new Date(T2));
    await refresher.refresh();
    const top = await reader.talent.aggregator.getTopArtists({ category: 'rising', limit: 5, skipCache: true });
    const pulse = await reader.talent.aggregator.buildGlobalPulse({ skipCache: true });
    for (const a of top.artists ?? []) expect((a as { asOf?: string }).asOf ?? T2).toBe(T2);
    expect([top.meta.asOf, pulse.meta.asOf]).toEqual([T2, T2]);
  }, 60_000);
});

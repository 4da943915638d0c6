/**
 * Hostile review, round 5: two radar instances (two `createSceneRadar` over two
 * `createPostgresStores`, each with its own pool) on ONE PostgreSQL schema, doing things at the same
 * time on a small demo world. What must hold: the tables end up as one consistent refresh (the same
 * as the refreshes run one after the other), a refresh that would move the tables back in time is
 * refused rather than reported as written, a process killed inside its refresh transaction leaves
 * nothing that blocks or corrupts the next refresh, and migrations racing each other or a refresh
 * are applied once and change nothing a refresh writes. A refresh computed over tables another
 * instance's refresh replaced since is computed again, never written over it (an older one a minute
 * behind, within the clock skew, moved the tables back in time; a newer one computed before an
 * older one committed overwrote it as if it never ran), and a reader instance says the refresh its
 * records come from.
 *
 * Interleavings are forced, not left to timing: an instance's `transaction` is wrapped so that its
 * commit waits until the test lets it go, after the other instance has done its part.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createPostgresStores, migrate, type PostgresStores } from 'scene-radar/adapters/postgres';
import type { Table } from 'scene-radar/stores';
import { TEST_DATABASE_URL, type TestDatabase, testDatabase } from '../helpers/postgres.js';
import { tsEntry } from '../helpers/ts-entry.js';

const T1 = '2026-11-25T00:00:00.000Z';
const T2 = '2026-12-20T00:00:00.000Z';
const T3 = '2026-12-21T00:00:00.000Z';
const root = fileURLToPath(new URL('../..', import.meta.url));
/** The world of tests/fixtures/postgres-refresh-job.ts, so a child process refreshes the same one. */
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

/** A fresh schema (named by the test helper, dropped after the file), migrated unless told. */
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

/** What {@link tables} compares. */
interface TableOptions {
  /** Whether rows keep `updated_at`. @default true */
  readonly updatedAt?: boolean;
}

/**
 * Every owned table, scanned whole, by name, as JSON. The refresh state's `id` (random per
 * refresh) is left out: two runs of the same refresh differ only there.
 */
async function tables(stores: PostgresStores, options: TableOptions = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const group of [stores.scenes, stores.talent])
    for (const [name, table] of Object.entries(group)) {
      const scanned = (await (table as Table<unknown>).scan()) as Record<string, unknown>[];
      // `updatedAt: false`: updated_at is the writing instance's clock, which differs between instances with clocks apart.
      const rows = options.updatedAt === false ? scanned.map(({ updated_at: _u, ...row }) => row) : scanned;
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
  options: TableOptions = {},
): Promise<Record<string, string>> {
  const stores = instanceStores(await freshSchema());
  for (const step of steps) {
    const radar = radarOn(stores, step.at);
    if (step.catalog) await radar.scenes.importCatalog(step.catalog);
    else await radar.refresh();
    await radar.close();
  }
  return tables(stores, options);
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

describe('two instances on one schema: refreshes at the same time', () => {
  it('two refreshes at the same instant both succeed and leave one refresh, as one run alone', async () => {
    const schema = await freshSchema();
    const a = radarOn(instanceStores(schema), T2);
    const b = radarOn(instanceStores(schema), T2);
    await a.scenes.importCatalog(world.catalog);
    const [ra, rb] = await Promise.all([a.refresh(), b.refresh()]);
    expect([ra.scenes.asOf, rb.scenes.asOf, ra.talent.asOf, rb.talent.asOf]).toEqual([T2, T2, T2, T2]);
    expect(await tables(instanceStores(schema))).toEqual(
      await serially([{ at: T2, catalog: world.catalog }, { at: T2 }]),
    );
  }, 60_000);

  it('an older refresh (a day behind) committing after a newer one is refused, and the tables hold the newer one whole', async () => {
    const schema = await freshSchema();
    const newer = radarOn(instanceStores(schema), T2);
    const olderStores = instanceStores(schema);
    const older = radarOn(olderStores, T1);
    await newer.scenes.importCatalog(world.catalog);
    // The older computes first, then its commit waits until the newer has refreshed whole.
    const held = holdCommits(olderStores.scenes);
    const olderRun = outcome(older.refresh());
    await held.reached;
    await newer.refresh();
    held.release();
    expect(await olderRun).toMatch(
      /^SCENES_INVALID_PARAMS: Cannot refresh as of 2026-11-25T00:00:00.000Z: the last refresh was as of 2026-12-20/,
    );
    expect(await tables(instanceStores(schema))).toEqual(
      await serially([{ at: T2, catalog: world.catalog }, { at: T2 }]),
    );
  }, 60_000);

  it('a catalog imported by one instance while the other refreshes lands whole; the next refresh scores the new scenes', async () => {
    const schema = await freshSchema();
    const refresherStores = instanceStores(schema);
    const refresher = radarOn(refresherStores, T2);
    const importer = radarOn(instanceStores(schema), T2);
    const first = { scenes: world.catalog.scenes.slice(0, 3), microgenres: world.catalog.microgenres };
    await refresher.scenes.importCatalog(first);
    const held = holdCommits(refresherStores.scenes);
    const refreshing = outcome(refresher.refresh());
    await held.reached;
    // The import lands between the refresh's reads and its commit (the refresh computed over the old catalog).
    expect(await outcome(importer.scenes.importCatalog(world.catalog))).toBe('ok');
    held.release();
    expect(await refreshing).toBe('ok');
    const reader = instanceStores(schema);
    const scenes = new Set((await reader.scenes.scenes.scan()).map((s) => s.slug));
    expect(scenes.size).toBe(5);
    for (const m of await reader.scenes.scene_memberships.scan()) expect(scenes.has(m.scene_slug)).toBe(true);
    // The next refresh (on either instance) is the one that scores the new scenes, as in one process.
    const later = radarOn(instanceStores(schema), T3);
    await later.refresh();
    expect(await tables(reader)).toEqual(
      await serially([{ at: T2, catalog: first }, { at: T2 }, { at: T2, catalog: world.catalog }, { at: T3 }]),
    );
  }, 90_000);
});

describe('two instances on one schema: reads during a refresh', () => {
  it("reads on one instance while the other commits a refresh see every record of one refresh, never half of the other's", async () => {
    const schema = await freshSchema();
    const refresher = radarOn(instanceStores(schema), T1);
    await refresher.scenes.importCatalog(world.catalog);
    await refresher.refresh();
    const later = radarOn(instanceStores(schema), T2);
    const readerStores = instanceStores(schema);
    const reader = radarOn(readerStores, T2);
    const all = (await readerStores.talent.talent_radar_artists.scan()).map((r) => r.artist_slug);
    expect(all.length).toBeGreaterThan(0);
    let done = false;
    const refreshing = later.refresh().finally(() => (done = true));
    const seen = new Set<string>();
    let reads = 0;
    while (!done || reads < 3) {
      const [scores, memberships] = await Promise.all([
        reader.talent.aggregator.getArtistScores(all),
        readerStores.scenes.scene_memberships.scan(),
      ]);
      const instants = new Set(scores.artists.map((a) => a.as_of));
      // One statement, one snapshot: the records of one refresh, all of them.
      expect(instants.size).toBe(1);
      expect(scores.artists.length + scores.missing.length).toBe(all.length);
      expect(new Set(memberships.map((m) => m.as_of)).size).toBe(1);
      seen.add([...instants][0]!);
      reads++;
    }
    await refreshing;
    // A read that began before the commit may end after it with the old snapshot: one read after it.
    const after = await reader.talent.aggregator.getArtistScores(all);
    expect(new Set(after.artists.map((a) => a.as_of))).toEqual(new Set([T2]));
    expect(seen.size).toBeGreaterThan(0);
  }, 60_000);
});

describe('two instances on one schema: a process killed inside its refresh', () => {
  it("the other instance's refresh, waiting on the lock the killed one held, lands whole once it dies", async () => {
    const schema = await freshSchema();
    const stores = instanceStores(schema);
    const first = radarOn(stores, T1);
    await first.scenes.importCatalog(world.catalog);
    await first.refresh();
    // A child process refreshes as of T2 and stops inside the Scenes Engine's transaction, its
    // first write sent (uncommitted), holding the transaction lock.
    const child: ChildProcess = spawn(
      process.execPath,
      [...tsEntry('tests/fixtures/postgres-refresh-job.ts'), TEST_DATABASE_URL, schema, 'scenes', T2],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('IN_TRANSACTION\n')) resolve();
        });
        setTimeout(() => reject(new Error(`no IN_TRANSACTION in 30 s: ${out}`)), 30_000).unref();
        void exited.then(() => reject(new Error(`the child ended before its transaction: ${out}`)));
      });
      // This instance refreshes as of T2 too: it computes, then waits for the lock at its commit.
      const other = radarOn(instanceStores(schema), T2);
      let settled = false;
      const run = other.refresh().finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 1500));
      expect(settled).toBe(false);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const report = await run;
      expect([report.scenes.asOf, report.talent.asOf]).toEqual([T2, T2]);
    } finally {
      child.kill('SIGKILL');
    }
    // Nothing of the killed refresh is left: the tables are T1 then T2, run one after the other.
    expect(await tables(stores)).toEqual(await serially([{ at: T1, catalog: world.catalog }, { at: T1 }, { at: T2 }]));
  }, 90_000);
});

describe('two instances on one schema: a process frozen inside its refresh', () => {
  it("an instance stuck inside its refresh transaction is cut off after transactionIdleTimeoutMs: the other's refresh lands, the stuck one writes nothing", async () => {
    const schema = await freshSchema();
    const stuckStores = createPostgresStores(
      { connectionString: TEST_DATABASE_URL, max: 3 },
      { schema, transactionIdleTimeoutMs: 1000 },
    );
    opened.push(stuckStores);
    const stuck = radarOn(stuckStores, T2);
    await stuck.scenes.importCatalog(world.catalog);
    // Inside its refresh's Scenes Engine transaction, after its first write, the instance stops
    // (a frozen process, or one cut off without a reset: the server sees an idle transaction).
    const set = stuckStores.scenes as unknown as {
      transaction<T>(fn: (tx: Record<string, Table<unknown>>) => Promise<T>): Promise<T>;
    };
    const transaction = set.transaction.bind(set);
    let inside!: () => void;
    const reachedInside = new Promise<void>((r) => (inside = r));
    let resume!: () => void;
    const resumed = new Promise<void>((r) => (resume = r));
    Object.defineProperty(set, 'transaction', {
      configurable: true,
      value: <T>(fn: (tx: Record<string, Table<unknown>>) => Promise<T>) =>
        transaction((tx) => {
          const held: Record<string, Table<unknown>> = {};
          for (const [name, table] of Object.entries(tx))
            held[name] = {
              ...table,
              async upsert(rows) {
                await table.upsert(rows);
                inside();
                await resumed;
              },
            };
          return fn(held);
        }),
    });
    const stuckRun = outcome(stuck.refresh());
    await reachedInside;
    // The other instance's refresh waits for the lock the stuck one holds, then lands whole.
    const other = radarOn(instanceStores(schema), T3);
    const otherRun = outcome(other.refresh());
    const inTime = await Promise.race([
      otherRun,
      new Promise((r) => setTimeout(() => r('still waiting after 15 s'), 15_000)),
    ]);
    resume();
    expect(inTime).toBe('ok');
    expect(await stuckRun).toMatch(/^STORE_UNAVAILABLE: /);
    expect(await tables(instanceStores(schema))).toEqual(
      await serially([{ at: T2, catalog: world.catalog }, { at: T3 }]),
    );
  }, 60_000);
});

describe('transactionIdleTimeoutMs', () => {
  /** `idle_in_transaction_session_timeout` inside an import's transaction, on stores over `url` with `options`. */
  async function idleTimeoutInside(url: string, options: { transactionIdleTimeoutMs?: number }): Promise<string> {
    const schema = await freshSchema();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    let seen = '';
    const spy = {
      query: (text: string, values?: unknown[]) => pool.query(text, values),
      end: async () => undefined,
      async connect() {
        const client = await pool.connect();
        return {
          async query(text: string, values?: unknown[]) {
            const result = await client.query(text, values);
            // The first statement after the lock: the transaction's setting, as its statements run.
            if (/pg_advisory_xact_lock/.test(text))
              seen = (await client.query('SHOW idle_in_transaction_session_timeout')).rows[0]
                .idle_in_transaction_session_timeout;
            return result;
          },
          release: (err?: Error | boolean) => client.release(err),
        };
      },
    };
    const stores = createPostgresStores({ pool: spy }, { schema, ...options });
    try {
      await createSceneRadar({ sources: world.sources, stores, clock: fixedClock(new Date(T2)) }).scenes.importCatalog(
        world.catalog,
      );
    } finally {
      await stores.close();
      await pool.end();
    }
    return seen;
  }

  it('is 60 s by default, as set; a lower setting of the server is kept; 0 leaves the server setting', async () => {
    expect(await idleTimeoutInside(TEST_DATABASE_URL, {})).toBe('1min');
    expect(await idleTimeoutInside(TEST_DATABASE_URL, { transactionIdleTimeoutMs: 2500 })).toBe('2500ms');
    const lower = `${TEST_DATABASE_URL}?options=${encodeURIComponent('-c idle_in_transaction_session_timeout=700')}`;
    expect(await idleTimeoutInside(lower, {})).toBe('700ms');
    expect(await idleTimeoutInside(lower, { transactionIdleTimeoutMs: 0 })).toBe('700ms');
    expect(await idleTimeoutInside(TEST_DATABASE_URL, { transactionIdleTimeoutMs: 0 })).toBe('0');
  }, 60_000);

  it('refuses a value that is not a whole number of milliseconds from 0 to 2^31 - 1 (CONFIG_INVALID)', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 31, '1000' as unknown as number])
      expect(() =>
        createPostgresStores({ connectionString: TEST_DATABASE_URL }, { transactionIdleTimeoutMs: bad }),
      ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('two instances on one schema: migrations', () => {
  it('two instances with migrate: true importing at once migrate once; migrate() racing a refresh changes nothing it writes', async () => {
    const schema = await freshSchema(false);
    const a = instanceStores(schema, { migrate: true });
    const b = instanceStores(schema, { migrate: true });
    const ra = radarOn(a, T2);
    const rb = radarOn(b, T2);
    expect(
      await Promise.all([
        outcome(ra.scenes.importCatalog(world.catalog)),
        outcome(rb.scenes.importCatalog(world.catalog)),
      ]),
    ).toEqual(['ok', 'ok']);
    const { rows } = await db!.pool.query(`SELECT version FROM "${schema}".scene_radar_migrations ORDER BY version`);
    const versions = rows.map((r: { version: number }) => r.version);
    expect(new Set(versions).size).toBe(versions.length);
    const [refreshed, m1, m2] = await Promise.all([
      outcome(ra.refresh()),
      migrate({ connectionString: TEST_DATABASE_URL, schema }),
      migrate({ pool: db!.pool, schema }),
    ]);
    expect(refreshed).toBe('ok');
    expect([m1.applied, m2.applied]).toEqual([[], []]);
    expect(await tables(b)).toEqual(await serially([{ at: T2, catalog: world.catalog }, { at: T2 }]));
  }, 60_000);
});

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
      const now = await tables(instanceStores(schema), { updatedAt: false });
      expect(new Set((JSON.parse(now.scene_memberships!) as { as_of: string }[]).map((m) => m.as_of))).toEqual(
        new Set([T2s]),
      );
      expect(new Set((JSON.parse(now.talent_radar_artists!) as { as_of: string }[]).map((m) => m.as_of))).toEqual(
        new Set([T2s]),
      );
      const cands = {
        t2: await serially([{ at: T2s, catalog: world.catalog }, { at: T2s }], { updatedAt: false }),
        t1t2: await serially([{ at: T2s, catalog: world.catalog }, { at: T1s }, { at: T2s }], { updatedAt: false }),
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
    expect(await tables(instanceStores(schema), { updatedAt: false })).toEqual(
      await serially([{ at: T1, catalog: world.catalog }, { at: T1 }, { at: T2 }], { updatedAt: false }),
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

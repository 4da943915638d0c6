/**
 * Hostile review 27: the PostgreSQL stores under a host's configuration and beside other writers. A host hands the adapter
 * its own pool (with its own session settings), its own role (least privilege), its own schema name
 * and pool options; each of those must still give the answers the in-memory stores give, or a seed
 * code, never silently different data or a raw driver error.
 *
 * Every schema is one of the test helper's (random, dropped after the file); every pool opened
 * here is ended in a `finally`; the one role created is dropped after the file.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStores, migrate, type PostgresStores } from 'scene-radar/adapters/postgres';
import { createMemoryStores } from 'scene-radar/stores';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';

const database = fileTestDatabase();
const AT = '2026-12-20T00:00:00.000Z';

/** A pool of the host's own, with extra session settings (`-c name=value` startup options). */
function hostPool(options: string, max = 2): pg.Pool {
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000, max, options });
  pool.on('error', () => undefined);
  return pool;
}

/** The outcome of a promise, settled: `{ ok, value }` or `{ ok: false, error }`. */
async function outcome<T>(
  p: Promise<T> | (() => Promise<T>),
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await (typeof p === 'function' ? p() : p) };
  } catch (error) {
    return { ok: false, error };
  }
}

const codeOf = (e: unknown): unknown => (e as { code?: unknown } | null)?.code;

describe('a host pool with its own session settings', () => {
  // KNOWN, LEFT OPEN (`it.fails`: it passes while the difference is there): the adapter's own pool
  // sets extra_float_digits = 3 on its connections; a host's pool keeps its sessions' setting, and
  // one below 1 prints 15 digits (docs/persistence.md asks hosts to keep PostgreSQL's default, 1).
  // Reading every float through float8send would cost every read; left for a measured change.
  it.fails('KNOWN, LEFT OPEN: floats read back exactly when the host session sets extra_float_digits = 0 (as memory returns them)', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const pool = hostPool('-c extra_float_digits=0', 1);
    const stores = createPostgresStores({ pool }, { schema });
    const memory = createMemoryStores();
    const rows = [
      { slug: 'a-sum', name: 'A', x: 0.1 + 0.2, y: 1 / 3, updated_at: AT },
      { slug: 'b-edge', name: 'B', x: Number.MAX_VALUE, y: 5e-324, updated_at: AT },
      { slug: 'c-pi', name: 'C', x: Math.PI, y: -Math.E, updated_at: AT },
    ];
    try {
      await stores.scenes.microgenres.upsert(rows);
      await memory.scenes.microgenres.upsert(rows);
      const fromPg = await stores.scenes.microgenres.scan();
      const fromMemory = await memory.scenes.microgenres.scan();
      expect(fromPg).toEqual(fromMemory);
      // And an equality filter on what was read finds the row again.
      expect(await stores.scenes.microgenres.count({ x: fromMemory[0]!.x })).toBe(1);
    } finally {
      await stores.close();
      await pool.end();
    }
  });

  it('two transactions on one key take turns on a host pool whose default isolation is serializable: both commit, the later one wins', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const poolA = hostPool('-c default_transaction_isolation=serializable', 1);
    const poolB = hostPool('-c default_transaction_isolation=serializable', 1);
    const a = createPostgresStores({ pool: poolA }, { schema });
    const b = createPostgresStores({ pool: poolB }, { schema });
    const row = (name: string) => ({ slug: 'shared-genre', name, x: null, y: null, updated_at: AT });
    try {
      await a.scenes.microgenres.upsert([row('before')]);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let aWrote!: () => void;
      const wroteA = new Promise<void>((r) => (aWrote = r));
      const first = outcome(
        a.scenes.transaction!(async (t) => {
          await t.microgenres.upsert([row('from a')]);
          aWrote();
          await gate;
        }),
      );
      await wroteA;
      // B begins while A holds the engine's lock: it waits on it, then writes the same key.
      const second = outcome(b.scenes.transaction!(async (t) => t.microgenres.upsert([row('from b')])));
      const deadline = Date.now() + 5000;
      for (;;) {
        const { rows } = await db.pool.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND query LIKE '%pg_advisory_xact_lock%'",
        );
        if (rows[0].n > 0 || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      release();
      const [ra, rb] = await Promise.all([first, second]);
      expect(ra.ok).toBe(true);
      // Serialized by the lock, as the in-memory transactions are: no raw 40001 "could not serialize".
      expect(rb.ok ? 'committed' : `${String(codeOf(rb.error))}: ${String((rb.error as Error).message)}`).toBe(
        'committed',
      );
      expect((await a.scenes.microgenres.get({ slug: 'shared-genre' }))?.name).toBe('from b');
    } finally {
      await a.close();
      await b.close();
      await poolA.end();
      await poolB.end();
    }
  });
});

describe('a host role with least privilege', () => {
  const role = `sr_rev27_${randomBytes(4).toString('hex')}`;
  let created = false;
  afterAll(async () => {
    if (!created) return;
    const db = await database();
    await db.pool.query(`DROP OWNED BY ${role}`).catch(() => undefined);
    await db.pool.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  });

  it('migrate: true (and migrate()) on a schema already current needs no CREATE on the database: nothing to apply, nothing refused', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    await db.pool.query(`CREATE ROLE ${role} LOGIN`);
    created = true;
    await db.pool.query(`GRANT USAGE ON SCHEMA "${schema}" TO ${role}`);
    await db.pool.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${schema}" TO ${role}`);
    const url = new URL(TEST_DATABASE_URL);
    url.username = role;
    const pool = new pg.Pool({ connectionString: url.toString(), connectionTimeoutMillis: 5000, max: 1 });
    pool.on('error', () => undefined);
    const stores = createPostgresStores({ pool }, { schema, migrate: true });
    try {
      // The role can read and write every table (the check without migrate: true passes)...
      const plain = createPostgresStores({ pool }, { schema });
      await plain.ready();
      await plain.scenes.microgenres.upsert([{ slug: 'ok', name: 'ok', x: null, y: null, updated_at: AT }]);
      // ...so with nothing to apply, migrating must not ask for the right to create a schema.
      const ready = await outcome(stores.ready());
      expect(ready.ok ? 'ready' : `${String(codeOf(ready.error))}: ${String((ready.error as Error).message)}`).toBe(
        'ready',
      );
      const again = await outcome(migrate({ pool, schema }));
      expect(again.ok ? again.value.applied : `${String(codeOf(again.error))}`).toEqual([]);
    } finally {
      await stores.close();
      await pool.end();
    }
  });
});

describe('configuration a host passes', () => {
  it('a schema that is not a string is CONFIG_INVALID, not a TypeError from quoting it', async () => {
    const db = await database();
    for (const schema of [42, { name: 'radar' }, ['radar']]) {
      const result = await outcome(async () => {
        const stores = createPostgresStores({ pool: db.pool, schema: schema as never });
        try {
          await stores.ready();
        } finally {
          await stores.close();
        }
      });
      expect(result.ok).toBe(false);
      expect(codeOf(!result.ok && result.error)).toBe('CONFIG_INVALID');
    }
  });

  it('pool options that cannot work (a negative max, a negative or NaN connect timeout) are CONFIG_INVALID, not STORE_UNAVAILABLE blaming the server or no timeout at all', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const open = async (options: { max?: number; connectionTimeoutMillis?: number }) => {
      let stores: PostgresStores | undefined;
      const result = await outcome(async () => {
        stores = createPostgresStores(
          { connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 1000, max: 1, ...options },
          { schema },
        );
        await stores.ready();
      });
      await stores?.close();
      return result.ok ? 'resolved' : codeOf(result.error);
    };
    // Guard: the same stores with sound options are ready.
    expect(await open({})).toBe('resolved');
    for (const options of [{ max: -1 }, { connectionTimeoutMillis: -1 }, { connectionTimeoutMillis: Number.NaN }])
      expect({ options, code: await open(options) }).toEqual({ options, code: 'CONFIG_INVALID' });
  }, 20_000);
});

/**
 * Polls until `sql` (a count) is above 0, for at most 5 s; throws past that, so a test never goes on
 * from a sync point that was not reached. The counts name this test's own schema: other test files
 * run against the same database at the same time, and their lock waits must not count here.
 */
async function until(pool: pg.Pool, sql: string, values: unknown[] = []): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const { rows } = await pool.query(sql, values);
    if (rows[0].n > 0) return;
    if (Date.now() > deadline) throw new Error(`sync point not reached in 5 s: ${sql}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sessions waiting on the two-key advisory lock (`key1`, hashtext(`key2`)). */
const ADVISORY_WAITS =
  "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 2 AND classid::bigint = $1 AND objid::bigint = (hashtext($2)::bigint & 4294967295)";

/** Whether `p` settles within `ms`. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const settled = p.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('shutdown and failover', () => {
  // An expected failure until 2026-12-06: the stores waited for the lock in one blocking call, and
  // pool.end() waited for it. They now wait in slices (lock_timeout) that close() can end.
  it("close() while ready() waits on another instance's migration lock ends the pool at once; ready() rejects RADAR_CLOSED", async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    // Another instance is migrating this schema (it holds the migration lock, as migrate() does).
    const other = await db.pool.connect();
    await other.query('SELECT pg_advisory_lock($1, hashtext($2))', [0x7363_656e, schema]);
    const stores = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema, migrate: true });
    const ready = outcome(stores.ready());
    try {
      await until(db.pool, ADVISORY_WAITS, [0x7363_656e, schema]);
      // A shutdown (SIGTERM) now: the stores must close, not wait for the other instance.
      const closing = stores.close();
      expect(await settlesWithin(closing, 3000)).toBe(true);
      const result = await ready;
      expect(result.ok ? 'resolved' : codeOf(result.error)).toBe('RADAR_CLOSED');
    } finally {
      await other.query('SELECT pg_advisory_unlock($1, hashtext($2))', [0x7363_656e, schema]).catch(() => undefined);
      other.release();
      await ready;
      await stores.close();
    }
  }, 20_000);

  it('a write refused by a read-only server (a standby after a failover: SQLSTATE 25006) is STORE_UNAVAILABLE, not a raw driver error', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const pool = hostPool('-c default_transaction_read_only=on', 1);
    const stores = createPostgresStores({ pool }, { schema });
    try {
      // Reads are served...
      expect(await stores.scenes.microgenres.count()).toBe(0);
      // ...a write cannot be, until the server takes writes again: the store is unavailable for it.
      const written = await outcome(
        stores.scenes.microgenres.upsert([{ slug: 'ro', name: 'ro', x: null, y: null, updated_at: AT }]),
      );
      expect(written.ok ? 'written' : codeOf(written.error)).toBe('STORE_UNAVAILABLE');
      const tx = await outcome(stores.scenes.transaction!((t) => t.microgenres.deleteWhere({})));
      expect(tx.ok ? 'written' : codeOf(tx.error)).toBe('STORE_UNAVAILABLE');
    } finally {
      await stores.close();
      await pool.end();
    }
  });
});

describe('JSON values at their limits', () => {
  it('a state value nested 20,000 deep: PostgreSQL answers as memory does (both store it, or both refuse it as an invalid row)', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const stores = createPostgresStores({ pool: db.pool }, { schema });
    const memory = createMemoryStores();
    let v: unknown = 1;
    for (let i = 0; i < 20_000; i++) v = [v];
    const row = { name: 'deep', value: { v } as never, updated_at: AT };
    const describeOutcome = (o: Awaited<ReturnType<typeof outcome>>): string =>
      o.ok
        ? 'stored'
        : o.error instanceof TypeError
          ? 'invalid row'
          : `${(o.error as Error).name}: ${String(codeOf(o.error) ?? (o.error as Error).message)}`;
    try {
      const inMemory = describeOutcome(await outcome(memory.talent.talent_radar_state.upsert([row])));
      const inPg = describeOutcome(await outcome(stores.talent.talent_radar_state.upsert([row])));
      expect(inPg).toBe(inMemory);
      expect(inPg).toMatch(/^(stored|invalid row)$/);
    } finally {
      await stores.close();
    }
  }, 30_000);
});

describe('a transaction and a plain write crossing on two keys', () => {
  it('a plain upsert meeting a transaction in the other key order (a deadlock the server breaks) does not surface as raw SQLSTATE 40P01', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const a = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    const b = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    const cached = (scene_slug: string, by: string) => ({
      subject: 'subject-1',
      scene_slug,
      rank: by === 'a' ? 1 : 2,
      score: 0.5,
      fit: 0.5,
      heat: 50,
      reasons: [by],
      computed_at: AT,
      expires_at: AT,
    });
    try {
      await a.scenes.scene_recommendations_cache.upsert([cached('scene-one', 'seed'), cached('scene-two', 'seed')]);
      let wroteOne!: () => void;
      const one = new Promise<void>((r) => (wroteOne = r));
      let goOn!: () => void;
      const go = new Promise<void>((r) => (goOn = r));
      // A: one transaction writing scene-one, then scene-two.
      const txA = outcome(
        a.scenes.transaction!(async (t) => {
          await t.scene_recommendations_cache.upsert([cached('scene-one', 'a')]);
          wroteOne();
          await go;
          await t.scene_recommendations_cache.upsert([cached('scene-two', 'a')]);
        }),
      );
      await one;
      // B: one plain upsert of both, scene-two given first. Until the upsert wrote in key order
      // (now it waits on scene-one holding nothing), it locked scene-two and waited on scene-one,
      // a deadlock whose victim depended on timing: on a loaded machine it was A's transaction.
      const plainB = outcome(
        b.scenes.scene_recommendations_cache.upsert([cached('scene-two', 'b'), cached('scene-one', 'b')]),
      );
      await until(
        db.pool,
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'transactionid' AND position($1 in query) > 0",
        [`"${schema}"`],
      );
      // Past the server's deadlock_timeout (1 s) before A goes on, as on the loaded CI machine that
      // failed: B's one deadlock check then found no cycle and A's found one, A the victim.
      await new Promise((r) => setTimeout(r, 1500));
      goOn();
      const [ra, rb] = await Promise.all([txA, plainB]);
      // In memory both writes land, one after the other; here neither may fail with the server's raw deadlock error.
      const said = (o: Awaited<ReturnType<typeof outcome>>): unknown => (o.ok ? 'resolved' : codeOf(o.error));
      expect([said(ra), said(rb)]).toEqual(['resolved', 'resolved']);
      const rows = await a.scenes.scene_recommendations_cache.scan();
      // One serial order or the other: both rows from the same writer.
      expect(new Set(rows.map((r) => r.reasons[0])).size).toBe(1);
    } finally {
      await a.close();
      await b.close();
    }
  }, 20_000);
});

describe('guards', () => {
  it('guard: on a plain pool, a transaction that waited on the engine lock reads what the holder committed (read committed across the lock)', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const a = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    const b = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    try {
      let wrote!: () => void;
      const written = new Promise<void>((r) => (wrote = r));
      let letGo!: () => void;
      const gate = new Promise<void>((r) => (letGo = r));
      const first = a.scenes.transaction!(async (t) => {
        await t.microgenres.upsert([{ slug: 'seen', name: 'by a', x: 1, y: 2, updated_at: AT }]);
        wrote();
        await gate;
      });
      await written;
      const second = b.scenes.transaction!(async (t) => t.microgenres.get({ slug: 'seen' }));
      await until(db.pool, ADVISORY_WAITS, [0x7363_7478, `${schema}:scenes`]);
      letGo();
      await first;
      expect((await second)?.name).toBe('by a');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('guard: pool options at their valid edges (max 1, connectionTimeoutMillis 0 = none, 2^31 - 1) are accepted', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    for (const options of [
      { max: 1 },
      { max: 1, connectionTimeoutMillis: 0 },
      { max: 1, connectionTimeoutMillis: 2 ** 31 - 1 },
    ]) {
      const stores = createPostgresStores({ connectionString: TEST_DATABASE_URL, ...options }, { schema });
      try {
        await stores.ready();
        expect(await stores.scenes.scenes.count()).toBe(0);
      } finally {
        await stores.close();
      }
    }
  });

  it('guard: migrate() still creates a schema that does not exist yet, and a second run applies nothing', async () => {
    const db = await database();
    const schema = db.schemaName();
    const first = await migrate({ pool: db.pool, schema });
    expect(first.from).toBe(0);
    expect(first.applied.length).toBe(first.to);
    const second = await migrate({ pool: db.pool, schema });
    expect(second).toEqual({ schema, from: first.to, to: first.to, applied: [] });
  });
});

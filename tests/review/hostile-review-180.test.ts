/**
 * Hostile review 180: lock order and deadlocks on the PostgreSQL stores, against a real server.
 * Commit 6106a07 makes every `upsert` write its rows in one order (the JSON of their key values),
 * split into statements or not, so that two writers of the same keys meet in the same order. This
 * file checks what that order covers and what it does not: a plain `deleteWhere` (which locks rows
 * in the heap's order, not the key order) and a plain `delete(keys)` (the caller's order) each
 * crossing a transaction that writes in key order; the SDK's own refresh commit (`deleteWhere({})`
 * on the recommendations cache) crossing a read path's plain `deleteWhere({ subject })`; a host
 * transaction writing against key order (the victim then, mapped to STORE_UNAVAILABLE); two
 * transactions of one engine (a refresh's commit and a read path's cache write) taking turns on
 * the engine's advisory lock rather than deadlocking.
 *
 * Interleavings are forced with promises and `pg_stat_activity` / `pg_locks` polling; where the
 * victim of a deadlock matters, the test waits past the server's deadlock_timeout (1 s) before the
 * second writer closes the cycle, so the first waiter's one deadlock check finds nothing and the
 * second's finds the cycle (as review 27's crossing test does). Every schema is the helper's
 * (random, dropped after the file); every store set opened here is closed in a `finally`.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: every write of a
 * table locks its rows in key order, the order of the table's `ORDER BY` key in SQL: an upsert
 * sorts its rows so, and `delete` and `deleteWhere` first select their rows `ORDER BY` key
 * `FOR UPDATE`).
 */
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPostgresStores, migrate } from 'scene-radar/adapters/postgres';
import { createMemoryStores } from 'scene-radar/stores';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';

const database = fileTestDatabase();
const AT = '2026-12-20T00:00:00.000Z';

/** The outcome of a promise, settled. */
async function outcome<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

const codeOf = (e: unknown): unknown => (e as { code?: unknown } | null)?.code;
const causeCodeOf = (e: unknown): unknown => codeOf((e as { cause?: unknown } | null)?.cause);
const said = (o: { ok: boolean; error?: unknown }): unknown => (o.ok ? 'resolved' : codeOf(o.error));

/** Polls until `sql`'s first row has `n > 0` (5 s at most). */
async function until(pool: pg.Pool, sql: string, values: unknown[] = []): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const { rows } = await pool.query(sql, values);
    if ((rows[0] as { n: number }).n > 0) return;
    if (Date.now() > deadline) throw new Error(`sync point not reached in 5 s: ${sql}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sessions of `schema` waiting on another transaction's row (a statement naming the schema). */
const ROW_WAITS =
  "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'transactionid' AND position($1 in query) > 0";

/** Sessions waiting on the two-key advisory lock (`key1`, hashtext(`key2`)). */
const ADVISORY_WAITS =
  "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 2 AND classid::bigint = $1 AND objid::bigint = (hashtext($2)::bigint & 4294967295)";
/** "sctx": the first key of the engines' transaction lock (adapters/postgres/stores.ts). */
const ENGINE_LOCK_CLASS = 0x7363_7478;

/** Past the server's deadlock_timeout (1 s): the first waiter's one deadlock check has run. */
const pastDeadlockTimeout = (): Promise<void> => new Promise((r) => setTimeout(r, 1500));

const cached = (scene_slug: string, by: string, subject = 'subject-1') => ({
  subject,
  scene_slug,
  rank: 1,
  score: 0.5,
  fit: 0.5,
  heat: 50,
  reasons: [by],
  computed_at: AT,
  expires_at: AT,
});

/** A latch: `open()` resolves `opened`. */
function latch(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

describe('a plain deleteWhere crossing a transaction that writes in key order', () => {
  // The fix orders an upsert's rows by key; `deleteWhere` (`DELETE FROM t WHERE ...`, table.ts
  // deleteWhere) locks the rows it matches in the order the plan reads them: a sequential scan's,
  // the heap's, which is the order rows were written (and rewritten), not the key order. A host's
  // transaction writing scene-one then scene-two (key order, as the fix asks) then meets a plain
  // deleteWhere that locked scene-two first and waits on scene-one: a deadlock, and when the
  // transaction closes the cycle it is the victim (STORE_UNAVAILABLE, cause 40P01). The plain
  // statement would be run again; the host's transaction is not. In memory both land, one after
  // the other.
  it('FAULT: deleteWhere locks in heap order, not key order, and a transaction writing in key order is its deadlock victim (adapters/postgres/table.ts:413)', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const a = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    const b = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    try {
      // Heap order: scene-two, then scene-one (two statements, in that order).
      await a.scenes.scene_recommendations_cache.upsert([cached('scene-two', 'seed')]);
      await a.scenes.scene_recommendations_cache.upsert([cached('scene-one', 'seed')]);
      const wroteOne = latch();
      const go = latch();
      const txA = outcome(
        a.scenes.transaction!(async (t) => {
          await t.scene_recommendations_cache.upsert([cached('scene-one', 'a')]);
          wroteOne.open();
          await go.opened;
          await t.scene_recommendations_cache.upsert([cached('scene-two', 'a')]);
        }),
      );
      await wroteOne.opened;
      // B: a plain deleteWhere of the subject: it locks scene-two (first in the heap) and waits on
      // scene-one, which A holds.
      const plainB = outcome(b.scenes.scene_recommendations_cache.deleteWhere({ subject: 'subject-1' }));
      await until(db.pool, ROW_WAITS, [`"${schema}"`]);
      await pastDeadlockTimeout();
      go.open();
      const [ra, rb] = await Promise.all([txA, plainB]);
      const found = { a: said(ra), aCause: ra.ok ? undefined : causeCodeOf(ra.error), b: said(rb) };
      // The correct outcome: both resolve, as in memory (one serial order or the other).
      expect(found).toEqual({ a: 'resolved', aCause: undefined, b: 'resolved' });
    } finally {
      await a.close();
      await b.close();
    }
  }, 20_000);

  it('in memory the same two writes both land (the behaviour the PostgreSQL stores should match)', async () => {
    const m = createMemoryStores();
    await m.scenes.scene_recommendations_cache.upsert([cached('scene-two', 'seed'), cached('scene-one', 'seed')]);
    const wroteOne = latch();
    const go = latch();
    const txA = outcome(
      m.scenes.transaction!(async (t) => {
        await t.scene_recommendations_cache.upsert([cached('scene-one', 'a')]);
        wroteOne.open();
        await go.opened;
        await t.scene_recommendations_cache.upsert([cached('scene-two', 'a')]);
      }),
    );
    await wroteOne.opened;
    const plainB = outcome(m.scenes.scene_recommendations_cache.deleteWhere({ subject: 'subject-1' }));
    go.open();
    const [ra, rb] = await Promise.all([txA, plainB]);
    expect([said(ra), said(rb)]).toEqual(['resolved', 'resolved']);
  });
});

describe('a plain delete of keys crossing a transaction that writes in key order', () => {
  // `delete(keys)` (`DELETE ... USING unnest(keys)`, table.ts delete) is planned, on a table of
  // some size, as a nested loop over the unnest, the caller's order, with an index probe per key:
  // unlike `upsert` since 6106a07, the keys are not sorted. A plain delete given scene-two first
  // locks it and waits on scene-one, held by a transaction writing in key order, which then waits
  // on scene-two: the transaction is the victim. The two rows are written in key order here (heap
  // order = key order), so only the caller's order can cross. (On a table of a few rows the
  // planner scans the heap instead, the deleteWhere case above.)
  it("FAULT: delete(keys) locks in the caller's order, not key order, and a transaction writing in key order is its deadlock victim (adapters/postgres/table.ts:398-403)", async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const a = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    const b = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    try {
      await a.scenes.scene_recommendations_cache.upsert([cached('scene-one', 'seed')]);
      await a.scenes.scene_recommendations_cache.upsert([cached('scene-two', 'seed')]);
      // A cache of a realistic size (other subjects' rankings), its statistics current: the
      // planner then probes the primary key once per key asked, in the order asked.
      await a.scenes.scene_recommendations_cache.upsert(
        Array.from({ length: 3000 }, (_, i) =>
          cached(`scene-${String(i).padStart(4, '0')}`, 'other', `subject-${i % 30}x`),
        ),
      );
      await db.pool.query(`ANALYZE "${schema}".scene_recommendations_cache`);
      const wroteOne = latch();
      const go = latch();
      const txA = outcome(
        a.scenes.transaction!(async (t) => {
          await t.scene_recommendations_cache.upsert([cached('scene-one', 'a')]);
          wroteOne.open();
          await go.opened;
          await t.scene_recommendations_cache.upsert([cached('scene-two', 'a')]);
        }),
      );
      await wroteOne.opened;
      const plainB = outcome(
        b.scenes.scene_recommendations_cache.delete([
          { subject: 'subject-1', scene_slug: 'scene-two' },
          { subject: 'subject-1', scene_slug: 'scene-one' },
        ]),
      );
      await until(db.pool, ROW_WAITS, [`"${schema}"`]);
      await pastDeadlockTimeout();
      go.open();
      const [ra, rb] = await Promise.all([txA, plainB]);
      const found = { a: said(ra), aCause: ra.ok ? undefined : causeCodeOf(ra.error), b: said(rb) };
      // The correct outcome: both resolve, as in memory (one serial order or the other).
      expect(found).toEqual({ a: 'resolved', aCause: undefined, b: 'resolved' });
    } finally {
      await a.close();
      await b.close();
    }
  }, 20_000);
});

describe("the SDK's own two cache deletes crossing: a refresh's commit and a read path's plain delete", () => {
  // A refresh's commit empties the cache (engine.ts #refreshWrites: `deleteWhere({})`, staged and
  // written by the commit transaction); a recommendations read that found its write outdated
  // deletes its subject's rows with a plain `deleteWhere({ subject })` (recommendations.ts:187),
  // outside the engine lock. On a cache of some size the first is a sequential scan (heap order),
  // the second an index scan (key order): two single statements locking the subject's rows in
  // opposite orders. A third session holding a row of another subject freezes the refresh's scan
  // between the two rows (as a slow page read would): the refresh's commit is then the deadlock
  // victim, STORE_UNAVAILABLE, and the whole refresh fails; in memory both land.
  it("FAULT: a refresh commit's deleteWhere({}) and a read's plain deleteWhere({ subject }) lock the cache in opposite orders; the refresh is the deadlock victim (adapters/postgres/table.ts:413, src/scenes/recommendations.ts:187)", async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const a = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    const b = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    const blocker = await db.pool.connect();
    let blocking = false;
    try {
      // Heap order: subject-1's scene-two, another subject's row, subject-1's scene-one, then a
      // cache of realistic size (statistics current: the subject's delete probes the index).
      await a.scenes.scene_recommendations_cache.upsert([cached('scene-two', 'seed')]);
      await a.scenes.scene_recommendations_cache.upsert([cached('scene-middle', 'seed', 'subject-0')]);
      await a.scenes.scene_recommendations_cache.upsert([cached('scene-one', 'seed')]);
      await a.scenes.scene_recommendations_cache.upsert(
        Array.from({ length: 3000 }, (_, i) =>
          cached(`scene-${String(i).padStart(4, '0')}`, 'other', `subject-${i % 30}x`),
        ),
      );
      await db.pool.query(`ANALYZE "${schema}".scene_recommendations_cache`);
      await blocker.query('BEGIN');
      blocking = true;
      await blocker.query(
        `SELECT 1 FROM "${schema}".scene_recommendations_cache WHERE subject = 'subject-0' AND scene_slug = 'scene-middle' FOR UPDATE`,
      );
      // The refresh's commit: locks scene-two, waits on the blocker's row.
      const refresh = outcome(
        a.scenes.transaction!(async (t) => {
          await t.scene_recommendations_cache.deleteWhere({});
        }),
      );
      await until(db.pool, ROW_WAITS, [`"${schema}"`]);
      // The read's plain delete. As reviewed: it locks scene-one (first in key order) and waits on
      // scene-two. Since both deletes lock in key order, the refresh waits on the blocker's row
      // (first in key order) holding none of subject-1's, and the read goes through: wait for the
      // read to end or for the two waits, whichever comes.
      let readEnded = false;
      const read = outcome(b.scenes.scene_recommendations_cache.deleteWhere({ subject: 'subject-1' })).then((o) => {
        readEnded = true;
        return o;
      });
      const deadline = Date.now() + 5000;
      for (;;) {
        const { rows } = await db.pool.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'transactionid' AND position($1 in query) > 0",
          [`"${schema}"`],
        );
        if (readEnded || (rows[0] as { n: number }).n >= 2) break;
        if (Date.now() > deadline) throw new Error('sync point not reached in 5 s: the read neither ended nor waited');
        await new Promise((r) => setTimeout(r, 20));
      }
      await pastDeadlockTimeout();
      await blocker.query('ROLLBACK');
      blocking = false;
      const [rr, rd] = await Promise.all([refresh, read]);
      const found = { refresh: said(rr), cause: rr.ok ? undefined : causeCodeOf(rr.error), read: said(rd) };
      expect(found).toEqual({ refresh: 'resolved', cause: undefined, read: 'resolved' });
    } finally {
      if (blocking) await blocker.query('ROLLBACK').catch(() => undefined);
      blocker.release();
      await a.close();
      await b.close();
    }
  }, 20_000);
});

describe('what the key order covers and what it leaves to the host', () => {
  it('a host transaction writing against key order is the victim of a crossing plain upsert: STORE_UNAVAILABLE (cause 40P01), none of it written, the plain write whole', async () => {
    // 6106a07 sorts the rows of one upsert call; a transaction's statements run in the order the
    // host calls them. Writing scene-two then scene-one crosses any sorted multi-row upsert of both.
    // Pinned: the error is the store's code (not the raw SQLSTATE), and neither write is half done.
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const a = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    const b = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    try {
      await a.scenes.scene_recommendations_cache.upsert([cached('scene-one', 'seed'), cached('scene-two', 'seed')]);
      const wroteTwo = latch();
      const go = latch();
      const txA = outcome(
        a.scenes.transaction!(async (t) => {
          await t.scene_recommendations_cache.upsert([cached('scene-two', 'a')]);
          wroteTwo.open();
          await go.opened;
          await t.scene_recommendations_cache.upsert([cached('scene-one', 'a')]);
        }),
      );
      await wroteTwo.opened;
      // B, sorted: locks scene-one, waits on scene-two (A's).
      const plainB = outcome(
        b.scenes.scene_recommendations_cache.upsert([cached('scene-two', 'b'), cached('scene-one', 'b')]),
      );
      await until(db.pool, ROW_WAITS, [`"${schema}"`]);
      await pastDeadlockTimeout();
      go.open();
      const [ra, rb] = await Promise.all([txA, plainB]);
      expect({ a: said(ra), aCause: ra.ok ? undefined : causeCodeOf(ra.error), b: said(rb) }).toEqual({
        a: 'STORE_UNAVAILABLE',
        aCause: '40P01',
        b: 'resolved',
      });
      const rows = await a.scenes.scene_recommendations_cache.scan();
      expect(rows.map((r) => [r.scene_slug, r.reasons[0]])).toEqual([
        ['scene-one', 'b'],
        ['scene-two', 'b'],
      ]);
    } finally {
      await a.close();
      await b.close();
    }
  }, 20_000);

  it('two plain upserts of the same keys given in opposite orders, queued behind a transaction, both land (one order for both)', async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const a = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    const b = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    const c = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    try {
      await a.scenes.scene_recommendations_cache.upsert([
        cached('scene-one', 'seed'),
        cached('scene-two', 'seed'),
        cached('scene-three', 'seed'),
      ]);
      const held = latch();
      const release = latch();
      // A holds scene-two (the middle key) so that both plain writers are mid-statement at once.
      const txA = outcome(
        a.scenes.transaction!(async (t) => {
          await t.scene_recommendations_cache.upsert([cached('scene-two', 'a')]);
          held.open();
          await release.opened;
        }),
      );
      await held.opened;
      const plainB = outcome(
        b.scenes.scene_recommendations_cache.upsert([
          cached('scene-two', 'b'),
          cached('scene-three', 'b'),
          cached('scene-one', 'b'),
        ]),
      );
      await until(db.pool, ROW_WAITS, [`"${schema}"`]);
      const plainC = outcome(
        c.scenes.scene_recommendations_cache.upsert([
          cached('scene-one', 'c'),
          cached('scene-three', 'c'),
          cached('scene-two', 'c'),
        ]),
      );
      await until(
        db.pool,
        "SELECT (count(*) >= 2)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND position($1 in query) > 0",
        [`"${schema}"`],
      );
      await pastDeadlockTimeout();
      release.open();
      const results = await Promise.all([txA, plainB, plainC]);
      expect(results.map(said)).toEqual(['resolved', 'resolved', 'resolved']);
      const rows = await a.scenes.scene_recommendations_cache.scan();
      // One writer's three rows, whichever went last.
      expect(new Set(rows.map((r) => r.reasons[0])).size).toBe(1);
    } finally {
      await a.close();
      await b.close();
      await c.close();
    }
  }, 20_000);
});

describe("one engine's transactions take turns", () => {
  it("a read path's cache write (scenes.transaction) waits on a refresh's transaction holding the engine lock and then lands: no deadlock on crossed cache rows", async () => {
    // recommendations.ts writes the cache as deleteWhere({ subject }) + upsert in a transaction;
    // a refresh's commit (engine.ts) empties the cache with deleteWhere({}) in its own. Both take
    // the scenes engine's advisory lock first, so their row locks never interleave.
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const a = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    const b = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    try {
      await a.scenes.scene_recommendations_cache.upsert([cached('scene-two', 'seed'), cached('scene-one', 'seed')]);
      const emptied = latch();
      const commit = latch();
      const refresh = outcome(
        a.scenes.transaction!(async (t) => {
          await t.scene_recommendations_cache.deleteWhere({});
          emptied.open();
          await commit.opened;
        }),
      );
      await emptied.opened;
      const read = outcome(
        b.scenes.transaction!(async (t) => {
          await t.scene_recommendations_cache.deleteWhere({ subject: 'subject-1' });
          await t.scene_recommendations_cache.upsert([cached('scene-one', 'read'), cached('scene-two', 'read')]);
        }),
      );
      await until(db.pool, ADVISORY_WAITS, [ENGINE_LOCK_CLASS, `${schema}:scenes`]);
      await pastDeadlockTimeout();
      commit.open();
      const [rr, rd] = await Promise.all([refresh, read]);
      expect([said(rr), said(rd)]).toEqual(['resolved', 'resolved']);
      const rows = await a.scenes.scene_recommendations_cache.scan();
      expect(rows.map((r) => r.reasons[0])).toEqual(['read', 'read']);
    } finally {
      await a.close();
      await b.close();
    }
  }, 20_000);
});

/**
 * Review of today's changes 43: every write of a PostgreSQL table locks its rows in key order
 * (adapters/postgres/table.ts: `upsert` sorts with `compareKeys`, `delete` and `deleteWhere` first
 * select their rows `ORDER BY` key `FOR UPDATE`), and `ownRedisServer()` (tests/helpers/redis-test.ts),
 * a redis-server of a test file's own.
 *
 * Against a real server: the order an upsert writes its rows in (read back as the heap's order of
 * a fresh table) is the SQL `ORDER BY` key order for text with characters above U+FFFF and in
 * U+E000-U+FFFF and for an integer key column; a forced crossing of a sorted upsert and a
 * `deleteWhere` on keys whose UTF-16 and code point orders differ; the counts and rows of `delete`
 * and `deleteWhere` against the in-memory store in its edge cases; `delete` / `deleteWhere` under
 * READ COMMITTED waiting on a concurrent writer that updates, inserts or deletes rows; and the
 * helper's failures (no binary, a server that exits, a port answered by something that is not
 * Redis) and its cleanup.
 *
 * Every schema is the helper's (random, dropped after the file); every store set and pool opened
 * here is closed in a `finally`; every process spawned here is killed by its pid.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: each probe of
 * `ownRedisServer` is bounded by the time left, the child's exit fails it at once, and a worker
 * that ends without `stop()` kills its child on exit).
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStores, migrate, type PostgresStores } from 'scene-radar/adapters/postgres';
import { createMemoryStores } from 'scene-radar/stores';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { ownRedisServer } from '../helpers/redis-test.js';

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
const said = (o: { ok: boolean; error?: unknown }): unknown => (o.ok ? 'resolved' : (codeOf(o.error) ?? 'error'));

/** A latch: `open()` resolves `opened`. */
function latch(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

/** Polls until at least `n` sessions wait on another transaction's row in a statement naming `schema` (10 s at most). */
async function rowWaits(pool: pg.Pool, schema: string, n: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await pool.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'transactionid' AND position($1 in query) > 0",
      [`"${schema}"`],
    );
    if ((rows[0] as { n: number }).n >= n) return;
    if (Date.now() > deadline) throw new Error(`sync point not reached in 10 s: ${n} row waits`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cached = (subject: string, scene_slug: string, rank = 1) => ({
  subject,
  scene_slug,
  rank,
  score: 0.5,
  fit: 0.5,
  heat: 50,
  reasons: ['r'],
  computed_at: AT,
  expires_at: AT,
});
const shardRow = (refresh_id: string, shard: number) => ({
  refresh_id,
  shard,
  as_of: AT,
  artist_count: 1,
  features: '[]',
  updated_at: AT,
});
const scene = (slug: string, region: string, city: string | null) => ({
  slug,
  name: slug,
  region,
  city,
  microgenres: [],
  updated_at: AT,
});

/** Subjects whose UTF-16 order and code point order differ (U+E000-U+FFFF against characters above U+FFFF). */
const TRICKY = [
  'a',
  'A',
  'a b',
  'ab',
  'a\u00ff',
  'a\u0100',
  'a\ud7ff',
  'a\ue000',
  'a\uff61',
  'a\ufffd',
  'a\uffff',
  'a\u{10000}',
  'a\u{1f600}',
  'a\u{10ffff}',
  'a\u{1f600}b',
  'a\uffffb',
  '\u{1f600}',
  '\uffff',
  '\ue000',
  'z',
];

/** A deterministic shuffle (a fixed linear congruential sequence). */
function shuffled<T>(xs: readonly T[]): T[] {
  const out = [...xs];
  let s = 12345;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function freshStores(max = 2): Promise<{ stores: PostgresStores; schema: string; pool: pg.Pool }> {
  const db = await database();
  const schema = db.schemaName();
  await migrate({ pool: db.pool, schema });
  return {
    stores: createPostgresStores({ connectionString: TEST_DATABASE_URL, max }, { schema }),
    schema,
    pool: db.pool,
  };
}

describe('an upsert writes its rows in the SQL ORDER BY key order', () => {
  it('text keys with characters above U+FFFF and in U+E000-U+FFFF: the heap order of a fresh table (the order written, so locked) is the ORDER BY key order', async () => {
    const { stores, schema, pool } = await freshStores();
    try {
      const rows = shuffled(TRICKY.flatMap((s) => [cached(s, 'scene-b'), cached(s, 'scene-a')]));
      await stores.scenes.scene_recommendations_cache.upsert(rows);
      const t = `"${schema}".scene_recommendations_cache`;
      const byCtid = await pool.query(`SELECT subject, scene_slug FROM ${t} ORDER BY ctid`);
      const byKey = await pool.query(`SELECT subject, scene_slug FROM ${t} ORDER BY subject, scene_slug`);
      expect(byCtid.rows).toHaveLength(TRICKY.length * 2);
      expect(byCtid.rows).toEqual(byKey.rows);
      // And the case that matters: UTF-16 order would put U+10000 before U+FFFF.
      const subjects = (byKey.rows as { subject: string }[]).map((r) => r.subject);
      expect(subjects.indexOf('a\uffff')).toBeLessThan(subjects.indexOf('a\u{10000}'));
    } finally {
      await stores.close();
    }
  });

  it('an integer key column (talent_radar_refresh_shards.shard): written in numeric order, as ORDER BY orders it', async () => {
    const { stores, schema, pool } = await freshStores();
    try {
      const shards = [10, 2, 0, 1, 100, 9, 2 ** 53 - 1, 11, 3];
      await stores.talent.talent_radar_refresh_shards.upsert(
        shuffled(['r-b', 'r-a', 'r-c', 'r-a-1'].flatMap((id) => shards.map((n) => shardRow(id, n)))),
      );
      const t = `"${schema}".talent_radar_refresh_shards`;
      const byCtid = await pool.query(`SELECT refresh_id, shard::text AS s FROM ${t} ORDER BY ctid`);
      const byKey = await pool.query(`SELECT refresh_id, shard::text AS s FROM ${t} ORDER BY refresh_id, shard`);
      expect(byCtid.rows).toHaveLength(36);
      expect(byCtid.rows).toEqual(byKey.rows);
    } finally {
      await stores.close();
    }
  });

  it("a transaction's sorted upsert of U+10000 and U+FFFF keys and a deleteWhere of them, both waiting on a third writer, take turns instead of deadlocking", async () => {
    const { stores: b, schema, pool } = await freshStores(1);
    const c = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    const h = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await h.connect();
    const high = 'x\uffff'; // first in code point order (SQL)
    const astral = 'x\u{10000}'; // first in UTF-16 order (JavaScript's <)
    let ended = false;
    try {
      await b.scenes.scene_recommendations_cache.upsert([cached(high, 'scene-a'), cached(astral, 'scene-a')]);
      // H, a third writer of the host's own, holds the first row in SQL order.
      await h.query('BEGIN');
      await h.query(`UPDATE "${schema}".scene_recommendations_cache SET rank = 2 WHERE subject = $1`, [high]);
      // B: a host transaction (never run again) upserting both, given astral first.
      const txB = outcome(
        b.scenes.transaction!(async (t) => {
          await t.scene_recommendations_cache.upsert([cached(astral, 'scene-a', 3), cached(high, 'scene-a', 3)]);
        }),
      );
      await rowWaits(pool, schema, 1);
      const delC = outcome(c.scenes.scene_recommendations_cache.deleteWhere({}));
      await rowWaits(pool, schema, 2);
      await h.query('COMMIT');
      ended = true;
      const [rb, rc] = await Promise.all([txB, delC]);
      expect([said(rb), said(rc)]).toEqual(['resolved', 'resolved']);
    } finally {
      if (!ended) await h.query('ROLLBACK').catch(() => undefined);
      await h.end();
      await b.close();
      await c.close();
    }
  }, 30_000);
});

describe('delete and deleteWhere give the in-memory store its counts and rows', () => {
  type Cache = ReturnType<typeof cached>;
  async function both(
    seed: readonly Cache[],
    op: (
      t:
        | PostgresStores['scenes']['scene_recommendations_cache']
        | ReturnType<typeof createMemoryStores>['scenes']['scene_recommendations_cache'],
    ) => Promise<number>,
  ): Promise<void> {
    const { stores } = await freshStores();
    const memory = createMemoryStores();
    try {
      if (seed.length) {
        await stores.scenes.scene_recommendations_cache.upsert(seed);
        await memory.scenes.scene_recommendations_cache.upsert(seed);
      }
      const pgOut = await outcome(op(stores.scenes.scene_recommendations_cache));
      const memOut = await outcome(op(memory.scenes.scene_recommendations_cache));
      expect(pgOut.ok ? pgOut : { ok: false, error: String(pgOut.error) }).toEqual(
        memOut.ok ? memOut : { ok: false, error: String(memOut.error) },
      );
      const left = await stores.scenes.scene_recommendations_cache.scan();
      expect(left).toEqual(await memory.scenes.scene_recommendations_cache.scan());
    } finally {
      await stores.close();
    }
  }
  const seed = TRICKY.flatMap((s) => [cached(s, 'scene-a'), cached(s, 'scene-b')]);

  it('delete: keys asked twice, keys not present, keys of a wrong type, an empty list, on an empty table', async () => {
    await both(seed, (t) =>
      t.delete([
        { subject: 'a\u{10000}', scene_slug: 'scene-a' },
        { subject: 'a\u{10000}', scene_slug: 'scene-a' },
        { subject: 'a\uffff', scene_slug: 'scene-b' },
        { subject: 'missing', scene_slug: 'scene-a' },
        { subject: 5 as unknown as string, scene_slug: 'scene-a' },
        { subject: 'a\ud800', scene_slug: 'scene-a' },
        { subject: 'A', scene_slug: 'scene-b' },
      ]),
    );
    await both(seed, (t) => t.delete([]));
    await both([], (t) => t.delete([{ subject: 'a', scene_slug: 'scene-a' }]));
  });

  it('deleteWhere: {} on a full and on an empty table, an undefined filter, a key column, a value of a wrong type, an unknown column', async () => {
    await both(seed, (t) => t.deleteWhere({}));
    await both([], (t) => t.deleteWhere({}));
    await both(seed, (t) => t.deleteWhere({ subject: undefined }));
    await both(seed, (t) => t.deleteWhere({ subject: 'a\u{1f600}' }));
    await both(seed, (t) => t.deleteWhere({ scene_slug: 'scene-b', rank: 1 }));
    await both(seed, (t) => t.deleteWhere({ rank: '1' as unknown as number }));
    await both(seed, (t) => t.deleteWhere({ rank: 1.5 }));
    await both(seed, (t) => t.deleteWhere({ nope: 1 } as unknown as { rank: number }));
  });

  it('deleteWhere on a nullable column with null (scenes.city), and with a value', async () => {
    const { stores } = await freshStores();
    const memory = createMemoryStores();
    const rows = [scene('s-one', 'uk', null), scene('s-two', 'uk', 'leeds'), scene('s-three', 'de', null)];
    try {
      for (const s of [stores.scenes.scenes, memory.scenes.scenes]) await s.upsert(rows);
      expect(await stores.scenes.scenes.deleteWhere({ city: null })).toBe(
        await memory.scenes.scenes.deleteWhere({ city: null }),
      );
      expect(await stores.scenes.scenes.deleteWhere({ city: 'leeds', region: 'uk' })).toBe(
        await memory.scenes.scenes.deleteWhere({ city: 'leeds', region: 'uk' }),
      );
      expect(await stores.scenes.scenes.scan()).toEqual(await memory.scenes.scenes.scan());
      expect(await stores.scenes.scenes.count()).toBe(0);
    } finally {
      await stores.close();
    }
  });

  it('a table of 6,000 rows: delete of 3,000 keys (some twice, some absent), deleteWhere of one subject, then of everything', async () => {
    const big = Array.from({ length: 6000 }, (_, i) =>
      cached(`subject-${i % 40}`, `scene-${String(i).padStart(5, '0')}`),
    );
    const keys = Array.from({ length: 3000 }, (_, i) => ({
      subject: `subject-${(i * 7) % 40}`,
      scene_slug: `scene-${String(i * 2).padStart(5, '0')}`,
    }));
    await both(
      big,
      async (t) =>
        (await t.delete([...keys, ...keys.slice(0, 500)])) * 1_000_000 +
        (await t.deleteWhere({ subject: 'subject-3' })),
    );
    await both(big, (t) => t.deleteWhere({}));
  }, 60_000);

  it('a composite integer key: delete of shards asked twice and absent, deleteWhere of one refresh', async () => {
    const { stores } = await freshStores();
    const memory = createMemoryStores();
    const rows = [0, 1, 2, 10, 11].flatMap((n) => [shardRow('r-a', n), shardRow('r-b', n)]);
    try {
      const pgT = stores.talent.talent_radar_refresh_shards;
      const memT = memory.talent.talent_radar_refresh_shards;
      await pgT.upsert(rows);
      await memT.upsert(rows);
      const ks = [
        { refresh_id: 'r-a', shard: 10 },
        { refresh_id: 'r-a', shard: 10 },
        { refresh_id: 'r-a', shard: 2 },
        { refresh_id: 'r-a', shard: 99 },
        { refresh_id: 'r-a', shard: 1.5 },
        { refresh_id: 'r-a', shard: '1' as unknown as number },
      ];
      expect(await pgT.delete(ks)).toBe(await memT.delete(ks));
      expect(await pgT.deleteWhere({ refresh_id: 'r-b' })).toBe(await memT.deleteWhere({ refresh_id: 'r-b' }));
      expect(await pgT.scan()).toEqual(await memT.scan());
    } finally {
      await stores.close();
    }
  });
});

describe('delete and deleteWhere under READ COMMITTED, waiting on a concurrent writer', () => {
  /** Seeds subject-1's rows a, b, c; runs `other` in a transaction of its own that holds until `delete` waits on it. */
  async function crossing(
    other: (t: PostgresStores['scenes']['scene_recommendations_cache']) => Promise<void>,
    mine: (t: PostgresStores['scenes']['scene_recommendations_cache']) => Promise<number>,
  ): Promise<{ other: unknown; mine: unknown; count: unknown; left: string[] }> {
    const { stores: a, schema, pool } = await freshStores(1);
    const b = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    try {
      await a.scenes.scene_recommendations_cache.upsert(
        ['scene-a', 'scene-b', 'scene-c'].map((s) => cached('subject-1', s)).concat([cached('subject-2', 'scene-a')]),
      );
      const held = latch();
      const release = latch();
      const txA = outcome(
        a.scenes.transaction!(async (t) => {
          await other(t.scene_recommendations_cache);
          held.open();
          await release.opened;
        }),
      );
      await held.opened;
      const del = outcome(mine(b.scenes.scene_recommendations_cache));
      await rowWaits(pool, schema, 1).finally(release.open);
      const [ra, rd] = await Promise.all([txA, del]);
      const left = (await b.scenes.scene_recommendations_cache.scan()).map(
        (r) => `${r.subject}/${r.scene_slug}/${r.rank}`,
      );
      return { other: said(ra), mine: said(rd), count: rd.ok ? rd.value : undefined, left };
    } finally {
      await a.close();
      await b.close();
    }
  }

  it('a row upserted (updated) by the other transaction while deleteWhere waits on it is still deleted once the other commits', async () => {
    expect(
      await crossing(
        (t) => t.upsert([cached('subject-1', 'scene-b', 7)]),
        (t) => t.deleteWhere({ subject: 'subject-1' }),
      ),
    ).toEqual({ other: 'resolved', mine: 'resolved', count: 3, left: ['subject-2/scene-a/1'] });
  }, 30_000);

  it('the same for delete(keys)', async () => {
    expect(
      await crossing(
        (t) => t.upsert([cached('subject-1', 'scene-a', 7), cached('subject-1', 'scene-c', 7)]),
        (t) =>
          t.delete([
            { subject: 'subject-1', scene_slug: 'scene-c' },
            { subject: 'subject-1', scene_slug: 'scene-a' },
            { subject: 'subject-1', scene_slug: 'scene-a' },
          ]),
      ),
    ).toEqual({ other: 'resolved', mine: 'resolved', count: 2, left: ['subject-1/scene-b/1', 'subject-2/scene-a/1'] });
  }, 30_000);

  it('a row the other deletes is not counted (no error); a row it inserts is not seen by the waiting delete (as a plain DELETE in READ COMMITTED)', async () => {
    expect(
      await crossing(
        async (t) => {
          await t.delete([{ subject: 'subject-1', scene_slug: 'scene-b' }]);
          await t.upsert([cached('subject-1', 'scene-0')]);
        },
        (t) => t.deleteWhere({ subject: 'subject-1' }),
      ),
    ).toEqual({ other: 'resolved', mine: 'resolved', count: 2, left: ['subject-1/scene-0/1', 'subject-2/scene-a/1'] });
  }, 30_000);

  it('a row whose filtered column the other changes away while deleteWhere waits is rechecked and kept (count excludes it)', async () => {
    const { stores: a, schema, pool } = await freshStores(1);
    const b = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 1 }, { schema });
    try {
      await a.scenes.scenes.upsert([scene('s-a', 'uk', null), scene('s-b', 'uk', null), scene('s-c', 'uk', null)]);
      const held = latch();
      const release = latch();
      const txA = outcome(
        a.scenes.transaction!(async (t) => {
          await t.scenes.upsert([scene('s-b', 'de', null)]);
          held.open();
          await release.opened;
        }),
      );
      await held.opened;
      const del = outcome(b.scenes.scenes.deleteWhere({ region: 'uk' }));
      await rowWaits(pool, schema, 1).finally(release.open);
      const [ra, rd] = await Promise.all([txA, del]);
      expect([said(ra), said(rd), rd.ok ? rd.value : undefined]).toEqual(['resolved', 'resolved', 2]);
      expect((await b.scenes.scenes.scan()).map((s) => `${s.slug}/${s.region}`)).toEqual(['s-b/de']);
    } finally {
      await a.close();
      await b.close();
    }
  }, 30_000);
});

describe('ownRedisServer', () => {
  const dirs: string[] = [];
  const pids: number[] = [];
  afterAll(() => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  /** A directory holding a fake `redis-server` (a Node script run by this Node). */
  function fakeRedis(body: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'rv43-'));
    dirs.push(dir);
    const file = join(dir, 'redis-server');
    writeFileSync(
      file,
      `#!${process.execPath}\nconst fs = require('node:fs');\nfs.writeFileSync(${JSON.stringify(join(dir, 'pid'))}, String(process.pid));\nconst port = Number(process.argv[process.argv.indexOf('--port') + 1]);\n${body}\n`,
    );
    chmodSync(file, 0o755);
    return dir;
  }
  /**
   * Runs `ownRedisServer` with `PATH` set to `dir` (the helper spawns after an await, so `PATH`
   * stays set until the call settles, the fake wrote its pid, or `ms` passed), settled, or
   * 'still pending' after `ms`.
   */
  async function withPath(dir: string, ms: number): Promise<{ ok: boolean; error?: unknown } | 'still pending'> {
    const saved = process.env.PATH;
    process.env.PATH = dir;
    const settled = outcome(ownRedisServer());
    let done = false;
    void settled.then(() => (done = true));
    const deadline = Date.now() + ms;
    try {
      while (!done && pidOf(dir) === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    } finally {
      process.env.PATH = saved;
    }
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([
      settled,
      new Promise<'still pending'>(
        (res) => (timer = setTimeout(() => res('still pending'), Math.max(0, deadline - Date.now()))),
      ),
    ]);
    clearTimeout(timer);
    const pid = pidOf(dir);
    if (pid !== undefined) pids.push(pid);
    if (r !== 'still pending' && r.ok) await (r.value as { stop(): Promise<void> }).stop();
    if (r === 'still pending') {
      // Ends the hang: the probe's socket closes, the helper's loop reads its deadline and stops.
      if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
      const late = await settled;
      if (late.ok) await (late.value as { stop(): Promise<void> }).stop();
    }
    return r;
  }
  const pidOf = (dir: string): number | undefined => {
    try {
      return Number(readFileSync(join(dir, 'pid'), 'utf8'));
    } catch {
      return undefined;
    }
  };
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('starts a real server that answers, and stop() ends the child (no stray redis-server on its port)', async () => {
    const server = await ownRedisServer();
    const port = server.url.split(':').pop()!;
    const { execFileSync } = await import('node:child_process');
    const list = (): string => {
      try {
        return execFileSync('pgrep', ['-a', 'redis-server'], { encoding: 'utf8' });
      } catch {
        return '';
      }
    };
    expect(list()).toContain(`:${port}`);
    await server.stop();
    expect(list()).not.toContain(`:${port}`);
    await server.stop(); // twice: no throw, no hang
  });

  it('no redis-server binary on PATH: rejects at once with the spawn error, never hangs', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'rv43-'));
    dirs.push(empty);
    const r = await withPath(empty, 15_000);
    expect(r).not.toBe('still pending');
    if (r === 'still pending') return;
    expect(r.ok).toBe(false);
    expect(String(r.error)).toMatch(/did not start.*ENOENT/);
  }, 20_000);

  it('a redis-server that exits at once (as on a port taken): rejects, "did not start" (only after the 5 s deadline: the exit is not watched)', async () => {
    const dir = fakeRedis('process.exit(1);');
    const r = await withPath(dir, 15_000);
    expect(r).not.toBe('still pending');
    if (r === 'still pending') return;
    expect(r.ok).toBe(false);
    expect(String(r.error)).toMatch(/did not start/);
  }, 20_000);

  // The port is free when probed, but whatever listens on it when the helper pings (its own
  // child gone, the port taken by another process in between, or a server that accepts and never
  // replies) is asked PING with no command timeout: `probe.ping()` waits forever and the 5 s
  // deadline is only read after it settles.
  it('FAULT: a port that accepts TCP but never answers RESP makes ownRedisServer hang past its 5 s deadline instead of rejecting (tests/helpers/redis-test.ts:128-134)', async () => {
    const dir = fakeRedis("require('node:net').createServer(() => undefined).listen(port, '127.0.0.1');");
    const r = await withPath(dir, 12_000);
    // The correct behaviour: rejected within its deadline (plus slack), not still pending.
    expect(r === 'still pending' ? 'still pending' : r.ok ? 'resolved' : 'rejected').toBe('rejected');
  }, 30_000);
});

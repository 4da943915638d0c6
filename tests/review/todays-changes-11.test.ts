/**
 * Review of today's fixes (after 77fdc87), hostile: what the fixes themselves broke or got wrong.
 *
 * - src/core/time.ts parseInstant: digits below the millisecond count from the next whole one.
 * - src/talent/profile-items.ts: the opportunity bands compare round3 of the score.
 * - ui/words.ts pctDown: score cards rounded down.
 * - adapters/postgres: the migrate: true stores' wait for the migration lock in 200 ms
 *   `lock_timeout` slices; ERR_INVALID_URL as CONFIG_INVALID.
 *
 * Tests named "FAULT:" fail on the code as reviewed, for the reason their name states. The
 * PostgreSQL tests run against the local server (127.0.0.1:5432, database `test`) in schemas of
 * this file only (`tc11_<random>`), dropped after it.
 */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStores, migrate } from '../../adapters/postgres/index.js';
import { resolveConfig } from '../../src/config.js';
import { isSceneRadarError } from '../../src/core/errors.js';
import { dayOf, parseInstant } from '../../src/core/time.js';
import { opportunitiesOf } from '../../src/talent/profile-items.js';
import { trajectoryOf } from '../../src/talent/rows.js';
import { pctDown } from '../../ui/words.js';
import { TEST_DATABASE_URL } from '../helpers/postgres.js';

// ---------------------------------------------------------------------------------------------
// time.ts: sub-millisecond digits
// ---------------------------------------------------------------------------------------------

describe('parseInstant: digits below the millisecond (passing checks)', () => {
  const MIDNIGHT = Date.UTC(2026, 10, 24);

  it('trailing zeros are no digits below the millisecond: an observation stamped exactly at an as-of is known at it', () => {
    expect(parseInstant('2026-11-24T00:00:00.000000Z')).toBe(MIDNIGHT);
    expect(parseInstant('2026-11-24T00:00:00.000000000Z')).toBe(MIDNIGHT);
    expect(parseInstant('2026-11-24T01:00:00.000000+01:00')).toBe(MIDNIGHT);
    // One non-zero digit anywhere below the millisecond: the next whole millisecond.
    expect(parseInstant('2026-11-24T00:00:00.000000001Z')).toBe(MIDNIGHT + 1);
    expect(parseInstant('2026-11-24T00:00:00.0005Z')).toBe(MIDNIGHT + 1);
    expect(parseInstant('2026-11-24T00:00:00.0015Z')).toBe(MIDNIGHT + 2);
    // Digits at and above the millisecond only: as written.
    expect(parseInstant('2026-11-24T00:00:00.5Z')).toBe(MIDNIGHT + 500);
    expect(parseInstant('2026-11-24T00:00:00.1000Z')).toBe(MIDNIGHT + 100);
  });

  it('an offset with sub-millisecond digits counts from the next whole millisecond of its UTC instant', () => {
    expect(parseInstant('2026-11-24T01:00:00.000500+01:00')).toBe(MIDNIGHT + 1);
    expect(parseInstant('2026-11-23T22:00:00.999500-02:00')).toBe(MIDNIGHT + 1000);
  });

  it('before 1970 (negative epochs) the next whole millisecond is still later, never earlier', () => {
    // 0.5 ms before the epoch: the next whole millisecond is the epoch itself.
    expect(parseInstant('1969-12-31T23:59:59.9995Z')).toBe(0);
    expect(parseInstant('1500-06-01T12:00:00.0001Z')).toBe(Date.UTC(1500, 5, 1, 12) + 1);
    expect(parseInstant('1500-06-01T12:00:00.9999Z')).toBe(Date.UTC(1500, 5, 1, 12) + 1000);
  });

  it("an instant 0.5 ms before midnight is on its own day by the docs' rule (dayOf(t - 1 ms)), one 0.5 ms after on the next", () => {
    // docs/scoring.md, As of: "the UTC day holding the instant just before it became known, dayOf(t - 1 ms)".
    expect(dayOf(parseInstant('2026-11-24T23:59:59.9995Z') - 1)).toBe('2026-11-24');
    expect(dayOf(parseInstant('2026-11-25T00:00:00.0005Z') - 1)).toBe('2026-11-25');
  });

  it('a window (asOf - N days, asOf] keeps an item 0.5 ms inside its start and drops one 0.5 ms before it', () => {
    // docs/scoring.md: untilMs = asOf + 1 ms; an item counts when t is in [untilMs - N days, untilMs).
    const asOf = Date.UTC(2026, 10, 25, 9);
    const untilMs = asOf + 1;
    const from = untilMs - 30 * 86_400_000;
    const inside = parseInstant('2026-10-26T09:00:00.0005Z'); // 0.5 ms after asOf - 30 days
    const outside = parseInstant('2026-10-26T08:59:59.9995Z'); // 0.5 ms before it
    expect(inside >= from && inside < untilMs).toBe(true);
    expect(outside >= from && outside < untilMs).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// profile-items.ts: the opportunity bands (on round3 of the score when reviewed; on the unrounded
// score, as the trajectory, since hostile review 125)
// ---------------------------------------------------------------------------------------------

describe('opportunitiesOf: the bands of the scores', () => {
  const features = {} as never;
  const scores = (momentum: number, breakout: number) => ({ momentum, breakout }) as never;

  // docs/scoring.md section 8, Opportunities (when reviewed): "The breakout and momentum checks
  // compare the score as shown (rounded to 3 decimals, momentum as momentum / 100)"; momentum
  // opportunity "momentum >= momentum.rising". config.ts: momentum.rising is any number 0-100. profile-items.ts:36 compares
  // `round3(s.momentum / 100) * 100`, and 0.57 * 100 is 56.99999999999999 in binary floating point.
  it('FAULT: with momentum.rising 57 (a valid setting) an artist of momentum 57.0004 (shown 0.57, trajectory "rising") gets no momentum opportunity', () => {
    const config = resolveConfig({ talent: { thresholds: { momentum: { rising: 57, declining: 30 } } } });
    for (const momentum of [57, 57.0004]) {
      const band = trajectoryOf({ momentum, breakout_score: 0, risk_score: 0 }, config).momentum;
      const items = opportunitiesOf(features, scores(momentum, 0), config);
      expect({ momentum, band, momentumOpportunity: items.some((o) => o.type === 'momentum') }).toEqual({
        momentum,
        band: 'rising',
        momentumOpportunity: true,
      });
    }
  });

  it('with the default thresholds (70 / 0.7 / 0.4) the bands hold at and just below the thresholds, as the trajectory bands them', () => {
    const config = resolveConfig();
    const has = (m: number, b: number, type: string, strong?: boolean) =>
      opportunitiesOf(features, scores(m, b), config).some(
        (o) => o.type === type && (strong === undefined || o.description.startsWith('Strong') === strong),
      );
    expect(has(70, 0, 'momentum')).toBe(true);
    expect(has(69.99996, 0, 'momentum')).toBe(false); // trajectory 'stable' (hostile review 125)
    expect(has(69.9, 0, 'momentum')).toBe(false);
    expect(has(0, 0.7, 'breakout', true)).toBe(true);
    expect(has(0, 0.69996, 'breakout', true)).toBe(false); // 'medium', as breakoutPotential (hostile review 125)
    expect(has(0, 0.69996, 'breakout', false)).toBe(true);
    expect(has(0, 0.6994, 'breakout', true)).toBe(false);
    expect(has(0, 0.4, 'breakout', false)).toBe(true);
    expect(has(0, 0.3994, 'breakout')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// ui/words.ts pctDown
// ---------------------------------------------------------------------------------------------

describe('pctDown: a score card rounded down', () => {
  it('whole percentages and the float noise around them read as written', () => {
    expect([0.29, 0.57, 0.58, 1, 0, 0.7, 0.3, 0.6, 0.4].map(pctDown)).toEqual([
      '29%',
      '57%',
      '58%',
      '100%',
      '0%',
      '70%',
      '30%',
      '60%',
      '40%',
    ]);
    expect(pctDown(0.69996)).toBe('69%');
    expect(pctDown(0.6999)).toBe('69%');
    expect([Number.NaN, Number.POSITIVE_INFINITY].map(pctDown)).toEqual(['–', '–']);
  });

  // ui/words.ts pctDown's own doc: "beside a band that starts at a whole percentage (70%), the
  // figure never reads as the band above the one named". The band beside it (trajectoryOf, on the
  // unrounded stored score) of 0.6999996 is "medium"; `Math.round(value * 1e6) / 1e4` rounds it up to
  // 70 before the floor. The same rounding in ui/artist-page.ts's momentum card (`Math.round(a.momentum
  // * 1e4) / 1e4`) shows 69.99996 as "70 / 100" beside "holding steady".
  it('FAULT: a breakout of 0.6999996 (band "medium", below the 0.7 threshold) is shown "70%", the figure of the "high" band', () => {
    const config = resolveConfig();
    for (const [score, column] of [
      [0.6999996, 'breakout_score'],
      [0.2999996, 'risk_score'],
    ] as const) {
      const t = trajectoryOf({ momentum: 50, breakout_score: 0, risk_score: 0, [column]: score }, config);
      const band = column === 'breakout_score' ? t.breakoutPotential : t.riskLevel;
      const threshold = column === 'breakout_score' ? 70 : 30;
      expect({ score, band, shown: pctDown(score) }).toEqual({
        score,
        band: column === 'breakout_score' ? 'medium' : 'low',
        shown: `${threshold - 1}%`,
      });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// adapters/postgres: the migration lock wait, connection strings
// ---------------------------------------------------------------------------------------------

const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 4 });
admin.on('error', () => undefined);
const prefix = `tc11_${randomBytes(3).toString('hex')}`;
const schemas: string[] = [];
const freshSchema = (): string => {
  const schema = `${prefix}_${schemas.length}`;
  schemas.push(schema);
  return schema;
};
const hostPools: pg.Pool[] = [];
afterAll(async () => {
  for (const p of hostPools) await p.end().catch(() => undefined);
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await admin.end();
});

/** The first key of the migration lock (docs/persistence.md: `pg_advisory_lock(0x7363656e, hashtext(schema))`). */
const LOCK_CLASS = 0x7363_656e;

type Outcome =
  | { kind: 'resolved' }
  | { kind: 'rejected'; code: string | undefined; message: string }
  | { kind: 'pending' };

/** How `p` settles within `ms` (a hang shows as 'pending', never as a stalled test). */
async function settle(p: Promise<unknown>, ms: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'pending' }), ms);
  });
  const done = p.then(
    (): Outcome => ({ kind: 'resolved' }),
    (e: unknown): Outcome => ({
      kind: 'rejected',
      code: isSceneRadarError(e) ? e.code : undefined,
      message: e instanceof Error ? e.message : String(e),
    }),
  );
  try {
    return await Promise.race([done, pending]);
  } finally {
    clearTimeout(timer);
  }
}

/** Holds the schema's migration lock on a connection of its own (another instance migrating) until `release()`. */
async function holdLock(schema: string): Promise<{ release(): Promise<void> }> {
  const client = await admin.connect();
  await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_CLASS, schema]);
  return {
    async release() {
      try {
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, schema]);
      } finally {
        client.release();
      }
    },
  };
}

/** A host's own pool (no `query_timeout`) whose sessions start with the given server settings. */
function hostPool(settings: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2, options: settings });
  pool.on('error', () => undefined);
  hostPools.push(pool);
  return pool;
}

describe('PostgreSQL: the migrate: true wait for the migration lock in lock_timeout slices', () => {
  // docs/persistence.md, failure table: "A statement cancelled by `statement_timeout`, a lock not
  // granted within `lock_timeout` ... The call rejects with `PostgreSQL did not answer in time ...
  // (lock timeout, SQLSTATE 55P03)` ... STORE_UNAVAILABLE". Before today the one blocking
  // pg_advisory_lock ran under the host's lock_timeout (1 s here) and failed so. migrate.ts
  // lockSchema now sets lock_timeout to 200 ms itself and retries every 55P03, bounded only by
  // `query_timeout` (none on this host pool): the host's own bound is gone and the start waits for
  // as long as the other instance holds the lock.
  it('FAULT: a host pool whose sessions have lock_timeout = 1s: the start waits past it (no bound) instead of STORE_UNAVAILABLE (lock timeout)', async () => {
    const schema = freshSchema();
    const held = await holdLock(schema);
    const stores = createPostgresStores({ pool: hostPool('-c lock_timeout=1000') }, { schema, migrate: true });
    try {
      const outcome = await settle(stores.ready(), 4_000);
      expect(outcome).toMatchObject({ kind: 'rejected', code: 'STORE_UNAVAILABLE' });
    } finally {
      await stores.close();
      await held.release();
    }
  }, 15_000);

  // Same contract row: "A statement cancelled by `statement_timeout`" is STORE_UNAVAILABLE. A
  // 200 ms slice never reaches a host's 1 s statement_timeout, so that bound is gone too.
  it('FAULT: a host pool whose sessions have statement_timeout = 1s: the start waits past it (no bound) instead of STORE_UNAVAILABLE (statement timeout)', async () => {
    const schema = freshSchema();
    const held = await holdLock(schema);
    const stores = createPostgresStores({ pool: hostPool('-c statement_timeout=1000') }, { schema, migrate: true });
    try {
      const outcome = await settle(stores.ready(), 4_000);
      expect(outcome).toMatchObject({ kind: 'rejected', code: 'STORE_UNAVAILABLE' });
    } finally {
      await stores.close();
      await held.release();
    }
  }, 15_000);

  it("after a wait in slices the host session's own lock_timeout is restored and the advisory lock is given back", async () => {
    const schema = freshSchema();
    const pool = hostPool('-c lock_timeout=7s');
    // One connection only: the one that waited is the one read afterwards.
    const single = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1, options: '-c lock_timeout=7s' });
    single.on('error', () => undefined);
    hostPools.push(single);
    const held = await holdLock(schema);
    const stores = createPostgresStores({ pool: single }, { schema, migrate: true });
    try {
      const ready = stores.ready();
      ready.catch(() => undefined); // heard at once; settled below
      // Several slices (55P03 each) before the other instance lets go.
      await new Promise((r) => setTimeout(r, 700));
      await held.release();
      expect(await settle(ready, 8_000)).toEqual({ kind: 'resolved' });
      const { rows } = await single.query<{ lock_timeout: string }>('SHOW lock_timeout');
      expect(rows[0]!.lock_timeout).toBe('7s');
      // Nothing holds the schema's lock any more: another session takes it at once.
      const other = await pool.connect();
      try {
        const got = await other.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [
          LOCK_CLASS,
          schema,
        ]);
        expect(got.rows[0]!.ok).toBe(true);
        await other.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, schema]);
      } finally {
        other.release();
      }
    } finally {
      await stores.close();
    }
  }, 20_000);

  it('close() during the wait rejects RADAR_CLOSED within a slice, and the host connection comes back with its lock_timeout', async () => {
    const schema = freshSchema();
    const single = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1, options: '-c lock_timeout=0' });
    single.on('error', () => undefined);
    hostPools.push(single);
    const held = await holdLock(schema);
    const stores = createPostgresStores({ pool: single }, { schema, migrate: true });
    try {
      const ready = stores.ready();
      ready.catch(() => undefined); // heard at once; settled below
      await new Promise((r) => setTimeout(r, 500));
      const started = Date.now();
      await stores.close();
      const outcome = await settle(ready, 3_000);
      expect(outcome).toMatchObject({ kind: 'rejected', code: 'RADAR_CLOSED' });
      expect(Date.now() - started).toBeLessThan(1_500);
      const { rows } = await single.query<{ lock_timeout: string }>('SHOW lock_timeout');
      expect(rows[0]!.lock_timeout).toBe('0');
    } finally {
      await held.release();
    }
  }, 15_000);

  it("a host pool's query_timeout still bounds the wait: STORE_UNAVAILABLE (query timeout) after about that long", async () => {
    const schema = freshSchema();
    const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2, query_timeout: 1_000 });
    pool.on('error', () => undefined);
    hostPools.push(pool);
    const held = await holdLock(schema);
    const stores = createPostgresStores({ pool }, { schema, migrate: true });
    try {
      const started = Date.now();
      const outcome = await settle(stores.ready(), 5_000);
      expect(outcome).toMatchObject({ kind: 'rejected', code: 'STORE_UNAVAILABLE' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await stores.close();
      await held.release();
    }
  }, 15_000);
});

describe('PostgreSQL: a connection string the driver cannot parse', () => {
  const SECRET = 'tc11-s3cret-pw';
  const url = `postgres://app:${SECRET}@127.0.0.1:99999/test`;

  it('is CONFIG_INVALID, the message without the string', async () => {
    const outcome = await settle(migrate({ connectionString: url }), 5_000);
    expect(outcome).toMatchObject({ kind: 'rejected', code: 'CONFIG_INVALID' });
    expect((outcome as { message: string }).message).not.toContain(SECRET);
  });

  // adapters/postgres/connection.ts storeError: "named without the string (it may hold a
  // password)"; the cause is the driver's TypeError, whose `input` pg-connection-string redacts, so
  // the error logged the ordinary way (console.error / util.inspect) holds no password either.
  it('its cause, printed whole (util.inspect), holds no password', async () => {
    let caught: unknown;
    await migrate({ connectionString: url }).catch((e: unknown) => {
      caught = e;
    });
    expect(isSceneRadarError(caught) && caught.code).toBe('CONFIG_INVALID');
    expect(inspect(caught, { depth: 5 })).not.toContain(SECRET);
  });
});

/**
 * Hostile review 76: the PostgreSQL stores held to the same behaviour as the in-memory stores
 * (adapters/postgres/*.ts against src/stores/*.ts). The same rows are written to both, then read
 * back and compared. The contract: "a row reads back exactly as the in-memory store returns it"
 * (adapters/postgres/columns.ts, restoreOrder), "Negative zero keeps its sign ... as memory does"
 * (columns.ts, arrayLiteral), and a process on a schema another one wrote "serves the same results"
 * (docs/persistence.md, What a restart keeps).
 *
 * Every test here fails on the code as reviewed, because of the fault its name states. The
 * PostgreSQL tests work in schemas of their own (`review76_<random>_<n>`), dropped after the file.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStores } from '../../adapters/postgres/stores.js';
import { memoryTalentStores } from '../../src/stores/memory-table.js';
import type { TalentStores } from '../../src/stores/specs.js';
import type { TalentArtistRow } from '../../src/stores/tables.js';
import { TEST_DATABASE_URL } from '../helpers/postgres.js';

const T = '2026-11-25T00:00:00.000Z';
const prefix = `review76_${randomBytes(4).toString('hex')}`;
const schemas: string[] = [];
let pool: pg.Pool | undefined;
const poolOf = (): pg.Pool => {
  if (!pool) {
    pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000, max: 4 });
    pool.on('error', () => undefined);
  }
  return pool;
};
afterAll(async () => {
  if (!pool) return;
  try {
    for (const name of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  } finally {
    await pool.end();
  }
});

/** Talent stores over a fresh, migrated schema of this file's own. */
async function postgresTalent(): Promise<TalentStores> {
  const schema = `${prefix}_${schemas.length}`;
  schemas.push(schema);
  const stores = createPostgresStores({ pool: poolOf() }, { schema, migrate: true });
  await stores.ready();
  return stores.talent;
}

describe('hostile review 76: PostgreSQL stores read back what the in-memory stores do', () => {
  // Fault: a talent_radar_state value (a z.record, a jsonb column) comes back with its keys in jsonb's order (by length, then bytes), not as written; restoreOrder (adapters/postgres/columns.ts:105-123) restores only object schemas, so failedReads and meta.degraded (src/talent/radar-aggregator.ts:357) are listed in another order on PostgreSQL.
  // Known and left (expected failures, both): a jsonb record comes back in jsonb's key order and
  // without the sign of a -0 inside it. The fix is a store-level choice (a json or text column in a
  // new migration, or both stores normalising JSON values on write); the only visible effect found
  // is the order of `meta.failedReads` and of its notes after a restart on PostgreSQL. Recorded in
  // the session note of 2026-12-06.
  it.fails('a talent_radar_state value reads back with its keys in the order written, as in memory (jsonb reorders them)', async () => {
    const value = { asOf: T, failedReads: { fusion: 2, mig: 1, coverage: 4, cmg: 3 }, validation: { zeta: 1, a: 2 } };
    const row = { name: 'last-refresh', value, updated_at: T };
    const memory = memoryTalentStores();
    const postgres = await postgresTalent();
    await memory.talent_radar_state.upsert([row]);
    await postgres.talent_radar_state.upsert([row]);

    const fromMemory = await memory.talent_radar_state.get({ name: 'last-refresh' });
    const fromPostgres = await postgres.talent_radar_state.get({ name: 'last-refresh' });
    expect(JSON.stringify(fromMemory?.value)).toBe(JSON.stringify(value));
    // PostgreSQL: {"asOf":...,"validation":{"a":2,"zeta":1},"failedReads":{"cmg":3,"mig":1,"fusion":2,"coverage":4}}
    expect(JSON.stringify(fromPostgres?.value)).toBe(JSON.stringify(fromMemory?.value));
    expect(Object.keys((fromPostgres?.value as { failedReads?: object } | undefined)?.failedReads ?? {})).toEqual([
      'fusion',
      'mig',
      'coverage',
      'cmg',
    ]);
  });

  // Fault: -0 inside a jsonb value (talent_radar_artists.metadata, talent_radar_state.value) is written as JSON.stringify(-0) = "0" (adapters/postgres/columns.ts:154, arrayLiteral's jsonb branch), so PostgreSQL reads back 0 where memory keeps -0; float8 columns keep the sign (columns.ts:156).
  it.fails('-0 in a jsonb column (talent_radar_artists.metadata) keeps its sign as in memory, as -0 in a float8 column does', async () => {
    const row: TalentArtistRow = {
      artist_slug: 'artist-a',
      scene_slug: null,
      microgenres: [],
      momentum: 0,
      creative_shift: 0,
      coverage_velocity: 0,
      press_quality: 0,
      mig_connectivity: -0,
      breakout_score: 0,
      risk_score: 0,
      metadata: { migCentrality: -0, tastemakerConnections: 0, sceneConfidence: -0, campaignCount: 0 },
      confidence: 0,
      as_of: T,
      model_version: 'v1',
      updated_at: T,
    };
    const memory = memoryTalentStores();
    const postgres = await postgresTalent();
    await memory.talent_radar_artists.upsert([row]);
    await postgres.talent_radar_artists.upsert([row]);

    const fromMemory = await memory.talent_radar_artists.get({ artist_slug: 'artist-a' });
    const fromPostgres = await postgres.talent_radar_artists.get({ artist_slug: 'artist-a' });
    const signs = (r: Readonly<TalentArtistRow> | undefined) => ({
      mig_connectivity: Object.is(r?.mig_connectivity, -0),
      migCentrality: Object.is(r?.metadata.migCentrality, -0),
      sceneConfidence: Object.is(r?.metadata.sceneConfidence, -0),
    });
    expect(signs(fromMemory)).toEqual({ mig_connectivity: true, migCentrality: true, sceneConfidence: true });
    // PostgreSQL: the float8 column keeps -0, the jsonb fields read back 0.
    expect(signs(fromPostgres)).toEqual(signs(fromMemory));
  });
});

/**
 * Hostile review 59: how the engines read back what they stored. The Talent Radar's
 * `talent_radar_state` rows (`last-refresh`: instant, peer statistics) and the Scenes Engine's
 * memberships, read through the in-memory stores and the PostgreSQL stores, when a row was written
 * by another version or edited by hand. The contract: "A state row written by a release this code
 * cannot read is `STORE_SCHEMA_MISMATCH` naming the row (for the model: reset it or apply a new
 * one; for the refresh state: the next refresh replaces it)" (docs/persistence.md); peer statistics
 * "Reading checks every key and number, so a row written by another version of the code is
 * refused, never half read" (src/talent/peer-state.ts); a row edited outside scene-radar "is never
 * served or computed on" (docs/persistence.md, Faults).
 *
 * Every test here fails on the code as reviewed, because of the fault its name states. The
 * PostgreSQL tests work in schemas of their own (`review59_<random>`), dropped after the file.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { memoryScenesStores, memoryTalentStores } from '../../src/stores/memory-table.js';
import { createPostgresStores } from '../../adapters/postgres/stores.js';
import type { ScenesStores, TalentStores } from '../../src/stores/specs.js';
import type { TalentStateRow } from '../../src/stores/tables.js';
import { TEST_DATABASE_URL } from '../helpers/postgres.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const LATER = new Date('2026-11-26T00:00:00.000Z');
const world = createDemoWorld({ artists: 30, end: '2026-11-25' });
const slugs = world.dataset.artistSlugs();

const prefix = `review59_${randomBytes(4).toString('hex')}`;
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

/** The outcome of a promise: its value, or the error's code (or name) and message. */
const outcome = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (e: { code?: string; name?: string; message?: string }) => ({
      ok: false as const,
      error: e?.code ?? e?.name,
      message: e?.message,
    }),
  );

/** Both engines refreshed once as of NOW over `stores`; returns the stored `last-refresh` row. */
async function refreshedOnce(talent: TalentStores, scenes: ScenesStores): Promise<Readonly<TalentStateRow>> {
  const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW), stores: { talent, scenes } });
  try {
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh();
  } finally {
    await radar.close();
  }
  const [state] = await talent.talent_radar_state.getMany([{ name: 'last-refresh' }]);
  return state!;
}

/** A deep copy of a stored state value, to edit "by hand". */
// biome-ignore lint/suspicious/noExplicitAny: a stored JSON value edited by hand, any shape
const copy = (row: Readonly<TalentStateRow>): Record<string, any> => JSON.parse(JSON.stringify(row.value));

describe('hostile review 59: the Talent Radar reads back its state', () => {
  it('an unreadable last-refresh row is replaced by the next refresh, as its STORE_SCHEMA_MISMATCH says; the refresh rejects with that very error instead, so the radar can never refresh again', async () => {
    const talent = memoryTalentStores();
    const scenes = memoryScenesStores();
    const state = await refreshedOnce(talent, scenes);
    // A row of another version: a field of a type this one refuses.
    const value = copy(state);
    value.failedKept = -1;
    await talent.talent_radar_state.upsert([{ ...state, value }]);

    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(LATER), stores: { talent, scenes } });
    try {
      // Reads say so, and say the next refresh replaces the row.
      const read = await outcome(radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 3 }));
      expect(read).toMatchObject({ ok: false, error: 'STORE_SCHEMA_MISMATCH' });
      expect(read.ok ? '' : read.message).toContain('the next refresh replaces it');
      // So the next refresh must run and replace it.
      const refreshed = await outcome(radar.talent.refresh());
      expect(refreshed.ok ? 'refreshed' : `${refreshed.error}: ${refreshed.message}`).toBe('refreshed');
      const [after] = await talent.talent_radar_state.getMany([{ name: 'last-refresh' }]);
      expect((after!.value as { asOf: string }).asOf).toBe(LATER.toISOString());
    } finally {
      await radar.close();
    }
  });

  it('a last-refresh row (PostgreSQL, edited by hand) whose asOf is not an instant is STORE_SCHEMA_MISMATCH, never served as meta.asOf', async () => {
    const schema = `${prefix}_${schemas.length}`;
    schemas.push(schema);
    const stores = createPostgresStores({ pool: poolOf() }, { schema, migrate: true });
    await stores.ready();
    await refreshedOnce(stores.talent, stores.scenes);
    await poolOf().query(
      `UPDATE "${schema}".talent_radar_state SET value = jsonb_set(value, '{asOf}', '"last tuesday"') WHERE name = 'last-refresh'`,
    );

    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(LATER), stores });
    try {
      const pulse = await outcome(radar.talent.aggregator.buildGlobalPulse({ limit: 3 }));
      // Served today: 200 with meta.asOf "last tuesday" (and no record counted as stale).
      const seen = pulse.ok ? { asOf: pulse.value.meta.asOf } : { error: pulse.error };
      expect(seen).toEqual({ error: 'STORE_SCHEMA_MISMATCH' });
    } finally {
      await radar.close();
    }
  });

  it('a refresh over a last-refresh row whose asOf is not an instant fails with a documented code (or replaces the row), not a bare RangeError "Invalid time value"', async () => {
    const talent = memoryTalentStores();
    const scenes = memoryScenesStores();
    const state = await refreshedOnce(talent, scenes);
    const value = copy(state);
    value.asOf = 'not-a-date';
    await talent.talent_radar_state.upsert([{ ...state, value }]);

    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(LATER), stores: { talent, scenes } });
    try {
      const refreshed = await outcome(radar.talent.refresh());
      // Either the refresh replaces the row (docs/persistence.md), or it says which row it cannot read.
      const seen = refreshed.ok ? 'STORE_SCHEMA_MISMATCH' : refreshed.error;
      expect(seen, refreshed.ok ? '' : refreshed.message).toBe('STORE_SCHEMA_MISMATCH');
    } finally {
      await radar.close();
    }
  });

  it('stored peer statistics with a "NaN" median (never written by the code) are refused, not read as "no activity evidence" for artists that have it', async () => {
    const talent = memoryTalentStores();
    const scenes = memoryScenesStores();
    const state = await refreshedOnce(talent, scenes);
    const picked = slugs.slice(0, 3);
    const healthy = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW), stores: { talent, scenes } });
    const before = await healthy.talent.scoreArtists(picked, { asOf: NOW });
    await healthy.close();
    expect(before.artists.map((a) => a.status)).toEqual(['ok', 'ok', 'ok']);

    const value = copy(state);
    for (const k of Object.keys(value.peers.overall)) value.peers.overall[k].median = 'NaN';
    value.peers.stats = value.peers.stats.map(() =>
      Object.fromEntries(Object.keys(value.peers.overall).map((k) => [k, null])),
    );
    await talent.talent_radar_state.upsert([{ ...state, value }]);

    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW), stores: { talent, scenes } });
    try {
      const got = await outcome(radar.talent.scoreArtists(picked, { asOf: NOW }));
      // Today: every artist 'insufficient', momentum and breakout null, "no activity evidence".
      const seen = got.ok ? got.value.artists.map((a) => `${a.status}: ${a.reason ?? ''}`) : got.error;
      expect(seen).toBe('STORE_SCHEMA_MISMATCH');
    } finally {
      await radar.close();
    }
  });

  it('stored peer statistics whose distribution values are not ascending are refused, not used to compute silently different breakout scores', async () => {
    const talent = memoryTalentStores();
    const scenes = memoryScenesStores();
    const state = await refreshedOnce(talent, scenes);
    const picked = slugs.slice(0, 5);
    const healthy = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW), stores: { talent, scenes } });
    const before = await healthy.talent.scoreArtists(picked, { asOf: NOW });
    await healthy.close();

    const value = copy(state);
    const activity = value.peers.relative.activity as Record<
      string,
      Record<string, { values: unknown[]; equal: unknown[] }> | null
    >;
    for (const basis of Object.values(activity))
      if (basis)
        for (const d of Object.values(basis)) {
          d.values.reverse();
          d.equal.reverse();
        }
    await talent.talent_radar_state.upsert([{ ...state, value }]);

    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW), stores: { talent, scenes } });
    try {
      const got = await outcome(radar.talent.scoreArtists(picked, { asOf: NOW }));
      // Today: every artist 'ok', with breakout scores up to three times those before the edit.
      const seen = got.ok
        ? {
            before: before.artists.map((a) => a.breakout),
            after: got.value.artists.map((a) => a.breakout),
          }
        : got.error;
      expect(seen).toBe('STORE_SCHEMA_MISMATCH');
    } finally {
      await radar.close();
    }
  });
});

describe('hostile review 59: the Scenes Engine reads back its memberships', () => {
  // Expected failures until 2026-12-06: stored instants are compared as text (in memory and in
  // PostgreSQL's COLLATE "C"), while the row schemas accept an instant with an offset; only a row
  // written or edited outside scene-radar has one (the engines write toISOString()). They pass since
  // the Scenes Engine reads its refreshes from its state row (`scenes_state`), written with
  // toISOString(), not from the membership rows. Still true of stores written before that row
  // existed (read from their rows until the next refresh writes it), and of scans ordered by a
  // stored instant: the lasting fix is one canonical form at the table layer.
  it('refreshedAsOf is the latest membership as_of by instant, not by text: a stored instant with an offset (valid by the row schema) moves it back in time', async () => {
    const talent = memoryTalentStores();
    const scenes = memoryScenesStores();
    await refreshedOnce(talent, scenes);
    // One membership re-dated with an offset: 2026-11-24T23:00Z, an hour BEFORE the refresh (the
    // row schema takes instants "with `Z` or an offset").
    const [row] = await scenes.scene_memberships.scan({ limit: 1 });
    await scenes.scene_memberships.upsert([{ ...row!, as_of: '2026-11-25T08:00:00+09:00' }]);

    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW), stores: { talent, scenes } });
    try {
      // Every other membership is as of NOW: the latest is NOW. Today: 2026-11-24T23:00:00.000Z
      // (the text "2026-11-25T08..." sorts above "2026-11-25T00...").
      expect(await radar.scenes.refreshedAsOf()).toBe(NOW.toISOString());
    } finally {
      await radar.close();
    }
  });

  it('the same on PostgreSQL: refreshedAsOf over a hand-edited membership as_of with an offset is the latest instant', async () => {
    const schema = `${prefix}_${schemas.length}`;
    schemas.push(schema);
    const stores = createPostgresStores({ pool: poolOf() }, { schema, migrate: true });
    await stores.ready();
    await refreshedOnce(stores.talent, stores.scenes);
    const updated = await poolOf().query(
      `UPDATE "${schema}".scene_memberships SET as_of = '2026-11-25T08:00:00+09:00'
         WHERE ctid = (SELECT ctid FROM "${schema}".scene_memberships LIMIT 1)`,
    );
    expect(updated.rowCount).toBe(1);

    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW), stores });
    try {
      expect(await radar.scenes.refreshedAsOf()).toBe(NOW.toISOString());
    } finally {
      await radar.close();
    }
  });
});

/**
 * Review of today's fixes (hostile reviews 56-61): faults the fixes themselves introduced or left.
 * Every test here fails on the code as reviewed, because of the fault its name states; each
 * expectation is the docs', the CHANGELOG's or the TSDoc's.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { memoryScenesStores, memoryTalentStores } from '../../src/stores/memory-table.js';
import type { ScenesStores, TalentStores } from '../../src/stores/specs.js';
import type { TalentStateRow } from '../../src/stores/tables.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const LATER = new Date('2026-11-26T00:00:00.000Z');
const world = createDemoWorld({ artists: 30, end: '2026-11-25' });

/** The outcome of a promise: 'ok', or the error's code and message. */
const outcome = <T>(p: Promise<T>): Promise<string> =>
  p.then(
    () => 'ok',
    (e: { code?: string; name?: string; message?: string }) => `${e?.code ?? e?.name}: ${e?.message}`,
  );

/** Both engines refreshed once as of NOW over the stores; the stored `last-refresh` row. */
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

/** Stores whose `last-refresh` row this version cannot read (a field of a type it refuses). */
async function unreadableState(): Promise<{ talent: TalentStores; scenes: ScenesStores }> {
  const talent = memoryTalentStores();
  const scenes = memoryScenesStores();
  const state = await refreshedOnce(talent, scenes);
  const value = JSON.parse(JSON.stringify(state.value)) as Record<string, unknown>;
  value.failedKept = -1;
  await talent.talent_radar_state.upsert([{ ...state, value } as TalentStateRow]);
  return { talent, scenes };
}

/** `talent` with every `talent_radar_state.getMany` answered `ms` later. */
function slowStateReads(talent: TalentStores, ms: number): TalentStores {
  const table = talent.talent_radar_state;
  const slow = new Proxy(table, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (prop === 'getMany')
        return async (...args: unknown[]) => {
          await new Promise((r) => setTimeout(r, ms));
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return new Proxy(talent, {
    get(target, prop) {
      if (prop === 'talent_radar_state') return slow;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe('hostile review 59 fix (ce86371, d5c962f): a refresh replaces an unreadable last-refresh row', () => {
  it('a sharded refresh replaces an unreadable last-refresh row as a single-process one does: refreshShard does not refuse it (planRefresh and finishRefresh tolerate it, the shards in between refuse it, so no sharded refresh can ever replace it)', async () => {
    // CHANGELOG (review 59): "a refresh (and checkRefresh, planRefresh, finishRefresh) reads such
    // a row as no stored refresh and replaces it". refreshShard (src/talent/talent-radar.ts)
    // calls the plain `this.loadState()`, which refuses the row: every shard fails (on every
    // attempt), so the sharded refresh is refused for good, the fault review 59 fixed for
    // refresh().
    const { talent, scenes } = await unreadableState();
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(LATER), stores: { talent, scenes } });
    try {
      const plan = await radar.talent.planRefresh(LATER);
      expect(plan.artists.length).toBeGreaterThan(0);
      const staged = await outcome(
        radar.talent.refreshShard({ refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists }),
      );
      expect(staged).toBe('ok');
      const finished = await outcome(
        radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 }),
      );
      expect(finished).toBe('ok');
      const [after] = await talent.talent_radar_state.getMany([{ name: 'last-refresh' }]);
      expect((after!.value as { asOf: string }).asOf).toBe(LATER.toISOString());
    } finally {
      await radar.close();
    }
  });

  it("a read that starts while a refresh (checkRefresh) reads the unreadable row still refuses it: it does not join the refresh's tolerant read and get served as if no refresh were stored", async () => {
    // d5c962f: the refresh's tolerant read "is not remembered for the other reads, which keep
    // refusing the row until a refresh has replaced it". But #loadState stores the tolerant
    // attempt in #loaded while it is in flight, and loadState() (every read's) returns #loaded:
    // a read arriving meanwhile resolves with it and is served (scoreArtists fits peers of its
    // own), though alone it is STORE_SCHEMA_MISMATCH.
    const { talent, scenes } = await unreadableState();
    const stores = { talent: slowStateReads(talent, 150), scenes };
    const slugs = world.dataset.artistSlugs().slice(0, 3);

    // Guard: on its own, the read refuses the row.
    const alone = createSceneRadar({ sources: world.sources, clock: fixedClock(LATER), stores });
    try {
      expect(await outcome(alone.talent.scoreArtists(slugs))).toMatch(/^STORE_SCHEMA_MISMATCH/);
    } finally {
      await alone.close();
    }

    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(LATER), stores });
    try {
      const check = outcome(radar.talent.checkRefresh(LATER));
      const read = await outcome(radar.talent.scoreArtists(slugs));
      expect(await check).toBe('ok');
      expect(read).toMatch(/^STORE_SCHEMA_MISMATCH/);
    } finally {
      await radar.close();
    }
  });
});

const dir = mkdtempSync(join(tmpdir(), 'todays-changes-5-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hostile review 61 fix (a591a62): scene-radar openapi --out naming a socket', () => {
  it('--out naming a socket is a usage mistake that names it, and leaves the socket as it was (the fix opened it as a file: ENXIO, exit 1)', async () => {
    // The CHANGELOG of review 61 said a socket is written into; it cannot be opened as a file
    // (open(2): ENXIO). Decided: refused as a usage mistake (exit 2), the socket untouched.
    const path = join(dir, 'openapi.sock');
    const server = createServer(() => undefined);
    await new Promise<void>((r) => server.listen(path, r));
    const out: string[] = [];
    const err: string[] = [];
    try {
      const code = await runCli(['openapi', '--out', path], { out: (l) => out.push(l), err: (l) => err.push(l) });
      expect({ code, err: err.join('\n') }).toMatchObject({ code: 2, err: expect.stringContaining('is a socket') });
      expect(statSync(path).isSocket()).toBe(true);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

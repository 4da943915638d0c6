/**
 * Hostile review 122: the Scenes Engine's state row (`scenes_state`, row `last-refresh`). Reviewed:
 * src/scenes/scenes-state.ts (`readScenesState`, `stateFromRows`, `scenesStateRow`), the engine's
 * use of it in src/scenes/engine.ts (`#refresh` and its transaction's conflict check, `#awaitRefresh`
 * on import, `#stateNow` and its `check` in `stateAsOf`, `checkRefresh`, `#refreshInto` for replays)
 * and `ScenePulse`'s default `membershipsAsOf`; held to docs/persistence.md ("What a restart keeps",
 * the unreadable row replaced by "the next refresh"), docs/scenes.md (Catalog: "a restarted process
 * and other instances on the same stores say the same"; memberships_as_of) and docs/scale-out.md ("An
 * instance that did not run the latest refresh"). Two radars over one set of in-memory stores stand
 * for two instances; a table wrapped with a gate orders an import against another instance's refresh.
 *
 * Tests named "FAULT:" failed on the code as reviewed, for the reason their name states (all six fixed in the next
 * commit: an import writes one `awaiting-<scene>` row per new scene and never the `last-refresh` row, a
 * refresh deletes the rows of the scenes it placed, every pulse computation and past-instant read
 * checks the state table, `radar.refresh()` reads the row as the refresh does, and without a
 * `last-refresh` row the instants come from the memberships alone); the others pin behaviour found
 * correct (their checks of awaiting scenes read the `awaiting-<scene>` rows, so on the code as reviewed,
 * where the list was in the `last-refresh` row, one of them fails too).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createDemoWorld, memoryScenesStores, memoryTalentStores } from '../../adapters/memory/index.js';
import { createSceneRadar, fixedClock, type SceneRadar, type SceneRadarSources } from '../../src/index.js';
import type { ScenesStores } from '../../src/stores/specs.js';

const DAY = 86_400_000;
const N = Date.parse('2026-11-25T00:00:00.000Z');
const at = (k: number): Date => new Date(N - k * DAY);
const world = createDemoWorld({ seed: 7, artists: 40, end: '2026-11-24' });
/** A scene with members once placed (5 in this world), left out of the first import. */
const LATE = 'drill-us-philadelphia';
const WITHOUT_LATE = {
  scenes: world.catalog.scenes.filter((s) => s.slug !== LATE),
  microgenres: world.catalog.microgenres,
};
const signal = new AbortController().signal;
const open: SceneRadar[] = [];

type Stores = { scenes: ScenesStores; talent: ReturnType<typeof memoryTalentStores> };

function stores(): Stores {
  return { scenes: memoryScenesStores(), talent: memoryTalentStores() };
}
function radarOn(
  s: Stores,
  now: Date | ReturnType<typeof fixedClock>,
  sources: SceneRadarSources = world.sources,
  config?: Parameters<typeof createSceneRadar>[0]['config'],
): SceneRadar {
  const clock = now instanceof Date ? fixedClock(now) : now;
  const radar = createSceneRadar({ sources, clock, stores: s, ...(config ? { config } : {}) });
  open.push(radar);
  return radar;
}
async function stateOf(s: Stores) {
  return (await s.scenes.scenes_state.get({ name: 'last-refresh' }))?.value;
}
/** The scenes the state table says await a refresh (its `awaiting-<scene>` rows, since the fixes). */
async function awaitingOf(s: Stores) {
  return (await s.scenes.scenes_state.scan())
    .filter((r) => r.name.startsWith('awaiting-'))
    .map((r) => r.name.slice('awaiting-'.length));
}

afterAll(async () => {
  for (const r of open) await r.close().catch(() => undefined);
});

describe('an import racing another instance’s refresh', () => {
  // As reviewed, src/scenes/engine.ts #awaitRefresh read the state row and wrote it back with the new
  // scene added, outside any transaction and with no check that the row was still the one read: a
  // refresh another instance committed in between was overwritten by the state it replaced. Fixed:
  // an import writes only its scenes' `awaiting-<scene>` rows (first, then the catalog), never the
  // `last-refresh` row. The gate holds B's write to the state table (B writes table by table, as
  // stores without a transaction do) while the other instance refreshes: as reviewed, B then wrote
  // back the state it had read; now it writes its scene's row before its catalog rows.
  it('FAULT: an import on one instance overwrites the state row another instance’s refresh committed between its read and its write (last refresh and memberships_as_of move back)', async () => {
    const shared = stores();
    const a = radarOn(shared, at(0));
    await a.scenes.importCatalog(WITHOUT_LATE);
    await a.scenes.refresh(at(3));

    // Instance B: the same tables, no transaction; its writes to the state table wait at a gate.
    let reached!: () => void;
    const reachedP = new Promise<void>((r) => (reached = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { transaction: _none, ...plain } = shared.scenes;
    const table = shared.scenes.scenes_state;
    const bScenes: ScenesStores = {
      ...plain,
      scenes_state: new Proxy(table, {
        get(target, prop, receiver) {
          if (prop === 'upsert')
            return async (...args: Parameters<typeof table.upsert>) => {
              reached();
              await gate;
              return target.upsert(...args);
            };
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(target) : v;
        },
      }),
    };
    const b = radarOn({ scenes: bScenes, talent: shared.talent }, at(0));

    const importing = b.scenes.importCatalog(world.catalog).catch((e: unknown) => e);
    await reachedP;
    // A refreshes (and commits) while B's import is half-way.
    await a.scenes.refresh(at(1));
    expect(await stateOf(shared)).toMatchObject({ asOf: at(1).toISOString(), membershipsAsOf: at(1).toISOString() });
    release();
    expect(await importing).not.toBeInstanceOf(Error);

    // A third instance (or a restart) reads the stores: A's refresh stands, and the scene A's refresh
    // could not place (its catalog read came before the scene) still awaits one.
    const c = radarOn(shared, at(0));
    expect(await c.scenes.refreshedAsOf()).toBe(at(1).toISOString());
    expect(await stateOf(shared)).toMatchObject({ asOf: at(1).toISOString(), membershipsAsOf: at(1).toISOString() });
    expect(await awaitingOf(shared)).toEqual([LATE]);
    await expect(c.scenes.pulse.getScenePulse(LATE)).rejects.toMatchObject({ code: 'SOURCES_UNAVAILABLE' });
  });
});

describe('a refresh’s commit racing another instance’s import', () => {
  // src/scenes/engine.ts #refresh, the transaction: `readScenesState(tx, 'rows')` then
  // `tx.scenes_state.upsert(nextState(..., latest, ...))`, with no lock on the row and no check of
  // `awaiting`: an import another instance writes between the two (PostgreSQL's READ COMMITTED lets
  // it) is overwritten, and the scene it recorded as awaiting a refresh is dropped from the row.
  it('FAULT: an import another instance writes during a refresh’s commit loses its new scene from `awaiting` (the scene then reads as empty, heat 0, instead of unknown)', async () => {
    const shared = stores();
    // Instance B writes table by table (no transaction), as an import does in PostgreSQL outside A's.
    const b = radarOn({ scenes: { ...shared.scenes }, talent: shared.talent }, at(0));
    let during: (() => Promise<unknown>) | undefined;
    const base = shared.scenes;
    const aScenes = { ...base } as ScenesStores;
    Object.defineProperty(aScenes, 'transaction', {
      value: <T>(fn: (tx: ScenesStores) => Promise<T>): Promise<T> =>
        base.transaction!((tx) => {
          const state = tx.scenes_state;
          const hooked = new Proxy(state, {
            get(target, prop, receiver) {
              // The commit's read of the state (a scan since the fixes; a get as reviewed).
              if (prop === 'scan')
                return async (...args: Parameters<typeof state.scan>) => {
                  const row = await target.scan(...args);
                  const run = during;
                  during = undefined;
                  if (run) await run();
                  return row;
                };
              const v = Reflect.get(target, prop, receiver) as unknown;
              return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(target) : v;
            },
          });
          return fn({ ...tx, scenes_state: hooked } as ScenesStores);
        }),
      enumerable: false,
    });
    const a = radarOn({ scenes: aScenes, talent: shared.talent }, at(0));
    await a.scenes.importCatalog(WITHOUT_LATE);
    await a.scenes.refresh(at(3));

    let imported: unknown;
    let rowAfterImport: unknown;
    during = async () => {
      imported = await b.scenes.importCatalog(world.catalog).catch((e: unknown) => e);
      rowAfterImport = await stateOf(shared);
    };
    await a.scenes.refresh(at(1));
    expect(during).toBeUndefined();
    expect(imported).not.toBeInstanceOf(Error);
    expect(rowAfterImport).toMatchObject({ asOf: at(3).toISOString() });
    // B's import landed after A's refresh read the catalog: the scene still awaits a refresh.
    const c = radarOn(shared, at(0));
    expect(await stateOf(shared)).toMatchObject({ asOf: at(1).toISOString() });
    expect(await awaitingOf(shared)).toEqual([LATE]);
    await expect(c.scenes.pulse.getScenePulse(LATE)).rejects.toMatchObject({ code: 'SOURCES_UNAVAILABLE' });
  });
});

describe('a scene imported on another instance', () => {
  it('a radar created after the import reads the scene as awaiting a refresh (heat unknown)', async () => {
    const shared = stores();
    const a = radarOn(shared, at(0));
    await a.scenes.importCatalog(WITHOUT_LATE);
    await a.scenes.refresh(at(1));
    const b = radarOn(shared, at(0));
    await b.scenes.importCatalog(world.catalog);
    expect(await awaitingOf(shared)).toEqual([LATE]);
    const c = radarOn(shared, at(0));
    await expect(c.scenes.pulse.getScenePulse(LATE)).rejects.toMatchObject({ code: 'SOURCES_UNAVAILABLE' });
    // Not an empty scene: the next refresh places artists in it, and clears it from the table.
    await c.scenes.refresh(at(0));
    expect(await awaitingOf(shared)).toEqual([]);
    expect((await c.scenes.pulse.getScenePulse(LATE)).total_members).toBeGreaterThan(0);
  });

  // src/scenes/engine.ts #stateNow: the state is read once and re-read only after this engine's own
  // refresh or import, a later membership row (seenMs) or stateAsOf's check; a pulse read
  // (`awaitsRefresh` over #known) on an instance that already knew the state never sees another
  // instance's import in the row, so docs/scenes.md's "other instances on the same stores say the
  // same" does not hold for a running instance.
  it('FAULT: a running instance that read the state before another instance imported a new scene serves that scene as an empty scene (heat 0) instead of unknown', async () => {
    const shared = stores();
    const a = radarOn(shared, at(0));
    await a.scenes.importCatalog(WITHOUT_LATE);
    await a.scenes.refresh(at(1));
    const b = radarOn(shared, at(0));
    await b.scenes.importCatalog(world.catalog);
    await expect(b.scenes.pulse.getScenePulse(LATE)).rejects.toMatchObject({ code: 'SOURCES_UNAVAILABLE' });
    const fromA = await a.scenes.pulse.getScenePulse(LATE).catch((e: unknown) => e);
    expect(fromA).toMatchObject({ code: 'SOURCES_UNAVAILABLE' });
  });
});

describe('stores written before the row existed, and another instance', () => {
  const T1 = new Date('2026-10-01T00:00:00.000Z');
  const T2 = new Date('2026-11-25T00:00:00.000Z');
  const X = new Date('2026-10-02T12:00:00.000Z');
  const small = createDemoWorld({ seed: 7, artists: 40, scenes: 4, end: '2026-11-24' });
  const GONE = 'canyon-sprites';
  const sources: SceneRadarSources = {
    ...small.sources,
    mig: {
      ...small.sources.mig,
      listArtists: async (query, options) => {
        const page = await small.sources.mig.listArtists(query, options);
        return options.asOf.getTime() >= T2.getTime()
          ? { ...page, items: page.items.filter((item) => item.slug !== GONE) }
          : page;
      },
    },
  };
  const config = { scenes: { membership: { leaveAfterRefreshes: 1 } } };

  async function twoRadars(dropRow: boolean) {
    const shared = stores();
    const clock = fixedClock(T1);
    const a = radarOn(shared, clock, sources, config);
    const b = radarOn(shared, clock, sources, config);
    await a.scenes.importCatalog(small.catalog);
    await a.refresh();
    // As an earlier version left the stores: every row but the state row.
    if (dropRow) await shared.scenes.scenes_state.delete([{ name: 'last-refresh' }]);
    const atT1 = await b.scenesAdapter.getMemberships([GONE], { asOf: T1, signal });
    clock.set(T2);
    await a.refresh();
    return { a, b, atT1 };
  }

  it('with the row: a read as of a past instant on the instance that did not refresh is served as it was then', async () => {
    const { a, b, atT1 } = await twoRadars(false);
    expect(atT1.get(GONE)?.length).toBeGreaterThan(0);
    const fromA = await a.scenesAdapter.getMemberships([GONE], { asOf: X, signal });
    const fromB = await b.scenesAdapter.getMemberships([GONE], { asOf: X, signal });
    expect(fromA.get(GONE)?.length).toBeGreaterThan(0);
    expect(fromB).toEqual(fromA);
  });

  // src/scenes/engine.ts #stateNow: `else if (check && was.stored)`: a state read from the rows
  // (no row yet, stores an earlier version wrote: every store on the day of the upgrade) is never
  // checked again, so the other instance's first refresh, which writes the row, goes unseen and the
  // live tables are served for a past instant (docs/scale-out.md promises the check).
  it('FAULT: after an upgrade (stores without the row), an instance that did not run the next refresh serves the later refresh for a read as of a past instant (artist that refresh removed shows no scene)', async () => {
    const { a, b, atT1 } = await twoRadars(true);
    expect(atT1.get(GONE)?.length).toBeGreaterThan(0);
    const fromA = await a.scenesAdapter.getMemberships([GONE], { asOf: X, signal });
    expect(fromA.get(GONE)?.length).toBeGreaterThan(0);
    const fromB = await b.scenesAdapter.getMemberships([GONE], { asOf: X, signal });
    expect(fromB).toEqual(fromA);
  });
});

describe('a row this version cannot read', () => {
  it('scenes.refresh() replaces it (pinned)', async () => {
    const s = stores();
    const first = radarOn(s, at(0));
    await first.scenes.importCatalog(world.catalog);
    await first.scenes.refresh(at(2));
    await s.scenes.scenes_state.upsert([
      { name: 'last-refresh', value: { asOf: 'last tuesday' }, updated_at: at(2).toISOString() },
    ]);
    const restarted = radarOn(s, at(0));
    await expect(restarted.scenes.refresh(at(1))).resolves.toMatchObject({ asOf: at(1).toISOString() });
  });

  // src/radar.ts refresh -> scenes.checkRefresh (src/scenes/engine.ts) -> #stateNow ->
  // readScenesState(stores) in 'throw' mode: the radar's refresh, the one hosts run, is refused
  // before the Scenes Engine's refresh (which reads the rows) could replace the row, so the radar
  // never recovers by refreshing (docs/persistence.md: "the next refresh ... replaces it").
  it('FAULT: radar.refresh() over an unreadable scenes_state row is refused with STORE_SCHEMA_MISMATCH instead of replacing the row', async () => {
    const s = stores();
    const first = radarOn(s, at(0));
    await first.scenes.importCatalog(world.catalog);
    await first.scenes.refresh(at(2));
    await s.scenes.scenes_state.upsert([
      { name: 'last-refresh', value: { asOf: 'last tuesday' }, updated_at: at(2).toISOString() },
    ]);
    const restarted = radarOn(s, at(0));
    const result = await restarted.refresh(at(1)).catch((e: unknown) => e);
    expect(result).not.toMatchObject({ code: 'STORE_SCHEMA_MISMATCH' });
    expect(await stateOf(s)).toMatchObject({ asOf: at(1).toISOString() });
  });
});

describe('backfills and the last refresh', () => {
  it('with a refresh before it, a backfill does not move the last refresh (pinned)', async () => {
    const s = stores();
    const radar = radarOn(s, at(0));
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(at(30));
    await radar.scenes.backfillTrends({ from: at(12), to: at(2) });
    await expect(radar.scenes.refresh(at(20))).resolves.toMatchObject({ asOf: at(20).toISOString() });
  });

  // src/scenes/scenes-state.ts stateFromRows: with no row, the last refresh is the later of the
  // memberships' and the latest trend row's as_of, so a backfill's trend rows count as a refresh;
  // #awaitRefresh then even writes that instant into the row as `asOf` (docs/persistence.md: "A
  // backfill's trend rows, dated up to yesterday, do not move the last refresh"; tables.ts: "A
  // backfill never writes it").
  it('FAULT: in new stores, a backfill before the first refresh moves the last refresh: a refresh as of an instant before the backfill’s last day is refused, and a later import writes the backfill’s instant into the row as the last refresh', async () => {
    const s = stores();
    const radar = radarOn(s, at(0));
    await radar.scenes.importCatalog(WITHOUT_LATE);
    await radar.scenes.backfillTrends({ from: at(12), to: at(2) });
    await radar.scenes.importCatalog(world.catalog);
    const row = await stateOf(s);
    const refreshed = await radar.scenes.refresh(at(20)).catch((e: unknown) => e);
    // Refused: SCENES_INVALID_PARAMS, "before the last refresh" (2026-11-24, the backfill's last snapshot).
    expect(refreshed).toMatchObject({ asOf: at(20).toISOString() });
    // No refresh ran: an import before the first refresh records nothing.
    expect(row).toBeUndefined();
  });
});

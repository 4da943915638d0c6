/**
 * Hostile review 119: mutating calls overlapping in one process. A host's admin route and its cron
 * call one radar (in-memory stores, a 60-artist demo world, a fixed clock) at the same time:
 * `refresh()` twice (one instant, two instants), `refresh()` with `scenes.importCatalog()`,
 * `talent.setBreakoutModel()` / `resetBreakoutModel()`, `scenes.backfillTrends()` or `close()`;
 * `scenes.refresh()` with `talent.refresh()`; `importCatalog()` twice; and HTTP reads
 * (`createFetchHandler`) in flight. Source reads held at a gate (MIG `getNetworks`, read by the
 * Scenes refresh; press `getArticles`, read by the Talent refresh only) force each interleaving.
 * The standard: every call completes or rejects with its documented code, the tables afterwards
 * equal those of SOME serial order of the calls (each order run on a fresh radar and compared
 * table by table), nothing hangs (every await is bounded), no unhandled rejection, and a read in
 * flight answers the state before or the state after, never a 500 or a mix.
 *
 * Tests named "FAULT:" failed on the code as reviewed (the catalog import's fixed in the same commit: it waits for a refresh in flight; three expected failures, left: the two engines commit one after the other; the refresh's TSDoc says so), for the reason their name states; the others pin behaviour found correct.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CoverageAdapter,
  createSceneRadar,
  fixedClock,
  type MIGAdapter,
  type SceneRadar,
} from '../../src/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { memoryScenesStores, memoryTalentStores, SCENES_TABLES, TALENT_TABLES } from '../../src/stores.js';

const T1 = new Date('2026-06-10T06:00:00.000Z');
const T2 = new Date('2026-06-12T06:00:00.000Z');

/** A door a source call waits at while it is armed: `reached` once a call waits, `open()` lets all through. */
class Gate {
  armed = false;
  #open: () => void = () => undefined;
  #reach: () => void = () => undefined;
  opened: Promise<void> = Promise.resolve();
  reached: Promise<void> = Promise.resolve();
  arm(): void {
    this.armed = true;
    this.opened = new Promise((r) => {
      this.#open = r;
    });
    this.reached = new Promise((r) => {
      this.#reach = r;
    });
  }
  async pass(): Promise<void> {
    if (!this.armed) return;
    this.#reach();
    await this.opened;
  }
  open(): void {
    this.armed = false;
    this.#open();
  }
}

/** `p`, or a rejection naming `what` after `ms`: nothing in this file may hang. */
function within<T>(p: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: ${what}`)), ms);
  });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

/** The code a call settled with: `ok` when it resolved. */
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'ok',
    (e: unknown) => String((e as { code?: unknown }).code ?? e),
  );

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const world = createDemoWorld({ artists: 60, seed: 119, end: '2026-06-30' });
const scene0 = world.catalog.scenes[0]!;
/** The catalog with one scene more: a copy of the first scene's sound, under a new slug. */
const withClone = {
  ...world.catalog,
  scenes: [...world.catalog.scenes, { ...scene0, slug: 'x-clone', name: 'X Clone' }],
};
/** Two changed catalogs: each renames the first scene and adds a scene of its own. */
const catalogA = {
  ...world.catalog,
  scenes: [{ ...scene0, name: 'Renamed A' }, ...world.catalog.scenes.slice(1), { ...scene0, slug: 'x-a', name: 'X A' }],
};
const catalogB = {
  ...world.catalog,
  scenes: [{ ...scene0, name: 'Renamed B' }, ...world.catalog.scenes.slice(1), { ...scene0, slug: 'x-b', name: 'X B' }],
};

type State = Record<string, readonly string[]>;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

interface Ctx {
  readonly radar: SceneRadar;
  /** Holds MIG `getNetworks` (the Scenes refresh's membership reads; the Talent refresh reads them too). */
  readonly nets: Gate;
  /** Holds press `getArticles` (read by the Talent refresh only). */
  readonly press: Gate;
  readonly snapshot: () => Promise<State>;
  readonly get: (path: string) => Promise<{ status: number; data: string }>;
}

function setup(): Ctx {
  const nets = new Gate();
  const press = new Gate();
  const mig = world.sources.mig;
  const coverage = world.sources.coverage!;
  const gatedMig: MIGAdapter = {
    ...mig,
    getNetworks: async (slugs, options) => {
      await nets.pass();
      return mig.getNetworks(slugs, options);
    },
  };
  const gatedCoverage: CoverageAdapter = {
    ...coverage,
    getArticles: async (...args: Parameters<CoverageAdapter['getArticles']>) => {
      await press.pass();
      return coverage.getArticles(...args);
    },
  };
  const scenes = memoryScenesStores();
  const talent = memoryTalentStores();
  const radar = createSceneRadar({
    sources: { ...world.sources, mig: gatedMig, coverage: gatedCoverage },
    clock: fixedClock(T2),
    stores: { scenes, talent },
  });
  const handler = createFetchHandler(radar);
  const snapshot = async (): Promise<State> => {
    const out: Record<string, string[]> = {};
    for (const name of Object.keys(SCENES_TABLES) as (keyof typeof SCENES_TABLES)[])
      out[name] = ((await scenes[name].scan()) as unknown[]).map((r) => JSON.stringify(r).replace(UUID, 'ID')).sort();
    for (const name of Object.keys(TALENT_TABLES) as (keyof typeof TALENT_TABLES)[])
      out[name] = ((await talent[name].scan()) as unknown[]).map((r) => JSON.stringify(r).replace(UUID, 'ID')).sort();
    return out;
  };
  const get = async (path: string) => {
    const response = await handler(new Request(`http://x/api${path}`));
    return { status: response.status, data: (await response.text()).replace(UUID, 'ID') };
  };
  return { radar, nets, press, snapshot, get };
}

type Step = (c: Ctx) => Promise<unknown>;
interface Run {
  readonly outcomes: readonly string[];
  readonly state: State;
}

/** `prep`, then `ops` one after the other. */
async function serial(prep: Step, ops: readonly Step[]): Promise<Run> {
  const c = setup();
  try {
    await within(prep(c), 'prep');
    const outcomes: string[] = [];
    for (const op of ops) outcomes.push(await within(outcome(op(c)), 'serial op'));
    return { outcomes, state: await c.snapshot() };
  } finally {
    await within(c.radar.close(), 'close');
  }
}

/**
 * `prep`, then `a` started and held at `gate`; `b` started while `a` is held (awaited there when
 * `bFirst`, else given 30 ms), then the gate opened and both awaited.
 */
async function overlapped(
  prep: Step,
  a: Step,
  b: Step,
  gate: 'nets' | 'press',
  bFirst: boolean,
  during?: (c: Ctx) => Promise<void>,
  /** Hold only the calls that reached the gate before `b` starts (`b`'s own reads pass). */
  holdFirstOnly = false,
): Promise<Run> {
  const c = setup();
  try {
    await within(prep(c), 'prep');
    c[gate].arm();
    const pa = within(outcome(a(c)), 'first call');
    pa.catch(() => undefined);
    await within(c[gate].reached, 'gate reached');
    if (holdFirstOnly) c[gate].armed = false;
    const pb = within(outcome(b(c)), 'second call');
    pb.catch(() => undefined);
    if (bFirst) await pb;
    else await pause(30);
    if (during) await during(c);
    c[gate].open();
    const outcomes = await Promise.all([pa, pb]);
    return { outcomes, state: await c.snapshot() };
  } finally {
    c.nets.open();
    c.press.open();
    await within(c.radar.close(), 'close');
  }
}

/** The names of the tables where `run` differs from `other`. */
function differing(run: State, other: State): string[] {
  return Object.keys(run).filter((k) => JSON.stringify(run[k]) !== JSON.stringify(other[k]));
}

/** Checks `got` is the outcome of A;B or of B;A (outcomes listed as [a, b]). */
async function expectSomeSerialOrder(got: Run, prep: Step, a: Step, b: Step): Promise<'ab' | 'ba'> {
  const ab = await serial(prep, [a, b]);
  const baRaw = await serial(prep, [b, a]);
  const ba = { outcomes: [baRaw.outcomes[1]!, baRaw.outcomes[0]!], state: baRaw.state };
  const vsAb = differing(got.state, ab.state);
  const vsBa = differing(got.state, ba.state);
  const matchAb = vsAb.length === 0 && JSON.stringify(got.outcomes) === JSON.stringify(ab.outcomes);
  const matchBa = vsBa.length === 0 && JSON.stringify(got.outcomes) === JSON.stringify(ba.outcomes);
  const why = `outcomes ${JSON.stringify(got.outcomes)} (A;B ${JSON.stringify(ab.outcomes)}, B;A ${JSON.stringify(ba.outcomes)}); tables unlike A;B: ${vsAb.join(', ') || 'none'}; unlike B;A: ${vsBa.join(', ') || 'none'}`;
  expect(matchAb || matchBa, `the overlapped calls left what no serial order leaves: ${why}`).toBe(true);
  return matchAb ? 'ab' : 'ba';
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  await pause(20);
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled, 'no unhandled rejection').toEqual([]);
});

const imported: Step = (c) => c.radar.scenes.importCatalog(world.catalog);
const refreshedOnce: Step = async (c) => {
  await c.radar.scenes.importCatalog(world.catalog);
  await c.radar.refresh(T1);
};
const refreshAt =
  (t: Date): Step =>
  (c) =>
    c.radar.refresh(t);

const importClone: Step = (c) => c.radar.scenes.importCatalog(withClone);
const changedModel: Step = (c) =>
  c.radar.talent.setBreakoutModel({ ...c.radar.talent.breakoutModel(), intercept: 1.5 });
const backfill: Step = (c) =>
  c.radar.scenes.backfillTrends({ from: new Date('2026-06-08T00:00:00Z'), to: new Date('2026-06-11T00:00:00Z') });

/** The routes a dashboard polls: scene pulses, pages, trends, the Talent pulse and top list. */
const ROUTES = [
  '/scene-pulse?limit=5',
  `/scenes/${scene0.slug}/pulse`,
  `/scenes/${scene0.slug}/memberships?limit=50`,
  `/scenes/${scene0.slug}/related`,
  `/scenes/${scene0.slug}/trends?days=5`,
  '/scenes?limit=100',
  '/talent/pulse?limit=5',
  '/talent/top?category=rising&limit=5',
] as const;
const readAll = (c: Ctx) => within(Promise.all(ROUTES.map((p) => c.get(p))), 'reads');

describe('hostile review 119: mutating calls overlapping in one process', () => {
  it('two refreshes at one instant, overlapped in either engine, both resolve and leave what one leaves', async () => {
    for (const gate of ['nets', 'press'] as const) {
      const got = await overlapped(imported, refreshAt(T2), refreshAt(T2), gate, false);
      expect(got.outcomes).toEqual(['ok', 'ok']);
      await expectSomeSerialOrder(got, imported, refreshAt(T2), refreshAt(T2));
    }
  });

  it('refresh(T1) overlapped by refresh(T2): both run, in the order called', async () => {
    const got = await overlapped(imported, refreshAt(T1), refreshAt(T2), 'nets', false);
    expect(got.outcomes).toEqual(['ok', 'ok']);
    expect(await expectSomeSerialOrder(got, imported, refreshAt(T1), refreshAt(T2))).toBe('ab');
  });

  it('refresh(T2) overlapped by refresh(T1): the earlier instant is refused (SCENES_INVALID_PARAMS), nothing of it written', async () => {
    const got = await overlapped(imported, refreshAt(T2), refreshAt(T1), 'nets', false);
    expect(got.outcomes).toEqual(['ok', 'SCENES_INVALID_PARAMS']);
    expect(await expectSomeSerialOrder(got, imported, refreshAt(T2), refreshAt(T1))).toBe('ab');
    // No trend row of the refused refresh's day (2026-06-09).
    expect(got.state.scene_trends!.some((r) => r.includes('"day":"2026-06-09"'))).toBe(false);
  });

  it('FAULT: a catalog import landing while a refresh reads its memberships leaves relationships of the new catalog over memberships of the old (no serial order)', async () => {
    // Held while the refresh reads networks for its memberships (it has scanned the catalog); the
    // import is called meanwhile. As reviewed, it completed at once (not awaited here: since the
    // fix in the same commit it waits for the refresh, one at a time, and would never complete
    // while the gate holds the refresh).
    const got = await overlapped(imported, refreshAt(T2), importClone, 'nets', false);
    expect(got.outcomes).toEqual(['ok', 'ok']);
    const named = (table: string) => got.state[table]!.filter((r) => r.includes('"scene_slug":"x-clone"')).length;
    // The new scene is related to others by the refresh, which placed nobody in it.
    expect(
      { relationships: named('scene_relationships') > 0, memberships: named('scene_memberships') > 0 },
      'relationships of a scene exist only with its memberships (both from one catalog)',
    ).toEqual({ relationships: named('scene_memberships') > 0, memberships: named('scene_memberships') > 0 });
    expect(await expectSomeSerialOrder(got, imported, refreshAt(T2), importClone)).toBe('ab');
  });

  it('a catalog import during the Talent half of a refresh: as the refresh, then the import', async () => {
    const got = await overlapped(imported, refreshAt(T2), importClone, 'press', true);
    expect(got.outcomes).toEqual(['ok', 'ok']);
    expect(await expectSomeSerialOrder(got, imported, refreshAt(T2), importClone)).toBe('ab');
  });

  it('setBreakoutModel / resetBreakoutModel during a refresh: as some serial order, the model row one call wrote', async () => {
    const got = await overlapped(refreshedOnce, refreshAt(T2), changedModel, 'press', true);
    expect(got.outcomes).toEqual(['ok', 'ok']);
    await expectSomeSerialOrder(got, refreshedOnce, refreshAt(T2), changedModel);
    expect(got.state.talent_radar_state!.some((r) => r.includes('"intercept":1.5'))).toBe(true);
    const withModel: Step = async (c) => {
      await refreshedOnce(c);
      await changedModel(c);
    };
    const reset: Step = (c) => c.radar.talent.resetBreakoutModel();
    const got2 = await overlapped(withModel, refreshAt(T2), reset, 'press', true);
    expect(got2.outcomes).toEqual(['ok', 'ok']);
    await expectSomeSerialOrder(got2, withModel, refreshAt(T2), reset);
    expect(got2.state.talent_radar_state!.some((r) => r.includes('"intercept":1.5'))).toBe(false);
  });

  it('backfillTrends overlapping a refresh (both held at MIG; or during its Talent half): some serial order', async () => {
    const held = await overlapped(imported, refreshAt(T2), backfill, 'nets', false);
    expect(held.outcomes).toEqual(['ok', 'ok']);
    await expectSomeSerialOrder(held, imported, refreshAt(T2), backfill);
    const talentHalf = await overlapped(imported, refreshAt(T2), backfill, 'press', true);
    expect(talentHalf.outcomes).toEqual(['ok', 'ok']);
    await expectSomeSerialOrder(talentHalf, imported, refreshAt(T2), backfill);
  });

  it('scenes.refresh held at MIG while talent.refresh runs: as talent.refresh, then scenes.refresh', async () => {
    const scenesRefresh: Step = (c) => c.radar.scenes.refresh(T2);
    const talentRefresh: Step = (c) => c.radar.talent.refresh(T2);
    // The Talent refresh reads MIG networks too: only the Scenes refresh's held read waits, and the
    // Talent refresh runs to its end before the Scenes one goes on (with both held at the gate and
    // released together, the Scenes one could commit during the Talent one: the expected failure
    // below, and this test was flaky under load).
    const got = await overlapped(refreshedOnce, scenesRefresh, talentRefresh, 'nets', true, undefined, true);
    expect(got.outcomes).toEqual(['ok', 'ok']);
    await expectSomeSerialOrder(got, refreshedOnce, scenesRefresh, talentRefresh);
  });

  it.fails('FAULT: scenes.refresh committing while talent.refresh is held leaves artist records of the old Scenes state and scene roll-ups (heat) of the new (no serial order)', async () => {
    const talentRefresh: Step = (c) => c.radar.talent.refresh(T2);
    const scenesRefresh: Step = (c) => c.radar.scenes.refresh(T2);
    const got = await overlapped(refreshedOnce, talentRefresh, scenesRefresh, 'press', true);
    expect(got.outcomes).toEqual(['ok', 'ok']);
    await expectSomeSerialOrder(got, refreshedOnce, talentRefresh, scenesRefresh);
  });

  it('close() during the Scenes half of a refresh: the refresh rejects RADAR_CLOSED and writes nothing (as close, then refresh)', async () => {
    const close: Step = (c) => c.radar.close();
    const got = await overlapped(refreshedOnce, refreshAt(T2), close, 'nets', true);
    expect(got.outcomes).toEqual(['RADAR_CLOSED', 'ok']);
    expect(await expectSomeSerialOrder(got, refreshedOnce, refreshAt(T2), close)).toBe('ba');
  });

  it.fails('FAULT: close() during the Talent half of radar.refresh: it rejects RADAR_CLOSED yet its Scenes half stays written (no serial order)', async () => {
    const close: Step = (c) => c.radar.close();
    const got = await overlapped(refreshedOnce, refreshAt(T2), close, 'press', true);
    expect(got.outcomes).toEqual(['RADAR_CLOSED', 'ok']);
    await expectSomeSerialOrder(got, refreshedOnce, refreshAt(T2), close);
  });

  it('a profile read in flight when close() lands answers 503 RADAR_CLOSED, not 500', async () => {
    const c = setup();
    try {
      await refreshedOnce(c);
      const top = JSON.parse((await c.get('/talent/top?category=rising&limit=1')).data) as {
        data: { artists: { artist_slug: string }[] };
      };
      const slug = top.data.artists[0]!.artist_slug;
      c.press.arm();
      const read = within(c.get(`/talent/artists/${slug}?skipCache=true`), 'profile read');
      read.catch(() => undefined);
      await within(c.press.reached, 'profile read reached the press source');
      await within(c.radar.close(), 'close');
      c.press.open();
      const res = await read;
      expect(res.status).toBe(503);
      expect(JSON.parse(res.data)).toMatchObject({ ok: false, error: { code: 'RADAR_CLOSED' } });
    } finally {
      c.press.open();
      await within(c.radar.close(), 'close');
    }
  });

  it('importCatalog twice with different catalogs, not awaited: some serial order; the scenes new to either wait for a refresh (503 SOURCES_UNAVAILABLE)', async () => {
    const importA: Step = (c) => c.radar.scenes.importCatalog(catalogA);
    const importB: Step = (c) => c.radar.scenes.importCatalog(catalogB);
    const c = setup();
    try {
      await refreshedOnce(c);
      const pa = within(outcome(importA(c)), 'import A');
      const pb = within(outcome(importB(c)), 'import B');
      const got = { outcomes: await Promise.all([pa, pb]), state: await c.snapshot() };
      expect(got.outcomes).toEqual(['ok', 'ok']);
      await expectSomeSerialOrder(got, refreshedOnce, importA, importB);
      for (const slug of ['x-a', 'x-b']) {
        const res = await within(c.get(`/scenes/${slug}/pulse`), 'pulse');
        expect(res.status).toBe(503);
        expect(JSON.parse(res.data)).toMatchObject({ error: { code: 'SOURCES_UNAVAILABLE' } });
      }
      const renamed = JSON.parse((await c.get(`/scenes/${scene0.slug}/pulse`)).data) as { data: { name: string } };
      expect(['Renamed A', 'Renamed B']).toContain(renamed.data.name);
      expect(got.state.scenes!.some((r) => r.includes(`"name":"${renamed.data.name}"`))).toBe(true);
    } finally {
      await within(c.radar.close(), 'close');
    }
  });

  it('HTTP reads while a refresh holds its Scenes half: every answer 200 and equal to the state before', async () => {
    const c = setup();
    try {
      await refreshedOnce(c);
      const before = await readAll(c);
      c.nets.arm();
      const r = within(c.radar.refresh(T2), 'refresh');
      r.catch(() => undefined);
      await within(c.nets.reached, 'refresh reached MIG');
      const during = await readAll(c);
      c.nets.open();
      await r;
      const after = await readAll(c);
      ROUTES.forEach((route, i) => {
        expect({ route, status: during[i]!.status }).toEqual({ route, status: 200 });
        expect({ route, data: during[i]!.data }).toEqual({ route, data: before[i]!.data });
        expect(after[i]!.status).toBe(200);
      });
      // The refresh changed what these routes answer: the comparison above is not vacuous.
      expect(ROUTES.filter((_, i) => after[i]!.data !== before[i]!.data).length).toBeGreaterThan(3);
    } finally {
      c.nets.open();
      await within(c.radar.close(), 'close');
    }
  });

  it('HTTP reads while radar.refresh holds its Talent half: scene routes answer the state after, the top list the state before, all 200', async () => {
    const c = setup();
    try {
      await refreshedOnce(c);
      const before = await readAll(c);
      c.press.arm();
      const r = within(c.radar.refresh(T2), 'refresh');
      r.catch(() => undefined);
      await within(c.press.reached, 'refresh reached the press source');
      const during = await readAll(c);
      c.press.open();
      await r;
      const after = await readAll(c);
      ROUTES.forEach((route, i) => {
        expect({ route, status: during[i]!.status }).toEqual({ route, status: 200 });
        if (route.startsWith('/scene'))
          expect({ route, data: during[i]!.data }).toEqual({ route, data: after[i]!.data });
      });
      const top = ROUTES.indexOf('/talent/top?category=rising&limit=5');
      expect(during[top]!.data).toBe(before[top]!.data);
    } finally {
      c.press.open();
      await within(c.radar.close(), 'close');
    }
  });

  it.fails('FAULT: a Talent pulse read while radar.refresh is between its Scenes and Talent commits answers neither the state before nor after (records of T1, hottest scenes of T2)', async () => {
    const c = setup();
    try {
      await refreshedOnce(c);
      const route = '/talent/pulse?limit=5';
      const before = await within(c.get(route), 'pulse before');
      c.press.arm();
      const r = within(c.radar.refresh(T2), 'refresh');
      r.catch(() => undefined);
      await within(c.press.reached, 'refresh reached the press source');
      const during = await within(c.get(route), 'pulse during');
      c.press.open();
      await r;
      const after = await within(c.get(route), 'pulse after');
      expect(during.status).toBe(200);
      const part = (text: string) => {
        const d = (JSON.parse(text) as { data: { meta: { asOf: string }; hottestScenes: unknown } }).data;
        return { recordsAsOf: d.meta.asOf, hottestScenes: JSON.stringify(d.hottestScenes) };
      };
      const seen = part(during.data);
      const which = [part(before.data), part(after.data)].map(
        (p) =>
          `records ${p.recordsAsOf === seen.recordsAsOf ? 'same' : 'other'}, hottest scenes ${p.hottestScenes === seen.hottestScenes ? 'same' : 'other'}`,
      );
      expect(
        [before.data, after.data],
        `the pulse in flight is the one before or the one after (vs before: ${which[0]}; vs after: ${which[1]})`,
      ).toContain(during.data);
    } finally {
      c.press.open();
      await within(c.radar.close(), 'close');
    }
  });
});

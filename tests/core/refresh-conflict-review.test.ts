/**
 * Hostile review of the refresh conflicts (commit 208568f): a refresh computed over tables another
 * instance replaced is computed again. Two radars over ONE set of memory stores stand for two
 * instances over PostgreSQL; interleavings are forced by holding one radar's commits.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from 'scene-radar';
import { createDemoWorld, createMemoryStores } from 'scene-radar/adapters/memory';

const T1 = '2026-11-25T00:00:00.000Z';
const T2 = '2026-12-20T00:00:00.000Z';
const world = createDemoWorld({ seed: 5, artists: 30, scenes: 4, end: '2026-12-31' });

interface Logged {
  level: string;
  msg: string | undefined;
}

function logger(into: Logged[]) {
  return {
    info: (_o: Record<string, unknown>, msg?: string) => into.push({ level: 'info', msg }),
    warn: (_o: Record<string, unknown>, msg?: string) => into.push({ level: 'warn', msg }),
    error: (_o: Record<string, unknown>, msg?: string) => into.push({ level: 'error', msg }),
  };
}

/** A view of `set` whose `transaction` waits for `release()`; `reached` resolves at the first one. */
function heldView<S extends object>(set: S): { view: S; reached: Promise<void>; release(): void } {
  const transaction = (set as unknown as { transaction: (fn: unknown) => Promise<unknown> }).transaction.bind(set);
  let release!: () => void;
  let reach!: () => void;
  const reached = new Promise<void>((r) => (reach = r));
  const released = new Promise<void>((r) => (release = r));
  const view = {
    ...set,
    transaction: async (fn: unknown) => {
      reach();
      await released;
      return transaction(fn);
    },
  } as S;
  return { view, reached, release };
}

/**
 * Radar `a` over `shared` with its `engine` commits held until `held.release()`, as of `aAt`, and
 * radar `b` over the same stores, as of `bAt`: two instances, one of them paused at its commit.
 */
function heldPair(engine: 'scenes' | 'talent', aAt: string, bAt: string, logs?: Logged[]) {
  const shared = createMemoryStores();
  const held = heldView(shared[engine]);
  const a: SceneRadar = createSceneRadar({
    sources: world.sources,
    stores: { ...shared, [engine]: held.view },
    clock: fixedClock(new Date(aAt)),
    ...(logs ? { logger: logger(logs) } : {}),
  });
  const b = createSceneRadar({ sources: world.sources, stores: shared, clock: fixedClock(new Date(bAt)) });
  return { shared, held, a, b };
}

/** `'ok'`, or the code the promise rejected with. */
const codeOf = (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  );

describe('refresh conflicts between two radars over one set of memory stores', () => {
  for (const engine of ['scenes', 'talent'] as const)
    it(`a ${engine} refresh computed again after a conflict logs no failure and counts none in stats()`, async () => {
      const logs: Logged[] = [];
      // The talent commit is held after A's scenes one: B refreshing then must run as of T2 too.
      const { held, a, b } = heldPair(engine, T2, engine === 'scenes' ? T1 : T2, logs);
      try {
        await b.scenes.importCatalog(world.catalog);
        const run = a.refresh();
        await held.reached;
        await b.refresh();
        held.release();
        const report = await run;
        expect(report.scenes.asOf).toBe(T2);
        expect(report.talent.asOf).toBe(T2);
        expect(logs.filter((l) => l.level === 'error')).toEqual([]);
        for (const [name, r] of Object.entries(a.stats().refresh)) expect([name, r.failed]).toEqual([name, 0]);
        // It did meet the conflict (and was computed again), but failed nowhere.
        expect(logs.some((l) => l.level === 'info' && l.msg?.includes('computed again'))).toBe(true);
      } finally {
        await a.close();
        await b.close();
      }
    }, 60_000);

  it('a talent refresh whose signal aborts while a conflict is computed again rejects with TALENT_TIMEOUT, nothing written', async () => {
    const { shared, held, a, b } = heldPair('talent', T2, T2);
    try {
      await b.scenes.importCatalog(world.catalog);
      const ctrl = new AbortController();
      const run = codeOf(a.talent.refresh(undefined, { signal: ctrl.signal }));
      await held.reached;
      await b.refresh();
      const before = await shared.talent.talent_radar_state.scan();
      ctrl.abort();
      held.release();
      expect(await run).toBe('TALENT_TIMEOUT');
      expect(await shared.talent.talent_radar_state.scan()).toEqual(before);
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);

  it('a scenes refresh whose radar closes while its commit waits rejects with RADAR_CLOSED, no attempt after', async () => {
    const { shared, held, a, b } = heldPair('scenes', T2, T1);
    try {
      await b.scenes.importCatalog(world.catalog);
      const run = codeOf(a.scenes.refresh());
      await held.reached;
      await b.refresh();
      const closing = a.close();
      held.release();
      expect(await run).toBe('RADAR_CLOSED');
      await closing;
      const asOfs = new Set((await shared.scenes.scene_memberships.scan()).map((m) => m.as_of));
      expect(asOfs).toEqual(new Set([T1]));
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);

  it('a talent refresh whose radar closes while its commit waits rejects with RADAR_CLOSED, nothing written', async () => {
    const { shared, held, a, b } = heldPair('talent', T2, T1);
    try {
      await b.scenes.importCatalog(world.catalog);
      await b.refresh();
      const run = codeOf(a.talent.refresh());
      await held.reached;
      const closing = a.close();
      held.release();
      expect(await run).toBe('RADAR_CLOSED');
      await closing;
      const asOfs = new Set((await shared.talent.talent_radar_artists.scan()).map((r) => r.as_of));
      expect(asOfs).toEqual(new Set([T1]));
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);

  it('one radar refreshing twice, and a sharded refresh of another radar meanwhile, meet no conflict', async () => {
    const shared = createMemoryStores();
    const held = heldView(shared.talent);
    const logs: Logged[] = [];
    const clock = fixedClock(new Date(T1));
    const a = createSceneRadar({
      sources: world.sources,
      stores: { ...shared, talent: held.view },
      clock,
      logger: logger(logs),
    });
    const b = createSceneRadar({ sources: world.sources, stores: shared, clock: fixedClock(new Date(T2)) });
    try {
      await a.scenes.importCatalog(world.catalog);
      held.release();
      await a.refresh();
      clock.set(new Date(T2));
      await a.refresh();
      // B plans and runs its shards while A's next talent commit waits: shards change no refresh state.
      const again = heldView(shared.talent);
      const a2 = createSceneRadar({
        sources: world.sources,
        stores: { ...shared, talent: again.view },
        clock: fixedClock(new Date(T2)),
        logger: logger(logs),
      });
      const run = a2.talent.refresh();
      await again.reached;
      const plan = await b.talent.planRefresh();
      await b.talent.refreshShard({ refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists });
      again.release();
      await run;
      await b.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 });
      await a2.close();
      expect(logs.filter((l) => l.msg?.includes('computed again') || l.level === 'error')).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);

  it("a reader's records older than the refresh it knows (kept for failed artists) read the state no more", async () => {
    const shared = createMemoryStores();
    let stateReads = 0;
    const state = shared.talent.talent_radar_state;
    const counted = {
      ...shared.talent,
      talent_radar_state: new Proxy(state, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (key !== 'getMany' || typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            stateReads++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      }),
    };
    const writer = createSceneRadar({ sources: world.sources, stores: shared, clock: fixedClock(new Date(T2)) });
    const reader = createSceneRadar({
      sources: world.sources,
      stores: { ...shared, talent: counted },
      clock: fixedClock(new Date(T2)),
    });
    try {
      await writer.scenes.importCatalog(world.catalog);
      await writer.refresh();
      // One record of an earlier refresh, as a refresh keeps it for an artist whose reads failed.
      const [first] = await shared.talent.talent_radar_artists.scan({ limit: 1 });
      await shared.talent.talent_radar_artists.upsert([{ ...first!, as_of: T1 }]);
      await reader.talent.aggregator.buildGlobalPulse({ skipCache: true });
      const after = stateReads;
      for (let i = 0; i < 3; i++) {
        await reader.talent.aggregator.buildGlobalPulse({ skipCache: true });
        await reader.talent.aggregator.getTopArtists({ category: 'rising', limit: 5, skipCache: true });
      }
      expect(stateReads).toBe(after);
    } finally {
      await writer.close();
      await reader.close();
    }
  }, 60_000);
});

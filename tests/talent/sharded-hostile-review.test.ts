/**
 * Hostile review of the sharded Talent Radar refresh (planRefresh, refreshShard, finishRefresh)
 * over the in-memory stores: the finish must write exactly what `radar.talent.refresh()` writes
 * at the same instant, or refuse with the seed's code and write nothing. Tests marked "guard"
 * pin tricky behaviour verified to be right today.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type HostFeature, type SceneRadarSources } from 'scene-radar';
import { createMemoryStores } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 80, end: '2026-11-24' });
const code = (c: string) => expect.objectContaining({ code: c });

type Radar = ReturnType<typeof createSceneRadar>;
type Stores = ReturnType<typeof createMemoryStores>;

async function radarOn(
  sources: SceneRadarSources = world.sources,
  extra: { hostFeatures?: HostFeature[]; stores?: Stores } = {},
): Promise<{ radar: Radar; stores: Stores }> {
  const stores = extra.stores ?? createMemoryStores();
  const radar = createSceneRadar({
    sources,
    stores,
    clock: fixedClock(NOW),
    ...(extra.hostFeatures ? { hostFeatures: extra.hostFeatures } : {}),
  });
  await radar.scenes.importCatalog(world.catalog);
  return { radar, stores };
}

/**
 * The talent tables as JSON text, the state's random refresh id left out (with `plans: false`, the
 * plans' rows of the state too: `planRefresh` records each plan there).
 */
async function talentTables(stores: Stores, options: { plans?: boolean } = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, table] of Object.entries(stores.talent))
    if (typeof table === 'object' && table !== null && 'scan' in table) {
      let rows = [...(await (table as { scan(): Promise<unknown[]> }).scan())];
      if (name === 'talent_radar_state' && options.plans === false)
        rows = (rows as Array<{ name: string }>).filter((r) => !r.name.startsWith('refresh-plan-'));
      out[name] = JSON.stringify(
        name === 'talent_radar_state'
          ? (rows as Array<{ value: object }>).map((r) => ({ ...r, value: { ...r.value, id: '<id>' } }))
          : rows,
      );
    }
  return out;
}

const withoutDuration = <T extends { durationMs: number }>(r: T): Omit<T, 'durationMs'> => {
  const { durationMs: _d, ...rest } = r;
  return rest;
};

/** Consecutive slices of `size`. */
const slices = (artists: readonly string[], size: number): string[][] => {
  const out: string[][] = [];
  for (let i = 0; i < artists.length; i += size) out.push(artists.slice(i, i + size));
  return out;
};

async function stageAll(
  radar: Radar,
  plan: { refreshId: string; asOf: string },
  shards: readonly (readonly string[])[],
) {
  for (const [index, artists] of shards.entries())
    await radar.talent.refreshShard({ refreshId: plan.refreshId, asOf: plan.asOf, index, artists });
}

/** What a single-process refresh at NOW writes and reports on these sources. */
async function single(sources: SceneRadarSources = world.sources, hostFeatures?: HostFeature[]) {
  const { radar, stores } = await radarOn(sources, hostFeatures ? { hostFeatures } : {});
  const report = await radar.talent.refresh(NOW);
  const tables = await talentTables(stores);
  await radar.close();
  return { report, tables };
}

/** `world.sources` with Fusion's engagement answered with garbage (an `error` read) for `bad` artists. */
function failingEngagement(bad: ReadonlySet<string>): SceneRadarSources {
  const fusion = world.sources.fusion;
  return {
    ...world.sources,
    fusion: {
      ...fusion,
      getEngagement: async (slugs: readonly string[], o: Parameters<typeof fusion.getEngagement>[1]) => {
        const got = await fusion.getEngagement(slugs, o);
        const out = new Map(got as Map<string, unknown>);
        for (const s of slugs) if (bad.has(s)) out.set(s, { garbage: true });
        return out as typeof got;
      },
    },
  } as SceneRadarSources;
}

/** The universe a plan at NOW walks (probed on a throwaway radar). */
async function universeAtNow(): Promise<readonly string[]> {
  const { radar } = await radarOn();
  const plan = await radar.talent.planRefresh(NOW);
  await radar.close();
  return plan.artists;
}

/** The call's rejection code, or 'resolved'. */
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (e: unknown) => String((e as { code?: string }).code),
  );

describe('faults: the finish writes something else than refresh() at the same instant', () => {
  it('refuses shards staged at an index >= `shards` (finish with too few shards, or 0) instead of dropping their artists', async () => {
    const { radar, stores } = await radarOn();
    const plan = await radar.talent.planRefresh(NOW);
    const shards = slices(plan.artists, 20);
    await stageAll(radar, plan, shards);
    const before = await talentTables(stores);
    for (const count of [shards.length - 1, 0])
      await expect(
        radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: count }),
        `shards: ${count}`,
      ).rejects.toEqual(code('TALENT_INVALID_PARAMS'));
    // Today: the first finish scores 60 of the 80 artists and deletes all four staged shards.
    expect(await talentTables(stores)).toEqual(before);
    await radar.close();
  });

  it('a shard re-staged after its refresh committed does not make a retried finish apply the refresh again', async () => {
    const sources = failingEngagement(new Set((await universeAtNow()).slice(0, 5)));
    const { radar, stores } = await radarOn(sources);
    const plan = await radar.talent.planRefresh(NOW);
    const finish = { refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 };
    await stageAll(radar, plan, [plan.artists]);
    const staged = await stores.talent.talent_radar_refresh_shards.scan();
    const first = await radar.talent.finishRefresh(finish);
    expect(first.failedReads).toEqual({ fusion: 5 });
    const committed = await talentTables(stores);
    // A late retry of the shard (a stalled worker coming back) is refused: the commit removed the
    // plan's record (hostile review 145).
    await expect(stageAll(radar, plan, [plan.artists])).rejects.toEqual(code('TALENT_INVALID_PARAMS'));
    expect(await stores.talent.talent_radar_refresh_shards.count()).toBe(0);
    // A row that landed anyway (staged while the finish committed), then the finish job retried.
    await stores.talent.talent_radar_refresh_shards.upsert(staged);
    await radar.talent.finishRefresh(finish);
    expect(await stores.talent.talent_radar_refresh_shards.count()).toBe(0);
    // Today the refresh is applied a second time over itself: the 5 artists with a failed read now
    // "keep their previous record" (the one it just wrote): state failedKept 0 -> 5.
    expect(await talentTables(stores)).toEqual(committed);
    await radar.close();
  });

  it('refuses to finish as of an instant before the stored refresh (within the clock skew) instead of writing back in time', async () => {
    const { radar, stores } = await radarOn();
    const plan = await radar.talent.planRefresh(new Date(NOW.getTime() - 120_000));
    await stageAll(radar, plan, [plan.artists]);
    // Another refresh lands as of a later instant before the finish runs.
    await radar.talent.refresh(NOW);
    const before = await talentTables(stores);
    await expect(radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 })).rejects.toEqual(
      code('TALENT_INVALID_PARAMS'),
    );
    // Today: it commits as of 23:58, over the state as of 00:00.
    expect(radar.talent.refreshedAsOf).toBe(NOW.toISOString());
    expect(await talentTables(stores)).toEqual(before);
    await radar.close();
  });

  it('refuses shards staged without a host feature the finishing radar scores with, instead of scoring without it', async () => {
    const hostFeatures: HostFeature[] = [
      { name: 'follows', source: 'host', read: (slugs) => new Map(slugs.map((s, i) => [s, (s.length * 7 + i) % 13])) },
    ];
    const { radar: finisher, stores } = await radarOn(world.sources, { hostFeatures });
    // A worker on the same stores deployed without the host feature (a rolling deploy).
    const { radar: worker } = await radarOn(world.sources, { stores });
    const plan = await finisher.talent.planRefresh(NOW);
    await stageAll(worker, plan, slices(plan.artists, 40));
    const before = await talentTables(stores);
    // Today: resolves, every artist scored without `follows`, the report counting it 0 everywhere.
    const got = await outcome(finisher.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 2 }));
    expect(['STORE_SCHEMA_MISMATCH', 'TALENT_INVALID_PARAMS']).toContain(got);
    expect(await talentTables(stores)).toEqual(before);
    await finisher.close();
    await worker.close();
  });

  it("refuses shards that do not cover the plan's universe exactly, and a finish of a plan whose universe was not walked", async () => {
    const { radar, stores } = await radarOn();
    // A record of an earlier refresh, so an empty finish would change something.
    await radar.talent.refresh(NOW);
    const plan = await radar.talent.planRefresh(NOW);
    const before = await talentTables(stores);
    // (`artists`: the plan's count, for a fix that has the finish take it; ignored today.)
    const finish = (refreshId: string, shards: number) =>
      radar.talent.finishRefresh({ refreshId, asOf: plan.asOf, shards, artists: plan.artists.length } as Parameters<
        Radar['talent']['finishRefresh']
      >[0]);
    const cases: Array<[string, (readonly string[])[]]> = [
      ['half of the universe missing', [plan.artists.slice(0, 40)]],
      ['an artist not in the plan', [[...plan.artists, 'not-an-artist-of-mig']]],
    ];
    for (const [what, shards] of cases) {
      const again = await radar.talent.planRefresh(NOW);
      await stageAll(radar, again, shards);
      // Today: resolves (40 artists scored, the rest counted absent; or 81 artists).
      await expect(finish(again.refreshId, shards.length), what).rejects.toEqual(code('TALENT_INVALID_PARAMS'));
      await radar.talent.discardRefresh(again.refreshId);
    }
    // The plan says there is nothing to do (MIG failed); refresh() would change nothing.
    const { radar: failing } = await radarOn(
      { ...world.sources, mig: { ...world.sources.mig, listArtists: () => Promise.reject(new Error('MIG down')) } },
      { stores },
    );
    const unwalked = await failing.talent.planRefresh(NOW);
    expect(unwalked.universe).toBe('error');
    // Today: resolves and writes an empty refresh (every record one step closer to being dropped).
    await expect(
      failing.talent.finishRefresh({ refreshId: unwalked.refreshId, asOf: unwalked.asOf, shards: 0 }),
    ).rejects.toEqual(code('TALENT_INVALID_PARAMS'));
    // Nothing but the row recording the failed walk (so other instances and restarts say so).
    const walk = await stores.talent.talent_radar_state.get({ name: 'last-failed-walk' });
    expect(walk?.value).toMatchObject({ asOf: unwalked.asOf, universe: 'error' });
    await stores.talent.talent_radar_state.delete([{ name: 'last-failed-walk' }]);
    expect(await talentTables(stores)).toEqual(before);
    await failing.close();
    await radar.close();
  });

  it('a finish run again after its commit with another asOf does not report an instant the stores do not hold', async () => {
    const { radar } = await radarOn();
    const plan = await radar.talent.planRefresh(NOW);
    await stageAll(radar, plan, [plan.artists]);
    await radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 });
    // Today: resolves with asOf 2026-11-20 ("applied"), while the stored refresh is as of 11-25.
    await radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: '2026-11-20T00:00:00.000Z', shards: 1 }).then(
      (r) => expect(r.asOf).toBe(plan.asOf),
      (e: unknown) => expect(e).toEqual(code('TALENT_INVALID_PARAMS')),
    );
    await radar.close();
  });
});

describe('guards: verified right today', () => {
  it('guard: shards with the plan scene pulses, after a Scenes Engine refresh, write the tables and report of refresh()', async () => {
    const single = await radarOn();
    await single.radar.scenes.refresh(NOW);
    const expectedReport = await single.radar.talent.refresh(NOW);
    const expectedTables = await talentTables(single.stores);
    await single.radar.close();
    const { radar, stores } = await radarOn();
    await radar.scenes.refresh(NOW);
    const plan = await radar.talent.planRefresh(NOW, { scenes: world.catalog.scenes.map((s) => s.slug) });
    expect(plan.scenePulses).not.toBeNull();
    const shards = slices(plan.artists, 20);
    for (const [index, artists] of shards.entries())
      await radar.talent.refreshShard(
        { refreshId: plan.refreshId, asOf: plan.asOf, index, artists },
        { scenePulses: plan.scenePulses },
      );
    const report = await radar.talent.finishRefresh(
      { refreshId: plan.refreshId, asOf: plan.asOf, shards: shards.length },
      { scenePulses: plan.scenePulses },
    );
    expect(withoutDuration(report)).toEqual(withoutDuration(expectedReport));
    const got = await talentTables(stores);
    expect(got.talent_radar_artists).toContain('"scene_slug":"');
    expect(got).toEqual(expectedTables);
    expect(await stores.talent.talent_radar_refresh_shards.count()).toBe(0);
    await radar.close();
  });

  it('guard: non-consecutive shards, overlapping and concurrent retries of a shard write what refresh() writes', async () => {
    const expected = await single();
    const { radar, stores } = await radarOn();
    const plan = await radar.talent.planRefresh(NOW);
    const shards: string[][] = [[], [], []];
    for (const [i, a] of plan.artists.entries()) shards[i % 3]!.push(a);
    shards.push(plan.artists.slice(10, 30)); // overlaps the others
    const run = (index: number) =>
      radar.talent.refreshShard({ refreshId: plan.refreshId, asOf: plan.asOf, index, artists: shards[index]! });
    await Promise.all([run(0), run(1), run(0), run(2), run(3), run(1)]);
    const report = await radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 4 });
    expect(withoutDuration(report)).toEqual(withoutDuration(expected.report));
    expect(await talentTables(stores)).toEqual(expected.tables);
    await radar.close();
  });

  it('guard: a source, or a host feature, failing in one shard only: the same per-artist report and tables as refresh()', async () => {
    const universe = await universeAtNow();
    const sources = failingEngagement(new Set(universe.slice(25, 32)));
    const poison = universe[45]!;
    const hostFeatures: HostFeature[] = [
      {
        name: 'follows',
        source: 'host',
        read: (slugs) => {
          if (slugs.includes(poison)) throw new Error('warehouse down');
          return new Map(slugs.map((s, i) => [s, (s.length * 7 + i) % 13]));
        },
      },
    ];
    const expected = await single(sources, hostFeatures);
    expect(expected.report.failedReads).toEqual({ fusion: 7 });
    expect(expected.report.hostFeatures.follows?.error).toBeGreaterThan(0);
    const { radar, stores } = await radarOn(sources, { hostFeatures });
    const plan = await radar.talent.planRefresh(NOW);
    const shards = slices(plan.artists, 20); // shard 1 holds the failing reads, shard 2 the failing host batch
    await stageAll(radar, plan, shards);
    const report = await radar.talent.finishRefresh({
      refreshId: plan.refreshId,
      asOf: plan.asOf,
      shards: shards.length,
    });
    expect(withoutDuration(report)).toEqual(withoutDuration(expected.report));
    expect(await talentTables(stores)).toEqual(expected.tables);
    await radar.close();
  });

  it('guard: an empty universe (0 shards) writes what refresh() writes', async () => {
    const sources = {
      ...world.sources,
      mig: { ...world.sources.mig, listArtists: async () => ({ items: [], nextCursor: null }) },
    } as unknown as SceneRadarSources;
    const expected = await single(sources);
    const { radar, stores } = await radarOn(sources);
    const plan = await radar.talent.planRefresh(NOW);
    expect(plan).toMatchObject({ universe: 'ok', artists: [] });
    const report = await radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 0 });
    expect(withoutDuration(report)).toEqual(withoutDuration(expected.report));
    expect(await talentTables(stores)).toEqual(expected.tables);
    await radar.close();
  });

  it('guard: a finish run twice, or by two workers at once, writes the tables of one refresh()', async () => {
    const sources = failingEngagement(new Set((await universeAtNow()).slice(0, 5)));
    const expected = await single(sources);
    const { radar, stores } = await radarOn(sources);
    const { radar: other } = await radarOn(sources, { stores });
    const plan = await radar.talent.planRefresh(NOW);
    const finish = { refreshId: plan.refreshId, asOf: plan.asOf, shards: 4 };
    await stageAll(radar, plan, slices(plan.artists, 20));
    await Promise.all([radar.talent.finishRefresh(finish), other.talent.finishRefresh(finish)]);
    expect(await talentTables(stores)).toEqual(expected.tables);
    await radar.talent.finishRefresh(finish);
    expect(await talentTables(stores)).toEqual(expected.tables);
    await radar.close();
    await other.close();
  });

  it("guard: refusals with the seed's codes, nothing written", async () => {
    const { radar, stores } = await radarOn();
    const old = await radar.talent.planRefresh(new Date(NOW.getTime() - 3_600_000));
    await stageAll(radar, old, [old.artists]);
    await radar.talent.refresh(NOW);
    const before = await talentTables(stores, { plans: false });
    // A plan older than the stored refresh; a plan made after it.
    await expect(radar.talent.finishRefresh({ refreshId: old.refreshId, asOf: old.asOf, shards: 1 })).rejects.toEqual(
      code('TALENT_INVALID_PARAMS'),
    );
    await expect(radar.talent.planRefresh(new Date(NOW.getTime() - 3_600_000))).rejects.toEqual(
      code('TALENT_INVALID_PARAMS'),
    );
    const plan = await radar.talent.planRefresh(NOW);
    // Plan A's shards finished under plan B's id: B has none staged.
    await expect(radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 })).rejects.toEqual(
      code('TALENT_INTERNAL_ERROR'),
    );
    // More shards asked than staged: the missing ones are named.
    await stageAll(radar, plan, slices(plan.artists, 40));
    await expect(radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 3 })).rejects.toEqual(
      expect.objectContaining({ code: 'TALENT_INTERNAL_ERROR', message: expect.stringContaining('(2)') }),
    );
    for (const index of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '0' as unknown as number])
      await expect(
        radar.talent.refreshShard({
          refreshId: plan.refreshId,
          asOf: plan.asOf,
          index,
          artists: plan.artists.slice(0, 2),
        }),
        String(index),
      ).rejects.toEqual(code('TALENT_VALIDATION_ERROR'));
    await expect(
      radar.talent.refreshShard({ refreshId: plan.refreshId, asOf: plan.asOf, index: 5, artists: [] }),
    ).rejects.toEqual(code('TALENT_VALIDATION_ERROR'));
    for (const shards of [-1, 1.5, Number.NaN])
      await expect(radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards })).rejects.toEqual(
        code('TALENT_VALIDATION_ERROR'),
      );
    expect(await talentTables(stores, { plans: false })).toEqual({
      ...before,
      talent_radar_refresh_shards: (await talentTables(stores)).talent_radar_refresh_shards,
    });
    expect(await stores.talent.talent_radar_refresh_shards.count()).toBe(3); // old's 1 + plan's 2
    await radar.close();
  });

  it('guard: an abort or a close() mid-shard stages nothing; mid-finish writes nothing', async () => {
    let onRead: (() => void) | null = null;
    const fusion = world.sources.fusion;
    const sources = {
      ...world.sources,
      fusion: {
        ...fusion,
        getEngagement: async (slugs: readonly string[], o: Parameters<typeof fusion.getEngagement>[1]) => {
          onRead?.();
          return fusion.getEngagement(slugs, o);
        },
      },
    } as SceneRadarSources;
    const { radar, stores } = await radarOn(sources);
    const plan = await radar.talent.planRefresh(NOW);
    const shard = { refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists };
    const ac = new AbortController();
    onRead = () => ac.abort();
    await expect(radar.talent.refreshShard(shard, { signal: ac.signal })).rejects.toEqual(code('TALENT_TIMEOUT'));
    expect(await stores.talent.talent_radar_refresh_shards.count()).toBe(0);
    const { radar: closing, stores: closingStores } = await radarOn(sources);
    const closingPlan = await closing.talent.planRefresh(NOW);
    onRead = () => void closing.close();
    await expect(
      closing.talent.refreshShard({ ...shard, refreshId: closingPlan.refreshId, asOf: closingPlan.asOf }),
    ).rejects.toEqual(code('RADAR_CLOSED'));
    expect(await closingStores.talent.talent_radar_refresh_shards.count()).toBe(0);
    onRead = null;
    await stageAll(radar, plan, [plan.artists]);
    await expect(
      radar.talent.finishRefresh(
        { refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 },
        { signal: AbortSignal.abort() },
      ),
    ).rejects.toEqual(code('TALENT_TIMEOUT'));
    const pending = radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 });
    await radar.close();
    await expect(pending).rejects.toEqual(code('RADAR_CLOSED'));
    expect(await stores.talent.talent_radar_artists.count()).toBe(0);
    expect(await stores.talent.talent_radar_refresh_shards.count()).toBe(1);
  });
});

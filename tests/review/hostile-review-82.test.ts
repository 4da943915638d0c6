/**
 * Hostile review 82: the sharded Talent Radar refresh driven directly by a host (no BullMQ), in
 * memory: planRefresh, refreshShard, finishRefresh, discardRefresh over shared in-memory stores.
 * The contract (docs/scale-out.md, src/talent/talent-radar.ts): the plan reads the scene pulses
 * once "and every shard and the finish read them from there"; the finish writes "exactly what
 * `radar.refresh()` writes" at the same instant, or refuses and writes nothing.
 *
 * Every test here fails on the code as reviewed, because of the fault its name states.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { memoryScenesStores, memoryTalentStores } from '../../src/stores/memory-table.js';
import type { ScenesStores, TalentStores } from '../../src/stores/specs.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const WEEK_BEFORE = new Date('2026-11-18T00:00:00.000Z');
const world = createDemoWorld({ artists: 60, end: '2026-11-24' });
const sceneSlugs = world.catalog.scenes.map((s) => s.slug);

type Radar = ReturnType<typeof createSceneRadar>;
interface Stores {
  readonly talent: TalentStores;
  readonly scenes: ScenesStores;
}
const newStores = (): Stores => ({ talent: memoryTalentStores(), scenes: memoryScenesStores() });

async function radarOn(stores: Stores): Promise<Radar> {
  const radar = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  return radar;
}

/** The talent tables as JSON text; the state's random refresh id and the plans' rows left out. */
async function talentTables(stores: Stores): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, table] of Object.entries(stores.talent)) {
    let rows = [...(await (table as { scan(): Promise<unknown[]> }).scan())] as Array<Record<string, unknown>>;
    if (name === 'talent_radar_state')
      rows = rows
        .filter((r) => !String(r.name).startsWith('refresh-plan-'))
        .map((r) => ({ ...r, value: { ...(r.value as object), id: '<id>' } }));
    out[name] = JSON.stringify(rows);
  }
  return out;
}

/** Consecutive slices of `size`. */
const slices = (artists: readonly string[], size: number): string[][] => {
  const out: string[][] = [];
  for (let i = 0; i < artists.length; i += size) out.push(artists.slice(i, i + size));
  return out;
};

/** The call's rejection code, or 'resolved'. */
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (e: unknown) => String((e as { code?: string }).code),
  );

describe('hostile review 82: the sharded refresh driven by a host, in memory', () => {
  // Fault: scene pulses of another instant (another plan's) are used as they are: decodeScenePulses /
  // withScenePulses / sceneHeatsOf (src/talent/refresh-shards.ts) never check a pulse's asOf against the
  // shard's or finish's instant; finishRefresh (src/talent/talent-radar.ts, #finishStaged -> #finish heats).
  it("a finish handed another plan's scene pulses (a week earlier) writes roll-ups with that week's heats instead of refusing or reading the right ones", async () => {
    const reference = newStores();
    const single = await radarOn(reference);
    await single.scenes.refresh(NOW);
    await single.talent.refresh(NOW);
    const expected = await talentTables(reference);
    await single.close();

    const stores = newStores();
    const radar = await radarOn(stores);
    await radar.scenes.refresh(NOW);
    const older = await radar.talent.planRefresh(WEEK_BEFORE, { scenes: sceneSlugs });
    const plan = await radar.talent.planRefresh(NOW, { scenes: sceneSlugs });
    expect(older.scenePulses).not.toBe(plan.scenePulses);
    const shards = slices(plan.artists, 20);
    for (const [index, artists] of shards.entries())
      await radar.talent.refreshShard(
        { refreshId: plan.refreshId, asOf: plan.asOf, index, artists },
        { scenePulses: plan.scenePulses },
      );
    const before = await talentTables(stores);
    const got = await outcome(
      radar.talent.finishRefresh(
        { refreshId: plan.refreshId, asOf: plan.asOf, shards: shards.length },
        { scenePulses: older.scenePulses },
      ),
    );
    const after = await talentTables(stores);
    await radar.close();
    if (got === 'resolved') expect(after).toEqual(expected);
    else {
      expect(['TALENT_INVALID_PARAMS', 'TALENT_VALIDATION_ERROR']).toContain(got);
      expect(after).toEqual(before);
    }
  });
});

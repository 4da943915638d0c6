/**
 * Review of today's commits (ab5696b presence_year, 83894b5 hostile review 53, ea6da18 the package
 * budget): faults the changes themselves introduced. Every test here fails on the code as reviewed,
 * because of the fault its name states; each expectation is the docs' or the TSDoc's.
 *
 * The PostgreSQL test works in a schema of its own (`review_tc4_<random>`), dropped after the file.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from '../../src/index.js';
import type { MIGAdapter } from '../../src/index.js';
import { createMemoryStores } from '../../src/stores.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createPostgresStores } from '../../adapters/postgres/stores.js';
import { checkHealth } from '../../src/api/health.js';
import { TalentModelConfigSchema } from '../../src/schemas.js';
import { modelVersion } from '../../src/talent/scoring.js';
import { TEST_DATABASE_URL } from '../helpers/postgres.js';

const T1 = new Date('2026-11-25T00:00:00.000Z');
const T2 = new Date('2026-11-26T00:00:00.000Z');
const T3 = new Date('2026-11-27T00:00:00.000Z');
const world = createDemoWorld({ artists: 40, end: '2026-11-25' });

/** The demo world's MIG whose artist list fails while `down.on`. */
function flakyMig(): { mig: MIGAdapter; down: { on: boolean } } {
  const down = { on: false };
  const mig0 = world.sources.mig!;
  return {
    down,
    mig: {
      ...mig0,
      listArtists: async (q, o) => {
        if (down.on) throw new Error('MIG unreachable');
        return mig0.listArtists(q, o);
      },
    },
  };
}

/** The health report's `mig` component. */
async function migHealth(radar: SceneRadar): Promise<unknown> {
  const health = await checkHealth(radar);
  if (!health.body.ok) throw new Error(`health failed: ${JSON.stringify(health.body)}`);
  return health.body.data.sources.find((s) => s.name === 'mig');
}

describe('the refresh tried is recorded only when it commits (83894b5): health after MIG came back', () => {
  it('after a refresh whose universe walk failed, a refresh that walks MIG fine but fails to commit leaves health saying MIG is down and lastRefreshAttempt naming the older refresh', async () => {
    // TalentRadar.#walkUniverse records the attempt only when the universe could not be read; an
    // ok walk is recorded in #finish's commit block. checkHealth (src/api/health.ts sourcesOf)
    // reads lastRefreshAttempt: before 83894b5 the T3 walk recorded { T3, ok } and health said
    // `mig` ok. Now a T3 refresh that read MIG's artist list fine and then failed on the stores
    // leaves { T2, error }: health reports `mig` down, "could not be read in the last refresh",
    // though the last refresh read it, and the getter ("The last refresh this radar tried,
    // whether or not it could walk the universe") names T2, not T3.
    const { mig, down } = flakyMig();
    const stores = createMemoryStores();
    const talent = stores.talent as { transaction?: (fn: (tx: never) => Promise<unknown>) => Promise<unknown> };
    const commit = talent.transaction!.bind(stores.talent);
    let failCommit = false;
    talent.transaction = async (fn) => {
      if (failCommit) throw new Error('connection reset by peer');
      return commit(fn as never);
    };
    const clock = fixedClock(T1);
    const radar = createSceneRadar({ sources: { ...world.sources, mig }, stores, clock });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh();
      clock.set(T2);
      down.on = true;
      expect((await radar.talent.refresh(T2)).universe).toBe('error');
      down.on = false;
      clock.set(T3);
      failCommit = true;
      await expect(radar.talent.refresh(T3)).rejects.toThrow(/connection reset/);
      failCommit = false;

      // Expected: MIG answered the last refresh (T3): health does not call it down.
      expect({ mig: await migHealth(radar), attempt: radar.talent.lastRefreshAttempt?.asOf }).toEqual({
        mig: { name: 'mig', state: 'ok' },
        attempt: T3.toISOString(),
      });
    } finally {
      await radar.close();
    }
  });

  it("a sharded refresh planned on one instance (MIG walked fine) and finished by a worker leaves the planning instance's health saying MIG is down since an earlier failed walk", async () => {
    // adapters/bullmq: the coordinator runs planRefresh, a worker (another radar on the same
    // stores) runs refreshShard and finishRefresh. planRefresh walks the universe but, since
    // 83894b5, records only a failed walk; the commit is recorded on the worker. The coordinator
    // kept { T2, error } from its last failed walk, and its health (checkHealth reads its own
    // lastRefreshAttempt and refreshedAsOf) says `mig` down after a refresh it planned walked MIG
    // fine and committed. Before, the plan's walk recorded { T3, ok }.
    const { mig, down } = flakyMig();
    const stores = createMemoryStores();
    const clock = fixedClock(T1);
    const sources = { ...world.sources, mig };
    const coordinator = createSceneRadar({ sources, stores, clock });
    const worker = createSceneRadar({ sources, stores, clock });
    try {
      await coordinator.scenes.importCatalog(world.catalog);
      await coordinator.refresh();
      clock.set(T2);
      down.on = true;
      expect((await coordinator.talent.refresh(T2)).universe).toBe('error');
      down.on = false;
      clock.set(T3);
      const plan = await coordinator.talent.planRefresh(T3);
      expect(plan.universe).toBe('ok');
      await worker.talent.refreshShard({ refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists: plan.artists });
      const report = await worker.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 1 });
      expect(report.universe).toBe('ok');

      // Expected: the refresh the coordinator planned read MIG's artist list and committed.
      expect(await migHealth(coordinator)).toEqual({ name: 'mig', state: 'ok' });
    } finally {
      await worker.close();
      await coordinator.close();
    }
  });
});

const prefix = `review_tc4_${randomBytes(4).toString('hex')}`;
let pool: pg.Pool | undefined;
afterAll(async () => {
  if (!pool) return;
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${prefix}" CASCADE`);
  } finally {
    await pool.end();
  }
});

describe('presence_year and a breakout model stored before it (PostgreSQL state)', () => {
  it('a model applied before presence_year existed: appliedBreakoutModel().modelVersion is not the version the scores made with it carry', async () => {
    // CHANGELOG (Added, presence_year): "Model configs and stored models without it read it as the
    // default's term" (weight 0: the scores do not move). AppliedBreakoutModel.modelVersion is
    // documented as "The version string the scores made with it carry (`model_version`)", and
    // setBreakoutModel stores it computed over the model it applies. Read back now, the model
    // gains `presence_year: { weight: 0, center: 0 }` (BreakoutInputsSchema's default), and
    // modelVersion() (a hash of the canonical JSON of the policy) hashes the new key: the radar and
    // every record of its next refresh carry another version than the stored one, for the same
    // scores, and a host matching records to the applied model finds none.
    pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000, max: 4 });
    pool.on('error', () => undefined);
    const stores = createPostgresStores({ pool, schema: prefix }, { migrate: true });
    const defaults = TalentModelConfigSchema.parse({});
    // The model as the code before presence_year applied and stored it (a calibrated model: the
    // default's terms with another intercept), and the version it stored beside it.
    const { presence_year: _new, ...before } = defaults.breakout.inputs;
    const old = { ...defaults.breakout, intercept: defaults.breakout.intercept + 0.25, inputs: before };
    const storedVersion = modelVersion({ ...defaults, breakout: old } as typeof defaults, defaults);
    await stores.talent.talent_radar_state.upsert([
      {
        name: 'breakout-model',
        value: JSON.parse(JSON.stringify({ model: old, validation: null, modelVersion: storedVersion })),
        updated_at: T1.toISOString(),
      },
    ]);
    const radar = createSceneRadar({ sources: world.sources, stores, clock: fixedClock(T1) });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh();
      const applied = await radar.talent.appliedBreakoutModel();
      expect(applied?.model.intercept).toBe(old.intercept); // the stored model is the one in use
      const scores = await radar.talent.aggregator.getArtistScores([world.dataset.artistSlugs()[0]!]);
      // Expected: one version for the model applied, the radar and its records.
      expect({
        radar: radar.talent.modelVersion,
        records: scores.artists.map((a) => a.model_version),
      }).toEqual({ radar: applied?.modelVersion, records: [applied?.modelVersion] });
    } finally {
      await radar.close();
      await stores.close();
    }
  }, 60_000);
});

/**
 * Issue 16, "refresh sharded over a job queue": a refresh split into shards of 50 artists on a
 * BullMQ queue (real Redis), run by three workers (three radars on the same PostgreSQL schema, as
 * three instances would be), writes exactly the tables of a single-process `radar.refresh()` on
 * another schema, row for row; progress is reported per shard; the staged features round-trip
 * exactly; bad input is refused with the seed's codes.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { createRefreshWorker, createShardedRefresh, type ShardProgress } from '../../adapters/bullmq/index.js';
import { migrate } from '../../adapters/postgres/index.js';
import { createPostgresStores } from '../../adapters/postgres/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createSceneRadar, fixedClock, isSceneRadarError } from '../../src/index.js';
import {
  decodeScenePulses,
  decodeShardFeatures,
  encodeShardFeatures,
  type ShardOutcomes,
} from '../../src/talent/refresh-shards.js';
import type { ArtistFeatures } from '../../src/talent/signals-types.js';
import { comparableTables } from '../helpers/store-matrix.js';
import { NOW, radarOn, WORLD } from '../fixtures/bullmq-world.js';
import { keyCounting } from '../fixtures/redis-radar-world.js';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { TEST_REDIS_URL, testRedis } from '../helpers/redis-test.js';

const database = fileTestDatabase();
const redisUrl = new URL(TEST_REDIS_URL);
const connection = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };
const closing: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const close of closing.reverse()) await close().catch(() => undefined);
});

describe('a refresh sharded over BullMQ', () => {
  it('writes the same tables, row for row, as a single-process refresh (3 workers, shards of 50)', async () => {
    await testRedis().then((r) => r.quit());
    const db = await database();
    const [single, sharded] = [db.schemaName(), db.schemaName()];
    await migrate({ pool: db.pool, schema: single });
    await migrate({ pool: db.pool, schema: sharded });

    const one = radarOn(TEST_DATABASE_URL, single);
    closing.push(() => one.stores.close());
    await one.radar.scenes.importCatalog(one.catalog);
    const expected = await one.radar.refresh();

    const queueName = `sr-test-sharded-${randomBytes(4).toString('hex')}`;
    const coordinator = radarOn(TEST_DATABASE_URL, sharded);
    closing.push(() => coordinator.stores.close());
    await coordinator.radar.scenes.importCatalog(coordinator.catalog);
    const took = new Map<string, number>();
    for (let w = 0; w < 3; w++) {
      const instance = radarOn(TEST_DATABASE_URL, sharded);
      const { worker, close } = createRefreshWorker({ radar: instance.radar, connection, queueName });
      worker.on('completed', (job) => took.set(String(job.id), w));
      closing.push(() => instance.stores.close());
      closing.push(close);
    }
    const queue = new Queue(queueName, { connection });
    closing.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
    });
    const coordinate = createShardedRefresh({ radar: coordinator.radar, connection, queueName, shardSize: 50 });
    closing.push(() => coordinate.close());
    const progress: ShardProgress[] = [];
    const report = await coordinate.refresh(undefined, { onProgress: (p) => progress.push(p) });

    expect(report.shards).toBe(Math.ceil(WORLD.artists / 50));
    const { durationMs: _a, ...talent } = report.talent;
    const { durationMs: _b, ...wanted } = expected.talent;
    expect(talent).toEqual(wanted);
    expect(report.scenes).toEqual(expected.scenes);
    expect(talent.scored).toBeGreaterThan(WORLD.artists / 2);

    const mine = await comparableTables(coordinator.stores);
    const theirs = await comparableTables(one.stores);
    expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort());
    for (const name of Object.keys(theirs)) expect(mine[name], name).toBe(theirs[name]);
    expect(await coordinator.stores.talent.talent_radar_refresh_shards.count()).toBe(0);
    expect(JSON.parse(mine.talent_radar_artists!)).toHaveLength(talent.scored);

    // Progress per shard: each staged once, in whatever order the workers finished them.
    const stagedShards = progress.filter((p) => p.state === 'staged').map((p) => p.shard);
    expect([...stagedShards].sort()).toEqual([0, 1, 2]);
    expect(progress.at(-1)).toMatchObject({ state: 'finished', shardsStaged: 3, artistsStaged: WORLD.artists });
    // Every shard and the finish ran on one of the three workers.
    expect(took.size).toBe(4);
  }, 20_000);

  it('a finish refused because another instance refreshed later is TALENT_INVALID_PARAMS at the coordinator, not retried, nothing written', async () => {
    await testRedis().then((r) => r.quit());
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const coordinator = radarOn(TEST_DATABASE_URL, schema);
    closing.push(() => coordinator.stores.close());
    await coordinator.radar.scenes.importCatalog(coordinator.catalog);
    // Another instance over the same schema refreshes as of NOW while the shards run.
    const other = radarOn(TEST_DATABASE_URL, schema);
    closing.push(() => other.stores.close());
    const queueName = `sr-test-refused-${randomBytes(4).toString('hex')}`;
    const instance = radarOn(TEST_DATABASE_URL, schema);
    closing.push(() => instance.stores.close());
    const finish = instance.radar.talent.finishRefresh.bind(instance.radar.talent);
    instance.radar.talent.finishRefresh = async (...args) => {
      await other.radar.talent.refresh(new Date(NOW));
      return finish(...args);
    };
    const { worker, close } = createRefreshWorker({ radar: instance.radar, connection, queueName });
    closing.push(close);
    const attempts: number[] = [];
    worker.on('failed', (job) => attempts.push(job?.attemptsMade ?? -1));
    const queue = new Queue(queueName, { connection });
    closing.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
    });
    const coordinate = createShardedRefresh({ radar: coordinator.radar, connection, queueName, shardSize: 50 });
    closing.push(() => coordinate.close());
    const before = new Date(Date.parse(NOW) - 10 * 60_000); // more than the 5-minute skew before NOW
    const error = await coordinate.refresh(before).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isSceneRadarError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'TALENT_INVALID_PARAMS' });
    expect((error as Error).message).toMatch(/the last refresh was as of 2026-11-25T00:00:00.000Z/);
    expect(attempts).toEqual([1]); // the finish ran once: a refusal is not retried
    // The tables hold the other instance's refresh, not the older one.
    const rows = await coordinator.stores.talent.talent_radar_artists.scan();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.as_of === new Date(NOW).toISOString())).toBe(true);
  }, 30_000);

  it("hands the plan's scene pulses to the shards: a worker reads no scene member from the sources, and stages the same features", async () => {
    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const coordinator = radarOn(TEST_DATABASE_URL, schema);
    closing.push(() => coordinator.stores.close());
    await coordinator.radar.scenes.importCatalog(coordinator.catalog);
    await coordinator.radar.scenes.refresh(new Date(NOW));
    const scenes = (await coordinator.radar.scenes.listScenes({ limit: 100 })).items.map((x) => x.slug);
    const plan = await coordinator.radar.talent.planRefresh(new Date(NOW), { scenes });
    const pulses = decodeScenePulses(plan.scenePulses!);
    expect(pulses.size).toBe(scenes.length);
    const artists = plan.artists.slice(0, 40);
    /** A fresh worker radar on the schema: the artists whose engagement it read. */
    const worker = () => {
      const read = new Set<string>();
      const stores = createPostgresStores({ pool: db.pool }, { schema });
      const radar = createSceneRadar({
        sources: keyCounting(createDemoWorld(WORLD).sources, (keys) => {
          for (const k of keys)
            if (k.startsWith('fusion.getEngagement:')) read.add(k.slice('fusion.getEngagement:'.length));
        }),
        stores,
        clock: fixedClock(new Date(NOW)),
      });
      return { radar, read };
    };
    const staged = async (index: number) =>
      (
        await coordinator.stores.talent.talent_radar_refresh_shards.getMany([
          { refresh_id: plan.refreshId, shard: index },
        ])
      )[0]!.features;
    const handed = worker();
    await handed.radar.talent.refreshShard(
      { refreshId: plan.refreshId, asOf: plan.asOf, index: 0, artists },
      { scenePulses: plan.scenePulses },
    );
    const alone = worker();
    await alone.radar.talent.refreshShard({ refreshId: plan.refreshId, asOf: plan.asOf, index: 1, artists });
    // With the pulses, only the shard's own artists; without, the members of their scenes too.
    expect([...handed.read].every((a) => artists.includes(a))).toBe(true);
    expect([...alone.read].some((a) => !artists.includes(a))).toBe(true);
    expect(await staged(0)).toBe(await staged(1));
    await coordinator.radar.talent.discardRefresh(plan.refreshId);
  }, 20_000);

  it('stages features exactly (NaN, infinities, -0, nulls, arrays) and refuses bad input with the seed codes', async () => {
    const f = {
      artistSlug: 'a-1',
      asOf: '2026-11-25T00:00:00.000Z',
      activityLevel: Number.NaN,
      engagementGrowth: -0,
      eventGrowth: Number.POSITIVE_INFINITY,
      eventRate: Number.NEGATIVE_INFINITY,
      drift: 0.1 + 0.2,
      coherence: 5e-324,
      pressQuality: null,
      microgenres: ['dream-pop', 'shoegaze'],
      host: { follows: { status: 'ok', value: 1.7976931348623157e308 } },
    } as unknown as ArtistFeatures;
    const outcomes = new Map<string, ShardOutcomes>([
      ['a-1', { artistSlug: 'a-1', reads: { record: { status: 'ok' } } as ShardOutcomes['reads'], host: f.host }],
    ]);
    const back = decodeShardFeatures(encodeShardFeatures([f], outcomes));
    const g = back.features[0] as unknown as Record<string, unknown>;
    expect(g.activityLevel).toBeNaN();
    expect(Object.is(g.engagementGrowth, -0)).toBe(true);
    expect(g.eventGrowth).toBe(Number.POSITIVE_INFINITY);
    expect(g.eventRate).toBe(Number.NEGATIVE_INFINITY);
    expect(g.drift).toBe(0.1 + 0.2);
    expect(g.coherence).toBe(5e-324);
    expect(back.features[0]).toEqual(f);
    expect(back.outcomes[0]!.reads).toEqual({ record: { status: 'ok' } });

    const db = await database();
    const schema = db.schemaName();
    await migrate({ pool: db.pool, schema });
    const { radar, stores } = radarOn(TEST_DATABASE_URL, schema);
    closing.push(() => stores.close());
    const code = async (p: Promise<unknown>): Promise<string> =>
      p.then(
        () => 'resolved',
        (e: unknown) => (isSceneRadarError(e) ? e.code : String(e)),
      );
    expect(
      await code(radar.talent.refreshShard({ refreshId: 'r-1', asOf: 'yesterday', index: 0, artists: ['a'] })),
    ).toBe('TALENT_VALIDATION_ERROR');
    expect(
      await code(
        radar.talent.refreshShard({ refreshId: 'r-1', asOf: '2026-11-25T00:00:00.000Z', index: -1, artists: ['a'] }),
      ),
    ).toBe('TALENT_VALIDATION_ERROR');
    // A finish with a shard missing writes nothing.
    const plan = await radar.talent.planRefresh();
    await radar.talent.refreshShard({
      refreshId: plan.refreshId,
      asOf: plan.asOf,
      index: 0,
      artists: plan.artists.slice(0, 10),
    });
    expect(await code(radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards: 2 }))).toBe(
      'TALENT_INTERNAL_ERROR',
    );
    expect(await stores.talent.talent_radar_artists.count()).toBe(0);
    expect(await radar.talent.discardRefresh(plan.refreshId)).toBe(1);
    // A staged shard this code cannot read is a schema mismatch, not a crash.
    const other = await radar.talent.planRefresh();
    await stores.talent.talent_radar_refresh_shards.upsert([
      {
        refresh_id: other.refreshId,
        shard: 0,
        as_of: plan.asOf,
        artist_count: 1,
        features: '{"not":"a shard"}',
        updated_at: plan.asOf,
      },
    ]);
    expect(await code(radar.talent.finishRefresh({ refreshId: other.refreshId, asOf: other.asOf, shards: 1 }))).toBe(
      'STORE_SCHEMA_MISMATCH',
    );
    const bad = (o: object): string => {
      try {
        createShardedRefresh({ radar, connection, ...o });
        return 'created';
      } catch (e) {
        return isSceneRadarError(e) ? e.code : String(e);
      }
    };
    expect(bad({ queueName: 'a:b' })).toBe('CONFIG_INVALID');
    expect(bad({ shardSize: 0 })).toBe('CONFIG_INVALID');
    expect(() => createRefreshWorker({ radar, connection, concurrency: 0 })).toThrow(/concurrency/);
  }, 15_000);
});

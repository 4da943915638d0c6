/**
 * Two radars (two instances) over one Redis tier prefix, against the real local Redis (fails, never
 * skips, without one): a result computed by one is served by the other without touching its
 * sources, the same bytes; `clearCache` and a refresh on one drop the other's L1; the tier's health
 * is in `radar.stats().cache.store`.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createSceneRadar, fixedClock, type SceneRadar } from '../../src/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { createRedisCacheTier, type RedisCacheTier } from '../../adapters/redis/index.js';
import { countingSources } from '../helpers/counting-sources.js';
import { dropPrefix, TEST_REDIS_URL, testPrefix, testRedis, until } from '../helpers/redis-test.js';

const NOW = new Date('2026-11-24T12:00:00Z');
let redis: Redis;
const keyPrefix = testPrefix('radar');
const tiers: RedisCacheTier[] = [];
const radars: SceneRadar[] = [];
const counters: ReturnType<typeof countingSources>[] = [];

// Set up once, on the first test's beforeEach: without Redis every test fails (none is skipped).
let setup: Promise<void> | undefined;
beforeEach(() => {
  setup ??= setUp();
  return setup;
}, 30_000);

async function setUp(): Promise<void> {
  redis = await testRedis();
  const world = createDemoWorld({ artists: 60, end: '2026-11-24' });
  for (let i = 0; i < 2; i++) {
    const clock = fixedClock(NOW);
    const tier = createRedisCacheTier({ redis: TEST_REDIS_URL, keyPrefix, clock });
    await tier.ready();
    const counting = countingSources(world.sources);
    const radar = createSceneRadar({ sources: counting.sources, cache: { store: tier }, clock });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(NOW);
    tiers.push(tier);
    radars.push(radar);
    counters.push(counting);
  }
}
afterAll(async () => {
  for (const r of radars) await r.close();
  for (const t of tiers) await t.close();
  if (!redis) return;
  await dropPrefix(redis, keyPrefix);
  redis.disconnect();
});

describe('radars over the Redis tier', () => {
  it('a result computed by one instance is served by the other without touching its sources', async () => {
    const [a, b] = radars as [SceneRadar, SceneRadar];
    for (const c of counters) c.reset();
    const fromA = await a.scenes.pulse.getGlobalPulse({ limit: 5 });
    expect(counters[0]!.total()).toBeGreaterThan(0);
    const fromB = await b.scenes.pulse.getGlobalPulse({ limit: 5 });
    expect(counters[1]!.total()).toBe(0);
    expect(JSON.stringify(fromB)).toBe(JSON.stringify(fromA));
    const profileA = await a.talent.aggregator.buildGlobalPulse({ limit: 5 });
    const before = counters[1]!.total();
    expect(JSON.stringify(await b.talent.aggregator.buildGlobalPulse({ limit: 5 }))).toBe(JSON.stringify(profileA));
    expect(counters[1]!.total()).toBe(before);
    expect(b.stats().cache.store).toMatchObject({ state: 'ok' });
    expect(b.stats().cache.store!.counters.l2Hits).toBeGreaterThanOrEqual(2);
  });

  it('clearCache on one instance drops the result from the other instance', async () => {
    const [a, b] = radars as [SceneRadar, SceneRadar];
    await b.scenes.pulse.getGlobalPulse({ limit: 5 });
    const held = tiers[1]!.size()!;
    await a.scenes.pulse.clearCache();
    await until(() => tiers[1]!.size()! < held, 1000, 'the clear to reach the other instance');
    expect(await redis.exists(`${keyPrefix}v:scenes:global:5`)).toBe(0);
    counters[1]!.reset();
    await b.scenes.pulse.getGlobalPulse({ limit: 5 });
    expect(counters[1]!.total()).toBeGreaterThan(0);
  });
});

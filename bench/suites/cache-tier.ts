/**
 * The Redis cache tier (issue 16, scene-radar/adapters/redis) against the real local Redis:
 * - L1 hit: `Cache.getOrCompute` over the tier on a fresh entry held in process (target < 1 us, as
 *   over the default store), and the same over the default in-memory store for comparison;
 * - L2 hit: `tier.get` of an entry another instance stored, with this instance's L1 empty for it
 *   (GET, the codec's checks, JSON.parse, the L1 fill), p50 and p99 over 3,000 entries of about
 *   1.8 KB of JSON, against a raw ioredis GET of the same bytes, interleaved key by key so both
 *   see the same load; the ratios are reported;
 * - invalidation: a delete on one instance until the other instance (its own connections) has
 *   dropped the key from its L1, p50 and p99 over 500 deletes (target p99 < 100 ms).
 * Needs Redis (127.0.0.1:6379; `SCENE_RADAR_TEST_REDIS_URL` overrides it): throws when it cannot be
 * reached. Works under a key prefix of its own, removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisCacheTier, type RedisCacheTier } from '../../adapters/redis/index.js';
import { Cache } from '../../src/core/cache/cache.js';
import { medianNs, nowMs, round, type Figure } from '../harness.js';

const REDIS_URL = process.env.SCENE_RADAR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ENTRIES = 3000;
const INVALIDATIONS = 500;

/** The `p`-th percentile of sorted samples (nearest rank). */
const pct = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

/** A value shaped like a radar result: about 1.8 KB of JSON. */
function payload(i: number): Record<string, unknown> {
  return {
    sceneSlug: `scene-${i}`,
    heat: (i * 37) % 100,
    growth: ((i % 17) - 8) / 10,
    stage: 'growing',
    asOf: '2026-11-24T00:00:00.000Z',
    members: Array.from({ length: 12 }, (_, k) => ({
      artistSlug: `artist-${i}-${k}`,
      momentum: ((i + k) % 13) / 13,
      confidence: 0.5 + ((i * k) % 5) / 10,
      microgenres: ['dream-pop', 'shoegaze'],
    })),
  };
}

/** Runs the suite; throws when Redis cannot be reached. */
export async function cacheTierSuite(): Promise<Figure[]> {
  const raw = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  raw.on('error', () => undefined);
  try {
    await raw.connect();
    await raw.ping();
  } catch (e) {
    raw.disconnect();
    throw new Error(`bench cache-tier: Redis cannot be reached at ${REDIS_URL}: ${String(e)}`);
  }
  const keyPrefix = `sr-bench:tier:${randomBytes(4).toString('hex')}:`;
  const tiers: RedisCacheTier[] = [];
  const tier = (): RedisCacheTier => {
    const t = createRedisCacheTier({ redis: REDIS_URL, keyPrefix, maxEntries: 20_000 });
    tiers.push(t);
    return t;
  };
  const figures: Figure[] = [];
  try {
    const [a, b] = [tier(), tier()];
    await Promise.all([a.ready(5000), b.ready(5000)]);

    // L1 hit: getOrCompute on fresh entries, 1,000 awaited hits per sample, over the tier and over
    // the default store.
    const keys = Array.from({ length: 1000 }, (_, i) => `pulse:scene-${i}`);
    const never = async (): Promise<Record<string, unknown>> => {
      throw new Error('a hit must not compute');
    };
    const l1 = async (cache: Cache<Record<string, unknown>>, label: string): Promise<number> => {
      for (let i = 0; i < keys.length; i++) await cache.getOrCompute(keys[i]!, async () => payload(i));
      return medianNs(
        label,
        async () => {
          for (let i = 0; i < 1000; i++) await cache.getOrCompute(keys[i]!, never);
        },
        { inner: 1000 },
      );
    };
    const overTier = await l1(
      new Cache<Record<string, unknown>>({ store: a, ttlMs: 3_600_000, namespace: 'l1:' }),
      'L1 hit over the tier',
    );
    const overLru = await l1(
      new Cache<Record<string, unknown>>({ ttlMs: 3_600_000, maxEntries: 10_000 }),
      'L1 hit over the default store',
    );
    figures.push({
      name: 'cache_tier.l1_hit_get_or_compute_median_ns',
      value: round(overTier, 1),
      target: '< 1000 ns',
      pass: overTier < 1000,
    });
    figures.push({ name: 'cache_tier.l1_hit_default_store_median_ns', value: round(overLru, 1) });

    // L2 hit: A stores the entries, B (L1 empty for them) reads each once; a raw GET of the same
    // key's bytes right after, on a connection of its own.
    const created = Date.now();
    const entry = (i: number) => ({
      value: payload(i),
      createdAt: created,
      expiresAt: created + 3_600_000,
      staleUntil: created + 7_200_000,
    });
    const l2Keys = Array.from({ length: ENTRIES }, (_, i) => `l2:pulse:scene-${i}`);
    for (let i = 0; i < ENTRIES; i += 100)
      await Promise.all(l2Keys.slice(i, i + 100).map((k, j) => a.set(k, entry(i + j))));
    const bytes = (await raw.strlen(`${keyPrefix}v:${l2Keys[0]!}`)) || 0;
    // Warm both paths (connections, JIT) on keys outside the measured set.
    for (let i = 0; i < 200; i++) {
      await b.get(`warm:${i}`);
      await raw.get(`${keyPrefix}v:${l2Keys[i]!}`);
    }
    const viaTier: number[] = [];
    const viaRaw: number[] = [];
    for (let i = 0; i < ENTRIES; i++) {
      const key = l2Keys[i]!;
      let t0 = nowMs();
      const got = await b.get(key);
      viaTier.push(nowMs() - t0);
      if (got === undefined) throw new Error(`bench cache-tier: ${key} was not read back from Redis`);
      t0 = nowMs();
      const text = await raw.get(`${keyPrefix}v:${key}`);
      viaRaw.push(nowMs() - t0);
      if (text === null) throw new Error(`bench cache-tier: ${key} is not in Redis`);
    }
    viaTier.sort((x, y) => x - y);
    viaRaw.sort((x, y) => x - y);
    const [t50, t99, r50, r99] = [pct(viaTier, 50), pct(viaTier, 99), pct(viaRaw, 50), pct(viaRaw, 99)];
    figures.push(
      { name: 'cache_tier.l2_entry_bytes', value: bytes },
      { name: 'cache_tier.l2_hit_p50_us', value: round(t50 * 1000, 1) },
      { name: 'cache_tier.l2_hit_p99_us', value: round(t99 * 1000, 1) },
      { name: 'cache_tier.raw_get_p50_us', value: round(r50 * 1000, 1) },
      { name: 'cache_tier.raw_get_p99_us', value: round(r99 * 1000, 1) },
      { name: 'cache_tier.l2_hit_vs_raw_get_p50_x', value: round(t50 / r50, 2) },
      { name: 'cache_tier.l2_hit_vs_raw_get_p99_x', value: round(t99 / r99, 2) },
    );

    // Invalidation: A deletes a key B holds in L1; the time until B's listener hears of it (it has
    // dropped the key from its L1 by then).
    const heard = new Map<string, number>();
    b.onInvalidate?.((inv) => {
      if (inv.kind === 'key') heard.set(inv.key, nowMs());
    });
    const latencies: number[] = [];
    for (let i = 0; i < INVALIDATIONS; i++) {
      const key = l2Keys[i]!;
      const t0 = nowMs();
      await a.delete(key);
      const deadline = t0 + 2000;
      while (!heard.has(key)) {
        if (nowMs() > deadline)
          throw new Error(`bench cache-tier: the delete of ${key} did not reach the other instance`);
        await new Promise((r) => setImmediate(r));
      }
      latencies.push(heard.get(key)! - t0);
      const held = b.get(key);
      if (held !== undefined && !(held instanceof Promise))
        throw new Error(`bench cache-tier: ${key} is still in the other instance's L1`);
      await held;
    }
    latencies.sort((x, y) => x - y);
    const i99 = pct(latencies, 99);
    figures.push(
      { name: 'cache_tier.invalidation_p50_ms', value: round(pct(latencies, 50), 3) },
      { name: 'cache_tier.invalidation_p99_ms', value: round(i99, 3), target: '< 100 ms', pass: i99 < 100 },
      { name: 'cache_tier.invalidation_max_ms', value: round(latencies.at(-1)!, 3) },
    );
    return figures;
  } finally {
    for (const t of tiers) await t.close().catch(() => undefined);
    let cursor = '0';
    do {
      const [next, found] = await raw.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
      if (found.length > 0) await raw.unlink(...found);
      cursor = next;
    } while (cursor !== '0');
    raw.disconnect();
  }
}

/**
 * Review of the day's changes 35 (48ccf0c, 5716528): the Redis tier's PTTL rebase (`onLocalClock`),
 * the codec's `toJSON` refusal, `encodeForBus`, `BUMP_GENERATION`, talentScorer's non-slug names,
 * `withUnrankedTerms` on empty kept distributions in `scoreArtists`. Redis keys live under
 * `tc35:<random>:`, dropped afterwards.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: an entry and its
 * PTTL are read by one script, so no write lands between them, and the generation is read by a
 * script that creates a missing counter, so no computation holds "none"). The first one's
 * injected write now has no gap to land in: it checks the entry read is moved back by the whole skew.
 *
 * FAULTS:
 *
 * 1. adapters/redis/cache-tier.ts `readL2` (GET and PTTL sent as `Promise.all`, a pipeline, not a
 *    transaction): another client's write can run between the two, so the PTTL is that of a
 *    different entry than the one decoded. When the key is rewritten by a fresh computation between
 *    them, an entry from a writer whose clock is 30 s ahead is moved back by only 10 s (or not at
 *    all when the rewrite came later): it is held fresh in this instance's L1 20 s past its TTL, the
 *    very skew the change set out to remove (the comment says "a key gone between the two reads has
 *    no PTTL", but a key rewritten between them has the wrong one). Fix: read both atomically
 *    (`MULTI` GET + PTTL, or one Lua script returning both).
 *
 * 2. adapters/redis/cache-tier.ts `BUMP_GENERATION` with `SET_IF_GENERATION` / `coordinate`: a
 *    computation that starts before the first invalidation reads the generation `''` (no counter).
 *    A delete then starts the counter at TIME µs + 1; if the counter is then evicted or deleted (the
 *    case the change addresses), `SET_IF_GENERATION` reads `''` again and writes the value computed
 *    before the delete: every instance serves the invalidated value until its TTL. CHANGELOG/docs
 *    say a computation that read it before the loss "is never written after a delete". Fix: never
 *    hand out `''` as a generation: read it with a script that creates a missing counter (at TIME
 *    µs) and returns it, so a missing counter at write time always differs from what was read.
 *
 * Verified correct (plain `it`): a writer 30 s ahead is moved back 30 s (durations kept); never
 * forward (writer behind), PTTL -1 (no PX) and < 1 s differences kept as written; repeated reads
 * of one L2 entry shift by the same amount (no drift); the bumped counter starts at TIME µs (a safe
 * integer), increments by one, restarts above after a delete; two computations (one at `''`, one
 * after a delete) are not written; `encodeForBus` keeps 'a', control, quote and astral keys within
 * 64 KiB as a 10,906-character prefix clear, passes a 65,000-char key whole; a surrogate pair cut
 * at the truncation point still drops the key on the other instance and keeps the others; toJSON
 * methods nested, on arrays, on null-prototype objects, Dates are refused, a non-function `toJSON`
 * property is shared intact; `scoreArtists` with the kept peers and an empty kept distribution
 * lists the feature in `problems` with the reason, status stays ok, scores equal the stored refresh
 * and the scores before the feature recovered, a ranked feature gets no problem, own-population
 * scoring none; talentScorer: a population of only non-slugs, a non-slug candidate beside slugs
 * (same scores, reason `invalid: not an artist slug ...`), calibrate with a non-slug candidate and
 * peer (fails only for too few examples on the tiny world, not over the name).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { CacheEntry } from '../../src/core/cache/cache-store.js';
import { createRedisCacheTier, type RedisCacheTier } from '../../adapters/redis/index.js';
import { encodeEntry } from '../../adapters/redis/codec.js';
import { encodeForBus, parseBusMessage } from '../../adapters/redis/bus.js';
import { dropPrefix, lazyTestRedis, until } from '../helpers/redis-test.js';

const ROOT = `tc35:${randomBytes(4).toString('hex')}:`;
let redis: Redis;
const open: RedisCacheTier[] = [];
const clients: Redis[] = [];
let n = 0;
const connect = lazyTestRedis();
beforeEach(async () => {
  redis = await connect();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
  for (const c of clients.splice(0)) c.disconnect();
});
afterAll(async () => {
  if (!redis) return;
  await dropPrefix(redis, ROOT);
  redis.disconnect();
});

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tiers(count: number, redisOption?: Redis): Promise<{ prefix: string; tiers: RedisCacheTier[] }> {
  const keyPrefix = `${ROOT}${n++}:`;
  const made = Array.from({ length: count }, (_, i) =>
    createRedisCacheTier({
      redis: i === 0 && redisOption ? redisOption : { host: '127.0.0.1', port: 6379 },
      keyPrefix,
    }),
  );
  open.push(...made);
  await Promise.all(made.map((t) => t.ready()));
  return { prefix: keyPrefix, tiers: made };
}

function entry(value: unknown, createdAt: number, ttl = 60_000, grace = 60_000): CacheEntry<unknown> {
  return { value, createdAt, expiresAt: createdAt + ttl, staleUntil: createdAt + ttl + grace };
}
const text = (e: CacheEntry<unknown>): string => {
  const got = encodeEntry(e, 1 << 20);
  if (!got.ok) throw new Error(got.why);
  return got.text;
};

describe('onLocalClock: L2 entries read with their PTTL', () => {
  it('a writer 30 s ahead: the entry is moved back by 30 s (fresh here no longer than there)', async () => {
    const {
      prefix,
      tiers: [b],
    } = await tiers(1);
    const now = Date.now();
    // Computed 20 s ago (real time) on a clock 30 s ahead: claims createdAt now + 10 s.
    const e1 = entry('e1', now + 10_000);
    await redis.set(`${prefix}v:k`, text(e1), 'PX', 100_000);
    const got = (await b!.get('k')) as CacheEntry<unknown>;
    expect(got.value).toBe('e1');
    expect(Math.abs(got.expiresAt - (now + 40_000))).toBeLessThan(1_500);
    expect(got.staleUntil - got.expiresAt).toBe(60_000);
    expect(got.expiresAt - got.createdAt).toBe(60_000);
  });

  it('never forward: a writer behind, PTTL -1 (no PX) and entries within 1 s are kept as written', async () => {
    const {
      prefix,
      tiers: [b],
    } = await tiers(1);
    const now = Date.now();
    const behind = entry('behind', now - 30_000);
    await redis.set(`${prefix}v:a`, text(behind), 'PX', 120_000);
    expect(await b!.get('a')).toEqual(behind);
    const nopx = entry('nopx', now + 50_000);
    await redis.set(`${prefix}v:b`, text(nopx));
    expect(await b!.get('b')).toEqual(nopx);
    const near = entry('near', now + 500);
    await redis.set(`${prefix}v:c`, text(near), 'PX', 120_000);
    expect(await b!.get('c')).toEqual(near);
  });

  it('an entry read repeatedly is shifted by the same amount each time (no drift), L1 keeps it', async () => {
    const {
      prefix,
      tiers: [b],
    } = await tiers(1);
    const now = Date.now();
    const e1 = entry('e1', now + 30_000, 100, 120_000);
    await redis.set(`${prefix}v:k`, text(e1), 'PX', 120_100);
    // expiresAt is past right after the shift: every get goes to L2 again.
    const first = (await b!.get('k')) as CacheEntry<unknown>;
    await delay(300);
    const second = (await b!.get('k')) as CacheEntry<unknown>;
    expect(Math.abs(second.createdAt - first.createdAt)).toBeLessThanOrEqual(5);
    expect(Math.abs(first.createdAt - now)).toBeLessThan(1_500);
  });

  it('FAULT: a rewrite landing between the pipelined GET and PTTL leaves a skewed entry unshifted (20 s too fresh)', async () => {
    const host = new Redis({ host: '127.0.0.1', port: 6379 });
    const other = new Redis({ host: '127.0.0.1', port: 6379 });
    clients.push(host, other);
    await host.ping();
    const {
      prefix,
      tiers: [b],
    } = await tiers(1, host);
    const now = Date.now();
    const e1 = entry('e1', now + 10_000); // writer 30 s ahead, 20 s ago
    await redis.set(`${prefix}v:k`, text(e1), 'PX', 100_000);
    // Another instance (clock in time) writes its fresh computation between the two reads: Redis
    // runs another client's command between two commands of a pipeline (not a MULTI).
    const pttl = host.pttl.bind(host);
    let once = true;
    (host as unknown as { pttl: (k: string) => Promise<number> }).pttl = async (k: string) => {
      if (once) {
        once = false;
        await other.set(`${prefix}v:k`, text(entry('e2', Date.now())), 'PX', 120_000);
      }
      return pttl(k);
    };
    const got = (await b!.get('k')) as CacheEntry<unknown>;
    expect(got.value).toBe('e1');
    // E1 ends its TTL 40 s from now in real time; it must not be fresh here past that.
    expect(got.expiresAt).toBeLessThan(now + 41_500);
  });
});

describe('BUMP_GENERATION', () => {
  it('a missing counter starts at Redis TIME in microseconds, then increments by one', async () => {
    const {
      prefix,
      tiers: [a],
    } = await tiers(1);
    const [sec] = (await redis.time()) as unknown as [string, string];
    await a!.delete('x');
    const g1 = Number(await redis.get(`${prefix}g`));
    expect(g1).toBeGreaterThan(Number(sec) * 1e6);
    expect(g1).toBeLessThan((Number(sec) + 60) * 1e6);
    expect(Number.isSafeInteger(g1)).toBe(true);
    await a!.clear('p');
    expect(Number(await redis.get(`${prefix}g`))).toBe(g1 + 1);
    await redis.del(`${prefix}g`);
    await a!.delete('y');
    expect(Number(await redis.get(`${prefix}g`))).toBeGreaterThan(g1 + 1);
  });

  /** A computation on `b` that writes 'old' once opened. */
  function guarded(b: RedisCacheTier, key: string) {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const done = b.coordinate!(key, async () => {
      started();
      await gate;
      await b.set(key, entry('old', Date.now()));
      return 'old';
    });
    return { running, open: () => release(), done };
  }

  it('two computations in flight, one begun before the counter existed, one after a delete: neither written', async () => {
    const {
      prefix,
      tiers: [a, b],
    } = await tiers(2);
    const w1 = guarded(b!, 'k');
    await w1.running; // began at ''
    await a!.delete('k');
    const w2 = b!.coordinate!('k', async () => 'x', { wait: false });
    await w2;
    w1.open();
    await w1.done;
    expect(await redis.get(`${prefix}v:k`)).toBeNull();
  });

  it('FAULT: a computation begun before the counter existed is written after a delete once the counter is evicted', async () => {
    const {
      prefix,
      tiers: [a, b],
    } = await tiers(2);
    const w = guarded(b!, 'k');
    await w.running; // began at '' (no invalidation yet)
    await a!.delete('k'); // the counter: TIME µs + 1
    await redis.del(`${prefix}g`); // evicted (allkeys-lru) or dropped with the prefix
    w.open();
    await w.done;
    // Documented: a computation that read it before the loss is never written after a delete.
    expect(await redis.get(`${prefix}v:k`)).toBeNull();
  });
});

describe('encodeForBus', () => {
  it('a key too long: a prefix clear of its first 10,906 characters, within 64 KiB even all escaped', () => {
    const o = '0123456789abcdef0123456789abcdef0123';
    for (const ch of ['a', '\u0001', '"', '\ud83d\ude00']) {
      const k = ch.repeat(70_000);
      const t = encodeForBus({ o, t: 'k', k });
      const m = parseBusMessage(t)!;
      expect(m).toBeDefined();
      expect(m.t).toBe('p');
      expect(k.startsWith(m.k)).toBe(true);
      expect(m.k.length).toBe(10_906);
    }
    const short = 'b'.repeat(65_000);
    expect(parseBusMessage(encodeForBus({ o, t: 'k', k: short }))).toEqual({ o, t: 'k', k: short });
  });

  it('a surrogate pair cut at the truncation point: the other instance still drops the key, keeps others', async () => {
    const {
      tiers: [a, b],
    } = await tiers(2);
    const head = `n:${'a'.repeat(10_903)}`; // 10,905 characters, then a pair split at 10,906
    const long = `${head}\ud83d\ude00${'z'.repeat(60_000)}`;
    const now = Date.now();
    await b!.set(long, entry('long', now));
    await b!.set('n:other', entry('other', now));
    expect(b!.size()).toBe(2);
    await a!.delete(long);
    await until(() => b!.size() === 1, 2000, 'the clear to reach B');
    expect(((await b!.get('n:other')) as CacheEntry<unknown>).value).toBe('other');
    expect(await b!.get(long)).toBeUndefined();
  });
});

describe('codec: toJSON', () => {
  const enc = (value: unknown) => encodeEntry(entry(value, 1_000), 1 << 20);
  it('a toJSON method anywhere (nested, in an array, on a null-prototype object, a Date) is refused', () => {
    const nul = Object.assign(Object.create(null) as object, { toJSON: () => 1 });
    const arr = Object.assign([1, 2], { toJSON: () => 'x' });
    for (const v of [{ a: [{ toJSON: () => 1 }] }, nul, arr, { d: new Date(0) }, { toJSON: () => undefined }])
      expect(enc(v).ok).toBe(false);
  });
  it('a property named toJSON that is not a function is shared and reads back the same', () => {
    const got = enc({ toJSON: 'text', n: { toJSON: null } });
    expect(got.ok).toBe(true);
    expect(JSON.parse((got as { text: string }).text).v).toEqual({ toJSON: 'text', n: { toJSON: null } });
  });
});

// ---------------------------------------------------------------------------------------------
// Talent: scoreArtists with the kept peers, talentScorer and non-slug names
// ---------------------------------------------------------------------------------------------
import {
  createDemoWorld,
  createEagerDataset,
  createMemorySources,
  type ArtistHistory,
} from '../../adapters/memory/index.js';
import { createSceneRadar, fixedClock, type HostFeature, type SceneRadarSources } from '../../src/index.js';
import { createMemoryStores } from '../../src/stores.js';
import { runBacktest, talentScorer, type BacktestOptions } from '../../src/backtest/index.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const WORLD = createDemoWorld({ artists: 16, end: '2026-11-24' });
const hash = (s: string): number => {
  let h = 7;
  for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) % 1000003;
  return h;
};

describe('scoreArtists with the kept peers: an empty kept distribution', () => {
  it('the weighed feature is a problem with the reason; scores equal the stored refresh; ranked features untouched', async () => {
    let down = true;
    const flaky: HostFeature = {
      name: 'newf',
      source: 'flaky',
      read: (s) => {
        if (down) throw new Error('warehouse down');
        return new Map(s.map((x) => [x, hash(x) % 97]));
      },
    };
    const good: HostFeature = { name: 'good', source: 'g', read: (s) => new Map(s.map((x) => [x, hash(x) % 50])) };
    const stores = createMemoryStores();
    const r = createSceneRadar({
      sources: WORLD.sources,
      stores,
      clock: fixedClock(NOW),
      hostFeatures: [flaky, good],
      config: {
        talent: {
          model: { breakout: { hostInputs: { newf: { weight: 3, center: 0.5 }, good: { weight: 2, center: 0.5 } } } },
        },
      } as never,
    });
    try {
      await r.scenes.importCatalog(WORLD.catalog);
      await r.scenes.refresh(NOW);
      await r.talent.refresh(NOW);
      const rows = (await stores.talent.talent_radar_artists.scan()) as Array<{
        artist_slug: string;
        breakout_score: number;
      }>;
      const slugs = rows.map((x) => x.artist_slug).sort();
      const before = await r.talent.scoreArtists(slugs, { asOf: NOW });
      down = false;
      const after = await r.talent.scoreArtists(slugs, { asOf: NOW });
      for (const a of after.artists) {
        expect(a.status).toBe('ok');
        expect(a.problems.some((p) => p.includes('host feature newf') && p.includes('empty distribution'))).toBe(true);
        expect(a.problems.some((p) => p.includes('host feature good'))).toBe(false);
        const stored = rows.find((x) => x.artist_slug === a.artistSlug)!;
        expect(a.breakout).toBe(stored.breakout_score);
        const b = before.artists.find((x) => x.artistSlug === a.artistSlug)!;
        expect([a.momentum, a.breakout, a.risk, a.confidence]).toEqual([b.momentum, b.breakout, b.risk, b.confidence]);
      }
      // With a population of its own (fresh peers), the feature is ranked: no such problem.
      const own = await r.talent.scoreArtists(slugs.slice(0, 3), { asOf: NOW, population: slugs });
      for (const a of own.artists) expect(a.problems.some((p) => p.includes('newf'))).toBe(false);
    } finally {
      await r.close();
    }
  }, 60_000);
});

describe('talentScorer: names that are not radar slugs', () => {
  const at = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
  function world(): SceneRadarSources {
    const histories: ArtistHistory[] = ['ana', 'ben', 'cy', 'dee'].map((slug, i) => ({
      record: { slug, name: slug, homeRegion: 'uk', homeCity: null, firstSeen: '2020-01-01T00:00:00.000Z' },
      tastemakers: [],
      collaborators: [],
      releases: [],
      campaigns: [],
      engagement: { start: '2020-01-01', organic: [], paid: [] },
      articles: [],
      events: [
        { id: `${slug}1`, type: 'playlist_add', at: '2020-01-20T12:00:00.000Z', weight: 10 + i, region: 'uk' },
        { id: `${slug}2`, type: 'playlist_add', at: '2020-02-20T12:00:00.000Z', weight: 20 * i + 1, region: 'uk' },
      ],
      coherence: { start: '2020-01-01', values: [] },
      memberships: [],
    }));
    const { mig, rcf } = createMemorySources(createEagerDataset({ histories }));
    return { mig, rcf };
  }
  const options = (over: Partial<BacktestOptions>): BacktestOptions => ({
    name: 'tc35',
    sources: world(),
    cutoffs: [
      { asOf: at('2020-02-01'), split: 'train' },
      { asOf: at('2020-03-01'), split: 'test' },
    ],
    horizonDays: 10,
    candidates: () => ['ana', 'ben', 'cy', 'Not A Slug!'],
    labels: ({ candidates }) => Object.fromEntries(candidates.map((c) => [c, c === 'ana' || c === 'Not A Slug!'])),
    baselines: [],
    scorer: talentScorer(),
    resamples: 5,
    now: () => at('2024-01-01'),
    ...over,
  });

  it('a population made only of non-slugs: the candidates are scored against themselves, none fails', async () => {
    const r = await runBacktest(options({ population: () => ['Not A Slug!', 'X'], candidates: () => ['ana', 'ben'] }));
    expect(r.scorer!.error).toBeNull();
    expect(r.scorer!.unscored.total).toBe(0);
  });

  it('the same scores for the slugs with or without a non-slug candidate beside them', async () => {
    const s = talentScorer();
    const ctx = (candidates: string[]) => ({
      sources: world(),
      asOf: at('2020-03-01'),
      candidates,
      population: ['ana', 'ben', 'cy', 'dee', 'Bad Peer'],
    });
    const a = await s.score(ctx(['ana', 'ben', 'cy']) as never);
    const b = await s.score(ctx(['ana', 'Not A Slug!', 'ben', 'cy']) as never);
    const sa = a instanceof Map ? a : (a as { scores: Map<string, number> }).scores;
    const sb = b instanceof Map ? b : (b as { scores: Map<string, number>; unscored: Map<string, string> }).scores;
    expect(sa.size).toBeGreaterThan(0);
    expect([...sb]).toEqual([...sa]);
    expect((b as unknown as { unscored: Map<string, string> }).unscored.get('Not A Slug!')).toMatch(
      /^invalid: not an artist slug/,
    );
  });

  it('calibrate on: a non-slug candidate and peer neither fail the fit nor the scores', async () => {
    const r = await runBacktest(
      options({
        scorer: talentScorer({ calibrate: true }),
        population: () => ['ana', 'ben', 'cy', 'dee', 'Bad Peer'],
      }),
    );
    // Too few examples to fit on this tiny world; what must not fail it is the non-slug name.
    expect(String(r.scorer!.error)).not.toMatch(/slug/i);
    expect(String(r.scorer!.error)).toMatch(/examples/);
  });
});

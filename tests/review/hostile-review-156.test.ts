/**
 * Hostile review 156: the read-only facade (`radar.readOnly`, src/talent/read-only.ts), the
 * read-only HTTP backend (`readOnlyApiBackend`, `readOnlyScenes`), the per-engine scoped gateway
 * (src/core/gateway/scoped.ts), the in-memory rate limiter (src/api/rate-limit.ts) and how the
 * fetch handler (src/api/handler.ts, src/api/answer.ts) applies it, on a 30-artist demo world.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: the family is
 * picked by path segment; the OpenAPI answer has `Cache-Control: no-store`).
 *
 * FAULTS (each an `it('FAULT: ...')` asserting the documented behaviour):
 *
 * 1. src/api/answer.ts:320 (createLightHandler / handle): the error-code family of a request is
 *    picked with `path.startsWith(`${base}/talent`)`, a string prefix rather than a path segment.
 *    docs/http-api.md says "the family follows the route: `/talent/...` is `TALENT_*`", but a
 *    path such as `/api/talentless` or `/api/talent-scout` (not a Talent route, a 404) that is
 *    over the rate limit is refused `TALENT_RATE_LIMITED` (and a 500 there would be
 *    `TALENT_INTERNAL_ERROR`). Fix: `path === `${base}/talent` || path.startsWith(`${base}/talent/`)`.
 *
 * 2. src/api/answer.ts:385-404 (the `/openapi.json` branch of handle): the OpenAPI answer builds
 *    its own headers (content-type, x-request-id, RateLimit-*, CORS) and leaves out
 *    `Cache-Control: no-store`, which `answerOf` adds to every other answer. docs/http-api.md
 *    lists `/api/openapi.json` in the route table and says "Every answer of a route (errors and
 *    404s included) has `Cache-Control: no-store`". Fix: add `'cache-control': 'no-store'` there
 *    (or document the exception, e.g. a short max-age, since the document only changes on deploy).
 *
 * Everything else here pins behaviour found correct: the facade's five frozen closures, skipCache
 * dropped in every form (direct and over HTTP with `allowSkipCache: true`), no source read from
 * `getArtistScores`, deep-frozen results that cannot write through to the store, unreadable
 * options as a rejection; the scoped gateway answering `absent` and not closing the shared one;
 * the limiter under back/forward clock jumps, odd and huge keys, LRU eviction, concurrent bursts.
 * Design note (not asserted as a fault, because docs/http-api.md documents it): a clock that
 * steps back by even 1 ms starts a new window with a fresh count (src/api/rate-limit.ts:85), so
 * each backward step grants another full allowance; keeping the count and moving `start` to
 * `now` would keep the "never wait longer than one window" promise without that.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import {
  createFetchHandler,
  createMemoryRateLimiter,
  readOnlyApiBackend,
  readOnlyScenes,
} from '../../src/api/index.js';
import { createSourceGateway } from '../../src/core/gateway/gateway.js';
import { scopedGateway } from '../../src/core/gateway/scoped.js';
import { createSceneRadar, fixedClock, type SceneRadar, type SourceCallEvent } from '../../src/index.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 30, end: '2026-11-24' });
const events: SourceCallEvent[] = [];
let radar: SceneRadar;
let slug: string;

beforeAll(async () => {
  radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW), onSourceCall: (e) => events.push(e) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh(NOW);
  slug = (await radar.readOnly.getGlobalPulse()).topRisingArtists[0]!.artist_slug;
}, 60_000);
afterAll(async () => {
  await radar?.close();
});

describe('hostile review 156: faults', () => {
  it('FAULT: a non-Talent path that merely starts with /api/talent is rate-limited as TALENT_RATE_LIMITED', async () => {
    const handler = createFetchHandler(radar, {
      rateLimit: { limiter: createMemoryRateLimiter({ limit: 1, clock: fixedClock(NOW) }) },
    });
    await handler(new Request('http://localhost/api/scenes'));
    const refused = await handler(new Request('http://localhost/api/talentless'));
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: { code: string } };
    // Not a /talent/... route: the Scenes family (the default for every other path).
    expect(body.error.code).toBe('SCENES_RATE_LIMITED');
  });

  it('FAULT: GET /api/openapi.json answers without Cache-Control: no-store', async () => {
    const handler = createFetchHandler(radar);
    const res = await handler(new Request('http://localhost/api/openapi.json'));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('hostile review 156: read-only facade', () => {
  it('is five frozen closures on the plain prototype, nothing reaching the radar', () => {
    const f = radar.readOnly;
    expect(Object.getPrototypeOf(f)).toBe(Object.prototype);
    expect(Object.isFrozen(f)).toBe(true);
    expect(Reflect.ownKeys(f).length).toBe(5);
    for (const key of Reflect.ownKeys(f)) {
      const fn = (f as unknown as Record<PropertyKey, unknown>)[key] as object;
      expect(typeof fn).toBe('function');
      // Arrow functions: no prototype, no own properties beyond length/name.
      expect(Reflect.ownKeys(fn).sort()).toEqual(['length', 'name']);
    }
  });

  it('drops skipCache in every form: the cached objects come back and no source is read', async () => {
    const f = radar.readOnly;
    const pulse = await f.getGlobalPulse();
    const profile = await f.getArtistProfile(slug);
    const top = await f.getTopArtists({ category: 'breakout', limit: 5 });
    const before = events.length;
    const anyF = f as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    expect(await anyF.getGlobalPulse!(true)).toBe(pulse);
    expect(await anyF.getGlobalPulse!({ skipCache: true })).toBe(pulse);
    expect(await anyF.getGlobalPulse!({ skipCache: true, limit: 20 })).toBe(pulse);
    expect(await anyF.getArtistProfile!(slug, true)).toBe(profile);
    expect(await anyF.getArtistProfile!(slug, { skipCache: true })).toBe(profile);
    expect(await anyF.getTopArtists!({ category: 'breakout', limit: 5, skipCache: true })).toBe(top);
    // skipCache inherited from a prototype, and an options object with a getter for it.
    const inherited = Object.create({ skipCache: true }) as Record<string, unknown>;
    inherited.category = 'breakout';
    inherited.limit = 5;
    expect(await anyF.getTopArtists!(inherited)).toBe(top);
    expect(events.length).toBe(before);
  });

  it('getArtistScores reads no source, and its rows cannot be written through to the store', async () => {
    const before = events.length;
    const scores = await radar.readOnly.getArtistScores([slug, slug]);
    expect(events.length).toBe(before);
    expect(scores.artists).toHaveLength(1);
    const row = scores.artists[0] as unknown as Record<string, unknown>;
    const momentum = row.momentum;
    expect(() => {
      row.momentum = 12345;
    }).toThrow(TypeError);
    const again = await radar.talent.aggregator.getArtistScores([slug]);
    expect(again.artists[0]!.momentum).toBe(momentum);
  });

  it('cached results are deep-frozen: an A&R edit never reaches the aggregator', async () => {
    const pulse = await radar.readOnly.getGlobalPulse();
    expect(() => {
      (pulse.topRisingArtists as unknown as unknown[]).push({});
    }).toThrow(TypeError);
    expect(() => {
      (pulse.summary as unknown as Record<string, unknown>).totalArtistsTracked = -1;
    }).toThrow(TypeError);
    expect((await radar.talent.aggregator.buildGlobalPulse()).summary.totalArtistsTracked).toBeGreaterThan(0);
  });

  it('options whose fields throw on read are a TALENT_VALIDATION_ERROR rejection, not a synchronous throw', async () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('host getter');
        },
      },
    );
    const call = (): Promise<unknown> => radar.readOnly.getGlobalPulse(hostile as never);
    let p: Promise<unknown> | undefined;
    expect(() => {
      p = call();
    }).not.toThrow();
    await expect(p).rejects.toMatchObject({ code: 'TALENT_VALIDATION_ERROR' });
  });

  it('over HTTP, a read-only backend ignores skipCache=true even with allowSkipCache: true', async () => {
    const handler = createFetchHandler(readOnlyApiBackend(radar.readOnly, radar.config, radar.scenes), {
      allowSkipCache: true,
    });
    const first = await handler(new Request(`http://localhost/api/talent/artists/${slug}`));
    expect(first.status).toBe(200);
    const firstBody = await first.text();
    const before = events.length;
    for (const target of [
      `/api/talent/artists/${slug}?skipCache=true`,
      '/api/talent/pulse?skipCache=true',
      '/api/talent/top?category=risk&skipCache=true',
    ]) {
      const res = await handler(new Request(`http://localhost${target}`));
      expect(res.status, target).toBe(200);
    }
    expect(events.length).toBe(before);
    const again = await handler(new Request(`http://localhost/api/talent/artists/${slug}?skipCache=true`));
    expect(await again.text()).toBe(firstBody);
  });

  it('readOnlyScenes drops skipCache in the pulse reads and exposes no write', async () => {
    const ro = readOnlyScenes(radar.scenes) as unknown as Record<string, unknown>;
    expect(Object.isFrozen(ro)).toBe(true);
    for (const name of ['refresh', 'importCatalog', 'close', 'clearCache']) expect(name in ro, name).toBe(false);
    const sceneSlug = world.catalog.scenes[0]!.slug;
    const pulse = await radar.scenes.pulse.getScenePulse(sceneSlug);
    const before = events.length;
    const p = ro.pulse as Record<string, (...a: unknown[]) => Promise<unknown>>;
    expect(await p.getScenePulse!(sceneSlug, { skipCache: true })).toEqual(pulse);
    expect(await p.getScenePulse!(sceneSlug, true)).toEqual(pulse);
    expect(events.length).toBe(before);
  });
});

describe('hostile review 156: scoped gateway', () => {
  it('answers absent for sources outside the scope, has() false, and close() leaves the shared gateway open', async () => {
    const shared = createSourceGateway({ sources: world.sources });
    const view = scopedGateway(shared, ['mig']);
    try {
      expect(view.has('mig')).toBe(true);
      expect(view.has('coverage')).toBe(false);
      expect(view.has('__proto__' as never)).toBe(false);
      const coverage = await view.one('coverage', 'getArticles', slug, { asOf: NOW });
      expect(coverage.status).toBe('absent');
      view.close();
      expect((await view.one('coverage', 'getArticles', slug, { asOf: NOW })).status).toBe('absent');
      const mig = await shared.one('mig', 'getArtists', slug, { asOf: NOW });
      expect(mig.status).toBe('ok');
      expect((await view.one('mig', 'getArtists', slug, { asOf: NOW })).status).toBe('ok');
    } finally {
      shared.close();
    }
  });

  it("a Scenes Engine refresh reads only MIG, CMG and Fusion through the radar's shared gateway", async () => {
    const before = events.length;
    await radar.scenes.refresh(NOW);
    const read = new Set(events.slice(before).map((e) => e.source));
    expect(read.size).toBeGreaterThan(0);
    for (const s of read) expect(['mig', 'cmg', 'fusion']).toContain(s);
  }, 60_000);
});

describe('hostile review 156: rate limiter', () => {
  it('a clock stepping back or jumping forward starts a window no longer than one', () => {
    const clock = fixedClock(NOW);
    const l = createMemoryRateLimiter({ limit: 2, windowMs: 1000, clock });
    expect(l.consume('a')).toMatchObject({ allowed: true, remaining: 1 });
    expect(l.consume('a')).toMatchObject({ allowed: true, remaining: 0 });
    const refused = l.consume('a') as { allowed: boolean; resetMs: number };
    expect(refused.allowed).toBe(false);
    expect(refused.resetMs).toBeLessThanOrEqual(1000);
    clock.advance(-3_600_000);
    const back = l.consume('a') as { allowed: boolean; resetMs: number };
    expect(back.allowed).toBe(true);
    expect(back.resetMs).toBeLessThanOrEqual(1000);
    clock.advance(10 * 365 * 86_400_000);
    const fwd = l.consume('a') as { allowed: boolean; resetMs: number; remaining: number };
    expect(fwd).toMatchObject({ allowed: true, remaining: 1, resetMs: 1000 });
    clock.advance(999);
    expect(l.consume('a')).toMatchObject({ allowed: true, remaining: 0, resetMs: 1 });
    expect(l.consume('a')).toMatchObject({ allowed: false, resetMs: 1 });
    clock.advance(1);
    expect(l.consume('a')).toMatchObject({ allowed: true, remaining: 1, resetMs: 1000 });
  });

  it('odd keys (__proto__, constructor, empty, a 1 MB key) each get their own window', () => {
    const l = createMemoryRateLimiter({ limit: 1, windowMs: 1000, clock: fixedClock(NOW) });
    const keys = ['__proto__', 'constructor', 'toString', '', 'x'.repeat(1 << 20), 'x'.repeat((1 << 20) - 1)];
    for (const k of keys) expect(l.consume(k), k.slice(0, 20)).toMatchObject({ allowed: true });
    for (const k of keys) expect(l.consume(k), k.slice(0, 20)).toMatchObject({ allowed: false });
    expect(({} as Record<string, unknown>).count).toBeUndefined();
  });

  it('the LRU holds maxKeys: the least recently seen key is forgotten (a fresh window), the recent ones are not', () => {
    const l = createMemoryRateLimiter({ limit: 1, windowMs: 1000, maxKeys: 2, clock: fixedClock(NOW) });
    l.consume('a');
    l.consume('b');
    expect(l.consume('a')).toMatchObject({ allowed: false }); // a is now the most recent
    l.consume('c'); // evicts b
    expect(l.consume('a')).toMatchObject({ allowed: false });
    expect(l.consume('b')).toMatchObject({ allowed: true });
  });

  it('rejects a limit, window or maxKeys that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      for (const field of ['limit', 'windowMs', 'maxKeys'])
        expect(() => createMemoryRateLimiter({ [field]: bad }), `${field}=${bad}`).toThrow(RangeError);
  });

  it('a concurrent burst through the handler lets exactly `limit` through, then 429 with Retry-After', async () => {
    const handler = createFetchHandler(radar, {
      rateLimit: { limiter: createMemoryRateLimiter({ limit: 5, windowMs: 60_000, clock: fixedClock(NOW) }) },
    });
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        handler(new Request('http://localhost/api/talent/pulse?limit=3'), { clientAddress: '10.0.0.1' }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
    const refused = answers.find((r) => r.status === 429)!;
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    // Another client is unaffected; health is never counted.
    const other = await handler(new Request('http://localhost/api/talent/pulse?limit=3'), {
      clientAddress: '10.0.0.2',
    });
    expect(other.status).toBe(200);
    const health = await handler(new Request('http://localhost/api/health'), { clientAddress: '10.0.0.1' });
    expect(health.status).not.toBe(429);
  });

  it('a limiter that answers a malformed decision or throws is a clean 500 with the family code', async () => {
    for (const limiter of [
      { consume: () => ({ allowed: true, limit: 1, remaining: 0, resetMs: Number.NaN }) },
      {
        consume: () => {
          throw new Error('redis down');
        },
      },
    ]) {
      const errors: unknown[] = [];
      const handler = createFetchHandler(radar, { rateLimit: { limiter }, onError: (e) => errors.push(e) });
      const res = await handler(new Request('http://localhost/api/talent/pulse'));
      expect(res.status).toBe(500);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TALENT_INTERNAL_ERROR');
      expect(errors).toHaveLength(1);
    }
  });
});

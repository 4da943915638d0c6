/**
 * The HTTP API kit end to end through `createFetchHandler` over the demo world: the seed's four
 * examples (section 4), every route's payload against its response schema, query coercion and
 * its refusals, 404 / 405 envelopes, request ids, a 500 that leaks nothing, deadlines, the rate
 * limiter, the operations for hosts that wire their own routes, and the read-only backend.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createSceneRadar,
  fixedClock,
  type ArtistProfile,
  type GlobalPulse,
  type SceneRadar,
  type TopArtists,
} from 'scene-radar';
import { SLUG_MESSAGE } from 'scene-radar/schemas';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import {
  createFetchHandler,
  createMemoryRateLimiter,
  createOperations,
  createRouteMatcher,
  readOnlyApiBackend,
  ROUTES,
  type ApiBackend,
  type FetchHandler,
  type RouteSpec,
  type ValidationIssue,
} from 'scene-radar/api';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 150, end: '2026-11-24' });
const SCENE = world.catalog.scenes[0]!.slug;
const MICROGENRE = world.catalog.microgenres[0]!.slug;
const REGION = world.catalog.scenes[0]!.region;
const WORKSPACE = world.workspaces[0]!.id;

let radar: SceneRadar;
let handler: FetchHandler;
let artist: string;

const get = (path: string, init?: RequestInit): Promise<Response> =>
  handler(new Request(`http://localhost${path}`, init));
/**
 * A response envelope as these tests read it: `T` is the payload of the route asked; `details` is
 * read only on validation failures, where it holds the issues.
 */
interface Body<T = unknown> {
  ok: boolean;
  data?: T;
  error: { code: string; message: string; details?: readonly ValidationIssue[] } | null;
}
const body = async <T = unknown>(res: Response): Promise<Body<T>> => (await res.json()) as Body<T>;

beforeAll(async () => {
  radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh(NOW);
  handler = createFetchHandler(radar);
  const top = await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 1 });
  artist = top.artists[0]!.artist_slug;
}, 60_000);

describe("the seed's examples (section 4)", () => {
  it('GET /api/talent/pulse?limit=20 answers the global pulse snapshot in the seed shape', async () => {
    const res = await get('/api/talent/pulse?limit=20');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const b = await body<GlobalPulse>(res);
    expect(b.ok).toBe(true);
    expect(b.error).toBeNull();
    for (const key of [
      'timestamp',
      'topRisingArtists',
      'topBreakoutCandidates',
      'artistsAtRisk',
      'hottestScenes',
      'summary',
    ])
      expect(b.data).toHaveProperty(key);
    expect(b.data!.topRisingArtists.length).toBeGreaterThan(0);
    expect(b.data!.topRisingArtists.length).toBeLessThanOrEqual(20);
    expect(Object.keys(b.data!.topRisingArtists[0]!).sort()).toEqual([
      'artist_slug',
      'breakout_score',
      'microgenres',
      'momentum',
      'risk_score',
      'scene_slug',
      'updated_at',
    ]);
    expect(Object.keys(b.data!.summary).sort()).toEqual([
      'avgMomentum',
      'highBreakoutCount',
      'highRiskCount',
      'totalArtistsTracked',
    ]);
  });

  it('GET /api/talent/artists/<artist> answers the artist radar profile in the seed shape', async () => {
    const res = await get(`/api/talent/artists/${artist}`);
    expect(res.status).toBe(200);
    const b = await body<ArtistProfile>(res);
    expect(b.ok).toBe(true);
    expect(b.data!.artist.artist_slug).toBe(artist);
    for (const key of ['artist', 'opportunities', 'risks', 'similarArtists', 'trajectory'])
      expect(b.data).toHaveProperty(key);
    for (const key of [
      'scene_slug',
      'microgenres',
      'momentum',
      'creative_shift',
      'coverage_velocity',
      'press_quality',
      'mig_connectivity',
      'breakout_score',
      'risk_score',
      'metadata',
      'updated_at',
    ]) {
      expect(b.data!.artist).toHaveProperty(key);
    }
    expect(Object.keys(b.data!.trajectory).sort()).toEqual(['breakoutPotential', 'momentum', 'riskLevel']);
  });

  it('GET /api/scenes/invalid-slug-!!! is a 400 SCENES_VALIDATION_ERROR whose details name the slug', async () => {
    const res = await get('/api/scenes/invalid-slug-!!!');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      ok: false,
      error: {
        code: 'SCENES_VALIDATION_ERROR',
        message: 'Invalid request parameters',
        details: [{ code: 'invalid_format', path: ['slug'], message: SLUG_MESSAGE }],
      },
    });
  });

  it('GET /api/talent/artists/unknown-artist is a 404 TALENT_ARTIST_NOT_FOUND, exactly as in the seed', async () => {
    const res = await get('/api/talent/artists/unknown-artist');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      ok: false,
      error: { code: 'TALENT_ARTIST_NOT_FOUND', message: 'Artist not found: unknown-artist' },
    });
  });
});

/** A valid request for every route of the demo world. */
function sampleUrl(route: RouteSpec): string {
  const path = route.path
    .replace('{slug}', route.id === 'getArtistProfile' ? artist : route.id === 'getMicrogenre' ? MICROGENRE : SCENE)
    .replace('{region}', REGION);
  const query: Record<string, string> = {
    getWorkspaceRecommendations: `workspaceId=${WORKSPACE}`,
    getTopArtists: 'category=breakout&limit=5',
    getSceneRecommendations: `artistSlug=${artist}&limit=3`,
  } as never;
  const q = (query as Record<string, string | undefined>)[route.id];
  return `/api${path}${q ? `?${q}` : ''}`;
}

describe('every route', () => {
  it.each(ROUTES.map((r) => [r.id, r] as const))(
    '%s answers 200 with data matching its response schema',
    async (_id, route) => {
      const res = await get(sampleUrl(route));
      const b = await body(res);
      expect({ status: res.status, error: b.error }).toEqual({ status: 200, error: null });
      const parsed = route.response.safeParse(b.data);
      expect(parsed.success ? [] : parsed.error.issues.slice(0, 3)).toEqual([]);
    },
  );

  it('no two routes can match the same path (a parameter never takes a literal of another route)', () => {
    const segs = (r: RouteSpec): string[] => r.path.split('/').slice(1);
    const paramSchema = (r: RouteSpec, name: string) =>
      r.params!.shape[name] as { safeParse(v: unknown): { success: boolean } };
    const clashes: string[] = [];
    for (const a of ROUTES) {
      for (const b of ROUTES) {
        if (a === b || a.method !== b.method) continue;
        const sa = segs(a);
        const sb = segs(b);
        if (sa.length !== sb.length) continue;
        const separable = sa.some((x, i) => {
          const y = sb[i]!;
          const px = x.startsWith('{');
          const py = y.startsWith('{');
          if (!px && !py) return x !== y;
          if (px && !py) return !paramSchema(a, x.slice(1, -1)).safeParse(y).success;
          if (!px && py) return !paramSchema(b, y.slice(1, -1)).safeParse(x).success;
          return false;
        });
        if (!separable) clashes.push(`${a.path} ~ ${b.path}`);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('the matcher finds each route by its own path', () => {
    const matcher = createRouteMatcher(ROUTES);
    for (const route of ROUTES) {
      const m = matcher.match('GET', sampleUrl(route).slice(4).split('?')[0]!);
      expect(m.kind === 'route' ? m.spec.id : m.kind).toBe(route.id);
    }
  });
});

describe('query strings', () => {
  it('coerce limit, skipCache and category the way people write them', async () => {
    const b = await body<TopArtists>(await get('/api/talent/top?category=risk&limit=3&skipCache=1'));
    expect(b.ok).toBe(true);
    expect(b.data!.category).toBe('risk');
    expect(b.data!.artists.length).toBeLessThanOrEqual(3);
    expect((await body(await get('/api/scenes?limit=2&offset=1'))).data).toMatchObject({ limit: 2, offset: 1 });
    expect((await get(`/api/scenes/${SCENE}/pulse?skipCache=false`)).status).toBe(200);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=NaN', 'limit'],
    ['limit=1e400', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=', 'limit'],
    ['skipCache=yes', 'skipCache'],
    ['limit=1&limit=2', 'limit'],
    ['foo=1', 'foo'],
    ['__proto__=1', '__proto__'],
    ['constructor=x', 'constructor'],
  ])('refuse %s with a 400 naming %s', async (query, param) => {
    const res = await get(`/api/talent/pulse?${query}`);
    expect(res.status).toBe(400);
    const b = await body(res);
    expect(b.error!.code).toBe('TALENT_VALIDATION_ERROR');
    expect(b.error!.message).toBe('Invalid request parameters');
    expect(b.error!.details!.map((d) => d.path[0])).toContain(param);
  });

  it('never rounds a fraction away, reports one issue per bound, and caps repeated-parameter issues', async () => {
    for (const q of ['limit=20.0000000000000001', 'limit=20.0', 'limit=1e1'])
      expect((await get(`/api/talent/pulse?${q}`)).status, q).toBe(400);
    expect((await get('/api/scenes?offset=9007199254740991.1&limit=1')).status).toBe(400);
    const big = await body(await get('/api/scenes?offset=9007199254740992'));
    expect(big.error!.details).toHaveLength(1);
    const many = Array.from({ length: 50 }, (_, i) => `k${i}=1&k${i}=2`).join('&');
    const repeated = await body(await get(`/api/talent/pulse?${many}`));
    expect(repeated.error!.details!.filter((d) => /more than once/.test(d.message))).toHaveLength(5);
  });

  it('a malformed percent-encoding still reports the query issues, and openapi.json takes a trailing slash', async () => {
    const b = await body(await get('/api/scenes/%E0%A4%A/trends?days=0&foo=1'));
    expect(b.error!.details!.map((d) => d.path[0]).sort()).toEqual(['days', 'foo', 'slug']);
    expect((await get('/api/openapi.json/')).status).toBe(200);
  });

  it('a scene route refuses with the SCENES family code and a required parameter is named when missing', async () => {
    expect((await body(await get('/api/scenes?limit=500'))).error!.code).toBe('SCENES_VALIDATION_ERROR');
    const b = await body(await get('/api/talent/recommendations'));
    expect(b.error).toMatchObject({ code: 'TALENT_VALIDATION_ERROR', details: [{ path: ['workspaceId'] }] });
  });

  it('a workspace id is a UUID whatever its case: the same answer in upper and lower case', async () => {
    const lower = await get(`/api/talent/recommendations?workspaceId=${WORKSPACE.toLowerCase()}&limit=5`);
    const upper = await get(`/api/talent/recommendations?workspaceId=${WORKSPACE.toUpperCase()}&limit=5`);
    expect(lower.status).toBe(200);
    expect(upper.status).toBe(200);
    const ids = async (r: Response) =>
      ((await body(r)).data as { recommendations: { artistSlug: string }[] }).recommendations.map((x) => x.artistSlug);
    expect(await ids(upper)).toEqual(await ids(lower));
  });

  it('a malformed percent-encoding in a path parameter is a 400, not a crash', async () => {
    const res = await get('/api/scenes/%E0%A4%A');
    expect(res.status).toBe(400);
    expect((await body(res)).error).toMatchObject({ code: 'SCENES_VALIDATION_ERROR', details: [{ path: ['slug'] }] });
  });

  it('a percent-encoded valid slug is decoded', async () => {
    const encoded = SCENE.replace(/-/g, '%2D');
    expect((await get(`/api/scenes/${encoded}`)).status).toBe(200);
  });
});

describe('routing', () => {
  it('an unknown path is a 404 ROUTE_NOT_FOUND envelope, inside and outside the base path', async () => {
    for (const path of ['/api/nope', '/api/scenes/a/b/c/d', '/elsewhere', '/api', '/api//scenes']) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect((await body(res)).error!.code).toBe('ROUTE_NOT_FOUND');
    }
  });

  it('a wrong method is a 405 with an Allow header', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = await get('/api/talent/pulse', { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
      expect((await body(res)).error!.code).toBe('METHOD_NOT_ALLOWED');
    }
  });

  it('HEAD answers what GET would, without a body', async () => {
    const res = await get(`/api/scenes/${SCENE}`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.text()).toBe('');
    const bad = await get('/api/scenes/invalid-slug-!!!', { method: 'HEAD' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe('');
    expect((await get('/api/openapi.json', { method: 'HEAD' })).status).toBe(200);
  });

  it('concurrent GET and HEAD requests each keep their own kind of answer', async () => {
    const all = await Promise.all(
      Array.from({ length: 20 }, (_, i) => get(`/api/scenes/${SCENE}`, { method: i % 2 ? 'HEAD' : 'GET' })),
    );
    const texts = await Promise.all(all.map((r) => r.text()));
    for (const [i, t] of texts.entries()) expect(t === '', `request ${i}`).toBe(i % 2 === 1);
  });

  it('a trailing slash is ignored and a custom base path works', async () => {
    expect((await get('/api/scenes/')).status).toBe(200);
    const custom = createFetchHandler(radar, { basePath: '/v1/radar/' });
    expect((await custom(new Request(`http://x/v1/radar/scenes/${SCENE}`))).status).toBe(200);
    expect((await custom(new Request(`http://x/api/scenes/${SCENE}`))).status).toBe(404);
    expect(() => createFetchHandler(radar, { basePath: 'no-slash' })).toThrow(/basePath/);
  });

  it('serves the OpenAPI document at <base>/openapi.json', async () => {
    const b = (await (await get('/api/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(b.openapi).toBe('3.1.0');
    expect(Object.keys(b.paths)).toContain('/api/talent/artists/{slug}');
  });
});

describe('request ids and failures', () => {
  it('echo a safe incoming x-request-id and replace an unsafe one', async () => {
    expect((await get('/api/scenes', { headers: { 'x-request-id': 'abc-123' } })).headers.get('x-request-id')).toBe(
      'abc-123',
    );
    const replaced = (await get('/api/scenes', { headers: { 'x-request-id': 'bad id <script>' } })).headers.get(
      'x-request-id',
    );
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  });

  const throwing: ApiBackend = {
    talent: {
      buildGlobalPulse: async () => {
        throw new Error('password=hunter2 at db.internal:5432');
      },
      buildArtistProfile: () => new Promise(() => undefined),
      getTopArtists: async () =>
        ({
          cyclic: (() => {
            const o: Record<string, unknown> = {};
            o.self = o;
            return o;
          })(),
        }) as never,
      getWorkspaceRecommendations: async () => {
        throw new Error('boom');
      },
    },
  };

  it('a 500 carries only the request id; the cause goes to onError', async () => {
    const onError = vi.fn();
    const h = createFetchHandler(throwing, { onError });
    const res = await h(new Request('http://x/api/talent/pulse', { headers: { 'x-request-id': 'req-1' } }));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/hunter2|db\.internal|Error/);
    expect(JSON.parse(text)).toEqual({
      ok: false,
      error: { code: 'TALENT_INTERNAL_ERROR', message: 'Internal error', details: { requestId: 'req-1' } },
    });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]![1]).toEqual({ route: 'getTalentPulse', requestId: 'req-1' });
    expect(String(onError.mock.calls[0]![0])).toContain('hunter2');
  });

  it('a throwing onError hook and an unserialisable payload still give a clean 500', async () => {
    const h = createFetchHandler(throwing, {
      onError: () => {
        throw new Error('hook broke');
      },
    });
    expect((await h(new Request(`http://x/api/talent/recommendations?workspaceId=${WORKSPACE}`))).status).toBe(500);
    const res = await h(new Request('http://x/api/talent/top'));
    expect(res.status).toBe(500);
    expect((await body(res)).error!.code).toBe('TALENT_INTERNAL_ERROR');
  });

  it('a route past its deadline is a 504 in the family code', async () => {
    const h = createFetchHandler(throwing, { timeoutMs: { getArtistProfile: 30 } });
    const res = await h(new Request('http://x/api/talent/artists/artist-a'));
    expect(res.status).toBe(504);
    expect((await body(res)).error!.code).toBe('TALENT_TIMEOUT');
  });

  it('routes of an engine the backend lacks are 404s', async () => {
    const res = await createFetchHandler(throwing)(new Request(`http://x/api/scenes/${SCENE}`));
    expect(res.status).toBe(404);
    expect((await body(res)).error!.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After and RateLimit headers past the limit, per client, until the window resets', async () => {
    let now = 0;
    const limiter = createMemoryRateLimiter({ limit: 2, windowMs: 10_000, clock: { now: () => now } });
    const h = createFetchHandler(radar, { rateLimit: { limiter } });
    const hit = (who: string, path = '/api/scenes') => h(new Request(`http://x${path}`), { clientAddress: who });
    const first = await hit('a');
    expect(first.status).toBe(200);
    expect([
      first.headers.get('ratelimit-limit'),
      first.headers.get('ratelimit-remaining'),
      first.headers.get('ratelimit-reset'),
    ]).toEqual(['2', '1', '10']);
    expect((await hit('a')).status).toBe(200);
    const refused = await hit('a', '/api/talent/pulse');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('10');
    expect((await body(refused)).error!.code).toBe('TALENT_RATE_LIMITED');
    expect((await body(await hit('a'))).error!.code).toBe('SCENES_RATE_LIMITED');
    expect((await hit('b')).status).toBe(200);
    now = 10_000;
    expect((await hit('a')).status).toBe(200);
  });

  it("a host's limiter or skipCache hook that never answers does not hold the request: 500 / no bypass after the bound", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const errors: unknown[] = [];
      const never = () => new Promise<never>(() => {});
      const limited = createFetchHandler(radar, {
        rateLimit: { limiter: { consume: never } },
        onError: (error) => errors.push(error),
      });
      const pending = limited(new Request('http://x/api/talent/pulse'), { clientAddress: 'a' });
      await vi.advanceTimersByTimeAsync(5_000);
      const res = await pending;
      expect(res.status).toBe(500);
      expect((await body(res)).error!.code).toBe('TALENT_INTERNAL_ERROR');
      expect(String(errors[0])).toMatch(/rate limiter did not answer within 5000 ms/);
      const gated = createFetchHandler(radar, { allowSkipCache: never, onError: (error) => errors.push(error) });
      const asked = gated(new Request('http://x/api/talent/pulse?skipCache=true'));
      await vi.advanceTimersByTimeAsync(5_000);
      expect((await asked).status).toBe(200);
      expect(String(errors[1])).toMatch(/allowSkipCache did not answer within 5000 ms/);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a host limiter's malformed decision is its error (500, reported), never NaN or undefined in a header", async () => {
    for (const decision of [
      { allowed: 'yes', limit: 10, remaining: Number.NaN, resetMs: 1000 },
      { allowed: false, limit: Number.NaN, remaining: 0, resetMs: Number.NaN },
      null,
    ]) {
      const errors: unknown[] = [];
      const h = createFetchHandler(radar, {
        rateLimit: { limiter: { consume: () => decision as never } },
        onError: (error) => errors.push(error),
      });
      const res = await h(new Request('http://x/api/scenes'));
      expect(res.status).toBe(500);
      for (const name of ['ratelimit-limit', 'ratelimit-remaining', 'retry-after'])
        expect(res.headers.get(name)).toBeNull();
      expect(String(errors[0])).toMatch(/malformed decision/);
    }
  });

  it('refuses invalid limiter settings', () => {
    expect(() => createMemoryRateLimiter({ limit: 0 })).toThrow(/limit/);
    expect(() => createMemoryRateLimiter({ windowMs: 1.5 })).toThrow(/windowMs/);
  });
});

describe('operations, for hosts that wire their own routes', () => {
  it('take params and a query record (repeated values as arrays) and return status and envelope', async () => {
    const api = createOperations(radar);
    expect(await api.getScene({ params: { slug: SCENE } })).toMatchObject({
      status: 200,
      body: { ok: true, data: { slug: SCENE } },
    });
    expect((await api.listScenes({ query: { limit: 3 } })).body).toMatchObject({ ok: true, data: { limit: 3 } });
    expect((await api.listScenes({ query: { limit: ['1', '2'] } })).status).toBe(400);
    expect((await api.getScene({ params: { slug: 'Nope!' } })).body).toMatchObject({
      ok: false,
      error: { code: 'SCENES_VALIDATION_ERROR' },
    });
    expect((await api.getScene({ params: { slug: 'no-such-scene' } })).body).toEqual({
      ok: false,
      error: { code: 'SCENES_NOT_FOUND', message: 'Scene not found: no-such-scene' },
    });
    expect((await api.getScene()).status).toBe(400);
  });

  it('the read-only backend serves the Talent routes, ignores skipCache and has no Scenes routes', async () => {
    const spy = vi.spyOn(radar.talent.aggregator, 'buildGlobalPulse');
    const h = createFetchHandler(readOnlyApiBackend(radar.readOnly, radar.config));
    expect((await h(new Request('http://x/api/talent/pulse?skipCache=true&limit=5'))).status).toBe(200);
    expect(spy).toHaveBeenCalledWith({ limit: 5 });
    spy.mockRestore();
    expect((await h(new Request(`http://x/api/scenes/${SCENE}`))).status).toBe(404);
    // Routes of a missing engine are unknown paths: 404 before any validation, and undocumented.
    expect((await body(await h(new Request('http://x/api/scenes/invalid-slug-!!!')))).error!.code).toBe(
      'ROUTE_NOT_FOUND',
    );
    const doc = (await (await h(new Request('http://x/api/openapi.json'))).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/health',
      '/api/openapi.json',
      '/api/talent/artists/{slug}',
      '/api/talent/pulse',
      '/api/talent/recommendations',
      '/api/talent/top',
    ]);
  });
});

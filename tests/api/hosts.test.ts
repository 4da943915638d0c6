/**
 * Every shipped host example (Express, Fastify, Hono, the Next.js route served without Next, the
 * read-only A&R Radar, and `npm run serve`) started in-process on 127.0.0.1, port 0, and called with
 * real `fetch`: the seed's four example requests, a wrong method, an unknown path and the request
 * id. One small demo radar is shared by all but the Next route, which builds its own singleton (a
 * Next route cannot be handed one), sized by $SCENE_RADAR_DEMO_ARTISTS.
 */
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadOnlyTalentRadar, SceneRadar } from 'scene-radar';
import { ArtistProfileResponseSchema, FailureEnvelopeSchema, GlobalPulseResponseSchema } from 'scene-radar/api';
import { toNodeListener } from 'scene-radar/adapters/node';
import { request as httpRequest } from 'node:http';
import { buildDemoRadar, closeServer, listen, type RunningExample } from '../../examples/demo-radar.js';
import { start as startExpress } from '../../examples/express.js';
import { start as startFastify } from '../../examples/fastify.js';
import { start as startHono } from '../../examples/hono.js';
import { start as startNext } from '../../examples/next/serve.js';
import { createArRadarHandler, start as startAr } from '../../examples/ar-radar-readonly.js';
import { parseServeArgs, start as startServe, UsageError } from '../../scripts/serve.js';

const ARTISTS = 60;
let radar: SceneRadar;
const previousEnv = process.env.SCENE_RADAR_DEMO_ARTISTS;

beforeAll(async () => {
  process.env.SCENE_RADAR_DEMO_ARTISTS = String(ARTISTS);
  radar = await buildDemoRadar(ARTISTS);
});

afterAll(async () => {
  await radar?.close();
  if (previousEnv === undefined) delete process.env.SCENE_RADAR_DEMO_ARTISTS;
  else process.env.SCENE_RADAR_DEMO_ARTISTS = previousEnv;
});

interface Host {
  readonly name: string;
  readonly start: () => Promise<RunningExample>;
  /** False where the handler cannot be given the request target as sent (a Next route). */
  readonly rawTarget?: false;
}

const HOSTS: readonly Host[] = [
  { name: 'express', start: () => startExpress({ radar }) },
  { name: 'fastify', start: () => startFastify({ radar }) },
  { name: 'hono', start: () => startHono({ radar }) },
  { name: 'next route (examples/next/serve.ts)', start: () => startNext({ artists: ARTISTS }), rawTarget: false },
  { name: 'ar-radar-readonly', start: () => startAr({ radar }) },
  { name: 'npm run serve (scripts/serve.ts)', start: () => startServe({ radar }) },
];

interface Envelope {
  readonly ok: boolean;
  readonly data?: Record<string, unknown>;
  readonly error: null | { readonly code: string; readonly message: string; readonly details?: unknown };
}

async function call(
  base: string,
  path: string,
  init?: RequestInit,
): Promise<{ status: number; headers: Headers; body: Envelope }> {
  const res = await fetch(`${base}${path}`, init);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: res.status, headers: res.headers, body: (await res.json()) as Envelope };
}

const PULSE_FIELDS = [
  'artist_slug',
  'momentum',
  'breakout_score',
  'risk_score',
  'scene_slug',
  'microgenres',
  'updated_at',
] as const;

describe.each(HOSTS)('$name', (host) => {
  let running: RunningExample;
  let base: string;
  let artistSlug: string;

  beforeAll(async () => {
    running = await host.start();
    base = running.url;
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
  afterAll(async () => {
    await running?.close();
  });

  it('GET /api/talent/pulse?limit=20: 200, the seed pulse shape, and the request id echoed', async () => {
    const { status, headers, body } = await call(base, '/api/talent/pulse?limit=20', {
      headers: { 'x-request-id': 'hosts-test-42' },
    });
    expect(status).toBe(200);
    expect(headers.get('x-request-id')).toBe('hosts-test-42');
    expect(body.ok).toBe(true);
    expect(body.error).toBeNull();
    const data = body.data!;
    expect(GlobalPulseResponseSchema.safeParse(data).success).toBe(true);
    const rising = data.topRisingArtists as Record<string, unknown>[];
    expect(Array.isArray(rising)).toBe(true);
    expect(rising.length).toBeLessThanOrEqual(20);
    for (const artist of rising) {
      for (const field of PULSE_FIELDS) expect(artist).toHaveProperty(field);
      expect(typeof artist.artist_slug).toBe('string');
      expect(typeof artist.momentum).toBe('number');
      expect(typeof artist.breakout_score).toBe('number');
      expect(typeof artist.risk_score).toBe('number');
      expect(artist.scene_slug === null || typeof artist.scene_slug === 'string').toBe(true);
      expect(Array.isArray(artist.microgenres)).toBe(true);
      expect(Number.isNaN(Date.parse(String(artist.updated_at)))).toBe(false);
    }
    expect(typeof (data.summary as { totalArtistsTracked: unknown }).totalArtistsTracked).toBe('number');
    const anyone = [
      ...rising,
      ...(data.topBreakoutCandidates as Record<string, unknown>[]),
      ...(data.artistsAtRisk as Record<string, unknown>[]),
    ][0];
    expect(anyone, 'the demo world has at least one listed artist').toBeDefined();
    artistSlug = String(anyone!.artist_slug);
  });

  it('GET /api/talent/artists/<demo artist>: 200 with artist, opportunities, risks, similarArtists, trajectory', async () => {
    const { status, headers, body } = await call(base, `/api/talent/artists/${artistSlug}`);
    expect(status).toBe(200);
    expect(headers.get('x-request-id')).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
    expect(body.ok).toBe(true);
    const data = body.data!;
    for (const key of ['artist', 'opportunities', 'risks', 'similarArtists', 'trajectory'])
      expect(data).toHaveProperty(key);
    expect((data.artist as { artist_slug: string }).artist_slug).toBe(artistSlug);
    expect(ArtistProfileResponseSchema.safeParse(data).success).toBe(true);
  });

  it('GET /api/scenes/invalid-slug-!!!: 400 SCENES_VALIDATION_ERROR naming the slug', async () => {
    const { status, body } = await call(base, '/api/scenes/invalid-slug-!!!');
    expect(FailureEnvelopeSchema.safeParse(body).success).toBe(true);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'SCENES_VALIDATION_ERROR', message: 'Invalid request parameters' });
    expect(body.error!.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: ['slug'] })]));
  });

  it('GET /api/talent/artists/unknown-artist: 404 TALENT_ARTIST_NOT_FOUND', async () => {
    const { status, body } = await call(base, '/api/talent/artists/unknown-artist');
    expect(status).toBe(404);
    expect(body).toEqual({
      ok: false,
      error: { code: 'TALENT_ARTIST_NOT_FOUND', message: 'Artist not found: unknown-artist' },
    });
  });

  it('POST (even with a broken JSON body): 405 METHOD_NOT_ALLOWED with Allow: GET, HEAD', async () => {
    const { status, headers, body } = await call(base, '/api/talent/pulse', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"not json',
    });
    expect(status).toBe(405);
    expect(headers.get('allow')).toBe('GET, HEAD');
    expect(body).toMatchObject({ ok: false, error: { code: 'METHOD_NOT_ALLOWED' } });
  });

  it('a dot segment sent as is (no client resolves it): 404 where the host has the raw target', async () => {
    // fetch() resolves `..` before sending; node:http sends the target exactly as given.
    const target = '/api/scenes/x/../../talent/pulse';
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      // Options, not a URL string: a URL string is parsed, and the parser resolves the segments.
      const { hostname, port } = new URL(base);
      const req = httpRequest({ hostname, port, path: target, method: 'GET' }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end();
    });
    if (host.rawTarget === false) {
      // Next hands a route handler the resolved URL only: the segment arrives resolved, as
      // docs/reliability.md says of hosts without the raw target.
      expect(status).toBe(200);
      expect(body).toContain('topRisingArtists');
    } else {
      expect(status).toBe(404);
      expect(body).not.toContain('topRisingArtists');
    }
  });

  it('an unknown path under /api: 404 ROUTE_NOT_FOUND envelope with a request id', async () => {
    const { status, headers, body } = await call(base, '/api/no-such-route', {
      headers: { 'x-request-id': 'unknown-path-1' },
    });
    expect(status).toBe(404);
    expect(headers.get('x-request-id')).toBe('unknown-path-1');
    expect(body).toMatchObject({ ok: false, error: { code: 'ROUTE_NOT_FOUND' } });
  });
});

describe('host-specific behaviour', () => {
  it("express, fastify and hono keep the app's own routes: / is the host page, not the API", async () => {
    for (const start of [startExpress, startFastify, startHono]) {
      const running = await start({ radar });
      try {
        const res = await fetch(`${running.url}/`);
        expect(res.status).toBe(200);
        expect(await res.text()).toMatch(/scene-radar API under \/api/);
      } finally {
        await running.close();
      }
    }
  });

  it('ar-radar-readonly: /ar/shortlist validates each slug, reads profiles, lists the unknown', async () => {
    const running = await startAr({ radar });
    try {
      const pulse = await radar.readOnly.getGlobalPulse({ limit: 5 });
      const known = [...pulse.topRisingArtists, ...pulse.artistsAtRisk].map((a) => a.artist_slug).slice(0, 2);
      const good = await call(running.url, `/ar/shortlist?artists=${[...known, 'unknown-artist'].join(',')}`);
      expect(good.status).toBe(200);
      const data = good.body.data as { items: { artist_slug: string; breakout_score: number }[]; notFound: string[] };
      expect(data.items.map((i) => i.artist_slug).sort()).toEqual([...known].sort());
      expect(data.notFound).toEqual(['unknown-artist']);
      const scores = data.items.map((i) => i.breakout_score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));

      const bad = await call(running.url, `/ar/shortlist?artists=${known[0]},Not_A_Slug`);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'TALENT_VALIDATION_ERROR', message: 'Invalid request parameters' });
      expect(bad.body.error!.details).toEqual([expect.objectContaining({ path: ['artists', 1] })]);

      expect((await call(running.url, '/ar/shortlist')).status).toBe(400);
      const post = await call(running.url, '/ar/shortlist?artists=a', { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET');
    } finally {
      await running.close();
    }
  });

  it('ar-radar-readonly reaches the radar only through the read-only facade: skipCache never gets through', async () => {
    const calls: { method: string; args: unknown[] }[] = [];
    const facade = radar.readOnly;
    const recording = Object.fromEntries(
      (Object.keys(facade) as (keyof ReadOnlyTalentRadar)[]).map((key) => [
        key,
        (...args: unknown[]) => {
          calls.push({ method: key, args });
          return (facade[key] as (...a: unknown[]) => unknown)(...args);
        },
      ]),
    ) as unknown as ReadOnlyTalentRadar;
    expect(Object.keys(facade).sort()).toEqual([
      'getArtistProfile',
      'getArtistScores',
      'getGlobalPulse',
      'getTopArtists',
      'getWorkspaceRecommendations',
    ]);
    const server = createServer(toNodeListener(createArRadarHandler(recording, radar.config)));
    const url = await listen(server, 0, '127.0.0.1');
    try {
      const res = await call(url, '/api/talent/pulse?limit=5&skipCache=true');
      expect(res.status).toBe(200);
      expect((await call(url, '/api/talent/top?category=risk&skipCache=1')).status).toBe(200);
      expect(calls.map((c) => c.method)).toEqual(['getGlobalPulse', 'getTopArtists']);
      expect(JSON.stringify(calls.map((c) => c.args))).not.toMatch(/skipCache/);
    } finally {
      await closeServer(server);
    }
  });

  it('ar-radar-readonly reads scenes through readOnlyScenes: skipCache never reaches the Scenes Engine', async () => {
    const seen: unknown[][] = [];
    const pulse = radar.scenes.pulse;
    const scenes = {
      ...pick(radar.scenes),
      pulse: {
        getScenePulse: (...a: unknown[]) => {
          seen.push(a);
          return pulse.getScenePulse(a[0] as string, a[1] as never);
        },
        getRegionalPulse: pulse.getRegionalPulse.bind(pulse),
        getGlobalPulse: pulse.getGlobalPulse.bind(pulse),
      },
    };
    const server = createServer(toNodeListener(createArRadarHandler(radar.readOnly, radar.config, scenes as never)));
    const url = await listen(server, 0, '127.0.0.1');
    try {
      const slug = (await radar.scenes.listScenes({ limit: 1 })).items[0]!.slug;
      expect((await call(url, `/api/scenes/${slug}/pulse?skipCache=true`)).status).toBe(200);
      expect(seen).toEqual([[slug]]);
    } finally {
      await closeServer(server);
    }
  });

  it('npm run serve prints the seed curl lines against its own URL, and validates its arguments', async () => {
    const running = await startServe({ radar });
    try {
      const api = `${running.url}/api`;
      expect(running.curlLines).toEqual(
        expect.arrayContaining([
          `curl -s '${api}/talent/pulse?limit=20'`,
          `curl -s '${api}/talent/artists/${running.artistSlug}'`,
          `curl -s '${api}/scenes/invalid-slug-!!!'`,
          `curl -s '${api}/talent/artists/unknown-artist'`,
        ]),
      );
      expect((await fetch(`${api}/talent/artists/${running.artistSlug}`)).status).toBe(200);
    } finally {
      await running.close();
    }
    expect(parseServeArgs([])).toEqual({ port: 8787, host: '127.0.0.1', artists: 300, help: false });
    expect(parseServeArgs(['--port', '0', '--host', '::1', '--artists', '40'])).toEqual({
      port: 0,
      host: '::1',
      artists: 40,
      help: false,
    });
    expect(() => parseServeArgs(['--port', '70000'])).toThrow(UsageError);
    expect(() => parseServeArgs(['--port', 'abc'])).toThrow(/--port must be an integer from 0 to 65535, got "abc"/);
    expect(() => parseServeArgs(['--artists', '0'])).toThrow(/--artists must be an integer from 1 to 100000/);
    expect(() => parseServeArgs(['--bogus'])).toThrow(/unknown argument: --bogus/);
    expect(() => parseServeArgs(['--host', ' '])).toThrow(/--host must not be empty/);
  });
});

/** The Scenes Engine's read methods, bound (what `ScenesApiBackend` asks for, minus `pulse`). */
function pick(engine: SceneRadar['scenes']) {
  return {
    listScenes: engine.listScenes.bind(engine),
    getScene: engine.getScene.bind(engine),
    listMicrogenres: engine.listMicrogenres.bind(engine),
    getMicrogenre: engine.getMicrogenre.bind(engine),
    listMemberships: engine.listMemberships.bind(engine),
    getSceneTrends: engine.getSceneTrends.bind(engine),
    getRelatedScenes: engine.getRelatedScenes.bind(engine),
    recommendScenes: engine.recommendScenes.bind(engine),
  };
}

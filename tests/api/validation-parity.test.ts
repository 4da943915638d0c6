/**
 * One validation rule: the same bad slug, limit or region gets the same error from an engine call
 * as over HTTP (code, status, and the issues in `details`: code, path, message). The test walks
 * every route of ROUTES and finds what each takes from its own schemas, so a new route is covered
 * the day it is added (a route it cannot cover, or a required parameter it has no sample for,
 * fails the test). Also: the options calling convention, an object everywhere with the seed's
 * positional `skipCache` boolean as a shorthand.
 *
 * Validation happens before any source is read, so one radar without sources serves every case.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, isSceneRadarError } from 'scene-radar';
import { apiBackendOf, createFetchHandler, ROUTES, type RouteSpec } from 'scene-radar/api';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const radar = createSceneRadar({ sources: {}, clock: fixedClock(NOW) });
const backend = apiBackendOf(radar);
const handler = createFetchHandler(radar, { basePath: '/api' });

afterAll(() => radar.close());

/** A well-formed value for every parameter a route may require (valid: only the bad one fails). */
const SAMPLES: Readonly<Record<string, string>> = {
  slug: 'indie-uk-brighton',
  artistSlug: 'artist-a',
  region: 'uk',
  workspaceId: '00000000-0000-4000-8000-000000000000',
};

type Kind = 'slug' | 'limit' | 'region';

/** The kind of bad input a parameter takes, by its name: slugs, page sizes and region codes. */
function kindOf(name: string): Kind | null {
  if (name === 'slug' || name.endsWith('Slug')) return 'slug';
  if (name === 'limit') return 'limit';
  if (name === 'region') return 'region';
  return null;
}

/** Bad values of each kind: as an engine call passes them, and as a URL carries them. */
const BAD: Readonly<Record<Kind, readonly { readonly value: unknown; readonly text: string }[]>> = {
  slug: [
    { value: 'Bad Slug!', text: 'Bad Slug!' },
    { value: 'invalid-slug-!!!', text: 'invalid-slug-!!!' },
    { value: 'x'.repeat(129), text: 'x'.repeat(129) },
  ],
  limit: [
    { value: 0, text: '0' },
    { value: 1_000_000, text: '1000000' },
    { value: 1.5, text: '1.5' },
    { value: -1, text: '-1' },
  ],
  region: [
    { value: 'U K!', text: 'U K!' },
    { value: 'x'.repeat(65), text: 'x'.repeat(65) },
  ],
};

/**
 * Where an engine names a parameter differently from its route (its issue path then differs in
 * that one name): `listMemberships({ sceneSlug })` serves `/scenes/{slug}/memberships`.
 */
const ENGINE_NAMES: Readonly<Partial<Record<RouteSpec['id'], Readonly<Record<string, string>>>>> = {
  listSceneMemberships: { slug: 'sceneSlug' },
};

interface Case {
  readonly spec: RouteSpec;
  readonly where: 'params' | 'query';
  readonly name: string;
  readonly kind: Kind;
  readonly bad: { readonly value: unknown; readonly text: string };
}

/** The route's required parameters (path parameters, query parameters without a default) with samples. */
function samplesFor(spec: RouteSpec, where: 'params' | 'query'): Record<string, string> {
  const schema = where === 'params' ? spec.params : spec.query;
  const out: Record<string, string> = {};
  if (!schema) return out;
  for (const [name, field] of Object.entries(schema.shape)) {
    if (where === 'query' && field.safeParse(undefined).success) continue;
    const sample = SAMPLES[name];
    if (sample === undefined) throw new Error(`${spec.id}: no sample for the required parameter ${name}`);
    out[name] = sample;
  }
  return out;
}

const cases: Case[] = ROUTES.flatMap((spec) =>
  (['params', 'query'] as const).flatMap((where) => {
    const schema = where === 'params' ? spec.params : spec.query;
    return Object.keys(schema?.shape ?? {}).flatMap((name) => {
      const kind = kindOf(name);
      return kind ? BAD[kind].map((bad) => ({ spec, where, name, kind, bad })) : [];
    });
  }),
);

interface Failure {
  readonly code: unknown;
  readonly status: unknown;
  readonly details: unknown;
}

/** The answer over HTTP: the route's URL with the bad value as text in its place. */
async function overHttp(c: Case): Promise<Failure> {
  const params = { ...samplesFor(c.spec, 'params'), ...(c.where === 'params' ? { [c.name]: c.bad.text } : {}) };
  const query = new URLSearchParams({
    ...samplesFor(c.spec, 'query'),
    ...(c.where === 'query' ? { [c.name]: c.bad.text } : {}),
  });
  const path = c.spec.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]!));
  const qs = query.toString();
  const res = await handler(new Request(`http://localhost/api${path}${qs ? `?${qs}` : ''}`));
  const body = (await res.json()) as { ok: boolean; error?: { code: string; details?: unknown } };
  expect(body.ok, `${c.spec.id}: HTTP refuses ${c.name}=${c.bad.text}`).toBe(false);
  return { code: body.error!.code, status: res.status, details: body.error!.details };
}

/**
 * The engine call's error: the route's own call (`spec.run`, what the HTTP layer calls after
 * validating) with what a valid request parses to, and the bad value, as a typed value, in place.
 */
async function fromEngine(c: Case): Promise<Failure> {
  const params = c.spec.params?.parse(samplesFor(c.spec, 'params')) ?? {};
  const query = c.spec.query.parse(samplesFor(c.spec, 'query'));
  if (c.where === 'params') params[c.name] = c.bad.value;
  else query[c.name] = c.bad.value;
  const error = await c.spec.run(backend, params, query).then(
    () => null,
    (e: unknown) => e,
  );
  expect(isSceneRadarError(error), `${c.spec.id}: the engine refuses ${c.name}=${String(c.bad.value)}`).toBe(true);
  if (!isSceneRadarError(error)) return { code: null, status: null, details: null };
  const renames = Object.entries(ENGINE_NAMES[c.spec.id] ?? {});
  const details = (error.details as { code: string; path: (string | number)[]; message: string }[]).map((i) => ({
    ...i,
    path: i.path.map((p) => renames.find(([, engine]) => engine === p)?.[0] ?? p),
  }));
  return { code: error.code, status: error.httpStatus, details };
}

describe('one validation rule: an engine call and HTTP agree on every route', () => {
  it('every route of ROUTES takes a slug, a limit or a region, and is covered', () => {
    const covered = new Set(cases.map((c) => c.spec.id));
    expect(ROUTES.filter((r) => !covered.has(r.id)).map((r) => r.id)).toEqual([]);
    // The three kinds are each exercised somewhere.
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(['slug', 'limit', 'region']));
  });

  it.each(cases.map((c) => [`${c.spec.id} ${c.where}.${c.name}=${JSON.stringify(c.bad.text).slice(0, 24)}`, c]))(
    '%s',
    async (_, c) => {
      const [http, engine] = await Promise.all([overHttp(c), fromEngine(c)]);
      expect(engine).toEqual(http);
      // The one rule: a value that fails its schema is the family's VALIDATION_ERROR, 400.
      expect(http).toMatchObject({
        code: c.spec.family === 'talent' ? 'TALENT_VALIDATION_ERROR' : 'SCENES_VALIDATION_ERROR',
        status: 400,
      });
    },
  );
});

describe('one calling convention: an options object, the seed positional skipCache as a shorthand', () => {
  it('every options-taking read accepts `true` / `false` for `{ skipCache }`', async () => {
    const pulse = radar.scenes.pulse;
    const a = await pulse.getGlobalPulse();
    expect(await pulse.getGlobalPulse()).toBe(a);
    // `true` bypasses the cache as `{ skipCache: true }` does: a fresh computation, not the cached one.
    const b = await pulse.getGlobalPulse(true);
    expect(b).not.toBe(a);
    expect(b).toEqual(a);
    expect(await pulse.getGlobalPulse(false)).toBe(b);
    expect(await pulse.getGlobalPulse({ skipCache: true })).not.toBe(b);
    expect(await pulse.allPulses(true)).toEqual(await pulse.allPulses({ skipCache: true }));
    expect(await pulse.batchProcessScenes(['indie-uk-brighton'], true)).toEqual(
      await pulse.batchProcessScenes(['indie-uk-brighton'], { skipCache: true }),
    );
    // Without a catalog, these are not found either way: the shorthand passes validation.
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (isSceneRadarError(e) ? e.code : 'thrown'),
      );
    expect(await code(pulse.getScenePulse('indie-uk-brighton', true))).toBe('SCENES_NOT_FOUND');
    expect(await code(pulse.getRegionalPulse('uk', true))).toBe('SCENES_NOT_FOUND');
    const talent = radar.talent.aggregator;
    expect(await code(talent.buildGlobalPulse(true))).toBe(await code(talent.buildGlobalPulse({ skipCache: true })));
    expect(await code(talent.buildArtistProfile('artist-a', true))).toBe(
      await code(talent.buildArtistProfile('artist-a', { skipCache: true })),
    );
  });

  it('anything else in place of options is the family VALIDATION_ERROR, never a TypeError', async () => {
    const pulse = radar.scenes.pulse;
    const talent = radar.talent.aggregator;
    for (const call of [
      () => pulse.getGlobalPulse('yes' as never),
      () => pulse.getScenePulse('indie-uk-brighton', 1 as never),
      () => pulse.getRegionalPulse('uk', null as never),
      () => pulse.getGlobalPulse({ skipCache: 'yes' } as never),
    ])
      await expect(call()).rejects.toMatchObject({ code: 'SCENES_VALIDATION_ERROR', httpStatus: 400 });
    for (const call of [
      () => talent.buildGlobalPulse('x' as never),
      () => talent.buildArtistProfile('artist-a', { skipCache: 'yes' } as never),
    ])
      await expect(call()).rejects.toMatchObject({ code: 'TALENT_VALIDATION_ERROR', httpStatus: 400 });
  });
});

describe('a cap the host configured below the schema range: INVALID_PARAMS, from an engine call and over HTTP', () => {
  it.each([
    ['/api/scenes?limit=6', 'SCENES_INVALID_PARAMS', (r: typeof radar) => r.scenes.listScenes({ limit: 6 })],
    [
      '/api/scenes/indie-uk-brighton/memberships?limit=6',
      'SCENES_INVALID_PARAMS',
      (r: typeof radar) => r.scenes.listMemberships({ sceneSlug: 'indie-uk-brighton', limit: 6 }),
    ],
    [
      '/api/talent/pulse?limit=6',
      'TALENT_INVALID_PARAMS',
      (r: typeof radar) => r.talent.aggregator.buildGlobalPulse({ limit: 6 }),
    ],
    [
      '/api/talent/top?limit=6',
      'TALENT_INVALID_PARAMS',
      (r: typeof radar) => r.talent.aggregator.getTopArtists({ category: 'rising', limit: 6 }),
    ],
  ] as const)('%s: %s', async (url, code, call) => {
    const capped = createSceneRadar({
      sources: {},
      clock: fixedClock(NOW),
      config: { scenes: { maxScenesPerQuery: 5, maxMembershipsPerQuery: 5 }, talent: { maxArtistsPerQuery: 5 } },
    });
    try {
      const res = await createFetchHandler(capped)(new Request(`http://localhost${url}`));
      const body = (await res.json()) as { error: { code: string; details: unknown } };
      const error = await call(capped).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code, httpStatus: 400, details: [{ code: 'too_big', path: ['limit'] }] });
      expect({ status: res.status, code: body.error.code, details: body.error.details }).toEqual({
        status: 400,
        code,
        details: (error as { details: unknown }).details,
      });
    } finally {
      await capped.close();
    }
  });
});

describe('integers past 2^53', () => {
  // Regression (found by a hostile review of the HTTP API): a limit past Number.MAX_SAFE_INTEGER
  // gave two identical `too_big` issues (the safe-integer bound and the range's), and an offset
  // there read "Expected an integer of at least 0", which it is.
  it('a limit past 2^53 is one too_big issue naming the range, engine and HTTP alike', async () => {
    const res = await handler(new Request('http://localhost/api/scenes?limit=99999999999999999999'));
    const body = (await res.json()) as { error: { code: string; details: { code: string; message: string }[] } };
    const error = await radar.scenes.listScenes({ limit: 1e20 }).then(
      () => null,
      (e: unknown) => e as { details: { code: string; message: string }[] },
    );
    for (const details of [body.error.details, error!.details]) {
      expect(details).toHaveLength(1);
      expect(details[0]).toMatchObject({ code: 'too_big', message: 'Expected an integer from 1 to 100' });
    }
  });

  it('an offset past 2^53 says where the integers end', async () => {
    const error = await radar.scenes.listScenes({ offset: 2 ** 53 + 2 }).then(
      () => null,
      (e: unknown) => e as { details: { code: string; message: string }[] },
    );
    expect(error!.details).toHaveLength(1);
    expect(error!.details[0]!.message).toBe('Expected an integer from 0 to 9007199254740991 (2^53 - 1)');
  });
});

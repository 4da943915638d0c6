/**
 * The response schemas against real engine output: a small demo world (fixed clock) runs both
 * engines, and every payload the HTTP API returns parses with its schema, on a complete world and
 * on one with sources absent or failing (degraded pulses, null evidence). The seed's two example payloads
 * (section 4) are checked field by field against our schemas, and every schema converts to JSON
 * Schema with a named component. Type-level equality is in api-responses.test-d.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSceneRadar, fixedClock, type SceneRadar, type SceneRadarSources } from 'scene-radar';
import { addDays } from '../../src/core/time.js';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import * as responses from '../../src/api/responses.js';

const END = '2026-11-24';
const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 150, scenes: 12, days: 365, end: END });

const exported = Object.entries(responses as Record<string, unknown>).filter(
  (e): e is [string, z.ZodType] => e[1] instanceof z.ZodType,
);
const responseNames = exported.map(([name]) => name).filter((name) => name.endsWith('ResponseSchema'));
type ResponseName = keyof typeof responses & `${string}ResponseSchema`;
const schemaByName = new Map(exported);
const exercised = new Set<string>();

/** Asserts `value` parses with the named response schema, printing the issues if it does not. */
function expectParses(name: ResponseName, value: unknown, label: string = name): void {
  const schema = schemaByName.get(name);
  if (!schema) throw new Error(`${name} is not an exported Zod schema`);
  const result = schema.safeParse(value);
  expect(result.success, result.success ? '' : `${label}:\n${z.prettifyError(result.error)}`).toBe(true);
  exercised.add(name);
}

async function radarOver(sources: SceneRadarSources): Promise<SceneRadar> {
  const radar = createSceneRadar({ sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh(NOW);
  return radar;
}

/** Calls every engine method that returns an API payload and checks each result. */
async function checkEveryPayload(radar: SceneRadar, label: string): Promise<void> {
  const scenes = radar.scenes;
  const page = await scenes.listScenes({ limit: 5 });
  expectParses('ScenePageResponseSchema', page, `${label} listScenes`);
  const slug = page.items[0]!.slug;
  expectParses('SceneResponseSchema', await scenes.getScene(slug), `${label} getScene`);
  const genres = await scenes.listMicrogenres({ limit: 10 });
  expectParses('MicrogenrePageResponseSchema', genres, `${label} listMicrogenres`);
  expectParses('MicrogenreResponseSchema', await scenes.getMicrogenre(genres.items[0]!.slug), `${label} getMicrogenre`);
  const members = await scenes.listMemberships({ sceneSlug: slug, limit: 20 });
  expect(members.items.length).toBeGreaterThan(0);
  expectParses('MembershipPageResponseSchema', members, `${label} listMemberships(scene)`);
  const artistSlug = members.items[0]!.artist_slug;
  expectParses(
    'MembershipPageResponseSchema',
    await scenes.listMemberships({ artistSlug }),
    `${label} listMemberships(artist)`,
  );

  const pulse = await scenes.pulse.getScenePulse(slug);
  expectParses('ScenePulseResponseSchema', pulse, `${label} getScenePulse`);
  // An unknown scene gives a `not_found` item with a message and no pulse.
  const batch = await scenes.pulse.batchProcessScenes([...page.items.map((s) => s.slug), 'no-such-scene']);
  expect(batch.at(-1)).toMatchObject({ status: 'not_found' });
  expectParses('SceneBatchResponseSchema', batch, `${label} batchProcessScenes`);
  expectParses(
    'GlobalScenePulseResponseSchema',
    await scenes.pulse.getGlobalPulse({ limit: 20 }),
    `${label} getGlobalPulse`,
  );
  expectParses(
    'RegionalScenePulseResponseSchema',
    await scenes.pulse.getRegionalPulse(page.items[0]!.region, { limit: 20 }),
    `${label} getRegionalPulse`,
  );

  const trends = await scenes.getSceneTrends(slug, { days: 30 });
  expect(trends.series.length).toBeGreaterThan(0);
  expectParses('SceneTrendsResponseSchema', trends, `${label} getSceneTrends`);
  expectParses(
    'SceneTrendsResponseSchema',
    await scenes.getSceneTrends(slug, { days: 1 }),
    `${label} getSceneTrends(1 day)`,
  );
  for (const s of page.items)
    expectParses(
      'RelatedScenesResponseSchema',
      await scenes.getRelatedScenes(s.slug, { limit: 50 }),
      `${label} getRelatedScenes(${s.slug})`,
    );
  expectParses(
    'SceneRecommendationsResponseSchema',
    await scenes.recommendScenes({ limit: 50 }),
    `${label} recommendScenes(watch)`,
  );
  expectParses(
    'SceneRecommendationsResponseSchema',
    await scenes.recommendScenes({ artistSlug, limit: 50 }),
    `${label} recommendScenes(artist)`,
  );

  const aggregator = radar.talent.aggregator;
  const global = await aggregator.buildGlobalPulse({ limit: 100 });
  expectParses('GlobalPulseResponseSchema', global, `${label} buildGlobalPulse`);
  const profiled = [
    ...new Set(
      [...global.topRisingArtists, ...global.topBreakoutCandidates, ...global.artistsAtRisk].map((a) => a.artist_slug),
    ),
  ].slice(0, 10);
  expect(profiled.length).toBeGreaterThan(0);
  for (const a of profiled)
    expectParses(
      'ArtistProfileResponseSchema',
      await aggregator.buildArtistProfile(a),
      `${label} buildArtistProfile(${a})`,
    );
  for (const category of ['rising', 'breakout', 'risk'] as const) {
    expectParses(
      'TopArtistsResponseSchema',
      await aggregator.getTopArtists({ category, limit: 100 }),
      `${label} getTopArtists(${category})`,
    );
  }
  for (const ws of world.workspaces) {
    expectParses(
      'WorkspaceRecommendationsResponseSchema',
      await aggregator.getWorkspaceRecommendations(ws.id, { limit: 100 }),
      `${label} getWorkspaceRecommendations`,
    );
  }
}

describe('every engine payload parses with its response schema', () => {
  let radar: SceneRadar;
  beforeAll(async () => {
    radar = await radarOver(world.sources);
    // A week of daily snapshots, so the trend has a series and a summary.
    await radar.scenes.backfillTrends({ from: addDays(END, -6), to: END });
  }, 30_000);
  afterAll(() => radar?.close());

  it('on the complete demo world', async () => {
    await checkEveryPayload(radar, 'complete');
  }, 30_000);

  it('with Coverage, RCF and IdentityKernel absent and MIG networks failing (degraded pulses, null evidence, meta notes)', async () => {
    const { coverage: _c, rcf: _r, identityKernel: _i, ...rest } = world.sources;
    const mig = world.sources.mig!;
    // The graph goes down after the refresh, so memberships exist and live pulses lack networks.
    let graphDown = false;
    const degraded = await radarOver({
      ...rest,
      mig: {
        ...mig,
        getNetworks: (slugs, o) => (graphDown ? Promise.reject(new Error('graph down')) : mig.getNetworks(slugs, o)),
      },
    });
    graphDown = true;
    await degraded.scenes.pulse.clearCache();
    await degraded.talent.aggregator.clearCache();
    try {
      const pulse = (await degraded.scenes.pulse.getGlobalPulse({ limit: 1 })).hottest[0]!;
      expect(pulse.status).toBe('degraded');
      expect(pulse.explanation.some((e) => !e.available)).toBe(true);
      const slug = (await degraded.talent.aggregator.getTopArtists({ category: 'risk', limit: 1 })).artists[0]!
        .artist_slug;
      const profile = await degraded.talent.aggregator.buildArtistProfile(slug);
      expect(profile.explanation.sources.articles.status).toBe('absent');
      expect(profile.explanation.sources.network).toMatchObject({ status: 'error', reason: expect.any(String) });
      const { momentum, breakout, risk } = profile.explanation;
      expect([...momentum.signals, ...breakout.signals, ...risk.signals].some((s) => s.raw === null)).toBe(true);
      await checkEveryPayload(degraded, 'degraded');
    } finally {
      await degraded.close();
    }
  }, 30_000);

  it('each exported response schema was exercised by an engine call', () => {
    expect([...exercised].sort()).toEqual([...responseNames].sort());
  });
});

// ---------------------------------------------------------------------------------------------
// The seed's example payloads (section 4), `data` only; `[...]` arrays replaced by [].
// ---------------------------------------------------------------------------------------------

const SEED_GLOBAL_PULSE = {
  timestamp: '2025-11-18T12:00:00Z',
  topRisingArtists: [
    {
      artist_slug: 'artist-a',
      momentum: 85,
      breakout_score: 0.72,
      risk_score: 0.15,
      scene_slug: 'indie-uk-brighton',
      microgenres: ['dream-pop', 'shoegaze'],
      updated_at: '2025-11-18T11:55:00Z',
    },
  ],
  topBreakoutCandidates: [],
  artistsAtRisk: [],
  hottestScenes: [],
  summary: { totalArtistsTracked: 1247, avgMomentum: 62.3, highBreakoutCount: 23, highRiskCount: 12 },
};

const SEED_ARTIST_PROFILE = {
  artist: {
    artist_slug: 'artist-a',
    scene_slug: 'indie-uk-brighton',
    microgenres: ['dream-pop', 'shoegaze'],
    momentum: 85,
    creative_shift: 0.68,
    coverage_velocity: 1.2,
    press_quality: 0.75,
    mig_connectivity: 0.82,
    breakout_score: 0.72,
    risk_score: 0.15,
    metadata: { migCentrality: 0.78, tastemakerConnections: 12, sceneConfidence: 0.85, campaignCount: 8 },
    updated_at: '2025-11-18T11:55:00Z',
  },
  opportunities: [
    { type: 'breakout', description: 'Strong breakout signals - consider signing or major support', score: 0.72 },
    { type: 'network', description: 'Well-connected in industry graph - leverage for collaborations', score: 0.82 },
  ],
  risks: [],
  similarArtists: [],
  trajectory: { momentum: 'rising', breakoutPotential: 'high', riskLevel: 'low' },
};

/** Strips optional and nullable wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
  return s;
}

/**
 * Problems with `value` as a subset of `schema`: every field the value has must exist in the
 * schema, objects must meet objects and arrays arrays, and every leaf (and null) must parse with
 * the schema's own field schema (so type and range both count). Fields the value lacks are not
 * problems here.
 */
function subsetProblems(schema: z.ZodType, value: unknown, path = 'data'): string[] {
  if (value === null || typeof value !== 'object') {
    const r = schema.safeParse(value);
    return r.success
      ? []
      : [
          `${path}: ${JSON.stringify(value)} does not fit our field (${r.error.issues.map((i) => i.message).join('; ')})`,
        ];
  }
  const s = unwrap(schema);
  if (Array.isArray(value)) {
    if (!(s instanceof z.ZodArray)) return [`${path}: the seed has an array, our field is not one`];
    return value.flatMap((v, i) => subsetProblems(s.element as z.ZodType, v, `${path}[${i}]`));
  }
  if (!(s instanceof z.ZodObject)) return [`${path}: the seed has an object, our field is not one`];
  const shape = s.shape as Record<string, z.ZodType>;
  return Object.entries(value).flatMap(([k, v]) =>
    Object.hasOwn(shape, k) ? subsetProblems(shape[k]!, v, `${path}.${k}`) : [`${path}.${k}: not in our schema`],
  );
}

/** Paths of required fields (not optional in the output) that `value` lacks, recursing into objects and arrays it has. */
function missingRequired(schema: z.ZodType, value: unknown, path = 'data'): string[] {
  if (value === null || typeof value !== 'object') return [];
  const s = unwrap(schema);
  if (Array.isArray(value))
    return s instanceof z.ZodArray
      ? value.flatMap((v, i) => missingRequired(s.element as z.ZodType, v, `${path}[${i}]`))
      : [];
  if (!(s instanceof z.ZodObject)) return [];
  const shape = s.shape as Record<string, z.ZodType>;
  const record = value as Record<string, unknown>;
  return Object.entries(shape).flatMap(([k, field]) =>
    Object.hasOwn(record, k)
      ? missingRequired(field, record[k], `${path}.${k}`)
      : field._zod.optout === 'optional'
        ? []
        : [`${path}.${k}`],
  );
}

describe("the seed's example payloads (section 4)", () => {
  const cases = [
    // Our GlobalPulse adds `meta` (provenance and degradation notes) to the seed's shape.
    {
      name: 'Global Pulse Snapshot',
      schema: responses.GlobalPulseResponseSchema,
      seed: SEED_GLOBAL_PULSE,
      lacks: ['data.meta'],
    },
    // Our ArtistProfile adds `explanation`, and the stored artist row adds confidence, as-of and model version.
    {
      name: 'Artist Radar Profile',
      schema: responses.ArtistProfileResponseSchema,
      seed: SEED_ARTIST_PROFILE,
      lacks: ['data.artist.as_of', 'data.artist.confidence', 'data.artist.model_version', 'data.explanation'],
    },
  ];

  for (const c of cases) {
    it(`${c.name}: every seed field exists in our schema with the same type and range`, () => {
      expect(subsetProblems(c.schema, c.seed)).toEqual([]);
    });

    it(`${c.name}: fails the full schema only for the fields our type adds (${c.lacks.join(', ')})`, () => {
      expect(missingRequired(c.schema, c.seed).sort()).toEqual(c.lacks);
      const result = c.schema.safeParse(c.seed);
      expect(result.success).toBe(false);
      const issues = result.error!.issues.map((i) => ({ code: i.code, path: ['data', ...i.path].join('.') }));
      expect(issues.sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual(
        c.lacks.map((path) => ({ code: 'invalid_type', path })),
      );
      // With the added fields supplied, the seed example is a valid payload.
      expect(c.schema.safeParse(mergeAdded(c.seed)).success).toBe(true);
    });
  }

  it('the subset check fails on a wrong type, a wrong range, a renamed field and an array-for-scalar', () => {
    const artist = SEED_GLOBAL_PULSE.topRisingArtists[0]!;
    const bad = (patch: Record<string, unknown>): string[] =>
      subsetProblems(responses.GlobalPulseResponseSchema, {
        ...SEED_GLOBAL_PULSE,
        topRisingArtists: [{ ...artist, ...patch }],
      });
    expect(bad({ momentum: '85' })).toHaveLength(1);
    expect(bad({ breakout_score: 72 })).toHaveLength(1);
    expect(bad({ sceneSlug: 'indie-uk-brighton' })).toEqual(['data.topRisingArtists[0].sceneSlug: not in our schema']);
    expect(bad({ microgenres: 'dream-pop' })).toHaveLength(1);
    expect(bad({ updated_at: 'yesterday' })).toHaveLength(1);
    expect(subsetProblems(responses.GlobalPulseResponseSchema, { ...SEED_GLOBAL_PULSE, summary: [] })).toHaveLength(1);
    expect(missingRequired(responses.GlobalPulseResponseSchema, { ...SEED_GLOBAL_PULSE, summary: {} })).toContain(
      'data.summary.avgMomentum',
    );
  });
});

/** The seed example with the fields our types add filled in (valid values). */
function mergeAdded(seed: object): unknown {
  const meta = {
    asOf: '2025-11-18T12:00:00Z',
    model_version: 'talent-v1',
    degraded: [],
    stale: { records: 0, oldestAsOf: null },
    failedReads: {},
  };
  if ('summary' in seed) return { ...seed, meta };
  const p = seed as typeof SEED_ARTIST_PROFILE;
  const read = { status: 'ok' };
  const sources = Object.fromEntries(
    [
      'record',
      'network',
      'releases',
      'campaigns',
      'engagement',
      'articles',
      'events',
      'coherence',
      'memberships',
      'scenePulse',
    ].map((k) => [k, read]),
  );
  return {
    ...p,
    artist: { ...p.artist, confidence: 1, as_of: '2025-11-18T11:55:00Z', model_version: 'talent-v1' },
    explanation: {
      asOf: '2025-11-18T11:55:00Z',
      model_version: 'talent-v1',
      confidence: 1,
      sources,
      momentum: { score: 85, peers: 'population', signals: [] },
      breakout: { score: 0.72, event: 'breakout', horizonDays: 90, intercept: -2, peers: 'population', signals: [] },
      risk: { score: 0.15, signals: [] },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// JSON Schema / OpenAPI components
// ---------------------------------------------------------------------------------------------

describe('JSON Schema', () => {
  it('every exported schema carries an id and a description, and ids are unique', () => {
    const ids = exported.map(([name, schema]) => {
      const meta = z.globalRegistry.get(schema);
      expect(meta?.id, name).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(meta?.description, name).toBeTruthy();
      return meta!.id;
    });
    expect(new Set(ids).size).toBe(ids.length);
    expect(responseNames.length).toBeGreaterThanOrEqual(16);
  });

  it.each(exported)('z.toJSONSchema converts %s (output and input)', (_name, schema) => {
    for (const io of ['output', 'input'] as const) {
      const json = z.toJSONSchema(schema, { io });
      expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    }
  });

  it('all schemas convert together into named components, nested ones referenced by $ref', () => {
    const doc = z.toJSONSchema(z.object(Object.fromEntries(exported)), { io: 'output' });
    const defs = Object.keys(doc.$defs ?? {}).sort();
    expect(defs).toEqual(exported.map(([, s]) => z.globalRegistry.get(s)!.id!).sort());
    const pulse = JSON.stringify(doc.$defs!.GlobalScenePulse);
    expect(pulse).toContain('"$ref":"#/$defs/ScenePulseSnapshot"');
    expect(JSON.stringify(doc.$defs!.ArtistProfile)).toContain('"$ref":"#/$defs/TalentArtistRow"');
  });

  it('with io "input", objects leave additionalProperties open (hosts may add fields)', () => {
    // Zod's output mode marks a plain object closed (parsing strips extra keys); input mode does not.
    const resultMeta = (io: 'input' | 'output'): Record<string, unknown> =>
      z.toJSONSchema(responses.ResultMetaSchema, { io }).$defs!.ResultMeta as Record<string, unknown>;
    expect(resultMeta('output').additionalProperties).toBe(false);
    expect(resultMeta('input')).not.toHaveProperty('additionalProperties');
    expect(
      responses.ResultMetaSchema.parse({
        asOf: null,
        model_version: 'v',
        degraded: [],
        stale: { records: 0, oldestAsOf: null },
        failedReads: {},
        extra: 1,
      }),
    ).toEqual({
      asOf: null,
      model_version: 'v',
      degraded: [],
      stale: { records: 0, oldestAsOf: null },
      failedReads: {},
    });
  });
});

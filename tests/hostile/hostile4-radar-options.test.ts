/**
 * Hostile review 4, `createSceneRadar`'s options: a value of the wrong shape is CONFIG_INVALID
 * naming its field, at construction, instead of a raw TypeError there or a source, clock or
 * store silently ignored until a refresh.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, SceneRadarError } from 'scene-radar';
import { memoryScenesStores, memoryTalentStores } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';

// biome-ignore lint/suspicious/noExplicitAny: hostile input on purpose
const untyped = (v: unknown): any => v;

/** The CONFIG_INVALID error `createSceneRadar(options)` throws, or a failure if it throws anything else or nothing. */
function configError(options: unknown): SceneRadarError {
  try {
    createSceneRadar(untyped(options));
  } catch (e) {
    expect(e).toBeInstanceOf(SceneRadarError);
    expect((e as SceneRadarError).code).toBe('CONFIG_INVALID');
    return e as SceneRadarError;
  }
  throw new Error(`createSceneRadar accepted ${JSON.stringify(options)}`);
}

describe('createSceneRadar options', () => {
  it('refuses options that are not an object', () => {
    for (const v of [null, undefined, 42, 'sources', [], true])
      expect(configError(v).message).toMatch(/options must be an object/);
  });

  it('refuses missing or malformed sources, naming the slot', () => {
    for (const v of [{}, { sources: null }, { sources: 5 }, { sources: [] }])
      expect(configError(v).message).toMatch(/sources must be an object/);
    expect(configError({ sources: { mig: 5 } }).details).toEqual([
      { path: ['sources', 'mig'], message: expect.stringMatching(/adapter object/) },
    ]);
    expect(configError({ sources: { fusion: null } }).message).toMatch(/sources\.fusion must be an adapter object/);
    // A misspelt slot would leave the source absent without a word.
    const world = createDemoWorld({ artists: 20, end: '2026-03-01' });
    expect(configError({ sources: { ...world.sources, fusoin: world.sources.fusion } }).message).toMatch(
      /sources\.fusoin is not a source/,
    );
  });

  it('refuses a clock, stores, cache, logger or hook of the wrong type', () => {
    const sources = {};
    expect(configError({ sources, clock: 5 }).message).toMatch(/clock must be a Clock/);
    expect(configError({ sources, clock: {} }).message).toMatch(/clock must be a Clock/);
    expect(configError({ sources, stores: 'postgres' }).message).toMatch(/stores must be an object/);
    expect(configError({ sources, stores: { scenes: 5 } }).message).toMatch(/stores\.scenes must be a store set/);
    expect(configError({ sources, cache: 5 }).message).toMatch(/cache must be an object/);
    expect(configError({ sources, logger: console.log }).message).toMatch(/logger must be/);
    expect(configError({ sources, onProgress: 'yes' }).message).toMatch(/onProgress must be a function/);
    expect(configError({ sources, onSourceCall: {} }).message).toMatch(/onSourceCall must be a function/);
  });

  it('refuses a store set without its tables, or with a table missing a method, naming the table', () => {
    const sources = {};
    expect(configError({ sources, stores: { talent: {} } }).details).toEqual([
      { path: ['stores', 'talent', 'talent_radar_artists'], message: expect.stringMatching(/must be a table/) },
    ]);
    expect(configError({ sources, stores: { scenes: { scenes: 5 } } }).message).toMatch(
      /stores\.scenes\.scenes must be a table/,
    );
    const scenes = memoryScenesStores();
    const { scan: _scan, ...noScan } = scenes.scene_memberships;
    expect(configError({ sources, stores: { scenes: { ...scenes, scene_memberships: noScan } } }).message).toMatch(
      /stores\.scenes\.scene_memberships must be a table .*missing scan/,
    );
    expect(
      configError({ sources, stores: { talent: { ...memoryTalentStores(), transaction: 'yes' } } }).message,
    ).toMatch(/stores\.talent\.transaction must be a function/);
  });

  it('still accepts what a host passes: no sources, a store module with keys of its own, a null logger', async () => {
    const stores = {
      scenes: memoryScenesStores(),
      talent: memoryTalentStores(),
      schema: 'radar',
      close: () => undefined,
    };
    const radar = createSceneRadar(untyped({ sources: {}, stores, logger: null, clock: { now: () => 0 } }));
    expect(radar.talent).toBeDefined();
    await radar.close();
  });
});

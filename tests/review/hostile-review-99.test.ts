/**
 * Hostile review 99: configuration as a host writes it. `resolveConfig(...layers)` and
 * `DEFAULT_CONFIG` (src/config.ts), the `config` option of `createSceneRadar`, and what a CLI
 * manifest may carry. Held to: resolveConfig's TSDoc ("Later layers override earlier ones field by
 * field. Throws a `CONFIG_INVALID` SceneRadarError naming every bad field"), docs/getting-started.md
 * "Configuration", docs/scoring.md "Changing the policy" and "Every default of config.talent.model",
 * docs/scenes.md, the CHANGELOG entries on the configuration, and the seed's "Configuration
 * Defaults (Production)".
 *
 * Tests named "FAULT:" fail on the current code; the others pin behaviour found correct.
 */
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { createSceneRadar, DEFAULT_CONFIG, fixedClock, resolveConfig, type SceneRadarConfigInput } from 'scene-radar';
import { ManifestSchema } from '../../src/cli/manifest.js';

/** What `fn` threw, or undefined. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** `fn` throws a CONFIG_INVALID SceneRadarError whose message names `path` (never a TypeError or nothing). */
function expectConfigInvalid(fn: () => unknown, path: string): void {
  const error = thrown(fn) as { code?: unknown; name?: unknown; message?: unknown } | undefined;
  expect(error, `expected CONFIG_INVALID naming ${path}, nothing was thrown`).toBeDefined();
  expect(error?.name).toBe('SceneRadarError');
  expect(error?.code).toBe('CONFIG_INVALID');
  expect(String(error?.message)).toContain(path);
}

/** The value at a dotted path. */
function at(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], obj);
}

/** Paths of every object (or array) inside `value` that is not frozen. */
function unfrozen(value: unknown, path = '(root)', out: string[] = []): string[] {
  if (typeof value !== 'object' || value === null) return out;
  if (!Object.isFrozen(value)) out.push(path);
  for (const [k, v] of Object.entries(value)) unfrozen(v, `${path}.${k}`, out);
  return out;
}

/** Objects shared between two values, by path. */
function sharedObjects(a: unknown, b: unknown, path = '', out: string[] = []): string[] {
  if (typeof a !== 'object' || a === null) return out;
  if (a === b) out.push(path || '(root)');
  for (const k of Object.keys(a)) sharedObjects(at(a, k), at(b, k), path ? `${path}.${k}` : k, out);
  return out;
}

const read = (file: string): string => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('resolveConfig: layering', () => {
  it('a later layer that sets one weight keeps the other weights and the earlier layers', () => {
    const c = resolveConfig(
      { scenes: { pulse: { weights: { momentum: 0.5 } } }, talent: { signalBatchSize: 50 } },
      { scenes: { pulse: { weights: { rising: 0.1 } } } },
    );
    expect(c.scenes.pulse.weights).toEqual({ momentum: 0.5, rising: 0.1, newMembers: 0.15, tastemakers: 0.25 });
    expect(c.talent.signalBatchSize).toBe(50);
  });

  it('arrays replace, undefined keeps the earlier value, null is refused naming the field', () => {
    const c = resolveConfig(
      { talent: { model: { sizeBands: [1, 2, 3] } }, scenes: { batchConcurrency: 5 } },
      { talent: { model: { sizeBands: [7] } }, scenes: { batchConcurrency: undefined } },
      undefined,
    );
    expect(c.talent.model.sizeBands).toEqual([7]);
    expect(c.scenes.batchConcurrency).toBe(5);
    expectConfigInvalid(
      () => resolveConfig({ scenes: { batchConcurrency: 5 } }, { scenes: { batchConcurrency: null as never } }),
      'scenes.batchConcurrency',
    );
    expectConfigInvalid(() => resolveConfig({ scenes: null as never }), 'scenes');
  });

  it('refinements hold on the merged layers, not only on each layer', () => {
    // Each layer alone is valid; together they break the documented order.
    expectConfigInvalid(
      () =>
        resolveConfig(
          { scenes: { pulse: { coolingMaxGrowth: 0.2 } } },
          { scenes: { pulse: { growingMinGrowth: 0.1 } } },
        ),
      'scenes.pulse.coolingMaxGrowth',
    );
    expectConfigInvalid(
      () =>
        resolveConfig(
          { talent: { thresholds: { momentum: { declining: 50 } } } },
          { talent: { thresholds: { momentum: { rising: 40 } } } },
        ),
      'talent.thresholds.momentum.declining',
    );
    expectConfigInvalid(
      () =>
        resolveConfig(
          { talent: { thresholds: { risk: { medium: 0.5 } } } },
          { talent: { thresholds: { risk: { high: 0.4 } } } },
        ),
      'talent.thresholds.risk.medium',
    );
    expectConfigInvalid(
      () =>
        resolveConfig(
          { scenes: { pulse: { weights: { momentum: 0, rising: 0, newMembers: 0 } } } },
          { scenes: { pulse: { weights: { tastemakers: 0 } } } },
        ),
      'scenes.pulse.weights',
    );
  });

  it('frozen, getter-bearing and null-prototype layers are merged field by field', () => {
    const frozen = Object.freeze({ scenes: Object.freeze({ batchConcurrency: 3 }) });
    const getter = {
      get talent() {
        return { signalBatchSize: 40 };
      },
    };
    const bare = Object.assign(Object.create(null) as object, { cache: { maxEntries: 7 } });
    const c = resolveConfig(frozen, getter, bare as SceneRadarConfigInput);
    expect([c.scenes.batchConcurrency, c.talent.signalBatchSize, c.cache.maxEntries]).toEqual([3, 40, 7]);
  });

  it('FAULT: a layer built in another realm (node:vm) replaces the earlier layers whole instead of merging field by field', () => {
    // The CHANGELOG fixed this for null-prototype layers ("such a layer replaced an earlier layer's
    // objects whole"); an object from a vm context, a jsdom window or an iframe is just as plain.
    const layer = vm.runInNewContext('({ scenes: { scenePulseTtlMs: 120000 } })') as SceneRadarConfigInput;
    const c = resolveConfig({ scenes: { batchConcurrency: 5 }, talent: { signalBatchSize: 50 } }, layer);
    expect(c.scenes.scenePulseTtlMs).toBe(120_000);
    expect(c.scenes.batchConcurrency).toBe(5);
    expect(c.talent.signalBatchSize).toBe(50);
  });

  it('FAULT: a class-instance layer is read field by field alone, but as a later layer it erases the earlier ones', () => {
    class HostSettings {
      scenes = { scenePulseTtlMs: 120_000 };
    }
    // Alone it is read (so it is accepted as a configuration object) ...
    expect(resolveConfig(new HostSettings()).scenes.scenePulseTtlMs).toBe(120_000);
    // ... after another layer it must override field by field too.
    const c = resolveConfig({ talent: { signalBatchSize: 50 } }, new HostSettings());
    expect(c.talent.signalBatchSize).toBe(50);
  });

  it("FAULT: a later layer cannot remove an earlier layer's breakout host input: two stored models are mixed", () => {
    // docs/scoring.md: "`breakout` is a whole breakout model ... Each field left out keeps the
    // published default model's". A model calibrated without `follows` is given over one with it.
    const withFollows = { hostInputs: { follows: { weight: 2.5, center: 1000 } } };
    const withoutFollows = { intercept: -2, hostInputs: {} };
    const c = resolveConfig(
      { talent: { model: { breakout: withFollows } } },
      { talent: { model: { breakout: withoutFollows } } },
    );
    expect(c.talent.model.breakout.intercept).toBe(-2);
    expect(c.talent.model.breakout.hostInputs).toEqual({});
  });
});

describe('resolveConfig: every bad shape is CONFIG_INVALID naming the path', () => {
  const cases: ReadonlyArray<readonly [string, unknown, string]> = [
    ['NaN', { scenes: { batchConcurrency: Number.NaN } }, 'scenes.batchConcurrency'],
    ['Infinity', { scenes: { pulse: { engagementFloor: Number.POSITIVE_INFINITY } } }, 'scenes.pulse.engagementFloor'],
    [
      '-Infinity',
      { scenes: { pulse: { coolingMaxGrowth: Number.NEGATIVE_INFINITY } } },
      'scenes.pulse.coolingMaxGrowth',
    ],
    ['negative', { cache: { staleGraceMs: -1 } }, 'cache.staleGraceMs'],
    ['zero where positive', { sources: { mig: { timeoutMs: 0 } } }, 'sources.mig.timeoutMs'],
    ['over the max', { scenes: { scenePulseTtlMs: 86_400_001 } }, 'scenes.scenePulseTtlMs'],
    ['a fraction for an integer', { talent: { signalBatchSize: 1.5 } }, 'talent.signalBatchSize'],
    ['a string of a number', { talent: { maxArtistsPerQuery: '50' } }, 'talent.maxArtistsPerQuery'],
    ['a boolean', { talent: { thresholds: { breakout: { high: true } } } }, 'talent.thresholds.breakout.high'],
    ['a bigint', { scenes: { batchConcurrency: 3n } }, 'scenes.batchConcurrency'],
    ['a boxed number', { scenes: { batchConcurrency: new Number(3) } }, 'scenes.batchConcurrency'],
    ['a weight above 1', { talent: { model: { momentumWeights: { engagement_growth: 1.5 } } } }, 'engagement_growth'],
    ['an unknown key', { scenes: { pulse: { windowDay: 14 } } }, 'windowDay'],
    ['a misspelt section', { talent: { modle: {} } }, 'modle'],
    ['constructor from JSON', JSON.parse('{"talent":{"constructor":{"x":1}}}'), 'constructor'],
    ['prototype from JSON', JSON.parse('{"prototype":{}}'), 'prototype'],
    ['an array for an object', { scenes: { pulse: [] } }, 'scenes.pulse'],
    ['a function for an object', { scenes: () => 1 }, 'scenes'],
    ['unsorted sizeBands', { talent: { model: { sizeBands: [1000, 100] } } }, 'talent.model.sizeBands'],
    [
      'a sparse sizeBands',
      { talent: { model: { sizeBands: Object.assign(new Array<number>(3), { 0: 1, 2: 3 }) } } },
      'talent.model.sizeBands',
    ],
    ['an unknown event type', { talent: { model: { eventTypeWeights: { tweet: 1 } } } }, 'eventTypeWeights'],
    ['a term without a centre', { talent: { model: { breakout: { inputs: { press: { weight: 1 } } } } } }, 'press'],
    [
      'a bad host input name',
      { talent: { model: { breakout: { hostInputs: { 'Bad Name': { weight: 1, center: 0 } } } } } },
      'hostInputs',
    ],
    ['windows that reach too far', { talent: { model: { quarterDays: 3000 } } }, 'talent.model.quarterDays'],
  ];
  for (const [what, layer, path] of cases)
    it(`${what} is refused naming ${path}`, () => {
      expectConfigInvalid(() => resolveConfig(layer as SceneRadarConfigInput), path);
    });

  it('layers that are not objects, and objects that contain themselves, are CONFIG_INVALID', () => {
    for (const layer of [null, 5, 'x', [], true]) expectConfigInvalid(() => resolveConfig(layer as never), '(root)');
    const cyclic: Record<string, unknown> = { scenes: {} };
    (cyclic.scenes as Record<string, unknown>).self = cyclic;
    expectConfigInvalid(() => resolveConfig(cyclic as SceneRadarConfigInput), 'scenes.self');
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expectConfigInvalid(() => resolveConfig({ scenes: revoked.proxy } as SceneRadarConfigInput), 'cannot be read');
  });

  it('a "__proto__" key from JSON.parse never reaches Object.prototype', () => {
    // Since the fix below, such a key is refused (CONFIG_INVALID naming it); either way, no pollution.
    expectConfigInvalid(
      () => resolveConfig(JSON.parse('{"__proto__":{"polluted":1},"scenes":{"__proto__":{"polluted":1}}}')),
      '__proto__',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('FAULT: a "__proto__" key from JSON.parse is dropped without a word, where any other unknown key is refused', () => {
    // resolveConfig's TSDoc: "naming every bad field"; the CHANGELOG: "an unknown `constructor`
    // key is refused by name like any unknown key". Here the host's (bad) settings simply vanish.
    expectConfigInvalid(
      () => resolveConfig(JSON.parse('{"scenes":{"__proto__":{"batchConcurrency":0}}}')),
      '__proto__',
    );
  });

  it('FAULT: "__proto__" as a breakout host input is not a valid host feature name, yet it is dropped rather than refused', () => {
    // HostFeatureNameSchema: "must start with a letter and hold only lowercase letters, digits, _ and -";
    // `{ "Bad Name": ... }` is refused (`Invalid key in record`), `{ "__proto__": ... }` silently vanishes.
    const json = '{"talent":{"model":{"breakout":{"hostInputs":{"__proto__":{"weight":3,"center":0}}}}}}';
    expectConfigInvalid(() => resolveConfig(JSON.parse(json)), 'hostInputs');
  });

  it('FAULT: a Date, Map, RegExp or Promise where a configuration section belongs is accepted as "all defaults"', () => {
    // "An invalid value throws SceneRadarError with code CONFIG_INVALID" (docs/getting-started.md);
    // a function or an array there is refused, these objects pass (and wipe the earlier layer).
    expectConfigInvalid(() => resolveConfig({ scenes: new Date() as never }), 'scenes');
    expectConfigInvalid(
      () => resolveConfig({ scenes: { pulse: { weights: /momentum/ as never } } }),
      'scenes.pulse.weights',
    );
    expectConfigInvalid(() => resolveConfig({ talent: Promise.resolve({ signalBatchSize: 5 }) as never }), 'talent');
    expectConfigInvalid(() => resolveConfig(new Map([['scenes', { batchConcurrency: 0 }]]) as never), '(root)');
  });

  it("FAULT: a Date section given after a layer silently resets that layer's values to the defaults", () => {
    const error = thrown(() => resolveConfig({ scenes: { batchConcurrency: 5 } }, { scenes: new Date() as never }));
    expect((error as { code?: unknown } | undefined)?.code).toBe('CONFIG_INVALID');
  });

  it('FAULT: a getter that throws is CONFIG_INVALID, but the message does not say which field could not be read', () => {
    const layer = {
      talent: {
        model: {
          get windowDays(): number {
            throw new Error('vault sealed');
          },
        },
      },
    };
    const error = thrown(() => resolveConfig(layer)) as { code?: unknown; message?: unknown; details?: unknown };
    expect(error.code).toBe('CONFIG_INVALID');
    // The merge knows the path (it names it for a cycle: `scenes.self: the object contains itself`).
    expect(String(error.message)).toContain('talent.model.windowDays');
  });
});

describe('weights renormalised over their sum', () => {
  it('FAULT: momentum weights all 0 are accepted (every artist then scores momentum 50: nobody rises, without a word)', () => {
    // model-config.ts: "Weights of the momentum components (renormalised over the components with
    // evidence)", as the scene pulse weights are, whose all-0 is refused: "at least one weight must
    // be above 0 (the weights are renormalised over their sum)". Observed: scoring.ts momentumOf
    // gets wsum 0 and returns 50 for every artist; the global pulse lists no rising artist.
    expectConfigInvalid(
      () =>
        resolveConfig({
          talent: {
            model: {
              momentumWeights: { engagement_growth: 0, engagement_acceleration: 0, event_growth: 0, press_velocity: 0 },
            },
          },
        }),
      'talent.model.momentumWeights',
    );
  });

  it('FAULT: membership weights with sound and place both 0 are accepted, and a refresh then places no artist in any scene', async () => {
    // docs/scenes.md: the core is `(0.45 sound + 0.35 place) / 0.8 >= 0.6`, that is divided by
    // sound + place; people counts links into the core. The CHANGELOG refused all-0 weights because
    // "no scene had a member ... without a word": a people-only weighting does exactly that.
    const config = { scenes: { membership: { weights: { sound: 0, place: 0, people: 1 } } } };
    const error = thrown(() => resolveConfig(config)) as { code?: unknown } | undefined;
    if (error !== undefined) {
      expect(error.code).toBe('CONFIG_INVALID');
      return;
    }
    const world = createDemoWorld({ seed: 7, artists: 30, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00Z'), config });
    try {
      await radar.scenes.importCatalog(world.catalog);
      const report = await radar.scenes.refresh();
      expect(report.memberships.memberships).toBeGreaterThan(0);
    } finally {
      await radar.close();
    }
  });
});

describe('resolved configurations are not shared', () => {
  it('two resolves share no object with each other or with DEFAULT_CONFIG, and copy the host input', () => {
    const a = resolveConfig();
    const b = resolveConfig();
    expect(sharedObjects(a, b)).toEqual([]);
    expect(sharedObjects(a, DEFAULT_CONFIG)).toEqual([]);
    const input = {
      talent: { model: { sizeBands: [10, 20], breakout: { hostInputs: { follows: { weight: 1, center: 0 } } } } },
    };
    const c = resolveConfig(input);
    input.talent.model.sizeBands.push(30);
    input.talent.model.breakout.hostInputs.follows.weight = 9;
    expect(c.talent.model.sizeBands).toEqual([10, 20]);
    expect(c.talent.model.breakout.hostInputs.follows?.weight).toBe(1);
  });

  it('two radars from one config input are independent of it and of each other', async () => {
    const input = { talent: { thresholds: { breakout: { high: 0.8 } } } };
    const a = createSceneRadar({ sources: {}, config: input });
    const b = createSceneRadar({ sources: {}, config: input });
    try {
      input.talent.thresholds.breakout.high = 0.9;
      // A radar's config is frozen all through (hostile review 138: it is handed to read-only
      // products, and the engines read it live): a write throws and changes nothing.
      expect(() => {
        (a.config.talent.thresholds.breakout as { high: number }).high = 0.1;
      }).toThrow(TypeError);
      expect(a.config.talent.thresholds.breakout.high).toBe(0.8);
      expect(b.config.talent.thresholds.breakout.high).toBe(0.8);
      expect(DEFAULT_CONFIG.talent.thresholds.breakout.high).toBe(0.7);
      expect(sharedObjects(a.config, b.config)).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('createSceneRadar refuses a bad config with CONFIG_INVALID naming the field', () => {
    expectConfigInvalid(
      () => createSceneRadar({ sources: {}, config: { scenes: { batchConcurrency: 0 } } }),
      'scenes.batchConcurrency',
    );
  });

  it('FAULT: DEFAULT_CONFIG can be written to by any host, and the tabular import reads its payload ceilings from it', () => {
    // "The defaults, resolved once" (src/config.ts); adapters/tabular (row-schemas.ts,
    // aggregate-rows.ts) and createSourceGateway read DEFAULT_CONFIG directly, so a host's
    // `DEFAULT_CONFIG.payloads.maxWeight = 10` changes every later import in the process.
    // Checked without writing to it (the test workers share modules).
    expect(unfrozen(DEFAULT_CONFIG)).toEqual([]);
  });
});

describe('documented defaults equal the schema defaults', () => {
  it('docs/getting-started.md "Configuration" table', () => {
    const doc = read('docs/getting-started.md');
    const rows = [...doc.matchAll(/^\| `([a-zA-Z.]+)` \| ([^|]+) \|/gm)].filter(([, p]) => p !== 'talent.thresholds');
    expect(rows.length).toBeGreaterThanOrEqual(17);
    for (const [, path, value] of rows) {
      const documented = Number(/[\d,]+/.exec(value!)![0].replaceAll(',', ''));
      expect(at(DEFAULT_CONFIG, path!), path).toBe(documented);
    }
    expect(DEFAULT_CONFIG.talent.thresholds).toEqual({
      momentum: { rising: 70, declining: 30 },
      breakout: { high: 0.7, medium: 0.4 },
      risk: { high: 0.6, medium: 0.3 },
    });
    for (const s of Object.values(DEFAULT_CONFIG.sources)) expect(s).toEqual({ concurrency: 10, timeoutMs: 30_000 });
  });

  it('docs/scoring.md "Every default of config.talent.model" table', () => {
    const doc = read('docs/scoring.md');
    const table = doc.slice(doc.indexOf('### Every default of `config.talent.model`'));
    const rows = [...table.matchAll(/^\| `(\w+)` \| ([\d,]+)(?: a day| a week)? \|/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(13);
    const model = DEFAULT_CONFIG.talent.model as unknown as Record<string, unknown>;
    for (const [, key, value] of rows) expect(model[key!], key).toBe(Number(value!.replaceAll(',', '')));
    expect(model.sizeBands).toEqual([100, 1000, 10000, 100000]);
    expect(model.eventTypeWeights).toEqual({});
    expect(model.momentumWeights).toEqual({
      engagement_growth: 0.45,
      engagement_acceleration: 0.15,
      event_growth: 0.25,
      press_velocity: 0.15,
    });
    expect(model.riskSeverities).toEqual({
      decline: 0.6,
      incoherence: 0.5,
      drift: 0.3,
      paid_dependence: 0.5,
      anomaly: 0.7,
      stale_data: 0.4,
    });
    expect(DEFAULT_CONFIG.talent.model.breakout.intercept).toBe(-3.302166);
    expect(DEFAULT_CONFIG.talent.model.breakout.horizonDays).toBe(182);
    expect(DEFAULT_CONFIG.talent.model.breakout.hostInputs).toEqual({});
  });

  it('docs/scenes.md pulse and membership numbers', () => {
    const { pulse, membership, relationships } = DEFAULT_CONFIG.scenes;
    expect(pulse.weights).toEqual({ momentum: 0.35, rising: 0.25, newMembers: 0.15, tastemakers: 0.25 });
    expect([pulse.engagementFloor, pulse.momentumScale, pulse.risingMinEngagement]).toEqual([50, 0.25, 100]);
    expect(pulse.risingLogGrowth).toBeCloseTo(Math.log(1.25), 12);
    expect([pulse.risingShareSaturation, pulse.newMemberSaturation, pulse.tastemakerScale]).toEqual([0.3, 0.1, 0.15]);
    expect([pulse.smallSceneMembers, pulse.emergingMaxHeat, pulse.growingMinGrowth, pulse.coolingMaxGrowth]).toEqual([
      5, 40, 0.05, -0.05,
    ]);
    expect(membership.weights).toEqual({ sound: 0.45, place: 0.35, people: 0.2 });
    expect([membership.releaseHalfLifeDays, membership.soundMapScale, membership.coreThreshold]).toEqual([
      180, 0.5, 0.6,
    ]);
    expect(relationships.minWeight).toBe(0.05);
  });

  it('the seed\'s "Configuration Defaults (Production)"', () => {
    // The seed's lines (../shared/seed/000_4d264d62d4d201c3.txt, not in the repository): "Max scenes
    // per query: 100", "Max memberships per query: 10,000", "Scene pulse TTL: 5 minutes", "Max
    // signal aggregation batch: 20", "Timeout (signal aggregation): 30 seconds per artist".
    const { scenes, talent } = DEFAULT_CONFIG;
    expect([scenes.maxScenesPerQuery, scenes.maxMembershipsPerQuery, scenes.batchConcurrency]).toEqual([
      100, 10_000, 10,
    ]);
    expect([scenes.scenePulseTtlMs, scenes.globalPulseTtlMs]).toEqual([300_000, 600_000]);
    expect([scenes.scenePulseTimeoutMs, scenes.globalPulseTimeoutMs]).toEqual([30_000, 120_000]);
    expect([talent.maxArtistsPerQuery, talent.maxScenesPerQuery, talent.signalBatchSize]).toEqual([100, 50, 20]);
    expect([talent.globalPulseTtlMs, talent.artistProfileTtlMs, talent.batchConcurrency]).toEqual([
      600_000, 300_000, 10,
    ]);
    expect([talent.signalTimeoutMs, talent.globalPulseTimeoutMs]).toEqual([30_000, 120_000]);
  });
});

describe('CLI manifest', () => {
  it('a "config" key in scene-radar.json is refused by name, not ignored (docs/cli.md lists no such field)', () => {
    const parsed = ManifestSchema.safeParse({ tables: { artists: 'a.csv' }, config: { scenes: {} } });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('config');
  });
});

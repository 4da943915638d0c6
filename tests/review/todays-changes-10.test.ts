/**
 * Hostile review of the day's changes: ef5e46c (the CLI's signal handlers before the commands
 * load), ecb31a5 (configuration layers: `isRecord`, `merge`, `GIVEN_WHOLE`, the weight
 * refinements, a frozen `DEFAULT_CONFIG`) and 289cbb3 (the Scenes Engine's refresh-instant guard
 * over the latest `scene_trends` snapshot). Each `FAULT:` test fails on the code as it is and names
 * the promise it holds the code to; the others pin what was checked and found right.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { type CMGAdapter, createSceneRadar, fixedClock, type MIGAdapter } from '../../src/index.js';
import { DEFAULT_CONFIG, resolveConfig, type SceneRadarConfigInput } from '../../src/config.js';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { memoryScenesStores, memoryTalentStores, type ScenesStores, type TalentStores } from 'scene-radar/stores';
import { createPostgresStores, migrate } from 'scene-radar/adapters/postgres';
import { fileTestDatabase, TEST_DATABASE_URL } from '../helpers/postgres.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const database = fileTestDatabase();

/** The code a call settled with: `accepted` when it resolved. */
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'accepted',
    (e: unknown) => String((e as { code?: unknown }).code ?? e),
  );

/** What `resolveConfig(...layers)` gives for `talent.signalBatchSize`, or the code it threw. */
function batchSizeOr(...layers: unknown[]): number | string {
  try {
    return resolveConfig(...(layers as SceneRadarConfigInput[])).talent.signalBatchSize;
  } catch (e) {
    return String((e as { code?: unknown }).code ?? e);
  }
}

// ---------------------------------------------------------------------------------------------
// ecb31a5: configuration layers
// ---------------------------------------------------------------------------------------------

describe('configuration layers (ecb31a5)', () => {
  // docs/getting-started.md: "a later layer overrides an earlier one field by field (objects of
  // fields merge ...)". Before ecb31a5 an object whose prototype is Object.prototype or null was a
  // plain object whatever its Symbol.toStringTag. `isRecord` now asks Object.prototype.toString,
  // which a toStringTag changes: webpack (Next.js) marks every ES module's exports object with
  // `[Symbol.toStringTag]: 'Module'`, and Node's own module namespace says `[object Module]` too,
  // so `import * as settings from './scene-radar.settings.js'` (a file of `export const talent =
  // {...}`) is now refused as "got a Module", where it configured the radar the day before.
  it('FAULT: a module namespace-like layer (a plain object tagged "Module" by the bundler) still configures the radar', () => {
    const webpackExports = Object.defineProperty({ talent: { signalBatchSize: 50 } }, Symbol.toStringTag, {
      value: 'Module',
    });
    const nodeLikeNamespace = Object.defineProperty(
      Object.assign(Object.create(null) as Record<string, unknown>, { talent: { signalBatchSize: 50 } }),
      Symbol.toStringTag,
      { value: 'Module' },
    );
    expect({ webpack: batchSizeOr(webpackExports), node: batchSizeOr(nodeLikeNamespace) }).toEqual({
      webpack: 50,
      node: 50,
    });
  });

  it('FAULT: a section given as a module namespace-like object ({ talent: settingsModule }) is merged, not refused', () => {
    const talentModule = Object.defineProperty({ signalBatchSize: 50 }, Symbol.toStringTag, { value: 'Module' });
    expect(batchSizeOr({ talent: talentModule })).toBe(50);
  });

  // CHANGELOG (ecb31a5): "a class instance's fields merge field by field"; docs/getting-started.md:
  // "a `"__proto__"` key ... and a field that cannot be read are refused the same way, naming
  // where" (the `__proto__` key was refused because "the settings under it [were] lost"). A class
  // instance whose settings are accessors (a typed settings class reading the environment), or
  // an object that inherits its sections (`Object.create(shared)`), is now walked by Object.keys:
  // its settings are dropped without a word and the defaults used. Before ecb31a5 such a single
  // layer was handed to Zod whole, which reads getters and inherited fields: 50 was honoured.
  it('FAULT: a class instance whose sections are getters is neither dropped in silence (honoured or refused)', () => {
    class Settings {
      get talent(): { signalBatchSize: number } {
        return { signalBatchSize: 50 };
      }
    }
    const got = batchSizeOr(new Settings());
    expect([50, 'CONFIG_INVALID']).toContain(got);
  });

  it('FAULT: a layer that inherits its sections (Object.create(shared)) is neither dropped in silence', () => {
    const shared = { talent: { signalBatchSize: 50 } };
    const got = batchSizeOr(Object.create(shared));
    expect([50, 'CONFIG_INVALID']).toContain(got);
  });

  // docs/getting-started.md (ecb31a5): "... and a field that cannot be read are refused the same
  // way, naming where". A section whose every read throws (a proxy whose `get` trap throws, as
  // "strict" settings proxies do) is refused, but at "(root)": `isRecord` reads its
  // Symbol.toStringTag outside the per-field try of `merge`, so the error escapes to
  // resolveConfig's catch-all, which names nothing.
  it('FAULT: a section that cannot be read is CONFIG_INVALID naming that section, not the root', () => {
    const unreadable = new Proxy(
      {},
      {
        get() {
          throw new Error('settings are locked');
        },
      },
    );
    let error: { code?: unknown; message?: unknown; details?: unknown } = {};
    try {
      resolveConfig({ scenes: { batchConcurrency: 4 }, talent: unreadable } as never);
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.code).toBe('CONFIG_INVALID');
    expect({ message: error.message, details: error.details }).toEqual({
      message: expect.stringContaining('talent'),
      details: [expect.objectContaining({ path: ['talent'] })],
    });
  });

  it('layers from JSON, structuredClone, another realm, a proxy, frozen layers and null-prototype objects merge field by field', () => {
    const first = { talent: { signalBatchSize: 50 }, scenes: { batchConcurrency: 3 } };
    const later = [
      JSON.parse('{"talent":{"maxArtistsPerQuery":7}}'),
      structuredClone({ talent: { maxArtistsPerQuery: 7 } }),
      vm.runInNewContext('({ talent: { maxArtistsPerQuery: 7 } })'),
      new Proxy({ talent: new Proxy({ maxArtistsPerQuery: 7 }, {}) }, {}),
      Object.freeze({ talent: Object.freeze({ maxArtistsPerQuery: 7 }) }),
      Object.assign(Object.create(null) as object, {
        talent: Object.assign(Object.create(null) as object, { maxArtistsPerQuery: 7 }),
      }),
    ];
    for (const layer of later) {
      const c = resolveConfig(first, layer);
      expect([c.talent.signalBatchSize, c.talent.maxArtistsPerQuery, c.scenes.batchConcurrency]).toEqual([50, 7, 3]);
    }
  });

  it('hostInputs is given whole by a later model; other breakout fields still merge; DEFAULT_CONFIG is frozen all through and resolveConfig() is not', () => {
    const term = { weight: 0.5, center: 1 };
    const c = resolveConfig(
      { talent: { model: { breakout: { intercept: -1, hostInputs: { a: term, b: term } } } } },
      { talent: { model: { breakout: { hostInputs: { b: term } } } } },
    );
    expect(c.talent.model.breakout.hostInputs).toEqual({ b: term });
    expect(c.talent.model.breakout.intercept).toBe(-1);
    expect(Object.isFrozen(DEFAULT_CONFIG.talent.model.sizeBands)).toBe(true);
    expect(Object.isFrozen(DEFAULT_CONFIG.sources.mig)).toBe(true);
    const fresh = resolveConfig();
    fresh.talent.model.sizeBands.reverse();
    fresh.sources.mig.concurrency = 1;
    expect(DEFAULT_CONFIG.talent.model.sizeBands).toEqual([100, 1000, 10_000, 100_000]);
    expect(resolveConfig().sources.mig.concurrency).toBe(10);
  });
});

// ---------------------------------------------------------------------------------------------
// 289cbb3: the refresh-instant guard over the latest trend snapshot
// ---------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const START_MS = Date.parse('2026-05-01T06:00:00.000Z');
const at = (d: number, h = 0): Date => new Date(START_MS + d * DAY_MS + h * 3_600_000);

describe('the refresh instant over the latest trend snapshot (289cbb3)', () => {
  // src/scenes/engine.ts ScenesEngine.refresh: "Another instance may commit a refresh while this
  // one computes: this one is then computed again over it", and at the commit: "Checked again
  // where it is written: another instance may have refreshed meanwhile". 289cbb3 made the last
  // refresh "the live memberships' or the latest trend snapshot's, whichever is later" (a refresh
  // whose membership reads all failed keeps the memberships but writes its snapshots), and "an
  // instant before the last refresh's is refused with SCENES_INVALID_PARAMS, nothing written".
  // The check inside the commit's transaction still reads the memberships alone (`latestAsOf`):
  // instance B starts a refresh as of 03:00, instance A commits a refresh as of 06:00 whose CMG
  // reads all failed (snapshots only), then B commits over it, rewriting A's 06:00 trend rows of
  // the same day with B's earlier instant: the very fault 289cbb3 fixed, by two instances.
  it.each(['memory', 'postgres'] as const)(
    'FAULT: over %s stores, a refresh that computed while another instance committed a later snapshot-only refresh does not write over it',
    async (kind) => {
      const world = createDemoWorld({ artists: 40, end: '2026-06-30' });
      let stores: { scenes: ScenesStores; talent: () => TalentStores; close: () => Promise<void> };
      if (kind === 'memory') {
        const scenes = memoryScenesStores();
        stores = { scenes, talent: () => memoryTalentStores(), close: async () => undefined };
      } else {
        const db = await database();
        const schema = db.schemaName();
        await migrate({ pool: db.pool, schema });
        const pg = createPostgresStores({ connectionString: TEST_DATABASE_URL, max: 3 }, { schema });
        stores = { scenes: pg.scenes, talent: () => pg.talent, close: () => pg.close() };
      }
      const outage = { cmg: false };
      const cmgA: CMGAdapter = {
        ...world.sources.cmg,
        getReleases: async (slugs, options) => {
          if (outage.cmg) throw new Error('CMG is down for maintenance');
          return world.sources.cmg.getReleases(slugs, options);
        },
      };
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let entered: () => void = () => undefined;
      const inside = new Promise<void>((resolve) => {
        entered = resolve;
      });
      let holding = false;
      const migB: MIGAdapter = {
        ...world.sources.mig,
        listArtists: async (query, options) => {
          if (holding) {
            holding = false;
            entered();
            await gate;
          }
          return world.sources.mig.listArtists(query, options);
        },
      };
      const clock = fixedClock(at(0));
      const a = createSceneRadar({
        sources: { ...world.sources, cmg: cmgA },
        clock,
        stores: { scenes: stores.scenes, talent: stores.talent() },
      });
      const b = createSceneRadar({
        sources: { ...world.sources, mig: migB },
        clock,
        stores: { scenes: stores.scenes, talent: stores.talent() },
      });
      try {
        await a.scenes.importCatalog(world.catalog);
        for (let d = 0; d < 3; d++) {
          clock.set(at(d));
          await a.scenes.refresh(at(d));
        }
        clock.set(at(3));
        holding = true;
        // Instance B: as of 2026-05-04T03:00Z (trend day 2026-05-03), its first read held.
        const late = outcome(b.scenes.refresh(at(3, -3)));
        await inside;
        // Instance A: as of 2026-05-04T06:00Z (the same trend day), CMG down: snapshots only.
        outage.cmg = true;
        const snapshotOnly = await a.scenes.refresh(at(3));
        outage.cmg = false;
        expect(snapshotOnly.snapshots).toBeGreaterThan(0);
        const before = await stores.scenes.scene_trends.scan({ where: { day: '2026-05-03' } });
        expect(before.length).toBeGreaterThan(0);
        expect(before.every((r) => r.as_of === at(3).toISOString())).toBe(true);
        // Alone, B's refresh as of 03:00 is now refused (289cbb3): the control for what follows.
        expect(await outcome(a.scenes.checkRefresh(at(3, -3)))).toBe('SCENES_INVALID_PARAMS');
        release();
        const code = await late;
        const after = await stores.scenes.scene_trends.scan({ where: { day: '2026-05-03' } });
        expect({
          code,
          rowsRewrittenAsOfEarlier: after.filter((r) => r.as_of === at(3, -3).toISOString()).length,
        }).toEqual({ code: 'SCENES_INVALID_PARAMS', rowsRewrittenAsOfEarlier: 0 });
      } finally {
        release();
        await Promise.all([a.close(), b.close()]);
        await stores.close();
      }
    },
  );
});

// ---------------------------------------------------------------------------------------------
// ef5e46c: the CLI's handlers before the commands load
// ---------------------------------------------------------------------------------------------

/**
 * Runs src/cli/bin.ts with tests/fixtures/cli/hold-commands.mjs (the commands' load held 800 ms),
 * sends SIGINT when the load begins, and reports how it ended.
 */
function interruptWhileLoading(
  args: readonly string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      join(ROOT, 'tests/fixtures/cli/hold-commands.mjs'),
      join(ROOT, 'src/cli/bin.ts'),
      ...args,
    ],
    { cwd: ROOT, env: { ...process.env, HOLD_MS: '800' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
    if (!sent && stderr.includes('loading commands')) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

describe.runIf(process.platform !== 'win32')('Ctrl-C while the commands load (ef5e46c)', () => {
  // CHANGELOG (ef5e46c): "Ctrl-C or SIGTERM while the command's modules are still loading ...
  // stops it with 130 and `interrupted`, like a later one"; bin.ts: SIGINT and SIGTERM stop "any
  // other command at once (exit 130)". bin.ts aborts its controller during the load, then runs the
  // command anyway once the import lands: `openapi` never looks at the signal, so the Ctrl-C is
  // swallowed, the whole 160 KB document is printed, and the exit code is 0.
  it('FAULT: Ctrl-C while `openapi` loads stops it with 130 and "interrupted", not a whole document and 0', async () => {
    const run = await interruptWhileLoading(['openapi']);
    expect(run.stderr).toContain('loading commands');
    expect({ code: run.code, signal: run.signal, printed: run.stdout.length }).toEqual({
      code: 130,
      signal: null,
      printed: 0,
    });
    expect(run.stderr).toContain('scene-radar openapi: interrupted');
  });
});

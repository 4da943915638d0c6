/**
 * Hostile review 29: observability (logs, progress, stats, channels) against docs/observability.md
 * and docs/operations.md. Each test names the documented promise it holds the code to.
 */
import diagnostics from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadarSources } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { memoryTalentStores } from 'scene-radar/stores';
import type { SceneRadarLogger } from '../../src/core/observe/logger.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 40, end: '2026-11-24' });

type LogRecord = { level: 'info' | 'warn' | 'error'; obj: Record<string, unknown>; msg: string | undefined };

function capture(): { logger: SceneRadarLogger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at =
    (level: LogRecord['level']) =>
    (obj: Record<string, unknown>, msg?: string): void => {
      records.push({ level, obj, msg });
    };
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, records };
}

describe('hostile review 29: log records as docs/observability.md "Logs" lists them', () => {
  it('`trend backfill failed` carries `durationMs`, as the error row of the table says', async () => {
    const { logger, records } = capture();
    let radar!: ReturnType<typeof createSceneRadar>;
    radar = createSceneRadar({
      sources: world.sources,
      clock: fixedClock(NOW),
      logger,
      // The backfill's first progress message closes the radar: the replay then fails mid-way.
      onProgress: (p) => {
        if (p.task === 'backfill') void radar.close();
      },
    });
    await radar.scenes.importCatalog(world.catalog);
    await expect(radar.scenes.backfillTrends({ from: '2026-11-20', to: '2026-11-23' })).rejects.toThrow();
    const failed = records.find((r) => r.level === 'error' && r.msg === 'trend backfill failed');
    expect(failed).toBeDefined();
    expect(failed!.obj).toMatchObject({ task: 'backfill' });
    expect(failed!.obj).toHaveProperty('err');
    // docs: error | `refresh failed`, `... refresh failed`, `trend backfill failed`, `calibration failed` |
    //       `engine` or `task`, `durationMs`, `err`
    expect(typeof failed!.obj.durationMs).toBe('number');
  });

  it('`calibration failed` carries `durationMs`, as the error row of the table says', async () => {
    const { logger, records } = capture();
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW), logger });
    try {
      await radar.scenes.importCatalog(world.catalog);
      // No outcome at all: the fit refuses (too few examples), after the examples were built.
      await expect(radar.talent.calibrate([])).rejects.toThrow();
      // An outcome that is not one: refused while the examples are built.
      await expect(radar.talent.calibrate([{ nope: true } as never])).rejects.toThrow();
      const failed = records.filter((r) => r.level === 'error' && r.msg === 'calibration failed');
      expect(failed).toHaveLength(2);
      for (const r of failed) {
        expect(r.obj).toMatchObject({ task: 'calibrate' });
        expect(r.obj).toHaveProperty('err');
        expect(typeof r.obj.durationMs).toBe('number');
      }
    } finally {
      await radar.close();
    }
  });
});

/** `sources` whose first method call (over every source) waits `ms` of wall time before answering. */
function slowFirstCall(sources: SceneRadarSources, ms: number): SceneRadarSources {
  let first = true;
  const out: Record<string, unknown> = {};
  for (const [name, adapter] of Object.entries(sources)) {
    if (adapter === undefined) continue;
    out[name] = new Proxy(adapter as object, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (first) {
            first = false;
            await new Promise((r) => setTimeout(r, ms));
          }
          return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
        };
      },
    });
  }
  return out as SceneRadarSources;
}

describe('hostile review 29: source call latency (radar.stats().sources, onSourceCall)', () => {
  it('times a source call in wall time, also when the radar runs on a fixed clock (backtests, replays)', async () => {
    const events: number[] = [];
    const radar = createSceneRadar({
      sources: slowFirstCall(world.sources, 60),
      // The documented clock for tests, backtests and replays: it does not move by itself.
      clock: fixedClock(NOW),
      onSourceCall: (e) => events.push(e.durationMs),
    });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.scenes.refresh(NOW);
      const sources = Object.values(radar.stats().sources);
      expect(sources.length).toBeGreaterThan(0);
      // docs/operations.md: `latency` | histogram, from queueing to the end; alert on p95 above
      // half the source's timeout. A call that took 60 ms of wall time must not be recorded as 0 ms.
      const longest = Math.max(...sources.map((s) => s.latency.maxMs));
      expect(longest).toBeGreaterThanOrEqual(50);
      expect(Math.max(...events)).toBeGreaterThanOrEqual(50);
    } finally {
      await radar.close();
    }
  });
});

describe('hostile review 29: the scene-radar:refresh channel', () => {
  // Decided on the doc's side: docs/observability.md now says an engine's own refresh() called
  // directly traces its steps only; radar.refresh() traces each engine's refresh as a whole.
  it("traces an engine's own refresh step by step, and as a whole (phase `all`) only under radar.refresh(), as documented", async () => {
    const starts: { engine: string; phase: string }[] = [];
    const channel = diagnostics.tracingChannel<unknown, { engine: string; phase: string }>('scene-radar:refresh');
    const handlers = {
      start: (c: { engine: string; phase: string }) => starts.push({ engine: c.engine, phase: c.phase }),
      end: () => undefined,
      asyncStart: () => undefined,
      asyncEnd: () => undefined,
      error: () => undefined,
    };
    channel.subscribe(handlers);
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    try {
      await radar.scenes.importCatalog(world.catalog);
      // docs/observability.md "Refresh steps": each engine's refresh is traced as a whole (phase
      // `all`) and step by step, each step inside its engine's `all`; the call's own onProgress
      // list names `radar.scenes.refresh(asOf)` and `radar.talent.refresh(asOf)` as such refreshes.
      await radar.scenes.refresh(NOW);
      await radar.talent.refresh(NOW);
    } finally {
      channel.unsubscribe(handlers);
      await radar.close();
    }
    expect(starts.some((s) => s.engine === 'scenes' && s.phase === 'memberships')).toBe(true);
    expect(starts.some((s) => s.engine === 'talent' && s.phase === 'features')).toBe(true);
    expect(starts.filter((s) => s.phase === 'all')).toEqual([]);
  });
});

describe('hostile review 29: a failing refresh is logged at error', () => {
  it('`Talent Radar refresh failed` when the refresh fails reading its stored state (a store down)', async () => {
    const { logger, records } = capture();
    const down = { state: false };
    const talentStores = memoryTalentStores();
    const stateTable = new Proxy(talentStores.talent_radar_state, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (prop === 'getMany' && down.state) return () => Promise.reject(new Error('state store down'));
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const stores = new Proxy(talentStores, {
      get(target, prop, receiver) {
        if (prop === 'talent_radar_state') return stateTable;
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const radar = createSceneRadar({
      sources: world.sources,
      clock: fixedClock(NOW),
      logger,
      stores: { talent: stores },
    });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.scenes.refresh(NOW);
      down.state = true;
      await expect(radar.talent.refresh(NOW)).rejects.toThrow(/state store down/);
      // docs/observability.md "Logs": error | `... refresh failed` | `engine`, `durationMs`, `err`;
      // createSceneRadar's logger doc: "`error`: a refresh, backfill or calibration that threw".
      const failed = records.filter((r) => r.level === 'error');
      expect(failed.map((r) => r.msg)).toContain('Talent Radar refresh failed');
    } finally {
      await radar.close();
    }
  });
});

describe('hostile review 29: progress messages', () => {
  it("one progress consumer cannot rewrite what the next one (the call's own, the channel) receives", async () => {
    const radar = createSceneRadar({
      sources: world.sources,
      clock: fixedClock(NOW),
      // A radar-wide callback that turns counts into a percentage in place (a careless host).
      onProgress: (p) => {
        const m = p as { done: number; total: number };
        m.done = m.total > 0 ? Math.round((100 * m.done) / m.total) : 100;
        m.total = 100;
      },
    });
    const own: { phase: string; done: number; total: number }[] = [];
    let artists = -1;
    try {
      await radar.scenes.importCatalog(world.catalog);
      ({
        memberships: { artists },
      } = await radar.scenes.refresh(NOW, {
        onProgress: (p) => own.push({ phase: p.phase, done: p.done, total: p.total }),
      }));
    } finally {
      await radar.close();
    }
    const memberships = own.filter((m) => m.phase === 'scenes.memberships');
    expect(memberships.length).toBeGreaterThan(0);
    // docs/observability.md "Progress": `done` of `total` items (artists for `memberships`), each
    // message handed to the radar's callback and to the call's own.
    expect(artists).toBeGreaterThan(0);
    expect(artists).not.toBe(100);
    expect(memberships.at(-1)!.total).toBe(artists);
    expect(memberships.at(-1)!.done).toBe(artists);
  });
});

describe('hostile review 29: a logger that throws', () => {
  it('a logger whose `child` throws when read is ignored (or refused as CONFIG_INVALID), never a raw crash of createSceneRadar', async () => {
    const { logger, records } = capture();
    const hostile = {
      info: logger.info,
      warn: logger.warn,
      error: logger.error,
      get child(): never {
        throw new Error('child getter exploded');
      },
    } as unknown as SceneRadarLogger;
    let radar: ReturnType<typeof createSceneRadar> | undefined;
    let thrown: unknown;
    try {
      radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW), logger: hostile });
    } catch (error) {
      thrown = error;
    }
    if (radar === undefined) {
      // checkRadarOptions's contract: options that cannot be read are CONFIG_INVALID.
      expect((thrown as { code?: unknown }).code).toBe('CONFIG_INVALID');
      return;
    }
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh(NOW);
      expect(records.some((r) => r.msg === 'refresh finished')).toBe(true);
    } finally {
      await radar.close();
    }
  });
});

/**
 * The `logger` option (issue 17): any pino-compatible logger. `info` for the phases of a refresh
 * (started, each engine finished with its steps' durations, finished), `warn` for degradation (a
 * failing source, at most once a minute per kind; a refresh that kept previous data), `error` for
 * failures; silent by default; a logger that throws or rejects never breaks the radar. Tested with
 * a real pino writing to a stream this test reads, and with a plain object.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import type { SceneRadarSources } from '../../src/contracts/sources.js';
import type { CacheStore } from '../../src/core/cache/cache-store.js';
import type { SceneRadarLogger } from '../../src/core/observe/logger.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';

const NOW = '2026-11-25T00:00:00.000Z';

interface PinoRecord {
  level: number;
  msg: string;
  component?: string;
  engine?: string;
  [key: string]: unknown;
}

/** A real pino logger writing JSON lines into `records`. */
function capturedPino(): { logger: ReturnType<typeof pino>; records: PinoRecord[] } {
  const records: PinoRecord[] = [];
  const stream = { write: (line: string) => records.push(JSON.parse(line) as PinoRecord) };
  return { logger: pino({ level: 'info', base: undefined, timestamp: false }, stream), records };
}

const INFO = 30;
const WARN = 40;
const ERROR = 50;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the logger option', () => {
  it('logs the phases of a refresh at info through a real pino, as a child of component scene-radar', async () => {
    const { logger, records } = capturedPino();
    const world = createDemoWorld({ artists: 40, end: '2026-11-24' });
    // pino's Logger is a SceneRadarLogger as it is (this line is the type test).
    const typed: SceneRadarLogger = logger;
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW), logger: typed });
    await radar.scenes.importCatalog(world.catalog);
    const report = await radar.refresh(new Date(NOW));
    const info = records.filter((r) => r.level === INFO);
    expect(info.map((r) => `${r.engine} ${r.msg}`)).toEqual([
      'radar refresh started',
      'scenes Scenes Engine refresh finished',
      'talent Talent Radar refresh finished',
      'radar refresh finished',
    ]);
    for (const r of records) expect(r.component).toBe('scene-radar');
    const talent = info.find((r) => r.engine === 'talent')!;
    expect(talent).toMatchObject({ asOf: NOW, artists: report.talent.artists, scored: report.talent.scored });
    expect(Object.keys(talent.phases as object)).toEqual([
      'universe',
      'features',
      'peers',
      'scoring',
      'heats',
      'write',
    ]);
    expect(info.find((r) => r.engine === 'scenes')!.phases).toHaveProperty('memberships');
    expect(info.at(-1)!.durationMs).toBeGreaterThan(0);
    expect(records.filter((r) => r.level >= WARN)).toEqual([]);
    // No artist in any record.
    const text = JSON.stringify(records);
    for (const slug of world.dataset.artistSlugs()) expect(text).not.toContain(`"${slug}"`);

    // A refresh that throws: error, with the error serialised by pino.
    await expect(radar.refresh(new Date(Number.NaN))).rejects.toThrow();
    const errors = records.filter((r) => r.level === ERROR);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.at(-1)).toMatchObject({ engine: 'radar', asOf: 'invalid', msg: 'refresh failed' });
    expect((errors.at(-1)!.err as { message: string }).message).toMatch(/asOf/);
    await radar.close();
  });

  it('warns of a failing source once a minute per kind, and of a refresh that degraded', async () => {
    const { logger, records } = capturedPino();
    const world = createDemoWorld({ artists: 40, end: '2026-11-24' });
    const sources: SceneRadarSources = {
      ...world.sources,
      rcf: {
        ...world.sources.rcf!,
        getEvents: async () => {
          throw new Error('feed down');
        },
      },
    };
    const calls: string[] = [];
    const radar = createSceneRadar({
      sources,
      clock: fixedClock(NOW),
      logger,
      onSourceCall: (e) => {
        if (e.result !== 'ok') calls.push(`${e.source}.${e.method}`);
      },
    });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(NOW));
    const warns = records.filter((r) => r.level === WARN);
    const sourceWarns = warns.filter((r) => r.msg.startsWith('source call failed'));
    expect(calls.filter((c) => c === 'rcf.getEvents').length).toBeGreaterThan(1);
    expect(sourceWarns).toHaveLength(1);
    expect(sourceWarns[0]).toMatchObject({ source: 'rcf', method: 'getEvents', result: 'threw' });
    const degraded = warns.find((r) => r.engine === 'talent')!;
    expect(degraded.msg).toMatch(/degraded/);
    expect(degraded.failedReads).toMatchObject({ rcf: 40 });
    await radar.close();
  });

  it('warns when the cache store throws (the value computed without it), naming the namespace, never the key', async () => {
    const { logger, records } = capturedPino();
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    const store: CacheStore<unknown> = {
      get: () => {
        throw new Error('store down');
      },
      set: () => undefined,
      delete: () => false,
      clear: () => undefined,
      size: () => undefined,
      close: () => undefined,
    };
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW), logger, cache: { store } });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(NOW));
    const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 5 });
    expect(pulse.summary.totalArtistsTracked).toBe(20);
    const warn = records.find((r) => r.level === WARN && r.event === 'store_error')!;
    expect(warn).toMatchObject({ namespace: 'talent', msg: expect.stringMatching(/^cache store failed/) });
    expect(warn).not.toHaveProperty('key');
    expect((warn.err as { message: string }).message).toBe('store down');
    await radar.close();
  });

  it('takes a plain object with info, warn and error (no child)', async () => {
    const seen: Array<{ level: string; obj: Record<string, unknown>; msg: string | undefined }> = [];
    const logger: SceneRadarLogger = {
      info: (obj, msg) => seen.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => seen.push({ level: 'warn', obj, msg }),
      error: (obj, msg) => seen.push({ level: 'error', obj, msg }),
    };
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW), logger });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(NOW));
    await radar.scenes.backfillTrends({ from: '2026-11-20', to: '2026-11-23' });
    expect(seen.map((s) => `${s.level} ${s.msg}`)).toEqual([
      'info refresh started',
      'info Scenes Engine refresh finished',
      'info Talent Radar refresh finished',
      'info refresh finished',
      'info trend backfill finished',
    ]);
    expect(seen.at(-1)!.obj).toMatchObject({ task: 'backfill', days: 4 });
    expect(seen[0]!.obj).not.toHaveProperty('component');
    await radar.close();
  });

  it('a logger that throws, or rejects, changes nothing; without one nothing is written', async () => {
    const world = createDemoWorld({ artists: 30, end: '2026-11-24' });
    const throwing: SceneRadarLogger = {
      info: () => {
        throw new Error('info broke');
      },
      warn: () => {
        throw new Error('warn broke');
      },
      error: () => {
        throw new Error('error broke');
      },
      child: () => {
        throw new Error('child broke');
      },
    };
    const rejecting = {
      info: async () => Promise.reject(new Error('async info broke')),
      warn: async () => Promise.reject(new Error('async warn broke')),
      error: async () => Promise.reject(new Error('async error broke')),
    } as unknown as SceneRadarLogger;
    const console = [
      vi.spyOn(globalThis.console, 'log'),
      vi.spyOn(globalThis.console, 'info'),
      vi.spyOn(globalThis.console, 'warn'),
      vi.spyOn(globalThis.console, 'error'),
    ];
    const reports: string[] = [];
    for (const logger of [undefined, throwing, rejecting]) {
      const radar = createSceneRadar({
        sources: world.sources,
        clock: fixedClock(NOW),
        ...(logger ? { logger } : {}),
      });
      await radar.scenes.importCatalog(world.catalog);
      const report = await radar.refresh(new Date(NOW));
      await expect(radar.refresh(new Date(Number.NaN))).rejects.toMatchObject({
        code: expect.stringMatching(/VALIDATION/),
      });
      reports.push(JSON.stringify(report, (k, v: unknown) => (k === 'durationMs' ? 0 : v)));
      await radar.close();
    }
    expect(reports[1]).toBe(reports[0]);
    expect(reports[2]).toBe(reports[0]);
    // Silent by default (and the broken loggers never fell back to the console).
    for (const spy of console) expect(spy).not.toHaveBeenCalled();
  });
});

/**
 * Regressions for the defects a review of the Talent Radar found: a MIG cursor that never ends,
 * a refresh during an activity outage, invalid breakout models and calibration penalties, and
 * concurrent first calls on a cold radar.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type MIGAdapter, type SceneRadarSources } from 'scene-radar';
import { fitBreakoutModel } from '../../src/talent/calibrate.js';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 120, end: '2026-11-24' });

describe('review regressions', () => {
  it('a MIG cursor that comes back ends the walk as an error instead of looping', async () => {
    const base = world.sources.mig;
    const mig: MIGAdapter = {
      ...base,
      listArtists: async (_q, o) => ({ items: (await base.listArtists({ limit: 1 }, o)).items, nextCursor: 'again' }),
    };
    const radar = createSceneRadar({ sources: { ...world.sources, mig }, clock: fixedClock(NOW) });
    const report = await radar.talent.refresh(NOW);
    expect(report.universe).toBe('error');
    expect(report.scored).toBe(0);
    await radar.close();
  });

  it('a refresh while Fusion and RCF fail keeps the rows and the peers of the previous refresh', async () => {
    let down = false;
    const fail = <T extends object>(adapter: T): T =>
      Object.fromEntries(
        Object.entries(adapter).map(([k, v]) => [
          k,
          typeof v === 'function'
            ? (...a: unknown[]) =>
                down ? Promise.reject(new Error('down')) : (v as (...x: unknown[]) => unknown)(...a)
            : v,
        ]),
      ) as T;
    const sources: SceneRadarSources = {
      ...world.sources,
      fusion: fail(world.sources.fusion),
      rcf: fail(world.sources.rcf),
    };
    const radar = createSceneRadar({ sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(NOW);
    const peers = radar.talent.peers;
    const before = await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 100 });
    down = true;
    const report = await radar.talent.refresh(NOW);
    expect(report.scored).toBe(0);
    expect(report.kept).toBe(report.artists);
    expect(radar.talent.peers).toBe(peers);
    const after = await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 100, skipCache: true });
    expect(after.artists.map((a) => a.artist_slug)).toEqual(before.artists.map((a) => a.artist_slug));
    await radar.close();
  });

  it('rejects an invalid breakout model or penalty with TALENT_VALIDATION_ERROR and keeps the model in use', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    const model = radar.talent.breakoutModel();
    const refused = expect.objectContaining({ code: 'TALENT_VALIDATION_ERROR' });
    await expect(radar.talent.setBreakoutModel({ ...model, intercept: '2' as unknown as number })).rejects.toEqual(
      refused,
    );
    await expect(
      radar.talent.setBreakoutModel({
        ...model,
        inputs: { ...model.inputs, level_now: { weight: Number.POSITIVE_INFINITY, center: 0 } },
      }),
    ).rejects.toEqual(refused);
    await expect(
      radar.talent.setBreakoutModel({ ...model, hostInputs: { 'Bad Name': { weight: 1, center: 0 } } }),
    ).rejects.toEqual(refused);
    await expect(radar.talent.setBreakoutModel(null as never)).rejects.toEqual(refused);
    expect(await radar.talent.appliedBreakoutModel()).toBeNull();
    expect(radar.talent.breakoutModel()).toEqual(model);
    const examples = Array.from({ length: 20 }, (_, i) => ({
      inputs: { level_now: i / 20 },
      label: i % 3 === 0,
      time: i,
    }));
    expect(() => fitBreakoutModel(examples, { l2: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'TALENT_VALIDATION_ERROR' }),
    );
    expect(() => fitBreakoutModel(examples, { l2: -5 })).toThrow(
      expect.objectContaining({ code: 'TALENT_VALIDATION_ERROR' }),
    );
    await radar.close();
  });

  it('concurrent first calls on a cold radar share one refresh (one universe walk)', async () => {
    let walks = 0;
    const base = world.sources.mig;
    const mig: MIGAdapter = {
      ...base,
      listArtists: (q, o) => {
        if (!q.cursor) walks++;
        return base.listArtists(q, o);
      },
    };
    const radar = createSceneRadar({ sources: { ...world.sources, mig }, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    const [a, b, c] = await Promise.all([
      radar.talent.aggregator.buildGlobalPulse({ limit: 10 }),
      radar.talent.aggregator.buildGlobalPulse({ limit: 20 }),
      radar.talent.aggregator.getTopArtists({ category: 'risk' }),
    ]);
    expect(walks).toBe(1);
    expect(a.summary.totalArtistsTracked).toBe(b.summary.totalArtistsTracked);
    expect(c.meta.degraded).toEqual([]);
    await radar.close();
  });
});

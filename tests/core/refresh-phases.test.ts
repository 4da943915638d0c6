/**
 * The steps of a refresh on the `scene-radar:refresh` tracing channel (issue 17): besides phase
 * `all` per engine, each step of the Scenes Engine (`memberships`, `relationships`, `trends`,
 * `commit`) and of the Talent Radar (`universe`, `features`, `peers`, `scoring`, `heats`, `write`)
 * is traced with the documented payload, inside its engine's `all` in time, and counted in
 * `radar.stats().refresh` as `engine.step`.
 */
import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { CHANNEL_NAMES, type RefreshContext } from '../../src/core/observe/channels.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';

const NOW = '2026-11-25T00:00:00.000Z';
const SCENES_STEPS = ['memberships', 'relationships', 'trends', 'commit'];
const TALENT_STEPS = ['universe', 'features', 'peers', 'scoring', 'heats', 'write'];

interface Seen {
  readonly at: 'start' | 'end' | 'error';
  readonly context: RefreshContext;
}

const offs: Array<() => void> = [];
afterEach(() => {
  for (const off of offs.splice(0)) off();
});

function listen(): Seen[] {
  const seen: Seen[] = [];
  const channel = diagnostics.tracingChannel<unknown, RefreshContext>(CHANNEL_NAMES.refresh);
  const handlers = {
    start: (c: RefreshContext) => seen.push({ at: 'start', context: c }),
    end: () => undefined,
    asyncStart: () => undefined,
    asyncEnd: (c: RefreshContext) => seen.push({ at: 'end', context: { ...c } }),
    error: (c: RefreshContext) => seen.push({ at: 'error', context: { ...c } }),
  };
  channel.subscribe(handlers);
  offs.push(() => channel.unsubscribe(handlers));
  return seen;
}

describe('refresh steps on the refresh channel', () => {
  it('traces every step of both engines with engine, phase, asOf, durationMs and artists, nested in its engine', async () => {
    const seen = listen();
    const world = createDemoWorld({ artists: 50, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    const report = await radar.refresh(new Date(NOW));

    const starts = seen.filter((s) => s.at === 'start').map((s) => `${s.context.engine}.${s.context.phase}`);
    expect(starts).toEqual([
      'radar.all',
      'scenes.all',
      ...SCENES_STEPS.map((p) => `scenes.${p}`),
      'talent.all',
      ...TALENT_STEPS.map((p) => `talent.${p}`),
    ]);
    const ends = seen.filter((s) => s.at === 'end');
    const order = ends.map((s) => `${s.context.engine}.${s.context.phase}`);
    // Each engine's steps end before the engine does; the radar ends last.
    expect(order.indexOf('scenes.commit')).toBeLessThan(order.indexOf('scenes.all'));
    expect(order.indexOf('talent.write')).toBeLessThan(order.indexOf('talent.all'));
    expect(order.at(-1)).toBe('radar.all');
    expect(seen.filter((s) => s.at === 'error')).toEqual([]);

    const end = (engine: string, phase: string): RefreshContext =>
      ends.find((s) => s.context.engine === engine && s.context.phase === phase)!.context;
    for (const s of ends) {
      const keys = Object.keys(s.context)
        .filter((k) => k !== 'result')
        .sort();
      expect(keys.filter((k) => k !== 'artists')).toEqual(['asOf', 'durationMs', 'engine', 'phase']);
      expect(s.context.asOf).toBe(NOW);
      expect(s.context.durationMs).toBeGreaterThanOrEqual(0);
      expect(s.context).not.toHaveProperty('result', expect.anything());
    }
    // The steps take no longer than their engine.
    const scenesSteps = SCENES_STEPS.reduce((a, p) => a + end('scenes', p).durationMs!, 0);
    expect(scenesSteps).toBeLessThanOrEqual(end('scenes', 'all').durationMs! + 1);
    expect(end('scenes', 'memberships').artists).toBe(report.scenes.memberships.artists);
    expect(end('talent', 'universe').artists).toBe(report.talent.artists);
    expect(end('talent', 'features').artists).toBe(report.talent.artists);
    expect(end('talent', 'scoring').artists).toBe(report.talent.artists);
    expect(end('talent', 'write').artists).toBe(report.talent.scored);
    expect(end('scenes', 'relationships')).not.toHaveProperty('artists');

    // Counted in stats() as engine.step, beside the engines.
    const { refresh } = radar.stats();
    expect(Object.keys(refresh).sort()).toEqual(
      [
        'radar',
        'scenes',
        'talent',
        ...SCENES_STEPS.map((p) => `scenes.${p}`),
        ...TALENT_STEPS.map((p) => `talent.${p}`),
      ].sort(),
    );
    for (const p of [...SCENES_STEPS.map((x) => `scenes.${x}`), ...TALENT_STEPS.map((x) => `talent.${x}`)])
      expect(refresh[p]).toMatchObject({ count: 1, failed: 0 });

    const published = JSON.stringify(ends.map((s) => s.context));
    for (const slug of world.dataset.artistSlugs()) expect(published).not.toContain(`"${slug}"`);
    await radar.close();
  });

  it('a step that throws is traced as an error and counted as failed', async () => {
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    // The heats step (scene heat for the roll-ups): make it throw.
    const original = radar.talent.aggregator.sceneHeats.bind(radar.talent.aggregator);
    radar.talent.aggregator.sceneHeats = async () => {
      throw new Error('heats down');
    };
    const seen = listen();
    await expect(radar.talent.refresh(new Date(NOW))).rejects.toThrow('heats down');
    const errors = seen.filter((s) => s.at === 'error').map((s) => `${s.context.engine}.${s.context.phase}`);
    expect(errors).toEqual(['talent.heats']);
    expect(radar.stats().refresh['talent.heats']).toMatchObject({ count: 1, failed: 1 });
    expect(radar.stats().refresh['talent.write']).toBeUndefined();
    radar.talent.aggregator.sceneHeats = original;
    await radar.close();
  });
});

import diagnostics from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SourceCallEvent } from '../../src/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { SOURCE_NAMES } from '../../src/contracts/sources.js';
import { CHANNEL_NAMES, type RefreshContext, type SourceCallContext } from '../../src/core/observe/channels.js';

const NOW = '2026-11-25T00:00:00.000Z';
const RESULTS = ['ok', 'timeout', 'deadline', 'threw', 'invalid_payload', 'aborted'];

type Events<C> = { start: C[]; asyncEnd: C[]; error: C[] };
/** Subscribes to a tracing channel by its documented name and collects its contexts by event. */
function listen<C extends object>(name: string): { events: Events<C>; off: () => void } {
  const channel = diagnostics.tracingChannel<unknown, C>(name);
  const events: Events<C> = { start: [], asyncEnd: [], error: [] };
  const handlers = {
    start: (c: C) => events.start.push(c),
    end: () => undefined,
    asyncStart: () => undefined,
    asyncEnd: (c: C) => events.asyncEnd.push(c),
    error: (c: C) => events.error.push(c),
  };
  channel.subscribe(handlers);
  return { events, off: () => channel.unsubscribe(handlers) };
}

const offs: Array<() => void> = [];
afterEach(() => {
  for (const off of offs.splice(0)) off();
});

describe('diagnostics channels', () => {
  it('trace every source call and each refresh with the documented payloads, and no ids', async () => {
    const calls = listen<SourceCallContext>(CHANNEL_NAMES.sourceCall);
    const refreshes = listen<RefreshContext>(CHANNEL_NAMES.refresh);
    offs.push(calls.off, refreshes.off);
    const world = createDemoWorld({ artists: 60, end: '2026-11-24' });
    const hooked: SourceCallEvent[] = [];
    const radar = createSceneRadar({
      sources: world.sources,
      clock: fixedClock(NOW),
      onSourceCall: (e) => hooked.push(e),
    });
    await radar.scenes.importCatalog(world.catalog);
    const report = await radar.refresh(new Date(NOW));

    // One traced call per source call, each started and settled, with its end fields filled in.
    expect(calls.events.start.length).toBe(hooked.length);
    expect(calls.events.asyncEnd.length).toBe(hooked.length);
    expect(hooked.length).toBeGreaterThan(10);
    for (const c of calls.events.asyncEnd) {
      // Node adds `result` (the traced promise's value) to the context; ours is `outcome`.
      expect(
        Object.keys(c)
          .filter((k) => k !== 'result')
          .sort(),
      ).toEqual(['durationMs', 'keys', 'method', 'outcome', 'source']);
      expect(SOURCE_NAMES).toContain(c.source);
      expect(RESULTS).toContain(c.outcome);
      expect(c.keys).toBeGreaterThan(0);
      expect(c.durationMs).toBeGreaterThanOrEqual(0);
    }
    // The same calls the host hook saw, by source.method.
    const tally = (xs: Array<{ source: string; method: string }>) =>
      xs.reduce<Record<string, number>>((m, x) => {
        const k = `${x.source}.${x.method}`;
        m[k] = (m[k] ?? 0) + 1;
        return m;
      }, {});
    expect(tally(calls.events.asyncEnd)).toEqual(tally(hooked));

    // The radar's refresh, then each engine's, nested in time, with durations and artists.
    expect(refreshes.events.start.map((c) => c.engine)).toEqual(['radar', 'scenes', 'talent']);
    expect(refreshes.events.asyncEnd.map((c) => c.engine)).toEqual(['scenes', 'talent', 'radar']);
    const byEngine = Object.fromEntries(refreshes.events.asyncEnd.map((c) => [c.engine, c]));
    expect(byEngine.talent).toMatchObject({ phase: 'all', asOf: NOW, artists: report.talent.artists });
    expect(byEngine.radar!.durationMs!).toBeGreaterThanOrEqual(byEngine.talent!.durationMs!);
    expect(refreshes.events.error).toEqual([]);

    // No artist or scene id in anything published.
    for (const c of refreshes.events.asyncEnd) expect(c).not.toHaveProperty('result', expect.anything());
    const published = JSON.stringify([calls.events.asyncEnd, refreshes.events.asyncEnd]);
    for (const slug of world.dataset.artistSlugs()) expect(published).not.toContain(`"${slug}"`);
    for (const scene of world.catalog.scenes) expect(published).not.toContain(scene.slug);
    await radar.close();
  });

  it('count source calls and refreshes in stats(), the same as the hook and the channels saw', async () => {
    const world = createDemoWorld({ artists: 40, end: '2026-11-24' });
    const hooked: SourceCallEvent[] = [];
    const radar = createSceneRadar({
      sources: world.sources,
      clock: fixedClock(NOW),
      onSourceCall: (e) => hooked.push(e),
    });
    expect(radar.stats().sources).toEqual({});
    expect(radar.stats().refresh).toEqual({});
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(NOW));
    const { sources, refresh } = radar.stats();
    for (const [name, s] of Object.entries(sources)) {
      const mine = hooked.filter((e) => `${e.source}.${e.method}` === name);
      expect(s.calls).toBe(mine.length);
      expect(s.keys).toBe(mine.reduce((a, e) => a + e.keys, 0));
      expect(Object.values(s.results).reduce((a, b) => a + b, 0)).toBe(s.calls);
      expect(s.latency.count).toBe(s.calls);
      expect(s.latency.counts.reduce((a, b) => a + b, 0)).toBe(s.calls);
      expect(s.latency.counts.length).toBe(s.latency.boundsMs.length + 1);
      expect(s.latency.sumMs).toBeCloseTo(
        mine.reduce((a, e) => a + e.durationMs, 0),
        6,
      );
    }
    expect(Object.values(sources).reduce((a, s) => a + s.calls, 0)).toBe(hooked.length);
    expect(Object.keys(refresh)).toEqual(['radar', 'scenes', 'talent']);
    for (const r of Object.values(refresh)) expect(r).toMatchObject({ count: 1, failed: 0 });
    expect(refresh.radar!.lastMs!).toBeGreaterThan(0);

    // A refresh that is refused counts as failed, and the channel says so.
    const refreshes = listen<RefreshContext>(CHANNEL_NAMES.refresh);
    offs.push(refreshes.off);
    await expect(radar.refresh(new Date(Number.NaN))).rejects.toMatchObject({
      code: expect.stringMatching(/VALIDATION/),
    });
    expect(radar.stats().refresh.radar).toMatchObject({ count: 2, failed: 1 });
    expect(refreshes.events.error.map((c) => c.engine)).toContain('radar');
    expect(refreshes.events.start[0]!.asOf).toBe('invalid');
    await radar.close();
  });

  it('a host hook that throws still lets stats count the call', async () => {
    const world = createDemoWorld({ artists: 20, end: '2026-11-24' });
    const radar = createSceneRadar({
      sources: world.sources,
      clock: fixedClock(NOW),
      onSourceCall: () => {
        throw new Error('hook broke');
      },
    });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(new Date(NOW));
    expect(Object.values(radar.stats().sources).reduce((a, s) => a + s.calls, 0)).toBeGreaterThan(0);
    await radar.close();
  });
});

/**
 * A refresh and a trend backfill over in-process sources never wait on I/O: without a pause they
 * held the event loop for their whole run (a 3,000-artist refresh: 6.3 s without one timer firing),
 * stalling a host's HTTP server in the same process. They now let the loop run between slices of
 * work (core/yield.ts). Counted in turns of a 1 ms interval, not in time: at least one turn per
 * second of work (a lenient floor: the demo world's own source calls take up to a few hundred ms
 * each), where before there was none at all.
 */
import { describe, expect, it, vi } from 'vitest';
import { createSceneRadar, fixedClock } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';

async function turnsDuring(work: () => Promise<unknown>): Promise<{ turns: number; ms: number }> {
  let turns = 0;
  const timer = setInterval(() => turns++, 1);
  const t0 = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return { turns, ms: performance.now() - t0 };
}

describe('long jobs let the event loop run', () => {
  it('a refresh and a trend backfill over in-memory sources let timers fire while they work', async () => {
    const world = createDemoWorld({ seed: 5, artists: 600, scenes: 6, end: '2026-11-24' });
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00.000Z') });
    await radar.scenes.importCatalog(world.catalog);
    const refresh = await turnsDuring(() => radar.refresh());
    expect(refresh.turns).toBeGreaterThan(0);
    expect(refresh.turns).toBeGreaterThanOrEqual(Math.floor(refresh.ms / 1000));
    const backfill = await turnsDuring(() => radar.scenes.backfillTrends({ from: '2026-11-21', to: '2026-11-24' }));
    expect(backfill.turns).toBeGreaterThan(0);
    expect(backfill.turns).toBeGreaterThanOrEqual(Math.floor(backfill.ms / 1000));
    await radar.close();
  }, 60_000);

  it('under fake timers (the clock frozen far from the real one) a refresh still completes', async () => {
    const world = createDemoWorld({ seed: 5, artists: 200, scenes: 4, end: '2026-11-24' });
    vi.useFakeTimers({ now: new Date('2031-01-01T00:00:00.000Z') });
    try {
      const radar = createSceneRadar({ sources: world.sources, clock: fixedClock('2026-11-25T00:00:00.000Z') });
      await radar.scenes.importCatalog(world.catalog);
      const report = await radar.refresh();
      expect(report.talent.scored).toBeGreaterThan(0);
      await radar.close();
    } finally {
      vi.useRealTimers();
    }
  }, 60_000);
});

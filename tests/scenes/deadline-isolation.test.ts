/**
 * Callers whose scenes are computed together (one tick) each keep their own deadline: a short one
 * does not cut a long one short, and a long one does not make a short one wait.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSceneRadar, isSceneRadarError } from 'scene-radar';
import { memoryScenesStores, type ScenesStores } from 'scene-radar/stores';
import { createDemoWorld, createMemorySources } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 300, end: '2026-11-24' });
const [A, B] = ['indie-uk-brighton', 'rap-uk-london'];
let stores: ScenesStores;

beforeAll(async () => {
  stores = memoryScenesStores();
  const r = createSceneRadar({
    sources: world.sources,
    stores: { scenes: stores },
    clock: { now: () => NOW.getTime() },
  });
  await r.scenes.importCatalog(world.catalog);
  await r.refresh();
  await r.close();
});
beforeEach(() => vi.useFakeTimers({ now: NOW }));
afterEach(() => vi.useRealTimers());

const slowRadar = () =>
  createSceneRadar({
    sources: createMemorySources(world.dataset, { latencyMs: 400 }),
    stores: { scenes: stores },
    config: { scenes: { scenePulseTimeoutMs: 150, globalPulseTimeoutMs: 5000 } },
  });

describe('deadlines of coalesced callers', () => {
  for (const order of ['batch first', 'single first'] as const) {
    it(`${order}: the single pulse times out at its 150 ms, the batch still finishes`, async () => {
      const radar = slowRadar();
      const t0 = Date.now();
      let singleAt = -1;
      let batchAt = -1;
      const single = () =>
        radar.scenes.pulse.getScenePulse(B, true).then(
          () => 'ok',
          (e: unknown) => {
            singleAt = Date.now() - t0;
            return isSceneRadarError(e) ? e.code : 'other';
          },
        );
      const batch = () =>
        radar.scenes.pulse.batchProcessScenes([A], { skipCache: true }).then((items) => {
          batchAt = Date.now() - t0;
          return items.map((i) => i.status);
        });
      // Both calls start in the same tick, in the order named.
      let s: Promise<string>;
      let b: Promise<string[]>;
      if (order === 'batch first') {
        b = batch();
        s = single();
      } else {
        s = single();
        b = batch();
      }
      await vi.advanceTimersByTimeAsync(2000);
      const [singleResult, batchResult] = await Promise.all([s, b]);
      expect(singleResult).toBe('SCENES_TIMEOUT');
      expect(singleAt).toBeLessThan(400);
      expect(batchResult).toEqual(['ok']);
      expect(batchAt).toBeGreaterThanOrEqual(400);
      await radar.close();
    });
  }
});

describe('the ScenesAdapter honours its caller signal', () => {
  it('aborting ends the work, not only the wait', async () => {
    const radar = createSceneRadar({
      sources: createMemorySources(world.dataset, { latencyMs: 300 }),
      stores: { scenes: stores },
      clock: { now: () => NOW.getTime() },
    });
    const controller = new AbortController();
    let settledAt = -1;
    const t0 = Date.now();
    const read = radar.scenesAdapter
      .getScenePulses([A, B], { asOf: new Date(NOW.getTime() - 86_400_000), signal: controller.signal })
      .then(
        () => 'resolved',
        () => {
          settledAt = Date.now() - t0;
          return 'rejected';
        },
      );
    await vi.advanceTimersByTimeAsync(50);
    controller.abort();
    await vi.advanceTimersByTimeAsync(100);
    expect(await Promise.race([read, Promise.resolve('pending')])).toBe('rejected');
    expect(settledAt).toBeLessThan(300);
    await radar.close();
  });
});

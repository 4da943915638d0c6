/**
 * The engines' cached results are shared by every caller in the process (the HTTP kit, the
 * read-only facade, the host's own code): they are handed out frozen, so one caller's edit can
 * never change what the next caller reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { Cache } from '../../src/core/cache/cache.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
let radar: SceneRadar;
let scene: string;

beforeAll(async () => {
  const world = createDemoWorld({ artists: 60, end: '2026-11-24' });
  radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
  await radar.scenes.importCatalog(world.catalog);
  await radar.refresh(NOW);
  scene = world.catalog.scenes[0]!.slug;
});
afterAll(() => radar.close());

describe('cached results are frozen', () => {
  it("one caller's edit of the Talent pulse throws and leaves the read-only facade's answer as it was", async () => {
    const mine = await radar.talent.aggregator.buildGlobalPulse({ limit: 5 });
    const tracked = mine.summary.totalArtistsTracked;
    const first = mine.topRisingArtists[0]!;
    expect(Object.isFrozen(mine)).toBe(true);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      (mine.summary as { totalArtistsTracked: number }).totalArtistsTracked = -1;
    }).toThrow(TypeError);
    expect(() => {
      (first as { momentum: number }).momentum = 0;
    }).toThrow(TypeError);
    const theirs = await radar.readOnly.getGlobalPulse({ limit: 5 });
    expect(theirs.summary.totalArtistsTracked).toBe(tracked);
    expect(theirs.topRisingArtists[0]!.momentum).toBe(first.momentum);
  });

  it('scene pulses, profiles and top lists are frozen too', async () => {
    const pulse = await radar.scenes.pulse.getScenePulse(scene);
    expect(Object.isFrozen(pulse)).toBe(true);
    expect(() => (pulse as { heat: number }).heat++).toThrow(TypeError);
    const top = await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 3 });
    expect(Object.isFrozen(top.artists)).toBe(true);
    expect(() => (top.artists as unknown[]).push({})).toThrow(TypeError);
    const profile = await radar.talent.aggregator.buildArtistProfile(top.artists[0]!.artist_slug);
    expect(Object.isFrozen(profile.artist)).toBe(true);
  });

  it('a cache without freezeValues hands out the value as it is; with it, a typed array inside is left alone', async () => {
    const plain = new Cache<{ n: number[] }>({ ttlMs: 60_000 });
    expect(Object.isFrozen(await plain.getOrCompute('k', async () => ({ n: [1] })))).toBe(false);
    const frozen = new Cache<{ n: number[]; t: Float64Array }>({ ttlMs: 60_000, freezeValues: true });
    const v = await frozen.getOrCompute('k', async () => ({ n: [1], t: new Float64Array(2) }));
    expect(Object.isFrozen(v) && Object.isFrozen(v.n)).toBe(true);
    v.t[0] = 3;
    expect(v.t[0]).toBe(3);
    expect(await frozen.getOrCompute('k', async () => ({ n: [2], t: new Float64Array(2) }))).toBe(v);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSceneRadar, SDK_VERSION } from 'scene-radar';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { lruCacheStore } from '../../src/core/cache/cache-store.js';
import { CLI_VERSION } from '../../src/cli/index.js';

describe('SDK_VERSION', () => {
  it("is package.json's version, and what the CLI prints", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(SDK_VERSION).toBe(pkg.version);
    expect(CLI_VERSION).toBe(SDK_VERSION);
  });

  it("keys every value the radar puts in the host's shared store, so another version never reads it", async () => {
    const world = createDemoWorld({ artists: 40, end: '2026-03-01' });
    const store = lruCacheStore<unknown>({ maxEntries: 1000 });
    const keys: string[] = [];
    const set = store.set.bind(store);
    store.set = (key, entry) => {
      keys.push(key);
      return set(key, entry);
    };
    const radar = createSceneRadar({ sources: world.sources, cache: { store } });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh(new Date('2026-03-02T00:00:00Z'));
      const scene = world.catalog.scenes[0]!.slug;
      await radar.scenes.pulse.getScenePulse(scene);
      await radar.talent.aggregator.buildGlobalPulse();
    } finally {
      await radar.close();
    }
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.some((k) => k.startsWith(`scenes@${SDK_VERSION}:`))).toBe(true);
    expect(keys.some((k) => k.startsWith(`talent@${SDK_VERSION}:`))).toBe(true);
    expect(keys.filter((k) => !/^(scenes|talent)@/.test(k))).toEqual([]);
  });
});

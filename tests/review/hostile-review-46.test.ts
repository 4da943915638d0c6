/**
 * Hostile review 46: the Scenes Engine beyond the pulse (relationships, recommendations and their
 * cache, trends and backfill, refresh pulses).
 *
 * Contract (docs/scenes.md, "Catalog"): "An import adds or updates rows; it never removes a scene.
 * Once it lands, cached pulses (scene, regional, global), replays and stored recommendations, all
 * computed over the previous catalog, are dropped." The TSDoc of ScenesEngine.importCatalog says
 * the same: "stored recommendations computed over the previous catalog are dropped: a renamed
 * scene, or one moved to another region, is not served as it was."
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadarSources } from '../../src/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { memoryScenesStores } from '../../src/stores/memory-table.js';
import type { ScenesStores } from '../../src/stores/specs.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');

/** A promise and the function that settles it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/** Rejects after `ms` so a wrong interleaving fails the test instead of hanging it. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)),
  ]);
}

describe('recommendScenes and a catalog import that lands while it computes', () => {
  it('a recommendation computed over the previous catalog is not stored and served after the import landed', async () => {
    const world = createDemoWorld({ artists: 60, end: '2026-11-24' });
    const stores = memoryScenesStores();

    // MIG's getArtists can be held (the artist's own record read of an artist recommendation).
    let migHold: Promise<void> | null = null;
    const migReached = gate();
    const mig = world.sources.mig!;
    const sources: SceneRadarSources = {
      ...world.sources,
      mig: new Proxy(mig, {
        get(target, prop, receiver) {
          const value: unknown = Reflect.get(target, prop, receiver);
          if (typeof value !== 'function') return value;
          if (prop !== 'getArtists') return (value as (...a: unknown[]) => unknown).bind(target);
          return async (...args: unknown[]) => {
            if (migHold) {
              migReached.open();
              await migHold;
            }
            return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
          };
        },
      }),
    };
    // The import's read of the stored microgenres (before it writes) can be held.
    let importHold: Promise<void> | null = null;
    const microgenres = stores.microgenres;
    const gated = {
      ...stores,
      microgenres: new Proxy(microgenres, {
        get(target, prop, receiver) {
          const value: unknown = Reflect.get(target, prop, receiver);
          if (typeof value !== 'function') return value;
          if (prop !== 'getMany') return (value as (...a: unknown[]) => unknown).bind(target);
          return async (...args: unknown[]) => {
            if (importHold) await importHold;
            return Reflect.apply(value as (...a: unknown[]) => unknown, target, args);
          };
        },
      }),
    } as ScenesStores;

    const radar = createSceneRadar({ sources, stores: { scenes: gated }, clock: fixedClock(NOW) });
    try {
      await radar.scenes.importCatalog(world.catalog);
      await radar.refresh();

      // An artist placed in a scene's own city: its recommendation says "place: based in <city>".
      const strongest = await stores.scene_memberships.scan({
        orderBy: { column: 'confidence', direction: 'desc' },
        limit: 200,
      });
      const member = strongest.find((m) => m.place === 1);
      expect(member).toBeDefined();
      const scene = (await stores.scenes.get({ slug: member!.scene_slug }))!;
      expect(scene.city).toBeTruthy();
      const oldPlace = `place: based in ${scene.city}`;

      // The scene moves to another city in a re-import (same slug, same region).
      const moved = {
        scenes: world.catalog.scenes.map((s) => (s.slug === scene.slug ? { ...s, city: 'somewhere-else' } : s)),
        microgenres: world.catalog.microgenres,
      };

      const importGate = gate();
      const migGate = gate();
      importHold = importGate.promise;
      migHold = migGate.promise;
      // The import is called first; the recommendation starts while the import has not written yet,
      // reads the (old) catalog, then waits on the artist's MIG record.
      const imported = radar.scenes.importCatalog(moved);
      const computing = radar.scenes.recommendScenes({ artistSlug: member!.artist_slug });
      await within(migReached.promise, 5_000, 'the recommendation to read MIG');
      // The import lands (catalog written, stored recommendations dropped)...
      importHold = null;
      importGate.open();
      await within(imported, 5_000, 'the import');
      // ...and only then does the recommendation computed over the old catalog finish.
      migHold = null;
      migGate.open();
      await within(computing, 5_000, 'the recommendation');

      expect((await stores.scenes.get({ slug: scene.slug }))!.city).toBe('somewhere-else');
      // Asked after the import landed: nothing computed over the previous catalog may be served.
      const after = await radar.scenes.recommendScenes({ artistSlug: member!.artist_slug });
      const item = after.items.find((i) => i.scene_slug === scene.slug);
      // The moved scene is no longer in the artist's city: a reason naming the old city (and the
      // fit it carried) can only come from a ranking computed over the previous catalog.
      expect(
        item?.reasons ?? [],
        `${scene.slug} moved to somewhere-else, yet served (stored: ${after.stored}): ${JSON.stringify(item)}`,
      ).not.toContain(oldPlace);
    } finally {
      await radar.close();
    }
  }, 20_000);
});

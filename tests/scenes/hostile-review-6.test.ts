/**
 * Hostile review 6 of the Scenes Engine, on the demo world and the in-memory tables. Faults: a
 * regional pulse that ranks only the region's first `scenes.maxScenesPerQuery` scenes by slug; a
 * refresh whose relationship pass holds the event loop for its whole O(scenes^2) pair loop; stored
 * recommendations written by a call that was computing while an import or a refresh landed (then
 * served `stored: true` over the previous catalog or memberships); a refresh that throws a bare
 * TypeError when valid 128-character microgenre slugs make a membership reason pass 512 characters;
 * `ScenesAdapter.getMemberships` cut to an artist's 64 strongest memberships; and a scene whose
 * import straddled a refresh commit served as a known empty scene. The `guard` tests pin behaviour
 * checked to be right today.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type CMGAdapter, type FusionAdapter } from 'scene-radar';
import { memoryScenesStores, type ScenesStores } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 60, end: '2026-11-24' });
const SCENE = world.catalog.scenes[0]!;

/** A promise to hold a source call on, and the callbacks to see it held and to let it go. */
function gate(): { held: Promise<void>; entered: Promise<void>; enter(): void; open(): void } {
  let open!: () => void;
  let enter!: () => void;
  const held = new Promise<void>((r) => (open = r));
  const entered = new Promise<void>((r) => (enter = r));
  return { held, entered, enter, open };
}

/** `slugs` ranked by heat (a pulse of each, asked in pages of at most `page`), hottest first. */
async function byHeat(
  radar: ReturnType<typeof createSceneRadar>,
  slugs: readonly string[],
  page: number,
): Promise<{ slug: string; heat: number }[]> {
  const all: { slug: string; heat: number }[] = [];
  for (let i = 0; i < slugs.length; i += page) {
    for (const item of await radar.scenes.pulse.batchProcessScenes(slugs.slice(i, i + page))) {
      expect(item.pulse).toBeDefined();
      all.push({ slug: item.slug, heat: item.pulse!.heat });
    }
  }
  return all.sort((a, b) => b.heat - a.heat);
}

describe('getRegionalPulse over a region with more scenes than scenes.maxScenesPerQuery', () => {
  it('ranks every scene of the region, not only its first 100 by slug', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    // 100 valid scenes of the region whose slugs sort first: no microgenres, no city (heat 0).
    const fillers = Array.from({ length: 100 }, (_, i) => ({
      slug: `aaa-filler-${i}`,
      name: `Filler ${i}`,
      region: SCENE.region,
      city: null,
      microgenres: [],
    }));
    await radar.scenes.importCatalog({
      scenes: [...world.catalog.scenes, ...fillers],
      microgenres: world.catalog.microgenres,
    });
    await radar.scenes.refresh(NOW);
    const real = world.catalog.scenes.filter((s) => s.region === SCENE.region).map((s) => s.slug);
    const [hottest] = await byHeat(radar, real, 100);
    expect(hottest!.heat).toBeGreaterThan(0);
    const regional = await radar.scenes.pulse.getRegionalPulse(SCENE.region, { limit: 5 });
    expect(regional.scenes[0]).toMatchObject({ scene_slug: hottest!.slug, heat: hottest!.heat });
    await radar.close();
  });

  it('on a host whose scenes.maxScenesPerQuery is 10, ranks all 28 scenes of the demo region us (its 10 hottest)', async () => {
    const radar = createSceneRadar({
      sources: world.sources,
      clock: fixedClock(NOW),
      config: { scenes: { maxScenesPerQuery: 10 } },
    });
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(NOW);
    const us = world.catalog.scenes.filter((s) => s.region === 'us').map((s) => s.slug);
    expect(us.length).toBeGreaterThan(10);
    const ranked = await byHeat(radar, us, 10);
    const regional = await radar.scenes.pulse.getRegionalPulse('us', { limit: 10 });
    expect(regional.scenes.map((p) => p.heat)).toEqual(ranked.slice(0, 10).map((r) => r.heat));
    await radar.close();
  });
});

describe('refresh over a large catalog', () => {
  it('lets the event loop run during the relationship pass (no multi-second stall for 800 scenes)', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    // 800 valid scenes (copies of the demo scenes under new slugs): 319,600 pairs.
    const scenes = Array.from({ length: 800 }, (_, i) => ({ ...world.catalog.scenes[i % 70]!, slug: `copy-${i}` }));
    await radar.scenes.importCatalog({ scenes, microgenres: world.catalog.microgenres });
    let last = performance.now();
    let worst = 0;
    const tick = setInterval(() => {
      const t = performance.now();
      worst = Math.max(worst, t - last);
      last = t;
    }, 5);
    try {
      await radar.scenes.refresh(NOW);
    } finally {
      clearInterval(tick);
    }
    // The pair loop alone held the loop for 1.7 s here; with it, the membership passes and the
    // writes yielding (core/yield), the longest stretch left is about 90 ms on this machine: 800 ms
    // is slack for a loaded machine that still tells the two apart.
    expect(worst).toBeLessThan(800);
    await radar.close();
  }, 60_000);
});

describe('stored recommendations computed across an import or a refresh', () => {
  it('a recommendation computed while an import changed the scene is not stored for the new catalog', async () => {
    const g = gate();
    let hold = false;
    let artist = '';
    const cmg: CMGAdapter = {
      ...world.sources.cmg!,
      async getReleases(keys, options) {
        // The recommendation's own read of the artist (one key): held once, after it scanned the catalog.
        if (hold && keys.length === 1 && keys[0] === artist) {
          hold = false;
          g.enter();
          await g.held;
        }
        return world.sources.cmg!.getReleases(keys, options);
      },
    };
    const radar = createSceneRadar({ sources: { ...world.sources, cmg }, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(NOW);
    const member = (await radar.scenes.listMemberships({ sceneSlug: SCENE.slug, limit: 100 })).items.find(
      (m) => m.place === 1,
    )!;
    artist = member.artist_slug;
    hold = true;
    const racing = radar.scenes.recommendScenes({ artistSlug: artist, limit: 50 });
    await g.entered;
    // The scene moves to another city of its region: the import drops stored recommendations.
    await radar.scenes.importCatalog({ scenes: [{ ...SCENE, city: 'hove' }], microgenres: [] });
    g.open();
    await racing;
    const after = await radar.scenes.recommendScenes({ artistSlug: artist, limit: 50 });
    const item = after.items.find((i) => i.scene_slug === SCENE.slug)!;
    expect(item.reasons).not.toContain(`place: based in ${SCENE.city}`);
    expect(item.reasons).toContain(`place: same region (${SCENE.region})`);
    await radar.close();
  });

  it('a watch list computed while a refresh committed is not stored over the new memberships', async () => {
    const g = gate();
    let hold = false;
    const fusion: FusionAdapter = {
      ...world.sources.fusion!,
      async getEngagement(keys, options) {
        if (hold) {
          hold = false;
          g.enter();
          await g.held;
        }
        return world.sources.fusion!.getEngagement(keys, options);
      },
    };
    let noReleases = false;
    const cmg: CMGAdapter = {
      ...world.sources.cmg!,
      async getReleases(keys, options) {
        // After the switch, no artist has releases: the next refresh places artists by place only.
        return noReleases ? new Map(keys.map((k) => [k, []])) : world.sources.cmg!.getReleases(keys, options);
      },
    };
    const radar = createSceneRadar({ sources: { ...world.sources, fusion, cmg }, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(NOW);
    hold = true;
    const racing = radar.scenes.recommendScenes({ limit: 5 });
    await g.entered;
    noReleases = true;
    await radar.scenes.refresh(NOW);
    g.open();
    await racing;
    const after = await radar.scenes.recommendScenes({ limit: 5 });
    const live = await radar.scenes.pulse.batchProcessScenes(after.items.map((i) => i.scene_slug));
    expect(after.items.map((i) => i.heat)).toEqual(live.map((i) => i.pulse?.heat));
    await radar.close();
  });
});

describe('catalog with long but valid microgenre slugs', () => {
  it('refresh places artists in scenes whose microgenre slugs are 128 characters (the slug maximum)', async () => {
    // Every microgenre renamed to a valid 128-character slug, in the catalog and on every release.
    const long = (slug: string): string => `${slug}-${'x'.repeat(128)}`.slice(0, 128);
    const cmg: CMGAdapter = {
      ...world.sources.cmg!,
      async getReleases(keys, options) {
        const real = await world.sources.cmg!.getReleases(keys, options);
        return new Map(
          [...real].map(([k, rs]) => [k, rs.map((r) => ({ ...r, microgenres: r.microgenres.map(long) }))]),
        );
      },
    };
    const radar = createSceneRadar({ sources: { ...world.sources, cmg }, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog({
      scenes: world.catalog.scenes.map((s) => ({ ...s, microgenres: s.microgenres.map(long) })),
      microgenres: world.catalog.microgenres.map((m) => ({ ...m, slug: long(m.slug) })),
    });
    const report = await radar.scenes.refresh(NOW);
    expect(report.memberships.memberships).toBeGreaterThan(0);
    const page = await radar.scenes.listMemberships({ sceneSlug: SCENE.slug, limit: 100 });
    expect(page.items.length).toBeGreaterThan(0);
    for (const m of page.items) for (const r of m.reasons) expect(r.length).toBeLessThanOrEqual(512);
    await radar.close();
  });
});

describe('ScenesAdapter.getMemberships', () => {
  it('returns every membership of an artist, not only its 64 strongest', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    // 80 valid scenes with the sound and place of the first demo scene: its members belong to all.
    const copies = Array.from({ length: 80 }, (_, i) => ({ ...SCENE, slug: `${SCENE.slug}-copy-${i}` }));
    await radar.scenes.importCatalog({
      scenes: [...world.catalog.scenes, ...copies],
      microgenres: world.catalog.microgenres,
    });
    await radar.scenes.refresh(NOW);
    const artist = (await radar.scenes.listMemberships({ sceneSlug: SCENE.slug, limit: 1 })).items[0]!.artist_slug;
    const stored = await radar.scenes.listMemberships({ artistSlug: artist, limit: 1000 });
    expect(stored.total).toBeGreaterThan(64);
    const read = await radar.scenesAdapter.getMemberships([artist], {
      asOf: NOW,
      signal: new AbortController().signal,
    });
    expect(read.get(artist)?.length).toBe(stored.total);
    await radar.close();
  });
});

describe('catalog import straddling a refresh commit', () => {
  it('a scene whose import was written after a refresh read the catalog still awaits the next refresh', async () => {
    const added = { ...SCENE, slug: 'added-during-commit', name: 'Added' };
    const g = gate();
    let hold = false;
    // Memory tables whose microgenres.getMany (the import's first read, before its transaction, where
    // it checks which scenes are new since 2026-12-06; that check read scenes.getMany outside it
    // before) is held once: the import's write lands after the refresh under way has committed.
    const base = memoryScenesStores();
    const own = (t: object, p: string | symbol): unknown => {
      const v: unknown = Reflect.get(t, p, t);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    };
    const microgenres = new Proxy(base.microgenres, {
      get(t, p) {
        if (p !== 'getMany') return own(t, p);
        return async (keys: readonly { slug: string }[]) => {
          if (hold) {
            hold = false;
            g.enter();
            await g.held;
          }
          return t.getMany(keys);
        };
      },
    });
    const stores = new Proxy(base, {
      get: (t, p) => (p === 'microgenres' ? microgenres : own(t, p)),
    }) as ScenesStores;
    let importing: Promise<unknown> | undefined;
    let startImport = false;
    const cmg: CMGAdapter = {
      ...world.sources.cmg!,
      async getReleases(keys, options) {
        // The import starts while the refresh reads CMG (it has read the catalog already).
        if (startImport) {
          startImport = false;
          hold = true;
          importing = radar.scenes.importCatalog({ scenes: [added], microgenres: [] });
        }
        return world.sources.cmg!.getReleases(keys, options);
      },
    };
    const clock = fixedClock(NOW.getTime() - 3_600_000);
    const radar = createSceneRadar({ sources: { ...world.sources, cmg }, stores: { scenes: stores }, clock });
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh();
    clock.set(NOW);
    startImport = true;
    const refreshing = radar.scenes.refresh();
    await g.entered;
    const report = await refreshing;
    expect(report.snapshots).toBe(world.catalog.scenes.length); // it never saw the added scene
    g.open();
    await importing;
    // No refresh has placed artists in it: its heat is unknown, not that of an empty scene.
    await expect(radar.scenes.pulse.getScenePulse(added.slug)).rejects.toMatchObject({ code: 'SOURCES_UNAVAILABLE' });
    await radar.close();
  });
});

describe('guards (verified right today)', () => {
  it('guard: a scene with no microgenres and no members has a finite, ok pulse and no relationships', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    const bare = { slug: 'bare-zz-nowhere', name: 'N'.repeat(256), region: 'zz', city: null, microgenres: [] };
    await radar.scenes.importCatalog({
      scenes: [...world.catalog.scenes, bare],
      microgenres: world.catalog.microgenres,
    });
    await radar.scenes.refresh(NOW);
    const p = await radar.scenes.pulse.getScenePulse(bare.slug);
    expect(p).toMatchObject({ heat: 0, growth: 0, total_members: 0, status: 'ok', confidence: 0 });
    const numbers = JSON.stringify(p, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? 'BAD' : v));
    expect(numbers).not.toContain('BAD');
    expect(await radar.scenes.getRelatedScenes(bare.slug)).toEqual([]);
    await radar.close();
  });

  it('guard: backfillTrends refuses a reversed or over-long range before any work, and reads offset instants as UTC days', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await expect(radar.scenes.backfillTrends({ from: '2026-11-20', to: '2026-11-19' })).rejects.toMatchObject({
      code: 'SCENES_INVALID_PARAMS',
    });
    await expect(radar.scenes.backfillTrends({ from: '1000-01-01', to: '2026-11-24' })).rejects.toMatchObject({
      code: 'SCENES_INVALID_PARAMS',
    });
    // 2026-03-29T01:30+02:00 is 2026-03-28T23:30Z (the night European clocks change): two UTC days.
    const dst = await radar.scenes.backfillTrends({
      from: '2026-03-29T01:30:00+02:00',
      to: '2026-03-30T00:30:00+02:00',
    });
    expect(dst.days).toBe(2);
    const leap = await radar.scenes.backfillTrends({ from: '2024-02-28', to: '2024-03-01' });
    expect(leap.days).toBe(3);
    await radar.close();
  });
});

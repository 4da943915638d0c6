/**
 * Hostile review 24 of the Scenes Engine: caches that outlive what they were computed over (the
 * ScenesAdapter's as-of memo, the stored recommendations), on small demo worlds and hand-wrapped
 * sources. Each `fault:` test asserts the documented behaviour (docs/scenes.md) and fails on the
 * code it was written against; the `guard:` tests pin behaviour checked to be right today that a
 * fix might break.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type CMGAdapter, type SceneRadar } from 'scene-radar';
import { memoryScenesStores, type ScenesStores } from 'scene-radar/stores';
import { createDemoWorld } from 'scene-radar/adapters/memory';
import { resolveConfig } from 'scene-radar';
import { buildSoundMap, SceneScorer, soundScore } from '../../src/scenes/membership-math.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const DAY = 86_400_000;
const world = createDemoWorld({ artists: 120, end: '2026-11-24' });
const SLUGS = world.catalog.scenes.map((s) => s.slug);
const signal = (): AbortSignal => new AbortController().signal;

function radarOver(stores: ScenesStores, sources = world.sources): SceneRadar {
  return createSceneRadar({ sources, stores: { scenes: stores }, clock: fixedClock(NOW) });
}

/** Heat by scene of what `radar.scenesAdapter` answers as of `asOf`. */
async function adapterHeat(radar: SceneRadar, asOf: Date, slugs = SLUGS): Promise<Map<string, number>> {
  const got = await radar.scenesAdapter.getScenePulses(slugs, { asOf, signal: signal() });
  return new Map([...got].map(([k, v]) => [k, v.heat]));
}

describe('fault: ScenesAdapter memo across a refresh at the same instant', () => {
  it("after a second refresh as of the same instant (its memberships now whole), the adapter serves pulses over the new memberships, not the first refresh's", async () => {
    // CMG fails for half the artists in the first refresh: they are placed nowhere (nothing to keep).
    let failing = true;
    const half = new Set(world.dataset.artistSlugs().filter((_, i) => i % 2 === 0));
    const cmg: CMGAdapter = {
      maxBatchSize: 1,
      getReleases: async (slugs, o) => {
        if (failing && slugs.some((s) => half.has(s))) throw new Error('cmg down');
        return world.sources.cmg.getReleases(slugs, o);
      },
    };
    const stores = memoryScenesStores();
    const radar = radarOver(stores, { ...world.sources, cmg });
    await radar.scenes.importCatalog(world.catalog);
    const first = await radar.scenes.refresh(NOW);
    expect(first.memberships.kept).toBeGreaterThan(0);
    await adapterHeat(radar, NOW); // what the Talent Radar reads after the refresh
    // The source heals; the host refreshes again as of the same instant (allowed: at or after the last).
    failing = false;
    const second = await radar.scenes.refresh(NOW);
    expect(second.memberships.kept).toBe(0);
    expect(second.memberships.memberships).toBeGreaterThan(first.memberships.memberships);

    const served = await adapterHeat(radar, NOW);
    // The same question to a radar that never read the first refresh's memberships.
    const other = radarOver(stores, world.sources);
    const fresh = await adapterHeat(other, NOW);
    await other.close();
    const wrong = SLUGS.filter((s) => served.get(s) !== fresh.get(s));
    expect(wrong).toEqual([]);
    await radar.close();
  });
});

describe('fault: ScenesAdapter memo of past instants across a catalog import', () => {
  it('a pulse as of a day before the last refresh is replayed over the imported catalog, not served from the replay of the old one', async () => {
    const stores = memoryScenesStores();
    const radar = radarOver(stores);
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(NOW);
    const past = new Date(NOW.getTime() - 3 * DAY);
    const before = await adapterHeat(radar, past);
    // A replay is deterministic: another radar over the same tables answers the same before the import.
    const twin = radarOver(stores);
    expect(await adapterHeat(twin, past)).toEqual(before);
    await twin.close();
    // The re-import moves every scene's sound: each takes the microgenres of the scene after it.
    const scenes = world.catalog.scenes.map((s, i, all) => ({
      ...s,
      microgenres: all[(i + 1) % all.length]!.microgenres,
    }));
    await radar.scenes.importCatalog({ scenes, microgenres: world.catalog.microgenres });
    const served = await adapterHeat(radar, past);
    // A radar over the same tables and catalog, with nothing remembered.
    const other = radarOver(stores);
    const fresh = await adapterHeat(other, past);
    await other.close();
    // The import changed the replayed memberships, hence the heat, of some scenes...
    expect(SLUGS.some((s) => fresh.get(s) !== before.get(s))).toBe(true);
    // ...and the adapter answers over the catalog it now holds.
    expect(SLUGS.filter((s) => served.get(s) !== fresh.get(s))).toEqual([]);
    await radar.close();
  });
});

describe('fault: stored recommendations on a small catalog', () => {
  it('a watch list with fewer scenes than the limit asked is served from scene_recommendations_cache on the next call', async () => {
    const stores = memoryScenesStores();
    const radar = radarOver(stores);
    const scenes = world.catalog.scenes.slice(0, 3);
    const named = new Set(scenes.flatMap((s) => s.microgenres));
    await radar.scenes.importCatalog({
      scenes,
      microgenres: world.catalog.microgenres.filter((m) => named.has(m.slug)),
    });
    await radar.scenes.refresh(NOW);
    const first = await radar.scenes.recommendScenes();
    expect(first.items).toHaveLength(3);
    expect(first.stored).toBe(false);
    expect(await stores.scene_recommendations_cache.count({ subject: 'watch' })).toBe(3);
    const second = await radar.scenes.recommendScenes();
    expect(second.items).toEqual(first.items);
    expect(second.stored).toBe(true);
    await radar.close();
  });
});

describe('fault: a refresh whose trend snapshots a failing source held back', () => {
  it("says so in its warnings: Fusion down for every read leaves most scenes without the day's trend row", async () => {
    const stores = memoryScenesStores();
    const down = async (): Promise<never> => {
      throw new Error('fusion down');
    };
    const radar = radarOver(stores, { ...world.sources, fusion: { getEngagement: down, getCampaigns: down } });
    await radar.scenes.importCatalog(world.catalog);
    const report = await radar.scenes.refresh(NOW);
    // Memberships and relationships are fine (MIG and CMG answered); the snapshots are not.
    expect(report.memberships.universe).toBe('ok');
    expect(report.snapshots).toBeLessThan(SLUGS.length);
    const day = await stores.scene_trends.count({ day: '2026-11-24' });
    expect(day).toBe(report.snapshots);
    // "warnings: what the host should know about this refresh ... empty when nothing is amiss".
    expect(report.warnings.length).toBeGreaterThan(0);
    expect(report.warnings.join(' ')).toMatch(/snapshot|trend/i);
    await radar.close();
  });
});

describe('fault: sound score of an artist whose microgenres have no sound-map position', () => {
  // docs/scenes.md: proximity is the weighted mean over the artist's microgenres of exp(-d / 0.5);
  // "sound = 0.6 overlap + 0.4 proximity (overlap alone when no positions are known)". An artist
  // whose sound sits wholly in a scene microgenre without a position has no known distance: its
  // sound is its overlap (1), as relationships take the Jaccard alone without positions. Today its
  // proximity counts as 0 (infinitely far), so it scores 0.6 while an artist wholly in the scene's
  // mapped microgenre scores 1, and giving an unrelated microgenre a position drops it from 1 to 0.6.
  const p = resolveConfig({}).scenes.membership;
  const scene = { slug: 'mixed-uk-test', region: 'uk', city: null, microgenres: ['mapped-genre', 'unmapped-genre'] };
  const withPositions = buildSoundMap([
    { slug: 'mapped-genre', x: 0, y: 0 },
    { slug: 'elsewhere-genre', x: 3, y: 4 },
    { slug: 'unmapped-genre', x: null, y: null },
  ]);
  const inUnmapped = new Map([['unmapped-genre', 1]]);
  const inMapped = new Map([['mapped-genre', 1]]);

  it('guard: wholly in the mapped microgenre, or on a catalog without positions, the sound is 1', () => {
    expect(soundScore(inMapped, scene, withPositions, p).score).toBe(1);
    expect(soundScore(inUnmapped, scene, new Map(), p).score).toBe(1);
  });

  it('wholly in the unmapped microgenre, the sound is the overlap (1), for recommendations (soundScore) and memberships (SceneScorer)', () => {
    expect(soundScore(inUnmapped, scene, withPositions, p).score).toBe(1);
    const scorer = new SceneScorer([scene], withPositions, p);
    expect(scorer.soundScore(scorer.sound(inUnmapped), 0)).toBe(1);
  });
});

describe('fault: backfillTrends days from a date-time without an offset', () => {
  // A date-time string without an offset (`2026-11-24T00:00:00`, `Nov 24 2026`) is read by
  // `new Date(string)` in the process's own time zone: the same call replays another UTC day on a
  // host in another zone. The engine's days are UTC days (docs/scenes.md, core/time), so such a
  // string must mean one instant everywhere (read as UTC) or be refused (SCENES_VALIDATION_ERROR).
  // Run in a child process: the test workers are threads, whose time zone cannot be changed.
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const script = `
    const root = process.argv[1];
    const { createSceneRadar, fixedClock } = await import(root + '/src/index.ts');
    const { memoryScenesStores } = await import(root + '/src/stores.ts');
    const { createDemoWorld } = await import(root + '/adapters/memory/index.ts');
    const world = createDemoWorld({ artists: 40, end: '2026-11-24' });
    const stores = memoryScenesStores();
    const radar = createSceneRadar({ sources: world.sources, stores: { scenes: stores }, clock: fixedClock(new Date('2026-11-25T00:00:00.000Z')) });
    await radar.scenes.importCatalog(world.catalog);
    const out = {};
    try {
      await radar.scenes.backfillTrends({ from: '2026-11-24T00:00:00', to: '2026-11-24T00:00:00' });
    } catch (e) { out.error = e.code; }
    out.days = [...new Set((await stores.scene_trends.scan()).map((r) => r.day))];
    await radar.close();
    console.log(JSON.stringify(out));`;
  const run = (tz: string): { error?: string; days: string[] } =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, root], {
        cwd: root,
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
        timeout: 60_000,
      })
        .trim()
        .split('\n')
        .at(-1)!,
    );

  it('replays the same UTC day (or refuses the string) whatever the process time zone', () => {
    const results = ['UTC', 'Pacific/Kiritimati'].map(run);
    for (const r of results) {
      if (r.error !== undefined) expect(r).toEqual({ error: 'SCENES_VALIDATION_ERROR', days: [] });
      else expect(r.days).toEqual(['2026-11-24']);
    }
  }, 60_000);
});

describe("fault: one artist's failing CMG read changes other artists' memberships and the relationships", () => {
  it('a refresh as of the same instant, CMG failing for a third of the artists: the others keep their people scores and the tastemaker links stay', async () => {
    // docs/scenes.md: "If an artist's MIG or CMG read fails or times out, its previous memberships
    // are kept unchanged: a failing source never erases data." The failed artists are kept, but
    // they are left out of every scene's core, so the circles shrink: healthy artists lose people
    // score (and may drop under 0.3, held then removed), and shared_tastemakers links vanish.
    let failing = false;
    const third = new Set(world.dataset.artistSlugs().filter((_, i) => i % 3 === 0));
    const cmg: CMGAdapter = {
      maxBatchSize: 1,
      getReleases: async (slugs, o) => {
        if (failing && slugs.some((s) => third.has(s))) throw new Error('cmg down');
        return world.sources.cmg.getReleases(slugs, o);
      },
    };
    const stores = memoryScenesStores();
    const radar = radarOver(stores, { ...world.sources, cmg });
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(NOW);
    const healthy = async () =>
      (await stores.scene_memberships.scan())
        .filter((r) => !third.has(r.artist_slug))
        .map((r) => ({ scene: r.scene_slug, artist: r.artist_slug, confidence: r.confidence, people: r.people }));
    const links = async () =>
      (await stores.scene_relationships.scan())
        .filter((r) => r.type === 'shared_tastemakers')
        .map((r) => `${r.scene_slug}>${r.related_slug}:${r.weight}`);
    const [membersBefore, linksBefore] = [await healthy(), await links()];
    expect(linksBefore.length).toBeGreaterThan(0);
    // Refreshed again with every read healthy, nothing moves (the comparison below is fair).
    await radar.scenes.refresh(NOW);
    expect(await healthy()).toEqual(membersBefore);
    expect(await links()).toEqual(linksBefore);

    failing = true;
    const report = await radar.scenes.refresh(NOW);
    expect(report.memberships.kept).toBe(third.size);
    expect(await healthy()).toEqual(membersBefore);
    expect(await links()).toEqual(linksBefore);
    await radar.close();
  });
});

describe('fault: a scene imported before a refresh in which no artist could be scored', () => {
  it('still has an unknown heat (SOURCES_UNAVAILABLE) when CMG failed for every artist, not the heat 0 of an empty scene', async () => {
    // docs/scenes.md: "A scene new to the catalog has no memberships until a refresh places artists
    // in it: until then its heat is unknown (batch status `unavailable`, `getScenePulse` answers
    // `SOURCES_UNAVAILABLE`), not that of an empty scene". A refresh whose every CMG read failed
    // keeps every artist as it was (kept = all) and places nobody in the new scene.
    let failing = false;
    const cmg: CMGAdapter = {
      getReleases: async (slugs, o) => {
        if (failing) throw new Error('cmg down');
        return world.sources.cmg.getReleases(slugs, o);
      },
    };
    const stores = memoryScenesStores();
    const radar = radarOver(stores, { ...world.sources, cmg });
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(new Date(NOW.getTime() - DAY));
    const brighton = world.catalog.scenes.find((s) => s.slug === 'indie-uk-brighton')!;
    await radar.scenes.importCatalog({
      scenes: [{ ...brighton, slug: 'twin-uk-brighton', name: 'Brighton Twin' }],
      microgenres: [],
    });
    failing = true;
    const report = await radar.scenes.refresh(NOW);
    expect(report.memberships).toMatchObject({
      universe: 'ok',
      memberships: 0,
      kept: world.dataset.artistSlugs().length,
    });
    const [item] = await radar.scenes.pulse.batchProcessScenes(['twin-uk-brighton']);
    expect(item).toMatchObject({ slug: 'twin-uk-brighton', status: 'unavailable' });
    await expect(radar.scenes.pulse.getScenePulse('twin-uk-brighton', true)).rejects.toMatchObject({
      code: 'SOURCES_UNAVAILABLE',
    });
    // Once a refresh can place artists, the scene has members (its twin's) and a heat.
    failing = false;
    await radar.scenes.refresh(NOW);
    const pulse = await radar.scenes.pulse.getScenePulse('twin-uk-brighton', true);
    expect(pulse.total_members).toBeGreaterThan(0);
    await radar.close();
  });
});

describe('guards (right today; a fix must keep them)', () => {
  it('guard: an empty recommendations cache is no answer: the first watch list is computed, the limit honoured', async () => {
    const stores = memoryScenesStores();
    const radar = radarOver(stores);
    const scenes = world.catalog.scenes.slice(0, 3);
    const named = new Set(scenes.flatMap((s) => s.microgenres));
    await radar.scenes.importCatalog({
      scenes,
      microgenres: world.catalog.microgenres.filter((m) => named.has(m.slug)),
    });
    await radar.scenes.refresh(NOW);
    expect(await stores.scene_recommendations_cache.count()).toBe(0);
    const two = await radar.scenes.recommendScenes({ limit: 2 });
    expect(two).toMatchObject({ stored: false });
    expect(two.items.map((x) => x.rank)).toEqual([1, 2]);
    // A refresh empties the stored lists: the next call computes again.
    await radar.scenes.refresh(NOW);
    expect((await radar.scenes.recommendScenes({ limit: 2 })).stored).toBe(false);
    await radar.close();
  });

  it('guard: backfillTrends reads a bare day and a Z instant as UTC days', async () => {
    const stores = memoryScenesStores();
    const radar = radarOver(stores);
    await radar.scenes.importCatalog(world.catalog);
    const report = await radar.scenes.backfillTrends({ from: '2026-11-23', to: '2026-11-24T23:59:59Z' });
    expect(report).toMatchObject({ days: 2, skippedDays: 0 });
    const days = [...new Set((await stores.scene_trends.scan()).map((r) => r.day))].sort();
    expect(days).toEqual(['2026-11-23', '2026-11-24']);
    await radar.close();
  });

  it('guard: a second adapter read as of the refresh instant, with nothing changed, gives the same pulses', async () => {
    const stores = memoryScenesStores();
    const radar = radarOver(stores);
    await radar.scenes.importCatalog(world.catalog);
    await radar.scenes.refresh(NOW);
    const first = await adapterHeat(radar, NOW);
    expect(first.size).toBe(SLUGS.length);
    expect(await adapterHeat(radar, NOW)).toEqual(first);
    await radar.close();
  });
});

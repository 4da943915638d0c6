/**
 * Hostile review 60: the Scenes Engine's public surface (catalog, refresh, ScenePulse, trends,
 * recommendations, related scenes), held to docs/scenes.md, docs/reliability.md and the TSDoc.
 *
 * Every test here fails on the code as reviewed, because of the fault its name states.
 */
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type MIGAdapter, type SceneRadarSources } from '../../src/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { memoryScenesStores } from '../../src/stores.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const world = createDemoWorld({ artists: 120, end: '2026-11-25' });
const SCENE = 'indie-uk-brighton';

/**
 * The demo world's sources, with extra tastemaker links on one artist's MIG network. The gateway
 * accepts a link stamped up to `payloads.futureSkewMs` (one day) after the as-of instant (a host
 * whose clock runs a little ahead, or that dates links by day), so these reach the engine.
 */
function withExtraLinks(
  sources: SceneRadarSources,
  artist: string,
  links: readonly { readonly tastemaker: string; readonly since: string }[],
): SceneRadarSources {
  const mig = sources.mig!;
  const wrapped = {
    listArtists: mig.listArtists.bind(mig),
    getArtists: mig.getArtists.bind(mig),
    getNetworks: async (slugs, options) => {
      const out = new Map(await mig.getNetworks(slugs, options));
      const network = out.get(artist);
      if (network)
        out.set(artist, {
          ...network,
          tastemakers: [
            ...network.tastemakers,
            ...links.map((l) => ({ tastemaker: l.tastemaker, kind: 'blog' as const, weight: 0.5, since: l.since })),
          ],
        });
      return out;
    },
  } as MIGAdapter;
  return { ...sources, mig: wrapped };
}

describe('hostile review 60: the Scenes Engine', () => {
  it('tastemaker_activity.active_tastemakers counts only tastemakers backing members as of the pulse, not links known only after asOf (a bare day dated that day, a clock stamped ahead)', async () => {
    // docs/scenes.md: links "count only when known at the refresh instant (a link dated by a bare
    // day is known at its end; one a source's clock stamps ahead is not counted yet)", and the
    // pulse's tastemaker_activity reports the "distinct tastemakers backing members" as of asOf.
    // computePulse (src/scenes/pulse-math.ts, prepare) adds every link's tastemaker to the
    // distinct set before checking when the link is known: new_links ignores these two links,
    // active_tastemakers counts them.
    const stores = memoryScenesStores();
    const first = createSceneRadar({ sources: world.sources, stores: { scenes: stores }, clock: fixedClock(NOW) });
    await first.scenes.importCatalog(world.catalog);
    await first.refresh(NOW);
    const [member] = (await first.scenes.listMemberships({ sceneSlug: SCENE, limit: 1 })).items;
    const before = await first.scenes.pulse.getScenePulse(SCENE, { skipCache: true });
    await first.close();

    const radar = createSceneRadar({
      sources: withExtraLinks(world.sources, member!.artist_slug, [
        // A bare day is known at its end: 2026-11-26T00:00Z, after the pulse's asOf.
        { tastemaker: 'review60-day-dated-blog', since: '2026-11-25' },
        // Stamped three hours after asOf by a clock that runs ahead.
        { tastemaker: 'review60-clock-ahead-blog', since: '2026-11-25T03:00:00.000Z' },
      ]),
      stores: { scenes: stores },
      clock: fixedClock(NOW),
    });
    const after = await radar.scenes.pulse.getScenePulse(SCENE, { skipCache: true });
    expect(after.asOf).toBe(NOW.toISOString());
    expect(after.status).toBe('ok');
    // Guard: neither link is counted as a new link of the window (they are not known yet).
    expect(after.tastemaker_activity.new_links).toBe(before.tastemaker_activity.new_links);
    // The fault: both unknown tastemakers are counted as backing the scene's members.
    expect(after.tastemaker_activity.active_tastemakers).toBe(before.tastemaker_activity.active_tastemakers);
    await radar.close();
  });
});

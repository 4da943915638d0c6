/**
 * Hostile review 138: the read-only embedding an A&R product is given (`radar.readOnly`,
 * `readOnlyApiBackend` with the config it is documented to take, `readOnlyScenes`, and
 * `examples/ar-radar-readonly.ts`), attacked as an embedder holding only what it is handed:
 * mutating returned values, passing options that should be dropped (skipCache, an aborted signal),
 * reading concurrently with a host refresh, and looking for a way back to the radar behind it.
 * Over a 40-artist demo world and a fixed clock.
 *
 * Faults found (each a test named "FAULT:", which failed on the code as reviewed; fixed in the same
 * commit: the failed-read counts are frozen, the radar's config is frozen all through, and the example
 * hands over `readOnlyScenes(radar.scenes)`):
 * - `meta.failedReads` of `getArtistScores` and `getWorkspaceRecommendations` is the Talent
 *   Radar's own live object (`TalentRadar#failedReads`), handed out unfrozen: an embedder's edit
 *   changes `radar.talent.lastRefreshFailedReads` and the meta and degraded notes every later
 *   reader (the host included) gets.
 * - `radar.config`, which the docs and the example hand to the read-only product
 *   (`readOnlyApiBackend(radar.readOnly, radar.config)`), is mutable and read live by the engines:
 *   the product can change the host's caps, thresholds and TTLs.
 * - `examples/ar-radar-readonly.ts` hands A&R Radar's code `radar.scenes`, the whole Scenes Engine
 *   (`close`, `refresh`, `importCatalog`, `clearCache`), not a read-only view of it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadar, type SourceCallEvent } from '../../src/index.js';
import { createFetchHandler, readOnlyApiBackend, readOnlyScenes } from '../../src/api/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';

const NOW = new Date('2026-11-25T00:00:00.000Z');
const WORLD = createDemoWorld({ artists: 40, end: '2026-11-24' });
const WORKSPACE = WORLD.workspaces[0]!.id;

async function setup(): Promise<{
  radar: SceneRadar;
  events: SourceCallEvent[];
  clock: ReturnType<typeof fixedClock>;
}> {
  const events: SourceCallEvent[] = [];
  const clock = fixedClock(NOW);
  const radar = createSceneRadar({
    sources: WORLD.sources,
    clock,
    onSourceCall: (e) => events.push(e),
  });
  await radar.scenes.importCatalog(WORLD.catalog);
  await radar.refresh();
  return { radar, events, clock };
}

/** Tries an edit the way a hostile embedder would; a frozen value throws in strict code. */
function tryEdit(edit: () => void): void {
  try {
    edit();
  } catch {
    // refused: what a frozen value does
  }
}

// biome-ignore lint/suspicious/noExplicitAny: a hostile embedder writes through any
type Loose = any;

describe('read-only facade: returned values', () => {
  it('pulse, top list and profile are deep-frozen from the first (computing) caller on; an edit reaches no later reader', async () => {
    const { radar } = await setup();
    const ro = radar.readOnly;
    const pulse = await ro.getGlobalPulse({ limit: 5 });
    const top = await ro.getTopArtists({ category: 'rising', limit: 5 });
    const slug = top.artists[0]!.artist_slug;
    const profile = await ro.getArtistProfile(slug);
    const snapshot = JSON.stringify([pulse, top, profile]);
    for (const v of [pulse, top, profile, pulse.topRisingArtists, pulse.meta, top.artists[0], profile.explanation]) {
      expect(Object.isFrozen(v)).toBe(true);
    }
    expect(() => {
      (top.artists as Loose).push({ artist_slug: 'intruder' });
    }).toThrow(TypeError);
    expect(() => {
      (profile.artist as Loose).momentum = 100;
    }).toThrow(TypeError);
    expect(() => {
      (pulse.summary as Loose).totalArtistsTracked = 0;
    }).toThrow(TypeError);
    expect(() => {
      (profile.explanation.sources as Loose).mig = { status: 'error' };
    }).toThrow(TypeError);
    const host = radar.talent.aggregator;
    expect(
      JSON.stringify([
        await host.buildGlobalPulse({ limit: 5 }),
        await host.getTopArtists({ category: 'rising', limit: 5 }),
        await host.buildArtistProfile(slug),
      ]),
    ).toBe(snapshot);
    await radar.close();
  });

  it('stored scores: rows frozen, the arrays fresh per call; workspace recommendations: an edit does not reach the stored rows or the next answer', async () => {
    const { radar } = await setup();
    const ro = radar.readOnly;
    const top = await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 3 });
    const slugs = top.artists.map((a) => a.artist_slug);
    const scores = await ro.getArtistScores(slugs);
    expect(Object.isFrozen(scores.artists[0])).toBe(true);
    tryEdit(() => {
      (scores.artists[0] as Loose).momentum = -1;
    });
    (scores.artists as Loose).length = 0;
    (scores.missing as Loose).push('intruder');
    const again = await radar.talent.aggregator.getArtistScores(slugs);
    expect(again.artists.map((a) => a.artist_slug)).toEqual(slugs);
    expect(again.missing).toEqual([]);
    expect(again.artists[0]!.momentum).toBe(top.artists[0]!.momentum);

    const recs = await ro.getWorkspaceRecommendations(WORKSPACE, { limit: 3 });
    const wanted = JSON.stringify(recs.recommendations);
    tryEdit(() => {
      (recs.recommendations[0]!.reasons as Loose).push('injected');
      (recs.recommendations[0] as Loose).score = 99;
    });
    const stored = await radar.talent.aggregator.getWorkspaceRecommendations(WORKSPACE, { limit: 3 });
    expect(JSON.stringify(stored.recommendations)).toBe(wanted);
    await radar.close();
  });
});

describe('read-only facade: options and concurrency', () => {
  it('drops skipCache, an aborted signal and stray fields; the host’s concurrent call is not failed by them and no source is read again', async () => {
    const { radar, events } = await setup();
    const ro = radar.readOnly as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const aborted = AbortSignal.abort(new Error('embedder abort'));
    const hostTop = radar.talent.aggregator.getTopArtists({ category: 'breakout', limit: 4 });
    const [roTop, top] = await Promise.all([
      ro.getTopArtists!({ category: 'breakout', limit: 4, signal: aborted, skipCache: true, refresh: true }),
      hostTop,
    ]);
    expect(roTop).toBe(top);
    const before = events.length;
    expect(await ro.getTopArtists!({ category: 'breakout', limit: 4, skipCache: true }, { signal: aborted })).toBe(top);
    expect(events.length).toBe(before);
    const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 3 });
    const n = events.length;
    expect(await ro.getGlobalPulse!({ limit: 3, skipCache: true, signal: aborted }, true)).toBe(pulse);
    expect(events.length).toBe(n);
    await radar.close();
  });

  it('reads during a host refresh answer with the results of one refresh or the other, and the host’s refresh succeeds', async () => {
    const { radar, clock } = await setup();
    const ro = radar.readOnly;
    const before = await ro.getTopArtists({ category: 'rising', limit: 5 });
    clock.advance(86_400_000);
    const refresh = radar.refresh();
    const during = await Promise.all([
      ro.getTopArtists({ category: 'rising', limit: 5 }),
      ro.getGlobalPulse({ limit: 5 }),
      ro.getArtistScores(before.artists.map((a) => a.artist_slug)),
    ]);
    const report = await refresh;
    expect(report).toBeDefined();
    for (const r of during) expect(r.meta.asOf).toMatch(/^2026-11-2[56]T00:00:00\.000Z$/);
    const after = await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 5 });
    expect(await ro.getTopArtists({ category: 'rising', limit: 5 })).toBe(after);
    await radar.close();
  });

  it('the read-only HTTP backend ignores skipCache=true even with allowSkipCache: true, and exposes no Scenes route without scenes', async () => {
    const { radar, events } = await setup();
    const h = createFetchHandler(readOnlyApiBackend(radar.readOnly, radar.config), { allowSkipCache: true });
    const first = await (await h(new Request('http://x/api/talent/top?category=risk&limit=3'))).text();
    const n = events.length;
    const again = await (await h(new Request('http://x/api/talent/top?category=risk&limit=3&skipCache=true'))).text();
    expect(again).toBe(first);
    expect(events.length).toBe(n);
    expect((await h(new Request('http://x/api/scenes?limit=1'))).status).toBe(404);
    await radar.close();
  });

  it('readOnlyScenes reaches no write, close or cache control of the engine behind it', () => {
    const radar = createSceneRadar({ sources: WORLD.sources, clock: fixedClock(NOW) });
    const view = readOnlyScenes(radar.scenes) as unknown as Record<string, unknown>;
    expect(Object.isFrozen(view)).toBe(true);
    expect(Object.getPrototypeOf(view)).toBe(Object.prototype);
    for (const name of ['refresh', 'close', 'importCatalog', 'clearCache', 'backfillTrends'])
      expect(name in view, name).toBe(false);
    expect(Reflect.ownKeys(view).filter((k) => typeof k === 'symbol')).toEqual([]);
    return radar.close();
  });
});

describe('faults', () => {
  it('FAULT: editing meta.failedReads of getArtistScores (or workspace recommendations) changes the radar’s own lastRefreshFailedReads and the host’s next top list', async () => {
    const { radar } = await setup();
    // The embedder reads first after the refresh (nothing cached has frozen the object yet).
    const scores = await radar.readOnly.getArtistScores(['nobody-at-all']);
    tryEdit(() => {
      (scores.meta.failedReads as Loose).mig = 7;
    });
    const recs = await radar.readOnly.getWorkspaceRecommendations(WORKSPACE, { limit: 2 });
    tryEdit(() => {
      (recs.meta.failedReads as Loose).fusion = 3;
    });
    const host = await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 5 });
    try {
      expect(radar.talent.lastRefreshFailedReads).toEqual({});
      expect(host.meta.failedReads).toEqual({});
      expect(host.meta.degraded).toEqual([]);
    } finally {
      await radar.close();
    }
  });

  it('FAULT: radar.config, handed to the read-only product with readOnlyApiBackend, is mutable and read live: the product caps the host’s top list', async () => {
    const { radar } = await setup();
    // What the product holds: readOnlyApiBackend(radar.readOnly, radar.config).config
    const handed = readOnlyApiBackend(radar.readOnly, radar.config).config as Loose;
    tryEdit(() => {
      handed.talent.maxArtistsPerQuery = 1;
    });
    try {
      const top = await radar.talent.aggregator.getTopArtists({ category: 'rising', limit: 10 });
      expect(top.artists.length).toBeGreaterThan(1);
    } finally {
      await radar.close();
    }
  });

  it('FAULT: examples/ar-radar-readonly.ts hands A&R Radar’s code radar.scenes itself, whose close() closes the host’s radar', async () => {
    const src = readFileSync(new URL('../../examples/ar-radar-readonly.ts', import.meta.url), 'utf8');
    const call = /createArRadarHandler\(radar\.readOnly, radar\.config, ([^),]+)\)/.exec(src);
    expect(call).not.toBeNull();
    const radar = createSceneRadar({ sources: WORLD.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(WORLD.catalog);
    // The object the example hands over as `scenes`.
    const handed = (call![1] === 'radar.scenes' ? radar.scenes : readOnlyScenes(radar.scenes)) as Loose;
    if (typeof handed.close === 'function') await handed.close();
    try {
      await expect(radar.talent.aggregator.getArtistScores(['nobody-at-all'])).resolves.toBeDefined();
    } finally {
      await radar.close();
    }
  });
});

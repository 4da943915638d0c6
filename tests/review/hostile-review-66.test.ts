/**
 * Hostile review 66: the source gateway's reading of every source method's payload
 * (src/core/gateway/bounds.ts, read-item.ts, gateway.ts): the as-of rule (an observation dated
 * after asOf + payloads.futureSkewMs is `invalid_payload`, docs/reliability.md) and independence
 * from the order and extent of what a source delivers (repeats, window trimming).
 * Every test here fails on the code as reviewed, because of the fault its name states.
 *
 * The Talent Radar reads the Scenes source through the radar's own Scenes Engine under
 * createSceneRadar; a host's ScenesAdapter is read by a standalone Talent Radar over the gateway,
 * as the backtest scorer builds it (src/backtest/talent-scorer.ts): `talentRadarOver` does the same.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { Cache } from '../../src/core/cache/cache.js';
import { createSourceGateway } from '../../src/core/gateway/gateway.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import { memoryTalentStores } from '../../src/stores/memory-table.js';
import { TalentRadar } from '../../src/talent/talent-radar.js';

const AS_OF = new Date('2026-03-10T00:00:00.000Z');
const A = 'artist-a';
const DAY_MS = 86_400_000;
/** The day `n` days after the as-of day (`YYYY-MM-DD`). */
const day = (n: number): string => new Date(AS_OF.getTime() + n * DAY_MS).toISOString().slice(0, 10);
const answer = <T>(keys: readonly string[], f: (key: string) => T): Map<string, T> =>
  new Map(keys.map((k) => [k, f(k)]));

const record = (slug: string) => ({
  slug,
  name: slug,
  homeRegion: 'uk',
  homeCity: null,
  firstSeen: '2025-01-01T00:00:00Z',
});

/** Ten playlist adds in the last ten days, one a day. */
const recentEvents = Array.from({ length: 10 }, (_, i) => ({
  id: `e${i}`,
  type: 'playlist_add' as const,
  at: `${day(-i - 1)}T12:00:00Z`,
  weight: 5,
  region: 'uk',
}));

/** Three articles in the last week. */
const recentArticles = Array.from({ length: 3 }, (_, i) => ({
  id: `a${i}`,
  publishedAt: `${day(-i - 1)}T09:00:00Z`,
  outlet: 'some-outlet',
  outletQuality: 0.8,
  title: null,
}));

const pulse = (sceneSlug: string, heat: number, asOf: string) => ({
  sceneSlug,
  heat,
  growth: 0,
  stage: 'growing' as const,
  asOf,
});

const mig = {
  listArtists: async () => ({ items: [record(A)], nextCursor: null }),
  getArtists: async (keys: readonly string[]) => answer(keys, record),
  getNetworks: async (keys: readonly string[]) =>
    answer(keys, () => ({ tastemakers: [], collaborators: [], centrality: null })),
};
const rcf = (events: readonly unknown[] = recentEvents) => ({
  getEvents: async (keys: readonly string[]) => answer(keys, () => events as never),
});

/** A Talent Radar over the host's sources, Scenes included, as `talentScorer` builds one. */
// biome-ignore lint/suspicious/noExplicitAny: hand-written sources, loosely typed on purpose
function talentRadarOver(sources: Record<string, any>): TalentRadar {
  const config = resolveConfig({});
  const gateway = createSourceGateway({ sources, config });
  return new TalentRadar({
    stores: memoryTalentStores(),
    gateway,
    config,
    clock: fixedClock(AS_OF),
    cache: new Cache<unknown>({ ttlMs: 60_000, maxEntries: 100 }),
  });
}

/** A Scenes source whose artists all belong to `memberships`, with the given pulses and hottest list. */
function scenesSource(
  memberships: readonly { sceneSlug: string; confidence: number }[],
  pulses: readonly ReturnType<typeof pulse>[],
  hottest: readonly ReturnType<typeof pulse>[] = pulses,
) {
  return {
    getMemberships: async (keys: readonly string[]) =>
      answer(keys, () => memberships.map((m) => ({ ...m, microgenres: [] }))),
    getScenePulses: async (keys: readonly string[]) => {
      const out = new Map<string, ReturnType<typeof pulse>>();
      for (const k of keys) {
        const p = pulses.find((x) => x.sceneSlug === k);
        if (p) out.set(k, p);
      }
      return out;
    },
    listHottestScenes: async () => [...hottest],
  };
}

describe('hostile review 66: the gateway, as of and order independence', () => {
  // bounds.ts CHECKS (line 151) has no 'scenes.getScenePulses' entry: a pulse dated 2999 passes the as-of rule.
  it('a scene pulse whose asOf is in 2999 is read as ok and its heat scored as the artist sceneHeat, instead of invalid_payload', async () => {
    const radar = talentRadarOver({
      mig,
      rcf: rcf(),
      scenes: scenesSource(
        [{ sceneSlug: 'scene-x', confidence: 0.8 }],
        [pulse('scene-x', 90, '2999-01-01T00:00:00.000Z')],
      ),
    });
    const scored = await radar.scoreArtists([A], { asOf: AS_OF });
    expect({
      read: scored.signals.get(A)!.reads.scenePulse.status,
      sceneHeat: scored.features[0]!.sceneHeat,
    }).toEqual({ read: 'error', sceneHeat: null });
  });

  // bounds.ts CHECKS (line 151) has no 'scenes.listHottestScenes' entry, and gateway.call() reads the list with it.
  it('the global pulse lists a hottest scene whose pulse is dated 2999 (as_of 2999), instead of refusing the answer as invalid_payload', async () => {
    const radar = talentRadarOver({
      mig,
      rcf: rcf(),
      scenes: scenesSource([], [pulse('scene-x', 90, '2999-01-01T00:00:00.000Z')]),
    });
    const global = await radar.aggregator.buildGlobalPulse();
    expect(global.hottestScenes.filter((s) => s.as_of > AS_OF.toISOString())).toEqual([]);
  });

  // bounds.ts seriesEnd (line 137, used by CHECKS fusion.getEngagement / identityKernel.getCoherence, lines 179-191) dates a series' last value at the start of its day; docs/adapters.md rule 3 and src/testing/as-of.ts seriesKnownAt date it at the end, as the bare-day event check does.
  it('an engagement or coherence value for the day after the as-of day passes the as-of rule, while a bare-day event dated that same day is invalid_payload', async () => {
    const tomorrow = day(1); // known at its end: two days after AS_OF, one past futureSkewMs
    const series = (n: number) => Array.from({ length: n }, () => 1);
    const radar = createSceneRadar({
      sources: {
        mig,
        rcf: rcf([...recentEvents, { id: 'late', type: 'radio_play', at: tomorrow, weight: 1, region: 'uk' }]),
        fusion: {
          getCampaigns: async (keys) => answer(keys, () => []),
          // day(-9) .. day(1): the last value is for the day after the as-of day.
          getEngagement: async (keys) =>
            answer(keys, () => ({ start: day(-9), organic: series(11), paid: series(11).map(() => 0) })),
        },
        identityKernel: {
          getCoherence: async (keys) => answer(keys, () => ({ start: day(-9), values: series(11) })),
        },
      },
      clock: fixedClock(AS_OF),
    });
    const reads = (await radar.talent.scoreArtists([A], { asOf: AS_OF })).signals.get(A)!.reads;
    expect({
      events: reads.events.status,
      engagement: reads.engagement.status,
      coherence: reads.coherence.status,
    }).toEqual({ events: 'error', engagement: 'error', coherence: 'error' });
  });

  // bounds.ts canonicalObservations (line 398): repeats are dropped (first delivery kept) before the window is trimmed, so an old copy from before `from` wipes out the in-window observation.
  it('an extra copy of an event and of an article dated before the read window, delivered first, erases the in-window ones ("data older than asked changes nothing")', async () => {
    const old = '2020-01-01T00:00:00Z'; // before every read window
    const score = async (events: readonly unknown[], articles: readonly unknown[]) => {
      const radar = createSceneRadar({
        sources: {
          mig,
          rcf: rcf(events),
          coverage: { getArticles: async (keys) => answer(keys, () => articles as never) },
        },
        clock: fixedClock(AS_OF),
      });
      const f = (await radar.talent.scoreArtists([A], { asOf: AS_OF })).features[0]!;
      return { eventRate: f.eventRate, activity: f.activity, pressVelocity: f.pressVelocity };
    };
    const clean = await score(recentEvents, recentArticles);
    const withOldCopies = await score(
      [{ ...recentEvents[0]!, at: old }, ...recentEvents],
      [{ ...recentArticles[0]!, publishedAt: old }, ...recentArticles],
    );
    expect(withOldCopies).toEqual(clean);
  });

  // bounds.ts CANONICAL (line 365) puts no order on scenes.getMemberships; signals-engine.ts line 202 takes value[0] as the main scene.
  it('two memberships of equal confidence (both orders "strongest first") give the artist a different main scene and scene heat depending on delivery order', async () => {
    const pulses = [pulse('scene-a', 80, AS_OF.toISOString()), pulse('scene-b', 20, AS_OF.toISOString())];
    const main = async (order: readonly string[]) => {
      const radar = talentRadarOver({
        mig,
        rcf: rcf(),
        scenes: scenesSource(
          order.map((sceneSlug) => ({ sceneSlug, confidence: 0.7 })),
          pulses,
        ),
      });
      const f = (await radar.scoreArtists([A], { asOf: AS_OF })).features[0]!;
      return { scene: f.sceneSlug, heat: f.sceneHeat };
    };
    expect(await main(['scene-b', 'scene-a'])).toEqual(await main(['scene-a', 'scene-b']));
  });

  // bounds.ts DISTINCT (line 286) has no 'scenes.listHottestScenes' entry and radar-aggregator.ts line 402 slices the list as given.
  it('a hottest-scenes answer that repeats a scene shows that scene twice in the global pulse', async () => {
    const now = AS_OF.toISOString();
    const radar = talentRadarOver({
      mig,
      rcf: rcf(),
      scenes: scenesSource([], [], [pulse('scene-a', 90, now), pulse('scene-a', 90, now), pulse('scene-b', 50, now)]),
    });
    const slugs = (await radar.aggregator.buildGlobalPulse()).hottestScenes.map((s) => s.scene_slug);
    expect(slugs).toEqual([...new Set(slugs)]);
  });
});

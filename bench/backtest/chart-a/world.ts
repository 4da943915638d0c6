/**
 * @module bench/backtest/chart-a/world
 * The Hot 100 as a host would plug it in: chart weeks are RCF events, co-credits are MIG
 * collaborator links, every other source is absent. Built with the in-memory sources, which answer
 * as of any instant, so nothing charted or co-credited after a cutoff is visible at it.
 *
 * Mapping:
 * - MIG artist record: slug (see load.ts), credited name, `homeRegion: 'us'` (the chart is
 *   American; the artists' own regions are unknown), `homeCity: null`, `firstSeen` = first chart
 *   date, 00:00 UTC.
 * - RCF: one `chart_entry` event per artist and chart week, `at` = chart date 00:00 UTC,
 *   `region: 'us'`, `weight = 101 - best rank that week` (100 for a number one, 1 for rank 100).
 *   The best rank rather than the sum of points over the artist's songs, so a reader can recover
 *   the artist's chart position exactly; the number of songs that week is not carried.
 * - MIG collaborators: each co-credit edge in both directions, `since` = first co-charting date,
 *   `weight: 1`. Not the edge's song count: that counts songs up to the end of the data, so it
 *   would leak the future into any cutoff.
 * - Engagement and coherence series are empty (the dataset type requires them; fusion and
 *   identityKernel are not served).
 */
import { DAY_MS, dayStart, type CollaboratorLink, type RcfEvent } from 'scene-radar';
import { createEagerDataset, createMemorySources, type ArtistHistory } from 'scene-radar/adapters/memory';
import type { BacktestWorld } from '../scorer.js';
import type { Hot100Data } from './load.js';

/** Chart weeks that make up the universe at a cutoff. */
export const UNIVERSE_WEEKS = 52;

/** Midnight UTC of a chart date, ISO. */
export const chartInstant = (date: string): string => `${date}T00:00:00.000Z`;

/** RCF weight of a chart week: 101 minus the artist's best rank. */
export const chartWeight = (bestRank: number): number => 101 - bestRank;

/**
 * The artist histories of the Hot 100 data, as the eager dataset takes them.
 * @example
 * ```ts
 * const histories = hot100Histories(loadHot100(dir));
 * ```
 */
export function hot100Histories(data: Hot100Data): ArtistHistory[] {
  const links = new Map<string, CollaboratorLink[]>();
  const add = (from: string, to: string, since: string): void => {
    const link: CollaboratorLink = { artist: to, weight: 1, since: chartInstant(since) };
    const list = links.get(from);
    if (list) list.push(link);
    else links.set(from, [link]);
  };
  for (const e of data.edges) {
    add(e.a, e.b, e.since);
    add(e.b, e.a, e.since);
  }
  return data.artists.map((a) => {
    const events: RcfEvent[] = a.weeks.map((w) => ({ id: `${a.slug}@${w.date}`, type: 'chart_entry', at: chartInstant(w.date), weight: chartWeight(w.bestRank), region: 'us' }));
    return {
      record: { slug: a.slug, name: a.name, homeRegion: 'us', homeCity: null, firstSeen: chartInstant(a.firstChart) },
      tastemakers: [],
      collaborators: links.get(a.slug) ?? [],
      releases: [],
      campaigns: [],
      engagement: { start: a.firstChart, organic: [], paid: [] },
      articles: [],
      events,
      coherence: { start: a.firstChart, values: [] },
      memberships: [],
    };
  });
}

/**
 * Indexes who was on the chart each week, for the universe and the protocol.
 * @example
 * ```ts
 * chartIndex(data).get('2010-01-02'); // [{ slug, bestRank }, ...]
 * ```
 */
export function chartIndex(data: Hot100Data): Map<string, { readonly slug: string; readonly bestRank: number }[]> {
  const byDate = new Map<string, { slug: string; bestRank: number }[]>(data.chartDates.map((d) => [d, []]));
  for (const a of data.artists) for (const w of a.weeks) byDate.get(w.date)!.push({ slug: a.slug, bestRank: w.bestRank });
  return byDate;
}

/**
 * Builds the Hot 100 backtest world: `{ mig, rcf }` only, over an eager in-memory dataset.
 * `universe(T)` = artists on the chart in the {@link UNIVERSE_WEEKS} chart weeks up to T (T's own
 * chart included), in slug order: the peers a host tracking the chart would hold.
 * @example
 * ```ts
 * const world = createHot100World(loadHot100(dir));
 * world.universe(new Date('2018-01-06T00:00:00Z')).length;
 * ```
 */
export function createHot100World(data: Hot100Data): BacktestWorld {
  const dataset = createEagerDataset({ histories: hot100Histories(data) });
  const { mig, rcf } = createMemorySources(dataset);
  const byDate = chartIndex(data);
  const dates = data.chartDates;
  const cache = new Map<number, readonly string[]>();
  return {
    name: 'chart-protocol-a',
    sources: { mig, rcf },
    universe(asOf) {
      const t = asOf.getTime();
      const hit = cache.get(t);
      if (hit) return hit;
      const from = t - (UNIVERSE_WEEKS - 1) * 7 * DAY_MS;
      const slugs = new Set<string>();
      for (const d of dates) {
        const ms = dayStart(d);
        if (ms >= from && ms <= t) for (const e of byDate.get(d)!) slugs.add(e.slug);
      }
      const out = Object.freeze([...slugs].sort());
      cache.set(t, out);
      return out;
    },
  };
}

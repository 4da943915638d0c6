/**
 * @module bench/backtest/chart/world
 * A weekly chart as a host would plug it in: chart weeks are RCF events, co-credits are MIG
 * collaborator links, every other source is absent. Built with the in-memory sources, which
 * answer as of any instant.
 *
 * Mapping (the contracts' as-of rule for daily data: a value dated by a bare day `D` is known at
 * the end of `D`):
 * - MIG artist record: slug (see load.ts), credited name, `homeRegion: 'us'` (the charts are
 *   American; the artists' own regions are unknown), `homeCity: null`, `firstSeen` = the end of
 *   the first chart date, `debut` = the first chart date (the chart's history goes back to 1958 /
 *   1967, so this is the artist's debut on the chart, the nearest thing to a debut the data has).
 * - RCF: one `chart_entry` event per artist and chart week, `at` = the chart date as a bare day
 *   (known at the end of that day), `region: 'us'`, `weight = (chart size + 1) - best rank` (100
 *   for a number one on the Hot 100, 200 on the Billboard 200, 1 for the last place). The best
 *   rank rather than points summed over the artist's entries, so a reader can recover the chart
 *   position exactly; the number of entries that week is not carried.
 * - MIG collaborators: each co-credit edge in both directions, `since` = the first co-charting
 *   date as a bare day, `weight: 1`. Not the edge's song or album count: that counts works up to
 *   the end of the data, so it would leak the future into any cutoff.
 * - Engagement and coherence series are empty (the dataset type requires them; fusion and
 *   identityKernel are not served).
 */
import type { CollaboratorLink, MIGAdapter, RCFAdapter, RcfEvent } from 'scene-radar';
import { DAY_MS, dayOf, endOfDayInstant, observedAtMs } from '../../../src/core/time.js';
import { createEagerDataset, createMemorySources, type ArtistHistory } from 'scene-radar/adapters/memory';
import type { ChartData } from './load.js';

/**
 * RCF weight of a chart week: chart size + 1 minus the artist's best rank.
 * @example
 * ```ts
 * chartWeight(200, 1); // 200
 * ```
 */
export const chartWeight = (chartSize: number, bestRank: number): number => chartSize + 1 - bestRank;

/**
 * The artist histories of a chart, as the eager dataset takes them.
 * @example
 * ```ts
 * const histories = chartHistories(loadChart(dir, HOT100));
 * ```
 */
export function chartHistories(data: ChartData): ArtistHistory[] {
  const links = new Map<string, CollaboratorLink[]>();
  const add = (from: string, to: string, since: string): void => {
    const link: CollaboratorLink = { artist: to, weight: 1, since };
    const list = links.get(from);
    if (list) list.push(link);
    else links.set(from, [link]);
  };
  for (const e of data.edges) {
    add(e.a, e.b, e.since);
    add(e.b, e.a, e.since);
  }
  return data.artists.map((a) => {
    const events: RcfEvent[] = a.weeks.map((w) => ({
      id: `${a.slug}@${w.date}`,
      type: 'chart_entry',
      at: w.date,
      weight: chartWeight(data.chart.size, w.bestRank),
      region: 'us',
    }));
    return {
      record: {
        slug: a.slug,
        name: a.name,
        homeRegion: 'us',
        homeCity: null,
        firstSeen: endOfDayInstant(a.firstChart),
        debut: a.firstChart,
      },
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
 * The chart's sources: `{ mig, rcf }` only, over an eager in-memory dataset.
 * @example
 * ```ts
 * const sources = createChartSources(loadChart(dir, BB200));
 * ```
 */
export function createChartSources(data: ChartData): { readonly mig: MIGAdapter; readonly rcf: RCFAdapter } {
  const { mig, rcf } = createMemorySources(createEagerDataset({ histories: chartHistories(data) }));
  return { mig, rcf };
}

/**
 * Another way a host could map the same chart, to check that the score does not depend on the
 * mapping: `daily` turns each chart week into seven daily events (the week's seven days up to the
 * chart date, the same weight: a daily chart on which the artist stood all week); `reciprocal`
 * weighs a chart week `100 / rank` instead of `size + 1 - rank` (another measure of the same
 * standing, not a change of unit).
 */
export type ChartRemapping = 'daily' | 'reciprocal';

/**
 * `rcf` as it would read had the host mapped the chart the `remapping` way: the same weeks, read
 * through the same (guarded) source, each answer rewritten. Events stay oldest first and within
 * the call's window (a day before `from` is left out); nothing after a chart date is made up.
 * @example
 * ```ts
 * const daily = remappedChartRcf(sources.rcf, 'daily', 100);
 * ```
 */
export function remappedChartRcf(rcf: RCFAdapter, remapping: ChartRemapping, chartSize: number): RCFAdapter {
  const rewrite = (events: readonly RcfEvent[], fromMs: number): RcfEvent[] => {
    if (remapping === 'reciprocal')
      return events.map((e) => (e.type === 'chart_entry' ? { ...e, weight: 100 / (chartSize + 1 - e.weight) } : e));
    const out: RcfEvent[] = [];
    for (const e of events) {
      if (e.type !== 'chart_entry') {
        out.push(e);
        continue;
      }
      // A bare day stays a bare day; an instant (a source may answer the end of the day) an instant.
      const bare = e.at.length === 10;
      const observed = observedAtMs(e.at);
      for (let k = 6; k >= 0; k--) {
        const ms = observed - k * DAY_MS;
        if (ms >= fromMs)
          out.push({ ...e, id: `${e.id}~${6 - k}`, at: bare ? dayOf(ms - DAY_MS) : new Date(ms).toISOString() });
      }
    }
    return out;
  };
  return {
    ...rcf,
    async getEvents(slugs, options) {
      const got = await rcf.getEvents(slugs, options);
      const fromMs = options.from.getTime();
      return new Map([...got].map(([slug, events]) => [slug, rewrite(events, fromMs)] as const));
    },
  };
}

/**
 * @module bench/backtest/chart/protocol
 * The chart protocols (shared/data/README.md) as a host's backtest callbacks: who breaks into the
 * top 10 of a weekly chart. Protocol A on the Hot 100, protocol C on the Billboard 200. Every
 * window is counted in chart weeks, the chart's own dates, not in days: the Billboard 200 has an
 * extra chart (2018-01-03) between two Saturdays, and the README's figures count it as a week.
 * - Cutoffs: the chart dates at every `stepCharts`-th index of the chart's date list, from
 *   `firstCutoff`, `count` of them. A cutoff's instant is the end of its chart date (the next
 *   midnight UTC): the chart dated T is known, nothing later is.
 * - Candidates at T: artists with a chart week in the `lookbackCharts` chart dates up to T (T's
 *   own chart included) and no week in the top `topRank` on or before T.
 * - Label: a week in the top `topRank` on one of the `horizonWeeks` chart dates after T. On a
 *   regular weekly chart that is "within 26 weeks after T"; the harness guards the labels at
 *   T + `horizonWeeks` x 7 days, which the protocol checks is never shorter. With `climb`, another
 *   definition of breaking out: a week on those charts at a position no worse than the artist's
 *   best position up to T divided by `climb` (a climb from 60 to 30 halves it).
 * - Population (peers) at T: artists with a chart week in the `populationCharts` chart dates up to T.
 * Every callback reads the guarded sources the harness hands it (MIG lists the artists known at
 * T, RCF their chart weeks), as a host would; the chart's calendar (the list of chart dates, a
 * published schedule, not an outcome) is the only thing read from the loaded data.
 */
import type { MIGAdapter, RCFAdapter, RcfEvent, SceneRadarSources } from 'scene-radar';
import { DAY_MS, dayStart, observedAtMs } from '../../../src/core/time.js';
import type { BacktestCutoffSpec, BacktestOptions } from 'scene-radar/backtest';
import { listArtistSlugs } from '../suite.js';
import type { ChartData } from './load.js';
import { chartWeight } from './world.js';

/** A protocol's parameters. */
export interface ChartProtocol {
  /** The first cutoff, a chart date. */
  readonly firstCutoff: string;
  /** Number of cutoffs. */
  readonly count: number;
  /** Chart-date indices between cutoffs. */
  readonly stepCharts: number;
  /** Chart dates up to T in which a candidate must have charted. */
  readonly lookbackCharts: number;
  /** Chart dates after T on which a top-`topRank` week counts (26: half a year of weekly charts). */
  readonly horizonWeeks: number;
  /** Last day of the training half; later cutoffs are test cutoffs. */
  readonly trainUntil: string;
  /** Best rank that counts as "top 10". */
  readonly topRank: number;
  /** Chart dates up to T whose artists make up the population (peers). */
  readonly populationCharts: number;
  /**
   * Another definition of breaking out, for the default model's fit (bench/backtest/fit-defaults.ts):
   * the label is a week in the horizon at a position at most the artist's best position up to T
   * divided by `climb`, rounded down, instead of a top-`topRank` week. Unset: the top-`topRank` label.
   */
  readonly climb?: number;
}

/** Protocol A (Hot 100), with the cutoff dates that reproduce the README's baselines: 2010-03-06 to 2025-11-15. */
export const PROTOCOL_A: ChartProtocol = Object.freeze({
  firstCutoff: '2010-03-06',
  count: 64,
  stepCharts: 13,
  lookbackCharts: 8,
  horizonWeeks: 26,
  trainUntil: '2017-12-31',
  topRank: 10,
  populationCharts: 52,
});

/** Protocol C (Billboard 200): 2010-02-20 to 2025-10-25, the rest as protocol A. */
export const PROTOCOL_C: ChartProtocol = Object.freeze({ ...PROTOCOL_A, firstCutoff: '2010-02-20' });

/** Earlier than any chart: "everything up to T". */
export const BEGINNING = new Date(Date.UTC(1900, 0, 1));

/**
 * The instant a cutoff on chart date `date` is scored at: the end of that day.
 * @example
 * ```ts
 * cutoffInstant('2025-11-15').toISOString(); // '2025-11-16T00:00:00.000Z'
 * ```
 */
export const cutoffInstant = (date: string): Date => new Date(dayStart(date) + DAY_MS);

/**
 * The cutoff chart dates of a protocol. Throws if `firstCutoff` is not a chart date, the data
 * has too few charts, or a cutoff's horizon runs past the last chart or spans more than
 * `horizonWeeks` x 7 days (a gap in the calendar): each would silently change the protocol.
 * @example
 * ```ts
 * cutoffDates(data.chartDates, PROTOCOL_C).length; // 64
 * ```
 */
export function cutoffDates(chartDates: readonly string[], p: ChartProtocol): string[] {
  const first = chartDates.indexOf(p.firstCutoff);
  if (first < 0) throw new Error(`cutoff ${p.firstCutoff} is not a chart date in the data`);
  const last = chartDates[chartDates.length - 1]!;
  const out: string[] = [];
  for (let k = 0; k < p.count; k++) {
    const i = first + k * p.stepCharts;
    const d = chartDates[i];
    if (d === undefined) throw new Error(`cutoff ${k + 1} of ${p.count} lies past the last chart (${last})`);
    const end = chartDates[i + p.horizonWeeks];
    if (end === undefined)
      throw new Error(`cutoff ${d}: its ${p.horizonWeeks}-chart horizon runs past the last chart (${last})`);
    if (dayStart(end) - dayStart(d) > p.horizonWeeks * 7 * DAY_MS)
      throw new Error(`cutoff ${d}: its ${p.horizonWeeks} charts span more than ${p.horizonWeeks} weeks (to ${end})`);
    out.push(d);
  }
  return out;
}

function chartSources(sources: SceneRadarSources): { mig: MIGAdapter; rcf: RCFAdapter } {
  if (!sources.mig || !sources.rcf) throw new Error('the chart protocols need MIG and RCF sources');
  return { mig: sources.mig, rcf: sources.rcf };
}

const chartWeeks = (events: readonly RcfEvent[] | undefined): RcfEvent[] =>
  (events ?? []).filter((e) => e.type === 'chart_entry');

/** A chart's calendar: its dates, and when each became known. */
export interface ChartCalendar {
  /** The chart dates, oldest first. */
  readonly dates: readonly string[];
  /** Epoch ms at which chart `i` is known (the end of its date); clamped to the first and last. */
  knownAt(i: number): number;
  /** Index of the latest chart known at `asOf`, or -1. */
  lastKnown(asOf: Date): number;
}

/**
 * The calendar of a chart: windows of "the last n chart weeks" count the chart's own dates.
 * @example
 * ```ts
 * const cal = chartCalendar(['2020-01-04', '2020-01-11']);
 * cal.lastKnown(new Date('2020-01-12T00:00:00Z')); // 1
 * ```
 */
export function chartCalendar(dates: readonly string[]): ChartCalendar {
  const known = dates.map((d) => observedAtMs(d));
  return {
    dates,
    knownAt: (i) => known[Math.min(known.length - 1, Math.max(0, i))]!,
    lastKnown(asOf) {
      const t = asOf.getTime();
      let lo = 0;
      let hi = known.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (known[mid]! <= t) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return found;
    },
  };
}

/** The protocol's cutoffs and callbacks for {@link runBacktest}. */
export type ChartCallbacks = Pick<BacktestOptions, 'cutoffs' | 'horizonDays' | 'candidates' | 'labels' | 'population'>;

/**
 * The cutoffs and the `candidates`, `labels` and `population` callbacks of a protocol on a chart.
 * @example
 * ```ts
 * const result = await runBacktest({ name: 'c', sources: createChartSources(data), ...chartProtocol(data, PROTOCOL_C), baselines: chartBaselines(200) });
 * ```
 */
export function chartProtocol(data: ChartData, p: ChartProtocol): ChartCallbacks {
  const dates = cutoffDates(data.chartDates, p);
  const calendar = chartCalendar(data.chartDates);
  const threshold = chartWeight(data.chart.size, p.topRank);
  if (p.climb !== undefined && !(p.climb > 1)) throw new Error(`climb must be above 1 (got ${p.climb})`);
  /** The index of the cutoff's chart date (T), from its instant. */
  const indexOf = (asOf: Date): number => {
    const i = calendar.lastKnown(asOf);
    if (i < 0 || cutoffInstant(data.chartDates[i]!).getTime() !== asOf.getTime())
      throw new Error(`${asOf.toISOString()} is not the end of a chart date`);
    return i;
  };
  return {
    cutoffs: dates.map(
      (d): BacktestCutoffSpec => ({ asOf: cutoffInstant(d), split: d <= p.trainUntil ? 'train' : 'test' }),
    ),
    horizonDays: p.horizonWeeks * 7,
    async candidates({ asOf, sources, signal }) {
      const { mig, rcf } = chartSources(sources);
      const universe = await listArtistSlugs(mig, asOf, signal);
      const history = await rcf.getEvents(universe, { asOf, from: BEGINNING, signal });
      const from = calendar.knownAt(indexOf(asOf) - p.lookbackCharts + 1);
      const out = universe.filter((slug) => {
        const weeks = chartWeeks(history.get(slug));
        return weeks.some((e) => observedAtMs(e.at) >= from) && !weeks.some((e) => e.weight >= threshold);
      });
      return out.sort();
    },
    async population({ asOf, sources, signal }) {
      const { mig, rcf } = chartSources(sources);
      const universe = await listArtistSlugs(mig, asOf, signal);
      const from = calendar.knownAt(indexOf(asOf) - p.populationCharts + 1);
      const recent = await rcf.getEvents(universe, { asOf, from: new Date(from), signal });
      return universe.filter((slug) => chartWeeks(recent.get(slug)).some((e) => observedAtMs(e.at) >= from)).sort();
    },
    async labels({ asOf, until, candidates, sources, signal }) {
      const { rcf } = chartSources(sources);
      const end = calendar.knownAt(indexOf(asOf) + p.horizonWeeks);
      if (p.climb !== undefined) {
        const factor = p.climb;
        const all = await rcf.getEvents(candidates, { asOf: until, from: BEGINNING, signal });
        return new Map(
          candidates.map((slug) => {
            let before = data.chart.size + 1;
            let after = data.chart.size + 1;
            for (const e of chartWeeks(all.get(slug))) {
              const t = observedAtMs(e.at);
              const rank = data.chart.size + 1 - e.weight;
              if (t <= asOf.getTime()) before = Math.min(before, rank);
              else if (t <= end) after = Math.min(after, rank);
            }
            return [slug, after <= Math.floor(before / factor)] as const;
          }),
        );
      }
      const after = await rcf.getEvents(candidates, { asOf: until, from: new Date(asOf.getTime() + 1), signal });
      // A source may return older events too: only the horizon's charts count.
      return new Map(
        candidates.map(
          (slug) =>
            [
              slug,
              chartWeeks(after.get(slug)).some(
                (e) => e.weight >= threshold && observedAtMs(e.at) > asOf.getTime() && observedAtMs(e.at) <= end,
              ),
            ] as const,
        ),
      );
    },
  };
}

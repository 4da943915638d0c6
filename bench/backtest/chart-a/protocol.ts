/**
 * @module bench/backtest/chart-a/protocol
 * Protocol A on the Hot 100 (shared/data/README.md): who breaks into the top 10.
 * - Cutoffs: `count` chart dates `stepWeeks` weeks apart, the last one `lastCutoff`: with the
 *   defaults 2010-03-06, 2010-06-05, ..., 2025-11-15, 32 in 2010-2017 (train) and 32 in 2018-2025
 *   (test). The README says "every 13 weeks from 2010-01 to 2025-11 (64 cutoffs)"; these are the
 *   dates that reproduce its baseline AUCs exactly (counting forward from the first chart of 2010,
 *   2010-01-02 ... 2025-09-13, does not: docs/backtests.md gives both).
 * - Candidates at T: artists with a chart week in the `lookbackWeeks` chart weeks up to T (T's
 *   own chart included) and no week in the top 10 on or before T.
 * - Label: a week in the top 10 on a chart dated in (T, T + `horizonWeeks` weeks].
 */
import { addDays, dayStart } from 'scene-radar';
import type { BacktestCutoff } from '../scorer.js';
import type { Hot100Data } from './load.js';
import { chartIndex } from './world.js';

/** The protocol's parameters. */
export interface Hot100Protocol {
  /** The last cutoff, a chart date. */
  readonly lastCutoff: string;
  /** Number of cutoffs, counted back from `lastCutoff`. */
  readonly count: number;
  /** Weeks between cutoffs. */
  readonly stepWeeks: number;
  /** Chart weeks up to T in which a candidate must have charted. */
  readonly lookbackWeeks: number;
  /** Weeks after T in which a top 10 counts. */
  readonly horizonWeeks: number;
  /** Last day of the training half; later cutoffs are test cutoffs. */
  readonly trainUntil: string;
  /** Best rank that counts as "top 10". */
  readonly topRank: number;
}

/** Protocol A as the data README states it. */
export const PROTOCOL_A: Hot100Protocol = Object.freeze({
  lastCutoff: '2025-11-15',
  count: 64,
  stepWeeks: 13,
  lookbackWeeks: 8,
  horizonWeeks: 26,
  trainUntil: '2017-12-31',
  topRank: 10,
});

/**
 * The cutoff chart dates of a protocol. Throws if a step lands between charts or a cutoff's
 * horizon runs past the data, since either would silently change the protocol.
 * @example
 * ```ts
 * cutoffDates(data.chartDates, PROTOCOL_A).length; // 64
 * ```
 */
export function cutoffDates(chartDates: readonly string[], p: Hot100Protocol = PROTOCOL_A): string[] {
  const known = new Set(chartDates);
  const last = chartDates[chartDates.length - 1];
  if (last === undefined) return [];
  const out: string[] = [];
  for (let k = p.count - 1; k >= 0; k--) {
    const d = addDays(p.lastCutoff, -k * p.stepWeeks * 7);
    if (!known.has(d)) throw new Error(`cutoff ${d} is not a chart date in the data`);
    if (addDays(d, p.horizonWeeks * 7) > last) throw new Error(`cutoff ${d}: its ${p.horizonWeeks}-week horizon runs past the last chart (${last})`);
    out.push(d);
  }
  return out;
}

/**
 * The labelled cutoffs of the protocol: candidates in slug order, labels from the chart weeks
 * after T.
 * @example
 * ```ts
 * const cutoffs = buildHot100Cutoffs(loadHot100(dir));
 * cutoffs[0]?.candidates.length; // about 74
 * ```
 */
export function buildHot100Cutoffs(data: Hot100Data, p: Hot100Protocol = PROTOCOL_A): BacktestCutoff[] {
  const byDate = chartIndex(data);
  // The first top 10 of each artist decides both "never top 10 by T" and the label.
  const firstTop = new Map<string, string>();
  for (const a of data.artists) {
    const w = a.weeks.find((x) => x.bestRank <= p.topRank);
    if (w) firstTop.set(a.slug, w.date);
  }
  return cutoffDates(data.chartDates, p).map((t) => {
    const from = addDays(t, -(p.lookbackWeeks - 1) * 7);
    const horizon = addDays(t, p.horizonWeeks * 7);
    const recent = new Set<string>();
    for (const d of data.chartDates) if (d >= from && d <= t) for (const e of byDate.get(d)!) recent.add(e.slug);
    const candidates = [...recent].filter((s) => {
      const top = firstTop.get(s);
      return top === undefined || top > t;
    });
    candidates.sort();
    const labels = new Map(candidates.map((s) => [s, (firstTop.get(s) ?? '9999') <= horizon] as const));
    return { asOf: new Date(dayStart(t)), split: t <= p.trainUntil ? 'train' : 'test', candidates, labels } satisfies BacktestCutoff;
  });
}

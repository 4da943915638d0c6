/**
 * @module talent/activity
 * An artist's activity over the windows the breakout model reads, from one source: RCF events
 * (type-weighted event weight per day) or Fusion's organic daily engagement. Values stay in the
 * source's own units; the population step turns them into percentiles, so a chart position, a
 * stream count and a playlist reach all end up on the same 0-1 scale (docs/scoring.md).
 * Pure functions: no I/O, no clock.
 */
import { DAY_MS, parseInstant } from '../core/time.js';
import { daysFrom as daysBetween } from '../core/features/days.js';
import type { EngagementSeries, RcfEvent } from '../contracts/payloads.js';
import { regionKey } from '../core/region.js';

/** The windows an activity profile is summed over, in days (from the model config). */
export interface ActivityWindows {
  /** "Now": the most recent days. */
  readonly nowDays: number;
  /** The recent window (growth compares it with the one before). */
  readonly windowDays: number;
  /** The long window of growth (quarter vs the quarter before). */
  readonly quarterDays: number;
  /** Presence is counted over this many days (staying power). */
  readonly stayingDays: number;
  /** Peak and regions look back this far. */
  readonly historyDays: number;
}

/** Where an activity profile comes from. */
export type ActivityBasis = 'events' | 'engagement';

/**
 * Activity of one artist from one source, as of an instant. Sums are in the source's units
 * (event weight x type weight, or organic engagement); a day with nothing observed counts 0.
 */
export interface ActivityProfile {
  /** The source. */
  readonly basis: ActivityBasis;
  /** Activity over the last `nowDays` days. */
  readonly now: number;
  /** Activity over the last `windowDays` days. */
  readonly recent: number;
  /** Activity over the `windowDays` days before those. */
  readonly previous: number;
  /** Activity over the last `quarterDays` days. */
  readonly quarter: number;
  /** Activity over the `quarterDays` days before those. */
  readonly quarterBefore: number;
  /** Largest single-day activity over the last `historyDays` days. */
  readonly peak: number;
  /** Distinct days with activity in the last `stayingDays` days. */
  readonly presentDays: number;
  /** Distinct days with activity in the last `historyDays` days. */
  readonly presentDaysYear: number;
  /** Days since the most recent day with activity (0 = the last day), or null if none in the history. */
  readonly daysSinceLast: number | null;
  /** Days back to the earliest day observed in the history (the start of what the source showed). */
  readonly observedSpanDays: number;
  /** Median gap, in days, between consecutive days with events (null with fewer than two, and for daily series). */
  readonly medianGapDays: number | null;
}

/**
 * Largest weight one event counts for (type weight included): sums of millions of events stay
 * finite, so an absurd weight ranks its artist first instead of turning every sum into Infinity.
 */
export const MAX_EVENT_WEIGHT = 1e15;

/** Distinct regions of an artist's events. */
export interface RegionReach {
  /** Distinct regions with an event in the recent window. */
  readonly regions: number;
  /** Of those, regions with no event in the history before the recent window (null when there was no event before it). */
  readonly newRegions: number | null;
}

function median(xs: Float64Array): number | null {
  if (xs.length === 0) return null;
  xs.sort();
  const m = xs.length >> 1;
  return xs.length % 2 ? xs[m]! : (xs[m - 1]! + xs[m]!) / 2;
}

/** Scratch buckets (days back, value), reused by every call: summing needs no map per artist. */
let backs = new Float64Array(512);
let values = new Float64Array(512);

/**
 * Scratch for the median gap: the days present, then the gaps between them. Both hold whole
 * numbers of days (never -0 or NaN), so a numeric sort of a typed array orders them exactly as
 * `(a, b) => a - b` did, without an array and a sort's working copy per artist.
 */
let gapDays = new Float64Array(512);
let gapsBetween = new Float64Array(512);

/** Per day back, the bucket holding it (events' buckets), valid where `seen` holds the call's stamp. */
let slot = new Int32Array(512);
let seen = new Int32Array(512);
let stamp = 0;

/** The scratch buckets, with room for `n` buckets and days back below `n`. */
function scratch(n: number): void {
  if (backs.length >= n) return;
  backs = new Float64Array(n);
  values = new Float64Array(n);
  slot = new Int32Array(n);
  seen = new Int32Array(n);
  gapDays = new Float64Array(n);
  gapsBetween = new Float64Array(n);
}

/** `POWERS_OF_TEN[k]` is 10^k for k from 0 to 22, each exact in a double. */
const POWERS_OF_TEN = Float64Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * `x` rounded to 12 significant digits: sums of the same amounts added in other pieces (0.1 + 0.2
 * and 0.3, which differ in their last binary digit) become the same double and tie in the
 * standings, while any difference a source can mean (a few parts in a trillion at the least)
 * stays. Monotone, so it never reorders two sums; an integer below 10^12 is returned as it is. Like
 * any fixed rounding, two sums on either side of a rounding boundary (a 13th digit of 5) stay apart.
 * @example
 * ```ts
 * tidySum(0.1 + 0.2) === tidySum(0.3); // true
 * ```
 */
export function tidySum(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const e = Math.floor(Math.log10(x < 0 ? -x : x));
  // One multiplication or division by an exact power of ten, one rounding to an integer and one
  // back: each step is monotone, so the whole is. Outside the range where the power is exact
  // (below 1e-10, from 1e34), the correctly rounded decimal of the platform, slower.
  if (e >= -10 && e <= 11) {
    const scale = POWERS_OF_TEN[11 - e]!;
    return Math.round(x * scale) / scale;
  }
  if (e > 11 && e <= 33) {
    const unit = POWERS_OF_TEN[e - 11]!;
    return Math.round(x / unit) * unit;
  }
  return Number(x.toPrecision(12));
}

/**
 * Sums the first `count` scratch buckets ("days back", value), in their order, into the window
 * totals; the median gap between days present only when `gaps` (a daily series has none to estimate).
 */
function summarise(
  basis: ActivityBasis,
  count: number,
  observedSpanDays: number,
  w: ActivityWindows,
  gaps: boolean,
): ActivityProfile {
  let now = 0;
  let recent = 0;
  let previous = 0;
  let quarter = 0;
  let quarterBefore = 0;
  let peak = 0;
  let presentDays = 0;
  let presentDaysYear = 0;
  let last = Infinity;
  let days = 0;
  const horizon = Math.max(w.historyDays, 2 * w.quarterDays, 2 * w.windowDays);
  for (let i = 0; i < count; i++) {
    const back = backs[i]!;
    const v = values[i]!;
    if (back < 0 || back >= horizon) continue;
    if (back < w.nowDays) now += v;
    if (back < w.windowDays) recent += v;
    else if (back < 2 * w.windowDays) previous += v;
    if (back < w.quarterDays) quarter += v;
    else if (back < 2 * w.quarterDays) quarterBefore += v;
    if (back < w.historyDays) {
      presentDaysYear++;
      if (v > peak) peak = v;
      if (gaps) gapDays[days++] = back;
      if (back < last) last = back;
    }
    if (back < w.stayingDays) presentDays++;
  }
  let medianGapDays: number | null = null;
  if (gaps) {
    const sorted = gapDays.subarray(0, days).sort();
    const n = Math.max(0, days - 1);
    for (let i = 1; i < days; i++) gapsBetween[i - 1] = sorted[i]! - sorted[i - 1]!;
    medianGapDays = median(gapsBetween.subarray(0, n));
  }
  return {
    basis,
    now: tidySum(now),
    recent: tidySum(recent),
    previous: tidySum(previous),
    quarter: tidySum(quarter),
    quarterBefore: tidySum(quarterBefore),
    peak: tidySum(peak),
    presentDays,
    presentDaysYear,
    daysSinceLast: last === Infinity ? null : last,
    observedSpanDays,
    medianGapDays,
  };
}

/**
 * Activity from RCF events known at `asOfMs`: each event's weight times its type's weight,
 * bucketed by whole days before `asOfMs` (an event in the last 24 hours is day 0). Regions are
 * counted separately ({@link eventRegions}). Null when no event falls in the history window: an
 * empty feed says nothing about an artist. `times`, when given, are the events' instants already
 * parsed (`parseInstant(e.at)`, in order).
 * @example
 * ```ts
 * const a = eventActivity(events, Date.parse('2026-03-02T00:00:00Z'), { chart_entry: 1 }, windows);
 * a?.now; // type-weighted event weight over the last 7 days
 * ```
 */
export function eventActivity(
  events: readonly RcfEvent[],
  asOfMs: number,
  typeWeights: Readonly<Partial<Record<RcfEvent['type'], number>>>,
  w: ActivityWindows,
  times?: readonly number[],
): ActivityProfile | null {
  // Every sum stops at max(H + W, 2Q, 2W): the quarter before and the window before are whole
  // even when they reach past the history (a long quarter or window).
  const limit = Math.max(w.historyDays + w.windowDays, 2 * w.quarterDays, 2 * w.windowDays);
  scratch(limit);
  // Buckets by day back, in the order each day is first seen (the order the sums always ran in):
  // `slot[back]` is the bucket of `back` when `seen[back]` holds this call's stamp.
  if (++stamp > 0x3fffffff) {
    stamp = 1;
    seen.fill(0);
  }
  let n = 0;
  let oldest = -1;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const t = times ? times[i]! : parseInstant(e.at);
    if (!(t <= asOfMs)) continue;
    const back = Math.floor((asOfMs - t) / DAY_MS);
    if (back >= limit) continue;
    // A type weighted 0 is not activity at all (no presence, no recency, no gap), but it was
    // observed: it extends the span of a profile that has other events.
    if (back > oldest) oldest = back;
    const typeWeight = typeWeights[e.type] ?? 1;
    if (typeWeight === 0) continue;
    const add = Math.min(MAX_EVENT_WEIGHT, e.weight * typeWeight);
    if (seen[back] === stamp) {
      const k = slot[back]!;
      values[k] = values[k]! + add;
    } else {
      seen[back] = stamp;
      slot[back] = n;
      backs[n] = back;
      values[n++] = 0 + add;
    }
  }
  if (n === 0) return null;
  const profile = summarise('events', n, Math.min(oldest, w.historyDays - 1), w, true);
  return profile.daysSinceLast === null ? null : profile;
}

/**
 * Distinct regions of events in the recent window, and how many of them are new (no event there
 * in the history before the window). Null without a region-bearing event in the window (no reach
 * to measure); `newRegions` is null when the artist had no region-bearing event before the window
 * either (a debut is not a spread to new markets). `times`, when given, are the events' instants
 * already parsed (`parseInstant(e.at)`, in order).
 * @example
 * ```ts
 * eventRegions(events, asOfMs, 28, 364); // { regions: 3, newRegions: 1 }
 * ```
 */
export function eventRegions(
  events: readonly RcfEvent[],
  asOfMs: number,
  windowDays: number,
  historyDays: number,
  times?: readonly number[],
): RegionReach | null {
  const recent = new Set<string>();
  const before = new Set<string>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    // Markets, not spellings: `UK` and ` uk` are one region; the `unknown` placeholder is none.
    const region = regionKey(e.region);
    if (region === undefined) continue;
    const t = times ? times[i]! : parseInstant(e.at);
    if (!(t <= asOfMs)) continue;
    const back = (asOfMs - t) / DAY_MS;
    if (back < windowDays) recent.add(region);
    else if (back < windowDays + historyDays) before.add(region);
  }
  if (recent.size === 0) return null;
  let fresh = 0;
  for (const r of recent) if (!before.has(r)) fresh++;
  return { regions: recent.size, newRegions: before.size === 0 ? null : fresh };
}

/**
 * Activity from Fusion's organic daily engagement up to `endDay` (the last complete day before
 * the as-of instant): day 0 is `endDay`. Unknown days count 0. Null when no day of the history
 * window is known.
 * @example
 * ```ts
 * engagementActivity(series, '2026-03-01', windows)?.peak; // best day of the last year
 * ```
 */
export function engagementActivity(
  series: EngagementSeries,
  endDay: string,
  w: ActivityWindows,
): ActivityProfile | null {
  const endIdx = daysBetween(series.start, endDay);
  const horizon = Math.max(w.historyDays, 2 * w.quarterDays, 2 * w.windowDays);
  scratch(horizon);
  let n = 0;
  let oldest = -1;
  let known = 0;
  for (let back = 0; back < horizon; back++) {
    const i = endIdx - back;
    if (i < 0) break;
    if (i >= series.organic.length) continue;
    const v = series.organic[i];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    if (back < w.historyDays) {
      known++;
      oldest = back;
    }
    // A day with 0 engagement is known but shows no activity: it is not a day present.
    if (v > 0) {
      backs[n] = back;
      values[n++] = v;
    }
  }
  if (known === 0) return null;
  // A daily series has a daily cadence by contract: no gap to estimate.
  return summarise('engagement', n, oldest, w, false);
}

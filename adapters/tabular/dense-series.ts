/**
 * @module adapters/tabular/dense-series
 * Per-day rows to the dense daily series the contracts use (`{ start, values[] }`, null for an
 * unknown day). Days are handled as integers (days since the epoch) so a year of rows for
 * thousands of artists is placed without parsing dates twice.
 */
import { MAX_SERIES_DAYS } from '../../src/contracts/daily-values.js';
import { SceneRadarError } from '../../src/core/errors.js';
import { DAY_MS, dayOf, dayStart } from '../../src/core/time.js';

/** A shared span every series covers, first and last day inclusive. */
export interface SeriesSpan {
  /** First day, `YYYY-MM-DD`. */
  readonly start: string;
  /** Last day, `YYYY-MM-DD`, at or after `start`. */
  readonly end: string;
}

/** Epoch day number of a `YYYY-MM-DD` day. */
export const dayNumber = (day: string): number => Math.round(dayStart(day) / DAY_MS);
/** `YYYY-MM-DD` of an epoch day number. */
export const dayOfNumber = (n: number): string => dayOf(n * DAY_MS);

/** Checks a shared span once, up front (a host mistake, not a data problem). */
export function checkSpan(span: SeriesSpan): { first: number; last: number } {
  // A day that exists: `Date.parse` rolls `2025-02-30` over into March, so the day must read back as written.
  const isDay = (d: unknown): d is string => {
    if (typeof d !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
    try {
      return dayOfNumber(dayNumber(d)) === d;
    } catch {
      return false; // not a day at all (a RangeError from dayStart)
    }
  };
  if (typeof span !== 'object' || span === null || !isDay(span.start) || !isDay(span.end)) {
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `seriesSpan: start and end must be days (YYYY-MM-DD) that exist, got ${String(span?.start)} and ${String(span?.end)}`,
    );
  }
  const first = dayNumber(span.start);
  const last = dayNumber(span.end);
  if (last < first)
    throw new SceneRadarError('CONFIG_INVALID', `seriesSpan: end ${span.end} is before start ${span.start}`);
  if (last - first + 1 > MAX_SERIES_DAYS)
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `seriesSpan: ${last - first + 1} days is longer than the ${MAX_SERIES_DAYS} a series may hold`,
    );
  return { first, last };
}

/** One day's values of a series with `width` parallel arrays (engagement: organic and paid). */
export interface DayPoint {
  /** Epoch day number. */
  readonly day: number;
  /** One value per parallel array. */
  readonly values: readonly (number | null)[];
}

/**
 * Places points into `width` dense arrays over `[first, last]`; days without a point are null.
 * Points must lie inside the span (the caller has rejected the others).
 */
export function densify(
  points: readonly DayPoint[],
  width: number,
  first: number,
  last: number,
): { start: string; arrays: (number | null)[][] } {
  const length = last - first + 1;
  const arrays = Array.from({ length: width }, () => new Array<number | null>(Math.max(0, length)).fill(null));
  for (const p of points) for (let k = 0; k < width; k++) arrays[k]![p.day - first] = p.values[k] ?? null;
  return { start: dayOfNumber(first), arrays };
}

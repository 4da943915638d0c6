/**
 * @module core/features/series
 * Reading dense daily series (`{ start, values }`) by window, as of a day.
 */
import { dayStartOf as startOf } from './days.js';

/** A dense daily series of numbers (null = unknown day). */
export interface DenseSeries {
  /** Day of `values[0]`. */
  readonly start: string;
  /** One value per day. */
  readonly values: readonly (number | null)[];
}

/** Sum and count of known values in a window. */
export interface WindowSum {
  /** Sum of known values. */
  readonly sum: number;
  /** Days with a known value. */
  readonly known: number;
  /** Days in the window. */
  readonly days: number;
}

/**
 * Sums the known values of the `days` days ending at `endDay` (inclusive).
 * @example
 * ```ts
 * windowSum({ start: '2026-01-01', values: [1, 2, null, 4] }, '2026-01-04', 2); // { sum: 4, known: 1, days: 2 }
 * ```
 */
export function windowSum(series: DenseSeries, endDay: string, days: number): WindowSum {
  const offset = Math.round((startOf(endDay) - startOf(series.start)) / 86_400_000);
  let sum = 0;
  let known = 0;
  for (let i = Math.max(0, offset - days + 1); i <= offset && i < series.values.length; i++) {
    const v = series.values[i];
    if (v !== null && v !== undefined && Number.isFinite(v)) {
      sum += v;
      known++;
    }
  }
  return { sum, known, days };
}

/** Mean of the known values in a window, or null when none is known. */
export function windowMean(series: DenseSeries, endDay: string, days: number): number | null {
  const w = windowSum(series, endDay, days);
  return w.known === 0 ? null : w.sum / w.known;
}

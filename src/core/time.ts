/**
 * @module core/time
 * Calendar helpers on UTC days. A day is written `YYYY-MM-DD`; a daily value for day `d` is known
 * at the end of that day (`d + 24h`), which is what "as of" means for daily series.
 */

/** Milliseconds in one day. */
export const DAY_MS = 86_400_000;

/** The UTC day (`YYYY-MM-DD`) containing `ms`. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Epoch milliseconds of the start (00:00 UTC) of a `YYYY-MM-DD` day. */
export function dayStart(day: string): number {
  const t = Date.parse(`${day}T00:00:00.000Z`);
  if (!Number.isFinite(t)) throw new RangeError(`Invalid day: ${day}`);
  return t;
}

/** The day `n` days after `day` (negative `n` goes back). */
export function addDays(day: string, n: number): string {
  return dayOf(dayStart(day) + n * DAY_MS);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayStart(to) - dayStart(from)) / DAY_MS);
}

/**
 * The last day whose daily value is fully known at `asOfMs`: the day before the one containing
 * `asOfMs` (a day is complete at the midnight that ends it).
 */
export function lastCompleteDay(asOfMs: number): string {
  return dayOf(asOfMs - DAY_MS);
}

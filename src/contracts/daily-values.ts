/**
 * @module contracts/daily-values
 * The rule for a dense array of daily values, shared by the payload schemas and the gateway's
 * shortcut past Zod (internal: not exported from the package).
 */

/** Longest dense daily series accepted (about ten years). */
export const MAX_SERIES_DAYS = 3700;

/**
 * True if `v` is an array of at most {@link MAX_SERIES_DAYS} entries, each null or a finite number
 * within `[min, max]`. Checked in one loop rather than a schema per element: a year of history for
 * thousands of artists is validated at every read.
 */
export function isDailyValues(v: unknown, min: number, max: number): v is (number | null)[] {
  if (!Array.isArray(v) || v.length > MAX_SERIES_DAYS) return false;
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    if (x === null) continue;
    if (typeof x !== 'number' || !Number.isFinite(x) || x < min || x > max) return false;
  }
  return true;
}

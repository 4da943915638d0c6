/**
 * @module core/time
 * Calendar helpers on UTC days. A day is written `YYYY-MM-DD`; a daily value for day `d` is known
 * at the end of that day (`d + 24h`), which is what "as of" means for daily series.
 */

/** Milliseconds in one day. */
export const DAY_MS = 86_400_000;

/**
 * The instant a day-dated observation becomes known: the end of its day (the next midnight UTC),
 * as an ISO string. The one as-of rule for daily data: a value dated `D` is known at the end of `D`,
 * so a score as of a day boundary neither drops the day that just ended nor reads the one that
 * just began.
 * @example
 * ```ts
 * endOfDayInstant('2026-03-01'); // '2026-03-02T00:00:00.000Z'
 * ```
 */
export function endOfDayInstant(day: string): string {
  return new Date(dayStart(day) + DAY_MS).toISOString();
}

const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Epoch ms at which an observation stamped `stamp` is known: an instant as written, a bare day
 * (`YYYY-MM-DD`) at the end of that day ({@link endOfDayInstant}). NaN when neither.
 * @example
 * ```ts
 * observedAtMs('2026-03-01T12:00:00Z') === Date.parse('2026-03-01T12:00:00Z');
 * observedAtMs('2026-03-01') === Date.parse('2026-03-02T00:00:00Z');
 * ```
 */
export function observedAtMs(stamp: string): number {
  if (stamp.length === 10 && DAY_ONLY.test(stamp)) return dayStartOrNaN(stamp) + DAY_MS;
  return parseInstant(stamp);
}

/** The last instant {@link dayOf} was asked about and its day: the reads of one batch all ask for the same window start. */
let lastDayMs = Number.NaN;
let lastDay = '';

/** The UTC day (`YYYY-MM-DD`) containing `ms`. */
export function dayOf(ms: number): string {
  if (ms === lastDayMs) return lastDay;
  const day = new Date(ms).toISOString().slice(0, 10);
  lastDayMs = ms;
  lastDay = day;
  return day;
}

/** Epoch milliseconds of the start (00:00 UTC) of a `YYYY-MM-DD` day. */
export function dayStart(day: string): number {
  const t = dayStartOrNaN(day);
  if (Number.isNaN(t)) throw new RangeError(`Invalid day: ${day}`);
  return t;
}

/** {@link dayStart}, NaN for an invalid day. */
function dayStartOrNaN(day: string): number {
  // The common case without building a string for Date.parse (as parseInstant, and equal to it:
  // a day past the month's end rolls over in both); anything else goes to Date.parse as before.
  if (day.length === 10 && day.charCodeAt(4) === 45 /* - */ && day.charCodeAt(7) === 45) {
    const y = digits(day, 0, 4);
    const mo = digits(day, 5, 2);
    const d = digits(day, 8, 2);
    if (y >= 100 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31) return daysFromCivil(y, mo, d) * DAY_MS;
  }
  const t = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isFinite(t) ? t : Number.NaN;
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

const DIGIT0 = 48;
function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = s.charCodeAt(i) - DIGIT0;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Days from 1970-01-01 to year `y`, month `m` (1-12), day `d` of the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). Integer arithmetic only: several times cheaper than `Date.UTC`,
 * which dominated `parseInstant`. It is linear in `d`, so a day past the month's end rolls over
 * exactly as `Date.UTC` does.
 */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

/** An instant whose fraction of a second has a non-zero digit past the third. */
const SUB_MILLISECOND = /T\d{2}:\d{2}:\d{2}\.\d{3}\d*[1-9]/;

/**
 * Epoch ms of an ISO 8601 instant. The canonical UTC forms (`YYYY-MM-DDTHH:MM:SSZ` and
 * `YYYY-MM-DDTHH:MM:SS.sssZ`, what `toISOString` writes) take a fast path many times quicker
 * than `Date.parse`, with the same result; anything else (offsets, other precisions) is handed to
 * `Date.parse`. Returns NaN for an invalid instant. An observation is never dated early: digits
 * below the millisecond (`.000500Z`), which `Date.parse` drops, count as the next whole millisecond.
 * @example
 * ```ts
 * parseInstant('2026-11-24T00:00:00.000Z'); // 1795478400000
 * ```
 */
export function parseInstant(iso: string): number {
  const n = iso.length;
  // Separators by char code: indexing (`iso[4]`) makes one-character strings and cost more than the rest.
  if (
    (n === 20 || n === 24) &&
    iso.charCodeAt(n - 1) === 90 /* Z */ &&
    iso.charCodeAt(4) === 45 /* - */ &&
    iso.charCodeAt(7) === 45 &&
    iso.charCodeAt(10) === 84 /* T */ &&
    iso.charCodeAt(13) === 58 /* : */ &&
    iso.charCodeAt(16) === 58
  ) {
    const y = digits(iso, 0, 4);
    const mo = digits(iso, 5, 2);
    const d = digits(iso, 8, 2);
    const h = digits(iso, 11, 2);
    const mi = digits(iso, 14, 2);
    const se = digits(iso, 17, 2);
    const ms = n === 24 ? (iso.charCodeAt(19) === 46 /* . */ ? digits(iso, 20, 3) : -1) : 0;
    // Years below 100 are left to Date.parse (Date.UTC reads them as 1900 + y); a day past the
    // month's end rolls over, as Date.parse does in V8. Every value here is an exact integer far
    // inside the range of a Date, so this equals Date.UTC(y, mo - 1, d, h, mi, se, ms).
    if (
      y >= 100 &&
      mo >= 1 &&
      mo <= 12 &&
      d >= 1 &&
      d <= 31 &&
      h >= 0 &&
      h <= 23 &&
      mi >= 0 &&
      mi <= 59 &&
      se >= 0 &&
      se <= 59 &&
      ms >= 0
    ) {
      return daysFromCivil(y, mo, d) * DAY_MS + h * 3_600_000 + mi * 60_000 + se * 1000 + ms;
    }
  }
  const t = Date.parse(iso);
  // Digits below the millisecond (a PostgreSQL export writes microseconds) are dropped by
  // Date.parse, which would date an observation up to 1 ms early: known as of an instant it
  // follows. An instant with any of them counts from the next whole millisecond. (An as-of the
  // caller gives is read by `requireDate` through Date, to the millisecond it falls in.)
  return SUB_MILLISECOND.test(iso) ? t + 1 : t;
}

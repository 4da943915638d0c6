/**
 * @module core/features/days
 * The UTC-day helpers of core/time (`dayStart`, `dayOf`, `addDays`, `daysBetween`), with the same
 * results, remembered: a refresh works out the same few days (the as-of day, its window ends, the
 * series starts) for every artist, and turning them between text and epoch ms again each time was
 * a good part of the feature extraction. Bounded (emptied when full); nothing invalid is kept, so
 * what throws in core/time throws here too.
 */
import { DAY_MS, dayOf, dayStart } from '../time.js';

const LIMIT = 4096;
const starts = new Map<string, number>();
const names = new Map<number, string>();
/** Epoch ms within the range of a `Date` (beyond it `dayOf` throws). */
const MAX_MS = 8.64e15;

/** `dayStart(day)`: epoch ms of the start (00:00 UTC) of a `YYYY-MM-DD` day; throws as it does. */
export function dayStartOf(day: string): number {
  let t = starts.get(day);
  if (t === undefined) {
    t = dayStart(day);
    if (starts.size >= LIMIT) starts.clear();
    starts.set(day, t);
  }
  return t;
}

/**
 * `dayOf(ms)`: the UTC day containing `ms`. Remembered by day number for whole milliseconds in
 * the range of a `Date` (a `Date` truncates a fraction toward zero, which the day number does not
 * follow before 1970); anything else goes to `dayOf` every time.
 */
export function dayOfMs(ms: number): string {
  if (!Number.isInteger(ms) || ms > MAX_MS || ms < -MAX_MS) return dayOf(ms);
  const d = Math.floor(ms / DAY_MS);
  let name = names.get(d);
  if (name === undefined) {
    name = dayOf(ms);
    if (names.size >= LIMIT) names.clear();
    names.set(d, name);
  }
  return name;
}

/** `addDays(day, n)`: the day `n` days after `day`. */
export function addDaysTo(day: string, n: number): string {
  return dayOfMs(dayStartOf(day) + n * DAY_MS);
}

/** `daysBetween(from, to)`: whole days from `from` to `to`. */
export function daysFrom(from: string, to: string): number {
  return Math.round((dayStartOf(to) - dayStartOf(from)) / DAY_MS);
}

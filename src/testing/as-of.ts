/**
 * @module testing/as-of
 * Time checks shared by the source suites: nothing dated after `asOf`, daily series that stop at
 * the last complete day, and monotonicity (what was known earlier is still known later). Each
 * returns a description of the first problem, or `undefined`.
 */
import { addDays, DAY_MS, dayOf, dayStart, daysBetween, lastCompleteDay, observedAtMs } from '../core/time.js';

/** The first item whose instant is after `asOf`; `what` names the item (`event e1`). */
export function instantAfter<T>(
  items: readonly T[],
  what: (item: T) => string,
  at: (item: T) => string,
  asOf: Date,
): string | undefined {
  for (const item of items) {
    // A bare day is known at its end (docs/adapters.md), an instant when it is.
    const t = observedAtMs(at(item));
    if (t > asOf.getTime()) return `${what(item)} is dated ${at(item)}, after asOf ${asOf.toISOString()}`;
  }
  return undefined;
}

/**
 * The first item whose day is not over at `asOf` (a debut, a campaign's end: a day is known at
 * its end); items without one (`null`) are skipped.
 */
export function dayNotOver<T>(
  items: readonly T[],
  what: (item: T) => string,
  day: (item: T) => string | null | undefined,
  asOf: Date,
): string | undefined {
  for (const item of items) {
    const d = day(item);
    if (d != null && dayStart(d) + DAY_MS > asOf.getTime())
      return `${what(item)} is dated ${d}, a day not over at asOf ${asOf.toISOString()}`;
  }
  return undefined;
}

/** The first item whose day starts after `asOf` (a release or campaign start on that day). */
export function dayAfter<T>(
  items: readonly T[],
  what: (item: T) => string,
  day: (item: T) => string,
  asOf: Date,
): string | undefined {
  for (const item of items) {
    if (dayStart(day(item)) > asOf.getTime())
      return `${what(item)} is dated ${day(item)}, after asOf ${asOf.toISOString()}`;
  }
  return undefined;
}

/** A daily series that runs past the last day complete at `asOf` (a value not yet known). */
export function seriesPastAsOf(what: string, start: string, length: number, asOf: Date): string | undefined {
  if (length === 0) return undefined;
  const last = addDays(start, length - 1);
  const limit = lastCompleteDay(asOf.getTime());
  return last > limit ? `${what} runs to ${last}, past the last complete day ${limit}` : undefined;
}

/**
 * When the last day of a daily series became known (the end of that day, epoch ms), or
 * `undefined` for an empty series.
 */
export function seriesKnownAt(start: string, length: number): number | undefined {
  return length === 0 ? undefined : dayStart(addDays(start, length - 1)) + DAY_MS;
}

/** The first id known earlier that is missing later. */
export function missingId(what: string, earlier: readonly string[], later: readonly string[]): string | undefined {
  const seen = new Set(later);
  const lost = earlier.find((id) => !seen.has(id));
  return lost === undefined ? undefined : `${what} ${lost} was known at earlierAsOf but is gone at asOf`;
}

/**
 * The first day on which an earlier series had a value that the later series changed or dropped.
 * A day's value is final once the day is complete, so it must not move. Given the read's window
 * start `from`, days before it are not compared.
 */
export function seriesChanged<V>(
  what: string,
  earlier: { start: string; values: readonly V[] },
  later: { start: string; values: readonly V[] },
  from?: Date,
): string | undefined {
  const offset = daysBetween(later.start, earlier.start);
  // Days before the read's window are older data a source may return or not (the SDK trims
  // them): only the window's days must still be known.
  const first = from === undefined ? 0 : Math.max(0, daysBetween(earlier.start, dayOf(from.getTime())));
  for (let i = first; i < earlier.values.length; i++) {
    const before = earlier.values[i];
    const j = i + offset;
    const inRange = j >= 0 && j < later.values.length;
    if (!inRange && before === null) continue;
    const after = inRange ? later.values[j] : undefined;
    if (!Object.is(before, after)) {
      return `${what} for ${addDays(earlier.start, i)} was ${String(before)} at earlierAsOf but ${inRange ? String(after) : 'absent'} at asOf`;
    }
  }
  return undefined;
}

/** Joins optional problems, keeping the first. */
export function firstProblem(...problems: ReadonlyArray<string | undefined>): string | undefined {
  return problems.find((p) => p !== undefined);
}

/** The first pair of neighbours out of chronological order (lists are oldest first). */
export function notOldestFirst<T>(
  items: readonly T[],
  what: string,
  time: (item: T) => number,
  label: (item: T) => string,
): string | undefined {
  for (let i = 1; i < items.length; i++) {
    const a = items[i - 1]!;
    const b = items[i]!;
    if (time(b) < time(a)) return `${what} ${label(b)} comes after the later ${what} ${label(a)}`;
  }
  return undefined;
}

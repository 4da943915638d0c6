/**
 * @module core/clock
 * The injected clock. Every computation is "as of" a time; nothing reads the wall clock directly.
 */

import { describeError } from './describe-error.js';
import { SceneRadarError } from './errors.js';
import { isDateText } from './validation.js';

/** A source of the current time, in epoch milliseconds. */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
}

/** The wall clock (`Date.now`). */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * An instant given as a Date, epoch ms or text (a day, or an ISO instant with `Z` or an offset),
 * in epoch ms; a RangeError naming `what` (`start time`, `time`) when it is not one.
 */
function instantOf(at: Date | string | number, what: string): number {
  const ms = typeof at === 'string' && !isDateText(at) ? Number.NaN : new Date(at).getTime();
  if (!Number.isFinite(ms))
    throw new RangeError(
      `fixedClock: invalid ${what} ${String(at)} (a Date, epoch ms, a day YYYY-MM-DD or an ISO 8601 instant with Z or an offset)`,
    );
  return ms;
}

/**
 * A clock that returns a fixed instant until moved; for tests, backtests and replays. Text is a
 * day `YYYY-MM-DD` (its midnight, UTC) or an ISO 8601 instant with `Z` or an offset: a date-time
 * without a zone would name another instant in every time zone, and is a RangeError.
 * @example
 * ```ts
 * const clock = fixedClock('2026-01-01T00:00:00Z');
 * clock.advance(60_000);
 * ```
 */
export function fixedClock(start: Date | string | number): Clock & {
  /** Moves the clock to an instant (a Date, an ISO string with a zone, or epoch ms); throws a RangeError if invalid. */
  set(to: Date | string | number): void;
  /** Moves the clock by `ms` milliseconds (negative moves it back); throws a RangeError, the clock unmoved, past the range a `Date` holds. */
  advance(ms: number): void;
} {
  let t = instantOf(start, 'start time');
  return {
    now: () => t,
    set(to) {
      t = instantOf(to, 'time');
    },
    advance(ms) {
      const next = t + ms;
      // Within the range of a Date (+-8.64e15 ms), as `set` requires: past it `now()` would be an instant no Date holds.
      if (!Number.isFinite(next) || Number.isNaN(new Date(next).getTime()))
        throw new RangeError(`fixedClock: invalid step ${String(ms)}`);
      t = next;
    },
  };
}

/** The range of epoch ms a `Date` holds. */
const MAX_DATE_MS = 8.64e15;

/**
 * `clock` read through a guard: a `now()` that throws, or answers anything but epoch ms a `Date`
 * holds (NaN, text, a value past the year 275760), is a `CONFIG_INVALID` error naming the clock,
 * not a raw `RangeError` (or the host's own error) deep inside a read. The radar checks the clock
 * once when it is made; this keeps a clock that breaks later from failing reads without a code.
 * @internal
 */
export function guardedClock(clock: Clock): Clock {
  return {
    now(): number {
      let ms: unknown;
      try {
        ms = clock.now();
      } catch (error) {
        throw new SceneRadarError(
          'CONFIG_INVALID',
          `clock: its now() threw (${describeError(error, { name: false })})`,
        );
      }
      if (typeof ms !== 'number' || !(Math.abs(ms) <= MAX_DATE_MS))
        throw new SceneRadarError(
          'CONFIG_INVALID',
          `clock: its now() must answer epoch ms a Date holds (a finite number), got ${typeof ms === 'number' ? String(ms) : typeof ms}`,
        );
      return ms;
    },
  };
}

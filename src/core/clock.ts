/**
 * @module core/clock
 * The injected clock. Every computation is "as of" a time; nothing reads the wall clock directly.
 */

/** A source of the current time, in epoch milliseconds. */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
}

/** The wall clock (`Date.now`). */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that returns a fixed instant until moved; for tests, backtests and replays.
 * @example
 * ```ts
 * const clock = fixedClock('2026-01-01T00:00:00Z');
 * clock.advance(60_000);
 * ```
 */
export function fixedClock(start: Date | string | number): Clock & {
  /** Moves the clock to an instant (a Date, an ISO string or epoch ms); throws a RangeError if invalid. */
  set(to: Date | string | number): void;
  /** Moves the clock by `ms` milliseconds (negative moves it back). */
  advance(ms: number): void;
} {
  let t = new Date(start).getTime();
  if (!Number.isFinite(t)) throw new RangeError(`fixedClock: invalid start time ${String(start)}`);
  return {
    now: () => t,
    set(to) {
      const next = new Date(to).getTime();
      if (!Number.isFinite(next)) throw new RangeError(`fixedClock: invalid time ${String(to)}`);
      t = next;
    },
    advance(ms) {
      const next = t + ms;
      if (!Number.isFinite(next)) throw new RangeError(`fixedClock: invalid step ${String(ms)}`);
      t = next;
    },
  };
}

/**
 * The remembered day helpers of core/features/days give exactly what core/time gives (and throw
 * where it throws), whatever was asked before: the feature extraction relies on it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDaysTo, dayOfMs, dayStartOf, daysFrom } from '../../src/core/features/days.js';
import { addDays, DAY_MS, dayOf, dayStart, daysBetween } from '../../src/core/time.js';

/** What `fn` returns, or the error it throws (name and message). */
const outcome = <T>(fn: () => T): T | string => {
  try {
    return fn();
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
};

const msArb = fc.oneof(
  fc.integer({ min: -3e12, max: 3e12 }),
  fc.double({ min: -3e12, max: 3e12, noNaN: false }),
  fc.constantFrom(-0.5, -1, 0, 8.64e15, -8.64e15, 8.64e15 + 1, Number.NaN, Infinity, DAY_MS - 1, -DAY_MS),
);
const dayArb = fc.oneof(
  fc.integer({ min: -20000, max: 60000 }).map((d) => new Date(d * DAY_MS).toISOString().slice(0, 10)),
  fc.constantFrom('2026-02-30', 'not a day', '', '2026-1-1'),
);

describe('remembered day helpers', () => {
  it('dayOfMs and dayStartOf match dayOf and dayStart', () => {
    fc.assert(
      fc.property(fc.array(msArb, { minLength: 1, maxLength: 20 }), fc.array(dayArb, { maxLength: 20 }), (ms, days) => {
        for (const m of ms) expect(outcome(() => dayOfMs(m))).toEqual(outcome(() => dayOf(m)));
        for (const d of days) expect(outcome(() => dayStartOf(d))).toEqual(outcome(() => dayStart(d)));
      }),
      { numRuns: 300 },
    );
  });

  it('addDaysTo and daysFrom match addDays and daysBetween', () => {
    fc.assert(
      fc.property(dayArb, dayArb, fc.integer({ min: -800, max: 800 }), (a, b, n) => {
        expect(outcome(() => addDaysTo(a, n))).toEqual(outcome(() => addDays(a, n)));
        expect(outcome(() => daysFrom(a, b))).toEqual(outcome(() => daysBetween(a, b)));
      }),
      { numRuns: 300 },
    );
  });
});

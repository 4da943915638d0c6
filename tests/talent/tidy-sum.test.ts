/**
 * `tidySum`, the rounding of activity sums before the standings (docs/scoring.md, section 4):
 * sums of the same amounts in other pieces become one double, and nothing else moves.
 */
import { describe, expect, it } from 'vitest';
import { tidySum } from '../../src/talent/activity.js';

describe('tidySum', () => {
  it('makes sums added in other pieces the same double (0.1 + 0.2 and 0.3; a day of ten 0.1s and 1)', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(tidySum(0.1 + 0.2)).toBe(tidySum(0.3));
    let ten = 0;
    for (let i = 0; i < 10; i++) ten += 0.1;
    expect(ten).not.toBe(1);
    expect(tidySum(ten)).toBe(1);
    expect(tidySum(-(0.1 + 0.2))).toBe(-tidySum(0.3));
    expect(tidySum(1e20 * (0.1 + 0.2))).toBe(tidySum(3e19));
    expect(tidySum(1e-20 * (0.1 + 0.2))).toBe(tidySum(3e-21));
  });

  it('returns integers below 10^12, 0, -0 and non-finite values as they are', () => {
    for (const x of [1, 7, 101, 5_050, 999_999_999_999, 123_456_789_012, -42]) expect(tidySum(x)).toBe(x);
    expect(Object.is(tidySum(-0), -0)).toBe(true);
    expect(tidySum(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(tidySum(Number.NaN)).toBeNaN();
    expect(tidySum(Number.MAX_VALUE)).toBeGreaterThan(1e307);
    expect(tidySum(5e-324)).toBe(5e-324);
  });

  it('keeps 12 significant digits and never reorders two sums', () => {
    expect(tidySum(1.23456789012345)).toBe(1.23456789012);
    expect(tidySum(0.000123456789012345)).toBe(0.000123456789012);
    expect(tidySum(1.00000000001)).toBeGreaterThan(tidySum(1));
    expect(tidySum(1.000000000001)).toBe(1);
    let seed = 11;
    const next = (): number => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const xs = Array.from({ length: 5_000 }, () => (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20)).sort(
      (a, b) => a - b,
    );
    for (let i = 1; i < xs.length; i++) expect(tidySum(xs[i]!)).toBeGreaterThanOrEqual(tidySum(xs[i - 1]!));
    // Neighbours just below a power of ten, where a power of ten that is not exact in a double
    // reversed them (todays-changes-17): 9.999999999999977e-12 above 9.99999999999998e-12.
    expect(tidySum(9.999999999999977e-12)).toBeLessThanOrEqual(tidySum(9.99999999999998e-12));
    for (let k = -40; k <= 40; k++) {
      const x = Number(`1e${k}`);
      for (let j = -400; j < 400; j++) {
        const y = x + (Number.EPSILON * x * j) / 4;
        expect(tidySum(y + (Number.EPSILON * x) / 3)).toBeGreaterThanOrEqual(tidySum(y));
      }
    }
    for (const x of xs) expect(Math.abs(tidySum(x) - x)).toBeLessThanOrEqual(Math.abs(x) * 1e-11);
  });
});

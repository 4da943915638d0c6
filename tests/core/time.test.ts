import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  dayOf,
  dayStart,
  daysBetween,
  lastCompleteDay,
  observedAtMs,
  parseInstant,
} from '../../src/core/time.js';

describe('parseInstant', () => {
  it('agrees with Date.parse on every canonical instant', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        (d) => {
          const iso = d.toISOString();
          expect(parseInstant(iso)).toBe(Date.parse(iso));
          const noMs = `${iso.slice(0, 19)}Z`;
          expect(parseInstant(noMs)).toBe(Date.parse(noMs));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('agrees with Date.parse on other forms and on garbage', () => {
    for (const s of [
      '2026-11-24T10:00:00+02:00',
      '2026-11-24',
      '2026-02-31T00:00:00Z',
      '2026-13-01T00:00:00.000Z',
      '2026-11-24T24:00:00Z',
      'not a date',
      '',
      '2024-02-29T12:00:00.000Z',
      '2023-02-29T12:00:00.000Z',
    ]) {
      const a = parseInstant(s);
      const b = Date.parse(s);
      expect(Number.isNaN(a) ? 'NaN' : a, s).toBe(Number.isNaN(b) ? 'NaN' : b);
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (s) => {
        const a = parseInstant(s);
        const b = Date.parse(s);
        expect(Number.isNaN(a) ? 'NaN' : a).toBe(Number.isNaN(b) ? 'NaN' : b);
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('dayStart', () => {
  /** What dayStart computed before its fast path, kept as the oracle. */
  const oracle = (day: string): number | 'throws' => {
    const t = Date.parse(`${day}T00:00:00.000Z`);
    return Number.isFinite(t) ? t : 'throws';
  };
  const actual = (day: string): number | 'throws' => {
    try {
      return dayStart(day);
    } catch (e) {
      expect(e).toBeInstanceOf(RangeError);
      return 'throws';
    }
  };

  it('agrees with Date.parse on every day, on days past the month end and on garbage', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        (d) => {
          const day = d.toISOString().slice(0, 10);
          expect(actual(day)).toBe(oracle(day));
        },
      ),
      { numRuns: 20_000 },
    );
    const digit = fc.constantFrom(...'0123456789');
    const dayLike = fc
      .tuple(
        fc.array(digit, { minLength: 4, maxLength: 4 }),
        fc.array(digit, { minLength: 2, maxLength: 2 }),
        fc.array(digit, { minLength: 2, maxLength: 2 }),
      )
      .map(([y, m, d]) => `${y.join('')}-${m.join('')}-${d.join('')}`);
    fc.assert(
      fc.property(fc.oneof(dayLike, fc.string({ maxLength: 12 })), (day) => {
        expect(actual(day)).toBe(oracle(day));
        // A bare day is observed at the end of that day (the oracle: the code before the fast path).
        if (/^\d{4}-\d{2}-\d{2}$/.test(day)) {
          const o = oracle(day);
          expect(observedAtMs(day)).toBe(o === 'throws' ? Number.NaN : o + 86_400_000);
        }
      }),
      { numRuns: 20_000 },
    );
    for (const day of [
      '2026-02-30',
      '2026-02-31',
      '2026-02-32',
      '2026-00-10',
      '0099-01-01',
      '2026-1-01',
      '2026/01/01',
      '',
    ])
      expect(actual(day), day).toBe(oracle(day));
  });
});

describe('days', () => {
  it('round-trips and counts days', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 80_000 }), fc.integer({ min: -2000, max: 2000 }), (d, n) => {
        const day = dayOf(d * 86_400_000);
        expect(dayOf(dayStart(day))).toBe(day);
        expect(daysBetween(day, addDays(day, n))).toBe(n);
      }),
    );
  });

  it('the last complete day is the day before the one containing the instant', () => {
    expect(lastCompleteDay(Date.parse('2026-11-24T00:00:00.000Z'))).toBe('2026-11-23');
    expect(lastCompleteDay(Date.parse('2026-11-24T23:59:59.999Z'))).toBe('2026-11-23');
  });
});

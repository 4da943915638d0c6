/**
 * The tabular shortcuts past Zod (adapters/tabular/fast-rows.ts) are held to their row schemas: for
 * any row, a shortcut either declines (the schema then reads the row) or returns exactly what the
 * schema returns. Rows are generated from cells near the edges: blanks, whitespace, bad slugs,
 * instants with and without fractions, offsets, impossible dates, leap days, bare days, numbers
 * written every way, JSON values instead of text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAST_ROWS } from '../../adapters/tabular/fast-rows.js';
import { EventRowSchema } from '../../adapters/tabular/row-schemas.js';

const pad = (s: string): fc.Arbitrary<string> =>
  fc.constantFrom('', ' ', '\t', '\u00a0').chain((l) => fc.constantFrom('', ' ', '\n').map((r) => `${l}${s}${r}`));

const slug = fc.oneof(
  fc.constantFrom(
    'nova-static',
    'a',
    'artist-00001',
    'x'.repeat(128),
    'x'.repeat(129),
    'Nova',
    'a--b',
    '-a',
    'a_b',
    '',
  ),
  fc.stringMatching(/^[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}$/),
);
const day = fc.oneof(
  fc.constantFrom('2024-02-29', '2023-02-29', '1900-02-29', '2000-02-29', '2025-04-31', '2025-13-01', '0999-01-01'),
  fc.constantFrom('9998-12-31', '9999-12-31', '1000-01-01', '2025-1-01', '2025-00-10'),
  fc
    .tuple(fc.integer({ min: 900, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
    .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
);
const time = fc.oneof(
  fc.constantFrom('00:00:00', '23:59:59', '24:00:00', '12:60:00', '12:00:60', '1:00:00'),
  fc
    .tuple(fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }))
    .map(([h, m, s]) => [h, m, s].map((x) => String(x).padStart(2, '0')).join(':')),
);
const instant = fc.oneof(
  day,
  fc
    .tuple(
      day,
      time,
      fc.constantFrom('', '.0', '.123', '.1234567', '.', '.x'),
      fc.constantFrom('Z', 'z', '+01:00', '', '-05:30'),
    )
    .map(([d, t, f, z]) => `${d}T${t}${f}${z}`),
  fc.constantFrom('2025-03-01 10:00:00Z', 'yesterday', ''),
);
const number = fc.oneof(
  fc.constantFrom('0', '-0', '1.5', ' 2 ', '1e3', '0x10', '-1', 'NaN', 'Infinity', '', ' ', '12abc', '.5', '5.'),
  fc.double({ noNaN: false }).map(String),
  fc.double({ noNaN: false }),
  fc.integer(),
);
const text = (max: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.constantFrom('', '  ', 'uk', 'x'.repeat(max), 'x'.repeat(max + 1), ` ${'y'.repeat(max)} `),
    fc.string({ maxLength: 8 }),
    fc.integer(),
  );
const type = fc.oneof(
  fc.constantFrom('playlist_add', 'radio_play', 'chart_entry', 'social_spike', 'sync_placement', 'live_show'),
  fc.constantFrom('Playlist_add', 'concert', '', 'toString', '__proto__'),
);

const cell = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: arb.chain((v): fc.Arbitrary<unknown> => (typeof v === 'string' ? pad(v) : fc.constant(v))),
    },
    fc.constant(undefined),
  );

const eventRow = fc.record(
  {
    artist: cell(slug),
    id: text(256),
    type: cell(type),
    at: cell(instant),
    weight: cell(number),
    region: text(64),
  },
  { requiredKeys: [] },
);

/** Rows that are mostly valid, so the shortcut is taken often (and its edges met). */
const plainInstant = fc
  .tuple(
    fc.date({ min: new Date('0900-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
    fc.constantFrom('ms', 's', 'day', 'frac'),
  )
  .map(([d, form]) => {
    const iso = d.toISOString();
    return form === 'ms'
      ? iso
      : form === 's'
        ? `${iso.slice(0, 19)}Z`
        : form === 'day'
          ? iso.slice(0, 10)
          : `${iso.slice(0, 19)}.5Z`;
  });
const plainRow = fc.record({
  artist: fc
    .oneof({ weight: 5, arbitrary: fc.stringMatching(/^[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}$/) }, slug)
    .chain(pad),
  id: fc.oneof(fc.constant(''), fc.constant(undefined), fc.stringMatching(/^[a-z0-9-]{1,20}$/), text(256)),
  type: fc.oneof({ weight: 5, arbitrary: type }, fc.constant(' radio_play ')),
  at: fc.oneof({ weight: 5, arbitrary: plainInstant }, instant).chain(pad),
  weight: fc.oneof(
    { weight: 3, arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }).map((x) => x.toFixed(2)) },
    number,
  ),
  region: fc.oneof(fc.constantFrom('uk', 'us', '', ' de '), text(64)),
});

describe('tabular fast rows', () => {
  it('an events shortcut declines or returns exactly the schema output', () => {
    const fast = FAST_ROWS.events!();
    let taken = 0;
    fc.assert(
      fc.property(fc.oneof(eventRow, plainRow), fc.boolean(), (row, prototypeLess) => {
        const input = prototypeLess ? Object.assign(Object.create(null) as object, row) : row;
        const quick = fast(input as Record<string, unknown>);
        if (quick === undefined) return;
        taken++;
        const parsed = EventRowSchema.safeParse(input);
        expect(parsed.success).toBe(true);
        expect(Object.keys(quick)).toEqual(Object.keys(parsed.data!));
        expect(quick).toStrictEqual(parsed.data);
        expect(Object.is(quick.weight, parsed.data!.weight)).toBe(true);
      }),
      { numRuns: 5000 },
    );
    // The shortcut is not vacuous: a good share of the generated rows are plainly valid.
    expect(taken).toBeGreaterThan(500);
  }, 60_000);

  it('takes the common CSV row', () => {
    const fast = FAST_ROWS.events!();
    const row = { artist: 'nova-static', id: '', type: 'radio_play', at: '2025-03-01', weight: '2.5', region: 'uk' };
    expect(fast(row)).toEqual({
      artist: 'nova-static',
      id: null,
      type: 'radio_play',
      at: '2025-03-02T00:00:00.000Z',
      weight: 2.5,
      region: 'uk',
    });
    expect(fast({ ...row, at: '2025-03-01T10:00:00+01:00' })).toBeUndefined();
  });
});

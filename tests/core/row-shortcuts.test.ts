import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { parseRow, rowShortcut } from '../../src/stores/row-shortcuts.js';
import { SceneMembershipRowSchema, TalentArtistRowSchema } from '../../src/stores/tables.js';
import { memoryScenesStores } from '../../src/stores.js';

// Each row shortcut must accept exactly what its table's schema accepts and return exactly what
// Zod's safeParse returns (keys, their order, copies); anything it refuses goes to Zod, whose
// error the stores report. These are the rows a refresh writes by the thousand.

const any = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.string({ maxLength: 3 }),
  fc.constant([]),
  fc.constant({}),
);
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: good, weight: 30 }, { arbitrary: bad, weight: 1 });
const text = (max: number, min = 1) =>
  mostly(
    fc.oneof(fc.string({ minLength: min, maxLength: 12 }), fc.constantFrom('É', 'x'.repeat(max))),
    fc.constantFrom(...(min > 0 ? [''] : []), 'a\u0000b', 'lone \ud800', 'x'.repeat(max + 1), 7),
  );
const slug = mostly(
  fc.constantFrom('indie-uk', 'a1', 'x'.repeat(128)),
  fc.constantFrom('', 'Not Slug', 'a--b', 'x'.repeat(129), 3),
);
const instant = mostly(
  fc.oneof(
    fc.constantFrom('2026-02-28T10:00:00Z', '2024-02-29T10:00:00.5+02:00', '2026-01-01T00:00:00.000Z'),
    fc
      .date({ min: new Date('1990-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
  ),
  fc.constantFrom('2026-02-29T00:00:00Z', '2026-01-01T25:00:00Z', '2026-01-01', 'yesterday', '', 0),
);
const between = (lo: number, hi: number) =>
  mostly(
    fc.oneof(fc.double({ min: lo, max: hi, noNaN: true }), fc.constantFrom(lo, hi, -0)),
    fc.constantFrom(lo - 0.1, hi + 0.1, Number.NaN, Number.POSITIVE_INFINITY, '0.5', null),
  );
const count = mostly(
  fc.oneof(fc.nat(1000), fc.constant(2 ** 53 - 1)),
  fc.constantFrom(-1, 0.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, '1'),
);
const listOf = <T>(item: fc.Arbitrary<T>, max: number) =>
  mostly(fc.array(item, { maxLength: 3 }), fc.oneof(any, fc.constant(new Array(max + 1).fill('a'))));

const membershipRow = mostly(
  fc.record(
    {
      scene_slug: slug,
      artist_slug: slug,
      confidence: between(0, 1),
      sound: between(0, 1),
      place: between(0, 1),
      people: between(0, 1),
      microgenres: listOf(slug, 64),
      reasons: listOf(text(512, 0), 16),
      joined_at: instant,
      as_of: instant,
      updated_at: instant,
      extra: any,
    },
    { requiredKeys: ['scene_slug', 'artist_slug', 'confidence', 'sound', 'place', 'people', 'microgenres', 'reasons'] },
  ),
  any,
);
const talentRow = mostly(
  fc.record(
    {
      artist_slug: slug,
      scene_slug: fc.oneof(slug, fc.constant(null)),
      microgenres: listOf(slug, 64),
      momentum: between(0, 100),
      creative_shift: between(0, 1),
      coverage_velocity: mostly(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constantFrom(-1, Infinity)),
      press_quality: between(0, 1),
      mig_connectivity: between(0, 1),
      breakout_score: between(0, 1),
      risk_score: between(0, 1),
      metadata: mostly(
        fc.record(
          {
            migCentrality: between(0, 1),
            tastemakerConnections: count,
            sceneConfidence: between(0, 1),
            campaignCount: count,
            other: any,
          },
          { requiredKeys: ['migCentrality', 'tastemakerConnections', 'sceneConfidence', 'campaignCount'] },
        ),
        any,
      ),
      confidence: between(0, 1),
      as_of: instant,
      model_version: text(64),
      updated_at: instant,
      extra: any,
    },
    {
      requiredKeys: [
        'artist_slug',
        'scene_slug',
        'microgenres',
        'momentum',
        'creative_shift',
        'coverage_velocity',
        'press_quality',
        'mig_connectivity',
        'breakout_score',
        'risk_score',
        'metadata',
        'confidence',
      ],
    },
  ),
  any,
);

const cases: Array<[string, z.ZodType, fc.Arbitrary<unknown>]> = [
  ['scene_memberships', SceneMembershipRowSchema, membershipRow],
  ['talent_radar_artists', TalentArtistRowSchema, talentRow],
];

describe('row shortcuts for the tables a refresh writes by the thousand', () => {
  it.each(cases)(
    '%s: the shortcut accepts exactly what Zod accepts and returns what Zod returns, keys in order',
    (name, schema, arb) => {
      const shortcut = rowShortcut(schema);
      expect(shortcut).toBeTypeOf('function');
      let accepted = 0;
      let refused = 0;
      for (const value of fc.sample(arb, { numRuns: 3000, seed: 11 })) {
        const want = schema.safeParse(value);
        const fast = shortcut!(value);
        if (want.success) {
          accepted++;
          expect(fast).toStrictEqual(want.data);
          // The stored bytes: same keys in the same order (toStrictEqual ignores order).
          expect(JSON.stringify(fast)).toBe(JSON.stringify(want.data));
          expect(
            Object.is((fast as { confidence: number }).confidence, (want.data as { confidence: number }).confidence),
          ).toBe(true);
        } else {
          refused++;
          expect(fast).toBeUndefined();
          // The store's error is Zod's first issue, as before the shortcut.
          const issue = want.error.issues[0]!;
          expect(() => parseRow({ name, schema }, value, 4)).toThrow(
            new TypeError(`${name}: invalid row 4: ${issue.path.join('.')} ${issue.message}`.trim()),
          );
        }
      }
      // The samples exercise both sides.
      expect(accepted).toBeGreaterThan(500);
      expect(refused).toBeGreaterThan(500);
    },
  );

  it('arrays are copies, as Zod makes them (a writer mutating its array later changes nothing stored)', async () => {
    const stores = memoryScenesStores();
    const microgenres = ['dream-pop'];
    const reasons = ['sound: shares dream-pop'];
    const at = '2026-01-01T00:00:00.000Z';
    await stores.scene_memberships.upsert([
      {
        scene_slug: 'indie-uk-brighton',
        artist_slug: 'a1',
        confidence: 0.5,
        sound: 0.5,
        place: 1,
        people: 0,
        microgenres,
        reasons,
        joined_at: at,
        as_of: at,
        updated_at: at,
      },
    ]);
    microgenres.push('shoegaze');
    reasons.length = 0;
    const [row] = await stores.scene_memberships.scan();
    expect(row!.microgenres).toEqual(['dream-pop']);
    expect(row!.reasons).toEqual(['sound: shares dream-pop']);
    expect(Object.isFrozen(row!.microgenres)).toBe(true);
  });
});

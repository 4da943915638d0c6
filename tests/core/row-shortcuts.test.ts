import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { parseRow, rowShortcut } from '../../src/stores/row-shortcuts.js';
import { SceneMembershipRowSchema, TalentArtistRowSchema, TalentStateRowSchema } from '../../src/stores/tables.js';
import { memoryScenesStores, memoryTalentStores } from '../../src/stores.js';

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

// JSON trees, and what z.json() treats its own way: non-finite numbers, holes, undefined, dates,
// class instances, null prototypes, symbol, non-enumerable and __proto__ keys, shared subtrees.
class Box {
  x = 1;
}
const odd = fc.constantFrom(
  Number.NaN,
  Number.NEGATIVE_INFINITY,
  undefined,
  new Date(0),
  new Box(),
  new Map(),
  Object.assign(new Array(3), { 0: 1, 2: 3 }),
  Object.assign(Object.create(null), { a: 1 }),
  { [Symbol('s')]: 1, a: 2 },
  Object.defineProperty({ a: 1 }, 'hidden', { value: 2, enumerable: false }),
  JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'),
  JSON.parse('{"2": "b", "1": "a", "z": 0}'),
  -0,
);
const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: fc.oneof(fc.string({ maxLength: 4 }), fc.double(), fc.boolean(), fc.constant(null)), weight: 6 },
    { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 2 },
    { arbitrary: fc.dictionary(fc.string({ maxLength: 3 }), tie('value'), { maxKeys: 4 }), weight: 2 },
    { arbitrary: odd, weight: 1 },
  ),
})).value;
const stateRow = mostly(
  fc.record(
    {
      name: slug,
      value: mostly(fc.dictionary(fc.string({ maxLength: 3 }), jsonish, { maxKeys: 5 }), fc.oneof(any, odd)),
      updated_at: instant,
      extra: any,
    },
    { requiredKeys: ['name', 'value', 'updated_at'] },
  ),
  any,
);

const cases: Array<[string, z.ZodType, fc.Arbitrary<unknown>]> = [
  ['scene_memberships', SceneMembershipRowSchema, membershipRow],
  ['talent_radar_artists', TalentArtistRowSchema, talentRow],
  ['talent_radar_state', TalentStateRowSchema, stateRow],
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
        if (want.success && fast === undefined && name === 'talent_radar_state') {
          // z.json() accepts objects the shortcut leaves to it (class instances, hidden or symbol
          // keys, __proto__): the store's answer is still Zod's.
          expect(parseRow({ name, schema }, value, 0)).toStrictEqual(want.data);
          continue;
        }
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
            new TypeError(`${name}: invalid row 4: ${issue.path.map(String).join('.')} ${issue.message}`.trim()),
          );
        }
      }
      // The samples exercise both sides.
      expect(accepted).toBeGreaterThan(500);
      expect(refused).toBeGreaterThan(500);
    },
    60_000,
  );

  it('a state value Zod would accept but the shortcut does not know (a cycle, a shared subtree) still goes to Zod', () => {
    const shared = { n: 1 };
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const at = '2026-01-01T00:00:00.000Z';
    const sharing = { name: 'last-refresh', value: { a: shared, b: shared }, updated_at: at };
    // Shared subtrees are copied (each where it appears), as JSON would.
    expect(rowShortcut(TalentStateRowSchema)!(sharing)).toStrictEqual(TalentStateRowSchema.parse(sharing));
    // A cycle is left to Zod, whatever Zod makes of it; the shortcut never loops.
    expect(rowShortcut(TalentStateRowSchema)!({ name: 'x', value: cyclic, updated_at: at })).toBeUndefined();
  });

  it('a symbol key in a JSON value is refused with the table, row and key named (its path once broke the message)', async () => {
    const stores = memoryTalentStores();
    const row = { name: 'last-refresh', value: { [Symbol('s')]: 1 }, updated_at: '2026-01-01T00:00:00.000Z' };
    await expect(stores.talent_radar_state.upsert([row])).rejects.toThrow(
      /^talent_radar_state: invalid row 0: value\.Symbol\(s\) /,
    );
    expect(await stores.talent_radar_state.count()).toBe(0);
  });

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

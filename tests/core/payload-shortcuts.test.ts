import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  ArtistPageSchema,
  ArtistRecordSchema,
  ArticleListSchema,
  CampaignListSchema,
  CoherenceSeriesSchema,
  RcfEventListSchema,
  ReleaseListSchema,
  SceneMembershipListSchema,
  ScenePulseSummarySchema,
} from '../../src/contracts/payloads.js';
import { parsePayload, payloadShortcut } from '../../src/core/gateway/fast-parse.js';

// Each payload shortcut must accept exactly what its schema accepts and return exactly what
// Zod's safeParse returns (keys, order, transforms, copies); anything it refuses goes to Zod.
// The network and engagement shortcuts are held to their schemas through the gateway in
// gateway.test.ts; these are the list payloads a talent refresh reads for every artist.

const any = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.string({ maxLength: 3 }),
  fc.constant([]),
  fc.constant({}),
);
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: good, weight: 14 }, { arbitrary: bad, weight: 1 });
const text = (max: number) =>
  mostly(
    fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('É', 'x'.repeat(max))),
    fc.constantFrom('', 'a\u0000b', 'lone \ud800', 'x'.repeat(max + 1), 7),
  );
const slug = mostly(
  fc.constantFrom('indie-uk', 'a1', 'x'.repeat(128)),
  fc.constantFrom('', 'Not Slug', 'a--b', 'x'.repeat(129)),
);
const day = mostly(
  fc.constantFrom('2026-01-31', '2024-02-29', '2026-06-01'),
  fc.constantFrom('2026-02-29', '2026-1-01', '', 20260601),
);
const instant = mostly(
  fc.oneof(
    fc.constantFrom('2026-02-28T10:00:00Z', '2024-02-29T10:00:00.5+02:00', '2026-01-01', '2025-12-31'),
    fc
      .date({ min: new Date('1990-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
  ),
  fc.constantFrom('2026-02-29', '2026-01-01T25:00:00Z', 'yesterday', '', 0),
);
const unit = mostly(
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom(-0.1, 1.1, Number.NaN, Infinity, '0.5'),
);
const count = mostly(
  fc.oneof(fc.nat(1000), fc.double({ min: 0, max: 1e9, noNaN: true })),
  fc.constantFrom(-1, Number.NaN, -Infinity, Infinity, '1'),
);
const slugs = mostly(fc.array(slug, { maxLength: 3 }), fc.oneof(any, fc.constant(new Array(65).fill('a'))));
const maybeNull = <T>(a: fc.Arbitrary<T>) => fc.oneof(a, fc.constant(null));

const release = fc.record(
  {
    releaseId: text(256),
    releasedAt: day,
    vector: mostly(
      fc.array(
        mostly(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(Number.NaN, Infinity, '1')),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
      fc.oneof(fc.constant([]), fc.constant(new Array(1025).fill(0)), any),
    ),
    microgenres: slugs,
    extra: any,
  },
  { requiredKeys: ['releaseId', 'releasedAt', 'vector', 'microgenres'] },
);
const campaign = fc.record(
  {
    id: text(256),
    channel: mostly(fc.constantFrom('social', 'radio', 'influencer'), fc.constantFrom('tv', 3)),
    start: day,
    end: maybeNull(day),
    spend: maybeNull(count),
  },
  { requiredKeys: ['id', 'channel', 'start'] },
);
const article = fc.record(
  {
    id: text(256),
    publishedAt: instant,
    outlet: text(128),
    outletQuality: unit,
    title: maybeNull(mostly(fc.oneof(fc.constant(''), text(1024)), any)),
  },
  { requiredKeys: ['id', 'publishedAt', 'outlet', 'outletQuality'] },
);
const event = fc.record(
  {
    id: text(256),
    type: mostly(fc.constantFrom('chart_entry', 'radio_play', 'live_show'), fc.constantFrom('concert', 1)),
    at: instant,
    weight: count,
    region: maybeNull(text(64)),
    other: any,
  },
  { requiredKeys: ['id', 'type', 'at', 'weight'] },
);
const membership = fc.record(
  { sceneSlug: slug, confidence: unit, microgenres: slugs },
  { requiredKeys: ['sceneSlug', 'confidence', 'microgenres'] },
);
const coherence = mostly(
  fc.record(
    {
      start: day,
      values: mostly(
        fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(null)), { maxLength: 5 }),
        fc.constant([0.5, 2]),
      ),
      other: any,
    },
    { requiredKeys: ['start', 'values'] },
  ),
  any,
);
const pulse = mostly(
  fc.record(
    {
      sceneSlug: slug,
      heat: mostly(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(-1, 100.5, Number.NaN, '50')),
      growth: mostly(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(Infinity, Number.NaN, null)),
      stage: mostly(fc.constantFrom('emerging', 'growing', 'peaking', 'cooling'), fc.constantFrom('dead', 0)),
      asOf: mostly(
        fc
          .date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString()),
        fc.constantFrom('2026-01-01', 'now'),
      ),
      status: mostly(fc.constantFrom('ok', 'degraded', undefined), fc.constantFrom('stale', null, 1)),
      other: any,
    },
    { requiredKeys: ['sceneSlug', 'heat', 'growth', 'stage', 'asOf'] },
  ),
  any,
);
const listOf = <T>(item: fc.Arbitrary<T>) => mostly(fc.array(item, { maxLength: 3 }), any);
const artist = mostly(
  fc.record(
    {
      slug,
      name: text(512),
      homeRegion: text(64),
      homeCity: maybeNull(text(128)),
      firstSeen: instant,
      debut: fc.oneof(day, fc.constant(null), fc.constant(undefined)),
      extra: any,
    },
    { requiredKeys: ['slug', 'name', 'homeRegion', 'homeCity', 'firstSeen'] },
  ),
  any,
);
const artistPage = mostly(
  fc.record(
    {
      items: listOf(artist),
      nextCursor: mostly(fc.oneof(fc.string({ maxLength: 4 }), fc.constant(null)), any),
      x: any,
    },
    { requiredKeys: ['items', 'nextCursor'] },
  ),
  any,
);

const cases: Array<[string, z.ZodType, fc.Arbitrary<unknown>]> = [
  ['ArtistRecordSchema', ArtistRecordSchema, artist],
  ['ArtistPageSchema', ArtistPageSchema, artistPage],
  ['ReleaseListSchema', ReleaseListSchema, listOf(release)],
  ['CampaignListSchema', CampaignListSchema, listOf(campaign)],
  ['ArticleListSchema', ArticleListSchema, listOf(article)],
  ['RcfEventListSchema', RcfEventListSchema, listOf(event)],
  ['SceneMembershipListSchema', SceneMembershipListSchema, listOf(membership)],
  ['CoherenceSeriesSchema', CoherenceSeriesSchema, coherence],
  ['ScenePulseSummarySchema', ScenePulseSummarySchema, pulse],
];

describe('payload shortcuts for the list payloads', () => {
  it.each(cases)(
    '%s: the shortcut accepts exactly what Zod accepts and returns what Zod returns',
    (_name, schema, arb) => {
      const shortcut = payloadShortcut(schema);
      expect(shortcut).toBeTypeOf('function');
      let accepted = 0;
      let refused = 0;
      for (const value of fc.sample(arb, { numRuns: 2500, seed: 7 })) {
        const want = schema.safeParse(value);
        const fast = shortcut!(value);
        if (want.success) {
          accepted++;
          expect(fast).toStrictEqual(want.data);
        } else {
          refused++;
          expect(fast).toBeUndefined();
        }
        // And through the gateway's entry point, errors included.
        const got = parsePayload(schema, value);
        expect(got.success).toBe(want.success);
        if (got.success && want.success) expect(got.data).toStrictEqual(want.data);
        if (!got.success && !want.success) expect(got.error.issues).toStrictEqual(want.error.issues);
      }
      // The samples exercise both sides.
      expect(accepted).toBeGreaterThan(300);
      expect(refused).toBeGreaterThan(300);
    },
  );

  it('arrays a schema copies are copies (a host mutating its own answer later changes nothing read)', () => {
    const vector = [0.1, 0.2];
    const microgenres = ['dream-pop'];
    const [r] = payloadShortcut(ReleaseListSchema)!([
      { releaseId: 'r1', releasedAt: '2026-01-01', vector, microgenres },
    ]) as Array<{ vector: number[]; microgenres: string[] }>;
    expect(r!.vector).not.toBe(vector);
    expect(r!.microgenres).not.toBe(microgenres);
  });

  it('a bare-day stamp becomes the end of that day, as the schema transforms it', () => {
    const [e] = payloadShortcut(RcfEventListSchema)!([
      { id: 'e', type: 'chart_entry', at: '2026-03-01', weight: 3, region: null },
    ]) as Array<{ at: string }>;
    expect(e!.at).toBe('2026-03-02T00:00:00.000Z');
  });
});

/**
 * @module talent/peer-state
 * Peer statistics as JSON and back, for the `last-refresh` row of `talent_radar_state`: a
 * distribution is kept as its distinct values and their counts (rebuilt exactly by
 * `fromSorted`), numbers that JSON cannot hold (NaN, infinities) as their names. Reading checks
 * every key and number, so a row written by another version of the code is refused, never half
 * read: a key this version does not know (a later release's) is refused too (strict objects).
 */
import { z } from 'zod';
import { STANDING_FIELDS } from './feature-table.js';
import { fromSorted, type Distribution, type PopulationStats } from './population.js';
import { MOMENTUM_COMPONENTS, type BandStat, type PeerStats } from './scoring.js';

/** A JSON value. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const num = (v: number): number | string => (Number.isFinite(v) ? v : String(v));
const NumberSchema = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number)]);
const CountSchema = z.number().int().min(0);

// A distribution's distinct values, as written: ascending, no NaN (values out of order would give
// other percentiles without a word).
const ascending = (values: readonly number[]): boolean => {
  for (let i = 0; i < values.length; i++)
    if (Number.isNaN(values[i]!) || (i > 0 && !(values[i]! > values[i - 1]!))) return false;
  return true;
};
const DistributionSchema = z
  .strictObject({ values: z.array(NumberSchema), equal: z.array(z.number().int().min(1)), n: CountSchema })
  .refine((d) => d.values.length === d.equal.length, { message: 'values and equal differ in length' })
  .refine((d) => ascending(d.values), { message: 'values are not distinct numbers in ascending order' });
// A band's median is a number and its spread above 0, as fitted (a NaN median would read every
// artist's momentum as missing).
const BandStatSchema = z.strictObject({
  median: NumberSchema.refine((v) => !Number.isNaN(v), { message: 'median is NaN' }),
  spread: NumberSchema.refine((v) => v > 0, { message: 'spread is not above 0' }),
  n: CountSchema,
});
const ComponentSchema = z.enum(MOMENTUM_COMPONENTS);
const ActivitySchema = z.record(z.enum(STANDING_FIELDS), DistributionSchema).nullable();
const BASES = ['events', 'engagement'] as const;

/** The JSON form of {@link PeerStats}. */
export const PeerStatsJsonSchema = z.strictObject({
  bands: z.array(NumberSchema),
  stats: z.array(z.record(ComponentSchema, BandStatSchema.nullable())),
  overall: z.record(ComponentSchema, BandStatSchema),
  population: CountSchema,
  relative: z.strictObject({
    activity: z.record(z.enum(BASES), ActivitySchema),
    counts: z.record(z.enum(BASES), CountSchema),
    cadenceDays: z.record(z.enum(BASES), z.number().positive()),
    host: z.array(z.tuple([z.string(), DistributionSchema])),
    // Absent from rows written before it existed: read as none (momentum then sizes events-only
    // artists by their level as read, as before any population, until the next refresh).
    eventLevel: DistributionSchema.nullable().optional(),
  }),
});

function distributionJson(d: Distribution): Json {
  return { values: Array.from(d.values, num), equal: Array.from(d.equal), n: d.n };
}

function distributionFrom(d: z.infer<typeof DistributionSchema>): Distribution {
  const sorted = new Float64Array(d.equal.reduce((a, b) => a + b, 0));
  let k = 0;
  d.values.forEach((v, j) => {
    sorted.fill(v, k, k + d.equal[j]!);
    k += d.equal[j]!;
  });
  return fromSorted(sorted, d.n);
}

const bandJson = (b: BandStat | null): Json =>
  b === null ? null : { median: num(b.median), spread: num(b.spread), n: b.n };

/** Peer statistics as a JSON object (see the module). */
export function peerStatsToJson(peers: PeerStats): { [key: string]: Json } {
  const components = (r: Readonly<Record<string, BandStat | null>>): Json =>
    Object.fromEntries(MOMENTUM_COMPONENTS.map((c) => [c, bandJson(r[c] ?? null)]));
  const rel = peers.relative;
  return {
    bands: peers.bands.map(num),
    stats: peers.stats.map(components),
    overall: components(peers.overall),
    population: peers.population,
    relative: {
      activity: Object.fromEntries(
        BASES.map((b) => {
          const a = rel.activity[b];
          return [b, a ? Object.fromEntries(STANDING_FIELDS.map((f) => [f, distributionJson(a[f])])) : null];
        }),
      ),
      counts: { ...rel.counts },
      cadenceDays: { ...rel.cadenceDays },
      host: [...rel.host].map(([name, d]) => [name, distributionJson(d)]),
      eventLevel: rel.eventLevel ? distributionJson(rel.eventLevel) : null,
    },
  };
}

/** Peer statistics from their JSON form; throws a `ZodError` when it is not one. */
export function peerStatsFromJson(value: unknown): PeerStats {
  const p = PeerStatsJsonSchema.parse(value);
  const activity = {} as Record<(typeof BASES)[number], PopulationStats['activity'][(typeof BASES)[number]]>;
  for (const b of BASES) {
    const a = p.relative.activity[b];
    activity[b] = a
      ? (Object.fromEntries(STANDING_FIELDS.map((f) => [f, distributionFrom(a[f])])) as NonNullable<
          PopulationStats['activity'][typeof b]
        >)
      : null;
  }
  return {
    bands: p.bands,
    stats: p.stats,
    overall: p.overall,
    population: p.population,
    relative: {
      activity,
      counts: p.relative.counts,
      cadenceDays: p.relative.cadenceDays,
      host: new Map(p.relative.host.map(([name, d]) => [name, distributionFrom(d)])),
      eventLevel: p.relative.eventLevel ? distributionFrom(p.relative.eventLevel) : null,
    },
  };
}

/**
 * @module core/gateway/fast-parse
 * Shortcuts past Zod for the payloads read most often: an artist's network and engagement series,
 * both read for every member of every scene a pulse covers. Zod's object parsing allocates a
 * result and bookkeeping for every link of every network and every field of every series, and
 * that work and its garbage collection sat between the waves of a batch. Each shortcut applies
 * exactly its schema's rules and builds exactly the object Zod would (its keys, in its order,
 * unknown keys dropped, arrays Zod passes through passed through); anything it does not accept
 * goes to Zod, so a bad payload gets the same error message as before. `tests/core/gateway.test.ts`
 * checks both agree. Kept because it is measured to be worth it (docs/performance.md, "The payload
 * shortcuts, measured"): the 100-scene batch's own work is about a sixth shorter with it.
 */
import type { z } from 'zod';
import { isDailyValues } from '../../contracts/daily-values.js';
import {
  ArtistNetworkSchema,
  DaySchema,
  EngagementSeriesSchema,
  InstantSchema,
  TastemakerKindSchema,
  type ArtistNetwork,
  type CollaboratorLink,
  type EngagementSeries,
  type TastemakerLink,
} from '../../contracts/payloads.js';
import { isSlug } from '../slug.js';

/**
 * The instant schema's own pattern, from its public definition (`def.pattern`, which Zod fills
 * for every string format): the shortcut tests exactly what the schema tests, never a copy that
 * could drift. Should a Zod release stop filling it, there is no shortcut and Zod parses everything.
 */
const INSTANT: RegExp | undefined = InstantSchema.def.pattern;
/** The same for a calendar day. */
const DAY: RegExp | undefined = DaySchema.def.pattern;
const KINDS: ReadonlySet<unknown> = new Set(TastemakerKindSchema.options);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInstant = (v: unknown): v is string => typeof v === 'string' && INSTANT !== undefined && INSTANT.test(v);
/** `z.number()` takes finite numbers only. */
const isUnit = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;

/** The network Zod would return for `v`, or undefined to leave `v` to Zod. */
function network(v: unknown): ArtistNetwork | undefined {
  if (!isRecord(v)) return undefined;
  // Each field is read once, in the schema's order, as Zod reads them.
  const t = v.tastemakers;
  const c = v.collaborators;
  const centrality = v.centrality;
  if (!Array.isArray(t) || !Array.isArray(c) || !(centrality === null || isUnit(centrality))) return undefined;
  const tastemakers: TastemakerLink[] = new Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const l: unknown = t[i];
    if (!isRecord(l)) return undefined;
    const tastemaker = l.tastemaker;
    const kind = l.kind;
    const weight = l.weight;
    const since = l.since;
    if (!isSlug(tastemaker) || !KINDS.has(kind) || !isUnit(weight) || !isInstant(since)) return undefined;
    tastemakers[i] = { tastemaker, kind: kind as TastemakerLink['kind'], weight, since };
  }
  const collaborators: CollaboratorLink[] = new Array(c.length);
  for (let i = 0; i < c.length; i++) {
    const l: unknown = c[i];
    if (!isRecord(l)) return undefined;
    const artist = l.artist;
    const weight = l.weight;
    const since = l.since;
    if (!isSlug(artist) || !(typeof weight === 'number' && Number.isFinite(weight) && weight > 0) || !isInstant(since))
      return undefined;
    collaborators[i] = { artist, weight, since };
  }
  return { tastemakers, collaborators, centrality };
}

/**
 * The series Zod would return for `v`, or undefined to leave `v` to Zod: `start` a calendar day,
 * `organic` and `paid` daily values >= 0 (passed through, as `z.custom` does) of equal length.
 */
function engagement(v: unknown, max = Infinity): EngagementSeries | undefined {
  if (!isRecord(v)) return undefined;
  const start = v.start;
  const organic = v.organic;
  const paid = v.paid;
  if (
    !(typeof start === 'string' && DAY !== undefined && DAY.test(start)) ||
    !isDailyValues(organic, 0, max) ||
    !isDailyValues(paid, 0, max) ||
    organic.length !== paid.length
  )
    return undefined;
  return { start, organic, paid };
}

/**
 * An engagement series parsed with every daily value also at most `max` (the gateway's
 * `payloads.maxDailyEngagement`), in the one pass the parse makes anyway; undefined when it is not
 * (then parse it with {@link parsePayload} and check the ceiling separately, for the message).
 * Every member of every scene pulse is read through here: a second pass over its values cost as
 * much as the parse.
 */
export function parseEngagementWithin(value: unknown, max: number): EngagementSeries | undefined {
  return DAY === undefined ? undefined : engagement(value, max);
}

/** Shortcuts by schema; a schema without one is parsed by Zod alone (as is every payload if Zod stops filling `def.pattern`). */
const SHORTCUTS = new Map<z.ZodType, (v: unknown) => unknown>([
  ...(INSTANT === undefined ? [] : [[ArtistNetworkSchema, network] as const]),
  ...(DAY === undefined ? [] : [[EngagementSeriesSchema, engagement] as const]),
]);

/**
 * Parses `value` with `schema`: through the shortcut when the schema has one and the value passes
 * it, otherwise with Zod's `safeParse` (and its error messages).
 */
export function parsePayload(
  schema: z.ZodType,
  value: unknown,
): { success: true; data: unknown } | { success: false; error: z.ZodError } {
  const fast = SHORTCUTS.get(schema)?.(value);
  if (fast !== undefined) return { success: true, data: fast };
  const parsed = schema.safeParse(value);
  return parsed.success ? { success: true, data: parsed.data } : { success: false, error: parsed.error };
}

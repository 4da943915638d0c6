/**
 * @module core/gateway/fast-parse
 * A shortcut past Zod for the payload read most often: an artist's network, read for every member
 * of every scene a pulse covers. Zod's object parsing allocates a result and bookkeeping for
 * every link of every network, and that garbage collection sat between the waves of a batch. The
 * shortcut applies exactly the schema's rules and builds exactly the object Zod would (its keys,
 * in its order, unknown keys dropped); anything it does not accept goes to Zod, so a bad payload
 * gets the same error message as before. `tests/gateway.test.ts` checks both agree.
 */
import type { z } from 'zod';
import { ArtistNetworkSchema, InstantSchema, TastemakerKindSchema, type ArtistNetwork, type CollaboratorLink, type TastemakerLink } from '../../contracts/payloads.js';
import { isSlug } from '../slug.js';

/** The schema's own instant pattern (Zod keeps a string format's regex here); without it, no shortcut. */
const INSTANT: unknown = (InstantSchema as unknown as { _zod?: { pattern?: unknown } })._zod?.pattern;
const KINDS: ReadonlySet<unknown> = new Set(TastemakerKindSchema.options);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInstant = (v: unknown): v is string => typeof v === 'string' && (INSTANT as RegExp).test(v);
/** `z.number()` takes finite numbers only. */
const isUnit = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;

/** The network Zod would return for `v`, or undefined to leave `v` to Zod. */
function network(v: unknown): ArtistNetwork | undefined {
  if (!isRecord(v)) return undefined;
  // Each field is read once, in the schema's order, as Zod reads them.
  const t = v['tastemakers'];
  const c = v['collaborators'];
  const centrality = v['centrality'];
  if (!Array.isArray(t) || !Array.isArray(c) || !(centrality === null || isUnit(centrality))) return undefined;
  const tastemakers: TastemakerLink[] = new Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const l: unknown = t[i];
    if (!isRecord(l)) return undefined;
    const tastemaker = l['tastemaker'];
    const kind = l['kind'];
    const weight = l['weight'];
    const since = l['since'];
    if (!isSlug(tastemaker) || !KINDS.has(kind) || !isUnit(weight) || !isInstant(since)) return undefined;
    tastemakers[i] = { tastemaker, kind: kind as TastemakerLink['kind'], weight, since };
  }
  const collaborators: CollaboratorLink[] = new Array(c.length);
  for (let i = 0; i < c.length; i++) {
    const l: unknown = c[i];
    if (!isRecord(l)) return undefined;
    const artist = l['artist'];
    const weight = l['weight'];
    const since = l['since'];
    if (!isSlug(artist) || !(typeof weight === 'number' && Number.isFinite(weight) && weight > 0) || !isInstant(since)) return undefined;
    collaborators[i] = { artist, weight, since };
  }
  return { tastemakers, collaborators, centrality };
}

/** Shortcuts by schema; a schema without one is parsed by Zod alone. */
const SHORTCUTS = new Map<z.ZodType, (v: unknown) => unknown>(INSTANT instanceof RegExp ? [[ArtistNetworkSchema, network]] : []);

/**
 * Parses `value` with `schema`: through the shortcut when the schema has one and the value passes
 * it, otherwise with Zod's `safeParse` (and its error messages).
 */
export function parsePayload(schema: z.ZodType, value: unknown): { success: true; data: unknown } | { success: false; error: z.ZodError } {
  const fast = SHORTCUTS.get(schema)?.(value);
  if (fast !== undefined) return { success: true, data: fast };
  const parsed = schema.safeParse(value);
  return parsed.success ? { success: true, data: parsed.data } : { success: false, error: parsed.error };
}

/**
 * @module stores/row-shortcuts
 * Shortcuts past Zod for the rows a refresh writes by the thousand, `scene_memberships` (a few
 * per artist) and `talent_radar_artists` (one per artist), and for the `last-refresh` row of
 * `talent_radar_state`, whose JSON value holds the peer statistics (numbers by the thousand, each
 * parsed by `z.json()`'s six-way union). Zod's object parsing allocated about a
 * fifth of everything a refresh allocated (its checks build bookkeeping for every field), and the
 * garbage collector's share of a refresh grows with allocation. Each shortcut applies exactly its
 * schema's rules and builds exactly the object Zod would (its keys, in its order, unknown keys
 * dropped, arrays copied); anything it does not accept goes to Zod, so a bad row gets the same
 * error as before. `tests/stores/row-shortcuts.test.ts` holds each to its schema.
 */
import type { z } from 'zod';
import { INSTANT, isInstant, isRecord, isText, list, slugs } from '../core/fast-checks.js';
import { isSlug } from '../core/slug.js';
import { isStorableText } from '../core/text.js';
import {
  jsonDepthAbove,
  MAX_JSON_DEPTH,
  SceneMembershipRowSchema,
  type SceneMembershipRow,
  TalentArtistRowSchema,
  type TalentArtistRow,
  TalentStateRowSchema,
  type TalentStateRow,
} from './tables.js';

/** `z.number().min(lo).max(hi)` (`z.number()` takes finite numbers only). */
const isBetween = (v: unknown, lo: number, hi: number): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;
/** `z.number().int().min(0)` (Zod's `int` is a safe integer). */
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** `text(512, 0)`, the rule of a membership reason, as a `list` item. */
const reason = (x: unknown): string | undefined => (isText(x, 512, 0) ? x : undefined);

/** The `scene_memberships` row Zod would return for `v`, or undefined to leave `v` to Zod. */
function membershipRow(v: unknown): SceneMembershipRow | undefined {
  if (!isRecord(v)) return undefined;
  const { scene_slug, artist_slug, confidence, sound, place, people, joined_at, as_of, updated_at } = v;
  if (!isSlug(scene_slug) || !isSlug(artist_slug)) return undefined;
  if (!isBetween(confidence, 0, 1) || !isBetween(sound, 0, 1) || !isBetween(place, 0, 1) || !isBetween(people, 0, 1))
    return undefined;
  const microgenres = slugs(v.microgenres, 64);
  // Read once, and its length checked on the copy (a getter, or an array growing while read).
  const given = v.reasons;
  const copied = Array.isArray(given) && given.length <= 16 ? list(given, reason) : undefined;
  const reasons = copied && copied.length <= 16 ? copied : undefined;
  if (!microgenres || !reasons || !isInstant(joined_at) || !isInstant(as_of) || !isInstant(updated_at))
    return undefined;
  return {
    scene_slug,
    artist_slug,
    confidence,
    sound,
    place,
    people,
    microgenres,
    reasons,
    joined_at,
    as_of,
    updated_at,
  };
}

/** The `talent_radar_artists` row Zod would return for `v`, or undefined to leave `v` to Zod. */
function talentArtistRow(v: unknown): TalentArtistRow | undefined {
  if (!isRecord(v)) return undefined;
  const { artist_slug, scene_slug, momentum, creative_shift, coverage_velocity, press_quality, mig_connectivity } = v;
  const { breakout_score, risk_score, metadata, confidence, as_of, model_version, updated_at } = v;
  if (!isSlug(artist_slug) || (scene_slug !== null && !isSlug(scene_slug))) return undefined;
  const microgenres = slugs(v.microgenres, 64);
  if (!microgenres) return undefined;
  if (
    !isBetween(momentum, 0, 100) ||
    !isBetween(creative_shift, 0, 1) ||
    !isBetween(coverage_velocity, 0, Number.POSITIVE_INFINITY) ||
    !isBetween(press_quality, 0, 1) ||
    !isBetween(mig_connectivity, 0, 1) ||
    !isBetween(breakout_score, 0, 1) ||
    !isBetween(risk_score, 0, 1) ||
    !isBetween(confidence, 0, 1)
  )
    return undefined;
  if (!isRecord(metadata)) return undefined;
  const { migCentrality, tastemakerConnections, sceneConfidence, campaignCount } = metadata;
  if (
    !isBetween(migCentrality, 0, 1) ||
    !isCount(tastemakerConnections) ||
    !isBetween(sceneConfidence, 0, 1) ||
    !isCount(campaignCount)
  )
    return undefined;
  if (!isInstant(as_of) || !isText(model_version, 64) || !isInstant(updated_at)) return undefined;
  return {
    artist_slug,
    scene_slug,
    microgenres,
    momentum,
    creative_shift,
    coverage_velocity,
    press_quality,
    mig_connectivity,
    breakout_score,
    risk_score,
    metadata: { migCentrality, tastemakerConnections, sceneConfidence, campaignCount },
    confidence,
    as_of,
    model_version,
    updated_at,
  };
}

/**
 * The copy `z.json()` makes of `v` when `v` is a plain JSON tree (storable strings, finite numbers,
 * booleans, null, arrays without holes, objects whose prototype is `Object.prototype` or null with
 * only enumerable string keys and no `__proto__` key, no cycle), else undefined: Zod then decides
 * (it accepts some objects this refuses, and words the errors).
 */
function jsonCopy(v: unknown, ancestors: Set<object>): unknown {
  if (v === null || typeof v === 'boolean') return v;
  // Text a SQL store cannot hold (a NUL, a lone surrogate): Zod words the refusal.
  if (typeof v === 'string') return isStorableText(v) ? v : undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'object' || ancestors.has(v)) return undefined;
  ancestors.add(v);
  let out: unknown;
  if (Array.isArray(v)) {
    const copy: unknown[] = new Array(v.length);
    out = copy;
    for (let i = 0; i < v.length; i++) {
      const x = i in v ? jsonCopy(v[i], ancestors) : undefined;
      if (x === undefined) {
        out = undefined;
        break;
      }
      copy[i] = x;
    }
  } else {
    out = jsonObjectCopy(v, ancestors);
  }
  ancestors.delete(v);
  return out;
}

/** {@link jsonCopy} of an object (`z.record(z.string(), z.json())`). */
function jsonObjectCopy(v: object, ancestors: Set<object>): Record<string, unknown> | undefined {
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const copy: Record<string, unknown> = {};
  for (const key of Reflect.ownKeys(v)) {
    if (
      typeof key !== 'string' ||
      key === '__proto__' ||
      !isStorableText(key) ||
      !Object.prototype.propertyIsEnumerable.call(v, key)
    )
      return undefined;
    const x = jsonCopy((v as Record<string, unknown>)[key], ancestors);
    if (x === undefined) return undefined;
    copy[key] = x;
  }
  return copy;
}

/** The `talent_radar_state` row Zod would return for `v`, or undefined to leave `v` to Zod. */
function stateRow(v: unknown): TalentStateRow | undefined {
  if (!isRecord(v)) return undefined;
  const { name, value, updated_at } = v;
  if (!isSlug(name) || !isInstant(updated_at) || !isRecord(value)) return undefined;
  // Too deep to copy safely: Zod refuses it (MAX_JSON_DEPTH), with its message.
  if (jsonDepthAbove(value, MAX_JSON_DEPTH)) return undefined;
  const copy = jsonObjectCopy(value, new Set([value]));
  return copy === undefined ? undefined : { name, value: copy as TalentStateRow['value'], updated_at };
}

/** Shortcuts by row schema; a schema without one is parsed by Zod alone. */
const SHORTCUTS = new Map<z.ZodType, (v: unknown) => unknown>(
  INSTANT === undefined
    ? []
    : [
        [SceneMembershipRowSchema, membershipRow],
        [TalentArtistRowSchema, talentArtistRow],
        [TalentStateRowSchema, stateRow],
      ],
);

/** The shortcut for a row schema, if it has one (the stores use it before Zod; the tests hold it to the schema). */
export function rowShortcut(schema: z.ZodType): ((row: unknown) => unknown) | undefined {
  return SHORTCUTS.get(schema);
}

/**
 * A row checked against its table's schema: through the schema's shortcut when it has one and the
 * row passes it, otherwise by Zod. A bad row throws a TypeError naming the table, the row's
 * position `index` in its batch, the column and the rule (every store words it the same way).
 */
export function parseRow<Row>(
  spec: { readonly name: string; readonly schema: z.ZodType },
  row: unknown,
  index: number,
): Row {
  const fast = SHORTCUTS.get(spec.schema)?.(row);
  if (fast !== undefined) return fast as Row;
  const result = spec.schema.safeParse(row);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new TypeError(
      `${spec.name}: invalid row ${index}: ${issue?.path.map(String).join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    );
  }
  return result.data as Row;
}

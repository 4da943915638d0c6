/**
 * @module talent/refresh-shards
 * A sharded Talent Radar refresh: the plan (the universe split into shards), one shard's features
 * as `talent_radar_refresh_shards` stores them, and their exact round trip. The features of a
 * shard are JSON with the numbers JSON cannot carry (NaN, the infinities, -0) tagged, so a feature
 * read back is the very double that was computed and a sharded refresh scores exactly as a
 * single-process one.
 */
import { SceneRadarError } from '../core/errors.js';
import { SlugSchema } from '../core/slug.js';
import { InstantSchema } from '../contracts/payloads.js';
import { z } from 'zod';
import type { ArtistFeatures, ReadOutcome, SignalRead } from './signals-types.js';

/** What a refresh keeps of an artist's signals once its features are extracted: how each read went. */
export interface ShardOutcomes {
  /** The artist. */
  readonly artistSlug: string;
  /** How each read went. */
  readonly reads: Readonly<Record<SignalRead, ReadOutcome>>;
  /** The host features' outcomes. */
  readonly host: ArtistFeatures['host'];
}

/** Most artists in one shard. */
export const MAX_SHARD_ARTISTS = 10_000;

/** The universe of a sharded refresh, from `TalentRadar.planRefresh`. */
export interface TalentRefreshPlan {
  /** The refresh's id (a UUID): its shards are staged under it, and the state row it writes carries it. */
  readonly refreshId: string;
  /** The as-of instant (ISO). */
  readonly asOf: string;
  /** How walking the MIG universe went; when not `ok`, there is nothing to shard and nothing changes. */
  readonly universe: 'ok' | 'timeout' | 'error' | 'absent';
  /** Why the universe could not be walked (null when it was). */
  readonly universeReason: string | null;
  /** The universe, in the order a single-process refresh walks it. */
  readonly artists: readonly string[];
}

/** One shard of a sharded refresh, for `TalentRadar.refreshShard`. */
export interface TalentRefreshShard {
  /** The plan's refresh id. */
  readonly refreshId: string;
  /** The plan's as-of instant (ISO). */
  readonly asOf: string;
  /** Position of the shard, from 0: shard `i` holds the artists after those of shards `0..i-1`. */
  readonly index: number;
  /** Its artists, a consecutive slice of the plan's universe (1 to 10,000). */
  readonly artists: readonly string[];
}

/** What `TalentRadar.refreshShard` did. */
export interface TalentShardReport {
  /** The refresh id. */
  readonly refreshId: string;
  /** The shard's position. */
  readonly index: number;
  /** Artists whose features were staged. */
  readonly artists: number;
  /** Reads by status, over the shard's artists and reads. */
  readonly reads: Readonly<Record<'ok' | 'missing' | 'timeout' | 'error' | 'absent', number>>;
  /** Milliseconds taken. */
  readonly durationMs: number;
}

/** What `TalentRadar.finishRefresh` needs: the plan's id and instant, and how many shards it was split into. */
export interface TalentRefreshFinish {
  /** The plan's refresh id. */
  readonly refreshId: string;
  /** The plan's as-of instant (ISO). */
  readonly asOf: string;
  /** Shards staged: every one of `0..shards-1` must be in `talent_radar_refresh_shards`. */
  readonly shards: number;
}

const ShardSchema = z.object({
  refreshId: SlugSchema,
  asOf: InstantSchema,
  index: z.number().int().min(0),
  artists: z.array(SlugSchema).min(1).max(MAX_SHARD_ARTISTS),
});
const FinishSchema = z.object({
  refreshId: SlugSchema,
  asOf: InstantSchema,
  shards: z.number().int().min(0),
});

/** `input` through `schema`, or `TALENT_VALIDATION_ERROR` with the Zod issues. */
function checked<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new SceneRadarError('TALENT_VALIDATION_ERROR', `Invalid ${what}`, {
    details: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  });
}

/** A shard as given, checked: `TALENT_VALIDATION_ERROR` naming what is wrong. */
export const checkShard = (input: unknown): TalentRefreshShard => checked(ShardSchema, input, 'refresh shard');
/** A finish request as given, checked: `TALENT_VALIDATION_ERROR` naming what is wrong. */
export const checkFinish = (input: unknown): TalentRefreshFinish => checked(FinishSchema, input, 'refresh finish');

/** The tag of a number JSON cannot carry. */
const NUM = '$num';
const SPECIAL: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
  '-0': -0,
};

/**
 * A shard's features and read outcomes as text, exactly: JSON, with NaN, the infinities and -0
 * (which JSON would turn into null or 0) written as `{"$num":"NaN"}` and so on. Every finite
 * number is written in its shortest round-trip form, so it reads back as the same double.
 * @example
 * ```ts
 * decodeShardFeatures(encodeShardFeatures(features, outcomes)); // the same values
 * ```
 */
export function encodeShardFeatures(
  features: readonly ArtistFeatures[],
  outcomes: ReadonlyMap<string, ShardOutcomes>,
): string {
  const entries = features.map((f) => [f, outcomes.get(f.artistSlug)!.reads]);
  return JSON.stringify(entries, (_key, value: unknown) => {
    if (typeof value !== 'number') return value;
    if (Number.isNaN(value)) return { [NUM]: 'NaN' };
    if (value === Number.POSITIVE_INFINITY) return { [NUM]: 'Infinity' };
    if (value === Number.NEGATIVE_INFINITY) return { [NUM]: '-Infinity' };
    if (Object.is(value, -0)) return { [NUM]: '-0' };
    return value;
  });
}

/**
 * The features and read outcomes {@link encodeShardFeatures} wrote. Text that is not such a shard
 * throws a `TypeError` (the caller says which row it came from).
 */
export function decodeShardFeatures(text: string): {
  features: ArtistFeatures[];
  outcomes: ShardOutcomes[];
} {
  const entries: unknown = JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === NUM) {
        const tag = (value as Record<string, unknown>)[NUM];
        if (typeof tag === 'string' && Object.hasOwn(SPECIAL, tag)) return SPECIAL[tag];
        throw new TypeError(`unknown number tag ${JSON.stringify(tag)}`);
      }
    }
    return value;
  });
  if (!Array.isArray(entries)) throw new TypeError('a shard holds an array of [features, reads]');
  const features: ArtistFeatures[] = [];
  const outcomes: ShardOutcomes[] = [];
  for (const entry of entries as unknown[]) {
    const [f, reads] = Array.isArray(entry) ? (entry as [unknown, unknown]) : [null, null];
    if (
      f === null ||
      typeof f !== 'object' ||
      typeof (f as { artistSlug?: unknown }).artistSlug !== 'string' ||
      reads === null ||
      typeof reads !== 'object'
    )
      throw new TypeError('a shard entry is [features, reads]');
    const feats = f as ArtistFeatures;
    features.push(feats);
    outcomes.push({
      artistSlug: feats.artistSlug,
      reads: reads as ShardOutcomes['reads'],
      host: feats.host ?? {},
    });
  }
  return { features, outcomes };
}

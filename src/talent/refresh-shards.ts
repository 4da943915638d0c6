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
import { InstantSchema, type ScenePulseSummary, ScenePulseSummarySchema } from '../contracts/payloads.js';
import { createDeadline } from '../core/gateway/deadline.js';
import type { BatchCallOptions, SourceGateway } from '../core/gateway/gateway.js';
import type { ItemOutcome } from '../core/gateway/outcome.js';
import type { TalentRefreshShardRow } from '../stores/tables.js';
import { z } from 'zod';
import { type ArtistFeatures, type ReadOutcome, SIGNAL_READS, type SignalRead } from './signals-types.js';

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
  /**
   * The pulses of the scenes named in `planRefresh`'s `scenes` option as of the plan's instant (the
   * ones read ok), as exact text (see `encodeScenePulses` in talent/refresh-shards), for every shard and the finish:
   * read once here rather than once per worker. Null when no scenes were named.
   */
  readonly scenePulses: string | null;
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
    details: parsed.error.issues.map((i) => ({ code: i.code, path: i.path.map(String), message: i.message })),
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
 * The format of staged features: raised whenever what a staged feature means changes, not only its
 * shape (2: `activityLevel` is the larger of the two windows momentum compares). A finish refuses
 * shards of another format (`STORE_SCHEMA_MISMATCH`), so a refresh whose shards were staged by
 * two versions during a rolling deploy is never scored as one. Format 1 was a bare array.
 */
export const SHARD_FEATURES_FORMAT = 2;

/**
 * A shard's features and read outcomes as text, exactly: JSON (`{ format, entries }`, with
 * {@link SHARD_FEATURES_FORMAT}), with NaN, the infinities and -0
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
  return exactStringify({
    format: SHARD_FEATURES_FORMAT,
    entries: features.map((f) => [f, outcomes.get(f.artistSlug)!.reads]),
  });
}

/** JSON with NaN, the infinities and -0 tagged (`{"$num":"NaN"}`...), so every number reads back as the same double. */
function exactStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'number') return v;
    if (Number.isNaN(v)) return { [NUM]: 'NaN' };
    if (v === Number.POSITIVE_INFINITY) return { [NUM]: 'Infinity' };
    if (v === Number.NEGATIVE_INFINITY) return { [NUM]: '-Infinity' };
    if (Object.is(v, -0)) return { [NUM]: '-0' };
    return v;
  });
}

/**
 * What {@link exactStringify} wrote; an unknown number tag, or a number literal too large for a
 * double (which `JSON.parse` would silently read as an infinity, never written so), throws a `TypeError`.
 */
function exactParse(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new TypeError('a number literal out of the range of a double');
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
}

type NumericFeature = {
  [K in keyof ArtistFeatures]: ArtistFeatures[K] extends number | null ? K : never;
}[keyof ArtistFeatures];
/** Every feature that is a number or null (the type makes the list complete). */
const NUMERIC_FEATURES = Object.keys({
  activityLevel: 1,
  engagementLevel: 1,
  engagementGrowth: 1,
  engagementAcceleration: 1,
  eventRate: 1,
  eventGrowth: 1,
  declineGrowth: 1,
  regions: 1,
  newRegions: 1,
  pressVelocity: 1,
  pressQuality: 1,
  tastemakers: 1,
  newTastemakers: 1,
  collaborators: 1,
  newCollaborators: 1,
  centrality: 1,
  connectivity: 1,
  creativeShift: 1,
  drift: 1,
  coherence: 1,
  paidShare: 1,
  anomaly: 1,
  staleDays: 1,
  careerAgeDays: 1,
  campaignCount: 1,
  sceneConfidence: 1,
  sceneHeat: 1,
} satisfies Record<NumericFeature, 1>);
const READ_STATUSES: ReadonlySet<unknown> = new Set(['ok', 'missing', 'timeout', 'error', 'absent']);
const HOST_STATUSES: ReadonlySet<unknown> = new Set(['ok', 'missing', 'error', 'timeout']);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const numberOrNull = (v: unknown): boolean => v === null || typeof v === 'number';

/** What is wrong with staged features, or null when they have the shape this version writes. */
function featuresWrong(f: Record<string, unknown>): string | null {
  if (typeof f.asOf !== 'string') return 'asOf is not an instant';
  for (const key of NUMERIC_FEATURES) if (!numberOrNull(f[key])) return `${key} is not a number or null`;
  if (f.activityBasis !== null && f.activityBasis !== 'engagement' && f.activityBasis !== 'events')
    return 'activityBasis is not engagement, events or null';
  if (f.sceneSlug !== null && typeof f.sceneSlug !== 'string') return 'sceneSlug is not a slug or null';
  if (!Array.isArray(f.microgenres) || !f.microgenres.every((g) => typeof g === 'string'))
    return 'microgenres is not a list of slugs';
  if (!isObject(f.evidence) || !Object.values(f.evidence).every((e) => typeof e === 'boolean'))
    return 'evidence is not a record of booleans';
  if (!isObject(f.activity)) return 'activity is not a record';
  for (const [basis, p] of Object.entries(f.activity))
    if (p !== null && !(isObject(p) && Object.values(p).every((v) => numberOrNull(v) || typeof v === 'string')))
      return `activity.${basis} is not an activity profile or null`;
  if (!isObject(f.host)) return 'host is not a record';
  for (const [name, h] of Object.entries(f.host))
    if (!isObject(h) || !HOST_STATUSES.has(h.status) || !numberOrNull(h.value))
      return `host.${name} is not a host feature outcome`;
  return null;
}

/** What is wrong with staged read outcomes, or null when each read this version makes has one. */
function readsWrong(reads: Record<string, unknown>): string | null {
  for (const read of Object.keys(SIGNAL_READS)) {
    const r = reads[read];
    if (!isObject(r) || !READ_STATUSES.has(r.status)) return `read ${read} has no outcome`;
  }
  return null;
}

/**
 * The features and read outcomes {@link encodeShardFeatures} wrote. Text that is not such a shard
 * throws a `TypeError` (the caller says which row it came from).
 */
export function decodeShardFeatures(text: string): {
  features: ArtistFeatures[];
  outcomes: ShardOutcomes[];
} {
  const staged = exactParse(text);
  const format = isObject(staged) ? staged.format : Array.isArray(staged) ? 1 : undefined;
  if (format !== SHARD_FEATURES_FORMAT)
    throw new TypeError(
      format === undefined
        ? 'a shard holds { format, entries }'
        : `staged by another version of scene-radar (features format ${JSON.stringify(format)}; this version reads ${SHARD_FEATURES_FORMAT}): stage the refresh again`,
    );
  const entries = (staged as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) throw new TypeError('a shard holds an array of [features, reads]');
  const features: ArtistFeatures[] = [];
  const outcomes: ShardOutcomes[] = [];
  for (const entry of entries as unknown[]) {
    const [f, reads] = Array.isArray(entry) ? (entry as [unknown, unknown]) : [null, null];
    if (!isObject(f) || typeof f.artistSlug !== 'string' || !isObject(reads))
      throw new TypeError('a shard entry is [features, reads]');
    const feats = f as unknown as ArtistFeatures;
    features.push(feats);
    outcomes.push({
      artistSlug: feats.artistSlug,
      reads: reads as ShardOutcomes['reads'],
      host: feats.host ?? {},
    });
  }
  return { features, outcomes };
}

/**
 * Scene pulses (by scene slug) as text, exactly (the numbers as {@link encodeShardFeatures} writes
 * them): the coordinator of a sharded refresh reads them once and hands them to every shard and
 * to the finish.
 * @example
 * ```ts
 * decodeScenePulses(encodeScenePulses(new Map([[pulse.sceneSlug, pulse]]))); // the same pulses
 * ```
 */
export function encodeScenePulses(pulses: ReadonlyMap<string, ScenePulseSummary>): string {
  return exactStringify([...pulses.values()]);
}

/**
 * The pulses {@link encodeScenePulses} wrote, by scene slug. A pulse that is not a valid scene
 * pulse summary, or (given `asOfMs`) not computed as of that very instant, is left out (whoever
 * reads it computes that scene itself): another plan's pulses handed to a finish wrote that week's
 * heats into the roll-ups. Text that is not such a list is `TALENT_VALIDATION_ERROR`.
 */
export function decodeScenePulses(text: string, asOfMs?: number): Map<string, ScenePulseSummary> {
  let list: unknown;
  try {
    list = exactParse(text);
  } catch (e) {
    throw new SceneRadarError('TALENT_VALIDATION_ERROR', `Invalid scene pulses: ${String(e)}`);
  }
  if (!Array.isArray(list)) throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'Invalid scene pulses: not a list');
  const out = new Map<string, ScenePulseSummary>();
  // Kept as decoded (same keys, same order) once valid: the value the coordinator's gateway read.
  for (const p of list)
    if (
      ScenePulseSummarySchema.safeParse(p).success &&
      (asOfMs === undefined || Date.parse((p as ScenePulseSummary).asOf) === asOfMs)
    )
      out.set((p as ScenePulseSummary).sceneSlug, p);
  return out;
}

/**
 * `gateway`, with the scene pulses of `pulses` answered from there, without a call (`ok`, as the
 * gateway answered them on the coordinator, at the same instant); every other read, and the
 * pulses of other scenes, go to `gateway`.
 */
export function withScenePulses(gateway: SourceGateway, pulses: ReadonlyMap<string, ScenePulseSummary>): SourceGateway {
  if (pulses.size === 0) return gateway;
  const batch = (async (source: string, method: string, keys: readonly string[], options: BatchCallOptions) => {
    const pass = gateway.batch as (
      s: string,
      m: string,
      k: readonly string[],
      o: BatchCallOptions,
    ) => Promise<Map<string, ItemOutcome<unknown>>>;
    if (source !== 'scenes' || method !== 'getScenePulses') return pass(source, method, keys, options);
    const unique = [...new Set(keys)];
    const rest = unique.filter((k) => !pulses.has(k));
    const read = rest.length ? await pass(source, method, rest, options) : new Map<string, ItemOutcome<unknown>>();
    const provenance = {
      source: 'scenes',
      method,
      asOf: options.asOf.toISOString(),
      durationMs: 0,
      batchSize: 0,
    } as const;
    return new Map(
      unique.map((k) => {
        const p = pulses.get(k);
        return [k, p ? { status: 'ok', value: p, provenance } : read.get(k)!] as const;
      }),
    );
  }) as SourceGateway['batch'];
  return {
    has: (source) => gateway.has(source),
    batch,
    one: async (source, method, key, options) => (await batch(source, method, [key], options)).get(key)!,
    call: (source, method, schema, invoke, options) => gateway.call(source, method, schema, invoke, options),
    close: () => gateway.close(),
  };
}

/**
 * The pulses of `scenes` as of `at`, read once through `gateway` (the coordinator's), as
 * {@link encodeScenePulses} writes them: only the ones read ok (a scene whose pulse failed is
 * read again by whoever needs it, as without them).
 */
export async function readScenePulses(
  gateway: SourceGateway,
  scenes: readonly string[],
  at: Date,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<string> {
  const unique = [...new Set(scenes)].filter((s) => SlugSchema.safeParse(s).success);
  const pulses = new Map<string, ScenePulseSummary>();
  if (unique.length === 0) return encodeScenePulses(pulses);
  const deadline = createDeadline(timeoutMs, signal);
  try {
    for (const [slug, o] of await gateway.batch('scenes', 'getScenePulses', unique, { asOf: at, deadline }))
      if (o.status === 'ok') pulses.set(slug, o.value);
  } finally {
    deadline.dispose();
  }
  return encodeScenePulses(pulses);
}

/**
 * The heat of each of `slugs` (the roll-up's): from `pulses` where they hold the scene, the rest
 * through `read` (the Scenes Engine); scenes without a heat are left out.
 */
export async function sceneHeatsOf(
  slugs: readonly string[],
  pulses: ReadonlyMap<string, ScenePulseSummary> | undefined,
  read: (slugs: readonly string[]) => Promise<Map<string, number>>,
): Promise<Map<string, number>> {
  if (!pulses || pulses.size === 0) return read(slugs);
  const out = new Map<string, number>();
  const rest: string[] = [];
  for (const s of slugs) {
    const p = pulses.get(s);
    if (p) out.set(s, p.heat);
    else rest.push(s);
  }
  if (rest.length) for (const [s, h] of await read(rest)) out.set(s, h);
  return out;
}

/**
 * A staged shard's features, or `STORE_SCHEMA_MISMATCH` naming the row when it cannot be read: not
 * such JSON, another artist count, or features or read outcomes of another shape than this version
 * stages (a field missing or of another type), which would otherwise be scored as they are.
 */
export function stagedShard(row: Readonly<TalentRefreshShardRow>): ReturnType<typeof decodeShardFeatures> {
  try {
    const got = decodeShardFeatures(row.features);
    if (got.features.length !== row.artist_count)
      throw new TypeError(`holds ${got.features.length} artists, not ${row.artist_count}`);
    // Features of another shape (another version's, a row edited by hand) would be scored as they
    // are: a feature missing reads as no evidence, and the refresh is silently another one.
    for (let i = 0; i < got.features.length; i++) {
      const f = got.features[i] as unknown as Record<string, unknown>;
      const wrong = featuresWrong(f) ?? readsWrong(got.outcomes[i]!.reads as unknown as Record<string, unknown>);
      if (wrong) throw new TypeError(`artist ${JSON.stringify(f.artistSlug)}: ${wrong}`);
    }
    return got;
  } catch (e) {
    throw new SceneRadarError(
      'STORE_SCHEMA_MISMATCH',
      `talent_radar_refresh_shards holds shard ${row.shard} of refresh ${row.refresh_id} that this version of scene-radar cannot read: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
}

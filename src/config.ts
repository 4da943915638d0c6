/**
 * @module config
 * One Zod-validated configuration object holding every default and limit of the origin document
 * (section 5). Defaults are written once, here, beside the option. Resolution is layered:
 * library defaults, then the host's object, then per-engine overrides; per-call options (such as
 * `skipCache`) come last, at the call.
 */
import { z } from 'zod';
import { describeError } from './core/describe-error.js';
import { isSceneRadarError, SceneRadarError } from './core/errors.js';
import { deepFreezeAll } from './core/freeze.js';
import { TalentModelConfigSchema } from './talent/model-config.js';

const ms = (def: number) => z.number().int().positive().max(86_400_000).default(def);
const int = (min: number, max: number, def: number) => z.number().int().min(min).max(max).default(def);
const unit = (def: number) => z.number().min(0).max(1).default(def);
/** Whether a group of weights has one above 0: they are renormalised over their sum, 0 would leave nothing. */
const someWeight = (w: Readonly<Record<string, number>>): boolean => Object.values(w).some((v) => v > 0);
const SOME_WEIGHT = 'at least one weight must be above 0 (the weights are renormalised over their sum)';

/** Per-source call settings. */
export const SourceSettingsSchema = z
  .object({
    /** Calls to this source in flight at once, across all engines. @default 10 */
    concurrency: int(1, 1000, 10),
    /** Timeout of one call to this source, in ms. @default 30000 (the seed's per-artist timeout) */
    timeoutMs: ms(30_000),
  })
  .strict();

/** Policy of the scene pulse (see docs/scenes.md for the formula). */
export const PulseConfigSchema = z
  .object({
    /** Length of the pulse window, days; growth compares it with the window before. @default 30 */
    windowDays: int(7, 180, 30),
    /** Daily engagement added to both windows before taking growth, so tiny bases do not explode (> 0). @default 50 */
    engagementFloor: z.number().positive().max(1e9).default(50),
    /** Log growth at which member momentum reaches 0.73 (logistic scale). @default 0.25 */
    momentumScale: z.number().positive().max(10).default(0.25),
    /** Log growth from which a member counts as rising (ln 1.25: +25%). @default 0.2231 */
    risingLogGrowth: z.number().min(0).max(10).default(Math.log(1.25)),
    /** Mean daily organic engagement a rising member must have (absolute floor). @default 100 */
    risingMinEngagement: z.number().min(0).max(1e9).default(100),
    /** Rising-member share at which that signal saturates. @default 0.3 */
    risingShareSaturation: z.number().positive().max(1).default(0.3),
    /** New members per active member per window at which that signal saturates. @default 0.1 */
    newMemberSaturation: z.number().positive().max(10).default(0.1),
    /** New tastemaker links per active member per window at which that signal reaches 0.63. @default 0.15 */
    tastemakerScale: z.number().positive().max(100).default(0.15),
    /** Weights of the heat signals (renormalised over the signals with evidence). */
    weights: z
      .object({
        /** Member momentum. @default 0.35 */
        momentum: unit(0.35),
        /** Rising-member share. @default 0.25 */
        rising: unit(0.25),
        /** New members. @default 0.15 */
        newMembers: unit(0.15),
        /** Tastemaker activity. @default 0.25 */
        tastemakers: unit(0.25),
      })
      .strict()
      .refine(someWeight, { message: SOME_WEIGHT })
      .default(() => ({ momentum: 0.35, rising: 0.25, newMembers: 0.15, tastemakers: 0.25 })),
    /** Heat below which a scene that is not cooling is `emerging`. @default 40 */
    emergingMaxHeat: z.number().min(0).max(100).default(40),
    /** Relative heat growth from which a scene is `growing`. @default 0.05 */
    growingMinGrowth: z.number().min(-1).max(10).default(0.05),
    /** Relative heat growth at or below which a scene is `cooling`. @default -0.05 */
    coolingMaxGrowth: z.number().min(-1).max(10).default(-0.05),
    /** Artists listed in a pulse's `top_artists`. @default 10 */
    topArtists: int(1, 100, 10),
    /** Active members at which a scene's signals count half (small scenes are shrunk toward neutral). @default 5 */
    smallSceneMembers: z.number().min(0).max(10_000).default(5),
  })
  .strict()
  .refine((p) => p.coolingMaxGrowth < p.growingMinGrowth, {
    message: 'coolingMaxGrowth must be below growingMinGrowth',
    path: ['coolingMaxGrowth'],
  });

/** Policy of scene memberships (see docs/scenes.md). */
export const MembershipConfigSchema = z
  .object({
    /** Weights of the three components. */
    weights: z
      .object({
        /** Sound: microgenres and sound-map proximity. @default 0.45 */
        sound: unit(0.45),
        /** Place: home city or region. @default 0.35 */
        place: unit(0.35),
        /** People: shared tastemakers and collaborators. @default 0.2 */
        people: unit(0.2),
      })
      .strict()
      .refine(someWeight, { message: SOME_WEIGHT })
      // The core is sound and place together (`(sound x s + place x p) / (sound + place)`), and
      // people count only links into the core: with both at 0, no artist is ever a member.
      .refine((w) => w.sound + w.place > 0, {
        message: 'sound or place must be above 0 (the core of a scene is its sound and place)',
      })
      .default(() => ({ sound: 0.45, place: 0.35, people: 0.2 })),
    /** Place score for the scene's region but another city. @default 0.5 */
    sameRegionPlace: unit(0.5),
    /** Half-life of a release's weight in an artist's sound, days. @default 180 */
    releaseHalfLifeDays: z.number().positive().max(3650).default(180),
    /** Sound-map distance (in catalog standard deviations) at which proximity is 1/e. @default 0.5 */
    soundMapScale: z.number().positive().max(100).default(0.5),
    /** Sound-and-place score from which an artist is a core member of a scene. @default 0.6 */
    coreThreshold: unit(0.6),
    /** Confidence below which no membership is stored. @default 0.3 */
    minConfidence: unit(0.3),
    /**
     * Consecutive refreshes without evidence after which a member leaves its scene (hysteresis): a
     * source answering empty once does not drop members, and a member back within the window keeps
     * its join date. 1 drops at the first refresh without evidence. Counted by the engine in memory:
     * a restarted process starts counting again (members then stay a little longer, never less).
     * @default 3
     */
    leaveAfterRefreshes: int(1, 100, 3),
  })
  .strict();

/** Scenes Engine limits and defaults (seed section 5, "Scenes Engine"). */
export const ScenesConfigSchema = z
  .object({
    /** Max scenes per query. @default 100 */
    maxScenesPerQuery: int(1, 10_000, 100),
    /** Max memberships per query. @default 10000 */
    maxMembershipsPerQuery: int(1, 1_000_000, 10_000),
    /** Scene pulse cache TTL, ms. @default 300000 (5 minutes) */
    scenePulseTtlMs: ms(300_000),
    /** Global pulse cache TTL, ms. @default 600000 (10 minutes) */
    globalPulseTtlMs: ms(600_000),
    /** Scenes processed concurrently in a batch. @default 10 */
    batchConcurrency: int(1, 1000, 10),
    /** Deadline for one scene pulse, ms. @default 30000 */
    scenePulseTimeoutMs: ms(30_000),
    /** Deadline for a regional or global pulse, ms. @default 120000 */
    globalPulseTimeoutMs: ms(120_000),
    /** Cache TTL of a degraded pulse (a source failed or timed out), ms: short, so it heals soon. @default 15000 */
    degradedTtlMs: ms(15_000),
    /** How pulses are computed. */
    pulse: PulseConfigSchema.default(() => PulseConfigSchema.parse({})),
    /** How memberships are computed. */
    membership: MembershipConfigSchema.default(() => MembershipConfigSchema.parse({})),
    /** How relationships are kept. */
    relationships: z
      .object({
        /** Relationships weaker than this are not stored. @default 0.05 */
        minWeight: unit(0.05),
        /** Relationships kept per scene and type. @default 10 */
        perScene: int(1, 1000, 10),
      })
      .strict()
      .default(() => ({ minWeight: 0.05, perScene: 10 })),
    /** How long stored scene recommendations stay valid, ms. @default 3600000 (1 hour) */
    recommendationsTtlMs: ms(3_600_000),
  })
  .strict();

/** Thresholds that turn scores into levels (trajectory bands, top-list membership). */
export const ThresholdsSchema = z
  .object({
    /** Momentum (0-100) bands: at or above `rising` is rising, below `declining` is declining. */
    momentum: z
      .object({
        /** Momentum at or above which an artist is rising, 0-100. @default 70 */
        rising: z.number().min(0).max(100).default(70),
        /** Momentum below which an artist is declining, 0-100; at most `rising`. @default 30 */
        declining: z.number().min(0).max(100).default(30),
      })
      .strict()
      .default(() => ({ rising: 70, declining: 30 })),
    /** Breakout score (0-1) levels: `high` counts in `highBreakoutCount`. */
    breakout: z
      .object({
        /** Breakout score at or above which breakout potential is high, 0-1. @default 0.7 */
        high: unit(0.7),
        /** Breakout score at or above which breakout potential is medium (below `high`), 0-1; at most `high`. @default 0.4 */
        medium: unit(0.4),
      })
      .strict()
      .default(() => ({ high: 0.7, medium: 0.4 })),
    /** Risk score (0-1) levels: `high` counts in `highRiskCount`. */
    risk: z
      .object({
        /** Risk score at or above which the risk level is high, 0-1. @default 0.6 */
        high: unit(0.6),
        /** Risk score at or above which the risk level is medium (below `high`), 0-1; at most `high`. @default 0.3 */
        medium: unit(0.3),
      })
      .strict()
      .default(() => ({ high: 0.6, medium: 0.3 })),
  })
  .strict()
  .refine((t) => t.momentum.declining <= t.momentum.rising, {
    message: 'momentum.declining must not exceed momentum.rising',
    path: ['momentum', 'declining'],
  })
  .refine((t) => t.breakout.medium <= t.breakout.high, {
    message: 'breakout.medium must not exceed breakout.high',
    path: ['breakout', 'medium'],
  })
  .refine((t) => t.risk.medium <= t.risk.high, {
    message: 'risk.medium must not exceed risk.high',
    path: ['risk', 'medium'],
  });

/** Talent Radar limits and defaults (seed section 5, "Talent Radar"). */
export const TalentConfigSchema = z
  .object({
    /** Max artists per query. @default 100 */
    maxArtistsPerQuery: int(1, 10_000, 100),
    /** Max scenes per query. @default 50 */
    maxScenesPerQuery: int(1, 10_000, 50),
    /** Artists per signal-aggregation batch. @default 20 */
    signalBatchSize: int(1, 10_000, 20),
    /**
     * Consecutive refreshes an artist must be missing from the MIG universe before its record is
     * removed: one short or empty `listArtists` answer must not empty the radar. Counted in
     * `talent_radar_state` with the last refresh: a restart keeps the count. @default 3
     */
    dropAfterRefreshes: int(1, 100, 3),
    /** Signal batches in flight at once. @default 10 */
    batchConcurrency: int(1, 1000, 10),
    /** Global pulse cache TTL, ms. @default 600000 (10 minutes) */
    globalPulseTtlMs: ms(600_000),
    /** Artist profile cache TTL, ms. @default 300000 (5 minutes) */
    artistProfileTtlMs: ms(300_000),
    /** Deadline for one artist's signals, ms. @default 30000 */
    signalTimeoutMs: ms(30_000),
    /** Deadline for a global pulse, ms. @default 120000 */
    globalPulseTimeoutMs: ms(120_000),
    /** Scoring policy: windows, normalisation, breakout weights, risk severities (docs/scoring.md). */
    model: TalentModelConfigSchema.default(() => TalentModelConfigSchema.parse({})),
    /** Similar artists returned in a profile. @default 5 */
    similarArtists: int(0, 50, 5),
    /** Score thresholds. */
    // A factory, as every object default here: a literal default is one object, shared by every
    // resolved configuration (a change to one radar's thresholds moved every radar's).
    thresholds: ThresholdsSchema.default(() => ({
      momentum: { rising: 70, declining: 30 },
      breakout: { high: 0.7, medium: 0.4 },
      risk: { high: 0.6, medium: 0.3 },
    })),
  })
  .strict();

/** Cache settings shared by the engines. */
export const CacheConfigSchema = z
  .object({
    /** Max entries held per engine cache (least recently used go first). @default 10000 */
    maxEntries: int(1, 10_000_000, 10_000),
    /** How long past its TTL an entry may still be served while one refresh runs, ms. @default 60000 */
    staleGraceMs: z.number().int().min(0).max(86_400_000).default(60_000),
    /**
     * How long a read or write of a host's cache store (one that answers with promises) may take,
     * ms, and its clear at `close()`: past it, the call counts as a failed one (a `store_error`
     * event; a read is a miss, and the value is computed), so a stalled store holds no answer and no
     * `close()`. Invalidations (deletes, clears) are waited for in full. @default 1000
     */
    storeTimeoutMs: int(1, 600_000, 1_000),
  })
  .strict();

/**
 * Sanity bounds on what sources answer, checked by the gateway after the schema (see
 * docs/reliability.md). An answer for a key that breaks one is an `invalid_payload` error for that
 * key alone; the rest of the call is kept.
 */
export const PayloadBoundsSchema = z
  .object({
    /** Most items in one list of one key's answer (releases, campaigns, articles, events, network links, memberships); a longer list is an error for that key, found before it is parsed. @default 10000 */
    maxListItems: int(1, 10_000_000, 10_000),
    /** Most artists in one page of `listArtists`; a longer page fails the universe walk with a clear reason. @default 100000 */
    maxPageItems: int(1, 10_000_000, 100_000),
    /** How far after the as-of instant an observation may be dated (clock skew, time zones), ms; later dates are invalid payloads. @default 86400000 (one day) */
    futureSkewMs: z
      .number()
      .int()
      .min(0)
      .max(100 * 365 * 86_400_000)
      .default(86_400_000),
    /** Ceiling of one day's organic or paid engagement (Fusion). @default 1e10 */
    maxDailyEngagement: z.number().positive().max(1e15).default(1e10),
    /** Ceiling of an RCF event's weight and of a collaboration's weight (MIG). @default 1e9 */
    maxWeight: z.number().positive().max(1e15).default(1e9),
    /** Ceiling of a campaign's spend (Fusion). @default 1e12 */
    maxSpend: z.number().positive().max(1e15).default(1e12),
    /** Ceiling of the absolute value of a fingerprint vector's component (CMG). @default 1e6 */
    maxVectorComponent: z.number().positive().max(1e15).default(1e6),
  })
  .strict();

/** Resolved sanity bounds ({@link PayloadBoundsSchema}). */
export type PayloadBounds = z.output<typeof PayloadBoundsSchema>;

const sourceSettings = SourceSettingsSchema.default(() => ({ concurrency: 10, timeoutMs: 30_000 }));

/** The whole configuration. Every field is optional on input; defaults are the seed's. */
export const SceneRadarConfigSchema = z
  .object({
    /** Scenes Engine settings. */
    scenes: ScenesConfigSchema.default(() => ScenesConfigSchema.parse({})),
    /** Talent Radar settings. */
    talent: TalentConfigSchema.default(() => TalentConfigSchema.parse({})),
    /** Cache settings. */
    cache: CacheConfigSchema.default(() => CacheConfigSchema.parse({})),
    /** Sanity bounds on source answers (sizes, dates, value ranges). */
    payloads: PayloadBoundsSchema.default(() => PayloadBoundsSchema.parse({})),
    /** Per-source call settings. */
    sources: z
      .object({
        /** Settings for calls to MIG, the industry graph (artists, networks). */
        mig: sourceSettings,
        /** Settings for calls to CMG, the creative graph (release fingerprints). */
        cmg: sourceSettings,
        /** Settings for calls to Fusion, campaigns and daily engagement. */
        fusion: sourceSettings,
        /** Settings for calls to Coverage, press articles. */
        coverage: sourceSettings,
        /** Settings for calls to RCF, the real-time event feed. */
        rcf: sourceSettings,
        /** Settings for calls to IdentityKernel, identity coherence. */
        identityKernel: sourceSettings,
        /** Settings for calls to the Scenes Engine as read through `ScenesAdapter` (memberships, scene pulses). */
        scenes: sourceSettings,
        /** Settings for calls to the host's workspace source. */
        workspaces: sourceSettings,
      })
      .strict()
      .default(() => ({
        mig: SourceSettingsSchema.parse({}),
        cmg: SourceSettingsSchema.parse({}),
        fusion: SourceSettingsSchema.parse({}),
        coverage: SourceSettingsSchema.parse({}),
        rcf: SourceSettingsSchema.parse({}),
        identityKernel: SourceSettingsSchema.parse({}),
        scenes: SourceSettingsSchema.parse({}),
        workspaces: SourceSettingsSchema.parse({}),
      })),
  })
  .strict();

/** A fully resolved configuration. */
export type SceneRadarConfig = z.output<typeof SceneRadarConfigSchema>;

/** What a host may pass: any subset, nested objects partial too. */
export type SceneRadarConfigInput = DeepPartial<z.input<typeof SceneRadarConfigSchema>>;

/** Recursively optional. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/**
 * Built-in kinds whose data is internal, not fields (by their `Object.prototype.toString` tag): a
 * Date, a Map or a Promise where a section belongs would otherwise pass for a section left at its
 * defaults.
 */
const NOT_FIELDS = new Set([
  'Arguments',
  'ArrayBuffer',
  'AsyncGenerator',
  'BigInt',
  'Boolean',
  'DataView',
  'Date',
  'Error',
  'FinalizationRegistry',
  'Generator',
  'Map',
  'Number',
  'Promise',
  'RegExp',
  'Set',
  'SharedArrayBuffer',
  'String',
  'Symbol',
  'WeakMap',
  'WeakRef',
  'WeakSet',
]);

/** The kind of an object that is not an object of fields, or undefined for one that is. */
function notFieldsKind(v: object): string | undefined {
  if (ArrayBuffer.isView(v)) return 'typed array';
  const tag = Object.prototype.toString.call(v).slice(8, -1);
  return NOT_FIELDS.has(tag) ? tag : undefined;
}

/**
 * Whether `v` is an object of fields a layer may hold where a section is: a plain object, one with
 * a null prototype (what pg-connection-string and others build), a module namespace, one from
 * another realm (a vm context, an iframe) or a class instance's own fields. Arrays, functions and
 * the built-in kinds of {@link NOT_FIELDS} are not.
 */
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && notFieldsKind(v) === undefined;
}

/**
 * The name of a field `v` would lose: a getter or a value it inherits from a prototype below the
 * root (a class's getter, `Object.create(shared)`), which a merge of its own fields would drop
 * without a word. Methods are no settings, and are ignored.
 */
function inheritedField(v: object): string | undefined {
  for (let proto = Object.getPrototypeOf(v); proto !== null; proto = Object.getPrototypeOf(proto)) {
    // The root of any realm (`Object.prototype` of this one or another) holds no settings.
    if (Object.getPrototypeOf(proto) === null) return undefined;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor') continue;
      const d = Object.getOwnPropertyDescriptor(proto, name);
      if (d && (d.get !== undefined || (d.value !== undefined && typeof d.value !== 'function'))) return name;
    }
  }
  return undefined;
}

/** A `CONFIG_INVALID` error at `path` (`(root)` when empty). */
function invalidAt(path: readonly string[], message: string, cause?: unknown): SceneRadarError {
  const at = path.join('.') || '(root)';
  return new SceneRadarError('CONFIG_INVALID', `Invalid scene-radar configuration: ${at}: ${message}`, {
    details: [{ path: [...path], message: message.charAt(0).toUpperCase() + message.slice(1) }],
    ...(cause === undefined ? {} : { cause }),
  });
}

/** `read()`, or a `CONFIG_INVALID` error naming `path` when it throws (a getter, a proxy's trap). */
function readAt<T>(path: readonly string[], read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw invalidAt(path, `it cannot be read (${describeError(error, { name: false })})`, error);
  }
}

/**
 * Records keyed by the host's own names, which a layer gives whole: merging them would mix two
 * fitted models (a later model without an earlier one's host input would keep its term).
 */
const GIVEN_WHOLE = new Set(['talent.model.breakout.hostInputs']);

/**
 * Deep-merges objects of fields ({@link isRecord}; `over` wins); arrays and other values replace.
 * Refuses, naming where: an object of another kind (a Date, a Map...), which would otherwise pass
 * for a section left at its defaults; a `__proto__` key (from `JSON.parse`), which is no field; a
 * field that cannot be read (a getter that throws); an object met again inside itself
 * (`o.scenes.self = o`), rather than following it for ever.
 */
function merge(base: unknown, over: unknown, path: string[] = [], open: object[] = []): unknown {
  if (over === undefined) return base;
  if (typeof over !== 'object' || over === null || Array.isArray(over)) return over;
  const kind = readAt(path, () => notFieldsKind(over));
  const inherited = kind === undefined ? readAt(path, () => inheritedField(over)) : undefined;
  if (kind !== undefined) throw invalidAt(path, `expected a value or an object of fields, got a ${kind} object`);
  if (inherited !== undefined)
    throw invalidAt(
      path,
      `"${inherited}" is inherited from the object's prototype, not a field of its own (give an object of its own fields, such as { ...settings })`,
    );
  if (open.includes(over)) throw invalidAt(path, 'the object contains itself');
  open.push(over);
  const out: Record<string, unknown> = isRecord(base) && !GIVEN_WHOLE.has(path.join('.')) ? { ...base } : {};
  for (const key of readAt(path, () => Object.keys(over))) {
    path.push(key);
    // `constructor` and `prototype` are names like any other (a host feature's term may be named
    // so), read as own keys; `__proto__` would reach the prototype of `out`.
    if (key === '__proto__') throw invalidAt(path, 'not a configuration field');
    const value = readAt(path, () => (over as Record<string, unknown>)[key]);
    out[key] = merge(Object.hasOwn(out, key) ? out[key] : undefined, value, path, open);
    path.pop();
  }
  open.pop();
  return out;
}

/**
 * Resolves layered configuration into a validated {@link SceneRadarConfig}. Later layers override
 * earlier ones field by field. Throws a `CONFIG_INVALID` {@link SceneRadarError} naming every bad
 * field (`scenes.batchConcurrency: Too small: expected number to be >=1`), and the same code for a
 * configuration that cannot be read (a getter that throws, a revoked proxy, an object that contains
 * itself).
 * @example
 * ```ts
 * const config = resolveConfig({ talent: { signalBatchSize: 50 } });
 * config.scenes.scenePulseTtlMs; // 300000
 * ```
 */
export function resolveConfig(...layers: ReadonlyArray<SceneRadarConfigInput | undefined>): SceneRadarConfig {
  let result: ReturnType<typeof SceneRadarConfigSchema.safeParse>;
  try {
    const merged = layers.reduce<unknown>((acc, layer) => merge(acc, layer), {});
    result = SceneRadarConfigSchema.safeParse(merged);
  } catch (error) {
    if (isSceneRadarError(error)) throw error;
    // A getter that throws, a revoked proxy, an object too deep to walk: still a config error.
    throw new SceneRadarError(
      'CONFIG_INVALID',
      `Invalid scene-radar configuration: it cannot be read (${describeError(error, { name: false })})`,
      { details: [{ path: [], message: 'The configuration cannot be read' }], cause: error },
    );
  }
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }));
    const text = issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new SceneRadarError('CONFIG_INVALID', `Invalid scene-radar configuration: ${text}`, { details: issues });
  }
  return result.data;
}

/**
 * The defaults, resolved once; frozen, since the tabular import and the source gateway read their
 * ceilings from it (a host's write would change them for the whole process).
 */
export const DEFAULT_CONFIG: SceneRadarConfig = deepFreezeAll(resolveConfig());

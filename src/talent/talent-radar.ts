/**
 * @module talent/talent-radar
 * The Talent Radar: signals (ArtistSignalsEngine), scores, the refresh that scores every artist
 * of the universe as of a date and writes the owned tables, calibration of the breakout model,
 * and the RadarAggregator on top. Reads sources only through its gateway (MIG, Scenes via
 * `ScenesAdapter`, CMG, Fusion, Coverage, RCF, IdentityKernel, workspaces); writes only the
 * `talent_radar_*` tables; never triggers an action.
 */
import type { Cache } from '../core/cache/cache.js';
import type { Clock } from '../core/clock.js';
import { SOURCE_NAMES, type SourceName } from '../contracts/sources.js';
import { Lifecycle } from '../core/lifecycle.js';
import {
  checkRefreshInstant,
  isRefreshConflict,
  MAX_REFRESH_ATTEMPTS,
  CONFLICT_RETRY_LOG,
  OneAtATime,
  refreshConflict,
} from '../core/refresh-order.js';
import { describeError } from '../core/describe-error.js';
import { isSceneRadarError, SceneRadarError } from '../core/errors.js';
import { createDeadline } from '../core/gateway/deadline.js';
import type { SourceGateway } from '../core/gateway/gateway.js';
import { listUniverse } from '../core/gateway/universe.js';
import { callHook } from '../core/hooks.js';
import { ProgressTracker, type PhaseProgress, type ProgressOptions } from '../core/observe/progress.js';
import { RefreshRun, SILENT_OBSERVER, type RadarObserver } from '../core/observe/refresh-run.js';
import { isArrayValue, requireDate, requireOptions, requireSlug } from '../core/validation.js';
import type { SceneRadarConfig } from '../config.js';
import type { TalentStores } from '../stores/specs.js';
import { stageStores } from '../stores/staged.js';
import type { TalentArtistRow, TalentMicrogenreRow, TalentSceneRow, TalentStateRow } from '../stores/tables.js';
import { SlugSchema } from '../core/slug.js';
import {
  checkFinish,
  checkShard,
  decodeScenePulses,
  stagedShard,
  encodeShardFeatures,
  readScenePulses,
  sceneHeatsOf,
  type TalentRefreshFinish,
  type TalentRefreshPlan,
  type TalentRefreshShard,
  type TalentShardReport,
  withScenePulses,
} from './refresh-shards.js';
import type { ScenePulseSummary } from '../contracts/payloads.js';
import { peerStatsFromJson, peerStatsToJson, type Json } from './peer-state.js';
import { z } from 'zod';
import { BreakoutModelSchema, type BreakoutModel, type BreakoutModelInput } from './breakout-model.js';
import {
  checkCalibrationOptions,
  fitBreakoutModel,
  isCalibrationWeight,
  type CalibrationExample,
  type CalibrationOptions,
  type CalibrationResult,
  type CalibrationValidation,
} from './calibrate.js';
import { featureTable } from './feature-table.js';
import { extractFeatures } from './features.js';
import {
  hostFeatureSpecs,
  validateHostFeatures,
  withUnrankedTerms,
  withUnregisteredTerms,
  type HostFeature,
  type HostFeatureSpec,
} from './host-features.js';
import type { TalentModelConfig } from './model-config.js';
import { RadarAggregator } from './radar-aggregator.js';
import { artistRow } from './rows.js';
import {
  breakoutInputVector,
  fitPeerStats,
  modelVersion,
  priorPeerStats,
  scoreTable,
  type PeerStats,
} from './scoring.js';
import { TalentModelConfigSchema } from './model-config.js';
import { ArtistSignalsEngine, gatherSignals } from './signals-engine.js';
import {
  SIGNAL_READS,
  type ArtistFeatures,
  type ArtistSignals,
  type HostFeatureOutcome,
  type SignalRead,
} from './signals-types.js';
import type { LastRefreshAttempt, TalentRefreshReport, UnscoredArtist } from './types.js';
import {
  ModelStateSchema,
  MODEL_STATE,
  parseState,
  planStateName,
  PlanStateSchema,
  REFRESH_STATE,
  FAILED_WALK_STATE,
  FailedWalkStateSchema,
  RefreshStateSchema,
  isUnreadableState,
  readableOrNull,
  type RefreshState,
  stateOrThrow,
  toJson,
  universeDigest,
} from './talent-state.js';
import { describeRead, failedReadsOf, hostFeatureCounts, outcomesOf, type SignalOutcomes } from './read-outcomes.js';
import { distributionOf, populationAt } from './population.js';

/** Dependencies of {@link TalentRadar}. */
export interface TalentRadarDeps {
  /** The owned tables. */
  readonly stores: TalentStores;
  /** Gateway over the Talent Radar's sources. */
  readonly gateway: SourceGateway;
  /** Resolved configuration. */
  readonly config: SceneRadarConfig;
  /** Clock. */
  readonly clock: Clock;
  /** Cache for pulses, profiles and top lists (TTLs per the seed). */
  readonly cache: Cache<unknown>;
  /** The host's own features (checked at construction: `CONFIG_INVALID`). @default [] */
  readonly hostFeatures?: readonly HostFeature[];
  /** Open/closed flag shared with the other parts of the radar (calls after `close()` reject with `RADAR_CLOSED`). @default a flag of its own */
  readonly lifecycle?: Lifecycle;
  /** The radar's logger, progress callback and step counters. @default silent */
  readonly observer?: RadarObserver;
}

/** One artist's scores from {@link TalentRadar.scoreArtists}, or why there are none. */
export interface ArtistScore {
  /** The artist. */
  readonly artistSlug: string;
  /**
   * `ok`: scored. `insufficient`: the sources answered and showed no activity
   * (`TALENT_INSUFFICIENT_DATA`). `failed`: no activity evidence because an activity read failed
   * or was refused (a timeout, an error, a lookahead guard): the reason says which.
   */
  readonly status: 'ok' | 'insufficient' | 'failed';
  /** Why the artist has no scores (null when scored). */
  readonly reason: string | null;
  /** Momentum 0-100, null when not scored. */
  readonly momentum: number | null;
  /** Breakout probability 0-1, null when not scored. */
  readonly breakout: number | null;
  /** Risk 0-1, null when not scored. */
  readonly risk: number | null;
  /** Share of the evidence available, 0-1 (0 when not scored). */
  readonly confidence: number;
  /** Reads that failed for this artist (source reads and host features), each with its reason; a scored artist may have some. */
  readonly problems: readonly string[];
}

/** The breakout model a host applied with {@link TalentRadar.setBreakoutModel}, as stored in `talent_radar_state`. */
export interface AppliedBreakoutModel {
  /** The model. */
  readonly model: BreakoutModel;
  /** The validation report given with it (`calibrate()`'s `validation`), or null. */
  readonly validation: CalibrationValidation | null;
  /** The version string the scores made with it carry (`model_version`). */
  readonly modelVersion: string;
  /** When it was applied (ISO). */
  readonly savedAt: string;
}

/** Options of {@link TalentRadar.setBreakoutModel}. */
export interface SetBreakoutModelOptions {
  /** The validation report of the fit (`calibrate()`'s `validation`), stored beside the model for audit. @default null */
  readonly validation?: CalibrationValidation | null;
}

/** A scored set of artists, as of one instant. */
export interface ScoredArtists {
  /** The as-of instant. */
  readonly asOf: string;
  /**
   * The version of the policy the scores were made with (`model_version`, as
   * `radar.talent.modelVersion` read it at scoring time): which model scored them, when a host
   * changes the model while reads are in flight.
   */
  readonly modelVersion: string;
  /** Per artist, in the order asked (duplicates once): scores, or why none. Never a NaN. */
  readonly artists: readonly ArtistScore[];
  /** Features per artist, aligned with `artists`. */
  readonly features: readonly ArtistFeatures[];
  /** The peer statistics scores are relative to. */
  readonly peers: PeerStats;
  /**
   * The population `peers` were fitted on in this call: its artists, and how many of them had a
   * read fail (a source read or a host feature that errored or timed out). Such a peer counts with
   * its features missing, which moves every score relative to the peers, a failure-free artist's
   * too. Both 0 when the peers are the last refresh's (fitted then, see `population`).
   */
  readonly peerReads: {
    /** Artists of the population the peers were fitted on (0 when they are the last refresh's). */
    readonly artists: number;
    /** Of those, artists with a failed read (0 when the peers are the last refresh's). */
    readonly failed: number;
  };
  /** The signals gathered, per artist. */
  readonly signals: ReadonlyMap<string, ArtistSignals>;
}

/** One labelled example for {@link TalentRadar.calibrate}. */
export interface LabelledOutcome {
  /** The artist. */
  readonly artistSlug: string;
  /** The instant the inputs are taken as of. */
  readonly asOf: Date;
  /** Whether the named event happened within the horizon after `asOf`. */
  readonly label: boolean;
  /** Weight of the example. @default 1 */
  readonly weight?: number;
}

/** Options of {@link TalentRadar.calibrationExamples} and {@link TalentRadar.calibrate}. */
export interface CalibrationDataOptions {
  /**
   * The peers at each instant (default: the instant's examples themselves). Called once per
   * instant with a copy of it; a throw rejects the call with `TALENT_VALIDATION_ERROR` naming the
   * instant (the thrown value is its `cause`).
   */
  readonly population?: (asOf: Date) => readonly string[];
  /**
   * Horizon of the labels, days (an integer in 1-3650): an outcome whose label window (`asOf` plus
   * the horizon) ends after now is refused with `TALENT_VALIDATION_ERROR`, for its label could
   * still turn true. An outcome as of an instant after now is refused with or without it.
   * {@link TalentRadar.calibrate} also purges its folds with it (`CalibrationOptions.horizonDays`).
   */
  readonly horizonDays?: number;
  /** Aborts the reads. */
  readonly signal?: AbortSignal;
  /**
   * Progress: task `calibrate`, phase `examples` (outcomes turned into examples, instant by
   * instant), then, for {@link TalentRadar.calibrate}, phase `fit` (each penalty cross-validated,
   * then the final fit). Called besides the radar's own `onProgress`; see `ProgressOptions`.
   */
  readonly onProgress?: ProgressOptions['onProgress'];
}

/** What {@link TalentRadar.calibrationExamples} returns. */
export interface CalibrationData {
  /** Examples with their model inputs, for {@link fitBreakoutModel}. */
  readonly examples: readonly CalibrationExample[];
  /** Outcomes left out because the artist could not be scored, with why. */
  readonly skipped: readonly {
    /** The outcome's artist. */
    readonly artistSlug: string;
    /** The outcome's instant. */
    readonly asOf: string;
    /** Why it gave no example (no activity evidence as of then, a failed read...). */
    readonly reason: string;
  }[];
}

const CHUNK = 1_000;
const DEFAULT_MODEL = TalentModelConfigSchema.parse({});
/** Unscored artists listed by name in a refresh report (the count covers all). */
export const MAX_LISTED_UNSCORED = 1_000;

/** `features` in artist slug order (the array itself when it already is). */
function inSlugOrder(features: readonly ArtistFeatures[]): readonly ArtistFeatures[] {
  let sorted = true;
  for (let i = 1; i < features.length && sorted; i++)
    if (features[i - 1]!.artistSlug > features[i]!.artistSlug) sorted = false;
  if (sorted) return features;
  return [...features].sort((a, b) => (a.artistSlug < b.artistSlug ? -1 : a.artistSlug > b.artistSlug ? 1 : 0));
}

/**
 * Counts keyed by source in the sources' own order (`SOURCE_NAMES`), and any other key after them
 * in text order: what a refresh counted reads the same whichever artist failed first, and back
 * from either store (PostgreSQL's jsonb gives object keys back shortest first).
 */
function inSourceOrder(counts: Readonly<Record<string, number>>): Partial<Record<SourceName, number>> {
  const known = new Set<string>(SOURCE_NAMES);
  const keys = [
    ...SOURCE_NAMES.filter((s) => Object.hasOwn(counts, s)),
    ...Object.keys(counts)
      .filter((k) => !known.has(k))
      .sort(),
  ];
  return Object.fromEntries(keys.map((k) => [k, counts[k]!]));
}

/** Counts keyed by name, in text order (host features' failures, read back from either store alike). */
const inNameOrder = (counts: Readonly<Record<string, number>>): Record<string, number> =>
  Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * The options of a refresh step: an object (or none) whose `signal`, if any, is an AbortSignal;
 * otherwise `TALENT_VALIDATION_ERROR`, before any work (a raw TypeError came from deep inside).
 */
function runOptions<T extends { readonly signal?: AbortSignal }>(options: T | undefined): T {
  const o = requireOptions(options, 'options', 'TALENT_VALIDATION_ERROR') as T;
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal))
    throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'signal must be an AbortSignal', {
      details: [{ code: 'invalid_type', path: ['signal'], message: 'Expected an AbortSignal' }],
    });
  return o;
}

/**
 * The Talent Radar.
 * @example
 * ```ts
 * await radar.refresh();
 * const pulse = await radar.talent.aggregator.buildGlobalPulse({ limit: 20 });
 * ```
 */
export class TalentRadar {
  /** Signal gathering (the seed's `ArtistSignalsEngine`). */
  readonly signals: ArtistSignalsEngine;
  /** Global pulse, profiles, top lists, workspace recommendations (the seed's `RadarAggregator`). */
  readonly aggregator: RadarAggregator;
  readonly #deps: TalentRadarDeps;
  readonly #life: Lifecycle;
  readonly #host: readonly HostFeatureSpec[];
  #model: TalentModelConfig;
  /** The read of `talent_radar_state`: null until the first call that scores (a failed read is retried). */
  #loaded: Promise<void> | null = null;
  /** Whether a read of the stored state has succeeded (the state held is then the stores' as last read). */
  #stateRead = false;
  /** Bumped by every model apply or reset: a state read that started before one must not undo it. */
  #modelGeneration = 0;
  /** Applies and resets of the model called so far. */
  #modelCalls = 0;
  /** The latest call whose write landed, and its row (null: a reset); null before any. */
  #landedModel: { readonly call: number; readonly row: TalentStateRow | null } | null = null;
  /** Bumped by every refresh written: a state read that started before one must not undo it. */
  #refreshGeneration = 0;
  /** Id of the last refresh whose state this radar holds (its own, or read from the stores). */
  #refreshId: string | null = null;
  /**
   * Id of the stored refresh the last state read dropped as unreadable (its peers written by
   * another version): a refresh computed after that read replaces that row, and only that one (a
   * row committed later by another instance is a conflict, readable or not).
   */
  #unreadableId: string | null = null;
  #peers: PeerStats | null = null;
  /** The instant `#peers` were fitted as of (a refresh that scored nobody keeps older peers). */
  #peersAsOf: string | null = null;
  #refreshedAsOf: string | null = null;
  /** This radar's refreshes, one at a time. */
  readonly #refreshes = new OneAtATime();
  // Frozen, as every value assigned later: handed out as they are (meta.failedReads).
  #failedReads: Readonly<Partial<Record<SourceName, number>>> = Object.freeze({});
  #failedKept = 0;
  #failedUnscored: number | null = 0;
  #failedScored: number | null = 0;
  #failedHostFeatures: Readonly<Record<string, number>> = Object.freeze({});
  /** Consecutive refreshes each recorded artist has been missing from the universe. */
  #absent: ReadonlyMap<string, number> = new Map<string, number>();
  #lastAttempt: LastRefreshAttempt | null = null;

  /**
   * Engines come from {@link createSceneRadar}, which builds their internal parts (the source
   * gateway, the caches, the shared lifecycle); constructing one by hand is not supported.
   * @internal
   */
  constructor(deps: TalentRadarDeps) {
    const hostFeatures = validateHostFeatures(deps.hostFeatures);
    this.#life = deps.lifecycle ?? new Lifecycle();
    this.#deps = { ...deps, hostFeatures, lifecycle: this.#life };
    this.#host = hostFeatureSpecs(hostFeatures);
    this.#model = deps.config.talent.model;
    this.signals = new ArtistSignalsEngine(this.#deps);
    this.aggregator = new RadarAggregator({ ...this.#deps, signals: this.signals, radar: this });
  }

  /** The scoring policy in use (the configured one, with the breakout model set by {@link TalentRadar.setBreakoutModel} if any). */
  get model(): TalentModelConfig {
    return this.#model;
  }

  /** The host features registered, as descriptions. */
  get hostFeatures(): readonly HostFeatureSpec[] {
    return this.#host;
  }

  /** Peer statistics of the last refresh, or null before the first. */
  get peers(): PeerStats | null {
    return this.#peers;
  }

  /** As-of instant of the last refresh (ISO), or null. */
  get refreshedAsOf(): string | null {
    return this.#refreshedAsOf;
  }

  /** The last refresh this radar tried, whether or not it could walk the universe (null before one). */
  get lastRefreshAttempt(): LastRefreshAttempt | null {
    return this.#lastAttempt;
  }

  /** Per source, the artists whose read failed in the last refresh this radar ran (empty before one). */
  get lastRefreshFailedReads(): Readonly<Partial<Record<SourceName, number>>> {
    return this.#failedReads;
  }

  /** Of the artists with a failed read in the last refresh, how many kept their previous record (the others were scored with the failed signals unknown, or could not be scored: {@link lastRefreshFailedUnscored}). */
  get lastRefreshFailedKept(): number {
    return this.#failedKept;
  }

  /**
   * Of the artists with a failed read in the last refresh, how many had no previous record and
   * could not be scored (their activity reads failed): they have no record, so the results leave
   * them out, and their `meta.degraded` says how many. Null when the refresh was recorded before
   * 2026-12-06 (not counted then).
   */
  get lastRefreshFailedUnscored(): number | null {
    return this.#failedUnscored;
  }

  /**
   * Of the artists with a failed read in the last refresh, how many were scored with the failed
   * signals unknown (lower confidence). Null when the refresh was recorded before 2026-12-06.
   */
  get lastRefreshFailedScored(): number | null {
    return this.#failedScored;
  }

  /**
   * The recorded artists missing from the universe of the last refresh, each with how many
   * refreshes in a row it has been missing (its record is kept until `talent.dropAfterRefreshes`).
   * Empty before a refresh. The map is replaced, never changed, by the next refresh.
   */
  get lastRefreshAbsent(): ReadonlyMap<string, number> {
    return this.#absent;
  }

  /** Per host feature that failed (error or timeout) for some artists in the last refresh, how many. */
  get lastRefreshFailedHostFeatures(): Readonly<Record<string, number>> {
    return this.#failedHostFeatures;
  }

  /**
   * Version string of the policy in use (see {@link modelVersion}), as this radar last read the
   * stores: a radar started over stores holding an applied model reports the configured one until
   * its state is first read (its first refresh, score, list or profile, or
   * {@link TalentRadar.appliedBreakoutModel}).
   */
  get modelVersion(): string {
    return modelVersion(this.#model, DEFAULT_MODEL);
  }

  /**
   * The breakout model in use, as this radar last read the stores (see
   * {@link TalentRadar.modelVersion}); {@link TalentRadar.appliedBreakoutModel} reads the stored one.
   */
  breakoutModel(): BreakoutModel {
    return structuredClone(this.#model.breakout);
  }

  /**
   * Uses `model` for breakout scores from now on (one fitted by {@link TalentRadar.calibrate}),
   * and stores it, with its validation report, in `talent_radar_state`: a radar started later on
   * the same stores (a restart, another instance) scores with it, and every refresh reads it
   * first, so all instances sharing the stores converge at their next refresh. A stored model
   * takes precedence over `config.talent.model.breakout` until {@link TalentRadar.resetBreakoutModel}.
   * Rejects with `TALENT_VALIDATION_ERROR` if it is not a valid model, or `validation` is not
   * plain JSON data (a cycle, a BigInt; nothing stored), and with the store's error if it cannot
   * be written (the model in use is unchanged). Clears cached
   * results; stored records change at the next refresh.
   * @example
   * ```ts
   * const fit = await radar.talent.calibrate(outcomes);
   * await radar.talent.setBreakoutModel(fit.model, { validation: fit.validation });
   * ```
   */
  async setBreakoutModel(
    model: BreakoutModelInput,
    options: SetBreakoutModelOptions = {},
  ): Promise<AppliedBreakoutModel> {
    this.#life.assertOpen('setBreakoutModel');
    let parsed: ReturnType<typeof BreakoutModelSchema.safeParse>;
    try {
      parsed = BreakoutModelSchema.safeParse(model);
    } catch (error) {
      // A proxy or getter that throws while the model is read: the model is invalid, not the SDK.
      throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'Invalid breakout model: it could not be read', {
        details: [{ code: 'custom', path: [], message: describeError(error, { name: false }) }],
        cause: error,
      });
    }
    if (!parsed.success) {
      throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'Invalid breakout model', {
        details: parsed.error.issues.map((i) => ({ code: i.code, path: i.path.map(String), message: i.message })),
      });
    }
    const validation = options?.validation ?? null;
    if (validation !== null && (typeof validation !== 'object' || Array.isArray(validation)))
      throw new SceneRadarError(
        'TALENT_VALIDATION_ERROR',
        'validation must be the validation report of calibrate(), or null',
        {
          details: [{ code: 'invalid_type', path: ['validation'], message: 'Expected an object or null' }],
        },
      );
    let storedValidation: { [key: string]: Json } | null = null;
    try {
      const json: unknown = validation === null ? null : toJson(validation);
      // A Date, or an object whose toJSON gives a string or an array, is no report: stored, it
      // would make the model row unreadable for every radar on these stores.
      if (json !== null && (typeof json !== 'object' || Array.isArray(json)))
        throw new Error(`its JSON form is ${Array.isArray(json) ? 'an array' : `a ${typeof json}`}, not an object`);
      storedValidation = json as { [key: string]: Json } | null;
    } catch (error) {
      // A cycle, a BigInt, a getter that throws: it cannot be stored as the JSON it is kept as.
      throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'validation cannot be stored: it is not plain JSON data', {
        details: [{ code: 'invalid_type', path: ['validation'], message: describeError(error, { name: false }) }],
        cause: error,
      });
    }
    const breakout = parsed.data;
    const applied = { ...this.#model, breakout };
    const row: TalentStateRow = {
      name: MODEL_STATE,
      value: {
        model: toJson(breakout),
        validation: storedValidation,
        modelVersion: modelVersion(applied, DEFAULT_MODEL),
      },
      updated_at: new Date(this.#deps.clock.now()).toISOString(),
    };
    await this.#writeModel(row, () => {
      this.#model = { ...this.#model, breakout };
    });
    return appliedModelOf(row, this.#deps.config.talent.model);
  }

  /**
   * Writes the model row (or deletes it, for a reset) and applies it here, so that whichever of
   * several applies and resets lands last, the stores and this radar end on the latest call whose
   * write succeeded: a write that lands after a later call's has landed writes that call's row
   * again and applies nothing; a write that fails changes nothing (its caller is told). The
   * generation moves before the write and after it lands, so a state read in flight across either
   * keeps what it read.
   */
  async #writeModel(row: TalentStateRow | null, apply: () => void): Promise<void> {
    const call = ++this.#modelCalls;
    ++this.#modelGeneration;
    const write = (r: TalentStateRow | null): Promise<unknown> =>
      r === null
        ? this.#deps.stores.talent_radar_state.delete([{ name: MODEL_STATE }])
        : this.#deps.stores.talent_radar_state.upsert([r]);
    try {
      await write(row);
      const landed = this.#landedModel;
      if (landed === null || call > landed.call) {
        this.#landedModel = { call, row };
        apply();
      } else await write(landed.row);
    } finally {
      ++this.#modelGeneration;
    }
    void this.aggregator.clearCache();
  }

  /**
   * Forgets the applied model: deletes it from `talent_radar_state` and scores with
   * `config.talent.model.breakout` again (other instances at their next refresh or start).
   * Clears cached results; stored records change at the next refresh.
   */
  async resetBreakoutModel(): Promise<void> {
    this.#life.assertOpen('resetBreakoutModel');
    await this.#writeModel(null, () => {
      this.#model = { ...this.#model, breakout: this.#deps.config.talent.model.breakout };
    });
  }

  /**
   * The model applied with {@link TalentRadar.setBreakoutModel} and its validation report, as
   * `talent_radar_state` holds it now, or null when none is (the configured model is in use).
   */
  async appliedBreakoutModel(): Promise<AppliedBreakoutModel | null> {
    this.#life.assertOpen('appliedBreakoutModel');
    const generation = this.#modelGeneration;
    const row = await this.#deps.stores.talent_radar_state.get({ name: MODEL_STATE });
    const applied = row ? appliedModelOf(row, this.#deps.config.talent.model) : null;
    // What the stores hold is what this radar scores with from now on (as its state reads apply
    // it), unless a model was applied or reset here while the row was read.
    if (generation === this.#modelGeneration)
      this.#adoptModel(applied?.model ?? this.#deps.config.talent.model.breakout);
    return applied;
  }

  /**
   * Scores with `breakout` from now on: a model read from the stores (applied by another instance,
   * or before a restart). When it is another model than the one in use, the cached results made
   * with that one are forgotten (their last good values kept).
   */
  #adoptModel(breakout: BreakoutModel): void {
    const before = modelVersion(this.#model, DEFAULT_MODEL);
    this.#model = { ...this.#model, breakout };
    if (modelVersion(this.#model, DEFAULT_MODEL) !== before)
      void this.aggregator.clearCache(undefined, { keepLastGood: true });
  }

  /**
   * Reads `talent_radar_state` once: the applied breakout model and the last refresh's instant,
   * peer statistics and failed reads, so a radar started on stores another process wrote scores
   * exactly as that process did. Every refresh reads it again first (instances sharing the
   * stores converge). Scoring and the aggregator wait for it; a failed read is not remembered.
   * State this code cannot read is `STORE_SCHEMA_MISMATCH`.
   * @internal
   */
  loadState(options: { readonly force?: boolean } = {}): Promise<void> {
    return this.#loadState(options.force ?? false, false);
  }

  /**
   * {@link TalentRadar.loadState}; `replacing` (a refresh, which replaces the `last-refresh` row)
   * reads a row this code cannot read as no stored refresh instead of refusing it. Such a read is
   * never shared with the other reads (they keep refusing the row until a refresh replaces it).
   */
  #loadState(force: boolean, replacing: boolean): Promise<void> {
    if (this.#loaded && !force) return this.#loaded;
    const modelGeneration = this.#modelGeneration;
    const refreshGeneration = this.#refreshGeneration;
    const load = this.#deps.stores.talent_radar_state
      .getMany([{ name: MODEL_STATE }, { name: REFRESH_STATE }, { name: FAILED_WALK_STATE }])
      .then((rows) => {
        const modelRow = rows.find((r) => r.name === MODEL_STATE);
        const refreshRow = rows.find((r) => r.name === REFRESH_STATE);
        // Only a note in the results: a row this code cannot read is read as none.
        const failedWalk = FailedWalkStateSchema.safeParse(rows.find((r) => r.name === FAILED_WALK_STATE)?.value);
        // Both parsed before either is applied: unreadable state changes nothing.
        const breakout = modelRow ? storedModelOf(modelRow).model : this.#deps.config.talent.model.breakout;
        let refresh: RefreshState | null = null;
        let peers: PeerStats | null = null;
        let dropped: string | null = null;
        try {
          refresh = refreshRow ? parseState(refreshRow, RefreshStateSchema) : null;
          // The peer statistics (about 1.6 MB of JSON at 10k artists) are rebuilt only when the
          // stored refresh is not the one this radar holds: every refresh reads the state first.
          const stored = refresh;
          if (stored !== null && stored.id !== this.#refreshId && stored.peers)
            peers = stateOrThrow(refreshRow!, () => peerStatsFromJson(stored.peers));
        } catch (error) {
          // A refresh replaces a last-refresh row this code cannot read, as the reads' error says:
          // read as no stored refresh (this radar keeps what it holds); every other read refuses it.
          if (!replacing || !isUnreadableState(error)) throw error;
          // Its key, read off the raw row (its outline may be unreadable too): the one row a
          // refresh computed from this read may replace without a conflict.
          dropped = refreshRow ? storedRefreshKey(refreshRow) : null;
          refresh = null;
          peers = null;
        }
        const fresh = refresh !== null && refresh.id !== this.#refreshId;
        if (refreshGeneration === this.#refreshGeneration) this.#unreadableId = dropped;
        // Each part applied unless it changed here since the read began: a model applied meanwhile
        // keeps its model, a refresh written meanwhile its state (one did not undo the other).
        if (modelGeneration === this.#modelGeneration) this.#adoptModel(breakout);
        if (fresh && refresh !== null && refreshGeneration === this.#refreshGeneration) {
          this.#refreshId = refresh.id;
          this.#refreshedAsOf = refresh.asOf;
          this.#peers = peers;
          this.#peersAsOf = refresh.peersAsOf;
          // Frozen: handed out as they are (meta.failedReads), to readers that must not change them.
          this.#failedReads = Object.freeze(inSourceOrder(refresh.failedReads));
          this.#failedKept = refresh.failedKept;
          this.#failedUnscored = refresh.failedUnscored ?? null;
          this.#failedScored = refresh.failedScored ?? null;
          this.#failedHostFeatures = Object.freeze(inNameOrder(refresh.failedHostFeatures ?? {}));
          // A new map, never changed: a result built from the previous state keeps its own.
          this.#absent = new Map(Object.entries(refresh.absent));
        }
        // A walk that failed later than the attempt this radar knows (in another process, or before
        // a restart) is the last attempt: the results say their records are kept from before it.
        // One no later than the last refresh committed (a retry at the same instant that read the
        // universe) is over.
        const committed = refresh?.asOf ?? this.#refreshedAsOf;
        const walkMs = failedWalk.success ? Date.parse(failedWalk.data.asOf) : Number.NaN;
        if (
          failedWalk.success &&
          (committed === null || walkMs > Date.parse(committed)) &&
          (this.#lastAttempt === null || walkMs > Date.parse(this.#lastAttempt.asOf))
        )
          this.#lastAttempt = { ...failedWalk.data };
        // The strict read only: a refresh's tolerant one may have read an unreadable row as none.
        if (!replacing) this.#stateRead = true;
      });
    if (replacing) return load;
    const attempt: Promise<void> = load.catch((e: unknown) => {
      if (this.#loaded === attempt) this.#loaded = null;
      throw e;
    });
    this.#loaded = attempt;
    return attempt;
  }

  /**
   * Gathers signals and scores `artistSlugs` as of `asOf`, relative to `population` (default: the
   * peers of the last refresh when it was as of the same instant, else the artists themselves).
   * Every artist gets an entry: its scores, or `insufficient` / `failed` with the reason (a failed
   * or refused read is named, never hidden behind a missing score). Writes nothing: for backtests,
   * calibration and what-if questions. `RADAR_CLOSED` when the radar is closed during the reads
   * (they were aborted, not failed by their sources). To read the scores the last refresh stored
   * (no source read), use `radar.talent.aggregator.getArtistScores` instead.
   *
   * At most 1,000,000 artists a call: `artistSlugs` and `population` may each list at most that
   * many slugs, and together name at most that many distinct artists; more is
   * `TALENT_VALIDATION_ERROR` (`too_big`), refused before any source is read (a huge or sparse
   * array is refused by its length, not walked). Every artist's signals are held until the call
   * returns: about 28 KB each on the demo world's daily series, far less for weekly chart data, so
   * a population of hundreds of thousands needs a heap to match (`--max-old-space-size`); a whole
   * universe is better scored by {@link TalentRadar.refresh}, which writes the scores.
   * @example
   * ```ts
   * const { artists } = await radar.talent.scoreArtists(['artist-a'], { asOf: new Date('2025-06-01'), population });
   * ```
   */
  async scoreArtists(
    artistSlugs: readonly string[],
    options: { asOf?: Date; population?: readonly string[]; signal?: AbortSignal } = {},
  ): Promise<ScoredArtists> {
    this.#life.assertOpen('scoreArtists');
    options = runOptions(options);
    // A string would be spread into its characters, a Set or a number would throw a TypeError.
    if (!isArrayValue(artistSlugs))
      throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'artistSlugs must be an array of slugs', {
        details: [{ code: 'invalid_type', path: ['artistSlugs'], message: 'Expected an array' }],
      });
    if (options.population !== undefined && !isArrayValue(options.population))
      throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'population must be an array of slugs', {
        details: [{ code: 'invalid_type', path: ['population'], message: 'Expected an array' }],
      });
    // A guard against absurd input, not a limit on a label's roster (see the TSDoc): the raw lengths
    // are checked first, so a huge (or sparse) array is refused before it is walked.
    const maxArtists = 1_000_000;
    const tooBig = (path: 'artistSlugs' | 'population', message: string): SceneRadarError =>
      new SceneRadarError(
        'TALENT_VALIDATION_ERROR',
        `At most ${maxArtists} artists per scoreArtists call (${message})`,
        {
          details: [{ code: 'too_big', path: [path], message: `Expected at most ${maxArtists} artists` }],
        },
      );
    if (artistSlugs.length > maxArtists) throw tooBig('artistSlugs', `artistSlugs has ${artistSlugs.length}`);
    if (options.population !== undefined && options.population.length > maxArtists)
      throw tooBig('population', `population has ${options.population.length}`);
    const asOf = requireDate(options.asOf, 'asOf', new Date(this.#deps.clock.now()), 'TALENT_VALIDATION_ERROR');
    const wanted = [...new Set(artistSlugs)];
    const population = options.population ? [...new Set([...options.population, ...wanted])] : wanted;
    if (population.length > maxArtists)
      throw tooBig('population', `population and artistSlugs together name ${population.length}`);
    // The stored state read again (two rows): another instance may have applied a model since.
    // A radar that has read it before scores with the state it holds when the read fails now (a
    // brief outage of the state table must not stop backtests and calibration, which store nothing).
    try {
      await this.loadState({ force: true });
    } catch (error) {
      // A row this code cannot read (STORE_SCHEMA_MISMATCH) is refused whatever was held.
      if (!this.#stateRead || (isSceneRadarError(error) && error.code === 'STORE_SCHEMA_MISMATCH')) throw error;
    }
    const read = await this.#featuresOf(population, asOf, options.signal, (s) => s);
    // The last refresh's peers only when they are as of the same instant: others would leak.
    // The kept peers serve only if they rank every host feature this radar scores on a percentile
    // scale: a feature added since the refresh that kept them would count for nothing, in silence.
    const kept = this.#peers;
    const samePeers =
      options.population === undefined &&
      kept !== null &&
      this.#peersAsOf === asOf.toISOString() &&
      this.#host.every((h) => h.scale === 'raw' || kept.relative.host.has(h.name));
    // A model term for a feature this radar does not register: that feature's error, said so. With
    // the kept peers, so is a weighed feature they hold an empty distribution for (its read failed
    // in that refresh): its value cannot be ranked against them.
    const scoredAs = <S extends { readonly host: Readonly<Record<string, HostFeatureOutcome>> }>(x: S): S => {
      const registered = withUnregisteredTerms(x, this.#model);
      return samePeers ? withUnrankedTerms(registered, this.#model, this.#host, kept!.relative.host) : registered;
    };
    const features = read.features.map(scoredAs);
    const signals = new Map([...read.signals].map(([slug, s]) => [slug, scoredAs(s)]));
    const peers = samePeers ? kept! : fitPeerStats(featureTable(features, this.#host), this.#model);
    // Counted on the reads as made (a model term for an unregistered feature is no read that failed).
    let failedPeers = 0;
    if (!samePeers)
      for (const s of read.signals.values())
        if (
          failedReadsOf(s).length > 0 ||
          Object.values(s.host).some((h) => h.status === 'error' || h.status === 'timeout')
        )
          failedPeers++;
    const index = new Map(features.map((f, i) => [f.artistSlug, i]));
    const picked = wanted.map((s) => features[index.get(s)!]!);
    const scores = scoreTable(featureTable(picked, this.#host), peers, this.#model);
    const artists = picked.map((f, i) =>
      artistScore(
        signals.get(f.artistSlug)!,
        scores.momentum[i]!,
        scores.breakout[i]!,
        scores.risk[i]!,
        scores.confidence[i]!,
      ),
    );
    return {
      asOf: asOf.toISOString(),
      modelVersion: modelVersion(this.#model, DEFAULT_MODEL),
      artists,
      features: picked,
      peers,
      peerReads: samePeers ? { artists: 0, failed: 0 } : { artists: features.length, failed: failedPeers },
      signals: new Map(wanted.map((s) => [s, signals.get(s)!])),
    };
  }

  /**
   * The breakout model's inputs for labelled outcomes, computed exactly as scoring does, as of each
   * outcome's instant and relative to `population` at that instant: what {@link fitBreakoutModel}
   * fits on. A host pooling several histories (or the published defaults, fitted on two charts)
   * gathers examples per history and fits them together. Every outcome is checked before any
   * source is read (`TALENT_VALIDATION_ERROR` naming `outcomes.<i>`, its weight included).
   * @example
   * ```ts
   * const { examples, skipped } = await radar.talent.calibrationExamples(outcomes, { population: (asOf) => universeAt(asOf) });
   * ```
   */
  async calibrationExamples(
    outcomes: readonly LabelledOutcome[],
    options: CalibrationDataOptions = {},
  ): Promise<CalibrationData> {
    this.#life.assertOpen('calibrationExamples');
    options = requireOptions(options, 'options', 'TALENT_VALIDATION_ERROR');
    if (!isArrayValue(outcomes)) throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'outcomes must be an array');
    if (options.population !== undefined && typeof options.population !== 'function')
      throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'population must be a function (asOf) => slugs', {
        details: [{ code: 'invalid_type', path: ['population'], message: 'Expected a function' }],
      });
    const horizon = options.horizonDays;
    if (horizon !== undefined && !(Number.isInteger(horizon) && horizon >= 1 && horizon <= 3650))
      throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'horizonDays: Expected an integer in 1-3650', {
        details: [{ code: 'invalid_value', path: ['horizonDays'], message: 'Expected an integer in 1-3650' }],
      });
    const now = this.#deps.clock.now();
    const horizonMs = options.horizonDays === undefined ? 0 : options.horizonDays * 86_400_000;
    const byInstant = new Map<number, LabelledOutcome[]>();
    // A loop, not forEach: forEach skips the holes of a sparse array, which would drop them unseen.
    for (let i = 0; i < outcomes.length; i++) {
      const e = outcomes[i]!;
      if (typeof e !== 'object' || e === null || typeof e.label !== 'boolean' || e.asOf === undefined) {
        throw new SceneRadarError(
          'TALENT_VALIDATION_ERROR',
          `outcomes.${i}: expected { artistSlug, asOf: Date, label: boolean }`,
          {
            details: [
              { code: 'invalid_type', path: ['outcomes', String(i)], message: 'Expected { artistSlug, asOf, label }' },
            ],
          },
        );
      }
      // Here, at the outcome's own index: the fit would name its place among the examples, which
      // skipped outcomes shift, and only after every source was read.
      if (e.weight !== undefined && !isCalibrationWeight(e.weight))
        throw new SceneRadarError('TALENT_VALIDATION_ERROR', `outcomes.${i}.weight: Expected a number in 1e-9 to 1e9`, {
          details: [
            {
              code: 'invalid_value',
              path: ['outcomes', String(i), 'weight'],
              message: 'Expected a number in 1e-9 to 1e9',
            },
          ],
        });
      requireSlug(e.artistSlug, `outcomes.${i}.artistSlug`, 'TALENT_VALIDATION_ERROR');
      const t = requireDate(e.asOf, `outcomes.${i}.asOf`, new Date(Number.NaN), 'TALENT_VALIDATION_ERROR').getTime();
      // An instant still to come: neither its inputs nor its label can be known.
      if (t > now) throw futureOutcome(i, new Date(t), `is after now (${new Date(now).toISOString()})`);
      // With a horizon: a label whose window has not closed yet may still turn true.
      if (horizonMs > 0 && t + horizonMs > now)
        throw futureOutcome(
          i,
          new Date(t),
          `plus horizonDays (${options.horizonDays}) ends after now (${new Date(now).toISOString()}): its label cannot be known yet`,
        );
      (byInstant.get(t) ?? byInstant.set(t, []).get(t)!).push(e);
    }
    const examples: CalibrationExample[] = [];
    const skipped: { artistSlug: string; asOf: string; reason: string }[] = [];
    const progress = new ProgressTracker('calibrate', {
      callbacks: [this.#deps.observer?.onProgress, options.onProgress],
    }).phase('examples', outcomes.length);
    for (const [t, group] of [...byInstant].sort((a, b) => a[0] - b[0])) {
      const asOf = new Date(t);
      const scored = await this.scoreArtists(
        group.map((e) => e.artistSlug),
        {
          asOf,
          ...(options.population ? { population: populationAt(options.population, asOf) } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        },
      );
      const table = featureTable(scored.features, this.#host);
      const byArtist = new Map(scored.artists.map((a, i) => [a.artistSlug, i]));
      for (const e of group) {
        const i = byArtist.get(e.artistSlug)!;
        const a = scored.artists[i]!;
        if (a.status !== 'ok') {
          skipped.push({ artistSlug: e.artistSlug, asOf: asOf.toISOString(), reason: a.reason ?? a.status });
          continue;
        }
        examples.push({
          inputs: breakoutInputVector(table, i, scored.peers, this.#model),
          label: e.label,
          time: t,
          ...(e.weight !== undefined ? { weight: e.weight } : {}),
        });
      }
      progress.advance(group.length);
    }
    progress.finish();
    return { examples, skipped };
  }

  /**
   * Fits a breakout model on labelled history (inputs as {@link TalentRadar.calibrationExamples}
   * computes them) and validates it out of time: the penalty is chosen by time-ordered
   * cross-validation, probabilities are recalibrated on the out-of-time predictions, and the
   * result says how the model ranked on periods it was not fitted on and whether the fit
   * converged. Changes nothing: apply the model with {@link TalentRadar.setBreakoutModel} or
   * through `config.talent.model.breakout`. `TALENT_INSUFFICIENT_DATA` with fewer than 10 scored
   * examples or a single outcome. The options and the outcomes are checked before any source is
   * read: a bad one is `TALENT_VALIDATION_ERROR` at once, not after every outcome was scored.
   * @example
   * ```ts
   * const fit = await radar.talent.calibrate(outcomes, { population: (asOf) => universeAt(asOf) });
   * if (fit.validation.outOfTime && fit.validation.outOfTime.meanAuc! > 0.7) await radar.talent.setBreakoutModel(fit.model);
   * ```
   */
  async calibrate(
    outcomes: readonly LabelledOutcome[],
    options: CalibrationOptions & CalibrationDataOptions = {},
  ): Promise<
    CalibrationResult & {
      /** Outcomes left out because the artist could not be scored, with why. */
      readonly skipped: CalibrationData['skipped'];
    }
  > {
    this.#life.assertOpen('calibrate');
    const logger = (this.#deps.observer ?? SILENT_OBSERVER).logger;
    const started = performance.now();
    let examples: readonly CalibrationExample[];
    let skipped: CalibrationData['skipped'];
    try {
      // The fit's options first: a bad penalty is refused before every outcome's sources are read.
      checkCalibrationOptions(requireOptions(options, 'options', 'TALENT_VALIDATION_ERROR'));
      ({ examples, skipped } = await this.calibrationExamples(outcomes, options));
    } catch (e) {
      logger.log(
        'error',
        { task: 'calibrate', outcomes: outcomes?.length, durationMs: Math.round(performance.now() - started), err: e },
        'calibration failed',
      );
      throw e;
    }
    const radarProgress = this.#deps.observer?.onProgress;
    const own = options?.onProgress;
    try {
      const fit = fitBreakoutModel(examples, {
        ...options,
        ...(radarProgress || own
          ? {
              onProgress: (m) => {
                if (radarProgress) callHook(radarProgress, m);
                if (own) callHook(own, m);
              },
            }
          : {}),
      });
      if (skipped.length > 0)
        logger.log(
          'warn',
          { task: 'calibrate', skipped: skipped.length, outcomes: outcomes.length },
          'calibration skipped outcomes that could not be scored',
        );
      logger.log(
        'info',
        {
          task: 'calibrate',
          examples: fit.examples,
          positives: fit.positives,
          l2: fit.validation.l2,
          converged: fit.validation.converged,
          durationMs: Math.round(performance.now() - started),
        },
        'calibration finished',
      );
      return { ...fit, skipped };
    } catch (e) {
      logger.log(
        'error',
        { task: 'calibrate', examples: examples.length, durationMs: Math.round(performance.now() - started), err: e },
        'calibration failed',
      );
      // Too few examples because the sources failed is not "insufficient data": say so. Only when
      // the failed outcomes are what is missing: with them there would be 10 examples and both
      // outcomes. One-class labels, or a model out of bounds, stay insufficient data whatever
      // the sources answer (a retryable 503 would send the host to retry in vain).
      const failedKeys = new Set(
        skipped
          .filter((s) => s.reason.startsWith('no activity evidence because a read failed'))
          .map((s) => `${s.asOf}|${s.artistSlug}`),
      );
      // The outcomes' instants as calibrationExamples read them (a Date, an epoch or an ISO string).
      const instantOf = (v: unknown): string | undefined => {
        try {
          return requireDate(v, 'asOf', new Date(Number.NaN), 'TALENT_VALIDATION_ERROR').toISOString();
        } catch {
          return undefined;
        }
      };
      const failedLabels = outcomes.flatMap((o) =>
        failedKeys.has(`${instantOf(o.asOf)}|${o.artistSlug}`) ? [o.label] : [],
      );
      const failed = failedLabels.length;
      const labels = [...examples.map((x) => x.label), ...failedLabels];
      const short = (n: number, positives: number): boolean => n < 10 || positives === 0 || positives === n;
      const causedByFailures =
        failed > 0 &&
        short(examples.length, examples.filter((x) => x.label).length) &&
        !short(labels.length, labels.filter(Boolean).length);
      if (isSceneRadarError(e) && e.code === 'TALENT_INSUFFICIENT_DATA' && causedByFailures) {
        throw new SceneRadarError(
          'SOURCES_UNAVAILABLE',
          `${e.message}: ${failed} of the ${outcomes.length} outcomes were skipped because their activity sources failed`,
          { cause: e },
        );
      }
      throw e;
    }
  }

  /**
   * Scores every artist of the MIG universe as of `asOf` (default now) and writes
   * `talent_radar_artists` and the scene and microgenre roll-ups. An artist whose sources answered
   * with no activity evidence loses its row; one whose activity reads failed (timeout, error)
   * keeps its previous row: a failing source never erases data. The report lists the artists not
   * scored and why. When the universe cannot be walked, nothing changes and the report says why;
   * when `signal` aborts, it rejects with `TALENT_TIMEOUT` and nothing is written (`RADAR_CLOSED`
   * when the radar is closed during the walk or the reads). When the stores
   * offer a `transaction` (both shipped stores do), the artists and roll-ups are computed first and
   * written in one transaction: a reader never sees half a refresh. The same refresh split into
   * shards over processes (see {@link TalentRadar.planRefresh}; scene-radar/adapters/bullmq runs it
   * on a job queue) runs this very code and writes the same rows. Refreshes of one radar
   * (`refresh` and `finishRefresh`) run one at a time: a call made during one starts after it, or
   * rejects with `TALENT_TIMEOUT` if its `signal` aborts while it waits. An instant more than 5
   * minutes past the clock or before the last refresh's (this radar's or, read from the stores,
   * another instance's) is refused with `TALENT_INVALID_PARAMS`, nothing written; one less than 5
   * minutes before it (another instance's clock) runs as of the last refresh's instant.
   */
  async refresh(
    asOf?: Date,
    options: { readonly signal?: AbortSignal } & ProgressOptions = {},
  ): Promise<TalentRefreshReport> {
    this.#life.assertOpen('refresh');
    options = runOptions(options);
    const at = requireDate(asOf, 'asOf', new Date(this.#deps.clock.now()), 'TALENT_VALIDATION_ERROR');
    // One refresh at a time: two would interleave their reads and writes of the same tables.
    const signal = options?.signal;
    return this.#refreshes.run(
      async () => {
        // Another instance may commit a refresh while this one computes: computed again over it.
        for (let attempt = 1; ; attempt++) {
          this.#life.assertOpen('refresh');
          const started = performance.now();
          // The stored state first: the instant this refresh runs as of depends on the last one.
          let runAt: Date;
          try {
            await this.#untilStopped(this.#loadState(true, true), signal);
            runAt = this.#checkInstant(at);
          } catch (error) {
            // A refresh that fails before it starts (the stores down, its instant refused) is logged too.
            this.#run(at, undefined).failed(error);
            throw error;
          }
          const run = this.#run(runAt, options?.onProgress);
          try {
            return this.#refreshed(run, await this.#refresh(runAt, options ?? {}, started, run));
          } catch (error) {
            // A conflict computed again is no failure: logged as one only past the last attempt.
            if (!isRefreshConflict(error) || attempt >= MAX_REFRESH_ATTEMPTS) {
              run.failed(error);
              throw error;
            }
            run.logger.log('info', { engine: 'talent', asOf: runAt.toISOString() }, CONFLICT_RETRY_LOG);
          }
        }
      },
      signal,
      () => this.#aborted(signal!),
      this.#life.stop('refresh'),
    );
  }

  /**
   * Refuses, before anything is written, a refresh as of `at` that this engine would refuse (an
   * instant before its last refresh's, `TALENT_INVALID_PARAMS`) or whose `signal` is aborted
   * (`TALENT_TIMEOUT`): `radar.refresh()` calls it before the Scenes Engine writes, so that a
   * refresh the Talent Radar refuses moves neither engine.
   * @internal
   */
  async checkRefresh(at: Date, signal?: AbortSignal): Promise<void> {
    this.#life.assertOpen('refresh');
    if (signal?.aborted) throw this.#aborted(signal);
    await this.#untilStopped(this.#loadState(true, true), signal);
    this.#checkInstant(at);
  }

  /**
   * The instant a refresh asked as of `at` runs as of, or `TALENT_INVALID_PARAMS` (call after
   * `loadState`): {@link checkRefreshInstant}.
   */
  #checkInstant(at: Date): Date {
    const last = this.#refreshedAsOf === null ? null : Date.parse(this.#refreshedAsOf);
    return checkRefreshInstant('TALENT_INVALID_PARAMS', at, this.#deps.clock.now(), last);
  }

  async #refresh(
    at: Date,
    options: { readonly signal?: AbortSignal },
    started: number,
    run: RefreshRun,
  ): Promise<TalentRefreshReport> {
    /** The stored refresh this one is computed over (its id): checked again where it is written. */
    let basis: string | null = null;
    /** A stored refresh its state read dropped as unreadable (its id): replaced, not a conflict. */
    let replaces: string | null = null;
    const universe = await run.phase('universe', async (scope) => {
      // The stored state, read again: another instance may have applied a model or refreshed since.
      await this.#untilStopped(this.#loadState(true, true), options.signal);
      this.#checkInstant(at);
      basis = this.#refreshId;
      replaces = this.#unreadableId;
      const walked = await this.#walkUniverse(at, options.signal);
      scope.artists(walked.slugs.length);
      return walked;
    });
    if (universe.status !== 'ok') return unwalkedReport(at, universe.status, universe.reason, started);
    // A single-process refresh is one shard of the whole universe, then the finish: the sharded
    // refresh (planRefresh, refreshShard, finishRefresh) runs the very same two steps.
    const { features, signals } = await run.phase(
      'features',
      async (scope) => {
        const got = await this.#featuresOf(
          universe.slugs,
          at,
          options.signal,
          outcomesOf,
          scope.count(universe.slugs.length),
        );
        scope.artists(got.features.length);
        return got;
      },
      true,
    );
    return this.#finish({
      at,
      slugs: universe.slugs,
      features,
      signals,
      started,
      id: globalThis.crypto.randomUUID(),
      staged: false,
      basis,
      replaces,
      run,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** The observed run of a refresh as of `at`. */
  #run(at: Date, onProgress: ProgressOptions['onProgress']): RefreshRun {
    return new RefreshRun(this.#deps.observer ?? SILENT_OBSERVER, 'talent', at, onProgress);
  }

  /** Logs what a refresh did (and what degraded it), and hands its report on. */
  #refreshed(run: RefreshRun, report: TalentRefreshReport): TalentRefreshReport {
    if (report.universe !== 'ok')
      run.degraded(
        { universe: report.universe, reason: report.universeReason },
        'Talent Radar refresh changed nothing: the MIG artist universe could not be walked',
      );
    else if (Object.keys(report.failedReads).length > 0)
      run.degraded(
        { failedReads: report.failedReads, kept: report.kept },
        'Talent Radar refresh degraded: reads failed (artists with a previous record kept it)',
      );
    const failedFeatures = Object.entries(report.hostFeatures).filter(([, c]) => c.error + c.timeout > 0);
    if (report.universe === 'ok' && failedFeatures.length > 0)
      run.degraded(
        { hostFeatures: Object.fromEntries(failedFeatures) },
        `Talent Radar refresh degraded: host features failed (${failedFeatures.map(([name, c]) => `${name}: ${c.error + c.timeout} artists`).join(', ')}); their terms count as missing`,
      );
    run.finished({
      universe: report.universe,
      artists: report.artists,
      scored: report.scored,
      insufficient: report.insufficient,
      kept: report.kept,
    });
    return report;
  }

  /**
   * The first step of a sharded refresh (scene-radar/adapters/bullmq runs it on a job queue): walks
   * the MIG universe as of `asOf` (default now) and names the refresh. Split `artists` into
   * consecutive shards, run {@link TalentRadar.refreshShard} on each (any process on the same
   * stores), then {@link TalentRadar.finishRefresh} once: the records, roll-ups and state written
   * are exactly those of {@link TalentRadar.refresh} at the same instant. When the universe cannot
   * be walked, `universe` says why and there is nothing to do (as `refresh()` changes nothing).
   * `scenes` names the scenes whose pulses the shards may read (every scene of the catalog): their
   * pulses as of the plan's instant are read once, beside the walk, and returned in
   * `scenePulses`, for every shard and the finish (each worker would read them again otherwise).
   * A plan whose universe was walked is recorded in `talent_radar_state` (its instant and
   * universe), for the finish to check the shards against; the finish or
   * {@link TalentRadar.discardRefresh} deletes the record.
   * @example
   * ```ts
   * const plan = await radar.talent.planRefresh();
   * const shards = Math.ceil(plan.artists.length / 500);
   * for (let i = 0; i < shards; i++)
   *   await radar.talent.refreshShard({ refreshId: plan.refreshId, asOf: plan.asOf, index: i, artists: plan.artists.slice(i * 500, i * 500 + 500) });
   * const report = await radar.talent.finishRefresh({ refreshId: plan.refreshId, asOf: plan.asOf, shards });
   * ```
   */
  async planRefresh(
    asOf?: Date,
    options: { signal?: AbortSignal; scenes?: readonly string[] } = {},
  ): Promise<TalentRefreshPlan> {
    this.#life.assertOpen('planRefresh');
    options = runOptions(options);
    const asked = requireDate(asOf, 'asOf', new Date(this.#deps.clock.now()), 'TALENT_VALIDATION_ERROR');
    // The finish would refuse it (the future, or before the last refresh): refused before any
    // shard runs, and a plan a few minutes behind the last refresh runs as of it.
    await this.#untilStopped(this.#loadState(true, true), options.signal);
    const at = this.#checkInstant(asked);
    const [universe, scenePulses] = await Promise.all([
      this.#walkUniverse(at, options.signal),
      options.scenes
        ? readScenePulses(
            this.#deps.gateway,
            options.scenes,
            at,
            this.#deps.config.talent.globalPulseTimeoutMs,
            options.signal,
          )
        : null,
    ]);
    this.#life.assertOpen('planRefresh');
    const refreshId = globalThis.crypto.randomUUID();
    // The universe the shards must cover, for the finish to check (a plan whose universe could not
    // be walked records nothing: there is nothing to finish).
    if (universe.status === 'ok') {
      const walked = new Set(universe.slugs);
      await this.#deps.stores.talent_radar_state.upsert([
        {
          name: planStateName(refreshId),
          value: { asOf: at.toISOString(), artists: walked.size, digest: universeDigest(walked) },
          updated_at: new Date(this.#deps.clock.now()).toISOString(),
        },
      ]);
    }
    return {
      scenePulses,
      refreshId,
      asOf: at.toISOString(),
      universe: universe.status,
      universeReason: universe.status === 'ok' ? null : (universe.reason ?? universe.status),
      artists: universe.slugs,
    };
  }

  /**
   * One shard of a sharded refresh (see {@link TalentRadar.planRefresh}): gathers its artists'
   * signals as of the plan's instant, extracts their features and stages them in
   * `talent_radar_refresh_shards` (a shard run again replaces its row: a retried shard is
   * harmless). Writes nothing else. `TALENT_VALIDATION_ERROR` for a malformed shard;
   * `TALENT_INVALID_PARAMS` when this radar's stores hold no such plan (another radar's, or one
   * discarded or finished: nothing is staged);
   * `TALENT_TIMEOUT` when `signal` aborts, `RADAR_CLOSED` when the radar is closed during it
   * (nothing staged either way). `scenePulses`: the plan's, read from
   * there instead of from the Scenes Engine.
   */
  async refreshShard(
    shard: TalentRefreshShard,
    options: { signal?: AbortSignal; scenePulses?: string | null } = {},
  ): Promise<TalentShardReport> {
    this.#life.assertOpen('refreshShard');
    options = runOptions(options);
    const started = performance.now();
    const { refreshId, asOf, index, artists } = checkShard(shard);
    const at = new Date(asOf);
    // A shard stages features only: a last-refresh row this code cannot read is the finish's to replace.
    await this.#untilStopped(this.#loadState(false, true), options.signal);
    // Staged only for a plan of these stores: a shard of another radar's refresh (two radars on one
    // queue), or of a plan discarded or finished, would leave a row no finish here reads or deletes.
    const plan = await this.#untilStopped(
      this.#deps.stores.talent_radar_state.get({ name: planStateName(refreshId) }),
      options.signal,
    );
    if (!plan)
      throw new SceneRadarError(
        'TALENT_INVALID_PARAMS',
        `Refresh ${refreshId}: this radar's stores hold no such plan (planned by another radar, discarded or finished); shard ${index} was not staged`,
      );
    const deps = options.scenePulses
      ? {
          ...this.#deps,
          gateway: withScenePulses(this.#deps.gateway, decodeScenePulses(options.scenePulses, at.getTime())),
        }
      : this.#deps;
    const { features, signals } = await this.#featuresOf(
      [...new Set(artists)],
      at,
      options.signal,
      outcomesOf,
      undefined,
      deps,
    );
    const reads = { ok: 0, missing: 0, timeout: 0, error: 0, absent: 0 };
    for (const s of signals.values()) for (const r of Object.values(s.reads)) reads[r.status]++;
    await this.#deps.stores.talent_radar_refresh_shards.upsert([
      {
        refresh_id: refreshId,
        shard: index,
        as_of: at.toISOString(),
        artist_count: features.length,
        features: encodeShardFeatures(features, signals),
        updated_at: new Date(this.#deps.clock.now()).toISOString(),
      },
    ]);
    // The plan may have gone while the signals were read (discarded, or its finish committed): the
    // row just staged would belong to no refresh. Looked at again after the write, and taken back.
    if (!(await this.#deps.stores.talent_radar_state.get({ name: planStateName(refreshId) }))) {
      await this.#deps.stores.talent_radar_refresh_shards.delete([{ refresh_id: refreshId, shard: index }]);
      throw new SceneRadarError(
        'TALENT_INVALID_PARAMS',
        `Refresh ${refreshId}: its plan was discarded or finished while shard ${index} read its sources; the shard was not staged`,
      );
    }
    return { refreshId, index, artists: features.length, reads, durationMs: Math.round(performance.now() - started) };
  }

  /**
   * The last step of a sharded refresh, once every shard is staged: reads the shards' features
   * back (then put in slug order, as `refresh()` puts its own: any split of the universe into
   * shards gives the same result, except what is decided per signal batch, such as a host
   * feature's failed read, when the shards are not a multiple of `talent.signalBatchSize`), then does what {@link TalentRadar.refresh} does after gathering:
   * peer statistics, scores, records, absences, roll-ups and the state row, in one transaction
   * that also deletes the staged shards and the plan's record. An artist staged by two shards is
   * scored once. Nothing is written when it refuses: `TALENT_INTERNAL_ERROR` naming the missing
   * shards when some are not staged; `TALENT_INVALID_PARAMS` when the stores hold no such plan (an
   * unknown id, a plan whose universe could not be walked, one discarded or finished), a shard was
   * staged as of another instant than `asOf` or at an index past `shards`, the shards do not cover
   * the plan's universe exactly, a shard lacks one of this radar's host features, or `asOf` is
   * before the stored refresh; `STORE_SCHEMA_MISMATCH` when a staged shard cannot be read. Run
   * again after it committed (a retried job), it writes nothing (a shard staged since is deleted)
   * and reports what the stores hold; another instance's commit meanwhile is computed over again,
   * as in `refresh()`. `durationMs` covers this step. `scenePulses`: the plan's, read from there
   * instead of from the Scenes Engine.
   */
  async finishRefresh(
    finish: TalentRefreshFinish,
    options: { readonly signal?: AbortSignal; readonly scenePulses?: string | null } & ProgressOptions = {},
  ): Promise<TalentRefreshReport> {
    this.#life.assertOpen('finishRefresh');
    options = runOptions(options);
    const { refreshId, asOf, shards } = checkFinish(finish);
    const at = new Date(asOf);
    const signal = options?.signal;
    // In the same queue as refresh(): a worker sharing a radar with scheduled refreshes never interleaves them.
    return this.#refreshes.run(
      async () => {
        // Another instance may commit a refresh while this one computes: computed again over it.
        for (let attempt = 1; ; attempt++) {
          this.#life.assertOpen('finishRefresh');
          const started = performance.now();
          const run = this.#run(at, options?.onProgress);
          try {
            return this.#refreshed(run, await this.#finishStaged(refreshId, shards, at, options ?? {}, started, run));
          } catch (error) {
            if (!isRefreshConflict(error) || attempt >= MAX_REFRESH_ATTEMPTS) {
              run.failed(error);
              throw error;
            }
            run.logger.log('info', { engine: 'talent', asOf: at.toISOString() }, CONFLICT_RETRY_LOG);
          }
        }
      },
      signal,
      () => this.#aborted(signal!),
      this.#life.stop('refresh'),
    );
  }

  async #finishStaged(
    refreshId: string,
    shards: number,
    at: Date,
    options: { readonly signal?: AbortSignal; readonly scenePulses?: string | null },
    started: number,
    run: RefreshRun,
  ): Promise<TalentRefreshReport> {
    await this.#untilStopped(this.#loadState(true, true), options.signal);
    const table = this.#deps.stores.talent_radar_refresh_shards;
    const refused = (why: string): SceneRadarError =>
      new SceneRadarError('TALENT_INVALID_PARAMS', `Refresh ${refreshId}: ${why}; nothing was written`);
    if (this.#refreshId === refreshId) {
      // Run again after it committed (a retried job): nothing to write. A shard run again after the
      // commit (a stalled worker) staged rows that would apply the refresh over itself: dropped.
      if (this.#refreshedAsOf !== at.toISOString())
        throw refused(`it committed as of ${this.#refreshedAsOf}, not ${at.toISOString()}`);
      await table.deleteWhere({ refresh_id: refreshId });
      return this.#appliedReport(at, started);
    }
    // Within the clock skew `checkRefreshInstant` would run a refresh as of the stored one; shards
    // were staged as of `at`, so a finish before the stored refresh would move the tables back.
    if (this.#checkInstant(at).getTime() !== at.getTime())
      throw refused(
        `its shards were staged as of ${at.toISOString()}, before the stored refresh (${this.#refreshedAsOf})`,
      );
    const basis = this.#refreshId;
    const replaces = this.#unreadableId;
    const planRow = await this.#untilStopped(
      this.#deps.stores.talent_radar_state.get({ name: planStateName(refreshId) }),
      options.signal,
    );
    if (!planRow)
      throw refused(
        'no such plan in these stores (an unknown id, a plan whose universe could not be walked, or one already discarded or finished)',
      );
    const plan = parseState(planRow, PlanStateSchema);
    if (plan.asOf !== at.toISOString()) throw refused(`the plan is as of ${plan.asOf}, not ${at.toISOString()}`);
    const features: ArtistFeatures[] = [];
    const signals = new Map<string, SignalOutcomes>();
    const seen = new Set<number>();
    await run.phase(
      'staged',
      async (scope) => {
        const progress = scope.count(shards);
        // Page by page: a million artists' staged text is never all held at once.
        for (let offset = 0; ; offset += SHARD_PAGE) {
          const rows = await this.#untilStopped(
            table.scan({ where: { refresh_id: refreshId }, offset, limit: SHARD_PAGE }),
            options.signal,
          );
          for (const row of rows) {
            if (row.shard >= shards)
              throw refused(`shard ${row.shard} is staged, but the finish names ${shards} shards (0 to ${shards - 1})`);
            // A shard staged as of another instant (another plan's, or a wrong asOf) would mix two
            // instants in one refresh: refused, nothing written.
            if (Date.parse(row.as_of) !== at.getTime())
              throw new SceneRadarError(
                'TALENT_INVALID_PARAMS',
                `Refresh ${refreshId}: shard ${row.shard} was staged as of ${row.as_of}, not ${at.toISOString()}; nothing was written`,
              );
            seen.add(row.shard);
            const got = stagedShard(row);
            // A worker without one of this radar's host features (a rolling deploy) staged artists
            // that would be scored without it.
            for (const spec of this.#host)
              if (got.features.some((f) => !Object.hasOwn(f.host, spec.name)))
                throw refused(
                  `shard ${row.shard} was staged without host feature ${spec.name}, which this radar scores with`,
                );
            for (let i = 0; i < got.features.length; i++) {
              const slug = got.outcomes[i]!.artistSlug;
              // Shards that overlap: an artist is scored once, as the universe walk lists it once.
              if (signals.has(slug)) continue;
              features.push(got.features[i]!);
              signals.set(slug, got.outcomes[i]!);
            }
          }
          progress.set(seen.size);
          if (rows.length < SHARD_PAGE) break;
        }
        scope.artists(features.length);
      },
      true,
    );
    if (seen.size !== shards) {
      const missing: number[] = [];
      for (let i = 0; i < shards && missing.length < 20; i++) if (!seen.has(i)) missing.push(i);
      throw new SceneRadarError(
        'TALENT_INTERNAL_ERROR',
        `Refresh ${refreshId}: ${shards - seen.size} of its ${shards} shards are not staged (${missing.join(', ')}${shards - seen.size > missing.length ? ', ...' : ''}); nothing was written`,
      );
    }
    // The shards cover the plan's universe exactly: no artist missing (it would count as absent),
    // none added.
    if (signals.size !== plan.artists || universeDigest(signals.keys()) !== plan.digest)
      throw refused(
        `its shards hold ${signals.size} artists, not the ${plan.artists} of the plan's universe${signals.size === plan.artists ? ' (other artists)' : ''}`,
      );
    this.#lastAttempt = { asOf: at.toISOString(), universe: 'ok', reason: null };
    return this.#finish({
      at,
      slugs: features.map((f) => f.artistSlug),
      features,
      signals,
      started,
      id: refreshId,
      staged: true,
      basis,
      replaces,
      run,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.scenePulses ? { scenePulses: decodeScenePulses(options.scenePulses, at.getTime()) } : {}),
    });
  }

  /** Deletes the staged shards and the plan's record of a refresh that will not finish (a sharded refresh given up); returns how many shards. */
  async discardRefresh(refreshId: string): Promise<number> {
    this.#life.assertOpen('discardRefresh');
    if (!SlugSchema.safeParse(refreshId).success)
      throw new SceneRadarError('TALENT_VALIDATION_ERROR', 'refreshId must be the id of a refresh plan');
    await this.#deps.stores.talent_radar_state.delete([{ name: planStateName(refreshId) }]);
    return this.#deps.stores.talent_radar_refresh_shards.deleteWhere({ refresh_id: refreshId });
  }

  /**
   * `peers` with, for each host feature that failed (error or timeout) for more than half the
   * artists, the previous peers' distribution of it, or an empty one (its term counts nothing; kept
   * as a distribution, so the peers still rank every feature and are reused): fitted from the few values left,
   * it ranked every later profile against them (one survivor of 20 put the feature's standing
   * at the top 0.1%). The rule the whole peers follow for failed source reads, per feature.
   */
  #withSteadyHostPeers(peers: PeerStats, features: readonly ArtistFeatures[]): PeerStats {
    // Registered features only: a model term for one this radar does not register fails for every
    // artist here, and a distribution kept for it would pass for one fitted on its values.
    const counts = hostFeatureCounts(features, this.#host);
    const failed = this.#host
      .map((spec) => spec.name)
      .filter((name) => counts[name]!.error + counts[name]!.timeout > features.length / 2);
    if (failed.length === 0) return peers;
    const host = new Map(peers.relative.host);
    for (const name of failed) {
      const before = this.#peers?.relative.host.get(name);
      host.set(name, before ?? distributionOf([]));
    }
    return { ...peers, relative: { ...peers.relative, host } };
  }

  /** What a finish run again after its refresh committed reports: the records and state as stored. */
  async #appliedReport(at: Date, started: number): Promise<TalentRefreshReport> {
    const scored = await this.#deps.stores.talent_radar_artists.count();
    return {
      asOf: at.toISOString(),
      universe: 'ok',
      universeReason: null,
      artists: scored,
      scored,
      insufficient: 0,
      kept: this.#failedKept,
      unscored: [],
      failedReads: this.#failedReads,
      absent: this.#absent.size,
      reads: { ok: 0, missing: 0, timeout: 0, error: 0, absent: 0 },
      // The stored failures of each host feature (the state keeps the sum of errors and
      // timeouts: counted as errors), so a retried finish still says the refresh was degraded.
      hostFeatures: Object.fromEntries(
        [...new Set([...this.#host.map((spec) => spec.name), ...Object.keys(this.#failedHostFeatures)])].map((name) => [
          name,
          { ok: 0, missing: 0, timeout: 0, error: this.#failedHostFeatures[name] ?? 0 },
        ]),
      ),
      durationMs: Math.round(performance.now() - started),
    };
  }

  /** Walks the MIG universe as of `at`, recording the attempt. */
  async #walkUniverse(
    at: Date,
    signal: AbortSignal | undefined,
  ): Promise<{ status: TalentRefreshPlan['universe']; reason: string | null | undefined; slugs: string[] }> {
    // The walk gets the same bound as the Scenes Engine's refresh: a cursor that never ends, page
    // by page on time, must not keep a refresh going for hours.
    const deadline = createDeadline(this.#deps.config.scenes.globalPulseTimeoutMs * 5, signal);
    const universe = await listUniverse(this.#deps.gateway, at, deadline);
    deadline.dispose();
    if (signal?.aborted) throw this.#aborted(signal);
    // A walk a close() aborted is not a universe MIG could not give: nothing is recorded.
    this.#life.assertOpen('listArtists');
    this.#lastAttempt = { asOf: at.toISOString(), universe: universe.status, reason: universe.reason ?? null };
    if (universe.status !== 'ok') {
      // Bounded like the refresh's other waits on the stores: its signal, close().
      await this.#untilStopped(this.#recordFailedWalk(this.#lastAttempt), signal);
      // Answers cached before it said nothing was wrong: computed again, they say the universe could
      // not be read and how many records are kept from an earlier refresh.
      await this.aggregator.clearCache(undefined, { keepLastGood: true });
    }
    return {
      status: universe.status,
      reason: universe.reason,
      slugs: universe.status === 'ok' ? universe.artists.map((a) => a.slug) : [],
    };
  }

  /**
   * Stores a walk of the universe that failed (`last-failed-walk`), so that the radars reading these
   * stores later still say so. Best effort: the stores may be what failed, and this radar holds the
   * attempt either way.
   */
  async #recordFailedWalk(attempt: LastRefreshAttempt): Promise<void> {
    if (attempt.universe === 'ok') return;
    try {
      await this.#deps.stores.talent_radar_state.upsert([
        {
          name: FAILED_WALK_STATE,
          value: { asOf: attempt.asOf, universe: attempt.universe, reason: attempt.reason },
          updated_at: new Date(this.#deps.clock.now()).toISOString(),
        },
      ]);
    } catch {
      // Kept in this radar only (see above).
    }
  }

  /**
   * Everything a refresh does once every artist's features are in: failing reads, peer
   * statistics, scores, records, absences, heats and one transactional write. `staged`: the
   * features came from `talent_radar_refresh_shards`, whose rows of this refresh are deleted in
   * the same transaction.
   */
  async #finish(job: {
    readonly at: Date;
    readonly slugs: readonly string[];
    readonly features: readonly ArtistFeatures[];
    readonly signals: ReadonlyMap<string, SignalOutcomes>;
    readonly started: number;
    readonly id: string;
    readonly staged: boolean;
    /** The stored refresh's id the features and records were computed over (unchecked when undefined). */
    readonly basis?: string | null;
    /** A stored refresh the state read dropped as unreadable (its id): replaced without a conflict. */
    readonly replaces?: string | null;
    readonly run: RefreshRun;
    readonly signal?: AbortSignal;
    /** Scene pulses already read (a sharded refresh's plan): the heats are taken from there. */
    readonly scenePulses?: ReadonlyMap<string, ScenePulseSummary>;
  }): Promise<TalentRefreshReport> {
    const { at, slugs, started, run } = job;
    // In slug order, however the universe was listed or split into shards: the peer statistics
    // (a sample past a few thousand artists), the unscored list and everything else then come out
    // the same from refresh() and from any set of shards that covers the universe.
    const options = { signal: job.signal };
    const { stores, clock } = this.#deps;
    // One model for the peers and the scores, whatever is applied while this refresh awaits.
    const model = this.#model;
    // The host outcomes this radar scores with, whoever staged the features: its own features'
    // (another instance's are dropped) and, for a model term of a feature it does not register,
    // that feature's error (counted and reported, never a term dropped in silence).
    // (This radar's own reads carry its features only: with no such term, nothing to rewrite.)
    const registered = new Set(this.#host.map((h) => h.name));
    const rewrite =
      job.staged ||
      Object.entries(model.breakout.hostInputs).some(([name, t]) => t.weight !== 0 && !registered.has(name));
    const features = inSlugOrder(
      rewrite ? job.features.map((f) => withUnregisteredTerms(f, model, registered)) : job.features,
    );
    const signals = rewrite
      ? new Map([...job.signals].map(([slug, s]) => [slug, withUnregisteredTerms(s, model, registered)]))
      : job.signals;
    // The peer statistics of this population (pure: fitted before the scores that use them).
    const { table, peers } = await run.phase('peers', async (scope) => {
      scope.artists(features.length);
      const table = featureTable(features, this.#host);
      return { table, peers: this.#withSteadyHostPeers(fitPeerStats(table, model), features) };
    });
    const scored = await run.phase('scoring', async (scope) => {
      scope.artists(features.length);
      const reads = { ok: 0, missing: 0, timeout: 0, error: 0, absent: 0 };
      for (const s of signals.values()) for (const r of Object.values(s.reads)) reads[r.status]++;
      const hostFeatures = hostFeatureCounts(features, this.#host);
      // An artist with a failed read (error or timeout) and a record from an earlier refresh keeps
      // that record, with its own as_of: recomputing as if the source had said "nothing" reshapes
      // the lists (Fusion down for one refresh took high-breakout artists from 2 to 9). An artist
      // without one is scored with the failed signals unknown (its confidence says how much was
      // missing). Either way the failure is counted by source and shown wherever the rows are.
      const counted: Partial<Record<SourceName, number>> = {};
      const failing = new Map<string, SignalRead[]>();
      for (const f of features) {
        const bad = failedReadsOf(signals.get(f.artistSlug)!);
        if (bad.length === 0) continue;
        failing.set(f.artistSlug, bad);
        for (const source of new Set(bad.map((r) => SIGNAL_READS[r].source)))
          counted[source] = (counted[source] ?? 0) + 1;
      }
      const failedReads = inSourceOrder(counted);
      const previous = new Set<string>();
      const failingSlugs = [...failing.keys()];
      for (let i = 0; i < failingSlugs.length; i += CHUNK) {
        for (const r of await this.#untilStopped(
          stores.talent_radar_artists.getMany(failingSlugs.slice(i, i + CHUNK).map((artist_slug) => ({ artist_slug }))),
          job.signal,
        ))
          previous.add(r.artist_slug);
      }
      // When more than half the artists had a failed read, the peers fitted now describe the
      // outage: the previous ones are kept (below), and the artists rescored are ranked against
      // those, so every stored record agrees with a profile read at the same instant.
      // Before any refresh kept peers, those are the prior ones a profile reads too.
      const keepPeers = failing.size > features.length / 2;
      const scores = scoreTable(table, keepPeers ? (this.#peers ?? priorPeerStats(model)) : peers, model);
      const nowIso = new Date(clock.now()).toISOString();
      const version = modelVersion(model, DEFAULT_MODEL);
      const rows: TalentArtistRow[] = [];
      const gone: { artist_slug: string }[] = [];
      const unscored: UnscoredArtist[] = [];
      let kept = 0;
      let failedUnscored = 0;
      let failedScored = 0;
      let insufficient = 0;
      features.forEach((f, i) => {
        const bad = failing.get(f.artistSlug);
        if (bad && previous.has(f.artistSlug)) {
          kept++;
          if (unscored.length < MAX_LISTED_UNSCORED)
            unscored.push({
              artistSlug: f.artistSlug,
              status: 'failed',
              reason: `not rescored because a read failed (${bad.map((r) => describeRead(r, signals.get(f.artistSlug)!)).join('; ')}): its previous record is kept`,
            });
          return;
        }
        if (!Number.isNaN(scores.breakout[i]!)) {
          if (bad) failedScored++;
          rows.push(
            artistRow(
              f,
              {
                momentum: scores.momentum[i]!,
                breakout: scores.breakout[i]!,
                risk: scores.risk[i]!,
                confidence: scores.confidence[i]!,
              },
              nowIso,
              version,
            ),
          );
          return;
        }
        const why = artistScore(signals.get(f.artistSlug)!, Number.NaN, Number.NaN, Number.NaN, 0);
        // An artist with a failed read and no record ends here unscored, whatever kept it from a
        // score (its activity reads failed, or the rest had no activity evidence).
        if (bad) failedUnscored++;
        if (why.status === 'failed') kept++;
        else {
          insufficient++;
          gone.push({ artist_slug: f.artistSlug });
        }
        if (unscored.length < MAX_LISTED_UNSCORED)
          unscored.push({
            artistSlug: f.artistSlug,
            status: why.status as UnscoredArtist['status'],
            reason: why.reason!,
          });
      });
      // Artists that left the universe lose their record too, once they have been missing from it
      // for `talent.dropAfterRefreshes` consecutive refreshes (one short answer must not empty the radar).
      const known = new Set(slugs);
      // The absence counts are worked out on a copy and kept only once this refresh's writes landed:
      // a refresh that fails anywhere before (an abort, a failing read, a failed commit) changes none.
      const absent = new Map(this.#absent);
      for (const s of slugs) absent.delete(s);
      let absentKept = 0;
      // The scenes of the stored records: the roll-ups cover the records kept (failed reads,
      // absent from the universe) as well as those rescored, and need their scenes' heat too.
      const storedScenes = new Set<string>();
      for (const r of await this.#untilStopped(stores.talent_radar_artists.scan(), job.signal)) {
        if (r.scene_slug !== null) storedScenes.add(r.scene_slug);
        if (known.has(r.artist_slug)) continue;
        const misses = (absent.get(r.artist_slug) ?? 0) + 1;
        if (misses >= this.#deps.config.talent.dropAfterRefreshes) {
          absent.delete(r.artist_slug);
          gone.push({ artist_slug: r.artist_slug });
        } else {
          absent.set(r.artist_slug, misses);
          absentKept++;
        }
      }
      return {
        reads,
        hostFeatures,
        failedReads,
        failing,
        previous,
        storedScenes,
        nowIso,
        rows,
        gone,
        unscored,
        kept,
        failedUnscored,
        failedScored,
        insufficient,
        absent,
        absentKept,
      };
    });
    const {
      reads,
      hostFeatures,
      failedReads,
      failing,
      previous,
      storedScenes,
      nowIso,
      rows,
      gone,
      unscored,
      kept,
      failedUnscored,
      failedScored,
      insufficient,
      absent,
      absentKept,
    } = scored;
    // Scene heat for the roll-up, as of the refresh's instant, read before anything is written.
    const heats = await run.phase('heats', () =>
      sceneHeatsOf(
        [...new Set([...rows.map((r) => r.scene_slug).filter((s): s is string => s !== null), ...storedScenes])],
        job.scenePulses,
        (slugs) => this.aggregator.sceneHeats(slugs, at, options.signal),
      ),
    );
    if (options.signal?.aborted) throw this.#aborted(options.signal);
    // The peers of the scores just written, whatever the population's size; a refresh that scored
    // nobody, or in which more than half the artists had a failed read (the peers would describe
    // the outage, not the population), keeps the previous ones, as of their own instant, or none
    // (the prior ones apply) when no refresh kept any.
    const newPeers = rows.length > 0 && failing.size <= features.length / 2;
    const next = {
      id: job.id,
      asOf: at.toISOString(),
      peers: newPeers ? peers : this.#peers,
      peersAsOf: newPeers ? at.toISOString() : this.#peersAsOf,
      failedReads,
      failedKept: [...failing.keys()].filter((slug) => previous.has(slug)).length,
      failedUnscored,
      failedScored,
      failedHostFeatures: inNameOrder(
        Object.fromEntries(
          Object.entries(hostFeatures)
            .map(([name, c]) => [name, c.error + c.timeout] as const)
            .filter(([, n]) => n > 0),
        ),
      ),
    };
    const state: TalentStateRow = {
      name: REFRESH_STATE,
      value: {
        id: next.id,
        asOf: next.asOf,
        peersAsOf: next.peersAsOf,
        peers: next.peers ? peerStatsToJson(next.peers) : null,
        failedReads: next.failedReads,
        failedKept: next.failedKept,
        failedUnscored: next.failedUnscored,
        failedScored: next.failedScored,
        failedHostFeatures: next.failedHostFeatures,
        absent: Object.fromEntries(absent),
      },
      updated_at: nowIso,
    };
    const write = async (tables: TalentStores): Promise<void> => {
      for (let i = 0; i < rows.length; i += CHUNK) await tables.talent_radar_artists.upsert(rows.slice(i, i + CHUNK));
      if (gone.length) await tables.talent_radar_artists.delete(gone);
      await this.#writeRollups(tables, await tables.talent_radar_artists.scan(), nowIso, heats);
      await tables.talent_radar_state.upsert([state]);
      if (job.staged) {
        await tables.talent_radar_refresh_shards.deleteWhere({ refresh_id: job.id });
        await tables.talent_radar_state.delete([{ name: planStateName(job.id) }]);
      }
    };
    let conflict: unknown;
    // A sharded refresh another worker's finish committed meanwhile (the same shards): not again.
    let applied = false;
    await run.phase('write', async (scope) => {
      scope.artists(rows.length);
      if (stores.transaction) {
        // The roll-ups are computed from the staged artists, then every write lands in one
        // transaction: a reader never sees new artists with old roll-ups, or half of either.
        const stage = stageStores(stores);
        try {
          await write(stage.stores);
          // A conflict ends the step without failing it (nothing was written; computed again).
          try {
            await stores.transaction(async (tx) => {
              // Another instance may have refreshed since this one read the state: checked again
              // where it is written, so two concurrent refreshes cannot move the tables back in time.
              const plan = planStateName(job.id);
              const states = await tx.talent_radar_state.getMany([
                { name: REFRESH_STATE },
                { name: MODEL_STATE },
                ...(job.staged ? [{ name: plan }] : []),
              ]);
              const stored = states.find((r) => r.name === REFRESH_STATE);
              const last = stored ? readableOrNull(() => parseState(stored, RefreshStateSchema)) : null;
              // Its key even when this version cannot read the row (another version's refresh).
              const storedKey = stored ? storedRefreshKey(stored) : null;
              if (job.staged && last !== null && last.id === job.id) {
                applied = true;
                return;
              }
              // A sharded refresh whose plan went while it was finished (discarded: its refresh
              // failed for good or was given up, and its coordinator said nothing was written).
              if (job.staged && !states.some((r) => r.name === plan)) throw planDiscarded(job.id);
              if (last !== null && last.id !== job.id)
                checkRefreshInstant('TALENT_INVALID_PARAMS', at, this.#deps.clock.now(), Date.parse(last.asOf));
              // Computed over the stored refresh `basis`: another instance's committed since would be
              // overwritten as if it never ran (or, a little older, moved back in time). The row the
              // state read dropped as unreadable (`replaces`: its peers were written by another
              // version) is replaced, as documented, not a conflict no attempt could ever get past;
              // one committed after that read is a conflict, readable or not.
              if (
                job.basis !== undefined &&
                storedKey !== null &&
                storedKey !== job.id &&
                storedKey !== job.basis &&
                storedKey !== job.replaces
              )
                throw refreshConflict('TALENT_INVALID_PARAMS', at, last === null ? null : Date.parse(last.asOf));
              // A model applied or reset since this refresh read the state (here or on another
              // instance): its scores are of the superseded model; computed again with the stored one.
              const modelRow = states.find((r) => r.name === MODEL_STATE);
              const storedBreakout = modelRow ? storedModelOf(modelRow).model : this.#deps.config.talent.model.breakout;
              const storedVersion = modelVersion({ ...model, breakout: storedBreakout }, DEFAULT_MODEL);
              if (storedVersion !== modelVersion(model, DEFAULT_MODEL))
                throw refreshConflict(
                  'TALENT_INVALID_PARAMS',
                  at,
                  last === null ? null : Date.parse(last.asOf),
                  storedVersion,
                );
              // Closed or aborted while the commit waited for the transaction (another instance
              // held it): nothing is written, as the Scenes Engine's commit does.
              this.#life.assertOpen('refresh');
              if (job.signal?.aborted) throw this.#aborted(job.signal);
              await stage.writeTo(tx);
            });
          } catch (error) {
            if (!isRefreshConflict(error)) throw error;
            conflict = error;
          }
        } finally {
          stage.close();
        }
        if (conflict !== undefined || applied) return;
      } else {
        // No transaction to check it in: the plan is looked at just before the writes.
        if (job.staged && !(await stores.talent_radar_state.get({ name: planStateName(job.id) })))
          throw planDiscarded(job.id);
        await write(stores);
      }
      this.#refreshGeneration++;
      this.#absent = absent;
      this.#refreshId = next.id;
      this.#peers = next.peers;
      this.#peersAsOf = next.peersAsOf;
      this.#refreshedAsOf = next.asOf;
      // Frozen: handed out as they are (meta.failedReads), to readers that must not change them.
      this.#failedReads = Object.freeze(next.failedReads);
      this.#failedKept = next.failedKept;
      this.#failedUnscored = next.failedUnscored;
      this.#failedScored = next.failedScored;
      this.#failedHostFeatures = Object.freeze(next.failedHostFeatures);
      // The top lists, pulses and profiles cached over the previous records.
      await this.aggregator.clearCache(undefined, { keepLastGood: true });
    });
    if (conflict !== undefined) throw conflict;
    if (applied) {
      await this.loadState({ force: true });
      return this.#appliedReport(at, started);
    }
    return {
      asOf: at.toISOString(),
      universe: 'ok',
      universeReason: null,
      artists: slugs.length,
      scored: rows.length,
      insufficient,
      kept,
      unscored,
      failedReads,
      absent: absentKept,
      reads,
      hostFeatures,
      durationMs: Math.round(performance.now() - started),
    };
  }

  /**
   * A read a refresh makes before its commit, given up when the refresh's `signal` aborts
   * (`TALENT_TIMEOUT`) or the radar closes (`RADAR_CLOSED`): a stalled table must not hold the
   * refresh, and the refreshes queued behind it, for ever. Nothing has been written then.
   */
  #untilStopped<T>(read: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    return this.#life.untilStopped(read, 'refresh', signal, () => this.#aborted(signal!));
  }

  #aborted(signal: AbortSignal): SceneRadarError {
    return new SceneRadarError(
      'TALENT_TIMEOUT',
      'Talent Radar work was aborted before it finished; nothing was written',
      { cause: signal.reason },
    );
  }

  /**
   * Every artist's signals, read in chunks, and its features. `keep` says what of each artist's
   * signals is kept past its features: a refresh keeps the outcomes of the reads only, so the
   * payloads of every artist are not all held until it ends (they were most of its heap, and of
   * the work of its garbage collector).
   */
  async #featuresOf<T extends SignalOutcomes>(
    slugs: readonly string[],
    asOf: Date,
    signal: AbortSignal | undefined,
    keep: (signals: ArtistSignals) => T,
    progress?: PhaseProgress,
    deps: TalentRadarDeps = this.#deps,
  ): Promise<{ features: ArtistFeatures[]; signals: Map<string, T> }> {
    const features: ArtistFeatures[] = [];
    const signals = new Map<string, T>();
    for (let i = 0; i < slugs.length; i += CHUNK) {
      if (signal?.aborted) throw this.#aborted(signal);
      this.#life.assertOpen('batchAggregateSignals');
      // Each batch's features are extracted as soon as its reads are in (its payloads then die
      // young), and kept in the order asked.
      const got = new Map<string, { readonly features: ArtistFeatures; readonly kept: T }>();
      const order = await gatherSignals(
        deps,
        slugs.slice(i, i + CHUNK),
        { asOf, ...(signal ? { signal } : {}) },
        (batch) => {
          for (const s of batch) got.set(s.artistSlug, { features: extractFeatures(s, this.#model), kept: keep(s) });
          progress?.set(i + got.size);
        },
      );
      // Reads cut short by the caller's abort are not evidence of anything: stop here. Nor are
      // reads a close() aborted: RADAR_CLOSED, never artists "failed" by their sources.
      if (signal?.aborted) throw this.#aborted(signal);
      this.#life.assertOpen('batchAggregateSignals');
      for (const slug of order) {
        const g = got.get(slug)!;
        signals.set(slug, g.kept);
        features.push(g.features);
      }
    }
    return { features, signals };
  }

  async #writeRollups(
    stores: TalentStores,
    rows: readonly Readonly<TalentArtistRow>[],
    nowIso: string,
    heats: ReadonlyMap<string, number>,
  ): Promise<void> {
    const scenes = new Map<string, { n: number; m: number; b: number }>();
    const genres = new Map<string, { n: number; m: number }>();
    for (const r of rows) {
      if (r.scene_slug) {
        const s = scenes.get(r.scene_slug) ?? { n: 0, m: 0, b: 0 };
        s.n++;
        s.m += r.momentum;
        s.b += r.breakout_score;
        scenes.set(r.scene_slug, s);
      }
      for (const g of r.microgenres) {
        const s = genres.get(g) ?? { n: 0, m: 0 };
        s.n++;
        s.m += r.momentum;
        genres.set(g, s);
      }
    }
    const sceneRows: TalentSceneRow[] = [...scenes].map(([scene_slug, s]) => ({
      scene_slug,
      artist_count: s.n,
      avg_momentum: s.m / s.n,
      avg_breakout: s.b / s.n,
      heat: heats.get(scene_slug) ?? null,
      updated_at: nowIso,
    }));
    const genreRows: TalentMicrogenreRow[] = [...genres].map(([microgenre_slug, s]) => ({
      microgenre_slug,
      artist_count: s.n,
      avg_momentum: s.m / s.n,
      updated_at: nowIso,
    }));
    // Roll-ups are rebuilt whole: a scene with no tracked artist left has no row.
    await stores.talent_radar_scenes.deleteWhere({});
    await stores.talent_radar_microgenres.deleteWhere({});
    for (let i = 0; i < sceneRows.length; i += CHUNK)
      await stores.talent_radar_scenes.upsert(sceneRows.slice(i, i + CHUNK));
    for (let i = 0; i < genreRows.length; i += CHUNK)
      await stores.talent_radar_microgenres.upsert(genreRows.slice(i, i + CHUNK));
  }

  /**
   * Whether the host configured `source` for this radar (an adapter was given): the health route
   * tells a source it has never read because there is none from one that read well.
   * @internal
   */
  hasSource(source: SourceName): boolean {
    return this.#deps.gateway.has(source);
  }

  /** Releases cached results. */
  async close(): Promise<void> {
    this.#life.close();
    // The cache's own close: this instance's state goes, and a store shared with other instances
    // (the Redis tier) keeps their entries (clearing it emptied every instance's Talent cache).
    await this.#deps.cache.close();
  }
}

/** Staged shards read per page by a finish. */
const SHARD_PAGE = 20;

/** The report of a refresh whose universe could not be walked: nothing changed. */
function unwalkedReport(
  at: Date,
  universe: TalentRefreshReport['universe'],
  reason: string | null | undefined,
  started: number,
): TalentRefreshReport {
  return {
    asOf: at.toISOString(),
    universe,
    universeReason: reason ?? universe,
    artists: 0,
    scored: 0,
    insufficient: 0,
    kept: 0,
    unscored: [],
    failedReads: {},
    absent: 0,
    reads: { ok: 0, missing: 0, timeout: 0, error: 0, absent: 0 },
    hostFeatures: {},
    durationMs: Math.round(performance.now() - started),
  };
}

/** The activity reads: an artist without evidence from either is not scored. */
const ACTIVITY_READS = ['engagement', 'events'] as const;

/** Why an artist is not scored, or its scores; every failed read listed. */
function artistScore(
  signals: SignalOutcomes,
  momentum: number,
  breakout: number,
  risk: number,
  confidence: number,
): ArtistScore {
  const problems: string[] = [];
  for (const read of failedReadsOf(signals)) problems.push(describeRead(read, signals));
  for (const [name, h] of Object.entries(signals.host))
    if (h.status === 'timeout' || h.status === 'error')
      problems.push(`host feature ${name}: ${h.status}${h.reason ? ` (${h.reason})` : ''}`);
  if (!Number.isNaN(breakout) && !Number.isNaN(momentum)) {
    return {
      artistSlug: signals.artistSlug,
      status: 'ok',
      reason: null,
      momentum,
      breakout,
      risk,
      confidence,
      problems,
    };
  }
  const failed = ACTIVITY_READS.filter(
    (r) => signals.reads[r].status === 'timeout' || signals.reads[r].status === 'error',
  );
  const describe = (r: (typeof ACTIVITY_READS)[number]): string => {
    const o = signals.reads[r];
    const source = r === 'engagement' ? 'Fusion engagement' : 'RCF events';
    return o.status === 'absent'
      ? `${source}: no such source`
      : o.status === 'missing'
        ? `${source}: unknown artist`
        : o.status === 'ok'
          ? `${source}: no activity in the history window`
          : `${source}: ${o.status}${o.reason ? ` (${o.reason})` : ''}`;
  };
  const detail = ACTIVITY_READS.map(describe).join('; ');
  return failed.length
    ? {
        artistSlug: signals.artistSlug,
        status: 'failed',
        reason: `no activity evidence because a read failed: ${detail}`,
        momentum: null,
        breakout: null,
        risk: null,
        confidence: 0,
        problems,
      }
    : {
        artistSlug: signals.artistSlug,
        status: 'insufficient',
        reason: `no activity evidence: ${detail}`,
        momentum: null,
        breakout: null,
        risk: null,
        confidence: 0,
        problems,
      };
}

/** Every top-level field of a breakout model, required (a stored model has each). */
const StoredModelFieldsSchema = z.object(
  Object.fromEntries(
    Object.keys(BreakoutModelSchema.shape).map((key) => [
      key,
      z.custom<unknown>((v) => v !== undefined, { message: 'Required in a stored model' }),
    ]),
  ),
);

/** The stored `breakout-model` row, parsed: its state and its model; `STORE_SCHEMA_MISMATCH` when this code cannot read it. */
function storedModelOf(row: Readonly<TalentStateRow>) {
  const state = parseState(row, ModelStateSchema);
  return {
    state,
    model: stateOrThrow(row, () => {
      // A stored model is always written whole (setBreakoutModel stores the resolved model): a
      // missing field is damage, not a field to fill with the published default's (which would
      // score with a model nobody applied). Inputs added since may be missing: read at their
      // default term.
      StoredModelFieldsSchema.parse(state.model);
      return BreakoutModelSchema.parse(state.model);
    }),
  };
}

/** The public view of the `breakout-model` row under `policy`; `STORE_SCHEMA_MISMATCH` when this code cannot read it. */
function appliedModelOf(row: Readonly<TalentStateRow>, policy: TalentModelConfig): AppliedBreakoutModel {
  const { state, model } = storedModelOf(row);
  return {
    model,
    validation:
      state.validation === null ? null : (structuredClone(state.validation) as unknown as CalibrationValidation),
    // The version the scores made with it carry: computed from the model as read, under the
    // configured policy (a model stored by an earlier version reads the inputs added since at the
    // default's term, and the stored version string, computed without them, would differ).
    modelVersion: modelVersion({ ...policy, breakout: model }, DEFAULT_MODEL),
    savedAt: row.updated_at,
  };
}

/**
 * What tells one stored `last-refresh` row from another, read off the raw value: its id, known
 * even when this version cannot read the rest of the row (another version's refresh), so such a
 * row committed by another instance is told apart from the one a state read dropped; for a row
 * without a string id, its write time (`?` first: never an id).
 */
function storedRefreshKey(row: Readonly<TalentStateRow>): string {
  const value: unknown = row.value;
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : `?${row.updated_at}`;
}

/** A sharded refresh's finish whose plan was discarded while it ran: it writes nothing. */
function planDiscarded(refreshId: string): SceneRadarError {
  return new SceneRadarError(
    'TALENT_INVALID_PARAMS',
    `Refresh ${refreshId}: its plan is no longer in the stores (the refresh was discarded, or another finish of it committed); this finish wrote nothing`,
  );
}

/** `TALENT_VALIDATION_ERROR` for outcome `i`, whose `asOf` `why`. */
function futureOutcome(i: number, asOf: Date, why: string): SceneRadarError {
  const message = `asOf ${asOf.toISOString()} ${why}`;
  return new SceneRadarError('TALENT_VALIDATION_ERROR', `outcomes.${i}.asOf: ${message}`, {
    details: [{ code: 'invalid_value', path: ['outcomes', String(i), 'asOf'], message }],
  });
}

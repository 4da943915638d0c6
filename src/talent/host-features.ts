/**
 * @module talent/host-features
 * The host's own signals: a named value per artist as of an instant (a TikTok follower count, a
 * booking agent's rating, an internal "buzz" metric), read through a function the host
 * registers. They enter the breakout model like the built-in inputs (a percentile within the
 * as-of population unless the host says the value is already normalised), appear in every
 * explanation with their source, and `calibrate()` fits their weights. A read that throws, hangs
 * or returns something that is not a finite number is that feature's error for those artists,
 * reported, never a crash or a NaN score.
 */
import { isArrayValue } from '../core/validation.js';
import { describeError } from '../core/describe-error.js';
import { untilAborted } from '../core/gateway/deadline.js';
import { isMapOfAnyRealm, isPlainObjectOfAnyRealm } from '../core/fast-checks.js';
import { holdProcess } from '../core/lifecycle.js';
import { SceneRadarError } from '../core/errors.js';
import { BREAKOUT_INPUTS, HostFeatureNameSchema } from './breakout-model.js';
import type { HostFeatureOutcome } from './signals-types.js';
import type { TalentModelConfig } from './model-config.js';

/** What a host feature's read is rejected with when its deadline passes (compared by identity). */
const DEADLINE_PASSED = new Error('deadline');
/** Options a host feature's read receives. */
export interface HostFeatureReadOptions {
  /** Return only what was known at this instant. */
  readonly asOf: Date;
  /** Aborts when the caller's deadline passes. */
  readonly signal: AbortSignal;
}

/** Values of a host feature by artist slug: a Map or a plain object. An artist left out has no value. */
export type HostFeatureValues = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

/**
 * A signal of the host's own.
 * @example
 * ```ts
 * const follows: HostFeature = {
 *   name: 'tiktok-follows',
 *   source: 'tiktok export',
 *   read: async (slugs, { asOf }) => myWarehouse.followersAsOf(slugs, asOf), // Map<slug, number>
 * };
 * const radar = createSceneRadar({ sources, hostFeatures: [follows] });
 * ```
 */
export interface HostFeature {
  /** Name: a lowercase letter, then lowercase letters, digits, `_` or `-` (at most 64 characters). */
  readonly name: string;
  /** Where the values come from, shown in explanations. */
  readonly source: string;
  /** Values as of `options.asOf` for many artists (batch-first, like every source). */
  readonly read: (
    artistSlugs: readonly string[],
    options: HostFeatureReadOptions,
  ) => HostFeatureValues | Promise<HostFeatureValues>;
  /**
   * How a value becomes the model's input: `percentile` within the as-of population (units need
   * not match anything), or `raw` (the host's value is already on a comparable scale).
   * @default 'percentile'
   */
  readonly scale?: 'percentile' | 'raw';
}

/** A registered host feature's description (what tables and explanations carry). */
export interface HostFeatureSpec {
  /** Name. */
  readonly name: string;
  /** Source, for explanations. */
  readonly source: string;
  /** Scale of the model's input. */
  readonly scale: 'percentile' | 'raw';
}

/**
 * Checks the host features given to the radar: `CONFIG_INVALID` naming the bad entry.
 * @example
 * ```ts
 * validateHostFeatures([{ name: 'tiktok-follows', source: 'tiktok', read }]);
 * ```
 */
export function validateHostFeatures(features: unknown): readonly HostFeature[] {
  if (features === undefined) return [];
  if (!isArrayValue(features)) throw new SceneRadarError('CONFIG_INVALID', 'hostFeatures must be an array');
  const seen = new Set<string>();
  const out: HostFeature[] = [];
  // A loop, not forEach: forEach skips the holes of a sparse array, which then crash at scoring.
  for (let i = 0; i < features.length; i++) {
    const f: unknown = features[i];
    const bad = (message: string): SceneRadarError =>
      new SceneRadarError('CONFIG_INVALID', `hostFeatures.${i}: ${message}`, {
        details: [{ path: ['hostFeatures', String(i)], message }],
      });
    if (typeof f !== 'object' || f === null) throw bad('expected an object with name, source and read');
    let fields: Record<string, unknown>;
    try {
      // Read once (a getter runs once): a field that throws when read is this feature's error.
      const { name, source, read, scale } = f as Record<string, unknown>;
      fields = { name, source, read, scale };
    } catch (error) {
      throw bad(`could not be read: ${describeError(error, { name: false })}`);
    }
    const { name, source, read, scale } = fields;
    const parsed = HostFeatureNameSchema.safeParse(name);
    if (!parsed.success) throw bad(parsed.error.issues[0]?.message ?? 'invalid name');
    if (seen.has(parsed.data)) throw bad(`duplicate name "${parsed.data}"`);
    // A host input named like a built-in one would overwrite it in the model's inputs by name.
    if ((BREAKOUT_INPUTS as readonly string[]).includes(parsed.data))
      throw bad(`name "${parsed.data}" is a built-in breakout input; choose another`);
    seen.add(parsed.data);
    if (typeof source !== 'string' || source.length === 0 || source.length > 256)
      throw bad('source must be a non-empty string of at most 256 characters');
    if (typeof read !== 'function') throw bad('read must be a function');
    if (scale !== undefined && scale !== 'percentile' && scale !== 'raw')
      throw bad("scale must be 'percentile' or 'raw'");
    // The fields as checked, fixed here: a feature object changed later (a shared object, a getter)
    // cannot rename a feature under its values or skip these checks. `read` keeps its `this`.
    const readOf = read as HostFeature['read'];
    out.push(
      Object.freeze({
        name: parsed.data,
        source,
        read: (slugs: readonly string[], options: HostFeatureReadOptions) => readOf.call(f, slugs, options),
        scale: scale ?? 'percentile',
      }),
    );
  }
  return Object.freeze(out);
}

/** The descriptions of registered features. */
export const hostFeatureSpecs = (features: readonly HostFeature[]): HostFeatureSpec[] =>
  features.map((f) => ({ name: f.name, source: f.source, scale: f.scale ?? 'percentile' }));

/**
 * Reads one host feature for a batch of artists under `signal`: each artist's value or why not.
 * Never rejects.
 */
export async function readHostFeature(
  feature: HostFeature,
  slugs: readonly string[],
  asOf: Date,
  signal: AbortSignal,
): Promise<Map<string, HostFeatureOutcome>> {
  const out = new Map<string, HostFeatureOutcome>();
  const all = (o: HostFeatureOutcome): Map<string, HostFeatureOutcome> => {
    for (const s of slugs) out.set(s, o);
    return out;
  };
  if (signal.aborted)
    return all({ status: 'timeout', value: null, reason: 'the deadline passed before the read started' });
  let values: unknown;
  // The read gets its own frozen copy: a read that changes its input cannot change the batch.
  const asked: readonly string[] = Object.freeze([...slugs]);
  // The read holds the process open until it settles or its deadline passes (see holdProcess).
  const release = holdProcess();
  try {
    // Its own Date too: a read that changes the one it is given (setUTCHours...) cannot move the
    // instant the batch, a refresh or a calibration is computed as of.
    const pending = Promise.resolve().then(() => feature.read(asked, { asOf: new Date(asOf.getTime()), signal }));
    // One listener on the batch's signal for every feature (untilAborted shares it): a listener
    // per feature made ten or more features trip Node's MaxListenersExceededWarning.
    values = await untilAborted(pending, signal, () => DEADLINE_PASSED);
  } catch (e) {
    // Compared by identity: reading a property of whatever the host threw could throw again.
    if (e === DEADLINE_PASSED)
      return all({
        status: 'timeout',
        value: null,
        reason: `host feature ${feature.name} did not answer before the deadline`,
      });
    return all({ status: 'error', value: null, reason: `host feature ${feature.name} failed: ${describeError(e)}` });
  } finally {
    release();
  }
  let get: (slug: string) => unknown;
  try {
    // A Map of any realm (a vm context's, jsdom's) read through its own get (a subclass's too); a
    // record only when it is a plain object (a Set, a Date or a class instance answered nothing
    // anyone asked for, and read as every artist missing).
    if (isMapOfAnyRealm(values)) get = (s) => values.get(s);
    else if (isPlainObjectOfAnyRealm(values)) get = (s) => (Object.hasOwn(values, s) ? values[s] : undefined);
    else
      return all({
        status: 'error',
        value: null,
        reason: `host feature ${feature.name} returned ${Array.isArray(values) ? 'an array' : values === null || typeof values !== 'object' ? typeof values : Object.prototype.toString.call(values).slice(8, -1)}, not a Map or an object of numbers`,
      });
    for (const s of slugs) {
      const v = get(s);
      if (v === undefined) out.set(s, { status: 'missing', value: null });
      else if (typeof v === 'number' && Number.isFinite(v)) out.set(s, { status: 'ok', value: v });
      else
        out.set(s, {
          status: 'error',
          value: null,
          reason: `host feature ${feature.name}: expected a finite number, got ${typeof v === 'number' ? String(v) : typeof v}`,
        });
    }
  } catch (e) {
    return all({
      status: 'error',
      value: null,
      reason: `host feature ${feature.name}: reading its answer failed: ${describeError(e)}`,
    });
  }
  return out;
}

/**
 * `signals` with the host outcomes this radar scores with: those of the features it registers
 * (`registered`; by default every name `signals.host` has, as this radar's own reads give), and,
 * for each term of the breakout model (non-zero weight) whose feature it does not register, an
 * `error` outcome saying so. Such a term cannot be computed here, so it counts as missing for every
 * artist, as a failing feature's does, and the explanation, the artist's problems and the
 * refresh's report say why (a model applied on an instance that registers the feature, served by
 * one that does not). Outcomes of features it does not register (staged by another instance's
 * shard) are dropped: it scores without them. The same object when nothing changes.
 */
export function withUnregisteredTerms<S extends { readonly host: Readonly<Record<string, HostFeatureOutcome>> }>(
  signals: S,
  model: Pick<TalentModelConfig, 'breakout'>,
  registered?: ReadonlySet<string>,
): S {
  let host: Record<string, HostFeatureOutcome> | null = null;
  if (registered !== undefined)
    for (const name of Object.keys(signals.host))
      if (!registered.has(name)) {
        host ??= { ...signals.host };
        delete host[name];
      }
  for (const [name, term] of Object.entries(model.breakout.hostInputs)) {
    if (term.weight === 0 || (registered === undefined ? Object.hasOwn(signals.host, name) : registered.has(name)))
      continue;
    host ??= { ...signals.host };
    host[name] = {
      status: 'error',
      value: null,
      reason: `host feature ${name} has a term in the breakout model but is not registered on this radar (createSceneRadar({ hostFeatures }))`,
    };
  }
  return host === null ? signals : { ...signals, host };
}

/**
 * `signals` with an `error` outcome for each host feature on a percentile scale that the breakout
 * model weighs (non-zero weight), was read ok, and has no distribution, or an empty one, in
 * `ranked` (the kept peers' host distributions): its value cannot be ranked until a refresh fits
 * its distribution (the last one ran on an instance without the feature, or before it was
 * registered, or the feature's read failed there and no earlier distribution was kept), so it
 * counts for nothing and the explanation says why, instead of an `ok` that adds nothing in
 * silence. The same object when nothing changes.
 * @example
 * ```ts
 * const scored = withUnrankedTerms(signals, model, radar.hostFeatures, storedPeers.relative.host);
 * ```
 */
export function withUnrankedTerms<S extends { readonly host: Readonly<Record<string, HostFeatureOutcome>> }>(
  signals: S,
  model: Pick<TalentModelConfig, 'breakout'>,
  hostFeatures: readonly HostFeatureSpec[],
  ranked: ReadonlyMap<string, { readonly m: number }>,
): S {
  let host: Record<string, HostFeatureOutcome> | null = null;
  for (const spec of hostFeatures) {
    const { name } = spec;
    const weight = Object.hasOwn(model.breakout.hostInputs, name) ? model.breakout.hostInputs[name]!.weight : 0;
    const kept = ranked.get(name);
    if (spec.scale !== 'percentile' || weight === 0 || (kept !== undefined && kept.m > 0)) continue;
    if (!Object.hasOwn(signals.host, name) || signals.host[name]!.status !== 'ok') continue;
    host ??= { ...signals.host };
    host[name] = {
      status: 'error',
      value: null,
      reason:
        kept === undefined
          ? `host feature ${name} has no distribution in the peers of the last refresh (it ran without the feature): its value is ranked from the next refresh`
          : `host feature ${name} has an empty distribution in the peers of the last refresh (its read failed there): its value is ranked from the next refresh that reads it`,
    };
  }
  return host === null ? signals : { ...signals, host };
}

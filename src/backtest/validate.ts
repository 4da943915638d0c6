/**
 * @module backtest/validate
 * The harness's refusals, made before anything expensive runs: options that cannot give an honest
 * backtest (cutoffs out of order, train and test windows overlapping, a horizon past the range of
 * Date, duplicate scorer names),
 * and callback answers that cannot be measured (a candidate that is not a string, a label that is
 * not a boolean). Each message names the field, the cutoff and the value.
 */
import { DAY_MS } from '../core/time.js';
import { isMapOfAnyRealm } from '../core/fast-checks.js';
import { END_INSTANT_MS, FIRST_INSTANT_MS } from '../core/validation.js';
import { MAX_RESAMPLES } from './bootstrap.js';
import { BacktestError, isBacktestError } from './errors.js';
import type {
  BacktestCutoffSpec,
  BacktestOptions,
  BacktestReference,
  BacktestScorer,
  BacktestTarget,
} from './types.js';

/** The validated options, with defaults applied. */
export interface BacktestPlan {
  /** Cutoffs (copies), oldest first. */
  readonly cutoffs: readonly BacktestCutoffSpec[];
  /** Index of the first test cutoff, or -1. */
  readonly firstTest: number;
  /** The model under test, or null. */
  readonly scorer: BacktestScorer | null;
  /** Baselines. */
  readonly baselines: readonly BacktestScorer[];
  /** k of precision@k. */
  readonly k: number;
  /** Bootstrap resamples. */
  readonly resamples: number;
  /** Bootstrap seed. */
  readonly seed: number;
  /** The target, or null. */
  readonly target: BacktestTarget | null;
  /** When the run started, ISO (the `now` option's answer). */
  readonly runAt: string;
  /** `setupMs`, or 0. */
  readonly setupMs: number;
  /** The method paragraphs (a copy). */
  readonly method: readonly string[];
  /** The parameters, as JSON keeps them (a copy). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The reference, as JSON keeps it (a copy), or null. */
  readonly reference: BacktestReference | null;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const invalid = (message: string): BacktestError =>
  new BacktestError('BACKTEST_INVALID_OPTIONS', `runBacktest: ${message}`);

/** A short, printable description of any value, for messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string')
    return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)})`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return `a ${typeof value} (${String(value)})`;
  if (value instanceof Date) return `a Date (${Number.isFinite(value.getTime()) ? value.toISOString() : 'invalid'})`;
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

const iso = (d: Date): string => d.toISOString();

function checkScorer(value: unknown, where: string): BacktestScorer {
  if (typeof value !== 'object' || value === null)
    throw invalid(`${where} must be a scorer object ({ name, score }), got ${describeValue(value)}`);
  const s = value as Partial<Record<keyof BacktestScorer, unknown>>;
  if (typeof s.name !== 'string' || s.name.trim() === '')
    throw invalid(`${where}.name must be a non-empty string, got ${describeValue(s.name)}`);
  if (typeof s.score !== 'function') throw invalid(`${where} ("${s.name}").score must be a function`);
  if (s.fit !== undefined && typeof s.fit !== 'function')
    throw invalid(`${where} ("${s.name}").fit must be a function or absent`);
  if (s.probabilistic !== undefined && typeof s.probabilistic !== 'boolean')
    throw invalid(`${where} ("${s.name}").probabilistic must be a boolean or absent`);
  if (s.description !== undefined && typeof s.description !== 'string')
    throw invalid(`${where} ("${s.name}").description must be a string or absent`);
  return value as BacktestScorer;
}

function checkCutoffs(value: unknown): { cutoffs: BacktestCutoffSpec[]; firstTest: number } {
  if (!Array.isArray(value) || value.length === 0)
    throw invalid('cutoffs must be a non-empty array of { asOf: Date, split: "train" | "test" }');
  const cutoffs: BacktestCutoffSpec[] = [];
  // A loop, not map: map skips the holes of a sparse array, leaving holes in the plan.
  for (let i = 0; i < value.length; i++) {
    const c: unknown = value[i];
    if (typeof c !== 'object' || c === null)
      throw invalid(`cutoffs[${i}] must be { asOf, split }, got ${describeValue(c)}`);
    const { asOf, split } = c as { asOf?: unknown; split?: unknown };
    if (!(asOf instanceof Date) || !Number.isFinite(asOf.getTime()))
      throw invalid(`cutoffs[${i}].asOf must be a valid Date, got ${describeValue(asOf)}`);
    // The instants every source and store of the SDK accepts (a seconds/milliseconds mix-up lands
    // in the year 51,969; the talent scorer would refuse a year-999 cutoff half-way through).
    if (asOf.getTime() < FIRST_INSTANT_MS || asOf.getTime() >= END_INSTANT_MS)
      throw invalid(
        `cutoffs[${i}].asOf must be in the years 1000-9999 (a Date built from seconds instead of milliseconds?), got ${describeValue(asOf)}`,
      );
    if (split !== 'train' && split !== 'test')
      throw invalid(`cutoffs[${i}].split must be "train" or "test", got ${describeValue(split)}`);
    cutoffs.push(Object.freeze({ asOf: new Date(asOf.getTime()), split }));
  }
  for (let i = 1; i < cutoffs.length; i++) {
    const prev = cutoffs[i - 1]!;
    const cur = cutoffs[i]!;
    if (cur.asOf.getTime() === prev.asOf.getTime())
      throw invalid(
        `cutoffs[${i}] repeats ${iso(cur.asOf)} (cutoffs[${i - 1}]): each cutoff must be a distinct instant`,
      );
    if (cur.asOf.getTime() < prev.asOf.getTime())
      throw invalid(
        `cutoffs must be sorted, oldest first: cutoffs[${i}] (${iso(cur.asOf)}) is before cutoffs[${i - 1}] (${iso(prev.asOf)})`,
      );
  }
  const firstTest = cutoffs.findIndex((c) => c.split === 'test');
  if (firstTest >= 0) {
    const lateTrain = cutoffs.findIndex((c, i) => i > firstTest && c.split === 'train');
    if (lateTrain >= 0) {
      throw invalid(
        `the train and test windows overlap: training cutoff ${iso(cutoffs[lateTrain]!.asOf)} (cutoffs[${lateTrain}]) is at or after test cutoff ${iso(cutoffs[firstTest]!.asOf)} (cutoffs[${firstTest}]); every training cutoff must come before the first test cutoff`,
      );
    }
  }
  return { cutoffs, firstTest };
}

/**
 * The end of a cutoff's label horizon, T + `horizonDays`: the `until` given to `labels`, the
 * instant a training cutoff is purged by. An Invalid Date when it is past the range of Date
 * ({@link planBacktest} refuses such a horizon).
 * @example
 * ```ts
 * horizonEnd(new Date('2020-01-01T00:00:00.000Z'), 30).toISOString(); // '2020-01-31T00:00:00.000Z'
 * ```
 */
export function horizonEnd(asOf: Date, horizonDays: number): Date {
  return new Date(asOf.getTime() + horizonDays * DAY_MS);
}

function checkHorizon(cutoffs: readonly BacktestCutoffSpec[], horizonDays: number): void {
  // Past the range of Date, `until` would be an Invalid Date: no label window, and a purge
  // comparison with NaN that is always false, handing fit labels that cover the test period.
  // Label reads run up to the horizon's end: within the years 1000-9999 too.
  const i = cutoffs.findIndex((c) => !(horizonEnd(c.asOf, horizonDays).getTime() < END_INSTANT_MS));
  if (i >= 0)
    throw invalid(
      `horizonDays (${horizonDays}) is too long: cutoffs[${i}] (${iso(cutoffs[i]!.asOf)}) + ${horizonDays} days is past the year 9999`,
    );
}

function checkInt(value: unknown, field: string, min: number, fallback: number, max?: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || (max !== undefined && value > max))
    throw invalid(
      `${field} must be an integer ${max === undefined ? `>= ${min}` : `from ${min} to ${max}`}, got ${describeValue(value)}`,
    );
  return value;
}

function checkTarget(value: unknown): BacktestTarget | null {
  if (value === undefined || value === null) return null;
  const t = value as Partial<BacktestTarget>;
  if (typeof value !== 'object' || (t.split !== 'train' && t.split !== 'test' && t.split !== 'all'))
    throw invalid('target.split must be "train", "test" or "all"');
  if (typeof t.minMeanAuc !== 'number' || !(t.minMeanAuc >= 0 && t.minMeanAuc <= 1))
    throw invalid(`target.minMeanAuc must be a number in 0-1, got ${describeValue(t.minMeanAuc)}`);
  return { split: t.split, minMeanAuc: t.minMeanAuc };
}

/** `value` as JSON keeps it (a copy), or a refusal naming `field` when JSON cannot hold it (a cycle, a BigInt). */
function jsonCopy(value: unknown, field: string): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw invalid(
      `${field} must be plain JSON data (it is written in the result): ${e instanceof Error ? e.message.split('\n')[0] : describeValue(e)}`,
    );
  }
  return text === undefined ? undefined : JSON.parse(text);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const SPLIT_KEYS = ['train', 'test', 'all'] as const;

/** Checks each `{ split: { field: number } }` entry of a reference table. */
function checkSplitNumbers(value: unknown, where: string, fields: readonly string[]): void {
  if (!isRecord(value)) throw invalid(`${where} must be an object keyed by "train", "test" or "all"`);
  for (const [split, figures] of Object.entries(value)) {
    if (!(SPLIT_KEYS as readonly string[]).includes(split))
      throw invalid(`${where}: "${split}" is not "train", "test" or "all"`);
    if (figures === undefined) continue;
    if (!isRecord(figures)) throw invalid(`${where}.${split} must be an object, got ${describeValue(figures)}`);
    for (const field of fields) {
      const x = figures[field];
      if (x !== undefined && !(typeof x === 'number' && Number.isFinite(x)))
        throw invalid(`${where}.${split}.${field} must be a finite number or absent, got ${describeValue(x)}`);
    }
  }
}

function checkReference(value: unknown): BacktestReference | null {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) throw invalid(`reference must be an object or null, got ${describeValue(value)}`);
  if (typeof value.source !== 'string')
    throw invalid(`reference.source must be a string, got ${describeValue(value.source)}`);
  if (!isRecord(value.figures))
    throw invalid(`reference.figures must be an object keyed by scorer name, got ${describeValue(value.figures)}`);
  for (const [scorer, bySplit] of Object.entries(value.figures))
    checkSplitNumbers(bySplit, `reference.figures["${scorer}"]`, ['auc', 'pAtK']);
  if (value.perCutoff !== undefined)
    checkSplitNumbers(value.perCutoff, 'reference.perCutoff', ['candidates', 'positives']);
  if (value.note !== undefined && typeof value.note !== 'string')
    throw invalid(`reference.note must be a string or absent, got ${describeValue(value.note)}`);
  return jsonCopy(value, 'reference') as BacktestReference;
}

function checkMethod(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw invalid(`method must be an array of strings (paragraphs), got ${describeValue(value)}`);
  const out: string[] = [];
  // A loop, not map: a hole is refused, not skipped.
  for (let i = 0; i < value.length; i++) {
    const p: unknown = value[i];
    if (typeof p !== 'string') throw invalid(`method[${i}] must be a string, got ${describeValue(p)}`);
    out.push(p);
  }
  return out;
}

function checkRunAt(now: unknown): string {
  if (now === undefined) return new Date().toISOString();
  if (typeof now !== 'function') throw invalid(`now must be a function returning a Date, got ${describeValue(now)}`);
  let at: unknown;
  try {
    at = now();
  } catch (e) {
    throw invalid(`now() threw: ${e instanceof Error ? e.message : describeValue(e)}`);
  }
  if (
    !(at instanceof Date) ||
    !Number.isFinite(at.getTime()) ||
    at.getTime() < FIRST_INSTANT_MS ||
    at.getTime() >= END_INSTANT_MS
  )
    throw invalid(`now() must return a valid Date in the years 1000-9999, got ${describeValue(at)}`);
  return at.toISOString();
}

/**
 * Checks the options and applies the defaults; throws a `BACKTEST_INVALID_OPTIONS`
 * {@link BacktestError} naming the first problem (also when reading an option throws: a getter,
 * a proxy). Calls `now` once, for `runAt`.
 * @example
 * ```ts
 * planBacktest({ ...options, cutoffs: [{ asOf: b, split: 'train' }, { asOf: a, split: 'train' }] }); // throws: not sorted
 * ```
 */
export function planBacktest(options: BacktestOptions): BacktestPlan {
  try {
    return plan(options);
  } catch (e) {
    if (isBacktestError(e)) throw e;
    throw new BacktestError(
      'BACKTEST_INVALID_OPTIONS',
      `runBacktest: the options could not be read: ${e instanceof Error ? e.message : describeValue(e)}`,
      { cause: e },
    );
  }
}

function plan(options: BacktestOptions): BacktestPlan {
  if (typeof options !== 'object' || options === null)
    throw invalid(`options must be an object, got ${describeValue(options)}`);
  if (typeof options.name !== 'string' || !NAME.test(options.name))
    throw invalid(
      `name must be 1-128 letters, digits, ".", "_" or "-" (it names result files), got ${describeValue(options.name)}`,
    );
  if (options.title !== undefined && typeof options.title !== 'string')
    throw invalid(`title must be a string, got ${describeValue(options.title)}`);
  if (typeof options.sources !== 'object' || options.sources === null)
    throw invalid(`sources must be an object of source adapters, got ${describeValue(options.sources)}`);
  if (typeof options.horizonDays !== 'number' || !Number.isFinite(options.horizonDays) || options.horizonDays <= 0)
    throw invalid(`horizonDays must be a positive number, got ${describeValue(options.horizonDays)}`);
  if (typeof options.candidates !== 'function')
    throw invalid('candidates must be a function ({ asOf, sources }) => string[]');
  if (typeof options.labels !== 'function')
    throw invalid(
      'labels must be a function ({ asOf, until, candidates, sources }) => Map<string, boolean> | Record<string, boolean>',
    );
  if (options.population !== undefined && typeof options.population !== 'function')
    throw invalid('population must be a function ({ asOf, sources }) => string[], or absent');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal))
    throw invalid('signal must be an AbortSignal');
  for (const hook of ['log', 'onProgress'] as const)
    if (options[hook] !== undefined && typeof options[hook] !== 'function')
      throw invalid(`${hook} must be a function or absent, got ${describeValue(options[hook])}`);
  if (
    options.setupMs !== undefined &&
    !(typeof options.setupMs === 'number' && Number.isFinite(options.setupMs) && options.setupMs >= 0)
  )
    throw invalid(`setupMs must be a finite number >= 0, got ${describeValue(options.setupMs)}`);
  const method = checkMethod(options.method);
  if (options.parameters !== undefined && !isRecord(options.parameters))
    throw invalid(`parameters must be an object, got ${describeValue(options.parameters)}`);
  const parameters = (jsonCopy(options.parameters ?? {}, 'parameters') ?? {}) as Record<string, unknown>;
  const reference = checkReference(options.reference);
  const { cutoffs, firstTest } = checkCutoffs(options.cutoffs);
  checkHorizon(cutoffs, options.horizonDays);
  const scorer = options.scorer === undefined || options.scorer === null ? null : checkScorer(options.scorer, 'scorer');
  if (options.baselines !== undefined && !Array.isArray(options.baselines))
    throw invalid('baselines must be an array of scorers');
  const baselines = (options.baselines ?? []).map((b, i) => checkScorer(b, `baselines[${i}]`));
  const all = [...(scorer ? [scorer] : []), ...baselines];
  if (all.length === 0) throw invalid('nothing to measure: give a scorer, baselines, or both');
  const seen = new Set<string>();
  for (const s of all) {
    if (seen.has(s.name)) throw invalid(`two scorers are named "${s.name}": names key the results and must be unique`);
    seen.add(s.name);
  }
  return {
    cutoffs,
    firstTest,
    scorer,
    baselines,
    k: checkInt(options.k, 'k', 1, 10),
    resamples: checkInt(options.resamples, 'resamples', 0, 2000, MAX_RESAMPLES),
    seed: checkInt(options.seed, 'seed', 0, 20_240_601),
    target: checkTarget(options.target),
    runAt: checkRunAt(options.now),
    setupMs: options.setupMs ?? 0,
    method,
    parameters,
    reference,
  };
}

const inputError = (message: string): BacktestError => new BacktestError('BACKTEST_INVALID_INPUT', message);

/**
 * Checks a list of artist slugs a callback returned: an array of non-empty strings (a hole is
 * refused, as an item that is not one). Duplicates are refused for candidates (each would be
 * counted twice) and dropped for a population. `refuse` makes the error of a refused answer
 * (default a `BACKTEST_INVALID_INPUT` {@link BacktestError}).
 * @example
 * ```ts
 * checkSlugList(['a', 'b'], 'candidates at cutoff 2020-01-01T00:00:00.000Z', 'refuse'); // ['a', 'b']
 * ```
 */
export function checkSlugList(
  value: unknown,
  where: string,
  duplicates: 'refuse' | 'drop',
  refuse: (message: string) => BacktestError = inputError,
): readonly string[] {
  if (!Array.isArray(value))
    throw refuse(`${where}: expected an array of strings (artist slugs), got ${describeValue(value)}`);
  const seen = new Set<string>();
  const out: string[] = [];
  // A loop, not forEach: forEach skips the holes of a sparse array, which would drop them unseen.
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item !== 'string' || item === '')
      throw refuse(`${where}: item ${i} is ${describeValue(item)}, expected a non-empty string (an artist slug)`);
    if (seen.has(item)) {
      if (duplicates === 'refuse') throw refuse(`${where}: "${item}" is listed twice (items are counted once each)`);
      continue;
    }
    seen.add(item);
    out.push(item);
  }
  return Object.freeze(out);
}

/**
 * Reads the label of every candidate from a `labels` answer (a Map or a plain object); throws a
 * `BACKTEST_INVALID_INPUT` {@link BacktestError} when one is missing or not a boolean. Labels of
 * keys that are not candidates are ignored. `refuse` makes the error, as for {@link checkSlugList}.
 * @example
 * ```ts
 * checkLabels({ a: true, b: false }, ['a', 'b'], 'labels at cutoff ...'); // Map { a => true, b => false }
 * ```
 */
export function checkLabels(
  value: unknown,
  candidates: readonly string[],
  where: string,
  refuse: (message: string) => BacktestError = inputError,
): ReadonlyMap<string, boolean> {
  let get: (slug: string) => { has: boolean; value: unknown };
  if (isMapOfAnyRealm(value)) get = (slug) => ({ has: value.has(slug), value: value.get(slug) as unknown });
  else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    get = (slug) => ({
      has: Object.hasOwn(record, slug),
      value: Object.hasOwn(record, slug) ? record[slug] : undefined,
    });
  } else
    throw refuse(`${where}: expected a Map<string, boolean> or a Record<string, boolean>, got ${describeValue(value)}`);
  const out = new Map<string, boolean>();
  for (const slug of candidates) {
    const got = get(slug);
    if (!got.has) throw refuse(`${where}: candidate "${slug}" has no label (every candidate needs true or false)`);
    if (typeof got.value !== 'boolean')
      throw refuse(`${where}: candidate "${slug}" is labelled ${describeValue(got.value)}, expected true or false`);
    out.set(slug, got.value);
  }
  return out;
}

/** A score answer, normalised. */
export interface NormalisedScores {
  /** Score per candidate (missing or non-finite: unscored). */
  readonly get: (slug: string) => unknown;
  /** The reason given for an unscored candidate, if any. */
  readonly reason: (slug: string) => string | undefined;
  /**
   * What failed for a candidate scored all the same (`ScoredCandidates.degraded`), if anything: an
   * entry without a text of its own (blank, not a string) is `no reason given`.
   */
  readonly degraded: (slug: string) => string | undefined;
}

function lookup(value: unknown, what: string): ((slug: string) => unknown) | null {
  if (isMapOfAnyRealm(value)) return (slug) => value.get(slug) as unknown;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    return (slug) => (Object.hasOwn(record, slug) ? record[slug] : undefined);
  }
  if (value === undefined && (what === 'unscored' || what === 'degraded')) return () => undefined;
  return null;
}

/**
 * Reads what `score` returned: a Map of scores, or `{ scores, unscored?, degraded? }`. Throws an Error (the
 * scorer's failure, reported in its result) for anything else.
 * @example
 * ```ts
 * normaliseScores(new Map([['a', 0.3]])).get('a'); // 0.3
 * ```
 */
export function normaliseScores(value: unknown): NormalisedScores {
  if (isMapOfAnyRealm(value))
    return { get: (slug) => value.get(slug) as unknown, reason: () => undefined, degraded: () => undefined };
  if (typeof value === 'object' && value !== null && 'scores' in value) {
    const { scores, unscored, degraded } = value as { scores: unknown; unscored?: unknown; degraded?: unknown };
    const get = lookup(scores, 'scores');
    const why = lookup(unscored, 'unscored');
    const failed = lookup(degraded, 'degraded');
    /** A reason as counted: trimmed text of at most 200 characters, or undefined for none. */
    const text = (r: unknown): string | undefined =>
      typeof r === 'string' && r.trim() !== '' ? r.trim().slice(0, 200) : undefined;
    if (get && why && failed)
      return {
        get,
        reason: (slug) => text(why(slug)),
        degraded: (slug) => {
          const r = failed(slug);
          return r === undefined ? undefined : (text(r) ?? 'no reason given');
        },
      };
  }
  throw new Error(
    `score() must return a Map<string, number> or { scores, unscored?, degraded? }, got ${describeValue(value)}`,
  );
}

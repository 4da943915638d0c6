/**
 * @module backtest/validate
 * The harness's refusals, made before anything expensive runs: options that cannot give an honest
 * backtest (cutoffs out of order, train and test windows overlapping, a horizon past the range of
 * Date, duplicate scorer names),
 * and callback answers that cannot be measured (a candidate that is not a string, a label that is
 * not a boolean). Each message names the field, the cutoff and the value.
 */
import { DAY_MS } from '../core/time.js';
import { BacktestError } from './errors.js';
import type { BacktestCutoffSpec, BacktestOptions, BacktestScorer, BacktestTarget } from './types.js';

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
  const cutoffs = value.map((c: unknown, i): BacktestCutoffSpec => {
    if (typeof c !== 'object' || c === null)
      throw invalid(`cutoffs[${i}] must be { asOf, split }, got ${describeValue(c)}`);
    const { asOf, split } = c as { asOf?: unknown; split?: unknown };
    if (!(asOf instanceof Date) || !Number.isFinite(asOf.getTime()))
      throw invalid(`cutoffs[${i}].asOf must be a valid Date, got ${describeValue(asOf)}`);
    if (split !== 'train' && split !== 'test')
      throw invalid(`cutoffs[${i}].split must be "train" or "test", got ${describeValue(split)}`);
    return Object.freeze({ asOf: new Date(asOf.getTime()), split });
  });
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
  const i = cutoffs.findIndex((c) => !Number.isFinite(horizonEnd(c.asOf, horizonDays).getTime()));
  if (i >= 0)
    throw invalid(
      `horizonDays (${horizonDays}) is too long: cutoffs[${i}] (${iso(cutoffs[i]!.asOf)}) + ${horizonDays} days is not a valid Date (the last one is ${iso(new Date(8.64e15))})`,
    );
}

function checkInt(value: unknown, field: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw invalid(`${field} must be an integer >= ${min}, got ${describeValue(value)}`);
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

/**
 * Checks the options and applies the defaults; throws a `BACKTEST_INVALID_OPTIONS`
 * {@link BacktestError} naming the first problem.
 * @example
 * ```ts
 * planBacktest({ ...options, cutoffs: [{ asOf: b, split: 'train' }, { asOf: a, split: 'train' }] }); // throws: not sorted
 * ```
 */
export function planBacktest(options: BacktestOptions): BacktestPlan {
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
    resamples: checkInt(options.resamples, 'resamples', 0, 2000),
    seed: checkInt(options.seed, 'seed', 0, 20_240_601),
    target: checkTarget(options.target),
  };
}

const inputError = (message: string): BacktestError => new BacktestError('BACKTEST_INVALID_INPUT', message);

/**
 * Checks a list of artist slugs a callback returned: an array of non-empty strings. Duplicates are
 * refused for candidates (each would be counted twice) and dropped for a population.
 * @example
 * ```ts
 * checkSlugList(['a', 'b'], 'candidates at cutoff 2020-01-01T00:00:00.000Z', 'refuse'); // ['a', 'b']
 * ```
 */
export function checkSlugList(value: unknown, where: string, duplicates: 'refuse' | 'drop'): readonly string[] {
  if (!Array.isArray(value))
    throw inputError(`${where}: expected an array of strings (artist slugs), got ${describeValue(value)}`);
  const seen = new Set<string>();
  const out: string[] = [];
  value.forEach((item: unknown, i) => {
    if (typeof item !== 'string' || item === '')
      throw inputError(`${where}: item ${i} is ${describeValue(item)}, expected a non-empty string (an artist slug)`);
    if (seen.has(item)) {
      if (duplicates === 'refuse')
        throw inputError(`${where}: "${item}" is listed twice (items are counted once each)`);
      return;
    }
    seen.add(item);
    out.push(item);
  });
  return Object.freeze(out);
}

/**
 * Reads the label of every candidate from a `labels` answer (a Map or a plain object); throws a
 * `BACKTEST_INVALID_INPUT` {@link BacktestError} when one is missing or not a boolean. Labels of
 * keys that are not candidates are ignored.
 * @example
 * ```ts
 * checkLabels({ a: true, b: false }, ['a', 'b'], 'labels at cutoff ...'); // Map { a => true, b => false }
 * ```
 */
export function checkLabels(
  value: unknown,
  candidates: readonly string[],
  where: string,
): ReadonlyMap<string, boolean> {
  let get: (slug: string) => { has: boolean; value: unknown };
  if (value instanceof Map) get = (slug) => ({ has: value.has(slug), value: value.get(slug) as unknown });
  else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    get = (slug) => ({
      has: Object.hasOwn(record, slug),
      value: Object.hasOwn(record, slug) ? record[slug] : undefined,
    });
  } else
    throw inputError(
      `${where}: expected a Map<string, boolean> or a Record<string, boolean>, got ${describeValue(value)}`,
    );
  const out = new Map<string, boolean>();
  for (const slug of candidates) {
    const got = get(slug);
    if (!got.has) throw inputError(`${where}: candidate "${slug}" has no label (every candidate needs true or false)`);
    if (typeof got.value !== 'boolean')
      throw inputError(`${where}: candidate "${slug}" is labelled ${describeValue(got.value)}, expected true or false`);
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
}

function lookup(value: unknown, what: string): ((slug: string) => unknown) | null {
  if (value instanceof Map) return (slug) => value.get(slug) as unknown;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    return (slug) => (Object.hasOwn(record, slug) ? record[slug] : undefined);
  }
  if (value === undefined && what === 'unscored') return () => undefined;
  return null;
}

/**
 * Reads what `score` returned: a Map of scores, or `{ scores, unscored }`. Throws an Error (the
 * scorer's failure, reported in its result) for anything else.
 * @example
 * ```ts
 * normaliseScores(new Map([['a', 0.3]])).get('a'); // 0.3
 * ```
 */
export function normaliseScores(value: unknown): NormalisedScores {
  if (value instanceof Map) return { get: (slug) => value.get(slug) as unknown, reason: () => undefined };
  if (typeof value === 'object' && value !== null && 'scores' in value) {
    const { scores, unscored } = value as { scores: unknown; unscored?: unknown };
    const get = lookup(scores, 'scores');
    const why = lookup(unscored, 'unscored');
    if (get && why) {
      return {
        get,
        reason: (slug) => {
          const r = why(slug);
          return typeof r === 'string' && r.trim() !== '' ? r.trim().slice(0, 200) : undefined;
        },
      };
    }
  }
  throw new Error(`score() must return a Map<string, number> or { scores, unscored? }, got ${describeValue(value)}`);
}

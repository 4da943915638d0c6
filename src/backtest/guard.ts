/**
 * @module backtest/guard
 * The as-of guard. A host's sources answer as of any instant, so anything handed them could ask
 * about the future by passing a later `asOf`. The harness hands every callback and scorer a view
 * of the sources in which each call whose `asOf` lies past a limit (or is not a valid Date) is
 * refused with a `BACKTEST_LOOKAHEAD` {@link BacktestError}, and recorded: a reader that catches
 * and swallows the refusal (the source gateway does, turning it into a degraded result) still
 * fails the run, because the harness checks the record, not the reader's answer. A view serves the
 * call it was handed to and no later one: once that call has settled the harness closes it, and a
 * read through it after that (a scorer that kept `fit`'s sources to read in `score`) is refused
 * and recorded too, whatever its `asOf`.
 */
import { SOURCE_NAMES, type SceneRadarSources } from '../contracts/sources.js';
import { dateTime } from '../core/validation.js';
import { BacktestError, type LookaheadViolation } from './errors.js';

/** What a guarded view is for, as named in a violation. */
export interface GuardScope {
  /** Who reads: `candidates`, `scorer "best-rank" score`... */
  readonly call: string;
  /** The cutoff (ISO), or null. */
  readonly cutoff: string | null;
}

/** Records the violations of every view it hands out. */
export interface LookaheadGuard {
  /** Every refused read so far, in order. */
  readonly violations: readonly LookaheadViolation[];
  /** The sources, each call limited to `asOf <= limit`. */
  view(sources: SceneRadarSources, limit: Date, scope: GuardScope): SceneRadarSources;
  /**
   * Closes a view this guard handed out, once the call it was handed to has settled: every later
   * read through it is refused and recorded (`late: true`), whatever its `asOf`, so a view kept
   * for later cannot read past a later call's cutoff. Reads already started are not affected.
   * With `outcome: 'failed'` (the call threw, so nothing it read reaches a figure: a scorer that
   * fails alone, reads of its own still queued) later reads are refused but not recorded.
   * Closing twice, or an object that is not one of this guard's views, does nothing.
   */
  close(view: SceneRadarSources, outcome?: 'settled' | 'failed'): void;
}

/** Whether a call's argument carries an `asOf` (the options of every source method). */
const hasAsOf = (arg: unknown): arg is { asOf: unknown } => typeof arg === 'object' && arg !== null && 'asOf' in arg;

/**
 * A call's arguments as the adapter gets them: each argument carrying an `asOf` (the options; a
 * caller may add more) copied with the instant checked, as a Date of the guard's own, so neither
 * a Date changed after the call, nor an `asOf` getter answering twice, nor a Date subclass can
 * carry the read past the limit. Null when an argument's `asOf` is not a valid Date at or before
 * `limitMs`, or the last argument (the options) has none; `seen` gets the offending (or missing) `asOf`.
 */
function checkedArgs(args: readonly unknown[], limitMs: number, seen: { asOf: unknown }): unknown[] | null {
  const out = [...args];
  let found = false;
  for (let i = 0; i < out.length; i++) {
    const arg = out[i];
    if (!hasAsOf(arg)) continue;
    found = true;
    const asOf = arg.asOf;
    const ms = dateTime(asOf);
    if (!(ms <= limitMs)) {
      seen.asOf = asOf;
      return null;
    }
    out[i] = { ...arg, asOf: new Date(ms) };
  }
  // The options, the last argument of every source method, must carry it themselves: an asOf in
  // another argument (the query) is not what the adapter reads, so it would answer as of now.
  if (!found || !hasAsOf(args[args.length - 1])) {
    seen.asOf = undefined;
    return null;
  }
  return out;
}

const describeAsOf = (asOf: unknown): string =>
  asOf instanceof Date
    ? Number.isFinite(dateTime(asOf))
      ? new Date(dateTime(asOf)).toISOString()
      : 'an invalid Date'
    : asOf === undefined
      ? 'no asOf'
      : `a ${typeof asOf} (${String(asOf)})`;

/** Own and inherited property names (class-based adapters keep their methods on the prototype). */
function propertyNames(obj: object): string[] {
  const names = new Set<string>();
  for (
    let o: object | null = obj;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  ) {
    for (const k of Object.getOwnPropertyNames(o)) if (k !== 'constructor') names.add(k);
  }
  return [...names];
}

/**
 * The message of a violation: who read what, as of when, past which limit.
 * @example
 * ```ts
 * violationText({ call: 'labels', cutoff: '2020-01-01T00:00:00.000Z', method: 'rcf.getEvents', asOf: '2021-01-01T00:00:00.000Z', limit: '2020-07-01T00:00:00.000Z' });
 * ```
 */
export function violationText(v: LookaheadViolation): string {
  const at = v.cutoff === null ? '' : ` at cutoff ${v.cutoff}`;
  if (v.late)
    return `${v.call}${at} read ${v.method} as of ${v.asOf} after it had settled (its view of the sources, limited to ${v.limit}, serves that call only)`;
  return `${v.call}${at} read ${v.method} as of ${v.asOf}, past its limit ${v.limit}`;
}

/**
 * A guard whose views refuse and record reads past their limit.
 * @example
 * ```ts
 * const guard = createLookaheadGuard();
 * const safe = guard.view(sources, cutoff, { call: 'candidates', cutoff: cutoff.toISOString() });
 * await safe.rcf?.getEvents(['a'], { asOf: later, from, signal }); // rejects, and is recorded
 * guard.violations.length; // 1
 * ```
 */
export function createLookaheadGuard(): LookaheadGuard {
  const violations: LookaheadViolation[] = [];
  /** Each view's state: closed once the call it was handed to has settled. */
  const views = new WeakMap<object, { closed: boolean; failed: boolean }>();
  function guardAdapter<T extends object>(
    name: string,
    adapter: T,
    limit: Date,
    scope: GuardScope,
    state: { readonly closed: boolean; readonly failed: boolean },
  ): T {
    const source = adapter as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of propertyNames(adapter)) {
      const value = source[key];
      if (typeof value !== 'function') {
        // Traits (`maxBatchSize`) pass; an object (a wrapped adapter, a pool) would hand out
        // something the guard does not watch, so it is left out of the view.
        if (typeof value !== 'object' || value === null) out[key] = value;
        continue;
      }
      const method = value as (...args: unknown[]) => unknown;
      out[key] = (...args: unknown[]): unknown => {
        const seen: { asOf: unknown } = { asOf: undefined };
        const checked = checkedArgs(args, limit.getTime(), seen);
        if (checked && !state.closed) return method.apply(adapter, checked);
        const late = state.closed;
        const violation: LookaheadViolation = Object.freeze({
          ...scope,
          method: `${name}.${key}`,
          // A late read's asOf as asked (it may lie within the limit).
          asOf: describeAsOf(late && checked ? (checked.at(-1) as { asOf: unknown }).asOf : seen.asOf),
          limit: limit.toISOString(),
          ...(late ? { late: true } : {}),
        });
        // A failed call's late reads are refused, not recorded: its figures are discarded.
        if (!(late && state.failed)) violations.push(violation);
        // Rejected, not thrown: callers of a source expect a failing promise.
        return Promise.reject(
          new BacktestError('BACKTEST_LOOKAHEAD', violationText(violation), { details: [violation] }),
        );
      };
    }
    return Object.freeze(out) as T;
  }
  return {
    violations,
    view(sources, limit, scope) {
      const state = { closed: false, failed: false };
      const out: Partial<Record<keyof SceneRadarSources, object>> = {};
      for (const name of SOURCE_NAMES) {
        const adapter = sources[name];
        if (adapter) out[name] = guardAdapter(name, adapter, new Date(limit.getTime()), scope, state);
      }
      const view = Object.freeze(out) as SceneRadarSources;
      views.set(view, state);
      return view;
    },
    close(view, outcome = 'settled') {
      const state = typeof view === 'object' && view !== null ? views.get(view) : undefined;
      if (!state || state.closed) return;
      state.closed = true;
      state.failed = outcome === 'failed';
    },
  };
}

/**
 * @module bench/backtest/guard
 * Leakage guards. The sources of a backtest world answer as of any instant, so a scorer could ask
 * about the future by passing a later `asOf`. The runner hands scorers a guarded view of the
 * world instead: every source call (and `universe`) whose `asOf` lies past the limit is rejected
 * with a {@link LookaheadError}, which the runner reports as the scorer's failure.
 */
import { SOURCE_NAMES, type SceneRadarSources } from 'scene-radar';
import type { BacktestWorld } from './scorer.js';

/** A scorer asked for data past the instant it may see. */
export class LookaheadError extends Error {
  override readonly name = 'LookaheadError';
  constructor(what: string, asOf: unknown, limit: Date) {
    super(`${what} asked as of ${asOf instanceof Date ? asOf.toISOString() : String(asOf)}, past the limit ${limit.toISOString()}`);
  }
}

/** The `asOf` of a call's options argument (the last argument of every source method). */
function asOfOf(args: readonly unknown[]): unknown {
  const last = args[args.length - 1];
  return typeof last === 'object' && last !== null && 'asOf' in last ? last.asOf : undefined;
}

const allowed = (asOf: unknown, limit: Date): boolean => asOf instanceof Date && Number.isFinite(asOf.getTime()) && asOf.getTime() <= limit.getTime();

/** Own and inherited property names (class-based adapters keep their methods on the prototype). */
function propertyNames(obj: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = obj; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const k of Object.getOwnPropertyNames(o)) if (k !== 'constructor') names.add(k);
  }
  return [...names];
}

/** Wraps every method of one adapter so it rejects calls past `limit`. */
function guardAdapter<T extends object>(name: string, adapter: T, limit: Date): T {
  const source = adapter as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of propertyNames(adapter)) {
    const value = source[key];
    if (typeof value !== 'function') {
      out[key] = value;
      continue;
    }
    const method = value as (...args: unknown[]) => unknown;
    out[key] = (...args: unknown[]): unknown => {
      const asOf = asOfOf(args);
      // Rejected, not thrown: callers of a source expect a failing promise.
      if (!allowed(asOf, limit)) return Promise.reject(new LookaheadError(`${name}.${key}`, asOf, limit));
      return method.apply(adapter, args);
    };
  }
  return Object.freeze(out) as T;
}

/**
 * The sources with every call limited to `asOf <= limit`.
 * @example
 * ```ts
 * const safe = guardSources(world.sources, cutoff.asOf);
 * await safe.rcf?.getEvents(['a'], { asOf: later, from, signal }); // rejects with LookaheadError
 * ```
 */
export function guardSources(sources: SceneRadarSources, limit: Date): SceneRadarSources {
  const out: Partial<Record<keyof SceneRadarSources, object>> = {};
  for (const name of SOURCE_NAMES) {
    const adapter = sources[name];
    if (adapter) out[name] = guardAdapter(name, adapter, limit);
  }
  return Object.freeze(out) as SceneRadarSources;
}

/**
 * A view of the world whose sources and universe refuse anything past `limit`.
 * @example
 * ```ts
 * await scorer.score(guardWorld(world, cutoff.asOf), cutoff);
 * ```
 */
export function guardWorld(world: BacktestWorld, limit: Date): BacktestWorld {
  const sources = guardSources(world.sources, limit);
  return Object.freeze({
    name: world.name,
    sources,
    universe(asOf: Date): readonly string[] {
      if (!allowed(asOf, limit)) throw new LookaheadError('universe', asOf, limit);
      return world.universe(asOf);
    },
  });
}

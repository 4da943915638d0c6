/**
 * @module testing/source-kit
 * What the source suites share: their options, the adapter-surface check (reads only), the abort
 * check, and helpers that turn a misbehaving call into a {@link ContractViolation}.
 */
import type { z } from 'zod';
import type { ContractCase } from './suite.js';
import { PayloadBoundsSchema, type PayloadBounds } from '../config.js';
import { describeError } from '../core/describe-error.js';
import { ContractViolation, show } from './violation.js';

/** Options every source suite takes. */
export interface SourceSuiteOptions<A> {
  /** Creates the adapter under test (called once per case, so cases do not share state). */
  readonly create: () => A | Promise<A>;
  /** Keys that exist at `asOf` (artist slugs; workspace ids for the workspace source). */
  readonly knownKeys: readonly string[];
  /** A key the source does not know at `asOf`. @default a synthetic key no real dataset uses */
  readonly unknownKey?: string;
  /** The instant most cases ask "as of". */
  readonly asOf: Date;
  /** An earlier instant, for monotonicity (what was known then is still known at `asOf`). */
  readonly earlierAsOf: Date;
  /** Start of the window for windowed methods; at or before `earlierAsOf`. */
  readonly from: Date;
  /**
   * The sanity bounds the host gives the SDK (`config.payloads`): an item beyond them is a
   * violation, as the gateway would make it an `invalid_payload`. @default the SDK's default bounds
   */
  readonly payloads?: z.input<typeof PayloadBoundsSchema>;
}

/** The options the kit passes to every call: windowed methods read `from`, the others ignore it. */
export interface ProbeCallOptions {
  /** The instant of the question. */
  readonly asOf: Date;
  /** The call's signal. */
  readonly signal: AbortSignal;
  /** Start of the window (ignored by non-windowed methods). */
  readonly from: Date;
}

/** How the kit reaches one batch method and what it knows about its items. */
export interface BatchProbe<A, T> {
  /** `source.method`, used in case names and messages. */
  readonly contract: string;
  /** Schema every returned item must satisfy (from `BATCH_METHODS`). */
  readonly schema: z.ZodType<T>;
  /** Calls the method. */
  readonly invoke: (adapter: A, keys: readonly string[], options: ProbeCallOptions) => unknown;
  /** Keys that exist at `asOf`. */
  readonly knownKeys: (adapter: A) => Promise<readonly string[]>;
  /** A key that does not exist at `asOf`. */
  readonly unknownKey: string;
  /** Per-item rules beyond the schema (the item belongs to its key, lists are oldest first...). */
  readonly rules?: readonly ItemRule<T>[];
  /** Why an item shows knowledge from after `asOf`, if it does. */
  readonly asOfProblem?: (item: T, asOf: Date) => string | undefined;
  /** Why `later` lost something `earlier` knew, if it did; both were read with the window start `from`. */
  readonly monotoneProblem?: (earlier: T, later: T, from: Date) => string | undefined;
  /**
   * The latest instant (epoch ms) at which something in the item became known, or `undefined`
   * (nothing dated). The as-of case asks again just before it, so a source that reads past `asOf`
   * is caught even when no observation happens to lie between `asOf` and the end of its leak.
   */
  readonly knownAt?: (item: T) => number | undefined;
}

/** A per-item rule: what it requires and why an item breaks it, if it does. */
export interface ItemRule<T> {
  /** Phrased to follow "must" (`list releases oldest first`). */
  readonly requirement: string;
  /** Why the item under `key` breaks the rule, or `undefined`. */
  readonly problem: (key: string, item: T) => string | undefined;
}

/** The latest of `items`' instants (epoch ms), or `undefined` for none. */
export function latestOf<T>(items: readonly T[], time: (item: T) => number): number | undefined {
  let latest: number | undefined;
  for (const item of items) {
    const t = time(item);
    if (Number.isFinite(t) && (latest === undefined || t > latest)) latest = t;
  }
  return latest;
}

/** Validated suite timing plus the adapter factory. */
export interface SuiteEnv<A> {
  /** Creates the adapter under test. */
  readonly create: () => A | Promise<A>;
  /** See {@link SourceSuiteOptions.asOf}. */
  readonly asOf: Date;
  /** See {@link SourceSuiteOptions.earlierAsOf}. */
  readonly earlierAsOf: Date;
  /** See {@link SourceSuiteOptions.from}. */
  readonly from: Date;
  /** See {@link SourceSuiteOptions.payloads} (resolved). */
  readonly payloads: PayloadBounds;
}

/** How long an aborted call may take to reject before the case gives up on it. */
const ABORT_SETTLE_MS = 2000;

/** Checks suite options up front: a mistake here is the test author's, not the adapter's. */
export function checkSourceOptions<A>(suite: string, options: SourceSuiteOptions<A>): void {
  const valid = (d: Date): boolean => d instanceof Date && Number.isFinite(d.getTime());
  if (typeof options.create !== 'function') throw new TypeError(`${suite}: options.create must be a function`);
  if (!Array.isArray(options.knownKeys) || options.knownKeys.length === 0)
    throw new TypeError(`${suite}: options.knownKeys must list at least one key that exists at asOf`);
  if (!valid(options.asOf) || !valid(options.earlierAsOf) || !valid(options.from))
    throw new TypeError(`${suite}: asOf, earlierAsOf and from must be valid Dates`);
  if (
    !(options.from.getTime() <= options.earlierAsOf.getTime() && options.earlierAsOf.getTime() < options.asOf.getTime())
  ) {
    throw new RangeError(`${suite}: expected from <= earlierAsOf < asOf`);
  }
  if (options.unknownKey !== undefined && options.knownKeys.includes(options.unknownKey))
    throw new RangeError(`${suite}: unknownKey must not be one of knownKeys`);
  const payloads = PayloadBoundsSchema.safeParse(options.payloads ?? {});
  if (!payloads.success)
    throw new TypeError(`${suite}: options.payloads is invalid: ${payloads.error.issues[0]?.message ?? ''}`);
}

/** Builds a violation. */
export function violation(contract: string, requirement: string, observed: string, cause?: unknown): ContractViolation {
  return new ContractViolation({ contract, requirement, observed, cause });
}

/** Runs an adapter call; a throw or rejection becomes a violation of `requirement`. */
export async function attempt<T>(
  contract: string,
  requirement: string,
  fn: () => T | PromiseLike<T>,
): Promise<Awaited<T>> {
  try {
    return await fn();
  } catch (error) {
    throw violation(contract, requirement, `the call rejected with ${describeError(error)}`, error);
  }
}

/** A fresh, live signal (never aborted: the kit does not need timeouts of its own). */
export const liveSignal = (): AbortSignal => new AbortController().signal;

/**
 * Checks that a batch answer is a `Map` with string keys and copies it. A `Map` itself, as the
 * gateway requires (`instanceof Map`): a map-like object with `get` and `entries` passed here and
 * had every key refused by the SDK as `invalid_payload`.
 */
export function asBatch(contract: string, value: unknown): Map<string, unknown> {
  let isMap: boolean;
  try {
    isMap = value instanceof Map;
  } catch {
    isMap = false;
  }
  if (!isMap) throw violation(contract, 'resolve to a Map of key to item', `it resolved to ${show(value)}`);
  const out = new Map<string, unknown>();
  for (const [k, v] of (value as ReadonlyMap<unknown, unknown>).entries()) {
    if (typeof k !== 'string')
      throw violation(contract, 'key its answer by the requested string keys', `it returned the key ${show(k)}`);
    out.set(k, v);
  }
  return out;
}

/** Checks that an abortable call rejects promptly once its signal has already aborted. */
export async function expectAbortRejects(contract: string, call: (signal: AbortSignal) => unknown): Promise<void> {
  const controller = new AbortController();
  controller.abort(new Error('aborted by the scene-radar contract suite'));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    Promise.resolve()
      .then(() => call(controller.signal))
      .then(
        () => 'resolved' as const,
        () => 'rejected' as const,
      ),
    new Promise<'hung'>((resolve) => {
      timer = setTimeout(() => resolve('hung'), ABORT_SETTLE_MS);
    }),
  ]);
  clearTimeout(timer);
  if (outcome === 'resolved')
    throw violation(contract, 'reject when its signal is already aborted', 'the call resolved');
  if (outcome === 'hung')
    throw violation(
      contract,
      'reject when its signal is already aborted',
      `the call had not settled after ${ABORT_SETTLE_MS} ms`,
    );
}

/** Checks the adapter's surface: the contract's methods exist, and nothing but reads does. */
export function surfaceCase<A>(contract: string, required: readonly string[], env: SuiteEnv<A>): ContractCase {
  return {
    name: 'exposes only read methods (get*/list*) and maxBatchSize',
    async run() {
      const adapter: unknown = await attempt(contract, 'be created by options.create', env.create);
      if (typeof adapter !== 'object' || adapter === null)
        throw violation(contract, 'be an object', `create() returned ${show(adapter)}`);
      const names = new Set<string>();
      // Walk the prototype chain too: a class-based adapter keeps its methods there.
      for (
        let o: object | null = adapter;
        o !== null && o !== Object.prototype;
        o = Object.getPrototypeOf(o) as object | null
      ) {
        for (const n of Object.getOwnPropertyNames(o)) if (n !== 'constructor') names.add(n);
      }
      const record = adapter as Record<string, unknown>;
      // A property that throws when read (a getter) is the adapter's violation, not a crash of the case.
      const read = (name: string): unknown => {
        try {
          return record[name];
        } catch (error) {
          throw violation(contract, 'expose plain read methods', `reading ${name} threw: ${show(error)}`, error);
        }
      };
      for (const name of required) {
        const value = read(name);
        if (typeof value !== 'function')
          throw violation(contract, `expose ${name} as a function`, `${name} is ${show(value)}`);
      }
      for (const name of names) {
        const value = read(name);
        if (typeof value === 'function') {
          if (!/^(get|list)[A-Z0-9_]/.test(name))
            throw violation(
              contract,
              'contain read methods only (named get* or list*)',
              `it has a method named ${name}`,
            );
        } else if (name === 'maxBatchSize') {
          if (value !== undefined && !(Number.isInteger(value) && (value as number) > 0))
            throw violation(contract, 'declare maxBatchSize as a positive integer', `maxBatchSize is ${show(value)}`);
        } else {
          throw violation(
            contract,
            'have no properties besides read methods and maxBatchSize',
            `it has a property named ${name}`,
          );
        }
      }
    },
  };
}

/** Default unknown key for slug-keyed sources: a valid slug no real dataset uses. */
export const DEFAULT_UNKNOWN_SLUG = 'zz-scene-radar-contract-suite-unknown';

/** Default unknown key for UUID-keyed sources. */
export const DEFAULT_UNKNOWN_UUID = 'ffffffff-ffff-4fff-bfff-ffffffffffff';

/** Checks options and derives what the probes of one suite share. */
export function prepareSource<A>(suite: string, options: SourceSuiteOptions<A>, defaultUnknown = DEFAULT_UNKNOWN_SLUG) {
  checkSourceOptions(suite, options);
  const knownKeys = [...options.knownKeys];
  return {
    env: {
      create: options.create,
      asOf: options.asOf,
      earlierAsOf: options.earlierAsOf,
      from: options.from,
      payloads: PayloadBoundsSchema.parse(options.payloads ?? {}),
    } satisfies SuiteEnv<A>,
    knownKeys: async (): Promise<readonly string[]> => knownKeys,
    unknownKey: options.unknownKey ?? defaultUnknown,
  };
}

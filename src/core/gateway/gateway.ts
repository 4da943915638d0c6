/**
 * @module core/gateway/gateway
 * Every read of a source goes through here: split into the source's batch size, queued behind
 * the source's own concurrency limit, bounded by a per-call timeout and the caller's
 * deadline (both as AbortSignals), validated with Zod, and answered item by item. A source that
 * hangs, throws or returns garbage yields per-item outcomes; the gateway never rejects.
 */
import type { z } from 'zod';
import { DEFAULT_CONFIG, type SceneRadarConfig } from '../../config.js';
import { BATCH_METHODS, type BatchItem, type BatchMethodName } from '../../contracts/registry.js';
import { SOURCE_NAMES, type SceneRadarSources, type SourceName } from '../../contracts/sources.js';
import type { Clock } from '../clock.js';
import { clipMessage, describeError as describe } from '../describe-error.js';
import { callHook } from '../hooks.js';
import { holdProcess } from '../lifecycle.js';
import { channels, listened, type SourceCallContext, type SourceCallResult, traced } from '../observe/channels.js';
import { createSlots, type Slots } from '../limit.js';
import { declaredBatchSize } from './bounds.js';
import { createChainedDeadline, onAbort, type Deadline } from './deadline.js';
import { readItem } from './read-item.js';
import type { ItemOutcome, Provenance } from './outcome.js';
import { yieldSlice } from '../yield.js';

/** A finished source call, reported to the host's hook (no artist or scene ids in it). */
export interface SourceCallEvent {
  /** Event type, always `source_call`. */
  readonly type: 'source_call';
  /** Source slot called. */
  readonly source: SourceName;
  /** Method called (`getEngagement`, `listArtists`, ...). */
  readonly method: string;
  /** Keys in the call. */
  readonly keys: number;
  /** Time from queueing the call to its end, ms, in wall time (includes the wait for a concurrency slot). */
  readonly durationMs: number;
  /** How the call as a whole ended. */
  readonly result: 'ok' | 'timeout' | 'deadline' | 'threw' | 'invalid_payload' | 'aborted';
}

/** Options for {@link createSourceGateway}. */
export interface SourceGatewayOptions {
  /** The host's sources; any may be missing. */
  readonly sources: SceneRadarSources;
  /** Per-source concurrency and timeouts come from `config.sources`. @default DEFAULT_CONFIG */
  readonly config?: SceneRadarConfig;
  /**
   * Not used: durations are measured in wall time (`performance.now()`), whatever the radar's clock
   * (a fixed clock timed every call 0 ms). Kept so that callers passing one still compile.
   * @deprecated
   */
  readonly clock?: Clock;
  /** Receives one event per source call. */
  readonly onEvent?: (event: SourceCallEvent) => void;
}

/** Per-call options of {@link SourceGateway.batch}. */
export interface BatchCallOptions {
  /** As-of instant passed to the source. */
  readonly asOf: Date;
  /** Window start for windowed methods. @default one year before asOf */
  readonly from?: Date;
  /** Deadline shared by the whole batch (and whatever else the caller runs under it). */
  readonly deadline?: Deadline;
  /** Keys per call when the source declares no `maxBatchSize`. @default 20 */
  readonly batchSize?: number;
  /**
   * Called as each call of the batch completes, with the keys it answered (their outcomes are
   * final), so callers can start work on finished items while other calls are still in flight.
   * Errors thrown by the callback are ignored.
   */
  readonly onSettled?: (keys: readonly string[], outcomes: ReadonlyMap<string, ItemOutcome<unknown>>) => void;
  /**
   * Turns each validated value into what the caller keeps of it, as soon as it is read (internal):
   * an `ok` outcome then carries the projection instead of the payload, so a payload the caller
   * only digests (a refresh's releases, made into a sound) dies young instead of living until the
   * whole batch is in. A projection that throws makes that key's outcome an `invalid_payload`.
   * @internal
   */
  readonly project?: (value: never, key: string) => unknown;
}

/** Per-call options of {@link SourceGateway.call}. */
export interface SingleCallOptions {
  /** As-of instant passed to the source. */
  readonly asOf: Date;
  /** Deadline for the call. */
  readonly deadline?: Deadline;
}

/** The gateway the engines read sources through. */
export interface SourceGateway {
  /** True if the host configured this source. */
  has(source: SourceName): boolean;
  /** One outcome per distinct key, never a rejection. */
  batch<S extends SourceName, M extends BatchMethodName<S>>(
    source: S,
    method: M,
    keys: readonly string[],
    options: BatchCallOptions,
  ): Promise<Map<string, ItemOutcome<BatchItem<S, M>>>>;
  /** A single-key read derived from {@link SourceGateway.batch}. */
  one<S extends SourceName, M extends BatchMethodName<S>>(
    source: S,
    method: M,
    key: string,
    options: BatchCallOptions,
  ): Promise<ItemOutcome<BatchItem<S, M>>>;
  /**
   * A non-batch read (`listArtists`, `listHottestScenes`): `invoke` receives the adapter and the
   * call options; the answer is validated with `schema`.
   */
  call<S extends SourceName, T>(
    source: S,
    method: string,
    schema: z.ZodType<T>,
    invoke: (
      adapter: NonNullable<SceneRadarSources[S]>,
      options: { asOf: Date; signal: AbortSignal },
    ) => Promise<unknown>,
    options: SingleCallOptions,
  ): Promise<ItemOutcome<T>>;
  /** Aborts every call in flight; later calls answer `error` / `aborted`. */
  close(): void;
}

const YEAR_MS = 365 * 86_400_000;

/** The caller's deadline and the gateway's close, for the calls of one batch (see `outerOf`). */
interface Outer {
  /** The signals a call of the batch is cut short by: the caller's deadline's (if any), then the gateway's close. */
  readonly parents: readonly AbortSignal[];
  /** Whether one of them has aborted. */
  aborted(): boolean;
  /**
   * Whether the caller's deadline has passed, by the clock, even when its timer could not fire yet
   * (an in-process source kept the event loop busy), or the call was aborted.
   */
  expired(): boolean;
  /** How a call cut short by them ends. */
  why(): CallResult;
  /** Settlers of the batch's calls not yet finished (queued or running). */
  readonly unfinished: Set<(r: CallResult) => void>;
  /** Unsubscribes from the deadline and the close. */
  dispose(): void;
}

type CallResult =
  | { kind: 'ok'; value: unknown }
  | { kind: 'timeout'; reason: 'timeout' | 'deadline' }
  | { kind: 'error'; reason: 'threw' | 'aborted'; message: string };

/**
 * Batch methods whose keys ignore case: workspace ids are UUIDs, asked in lowercase (their
 * canonical form), and a source may key its answer by the id as it stores it (`A1B2...`).
 */
const CASE_FREE_KEYS: ReadonlySet<string> = new Set(['workspaces.getWorkspaces']);

/** An answer keyed by its keys in lowercase (the first of two keys that differ only in case wins). */
function lowercaseKeys(map: Map<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of map) {
    const key = typeof k === 'string' ? k.toLowerCase() : k;
    if (!out.has(key)) out.set(key, v);
  }
  return out;
}

/** `value instanceof Map`, false for a value on which even `instanceof` throws (a revoked Proxy). */
function isMap(value: unknown): value is Map<unknown, unknown> {
  try {
    return value instanceof Map;
  } catch {
    return false;
  }
}

/**
 * Creates the gateway over the host's sources.
 * @example
 * ```ts
 * const gateway = createSourceGateway({ sources });
 * const deadline = createDeadline(30_000);
 * const engagement = await gateway.batch('fusion', 'getEngagement', ['artist-a'], { asOf: new Date(), deadline });
 * engagement.get('artist-a')?.status; // 'ok' | 'missing' | 'timeout' | 'error' | 'absent'
 * ```
 */
export function createSourceGateway(options: SourceGatewayOptions): SourceGateway {
  const config = options.config ?? DEFAULT_CONFIG;
  const closer = new AbortController();
  const limits = new Map<SourceName, Slots>(
    SOURCE_NAMES.map((name) => [name, createSlots(config.sources[name].concurrency)]),
  );

  // A faulty host hook (one that throws, or an async one that rejects) must not break source calls.
  const emit = (event: SourceCallEvent): void => callHook(options.onEvent, event);

  /**
   * The caller's deadline and the gateway's close as one signal, shared by every call of a batch:
   * one subscription to each per batch however many calls it makes, and calls still queued cost
   * no listener at all (a batch of 200 calls used to set up 200 of everything before its first
   * call could start). When it aborts, every unfinished call of the batch is settled at once.
   */
  function outerOf(deadline: Deadline | undefined): Outer {
    const why = (): CallResult =>
      closer.signal.aborted || deadline?.reason() === 'aborted'
        ? { kind: 'error', reason: 'aborted', message: 'Call aborted by the caller' }
        : { kind: 'timeout', reason: 'deadline' };
    const unfinished = new Set<(r: CallResult) => void>();
    const parents = deadline ? [deadline.signal, closer.signal] : [closer.signal];
    // No signal of its own (Node keeps each AbortSignal through a young-generation collection):
    // the batch subscribes to its parents, and each call's timeout is chained to them directly.
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      for (const settle of unfinished) settle(why());
    };
    const unsubscribe = parents.map((parent) => onAbort(parent, end));
    return {
      parents,
      aborted: () => ended,
      expired: () => ended || (deadline !== undefined && deadline.remaining() <= 0),
      why,
      unfinished,
      dispose: () => {
        for (const off of unsubscribe) off();
      },
    };
  }

  /**
   * Runs one adapter call behind the source's limiter, bounded by its timeout and by `outer` (the
   * caller's deadline or the gateway's close, which also count while the call waits in the queue).
   * Settles on time even if the adapter ignores its signal.
   */
  function guarded(
    source: SourceName,
    outer: Outer,
    run: (signal: AbortSignal) => Promise<unknown>,
  ): Promise<CallResult> {
    if (outer.expired()) return Promise.resolve(outer.why());
    let settled = false;
    let resolve!: (r: CallResult) => void;
    const done = new Promise<CallResult>((r) => (resolve = r));
    // Queued or in flight, the call holds the process open until it settles (see holdProcess).
    const release = holdProcess();
    const settle = (r: CallResult): void => {
      if (settled) return;
      settled = true;
      outer.unfinished.delete(settle);
      release();
      resolve(r);
    };
    outer.unfinished.add(settle);
    const slots = limits.get(source)!;
    slots.enter(async () => {
      let result: CallResult | undefined;
      try {
        // Settled while queued (deadline passed, gateway closed): never call. A deadline passed
        // while the source before kept the event loop busy has not fired its timer yet: by the clock.
        if (settled) return;
        if (outer.expired()) {
          settle(outer.why());
          return;
        }
        // Settled as soon as its signal aborts (the timeout passed, or the deadline or the close).
        const timeout = createChainedDeadline(config.sources[source].timeoutMs, outer.parents, (why) =>
          settle(why === 'deadline' ? { kind: 'timeout', reason: 'timeout' } : outer.why()),
        );
        try {
          const value = await Promise.race([run(timeout.signal), done.then(() => undefined)]);
          result = { kind: 'ok', value };
        } catch (error) {
          result = timeout.signal.aborted
            ? timeout.reason() === 'deadline'
              ? { kind: 'timeout', reason: 'timeout' }
              : outer.why()
            : { kind: 'error', reason: 'threw', message: describe(error) };
        } finally {
          timeout.dispose();
        }
      } catch (error) {
        // Nothing above should throw; if it ever does, the call still ends (never a hang).
        result = { kind: 'error', reason: 'threw', message: clipMessage(`gateway: ${describe(error)}`) };
      } finally {
        // Slot first, then the answer, so the next call is on its way while this answer is
        // validated and used (core/limit.ts says why this is not p-limit).
        slots.release();
        if (result) settle(result);
      }
    });
    return done;
  }

  const provenance = (
    source: SourceName,
    method: string,
    asOf: Date,
    durationMs: number,
    batchSize: number,
  ): Provenance => ({
    source,
    method,
    asOf: asOf.toISOString(),
    durationMs,
    batchSize,
  });

  async function batch<S extends SourceName, M extends BatchMethodName<S>>(
    source: S,
    method: M,
    keys: readonly string[],
    opts: BatchCallOptions,
  ): Promise<Map<string, ItemOutcome<BatchItem<S, M>>>> {
    type T = BatchItem<S, M>;
    const unique = [...new Set(keys)];
    const out = new Map<string, ItemOutcome<T>>();
    const adapter = options.sources[source] as Record<string, unknown> | undefined;
    if (!adapter) {
      const p = provenance(source, method, opts.asOf, 0, 0);
      for (const k of unique) out.set(k, { status: 'absent', provenance: p });
      return out;
    }
    const schema = (BATCH_METHODS[source] as Record<string, z.ZodType>)[method]!;
    const whole = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 1;
    // A batch size that is not a whole number >= 1 (NaN, 0.5) would make calls without keys or none.
    const size = declaredBatchSize(adapter) ?? (whole(opts.batchSize) ? opts.batchSize : 20);
    const from = opts.from ?? new Date(opts.asOf.getTime() - YEAR_MS);
    const name = `${source}.${String(method)}`;
    const asOfMs = opts.asOf.getTime();
    const fromMs = from.getTime();
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += size) chunks.push(unique.slice(i, i + size));

    const project = opts.project;
    const outer = outerOf(opts.deadline);
    // Traced on the source-call channel when anyone listens (no context object otherwise).
    const tracing = listened(channels.sourceCall);
    const runChunk = async (chunk: string[], trace?: SourceCallContext): Promise<void> => {
      // An in-process source answers without I/O: a long refresh lets the event loop run between
      // calls (core/yield.ts), before the call is timed.
      const pause = yieldSlice();
      if (pause) await pause;
      const started = performance.now();
      const result = await guarded(source, outer, (signal) => {
        const fn = adapter[method];
        if (typeof fn !== 'function') throw new TypeError(`${source}.${method} is not a function`);
        // Each call its own Dates: a source that changes one must not move the others' instant.
        return (fn as (k: readonly string[], o: unknown) => Promise<unknown>).call(adapter, chunk, {
          asOf: new Date(asOfMs),
          from: new Date(fromMs),
          signal,
        });
      });
      // Wall time, not the radar's clock: a fixed clock (tests, backtests) would time every call 0 ms.
      const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      const p = provenance(source, method, opts.asOf, durationMs, chunk.length);
      let callResult: SourceCallEvent['result'] = result.kind === 'ok' ? 'ok' : result.reason;
      if (result.kind === 'ok' && !isMap(result.value)) {
        callResult = 'invalid_payload';
        for (const k of chunk)
          out.set(k, {
            status: 'error',
            reason: 'invalid_payload',
            message: `${source}.${method} must return a Map`,
            provenance: p,
          });
      } else if (result.kind === 'ok') {
        const map = result.value as Map<string, unknown>;
        /** The answer's keys in lowercase, for a method whose keys ignore case (built on the first miss). */
        let lower: Map<string, unknown> | undefined;
        for (const k of chunk) {
          try {
            let found = map.has(k);
            let answer: unknown;
            if (found) answer = map.get(k);
            else if (CASE_FREE_KEYS.has(name)) {
              lower ??= lowercaseKeys(map);
              found = lower.has(k);
              answer = lower.get(k);
            }
            if (!found) {
              out.set(k, { status: 'missing', provenance: p });
              continue;
            }
            const read = readItem(name, schema, answer, asOfMs, config.payloads, k, fromMs);
            out.set(
              k,
              read.ok
                ? { status: 'ok', value: (project ? project(read.value as never, k) : read.value) as T, provenance: p }
                : {
                    status: 'error',
                    reason: 'invalid_payload',
                    message: clipMessage(`${name}: ${read.problem}`),
                    provenance: p,
                  },
            );
          } catch (error) {
            // A payload that throws when read (a getter, a proxy) is bad data for that key, not a crash.
            out.set(k, {
              status: 'error',
              reason: 'invalid_payload',
              message: clipMessage(`${source}.${method}: ${describe(error)}`),
              provenance: p,
            });
          }
        }
      } else {
        for (const k of chunk) {
          out.set(
            k,
            result.kind === 'timeout'
              ? { status: 'timeout', reason: result.reason, provenance: p }
              : { status: 'error', reason: result.reason, message: result.message, provenance: p },
          );
        }
      }
      if (trace) {
        trace.outcome = callResult;
        trace.durationMs = durationMs;
      }
      emit({ type: 'source_call', source, method, keys: chunk.length, durationMs, result: callResult });
      // A caller's callback must not break the batch.
      callHook(opts.onSettled, chunk, out);
    };
    await Promise.all(
      chunks.map((chunk) => {
        if (!tracing) return runChunk(chunk);
        const trace: SourceCallContext = { source, method, keys: chunk.length };
        return traced(channels.sourceCall, trace, () => runChunk(chunk, trace));
      }),
    ).finally(outer.dispose);
    // Answer in the order asked: one call set every key in that order already.
    return chunks.length === 1 ? out : new Map(unique.map((k) => [k, out.get(k)!]));
  }

  return {
    has: (source) => options.sources[source] !== undefined,
    batch,
    async one(source, method, key, opts) {
      const result = await batch(source, method, [key], opts);
      return result.get(key)!;
    },
    async call(source, method, schema, invoke, opts) {
      const adapter = options.sources[source];
      if (!adapter) return { status: 'absent', provenance: provenance(source, method, opts.asOf, 0, 0) };
      type Out = ItemOutcome<z.infer<typeof schema>>;
      const run = async (trace?: SourceCallContext): Promise<Out> => {
        const started = performance.now();
        const outer = outerOf(opts.deadline);
        const result = await guarded(source, outer, (signal) =>
          invoke(adapter as NonNullable<SceneRadarSources[typeof source]>, {
            asOf: new Date(opts.asOf.getTime()),
            signal,
          }),
        ).finally(outer.dispose);
        const p = provenance(source, method, opts.asOf, Math.round((performance.now() - started) * 1000) / 1000, 1);
        let outcome: Out;
        if (result.kind === 'ok') {
          try {
            // The same reading as a batch key's: size first, then the schema and the bounds.
            const read = readItem(`${source}.${method}`, schema, result.value, opts.asOf.getTime(), config.payloads);
            outcome = read.ok
              ? { status: 'ok', value: read.value as z.infer<typeof schema>, provenance: p }
              : {
                  status: 'error',
                  reason: 'invalid_payload',
                  message: clipMessage(`${source}.${method}: ${read.problem}`),
                  provenance: p,
                };
          } catch (error) {
            // An answer that throws when read (a getter, a revoked proxy) is a bad payload, not a crash.
            outcome = {
              status: 'error',
              reason: 'invalid_payload',
              message: clipMessage(`${source}.${method}: ${describe(error)}`),
              provenance: p,
            };
          }
        } else if (result.kind === 'timeout') outcome = { status: 'timeout', reason: result.reason, provenance: p };
        else outcome = { status: 'error', reason: result.reason, message: result.message, provenance: p };
        const callResult: SourceCallResult =
          outcome.status === 'error' || outcome.status === 'timeout' ? outcome.reason : 'ok';
        if (trace) {
          trace.outcome = callResult;
          trace.durationMs = p.durationMs;
        }
        emit({ type: 'source_call', source, method, keys: 1, durationMs: p.durationMs, result: callResult });
        return outcome;
      };
      if (!listened(channels.sourceCall)) return run();
      const trace: SourceCallContext = { source, method, keys: 1 };
      return traced(channels.sourceCall, trace, () => run(trace));
    },
    close() {
      closer.abort(new Error('Source gateway closed'));
    },
  };
}

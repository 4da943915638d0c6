/**
 * @module otel
 * `scene-radar/otel`: the radar's diagnostics channels as OpenTelemetry spans and metrics.
 * `@opentelemetry/api` is an optional peer dependency: only a host that imports this entry needs
 * it, and the host's own SDK (providers, exporters, a collector or none) decides where the data
 * goes. Without a registered SDK the API's no-op providers make this free.
 *
 * Spans: `scene-radar.source_call` (one per source call), `scene-radar.refresh` (per engine, the
 * whole radar, and each step of an engine's refresh), `scene-radar.http` (one per API request). The
 * work an operation does is its span's children: a radar refresh holds its engines' refreshes,
 * each holds its steps, a step or a request holds the source calls it makes; the operation's own
 * parent is the context active where it starts (a host's span). Spans a host opens inside the work
 * (its own instrumentation in a source adapter) are children too when its SDK registers a context
 * manager. Metrics: `scene_radar.source.calls`,
 * `scene_radar.source.duration`, `scene_radar.refresh.duration`, `scene_radar.http.requests`,
 * `scene_radar.http.duration`, `scene_radar.cache.operations`. Attributes are bounded sets (source,
 * method, result, engine, route template, status, cache namespace): never an artist or scene id.
 * @example
 * ```ts
 * import { instrumentOpenTelemetry } from 'scene-radar/otel';
 * const telemetry = instrumentOpenTelemetry(); // the global providers your SDK registered
 * // ... later, on shutdown:
 * telemetry.close();
 * ```
 */
import {
  type Context,
  context as otelContext,
  metrics,
  type Meter,
  type MeterProvider,
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
import {
  CHANNEL_NAMES,
  type CacheOperationMessage,
  type HttpRequestContext,
  type RefreshContext,
  type SourceCallContext,
} from '../core/observe/channels.js';
import { describeError } from '../core/describe-error.js';

// Subscribed by name: a channel is one per process whoever asks for it first.
const channels = {
  sourceCall: diagnostics.tracingChannel<unknown, SourceCallContext>(CHANNEL_NAMES.sourceCall),
  refresh: diagnostics.tracingChannel<unknown, RefreshContext>(CHANNEL_NAMES.refresh),
  http: diagnostics.tracingChannel<unknown, HttpRequestContext>(CHANNEL_NAMES.http),
  cache: diagnostics.channel(CHANNEL_NAMES.cache),
};

export { CHANNEL_NAMES };
export type {
  CacheOperationMessage,
  HttpRequestContext,
  ProgressMessage,
  RefreshContext,
  SourceCallContext,
  SourceCallResult,
} from '../core/observe/channels.js';

/** Options of {@link instrumentOpenTelemetry}. */
export interface OpenTelemetryOptions {
  /** Where spans go. @default the global tracer provider (`trace.getTracerProvider()`) */
  readonly tracerProvider?: TracerProvider;
  /** Where metrics go. @default the global meter provider (`metrics.getMeterProvider()`) */
  readonly meterProvider?: MeterProvider;
}

/**
 * A running bridge from the radar's channels to OpenTelemetry. There is one per process: a later
 * {@link instrumentOpenTelemetry} call closes it and returns its replacement.
 */
export interface OpenTelemetryBridge {
  /**
   * Stops recording: no span opens after it and no metric is counted for new work; the spans of
   * work already in flight still end (the channels stay subscribed until the last of them does,
   * then are released). Idempotent, and a no-op on a bridge a later call already replaced.
   */
  close(): void;
}

/** Instrumentation scope name of the spans and metrics. */
export const INSTRUMENTATION_NAME = 'scene-radar';

type Handlers<C> = {
  start: (context: C) => void;
  end: (context: C) => void;
  asyncStart: (context: C) => void;
  asyncEnd: (context: C) => void;
  error: (context: C & { error?: unknown }) => void;
};

/** Runs `fn`, ignoring what it throws: one instrument that throws loses its own data point only. */
function contained(fn: () => void): void {
  try {
    fn();
  } catch {
    // Telemetry is best effort.
  }
}

/**
 * `fn` made safe to subscribe: Node rethrows what a channel subscriber throws as an uncaught
 * exception, which ends the host. A tracer, meter or exporter that throws (a broken or shut-down
 * SDK) loses that span or data point, never the process or the radar's answer.
 */
function guarded<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      fn(...args);
    } catch {
      // Telemetry is best effort.
    }
  };
}

/** A bridge's life, shared by its span handlers: once `closing`, no span opens, and `idle` runs when the last open one ends. */
interface BridgeLife {
  closing: boolean;
  /** Spans opened and not yet ended, over every channel. */
  open: number;
  idle: () => void;
}

/**
 * Runs `fn` once with `ctx` as OpenTelemetry's active context, and answers what `fn` answers. A
 * context manager that misbehaves (a broken SDK) loses the parenting of the host's own spans,
 * never the work: when it throws before running `fn`, or never runs it, `fn` runs as it is; when
 * it throws after, `fn`'s own value or error stands (else the work's promise would be dropped,
 * and its rejection left unhandled); when it runs the callback more than once, `fn` runs once and
 * each later call gets its first value or error.
 */
function withActive<R>(ctx: Context, fn: () => R): R {
  let state: 'not run' | 'returned' | 'threw' = 'not run';
  let value: R | undefined;
  let thrown: unknown;
  const run = (): R => {
    // A manager that calls back twice (or more) gets the first outcome again: the work runs once.
    if (state === 'returned') return value as R;
    if (state === 'threw') throw thrown;
    try {
      value = fn();
      state = 'returned';
      return value;
    } catch (error) {
      thrown = error;
      state = 'threw';
      throw error;
    }
  };
  try {
    otelContext.with(ctx, run);
  } catch {
    // The manager's own error: what `fn` did (or running it now) is the answer.
  }
  if (state === 'not run') return fn();
  if (state === 'threw') throw thrown;
  return value as R;
}

/** Where {@link SpanScope.live} is kept, on `globalThis`. */
const SCOPES = Symbol.for('scene-radar.otel.scopes');

type ScopesSlot = { [SCOPES]?: Set<SpanScope> };

/** The process's set of live scopes, made by whichever build of this entry loads first. */
function liveScopes(): Set<SpanScope> {
  const slot = globalThis as ScopesSlot;
  const live = slot[SCOPES] ?? new Set<SpanScope>();
  slot[SCOPES] = live;
  return live;
}

/**
 * The context the work of a spanned operation (a refresh, one of its steps, a request, a source
 * call) runs in: the OpenTelemetry context holding the operation's span. Bound to each tracing
 * channel's `start` (`bindStore`), so Node runs the traced work, and every continuation of it,
 * inside that context: the spans of work done there (steps, source calls) are its children, and
 * two operations in flight at once each keep their own (the channels carry no run id: the async
 * context is what tells them apart). `run` also makes it OpenTelemetry's active context
 * (`context.with`), so spans the host opens inside (its own instrumentation in a source adapter)
 * are children as well. Kept in this store too because without a registered context manager
 * (the API's no-op one) `context.active()` is always the root: the bridge's spans still nest.
 */
class SpanScope extends AsyncLocalStorage<Context> {
  /**
   * The scopes of every bridge in the process whose spans may still be open (on `globalThis`, as
   * the running bridge is, so that the ESM and the CJS build share it): a bridge that replaced
   * another finds there the span of work the replaced one started, and nests under it.
   */
  static readonly live: Set<SpanScope> = liveScopes();

  override run<R, A extends unknown[]>(store: Context | undefined, callback: (...args: A) => R, ...args: A): R {
    // No span opened (the bridge closing, a tracer that threw): the work keeps its parent's context.
    if (store === undefined) return callback(...args);
    return super.run(store, () => withActive(store, () => callback(...args)));
  }

  /**
   * The parent of a span opening now: the active OpenTelemetry context when it holds a span (a
   * working context manager: the innermost span, the bridge's or the host's own), else the
   * bridge's span whose work this is, else the active context (no parent, or the host's).
   */
  parent(): Context {
    let active: Context;
    try {
      active = otelContext.active();
    } catch {
      // A context manager that throws: the bridge's spans still nest, through this store.
      return this.#store() ?? ROOT_CONTEXT;
    }
    if (trace.getSpan(active) !== undefined) return active;
    return this.#store() ?? active;
  }

  /** This bridge's store, else that of a bridge it replaced whose work this still is. */
  #store(): Context | undefined {
    const own = this.getStore();
    if (own !== undefined) return own;
    for (const scope of SpanScope.live) {
      if (scope === this) continue;
      const other = scope.getStore();
      if (other !== undefined) return other;
    }
    return undefined;
  }
}

/**
 * Tracing-channel handlers that open a span when the work starts, as a child of the span whose
 * work starts it, and close it when the work settles. `bind` is the `start` channel's store
 * transform: it opens the span before Node runs the work and returns the context to run it in.
 */
function spanHandlers<C extends object>(
  open: (context: C, parent: Context) => Span,
  close: { readonly metrics: (context: C) => void; readonly annotate: (span: Span, context: C) => void },
  life: BridgeLife,
  scope: SpanScope,
): Handlers<C> & { bind: (context: C) => Context | undefined } {
  const spans = new WeakMap<object, Span>();
  const begin = (context: C): Context | undefined => {
    if (life.closing || spans.has(context)) return undefined;
    const parent = scope.parent();
    let given: Span | undefined;
    try {
      given = open(context, parent);
    } catch {
      // A tracer whose startSpan throws: as one that answers no span (below).
    }
    // A broken tracer that answers no span (or one without `end`), or throws: a non-recording
    // span stands in, so the work is still counted down at its end (close() releases the
    // channels) and its metrics are still recorded; the span itself is lost, as the docs say.
    const span =
      typeof given === 'object' && given !== null && typeof given.end === 'function'
        ? given
        : trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    spans.set(context, span);
    life.open++;
    return trace.setSpan(parent, span);
  };
  const finish = (context: C): void => {
    const span = spans.get(context);
    if (!span) return;
    spans.delete(context);
    // The metrics first, then the span's attributes, each on its own: a span that throws loses
    // its attributes, not the operation's counters and histograms.
    try {
      close.metrics(context);
    } catch {
      // Telemetry is best effort.
    }
    try {
      close.annotate(span, context);
    } finally {
      // Counted down even when end() throws (a shut-down SDK): else close() never unsubscribes.
      try {
        span.end();
      } finally {
        life.open--;
        if (life.closing && life.open === 0) life.idle();
      }
    }
  };
  return {
    bind: (context: C) => {
      // Node reports what a store transform throws as an uncaught exception: never let it.
      try {
        return begin(context);
      } catch {
        return undefined;
      }
    },
    // Opened already by `bind`, unless the start was published without running the stores.
    start: guarded((context: C) => {
      begin(context);
    }),
    // `end` after `error` with no promise: the work threw before it returned one, and no
    // `asyncEnd` follows: the span ends here, not never.
    end: guarded((context: C & { error?: unknown }) => {
      if ('error' in context) finish(context);
    }),
    asyncStart: () => undefined,
    error: guarded((context: C & { error?: unknown }) => {
      const span = spans.get(context);
      if (!span) return;
      const error = context.error;
      // describeError never throws (String() of a null-prototype object does).
      span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error, { name: false }) });
      if (error instanceof Error) span.recordException(error);
    }),
    asyncEnd: guarded(finish),
  };
}

/**
 * Where the running bridge is kept: on `globalThis` under a registered symbol, not in a module
 * variable, because the channels are one per process and so must the bridge be, even when the ESM
 * and the CJS build of this entry are both loaded.
 */
const RUNNING = Symbol.for('scene-radar.otel.bridge');

type BridgeSlot = { [RUNNING]?: OpenTelemetryBridge };

/**
 * Subscribes to the radar's diagnostics channels and records spans and metrics through
 * OpenTelemetry, for every radar in the process; `close()` stops it.
 *
 * One bridge runs per process: a second call replaces the first rather than adding to it (which
 * would record every span and data point twice). It closes the running bridge, as that bridge's
 * `close()` would (its spans in flight still end and are recorded once, by it), and returns a new
 * bridge recording through the new call's providers; the replaced bridge's `close()` is then a
 * no-op. Calling it again with other providers is how to move the telemetry to them.
 * @param options - The providers to record through; the global ones by default.
 * @returns The running bridge.
 * @example
 * ```ts
 * const telemetry = instrumentOpenTelemetry({ tracerProvider, meterProvider });
 * instrumentOpenTelemetry({ tracerProvider, meterProvider }); // replaces it: still one of each span
 * telemetry.close(); // no-op: it was replaced
 * ```
 */
export function instrumentOpenTelemetry(options: OpenTelemetryOptions = {}): OpenTelemetryBridge {
  const tracer: Tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME);
  const meter: Meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_NAME);
  const sourceCalls = meter.createCounter('scene_radar.source.calls', {
    description: 'Source calls (one per batch chunk or single call), by source, method and result',
  });
  const sourceDuration = meter.createHistogram('scene_radar.source.duration', {
    description: 'Source call latency, from queueing to the end',
    unit: 'ms',
  });
  const refreshDuration = meter.createHistogram('scene_radar.refresh.duration', {
    description: 'Refresh wall time, by engine (radar, scenes, talent)',
    unit: 'ms',
  });
  const httpRequests = meter.createCounter('scene_radar.http.requests', {
    description: 'API requests answered, by method, route template, status and envelope error code',
  });
  const httpDuration = meter.createHistogram('scene_radar.http.duration', {
    description: 'Time to answer an API request',
    unit: 'ms',
  });
  const cacheOperations = meter.createCounter('scene_radar.cache.operations', {
    description: 'Cache operations by namespace and outcome (hit, miss, stale, fallback, set, evict, error)',
  });

  // Unsubscribing at close() would leave the spans of work in flight open forever: the channels
  // stay subscribed (opening nothing) until the last of them ends.
  const life: BridgeLife = { closing: false, open: 0, idle: () => undefined };
  const scope = new SpanScope();
  const source = spanHandlers<SourceCallContext>(
    (c, parent) =>
      tracer.startSpan(
        'scene-radar.source_call',
        {
          kind: SpanKind.CLIENT,
          attributes: { 'scene_radar.source': c.source, 'scene_radar.method': c.method, 'scene_radar.keys': c.keys },
        },
        parent,
      ),
    {
      metrics: (c) => {
        const attributes = {
          'scene_radar.source': c.source,
          'scene_radar.method': c.method,
          'scene_radar.result': c.outcome ?? 'threw',
        };
        contained(() => sourceCalls.add(1, attributes));
        if (c.durationMs !== undefined) contained(() => sourceDuration.record(c.durationMs!, attributes));
      },
      annotate: (span, c) => {
        const result = c.outcome ?? 'threw';
        span.setAttribute('scene_radar.result', result);
        if (result !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: result });
      },
    },
    life,
    scope,
  );
  const refresh = spanHandlers<RefreshContext & { error?: unknown }>(
    (c, parent) =>
      tracer.startSpan(
        'scene-radar.refresh',
        { attributes: { 'scene_radar.engine': c.engine, 'scene_radar.phase': c.phase, 'scene_radar.as_of': c.asOf } },
        parent,
      ),
    {
      metrics: (c) => {
        // The channel sets `error` on a rejection, whatever the value (undefined too).
        const result = Object.hasOwn(c, 'error') ? 'error' : 'ok';
        if (c.durationMs !== undefined)
          refreshDuration.record(c.durationMs, {
            'scene_radar.engine': c.engine,
            'scene_radar.phase': c.phase,
            'scene_radar.result': result,
          });
      },
      annotate: (span, c) => {
        if (c.artists !== undefined) span.setAttribute('scene_radar.artists', c.artists);
      },
    },
    life,
    scope,
  );
  const http = spanHandlers<HttpRequestContext>(
    (c, parent) =>
      tracer.startSpan(
        'scene-radar.http',
        { kind: SpanKind.INTERNAL, attributes: { 'http.request.method': c.method, 'http.route': c.route } },
        parent,
      ),
    {
      metrics: (c) => {
        const attributes = {
          'http.request.method': c.method,
          'http.route': c.route,
          'http.response.status_code': c.status ?? 0,
        };
        // The error code only on the counter: answers by code without multiplying histogram series.
        contained(() =>
          httpRequests.add(1, c.code === undefined ? attributes : { ...attributes, 'scene_radar.error_code': c.code }),
        );
        if (c.durationMs !== undefined) contained(() => httpDuration.record(c.durationMs!, attributes));
      },
      annotate: (span, c) => {
        span.setAttribute('http.route', c.route);
        if (c.status !== undefined) span.setAttribute('http.response.status_code', c.status);
        if (c.code !== undefined) span.setAttribute('scene_radar.error_code', c.code);
        if (c.status !== undefined && c.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: c.code });
      },
    },
    life,
    scope,
  );
  const onCache = guarded((message: unknown): void => {
    const m = message as CacheOperationMessage;
    cacheOperations.add(1, { 'scene_radar.cache.namespace': m.namespace, 'scene_radar.cache.op': m.op });
  });

  const traced = [
    [channels.sourceCall, source],
    [channels.refresh, refresh],
    [channels.http, http],
  ] as const;
  const unsubscribeSpans = (): void => {
    for (const [channel, handlers] of traced) {
      channel.unsubscribe(handlers as never);
      channel.start.unbindStore?.(scope);
    }
    // Node keeps an AsyncLocalStorage that ever ran, and its hook on every async resource the
    // process creates, until it is disabled: else each closed bridge stays alive and slows the
    // process down for good.
    SpanScope.live.delete(scope);
    scope.disable();
  };
  const slot = globalThis as BridgeSlot;
  const bridge: OpenTelemetryBridge = {
    close() {
      if (life.closing) return;
      life.closing = true;
      if (slot[RUNNING] === bridge) delete slot[RUNNING];
      channels.cache.unsubscribe(onCache);
      if (life.open === 0) unsubscribeSpans();
      else life.idle = unsubscribeSpans;
    },
  };
  // Replaced only once the new bridge is built: providers that throw leave the running one alone.
  // Work already in flight was started under the old bridge, which ends it; the new one never
  // saw its start, so counts it nowhere.
  slot[RUNNING]?.close();
  slot[RUNNING] = bridge;
  SpanScope.live.add(scope);
  for (const [channel, handlers] of traced) {
    // Where Node has no bindStore, spans still open (at `start`), only without nesting.
    channel.start.bindStore?.(scope, handlers.bind as never);
    channel.subscribe(handlers as never);
  }
  channels.cache.subscribe(onCache);
  return bridge;
}

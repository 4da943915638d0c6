/**
 * @module core/observe/channels
 * The radar's diagnostics channels (`node:diagnostics_channel`), the one place their names and
 * payloads are defined. Publishing costs nothing when nobody subscribes (each publisher checks
 * first), so they are always on. Payloads never carry artist or scene ids: every string in them
 * is a bounded set (a source name, a method, an outcome, a phase, a route template), safe as a
 * metric label. `scene-radar/otel` turns them into OpenTelemetry spans and metrics; a host can
 * subscribe directly (docs/observability.md).
 *
 * The module is loaded through `process.getBuiltinModule` (Node >= 20.16, Deno, Bun), not imported:
 * the core stays free of Node imports and runs where there is none (every channel is then
 * absent and nothing is published).
 *
 * Tracing channels publish `start`, then `asyncStart` and `asyncEnd` when the traced work settles
 * (`error` first if it rejects); the fields marked "at the end" are filled in by then. Node sets
 * the context's own `result` (the settled value) and `error` fields; ours never use those names.
 */
import type diagnostics from 'node:diagnostics_channel';
import type { SourceName } from '../../contracts/sources.js';

/** The channel names, documented in docs/observability.md. */
export const CHANNEL_NAMES = {
  /** Tracing channel: one source call (one batch chunk, or one single call). {@link SourceCallContext} */
  sourceCall: 'scene-radar:source-call',
  /** Tracing channel: one refresh, or one phase of it. {@link RefreshContext} */
  refresh: 'scene-radar:refresh',
  /** Tracing channel: one HTTP request through the API kit. {@link HttpRequestContext} */
  http: 'scene-radar:http',
  /** Channel: cache operations. {@link CacheOperationMessage} */
  cache: 'scene-radar:cache',
  /** Channel: progress of long work. {@link ProgressMessage} */
  progress: 'scene-radar:progress',
} as const;

/** How a source call ended (the gateway's `SourceCallEvent.result`). */
export type SourceCallResult = 'ok' | 'timeout' | 'deadline' | 'threw' | 'invalid_payload' | 'aborted';

/** The context object of {@link CHANNEL_NAMES.sourceCall}. */
export interface SourceCallContext {
  /** The source called. */
  readonly source: SourceName;
  /** The method called (`getEngagement`, `listArtists`, ...). */
  readonly method: string;
  /** Keys in the call (a count, never the keys). */
  readonly keys: number;
  /**
   * How the call ended; set at the end. (Not `result`: a tracing channel sets its context's
   * `result` to the traced promise's value.)
   */
  outcome?: SourceCallResult;
  /** From queueing to the end, ms (includes the wait for a concurrency slot); set at the end. */
  durationMs?: number;
}

/** The context object of {@link CHANNEL_NAMES.refresh}. */
export interface RefreshContext {
  /** What is refreshing: the whole radar, the Scenes Engine or the Talent Radar. */
  readonly engine: 'radar' | 'scenes' | 'talent';
  /** The phase: `all` for a whole refresh, otherwise a step of it. */
  readonly phase: string;
  /** The instant refreshed as of, ISO 8601. */
  readonly asOf: string;
  /** Wall time of the refresh or phase, ms; set at the end. */
  durationMs?: number;
  /** Artists walked, when the phase knows; set at the end. */
  artists?: number;
}

/** The context object of {@link CHANNEL_NAMES.http}, published by every handler `createFetchHandler` makes. */
export interface HttpRequestContext {
  /** The HTTP method; `_OTHER` for one outside the standard nine (a client chooses it). */
  readonly method: string;
  /**
   * The route template under the handler's base path (`/api/scenes/:slug`, `/api/health`), or
   * `unmatched` (an unknown path, or one refused before routing): never the path with its ids.
   */
  route: string;
  /** The status answered; set at the end. */
  status?: number;
  /** The envelope's error code when the answer is an error (absent otherwise); set at the end. */
  code?: string;
  /** Time to the answer, ms; set at the end. */
  durationMs?: number;
}

/** A message of {@link CHANNEL_NAMES.cache}. */
export interface CacheOperationMessage {
  /** The cache's namespace (`scenes`, `talent`, ...): a kind of result, never a key (empty for a cache made without one). */
  readonly namespace: string;
  /**
   * What happened: `hit` (served fresh), `miss` (computed or joined a computation), `stale`
   * (served within grace while a refresh runs), `fallback` (a last good value served after a
   * failed computation), `set` (an entry stored), `evict` (the default store dropped an entry to
   * stay bounded), `error` (a computation failed, or the store threw).
   */
  readonly op: 'hit' | 'miss' | 'stale' | 'fallback' | 'set' | 'evict' | 'error';
}

/** A message of {@link CHANNEL_NAMES.progress}. */
export interface ProgressMessage {
  /** The long work: `refresh`, `backfill`, `calibrate`, `backtest`, `import` (a tabular import of files or streams). */
  readonly task: string;
  /** The step within it (`scenes.memberships`, `talent.features`, `days`, `fit`, a scorer's name, ...). */
  readonly phase: string;
  /** Items done in this phase. */
  readonly done: number;
  /** Items in this phase. */
  readonly total: number;
  /** Items per second so far in this phase. */
  readonly rate: number;
  /** Estimated time left in this phase, ms; null until a rate is known. */
  readonly etaMs: number | null;
}

type DiagnosticsChannel = typeof diagnostics;

/** `node:diagnostics_channel` where the runtime offers it without an import, else undefined. */
const dc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.(
  'node:diagnostics_channel',
) as DiagnosticsChannel | undefined;

/** The radar's tracing channels and channels (each undefined where the runtime has none). */
export const channels = {
  sourceCall: dc?.tracingChannel<unknown, SourceCallContext>(CHANNEL_NAMES.sourceCall),
  refresh: dc?.tracingChannel<unknown, RefreshContext>(CHANNEL_NAMES.refresh),
  http: dc?.tracingChannel<unknown, HttpRequestContext>(CHANNEL_NAMES.http),
  cache: dc?.channel(CHANNEL_NAMES.cache),
  progress: dc?.channel(CHANNEL_NAMES.progress),
};

/** Whether anyone listens on a tracing channel (its own flag where Node has it, else its `start`). */
export function listened<C extends object>(
  channel: diagnostics.TracingChannel<unknown, C> | undefined,
): channel is diagnostics.TracingChannel<unknown, C> {
  if (channel === undefined) return false;
  const flag = (channel as { hasSubscribers?: boolean }).hasSubscribers;
  return flag ?? channel.start.hasSubscribers;
}

/**
 * Runs `work` traced on `channel` with `context` when anyone listens, else just runs it. `work`
 * fills the context's end fields before it settles; subscribers never see its value.
 */
export function traced<C extends object, T>(
  channel: diagnostics.TracingChannel<unknown, C> | undefined,
  context: C,
  work: () => Promise<T>,
): Promise<T> {
  if (!listened(channel)) return work();
  // The traced promise resolves to nothing: Node would copy its value into the context's
  // `result`, and a result (a report, an outcome) holds ids subscribers must not see.
  let value!: T;
  return channel
    .tracePromise(async () => {
      value = await work();
    }, context)
    .then(() => value);
}

/** Publishes `message` on `channel` if there is one and anyone listens. */
export function publish(
  channel: diagnostics.Channel | undefined,
  message: CacheOperationMessage | ProgressMessage,
): void {
  if (channel?.hasSubscribers) channel.publish(message);
}

/**
 * @module core/observe/logger
 * The radar's `logger` option: any pino-compatible logger (pino itself, or an object with
 * `info`, `warn` and `error` taking `(object, message)`). The radar logs `info` for the phases of
 * its work (a refresh started and finished, with durations), `warn` for degradation (a source
 * failing, a stale value served, a refresh that kept previous data) and `error` for failures (a
 * refresh that threw). Silent by default. A logger that throws, or returns a promise that
 * rejects, never breaks the work it describes.
 */

/**
 * A pino-compatible logger: pino's `Logger` fits as it is, and so does any object with these
 * methods. Each record is one object (bounded fields: engine, phase, durations, counts, a source
 * name; an error under `err`) and a message.
 * @example
 * ```ts
 * import pino from 'pino';
 * const radar = createSceneRadar({ sources, logger: pino({ level: 'info' }) });
 * // or any object with the same shape:
 * const radar2 = createSceneRadar({ sources, logger: { info: (o, m) => console.log(m, o), warn: console.warn, error: console.error } });
 * ```
 */
export interface SceneRadarLogger {
  /** Phases of the work: a refresh started, finished (with its duration), a backfill done. */
  info(obj: Record<string, unknown>, msg?: string): void;
  /** Degradation: a source failing, a stale value served, previous data kept. */
  warn(obj: Record<string, unknown>, msg?: string): void;
  /** Failures: a refresh, backfill or calibration that threw. */
  error(obj: Record<string, unknown>, msg?: string): void;
  /**
   * Optional: a logger whose records carry `bindings`. When present the radar logs through
   * `child({ component: 'scene-radar' })`.
   */
  child?(bindings: Record<string, unknown>): SceneRadarLogger;
}

/** The levels the radar logs at. */
export type LogLevel = 'info' | 'warn' | 'error';

/** A logger that never throws (internal): the host's, guarded, or nothing. */
export interface SafeLogger {
  /** False when no logger was given (callers may skip building a record). */
  readonly enabled: boolean;
  /** Logs `obj` and `msg` at `level`; never throws. */
  log(level: LogLevel, obj: Record<string, unknown>, msg: string): void;
}

const SILENT: SafeLogger = { enabled: false, log() {} };

/**
 * Guards the host's `logger` (undefined for silence): every call is wrapped so that a throw, or
 * the rejection of a returned promise, is swallowed.
 */
export function safeLogger(logger: SceneRadarLogger | undefined): SafeLogger {
  if (logger === undefined || logger === null || typeof logger !== 'object') return SILENT;
  let target: SceneRadarLogger = logger;
  try {
    // Read inside the try: a `child` getter that throws is a logger without children.
    if (typeof logger.child === 'function') {
      const child = logger.child({ component: 'scene-radar' });
      if (child && typeof child === 'object') target = child;
    }
  } catch {
    // A child that cannot be made: log through the logger itself.
  }
  return {
    enabled: true,
    log(level, obj, msg) {
      try {
        const method = target[level];
        if (typeof method !== 'function') return;
        const result: unknown = method.call(target, obj, msg);
        if (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function')
          (result as PromiseLike<unknown>).then(undefined, () => undefined);
      } catch {
        // A faulty logger must not break the radar.
      }
    },
  };
}

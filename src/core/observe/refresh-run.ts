/**
 * @module core/observe/refresh-run
 * What the radar tells about a refresh while it runs (internal): each step (`memberships`,
 * `features`, ...) traced on the `scene-radar:refresh` channel with its duration, counted for
 * `radar.stats()`, reported as progress, and the whole refresh logged when it ends. The engines
 * run their steps through a {@link RefreshRun}; {@link RadarObserver} is what the radar gives them.
 */
import { dateTime } from '../validation.js';
import { channels, traced, type RefreshContext } from './channels.js';
import { safeLogger, type SafeLogger } from './logger.js';
import { ProgressTracker, type PhaseProgress, type ProgressCallback } from './progress.js';

/** What the radar hands its engines to observe them with (internal). */
export interface RadarObserver {
  /** The host's logger, guarded (silent when none was given). */
  readonly logger: SafeLogger;
  /** The radar's `onProgress` (every long call's progress). */
  readonly onProgress?: ProgressCallback | undefined;
  /** Records the duration of one step of a refresh (for `radar.stats().refresh`). */
  readonly phaseDone?: ((engine: string, phase: string, ms: number, ok: boolean) => void) | undefined;
}

/** An observer that observes nothing: engines built by hand, tests. */
export const SILENT_OBSERVER: RadarObserver = { logger: safeLogger(undefined) };

/** The instant of a refresh as the channel shows it: ISO, or `invalid`. */
export function asOfText(at: Date): string {
  // Read through Date.prototype, guarded: a Proxy of a Date or a revoked Proxy is `invalid`, and
  // the engine's own check then refuses it with its code (the context must not throw first).
  const ms = dateTime(at);
  return Number.isNaN(ms) ? 'invalid' : new Date(ms).toISOString();
}

/** What a step's work may say about itself. */
export interface PhaseScope {
  /** Sets the artists the step handled (on the channel's context and in the log). */
  artists(n: number): void;
  /** Starts the step's progress as `total` items (a counted step); call once, when the total is known. */
  count(total: number): PhaseProgress;
}

/** One refresh of one engine, observed (internal). */
export class RefreshRun {
  /** The refresh's progress (task `refresh`; phases `<engine>.<step>`). */
  readonly progress: ProgressTracker;
  /** Each step's wall time so far, ms, by step. */
  readonly phases: Record<string, number> = {};
  readonly #observer: RadarObserver;
  readonly #engine: 'scenes' | 'talent';
  readonly #asOf: string;
  readonly #started = globalThis.performance.now();

  /**
   * @param observer - The radar's logger, progress callback and step counters.
   * @param engine - The engine refreshing.
   * @param at - The instant it refreshes as of.
   * @param onProgress - The call's own progress callback, besides the radar's.
   */
  constructor(observer: RadarObserver, engine: 'scenes' | 'talent', at: Date, onProgress?: ProgressCallback) {
    this.#observer = observer;
    this.#engine = engine;
    this.#asOf = asOfText(at);
    this.progress = new ProgressTracker('refresh', { callbacks: [observer.onProgress, onProgress] });
  }

  /** The logger. */
  get logger(): SafeLogger {
    return this.#observer.logger;
  }

  /**
   * Runs one step: traced on the refresh channel as `{ engine, phase, asOf }` (with `durationMs`
   * and `artists` at the end), timed for stats, and reported as progress: a `counted` step
   * reports its items once it calls `scope.count(total)`, any other one step of total 1.
   */
  async phase<T>(name: string, work: (scope: PhaseScope) => Promise<T>, counted = false): Promise<T> {
    const context: RefreshContext = { engine: this.#engine, phase: name, asOf: this.#asOf };
    const started = globalThis.performance.now();
    const progressName = `${this.#engine}.${name}`;
    let counter: PhaseProgress | undefined = counted ? undefined : this.progress.phase(progressName, 1);
    let artists: number | undefined;
    const scope: PhaseScope = {
      artists: (n) => {
        artists = n;
      },
      count: (total) => {
        counter ??= this.progress.phase(progressName, total);
        return counter;
      },
    };
    return traced(channels.refresh, context, async () => {
      let ok = false;
      try {
        const value = await work(scope);
        ok = true;
        // Every step ends at its total (a counted step that never knew one ends at 0 of 0).
        (counter ?? this.progress.phase(progressName, 0)).finish();
        return value;
      } finally {
        const ms = globalThis.performance.now() - started;
        context.durationMs = ms;
        if (artists !== undefined) context.artists = artists;
        this.phases[name] = Math.round((this.phases[name] ?? 0) + ms);
        try {
          this.#observer.phaseDone?.(this.#engine, name, ms, ok);
        } catch {
          // Counting must not break the refresh.
        }
      }
    });
  }

  /** Logs the refresh's end: `info` with its duration and steps, plus `fields`. */
  finished(fields: Record<string, unknown>): void {
    const logger = this.#observer.logger;
    if (!logger.enabled) return;
    logger.log(
      'info',
      {
        engine: this.#engine,
        asOf: this.#asOf,
        durationMs: Math.round(globalThis.performance.now() - this.#started),
        phases: { ...this.phases },
        ...fields,
      },
      `${this.#engine === 'scenes' ? 'Scenes Engine' : 'Talent Radar'} refresh finished`,
    );
  }

  /** Logs a degradation of this refresh at `warn`. */
  degraded(fields: Record<string, unknown>, msg: string): void {
    this.#observer.logger.log('warn', { engine: this.#engine, asOf: this.#asOf, ...fields }, msg);
  }

  /** Logs the refresh's failure at `error`. */
  failed(error: unknown): void {
    this.#observer.logger.log(
      'error',
      {
        engine: this.#engine,
        asOf: this.#asOf,
        durationMs: Math.round(globalThis.performance.now() - this.#started),
        phases: { ...this.phases },
        err: error,
      },
      `${this.#engine === 'scenes' ? 'Scenes Engine' : 'Talent Radar'} refresh failed`,
    );
  }
}

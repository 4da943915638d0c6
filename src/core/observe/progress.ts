/**
 * @module core/observe/progress
 * Progress of long work (a refresh, a trend backfill, a calibration, a backtest, a tabular import) as
 * {@link ProgressMessage}s: to the host's `onProgress` callbacks and, when anyone subscribes, on
 * the `scene-radar:progress` diagnostics channel. Within a phase `done` never goes down and the
 * last message has `done === total`; messages are throttled (the first of a phase, then at most
 * one per interval, and always the last), so a refresh of 100,000 artists sends a few dozen, not
 * one per artist. Messages carry counts and bounded names only, never an artist or scene id.
 */
import { callHook } from '../hooks.js';
import { channels, publish, type ProgressMessage } from './channels.js';

export type { ProgressMessage } from './channels.js';

/** Receives progress of long work; see {@link ProgressOptions}. */
export type ProgressCallback = (progress: ProgressMessage) => void;

/** The `onProgress` option of the radar's long calls (refresh, backfill, calibrate, backtest). */
export interface ProgressOptions {
  /**
   * Receives the progress of this call: `{ task, phase, done, total, rate, etaMs }`, the first
   * message of each phase with `done` 0, then at most one every 250 ms, and always the last, with
   * `done === total`. `done` never goes down within a phase. Called synchronously from the work:
   * keep it cheap. A callback that throws (or rejects) is ignored. It is called in addition to
   * the radar's own `onProgress` (`createSceneRadar({ onProgress })`), which sees every call.
   * @default none
   */
  readonly onProgress?: ProgressCallback;
}

/** The least time between two messages of one phase, but the first and the last. */
export const PROGRESS_INTERVAL_MS = 250;

/** One phase's counter, from {@link ProgressTracker.phase}. */
export interface PhaseProgress {
  /** Adds `n` items done (default 1); never past the total. */
  advance(n?: number): void;
  /** Sets the items done (ignored when below what was already reported). */
  set(done: number): void;
  /** Marks the phase complete: sends the last message (`done === total`) unless it was sent. */
  finish(): void;
}

const NOOP_PHASE: PhaseProgress = { advance() {}, set() {}, finish() {} };

/** Where a tracker sends its messages, and its clock (tests drive both). */
export interface ProgressTrackerOptions {
  /** Callbacks to call with every message (undefined entries are skipped). */
  readonly callbacks?: readonly (ProgressCallback | undefined)[];
  /** Milliseconds now (monotonic). @default performance.now */
  readonly now?: () => number;
  /** The least time between two messages of a phase. @default {@link PROGRESS_INTERVAL_MS} */
  readonly intervalMs?: number;
}

/**
 * Progress of one run of a task (internal). Cheap when nobody listens: each phase checks once
 * whether any callback or channel subscriber is there, and does nothing else otherwise.
 */
export class ProgressTracker {
  readonly #task: string;
  readonly #callbacks: ProgressCallback[];
  readonly #now: () => number;
  readonly #interval: number;

  /**
   * @param task - The work (`refresh`, `backfill`, `calibrate`, `backtest`, `import`): every message's `task`.
   * @param options - Where the messages go besides the progress channel, and the clock.
   */
  constructor(task: string, options: ProgressTrackerOptions = {}) {
    this.#task = task;
    this.#callbacks = (options.callbacks ?? []).filter((c): c is ProgressCallback => typeof c === 'function');
    this.#now = options.now ?? (() => globalThis.performance.now());
    this.#interval = options.intervalMs ?? PROGRESS_INTERVAL_MS;
  }

  /** Whether anyone would receive a message now. */
  get listened(): boolean {
    return this.#callbacks.length > 0 || channels.progress?.hasSubscribers === true;
  }

  /**
   * Starts a phase of `total` items (a count, at least 0) and sends its first message. A phase of
   * one step that cannot be counted is a phase of total 1.
   */
  phase(name: string, total: number): PhaseProgress {
    if (!this.listened) return NOOP_PHASE;
    const size = Number.isFinite(total) && total > 0 ? Math.floor(total) : 0;
    const started = this.#now();
    let done = 0;
    let lastSent = -1;
    let lastAt = started;
    let finished = false;
    const send = (): void => {
      const at = this.#now();
      const seconds = (at - started) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      const etaMs = done >= size ? 0 : rate > 0 ? Math.round(((size - done) / rate) * 1000) : null;
      const message: ProgressMessage = {
        task: this.#task,
        phase: name,
        done,
        total: size,
        rate: Math.round(rate * 100) / 100,
        etaMs,
      };
      // Frozen: one callback cannot change what the next one, or the channel, receives.
      Object.freeze(message);
      lastSent = done;
      lastAt = at;
      for (const callback of this.#callbacks) callHook(callback, message);
      publish(channels.progress, message);
    };
    const update = (next: number): void => {
      if (finished || !(next > done)) return;
      done = Math.min(size, Math.floor(next));
      if (done >= size) {
        finished = true;
        send();
      } else if (this.#now() - lastAt >= this.#interval) send();
    };
    send();
    if (size === 0) finished = true;
    return {
      advance: (n = 1) => update(done + n),
      set: (value) => update(value),
      finish: () => {
        if (finished) return;
        finished = true;
        done = size;
        if (lastSent !== size) send();
      },
    };
  }

  /** Runs `work` as a phase of one step (total 1): a message when it starts, one when it ends. */
  async step<T>(name: string, work: () => Promise<T>): Promise<T> {
    const phase = this.phase(name, 1);
    const value = await work();
    phase.finish();
    return value;
  }
}

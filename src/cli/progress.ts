/**
 * @module cli/progress
 * How the `scene-radar` command shows the progress of a data folder's import (in bytes), a
 * refresh, a trend backfill or a backtest, always on stderr (stdout is for data): on a terminal,
 * one line redrawn in place with a bar, the phase, counts, rate and time left, cleared when the
 * work ends; otherwise (a pipe, a log file, CI) plain lines, one when each phase completes and at
 * most one every few seconds in between.
 */
import type { ProgressCallback, ProgressMessage } from '../core/observe/progress.js';
import type { CliIo } from './io.js';

/** A progress display, from {@link progressView}. */
export interface ProgressView {
  /** Receives the radar's progress messages. */
  readonly onProgress: ProgressCallback;
  /** Ends the display: clears the bar on a terminal. Safe to call more than once. */
  end(): void;
  /** Prints a line of its own on stderr while the display is up: on a terminal, the bar is cleared first. */
  print(line: string): void;
}

/** Options of {@link progressView}. */
export interface ProgressViewOptions {
  /** Milliseconds now. @default performance.now */
  readonly now?: () => number;
  /** Plain mode: the least time between two lines of one phase, but its last. @default 2000 */
  readonly lineIntervalMs?: number;
}

const BAR = 20;
const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** A duration as people read it: `850 ms`, `4.2 s`, `3 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** A length in bytes as people read it (decimal units): `512 B`, `38.4 kB`, `412.3 MB`, `1.07 GB`. */
export function formatBytes(bytes: number): string {
  const n = Math.max(0, bytes);
  if (n < 1000) return `${Math.round(n)} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

/**
 * How a task's items read: bytes for the tabular import's tables (task `import`, whose phases count
 * the bytes of each file, but its last, `build`, a step), plain counts for everything else.
 */
const amount = (m: ProgressMessage): ((n: number) => string) =>
  m.task === 'import' && m.phase !== 'build' ? formatBytes : count;

/** `done/total` in the task's unit: `4,500/10,000`, `412.3 MB/1.07 GB`. */
const doneOfTotal = (m: ProgressMessage): string => `${amount(m)(m.done)}/${amount(m)(m.total)}`;

/**
 * The words of one message: `refresh talent.features 4,500/10,000 (45%), 1,234/s, about 4.5 s left`;
 * the import's in bytes: `import events 412.3 MB/1.07 GB (38%), 35.2 MB/s, about 18.7 s left`.
 */
export function describeProgress(m: ProgressMessage): string {
  const pct = m.total > 0 ? Math.floor((m.done / m.total) * 100) : 100;
  const parts = [`${m.task} ${m.phase} ${doneOfTotal(m)} (${pct}%)`];
  if (m.done < m.total) {
    if (m.rate > 0) parts.push(`${amount(m)(m.rate)}/s`);
    if (m.etaMs !== null) parts.push(`about ${formatDuration(m.etaMs)} left`);
  }
  return parts.join(', ');
}

/** A bar of `width` characters for `done` of `total`. */
function bar(done: number, total: number, width = BAR): string {
  const filled = total > 0 ? Math.round((done / total) * width) : width;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/**
 * A progress display on `io`: a redrawn bar when `io.stderr` is a terminal, plain lines through
 * `io.err` otherwise.
 * @example
 * ```ts
 * const view = progressView(processIo);
 * try {
 *   await radar.refresh(undefined, { onProgress: view.onProgress });
 * } finally {
 *   view.end();
 * }
 * ```
 */
export function progressView(io: CliIo, options: ProgressViewOptions = {}): ProgressView {
  const now = options.now ?? (() => globalThis.performance.now());
  const tty = io.stderr?.isTTY === true ? io.stderr : undefined;
  if (tty) {
    let drawn = false;
    return {
      onProgress(m) {
        const line = `${bar(m.done, m.total)} ${describeProgress(m)}`;
        // A terminal that does not say its width (0 under some pseudo-terminals) gets 80 columns.
        const width = Math.max(20, (tty.columns || 80) - 1);
        tty.write(`\r\x1b[2K${line.length > width ? line.slice(0, width) : line}`);
        drawn = true;
      },
      end() {
        if (drawn) tty.write('\r\x1b[2K');
        drawn = false;
      },
      print(line) {
        // The bar ends without a newline: a line written after it would be glued to its end.
        if (drawn) tty.write('\r\x1b[2K');
        drawn = false;
        io.err(line);
      },
    };
  }
  const interval = options.lineIntervalMs ?? 2000;
  // When each phase last printed, and when it started (for the duration of its last line).
  const phases = new Map<string, { started: number; printed: number }>();
  return {
    onProgress(m) {
      const key = `${m.task}\u0000${m.phase}`;
      const at = now();
      let phase = phases.get(key);
      if (phase === undefined || m.done === 0) {
        phase = { started: at, printed: at };
        phases.set(key, phase);
      }
      if (m.done >= m.total) {
        io.err(`progress: ${m.task} ${m.phase} ${doneOfTotal(m)} done in ${formatDuration(at - phase.started)}`);
        phases.delete(key);
      } else if (m.done > 0 && at - phase.printed >= interval) {
        io.err(`progress: ${describeProgress(m)}`);
        phase.printed = at;
      }
    },
    end() {},
    print(line) {
      io.err(line);
    },
  };
}

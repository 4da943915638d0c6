/**
 * @module core/lifecycle
 * Whether an engine is still open. One flag shared by the parts of a radar (both engines, the
 * pulse, the aggregator, the signals engine): after `close()`, every public call rejects with
 * `RADAR_CLOSED` instead of answering from torn-down caches and aborted sources (a profile read
 * as "not enough evidence", a heat of 0, a refresh that resolved having read nothing).
 */
import { SceneRadarError } from './errors.js';
import { untilAborted } from './gateway/deadline.js';
import { MAX_TIMER_MS } from './timeout.js';

/** An open/closed flag shared by the parts of one radar. */
export class Lifecycle {
  #closed = false;
  readonly #closing = new AbortController();

  /** True once {@link Lifecycle.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Aborts when {@link Lifecycle.close} is called: waits on host code that the source gateway
   * does not run (a host feature's read) are chained to it, so a close ends them at once.
   */
  get signal(): AbortSignal {
    return this.#closing.signal;
  }

  /** Marks the radar closed; later calls of {@link Lifecycle.assertOpen} throw, and {@link Lifecycle.signal} aborts. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
  }

  /**
   * Throws `RADAR_CLOSED` (HTTP 503) when closed; `what` names the call in the message.
   * @example
   * ```ts
   * lifecycle.assertOpen('buildArtistProfile');
   * ```
   */
  assertOpen(what: string): void {
    if (this.#closed) throw closedError(what);
  }

  /**
   * `work`, or `RADAR_CLOSED` as soon as the radar closes (`work` is left to settle on its own): for
   * waits on a store, which has no signal, so a stalled table cannot hold a call past `close()`.
   * @example
   * ```ts
   * const rows = await lifecycle.untilClosed(stores.talent_radar_artists.scan(), 'refresh');
   * ```
   */
  untilClosed<T>(work: Promise<T>, what: string): Promise<T> {
    return untilAborted(work, this.#closing.signal, () => closedError(what));
  }

  /**
   * {@link Lifecycle.untilClosed}, and with `signal`, `aborted()` as soon as it aborts: a refresh's
   * wait on a store before it writes (nothing is written then).
   */
  untilStopped<T>(work: Promise<T>, what: string, signal: AbortSignal | undefined, aborted: () => unknown): Promise<T> {
    const open = this.untilClosed(work, what);
    return signal ? untilAborted(open, signal, aborted) : open;
  }

  /** The close as a stop for a queued call (`OneAtATime.run`): its signal, and `RADAR_CLOSED` naming `what`. */
  stop(what: string): { readonly signal: AbortSignal; readonly reason: () => SceneRadarError } {
    return { signal: this.#closing.signal, reason: () => closedError(what) };
  }
}

/** The `RADAR_CLOSED` error of a call named `what`. */
function closedError(what: string): SceneRadarError {
  return new SceneRadarError('RADAR_CLOSED', `${what}: the radar was closed; create a new one to read again`);
}

let holds = 0;
let holder: ReturnType<typeof setTimeout> | undefined;

/**
 * Holds the process open until the returned release is called (idempotent): one ref'd timer for
 * all holds in the process, cleared when the last is released. Every wait on host code goes
 * through it (a source call queued or in flight, a host feature's read): the timeout
 * timers are unref'd so that they never keep an idle server alive, and without a hold a batch
 * script whose only pending work is a hung read exits with code 13 before its timeout fires.
 * @example
 * ```ts
 * const release = holdProcess();
 * try { await read(); } finally { release(); }
 * ```
 */
export function holdProcess(): () => void {
  if (holds++ === 0) holder = setTimeout(() => undefined, MAX_TIMER_MS);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holds === 0 && holder !== undefined) {
      clearTimeout(holder);
      holder = undefined;
    }
  };
}

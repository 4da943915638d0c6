/**
 * @module adapters/redis/bus
 * The invalidation bus: one Redis pub/sub channel per key prefix, carrying three kinds of message
 * (a key deleted, a prefix cleared, a computation's lock released). Messages are small JSON with
 * the sender's instance id, so an instance ignores its own; anything else on the channel that does
 * not parse as one of these is ignored.
 */

/** One message on the bus. */
export interface BusMessage {
  /** The sending instance's id. */
  readonly o: string;
  /** `k`: key deleted; `p`: prefix cleared (`''`: all); `d`: the lock of a computation released. */
  readonly t: 'k' | 'p' | 'd';
  /** The store key or prefix (namespace included). */
  readonly k: string;
}

/** Longest message read; longer ones are ignored (a key is far shorter). */
const MAX_MESSAGE_CHARS = 64 * 1024;

/**
 * The text of `message` for the bus, within {@link MAX_MESSAGE_CHARS}. A delete or clear naming a
 * key too long for a message (JSON writes a character in at most 6, the envelope is under 100)
 * becomes a clear of the key's first characters: the other instances drop more than that key, never
 * less (they would ignore a longer message and keep serving what was deleted).
 */
export function encodeForBus(message: BusMessage): string {
  const text = encodeBusMessage(message);
  if (text.length <= MAX_MESSAGE_CHARS || message.t === 'd') return text;
  return encodeBusMessage({ o: message.o, t: 'p', k: message.k.slice(0, Math.floor((MAX_MESSAGE_CHARS - 100) / 6)) });
}

/** The text of `message`. */
export function encodeBusMessage(message: BusMessage): string {
  return JSON.stringify({ o: message.o, t: message.t, k: message.k });
}

/** The message in `text`, or undefined when it is not one (foreign, hostile or truncated). */
export function parseBusMessage(text: string): BusMessage | undefined {
  if (typeof text !== 'string' || text.length > MAX_MESSAGE_CHARS) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { o, t, k } = parsed as Record<string, unknown>;
  if (typeof o !== 'string' || typeof k !== 'string' || (t !== 'k' && t !== 'p' && t !== 'd')) return undefined;
  return { o, t, k };
}

/**
 * Callers waiting, per key, for another instance to release its lock: woken by a `d` message or
 * by their own poll timer, whichever comes first.
 */
export class LockWaiters {
  readonly #waiting = new Map<string, Set<() => void>>();

  /** Resolves when `key` is announced released, or after `ms`. */
  wait(key: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.#waiting.get(key);
      if (!set) {
        set = new Set();
        this.#waiting.set(key, set);
      }
      const waiters = set;
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiting.get(key) === waiters) this.#waiting.delete(key);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref?.();
      waiters.add(done);
    });
  }

  /** Wakes every caller waiting on `key`. */
  wake(key: string): void {
    const set = this.#waiting.get(key);
    if (!set) return;
    for (const done of [...set]) done();
  }

  /** Wakes every caller (the bus was lost: they poll again at once). */
  wakeAll(): void {
    for (const key of [...this.#waiting.keys()]) this.wake(key);
  }
}

/**
 * Stalls for the hang tests: a switch (`Stall`) that makes chosen table or source calls wait until
 * released, wrappers that route a store set's tables (`stalled`) or a radar's sources
 * (`stalledSources`) through it, and bounded awaits (`within`, `outcome`, `timed`) so that a call
 * that hangs fails its test instead of the run.
 */
import type { SceneRadarSources } from '../../src/index.js';

/** `p`, or a rejection naming `what` after `ms`: nothing in a test may hang. */
export function within<T>(p: Promise<T>, what: string, ms = 5_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: ${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

/** How a rejection reads in an outcome: the error's code, `HANG` when `within` gave up, or the error itself. */
function rejectedAs(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return String((e as Error).message ?? e).startsWith('HANG') ? 'HANG' : String(e);
}

/** How a call settled within `ms`: `ok`, the error's code, or `HANG` when `within` gave up. */
export function outcome(p: Promise<unknown>, what: string, ms = 2_000): Promise<string> {
  return within(p, what, ms).then(() => 'ok', rejectedAs);
}

/** How a call settled, and after how long (ms): `ok`, the error's code, or `HANG` when `within` gave up. */
export async function timed(p: Promise<unknown>, what: string, ms = 3_000): Promise<{ outcome: string; ms: number }> {
  const t0 = performance.now();
  const settled = await within(p, what, ms).then(() => 'ok', rejectedAs);
  return { outcome: settled, ms: performance.now() - t0 };
}

/** Resolves after `ms`. */
export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A switch that makes chosen calls (keys `table.method`, `source.method` or `transaction`) wait
 * until released, or for ever. `on(...keys)` stalls every call of each key; `on(key, skip)` lets
 * the first `skip` calls of `key` through and stalls the later ones.
 */
export class Stall {
  /** Stalled keys, each with the number of calls still let through. */
  readonly #keys = new Map<string, number>();
  #release: () => void = () => undefined;
  readonly #released: Promise<void> = new Promise((r) => {
    this.#release = r;
  });
  #reach: () => void = () => undefined;
  /** Resolves once a stalled call has been made. */
  readonly reached: Promise<void> = new Promise((r) => {
    this.#reach = r;
  });
  /** Calls made while stalled. */
  hits = 0;
  /** Stalls every call of each of `keys`. */
  on(...keys: string[]): void;
  /** Stalls the calls of `key` after the first `skip`. */
  on(key: string, skip: number): void;
  on(...args: (string | number)[]): void {
    const [key, skip] = args;
    if (typeof key === 'string' && typeof skip === 'number') {
      this.#keys.set(key, skip);
      return;
    }
    for (const k of args) if (typeof k === 'string') this.#keys.set(k, 0);
  }
  /** Whether calls of `key` are stalled (or will be, after their skipped calls). */
  has(key: string): boolean {
    return this.#keys.has(key);
  }
  /** Waits (until `release()`) when `key` is stalled. */
  async gate(key: string): Promise<void> {
    const skip = this.#keys.get(key);
    if (skip === undefined) return;
    if (skip > 0) {
      this.#keys.set(key, skip - 1);
      return;
    }
    this.hits++;
    this.#reach();
    await this.#released;
  }
  /** Ends the stall: every waiting call goes on, and no call stalls after. */
  release(): void {
    this.#keys.clear();
    this.#release();
  }
}

/**
 * A store set whose table methods named `table.method` in `stall` wait at the stall (tables in a
 * transaction too); `transaction` itself waits when `stall` has the key `transaction`.
 */
export function stalled<S extends object>(base: S, stall: Stall): S {
  const wrapTable = (name: string, table: object): object =>
    new Proxy(table, {
      get(t, method, receiver) {
        const value = Reflect.get(t, method, receiver) as unknown;
        if (typeof value !== 'function' || typeof method !== 'string') return value;
        return async (...args: unknown[]) => {
          await stall.gate(`${name}.${method}`);
          return (value as (...a: unknown[]) => unknown).apply(t, args);
        };
      },
    });
  const wrapSet = (set: object): object =>
    new Proxy(set, {
      get(t, name, receiver) {
        const value = Reflect.get(t, name, receiver) as unknown;
        if (name === 'transaction' && typeof value === 'function')
          return async (fn: (tx: object) => Promise<unknown>) => {
            await stall.gate('transaction');
            return (value as (f: (tx: object) => Promise<unknown>) => Promise<unknown>).call(t, (tx: object) =>
              fn(wrapSet(tx)),
            );
          };
        if (typeof name === 'string' && typeof value === 'object' && value !== null) return wrapTable(name, value);
        return value;
      },
    });
  return wrapSet(base) as S;
}

/** Sources whose methods named `source.method` in `stall` never settle (ignoring their signal) while stalled. */
export function stalledSources(sources: SceneRadarSources, stall: Stall): SceneRadarSources {
  const out: Record<string, unknown> = {};
  for (const [name, adapter] of Object.entries(sources)) {
    if (adapter === undefined) continue;
    out[name] = new Proxy(adapter as object, {
      get(t, method, receiver) {
        const value = Reflect.get(t, method, receiver) as unknown;
        if (typeof value !== 'function' || typeof method !== 'string') return value;
        return async (...args: unknown[]) => {
          await stall.gate(`${name}.${method}`);
          return (value as (...a: unknown[]) => unknown).apply(t, args);
        };
      },
    });
  }
  return out as SceneRadarSources;
}

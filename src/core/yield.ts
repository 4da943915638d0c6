/**
 * @module core/yield
 * Long jobs (a refresh, a trend backfill) run as chains of promises; with in-process sources they
 * never wait on I/O, so without a pause they would hold the event loop for seconds: a host's HTTP
 * server, timers and signal handlers would stall for the whole refresh. {@link yieldSlice} lets
 * the loop run once a slice of work has gone by. It costs nothing in between (no promise, no
 * timer), and it never waits on a faked clock: the slice is measured with `Date.now()`, which
 * fake timers freeze (so a job under fake timers pauses once at most), and the pause uses
 * `node:timers`' own `setImmediate` where the runtime has it (fake timers replace the global one),
 * else the global `setImmediate` or `setTimeout` that existed when this module was loaded.
 */

/** Longest stretch of work, ms, before a long job lets the event loop run. */
export const SLICE_MS = 10;

type Macrotask = (run: () => void) => unknown;

const macrotask: Macrotask = (() => {
  const g = globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown };
    setImmediate?: (run: () => void) => unknown;
    setTimeout: (run: () => void, ms?: number) => unknown;
  };
  // node:timers' own setImmediate first: fake timers replace the global one, not the module's.
  const timers = g.process?.getBuiltinModule?.('node:timers') as
    | { setImmediate?: (run: () => void) => unknown }
    | undefined;
  if (typeof timers?.setImmediate === 'function') {
    const immediate = timers.setImmediate;
    return (run) => immediate(run);
  }
  if (typeof g.setImmediate === 'function') {
    const immediate = g.setImmediate;
    return (run) => immediate(run);
  }
  const timeout = g.setTimeout;
  return (run) => timeout(run, 0);
})();

let sliceStart = Date.now();

/**
 * A pause for the event loop when the current slice of work is over (`undefined` otherwise, so the
 * caller awaits only when there is something to await).
 * @example
 * ```ts
 * for (const chunk of chunks) {
 *   const pause = yieldSlice();
 *   if (pause) await pause;
 *   work(chunk);
 * }
 * ```
 */
export function yieldSlice(): Promise<void> | undefined {
  if (Date.now() - sliceStart < SLICE_MS) return undefined;
  return new Promise((resolve) =>
    macrotask(() => {
      sliceStart = Date.now();
      resolve();
    }),
  );
}

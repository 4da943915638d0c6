/**
 * @module core/limit
 * The package's one concurrency limiter: a FIFO queue of at most `concurrency` running tasks that
 * hands a freed slot straight to the next queued task. The source gateway holds one per source
 * (shared by every engine and request); the engines use {@link createLimit} for their own batches
 * (groups of scenes in `allPulses`, chunks of artists in the Talent Radar's signals).
 *
 * Why not p-limit, which the package used before: p-limit starts the next task a few microtasks
 * after the finished one's promise settles, i.e. after whatever its caller chained on that promise
 * has run. The gateway frees a slot *before* settling a call's answer, so the next call is already
 * on its way to the source while the finished answer is validated and the pulses computed from it:
 * that CPU work overlaps the next wait instead of delaying it (docs/performance.md, "History of
 * this figure": one of three changes that took the 100-scene per-item batch from about 10.6 L to
 * 10.5 L). One limiter for both uses, rather than p-limit beside this one, keeps one behaviour to
 * reason about and one dependency fewer. No timers: hosts' fake timers see nothing new.
 *
 * A queued task runs in the async context of the caller that queued it (not of the task whose
 * release starts it): a host's `AsyncLocalStorage` (its tracing context, a request id) reads the
 * same inside its source adapter whether the call waited for a slot or not.
 */
import { AsyncResource } from 'node:async_hooks';

/** A concurrency limit: tasks run in the order they were queued, at most `concurrency` at once. */
export interface Slots {
  /** Runs `task` when a slot is free (never synchronously: on a later microtask at the earliest). */
  enter(task: () => void): void;
  /** Frees a slot: the next queued task starts at once, inside this call. */
  release(): void;
}

function checkConcurrency(concurrency: number): void {
  if (!(concurrency === Number.POSITIVE_INFINITY || (Number.isInteger(concurrency) && concurrency >= 1)))
    throw new RangeError(`concurrency must be an integer >= 1 or Infinity, got ${concurrency}`);
}

/** Spent slots at the head of a queue past which it is compacted (when they are at least half of it). */
const COMPACT_AFTER = 1024;

/**
 * A FIFO limit that hands a freed slot straight to the next queued task. The caller releases the
 * slot itself, so it can do so before it settles the finished task's result (see the module's
 * TSDoc for why the gateway does). A task entered must release exactly once, whatever happens.
 * @example
 * ```ts
 * const slots = createSlots(2);
 * slots.enter(() => {
 *   void work().finally(() => slots.release());
 * });
 * ```
 */
export function createSlots(concurrency: number): Slots {
  checkConcurrency(concurrency);
  let active = 0;
  const queue: Array<(() => void) | undefined> = [];
  let head = 0;
  // Releases not yet handed on. A queued task that ends at once (the gateway's, when its deadline
  // passed while it waited) releases its slot inside `next()`: those releases are counted and
  // handed on by the loop below rather than by recursion, so thousands of them cannot overflow
  // the stack.
  let freed = 0;
  let draining = false;
  return {
    enter(task) {
      if (active < concurrency) {
        active++;
        // A microtask keeps the caller's async context.
        queueMicrotask(task);
        // Started later by another task's release: bound to this caller's context, not that one's.
      } else queue.push(AsyncResource.bind(task));
    },
    release() {
      freed++;
      if (draining) return;
      draining = true;
      try {
        while (freed > 0) {
          freed--;
          if (head < queue.length) {
            const next = queue[head]!;
            queue[head++] = undefined;
            if (head === queue.length) {
              queue.length = 0;
              head = 0;
            } else if (head >= COMPACT_AFTER && head * 2 >= queue.length) {
              // A queue that never quite empties (a steady load on a slow source) would otherwise
              // keep a slot for every task it ever held: the spent half is dropped, in time
              // amortised over the tasks that filled it.
              queue.splice(0, head);
              head = 0;
            }
            next();
          } else active--;
        }
      } finally {
        draining = false;
      }
    },
  };
}

/**
 * A limit for promise-returning tasks over {@link createSlots}: `limit(task)` runs `task` when a
 * slot is free and settles as it does. The slot is freed before the returned promise settles, so
 * the next queued task starts before the caller's continuation runs.
 * @example
 * ```ts
 * const limit = createLimit(10);
 * const pulses = await Promise.all(groups.map((g) => limit(() => computeGroup(g))));
 * ```
 */
export function createLimit(concurrency: number): <T>(task: () => Promise<T> | T) => Promise<T> {
  const slots = createSlots(concurrency);
  return <T>(task: () => Promise<T> | T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      slots.enter(() => {
        let running: Promise<T>;
        try {
          running = Promise.resolve(task());
        } catch (error) {
          slots.release();
          reject(error);
          return;
        }
        running.then(
          (value) => {
            slots.release();
            resolve(value);
          },
          (error: unknown) => {
            slots.release();
            reject(error);
          },
        );
      });
    });
}

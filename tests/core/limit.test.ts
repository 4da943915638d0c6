// The package's one concurrency limiter (src/core/limit.ts): FIFO order, the bound, errors, and the
// freed slot handed on before the finished task's caller resumes (why it is not p-limit).
import { describe, expect, it } from 'vitest';
import { createLimit, createSlots } from '../../src/core/limit.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A promise and its resolve (Promise.withResolvers needs Node 22). */
function gate(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createLimit', () => {
  it('runs at most `concurrency` tasks at once, in the order they were queued', async () => {
    const limit = createLimit(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates = Array.from({ length: 6 }, gate);
    const all = gates.map((g, i) =>
      limit(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await g.promise;
        running--;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    for (const g of gates) {
      g.resolve();
      await tick();
    }
    expect(await Promise.all(all)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('settles as the task does, and a task that throws or rejects frees its slot', async () => {
    const limit = createLimit(1);
    const thrown = limit(() => {
      throw new Error('sync');
    });
    const rejected = limit(() => Promise.reject(new Error('async')));
    const plain = limit(() => 7);
    await expect(thrown).rejects.toThrow('sync');
    await expect(rejected).rejects.toThrow('async');
    expect(await plain).toBe(7);
  });

  it('starts the next queued task before the finished one’s caller resumes', async () => {
    const limit = createLimit(1);
    const order: string[] = [];
    const first = limit(async () => 'first');
    const second = limit(async () => {
      order.push('second started');
    });
    await first.then(() => order.push('first settled'));
    await second;
    expect(order).toEqual(['second started', 'first settled']);
  });

  it('refuses a concurrency that would never run anything', () => {
    expect(() => createLimit(0)).toThrow(RangeError);
    expect(() => createSlots(1.5)).toThrow(RangeError);
    expect(() => createLimit(Number.POSITIVE_INFINITY)).not.toThrow();
  });
});

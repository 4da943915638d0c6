/**
 * A task queued behind a full limit runs in the async context of the caller that queued it, not
 * in that of the task whose release starts it: a host's AsyncLocalStorage (its tracing context, a
 * request id) reads the same inside a source adapter whether the call waited for a slot or not.
 * (Before, 75 of 85 host spans opened in source adapters at concurrency 1 had another call's span
 * as parent: the review's reproduction with the OpenTelemetry bridge.)
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { createLimit, createSlots } from '../../src/core/limit.js';

describe('the limiter keeps the caller’s async context', () => {
  it('createSlots: each queued task sees the store of the caller that queued it', async () => {
    const store = new AsyncLocalStorage<string>();
    const slots = createSlots(1);
    const seen: Array<[string, string | undefined]> = [];
    const done = new Promise<void>((resolve) => {
      let left = 4;
      for (const caller of ['a', 'b', 'c', 'd'])
        store.run(caller, () =>
          slots.enter(() => {
            seen.push([caller, store.getStore()]);
            // Released later, from a timer of this task's own context.
            setTimeout(() => {
              slots.release();
              if (--left === 0) resolve();
            }, 1);
          }),
        );
    });
    await done;
    expect(seen).toEqual([
      ['a', 'a'],
      ['b', 'b'],
      ['c', 'c'],
      ['d', 'd'],
    ]);
  });

  it('createLimit: the same for promise tasks', async () => {
    const store = new AsyncLocalStorage<number>();
    const limit = createLimit(2);
    const got = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.run(i, () =>
          limit(async () => {
            await new Promise((r) => setTimeout(r, 1));
            return store.getStore();
          }),
        ),
      ),
    );
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

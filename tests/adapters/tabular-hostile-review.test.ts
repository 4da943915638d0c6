/**
 * An import of a FIFO that nobody writes to, stopped by its signal: the open blocked in the thread
 * pool is released too (the import opens the write end itself), so no thread of libuv's pool stays
 * held for good (four such stall every file read of the process, and its exit waits for them).
 */
import { execFileSync } from 'node:child_process';
import { constants, mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSceneRadarError } from 'scene-radar';
import { createTabularSourcesFromFiles } from 'scene-radar/adapters/tabular';

const dir = mkdtempSync(join(tmpdir(), 'scene-radar-tabular-review-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** True while a reader is waiting on (or holds) `fifo`: a non-blocking write open then succeeds. */
function readerWaits(fifo: string): boolean {
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENXIO') return false;
    throw e;
  }
}

describe('an aborted import of a FIFO with no writer', () => {
  it.runIf(process.platform === 'linux')(
    'rejects with TALENT_TIMEOUT and leaves no open waiting on the FIFO',
    async () => {
      const fifo = join(dir, 'events.csv');
      execFileSync('mkfifo', [fifo]);
      const controller = new AbortController();
      const importing = createTabularSourcesFromFiles({ events: fifo }, { signal: controller.signal });
      // Let the open reach the system: it waits there for a writer.
      await new Promise((resolve) => setTimeout(resolve, 200));
      controller.abort();
      const error = await importing.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isSceneRadarError(error) && error.code).toBe('TALENT_TIMEOUT');
      // Before the fix the open stayed blocked in the pool: a writer could still open the FIFO (and
      // doing so here is what finally released it).
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(readerWaits(fifo)).toBe(false);
    },
  );
});

/**
 * Hostile review 61: the `scene-radar` command (src/cli) and the HTTP API kit as a host mounts it,
 * in-process through `runCli`. Each test asserts the documented (or, where the docs are silent,
 * the clearly expected) behaviour and fails on the code it was written against, for a real fault.
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';

const dir = mkdtempSync(join(tmpdir(), 'hostile-review-61-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('scene-radar openapi --out', () => {
  it('FAULT: --out naming a named pipe writes the document into the pipe, and leaves the pipe a pipe', async () => {
    // `--out >(jq .)`, `--out /dev/stdout` under a pipe, or a FIFO a log shipper reads: the
    // document must reach the reader. The command instead writes a temporary file beside the
    // path and renames it over the FIFO: the reader never gets a byte, the FIFO is gone (replaced
    // by a regular file), and the command still reports `wrote ...` with exit 0.
    const fifo = join(dir, 'openapi.pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let received = '';
    reader.stdout.on('data', (d: Buffer) => {
      received += d.toString('utf8');
    });
    const readerDone = new Promise<void>((resolve) => reader.on('close', () => resolve()));
    try {
      const run = await cli(['openapi', '--out', fifo]);
      expect(run.code).toBe(0);
      // The named pipe is still a named pipe (the current code renames a regular file over it).
      expect(lstatSync(fifo).isFIFO()).toBe(true);
      await Promise.race([readerDone, new Promise((r) => setTimeout(r, 5_000))]);
      expect(JSON.parse(received)).toMatchObject({ openapi: '3.1.0' });
    } finally {
      reader.kill('SIGKILL');
    }
  });
});

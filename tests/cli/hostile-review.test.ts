/**
 * The `scene-radar` command under hostile use, as a shell runs it: a reader that closes stdout
 * early (`| head`) is not a crash with a stack trace; an empty flag value (`--data=`, or
 * `--data "$DIR"` with DIR unset) is a usage error, never the current folder read silently; Ctrl-C
 * while a table file is a FIFO nobody writes to exits 130 at once, instead of printing
 * "interrupted" and hanging on the open that holds a thread of the pool.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { tsEntry } from '../helpers/ts-entry.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'src/cli/bin.ts');

const dir = mkdtempSync(join(tmpdir(), 'hostile-review-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('scene-radar: empty flag values', () => {
  it.each([
    [['refresh', '--data='], '--data'],
    [['refresh', '--data', ''], '--data'],
    [['serve', '--demo', '--host='], '--host'],
    [['openapi', '--out='], '--out'],
    [['backtest', '--data', dir, '--out', ''], '--out'],
  ])('%j is a usage error (exit 2) naming the flag, before anything is read', async (args, flag) => {
    // `--data ''` used to read the current folder, whatever it held.
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.err).toContain(`${flag} needs a value (it is empty)`);
    expect(run.out).toBe('');
  });
});

describe('scene-radar as a child process', () => {
  it('a reader that closes stdout early ends nothing with a stack trace: exit 0, no EPIPE', async () => {
    // The OpenAPI document (about 160 kB) is larger than a pipe's buffer: the write meets the closed end.
    const child = spawn(process.execPath, [...tsEntry(BIN), 'openapi'], { cwd: ROOT });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled 'error'/);
    expect(code).toBe(0);
  });

  it.runIf(process.platform === 'linux')(
    'Ctrl-C while a table file is a FIFO with no writer exits 130 at once, not after the writer comes',
    async () => {
      const folder = mkdtempSync(join(dir, 'fifo-'));
      writeFileSync(
        join(folder, 'artists.csv'),
        'slug,name,home_region,first_seen\nnova-static,Nova Static,uk,2024-01-01T00:00:00Z\n',
      );
      execFileSync('mkfifo', [join(folder, 'events.csv')]);
      const child = spawn(process.execPath, [...tsEntry(BIN), 'refresh', '--data', folder], { cwd: ROOT });
      let stderr = '';
      const artistsRead = new Promise<void>((resolve) =>
        child.stderr.on('data', (d: Buffer) => {
          stderr += d;
          if (stderr.includes('progress: import artists')) resolve();
        }),
      );
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      try {
        await artistsRead;
        // The events FIFO is being opened now (it opens only once a writer comes).
        await new Promise((resolve) => setTimeout(resolve, 300));
        child.kill('SIGINT');
        const code = await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 8000, 'hung'))]);
        expect(stderr).toContain('scene-radar refresh: interrupted');
        expect(code).toBe(130);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await closed;
      }
    },
    20_000,
  );
});

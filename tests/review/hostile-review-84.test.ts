/**
 * Hostile review 84: the `scene-radar` command (src/cli) beyond `openapi --out` (review 61): where
 * a broken manifest is placed, and whether Ctrl-C still stops a command that waits on a named pipe.
 * Each test asserts what the docs or the TSDoc promise and fails on the code it was written against.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { tsEntry } from '../helpers/ts-entry.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'src/cli/bin.ts');
const EXAMPLE = join(ROOT, 'examples/backtest-data');

const dir = mkdtempSync(join(tmpdir(), 'hostile-review-84-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/**
 * Spawns the command as the bin runs, waits `delayMs`, sends SIGINT, and resolves with its exit
 * code, or 'hung' when it is still running `graceMs` after the signal (then it is killed).
 */
/** Whether process `pid` has a handler for SIGINT (Linux: the SigCgt mask of /proc/<pid>/status). */
function catchesSigint(pid: number): boolean {
  try {
    const mask = /SigCgt:\s*([0-9a-f]+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return mask !== undefined && (BigInt(`0x${mask}`) & 2n) !== 0n;
  } catch {
    return false;
  }
}

async function interruptAfter(
  args: readonly string[],
  delayMs: number,
  graceMs = 8_000,
): Promise<{ code: number | null | 'hung'; stderr: string }> {
  const child = spawn(process.execPath, [...tsEntry(BIN), ...args], { cwd: ROOT });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
  });
  child.stdout.resume();
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    // Not before the CLI listens for SIGINT (its default action would kill it: no exit code), however
    // slow its start on a loaded machine: Linux shows the caught signals in /proc (SigCgt, bit 1).
    // Node itself catches SIGINT from its first milliseconds (to reset the terminal, then end by the
    // signal), so this waits for the process to exist rather than for bin.ts; bin.ts installs its
    // handler before the commands load (tests/cli/interrupt-while-loading.test.ts), about 0.4 s in
    // with tsx (sooner from this run's bundle), well inside `delayMs`. (With 4 test workers, the 3 s used to end within the load.)
    for (let i = 0; i < 600 && !catchesSigint(child.pid!); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    child.kill('SIGINT');
    const code = await Promise.race([
      closed,
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), graceMs)),
    ]);
    return { code, stderr };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await closed;
  }
}

describe('scene-radar.json that is not valid JSON', () => {
  it('FAULT: an unquoted value on line 4 is reported at line 4, not at 1:1', async () => {
    // docs/cli.md: "A manifest that is not valid JSON or not a valid manifest is reported at its line
    // and column too (`scene-radar.json:3:5: ...`)"; manifest.ts parseJsonFile: "a DataFileError at
    // the place JSON.parse points to". Node 20's JSON.parse says "Unexpected token 'e', ..." with no
    // "position N" for the commonest mistakes (an unquoted value, single quotes, NaN, `tru`), and
    // parseJsonFile then falls back to the first non-blank character: 1:1, whatever the line.
    const folder = join(dir, 'bad-manifest');
    mkdirSync(folder);
    const manifest = join(folder, 'scene-radar.json');
    writeFileSync(manifest, '{\n  "name": "x",\n  "tables": {\n    "events": events.csv\n  }\n}\n');
    const run = await cli(['refresh', '--data', folder]);
    expect(run.code).toBe(1);
    // `events.csv` starts at line 4, column 15 (four spaces, then `"events": `).
    expect(run.err.split('\n')[0]).toMatch(/^scene-radar refresh: .*scene-radar\.json:4:15: not valid JSON/);
  });
});

describe.runIf(process.platform === 'linux')('Ctrl-C while a command waits on a named pipe', () => {
  it('FAULT: openapi --out <fifo> with no reader yet stops on Ctrl-C (exit 130), it does not hang', async () => {
    // bin.ts: "SIGINT and SIGTERM stop ... any other command at once (exit 130); a second signal
    // exits at once." docs/cli.md: "a second signal exits at once". writeTogether (commands.ts)
    // writes into a named pipe with writeFileSync: its open blocks the main thread until a reader
    // comes, so the SIGINT handler bin.ts installed (which replaced the default action) never runs:
    // neither the first Ctrl-C nor the second stops the command; only SIGKILL does.
    const fifo = join(dir, 'openapi.fifo');
    execFileSync('mkfifo', [fifo]);
    const run = await interruptAfter(['openapi', '--out', fifo], 3_000);
    expect(run.code).toBe(130);
  }, 30_000);

  it('FAULT: refresh --data with catalog.json a named pipe with no writer stops on Ctrl-C (exit 130), it does not hang', async () => {
    // docs/cli.md: "Ctrl-C (SIGINT) or SIGTERM while a command is still importing, refreshing or
    // backtesting stops it at once with 130". A table file that is a FIFO is already handled (the
    // import is told of the abort, tests/cli/hostile-review.test.ts); the catalog (open-radar.ts
    // readCatalog) and the manifest (manifest.ts readManifest) are read with readFileSync, which
    // blocks the event loop on a FIFO with no writer: Ctrl-C is never handled.
    const folder = join(dir, 'fifo-catalog');
    mkdirSync(folder);
    copyFileSync(join(EXAMPLE, 'artists.csv'), join(folder, 'artists.csv'));
    copyFileSync(join(EXAMPLE, 'events.csv'), join(folder, 'events.csv'));
    execFileSync('mkfifo', [join(folder, 'catalog.json')]);
    const run = await interruptAfter(['refresh', '--data', folder], 3_000);
    // Fixed by refusing a catalog (or manifest) that is not a regular file, at once: exit 1 with
    // the file named, before the signal comes (a Ctrl-C exit 130 would do as well).
    if (run.code === 130) expect(run.stderr).toContain('scene-radar refresh: interrupted');
    else {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/catalog\.json: not a regular file/);
    }
  }, 30_000);
});

/**
 * The `scene-radar` command's progress (issue 17): on a terminal a bar redrawn in place on stderr
 * and cleared at the end; otherwise plain lines on stderr, one per finished phase and at most one
 * every few seconds between; stdout keeps only the data (the `--json` output parses).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ProgressMessage } from '../../src/core/observe/channels.js';
import { type CliIo, runCli } from '../../src/cli/index.js';
import { describeProgress, formatBytes, progressView } from '../../src/cli/progress.js';
import { tsEntry } from '../helpers/ts-entry.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'src/cli/bin.ts');
const EXAMPLE = join(ROOT, 'examples/backtest-data');

const message = (
  phase: string,
  done: number,
  total: number,
  extra: Partial<ProgressMessage> = {},
): ProgressMessage => ({
  task: 'refresh',
  phase,
  done,
  total,
  rate: 0,
  etaMs: null,
  ...extra,
});

/** An io that keeps what it is given; `tty` adds a terminal stderr. */
function captured(tty = false): { io: CliIo; out: string[]; err: string[]; raw: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const raw: string[] = [];
  const io: CliIo = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    ...(tty ? { stderr: { isTTY: true, columns: 100, write: (t: string) => raw.push(t) } } : {}),
  };
  return { io, out, err, raw };
}

function run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...tsEntry(BIN), ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('progress view', () => {
  it('on a terminal: one bar redrawn in place on stderr, cleared at the end', () => {
    const io = captured(true);
    const view = progressView(io.io);
    view.onProgress(message('talent.features', 0, 10_000));
    view.onProgress(message('talent.features', 4_500, 10_000, { rate: 1234.5, etaMs: 4_460 }));
    view.onProgress(message('talent.features', 10_000, 10_000, { etaMs: 0 }));
    view.end();
    expect(io.err).toEqual([]);
    expect(io.out).toEqual([]);
    expect(io.raw[1]).toBe(
      '\r\x1b[2K[#########-----------] refresh talent.features 4,500/10,000 (45%), 1,235/s, about 4.5 s left',
    );
    for (const t of io.raw) expect(t.startsWith('\r\x1b[2K')).toBe(true);
    expect(io.raw.at(-1)).toBe('\r\x1b[2K');
    expect(io.raw.every((t) => !t.includes('\n'))).toBe(true);
  });

  it('otherwise: a line per finished phase on stderr, and between, at most one every interval', () => {
    let now = 0;
    const io = captured();
    const view = progressView(io.io, { now: () => now, lineIntervalMs: 2000 });
    view.onProgress(message('scenes.memberships', 0, 1000));
    for (let done = 100; done < 1000; done += 100) {
      now += 500;
      view.onProgress(message('scenes.memberships', done, 1000, { rate: 200, etaMs: (1000 - done) * 5 }));
    }
    now += 500;
    view.onProgress(message('scenes.memberships', 1000, 1000, { etaMs: 0 }));
    view.onProgress(message('scenes.relationships', 0, 1));
    now += 20;
    view.onProgress(message('scenes.relationships', 1, 1, { etaMs: 0 }));
    view.end();
    expect(io.out).toEqual([]);
    expect(io.err).toEqual([
      'progress: refresh scenes.memberships 400/1,000 (40%), 200/s, about 3.0 s left',
      'progress: refresh scenes.memberships 800/1,000 (80%), 200/s, about 1.0 s left',
      'progress: refresh scenes.memberships 1,000/1,000 done in 5.0 s',
      'progress: refresh scenes.relationships 1/1 done in 20 ms',
    ]);
    expect(describeProgress(message('x', 0, 0))).toBe('refresh x 0/0 (100%)');
  });

  it('the import in bytes (kB, MB, GB), its build step and other tasks in counts', () => {
    const importing = (phase: string, done: number, total: number, extra: Partial<ProgressMessage> = {}) =>
      message(phase, done, total, { task: 'import', ...extra });
    expect(describeProgress(importing('events', 412_345_678, 1_073_741_824, { rate: 35_200_000, etaMs: 18_700 }))).toBe(
      'import events 412.3 MB/1.07 GB (38%), 35.2 MB/s, about 18.7 s left',
    );
    expect(describeProgress(importing('artists', 512, 6_000))).toBe('import artists 512 B/6.0 kB (8%)');
    expect(describeProgress(importing('build', 0, 1))).toBe('import build 0/1 (0%)');
    expect(describeProgress(message('talent.features', 4_500, 10_000))).toBe(
      'refresh talent.features 4,500/10,000 (45%)',
    );
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.0 kB');
    expect(formatBytes(177_881)).toBe('177.9 kB');
    expect(formatBytes(2_500_000_000)).toBe('2.50 GB');

    let now = 0;
    const io = captured();
    const view = progressView(io.io, { now: () => now, lineIntervalMs: 2000 });
    view.onProgress(importing('events', 0, 1_000_000_000));
    now += 2500;
    view.onProgress(importing('events', 100_000_000, 1_000_000_000, { rate: 40_000_000, etaMs: 22_500 }));
    now += 22_500;
    view.onProgress(importing('events', 1_000_000_000, 1_000_000_000, { etaMs: 0 }));
    view.onProgress(importing('build', 0, 1));
    now += 3000;
    view.onProgress(importing('build', 1, 1, { etaMs: 0 }));
    expect(io.err).toEqual([
      'progress: import events 100.0 MB/1.00 GB (10%), 40.0 MB/s, about 22.5 s left',
      'progress: import events 1.00 GB/1.00 GB done in 25.0 s',
      'progress: import build 1/1 done in 3.0 s',
    ]);
  });
});

describe('the command draws progress on stderr, never on stdout', () => {
  it('refresh --demo --json: progress lines for the refresh and the backfill, stdout only the JSON', async () => {
    const io = captured();
    const code = await runCli(['refresh', '--demo', '--artists', '30', '--json'], io.io);
    expect(code).toBe(0);
    const report = JSON.parse(io.out.join('\n')) as { refresh: { talent: { artists: number } } };
    expect(report.refresh.talent.artists).toBe(30);
    expect(io.err.some((l) => /^progress: refresh talent\.features 30\/30 done in /.test(l))).toBe(true);
    for (const phase of ['scenes.memberships', 'scenes.trends', 'talent.features', 'talent.write'])
      expect(io.err.some((l) => l.startsWith(`progress: refresh ${phase} `))).toBe(true);
    expect(io.err.some((l) => /^progress: backfill days 90\/90 done/.test(l))).toBe(true);
  }, 60_000);

  it('backtest --json over files: the import, the cutoffs and each scorer, stdout only the JSON', async () => {
    const io = captured();
    const code = await runCli(['backtest', '--data', EXAMPLE, '--json'], io.io);
    expect(code).toBe(0);
    expect(JSON.parse(io.out.join('\n'))).toHaveProperty('format');
    // The folder's files first, each in bytes, then the backtest.
    expect(io.err.slice(0, 4)).toEqual([
      expect.stringMatching(/^progress: import artists 6\.0 kB\/6\.0 kB done in /),
      expect.stringMatching(/^progress: import events 177\.9 kB\/177\.9 kB done in /),
      expect.stringMatching(/^progress: import collaborators 1\.7 kB\/1\.7 kB done in /),
      expect.stringMatching(/^progress: import build 1\/1 done in /),
    ]);
    // Each phase ends with its "done" line, in this order; a phase past 2 s also prints a line on the
    // way (on a loaded machine the breakout scorer did), which is not counted here.
    const done = io.err.filter((l) => l.startsWith('progress: backtest ') && l.includes(' done in '));
    expect(done.map((l) => l.split(' ')[2])).toEqual(['cutoffs', 'activity-30d', 'activity-growth-30d', 'breakout']);
  }, 60_000);

  it('the bin with stderr not a terminal (a pipe): plain progress lines on stderr', async () => {
    const { code, stdout, stderr } = await run(['refresh', '--demo', '--artists', '20', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toHaveProperty('refresh');
    expect(stdout).not.toContain('progress');
    expect(stderr).toMatch(/^progress: refresh scenes\.memberships 20\/20 done in /m);
    expect(stderr).toMatch(/^progress: refresh talent\.write 1\/1 done in /m);
    // No terminal control codes in a pipe.
    expect(stderr).not.toContain('\x1b[');
  }, 60_000);
});

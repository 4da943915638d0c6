/**
 * Ctrl-C while the command's modules load (a second or more with tsx on a loaded machine): the
 * command stops with 130 and says so, like a Ctrl-C a moment later, instead of ending by Node's
 * default action (no exit code, no word). A preload (tests/fixtures/cli/hold-commands.mjs) holds
 * the load of the commands and says when it began, so the signal lands inside that window.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the bin with the preload, sends `signal` when the commands start loading, and reports how it ended. */
function interruptWhileLoading(
  signal: NodeJS.Signals,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      join(ROOT, 'tests/fixtures/cli/hold-commands.mjs'),
      join(ROOT, 'src/cli/bin.ts'),
      'demo',
    ],
    { cwd: ROOT, env: { ...process.env, HOLD_MS: '1000' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  let sent = false;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
    if (!sent && stderr.includes('loading commands')) {
      sent = true;
      child.kill(signal);
    }
  });
  return new Promise((resolve) => child.on('close', (code, sig) => resolve({ code, signal: sig, stderr })));
}

describe.runIf(process.platform !== 'win32')('Ctrl-C while the commands load', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s exits 130 with "interrupted", not by the signal',
    async (signal) => {
      const run = await interruptWhileLoading(signal);
      expect(run.stderr).toContain('loading commands');
      expect({ code: run.code, signal: run.signal }).toEqual({ code: 130, signal: null });
      expect(run.stderr).toContain('scene-radar demo: interrupted');
    },
    30_000,
  );
});

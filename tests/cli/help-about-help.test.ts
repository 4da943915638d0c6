/**
 * `scene-radar help --help` and `help help`: help about help is the overview (exit 0, on stdout),
 * as `scene-radar help` prints it; before 2026-12-07 they said `unknown command "--help"` (exit 2).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('help about help', () => {
  it.each([['--help'], ['-h'], ['help']])('help %s prints the overview, exit 0', async (flag) => {
    const overview = await run(['help']);
    const got = await run(['help', flag]);
    expect(got).toEqual({ code: 0, out: overview.out, err: '' });
    expect(got.out).toContain('usage: scene-radar <command> [flags]');
  });

  it("help with two words after it is still a usage mistake (exit 2), and help <command> is that command's usage", async () => {
    expect((await run(['help', '--help', 'x'])).code).toBe(2);
    const refresh = await run(['help', 'refresh']);
    expect(refresh.code).toBe(0);
    expect(refresh.out).toContain('usage: scene-radar refresh');
  });
});

/**
 * Review 4: `npm run demo` (examples/demo.ts) fails at run time with one line naming the step,
 * the message and the SceneRadarError code, and exit 1 (never Node's stack trace, unless
 * SCENE_RADAR_DEBUG is set). The fault is one the demo's own options reach: a world ending on
 * 1000-01-01 asks for a trend backfill that starts in the year 999, which the engine refuses.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const STACK = /^\s+at /m;

function demo(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      tsx,
      ['examples/demo.ts', ...args],
      { cwd: root, timeout: 60_000, env: { ...process.env, SCENE_RADAR_DEBUG: '', ...env } },
      (error, _stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stderr }),
    );
  });
}

describe('npm run demo: a failure at run time', () => {
  it('is one line naming the step, the message and the error code, exit 1, no stack trace', async () => {
    const { code, stderr } = await demo(['--artists', '1', '--end', '1000-01-01']);
    expect(code).toBe(1);
    expect(stderr).not.toMatch(STACK);
    expect(stderr.trim().split('\n')).toEqual([
      'demo: backfilling the scene trends failed: from must be a date in the years 1000-9999, got 0999-10-03T00:00:00.000Z (SCENES_VALIDATION_ERROR)',
    ]);
  }, 90_000);

  it('a world where no scene pulse can be computed says so in one line (it read past an empty list before)', async () => {
    const { code, stderr } = await demo(['--artists', '20', '--end', '1000-06-01']);
    expect(code).toBe(1);
    expect(stderr).not.toMatch(STACK);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^demo: reading the scenes failed: no scene pulse could be computed \(70 scenes: .*\); the source reads above say why$/,
      ),
    ]);
  }, 90_000);

  it('prints the stack too with SCENE_RADAR_DEBUG set', async () => {
    const { code, stderr } = await demo(['--artists', '1', '--end', '1000-01-01'], { SCENE_RADAR_DEBUG: '1' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^demo: backfilling the scene trends failed: .*\(SCENES_VALIDATION_ERROR\)$/m);
    expect(stderr).toMatch(STACK);
  }, 90_000);

  it('a day before the year 1000 is a mistake on the command line (exit 2, the usage)', async () => {
    const { code, stderr } = await demo(['--artists', '1', '--end', '0999-06-01']);
    expect(code).toBe(2);
    expect(stderr).not.toMatch(STACK);
    expect(stderr).toMatch(/^demo: --end must be a day in the years 1000-9999, got "0999-06-01"\nusage: npm run demo/);
  }, 90_000);
});

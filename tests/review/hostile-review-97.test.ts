/**
 * Hostile review 97: the examples/ folder run the way a new user runs it (`npx tsx <file> ...`),
 * each in a child process (its own process group, killed in `finally`), one at a time, on small
 * demo worlds. Every test asserts what the docs promise and fails on the code it was written
 * against (see the report of review 97 for the lines at fault).
 *
 * Promises relied on:
 * - README.md:92-93 (and examples/next/README.md:41): every host example is "runnable with
 *   `npx tsx <file> --port 8787` (`SCENE_RADAR_DEMO_ARTISTS=60` builds a smaller, faster world)".
 * - examples/demo-radar.ts:204-207 (`runExample`, which every host example uses): "A bad flag exits
 *   2 and a port in use 1, each with one line naming it"; its usage line gives
 *   `[--artists <1-100000>]`. express/fastify/hono/ar-radar/ui-host keep that promise
 *   (`--artists 0` exits 2: "express example: artists must be an integer from 1 to 100000, got 0").
 * - examples/next/README.md:33-37: `serve.ts` stands in for Next (which logs an error thrown by a
 *   route handler) so that "tests and curl can reach the route".
 * - docs/backtesting.md:27: `npx tsx examples/backtest-tabular.ts --out /tmp/backtest   # prints a
 *   table; writes example-label.md and .json`; examples/backtest-tabular.ts:9-10: "with `--out`,
 *   writes `<dir>/example-label.md` and `.json`".
 * - examples/ar-radar-readonly.ts:1-15 (an A&R product "serves the API kit's routes" and its
 *   shortlist) prints `try: curl -s '<url>/api/talent/top?category=breakout&limit=5'` as the first
 *   request to make; README.md:160-163 already knows the breakout list "on the demo world ... is
 *   empty".
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');

/** A stack frame line, as Node prints an uncaught error. */
const STACK = /^\s+at /m;

const temps: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-review-97-'));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves with the exit code (128 + n for a signal). */
  readonly exited: Promise<number>;
}

/** `npx tsx <script> ...args` from the repository root, in its own process group. */
function launch(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(TSX, [script, ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '', SCENE_RADAR_DEMO_ARTISTS: '20', ...env },
  });
  const run: Run = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => {
      child.on('exit', (code, signal) => resolve(code ?? (signal === null ? -1 : 128)));
    }),
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    run.stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    run.stderr += chunk.toString();
  });
  return run;
}

/** Kills the whole process group of `run` (tsx and the node it started). */
function kill(run: Run): void {
  if (run.child.pid === undefined || run.child.exitCode !== null) return;
  try {
    process.kill(-run.child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the example prints its URL (resolves with it) or exits (resolves with null). */
async function listening(run: Run, timeoutMs = 45_000): Promise<string | null> {
  let done = false;
  void run.exited.then(() => {
    done = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /listening on (http:\/\/\S+)/.exec(run.stdout);
    if (match) return match[1]!;
    if (done) return null;
    await sleep(100);
  }
  throw new Error(`no "listening on" line within ${timeoutMs} ms\n${run.stdout}\n${run.stderr}`);
}

/** Waits until the example's stdout matches `pattern` (resolves with the match) or it exits (null). */
async function printed(run: Run, pattern: RegExp, timeoutMs = 45_000): Promise<RegExpExecArray | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = pattern.exec(run.stdout);
    if (match) return match;
    if (run.child.exitCode !== null || run.child.signalCode !== null) return pattern.exec(run.stdout);
    await sleep(100);
  }
  return null;
}

/** Waits for the exit code, at most `ms`; null when still running. */
const exitWithin = (run: Run, ms: number): Promise<number | null> =>
  Promise.race([run.exited, sleep(ms).then(() => null)]);

describe('examples/next/serve.ts, the Next route without Next', () => {
  it('README.md:93 / demo-radar.ts:206: `--artists 0` exits 2 with one line, as every other host example does', async () => {
    const run = launch('examples/next/serve.ts', ['--port', '0', '--artists', '0']);
    try {
      const url = await listening(run);
      let firstAnswer = 'none';
      if (url !== null) {
        // It listens: what the first request it prints gets.
        const response = await fetch(`${url}/api/talent/pulse?limit=5`);
        firstAnswer = `${response.status} ${(await response.text()).slice(0, 120)}`;
      }
      const code = await exitWithin(run, 5_000);
      expect({ code, listening: url !== null }, `first request answered: ${firstAnswer}`).toEqual({
        code: 2,
        listening: false,
      });
      expect(run.stderr).toMatch(/artists must be an integer from 1 to 100000, got 0/);
      expect(run.stderr).not.toMatch(STACK);
    } finally {
      kill(run);
    }
  }, 60_000);

  it('examples/next/README.md:33-41: a route that throws is reported on stderr, not a silent 500', async () => {
    // The documented variable, mistyped: the route's radar cannot be built. Next would print the
    // route's error; the stand-in answers 500 and says nothing, so the user has no clue why.
    const run = launch('examples/next/serve.ts', ['--port', '0'], { SCENE_RADAR_DEMO_ARTISTS: 'sixty' });
    try {
      const url = await listening(run);
      // Fixed first by refusing the bad value at start (exit 2, a line naming it), as the other
      // examples do; a route that throws for another reason is still logged (onError), below.
      if (url === null) {
        expect(await exitWithin(run, 30_000)).toBe(2);
        expect(run.stderr).toMatch(/artists must be an integer/);
        return;
      }
      const response = await fetch(`${url}/api/talent/pulse?limit=5`);
      const body = (await response.json()) as { error?: { details?: { requestId?: string } } };
      expect(response.status).toBe(500);
      await sleep(500);
      // The reason (the demo world refused its size) or at least the request id, on stderr.
      expect(run.stderr).toMatch(/artists|SCENE_RADAR_DEMO_ARTISTS|Invalid demo world/);
      expect(run.stderr).toContain(String(body.error?.details?.requestId));
    } finally {
      kill(run);
    }
  }, 60_000);
});

describe('examples/backtest-tabular.ts --out', () => {
  it.each([
    ['--out=<dir> (the GNU long-option form)', (dir: string) => [`--out=${dir}`]],
    ['--out with its directory missing', () => ['--out']],
  ])(
    'docs/backtesting.md:27: %s either writes example-label.md and .json or refuses; never a silent exit 0',
    async (_name, argsFor) => {
      const dir = tempDir();
      const run = launch('examples/backtest-tabular.ts', argsFor(dir));
      try {
        const code = await exitWithin(run, 60_000);
        const wrote = existsSync(join(dir, 'example-label.md')) && existsSync(join(dir, 'example-label.json'));
        // Success must mean the files the user asked for exist; otherwise a non-zero exit naming --out.
        expect({ code, wrote, said: /--out/.test(run.stderr) }).toSatisfy(
          (r: { code: number | null; wrote: boolean; said: boolean }) => r.wrote || (r.code !== 0 && r.said),
        );
      } finally {
        kill(run);
      }
    },
    90_000,
  );

  it('an --out that cannot be a directory is one line naming it, not a stack trace', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    const run = launch('examples/backtest-tabular.ts', ['--out', file]);
    try {
      const code = await exitWithin(run, 60_000);
      expect(code).not.toBe(0);
      expect(run.stderr).toContain(file);
      expect(run.stderr).not.toMatch(STACK);
    } finally {
      kill(run);
    }
  }, 90_000);
});

describe('examples/ar-radar-readonly.ts', () => {
  it('the first request it prints (`try: curl ...`) shows the A&R product at least one artist', async () => {
    // README.md:93's smaller world; README.md:160-163 says the breakout list is empty on the demo
    // world, so `category=breakout` cannot show anything there at any size.
    const run = launch('examples/ar-radar-readonly.ts', ['--port', '0'], { SCENE_RADAR_DEMO_ARTISTS: '60' });
    try {
      const url = await listening(run);
      expect(url).not.toBeNull();
      // The `try:` line is a second write after the `listening on` line: on a loaded machine the
      // pipe delivers it in a later chunk, so it is waited for, not read at once.
      const tried = (await printed(run, /try: curl -s '([^']+)'/))?.[1];
      expect(tried).toBeDefined();
      const response = await fetch(tried!);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data: { artists?: unknown[]; total?: number } };
      expect(
        body.data.artists?.length ?? 0,
        `${tried!.replace(url!, '')} answered ${body.data.total} artists`,
      ).toBeGreaterThan(0);
    } finally {
      kill(run);
    }
  }, 60_000);
});

/**
 * Hostile review 174: the lifecycle of the server process a production host runs, as child
 * processes: `scene-radar serve --demo` (src/cli/bin.ts, src/cli/commands.ts, src/cli/serve.ts)
 * and `npm run serve` (scripts/serve.ts, run as `node --import tsx scripts/serve.ts`), against
 * docs/cli.md (and scripts/serve.ts's own header; docs/operations.md says nothing of the process's
 * signals or exit codes). Probed: SIGTERM and SIGINT while building the world and while serving, a
 * second signal, a request in flight at the stop, an idle keep-alive connection at SIGTERM, a port in
 * use up front and one taken while the world is built, invalid `--port`, `--host` and rate-limit
 * environment variables, what stdout and stderr carry at exit, and that nothing is left listening.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: `closeServer`
 * drains, closing idle connections at once and each busy one after its answer, cutting the rest
 * after 10 s). FAULTS:
 *
 * 1. src/cli/serve.ts, closeServer() (line 73-78: `server.closeAllConnections()` called right after
 *    `server.close()`): the stop that SIGTERM/SIGINT triggers in both `scene-radar serve`
 *    (src/cli/commands.ts:192 `await running.close()`) and `npm run serve` (scripts/serve.ts:231)
 *    destroys the socket of every request still in progress, so the client gets a cut connection
 *    (ECONNRESET / socket hang up) instead of an answer, and the process still exits 0 as having
 *    "closed cleanly" (docs/cli.md). A rolling deploy's SIGTERM turns each request in progress into
 *    a client-side network error. Pinned in-process (deterministic: one request held in flight via
 *    `wrapListener`, then `close()`); through the process under load, requests the server had already
 *    read (their `100 Continue` sent) were seen cut in most runs, a varying number.
 *    Fix: `server.close()` + `server.closeIdleConnections()` (idle keep-alive sockets still go at
 *    once), wait for in-flight responses to finish up to a bound (e.g. 10 s, closing each connection
 *    after its answer), and only then `closeAllConnections()`.
 *
 * Verified correct (plain `it`): SIGTERM and SIGINT while the demo world is built stop
 * `scene-radar serve` with 130 and `interrupted`, no stack trace; SIGTERM while serving, with an
 * idle keep-alive connection open, exits 0 at once, closes that connection, prints the stopping line
 * and frees the port; a second Ctrl-C while stopping exits at once (0 or 130); a port in use fails
 * at once with exit 1 naming the port, before any building; a port taken while the world is built
 * fails with exit 1 naming the address; an out-of-range or non-numeric `--port` and an empty
 * `--host` are usage mistakes (exit 2, the usage printed); a `--host` that does not resolve is exit 1
 * naming the flag; `npm run serve` closes on SIGTERM with exit 0 and frees its port, stops promptly
 * on a SIGTERM while it builds (by the signal: its handlers are installed once it serves), and
 * refuses a bad `--port` or `SCENE_RADAR_RATE_LIMIT` with exit 2 naming it. No stack trace or
 * unhandled-rejection output in any of these.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { serveRadar } from '../../src/cli/serve.js';
import { createSceneRadar, fixedClock } from '../../src/index.js';
import { tsEntry } from '../helpers/ts-entry.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'src/cli/bin.ts');
const SCRIPT = join(ROOT, 'scripts/serve.ts');
/** A hang fails the test rather than blocking it (a bound, not a timing assertion). */
const HANG_MS = 20_000;

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

interface Running {
  readonly child: ChildProcess;
  out(): string;
  err(): string;
  readonly exited: Promise<Exit>;
}

const children = new Set<ChildProcess>();
const servers = new Set<Server>();
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const server of servers) server.close();
});

function run(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [...tsEntry(script), ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      NO_COLOR: '1',
      SCENE_RADAR_DEBUG: '',
      SCENE_RADAR_RATE_LIMIT: '',
      SCENE_RADAR_RATE_WINDOW: '',
      SCENE_RADAR_POSTGRES_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d;
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d;
  });
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, out: () => out, err: () => err, exited };
}

/** `promise`, or a rejection naming `what` after {@link HANG_MS}. */
function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${HANG_MS} ms`)), HANG_MS);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Resolves once the child's stdout (or stderr) matches `pattern`; rejects if it exits first. */
function waitFor(running: Running, pattern: RegExp, stream: 'out' | 'err' = 'out'): Promise<RegExpExecArray> {
  return bounded(
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(stream === 'out' ? running.out() : running.err());
        if (match) {
          clearInterval(timer);
          resolve(match);
        }
      };
      const timer = setInterval(check, 25);
      void running.exited.then(() => {
        check();
        clearInterval(timer);
        reject(new Error(`exited before ${pattern}: ${running.out()}\n${running.err()}`));
      });
    }),
    `waiting for ${pattern}`,
  );
}

const diagnostics = (err: string): string =>
  err
    .split('\n')
    .filter((l) => !l.startsWith('progress: '))
    .join('\n');

function noStackTrace(text: string): void {
  expect(text).not.toMatch(/\n\s+at [^\n]+:\d+:\d+/);
  expect(text).not.toMatch(/unhandled|UnhandledPromiseRejection/i);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * An idle keep-alive connection: one HTTP/1.1 request answered, the socket left open. Resolves
 * with a promise of its close.
 */
async function idleKeepAlive(port: number): Promise<{ closed: Promise<void>; firstAnswer: string }> {
  const socket = connect(port, '127.0.0.1');
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  let text = '';
  const firstAnswer = await bounded(
    new Promise<string>((resolve) => {
      socket.on('data', (d: Buffer) => {
        text += d;
        if (text.includes('\r\n\r\n')) resolve(text.slice(0, text.indexOf('\r\n')));
      });
      socket.once('connect', () =>
        socket.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`),
      );
    }),
    'the keep-alive answer',
  );
  return { closed, firstAnswer };
}

interface Answer {
  readonly status?: number;
  readonly error?: string;
}

/** A raw HTTP/1.1 client connection: requests written as text, answers read one by one. */
class RawHttp {
  private buffer = Buffer.alloc(0);
  private ended: string | null = null;
  private wake: () => void = () => undefined;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      this.ended ??= e.code ?? e.message;
      this.wake();
    });
    socket.on('close', () => {
      this.ended ??= 'closed without an answer';
      this.wake();
    });
  }

  static open(port: number): Promise<RawHttp> {
    return bounded(
      new Promise<RawHttp>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => resolve(new RawHttp(socket)));
        socket.once('error', reject);
      }),
      'a connection',
    );
  }

  send(text: string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(text, (e) => (e ? reject(e) : resolve())));
  }

  /** Whether the server sent a `100 Continue`: it has read the request and started its handler. */
  continued = false;

  /** The next final answer's status (1xx skipped, its body read by its Content-Length), or how the connection ended. */
  async response(): Promise<Answer> {
    for (;;) {
      const head = this.buffer.indexOf('\r\n\r\n');
      if (head >= 0) {
        const headers = this.buffer.subarray(0, head).toString('latin1');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1] ?? '0');
        if (status >= 100 && status < 200) {
          if (status === 100) this.continued = true;
          this.buffer = this.buffer.subarray(head + 4);
          continue;
        }
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(headers)?.[1] ?? '0');
        if (this.buffer.length >= head + 4 + length) {
          this.buffer = this.buffer.subarray(head + 4 + length);
          return { status };
        }
      }
      if (this.ended !== null) return { error: this.ended };
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}

describe('hostile review 174: scene-radar serve, start-up and stop', () => {
  // docs/cli.md: "Ctrl-C (SIGINT) or SIGTERM while a command is still importing, refreshing or
  // backtesting stops it at once with 130".
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s while the demo world is built stops it with 130 and "interrupted", no stack trace',
    async (signal) => {
      const serve = run(BIN, ['serve', '--demo', '--port', '0']);
      await waitFor(serve, /Building the demo world/);
      serve.child.kill(signal);
      const exit = await bounded(serve.exited, `serve after ${signal}`);
      expect(exit).toEqual({ code: 130, signal: null });
      expect(serve.out()).not.toContain('API on');
      expect(diagnostics(serve.err())).toContain('scene-radar serve: interrupted');
      noStackTrace(serve.err());
    },
  );

  // docs/cli.md: "SIGINT or SIGTERM closes the server, the radar and the pool, and exits 0";
  // "(`serve`, once it is serving, closes cleanly and exits 0)". A production host also expects an
  // idle keep-alive connection (a load balancer's) not to hold the process open.
  it('SIGTERM while serving, an idle keep-alive connection open: exit 0, that connection closed, the port freed', async () => {
    const port = await freePort();
    const serve = run(BIN, ['serve', '--demo', '--artists', '40', '--port', String(port)]);
    await waitFor(serve, /Ctrl-C stops it\./);
    const idle = await idleKeepAlive(port);
    expect(idle.firstAnswer).toBe('HTTP/1.1 200 OK');
    serve.child.kill('SIGTERM');
    const exit = await bounded(serve.exited, 'serve after SIGTERM with an idle keep-alive connection');
    expect(exit).toEqual({ code: 0, signal: null });
    await bounded(idle.closed, 'the idle connection closed');
    expect(serve.out()).toContain('Stopping: closing the server and the radar');
    expect(await listening(port)).toBe(false);
    expect(diagnostics(serve.err()).trim()).toBe('');
  });

  // docs/cli.md: "a second signal exits at once" (bin.ts: process.exit(130) on the second).
  it('Ctrl-C twice while serving: it exits (0 or 130), by a code, not by the signal, no stack trace', async () => {
    const port = await freePort();
    const serve = run(BIN, ['serve', '--demo', '--artists', '40', '--port', String(port)]);
    await waitFor(serve, /Ctrl-C stops it\./);
    serve.child.kill('SIGINT');
    serve.child.kill('SIGINT');
    const exit = await bounded(serve.exited, 'serve after two SIGINTs');
    expect(exit.signal).toBeNull();
    expect([0, 130]).toContain(exit.code);
    expect(await listening(port)).toBe(false);
    noStackTrace(serve.err());
  });

  // docs/cli.md: "The command exits ... 1 when it failed"; `--port`: "a port in use (or a `--host`
  // it cannot listen on) fails at once, before the import".
  it('a port in use fails at once: exit 1 naming the port, nothing built, no stack trace', async () => {
    const holder = createServer();
    servers.add(holder);
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const serve = run(BIN, ['serve', '--demo', '--port', String(address.port)]);
    const exit = await bounded(serve.exited, 'serve on a port in use');
    holder.close();
    expect(exit).toEqual({ code: 1, signal: null });
    expect(serve.out()).not.toContain('Building');
    expect(serve.err()).toContain(`--port ${address.port}: the address 127.0.0.1:${address.port} is already in use`);
    noStackTrace(serve.err());
  });

  // docs/cli.md: "2 for a usage mistake (an unknown flag, a missing, empty or bad value ...),
  // printing the command's usage"; `--port <n>`: 0 picks a free port (so 0-65535).
  it('a bad --port or an empty --host is a usage mistake (2, usage printed); an unknown host is exit 1 naming --host', async () => {
    const cases = [
      run(BIN, ['serve', '--demo', '--port', '70000']),
      run(BIN, ['serve', '--demo', '--port', 'http']),
      run(BIN, ['serve', '--demo', '--port', '0', '--host', '']),
      run(BIN, ['serve', '--demo', '--port', '0', '--host', 'no-such-host.invalid']),
    ];
    const exits = await bounded(Promise.all(cases.map((c) => c.exited)), 'the usage mistakes');
    expect(exits.map((e) => e.code)).toEqual([2, 2, 2, 1]);
    expect(cases[0]?.err()).toContain('--port must be an integer from 0 to 65535, got "70000"');
    expect(cases[1]?.err()).toContain('--port must be an integer from 0 to 65535, got "http"');
    expect(cases[2]?.err()).toMatch(/--host/);
    for (const c of cases.slice(0, 3)) expect(c.err()).toContain('usage: scene-radar serve');
    expect(cases[3]?.err()).toContain('--host no-such-host.invalid');
    for (const c of cases) {
      expect(c.out()).not.toContain('Building');
      noStackTrace(c.err());
    }
  });

  // The port is tried before the build, and taken by another process during it (a second instance
  // starting): the real listen fails. Exit 1 ("when it failed"), the address named, no stack trace.
  it('a port taken while the world is built: exit 1 naming the address, no stack trace, no API line', async () => {
    const port = await freePort();
    const serve = run(BIN, ['serve', '--demo', '--artists', '40', '--port', String(port)]);
    await waitFor(serve, /Building the demo world/);
    const thief = createServer();
    servers.add(thief);
    await new Promise<void>((resolve) => thief.listen(port, '127.0.0.1', resolve));
    const exit = await bounded(serve.exited, 'serve after its port was taken');
    thief.close();
    expect(exit).toEqual({ code: 1, signal: null });
    expect(serve.out()).not.toContain('API on');
    expect(diagnostics(serve.err())).toMatch(new RegExp(`EADDRINUSE[^\\n]*127\\.0\\.0\\.1:${port}`));
    noStackTrace(serve.err());
  });
});

// docs/cli.md: "(`serve`, once it is serving, closes cleanly and exits 0)". Where the docs are
// silent on requests in progress, a production host expects them drained (answered: a 200, or a
// 503 once the radar is closing) within a bound, not their connections cut.
//
// docs/cli.md: "SIGINT or SIGTERM closes the server, the radar and the pool, and exits 0";
// "(`serve`, once it is serving, closes cleanly and exits 0)". On SIGTERM both `scene-radar serve`
// (src/cli/commands.ts) and `npm run serve` (scripts/serve.ts) call `serveRadar(...).close()`
// (src/cli/serve.ts), then close the radar. Where the docs are silent on requests in progress, a
// production host expects them drained (answered) within a bound, not their connections cut.
// Under load through the process the cut shows as ECONNRESET on requests the server had already
// read (its `100 Continue` sent), but how many are in flight at that instant varies from run to run;
// here the same `close()` is driven in-process with one request held in flight on purpose (the
// listener wrapper `npm run serve` uses for its dashboard, `wrapListener`, delays it), so that the
// outcome does not depend on timing.
describe('hostile review 174: serveRadar().close(), the stop of both servers, with a request in flight', () => {
  const world = createDemoWorld({ artists: 20, end: '2026-11-28' });
  const NOW = new Date('2026-11-25T00:00:00.000Z');

  it('FAULT: close() cuts a request in flight (the socket is destroyed) instead of letting it be answered', async () => {
    const radar = createSceneRadar({ sources: world.sources, clock: fixedClock(NOW) });
    await radar.scenes.importCatalog(world.catalog);
    await radar.refresh(NOW);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => {
      started = resolve;
    });
    const running = await serveRadar(radar, {
      port: 0,
      rateLimit: 0,
      // `/held` is the health route, answered once the test lets it go: a request in progress.
      wrapListener: (api) => (req, res) => {
        if (req.url !== '/held') return api(req, res);
        started();
        void gate.then(() => {
          req.url = '/api/health';
          api(req, res);
        });
      },
    });
    const port = Number(new URL(running.url).port);
    const c = await RawHttp.open(port);
    try {
      await c.send(`GET /held HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      await bounded(inHandler, 'the held request reaching the server');
      // SIGTERM's path: close() while the request is in flight; the request then finishes.
      const closing = running.close();
      release();
      const answer = await bounded(c.response(), 'the held answer');
      await bounded(closing, 'close()');
      expect(answer).toEqual({ status: 200 });
    } finally {
      release();
      c.socket.destroy();
      await running.close().catch(() => undefined);
      await radar.close();
    }
  });
});

describe('hostile review 174: npm run serve (scripts/serve.ts)', () => {
  // scripts/serve.ts: "Ctrl-C (SIGINT) or SIGTERM closes the server and the radar."
  it('SIGTERM while serving, an idle keep-alive connection open: exit 0, the closing line, the port freed', async () => {
    const port = await freePort();
    const serve = run(SCRIPT, ['--port', String(port), '--artists', '40']);
    await waitFor(serve, /Ctrl-C stops it\./);
    const idle = await idleKeepAlive(port);
    expect(idle.firstAnswer).toBe('HTTP/1.1 200 OK');
    serve.child.kill('SIGTERM');
    const exit = await bounded(serve.exited, 'npm run serve after SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    await bounded(idle.closed, 'the idle connection closed');
    expect(serve.out()).toContain('SIGTERM: closing the server and the radar');
    expect(await listening(port)).toBe(false);
    expect(diagnostics(serve.err()).trim()).toBe('');
  });

  // Its handlers are installed once it serves: a SIGTERM while it builds takes Node's default action
  // (the process ends by the signal, as an unprepared server does). It must end, and promptly.
  it('SIGTERM while the demo world is built: it ends at once, nothing listening', async () => {
    const port = await freePort();
    const serve = run(SCRIPT, ['--port', String(port)]);
    await waitFor(serve, /Building the demo world/);
    serve.child.kill('SIGTERM');
    const exit = await bounded(serve.exited, 'npm run serve after SIGTERM while building');
    expect(exit.code === 0 || exit.code === 130 || exit.signal === 'SIGTERM').toBe(true);
    expect(serve.out()).not.toContain('API on');
    expect(await listening(port)).toBe(false);
    noStackTrace(serve.err());
  });

  // scripts/serve.ts's usage: `--port <0-65535>`, `--rate-limit` "env SCENE_RADAR_RATE_LIMIT";
  // main() exits 2 on a UsageError with the usage.
  it('a bad --port or SCENE_RADAR_RATE_LIMIT: exit 2 naming it, the usage printed, nothing built', async () => {
    const cases = [run(SCRIPT, ['--port', '65536']), run(SCRIPT, ['--port', '0'], { SCENE_RADAR_RATE_LIMIT: 'lots' })];
    const exits = await bounded(Promise.all(cases.map((c) => c.exited)), 'npm run serve usage mistakes');
    expect(exits).toEqual([
      { code: 2, signal: null },
      { code: 2, signal: null },
    ]);
    expect(cases[0]?.err()).toContain('--port must be an integer from 0 to 65535, got "65536"');
    expect(cases[1]?.err()).toContain('SCENE_RADAR_RATE_LIMIT must be an integer from 0 to 1000000, got "lots"');
    for (const c of cases) {
      expect(c.err()).toContain('usage: npm run serve');
      expect(c.out()).not.toContain('Building');
      noStackTrace(c.err());
    }
  });
});

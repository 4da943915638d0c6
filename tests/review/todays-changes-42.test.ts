/**
 * Review of the day's changes 42: commits bb8e23a (hostile review 176: `guardedClock` in
 * src/core/clock.ts used by `createSceneRadar`, the scene pulse microtask delivering a clock
 * failure, `radar.refresh()` reporting a clock failure, src/api/answer.ts's `hostRequestId`
 * promise handling, `rateLimit.key` objects as a 500 and primitives under String(key), the
 * family before the CORS hook, adapters/tabular/coerce.ts naming a promise cell) and 847d8c0
 * (hostile reviews 174/177: src/cli/serve.ts `closeServer` draining, src/cli/demo.ts failed-read
 * notes and n/a signals, src/cli/report.ts `kept - lost`, src/backtest/markdown.ts console table's
 * unscored lines).
 *
 * Tests named "FAULT:" failed on the code as reviewed, 3 runs of 3 (fixed in the same commit: the
 * cache sweep's timer catches a failure and logs it; a scene pulse keeps CONFIG_INVALID; the
 * requestId and rateLimit.key guards read `then` inside a try; the demo's notes are one line; a
 * closed radar says RADAR_CLOSED before its clock's failure; the creation check takes the guard's
 * range). FAULTS:
 * 1. src/radar.ts:465 (the cache sweeper, `setInterval(() => caches.sweep())`) with
 *    src/core/cache/cache.ts:490: the sweep reads the now-guarded clock, so a clock that answers
 *    NaN after construction makes the 5-minute sweep throw CONFIG_INVALID from a timer, an
 *    uncaught exception that ends the host process (before the guard, sweep(NaN) removed nothing
 *    and threw nothing); a clock that throws ends it too. The changelog promises "never an
 *    uncaught exception".
 * 2. src/scenes/scene-pulse.ts:126 (`pulseFailureOf` drops a 500's error) and :201: with a clock
 *    broken after construction, `scenes.pulse.getScenePulse()` rejects SCENES_INTERNAL_ERROR
 *    "Scene pulse failed: <slug>" (the clock named only in a string cause), while the changelog
 *    says reads fail with CONFIG_INVALID naming the clock (getGlobalPulse does).
 * 3. src/api/answer.ts:80-81: `hostRequestId` reads `.then` of any object the requestId hook returns
 *    and calls it, outside a guard: a hook returning a revoked Proxy or an object whose `then`
 *    throws now fails every request with a 500, where the documented behaviour (and the code
 *    before) replaces a non-string id by a random UUID.
 * 4. src/cli/demo.ts:98: the new failed-read note prints `o.reason` as it is: a source error
 *    whose message holds a line break splits the note over two lines (report.ts passes host text
 *    through `oneLine`).
 * 5. src/radar.ts:579: `radar.refresh()` on a closed radar whose clock is broken rejects with the
 *    clock's CONFIG_INVALID, not RADAR_CLOSED ("after close(), every call rejects with RADAR_CLOSED").
 * 6. src/radar.ts:400 vs src/core/clock.ts:86: `createSceneRadar` accepts a clock answering a
 *    finite value no Date holds (1e16) while the guard refuses it on every read: a clock broken
 *    from the start is made into a radar whose every read then fails.
 */
import { Agent, request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDemoWorld } from '../../adapters/memory/index.js';
import {
  type BacktestOptions,
  type BacktestScorer,
  backtestConsoleTable,
  backtestJson,
  parseBacktestJson,
  runBacktest,
} from '../../src/backtest/index.js';
import { createFetchHandler, createMemoryRateLimiter } from '../../src/api/index.js';
import { printDemo } from '../../src/cli/demo.js';
import type { CliIo } from '../../src/cli/io.js';
import type { OpenedRadar } from '../../src/cli/open-radar.js';
import { refreshLines } from '../../src/cli/report.js';
import { SERVE_DRAIN_MS, serveRadar } from '../../src/cli/serve.js';
import type { SceneRadarSources } from '../../src/contracts/sources.js';
import { guardedClock } from '../../src/core/clock.js';
import {
  type Clock,
  createSceneRadar,
  ERROR_CODES,
  fixedClock,
  type SceneRadar,
  type SceneRadarRefreshReport,
} from '../../src/index.js';

const T = new Date('2026-11-25T00:00:00Z');
const world = createDemoWorld({ artists: 30, end: '2026-11-28' });
const sceneSlug = world.catalog.scenes[0]!.slug;
const CACHE_SWEEP_MS = 5 * 60_000;

// ---------------------------------------------------------------------------------------------
// Process guard: what escapes as an unhandled rejection or an uncaught exception during a test.
// ---------------------------------------------------------------------------------------------

type Listener = (...args: unknown[]) => void;
const escaped: string[] = [];
let saved: { rejection: Listener[]; exception: Listener[] } | undefined;
const onRejection = (reason: unknown): void => void escaped.push(`unhandledRejection: ${String(reason)}`);
const onException = (error: unknown): void => void escaped.push(`uncaughtException: ${String(error)}`);

beforeEach(() => {
  escaped.length = 0;
  saved = {
    rejection: process.listeners('unhandledRejection') as Listener[],
    exception: process.listeners('uncaughtException') as Listener[],
  };
  process.removeAllListeners('unhandledRejection');
  process.removeAllListeners('uncaughtException');
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
});

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await settle();
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
  for (const l of saved?.rejection ?? []) process.on('unhandledRejection', l);
  for (const l of saved?.exception ?? []) process.on('uncaughtException', l);
});

const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 10));
};

/** `p`, or a rejection naming `what` after `ms`: nothing in this file may hang. */
function within<X>(p: Promise<X>, what: string, ms = 20_000): Promise<X> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: ${what}`)), ms);
  });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

/** The error a call rejected with (fails when it resolves). */
async function rejection(p: Promise<unknown>, what = 'call'): Promise<{ code?: unknown; message?: unknown }> {
  try {
    await within(p, what);
  } catch (e) {
    return (e ?? {}) as { code?: unknown; message?: unknown };
  }
  throw new Error(`${what} resolved`);
}

/** A clock that tells T until `mode` is changed. */
function switchableClock(): Clock & { mode: 'ok' | 'throw' | 'nan' } {
  const base = fixedClock(T);
  const clock = {
    mode: 'ok' as 'ok' | 'throw' | 'nan',
    now(): number {
      if (clock.mode === 'throw') throw new Error('the host clock broke');
      if (clock.mode === 'nan') return Number.NaN;
      return base.now();
    },
  };
  return clock;
}

async function makeRadar(clock: Clock, sources: SceneRadarSources = world.sources): Promise<SceneRadar> {
  const radar = createSceneRadar({ sources, clock });
  await radar.scenes.importCatalog(world.catalog);
  return radar;
}

async function envelopeCode(res: Response): Promise<string | undefined> {
  const body = (await res.json()) as { ok: boolean; error?: { code?: string } };
  return body.ok ? undefined : body.error?.code;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------------------------------------
// guardedClock
// ---------------------------------------------------------------------------------------------

describe('guardedClock: valid clocks unchanged', () => {
  it('answers every instant a Date holds exactly as the host clock does (fraction, negative, -0, both ends)', () => {
    for (const v of [1.5e12 + 0.25, -1e12, -0, 0, 8.64e15, -8.64e15])
      expect(Object.is(guardedClock({ now: () => v }).now(), v)).toBe(true);
  });

  it('reads the host clock once per now(), as its own method (this bound), live (a later edit of now is seen)', () => {
    let calls = 0;
    const host = {
      t: 1_700_000_000_000,
      now(this: { t: number }): number {
        calls++;
        return this.t;
      },
    };
    const g = guardedClock(host);
    expect(g.now()).toBe(1_700_000_000_000);
    expect(calls).toBe(1);
    host.t = 5;
    expect(g.now()).toBe(5);
    expect(calls).toBe(2);
  });

  it('refuses past the Date range, NaN, text and a throw with CONFIG_INVALID naming the clock', () => {
    const bad: Clock[] = [
      { now: () => 8.64e15 + 1 },
      { now: () => Number.NaN },
      { now: () => '1' as unknown as number },
      {
        now: () => {
          throw new Error('x');
        },
      },
    ];
    for (const c of bad) {
      let got: { code?: unknown; message?: unknown } | undefined;
      try {
        guardedClock(c).now();
      } catch (e) {
        got = e as { code?: unknown; message?: unknown };
      }
      expect(got?.code).toBe('CONFIG_INVALID');
      expect(String(got?.message)).toMatch(/^clock: /);
    }
  });

  it('a radar keeps the host clock as radar.clock (fixedClock.advance still reachable) and reads moved instants', async () => {
    const clock = fixedClock(T);
    const radar = await makeRadar(clock);
    expect(radar.clock).toBe(clock);
    const report = await within(radar.refresh(), 'refresh');
    expect(report.talent.asOf).toBe(T.toISOString());
    await radar.close();
  });

  it('FAULT: createSceneRadar accepts a clock answering 1e16 (finite, but no Date holds it) that the guard refuses on every read', () => {
    let code: unknown;
    try {
      const radar = createSceneRadar({ sources: world.sources, clock: { now: () => 1e16 } });
      void radar.close();
    } catch (e) {
      code = (e as { code?: unknown }).code;
    }
    expect(code).toBe('CONFIG_INVALID');
  });
});

// ---------------------------------------------------------------------------------------------
// A clock broken after construction
// ---------------------------------------------------------------------------------------------

describe('a host clock that breaks after construction', () => {
  it("FAULT: the radar's 5-minute cache sweep reads the guarded clock: a NaN or throwing clock throws CONFIG_INVALID from a timer", async () => {
    const thrown: string[] = [];
    for (const mode of ['nan', 'throw'] as const) {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      const clock = switchableClock();
      const radar = createSceneRadar({ sources: world.sources, clock });
      clock.mode = mode;
      try {
        vi.advanceTimersByTime(CACHE_SWEEP_MS);
      } catch (e) {
        thrown.push(`${mode}: ${String((e as { code?: unknown }).code ?? e)}`);
      }
      clock.mode = 'ok';
      await radar.close();
      vi.useRealTimers();
    }
    // Correct: a timer callback never throws (it would be an uncaught exception ending the host).
    expect(thrown).toEqual([]);
  });

  it('a healthy clock: the sweep runs without throwing (the fake-timer check above can pass)', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const radar = createSceneRadar({ sources: world.sources, clock: switchableClock() });
    expect(() => vi.advanceTimersByTime(CACHE_SWEEP_MS * 2)).not.toThrow();
    await radar.close();
  });

  it('FAULT: getScenePulse rejects SCENES_INTERNAL_ERROR "Scene pulse failed", not the CONFIG_INVALID naming the clock', async () => {
    const clock = switchableClock();
    const radar = await makeRadar(clock);
    await radar.refresh();
    clock.mode = 'throw';
    const got = await rejection(radar.scenes.pulse.getScenePulse(sceneSlug), 'scene pulse');
    clock.mode = 'ok';
    await radar.close();
    expect(await settleEscapes()).toEqual([]);
    expect({ code: got.code, names: /clock/.test(String(got.message)) }).toEqual({
      code: 'CONFIG_INVALID',
      names: true,
    });
  });

  it('pinned: global pulses and radar.refresh() reject CONFIG_INVALID naming the clock; nothing escapes; nothing cached as a failure', async () => {
    const clock = switchableClock();
    const radar = await makeRadar(clock);
    await radar.refresh();
    for (const mode of ['throw', 'nan'] as const) {
      clock.mode = mode;
      // Each call made when awaited: a rejection waiting its turn would be this test's own unhandled one.
      for (const call of [
        () => radar.scenes.pulse.getGlobalPulse(),
        () => radar.talent.aggregator.buildGlobalPulse({ limit: 3 }),
        () => radar.refresh(),
      ]) {
        const e = await rejection(call(), mode);
        expect(e.code).toBe('CONFIG_INVALID');
        expect(String(e.message)).toMatch(/^clock: /);
      }
      const batch = await within(radar.scenes.pulse.batchProcessScenes([sceneSlug]), 'batch');
      expect(batch[0]).toMatchObject({ slug: sceneSlug, status: 'error' });
      expect(String(batch[0]!.message)).toMatch(/CONFIG_INVALID: clock/);
    }
    clock.mode = 'ok';
    const pulse = await within(radar.scenes.pulse.getScenePulse(sceneSlug), 'pulse after');
    expect(pulse.scene_slug).toBe(sceneSlug);
    expect((await within(radar.refresh(), 'refresh after')).talent.asOf).toBe(T.toISOString());
    await radar.close();
    expect(await settleEscapes()).toEqual([]);
  });

  it('FAULT: radar.refresh() on a closed radar with a broken clock rejects CONFIG_INVALID, not RADAR_CLOSED', async () => {
    const clock = switchableClock();
    const radar = await makeRadar(clock);
    await radar.close();
    clock.mode = 'throw';
    const e = await rejection(radar.refresh(), 'refresh after close');
    clock.mode = 'ok';
    expect(e.code).toBe('RADAR_CLOSED');
  });

  it("pinned: over HTTP a broken clock is the family's 500 (Scenes and Talent), and /health still answers", async () => {
    const clock = switchableClock();
    const radar = await makeRadar(clock);
    await radar.refresh();
    const errors: unknown[] = [];
    const handler = createFetchHandler(radar, { onError: (e) => void errors.push(e) });
    clock.mode = 'throw';
    const scenes = await within(handler(new Request('http://r.test/api/scene-pulse?limit=3')), 'scenes');
    const talent = await within(handler(new Request('http://r.test/api/talent/pulse?limit=3')), 'talent');
    const health = await within(handler(new Request('http://r.test/api/health')), 'health');
    clock.mode = 'ok';
    expect([scenes.status, await envelopeCode(scenes)]).toEqual([500, 'SCENES_INTERNAL_ERROR']);
    expect([talent.status, await envelopeCode(talent)]).toEqual([500, 'TALENT_INTERNAL_ERROR']);
    expect([200, 503]).toContain(health.status);
    expect(errors.some((e) => (e as { code?: unknown }).code === 'CONFIG_INVALID')).toBe(true);
    await radar.close();
  });
});

async function settleEscapes(): Promise<string[]> {
  await settle();
  return [...escaped];
}

// ---------------------------------------------------------------------------------------------
// The fetch handler's hooks
// ---------------------------------------------------------------------------------------------

describe('fetch handler: requestId and rateLimit.key', () => {
  let radar: SceneRadar;
  beforeAll(async () => {
    radar = await makeRadar(fixedClock(T));
    await radar.refresh();
  });
  afterAll(async () => {
    await radar.close();
  });
  const url = 'http://r.test/api/talent/pulse?limit=1';

  it('FAULT: a requestId hook answering a revoked Proxy or an object whose then() throws: a 500, not a fresh UUID', async () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const odd: unknown[] = [
      proxy,
      {
        // biome-ignore lint/suspicious/noThenProperty: a hand-made thenable whose then() throws
        then() {
          throw new Error('then broke');
        },
      },
    ];
    const got: [number, boolean][] = [];
    for (const id of odd) {
      const handler = createFetchHandler(radar, { requestId: () => id as string, onError: () => undefined });
      const res = await within(handler(new Request(url)), 'request');
      got.push([res.status, UUID.test(res.headers.get('x-request-id') ?? '')]);
    }
    // Documented: "An id that cannot be sent in a header (not a string, ...) is replaced by a random UUID".
    expect(got).toEqual([
      [200, true],
      [200, true],
    ]);
  });

  it('pinned: an async requestId hook that rejects: a 200 with a UUID, no unhandled rejection', async () => {
    const handler = createFetchHandler(radar, {
      requestId: (() => Promise.reject(new Error('lookup down'))) as unknown as (r: Request) => string,
    });
    const res = await within(handler(new Request(url)), 'request');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(UUID);
    expect(await settleEscapes()).toEqual([]);
  });

  it('pinned: rateLimit.key answering a rejected promise or a function is the Talent 500 with onError; no unhandled rejection; limiter untouched', async () => {
    const consumed: string[] = [];
    const limiter = createMemoryRateLimiter({ limit: 5 });
    for (const key of [() => Promise.reject(new Error('k')), () => () => 'x']) {
      const causes: unknown[] = [];
      const handler = createFetchHandler(radar, {
        rateLimit: {
          limiter: {
            consume: (k) => {
              consumed.push(k);
              return limiter.consume(k);
            },
          },
          key: key as unknown as (r: Request) => string,
        },
        onError: (e) => void causes.push(e),
      });
      const res = await within(handler(new Request(url)), 'request');
      expect(res.status).toBe(500);
      expect(await envelopeCode(res)).toBe('TALENT_INTERNAL_ERROR');
      expect(causes).toHaveLength(1);
      expect(String(causes[0])).toMatch(/rateLimit\.key must return a string/);
    }
    expect(consumed).toEqual([]);
    expect(await settleEscapes()).toEqual([]);
  });

  it('pinned: primitive keys are counted under their text (Symbol("a") twice shares "Symbol(a)"; 7 and "7" share one window)', async () => {
    const consumed: string[] = [];
    const limiter = createMemoryRateLimiter({ limit: 1 });
    const keys: unknown[] = [Symbol('a'), Symbol('a'), 7, '7'];
    let i = 0;
    const handler = createFetchHandler(radar, {
      rateLimit: {
        limiter: {
          consume: (k) => {
            consumed.push(k);
            return limiter.consume(k);
          },
        },
        key: (() => keys[i++]) as unknown as (r: Request) => string,
      },
    });
    const statuses: number[] = [];
    for (let n = 0; n < keys.length; n++) statuses.push((await within(handler(new Request(url)), 'request')).status);
    expect(consumed).toEqual(['Symbol(a)', 'Symbol(a)', '7', '7']);
    expect(statuses).toEqual([200, 429, 200, 429]);
  });

  it('pinned: a CORS origin function that throws on a Talent route is TALENT_INTERNAL_ERROR, on a Scenes route SCENES_INTERNAL_ERROR', async () => {
    const handler = createFetchHandler(radar, {
      cors: {
        origin: () => {
          throw new Error('cors broke');
        },
      },
      onError: () => undefined,
    });
    const init = { headers: { origin: 'https://a.example' } };
    const t = await within(handler(new Request(url, init)), 'talent');
    const s = await within(handler(new Request('http://r.test/api/scene-pulse?limit=1', init)), 'scenes');
    expect([t.status, await envelopeCode(t)]).toEqual([500, 'TALENT_INTERNAL_ERROR']);
    expect([s.status, await envelopeCode(s)]).toEqual([500, 'SCENES_INTERNAL_ERROR']);
  });
});

// ---------------------------------------------------------------------------------------------
// serve: closeServer draining
// ---------------------------------------------------------------------------------------------

describe('serveRadar close(): drains', () => {
  let radar: SceneRadar;
  beforeAll(async () => {
    radar = await makeRadar(fixedClock(T));
    await radar.refresh();
  });
  afterAll(async () => {
    await radar.close();
  });

  /** A GET over node:http (its own agent), answering status and body, or the error's code. */
  function get(base: string, path: string, agent?: Agent): Promise<{ status?: number; body?: string; error?: string }> {
    return new Promise((resolve) => {
      const req = httpRequest(`${base}${path}`, agent ? { agent } : {}, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body }));
        res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
      });
      req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
      req.end();
    });
  }

  it('a server with no connection closes at once, and its drain timers are cleared', async () => {
    const setSpy = vi.spyOn(globalThis, 'setInterval');
    const clearSpy = vi.spyOn(globalThis, 'clearInterval');
    const running = await serveRadar(radar, { port: 0 });
    await within(running.close(), 'close');
    const sweeps = setSpy.mock.results.filter((_r, i) => setSpy.mock.calls[i]![1] === 50).map((r) => r.value);
    expect(sweeps).toHaveLength(1);
    expect(clearSpy.mock.calls.map((c) => c[0])).toContain(sweeps[0]);
  });

  it('a request in flight at close gets its answer; an idle keep-alive connection does not hold the close', async () => {
    let started!: () => void;
    const inFlight = new Promise<void>((r) => (started = r));
    const running = await serveRadar(radar, {
      port: 0,
      wrapListener: (api) => (req, res) => {
        if (req.url === '/slow') {
          started();
          setTimeout(() => res.end('slow done'), 200);
          return;
        }
        void api(req, res);
      },
    });
    const agent = new Agent({ keepAlive: true });
    try {
      const warm = await within(get(running.url, '/api/health', agent), 'warm');
      expect(warm.status).toBe(200);
      const slow = get(running.url, '/slow');
      await within(inFlight, 'slow request reached');
      const closing = running.close();
      const answer = await within(slow, 'slow answer');
      expect(answer).toEqual({ status: 200, body: 'slow done' });
      await within(closing, 'close');
    } finally {
      agent.destroy();
    }
  });

  it('a request that never finishes is cut after SERVE_DRAIN_MS (fake timers: no 10 s wait); close() resolves', async () => {
    let started!: () => void;
    const inFlight = new Promise<void>((r) => (started = r));
    const running = await serveRadar(radar, {
      port: 0,
      wrapListener: (api) => (req, res) => {
        if (req.url === '/never') {
          started();
          return;
        }
        void api(req, res);
      },
    });
    const never = get(running.url, '/never');
    await within(inFlight, 'request reached');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    let closed = false;
    const closing = running.close().then(() => {
      closed = true;
    });
    vi.advanceTimersByTime(SERVE_DRAIN_MS);
    vi.useRealTimers();
    await within(closing, 'close after the drain');
    expect(closed).toBe(true);
    const got = await within(never, 'the cut request');
    expect(got.status).toBeUndefined();
    expect(got.error).toBeDefined();
  });

  it('a second close() after the first settles (does not hang)', async () => {
    const running = await serveRadar(radar, { port: 0 });
    await within(running.close(), 'first close');
    const second = await within(
      running.close().then(
        () => 'resolved',
        (e: unknown) => `rejected ${String((e as { code?: unknown }).code)}`,
      ),
      'second close',
    );
    expect(second).toMatch(/^(resolved|rejected)/);
  });
});

// ---------------------------------------------------------------------------------------------
// CLI printouts: demo notes, refresh report, backtest console table
// ---------------------------------------------------------------------------------------------

function capture(): CliIo & { readonly lines: string[]; readonly errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

describe('printDemo: failed reads named', () => {
  let opened: OpenedRadar;
  let failWith: string | null = null;
  beforeAll(async () => {
    const mig = world.sources.mig!;
    const sources: SceneRadarSources = {
      ...world.sources,
      mig: {
        ...mig,
        getNetworks: (s, o) => (failWith !== null ? Promise.reject(new Error(failWith)) : mig.getNetworks(s, o)),
      },
    };
    const radar = await makeRadar(fixedClock(T), sources);
    const refresh = await radar.refresh();
    opened = {
      radar,
      title: 'review world',
      tables: 'in memory',
      sources: [],
      importReport: undefined,
      folder: undefined,
      refresh,
      asOf: refresh.talent.asOf,
      close: () => radar.close(),
    };
  });
  afterAll(async () => {
    await opened.close();
  });

  // The profile is cached (the clock is fixed): each print reads it afresh.
  const print = async (): Promise<string[]> => {
    await opened.radar.talent.aggregator.clearCache();
    const io = capture();
    await printDemo(opened, io);
    expect(io.errors).toEqual([]);
    return io.lines;
  };

  it('a read failing now is named in a note; healthy, no note', async () => {
    failWith = null;
    await opened.radar.talent.aggregator.clearCache();
    const healthy = capture();
    await printDemo(opened, healthy);
    expect(healthy.lines.filter((l) => /^ {2}note: \w+ read /.test(l))).toEqual([]);
    failWith = 'mig down';
    const lines = await print();
    failWith = null;
    expect(lines.filter((l) => /^ {2}note: \w+ read /.test(l))).toEqual([
      expect.stringMatching(/^ {2}note: network read failed \(.*mig down.*\): the scores are computed without it$/),
    ]);
  });

  it('FAULT: a source error message with a line break splits the note over two lines', async () => {
    failWith = 'mig down\nsecond line';
    const lines = await print();
    failWith = null;
    const notes = lines.filter((l) => /^ {2}note: \w+ read /.test(l));
    expect(notes).toHaveLength(1);
    expect(notes[0]).not.toMatch(/[\n\r]/);
  });
});

describe('refreshLines: kept - lost', () => {
  it('prints kept - lost, never negative with lost = kept, and names the lost', () => {
    const base = {
      talent: {
        asOf: T.toISOString(),
        scored: 1,
        artists: 1,
        insufficient: 0,
        kept: 0,
        durationMs: 1,
        universe: 'ok',
        universeReason: undefined,
        reads: {},
        failedReads: {},
      },
      scenes: {
        memberships: {
          memberships: 0,
          artists: 5,
          kept: 3,
          lost: 3,
          sources: { mig: { error: 3, timeout: 0 }, cmg: { error: 0, timeout: 0 } },
        },
        relationships: 0,
        snapshots: 0,
        warnings: [],
      },
    } as unknown as SceneRadarRefreshReport;
    const line = refreshLines(base).find((l) => l.startsWith('  scene reads failed:'));
    expect(line).toBe(
      '  scene reads failed: mig 3 error, 0 timeout; 0 artists kept their memberships, 3 placed in no scene (nothing earlier to keep)',
    );
  });
});

describe('backtestConsoleTable: unscored lines', () => {
  const at = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
  const fixed = (name: string, scores: Record<string, number>): BacktestScorer => ({
    name,
    score: ({ candidates }) => new Map(candidates.flatMap((s) => (s in scores ? [[s, scores[s]!] as const] : []))),
  });
  const options = (over: Partial<BacktestOptions> = {}): BacktestOptions => ({
    name: 'review-42',
    sources: {} as SceneRadarSources,
    cutoffs: [
      { asOf: at('2020-03-01'), split: 'train' },
      { asOf: at('2020-08-01'), split: 'test' },
    ],
    horizonDays: 30,
    candidates: () => ['a', 'b', 'c', 'd'],
    labels: () => ({ a: true, b: false, c: true, d: false }),
    resamples: 20,
    now: () => at('2024-01-01'),
    ...over,
  });

  it('counts, reasons (one line each), none for a failed scorer, and the same after parseBacktestJson', async () => {
    const broken: BacktestScorer = {
      name: 'broken',
      score: () => {
        throw new Error('no model');
      },
    };
    const reasons: BacktestScorer = {
      name: 'why',
      score: ({ candidates }) => ({
        scores: new Map([['a', 1]]),
        unscored: Object.fromEntries(candidates.filter((c) => c !== 'a').map((c) => [c, 'gone\nwith line'])),
      }),
    };
    const r = await runBacktest(
      options({
        scorer: fixed('model', { a: 0.9, b: 0.1, c: 0.6, d: 0.3 }),
        baselines: [fixed('one', { a: 1 }), broken, reasons],
      }),
    );
    const table = backtestConsoleTable(r);
    const lines = table.split('\n');
    expect(lines).toContain('one: 6 of 8 candidate-cutoffs unscored, ranked last: no score returned (6)');
    expect(lines).toContain('why: 6 of 8 candidate-cutoffs unscored, ranked last: gone with line (6)');
    expect(lines.filter((l) => l.startsWith('model:') || l.startsWith('broken:'))).toEqual([]);
    expect(lines.some((l) => l.startsWith('broken failed: '))).toBe(true);
    expect(backtestConsoleTable(parseBacktestJson(backtestJson(r)))).toBe(table);
  });

  it('a result file without `unscored` on a scorer is refused (BACKTEST_INVALID_INPUT), not printed with a TypeError', async () => {
    const r = await runBacktest(options({ baselines: [fixed('one', { a: 1 })] }));
    const json = JSON.parse(backtestJson(r)) as { baselines: Record<string, unknown>[] };
    delete json.baselines[0]!.unscored;
    let code: unknown;
    try {
      backtestConsoleTable(parseBacktestJson(JSON.stringify(json)));
    } catch (e) {
      code = (e as { code?: unknown }).code;
    }
    expect(code).toBe('BACKTEST_INVALID_INPUT');
    expect(Object.hasOwn(ERROR_CODES, 'CONFIG_INVALID')).toBe(true);
  });
});

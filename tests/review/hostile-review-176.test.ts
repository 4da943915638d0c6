/**
 * Hostile review 176: every callback a host hands the SDK, misbehaving. Reviewed: the radar's
 * `logger` (SceneRadarLogger: "A logger that throws is ignored"), `onProgress` ("Called
 * synchronously; one that throws is ignored"), `onSourceCall`, `hostFeatures[].read`, the `Clock`
 * (checked once by `createSceneRadar`, then read on every refresh and read); the fetch handler's
 * `requestId`, `rateLimit.key`, `allowSkipCache` ("one that throws, rejects or does not answer
 * within 5 s refuses it"), `cors.origin` as a function, `onError` ("a throwing hook is ignored");
 * the Node listener's `onError`; the tabular adapter's `map` hook and `aggregate` option. Each
 * one throws, rejects, returns the wrong type, never settles, or re-enters the radar (`close()`,
 * `refresh()`, reads from inside a logger, progress or source-call hook), with
 * `unhandledRejection` / `uncaughtException` caught on the process during every test (vitest's
 * own listeners are set aside meanwhile, so a crash is this file's finding, not the run's).
 * (src/backtest callbacks were reviewed elsewhere and are skipped.)
 *
 * Tests named "FAULT:" failed on the code as reviewed, 3 runs of 3 (fixed in the same commit: the
 * engines read a host clock through `guardedClock` (CONFIG_INVALID naming the clock), the pulse
 * microtask delivers a clock failure to its callers, `radar.refresh()` without an instant reports
 * the clock's failure; a promise from the requestId hook gets a handler; an object from
 * `rateLimit.key` is a 500; the family is known before the CORS origin hook; a promise in a
 * tabular cell is named and handled). FAULTS found:
 * 1. A clock whose `now()` throws after construction: a scene pulse read throws it from a
 *    `queueMicrotask` (src/scenes/scene-pulse.ts:601), an uncaught exception that ends a Node
 *    process; the read's callers then wait for the pulse deadline (30 s by default).
 * 2. The same clock: `talent.refresh()` and `talent.aggregator.buildGlobalPulse()` reject with the
 *    host's raw Error (no SDK code), and `radar.refresh()` (no `asOf` given) rejects
 *    `SCENES_VALIDATION_ERROR` "asOf must be a valid date" (src/radar.ts:559-566), blaming an
 *    argument the caller never passed.
 * 3. A clock whose `now()` turns NaN after construction: `scenes.pulse.getGlobalPulse()` and
 *    `talent.aggregator.buildGlobalPulse()` reject with a raw `RangeError: Invalid time value`
 *    (src/scenes/scene-pulse.ts:343, src/core/gateway/gateway.ts:304), no SDK code.
 * 4. A `requestId` hook that returns a rejected promise (an `async` id lookup): the handler
 *    discards the promise without a handler (src/api/answer.ts:78), an unhandled rejection.
 * 5. A `rateLimit.key` hook that returns a promise (an `async` key) or any object: the promise is
 *    used as the limiter's key (src/api/answer.ts:367), a new key per request, so rate limiting
 *    is silently off (every request 200, `ratelimit-remaining: 0`).
 * 6. A `cors.origin` function that throws on a Talent route: the 500 is `SCENES_INTERNAL_ERROR`,
 *    because the CORS headers are computed before the route family (src/api/answer.ts:315 vs 319).
 * 7. A tabular `map` that returns a row with a Promise in a cell (`weight: lookup(row)`, async):
 *    the rejection says "expected a number, found {}" (adapters/tabular/coerce.ts:102) and the
 *    promise's rejection is left unhandled (a row-level promise gets a handler; a cell's does not).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Clock,
  createSceneRadar,
  ERROR_CODES,
  fixedClock,
  type HostFeature,
  type SceneRadar,
  type SceneRadarOptions,
} from '../../src/index.js';
import { createFetchHandler, createMemoryRateLimiter } from '../../src/api/index.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import { toNodeListener } from '../../adapters/node/index.js';
import { createTabularSources, parseCsv, type TabularRowMaps } from '../../adapters/tabular/index.js';

type Logger = NonNullable<SceneRadarOptions['logger']>;
type ProgressHook = NonNullable<SceneRadarOptions['onProgress']>;

const T = new Date('2026-11-25T00:00:00Z');
const world = createDemoWorld({ artists: 30, end: '2026-11-28' });
const slugs = world.dataset.artistSlugs();
const sceneSlug = world.catalog.scenes[0]!.slug;

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
  // A few turns, so that a late rejection of the test's work is seen by this test's guard.
  await settle();
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
  for (const l of saved?.rejection ?? []) process.on('unhandledRejection', l);
  for (const l of saved?.exception ?? []) process.on('uncaughtException', l);
});

const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 10));
};

/** What escaped to the process so far in this test (after a few turns of the loop). */
async function escapes(): Promise<string[]> {
  await settle();
  return [...escaped];
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** `p`, or a rejection naming `what` after `ms`: nothing in this file may hang. */
function within<X>(p: Promise<X>, what: string, ms = 20_000): Promise<X> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: ${what}`)), ms);
  });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

/** How a call settled: `ok`, or the error's SDK code, or `raw:<name>: <message>` for an error without one. */
async function outcome(p: Promise<unknown>, what = 'call'): Promise<string> {
  try {
    await within(p, what);
    return 'ok';
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && Object.hasOwn(ERROR_CODES, code)) return code;
    return `raw:${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  }
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

async function makeRadar(extra: Partial<SceneRadarOptions> = {}, clock: Clock = fixedClock(T)): Promise<SceneRadar> {
  const radar = createSceneRadar({ sources: world.sources, clock, ...extra });
  await radar.scenes.importCatalog(world.catalog);
  return radar;
}

/** The artist records and the hottest scenes, as JSON: what a host reads after a refresh. */
async function results(radar: SceneRadar): Promise<string> {
  const scores = await radar.readOnly.getArtistScores(slugs);
  const pulse = await radar.scenes.pulse.getGlobalPulse();
  return JSON.stringify({ scores: scores.artists, hottest: pulse.hottest.map((p) => [p.scene_slug, p.heat]) });
}

let silentResults: string | undefined;
/** The results of a radar with no hooks at all, refreshed at T (computed once). */
async function silent(): Promise<string> {
  if (silentResults === undefined) {
    const radar = await makeRadar();
    await radar.refresh();
    silentResults = await results(radar);
    await radar.close();
  }
  return silentResults;
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

const pulseUrl = 'http://radar.test/api/talent/pulse?limit=3';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function envelopeCode(res: Response): Promise<string | undefined> {
  const body = (await res.json()) as { ok: boolean; error?: { code?: string } };
  return body.ok ? undefined : body.error?.code;
}

// ---------------------------------------------------------------------------------------------
// logger
// ---------------------------------------------------------------------------------------------

describe('logger: "A logger that throws is ignored" (SceneRadarOptions.logger)', () => {
  it('a logger whose every method and child() throw: the refresh resolves with the results of a silent radar', async () => {
    const calls: string[] = [];
    const logger: Logger = {
      info: () => {
        calls.push('info');
        throw new Error('info broke');
      },
      warn: () => {
        throw new Error('warn broke');
      },
      error: () => {
        throw new Error('error broke');
      },
      child: () => {
        throw new Error('child broke');
      },
    };
    const radar = await makeRadar({ logger });
    expect(await outcome(radar.refresh(), 'refresh')).toBe('ok');
    expect(calls.length).toBeGreaterThan(0);
    expect(await results(radar)).toBe(await silent());
    await radar.close();
    expect(await escapes()).toEqual([]);
  });

  it('a logger whose methods return rejected promises (async transport): no unhandled rejection, results unchanged', async () => {
    let calls = 0;
    const fail = async (): Promise<void> => {
      calls++;
      throw new Error('transport down');
    };
    const logger: Logger = { info: fail, warn: fail, error: fail };
    const radar = await makeRadar({ logger });
    expect(await outcome(radar.refresh(), 'refresh')).toBe('ok');
    expect(calls).toBeGreaterThan(0);
    expect(await results(radar)).toBe(await silent());
    await radar.close();
    expect(await escapes()).toEqual([]);
  });

  it('a child() that returns a number and methods that are not functions: ignored, the parent logs', async () => {
    const got: string[] = [];
    const logger = {
      info: (_o: Record<string, unknown>, m?: string) => void got.push(String(m)),
      warn: 42,
      error: 'no',
      child: () => 7,
    } as unknown as Logger;
    const radar = await makeRadar({ logger });
    expect(await outcome(radar.refresh(), 'refresh')).toBe('ok');
    expect(got).toContain('refresh finished');
    await radar.close();
    expect(await escapes()).toEqual([]);
  });

  it('a logger that closes the radar at "refresh started": the refresh rejects RADAR_CLOSED, close() resolves', async () => {
    let radar: SceneRadar | undefined;
    let closing: Promise<string> | undefined;
    const logger: Logger = {
      info: (_o, m) => {
        if (m === 'refresh started' && radar && !closing) closing = outcome(radar.close(), 'close');
      },
      warn: () => undefined,
      error: () => undefined,
    };
    radar = await makeRadar({ logger });
    expect(await outcome(radar.refresh(), 'refresh')).toBe('RADAR_CLOSED');
    expect(await closing).toBe('ok');
    expect(await outcome(radar.readOnly.getArtistScores(slugs), 'read after close')).toBe('RADAR_CLOSED');
    expect(await escapes()).toEqual([]);
  });

  it('a logger that starts another refresh at "refresh finished": both resolve, the results those of one refresh', async () => {
    let radar: SceneRadar | undefined;
    let again: Promise<string> | undefined;
    const logger: Logger = {
      info: (_o, m) => {
        if (m === 'refresh finished' && radar && !again) again = outcome(radar.refresh(), 'nested refresh');
      },
      warn: () => undefined,
      error: () => undefined,
    };
    radar = await makeRadar({ logger });
    expect(await outcome(radar.refresh(), 'refresh')).toBe('ok');
    expect(again).toBeDefined();
    expect(await again).toBe('ok');
    expect(await results(radar)).toBe(await silent());
    await radar.close();
    expect(await escapes()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// onProgress, onSourceCall, host features
// ---------------------------------------------------------------------------------------------

describe('onProgress: "Called synchronously; one that throws is ignored"', () => {
  it('an onProgress that throws, and a per-call one that rejects: the refresh resolves with unchanged results', async () => {
    let seen = 0;
    const radar = await makeRadar({
      onProgress: () => {
        seen++;
        throw new Error('progress broke');
      },
    });
    const rejecting: ProgressHook = async () => {
      throw new Error('per-call progress broke');
    };
    expect(await outcome(radar.refresh(undefined, { onProgress: rejecting }), 'refresh')).toBe('ok');
    expect(seen).toBeGreaterThan(0);
    expect(await results(radar)).toBe(await silent());
    await radar.close();
    expect(await escapes()).toEqual([]);
  });

  it('an onProgress that closes the radar in the first Talent phase: RADAR_CLOSED, close() resolves, no hang', async () => {
    let radar: SceneRadar | undefined;
    let closing: Promise<string> | undefined;
    radar = await makeRadar({
      onProgress: (m) => {
        if (!closing && radar && m.phase.startsWith('talent.')) closing = outcome(radar.close(), 'close');
      },
    });
    expect(await outcome(radar.refresh(), 'refresh')).toBe('RADAR_CLOSED');
    expect(closing).toBeDefined();
    expect(await closing).toBe('ok');
    expect(await escapes()).toEqual([]);
  });

  it('an onProgress that starts a refresh from its first message: both resolve (no deadlock)', async () => {
    let radar: SceneRadar | undefined;
    let again: Promise<string> | undefined;
    radar = await makeRadar({
      onProgress: () => {
        if (!again && radar) again = outcome(radar.refresh(), 'nested refresh');
      },
    });
    expect(await outcome(radar.refresh(), 'refresh')).toBe('ok');
    expect(await again).toBe('ok');
    expect(await results(radar)).toBe(await silent());
    await radar.close();
    expect(await escapes()).toEqual([]);
  });

  it('a per-call onProgress that reads the radar while it refreshes: every read settles (old or new state), no crash', async () => {
    const clock = fixedClock(new Date(T.getTime() - 86_400_000));
    const radar = await makeRadar({}, clock);
    await radar.refresh();
    clock.set(T);
    const reads: Promise<string>[] = [];
    const onProgress: ProgressHook = () => {
      if (reads.length >= 12) return;
      reads.push(outcome(radar.talent.aggregator.buildGlobalPulse({ limit: 5 }), 'talent pulse'));
      reads.push(outcome(radar.scenes.pulse.getGlobalPulse(), 'scenes pulse'));
      reads.push(outcome(radar.readOnly.getArtistScores(slugs.slice(0, 3)), 'scores'));
    };
    expect(await outcome(radar.refresh(undefined, { onProgress }), 'refresh')).toBe('ok');
    expect(reads.length).toBeGreaterThan(0);
    expect(new Set(await Promise.all(reads))).toEqual(new Set(['ok']));
    expect(await results(radar)).toBe(await silent());
    await radar.close();
    expect(await escapes()).toEqual([]);
  });
});

describe('onSourceCall and host features', () => {
  it('an onSourceCall that throws: ignored; one that closes the radar mid-refresh: RADAR_CLOSED, no hang', async () => {
    let count = 0;
    const noisy = await makeRadar({
      onSourceCall: () => {
        count++;
        throw new Error('metrics down');
      },
    });
    expect(await outcome(noisy.refresh(), 'refresh')).toBe('ok');
    expect(count).toBeGreaterThan(0);
    expect(await results(noisy)).toBe(await silent());
    await noisy.close();

    let radar: SceneRadar | undefined;
    let closing: Promise<string> | undefined;
    radar = await makeRadar({
      onSourceCall: (e) => {
        if (!closing && radar && e.source === 'fusion') closing = outcome(radar.close(), 'close');
      },
    });
    expect(await outcome(radar.refresh(), 'refresh')).toBe('RADAR_CLOSED');
    expect(await closing).toBe('ok');
    expect(await escapes()).toEqual([]);
  });

  it('host features that throw, reject, return NaN or a Set: the refresh resolves, every score finite', async () => {
    const features: HostFeature[] = [
      {
        name: 'throws',
        source: 'x',
        read: () => {
          throw new Error('warehouse down');
        },
      },
      { name: 'rejects', source: 'x', read: async () => Promise.reject(new Error('warehouse down')) },
      { name: 'nan', source: 'x', read: (s) => new Map(s.map((x) => [x, Number.NaN])) },
      { name: 'set', source: 'x', read: () => new Set() as unknown as Map<string, number> },
    ];
    const radar = await makeRadar({ hostFeatures: features });
    expect(await outcome(radar.refresh(), 'refresh')).toBe('ok');
    const scores = (await radar.readOnly.getArtistScores(slugs)).artists;
    expect(scores.length).toBeGreaterThan(0);
    for (const a of scores)
      for (const v of [a.momentum, a.breakout_score, a.risk_score]) expect(Number.isFinite(v)).toBe(true);
    await radar.close();
    expect(await escapes()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Clock
// ---------------------------------------------------------------------------------------------

describe('Clock', () => {
  it('a clock that tells NaN, throws or tells text at construction: CONFIG_INVALID', () => {
    const bad: Clock[] = [
      { now: () => Number.NaN },
      {
        now: () => {
          throw new Error('no time');
        },
      },
      { now: () => '1790000000000' as unknown as number },
    ];
    for (const clock of bad) {
      let code: unknown;
      try {
        createSceneRadar({ sources: world.sources, clock });
      } catch (e) {
        code = (e as { code?: unknown }).code;
      }
      expect(code).toBe('CONFIG_INVALID');
    }
  });

  it('a clock that goes back a year: refresh refused SCENES_INVALID_PARAMS (as documented), the tables untouched', async () => {
    // TSDoc of refresh(): "refuses (`SCENES_INVALID_PARAMS`, `TALENT_INVALID_PARAMS`) an instant
    // before its last refresh's: the tables hold the state as of that refresh".
    const clock = fixedClock(T);
    const radar = await makeRadar({}, clock);
    await radar.refresh();
    const before = JSON.stringify((await radar.readOnly.getArtistScores(slugs)).artists);
    clock.set(new Date(T.getTime() - 365 * 86_400_000));
    expect(await outcome(radar.refresh(), 'refresh')).toBe('SCENES_INVALID_PARAMS');
    expect(JSON.stringify((await radar.readOnly.getArtistScores(slugs)).artists)).toBe(before);
    await radar.close();
    expect(await escapes()).toEqual([]);
  });

  it('a clock that jumps ten years ahead: that refresh runs (documented), and back at real time refreshes are refused', async () => {
    // Pinned as documented: one glitching read of the clock moves the tables to 2036 and every
    // later refresh before then is SCENES_INVALID_PARAMS (refresh() TSDoc quoted above).
    const clock = fixedClock(T);
    const radar = await makeRadar({}, clock);
    await radar.refresh();
    clock.set(new Date(T.getTime() + 10 * 365 * 86_400_000));
    expect(await outcome(radar.refresh(), 'refresh in 2036')).toBe('ok');
    clock.set(T);
    expect(await outcome(radar.refresh(), 'refresh back at T')).toBe('SCENES_INVALID_PARAMS');
    await radar.close();
    expect(await escapes()).toEqual([]);
  });

  it('FAULT: a clock that throws after construction: a scene pulse read throws it from a microtask (uncaught exception)', async () => {
    const clock = switchableClock();
    const radar = await makeRadar({ config: { scenes: { scenePulseTimeoutMs: 2_000 } } }, clock);
    await radar.refresh();
    clock.mode = 'throw';
    const got = await outcome(radar.scenes.pulse.getScenePulse(sceneSlug), 'scene pulse');
    clock.mode = 'ok';
    await radar.close();
    // Correct: the read rejects with an SDK code, and nothing escapes to the process.
    expect(got).not.toMatch(/^raw:|^ok$/);
    expect(await escapes()).toEqual([]);
  });

  it('FAULT: a clock that throws after construction: talent refresh and pulse reject with the raw host error, radar.refresh() blames asOf', async () => {
    const clock = switchableClock();
    const radar = await makeRadar({}, clock);
    await radar.refresh();
    clock.mode = 'throw';
    const talent = await outcome(radar.talent.refresh(), 'talent refresh');
    const pulse = await outcome(radar.talent.aggregator.buildGlobalPulse({ limit: 5 }), 'talent pulse');
    const whole = await rejection(radar.refresh(), 'refresh');
    clock.mode = 'ok';
    await radar.close();
    // Correct: an SDK code on every call, and a message that names the clock, not an asOf never given.
    expect({ talent, pulse }).toEqual({
      talent: expect.not.stringMatching(/^raw:/),
      pulse: expect.not.stringMatching(/^raw:/),
    });
    expect(String(whole.message)).not.toMatch(/asOf/);
  });

  it('FAULT: a clock that returns NaN after construction: pulse reads reject with a raw RangeError, no SDK code', async () => {
    const clock = switchableClock();
    const radar = await makeRadar({}, clock);
    await radar.refresh();
    clock.mode = 'nan';
    const scenes = await outcome(radar.scenes.pulse.getGlobalPulse(), 'scenes global pulse');
    const talent = await outcome(radar.talent.aggregator.buildGlobalPulse({ limit: 5 }), 'talent pulse');
    clock.mode = 'ok';
    await radar.close();
    expect(scenes).not.toMatch(/^raw:/);
    expect(talent).not.toMatch(/^raw:/);
  });

  it('a clock that throws or returns NaN after construction: the HTTP API answers a 500 with the family code', async () => {
    const clock = switchableClock();
    const radar = await makeRadar({}, clock);
    await radar.refresh();
    const handler = createFetchHandler(radar, { onError: () => undefined });
    for (const mode of ['nan', 'throw'] as const) {
      clock.mode = mode;
      const res = await within(handler(new Request(pulseUrl)), `http ${mode}`);
      expect(res.status).toBe(500);
      expect(await envelopeCode(res)).toBe('TALENT_INTERNAL_ERROR');
    }
    clock.mode = 'ok';
    await radar.close();
  });
});

// ---------------------------------------------------------------------------------------------
// The fetch handler's hooks
// ---------------------------------------------------------------------------------------------

describe('fetch handler hooks', () => {
  let radar: SceneRadar;
  beforeEach(async () => {
    radar = await makeRadar();
    await radar.refresh();
  });
  afterEach(async () => {
    await radar.close();
  });

  it('requestId returning a number, a Promise or an empty string: a random UUID, the request served', async () => {
    const hooks = [() => 42, async () => 'abc', () => '', () => 'a\r\nb'] as unknown as ((r: Request) => string)[];
    for (const requestId of hooks) {
      const res = await createFetchHandler(radar, { requestId })(new Request(pulseUrl));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toMatch(UUID);
    }
    expect(await escapes()).toEqual([]);
  });

  it('requestId that throws: a 500 TALENT_INTERNAL_ERROR with a UUID, the cause to onError, no crash', async () => {
    const errors: unknown[] = [];
    const boom = new Error('id service down');
    const handler = createFetchHandler(radar, {
      onError: (e) => void errors.push(e),
      requestId: () => {
        throw boom;
      },
    });
    const res = await handler(new Request(pulseUrl));
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toMatch(UUID);
    expect(await envelopeCode(res)).toBe('TALENT_INTERNAL_ERROR');
    expect(errors).toEqual([boom]);
    expect(await escapes()).toEqual([]);
  });

  it('FAULT: requestId returning a rejected promise (async lookup): an unhandled rejection', async () => {
    const requestId = (async () => {
      throw new Error('id lookup failed');
    }) as unknown as (r: Request) => string;
    const res = await createFetchHandler(radar, { requestId })(new Request(pulseUrl));
    expect(res.status).toBe(200);
    expect(await escapes()).toEqual([]);
  });

  it('FAULT: rateLimit.key returning a Promise (async key): each request its own key, the limit never applies', async () => {
    const key = (async () => 'client-a') as unknown as (r: Request) => string;
    const handler = createFetchHandler(radar, {
      onError: () => undefined,
      rateLimit: { limiter: createMemoryRateLimiter({ limit: 1 }), key },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await handler(new Request(pulseUrl))).status);
    // Correct: the same client is limited (429), or the malformed key is refused (500); never served 3 times.
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(1);
  });

  it('rateLimit.key that throws: a 500 TALENT_INTERNAL_ERROR, cause to onError; NaN and undefined keys still count', async () => {
    const errors: unknown[] = [];
    const throwing = createFetchHandler(radar, {
      onError: (e) => void errors.push(e),
      rateLimit: {
        limiter: createMemoryRateLimiter({ limit: 1 }),
        key: () => {
          throw new Error('no key');
        },
      },
    });
    const res = await throwing(new Request(pulseUrl));
    expect(res.status).toBe(500);
    expect(await envelopeCode(res)).toBe('TALENT_INTERNAL_ERROR');
    expect(errors).toHaveLength(1);
    for (const key of [() => Number.NaN, () => undefined] as unknown as ((r: Request) => string)[]) {
      const h = createFetchHandler(radar, { rateLimit: { limiter: createMemoryRateLimiter({ limit: 1 }), key } });
      expect((await h(new Request(pulseUrl))).status).toBe(200);
      expect((await h(new Request(pulseUrl))).status).toBe(429);
    }
    expect(await escapes()).toEqual([]);
  });

  it('allowSkipCache that throws, rejects, answers "yes" or never answers: bypass refused, same 200, causes to onError', async () => {
    // TSDoc: "one that throws, rejects or does not answer within 5 s refuses it, and its cause goes to `onError`".
    const url = `${pulseUrl}&skipCache=true`;
    const plain = await (await createFetchHandler(radar)(new Request(pulseUrl))).json();
    const cases = [
      () => {
        throw new Error('auth down');
      },
      async () => Promise.reject(new Error('auth down')),
      () => 'yes',
      () => new Promise<boolean>(() => undefined),
    ] as unknown as ((r: Request) => boolean)[];
    for (const [i, allowSkipCache] of cases.entries()) {
      const errors: unknown[] = [];
      const handler = createFetchHandler(radar, { allowSkipCache, onError: (e) => void errors.push(e) });
      const res = await within(handler(new Request(url)), `allowSkipCache case ${i}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(plain);
      expect(errors.length).toBe(i === 2 ? 0 : 1);
    }
    expect(await escapes()).toEqual([]);
  }, 30_000);

  it('cors.origin function returning a Promise or 1: not allowed (no Access-Control-Allow-Origin), request served', async () => {
    for (const origin of [async () => true, () => 1] as unknown as ((o: string) => boolean)[]) {
      const handler = createFetchHandler(radar, { cors: { origin } });
      const res = await handler(new Request(pulseUrl, { headers: { origin: 'https://page.example' } }));
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('vary')).toBe('Origin');
    }
    expect(await escapes()).toEqual([]);
  });

  it('FAULT: cors.origin function that throws on a Talent route: the 500 carries SCENES_INTERNAL_ERROR', async () => {
    const handler = createFetchHandler(radar, {
      onError: () => undefined,
      cors: {
        origin: () => {
          throw new Error('origin registry down');
        },
      },
    });
    const res = await handler(new Request(pulseUrl, { headers: { origin: 'https://page.example' } }));
    expect(res.status).toBe(500);
    expect(await envelopeCode(res)).toBe('TALENT_INTERNAL_ERROR');
  });

  it('onError that throws or rejects: the 500 is still answered, nothing escapes', async () => {
    const hooks = [
      () => {
        throw new Error('logger down');
      },
      async () => Promise.reject(new Error('logger down')),
    ];
    for (const onError of hooks) {
      const handler = createFetchHandler(radar, {
        onError,
        requestId: () => {
          throw new Error('id down');
        },
      });
      const res = await handler(new Request(pulseUrl));
      expect(res.status).toBe(500);
      expect(await envelopeCode(res)).toBe('TALENT_INTERNAL_ERROR');
    }
    expect(await escapes()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Node listener onError
// ---------------------------------------------------------------------------------------------

describe('Node listener onError', () => {
  it('a handler that rejects with an onError that throws, then one that rejects: a 500 envelope each time, no crash', async () => {
    const hooks = [
      () => {
        throw new Error('hook broke');
      },
      async () => Promise.reject(new Error('hook broke')),
    ];
    for (const onError of hooks) {
      const listener = toNodeListener(async () => Promise.reject(new Error('handler broke')), { onError });
      const server: Server = createServer(listener);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const { port } = server.address() as AddressInfo;
        const res = await within(fetch(`http://127.0.0.1:${port}/api/talent/pulse`), 'node listener');
        expect(res.status).toBe(500);
        expect(await envelopeCode(res)).toMatch(/_INTERNAL_ERROR$/);
      } finally {
        await new Promise<void>((r) => server.close(() => r()));
      }
    }
    expect(await escapes()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Tabular map hook and aggregation options
// ---------------------------------------------------------------------------------------------

describe('tabular map hook and aggregate option', () => {
  const events = () =>
    parseCsv('artist,type,at,weight\nnova-static,radio_play,2025-03-01,4\npale-harbour,radio_play,2025-03-02,5\n');

  it('a map that throws, rejects, returns NaN or undefined: CONFIG_INVALID naming each line ("throw"), rejected lines ("skip")', () => {
    const maps = [
      () => {
        throw new Error('boom');
      },
      async () => Promise.reject(new Error('boom')),
      () => Number.NaN,
      () => undefined,
    ] as unknown as NonNullable<TabularRowMaps['events']>[];
    for (const map of maps) {
      let code: unknown;
      let message = '';
      try {
        createTabularSources({ events: events() }, { map: { events: map } });
      } catch (e) {
        code = (e as { code?: unknown }).code;
        message = String((e as { message?: unknown }).message);
      }
      expect(code).toBe('CONFIG_INVALID');
      expect(message).toMatch(/line 2.*line 3/);
      const { report } = createTabularSources({ events: events() }, { map: { events: map }, onInvalidRow: 'skip' });
      expect(report.tables.events).toMatchObject({ read: 2, accepted: 0, rejected: 2 });
    }
  });

  it('an aggregate rule that is a function or an unknown word: CONFIG_INVALID before any row is read', () => {
    for (const aggregate of [{ events: () => 'last' }, { engagement: 'median' }]) {
      let code: unknown;
      try {
        createTabularSources({ events: events() }, { aggregate } as unknown as Parameters<
          typeof createTabularSources
        >[1]);
      } catch (e) {
        code = (e as { code?: unknown }).code;
      }
      expect(code).toBe('CONFIG_INVALID');
    }
  });

  it('FAULT: a map that puts a Promise in a cell: "found {}" and its rejection left unhandled', async () => {
    const map = ((row: Record<string, unknown>) => ({
      ...row,
      weight: Promise.reject(new Error('weight lookup failed')),
    })) as unknown as NonNullable<TabularRowMaps['events']>;
    const { report } = createTabularSources({ events: events() }, { map: { events: map }, onInvalidRow: 'skip' });
    const messages = (report.tables.events?.rejections ?? []).map((r) => r.message);
    expect(messages).toHaveLength(2);
    // Correct: the message names the Promise, and the promise gets a handler as a row-level one does.
    for (const m of messages) expect(m).toMatch(/promise/i);
    expect(await escapes()).toEqual([]);
  });
});

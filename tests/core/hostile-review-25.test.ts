/**
 * Hostile review 25 of the core: the source gateway's outcome messages, the cache's bound and
 * counters, argument validation, the refresh observer and the OpenTelemetry bridge, against what
 * docs/reliability.md, docs/observability.md, docs/performance.md and the modules' own TSDoc
 * promise. The tests under "faults" fail on the code as reviewed (each names the promise it holds
 * the code to); the "guards" hold behaviour that is right now and that a fix could break.
 */
import { execFileSync } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import { fileURLToPath } from 'node:url';
import type { Meter, MeterProvider } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createSceneRadar, resolveConfig } from 'scene-radar';
import { Cache } from '../../src/core/cache/cache.js';
import { lruCacheStore, type CacheEntry, type CacheStore } from '../../src/core/cache/cache-store.js';
import { fixedClock } from '../../src/core/clock.js';
import { describeError, failureReason } from '../../src/core/describe-error.js';
import { isSceneRadarError, isStoreFailure } from '../../src/core/errors.js';
import { createSourceGateway } from '../../src/core/gateway/gateway.js';
import { asOfText } from '../../src/core/observe/refresh-run.js';
import { requireDate, requireOptions } from '../../src/core/validation.js';
import { CHANNEL_NAMES, instrumentOpenTelemetry, type OpenTelemetryBridge } from '../../src/otel/index.js';
import { ArtistPageSchema } from '../../src/contracts/payloads.js';

// biome-ignore lint/suspicious/noExplicitAny: hostile input on purpose
const untyped = (v: unknown): any => v;

const ASOF = new Date('2026-06-01T00:00:00.000Z');
const FROM = new Date('2025-06-01T00:00:00.000Z');
const FAST = resolveConfig({
  sources: Object.fromEntries(
    ['mig', 'cmg', 'fusion', 'coverage', 'rcf', 'identityKernel', 'scenes', 'workspaces'].map((s) => [
      s,
      { timeoutMs: 1_000 },
    ]),
  ),
});

/** A lone UTF-16 surrogate: text that is not well-formed (not printable, not storable). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A revoked Proxy: even `instanceof` and `Array.isArray` throw on it. */
function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** What `attempt` throws (its code when it is the SDK's), or 'returned'. */
function thrownBy(attempt: () => unknown): string {
  try {
    attempt();
    return 'returned';
  } catch (error) {
    return isSceneRadarError(error) ? error.code : `raw ${describeError(error)}`;
  }
}

/** The value a synchronous store holds under `key`, if any. */
const heldValue = (store: CacheStore<number>, key: string): number | undefined =>
  (store.get(key) as CacheEntry<number> | undefined)?.value;

const entry = (value: number): CacheEntry<number> => ({
  value,
  createdAt: 0,
  expiresAt: Number.POSITIVE_INFINITY,
  staleUntil: Number.POSITIVE_INFINITY,
});

describe('hostile review 25: faults', () => {
  it('an outcome message is at most 300 characters (docs/reliability.md), however many schema issues the payload has or however long what it threw when read', async () => {
    // docs/reliability.md, "One rule": `error` (`threw`, `invalid_payload`, `aborted`) comes "with a
    // printable `message` of at most 300 characters". `threw` is clipped (describeError), but an
    // invalid payload's message is `source.method: ` + up to three Zod issues unclipped (354 and 394
    // characters below for three bad enum values), and a payload that throws when read gets the
    // prefix in front of an already clipped description (317).
    const link = { tastemaker: 'tm', kind: 'podcast', weight: 0.5, since: '2026-01-01' };
    const event = { id: 'e', type: 'ticket_sold', at: '2026-01-01', weight: 1, region: null };
    const longThrow = new Proxy(new Map([['artist-a', 1]]), {
      get(target, key) {
        if (key === 'get')
          return () => {
            throw new Error('x'.repeat(1_000));
          };
        const v = Reflect.get(target, key, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const sources = {
      mig: {
        getNetworks: async (keys: readonly string[]) =>
          new Map(keys.map((k) => [k, { tastemakers: [link, link, link], collaborators: [], centrality: null }])),
        getArtists: async () => longThrow,
        listArtists: async () => ({
          get items(): never {
            throw new Error('y'.repeat(1_000));
          },
          nextCursor: null,
        }),
      },
      rcf: { getEvents: async (keys: readonly string[]) => new Map(keys.map((k) => [k, [event, event, event]])) },
    };
    const gateway = createSourceGateway({ sources: untyped(sources), config: FAST });
    const outcomes = [
      await gateway.one('mig', 'getNetworks', 'artist-a', { asOf: ASOF, from: FROM }),
      await gateway.one('rcf', 'getEvents', 'artist-a', { asOf: ASOF, from: FROM }),
      await gateway.one('mig', 'getArtists', 'artist-a', { asOf: ASOF }),
      await gateway.call(
        'mig',
        'listArtists',
        ArtistPageSchema,
        (mig, o) => mig.listArtists({ cursor: null, limit: 10 }, o),
        {
          asOf: ASOF,
        },
      ),
    ];
    expect(outcomes.map((o) => (o.status === 'error' ? o.reason : o.status))).toEqual([
      'invalid_payload',
      'invalid_payload',
      'invalid_payload',
      'invalid_payload',
    ]);
    // Today: 354, 394, 317 and 317 characters.
    for (const o of outcomes) expect(o.status === 'error' ? o.message.length : 0).toBeLessThanOrEqual(300);
  });

  it('an outcome message never ends in half a character: a thrown text cut at 300 characters keeps its surrogate pairs whole', async () => {
    // describeError clips with `slice(0, max - 1)`, which cuts an emoji (two UTF-16 units) in half:
    // the outcome's "printable" message then carries a lone surrogate, text the contracts themselves
    // refuse as not storable (core/text: "well-formed Unicode text").
    const thrown = `${'x'.repeat(298)}\u{1F600}\u{1F600}`;
    // A source rejecting with that text (any value may be thrown, docs/reliability.md), and one
    // throwing an Error whose `Name: message` puts the cut in the same place.
    const rcf = {
      getEvents: async () => {
        throw thrown;
      },
    };
    const coverage = {
      getArticles: async () => {
        throw new Error(thrown.slice('Error: '.length));
      },
    };
    const gateway = createSourceGateway({ sources: untyped({ rcf, coverage }), config: FAST });
    for (const out of [
      await gateway.one('rcf', 'getEvents', 'artist-a', { asOf: ASOF, from: FROM }),
      await gateway.one('coverage', 'getArticles', 'artist-a', { asOf: ASOF, from: FROM }),
    ]) {
      expect(out).toMatchObject({ status: 'error', reason: 'threw' });
      expect(out.status === 'error' ? out.message : '').not.toMatch(LONE_SURROGATE);
    }
  });

  it("radar.refresh(asOf) refuses a Date the platform cannot read (a Proxy of a Date) with the engine's SCENES_VALIDATION_ERROR, as radar.scenes.refresh does, not a raw TypeError", async () => {
    // radar.ts timedRefresh: "An invalid instant is the engine's to refuse (with its code): the
    // context must not throw first." asOfText calls `at.getTime()` directly, which throws on a
    // Proxy of a Date (a reactive framework's wrapper): radar.refresh rejects with a TypeError (an
    // internal error over HTTP) before the engine's own check (which reads the instant through
    // Date.prototype, guarded, and refuses it with its code) ever runs.
    const proxied = new Proxy(new Date(ASOF), {}) as Date;
    expect(() => asOfText(proxied)).not.toThrow();
    const radar = createSceneRadar({ sources: {} });
    try {
      const viaEngine = await radar.scenes.refresh(proxied).then(
        () => 'resolved',
        (e: unknown) => (isSceneRadarError(e) ? e.code : `raw ${describeError(e)}`),
      );
      expect(viaEngine).toBe('SCENES_VALIDATION_ERROR');
      const viaRadar = await radar.refresh(proxied).then(
        () => 'resolved',
        (e: unknown) => (isSceneRadarError(e) ? e.code : `raw ${describeError(e)}`),
      );
      expect(viaRadar).toBe('SCENES_VALIDATION_ERROR');
    } finally {
      await radar.close();
    }
  });

  it('requireDate and requireOptions refuse an argument that cannot be read (a revoked Proxy) with the validation code, as validateRequest does, never a raw TypeError', async () => {
    // core/requests validateRequest: "An input that throws when read (a getter, a proxy's trap) is
    // an issue of its own ... never the host's exception"; DESIGN.md: "Bad input of any shape gets a
    // 400 with a clear message". requireDate starts with `value instanceof Date` and requireOptions
    // with `Array.isArray(value)`, both of which throw on a revoked Proxy.
    expect(thrownBy(() => requireDate(revoked(), 'asOf', ASOF, 'SCENES_VALIDATION_ERROR'))).toBe(
      'SCENES_VALIDATION_ERROR',
    );
    expect(thrownBy(() => requireOptions(untyped(revoked()), 'options', 'TALENT_VALIDATION_ERROR'))).toBe(
      'TALENT_VALIDATION_ERROR',
    );
    const radar = createSceneRadar({ sources: {} });
    try {
      const code = await radar.scenes.refresh(untyped(revoked())).then(
        () => 'resolved',
        (e: unknown) => (isSceneRadarError(e) ? e.code : `raw ${describeError(e)}`),
      );
      expect(code).toBe('SCENES_VALIDATION_ERROR');
    } finally {
      await radar.close();
    }
  });

  it('requireDate refuses a day the calendar does not have however it is spelled (2026/02/30, Feb 30 2026, 2026-2-30), not only as 2026-02-30', () => {
    // CHANGELOG: "Dates given as text refuse days the calendar does not have (`2026-02-30`) instead
    // of rolling them over into the next month (a backfill ran on the wrong days)". The check only
    // recognises the zero-padded ISO spelling; every other spelling Date accepts still rolls over
    // to 2026-03-02 (a backfillTrends({ from: '2026/02/30' }) starts on March 2nd).
    for (const text of ['2026/02/30', 'Feb 30 2026', '2026-2-30', '02/30/2026', '30 Feb 2026'])
      expect({ text, got: thrownBy(() => requireDate(text, 'from', ASOF, 'SCENES_VALIDATION_ERROR')) }).toEqual({
        text,
        got: 'SCENES_VALIDATION_ERROR',
      });
  });

  it("requireDate reads the same text as the same instant on every host: text without an offset is not read in the process's local time zone", () => {
    // core/time: "Calendar helpers on UTC days"; every computation is "as of" an instant
    // (DESIGN.md), and a bare day is read in UTC. But '2026-06-01T00:00:00' (ISO without an
    // offset), '2026-6-1' or 'June 1, 2026' go through `new Date(text)`, which reads them in the
    // process's local zone: the same refresh or backfill call is as of 04:00 UTC on a New York host
    // and 00:00 UTC on a UTC one (the CLI was fixed for this in hostile review 22; the engines'
    // own argument check was not). Run in a child process with TZ set, the worker's zone being fixed.
    const module = fileURLToPath(new URL('../../src/core/validation.ts', import.meta.url));
    const script = `import { requireDate } from ${JSON.stringify(module)};
for (const text of ['2026-06-01T00:00:00', '2026-6-1', 'June 1, 2026']) {
  let got;
  try { got = requireDate(text, 'asOf', new Date(0), 'SCENES_VALIDATION_ERROR').toISOString(); } catch (e) { got = e.code; }
  console.log(got);
}`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, TZ: 'America/New_York' },
      encoding: 'utf8',
      timeout: 20_000,
    })
      .trim()
      .split('\n');
    expect(out).toHaveLength(3);
    // Read as UTC, or refused as ambiguous: either is one instant everywhere.
    for (const got of out) expect(['2026-06-01T00:00:00.000Z', 'SCENES_VALIDATION_ERROR']).toContain(got);
  });

  it('the default store holds at most maxEntries entries (least recently used going first), and so do the last good values (maxLastGood)', () => {
    // config.ts `cache.maxEntries`: "Max entries held per engine cache (least recently used go
    // first)"; docs/performance.md: `scenes-replays` holds "memberships replayed as of past days (at
    // most 4)"; CacheOptions.maxLastGood: "How many keys' last good values are kept, least recently
    // used going first". quick-lru keeps two generations of `maxSize` each: a bound of 4 holds up to
    // 7 entries (7 replays of whole tables), while size() says 4 and evictions says 0, so
    // `radar.stats()` under-reports both the entries and their bytes by up to half.
    const evicted: string[] = [];
    const store = lruCacheStore<number>({ maxEntries: 4, onEviction: (k) => evicted.push(k) });
    for (let i = 0; i < 7; i++) store.set(`k${i}`, entry(i));
    // Nothing was deleted: what was not evicted is held (today 7 held, 0 evicted, size() 4).
    const held = 7 - evicted.length;
    expect(held).toBeLessThanOrEqual(4);
    expect(store.size()).toBe(held);
    // k0 is the least recently used of seven: a bound of four must have let it go.
    expect(store.get('k0')).toBeUndefined();

    const cache = new Cache<number>({ ttlMs: 60_000, maxLastGood: 2 });
    cache.setLastGood('a', 1);
    cache.setLastGood('b', 2);
    cache.setLastGood('c', 3);
    expect(cache.lastGood('a')).toBeUndefined();
  });

  it('fallbacks counts every caller handed a last good value: three callers of one failed computation are three fallbacks, as three callers joining a failed background refresh are', async () => {
    // CacheStats.fallbacks: "Last good values handed out after a computation failed". Callers that
    // join a background refresh past grace are counted one by one (#miss computes each one's
    // fallback), but callers that join a foreground computation share the one fallback the flight
    // computed: three readers served the stale pulse, `fallbacks` 1 (and one `fallback` on the
    // channel and in the OpenTelemetry counter), while `misses` says 3.
    const clock = fixedClock(ASOF);
    const cache = new Cache<{ v: number; stale?: true }>({ ttlMs: 1_000, clock });
    cache.setLastGood('k', { v: 1 });
    const lastGood = { serve: (last: { v: number }) => ({ ...last, stale: true as const }) };
    const failing = async (): Promise<never> => {
      await new Promise((r) => setTimeout(r, 1));
      throw new Error('source down');
    };
    const served = await Promise.all([1, 2, 3].map(() => cache.getOrCompute('k', failing, { lastGood })));
    expect(served).toEqual([1, 2, 3].map(() => ({ v: 1, stale: true })));
    expect(cache.stats()).toMatchObject({ misses: 3, joined: 2, errors: 1, fallbacks: 3 });
  });

  it('failureReason never throws (its TSDoc), and the error guards answer false for a value that cannot be read', () => {
    // describe-error.ts failureReason: "Never throws." It asks isSceneRadarError first, which reads
    // `value[BRAND]` unguarded: a revoked Proxy (or an object whose Proxy `get` trap throws), which
    // describeError itself describes, makes failureReason, isSceneRadarError and isStoreFailure throw.
    const trap = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    for (const value of [revoked(), trap]) {
      expect(() => failureReason(value)).not.toThrow();
      expect(() => isSceneRadarError(value)).not.toThrow();
      expect(() => isStoreFailure(value)).not.toThrow();
    }
  });

  it('fixedClock.advance refuses a step that is not a finite number, as set() refuses an invalid time: the clock never becomes NaN', () => {
    // clock.ts: set() "throws a RangeError if invalid" and the constructor checks its start, but
    // advance(NaN) (a backtest step computed from a missing field) silently makes now() NaN: every
    // cache entry is then a miss forever and every `new Date(clock.now())` an Invalid Date.
    const clock = fixedClock(ASOF);
    try {
      clock.advance(Number.NaN);
    } catch {
      // refusing it is fine
    }
    try {
      clock.advance(Number.POSITIVE_INFINITY);
    } catch {
      // refusing it is fine
    }
    expect(Number.isFinite(clock.now())).toBe(true);
  });
});

describe('hostile review 25: faults of scene-radar/otel', () => {
  let bridge: OpenTelemetryBridge | undefined;
  afterEach(() => bridge?.close());

  /** A meter provider recording every histogram value with its attributes. */
  function recordingMeter(): { provider: MeterProvider; records: Array<{ name: string; attributes: unknown }> } {
    const records: Array<{ name: string; attributes: unknown }> = [];
    const meter = {
      createCounter: (name: string) => ({
        add: (_v: number, attributes: unknown) => records.push({ name, attributes }),
      }),
      createHistogram: (name: string) => ({
        record: (_v: number, attributes: unknown) => records.push({ name, attributes }),
      }),
    } as unknown as Meter;
    return { provider: { getMeter: () => meter }, records };
  }

  it('a refresh that rejected is recorded with result "error" in scene_radar.refresh.duration, whatever value it rejected with', async () => {
    // docs/observability.md: `scene_radar.refresh.duration` has `result (ok, error)`, and the span
    // "status error with the exception when it threw". The bridge decides with
    // `c.error === undefined`: a refresh that rejects with `undefined` (a host store's
    // `Promise.reject()`) gets an error span but is counted `ok` in the metric.
    const { provider, records } = recordingMeter();
    bridge = instrumentOpenTelemetry({ meterProvider: provider });
    const context = { engine: 'scenes', phase: 'all', asOf: ASOF.toISOString(), durationMs: 5 };
    await diagnostics
      .tracingChannel(CHANNEL_NAMES.refresh)
      .tracePromise(() => Promise.reject(undefined), context)
      .catch(() => undefined);
    const refresh = records.filter((r) => r.name === 'scene_radar.refresh.duration');
    expect(refresh).toHaveLength(1);
    expect(refresh[0]!.attributes).toMatchObject({ 'scene_radar.result': 'error' });
  });
});

describe('hostile review 25: guards', () => {
  it('a short invalid-payload message is kept whole, prefix and first issue first; a thrown Error reads "Name: message"', async () => {
    const link = { tastemaker: 'tm', kind: 'podcast', weight: 0.5, since: '2026-01-01' };
    const sources = {
      mig: {
        getNetworks: async (keys: readonly string[]) =>
          new Map(keys.map((k) => [k, { tastemakers: [link], collaborators: [], centrality: null }])),
      },
      rcf: {
        getEvents: async () => {
          throw new TypeError('boom');
        },
      },
    };
    const gateway = createSourceGateway({ sources: untyped(sources), config: FAST });
    const bad = await gateway.one('mig', 'getNetworks', 'artist-a', { asOf: ASOF });
    expect(bad).toMatchObject({
      status: 'error',
      reason: 'invalid_payload',
      message:
        'mig.getNetworks: tastemakers.0.kind: Invalid option: expected one of "playlist"|"radio"|"blog"|"dj"|"promoter"|"label"|"curator"',
    });
    const threw = await gateway.one('rcf', 'getEvents', 'artist-a', { asOf: ASOF, from: FROM });
    expect(threw).toMatchObject({ status: 'error', reason: 'threw', message: 'TypeError: boom' });
    expect(describeError('a'.repeat(400))).toHaveLength(300);
  });

  it('requireDate keeps reading Dates, epoch ms and ISO text with Z or an offset as they are, bare days at UTC midnight, and refuses 2026-02-30 and years outside 1000-9999', () => {
    const at = (v: unknown) => requireDate(v, 'asOf', new Date(0), 'SCENES_VALIDATION_ERROR').toISOString();
    expect(at(new Date(ASOF))).toBe(ASOF.toISOString());
    expect(at(ASOF.getTime())).toBe(ASOF.toISOString());
    expect(at('2026-06-01')).toBe('2026-06-01T00:00:00.000Z');
    expect(at('2026-06-01T12:30:00Z')).toBe('2026-06-01T12:30:00.000Z');
    expect(at('2026-06-01T12:30:00.250+02:00')).toBe('2026-06-01T10:30:00.250Z');
    expect(at('2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
    expect(thrownBy(() => at('2026-02-30'))).toBe('SCENES_VALIDATION_ERROR');
    expect(thrownBy(() => at('2026-02-30T00:00:00Z'))).toBe('SCENES_VALIDATION_ERROR');
    expect(thrownBy(() => at(new Date(Date.UTC(10_000, 0, 1))))).toBe('SCENES_VALIDATION_ERROR');
    expect(thrownBy(() => at('not a date'))).toBe('SCENES_VALIDATION_ERROR');
    expect(thrownBy(() => requireOptions(untyped([]), 'options', 'TALENT_VALIDATION_ERROR'))).toBe(
      'TALENT_VALIDATION_ERROR',
    );
  });

  it('the default store is an LRU: a key read since keeps its place, the newest is held, a delete or a clear is no eviction', () => {
    const evicted: string[] = [];
    const store = lruCacheStore<number>({ maxEntries: 4, onEviction: (k) => evicted.push(k) });
    for (let i = 0; i < 4; i++) store.set(`k${i}`, entry(i));
    expect(heldValue(store, 'k0')).toBe(0);
    store.set('k4', entry(4));
    expect(heldValue(store, 'k0')).toBe(0);
    expect(heldValue(store, 'k4')).toBe(4);
    store.delete('k4');
    store.clear('k');
    expect(evicted).not.toContain('k4');
    expect(evicted).not.toContain('k0');
    expect(store.size()).toBe(0);
  });

  it('one caller served a last good value is one fallback; a background refresh that fails is reported, never served around', async () => {
    const clock = fixedClock(ASOF);
    const events: string[] = [];
    const cache = new Cache<number>({ ttlMs: 1_000, graceMs: 10_000, clock, onEvent: (e) => events.push(e.type) });
    const lastGood = { keep: () => true, serve: (last: number) => -last };
    expect(await cache.getOrCompute('k', async () => 7, { lastGood })).toBe(7);
    clock.advance(2_000);
    // Within grace: the stale value, and one background refresh that fails.
    expect(await cache.getOrCompute('k', () => Promise.reject(new Error('down')), { lastGood })).toBe(7);
    await new Promise((r) => setTimeout(r, 0));
    expect(events).toEqual(['refresh_error']);
    clock.advance(60_000);
    expect(await cache.getOrCompute('k', () => Promise.reject(new Error('down')), { lastGood })).toBe(-7);
    expect(cache.stats()).toMatchObject({ fallbacks: 1, stale: 1, refreshes: 1 });
  });

  it('asOfText names a valid instant by its ISO text and an invalid Date `invalid`', () => {
    expect(asOfText(ASOF)).toBe(ASOF.toISOString());
    expect(asOfText(new Date(Number.NaN))).toBe('invalid');
  });
});

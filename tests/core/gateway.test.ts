import fc from 'fast-check';
import { clipMessage } from '../../src/core/describe-error.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  resolveConfig,
  type ArtistRecord,
  type FusionAdapter,
  type MIGAdapter,
  type SourceCallEvent,
} from 'scene-radar';
import { createDeadline } from '../../src/core/gateway/deadline.js';
import { createSourceGateway } from '../../src/core/gateway/gateway.js';
import { countOutcomes } from '../../src/core/gateway/outcome.js';
import { ArtistNetworkSchema, EngagementSeriesSchema } from 'scene-radar/schemas';

const asOf = new Date('2026-06-01T00:00:00Z');
const record = (slug: string): ArtistRecord => ({
  slug,
  name: slug,
  homeRegion: 'uk',
  homeCity: 'brighton',
  firstSeen: '2025-01-01T00:00:00.000Z',
});

type Behaviour = 'ok' | 'throw' | 'hang' | 'garbage' | 'not-a-map' | 'slow';

/** A MIG source whose behaviour is chosen per call; counts calls and concurrency. */
function chaosMig(
  behaviour: (keys: readonly string[]) => Behaviour,
  opts: { latencyMs?: number; maxBatchSize?: number } = {},
) {
  const stats = { calls: 0, inFlight: 0, maxInFlight: 0, keys: [] as string[][] };
  const getArtists: MIGAdapter['getArtists'] = async (keys, { signal }) => {
    stats.calls++;
    stats.keys.push([...keys]);
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    try {
      const b = behaviour(keys);
      if (b === 'hang') return await new Promise<never>(() => undefined); // ignores its signal
      if (b === 'slow' || opts.latencyMs) {
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, opts.latencyMs ?? 1000);
          signal.addEventListener('abort', () => {
            clearTimeout(t);
            reject(signal.reason);
          });
        });
      }
      if (b === 'throw') throw new Error('MIG is down');
      if (b === 'not-a-map') return { 'artist-a': record('artist-a') } as unknown as Map<string, ArtistRecord>;
      return new Map(
        keys
          .filter((k) => k !== 'unknown-artist')
          .map((k) => [
            k,
            b === 'garbage' && k === 'artist-b' ? ({ slug: 'NOT A SLUG' } as unknown as ArtistRecord) : record(k),
          ]),
      );
    } finally {
      stats.inFlight--;
    }
  };
  const mig: MIGAdapter = {
    listArtists: async () => ({ items: [], nextCursor: null }),
    getArtists,
    getNetworks: async () => new Map(),
    ...(opts.maxBatchSize ? { maxBatchSize: opts.maxBatchSize } : {}),
  };
  return { mig, stats };
}

describe('source gateway', () => {
  beforeEach(() => vi.useFakeTimers({ now: asOf }));
  afterEach(() => vi.useRealTimers());

  it('answers absent for a source the host did not configure', async () => {
    const gateway = createSourceGateway({ sources: {} });
    const out = await gateway.batch('coverage', 'getArticles', ['artist-a', 'artist-b'], { asOf });
    expect([...out.values()].map((o) => o.status)).toEqual(['absent', 'absent']);
    expect(gateway.has('coverage')).toBe(false);
  });

  it('gives ok, missing and per-item payload errors with provenance', async () => {
    const { mig } = chaosMig(() => 'garbage');
    const gateway = createSourceGateway({ sources: { mig } });
    const out = await gateway.batch('mig', 'getArtists', ['artist-a', 'artist-b', 'unknown-artist', 'artist-a'], {
      asOf,
    });
    expect([...out.keys()]).toEqual(['artist-a', 'artist-b', 'unknown-artist']);
    expect(out.get('artist-a')).toMatchObject({
      status: 'ok',
      value: record('artist-a'),
      provenance: { source: 'mig', method: 'getArtists', asOf: asOf.toISOString(), batchSize: 3 },
    });
    expect(out.get('artist-b')).toMatchObject({ status: 'error', reason: 'invalid_payload' });
    expect((out.get('artist-b') as { message: string }).message).toContain('slug');
    expect(out.get('unknown-artist')?.status).toBe('missing');
  });

  it('turns a throw, a non-Map answer and a hang into per-item outcomes, never a rejection', async () => {
    const cfg = resolveConfig({ sources: { mig: { timeoutMs: 2000 } } });
    for (const [behaviour, expected] of [
      ['throw', { status: 'error', reason: 'threw' }],
      ['not-a-map', { status: 'error', reason: 'invalid_payload' }],
      ['hang', { status: 'timeout', reason: 'timeout' }],
    ] as const) {
      const { mig } = chaosMig(() => behaviour);
      const gateway = createSourceGateway({ sources: { mig }, config: cfg });
      const pending = gateway.batch('mig', 'getArtists', ['artist-a'], { asOf });
      await vi.advanceTimersByTimeAsync(2000);
      const out = await pending;
      expect(out.get('artist-a'), behaviour).toMatchObject(expected);
    }
  });

  it('splits by the source batch size and respects its concurrency limit', async () => {
    const { mig, stats } = chaosMig(() => 'ok', { latencyMs: 100, maxBatchSize: 1 });
    const gateway = createSourceGateway({
      sources: { mig },
      config: resolveConfig({ sources: { mig: { concurrency: 10 } } }),
    });
    const keys = Array.from({ length: 100 }, (_, i) => `artist-${i}`);
    const pending = gateway.batch('mig', 'getArtists', keys, { asOf });
    await vi.advanceTimersByTimeAsync(1000);
    const out = await pending;
    expect(countOutcomes(out.values())).toMatchObject({ ok: 100 });
    expect(stats.calls).toBe(100);
    expect(stats.maxInFlight).toBe(10);
    expect(stats.keys.every((k) => k.length === 1)).toBe(true);
  });

  it('uses the caller batch size when the source declares none', async () => {
    const { mig, stats } = chaosMig(() => 'ok');
    const gateway = createSourceGateway({ sources: { mig } });
    await gateway.batch(
      'mig',
      'getArtists',
      Array.from({ length: 45 }, (_, i) => `a-${i}`),
      { asOf, batchSize: 20 },
    );
    expect(stats.keys.map((k) => k.length)).toEqual([20, 20, 5]);
  });

  it('returns what it finished when a shared deadline expires mid-batch', async () => {
    const { mig, stats } = chaosMig(() => 'ok', { latencyMs: 100, maxBatchSize: 1 });
    const gateway = createSourceGateway({
      sources: { mig },
      config: resolveConfig({ sources: { mig: { concurrency: 10 } } }),
    });
    const deadline = createDeadline(250);
    const keys = Array.from({ length: 100 }, (_, i) => `artist-${i}`);
    const pending = gateway.batch('mig', 'getArtists', keys, { asOf, deadline });
    await vi.advanceTimersByTimeAsync(250);
    const out = await pending;
    const counts = countOutcomes(out.values());
    expect(counts.ok).toBe(20); // two waves of 10 finished inside 250 ms
    expect(counts.timeout).toBe(80);
    expect(
      [...out.values()]
        .filter((o) => o.status === 'timeout')
        .every((o) => o.status === 'timeout' && o.reason === 'deadline'),
    ).toBe(true);
    // Items still queued when the deadline passed never reached the source.
    expect(stats.calls).toBe(30);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(stats.calls).toBe(30);
  });

  it('settles a queued batch at its own deadline while another caller holds every slot', async () => {
    const { mig, stats } = chaosMig(() => 'ok', { latencyMs: 5_000, maxBatchSize: 1 });
    const gateway = createSourceGateway({
      sources: { mig },
      config: resolveConfig({ sources: { mig: { concurrency: 2 } } }),
    });
    const slow = gateway.batch('mig', 'getArtists', ['artist-a', 'artist-b'], {
      asOf,
      deadline: createDeadline(60_000),
    });
    const short = createDeadline(100);
    let settledAt: number | undefined;
    const queued = gateway
      .batch('mig', 'getArtists', ['artist-c', 'artist-d', 'artist-e'], { asOf, deadline: short })
      .then((out) => {
        settledAt = Date.now();
        return out;
      });
    const t0 = Date.now();
    await vi.advanceTimersByTimeAsync(100);
    expect(settledAt! - t0).toBe(100);
    expect([...(await queued).values()].every((o) => o.status === 'timeout' && o.reason === 'deadline')).toBe(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(countOutcomes((await slow).values()).ok).toBe(2);
    // The queued calls never reached the source, not even once the slots were free.
    expect(stats.calls).toBe(2);
    gateway.close();
  });

  it('hands on thousands of slots freed by queued calls that timed out, then keeps serving the source', async () => {
    const { mig, stats } = chaosMig(() => 'ok', { latencyMs: 1_000, maxBatchSize: 1 });
    const gateway = createSourceGateway({
      sources: { mig },
      config: resolveConfig({ sources: { mig: { concurrency: 1 } } }),
    });
    const keys = Array.from({ length: 20_000 }, (_, i) => `artist-${i}`);
    const cut = gateway.batch('mig', 'getArtists', keys, { asOf, deadline: createDeadline(10) });
    await vi.advanceTimersByTimeAsync(10);
    const out = await cut;
    expect(countOutcomes(out.values())).toMatchObject({ timeout: 20_000 });
    // The limiter is whole again: a later batch without a deadline gets through.
    const later = gateway.batch('mig', 'getArtists', ['artist-a'], { asOf });
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await later).get('artist-a')).toMatchObject({ status: 'ok' });
    expect(stats.calls).toBe(2);
    gateway.close();
  });

  it('turns a payload that throws when read into an error for that key, never a rejection', async () => {
    const fusion: FusionAdapter = {
      getEngagement: async (ks) =>
        new Map(
          ks.map((k) => [
            k,
            k === 'artist-b'
              ? ({
                  get start(): string {
                    throw new Error('boom');
                  },
                } as never)
              : ({ start: '2026-05-01', organic: [1, 2], paid: [0, 0] } as never),
          ]),
        ),
      getCampaigns: async () => new Map(),
    };
    const gateway = createSourceGateway({ sources: { fusion } });
    const out = await gateway.batch('fusion', 'getEngagement', ['artist-a', 'artist-b', 'artist-c'], { asOf });
    expect([...out.values()].map((o) => o.status)).toEqual(['ok', 'error', 'ok']);
    expect(out.get('artist-b')).toMatchObject({ reason: 'invalid_payload', message: expect.stringContaining('boom') });
    gateway.close();
  });

  it('closing the gateway settles queued calls as aborted without calling the source', async () => {
    const { mig, stats } = chaosMig(() => 'hang', { maxBatchSize: 1 });
    const gateway = createSourceGateway({
      sources: { mig },
      config: resolveConfig({ sources: { mig: { concurrency: 1 } } }),
    });
    const pending = gateway.batch('mig', 'getArtists', ['artist-a', 'artist-b', 'artist-c'], { asOf });
    await vi.advanceTimersByTimeAsync(0);
    gateway.close();
    const out = await pending;
    expect([...out.values()].every((o) => o.status === 'error' && o.reason === 'aborted')).toBe(true);
    expect(stats.calls).toBe(1);
  });

  it('chains a whole batch to the caller deadline with one listener, however many calls it makes', async () => {
    const { EventEmitter } = await import('node:events');
    const { mig } = chaosMig(() => 'ok', { latencyMs: 10, maxBatchSize: 1 });
    const gateway = createSourceGateway({
      sources: { mig },
      config: resolveConfig({ sources: { mig: { concurrency: 20 } } }),
    });
    const deadline = createDeadline(60_000);
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    const pending = gateway.batch(
      'mig',
      'getArtists',
      Array.from({ length: 200 }, (_, i) => `artist-${i}`),
      { asOf, deadline },
    );
    await vi.advanceTimersByTimeAsync(1);
    expect(EventEmitter.getEventListeners(deadline.signal, 'abort')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(countOutcomes((await pending).values()).ok).toBe(200);
    await new Promise((r) => process.nextTick(r)); // warnings are emitted on the next tick
    process.off('warning', onWarning);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    deadline.dispose();
    gateway.close();
  });

  it('aborts calls in flight on close', async () => {
    const { mig } = chaosMig(() => 'hang');
    const gateway = createSourceGateway({ sources: { mig } });
    const pending = gateway.batch('mig', 'getArtists', ['artist-a'], { asOf });
    gateway.close();
    const out = await pending;
    expect(out.get('artist-a')).toMatchObject({ status: 'error', reason: 'aborted' });
    expect((await gateway.batch('mig', 'getArtists', ['artist-a'], { asOf })).get('artist-a')).toMatchObject({
      status: 'error',
      reason: 'aborted',
    });
  });

  it('reports each call to the host hook, and survives a hook that throws', async () => {
    const events: SourceCallEvent[] = [];
    const { mig } = chaosMig((keys) => (keys.includes('artist-x') ? 'throw' : 'ok'), { maxBatchSize: 1 });
    const gateway = createSourceGateway({
      sources: { mig },
      onEvent: (e) => {
        events.push(e);
        throw new Error('hook bug');
      },
    });
    const out = await gateway.batch('mig', 'getArtists', ['artist-a', 'artist-x'], { asOf });
    expect(countOutcomes(out.values())).toMatchObject({ ok: 1, error: 1 });
    expect(events.map((e) => e.result).sort()).toEqual(['ok', 'threw']);
    expect(JSON.stringify(events)).not.toContain('artist-');
  });

  it('validates non-batch calls with the schema given', async () => {
    const { mig } = chaosMig(() => 'ok');
    const gateway = createSourceGateway({ sources: { mig } });
    const { z } = await import('zod');
    const page = await gateway.call(
      'mig',
      'listArtists',
      z.object({ items: z.array(z.unknown()), nextCursor: z.string().nullable() }),
      (m, o) => m.listArtists({ limit: 10 }, o),
      { asOf },
    );
    expect(page).toMatchObject({ status: 'ok', value: { items: [], nextCursor: null } });
    const bad = await gateway.call(
      'mig',
      'listArtists',
      z.object({ items: z.array(z.string()).min(1) }),
      (m, o) => m.listArtists({ limit: 10 }, o),
      { asOf },
    );
    expect(bad).toMatchObject({ status: 'error', reason: 'invalid_payload' });
  });
});

describe('payload shortcuts past Zod', () => {
  // The gateway validates networks and engagement series without Zod's object parsing when it can
  // (they are read for every member of every scene); the outcome must be what Zod's safeParse
  // gives, error text included.
  const summarize = (e: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string =>
    e.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`)
      .join('; ');
  const instant = fc.oneof(
    fc.constant('2026-02-29T00:00:00Z'),
    fc.constant('2024-02-29T10:00:00.5+02:00'),
    fc.constant('2026-01-01'),
    fc
      .date({ min: new Date('1990-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
  );
  const any = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.integer(),
    fc.string({ maxLength: 4 }),
    fc.constant([]),
    fc.constant({}),
  );
  const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
    fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: bad, weight: 1 });
  const slug = mostly(
    fc.constantFrom('tm-a', 'artist-b', 'x1'),
    fc.constantFrom('', 'Not A Slug', 'a--b', 'x'.repeat(129)),
  );
  const number = mostly(
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.oneof(fc.double({ min: -0.5, max: 1.5 }), fc.constantFrom(0, 1, -0, Number.NaN, Infinity, 2)),
  );
  const link = fc.record(
    {
      tastemaker: mostly(slug, any),
      kind: mostly(fc.constantFrom('blog', 'radio', 'dj'), fc.oneof(fc.constant('podcast'), any)),
      weight: mostly(number, any),
      since: mostly(instant, any),
      extra: any,
    },
    { requiredKeys: ['tastemaker', 'kind', 'weight', 'since'] },
  );
  const collaborator = fc.record(
    { artist: mostly(slug, any), weight: mostly(number, any), since: mostly(instant, any) },
    { requiredKeys: ['artist', 'weight'] },
  );
  const network = fc.oneof(
    {
      weight: 12,
      arbitrary: fc.record(
        {
          tastemakers: mostly(fc.array(link, { maxLength: 3 }), any),
          collaborators: mostly(fc.array(collaborator, { maxLength: 3 }), any),
          centrality: mostly(fc.oneof(number, fc.constant(null)), any),
          other: any,
        },
        { requiredKeys: ['tastemakers', 'collaborators'] },
      ),
    },
    { arbitrary: any, weight: 1 },
  );

  /** Sanity bounds that never bind: the payload shortcuts are compared with Zod alone. */
  const LOOSE = { futureSkewMs: 100 * 365 * 86_400_000, maxWeight: 1e15, maxDailyEngagement: 1e15 };

  it('the gateway gives exactly what ArtistNetworkSchema.safeParse gives', async () => {
    const values = fc.sample(network, { numRuns: 3000, seed: 42 });
    const keys = values.map((_, i) => `artist-${i}`);
    const mig: MIGAdapter = {
      listArtists: async () => ({ items: [], nextCursor: null }),
      getArtists: async () => new Map(),
      getNetworks: async (ks) => new Map(ks.map((k) => [k, values[Number(k.slice(7))] as never])),
    };
    // Sanity bounds off (they are tested in chaos-sources): this compares the shortcut with Zod.
    const gateway = createSourceGateway({ sources: { mig }, config: resolveConfig({ payloads: LOOSE }) });
    const out = await gateway.batch('mig', 'getNetworks', keys, { asOf, batchSize: 500 });
    let ok = 0;
    for (const [i, v] of values.entries()) {
      const got = out.get(keys[i]!)!;
      const want = ArtistNetworkSchema.safeParse(v);
      if (want.success) {
        ok++;
        expect(got).toMatchObject({ status: 'ok' });
        // The gateway also keys links by whom they link to (a partner listed twice is one link:
        // its latest step, dated by its earliest, whatever the order) and puts them in that order
        // (their weights are summed): so does the expectation.
        const once = <T extends { since: string; weight: number }>(
          xs: readonly T[],
          key: (x: T) => string,
          rest: (x: T) => string = () => '',
        ): T[] => {
          const text = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
          const cmp = (a: T, b: T): number =>
            Date.parse(a.since.length === 10 ? `${a.since}T00:00:00Z` : a.since) -
              Date.parse(b.since.length === 10 ? `${b.since}T00:00:00Z` : b.since) ||
            text(a.since, b.since) ||
            a.weight - b.weight ||
            text(rest(a), rest(b));
          const keys = [...new Set(xs.map(key))].sort(text);
          return keys.map((k) => {
            const steps = xs.filter((x) => key(x) === k).sort(cmp);
            const first = steps[0]!;
            const last = steps.at(-1)!;
            return first.since === last.since ? last : { ...last, since: first.since };
          });
        };
        const d = want.data;
        expect(got.status === 'ok' && got.value).toStrictEqual({
          ...d,
          tastemakers: once(
            d.tastemakers,
            (l) => l.tastemaker,
            (l) => l.kind,
          ),
          collaborators: once(d.collaborators, (l) => l.artist),
        });
      } else {
        expect(got).toMatchObject({
          status: 'error',
          reason: 'invalid_payload',
          // Every outcome message is at most 300 characters (docs/reliability.md).
          message: clipMessage(`mig.getNetworks: ${summarize(want.error)}`),
        });
      }
    }
    expect(ok).toBeGreaterThan(100);
    expect(ok).toBeLessThan(values.length - 300);
    gateway.close();
  });

  const series = mostly(
    fc.array(
      mostly(
        fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(null)),
        fc.constantFrom(-1, -0, Number.NaN, Infinity, '3', undefined),
      ),
      { maxLength: 6 },
    ),
    any,
  );
  const day = mostly(
    fc.constantFrom('2026-01-31', '2024-02-29', '2026-06-01'),
    fc.constantFrom('2026-02-29', '2026-1-01', '2026-06-01T00:00:00Z', '', 20260601),
  );
  const engagementPayload = fc.oneof(
    {
      weight: 12,
      arbitrary: fc.record(
        { start: day, organic: series, paid: series, other: any },
        { requiredKeys: ['start', 'organic', 'paid'] },
      ),
    },
    // Equal lengths, the common case: the refine's own check, then the values.
    {
      weight: 6,
      arbitrary: fc
        .tuple(day, fc.array(fc.oneof(fc.nat(500), fc.constant(null), fc.constant(-2)), { maxLength: 5 }))
        .map(([start, v]) => ({ start, organic: v, paid: v.map((x) => (x === null ? 0 : x)) })),
    },
    { weight: 1, arbitrary: any },
  );

  it('the gateway gives exactly what EngagementSeriesSchema.safeParse gives', async () => {
    const values = fc.sample(engagementPayload, { numRuns: 3000, seed: 43 });
    const keys = values.map((_, i) => `artist-${i}`);
    const fusion: FusionAdapter = {
      getEngagement: async (ks) => new Map(ks.map((k) => [k, values[Number(k.slice(7))] as never])),
      getCampaigns: async () => new Map(),
    };
    // Sanity bounds off (they are tested in chaos-sources): this compares the shortcut with Zod.
    const gateway = createSourceGateway({ sources: { fusion }, config: resolveConfig({ payloads: LOOSE }) });
    // A window from 1900: the gateway trims a series to its read's window, which none reaches before.
    const from = new Date(Date.UTC(1900, 0, 1));
    const out = await gateway.batch('fusion', 'getEngagement', keys, { asOf, from, batchSize: 500 });
    let ok = 0;
    for (const [i, v] of values.entries()) {
      const got = out.get(keys[i]!)!;
      const want = EngagementSeriesSchema.safeParse(v);
      if (want.success) {
        ok++;
        expect(got).toMatchObject({ status: 'ok' });
        expect(got.status === 'ok' && got.value).toStrictEqual(want.data);
        // Zod passes the arrays through; so does the shortcut (and the gateway, when it trims nothing).
        expect(got.status === 'ok' && got.value.organic).toBe(want.data.organic);
      } else {
        expect(got).toMatchObject({
          status: 'error',
          reason: 'invalid_payload',
          message: `fusion.getEngagement: ${summarize(want.error)}`,
        });
      }
    }
    expect(ok).toBeGreaterThan(300);
    expect(ok).toBeLessThan(values.length - 300);
    gateway.close();
  });
});

describe('createDeadline', () => {
  beforeEach(() => vi.useFakeTimers({ now: asOf }));
  afterEach(() => vi.useRealTimers());

  it('aborts for its own time (deadline) or its parent (aborted), whichever comes first', async () => {
    const parent = new AbortController();
    const byTime = createDeadline(100, parent.signal);
    const byParent = createDeadline(10_000, parent.signal);
    await vi.advanceTimersByTimeAsync(100);
    expect([byTime.signal.aborted, byTime.reason()]).toEqual([true, 'deadline']);
    expect(byTime.signal.reason).toMatchObject({ name: 'TimeoutError' });
    parent.abort(new Error('caller left'));
    expect([byParent.signal.aborted, byParent.reason(), byParent.remaining()]).toEqual([true, 'aborted', 0]);
    expect(byParent.signal.reason).toMatchObject({ message: 'caller left' });
    // The one that already timed out keeps its reason.
    expect(byTime.reason()).toBe('deadline');
  });

  it('is aborted at once under an aborted parent, and a disposed one ignores its parent and timer', async () => {
    const parent = new AbortController();
    const disposed = createDeadline(50, parent.signal);
    disposed.dispose();
    parent.abort();
    const late = createDeadline(50, parent.signal);
    expect([late.signal.aborted, late.reason()]).toEqual([true, 'aborted']);
    await vi.advanceTimersByTimeAsync(100);
    expect([disposed.signal.aborted, disposed.reason()]).toEqual([false, undefined]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

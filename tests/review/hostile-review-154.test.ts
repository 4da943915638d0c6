/**
 * Hostile review 154: what a host uses in its own test suite and adapters: the conformance suites
 * of `scene-radar/testing` (run against deliberately broken adapters, to see whether each check can
 * fail), the in-memory sources and the eager dataset a host builds from its own rows (as-of,
 * windows, batch limits, abort, unknown keys, duplicates, ordering, frozen answers), and
 * `fixedClock` with odd inputs (invalid dates, numbers, offsets, steps).
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: the batch cases ask in batches of the adapter's maxBatchSize; the eager dataset keeps a repeated id's earliest copy; fixedClock's advance stays within the Date range), for
 * the reason their name states; the others
 * pin behaviour found correct.
 */
import { describe, expect, it } from 'vitest';
import { createEagerDataset, createMemorySources, type ArtistHistory } from '../../adapters/memory/index.js';
import { fixedClock } from '../../src/index.js';
import type { RCFAdapter } from '../../src/contracts/sources.js';
import { isContractViolation, rcfContractSuite, type ContractCase } from '../../src/testing/index.js';

const ASOF = new Date('2026-03-10T00:00:00Z');
const EARLIER = new Date('2026-03-05T00:00:00Z');
const FROM = new Date('2026-01-01T00:00:00Z');
const live = (): AbortSignal => new AbortController().signal;

type Ev = ArtistHistory['events'][number];
const ev = (id: string, at: string): Ev => ({ id, type: 'radio_play', at, weight: 1, region: 'uk' });

function history(slug: string, events: Ev[] = [], firstSeen = '2025-01-01T00:00:00Z'): ArtistHistory {
  return {
    record: { slug, name: slug, homeRegion: 'uk', homeCity: null, firstSeen },
    tastemakers: [],
    collaborators: [],
    releases: [],
    campaigns: [],
    engagement: { start: '2026-01-01', organic: [1, 2, 3], paid: [0, 0, 0] },
    articles: [],
    events,
    coherence: { start: '2026-01-01', values: [0.5, 0.5, 0.5] },
    memberships: [],
  };
}

const world = () =>
  createMemorySources(
    createEagerDataset({
      histories: [
        history('artist-a', [
          ev('a1', '2026-02-01T10:00:00Z'),
          ev('a2', '2026-03-06T12:00:00Z'),
          ev('a3', '2026-03-12T00:00:00Z'),
        ]),
        history('artist-b', [ev('b1', '2026-03-01'), ev('b2', '2026-03-09T23:59:59.999Z')]),
        history('artist-late', [], '2026-04-01T00:00:00Z'),
      ],
    }),
  );

/** Runs every case; returns the names that failed with a ContractViolation (anything else is rethrown). */
async function failures(cases: readonly ContractCase[]): Promise<string[]> {
  const failed: string[] = [];
  for (const c of cases) {
    try {
      await c.run();
    } catch (e) {
      if (!isContractViolation(e)) throw e;
      failed.push(c.name);
    }
  }
  return failed;
}

const rcfSuite = (create: () => RCFAdapter) =>
  rcfContractSuite({ create, knownKeys: ['artist-a', 'artist-b'], asOf: ASOF, earlierAsOf: EARLIER, from: FROM });

describe('the RCF conformance suite against broken adapters', () => {
  it('passes the in-memory RCF source', async () => {
    expect(await failures(rcfSuite(() => world().rcf))).toEqual([]);
  });

  const broken: [string, (inner: RCFAdapter) => RCFAdapter, string][] = [
    [
      'reads 1 ms past asOf',
      (inner) => ({ getEvents: (k, o) => inner.getEvents(k, { ...o, asOf: new Date(o.asOf.getTime() + 1) }) }),
      'getEvents: returns nothing known only after asOf',
    ],
    [
      'ignores the abort signal',
      (inner) => ({ getEvents: (k, o) => inner.getEvents(k, { ...o, signal: live() }) }),
      'getEvents: rejects when the signal is already aborted',
    ],
    [
      'answers an unknown key with an empty list',
      (inner) => ({
        getEvents: async (k, o) => {
          const m = new Map(await inner.getEvents(k, o));
          for (const key of k) if (!m.has(key)) m.set(key, []);
          return m;
        },
      }),
      'getEvents: leaves unknown keys out without throwing',
    ],
    [
      'lists events newest first',
      (inner) => ({
        getEvents: async (k, o) =>
          new Map([...(await inner.getEvents(k, o))].map(([key, es]) => [key, [...es].reverse()] as const)),
      }),
      'getEvents: returns items that match the payload schema and item rules',
    ],
    [
      'forgets an event it served at earlierAsOf (not monotone)',
      (inner) => ({
        getEvents: async (k, o) =>
          new Map(
            [...(await inner.getEvents(k, o))].map(([key, es]) => [
              key,
              o.asOf.getTime() >= ASOF.getTime() ? es.filter((e) => e.id !== 'b1') : es,
            ]),
          ),
      }),
      'getEvents: still knows at asOf what it knew at earlierAsOf',
    ],
    [
      'moves the asOf it is given',
      (inner) => ({
        getEvents: (k, o) => {
          const r = inner.getEvents(k, o);
          o.asOf.setTime(o.asOf.getTime() - 1);
          return r;
        },
      }),
      'getEvents: does not mutate its inputs',
    ],
    [
      'answers with a plain object, not a Map',
      (inner) => ({ getEvents: async (k, o) => Object.fromEntries(await inner.getEvents(k, o)) as never }),
      'getEvents: returns every known key',
    ],
    [
      'has a write method',
      (inner) => ({ getEvents: (k, o) => inner.getEvents(k, o), setEvents: () => undefined }) as RCFAdapter,
      'exposes only read methods (get*/list*) and maxBatchSize',
    ],
  ];
  for (const [what, wrap, caseName] of broken)
    it(`fails an adapter that ${what} (${caseName})`, async () => {
      expect(await failures(rcfSuite(() => wrap(world().rcf)))).toContain(caseName);
    });

  it('FAULT: a per-item adapter (maxBatchSize: 1, refusing bigger batches, which the gateway never sends) is failed by the suite; the batch cases ignore maxBatchSize (src/testing/batch-cases.ts:91,131,153,169)', async () => {
    const inner = world().rcf;
    const perItem: RCFAdapter = {
      maxBatchSize: 1,
      getEvents: async (keys, o) => {
        if (keys.length > 1) throw new RangeError(`at most 1 key per call, got ${keys.length}`);
        return inner.getEvents(keys, o);
      },
    };
    expect(await failures(rcfSuite(() => perItem))).toEqual([]);
  });
});

describe('the in-memory sources', () => {
  it('honour as-of, the window and the day rule for events', async () => {
    const { rcf } = world();
    const at = (asOf: string, from = FROM) =>
      rcf
        .getEvents(['artist-a', 'artist-b'], { asOf: new Date(asOf), from, signal: live() })
        .then((m) => Object.fromEntries([...m].map(([k, es]) => [k, es.map((e) => e.id)])));
    expect(await at('2026-03-01T23:59:59.999Z')).toEqual({ 'artist-a': ['a1'], 'artist-b': [] });
    expect(await at('2026-03-02T00:00:00Z')).toEqual({ 'artist-a': ['a1'], 'artist-b': ['b1'] });
    expect(await at('2026-03-10T00:00:00Z', new Date('2026-03-02T00:00:00Z'))).toEqual({
      'artist-a': ['a2'],
      'artist-b': ['b1', 'b2'],
    });
  });

  it('leave unknown and not-yet-seen slugs out, answer duplicates once, and ignore the batch limit they declare', async () => {
    const s = createMemorySources(
      createEagerDataset({ histories: [history('artist-a'), history('artist-late', [], '2026-04-01T00:00:00Z')] }),
      { maxBatchSize: 1 },
    );
    expect(s.rcf.maxBatchSize).toBe(1);
    const m = await s.mig.getArtists(['artist-a', 'artist-a', 'nobody', 'artist-late', '__proto__'], {
      asOf: ASOF,
      signal: live(),
    });
    expect([...m.keys()]).toEqual(['artist-a']);
  });

  it('reject an already aborted call with the signal reason, and abort a pending latency', async () => {
    const s = createMemorySources(createEagerDataset({ histories: [history('artist-a')] }), { latencyMs: 5_000 });
    const reason = new Error('stop');
    const ac = new AbortController();
    ac.abort(reason);
    await expect(s.rcf.getEvents(['artist-a'], { asOf: ASOF, from: FROM, signal: ac.signal })).rejects.toBe(reason);
    await expect(s.mig.listArtists({ limit: 1 }, { asOf: ASOF, signal: ac.signal })).rejects.toBe(reason);
    const later = new AbortController();
    const p = s.fusion.getEngagement(['artist-a'], { asOf: ASOF, from: FROM, signal: later.signal });
    later.abort(reason);
    await expect(p).rejects.toBe(reason);
  });

  it("hand out frozen or fresh objects: a caller's edit cannot change a later answer, and the host's rows are not frozen", async () => {
    const host = history('artist-a', [ev('a1', '2026-02-01T10:00:00Z')]);
    const s = createMemorySources(createEagerDataset({ histories: [host] }));
    expect(Object.isFrozen(host.events)).toBe(false);
    expect(Object.isFrozen(host.engagement.organic)).toBe(false);
    const o = { asOf: ASOF, from: FROM, signal: live() };
    const events = (await s.rcf.getEvents(['artist-a'], o)).get('artist-a')!;
    expect(Object.isFrozen(events[0])).toBe(true);
    (events as Ev[]).length = 0;
    const eng = (await s.fusion.getEngagement(['artist-a'], o)).get('artist-a')!;
    (eng.organic as number[])[0] = 999;
    const rec = (await s.mig.getArtists(['artist-a'], o)).get('artist-a')!;
    expect(Object.isFrozen(rec)).toBe(true);
    expect((await s.rcf.getEvents(['artist-a'], o)).get('artist-a')!.map((e) => e.id)).toEqual(['a1']);
    expect((await s.fusion.getEngagement(['artist-a'], o)).get('artist-a')!.organic).toEqual([1, 2, 3]);
  });

  it('FAULT: an event id delivered twice is served from its first copy in input order, not its earliest as the gateway keeps it, so as of a day between the copies a known event is missing (adapters/memory/eager-dataset.ts:519-522, distinctBy before byTime)', async () => {
    const at = async (events: Ev[]) => {
      const s = createMemorySources(createEagerDataset({ histories: [history('artist-a', events)] }));
      const m = await s.rcf.getEvents(['artist-a'], {
        asOf: new Date('2026-03-03T00:00:00Z'),
        from: FROM,
        signal: live(),
      });
      return m.get('artist-a')!.map((e) => `${e.id}@${e.at}`);
    };
    const early = ev('e1', '2026-03-01T00:00:00Z');
    const late = ev('e1', '2026-03-05T00:00:00Z');
    // In time order the event is known from 03-01 on; delivered newest first, it disappears until 03-05.
    expect(await at([early, late])).toEqual(['e1@2026-03-01T00:00:00Z']);
    expect(await at([late, early])).toEqual(['e1@2026-03-01T00:00:00Z']);
  });
});

describe('fixedClock with odd inputs', () => {
  it('reads days, offsets and epoch ms as documented', () => {
    expect(fixedClock('2026-01-01').now()).toBe(Date.UTC(2026, 0, 1));
    expect(fixedClock('2026-01-01T01:00:00+01:00').now()).toBe(Date.UTC(2026, 0, 1));
    expect(fixedClock('2025-12-31T14:00:00-10:00').now()).toBe(Date.UTC(2026, 0, 1));
    expect(fixedClock(0).now()).toBe(0);
    const d = new Date('2026-01-01T00:00:00Z');
    const c = fixedClock(d);
    d.setTime(0);
    expect(c.now()).toBe(Date.UTC(2026, 0, 1));
    c.advance(-1);
    expect(c.now()).toBe(Date.UTC(2026, 0, 1) - 1);
  });

  for (const bad of [
    '2026-01-01T00:00:00',
    '2026-02-30',
    'June 1, 2026',
    '',
    Number.NaN,
    Number.POSITIVE_INFINITY,
    8.64e15 + 1,
    new Date(Number.NaN),
  ] as const)
    it(`refuses ${String(bad)} with a RangeError, at start and on set`, () => {
      expect(() => fixedClock(bad)).toThrow(RangeError);
      const c = fixedClock(0);
      expect(() => c.set(bad)).toThrow(RangeError);
      expect(c.now()).toBe(0);
    });

  it('FAULT: advance() moves the clock to an instant set() refuses (past the Date range), so now() names no Date (src/core/clock.ts:53-54 checks only Number.isFinite)', () => {
    const c = fixedClock('2026-01-01T00:00:00Z');
    expect(() => c.set(8.64e15 + 1)).toThrow(RangeError);
    expect(() => c.advance(8.64e15)).toThrow(RangeError);
    expect(Number.isFinite(new Date(c.now()).getTime())).toBe(true);
  });
});

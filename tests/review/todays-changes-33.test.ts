/**
 * Review of the day's changes (33): a839c84 (src/testing/batch-cases.ts: the contract suites ask a
 * source in batches of its declared `maxBatchSize` and merge the answers, the abort and
 * input-immutability cases included; adapters/memory/eager-dataset.ts: a repeated article, event,
 * campaign or release id keeps its earliest copy; src/core/clock.ts: `fixedClock().advance()`
 * refuses a step past the Date range), abf3c9e (src/cli/index.ts: `help --help`, `help -h`,
 * `help help` print the overview), 1c186af (src/talent/talent-state.ts `stateOrThrow`: an unreadable
 * `refresh-plan-<id>` row advises discarding the refresh) and 1fac189 (.ci/run: the demo's smoke run
 * beside the typecheck; read, and the demo run from a copy of the sources without dist/, not run
 * here). Probed: the RCF suite against deliberately broken adapters declaring maxBatchSize 1, 2 or
 * 3, none, or one the gateway ignores (0, NaN, 1.5, a string, a throwing getter); the eager
 * dataset's answers for repeated ids against the gateway's own reading of the same rows
 * (`canonicalObservations`: trimmed to the window, ordered, then each id once); the clock at the
 * edges of the Date range; the CLI's help words; the state rows' advice.
 *
 * Tests named "FAULT:" failed on the code as reviewed, for the reason their name states (fixed in
 * the same commit: merged batches compare a key answered twice; the immutability and batch-vs-alone
 * cases put the unknown key first; the eager dataset keeps every copy in a canonical order and the
 * sources answer each id once after their window; the TSDoc fault's test now reads the new wording).
 * The others pin behaviour found correct.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEagerDataset, createMemorySources, type ArtistHistory } from '../../adapters/memory/index.js';
import { runCli } from '../../src/cli/index.js';
import type { RCFAdapter } from '../../src/contracts/sources.js';
import { canonicalObservations } from '../../src/core/gateway/bounds.js';
import { fixedClock } from '../../src/index.js';
import { stateOrThrow } from '../../src/talent/talent-state.js';
import { isContractViolation, rcfContractSuite, type ContractCase } from '../../src/testing/index.js';

const ASOF = new Date('2026-03-10T00:00:00Z');
const EARLIER = new Date('2026-03-05T00:00:00Z');
const FROM = new Date('2026-01-01T00:00:00Z');
const live = (): AbortSignal => new AbortController().signal;

type Ev = ArtistHistory['events'][number];
const ev = (id: string, at: string, weight = 1): Ev => ({ id, type: 'radio_play', at, weight, region: 'uk' });

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

/** `getEvents` with a declared size (undefined: none declared). */
const sized = (size: number | undefined, getEvents: RCFAdapter['getEvents']): RCFAdapter =>
  size === undefined ? { getEvents } : { maxBatchSize: size, getEvents };

const SURFACE = 'exposes only read methods (get*/list*) and maxBatchSize';
const DUPLICATES = 'getEvents: tolerates duplicate keys';
const IMMUTABLE = 'getEvents: does not mutate its inputs';
const BATCH_ALONE = 'getEvents: answers a batch as it answers each key alone';

/**
 * Answers a key asked n times in one call with its events n times over (a join that fans out on
 * the repeated key): wrong for any call holding a duplicate, right for every other.
 */
const fansOutDuplicates = (size: number | undefined) => (): RCFAdapter => {
  const inner = world().rcf;
  return sized(size, async (keys, o) => {
    const answer = await inner.getEvents([...new Set(keys)], o);
    const out = new Map<string, readonly Ev[]>();
    for (const [k, es] of answer) {
      const n = keys.filter((x) => x === k).length;
      out.set(k, Array.from({ length: n }, () => es).flat());
    }
    return out;
  });
};

/** Drops the keys it does not know from the array it is given, in place, after answering. */
const splicesUnknownKeys = (size: number | undefined) => (): RCFAdapter => {
  const inner = world().rcf;
  return sized(size, async (keys, o) => {
    const answer = await inner.getEvents(keys, o);
    for (let i = keys.length - 1; i >= 0; i--) if (!answer.has(keys[i]!)) (keys as string[]).splice(i, 1);
    return answer;
  });
};

/** When any key of the call is unknown, answers the known ones with no events (a fallback path). */
const blanksBesideUnknown = (size: number | undefined) => (): RCFAdapter => {
  const inner = world().rcf;
  return sized(size, async (keys, o) => {
    const answer = await inner.getEvents(keys, o);
    if (keys.every((k) => answer.has(k))) return answer;
    return new Map([...answer.keys()].map((k) => [k, [] as Ev[]]));
  });
};

describe('the contract suites in batches of maxBatchSize (src/testing/batch-cases.ts)', () => {
  it('pass a source that refuses batches over its declared size (1, 2, 3), never asking it more keys', async () => {
    for (const size of [1, 2, 3]) {
      const inner = world().rcf;
      let largest = 0;
      const strict = sized(size, async (keys, o) => {
        largest = Math.max(largest, keys.length);
        if (keys.length > size) throw new RangeError(`at most ${size} keys per call, got ${keys.length}`);
        return inner.getEvents(keys, o);
      });
      expect(await failures(rcfSuite(() => strict))).toEqual([]);
      expect(largest).toBe(size);
    }
  });

  it('treat a size the gateway ignores (0, NaN, 1.5, a string, a throwing getter) as none: the whole list in one call, and the surface case fails it', async () => {
    const declarations: [string, (a: { getEvents: RCFAdapter['getEvents'] }) => RCFAdapter][] = [
      ['0', (a) => ({ ...a, maxBatchSize: 0 })],
      ['NaN', (a) => ({ ...a, maxBatchSize: Number.NaN })],
      ['1.5', (a) => ({ ...a, maxBatchSize: 1.5 })],
      ["'1'", (a) => ({ ...a, maxBatchSize: '1' as unknown as number })],
      [
        'a throwing getter',
        (a) =>
          Object.defineProperty({ ...a }, 'maxBatchSize', {
            get() {
              throw new Error('no size');
            },
            enumerable: true,
          }) as RCFAdapter,
      ],
    ];
    for (const [what, declare] of declarations) {
      const inner = world().rcf;
      let largest = 0;
      const adapter = declare({
        getEvents: async (keys, o) => {
          largest = Math.max(largest, keys.length);
          return inner.getEvents(keys, o);
        },
      });
      const failed = await failures(rcfSuite(() => adapter));
      expect({ what, failed }).toEqual({ what, failed: [SURFACE] });
      // The duplicates case's five keys in one call, as before the change (no batch limit).
      expect({ what, largest }).toEqual({ what, largest: 5 });
    }
  });

  const broken: [string, (inner: RCFAdapter, size: number) => RCFAdapter, string][] = [
    [
      'reads 1 ms past asOf',
      (inner, size) => sized(size, (k, o) => inner.getEvents(k, { ...o, asOf: new Date(o.asOf.getTime() + 1) })),
      'getEvents: returns nothing known only after asOf',
    ],
    [
      'ignores the abort signal',
      (inner, size) => sized(size, (k, o) => inner.getEvents(k, { ...o, signal: live() })),
      'getEvents: rejects when the signal is already aborted',
    ],
    [
      'answers every call with artist-a too (a key it was not asked for)',
      (inner, size) =>
        sized(size, async (k, o) => {
          const m = new Map(await inner.getEvents(k, o));
          const a = (await inner.getEvents(['artist-a'], o)).get('artist-a');
          if (a) m.set('artist-a', a);
          return m;
        }),
      'getEvents: returns only requested keys',
    ],
    [
      'answers an unknown key with an empty list',
      (inner, size) =>
        sized(size, async (k, o) => {
          const m = new Map(await inner.getEvents(k, o));
          for (const key of k) if (!m.has(key)) m.set(key, []);
          return m;
        }),
      'getEvents: leaves unknown keys out without throwing',
    ],
    [
      'moves the asOf it is given',
      (inner, size) =>
        sized(size, (k, o) => {
          const r = inner.getEvents(k, o);
          o.asOf.setTime(o.asOf.getTime() - 1);
          return r;
        }),
      IMMUTABLE,
    ],
    [
      'sorts the keys it is given in place',
      (inner, size) =>
        sized(size, (k, o) => {
          (k as string[]).sort().reverse();
          return inner.getEvents(k, o);
        }),
      IMMUTABLE,
    ],
    [
      'forgets an event it served at earlierAsOf (not monotone)',
      (inner, size) =>
        sized(
          size,
          async (k, o) =>
            new Map(
              [...(await inner.getEvents(k, o))].map(([key, es]) => [
                key,
                o.asOf.getTime() >= ASOF.getTime() ? es.filter((e) => e.id !== 'b1') : es,
              ]),
            ),
        ),
      'getEvents: still knows at asOf what it knew at earlierAsOf',
    ],
  ];
  // One key cannot be sorted out of order: an in-place sort changes nothing a per-item source is given.
  for (const size of [1, 2, 3])
    for (const [what, wrap, caseName] of broken)
      if (!(size === 1 && what.startsWith('sorts')))
        it(`still fail an adapter that ${what}, declaring maxBatchSize ${size} (${caseName})`, async () => {
          expect(await failures(rcfSuite(() => wrap(world().rcf, size)))).toContain(caseName);
        });

  it('fail, with no size declared, an adapter that fans out duplicates, splices unknown keys out of its input, or blanks known keys beside an unknown one', async () => {
    expect(await failures(rcfSuite(fansOutDuplicates(undefined)))).toContain(DUPLICATES);
    expect(await failures(rcfSuite(splicesUnknownKeys(undefined)))).toContain(IMMUTABLE);
    expect(await failures(rcfSuite(blanksBesideUnknown(undefined)))).toContain(BATCH_ALONE);
  });

  it('fail those adapters too when a declared size of 3 puts [...known, unknown] in one call (duplicates aside)', async () => {
    expect(await failures(rcfSuite(splicesUnknownKeys(3)))).toContain(IMMUTABLE);
    expect(await failures(rcfSuite(blanksBesideUnknown(3)))).toContain(BATCH_ALONE);
  });

  for (const size of [2, 3])
    it(`FAULT: an adapter that answers a key repeated within one call (['artist-a', 'artist-a'], within maxBatchSize ${size}) with its events twice passes 'tolerates duplicate keys': the merge lets a later batch's answer for the key overwrite the wrong one (src/testing/batch-cases.ts:59, out.set in call())`, async () => {
      // Asked directly, the adapter is wrong within its declared size:
      const adapter = fansOutDuplicates(size)();
      const twice = await adapter.getEvents(['artist-a', 'artist-a'], { asOf: ASOF, from: FROM, signal: live() });
      const once = await adapter.getEvents(['artist-a'], { asOf: ASOF, from: FROM, signal: live() });
      expect(twice.get('artist-a')!.length).toBe(2 * once.get('artist-a')!.length);
      expect(await failures(rcfSuite(fansOutDuplicates(size)))).toContain(DUPLICATES);
    });

  for (const size of [1, 2])
    it(`FAULT: with maxBatchSize ${size} the immutability case never passes the unknown key (the one batch is the first ${size} of [...known, unknown]), so an adapter that splices unknown keys out of the array it is given passes, though the gateway sends such batches (src/testing/batch-cases.ts:213)`, async () => {
      // The gateway may send the unknown key in a batch of this size: the adapter changes it.
      const keys =
        size === 1 ? ['zz-scene-radar-contract-suite-unknown'] : ['artist-b', 'zz-scene-radar-contract-suite-unknown'];
      await splicesUnknownKeys(size)().getEvents(keys, { asOf: ASOF, from: FROM, signal: live() });
      expect(keys.length).toBe(size - 1);
      expect(await failures(rcfSuite(splicesUnknownKeys(size)))).toContain(IMMUTABLE);
    });

  it("FAULT: with maxBatchSize 2 (the number of known keys) the batch-vs-alone case asks [a, b] then [unknown]: no batch mixes a known key with the unknown one, so an adapter that blanks known keys beside an unknown key passes the whole suite, though ['artist-b', unknown] is a batch the gateway sends and it answers it wrongly (src/testing/batch-cases.ts:178)", async () => {
    const adapter = blanksBesideUnknown(2)();
    const o = { asOf: ASOF, from: FROM, signal: live() };
    const mixed = await adapter.getEvents(['artist-b', 'zz-scene-radar-contract-suite-unknown'], o);
    const alone = await adapter.getEvents(['artist-b'], o);
    expect(mixed.get('artist-b')).toEqual([]);
    expect(alone.get('artist-b')!.length).toBeGreaterThan(0);
    expect(await failures(rcfSuite(blanksBesideUnknown(2)))).toContain(BATCH_ALONE);
  });
});

describe('the eager dataset keeps a repeated id once (adapters/memory/eager-dataset.ts)', () => {
  const served = async (events: Ev[], asOf = ASOF, from = FROM): Promise<string[]> => {
    const s = createMemorySources(createEagerDataset({ histories: [history('artist-a', events)] }));
    const m = await s.rcf.getEvents(['artist-a'], { asOf, from, signal: live() });
    return m.get('artist-a')!.map((e) => `${e.id}@${e.at}w${e.weight}`);
  };
  /** What the gateway keeps of the same rows (trimmed to the window, in order, then each id once). */
  const gatewayKeeps = (events: Ev[], asOf = ASOF, from = FROM): string[] =>
    (
      canonicalObservations(
        'rcf.getEvents',
        events.filter((e) => Date.parse(e.at) <= asOf.getTime()),
        from.getTime(),
      ) as Ev[]
    ).map((e) => `${e.id}@${e.at}w${e.weight}`);

  it('keeps the earliest of two copies at different instants, whichever order they came in, as the gateway does', async () => {
    const early = ev('e1', '2026-02-01T00:00:00Z');
    const late = ev('e1', '2026-03-05T00:00:00Z');
    const other = ev('e2', '2026-02-15T00:00:00Z');
    for (const order of [
      [early, late, other],
      [late, other, early],
      [other, late, early],
    ]) {
      expect(await served(order)).toEqual(['e1@2026-02-01T00:00:00Zw1', 'e2@2026-02-15T00:00:00Zw1']);
      expect(await served(order)).toEqual(gatewayKeeps(order));
    }
    // Between the copies the event is known (the earliest), as the change meant.
    expect(await served([late, early], new Date('2026-03-03T00:00:00Z'))).toEqual(['e1@2026-02-01T00:00:00Zw1']);
  });

  it('keeps the same id in two histories in both, and campaigns and releases by their earliest copy', async () => {
    const a: ArtistHistory = {
      ...history('artist-a', [ev('x', '2026-02-01T00:00:00Z')]),
      campaigns: [
        { id: 'c1', channel: 'social', start: '2026-02-10', end: null, spend: 10 },
        { id: 'c1', channel: 'social', start: '2026-02-01', end: null, spend: 10 },
      ],
      releases: [
        { releaseId: 'r1', releasedAt: '2026-02-20', vector: [1], microgenres: [] },
        { releaseId: 'r1', releasedAt: '2026-02-05', vector: [1], microgenres: [] },
      ],
    };
    const b = history('artist-b', [ev('x', '2026-02-02T00:00:00Z')]);
    const ds = createEagerDataset({ histories: [a, b] });
    const s = createMemorySources(ds);
    const o = { asOf: ASOF, from: FROM, signal: live() };
    const events = await s.rcf.getEvents(['artist-a', 'artist-b'], o);
    expect(events.get('artist-a')!.map((e) => e.at)).toEqual(['2026-02-01T00:00:00Z']);
    expect(events.get('artist-b')!.map((e) => e.at)).toEqual(['2026-02-02T00:00:00Z']);
    // The dataset keeps every copy (oldest first); the sources answer each id once, its earliest.
    const h = ds.artistHistory('artist-a')!;
    expect(h.campaigns.map((c) => c.start)).toEqual(['2026-02-01', '2026-02-10']);
    expect(h.releases.map((r) => r.releasedAt)).toEqual(['2026-02-05', '2026-02-20']);
    const campaigns = await s.fusion.getCampaigns(['artist-a'], o);
    expect(campaigns.get('artist-a')!.map((c) => c.start)).toEqual(['2026-02-01']);
    const releases = await s.cmg.getReleases(['artist-a'], o);
    expect(releases.get('artist-a')!.map((r) => r.releasedAt)).toEqual(['2026-02-05']);
  });

  it('FAULT: two copies of one event at the same instant (different weight) are served by input order, so the answers still depend on the order of the input, against the TSDoc (eager-dataset.ts:158-160) and the gateway, which orders such copies by content (bounds.ts:361-362); the stable byTime (eager-dataset.ts:150) keeps input order among ties before distinctBy (eager-dataset.ts:196-211)', async () => {
    const light = ev('e1', '2026-02-01T00:00:00Z', 1);
    const heavy = ev('e1', '2026-02-01T00:00:00Z', 5);
    expect(gatewayKeeps([light, heavy])).toEqual(gatewayKeeps([heavy, light]));
    expect(await served([heavy, light])).toEqual(await served([light, heavy]));
  });

  it("FAULT: an event whose earlier copy is before the window (from) and later copy inside it is missing from the in-memory answer, where the gateway, reading the same rows, trims the window first and keeps the copy inside it (bounds.ts canonicalObservations); the dataset keeps only the earliest copy of the whole history before the source's window filter (eager-dataset.ts:208-211, sources.ts:248), against its TSDoc's 'as the gateway keeps it'", async () => {
    const before = ev('e1', '2025-12-20T00:00:00Z');
    const inside = ev('e1', '2026-02-01T00:00:00Z');
    expect(gatewayKeeps([before, inside])).toEqual(['e1@2026-02-01T00:00:00Zw1']);
    expect(await served([before, inside])).toEqual(gatewayKeeps([before, inside]));
  });

  it("FAULT: EagerDatasetInput.histories' TSDoc promised a repeated id is kept 'the first in input order, as the gateway reads it' (eager-dataset.ts:40-41); it says it is answered once, its earliest copy within the window asked", () => {
    const text = readFileSync(new URL('../../adapters/memory/eager-dataset.ts', import.meta.url), 'utf8');
    expect(text).not.toContain('the first in input order');
    expect(text).toContain('is answered once (its earliest copy within the window asked)');
  });
});

describe('fixedClock().advance() within the Date range (src/core/clock.ts)', () => {
  it('moves to the last instants a Date holds and refuses a step past them, the clock unmoved', () => {
    const c = fixedClock(0);
    c.advance(8.64e15);
    expect(c.now()).toBe(8.64e15);
    expect(() => c.advance(1)).toThrow(RangeError);
    expect(c.now()).toBe(8.64e15);
    c.advance(-2 * 8.64e15);
    expect(c.now()).toBe(-8.64e15);
    expect(() => c.advance(-1)).toThrow(RangeError);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      expect(() => c.advance(bad)).toThrow(RangeError);
    expect(c.now()).toBe(-8.64e15);
    c.advance(0);
    expect(new Date(c.now()).toISOString()).toBe('-271821-04-20T00:00:00.000Z');
  });
});

describe('scene-radar help about help (src/cli/index.ts)', () => {
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('prints the overview for help --help, help -h and help help (exit 0), as for help; anything more is a usage mistake', async () => {
    const overview = await run(['help']);
    expect(overview.code).toBe(0);
    for (const word of ['--help', '-h', 'help']) expect(await run(['help', word])).toEqual(overview);
    for (const args of [
      ['help', 'help', 'help'],
      ['help', '-h', '--help'],
      ['help', '--HELP'],
      ['--help', 'help'],
    ]) {
      const got = await run(args);
      expect({ args, code: got.code, out: got.out }).toEqual({ args, code: 2, out: '' });
      expect(got.err).toContain('usage: scene-radar <command> [flags]');
    }
    expect((await run(['help', 'refresh'])).out).toContain('usage: scene-radar refresh');
  });
});

describe("stateOrThrow's advice for an unreadable row (src/talent/talent-state.ts)", () => {
  const advice = (name: string): string => {
    try {
      stateOrThrow({ name, value: {}, updated_at: '2026-12-01T00:00:00.000Z' }, () => {
        throw new Error('unreadable');
      });
    } catch (e) {
      expect((e as { code?: string }).code).toBe('STORE_SCHEMA_MISMATCH');
      return (e as Error).message;
    }
    throw new Error('stateOrThrow did not throw');
  };

  it('says to discard a plan row, to reset the model row, and that the next refresh replaces the others', () => {
    expect(advice('refresh-plan-r1')).toMatch(/"refresh-plan-r1".*: discard that refresh \(talent\.discardRefresh\)/);
    expect(advice('breakout-model')).toMatch(/: reset it or apply a new model$/);
    expect(advice('last-refresh')).toMatch(/: the next refresh replaces it$/);
    expect(advice('last-failed-walk')).toMatch(/: the next refresh replaces it$/);
  });
});

/**
 * Review of the day's changes (25), the commits since 97cbb88: the backtest harness closes each
 * guarded view of the sources once the call it was handed to has settled (src/backtest/guard.ts
 * `close`, run-backtest.ts `withView`), and a read through a closed view is a recorded violation
 * with `late: true`; the in-memory scene pulse lookup and the Scenes conformance suite read pulse
 * stamps with `observedAtMs`; the tabular `map` hook refuses a thenable per line and handles its
 * rejection (adapters/tabular/validate-rows.ts), and a non-finite number is named in messages
 * (coerce.ts); vitest.config.ts starts the listed slow files first. (The API report's shared
 * CompilerState and the API reference's --skipErrorChecking were checked by hand in a worktree.)
 *
 * Checked: a view kept by fit, labels or an earlier score and read later (within or past its
 * limit, with or without an asOf), the violation's `late`, `asOf` and message; reads started
 * before the close (in flight, fired and not awaited) going through; closing twice or a foreign
 * object; an aborted run whose callback reads after the abort; a run of talentScorer; pulse
 * stamps with sub-millisecond digits, offsets and ties; thenables, rows with a `then` column, a
 * Date, a Map and a `then` getter that throws, with the report's counts; NaN and the infinities
 * in messages; the sequencer's order, its sharding and the other configs.
 *
 * Tests named "FAULT:" failed on the code as reviewed, for the reason their name states (fixed in
 * the same commit: a view whose call failed is closed as failed, its late reads refused but not
 * recorded; every promise among a map's rows is refused as a row and handled); the others pin
 * behaviour found correct.
 */
import { describe, expect, it } from 'vitest';
import { createEagerDataset, createMemorySources } from '../../adapters/memory/index.js';
import { createTabularSources, type TabularRow } from '../../adapters/tabular/index.js';
import {
  createLookaheadGuard,
  isBacktestError,
  runBacktest,
  violationText,
  type BacktestOptions,
  type BacktestScorer,
  type LookaheadViolation,
} from '../../src/backtest/index.js';
import type { RcfEvent, SceneRadarSources } from '../../src/index.js';
import vitestConfig from '../../vitest.config.js';

const DAY = 86_400_000;
const at = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const live = new AbortController().signal;
// biome-ignore lint/suspicious/noExplicitAny: hostile maps return anything
type Any = any;

// ---------------------------------------------------------------------------------------------
// A tiny world: one RCF adapter that records every asOf it is asked, optionally slowly.
// ---------------------------------------------------------------------------------------------

const ARTISTS = ['a', 'b', 'c', 'd'] as const;
const TRUTH: Record<string, boolean> = { a: false, b: true, c: false, d: true };

function tinySources(delayMs = 0): { sources: SceneRadarSources; asked: string[]; calls: () => number } {
  const asked: string[] = [];
  let calls = 0;
  const events: RcfEvent[] = [];
  for (let d = 0; d < 360; d += 10)
    for (const [i, slug] of ARTISTS.entries())
      events.push({
        id: `${slug}-${d}`,
        type: 'playlist_add',
        at: new Date(Date.parse('2020-01-01T12:00:00.000Z') + d * DAY).toISOString(),
        weight: i + 1,
        region: 'uk',
      });
  const rcf = {
    async getEvents(slugs: readonly string[], options: { asOf: Date; from: Date; signal?: AbortSignal }) {
      calls++;
      if (delayMs > 0) await sleep(delayMs);
      else await Promise.resolve();
      asked.push(options.asOf.toISOString());
      const asOf = options.asOf.getTime();
      return new Map(
        slugs.map((s) => [s, events.filter((e) => e.id.startsWith(`${s}-`) && Date.parse(e.at) <= asOf)] as const),
      );
    },
  };
  return { sources: { rcf } as unknown as SceneRadarSources, asked, calls: () => calls };
}

const CUTOFFS = [
  { asOf: at('2020-03-01'), split: 'train' as const },
  { asOf: at('2020-05-01'), split: 'train' as const },
  { asOf: at('2020-08-01'), split: 'test' as const },
];

const ones: BacktestScorer = { name: 'ones', score: ({ candidates }) => new Map(candidates.map((s) => [s, 1])) };

function options(over: Partial<BacktestOptions> = {}): BacktestOptions {
  return {
    name: 'review-tc25',
    sources: tinySources().sources,
    cutoffs: CUTOFFS,
    horizonDays: 30,
    candidates: () => [...ARTISTS],
    labels: ({ candidates }) => Object.fromEntries(candidates.map((s) => [s, TRUTH[s]!])),
    baselines: [ones],
    resamples: 10,
    ...over,
  };
}

async function outcome(p: Promise<unknown>): Promise<{ code: string; message: string; details: unknown } | 'resolved'> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    if (isBacktestError(e)) return { code: e.code, message: e.message, details: e.details };
    return { code: `not a BacktestError: ${String(e)}`, message: String(e), details: undefined };
  }
}

// ---------------------------------------------------------------------------------------------

describe('the guard: close and late reads', () => {
  const limit = at('2020-05-01');
  const scope = { call: 'scorer "x" score', cutoff: limit.toISOString() };

  it('a read through a closed view is refused and recorded late, asOf as asked even within the limit', async () => {
    const { sources, calls } = tinySources();
    const guard = createLookaheadGuard();
    const view = guard.view(sources, limit, scope);
    await view.rcf!.getEvents(['a'], { asOf: limit, from: new Date(0), signal: live });
    expect(guard.violations).toEqual([]);
    guard.close(view);
    guard.close(view); // twice: nothing more
    const earlier = new Date(limit.getTime() - DAY);
    const refused = await view.rcf!.getEvents(['a'], { asOf: earlier, from: new Date(0), signal: live }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isBacktestError(refused) && refused.code).toBe('BACKTEST_LOOKAHEAD');
    expect(calls()).toBe(1);
    const v = guard.violations[0]!;
    expect(v).toEqual({
      ...scope,
      method: 'rcf.getEvents',
      asOf: earlier.toISOString(),
      limit: limit.toISOString(),
      late: true,
    });
    expect(Object.isFrozen(v)).toBe(true);
    expect(violationText(v)).toBe(
      `scorer "x" score at cutoff 2020-05-01T00:00:00.000Z read rcf.getEvents as of 2020-04-30T00:00:00.000Z after it had settled (its view of the sources, limited to 2020-05-01T00:00:00.000Z, serves that call only)`,
    );
    expect((refused as Error).message).toBe(violationText(v));
  });

  it('a late read past the limit, without asOf or with a string asOf is late too, its asOf described', async () => {
    const guard = createLookaheadGuard();
    const view = guard.view(tinySources().sources, limit, scope);
    guard.close(view);
    const args: unknown[] = [
      { asOf: new Date(limit.getTime() + 1), from: new Date(0) },
      { from: new Date(0) },
      { asOf: '2020-01-01', from: new Date(0) },
      { asOf: new Date(Number.NaN), from: new Date(0) },
    ];
    for (const a of args) await (view.rcf!.getEvents as Any)(['a'], a).catch(() => 0);
    expect(guard.violations.map((v) => [v.asOf, v.late])).toEqual([
      ['2020-05-01T00:00:00.001Z', true],
      ['no asOf', true],
      ['a string (2020-01-01)', true],
      ['an invalid Date', true],
    ]);
    // A read past the limit through an open view carries no `late` at all.
    const open = guard.view(tinySources().sources, limit, scope);
    await open
      .rcf!.getEvents(['a'], { asOf: new Date(limit.getTime() + 1), from: new Date(0), signal: live })
      .catch(() => 0);
    expect('late' in guard.violations.at(-1)!).toBe(false);
    expect(violationText(guard.violations.at(-1)!)).toMatch(/past its limit/);
  });

  it('a read started before the close completes; closing one view leaves the others open; foreign objects are ignored', async () => {
    const { sources, asked } = tinySources(20);
    const guard = createLookaheadGuard();
    const a = guard.view(sources, limit, scope);
    const b = guard.view(sources, limit, scope);
    const inFlight = a.rcf!.getEvents(['a'], { asOf: limit, from: new Date(0), signal: live });
    guard.close(a);
    expect((await inFlight).get('a')!.length).toBeGreaterThan(0);
    await b.rcf!.getEvents(['a'], { asOf: limit, from: new Date(0), signal: live });
    guard.close(sources);
    guard.close(null as Any);
    guard.close(a.rcf as Any);
    guard.close({ ...b } as Any); // a copy is not the view
    await b.rcf!.getEvents(['a'], { asOf: limit, from: new Date(0), signal: live });
    expect(guard.violations).toEqual([]);
    expect(asked).toHaveLength(3);
    // Another guard's close does nothing to this guard's view.
    createLookaheadGuard().close(b);
    await b.rcf!.getEvents(['a'], { asOf: limit, from: new Date(0), signal: live });
    expect(guard.violations).toEqual([]);
  });
});

describe('runBacktest: views closed once their call settles', () => {
  it('a view kept by labels and read by a later score is late: the run is void and names it', async () => {
    let kept: SceneRadarSources | null = null;
    const reader: BacktestScorer = {
      name: 'reader',
      async score({ asOf, candidates, signal }) {
        await kept!.rcf!.getEvents(candidates, { asOf, from: new Date(0), signal }).catch(() => 0);
        return new Map(candidates.map((s) => [s, 1]));
      },
    };
    const got = await outcome(
      runBacktest(
        options({
          labels: ({ candidates, sources }) => {
            kept = sources;
            return Object.fromEntries(candidates.map((s) => [s, TRUTH[s]!]));
          },
          baselines: [reader],
        }),
      ),
    );
    expect(got).toMatchObject({
      code: 'BACKTEST_LOOKAHEAD',
      message:
        'lookahead: labels at cutoff 2020-08-01T00:00:00.000Z read rcf.getEvents as of 2020-03-01T00:00:00.000Z after it had settled (its view of the sources, limited to 2020-08-31T00:00:00.000Z, serves that call only); the backtest is void',
    });
    const first = (got as { details: LookaheadViolation[] }).details[0]!;
    expect(first.late).toBe(true);
  });

  it('a view kept by one score and read by the next cutoff is late too', async () => {
    let previous: SceneRadarSources | null = null;
    const scorer: BacktestScorer = {
      name: 'keeps',
      async score({ asOf, sources, candidates, signal }) {
        if (previous) await previous.rcf!.getEvents(candidates, { asOf, from: new Date(0), signal }).catch(() => 0);
        previous = sources;
        return new Map(candidates.map((s) => [s, 1]));
      },
    };
    const got = await outcome(runBacktest(options({ baselines: [scorer] })));
    expect(got).toMatchObject({
      code: 'BACKTEST_LOOKAHEAD',
      message: expect.stringMatching(
        /^lookahead: scorer "keeps" score at cutoff 2020-03-01T00:00:00.000Z read rcf.getEvents as of 2020-05-01T00:00:00.000Z after it had settled/,
      ),
    });
  });

  it('reads of every call that started before it settled go through: awaited, in flight, fired and not awaited', async () => {
    const slow = tinySources(15);
    const started: string[] = [];
    const scorer: BacktestScorer = {
      name: 'fires',
      async fit({ limit, sources, signal }) {
        // Fired, not awaited: still running when fit settles.
        void sources.rcf!.getEvents(['a'], { asOf: limit, from: new Date(0), signal });
      },
      score({ asOf, sources, candidates, signal }) {
        started.push(asOf.toISOString());
        void sources.rcf!.getEvents(candidates, { asOf, from: new Date(0), signal }).catch(() => 0);
        return new Map(candidates.map((s) => [s, 1]));
      },
    };
    const result = await runBacktest(
      options({
        sources: slow.sources,
        candidates: async ({ asOf, sources, signal }) => {
          await sources.rcf!.getEvents(['a'], { asOf, from: new Date(0), signal });
          return [...ARTISTS];
        },
        population: ({ asOf, sources, candidates, signal }) => {
          // A promise returned that resolves later, its read started before it resolves.
          return sources.rcf!.getEvents(['a'], { asOf, from: new Date(0), signal }).then(() => [...candidates]);
        },
        scorer,
      }),
    );
    expect(result.scorer!.error).toBeNull();
    await sleep(40);
    expect(slow.calls()).toBe(3 * 2 + 1 + 3);
  });

  it('an aborted run stops with its reason, even when the abandoned callback reads afterwards', async () => {
    const controller = new AbortController();
    const reason = new Error('host gave up');
    let lateRead: unknown = 'not yet';
    const scorer: BacktestScorer = {
      name: 'ignores-signal',
      async score({ asOf, sources, candidates }) {
        controller.abort(reason);
        await sleep(10);
        lateRead = await sources.rcf!.getEvents(candidates, { asOf, from: new Date(0), signal: live }).then(
          () => 'read',
          (e: unknown) => (isBacktestError(e) ? e.code : e),
        );
        return new Map(candidates.map((s) => [s, 1]));
      },
    };
    await expect(runBacktest(options({ baselines: [scorer], signal: controller.signal }))).rejects.toBe(reason);
    await sleep(30);
    expect(lateRead).toBe('BACKTEST_LOOKAHEAD');
  });

  it('FAULT: a scorer that throws while its own reads are still queued voids the run instead of failing alone', async () => {
    // runBacktest's TSDoc: "A scorer that throws fails alone: its result carries the error." A
    // score that reads per candidate in Promise.all rejects as soon as one candidate fails; the
    // other candidates' next reads (asOf: the cutoff, inside the limit) land after score settled,
    // on the closed view, and are recorded late. The next scorer's check then voids the whole
    // run, although the failed scorer's figures are discarded and nothing read the future. (As
    // the last scorer the same reads come after the final check and the run resolves: the verdict
    // depends on the order of the scorers.)
    const flaky: BacktestScorer = {
      name: 'flaky',
      async score({ asOf, sources, candidates, signal }) {
        await Promise.all(
          candidates.map(async (slug) => {
            if (slug === 'a') throw new Error('no data for a');
            await sleep(2);
            await sources.rcf!.getEvents([slug], { asOf, from: new Date(0), signal });
          }),
        );
        return new Map(candidates.map((s) => [s, 1]));
      },
    };
    const patient: BacktestScorer = {
      name: 'patient',
      async score({ candidates }) {
        await sleep(20);
        return new Map(candidates.map((s) => [s, 1]));
      },
    };
    const got = await outcome(runBacktest(options({ baselines: [flaky, patient] })));
    expect(got).toBe('resolved');
  });

  it('talentScorer over the guarded sources leaves no late read behind (its gateway is closed first)', async () => {
    const { sources } = tinySources(3);
    const { talentScorer } = await import('../../src/backtest/index.js');
    const result = await runBacktest(options({ sources, scorer: talentScorer(), baselines: [ones] }));
    await sleep(30);
    expect(result.scorer!.error).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------

describe('scene pulses read with observedAtMs', () => {
  const pulse = (asOf: string, heat: number) => ({
    sceneSlug: 'indie-uk-brighton',
    heat,
    growth: 0.1,
    stage: 'growing' as const,
    asOf,
  });
  async function heatAt(pulses: ReturnType<typeof pulse>[], asOf: string): Promise<number | undefined> {
    const sources = createMemorySources(createEagerDataset({ histories: [], scenePulses: pulses }));
    const got = await sources.scenes!.getScenePulses(['indie-uk-brighton'], { asOf: new Date(asOf), signal: live });
    return got.get('indie-uk-brighton')?.heat;
  }

  it('sub-millisecond digits count from the next millisecond; offsets apply; the later of two pulses wins', async () => {
    const pulses = [
      pulse('2025-01-02T00:00:00.0005Z', 10),
      pulse('2025-01-02T01:00:00+01:00', 99), // the same instant as 00:00Z, minus the sub-ms digits
      pulse('2025-01-03T00:00:00.000Z', 30),
    ];
    expect(await heatAt(pulses, '2025-01-01T23:59:59.999Z')).toBeUndefined();
    // At 00:00:00.000 only the offset pulse is known (the sub-millisecond one is not yet).
    expect(await heatAt(pulses, '2025-01-02T00:00:00.000Z')).toBe(99);
    expect(await heatAt(pulses, '2025-01-02T00:00:00.001Z')).toBe(10);
    expect(await heatAt(pulses, '2025-01-02T23:59:59.999Z')).toBe(10);
    expect(await heatAt(pulses, '2025-01-03T00:00:00.000Z')).toBe(30);
    // listHottestScenes agrees with getScenePulses at the boundary.
    const sources = createMemorySources(createEagerDataset({ histories: [], scenePulses: pulses }));
    const hot = await sources.scenes!.listHottestScenes(
      { limit: 5 },
      { asOf: new Date('2025-01-02T00:00:00.000Z'), signal: live },
    );
    expect(JSON.stringify(hot)).toContain('"heat":99');
  });

  it('a pulse stamped with a bare day or an invalid instant is refused when the dataset is built', () => {
    for (const bad of ['2025-01-02', 'not a date', '2025-02-30T00:00:00Z'])
      expect(() => createEagerDataset({ histories: [], scenePulses: [pulse(bad, 1)] })).toThrow();
  });
});

// ---------------------------------------------------------------------------------------------

describe('the tabular map: thenables, then columns and non-finite numbers', () => {
  const ev = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    artist: 'a',
    type: 'radio_play',
    at: '2024-01-01T00:00:00Z',
    weight: '1',
    region: '',
    ...extra,
  });
  function report(rows: readonly unknown[], map?: (row: TabularRow) => unknown) {
    const r = createTabularSources(
      { events: rows as TabularRow[] },
      { onInvalidRow: 'skip', ...(map ? { map: { events: map as Any } } : {}) },
    );
    const t = r.report.tables.events!;
    expect(t.mapped).toBe(t.accepted + t.rejected + t.combined);
    return { t, messages: t.rejections.map((x) => x.message) };
  }

  it('a row with a then column (text, a number, a Date), with or without a map, is an ordinary row', () => {
    for (const then of ['soon', 5, new Date('2024-01-01T00:00:00Z'), null]) {
      expect(report([ev({ then })]).t).toMatchObject({ read: 1, accepted: 1, rejected: 0 });
      expect(report([{ x: 1 }], () => ev({ then })).t).toMatchObject({ read: 1, mapped: 1, accepted: 1, rejected: 0 });
      expect(report([{ x: 1 }], () => [ev({ then }), ev({ then, id: 'two' })]).t).toMatchObject({
        mapped: 2,
        accepted: 2,
      });
    }
  });

  it('a Date, a Map or a function without then is refused as before, not as a Promise', () => {
    for (const value of [new Date(), new Map([['artist', 'a']]), () => ev()]) {
      const { t, messages } = report([{ x: 1 }], () => value);
      expect(t).toMatchObject({ read: 1, mapped: 1, rejected: 1, accepted: 0 });
      expect(messages[0]).not.toMatch(/Promise/);
    }
  });

  it('promises, thenables and a then getter that throws reject their line once, counted, never unhandled', async () => {
    let handled = 0;
    const thenable = {
      // biome-ignore lint/suspicious/noThenProperty: a hand-made thenable
      then(_ok: unknown, no: (e: unknown) => void) {
        handled++;
        no(new Error('late failure'));
      },
    };
    const throwingGetter = Object.defineProperty({}, 'then', {
      get() {
        throw new Error('then getter threw');
      },
    });
    const fn = Object.assign(() => 0, {
      // biome-ignore lint/suspicious/noThenProperty: a callable thenable
      then: (_ok: unknown, _no: unknown) => {
        handled++;
      },
    });
    const cases: [unknown, RegExp][] = [
      [Promise.reject(new Error('async map failed')), /map returned a Promise/],
      [Promise.resolve(ev()), /map returned a Promise/],
      [thenable, /map returned a Promise/],
      [fn, /map returned a Promise/],
      [throwingGetter, /map returned rows that cannot be read: then getter threw/],
    ];
    for (const [value, message] of cases) {
      const { t, messages } = report([{ x: 1 }, { x: 2 }], (row) => (row.x === 1 ? value : ev()));
      expect(t).toMatchObject({ read: 2, mapped: 2, accepted: 1, rejected: 1, dropped: 0 });
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(message);
    }
    await sleep(0);
    expect(handled).toBe(2);
  });

  it('FAULT: a map that returns an array of Promises (rows.map(async ...)) has them read as rows and their rejections unhandled', async () => {
    // validate-rows.ts checks `isThenable` on the map's answer only: each item of an array is
    // validated as a row object ("expected text, found nothing (is the column missing?)") and no
    // handler is attached, so an item that rejects is an unhandled rejection (fatal by default),
    // the case the change meant to close ("the Promise's own failure is caught").
    const handled: boolean[] = [];
    class Tracked<T> extends Promise<T> {
      // biome-ignore lint/suspicious/noThenProperty: records whether anything handled it
      override then<A = T, B = never>(
        ok?: ((v: T) => A | PromiseLike<A>) | null,
        no?: ((e: unknown) => B | PromiseLike<B>) | null,
      ): Promise<A | B> {
        handled.push(true);
        return super.then(ok, no);
      }
    }
    const { t, messages } = report([{ x: 1 }], () => [Tracked.resolve(ev()), Tracked.resolve(ev({ id: 'two' }))]);
    await sleep(0);
    expect(t.rejected).toBe(2);
    expect(messages[0]).toMatch(/Promise/);
    expect(handled.length).toBeGreaterThanOrEqual(2);
  });

  it('NaN and the infinities from a map are named in the message, in numbers and in vectors', () => {
    for (const [x, shown] of [
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
      [Number.NEGATIVE_INFINITY, '-Infinity'],
    ] as const) {
      const { t, messages } = report([{ x: 1 }], () => ev({ weight: x }));
      expect(t).toMatchObject({ rejected: 1, accepted: 0 });
      expect(messages[0]).toBe(`weight: expected a number, found ${shown}`);
    }
    // Text that is no finite number is still quoted as written.
    expect(report([ev({ weight: 'Infinity' })]).messages[0]).toBe('weight: expected a number, found "Infinity"');
    expect(report([ev({ weight: 'NaN' })]).messages[0]).toBe('weight: expected a number, found "NaN"');
  });
});

// ---------------------------------------------------------------------------------------------

describe('vitest.config.ts: slow files first', () => {
  type Spec = { moduleId: string; project: { name: string; config: { sequence: { groupOrder: number } } } };
  const Sequencer = (vitestConfig as Any).test.sequence.sequencer as new (
    ctx: unknown,
  ) => {
    sort(files: Spec[]): Promise<Spec[]>;
    shard(files: Spec[]): Promise<Spec[]>;
  };
  const root = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
  const spec = (p: string): Spec => ({
    moduleId: `${root}/${p}`,
    project: { name: '', config: { sequence: { groupOrder: 0 }, isolate: false } as Any },
  });
  const ctx = (shard?: { index: number; count: number }) => ({
    config: { root, shard },
    cache: { getFileTestResults: () => undefined, getFileStats: () => ({ size: 1 }) },
  });

  it('listed files start first in their listed order, the rest keep their order, and only the files given are returned', async () => {
    const files = [
      'tests/a.test.ts',
      'tests/cli/progress.test.ts',
      'tests/b.test.ts',
      'tests/review/hostile-review-106.test.ts',
      'tests/c.test.ts',
    ].map(spec);
    const sorted = await new Sequencer(ctx()).sort(files);
    // The list's first file.
    expect(sorted.map((s) => s.moduleId.slice(root.length + 1))).toEqual([
      'tests/review/hostile-review-106.test.ts',
      'tests/cli/progress.test.ts',
      'tests/a.test.ts',
      'tests/b.test.ts',
      'tests/c.test.ts',
    ]);
    // A filtered run (`vitest run <file>`) sorts the one file it was given.
    expect(await new Sequencer(ctx()).sort([spec('tests/b.test.ts')])).toHaveLength(1);
  });

  it('sharding is the base sequencer: every file in exactly one shard', async () => {
    const files = Array.from({ length: 11 }, (_, i) => spec(`tests/f${i}.test.ts`));
    files.push(spec('tests/review/hostile-review-106.test.ts'));
    const shards = await Promise.all([1, 2, 3].map((index) => new Sequencer(ctx({ index, count: 3 })).shard(files)));
    const all = shards.flat().map((s) => s.moduleId);
    expect(new Set(all).size).toBe(12);
    expect(all).toHaveLength(12);
  });

  it('every listed slow file exists, and the long, soak and browser configs take only resolve from it', async () => {
    const { existsSync } = await import('node:fs');
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(`${root}/vitest.config.ts`, 'utf8');
    const listed = [...text.matchAll(/^\s+'(tests\/[^']+)',$/gm)].map((m) => m[1]!);
    expect(listed.length).toBeGreaterThan(10);
    for (const f of listed) expect(existsSync(`${root}/${f}`), f).toBe(true);
    for (const other of ['vitest.long.config.ts', 'vitest.soak.config.ts', 'vitest.browser.config.ts'])
      expect(readFileSync(`${root}/${other}`, 'utf8')).toMatch(/resolve: base\.resolve,\n\s+test: \{/);
  });
});

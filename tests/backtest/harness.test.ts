// The public harness (scene-radar/backtest): its refusals, its as-of guard (including refusals a
// reader swallows), purging of training cutoffs, unscored candidates, and its text outputs. Runs
// on a tiny in-memory world: five artists and their events.
import type { RcfEvent, SceneRadarSources } from 'scene-radar';
import { createDeadline } from '../../src/core/gateway/deadline.js';
import { createSourceGateway } from '../../src/core/gateway/gateway.js';
import { DAY_MS } from '../../src/core/time.js';
import { createEagerDataset, createMemorySources, type ArtistHistory } from 'scene-radar/adapters/memory';
import {
  backtestConsoleTable,
  backtestJson,
  backtestMarkdown,
  backtestSummary,
  createLookaheadGuard,
  isBacktestError,
  judge,
  parseBacktestJson,
  runBacktest,
  type BacktestError,
  type BacktestOptions,
  type BacktestScorer,
  type FitContext,
  type ScorerResult,
} from 'scene-radar/backtest';
import { describe, expect, it } from 'vitest';

const at = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
const ev = (slug: string, day: string, weight: number): RcfEvent => ({
  id: `${slug}@${day}`,
  type: 'playlist_add',
  at: `${day}T12:00:00.000Z`,
  weight,
  region: 'uk',
});

/** Event days and weights per artist; a weight >= 50 is a "breakout" (the label). */
const EVENTS: Record<string, [string, number][]> = {
  ana: [
    ['2020-01-20', 10],
    ['2020-01-28', 20],
    ['2020-02-10', 60],
    ['2020-04-20', 70],
  ],
  ben: [
    ['2020-01-25', 5],
    ['2020-02-25', 5],
    ['2020-03-25', 5],
    ['2020-04-25', 5],
  ],
  cy: [
    ['2020-01-30', 30],
    ['2020-02-20', 40],
    ['2020-03-10', 55],
    ['2020-04-28', 30],
  ],
  dee: [
    ['2020-01-15', 1],
    ['2020-02-28', 2],
    ['2020-03-28', 3],
    ['2020-04-15', 60],
  ],
  eve: [
    ['2020-03-15', 8],
    ['2020-04-10', 9],
    ['2020-05-10', 90],
  ],
};

function world(): SceneRadarSources {
  const histories: ArtistHistory[] = Object.entries(EVENTS).map(([slug, list]) => ({
    record: {
      slug,
      name: slug,
      homeRegion: 'uk',
      homeCity: null,
      firstSeen: list[0]![0] === '2020-03-15' ? '2020-03-01T00:00:00.000Z' : '2020-01-01T00:00:00.000Z',
    },
    tastemakers: [],
    collaborators: [],
    releases: [],
    campaigns: [],
    engagement: { start: '2020-01-01', organic: [], paid: [] },
    articles: [],
    events: list.map(([day, w]) => ev(slug, day, w)),
    coherence: { start: '2020-01-01', values: [] },
    memberships: [],
  }));
  const { mig, rcf } = createMemorySources(createEagerDataset({ histories }));
  return { mig, rcf };
}

const HORIZON = 30;
const CUTOFFS = [
  { asOf: at('2020-02-01'), split: 'train' },
  { asOf: at('2020-03-01'), split: 'train' },
  { asOf: at('2020-04-01'), split: 'test' },
  { asOf: at('2020-05-01'), split: 'test' },
] as const;

/** Recent activity: the sum of event weights in the 30 days up to T. */
const activity: BacktestScorer = {
  name: 'activity-30d',
  description: 'sum of event weights over the last 30 days',
  async score({ asOf, sources, candidates, signal }) {
    const events = await sources.rcf!.getEvents(candidates, {
      asOf,
      from: new Date(asOf.getTime() - 30 * DAY_MS),
      signal,
    });
    return new Map(candidates.map((s) => [s, (events.get(s) ?? []).reduce((n, e) => n + e.weight, 0)]));
  },
};

function options(over: Partial<BacktestOptions> = {}): BacktestOptions {
  return {
    name: 'tiny',
    title: 'Tiny world',
    sources: world(),
    cutoffs: CUTOFFS,
    horizonDays: HORIZON,
    async candidates({ asOf, sources, signal }) {
      const events = await sources.rcf!.getEvents(Object.keys(EVENTS), {
        asOf,
        from: new Date(asOf.getTime() - 60 * DAY_MS),
        signal,
      });
      // Artists active in the last 60 days that have not broken out yet.
      const all = await sources.rcf!.getEvents(Object.keys(EVENTS), { asOf, from: new Date(0), signal });
      return [...events.keys()]
        .filter((s) => (events.get(s) ?? []).length > 0 && !(all.get(s) ?? []).some((e) => e.weight >= 50))
        .sort();
    },
    async labels({ asOf, until, candidates, sources, signal }) {
      const events = await sources.rcf!.getEvents(candidates, {
        asOf: until,
        from: new Date(asOf.getTime() + 1),
        signal,
      });
      return Object.fromEntries(candidates.map((s) => [s, (events.get(s) ?? []).some((e) => e.weight >= 50)]));
    },
    async population({ asOf, sources, signal }) {
      const page = await sources.mig!.listArtists({ limit: 100 }, { asOf, signal });
      return page.items.map((a) => a.slug);
    },
    baselines: [activity],
    resamples: 50,
    ...over,
  };
}

async function refusal(p: Promise<unknown>): Promise<BacktestError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!isBacktestError(e)) throw new Error(`expected a BacktestError, got ${String(e)}`);
  return e;
}

describe('runBacktest: a run', () => {
  it('asks the callbacks about every cutoff and measures every scorer', async () => {
    const result = await runBacktest(options());
    expect(result.format).toBe('scene-radar-backtest/1');
    expect(result.cutoffs.map((c) => [c.asOf.slice(0, 10), c.split, c.candidates, c.positives])).toEqual([
      ['2020-02-01', 'train', 4, 1],
      ['2020-03-01', 'train', 3, 1],
      ['2020-04-01', 'test', 3, 1],
      ['2020-05-01', 'test', 2, 1],
    ]);
    // eve is first seen on 2020-03-01: MIG lists it from then on.
    expect(result.cutoffs.map((c) => c.population)).toEqual([4, 5, 5, 5]);
    const b = result.baselines[0]!;
    expect(b.error).toBeNull();
    // At T = 2020-02-01 ana (the positive) ties cy for the most activity: 2.5 of 3 pairs ordered.
    expect(b.perCutoff.map((c) => c.auc)).toEqual([2.5 / 3, 1, 0, 1]);
    expect(b.splits!.all.aucSkipped).toBe(0);
    expect(result.scorer).toBeNull();
    expect(result.verdict).toBeNull();
  });

  it('ranks unscored candidates last and counts the reasons', async () => {
    const partial: BacktestScorer = {
      name: 'partial',
      score: ({ candidates }) => ({
        scores: { [candidates[0]!]: 1 },
        unscored: new Map(candidates.slice(1, 2).map((s) => [s, 'insufficient data'])),
      }),
    };
    const result = await runBacktest(
      options({
        baselines: [
          partial,
          { name: 'nan', score: ({ candidates }) => new Map(candidates.map((s) => [s, Number.NaN])) },
        ],
      }),
    );
    const [p, nan] = result.baselines;
    expect(p!.perCutoff.map((c) => c.unscored)).toEqual([3, 2, 2, 1]);
    expect(p!.unscored).toEqual({ total: 8, reasons: { 'insufficient data': 4, 'no score returned': 4 } });
    expect(nan!.unscored.reasons).toEqual({ 'not a finite number (NaN)': 12 });
    // Nothing scored: no AUC and no precision at any cutoff (not one half from an all-tied ranking).
    expect(nan!.perCutoff.every((c) => c.auc === null && c.pAtK === null)).toBe(true);
    expect(nan!.splits!.all).toMatchObject({ meanAuc: null, aucSkipped: 4, meanPAtK: null, pAtKSkipped: 4 });
    expect(backtestMarkdown(result)).toContain(
      '- partial: 8 of 12 candidate-cutoffs unscored, ranked last: insufficient data (4); no score returned (4).',
    );
  });

  it('counts candidates scored although a read failed, by what failed, and names them under both tables', async () => {
    // The first candidate of each cutoff scored with a failed read (Map form), the second with a
    // blank reason (no reason given), the third unscored (its `degraded` entry is not counted: no score).
    const flaky: BacktestScorer = {
      name: 'flaky',
      score: ({ candidates }) => ({
        scores: Object.fromEntries(candidates.slice(0, 2).map((s, i) => [s, 2 - i])),
        degraded: new Map([
          [candidates[0]!, '  network: error (threw)  '],
          [candidates[1]!, ' '],
          ...(candidates[2] ? [[candidates[2], 'releases: timeout'] as [string, string]] : []),
        ]),
      }),
    };
    const recorded: BacktestScorer = {
      name: 'recorded',
      score: ({ candidates }) => ({
        scores: new Map(candidates.map((s) => [s, 1])),
        degraded: { [candidates[0]!]: 'events: timeout' },
      }),
    };
    const result = await runBacktest(options({ baselines: [flaky, recorded] }));
    const [f, r] = result.baselines;
    expect(f!.degraded).toEqual({ total: 8, reasons: { 'network: error (threw)': 4, 'no reason given': 4 } });
    expect(r!.degraded).toEqual({ total: 4, reasons: { 'events: timeout': 4 } });
    // The figures are those of the scores: `degraded` moves no candidate.
    const plain = await runBacktest(
      options({
        baselines: [{ name: 'flaky', score: ({ candidates }) => flaky.score({ candidates } as never) }],
      }),
    );
    expect(f!.perCutoff).toEqual(plain.baselines[0]!.perCutoff);
    expect(backtestMarkdown(result)).toContain(
      '- flaky: 8 of 12 candidate-cutoffs scored although a read failed, counted as scored: network: error (threw) (4); no reason given (4).',
    );
    expect(backtestConsoleTable(result)).toContain(
      'recorded: 4 of 12 candidate-cutoffs scored although a read failed, counted as scored: events: timeout (4)',
    );
    // A result written before `degraded` was counted reads back as written, and its tables name none.
    const old = JSON.parse(backtestJson(result)) as { baselines: Array<Record<string, unknown>> };
    for (const b of old.baselines) delete b.degraded;
    const read = parseBacktestJson(JSON.stringify(old));
    expect(read.baselines.map((b) => b.degraded)).toEqual([undefined, undefined]);
    expect(backtestMarkdown(read)).not.toContain('scored although a read failed');
    expect(backtestConsoleTable(read)).not.toContain('scored although a read failed');
    // A malformed count is refused, as any malformed field the writers read.
    const bad = JSON.parse(backtestJson(result)) as { baselines: Array<Record<string, unknown>> };
    bad.baselines[0]!.degraded = { total: 'four', reasons: {} };
    expect(() => parseBacktestJson(JSON.stringify(bad))).toThrow(/baselines\.0\.degraded\.total/);
  });

  it('fails a scorer that throws or answers garbage, and only that scorer', async () => {
    const result = await runBacktest(
      options({
        baselines: [
          activity,
          { name: 'boom', score: () => Promise.reject(new RangeError('model file missing')) },
          { name: 'garbage', score: () => [1, 2] as unknown as Map<string, number> },
        ],
      }),
    );
    expect(result.baselines.map((b) => b.error)).toEqual([
      null,
      'RangeError: model file missing',
      'Error: score() must return a Map<string, number> or { scores, unscored?, degraded? }, got an array',
    ]);
    expect(result.baselines[1]!.splits).toBeNull();
    expect(backtestMarkdown(result)).toContain('| boom | failed: RangeError: model file missing |');
  });
});

describe('runBacktest: refusals before anything runs', () => {
  const counting = () => {
    const calls = { candidates: 0, score: 0 };
    const o = options({
      candidates: () => {
        calls.candidates++;
        return ['ana'];
      },
      labels: () => ({ ana: true }),
      baselines: [
        {
          name: 'count',
          score: ({ candidates }) => {
            calls.score++;
            return new Map(candidates.map((s) => [s, 1]));
          },
        },
      ],
    });
    return { calls, o };
  };

  it.each([
    [
      'unsorted cutoffs',
      { cutoffs: [CUTOFFS[1], CUTOFFS[0], CUTOFFS[2]] },
      /cutoffs must be sorted, oldest first: cutoffs\[1\] \(2020-02-01T00:00:00.000Z\) is before cutoffs\[0\]/,
    ],
    ['duplicate cutoffs', { cutoffs: [CUTOFFS[0], CUTOFFS[0]] }, /cutoffs\[1\] repeats 2020-02-01T00:00:00.000Z/],
    [
      'a training cutoff after a test cutoff',
      { cutoffs: [CUTOFFS[0], { asOf: at('2020-03-01'), split: 'test' }, { asOf: at('2020-04-01'), split: 'train' }] },
      /the train and test windows overlap: training cutoff 2020-04-01T00:00:00.000Z \(cutoffs\[2\]\) is at or after test cutoff 2020-03-01T00:00:00.000Z/,
    ],
    [
      'an invalid date',
      { cutoffs: [{ asOf: new Date('nope'), split: 'train' }] },
      /cutoffs\[0\]\.asOf must be a valid Date/,
    ],
    [
      'a bad split',
      { cutoffs: [{ asOf: at('2020-01-01'), split: 'validation' }] },
      /cutoffs\[0\]\.split must be "train" or "test"/,
    ],
    ['no cutoff', { cutoffs: [] }, /cutoffs must be a non-empty array/],
    ['a zero horizon', { horizonDays: 0 }, /horizonDays must be a positive number/],
    [
      'a horizon past the last valid Date',
      { horizonDays: 1e8 },
      /horizonDays \(100000000\) is too long: cutoffs\[0\] \(2020-02-01T00:00:00\.000Z\) \+ 100000000 days is past the year 9999/,
    ],
    [
      'a horizon past the year 9999 for a later cutoff only',
      // The days from the first cutoff to the end of the year 9999: only later cutoffs pass it.
      { horizonDays: (Date.UTC(10_000, 0, 1) - 1 - at('2020-02-01').getTime()) / DAY_MS },
      /horizonDays \([\d.]+\) is too long: cutoffs\[1\] \(2020-03-01T00:00:00\.000Z\) \+ [\d.]+ days is past the year 9999/,
    ],
    ['duplicate scorer names', { scorer: { name: 'count', score: () => new Map() } }, /two scorers are named "count"/],
    ['nothing to measure', { baselines: [] }, /nothing to measure/],
    ['a name that is not file-safe', { name: '../etc' }, /name must be 1-128 letters/],
    ['a bad k', { k: 0 }, /k must be an integer >= 1/],
  ])('refuses %s', async (_what, over, message) => {
    const { calls, o } = counting();
    const e = await refusal(runBacktest({ ...o, baselines: o.baselines, ...(over as Partial<BacktestOptions>) }));
    expect(e.code).toBe('BACKTEST_INVALID_OPTIONS');
    expect(e.message).toMatch(message);
    expect(calls).toEqual({ candidates: 0, score: 0 });
  });

  it.each([
    [
      'labels that are not booleans',
      { labels: () => ({ ana: 1 }) },
      /labels at cutoff 2020-02-01T00:00:00.000Z: candidate "ana" is labelled a number \(1\), expected true or false/,
    ],
    ['a candidate without a label', { labels: () => new Map([['bob', true]]) }, /candidate "ana" has no label/],
    [
      'labels that are not a map',
      { labels: () => [true] as unknown as Record<string, boolean> },
      /expected a Map<string, boolean> or a Record<string, boolean>, got an array/,
    ],
    [
      'candidates that are not strings',
      { candidates: () => ['ana', 7] as unknown as string[] },
      /candidates at cutoff 2020-02-01T00:00:00.000Z: item 1 is a number \(7\), expected a non-empty string/,
    ],
    ['candidates listed twice', { candidates: () => ['ana', 'ana'] }, /"ana" is listed twice/],
    [
      'candidates that are not an array',
      { candidates: () => 'ana' as unknown as string[] },
      /expected an array of strings/,
    ],
  ])('refuses %s before any scorer runs', async (_what, over, message) => {
    const { calls, o } = counting();
    const e = await refusal(runBacktest({ ...o, ...(over as Partial<BacktestOptions>) }));
    expect(e.code).toBe('BACKTEST_INVALID_INPUT');
    expect(e.message).toMatch(message);
    expect(calls.score).toBe(0);
  });

  it('reports a callback that throws, naming it and the cutoff', async () => {
    const e = await refusal(runBacktest(options({ labels: () => Promise.reject(new Error('warehouse down')) })));
    expect(e.code).toBe('BACKTEST_CALLBACK_FAILED');
    expect(e.message).toBe('labels at cutoff 2020-02-01T00:00:00.000Z threw: Error: warehouse down');
    expect((e.cause as Error).message).toBe('warehouse down');
  });
});

describe('runBacktest: the as-of guard', () => {
  const never = new AbortController().signal;
  const later = (asOf: Date, days = 1): Date => new Date(asOf.getTime() + days * DAY_MS);

  it('fails the run when candidates read past T, naming the call, the asOf and the limit', async () => {
    const e = await refusal(
      runBacktest(
        options({
          candidates: async ({ asOf, sources, signal }) => [
            ...(await sources.rcf!.getEvents(['ana'], { asOf: later(asOf), from: asOf, signal })).keys(),
          ],
        }),
      ),
    );
    expect(e.code).toBe('BACKTEST_LOOKAHEAD');
    expect(e.message).toBe(
      'lookahead: candidates at cutoff 2020-02-01T00:00:00.000Z read rcf.getEvents as of 2020-02-02T00:00:00.000Z, past its limit 2020-02-01T00:00:00.000Z; the backtest is void',
    );
    expect(e.details).toEqual([
      {
        call: 'candidates',
        cutoff: '2020-02-01T00:00:00.000Z',
        method: 'rcf.getEvents',
        asOf: '2020-02-02T00:00:00.000Z',
        limit: '2020-02-01T00:00:00.000Z',
      },
    ]);
  });

  it('lets labels read up to T + horizon and no further', async () => {
    const base = options();
    const ok = await runBacktest({
      ...base,
      labels: async (ctx) => {
        await ctx.sources.mig!.getArtists(ctx.candidates, { asOf: ctx.until, signal: never });
        return base.labels(ctx);
      },
    });
    expect(ok.cutoffs).toHaveLength(4);
    const e = await refusal(
      runBacktest({
        ...base,
        labels: async (ctx) => {
          await ctx.sources.rcf!.getEvents(ctx.candidates, {
            asOf: later(ctx.until, 0.5),
            from: ctx.asOf,
            signal: never,
          });
          return base.labels(ctx);
        },
      }),
    );
    expect(e.message).toContain(
      'labels at cutoff 2020-02-01T00:00:00.000Z read rcf.getEvents as of 2020-03-02T12:00:00.000Z, past its limit 2020-03-02T00:00:00.000Z',
    );
  });

  it('fails the run when a population callback reads past T', async () => {
    const e = await refusal(
      runBacktest(
        options({
          population: async ({ asOf, sources }) =>
            (await sources.mig!.listArtists({ limit: 10 }, { asOf: later(asOf), signal: never })).items.map(
              (a) => a.slug,
            ),
        }),
      ),
    );
    expect(e.message).toMatch(/^lookahead: population at cutoff 2020-02-01T00:00:00.000Z read mig.listArtists/);
  });

  it('fails the run when a scorer reads past T', async () => {
    const peeker: BacktestScorer = {
      name: 'peeker',
      score: async ({ asOf, sources, candidates }) => {
        await sources.mig!.getNetworks(candidates, { asOf: later(asOf), signal: never });
        return new Map();
      },
    };
    const e = await refusal(runBacktest(options({ scorer: peeker })));
    expect(e.message).toMatch(
      /^lookahead: scorer "peeker" score at cutoff 2020-02-01T00:00:00.000Z read mig.getNetworks as of 2020-02-02/,
    );
  });

  it('fails the run even when the scorer swallows the refusal', async () => {
    const swallower: BacktestScorer = {
      name: 'swallower',
      async score({ asOf, sources, candidates }) {
        const future = await sources
          .rcf!.getEvents(candidates, { asOf: later(asOf, 30), from: asOf, signal: never })
          .catch(() => new Map());
        return new Map(candidates.map((s) => [s, future.size]));
      },
    };
    const e = await refusal(runBacktest(options({ scorer: swallower })));
    expect(e.code).toBe('BACKTEST_LOOKAHEAD');
    expect(e.message).toContain('scorer "swallower" score');
  });

  it('fails the run when the source gateway turns the refusal into a degraded answer', async () => {
    const viaGateway: BacktestScorer = {
      name: 'via-gateway',
      async score({ asOf, sources, candidates }) {
        const gateway = createSourceGateway({ sources });
        try {
          const got = await gateway.batch('rcf', 'getEvents', candidates, {
            asOf: later(asOf, 7),
            from: asOf,
            deadline: createDeadline(5_000),
          });
          // The gateway reports an error per artist, and returns normally.
          return new Map(candidates.map((s) => [s, got.get(s)?.status === 'ok' ? 1 : 0]));
        } finally {
          gateway.close();
        }
      },
    };
    const e = await refusal(runBacktest(options({ scorer: viaGateway })));
    expect(e.message).toContain(
      'scorer "via-gateway" score at cutoff 2020-02-01T00:00:00.000Z read rcf.getEvents as of 2020-02-08T00:00:00.000Z',
    );
  });

  it('fails the run when a callback swallows the refusal', async () => {
    const e = await refusal(
      runBacktest(
        options({
          candidates: async ({ asOf, sources }) => {
            await sources.rcf!.getEvents(['ana'], { asOf: later(asOf), from: asOf, signal: never }).catch(() => null);
            return ['ana'];
          },
        }),
      ),
    );
    expect(e.message).toMatch(/^lookahead: candidates at cutoff/);
  });

  it('fails the run on a read fired and never awaited', async () => {
    const sneaky: BacktestScorer = {
      name: 'sneaky',
      score({ asOf, sources, candidates }) {
        void sources
          .rcf!.getEvents(candidates, { asOf: later(asOf), from: asOf, signal: never })
          .catch(() => undefined);
        return new Map();
      },
    };
    const e = await refusal(runBacktest(options({ scorer: sneaky })));
    expect(e.message).toContain('scorer "sneaky" score');
  });

  it('refuses a read without a valid asOf', async () => {
    const e = await refusal(
      runBacktest(
        options({
          candidates: async ({ sources }) => {
            await sources.mig!.getArtists(['ana'], { asOf: 'soon' as unknown as Date, signal: never });
            return ['ana'];
          },
        }),
      ),
    );
    expect(e.message).toContain('read mig.getArtists as of a string (soon)');
  });

  it('guards methods a class keeps on its prototype, and keeps its other properties', async () => {
    class Feed {
      readonly maxBatchSize = 5;
      async getEvents(): Promise<ReadonlyMap<string, never[]>> {
        return new Map();
      }
    }
    const guard = createLookaheadGuard();
    const guarded = guard.view({ rcf: new Feed() }, at('2020-01-01'), { call: 'test', cutoff: null });
    expect(guarded.rcf?.maxBatchSize).toBe(5);
    await expect(
      guarded.rcf!.getEvents(['a'], { asOf: at('2020-01-01'), from: new Date(0), signal: never }),
    ).resolves.toEqual(new Map());
    await expect(
      guarded.rcf!.getEvents(['a'], { asOf: at('2020-01-02'), from: new Date(0), signal: never }),
    ).rejects.toMatchObject({ code: 'BACKTEST_LOOKAHEAD' });
    expect(guard.violations).toHaveLength(1);
  });
});

describe('runBacktest: fitting', () => {
  it('fits on the training cutoffs whose horizon ends by the first test cutoff, reading no further', async () => {
    let seen: FitContext | null = null;
    let atLimit: unknown;
    const learner: BacktestScorer = {
      name: 'learner',
      probabilistic: true,
      async fit(ctx) {
        seen = ctx;
        atLimit = await ctx.sources.rcf!.getEvents(['ana'], { asOf: ctx.limit, from: new Date(0), signal: ctx.signal });
      },
      score: ({ candidates }) => new Map(candidates.map((s, i) => [s, 1 / (i + 2)])),
    };
    const result = await runBacktest(options({ scorer: learner, horizonDays: 45 }));
    const ctx = seen as FitContext | null;
    // First test cutoff 2020-04-01: 2020-03-01 + 45 days reaches past it, 2020-02-01 + 45 does not.
    expect(ctx!.limit.toISOString()).toBe('2020-04-01T00:00:00.000Z');
    expect(ctx!.cutoffs.map((c) => c.asOf.toISOString().slice(0, 10))).toEqual(['2020-02-01']);
    expect(ctx!.purged.map((d) => d.toISOString().slice(0, 10))).toEqual(['2020-03-01']);
    // With 45 days, cy's 55 on 2020-03-10 is inside the horizon of 2020-02-01 too.
    expect(ctx!.cutoffs[0]!.labels).toEqual(
      new Map([
        ['ana', true],
        ['ben', false],
        ['cy', true],
        ['dee', false],
      ]),
    );
    expect(ctx!.cutoffs[0]!.population).toEqual(['ana', 'ben', 'cy', 'dee']);
    expect((atLimit as Map<string, unknown>).has('ana')).toBe(true);
    expect(result.fit).toEqual({ limit: '2020-04-01T00:00:00.000Z', cutoffs: 1, purged: ['2020-03-01T00:00:00.000Z'] });
    expect(result.cutoffs.map((c) => c.purged)).toEqual([false, true, false, false]);
    // A purged cutoff is still scored and reported as training.
    expect(result.scorer!.splits!.train.cutoffs).toBe(2);
    expect(result.scorer!.splits!.test.calibration?.count).toBe(5);
    const md = backtestMarkdown(result);
    expect(md).toContain(
      '1 training cutoff(s) were purged from what `fit` received, because their 45-day label horizon reaches past that limit: 2020-03-01 00:00 UTC.',
    );
    expect(md).toContain('### Calibration of learner (test cutoffs)');
  });

  it('never hands fit a training cutoff whose horizon overflows Date: the run is refused', async () => {
    let fitted = false;
    let labelled = 0;
    const learner: BacktestScorer = {
      name: 'learner',
      fit() {
        fitted = true;
      },
      score: ({ candidates }) => new Map(candidates.map((s, i) => [s, i])),
    };
    const e = await refusal(
      runBacktest(
        options({
          scorer: learner,
          baselines: [],
          horizonDays: 1e8,
          labels: ({ candidates }) => {
            labelled++;
            return Object.fromEntries(candidates.map((s) => [s, false]));
          },
        }),
      ),
    );
    expect(e.code).toBe('BACKTEST_INVALID_OPTIONS');
    expect(e.message).toMatch(/^runBacktest: horizonDays \(100000000\) is too long/);
    expect({ fitted, labelled }).toEqual({ fitted: false, labelled: 0 });
  });

  it('fails the run when fit reads past the first test cutoff', async () => {
    const e = await refusal(
      runBacktest(
        options({
          scorer: {
            name: 'cheat',
            fit: async (ctx) =>
              void (await ctx.sources.rcf!.getEvents(['ana'], {
                asOf: new Date(ctx.limit.getTime() + 1),
                from: new Date(0),
                signal: ctx.signal,
              })),
            score: () => new Map(),
          },
        }),
      ),
    );
    expect(e.message).toBe(
      'lookahead: scorer "cheat" fit read rcf.getEvents as of 2020-04-01T00:00:00.001Z, past its limit 2020-04-01T00:00:00.000Z; the backtest is void',
    );
  });

  it('gives fit copies: changing them changes nothing', async () => {
    const vandal: BacktestScorer = {
      name: 'vandal',
      fit(ctx) {
        for (const c of ctx.cutoffs) (c.labels as Map<string, boolean>).clear();
      },
      score: ({ candidates }) => new Map(candidates.map((s) => [s, s === 'ana' ? 1 : 0])),
    };
    const result = await runBacktest(options({ scorer: vandal }));
    expect(result.scorer!.perCutoff[0]!.auc).toBe(1);
    expect(result.cutoffs[0]!.positives).toBe(1);
  });
});

describe('outputs', () => {
  it('summarises per window with auc, p_at_10 and pooled_ap, breakout null without a scorer', async () => {
    const result = await runBacktest(options());
    const summary = backtestSummary(result);
    expect(Object.keys(summary.windows)).toEqual(['train', 'test']);
    expect(summary.windows.train.breakout).toBeNull();
    expect(Object.keys(summary.windows.test.baselines['activity-30d']!)).toEqual(['auc', 'p_at_10', 'pooled_ap']);
    // Training AUCs 5/6 and 1; precision@10 capped at 4 and 3 candidates: 1/4 and 1/3.
    expect(summary.windows.train.baselines['activity-30d']).toEqual({
      auc: (2.5 / 3 + 1) / 2,
      p_at_10: (1 / 4 + 1 / 3) / 2,
      pooled_ap: expect.any(Number),
    });
    const k2 = backtestSummary(await runBacktest(options({ k: 2 })));
    expect(Object.keys(k2.windows.test.baselines['activity-30d']!)).toEqual(['auc', 'p_at_2', 'pooled_ap']);
  });

  it('writes JSON that reads back, and refuses what is not a result', async () => {
    const result = await runBacktest(options({ now: () => new Date('2021-01-01T00:00:00Z') }));
    const text = backtestJson(result);
    expect(text.endsWith('}\n')).toBe(true);
    expect(parseBacktestJson(text)).toEqual(result);
    expect(() => parseBacktestJson('{')).toThrow(/not a backtest result/);
    expect(() => parseBacktestJson('{"name":"x"}')).toThrow(/"format" is not "scene-radar-backtest\/1"/);
    expect(() => parseBacktestJson('{"format":"scene-radar-backtest/1","name":"x"}')).toThrow(
      /missing or malformed title, runAt, cutoffs, baselines, fit, method, parameters/,
    );
  });

  it('renders a report with the method, tables, the verdict and the reproduction of published figures', async () => {
    const result = await runBacktest(
      options({
        scorer: {
          name: 'model',
          score: ({ candidates }) =>
            new Map(candidates.map((s) => [s, s === 'ana' || s === 'dee' || s === 'eve' ? 1 : 0])),
        },
        target: { split: 'test', minMeanAuc: 0.75 },
        method: ['Paragraph one.'],
        reference: {
          source: 'our notes',
          figures: { 'activity-30d': { test: { auc: 0.5, pAtK: 0.2 }, all: { auc: 0.125 } } },
          perCutoff: { test: { candidates: 2.5, positives: 1 } },
          note: 'Why they differ.',
        },
        now: () => new Date('2021-01-01T00:00:00Z'),
      }),
    );
    const md = backtestMarkdown(result, { resultFile: 'results/tiny.json' });
    expect(md.startsWith('# Tiny world\n\nResult file: `results/tiny.json`')).toBe(true);
    expect(md).toContain('## Method\n\nParagraph one.');
    expect(md).toContain('## How to read this');
    // Test cutoffs: the model ties dee (positive) with eve (0.75), then ranks eve first (1); activity 0 and 1.
    expect(md).toContain(
      '**Verdict** (target: mean AUC >= 0.75 on the test cutoffs and above every baseline): Target met: mean AUC 0.875 on the test cutoffs (>= 0.75); the best baseline (activity-30d) reaches 0.500.',
    );
    expect(md).toContain('### Test cutoffs: 2 cutoffs, 2.5 candidates and 1.00 positives per cutoff (base rate 0.400)');
    expect(md).toContain('| **model** (under test) | 0.875 |');
    expect(md).toContain('| scorer | test AUC | test P@10 | all AUC |');
    expect(md).toContain('| activity-30d | 0.500 / 0.500 | 0.417 / 0.200 | 0.708 / 0.125 |');
    expect(md).toContain('| test | 2.5 / 2.5 | 1.0 / 1 |');
    expect(md).toContain('Why they differ.');
    const nested = backtestMarkdown(result, { level: 2, explain: false });
    expect(nested.startsWith('## Tiny world')).toBe(true);
    expect(nested).not.toContain('How to read this');
  });
});

describe('judge', () => {
  const scorer = (name: string, testAuc: number | null, role: 'model' | 'baseline' = 'baseline'): ScorerResult => {
    const split = {
      meanAuc: testAuc,
      aucSkipped: 0,
      meanPAtK: 0.2,
      pAtKSkipped: 0,
      pooledAp: 0.1,
      cutoffs: 1,
      candidates: 10,
      positives: 1,
      baseRate: 0.1,
      intervals: { meanAuc: null, meanPAtK: null, pooledAp: null, resamples: 0, seed: 0 },
      calibration: null,
    };
    return {
      name,
      description: null,
      role,
      probabilistic: false,
      error: null,
      fitMs: 0,
      scoreMs: 0,
      perCutoff: [],
      unscored: { total: 0, reasons: {} },
      degraded: { total: 0, reasons: {} },
      splits: { train: split, test: split, all: split },
    };
  };
  const target = { split: 'test', minMeanAuc: 0.75 } as const;

  it('needs the floor and every baseline beaten', () => {
    expect(judge(scorer('b', 0.8, 'model'), [scorer('x', 0.7)], target)).toMatchObject({ met: true });
    expect(judge(scorer('b', 0.74, 'model'), [scorer('x', 0.7)], target).text).toMatch(
      /^Target NOT met: mean AUC 0.740 on the test cutoffs is below 0.75;/,
    );
    expect(judge(scorer('b', 0.8, 'model'), [scorer('x', 0.81)], target).text).toMatch(
      /not above every baseline; the best baseline \(x\) reaches 0.810/,
    );
    expect(judge(scorer('b', null, 'model'), [], target)).toEqual({
      met: false,
      judged: false,
      text: 'Target not judged: no test cutoff has a defined AUC (each lacks a positive, a negative or a scored candidate).',
    });
  });
});

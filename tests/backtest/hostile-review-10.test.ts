// Hostile review of the public backtest harness (scene-radar/backtest), against docs/backtesting.md:
// the as-of guard (Dates changed after the check, extra arguments, properties that hand out the
// unguarded adapter), the text outputs (table cells, a result read back), error codes, the metric
// functions' input, and guard tests comparing every metric with a small reference written here.
import type { RCFAdapter, RcfEvent, SceneRadarSources } from 'scene-radar';
import { createEagerDataset, createMemorySources, type ArtistHistory } from 'scene-radar/adapters/memory';
import {
  auc,
  averagePrecision,
  backtestJson,
  backtestMarkdown,
  bootstrapIntervals,
  isBacktestError,
  mulberry32,
  parseBacktestJson,
  precisionAtK,
  runBacktest,
  type BacktestOptions,
  type BacktestScorer,
  type FitContext,
} from 'scene-radar/backtest';
import { describe, expect, it } from 'vitest';

const DAY = 86_400_000;
const at = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
const never = new AbortController().signal;

// biome-ignore lint/suspicious/noExplicitAny: hostile input on purpose
const untyped = (v: unknown): any => v;

/** How a run ended: 'ok', a BacktestError's code, or the text of anything else. */
async function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: unknown) => (isBacktestError(e) ? e.code : `raw ${String(e)}`),
  );
}

// ---------------------------------------------------------------------------------------------
// A tiny world whose events are recorded with the asOf the adapter finally read.

const ev = (slug: string, day: string, weight: number): RcfEvent => ({
  id: `${slug}@${day}`,
  type: 'playlist_add',
  at: `${day}T12:00:00.000Z`,
  weight,
  region: 'uk',
});

const EVENTS: Record<string, [string, number][]> = {
  ana: [
    ['2020-01-20', 10],
    ['2020-02-10', 60],
  ],
  ben: [
    ['2020-01-25', 5],
    ['2020-02-25', 5],
  ],
  cy: [
    ['2020-01-30', 30],
    ['2020-03-10', 55],
  ],
  dee: [
    ['2020-01-15', 1],
    ['2020-04-15', 60],
  ],
};
const SLUGS = Object.keys(EVENTS);

function memoryRcf(): RCFAdapter {
  const histories: ArtistHistory[] = Object.entries(EVENTS).map(([slug, list]) => ({
    record: { slug, name: slug, homeRegion: 'uk', homeCity: null, firstSeen: '2020-01-01T00:00:00.000Z' },
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
  return createMemorySources(createEagerDataset({ histories })).rcf;
}

/**
 * An RCF adapter that answers like a database would: after a round trip (an await), reading the
 * options it was given then. Each read's asOf, as it was when the adapter used it, is recorded
 * beside the cutoff the reader was ranking at (`current.t`).
 */
function recordingRcf(current: { t: number }): { rcf: RCFAdapter; leaks: string[] } {
  const base = memoryRcf();
  const leaks: string[] = [];
  const rcf: RCFAdapter = {
    async getEvents(slugs, opts) {
      await Promise.resolve();
      // The time value itself, whatever getTime a Date subclass claims.
      const used = Date.prototype.getTime.call(opts.asOf);
      if (used > current.t)
        leaks.push(`read as of ${new Date(used).toISOString()} at cutoff ${new Date(current.t).toISOString()}`);
      return base.getEvents(slugs, { ...opts, asOf: new Date(used) });
    },
  };
  return { rcf, leaks };
}

const CUTOFFS = [
  { asOf: at('2020-02-01'), split: 'train' },
  { asOf: at('2020-03-01'), split: 'test' },
] as const;

function baseOptions(sources: SceneRadarSources, over: Partial<BacktestOptions> = {}): BacktestOptions {
  return {
    name: 'hostile-10',
    sources,
    cutoffs: CUTOFFS,
    horizonDays: 30,
    candidates: () => SLUGS,
    labels: ({ candidates }) => new Map(candidates.map((s, i) => [s, i % 2 === 0])),
    resamples: 10,
    ...over,
  };
}

/** A scorer counting events up to T, read in whatever way `read` chooses. */
function counting(
  name: string,
  current: { t: number },
  read: (ctx: {
    asOf: Date;
    sources: SceneRadarSources;
    candidates: readonly string[];
    signal: AbortSignal;
  }) => Promise<ReadonlyMap<string, readonly RcfEvent[]>>,
): BacktestScorer {
  return {
    name,
    async score(ctx) {
      current.t = ctx.asOf.getTime();
      const events = await read(ctx);
      return new Map(ctx.candidates.map((s) => [s, events.get(s)?.length ?? 0]));
    },
  };
}

// =============================================================================================
// Faults: each test below fails on the code as reviewed.

describe('the as-of guard (faults)', () => {
  it('answers a read as of the instant it checked: a Date changed after the call, an asOf getter or a Date subclass cannot carry the read past T', async () => {
    const current = { t: 0 };
    const { rcf, leaks } = recordingRcf(current);
    const mutator = counting('mutator', current, ({ asOf, sources, candidates, signal }) => {
      const when = new Date(asOf.getTime());
      const pending = sources.rcf!.getEvents(candidates, { asOf: when, from: new Date(0), signal });
      // Changed once the guard has let the call through, before the adapter reads it.
      when.setTime(asOf.getTime() + 90 * DAY);
      return pending;
    });
    const getter = counting('getter', current, ({ asOf, sources, candidates, signal }) => {
      let reads = 0;
      const options = {
        get asOf() {
          return reads++ === 0 ? asOf : new Date(asOf.getTime() + 90 * DAY);
        },
        from: new Date(0),
        signal,
      };
      return sources.rcf!.getEvents(candidates, options);
    });
    class Backdated extends Date {
      override getTime(): number {
        return current.t;
      }
    }
    const subclass = counting('subclass', current, ({ asOf, sources, candidates, signal }) =>
      sources.rcf!.getEvents(candidates, {
        asOf: new Backdated(asOf.getTime() + 90 * DAY),
        from: new Date(0),
        signal,
      }),
    );
    const ended = await outcome(runBacktest(baseOptions({ rcf }, { baselines: [mutator, getter, subclass] })));
    // Either the read is answered as of T, or it is refused and the run is void; never answered past T.
    expect(leaks).toEqual([]);
    expect(['ok', 'BACKTEST_LOOKAHEAD']).toContain(ended);
  });

  it('refuses a read whose options ask past T even when another argument is added after them', async () => {
    const current = { t: 0 };
    const { rcf, leaks } = recordingRcf(current);
    const trailing = counting('trailing', current, ({ asOf, sources, candidates, signal }) =>
      untyped(sources.rcf!.getEvents)(
        candidates,
        { asOf: new Date(asOf.getTime() + 90 * DAY), from: new Date(0), signal },
        // The guard reads the asOf of the LAST argument; the adapter reads its second.
        { asOf },
      ),
    );
    const ended = await outcome(runBacktest(baseOptions({ rcf }, { baselines: [trailing] })));
    expect(leaks).toEqual([]);
    expect(ended).toBe('BACKTEST_LOOKAHEAD');
  });

  it('does not hand out the unguarded adapter a class-based source keeps in a property', async () => {
    const current = { t: 0 };
    const { rcf: inner, leaks } = recordingRcf(current);
    // A host's wrapper (a cache, a retry layer) keeping the adapter it wraps.
    class CachingFeed {
      constructor(readonly inner: RCFAdapter) {}
      getEvents(...args: Parameters<RCFAdapter['getEvents']>): ReturnType<RCFAdapter['getEvents']> {
        return this.inner.getEvents(...args);
      }
    }
    const reacher = counting('reacher', current, async ({ asOf, sources, candidates, signal }) => {
      const raw = (sources.rcf as unknown as { inner?: RCFAdapter }).inner;
      const future = raw
        ? await raw
            .getEvents(candidates, { asOf: new Date(asOf.getTime() + 90 * DAY), from: new Date(0), signal })
            .catch(() => new Map())
        : new Map();
      return future;
    });
    const ended = await outcome(
      runBacktest(baseOptions({ rcf: new CachingFeed(inner) as unknown as RCFAdapter }, { baselines: [reacher] })),
    );
    expect(leaks).toEqual([]);
    expect(['ok', 'BACKTEST_LOOKAHEAD']).toContain(ended);
  });
});

describe('errors (faults)', () => {
  it("a callback that throws a BacktestError of its own is the callback's failure, named with its cutoff", async () => {
    const e = await runBacktest(
      baseOptions(
        {},
        {
          baselines: [{ name: 'zero', score: ({ candidates }) => new Map(candidates.map((s) => [s, 0])) }],
          // The host's labels come from a file that turns out not to be what it expected.
          labels: () => {
            parseBacktestJson('{"not": "a result"}');
            return {};
          },
        },
      ),
    ).then(
      () => null,
      (x: unknown) => x,
    );
    expect(isBacktestError(e)).toBe(true);
    expect(untyped(e).code).toBe('BACKTEST_CALLBACK_FAILED');
    expect(untyped(e).message).toMatch(/^labels at cutoff 2020-02-01T00:00:00.000Z threw: /);
  });
});

describe('text outputs (faults)', () => {
  it("keeps one scorer per table row, whatever its name or its error's text holds (pipes, newlines)", async () => {
    const result = await runBacktest(
      baseOptions(
        {},
        {
          baselines: [
            { name: 'reach|30d', score: ({ candidates }) => new Map(candidates.map((s, i) => [s, -i])) },
            {
              name: 'boom',
              score: () => {
                throw new Error('first line\nsecond | line');
              },
            },
          ],
        },
      ),
    );
    const lines = backtestMarkdown(result).split('\n');
    const head = lines.indexOf('| scorer | mean AUC | 95% CI | mean P@10 | 95% CI | pooled AP | 95% CI |');
    expect(head).toBeGreaterThan(0);
    const rows: string[] = [];
    for (let i = head + 2; i < lines.length && lines[i] !== ''; i++) rows.push(lines[i]!);
    // One row per scorer, each with its 7 cells (8 unescaped pipes). As reviewed: 9 pipes in the
    // first row (the name's pipe is a cell border), then the error's second line as a row of its own.
    expect(
      rows.map((row) => row.match(/(?<!\\)\|/g)?.length ?? 0),
      rows.join('\n'),
    ).toEqual([8, 8]);
  });

  it('parseBacktestJson refuses a result backtestMarkdown cannot render, instead of a raw TypeError later', async () => {
    const result = await runBacktest(
      baseOptions(
        {},
        { baselines: [{ name: 'zero', score: ({ candidates }) => new Map(candidates.map((s) => [s, 0])) }] },
      ),
    );
    const broken = JSON.parse(backtestJson(result)) as Record<string, unknown>;
    broken.fit = {};
    let ended: string;
    try {
      backtestMarkdown(parseBacktestJson(JSON.stringify(broken)));
      ended = 'rendered';
    } catch (e) {
      ended = isBacktestError(e) ? e.code : `raw ${String(e)}`;
    }
    expect(['rendered', 'BACKTEST_INVALID_INPUT']).toContain(ended);
  });

  it('a heading level that is not a number still gives headings (NaN is the default, like undefined)', async () => {
    const result = await runBacktest(
      baseOptions(
        {},
        { baselines: [{ name: 'zero', score: ({ candidates }) => new Map(candidates.map((s) => [s, 0])) }] },
      ),
    );
    const md = backtestMarkdown(result, { level: Number.NaN });
    expect(md.split('\n')[0]).toBe('# hostile-10');
  });
});

describe('metric functions (faults)', () => {
  it('refuse what they cannot measure, as calibration() does: a k that is not a positive integer, lists of different lengths', () => {
    const refused = (f: () => unknown): string => {
      try {
        return `returned ${String(f())}`;
      } catch (e) {
        return isBacktestError(e) ? e.code : `raw ${String(e)}`;
      }
    };
    // k = 2.5 or NaN: the k-th place is undefined, every candidate "ties" with it: 0.333 and NaN.
    expect(refused(() => precisionAtK([3, 2, 1], [true, false, false], 2.5))).toBe('BACKTEST_INVALID_OPTIONS');
    expect(refused(() => precisionAtK([3, 2, 1], [true, false, false], Number.NaN))).toBe('BACKTEST_INVALID_OPTIONS');
    // Lists of different lengths: a missing label is read as a negative (auc 0.5, AP 1 here), an
    // extra label is dropped unseen (precision 0.5); calibration() refuses the same input.
    expect(refused(() => auc([1, 2, 3], [false, true]))).toBe('BACKTEST_INVALID_OPTIONS');
    expect(refused(() => precisionAtK([1, 2, 3], [false, false, true, true], 2))).toBe('BACKTEST_INVALID_OPTIONS');
    expect(refused(() => averagePrecision([3, 2, 1], [true]))).toBe('BACKTEST_INVALID_OPTIONS');
  });
});

// =============================================================================================
// Guard tests: behaviour that is right today, checked against references written here.

/** AUC by counting pairs; NaN and -Infinity are missing scores, tied with each other. */
function refAuc(scores: readonly number[], labels: readonly boolean[]): number | null {
  const s = scores.map((x) => (Number.isNaN(x) ? -Infinity : x));
  if (!s.some((x) => x > -Infinity)) return null;
  let pairs = 0;
  let won = 0;
  for (let i = 0; i < s.length; i++)
    for (let j = 0; j < s.length; j++)
      if (labels[i] && !labels[j]) {
        pairs++;
        won += s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0;
      }
  return pairs ? won / pairs : null;
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
  );
}

/** Precision@k as the mean over every ranking a random tie-break could give. */
function refPrecisionAtK(scores: readonly number[], labels: readonly boolean[], k: number): number | null {
  const s = scores.map((x) => (Number.isNaN(x) ? -Infinity : x));
  if (!s.some((x) => x > -Infinity)) return null;
  const m = Math.min(k, s.length);
  let total = 0;
  let count = 0;
  for (const p of permutations(s.length)) {
    if (p.some((v, i) => i > 0 && s[p[i - 1]!]! < s[v]!)) continue;
    total += p.slice(0, m).filter((i) => labels[i]).length / m;
    count++;
  }
  return total / count;
}

/** Average precision, threshold by threshold (each distinct score one threshold). */
function refAp(scores: readonly number[], labels: readonly boolean[]): number | null {
  const s = scores.map((x) => (Number.isNaN(x) ? -Infinity : x));
  const positives = labels.filter(Boolean).length;
  if (!positives || !s.some((x) => x > -Infinity)) return null;
  const thresholds = [...new Set(s.map((x) => (Object.is(x, -0) ? 0 : x)))].sort((a, b) => b - a);
  let ap = 0;
  let prevRecall = 0;
  for (const t of thresholds) {
    const picked = s.map((_x, i) => i).filter((i) => s[i]! >= t);
    const tp = picked.filter((i) => labels[i]).length;
    ap += (tp / positives - prevRecall) * (tp / picked.length);
    prevRecall = tp / positives;
  }
  return ap;
}

const VALUES = [0, -0, 0.5, 1, 2, Number.NaN, -Infinity, Infinity];

function randomCutoff(rand: () => number, n: number): { scores: number[]; labels: boolean[] } {
  return {
    scores: Array.from({ length: n }, () => VALUES[Math.floor(rand() * VALUES.length)]!),
    labels: Array.from({ length: n }, () => rand() < 0.4),
  };
}

const close = (x: number | null, y: number | null): boolean =>
  x === null || y === null ? x === y : Math.abs(x - y) < 1e-12;

describe('metric functions against references (guards)', () => {
  it('auc, precisionAtK (ties pro rata) and averagePrecision match, with ties, -0, NaN and infinities', () => {
    const rand = mulberry32(10);
    for (let trial = 0; trial < 400; trial++) {
      const n = 1 + Math.floor(rand() * 6);
      const { scores, labels } = randomCutoff(rand, n);
      const k = 1 + Math.floor(rand() * 4);
      const what = JSON.stringify({ scores: scores.map(String), labels, k });
      expect(close(auc(scores, labels), refAuc(scores, labels)), `auc ${what}`).toBe(true);
      expect(close(precisionAtK(scores, labels, k), refPrecisionAtK(scores, labels, k)), `p@k ${what}`).toBe(true);
      expect(close(averagePrecision(scores, labels), refAp(scores, labels)), `ap ${what}`).toBe(true);
    }
  });

  it('bootstrap: one cutoff collapses to its value; AUCs never defined give no interval', () => {
    const one = bootstrapIntervals([{ scores: [3, 2, 1, 0], labels: [true, false, true, false] }], { resamples: 50 });
    const a = auc([3, 2, 1, 0], [true, false, true, false])!;
    expect(one.meanAuc).toEqual([a, a]);
    const none = bootstrapIntervals(
      [
        { scores: [1, 2], labels: [false, false] },
        { scores: [3, 4], labels: [true, true] },
      ],
      { resamples: 50 },
    );
    expect(none.meanAuc).toBeNull();
    expect(none.meanPAtK).not.toBeNull();
  });
});

describe('the harness against references (guards)', () => {
  it('per-cutoff AUC and P@k, pooled AP over tied thresholds, and calibration at 0, 1 and outside', async () => {
    const rand = mulberry32(7);
    const days = ['2020-01-01', '2020-02-01', '2020-03-01', '2020-04-01', '2020-05-01'];
    const data = days.map(() => {
      const c = randomCutoff(rand, 6);
      // Probabilities for the calibration: exactly 0 and 1, and out of range.
      c.scores[0] = 0;
      c.scores[1] = 1;
      c.scores[2] = -0.5;
      c.scores[3] = 1.5;
      return c;
    });
    const slugs = ['a', 'b', 'c', 'd', 'e', 'f'];
    const index = (asOf: Date): number => days.indexOf(asOf.toISOString().slice(0, 10));
    const result = await runBacktest({
      name: 'reference',
      sources: {},
      cutoffs: days.map((d, i) => ({ asOf: at(d), split: i < 2 ? 'train' : 'test' })),
      horizonDays: 10,
      k: 3,
      resamples: 20,
      candidates: () => slugs,
      labels: ({ asOf }) => new Map(slugs.map((s, i) => [s, data[index(asOf)]!.labels[i]!])),
      baselines: [
        {
          name: 'given',
          probabilistic: true,
          // A score for a non-candidate too, ignored.
          score: ({ asOf }) =>
            new Map([...slugs.map((s, i) => [s, data[index(asOf)]!.scores[i]!] as const), ['zed', 9]]),
        },
      ],
    });
    const given = result.baselines[0]!;
    expect(given.error).toBeNull();
    // The harness ranks a score that is not finite (NaN, +-Infinity) as missing: last.
    const seen = data.map((c) => c.scores.map((x) => (Number.isFinite(x) ? x : -Infinity)));
    given.perCutoff.forEach((c, i) => {
      expect(close(c.auc, refAuc(seen[i]!, data[i]!.labels)), `auc ${i}`).toBe(true);
      expect(close(c.pAtK, refPrecisionAtK(seen[i]!, data[i]!.labels, 3)), `p@3 ${i}`).toBe(true);
    });
    const test = given.splits!.test;
    expect(
      close(
        test.pooledAp,
        refAp(
          seen.slice(2).flat(),
          data.slice(2).flatMap((c) => c.labels),
        ),
      ),
    ).toBe(true);
    const aucs = given.perCutoff.slice(2).flatMap((c) => (c.auc === null ? [] : [c.auc]));
    expect(close(test.meanAuc, aucs.length ? aucs.reduce((x, y) => x + y, 0) / aucs.length : null)).toBe(true);
    expect(test.aucSkipped).toBe(3 - aucs.length);
    // Calibration over the scored (finite) predictions: 0 in the first bin, 1 in the last, two clamped.
    const cal = test.calibration!;
    const probs = seen.slice(2).flat();
    const ys = data.slice(2).flatMap((c) => c.labels);
    const kept = probs.flatMap((p, i) =>
      p > -Infinity ? [[Math.min(1, Math.max(0, p)), ys[i] ? 1 : 0] as const] : [],
    );
    expect(cal.count).toBe(kept.length);
    expect(cal.clamped).toBe(6);
    expect(cal.brier).toBeCloseTo(kept.reduce((n, [p, y]) => n + (p - y) ** 2, 0) / kept.length, 12);
    expect(cal.bins[0]!.count).toBe(kept.filter(([p]) => p < 0.1).length);
    expect(cal.bins[9]!.count).toBe(kept.filter(([p]) => p >= 0.9).length);
  });

  it('a tie at the k-th place fills pro rata, whatever the order candidates are listed in', async () => {
    const scores: Record<string, number> = { a: 3, b: 2, c: 2, d: 2, e: 1 };
    const labels: Record<string, boolean> = { a: false, b: true, c: false, d: false, e: true };
    const figures: (number | null)[] = [];
    for (const order of [
      ['a', 'b', 'c', 'd', 'e'],
      ['e', 'd', 'c', 'b', 'a'],
    ]) {
      const r = await runBacktest({
        name: 'ties',
        sources: {},
        cutoffs: [{ asOf: at('2020-01-01'), split: 'test' }],
        horizonDays: 10,
        k: 2,
        resamples: 5,
        candidates: () => order,
        labels: () => labels,
        baselines: [{ name: 's', score: () => new Map(Object.entries(scores)) }],
      });
      figures.push(r.baselines[0]!.perCutoff[0]!.pAtK);
    }
    // 'a' (negative) first; one of the two places left goes to the tie b, c, d: 1/3 of a positive.
    expect(figures).toEqual([1 / 6, 1 / 6]);
  });

  it('missing candidates rank last with their reason; an empty cutoff has no figure; a label for a non-candidate is ignored', async () => {
    const r = await runBacktest({
      name: 'gaps',
      sources: {},
      cutoffs: [
        { asOf: at('2020-01-01'), split: 'test' },
        { asOf: at('2020-02-01'), split: 'test' },
      ],
      horizonDays: 10,
      resamples: 5,
      candidates: ({ asOf }) => (asOf.getUTCMonth() === 0 ? ['a', 'b', 'c'] : []),
      labels: () => ({ a: true, b: false, c: false, stranger: true }),
      baselines: [{ name: 's', score: () => new Map([['b', 1]]) }],
    });
    const s = r.baselines[0]!;
    expect(s.perCutoff.map((c) => [c.auc, c.pAtK, c.unscored])).toEqual([
      [
        refAuc([-Infinity, 1, -Infinity], [true, false, false]),
        refPrecisionAtK([-Infinity, 1, -Infinity], [true, false, false], 10),
        2,
      ],
      [null, null, 0],
    ]);
    expect(s.unscored.reasons).toEqual({ 'no score returned': 2 });
    expect(s.splits!.test.pAtKSkipped).toBe(1);
    expect(r.cutoffs.map((c) => c.positives)).toEqual([1, 0]);
    // A split without a cutoff (no training cutoff here): no figure, no interval, and the report renders.
    const train = s.splits!.train;
    expect([train.cutoffs, train.meanAuc, train.meanPAtK, train.pooledAp, train.intervals.meanAuc]).toEqual([
      0,
      null,
      null,
      null,
      null,
    ]);
    expect(backtestMarkdown(r)).toContain('| s | n/a | n/a | n/a | n/a | n/a | n/a |');
  });

  it('refuses duplicate candidates, and unsorted or repeated cutoffs', async () => {
    const base = (over: Partial<BacktestOptions>): BacktestOptions => ({
      name: 'refusals',
      sources: {},
      cutoffs: [{ asOf: at('2020-01-01'), split: 'test' }],
      horizonDays: 10,
      candidates: () => ['a', 'b'],
      labels: () => ({ a: true, b: false }),
      baselines: [{ name: 's', score: () => new Map() }],
      ...over,
    });
    expect(await outcome(runBacktest(base({ candidates: () => ['a', 'b', 'a'] })))).toBe('BACKTEST_INVALID_INPUT');
    const a = { asOf: at('2020-01-01'), split: 'train' } as const;
    const b = { asOf: at('2020-02-01'), split: 'train' } as const;
    expect(await outcome(runBacktest(base({ cutoffs: [b, a] })))).toBe('BACKTEST_INVALID_OPTIONS');
    expect(await outcome(runBacktest(base({ cutoffs: [a, { ...a }] })))).toBe('BACKTEST_INVALID_OPTIONS');
  });

  it('fit never sees a label whose horizon reaches past the first test cutoff (T + horizon = limit is kept)', async () => {
    let seen: FitContext | null = null;
    const r = await runBacktest({
      name: 'purge',
      sources: {},
      cutoffs: [
        { asOf: at('2020-01-01'), split: 'train' },
        { asOf: at('2020-01-31'), split: 'train' },
        { asOf: new Date(at('2020-01-31').getTime() + 1), split: 'train' },
        { asOf: at('2020-03-01'), split: 'test' },
      ],
      horizonDays: 30,
      resamples: 5,
      candidates: ({ asOf }) => [`x${asOf.getTime()}`],
      labels: ({ candidates }) => ({ [candidates[0]!]: true }),
      baselines: [
        {
          name: 'learner',
          fit: (ctx) => {
            seen = ctx;
          },
          score: ({ candidates }) => new Map(candidates.map((s) => [s, 1])),
        },
      ],
    });
    const ctx = seen as FitContext | null;
    expect(ctx!.cutoffs.map((c) => c.asOf.toISOString())).toEqual([
      '2020-01-01T00:00:00.000Z',
      '2020-01-31T00:00:00.000Z',
    ]);
    for (const c of ctx!.cutoffs) expect(c.asOf.getTime() + 30 * DAY).toBeLessThanOrEqual(ctx!.limit.getTime());
    expect(r.fit.purged).toEqual(['2020-01-31T00:00:00.001Z']);
  });

  it('a read past T through a paged or list method fails the run even when the scorer catches it', async () => {
    const sources: SceneRadarSources = {
      mig: {
        listArtists: async () => ({ items: [], nextCursor: null }),
        getArtists: async () => new Map(),
        getNetworks: async () => new Map(),
      },
      scenes: {
        getMemberships: async () => new Map(),
        getScenePulses: async () => new Map(),
        listHottestScenes: async () => [],
      },
    };
    for (const read of [
      (s: SceneRadarSources, asOf: Date) => s.mig!.listArtists({ limit: 5, cursor: 'x' }, { asOf, signal: never }),
      (s: SceneRadarSources, asOf: Date) => s.scenes!.listHottestScenes({ limit: 5 }, { asOf, signal: never }),
    ]) {
      const e = await runBacktest(
        baseOptions(sources, {
          baselines: [
            {
              name: 'pager',
              async score({ asOf, sources: guarded, candidates }) {
                await read(guarded, new Date(asOf.getTime() + 1)).catch(() => null);
                return new Map(candidates.map((c) => [c, 0]));
              },
            },
          ],
        }),
      ).then(
        () => null,
        (x: unknown) => x,
      );
      expect(isBacktestError(e) && e.code).toBe('BACKTEST_LOOKAHEAD');
    }
  });

  it('an abort stops a run whose scorer hangs; a scorer that throws or answers a non-Map fails alone', async () => {
    const controller = new AbortController();
    const hung = runBacktest(
      baseOptions({}, { signal: controller.signal, baselines: [{ name: 'hang', score: () => new Promise(() => {}) }] }),
    );
    setTimeout(() => controller.abort(new Error('stop')), 20);
    await expect(hung).rejects.toThrow('stop');
    const r = await runBacktest(
      baseOptions(
        {},
        {
          baselines: [
            {
              name: 'throws',
              score: () => {
                throw new TypeError('nope');
              },
            },
            { name: 'array', score: () => untyped([['a', 1]]) },
            { name: 'fine', score: ({ candidates }) => new Map(candidates.map((s, i) => [s, i])) },
          ],
        },
      ),
    );
    expect(r.baselines.map((b) => [b.name, b.error === null, b.splits === null])).toEqual([
      ['throws', false, true],
      ['array', false, true],
      ['fine', true, false],
    ]);
  });

  it('JSON keeps hostile names exactly and reads back', async () => {
    const name = 'a|b\n<script>alert(1)</script> "q" \u2028';
    const r = await runBacktest(
      baseOptions(
        {},
        { title: name, baselines: [{ name, score: ({ candidates }) => new Map(candidates.map((s) => [s, 1])) }] },
      ),
    );
    const back = parseBacktestJson(backtestJson(r));
    expect(back).toEqual(r);
    expect(back.baselines[0]!.name).toBe(name);
  });
});

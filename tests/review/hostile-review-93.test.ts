// Hostile review 93 of the public backtest harness (scene-radar/backtest): leakage of the future
// past the as-of guard. docs/backtesting.md, "What is enforced, and why": "Every callback and
// scorer receives the sources through a guard. A call whose `asOf` is past the limit (or is not a
// valid `Date`) is refused with a `BACKTEST_LOOKAHEAD` error and recorded", with the table "every
// `score` | reads the sources up to T"; docs/backtests.md: "at each cutoff T the candidates, the
// peers and every score are computed from sources that refuse reads past T". Each test below fails
// on the code as reviewed. Tiny hand-written host adapters, two or three cutoffs.
import type { RcfEvent } from '../../src/contracts/payloads';
import type {
  ArtistPage,
  ListArtistsQuery,
  MIGAdapter,
  RCFAdapter,
  SceneRadarSources,
  SourceCallOptions,
  WindowedCallOptions,
} from '../../src/contracts/sources';
import { isBacktestError, runBacktest, type BacktestOptions, type BacktestScorer } from '../../src/backtest/index';
import { describe, expect, it } from 'vitest';

const DAY = 86_400_000;
const at = (day: string): Date => new Date(`${day}T00:00:00.000Z`);

/** How a run ended: 'ok', a BacktestError's code, or the text of anything else. */
async function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: unknown) => (isBacktestError(e) ? e.code : `raw ${String(e)}`),
  );
}

// ---------------------------------------------------------------------------------------------
// A host's own adapters (docs/adapters.md): they answer as of `options.asOf`. Every instant an
// adapter actually answered as of is recorded, so a test can show what was read.

/** When each artist first became known (MIG). */
const FIRST_SEEN: Record<string, string> = {
  ana: '2020-01-01',
  ben: '2020-01-01',
  cy: '2020-01-01',
  dee: '2020-01-01',
  // Signed in the spring: unknown at every cutoff below.
  zed: '2020-05-01',
};

/** RCF events; the ones after 2020-02-01 are what happened next. */
const EVENTS: Record<string, string[]> = {
  ana: ['2020-01-10', '2020-02-05', '2020-02-10', '2020-02-15'],
  ben: ['2020-01-10', '2020-01-20', '2020-01-25'],
  cy: ['2020-01-12', '2020-02-20', '2020-02-25'],
  dee: ['2020-01-05', '2020-01-15', '2020-01-18', '2020-01-22'],
};

const ev = (slug: string, day: string): RcfEvent => ({
  id: `${slug}@${day}`,
  type: 'playlist_add',
  at: `${day}T12:00:00.000Z`,
  weight: 1,
  region: 'uk',
});

interface Reads {
  /** The instants the adapters answered as of, ISO. */
  readonly asOf: string[];
}

/**
 * A host MIG adapter. Like many a warehouse-backed adapter, a call without an `asOf` answers with
 * the latest state (the contract makes `asOf` required; the guard is what should make sure it is
 * there).
 */
function hostMig(reads: Reads): MIGAdapter {
  const asOfOf = (options: Partial<SourceCallOptions> | undefined): number => {
    const ms = options?.asOf instanceof Date ? options.asOf.getTime() : Date.now();
    reads.asOf.push(new Date(ms).toISOString());
    return ms;
  };
  return {
    async listArtists(_query: ListArtistsQuery, options: SourceCallOptions): Promise<ArtistPage> {
      const ms = asOfOf(options);
      return {
        items: Object.entries(FIRST_SEEN)
          .filter(([, day]) => at(day).getTime() <= ms)
          .map(([slug, day]) => ({
            slug,
            name: slug,
            homeRegion: 'uk',
            homeCity: null,
            firstSeen: at(day).toISOString(),
          })),
        nextCursor: null,
      };
    },
    async getArtists() {
      return new Map();
    },
    async getNetworks() {
      return new Map();
    },
  };
}

/** A host RCF adapter: events in [from, asOf]. */
function hostRcf(reads: Reads): RCFAdapter {
  return {
    async getEvents(slugs: readonly string[], options: WindowedCallOptions) {
      const asOf = options.asOf.getTime();
      reads.asOf.push(new Date(asOf).toISOString());
      const from = options.from.getTime();
      const out = new Map<string, RcfEvent[]>();
      for (const slug of slugs) {
        const list = (EVENTS[slug] ?? [])
          .map((day) => ev(slug, day))
          .filter((e) => Date.parse(e.at) >= from && Date.parse(e.at) <= asOf);
        out.set(slug, list);
      }
      return out;
    },
  };
}

const SLUGS = ['ana', 'ben', 'cy', 'dee'];

/** Label: at least two events in (T, T + horizon]. */
async function eventfulAfter(
  asOf: Date,
  until: Date,
  candidates: readonly string[],
  sources: SceneRadarSources,
  signal: AbortSignal,
): Promise<Map<string, boolean>> {
  const events = await sources.rcf!.getEvents(candidates, { asOf: until, from: new Date(asOf.getTime() + 1), signal });
  return new Map(candidates.map((s) => [s, (events.get(s)?.length ?? 0) >= 2]));
}

function options(sources: SceneRadarSources, over: Partial<BacktestOptions>): BacktestOptions {
  return {
    name: 'hostile-93',
    sources,
    cutoffs: [
      { asOf: at('2020-02-01'), split: 'train' },
      { asOf: at('2020-06-01'), split: 'test' },
    ],
    horizonDays: 30,
    candidates: () => SLUGS,
    labels: ({ asOf, until, candidates, sources: s, signal }) => eventfulAfter(asOf, until, candidates, s, signal),
    resamples: 0,
    ...over,
  };
}

// =============================================================================================

describe('the as-of guard: reads that carry the future past it (faults)', () => {
  it('refuses a read whose options have no asOf, even when another argument (the query) carries one', async () => {
    // docs/backtesting.md: "A call whose `asOf` is past the limit (or is not a valid `Date`) is
    // refused with a `BACKTEST_LOOKAHEAD` error and recorded"; contracts/sources.ts: "every call
    // receives `{ asOf, signal }`". Here the host put `asOf` in the query of `listArtists` (its
    // first argument, an object like the options) and passed options without one: the guard finds
    // an `asOf` at or before T in the query, lets the call through, and the adapter, reading its
    // options, answers with the latest state: an artist signed three months after T is ranked.
    const reads: Reads = { asOf: [] };
    const sources: SceneRadarSources = { mig: hostMig(reads), rcf: hostRcf(reads) };
    const seen: string[][] = [];
    const count: BacktestScorer = {
      name: 'event-count',
      async score({ asOf, sources: s, candidates, signal }) {
        const events = await s.rcf!.getEvents(candidates, { asOf, from: new Date(asOf.getTime() - 60 * DAY), signal });
        return new Map(candidates.map((c) => [c, events.get(c)?.length ?? 0]));
      },
    };
    const ended = await outcome(
      runBacktest(
        options(sources, {
          candidates: async ({ asOf, sources: s, signal }) => {
            const query = { limit: 100, asOf };
            // The slip: the instant went into the query, the options carry only the signal.
            const page = await s.mig!.listArtists(query, { signal } as unknown as SourceCallOptions);
            const slugs = page.items.map((a) => a.slug);
            seen.push(slugs);
            return slugs;
          },
          labels: ({ candidates }) => new Map(candidates.map((c) => [c, c === 'ana' || c === 'zed'])),
          baselines: [count],
        }),
      ),
    );
    // What leaked: MIG answered as of the wall clock, and `zed` (known from 2020-05-01) was a
    // candidate at the 2020-02-01 cutoff.
    expect({ ended, candidatesAtFirstCutoff: seen[0] }).toEqual({
      ended: 'BACKTEST_LOOKAHEAD',
      candidatesAtFirstCutoff: undefined,
    });
    expect(reads.asOf.filter((iso) => iso > '2020-06-01T00:00:00.000Z')).toEqual([]);
  });
});

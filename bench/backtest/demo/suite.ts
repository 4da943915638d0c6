/**
 * @module bench/backtest/demo/suite
 * The demo world as a backtest: a seeded world with a fixed end day (so every run sees the same
 * data), its ground truth as labels. Candidates at T are the artists MIG knows at T who have not
 * broken out before T; the label is a breakout (`truth.brokeOutOn`) within the horizon from T.
 */
import type { MIGAdapter } from 'scene-radar';
import { addDays, dayOf, dayStart, daysBetween } from '../../../src/core/time.js';
import { createDemoWorld, type DemoWorld } from 'scene-radar/adapters/memory';
import type { BacktestCutoffSpec } from 'scene-radar/backtest';
import { listArtistSlugs, type BenchSuite } from '../suite.js';
import { demoBaselines } from './baselines.js';

/** The demo suite's name, and its result file's. */
export const DEMO_SUITE = 'demo-world';

/** Parameters of the demo backtest. */
export interface DemoProtocol {
  /** World seed. */
  readonly seed: number;
  /** Artists in the world. */
  readonly artists: number;
  /** Last day of the world. */
  readonly end: string;
  /** Days of the world. */
  readonly days: number;
  /** Days of history before the first cutoff. */
  readonly historyDays: number;
  /** Label horizon: a breakout within this many days from T counts. */
  readonly horizonDays: number;
  /** Days between cutoffs. */
  readonly stepDays: number;
}

/** The default: big enough for stable figures, small enough to run in well under a minute. */
export const DEMO_PROTOCOL: DemoProtocol = Object.freeze({
  seed: 42,
  artists: 2000,
  end: '2025-12-31',
  days: 730,
  historyDays: 120,
  horizonDays: 90,
  stepDays: 28,
});

/** Every artist MIG lists at `asOf`, in its stable order. */
async function listAll(mig: MIGAdapter | undefined, asOf: Date, signal: AbortSignal): Promise<string[]> {
  if (!mig) throw new Error('the demo backtest needs the MIG source');
  return listArtistSlugs(mig, asOf, signal);
}

/**
 * The cutoff days: from `start + historyDays` every `stepDays` while the horizon still fits in
 * the world.
 * @example
 * ```ts
 * demoCutoffDays('2024-01-02', DEMO_PROTOCOL); // ['2024-05-01', '2024-05-29', ...]
 * ```
 */
export function demoCutoffDays(start: string, p: DemoProtocol): string[] {
  const out: string[] = [];
  for (let d = addDays(start, p.historyDays); daysBetween(d, p.end) >= p.horizonDays - 1; d = addDays(d, p.stepDays))
    out.push(d);
  return out;
}

/**
 * Builds the demo backtest. A cutoff T is midnight of its day, so the last complete day is the
 * day before: an artist has broken out "by T" when `brokeOutOn` is before T's day, and its label
 * is a `brokeOutOn` in `[T, T + horizon)`. The earlier half of the cutoffs is the training split.
 * Candidates and peers come from MIG through the harness's guarded sources; the labels from the
 * world's ground truth, which no source serves.
 * @example
 * ```ts
 * const { suite } = await demoSuite({ ...DEMO_PROTOCOL, artists: 300 });
 * ```
 */
export async function demoSuite(p: DemoProtocol = DEMO_PROTOCOL): Promise<{ suite: BenchSuite; world: DemoWorld }> {
  const demo = createDemoWorld({
    seed: p.seed,
    artists: p.artists,
    end: p.end,
    days: p.days,
    historyCacheSize: Math.min(100_000, p.artists),
  });
  const days = demoCutoffDays(demo.info.start, p);
  const half = Math.ceil(days.length / 2);
  const cutoffs = days.map(
    (day, i): BacktestCutoffSpec => ({ asOf: new Date(dayStart(day)), split: i < half ? 'train' : 'test' }),
  );
  const brokeOutOn = (slug: string): string | null => demo.truth.artist(slug)?.brokeOutOn ?? null;
  const summary = demo.truth.summary();
  const suite: BenchSuite = {
    name: DEMO_SUITE,
    title: 'Demo world: who breaks out next',
    sources: demo.sources,
    cutoffs,
    horizonDays: p.horizonDays,
    async candidates({ asOf, sources, signal }) {
      const day = dayOf(asOf.getTime());
      return (await listAll(sources.mig, asOf, signal)).filter((s) => {
        const b = brokeOutOn(s);
        return b === null || b >= day;
      });
    },
    population: ({ asOf, sources, signal }) => listAll(sources.mig, asOf, signal),
    labels({ asOf, candidates }) {
      const horizonEnd = addDays(dayOf(asOf.getTime()), p.horizonDays);
      return new Map(
        candidates.map((s) => {
          const b = brokeOutOn(s);
          return [s, b !== null && b < horizonEnd] as const;
        }),
      );
    },
    baselines: demoBaselines(),
    parameters: {
      protocol: p,
      worldStart: demo.info.start,
      cutoffDays: days,
      brokeOut: summary.outcomes.brokeOut,
      careers: summary.careers,
    },
    method: [
      `World: \`createDemoWorld({ seed: ${p.seed}, artists: ${p.artists}, end: '${p.end}', days: ${p.days} })\` (docs/demo-world.md), every source served; ${summary.outcomes.brokeOut} of its artists break out at some point. Its ground truth \`brokeOutOn\` is the first day an artist's simulated audience reaches 3x its level 90 days earlier (above a size floor): measured on the latent path, not on anything a source serves.`,
      `Cutoffs: ${days.length} days ${p.stepDays} days apart, from ${days[0] ?? 'none'} (${p.historyDays} days after the world starts) to ${days[days.length - 1] ?? 'none'} (the last whose ${p.horizonDays}-day horizon fits in the world); T is midnight UTC, so the last complete day is the day before. Candidates: the artists MIG knows at T that have not broken out before T's day. Label: \`brokeOutOn\` within ${p.horizonDays} days from T's day (the horizon is a parameter, to be aligned with the breakout score's documented horizon). Population at T: every artist MIG knows at T.`,
      `Split: the earlier ${half} cutoffs train, the later ${days.length - half} test. Baselines, read through the sources as of T: organic engagement growth (last 30 days against the 30 before, log ratio), organic engagement level (mean of the last 30 days, log), RCF event count in the last 30 days.`,
    ],
  };
  return { suite, world: demo };
}

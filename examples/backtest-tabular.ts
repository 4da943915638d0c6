/**
 * A host checks a breakout score on its own history: a label's exported files
 * (examples/backtest-data/: artists, real-time events, collaborations; synthetic, written by
 * generate.ts) are read with the tabular adapter, and `scene-radar/backtest` replays them at
 * monthly cutoffs. "Breaking out" is this label's own definition: a first entry on the national
 * chart within 90 days. The baselines are the label's own naive rankings.
 *
 *   npx tsx examples/backtest-tabular.ts [--out <dir>]
 *
 * prints a summary table and, with `--out`, writes `<dir>/example-label.md` and `.json`.
 * docs/backtesting.md walks through every part.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { MIGAdapter, RcfEvent, SceneRadarSources } from 'scene-radar';
import { createTabularSourcesFromFiles } from 'scene-radar/adapters/tabular';
import {
  backtestConsoleTable,
  backtestJson,
  backtestMarkdown,
  runBacktest,
  talentScorer,
  type BacktestCutoffSpec,
  type BacktestResult,
  type BacktestScorer,
} from 'scene-radar/backtest';
import { isMain } from './demo-radar.js';

const DAY_MS = 86_400_000;

const DATA = fileURLToPath(new URL('./backtest-data/', import.meta.url));
const HORIZON_DAYS = 90;
const BEGINNING = new Date('2000-01-01T00:00:00Z');

/** Monthly cutoffs: 2024 trains, 2025 tests (the last one leaves room for its 90-day horizon). */
export function monthlyCutoffs(): BacktestCutoffSpec[] {
  const out: BacktestCutoffSpec[] = [];
  for (let year = 2024; year <= 2025; year++) {
    for (let month = 0; month < 12; month++) {
      const asOf = new Date(Date.UTC(year, month, 1));
      if (asOf.getTime() + HORIZON_DAYS * DAY_MS > Date.UTC(2025, 11, 31)) break;
      out.push({ asOf, split: year === 2024 ? 'train' : 'test' });
    }
  }
  return out;
}

async function listArtists(mig: MIGAdapter | undefined, asOf: Date, signal: AbortSignal): Promise<string[]> {
  if (!mig) throw new Error('this backtest needs the artists table (MIG)');
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await mig.listArtists({ cursor, limit: 1000 }, { asOf, signal });
    out.push(...page.items.map((a) => a.slug));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}

async function eventsOf(
  sources: SceneRadarSources,
  slugs: readonly string[],
  asOf: Date,
  from: Date,
  signal: AbortSignal,
): Promise<ReadonlyMap<string, readonly RcfEvent[]>> {
  if (!sources.rcf) throw new Error('this backtest needs the events table (RCF)');
  return sources.rcf.getEvents(slugs, { asOf, from, signal });
}

const daysBefore = (asOf: Date, days: number): Date => new Date(asOf.getTime() - days * DAY_MS);
const charted = (events: readonly RcfEvent[] | undefined): boolean =>
  (events ?? []).some((e) => e.type === 'chart_entry');

/** A baseline of the label's own: playlist adds in the last 30 days, weighted by the playlist's reach. */
export const playlistReach30d: BacktestScorer = {
  name: 'playlist-reach-30d',
  description: 'sum of playlist-add weights over the last 30 days',
  async score({ asOf, sources, candidates, signal }) {
    const events = await eventsOf(sources, candidates, asOf, daysBefore(asOf, 30), signal);
    return new Map(
      candidates.map((slug) => [
        slug,
        (events.get(slug) ?? []).filter((e) => e.type === 'playlist_add').reduce((n, e) => n + e.weight, 0),
      ]),
    );
  },
};

/** Another: growth of activity, events of the last 30 days against the 30 before (log ratio). */
export const activityGrowth: BacktestScorer = {
  name: 'activity-growth-30d',
  description: 'events in the last 30 days against the 30 before (log ratio)',
  async score({ asOf, sources, candidates, signal }) {
    const events = await eventsOf(sources, candidates, asOf, daysBefore(asOf, 60), signal);
    const edge = daysBefore(asOf, 30).getTime();
    return new Map(
      candidates.map((slug) => {
        const list = events.get(slug) ?? [];
        const recent = list.filter((e) => Date.parse(e.at) > edge).length;
        return [slug, Math.log((recent + 1) / (list.length - recent + 1))];
      }),
    );
  },
};

/**
 * Reads the export and runs the backtest.
 * @example
 * ```ts
 * const result = await backtestTabularExample();
 * result.baselines[0]?.splits?.test.meanAuc;
 * ```
 */
export async function backtestTabularExample(): Promise<BacktestResult> {
  const { sources } = await createTabularSourcesFromFiles({
    artists: join(DATA, 'artists.csv'),
    events: join(DATA, 'events.csv'),
    collaborators: join(DATA, 'collaborators.csv'),
  });
  return runBacktest({
    name: 'example-label',
    title: 'Example label: who enters the national chart within 90 days',
    sources,
    cutoffs: monthlyCutoffs(),
    horizonDays: HORIZON_DAYS,
    // Who the label would be watching at T: artists known at T, active in the last 90 days, never charted.
    async candidates({ asOf, sources, signal }) {
      const known = await listArtists(sources.mig, asOf, signal);
      const recent = await eventsOf(sources, known, asOf, daysBefore(asOf, 90), signal);
      const history = await eventsOf(sources, known, asOf, BEGINNING, signal);
      return known.filter((slug) => (recent.get(slug)?.length ?? 0) > 0 && !charted(history.get(slug)));
    },
    // Peers for relative signals: everyone active in the last 180 days.
    async population({ asOf, sources, signal }) {
      const known = await listArtists(sources.mig, asOf, signal);
      const recent = await eventsOf(sources, known, asOf, daysBefore(asOf, 180), signal);
      return known.filter((slug) => (recent.get(slug)?.length ?? 0) > 0);
    },
    // What happened: a chart entry after T, up to T + 90 days (the only reads allowed past T).
    async labels({ asOf, until, candidates, sources, signal }) {
      const after = await eventsOf(sources, candidates, until, new Date(asOf.getTime() + 1), signal);
      return new Map(
        candidates.map((slug) => [
          slug,
          (after.get(slug) ?? []).some((e) => e.type === 'chart_entry' && Date.parse(e.at) > asOf.getTime()),
        ]),
      );
    },
    // The model under test: the Talent Radar's breakout score with the published default model.
    // `talentScorer({ calibrate: true })` fits one on the training cutoffs instead.
    scorer: talentScorer(),
    baselines: [playlistReach30d, activityGrowth],
    parameters: { data: 'examples/backtest-data (synthetic)', horizonDays: HORIZON_DAYS },
    method: [
      'Synthetic export of a made-up label (examples/backtest-data/generate.ts). Candidates at T: artists known at T, active in the last 90 days, never on the national chart. Label: a chart entry within 90 days after T.',
    ],
  });
}

if (isMain(import.meta.url)) {
  let out: string | undefined;
  try {
    out = parseArgs({ options: { out: { type: 'string' } }, strict: true }).values.out;
    if (out === '') throw new Error('--out needs a folder');
    // The folder first: a name that cannot be one fails now, not after the run.
    if (out !== undefined) mkdirSync(out, { recursive: true });
  } catch (e) {
    console.error(
      `backtest example: ${e instanceof Error ? e.message : String(e)}\nusage: npx tsx examples/backtest-tabular.ts [--out <folder>]`,
    );
    process.exit(2);
  }
  const result = await backtestTabularExample();
  console.log(backtestConsoleTable(result));
  if (out) {
    writeFileSync(join(out, `${result.name}.md`), backtestMarkdown(result, { resultFile: `${result.name}.json` }));
    writeFileSync(join(out, `${result.name}.json`), backtestJson(result));
    console.log(`wrote ${join(out, `${result.name}.md`)} and ${result.name}.json`);
  }
}

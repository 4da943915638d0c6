/**
 * @module cli/backtest
 * `scene-radar backtest --data <dir>`: the public harness (`scene-radar/backtest`) over a data
 * folder, with the outcome defined by an event type: at each monthly cutoff T, the candidates are
 * the artists known at T, active in the last 90 days and without that event so far; an artist
 * "breaks out" when the event happens after T within the horizon. The Talent Radar's breakout
 * score (default model, or one fitted on the training cutoffs with `--calibrate`) is compared with
 * two naive baselines. docs/backtesting.md explains every part; this is its runnable example
 * generalised to any folder with artists and events.
 */
import type { RcfEvent, RcfEventType } from '../contracts/payloads.js';
import type { SceneRadarSources } from '../contracts/sources.js';
import { runBacktest } from '../backtest/run-backtest.js';
import { talentScorer } from '../backtest/talent-scorer.js';
import type { BacktestCutoffSpec, BacktestScorer } from '../backtest/types.js';
import type { BacktestResult } from '../backtest/result.js';
import { createTabularSourcesFromFiles, type TabularReport } from '../../adapters/tabular/index.js';
import type { ProgressCallback } from '../core/observe/progress.js';
import { observedAtMs } from '../core/time.js';
import { isCalendarDay, UsageError } from './command-line.js';
import { withFolderColumns } from './io.js';
import { readDataFolder } from './manifest.js';

const DAY_MS = 86_400_000;
const BEGINNING = new Date('1900-01-01T00:00:00Z');

/** Options of {@link backtestFolder}. */
export interface BacktestFolderOptions {
  /** The data folder. */
  readonly dir: string;
  /** The event that counts as breaking out. @default 'chart_entry' */
  readonly event?: RcfEventType;
  /** Days after a cutoff in which the event must happen. @default 90 */
  readonly horizonDays?: number;
  /** First cutoff (a day). @default 180 days after the first event */
  readonly from?: string;
  /** Last cutoff (a day). @default the last event's day minus the horizon */
  readonly to?: string;
  /** Cutoffs up to this day train, later ones test. @default the middle cutoff */
  readonly trainUntil?: string;
  /** Fit the breakout model on the training cutoffs. @default false */
  readonly calibrate?: boolean;
  /** The progress: the folder's import (bytes of each file), then the backtest's (cutoffs, then each scorer). @default none */
  readonly onProgress?: ProgressCallback;
  /** Stops the import of the folder's files (`TALENT_TIMEOUT`, every file it opened closed). @default none */
  readonly signal?: AbortSignal;
  /** Called with the import's report once the folder is read (rows read, accepted, rejected). @default none */
  readonly onImport?: (report: TabularReport) => void;
}

const daysBefore = (asOf: Date, days: number): Date => new Date(asOf.getTime() - days * DAY_MS);
const dayMs = (day: string, flag: string): number => {
  const t = Date.parse(`${day}T00:00:00.000Z`);
  if (!/^[1-9]\d{3}-\d{2}-\d{2}$/.test(day) || !Number.isFinite(t) || !isCalendarDay(day))
    throw new UsageError(`${flag} must be a day YYYY-MM-DD in the years 1000-9999`);
  return t;
};

async function listArtists(sources: SceneRadarSources, asOf: Date, signal: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: readonly { slug: string }[]; nextCursor: string | null } = await sources.mig!.listArtists(
      { cursor, limit: 1000 },
      { asOf, signal },
    );
    out.push(...page.items.map((a) => a.slug));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}

function eventsOf(
  sources: SceneRadarSources,
  slugs: readonly string[],
  asOf: Date,
  from: Date,
  signal: AbortSignal,
): Promise<ReadonlyMap<string, readonly RcfEvent[]>> {
  return sources.rcf!.getEvents(slugs, { asOf, from, signal });
}

/** The activity-growth baseline: events of the last 30 days against the 30 before (log ratio). */
const activityGrowth: BacktestScorer = {
  name: 'activity-growth-30d',
  description: 'events in the last 30 days against the 30 before (log ratio)',
  async score({ asOf, sources, candidates, signal }) {
    const events = await eventsOf(sources, candidates, asOf, daysBefore(asOf, 60), signal);
    const edge = daysBefore(asOf, 30).getTime();
    return new Map(
      candidates.map((slug) => {
        const list = events.get(slug) ?? [];
        const recent = list.filter((e) => observedAtMs(e.at) > edge).length;
        return [slug, Math.log((recent + 1) / (list.length - recent + 1))];
      }),
    );
  },
};

/** The volume baseline: the weight of every event of the last 30 days. */
const activity30d: BacktestScorer = {
  name: 'activity-30d',
  description: 'sum of event weights over the last 30 days',
  async score({ asOf, sources, candidates, signal }) {
    const events = await eventsOf(sources, candidates, asOf, daysBefore(asOf, 30), signal);
    return new Map(candidates.map((slug) => [slug, (events.get(slug) ?? []).reduce((n, e) => n + e.weight, 0)]));
  },
};

/** The span of the event times in the folder, epoch ms. */
async function eventSpan(
  sources: SceneRadarSources,
  stop: AbortSignal | undefined,
): Promise<{ first: number; last: number }> {
  // The in-memory tables answer at once: the bound only guards a hang; the caller's abort stops it too.
  const limit = AbortSignal.timeout(120_000);
  const signal = stop ? AbortSignal.any([stop, limit]) : limit;
  const now = new Date(8.64e15);
  const slugs = await listArtists(sources, now, signal);
  const events = await eventsOf(sources, slugs, now, BEGINNING, signal);
  let first = Infinity;
  let last = -Infinity;
  for (const list of events.values())
    for (const e of list) {
      const t = observedAtMs(e.at);
      if (t < first) first = t;
      if (t > last) last = t;
    }
  // What the data holds, not how the command was called: an error (exit 1), not a usage mistake.
  if (!Number.isFinite(first)) throw new Error('the events table has no events: there is nothing to backtest');
  return { first, last };
}

/** Most monthly cutoffs one run takes (50 years): more means a mistyped date in the data, most likely. */
const MAX_MONTHLY_CUTOFFS = 600;

/** Monthly cutoffs (the first of each month) from `from` to `to`, split at `trainUntil`. */
export function monthlyCutoffs(from: number, to: number, trainUntil: number | undefined): BacktestCutoffSpec[] {
  const days: Date[] = [];
  const start = new Date(from);
  for (let y = start.getUTCFullYear(), m = start.getUTCMonth() + (start.getUTCDate() > 1 ? 1 : 0); ; m++) {
    const at = new Date(Date.UTC(y, m, 1));
    if (at.getTime() > to) break;
    if (at.getTime() >= from) days.push(at);
  }
  const split = trainUntil ?? days[Math.floor((days.length - 1) / 2)]?.getTime() ?? to;
  return days.map((asOf) => ({ asOf, split: asOf.getTime() <= split ? 'train' : 'test' }));
}

/**
 * Runs the backtest over the folder's files. Needs the `artists` and `events` tables.
 * @example
 * ```ts
 * const result = await backtestFolder({ dir: 'examples/backtest-data', event: 'chart_entry' });
 * ```
 */
export async function backtestFolder(options: BacktestFolderOptions): Promise<BacktestResult> {
  // The days given are checked before the folder is read: a mistyped flag is not an import away.
  const fromDay = options.from === undefined ? undefined : dayMs(options.from, '--from');
  const toDay = options.to === undefined ? undefined : dayMs(options.to, '--to');
  const trainUntil = options.trainUntil === undefined ? undefined : dayMs(options.trainUntil, '--train-until');
  const folder = readDataFolder(options.dir);
  if (folder.files.artists === undefined || folder.files.events === undefined)
    throw new UsageError('the data folder needs an artists table and an events table');
  const { sources, report } = await createTabularSourcesFromFiles(folder.files, {
    ...folder.options,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  }).catch((error: unknown) => {
    throw withFolderColumns(error, folder.files);
  });
  options.onImport?.(report);
  const horizonDays = options.horizonDays ?? 90;
  const event = options.event ?? 'chart_entry';
  const span = await eventSpan(sources, options.signal);
  const from = fromDay ?? span.first + 180 * DAY_MS;
  const to = toDay ?? span.last - horizonDays * DAY_MS;
  const cutoffs = monthlyCutoffs(from, to, trainUntil);
  // A usage mistake when --from and --to both set the span; when the data set either end of it,
  // the data may be at fault (a mistyped year): exit 1, naming where each end came from.
  const dated = fromDay !== undefined && toDay !== undefined;
  const refused = (message: string): Error => (dated ? new UsageError(message) : new Error(message));
  const between = `${fromDay !== undefined ? '--from' : '180 days after the first event'} and ${toDay !== undefined ? '--to' : 'the horizon before the last event'}`;
  if (cutoffs.length > MAX_MONTHLY_CUTOFFS)
    throw refused(
      `${cutoffs.length} monthly cutoffs between ${new Date(from).toISOString().slice(0, 10)} and ${new Date(to).toISOString().slice(0, 10)} (${between}; at most ${MAX_MONTHLY_CUTOFFS}): the events run from ${new Date(span.first).toISOString().slice(0, 10)} to ${new Date(span.last).toISOString().slice(0, 10)}; is a date mistyped? Narrow the run with --from and --to`,
    );
  if (cutoffs.length < 2)
    throw refused(
      `fewer than two monthly cutoffs fit between ${between} (the data needs 180 days of history before the first and the horizon after the last)`,
    );
  // Cutoffs the data cannot judge, every one of them: each is before the first event (no history)
  // or after the last event's day less the horizon (no events of its horizon). Each would score no
  // candidate or count every breakout as none: a table of n/a, not a backtest.
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  const lastJudged = span.last - horizonDays * DAY_MS;
  if (!cutoffs.some((c) => c.asOf.getTime() >= span.first && c.asOf.getTime() <= lastJudged))
    throw refused(
      `no monthly cutoff between ${day(from)} and ${day(to)} (${between}) can be judged: the events run from ${day(span.first)} to ${day(span.last)}, and a cutoff needs events before it and the ${horizonDays}-day horizon after it (the last such cutoff is ${day(lastJudged)})`,
    );
  if (!cutoffs.some((c) => c.split === 'test')) throw new UsageError('--train-until leaves no test cutoff');
  const had = (events: readonly RcfEvent[] | undefined): boolean => (events ?? []).some((e) => e.type === event);
  return runBacktest({
    name: 'scene-radar-backtest',
    title: `${folder.name}: who has a first ${event} within ${horizonDays} days`,
    sources,
    cutoffs,
    horizonDays,
    async candidates({ asOf, sources, signal }) {
      const known = await listArtists(sources, asOf, signal);
      const recent = await eventsOf(sources, known, asOf, daysBefore(asOf, 90), signal);
      const history = await eventsOf(sources, known, asOf, BEGINNING, signal);
      return known.filter((slug) => (recent.get(slug)?.length ?? 0) > 0 && !had(history.get(slug)));
    },
    async population({ asOf, sources, signal }) {
      const known = await listArtists(sources, asOf, signal);
      const recent = await eventsOf(sources, known, asOf, daysBefore(asOf, 180), signal);
      return known.filter((slug) => (recent.get(slug)?.length ?? 0) > 0);
    },
    async labels({ asOf, until, candidates, sources, signal }) {
      const after = await eventsOf(sources, candidates, until, new Date(asOf.getTime() + 1), signal);
      return new Map(
        candidates.map((slug) => [
          slug,
          (after.get(slug) ?? []).some((e) => e.type === event && observedAtMs(e.at) > asOf.getTime()),
        ]),
      );
    },
    scorer: talentScorer(options.calibrate ? { calibrate: true } : {}),
    baselines: [activity30d, activityGrowth],
    parameters: { data: folder.name, event, horizonDays },
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    // An aborted command stops the run itself, not only the wait for it.
    ...(options.signal ? { signal: options.signal } : {}),
    method: [
      `Candidates at T: artists known at T, active in the last 90 days, without a ${event} so far. Label: a ${event} within ${horizonDays} days after T. Monthly cutoffs; ${
        trainUntil === undefined
          ? 'the first half trains, the rest tests'
          : `the cutoffs up to ${new Date(trainUntil).toISOString().slice(0, 10)} train, the later ones test (--train-until)`
      }.`,
    ],
  });
}

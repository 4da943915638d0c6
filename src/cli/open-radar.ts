/**
 * @module cli/open-radar
 * The radar a command runs on: over a data folder's files (the tabular adapter, streamed), or over
 * the demo world; its owned tables in memory or in PostgreSQL (`--postgres`, migrated at start);
 * its catalog imported; refreshed once. Closing it closes the pool too.
 */
import { readFileSync, statSync } from 'node:fs';
import type { SourceName } from '../contracts/sources.js';
import { fixedClock, systemClock, type Clock } from '../core/clock.js';
import { FIRST_INSTANT_MS } from '../core/validation.js';
import { observedAtMs } from '../core/time.js';
import { createSceneRadar, type SceneRadar, type SceneRadarRefreshReport } from '../radar.js';
import { validateCatalog, type CatalogInput } from '../scenes/catalog.js';
import { isSceneRadarError, SceneRadarError } from '../core/errors.js';
import { createDemoWorld } from '../../adapters/memory/index.js';
import type { PostgresStores } from '../../adapters/postgres/index.js';
import { createTabularSourcesFromFiles, type TabularReport } from '../../adapters/tabular/index.js';
import type { ProgressCallback } from '../core/observe/progress.js';
import type { PostgresTarget } from './command-line.js';
import { withFolderColumns } from './io.js';
import { parseJsonFile, readDataFolder, type DataFolder } from './manifest.js';

/** What the radar is built over. */
export type RadarInput =
  | { readonly kind: 'data'; readonly dir: string; readonly asOf?: string | undefined }
  | {
      readonly kind: 'demo';
      readonly artists: number;
      readonly seed?: number | undefined;
      readonly end?: string | undefined;
    };

/** A radar opened by {@link openRadar}. */
export interface OpenedRadar {
  /** The radar, refreshed. */
  readonly radar: SceneRadar;
  /** What it serves, for printing (`demo world (300 artists)`, `./exports`). */
  readonly title: string;
  /** Where its tables live: `in memory` or the PostgreSQL schema and server (never the password). */
  readonly tables: string;
  /** The sources given (for the health route). */
  readonly sources: readonly SourceName[];
  /** The tabular import's report (data folders only). */
  readonly importReport: TabularReport | undefined;
  /** The data folder's table files, by path, with their header columns (for error messages). */
  readonly folder: DataFolder | undefined;
  /** The first refresh's report. */
  readonly refresh: SceneRadarRefreshReport;
  /** As of when it was refreshed (ISO). */
  readonly asOf: string;
  /** Closes the radar, then the PostgreSQL pool. */
  close(): Promise<void>;
}

/** Stores in PostgreSQL, migrated and checked, with where they are for printing. */
async function openStores(target: PostgresTarget): Promise<{ stores: PostgresStores; tables: string }> {
  // Loaded on demand: the optional peer `pg` is needed only with `--postgres`.
  const { describePostgres, openPostgresStores } = await import('../../adapters/postgres/index.js');
  const stores = await openPostgresStores(
    { connectionString: target.url },
    { migrate: true, ...(target.schema === undefined ? {} : { schema: target.schema }) },
  );
  return { stores, tables: describePostgres(target.url, stores.schema) };
}

/**
 * The end of the day of the latest observation in the files (the default `asOf`), capped at the
 * end of today (the next 00:00 UTC) when the files reach past it (a campaign's planned end, an
 * announced release: plans, not observations): today's observations are known, and every run of
 * one day serves the same instant:
 * an instant (an event, an article, a link, a record) rounded up to the next day boundary (one
 * already at midnight stays: the import reads a bare day in such a column as the end of that day
 * already), a day (a release, a campaign, a membership, a daily series' last day) read as the end
 * of that day.
 */
function latestObservation(dataset: {
  artistSlugs(): readonly string[];
  artistHistory(slug: string): import('../../adapters/memory/index.js').ArtistHistory | undefined;
}): number | undefined {
  const DAY = 86_400_000;
  let latest = -Infinity;
  const see = (t: number): void => {
    if (t > latest) latest = t;
  };
  const instant = (iso: string | null | undefined): void => {
    if (iso) see(Math.ceil(observedAtMs(iso) / DAY) * DAY);
  };
  const day = (iso: string | null | undefined): void => {
    if (iso) see(Math.floor(Date.parse(iso) / DAY) * DAY + DAY);
  };
  for (const slug of dataset.artistSlugs()) {
    const h = dataset.artistHistory(slug);
    if (!h) continue;
    instant(h.record.firstSeen);
    for (const e of h.events) instant(e.at);
    for (const a of h.articles) instant(a.publishedAt);
    for (const t of h.tastemakers) instant(t.since);
    for (const c of h.collaborators) instant(c.since);
    for (const m of h.memberships) day(m.since);
    for (const r of h.releases) day(r.releasedAt);
    for (const c of h.campaigns) day(c.end ?? c.start);
    const lastDay = (start: string, days: number): void => {
      if (days > 0) day(new Date(Date.parse(start) + (days - 1) * DAY).toISOString());
    };
    lastDay(h.engagement.start, h.engagement.organic.length);
    lastDay(h.coherence.start, h.coherence.values.length);
  }
  if (!Number.isFinite(latest)) return undefined;
  return Math.min(latest, Math.floor(Date.now() / DAY) * DAY + DAY);
}

function asOfFrom(text: string): number {
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00.000Z` : text);
  return t;
}

/**
 * Opens, fills and refreshes a radar over `input`, its tables in `postgres` when given. A data
 * folder is read with {@link readDataFolder} and streamed through the tabular adapter; the radar
 * runs on a clock fixed at `asOf` (the flag, else the manifest's, else the end of the latest day in
 * the files), so a historical export is served as of its own end; `now` uses the system clock.
 * `options.onProgress` receives the data folder's import progress (task `import`, bytes of each
 * file), then the first refresh's (and the demo world's trend backfill's). `options.signal` stops
 * the import of the folder's files (`TALENT_TIMEOUT`, every file it opened closed).
 */
export async function openRadar(
  input: RadarInput,
  postgres: PostgresTarget | undefined,
  options: { readonly onProgress?: ProgressCallback | undefined; readonly signal?: AbortSignal | undefined } = {},
): Promise<OpenedRadar> {
  const progress = options.onProgress ? { onProgress: options.onProgress } : {};
  let folder: DataFolder | undefined;
  let importReport: TabularReport | undefined;
  let sources: import('../contracts/sources.js').SceneRadarSources;
  let catalog: CatalogInput | undefined;
  let clock: Clock = systemClock;
  let title: string;
  // The database first: one that cannot be reached fails before a long import, not after it.
  const opened = postgres ? await openStores(postgres) : undefined;
  try {
    if (input.kind === 'data') {
      folder = readDataFolder(input.dir);
      // The catalog before the table files: a missing or broken one fails before a long import.
      if (folder.catalog !== undefined) catalog = readCatalog(folder.catalog);
      const files = folder.files;
      const imported = await createTabularSourcesFromFiles(files, {
        ...folder.options,
        ...progress,
        ...(options.signal ? { signal: options.signal } : {}),
      }).catch((error: unknown) => {
        throw withFolderColumns(error, files);
      });
      sources = imported.sources;
      importReport = imported.report;
      const asOf = input.asOf ?? folder.asOf;
      if (asOf !== 'now') {
        const at = asOf === undefined ? latestObservation(imported.dataset) : asOfFrom(asOf);
        if (at !== undefined) clock = fixedClock(at);
      }
      title = folder.name;
    } else {
      const world = createDemoWorld({
        artists: input.artists,
        ...(input.seed === undefined ? {} : { seed: input.seed }),
        ...(input.end === undefined ? {} : { end: input.end }),
      });
      sources = world.sources;
      catalog = world.catalog;
      if (input.end !== undefined) clock = fixedClock(`${input.end}T00:00:00.000Z`);
      title = `demo world (${input.artists} artists, seed ${world.info.seed})`;
    }
  } catch (error) {
    await opened?.stores.close();
    throw error;
  }
  const stores = opened?.stores;
  const radar = createSceneRadar({ sources, clock, ...(stores ? { stores } : {}) });
  const close = async (): Promise<void> => {
    try {
      await radar.close();
    } finally {
      await stores?.close();
    }
  };
  try {
    if (catalog !== undefined)
      await radar.scenes.importCatalog(catalog).catch((error: unknown) => {
        throw folder?.catalog === undefined ? error : inCatalogFile(folder.catalog, error);
      });
    const refresh = await radar.refresh(undefined, progress);
    // The demo world has a history: replay its last 90 days of scene trends, so a trend (the
    // dashboard's chart, `GET /api/scenes/:slug/trends`) shows more than today's point.
    if (input.kind === 'demo') {
      const last = Date.parse(refresh.talent.asOf) - 86_400_000;
      // Never before the year 1000, the first the engines take (a world ending in its first days).
      const from = Math.max(FIRST_INSTANT_MS, last - 89 * 86_400_000);
      if (from <= last) await radar.scenes.backfillTrends({ from: new Date(from), to: new Date(last), ...progress });
    }
    return {
      radar,
      title,
      tables: opened?.tables ?? 'in memory',
      sources: Object.keys(sources).filter(
        (k) => (sources as Record<string, unknown>)[k] !== undefined,
      ) as SourceName[],
      importReport,
      folder,
      refresh,
      asOf: refresh.talent.asOf,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The catalog file's JSON, or an error naming the file (missing, a folder, unreadable, not JSON). */
function readCatalog(path: string): CatalogInput {
  let text: string;
  try {
    // A named pipe or a device would block the process (and Ctrl-C with it) until written to.
    if (!statSync(path).isFile()) throw new Error('not a regular file');
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`catalog ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const catalog = parseJsonFile(path, text) as CatalogInput;
  // Its rows checked now, as the import will check them: a broken catalog fails before a long
  // import of the table files, and the message names the file.
  try {
    validateCatalog(catalog, new Date(0).toISOString());
  } catch (error) {
    throw inCatalogFile(path, error);
  }
  return catalog;
}

/** `error` (the Scenes Engine's refusal of a catalog) with the catalog file named, its code kept. */
function inCatalogFile(path: string, error: unknown): Error {
  if (!isSceneRadarError(error)) return error instanceof Error ? error : new Error(String(error));
  return new SceneRadarError(error.code, `catalog ${path}: ${error.message}`, {
    details: error.details,
    cause: error,
  });
}

/**
 * @module adapters/tabular/create-sources
 * The factory: canonical tables in, read-only sources out. Tables are mapped, validated,
 * aggregated and linked in full before anything is built, so a call either returns complete
 * sources with a report, or throws and returns nothing half-built.
 */
import { UNKNOWN_REGION } from '../../src/contracts/payloads.js';
import type { SceneRadarSources, SourceName } from '../../src/contracts/sources.js';
import { SceneRadarError } from '../../src/core/errors.js';
import { isStorableText } from '../../src/core/text.js';
// The memory adapter without its demo world (its index also holds the demo world and its genre
// data, CC-BY-SA, which a host importing its own tables must not load or bundle).
import {
  createEagerDataset,
  createMemorySources,
  type MemoryDataset,
  type MemorySourcesOptions,
} from '../memory/core.js';
import { AGGREGATION_CHOICES, createTableFold, type TabularAggregation, type TableFold } from './aggregate-rows.js';
import { buildHistories, type ValidatedTables } from './build-histories.js';
import { checkSpan, type SeriesSpan } from './dense-series.js';
import { RejectionLog, type TabularReport } from './rejections.js';
import type { TabularRow } from './parsed-table.js';
import { TABULAR_TABLE_NAMES, type TabularRowOf, type TabularTableName } from './row-schemas.js';
import {
  createRowValidator,
  describeValue,
  rowsOf,
  type TabularRowMap,
  type TabularRowMaps,
  type TabularTableInput,
} from './validate-rows.js';

/** The tables to read, by canonical name; give only those you have. */
export type TabularTables = { readonly [T in TabularTableName]?: TabularTableInput };

/** Options for {@link createTabularSources}. */
export interface TabularSourcesOptions extends MemorySourcesOptions {
  /**
   * Per-table row adapters: rename the host's columns, transform values, drop a line (`null`)
   * or turn it into several rows (an array). @default none
   */
  readonly map?: TabularRowMaps;
  /**
   * How rows that share a key are combined after the map and validation, per table: engagement
   * and coherence per artist and day, collaborators per pair, events and articles per artist
   * and id. Give only the tables whose rule you want to change.
   * @default { engagement: 'max', coherence: 'mean', collaborators: 'max', events: 'last', articles: 'last' }
   */
  readonly aggregate?: TabularAggregation;
  /**
   * What to do with an invalid row: `'throw'` a `CONFIG_INVALID` `SceneRadarError`
   * listing every table's invalid rows (nothing is built), or `'skip'` them and list them in the
   * report. @default 'throw'
   */
  readonly onInvalidRow?: 'throw' | 'skip';
  /** Home region of artists derived from slugs when there is no `artists` table. @default 'unknown' */
  readonly derivedHomeRegion?: string;
  /**
   * One span every engagement and coherence series covers (days without a row are null); rows
   * outside it are invalid. @default each artist's own span, its first to its last day with a row
   */
  readonly seriesSpan?: SeriesSpan;
}

/** What {@link createTabularSources} returns. */
export interface TabularSources {
  /** Only the sources whose tables were given; the others are absent, so engines say so. */
  readonly sources: SceneRadarSources;
  /** Rows read, accepted, dropped and rejected per table; the artist count; the sources built. */
  readonly report: TabularReport;
  /** The dataset the sources serve (for `createMemorySources` with other options). */
  readonly dataset: MemoryDataset;
}

/** Which tables feed which source. A source is returned when any of its tables is given. */
export const TABLES_BY_SOURCE: { readonly [S in SourceName]: readonly TabularTableName[] } = {
  mig: ['artists', 'tastemakers', 'collaborators'],
  cmg: ['releases'],
  fusion: ['engagement', 'campaigns'],
  coverage: ['articles'],
  rcf: ['events'],
  identityKernel: ['coherence'],
  scenes: ['memberships', 'scenePulses'],
  workspaces: ['workspaces'],
};

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the table names and options given (a host mistake, reported before any row is read):
 * the shapes too, since a JavaScript caller can pass anything (`null`, a path for the tables).
 */
export function checkOptions(tables: Readonly<Record<string, unknown>>, options: TabularSourcesOptions): void {
  const known = new Set<string>(TABULAR_TABLE_NAMES);
  const bad = (message: string): SceneRadarError =>
    new SceneRadarError('CONFIG_INVALID', `createTabularSources: ${message}`);
  if (!isRecord(tables)) throw bad(`tables must be an object of tables by name, found ${describeValue(tables)}`);
  if (!isRecord(options)) throw bad(`options must be an object, found ${describeValue(options)}`);
  for (const name of Object.keys(tables))
    if (!known.has(name)) throw bad(`unknown table "${name}" (known: ${TABULAR_TABLE_NAMES.join(', ')})`);
  if (options.map !== undefined && !isRecord(options.map))
    throw bad(`map must be an object of functions by table name, found ${describeValue(options.map)}`);
  for (const [name, map] of Object.entries(options.map ?? {})) {
    if (!known.has(name)) throw bad(`map for unknown table "${name}"`);
    if (map !== undefined && typeof map !== 'function')
      throw bad(`map.${name} must be a function, found ${describeValue(map)}`);
  }
  if (options.onInvalidRow !== undefined && options.onInvalidRow !== 'throw' && options.onInvalidRow !== 'skip')
    throw bad(`onInvalidRow must be 'throw' or 'skip'`);
  if (options.aggregate !== undefined && !isRecord(options.aggregate))
    throw bad(`aggregate must be an object of rules by table name, found ${describeValue(options.aggregate)}`);
  for (const [name, rule] of Object.entries(options.aggregate ?? {})) {
    const choices: readonly string[] | undefined = (AGGREGATION_CHOICES as Readonly<Record<string, readonly string[]>>)[
      name
    ];
    if (!choices)
      throw bad(
        `aggregate: no rule for table "${name}" (tables with one: ${Object.keys(AGGREGATION_CHOICES).join(', ')})`,
      );
    if (rule !== undefined && !choices.includes(rule as string))
      throw bad(`aggregate.${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}`);
  }
  const region = options.derivedHomeRegion;
  if (
    region !== undefined &&
    (typeof region !== 'string' || region.length < 1 || region.length > 64 || !isStorableText(region))
  )
    throw bad('derivedHomeRegion must be 1-64 characters of well-formed text without NUL');
  // Up front, with the other options: a typo in the span is not found after a whole export is read.
  if (options.seriesSpan !== undefined) checkSpan(options.seriesSpan as SeriesSpan);
}

/**
 * Builds read-only sources over a host's exported tables (CSV or JSON-lines files already parsed,
 * or rows in memory). Each table is checked against its row schema (after the host's `map`, which
 * may drop a line or split it into several rows), rows sharing a key are combined (`aggregate`),
 * then linked (unknown artists, duplicate keys), and turned into the artist histories
 * `createMemorySources` serves with full as-of behaviour. Without an `artists` table the universe
 * is every slug the other tables name (name = slug, first seen at its earliest observation).
 *
 * Returns only the sources whose tables were given (see {@link TABLES_BY_SOURCE}). Invalid rows
 * throw a `CONFIG_INVALID` `SceneRadarError` naming table, file, line and column, unless
 * `onInvalidRow: 'skip'`.
 * @example
 * ```ts
 * import { createSceneRadar, slugify } from 'scene-radar';
 * import { createTabularSources, parseCsv, readTable } from 'scene-radar/adapters/tabular';
 *
 * const { sources, report } = createTabularSources(
 *   {
 *     artists: await readTable('exports/artists.csv'),
 *     events: await readTable('exports/events.jsonl.gz'),
 *     collaborators: parseCsv('artist_a,artist_b,weight,since\nnova-static,pale-harbour,2,2025-03-01\n'),
 *   },
 *   {
 *     // The host's events export says `performer` and `kind`: map them to the canonical columns.
 *     map: { events: (row) => ({ artist: slugify(String(row.performer)), type: String(row.kind), at: String(row.ts), weight: String(row.reach), region: String(row.country ?? '') }) },
 *   },
 * );
 * report.sources; // ['mig', 'rcf']
 * const radar = createSceneRadar({ sources });
 * ```
 */
export function createTabularSources(tables: TabularTables, options: TabularSourcesOptions = {}): TabularSources {
  checkOptions(tables, options);
  const builder = createTabularBuilder(options);
  for (const name of TABULAR_TABLE_NAMES) {
    const input = tables[name];
    if (input === undefined) continue;
    const parsed = rowsOf(input, name);
    const push = builder.table(name, parsed.source ?? null);
    for (let i = 0; i < parsed.rows.length; i++) push(parsed.rows[i]!, parsed.lines[i] ?? i + 1);
  }
  return builder.finish();
}

/**
 * The import as rows arrive: {@link createTabularSources} pushes a parsed table's rows, the file
 * reader pushes rows as it parses them, and nothing but the folded rows is held in between.
 * @internal
 */
export interface TabularBuilder {
  /** Opens `name` (once) and returns the function that takes its raw rows, each with its line. */
  table(name: TabularTableName, source: string | null): (raw: TabularRow, line: number) => void;
  /** Folds, links and builds the sources of every table opened; throws on invalid rows under `'throw'`. */
  finish(): TabularSources;
}

/**
 * A {@link TabularBuilder} under `options` (checked by the caller with {@link checkOptions}).
 * @internal
 */
export function createTabularBuilder(options: TabularSourcesOptions): TabularBuilder {
  const log = new RejectionLog();
  const sourcesOf: { [T in TabularTableName]?: string | null } = {};
  const folds = new Map<TabularTableName, TableFold<unknown>>();
  const aggregateOptions = { aggregate: options.aggregate, sources: sourcesOf };
  return {
    table(name, source) {
      if (folds.has(name))
        throw new SceneRadarError('CONFIG_INVALID', `createTabularSources: table "${name}" given twice`);
      log.open(name, 0);
      sourcesOf[name] = source;
      // A generic helper keeps the table's row type tied to its name.
      const open = <T extends TabularTableName>(table: T) => {
        const fold = createTableFold(table, aggregateOptions, log);
        folds.set(table, fold as TableFold<unknown>);
        return createRowValidator(table, source, options.map?.[table] as TabularRowMap<T> | undefined, log, (row) =>
          fold.push(row),
        );
      };
      return open(name);
    },
    finish() {
      const given = new Set<TabularTableName>(folds.keys());
      const validated: ValidatedTables = {};
      for (const [name, fold] of folds)
        (validated as Record<string, unknown>)[name] = fold.finish() as unknown as TabularRowOf<typeof name>[];
      const linked = buildHistories(
        validated,
        {
          derivedHomeRegion: options.derivedHomeRegion ?? UNKNOWN_REGION,
          seriesSpan: options.seriesSpan,
          sources: sourcesOf,
        },
        log,
      );
      // The folded rows are in the histories now: let them go before the dataset copies those.
      for (const name of Object.keys(validated)) delete (validated as Record<string, unknown>)[name];
      folds.clear();
      if (log.total > 0 && (options.onInvalidRow ?? 'throw') === 'throw') throw log.toError();
      const dataset = createEagerDataset({
        histories: linked.histories,
        scenePulses: linked.scenePulses,
        workspaces: linked.workspaces,
      });
      const all = createMemorySources(dataset, {
        ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
        ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
      });
      const names = (Object.keys(TABLES_BY_SOURCE) as SourceName[]).filter((s) =>
        TABLES_BY_SOURCE[s].some((t) => given.has(t)),
      );
      const sources: SceneRadarSources = Object.fromEntries(names.map((s) => [s, all[s]]));
      return {
        sources,
        report: {
          tables: log.tables(),
          artists: linked.histories.length,
          artistsDerived: linked.artistsDerived,
          sources: names,
        },
        dataset,
      };
    },
  };
}

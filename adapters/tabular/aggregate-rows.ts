/**
 * @module adapters/tabular/aggregate-rows
 * The aggregation step, between validation and linking: rows of one table that share a key
 * (an artist and day, a collaborating pair, an artist's event id) become one row. Exports
 * repeat rows (a file delivered twice, a day split per track or platform, a chart listing a
 * song every week), and a row the sources serve twice is counted twice by every score; the
 * defaults here never add up a repeated delivery.
 */
import { parseInstant } from '../../src/core/time.js';
import type { ValidatedTables } from './build-histories.js';
import type { RejectionLog } from './rejections.js';
import type { TabularRowOf, TabularTableName } from './row-schemas.js';
import type { Located } from './validate-rows.js';

/**
 * How the values of several rows for one artist and day combine, column by column. Blank cells
 * are unknown: they never count, and a column blank in every row stays blank.
 *
 * - `'sum'`: add them (a day split across rows: per track, per platform, per market);
 * - `'max'`: the largest (a repeated delivery counts once; a split day keeps its biggest part);
 * - `'mean'`: their average;
 * - `'last'`: the last one in input order (a later delivery corrects an earlier one).
 * @example
 * ```ts
 * const perTrack: DailyCombiner = 'sum'; // one engagement row per track and day: add them up
 * createTabularSources(tables, { aggregate: { engagement: perTrack } });
 * ```
 */
export type DailyCombiner = 'sum' | 'max' | 'mean' | 'last';

/**
 * Which of several rows with one id is kept: the first or the last in input order.
 * @example
 * ```ts
 * // The export appends corrections; keep what was delivered first instead.
 * createTabularSources(tables, { aggregate: { events: 'first' satisfies DuplicateIdRule } });
 * ```
 */
export type DuplicateIdRule = 'first' | 'last';

/**
 * How rows that share a key are combined, per table (`TabularSourcesOptions.aggregate`). Rows of
 * other tables are not combined: duplicate artists, releases, memberships and workspaces stay
 * rejections. The report counts merged rows per table as `combined`.
 * @example
 * ```ts
 * // A chart export with one row per track: add a day's streams up, count each co-credit pair's songs.
 * createTabularSources(tables, { aggregate: { engagement: 'sum', collaborators: 'sum' } });
 * ```
 */
export interface TabularAggregation {
  /**
   * Engagement rows of one artist and day; `organic` and `paid` combine separately. Choose
   * `'sum'` when the export splits a day across rows.
   * @default 'max'
   */
  readonly engagement?: DailyCombiner;
  /**
   * Coherence rows of one artist and day (a 0-1 score, so there is no `'sum'`).
   * @default 'mean'
   */
  readonly coherence?: Exclude<DailyCombiner, 'sum'>;
  /**
   * Collaborator rows of one pair, in either order (`a,b` and `b,a` are one pair): `since` is
   * always the earliest; `weight` is the largest (`'max'`) or the total (`'sum'`, e.g. one row
   * per joint song).
   * @default 'max'
   */
  readonly collaborators?: 'sum' | 'max';
  /**
   * Event rows of one artist with the same id: one is kept (`'last'`: a later delivery updates
   * an earlier one). Rows without an id get generated ids and never combine; the same id on two
   * artists (one chart entry credited to both) is two events.
   * @default 'last'
   */
  readonly events?: DuplicateIdRule;
  /**
   * Article rows of one artist with the same id, as for `events`.
   * @default 'last'
   */
  readonly articles?: DuplicateIdRule;
}

/**
 * The defaults of {@link TabularAggregation}, spelled out: none of them adds a repeated delivery up.
 * @example
 * ```ts
 * DEFAULT_AGGREGATION.engagement; // 'max'
 * ```
 */
export const DEFAULT_AGGREGATION: Readonly<Required<TabularAggregation>> = Object.freeze({
  engagement: 'max',
  coherence: 'mean',
  collaborators: 'max',
  events: 'last',
  articles: 'last',
});

/** The combiners each table accepts (for checking options given from untyped code). */
export const AGGREGATION_CHOICES: { readonly [K in keyof TabularAggregation]-?: readonly string[] } = {
  engagement: ['sum', 'max', 'mean', 'last'],
  coherence: ['max', 'mean', 'last'],
  collaborators: ['sum', 'max'],
  events: ['first', 'last'],
  articles: ['first', 'last'],
};

/** Combines `values` (blanks are null) with `how`; null when every value is blank. */
export function combineValues(values: readonly (number | null)[], how: DailyCombiner): number | null {
  let count = 0;
  let sum = 0;
  let max = -Infinity;
  let last: number | null = null;
  for (const v of values) {
    if (v === null) continue;
    count++;
    sum += v;
    if (v > max) max = v;
    last = v;
  }
  if (count === 0) return null;
  switch (how) {
    case 'sum':
      return sum;
    case 'max':
      return max;
    case 'mean':
      return sum / count;
    case 'last':
      return last;
  }
}

/**
 * Groups rows by `key` (null: never grouped) and merges each group of two or more with `merge`;
 * the merged row takes the place of the group's first row, so output order is input order.
 */
function combineBy<R>(
  rows: readonly Located<R>[],
  key: (row: R) => string | null,
  merge: (group: readonly Located<R>[]) => Located<R> | undefined,
): { rows: Located<R>[]; combined: number } {
  const groups = new Map<string, Located<R>[]>();
  const order: (Located<R> | string)[] = [];
  for (const located of rows) {
    const k = key(located.row);
    if (k === null) {
      order.push(located);
      continue;
    }
    const group = groups.get(k);
    if (group) group.push(located);
    else {
      groups.set(k, [located]);
      order.push(k);
    }
  }
  if (groups.size === rows.length) return { rows: [...rows], combined: 0 };
  const out: Located<R>[] = [];
  let combined = 0;
  for (const item of order) {
    if (typeof item !== 'string') {
      out.push(item);
      continue;
    }
    const group = groups.get(item)!;
    if (group.length === 1) {
      out.push(group[0]!);
      continue;
    }
    const merged = merge(group);
    combined += group.length - 1;
    if (merged) out.push(merged);
  }
  return { rows: out, combined };
}

/** Options the aggregation step reads. */
export interface AggregateOptions {
  /** The host's choices; the rest are {@link DEFAULT_AGGREGATION}. */
  readonly aggregate: TabularAggregation | undefined;
  /** Source name of each table, for rejections. */
  readonly sources: { readonly [T in TabularTableName]?: string | null };
}

/** Combines rows that share a key in every table that has a rule; counts go to `log`. */
export function aggregateTables(
  tables: ValidatedTables,
  options: AggregateOptions,
  log: RejectionLog,
): ValidatedTables {
  const rules = { ...DEFAULT_AGGREGATION, ...options.aggregate };
  const out: ValidatedTables = { ...tables };
  const apply = <T extends TabularTableName>(
    table: T,
    key: (row: TabularRowOf<T>) => string | null,
    merge: (group: readonly Located<TabularRowOf<T>>[]) => Located<TabularRowOf<T>> | undefined,
  ): void => {
    const rows = tables[table] as Located<TabularRowOf<T>>[] | undefined;
    if (!rows) return;
    const result = combineBy(rows, key, merge);
    log.combine(table, result.combined);
    (out as { [K in T]?: Located<TabularRowOf<T>>[] })[table] = result.rows;
  };
  /** A sum past the largest number is not a count: the group is rejected rather than served as Infinity. */
  const finite = (
    table: TabularTableName,
    group: readonly Located<unknown>[],
    value: number | null,
    column: string,
  ): boolean => {
    if (value === null || Number.isFinite(value)) return true;
    const first = group[0]!;
    log.reject({
      table,
      source: options.sources[table] ?? null,
      line: first.line,
      column,
      message: `the ${column} of the ${group.length} rows for this key add up to more than the largest number`,
    });
    return false;
  };

  const daily = (r: { artist: string; day: string }): string => `${r.artist}\u0000${r.day}`;
  apply('engagement', daily, (group) => {
    const organic = combineValues(
      group.map((g) => g.row.organic),
      rules.engagement,
    );
    const paid = combineValues(
      group.map((g) => g.row.paid),
      rules.engagement,
    );
    if (!finite('engagement', group, organic, 'organic') || !finite('engagement', group, paid, 'paid'))
      return undefined;
    return { row: { ...group[0]!.row, organic, paid }, line: group[0]!.line };
  });
  apply('coherence', daily, (group) => ({
    row: {
      ...group[0]!.row,
      value: combineValues(
        group.map((g) => g.row.value),
        rules.coherence,
      ),
    },
    line: group[0]!.line,
  }));
  // A pair with itself is left alone: linking rejects each such line with its own message.
  apply(
    'collaborators',
    (r) =>
      r.artist_a === r.artist_b
        ? null
        : r.artist_a < r.artist_b
          ? `${r.artist_a}\u0000${r.artist_b}`
          : `${r.artist_b}\u0000${r.artist_a}`,
    (group) => {
      let since = group[0]!.row.since;
      for (const g of group) if (parseInstant(g.row.since) < parseInstant(since)) since = g.row.since;
      const weight = combineValues(
        group.map((g) => g.row.weight),
        rules.collaborators,
      );
      if (!finite('collaborators', group, weight, 'weight')) return undefined;
      return { row: { ...group[0]!.row, since, weight: weight! }, line: group[0]!.line };
    },
  );
  const byId = (r: { artist: string; id: string | null }): string | null =>
    r.id === null ? null : `${r.artist}\u0000${r.id}`;
  apply('events', byId, (group) => (rules.events === 'first' ? group[0]! : group[group.length - 1]!));
  apply('articles', byId, (group) => (rules.articles === 'first' ? group[0]! : group[group.length - 1]!));
  return out;
}

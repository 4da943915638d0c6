/**
 * @module adapters/tabular/rejections
 * The import report: rows read, mapped, accepted, dropped by the host's `map`, rejected and
 * combined per table, with the first few rejections by line. Rejections are collected across
 * every table before anything is decided, so one error (or one report) shows all the problems,
 * not only the first.
 */
import type { SourceName } from '../../src/contracts/sources.js';
import { SceneRadarError } from '../../src/core/errors.js';
import { where } from './parsed-table.js';
import type { TabularTableName } from './row-schemas.js';

/** How many rejections per table the report (and the error) lists; the counts are always complete. */
export const MAX_LISTED_REJECTIONS = 10;

/** One rejected row. */
export interface RowRejection {
  /** The table. */
  readonly table: TabularTableName;
  /** The file the row came from, if it came from a file. */
  readonly source: string | null;
  /** The 1-based line the row starts on (for an in-memory array: the 1-based row number). */
  readonly line: number;
  /** The first offending canonical column, or null when the problem is the whole row. */
  readonly column: string | null;
  /** What is wrong. */
  readonly message: string;
}

/**
 * What happened to one table. The counts add up: `mapped = accepted + rejected + combined`, and
 * without a `map` (or a map that returns one row per line) `mapped = read - dropped`.
 */
export interface TabularTableReport {
  /** Rows (lines) read from the input. */
  readonly read: number;
  /**
   * Canonical rows after the host's `map`: one per line without a map; with one, the rows it
   * returned (a line split in three counts three; a line whose map threw counts one, rejected).
   */
  readonly mapped: number;
  /** Rows that made it into the dataset. */
  readonly accepted: number;
  /** Lines the host's `map` dropped by returning null or an empty array (not errors). */
  readonly dropped: number;
  /** Rows rejected as invalid (skipped under `onInvalidRow: 'skip'`). */
  readonly rejected: number;
  /**
   * Rows merged into another row of the same key by the aggregation step (a group of three rows
   * for one artist and day counts two); see `TabularSourcesOptions.aggregate`.
   */
  readonly combined: number;
  /** The first rejections, in input order (at most {@link MAX_LISTED_REJECTIONS}). */
  readonly rejections: readonly RowRejection[];
}

/** One report per table given, by table name. */
export type TabularTableReports = { readonly [T in TabularTableName]?: TabularTableReport };

/** What `createTabularSources` read and built. */
export interface TabularReport {
  /** One entry per table given. */
  readonly tables: TabularTableReports;
  /** Artists in the universe. */
  readonly artists: number;
  /** True when there was no `artists` table and the universe came from the slugs seen. */
  readonly artistsDerived: boolean;
  /** The sources returned (those whose tables were given). */
  readonly sources: readonly SourceName[];
}

interface Counts {
  read: number;
  mapped: number;
  accepted: number;
  dropped: number;
  rejected: number;
  combined: number;
  rejections: RowRejection[];
}

/** Collects counts and rejections while tables are read and linked. */
export class RejectionLog {
  private readonly counts = new Map<TabularTableName, Counts>();

  /** Starts a table's counts. */
  open(table: TabularTableName, read: number): void {
    this.counts.set(table, { read, mapped: 0, accepted: 0, dropped: 0, rejected: 0, combined: 0, rejections: [] });
  }

  /** Counts rows (lines) read from a table's input, as they are read. */
  read(table: TabularTableName, rows: number): void {
    this.of(table).read += rows;
  }

  /**
   * Records a rejected row. The table's listed rejections are its earliest lines, whichever step
   * rejected them (linking runs after every row was read, so its rejections come late).
   */
  reject(rejection: RowRejection): void {
    const c = this.of(rejection.table);
    c.rejected++;
    const list = c.rejections;
    if (list.length === MAX_LISTED_REJECTIONS && rejection.line >= list[list.length - 1]!.line) return;
    let at = list.length;
    while (at > 0 && list[at - 1]!.line > rejection.line) at--;
    list.splice(at, 0, rejection);
    if (list.length > MAX_LISTED_REJECTIONS) list.pop();
  }

  /** Counts canonical rows coming out of the map step (rows to validate). */
  map(table: TabularTableName, rows: number): void {
    this.of(table).mapped += rows;
  }

  /** Counts rows merged into another row by the aggregation step. */
  combine(table: TabularTableName, rows: number): void {
    this.of(table).combined += rows;
  }

  /** Records a line the host's map dropped. */
  drop(table: TabularTableName): void {
    this.of(table).dropped++;
  }

  /** Sets the final accepted count of a table (after linking, which can reject more rows). */
  accept(table: TabularTableName, accepted: number): void {
    this.of(table).accepted = accepted;
  }

  /** Total rejected rows. */
  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c.rejected;
    return n;
  }

  /** The per-table report. */
  tables(): TabularTableReports {
    const out: { [T in TabularTableName]?: TabularTableReport } = {};
    for (const [table, c] of this.counts)
      out[table] = { ...c, rejections: [...c.rejections].sort((a, b) => a.line - b.line) };
    return out;
  }

  /** The error thrown under `onInvalidRow: 'throw'`: every table's count, the first rows by line. */
  toError(): SceneRadarError {
    const tables = this.tables();
    const parts: string[] = [];
    const listed: RowRejection[] = [];
    for (const [table, report] of Object.entries(tables)) {
      if (!report.rejected) continue;
      listed.push(...report.rejections);
      const shown = report.rejections
        .slice(0, 3)
        .map((r) => `${where(r.source ?? undefined, r.line)}${r.column ? `, column ${r.column}` : ''}: ${r.message}`);
      parts.push(
        `${table}: ${report.rejected} invalid row${report.rejected === 1 ? '' : 's'} (${shown.join('; ')}${report.rejected > shown.length ? '; ...' : ''})`,
      );
    }
    return new SceneRadarError('CONFIG_INVALID', `Invalid tabular data: ${parts.join('. ')}`, {
      details: {
        rejected: Object.fromEntries(Object.entries(tables).map(([t, r]) => [t, r.rejected])),
        rejections: listed,
      },
    });
  }

  private of(table: TabularTableName): Counts {
    let c = this.counts.get(table);
    if (!c) {
      c = { read: 0, mapped: 0, accepted: 0, dropped: 0, rejected: 0, combined: 0, rejections: [] };
      this.counts.set(table, c);
    }
    return c;
  }
}

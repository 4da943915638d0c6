/**
 * @module adapters/tabular/table-format
 * What a table file is: its format and compression, from its name or from the caller.
 */
import { SceneRadarError } from '../../src/core/errors.js';

/** A table file format. */
export type TabularFormat = 'csv' | 'jsonl';

/** Options for {@link readTable}. */
export interface ReadTableOptions {
  /** File format. @default from the extension: `.csv`, `.jsonl` or `.ndjson`, each optionally `.gz` */
  readonly format?: TabularFormat;
  /** Whether the file is gzipped. @default true when the name ends in `.gz` */
  readonly gzip?: boolean;
  /** CSV cell separator. @default ',' */
  readonly delimiter?: string;
}

/** What a file name says about its content. */
export interface DetectedFormat {
  /** The table format. */
  readonly format: TabularFormat;
  /** Whether the file is gzipped. */
  readonly gzip: boolean;
}

/**
 * The format and compression a file name implies, or undefined for an unknown extension.
 * @example
 * ```ts
 * detectTableFormat('exports/events.csv.gz'); // { format: 'csv', gzip: true }
 * ```
 */
export function detectTableFormat(path: string): DetectedFormat | undefined {
  if (typeof path !== 'string')
    throw new SceneRadarError('CONFIG_INVALID', 'detectTableFormat: the path must be a string', {
      details: [{ code: 'invalid_type', path: ['path'], message: 'Expected a string' }],
    });
  const lower = path.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const base = gzip ? lower.slice(0, -3) : lower;
  if (base.endsWith('.csv')) return { format: 'csv', gzip };
  if (base.endsWith('.jsonl') || base.endsWith('.ndjson')) return { format: 'jsonl', gzip };
  return undefined;
}

/**
 * @module scene-radar/adapters/tabular
 * Source adapters over a host's exported files: CSV or JSON lines (optionally gzipped), one
 * canonical table per concept (artists, events, engagement, coherence, tastemakers,
 * collaborators, articles, releases, campaigns, memberships, scene pulses, workspaces). The
 * parsers and {@link createTabularSources} need no platform; {@link readTable},
 * {@link streamTable}, {@link createTabularSourcesFromFiles} and
 * {@link createTabularSourcesFromStreams} read files and streams with `node:fs`, `node:zlib` and
 * `node:stream`, a block at a time (memory bounded by the folded data, not the files' size).
 */
export { parseCsv, type CsvOptions, type CsvRow } from './csv.js';
export { parseJsonLines } from './json-lines.js';
export type { ParseOptions, ParsedTable, TabularRow } from './parsed-table.js';
export {
  detectTableFormat,
  readTable,
  type DetectedFormat,
  type ReadTableOptions,
  type TabularFormat,
} from './read-table.js';
export {
  ArticleRowSchema,
  ArtistRowSchema,
  CampaignRowSchema,
  CoherenceRowSchema,
  CollaboratorRowSchema,
  EngagementRowSchema,
  EventRowSchema,
  MembershipRowSchema,
  ReleaseRowSchema,
  ScenePulseRowSchema,
  TABULAR_ROW_SCHEMAS,
  TABULAR_TABLE_NAMES,
  TastemakerRowSchema,
  WorkspaceRowSchema,
  type TabularRowInput,
  type TabularRowSchemas,
  type TabularRowOf,
  type TabularTableName,
} from './row-schemas.js';
export type { TabularMapResult, TabularRowMap, TabularRowMaps, TabularTableInput } from './validate-rows.js';
export {
  DEFAULT_AGGREGATION,
  type DailyCombiner,
  type DuplicateIdRule,
  type TabularAggregation,
} from './aggregate-rows.js';
export type { SeriesSpan } from './dense-series.js';
export {
  MAX_LISTED_REJECTIONS,
  type RowRejection,
  type TabularReport,
  type TabularTableReport,
  type TabularTableReports,
} from './rejections.js';
export {
  createTabularSources,
  TABLES_BY_SOURCE,
  type TabularSources,
  type TabularSourcesOptions,
  type TabularTables,
} from './create-sources.js';
export {
  createTabularSourcesFromFiles,
  createTabularSourcesFromStreams,
  type TabularFile,
  type TabularFileSpec,
  type TabularFiles,
  type TabularImportOptions,
  type TabularStreamSpec,
  type TabularStreams,
} from './from-files.js';
export { streamTable, type StreamTableOptions, type TableBatch, type TableByteSource } from './stream-table.js';

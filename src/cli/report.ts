/**
 * @module cli/report
 * How the commands print what an import and a refresh did: one line per table, one per engine.
 */
import type { SceneRadarRefreshReport } from '../radar.js';
import type { TabularReport } from '../../adapters/tabular/index.js';
import { oneLine } from '../core/text.js';

/**
 * A `JSON.stringify` replacer that writes a Map as an object of its entries (a report's Maps, such
 * as the scenes' membership circles, would otherwise be written as `{}`).
 */
export function mapsAsObjects(_key: string, value: unknown): unknown {
  return value instanceof Map ? Object.fromEntries(value) : value;
}

/** The import report as lines: the artists, then each table's counts and its first rejections. */
export function importLines(report: TabularReport): string[] {
  const lines = [
    `Imported ${report.artists} artists${report.artistsDerived ? ' (no artists table: every slug the tables name)' : ''}; sources: ${report.sources.join(', ') || 'none'}`,
  ];
  for (const [table, t] of Object.entries(report.tables)) {
    if (!t) continue;
    const extra = [
      t.combined ? `${t.combined} combined` : '',
      t.dropped ? `${t.dropped} dropped by the map` : '',
      t.rejected ? `${t.rejected} rejected` : '',
    ].filter(Boolean);
    lines.push(
      `  ${table.padEnd(13)} ${t.read} rows read, ${t.accepted} accepted${extra.length ? `, ${extra.join(', ')}` : ''}`,
    );
    for (const r of t.rejections.slice(0, 3))
      lines.push(`    ${r.source ?? table}:${r.line}: ${r.column ? `column ${r.column}: ` : ''}${r.message}`);
  }
  return lines;
}

/** A refresh report as lines: the Scenes Engine's, then the Talent Radar's. */
export function refreshLines(report: SceneRadarRefreshReport): string[] {
  const s = report.scenes;
  const t = report.talent;
  const lines = [
    `Refreshed as of ${t.asOf}`,
    `  Scenes Engine: ${s.memberships.memberships} memberships of ${s.memberships.artists} artists, ${s.relationships} relationships, ${s.snapshots} trend snapshots`,
    `  Talent Radar:  ${t.scored} of ${t.artists} artists scored, ${t.insufficient} without enough evidence, ${t.kept} kept from an earlier refresh (${t.durationMs} ms); universe ${t.universe}${t.universeReason ? ` (${oneLine(t.universeReason)})` : ''}`,
    `  source reads:  ${
      Object.entries(t.reads)
        .filter(([, n]) => n > 0)
        .map(([status, n]) => `${n} ${status}`)
        .join(', ') || 'none'
    }`,
  ];
  const failed = Object.entries(t.failedReads ?? {});
  if (failed.length) lines.push(`  failed reads:  ${failed.map(([source, n]) => `${source} ${n}`).join(', ')}`);
  // The Scenes Engine's own reads (networks and releases, for memberships), by source and outcome.
  const m = s.memberships;
  const scenesFailed = (['mig', 'cmg'] as const).filter((n) => m.sources[n].error + m.sources[n].timeout > 0);
  if (scenesFailed.length)
    lines.push(
      `  scene reads failed: ${scenesFailed.map((n) => `${n} ${m.sources[n].error} error, ${m.sources[n].timeout} timeout`).join('; ')}; ${m.kept - m.lost} artists kept their memberships${m.lost ? `, ${m.lost} placed in no scene (nothing earlier to keep)` : ''}`,
    );
  for (const w of s.warnings) lines.push(`  warning: ${oneLine(w)}`);
  return lines;
}

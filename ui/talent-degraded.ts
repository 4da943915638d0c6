/**
 * @module ui/talent-degraded
 * What a Talent Radar result's `meta` says about its sources, as banner lines that name them.
 */
import type { ResultMeta } from '../src/talent/schemas.js';
import { num, sourceLabel, when } from './words.js';

/**
 * The banner lines of `meta`: its notes (which name the failing sources and the stale records),
 * else lines made from the failed reads and stale counts.
 */
export function metaLines(meta: ResultMeta): string[] {
  if (meta.degraded.length > 0) return [...meta.degraded];
  const lines: string[] = [];
  for (const [source, count] of Object.entries(meta.failedReads)) {
    if (count)
      lines.push(
        `${sourceLabel(source)}: reads failed for ${num(count)} artist${count === 1 ? '' : 's'} in the last refresh`,
      );
  }
  if (meta.stale.records > 0)
    lines.push(
      `${num(meta.stale.records)} artist record${meta.stale.records === 1 ? ' is' : 's are'} kept from an earlier refresh (oldest ${when(meta.stale.oldestAsOf)})`,
    );
  return lines;
}

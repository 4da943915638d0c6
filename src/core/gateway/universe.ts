/**
 * @module core/gateway/universe
 * Walks the artist universe from MIG, page by page, through the gateway: both engines need it.
 */
import type { z } from 'zod';
import { ArtistPageSchema as PageSchema, type ArtistRecord } from '../../contracts/payloads.js';
import type { Deadline } from './deadline.js';
import type { SourceGateway } from './gateway.js';
import type { ItemOutcome } from './outcome.js';

/** Most pages walked before the walk counts as failed (10 million artists at the default page size). */
const MAX_PAGES = 2_000;

/** The universe as of an instant, or how walking it failed (`ok` only when every page came back). */
export interface UniverseWalk {
  /** Every artist known at the instant (empty unless `status` is `ok`). */
  readonly artists: ArtistRecord[];
  /** How the walk went. */
  readonly status: 'ok' | 'timeout' | 'error' | 'absent';
  /** Why the walk failed (client-safe), when `status` is not `ok`. */
  readonly reason?: string;
}

/**
 * Walks the MIG universe as of `asOf`: every artist, or how the walk failed.
 * @example
 * ```ts
 * const { artists, status } = await listUniverse(gateway, new Date(), createDeadline(60_000));
 * ```
 */
export async function listUniverse(
  gateway: SourceGateway,
  asOf: Date,
  deadline: Deadline,
  pageSize = 5_000,
): Promise<UniverseWalk> {
  const out: ArtistRecord[] = [];
  /** Where each artist listed so far stands in `out`. */
  const at = new Map<string, number>();
  let cursor: string | null = null;
  // A source whose cursor never ends (or comes back) must not loop forever.
  const seen = new Set<string>();
  do {
    if (cursor !== null) {
      if (seen.has(cursor) || seen.size >= MAX_PAGES)
        return {
          artists: [],
          status: 'error',
          reason: seen.has(cursor)
            ? `MIG listArtists returned cursor ${JSON.stringify(cursor.slice(0, 64))} twice`
            : `MIG listArtists gave more than ${MAX_PAGES} pages`,
        };
      seen.add(cursor);
    }
    const from: string | null = cursor;
    const page: ItemOutcome<z.infer<typeof PageSchema>> = await gateway.call(
      'mig',
      'listArtists',
      PageSchema,
      (mig, o) => mig.listArtists({ cursor: from, limit: pageSize }, o),
      { asOf, deadline },
    );
    if (page.status === 'timeout')
      return { artists: [], status: 'timeout', reason: `MIG listArtists timed out (${page.reason})` };
    if (page.status === 'absent') return { artists: [], status: 'absent', reason: 'no MIG source is configured' };
    if (page.status !== 'ok')
      return {
        artists: [],
        status: 'error',
        reason:
          page.status === 'error'
            ? `MIG listArtists failed (${page.reason}): ${page.message}`
            : 'MIG listArtists answered without a page',
      };
    // One at a time: spreading a large page into push() overflows the call stack. An artist
    // listed twice (in one page or across pages) is walked once, with one record whatever the
    // order of listing: of two that differ (the record changed while the pages were read), the
    // first in a fixed order of their content.
    for (const item of page.value.items) {
      const i = at.get(item.slug);
      if (i === undefined) {
        at.set(item.slug, out.length);
        out.push(item);
      } else if (out[i] !== item && JSON.stringify(item) < JSON.stringify(out[i])) out[i] = item;
    }
    cursor = page.value.nextCursor;
  } while (cursor !== null);
  return { artists: out, status: 'ok' };
}

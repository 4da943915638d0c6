/**
 * @module core/gateway/universe
 * Walks the artist universe from MIG, page by page, through the gateway: both engines need it.
 */
import { z } from 'zod';
import { ArtistRecordSchema, type ArtistRecord } from '../../contracts/payloads.js';
import type { Deadline } from './deadline.js';
import type { SourceGateway } from './gateway.js';
import type { ItemOutcome } from './outcome.js';

/** Most pages walked before the walk counts as failed (10 million artists at the default page size). */
const MAX_PAGES = 2_000;

const PageSchema = z.object({ items: z.array(ArtistRecordSchema), nextCursor: z.string().nullable() });

/** The universe as of an instant, or how walking it failed (`ok` only when every page came back). */
export interface UniverseWalk {
  /** Every artist known at the instant (empty unless `status` is `ok`). */
  readonly artists: ArtistRecord[];
  /** How the walk went. */
  readonly status: 'ok' | 'timeout' | 'error' | 'absent';
}

/**
 * Walks the MIG universe as of `asOf`: every artist, or how the walk failed.
 * @example
 * ```ts
 * const { artists, status } = await listUniverse(gateway, new Date(), createDeadline(60_000));
 * ```
 */
export async function listUniverse(gateway: SourceGateway, asOf: Date, deadline: Deadline, pageSize = 5_000): Promise<UniverseWalk> {
  const out: ArtistRecord[] = [];
  let cursor: string | null = null;
  // A source whose cursor never ends (or comes back) must not loop forever.
  const seen = new Set<string>();
  do {
    if (cursor !== null) {
      if (seen.has(cursor) || seen.size >= MAX_PAGES) return { artists: [], status: 'error' };
      seen.add(cursor);
    }
    const at: string | null = cursor;
    const page: ItemOutcome<z.infer<typeof PageSchema>> = await gateway.call('mig', 'listArtists', PageSchema, (mig, o) => mig.listArtists({ cursor: at, limit: pageSize }, o), { asOf, deadline });
    if (page.status !== 'ok') return { artists: [], status: page.status === 'timeout' ? 'timeout' : page.status === 'absent' ? 'absent' : 'error' };
    out.push(...page.value.items);
    cursor = page.value.nextCursor;
  } while (cursor !== null);
  return { artists: out, status: 'ok' };
}

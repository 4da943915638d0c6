/**
 * @module talent/read-outcomes
 * How an artist's reads went, as a refresh and `scoreArtists` keep and report them: the outcomes
 * kept once the payloads are dropped (shared between artists where equal), the failed reads named
 * with their reasons, and host features counted by outcome.
 */
import type { ArtistFeatures, ArtistSignals, SignalRead } from './signals-types.js';

/** What a refresh keeps of an artist's signals once its features are extracted: how each read went. */
export type SignalOutcomes = Pick<ArtistSignals, 'artistSlug' | 'reads' | 'host'>;

/**
 * The `reads` records kept by refreshes, one per combination of statuses (by their keys and
 * statuses, in order), for records in which no read carries a reason: a refresh keeps every
 * artist's outcomes to its end, and ten objects per artist of which nearly all say `ok`,
 * `missing` or `absent` were a good part of what it kept alive through the young generation.
 * Internal to refreshes: never handed to a caller, never changed.
 */
const SHARED_READS = new Map<string, SignalOutcomes['reads']>();
/** The `host` of the kept outcomes when there are no host features (never changed). */
const NO_HOST: SignalOutcomes['host'] = Object.freeze({});

/** A kept `reads` record equal to `reads` (the shared one for its statuses when none has a reason). */
function sharedReads(reads: SignalOutcomes['reads']): SignalOutcomes['reads'] {
  let key = '';
  for (const name in reads) {
    const o = reads[name as SignalRead];
    // A status alone (no reason, nothing else) is shared; anything more is kept as it is.
    for (const field in o) if (field !== 'status') return reads;
    key += `${name}:${o.status};`;
  }
  const known = SHARED_READS.get(key);
  if (known) return known;
  // A handful of combinations in practice; the bound keeps odd sources from growing it.
  if (SHARED_READS.size < 1024) SHARED_READS.set(key, reads);
  return reads;
}

/** An artist's signals without their payloads (the read outcomes shared with other artists' where equal). */
export function outcomesOf(signals: ArtistSignals): SignalOutcomes {
  return {
    artistSlug: signals.artistSlug,
    reads: sharedReads(signals.reads),
    host: Object.keys(signals.host).length === 0 ? NO_HOST : signals.host,
  };
}

/**
 * Per host feature, the artists by outcome (from the artists' features: a sharded finish has them
 * too): every registered feature, and any other the artists carry (a breakout-model term for a
 * feature this radar does not register: an error for every artist).
 */
export function hostFeatureCounts(
  artists: readonly ArtistFeatures[],
  registered: readonly { readonly name: string }[],
): Record<string, Record<'ok' | 'missing' | 'timeout' | 'error', number>> {
  const counts: Record<string, Record<'ok' | 'missing' | 'timeout' | 'error', number>> = {};
  for (const f of registered) counts[f.name] = { ok: 0, missing: 0, timeout: 0, error: 0 };
  for (const a of artists)
    for (const [name, h] of Object.entries(a.host)) {
      // Own keys only: a feature may be named `constructor`, which every object inherits.
      if (!Object.hasOwn(counts, name)) counts[name] = { ok: 0, missing: 0, timeout: 0, error: 0 };
      counts[name]![h.status]++;
    }
  return counts;
}

/** The reads of an artist that failed (error or timeout). */
export function failedReadsOf(signals: SignalOutcomes): SignalRead[] {
  return (Object.keys(signals.reads) as SignalRead[]).filter(
    (r) => signals.reads[r].status === 'timeout' || signals.reads[r].status === 'error',
  );
}

/** `engagement: error (threw: Error: down)`. */
export function describeRead(read: SignalRead, signals: SignalOutcomes): string {
  const o = signals.reads[read];
  return `${read}: ${o.status}${o.reason ? ` (${o.reason})` : ''}`;
}

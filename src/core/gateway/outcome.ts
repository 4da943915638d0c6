/**
 * @module core/gateway/outcome
 * What the gateway says about each requested item: ok, missing (the source does not know it),
 * timeout, error, or absent (the host configured no such source), with provenance.
 */
import type { SourceName } from '../../contracts/sources.js';

/** Where an item came from and how the call went. */
export interface Provenance {
  /** Source slot. */
  readonly source: SourceName;
  /** Method called. */
  readonly method: string;
  /** The as-of instant asked for (ISO). */
  readonly asOf: string;
  /** How long the call that carried this item took, ms (0 when no call was made). */
  readonly durationMs: number;
  /** Keys in the call that carried this item (0 when no call was made). */
  readonly batchSize: number;
}

/** Why an item failed. */
export type ItemErrorReason = 'threw' | 'invalid_payload' | 'aborted';

/** The outcome of one item of a source call. */
export type ItemOutcome<T> =
  | {
      /** The source returned the item and it passed validation. */
      readonly status: 'ok';
      /** The validated item. */
      readonly value: T;
      /** Where the item came from and how the call went. */
      readonly provenance: Provenance;
    }
  | {
      /** The source answered but does not know this key (not an error). */
      readonly status: 'missing';
      /** The call that answered without the key. */
      readonly provenance: Provenance;
    }
  | {
      /** The call did not finish in time. */
      readonly status: 'timeout';
      /** `timeout`: the source's own per-call timeout (`config.sources.<name>.timeoutMs`) passed; `deadline`: the caller's deadline passed (possibly while the call was still queued). */
      readonly reason: 'timeout' | 'deadline';
      /** The call that timed out. */
      readonly provenance: Provenance;
    }
  | {
      /** The call or the item failed. */
      readonly status: 'error';
      /** `threw`: the adapter threw or rejected; `invalid_payload`: the answer (or this item of it) failed validation; `aborted`: the caller aborted or the gateway closed. */
      readonly reason: ItemErrorReason;
      /** Client-safe summary of what went wrong. */
      readonly message: string;
      /** The call that failed. */
      readonly provenance: Provenance;
    }
  | {
      /** The host configured no such source; no call was made. */
      readonly status: 'absent';
      /** Source and method asked for, with `durationMs` and `batchSize` 0. */
      readonly provenance: Provenance;
    };

/** The status of an item outcome. */
export type ItemStatus = ItemOutcome<unknown>['status'];

/** Counts of outcomes by status. */
export type OutcomeCounts = Record<ItemStatus, number>;

/** Counts the outcomes of a batch by status. */
export function countOutcomes(outcomes: Iterable<ItemOutcome<unknown>>): OutcomeCounts {
  const counts: OutcomeCounts = { ok: 0, missing: 0, timeout: 0, error: 0, absent: 0 };
  for (const o of outcomes) counts[o.status]++;
  return counts;
}

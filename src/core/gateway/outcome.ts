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
  | { readonly status: 'ok'; readonly value: T; readonly provenance: Provenance }
  | { readonly status: 'missing'; readonly provenance: Provenance }
  | { readonly status: 'timeout'; readonly reason: 'timeout' | 'deadline'; readonly provenance: Provenance }
  | {
      readonly status: 'error';
      readonly reason: ItemErrorReason;
      /** Client-safe summary of what went wrong. */
      readonly message: string;
      readonly provenance: Provenance;
    }
  | { readonly status: 'absent'; readonly provenance: Provenance };

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

/** The value of an `ok` outcome, or undefined. */
export function valueOf<T>(outcome: ItemOutcome<T> | undefined): T | undefined {
  return outcome?.status === 'ok' ? outcome.value : undefined;
}

/**
 * @module testing/violation
 * The one error the conformance suites throw: what the contract requires, and what the adapter
 * did instead.
 */

const BRAND = Symbol.for('scene-radar.contract-violation');

/** What a {@link ContractViolation} is made of. */
export interface ContractViolationInit {
  /** The contract and member at fault (`mig.getNetworks`, `table scenes`). */
  readonly contract: string;
  /** What the contract requires, phrased to follow "must" (`return an empty map for no keys`). */
  readonly requirement: string;
  /** What happened instead. */
  readonly observed: string;
  /** The adapter's own error, when the adapter threw. */
  readonly cause?: unknown;
}

/**
 * Thrown by a contract case when the adapter under test breaks its contract. The message reads
 * `<contract> must <requirement>, but <observed>` so a failing test explains itself.
 *
 * Use {@link isContractViolation} rather than `instanceof`: the testing entry may be loaded twice
 * (ESM and CJS copies), which would make `instanceof` lie.
 * @example
 * ```ts
 * throw new ContractViolation({ contract: 'rcf.getEvents', requirement: 'return no event dated after asOf', observed: 'event e1 is at 2026-01-02T00:00:00Z' });
 * ```
 */
export class ContractViolation extends Error {
  /** The contract and member at fault. */
  readonly contract: string;
  /** What the contract requires. */
  readonly requirement: string;
  /** What happened instead. */
  readonly observed: string;

  constructor(init: ContractViolationInit) {
    super(
      `${init.contract} must ${init.requirement}, but ${init.observed}`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.name = 'ContractViolation';
    this.contract = init.contract;
    this.requirement = init.requirement;
    this.observed = init.observed;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * Brand check for {@link ContractViolation} that survives duplicated module copies.
 * @example
 * ```ts
 * try { await testCase.run(); } catch (e) { if (isContractViolation(e)) console.log(e.requirement); }
 * ```
 */
export function isContractViolation(value: unknown): value is ContractViolation {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** A short, bounded rendering of a value for a violation message. */
export function show(value: unknown, max = 160): string {
  let text: string;
  try {
    text =
      value instanceof Map ? `Map(${JSON.stringify([...value.entries()])})` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/**
 * @module testing/suite
 * What a conformance suite is (a list of named async cases) and how it reaches a test runner.
 * No runner is imported here: the runner is the user's choice, passed in as `{ describe, it }`.
 */

/** One check of a contract. `run` resolves when the adapter conforms and rejects otherwise. */
export interface ContractCase {
  /** Human-readable name, unique within its suite (`getNetworks: ignores unknown keys`). */
  readonly name: string;
  /** Runs the check; rejects with a {@link ContractViolation} when the contract is broken. */
  run(): Promise<void>;
}

/** The part of a test runner the suites need: vitest, jest, mocha and `node:test` all fit. */
export interface ContractRunner {
  /** Groups tests under a name. */
  readonly describe: (name: string, body: () => void) => unknown;
  /** Declares one async test. */
  readonly it: (name: string, body: () => Promise<void>) => unknown;
}

/**
 * Registers a suite's cases with a test runner: one `describe` named `suiteName`, one `it` per
 * case.
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { migContractSuite, registerContractSuite } from 'scene-radar/testing';
 *
 * registerContractSuite('my MIG adapter', migContractSuite({ create: () => createMyMig(), knownKeys: ['artist-a'], asOf, earlierAsOf, from }), { describe, it });
 * ```
 */
export function registerContractSuite(suiteName: string, cases: readonly ContractCase[], runner: ContractRunner): void {
  runner.describe(suiteName, () => {
    // Arrow wrappers keep `fn.length` at 0, so mocha never mistakes a case for a `done` callback.
    for (const c of cases) runner.it(c.name, () => c.run());
  });
}

/** Prefixes every case name (used to merge suites without name clashes). */
export function prefixCases(prefix: string, cases: readonly ContractCase[]): ContractCase[] {
  return cases.map((c) => ({ name: `${prefix}${c.name}`, run: () => c.run() }));
}

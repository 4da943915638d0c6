/**
 * @module scene-radar/testing
 * Conformance suites for adapter and store authors: one suite per source contract and one for
 * tables and store sets. A suite is a plain list of async cases that throw a
 * {@link ContractViolation} when the contract is broken; {@link registerContractSuite} hands them
 * to whatever runner you use (vitest, jest, mocha, `node:test`). No test runner is imported here.
 */
export { ContractViolation, isContractViolation, type ContractViolationInit } from './violation.js';
export { registerContractSuite, prefixCases, type ContractCase, type ContractRunner } from './suite.js';
export { DEFAULT_UNKNOWN_SLUG, DEFAULT_UNKNOWN_UUID, type SourceSuiteOptions } from './source-kit.js';
export { migContractSuite } from './mig-suite.js';
export { cmgContractSuite } from './cmg-suite.js';
export { fusionContractSuite } from './fusion-suite.js';
export { coverageContractSuite } from './coverage-suite.js';
export { rcfContractSuite } from './rcf-suite.js';
export { identityKernelContractSuite } from './identity-kernel-suite.js';
export { scenesAdapterContractSuite, type ScenesSuiteOptions } from './scenes-suite.js';
export { workspaceSourceContractSuite } from './workspace-suite.js';
export { tableContractSuite, type TableSuiteOptions } from './table-suite.js';
export { storesContractSuite, type StoresSuiteOptions } from './stores-suite.js';
export {
  OWNED_TABLE_NAMES,
  STAGING_TABLE_NAMES,
  sampleRowsFor,
  type OwnedTableName,
  type OwnedTableRows,
} from './sample-rows.js';

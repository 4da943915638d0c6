/**
 * @module testing/workspace-suite
 * Conformance suite for the host's {@link WorkspaceSource}. Workspaces are not dated, so the
 * as-of and monotonicity checks do not apply.
 */
import { BATCH_METHODS } from '../contracts/registry.js';
import type { WorkspaceSource } from '../contracts/sources.js';
import { batchMethodCases } from './batch-cases.js';
import { DEFAULT_UNKNOWN_UUID, prepareSource, surfaceCase, type SourceSuiteOptions } from './source-kit.js';
import type { ContractCase } from './suite.js';

/**
 * Conformance cases for a {@link WorkspaceSource}. `knownKeys` (and `unknownKey`) are workspace
 * UUIDs.
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { registerContractSuite, workspaceSourceContractSuite } from 'scene-radar/testing';
 *
 * registerContractSuite('my workspaces', workspaceSourceContractSuite({ create: () => createMyWorkspaces(), knownKeys: ['4b1c9a9e-0c57-4a39-9a52-6b0fd3f5f0a1'], asOf, earlierAsOf, from }), { describe, it });
 * ```
 */
export function workspaceSourceContractSuite(options: SourceSuiteOptions<WorkspaceSource>): ContractCase[] {
  const { env, knownKeys, unknownKey } = prepareSource('workspaceSourceContractSuite', options, DEFAULT_UNKNOWN_UUID);
  return [
    surfaceCase('workspaces', ['getWorkspaces'], env),
    ...batchMethodCases(
      {
        contract: 'workspaces.getWorkspaces',
        schema: BATCH_METHODS.workspaces.getWorkspaces,
        invoke: (a, keys, o) => a.getWorkspaces(keys, o),
        knownKeys,
        unknownKey,
        rules: [
          {
            requirement: 'return under each id the workspace with that id',
            // A UUID's case carries no meaning: an answer's id may be in either case.
            problem: (key, w) =>
              w.id.toLowerCase() === key.toLowerCase() ? undefined : `the workspace's id is ${w.id}`,
          },
        ],
      },
      env,
    ),
  ];
}

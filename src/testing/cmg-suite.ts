/**
 * @module testing/cmg-suite
 * Conformance suite for {@link CMGAdapter}: release fingerprints as of a time.
 */
import { BATCH_METHODS } from '../contracts/registry.js';
import type { CMGAdapter } from '../contracts/sources.js';
import { dayStart } from '../core/time.js';
import { dayAfter, missingId, notOldestFirst } from './as-of.js';
import { batchMethodCases } from './batch-cases.js';
import { latestOf, prepareSource, surfaceCase, type SourceSuiteOptions } from './source-kit.js';
import type { ContractCase } from './suite.js';

/**
 * Conformance cases for a {@link CMGAdapter}.
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { cmgContractSuite, registerContractSuite } from 'scene-radar/testing';
 *
 * registerContractSuite('my CMG', cmgContractSuite({ create: () => createMyCmg(), knownKeys: ['artist-a'], asOf, earlierAsOf, from }), { describe, it });
 * ```
 */
export function cmgContractSuite(options: SourceSuiteOptions<CMGAdapter>): ContractCase[] {
  const { env, knownKeys, unknownKey } = prepareSource('cmgContractSuite', options);
  return [
    surfaceCase('cmg', ['getReleases'], env),
    ...batchMethodCases(
      {
        contract: 'cmg.getReleases',
        schema: BATCH_METHODS.cmg.getReleases,
        invoke: (a, keys, o) => a.getReleases(keys, o),
        knownKeys,
        unknownKey,
        rules: [
          {
            requirement: 'list releases oldest first',
            problem: (_k, rs) =>
              notOldestFirst(
                rs,
                'release',
                (r) => dayStart(r.releasedAt),
                (r) => r.releaseId,
              ),
          },
        ],
        asOfProblem: (rs, asOf) =>
          dayAfter(
            rs,
            (r) => `release ${r.releaseId}`,
            (r) => r.releasedAt,
            asOf,
          ),
        knownAt: (rs) => latestOf(rs, (r) => dayStart(r.releasedAt)),
        monotoneProblem: (e, l) =>
          missingId(
            'release',
            e.map((r) => r.releaseId),
            l.map((r) => r.releaseId),
          ),
      },
      env,
    ),
  ];
}

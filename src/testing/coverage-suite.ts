/**
 * @module testing/coverage-suite
 * Conformance suite for {@link CoverageAdapter}: press articles as of a time.
 */
import { BATCH_METHODS } from '../contracts/registry.js';
import { observedAtMs } from '../core/time.js';
import type { CoverageAdapter } from '../contracts/sources.js';
import { instantAfter, missingId, notOldestFirst } from './as-of.js';
import { batchMethodCases } from './batch-cases.js';
import { latestOf, prepareSource, surfaceCase, type SourceSuiteOptions } from './source-kit.js';
import type { ContractCase } from './suite.js';

/**
 * Conformance cases for a {@link CoverageAdapter}.
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { coverageContractSuite, registerContractSuite } from 'scene-radar/testing';
 *
 * registerContractSuite('my Coverage', coverageContractSuite({ create: () => createMyCoverage(), knownKeys: ['artist-a'], asOf, earlierAsOf, from }), { describe, it });
 * ```
 */
export function coverageContractSuite(options: SourceSuiteOptions<CoverageAdapter>): ContractCase[] {
  const { env, knownKeys, unknownKey } = prepareSource('coverageContractSuite', options);
  return [
    surfaceCase('coverage', ['getArticles'], env),
    ...batchMethodCases(
      {
        contract: 'coverage.getArticles',
        schema: BATCH_METHODS.coverage.getArticles,
        invoke: (a, keys, o) => a.getArticles(keys, o),
        knownKeys,
        unknownKey,
        rules: [
          {
            requirement: 'list articles oldest first',
            problem: (_k, as) =>
              notOldestFirst(
                as,
                'article',
                (a) => Date.parse(a.publishedAt),
                (a) => a.id,
              ),
          },
        ],
        asOfProblem: (as, asOf) =>
          instantAfter(
            as,
            (a) => `article ${a.id}`,
            (a) => a.publishedAt,
            asOf,
          ),
        knownAt: (as) => latestOf(as, (a) => observedAtMs(a.publishedAt)),
        monotoneProblem: (e, l) =>
          missingId(
            'article',
            e.map((a) => a.id),
            l.map((a) => a.id),
          ),
      },
      env,
    ),
  ];
}

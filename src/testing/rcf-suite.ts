/**
 * @module testing/rcf-suite
 * Conformance suite for {@link RCFAdapter}: real-time events as of a time.
 */
import { BATCH_METHODS } from '../contracts/registry.js';
import { observedAtMs } from '../core/time.js';
import type { RCFAdapter } from '../contracts/sources.js';
import { instantAfter, missingId, notOldestFirst } from './as-of.js';
import { batchMethodCases } from './batch-cases.js';
import { latestOf, prepareSource, surfaceCase, type SourceSuiteOptions } from './source-kit.js';
import type { ContractCase } from './suite.js';

/**
 * Conformance cases for an {@link RCFAdapter}.
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { rcfContractSuite, registerContractSuite } from 'scene-radar/testing';
 *
 * registerContractSuite('my RCF', rcfContractSuite({ create: () => createMyRcf(), knownKeys: ['artist-a'], asOf, earlierAsOf, from }), { describe, it });
 * ```
 */
export function rcfContractSuite(options: SourceSuiteOptions<RCFAdapter>): ContractCase[] {
  const { env, knownKeys, unknownKey } = prepareSource('rcfContractSuite', options);
  return [
    surfaceCase('rcf', ['getEvents'], env),
    ...batchMethodCases(
      {
        contract: 'rcf.getEvents',
        schema: BATCH_METHODS.rcf.getEvents,
        invoke: (a, keys, o) => a.getEvents(keys, o),
        knownKeys,
        unknownKey,
        rules: [
          {
            requirement: 'list events oldest first',
            problem: (_k, es) =>
              notOldestFirst(
                es,
                'event',
                (e) => Date.parse(e.at),
                (e) => e.id,
              ),
          },
        ],
        asOfProblem: (es, asOf) =>
          instantAfter(
            es,
            (e) => `event ${e.id}`,
            (e) => e.at,
            asOf,
          ),
        knownAt: (es) => latestOf(es, (e) => observedAtMs(e.at)),
        monotoneProblem: (e, l) =>
          missingId(
            'event',
            e.map((x) => x.id),
            l.map((x) => x.id),
          ),
      },
      env,
    ),
  ];
}

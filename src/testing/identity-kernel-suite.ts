/**
 * @module testing/identity-kernel-suite
 * Conformance suite for {@link IdentityKernelAdapter}: daily identity coherence as of a time.
 */
import { BATCH_METHODS } from '../contracts/registry.js';
import type { IdentityKernelAdapter } from '../contracts/sources.js';
import { seriesChanged, seriesKnownAt, seriesPastAsOf } from './as-of.js';
import { batchMethodCases } from './batch-cases.js';
import { prepareSource, surfaceCase, type SourceSuiteOptions } from './source-kit.js';
import type { ContractCase } from './suite.js';

/**
 * Conformance cases for an {@link IdentityKernelAdapter}.
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { identityKernelContractSuite, registerContractSuite } from 'scene-radar/testing';
 *
 * registerContractSuite('my IdentityKernel', identityKernelContractSuite({ create: () => createMyKernel(), knownKeys: ['artist-a'], asOf, earlierAsOf, from }), { describe, it });
 * ```
 */
export function identityKernelContractSuite(options: SourceSuiteOptions<IdentityKernelAdapter>): ContractCase[] {
  const { env, knownKeys, unknownKey } = prepareSource('identityKernelContractSuite', options);
  return [
    surfaceCase('identityKernel', ['getCoherence'], env),
    ...batchMethodCases(
      {
        contract: 'identityKernel.getCoherence',
        schema: BATCH_METHODS.identityKernel.getCoherence,
        invoke: (a, keys, o) => a.getCoherence(keys, o),
        knownKeys,
        unknownKey,
        asOfProblem: (s, asOf) => seriesPastAsOf('the coherence series', s.start, s.values.length, asOf),
        knownAt: (s) => seriesKnownAt(s.start, s.values.length),
        monotoneProblem: (e, l, from) => seriesChanged('coherence', e, l, from),
      },
      env,
    ),
  ];
}

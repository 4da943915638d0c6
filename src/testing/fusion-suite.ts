/**
 * @module testing/fusion-suite
 * Conformance suite for {@link FusionAdapter}: campaigns and daily engagement as of a time.
 */
import { BATCH_METHODS } from '../contracts/registry.js';
import type { FusionAdapter } from '../contracts/sources.js';
import { DAY_MS, dayStart } from '../core/time.js';
import {
  dayAfter,
  dayNotOver,
  firstProblem,
  missingId,
  notOldestFirst,
  seriesChanged,
  seriesKnownAt,
  seriesPastAsOf,
} from './as-of.js';
import { batchMethodCases } from './batch-cases.js';
import { latestOf, prepareSource, surfaceCase, type SourceSuiteOptions } from './source-kit.js';
import type { ContractCase } from './suite.js';

/**
 * Conformance cases for a {@link FusionAdapter}.
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { fusionContractSuite, registerContractSuite } from 'scene-radar/testing';
 *
 * registerContractSuite('my Fusion', fusionContractSuite({ create: () => createMyFusion(), knownKeys: ['artist-a'], asOf, earlierAsOf, from }), { describe, it });
 * ```
 */
export function fusionContractSuite(options: SourceSuiteOptions<FusionAdapter>): ContractCase[] {
  const { env, knownKeys, unknownKey } = prepareSource('fusionContractSuite', options);
  return [
    surfaceCase('fusion', ['getCampaigns', 'getEngagement'], env),
    ...batchMethodCases(
      {
        contract: 'fusion.getCampaigns',
        schema: BATCH_METHODS.fusion.getCampaigns,
        invoke: (a, keys, o) => a.getCampaigns(keys, o),
        knownKeys,
        unknownKey,
        rules: [
          {
            requirement: 'list campaigns oldest first',
            problem: (_k, cs) =>
              notOldestFirst(
                cs,
                'campaign',
                (c) => dayStart(c.start),
                (c) => c.id,
              ),
          },
        ],
        asOfProblem: (cs, asOf) =>
          firstProblem(
            dayAfter(
              cs,
              (c) => `campaign ${c.id} (start)`,
              (c) => c.start,
              asOf,
            ),
            // `end` is null while the campaign runs: an end day not over at asOf is not known yet.
            dayNotOver(
              cs,
              (c) => `campaign ${c.id} (end)`,
              (c) => c.end,
              asOf,
            ),
          ),
        knownAt: (cs) =>
          latestOf(cs, (c) =>
            c.end === null ? dayStart(c.start) : Math.max(dayStart(c.start), dayStart(c.end) + DAY_MS),
          ),
        monotoneProblem: (e, l) =>
          missingId(
            'campaign',
            e.map((c) => c.id),
            l.map((c) => c.id),
          ),
      },
      env,
    ),
    ...batchMethodCases(
      {
        contract: 'fusion.getEngagement',
        schema: BATCH_METHODS.fusion.getEngagement,
        invoke: (a, keys, o) => a.getEngagement(keys, o),
        knownKeys,
        unknownKey,
        asOfProblem: (s, asOf) => seriesPastAsOf('the engagement series', s.start, s.organic.length, asOf),
        knownAt: (s) => seriesKnownAt(s.start, s.organic.length),
        monotoneProblem: (e, l, from) =>
          firstProblem(
            seriesChanged(
              'organic engagement',
              { start: e.start, values: e.organic },
              { start: l.start, values: l.organic },
              from,
            ),
            seriesChanged(
              'paid engagement',
              { start: e.start, values: e.paid },
              { start: l.start, values: l.paid },
              from,
            ),
          ),
      },
      env,
    ),
  ];
}

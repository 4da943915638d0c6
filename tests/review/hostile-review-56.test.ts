/**
 * Hostile review 56: the tabular import adapter (adapters/tabular: map, aggregation, as of) and the
 * slug helpers, held to docs/adapters.md ("Aggregation": "`options.aggregate` picks the rule per
 * table; give only those you want to change") and the TSDoc of `TabularSourcesOptions.aggregate`
 * and `TabularAggregation` (each rule `@default`s: engagement 'max', coherence 'mean',
 * events / articles 'last').
 *
 * An option left `undefined` is an option not given: `checkOptions` itself lets
 * `aggregate: { <table>: undefined }` through (it checks a rule only when `rule !== undefined`),
 * and with `exactOptionalPropertyTypes: false` (tsconfig.json) it type-checks. A host spreading
 * its own settings (`aggregate: { engagement: settings.engagementRule }`) passes one whenever the
 * setting is unset. `createTableFold` spreads the host's object over the defaults, so the
 * `undefined` replaces the default rule and every combined group is then folded by no rule at all.
 *
 * Every test here fails on the code as reviewed, because of the fault its name states; each
 * expectation is the documented default behaviour.
 */
import { describe, expect, it } from 'vitest';
import { createTabularSources } from '../../adapters/tabular/index.js';

const signal = new AbortController().signal;
const read = { asOf: new Date('2025-03-05T00:00:00Z'), from: new Date('2025-01-01T00:00:00Z'), signal };

describe('hostile review 56: tabular aggregation rules left undefined', () => {
  it('aggregate: { coherence: undefined } combines a repeated day with the default mean, not into a blank day', async () => {
    // Two deliveries of one coherence day (0.4 and 0.6): the default rule 'mean' gives 0.5.
    // As reviewed the day is served as null (result() of an undefined rule is undefined, which
    // densify turns into null): the artist's coherence is silently lost, with combined: 1 and no
    // rejection in the report.
    const { sources, report } = createTabularSources(
      {
        coherence: [
          { artist: 'nova', day: '2025-03-01', value: 0.4 },
          { artist: 'nova', day: '2025-03-01', value: 0.6 },
        ],
      },
      { aggregate: { coherence: undefined } },
    );
    expect(report.tables.coherence).toMatchObject({ accepted: 1, combined: 1, rejected: 0 });
    const series = (await sources.identityKernel!.getCoherence(['nova'], read)).get('nova');
    expect(series).toEqual({ start: '2025-03-01', values: [0.5] });
  });

  it("aggregate: { events: undefined } keeps the later delivery of an event id (the default 'last'), not the first", async () => {
    // The same event id delivered twice, the second a correction (weight 9): the default rule
    // 'last' keeps the correction. As reviewed `fold.keep` is undefined, so neither branch of
    // 'last' runs and the first delivery (weight 1) is served: the rule silently became 'first'.
    const { sources } = createTabularSources(
      {
        events: [
          { artist: 'nova', id: 'x', type: 'radio_play', at: '2025-03-01T10:00:00Z', weight: 1, region: 'uk' },
          { artist: 'nova', id: 'x', type: 'radio_play', at: '2025-03-01T10:00:00Z', weight: 9, region: 'uk' },
        ],
      },
      { aggregate: { events: undefined } },
    );
    const events = (await sources.rcf!.getEvents(['nova'], read)).get('nova') ?? [];
    expect(events.map((e) => [e.id, e.weight])).toEqual([['x', 9]]);
  });

  it("aggregate: { engagement: undefined } folds a repeated day by the default 'max' instead of rejecting it as over the ceiling", () => {
    // A day delivered twice (organic 10 then 12, paid 1 then 2): the default 'max' gives 12 / 2.
    // As reviewed the combined value is undefined, `finite()` takes it for a sum past the ceiling,
    // and the import throws CONFIG_INVALID "the organic of the 2 rows for this key add up to more
    // than payloads.maxDailyEngagement (10000000000)" for values of 10 and 12 (under 'skip' the day
    // is dropped and the artist's engagement is empty).
    const build = () =>
      createTabularSources(
        {
          engagement: [
            { artist: 'nova', day: '2025-03-01', organic: 10, paid: 1 },
            { artist: 'nova', day: '2025-03-01', organic: 12, paid: 2 },
          ],
        },
        { aggregate: { engagement: undefined } },
      );
    expect(build).not.toThrow();
    const { dataset, report } = build();
    expect(report.tables.engagement).toMatchObject({ accepted: 1, combined: 1, rejected: 0 });
    expect(dataset.artistHistory('nova')?.engagement).toEqual({ start: '2025-03-01', organic: [12], paid: [2] });
  });
});

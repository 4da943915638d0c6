/** The tabular row types are the payload types, not `any`: a map's typos fail to compile. */
import { expectTypeOf, test } from 'vitest';
import type { RcfEventType } from 'scene-radar';
import type { CampaignChannelSchema } from 'scene-radar/schemas';
import type { z } from 'zod';
import type {
  TabularAggregation,
  TabularImportOptions,
  TabularMapResult,
  TabularRowInput,
  TabularRowMap,
  TabularRowOf,
  TabularStreamSpec,
} from 'scene-radar/adapters/tabular';

test('canonical rows have the payload types', () => {
  expectTypeOf<TabularRowOf<'events'>>().toEqualTypeOf<{
    artist: string;
    id: string | null;
    type: RcfEventType;
    at: string;
    weight: number;
    region: string | null;
  }>();
  expectTypeOf<TabularRowOf<'campaigns'>['channel']>().toEqualTypeOf<z.infer<typeof CampaignChannelSchema>>();
  expectTypeOf<TabularRowOf<'releases'>['vector']>().toEqualTypeOf<number[]>();
  expectTypeOf<TabularRowOf<'engagement'>['organic']>().toEqualTypeOf<number | null>();
});

test('a map returns the canonical columns, as strings or typed values', () => {
  expectTypeOf<TabularRowInput<'events'>['weight']>().toEqualTypeOf<string | number>();
  const ok: TabularRowMap<'events'> = (row) => ({
    artist: String(row.a),
    type: 'radio_play',
    at: new Date(),
    weight: 1,
    region: null,
  });
  // @ts-expect-error `when` is not a column of events
  const typo: TabularRowMap<'events'> = (row) => ({
    artist: String(row.a),
    type: 'radio_play',
    when: '2025-01-01',
    weight: 1,
  });
  expectTypeOf(ok).toBeFunction();
  expectTypeOf(typo).toBeFunction();
});

test('a map returns null, one row, or an array of rows, each checked against the table', () => {
  const split: TabularRowMap<'events'> = (row) =>
    String(row.credit)
      .split(' & ')
      .map((name) => ({ artist: name, type: 'chart_entry', at: String(row.week), weight: 1, region: null }));
  const none: TabularRowMap<'collaborators'> = () => [];
  const pairs: TabularRowMap<'collaborators'> = (row) => [
    { artist_a: String(row.a), artist_b: String(row.b), weight: 1, since: new Date() },
  ];
  const typo: TabularRowMap<'events'> = (row) => [
    // @ts-expect-error `when` is not a column of events, in an array as in a single row
    { artist: String(row.a), type: 'radio_play', when: '2025-01-01', weight: 1 },
  ];
  const badType: TabularRowMap<'events'> = () => [
    // @ts-expect-error an artist is text (a slug), not a number
    { artist: 1, type: 'radio_play', at: '2025-01-01', weight: 1, region: null },
  ];
  expectTypeOf<ReturnType<TabularRowMap<'events'>>>().toEqualTypeOf<TabularMapResult<'events'>>();
  expectTypeOf<TabularMapResult<'events'>>().toEqualTypeOf<
    TabularRowInput<'events'> | readonly TabularRowInput<'events'>[] | null
  >();
  for (const f of [split, typo, badType]) expectTypeOf(f).toBeFunction();
  expectTypeOf(none).toBeFunction();
  expectTypeOf(pairs).toBeFunction();
});

test('aggregation options name each table and the combiners it takes', () => {
  expectTypeOf<TabularAggregation['engagement']>().toEqualTypeOf<'sum' | 'max' | 'mean' | 'last' | undefined>();
  expectTypeOf<TabularAggregation['coherence']>().toEqualTypeOf<'max' | 'mean' | 'last' | undefined>();
  expectTypeOf<TabularAggregation['collaborators']>().toEqualTypeOf<'sum' | 'max' | undefined>();
  expectTypeOf<TabularAggregation['events']>().toEqualTypeOf<'first' | 'last' | undefined>();
  // @ts-expect-error coherence is a 0-1 score: no sum
  const noSum: TabularAggregation = { coherence: 'sum' };
  // @ts-expect-error releases are not aggregated
  const noReleases: TabularAggregation = { releases: 'max' };
  expectTypeOf(noSum).toEqualTypeOf<TabularAggregation>();
  expectTypeOf(noReleases).toEqualTypeOf<TabularAggregation>();
});

test('the artists table has an optional, nullable debut day', () => {
  expectTypeOf<TabularRowOf<'artists'>['debut']>().toEqualTypeOf<string | null>();
  expectTypeOf<TabularRowInput<'artists'>['debut']>().toEqualTypeOf<string | Date | null | undefined>();
});

test('an import takes an optional AbortSignal, and a stream spec takes bytes, not a path', () => {
  expectTypeOf<TabularImportOptions['signal']>().toEqualTypeOf<AbortSignal | undefined>();
  // @ts-expect-error: a path is no stream (createTabularSourcesFromFiles reads paths)
  const path: TabularStreamSpec = { input: 'events.csv', format: 'csv' };
  expectTypeOf(path).toEqualTypeOf<TabularStreamSpec>();
});

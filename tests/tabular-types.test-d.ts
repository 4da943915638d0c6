/** The tabular row types are the payload types, not `any`: a map's typos fail to compile. */
import { expectTypeOf, test } from 'vitest';
import type { CampaignChannelSchema, RcfEventType } from 'scene-radar';
import type { z } from 'zod';
import type { TabularRowInput, TabularRowMap, TabularRowOf } from 'scene-radar/adapters/tabular';

test('canonical rows have the payload types', () => {
  expectTypeOf<TabularRowOf<'events'>>().toEqualTypeOf<{ artist: string; id: string | null; type: RcfEventType; at: string; weight: number; region: string | null }>();
  expectTypeOf<TabularRowOf<'campaigns'>['channel']>().toEqualTypeOf<z.infer<typeof CampaignChannelSchema>>();
  expectTypeOf<TabularRowOf<'releases'>['vector']>().toEqualTypeOf<number[]>();
  expectTypeOf<TabularRowOf<'engagement'>['organic']>().toEqualTypeOf<number | null>();
});

test('a map returns the canonical columns, as strings or typed values', () => {
  expectTypeOf<TabularRowInput<'events'>['weight']>().toEqualTypeOf<string | number>();
  const ok: TabularRowMap<'events'> = (row) => ({ artist: String(row.a), type: 'radio_play', at: new Date(), weight: 1, region: null });
  // @ts-expect-error `when` is not a column of events
  const typo: TabularRowMap<'events'> = (row) => ({ artist: String(row.a), type: 'radio_play', when: '2025-01-01', weight: 1 });
  expectTypeOf(ok).toBeFunction();
  expectTypeOf(typo).toBeFunction();
});

/**
 * The tabular aggregation step: rows that share a key (an artist and day, a pair, an artist's
 * event or article id) become one row, by default without ever adding up a repeated delivery.
 */
import { describe, expect, it } from 'vitest';
import {
  createTabularSources,
  DEFAULT_AGGREGATION,
  parseCsv,
  type TabularAggregation,
} from 'scene-radar/adapters/tabular';
import { failure } from './tabular-fixture.js';

const opts = {
  asOf: new Date('2026-01-01T00:00:00Z'),
  from: new Date('2025-01-01T00:00:00Z'),
  signal: new AbortController().signal,
};

const csv = (lines: readonly string[]): ReturnType<typeof parseCsv> => parseCsv(`${lines.join('\n')}\n`);

/** Engagement for one artist over three days; the same delivery twice, and a day split per track. */
const ENGAGEMENT = [
  'artist,day,organic,paid',
  'nova-static,2025-03-01,100,10',
  'nova-static,2025-03-02,120,',
  'nova-static,2025-03-03,,5',
];
const TWICE = csv([...ENGAGEMENT, ...ENGAGEMENT.slice(1)]);
const PER_TRACK = csv([
  'artist,day,organic,paid',
  'nova-static,2025-03-01,100,10',
  'nova-static,2025-03-01,30,',
  'nova-static,2025-03-01,50,2',
  'nova-static,2025-03-02,,',
]);

async function engagement(tables: { engagement: ReturnType<typeof parseCsv> }, aggregate?: TabularAggregation) {
  const built = createTabularSources(tables, aggregate ? { aggregate } : {});
  return {
    report: built.report.tables.engagement!,
    series: (await built.sources.fusion!.getEngagement(['nova-static'], opts)).get('nova-static'),
  };
}

describe('aggregate: daily tables', () => {
  it('counts a repeated delivery once by default (max per artist and day)', async () => {
    const once = await engagement({ engagement: csv(ENGAGEMENT) });
    const twice = await engagement({ engagement: TWICE });
    expect(twice.series).toEqual(once.series);
    expect(twice.series).toEqual({ start: '2025-03-01', organic: [100, 120, null], paid: [10, null, 5] });
    expect(twice.report).toMatchObject({ read: 6, mapped: 6, accepted: 3, combined: 3, rejected: 0 });
  });

  it("combines a day split across rows with the host's combiner, blanks never counting", async () => {
    expect((await engagement({ engagement: PER_TRACK })).series?.organic).toEqual([100, null]);
    expect((await engagement({ engagement: PER_TRACK }, { engagement: 'sum' })).series).toEqual({
      start: '2025-03-01',
      organic: [180, null],
      paid: [12, null],
    });
    expect((await engagement({ engagement: PER_TRACK }, { engagement: 'mean' })).series).toEqual({
      start: '2025-03-01',
      organic: [60, null],
      paid: [6, null],
    });
    expect((await engagement({ engagement: PER_TRACK }, { engagement: 'last' })).series).toEqual({
      start: '2025-03-01',
      organic: [50, null],
      paid: [2, null],
    });
    expect((await engagement({ engagement: PER_TRACK }, { engagement: 'sum' })).report).toMatchObject({
      read: 4,
      accepted: 2,
      combined: 2,
    });
  });

  it('averages coherence by default and takes another combiner when asked', async () => {
    const coherence = csv([
      'artist,day,value',
      'nova-static,2025-03-01,0.5',
      'nova-static,2025-03-01,0.7',
      'nova-static,2025-03-01,',
    ]);
    const read = async (aggregate?: TabularAggregation) =>
      (
        await createTabularSources({ coherence }, aggregate ? { aggregate } : {}).sources.identityKernel!.getCoherence(
          ['nova-static'],
          opts,
        )
      ).get('nova-static')?.values;
    expect((await read())?.[0]).toBeCloseTo(0.6, 12);
    expect(await read({ coherence: 'max' })).toEqual([0.7]);
    expect(await read({ coherence: 'last' })).toEqual([0.7]);
  });

  it("rejects a group whose sum is past the gateway's ceiling (payloads.maxDailyEngagement) instead of serving an invalid series", () => {
    const huge = csv([
      'artist,day,organic,paid',
      'nova-static,2025-03-01,6e9,',
      'nova-static,2025-03-01,6e9,',
      'nova-static,2025-03-02,1,',
    ]);
    const { report } = createTabularSources(
      { engagement: huge },
      { aggregate: { engagement: 'sum' }, onInvalidRow: 'skip' },
    );
    expect(report.tables.engagement).toMatchObject({
      read: 3,
      accepted: 1,
      combined: 1,
      rejected: 1,
      rejections: [{ line: 2, column: 'organic' }],
    });
  });
});

describe('aggregate: collaborators, events and articles', () => {
  const collaborators = csv([
    'artist_a,artist_b,weight,since',
    'nova-static,pale-harbour,2,2025-05-01T00:00:00Z',
    'pale-harbour,nova-static,3,2025-02-01',
    'nova-static,pale-harbour,2,2025-05-01T00:00:00Z',
    'nova-static,glass-orchard,1,2025-04-01',
  ]);

  it('makes one link per pair in either order: earliest since, largest weight by default or the total', async () => {
    const links = async (aggregate?: TabularAggregation) => {
      const built = createTabularSources({ collaborators }, aggregate ? { aggregate } : {});
      return {
        report: built.report.tables.collaborators,
        nets: await built.sources.mig!.getNetworks(['nova-static', 'pale-harbour'], opts),
      };
    };
    const byDefault = await links();
    // A link per distinct since (2 pairs, 3 steps); read after every step, one link per partner.
    expect(byDefault.report).toMatchObject({ read: 4, accepted: 3, combined: 1 });
    expect(byDefault.nets.get('nova-static')?.collaborators).toEqual([
      { artist: 'pale-harbour', weight: 3, since: '2025-02-02T00:00:00.000Z' },
      { artist: 'glass-orchard', weight: 1, since: '2025-04-02T00:00:00.000Z' },
    ]);
    expect(byDefault.nets.get('pale-harbour')?.collaborators).toEqual([
      { artist: 'nova-static', weight: 3, since: '2025-02-02T00:00:00.000Z' },
    ]);
    expect((await links({ collaborators: 'sum' })).nets.get('pale-harbour')?.collaborators).toEqual([
      { artist: 'nova-static', weight: 7, since: '2025-02-02T00:00:00.000Z' },
    ]);
  });

  it("collapses an artist's events and articles that repeat an id, keeping the last (or the first) row", async () => {
    const events = csv([
      'artist,id,type,at,weight,region',
      'nova-static,ev-1,radio_play,2025-03-01T10:00:00Z,5,uk',
      'nova-static,ev-1,radio_play,2025-03-01T10:00:00Z,7,uk',
      'pale-harbour,ev-1,radio_play,2025-03-01T10:00:00Z,5,uk',
      'nova-static,,radio_play,2025-03-01T10:00:00Z,5,uk',
      'nova-static,,radio_play,2025-03-01T10:00:00Z,5,uk',
    ]);
    const articles = csv([
      'artist,id,published_at,outlet,outlet_quality,title',
      'nova-static,a-1,2025-03-01,the-wire,0.8,First',
      'nova-static,a-1,2025-03-01,the-wire,0.8,Corrected',
    ]);
    const read = async (aggregate?: TabularAggregation) => {
      const built = createTabularSources({ events, articles }, aggregate ? { aggregate } : {});
      return {
        report: built.report.tables,
        events: await built.sources.rcf!.getEvents(['nova-static', 'pale-harbour'], opts),
        articles: await built.sources.coverage!.getArticles(['nova-static'], opts),
      };
    };
    const last = await read();
    // The same id on another artist is another event; rows without an id never combine.
    expect(last.events.get('nova-static')?.map((e) => [e.id, e.weight])).toEqual([
      ['ev-1', 7],
      ['nova-static-e1', 5],
      ['nova-static-e2', 5],
    ]);
    expect(last.events.get('pale-harbour')).toHaveLength(1);
    expect(last.articles.get('nova-static')?.map((a) => a.title)).toEqual(['Corrected']);
    expect(last.report.events).toMatchObject({ read: 5, accepted: 4, combined: 1 });
    const first = await read({ events: 'first', articles: 'first' });
    expect(first.events.get('nova-static')?.[0]?.weight).toBe(5);
    expect(first.articles.get('nova-static')?.map((a) => a.title)).toEqual(['First']);
  });

  it('keeps the counts adding up: mapped = accepted + rejected + combined', () => {
    const { report } = createTabularSources(
      {
        engagement: TWICE,
        collaborators,
        events: csv([
          'artist,id,type,at,weight,region',
          'nova-static,x,radio_play,2025-03-01,1,',
          'nova-static,x,radio_play,2025-03-01,1,',
          'nova-static,y,tweet,2025-03-01,1,',
        ]),
      },
      { onInvalidRow: 'skip' },
    );
    for (const t of Object.values(report.tables)) expect(t.mapped).toBe(t.accepted + t.rejected + t.combined);
    expect(report.tables.events).toMatchObject({ mapped: 3, accepted: 1, rejected: 1, combined: 1 });
  });
});

describe('aggregate options', () => {
  it('defaults never add rows up', () => {
    expect(DEFAULT_AGGREGATION).toEqual({
      engagement: 'max',
      coherence: 'mean',
      collaborators: 'max',
      events: 'last',
      articles: 'last',
    });
  });

  it('rejects a table without a rule and a rule the table does not take, before reading anything', () => {
    expect(
      failure(() => createTabularSources({}, { aggregate: { releases: 'sum' } as TabularAggregation })).message,
    ).toMatch(
      /aggregate: no rule for table "releases" \(tables with one: engagement, coherence, collaborators, events, articles\)/,
    );
    expect(
      failure(() => createTabularSources({}, { aggregate: { coherence: 'sum' } as unknown as TabularAggregation }))
        .message,
    ).toMatch(/aggregate\.coherence must be one of 'max', 'mean', 'last'/);
  });
});

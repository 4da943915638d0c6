/**
 * The as-of rule for data dated by day, at the source level (no scoring involved): a value dated
 * D is known at the end of D. And the artists table's `debut` column.
 */
import { describe, expect, it } from 'vitest';
import { createTabularSources, parseCsv, TABULAR_ROW_SCHEMAS } from 'scene-radar/adapters/tabular';

const D = '2025-03-01';
const D_START = new Date('2025-03-01T00:00:00Z');
const D_NOON = new Date('2025-03-01T12:00:00Z');
const NEXT_START = new Date('2025-03-02T00:00:00Z');
const from = new Date('2025-01-01T00:00:00Z');
const at = (asOf: Date) => ({ asOf, from, signal: new AbortController().signal });

const artists = parseCsv(
  `slug,name,home_region,home_city,first_seen\nnova-static,Nova Static,uk,,2024-01-01T00:00:00Z\n`,
);
const built = createTabularSources({
  artists,
  events: parseCsv(
    `artist,id,type,at,weight,region\nnova-static,by-day,chart_entry,${D},10,us\nnova-static,timed,radio_play,${D}T09:30:00Z,1,uk\n`,
  ),
  articles: parseCsv(`artist,id,published_at,outlet,outlet_quality,title\nnova-static,a1,${D},the-wire,0.8,\n`),
  tastemakers: parseCsv(`artist,tastemaker,kind,weight,since\nnova-static,curator-0,playlist,0.5,${D}\n`),
  engagement: parseCsv(`artist,day,organic,paid\nnova-static,2025-02-28,90,0\nnova-static,${D},100,0\n`),
});
const { rcf, coverage, mig, fusion } = built.sources;

describe('a bare day in an instant column is known at the end of that day', () => {
  it('is read as the next midnight UTC; an instant with a time stays as written', () => {
    expect(TABULAR_ROW_SCHEMAS.events.parse({ artist: 'a', type: 'radio_play', at: D, weight: 1 }).at).toBe(
      '2025-03-02T00:00:00.000Z',
    );
    expect(
      TABULAR_ROW_SCHEMAS.events.parse({ artist: 'a', type: 'radio_play', at: '2025-03-01T00:00:00Z', weight: 1 }).at,
    ).toBe('2025-03-01T00:00:00Z');
    expect(
      TABULAR_ROW_SCHEMAS.events.parse({ artist: 'a', type: 'radio_play', at: '2025-03-01T09:00:00+02:00', weight: 1 })
        .at,
    ).toBe('2025-03-01T09:00:00+02:00');
    expect(
      TABULAR_ROW_SCHEMAS.events.parse({
        artist: 'a',
        type: 'radio_play',
        at: new Date('2025-03-01T00:00:00Z'),
        weight: 1,
      }).at,
    ).toBe('2025-03-01T00:00:00.000Z');
    expect(
      TABULAR_ROW_SCHEMAS.artists.parse({ slug: 'a', name: 'A', home_region: 'uk', first_seen: '2024-12-31' })
        .first_seen,
    ).toBe('2025-01-01T00:00:00.000Z');
    // Not a real day: rejected, not rolled over into March.
    expect(
      TABULAR_ROW_SCHEMAS.events.safeParse({ artist: 'a', type: 'radio_play', at: '2025-02-30', weight: 1 }).success,
    ).toBe(false);
  });

  it('events dated D are not returned as of D 00:00 (nor at noon), and are as of D + 1 00:00', async () => {
    const ids = async (asOf: Date) =>
      (await rcf!.getEvents(['nova-static'], at(asOf))).get('nova-static')?.map((e) => e.id);
    expect(await ids(D_START)).toEqual([]);
    expect(await ids(D_NOON)).toEqual(['timed']);
    expect(await ids(NEXT_START)).toEqual(['timed', 'by-day']);
  });

  it('articles and tastemaker links dated D likewise', async () => {
    expect((await coverage!.getArticles(['nova-static'], at(D_NOON))).get('nova-static')).toEqual([]);
    expect((await coverage!.getArticles(['nova-static'], at(NEXT_START))).get('nova-static')?.map((a) => a.id)).toEqual(
      ['a1'],
    );
    expect((await mig!.getNetworks(['nova-static'], at(D_NOON))).get('nova-static')?.tastemakers).toEqual([]);
    expect((await mig!.getNetworks(['nova-static'], at(NEXT_START))).get('nova-static')?.tastemakers).toHaveLength(1);
  });

  it('engagement of day D is not in the series as of D 00:00, and is as of D + 1 00:00', async () => {
    const series = async (asOf: Date) => (await fusion!.getEngagement(['nova-static'], at(asOf))).get('nova-static');
    expect(await series(D_START)).toEqual({ start: '2025-02-28', organic: [90], paid: [0] });
    expect(await series(D_NOON)).toEqual({ start: '2025-02-28', organic: [90], paid: [0] });
    expect(await series(NEXT_START)).toEqual({ start: '2025-02-28', organic: [90, 100], paid: [0, 0] });
  });
});

describe('the artists table debut column', () => {
  const table = parseCsv(
    [
      'slug,name,home_region,home_city,first_seen,debut',
      'nova-static,Nova Static,uk,,2025-01-01T00:00:00Z,2019-06-14',
      'pale-harbour,Pale Harbour,us,,2025-01-01T00:00:00Z,',
      'glass-orchard,Glass Orchard,de,,2025-01-01T00:00:00Z,June 2019',
    ].join('\n'),
    { source: 'artists.csv' },
  );

  it('maps to the record debut: a day, or null when blank or absent', async () => {
    const { sources, report } = createTabularSources({ artists: table }, { onInvalidRow: 'skip' });
    const records = await sources.mig!.getArtists(['nova-static', 'pale-harbour'], at(NEXT_START));
    expect(records.get('nova-static')?.debut).toBe('2019-06-14');
    expect(records.get('pale-harbour')?.debut).toBeNull();
    expect(report.tables.artists?.rejections).toEqual([
      { table: 'artists', source: 'artists.csv', line: 4, column: 'debut', message: expect.stringMatching(/^debut: /) },
    ]);
    // A table without the column: debut unknown for every artist.
    expect(
      (await createTabularSources({ artists }).sources.mig!.getArtists(['nova-static'], at(NEXT_START))).get(
        'nova-static',
      )?.debut,
    ).toBeNull();
  });
});

/**
 * The tabular `map` hook as a host uses it: slugs made from names in any script, a blank name
 * or a misbehaving map costing one row and never the import, and lines split into many rows.
 */
import { describe, expect, it } from 'vitest';
import { slugify } from 'scene-radar';
import { createTabularSources, parseCsv, parseJsonLines, type TabularRowMap } from 'scene-radar/adapters/tabular';
import { failure } from './tabular-fixture.js';

const opts = {
  asOf: new Date('2026-01-01T00:00:00Z'),
  from: new Date('2025-01-01T00:00:00Z'),
  signal: new AbortController().signal,
};

/** A host's chart export: one line per chart entry, the credit as printed. */
const chart = parseCsv(
  [
    'week,credit,points',
    '2025-03-07,Nova Static & Pale Harbour,90',
    '2025-03-07,米津玄師,80',
    '2025-03-07,,70',
    '2025-03-14,Nova Static & Pale Harbour & 방탄소년단,95',
    '2025-03-14,Glass Orchard,60',
  ].join('\n'),
  { source: 'chart.csv' },
);

const credits = (credit: unknown): string[] => String(credit).split(' & ');

describe('slugs made by a map', () => {
  it('come from names in any script, and a blank name is one rejected row, never a failed import', async () => {
    const { sources, report } = createTabularSources(
      { events: chart },
      {
        onInvalidRow: 'skip',
        map: {
          events: (row) => ({
            artist: slugify(String(row.credit)),
            type: 'chart_entry',
            at: String(row.week),
            weight: String(row.points),
            region: 'jp',
          }),
        },
      },
    );
    expect(report.tables.events).toMatchObject({ read: 5, mapped: 5, accepted: 4, rejected: 1 });
    expect(report.tables.events?.rejections).toEqual([
      {
        table: 'events',
        source: 'chart.csv',
        line: 4,
        column: 'artist',
        message: "artist: empty slug (slugify gives '' only for a blank name)",
      },
    ]);
    // The Japanese name has a slug of its own, and its events are served under it.
    const yonezu = slugify('米津玄師');
    expect((await sources.rcf!.getEvents([yonezu], opts)).get(yonezu)).toHaveLength(1);
  });

  it("lists the blank name's row, with its line, in the error of an onInvalidRow: 'throw' import", () => {
    const e = failure(() =>
      createTabularSources(
        { events: chart },
        {
          map: {
            events: (row) => ({
              artist: slugify(String(row.credit)),
              type: 'chart_entry',
              at: String(row.week),
              weight: String(row.points),
              region: null,
            }),
          },
        },
      ),
    );
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toBe(
      "Invalid tabular data: events: 1 invalid row (chart.csv line 4, column artist: artist: empty slug (slugify gives '' only for a blank name))",
    );
  });

  it('reject the line when the map throws a value that cannot be printed, or returns a row that throws when read', () => {
    const rows = [{ n: 1 }, { n: 2 }, { n: 3 }];
    const { report } = createTabularSources(
      { events: rows },
      {
        onInvalidRow: 'skip',
        map: {
          events: (row) => {
            if (row.n === 1) throw Object.create(null);
            const good = {
              artist: 'nova-static',
              type: 'radio_play',
              at: '2025-03-01T10:00:00Z',
              weight: 1,
              region: null,
            } as const;
            if (row.n === 2) {
              return {
                ...good,
                get weight(): number {
                  throw new Error('lazy cell failed');
                },
              };
            }
            return good;
          },
        },
      },
    );
    expect(report.tables.events).toMatchObject({ read: 3, accepted: 1, rejected: 2 });
    expect(report.tables.events?.rejections.map((r) => [r.line, r.message])).toEqual([
      [1, 'map threw: a non-Error object (not printed)'],
      [2, 'the row cannot be read: lazy cell failed'],
    ]);
  });
});

describe('a map that returns many rows', () => {
  const splitEvents: TabularRowMap<'events'> = (row) =>
    credits(row.credit)
      .filter((name) => name.trim() !== '')
      .map((name) => ({
        artist: slugify(name),
        type: 'chart_entry',
        at: String(row.week),
        weight: String(row.points),
        region: 'us',
      }));

  it('splits a credit into one row per artist, drops a line on an empty array, and counts rows and lines', async () => {
    const { sources, report } = createTabularSources({ events: chart }, { map: { events: splitEvents } });
    expect(report.tables.events).toEqual({
      read: 5,
      mapped: 7,
      accepted: 7,
      dropped: 1,
      rejected: 0,
      combined: 0,
      rejections: [],
    });
    const got = await sources.rcf!.getEvents(
      ['nova-static', 'pale-harbour', 'bangtansonyeondan', 'glass-orchard'],
      opts,
    );
    expect(got.get('nova-static')?.map((e) => e.weight)).toEqual([90, 95]);
    expect(got.get('pale-harbour')?.map((e) => e.weight)).toEqual([90, 95]);
    expect(got.get('bangtansonyeondan')?.map((e) => e.weight)).toEqual([95]);
    expect(report.artists).toBe(5);
  });

  it('rejects one bad row of a split line on its own, naming the line and the row', () => {
    const { report } = createTabularSources(
      { events: chart },
      {
        onInvalidRow: 'skip',
        map: {
          events: (row) =>
            credits(row.credit).map((name, k) => ({
              artist: slugify(name),
              type: k === 1 ? 'tweet' : 'chart_entry',
              at: String(row.week),
              weight: String(row.points),
              region: null,
            })),
        },
      },
    );
    expect(report.tables.events).toMatchObject({ read: 5, mapped: 8, accepted: 5, rejected: 3 });
    expect(report.tables.events?.rejections.map((r) => [r.line, r.column, r.message.slice(0, 26)])).toEqual([
      [2, 'type', 'map row 2 of 2: type: Inva'],
      [4, 'artist', 'artist: empty slug (slugif'],
      [5, 'type', 'map row 2 of 3: type: Inva'],
    ]);
  });

  it('derives co-credit pairs from a chart export as collaborator rows', async () => {
    const pairs: TabularRowMap<'collaborators'> = (row) => {
      const artists = credits(row.credit)
        .filter((n) => n.trim() !== '')
        .map(slugify);
      return artists.flatMap((a, i) =>
        artists.slice(i + 1).map((b) => ({ artist_a: a, artist_b: b, weight: 1, since: String(row.week) })),
      );
    };
    const { sources, report } = createTabularSources(
      { collaborators: chart },
      { map: { collaborators: pairs }, aggregate: { collaborators: 'sum' } },
    );
    // Line 2 gives one pair, line 5 three (one of them the same pair again, a week later: a second
    // step of that link, its running total); lines 3, 4 and 6 none.
    expect(report.tables.collaborators).toMatchObject({ read: 5, mapped: 4, dropped: 3, combined: 0, accepted: 4 });
    const nets = await sources.mig!.getNetworks(['nova-static', 'bangtansonyeondan'], opts);
    expect(nets.get('nova-static')?.collaborators).toEqual([
      { artist: 'pale-harbour', weight: 2, since: '2025-03-08T00:00:00.000Z' },
      { artist: 'bangtansonyeondan', weight: 1, since: '2025-03-15T00:00:00.000Z' },
    ]);
  });

  it('rejects a line whose map returns something that is not rows', () => {
    const host = parseJsonLines('{"a":1}\n{"a":2}\n');
    const { report } = createTabularSources(
      { events: host },
      {
        onInvalidRow: 'skip',
        map: {
          events: ((row: { a?: unknown }) =>
            row.a === 1 ? 'nova-static' : [null]) as unknown as TabularRowMap<'events'>,
        },
      },
    );
    expect(report.tables.events?.rejections.map((r) => [r.line, r.message])).toEqual([
      [1, 'expected a row object, found string'],
      [2, 'expected a row object, found null'],
    ]);
  });
});

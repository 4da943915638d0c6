/**
 * createTabularSources: coercion and rejection per table, the host's `map`, the report, derived
 * universes, dense series, and sources that stay absent when their tables are not given.
 */
import { describe, expect, it } from 'vitest';
import { slugify } from 'scene-radar';
import {
  createTabularSources,
  parseCsv,
  parseJsonLines,
  TABULAR_ROW_SCHEMAS,
  type TabularTables,
} from 'scene-radar/adapters/tabular';
import { ASOF, CSV, FROM, failure } from './tabular-fixture.js';

const opts = { asOf: ASOF, from: FROM, signal: new AbortController().signal };
const artists = parseCsv(CSV.artists, { source: 'artists.csv' });

describe('row schemas', () => {
  it('coerce CSV strings: numbers, blanks to null, bare days to instants at their end, lists and vectors', () => {
    expect(
      TABULAR_ROW_SCHEMAS.events.parse({
        artist: ' nova-static ',
        id: '',
        type: 'radio_play',
        at: '2025-03-01',
        weight: ' 4.5 ',
        region: '',
      }),
    ).toEqual({
      artist: 'nova-static',
      id: null,
      type: 'radio_play',
      at: '2025-03-02T00:00:00.000Z',
      weight: 4.5,
      region: null,
    });
    expect(
      TABULAR_ROW_SCHEMAS.releases.parse({
        artist: 'a',
        release_id: 'r1',
        released_at: '2025-01-02',
        vector: '0.1; 2  -3',
        microgenres: 'dream-pop; ;shoegaze',
      }),
    ).toMatchObject({
      vector: [0.1, 2, -3],
      microgenres: ['dream-pop', 'shoegaze'],
    });
    expect(TABULAR_ROW_SCHEMAS.engagement.parse({ artist: 'a', day: '2025-01-02', organic: '', paid: '0' })).toEqual({
      artist: 'a',
      day: '2025-01-02',
      organic: null,
      paid: 0,
    });
    expect(
      TABULAR_ROW_SCHEMAS.campaigns.parse({ artist: 'a', channel: 'social', start: '2025-01-02', end: '', spend: '' }),
    ).toMatchObject({ id: null, end: null, spend: null });
    expect(
      TABULAR_ROW_SCHEMAS.workspaces.parse({
        id: '3f2b8c1e-5a7d-4e9f-8b6a-1c2d3e4f5a6b',
        name: 'W',
        scenes: '',
        microgenres: [],
        regions: 'uk;de',
        roster: 'a;b',
      }),
    ).toMatchObject({
      scenes: [],
      microgenres: [],
      regions: ['uk', 'de'],
      roster: ['a', 'b'],
    });
  });

  it('accept typed JSON values and Dates from a map', () => {
    expect(
      TABULAR_ROW_SCHEMAS.tastemakers.parse({
        artist: 'a',
        tastemaker: 't',
        kind: 'dj',
        weight: 0.5,
        since: new Date('2025-01-01T00:00:00Z'),
      }).since,
    ).toBe('2025-01-01T00:00:00.000Z');
    expect(
      TABULAR_ROW_SCHEMAS.releases.parse({
        artist: 'a',
        released_at: '2025-01-02',
        vector: [1, 2],
        microgenres: ['x'],
      }),
    ).toMatchObject({ release_id: null, vector: [1, 2] });
  });

  it('reject bad cells with the column and a readable reason', () => {
    const bad = TABULAR_ROW_SCHEMAS.events.safeParse({
      artist: 'Nova Static',
      type: 'tweet',
      at: 'yesterday',
      weight: 'many',
      region: '',
    });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path[0]);
    expect(paths).toEqual(['artist', 'type', 'at', 'weight']);
    expect(bad.error?.issues[3]?.message).toBe('expected a number, found "many"');
    expect(TABULAR_ROW_SCHEMAS.coherence.safeParse({ artist: 'a', day: '2025-1-2', value: '0.5' }).success).toBe(false);
    expect(TABULAR_ROW_SCHEMAS.coherence.safeParse({ artist: 'a', day: '2025-01-02', value: '1.5' }).success).toBe(
      false,
    );
    expect(
      TABULAR_ROW_SCHEMAS.releases.safeParse({ artist: 'a', released_at: '2025-01-02', vector: '1;x', microgenres: '' })
        .error?.issues[0]?.message,
    ).toBe('vector component 2 is not a number: "x"');
    expect(
      TABULAR_ROW_SCHEMAS.tastemakers.safeParse({
        artist: 'a',
        tastemaker: 't',
        kind: 'dj',
        weight: '',
        since: '2025-01-01',
      }).error?.issues[0]?.message,
    ).toBe('expected a number, found ""');
  });
});

describe('createTabularSources', () => {
  it('returns only the sources whose tables were given', () => {
    const { sources, report } = createTabularSources({
      artists,
      events: parseCsv(CSV.events),
      collaborators: parseCsv(CSV.collaborators),
    });
    expect(Object.keys(sources).sort()).toEqual(['mig', 'rcf']);
    expect(report.sources).toEqual(['mig', 'rcf']);
    expect(sources.fusion).toBeUndefined();
    expect(createTabularSources({ campaigns: parseCsv(CSV.campaigns) }).report.sources).toEqual(['fusion']);
    expect(createTabularSources({}).sources).toEqual({});
  });

  it('reports rows per table and links collaborators both ways', async () => {
    const { sources, report } = createTabularSources({
      artists,
      collaborators: parseCsv(CSV.collaborators, { source: 'c.csv' }),
    });
    expect(report).toMatchObject({
      artists: 4,
      artistsDerived: false,
      tables: { artists: { read: 4, accepted: 4, rejected: 0 }, collaborators: { read: 3, accepted: 3, dropped: 0 } },
    });
    const nets = await sources.mig!.getNetworks(['nova-static', 'pale-harbour'], opts);
    expect(nets.get('pale-harbour')?.collaborators.map((c) => c.artist)).toEqual(['nova-static']);
    // glass-orchard's link (2025-08-10) is known at ASOF; late-bloom's (2025-11-20) is not.
    expect(nets.get('nova-static')?.collaborators.map((c) => c.artist)).toEqual(['pale-harbour', 'glass-orchard']);
  });

  it('a day cell that is no ISO date gets the one format message, not also "before 1900" (it compares below as text)', () => {
    const campaigns = parseCsv('artist,channel,start,end,spend\nnova-static,social,11/24/2026,2026-12-01,\n', {
      source: 'campaigns.csv',
    });
    const e = failure(() => createTabularSources({ artists, campaigns }));
    expect(e.message).toContain('campaigns.csv line 2, column start: start: Invalid ISO date');
    expect(e.message).not.toContain('1900');
    const early = parseCsv('artist,channel,start,end,spend\nnova-static,social,0202-03-01,2026-12-01,\n', {
      source: 'campaigns.csv',
    });
    expect(failure(() => createTabularSources({ artists, campaigns: early })).message).toContain(
      'is before 1900-01-01 (a typo in the year?)',
    );
  });

  it('throws one CONFIG_INVALID error naming table, file, line and column, with every table counted', () => {
    const events = parseCsv(
      'artist,type,at,weight,region\nnova-static,radio_play,2025-01-01,1,uk\nnova-static,radio_play,not-a-time,1,uk\nNova,radio_play,2025-01-01,1,uk\n',
      { source: 'events.csv' },
    );
    const campaigns = parseCsv('artist,channel,start,end,spend\nnova-static,social,2025-03-02,2025-03-01,\n', {
      source: 'campaigns.csv',
    });
    const e = failure(() => createTabularSources({ artists, events, campaigns }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toContain('events: 2 invalid rows (events.csv line 3, column at: at: Invalid ISO datetime');
    expect(e.message).toContain('events.csv line 4, column artist: artist: Slug must contain only lowercase letters');
    expect(e.message).toContain(
      'campaigns: 1 invalid row (campaigns.csv line 2, column end: end 2025-03-01 is before start 2025-03-02)',
    );
    expect(e.details).toMatchObject({
      rejected: { artists: 0, events: 2, campaigns: 1 },
      rejections: [
        { table: 'events', source: 'events.csv', line: 3, column: 'at' },
        { line: 4 },
        { table: 'campaigns' },
      ],
    });
  });

  it("skips invalid rows under onInvalidRow: 'skip' and lists them in the report", async () => {
    const events = parseCsv(
      'artist,type,at,weight,region\nnova-static,radio_play,2025-01-01,1,uk\nghost,radio_play,2025-01-01,1,uk\nnova-static,radio_play,2025-01-02,-1,uk\n',
    );
    const { sources, report } = createTabularSources({ artists, events }, { onInvalidRow: 'skip' });
    expect(report.tables.events).toMatchObject({ read: 3, accepted: 1, rejected: 2 });
    expect(report.tables.events?.rejections.map((r) => [r.line, r.column, r.message])).toEqual([
      [3, 'artist', 'unknown artist ghost (not in the artists table)'],
      [4, 'weight', 'weight: Too small: expected number to be >=0'],
    ]);
    expect((await sources.rcf!.getEvents(['nova-static'], opts)).get('nova-static')).toHaveLength(1);
  });

  it('rejects duplicates that a single row cannot show', () => {
    const e = failure(() =>
      createTabularSources({
        artists: parseCsv(`${CSV.artists}nova-static,Again,uk,,2025-01-01\n`),
        collaborators: parseCsv('artist_a,artist_b,weight,since\nnova-static,nova-static,1,2025-01-01\n'),
        releases: parseCsv(
          'artist,release_id,released_at,vector,microgenres\nnova-static,r,2025-01-01,1,\nnova-static,r,2025-01-02,1,\n',
        ),
      }),
    );
    expect(e.message).toMatch(/duplicate artist slug nova-static \(first on line 2\)/);
    expect(e.message).toMatch(/an artist cannot collaborate with itself/);
    expect(e.message).toMatch(/duplicate release r of nova-static/);
  });

  it('adapts host columns with map, drops rows on null, and rejects rows whose map throws', async () => {
    const host = parseJsonLines(
      [
        '{"performer":"Nova Static","kind":"radio","ts":"2025-03-01T10:00:00Z","reach":12}',
        '{"performer":"Pale Harbour","kind":"test","ts":"2025-03-02T10:00:00Z","reach":1}',
        '{"performer":"","kind":"radio","ts":"2025-03-03T10:00:00Z","reach":1}',
      ].join('\n'),
      { source: 'host.jsonl' },
    );
    const { sources, report } = createTabularSources(
      { events: host },
      {
        onInvalidRow: 'skip',
        map: {
          events: (row) => {
            if (row.kind === 'test') return null;
            const artist = slugify(String(row.performer));
            if (artist === '') throw new Error('no performer');
            return {
              artist,
              type: row.kind === 'radio' ? 'radio_play' : 'playlist_add',
              at: String(row.ts),
              weight: Number(row.reach),
              region: null,
            };
          },
        },
      },
    );
    expect(report.tables.events).toMatchObject({
      read: 3,
      accepted: 1,
      dropped: 1,
      rejected: 1,
      rejections: [{ line: 3, source: 'host.jsonl', message: 'map threw: no performer' }],
    });
    const events = (await sources.rcf!.getEvents(['nova-static'], opts)).get('nova-static');
    expect(events).toEqual([
      { id: 'nova-static-e0', type: 'radio_play', at: '2025-03-01T10:00:00Z', weight: 12, region: null },
    ]);
  });

  it('derives the universe from the slugs seen when there is no artists table', async () => {
    const { sources, report } = createTabularSources(
      { events: parseCsv(CSV.events), releases: parseCsv(CSV.releases) },
      { derivedHomeRegion: 'gb' },
    );
    expect(report).toMatchObject({ artists: 4, artistsDerived: true, sources: ['cmg', 'rcf'] });
    const d = createTabularSources(
      { events: parseCsv(CSV.events), releases: parseCsv(CSV.releases) },
      { derivedHomeRegion: 'gb' },
    ).dataset;
    expect(d.artistSlugs()).toEqual(['glass-orchard', 'late-bloom', 'nova-static', 'pale-harbour']);
    // Earliest observation: a release day (its midnight) or an event instant.
    expect(d.artistRecord('glass-orchard')).toEqual({
      slug: 'glass-orchard',
      name: 'glass-orchard',
      homeRegion: 'gb',
      homeCity: null,
      firstSeen: '2025-08-15T00:00:00.000Z',
      debut: null,
    });
    expect(d.artistRecord('pale-harbour')?.firstSeen).toBe('2025-02-20T00:00:00.000Z');
    expect(sources.mig).toBeUndefined();
    expect((await sources.rcf!.getEvents(['late-bloom'], opts)).has('late-bloom')).toBe(false);
  });

  it('turns per-day rows into dense series: gaps are null, span first to last day or a shared span', async () => {
    const engagement = parseCsv(
      'artist,day,organic,paid\nnova-static,2025-01-03,5,1\nnova-static,2025-01-01,3,\nnova-static,2025-01-05,,2\n',
    );
    const own = createTabularSources({ engagement });
    expect(own.dataset.artistHistory('nova-static')?.engagement).toEqual({
      start: '2025-01-01',
      organic: [3, null, 5, null, null],
      paid: [null, null, 1, null, 2],
    });
    const shared = createTabularSources(
      { engagement, coherence: parseCsv('artist,day,value\npale-harbour,2025-01-02,0.5\n') },
      { seriesSpan: { start: '2024-12-31', end: '2025-01-06' } },
    );
    expect(shared.dataset.artistHistory('nova-static')?.engagement.organic).toEqual([
      null,
      3,
      null,
      5,
      null,
      null,
      null,
    ]);
    expect(shared.dataset.artistHistory('nova-static')?.coherence).toEqual({
      start: '2024-12-31',
      values: [null, null, null, null, null, null, null],
    });
    const asOf = new Date('2025-01-04T06:00:00Z');
    const served = (await shared.sources.fusion!.getEngagement(['nova-static'], { ...opts, asOf })).get('nova-static');
    expect(served).toEqual({ start: '2025-01-01', organic: [3, null, 5], paid: [null, null, 1] });
    const outside = failure(() =>
      createTabularSources({ engagement }, { seriesSpan: { start: '2025-01-02', end: '2025-01-31' } }),
    );
    expect(outside.message).toMatch(/line 3, column day: 2025-01-01 is outside seriesSpan 2025-01-02\.\.2025-01-31/);
    expect(
      failure(() => createTabularSources({ engagement }, { seriesSpan: { start: '2025-02-01', end: '2025-01-01' } }))
        .message,
    ).toMatch(/end 2025-01-01 is before start/);
  });

  it('generates stable ids per artist and keeps given ones', () => {
    const d = createTabularSources({
      articles: parseCsv(CSV.articles),
      campaigns: parseCsv(CSV.campaigns),
      releases: parseCsv(CSV.releases),
    }).dataset;
    expect(d.artistHistory('nova-static')?.articles.map((a) => a.id)).toEqual([
      'nova-static-a0',
      'nova-static-a1',
      'nova-static-a2',
      'nova-static-a3',
    ]);
    expect(d.artistHistory('pale-harbour')?.articles.map((a) => a.id)).toEqual(['pa-1', 'pa-2']);
    expect(d.artistHistory('nova-static')?.campaigns.map((c) => c.id)).toEqual([
      'nova-static-c0',
      'nova-static-c1',
      'nova-static-c2',
    ]);
    expect(d.artistHistory('pale-harbour')?.releases.map((r) => r.releaseId)).toEqual(['ph-debut']);
  });

  it('accepts rows in memory and rejects unknown table names and bad options', () => {
    const rows = [
      { slug: 'a', name: 'A', home_region: 'uk', home_city: null, first_seen: new Date('2025-01-01T00:00:00Z') },
    ];
    expect(createTabularSources({ artists: rows }).report.artists).toBe(1);
    expect(failure(() => createTabularSources({ artists: [{ ...rows[0], slug: 'A' }] })).message).toMatch(
      /artists: 1 invalid row \(line 1, column slug/,
    );
    expect(failure(() => createTabularSources({ event: [] } as unknown as TabularTables)).message).toMatch(
      /unknown table "event"/,
    );
    expect(failure(() => createTabularSources({}, { onInvalidRow: 'ignore' as 'skip' })).message).toMatch(
      /onInvalidRow/,
    );
  });
});

/**
 * Hostile review 36 of the tabular import: the daily-values as-of rule applied to a derived
 * universe, aggregation that reads rows from the future, rows the import accepts but the gateway
 * then refuses (losing their neighbours), a shared series span with an impossible day, options
 * checked only after every byte is read, and the rejections a report lists.
 */
import { describe, expect, it } from 'vitest';
import { createTabularSources, createTabularSourcesFromStreams, parseCsv } from '../../adapters/tabular/index.js';
import { createMemorySources } from '../../adapters/memory/index.js';
import { createSourceGateway } from '../../src/core/gateway/gateway.js';
import { ArtistPageSchema } from '../../src/contracts/payloads.js';
import { SceneRadarError } from '../../src/core/errors.js';

const FROM = new Date('2020-01-01T00:00:00Z');
const read = (asOf: string) => ({ asOf: new Date(asOf), from: FROM, signal: new AbortController().signal });

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('tabular review 36: the as-of rule', () => {
  it('a derived artist known only by its engagement of day D is not listed before D is over', async () => {
    // docs/adapters.md: without an artists table the artist is "first seen at the artist's earliest
    // observation", and "a value dated D is known at the end of D". The only observation here is the
    // engagement of 2025-03-01, known at 2025-03-02T00:00Z; build-histories stamps it at 2025-03-01T00:00Z
    // (dayStart), so the artist is listed all through 2025-03-01 with no data known about it yet.
    const engagement = parseCsv('artist,day,organic,paid\nnova,2025-03-01,5,\n', { source: 'engagement.csv' });
    const coherence = parseCsv('artist,day,value\npale,2025-03-01,0.5\n', { source: 'coherence.csv' });
    const { dataset } = createTabularSources({ engagement, coherence });
    const mig = createMemorySources(dataset).mig;
    const noon = await mig.getArtists(['nova', 'pale'], read('2025-03-01T12:00:00Z'));
    expect([...noon.keys()]).toEqual([]);
    const next = await mig.getArtists(['nova', 'pale'], read('2025-03-02T00:00:00Z'));
    expect([...next.keys()].sort()).toEqual(['nova', 'pale']);
    expect(dataset.artistRecord('nova')?.firstSeen).toBe('2025-03-02T00:00:00.000Z');
  });

  it('combining a pair of collaborators never shows, as of an earlier time, the weight of a later row', async () => {
    // A chart export lists the pair in January (1 joint song) and again in June (3). The combined
    // link takes the earliest `since` and the max (or total) weight of every row, so as of February
    // the source answers weight 3 (or 4): a value only known in June. The source contract: return
    // only what was known at asOf.
    const collaborators = parseCsv('artist_a,artist_b,weight,since\nnova,pale,1,2025-01-01\npale,nova,3,2025-06-01\n');
    for (const how of ['max', 'sum'] as const) {
      const { sources } = createTabularSources({ collaborators }, { aggregate: { collaborators: how } });
      const feb = (await sources.mig!.getNetworks(['nova'], read('2025-02-01T00:00:00Z'))).get('nova');
      expect({ how, links: feb?.collaborators.map((l) => l.weight) }).toEqual({ how, links: [1] });
      const july = (await sources.mig!.getNetworks(['nova'], read('2025-07-01T00:00:00Z'))).get('nova');
      expect({ how, links: july?.collaborators.map((l) => l.weight) }).toEqual({ how, links: [how === 'max' ? 3 : 4] });
    }
  });
});

describe('tabular review 36: rows accepted that the gateway refuses', () => {
  it('an event weight past the gateway bound is a rejected row, not the loss of every event of the artist', async () => {
    // The import accepts weight 2e9 (>= 0) and reports both rows accepted; the gateway's sanity
    // bound (event weights <= 1e9, docs/adapters.md) then makes nova's whole event list an
    // invalid_payload, so the valid event e2 is lost too, and the import said nothing.
    const events = parseCsv(
      'artist,id,type,at,weight\nnova,e1,radio_play,2025-03-01,2000000000\nnova,e2,radio_play,2025-03-02,1\n',
      { source: 'events.csv' },
    );
    const { sources, report } = createTabularSources({ events }, { onInvalidRow: 'skip' });
    const gateway = createSourceGateway({ sources });
    const out = await gateway.one('rcf', 'getEvents', 'nova', {
      asOf: new Date('2026-01-01T00:00:00Z'),
      from: new Date('2025-01-01T00:00:00Z'),
    });
    expect(out.status).toBe('ok');
    expect(out.status === 'ok' ? out.value.map((e) => e.id) : out).toEqual(['e2']);
    expect(report.tables.events).toMatchObject({ accepted: 1, rejected: 1 });
    expect(report.tables.events?.rejections[0]).toMatchObject({ line: 2, column: 'weight' });
  });

  it('an artist first seen before 1900 (a typo year) is a rejected row, not a universe that cannot be listed', async () => {
    // `first_seen` 0202-01-01 (meant 2020) passes the row schema; the gateway refuses any record
    // dated before 1900, and one such record makes the whole listArtists page invalid: the radar
    // can list no artist at all.
    const artists = parseCsv(
      'slug,name,home_region,home_city,first_seen\nold,Old,uk,,0202-01-01\nnova,Nova,uk,,2025-01-01\n',
      { source: 'artists.csv' },
    );
    const { sources, report } = createTabularSources({ artists }, { onInvalidRow: 'skip' });
    const gateway = createSourceGateway({ sources });
    const page = await gateway.call(
      'mig',
      'listArtists',
      ArtistPageSchema,
      (mig, o) => mig.listArtists({ cursor: null, limit: 10 }, o),
      { asOf: new Date('2026-01-01T00:00:00Z') },
    );
    expect(page.status === 'ok' ? page.value.items.map((a) => a.slug) : page).toEqual(['nova']);
    expect(report.tables.artists?.rejections[0]).toMatchObject({ line: 2, column: 'first_seen' });
  });
});

describe('tabular review 36: rows counted but not served', () => {
  it('a campaign id repeated for one artist is combined or rejected, not counted accepted and then dropped', async () => {
    // A campaigns export delivered twice, the second time with the end filled in. Campaigns are
    // neither combined (like events and articles) nor rejected as duplicates (like release ids): both
    // rows are reported accepted, and the dataset keeps the first (distinctBy), so the served campaign
    // silently misses the correction and the report counts a row nobody will ever read.
    const campaigns = parseCsv(
      'artist,id,channel,start,end,spend\nnova,c1,social,2025-03-01,,100\nnova,c1,social,2025-03-01,2025-03-10,100\n',
      { source: 'campaigns.csv' },
    );
    const { sources, report } = createTabularSources({ campaigns }, { onInvalidRow: 'skip' });
    const served = (await sources.fusion!.getCampaigns(['nova'], read('2026-01-01T00:00:00Z'))).get('nova') ?? [];
    const t = report.tables.campaigns!;
    expect(t.mapped).toBe(t.accepted + t.rejected + t.combined);
    expect({ accepted: t.accepted, served: served.length }).toEqual({ accepted: served.length, served: 1 });
  });
});

describe('tabular review 36: options', () => {
  it('a seriesSpan with an impossible day is refused as an option, not rolled over into the next month', () => {
    // checkSpan tests Date.parse, which reads 2025-02-30 as 2025-03-02: the span silently starts on
    // March 2 and the valid row of March 1 is rejected as "outside seriesSpan 2025-02-30..".
    const engagement = parseCsv('artist,day,organic,paid\nnova,2025-03-01,5,\n', { source: 'engagement.csv' });
    const e = thrown(() =>
      createTabularSources({ engagement }, { seriesSpan: { start: '2025-02-30', end: '2025-03-05' } }),
    );
    expect(e).toBeInstanceOf(SceneRadarError);
    expect((e as SceneRadarError).code).toBe('CONFIG_INVALID');
    expect((e as Error).message).toMatch(/seriesSpan.*2025-02-30/);
    expect((e as Error).message).not.toMatch(/invalid row/);
  });

  it('a seriesSpan ending before it starts is refused before any stream is read', async () => {
    // The span is "checked once, up front (a host mistake, not a data problem)" (dense-series.ts),
    // but only after every table has been streamed: a multi-gigabyte export is read to the end
    // before the typo is reported (and an input that never ends, without a signal, never is).
    let pulled = 0;
    async function* events(): AsyncGenerator<string> {
      pulled++;
      yield 'artist,type,at,weight\n';
      pulled++;
      yield 'nova,radio_play,2025-03-01,1\n';
    }
    const engagement = async function* (): AsyncGenerator<string> {
      pulled++;
      yield 'artist,day,organic,paid\nnova,2025-03-01,5,\n';
    };
    const e = await createTabularSourcesFromStreams(
      { events: { input: events(), format: 'csv' }, engagement: { input: engagement(), format: 'csv' } },
      { seriesSpan: { start: '2025-03-05', end: '2025-03-01' } },
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SceneRadarError);
    expect((e as Error).message).toMatch(/seriesSpan/);
    expect(pulled).toBe(0);
  });
});

describe('tabular review 36: the report', () => {
  it("lists a table's first rejections by line, a linking rejection on an early line included", () => {
    // docs/adapters.md: the report lists "the first ten per table" and the error "the first rows by
    // file, line and column". Rejections are kept in the order they are found (every schema
    // rejection before any linking one), so the unknown artist on line 2 is left out of both once
    // ten later lines have a bad weight.
    const artists = parseCsv('slug,name,home_region,home_city,first_seen\nnova,Nova,uk,,2025-01-01\n');
    const lines = ['artist,type,at,weight', 'ghost,radio_play,2025-03-01,1'];
    for (let i = 0; i < 12; i++) lines.push('nova,radio_play,2025-03-01,-1');
    const events = parseCsv(lines.join('\n'), { source: 'events.csv' });
    const { report } = createTabularSources({ artists, events }, { onInvalidRow: 'skip' });
    expect(report.tables.events?.rejected).toBe(13);
    expect(report.tables.events?.rejections.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const e = thrown(() => createTabularSources({ artists, events }));
    expect((e as Error).message).toMatch(/events\.csv line 2, column artist: unknown artist ghost/);
  });
});

/**
 * Files: write the fixture export to a temporary directory (CSV, JSON lines, gzipped), load it
 * with createTabularSourcesFromFiles, and read it back through the sources as of a time. Also the
 * readTable errors. A 350,000-row file is read in the long runs (tabular-large-file.long.ts).
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isSceneRadarError } from 'scene-radar';
import { addDays } from '../../src/core/time.js';
import {
  createTabularSourcesFromFiles,
  detectTableFormat,
  parseCsv,
  readTable,
  type TabularFiles,
} from 'scene-radar/adapters/tabular';
import { ASOF, CSV, EARLIER_ASOF, FROM, KNOWN, LATE, tempTableFolder } from './tabular-fixture.js';

const { dir, file } = tempTableFolder('scene-radar-tabular-');

/** The events table as JSON lines (typed values, not strings), to mix formats. */
const eventsJsonl = parseCsv(CSV.events)
  .rows.map((r) => JSON.stringify({ ...r, weight: Number(r.weight), region: r.region || null, id: r.id || undefined }))
  .join('\n');

const files: TabularFiles = {
  artists: file('artists.csv', CSV.artists),
  events: file('events.jsonl.gz', gzipSync(eventsJsonl)),
  engagement: file('engagement.csv.gz', gzipSync(CSV.engagement)),
  coherence: file(
    'coherence.ndjson',
    parseCsv(CSV.coherence)
      .rows.map((r) => JSON.stringify({ ...r }))
      .join('\n'),
  ),
  tastemakers: file('tastemakers.csv', CSV.tastemakers),
  collaborators: {
    path: file('collaborators.txt', CSV.collaborators.replaceAll(',', ';')),
    format: 'csv',
    delimiter: ';',
  },
  articles: file('articles.CSV', CSV.articles),
  releases: file('releases.csv', CSV.releases),
  campaigns: file('campaigns.csv.gz', gzipSync(CSV.campaigns)),
};
const opts = (asOf: Date) => ({ asOf, from: FROM, signal: new AbortController().signal });

describe('createTabularSourcesFromFiles', () => {
  it('loads CSV, JSON lines and gzipped files and serves them as of a time', async () => {
    const { sources, report } = await createTabularSourcesFromFiles(files);
    expect(report.sources).toEqual(['mig', 'cmg', 'fusion', 'coverage', 'rcf', 'identityKernel']);
    expect(sources.scenes).toBeUndefined();
    expect(Object.values(report.tables).every((t) => t.rejected === 0 && t.accepted === t.read)).toBe(true);

    for (const asOf of [EARLIER_ASOF, ASOF]) {
      const t = asOf.getTime();
      const o = opts(asOf);
      const events = await sources.rcf!.getEvents([...KNOWN, LATE], o);
      expect(events.has(LATE)).toBe(false);
      for (const list of events.values()) for (const e of list) expect(Date.parse(e.at)).toBeLessThanOrEqual(t);
      const articles = await sources.coverage!.getArticles(KNOWN, o);
      for (const list of articles.values())
        for (const a of list) expect(Date.parse(a.publishedAt)).toBeLessThanOrEqual(t);
      const releases = await sources.cmg!.getReleases(KNOWN, o);
      for (const list of releases.values())
        for (const r of list) expect(Date.parse(r.releasedAt)).toBeLessThanOrEqual(t);
      const nets = await sources.mig!.getNetworks(KNOWN, o);
      for (const n of nets.values())
        for (const l of [...n.tastemakers, ...n.collaborators]) expect(Date.parse(l.since)).toBeLessThanOrEqual(t);
      const engagement = await sources.fusion!.getEngagement(KNOWN, o);
      for (const s of engagement.values())
        if (s.organic.length)
          expect(addDays(s.start, s.organic.length - 1) < asOf.toISOString().slice(0, 10)).toBe(true);
    }
    const o = opts(ASOF);
    // The +02:00 event is kept as written; the gzipped JSON-lines row lost nothing.
    expect((await sources.rcf!.getEvents(['pale-harbour'], o)).get('pale-harbour')?.map((e) => e.at)).toEqual([
      '2025-02-20T00:00:00Z',
      '2025-08-08T08:08:08+02:00',
    ]);
    const nova = (await sources.fusion!.getEngagement(['nova-static'], o)).get('nova-static')!;
    expect(nova.start).toBe('2025-01-01');
    expect(nova.organic.slice(0, 9)).toEqual([100, 101, 102, null, 104, 105, 106, null, 108]);
    const coherence = (await sources.identityKernel!.getCoherence(['nova-static'], o)).get('nova-static')!;
    expect(coherence.values[1]).toBeNull();
    expect(coherence.values[3]).toBeNull();
    const running = (await sources.fusion!.getCampaigns(['nova-static'], o)).get('nova-static')!;
    expect(running.map((c) => [c.id, c.end])).toEqual([
      ['nova-static-c0', '2025-03-31'],
      ['nova-static-c1', null],
    ]);
  });

  it('names the file and line of a bad row, and the path of an unreadable file', async () => {
    const bad = file(
      'bad-events.csv.gz',
      gzipSync(
        'artist,type,at,weight,region\nnova-static,radio_play,2025-01-01,1,uk\nnova-static,radio_play,2025-01-01,heavy,uk\n',
      ),
    );
    await expect(createTabularSourcesFromFiles({ events: bad })).rejects.toThrow(
      `events: 1 invalid row (${bad} line 3, column weight: weight: expected a number, found "heavy")`,
    );
    const missing = join(dir, 'nope.csv');
    const e: unknown = await createTabularSourcesFromFiles({ events: missing }).catch((x: unknown) => x);
    expect(isSceneRadarError(e) && e.code).toBe('CONFIG_INVALID');
    expect(String(e)).toContain(`Cannot read table ${missing}`);
  });
});

describe('readTable', () => {
  it('detects formats by extension', () => {
    expect(detectTableFormat('a/b.CSV.GZ')).toEqual({ format: 'csv', gzip: true });
    expect(detectTableFormat('b.ndjson')).toEqual({ format: 'jsonl', gzip: false });
    expect(detectTableFormat('b.parquet')).toBeUndefined();
  });

  it('rejects unknown extensions, bad gzip, invalid UTF-8 and ragged rows, naming the path', async () => {
    await expect(readTable(file('x.parquet', 'a'))).rejects.toThrow(/unknown extension/);
    await expect(readTable(file('x.csv.gz', 'not gzip'))).rejects.toThrow(/not valid gzip data/);
    await expect(readTable(file('latin1.csv', new Uint8Array([0x61, 0x0a, 0xe9, 0x0a])))).rejects.toThrow(
      /not valid UTF-8/,
    );
    const ragged = file('ragged.csv', 'a,b\n1,2\n1\n');
    await expect(readTable(ragged)).rejects.toThrow(`${ragged} line 3: expected 2 cells`);
  });
});

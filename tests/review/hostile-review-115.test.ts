/**
 * Hostile review 115: the same facts through the tabular import adapter (`adapters/tabular`, CSV and
 * JSON lines, gzip, the CLI's `--data` folder) and through the in-memory adapter (`adapters/memory`:
 * createEagerDataset / the demo world) must give the same answers. A seeded demo world is written
 * out as the canonical CSV files of docs/adapters.md, loaded back, and one radar is refreshed over
 * each source set with the same catalog and fixedClock: every owned table and the HTTP API answers
 * are compared byte for byte, and `scene-radar refresh --data --json` is compared with the library.
 * The edges (instants with and without milliseconds or offsets, bare days, daily gaps vs blank cells
 * vs 0, tag order, names with commas / quotes / newlines / Unicode, 1e3 / 1000.0 / 0001000, an artist
 * without rows, duplicate rows, an unknown artist, CRLF, a BOM, gzip) are compared at the dataset
 * the sources serve. Held to docs/adapters.md ("Tabular import", "Days and as of", "Aggregation",
 * "Errors") and docs/cli.md.
 *
 * Tests named "FAULT:" failed on the code as reviewed (the one reported is pinned as documented instead, below), for the reason their name states; the others
 * pin behaviour found correct.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSceneRadar, fixedClock, type SceneRadarSources } from '../../src/index.js';
import { createFetchHandler } from '../../src/api/index.js';
import {
  createDemoWorld,
  createMemoryStores,
  type ArtistHistory,
  type MemoryDataset,
} from '../../adapters/memory/index.js';
import { gzipSync } from 'node:zlib';
import { createEagerDataset, createMemorySources } from '../../adapters/memory/index.js';
import {
  createTabularSources,
  createTabularSourcesFromFiles,
  parseCsv,
  parseJsonLines,
} from '../../adapters/tabular/index.js';
import { runCli } from '../../src/cli/index.js';
import { mapsAsObjects } from '../../src/cli/report.js';

const END = '2026-06-30';
const AS_OF = new Date('2026-07-01T00:00:00.000Z');
const DIR = mkdtempSync(join(tmpdir(), 'hr115-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

type Cell = string | number | null | undefined;
const quote = (v: Cell): string => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
function csv(columns: readonly string[], rows: readonly Cell[][]): string {
  return `${[columns.join(','), ...rows.map((r) => r.map(quote).join(','))].join('\n')}\n`;
}
const addDays = (d: string, n: number): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

function writeWorld(
  dir: string,
  histories: readonly ArtistHistory[],
  pulses: readonly unknown[],
  workspaces: readonly unknown[],
): void {
  const w = (name: string, cols: string[], rows: Cell[][]) => writeFileSync(join(dir, `${name}.csv`), csv(cols, rows));
  w(
    'artists',
    ['slug', 'name', 'home_region', 'home_city', 'first_seen', 'debut'],
    histories.map((h) => [
      h.record.slug,
      h.record.name,
      h.record.homeRegion,
      h.record.homeCity,
      h.record.firstSeen,
      h.record.debut ?? null,
    ]),
  );
  w(
    'tastemakers',
    ['artist', 'tastemaker', 'kind', 'weight', 'since'],
    histories.flatMap((h) => h.tastemakers.map((t) => [h.record.slug, t.tastemaker, t.kind, t.weight, t.since])),
  );
  const pairs = new Set<string>();
  const collabs: Cell[][] = [];
  for (const h of histories)
    for (const c of h.collaborators) {
      const key = [h.record.slug, c.artist].sort().join('|') + c.since;
      if (pairs.has(key)) continue;
      pairs.add(key);
      collabs.push([h.record.slug, c.artist, c.weight, c.since]);
    }
  w('collaborators', ['artist_a', 'artist_b', 'weight', 'since'], collabs);
  w(
    'releases',
    ['artist', 'release_id', 'released_at', 'vector', 'microgenres'],
    histories.flatMap((h) =>
      h.releases.map((r) => [h.record.slug, r.releaseId, r.releasedAt, r.vector.join(';'), r.microgenres.join(';')]),
    ),
  );
  w(
    'campaigns',
    ['artist', 'id', 'channel', 'start', 'end', 'spend'],
    histories.flatMap((h) => h.campaigns.map((c) => [h.record.slug, c.id, c.channel, c.start, c.end, c.spend])),
  );
  w(
    'articles',
    ['artist', 'id', 'published_at', 'outlet', 'outlet_quality', 'title'],
    histories.flatMap((h) =>
      h.articles.map((a) => [h.record.slug, a.id, a.publishedAt, a.outlet, a.outletQuality, a.title]),
    ),
  );
  w(
    'events',
    ['artist', 'id', 'type', 'at', 'weight', 'region'],
    histories.flatMap((h) => h.events.map((e) => [h.record.slug, e.id, e.type, e.at, e.weight, e.region])),
  );
  w(
    'engagement',
    ['artist', 'day', 'organic', 'paid'],
    histories.flatMap((h) =>
      h.engagement.organic.map((o, i) => [h.record.slug, addDays(h.engagement.start, i), o, h.engagement.paid[i]]),
    ),
  );
  w(
    'coherence',
    ['artist', 'day', 'value'],
    histories.flatMap((h) => h.coherence.values.map((v, i) => [h.record.slug, addDays(h.coherence.start, i), v])),
  );
  w(
    'memberships',
    ['artist', 'scene', 'confidence', 'microgenres', 'since'],
    histories.flatMap((h) =>
      h.memberships.map((m) => [h.record.slug, m.sceneSlug, m.confidence, m.microgenres.join(';'), m.since]),
    ),
  );
  const ps = pulses as { sceneSlug: string; heat: number; growth: number; stage: string; asOf: string }[];
  w(
    'scene_pulses',
    ['scene', 'heat', 'growth', 'stage', 'as_of'],
    ps.map((p) => [p.sceneSlug, p.heat, p.growth, p.stage, p.asOf]),
  );
  const wss = workspaces as {
    id: string;
    name: string;
    scenes: string[];
    microgenres: string[];
    regions: string[];
    roster: string[];
  }[];
  w(
    'workspaces',
    ['id', 'name', 'scenes', 'microgenres', 'regions', 'roster'],
    wss.map((x) => [
      x.id,
      x.name,
      x.scenes.join(';'),
      x.microgenres.join(';'),
      x.regions.join(';'),
      x.roster.join(';'),
    ]),
  );
}

const world = createDemoWorld({ seed: 11, artists: 60, end: END });
const histories = world.dataset.artistSlugs().map((s) => world.dataset.artistHistory(s)!);
const pulses = world.dataset
  .sceneSlugs()
  .map((s) => world.dataset.scenePulse(s, AS_OF))
  .filter((p) => p !== undefined);

const TABLE_FILES = [
  'artists',
  'tastemakers',
  'collaborators',
  'releases',
  'campaigns',
  'articles',
  'events',
  'engagement',
  'coherence',
  'memberships',
  'workspaces',
] as const;
const json = (x: unknown): unknown => JSON.parse(JSON.stringify(x)) as unknown;
const datasetOf = (t: unknown): MemoryDataset => (t as { dataset: MemoryDataset }).dataset;
/** Drops what differs between any two refreshes (the refresh's id, durations). */
const stable = (text: string): string =>
  text
    .replace(/"id":"[0-9a-f-]{36}"/g, '"id":"<id>"')
    .replace(/"(durationMs|tookMs|elapsedMs)":\d+(\.\d+)?/g, '"$1":0');

interface Run {
  readonly tables: Record<string, string>;
  readonly api: Record<string, string>;
  readonly report: string;
}

const ROUTES = (slugs: readonly string[], scene: string, ws: string): string[] => [
  '/api/scenes?limit=100',
  `/api/scenes/${scene}`,
  `/api/scenes/${scene}/pulse`,
  `/api/scenes/${scene}/trends?days=30`,
  `/api/scenes/${scene}/related`,
  `/api/scenes/${scene}/memberships?limit=1000`,
  '/api/scene-pulse?limit=100',
  '/api/scene-recommendations',
  `/api/scene-recommendations?artistSlug=${slugs[0]}`,
  '/api/talent/pulse?limit=100',
  '/api/talent/top?category=rising&limit=100',
  '/api/talent/top?category=breakout&limit=100',
  '/api/talent/top?category=risk&limit=100',
  `/api/talent/recommendations?workspaceId=${ws}&limit=100`,
  ...slugs.map((s) => `/api/talent/artists/${s}`),
];

async function runRadar(sources: SceneRadarSources): Promise<Run> {
  const stores = createMemoryStores();
  const radar = createSceneRadar({ sources, stores, clock: fixedClock(AS_OF) });
  try {
    await radar.scenes.importCatalog(world.catalog);
    const report = await radar.refresh(AS_OF);
    const tables: Record<string, string> = {};
    for (const [set, group] of Object.entries(stores))
      for (const [name, t] of Object.entries(group as Record<string, unknown>)) {
        const table = t as { scan?: () => Promise<unknown[]> };
        if (typeof table.scan === 'function') tables[`${set}.${name}`] = stable(JSON.stringify(await table.scan()));
      }
    const handler = createFetchHandler(radar, { rateLimit: false } as never);
    const api: Record<string, string> = {};
    const scene =
      world.dataset.sceneSlugs().find((s) => histories.some((h) => h.memberships.some((m) => m.sceneSlug === s))) ??
      world.dataset.sceneSlugs()[0]!;
    for (const route of ROUTES(world.dataset.artistSlugs().slice(0, 12), scene, world.workspaces[0]!.id)) {
      const res = await handler(new Request(`http://localhost${route}`));
      api[route] = `${res.status} ${stable(await res.text())}`;
    }
    // As the CLI writes it (`refresh --json`): Maps (the scenes' circles) as objects.
    return { tables, api, report: stable(JSON.stringify(report, mapsAsObjects)) };
  } finally {
    await radar.close();
  }
}

let memoryRun: Promise<Run> | undefined;
let tabularRun: Promise<Run> | undefined;
async function loadFiles() {
  writeWorld(DIR, histories, pulses, world.workspaces);
  writeFileSync(join(DIR, 'catalog.json'), JSON.stringify(world.catalog));
  const files = Object.fromEntries(TABLE_FILES.map((t) => [t, join(DIR, `${t}.csv`)]));
  return createTabularSourcesFromFiles({ ...files, scenePulses: join(DIR, 'scene_pulses.csv') });
}
const loaded = loadFiles();
loaded.catch(() => undefined);
const runs = (): Promise<[Run, Run]> => {
  memoryRun ??= runRadar(world.sources);
  memoryRun.catch(() => undefined);
  tabularRun ??= loaded.then((t) => runRadar(t.sources));
  tabularRun.catch(() => undefined);
  return Promise.all([memoryRun, tabularRun]);
};

describe('a demo world through the CSV files and through memory', () => {
  it('the import accepts every row, all eight sources, 60 artists', async () => {
    const { report } = await loaded;
    expect(report.artists).toBe(60);
    expect([...report.sources].sort()).toEqual([
      'cmg',
      'coverage',
      'fusion',
      'identityKernel',
      'mig',
      'rcf',
      'scenes',
      'workspaces',
    ]);
    for (const [table, r] of Object.entries(report.tables)) {
      expect({ table, rejected: r.rejected }).toEqual({ table, rejected: 0 });
      expect(r.accepted).toBeGreaterThan(0);
    }
  });

  it('every artist history the sources serve is the same (debut undefined vs null aside)', async () => {
    const tab = datasetOf(await loaded);
    for (const slug of world.dataset.artistSlugs()) {
      const a = json(world.dataset.artistHistory(slug)) as { record: Record<string, unknown> };
      const b = json(tab.artistHistory(slug)) as { record: Record<string, unknown> };
      expect(b.record.debut ?? null).toBe(a.record.debut ?? null);
      delete a.record.debut;
      delete b.record.debut;
      expect(b).toEqual(a);
    }
  });

  it('every owned table after one refresh is byte for byte the same', async () => {
    const [m, t] = await runs();
    expect(Object.keys(t.tables).length).toBeGreaterThanOrEqual(12);
    expect(t.tables['talent.talent_radar_artists']!.length).toBeGreaterThan(1000);
    for (const name of Object.keys(m.tables))
      expect({ name, rows: t.tables[name] }).toEqual({ name, rows: m.tables[name] });
    expect(t.report).toBe(m.report);
  }, 30_000);

  it('every HTTP API answer is byte for byte the same', async () => {
    const [m, t] = await runs();
    expect(Object.values(m.api).filter((v) => v.startsWith('200 ')).length).toBeGreaterThan(15);
    for (const route of Object.keys(m.api))
      expect({ route, body: t.api[route] }).toEqual({ route, body: m.api[route] });
  }, 30_000);

  it('the CLI (refresh --data <dir> --json) reports what the library refresh reports', async () => {
    await loaded;
    const [m] = await runs();
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['refresh', '--data', DIR, '--json', '--as-of', '2026-07-01'], {
      out: (l) => void out.push(l),
      err: (l) => void err.push(l),
    });
    expect({ code, err: err.filter((l) => !l.startsWith('progress')).join('\n') }).toEqual({ code: 0, err: '' });
    const cli = JSON.parse(out.join('\n')) as Record<string, unknown>;
    expect(stable(JSON.stringify(cli.refresh))).toBe(m.report);
    expect(JSON.stringify(cli.import)).toBe(JSON.stringify((await loaded).report));
  }, 30_000);
});

/** One hand-made history (the memory side of a probe). */
function hand(
  slug: string,
  parts: Partial<Omit<ArtistHistory, 'record'>> & { record?: Partial<ArtistHistory['record']> } = {},
): ArtistHistory {
  return {
    tastemakers: [],
    collaborators: [],
    releases: [],
    campaigns: [],
    articles: [],
    events: [],
    memberships: [],
    // An empty series starts at the first-seen day, as the import builds one.
    engagement: { start: '2025-06-01', organic: [], paid: [] },
    coherence: { start: '2025-06-01', values: [] },
    ...parts,
    record: {
      slug,
      name: slug,
      homeRegion: 'us',
      homeCity: null,
      firstSeen: '2025-06-01T00:00:00.000Z',
      debut: null,
      ...parts.record,
    },
  } as ArtistHistory;
}
const ARTIST_CSV = 'slug,name,home_region,home_city,first_seen,debut\na,a,us,,2025-06-01T00:00:00.000Z,\n';
const memoryOf = (...h: ArtistHistory[]): MemoryDataset => createEagerDataset({ histories: h });
const sameHistory = (tab: MemoryDataset, mem: MemoryDataset, slug: string): void =>
  expect(json(tab.artistHistory(slug))).toEqual(json(mem.artistHistory(slug)));

describe('edges, compared at the dataset the sources serve', () => {
  it('instants with and without milliseconds, with offsets, and bare days in one column read as memory reads them', () => {
    const events = [
      ['e1', '2026-01-01T10:00:00Z'],
      ['e2', '2026-01-01T10:00:00.5+02:00'],
      ['e3', '2026-01-01'],
      ['e4', '2026-01-01T10:00:00.123456Z'],
      ['e5', '2026-01-01T23:30:00-05:00'],
    ];
    const tab = createTabularSources({
      artists: parseCsv(ARTIST_CSV),
      events: parseCsv(
        `artist,id,type,at,weight,region\n${events.map(([id, at]) => `a,${id},radio_play,${at},1,us`).join('\n')}\n`,
      ),
    });
    const mem = memoryOf(
      hand('a', {
        events: events.map(([id, at]) => ({ id: id!, type: 'radio_play', at: at!, weight: 1, region: 'us' })),
      }),
    );
    sameHistory(datasetOf(tab), mem, 'a');
    expect(
      datasetOf(tab)
        .artistHistory('a')!
        .events.find((e) => e.id === 'e3')!.at,
    ).toBe('2026-01-02T00:00:00.000Z');
  });

  it('1e3, 1000.0, 0001000, +1000 and " 1000 " are all 1000, in CSV and as JSON-lines text', () => {
    const ws = ['1e3', '1000.0', '0001000', '+1000', ' 1000 '];
    const tab = createTabularSources({
      events: parseCsv(
        `artist,id,type,at,weight,region\n${ws.map((w, i) => `a,e${i},radio_play,2026-01-01T10:00:0${i}Z,${w},us`).join('\n')}\n`,
      ),
    });
    expect(
      datasetOf(tab)
        .artistHistory('a')!
        .events.map((e) => e.weight),
    ).toEqual([1000, 1000, 1000, 1000, 1000]);
    const jl = createTabularSources({
      events: parseJsonLines(
        '{"artist":"a","id":"x","type":"radio_play","at":"2026-01-01","weight":"1e3","region":null}\n',
      ),
    });
    expect(datasetOf(jl).artistHistory('a')!.events[0]!.weight).toBe(1000);
  });

  it('a daily series: a missing day and a blank cell are both null, 0 stays 0, as in the memory series', () => {
    const tab = createTabularSources({
      artists: parseCsv(ARTIST_CSV),
      engagement: parseCsv(
        'artist,day,organic,paid\na,2026-01-01,4,1\na,2026-01-03,,\na,2026-01-04,0,0\na,2026-01-06,9,\n',
      ),
      coherence: parseCsv('artist,day,value\na,2026-01-01,0.5\na,2026-01-03,\na,2026-01-04,0\n'),
    });
    const mem = memoryOf(
      hand('a', {
        engagement: { start: '2026-01-01', organic: [4, null, null, 0, null, 9], paid: [1, null, null, 0, null, null] },
        coherence: { start: '2026-01-01', values: [0.5, null, null, 0] },
      }),
    );
    sameHistory(datasetOf(tab), mem, 'a');
  });

  it('a release with many tags keeps the tags in file order (repeats too); memberships strongest first; workspace lists in order', () => {
    const tags = ['zeta', 'alpha', 'mid', 'zeta', 'beta-x', 'a1'];
    const ws = '6f1c2a3e-1111-4222-8333-944455556666';
    const tab = createTabularSources({
      artists: parseCsv(ARTIST_CSV),
      releases: parseCsv(`artist,release_id,released_at,vector,microgenres\na,r1,2026-01-01,1 2;3,${tags.join(';')}\n`),
      memberships: parseCsv(
        'artist,scene,confidence,microgenres,since\na,s1,0.2,b;a,2026-01-01\na,s2,0.9,,2026-01-01\n',
      ),
      workspaces: parseCsv(`id,name,scenes,microgenres,regions,roster\n${ws},"W, 1",s2;s1,,US;gb,a\n`),
    });
    const mem = createEagerDataset({
      histories: [
        hand('a', {
          releases: [{ releaseId: 'r1', releasedAt: '2026-01-01', vector: [1, 2, 3], microgenres: tags }],
          memberships: [
            { sceneSlug: 's1', confidence: 0.2, microgenres: ['b', 'a'], since: '2026-01-01' },
            { sceneSlug: 's2', confidence: 0.9, microgenres: [], since: '2026-01-01' },
          ],
        }),
      ],
      workspaces: [
        { id: ws, name: 'W, 1', scenes: ['s2', 's1'], microgenres: [], regions: ['US', 'gb'], roster: ['a'] },
      ],
    });
    sameHistory(datasetOf(tab), mem, 'a');
    expect(json(datasetOf(tab).workspace(ws))).toEqual(json(mem.workspace(ws)));
  });

  it('names with commas, doubled quotes, a newline and Unicode survive RFC 4180 quoting, with CRLF and a BOM', () => {
    const name = 'Növa, "the" Static\nЗемфира 米津';
    const text = `\uFEFFslug,name,home_region,home_city,first_seen,debut\r\na,"${name.replace(/"/g, '""')}",us,,2025-06-01T00:00:00.000Z,\r\n`;
    const tab = createTabularSources({ artists: parseCsv(text) });
    expect(datasetOf(tab).artistRecord('a')!.name).toBe(name);
  });

  it('gzip + CRLF + BOM files load the same rows as plain CSV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hr115-gz-'));
    try {
      const body =
        'artist,id,type,at,weight,region\na,e1,radio_play,2026-01-01,2,us\na,e2,chart_entry,2026-01-02T03:04:05Z,1e2,\n';
      writeFileSync(join(dir, 'events.csv'), body);
      writeFileSync(join(dir, 'events2.csv.gz'), gzipSync(Buffer.from(`\uFEFF${body.replace(/\n/g, '\r\n')}`)));
      const plain = await createTabularSourcesFromFiles({ events: join(dir, 'events.csv') });
      const gz = await createTabularSourcesFromFiles({ events: join(dir, 'events2.csv.gz') });
      expect(json(datasetOf(gz).artistHistory('a'))).toEqual(json(datasetOf(plain).artistHistory('a')));
      expect(datasetOf(gz).artistHistory('a')!.events).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an artist with no rows in a given file gets the empty list / empty series memory gets', () => {
    const tab = createTabularSources({
      artists: parseCsv(`${ARTIST_CSV}b,b,us,,2025-06-01T00:00:00.000Z,\n`),
      events: parseCsv('artist,id,type,at,weight,region\nb,e1,radio_play,2026-01-01T00:00:00Z,1,us\n'),
      engagement: parseCsv('artist,day,organic,paid\nb,2026-01-01,1,1\n'),
    });
    const a = datasetOf(tab).artistHistory('a')!;
    expect(a.events).toEqual([]);
    expect(a.engagement.organic).toEqual([]);
    expect(tab.report.sources).toEqual(['mig', 'fusion', 'rcf']);
  });

  it('documented: a repeated event id keeps the LAST row in the tabular import; createEagerDataset keeps both copies and its sources answer one (the first in canonical order: time, id, content)', async () => {
    const tab = createTabularSources({
      events: parseCsv(
        'artist,id,type,at,weight,region\na,e1,radio_play,2026-01-01T00:00:00Z,1,us\na,e1,radio_play,2026-01-01T00:00:00Z,5,us\n',
      ),
    });
    expect(tab.report.tables.events).toMatchObject({ accepted: 1, combined: 1 });
    expect(
      datasetOf(tab)
        .artistHistory('a')!
        .events.map((e) => e.weight),
    ).toEqual([5]);
    const ev = (weight: number) => ({
      id: 'e1',
      type: 'radio_play' as const,
      at: '2026-01-01T00:00:00Z',
      weight,
      region: 'us',
    });
    for (const events of [
      [ev(1), ev(5)],
      [ev(5), ev(1)],
    ]) {
      const mem = memoryOf(hand('a', { events }));
      expect(mem.artistHistory('a')!.events.map((e) => e.weight)).toEqual([1, 5]);
      const served = await createMemorySources(mem).rcf.getEvents(['a'], {
        asOf: new Date('2026-02-01T00:00:00Z'),
        from: new Date('2025-12-01T00:00:00Z'),
        signal: new AbortController().signal,
      });
      expect(served.get('a')!.map((e) => e.weight)).toEqual([1]);
    }
  });

  it('duplicate identical daily rows combine (max) into the one memory value', () => {
    const tab = createTabularSources({
      engagement: parseCsv('artist,day,organic,paid\na,2026-01-01,7,1\na,2026-01-01,7,1\n'),
    });
    expect(tab.report.tables.engagement).toMatchObject({ accepted: 1, combined: 1 });
    expect(datasetOf(tab).artistHistory('a')!.engagement).toEqual({ start: '2026-01-01', organic: [7], paid: [1] });
  });

  it('a row for an artist the artists table lacks is a CONFIG_INVALID naming the line, never a silent drop', () => {
    let error: unknown;
    try {
      createTabularSources({
        artists: parseCsv(ARTIST_CSV),
        events: parseCsv('artist,id,type,at,weight,region\nzz,e1,radio_play,2026-01-01,1,us\n'),
      });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(String((error as Error).message)).toMatch(/unknown artist zz/);
  });

  // Reported as a FAULT (the import trims a padded name, memory keeps it, undocumented); decided:
  // text cells are trimmed, as exports often pad them, and docs/adapters.md ("Tables and columns")
  // now says so. Pinned as documented.
  it('a display name with spaces at both ends is trimmed by the import, as docs/adapters.md says (memory keeps what it is given)', () => {
    const name = '  Nova Static ';
    const tab = createTabularSources({
      artists: parseCsv(
        `slug,name,home_region,home_city,first_seen,debut\na,"${name}",us,,2025-06-01T00:00:00.000Z,\n`,
      ),
    });
    const mem = memoryOf(hand('a', { record: { name } }));
    expect(mem.artistRecord('a')!.name).toBe(name);
    expect(datasetOf(tab).artistRecord('a')!.name).toBe('Nova Static');
  });
});

/**
 * Hostile review 158: the tabular adapter (CSV / JSON-lines parsing, streaming, the `map` hook,
 * aggregation, linking, the as-of rule for daily data) and `slugify` / `uniqueSlugs`, against
 * docs/adapters.md.
 *
 * Tests named "FAULT:" assert the documented behaviour and failed on the code as reviewed (fixed
 * in the same commit: workspace ids compared without case, JSON list items trimmed, a repeated
 * JSON-lines key refused).
 *
 * FAULTS:
 *
 * 1. adapters/tabular/build-histories.ts:367-374 (`buildHistories`, the workspaces loop; duplicate
 *    check `workspaceLines.get(row.id)` is case-sensitive) against
 *    adapters/memory/eager-dataset.ts:136 (`createEagerDataset`, which treats workspace ids
 *    case-insensitively: `w.id.toLowerCase()`). Two workspace rows whose UUIDs differ only in case
 *    (`AAAAAAAA-...` and `aaaaaaaa-...`, both valid for `z.uuid()`) are one id to the dataset and the
 *    workspace source, but the tabular duplicate check lets both through. `createEagerDataset` then
 *    throws `Invalid eager dataset: workspaces[1].id: duplicate workspace id ...`: under
 *    `onInvalidRow: 'skip'` the whole import fails (nothing built, every other table lost) instead
 *    of the second row being skipped and listed, and under `'throw'` the error names no file, line
 *    or column and has no `details.rejections`. docs/adapters.md, "Aggregation": "a duplicate ...
 *    workspace id stays a rejection"; "Errors": a rejection names the file, line and column and
 *    `'skip'` leaves such rows out and lists them. Fix: key `workspaceLines` by `row.id.toLowerCase()`
 *    (the same key the eager dataset and `getWorkspaces` use).
 *
 * 2. adapters/tabular/coerce.ts:195 (`listCell`, used by `stringListCell` for
 *    `workspaces.regions`): a `;`-separated CSV cell has each item trimmed, but a JSON array is
 *    copied as is (`[...v]`), so a JSON-lines workspace with `"regions": [" us "]` keeps `" us "`
 *    while the same CSV cell gives `"us"`. docs/adapters.md, "Tables and columns": "Text cells
 *    (names, ids, outlets, regions, cities) are trimmed of spaces at both ends, as exports often pad
 *    them"; a padded region then never equals an artist's home region (`us`) and the workspace
 *    recommendation's region factor (0.7 for an artist outside the listed regions) penalises the
 *    artists the workspace covers. (The same copy makes a padded JSON slug list item, `[" s1 "]`, a
 *    rejected row although the CSV cell ` s1 ` is accepted.) Fix: trim string items of a JSON array
 *    in `listCell` (and drop the blank ones, as for CSV).
 *
 * 3. adapters/tabular/json-lines.ts:96 (`parseJsonLinesBlock`): a JSON-lines object with a
 *    repeated key (`{"artist":"a","weight":1,"weight":100}`) is read with `JSON.parse`, which keeps
 *    the last value in silence: the row is reshaped (weight 100) and nothing says so. The CSV parser
 *    refuses the same thing (`duplicate header column "weight"`, CONFIG_INVALID with the line), and
 *    docs/adapters.md, "Errors", promises a malformed file a CONFIG_INVALID error naming the file and
 *    line. Lower confidence than 1-2: the docs do not name the case for JSON lines; the behaviour is
 *    asserted by analogy with the CSV header rule. Fix: detect a repeated key (e.g. a reviver or a
 *    key count against `Object.keys`) and throw `parseError(source, line, 'duplicate key "weight"')`.
 *
 * Checked and correct (plain `it`): CSV streamed a byte, a character, or 2-3 units at a time gives
 * the rows and lines of the whole-text parse (BOM, CRLF, lone CR, quoted newlines, doubled quotes,
 * empty lines, multi-byte characters split between pieces), JSON lines likewise; a duplicate CSV
 * header, a ragged row and an unclosed quote are CONFIG_INVALID with the line; numbers `1e3`,
 * ` 12 `, `.5`, `5.` read as decimals, `""`, `0x1F`, `1,000`, `Infinity` rejected with line and
 * column; bare days in `at` are known at the end of the day (an event of D is not returned at D
 * 00:00 or noon, is at D+1 00:00), offsets are compared as instants, engagement of D appears at D+1
 * 00:00 and not before; the derived universe's first_seen is the end of the earliest daily row's
 * day; aggregation defaults (engagement max per column, blanks ignored; coherence mean; events last;
 * collaborators in either order one link per distinct since, as of T the weight known at T, never a
 * later row's); `mapped = accepted + rejected + combined` with a map returning null, [], arrays,
 * a Promise, a throwing map; slugify for Japanese / Korean / Arabic / emoji / combining marks /
 * case variants / full-width / long names (never empty for visible text, pattern-valid, <= 128,
 * idempotent), uniqueSlugs keeping case and punctuation variants and long names apart within 128
 * characters and not renumbering earlier names when names are appended.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createTabularSources,
  createTabularSourcesFromFiles,
  parseCsv,
  parseJsonLines,
  streamTable,
  type TabularRowMap,
} from '../../adapters/tabular/index.js';
import { slugify, uniqueSlugs } from '../../src/index.js';

const SIGNAL = new AbortController().signal;
const at = (iso: string) => ({ asOf: new Date(iso), from: new Date('2020-01-01T00:00:00Z'), signal: SIGNAL });
const dir = mkdtempSync(join(tmpdir(), 'hr158-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The SceneRadarError a call throws (or undefined). */
function thrown(f: () => unknown): { code?: string; message: string; details?: unknown } | undefined {
  try {
    f();
  } catch (e) {
    return e as { code?: string; message: string; details?: unknown };
  }
  return undefined;
}

const UPPER = 'AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA';
const LOWER = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';

describe('workspace ids that differ only in case', () => {
  const ws = () =>
    parseCsv(`id,name,scenes,microgenres,regions,roster\n${UPPER},One,,,,\n${LOWER},Two,,,,\n`, {
      source: 'workspaces.csv',
    });

  it('the workspace source itself treats them as one id (an uppercase id finds the lowercase workspace)', async () => {
    const { sources } = createTabularSources({
      workspaces: parseCsv(`id,name,scenes,microgenres,regions,roster\n${LOWER},One,,,,\n`),
    });
    const got = await sources.workspaces!.getWorkspaces([UPPER], at('2026-01-01T00:00:00Z'));
    expect(got.get(UPPER)?.name).toBe('One');
  });

  it("FAULT: under onInvalidRow 'skip' the second row is skipped and listed, not the whole import thrown away", () => {
    const { report, dataset } = createTabularSources(
      {
        workspaces: ws(),
        events: parseCsv('artist,id,type,at,weight,region\nnova,,radio_play,2025-03-01,1,\n'),
      },
      { onInvalidRow: 'skip' },
    );
    expect(report.tables.workspaces).toMatchObject({ read: 2, accepted: 1, rejected: 1 });
    expect(report.tables.workspaces!.rejections[0]).toMatchObject({ line: 3, column: 'id' });
    expect(dataset.workspace(UPPER)?.name).toBe('One');
    expect(report.tables.events?.accepted).toBe(1);
  });

  it("FAULT: under onInvalidRow 'throw' the error names workspaces.csv, the line and the column, with details.rejections", () => {
    const e = thrown(() => createTabularSources({ workspaces: ws() }));
    expect(e?.code).toBe('CONFIG_INVALID');
    expect(e?.message).toContain('workspaces.csv line 3, column id');
    expect((e?.details as { rejections?: unknown[] } | undefined)?.rejections).toHaveLength(1);
  });

  it('an exact duplicate id is a rejection with its line (the documented case)', () => {
    const { report } = createTabularSources(
      { workspaces: parseCsv(`id,name,scenes,microgenres,regions,roster\n${LOWER},One,,,,\n${LOWER},Two,,,,\n`) },
      { onInvalidRow: 'skip' },
    );
    expect(report.tables.workspaces).toMatchObject({ accepted: 1, rejected: 1 });
  });
});

describe('list cells: CSV and JSON lines read alike', () => {
  const id = '3f2b8c1e-5a7d-4e9f-8b6a-1c2d3e4f5a6b';

  it('a padded CSV region list is trimmed item by item', () => {
    const { dataset } = createTabularSources({
      workspaces: parseCsv(`id,name,scenes,regions\n${id}, L , s1 , us ; gb \n`),
    });
    expect(dataset.workspace(id)?.regions).toEqual(['us', 'gb']);
    expect(dataset.workspace(id)?.scenes).toEqual(['s1']);
  });

  it('FAULT: a padded JSON-lines region list item is trimmed too (regions are trimmed text cells)', () => {
    const { dataset } = createTabularSources({
      workspaces: parseJsonLines(`{"id":"${id}","name":"L","scenes":[],"regions":[" us ","gb"],"roster":[]}\n`),
    });
    expect(dataset.workspace(id)?.regions).toEqual(['us', 'gb']);
  });
});

describe('duplicate column names', () => {
  it('CSV: a duplicate header column is CONFIG_INVALID naming the line', () => {
    const e = thrown(() => parseCsv('artist,weight,weight\na,1,100\n', { source: 'e.csv' }));
    expect(e?.code).toBe('CONFIG_INVALID');
    expect(e?.message).toContain('e.csv line 1');
    expect(e?.message).toContain('duplicate header column "weight"');
  });

  it('FAULT: JSON lines: a repeated key in one object is CONFIG_INVALID naming the line, not a silent last-wins', () => {
    const e = thrown(() =>
      parseJsonLines('{"artist":"a","weight":1}\n{"artist":"a","weight":1,"weight":100}\n', { source: 'e.jsonl' }),
    );
    expect(e?.code).toBe('CONFIG_INVALID');
    expect(e?.message).toContain('e.jsonl line 2');
  });
});

describe('streaming reads exactly what the whole-text parse reads', () => {
  const enc = new TextEncoder();
  async function streamed(text: string, pieces: (b: Uint8Array) => (Uint8Array | string)[], format: 'csv' | 'jsonl') {
    async function* gen() {
      yield* pieces(enc.encode(text));
    }
    const rows: unknown[] = [];
    const lines: number[] = [];
    for await (const b of streamTable(gen(), { format })) {
      rows.push(...b.rows.map((r) => ({ ...r })));
      lines.push(...b.lines);
    }
    return { rows, lines };
  }
  const bytes1 = (b: Uint8Array) => [...b].map((x) => new Uint8Array([x]));
  const bytes2 = (b: Uint8Array) =>
    Array.from({ length: Math.ceil(b.length / 2) }, (_, i) => b.slice(2 * i, 2 * i + 2));
  const chars1 = (b: Uint8Array) => [...new TextDecoder().decode(b)];
  const units3 = (b: Uint8Array) => {
    const s = new TextDecoder().decode(b);
    return Array.from({ length: Math.ceil(s.length / 3) }, (_, i) => s.slice(3 * i, 3 * i + 3));
  };
  const csvTexts = [
    '\uFEFFa,b\r\n1,"x\r\ny"\r\n\r\n2,"q""q"\r\n3,\r\n',
    'a,b\r1,2\r\r3,"4\r5"\r',
    '\uFEFF"a",b\n"1",2\n',
    'a,b\n"é😀",ü\n\n',
    'a,b\n1,2',
    'a,b\n1,"2\n"\n\n\n4,"\uFEFF5"\n',
    'a,b\n12" vinyl,"米津玄師, 방탄"\n',
  ];
  for (const [k, text] of csvTexts.entries())
    it(`CSV text ${k} in pieces of 1 byte, 2 bytes, 1 character and 3 code units`, async () => {
      const t = parseCsv(text);
      const whole = { rows: t.rows.map((r) => ({ ...r })), lines: [...t.lines] };
      for (const split of [bytes1, bytes2, chars1, units3]) expect(await streamed(text, split, 'csv')).toEqual(whole);
    });

  it('JSON lines with a BOM, CRLF, blank lines and multi-byte text, a byte at a time', async () => {
    const text = '\uFEFF{"a":1}\r\n\r\n{"a":"é😀"}\n{"a":2}';
    const t = parseJsonLines(text);
    expect(await streamed(text, bytes1, 'jsonl')).toEqual({ rows: t.rows.map((r) => ({ ...r })), lines: [...t.lines] });
    expect(t.lines).toEqual([1, 3, 4]);
  });

  it('a ragged row and an unclosed quote are CONFIG_INVALID with their line', () => {
    expect(thrown(() => parseCsv('a,b\n1,2\n3\n', { source: 'x.csv' }))?.message).toContain('x.csv line 3');
    expect(thrown(() => parseCsv('a,b\n1,2\n3,"4\n5\n', { source: 'x.csv' }))?.message).toContain('x.csv line 3');
  });

  it('a gzip-free file with CRLF and a BOM imports from disk with the same rows', async () => {
    const p = join(dir, 'events.csv');
    writeFileSync(
      p,
      '\uFEFFartist,id,type,at,weight,region\r\nnova,e1,radio_play,2025-03-01,"1e3",\r\n\r\nnova,e2,radio_play,2025-03-02T10:00:00+02:00, 12 ,uk\r\n',
    );
    const { report, dataset } = await createTabularSourcesFromFiles({ events: p });
    expect(report.tables.events).toMatchObject({ read: 2, accepted: 2, rejected: 0 });
    expect(dataset.artistHistory('nova')!.events.map((e) => [e.id, e.weight, e.at, e.region])).toEqual([
      ['e1', 1000, '2025-03-02T00:00:00.000Z', null],
      ['e2', 12, '2025-03-02T10:00:00+02:00', 'uk'],
    ]);
  });
});

describe('numbers', () => {
  const ev = (weight: string) =>
    createTabularSources(
      {
        events: parseCsv(`artist,id,type,at,weight,region\nnova,e1,radio_play,2025-03-01,"${weight}",\n`, {
          source: 'e.csv',
        }),
      },
      { onInvalidRow: 'skip' },
    );
  it.each([
    ['1e3', 1000],
    [' 12 ', 12],
    ['.5', 0.5],
    ['5.', 5],
    ['+7', 7],
    ['1E+2', 100],
  ])('%j reads as %d', (text, value) => {
    expect(ev(text).dataset.artistHistory('nova')!.events[0]!.weight).toBe(value);
  });
  it.each(['', '  ', '0x1F', '1,000', 'Infinity', 'NaN', '1e999', '-1', '1e10'])(
    '%j is a rejected row with line and column',
    (text) => {
      const { report } = ev(text);
      expect(report.tables.events).toMatchObject({ accepted: 0, rejected: 1 });
      expect(report.tables.events!.rejections[0]).toMatchObject({ line: 2, column: 'weight', source: 'e.csv' });
    },
  );
});

describe('as of: a value dated D is known at the end of D', () => {
  const t = createTabularSources({
    events: parseCsv(
      'artist,id,type,at,weight,region\nnova,d,radio_play,2025-03-01,1,\nnova,o,radio_play,2025-03-01T23:30:00-01:00,1,\n',
    ),
    engagement: parseCsv('artist,day,organic,paid\nnova,2025-03-01,10,\nnova,2025-03-02,20,1\n'),
  });
  const ids = async (iso: string) =>
    [...((await t.sources.rcf!.getEvents(['nova'], at(iso))).get('nova') ?? [])].map((e) => e.id);

  it('the bare-day event is not returned at D 00:00 or noon, and is at D+1 00:00; the offset instant is compared as an instant', async () => {
    expect(await ids('2025-03-01T00:00:00Z')).toEqual([]);
    expect(await ids('2025-03-01T12:00:00Z')).toEqual([]);
    expect(await ids('2025-03-02T00:00:00Z')).toEqual(['d']);
    // 2025-03-01T23:30-01:00 is 2025-03-02T00:30Z
    expect(await ids('2025-03-02T00:30:00Z')).toEqual(['d', 'o']);
  });

  it('engagement of D appears at D+1 00:00, not before; the derived first_seen is the end of the earliest day', async () => {
    const get = async (iso: string) => (await t.sources.fusion!.getEngagement(['nova'], at(iso))).get('nova');
    expect((await get('2025-03-01T23:59:59.999Z'))?.organic ?? []).toEqual([]);
    expect(await get('2025-03-02T00:00:00Z')).toEqual({ start: '2025-03-01', organic: [10], paid: [null] });
    expect((await get('2025-03-03T00:00:00Z'))?.organic).toEqual([10, 20]);
    expect(t.dataset.artistRecord('nova')?.firstSeen).toBe('2025-03-02T00:00:00.000Z');
  });
});

describe('aggregation', () => {
  it('engagement: max per column by default, blanks never count; coherence: mean; events: the last row', () => {
    const { dataset, report } = createTabularSources({
      engagement: parseCsv('artist,day,organic,paid\nnova,2025-03-01,10,\nnova,2025-03-01,,3\nnova,2025-03-01,7,\n'),
      coherence: parseCsv('artist,day,value\nnova,2025-03-01,0.2\nnova,2025-03-01,\nnova,2025-03-01,0.4\n'),
      events: parseCsv(
        'artist,id,type,at,weight,region\nnova,x,radio_play,2025-03-01,1,us\nnova,,radio_play,2025-03-01,5,\nnova,x,radio_play,2025-03-01,2,\n',
      ),
    });
    const h = dataset.artistHistory('nova')!;
    expect(h.engagement).toEqual({ start: '2025-03-01', organic: [10], paid: [3] });
    expect(h.coherence.values[0]).toBeCloseTo(0.3, 12);
    expect(h.events.map((e) => [e.id, e.weight, e.region])).toEqual([
      ['nova-e1', 5, null],
      ['x', 2, null],
    ]);
    for (const name of ['engagement', 'coherence', 'events'] as const) {
      const r = report.tables[name]!;
      expect(r.mapped).toBe(r.accepted + r.rejected + r.combined);
    }
  });

  it('collaborators in either order: as of T the weight known at T, dated by the earliest since', async () => {
    const { sources } = createTabularSources(
      {
        collaborators: parseCsv(
          'artist_a,artist_b,weight,since\nnova,pale,1,2025-01-01\npale,nova,2,2025-02-01\nnova,pale,4,2025-03-01\n',
        ),
      },
      { aggregate: { collaborators: 'sum' } },
    );
    const link = async (iso: string) =>
      (await sources.mig!.getNetworks(['nova'], at(iso))).get('nova')?.collaborators ?? [];
    expect(await link('2025-01-01T12:00:00Z')).toEqual([]);
    expect(await link('2025-01-02T00:00:00Z')).toEqual([
      { artist: 'pale', weight: 1, since: '2025-01-02T00:00:00.000Z' },
    ]);
    expect(await link('2025-02-15T00:00:00Z')).toEqual([
      { artist: 'pale', weight: 3, since: '2025-01-02T00:00:00.000Z' },
    ]);
    expect(await link('2025-04-01T00:00:00Z')).toEqual([
      { artist: 'pale', weight: 7, since: '2025-01-02T00:00:00.000Z' },
    ]);
  });
});

describe('the map hook', () => {
  it('null and [] drop the line, an array splits it, a Promise and a throw reject it; the counts add up', async () => {
    let late = 0;
    const map: TabularRowMap<'events'> = (row) => {
      const k = String(row.k);
      if (k === 'null') return null;
      if (k === 'empty') return [];
      if (k === 'throw') throw 'plain string';
      if (k === 'async') return Promise.reject(new Error('late')).finally(() => late++) as never;
      const base = { type: 'radio_play', at: String(row.at), weight: 1, region: null };
      if (k === 'two')
        return [
          { ...base, artist: 'nova' },
          { ...base, artist: '' },
        ];
      return { ...base, artist: slugify(k) };
    };
    const { report, dataset } = createTabularSources(
      {
        events: parseCsv(
          'k,at\nnull,2025-03-01\nempty,2025-03-01\nthrow,2025-03-01\nasync,2025-03-01\ntwo,2025-03-01\n米津玄師,2025-03-01\n',
        ),
      },
      { map: { events: map }, onInvalidRow: 'skip' },
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(late).toBe(1);
    const r = report.tables.events!;
    expect(r).toMatchObject({ read: 6, dropped: 2, mapped: 5, accepted: 2, rejected: 3, combined: 0 });
    expect(r.mapped).toBe(r.accepted + r.rejected + r.combined);
    expect(r.rejections.map((x) => x.line)).toEqual([4, 5, 6]);
    expect(r.rejections[2]!.message).toMatch(/^map row 2 of 2: /);
    expect(dataset.artistRecord(slugify('米津玄師'))).toBeDefined();
  });
});

describe('slugify and uniqueSlugs', () => {
  const PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  const names = [
    '米津玄師',
    'ヨアソビ',
    'ｶﾀｶﾅ',
    '방탄소년단',
    'فيروز',
    'עומר אדם',
    '🎸🔥',
    'Beyoncé',
    'Beyonce\u0301',
    'BEYONCÉ',
    'Ｂｅｙｏｎｃｅ',
    'x\u0301\u0302',
    '\u0301',
    'AC/DC',
    '!!!',
    'a'.repeat(300),
    `${'é'.repeat(200)}z`,
    'Земфира',
    'Straße',
  ];

  it('every visible name gets a valid, stable, idempotent slug of at most 128 characters', () => {
    for (const n of names) {
      const s = slugify(n);
      expect(s, n).toMatch(PATTERN);
      expect(s.length, n).toBeLessThanOrEqual(128);
      expect(slugify(n), n).toBe(s);
      expect(slugify(s), n).toBe(s);
    }
    expect(slugify('米津玄師')).toBe('u-3dcc1l62w11oc');
    expect(slugify('방탄소년단')).toBe('bangtansonyeondan');
    expect(slugify('Beyonce\u0301')).toBe('beyonce');
    expect(slugify('ｶﾀｶﾅ')).toBe(slugify('カタカナ'));
    expect(slugify('🎸🔥')).not.toBe(slugify('🔥🎸'));
    expect(['', ' ', '\u200b', '\ufeff', '\u3000'].map(slugify)).toEqual(['', '', '', '', '']);
  });

  it('uniqueSlugs keeps case, accent, punctuation and long-name variants apart, within 128 characters', () => {
    const list = [
      'ABBA',
      'Abba',
      'AC/DC',
      'AC-DC',
      'Beyoncé',
      'Beyonce',
      `${'a'.repeat(200)}1`,
      `${'a'.repeat(200)}2`,
      'ABBA',
      '米津玄師',
      '米津玄師!',
    ];
    const { slugs, byName } = uniqueSlugs(list);
    expect(slugs[8]).toBe(slugs[0]);
    const distinct = new Set(slugs.filter((_, i) => i !== 8));
    expect(distinct.size).toBe(list.length - 1);
    for (const s of slugs) {
      expect(s).toMatch(PATTERN);
      expect(s.length).toBeLessThanOrEqual(128);
    }
    expect(byName.get('Beyonce\u0301')).toBe(slugs[4]);
    // appended names never renumber the names before them
    const more = uniqueSlugs([...list, 'abba', 'Abba ', 'ＡＢＢＡ']).slugs;
    expect(more.slice(0, list.length)).toEqual(slugs);
    expect(more[list.length + 1]).toBe(slugs[1]);
  });
});

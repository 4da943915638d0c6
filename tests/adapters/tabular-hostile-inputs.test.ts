/**
 * The tabular import given hostile inputs: numeric cells that `Number()` would read but a decimal
 * reader must not (hex, binary, octal), and options of the wrong shape (null, a file path where a
 * table or a stream is expected), each a `CONFIG_INVALID` error or a rejected row rather than a raw
 * TypeError (or a path silently opened).
 */
import { describe, expect, it } from 'vitest';
import {
  createTabularSources,
  createTabularSourcesFromFiles,
  createTabularSourcesFromStreams,
  parseCsv,
  TABULAR_ROW_SCHEMAS,
  type TabularSourcesOptions,
  type TabularStreams,
  type TabularTables,
} from 'scene-radar/adapters/tabular';
import { FAST_ROWS } from '../../adapters/tabular/fast-rows.js';
import { CSV, failure, tempTableFolder } from './tabular-fixture.js';

const artists = parseCsv(CSV.artists, { source: 'artists.csv' });
const folder = tempTableFolder('scene-radar-tabular-hostile-');

/** Engagement rows whose `organic` cells are `cells`, one line each (line 2 onwards). */
function engagement(cells: readonly string[]) {
  const lines = cells.map((c, i) => `nova-static,2025-01-${String(i + 1).padStart(2, '0')},"${c}",0`);
  return parseCsv(['artist,day,organic,paid', ...lines].join('\n'), { source: 'engagement.csv' });
}

describe('tabular numeric cells are decimal', () => {
  it('rejects hex, binary and octal cells with the line and column, like any other non-number', () => {
    const radix = ['0x1F', '0b11', '0o17', '0X1f', ' 0x10 ', '-0x10', '+0b1'];
    const { report } = createTabularSources({ artists, engagement: engagement(radix) }, { onInvalidRow: 'skip' });
    expect(report.tables.engagement).toMatchObject({ read: radix.length, accepted: 0, rejected: radix.length });
    expect(report.tables.engagement?.rejections.map((r) => [r.source, r.line, r.column, r.message])).toEqual(
      radix.map((c, i) => [
        'engagement.csv',
        i + 2,
        'organic',
        `organic: expected a number, found ${JSON.stringify(c)}`,
      ]),
    );
    const e = failure(() => createTabularSources({ artists, engagement: engagement(['0x1F']) }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toContain('engagement.csv line 2, column organic: organic: expected a number, found "0x1F"');
  });

  it('accepts ordinary decimal and exponent forms, and refuses non-finite or odd text', () => {
    const weight = (cell: unknown) =>
      TABULAR_ROW_SCHEMAS.collaborators.safeParse({
        artist_a: 'a',
        artist_b: 'b',
        weight: cell,
        since: '2025-01-01',
      });
    for (const [cell, value] of [
      ['12', 12],
      [' 12 ', 12],
      ['+5', 5],
      ['.5', 0.5],
      ['5.', 5],
      ['1.25', 1.25],
      ['1e3', 1000],
      ['2.5E-1', 0.25],
      ['007', 7],
      [3, 3],
    ] as const)
      expect(weight(cell).data?.weight, String(cell)).toBe(value);
    for (const cell of [
      '0x1F',
      '0b11',
      '0o17',
      'Infinity',
      '-Infinity',
      'NaN',
      '1_000',
      '1e',
      'e3',
      '.',
      '+',
      '1 2',
      '',
      ' ',
    ])
      expect(weight(cell).error?.issues[0]?.message, cell).toBe(`expected a number, found ${JSON.stringify(cell)}`);
    expect(weight(Number.POSITIVE_INFINITY).success).toBe(false);
  });

  it('reads vector components as decimals too', () => {
    const vector = (cell: string) =>
      TABULAR_ROW_SCHEMAS.releases.safeParse({ artist: 'a', released_at: '2025-01-02', vector: cell, microgenres: '' });
    expect(vector('0.5; 1e-2 -3').data?.vector).toEqual([0.5, 0.01, -3]);
    expect(vector('1;0x1F').error?.issues[0]?.message).toBe('vector component 2 is not a number: "0x1F"');
    expect(vector('0b1 2').error?.issues[0]?.message).toBe('vector component 1 is not a number: "0b1"');
  });

  it('the events shortcut declines radix weights, so the schema rejects them', () => {
    const fast = FAST_ROWS.events!();
    const row = { artist: 'nova-static', type: 'radio_play', at: '2025-01-01', region: 'uk' };
    expect(fast({ ...row, weight: '2.5' })?.weight).toBe(2.5);
    for (const weight of ['0x10', '0b1', '0o7']) expect(fast({ ...row, weight }), weight).toBeUndefined();
  });
});

describe('createTabularSources options of the wrong shape', () => {
  const shapes: readonly [string, unknown, RegExp][] = [
    ['null', null, /tables must be an object of tables by name, found null/],
    ['undefined', undefined, /tables must be an object of tables by name, found undefined/],
    ['a string', 'artists.csv', /tables must be an object of tables by name, found a string/],
    ['an array', [[]], /tables must be an object of tables by name, found an array/],
  ];
  for (const [what, tables, message] of shapes)
    it(`refuses ${what} for the tables with CONFIG_INVALID`, () => {
      const e = failure(() => createTabularSources(tables as TabularTables));
      expect(e.code).toBe('CONFIG_INVALID');
      expect(e.message).toMatch(message);
    });

  const inputs: readonly [string, unknown, string][] = [
    [
      'a file path',
      'a.csv',
      'a string ("a.csv"): read the file first (readTable, parseCsv) or use createTabularSourcesFromFiles',
    ],
    ['null', null, 'null'],
    ['a number', 42, 'a number'],
    ['an object without a rows array', { columns: [] }, 'an object without a rows array'],
    ['rows that are not an array', { rows: 'x', lines: [] }, 'an object without a rows array'],
    ['lines that are not an array', { rows: [], lines: 'x' }, 'a table whose lines is not an array'],
  ];
  for (const [what, input, found] of inputs)
    it(`refuses ${what} where a table is expected, naming the table`, () => {
      const e = failure(() => createTabularSources({ artists: input } as unknown as TabularTables));
      expect(e.code).toBe('CONFIG_INVALID');
      expect(e.message).toContain(
        `createTabularSources: table "artists" must be a parsed table or an array of rows, found ${found}`,
      );
    });

  it('refuses options that are not an object with CONFIG_INVALID', () => {
    for (const options of [null, 'skip', 3]) {
      const e = failure(() => createTabularSources({}, options as unknown as TabularSourcesOptions));
      expect(e.code).toBe('CONFIG_INVALID');
      expect(e.message).toMatch(/createTabularSources: options must be an object/);
    }
    const e = failure(() => createTabularSources({}, { map: 'x' } as unknown as TabularSourcesOptions));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/map must be an object of functions by table name/);
    const f = failure(() => createTabularSources({}, { map: { events: 'x' } } as unknown as TabularSourcesOptions));
    expect(f.message).toMatch(/map\.events must be a function/);
    const g = failure(() => createTabularSources({}, { aggregate: 'max' } as unknown as TabularSourcesOptions));
    expect(g.message).toMatch(/aggregate must be an object of rules by table name/);
  });

  it('the file and stream importers refuse tables that are not an object with CONFIG_INVALID, naming themselves', async () => {
    for (const [name, create] of [
      ['createTabularSourcesFromFiles', createTabularSourcesFromFiles],
      ['createTabularSourcesFromStreams', createTabularSourcesFromStreams],
    ] as const)
      for (const given of [null, undefined, 'artists.csv', []]) {
        const error = await (create as (x: unknown) => Promise<unknown>)(given).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
        expect((error as Error).message).toMatch(new RegExp(`^${name}: \\w+ must be an object`));
      }
  });

  it('the file importer refuses a table that is neither a path nor { path }, naming the table', async () => {
    for (const [file, found] of [
      [null, 'null'],
      [42, 'a number'],
      [{}, 'an object'],
      [{ path: 7 }, 'an object'],
      [['a.csv'], 'an array'],
    ] as const) {
      const error = await createTabularSourcesFromFiles({ artists: file } as never).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, found).toMatchObject({ code: 'CONFIG_INVALID' });
      expect((error as Error).message).toMatch(
        /^createTabularSourcesFromFiles: artists must be a file path or \{ path, \.\.\. \}, found /,
      );
    }
  });

  it('the stream importer refuses a file path (or anything else that is not bytes) as a stream, naming the field, and opens nothing', async () => {
    // A real file: read as a path, it would load without complaint.
    const path = folder.file('events.csv', CSV.events);
    const refused = async (streams: unknown): Promise<string> => {
      const error = await createTabularSourcesFromStreams(streams as TabularStreams).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      return (error as Error).message;
    };
    const bytes = 'must be a byte source (a Node readable, a web ReadableStream, an async iterable of bytes or text)';
    expect(await refused({ events: { input: path, format: 'csv' } })).toBe(
      `createTabularSourcesFromStreams: events.input ${bytes}, found a string (${JSON.stringify(path)}): ` +
        'to read a file by its path, use createTabularSourcesFromFiles',
    );
    for (const [input, found] of [
      [null, 'null'],
      [undefined, 'undefined'],
      [42, 'a number'],
      [{ pipe: () => undefined }, 'an object'],
    ] as const)
      expect(await refused({ events: { input, format: 'csv' } }), found).toBe(
        `createTabularSourcesFromStreams: events.input ${bytes}, found ${found}`,
      );
    // A spec given as the path alone is refused too, naming the table.
    expect(await refused({ artists: 'artists.csv' })).toBe(
      'createTabularSourcesFromStreams: artists must be an object ({ input, format }), found a string ("artists.csv")',
    );
  });

  it('still builds from well-formed inputs: undefined tables skipped, a hand-made table without lines', () => {
    const { report } = createTabularSources({ artists, events: undefined });
    expect(report.sources).toEqual(['mig']);
    // A table made by hand without lines: rows are numbered from 1, a non-object row is one rejection.
    const rows = [{ ...artists.rows[0] }, 'b'] as unknown as readonly Record<string, unknown>[];
    const hand = createTabularSources(
      { artists: { rows } as unknown as TabularTables['artists'] },
      { onInvalidRow: 'skip' },
    );
    expect(hand.report.tables.artists).toMatchObject({ read: 2, accepted: 1, rejected: 1 });
    expect(hand.report.tables.artists?.rejections[0]?.line).toBe(2);
  });
});

describe('streams waiting for their turn', () => {
  it('a stream that fails before its table is read (a missing file) rejects the import with CONFIG_INVALID, never an unhandled error', async () => {
    const { createReadStream, mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'tabular-streams-'));
    let csv = 'slug,name,home_region,home_city,first_seen\n';
    for (let i = 0; i < 20_000; i++) csv += `a-${i},A ${i},uk,,2024-01-01\n`;
    writeFileSync(join(dir, 'artists.csv'), csv);
    const error = await createTabularSourcesFromStreams({
      artists: { input: createReadStream(join(dir, 'artists.csv')), format: 'csv' },
      events: { input: createReadStream(join(dir, 'missing.csv')), format: 'csv' },
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toMatch(/Cannot read table events: ENOENT/);
  });
});

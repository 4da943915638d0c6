/**
 * The tabular parsers: RFC 4180 CSV edge cases and JSON lines, with line numbers in every error
 * and no way for a column name to reach `Object.prototype`.
 */
import { describe, expect, it } from 'vitest';
import { isSceneRadarError } from 'scene-radar';
import { parseCsv, parseJsonLines } from 'scene-radar/adapters/tabular';

/** The thrown error, for checking its code and message. */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    if (e instanceof Error) return e;
  }
  throw new Error('expected a throw');
}

describe('parseCsv', () => {
  it('reads a header and rows, with quotes, doubled quotes and delimiters inside quotes', () => {
    const t = parseCsv('artist,title,weight\nnova-static,"Hello, ""world""",3\npale-harbour,,1\n');
    expect(t.columns).toEqual(['artist', 'title', 'weight']);
    expect(t.rows.map((r) => ({ ...r }))).toEqual([
      { artist: 'nova-static', title: 'Hello, "world"', weight: '3' },
      { artist: 'pale-harbour', title: '', weight: '1' },
    ]);
    expect(t.lines).toEqual([2, 3]);
  });

  it('handles CRLF, LF, a missing final newline and a byte-order mark', () => {
    const t = parseCsv('\uFEFFa,b\r\n1,2\r\n3,4');
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.rows.map((r) => [r.a, r.b])).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(parseCsv('a,b\n1,2\r\n3,4\n').rows).toHaveLength(2);
  });

  it('keeps newlines inside quoted cells and counts lines past them', () => {
    const t = parseCsv('a,b\n"line one\nline two",x\r\n"crlf\r\ninside",y\nlast,z\n');
    expect(t.rows[0]?.a).toBe('line one\nline two');
    expect(t.rows[1]?.a).toBe('crlf\r\ninside');
    expect(t.lines).toEqual([2, 4, 6]);
  });

  it('skips empty lines but keeps a row of empty cells', () => {
    const t = parseCsv('a,b\n\n1,2\n\n,\n');
    expect(t.rows.map((r) => [r.a, r.b])).toEqual([
      ['1', '2'],
      ['', ''],
    ]);
    expect(t.lines).toEqual([3, 5]);
  });

  it('rejects a ragged row, naming its line and the source', () => {
    const e = thrown(() => parseCsv('a,b\n1,2\n"multi\nline",2\n1,2,3\n', { source: 'events.csv' }));
    expect(isSceneRadarError(e) && e.code).toBe('CONFIG_INVALID');
    expect(e.message).toBe('events.csv line 5: expected 2 cells (as in the header), found 3');
    expect(thrown(() => parseCsv('a,b\n1\n')).message).toMatch(/^line 2: expected 2 cells/);
  });

  it('rejects an unclosed quote at the line it opens, and text after a closing quote', () => {
    expect(thrown(() => parseCsv('a,b\n1,2\n3,"open\n\n')).message).toMatch(/^line 3: a quoted cell is never closed/);
    expect(thrown(() => parseCsv('a,b\n"x"y,2\n')).message).toMatch(
      /^line 2: expected a delimiter or a line end after a closing quote/,
    );
  });

  it('keeps a quote inside an unquoted cell as text', () => {
    expect(parseCsv('size,n\n12" vinyl,1\n').rows[0]?.size).toBe('12" vinyl');
  });

  it('rejects duplicate and empty header names', () => {
    expect(thrown(() => parseCsv('a,b,a\n1,2,3\n')).message).toMatch(/duplicate header column "a"/);
    expect(thrown(() => parseCsv('a,,b\n1,2,3\n')).message).toMatch(/header column 2 has no name/);
  });

  it('takes another delimiter and trims header names', () => {
    const t = parseCsv(' artist \tday\nnova-static\t2025-01-01\n', { delimiter: '\t' });
    expect(t.rows[0]?.artist).toBe('nova-static');
    expect(() => parseCsv('a', { delimiter: '"' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('does not let a __proto__ or constructor header pollute anything', () => {
    const t = parseCsv('__proto__,constructor,polluted\n{"x":1},evil,yes\n');
    const row = t.rows[0]!;
    expect(Object.getPrototypeOf(row)).toBeNull();
    // biome-ignore lint/suspicious/noProto: the row has a null prototype, so `__proto__` here is the CSV column read as data (the pollution check)
    expect(row.__proto__).toBe('{"x":1}');
    expect(row.constructor).toBe('evil');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('x');
  });

  it('returns no rows for empty text or a header alone', () => {
    expect(parseCsv('').rows).toEqual([]);
    expect(parseCsv('a,b\n').rows).toEqual([]);
    expect(parseCsv('a,b\n').columns).toEqual(['a', 'b']);
  });

  it('ends a row with a trailing delimiter with one empty cell', () => {
    expect(parseCsv('a,b\n1,').rows[0]?.b).toBe('');
  });
});

describe('parseJsonLines', () => {
  it('reads one object per line, skipping blank lines, with line numbers', () => {
    const t = parseJsonLines(
      '\uFEFF{"artist":"nova-static","weight":3}\r\n\n   \n{"artist":"pale-harbour","tags":["a"]}',
    );
    expect(t.rows.map((r) => ({ ...r }))).toEqual([
      { artist: 'nova-static', weight: 3 },
      { artist: 'pale-harbour', tags: ['a'] },
    ]);
    expect(t.lines).toEqual([1, 4]);
    expect(t.columns).toEqual(['artist', 'weight', 'tags']);
  });

  it('names the line of invalid JSON or a non-object', () => {
    const bad = thrown(() => parseJsonLines('{"a":1}\n{"a":\n', { source: 'x.jsonl' }));
    expect(isSceneRadarError(bad) && bad.code).toBe('CONFIG_INVALID');
    expect(bad.message).toMatch(/^x\.jsonl line 2: not valid JSON/);
    expect(thrown(() => parseJsonLines('{"a":1}\n\n[1,2]\n')).message).toBe(
      'line 3: expected a JSON object, found an array',
    );
    expect(thrown(() => parseJsonLines('null')).message).toBe('line 1: expected a JSON object, found null');
  });

  it('keeps a "__proto__" key as data', () => {
    const row = parseJsonLines('{"__proto__":{"polluted":true},"a":1}').rows[0]!;
    expect(Object.getPrototypeOf(row)).toBeNull();
    // biome-ignore lint/suspicious/noProto: the row has a null prototype, so `__proto__` here is the JSON key read as data (the pollution check)
    expect(row.__proto__).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

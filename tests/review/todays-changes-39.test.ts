/**
 * Review of the day's changes 39 (dec4982): the one repeated-JSON-key scanner
 * `src/core/json-keys.ts` `repeatedJsonKey(text, { topLevelOnly })` replacing the JSON-lines copy
 * (`repeatedKey`, adapters/tabular/json-lines.ts, behind the `colonsIn` prefilter) and the CLI copy
 * (`repeatedJsonKey`, src/cli/manifest.ts, used by `parseJsonFile`); and the Redis generation
 * scripts `BUMP_GENERATION` / `READ_GENERATION` (adapters/redis/cache-tier.ts) sharing one
 * `ENSURE_GENERATION` snippet.
 *
 * Method: both previous copies (from dec4982~1) are copied verbatim below and compared with the
 * new scanner on random documents (escaped keys, quotes, backslash runs, braces and colons inside
 * strings, whitespace before colons, arrays of objects); JSON-lines rows through `parseJsonLines`
 * and `streamTable` (prefilter, `__proto__`, BOM, CRLF, long lines, rows cut into pieces); the
 * manifest through `readDataFolder` and `parseJsonFile` (repeats at every level, BOM, CRLF,
 * escapes); the Lua scripts of dec4982~1 against the ones now in cache-tier.ts (read from the
 * source, `${ENSURE_GENERATION}` substituted) run side by side on Redis, and the tier's generation
 * end to end. Redis keys live under `tc39:<random>:`, dropped afterwards.
 *
 * FAULTS: none. The new scanner is the CLI copy with one option; `topLevelOnly` compares the same
 * keys as the JSON-lines copy's `depth === 1` for every object row (the only input it gets), and the
 * `colonsIn` prefilter is sound (each top-level key occurrence has its own colon, so a row repeating
 * a key has more colons than distinct keys). The Lua scripts return and store the same as before
 * in every case tried (missing, numeric, non-numeric, empty, expiring, wrong-type counters).
 *
 * Notes (not faults, no test can pin them safely):
 * - `repeatedJsonKey` loops forever on an unterminated string (`indexOf` gives -1, `i` restarts
 *   at 0, `open` grows without bound). Its TSDoc requires valid JSON, and both callers parse first,
 *   as the old copies did; a guard (`if (end === -1) return undefined`) would make the exported
 *   core function safe for a future caller.
 * - With `topLevelOnly`, a top-level array's objects are not compared (`[{"a":1,"a":2}]` gives
 *   undefined); the TSDoc's "the outermost object" could be read either way. Unreachable from
 *   JSON-lines (a row must be an object), pinned below as it behaves.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { repeatedJsonKey } from '../../src/core/json-keys.js';
import { parseJsonFile, readDataFolder } from '../../src/cli/manifest.js';
import { DataFileError } from '../../src/cli/io.js';
import { parseJsonLines, streamTable } from '../../adapters/tabular/index.js';
import { SceneRadarError } from '../../src/core/errors.js';
import type { CacheEntry } from '../../src/core/cache/cache-store.js';
import { createRedisCacheTier, type RedisCacheTier } from '../../adapters/redis/index.js';
import { dropPrefix, lazyTestRedis } from '../helpers/redis-test.js';

// ---------------------------------------------------------------------------------------------
// The previous copies (dec4982~1), verbatim but for names.
// ---------------------------------------------------------------------------------------------

/** adapters/tabular/json-lines.ts `repeatedKey` at dec4982~1. */
function oldJsonLinesRepeatedKey(text: string): string | undefined {
  const seen = new Set<string>();
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let end = text.indexOf('"', i + 1);
      for (;;) {
        let b = end - 1;
        while (text.charCodeAt(b) === 0x5c) b--;
        if ((end - 1 - b) % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (depth === 1) {
        let k = end + 1;
        while (k < text.length && ' \t\r\n'.includes(text[k] ?? '')) k++;
        if (text.charCodeAt(k) === 0x3a) {
          const body = text.slice(i + 1, end);
          const key = body.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : body;
          if (seen.has(key)) return key;
          seen.add(key);
        }
      }
      i = end + 1;
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
    i++;
  }
  return undefined;
}

/** src/cli/manifest.ts `repeatedJsonKey` at dec4982~1. */
function oldManifestRepeatedJsonKey(text: string): { readonly key: string; readonly offset: number } | undefined {
  const open: (Set<string> | null)[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let end = text.indexOf('"', i + 1);
      for (;;) {
        let b = end - 1;
        while (text.charCodeAt(b) === 0x5c) b--;
        if ((end - 1 - b) % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      const keys = open[open.length - 1];
      if (keys) {
        let k = end + 1;
        while (k < text.length && ' \t\r\n'.includes(text[k] ?? '')) k++;
        if (text.charCodeAt(k) === 0x3a) {
          const body = text.slice(i + 1, end);
          const key = body.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : body;
          if (keys.has(key)) return { key, offset: i };
          keys.add(key);
        }
      }
      i = end + 1;
      continue;
    }
    if (c === 0x7b) open.push(new Set());
    else if (c === 0x5b) open.push(null);
    else if (c === 0x7d || c === 0x5d) open.pop();
    i++;
  }
  return undefined;
}

/** The old JSON-lines refusal as a whole: the prefilter, then the old scanner. */
function oldRowRefusal(raw: string): string | undefined {
  const value = JSON.parse(raw) as Record<string, unknown>;
  let colons = 0;
  for (let i = raw.indexOf(':'); i !== -1; i = raw.indexOf(':', i + 1)) colons++;
  return colons > Object.entries(value).length ? oldJsonLinesRepeatedKey(raw) : undefined;
}

/**
 * A reference independent of both: a recursive JSON reader listing, per object, its keys decoded
 * by `JSON.parse`; the first repeat in document order (and, top-level only, the outer object's).
 */
function reference(text: string, topLevelOnly: boolean): { key: string; offset: number } | undefined {
  let i = 0;
  let found: { key: string; offset: number } | undefined;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i] ?? '')) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (objectDepth: number): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const keys = new Set<string>();
      const compare = !topLevelOnly || objectDepth === 0;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        const at = i;
        const k = str();
        if (compare && keys.has(k) && !found) found = { key: k, offset: at };
        keys.add(k);
        ws();
        i++; // ':'
        value(objectDepth + 1);
        ws();
        if (text[i++] === '}') return;
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      // An array is not an object: with topLevelOnly, a top-level array's objects are not compared.
      for (;;) {
        value(objectDepth + 1);
        ws();
        if (text[i++] === ']') return;
      }
    } else if (c === '"') str();
    else while (i < text.length && !',]} \t\r\n'.includes(text[i] ?? '')) i++;
  };
  value(0);
  return found;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Raw JSON string literals used as keys; several decode to one key. */
const KEYS = [
  '"a"',
  '"\\u0061"',
  '"\\u0041"',
  '"A"',
  '"b"',
  '"a:b"',
  '"a\\u003ab"',
  '"\\\\"',
  '"\\u005c"',
  '"\\""',
  '"\\u0022"',
  '"{"',
  '"}"',
  '"["',
  '"é"',
  '"\\u00e9"',
  '"e\\u0301"',
  '"😀"',
  '"\\ud83d\\ude00"',
  '"\\uD83D\\uDE00"',
  '"\\ud800"',
  '"__proto__"',
  '"\\u005f_proto__"',
  '"a\\\\"',
  '"\\\\\\""',
  '"a\\/b"',
  '"a/b"',
  '""',
];
const VALUES = [
  '1',
  '-2.5e3',
  'true',
  'null',
  '"s"',
  '"a"',
  '"\\"}{[:"',
  '"\\\\"',
  '"x\\u0022:"',
  '"a\\":1,\\"a\\":2"',
  '"::::::"',
  '"}}]]"',
];

function generator(seed: number): (depth: number) => string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const ws = (): string => pick(['', '', ' ', '\r\n', '\t', '\n  ']);
  const gen = (depth: number): string => {
    const k = r();
    if (depth > 3 || k < 0.3) return pick(VALUES);
    if (k < 0.6) {
      const n = Math.floor(r() * 4);
      return `[${ws()}${Array.from({ length: n }, () => gen(depth + 1)).join(`${ws()},${ws()}`)}${ws()}]`;
    }
    return object(depth);
  };
  const object = (depth: number): string => {
    const n = Math.floor(r() * 5);
    return `{${ws()}${Array.from({ length: n }, () => `${pick(KEYS)}${ws()}:${ws()}${gen(depth + 1)}`).join(`,${ws()}`)}${ws()}}`;
  };
  return (depth: number) => (depth === 0 ? object(0) : gen(depth));
}

// ---------------------------------------------------------------------------------------------
// The scanner against the old copies and a reference
// ---------------------------------------------------------------------------------------------

describe('repeatedJsonKey against the previous copies', () => {
  it('full mode: same key and offset as the old CLI copy and the reference on random documents', () => {
    const gen = generator(39);
    let repeats = 0;
    for (let t = 0; t < 1500; t++) {
      const doc = t % 2 === 0 ? gen(0) : `[${gen(0)},${gen(1)}]`;
      JSON.parse(doc);
      const got = repeatedJsonKey(doc);
      if (got) repeats++;
      expect(got, doc).toEqual(oldManifestRepeatedJsonKey(doc));
      expect(got, doc).toEqual(reference(doc, false));
    }
    expect(repeats).toBeGreaterThan(100);
  });

  it('topLevelOnly: same key as the old JSON-lines copy (depth 1) and the reference on random object rows', () => {
    const gen = generator(3939);
    let repeats = 0;
    let nestedOnly = 0;
    for (let t = 0; t < 1500; t++) {
      const row = gen(0);
      JSON.parse(row);
      const got = repeatedJsonKey(row, { topLevelOnly: true });
      if (got) repeats++;
      else if (repeatedJsonKey(row)) nestedOnly++;
      expect(got?.key, row).toBe(oldJsonLinesRepeatedKey(row));
      expect(got, row).toEqual(reference(row, true));
    }
    expect(repeats).toBeGreaterThan(100);
    expect(nestedOnly).toBeGreaterThan(10);
  });

  it('the TSDoc examples', () => {
    expect(repeatedJsonKey('{"a":1,"b":{"a":2},"a":3}')).toEqual({ key: 'a', offset: 19 });
    expect(repeatedJsonKey('{"a":{"b":1,"b":2}}', { topLevelOnly: true })).toBeUndefined();
    expect(repeatedJsonKey('{"a":{"b":1,"b":2}}')).toEqual({ key: 'b', offset: 12 });
  });

  it('keys equal after JSON.parse are one key; keys JSON.parse keeps apart are not', () => {
    const same = [
      ['"a"', '"\\u0061"'],
      ['"é"', '"\\u00E9"'],
      ['"😀"', '"\\ud83d\\ude00"'],
      ['"\\uD83D\\uDE00"', '"\\ud83d\\ude00"'],
      ['"\\ud800"', '"\\uD800"'],
      ['"a/b"', '"a\\/b"'],
      ['"__proto__"', '"\\u005f_proto__"'],
      ['"a\\"b"', '"a\\u0022b"'],
      ['"a\\\\"', '"a\\u005c"'],
      ['"x:y"', '"x\\u003ay"'],
    ] as const;
    for (const [k1, k2] of same) {
      const doc = `{${k1}:1,${k2}:2}`;
      // What JSON.parse does: one own key, the last value.
      const parsed = JSON.parse(doc) as Record<string, unknown>;
      expect(Object.keys(parsed), doc).toHaveLength(1);
      expect(repeatedJsonKey(doc), doc).toEqual({ key: JSON.parse(k1) as string, offset: k1.length + 4 });
      expect(repeatedJsonKey(doc, { topLevelOnly: true })?.key, doc).toBe(JSON.parse(k1) as string);
    }
    const apart = [
      ['"a"', '"A"'],
      ['"é"', '"e\\u0301"'],
      ['"\\ud800"', '"\\udc00"'],
      ['"a"', '"a "'],
      ['"a\\\\"', '"a\\\\\\\\"'],
      ['"1"', '"01"'],
      ['""', '" "'],
    ] as const;
    for (const [k1, k2] of apart) {
      const doc = `{${k1}:1,${k2}:2}`;
      expect(Object.keys(JSON.parse(doc) as object), doc).toHaveLength(2);
      expect(repeatedJsonKey(doc), doc).toBeUndefined();
    }
  });

  it('strings holding braces, brackets, colons and escaped quotes do not shift the object levels', () => {
    // Were the `}` inside the value read as closing the object, the second "a" would look top-level
    // of another object, or nested.
    const doc = '{"a":"}","b":"\\"}]:","c":{"x":"{{{"},"a":2}';
    expect(repeatedJsonKey(doc)).toEqual({ key: 'a', offset: doc.lastIndexOf('"a"') });
    expect(repeatedJsonKey(doc, { topLevelOnly: true })?.key).toBe('a');
    // A value equal to a key, followed by whitespace and a colon-like string, is not a key.
    expect(repeatedJsonKey('{"a":"a" , "b":"a:"}')).toBeUndefined();
    // Backslash runs before a quote: even runs close the string, odd ones do not.
    const runs = '{"k\\\\":1,"k\\\\\\"":2,"k\\\\":3}';
    expect(Object.keys(JSON.parse(runs) as object)).toEqual(['k\\', 'k\\"']);
    expect(repeatedJsonKey(runs)).toEqual({ key: 'k\\', offset: runs.lastIndexOf('"k\\\\"') });
  });

  it('whitespace (space, tab, CR, LF) between a key and its colon; none of the others are JSON', () => {
    const doc = '{"a"\r\n\t :1,\n"a" \t\r\n: 2}';
    expect(repeatedJsonKey(doc)).toEqual({ key: 'a', offset: doc.lastIndexOf('"a"') });
    expect(repeatedJsonKey(doc, { topLevelOnly: true })?.key).toBe('a');
    expect(() => JSON.parse('{"a"\u00a0:1}')).toThrow();
  });

  it('arrays of objects: each object has its own keys; a repeat in one of them is found (not top-level)', () => {
    const doc = '{"rows":[{"a":1},{"a":2},{"b":1,"c":[{"a":1,"a":2}]}]}';
    expect(repeatedJsonKey(doc)).toEqual({ key: 'a', offset: doc.lastIndexOf('"a"') });
    expect(repeatedJsonKey(doc, { topLevelOnly: true })).toBeUndefined();
    // After a nested object closes, the outer object's own keys are still compared.
    const back = '{"a":{"z":1},"b":[{"z":2}],"a":3}';
    expect(repeatedJsonKey(back, { topLevelOnly: true })).toEqual({ key: 'a', offset: back.lastIndexOf('"a"') });
  });

  it('topLevelOnly on a top-level array compares nothing (as the old depth-1 copy; unreachable from JSON lines)', () => {
    expect(repeatedJsonKey('[{"a":1,"a":2}]', { topLevelOnly: true })).toBeUndefined();
    expect(oldJsonLinesRepeatedKey('[{"a":1,"a":2}]')).toBeUndefined();
    expect(repeatedJsonKey('[{"a":1,"a":2}]')).toEqual({ key: 'a', offset: 8 });
    // Scalars and empty containers: nothing to compare.
    for (const doc of ['1', '"a"', 'null', '[]', '{}', '""', '"{\\"a\\":1,\\"a\\":2}"'])
      expect(repeatedJsonKey(doc), doc).toBeUndefined();
  });

  it('a very long line (300k characters, long keys, long escaped values): found at its offset', () => {
    const long = 'k'.repeat(50_000);
    const escaped = '\\"'.repeat(25_000);
    const doc = `{"${long}":"${escaped}","x":[${'1,'.repeat(20_000)}1],"${long}":"${'\\\\'.repeat(20_000)}"}`;
    JSON.parse(doc);
    expect(repeatedJsonKey(doc)).toEqual({ key: long, offset: doc.lastIndexOf(`"${long}"`) });
    expect(repeatedJsonKey(doc, { topLevelOnly: true })?.key).toBe(long);
  });
});

// ---------------------------------------------------------------------------------------------
// JSON lines: parseJsonLines / streamTable (the prefilter)
// ---------------------------------------------------------------------------------------------

function refusal(text: string): SceneRadarError | undefined {
  try {
    parseJsonLines(text, { source: 'e.jsonl' });
    return undefined;
  } catch (e) {
    if (e instanceof SceneRadarError) return e;
    throw e;
  }
}

describe('JSON lines: a repeated key in a row', () => {
  it('refuses and accepts the same rows as the old prefilter + copy on random rows, keeping every value', () => {
    const gen = generator(390);
    let refused = 0;
    for (let t = 0; t < 1500; t++) {
      const row = gen(0).replace(/[\r\n]/g, ' ');
      const want = oldRowRefusal(row);
      const e = refusal(`{"first":1}\n${row}\n`);
      if (want === undefined) {
        expect(e, row).toBeUndefined();
        const table = parseJsonLines(row);
        expect({ ...table.rows[0] }, row).toEqual({ ...(JSON.parse(row) as object) });
      } else {
        refused++;
        expect(e?.code, row).toBe('CONFIG_INVALID');
        expect(e?.message, row).toBe(`e.jsonl line 2: repeated key ${JSON.stringify(want)} in one object`);
        expect(e?.details, row).toMatchObject({ source: 'e.jsonl', line: 2 });
      }
    }
    expect(refused).toBeGreaterThan(100);
  });

  it('the fewest colons a repeat can have (one per occurrence) still pass the prefilter', () => {
    expect(refusal('{"a":1,"a":2}')?.message).toMatch(/ line 1: repeated key "a" in one object$/);
    expect(refusal('{"a":1,"\\u0061":2}')?.message).toMatch(/repeated key "a"/);
    expect(refusal('{"b":1,"a":[],"c":{},"a":null}')?.message).toMatch(/repeated key "a"/);
    expect(refusal('{"__proto__":1,"__proto__":2}')?.message).toMatch(/repeated key "__proto__"/);
    expect(refusal('{"__proto__":{},"\\u005f_proto__":{}}')?.message).toMatch(/repeated key "__proto__"/);
    // Integer-like keys are listed first by Object.entries, but still one entry per distinct key.
    expect(refusal('{"2":1,"1":1,"2":3}')?.message).toMatch(/repeated key "2"/);
  });

  it('colons in values and keys do not hide a repeat nor invent one', () => {
    expect(refusal('{"at":"2025-01-01T00:00:00Z","url":"http://x:8080/a:b"}')).toBeUndefined();
    expect(refusal('{"a:b":1,"a":2,"b":"a:"}')).toBeUndefined();
    expect(refusal('{"t":"00:00","t":"00:01"}')?.message).toMatch(/repeated key "t"/);
    // A value spelling a repeat is a value.
    expect(refusal('{"a":"\\"a\\":1,\\"a\\":2"}')).toBeUndefined();
  });

  it('a repeat inside a nested object of a row is not the row repeating a key (as before)', () => {
    const text = '{"artist":"x","meta":{"a":1,"a":2},"list":[{"b":1,"b":2}]}';
    expect(oldRowRefusal(text)).toBeUndefined();
    const table = parseJsonLines(text);
    expect(table.rows).toHaveLength(1);
    expect(table.columns).toEqual(['artist', 'meta', 'list']);
  });

  it('a BOM before the first row, CRLF endings and blank lines: the repeat is named at its line', () => {
    expect(refusal('\ufeff{"a":1,"a":2}\r\n')?.message).toBe('e.jsonl line 1: repeated key "a" in one object');
    expect(refusal('{"a":1}\r\n\r\n  \r\n{"b":1 ,\t"b"\t:\t2}\r\n')?.message).toBe(
      'e.jsonl line 4: repeated key "b" in one object',
    );
    const ok = parseJsonLines('\ufeff{"a":1,"b":"a"}\r\n{"a":2}');
    expect(ok.rows.map((r) => ({ ...r }))).toEqual([{ a: 1, b: 'a' }, { a: 2 }]);
    expect(ok.lines).toEqual([1, 2]);
  });

  it('streamTable over a row cut into pieces: the repeat is refused at its line', async () => {
    const text = `{"a":1}\n{"w":1,"x":"${':'.repeat(5000)}","w":2}\n{"a":3}\n`;
    const pieces = async function* (): AsyncGenerator<string> {
      for (let i = 0; i < text.length; i += 997) yield text.slice(i, i + 997);
    };
    let error: unknown;
    try {
      for await (const batch of streamTable(pieces(), { format: 'jsonl', source: 's.jsonl' })) void batch;
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SceneRadarError);
    expect((error as SceneRadarError).message).toMatch(/s\.jsonl line 2: repeated key "w" in one object/);
  });
});

// ---------------------------------------------------------------------------------------------
// CLI: parseJsonFile / readDataFolder
// ---------------------------------------------------------------------------------------------

const root = mkdtempSync(join(tmpdir(), 'todays-changes-39-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let nf = 0;
function folder(files: Record<string, string>): string {
  const dir = join(root, `f${nf++}`);
  mkdirSync(dir);
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}
function dataFileError(run: () => unknown): DataFileError {
  try {
    run();
  } catch (e) {
    if (e instanceof DataFileError) return e;
    throw e;
  }
  throw new Error('expected a DataFileError');
}
const ARTISTS = 'slug,name,home_region,home_city,first_seen,debut\nnova,Nova,eu-west,Lisbon,2024-01-01,\n';

describe('CLI: a repeated key in a JSON file the commands read', () => {
  it('a table named twice in the manifest: refused at the second key, line and column', () => {
    const manifest = '{\n  "tables": {\n    "artists": "a.csv",\n    "artists": "b.csv"\n  }\n}\n';
    const dir = folder({ 'a.csv': ARTISTS, 'b.csv': ARTISTS, 'scene-radar.json': manifest });
    const e = dataFileError(() => readDataFolder(dir));
    expect(e.file).toBe(join(dir, 'scene-radar.json'));
    expect([e.line, e.column]).toEqual([4, 5]);
    expect(e.reason).toBe('repeated key "artists" (only one may be given)');
  });

  it('repeats at every level: top, a table object, import.aggregate; escaped and with a BOM and CRLF', () => {
    const cases: readonly [string, string, number, number][] = [
      ['{"tables":{"artists":"a.csv"},\n"tables":{}}', 'tables', 2, 1],
      ['{"tables":{"artists":{"path":"a.csv",\n   "path":"b.csv"}}}', 'path', 2, 4],
      [
        '{"tables":{"artists":"a.csv"},"import":{"aggregate":{"engagement":"sum",\n"engagement":"max"}}}',
        'engagement',
        2,
        1,
      ],
      ['\ufeff{"tables":{"artists":"a.csv",\r\n  "\\u0061rtists":"b.csv"}}', 'artists', 2, 3],
      ['{"name":"x","tables":{"artists":"a.csv"},"n\\u0061me":"y"}', 'name', 1, 42],
    ];
    for (const [manifest, key, line, column] of cases) {
      const dir = folder({ 'a.csv': ARTISTS, 'b.csv': ARTISTS, 'scene-radar.json': manifest });
      const e = dataFileError(() => readDataFolder(dir));
      expect([e.reason, e.line, e.column], manifest).toEqual([
        `repeated key ${JSON.stringify(key)} (only one may be given)`,
        line,
        column,
      ]);
    }
  });

  it('the same key in different objects of a manifest is no repeat; the folder is read', () => {
    const manifest =
      '\ufeff{"name":"tables","tables":{"artists":{"path":"a.csv","format":"csv"}},"import":{"aggregate":{"engagement":"sum"}}}';
    const dir = folder({ 'a.csv': ARTISTS, 'scene-radar.json': manifest });
    const f = readDataFolder(dir);
    expect(f.name).toBe('tables');
    expect(f.options).toEqual({ aggregate: { engagement: 'sum' } });
  });

  it('a catalog-style file: a repeat inside the n-th scene is found; strings with braces are not keys', () => {
    const ok = JSON.stringify({
      scenes: [
        { slug: 'a', name: '{"slug":1,"slug":2}', microgenres: ['x'] },
        { slug: 'b', name: 'B:}', microgenres: [] },
      ],
      microgenres: [{ slug: 'x', name: 'X' }],
    });
    expect(parseJsonFile('catalog.json', ok)).toEqual(JSON.parse(ok));
    const bad = '{"scenes":[{"slug":"a"},\n{"slug":"b","name":"}","sl\\u0075g":"c"}]}';
    const e = dataFileError(() => parseJsonFile('catalog.json', bad));
    expect([e.line, e.column, e.reason]).toEqual([2, 24, 'repeated key "slug" (only one may be given)']);
  });

  it('invalid JSON is reported as such, before any key scan (the scanner requires valid JSON)', () => {
    const e = dataFileError(() => parseJsonFile('m.json', '{"a":1,"a'));
    expect(e.reason).toMatch(/^not valid JSON/);
    const e2 = dataFileError(() => parseJsonFile('m.json', '{"a":1,"a":}'));
    expect(e2.reason).toMatch(/^not valid JSON/);
  });
});

// ---------------------------------------------------------------------------------------------
// Redis: the generation scripts, before and after
// ---------------------------------------------------------------------------------------------

/** BUMP_GENERATION at dec4982~1. */
const OLD_BUMP = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  local t = redis.call('TIME')
  redis.call('SET', KEYS[1], t[1] .. string.sub('000000' .. t[2], -6))
end
return redis.call('INCR', KEYS[1])
`;
/** READ_GENERATION at dec4982~1. */
const OLD_READ = `
local g = redis.call('GET', KEYS[1])
if g then return g end
local t = redis.call('TIME')
g = t[1] .. string.sub('000000' .. t[2], -6)
redis.call('SET', KEYS[1], g)
return g
`;

/** The scripts as cache-tier.ts now writes them (its template literals, `${ENSURE_GENERATION}` filled in). */
function currentScripts(): { bump: string; read: string } {
  const src = readFileSync(new URL('../../adapters/redis/cache-tier.ts', import.meta.url), 'utf8');
  const literal = (name: string): string => {
    const m = new RegExp(`const ${name} = \`([^\`]*)\`;`).exec(src);
    if (!m) throw new Error(`${name} not found in cache-tier.ts`);
    return m[1] ?? '';
  };
  const ensure = literal('ENSURE_GENERATION');
  const fill = (s: string): string => s.split(`\${ENSURE_GENERATION}`).join(ensure);
  return { bump: fill(literal('BUMP_GENERATION')), read: fill(literal('READ_GENERATION')) };
}

const ROOT = `tc39:${randomBytes(4).toString('hex')}:`;
const connect = lazyTestRedis();
let redis: Redis;
const tiers: RedisCacheTier[] = [];
let nt = 0;
beforeEach(async () => {
  redis = await connect();
});
afterEach(async () => {
  await Promise.all(tiers.splice(0).map((t) => t.close()));
});
afterAll(async () => {
  if (!redis) return;
  await dropPrefix(redis, ROOT);
  redis.disconnect();
});

type Outcome = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly error: string };
async function evalOutcome(script: string, key: string): Promise<Outcome> {
  try {
    return { ok: true, value: String(await redis.eval(script, 1, key)) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // The error's class (WRONGTYPE, not an integer), without the script's SHA.
    const kind = /WRONGTYPE/.test(message)
      ? 'WRONGTYPE'
      : /not an integer/.test(message)
        ? 'NAN'
        : /overflow/.test(message)
          ? 'OVERFLOW'
          : message;
    return { ok: false, error: kind };
  }
}
/** A created counter (TIME in µs) reads as a 16-digit number; others must match exactly. */
function shape(o: Outcome): Outcome {
  return o.ok && /^\d{16}$/.test(o.value) ? { ok: true, value: '<µs>' } : o;
}
function entry(value: unknown, createdAt: number): CacheEntry<unknown> {
  return { value, createdAt, expiresAt: createdAt + 60_000, staleUntil: createdAt + 120_000 };
}

describe('Redis generation scripts: ENSURE_GENERATION shared', () => {
  it('the current scripts are the snippet followed by INCR / GET', () => {
    const { bump, read } = currentScripts();
    expect(bump).toMatch(/EXISTS[\s\S]*TIME[\s\S]*SET[\s\S]*end\nreturn redis\.call\('INCR', KEYS\[1\]\)\n$/);
    expect(read).toMatch(/EXISTS[\s\S]*TIME[\s\S]*SET[\s\S]*end\nreturn redis\.call\('GET', KEYS\[1\]\)\n$/);
  });

  it('old and new return and store the same for a missing, numeric, empty, non-numeric, expiring or wrong-type counter', async () => {
    const now = currentScripts();
    const setups: readonly [string, (key: string) => Promise<unknown>][] = [
      ['missing', async () => undefined],
      ['numeric', (k) => redis.set(k, '41')],
      ['big', (k) => redis.set(k, '17650000001234567')],
      ['empty', (k) => redis.set(k, '')],
      ['text', (k) => redis.set(k, 'abc')],
      ['expiring', (k) => redis.set(k, '7', 'PX', 600_000)],
      ['hash', (k) => redis.hset(k, 'a', '1')],
      ['max', (k) => redis.set(k, '9223372036854775807')],
    ];
    for (const [name, setup] of setups) {
      for (const [which, oldScript, newScript] of [
        ['read', OLD_READ, now.read],
        ['bump', OLD_BUMP, now.bump],
      ] as const) {
        const kOld = `${ROOT}s:${name}:${which}:old`;
        const kNew = `${ROOT}s:${name}:${which}:new`;
        await setup(kOld);
        await setup(kNew);
        const before = await redis.pttl(kNew);
        const a = await evalOutcome(oldScript, kOld);
        const b = await evalOutcome(newScript, kNew);
        expect(shape(b), `${name} ${which}`).toEqual(shape(a));
        expect(await redis.type(kNew), `${name} ${which}`).toBe(await redis.type(kOld));
        if ((await redis.type(kNew)) === 'string') {
          const stored = await redis.get(kNew);
          if (b.ok && which === 'read') expect(stored).toBe(b.value);
          expect(shape({ ok: true, value: stored ?? '' }), `${name} ${which}`).toEqual(
            shape({ ok: true, value: (await redis.get(kOld)) ?? '' }),
          );
        }
        // A read never touches an existing counter's expiry (no SET when it exists).
        if (name === 'expiring' && which === 'read') expect(await redis.pttl(kNew)).toBeGreaterThan(before - 60_000);
        if (name === 'missing' && which === 'bump' && a.ok && b.ok) {
          expect(Number(a.value) % 1).toBe(0);
          expect(await redis.pttl(kNew)).toBe(-1);
        }
      }
    }
  });

  it('a counter lost after it was read is recreated above it (read, DEL, read; bump after DEL)', async () => {
    const { bump, read } = currentScripts();
    const k = `${ROOT}lost`;
    await redis.set(k, '1');
    expect(await redis.eval(read, 1, k)).toBe('1');
    await redis.del(k);
    const again = String(await redis.eval(read, 1, k));
    expect(again).toMatch(/^\d{16}$/);
    expect(BigInt(again) > 1n).toBe(true);
    expect(await redis.eval(read, 1, k)).toBe(again);
    expect(String(await redis.eval(bump, 1, k))).toBe(String(BigInt(again) + 1n));
    await redis.del(k);
    const bumped = BigInt(String(await redis.eval(bump, 1, k)));
    expect(bumped > BigInt(again)).toBe(true);
  });

  it('through the tier: a computation creates the counter, a delete bumps it by one, a stale write is dropped', async () => {
    const prefix = `${ROOT}t${nt++}:`;
    const t = createRedisCacheTier({ redis: { host: '127.0.0.1', port: 6379 }, keyPrefix: prefix });
    tiers.push(t);
    await t.ready();
    expect(await redis.exists(`${prefix}g`)).toBe(0);
    const coordinate = t.coordinate;
    if (!coordinate) throw new Error('the tier coordinates');
    await coordinate('k', async () => {
      await t.set('k', entry('v1', Date.now()));
      return 'v1';
    });
    const g0 = await redis.get(`${prefix}g`);
    expect(g0).toMatch(/^\d{16}$/);
    expect(await redis.get(`${prefix}v:k`)).not.toBeNull();
    await t.delete('k');
    expect(await redis.get(`${prefix}g`)).toBe(String(BigInt(g0 ?? '0') + 1n));
    expect(await redis.get(`${prefix}v:k`)).toBeNull();
    // A computation that began before a delete writes nothing to L2 after it.
    await coordinate(
      'k',
      async () => {
        await t.delete('other');
        await t.set('k', entry('stale', Date.now()));
        return 'stale';
      },
      { wait: false },
    );
    expect(await redis.get(`${prefix}v:k`)).toBeNull();
    expect(await redis.get(`${prefix}g`)).toBe(String(BigInt(g0 ?? '0') + 2n));
    // The counter deleted behind the tier's back: the next computation recreates it and writes.
    await redis.del(`${prefix}g`);
    await coordinate(
      'k',
      async () => {
        await t.set('k', entry('v2', Date.now()));
        return 'v2';
      },
      { wait: false },
    );
    expect(BigInt((await redis.get(`${prefix}g`)) ?? '0') > BigInt(g0 ?? '0') + 2n).toBe(true);
    expect(await redis.get(`${prefix}v:k`)).not.toBeNull();
    expect(t.health().counters.l2Errors).toBe(0);
  });
});

describe('repeatedJsonKey on text that is not JSON (a guard added after this review)', () => {
  it('a string never closed ends the scan with no repeat found, instead of starting over for ever', () => {
    expect(repeatedJsonKey('{"a":1,"b')).toBeUndefined();
    expect(repeatedJsonKey('{"a":1,"a":"x\\"')).toEqual({ key: 'a', offset: 7 });
    expect(repeatedJsonKey('{"a":"\\\\", "a', { topLevelOnly: true })).toBeUndefined();
  });
});

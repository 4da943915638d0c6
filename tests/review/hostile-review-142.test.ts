/**
 * Hostile review 142: three host-facing contracts, probed with hostile input.
 *
 * Contracts checked:
 * - the as-of rule for daily data ("a daily value dated D is known at the end of D",
 *   docs/adapters.md "Days and as of"), through the tabular adapter and the in-memory sources:
 *   bare days (a leap day among them), midnight and noon stamps, offsets +14:00 and -12:00,
 *   sub-millisecond digits, a `Date` from a `map`, and as-of instants 1 ms either side of each
 *   boundary, for events, articles, tastemaker links, engagement, coherence and scene pulses;
 * - the tabular `map` hook (zero, one or many rows) and the aggregation per key: maps that return
 *   non-rows, throw any value, return wrong types, fan out, or mutate their input; CSV edge cases
 *   (BOM, CRLF, lone CR, quoted newlines, duplicate headers, empty files) and truncated gzip; the
 *   report's `mapped = accepted + rejected + combined`;
 * - `slugify` and `uniqueSlugs` over many scripts, invisible characters, long names and 20,000
 *   colliding names: every slug valid, idempotent, distinct for distinct names, stable across calls
 *   and under appended names.
 *
 * Tests named "FAULT:" failed on the code as reviewed (fixed in the same commit: the in-memory
 * pulse lookup and the conformance suite read stamps with observedAtMs, the tabular map refuses a
 * thenable and handles it, a non-finite number is named as such): a scene pulse whose `as_of` had
 * digits below the millisecond was served 1 ms before it was known (the pulse lookup read it with
 * `Date.parse`, which drops them); a `map` that returned a Promise (an `async` map) had its line
 * rejected as if every column were missing, and the Promise's rejection was never handled (an
 * unhandled rejection, which ends a Node process by default); a NaN from a `map` was reported as
 * "found null".
 */
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import {
  createTabularSources,
  createTabularSourcesFromStreams,
  type TabularRow,
} from '../../adapters/tabular/index.js';
import { createEagerDataset, createMemorySources } from '../../adapters/memory/index.js';
import { isSlug, SlugSchema, slugify, uniqueSlugs } from '../../src/core/slug.js';

const signal = new AbortController().signal;
const FROM = new Date('2000-01-01T00:00:00Z');
// biome-ignore lint/suspicious/noExplicitAny: hostile maps return anything
type Any = any;

const ev = (at: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  artist: 'a',
  type: 'radio_play',
  at,
  weight: '1',
  region: '',
  ...extra,
});

async function eventsAsOf(at: unknown, asOf: string): Promise<string[] | undefined> {
  const { sources } = createTabularSources({ events: [ev(at) as TabularRow] });
  const m = await sources.rcf!.getEvents(['a'], { asOf: new Date(asOf), from: FROM, signal });
  return m.get('a')?.map((e) => e.at);
}

function report(rows: readonly unknown[], map: (row: TabularRow) => unknown) {
  const r = createTabularSources(
    { events: rows as TabularRow[] },
    { onInvalidRow: 'skip', map: { events: map as Any } },
  );
  const t = r.report.tables.events!;
  expect(t.mapped).toBe(t.accepted + t.rejected + t.combined);
  return { t, dataset: r.dataset, messages: t.rejections.map((x) => x.message) };
}

describe('as of: the tabular adapter', () => {
  // [stamp, last instant it is unknown, first instant it is known]
  const boundaries: [string, string, string][] = [
    ['2024-02-29', '2024-02-29T23:59:59.999Z', '2024-03-01T00:00:00.000Z'],
    [' 2024-02-29 ', '2024-02-29T23:59:59.999Z', '2024-03-01T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-28T23:59:59.999Z', '2024-02-29T00:00:00.000Z'],
    ['2024-02-29T12:00:00Z', '2024-02-29T11:59:59.999Z', '2024-02-29T12:00:00.000Z'],
    ['2024-02-29T00:00:00+14:00', '2024-02-28T09:59:59.999Z', '2024-02-28T10:00:00.000Z'],
    ['2024-02-29T00:00:00-12:00', '2024-02-29T11:59:59.999Z', '2024-02-29T12:00:00.000Z'],
    ['2024-02-29T00:00:00.0005Z', '2024-02-29T00:00:00.000Z', '2024-02-29T00:00:00.001Z'],
    ['2024-02-29T00:00:00.000000+14:00', '2024-02-28T09:59:59.999Z', '2024-02-28T10:00:00.000Z'],
  ];
  for (const [stamp, before, at] of boundaries)
    it(`an event stamped ${JSON.stringify(stamp)} is unknown at ${before} and known at ${at}`, async () => {
      expect(await eventsAsOf(stamp, before)).toBeUndefined(); // not even the derived artist yet
      expect(await eventsAsOf(stamp, at)).toHaveLength(1);
    });

  it('malformed stamps are rejected with their line, never read on another day', () => {
    for (const bad of [
      '2023-02-29',
      '2024-02-29T24:00:00Z',
      '2024-02-28T23:59:60Z',
      '2024-02-29 00:00:00Z',
      '2024-02-29T00:00+1400',
    ]) {
      const { t } = report([{}], () => ev(bad));
      expect(t.rejected, bad).toBe(1);
      expect(t.rejections[0]!.column).toBe('at');
    }
  });

  it('a Date from a map stays the instant it is', async () => {
    const { sources } = createTabularSources(
      { events: [{}] },
      { map: { events: () => ev(new Date('2024-02-29T00:00:00Z')) as Any } },
    );
    const read = (asOf: string) => sources.rcf!.getEvents(['a'], { asOf: new Date(asOf), from: FROM, signal });
    expect((await read('2024-02-28T23:59:59.999Z')).get('a')).toBeUndefined();
    expect((await read('2024-02-29T00:00:00.000Z')).get('a')).toHaveLength(1);
  });

  it('engagement of a leap day is served from the midnight that ends it, offsets applied', async () => {
    const { sources } = createTabularSources({
      engagement: [
        { artist: 'a', day: '2024-02-28', organic: '1', paid: '' },
        { artist: 'a', day: '2024-02-29', organic: '2', paid: '3' },
      ],
    });
    const read = async (asOf: string) =>
      (await sources.fusion!.getEngagement(['a'], { asOf: new Date(asOf), from: FROM, signal })).get('a');
    expect(await read('2024-02-29T23:59:59.999Z')).toEqual({ start: '2024-02-28', organic: [1], paid: [null] });
    expect(await read('2024-03-01T00:00:00.000Z')).toEqual({ start: '2024-02-28', organic: [1, 2], paid: [null, 3] });
    expect(await read('2024-03-01T12:00:00+14:00')).toEqual({ start: '2024-02-28', organic: [1], paid: [null] });
    expect(await read('2024-03-01T00:00:00-12:00')).toEqual({ start: '2024-02-28', organic: [1, 2], paid: [null, 3] });
  });

  it('a bare-day scene pulse is served from the end of its day', async () => {
    const { sources } = createTabularSources({
      scenePulses: [{ scene: 't', heat: '50', growth: '0.1', stage: 'growing', as_of: '2025-03-01' }],
    });
    const read = async (asOf: string) => [
      ...(await sources.scenes!.getScenePulses(['t'], { asOf: new Date(asOf), signal })).keys(),
    ];
    expect(await read('2025-03-01T23:59:59.999Z')).toEqual([]);
    expect(await read('2025-03-02T00:00:00.000Z')).toEqual(['t']);
  });

  it('FAULT: a scene pulse stamped with digits below the millisecond is not served before it is known', async () => {
    // Events with the same stamp wait for the next whole millisecond (parseInstant); the pulse
    // lookup of adapters/memory/eager-dataset.ts reads `asOf` with Date.parse, which drops them.
    const { sources } = createTabularSources({
      scenePulses: [{ scene: 's', heat: '50', growth: '0.1', stage: 'growing', as_of: '2025-03-01T00:00:00.0005Z' }],
    });
    const m = await sources.scenes!.getScenePulses(['s'], { asOf: new Date('2025-03-01T00:00:00.000Z'), signal });
    expect([...m.keys()]).toEqual([]);
  });
});

describe('as of: the in-memory sources', () => {
  const record = { slug: 'a', name: 'A', homeRegion: 'uk', homeCity: null, firstSeen: '2024-01-01T00:00:00Z' };
  const sources = createMemorySources(
    createEagerDataset({
      histories: [
        {
          record,
          tastemakers: [{ tastemaker: 't', kind: 'playlist', weight: 0.5, since: '2024-02-29' }],
          collaborators: [],
          releases: [],
          campaigns: [],
          articles: [{ id: 'x', publishedAt: '2024-02-29', outlet: 'o', outletQuality: 0.5, title: null }],
          events: [
            { id: 'e', type: 'radio_play', at: '2024-02-29', weight: 1, region: null },
            { id: 'f', type: 'radio_play', at: '2024-02-29T23:59:59.999-00:00', weight: 1, region: null },
          ],
          memberships: [],
          engagement: { start: '2024-02-28', organic: [1, 2], paid: [null, null] },
          coherence: { start: '2024-02-28', values: [0.5, 0.6] },
        },
      ] as Any,
    }),
  );
  const at = async (asOf: string) => {
    const o = { asOf: new Date(asOf), from: FROM, signal };
    return {
      events: (await sources.rcf.getEvents(['a'], o)).get('a')!.map((e) => e.id),
      articles: (await sources.coverage.getArticles(['a'], o)).get('a')!.length,
      tastemakers: (await sources.mig.getNetworks(['a'], o)).get('a')!.tastemakers.length,
      organic: (await sources.fusion.getEngagement(['a'], o)).get('a')!.organic,
      coherence: (await sources.identityKernel.getCoherence(['a'], o)).get('a')!.values,
    };
  };
  it('a bare day D is read at the end of D, 1 ms either side, like the daily series', async () => {
    expect(await at('2024-02-29T23:59:59.998Z')).toEqual({
      events: [],
      articles: 0,
      tastemakers: 0,
      organic: [1],
      coherence: [0.5],
    });
    expect(await at('2024-02-29T23:59:59.999Z')).toEqual({
      events: ['f'],
      articles: 0,
      tastemakers: 0,
      organic: [1],
      coherence: [0.5],
    });
    expect(await at('2024-03-01T00:00:00.000Z')).toEqual({
      events: ['f', 'e'],
      articles: 1,
      tastemakers: 1,
      organic: [1, 2],
      coherence: [0.5, 0.6],
    });
  });
});

describe('the map hook and the aggregation', () => {
  it("anything but rows is that line's rejection, never a crash; every count adds up", () => {
    const cases: [unknown, RegExp][] = [
      [undefined, /expected a row object, found undefined/],
      [5, /found number/],
      ['x', /found string/],
      [true, /found boolean/],
      [() => 1, /found function/],
      [[[ev('2024-01-01')]], /found an array/],
      [{ artist: 5, type: 1, at: 12, weight: 'x', region: 3 }, /artist: expected text, found 5/],
      [ev('2024-01-01', { weight: 1n }), /the bigint 1n/],
      [ev(new Date('x')), /^at: /],
    ];
    for (const [value, message] of cases) {
      const { t, messages } = report([{ x: 1 }], () => value);
      expect({ read: t.read, rejected: t.rejected, accepted: t.accepted }).toEqual({
        read: 1,
        rejected: 1,
        accepted: 0,
      });
      expect(messages[0]).toMatch(message);
    }
  });

  it('a map that throws any value, or returns rows that cannot be read, rejects its line', () => {
    const throwers: (() => unknown)[] = [
      () => {
        throw null;
      },
      () => {
        throw Symbol('s');
      },
      () => {
        throw {
          toString() {
            throw new Error('x');
          },
        };
      },
      () => {
        throw new Proxy(
          {},
          {
            get: () => {
              throw new Error('trap');
            },
          },
        );
      },
      () =>
        new Proxy([], {
          get: (t, p) => {
            if (p === 'length') throw new Error('len');
            return (t as Any)[p];
          },
        }),
      () => {
        const r = Proxy.revocable([], {});
        r.revoke();
        return r.proxy;
      },
    ];
    for (const map of throwers) {
      const { t, messages } = report([{ x: 1 }], map);
      expect(t.rejected).toBe(1);
      expect(messages[0]).toMatch(/^map (threw|returned rows that cannot be read)/);
    }
  });

  it('null and [] drop the line (counted); a sparse array rejects its hole and keeps the rest', () => {
    expect(report([{ x: 1 }, { x: 2 }], (r) => (r.x === 1 ? null : [])).t).toMatchObject({
      read: 2,
      dropped: 2,
      mapped: 0,
    });
    const sparse = report([{ x: 1 }], () => {
      const holes: unknown[] = [];
      holes[1] = ev('2024-01-01'); // index 0 is a hole
      return holes;
    });
    expect(sparse.t).toMatchObject({ mapped: 2, accepted: 1, rejected: 1 });
    expect(sparse.messages[0]).toMatch(/^map row 1 of 2: expected a row object/);
  });

  it('a map that reuses one output object, or mutates its input, loses no row', () => {
    const out: Record<string, unknown> = {};
    const rows = [{ d: '2024-01-01T00:00:00+01:00' }, { d: '2024-01-02T00:00:00+01:00' }, { d: '2024-01-03' }];
    const { t, dataset } = report(rows, (r) => {
      const d = r.d;
      (r as Record<string, unknown>).d = 'mutated';
      return Object.assign(out, ev(d, { id: null }));
    });
    expect(t.accepted).toBe(3);
    expect(dataset.artistHistory('a')!.events.map((e) => e.at)).toEqual([
      '2024-01-01T00:00:00+01:00',
      '2024-01-02T00:00:00+01:00',
      '2024-01-04T00:00:00.000Z',
    ]);
  });

  it('a fan-out of 20,000 rows from one line is kept whole; repeated ids are counted combined', () => {
    const fan = report([{ x: 1 }], () => Array.from({ length: 20_000 }, (_, i) => ev('2024-01-01', { id: `i${i}` })));
    expect(fan.t).toMatchObject({ read: 1, mapped: 20_000, accepted: 20_000 });
    const same = report([{ x: 1 }, { x: 2 }], () => [
      ev('2024-01-01', { id: 'same' }),
      ev('2024-01-01', { id: ' same ' }),
    ]);
    expect(same.t).toMatchObject({ read: 2, mapped: 4, accepted: 1, combined: 3 });
    const noId = report([{ x: 1 }, { x: 2 }], () => [ev('2024-01-01'), ev('2024-01-01')]);
    expect(noId.t).toMatchObject({ accepted: 4, combined: 0 });
    const given = report([{ x: 1 }], () => [ev('2024-01-01'), ev('2024-01-02', { id: 'a-e0' }), ev('2024-01-03')]);
    expect(new Set(given.dataset.artistHistory('a')!.events.map((e) => e.id)).size).toBe(3);
  });

  it('collaborator steps sum per distinct since, offsets applied; an over-ceiling sum rejects its group with a line', () => {
    const r = createTabularSources(
      {
        collaborators: [
          { artist_a: 'a', artist_b: 'b', weight: 1, since: '2024-02-29' },
          { artist_a: 'b', artist_b: 'a', weight: 3, since: '2024-02-29' },
          { artist_a: 'a', artist_b: 'b', weight: 2, since: '2024-03-01T00:00:00+14:00' },
        ],
        engagement: [
          { artist: 'a', day: '2024-02-29', organic: 6e9 },
          { artist: 'a', day: '2024-02-29', organic: 6e9 },
          { artist: 'a', day: '2024-03-01', organic: 1 },
        ],
      },
      { onInvalidRow: 'skip', aggregate: { collaborators: 'sum', engagement: 'sum' } },
    );
    expect(r.dataset.artistHistory('a')!.collaborators).toEqual([
      { artist: 'b', weight: 2, since: '2024-03-01T00:00:00+14:00' },
      { artist: 'b', weight: 6, since: '2024-03-01T00:00:00.000Z' },
    ]);
    expect(r.report.tables.engagement).toMatchObject({ read: 3, accepted: 1, rejected: 1, combined: 1 });
    expect(r.report.tables.engagement!.rejections[0]!.message).toMatch(/maxDailyEngagement/);
  });

  it('FAULT: an async map is refused as returning a Promise, and its rejection is handled', async () => {
    // validate-rows.ts checks a Promise as a row object: "artist: expected text, found nothing (is
    // the column missing?)", and nothing attaches to it, so an async map that throws leaves an
    // unhandled rejection (fatal in Node by default) although "nothing a map does escapes".
    let handled = false;
    class Tracked<T> extends Promise<T> {
      // biome-ignore lint/suspicious/noThenProperty: a Promise subclass that records whether anything handled it
      override then<A = T, B = never>(
        ok?: ((v: T) => A | PromiseLike<A>) | null,
        no?: ((e: unknown) => B | PromiseLike<B>) | null,
      ): Promise<A | B> {
        handled = true;
        return super.then(ok, no);
      }
    }
    const { messages } = report([{ x: 1 }], () => Tracked.resolve(ev('2024-01-01')));
    await new Promise((r) => setTimeout(r, 0));
    expect(messages[0]).toMatch(/promise|async|then/i);
    expect(handled).toBe(true);
  });

  it('FAULT: a NaN from a map is reported as NaN, not as "found null"', () => {
    // coerce.ts numberCell shows the value with JSON.stringify, which writes NaN as null.
    const { messages } = report([{ x: 1 }], () => ev('2024-01-01', { weight: Number.NaN }));
    expect(messages[0]).not.toMatch(/found null/);
  });
});

describe('CSV and gzip edge cases through streams', () => {
  const H = 'artist,id,type,at,weight,region';
  const stream = async (bytes: Buffer, gzip = false) => {
    const r = await createTabularSourcesFromStreams(
      { events: { input: [bytes], format: 'csv', gzip } as Any },
      { onInvalidRow: 'skip' },
    );
    return { t: r.report.tables.events!, ids: r.dataset.artistHistory('a')?.events.map((e) => `${e.id}@${e.at}`) };
  };
  it('BOM, CRLF, lone CR, quoted newlines, blank lines and no final newline read every row once', async () => {
    const two = ['a-e0@2024-01-02T00:00:00.000Z', 'a-e1@2024-01-03T00:00:00.000Z'];
    expect(
      (await stream(Buffer.from(`\ufeff${H}\r\na,,radio_play,2024-01-01,1,uk\r\na,,radio_play,2024-01-02,1,uk\r\n`)))
        .ids,
    ).toEqual(two);
    expect(
      (await stream(Buffer.from(`${H}\ra,,radio_play,2024-01-01,1,uk\ra,,radio_play,2024-01-02,1,uk`))).ids,
    ).toEqual(two);
    const quoted = await stream(
      Buffer.from(`${H}\na,"x\ny",radio_play,2024-01-01,1,"u\r\nk"\n\n\na,,radio_play,2024-01-02,1,uk`),
    );
    expect(quoted.t).toMatchObject({ read: 2, accepted: 2 });
    expect(quoted.ids).toEqual(['x\ny@2024-01-02T00:00:00.000Z', 'a-e1@2024-01-03T00:00:00.000Z']);
  });
  it('an empty file, a lone BOM or a header alone is zero rows; a duplicate header is CONFIG_INVALID', async () => {
    for (const text of ['', '\ufeff', `${H}\n`])
      expect((await stream(Buffer.from(text))).t).toMatchObject({ read: 0, accepted: 0 });
    for (const header of [`${H},artist`, `${H}, artist`])
      await expect(stream(Buffer.from(`${header}\na,,radio_play,2024-01-01,1,uk,b\n`))).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(/duplicate header column "artist"/),
      });
  });
  it('truncated gzip, at any cut, is CONFIG_INVALID and builds nothing; two members are read whole', async () => {
    const gz = gzipSync(
      Buffer.from(`${H}\n${Array.from({ length: 500 }, (_, i) => `a,e${i},radio_play,2024-01-01,1,uk`).join('\n')}\n`),
    );
    for (const cut of [0, 5, 10, Math.floor(gz.length / 2), gz.length - 8, gz.length - 1])
      await expect(stream(gz.subarray(0, cut), true), String(cut)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(stream(Buffer.concat([gz, Buffer.from('junk')]), true)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    const twice = await stream(Buffer.concat([gz, gz]), true);
    // The second member's header is a data row (rejected, with its line); its 500 rows repeat ids.
    expect(twice.t).toMatchObject({ read: 1001, accepted: 500, rejected: 1, combined: 500 });
  });
});

describe('slugify and uniqueSlugs', () => {
  const NAMES = [
    '米津玄師',
    'ヨルシカ',
    'あいみょん',
    '방탄소년단',
    'ㄱㅏ',
    'عمرو دياب',
    'فيروز',
    'Земфира',
    'Ёлка',
    'ДДТ',
    'Μίκης Θεοδωράκης',
    '🎸🔥',
    '🎸',
    '👨‍👩‍👧',
    'e\u0301',
    '\u0301\u0301',
    'a\u200bb',
    '\u202eabc',
    'ABBA',
    'Abba',
    'ＡＢＢＡ',
    'Ⓐⓑⓑⓐ',
    'ǅemal',
    'ß',
    'ẞ',
    'İstanbul',
    'ﬁre',
    '①②',
    '½',
    'x'.repeat(300),
    'a '.repeat(200),
    '-'.repeat(10),
    '---a---',
    'A\u0000B',
    '\ud800',
    'a\ud800',
    '\ud83c',
    '٣',
    '१२३',
    '𝔄𝔅',
    'Ꭰ',
    'Ω',
    'Ⅻ',
    '㎏',
    'ｶ',
    'ß'.repeat(100),
    'щ'.repeat(50),
    '龍'.repeat(1000),
    'Ա',
    'ა',
    'ѣ',
    'ґ\u0301',
  ];
  it('every script gives a valid, idempotent slug, the same on every call; blank text alone gives ""', () => {
    for (const name of NAMES) {
      const s = slugify(name);
      expect(isSlug(s), JSON.stringify(name)).toBe(true);
      expect(SlugSchema.safeParse(s).success).toBe(true);
      expect(slugify(s)).toBe(s);
      expect(slugify(name)).toBe(s);
    }
    for (const blank of ['', '   ', '\u200b', '\u200e\u200f', '\t\n']) expect(slugify(blank)).toBe('');
    expect(slugify('米津玄師')).toBe('u-3dcc1l62w11oc');
    expect(slugify('ABBA')).toBe(slugify('Abba'));
  });

  it('20,000 colliding names: distinct names get distinct valid slugs, stable across calls and appends', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const parts = [
      'Nova',
      'NOVA',
      'nova',
      'Nova 2',
      'nova-2',
      'Nøva',
      'Nóva',
      '米津',
      '🎸',
      'x'.repeat(126),
      'x'.repeat(127),
      `${'x'.repeat(125)} 2`,
      'x'.repeat(128),
      'Ⅻ',
      'xii',
      'XII',
      'u 3dcc1l62w11oc',
      '米津玄師',
      'Beyoncé',
      'Beyonce\u0301',
      'Beyonce',
    ];
    const names = Array.from({ length: 20_000 }, () => {
      const p = parts[Math.floor(rnd() * parts.length)]!;
      return rnd() < 0.5 ? p : `${p} ${Math.floor(rnd() * 30)}`;
    });
    const { slugs, byName } = uniqueSlugs(names);
    const key = (n: string) => n.normalize('NFC').trim().replace(/\s+/gu, ' ');
    const owner = new Map<string, string>();
    slugs.forEach((s, i) => {
      expect(isSlug(s)).toBe(true);
      const prev = owner.get(s);
      expect(prev === undefined || prev === key(names[i]!)).toBe(true);
      owner.set(s, key(names[i]!));
      expect(byName.get(names[i]!)).toBe(s);
    });
    expect(uniqueSlugs(names).slugs).toEqual(slugs);
    expect(uniqueSlugs(names.slice(0, 7_000)).slugs).toEqual(slugs.slice(0, 7_000));
    expect(uniqueSlugs(['Beyoncé', 'Beyonce\u0301', 'Beyonce']).slugs).toEqual(['beyonce', 'beyonce', 'beyonce-2']);
  });

  it('long bases numbered past ten stay within 128 characters and distinct', () => {
    const { slugs } = uniqueSlugs(
      Array.from({ length: 1200 }, (_, i) => 'y'.repeat(127) + String.fromCodePoint(0x4e00 + i)),
    );
    expect(new Set(slugs).size).toBe(1200);
    for (const s of slugs) expect(isSlug(s)).toBe(true);
    expect(slugs[99]!.endsWith('-100')).toBe(true);
  });
});

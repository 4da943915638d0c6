/**
 * Request generators for tests/api-fuzz.test.ts. Every generated request carries what the API must
 * do with it, decided by construction from the documented rules (DESIGN section 2, the schemas'
 * TSDoc), not by calling the API's own parsers: a known slug is `ok`, a well-formed unknown one is
 * `unknown`, a value built to break a rule is `invalid`, and a request whose meaning the rules
 * leave open (`limit=1e1`, `+5`) is `any`. The path is classified after the platform's URL
 * normalisation (`..`, `%2e`), against the route templates.
 */
import fc from 'fast-check';
import { ROUTES, type RouteId } from 'scene-radar/api';

/** What a request must get, by construction. */
export type Expectation = 'ok' | 'unknown' | 'invalid' | 'no-route' | 'wrong-method' | 'doc' | 'any';

/** A generated request. */
export interface FuzzCase {
  readonly method: string;
  /** Path, query and fragment, as written after the origin. */
  readonly target: string;
  readonly body?: string;
  readonly requestId?: string;
  /** The intended route (`openapi` for the document). */
  readonly route: RouteId | 'openapi';
  /** The expectation of the path and query alone (the method and the path's shape come on top). */
  readonly expect: Expectation;
  /** Parameters a refusal must name (decoded). */
  readonly blame: readonly string[];
  /** Parameters whose values the rules leave open: a refusal may name them too. */
  readonly open: readonly string[];
}

/** Known resources of the world under test. */
export interface KnownWorld {
  readonly scenes: readonly string[];
  readonly microgenres: readonly string[];
  readonly artists: readonly string[];
  readonly regions: readonly string[];
  readonly workspaces: readonly string[];
}

/** The documented rules, written out here independently of src/api/schemas.ts. */
export const SLUG_RULE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const isSlug = (s: string): boolean => s.length >= 1 && s.length <= 128 && SLUG_RULE.test(s);
export const isRegion = (s: string): boolean => /^[a-z0-9-]{1,64}$/.test(s);

type ParamRule =
  | { readonly int: readonly [number, number] }
  | 'skipCache'
  | 'category'
  | 'region'
  | 'artistSlug'
  | 'workspaceId';
const MAX = Number.MAX_SAFE_INTEGER;
const int = (min: number, max: number): ParamRule => ({ int: [min, max] });

/** Query parameters of each route and their rules (DESIGN section 2). */
export const QUERY_RULES: Readonly<Record<RouteId, Readonly<Record<string, ParamRule>>>> = {
  listScenes: { region: 'region', limit: int(1, 100), offset: int(0, MAX) },
  getScene: {},
  getScenePulse: { skipCache: 'skipCache' },
  getSceneTrends: { days: int(1, 365) },
  getRelatedScenes: { limit: int(1, 50) },
  listSceneMemberships: { limit: int(1, 10_000), offset: int(0, MAX) },
  getGlobalScenePulse: { limit: int(1, 100), skipCache: 'skipCache' },
  getRegionalScenePulse: { limit: int(1, 100), skipCache: 'skipCache' },
  getSceneRecommendations: { artistSlug: 'artistSlug', limit: int(1, 50) },
  listMicrogenres: { limit: int(1, 100), offset: int(0, MAX) },
  getMicrogenre: {},
  getTalentPulse: { skipCache: 'skipCache', limit: int(1, 100) },
  getArtistProfile: { skipCache: 'skipCache' },
  getTopArtists: { limit: int(1, 100), category: 'category', skipCache: 'skipCache' },
  getWorkspaceRecommendations: { workspaceId: 'workspaceId', limit: int(1, 100) },
};
const REQUIRED = new Set(['getWorkspaceRecommendations.workspaceId']);

/** The path parameter of each route and what it names. */
export const PATH_PARAM: Readonly<Record<RouteId, 'scene' | 'microgenre' | 'artist' | 'region' | null>> = {
  listScenes: null,
  getScene: 'scene',
  getScenePulse: 'scene',
  getSceneTrends: 'scene',
  getRelatedScenes: 'scene',
  listSceneMemberships: 'scene',
  getGlobalScenePulse: null,
  getRegionalScenePulse: 'region',
  getSceneRecommendations: null,
  listMicrogenres: null,
  getMicrogenre: 'microgenre',
  getTalentPulse: null,
  getArtistProfile: 'artist',
  getTopArtists: null,
  getWorkspaceRecommendations: null,
};

/**
 * The route a normalised pathname falls on, by the documented rules: base `/api`, one trailing
 * slash ignored, literal segments equal, a parameter any non-empty segment; the document at
 * `/api/openapi.json` (one trailing slash ignored there too).
 */
export function templateOf(pathname: string): RouteId | 'openapi' | null {
  // An encoded slash is never routed (issue 12): the path is no route, whatever it spells.
  if (/%2f/i.test(pathname)) return null;
  if (pathname === '/api/openapi.json' || pathname === '/api/openapi.json/') return 'openapi';
  if (!pathname.startsWith('/api/')) return null;
  let rest = pathname.slice(4);
  if (rest.length > 1 && rest.endsWith('/')) rest = rest.slice(0, -1);
  const parts = rest.split('/').slice(1);
  for (const route of ROUTES) {
    const segs = route.path.split('/').slice(1);
    if (segs.length === parts.length && segs.every((s, i) => (s.startsWith('{') ? parts[i] !== '' : s === parts[i])))
      return route.id;
  }
  return null;
}

// ---------- encoding ----------

const utf8 = new TextEncoder();
const hex = (b: number): string => `%${b.toString(16).toUpperCase().padStart(2, '0')}`;

/** Percent-encodes every byte but `[A-Za-z0-9_~-]` (a lone surrogate becomes U+FFFD, as in a URL). */
export function pct(text: string): string {
  let out = '';
  for (const b of utf8.encode(text))
    out +=
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      b === 0x2d ||
      b === 0x5f ||
      b === 0x7e
        ? String.fromCharCode(b)
        : hex(b);
  return out;
}

/** `text` as a URL delivers it: a lone surrogate becomes U+FFFD. */
const utf8Back = new TextDecoder();
export const delivered = (text: string): string => utf8Back.decode(utf8.encode(text));

/** Query encoding: as {@link pct}, but brackets stay raw (`__proto__[x]=1`). */
const qenc = (text: string): string => pct(text).replace(/%5B/g, '[').replace(/%5D/g, ']');

/**
 * Text a URL keeps as one path segment that decodes back to itself (or to U+FFFD for lone
 * surrogates): no separators, no tab or newline (removed), no C0 control or space at either end
 * (stripped when it ends the URL), not a dot segment.
 */
const rawSafe = (text: string): boolean =>
  !/[/\\?#%\t\n\r]/.test(text) &&
  text !== '.' &&
  text !== '..' &&
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this excludes
  !/^[\u0000-\u0020\s]|[\u0000-\u0020\s]$/.test(text);

// ---------- values ----------

/** A decoded value and what it is. */
interface Value {
  readonly text: string;
  readonly kind: 'ok' | 'unknown' | 'invalid' | 'any';
  /** The text to put in the URL, when it is not simply encoded (malformed `%`, a raw `+`). */
  readonly raw?: string;
}
const v =
  (kind: Value['kind']) =>
  (text: string): Value => ({ text, kind });

const HOSTILE_CHARS = [
  ' ',
  '_',
  '.',
  '!',
  '@',
  '+',
  '~',
  "'",
  '"',
  '<',
  '>',
  '`',
  '{',
  '}',
  '|',
  '^',
  '&',
  '=',
  ';',
  ':',
  ',',
  '*',
  '$',
  '(',
  ')',
  '[',
  ']',
  '/',
  '\\',
  '?',
  '#',
  '%',
  '\t',
  '\n',
  '\r',
  '\u0000',
  '\u0007',
  '\u007f',
  '\u00a0',
  'é',
  'ß',
  'İ',
  'ı',
  '\u212a',
  '\u0301',
  '\u200b',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u202e',
  '\u2066',
  '\ufeff',
  '\u2028',
  '\uff41',
  '\u0430',
  '\u0661',
  '𝄞',
  '😀',
  '👩‍👩‍👧',
  '\ud800',
  '\udfff',
  'שלום',
  'مرحبا',
  'A',
  'Z',
];
const TEN_KB = 10_240;

const slugLike = fc.stringMatching(/^[a-z0-9]{1,8}(?:-[a-z0-9]{1,8}){0,3}$/);

/** Well-formed slugs (most unknown), with the length boundary. */
const validSlug: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: slugLike },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'a'.repeat(128),
      `${'a'.repeat(63)}-${'b'.repeat(64)}`,
      '0',
      'no-such-thing',
      'unknown-artist',
    ),
  },
);

/** Decoded texts that break the slug rule, by construction. */
const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'invalid-slug-!!!',
    '',
    '-',
    '--',
    'a--b',
    '-a',
    'a-',
    '-a-',
    'A',
    'Indie-UK-Brighton',
    '__proto__',
    'constructor',
    'prototype',
    'null',
    'undefined',
    '...',
    '.a',
    'a.',
    ' ',
    'a b',
    'a\u0000b',
  ),
  fc
    .tuple(slugLike, fc.constantFrom(...HOSTILE_CHARS), fc.nat())
    .map(([s, c, i]) => s.slice(0, i % (s.length + 1)) + c + s.slice(i % (s.length + 1))),
  slugLike.map((s) => `-${s}`),
  slugLike.map((s) => `${s}-`),
  fc.tuple(slugLike, slugLike).map(([a, b]) => `${a}--${b}`),
  slugLike.map((s) => s.toUpperCase()).filter((s) => /[A-Z]/.test(s)),
  fc.constantFrom(
    'a'.repeat(129),
    `${'a'.repeat(64)}-${'b'.repeat(64)}`,
    'a'.repeat(TEN_KB),
    `${'ab-'.repeat(TEN_KB / 3)}z`,
    '𝄞'.repeat(TEN_KB / 4),
    '\u202e'.repeat(TEN_KB / 3),
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
);

/** Path texts with malformed percent-encoding (decoding them throws). */
const MALFORMED = [
  '%',
  '%%',
  '%G1',
  '%1',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80',
  '%FF',
  '%C3',
  '%u00e9',
  '%%41',
  '%E2%82',
  '%F4%90%80%80',
];
const malformedPct: fc.Arbitrary<Value> = fc
  .tuple(fc.constantFrom(...MALFORMED), fc.option(slugLike, { nil: '' }), fc.option(slugLike, { nil: '' }))
  // `z` after the junk, so that `%1` + `0...` never completes a valid escape.
  .map(([junk, a, b]) => ({ text: `${a}${junk}z${b}`, raw: `${a}${junk}z${b}`, kind: 'invalid' }));

/** A known slug with some characters percent-encoded (upper or lower hex): decodes to the slug. */
const encodedKnown = (known: readonly string[]): fc.Arbitrary<Value> =>
  fc
    .tuple(fc.constantFrom(...known), fc.array(fc.boolean(), { minLength: 1, maxLength: 64 }), fc.boolean())
    .map(([s, mask, lower]) => {
      const raw = [...s].map((c, i) => (mask[i % mask.length] ? hex(c.charCodeAt(0)) : c)).join('');
      return { text: s, raw: lower ? raw.toLowerCase() : raw, kind: 'ok' };
    });

/** A path or query value for a slug parameter over `known`. */
function slugValue(known: readonly string[], inPath: boolean): fc.Arbitrary<Value> {
  const bad = hostileText.filter((t) => !isSlug(t) && t !== '.' && t !== '..').map(v('invalid'));
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known).map(v('ok')) },
    { weight: inPath ? 1 : 0, arbitrary: encodedKnown(known) },
    { weight: 2, arbitrary: validSlug.map(v('unknown')) },
    { weight: 6, arbitrary: bad },
    { weight: inPath ? 1 : 0, arbitrary: malformedPct },
  );
}

const validRegion = fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,12}$/), fc.constantFrom('-', '--uk--', 'z'.repeat(64)));

/** A region code: `[a-z0-9-]{1,64}` (hyphens anywhere, unlike a slug). */
function regionValue(known: readonly string[], inPath: boolean): fc.Arbitrary<Value> {
  const bad = fc
    .oneof(hostileText, fc.constant('z'.repeat(65)))
    .filter((t) => !isRegion(t) && t !== '.' && t !== '..')
    .map(v('invalid'));
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known).map(v('ok')) },
    { weight: 2, arbitrary: validRegion.map(v('unknown')) },
    { weight: 6, arbitrary: bad },
    { weight: inPath ? 1 : 0, arbitrary: malformedPct },
  );
}

const PADDING = [' ', '\t', '\n', '\u00a0', '\u3000', '\u200b'];
const NOT_NUMBERS = [
  '',
  ' ',
  'NaN',
  'nan',
  'Infinity',
  '-Infinity',
  '+Infinity',
  'infinity',
  '1e400',
  '-1e400',
  '0x10',
  '0X1A',
  '0o7',
  '0b1',
  '1_0',
  '1,0',
  '1 0',
  '\u0661\u0662',
  '\uff15',
  'abc',
  'null',
  'undefined',
  'true',
  'false',
  '[]',
  '{}',
  '[1]',
  '--1',
  '+-1',
  '1e',
  'e1',
  '.',
  '-',
  '+',
  '1.2.3',
  '12e-1',
  '5e-1',
  '1'.repeat(40),
  '9'.repeat(TEN_KB),
];

/** An integer parameter in `[min, max]`. */
function intValue(min: number, max: number): fc.Arbitrary<Value> {
  const inRange = fc.oneof(
    fc.integer({ min, max: Math.min(max, min + 200) }),
    fc.integer({ min, max }),
    fc.constantFrom(min, max),
  );
  const above =
    max >= MAX
      ? fc.constantFrom('9007199254740992', '9007199254740993', '99999999999999999999', '1e16')
      : fc.integer({ min: max + 1, max: max + 1_000_000 }).map(String);
  return fc.oneof(
    { weight: 6, arbitrary: inRange.map((n) => v('ok')(String(n))) },
    {
      weight: 6,
      arbitrary: fc
        .oneof(
          fc.integer({ min: -1_000_000_000, max: min - 1 }).map(String),
          above,
          // Fractions a double keeps (`9007199254740991.1` is read as an integer: reported).
          fc
            .tuple(fc.integer({ min, max: Math.min(max, 1_000_000) }), fc.integer({ min: 1, max: 999 }))
            .map(([n, f]) => `${n}.${f}`),
          fc.integer({ min: 1, max: 999 }).map((f) => `.${f}`),
          fc.constantFrom(...NOT_NUMBERS),
          fc
            .tuple(inRange, fc.constantFrom(...PADDING), fc.boolean())
            .map(([n, p, before]) => (before ? `${p}${n}` : `${n}${p}`)),
        )
        .map(v('invalid')),
    },
    // A raw `+` in a query is a space: `limit=+5` is ' 5'.
    { weight: 1, arbitrary: inRange.map((n): Value => ({ text: ` ${n}`, raw: `+${n}`, kind: 'invalid' })) },
    // Decimal text the rules leave open: exponents, a sign, a trailing point, leading zeros, -0.
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: -3, max: 20 })).map(([m, e]) => `${m}e${e}`),
          inRange.map((n) => `+${n}`),
          inRange.map((n) => `${n}.`),
          inRange.map((n) => `${n}.0`),
          inRange.map((n) => `00${n}`),
          fc.constant('-0'),
        )
        .map(v('any')),
    },
  );
}

const BAD_BOOLEANS = [
  '',
  'yes',
  'no',
  'TRUE',
  'False',
  ' true',
  'true ',
  '2',
  '-1',
  'on',
  'off',
  'null',
  't',
  'f',
  '1.0',
  '01',
  '00',
  'true,false',
  '__proto__',
];
const BAD_CATEGORIES = [
  '',
  'Rising',
  'RISK',
  'all',
  ' rising',
  'rising ',
  'rising,risk',
  '__proto__',
  'toString',
  'constructor',
  'hasOwnProperty',
  'valueOf',
  'breakout\u0000',
  'ｒｉｓｉｎｇ',
];
const BAD_UUIDS = [
  '',
  'not-a-uuid',
  '3c562511537c424999f84c207b0f0a9b',
  '{3c562511-537c-4249-99f8-4c207b0f0a9b}',
  '3c562511-537c-4249-99f8-4c207b0f0a9bx',
  'urn:uuid:3c562511-537c-4249-99f8-4c207b0f0a9b',
  '3c562511-537c-0249-99f8-4c207b0f0a9b',
  '3c562511-537c-4249-c9f8-4c207b0f0a9b',
  ' 3c562511-537c-4249-99f8-4c207b0f0a9b',
  'g'.repeat(TEN_KB),
];

/** A value of a query parameter under its rule. */
function paramValue(rule: ParamRule, world: KnownWorld): fc.Arbitrary<Value> {
  if (typeof rule === 'object') return intValue(rule.int[0], rule.int[1]);
  switch (rule) {
    case 'skipCache':
      // `true` / `1` recompute (slow, touch sources): rare.
      return fc.oneof(
        { weight: 20, arbitrary: fc.constantFrom('false', '0').map(v('ok')) },
        { weight: 1, arbitrary: fc.constantFrom('true', '1').map(v('ok')) },
        { weight: 20, arbitrary: fc.constantFrom(...BAD_BOOLEANS).map(v('invalid')) },
      );
    case 'category':
      return fc.oneof(
        fc.constantFrom('rising', 'breakout', 'risk').map(v('ok')),
        fc.constantFrom(...BAD_CATEGORIES).map(v('invalid')),
      );
    case 'region':
      return regionValue(world.regions, false);
    case 'artistSlug':
      return slugValue(world.artists, false);
    case 'workspaceId':
      return fc.oneof(
        fc.constantFrom(...world.workspaces).map(v('ok')),
        fc.uuid().map(v('unknown')),
        fc.constantFrom('00000000-0000-0000-0000-000000000000', world.workspaces[0]!.toUpperCase()).map(v('any')),
        fc.oneof(fc.constantFrom(...BAD_UUIDS), hostileText).map(v('invalid')),
      );
  }
}

/** A value whose kind is `ok` or `unknown` (for building otherwise-valid queries). */
const wellFormed = (value: fc.Arbitrary<Value>): fc.Arbitrary<Value> =>
  value.filter((x) => x.kind === 'ok' || x.kind === 'unknown');

// ---------- query strings ----------

interface Entry {
  readonly raw: string;
  readonly kind: Value['kind'];
  readonly blame?: string;
  readonly open?: string;
}
const entry = (name: string, value: Value): Entry => ({
  raw: `${qenc(name)}=${value.raw ?? qenc(value.text)}`,
  kind: value.kind,
  ...(value.kind === 'invalid' ? { blame: name } : value.kind === 'any' ? { open: name } : {}),
});

const HOSTILE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  '__proto__[x]',
  '__proto__[polluted]',
  'constructor[prototype][polluted]',
  'constructor.prototype.polluted',
  '__proto__.polluted',
  'a[b]',
  'a[]',
  '[]',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'isPrototypeOf',
  'then',
  'length',
  'LIMIT',
  'Limit',
  'limit ',
  ' limit',
  'limit[]',
  'limit[0]',
  'skip_cache',
  'skipcache',
  'SkipCache',
  'offset\u0000',
  'é',
  '𝄞',
  '\u202elimit',
  'x'.repeat(TEN_KB),
];

const unknownName = (known: ReadonlySet<string>): fc.Arbitrary<string> =>
  fc
    .oneof(
      { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_NAMES) },
      { weight: 1, arbitrary: fc.constant('') },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
    )
    .map(delivered)
    .filter((n) => !known.has(n));

const anyValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('1', '', 'x', 'polluted', 'true', '{"a":1}', 'x'.repeat(TEN_KB)),
  fc.string({ unit: 'binary', maxLength: 16 }),
);

/** A query string for `route` and what it is. */
function queryFor(
  route: RouteId,
  world: KnownWorld,
): fc.Arbitrary<{ text: string; kind: Value['kind']; blame: string[]; open: string[] }> {
  const rules = QUERY_RULES[route];
  const names = Object.keys(rules);
  const known = new Set(names);
  // Built once: an arbitrary made inside `chain` would be rebuilt for every request.
  const values = new Map(names.map((n) => [n, paramValue(rules[n]!, world)]));
  const goodEntries = new Map(names.map((n) => [n, wellFormed(values.get(n)!).map((x) => entry(n, x))]));
  const good = (name: string): fc.Arbitrary<Entry> => goodEntries.get(name)!;
  // Each parameter present or not (a required one always), with a well-formed value.
  const base: fc.Arbitrary<Entry[]> = fc
    .tuple(
      ...names.map((n) =>
        REQUIRED.has(`${route}.${n}`)
          ? good(n).map((e) => [e])
          : fc.option(good(n), { nil: undefined }).map((e) => (e ? [e] : [])),
      ),
    )
    .map((xs) => xs.flat());
  const mutations: fc.Arbitrary<Entry[]>[] = [
    // An unknown (often hostile) parameter name.
    fc
      .tuple(unknownName(known), anyValue, fc.boolean())
      .map(([n, val, bare]) => [
        { raw: bare && n !== '' ? qenc(n) : `${qenc(n)}=${qenc(val)}`, kind: 'invalid', blame: n },
      ]),
    // The same unknown parameter twice.
    fc.tuple(unknownName(known), anyValue).map(([n, val]) => [
      { raw: `${qenc(n)}=${qenc(val)}`, kind: 'invalid', blame: n },
      { raw: `${qenc(n)}=${qenc(val)}`, kind: 'invalid', blame: n },
    ]),
  ];
  if (names.length) {
    const someName = fc.constantFrom(...names);
    // A known parameter with a value that breaks its rule, or with no value at all.
    mutations.push(
      fc.oneof(
        ...names.map((n) =>
          values
            .get(n)!
            .filter((x) => x.kind === 'invalid')
            .map((x) => [entry(n, x)]),
        ),
      ),
    );
    mutations.push(someName.map((n) => [{ raw: qenc(n), kind: 'invalid' as const, blame: n }]));
    // A known parameter given twice, both values well-formed.
    mutations.push(
      fc.oneof(
        ...names.map((n) =>
          fc.tuple(good(n), good(n)).map(([a, b]) => [{ ...a, kind: 'invalid' as const, blame: n }, b]),
        ),
      ),
    );
  }
  // Only integers and the workspace id have values the rules leave open.
  const openNames = names.filter((n) => typeof rules[n] === 'object' || rules[n] === 'workspaceId');
  const ambiguous: fc.Arbitrary<Entry[]> = openNames.length
    ? fc.oneof(
        ...openNames.map((n) =>
          values
            .get(n)!
            .filter((x) => x.kind === 'any')
            .map((x) => [entry(n, x)]),
        ),
      )
    : fc.constant([]);
  const noise = fc.constantFrom('', '', '', '&', '&&');
  return fc
    .tuple(
      base,
      fc.oneof(
        { weight: 6, arbitrary: fc.constant([] as Entry[]) },
        { weight: 5, arbitrary: fc.oneof(...mutations) },
        { weight: 1, arbitrary: ambiguous },
      ),
      noise,
      fc.boolean(),
    )
    .map(([b, extra, sep, questionMark]) => {
      const all = [...b.filter((e) => !extra.some((x) => x.raw.split('=')[0] === e.raw.split('=')[0])), ...extra];
      const kind = all.some((e) => e.kind === 'invalid')
        ? 'invalid'
        : all.some((e) => e.kind === 'any')
          ? 'any'
          : all.some((e) => e.kind === 'unknown')
            ? 'unknown'
            : 'ok';
      const text = all.length ? `?${sep}${all.map((e) => e.raw).join(sep || '&')}` : questionMark ? '?' : '';
      return {
        text,
        kind,
        blame: all.flatMap((e) => (e.blame === undefined ? [] : [e.blame])),
        open: all.flatMap((e) => (e.open === undefined ? [] : [e.open])),
      };
    });
}

// ---------- paths, methods, cases ----------

const BASE_VARIANTS = ['', '/API', '/Api', '/api2', '/apis', '/v1', '/api/api', '//api', '/api%2F', '/%61pi', '/api/.'];

/** A path that is usually no route at all: the intended one (parameter `fill`) bent out of shape. */
function mutatedPath(template: string, fill: string): fc.Arbitrary<string> {
  const raw = template.split('/').slice(1);
  const segs = raw.map((s) => (s.startsWith('{') ? fill : s));
  const junk = fc.oneof(
    fc.constantFrom('x', 'pulse', 'trends', '..', '.', '', '%2e%2e', '%2E', 'openapi.json', 'x'.repeat(TEN_KB)),
    hostileText.map(pct),
  );
  return fc.oneof(
    fc.constantFrom(...BASE_VARIANTS).map((b) => `${b}/${segs.join('/')}`),
    fc.nat().map((i) => `/api/${segs.map((s, j) => (j === i % segs.length ? s.toUpperCase() : s)).join('/')}`),
    junk.map((j) => `/api/${segs.join('/')}/${j}`),
    fc.nat().map((i) => `/api/${segs.filter((_, j) => j !== i % segs.length).join('/')}`),
    fc
      .nat()
      .map(
        (i) => `/api/${[...segs.slice(0, i % (segs.length + 1)), '', ...segs.slice(i % (segs.length + 1))].join('/')}`,
      ),
    fc
      .constantFrom('..', '.', '%2e%2e', '.%2E', '%2E', '', '\\', '%5C')
      .map((p) => `/api/${raw.map((s) => (s.startsWith('{') ? p : s)).join('/')}`),
    fc.constant(`/api/${segs.join('/')}//`),
    fc
      .nat()
      .map(
        (i) =>
          `/api/${segs.map((s, j) => (j === i % segs.length ? `%${s.charCodeAt(0).toString(16)}${s.slice(1)}` : s)).join('/')}`,
      ),
  );
}

const TOKEN = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}$/);
const FORBIDDEN = new Set(['CONNECT', 'TRACE', 'TRACK']);
const badMethod: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom(
      'POST',
      'PUT',
      'DELETE',
      'PATCH',
      'OPTIONS',
      'HEAD',
      'post',
      'put',
      'delete',
      'patch',
      'options',
      'head',
      'Head',
      'FOO',
      'PROPFIND',
      'M-SEARCH',
      'LINK',
      'PURGE',
      "G'ET",
      'GET!',
      '*',
      'GETS',
      'QUERY',
    ),
    TOKEN,
  )
  .filter((m) => m.toUpperCase() !== 'GET' && !FORBIDDEN.has(m.toUpperCase()));
const BODIES = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  'limit=5',
  '\u0000\u00ff',
  '',
];

const requestIdArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/) },
  {
    weight: 2,
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this strips
    arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 200 }).map((s) => s.replace(/[\u0000-\u001f\u007f]/g, '')),
  },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(129), 'a b', '<script>', '../../etc', '') },
);

/** Requests aimed at `route` (or at the OpenAPI document), each with what it must get. */
export function casesFor(route: RouteId | 'openapi', world: KnownWorld): fc.Arbitrary<FuzzCase> {
  const template = route === 'openapi' ? '/openapi.json' : ROUTES.find((r) => r.id === route)!.path;
  const param = route === 'openapi' ? null : PATH_PARAM[route];
  const paramArb: fc.Arbitrary<Value | null> =
    param === null
      ? fc.constant(null)
      : param === 'region'
        ? regionValue(world.regions, true)
        : slugValue(
            param === 'scene' ? world.scenes : param === 'microgenre' ? world.microgenres : world.artists,
            true,
          );
  const intact = fc.tuple(paramArb, fc.boolean(), fc.boolean()).map(([value, trailing, raw]) => {
    const seg = value === null ? '' : (value.raw ?? (raw && rawSafe(value.text) ? value.text : pct(value.text)));
    const path = `/api${template.replace(/\{\w+\}/, seg)}${trailing && route !== 'openapi' ? '/' : ''}`;
    return {
      path,
      kind: value?.kind ?? 'ok',
      blame: value?.kind === 'invalid' ? [template.match(/\{(\w+)\}/)![1]!] : [],
    };
  });
  const path = fc.oneof(
    { weight: 8, arbitrary: intact },
    {
      weight: 2,
      arbitrary: mutatedPath(
        template,
        param === null
          ? ''
          : param === 'region'
            ? world.regions[0]!
            : (param === 'scene' ? world.scenes : param === 'microgenre' ? world.microgenres : world.artists)[0]!,
      ).map((p) => ({ path: p, kind: 'any' as const, blame: [] as string[] })),
    },
  );
  const query = route === 'openapi' ? queryFor('getTalentPulse', world) : queryFor(route, world);
  const method = fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom('GET', 'GET', 'GET', 'get', 'gEt') },
    { weight: 1, arbitrary: badMethod },
  );
  const fragment = fc.oneof(
    { weight: 9, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constantFrom('#', '#x', '#?limit=0', '#/../../x') },
  );
  return fc
    .record({
      path,
      query,
      method,
      fragment,
      requestId: requestIdArb,
      body: fc.constantFrom(...BODIES),
      withBody: fc.boolean(),
    })
    .map((c): FuzzCase => {
      const upper = c.method.toUpperCase();
      const bodyAllowed = upper !== 'GET' && upper !== 'HEAD';
      const expect: Expectation =
        route === 'openapi'
          ? 'doc'
          : c.path.kind === 'invalid' || c.query.kind === 'invalid'
            ? 'invalid'
            : c.path.kind === 'any' || c.query.kind === 'any'
              ? 'any'
              : c.path.kind === 'unknown' || c.query.kind === 'unknown'
                ? 'unknown'
                : 'ok';
      return {
        method: c.method,
        target: `${c.path.path}${c.query.text}${c.fragment}`,
        ...(bodyAllowed && c.withBody ? { body: c.body } : {}),
        ...(c.requestId === undefined ? {} : { requestId: c.requestId }),
        route,
        expect: c.path.kind === 'any' ? 'any' : expect,
        blame: route === 'openapi' ? [] : [...c.path.blame, ...c.query.blame],
        open: c.query.open,
      };
    });
}

/**
 * @module core/slug
 * The one slug schema used for scenes, microgenres, artists and tastemakers, and the helpers that
 * make slugs from names in any script (`slugify`, `uniqueSlugs`).
 */
import { z } from 'zod';
import { romanise } from './romanise.js';

/** Longest slug accepted anywhere. */
export const MAX_SLUG_LENGTH = 128;

/**
 * Lowercase letters and digits in hyphen-separated groups. The length cap is checked before the
 * pattern, and the pattern has no nested quantifier that can backtrack, so matching is linear.
 */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Message used when a slug does not match {@link SLUG_PATTERN} (the seed's wording). */
export const SLUG_MESSAGE = 'Slug must contain only lowercase letters, numbers, and hyphens';

/**
 * Zod schema for a slug: 1-128 characters, `^[a-z0-9]+(?:-[a-z0-9]+)*$`.
 * @example
 * ```ts
 * SlugSchema.parse('indie-uk-brighton'); // ok
 * SlugSchema.safeParse('invalid-slug-!!!').success; // false
 * ```
 */
export const SlugSchema = z
  .string()
  .min(1, 'Slug must not be empty')
  .max(MAX_SLUG_LENGTH, `Slug must be at most ${MAX_SLUG_LENGTH} characters`)
  .regex(SLUG_PATTERN, SLUG_MESSAGE);

/** A validated slug. */
export type Slug = z.infer<typeof SlugSchema>;

/** True if `value` is a valid slug (cheap; no allocation on failure). */
export function isSlug(value: unknown): value is Slug {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_SLUG_LENGTH && SLUG_PATTERN.test(value);
}

/** Anything but whitespace, control and format characters: a name with none of these is blank. */
const VISIBLE = /[^\p{White_Space}\p{Cc}\p{Cf}]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the range is all of ASCII, control characters included
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const LETTER = /\p{L}/u;
const ASCII_LETTER = /[a-z]/;

/** Prefix of a hashed slug ({@link slugify}): `u` for Unicode. */
const HASHED_SLUG_PREFIX = 'u-';

/** Lowercase ASCII words to a slug: hyphen-joined, at most {@link MAX_SLUG_LENGTH} characters. */
function joinWords(ascii: string): string {
  return ascii
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/g, '');
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const HASH_DIGITS = 13; // 2^64 - 1 in base 36 is 13 digits

/**
 * FNV-1a (64-bit) of the UTF-8 bytes of `text`, in base 36 padded to 13 digits. A published
 * function over bytes, so the same text hashes the same in every engine and every release.
 */
function fnv1a64(text: string): string {
  let h = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) h = BigInt.asUintN(64, (h ^ BigInt(byte)) * FNV_PRIME);
  return h.toString(36).padStart(HASH_DIGITS, '0');
}

/**
 * Turns free text (a name in any script) into a slug, the same one on every run and platform:
 *
 * 1. Letters are spelled in lowercase ASCII: accents are stripped (`Beyoncé` -> `beyonce`),
 *    Latin letters without a decomposition are folded (`ß` ss, `æ` ae, `ø` o, `ł` l, `đ` d,
 *    `þ` th, `œ` oe...), and Cyrillic, Greek and Hangul are romanised letter by letter
 *    (`Земфира` -> `zemfira`, `방탄소년단` -> `bangtansonyeondan`). Every other character
 *    separates words; words are joined with hyphens and the slug is cut to
 *    {@link MAX_SLUG_LENGTH} characters.
 * 2. When that leaves no letter a-z although the text has letters, or leaves nothing at all
 *    (Han characters, kana, Arabic, Hebrew, emoji, punctuation only: `米津玄師`, `🎸🔥`), the slug is
 *    `u-` and 13 base-36 digits: the FNV-1a 64-bit hash of the text's UTF-8 bytes after NFKC
 *    normalisation, lowercasing, trimming and collapsing whitespace. Distinct names get distinct
 *    hashes (a collision is about one in 10^19 per pair), so the slug is never empty and never
 *    shared by accident; `uniqueSlugs` settles the rest.
 * 3. Blank text (empty, or only whitespace, control and format characters) has no slug: `''`.
 *
 * A slug passes through unchanged (`slugify(slugify(x)) === slugify(x)`), and ASCII text with a
 * letter or digit gets the slug it always had. Case variants and spellings with and without
 * accents share a slug by design; use {@link uniqueSlugs} to keep distinct names apart.
 * @example
 * ```ts
 * slugify('Brighton Indie');   // 'brighton-indie'
 * slugify('Sigur Rós');        // 'sigur-ros'
 * slugify('Mø');               // 'mo'
 * slugify('방탄소년단');         // 'bangtansonyeondan'
 * slugify('米津玄師');           // 'u-3dcc1l62w11oc', the same everywhere
 * slugify('   ');              // ''
 * ```
 */
export function slugify(text: string): string {
  // A regex test would turn `undefined` from untyped code into the slug 'undefined'.
  if (typeof text !== 'string')
    throw new TypeError(`slugify expects a string, got ${text === null ? 'null' : typeof text}`);
  if (ASCII_ONLY.test(text)) {
    // Most names: the same rules without the per-character tables (ASCII letters always survive).
    const plain = joinWords(text.toLowerCase());
    if (plain !== '' || !VISIBLE.test(text)) return plain;
    return HASHED_SLUG_PREFIX + fnv1a64(hashKey(text));
  }
  if (!VISIBLE.test(text)) return '';
  const slug = joinWords(romanise(text));
  if (ASCII_LETTER.test(slug) || (slug !== '' && !LETTER.test(text))) return slug;
  return HASHED_SLUG_PREFIX + fnv1a64(hashKey(text));
}

/** What a hashed slug is a hash of: the text with width, case and spacing differences removed. */
function hashKey(text: string): string {
  // UTF-8 has no lone surrogate: TextEncoder would turn each into U+FFFD, so names that differ only
  // there (a name cut mid-emoji) would share a hash. Each is spelled out as its code unit instead.
  return text
    .replace(LONE_SURROGATE, (c) => `\\u${c.charCodeAt(0).toString(16)}`)
    .normalize('NFKC')
    .toLowerCase()
    .trim()
    .replace(/\s+/gu, ' ');
}

/** A high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * What {@link uniqueSlugs} returns: the slugs in input order, and a lookup by name.
 * @example
 * ```ts
 * const { slugs, byName }: UniqueSlugs = uniqueSlugs(['ABBA', 'Abba']);
 * slugs;              // ['abba', 'abba-2']
 * byName.get('Abba'); // 'abba-2'
 * ```
 */
export interface UniqueSlugs {
  /** One slug per input name, aligned with the input (`slugs[i]` is the slug of `names[i]`). */
  readonly slugs: readonly string[];
  /**
   * The slug of each name. Its entries are keyed by the names exactly as given; `get` and `has`
   * find a name as {@link uniqueSlugs} compares names, so a file that writes it in another Unicode
   * form (`Beyoncé` decomposed, as macOS tools write it) or with other spacing finds it too.
   */
  readonly byName: ReadonlyMap<string, string>;
}

/** `base` with `-n` appended, the base cut so the whole stays within {@link MAX_SLUG_LENGTH}. */
function suffixed(base: string, n: number): string {
  const suffix = `-${n}`;
  return base.slice(0, MAX_SLUG_LENGTH - suffix.length).replace(/-+$/g, '') + suffix;
}

/** Names that differ only in Unicode form or in surrounding / repeated whitespace are one name. */
const nameKey = (name: string): string => name.normalize('NFC').trim().replace(/\s+/gu, ' ');

/** {@link UniqueSlugs.byName}: a `Map` of the names as given, looked up as names are compared. */
class SlugsByName extends Map<string, string> {
  readonly #byKey: ReadonlyMap<string, string>;
  constructor(entries: Iterable<readonly [string, string]>, byKey: ReadonlyMap<string, string>) {
    super(entries);
    this.#byKey = byKey;
  }
  override get(name: string): string | undefined {
    return super.get(name) ?? (typeof name === 'string' ? this.#byKey.get(nameKey(name)) : undefined);
  }
  override has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

/**
 * Slugs for a list of names, distinct for distinct names and the same on every run:
 *
 * - one name, one slug: repeats of a name share its slug (names are compared after Unicode NFC
 *   normalisation, ignoring surrounding and repeated whitespace; case counts);
 * - names take slugs in input order, the first to claim a slug keeps it: distinct names whose
 *   {@link slugify} is the same (`ABBA` / `Abba`, `Beyoncé` / `Beyonce`) are numbered, the first
 *   keeps the plain slug and the next get `-2`, `-3`..., skipping any slug an earlier name holds
 *   (`Nova 2` listed before `Nova` keeps `nova-2`; listed after a numbered `nova-2`, it is
 *   numbered itself), the base cut so the slug stays within {@link MAX_SLUG_LENGTH} characters;
 * - a blank name has no slug: `''`, as from `slugify`.
 *
 * The result depends only on the names and their order, and names added at the end never change
 * the slugs of the names before them: feed them in a stable order (the order of the export, new
 * artists last) to keep slugs stable between imports.
 * @example
 * ```ts
 * const { slugs, byName } = uniqueSlugs(['Beyoncé', 'Beyonce', 'ABBA', 'Abba', 'Beyoncé', 'Nova 2', 'NOVA', 'Nova']);
 * slugs;                 // ['beyonce', 'beyonce-2', 'abba', 'abba-2', 'beyonce', 'nova-2', 'nova', 'nova-3']
 * byName.get('Beyonce'); // 'beyonce-2'
 * ```
 */
export function uniqueSlugs(names: Iterable<string>): UniqueSlugs {
  if (typeof names !== 'object' || names === null || typeof (names as Iterable<string>)[Symbol.iterator] !== 'function')
    throw new TypeError(`uniqueSlugs expects an iterable of strings, got ${names === null ? 'null' : typeof names}`);
  // Array.from visits the holes of a sparse array (as undefined), so they are reported below.
  const list = Array.from(names);
  for (const [i, name] of list.entries())
    if (typeof name !== 'string')
      throw new TypeError(`uniqueSlugs expects strings: names[${i}] is ${name === null ? 'null' : typeof name}`);
  const keys = list.map(nameKey);
  const taken = new Set<string>();
  // The next number to try, by the stem the numbered slugs share: long bases that differ only past
  // the cut share it, and each starts where the last stopped (not at 2: a walk per base).
  const nextNumber = new Map<string, number>();
  const slugOf = new Map<string, string>();
  for (let i = 0; i < list.length; i++) {
    const key = keys[i]!;
    if (slugOf.has(key)) continue;
    const base = slugify(list[i]!);
    let slug = base;
    if (base !== '' && taken.has(base)) {
      const stem = suffixed(base, 2).slice(0, -2);
      let n = nextNumber.get(stem) ?? 2;
      for (slug = suffixed(base, n); taken.has(slug); slug = suffixed(base, n)) n++;
      nextNumber.set(stem, n + 1);
    }
    taken.add(slug);
    slugOf.set(key, slug);
  }
  const slugs = keys.map((k) => slugOf.get(k)!);
  const byName = new SlugsByName(
    list.map((name, i) => [name, slugs[i]!] as const),
    slugOf,
  );
  return { slugs, byName };
}

/**
 * slugify for names in any script (romanised, or hashed when nothing Latin remains) and
 * uniqueSlugs for lists of names whose slugs collide.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSlug, slugify } from 'scene-radar';
import { uniqueSlugs } from '../../src/core/slug.js';
import { MAX_SLUG_LENGTH, SLUG_PATTERN } from 'scene-radar/schemas';

const HASHED = /^u-[0-9a-z]{13}$/;

/** The slugify of earlier releases, for ASCII text: what the demo world's slugs were made with. */
const asciiSlugBefore = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/g, '');

/** Any text: printable ASCII, every Unicode code point, and whole graphemes (emoji, combining marks). */
const anyText = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
);

describe('slugify', () => {
  it('romanises Korean, Cyrillic and Greek letter by letter', () => {
    expect(slugify('방탄소년단')).toBe('bangtansonyeondan');
    expect(slugify('아이유')).toBe('aiyu');
    expect(slugify('Земфира')).toBe('zemfira');
    expect(slugify('Сергей Лазарев')).toBe('sergey-lazarev');
    expect(slugify('Їжак')).toBe('yizhak');
    expect(slugify('Μίκης Θεοδωράκης')).toBe('mikis-theodorakis');
    expect(slugify('Μουσική')).toBe('mousiki');
    expect(slugify('ΣΟΦΟΣ')).toBe('sofos');
  });

  it('strips accents and folds Latin letters that have no decomposition', () => {
    expect(slugify('Beyoncé')).toBe('beyonce');
    expect(slugify('Que\u0301bec')).toBe('quebec'); // decomposed accent
    expect(slugify('Straße')).toBe('strasse');
    expect(slugify('Mø')).toBe('mo');
    expect(slugify('Łona')).toBe('lona');
    expect(slugify('Đorđe Balašević')).toBe('dorde-balasevic');
    expect(slugify('Þórunn')).toBe('thorunn');
    expect(slugify('Œuvre Æthelred')).toBe('oeuvre-aethelred');
    expect(slugify('ＡＢＣ')).toBe('abc'); // full-width
  });

  it('hashes names with no Latin letter left: Japanese, Chinese, Arabic, emoji, punctuation', () => {
    // Pinned: FNV-1a 64 of the UTF-8 bytes, checked against an independent implementation.
    expect(slugify('米津玄師')).toBe('u-3dcc1l62w11oc');
    expect(slugify('فيروز')).toBe('u-2d07c371y5o5g');
    expect(slugify('🎸🔥')).toBe('u-0yn8wsld4i9wk');
    expect(slugify('!!!')).toBe('u-2uv2jd4b0npb6');
    for (const name of ['ヨルシカ', 'あいみょん', '周杰倫', 'שלום', 'ป้าง นครินทร์', 'Հայաստան', '💀'])
      expect(slugify(name), name).toMatch(HASHED);
    // Different names, different hashes; a digit left over is not a name.
    expect(new Set(['米津玄師', '周杰倫', 'ヨルシカ', '🎸🔥', '💀'].map(slugify)).size).toBe(5);
    expect(slugify('米津玄師 2')).toMatch(HASHED);
    expect(slugify('311')).toBe('311');
  });

  it('hashes one name the same however it is spaced, cased or width-encoded', () => {
    expect(slugify('  米津玄師 ')).toBe('u-3dcc1l62w11oc');
    expect(slugify('ｱｲ')).toBe(slugify('アイ')); // half-width katakana
    expect(slugify('米津　玄師')).toBe(slugify('米津 玄師'));
  });

  it('keeps the Latin part of a mixed name', () => {
    expect(slugify('BTS 방탄소년단')).toBe('bts-bangtansonyeondan');
    expect(slugify('Ado (アド)')).toBe('ado');
  });

  it('gives blank text no slug, and refuses what is not text', () => {
    for (const blank of ['', ' ', '\t\n', '\u200b', '\u3000']) expect(slugify(blank), JSON.stringify(blank)).toBe('');
    // From untyped code: a missing name must not become the slug 'undefined'.
    expect(() => slugify(undefined as unknown as string)).toThrow(
      new TypeError('slugify expects a string, got undefined'),
    );
  });

  it('cuts long names to 128 characters without a trailing hyphen', () => {
    const long = slugify(`${'Nova Static '.repeat(40)}`);
    expect(long.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
    expect(isSlug(long)).toBe(true);
    expect(slugify('米津玄師'.repeat(200))).toMatch(HASHED);
    expect(slugify('Земфира '.repeat(100)).length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
  });

  it('gives ASCII text with a letter or digit the slug it always had', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }).filter((s) => /[A-Za-z0-9]/.test(s)),
        (s) => {
          expect(slugify(s)).toBe(asciiSlugBefore(s));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('always returns a valid slug, empty only for blank text', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const out = slugify(s);
        if (out === '') expect(s.trim().replace(/[\p{Cc}\p{Cf}]/gu, '')).toBe('');
        else {
          expect(out.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
          expect(out).toMatch(SLUG_PATTERN);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('is idempotent and deterministic', () => {
    const latinish = fc.string({
      unit: fc.constantFrom(..."aAbBzZ09 -_.,éÉøØßłŁþæœñÑüÜçÇ'&".split('')),
      maxLength: 200,
    });
    fc.assert(
      fc.property(fc.oneof(latinish, anyText), (s) => {
        const once = slugify(s);
        expect(slugify(once)).toBe(once);
        expect(slugify(s)).toBe(once);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('uniqueSlugs', () => {
  it('numbers names that slugify alike in input order, skipping other names’ plain slugs', () => {
    const names = ['Beyoncé', 'Beyonce', 'ABBA', 'Abba', 'Beyoncé', 'Nova 2', 'NOVA', 'Nova'];
    const { slugs, byName } = uniqueSlugs(names);
    expect(slugs).toEqual(['beyonce', 'beyonce-2', 'abba', 'abba-2', 'beyonce', 'nova-2', 'nova', 'nova-3']);
    expect(byName.get('Beyonce')).toBe('beyonce-2');
    expect(byName.get('Nova')).toBe('nova-3');
    expect(byName.size).toBe(7);
  });

  it('treats one name written in two Unicode forms or with stray spaces as one name', () => {
    const { slugs } = uniqueSlugs(['Beyonc\u00e9', 'Beyonce\u0301', ' Beyoncé', 'Beyoncé  Knowles', 'Beyoncé Knowles']);
    expect(slugs).toEqual(['beyonce', 'beyonce', 'beyonce', 'beyonce-knowles', 'beyonce-knowles']);
  });

  it('keeps hashed slugs apart too, and leaves blank names without a slug', () => {
    const { slugs } = uniqueSlugs(['米津玄師', '', '  ', '米津玄師']);
    expect(slugs[0]).toMatch(HASHED);
    expect(slugs).toEqual([slugs[0], '', '', slugs[0]]);
    expect(uniqueSlugs(['!!!', '!!! ', '!!!!']).slugs).toEqual([slugify('!!!'), slugify('!!!'), slugify('!!!!')]);
  });

  it('stays within 128 characters when it numbers long slugs', () => {
    const stem = 'a'.repeat(MAX_SLUG_LENGTH);
    const { slugs } = uniqueSlugs([stem, `${stem} one`, `${stem} two`, stem.toUpperCase()]);
    expect(slugs[0]).toBe(stem);
    expect(slugs.slice(1)).toEqual([`${'a'.repeat(126)}-2`, `${'a'.repeat(126)}-3`, `${'a'.repeat(126)}-4`]);
  });

  it('gives distinct names distinct valid slugs and repeats the same slug, deterministically', () => {
    const pool = [
      'Nova',
      'NOVA',
      'nova',
      'Nova 2',
      'nova-2',
      'Nova-3',
      'Beyoncé',
      'Beyonce',
      '米津玄師',
      'Земфира',
      'ZEMFIRA',
      '🎸',
      'Mø',
      'MO',
      'mo 2',
    ];
    const names = fc.array(fc.oneof(fc.constantFrom(...pool), fc.string({ maxLength: 12 })), { maxLength: 40 });
    fc.assert(
      fc.property(names, (list) => {
        const { slugs, byName } = uniqueSlugs(list);
        expect(uniqueSlugs(list).slugs).toEqual(slugs);
        const slugOfKey = new Map<string, string>();
        const keyOfSlug = new Map<string, string>();
        list.forEach((name, i) => {
          const slug = slugs[i]!;
          expect(byName.get(name)).toBe(slug);
          if (slugify(name) === '') {
            expect(slug).toBe('');
            return;
          }
          expect(isSlug(slug)).toBe(true);
          const key = name.normalize('NFC').trim().replace(/\s+/gu, ' ');
          expect(slugOfKey.get(key) ?? slug).toBe(slug);
          expect(keyOfSlug.get(slug) ?? key).toBe(key);
          slugOfKey.set(key, slug);
          keyOfSlug.set(slug, key);
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('numbers thousands of variants of one name', () => {
    const variants = Array.from({ length: 5000 }, (_, i) => `Nova${'!'.repeat(i)}`);
    const { slugs } = uniqueSlugs(variants);
    expect(new Set(slugs).size).toBe(variants.length);
    expect([slugs[0], slugs[1], slugs[4999]]).toEqual(['nova', 'nova-2', 'nova-5000']);
  });
});

/**
 * @module core/romanise
 * The letter tables behind `slugify`: Latin letters that Unicode decomposition leaves alone
 * (`ß`, `ø`, `ł`...), and the alphabets whose romanisation is a fixed letter-for-letter table
 * (Cyrillic, Greek) or an algorithm (Hangul). Scripts that need a dictionary to romanise (Han
 * characters read differently in Chinese and Japanese, kana, abjads without written vowels) are
 * left out on purpose: `slugify` gives those names a hash instead of a wrong reading.
 *
 * The tables are ours, not a library's, so a slug (an identity key in the owned tables) never
 * changes under a dependency upgrade. Internal: only `slugify` uses them.
 */

/**
 * Latin letters with no Unicode decomposition, folded the way their languages spell them in
 * ASCII. Keys are lowercase: the text is lowercased first.
 */
const LATIN: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
  ŋ: 'ng',
  ĸ: 'k',
  ŧ: 't',
  ƒ: 'f',
  ə: 'e',
  ɛ: 'e',
  ɔ: 'o',
  ƶ: 'z',
  // Letters of African and Sami alphabets (Hausa, Ewe, Bambara, Skolt Sami) and the IPA-derived ones
  // some orthographies use: without them a name lost the letter (`Ɗan Ƙasa` was `an-asa`).
  ɓ: 'b',
  ɗ: 'd',
  ɖ: 'd',
  ƙ: 'k',
  ƴ: 'y',
  ɣ: 'g',
  ʋ: 'v',
  ɲ: 'ny',
  ʒ: 'z',
  ǥ: 'g',
  ǝ: 'e',
  ɑ: 'a',
  ɨ: 'i',
  ʉ: 'u',
  ɩ: 'i',
  ʊ: 'u',
  ʌ: 'a',
  ƥ: 'p',
  ƭ: 't',
  ƈ: 'c',
  ɠ: 'g',
};

/**
 * Cyrillic: Russian after BGN/PCGN without diacritics (`ж` zh, `х` kh, `щ` shch; hard and soft
 * signs dropped), plus the letters of Ukrainian, Belarusian, Serbian, Macedonian and Kazakh.
 */
const CYRILLIC: Readonly<Record<string, string>> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  є: 'ye',
  і: 'i',
  ї: 'yi',
  ґ: 'g',
  ў: 'u',
  ђ: 'dj',
  ј: 'j',
  љ: 'lj',
  њ: 'nj',
  ћ: 'c',
  џ: 'dz',
  ѓ: 'gj',
  ќ: 'kj',
  ѕ: 'dz',
  ә: 'a',
  ғ: 'g',
  қ: 'k',
  ң: 'ng',
  ө: 'o',
  ұ: 'u',
  ү: 'u',
  һ: 'h',
};

/** Greek after ELOT 743 without diacritics (accents are stripped before this table is read). */
const GREEK: Readonly<Record<string, string>> = {
  α: 'a',
  β: 'v',
  γ: 'g',
  δ: 'd',
  ε: 'e',
  ζ: 'z',
  η: 'i',
  θ: 'th',
  ι: 'i',
  κ: 'k',
  λ: 'l',
  μ: 'm',
  ν: 'n',
  ξ: 'x',
  ο: 'o',
  π: 'p',
  ρ: 'r',
  σ: 's',
  ς: 's',
  τ: 't',
  υ: 'y',
  φ: 'f',
  χ: 'ch',
  ψ: 'ps',
  ω: 'o',
};

// Hangul, Revised Romanization letter by letter (no sound-change rules): a syllable is
// 0xAC00 + (lead * 21 + vowel) * 28 + tail, and the same jamo also exist as separate characters.
const LEADS = ['g', 'kk', 'n', 'd', 'tt', 'r', 'm', 'b', 'pp', 's', 'ss', '', 'j', 'jj', 'ch', 'k', 't', 'p', 'h'];
const VOWELS = [
  'a',
  'ae',
  'ya',
  'yae',
  'eo',
  'e',
  'yeo',
  'ye',
  'o',
  'wa',
  'wae',
  'oe',
  'yo',
  'u',
  'wo',
  'we',
  'wi',
  'yu',
  'eu',
  'ui',
  'i',
];
const TAILS = [
  '',
  'k',
  'k',
  'k',
  'n',
  'n',
  'n',
  't',
  'l',
  'k',
  'm',
  'l',
  'l',
  'l',
  'p',
  'l',
  'm',
  'p',
  'p',
  't',
  't',
  'ng',
  't',
  't',
  'k',
  't',
  'p',
  't',
];
const SYLLABLE_FIRST = 0xac00;
const SYLLABLE_LAST = 0xd7a3;

/** The romanisation of one Hangul syllable or conjoining jamo, or undefined for anything else. */
function hangul(cp: number): string | undefined {
  if (cp >= SYLLABLE_FIRST && cp <= SYLLABLE_LAST) {
    const s = cp - SYLLABLE_FIRST;
    return LEADS[Math.floor(s / 588)]! + VOWELS[Math.floor((s % 588) / 28)]! + TAILS[s % 28]!;
  }
  // Conjoining jamo (what NFKD makes of the compatibility jamo `ㄱ`, `ㅏ`...).
  if (cp >= 0x1100 && cp <= 0x1112) return LEADS[cp - 0x1100];
  if (cp >= 0x1161 && cp <= 0x1175) return VOWELS[cp - 0x1161];
  if (cp >= 0x11a8 && cp <= 0x11c2) return TAILS[cp - 0x11a7];
  return undefined;
}

const MARK = /\p{M}/u;

/** One lowercase character (a code point) in ASCII, or undefined when no table knows it. */
function romaniseChar(ch: string): string | undefined {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x80) return ch;
  return LATIN[ch] ?? CYRILLIC[ch] ?? GREEK[ch] ?? hangul(cp);
}

/**
 * Lowercase ASCII for the letters and digits of `text` that a table or Unicode decomposition
 * can spell in ASCII; every other character becomes a space (a word break for the slug).
 * Tables are read before decomposition, so `й` is `y`, not `и` without its breve.
 */
export function romanise(text: string): string {
  let out = '';
  // Greek `ου` is one vowel, `ou`, whatever accent or breathing it carries (`ού`, `οὐ`, `οῦ`);
  // letter by letter it would read `oy`. Not with a diaeresis (`οϋ`), which keeps two vowels.
  const greek = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/ου([\u0300-\u036f]*)/g, (whole, marks: string) => (marks.includes('\u0308') ? whole : 'ou'))
    .normalize('NFC');
  for (const ch of greek) {
    const direct = romaniseChar(ch);
    if (direct !== undefined) {
      out += direct;
      continue;
    }
    // Accented and compatibility forms (`é`, `ﬁ`, full-width `Ａ`, `①`, a jamo): decompose, drop
    // the marks, and read each remaining piece.
    for (const piece of ch.normalize('NFKD')) {
      if (MARK.test(piece)) continue;
      out += romaniseChar(piece.toLowerCase()) ?? ' ';
    }
  }
  return out;
}

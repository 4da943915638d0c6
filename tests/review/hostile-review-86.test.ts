/**
 * Hostile review 86: the host helpers for names and places (`slugify`, `uniqueSlugs` in
 * src/core/slug.ts, the letter tables of src/core/romanise.ts, `regionKey`) and how the scene
 * catalog and memberships use them, against their TSDoc and docs/adapters.md ("Slugs").
 *
 * Every test here fails on the code as reviewed, because of the fault its name states; each
 * expectation is the documentation's (or, where it is silent, what a host expects of an identity key).
 */
import { describe, expect, it } from 'vitest';
import { slugify, uniqueSlugs } from '../../src/core/slug.js';
import { placeScore, type MembershipParams, type MembershipScene } from '../../src/scenes/membership-math.js';
import { validateCatalog } from '../../src/scenes/catalog.js';
import type { ArtistRecord } from '../../src/contracts/payloads.js';

describe('slugify: Latin letters without a decomposition', () => {
  // TSDoc of slugify (src/core/slug.ts): "Letters are spelled in lowercase ASCII: accents are stripped,
  // Latin letters without a decomposition are folded (`ß` ss, `æ` ae, `ø` o, `ł` l, `đ` d, ...)".
  // docs/adapters.md: "`slugify(name)` works for any script."
  it('does not delete the hooked letters of Hausa, Ewe and Sami names (Ɗan Ƙasa became an-asa)', () => {
    // Hausa (ɓ ɗ ƙ ƴ), Ewe / Fon (ɖ ɣ ʋ), Bambara / Lingala (ɲ), Skolt Sami (ʒ ǯ ǥ), Pan-Nigerian (ǝ):
    // each is an ordinary letter of a living alphabet; none decomposes, and none is in the LATIN table.
    expect(slugify('Ɗan Ƙasa')).toBe('dan-kasa');
    // The letter is silently dropped, so two different names share a slug with no hash to keep them apart.
    expect(slugify('Ɓaba')).not.toBe(slugify('aba'));
    const letters = ['ɓ', 'ɗ', 'ƙ', 'ƴ', 'ɖ', 'ɣ', 'ʋ', 'ɲ', 'ʒ', 'ǯ', 'ǥ', 'ǝ'];
    // A letter inside a word is spelled, not turned into a word break (`b${l}b` -> `b-b`).
    const broken = letters.filter((l) => slugify(`b${l}b`) === 'b-b');
    expect(broken).toEqual([]);
  });
});

describe('uniqueSlugs', () => {
  // TSDoc of uniqueSlugs: "The result depends only on the names and their order: feed them in a stable
  // order (the order of the export, or sorted) to keep slugs stable between imports."
  // romanise.ts: "a slug (an identity key in the owned tables)".
  it('keeps earlier names’ slugs when a name is appended to the export (abba-2 moved to another artist)', () => {
    const before = uniqueSlugs(['ABBA', 'Abba']);
    // The next export: the same names in the same order, one new artist at the end.
    const after = uniqueSlugs(['ABBA', 'Abba', 'Abba 2']);
    expect(before.byName.get('Abba')).toBe('abba-2');
    // Fails: 'Abba' is renumbered abba-3 and its old key abba-2 now names 'Abba 2', so the stored
    // history of one artist is silently served as another's.
    expect(after.byName.get('Abba')).toBe(before.byName.get('Abba'));
    expect(new Set(after.slugs).size).toBe(3);
  });

  // TSDoc: "names are compared after Unicode NFC normalisation, ignoring surrounding and repeated
  // whitespace"; docs/adapters.md's recipe looks an events file's names up in `byName`:
  // `const slugOf = (name) => byName.get(String(name)) ?? ''; // '' (a name not listed) is rejected`.
  it('finds a listed name in byName when another file writes it in NFD or with a stray space', () => {
    const { byName, slugs } = uniqueSlugs(['Beyoncé', 'Sigur Rós']);
    expect(slugs).toEqual(['beyonce', 'sigur-ros']);
    // The events export (macOS tools write NFD; CSV cells keep their padding) names the same artists.
    const nfd = 'Beyoncé'.normalize('NFD');
    expect(uniqueSlugs(['Beyoncé', nfd]).slugs).toEqual(['beyonce', 'beyonce']); // one name, as documented
    // Fails: byName is keyed by the exact string, so the recipe maps both rows to '' ("empty slug").
    expect(byName.get(nfd)).toBe('beyonce');
    expect(byName.get('Sigur  Rós ')).toBe('sigur-ros');
  });

  it('numbers many long names that share their first 126 characters in linear time (quadratic: seconds)', () => {
    // Each base is 128 characters; its numbered form is cut to the same 126-character stem for every
    // base, but the counter is kept per base, so each new base walks the whole taken chain again.
    // 4,000 names take about 4 s (8,000 pairs take about a minute); linear work is milliseconds.
    const stem = 'p'.repeat(125);
    const names: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const name = stem + i.toString(36).padStart(3, '0');
      names.push(name, name.toUpperCase());
    }
    const started = performance.now();
    const { slugs } = uniqueSlugs(names);
    const elapsed = performance.now() - started;
    expect(new Set(slugs).size).toBe(names.length);
    expect(elapsed).toBeLessThan(1000);
  }, 30_000);
});

describe('place: cities compared as slugs', () => {
  const params: MembershipParams = {
    weights: { sound: 0.5, place: 0.3, people: 0.2 },
    sameRegionPlace: 0.5,
    releaseHalfLifeDays: 180,
    soundMapScale: 1,
    coreThreshold: 0.5,
    minConfidence: 0.3,
  };

  // slugify TSDoc: "Blank text (empty, or only whitespace, control and format characters) has no slug: ''."
  // MembershipParams.sameRegionPlace: "Place score for the same region but another city";
  // placeScore: "Place score 0-1: home city, or home region only."
  it('does not give the full home-city score to an artist and a scene that both have a blank city', () => {
    // The catalog accepts a blank city (text(128), no slug or blank check) ...
    const catalog = validateCatalog(
      {
        scenes: [{ slug: 'indie-uk', name: 'UK Indie', region: 'uk', city: '\u00a0', microgenres: [] }],
        microgenres: [],
      },
      '2025-01-01T00:00:00.000Z',
    );
    const scene: MembershipScene = catalog.scenes[0]!;
    // ... and so does the artist contract (homeCity: text(128)); a tabular cell holding a zero-width
    // space is not blank to `trim()`, so it reaches the engines too.
    const artist = (homeCity: string): ArtistRecord => ({
      slug: 'nova',
      name: 'Nova',
      homeRegion: 'uk',
      homeCity,
      firstSeen: '2024-01-01T00:00:00.000Z',
    });
    // Fails: slugify gives '' for both blanks and '' === '' counts as the same city (score 1,
    // reason "place: based in \u00a0").
    expect(placeScore(artist(' '), scene, params)).toBe(params.sameRegionPlace);
    expect(placeScore(artist('\u200b'), scene, params)).toBe(params.sameRegionPlace);
  });
});

/**
 * @module scripts/build-genre-data
 * Builds `adapters/memory/data/genres.ts` (committed, generated) from the Every Noise files in
 * `/work/shared/data/everynoise-genres/` (or the folder given as the first argument).
 *
 * Mapping (documented here and in the generated file):
 * - A **scene** is an Every Noise genre `"<city> <sound>"` whose city is in the curated table
 *   (`adapters/memory/data/genre-curation.ts`) and whose sound is in `SOUND_PRIORITY`; each city
 *   contributes its first `take` sounds in that priority order. Slug: `<sound>-<country>-<city>`
 *   slugified (`brighton indie` -> `indie-uk-brighton`, `berlin minimal techno` ->
 *   `minimal-techno-de-berlin`, `philly rap` -> `rap-us-philadelphia`). Name: the Every Noise
 *   name title-cased (`Brighton Indie`; `NYC Rap` keeps its acronym).
 * - A scene's **microgenres** are the placeless genres nearest to the scene's own (x, y) in the
 *   Every Noise map (plain pixel distance), where a candidate sharing a sound word with the scene
 *   (`drill` for `chicago drill`) counts as 1.6x closer. A name is placeless when it contains no
 *   word or phrase of `PLACE_WORDS` or `NON_SOUND_WORDS` (the `PLACE_STYLE_EXCEPTIONS`, such as
 *   `uk drill`, are kept) and all its words are in `SOUND_WORDS`. Each scene gets 3-6 (a stable hash of its name decides how many).
 *   Microgenre slug: `slugify(name)` (`dream pop` -> `dream-pop`).
 *
 * Run: `npx tsx scripts/build-genre-data.ts [dataDir]`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { slugify } from 'scene-radar';
import {
  CITIES,
  NON_SOUND_WORDS,
  PLACE_STYLE_EXCEPTIONS,
  PLACE_WORDS,
  SOUND_PRIORITY,
  SOUND_WORDS,
} from '../adapters/memory/data/genre-curation.js';

const dataDir = process.argv[2] ?? '/work/shared/data/everynoise-genres';
const outDir = fileURLToPath(new URL('../adapters/memory/data/', import.meta.url));

/** Reads a simple CSV (no quoted fields in these files; CRLF tolerated). */
function readCsv(path: string): string[][] {
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  return lines.slice(1).map((l) => l.split(','));
}

const names = new Set(readCsv(`${dataDir}/genre_names_2022.csv`).map((r) => r[0]!.trim()));
const coords = new Map<string, { x: number; y: number }>();
for (const row of readCsv(`${dataDir}/genre_map_2021.csv`)) {
  const [genre, x, y] = row;
  if (genre && x && y) coords.set(genre.trim(), { x: Number(x), y: Number(y) });
}
// The universe: names (CC0 list) that also have coordinates, ASCII only (a few names are mojibake).
const universe = [...names].filter((n) => coords.has(n) && /^[\x20-\x7e]+$/.test(n)).sort();

const ACRONYMS = new Map([
  ['uk', 'UK'],
  ['la', 'LA'],
  ['nyc', 'NYC'],
  ['dc', 'DC'],
  ['r&b', 'R&B'],
  ['edm', 'EDM'],
  ['idm', 'IDM'],
  ['dnb', 'DnB'],
  ['ebm', 'EBM'],
  ['uk82', 'UK82'],
]);
/** Title-cases an Every Noise name, keeping acronyms (`nyc rap` -> `NYC Rap`, `lo-fi` -> `Lo-Fi`). */
function titleCase(name: string): string {
  return name
    .split(' ')
    .map(
      (w) =>
        ACRONYMS.get(w) ??
        w
          .split('-')
          .map((p) => (p.length > 0 ? p[0]!.toUpperCase() + p.slice(1) : p))
          .join('-'),
    )
    .join(' ');
}

/** FNV-1a, for the stable per-scene microgenre count. */
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const excluded = [...PLACE_WORDS, ...NON_SOUND_WORDS]
  .filter((w) => w.length > 0)
  .map((w) => ` ${w.replace(/_/g, ' ')} `);
/** Words of a genre name: split on spaces and hyphens, apostrophes dropped (`jackin'` -> `jackin`). */
const wordsOf = (name: string): string[] =>
  name
    .replace(/'/g, '')
    .split(/[ -]+/)
    .filter((w) => w.length > 0);
/** True if the name mentions a place (or is not about sound) and is not a kept exception. */
function isPlaceName(name: string): boolean {
  if (PLACE_STYLE_EXCEPTIONS.has(name)) return false;
  const padded = ` ${wordsOf(name).join(' ')} `;
  return excluded.some((w) => padded.includes(w));
}
/** True if the name is a placeless sound genre: no place word, and only sound-vocabulary words. */
const isPlaceless = (name: string): boolean => !isPlaceName(name) && wordsOf(name).every((w) => SOUND_WORDS.has(w));

interface BuiltScene {
  slug: string;
  name: string;
  genre: string;
  sound: string;
  city: string;
  country: string;
  area: string;
  x: number;
  y: number;
  microgenres: string[];
}

const scenes: BuiltScene[] = [];
for (const c of CITIES) {
  const found = SOUND_PRIORITY.filter((s) => names.has(`${c.match} ${s}`) && coords.has(`${c.match} ${s}`));
  for (const sound of found.slice(0, c.take ?? 1)) {
    const genre = `${c.match} ${sound}`;
    const { x, y } = coords.get(genre)!;
    scenes.push({
      slug: slugify(`${sound} ${c.country} ${c.city}`),
      name: titleCase(genre),
      genre,
      sound,
      city: c.city,
      country: c.country,
      area: c.area,
      x,
      y,
      microgenres: [],
    });
  }
}

const sceneGenres = new Set(scenes.map((s) => s.genre));
const candidates = universe.filter((n) => !sceneGenres.has(n) && isPlaceless(n) && slugify(n).length > 0);
const microgenres = new Map<string, { slug: string; name: string; genre: string; x: number; y: number }>();
for (const scene of scenes) {
  const soundWords = new Set(scene.sound.split(/[ -]/));
  const ranked = candidates
    .map((n) => {
      const p = coords.get(n)!;
      const d = Math.hypot(p.x - scene.x, p.y - scene.y);
      const shares = n.split(/[ -]/).some((w) => soundWords.has(w));
      return { n, score: shares ? d / 1.6 : d };
    })
    .sort((a, b) => a.score - b.score || (a.n < b.n ? -1 : 1));
  const want = 3 + (fnv(scene.genre) % 4);
  for (const { n } of ranked.slice(0, want)) {
    const slug = slugify(n);
    scene.microgenres.push(slug);
    if (!microgenres.has(slug)) microgenres.set(slug, { slug, name: titleCase(n), genre: n, ...coords.get(n)! });
  }
}
const catalog = [...microgenres.values()].sort((a, b) => (a.slug < b.slug ? -1 : 1));

const slugs = new Set(scenes.map((s) => s.slug));
if (slugs.size !== scenes.length) throw new Error('duplicate scene slug');
if (!slugs.has('indie-uk-brighton')) throw new Error('indie-uk-brighton missing');

const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const out = `/*!
 * scene-radar demo genre data, derived from Every Noise at Once. @license CC-BY-SA-4.0
 * Coordinates: Every Noise at Once by Glenn McDonald (everynoise.com), via AyrtonB/EveryNoise-Watch,
 * CC-BY-SA-4.0 (https://creativecommons.org/licenses/by-sa/4.0/). Names: via Geeoon/EveryNoise-Genre-JSON, CC0 1.0.
 */
/**
 * @module adapters/memory/data/genres
 * GENERATED by \`scripts/build-genre-data.ts\`; do not edit by hand (run \`npm run genres\`).
 * Derived data. Genre names: Every Noise at Once (everynoise.com) via Geeoon/EveryNoise-Genre-JSON,
 * CC0 1.0. Coordinates (x, y): Every Noise at Once by Glenn McDonald, everynoise.com, via
 * AyrtonB/EveryNoise-Watch, CC-BY-SA-4.0; this derived file is shared under the same license.
 * See ATTRIBUTION.md beside this file. Mapping rules: see the build script's header.
 */

/** Attribution that must travel with the coordinates below. */
export const GENRE_DATA_ATTRIBUTION =
  'Genre names: Every Noise at Once via Geeoon/EveryNoise-Genre-JSON (CC0 1.0). Coordinates: Every Noise at Once by Glenn McDonald, everynoise.com, via AyrtonB/EveryNoise-Watch (CC-BY-SA-4.0).';

/** A city scene from an Every Noise genre \`"<city> <sound>"\`. */
export interface GenreScene {
  /** Scene slug, \`<sound>-<country>-<city>\`. */
  readonly slug: string;
  /** Display name, the Every Noise name title-cased. */
  readonly name: string;
  /** The sound part of the name (\`indie\`, \`minimal techno\`). */
  readonly sound: string;
  /** City slug. */
  readonly city: string;
  /** Lowercase country code (the scene's region). */
  readonly country: string;
  /** Wider area (\`europe\`, \`north-america\`, ...). */
  readonly area: string;
  /** Every Noise x (low: heavier, high: lighter). CC-BY-SA-4.0, see the header. */
  readonly x: number;
  /** Every Noise y (low: organic, high: mechanical). CC-BY-SA-4.0, see the header. */
  readonly y: number;
  /** Slugs of the placeless microgenres nearest to the scene in the map, nearest first. */
  readonly microgenres: readonly string[];
}

/** A placeless sound genre. */
export interface GenreMicrogenre {
  /** Slug, \`slugify(name)\`. */
  readonly slug: string;
  /** Display name, title-cased. */
  readonly name: string;
  /** Every Noise x. CC-BY-SA-4.0, see the header. */
  readonly x: number;
  /** Every Noise y. CC-BY-SA-4.0, see the header. */
  readonly y: number;
}

/** ${scenes.length} city scenes, in curated city order (\`indie-uk-brighton\` first). */
export const GENRE_SCENES: readonly GenreScene[] = [
${scenes.map((s) => `  { slug: ${q(s.slug)}, name: ${q(s.name)}, sound: ${q(s.sound)}, city: ${q(s.city)}, country: ${q(s.country)}, area: ${q(s.area)}, x: ${s.x}, y: ${s.y}, microgenres: [${s.microgenres.map(q).join(', ')}] },`).join('\n')}
];

/** ${catalog.length} microgenres (the union of the scenes' microgenres), by slug. */
export const GENRE_MICROGENRES: readonly GenreMicrogenre[] = [
${catalog.map((m) => `  { slug: ${q(m.slug)}, name: ${q(m.name)}, x: ${m.x}, y: ${m.y} },`).join('\n')}
];
`;
writeFileSync(`${outDir}genres.ts`, out);
console.log(
  `wrote ${outDir}genres.ts: ${scenes.length} scenes, ${catalog.length} microgenres, ${Buffer.byteLength(out)} bytes`,
);

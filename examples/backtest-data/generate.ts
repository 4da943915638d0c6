/**
 * Writes the synthetic export that examples/backtest-tabular.ts backtests: a made-up label's
 * artists, their real-time events (playlist adds, radio plays, social spikes and, once an artist
 * breaks out, national chart entries) and their collaborations, from mid-2023 to the end of 2025.
 * Seeded: every run writes the same files. Invented data, not a chart.
 *
 *   npx tsx examples/backtest-data/generate.ts
 */
import { writeFileSync } from 'node:fs';
import { mulberry32 } from 'scene-radar/backtest';

const DAY_MS = 86_400_000;
/** The day `days` after `day` (`YYYY-MM-DD`). */
const addDays = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
/** Whole days from `from` to `to` (`YYYY-MM-DD`). */
const daysBetween = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

const START = '2023-07-01';
const END = '2025-12-31';
const ARTISTS = 120;
const REGIONS = ['gb', 'us', 'de', 'fr', 'se', 'nl'];
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ren',
  'sa',
  'tor',
  'vel',
  'no',
  'dra',
  'fen',
  'ly',
  'qu',
  'zan',
  'or',
  'bel',
  'cy',
];

const rand = mulberry32(20_251_231);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const word = (): string => Array.from({ length: 2 + Math.floor(rand() * 2) }, () => pick(SYLLABLES)).join('');
const title = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const hour = (): string =>
  `${String(Math.floor(rand() * 24)).padStart(2, '0')}:${String(Math.floor(rand() * 60)).padStart(2, '0')}:00Z`;

const artists: string[] = ['slug,name,home_region,home_city,first_seen'];
const events: string[] = ['artist,id,type,at,weight,region'];
const collaborators: string[] = ['artist_a,artist_b,weight,since'];
const debuts: { slug: string; debut: string }[] = [];
const span = daysBetween(START, END);
const used = new Set<string>();

for (let i = 0; i < ARTISTS; i++) {
  let name = `${title(word())} ${title(word())}`;
  while (used.has(name)) name = `${title(word())} ${title(word())}`;
  used.add(name);
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const debutOffset = Math.floor(rand() * (span - 120));
  const debut = addDays(START, debutOffset);
  debuts.push({ slug, debut });
  artists.push([slug, name, 'gb', pick(['london', 'manchester', 'bristol', 'glasgow', '']), debut].join(','));
  // Latent audience (log scale): a starting level and a yearly drift, with weekly noise.
  let level = normal() * 0.6 - 0.5;
  const drift = normal() * 1.1 + 0.15;
  for (let d = debutOffset; d <= span; d++) {
    if (d % 7 === 0) level += drift / 52 + normal() * 0.08;
    const day = addDays(START, d);
    const rate = Math.min(0.4, 0.04 * Math.exp(level));
    const reach = 1 / (1 + Math.exp(-level));
    const regions = REGIONS.slice(0, 1 + Math.min(REGIONS.length - 1, Math.floor(Math.max(0, level + 1) * 1.5)));
    if (rand() < rate) {
      const type = rand() < 0.6 ? 'playlist_add' : rand() < 0.6 ? 'radio_play' : 'social_spike';
      events.push(
        [slug, '', type, `${day}T${hour()}`, Math.round(5 + 60 * reach * (0.5 + rand())), pick(regions)].join(','),
      );
    }
    // Breaking out: the national chart, weekly, while the audience stays high.
    if (level > 1.6 && d % 7 === 5) {
      const position = Math.max(1, Math.min(100, Math.round(100 - 35 * (level - 1.6) + normal() * 5)));
      events.push([slug, '', 'chart_entry', `${day}T${hour()}`, 101 - position, 'gb'].join(','));
    }
  }
}

// A sparse collaboration graph: each pair dated after both debuts.
for (let k = 0; k < 45; k++) {
  const a = pick(debuts);
  const b = pick(debuts);
  if (a.slug === b.slug) continue;
  const from = a.debut > b.debut ? a.debut : b.debut;
  const since = addDays(from, Math.floor(rand() * 200));
  if (since > END) continue;
  collaborators.push([a.slug, b.slug, 1 + Math.floor(rand() * 3), since].join(','));
}

const here = new URL('./', import.meta.url);
writeFileSync(new URL('artists.csv', here), `${artists.join('\n')}\n`);
writeFileSync(new URL('events.csv', here), `${events.join('\n')}\n`);
writeFileSync(new URL('collaborators.csv', here), `${collaborators.join('\n')}\n`);
console.log(`${artists.length - 1} artists, ${events.length - 1} events, ${collaborators.length - 1} collaborations`);

/**
 * @module bench/backtest/chart/load
 * Reads the derived artist tables of a weekly chart (Billboard Hot 100, Billboard 200) from a
 * directory given at run time (the files carry no license and never enter the repository): per
 * artist and chart week the best rank, the artists' first dates, and the co-credit edges with the
 * date they first appeared. One loader for every chart; a {@link ChartSpec} names its files and
 * its size.
 *
 * Artists get slugs with `slugify`. Distinct names that slugify alike ("Beyonce" / "Beyoncé" are
 * separate credits in the data) stay distinct artists, because the protocol counts them apart:
 * the name that charted first keeps the plain slug, the others get `-2`, `-3`... in order of first
 * chart date, then name (by code point). A name with nothing slug-worthy becomes `artist`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { slugify } from 'scene-radar';
import { parseCsv, type CsvRow } from 'scene-radar/adapters/tabular';

/** A weekly chart: its files' prefix, its name and its number of places. */
export interface ChartSpec {
  /** File prefix: `hot100` reads `hot100_artist_weekly.csv.gz`, ... */
  readonly prefix: string;
  /** Name in reports. */
  readonly title: string;
  /** Places on the chart (rank 1 to size). */
  readonly size: number;
}

/** The Billboard Hot 100 (singles). */
export const HOT100: ChartSpec = Object.freeze({ prefix: 'hot100', title: 'Billboard Hot 100', size: 100 });
/** The Billboard 200 (albums). */
export const BB200: ChartSpec = Object.freeze({ prefix: 'bb200', title: 'Billboard 200', size: 200 });

/** The files of a chart inside its directory (the weekly table may also be a plain `.csv`). */
export function chartFiles(chart: ChartSpec): {
  readonly weekly: string;
  readonly events: string;
  readonly edges: string;
} {
  return {
    weekly: `${chart.prefix}_artist_weekly.csv.gz`,
    events: `${chart.prefix}_artist_events.csv`,
    edges: `${chart.prefix}_collab_edges.csv`,
  };
}

/** The files of `chart` missing from `dir` (an empty list when all are there). */
export function missingChartFiles(dir: string, chart: ChartSpec): string[] {
  const files = chartFiles(chart);
  return [files.weekly, files.events, files.edges].filter(
    (f) => !existsSync(join(dir, f)) && !(f.endsWith('.gz') && existsSync(join(dir, f.slice(0, -3)))),
  );
}

/**
 * Reads a CSV file (gunzipped first when the name ends in `.gz`) with the tabular adapter's parser
 * (the package's one CSV parser) and checks that the columns it needs are there. Synchronous,
 * unlike the adapter's `readTable`, because `loadChart` is. Throws an Error naming the file on a
 * missing file or column or a gzip file that cannot be read, and the adapter's error (file and
 * line) on malformed CSV.
 */
function readCsv(path: string, required: readonly string[]): { readonly rows: readonly CsvRow[] } {
  const bytes = readFileSync(path);
  let text: string;
  try {
    text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (error) {
    // zlib's own words ("unexpected end of file") name no file: a truncated download says which.
    throw new Error(`${path}: not a readable gzip file (${(error as Error).message})`);
  }
  const { columns, rows } = parseCsv(text, { source: path });
  if (columns.length === 0) throw new Error(`${path}: empty file`);
  const missing = required.filter((c) => !columns.includes(c));
  if (missing.length) throw new Error(`${path}: missing column(s) ${missing.join(', ')} (found ${columns.join(', ')})`);
  return { rows };
}

/** One artist-week on the chart. */
export interface ChartWeek {
  /** Chart date, `YYYY-MM-DD`. */
  readonly date: string;
  /** The artist's best position that week (1 = top). */
  readonly bestRank: number;
  /** The artist's entries that week. */
  readonly entries: number;
}

/** One artist. */
export interface ChartArtist {
  /** Slug (unique). */
  readonly slug: string;
  /** Name as credited. */
  readonly name: string;
  /** First chart date. */
  readonly firstChart: string;
  /** Weeks on the chart, oldest first. */
  readonly weeks: readonly ChartWeek[];
}

/** A co-credit edge between two artists. */
export interface ChartEdge {
  /** One artist's slug. */
  readonly a: string;
  /** The other's. */
  readonly b: string;
  /** First chart date of a work (song, album) crediting both. */
  readonly since: string;
}

/** The loaded data. */
export interface ChartData {
  /** The chart. */
  readonly chart: ChartSpec;
  /** Artists, in slug order. */
  readonly artists: readonly ChartArtist[];
  /** Every chart date, oldest first. */
  readonly chartDates: readonly string[];
  /** Edges, one per pair. */
  readonly edges: readonly ChartEdge[];
  /** Groups of names that slugified alike, with the slugs they were given. */
  readonly collisions: readonly { readonly slugs: readonly string[]; readonly names: readonly string[] }[];
  /** Load statistics and consistency checks. */
  readonly stats: {
    /** Artist-week rows read. */
    readonly artistWeeks: number;
    /** Edges dropped: an endpoint is not a charting artist, or both ends are the same artist. */
    readonly edgesDropped: number;
    /** Edges merged because the pair appeared twice. */
    readonly edgesDuplicate: number;
    /** Artists whose first top 10 in the events file differs from the weekly table. */
    readonly firstTop10Mismatches: number;
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function int(value: string | undefined, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`${what}: expected an integer, got ${JSON.stringify(value)}`);
  return n;
}

function date(value: string | undefined, what: string): string {
  if (value === undefined || !DATE.test(value))
    throw new Error(`${what}: expected YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Gives each name a unique slug: deterministic whatever order the names come in (see the module
 * comment for the rule).
 * @example
 * ```ts
 * assignSlugs([{ name: 'Beyoncé', firstChart: '2003-05-24' }, { name: 'Beyonce', firstChart: '2003-07-05' }]);
 * // Map { 'Beyoncé' => 'beyonce', 'Beyonce' => 'beyonce-2' }
 * ```
 */
export function assignSlugs(
  names: readonly { readonly name: string; readonly firstChart: string }[],
): Map<string, string> {
  const groups = new Map<string, { name: string; firstChart: string }[]>();
  for (const n of names) {
    const base = slugify(n.name).slice(0, 120).replace(/-+$/, '') || 'artist';
    groups.set(base, [...(groups.get(base) ?? []), n]);
  }
  const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const out = new Map<string, string>();
  const taken = new Set(groups.keys());
  for (const base of [...groups.keys()].sort(byCodePoint)) {
    const ranked = groups
      .get(base)!
      .sort((x, y) => byCodePoint(x.firstChart, y.firstChart) || byCodePoint(x.name, y.name));
    out.set(ranked[0]!.name, base);
    let suffix = 2;
    for (const extra of ranked.slice(1)) {
      // Skips suffixes that are some other name's plain slug ("Artist 2").
      while (taken.has(`${base}-${suffix}`)) suffix++;
      const slug = `${base}-${suffix}`;
      taken.add(slug);
      out.set(extra.name, slug);
    }
  }
  return out;
}

/**
 * Loads a chart's artist tables from `dir`. Throws an Error naming the file on a missing or
 * malformed file, or a rank outside 1 to the chart's size.
 * @example
 * ```ts
 * const data = loadChart('/data/billboard-hot100', HOT100);
 * data.artists.length; // 8803
 * ```
 */
export function loadChart(dir: string, chart: ChartSpec): ChartData {
  const files = chartFiles(chart);
  const weeklyPath =
    existsSync(join(dir, files.weekly)) || !existsSync(join(dir, files.weekly.slice(0, -3)))
      ? files.weekly
      : files.weekly.slice(0, -3);
  const weekly = readCsv(join(dir, weeklyPath), ['artist', 'chart_date', 'n_entries', 'best_rank']);
  const events = readCsv(join(dir, files.events), ['artist', 'first_top10_date']);
  const edgesCsv = readCsv(join(dir, files.edges), ['artist_a', 'artist_b', 'first_cocharting_date']);

  const weeksByName = new Map<string, ChartWeek[]>();
  const dates = new Set<string>();
  weekly.rows.forEach((r, i) => {
    const where = `${weeklyPath} row ${i + 2}`;
    const week: ChartWeek = {
      date: date(r.chart_date, where),
      bestRank: int(r.best_rank, where),
      entries: int(r.n_entries, where),
    };
    if (week.bestRank < 1 || week.bestRank > chart.size)
      throw new Error(`${where}: best_rank ${week.bestRank} outside 1-${chart.size}`);
    const name = r.artist!;
    const list = weeksByName.get(name);
    if (list) list.push(week);
    else weeksByName.set(name, [week]);
    dates.add(week.date);
  });
  for (const list of weeksByName.values()) list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const firstChart = (name: string): string => weeksByName.get(name)![0]!.date;
  const slugs = assignSlugs([...weeksByName.keys()].map((name) => ({ name, firstChart: firstChart(name) })));
  const artists = [...weeksByName.entries()]
    .map(([name, weeks]) => ({ slug: slugs.get(name)!, name, firstChart: weeks[0]!.date, weeks }))
    .sort((a, b) => (a.slug < b.slug ? -1 : 1));

  const collisionGroups = new Map<string, string[]>();
  for (const a of artists) {
    const base = slugify(a.name).slice(0, 120).replace(/-+$/, '') || 'artist';
    collisionGroups.set(base, [...(collisionGroups.get(base) ?? []), a.name]);
  }
  const collisions = [...collisionGroups.values()]
    .filter((names) => names.length > 1)
    .map((names) => ({ names, slugs: names.map((n) => slugs.get(n)!) }));

  let firstTop10Mismatches = 0;
  for (const r of events.rows) {
    const weeks = weeksByName.get(r.artist!);
    const own = weeks?.find((w) => w.bestRank <= 10)?.date ?? '';
    if (weeks && own !== (r.first_top10_date ?? '')) firstTop10Mismatches++;
  }

  const pairs = new Map<string, ChartEdge>();
  let edgesDropped = 0;
  let edgesDuplicate = 0;
  edgesCsv.rows.forEach((r, i) => {
    const a = slugs.get(r.artist_a!);
    const b = slugs.get(r.artist_b!);
    const since = date(r.first_cocharting_date, `${files.edges} row ${i + 2}`);
    if (a === undefined || b === undefined || a === b) {
      edgesDropped++;
      return;
    }
    const [x, y] = a < b ? [a, b] : [b, a];
    const key = `${x}\u0000${y}`;
    const prior = pairs.get(key);
    if (prior) edgesDuplicate++;
    if (!prior || since < prior.since) pairs.set(key, { a: x, b: y, since });
  });

  return {
    chart,
    artists,
    chartDates: [...dates].sort(),
    edges: [...pairs.values()],
    collisions,
    stats: { artistWeeks: weekly.rows.length, edgesDropped, edgesDuplicate, firstTop10Mismatches },
  };
}

/**
 * @module adapters/tabular/build-histories
 * Links validated (and aggregated) rows into artist histories: checks what a single row cannot
 * show (unknown artists, duplicate keys, a campaign ending before it starts, a collaboration
 * with oneself), generates missing ids, derives the artist universe when there is no `artists`
 * table, and turns per-day rows into dense series.
 */
import { MAX_SERIES_DAYS } from '../../src/contracts/daily-values.js';
import type { ArtistRecord, CollaboratorLink, ScenePulseSummary, Workspace } from '../../src/contracts/payloads.js';
import { DAY_MS, dayOf, dayStart, observedAtMs, parseInstant } from '../../src/core/time.js';
import type { ArtistHistory, DatedMembership } from '../memory/core.js';
import { checkSpan, dayNumber, densify, type DayPoint, type SeriesSpan } from './dense-series.js';
import type { RejectionLog } from './rejections.js';
import type { TabularRowOf, TabularTableName } from './row-schemas.js';
import type { Located } from './validate-rows.js';

/** Validated rows of every table given (absent tables are undefined). */
export type ValidatedTables = { [T in TabularTableName]?: Located<TabularRowOf<T>>[] };

/** Options the linking step reads. */
export interface LinkOptions {
  /** Home region of artists derived from slugs. */
  readonly derivedHomeRegion: string;
  /** Shared span of every daily series, if any. */
  readonly seriesSpan: SeriesSpan | undefined;
  /** Source name of each table, for rejections. */
  readonly sources: { readonly [T in TabularTableName]?: string | null };
}

/** What the dataset is built from. */
export interface LinkedData {
  /** One history per artist, in universe order. */
  readonly histories: ArtistHistory[];
  /** Scene pulse snapshots. */
  readonly scenePulses: ScenePulseSummary[];
  /** Workspaces. */
  readonly workspaces: Workspace[];
  /** True when the universe was derived from slugs. */
  readonly artistsDerived: boolean;
}

interface Draft {
  tastemakers: ArtistHistory['tastemakers'][number][];
  collaborators: CollaboratorLink[];
  releases: ArtistHistory['releases'][number][];
  campaigns: ArtistHistory['campaigns'][number][];
  articles: ArtistHistory['articles'][number][];
  events: ArtistHistory['events'][number][];
  memberships: DatedMembership[];
  engagement: DayPoint[];
  coherence: DayPoint[];
  /** Earliest observation, epoch ms (for a derived `first_seen`). */
  firstMs: number;
}

const emptyDraft = (): Draft => ({
  tastemakers: [],
  collaborators: [],
  releases: [],
  campaigns: [],
  articles: [],
  events: [],
  memberships: [],
  engagement: [],
  coherence: [],
  firstMs: Infinity,
});

/** Links validated tables into histories; rejected rows go to `log`. */
export function buildHistories(tables: ValidatedTables, options: LinkOptions, log: RejectionLog): LinkedData {
  const span = options.seriesSpan ? checkSpan(options.seriesSpan) : undefined;
  const reject = (table: TabularTableName, line: number, column: string | null, message: string): void =>
    log.reject({ table, source: options.sources[table] ?? null, line, column, message });

  // The universe: the artists table when given, else every slug an observation names.
  const records = new Map<string, ArtistRecord>();
  const artistLines = new Map<string, number>();
  if (tables.artists) {
    let accepted = 0;
    for (const { row, line } of tables.artists) {
      const first = artistLines.get(row.slug);
      if (first !== undefined) {
        reject('artists', line, 'slug', `duplicate artist slug ${row.slug} (first on line ${first})`);
        continue;
      }
      artistLines.set(row.slug, line);
      records.set(row.slug, {
        slug: row.slug,
        name: row.name,
        homeRegion: row.home_region,
        homeCity: row.home_city,
        firstSeen: row.first_seen,
        debut: row.debut,
      });
      accepted++;
    }
    log.accept('artists', accepted);
  }
  const closed = tables.artists !== undefined;
  const drafts = new Map<string, Draft>();
  /** The artist's draft, or undefined (and the row rejected) when the artists table lacks it. */
  const draftOf = (
    table: TabularTableName,
    line: number,
    column: string,
    slug: string,
    atMs: number,
  ): Draft | undefined => {
    if (closed && !records.has(slug)) {
      reject(table, line, column, `unknown artist ${slug} (not in the artists table)`);
      return undefined;
    }
    let d = drafts.get(slug);
    if (!d) {
      d = emptyDraft();
      drafts.set(slug, d);
    }
    if (atMs < d.firstMs) d.firstMs = atMs;
    return d;
  };
  /**
   * Generated ids: `<artist>-<prefix><n>`, n counting that artist's rows of the table in input
   * order, past any id the file itself gives that artist in that table (a generated id equal to
   * a given one made two rows one: the second was dropped, or refused as a duplicate release).
   */
  const counters = new Map<string, number>();
  const givenIds = new Map<string, Set<string>>();
  const give = (prefix: string, artist: string, id: string | null): void => {
    if (id === null) return;
    const key = `${prefix}\u0000${artist}`;
    let ids = givenIds.get(key);
    if (!ids) {
      ids = new Set();
      givenIds.set(key, ids);
    }
    ids.add(id);
  };
  for (const { row } of tables.events ?? []) give('e', row.artist, row.id);
  for (const { row } of tables.articles ?? []) give('a', row.artist, row.id);
  for (const { row } of tables.releases ?? []) give('r', row.artist, row.release_id);
  for (const { row } of tables.campaigns ?? []) give('c', row.artist, row.id);
  const idFor = (prefix: string, artist: string, given: string | null): string => {
    const key = `${prefix}\u0000${artist}`;
    let n = counters.get(key) ?? 0;
    const taken = givenIds.get(key);
    let id = `${artist}-${prefix}${n}`;
    if (given === null) while (taken?.has(id)) id = `${artist}-${prefix}${++n}`;
    counters.set(key, n + 1);
    return given ?? id;
  };
  const linkAll = <T extends TabularTableName>(
    table: T,
    link: (row: TabularRowOf<T>, line: number) => boolean,
  ): void => {
    const rows = tables[table] as Located<TabularRowOf<T>>[] | undefined;
    if (!rows) return;
    let accepted = 0;
    for (const { row, line } of rows) if (link(row, line)) accepted++;
    log.accept(table, accepted);
  };

  linkAll('events', (r, line) => {
    const id = idFor('e', r.artist, r.id);
    const d = draftOf('events', line, 'artist', r.artist, observedAtMs(r.at));
    d?.events.push({ id, type: r.type, at: r.at, weight: r.weight, region: r.region });
    return d !== undefined;
  });
  linkAll('articles', (r, line) => {
    const id = idFor('a', r.artist, r.id);
    const d = draftOf('articles', line, 'artist', r.artist, observedAtMs(r.published_at));
    d?.articles.push({
      id,
      publishedAt: r.published_at,
      outlet: r.outlet,
      outletQuality: r.outlet_quality,
      title: r.title,
    });
    return d !== undefined;
  });
  linkAll('tastemakers', (r, line) => {
    const d = draftOf('tastemakers', line, 'artist', r.artist, observedAtMs(r.since));
    d?.tastemakers.push({ tastemaker: r.tastemaker, kind: r.kind, weight: r.weight, since: r.since });
    return d !== undefined;
  });
  linkAll('collaborators', (r, line) => {
    if (r.artist_a === r.artist_b) {
      reject('collaborators', line, 'artist_b', `an artist cannot collaborate with itself (${r.artist_a})`);
      return false;
    }
    const t = observedAtMs(r.since);
    // Check both ends before touching either, so a rejected row leaves no half link behind.
    if (closed && !records.has(r.artist_a))
      return draftOf('collaborators', line, 'artist_a', r.artist_a, t) !== undefined;
    if (closed && !records.has(r.artist_b))
      return draftOf('collaborators', line, 'artist_b', r.artist_b, t) !== undefined;
    draftOf('collaborators', line, 'artist_a', r.artist_a, t)!.collaborators.push({
      artist: r.artist_b,
      weight: r.weight,
      since: r.since,
    });
    draftOf('collaborators', line, 'artist_b', r.artist_b, t)!.collaborators.push({
      artist: r.artist_a,
      weight: r.weight,
      since: r.since,
    });
    return true;
  });
  const releaseLines = new Map<string, number>();
  linkAll('releases', (r, line) => {
    const releaseId = idFor('r', r.artist, r.release_id);
    const key = `${r.artist}\u0000${releaseId}`;
    const first = releaseLines.get(key);
    if (first !== undefined) {
      reject('releases', line, 'release_id', `duplicate release ${releaseId} of ${r.artist} (first on line ${first})`);
      return false;
    }
    const d = draftOf('releases', line, 'artist', r.artist, dayStart(r.released_at));
    if (d) releaseLines.set(key, line);
    d?.releases.push({ releaseId, releasedAt: r.released_at, vector: r.vector, microgenres: r.microgenres });
    return d !== undefined;
  });
  const campaignLines = new Map<string, number>();
  linkAll('campaigns', (r, line) => {
    const id = idFor('c', r.artist, r.id);
    if (r.end !== null && r.end < r.start) {
      reject('campaigns', line, 'end', `end ${r.end} is before start ${r.start}`);
      return false;
    }
    // A campaign is one row: a repeated id is refused as a repeated release is (the source serves
    // one campaign per id, so a second row would be counted accepted and never read).
    const key = `${r.artist}\u0000${id}`;
    const first = campaignLines.get(key);
    if (first !== undefined) {
      reject('campaigns', line, 'id', `duplicate campaign ${id} of ${r.artist} (first on line ${first})`);
      return false;
    }
    const d = draftOf('campaigns', line, 'artist', r.artist, dayStart(r.start));
    if (d) campaignLines.set(key, line);
    d?.campaigns.push({ id, channel: r.channel, start: r.start, end: r.end, spend: r.spend });
    return d !== undefined;
  });
  const membershipLines = new Map<string, number>();
  linkAll('memberships', (r, line) => {
    const key = `${r.artist}\u0000${r.scene}`;
    const first = membershipLines.get(key);
    if (first !== undefined) {
      reject(
        'memberships',
        line,
        'scene',
        `duplicate membership of ${r.artist} in ${r.scene} (first on line ${first})`,
      );
      return false;
    }
    const d = draftOf('memberships', line, 'artist', r.artist, dayStart(r.since));
    if (d) membershipLines.set(key, line);
    d?.memberships.push({ sceneSlug: r.scene, confidence: r.confidence, microgenres: r.microgenres, since: r.since });
    return d !== undefined;
  });
  linkDaily('engagement', tables.engagement, (r) => [r.organic, r.paid]);
  linkDaily('coherence', tables.coherence, (r) => [r.value]);

  /** Per-day rows (one per artist and day: aggregation merged the rest), inside the shared span, within the longest series. */
  function linkDaily<T extends 'engagement' | 'coherence'>(
    table: T,
    rows: Located<TabularRowOf<T>>[] | undefined,
    values: (row: TabularRowOf<T>) => (number | null)[],
  ): void {
    if (!rows) return;
    const firstDay = new Map<string, number>();
    if (!span)
      for (const { row } of rows)
        firstDay.set(row.artist, Math.min(firstDay.get(row.artist) ?? Infinity, dayNumber(row.day)));
    let accepted = 0;
    for (const { row, line } of rows) {
      const day = dayNumber(row.day);
      if (span && (day < span.first || day > span.last)) {
        reject(
          table,
          line,
          'day',
          `${row.day} is outside seriesSpan ${options.seriesSpan!.start}..${options.seriesSpan!.end}`,
        );
        continue;
      }
      const start = span ? span.first : firstDay.get(row.artist)!;
      if (day - start + 1 > MAX_SERIES_DAYS) {
        reject(
          table,
          line,
          'day',
          `${row.day} is more than ${MAX_SERIES_DAYS} days after the artist's first ${table} day`,
        );
        continue;
      }
      // A daily value dated D is known at the end of D (the contracts' rule): so is the artist it reveals.
      const d = draftOf(table, line, 'artist', row.artist, dayStart(row.day) + DAY_MS);
      if (!d) continue;
      d[table].push({ day, values: values(row) });
      accepted++;
    }
    log.accept(table, accepted);
  }

  if (!closed) {
    // Derived universe: sorted slugs, first seen at the earliest observation.
    for (const slug of [...drafts.keys()].sort()) {
      records.set(slug, {
        slug,
        name: slug,
        homeRegion: options.derivedHomeRegion,
        homeCity: null,
        firstSeen: new Date(drafts.get(slug)!.firstMs).toISOString(),
        debut: null,
      });
    }
  }

  const histories: ArtistHistory[] = [];
  for (const record of records.values()) {
    const d = drafts.get(record.slug) ?? emptyDraft();
    const engagement = series(d.engagement, 2, record);
    const coherence = series(d.coherence, 1, record);
    histories.push({
      record,
      tastemakers: d.tastemakers,
      collaborators: d.collaborators,
      releases: d.releases,
      campaigns: d.campaigns,
      articles: d.articles,
      events: d.events,
      memberships: d.memberships,
      engagement: { start: engagement.start, organic: engagement.arrays[0]!, paid: engagement.arrays[1]! },
      coherence: { start: coherence.start, values: coherence.arrays[0]! },
    });
  }

  /** Dense series over the shared span, or the artist's own first-to-last day (empty without rows). */
  function series(
    points: DayPoint[],
    width: number,
    record: ArtistRecord,
  ): { start: string; arrays: (number | null)[][] } {
    if (span) return densify(points, width, span.first, span.last);
    if (points.length === 0) {
      const first = dayNumber(dayOf(parseInstant(record.firstSeen)));
      return densify(points, width, first, first - 1);
    }
    let first = Infinity;
    let last = -Infinity;
    for (const p of points) {
      first = Math.min(first, p.day);
      last = Math.max(last, p.day);
    }
    return densify(points, width, first, last);
  }

  const scenePulses: ScenePulseSummary[] = (tables.scenePulses ?? []).map(({ row }) => ({
    sceneSlug: row.scene,
    heat: row.heat,
    growth: row.growth,
    stage: row.stage,
    asOf: row.as_of,
  }));
  if (tables.scenePulses) log.accept('scenePulses', scenePulses.length);
  const workspaces: Workspace[] = [];
  // By lower case: workspace ids are UUIDs, which the dataset and the workspace source compare
  // without case, so `AAAA...` after `aaaa...` is this row's duplicate, not a whole import's failure.
  const workspaceLines = new Map<string, number>();
  for (const { row, line } of tables.workspaces ?? []) {
    const id = row.id.toLowerCase();
    const first = workspaceLines.get(id);
    if (first !== undefined) {
      reject('workspaces', line, 'id', `duplicate workspace id ${row.id} (first on line ${first})`);
      continue;
    }
    workspaceLines.set(id, line);
    workspaces.push({ ...row });
  }
  if (tables.workspaces) log.accept('workspaces', workspaces.length);

  return { histories, scenePulses, workspaces, artistsDerived: !closed };
}

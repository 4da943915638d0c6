/**
 * @module core/gateway/bounds
 * Sanity bounds applied by the gateway to every answer, after the schema: what a well-formed but
 * absurd payload gets. Three checks, one place:
 *
 * - **size**: a list longer than `maxListItems` (or an artist page longer than `maxPageItems`) is
 *   an error for that item, found before the list is parsed, so a million-item answer costs a
 *   length read rather than an event-loop stall;
 * - **time**: an observation dated after the as-of instant plus `futureSkewMs` is an invalid
 *   payload (a series dated 2999 is a bug in the source, not a measurement);
 * - **range**: values above each field's documented ceiling (daily engagement, event weight,
 *   spend, collaboration weight, fingerprint components) are invalid payloads.
 *
 * Also here, because it is the same kind of rule: observations are keyed by their ids. A list
 * that carries the same article, event, campaign or release twice counts it once (the first).
 */
import type { ArtistNetwork, ArtistRecord, Article, Campaign, CoherenceSeries, EngagementSeries, RcfEvent, ReleaseFingerprint } from '../../contracts/payloads.js';
import type { PayloadBounds } from '../../config.js';

const DAY_MS = 86_400_000;

/** Lists an answer carries, by `source.method`: how to find them in the raw (unparsed) value. */
const LISTS: Record<string, (raw: unknown) => readonly unknown[]> = {
  'mig.getNetworks': (v) => [field(v, 'tastemakers'), field(v, 'collaborators')],
  'cmg.getReleases': (v) => [v],
  'fusion.getCampaigns': (v) => [v],
  'coverage.getArticles': (v) => [v],
  'rcf.getEvents': (v) => [v],
  'scenes.getMemberships': (v) => [v],
  'scenes.listHottestScenes': (v) => [v],
  'mig.listArtists': (v) => [field(v, 'items')],
};

function field(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
}

/**
 * Why an unparsed answer (for one key, or a whole page of `listArtists`) is too large, or
 * undefined. Only array lengths are read, before any item is: cost O(1) whatever the size.
 */
export function oversize(method: string, raw: unknown, bounds: PayloadBounds): string | undefined {
  const lists = LISTS[method]?.(raw);
  if (!lists) return undefined;
  const [max, name] = method === 'mig.listArtists' ? [bounds.maxPageItems, 'maxPageItems'] : [bounds.maxListItems, 'maxListItems'];
  for (const list of lists) {
    if (Array.isArray(list) && list.length > max) return `a list of ${list.length} items (more than payloads.${name}, ${max})`;
  }
  return undefined;
}

type Check = (value: never, latestMs: number, b: PayloadBounds) => string | undefined;

const iso = (ms: number): string => new Date(ms).toISOString();

function after(what: string, ms: number, latestMs: number): string | undefined {
  return ms > latestMs ? `${what} ${Number.isFinite(ms) ? iso(ms) : 'out of range'} is after the as-of instant (plus payloads.futureSkewMs)` : undefined;
}

function over(what: string, x: number | null, max: number): string | undefined {
  return x !== null && Math.abs(x) > max ? `${what} ${x} is beyond the documented bound ${max}` : undefined;
}

/** The day of a series' last observed (non-null) value, ms; -Infinity for a series with none. */
function seriesEnd(start: string, ...values: ReadonlyArray<readonly (number | null)[]>): number {
  let last = -1;
  for (const v of values) for (let i = v.length - 1; i > last; i--) if (v[i] !== null) last = i;
  return last < 0 ? -Infinity : Date.parse(start) + last * DAY_MS;
}

function firstProblem<T>(items: readonly T[], check: (item: T, i: number) => string | undefined): string | undefined {
  for (let i = 0; i < items.length; i++) {
    const p = check(items[i]!, i);
    if (p) return p;
  }
  return undefined;
}

const CHECKS: Record<string, Check> = {
  'mig.getArtists': (a: ArtistRecord, latest) => after('firstSeen', Date.parse(a.firstSeen), latest),
  'mig.getNetworks': (n: ArtistNetwork, latest, b) =>
    firstProblem(n.tastemakers, (l, i) => after(`tastemakers.${i}.since`, Date.parse(l.since), latest)) ??
    firstProblem(n.collaborators, (l, i) => after(`collaborators.${i}.since`, Date.parse(l.since), latest) ?? over(`collaborators.${i}.weight`, l.weight, b.maxWeight)),
  'cmg.getReleases': (rs: readonly ReleaseFingerprint[], latest, b) =>
    firstProblem(rs, (r, i) => after(`${i}.releasedAt`, Date.parse(r.releasedAt), latest) ?? firstProblem(r.vector, (x, j) => over(`${i}.vector.${j}`, x, b.maxVectorComponent))),
  'fusion.getCampaigns': (cs: readonly Campaign[], latest, b) => firstProblem(cs, (c, i) => after(`${i}.start`, Date.parse(c.start), latest) ?? over(`${i}.spend`, c.spend, b.maxSpend)),
  'fusion.getEngagement': (s: EngagementSeries, latest, b) =>
    after('the last observed day', seriesEnd(s.start, s.organic, s.paid), latest) ??
    firstProblem(s.organic, (x, i) => over(`organic.${i}`, x, b.maxDailyEngagement)) ??
    firstProblem(s.paid, (x, i) => over(`paid.${i}`, x, b.maxDailyEngagement)),
  'coverage.getArticles': (as: readonly Article[], latest) => firstProblem(as, (a, i) => after(`${i}.publishedAt`, Date.parse(a.publishedAt), latest)),
  'rcf.getEvents': (es: readonly RcfEvent[], latest, b) => firstProblem(es, (e, i) => after(`${i}.at`, Date.parse(e.at), latest) ?? over(`${i}.weight`, e.weight, b.maxWeight)),
  'identityKernel.getCoherence': (s: CoherenceSeries, latest) => after('the last observed day', seriesEnd(s.start, s.values), latest),
};

/** Why a parsed answer for one key breaks the sanity bounds, or undefined. */
export function outOfBounds(method: string, value: unknown, asOfMs: number, bounds: PayloadBounds): string | undefined {
  return CHECKS[method]?.(value as never, asOfMs + bounds.futureSkewMs, bounds);
}

/** Key of each observation kind, by `source.method`. */
const IDS: Record<string, (item: never) => string> = {
  'cmg.getReleases': (r: ReleaseFingerprint) => r.releaseId,
  'fusion.getCampaigns': (c: Campaign) => c.id,
  'coverage.getArticles': (a: Article) => a.id,
  'rcf.getEvents': (e: RcfEvent) => e.id,
};

/**
 * The list with each observation once (the first delivery of each id), the same array when it
 * had no repeat. Observations are keyed by their ids: a source that delivers an article or an
 * event twice must not count it twice.
 */
export function distinctObservations(method: string, value: unknown): unknown {
  const idOf = IDS[method];
  if (!idOf || !Array.isArray(value) || value.length < 2) return value;
  const seen = new Set<string>();
  let repeats = 0;
  for (const item of value) {
    const id = idOf(item as never);
    if (seen.has(id)) repeats++;
    else seen.add(id);
  }
  if (repeats === 0) return value;
  seen.clear();
  return value.filter((item) => {
    const id = idOf(item as never);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

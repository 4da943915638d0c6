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
 * that carries the same article, event, campaign or release twice counts it once (the first once
 * trimmed to the read's window and put in order: the earliest, then, of two copies at one instant,
 * the first in a fixed order of their content, never the order of delivery).
 * And each answer is put in one form whatever the source's habits ({@link canonicalObservations}):
 * what lies before the read's window is trimmed (the contract lets a source return it), and
 * releases, events and articles come in time order (ties by id), so every sum over them runs in
 * one order and "the latest release" is the latest released.
 */
import type {
  ArtistNetwork,
  ArtistRecord,
  Article,
  Campaign,
  CoherenceSeries,
  EngagementSeries,
  RcfEvent,
  ReleaseFingerprint,
  SceneMembership,
  ScenePulseSummary,
} from '../../contracts/payloads.js';
import type { PayloadBounds } from '../../config.js';
import { hottestScenesOf, type HottestScenes } from '../../contracts/sources.js';
import { DAY_MS, dayOf, dayStart, daysBetween, parseInstant } from '../time.js';

/** Lists an answer carries, by `source.method`: how to find them in the raw (unparsed) value. */
const LISTS: Record<string, (raw: unknown) => readonly unknown[]> = {
  'mig.getNetworks': (v) => [field(v, 'tastemakers'), field(v, 'collaborators')],
  'cmg.getReleases': (v) => [v],
  'fusion.getCampaigns': (v) => [v],
  'coverage.getArticles': (v) => [v],
  'rcf.getEvents': (v) => [v],
  'scenes.getMemberships': (v) => [v],
  // An array, or `{ scenes, unranked }` (HottestScenes).
  'scenes.listHottestScenes': (v) => [Array.isArray(v) ? v : field(v, 'scenes')],
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
  const [max, name] =
    method === 'mig.listArtists' ? [bounds.maxPageItems, 'maxPageItems'] : [bounds.maxListItems, 'maxListItems'];
  for (const list of lists) {
    if (Array.isArray(list) && list.length > max)
      return `a list of ${list.length} items (more than payloads.${name}, ${max})`;
  }
  return undefined;
}

type Check = (value: never, latestMs: number, b: PayloadBounds, ceilingsChecked: boolean) => string | undefined;

const iso = (ms: number): string => new Date(ms).toISOString();

/** The earliest instant an observation may be dated: 1900-01-01 (recorded music barely predates it). */
/** The first instant a source may report (1900-01-01T00:00Z): anything earlier is an invalid payload. */
export const EARLIEST_MS = Date.UTC(1900, 0, 1);

// The checks below run on every key of every answer: the common case (nothing wrong) compares
// numbers only; a message, with the item's path (`prefix` + index + `suffix`), is built only for
// a value that fails.

/** Why an observation dated `ms` is out of range, or undefined (`-Infinity`: nothing observed). */
function after(ms: number, latestMs: number, prefix: string, i: number, suffix: string): string | undefined {
  if (ms >= EARLIEST_MS && ms <= latestMs) return undefined;
  if (ms === -Infinity) return undefined;
  const what = `${prefix}${i < 0 ? '' : i}${suffix}`;
  if (!Number.isFinite(ms)) return `${what} is out of range`;
  if (ms < EARLIEST_MS) return `${what} ${iso(ms)} is before 1900`;
  return `${what} ${iso(ms)} is after the as-of instant (plus payloads.futureSkewMs)`;
}

/** Why a value is beyond its ceiling (in absolute value), or undefined. */
function over(x: number | null, max: number, prefix: string, i: number, suffix: string): string | undefined {
  if (x === null || (x <= max && x >= -max)) return undefined;
  return `${prefix}${i < 0 ? '' : i}${suffix} ${x} is beyond the documented bound ${max}`;
}

/** The first value of `xs` beyond `max`, as a message, or undefined. */
function overAny(xs: readonly (number | null)[], max: number, prefix: string): string | undefined {
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (x !== null && (x > max || x < -max)) return over(x, max, prefix, i, '');
  }
  return undefined;
}

/** `YYYY-MM-DD` two days before the latest allowed instant, for the string fast path of {@link instant}. */
let safeFor = Number.NaN;
let safeDay = '';

/**
 * The epoch ms of an ISO instant, or a value that passes {@link after} when the string alone
 * shows it is in range: an instant whose day is at least two days before the latest allowed one
 * (and not before 1900-01-02) is in range whatever its offset, so most observations are compared
 * as strings and never parsed. Only the last two days and the odd stamp are parsed.
 */
function instant(stamp: string, latestMs: number): number {
  if (latestMs !== safeFor) {
    safeFor = latestMs;
    safeDay = Number.isFinite(latestMs) ? new Date(latestMs - 2 * DAY_MS).toISOString().slice(0, 10) : '';
  }
  return stamp < safeDay && stamp >= '1900-01-02' ? EARLIEST_MS : parseInstant(stamp);
}

/**
 * The first daily engagement value above `max`, as a message, or undefined. One pass over both
 * series (the schema makes them the same length and every value null or >= 0, and `null > max`
 * is false): this runs for every member of every scene pulse.
 */
function engagementOver(s: EngagementSeries, max: number): string | undefined {
  const { organic, paid } = s;
  for (let i = 0; i < organic.length; i++) {
    if ((organic[i] as number) > max || (paid[i] as number) > max)
      return overAny(organic, max, 'organic.') ?? overAny(paid, max, 'paid.');
  }
  return undefined;
}

/**
 * When a series' last observed (non-null) value is known, ms: the end of its day (a daily value
 * dated D is known at the end of D, docs/adapters.md); -Infinity for a series with none. Dated by
 * the start of its day, a value of the day after the as-of day passed the check that refuses a
 * bare-day event of that same day.
 */
function seriesEnd(start: string, ...values: ReadonlyArray<readonly (number | null)[]>): number {
  let last = -1;
  for (const v of values) for (let i = v.length - 1; i > last; i--) if (v[i] !== null) last = i;
  return last < 0 ? -Infinity : dayStart(start) + (last + 1) * DAY_MS;
}

function firstProblem<T>(items: readonly T[], check: (item: T, i: number) => string | undefined): string | undefined {
  for (let i = 0; i < items.length; i++) {
    const p = check(items[i]!, i);
    if (p) return p;
  }
  return undefined;
}

const CHECKS: Record<string, Check> = {
  'mig.getArtists': (a: ArtistRecord, latest) => after(instant(a.firstSeen, latest), latest, 'firstSeen', -1, ''),
  // The universe's records are held to the same bounds as one record's.
  'mig.listArtists': (page: { readonly items: readonly ArtistRecord[] }, latest) =>
    firstProblem(page.items, (a, i) => after(instant(a.firstSeen, latest), latest, 'items.', i, '.firstSeen')),
  'mig.getNetworks': (n: ArtistNetwork, latest, b) =>
    firstProblem(n.tastemakers, (l, i) => after(instant(l.since, latest), latest, 'tastemakers.', i, '.since')) ??
    firstProblem(
      n.collaborators,
      (l, i) =>
        after(instant(l.since, latest), latest, 'collaborators.', i, '.since') ??
        over(l.weight, b.maxWeight, 'collaborators.', i, '.weight'),
    ),
  'cmg.getReleases': (rs: readonly ReleaseFingerprint[], latest, b) =>
    firstProblem(
      rs,
      (r, i) =>
        after(dayStart(r.releasedAt), latest, '', i, '.releasedAt') ??
        overAny(r.vector, b.maxVectorComponent, `${i}.vector.`),
    ),
  'fusion.getCampaigns': (cs: readonly Campaign[], latest, b) =>
    firstProblem(
      cs,
      (c, i) =>
        after(dayStart(c.start), latest, '', i, '.start') ??
        (c.end !== null && c.end < c.start ? `${i}.end ${c.end} is before its start ${c.start}` : undefined) ??
        over(c.spend, b.maxSpend, '', i, '.spend'),
    ),
  'fusion.getEngagement': (s: EngagementSeries, latest, b, ceilingsChecked) =>
    after(seriesEnd(s.start, s.organic, s.paid), latest, 'the last observed day', -1, '') ??
    (ceilingsChecked ? undefined : engagementOver(s, b.maxDailyEngagement)),
  'coverage.getArticles': (as: readonly Article[], latest) =>
    firstProblem(as, (a, i) => after(instant(a.publishedAt, latest), latest, '', i, '.publishedAt')),
  'rcf.getEvents': (es: readonly RcfEvent[], latest, b) =>
    firstProblem(
      es,
      (e, i) => after(instant(e.at, latest), latest, '', i, '.at') ?? over(e.weight, b.maxWeight, '', i, '.weight'),
    ),
  'identityKernel.getCoherence': (s: CoherenceSeries, latest) =>
    after(seriesEnd(s.start, s.values), latest, 'the last observed day', -1, ''),
  // A pulse computed as of a later instant holds heat the as-of instant could not know.
  'scenes.getScenePulses': (p: ScenePulseSummary, latest) => after(instant(p.asOf, latest), latest, 'asOf', -1, ''),
  'scenes.listHottestScenes': (answer: HottestScenes, latest) =>
    firstProblem(hottestScenesOf(answer), (p, i) => after(instant(p.asOf, latest), latest, '', i, '.asOf')),
};

/**
 * Why a parsed answer for one key breaks the sanity bounds, or undefined. `ceilingsChecked`: the
 * parse already held the values to their ceilings (the gateway's one-pass engagement parse).
 */
export function outOfBounds(
  method: string,
  value: unknown,
  asOfMs: number,
  bounds: PayloadBounds,
  ceilingsChecked = false,
): string | undefined {
  return CHECKS[method]?.(value as never, asOfMs + bounds.futureSkewMs, bounds, ceilingsChecked);
}

/** Whether two items of `items` share an id: pairwise for short lists (no allocation), by a set for longer ones. */
function hasRepeat<T>(items: readonly T[], idOf: (item: T) => string): boolean {
  const n = items.length;
  if (n <= 24) {
    for (let i = 1; i < n; i++) {
      const id = idOf(items[i]!);
      for (let j = 0; j < i; j++) if (idOf(items[j]!) === id) return true;
    }
    return false;
  }
  const seen = new Set<string>();
  for (const item of items) {
    const id = idOf(item);
    if (seen.has(id)) return true;
    seen.add(id);
  }
  return false;
}

/**
 * A source's declared `maxBatchSize` when it is a whole number >= 1, else undefined: a getter that
 * throws, NaN, 0 or 0.5 declare none (they would make calls without keys, or none). What the
 * gateway splits requests by, and the contract suites ask in.
 */
export function declaredBatchSize(adapter: unknown): number | undefined {
  let declared: unknown;
  try {
    declared = (adapter as { readonly maxBatchSize?: unknown }).maxBatchSize;
  } catch {
    // A getter that throws: none declared.
  }
  return typeof declared === 'number' && Number.isInteger(declared) && declared >= 1 ? declared : undefined;
}

/**
 * `items` with each id once (the first delivery), the same array when no id repeats. The one rule
 * for repeated observations: the gateway applies it to every answer, and the in-memory sources to
 * theirs.
 */
export function distinctBy<T>(items: readonly T[], idOf: (item: T) => string): readonly T[] {
  if (items.length < 2 || !hasRepeat(items, idOf)) return items;
  const seen = new Set<string>();
  return items.filter((item) => {
    const id = idOf(item);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Two ids (or any strings) in code-unit order: the order of ties the gateway gives observations. */
export const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Two copies of one observation (the same id at the same instant) in a fixed order of their
 * content, so that which copy is kept does not depend on the order of delivery. Asked only of
 * copies that tie on everything before it (rare): the cost of the JSON is paid there alone.
 */
export const byContent = (a: unknown, b: unknown): number => (a === b ? 0 : byId(JSON.stringify(a), JSON.stringify(b)));

/** Orders two links' `since` (instant, then text) and then the rest of a link: a total order. */
function compareLinks<L extends { readonly since: string; readonly weight: number }>(
  a: L,
  b: L,
  rest: (l: L) => string,
): number {
  return (
    parseInstant(a.since) - parseInstant(b.since) ||
    byId(a.since, b.since) ||
    a.weight - b.weight ||
    byId(rest(a), rest(b))
  );
}

/**
 * `links` with each partner once, the same array when none repeats. A partner listed more than
 * once is one link that changed over time (a collaboration that grew, a backing that deepened):
 * merged into its latest step, dated by its earliest (as the memory adapter serves such a
 * history), whatever order the source listed the steps in. Keeping the first one delivered made
 * the order of delivery decide whether a collaboration was new.
 */
function mergeLinks<L extends { readonly since: string; readonly weight: number }>(
  links: readonly L[],
  partnerOf: (l: L) => string,
  rest: (l: L) => string = () => '',
): readonly L[] {
  if (links.length < 2 || !hasRepeat(links, partnerOf)) return links;
  const byPartner = new Map<string, { first: L; last: L }>();
  for (const l of links) {
    const s = byPartner.get(partnerOf(l));
    if (!s) byPartner.set(partnerOf(l), { first: l, last: l });
    else {
      if (compareLinks(l, s.first, rest) < 0) s.first = l;
      if (compareLinks(l, s.last, rest) > 0) s.last = l;
    }
  }
  return [...byPartner.values()].map(({ first, last }) =>
    first === last || first.since === last.since ? last : { ...last, since: first.since },
  );
}

/** How each answer keeps each observation once, by `source.method`. */
const DISTINCT: Record<string, (value: never) => unknown> = {
  // A network's links are keyed by whom they link to: a tastemaker or collaborator listed twice is one link.
  'mig.getNetworks': (n: ArtistNetwork) => {
    const tastemakers = mergeLinks(
      n.tastemakers,
      (l) => l.tastemaker,
      (l) => l.kind,
    );
    const collaborators = mergeLinks(n.collaborators, (l) => l.artist);
    return tastemakers === n.tastemakers && collaborators === n.collaborators
      ? n
      : { ...n, tastemakers, collaborators };
  },
  'cmg.getReleases': (rs: readonly ReleaseFingerprint[]) => distinctBy(rs, (r) => r.releaseId),
  'fusion.getCampaigns': (cs: readonly Campaign[]) => distinctBy(cs, (c) => c.id),
  'coverage.getArticles': (as: readonly Article[]) => distinctBy(as, (a) => a.id),
  'rcf.getEvents': (es: readonly RcfEvent[]) => distinctBy(es, (e) => e.id),
  // Strongest first (the contract's order), ties by scene: the first is the artist's main scene,
  // whichever of two equally strong ones the source listed first. A scene listed twice counts once (its strongest).
  'scenes.getMemberships': (ms: readonly SceneMembership[]) =>
    distinctBy(
      inOrder(ms, (a, b) => b.confidence - a.confidence || byId(a.sceneSlug, b.sceneSlug) || byContent(a, b)),
      (m) => m.sceneSlug,
    ),
  // Hottest first, ties by scene (then the latest pulse): a scene listed twice is shown once (its hottest).
  'scenes.listHottestScenes': (answer: HottestScenes) => {
    const ranked = distinctBy(
      inOrder(
        hottestScenesOf(answer),
        (a, b) => b.heat - a.heat || byId(a.sceneSlug, b.sceneSlug) || byId(b.asOf, a.asOf) || byContent(a, b),
      ),
      (p) => p.sceneSlug,
    );
    return 'scenes' in answer ? { ...answer, scenes: ranked } : ranked;
  },
};

/**
 * The answer with each observation once (the first delivery of each id), the same value when it
 * had no repeat. Observations are keyed by their ids: a source that delivers an article or an
 * event twice must not count it twice.
 */
export function distinctObservations(method: string, value: unknown): unknown {
  const distinct = DISTINCT[method];
  return distinct ? distinct(value as never) : value;
}

/** `items` sorted by `cmp` (stable), or `items` itself when already in that order. */
function inOrder<T>(items: readonly T[], cmp: (a: T, b: T) => number): readonly T[] {
  for (let i = 1; i < items.length; i++) if (cmp(items[i - 1]!, items[i]!) > 0) return [...items].sort(cmp);
  return items;
}

/** Two observations stamped at the same instant: by id, then (two copies of one) by content. */
const sameInstant = (a: { readonly id: string }, b: { readonly id: string }): number =>
  byId(a.id, b.id) || byContent(a, b);

/** Scratch for the instants of one answer's observations (reused: the answers are read one at a time). */
let STAMPS = new Float64Array(256);

/**
 * Observations stamped with an instant, from `fromMs` on, in time order (ties by id): `items`
 * itself when it already is (one pass, no copy), else a sorted copy of the kept ones.
 */
function stampedFrom<T extends { readonly id: string }>(
  items: readonly T[],
  stampOf: (item: T) => string,
  fromMs: number,
): readonly T[] {
  const n = items.length;
  if (STAMPS.length < n) STAMPS = new Float64Array(Math.max(n, 2 * STAMPS.length));
  const t = STAMPS;
  let ordered = true;
  let old = false;
  for (let i = 0; i < n; i++) {
    t[i] = parseInstant(stampOf(items[i]!));
    if (t[i]! < fromMs) old = true;
    if (i > 0 && (t[i - 1]! > t[i]! || (t[i - 1] === t[i] && sameInstant(items[i - 1]!, items[i]!) > 0)))
      ordered = false;
  }
  if (ordered && !old) return items;
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (t[i]! >= fromMs) kept.push(i);
  if (!ordered) kept.sort((a, b) => t[a]! - t[b]! || sameInstant(items[a]!, items[b]!) || a - b);
  return kept.map((i) => items[i]!);
}

/**
 * A daily series (`start` and arrays by day) from `fromDay` on: the days before it dropped. The
 * series itself when nothing is (its arrays are the source's: copying every series cost a tenth of
 * a refresh's CPU; a source must not change an answer after giving it, docs/adapters.md).
 */
function seriesFrom<S extends { readonly start: string }>(series: S, fromDay: string, keys: readonly (keyof S)[]): S {
  const drop = daysBetween(series.start, fromDay);
  if (!(drop > 0)) return series;
  const out: Record<string, unknown> = { ...series, start: fromDay };
  for (const k of keys) out[k as string] = (series[k] as readonly unknown[]).slice(drop);
  return out as S;
}

/** How each windowed answer is trimmed to its read's window and put in order, by `source.method`. */
const CANONICAL: Record<string, (value: never, fromMs: number) => unknown> = {
  'cmg.getReleases': (rs: readonly ReleaseFingerprint[], fromMs) => {
    const fromDay = dayOf(fromMs);
    const kept = rs.some((r) => r.releasedAt < fromDay) ? rs.filter((r) => r.releasedAt >= fromDay) : rs;
    return inOrder(
      kept,
      (a, b) => byId(a.releasedAt, b.releasedAt) || byId(a.releaseId, b.releaseId) || byContent(a, b),
    );
  },
  'rcf.getEvents': (es: readonly RcfEvent[], fromMs) => stampedFrom(es, (e) => e.at, fromMs),
  // A campaign that ended before the window is older data too (it counted in `campaignCount`).
  // In order (by start, then id, end and spend), so that of two copies of one the same is kept
  // whatever the order of delivery.
  'fusion.getCampaigns': (cs: readonly Campaign[], fromMs) => {
    const fromDay = dayOf(fromMs);
    const kept = cs.some((c) => c.end !== null && c.end < fromDay)
      ? cs.filter((c) => c.end === null || c.end >= fromDay)
      : cs;
    return inOrder(
      kept,
      (a, b) =>
        byId(a.start, b.start) ||
        byId(a.id, b.id) ||
        byId(a.end ?? '', b.end ?? '') ||
        (a.spend ?? 0) - (b.spend ?? 0) ||
        byContent(a, b),
    );
  },
  'coverage.getArticles': (as: readonly Article[], fromMs) => stampedFrom(as, (a) => a.publishedAt, fromMs),
  'fusion.getEngagement': (s: EngagementSeries, fromMs) => seriesFrom(s, dayOf(fromMs), ['organic', 'paid']),
  // Links in one order too (by whom they link to): their weights are summed.
  'mig.getNetworks': (n: ArtistNetwork) => {
    const tastemakers = inOrder(n.tastemakers, (a, b) => byId(a.tastemaker, b.tastemaker));
    const collaborators = inOrder(n.collaborators, (a, b) => byId(a.artist, b.artist));
    return tastemakers === n.tastemakers && collaborators === n.collaborators
      ? n
      : { ...n, tastemakers, collaborators };
  },
  'identityKernel.getCoherence': (s: CoherenceSeries, fromMs) => seriesFrom(s, dayOf(fromMs), ['values']),
};

/**
 * An answer in the SDK's one form: given the read's window start `fromMs`, nothing from before it
 * (a source may return older data; the SDK trims) and releases, events and articles in time
 * order, ties by id (a source may deliver them in any order); then each observation once
 * ({@link distinctObservations}). The same value when it needed none of it.
 */
export function canonicalObservations(method: string, value: unknown, fromMs?: number): unknown {
  const canonical = fromMs === undefined ? undefined : CANONICAL[method];
  // Trimmed and ordered first, then each observation once: a copy from before the window,
  // delivered first, took the place of the one inside it (and was then trimmed with it), and
  // which of two copies was kept depended on the order of delivery.
  return distinctObservations(method, canonical ? canonical(value as never, fromMs!) : value);
}

/**
 * What an answer says about the key it was asked for, by `source.method`: a problem (the answer
 * is about someone else), or the answer without what cannot be about the key.
 */
const FOR_KEY: Record<string, (value: never, key: string) => { readonly problem?: string; readonly value?: unknown }> =
  {
    // A record filed under another artist's key would score one artist with another's debut, home and city.
    'mig.getArtists': (r: ArtistRecord, key) =>
      r.slug === key ? {} : { problem: `answered the record of ${r.slug} for ${key}` },
    // A pulse filed under another scene's key would give one scene another's heat.
    'scenes.getScenePulses': (p: ScenePulseSummary, key) =>
      p.sceneSlug === key ? {} : { problem: `answered the pulse of ${p.sceneSlug} for ${key}` },
    // An artist is not its own collaborator (it would count as a link to the scene's core, and a new collaborator).
    'mig.getNetworks': (n: ArtistNetwork, key) =>
      n.collaborators.some((c) => c.artist === key)
        ? { value: { ...n, collaborators: n.collaborators.filter((c) => c.artist !== key) } }
        : {},
  };

/**
 * The answer of `method` for `key` checked against the key: `{ problem }` when it is about another
 * key, else `{ value }` (without a link from the key to itself).
 */
export function forKey(method: string, value: unknown, key: string): { problem?: string; value: unknown } {
  const check = FOR_KEY[method];
  if (!check) return { value };
  const got = check(value as never, key);
  return got.problem !== undefined ? { problem: got.problem, value } : { value: got.value ?? value };
}

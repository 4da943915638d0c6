/**
 * @module talent/features
 * Signals to features, as of an instant: pure functions, no I/O. Every feature is `null` when its
 * source gave no evidence, so a missing source is never mistaken for a zero (docs/scoring.md).
 */
import { windowSum, type DenseSeries } from '../core/features/series.js';
import { cosine, logGrowth } from '../core/features/stats.js';
import { DAY_MS, dayStart, parseInstant } from '../core/time.js';
// The day helpers of core/time with the same results, remembered: every artist's features work
// out the same few days (the as-of day, its window ends), which cost as much as the sums themselves.
import { addDaysTo as addDays, dayOfMs as dayOf, daysFrom as daysBetween } from '../core/features/days.js';
import type { RcfEvent, ReleaseFingerprint } from '../contracts/payloads.js';
import { MAX_EVENT_WEIGHT, engagementActivity, eventActivity, eventRegions, type ActivityWindows } from './activity.js';
import type { TalentModelConfig } from './model-config.js';
import type { ArtistFeatures, ArtistSignals } from './signals-types.js';

/**
 * The UTC day an observation known at `ms` belongs to: the day holding the instant just before
 * it. An observation dated by a bare day `D` is known at the end of `D` (the midnight that starts
 * `D + 1`), and belongs to `D`; an instant with a time of day belongs to its own day.
 */
const dayOfObservation = (ms: number): string => dayOf(ms - 1);

/** `lastCompleteDay(asOfMs)` of core/time: the day before the one containing `asOfMs`. */
const lastCompleteDay = (asOfMs: number): string => dayOf(asOfMs - DAY_MS);

/**
 * Log growth between two windows of a dense series ending at `end`: mean of the known days of each
 * window. A series that starts inside the recent window grows from nothing (the previous window
 * counts 0): a new entrant has growth, floored, not "no evidence". Null when the recent window has
 * no known day, or when the previous one has none although the series started before it (a gap in
 * the data, not a debut).
 */
function seriesGrowth(
  series: DenseSeries,
  end: string,
  window: number,
  floor: number,
): { level: number; previous: number; growth: number } | null {
  const recent = windowSum(series, end, window);
  if (recent.known === 0) return null;
  const previous = windowSum(series, addDays(end, -window), window);
  const r = recent.sum / recent.known;
  let p: number;
  if (previous.known > 0) p = previous.sum / previous.known;
  else if (firstKnownBack(series, end) < window) p = 0;
  else return null;
  return { level: r, previous: p, growth: logGrowth(p, r, floor) };
}

/** Days before `end` of the series' earliest known value (Infinity when none). */
function firstKnownBack(series: DenseSeries, end: string): number {
  const endIdx = daysBetween(series.start, end);
  for (let i = 0; i <= endIdx && i < series.values.length; i++) {
    const v = series.values[i];
    if (v !== null && v !== undefined) return endIdx - i;
  }
  return Infinity;
}

/** Scratch space for a day's neighbours in spike detection (at most 14: 4-10 days either side). */
const NEAR = new Float64Array(14);

/**
 * Median of the first `n` values of `xs` (n >= 1), sorting them in place: what `median` gives for
 * the same values, for a handful of them without a copy and a comparator call per comparison.
 */
function smallMedian(xs: Float64Array, n: number): number {
  for (let i = 1; i < n; i++) {
    const x = xs[i]!;
    let j = i - 1;
    while (j >= 0 && xs[j]! > x) {
      xs[j + 1] = xs[j]!;
      j--;
    }
    xs[j + 1] = x;
  }
  const m = n >> 1;
  return n % 2 ? xs[m]! : (xs[m - 1]! + xs[m]!) / 2;
}

/**
 * The events' own weights in `[from, to)` (epoch ms), and how many events there are, of any type:
 * momentum's event rate (type weights weigh the breakout's events profile alone). `times` are the
 * events' instants (`parseInstant(e.at)`), parsed once for every use.
 */
function eventWeight(
  events: readonly RcfEvent[],
  times: readonly number[],
  fromMs: number,
  toMs: number,
): { weight: number; counted: number } {
  let weight = 0;
  let counted = 0;
  for (let i = 0; i < events.length; i++) {
    const t = times[i]!;
    if (t >= fromMs && t < toMs) {
      weight += Math.min(MAX_EVENT_WEIGHT, events[i]!.weight);
      counted++;
    }
  }
  return { weight, counted };
}

function meanVector(releases: readonly ReleaseFingerprint[]): number[] {
  const dim = releases[0]!.vector.length;
  const out = new Array<number>(dim).fill(0);
  for (const r of releases) for (let i = 0; i < dim; i++) out[i]! += (r.vector[i] ?? 0) / releases.length;
  return out;
}

/**
 * 1 - cosine, clamped to [0, 1] (opposite fingerprints count as a full move); null when either
 * fingerprint has zero length (no direction: no evidence of a move, rather than a full one).
 */
const distance = (a: readonly number[], b: readonly number[]): number | null =>
  a.some((x) => x !== 0) && b.some((x) => x !== 0) ? Math.min(1, Math.max(0, 1 - cosine(a, b))) : null;

/** Latest day with a known value in a dense series, up to `end`. */
function lastKnownDay(series: DenseSeries, end: string): string | null {
  const last = Math.min(series.values.length - 1, daysBetween(series.start, end));
  for (let i = last; i >= 0; i--)
    if (series.values[i] !== null && series.values[i] !== undefined) return addDays(series.start, i);
  return null;
}

/**
 * Derives an artist's features from its signals as of `asOf`.
 * @example
 * ```ts
 * const features = extractFeatures(signals, config.talent.model);
 * features.engagementGrowth; // ln(recent / previous) with the floor, or null
 * ```
 */
/**
 * `paid / (paid + organic)` over the `days` days ending at index `endIdx`, summed over the days
 * both are known: a day whose organic (or paid) figure is unknown says nothing about the share
 * (counted as 0 organic, 5 paid a day against one known organic day read as 93% paid). Null when
 * no day has both, or their total is 0.
 */
function paidShareOf(
  organic: readonly (number | null)[],
  paid: readonly (number | null)[],
  endIdx: number,
  days: number,
): number | null {
  let p = 0;
  let o = 0;
  let known = 0;
  for (let i = Math.max(0, endIdx - days + 1); i <= endIdx && i < organic.length && i < paid.length; i++) {
    const a = organic[i];
    const b = paid[i];
    if (a === null || a === undefined || b === null || b === undefined) continue;
    o += a;
    p += b;
    known++;
  }
  return known > 0 && p + o > 0 ? p / (p + o) : null;
}

export function extractFeatures(signals: ArtistSignals, model: TalentModelConfig): ArtistFeatures {
  const asOfMs = parseInstant(signals.asOf);
  const end = lastCompleteDay(asOfMs);
  const W = model.windowDays;
  // Daily series end at the last complete day; dated observations (events, articles, links) are
  // known the instant they happen, so their windows run up to and including `asOf`.
  const untilMs = asOfMs + 1;
  const lastObserved: string[] = [];

  // Fusion: organic engagement, its growth and acceleration, paid share, spikes.
  let engagementLevel: number | null = null;
  // Mean daily organic engagement of the window before the recent one (0 for a newcomer).
  let engagementBefore = 0;
  let engagementGrowth: number | null = null;
  let engagementAcceleration: number | null = null;
  let paidShare: number | null = null;
  const spikeDays: string[] = [];
  const eng = signals.engagement;
  if (eng) {
    const organic = { start: eng.start, values: eng.organic };
    const g = seriesGrowth(organic, end, W, model.engagementFloor);
    if (g) {
      engagementLevel = g.level;
      engagementBefore = g.previous;
      engagementGrowth = g.growth;
      const half = Math.max(1, Math.floor(W / 2));
      const a = seriesGrowth(organic, end, half, model.engagementFloor);
      const b = seriesGrowth(organic, addDays(end, -half), half, model.engagementFloor);
      if (a && b) engagementAcceleration = a.growth - b.growth;
      paidShare = paidShareOf(eng.organic, eng.paid, daysBetween(eng.start, end), W);
      // Spikes: days of the long window far above their neighbours 4-10 days either side (a
      // local outlier). Sustained growth is not a spike: its neighbours grow with it.
      const endIdx = daysBetween(eng.start, end);
      for (let i = Math.max(0, endIdx - model.longWindowDays + 1); i <= endIdx && i < eng.organic.length; i++) {
        const v = eng.organic[i];
        if (v === null || v === undefined) continue;
        let n = 0;
        let least = Infinity;
        for (let k = 4; k <= 10; k++) {
          const before = eng.organic[i - k];
          const after = i + k <= endIdx ? eng.organic[i + k] : undefined;
          if (before !== null && before !== undefined) {
            NEAR[n++] = before;
            if (before < least) least = before;
          }
          if (after !== null && after !== undefined) {
            NEAR[n++] = after;
            if (after < least) least = after;
          }
        }
        if (n < 4) continue;
        // The median is at least the smallest neighbour, and `ratio * x + floor` never decreases
        // as x grows (in floating point too): a day below that bound for the smallest is no spike,
        // and most days are, so the median is only worked out for the few that are not.
        if (v < model.spikeRatio * least + model.engagementFloor) continue;
        if (v >= model.spikeRatio * smallMedian(NEAR, n) + model.engagementFloor) spikeDays.push(addDays(eng.start, i));
      }
    }
    const seen = lastKnownDay(organic, end);
    if (seen) lastObserved.push(seen);
  }

  // RCF: weighted events per week and their growth (momentum), regions (breakout).
  let eventRate: number | null = null;
  // Weighted events per week of the window before the recent one.
  let eventRateBefore = 0;
  let eventGrowth: number | null = null;
  let eventsRecently = false;
  const events = signals.events;
  // Each event's instant, parsed once (the windows below, the activity and the regions read them).
  const eventTimes = events ? events.map((e) => parseInstant(e.at)) : [];
  if (events) {
    const weeks = W / 7;
    const recent = eventWeight(events, eventTimes, untilMs - W * DAY_MS, untilMs);
    const previous = eventWeight(events, eventTimes, untilMs - 2 * W * DAY_MS, untilMs - W * DAY_MS);
    eventRate = recent.weight / weeks;
    eventRateBefore = previous.weight / weeks;
    eventGrowth = logGrowth(previous.weight / weeks, eventRate, model.eventFloor);
    eventsRecently = recent.counted + previous.counted > 0;
    let lastMs = -Infinity;
    for (const t of eventTimes) if (t < untilMs && t > lastMs) lastMs = t;
    if (lastMs > -Infinity) lastObserved.push(dayOfObservation(lastMs));
  }

  // Activity for the breakout model, from each source: standings come later, each against the
  // as-of population of the same source.
  const windows: ActivityWindows = {
    nowDays: model.nowDays,
    windowDays: W,
    quarterDays: model.quarterDays,
    stayingDays: model.stayingDays,
    historyDays: model.historyDays,
  };
  const activity = {
    events: events ? eventActivity(events, asOfMs, model.eventTypeWeights, windows, eventTimes) : null,
    engagement: eng ? engagementActivity(eng, end, windows) : null,
  };
  const anyActivity = activity.engagement ?? activity.events;
  const reach = events ? eventRegions(events, asOfMs, W, model.historyDays, eventTimes) : null;

  // Activity level (momentum's size band and its shrink): engagement when known, else weekly event
  // weight per day; of the recent window or the one before, whichever is larger. Momentum compares
  // the two windows, so its evidence is the larger: an artist falling from 1,000 a day to 10 is
  // judged as the big artist it was, not shrunk towards 50 by its own fall (which made falling
  // further read closer to 50). An empty feed (no event in the history window) says nothing about
  // an artist, and must not become a made-up score: no level, no momentum, no breakout.
  // Size bands need a level: without a recent known day, an artist active earlier in the history
  // sits at 0 (momentum then says "too small to tell", breakout reads its history).
  const activityBasis =
    engagementLevel !== null ? 'engagement' : eventsRecently ? 'events' : anyActivity ? anyActivity.basis : null;
  const activityLevel =
    engagementLevel !== null
      ? Math.max(engagementLevel, engagementBefore)
      : eventsRecently
        ? Math.max(eventRate!, eventRateBefore) / 7
        : anyActivity
          ? anyActivity.recent / W
          : null;

  // Coverage: velocity and quality.
  let pressVelocity: number | null = null;
  let pressQuality: number | null = null;
  const articles = signals.articles;
  const articleDays = new Set<string>();
  // Corroboration reaches the week before the earliest day spikes are searched on, by whole days
  // (an instant bound would lose the first of those days to asOf's time of day).
  const corroborateFrom = addDays(end, -(model.longWindowDays + 6));
  if (articles) {
    let recent = 0;
    let q = 0;
    let nq = 0;
    for (const a of articles) {
      const t = parseInstant(a.publishedAt);
      if (t >= untilMs - W * DAY_MS && t < untilMs) recent++;
      if (t >= untilMs - model.longWindowDays * DAY_MS && t < untilMs) {
        q += a.outletQuality;
        nq++;
      }
      if (t < untilMs) {
        const day = dayOfObservation(t);
        if (day >= corroborateFrom) articleDays.add(day);
      }
    }
    pressVelocity = recent / (W / 7);
    pressQuality = nq > 0 ? q / nq : 0;
  }

  // MIG: network size, new links, connectivity.
  let tastemakers: number | null = null;
  let newTastemakers: number | null = null;
  let collaborators: number | null = null;
  let newCollaborators: number | null = null;
  let centrality: number | null = null;
  let connectivity: number | null = null;
  const tastemakerDays = new Set<string>();
  const net = signals.network;
  if (net) {
    // A source should return only links known at asOf; the SDK does not rely on it.
    const links = net.tastemakers.filter((t) => parseInstant(t.since) < untilMs);
    const collabs = net.collaborators.filter((c) => parseInstant(c.since) < untilMs);
    tastemakers = links.length;
    collaborators = collabs.length;
    centrality = net.centrality;
    let weight = 0;
    let fresh = 0;
    for (const t of links) {
      weight += t.weight;
      const since = parseInstant(t.since);
      if (since >= untilMs - model.newLinkDays * DAY_MS && since < untilMs) fresh += t.weight;
      // Corroboration looks as far back as spikes are searched (plus the week before a spike).
      if (since < untilMs) {
        const day = dayOfObservation(since);
        if (day >= corroborateFrom) tastemakerDays.add(day);
      }
    }
    newTastemakers = fresh;
    newCollaborators = collabs.filter((c) => {
      const since = parseInstant(c.since);
      return since >= untilMs - model.longWindowDays * DAY_MS && since < untilMs;
    }).length;
    // Degree-based connectivity: 0.63 at a tastemaker weight of 3 or about 20 collaborators.
    const degree = 1 - Math.exp(-(weight / 3 + Math.log1p(collaborators) / 3));
    connectivity = centrality === null ? degree : 0.5 * centrality + 0.5 * degree;
  }

  // CMG: creative shift and drift.
  let creativeShift: number | null = null;
  let drift: number | null = null;
  const releases = signals.releases?.filter((r) => r.releasedAt <= end) ?? null;
  if (releases && releases.length >= 2) {
    const latest = releases[releases.length - 1]!;
    creativeShift = distance(latest.vector, meanVector(releases.slice(0, -1)));
    // The last 365 days, [end - 364, end], as every whole-day window.
    const yearAgo = addDays(end, -364);
    const jumps: number[] = [];
    for (let i = 1; i < releases.length; i++)
      if (releases[i]!.releasedAt >= yearAgo) {
        const jump = distance(releases[i]!.vector, releases[i - 1]!.vector);
        if (jump !== null) jumps.push(jump);
      }
    drift = jumps.length ? jumps.reduce((s, x) => s + x, 0) / jumps.length : 0;
  } else if (releases) {
    creativeShift = releases.length === 1 ? 0 : null;
  }

  // IdentityKernel: coherence over the window.
  let coherence: number | null = null;
  if (signals.coherence) {
    const w = windowSum(signals.coherence, end, W);
    coherence = w.known > 0 ? w.sum / w.known : null;
  }

  /** Whether a read failed (an error, a timeout): its evidence is unknown, never "none". */
  const failed = (read: 'articles' | 'network' | 'events' | 'engagement'): boolean => {
    const status = signals.reads?.[read]?.status;
    return status === 'error' || status === 'timeout';
  };

  // Anomaly: spike days with no press article and no new tastemaker link on the day or the week
  // before (bought engagement leaves no trace with gatekeepers).
  let anomaly: number | null = null;
  if (engagementLevel !== null) {
    if (spikeDays.length === 0) anomaly = 0;
    else {
      const corroborated = (day: string): boolean => {
        for (let k = 0; k <= 7; k++) {
          const d = addDays(day, -k);
          if (articleDays.has(d) || tastemakerDays.has(d)) return true;
        }
        return false;
      };
      const bare = spikeDays.filter((d) => !corroborated(d)).length;
      // A spike is bare only on evidence read: with the articles or the network read failed (an
      // error, a timeout), its press or tastemakers are unknown, never "none", so is the anomaly.
      // Three or more bare spike days in a window is full suspicion.
      anomaly = bare > 0 && (failed('articles') || failed('network')) ? null : Math.min(1, bare / 3);
    }
  }

  // The latest day seen (the last of them in code-unit order, as `sort().at(-1)` gave), without a sort.
  let newest: string | undefined;
  for (const d of lastObserved) if (newest === undefined || d > newest) newest = d;
  // The latest observation of the sources read: with the events or the engagement read failed,
  // a newer one may be in the unread source, so only "fresh" (0 days) stands; staleness is unknown.
  const seenDays = newest === undefined ? null : Math.max(0, daysBetween(newest, end));
  const staleDays = seenDays !== null && seenDays > 0 && (failed('events') || failed('engagement')) ? null : seenDays;
  // Career age counts from the debut the graph knows; without it the age is unknown (the first
  // row of a host's export says when the data starts, not when the artist did).
  // A debut dated D is known at the end of D: a debut not yet known at asOf is no career age.
  const debut = signals.record?.debut ?? null;
  const debutKnownMs = debut ? dayStart(debut) + DAY_MS : Number.NaN;
  const careerAgeDays = debut && debutKnownMs <= asOfMs ? (asOfMs - debutKnownMs) / DAY_MS : null;
  const main = signals.memberships?.[0] ?? null;
  const microgenres = main?.microgenres.length
    ? [...main.microgenres]
    : // In slug order: a release may list its tags in any order.
      [...new Set(releases?.slice(-3).flatMap((r) => r.microgenres) ?? [])].sort().slice(0, 64);

  return {
    artistSlug: signals.artistSlug,
    asOf: signals.asOf,
    activityLevel,
    activityBasis,
    engagementLevel,
    engagementGrowth,
    engagementAcceleration,
    eventRate,
    eventGrowth,
    declineGrowth:
      engagementGrowth ??
      (signals.reads.engagement.status === 'error' || signals.reads.engagement.status === 'timeout'
        ? null
        : eventGrowth),
    activity,
    regions: reach?.regions ?? null,
    newRegions: reach?.newRegions ?? null,
    pressVelocity,
    pressQuality,
    tastemakers,
    newTastemakers,
    collaborators,
    newCollaborators,
    centrality,
    connectivity,
    creativeShift,
    drift,
    coherence,
    paidShare,
    anomaly,
    staleDays,
    careerAgeDays,
    campaignCount: signals.campaigns ? signals.campaigns.filter((c) => c.start <= end).length : null,
    sceneSlug: main?.sceneSlug ?? null,
    sceneConfidence: main?.confidence ?? null,
    sceneHeat: signals.scenePulse?.heat ?? null,
    microgenres,
    host: signals.host ?? {},
    evidence: {
      mig: signals.network !== null,
      cmg: signals.releases !== null,
      fusion: signals.engagement !== null,
      coverage: signals.articles !== null,
      rcf: signals.events !== null,
      identityKernel: signals.coherence !== null,
      scenes: signals.memberships !== null,
    },
  };
}

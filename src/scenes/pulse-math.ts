/**
 * @module scenes/pulse-math
 * The pulse of one scene from its members' raw observations: pure, no I/O. Heat (0-100) is a
 * weighted sum of four normalised signals: member momentum, rising-member share, new members and
 * tastemaker activity; the same signals one window earlier give the previous heat, hence growth
 * and the lifecycle stage. Signals whose source gave no evidence are left out, the remaining
 * weights renormalised, and confidence drops by the weight that was missing.
 */
import type { ArtistNetwork, EngagementSeries, SceneStage } from '../contracts/payloads.js';
import type { SourceName } from '../contracts/sources.js';
import type { OutcomeCounts } from '../core/gateway/outcome.js';
import { clamp01, logGrowth, logistic, topK, withoutNegativeZero } from '../core/features/stats.js';
import { DAY_MS, dayStart, lastCompleteDay, parseInstant } from '../core/time.js';
import type { ExplanationItem, ScenePulseSnapshot, ScenePulseArtist } from './types.js';

/** Version of the pulse model, reported with every pulse. */
export const PULSE_MODEL_VERSION = 'scene-pulse-1';

/** Weights of the four heat signals (renormalised over the signals with evidence). */
export interface PulseWeights {
  /** Weight of member momentum (confidence-weighted log growth of organic engagement). */
  readonly momentum: number;
  /** Weight of the rising-member share. */
  readonly rising: number;
  /** Weight of new members per active member. */
  readonly newMembers: number;
  /** Weight of tastemaker activity (new tastemaker links per active member). */
  readonly tastemakers: number;
}

/** Tunable policy of the pulse (lives in config: `scenes.pulse`). */
export interface PulseParams {
  /** Length of a window, days. */
  readonly windowDays: number;
  /** Daily engagement added to both windows before taking growth (keeps tiny bases from exploding). */
  readonly engagementFloor: number;
  /** Log growth at which the momentum signal reaches 0.73 (logistic scale). */
  readonly momentumScale: number;
  /** Log growth from which a member counts as rising. */
  readonly risingLogGrowth: number;
  /** Mean daily engagement a rising member must have (absolute floor). */
  readonly risingMinEngagement: number;
  /** Rising-member share at which the signal saturates. */
  readonly risingShareSaturation: number;
  /** New-member rate (per active member, per window) at which the signal saturates. */
  readonly newMemberSaturation: number;
  /** New tastemaker links per active member per window at which the signal reaches 0.63. */
  readonly tastemakerScale: number;
  /** Weights of the four signals (renormalised over available signals). */
  readonly weights: PulseWeights;
  /** Heat below which a scene that is not cooling is `emerging`. */
  readonly emergingMaxHeat: number;
  /** Relative heat growth above which a scene is `growing`. */
  readonly growingMinGrowth: number;
  /** Relative heat growth below which a scene is `cooling`. */
  readonly coolingMaxGrowth: number;
  /** Artists listed in `top_artists`. */
  readonly topArtists: number;
  /** Members at which a scene's signals count half: each is shrunk toward neutral by n / (n + this). */
  readonly smallSceneMembers: number;
}

/** A member as the pulse needs it. */
export interface PulseMember {
  /** Artist slug. */
  readonly artist_slug: string;
  /** Membership confidence, 0-1. */
  readonly confidence: number;
  /** When the membership began (ISO). */
  readonly joined_at: string;
  /** Microgenres the member shares with the scene. */
  readonly microgenres: readonly string[];
}

/** The scene a pulse is computed for. */
export interface PulseScene {
  /** Scene slug. */
  readonly slug: string;
  /** Display name. */
  readonly name: string;
  /** Region code. */
  readonly region: string;
  /** The scene's microgenres: when given, the mix counts only these (never one the catalog dropped). */
  readonly microgenres?: readonly string[];
}

/** Everything one pulse is computed from. */
export interface PulseInput {
  /** The scene. */
  readonly scene: PulseScene;
  /** Its members, strongest first. */
  readonly members: readonly PulseMember[];
  /** Engagement of members whose Fusion read was ok. */
  readonly engagement: ReadonlyMap<string, EngagementSeries>;
  /** Networks of members whose MIG read was ok. */
  readonly networks: ReadonlyMap<string, ArtistNetwork>;
  /** Outcome counts of the reads, by source. */
  readonly sources: Partial<Record<SourceName, OutcomeCounts>>;
  /** As-of instant, epoch ms. */
  readonly asOfMs: number;
  /** Computation instant, epoch ms. */
  readonly nowMs: number;
  /**
   * As-of instant of the membership refresh `members` come from, epoch ms; null when memberships
   * were never computed. The pulse then cannot tell an empty scene from an unknown one: no signal is
   * available, confidence is 0 and the status `degraded`.
   */
  readonly membershipsAsOfMs: number | null;
  /**
   * Artists the membership refresh of `membershipsAsOfMs` could not place (their MIG or CMG read
   * failed, with no earlier memberships to keep): the scene may be missing members, so a pulse
   * over those memberships is `degraded` when there are any. @default 0
   */
  readonly unplaced?: number;
}

interface WindowSignals {
  readonly momentum: number | null;
  readonly risingShare: number | null;
  readonly rising: number;
  readonly active: number;
  /** Members whose engagement gave a growth (a known mean in this window and the one before). */
  readonly measured: number;
  readonly newMembers: number;
  readonly newLinks: number | null;
  /**
   * The active members (as `active` counts them) whose network was read: what `newLinks` is per
   * (a member whose MIG read failed is no evidence of "no new links").
   */
  readonly linkActive: number;
}

/**
 * The members as columns (struct of arrays: no object per member), every date parsed once and
 * each engagement series reduced to three window means: `m0` the current window, `m1` the one
 * before, `m2` the one before that (NaN when unknown), `paid0` the paid mean of the current one.
 */
interface Prepared {
  readonly n: number;
  readonly members: readonly PulseMember[];
  readonly joined: Float64Array;
  readonly confidence: Float64Array;
  readonly hasSeries: Uint8Array;
  readonly m0: Float64Array;
  readonly m1: Float64Array;
  readonly m2: Float64Array;
  readonly paid0: Float64Array;
  readonly hasNetwork: Uint8Array;
  /** Tastemaker links that appeared in the current window. */
  readonly links0: Int32Array;
  /** Tastemaker links that appeared in the window before. */
  readonly links1: Int32Array;
  /** Distinct tastemakers linked to any member. */
  readonly tastemakers: number;
  /** Confidence-weighted microgenre counts, in order of first appearance. */
  readonly mix: Map<string, number>;
  /** Sum of `mix`. */
  readonly mixTotal: number;
}

/** Mean of the known values of `values[end - days + 1 .. end]`, or NaN when none is known. */
function meanAt(values: readonly (number | null)[], end: number, days: number): number {
  let sum = 0;
  let known = 0;
  for (let i = Math.max(0, end - days + 1), last = Math.min(end, values.length - 1); i <= last; i++) {
    const v = values[i];
    // Values were validated as finite numbers or null at the gateway.
    if (v !== null && v !== undefined) {
      sum += v;
      known++;
    }
  }
  return known === 0 ? Number.NaN : sum / known;
}

/**
 * Mean of the known values of `values[from]` down to `values[to]` (newest first, the order the
 * sums were always taken in, so results stay bit for bit the same), or NaN when none is known.
 * Indices outside the array are skipped.
 */
function meanDown(values: readonly (number | null)[], from: number, to: number): number {
  let sum = 0;
  let known = 0;
  for (let i = Math.min(from, values.length - 1), last = Math.max(0, to); i >= last; i--) {
    const v = values[i];
    // Values were validated as finite numbers or null at the gateway.
    if (v !== null && v !== undefined) {
      sum += v;
      known++;
    }
  }
  return known === 0 ? Number.NaN : sum / known;
}

/**
 * The values of `map` for every member that has one, with the member's index: what
 * `map.get(member.artist_slug)` gives each member, but in the map's own order. A map is normally
 * filled as its values are built, so its order is their order in memory, while members come
 * strongest first: walking 10,000 series in member order waits on memory at almost every member
 * and took most of a pulse's time. When the map follows the members' order (as `ScenePulse`
 * builds it) the indices come from one merged walk with no hashing; otherwise from a slug index.
 * Members the walk did not reach (a repeated slug, say) are looked up one by one, so every
 * member gets exactly what `get` would give it.
 */
function entriesByMember<V>(
  map: ReadonlyMap<string, V>,
  members: readonly PulseMember[],
  slugIndex: () => ReadonlyMap<string, number>,
): { count: number; index: Int32Array; values: V[] } {
  const n = members.length;
  const index = new Int32Array(n);
  const values: V[] = [];
  const reached = new Uint8Array(n);
  let count = 0;
  let next = 0;
  // If the map follows the members' order, the members it skips are those without an entry: at
  // most n - size of them. Past that it does not, and the walk stops looking ahead at once.
  let skips = n - map.size;
  let bySlug: ReadonlyMap<string, number> | null = null;
  for (const [key, value] of map) {
    let i: number | undefined;
    if (bySlug === null) {
      let j = next;
      while (j < n && skips >= 0 && members[j]!.artist_slug !== key) {
        j++;
        skips--;
      }
      if (j < n && skips >= 0) {
        i = j;
        next = j + 1;
      } else {
        // Out of the members' order (or not a member): look members up by slug from here on.
        bySlug = slugIndex();
      }
    }
    if (bySlug !== null) i = bySlug.get(key);
    if (i === undefined) continue;
    reached[i] = 1;
    index[count] = i;
    values[count++] = value;
  }
  for (let i = 0; i < n; i++) {
    if (reached[i]) continue;
    const value = map.get(members[i]!.artist_slug);
    if (value === undefined) continue;
    index[count] = i;
    values[count++] = value;
  }
  return { count, index, values };
}

/**
 * Reads every member, network and series once: members in their order (dates, confidence,
 * microgenre mix), then networks and series each in their map's order (see `entriesByMember`).
 * With 10,000 members most of the cost is fetching these objects from memory, not arithmetic.
 */
function prepare(input: PulseInput, endDay: string, w: number): Prepared {
  const endMs = dayStart(endDay);
  const end0 = endMs + DAY_MS;
  const start0 = end0 - w * DAY_MS;
  const start1 = start0 - w * DAY_MS;
  const n = input.members.length;
  const members = input.members;
  const networks = input.networks;
  const engagement = input.engagement;
  const joined = new Float64Array(n);
  const confidence = new Float64Array(n);
  const hasSeries = new Uint8Array(n);
  const m0 = new Float64Array(n).fill(Number.NaN);
  const m1 = new Float64Array(n).fill(Number.NaN);
  const m2 = new Float64Array(n).fill(Number.NaN);
  const paid0 = new Float64Array(n).fill(Number.NaN);
  const hasNetwork = new Uint8Array(n);
  const links0 = new Int32Array(n);
  const links1 = new Int32Array(n);
  const tastemakers = new Set<string>();
  const mix = new Map<string, number>();
  const mixSlot = new Map<string, number>();
  const mixWeight: number[] = [];
  let mixTotal = 0;
  // The mix is of microgenres members share with the scene as the catalog has it now: a row scored
  // before an import dropped one of its microgenres names it until a refresh replaces the row.
  const sceneGenres = input.scene.microgenres === undefined ? null : new Set(input.scene.microgenres);
  for (let i = 0; i < n; i++) {
    const m = members[i]!;
    const conf = m.confidence;
    joined[i] = parseInstant(m.joined_at);
    confidence[i] = conf;
    // One lookup per microgenre: a scene's members share a handful, so their weights are summed
    // in an array (in member order, as before) and put in the map once at the end.
    const genres = m.microgenres;
    for (let j = 0; j < genres.length; j++) {
      const g = genres[j]!;
      if (sceneGenres !== null && !sceneGenres.has(g)) continue;
      let k = mixSlot.get(g);
      if (k === undefined) {
        k = mixWeight.length;
        mixSlot.set(g, k);
        mixWeight.push(0);
      }
      mixWeight[k] = mixWeight[k]! + conf;
      mixTotal += conf;
    }
  }
  for (const [g, k] of mixSlot) mix.set(g, mixWeight[k]!);
  // Member index by slug (the first member with it), built only if a map is out of member order.
  let bySlug: Map<string, number> | null = null;
  const slugIndex = (): ReadonlyMap<string, number> => {
    if (bySlug === null) {
      bySlug = new Map();
      for (let k = n - 1; k >= 0; k--) bySlug.set(members[k]!.artist_slug, k);
    }
    return bySlug;
  };
  const nets = entriesByMember(networks, members, slugIndex);
  for (let e = 0; e < nets.count; e++) {
    const net = nets.values[e];
    if (!net) continue;
    const i = nets.index[e]!;
    hasNetwork[i] = 1;
    const list = net.tastemakers;
    let l0 = 0;
    let l1 = 0;
    for (let j = 0; j < list.length; j++) {
      const l = list[j]!;
      const t = parseInstant(l.since);
      // (start, end], as members count: a link dated by a bare day D is known at D + 1 00:00Z, the
      // end of D's window.
      if (t > start0 && t <= end0) l0++;
      else if (t > start1 && t <= start0) l1++;
      // A tastemaker backs the scene once its link is known (a source's clock may stamp ahead).
      if (t <= input.asOfMs) tastemakers.add(l.tastemaker);
    }
    links0[i] = l0;
    links1[i] = l1;
  }
  const series = entriesByMember(engagement, members, slugIndex);
  // Most series of one read share their start day: parse it once.
  let lastStart = '';
  let lastEnd = 0;
  for (let e = 0; e < series.count; e++) {
    const s = series.values[e];
    if (!s) continue;
    const i = series.index[e]!;
    hasSeries[i] = 1;
    if (s.start !== lastStart) {
      lastStart = s.start;
      lastEnd = Math.round((endMs - dayStart(s.start)) / DAY_MS);
    }
    // The three organic windows, each its own loop (no test per value of which window it is in).
    const o = s.organic;
    m0[i] = meanDown(o, lastEnd, lastEnd - w + 1);
    m1[i] = meanDown(o, lastEnd - w, lastEnd - 2 * w + 1);
    m2[i] = meanDown(o, lastEnd - 2 * w, lastEnd - 3 * w + 1);
    paid0[i] = meanAt(s.paid, lastEnd, w);
  }
  return {
    n,
    members,
    joined,
    confidence,
    hasSeries,
    m0,
    m1,
    m2,
    paid0,
    hasNetwork,
    links0,
    links1,
    tastemakers: tastemakers.size,
    mix,
    mixTotal,
  };
}

/**
 * Signals of the window ending `shift` days before the pulse's last complete day. When `growth`
 * and `engagement` are given, each member's growth and current engagement are written there
 * (NaN when unknown), for the top-artist ranking.
 */
function windowSignals(
  prepared: Prepared,
  params: PulseParams,
  endDay: string,
  shift: number,
  haveNetworks: boolean,
  growth?: Float64Array,
  engagement?: Float64Array,
): WindowSignals {
  const w = params.windowDays;
  const windowEndMs = dayStart(endDay) + DAY_MS - shift * DAY_MS;
  const windowStartMs = windowEndMs - w * DAY_MS;
  const cur = shift === 0 ? prepared.m0 : prepared.m1;
  const prevs = shift === 0 ? prepared.m1 : prepared.m2;
  const links = shift === 0 ? prepared.links0 : prepared.links1;
  let weighted = 0;
  let weightSum = 0;
  let risingWeight = 0;
  let rising = 0;
  let active = 0;
  let present = 0;
  let measured = 0;
  let newMembers = 0;
  let newLinks = 0;
  let activeRead = 0;
  let presentRead = 0;
  if (growth) growth.fill(Number.NaN);
  for (let i = 0; i < prepared.n; i++) {
    const joined = prepared.joined[i]!;
    // Windows are (start, end] for members: `joined_at` is the instant of the refresh that found
    // the member, with evidence through it, so a member joined at a window's end is of that window
    // (a refresh as of asOf finds members new now), and one joined at its start is of the window
    // before, never of two.
    if (joined > windowEndMs) continue; // not yet a member in this window
    present++;
    const networkRead = prepared.hasNetwork[i] === 1;
    if (networkRead) presentRead++;
    if (joined > windowStartMs) newMembers++;
    if (prepared.hasSeries[i]) {
      const c = cur[i]!;
      const pr = prevs[i]!;
      if (c > 0) {
        active++;
        if (networkRead) activeRead++;
      }
      if (!Number.isNaN(c) && !Number.isNaN(pr)) {
        const g = logGrowth(pr, c, params.engagementFloor);
        const conf = prepared.confidence[i]!;
        measured++;
        weighted += conf * g;
        weightSum += conf;
        // A member's own growth is its ratio (minus one), as shown in `top_artists`; from nothing,
        // against the floor. The floor tempers the scene's momentum only.
        // A previous mean so small that the ratio overflows (1e10 over 1e-310) counts as nothing.
        const direct = pr > 0 ? c / pr : Number.NaN;
        const ratio = Number.isFinite(direct) ? direct : 1 + Math.max(0, c) / params.engagementFloor;
        if (growth && engagement) {
          growth[i] = ratio - 1;
          engagement[i] = c;
        }
        if (Math.log(ratio) >= params.risingLogGrowth && c >= params.risingMinEngagement) {
          rising++;
          risingWeight += conf;
        }
      }
    }
    if (networkRead) newLinks += links[i]!;
  }
  const haveEngagement = weightSum > 0;
  return {
    momentum: haveEngagement ? weighted / weightSum : null,
    risingShare: haveEngagement ? risingWeight / weightSum : null,
    rising,
    // Without engagement evidence, every member present counts as active.
    active: haveEngagement ? active : present,
    measured,
    newMembers,
    newLinks: haveNetworks ? newLinks : null,
    linkActive: haveEngagement ? activeRead : presentRead,
  };
}

/** One signal of the heat before weighting (fields in the order `ExplanationItem` lists them). */
interface HeatSignal {
  readonly signal: string;
  readonly source: ExplanationItem['source'];
  readonly unit: string;
  readonly raw: number;
  normalized: number;
  readonly available: boolean;
  /** Configured weight (renormalised over the available signals). */
  readonly w: number;
}

/** Growth of heat from `previous` to `current`: `(current - previous) / max(previous, 10)`. */
const growthOver = (current: number, previous: number): number => (current - previous) / Math.max(previous, 10);

function heatOf(
  s: WindowSignals,
  params: PulseParams,
  membershipsKnown: boolean,
  other?: WindowSignals,
): { heat: number; items: ExplanationItem[]; coverage: number } {
  const perActive = (x: number): number => x / Math.max(1, s.active);
  const perLinkActive = (x: number): number => x / Math.max(1, s.linkActive);
  // Built field by field: object rest and spread copies went through the engine's slow generic path
  // and took a noticeable share of a small scene's pulse.
  const signals: HeatSignal[] = [
    {
      signal: 'member_momentum',
      source: 'fusion',
      unit: 'log growth of daily organic engagement (confidence-weighted mean)',
      raw: s.momentum ?? 0,
      normalized: s.momentum === null ? 0 : logistic(s.momentum, 0, params.momentumScale),
      available: s.momentum !== null && (other === undefined || other.momentum !== null),
      w: params.weights.momentum,
    },
    {
      signal: 'rising_members',
      source: 'fusion',
      unit: 'confidence-weighted share of members rising',
      raw: s.risingShare ?? 0,
      normalized: s.risingShare === null ? 0 : clamp01(s.risingShare / params.risingShareSaturation),
      available: s.risingShare !== null && (other === undefined || other.risingShare !== null),
      w: params.weights.rising,
    },
    {
      signal: 'new_members',
      source: 'scenes',
      unit: 'new members per active member in the window',
      raw: perActive(s.newMembers),
      normalized: membershipsKnown ? clamp01(perActive(s.newMembers) / params.newMemberSaturation) : 0,
      available: membershipsKnown,
      w: params.weights.newMembers,
    },
    {
      signal: 'tastemaker_activity',
      source: 'mig',
      unit: 'new tastemaker links per active member in the window',
      raw: perLinkActive(s.newLinks ?? 0),
      normalized: s.newLinks === null ? 0 : 1 - Math.exp(-perLinkActive(s.newLinks) / params.tastemakerScale),
      available: s.newLinks !== null && (other === undefined || other.newLinks !== null),
      w: params.weights.tastemakers,
    },
  ];
  // Small scenes are noisy: shrink each signal toward its neutral value by n / (n + k).
  // (`smallSceneMembers` 0: no shrinking, even without an active member.) For the Fusion signals
  // n counts the members whose growth was measured (a known value in both windows, zeros
  // included): counted by engagement above 0, a scene whose every member fell to nothing had n = 0,
  // its momentum shrunk to neutral, and so more heat than the same scene with one member steady.
  const shrinkBy = (n: number): number => (params.smallSceneMembers > 0 ? n / (n + params.smallSceneMembers) : 1);
  const shrink = shrinkBy(s.active);
  const shrinkFusion = shrinkBy(Math.max(s.active, s.measured));
  let total = 0;
  let avail = 0;
  for (const x of signals) {
    const neutral = x.signal === 'member_momentum' ? 0.5 : 0;
    if (x.available) {
      x.normalized = neutral + (x.source === 'fusion' ? shrinkFusion : shrink) * (x.normalized - neutral);
      avail += x.w;
    }
    total += x.w;
  }
  let heat = 0;
  const items = signals.map((x): ExplanationItem => {
    const weight = x.available && avail > 0 ? x.w / avail : 0;
    const contribution = 100 * weight * x.normalized;
    heat += contribution;
    return {
      signal: x.signal,
      source: x.source,
      unit: x.unit,
      raw: x.raw,
      normalized: x.normalized,
      available: x.available,
      weight,
      contribution,
    };
  });
  return { heat, items, coverage: total > 0 ? avail / total : 0 };
}

/**
 * `values` rounded to hundredths so that they add up to `total` (itself in hundredths): each is
 * rounded down, and the hundredths left go to the largest remainders (ties to the first). Rounded
 * one by one, the explanation's contributions missed the heat shown by 0.01 in 10 of 70 scenes.
 */
function sumPreservingHundredths(values: readonly number[], total: number): number[] {
  const floors = values.map((v) => Math.floor(v * 100 + 1e-9));
  let left = Math.round(total * 100) - floors.reduce((a, b) => a + b, 0);
  const order = values
    .map((_, i) => i)
    .sort((a, b) => values[b]! * 100 - floors[b]! - (values[a]! * 100 - floors[a]!) || a - b);
  for (const i of order) {
    if (left <= 0) break;
    floors[i]!++;
    left--;
  }
  return floors.map((f) => withoutNegativeZero(f / 100));
}

function stageOf(heat: number, growth: number, params: PulseParams): SceneStage {
  if (growth <= params.coolingMaxGrowth) return 'cooling';
  if (heat < params.emergingMaxHeat) return 'emerging';
  if (growth >= params.growingMinGrowth) return 'growing';
  return 'peaking';
}

/**
 * Computes a scene's pulse as of `input.asOfMs`.
 * @example
 * ```ts
 * const pulse = computePulse({ scene, members, engagement, networks, sources, asOfMs, nowMs, membershipsAsOfMs }, config.scenes.pulse);
 * pulse.heat; pulse.stage; pulse.explanation;
 * ```
 */
export function computePulse(given: PulseInput, params: PulseParams): ScenePulseSnapshot {
  // Without memberships no member can be counted: whatever members were passed are not known to be the scene's.
  const membershipsKnown = given.membershipsAsOfMs !== null;
  const input: PulseInput = membershipsKnown
    ? given
    : { ...given, members: [], engagement: new Map(), networks: new Map() };
  const endDay = lastCompleteDay(input.asOfMs);
  const prepared = prepare(input, endDay, params.windowDays);
  const haveNetworks = input.networks.size > 0;
  const growthOf = new Float64Array(prepared.n);
  const engagementOf = new Float64Array(prepared.n);
  const now = windowSignals(prepared, params, endDay, 0, haveNetworks, growthOf, engagementOf);
  const before = windowSignals(prepared, params, endDay, params.windowDays, haveNetworks);
  const cur = heatOf(now, params, membershipsKnown);
  const prev = heatOf(before, params, membershipsKnown);
  // Growth compares like with like: over the signals with evidence in both windows. A signal
  // known in one window only (a Fusion answer of nulls for the last month) left out of one heat
  // and kept in the other read as a fall of 100%, "cooling", with status ok.
  const same = (a: ExplanationItem[], b: ExplanationItem[]): boolean =>
    a.every((x, k) => x.available === b[k]!.available);
  const growth = same(cur.items, prev.items)
    ? growthOver(cur.heat, prev.heat)
    : growthOver(
        heatOf(now, params, membershipsKnown, before).heat,
        heatOf(before, params, membershipsKnown, now).heat,
      );

  // Evidence: the share of signal weight available, times the share of members each read covered.
  // A Fusion read that succeeded but holds no value in the windows (every day null) is no evidence:
  // counted by read, an all-null answer gave the confidence of a full one to a heat without momentum.
  const memberCount = Math.max(1, input.members.length);
  const engagementCoverage = now.measured / memberCount;
  const networkCoverage = input.networks.size / memberCount;
  const evidence =
    input.members.length === 0 || !membershipsKnown
      ? 0
      : (params.weights.momentum * engagementCoverage +
          params.weights.rising * engagementCoverage +
          params.weights.newMembers +
          params.weights.tastemakers * networkCoverage) /
        (params.weights.momentum + params.weights.rising + params.weights.newMembers + params.weights.tastemakers);

  const ranked = topK(growthOf.keys(), params.topArtists, (i) =>
    !Number.isNaN(growthOf[i]!)
      ? prepared.confidence[i]! * Math.log1p(engagementOf[i]!) * (1 + growthOf[i]!)
      : Number.NaN,
  );
  const top: ScenePulseArtist[] = ranked.map((i) => {
    const g = growthOf[i]!;
    const e = engagementOf[i]!;
    return {
      artist_slug: prepared.members[i]!.artist_slug,
      confidence: prepared.members[i]!.confidence,
      growth: g,
      engagement: e,
      reason:
        g >= Math.exp(params.risingLogGrowth) - 1
          ? `engagement up ${Math.round(g * 100)}% in ${params.windowDays} days`
          : `one of the scene's most engaged members (${Math.round(e)} a day)`,
    };
  });

  const { mix, mixTotal } = prepared;

  // Paid activity, from the same engagement reads: it is reported, never counted as heat.
  let campaigning = 0;
  let paid = 0;
  let organic = 0;
  for (let i = 0; i < prepared.n; i++) {
    const pm = prepared.paid0[i]!;
    const om = prepared.m0[i]!;
    if (pm > 0) campaigning++;
    if (!Number.isNaN(pm)) paid += pm;
    if (!Number.isNaN(om)) organic += om;
  }

  const degraded =
    !membershipsKnown ||
    (input.unplaced ?? 0) > 0 ||
    Object.values(input.sources).some((c) => c && (c.error > 0 || c.timeout > 0));
  // Never -0 (`Math.round(-0.00001)` is -0): an explanation's raw momentum, a flat scene's growth.
  const round = (x: number, d = 4): number => withoutNegativeZero(Math.round(x * 10 ** d) / 10 ** d);
  const contributions = sumPreservingHundredths(
    cur.items.map((x) => x.contribution),
    round(cur.heat, 2),
  );
  return {
    scene_slug: input.scene.slug,
    name: input.scene.name,
    region: input.scene.region,
    heat: round(cur.heat, 2),
    previous_heat: round(prev.heat, 2),
    growth: round(growth),
    // From the heat and growth shown: a heat shown as 40 is never `emerging` below a bound of 40.
    stage: stageOf(round(cur.heat, 2), round(growth), params),
    total_members: input.members.length,
    active_members: now.active,
    new_members: now.newMembers,
    rising_members: now.rising,
    top_artists: top,
    microgenre_mix: [...mix]
      // Every microgenre members share with the scene (at most the scene's 64): shares sum to 1
      // before each is rounded to 4 decimals.
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([microgenre, w]) => ({ microgenre, share: round(w / mixTotal) })),
    tastemaker_activity: {
      new_links: now.newLinks ?? 0,
      previous_new_links: before.newLinks ?? 0,
      active_tastemakers: prepared.tastemakers,
    },
    campaign_activity: {
      campaigning_members: campaigning,
      paid_share: paid + organic > 0 ? round(paid / (paid + organic)) : 0,
    },
    explanation: cur.items.map((x, i) => ({
      signal: x.signal,
      source: x.source,
      unit: x.unit,
      raw: round(x.raw),
      normalized: round(x.normalized),
      available: x.available,
      weight: round(x.weight),
      contribution: contributions[i]!,
    })),
    confidence: round(
      clamp01(
        evidence *
          (params.smallSceneMembers > 0
            ? now.active / (now.active + params.smallSceneMembers)
            : now.active > 0
              ? 1
              : 0),
      ),
    ),
    sources: input.sources,
    status: degraded ? 'degraded' : 'ok',
    asOf: new Date(input.asOfMs).toISOString(),
    memberships_as_of: given.membershipsAsOfMs === null ? null : new Date(given.membershipsAsOfMs).toISOString(),
    updated_at: new Date(input.nowMs).toISOString(),
    model_version: PULSE_MODEL_VERSION,
  };
}

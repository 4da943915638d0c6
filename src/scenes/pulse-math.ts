/**
 * @module scenes/pulse-math
 * The pulse of one scene from its members' raw observations: pure, no I/O. Heat (0-100) is a
 * weighted sum of four normalised signals: member momentum, rising-member share, new members and
 * tastemaker activity; the same signals one window earlier give the previous heat, hence growth
 * and the lifecycle stage. Signals whose source gave no evidence are left out, the remaining
 * weights renormalised, and confidence drops by the weight that was missing.
 */
import type { ArtistNetwork, Campaign, EngagementSeries, SceneStage } from '../contracts/payloads.js';
import type { SourceName } from '../contracts/sources.js';
import type { OutcomeCounts } from '../core/gateway/outcome.js';
import { clamp01, logGrowth, logistic, topK } from '../core/features/stats.js';
import { windowMean } from '../core/features/series.js';
import { addDays, DAY_MS, lastCompleteDay } from '../core/time.js';
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
  /** Campaigns of members whose Fusion read was ok. */
  readonly campaigns: ReadonlyMap<string, readonly Campaign[]>;
  /** Outcome counts of the reads, by source. */
  readonly sources: Partial<Record<SourceName, OutcomeCounts>>;
  /** As-of instant, epoch ms. */
  readonly asOfMs: number;
  /** Computation instant, epoch ms. */
  readonly nowMs: number;
}

interface WindowSignals {
  readonly momentum: number | null;
  readonly risingShare: number | null;
  readonly rising: number;
  readonly active: number;
  readonly newMembers: number;
  readonly newLinks: number | null;
  readonly growthBySlug: Map<string, { growth: number; engagement: number }>;
}

/** Signals of the window ending at `endDay` (inclusive) and starting at `startMs`. */
function windowSignals(input: PulseInput, p: PulseParams, endDay: string): WindowSignals {
  const w = p.windowDays;
  const prevEnd = addDays(endDay, -w);
  const windowStartMs = Date.parse(`${addDays(endDay, -w + 1)}T00:00:00.000Z`);
  const windowEndMs = Date.parse(`${endDay}T00:00:00.000Z`) + DAY_MS;
  let weighted = 0;
  let weightSum = 0;
  let risingWeight = 0;
  let rising = 0;
  let active = 0;
  let newMembers = 0;
  let newLinks = 0;
  const growthBySlug = new Map<string, { growth: number; engagement: number }>();
  for (const m of input.members) {
    const joined = Date.parse(m.joined_at);
    if (joined > windowEndMs) continue; // not yet a member in this window
    if (joined >= windowStartMs) newMembers++;
    const series = input.engagement.get(m.artist_slug);
    if (series) {
      const organic = { start: series.start, values: series.organic };
      const cur = windowMean(organic, endDay, w);
      const prev = windowMean(organic, prevEnd, w);
      if (cur !== null && cur > 0) active++;
      if (cur !== null && prev !== null) {
        const g = logGrowth(prev, cur, p.engagementFloor);
        weighted += m.confidence * g;
        weightSum += m.confidence;
        growthBySlug.set(m.artist_slug, { growth: Math.exp(g) - 1, engagement: cur });
        if (g >= p.risingLogGrowth && cur >= p.risingMinEngagement) {
          rising++;
          risingWeight += m.confidence;
        }
      }
    }
    const net = input.networks.get(m.artist_slug);
    if (net) for (const l of net.tastemakers) {
      const t = Date.parse(l.since);
      if (t >= windowStartMs && t < windowEndMs) newLinks++;
    }
  }
  const haveEngagement = weightSum > 0;
  if (!haveEngagement) active = input.members.filter((m) => Date.parse(m.joined_at) < windowEndMs).length;
  return {
    momentum: haveEngagement ? weighted / weightSum : null,
    risingShare: haveEngagement ? risingWeight / weightSum : null,
    rising,
    active,
    newMembers,
    newLinks: input.networks.size > 0 ? newLinks : null,
    growthBySlug,
  };
}

function heatOf(s: WindowSignals, p: PulseParams): { heat: number; items: ExplanationItem[]; coverage: number } {
  const perActive = (x: number): number => x / Math.max(1, s.active);
  const signals: Array<Omit<ExplanationItem, 'weight' | 'contribution' | 'normalized'> & { normalized: number; w: number }> = [
    { signal: 'member_momentum', source: 'fusion', unit: 'log growth of daily organic engagement (confidence-weighted mean)', raw: s.momentum ?? 0, normalized: s.momentum === null ? 0 : logistic(s.momentum, 0, p.momentumScale), available: s.momentum !== null, w: p.weights.momentum },
    { signal: 'rising_members', source: 'fusion', unit: 'confidence-weighted share of members rising', raw: s.risingShare ?? 0, normalized: s.risingShare === null ? 0 : clamp01(s.risingShare / p.risingShareSaturation), available: s.risingShare !== null, w: p.weights.rising },
    { signal: 'new_members', source: 'scenes', unit: 'new members per active member in the window', raw: perActive(s.newMembers), normalized: clamp01(perActive(s.newMembers) / p.newMemberSaturation), available: true, w: p.weights.newMembers },
    { signal: 'tastemaker_activity', source: 'mig', unit: 'new tastemaker links per active member in the window', raw: perActive(s.newLinks ?? 0), normalized: s.newLinks === null ? 0 : 1 - Math.exp(-perActive(s.newLinks) / p.tastemakerScale), available: s.newLinks !== null, w: p.weights.tastemakers },
  ];
  // Small scenes are noisy: shrink each signal toward its neutral value by n / (n + k).
  const shrink = s.active / (s.active + p.smallSceneMembers);
  for (const x of signals) {
    const neutral = x.signal === 'member_momentum' ? 0.5 : 0;
    if (x.available) x.normalized = neutral + shrink * (x.normalized - neutral);
  }
  const total = signals.reduce((a, x) => a + x.w, 0);
  const avail = signals.filter((x) => x.available).reduce((a, x) => a + x.w, 0);
  const items = signals.map(({ w, ...x }) => {
    const weight = x.available && avail > 0 ? w / avail : 0;
    return { ...x, weight, contribution: 100 * weight * x.normalized };
  });
  return { heat: items.reduce((a, x) => a + x.contribution, 0), items, coverage: total > 0 ? avail / total : 0 };
}

function stageOf(heat: number, growth: number, p: PulseParams): SceneStage {
  if (growth <= p.coolingMaxGrowth) return 'cooling';
  if (heat < p.emergingMaxHeat) return 'emerging';
  if (growth >= p.growingMinGrowth) return 'growing';
  return 'peaking';
}

/**
 * Computes a scene's pulse as of `input.asOfMs`.
 * @example
 * ```ts
 * const pulse = computePulse({ scene, members, engagement, networks, campaigns, sources, asOfMs, nowMs }, config.scenes.pulse);
 * pulse.heat; pulse.stage; pulse.explanation;
 * ```
 */
export function computePulse(input: PulseInput, p: PulseParams): ScenePulseSnapshot {
  const endDay = lastCompleteDay(input.asOfMs);
  const now = windowSignals(input, p, endDay);
  const before = windowSignals(input, p, addDays(endDay, -p.windowDays));
  const cur = heatOf(now, p);
  const prev = heatOf(before, p);
  const growth = (cur.heat - prev.heat) / Math.max(prev.heat, 10);

  // Evidence: the share of signal weight available, times the share of members each read covered.
  const memberCount = Math.max(1, input.members.length);
  const engagementCoverage = input.engagement.size / memberCount;
  const networkCoverage = input.networks.size / memberCount;
  const evidence =
    input.members.length === 0
      ? 0
      : (p.weights.momentum * engagementCoverage + p.weights.rising * engagementCoverage + p.weights.newMembers + p.weights.tastemakers * networkCoverage) /
        (p.weights.momentum + p.weights.rising + p.weights.newMembers + p.weights.tastemakers);

  const confidenceOf = new Map(input.members.map((m) => [m.artist_slug, m.confidence]));
  const top: ScenePulseArtist[] = topK(now.growthBySlug, p.topArtists, ([slug, g]) => (confidenceOf.get(slug) ?? 0) * Math.log1p(g.engagement) * (1 + Math.max(0, g.growth))).map(([slug, g]) => ({
    artist_slug: slug,
    confidence: confidenceOf.get(slug) ?? 0,
    growth: g.growth,
    engagement: g.engagement,
    reason: g.growth >= Math.exp(p.risingLogGrowth) - 1 ? `engagement up ${Math.round(g.growth * 100)}% in ${p.windowDays} days` : `one of the scene's most engaged members (${Math.round(g.engagement)} a day)`,
  }));

  const mix = new Map<string, number>();
  let mixTotal = 0;
  for (const m of input.members) for (const g of m.microgenres) {
    mix.set(g, (mix.get(g) ?? 0) + m.confidence);
    mixTotal += m.confidence;
  }

  const windowStart = addDays(endDay, -p.windowDays + 1);
  let activeCampaigns = 0;
  for (const list of input.campaigns.values()) for (const c of list) if (c.start <= endDay && (c.end === null || c.end >= windowStart)) activeCampaigns++;
  let paid = 0;
  let organic = 0;
  for (const s of input.engagement.values()) {
    paid += (windowMean({ start: s.start, values: s.paid }, endDay, p.windowDays) ?? 0);
    organic += (windowMean({ start: s.start, values: s.organic }, endDay, p.windowDays) ?? 0);
  }
  const tastemakers = new Set<string>();
  for (const n of input.networks.values()) for (const l of n.tastemakers) if (Date.parse(l.since) <= input.asOfMs) tastemakers.add(l.tastemaker);

  const degraded = Object.values(input.sources).some((c) => c && (c.absent > 0 || c.error > 0 || c.timeout > 0));
  const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;
  return {
    scene_slug: input.scene.slug,
    name: input.scene.name,
    region: input.scene.region,
    heat: round(cur.heat, 2),
    previous_heat: round(prev.heat, 2),
    growth: round(growth),
    stage: stageOf(cur.heat, growth, p),
    total_members: input.members.length,
    active_members: now.active,
    new_members: now.newMembers,
    rising_members: now.rising,
    top_artists: top,
    microgenre_mix: [...mix].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 12).map(([microgenre, w]) => ({ microgenre, share: round(w / mixTotal) })),
    tastemaker_activity: { new_links: now.newLinks ?? 0, previous_new_links: before.newLinks ?? 0, active_tastemakers: tastemakers.size },
    campaign_activity: { active_campaigns: activeCampaigns, paid_share: paid + organic > 0 ? round(paid / (paid + organic)) : 0 },
    explanation: cur.items.map((x) => ({ ...x, raw: round(x.raw), normalized: round(x.normalized), weight: round(x.weight), contribution: round(x.contribution, 2) })),
    confidence: round(clamp01(evidence * (now.active / (now.active + p.smallSceneMembers)))),
    sources: input.sources,
    status: degraded ? 'degraded' : 'ok',
    asOf: new Date(input.asOfMs).toISOString(),
    updated_at: new Date(input.nowMs).toISOString(),
    model_version: PULSE_MODEL_VERSION,
  };
}

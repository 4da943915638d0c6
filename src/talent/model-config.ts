/**
 * @module talent/model-config
 * The Talent Radar's scoring policy as config: windows, momentum normalisation, the breakout
 * model and risk severities. Every number here is a policy a host may change (and `calibrate()`
 * fits a breakout model from the host's own history); docs/scoring.md gives each formula.
 */
import { MAX_SERIES_DAYS } from '../contracts/daily-values.js';
import { z } from 'zod';
import type { RcfEventType } from '../contracts/payloads.js';
import { BreakoutModelSchema } from './breakout-model.js';

const days = (def: number) => z.number().int().min(1).max(3650).default(def);
/** An RCF event type's weight in activity (left out: 1). */
const eventWeight = z.number().min(0).max(1000).optional();
const unit = (def: number) => z.number().min(0).max(1).default(def);

/** Weights of the momentum components (renormalised over the components with evidence). */
export const MomentumWeightsSchema = z
  .object({
    /** Organic engagement growth (Fusion). @default 0.45 */
    engagement_growth: unit(0.45),
    /** Acceleration of engagement growth (Fusion). @default 0.15 */
    engagement_acceleration: unit(0.15),
    /** Growth of weighted real-time events (RCF). @default 0.25 */
    event_growth: unit(0.25),
    /** Press velocity (Coverage). @default 0.15 */
    press_velocity: unit(0.15),
  })
  .strict()
  // All 0 would leave nothing to renormalise over: every artist would score momentum 50.
  .refine((w) => Object.values(w).some((v) => v > 0), {
    message: 'at least one weight must be above 0 (the weights are renormalised over the components with evidence)',
  });

/** Severities of the risk components (each 0-1; combined as a noisy-OR). */
export const RiskSeveritiesSchema = z
  .object({
    /** Falling organic activity. @default 0.6 */
    decline: unit(0.6),
    /** Identity that no longer resolves coherently across platforms. @default 0.5 */
    incoherence: unit(0.5),
    /** Releases whose fingerprint jumps from one to the next. @default 0.3 */
    drift: unit(0.3),
    /** Engagement that is mostly paid. @default 0.5 */
    paid_dependence: unit(0.5),
    /** Engagement spikes without press or tastemaker corroboration. @default 0.7 */
    anomaly: unit(0.7),
    /** Data that stopped arriving. @default 0.4 */
    stale_data: unit(0.4),
  })
  .strict();

/** The Talent Radar's scoring policy. */
export const TalentModelConfigSchema = z
  .object({
    /** Recent window, days: growth compares it with the window before. @default 28 */
    windowDays: days(28),
    /** Window of press quality and of new collaborators, days. @default 90 */
    longWindowDays: days(90),
    /** "Now" for the breakout model's current level, days (one chart week, or a week of daily data). @default 7 */
    nowDays: days(7),
    /** Window of quarterly growth (the last quarter against the one before), days. @default 91 */
    quarterDays: days(91),
    /** Window of staying power (share of the data's periods with activity), days. @default 56 */
    stayingDays: days(56),
    /** How far back peak activity and known regions reach, days. @default 364 */
    historyDays: days(364),
    /**
     * Weight of each RCF event type in activity (a chart entry and a radio play are both
     * activity; a host may count some kinds more). Types left out weigh 1. @default every type 1
     */
    eventTypeWeights: z
      .object({
        /** A playlist add. @default 1 */
        playlist_add: eventWeight,
        /** A radio play. @default 1 */
        radio_play: eventWeight,
        /** A chart entry. @default 1 */
        chart_entry: eventWeight,
        /** A social spike. @default 1 */
        social_spike: eventWeight,
        /** A sync placement. @default 1 */
        sync_placement: eventWeight,
        /** A live show. @default 1 */
        live_show: eventWeight,
      } satisfies Record<RcfEventType, typeof eventWeight>)
      .strict()
      .default(() => ({})),
    /** Tastemaker links younger than this count as new, days. @default 60 */
    newLinkDays: days(60),
    /** Data older than this (days before the last complete day) starts to count as stale. @default 7 */
    staleAfterDays: days(7),
    /** Daily engagement added to both windows before taking growth (absolute floor). @default 50 */
    engagementFloor: z.number().positive().max(1e12).default(50),
    /** Weekly event weight added to both windows before taking event growth. @default 5 */
    eventFloor: z.number().positive().max(1e12).default(5),
    /**
     * Daily activity at which an artist's momentum is no longer shrunk towards the peer median:
     * below it, momentum moves only part of the way (10 -> 100 listeners does not outrank
     * 100k -> 1M). @default 1000
     */
    fullEvidenceLevel: z.number().positive().max(1e12).default(1000),
    /** Size bands for peer normalisation: upper bounds of daily activity (log-spaced). @default [100, 1000, 10000, 100000] */
    sizeBands: z
      .array(z.number().positive())
      .max(20)
      .refine((b) => b.every((x, i) => i === 0 || x > b[i - 1]!), { message: 'sizeBands must be ascending' })
      .default([100, 1000, 10_000, 100_000]),
    /** Peers a band needs for its own median/MAD; smaller bands use the whole population. @default 20 */
    minBandPeers: z.number().int().min(1).max(1e6).default(20),
    /** Robust z at which momentum reaches 73 of 100 (logistic scale). @default 1 */
    momentumScale: z.number().positive().max(100).default(1),
    /** Momentum component weights. */
    momentumWeights: MomentumWeightsSchema.default(() => MomentumWeightsSchema.parse({})),
    /** The breakout model: inputs' weights and centres, intercept, event and horizon (docs/scoring.md). @default the published default model */
    breakout: BreakoutModelSchema.default(() => BreakoutModelSchema.parse({})),
    /** Risk severities. */
    riskSeverities: RiskSeveritiesSchema.default(() => RiskSeveritiesSchema.parse({})),
    /** Share of engagement that is paid from which paid dependence starts to count. @default 0.3 */
    paidShareFloor: unit(0.3),
    /** Ratio of a day's organic engagement to the median of its neighbours (4-10 days either side) from which it counts as a spike. @default 3 */
    spikeRatio: z.number().min(1).max(1e6).default(3),
  })
  .strict()
  .refine((m) => engagementReachDays(m) <= MAX_SERIES_DAYS, {
    message: `the windows reach too far back: the engagement read spans max(2 x windowDays + longWindowDays, historyDays, 2 x quarterDays) + 3 days, at most ${MAX_SERIES_DAYS} (the longest series a source may answer)`,
    path: ['quarterDays'],
  });

/**
 * Days of daily engagement the Talent Radar reads back from as-of under `model`: two windows and
 * a long one (spikes), the history, two quarters (growth), plus the as-of day's margin.
 * @internal
 */
export function engagementReachDays(model: {
  readonly windowDays: number;
  readonly longWindowDays: number;
  readonly historyDays: number;
  readonly quarterDays: number;
}): number {
  const activity = Math.max(model.historyDays, 2 * model.quarterDays, 2 * model.windowDays, 42);
  return Math.max(2 * model.windowDays + model.longWindowDays, activity) + 3;
}

/** The resolved scoring policy. */
export type TalentModelConfig = z.output<typeof TalentModelConfigSchema>;

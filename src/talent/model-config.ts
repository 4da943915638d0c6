/**
 * @module talent/model-config
 * The Talent Radar's scoring policy as config: windows, momentum normalisation, breakout weights
 * and risk severities. Every number here is a policy a host may change (and `calibrate()` refits
 * the breakout weights); docs/scoring.md gives each formula.
 */
import { z } from 'zod';

const days = (def: number) => z.number().int().min(1).max(3650).default(def);
const unit = (def: number) => z.number().min(0).max(1).default(def);

/** The names of the breakout model's inputs, in a stable order. */
export const BREAKOUT_FEATURES = [
  'momentum',
  'activity_level',
  'activity_growth',
  'recent_growth',
  'event_days',
  'event_peak',
  'acceleration',
  'career_age',
  'new_tastemakers',
  'new_collaborators',
  'network_position',
  'press_quality',
  'scene_heat',
] as const;
/** A breakout model input. */
export type BreakoutFeature = (typeof BREAKOUT_FEATURES)[number];

/**
 * Default breakout weights (per normalised input; docs/scoring.md): fitted with `calibrate()` on
 * the demo world's training cutoffs (bench/backtest, seed 42, 2,000 artists), rounded. A host
 * should refit them on its own history: the demo world is synthetic.
 */
export const DEFAULT_BREAKOUT_WEIGHTS: Readonly<Record<BreakoutFeature, number>> = {
  momentum: 0.88,
  activity_level: -0.64,
  activity_growth: 1,
  recent_growth: -0.5,
  event_days: -0.08,
  event_peak: 0.19,
  acceleration: 0.56,
  career_age: 0.27,
  new_tastemakers: 4.5,
  new_collaborators: -0.44,
  network_position: 3.79,
  press_quality: 6,
  scene_heat: -0.22,
};

const w = (f: BreakoutFeature) => z.number().min(-100).max(100).default(DEFAULT_BREAKOUT_WEIGHTS[f]);

/** Weights of the breakout model, one per normalised input (docs/scoring.md). */
const breakoutWeights = z
  .object({
    /** Momentum, centred: (momentum - 50) / 25. @default {@link DEFAULT_BREAKOUT_WEIGHTS} */
    momentum: w('momentum'),
    /** Daily activity, log10(1 + level) - 2. @default {@link DEFAULT_BREAKOUT_WEIGHTS} */
    activity_level: w('activity_level'),
    /** Log growth of activity (engagement, else events), recent window vs the one before. @default {@link DEFAULT_BREAKOUT_WEIGHTS} */
    activity_growth: w('activity_growth'),
    /** Log growth of weekly event weight, last two weeks vs the six before. @default {@link DEFAULT_BREAKOUT_WEIGHTS} */
    recent_growth: w('recent_growth'),
    /** Share of weeks with an event over the last two windows, 0-1. @default {@link DEFAULT_BREAKOUT_WEIGHTS} */
    event_days: w('event_days'),
    /** log1p of the largest single event weight over the last two windows. @default {@link DEFAULT_BREAKOUT_WEIGHTS} */
    event_peak: w('event_peak'),
    /** Acceleration of organic engagement growth. @default {@link DEFAULT_BREAKOUT_WEIGHTS} */
    acceleration: w('acceleration'),
    /** log1p(years since the artist first appeared). @default {@link DEFAULT_BREAKOUT_WEIGHTS} */
    career_age: w('career_age'),
    /** 1 - exp(-weight of new tastemaker links). @default {@link DEFAULT_BREAKOUT_WEIGHTS} */
    new_tastemakers: w('new_tastemakers'),
    /** log1p(collaborators first seen in the long window). @default {@link DEFAULT_BREAKOUT_WEIGHTS} */
    new_collaborators: w('new_collaborators'),
    /** Connectivity in the industry graph, 0-1. @default {@link DEFAULT_BREAKOUT_WEIGHTS} */
    network_position: w('network_position'),
    /** Press quality x (1 - exp(-press velocity)). @default {@link DEFAULT_BREAKOUT_WEIGHTS} */
    press_quality: w('press_quality'),
    /** Main scene heat / 100 x membership confidence. @default {@link DEFAULT_BREAKOUT_WEIGHTS} */
    scene_heat: w('scene_heat'),
  })
  .strict();

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
  .strict();

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
    /** What breakout_score is the probability of (shown in explanations). @default the demo world's event */
    breakoutEvent: z
      .string()
      .min(1)
      .max(256)
      .default('organic daily audience reaches 3x its level of 90 days before (and at least 1,000)'),
    /** Horizon of the breakout event, days. @default 90 */
    breakoutHorizonDays: days(90),
    /** Intercept of the breakout logistic model (fitted with the default weights). @default -6.04 */
    breakoutIntercept: z.number().min(-100).max(100).default(-6.04),
    /** Weights of the breakout logistic model, per normalised input. */
    breakoutWeights: breakoutWeights.default(() => breakoutWeights.parse({})),
    /** Risk severities. */
    riskSeverities: RiskSeveritiesSchema.default(() => RiskSeveritiesSchema.parse({})),
    /** Share of engagement that is paid from which paid dependence starts to count. @default 0.3 */
    paidShareFloor: unit(0.3),
    /** Ratio of a day's organic engagement to the median of its neighbours (4-10 days either side) from which it counts as a spike. @default 3 */
    spikeRatio: z.number().min(1).max(1e6).default(3),
  })
  .strict();

/** The resolved scoring policy. */
export type TalentModelConfig = z.output<typeof TalentModelConfigSchema>;

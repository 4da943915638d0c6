/**
 * @module talent/breakout-model-data
 * The shape of a breakout model as plain data, with each built-in input documented once: the
 * model schema, its inferred types and the generated default model all name their inputs through
 * {@link BreakoutInputMap}. Types only.
 */

/**
 * One value per built-in breakout input (docs/scoring.md defines each). "Standing" is
 * `-ln(share of the population above)`: where the artist stands among the artists of the same
 * source as of the scoring instant.
 */
export interface BreakoutInputMap<T> {
  /** Standing of this week's activity (the last `nowDays` days). */
  level_now: T;
  /** Standing of the month's activity (the last `windowDays` days). */
  level_month: T;
  /** The month's standing minus the standing of the month before. */
  growth_month: T;
  /** The quarter's standing minus the standing of the quarter before (`quarterDays` each). */
  growth_quarter: T;
  /** This week's standing above the month's, beyond the month's own rise: a rise speeding up. */
  acceleration: T;
  /** Standing of the best single day of the history window (`historyDays`). */
  peak: T;
  /** Share of the recent periods (`stayingDays`, in the data's cadence) the artist was present in. */
  staying_power: T;
  /** Share of the periods the artist could have been present in over its life, up to a year (`historyDays`). */
  staying_year: T;
  /**
   * Share of the year's periods (`historyDays`, in the data's cadence) the artist was present in,
   * counted over the whole year whatever its age, on a concave scale: `ln(1 + 52 x share) / ln 53`.
   */
  presence_year: T;
  /** `1 / (1 + periods since the last activity)`. */
  recency: T;
  /** `ln(1 + years since the artist's debut)`; no value without a known debut. */
  career_age: T;
  /** `ln(1 + distinct regions with events in the recent window)`. */
  breadth: T;
  /** `ln(1 + regions new to the artist in the recent window)`. */
  spread: T;
  /** `ln(1 + collaborators new in the recent window)`. */
  new_collaborators: T;
  /** `1 - exp(-new tastemaker support)`. */
  new_tastemakers: T;
  /** Press quality times `1 - exp(-press velocity)`. */
  press: T;
  /** The artist's scene heat, 0-1, times the scene membership's confidence. */
  scene_heat: T;
}

/** One input's term as data: `weight x (value - center)` in log-odds. */
export interface BreakoutTermData {
  /** Log-odds per unit of the input. */
  readonly weight: number;
  /** The input's value that adds nothing (the mean of the data the weight was fitted on). */
  readonly center: number;
}

/** A breakout model as plain data: the form of the published default model. */
export interface BreakoutModelData {
  /** Log-odds of an artist whose every input sits at its centre. */
  readonly intercept: number;
  /** The built-in inputs' terms. */
  readonly inputs: Readonly<BreakoutInputMap<BreakoutTermData>>;
  /** What the score is the probability of (shown in explanations). */
  readonly event: string;
  /** Horizon of that event, days. */
  readonly horizonDays: number;
  /** Where the weights came from. */
  readonly provenance: {
    /** What the model was fitted on, in words. */
    readonly fittedOn: string;
    /** Examples the fit used. */
    readonly examples: number;
    /** Positive examples. */
    readonly positives: number;
    /** L2 penalty the fit used. */
    readonly l2: number;
    /** Whether probabilities were recalibrated (Platt scaling on out-of-time predictions, folded into the weights). */
    readonly recalibrated: boolean;
  };
}

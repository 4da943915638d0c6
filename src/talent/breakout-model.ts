/**
 * @module talent/breakout-model
 * The breakout model as data: its named inputs, each input's weight and centre, the intercept,
 * what the probability is of, and where the weights came from. A model is plain JSON, so a host
 * can store the one `calibrate()` returns and hand it back through config or
 * `setBreakoutModel()`.
 */
import { z } from 'zod';
import type { BreakoutInputMap } from './breakout-model-data.js';
import { DEFAULT_BREAKOUT_MODEL } from './default-breakout-model.js';
import { text } from '../core/text.js';

export { DEFAULT_BREAKOUT_MODEL };
export type { BreakoutInputMap, BreakoutModelData, BreakoutTermData } from './breakout-model-data.js';

/**
 * The breakout model's built-in inputs, in a stable order (docs/scoring.md defines each). Every
 * input means the same thing on any platform: activity inputs are percentiles within the as-of
 * population, presence is counted in the data's own cadence.
 */
export const BREAKOUT_INPUTS = [
  'level_now',
  'level_month',
  'growth_month',
  'growth_quarter',
  'acceleration',
  'peak',
  'staying_power',
  'staying_year',
  'presence_year',
  'recency',
  'career_age',
  'breadth',
  'spread',
  'new_collaborators',
  'new_tastemakers',
  'press',
  'scene_heat',
] as const;
/** A built-in breakout input. */
export type BreakoutInput = (typeof BREAKOUT_INPUTS)[number];

// The list and the documented map name the same inputs: a compile error otherwise.
const SAME_INPUTS: [BreakoutInput, keyof BreakoutInputMap<unknown>] extends [
  keyof BreakoutInputMap<unknown>,
  BreakoutInput,
]
  ? true
  : never = true;
void SAME_INPUTS;

/** Largest absolute weight, centre or intercept a model may hold (a raw host feature's centre can be a follower count). */
const BOUND = 1e12;
const coef = z.number().min(-BOUND).max(BOUND);

/** One input's term: `weight x (value - center)` in log-odds; a missing value adds nothing. */
export const BreakoutTermSchema = z
  .object({
    /** Log-odds per unit of the input. */
    weight: coef,
    /** The input's value that adds nothing (the mean of the data the weight was fitted on). */
    center: coef,
  })
  .strict();
/** One input's term. */
export type BreakoutTerm = z.infer<typeof BreakoutTermSchema>;

/** A host feature's name: a slug-like identifier (`tiktok-follows`, `sync_deals`). */
export const HostFeatureNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[a-z][a-z0-9_-]*$/,
    'A host feature name must start with a letter and hold only lowercase letters, digits, "_" and "-"',
  );

const term = (input: BreakoutInput) => BreakoutTermSchema.default(() => ({ ...DEFAULT_BREAKOUT_MODEL.inputs[input] }));

/** The built-in inputs' terms; each defaults to the published default model's. */
export const BreakoutInputsSchema = z
  .object(
    Object.fromEntries(BREAKOUT_INPUTS.map((i) => [i, term(i)])) as {
      [K in keyof BreakoutInputMap<unknown>]: ReturnType<typeof term>;
    },
  )
  .strict();

/** Where a model's weights came from (kept with the model for the docs and the host's records; not used in scoring). */
export const BreakoutProvenanceSchema = z
  .object({
    /** What the model was fitted on, in words. */
    fittedOn: z.string().min(1).max(2000),
    /** Examples the fit used. */
    examples: z.number().int().min(0),
    /** Positive examples. */
    positives: z.number().int().min(0),
    /** L2 penalty the fit used. */
    l2: z.number().min(0),
    /** Whether probabilities were recalibrated (Platt scaling on out-of-time predictions, folded into the weights). */
    recalibrated: z.boolean(),
  })
  .strict();

/**
 * A breakout model: `breakout = logistic(intercept + sum of weight x (value - center))` over the
 * inputs with a value (built-in and host features).
 */
export const BreakoutModelSchema = z
  .object({
    /** Log-odds of an artist whose every input sits at its centre. @default the published default model's */
    intercept: coef.default(DEFAULT_BREAKOUT_MODEL.intercept),
    /** The built-in inputs' terms. */
    inputs: BreakoutInputsSchema.default(() => BreakoutInputsSchema.parse({})),
    /** Host features' terms, by name (a registered host feature without a term has weight 0). @default {} */
    hostInputs: z.record(HostFeatureNameSchema, BreakoutTermSchema).default(() => ({})),
    /** What the score is the probability of (shown in explanations). @default the published default model's */
    event: text(512).default(DEFAULT_BREAKOUT_MODEL.event),
    /** Horizon of that event, days. @default the published default model's */
    horizonDays: z.number().int().min(1).max(3650).default(DEFAULT_BREAKOUT_MODEL.horizonDays),
    /** Where the weights came from. @default the published default model's */
    provenance: BreakoutProvenanceSchema.default(() => ({ ...DEFAULT_BREAKOUT_MODEL.provenance })),
  })
  .strict();
/** A breakout model (input form: every field optional). */
export type BreakoutModelInput = z.input<typeof BreakoutModelSchema>;
/** A resolved breakout model. */
export type BreakoutModel = z.output<typeof BreakoutModelSchema>;
